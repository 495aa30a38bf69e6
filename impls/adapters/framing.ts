// Length-prefixed msgpack frames (impls/PROTOCOL.md): a 4-byte big-endian length, then one map.

import { Packr, Unpackr } from 'msgpackr';

export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint' });

export function encodeFrame(message: Record<string, unknown>): Buffer {
  const body = packr.pack(message);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  return Buffer.concat([header, body]);
}

/** Accumulates bytes and yields complete frames; throws on an oversized or undecodable frame. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  next(): unknown | undefined {
    if (this.buf.length < 4) return undefined;
    const n = this.buf.readUInt32BE(0);
    if (n > MAX_FRAME_BYTES) throw new Error(`frame of ${n} bytes exceeds ${MAX_FRAME_BYTES}`);
    if (this.buf.length < 4 + n) return undefined;
    const body = this.buf.subarray(4, 4 + n);
    this.buf = this.buf.subarray(4 + n);
    try {
      return unpackr.unpack(body);
    } catch (err) {
      throw new Error(`frame is not msgpack: ${(err as Error).message}`);
    }
  }
}
