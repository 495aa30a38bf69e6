// The chain held by Aztec's production world state (NativeWorldStateService, C++ via NAPI).
// Applying a checkpoint follows Aztec's own block building: for each block, the side effects are
// inserted on a fork with Aztec's tree calls (as `updateBlockState` in @aztec/world-state/test and
// the sequencer's insertSideEffects do), the fork's state reference and archive go into an Aztec
// BlockHeader, and the finished L2Block is handed to `handleL2BlockAndMessages`, which recomputes
// every tree and the archive natively and refuses the block unless they match. Roots, next indices,
// header hashes (BlockHeader.hash) and blob fields (blob-lib) are all Aztec's.

import { encodeBlockBlobData, encodeCheckpointBlobDataFromBlocks, SpongeBlob } from '@aztec/blob-lib';
import { MAX_NOTE_HASHES_PER_TX, MAX_NULLIFIERS_PER_TX, NULLIFIER_SUBTREE_HEIGHT, NUMBER_OF_L1_L2_MESSAGES_PER_ROLLUP } from '@aztec/constants';
import { CheckpointNumber, IndexWithinCheckpoint } from '@aztec/foundation/branded-types';
import { padArrayEnd } from '@aztec/foundation/collection';
import { Fr } from '@aztec/foundation/curves/bn254';
import { Body, L2Block } from '@aztec/stdlib/block';
import { AppendOnlyTreeSnapshot, MerkleTreeId, PublicDataTreeLeaf } from '@aztec/stdlib/trees';
import { BlockHeader } from '@aztec/stdlib/tx';
import { NativeWorldStateService } from '@aztec/world-state';
import { globalVariablesOf, txEffectOf } from './translate.mjs';

const STATE_TREES = [MerkleTreeId.L1_TO_L2_MESSAGE_TREE, MerkleTreeId.NOTE_HASH_TREE, MerkleTreeId.NULLIFIER_TREE, MerkleTreeId.PUBLIC_DATA_TREE];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const snapshotOf = (info) => [Fr.fromBuffer(info.root).toBigInt(), info.size];

export class AztecChain {
  ws = null;
  last = { blockNumber: 0n, slotNumber: 0n, timestamp: 0n };
  checkpointNumber = 0;
  /** CPU ms (this process, all threads) of the last apply's two phases: building the blocks on a
   * fork (with the witnesses Aztec's fork calls compute) and the world state's sync of the
   * finished blocks. For the benchmark's fair race: a following node does only the second. */
  lastApplyCpuMs = { build: 0, sync: 0 };

  async genesis(chainId, version) {
    await this.close();
    this.chainId = chainId;
    this.version = version;
    this.ws = await NativeWorldStateService.tmp();
    this.last = { blockNumber: 0n, slotNumber: 0n, timestamp: 0n };
    this.checkpointNumber = 0;
  }

  /** Builds the checkpoint's L2Blocks on a fork, then lets the world state apply them. */
  async apply(cp) {
    const cpu0 = cpuMs();
    const fork = await this.ws.fork();
    const blocks = [];
    const blockBlobData = [];
    const sponge = SpongeBlob.init();
    const checkpointNumber = CheckpointNumber(this.checkpointNumber + 1);
    try {
      for (let i = 0; i < cp.blocks.length; i++) {
        const b = cp.blocks[i];
        const effects = b.txs.map(txEffectOf);
        const lastArchive = await fork.getTreeInfo(MerkleTreeId.ARCHIVE);
        if (i === 0) await fork.appendLeaves(MerkleTreeId.L1_TO_L2_MESSAGE_TREE, padArrayEnd(cp.l1ToL2Messages, Fr.ZERO, NUMBER_OF_L1_L2_MESSAGES_PER_ROLLUP));
        await fork.appendLeaves(MerkleTreeId.NOTE_HASH_TREE, effects.flatMap((e) => padArrayEnd(e.noteHashes, Fr.ZERO, MAX_NOTE_HASHES_PER_TX)));
        for (const e of effects) {
          await fork.batchInsert(MerkleTreeId.NULLIFIER_TREE, padArrayEnd(e.nullifiers, Fr.ZERO, MAX_NULLIFIERS_PER_TX).map((n) => n.toBuffer()), NULLIFIER_SUBTREE_HEIGHT);
          await fork.sequentialInsert(MerkleTreeId.PUBLIC_DATA_TREE, e.publicDataWrites.map((w) => new PublicDataTreeLeaf(w.leafSlot, w.value).toBuffer()));
        }
        const state = await fork.getStateReference();
        const globalVariables = globalVariablesOf(cp.header, b.blockNumber);
        // Total fees: the sum of the txs' fees, as Aztec's block building adds them (Fr arithmetic).
        const totalFees = effects.reduce((acc, e) => acc.add(e.transactionFee), Fr.ZERO);
        const draft = new L2Block(
          AppendOnlyTreeSnapshot.empty(),
          BlockHeader.from({ lastArchive: new AppendOnlyTreeSnapshot(Fr.fromBuffer(lastArchive.root), Number(lastArchive.size)), state, spongeBlobHash: Fr.ZERO, globalVariables, totalFees, totalManaUsed: new Fr(b.totalManaUsed) }),
          new Body(effects),
          checkpointNumber,
          IndexWithinCheckpoint(i),
        );
        // The block's blob data as published: Aztec's end data, and the txs exactly as given
        // (public logs kept opaque, see translate.mjs).
        const data = { ...draft.toBlockBlobData(), txs: b.txs };
        blockBlobData.push(data);
        await sponge.absorb(encodeBlockBlobData(data));
        const spongeBlobHash = await sponge.clone().squeeze();
        const header = BlockHeader.from({ ...draft.header, spongeBlobHash });
        await fork.updateArchive(header);
        const archive = await fork.getTreeInfo(MerkleTreeId.ARCHIVE);
        blocks.push(new L2Block(new AppendOnlyTreeSnapshot(Fr.fromBuffer(archive.root), Number(archive.size)), header, draft.body, checkpointNumber, IndexWithinCheckpoint(i)));
      }
    } finally {
      await fork.close();
    }
    const cpu1 = cpuMs();
    for (let i = 0; i < blocks.length; i++) await this.ws.handleL2BlockAndMessages(blocks[i], i === 0 ? cp.l1ToL2Messages : []);
    this.lastApplyCpuMs = { build: cpu1 - cpu0, sync: cpuMs() - cpu1 };
    this.checkpointNumber++;
    const lastBlock = blocks[blocks.length - 1];
    this.last = { blockNumber: BigInt(lastBlock.number), slotNumber: cp.header.slotNumber.toBigInt(), timestamp: cp.header.timestamp };
    const committed = this.ws.getCommitted();
    const state = [];
    for (const t of STATE_TREES) state.push(...snapshotOf(await committed.getTreeInfo(t)));
    return {
      state,
      archive: snapshotOf(await committed.getTreeInfo(MerkleTreeId.ARCHIVE)),
      blockHeaderHashes: await Promise.all(blocks.map(async (b) => (await b.hash()).toBigInt())),
      blobFields: encodeCheckpointBlobDataFromBlocks(blockBlobData).map((f) => f.toBigInt()),
    };
  }

  /** Every leaf of the committed trees, read back from the world state (spec §8 state file). */
  async leaves() {
    const c = this.ws.getCommitted();
    const size = async (t) => (await c.getTreeInfo(t)).size;
    const values = async (t) => {
      const out = [];
      for (let i = 0n, n = await size(t); i < n; i++) out.push((await c.getLeafValue(t, i)) ?? Fr.ZERO);
      return out.map((v) => (v instanceof Fr ? v.toBigInt() : Fr.fromBuffer(v).toBigInt()));
    };
    const preimages = async (t) => {
      const out = [];
      for (let i = 0n, n = await size(t); i < n; i++) out.push(await c.getLeafPreimage(t, i));
      return out;
    };
    const nullifiers = (await preimages(MerkleTreeId.NULLIFIER_TREE)).map((p) => (p ? p.leaf.nullifier.toBigInt() : 0n));
    const publicData = (await preimages(MerkleTreeId.PUBLIC_DATA_TREE)).map((p) => (p ? [p.leaf.slot.toBigInt(), p.leaf.value.toBigInt()] : [0n, 0n]));
    return {
      noteHashes: await values(MerkleTreeId.NOTE_HASH_TREE),
      l1ToL2Messages: await values(MerkleTreeId.L1_TO_L2_MESSAGE_TREE),
      archive: await values(MerkleTreeId.ARCHIVE),
      nullifiers,
      publicData,
    };
  }

  /** Back to an earlier block of this chain: the world state's own unwind. */
  async unwindTo(blockNumber, checkpointNumber, last) {
    if (this.last.blockNumber > blockNumber) await this.ws.unwindBlocks(Number(blockNumber));
    this.checkpointNumber = checkpointNumber;
    this.last = last;
  }

  async close() {
    if (this.ws) await this.ws.close().catch(() => {});
    this.ws = null;
  }
}
