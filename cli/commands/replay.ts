// `difftower replay <file|dir>...`: runs corpus files (findings, regressions, seeds) through every
// implementation, checks recorded expectations, and with --record writes agreed outcomes as
// regression files.

import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { listCaseFiles, readCaseFile, writeCaseFile } from '../../corpus/case.js';
import { replayCase } from '../../corpus/replay.js';
import type { Outcome } from '../../core/schema.js';
import { describeFinding, Oracle } from '../../oracle/run.js';
import { makeImplementations } from '../implementations.js';
import { finish, junit, reportFormatOf, type ReportCase } from '../report.js';
import { EXIT, intOf, UsageError, type Command } from '../shared.js';

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      impls: { type: 'string' },
      timeout: { type: 'string' },
      report: { type: 'string' },
      'report-file': { type: 'string' },
      record: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('replay needs at least one case file or directory');
  const format = reportFormatOf(values.report);
  const files = positionals.flatMap((p) => listCaseFiles(p));
  if (files.length === 0) throw new UsageError(`no .case files under ${positionals.join(', ')}`);
  const cases = files.map((f) => ({ file: f, c: readCaseFile(f) })); // decode all first: a corrupt file stops before any work

  // An implementation that cannot run some case's profile (aztec on small) is refused up front.
  const profile = cases.some(({ c }) => c.profile === 'small') ? 'small' : 'aztec';
  const oracle = new Oracle(makeImplementations(values.impls ?? 'ts,rust', intOf(values.timeout, 'timeout', 30) * 1000, profile));
  const names = oracle.impls.map((i) => i.name);
  const results: { file: string; ok: boolean; message: string; ms: number }[] = [];
  try {
    for (const { file, c } of cases) {
      const t0 = performance.now();
      const r = await replayCase(oracle, c);
      const ms = performance.now() - t0;
      let message = `${c.checkpoints.length} checkpoint(s): ${names.length} agree${c.expected ? ', as recorded' : ''}`;
      if (r.finding) message = `DIVERGENCE ${describeFinding(r.finding)}`;
      else if (r.mismatch) message = `MISMATCH with the recorded outcome at checkpoint ${r.mismatch.checkpoint}, ${r.mismatch.field}: recorded ${r.mismatch.left}, ${names[0]} ${r.mismatch.right}`;
      const ok = !r.finding && !r.mismatch;
      results.push({ file, ok, message, ms });
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

export const replayCommand: Command = {
  name: 'replay',
  help: `replay   <file|dir>... [--impls LIST] [--report json|junit] [--report-file PATH]
                     [--record DIR] [--timeout SECONDS]
                     Run case files through every implementation; check recorded outcomes.
                     --record DIR saves agreed outcomes as regression cases. Exit 1 on any failure.`,
  run,
};
