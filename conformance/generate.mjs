// Generates difftower's conformance vectors with Aztec's own code (@aztec/* 4.1.2): trees from
// @aztec/merkle-tree, tx/block/checkpoint blob encoders, SpongeBlob and BlockHeader from
// @aztec/stdlib and @aztec/blob-lib, Poseidon2 from bb.js via @aztec/foundation. The checkpoint
// driver follows prover-client's LightweightCheckpointBuilder / insertSideEffects (which this
// package does not install: its dependency tree is far heavier), step for step.
//
// Usage: node generate.mjs [outDir]   (default: ./vectors). Deterministic (seeded).

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as C from '@aztec/constants';
import { encodeBlockBlobData, encodeCheckpointEndMarker } from '@aztec/blob-lib/encoding';
import { Poseidon2Sponge, SpongeBlob } from '@aztec/blob-lib/types';
import { poseidon2Hash, poseidon2HashWithSeparator, poseidon2Permutation } from '@aztec/foundation/crypto/sync';
import { Fr } from '@aztec/foundation/curves/bn254';
import { EthAddress } from '@aztec/foundation/eth-address';
import { AztecLmdbStore } from '@aztec/kv-store/lmdb';
import { Poseidon, StandardIndexedTree, StandardTree, newTree } from '@aztec/merkle-tree';
import { AztecAddress } from '@aztec/stdlib/aztec-address';
import { PublicDataWrite, RevertCode } from '@aztec/stdlib/avm';
import { GasFees } from '@aztec/stdlib/gas';
import { ContractClassLog, ContractClassLogFields, PrivateLog, PublicLog } from '@aztec/stdlib/logs';
import {
  AppendOnlyTreeSnapshot,
  NullifierLeaf,
  NullifierLeafPreimage,
  PublicDataTreeLeaf,
  PublicDataTreeLeafPreimage,
} from '@aztec/stdlib/trees';
import { BlockHeader, GlobalVariables, PartialStateReference, StateReference, TxEffect, TxHash } from '@aztec/stdlib/tx';

const outDir = process.argv[2] ?? join(import.meta.dirname, 'vectors');
mkdirSync(outDir, { recursive: true });

// ---- deterministic randomness (xorshift128+), so vectors are reproducible -------------------
let s0 = 0x9e3779b97f4a7c15n, s1 = 0xbf58476d1ce4e5b9n;
const M64 = (1n << 64n) - 1n;
function rand64() {
  let x = s0; const y = s1; s0 = y; x ^= (x << 23n) & M64; s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n); return (s1 + y) & M64;
}
const randInt = (n) => Number(rand64() % BigInt(n));
const P = Fr.MODULUS;
const randFr = () => ((rand64() << 192n) | (rand64() << 128n) | (rand64() << 64n) | rand64()) % P;
const hex = (v) => '0x' + BigInt(v).toString(16).padStart(64, '0');
const pick = (xs) => xs[randInt(xs.length)];

// ---- Poseidon2 known answers (bb.js through @aztec/foundation's sync API) --------------------
function poseidonVectors() {
  const edge = [0n, 1n, 2n, P - 1n, P - 2n, 1n << 64n, (1n << 254n) % P, 12345678901234567890n];
  const val = () => (randInt(4) === 0 ? pick(edge) : randFr());
  const permutation = [];
  for (let i = 0; i < 64; i++) {
    const input = [val(), val(), val(), val()];
    permutation.push({ in: input.map(hex), out: poseidon2Permutation(input.map((x) => new Fr(x))).map((f) => hex(f.toBigInt())) });
  }
  const hash = [];
  for (let n = 0; n <= 12; n++) {
    for (let k = 0; k < 6; k++) {
      const input = Array.from({ length: n }, val);
      hash.push({ in: input.map(hex), out: hex(poseidon2Hash(input.map((x) => new Fr(x))).toBigInt()) });
    }
  }
  const withSeparator = [];
  for (let k = 0; k < 16; k++) {
    const input = Array.from({ length: 1 + randInt(24) }, val);
    const sep = randInt(2 ** 32);
    withSeparator.push({ in: input.map(hex), separator: sep, out: hex(poseidon2HashWithSeparator(input.map((x) => new Fr(x)), sep).toBigInt()) });
  }
  return { source: '@aztec/foundation 4.1.2 crypto/sync (bb.js 4.1.2)', permutation, hash, withSeparator };
}

// ---- profiles (spec §3) -----------------------------------------------------------------------
const PROFILES = {
  aztec: { noteHash: 42, nullifier: 42, publicData: 40, l1ToL2: 36, archive: 30, maxNoteHashes: 64, maxNullifiers: 64, maxWrites: 64, maxL2ToL1: 8, maxPrivateLogs: 64, privateLogSize: 16, maxPublicLogs: 4096, cclSize: 3023, msgsPerCheckpoint: 1024, prefill: 128, maxBlocks: 72, maxTxs: 65535 },
  small: { noteHash: 6, nullifier: 6, publicData: 6, l1ToL2: 5, archive: 5, maxNoteHashes: 2, maxNullifiers: 2, maxWrites: 2, maxL2ToL1: 2, maxPrivateLogs: 2, privateLogSize: 3, maxPublicLogs: 6, cclSize: 3, msgsPerCheckpoint: 4, prefill: 4, maxBlocks: 2, maxTxs: 1 },
};

// ---- world state made of @aztec/merkle-tree trees --------------------------------------------
class NullifierTree extends StandardIndexedTree {
  constructor(store, hasher, name, depth, size = 0n, _d, root) { super(store, hasher, name, depth, size, NullifierLeafPreimage, NullifierLeaf, root); }
}
/** Public data with the production world state's sequential insertion: update in place, else append. */
class PublicDataTree extends StandardIndexedTree {
  constructor(store, hasher, name, depth, size = 0n, _d, root) { super(store, hasher, name, depth, size, PublicDataTreeLeafPreimage, PublicDataTreeLeaf, root); }
  sequentialWrite(slot, value) {
    const found = this.findIndexOfPreviousKey(slot, true);
    const low = this.getLatestLeafPreimageCopy(found.index, true);
    if (found.alreadyPresent) {
      this.updateLeaf(new PublicDataTreeLeafPreimage(new PublicDataTreeLeaf(new Fr(slot), new Fr(value)), low.nextKey, low.nextIndex), found.index);
      return;
    }
    const index = this.getNumLeaves(true);
    this.updateLeaf(new PublicDataTreeLeafPreimage(low.leaf, new Fr(slot), index), found.index);
    this.updateLeaf(new PublicDataTreeLeafPreimage(new PublicDataTreeLeaf(new Fr(slot), new Fr(value)), low.nextKey, low.nextIndex), index);
  }
}
const frDeser = { fromBuffer: (b) => b };
let storeCounter = 0;
async function worldState(prof) {
  const store = await AztecLmdbStore.open(mkdtempSync(join(tmpdir(), 'dt-conf-')), 1e6, true);
  const h = new Poseidon();
  const n = `t${storeCounter++}`;
  return {
    noteHash: await newTree(StandardTree, store, h, `${n}nh`, Fr, prof.noteHash, 0),
    nullifier: await newTree(NullifierTree, store, h, `${n}nul`, frDeser, prof.nullifier, prof.prefill),
    publicData: await newTree(PublicDataTree, store, h, `${n}pub`, frDeser, prof.publicData, prof.prefill),
    l1ToL2: await newTree(StandardTree, store, h, `${n}msg`, Fr, prof.l1ToL2, 0),
    archive: await newTree(StandardTree, store, h, `${n}arch`, Fr, prof.archive, 0),
  };
}
const snap = (t) => new AppendOnlyTreeSnapshot(Fr.fromBuffer(t.getRoot(true)), Number(t.getNumLeaves(true)));
const stateRef = (ws) => new StateReference(snap(ws.l1ToL2), new PartialStateReference(snap(ws.noteHash), snap(ws.nullifier), snap(ws.publicData)));
const headerHash = (header) => poseidon2HashWithSeparator(header.toFields(), C.DomainSeparator.BLOCK_HEADER_HASH).toBigInt();
const stateRefHex = (s) => s.toFields().map((f) => hex(f.toBigInt()));

// SpongeBlob's duplex calls bb.js's async API, which wants a reference string it cannot download
// here; swap in the sync permutation (same bb.js function), keeping Aztec's cache logic intact.
Poseidon2Sponge.prototype.performDuplex = async function () {
  for (let i = 0; i < this.cache.length; i++) if (i < this.cacheSize) this.state[i] = this.state[i].add(this.cache[i]);
  const perm = poseidon2Permutation(this.state);
  this.state = [perm[0], perm[1], perm[2], perm[3]];
};

const padEnd = (xs, len, z) => xs.concat(Array(len - xs.length).fill(z));

// insertSideEffects (prover-client/src/orchestrator/block-building-helpers.ts)
async function insertSideEffects(ws, prof, tx) {
  await ws.noteHash.appendLeaves(padEnd(tx.noteHashes, prof.maxNoteHashes, Fr.ZERO));
  const res = await ws.nullifier.batchInsert(padEnd(tx.nullifiers, prof.maxNullifiers, Fr.ZERO).map((n) => n.toBuffer()), Math.log2(prof.maxNullifiers));
  if (!res.lowLeavesWitnessData) throw new Error('nullifier batch failed');
  for (const w of tx.publicDataWrites) ws.publicData.sequentialWrite(w.leafSlot.toBigInt(), w.value.toBigInt());
}

async function genesis(prof) {
  const ws = await worldState(prof);
  const header = BlockHeader.empty({ state: stateRef(ws) });
  await ws.archive.appendLeaves([new Fr(headerHash(header))]);
  return { ws, header, hash: headerHash(header) };
}

// ---- random but valid checkpoints ---------------------------------------------------------------
function makeTx(prof, used, writtenSlots, opts) {
  const count = (max) => (opts.maximal ? max : randInt(max + 1));
  const nonzero = () => { let v; do { v = randFr(); } while (v === 0n); return v; };
  const nullifiers = [];
  const nNull = Math.max(1, count(prof.maxNullifiers));
  while (nullifiers.length < nNull) {
    // Edge-seeking: values adjacent to existing keys and small values next to the prefill.
    const existing = [...used];
    let v = randInt(3) === 0 && existing.length ? pick(existing) + pick([1n, -1n, 2n]) : randInt(3) === 0 ? BigInt(randInt(prof.prefill * 3)) : nonzero();
    if (randInt(20) === 0) v = P - 1n - BigInt(randInt(3));
    if (v <= 0n || v >= P || used.has(v)) continue;
    used.add(v); nullifiers.push(new Fr(v));
  }
  const writes = [];
  const nWrites = count(prof.maxWrites);
  for (let i = 0; i < nWrites; i++) {
    const kind = randInt(4);
    const slot = kind === 0 && writtenSlots.length ? pick(writtenSlots) : kind === 1 ? BigInt(randInt(prof.prefill)) : nonzero();
    const value = randInt(5) === 0 ? 0n : randFr();
    if (slot === 0n && value === 0n) continue;
    writtenSlots.push(slot);
    writes.push(new PublicDataWrite(new Fr(slot), new Fr(value)));
  }
  const privateLogs = Array.from({ length: count(Math.min(prof.maxPrivateLogs, 4)) }, () => {
    const len = 1 + randInt(prof.privateLogSize);
    return new PrivateLog(padEnd(Array.from({ length: len }, () => new Fr(randFr())), C.PRIVATE_LOG_SIZE_IN_FIELDS, Fr.ZERO), len);
  });
  // Public logs: whole logs whose flat encoding (length, address, fields) fits the profile's maximum.
  const publicLogs = [];
  let flat = 0;
  while (randInt(2) === 0) {
    const len = randInt(3);
    if (flat + 2 + len > prof.maxPublicLogs) break;
    publicLogs.push(new PublicLog(AztecAddress.fromBigInt(randFr()), Array.from({ length: len }, () => new Fr(randFr()))));
    flat += 2 + len;
  }
  const ccl = [];
  if (randInt(3) === 0) {
    const len = 1 + randInt(Math.min(prof.cclSize, 5));
    ccl.push(new ContractClassLog(AztecAddress.fromBigInt(randFr()), ContractClassLogFields.fromEmittedFields(Array.from({ length: len }, () => new Fr(randFr()))), len));
  }
  return new TxEffect(
    RevertCode.fromNumber(randInt(4)), new TxHash(new Fr(randFr())), new Fr(rand64()),
    Array.from({ length: count(prof.maxNoteHashes) }, () => new Fr(nonzero())),
    nullifiers,
    Array.from({ length: count(prof.maxL2ToL1) }, () => new Fr(nonzero())),
    writes, privateLogs, publicLogs, ccl,
  );
}

function txJson(tx) {
  return {
    revertCode: tx.revertCode.getCode(),
    txHash: hex(tx.txHash.hash.toBigInt()),
    transactionFee: hex(tx.transactionFee.toBigInt()),
    noteHashes: tx.noteHashes.map((f) => hex(f.toBigInt())),
    nullifiers: tx.nullifiers.map((f) => hex(f.toBigInt())),
    l2ToL1Msgs: tx.l2ToL1Msgs.map((f) => hex(f.toBigInt())),
    publicDataWrites: tx.publicDataWrites.map((w) => [hex(w.leafSlot.toBigInt()), hex(w.value.toBigInt())]),
    privateLogs: tx.privateLogs.map((l) => l.toBlobFields().map((f) => hex(f.toBigInt()))),
    publicLogs: tx.toTxBlobData().publicLogs.map((f) => hex(f.toBigInt())),
    contractClassLog: tx.contractClassLogs.length
      ? { contractAddress: hex(tx.contractClassLogs[0].contractAddress.toBigInt()), fields: tx.contractClassLogs[0].toBlobFields().slice(1).map((f) => hex(f.toBigInt())) }
      : null,
  };
}

/** One checkpoint, built as LightweightCheckpointBuilder does (startNewCheckpoint, addBlock). */
async function buildCheckpoint(chain, prof, opts) {
  const { ws } = chain;
  const slot = chain.slot + 1 + randInt(3);
  const timestamp = chain.timestamp + 1n + BigInt(randInt(100));
  const gv = { chainId: new Fr(31337n), version: new Fr(1n), slotNumber: slot, timestamp, coinbase: EthAddress.fromField(new Fr(rand64())), feeRecipient: AztecAddress.fromBigInt(randFr()), gasFees: new GasFees(rand64(), rand64()) };
  const msgs = Array.from({ length: randInt(prof.msgsPerCheckpoint + 1) }, () => new Fr(randInt(10) === 0 ? 0n : randFr()));
  await ws.l1ToL2.appendLeaves(padEnd(msgs, prof.msgsPerCheckpoint, Fr.ZERO));
  const sponge = SpongeBlob.init();
  const nBlocks = 1 + randInt(Math.min(prof.maxBlocks, opts.maxBlocks));
  const blocks = [];
  const headerHashes = [];
  const blobFields = [];
  for (let b = 0; b < nBlocks; b++) {
    const lastArchive = snap(ws.archive);
    const nTxs = (b === 0 ? 0 : 1) + randInt(Math.min(prof.maxTxs, opts.maxTxs) + (b === 0 ? 1 : 0));
    const txs = [];
    for (let t = 0; t < nTxs; t++) {
      const tx = makeTx(prof, chain.nullifiers, chain.slots, { maximal: opts.maximal });
      await insertSideEffects(ws, prof, tx);
      txs.push(tx);
    }
    const blockNumber = chain.blockNumber + 1;
    const endState = stateRef(ws);
    const totalManaUsed = BigInt(randInt(2 ** 30));
    const fields = encodeBlockBlobData({
      blockEndMarker: { timestamp, blockNumber, numTxs: txs.length },
      blockEndStateField: {
        l1ToL2MessageNextAvailableLeafIndex: endState.l1ToL2MessageTree.nextAvailableLeafIndex,
        noteHashNextAvailableLeafIndex: endState.partial.noteHashTree.nextAvailableLeafIndex,
        nullifierNextAvailableLeafIndex: endState.partial.nullifierTree.nextAvailableLeafIndex,
        publicDataNextAvailableLeafIndex: endState.partial.publicDataTree.nextAvailableLeafIndex,
        totalManaUsed,
      },
      lastArchiveRoot: lastArchive.root,
      noteHashRoot: endState.partial.noteHashTree.root,
      nullifierRoot: endState.partial.nullifierTree.root,
      publicDataRoot: endState.partial.publicDataTree.root,
      l1ToL2MessageRoot: b === 0 ? endState.l1ToL2MessageTree.root : undefined,
      txs: txs.map((tx) => tx.toTxBlobData()),
    });
    const end = sponge.clone();
    await end.absorb(fields);
    const spongeBlobHash = await end.squeeze();
    const totalFees = txs.reduce((acc, tx) => acc.add(tx.transactionFee), Fr.ZERO);
    const header = BlockHeader.from({
      lastArchive, state: endState, spongeBlobHash,
      globalVariables: GlobalVariables.from({ ...gv, blockNumber, slotNumber: slot }),
      totalFees, totalManaUsed: new Fr(totalManaUsed),
    });
    const hh = headerHash(header);
    await ws.archive.appendLeaves([new Fr(hh)]);
    await sponge.absorb(fields);
    blobFields.push(...fields);
    headerHashes.push(hh);
    chain.blockNumber = blockNumber;
    blocks.push({ blockNumber, totalManaUsed: totalManaUsed.toString(), txs: txs.map(txJson) });
  }
  blobFields.push(encodeCheckpointEndMarker({ numBlobFields: blobFields.length + 1 }));
  chain.slot = slot;
  chain.timestamp = timestamp;
  return {
    checkpoint: {
      header: { chainId: hex(31337n), version: hex(1n), slotNumber: hex(BigInt(slot)), timestamp: timestamp.toString(), coinbase: hex(gv.coinbase.toField().toBigInt()), feeRecipient: hex(gv.feeRecipient.toBigInt()), feePerDaGas: hex(gv.gasFees.feePerDaGas), feePerL2Gas: hex(gv.gasFees.feePerL2Gas) },
      l1ToL2Messages: msgs.map((f) => hex(f.toBigInt())),
      blocks,
    },
    expected: {
      state: stateRefHex(stateRef(ws)),
      archive: [hex(snap(ws.archive).root.toBigInt()), snap(ws.archive).nextAvailableLeafIndex],
      blockHeaderHashes: headerHashes.map(hex),
      blobFields: blobFields.map((f) => hex(f.toBigInt())),
    },
  };
}

async function checkpointVectors(profile, sequences, length, opts) {
  const prof = PROFILES[profile];
  const out = [];
  for (let s = 0; s < sequences; s++) {
    const g = await genesis(prof);
    const chain = { ws: g.ws, blockNumber: 0, slot: 0, timestamp: 0n, nullifiers: new Set(Array.from({ length: prof.prefill }, (_, i) => BigInt(i))), slots: [] };
    const genesisOut = { headerHash: hex(g.hash), state: stateRefHex(stateRef(g.ws)), archive: [hex(snap(g.ws.archive).root.toBigInt()), 1] };
    const checkpoints = [];
    for (let c = 0; c < length; c++) checkpoints.push(await buildCheckpoint(chain, prof, { ...opts, maximal: opts.maximal && c === 0 }));
    out.push({ profile, genesis: genesisOut, checkpoints });
  }
  return out;
}

// ---- tree operation sequences -----------------------------------------------------------------
async function treeVectors(profile, sequences, steps) {
  const prof = PROFILES[profile];
  const out = [];
  for (let s = 0; s < sequences; s++) {
    const ws = await worldState(prof);
    const used = new Set(Array.from({ length: prof.prefill }, (_, i) => BigInt(i)));
    const slots = [];
    const ops = [];
    for (let i = 0; i < steps; i++) {
      const kind = pick(['noteHashes', 'nullifiers', 'publicData']);
      let op;
      if (kind === 'noteHashes') {
        const values = padEnd(Array.from({ length: randInt(prof.maxNoteHashes + 1) }, () => new Fr(randFr())), prof.maxNoteHashes, Fr.ZERO);
        await ws.noteHash.appendLeaves(values);
        op = { kind, values: values.map((f) => hex(f.toBigInt())) };
      } else if (kind === 'nullifiers') {
        const tx = makeTx(prof, used, slots, { maximal: randInt(4) === 0 });
        const values = padEnd(tx.nullifiers, prof.maxNullifiers, Fr.ZERO);
        await ws.nullifier.batchInsert(values.map((n) => n.toBuffer()), Math.log2(prof.maxNullifiers));
        op = { kind, values: values.map((f) => hex(f.toBigInt())) };
      } else {
        const tx = makeTx(prof, new Set(used), slots, { maximal: randInt(4) === 0 });
        for (const w of tx.publicDataWrites) ws.publicData.sequentialWrite(w.leafSlot.toBigInt(), w.value.toBigInt());
        op = { kind, writes: tx.publicDataWrites.map((w) => [hex(w.leafSlot.toBigInt()), hex(w.value.toBigInt())]) };
      }
      op.after = { noteHash: [hex(snap(ws.noteHash).root.toBigInt()), snap(ws.noteHash).nextAvailableLeafIndex], nullifier: [hex(snap(ws.nullifier).root.toBigInt()), snap(ws.nullifier).nextAvailableLeafIndex], publicData: [hex(snap(ws.publicData).root.toBigInt()), snap(ws.publicData).nextAvailableLeafIndex] };
      ops.push(op);
    }
    out.push({ profile, ops });
  }
  return out;
}

const write = (name, data) => writeFileSync(join(outDir, name), JSON.stringify(data, null, 1) + '\n');
write('poseidon2.json', poseidonVectors());
write('genesis.json', {
  source: '@aztec/constants 4.1.2 (GENESIS_BLOCK_HEADER_HASH, GENESIS_ARCHIVE_ROOT); state references from @aztec/merkle-tree 4.1.2',
  aztec: { headerHash: hex(C.GENESIS_BLOCK_HEADER_HASH), archiveRoot: hex(C.GENESIS_ARCHIVE_ROOT), state: stateRefHex(stateRef((await genesis(PROFILES.aztec)).ws)) },
});
write('trees.json', { source: '@aztec/merkle-tree 4.1.2, public data with production in-place updates', sequences: [...(await treeVectors('aztec', 3, 24)), ...(await treeVectors('small', 3, 12))] });
write('checkpoints.json', {
  source: '@aztec/stdlib + @aztec/blob-lib 4.1.2 encoders, SpongeBlob and BlockHeader; @aztec/merkle-tree trees; driver after prover-client LightweightCheckpointBuilder',
  sequences: [
    ...(await checkpointVectors('aztec', 2, 3, { maxBlocks: 3, maxTxs: 3, maximal: true })),
    ...(await checkpointVectors('small', 4, 5, { maxBlocks: 2, maxTxs: 1, maximal: true })),
  ],
});
console.log(`vectors written to ${outDir}`);
