// The comparison names the first differing field and classifies the divergence.

import { describe, expect, it } from 'vitest';
import type { Outcome } from '../core/schema.js';
import type { CallResult } from '../impls/implementation.js';
import { compareResults } from '../oracle/compare.js';

const accepted = (over: Partial<Extract<Outcome, { status: 'accepted' }>> = {}): CallResult => ({
  kind: 'outcome',
  elapsedMs: 1,
  outcome: { v: 1, status: 'accepted', state: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n], archive: [9n, 2n], blockHeaderHashes: [10n], blobFields: [11n, 12n], ...over },
});
const rejected = (code: string): CallResult => ({ kind: 'outcome', elapsedMs: 1, outcome: { v: 1, status: 'rejected', code, message: '' } });

describe('compareResults', () => {
  it('equal outcomes are no divergence', () => {
    expect(compareResults(accepted(), accepted())).toBeNull();
    expect(compareResults(rejected('E_SLOT'), rejected('E_SLOT'))).toBeNull();
  });
  it('names the first differing state field', () => {
    expect(compareResults(accepted(), accepted({ state: [1n, 2n, 3n, 4n, 5n, 99n, 7n, 8n] }))).toMatchObject({ kind: 'root', field: 'state.nullifier.nextIndex' });
    expect(compareResults(accepted(), accepted({ blockHeaderHashes: [10n, 1n] }))).toMatchObject({ kind: 'root', field: 'blockHeaderHashes[1]', right: '0x1' });
    expect(compareResults(accepted(), accepted({ blobFields: [11n, 13n] }))).toMatchObject({ field: 'blobFields[1]' });
  });
  it('classifies validity, error-code and failure divergences', () => {
    expect(compareResults(accepted(), rejected('E_TREE_FULL'))).toMatchObject({ kind: 'validity', right: 'rejected E_TREE_FULL' });
    expect(compareResults(rejected('E_SLOT'), rejected('E_TIMESTAMP'))).toMatchObject({ kind: 'error-code' });
    expect(compareResults(accepted(), { kind: 'timeout', limitMs: 5, elapsedMs: 5 })).toMatchObject({ kind: 'timeout', left: 'accepted' });
    expect(compareResults({ kind: 'crash', message: 'trap', elapsedMs: 0 }, accepted())).toMatchObject({ kind: 'crash', left: 'crash: trap' });
  });
});
