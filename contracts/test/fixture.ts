// Shared test fixture: one anvil per test file, the whole system deployed once, and an
// evm_snapshot/evm_revert around every test. Accounts are deterministic local keys.

import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createTestClient, http, keccak256, parseEther, stringToHex, toHex, type Hex, type LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startAnvil, type AnvilHandle } from '../ts/anvil.js';
import { deploySystem, type DifftowerSystem } from '../ts/system.js';
import { buildStatement, toField, type CheckpointData, type FieldLike } from '../ts/statement.js';
import { mockProof } from '../ts/signing.js';
import { ContractRevertError } from '../ts/errors.js';

export const PROOF_WINDOW = 3600n;
export const DAY = 86_400n;
export const L2_CHAIN_ID = 31337n;
export const L2_VERSION = 1n;

export function account(label: string): LocalAccount {
  return privateKeyToAccount(keccak256(stringToHex(`difftower-test:${label}`)));
}

export const deployer = account('deployer');
export const councilMembers = Array.from({ length: 8 }, (_, i) => account(`council-${i}`));
export const COUNCIL_THRESHOLD = 6;
export const attesters = Array.from({ length: 5 }, (_, i) => account(`attester-${i}`));
export const ATTESTER_THRESHOLD = 3;
export const prover = account('prover');
export const proposer = account('proposer');
export const stranger = account('stranger');

/** A deterministic field element from a label (below 2^253, like a BN254 element). */
export function f(label: string): bigint {
  return BigInt(keccak256(stringToHex(label))) >> 3n;
}

/** The honest post-state of checkpoint n (n = 0 is the genesis). */
export function honestPost(n: bigint, variant = ''): bigint[] {
  return Array.from({ length: 13 }, (_, i) => (i === 0 ? n : f(`post:${n}:${i}${variant}`)));
}

/** Checkpoint data for checkpoint n with `blobCount` blob fields (96 = full). */
export function dataFor(n: bigint, blobCount = 96, variant = ''): CheckpointData {
  return {
    header: [L2_CHAIN_ID, L2_VERSION, n, 1_700_000_000n + n, f(`coinbase${variant}`), f('feeRecipient'), 1n, 2n],
    l1ToL2Messages: [f(`msg:${n}:0${variant}`), f(`msg:${n}:1${variant}`)],
    blobFields: Array.from({ length: blobCount }, (_, i) => f(`blob:${n}:${i}${variant}`)),
  };
}

/** The statement of checkpoint n when the chain is honest up to n-1. */
export function statementFor(n: bigint, o: { data?: CheckpointData; post?: readonly FieldLike[]; parentPost?: readonly FieldLike[] } = {}): Hex[] {
  return buildStatement({
    l2ChainId: L2_CHAIN_ID,
    l2Version: L2_VERSION,
    parentPost: o.parentPost ?? honestPost(n - 1n),
    data: o.data ?? dataFor(n),
    post: o.post ?? honestPost(n),
  });
}

export interface Fixture {
  anvil: AnvilHandle;
  sys: DifftowerSystem;
  test: ReturnType<typeof makeTestClient>;
  /** Propose checkpoint n = pendingTip + 1 (honest data and post unless given). */
  propose(n: bigint, o?: { data?: CheckpointData; post?: readonly FieldLike[]; signers?: readonly LocalAccount[] }): ReturnType<DifftowerSystem['propose']>;
  /** A mock proof of `statement` by the fixture's prover key against the current verifier. */
  proof(statement: readonly FieldLike[], key?: LocalAccount): Promise<Hex>;
  /** Prove checkpoint n honestly. */
  proveHonest(n: bigint): ReturnType<DifftowerSystem['submitProof']>;
  now(): Promise<bigint>;
  /** Mine the next block at exactly `timestamp`. */
  mineAt(timestamp: bigint): Promise<void>;
  /** Make the next transaction's block have exactly `timestamp`. */
  nextAt(timestamp: bigint): Promise<void>;
}

function makeTestClient(rpcUrl: string) {
  return createTestClient({ mode: 'anvil', transport: http(rpcUrl) });
}

/** Register anvil + deployment + per-test snapshot hooks; returns a live fixture object. */
export function useSystem(opts: { revertOnInvalid?: boolean } = {}): Fixture {
  const fx = {} as Fixture;
  let snapshot: Hex | undefined;
  beforeAll(async () => {
    fx.anvil = await startAnvil();
    fx.test = makeTestClient(fx.anvil.rpcUrl);
    for (const a of [deployer, prover, proposer, stranger, ...councilMembers, ...attesters]) {
      await fx.test.setBalance({ address: a.address, value: parseEther('1000') });
    }
    fx.sys = await deploySystem({
      rpcUrl: fx.anvil.rpcUrl,
      deployer,
      council: { members: councilMembers.map((a) => a.address), threshold: COUNCIL_THRESHOLD },
      committee: { attesters: attesters.map((a) => a.address), threshold: ATTESTER_THRESHOLD },
      verifier: { kind: 'mock', prover: prover.address, revertOnInvalid: opts.revertOnInvalid ?? true },
      l2ChainId: L2_CHAIN_ID,
      l2Version: L2_VERSION,
      genesisPost: honestPost(0n),
      proofWindow: PROOF_WINDOW,
    });
    fx.propose = async (n, o = {}) => {
      const tip = await fx.sys.rollup.read.pendingTip();
      if (BigInt(tip) + 1n !== n) throw new Error(`fixture: proposing ${n} but pendingTip is ${tip}`);
      return fx.sys.propose(proposer, {
        data: o.data ?? dataFor(n),
        post: o.post ?? honestPost(n),
        attesters: o.signers ?? attesters.slice(0, ATTESTER_THRESHOLD),
      });
    };
    fx.proof = async (statement, key = prover) => mockProof(key, await fx.sys.verifierAddress(), statement);
    fx.proveHonest = async (n) => {
      const s = statementFor(n);
      return fx.sys.submitProof(prover, n, await fx.proof(s), s);
    };
    fx.now = async () => (await fx.sys.publicClient.getBlock()).timestamp;
    fx.mineAt = async (timestamp) => {
      await fx.test.setNextBlockTimestamp({ timestamp });
      await fx.test.mine({ blocks: 1 });
    };
    fx.nextAt = async (timestamp) => {
      await fx.test.setNextBlockTimestamp({ timestamp });
    };
  });
  beforeEach(async () => {
    snapshot = await fx.test.snapshot();
  });
  afterEach(async () => {
    if (snapshot) await fx.test.revert({ id: snapshot });
  });
  afterAll(async () => {
    await fx.anvil?.stop();
  });
  return fx;
}

/** Await `p` and return the custom error name it reverted with (fails if it did not revert). */
export async function revertName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ContractRevertError) return e.errorName;
    throw e;
  }
  throw new Error('expected a revert, but the transaction succeeded');
}

export const zeroField = toField(0n);
export { toHex };
