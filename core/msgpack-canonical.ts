// Canonical msgpack writer (spec §8): every integer in its shortest encoding within the unsigned
// family when non-negative (fixint, uint8/16/32/64), strings and bins with their shortest
// headers, maps in insertion order. msgpackr, which difftower uses for reading, writes integers
// above 2^32 as float64 and bigints below 2^63 as int64; neither is canonical, so writing is done
// here. Only the value types difftower files contain are supported.

/** Writes the low 256 bits of v (two's complement for a negative one) big-endian at `offset`. */
export function setUint256(view: DataView, offset: number, v: bigint): void {
  view.setBigUint64(offset, BigInt.asUintN(64, v >> 192n));
  view.setBigUint64(offset + 8, BigInt.asUintN(64, v >> 128n));
  view.setBigUint64(offset + 16, BigInt.asUintN(64, v >> 64n));
  view.setBigUint64(offset + 24, BigInt.asUintN(64, v));
}

/** A growing byte buffer with msgpack's fixed-width writes (core/checkpoint-writer.ts writes with it too). */
export class Writer {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  len = 0;

  private room(n: number) {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number) {
    this.room(1);
    this.buf[this.len++] = v;
  }
  u16(tag: number, v: number) {
    this.room(3);
    this.buf[this.len] = tag;
    this.view.setUint16(this.len + 1, v);
    this.len += 3;
  }
  u32(tag: number, v: number) {
    this.room(5);
    this.buf[this.len] = tag;
    this.view.setUint32(this.len + 1, v);
    this.len += 5;
  }
  u64(tag: number, v: bigint) {
    this.room(9);
    this.buf[this.len] = tag;
    this.view.setBigUint64(this.len + 1, BigInt.asUintN(64, v));
    this.len += 9;
  }
  bytes(b: Uint8Array) {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** A non-negative integer below 2^32 in its shortest form. */
  uint(n: number) {
    if (n < 128) this.u8(n);
    else if (n < 0x100) (this.u8(0xcc), this.u8(n));
    else if (n < 0x10000) this.u16(0xcd, n);
    else this.u32(0xce, n);
  }
  /** The low 256 bits of v (two's complement) as a 32-byte bin, big-endian. */
  bin32(v: bigint) {
    this.room(34);
    this.buf[this.len] = 0xc4;
    this.buf[this.len + 1] = 32;
    setUint256(this.view, this.len + 2, v);
    this.len += 34;
  }
  /** The written bytes. */
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const encoder = new TextEncoder();

function writeInt(w: Writer, v: bigint) {
  if (v >= 0n) {
    if (v < 0x100000000n) w.uint(Number(v));
    else if (v < 1n << 64n) w.u64(0xcf, v);
    else throw new RangeError(`integer ${v} does not fit in 64 bits`);
  } else {
    if (v >= -32n) w.u8(0x100 + Number(v));
    else if (v >= -0x80n) (w.u8(0xd0), w.u8(Number(v) & 0xff));
    else if (v >= -0x8000n) w.u16(0xd1, Number(v) & 0xffff);
    else if (v >= -0x80000000n) w.u32(0xd2, Number(v) >>> 0);
    else if (v >= -(1n << 63n)) w.u64(0xd3, v);
    else throw new RangeError(`integer ${v} does not fit in 64 bits`);
  }
}

function writeLength(w: Writer, n: number, fix: number | null, fixMax: number, t8: number | null, t16: number, t32: number) {
  if (fix !== null && n <= fixMax) w.u8(fix | n);
  else if (t8 !== null && n < 0x100) (w.u8(t8), w.u8(n));
  else if (n < 0x10000) w.u16(t16, n);
  else w.u32(t32, n);
}

/** Array and map headers, for core/checkpoint-writer.ts (write() below calls writeLength itself: through these it measured slower). */
export const arrayHeader = (w: Writer, n: number) => writeLength(w, n, 0x90, 15, null, 0xdc, 0xdd);
export const mapHeader = (w: Writer, n: number) => writeLength(w, n, 0x80, 15, null, 0xde, 0xdf);

function write(w: Writer, v: unknown): void {
  if (v === null || v === undefined) return w.u8(0xc0);
  if (v === false) return w.u8(0xc2);
  if (v === true) return w.u8(0xc3);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TypeError(`canonical msgpack has no floats or unsafe integers (${v})`);
    return writeInt(w, BigInt(v));
  }
  if (typeof v === 'bigint') return writeInt(w, v);
  if (typeof v === 'string') {
    const b = encoder.encode(v);
    writeLength(w, b.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
    return w.bytes(b);
  }
  if (v instanceof Uint8Array) {
    writeLength(w, v.length, null, 0, 0xc4, 0xc5, 0xc6);
    return w.bytes(v);
  }
  if (Array.isArray(v)) {
    writeLength(w, v.length, 0x90, 15, null, 0xdc, 0xdd);
    for (const x of v) write(w, x);
    return;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    writeLength(w, entries.length, 0x80, 15, null, 0xde, 0xdf);
    for (const [k, x] of entries) {
      write(w, k);
      write(w, x);
    }
    return;
  }
  throw new TypeError(`cannot write ${typeof v} as msgpack`);
}

/** The canonical msgpack bytes of a value made of maps, arrays, integers, strings, bins and nil. */
export function packCanonical(value: unknown): Uint8Array {
  const w = new Writer();
  write(w, value);
  return w.result();
}
