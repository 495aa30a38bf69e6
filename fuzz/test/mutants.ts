// Deliberate semantic faults for the fuzzer's fault-injection tests. Each mutant is one textual
// change to a copy of the TypeScript STF (impls/ts/src), the kind of slip a client team could
// make; the real sources are never touched. A mutant whose anchor text no longer occurs exactly
// once fails loudly, so a refactor of impls/ts cannot silently turn a mutant into a no-op.

import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InProcessTsImplementation, type TsStfModule } from '../../impls/adapters/in-process-ts.js';

export interface Mutant {
  name: string;
  /** What a user would call the bug. */
  fault: string;
  /** File under impls/ts/src, the exact text to replace, and its replacement. */
  file: string;
  from: string;
  to: string;
}

export const MUTANTS: Mutant[] = [
  {
    name: 'low-leaf-off-by-one',
    fault: 'low-leaf search off by one: looks below key - 2, so a key right after an existing one gets the wrong low leaf',
    file: 'trees/indexed-tree.ts',
    from: 'const lowKey = this.floor(key - 1n);',
    to: 'const lowKey = this.floor(key - 2n) ?? this.floor(key - 1n);',
  },
  {
    name: 'duplicate-in-tx-accepted',
    fault: 'a nullifier repeated within one tx is not rejected',
    file: 'stf.ts',
    from: "if (seen.has(n)) reject('E_DUPLICATE_NULLIFIER'",
    to: "if (seen.has(n) && false) reject('E_DUPLICATE_NULLIFIER'",
  },
  {
    name: 'note-hash-padding-skipped',
    fault: "note hashes are not padded to MAX_NOTE_HASHES_PER_TX, so the tree's next index drifts",
    file: 'stf.ts',
    from: 'this.noteHash.append(tx.noteHashes.concat(Array<bigint>(p.maxNoteHashesPerTx - tx.noteHashes.length).fill(0n)));',
    to: 'this.noteHash.append(tx.noteHashes);',
  },
  {
    name: 'sibling-order-swapped',
    fault: 'left and right children swapped when hashing level 2 of every tree',
    file: 'trees/merkle-tree.ts',
    from: ': hashPair(left, right));',
    to: ': l === 2 ? hashPair(right, left) : hashPair(left, right));',
  },
  {
    name: 'public-data-update-appends',
    fault: 'a public-data update of an existing slot also appends an empty leaf (the standalone merkle-tree behaviour, not production)',
    file: 'trees/indexed-tree.ts',
    from: 'this.writeLeaf(index, { ...leaf, value });\n      return;',
    to: 'this.writeLeaf(index, { ...leaf, value });\n      this.size += 1;\n      return;',
  },
  {
    name: 'header-fields-reordered',
    fault: 'feePerDaGas and feePerL2Gas swapped in the block header hash preimage',
    file: 'stf.ts',
    from: 'h.feePerDaGas, h.feePerL2Gas, totalFees',
    to: 'h.feePerL2Gas, h.feePerDaGas, totalFees',
  },
  {
    name: 'sponge-iv-wrong',
    fault: "the blob sponge's initial value uses the hash sponge's convention (0) instead of 24576 * 2^64",
    file: 'blob-sponge.ts',
    from: 'private state: bigint[] = [0n, 0n, 0n, BLOB_SPONGE_MAX_FIELDS * TWO_POW_64];',
    to: 'private state: bigint[] = [0n, 0n, 0n, 0n * BLOB_SPONGE_MAX_FIELDS * TWO_POW_64];',
  },
  {
    name: 'next-index-not-updated',
    fault: "a new public-data slot is written but the tree's next index is not advanced",
    file: 'trees/indexed-tree.ts',
    from: 'this.insertAt(this.size, key, value);\n    this.size += 1;',
    to: 'this.insertAt(this.size, key, value);',
  },
  {
    name: 'tree-full-off-by-one',
    fault: 'append-only trees refuse the append that would fill them exactly (>= instead of >)',
    file: 'trees/append-only-tree.ts',
    from: 'if (this.size + count > this.tree.capacity) {',
    to: 'if (this.size + count >= this.tree.capacity) {',
  },
  {
    name: 'slot-rule-dropped',
    fault: 'validity rule dropped: a checkpoint may reuse the previous slot number',
    file: 'validate.ts',
    from: 'if (header.slotNumber <= chain.last.slotNumber)',
    to: 'if (header.slotNumber < chain.last.slotNumber)',
  },
  {
    name: 'blob-timestamp-unchecked',
    fault: "validity rule dropped: a blob's block end marker may carry another timestamp than the header",
    file: 'validate.ts',
    from: "if (t !== header.timestamp) reject('E_TIMESTAMP'",
    to: "if (t !== header.timestamp && false) reject('E_TIMESTAMP'",
  },
  {
    name: 'blob-revert-code-bound',
    fault: 'blob decoding accepts revert code 4',
    file: 'blob.ts',
    from: 'if (revertCode > 3) reject',
    to: 'if (revertCode > 4) reject',
  },
  {
    name: 'mana-bound-off-by-one',
    fault: 'a block with totalManaUsed exactly 2^48 is accepted (> instead of >=)',
    file: 'validate.ts',
    from: 'if (block.totalManaUsed >= 1n << 48n)',
    to: 'if (block.totalManaUsed > 1n << 48n)',
  },
  {
    name: 'l2-to-l1-limit-plus-one',
    fault: 'a tx may carry one L2-to-L1 message more than MAX_L2_TO_L1_MSGS_PER_TX',
    file: 'validate.ts',
    from: '[tx.l2ToL1Msgs.length, p.maxL2ToL1MsgsPerTx,',
    to: '[tx.l2ToL1Msgs.length, p.maxL2ToL1MsgsPerTx + 1,',
  },
  {
    name: 'public-logs-limit-plus-one',
    fault: 'a tx may carry one public log field more than MAX_PUBLIC_LOGS_LENGTH',
    file: 'validate.ts',
    from: 'if (tx.publicLogs.length > p.maxPublicLogsLength) {',
    to: 'if (tx.publicLogs.length > p.maxPublicLogsLength + 1) {',
  },
  {
    name: 'empty-private-log-accepted',
    fault: 'a private log with no field is accepted',
    file: 'validate.ts',
    from: 'if (log.length === 0 || log.length > p.privateLogSizeInFields) {',
    to: 'if (log.length > p.privateLogSizeInFields) {',
  },
  {
    name: 'contract-class-log-limit-plus-one',
    fault: 'a contract-class log may have one field more than CONTRACT_CLASS_LOG_SIZE_IN_FIELDS',
    file: 'validate.ts',
    from: 'ccl.fields.length > p.contractClassLogSizeInFields',
    to: 'ccl.fields.length > p.contractClassLogSizeInFields + 1',
  },
  {
    name: 'version-rule-dropped',
    fault: "validity rule dropped: a header may name another rollup version than the chain's",
    file: 'validate.ts',
    from: 'if (header.version !== chain.version) reject(',
    to: 'if (header.version !== chain.version && false) reject(',
  },
  {
    name: 'empty-later-block-accepted',
    fault: 'validity rule dropped: a block after the first may have no tx',
    file: 'validate.ts',
    from: "if (b > 0 && block.txs.length === 0) reject('E_EMPTY_BLOCK'",
    to: "if (b > 0 && block.txs.length === 0 && false) reject('E_EMPTY_BLOCK'",
  },
  {
    name: 'timestamp-u32-truncation',
    fault: 'timestamps are compared on their low 32 bits',
    file: 'validate.ts',
    from: 'if (header.timestamp <= chain.last.timestamp) {',
    to: 'if (BigInt.asUintN(32, header.timestamp) <= BigInt.asUintN(32, chain.last.timestamp)) {',
  },
];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Writes the mutant's copy of impls/ts/src under .difftower/mutants/ and returns an implementation running it. */
export async function loadMutant(m: Mutant): Promise<InProcessTsImplementation> {
  const dir = join(ROOT, '.difftower', 'mutants', m.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'impls/ts/src'), join(dir, 'src'), { recursive: true });
  const file = join(dir, 'src', m.file);
  const text = readFileSync(file, 'utf8');
  const occurrences = text.split(m.from).length - 1;
  if (occurrences !== 1) throw new Error(`mutant ${m.name}: anchor occurs ${occurrences} times in impls/ts/src/${m.file} (expected once)`);
  writeFileSync(file, text.replace(m.from, m.to));
  const stf = (await import(pathToFileURL(join(dir, 'src', 'index.ts')).href)) as TsStfModule;
  return new InProcessTsImplementation(`ts[${m.name}]`, stf);
}
