// Canonical MessagePack writer for what this implementation sends (outcomes, state files; spec §8):
// maps with string keys in insertion order, shortest integer/string/bin/array/map headers,
// Uint8Array as bin, null as nil. Reading uses msgpackr (this implementation trusts its input).

import { Unpackr } from 'msgpackr';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint' });
export const unpack = (bytes) => unpackr.unpack(bytes);

export function pack(value) {
  const out = [];
  const u8 = (b) => out.push(b & 0xff);
  const be = (v, n) => { for (let i = n - 1; i >= 0; i--) u8(Number((BigInt(v) >> BigInt(8 * i)) & 0xffn)); };
  const header = (len, small, smallMax, c8, c16, c32) => {
    if (small !== null && len <= smallMax) u8(small | len);
    else if (c8 !== null && len < 0x100) { u8(c8); be(len, 1); }
    else if (len < 0x10000) { u8(c16); be(len, 2); }
    else { u8(c32); be(len, 4); }
  };
  const write = (v) => {
    if (v === null || v === undefined) u8(0xc0);
    else if (typeof v === 'boolean') u8(v ? 0xc3 : 0xc2);
    else if (typeof v === 'number' || typeof v === 'bigint') {
      const n = BigInt(v);
      if (n < 0n) throw new Error('negative integers are not used');
      if (n < 0x80n) u8(Number(n));
      else if (n < 0x100n) { u8(0xcc); be(n, 1); }
      else if (n < 0x10000n) { u8(0xcd); be(n, 2); }
      else if (n < 0x100000000n) { u8(0xce); be(n, 4); }
      else { u8(0xcf); be(n, 8); }
    } else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      header(b.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
      for (const x of b) u8(x);
    } else if (v instanceof Uint8Array) {
      header(v.length, null, -1, 0xc4, 0xc5, 0xc6);
      for (const x of v) u8(x);
    } else if (Array.isArray(v)) {
      header(v.length, 0x90, 15, null, 0xdc, 0xdd);
      v.forEach(write);
    } else {
      const entries = Object.entries(v);
      header(entries.length, 0x80, 15, null, 0xde, 0xdf);
      for (const [k, x] of entries) { write(k); write(x); }
    }
  };
  write(value);
  return Uint8Array.from(out);
}
