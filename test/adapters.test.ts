// The Implementation adapters: in-process TypeScript and subprocess agree on the same inputs, and a
// subprocess that hangs, dies or answers garbage becomes a typed result while the host carries on.

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../core/codec.js';
import { CheckpointGenerator } from '../core/generate.js';
import { InProcessTsImplementation } from '../impls/adapters/in-process-ts.js';
import { SubprocessImplementation } from '../impls/adapters/subprocess.js';
import type { Implementation } from '../impls/implementation.js';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');
const genesis = { profile: 'small' as const, chainId: 31337n, version: 1n };
const opened: Implementation[] = [];
afterAll(async () => Promise.all(opened.map((i) => i.close())));

function external(timeoutMs = 60_000) {
  const impl = new SubprocessImplementation('ts-over-stdio', tsx, [join(root, 'impls/examples/ts-over-stdio.ts')], { timeoutMs });
  opened.push(impl);
  return impl;
}
// Only a hang needs a short limit (it fires however busy the machine is); every other mode must
// answer within a limit far above its idle time, or a loaded machine turns its crash into a timeout.
function misbehaving(mode: string, timeoutMs = mode === 'hang' ? 2_000 : 60_000) {
  const impl = new SubprocessImplementation(`broken-${mode}`, process.execPath, [join(root, 'test/fixtures/misbehaving-impl.mjs'), mode], { timeoutMs });
  opened.push(impl);
  return impl;
}

describe('adapters', () => {
  it('in-process and subprocess give identical outcomes, snapshots and restores', async () => {
    const a = new InProcessTsImplementation();
    const b = external();
    expect((await a.genesis(genesis)).kind).toBe('ok');
    expect((await b.genesis(genesis)).kind).toBe('ok');
    const gen = new CheckpointGenerator({ profile: 'small', seed: 21 });
    for (let i = 0; i < 4; i++) {
      const bytes = encodeCheckpoint(gen.next());
      const [ra, rb] = [await a.apply(bytes), await b.apply(bytes)];
      expect(ra.kind).toBe('outcome');
      expect(rb.kind === 'outcome' && rb.outcome).toEqual(ra.kind === 'outcome' && ra.outcome);
    }
    const snap = await b.snapshot();
    expect(snap).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(snap as Uint8Array)).toEqual(Buffer.from((await a.snapshot()) as Uint8Array));
    // Garbage bytes are an E_MALFORMED_INPUT outcome, through both adapters.
    const junk = new Uint8Array([1, 2, 3]);
    const [ja, jb] = [await a.apply(junk), await b.apply(junk)];
    expect(ja.kind === 'outcome' && ja.outcome.status === 'rejected' && ja.outcome.code).toBe('E_MALFORMED_INPUT');
    expect(jb.kind === 'outcome' && jb.outcome).toEqual(ja.kind === 'outcome' && ja.outcome);
    // Restore into a fresh process and continue identically.
    const c = external();
    expect((await c.restore(snap as Uint8Array)).kind).toBe('ok');
    const next = encodeCheckpoint(gen.next());
    const [rc, ra2] = [await c.apply(next), await a.apply(next)];
    expect(rc.kind === 'outcome' && rc.outcome).toEqual(ra2.kind === 'outcome' && ra2.outcome);
  });

  const cp = encodeCheckpoint(new CheckpointGenerator({ profile: 'small', seed: 1 }).next());
  const failures: [string, string, RegExp][] = [
    ['hang', 'timeout', /./],
    ['exit', 'crash', /exited with code 7/],
    ['stderr-crash', 'crash', /index out of bounds/],
    ['garbage', 'protocol-error', /not msgpack/],
    ['bad-shape', 'protocol-error', /boolean "ok"/],
    ['huge-frame', 'protocol-error', /exceeds/],
  ];
  for (const [mode, kind, message] of failures) {
    it(`a subprocess that misbehaves (${mode}) is reported as ${kind}; the host carries on`, async () => {
      const impl = misbehaving(mode);
      expect((await impl.genesis(genesis)).kind).toBe('ok');
      const r = await impl.apply(cp);
      expect(r.kind).toBe(kind);
      if ('message' in r) expect(r.message).toMatch(message);
      // Still broken until the next genesis, which starts a fresh process that works again.
      expect((await impl.apply(cp)).kind).toBe(kind);
      expect((await impl.genesis(genesis)).kind).toBe('ok');
    });
  }

  it('start-up time is not answer time: the first call after a start gets the start-up allowance', async () => {
    // The program needs 1 s to load; calls must answer within 300 ms.
    const slow = (startupMs: number) => {
      const impl = new SubprocessImplementation('slow-start', process.execPath, [join(root, 'test/fixtures/misbehaving-impl.mjs'), 'slow-start'], { timeoutMs: 300, startupMs });
      opened.push(impl);
      return impl;
    };
    expect((await slow(0).genesis(genesis)).kind).toBe('timeout');
    const patient = slow(60_000);
    expect((await patient.genesis(genesis)).kind).toBe('ok');
    // The process is reused: the next call has the plain limit, and a loaded program meets it.
    expect((await patient.genesis(genesis)).kind).toBe('ok');
  });

  it('a program that cannot be started is a crash, not an exception', async () => {
    const impl = new SubprocessImplementation('missing', '/nonexistent/stf', [], { timeoutMs: 60_000 });
    opened.push(impl);
    const r = await impl.genesis(genesis);
    expect(r.kind).toBe('crash');
    expect('message' in r && r.message).toMatch(/could not run|exited/);
  });
});
