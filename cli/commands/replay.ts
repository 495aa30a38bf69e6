// `difftower replay <file|dir>...`: runs corpus files (findings, regressions, seeds) through every
// implementation, checks recorded expectations, and with --record writes agreed outcomes as
// regression files.

import { basename } from 'node:path';
import { caseOf, readReplayInputs, writeCaseFile } from '../../corpus/case.js';
import { replayCase } from '../../corpus/replay.js';
import type { Outcome } from '../../core/schema.js';
import type { Localization } from '../../oracle/localize.js';
import { describeFinding, Oracle } from '../../oracle/run.js';
import { makeImplementations, parseImplementationList } from '../../impls/registry.js';
import { finish, junit, reportFormatOf, type ReportCase } from '../report.js';
import { checkOutputDir, checkOutputFile, EXIT, intOf, parseCommand, UsageError } from '../shared.js';
import { REPLAY } from './index.js';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(REPLAY, args);
  if (positionals.length === 0) throw new UsageError('replay needs at least one case file, checkpoint file or directory');
  const format = reportFormatOf(values.report);
  // Names and flags are checked before any file is read.
  parseImplementationList(values.impls ?? 'ts,rust');
  const timeoutMs = intOf(values.timeout, 'timeout', 30, 1) * 1000;
  if (values['report-file']) checkOutputFile(values['report-file'], '--report-file');
  if (values.record) checkOutputDir(values.record, '--record');
  // Decode all first: a corrupt file stops before any work.
  const cases = positionals.flatMap((p) => readReplayInputs(p));
  if (cases.length === 0) throw new UsageError(`no case files (.case) or checkpoint files (.msgpack) under ${positionals.join(', ')}`);

  // An implementation that cannot run some case's profile (aztec on small) is refused up front.
  const profile = cases.some(({ c }) => c.profile === 'small') ? 'small' : 'aztec';
  const oracle = new Oracle(makeImplementations(values.impls ?? 'ts,rust', timeoutMs, profile));
  const names = oracle.impls.map((i) => i.name);
  const results: { file: string; ok: boolean; message: string; ms: number; localization?: Localization }[] = [];
  try {
    for (const { file, c } of cases) {
      const t0 = performance.now();
      const r = await replayCase(oracle, c);
      const ms = performance.now() - t0;
      let message = `${c.checkpoints.length} checkpoint(s): ${names.length} agree${c.expected ? ', as recorded' : ''}`;
      // A root divergence is narrowed to its first tx, tree and leaf (oracle/localize.ts).
      const finding = r.finding && (await oracle.localize(caseOf(c), r.finding));
      if (finding) message = `DIVERGENCE ${describeFinding(finding)}`;
      else if (r.mismatch) message = `MISMATCH with the recorded outcome at checkpoint ${r.mismatch.checkpoint}, ${r.mismatch.field}: recorded ${r.mismatch.left}, ${names[0]} ${r.mismatch.right}`;
      const ok = !r.finding && !r.mismatch;
      results.push({ file, ok, message, ms, ...(finding?.localization ? { localization: finding.localization } : {}) });
      if (!format || values['report-file']) console.log(`${ok ? 'ok  ' : 'FAIL'} ${file}: ${message}`);
      if (ok && values.record) {
        const expected = r.outcomes.filter((o): o is Outcome => o !== null);
        if (expected.length === c.checkpoints.length) {
          const out = writeCaseFile(values.record, 'regression-', { ...c, expected, meta: { ...c.meta, origin: 'regression', note: c.meta.note ?? `recorded from ${basename(file)}` } });
          console.log(`     recorded ${out}`);
        }
      }
    }
  } finally {
    await oracle.close();
  }
  const failed = results.filter((r) => !r.ok).length;
  finish(
    format,
    values['report-file'],
    {
      json: () => ({ tool: 'difftower', command: 'replay', implementations: names, cases: results.length, failed, results }),
      junit: () => junit('difftower replay', results.map((r) => ({ name: r.file, time: r.ms / 1000, failure: r.ok ? undefined : { message: r.message, details: r.message } }) satisfies ReportCase), { implementations: names.join(',') }),
    },
    `${results.length - failed}/${results.length} case(s) passed (${names.join(', ')})`,
  );
  return failed === 0 ? EXIT.ok : EXIT.finding;
}
