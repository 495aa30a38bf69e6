// Self-contradiction of a proof system: two proofs that both verify, for identical inputs
// (statement positions 0..122: pre-state and checkpoint data, spec §9), with different outputs
// (positions 123..135: post-state). A sound circuit for a deterministic STF makes this
// impossible; finding a pair proves the circuit under-constrained. Proofs come from files now
// (and from L1 later): the caller says which ones verified.

export const STATEMENT_INPUTS = 123;

export interface StatementProof {
  /** Where the proof came from (a file path, later an L1 transaction). */
  source: string;
  /** The statement: 123 inputs then 13 outputs. */
  publicInputs: readonly bigint[];
  /** The proof verified against the circuit's verification key. */
  valid: boolean;
}

export interface Contradiction {
  a: string;
  b: string;
  /** Statement positions (123..135) where the outputs differ. */
  positions: number[];
}

const key = (p: StatementProof) => p.publicInputs.slice(0, STATEMENT_INPUTS).map((v) => v.toString(16)).join(',');

/** Every pair of valid proofs with identical inputs and different outputs (first of each output). */
export function findContradictions(proofs: readonly StatementProof[]): Contradiction[] {
  const byInputs = new Map<string, StatementProof[]>();
  for (const p of proofs) {
    if (!p.valid) continue;
    const k = key(p);
    byInputs.set(k, [...(byInputs.get(k) ?? []), p]);
  }
  const found: Contradiction[] = [];
  for (const group of byInputs.values()) {
    // Distinct outputs within the group, each represented by its first proof.
    const reps: StatementProof[] = [];
    for (const p of group) {
      const same = reps.find((r) => r.publicInputs.length === p.publicInputs.length && r.publicInputs.every((v, i) => v === p.publicInputs[i]));
      if (!same) reps.push(p);
    }
    for (let i = 0; i < reps.length; i++) {
      for (let j = i + 1; j < reps.length; j++) {
        const a = reps[i].publicInputs;
        const b = reps[j].publicInputs;
        const positions: number[] = [];
        for (let k = STATEMENT_INPUTS; k < Math.max(a.length, b.length); k++) if (a[k] !== b[k]) positions.push(k);
        found.push({ a: reps[i].source, b: reps[j].source, positions });
      }
    }
  }
  return found;
}
