// The Stage-2 gate: the three triggers, each checked on-chain, the attacks on the evidence, and
// what the council may (and may not) do with and without a trigger.

import { describe, expect, it } from 'vitest';
import { encodeDeployData, getAddress, type Address, type Hex } from 'viem';
import {
  COUNCIL_THRESHOLD,
  DAY,
  PROOF_WINDOW,
  councilMembers,
  dataFor,
  honestPost,
  prover,
  revertName,
  statementFor,
  stranger,
  useSystem,
} from './fixture.js';
import { postHash, withOutput } from '../ts/statement.js';
import { mockVerifierAbi, mockVerifierBytecode, stageTwoGateAbi } from '../generated/artifacts.gen.js';
import { mockProof } from '../ts/signing.js';

const fx = useSystem();
const quorum = councilMembers.slice(0, COUNCIL_THRESHOLD);
const gas: Record<string, bigint> = {};

/** Propose checkpoint 1 with a wrong attested post-state; return the honest statement for it. */
async function wrongRootAt1() {
  await fx.propose(1n, { post: honestPost(1n, 'evil') });
  return statementFor(1n); // same pre and data, the honest (different) output
}

async function deployMock(revertOnInvalid = true): Promise<Address> {
  const hash = await fx.sys.walletClient.sendTransaction({
    account: stranger,
    chain: fx.sys.chain,
    data: encodeDeployData({ abi: mockVerifierAbi, bytecode: mockVerifierBytecode, args: [prover.address, revertOnInvalid] }),
  });
  const r = await fx.sys.publicClient.waitForTransactionReceipt({ hash });
  return getAddress(r.contractAddress!);
}

describe('trigger (a): disagreement', () => {
  it('a valid proof of a pending checkpoint\'s pre/data with another output triggers the council', async () => {
    const s = await wrongRootAt1();
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
    const sent = await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    gas.disagreement = sent.gasUsed;
    expect(await fx.sys.gate.read.isTriggered()).toBe(true);
    expect(await fx.sys.gate.read.triggeredUntil()).toBe((await fx.now()) + 7n * DAY);
    const [ev] = await fx.sys.publicClient.getContractEvents({ address: fx.sys.addresses.gate, abi: stageTwoGateAbi, eventName: 'DisagreementProven' });
    expect(ev!.args.checkpoint).toBe(1n);
    expect(ev!.args.attestedPostHash).toBe(postHash(honestPost(1n, 'evil')));
    expect(ev!.args.provenPostHash).toBe(postHash(honestPost(1n)));
  });

  it('rejects replayed evidence, even after the trigger window', async () => {
    const s = await wrongRootAt1();
    const proof = await fx.proof(s);
    await fx.sys.proveDisagreement(stranger, 1n, proof, s);
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, proof, s))).toBe('EvidenceAlreadyUsed');
    // a different but valid proof of the same statement (malleated signature) is the same evidence
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const sHigh = N - BigInt('0x' + proof.slice(66, 130));
    const v = parseInt(proof.slice(130, 132), 16) === 27 ? '1c' : '1b';
    const malleated = (proof.slice(0, 66) + sHigh.toString(16).padStart(64, '0') + v) as Hex;
    expect(malleated).not.toBe(proof);
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, malleated, s))).toBe('EvidenceAlreadyUsed');
    await fx.mineAt((await fx.sys.gate.read.triggeredUntil()) + 1n);
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, proof, s))).toBe('EvidenceAlreadyUsed');
  });

  it('rejects forged, tampered and other-input proofs', async () => {
    const s = await wrongRootAt1();
    const good = await fx.proof(s);
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, '0xdead', s))).toBe('InvalidProof');
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s, stranger), s))).toBe('InvalidProof');
    const tampered = (good.slice(0, 20) + (good[20] === '0' ? '1' : '0') + good.slice(21)) as Hex;
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, tampered, s))).toBe('InvalidProof');
    const other = withOutput(s, honestPost(1n, 'other'));
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, await fx.proof(other), s))).toBe('InvalidProof');
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
  });

  it('rejects a proof whose inputs are not the checkpoint\'s, or whose output equals the attested one', async () => {
    const s = await wrongRootAt1();
    const otherData = statementFor(1n, { data: dataFor(1n, 96, 'x') });
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, await fx.proof(otherData), otherData))).toBe('InputsDoNotMatchCheckpoint');
    const otherPre = statementFor(1n, { parentPost: honestPost(0n, 'x') });
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, await fx.proof(otherPre), otherPre))).toBe('InputsDoNotMatchCheckpoint');
    const same = withOutput(s, honestPost(1n, 'evil'));
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, await fx.proof(same), same))).toBe('OutputMatchesAttested');
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s.slice(1)))).toBe('StatementLengthWrong');
  });

  it('rejects evidence about a proven, pruned or nonexistent checkpoint', async () => {
    // proven
    await fx.propose(1n);
    await fx.proveHonest(1n);
    const wrong1 = withOutput(statementFor(1n), honestPost(1n, 'other'));
    expect(await revertName(fx.sys.proveDisagreement(stranger, 1n, await fx.proof(wrong1), wrong1))).toBe('NotPending');
    // genesis
    expect(await revertName(fx.sys.proveDisagreement(stranger, 0n, await fx.proof(wrong1), wrong1))).toBe('NotPending');
    // pruned
    await fx.propose(2n, { post: honestPost(2n, 'evil') });
    const s2 = statementFor(2n);
    const [, , , deadline] = await fx.sys.rollup.read.getCheckpoint([2n]);
    await fx.nextAt(deadline + 1n);
    await fx.sys.prune(stranger);
    expect(await revertName(fx.sys.proveDisagreement(stranger, 2n, await fx.proof(s2), s2))).toBe('NotPending');
    // nonexistent
    const s5 = statementFor(5n);
    expect(await revertName(fx.sys.proveDisagreement(stranger, 5n, await fx.proof(s5), s5))).toBe('NotPending');
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
  });

  it('the trigger window ends after 7 days (when proofs keep flowing)', async () => {
    const s = await wrongRootAt1();
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    const until = await fx.sys.gate.read.triggeredUntil();
    // keep the prover alive: prune the disputed checkpoint after its deadline, re-propose and prove
    await fx.nextAt(until - DAY);
    await fx.sys.prune(stranger);
    await fx.propose(1n);
    await fx.proveHonest(1n);
    await fx.mineAt(until - 1n);
    expect(await fx.sys.gate.read.isTriggered()).toBe(true);
    await fx.mineAt(until);
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(1n)))).toBe('NotTriggered');
  });
});

describe('trigger (b): self-contradiction', () => {
  it('two valid proofs with the same inputs and different outputs trigger the council; replays and swaps are rejected', async () => {
    // The prover key signing both models an unsound proof system; nothing needs to be pending.
    const a = statementFor(3n);
    const b = withOutput(a, honestPost(3n, 'fork'));
    const pa = { proof: await fx.proof(a), statement: a };
    const pb = { proof: await fx.proof(b), statement: b };
    const sent = await fx.sys.proveSelfContradiction(stranger, pa, pb);
    gas.selfContradiction = sent.gasUsed;
    expect(await fx.sys.gate.read.isTriggered()).toBe(true);
    expect(await revertName(fx.sys.proveSelfContradiction(stranger, pa, pb))).toBe('EvidenceAlreadyUsed');
    expect(await revertName(fx.sys.proveSelfContradiction(stranger, pb, pa))).toBe('EvidenceAlreadyUsed');
  });

  it('rejects equal outputs, different inputs, a forged proof and a proof of other inputs', async () => {
    const a = statementFor(3n);
    const b = withOutput(a, honestPost(3n, 'fork'));
    const pa = { proof: await fx.proof(a), statement: a };
    const pb = { proof: await fx.proof(b), statement: b };
    expect(await revertName(fx.sys.proveSelfContradiction(stranger, pa, pa))).toBe('OutputsEqual');
    const c = statementFor(3n, { data: dataFor(3n, 96, 'c'), post: honestPost(3n, 'fork') });
    expect(await revertName(fx.sys.proveSelfContradiction(stranger, pa, { proof: await fx.proof(c), statement: c }))).toBe('InputsDiffer');
    expect(await revertName(fx.sys.proveSelfContradiction(stranger, pa, { proof: await fx.proof(b, stranger), statement: b }))).toBe('InvalidProof');
    expect(await revertName(fx.sys.proveSelfContradiction(stranger, { proof: pb.proof, statement: a }, pb))).toBe('InvalidProof');
    expect(await revertName(fx.sys.proveSelfContradiction(stranger, pa, { proof: pb.proof, statement: b.slice(0, 130) }))).toBe('StatementLengthWrong');
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
  });
});

describe('trigger (c): stuck prover', () => {
  it('holds from exactly 7 days after the last accepted proof (or deployment), and ends with a proof', async () => {
    const last = BigInt(await fx.sys.rollup.read.lastProofAt());
    expect(await fx.sys.gate.read.stuckFrom()).toBe(last + 7n * DAY);
    await fx.mineAt(last + 7n * DAY - 1n);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(false);
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
    await fx.mineAt(last + 7n * DAY);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(true);
    expect(await fx.sys.gate.read.isTriggered()).toBe(true);
    await fx.propose(1n);
    await fx.proveHonest(1n);
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
  });

  it('a halt is fixable on day 7: the council swaps the verifier with no delay, but not a second earlier', async () => {
    const last = BigInt(await fx.sys.rollup.read.lastProofAt());
    const next = await deployMock();
    const { id } = await fx.sys.councilPropose(quorum[0]!, fx.sys.calls.upgradeVerifier(next));
    for (const m of quorum.slice(1)) await fx.sys.councilApprove(m, id);
    await fx.nextAt(last + 7n * DAY - 1n);
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, id))).toBe('NotUpgrader');
    await fx.nextAt(last + 7n * DAY);
    const sent = await fx.sys.councilExecute(quorum[0]!, id);
    gas.fastUpgrade = sent.gasUsed;
    expect(await fx.sys.verifierAddress()).toBe(next);
  });
});

describe('council overrides', () => {
  it('without a trigger the council can neither prune, replace, nor fast-upgrade', async () => {
    await fx.propose(1n);
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(1n)))).toBe('NotTriggered');
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilReplacePost(1n, honestPost(1n, 'x'))))).toBe('NotTriggered');
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.upgradeVerifier(await deployMock())))).toBe('NotUpgrader');
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n);
  });

  it('after a disagreement the council replaces the disputed root; later checkpoints go; the honest proof then lands', async () => {
    const s = await wrongRootAt1();
    await fx.propose(2n);
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    const sent = await fx.sys.councilAct(quorum, fx.sys.calls.councilReplacePost(1n, honestPost(1n)));
    gas.councilReplace = sent.gasUsed;
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n);
    const [, ph, proposedAt, deadline] = await fx.sys.rollup.read.getCheckpoint([1n]);
    expect(ph).toBe(postHash(honestPost(1n)));
    expect(proposedAt).toBe(await fx.now());
    expect(deadline).toBe(proposedAt + PROOF_WINDOW);
    await fx.proveHonest(1n);
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
  });

  it('after a disagreement the council can prune the disputed checkpoint, but never a proven one', async () => {
    await fx.propose(1n);
    await fx.proveHonest(1n);
    await fx.propose(2n, { post: honestPost(2n, 'evil') });
    const s = statementFor(2n);
    await fx.sys.proveDisagreement(stranger, 2n, await fx.proof(s), s);
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(1n)))).toBe('NotPending');
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilReplacePost(1n, honestPost(1n, 'x'))))).toBe('NotPending');
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(3n)))).toBe('NotPending');
    const sent = await fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(2n));
    gas.councilPrune = sent.gasUsed;
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n);
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
  });

  it('while triggered the council upgrades the verifier at once; old proofs stop verifying, new ones do', async () => {
    const s = await wrongRootAt1();
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    const oldProof = await fx.proof(s);
    const next = await deployMock();
    await fx.sys.councilAct(quorum, fx.sys.calls.upgradeVerifier(next));
    expect(await fx.sys.verifierAddress()).toBe(next);
    await fx.sys.councilAct(quorum, fx.sys.calls.councilReplacePost(1n, honestPost(1n)));
    expect(await revertName(fx.sys.submitProof(prover, 1n, oldProof, s))).toBe('InvalidProof');
    await fx.sys.submitProof(prover, 1n, await mockProof(prover, next, s), s);
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
  });

  it('below threshold the council cannot act even while triggered', async () => {
    const s = await wrongRootAt1();
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    expect(await revertName(fx.sys.councilAct(councilMembers.slice(0, COUNCIL_THRESHOLD - 1), fx.sys.calls.councilPrune(1n)))).toBe('NotEnoughApprovals');
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n);
  });

  it('strangers and individual council members cannot use the council powers directly', async () => {
    const s = await wrongRootAt1();
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    const calls = [fx.sys.calls.councilPrune(1n), fx.sys.calls.councilReplacePost(1n, honestPost(1n)), fx.sys.calls.closeTrigger()];
    for (const who of [stranger, councilMembers[0]!]) {
      for (const c of calls) expect(await revertName(fx.sys.send(who, c))).toBe('NotCouncil');
      expect(await revertName(fx.sys.send(who, fx.sys.calls.upgradeVerifier(await deployMock())))).toBe('NotUpgrader');
    }
  });

  it('the council can close an evidence trigger early (but not a stuck prover)', async () => {
    const s = await wrongRootAt1();
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    await fx.sys.councilAct(quorum, fx.sys.calls.closeTrigger());
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(1n)))).toBe('NotTriggered');
    const last = BigInt(await fx.sys.rollup.read.lastProofAt());
    await fx.mineAt(last + 7n * DAY);
    await fx.sys.councilAct(quorum, fx.sys.calls.closeTrigger());
    expect(await fx.sys.gate.read.isTriggered()).toBe(true);
  });
});

describe('gas', () => {
  it('reports', () => {
    console.log('[gas] stage2', Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])));
  });
});
