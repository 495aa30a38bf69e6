// Machine-readable results for CI: one JSON document, or a JUnit XML suite (one test case per
// check, a failure per finding) that CI systems render natively.

import { writeFileSync } from 'node:fs';
import { UsageError } from './shared.js';

export type ReportFormat = 'json' | 'junit';

export interface ReportCase {
  /** Test-case name, e.g. "ts vs rust: no divergence" or a corpus file. */
  name: string;
  /** Seconds spent. */
  time: number;
  /** Absent: passed. */
  failure?: { message: string; details: string };
}

export function reportFormatOf(v: string | undefined): ReportFormat | undefined {
  if (v === undefined) return undefined;
  if (v === 'json' || v === 'junit') return v;
  throw new UsageError(`--report must be json or junit, got '${v}'`);
}

const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export function junit(suite: string, cases: ReportCase[], properties: Record<string, string>): string {
  const failures = cases.filter((c) => c.failure).length;
  const time = cases.reduce((t, c) => t + c.time, 0);
  const props = Object.entries(properties).map(([k, v]) => `      <property name="${xml(k)}" value="${xml(v)}"/>`);
  const body = cases.map((c) =>
    c.failure
      ? `    <testcase classname="${xml(suite)}" name="${xml(c.name)}" time="${c.time.toFixed(3)}">\n      <failure message="${xml(c.failure.message)}">${xml(c.failure.details)}</failure>\n    </testcase>`
      : `    <testcase classname="${xml(suite)}" name="${xml(c.name)}" time="${c.time.toFixed(3)}"/>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="difftower" tests="${cases.length}" failures="${failures}" time="${time.toFixed(3)}">`,
    `  <testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failures}" errors="0" time="${time.toFixed(3)}">`,
    '    <properties>',
    ...props,
    '    </properties>',
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** JSON-safe copy: bigints as decimal strings. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n';
}

/** Writes a report to a file, or to stdout when no file is given. */
export function emit(text: string, file: string | undefined): void {
  if (file) writeFileSync(file, text);
  else process.stdout.write(text);
}

/**
 * Ends a command that may report: the report (if a format was asked for) to its file or stdout,
 * and the one-line verdict to stdout, or to stderr when stdout carries the report.
 */
export function finish(format: ReportFormat | undefined, file: string | undefined, report: { json: () => unknown; junit: () => string }, verdict: string): void {
  if (format === 'json') emit(jsonText(report.json()), file);
  else if (format === 'junit') emit(report.junit(), file);
  if (format && !file) process.stderr.write(`${verdict}\n`);
  else console.log(verdict);
}
