// Transpiles the committed Rust STF component (impls/rust/dist/stf.wasm) into JavaScript with
// jco, into dist/rust-wasm/ (generated, not committed). Runs as part of `npm run build`.
// Usage: node scripts/transpile-component.mjs [component.wasm] [outDir]

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpileBytes } from '@bytecodealliance/jco-transpile';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const component = resolve(process.argv[2] ?? join(root, 'impls/rust/dist/stf.wasm'));
const outDir = resolve(process.argv[3] ?? join(root, 'dist/rust-wasm'));

const { files } = await transpileBytes(readFileSync(component), {
  name: 'stf',
  // `instantiate(getCoreModule, imports)`: the host makes a fresh instance after a trap.
  instantiation: { tag: 'async' },
  noTypescript: true,
  quiet: true,
});
mkdirSync(outDir, { recursive: true });
for (const [name, bytes] of Object.entries(files)) {
  mkdirSync(dirname(join(outDir, name)), { recursive: true });
  writeFileSync(join(outDir, name), bytes);
}
writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
console.log(`transpiled ${component} -> ${outDir} (${Object.keys(files).join(', ')})`);
