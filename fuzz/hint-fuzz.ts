// Hint-fuzzing: the circuit's hints are untrusted, so a sound circuit must either reject a
// mutated hint or produce exactly the same outputs. This module mutates the hints of one
// checkpoint's witness (another low leaf, a wrong sibling, a shifted index, a stale path, wrong
// decoded counts), executes each mutant, and for every mutant that is satisfiable with different
// outputs makes and verifies both proofs: a self-contradicting proof pair (oracle/contradiction.ts).
// It fuzzes the Noir implementation from outside (fuzz/ -> impls/noir, oracle/), so the
// implementation itself never depends on the oracle that judges it.

import { findContradictions, type Contradiction } from '../oracle/contradiction.js';
import { execute, type Circuit } from '../impls/noir/src/circuit.js';
import type { ChainModel } from '../impls/noir/src/model.js';
import { circuitId, prove, verify, type Proof } from '../impls/noir/src/prover.js';
import { STATEMENT } from '../impls/noir/src/params.js';
import type { Checkpoint } from '../core/schema.js';
import { HintError } from '../impls/noir/src/blob.js';
import { witnessFor } from '../impls/noir/src/implementation.js';
import type { LeafChoice, Witness } from '../impls/noir/src/witness.js';

/**
 * One mutation, named for reports: either a patch to a copy of the honest hints, or a different
 * leaf choice at one hint site with every later hint rebuilt consistently on top of it (what a
 * cheating prover would do: a lone patched low leaf would just break the next path).
 */
export interface Mutation {
  name: string;
  apply?(hints: Hints): void;
  choose?: LeafChoice;
}

// The hints in noir_js input form (witness.ts builds them); fields are 0x-hex strings.
type Json = Record<string, unknown>;
type Hints = { l1_to_l2_siblings: string[]; blocks: Json[]; txs: (Json & { nullifiers: Json[]; public_data: Json[] })[] };

const hex = (v: bigint) => '0x' + v.toString(16);
const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const bump = (h: unknown, d = 1n) => hex((BigInt(h as string) + d + P) % P);
const hexes = (vs: bigint[]) => vs.map(hex);

/** Mutations of every hint of a witness; `pre` is the model before the checkpoint (stale paths). */
export function mutationsOf(w: Witness, pre: ChainModel): Mutation[] {
  const hints = (w.inputs as { hints: Hints }).hints;
  const out: Mutation[] = [];
  const add = (name: string, apply: (h: Hints) => void) => out.push({ name, apply });
  const rebuild = (name: string, site: { kind: string; tx: number; op: number }, leaf: number) =>
    out.push({ name, choose: (s) => (s.kind === site.kind && s.tx === site.tx && s.op === site.op ? leaf : undefined) });

  add('l1-to-l2: wrong sibling', (h) => (h.l1_to_l2_siblings[0] = bump(h.l1_to_l2_siblings[0])));
  hints.blocks.forEach((b, bi) => {
    if (!b.present) {
      add(`block ${bi}: claimed present`, (h) => (h.blocks[bi].present = true));
      return;
    }
    add(`block ${bi}: wrong archive sibling`, (h) => ((h.blocks[bi].archive_siblings as string[])[0] = bump((h.blocks[bi].archive_siblings as string[])[0])));
    add(`block ${bi}: sponge chunks + 1`, (h) => (h.blocks[bi].sponge_chunks = bump(h.blocks[bi].sponge_chunks)));
    add(`block ${bi}: sponge chunks - 1`, (h) => (h.blocks[bi].sponge_chunks = bump(h.blocks[bi].sponge_chunks, -1n)));
    add(`block ${bi}: num txs + 1`, (h) => (h.blocks[bi].num_txs = bump(h.blocks[bi].num_txs)));
    add(`block ${bi}: mana + 1`, (h) => (h.blocks[bi].total_mana_used = bump(h.blocks[bi].total_mana_used)));
    if (bi > 0) add(`block ${bi}: claimed absent`, (h) => (h.blocks[bi].present = false));
  });

  hints.txs.forEach((t, ti) => {
    if (BigInt(t.num_nullifiers as string) === 0n) return; // an unused slot
    for (const k of ['num_note_hashes', 'num_nullifiers', 'num_public_data_writes', 'num_private_logs', 'public_logs_length', 'num_blob_fields']) {
      add(`tx ${ti}: ${k} + 1`, (h) => (h.txs[ti][k] = bump(h.txs[ti][k])));
    }
    add(`tx ${ti}: wrong note-hash sibling`, (h) => ((h.txs[ti].note_hash_siblings as string[])[0] = bump((h.txs[ti].note_hash_siblings as string[])[0])));
    add(`tx ${ti}: wrong nullifier-pair sibling`, (h) => ((h.txs[ti].nullifier_siblings as string[])[1] = bump((h.txs[ti].nullifier_siblings as string[])[1])));
  });

  // Low leaves and leaves: every other present leaf of the tree as it stood (a valid path to a
  // wrong leaf: only range and key checks stop these), shifted indices, wrong and stale paths.
  for (const site of w.sites) {
    const where = `tx ${site.tx} ${site.kind} ${site.op}`;
    if (site.kind === 'nullifier') {
      const real = hints.txs[site.tx].nullifiers[site.op];
      if (real.low_is_pending) {
        add(`${where}: pending low leaf claimed in the tree`, (h) => (h.txs[site.tx].nullifiers[site.op].low_is_pending = false));
        continue;
      }
      if (site.op === 1) add(`${where}: low leaf claimed pending`, (h) => (h.txs[site.tx].nullifiers[1].low_is_pending = true));
      site.tree.leaves.forEach((leaf, i) => {
        if (!leaf || hex(BigInt(i)) === real.low_index) return;
        rebuild(`${where}: another low leaf (position ${i}), later hints rebuilt`, site, i);
        add(`${where}: another low leaf (position ${i}) patched in`, (h) =>
          Object.assign(h.txs[site.tx].nullifiers[site.op], {
            low_value: hex(leaf.key), low_next_value: hex(leaf.nextKey), low_next_index: hex(BigInt(leaf.nextIndex)),
            low_index: hex(BigInt(i)), low_siblings: hexes(site.tree.tree.siblings(i)),
          }),
        );
      });
      add(`${where}: low index + 1`, (h) => (h.txs[site.tx].nullifiers[site.op].low_index = bump(real.low_index)));
      add(`${where}: wrong low sibling`, (h) => ((h.txs[site.tx].nullifiers[site.op].low_siblings as string[])[2] = bump((real.low_siblings as string[])[2])));
      const stale = hexes(pre.nullifiers.tree.siblings(Number(BigInt(real.low_index as string))));
      if (stale.some((s, k) => s !== (real.low_siblings as string[])[k])) add(`${where}: stale low path`, (h) => (h.txs[site.tx].nullifiers[site.op].low_siblings = stale));
    } else {
      const real = hints.txs[site.tx].public_data[site.op];
      add(`${where}: update/insert flipped`, (h) => (h.txs[site.tx].public_data[site.op].is_update = !real.is_update));
      site.tree.leaves.forEach((leaf, i) => {
        if (!leaf || hex(BigInt(i)) === real.leaf_index) return;
        rebuild(`${where}: another leaf (position ${i}), later hints rebuilt`, site, i);
        for (const isUpdate of [false, true]) {
          add(`${where}: another leaf as ${isUpdate ? 'update' : 'low'} (position ${i})`, (h) =>
            Object.assign(h.txs[site.tx].public_data[site.op], {
              is_update: isUpdate, leaf_slot: hex(leaf.key), leaf_value: hex(leaf.value), leaf_next_slot: hex(leaf.nextKey),
              leaf_next_index: hex(BigInt(leaf.nextIndex)), leaf_index: hex(BigInt(i)), leaf_siblings: hexes(site.tree.tree.siblings(i)),
            }),
          );
        }
      });
      add(`${where}: leaf index + 1`, (h) => (h.txs[site.tx].public_data[site.op].leaf_index = bump(real.leaf_index)));
      add(`${where}: wrong leaf sibling`, (h) => ((h.txs[site.tx].public_data[site.op].leaf_siblings as string[])[1] = bump((real.leaf_siblings as string[])[1])));
      if (!real.is_update) add(`${where}: wrong new-leaf sibling`, (h) => ((h.txs[site.tx].public_data[site.op].new_siblings as string[])[0] = bump((real.new_siblings as string[])[0])));
      const stale = hexes(pre.publicData.tree.siblings(Number(BigInt(real.leaf_index as string))));
      if (stale.some((s, k) => s !== (real.leaf_siblings as string[])[k])) add(`${where}: stale leaf path`, (h) => (h.txs[site.tx].public_data[site.op].leaf_siblings = stale));
    }
  }
  return out;
}

export interface SelfContradiction {
  mutation: string;
  /** Statement positions (123..135) whose values differ. */
  positions: number[];
  honest: Proof;
  mutant: Proof;
  /** Both proofs verified (and the oracle flagged the pair). */
  verified: boolean;
  contradiction: Contradiction | null;
}

export interface HintFuzzReport {
  circuit: string;
  tried: number;
  rejected: number;
  /** Satisfiable with the same outputs: harmless (e.g. hints of unused slots). */
  sameOutputs: number;
  contradictions: SelfContradiction[];
}

export interface HintFuzzOptions {
  /** Stop after this many self-contradictions (each costs two proofs). Default: no limit. */
  maxContradictions?: number;
  /** Try at most this many mutations. */
  maxMutations?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Fuzzes the hints of checkpoint `cp` on state `pre` (which the circuit must accept). Every satisfiable
 * mutant with different outputs is proven, both proofs verified, and checked by the oracle.
 */
export async function hintFuzz(circuit: Circuit, checkpoint: Checkpoint, pre: ChainModel, opts: HintFuzzOptions = {}): Promise<HintFuzzReport> {
  // Mutants must keep the statement's inputs: in blob form the fields (which carry every
  // block's end roots) stay the honest ones whatever hints are rebuilt.
  const cp: Checkpoint = checkpoint.form === 'blob' ? checkpoint : { ...checkpoint, form: 'blob', blocks: null, blobFields: witnessFor(pre, checkpoint).blob };
  const w = witnessFor(pre, cp);
  const honest = await execute(circuit, w.inputs);
  if (!honest.ok) throw new Error(`the unmutated witness does not satisfy the circuit: ${honest.message}`);
  const report: HintFuzzReport = { circuit: circuitId(circuit), tried: 0, rejected: 0, sameOutputs: 0, contradictions: [] };
  let honestProof: Proof | null = null;
  const muts = mutationsOf(w, pre).slice(0, opts.maxMutations ?? Infinity);
  for (const m of muts) {
    if (opts.maxContradictions !== undefined && report.contradictions.length >= opts.maxContradictions) break;
    let inputs: unknown;
    if (m.choose) {
      try {
        inputs = witnessFor(pre, cp, m.choose).inputs;
      } catch (err) {
        if (!(err instanceof HintError)) throw err;
        continue; // no witness of that shape can be built: nothing for the circuit to judge
      }
    } else {
      inputs = structuredClone(w.inputs);
      m.apply?.((inputs as { hints: Hints }).hints);
    }
    const r = await execute(circuit, inputs as Witness['inputs']);
    report.tried++;
    opts.onProgress?.(report.tried, muts.length);
    if (!r.ok) {
      report.rejected++;
      continue;
    }
    const positions = r.outputs.flatMap((v, i) => (v === honest.outputs[i] ? [] : [STATEMENT.inputs + i]));
    if (positions.length === 0) {
      report.sameOutputs++;
      continue;
    }
    honestProof ??= await prove(circuit, honest.witness);
    const mutant = await prove(circuit, r.witness);
    const valid = [await verify(circuit, honestProof), await verify(circuit, mutant)];
    const [contradiction] = findContradictions([
      { source: 'honest hints', publicInputs: honestProof.publicInputs, valid: valid[0] },
      { source: `mutant: ${m.name}`, publicInputs: mutant.publicInputs, valid: valid[1] },
    ]);
    report.contradictions.push({ mutation: m.name, positions, honest: honestProof, mutant, verified: valid[0] && valid[1], contradiction: contradiction ?? null });
  }
  return report;
}
