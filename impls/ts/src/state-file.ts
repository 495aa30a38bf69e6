// Chain state to and from the canonical state file of spec §8 (snapshot / restore). Trees are
// stored as their leaves by position; indexed-tree pointers are rebuilt by re-insertion.

import { ChainState } from './stf.js';
import type { LastBlock } from './validate.js';
import type { ProfileName } from './params.js';

export interface StateFile {
  v: 1;
  profile: ProfileName;
  chainId: bigint;
  version: bigint;
  last: LastBlock;
  noteHashes: bigint[];
  l1ToL2Messages: bigint[];
  archive: bigint[];
  nullifiers: bigint[];
  publicData: [bigint, bigint][];
}

export function toStateFile(s: ChainState): StateFile {
  return {
    v: 1,
    profile: s.params.name,
    chainId: s.chainId,
    version: s.version,
    last: { ...s.last },
    noteHashes: s.noteHash.leaves(),
    l1ToL2Messages: s.l1ToL2.leaves(),
    archive: s.archive.leaves(),
    nullifiers: s.nullifier.leaves().map((l) => l.key),
    publicData: s.publicData.leaves().map((l) => [l.key, l.value]),
  };
}

/**
 * Rebuilds a chain state; throws if the file describes no reachable state (spec §8): a field >= p,
 * an empty archive, more leaves than a tree holds, wrong prefill, a repeated key.
 */
export function fromStateFile(f: StateFile): ChainState {
  const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  const all = [f.chainId, f.version, f.last.slotNumber, ...f.noteHashes, ...f.l1ToL2Messages, ...f.archive, ...f.nullifiers, ...f.publicData.flat()];
  if (all.some((v) => v >= P)) throw new Error('state file: a field element is not below the modulus');
  if (f.archive.length === 0) throw new Error('state file: the archive is empty (it always holds the genesis header)');
  const s = ChainState.restoreEmpty(f.profile, f.chainId, f.version);
  s.noteHash.append(f.noteHashes);
  s.l1ToL2.append(f.l1ToL2Messages);
  s.archive.append(f.archive);
  const prefillN = s.params.nullifierPrefill;
  for (let i = 0; i < prefillN; i++) {
    if (f.nullifiers[i] !== BigInt(i)) throw new Error(`state file: nullifier leaf ${i} must be the prefilled key ${i}`);
  }
  const seen = new Set<bigint>();
  f.nullifiers.slice(prefillN).forEach((k) => {
    if (k !== 0n && (seen.has(k) || s.nullifier.has(k))) throw new Error(`state file: nullifier ${k} appears twice`);
    seen.add(k);
  });
  if (f.nullifiers.length > prefillN) s.nullifier.insertBatch(f.nullifiers.slice(prefillN));
  const prefillP = s.params.publicDataPrefill;
  f.publicData.forEach(([slot, value], i) => {
    if (i < prefillP) {
      if (slot !== BigInt(i)) throw new Error(`state file: public data leaf ${i} must be the prefilled slot ${i}`);
      if (value !== 0n) s.publicData.write(slot, value);
    } else {
      if (s.publicData.has(slot)) throw new Error(`state file: public data slot ${slot} appears twice`);
      s.publicData.write(slot, value);
    }
  });
  s.last = { ...f.last };
  s.commitRestored();
  return s;
}
