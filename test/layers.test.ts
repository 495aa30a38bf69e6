// The direction of dependencies (README, Layout): every relative import in the source, checked
// against the layering, so that a lower layer never reaches up (an implementation into the oracle,
// the fuzzer into the command line) and no implementation imports another's code.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'target', 'conformance']);

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Non-test source files and the files they import (relative imports, static or dynamic). */
const edges = sources(root)
  .filter((f) => !/\/test\//.test(relative(root, f)) && !relative(root, f).startsWith('test/') && !relative(root, f).startsWith('bench/'))
  .flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => ({
      from: relative(root, f),
      to: relative(root, resolve(dirname(f), m[1]!)).replace(/\.js$/, '.ts'),
    })),
  );

const IMPLEMENTATIONS = ['impls/ts/', 'impls/rust/', 'impls/noir/', 'impls/aztec/'];
const within = (p: string, ...dirs: string[]) => dirs.some((d) => p.startsWith(d));

describe('layering', () => {
  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === 'cli/commands/fuzz.ts' && e.to === 'fuzz/pool.ts')).toBe(true);
  });

  it('only the command line (and its README tooling in scripts/) imports cli/', () => {
    expect(edges.filter((e) => e.to.startsWith('cli/') && !e.from.startsWith('cli/') && !e.from.startsWith('scripts/'))).toEqual([]);
  });

  it('core/ imports nothing of difftower outside core/', () => {
    expect(edges.filter((e) => e.from.startsWith('core/') && !e.to.startsWith('core/'))).toEqual([]);
  });

  it('impls/ imports only core/ and impls/ (never the oracle, fuzzer, corpus, watchtower or CLI)', () => {
    expect(edges.filter((e) => e.from.startsWith('impls/') && !within(e.to, 'core/', 'impls/'))).toEqual([]);
  });

  it('no implementation imports another implementation', () => {
    const own = (p: string) => IMPLEMENTATIONS.find((d) => p.startsWith(d));
    expect(edges.filter((e) => own(e.from) && own(e.to) && own(e.from) !== own(e.to))).toEqual([]);
  });

  it('the oracle imports only core/, the Implementation interface and the case type', () => {
    expect(edges.filter((e) => e.from.startsWith('oracle/') && !within(e.to, 'core/', 'oracle/', 'impls/implementation.ts', 'corpus/case.ts'))).toEqual([]);
  });
});
