// Help and usage text: one source (the command specs in cli/commands/index.ts) for `--help`,
// `COMMAND --help` and the README's usage block; every option a command parses is in its usage;
// `--help` and `run` load only what they use (no timing: the modules loaded are recorded).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../cli/commands/index.js';
import { main } from '../cli/main.js';
import { usageBlock } from '../cli/usage.js';

const root = join(import.meta.dirname, '..');

/** Runs the CLI in process, capturing what it prints. */
async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const status = await main(args);
  vi.restoreAllMocks();
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

describe('help', () => {
  it("the README's command block is exactly the usage the CLI prints", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /## Commands\n\n```\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBe(usageBlock());
  });

  it("every option a command parses is in its usage line, and nothing else is", () => {
    for (const c of COMMANDS) {
      const named = new Set([...c.synopsis.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]));
      expect([...named].sort(), c.name).toEqual(Object.keys(c.options).sort());
    }
  });

  it('every command answers --help and -h with its own usage, exit 0', async () => {
    for (const c of COMMANDS) {
      for (const flag of ['--help', '-h']) {
        const r = await cli(c.name, flag);
        expect(r.status, `${c.name} ${flag}`).toBe(0);
        expect(r.stdout.startsWith(`Usage: difftower ${c.name} `), r.stdout).toBe(true);
        expect(r.stdout).toContain(c.summary.split(' ').slice(0, 4).join(' '));
      }
    }
    // Help wins over other (even wrong) arguments, as users type it after a failed command.
    expect((await cli('fuzz', '--workers', '0', '--help')).status).toBe(0);
    expect((await cli('help', 'replay')).stdout).toMatch(/^Usage: difftower replay /);
  });

  it('continuation lines of a usage align under the first option', async () => {
    let checked = 0;
    for (const text of [(await cli('--help')).stdout, (await cli('watch', '--help')).stdout, (await cli('hint-fuzz', '--help')).stdout, usageBlock()]) {
      let indent: number | null = null;
      for (const line of text.split('\n')) {
        const head = /^(\s*(?:Usage: )?difftower [\w-]+\s+)\S/.exec(line);
        if (head) indent = head[1].length;
        else if (indent !== null && /^\s+[[<-]/.test(line)) {
          expect(line.length - line.trimStart().length, line).toBe(indent);
          checked++;
        } else indent = null;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('an unknown command lists the commands, exit 2', async () => {
    const r = await cli('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate' \(expected one of fuzz, campaign, replay, report, run/);
  });
});

describe('start-up loads only what the command uses', () => {
  const trace = (...args: string[]) => {
    const file = join(mkdtempSync(join(tmpdir(), 'dt-trace-')), 'modules');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(root, 'test/fixtures/trace-imports.mjs'), join(root, 'cli/entry.ts'), ...args], {
      encoding: 'utf8', cwd: root, env: { ...process.env, DIFFTOWER_TRACE_IMPORTS: file }, timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    return [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
  };
  const heavy = ['/node_modules/effect/', '/node_modules/@aztec/bb.js/', '/node_modules/@noir-lang/', '/node_modules/viem/', '/node_modules/lmdb/', '/watch/', '/impls/noir/', '/impls/adapters/', '/fuzz/'];

  it('`difftower --help` loads no implementation, codec, watchtower or fuzzer', () => {
    const loaded = trace('--help');
    for (const h of heavy) expect(loaded.filter((u) => u.includes(h)), h).toEqual([]);
  });

  it('`difftower run` (ts, rust) loads neither Noir, bb.js, viem nor the watchtower', () => {
    const loaded = trace('run', '--checkpoints', '1');
    for (const h of ['/node_modules/@aztec/bb.js/', '/node_modules/@noir-lang/', '/node_modules/viem/', '/node_modules/lmdb/', '/watch/', '/impls/noir/', '/fuzz/']) {
      expect(loaded.filter((u) => u.includes(h)), h).toEqual([]);
    }
    expect(loaded.some((u) => u.includes('/impls/adapters/wasm.ts'))).toBe(true);
  });
});
