// Rewrites the README's command block (between "## Commands" and the next fence) from the
// command specs in cli/commands/index.ts; test/cli-help.test.ts checks that they are identical.
// Usage: npx tsx scripts/readme-usage.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageBlock } from '../cli/usage.js';

const path = join(import.meta.dirname, '..', 'README.md');
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf('```\n', readme.indexOf('## Commands')) + 4;
const end = readme.indexOf('```', start);
writeFileSync(path, readme.slice(0, start) + usageBlock() + (usageBlock().endsWith('\n') ? '' : '\n') + readme.slice(end));
console.log('README command block regenerated');
