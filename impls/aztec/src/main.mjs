// The implementation `aztec`: Aztec's production world state behind difftower's subprocess
// protocol (impls/PROTOCOL.md). Started by impls/aztec/node.sh (Debian 13's loader where the host
// glibc is too old). It trusts its input as production does: checkpoints are assumed valid (the
// circuits check them), so it has no validity rules and the oracle compares it only on
// checkpoints the other implementations accept (spec §10).

import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Barretenberg } from '@aztec/bb.js';
import { Fr } from '@aztec/foundation/curves/bn254';
import { pack, unpack } from './msgpack.mjs';
import { readCheckpoint, UnreadableCheckpoint } from './translate.mjs';
import { AztecChain } from './world.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAX_FRAME = 64 * 1024 * 1024;
const toBytes = (v) => Fr.fromString('0x' + v.toString(16)).toBuffer();

const chain = new AztecChain();
/** State files this process produced, by digest: where `restore` can unwind to (README). */
const produced = new Map();
let profile = null;

async function snapshot() {
  const leaves = await chain.leaves();
  const last = chain.last;
  const state = pack({
    v: 1, profile, chainId: toBytes(chain.chainId), version: toBytes(chain.version),
    last: { blockNumber: last.blockNumber, slotNumber: toBytes(last.slotNumber), timestamp: last.timestamp },
    noteHashes: leaves.noteHashes.map(toBytes), l1ToL2Messages: leaves.l1ToL2Messages.map(toBytes), archive: leaves.archive.map(toBytes),
    nullifiers: leaves.nullifiers.map(toBytes), publicData: leaves.publicData.map(([s, v]) => [toBytes(s), toBytes(v)]),
  });
  produced.set(createHash('sha256').update(state).digest('hex'), { blockNumber: last.blockNumber, checkpointNumber: chain.checkpointNumber, last: { ...last } });
  return state;
}

async function handle(req) {
  switch (req.op) {
    case 'hello':
      return { ok: true, name: 'aztec', protocol: 1 };
    case 'genesis': {
      if (req.profile !== 'aztec') return { ok: false, error: `the aztec implementation runs the 'aztec' profile only (Aztec's native trees have fixed heights), not '${String(req.profile)}'` };
      if (!(req.chainId instanceof Uint8Array) || !(req.version instanceof Uint8Array)) return { ok: false, error: 'genesis needs chainId and version' };
      await chain.genesis(Fr.fromBuffer(Buffer.from(req.chainId)).toBigInt(), Fr.fromBuffer(Buffer.from(req.version)).toBigInt());
      profile = req.profile;
      produced.clear();
      return { ok: true };
    }
    case 'apply': {
      if (!chain.ws) return { ok: false, error: 'apply before genesis' };
      if (!(req.checkpoint instanceof Uint8Array)) return { ok: false, error: 'apply needs a binary checkpoint' };
      let cp;
      try {
        cp = readCheckpoint(req.checkpoint);
      } catch (err) {
        // Not even readable: the one rejection a trusting implementation gives (spec §10).
        if (err instanceof UnreadableCheckpoint || err?.name === 'BlobDeserializationError') return { ok: true, outcome: pack({ v: 1, status: 'rejected', code: 'E_MALFORMED_INPUT', message: String(err.message) }) };
        throw err;
      }
      const o = await chain.apply(cp);
      return {
        ok: true,
        outcome: pack({ v: 1, status: 'accepted', state: o.state.map((x, i) => (i % 2 ? x : toBytes(x))), archive: [toBytes(o.archive[0]), o.archive[1]], blockHeaderHashes: o.blockHeaderHashes.map(toBytes), blobFields: o.blobFields.map(toBytes) }),
      };
    }
    case 'snapshot':
      if (!chain.ws) return { ok: false, error: 'snapshot before genesis' };
      return { ok: true, state: await snapshot() };
    case 'restore': {
      if (!chain.ws || !(req.state instanceof Uint8Array)) return { ok: false, error: 'restore needs a genesis first and a binary state' };
      const at = produced.get(createHash('sha256').update(req.state).digest('hex'));
      if (!at) return { ok: false, error: 'the aztec implementation restores only states it produced itself in this process (it unwinds its world state to them; impls/aztec/README.md)' };
      await chain.unwindTo(at.blockNumber, at.checkpointNumber, at.last);
      return { ok: true };
    }
    default:
      return { ok: false, error: `unknown op ${String(req.op)}` };
  }
}

function send(message) {
  const body = pack(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  process.stdout.write(Buffer.concat([head, body]));
}

await Barretenberg.initSingleton({ bbPath: join(HERE, '..', 'bb.sh') });

let buf = Buffer.alloc(0);
let queue = Promise.resolve();
process.stdin.on('data', (chunk) => {
  buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
  while (buf.length >= 4) {
    const n = buf.readUInt32BE(0);
    if (n > MAX_FRAME) { process.stderr.write(`frame of ${n} bytes exceeds the limit\n`); process.exit(1); }
    if (buf.length < 4 + n) break;
    const req = unpack(buf.subarray(4, 4 + n));
    buf = buf.subarray(4 + n);
    // A throw inside Aztec's code on a checkpoint is not an answer: the process exits and the
    // host reports a crash with this message (a finding when the others accepted the checkpoint).
    queue = queue.then(async () => send(await handle(req))).catch((err) => {
      process.stderr.write(`aztec: ${req.op} failed: ${err?.stack ?? err}\n`);
      process.exit(70);
    });
  }
});
process.stdin.on('end', async () => { await queue; await chain.close(); process.exit(0); });
