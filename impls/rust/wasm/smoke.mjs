// Replays conformance/vectors/checkpoints.json (every sequence, both forms) through the
// transpiled component. Usage: node smoke.mjs path/to/stf.js
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { pack, unpack } = await import(resolve(root, 'node_modules/msgpackr/index.js'));
const stf = await import(resolve(process.argv[2]));

const fr = (h) => Buffer.from(h.slice(2).padStart(64, '0'), 'hex');
const frs = (xs) => xs.map(fr);
const int = (x) => BigInt(x); // uint64 on the wire, whatever the size
const tx = (t) => ({
  revertCode: t.revertCode, txHash: fr(t.txHash), transactionFee: fr(t.transactionFee),
  noteHashes: frs(t.noteHashes), nullifiers: frs(t.nullifiers), l2ToL1Msgs: frs(t.l2ToL1Msgs),
  publicDataWrites: t.publicDataWrites.map(frs), privateLogs: t.privateLogs.map(frs),
  publicLogs: frs(t.publicLogs),
  contractClassLog: t.contractClassLog && {
    contractAddress: fr(t.contractClassLog.contractAddress), fields: frs(t.contractClassLog.fields) },
});
const checkpoint = (profile, c, blob) => pack({
  v: 1, profile,
  header: { chainId: fr(c.header.chainId), version: fr(c.header.version), slotNumber: fr(c.header.slotNumber),
    timestamp: int(c.header.timestamp), coinbase: fr(c.header.coinbase), feeRecipient: fr(c.header.feeRecipient),
    feePerDaGas: fr(c.header.feePerDaGas), feePerL2Gas: fr(c.header.feePerL2Gas) },
  l1ToL2Messages: frs(c.l1ToL2Messages),
  form: blob ? 'blob' : 'blocks',
  blocks: blob ? null : c.blocks.map((b) => ({ blockNumber: b.blockNumber, totalManaUsed: int(b.totalManaUsed), txs: b.txs.map(tx) })),
  blobFields: blob ? frs(blob) : null,
});
const hex = (b) => '0x' + Buffer.from(b).toString('hex');
const idx = (n) => '0x' + BigInt(n).toString(16).padStart(64, '0');

const vectors = JSON.parse(readFileSync(resolve(root, 'conformance/vectors/checkpoints.json'), 'utf8'));
let applied = 0;
const started = performance.now();
for (const seq of vectors.sequences) {
  for (const blobForm of [false, true]) {
    stf.genesis(seq.profile, fr('0x7a69'), fr('0x1'));
    for (const { checkpoint: c, expected: e } of seq.checkpoints) {
      const o = unpack(stf.apply(checkpoint(seq.profile, c, blobForm && e.blobFields)));
      if (o.status !== 'accepted') throw new Error(`rejected: ${o.code} ${o.message}`);
      const state = o.state.map((x, i) => (i % 2 ? idx(x) : hex(x)));
      const same = JSON.stringify(state) === JSON.stringify(e.state)
        && hex(o.archive[0]) === e.archive[0] && Number(o.archive[1]) === e.archive[1]
        && JSON.stringify(o.blockHeaderHashes.map(hex)) === JSON.stringify(e.blockHeaderHashes)
        && JSON.stringify(o.blobFields.map(hex)) === JSON.stringify(e.blobFields);
      if (!same) throw new Error('outcome differs from the vector');
      applied++;
    }
    stf.restore(stf.snapshot());
  }
}
console.log(`wasm smoke: ${applied} vector checkpoints (both forms) accepted with the expected outcome in ${Math.round(performance.now() - started)} ms`);
