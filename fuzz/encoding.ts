// Structure-aware damage to a checkpoint's msgpack encoding. A random byte overwrite almost always
// breaks the structure so badly that every decoder rejects it, so it cannot tell a strict decoder
// from a lenient one. These edits keep the document well-formed msgpack but make it
// non-canonical (spec §8) in exactly one way: one integer, string, bin, array or map header in a
// longer form (an integer also as a signed or float value), two map entries swapped, one entry
// repeated, one length off by one, one value nested one level deeper, or a trailing byte. A
// correct decoder rejects each with E_MALFORMED_INPUT; a decoder that skips one canonicality
// check accepts exactly the edits of that kind.

export type ItemKind = 'int' | 'str' | 'bin' | 'array' | 'map';

export type EncBreak =
  | { k: 'widen'; kind: ItemKind; i: number; w: number } // w picks one of the longer forms
  | { k: 'reorder'; i: number; j: number } // map i: swap entries j and j + 1
  | { k: 'repeat'; i: number; j: number } // map i: entry j twice
  | { k: 'length'; kind: ItemKind; i: number; d: number } // header count/length + d (d = ±1)
  | { k: 'nest'; i: number } // value i wrapped in a one-element array
  | { k: 'trailing'; v: number };

interface Item {
  kind: ItemKind | 'other';
  start: number;
  /** Header bytes (for int: the whole encoding). */
  hdr: number;
  end: number;
  /** Integer value, or length of a str/bin, or element/entry count of an array/map. */
  n: bigint;
  /** Maps: [start, end) of each entry (key and value). */
  entries?: [number, number][];
}

class Malformed extends Error {}

/** Every item of a msgpack document in pre-order (throws Malformed on what it cannot read). */
function parse(b: Uint8Array): Item[] {
  const items: Item[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const need = (p: number, n: number) => {
    if (p + n > b.length) throw new Malformed('truncated');
  };
  const uint = (p: number, size: number): bigint => {
    need(p, size);
    if (size === 1) return BigInt(b[p]);
    if (size === 2) return BigInt(dv.getUint16(p));
    if (size === 4) return BigInt(dv.getUint32(p));
    return dv.getBigUint64(p);
  };
  const walk = (p: number): number => {
    need(p, 1);
    const t = b[p];
    const scalar = (kind: ItemKind | 'other', hdr: number, n: bigint, payload = 0) => {
      need(p, hdr + payload);
      items.push({ kind, start: p, hdr, end: p + hdr + payload, n });
      return p + hdr + payload;
    };
    const container = (kind: 'array' | 'map', hdr: number, count: bigint) => {
      const item: Item = { kind, start: p, hdr, end: 0, n: count };
      items.push(item);
      let q = p + hdr;
      if (kind === 'map') {
        item.entries = [];
        for (let k = 0n; k < count; k++) {
          const s = q;
          q = walk(walk(q));
          item.entries.push([s, q]);
        }
      } else for (let k = 0n; k < count; k++) q = walk(q);
      item.end = q;
      return q;
    };
    if (t <= 0x7f) return scalar('int', 1, BigInt(t));
    if (t <= 0x8f) return container('map', 1, BigInt(t & 0x0f));
    if (t <= 0x9f) return container('array', 1, BigInt(t & 0x0f));
    if (t <= 0xbf) return scalar('str', 1, BigInt(t & 0x1f), t & 0x1f);
    if (t >= 0xe0) return scalar('other', 1, 0n);
    switch (t) {
      case 0xc0:
      case 0xc2:
      case 0xc3:
        return scalar('other', 1, 0n);
      case 0xc4:
      case 0xc5:
      case 0xc6: {
        const size = [1, 2, 4][t - 0xc4];
        const n = uint(p + 1, size);
        return scalar('bin', 1 + size, n, Number(n));
      }
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf: {
        const size = [1, 2, 4, 8][t - 0xcc];
        return scalar('int', 1 + size, uint(p + 1, size));
      }
      case 0xd9:
      case 0xda:
      case 0xdb: {
        const size = [1, 2, 4][t - 0xd9];
        const n = uint(p + 1, size);
        return scalar('str', 1 + size, n, Number(n));
      }
      case 0xdc:
      case 0xdd: {
        const size = t === 0xdc ? 2 : 4;
        return container('array', 1 + size, uint(p + 1, size));
      }
      case 0xde:
      case 0xdf: {
        const size = t === 0xde ? 2 : 4;
        return container('map', 1 + size, uint(p + 1, size));
      }
      default:
        throw new Malformed(`type byte 0x${t.toString(16)}`);
    }
  };
  const end = walk(0);
  if (end !== b.length) throw new Malformed('trailing bytes');
  return items;
}

const be = (v: bigint, size: number): number[] => Array.from({ length: size }, (_, i) => Number((v >> BigInt(8 * (size - 1 - i))) & 0xffn));

/** Canonical header of a str/bin/array/map of length n (the writer's choice, spec §8). */
function canonicalHeader(kind: ItemKind, n: bigint): number[] {
  switch (kind) {
    case 'str':
      return n < 32n ? [0xa0 | Number(n)] : n < 256n ? [0xd9, Number(n)] : n < 65536n ? [0xda, ...be(n, 2)] : [0xdb, ...be(n, 4)];
    case 'bin':
      return n < 256n ? [0xc4, Number(n)] : n < 65536n ? [0xc5, ...be(n, 2)] : [0xc6, ...be(n, 4)];
    case 'array':
      return n < 16n ? [0x90 | Number(n)] : n < 65536n ? [0xdc, ...be(n, 2)] : [0xdd, ...be(n, 4)];
    case 'map':
      return n < 16n ? [0x80 | Number(n)] : n < 65536n ? [0xde, ...be(n, 2)] : [0xdf, ...be(n, 4)];
    case 'int':
      return canonicalInt(n);
  }
}

function canonicalInt(v: bigint): number[] {
  return v < 128n ? [Number(v)] : v < 256n ? [0xcc, Number(v)] : v < 65536n ? [0xcd, ...be(v, 2)] : v < 1n << 32n ? [0xce, ...be(v, 4)] : [0xcf, ...be(v, 8)];
}

/** Every encoding of the same value or length other than the canonical one. */
function longerForms(kind: ItemKind, n: bigint): number[][] {
  const forms: number[][] = [];
  const fits = (bits: number) => n < 1n << BigInt(bits);
  if (kind === 'int') {
    if (fits(8)) forms.push([0xcc, Number(n)]);
    if (fits(16)) forms.push([0xcd, ...be(n, 2)]);
    if (fits(32)) forms.push([0xce, ...be(n, 4)]);
    forms.push([0xcf, ...be(n, 8)]);
    // The same non-negative value as a signed integer, and as a float when that is exact.
    if (fits(7)) forms.push([0xd0, Number(n)]);
    if (fits(15)) forms.push([0xd1, ...be(n, 2)]);
    if (fits(31)) forms.push([0xd2, ...be(n, 4)]);
    if (fits(63)) forms.push([0xd3, ...be(n, 8)]);
    if (fits(53)) {
      const f = new DataView(new ArrayBuffer(8));
      f.setFloat64(0, Number(n));
      forms.push([0xcb, ...new Uint8Array(f.buffer)]);
    }
  } else {
    const tags = { str: [[0xd9, 1], [0xda, 2], [0xdb, 4]], bin: [[0xc4, 1], [0xc5, 2], [0xc6, 4]], array: [[0xdc, 2], [0xdd, 4]], map: [[0xde, 2], [0xdf, 4]] }[kind];
    for (const [tag, size] of tags) if (fits(8 * size)) forms.push([tag, ...be(n, size)]);
  }
  const canonical = canonicalHeader(kind, n).join(',');
  return forms.filter((f) => f.join(',') !== canonical);
}

const splice = (b: Uint8Array, start: number, end: number, insert: ArrayLike<number>): Uint8Array => {
  const out = new Uint8Array(b.length - (end - start) + insert.length);
  out.set(b.subarray(0, start), 0);
  out.set(insert, start);
  out.set(b.subarray(end), start + insert.length);
  return out;
};

/**
 * Applies one encoding break; returns null when the document has nothing it applies to (or is not
 * readable msgpack). The result always differs from the input.
 */
export function breakEncoding(bytes: Uint8Array, e: EncBreak): Uint8Array | null {
  if (e.k === 'trailing') return splice(bytes, bytes.length, bytes.length, [e.v & 0xff]);
  let items: Item[];
  try {
    items = parse(bytes);
  } catch (err) {
    if (err instanceof Malformed) return null;
    throw err;
  }
  const of = (kind: ItemKind) => items.filter((it) => it.kind === kind);
  switch (e.k) {
    case 'widen': {
      const cands = of(e.kind).filter((it) => longerForms(e.kind, it.n).length > 0);
      if (!cands.length) return null;
      const it = cands[e.i % cands.length];
      const forms = longerForms(e.kind, it.n);
      return splice(bytes, it.start, it.start + it.hdr, forms[e.w % forms.length]);
    }
    case 'length': {
      const cands = of(e.kind).filter((it) => it.n + BigInt(e.d) >= 0n);
      if (!cands.length) return null;
      const it = cands[e.i % cands.length];
      const n = it.n + BigInt(e.d);
      // An integer's "length" is its value: off by one, still canonical, a semantic edit; skip.
      if (e.kind === 'int') return null;
      return splice(bytes, it.start, it.start + it.hdr, canonicalHeader(e.kind, n));
    }
    case 'reorder':
    case 'repeat': {
      const maps = of('map').filter((m) => m.entries!.length >= (e.k === 'reorder' ? 2 : 1));
      if (!maps.length) return null;
      const m = maps[e.i % maps.length];
      const es = m.entries!;
      const body = es.map(([s, t]) => bytes.subarray(s, t));
      let order: Uint8Array[];
      if (e.k === 'reorder') {
        const j = e.j % (es.length - 1);
        order = [...body.slice(0, j), body[j + 1], body[j], ...body.slice(j + 2)];
      } else {
        const j = e.j % es.length;
        order = [...body.slice(0, j + 1), body[j], ...body.slice(j + 1)];
      }
      const header = canonicalHeader('map', BigInt(order.length));
      const flat = new Uint8Array(order.reduce((n, x) => n + x.length, header.length));
      flat.set(header, 0);
      let q = header.length;
      for (const x of order) (flat.set(x, q), (q += x.length));
      return splice(bytes, m.start, m.end, flat);
    }
    case 'nest': {
      // Any value but the document itself.
      const cands = items.slice(1);
      if (!cands.length) return null;
      const it = cands[e.i % cands.length];
      return splice(bytes, it.start, it.start, [0x91]);
    }
  }
}
