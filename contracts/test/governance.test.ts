// The security council's own rules (>= 8 members, >= 75%), the 30-day upgrade timelock, and
// verifier/committee upgrades through it.

import { describe, expect, it } from 'vitest';
import { encodeDeployData, getAddress, keccak256, stringToHex, type Abi, type Address, type Hex } from 'viem';
import {
  ATTESTER_THRESHOLD,
  COUNCIL_THRESHOLD,
  DAY,
  account,
  councilMembers,
  dataFor,
  honestPost,
  prover,
  proposer,
  revertName,
  statementFor,
  stranger,
  useSystem,
} from './fixture.js';
import {
  attesterCommitteeAbi,
  attesterCommitteeBytecode,
  mockVerifierAbi,
  mockVerifierBytecode,
  securityCouncilAbi,
  securityCouncilBytecode,
  upgradeTimelockAbi,
} from '../generated/artifacts.gen.js';
import { decodeRevert } from '../ts/errors.js';
import { mockProof } from '../ts/signing.js';

const fx = useSystem();
const quorum = councilMembers.slice(0, COUNCIL_THRESHOLD);
const salt = keccak256(stringToHex('salt-1'));

async function deploy(abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<Address> {
  try {
    const hash = await fx.sys.walletClient.sendTransaction({ account: stranger, chain: fx.sys.chain, data: encodeDeployData({ abi, bytecode, args }) });
    const r = await fx.sys.publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== 'success') throw new Error('deployment reverted');
    return getAddress(r.contractAddress!);
  } catch (e) {
    throw decodeRevert(e) ?? e;
  }
}
const addrs = (n: number, p = 'm') => Array.from({ length: n }, (_, i) => account(`${p}-${i}`).address);
const council = (members: Address[], threshold: number) => deploy(securityCouncilAbi, securityCouncilBytecode, [members, BigInt(threshold)]);

describe('security council construction', () => {
  it('needs at least 8 members and a threshold of at least 75%', async () => {
    expect(await revertName(council(addrs(7), 7))).toBe('TooFewMembers');
    expect(await revertName(council(addrs(8), 5))).toBe('ThresholdTooLow');
    await council(addrs(8), 6); // 6 of 8 = 75%
    expect(await revertName(council(addrs(9), 6))).toBe('ThresholdTooLow'); // 66%
    await council(addrs(9), 7);
    expect(await revertName(council(addrs(8), 9))).toBe('ThresholdTooHigh');
    const dup = addrs(8);
    dup[7] = dup[0]!;
    expect(await revertName(council(dup, 6))).toBe('InvalidMember');
    const zero = addrs(8);
    zero[3] = '0x0000000000000000000000000000000000000000';
    expect(await revertName(council(zero, 6))).toBe('InvalidMember');
    expect(await fx.sys.council.read.threshold()).toBe(BigInt(COUNCIL_THRESHOLD));
    expect((await fx.sys.council.read.members()).length).toBe(8);
  });

  it('the attester committee needs 1 <= k <= n and distinct members', async () => {
    const c = (a: Address[], k: number) => deploy(attesterCommitteeAbi, attesterCommitteeBytecode, [a, BigInt(k)]);
    expect(await revertName(c(addrs(3, 'a'), 0))).toBe('InvalidThreshold');
    expect(await revertName(c(addrs(3, 'a'), 4))).toBe('InvalidThreshold');
    const dup = addrs(3, 'a');
    dup[2] = dup[1]!;
    expect(await revertName(c(dup, 2))).toBe('InvalidAttester');
  });
});

describe('security council multisig', () => {
  it('strangers cannot propose, approve or execute; members cannot approve twice or execute twice', async () => {
    const call = fx.sys.calls.schedule(fx.sys.calls.upgradeVerifier(stranger.address), salt);
    expect(await revertName(fx.sys.councilPropose(stranger, call))).toBe('NotMember');
    const { id } = await fx.sys.councilPropose(quorum[0]!, call);
    expect(await revertName(fx.sys.councilApprove(stranger, id))).toBe('NotMember');
    expect(await revertName(fx.sys.councilApprove(quorum[0]!, id))).toBe('AlreadyApproved');
    expect(await revertName(fx.sys.councilApprove(quorum[1]!, 99n))).toBe('UnknownProposal');
    for (const m of quorum.slice(1, -1)) await fx.sys.councilApprove(m, id);
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, id))).toBe('NotEnoughApprovals');
    await fx.sys.councilApprove(quorum.at(-1)!, id);
    expect(await revertName(fx.sys.councilExecute(stranger, id))).toBe('NotMember');
    await fx.sys.councilExecute(quorum[0]!, id);
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, id))).toBe('AlreadyExecuted');
    expect(await revertName(fx.sys.councilApprove(councilMembers[7]!, id))).toBe('AlreadyExecuted');
  });
});

describe('council approvals expire and can be revoked (review item 3)', () => {
  it('attack: an approval given in calm times cannot be executed by one member at a later trigger', async () => {
    // the quorum approves a prune while nothing is disputed (it cannot execute: NotTriggered)
    await fx.propose(1n, { post: honestPost(1n, 'evil') });
    // Block times follow the clock, so the proposal's block lies between these two readings.
    const before = await fx.now();
    const { id } = await fx.sys.councilPropose(quorum[0]!, fx.sys.calls.councilPrune(1n));
    const after = await fx.now();
    for (const m of quorum.slice(1)) await fx.sys.councilApprove(m, id);
    const [, , , , expiresAt] = await fx.sys.council.read.getProposal([id]);
    expect(expiresAt >= before + 3n * DAY && expiresAt <= after + 3n * DAY, `expires at ${expiresAt}, proposed between ${before} and ${after}`).toBe(true);
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, id))).toBe('NotTriggered');
    // ... days later a trigger holds (a wrong root is disputed); the stale approval is dead
    await fx.nextAt(expiresAt + 1n);
    await fx.sys.prune(stranger);
    await fx.propose(1n, { post: honestPost(1n, 'evil') });
    const s = statementFor(1n);
    await fx.sys.proveDisagreement(stranger, 1n, await mockProof(prover, fx.sys.addresses.verifier, s), s);
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, id))).toBe('ProposalExpired');
    expect(await revertName(fx.sys.councilApprove(councilMembers[7]!, id))).toBe('ProposalExpired');
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n);
    // a fresh proposal works
    await fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(1n));
    expect(await fx.sys.rollup.read.pendingTip()).toBe(0n);
  });

  it('executes up to exactly its expiry, not a second later', async () => {
    const call = fx.sys.calls.schedule(fx.sys.calls.upgradeVerifier(stranger.address), salt);
    const { id } = await fx.sys.councilPropose(quorum[0]!, call);
    for (const m of quorum.slice(1)) await fx.sys.councilApprove(m, id);
    const [, , , , expiresAt] = await fx.sys.council.read.getProposal([id]);
    const snap = await fx.test.snapshot();
    await fx.nextAt(expiresAt + 1n);
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, id))).toBe('ProposalExpired');
    await fx.test.revert({ id: snap });
    await fx.nextAt(expiresAt);
    await fx.sys.councilExecute(quorum[0]!, id);
  });

  it('a member can revoke an approval before execution; revoking twice or without approving fails', async () => {
    const call = fx.sys.calls.schedule(fx.sys.calls.upgradeVerifier(stranger.address), salt);
    const { id } = await fx.sys.councilPropose(quorum[0]!, call);
    for (const m of quorum.slice(1)) await fx.sys.councilApprove(m, id);
    await fx.sys.councilRevoke(quorum[1]!, id);
    expect(await fx.sys.council.read.hasApproved([id, quorum[1]!.address])).toBe(false);
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, id))).toBe('NotEnoughApprovals');
    expect(await revertName(fx.sys.councilRevoke(quorum[1]!, id))).toBe('NotApproved');
    expect(await revertName(fx.sys.councilRevoke(councilMembers[7]!, id))).toBe('NotApproved');
    expect(await revertName(fx.sys.councilRevoke(stranger, id))).toBe('NotMember');
    await fx.sys.councilApprove(councilMembers[7]!, id);
    await fx.sys.councilExecute(quorum[0]!, id);
    expect(await revertName(fx.sys.councilRevoke(quorum[2]!, id))).toBe('AlreadyExecuted');
  });
});

describe('upgrade timelock (30 days)', () => {
  it('only the council schedules; the upgrade is visible and executes at exactly 30 days, not a second before', async () => {
    const next = await deploy(mockVerifierAbi, mockVerifierBytecode, [prover.address, true, false]);
    const inner = fx.sys.calls.upgradeVerifier(next);
    expect(await revertName(fx.sys.send(stranger, fx.sys.calls.schedule(inner, salt)))).toBe('NotProposer');
    expect(await revertName(fx.sys.send(quorum[0]!, fx.sys.calls.schedule(inner, salt)))).toBe('NotProposer');
    const sent = await fx.sys.councilAct(quorum, fx.sys.calls.schedule(inner, salt));
    const [ev] = await fx.sys.publicClient.getContractEvents({ address: fx.sys.addresses.timelock, abi: upgradeTimelockAbi, eventName: 'Scheduled', blockHash: sent.receipt.blockHash });
    const readyAt = ev!.args.readyAt!;
    expect(readyAt).toBe((await fx.now()) + 30n * DAY);
    expect(ev!.args.target).toBe(fx.sys.addresses.gate);
    expect(ev!.args.data).toBe(inner.data);
    // the council cannot take the fast path without a trigger, nor call the gate via the timelock early
    expect(await revertName(fx.sys.councilAct(quorum, inner))).toBe('NotUpgrader');
    // keep the prover alive so that no stuck-prover trigger is in play on day 30
    await fx.nextAt(readyAt - 2n * DAY);
    await fx.propose(1n);
    await fx.proveHonest(1n);
    await fx.nextAt(readyAt - 1n);
    expect(await revertName(fx.sys.send(stranger, fx.sys.calls.executeScheduled(inner, salt)))).toBe('TooEarly');
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
    await fx.nextAt(readyAt);
    const exec = await fx.sys.send(stranger, fx.sys.calls.executeScheduled(inner, salt)); // anyone may execute
    console.log('[gas] timelock execute (verifier upgrade)', Number(exec.gasUsed));
    expect(await fx.sys.verifierAddress()).toBe(next);
    expect(await revertName(fx.sys.send(stranger, fx.sys.calls.executeScheduled(inner, salt)))).toBe('NotScheduled');
    // the new verifier is in force: proofs for the old one fail, proofs for the new one pass
    await fx.propose(2n);
    const s = statementFor(2n);
    const [, , , deadline] = await fx.sys.rollup.read.getCheckpoint([2n]);
    expect(deadline).toBeGreaterThan(await fx.now());
    const old = await mockProof(prover, fx.sys.addresses.verifier, s);
    expect(await revertName(fx.sys.submitProof(prover, 2n, old, s))).toBe('InvalidProof');
    await fx.sys.submitProof(prover, 2n, await mockProof(prover, next, s), s);
  });

  it('cancelled or never-scheduled operations cannot execute; strangers cannot cancel', async () => {
    const inner = fx.sys.calls.upgradeVerifier(stranger.address);
    expect(await revertName(fx.sys.send(stranger, fx.sys.calls.executeScheduled(inner, salt)))).toBe('NotScheduled');
    await fx.sys.councilAct(quorum, fx.sys.calls.schedule(inner, salt));
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.schedule(inner, salt)))).toBe('AlreadyScheduled');
    const id = await fx.sys.timelock.read.operationId([inner.to, inner.data, salt]);
    expect(await revertName(fx.sys.send(stranger, fx.sys.calls.cancel(id)))).toBe('NotProposer');
    await fx.sys.councilAct(quorum, fx.sys.calls.cancel(id));
    await fx.mineAt((await fx.now()) + 31n * DAY);
    expect(await revertName(fx.sys.send(stranger, fx.sys.calls.executeScheduled(inner, salt)))).toBe('NotScheduled');
  });

  it('a scheduled upgrade to an address without code fails at execution (and can be retried after a fix)', async () => {
    const inner = fx.sys.calls.upgradeVerifier(stranger.address);
    await fx.sys.councilAct(quorum, fx.sys.calls.schedule(inner, salt));
    await fx.mineAt((await fx.now()) + 30n * DAY);
    expect(await revertName(fx.sys.send(stranger, fx.sys.calls.executeScheduled(inner, salt)))).toBe('NoCode');
  });

  it('rotates the attester committee through the timelock: old attesters stop counting', async () => {
    const fresh = [account('new-att-0'), account('new-att-1'), account('new-att-2')];
    const next = await deploy(attesterCommitteeAbi, attesterCommitteeBytecode, [fresh.map((a) => a.address), 2n]);
    const inner = fx.sys.calls.upgradeCommittee(next);
    expect(await revertName(fx.sys.send(stranger, inner))).toBe('NotUpgrader');
    // the council has no fast path for the committee, even while a trigger holds (here (c))
    await fx.propose(1n, { post: honestPost(1n, 'stuck') });
    await fx.mineAt((await fx.now()) + 7n * DAY);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(true);
    expect(await revertName(fx.sys.councilAct(quorum, inner))).toBe('NotUpgrader');
    await fx.sys.prune(stranger);
    await fx.sys.councilAct(quorum, fx.sys.calls.schedule(inner, salt));
    await fx.nextAt((await fx.now()) + 30n * DAY);
    await fx.sys.send(stranger, fx.sys.calls.executeScheduled(inner, salt));
    expect(getAddress(await fx.sys.rollup.read.committee())).toBe(next);
    expect(await revertName(fx.propose(1n))).toBe('NotAttester');
    await fx.sys.propose(proposer, { data: dataFor(1n), post: honestPost(1n), attesters: fresh.slice(0, 2) });
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n);
    void ATTESTER_THRESHOLD;
  });
});

describe('verifier that returns false instead of reverting', () => {
  it('a false verdict is treated like a revert on every path', async () => {
    const quiet = await deploy(mockVerifierAbi, mockVerifierBytecode, [prover.address, false, false]);
    const inner = fx.sys.calls.upgradeVerifier(quiet);
    await fx.sys.councilAct(quorum, fx.sys.calls.schedule(inner, salt));
    await fx.nextAt((await fx.now()) + 30n * DAY);
    await fx.sys.send(stranger, fx.sys.calls.executeScheduled(inner, salt));
    await fx.propose(1n, { post: honestPost(1n, 'evil') });
    const s = statementFor(1n);
    const forged = await mockProof(stranger, quiet, s);
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, forged, s))).toBe('InvalidProof');
    expect(await revertName(fx.sys.proveSelfContradiction(stranger, { proof: forged, statement: s }, { proof: forged, statement: statementFor(1n, { post: honestPost(1n, 'evil') }) }))).toBe('InvalidProof');
    await fx.sys.proveDisagreement(stranger, 1n, await mockProof(prover, quiet, s), s);
    expect(await fx.sys.gate.read.isTriggered()).toBe(true);
  });
});
