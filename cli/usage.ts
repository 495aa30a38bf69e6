// Help text, generated from the command specs (cli/commands/index.ts): `difftower --help`,
// `difftower COMMAND --help`, and the usage block the README shows (test/cli-help.test.ts checks
// that the README's block is exactly usageBlock()). Continuation lines align under the first option.

import { BUILT_IN, EXTERNAL_PREFIX } from '../impls/registry.js';
import { COMMANDS } from './commands/index.js';
import type { CommandSpec } from './shared.js';

export const VERSION = '0.1.0';
const WIDTH = 100;

export const EXIT_CODES =
  'Exit codes: 0 ok; 1 a finding (divergence, rejected checkpoint, invalid proof or evidence); 2 usage error; 3 a file problem (an input file unreadable or invalid, an output path that cannot be written); 4 environment failure (a tool or service could not be used).';

/** Splits a synopsis into units that are never broken: `[...]` groups, and `--flag VALUE` pairs. */
function units(synopsis: string): string[] {
  const raw: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of synopsis) {
    if (ch === ' ' && depth === 0) {
      if (cur) raw.push(cur);
      cur = '';
      continue;
    }
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    cur += ch;
  }
  if (cur) raw.push(cur);
  const out: string[] = [];
  for (const u of raw) {
    const prev = out[out.length - 1];
    if (prev !== undefined && /^--[\w-]+$/.test(prev) && !/^[-[<]/.test(u)) out[out.length - 1] = `${prev} ${u}`;
    else out.push(u);
  }
  return out;
}

/** Greedy word wrap of `text` (split into `parts`) into lines of `width`, each after `indent`. */
function wrap(parts: string[], first: string, indent: number): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const p of parts) {
    if (!empty && line.length + 1 + p.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent) + p;
    } else {
      line += (empty ? '' : ' ') + p;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

const NAME_WIDTH = Math.max(...COMMANDS.map((c) => c.name.length));

/** `difftower NAME SYNOPSIS`, wrapped, names padded so that every command's options line up. */
export function synopsisLines(c: CommandSpec, pad = NAME_WIDTH): string[] {
  const head = `difftower ${c.name.padEnd(pad)} `;
  return wrap(units(c.synopsis), head, head.length);
}

/** Every command's synopsis: the README's "Commands" block. */
export function usageBlock(): string {
  return COMMANDS.flatMap((c) => synopsisLines(c)).join('\n');
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);
const firstSentence = (s: string) => /^.*?\.(?=\s|$)/.exec(s)?.[0] ?? s;

export function mainHelp(): string {
  return [
    `difftower ${VERSION} — multi-implementation STF checker and differential fuzzer for the Aztec rollup`,
    '',
    "Commands ('difftower COMMAND --help' shows one command's options):",
    ...COMMANDS.flatMap((c) => wrap(words(firstSentence(c.summary)), `  ${c.name.padEnd(NAME_WIDTH)}  `, NAME_WIDTH + 4)),
    '',
    'Usage:',
    ...usageBlock()
      .split('\n')
      .map((l) => `  ${l}`),
    '',
    'Options: -h, --help (also after a command) shows help; --version prints the version.',
    ...wrap(words(EXIT_CODES), '', 0),
  ].join('\n');
}

export function commandHelp(c: CommandSpec): string {
  const lines = [...synopsisLines(c, c.name.length).map((l, i) => (i === 0 ? `Usage: ${l}` : `       ${l}`)), '', ...wrap(words(c.summary), '', 0)];
  if ('impls' in c.options) {
    lines.push('', 'Implementations (--impls, comma-separated):');
    for (const e of BUILT_IN) lines.push(`  ${e.name.padEnd(22)}${e.description}`);
    lines.push(`  ${`${EXTERNAL_PREFIX}PROGRAM [ARGS]`.padEnd(22)}any program speaking impls/PROTOCOL.md`);
  }
  lines.push('', ...wrap(words(EXIT_CODES), '', 0));
  return lines.join('\n');
}
