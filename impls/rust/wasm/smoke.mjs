// Smoke test of the transpiled component (world stf-with-bench). Usage: node smoke.mjs path/to/stf.js [--bench]
//  - replays conformance/vectors/checkpoints.json (every sequence, blocks and blob form) and
//    compares every outcome with the vector; snapshot/restore round trip after each sequence;
//  - a few rejections through the component: non-canonical bytes, a u16 revert code, an
//    over-long blob (spec §8, §7.2);
//  - poseidon2-hash-many against every hash and hash-with-separator KAT of
//    conformance/vectors/poseidon2.json, one batched call per arity, and a timing.
// With --bench: only the Poseidon2 KATs, then poseidon2-hash-many timed on 5,000 random pairs
// (elements below 2^253), one warm-up call and 9 timed calls; prints the median and the range in
// microseconds per 2-to-1 hash (one call per batch, so the boundary crossing is amortized).
// Self-contained: a canonical msgpack writer and a small reader are below (no node_modules).
import { readFileSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const stf = await import(resolve(process.argv[2]));
const benchOnly = process.argv.slice(3).includes('--bench');
const vectors = (name) => JSON.parse(readFileSync(resolve(root, 'conformance/vectors', name), 'utf8'));

// ---- canonical msgpack (spec §8): shortest headers, maps in insertion order --------------------
class Bin { constructor(bytes) { this.bytes = bytes; } }
const bin = (b) => new Bin(b);
function pack(value) {
  const out = [];
  const u = (n, bytes) => { for (let i = bytes - 1; i >= 0; i--) out.push(Number((BigInt(n) >> BigInt(8 * i)) & 0xffn)); };
  const header = (n, fix, fixMax, t8, t16, t32) => {
    if (fix !== null && n <= fixMax) out.push(fix | n);
    else if (t8 !== null && n <= 0xff) { out.push(t8); u(n, 1); }
    else if (n <= 0xffff) { out.push(t16); u(n, 2); }
    else { out.push(t32); u(n, 4); }
  };
  const go = (v) => {
    if (v === null || v === undefined) out.push(0xc0);
    else if (typeof v === 'number' || typeof v === 'bigint') {
      const n = BigInt(v);
      if (n < 0n) throw new Error('negative integers are not used here');
      if (n < 0x80n) out.push(Number(n));
      else if (n <= 0xffn) { out.push(0xcc); u(n, 1); }
      else if (n <= 0xffffn) { out.push(0xcd); u(n, 2); }
      else if (n <= 0xffffffffn) { out.push(0xce); u(n, 4); }
      else { out.push(0xcf); u(n, 8); }
    } else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      header(b.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
      out.push(...b);
    } else if (v instanceof Bin) {
      header(v.bytes.length, null, 0, 0xc4, 0xc5, 0xc6);
      for (const x of v.bytes) out.push(x);
    } else if (Array.isArray(v)) {
      header(v.length, 0x90, 15, null, 0xdc, 0xdd);
      v.forEach(go);
    } else {
      const entries = Object.entries(v);
      header(entries.length, 0x80, 15, null, 0xde, 0xdf);
      for (const [k, x] of entries) { go(k); go(x); }
    }
  };
  go(value);
  return Uint8Array.from(out);
}

function unpack(bytes) {
  let pos = 0;
  const n = (k) => { let x = 0n; for (let i = 0; i < k; i++) x = (x << 8n) | BigInt(bytes[pos++]); return x; };
  const small = (k) => Number(n(k));
  const str = (len) => { const s = Buffer.from(bytes.subarray(pos, pos + len)).toString('utf8'); pos += len; return s; };
  const raw = (len) => { const b = bytes.slice(pos, pos + len); pos += len; return b; };
  const arr = (len) => Array.from({ length: len }, () => go());
  const map = (len) => { const o = {}; for (let i = 0; i < len; i++) { const k = go(); o[k] = go(); } return o; };
  const go = () => {
    const t = bytes[pos++];
    if (t < 0x80) return t;
    if (t >= 0x80 && t <= 0x8f) return map(t & 0x0f);
    if (t >= 0x90 && t <= 0x9f) return arr(t & 0x0f);
    if (t >= 0xa0 && t <= 0xbf) return str(t & 0x1f);
    switch (t) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return raw(small(1));
      case 0xc5: return raw(small(2));
      case 0xc6: return raw(small(4));
      case 0xcc: return small(1);
      case 0xcd: return small(2);
      case 0xce: return small(4);
      case 0xcf: return n(8);
      case 0xd9: return str(small(1));
      case 0xda: return str(small(2));
      case 0xdb: return str(small(4));
      case 0xdc: return arr(small(2));
      case 0xdd: return arr(small(4));
      case 0xde: return map(small(2));
      case 0xdf: return map(small(4));
      default: throw new Error(`unexpected msgpack byte 0x${t.toString(16)}`);
    }
  };
  const v = go();
  if (pos !== bytes.length) throw new Error('trailing bytes');
  return v;
}

// ---- vectors → canonical checkpoint bytes -------------------------------------------------------
const fr = (h) => Buffer.from(BigInt(h).toString(16).padStart(64, '0'), 'hex');
const frs = (xs) => xs.map((x) => bin(fr(x)));
const hex = (b) => '0x' + Buffer.from(b).toString('hex');
const idx = (i) => '0x' + BigInt(i).toString(16).padStart(64, '0');
const tx = (t) => ({
  revertCode: t.revertCode, txHash: bin(fr(t.txHash)), transactionFee: bin(fr(t.transactionFee)),
  noteHashes: frs(t.noteHashes), nullifiers: frs(t.nullifiers), l2ToL1Msgs: frs(t.l2ToL1Msgs),
  publicDataWrites: t.publicDataWrites.map(frs), privateLogs: t.privateLogs.map(frs),
  publicLogs: frs(t.publicLogs),
  contractClassLog: t.contractClassLog && {
    contractAddress: bin(fr(t.contractClassLog.contractAddress)), fields: frs(t.contractClassLog.fields) },
});
const checkpointValue = (profile, c, blob) => ({
  v: 1, profile,
  header: { chainId: bin(fr(c.header.chainId)), version: bin(fr(c.header.version)),
    slotNumber: bin(fr(c.header.slotNumber)), timestamp: BigInt(c.header.timestamp),
    coinbase: bin(fr(c.header.coinbase)), feeRecipient: bin(fr(c.header.feeRecipient)),
    feePerDaGas: bin(fr(c.header.feePerDaGas)), feePerL2Gas: bin(fr(c.header.feePerL2Gas)) },
  l1ToL2Messages: frs(c.l1ToL2Messages),
  form: blob ? 'blob' : 'blocks',
  blocks: blob ? null : c.blocks.map((b) => ({
    blockNumber: b.blockNumber, totalManaUsed: BigInt(b.totalManaUsed), txs: b.txs.map(tx) })),
  blobFields: blob ? frs(blob) : null,
});

let applied = 0;
let rejections = 0;
let replayMs = 0;
if (!benchOnly) { // the vector replay and the rejections (skipped by --bench)
  const started = performance.now();
  const { sequences } = vectors('checkpoints.json');
  for (const seq of sequences) {
    for (const blobForm of [false, true]) {
      stf.genesis(seq.profile, fr('0x7a69'), fr('0x1'));
      for (const { checkpoint: c, expected: e } of seq.checkpoints) {
        const o = unpack(stf.apply(pack(checkpointValue(seq.profile, c, blobForm && e.blobFields))));
        if (o.status !== 'accepted') throw new Error(`rejected: ${o.code} ${o.message}`);
        const state = o.state.map((x, i) => (i % 2 ? idx(x) : hex(x)));
        const same = JSON.stringify(state) === JSON.stringify(e.state)
          && hex(o.archive[0]) === e.archive[0] && BigInt(o.archive[1]) === BigInt(e.archive[1])
          && JSON.stringify(o.blockHeaderHashes.map(hex)) === JSON.stringify(e.blockHeaderHashes)
          && JSON.stringify(o.blobFields.map(hex)) === JSON.stringify(e.blobFields);
        if (!same) throw new Error('outcome differs from the vector');
        applied++;
      }
      const snapshot = stf.snapshot();
      stf.restore(snapshot);
      if (Buffer.compare(Buffer.from(stf.snapshot()), Buffer.from(snapshot)) !== 0) throw new Error('restore changed the state');
    }
  }
  replayMs = Math.round(performance.now() - started);

  // ---- rejections through the component ---------------------------------------------------------
  const first = sequences.find((s) => s.profile === 'small') ?? sequences[0];
  const c0 = first.checkpoints[0].checkpoint;
  // Applies the sequence's checkpoints before index `at`, then `bytes`, which must be rejected.
  const expectCode = (at, bytes, code, what) => {
    rejections++;
    stf.genesis(first.profile, fr('0x7a69'), fr('0x1'));
    for (const { checkpoint } of first.checkpoints.slice(0, at)) stf.apply(pack(checkpointValue(first.profile, checkpoint, false)));
    const o = unpack(stf.apply(bytes));
    if (o.status !== 'rejected' || o.code !== code) throw new Error(`${what}: expected ${code}, got ${o.status} ${o.code ?? ''}`);
  };
  const good = pack(checkpointValue(first.profile, c0, false));
  if (good[0] !== 0x87 || good[1] !== 0xa1 || good[2] !== 0x76 || good[3] !== 0x01) throw new Error('unexpected checkpoint prefix');
  expectCode(0, Uint8Array.from([good[0], good[1], good[2], 0xcc, 0x01, ...good.subarray(4)]), 'E_MALFORMED_INPUT', 'v as uint8');
  expectCode(0, Uint8Array.from([...good, 0xc0]), 'E_MALFORMED_INPUT', 'trailing byte');
  const reordered = checkpointValue(first.profile, c0, false);
  expectCode(0, pack({ profile: reordered.profile, v: 1, ...reordered }), 'E_MALFORMED_INPUT', 'reordered keys');
  const at = first.checkpoints.findIndex(({ checkpoint }) => checkpoint.blocks.some((b) => b.txs.length > 0));
  if (at < 0) throw new Error('no checkpoint with a tx in the first small sequence');
  const withRc = (rc) => {
    const c = first.checkpoints[at].checkpoint;
    let done = false;
    const blocks = c.blocks.map((b) => ({ ...b, txs: b.txs.map((t) => (done ? t : ((done = true), { ...t, revertCode: rc }))) }));
    return pack(checkpointValue(first.profile, { ...c, blocks }, false));
  };
  expectCode(at, withRc(255), 'E_BAD_REVERT_CODE', 'revert code 255');
  expectCode(at, withRc(256), 'E_MALFORMED_INPUT', 'revert code 256');
  const maxBlobFields = first.profile === 'small' ? 96 : 24576;
  expectCode(0, pack(checkpointValue(first.profile, c0, Array(maxBlobFields + 1).fill('0x0'))), 'E_BLOB_TOO_LARGE', 'over-long blob');
}

// ---- poseidon2-hash-many ------------------------------------------------------------------------
if (typeof stf.poseidon2HashMany !== 'function') throw new Error('no poseidon2-hash-many export');
const kats = vectors('poseidon2.json');
const cases = [
  ...kats.hash.map((h) => ({ in: h.in, out: h.out })),
  ...kats.withSeparator.map((h) => ({ in: [idx(h.separator), ...h.in], out: h.out })),
].filter((h) => h.in.length > 0); // the hook needs arity >= 1
const byArity = new Map();
for (const h of cases) byArity.set(h.in.length, [...(byArity.get(h.in.length) ?? []), h]);
for (const [arity, hs] of byArity) {
  const inputs = Buffer.concat(hs.flatMap((h) => h.in.map(fr)));
  const outs = Buffer.from(stf.poseidon2HashMany(inputs, arity));
  if (outs.length !== 32 * hs.length) throw new Error(`arity ${arity}: ${outs.length} bytes for ${hs.length} hashes`);
  hs.forEach((h, i) => {
    if (hex(outs.subarray(32 * i, 32 * i + 32)) !== hex(fr(h.out))) throw new Error(`arity ${arity}: KAT ${i} differs`);
  });
}
const count = 20000;
const many = Buffer.alloc(count * 2 * 32);
for (let i = 0; i < 2 * count; i++) many.writeUInt32BE(i + 1, 32 * i + 28);
const t0 = performance.now();
stf.poseidon2HashMany(many, 2);
const perHashUs = ((performance.now() - t0) * 1000) / count;

if (benchOnly) {
  const pairs = 5000;
  const random = Buffer.alloc(pairs * 2 * 32);
  for (let i = 0; i < 2 * pairs; i++) {
    randomFillSync(random, 32 * i, 32);
    random[32 * i] &= 0x1f; // < 2^253 < p
  }
  stf.poseidon2HashMany(random, 2); // warm-up (lets the engine tier up)
  const runs = [];
  for (let r = 0; r < 9; r++) {
    const t = performance.now();
    stf.poseidon2HashMany(random, 2);
    runs.push(((performance.now() - t) * 1000) / pairs);
  }
  runs.sort((a, b) => a - b);
  console.log(`wasm bench: poseidon2-hash-many matches ${cases.length} KATs; ${pairs} random pairs, `
    + `median ${runs[4].toFixed(2)} us per 2-to-1 hash (9 runs, ${runs[0].toFixed(2)}..${runs[8].toFixed(2)})`);
  process.exit(0);
}

// Misuse traps (documented in wit/stf.wit); last, since a trap may leave the instance unusable.
let trapped = false;
try { stf.poseidon2HashMany(Buffer.alloc(32), 0); } catch { trapped = true; }
if (!trapped) throw new Error('poseidon2-hash-many with arity 0 did not trap');

console.log(`wasm smoke: ${applied} vector checkpoints (both forms) accepted with the expected outcome in ${replayMs} ms; `
  + `${rejections} rejections as expected; poseidon2-hash-many matches ${cases.length} KATs (${byArity.size} arities), `
  + `${perHashUs.toFixed(1)} us per 2-to-1 hash over ${count}`);
