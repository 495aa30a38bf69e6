// The proof file difftower writes and reads (JSON, documented in impls/noir/README.md):
//
//   { "v": 1, "kind": "difftower-proof", "system": "ultrahonk", "verifierTarget": "evm",
//     "circuit": "<sha256 of the circuit's ACIR bytecode, hex>",
//     "publicInputs": ["0x<64 hex>", ... 136: the statement of spec §9],
//     "proof": "0x<hex, a multiple of 32 bytes>" }
//
// Files are untrusted: they are decoded with effect's Schema and a bad one is a typed error.

import * as Either from 'effect/Either';
import * as Schema from 'effect/Schema';
import { DecodeError, schemaIssue } from '../../../core/codec.js';
import { wrongKind } from '../../../core/file-kind.js';
import { STATEMENT } from './params.js';
import type { Proof } from './prover.js';

const Hex32 = Schema.String.pipe(Schema.pattern(/^0x[0-9a-f]{64}$/));
const HexBytes = Schema.String.pipe(Schema.pattern(/^0x([0-9a-f]{64})+$/));

export const ProofFileSchema = Schema.Struct({
  v: Schema.Literal(1),
  kind: Schema.Literal('difftower-proof'),
  system: Schema.Literal('ultrahonk'),
  verifierTarget: Schema.Literal('evm'),
  circuit: Schema.String.pipe(Schema.pattern(/^[0-9a-f]{64}$/)),
  publicInputs: Schema.Array(Hex32).pipe(Schema.itemsCount(STATEMENT.total)),
  proof: HexBytes,
});
export type ProofFileJson = typeof ProofFileSchema.Type;

export interface ProofFile extends Proof {
  circuit: string;
}

const hex32 = (v: bigint) => '0x' + v.toString(16).padStart(64, '0');

export function encodeProofFile(p: ProofFile): string {
  const json: ProofFileJson = {
    v: 1, kind: 'difftower-proof', system: 'ultrahonk', verifierTarget: 'evm', circuit: p.circuit,
    publicInputs: p.publicInputs.map(hex32), proof: '0x' + Buffer.from(p.proof).toString('hex'),
  };
  return JSON.stringify(json, null, 1) + '\n';
}

export function decodeProofFile(text: string): ProofFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DecodeError('proof file', wrongKind('proof', text) ?? `not JSON (${(err as Error).message})`);
  }
  const r = Schema.decodeUnknownEither(ProofFileSchema)(raw, { onExcessProperty: 'error' });
  if (Either.isLeft(r)) throw new DecodeError('proof file', wrongKind('proof', text) ?? schemaIssue(r.left));
  const f = r.right;
  return { circuit: f.circuit, publicInputs: f.publicInputs.map((h) => BigInt(h)), proof: new Uint8Array(Buffer.from(f.proof.slice(2), 'hex')) };
}
