// The registry of implementations (impls/registry.ts): names are checked without loading anything,
// and what it declares for an adapter before loading it (coverage, in-process) is what the adapter
// itself says once loaded.

import { describe, expect, it } from 'vitest';
import { BUILT_IN, ImplementationNameError, makeImplementation, makeImplementations, parseImplementationList } from '../impls/registry.js';

describe('implementation registry', () => {
  it('checks names before anything is loaded', () => {
    expect(parseImplementationList('ts, rust,noir')).toEqual(['ts', 'rust', 'noir']);
    expect(parseImplementationList('ts,cmd:./my-stf --fast')).toEqual(['ts', 'cmd:./my-stf --fast']);
    expect(() => parseImplementationList('ts,foo')).toThrow(new ImplementationNameError("unknown implementation 'foo' (expected ts, rust, noir, aztec, cmd:PROGRAM [ARGS])"));
    expect(() => parseImplementationList('ts,,rust')).toThrow(/empty name/);
    expect(() => parseImplementationList('cmd: ')).toThrow(/names no program/);
  });

  it('declares each built-in adapter as it is once loaded', async () => {
    for (const e of BUILT_IN) {
      const lazy = makeImplementation(e.name, 60_000);
      const real = await e.load({ timeoutMs: 60_000 });
      try {
        expect(lazy.name, e.name).toBe(real.name);
        expect(lazy.coverage, e.name).toEqual(real.coverage);
        expect(!!lazy.inProcess, e.name).toBe(!!real.inProcess);
      } finally {
        await real.close();
        await lazy.close();
      }
    }
  });

  it('loads an adapter at its first call and then behaves as it', async () => {
    const [ts, rust] = makeImplementations('ts,rust', 60_000);
    try {
      for (const impl of [ts, rust]) expect((await impl.genesis({ profile: 'small', chainId: 31337n, version: 1n })).kind).toBe('ok');
      const a = await ts.snapshot();
      const b = await rust.snapshot();
      expect(a).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array))).toBe(true);
    } finally {
      await Promise.all([ts.close(), rust.close()]);
    }
  });
});
