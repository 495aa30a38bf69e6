// Deliberate faults in the Rust STF (impls/rust/src/fault.rs), run through the subprocess protocol.
// One extra native build with the cargo feature `faults` holds every fault point; the environment
// variable DIFFTOWER_RUST_FAULT selects one per process. The build is cached by a hash of the Rust
// sources, so a test run compiles it at most once (.ci/run builds it before `npm test`). The
// production component (impls/rust/dist/stf.wasm) is built without the feature.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SubprocessImplementation } from '../../impls/adapters/subprocess.js';

export interface RustFault {
  /** The fault point's name in impls/rust/src/fault.rs (DIFFTOWER_RUST_FAULT). */
  name: string;
  fault: string;
}

export const RUST_FAULTS: RustFault[] = [
  { name: 'l1-to-l2-capacity', fault: 'the L1-to-L2 message tree refuses the append that fills it exactly' },
  { name: 'archive-capacity', fault: 'the archive refuses the block header that fills it exactly' },
  { name: 'note-hash-capacity', fault: "the note-hash tree refuses the tx batch that fills it exactly" },
  { name: 'nullifier-capacity', fault: 'the nullifier tree asks for one position more than the batch needs' },
  { name: 'public-data-capacity', fault: 'the public-data tree refuses a new slot in its last free position' },
  { name: 'non-canonical-uint8', fault: 'the msgpack decoder accepts a uint 8 header (0xcc) for a value below 128' },
  { name: 'map-keys-reordered-accepted', fault: 'the checkpoint decoder accepts map keys in another order than the listed one' },
  { name: 'slot-u64-truncation', fault: 'slot numbers are compared on their low 64 bits' },
  { name: 'slot-timestamp-precedence', fault: 'error precedence swapped: a header with a stale slot and a stale timestamp is E_TIMESTAMP, not E_SLOT' },
  { name: 'public-data-zero-write-dropped', fault: 'a public-data write of 0 to an existing slot is dropped' },
  { name: 'blob-trailing-data-accepted', fault: 'blob decoding accepts non-zero fields after the checkpoint end marker' },
];

const RUST = fileURLToPath(new URL('../../impls/rust/', import.meta.url));
const TARGET = join(RUST, 'target', 'faults');
export const FAULTY_RUST_BINARY = join(TARGET, 'release', 'difftower-stf-rust');

function sourceHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p.slice(RUST.length)).update(readFileSync(p));
    }
  };
  walk(join(RUST, 'src'));
  h.update(readFileSync(join(RUST, 'Cargo.toml'))).update(readFileSync(join(RUST, 'Cargo.lock')));
  return h.digest('hex');
}

/** Whether cargo can be run here (the fault tests need it unless the binary is already built). */
export function cargoAvailable(): boolean {
  try {
    execFileSync('cargo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Builds the faulty native binary unless a build of the same sources exists; returns its path. */
export function buildFaultyRust(): string {
  const stamp = join(TARGET, 'source.sha256');
  const hash = sourceHash();
  if (existsSync(FAULTY_RUST_BINARY) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return FAULTY_RUST_BINARY;
  execFileSync('cargo', ['build', '--release', '--locked', '--quiet', '--features', 'faults', '--target-dir', TARGET], { cwd: RUST, stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(stamp, hash);
  return FAULTY_RUST_BINARY;
}

/** The faulty Rust STF with one fault selected, as a subprocess implementation. */
export function rustWithFault(f: RustFault): SubprocessImplementation {
  return new SubprocessImplementation(`rust[${f.name}]`, FAULTY_RUST_BINARY, [], { env: { ...process.env, DIFFTOWER_RUST_FAULT: f.name } });
}
