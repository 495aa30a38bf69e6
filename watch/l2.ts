// The bridge between the L1 view of a checkpoint (the §9 statement's fields as bytes32, what a
// proposal carries in calldata) and the L2 model (core/schema.ts checkpoints, state files and
// outcomes). Pure functions: the devnet, the watchtower and verify-evidence share them.

import { type Hex } from 'viem';
import { DecodeError, decodeChainState, encodeChainState, encodeCheckpoint } from '../core/codec.js';
import type { ChainStateFile, Checkpoint, Outcome } from '../core/schema.js';
import { ChainState, fromStateFile, toStateFile } from '../impls/ts/src/index.js';
import { buildStatement, postHash, toField, toFields, type CheckpointData } from '../contracts/ts/statement.js';

/** Calldata of one proposal, normalised to 32-byte hex (unpadded messages and blob fields). */
export interface ProposalData {
  header: Hex[];
  l1ToL2Messages: Hex[];
  blobFields: Hex[];
}

const TWO_64 = 1n << 64n;

/**
 * The blob-form checkpoint a proposal stands for (spec §4.2, §9 positions 15..122). Its canonical
 * bytes, or a DecodeError when the calldata cannot be a checkpoint at all (a timestamp that is not
 * a u64): such a proposal is malformed, which every implementation must reject.
 */
export function checkpointOfProposal(d: ProposalData): { checkpoint: Checkpoint; bytes: Uint8Array } {
  if (d.header.length !== 8) throw new DecodeError('proposal', `header has ${d.header.length} fields, expected 8`);
  const h = d.header.map((x) => BigInt(x));
  if (h[3]! >= TWO_64) throw new DecodeError('proposal', `header timestamp ${h[3]} is not a u64`);
  const checkpoint: Checkpoint = {
    v: 1,
    profile: 'small',
    header: {
      chainId: h[0]!,
      version: h[1]!,
      slotNumber: h[2]!,
      timestamp: h[3]!,
      coinbase: h[4]!,
      feeRecipient: h[5]!,
      feePerDaGas: h[6]!,
      feePerL2Gas: h[7]!,
    },
    l1ToL2Messages: d.l1ToL2Messages.map((x) => BigInt(x)),
    form: 'blob',
    blocks: null,
    blobFields: d.blobFields.map((x) => BigInt(x)),
  };
  let bytes: Uint8Array;
  try {
    bytes = encodeCheckpoint(checkpoint);
  } catch (err) {
    throw new DecodeError('proposal', `not encodable as a checkpoint: ${(err as Error).message}`);
  }
  return { checkpoint, bytes };
}

/** The calldata for a checkpoint: header fields, messages and the blob fields (the TS STF's encoding). */
export function proposalDataOf(cp: Checkpoint, blobFields: readonly bigint[]): ProposalData {
  const h = cp.header;
  return {
    header: toFields([h.chainId, h.version, h.slotNumber, h.timestamp, h.coinbase, h.feeRecipient, h.feePerDaGas, h.feePerL2Gas]),
    l1ToL2Messages: toFields(cp.l1ToL2Messages),
    blobFields: toFields(blobFields),
  };
}

/** The 13 post-state fields (§9 positions 123..135) of an accepted outcome and the state's last block. */
export function postFields(outcome: Extract<Outcome, { status: 'accepted' }>, last: ChainStateFile['last']): Hex[] {
  return toFields([BigInt(last.blockNumber), last.slotNumber, last.timestamp, ...outcome.state, ...outcome.archive]);
}

/** The 13 post-state fields of a state file (roots recomputed by the TS STF). */
export function postFieldsOfState(stateFile: Uint8Array | ChainStateFile): Hex[] {
  const file = stateFile instanceof Uint8Array ? decodeChainState(stateFile) : stateFile;
  return postFieldsOfChainState(fromStateFile(file));
}

/** The 13 post-state fields of a TS STF chain state. */
export function postFieldsOfChainState(s: ChainState): Hex[] {
  const r = s.stateReference();
  const a = s.archiveSnapshot();
  return toFields([
    BigInt(s.last.blockNumber), s.last.slotNumber, s.last.timestamp,
    r.l1ToL2.root, BigInt(r.l1ToL2.nextIndex), r.noteHash.root, BigInt(r.noteHash.nextIndex),
    r.nullifier.root, BigInt(r.nullifier.nextIndex), r.publicData.root, BigInt(r.publicData.nextIndex),
    a.root, BigInt(a.nextIndex),
  ]);
}

/** The genesis state of a small-profile chain: its state file and the 13 fields the rollup is deployed with. */
export function genesis(l2ChainId = 31337n, l2Version = 1n): { stateFile: Uint8Array; post: Hex[]; postHash: Hex } {
  const s = ChainState.genesis('small', { chainId: l2ChainId, version: l2Version });
  const stateFile = encodeChainState(toStateFile(s) as ChainStateFile);
  const post = postFieldsOfState(stateFile);
  return { stateFile, post, postHash: postHash(post) };
}

export function dataOf(d: ProposalData): CheckpointData {
  return { header: d.header, l1ToL2Messages: d.l1ToL2Messages, blobFields: d.blobFields };
}

/** The §9 statement: chain id, version, parent post, the proposal's data (padded) and a post-state. */
export function statementOf(l2ChainId: bigint, l2Version: bigint, parentPost: readonly Hex[], d: ProposalData, post: readonly Hex[]): Hex[] {
  return buildStatement({ l2ChainId, l2Version, parentPost, data: dataOf(d), post });
}

export const hexOf = (v: bigint | number) => toField(BigInt(v));
