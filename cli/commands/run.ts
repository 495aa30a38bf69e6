// `difftower run`: a short differential run over generated checkpoints, printing every
// checkpoint's roots and whether the implementations agree.

import { encodeCheckpoint } from '../../core/codec.js';
import { CheckpointGenerator } from '../../core/generate.js';
import type { Outcome as CanonicalOutcome } from '../../core/schema.js';
import { ChainState } from '../../impls/ts/src/index.js';
import { compareResults, sharedCoverage } from '../../oracle/compare.js';
import { CallPlan } from '../../oracle/run.js';
import { makeImplementations } from '../../impls/registry.js';
import { EnvironmentError, EXIT, hex32 as hex, intOf, parseCommand, profileOf, seedOf } from '../shared.js';
import { RUN } from './index.js';

function canonicalOutcomeJson(o: CanonicalOutcome) {
  if (o.status === 'rejected') return { status: o.status, code: o.code, message: o.message };
  const snap = (i: number) => ({ root: hex(o.state[2 * i]), nextIndex: Number(o.state[2 * i + 1]) });
  return {
    status: o.status,
    state: { l1ToL2: snap(0), noteHash: snap(1), nullifier: snap(2), publicData: snap(3) },
    archive: { root: hex(o.archive[0]), nextIndex: Number(o.archive[1]) },
    blockHeaderHashes: o.blockHeaderHashes.map(hex),
    blobFieldCount: o.blobFields.length,
  };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommand(RUN, args);
  const profile = profileOf(values.profile);
  const n = intOf(values.checkpoints, 'checkpoints', 5);
  const seed = seedOf(values.seed, 1n);
  const impls = makeImplementations(values.impls ?? 'ts,rust', intOf(values.timeout, 'timeout', 30, 1) * 1000, profile);
  const names = impls.map((i) => i.name).join(', ');
  const plan = new CallPlan(impls);
  const lines: unknown[] = [];
  let divergences = 0;
  try {
    for (const impl of impls) {
      const g = await impl.genesis({ profile, chainId: 31337n, version: 1n });
      if (g.kind !== 'ok') throw new EnvironmentError(`${impl.name} failed at genesis: ${'message' in g ? g.message : g.kind}`);
    }
    const genesisArchive = ChainState.genesis(profile).archiveSnapshot();
    if (values.json) lines.push({ label: `genesis (${profile})`, archive: { root: hex(genesisArchive.root), nextIndex: genesisArchive.nextIndex } });
    else console.log(`genesis (${profile}): archive ${hex(genesisArchive.root)} (1); implementations: ${names}`);
    const gen = new CheckpointGenerator({ profile, seed });
    for (let i = 1; i <= n; i++) {
      const bytes = encodeCheckpoint(gen.next());
      const results = await plan.apply(bytes);
      const first = results[plan.reference]!;
      // Every implementation compared with the reference (a trusting one only where it accepted).
      const found = results.flatMap((r, k) => {
        if (k === plan.reference || !r) return [];
        const d = compareResults(first, r, sharedCoverage(impls[plan.reference].coverage, impls[k].coverage));
        return d ? [{ impl: impls[k].name, d }] : [];
      });
      divergences += found.length;
      const o = first.kind === 'outcome' ? canonicalOutcomeJson(first.outcome) : { status: first.kind };
      const given = results.filter((r) => r).length;
      const agreement = found.length === 0 ? `${given} agree` : found.map(({ impl, d }) => `DIVERGENCE ${impls[plan.reference].name} vs ${impl}: ${d!.kind} at ${d!.field} (${d!.left} vs ${d!.right})`).join('; ');
      if (values.json) lines.push({ label: `checkpoint ${i}`, ...o, divergences: found.map(({ impl, d }) => ({ impl, ...d })) });
      else if ('archive' in o && o.archive && o.state) console.log(`checkpoint ${i}: archive ${o.archive.root} (${o.archive.nextIndex})  noteHash ${o.state.noteHash.root}  nullifier ${o.state.nullifier.root}  publicData ${o.state.publicData.root}  [${agreement}]`);
      else console.log(`checkpoint ${i}: ${'code' in o ? `rejected ${o.code}` : o.status}  [${agreement}]`);
    }
  } finally {
    await Promise.all(impls.map((i) => i.close()));
  }
  if (values.json) console.log(JSON.stringify(lines, null, 2));
  else console.log(divergences === 0 ? `no divergence (${names})` : `${divergences} divergence(s)`);
  return divergences === 0 ? EXIT.ok : EXIT.finding;
}
