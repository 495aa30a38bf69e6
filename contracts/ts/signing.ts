// Signatures the contracts check: committee attestations and MockVerifier proofs.

import { concat, encodeAbiParameters, keccak256, type Address, type Hex, type LocalAccount } from 'viem';
import { toFields, STATEMENT, type FieldLike } from './statement.js';

/**
 * Packed attestations for AttesterCommittee.verifyAttestations: each signer's 65-byte (r, s, v)
 * raw signature over `digest`, ordered by increasing signer address (the contract requires
 * strictly increasing, i.e. distinct, signers).
 */
export async function signAttestations(digest: Hex, signers: readonly LocalAccount[]): Promise<Hex> {
  const sorted = [...signers].sort((a, b) => compareAddresses(a.address, b.address));
  const sigs: Hex[] = [];
  for (const s of sorted) {
    if (!s.sign) throw new Error(`account ${s.address} cannot sign raw digests`);
    sigs.push(await s.sign({ hash: digest }));
  }
  return sigs.length === 0 ? '0x' : concat(sigs);
}

export function compareAddresses(a: Address, b: Address): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const MOCK_PROOF_DOMAIN = keccak256(new TextEncoder().encode('difftower.mock-proof.v1'));

/** MockVerifier.proofDigest(statement) for the mock deployed at `verifier`. */
export function mockProofDigest(verifier: Address, statement: readonly FieldLike[]): Hex {
  const fields = toFields(statement);
  return keccak256(
    encodeAbiParameters(
      [{ type: 'bytes32' }, { type: 'address' }, { type: 'bytes32' }],
      [MOCK_PROOF_DOMAIN, verifier, keccak256(fields.length === 0 ? '0x' : concat(fields))],
    ),
  );
}

/**
 * A MockVerifier "proof" of `statement`: the prover key's signature. Whoever holds the key decides
 * which statements have proofs (tests model a broken proof system by signing contradictions).
 */
export async function mockProof(prover: LocalAccount, verifier: Address, statement: readonly FieldLike[]): Promise<Hex> {
  if (statement.length !== STATEMENT.TOTAL) throw new RangeError(`a statement has ${STATEMENT.TOTAL} fields, got ${statement.length}`);
  if (!prover.sign) throw new Error(`account ${prover.address} cannot sign raw digests`);
  return prover.sign({ hash: mockProofDigest(verifier, statement) });
}
