// One mutation-testing worker (started by mutation/run.ts over IPC): loads the instrumented copy
// of impls/ts/src once, records which mutants the module load itself covers (static mutants) and
// which the suite covers, then tests the mutants it is sent by switching the active mutant
// (Stryker's mutant switching: `globalThis.__stryker__.activeMutant`) and running the suite.
// A static mutant is tested in a worker of its own, started with __STRYKER_ACTIVE_MUTANT__ set.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InProcessTsImplementation, type TsStfModule } from '../impls/adapters/in-process-ts.js';
import { WasmImplementation } from '../impls/adapters/wasm.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { caseOf, decodeCaseFile, encodeCaseFile } from '../corpus/case.js';
import type { Case } from '../corpus/case.js';
import { makeSample, runSuite } from './suite.js';

type Ns = { activeMutant?: string; currentTestId?: string; mutantCoverage?: { static: Record<string, number>; perTest: Record<string, Record<string, number>> } };
export type ToWorker = { type: 'coverage' } | { type: 'test'; id: string };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'coverage'; static: string[]; covered: string[]; ms: number; baseline: string | null; sample: number; outcomes: Record<string, number> }
  | { type: 'result'; id: string; killed: boolean; by: string | null; ms: number };

const dir = process.env.DIFFTOWER_MUTATION_DIR!;
const fuzzRuns = Number(process.env.DIFFTOWER_MUTATION_FUZZ_RUNS ?? '1000');
const samplePath = join(dir, 'sample.msgpack');
const g = globalThis as unknown as { __stryker__?: Ns };
const stf = (await import(pathToFileURL(join(dir, 'src', 'index.ts')).href)) as TsStfModule;
const ns = (g.__stryker__ ??= {});
const staticCovered = Object.keys(ns.mutantCoverage?.static ?? {});
const root = new URL('../', import.meta.url).pathname;
const rust = new WasmImplementation('rust', join(root, 'dist/rust-wasm/stf.js'), { timeoutMs: 60_000 });
const ts = new InProcessTsImplementation('ts[mutated]', stf);
const send = (m: FromWorker) => process.send!(m);
let sample: Case[] = [];
const saveSample = (cases: Case[]) => writeFileSync(samplePath, Buffer.concat(cases.map((c) => { const b = encodeCaseFile({ v: 1, kind: 'difftower-case', ...c, meta: { origin: 'generated' } }); const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return Buffer.concat([n, b]); })));
function loadSample(): Case[] {
  const buf = readFileSync(samplePath);
  const cases: Case[] = [];
  for (let at = 0; at < buf.length; ) {
    const n = buf.readUInt32BE(at);
    cases.push(caseOf(decodeCaseFile(buf.subarray(at + 4, at + 4 + n))));
    at += 4 + n;
  }
  return cases;
}

async function test(): Promise<{ killed: boolean; by: string | null; ms: number }> {
  const t0 = performance.now();
  // values the STF caches (genesis, empty subtrees) were computed under another mutant
  (stf as TsStfModule & { clearCaches?: () => void }).clearCaches?.();
  try {
    const kill = await runSuite(ts, rust, { sample });
    return { killed: kill !== null, by: kill ? `${kill.part}: ${kill.what}` : null, ms: performance.now() - t0 };
  } catch (err) {
    return { killed: true, by: `threw: ${(err as Error).message}`, ms: performance.now() - t0 };
  }
}

process.on('message', async (m: ToWorker) => {
  if (m.type === 'coverage') {
    ns.activeMutant = undefined;
    // --reuse-sample: the sample of an earlier run of the same generator (saves its making).
    const made = process.env.DIFFTOWER_MUTATION_REUSE_SAMPLE === '1' ? { sample: loadSample(), outcomes: {} } : await makeSample(ts, rust, fuzzRuns);
    sample = made.sample.slice(0, Number(process.env.DIFFTOWER_MUTATION_SAMPLE_MAX ?? Infinity));
    if (process.env.DIFFTOWER_MUTATION_REUSE_SAMPLE !== '1') saveSample(made.sample);
    ns.currentTestId = 'suite';
    const r = await test();
    ns.currentTestId = undefined;
    send({ type: 'coverage', static: staticCovered, covered: Object.keys(ns.mutantCoverage?.perTest.suite ?? {}), ms: r.ms, baseline: r.by, sample: sample.length, outcomes: made.outcomes });
  } else {
    // A static mutant's worker was started with it active (environment); others switch here.
    if (!process.env.__STRYKER_ACTIVE_MUTANT__) ns.activeMutant = m.id;
    if (sample.length === 0) sample = loadSample().slice(0, Number(process.env.DIFFTOWER_MUTATION_SAMPLE_MAX ?? Infinity));
    const r = await test();
    send({ type: 'result', id: m.id, ...r });
  }
});
send({ type: 'ready' });
