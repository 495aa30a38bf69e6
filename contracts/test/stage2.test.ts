// The Stage-2 gate: the three triggers, each checked on-chain, the attacks on the evidence, and
// what the council may (and may not) do with and without a trigger.

import { describe, expect, it } from 'vitest';
import { encodeDeployData, getAddress, getContract, type Address, type Hex } from 'viem';
import {
  ATTESTER_THRESHOLD,
  COUNCIL_THRESHOLD,
  attesters,
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
import { postHash, toField, withOutput } from '../ts/statement.js';
import { deploySystem } from '../ts/system.js';
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
    data: encodeDeployData({ abi: mockVerifierAbi, bytecode: mockVerifierBytecode, args: [prover.address, revertOnInvalid, false] }),
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
    // (a) opens a dispute on this proposal of checkpoint 1 only: no broad powers
    expect(await fx.sys.gate.read.isDisputed([1n])).toBe(true);
    expect(await fx.sys.gate.read.hasBroadPowers()).toBe(false);
    const [checkpoint, until, , proven] = await fx.sys.gate.read.disputes([await fx.sys.rollup.read.proposalIdOf([1n])]);
    expect([checkpoint, until, proven]).toEqual([1n, (await fx.now()) + 7n * DAY, postHash(honestPost(1n))]);
  });

  it('attack (review item 2): a wrong root re-attested after a prune can be disputed again (no EvidenceAlreadyUsed blinding)', async () => {
    const s = await wrongRootAt1();
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    const [, , , deadline] = await fx.sys.rollup.read.getCheckpoint([1n]);
    await fx.nextAt(deadline + 1n);
    await fx.sys.prune(stranger);
    await fx.propose(1n, { post: honestPost(1n, 'evil') }); // the committee signs it again: a new proposal
    expect(await fx.sys.gate.read.isDisputed([1n])).toBe(false); // the old dispute does not carry over
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    expect(await fx.sys.gate.read.isDisputed([1n])).toBe(true);
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
    await fx.propose(2n);
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(2n)))).toBe('NotTriggered');
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
    expect(await fx.sys.gate.read.isUnsound()).toBe(true);
    expect(await fx.sys.gate.read.hasBroadPowers()).toBe(true);
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
  it('attack (review item 1): does not count while nothing is pending, so a silent committee cannot manufacture it', async () => {
    const last = BigInt(await fx.sys.rollup.read.lastProofAt());
    await fx.mineAt(last + 30n * DAY);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(false);
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
    expect(await fx.sys.gate.read.stuckFrom()).toBe(0n);
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.upgradeVerifier(await deployMock())))).toBe('NotUpgrader');
    // a proposal after the idle month does not make it hold at once: the clock starts now
    await fx.propose(1n);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(false);
    expect(await fx.sys.gate.read.stuckFrom()).toBe((await fx.now()) + 7n * DAY);
  });

  it('holds after exactly 7 days of pending without a proof (not a second earlier) and ends with a proof', async () => {
    await fx.propose(1n, { post: honestPost(1n, 'unprovable') });
    const t0 = await fx.now();
    await fx.mineAt(t0 + 7n * DAY - 1n);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(false);
    await fx.mineAt(t0 + 7n * DAY);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(true);
    expect(await fx.sys.gate.read.hasBroadPowers()).toBe(true);
    await fx.sys.prune(stranger);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(false); // nothing pending
    await fx.propose(1n);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(true); // the accrued 7 days still count
    await fx.proveHonest(1n);
    expect(await fx.sys.gate.read.isTriggered()).toBe(false);
    expect(await fx.sys.rollup.read.stuckFor()).toBe(0n);
  });

  it('idle stretches between prunes and proposals do not count', async () => {
    await fx.propose(1n, { post: honestPost(1n, 'unprovable') });
    const t0 = await fx.now();
    await fx.nextAt(t0 + DAY);
    await fx.sys.prune(stranger); // 1 day pending
    await fx.nextAt(t0 + 20n * DAY);
    await fx.propose(1n, { post: honestPost(1n, 'unprovable') });
    const t1 = await fx.now();
    expect(await fx.sys.gate.read.stuckFrom()).toBe(t1 + 6n * DAY);
    await fx.mineAt(t1 + 6n * DAY - 1n);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(false);
    await fx.mineAt(t1 + 6n * DAY);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(true);
  });

  it('a silent committee cannot hold the chain: after 3 days without a proof anyone appends a proven checkpoint', async () => {
    const last = BigInt(await fx.sys.rollup.read.lastProofAt());
    const s = statementFor(1n);
    const call = { data: dataFor(1n), post: honestPost(1n), proof: await fx.proof(s), statement: s };
    await fx.nextAt(last + 3n * DAY - 1n);
    expect(await revertName(fx.sys.proposeWithProof(stranger, call))).toBe('SelfProposeNotOpen');
    await fx.nextAt(last + 3n * DAY);
    const sent = await fx.sys.proposeWithProof(stranger, call);
    gas.proposeWithProof = sent.gasUsed;
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
    const [p] = await fx.sys.proposals();
    expect(p!.withProof).toBe(true);
    expect(p!.event.proposer).toBe(stranger.address);
    // it needs a valid proof of exactly that checkpoint
    const s2 = statementFor(2n);
    await fx.nextAt((await fx.now()) + 3n * DAY);
    const wrong = withOutput(s2, honestPost(2n, 'evil'));
    const bad = { data: dataFor(2n), post: honestPost(2n, 'evil'), proof: await fx.proof(s2), statement: wrong };
    expect(await revertName(fx.sys.proposeWithProof(stranger, bad))).toBe('InvalidProof');
    expect(await revertName(fx.sys.proposeWithProof(stranger, { ...bad, statement: s2 }))).toBe('PublicInputsMismatch');
  });

  it('attack (review item 1): an obstructing committee (unprovable roots kept pending) cannot run the clock to 7 days', async () => {
    await fx.propose(1n, { post: honestPost(1n, 'evil') });
    await fx.propose(2n, { post: honestPost(2n, 'evil') });
    const last = BigInt(await fx.sys.rollup.read.lastProofAt());
    await fx.nextAt(last + 3n * DAY);
    const s = statementFor(1n);
    await fx.sys.proposeWithProof(stranger, { data: dataFor(1n), post: honestPost(1n), proof: await fx.proof(s), statement: s });
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n); // the unproven suffix went
    await fx.mineAt(last + 7n * DAY);
    expect(await fx.sys.gate.read.isProverStuck()).toBe(false);
  });

  it('a halt is fixable on day 7: the council swaps the verifier with no delay, but not a second earlier', async () => {
    await fx.propose(1n, { post: honestPost(1n, 'unprovable') });
    const t0 = await fx.now();
    const next = await deployMock();
    const { id } = await fx.sys.councilPropose(quorum[0]!, fx.sys.calls.upgradeVerifier(next));
    for (const m of quorum.slice(1)) await fx.sys.councilApprove(m, id);
    // the council proposal must still be alive on day 7: make a fresh one near the deadline
    await fx.nextAt(t0 + 7n * DAY - 10n);
    const fresh = await fx.sys.councilPropose(quorum[0]!, fx.sys.calls.upgradeVerifier(next));
    for (const m of quorum.slice(1)) await fx.sys.councilApprove(m, fresh.id);
    await fx.nextAt(t0 + 7n * DAY - 1n);
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, fresh.id))).toBe('NotUpgrader');
    expect(await revertName(fx.sys.councilExecute(quorum[0]!, id))).toBe('ProposalExpired');
    await fx.nextAt(t0 + 7n * DAY);
    const sent = await fx.sys.councilExecute(quorum[0]!, fresh.id);
    gas.fastUpgrade = sent.gasUsed;
    expect(await fx.sys.verifierAddress()).toBe(next);
  });
});

describe('trigger powers are scoped (review item 1)', () => {
  it('attack: (a) alone gives no upgrade power: a committee-made dispute cannot open the fast path', async () => {
    const s = await wrongRootAt1();
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.upgradeVerifier(await deployMock())))).toBe('NotUpgrader');
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.upgradeCommittee(stranger.address)))).toBe('NotUpgrader');
  });

  it('attack: under (a) the council touches only the disputed checkpoint, and may only adopt the proven output', async () => {
    await fx.propose(1n);
    await fx.propose(2n, { post: honestPost(2n, 'evil') });
    const s2 = statementFor(2n);
    await fx.sys.proveDisagreement(stranger, 2n, await fx.proof(s2), s2);
    await fx.propose(3n);
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(3n)))).toBe('NotDisputed');
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(1n)))).toBe('NotDisputed');
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilReplacePost(1n, honestPost(1n, 'x'))))).toBe('NotDisputed');
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.councilReplacePost(2n, honestPost(2n, 'council-choice'))))).toBe('NotProvenOutput');
    await fx.sys.councilAct(quorum, fx.sys.calls.councilReplacePost(2n, honestPost(2n)));
    expect(await fx.sys.rollup.read.pendingTip()).toBe(2n); // 3 built on the wrong root: dropped
    const [, ph] = await fx.sys.rollup.read.getCheckpoint([2n]);
    expect(ph).toBe(postHash(honestPost(2n)));
  });

  it('under (b) the council upgrades the verifier at once and may override any pending checkpoint', async () => {
    await fx.propose(1n);
    const a = statementFor(3n);
    const b = withOutput(a, honestPost(3n, 'fork'));
    await fx.sys.proveSelfContradiction(stranger, { proof: await fx.proof(a), statement: a }, { proof: await fx.proof(b), statement: b });
    const next = await deployMock();
    await fx.sys.councilAct(quorum, fx.sys.calls.upgradeVerifier(next));
    expect(await fx.sys.verifierAddress()).toBe(next);
    await fx.sys.councilAct(quorum, fx.sys.calls.councilPrune(1n));
    expect(await fx.sys.rollup.read.pendingTip()).toBe(0n);
    // committee rotation is never a council fast path
    expect(await revertName(fx.sys.councilAct(quorum, fx.sys.calls.upgradeCommittee(stranger.address)))).toBe('NotUpgrader');
  });
});

describe('public inputs >= p (review item 4)', () => {
  it('cannot fake (a) or (b), even with a verifier that reduces its inputs mod p', async () => {
    const P = 21888242871839275222246405745257275088548364400416300301626234767917180553377n;
    const sys = await deploySystem({
      rpcUrl: fx.anvil.rpcUrl,
      deployer: stranger,
      council: { members: councilMembers.map((a) => a.address), threshold: COUNCIL_THRESHOLD },
      committee: { attesters: attesters.map((a) => a.address), threshold: ATTESTER_THRESHOLD },
      verifier: { kind: 'mock', prover: prover.address, reduceModP: true },
      genesisPost: honestPost(0n),
      proofWindow: PROOF_WINDOW,
    });
    await sys.propose(stranger, { data: dataFor(1n), post: honestPost(1n), attesters: attesters.slice(0, ATTESTER_THRESHOLD) });
    const s = statementFor(1n); // the honest checkpoint's statement
    const proof = await mockProof(prover, sys.addresses.verifier, s);
    const aliased = [...s];
    aliased[123] = toField(BigInt(s[123]!) + P); // the same field element, other bytes
    // the verifier really is fooled: one proof, two byte-different statements
    const v = getContract({ address: sys.addresses.verifier, abi: mockVerifierAbi, client: sys.publicClient });
    expect(await v.read.verify([proof, s])).toBe(true);
    expect(await v.read.verify([proof, aliased])).toBe(true);
    // (a): "disagrees" with the honest attested root only as bytes
    expect(await revertName(sys.proveDisagreement(stranger, 1n, proof, aliased))).toBe('NonCanonicalField');
    // (b): "contradicts" the honest proof only as bytes
    expect(await revertName(sys.proveSelfContradiction(stranger, { proof, statement: s }, { proof, statement: aliased }))).toBe('NonCanonicalField');
    // an aliased input field is rejected too
    const aliasedInput = [...s];
    aliasedInput[20] = toField(BigInt(s[20]!) + P);
    expect(await revertName(sys.proveDisagreement(stranger, 1n, proof, aliasedInput))).toBe('NonCanonicalField');
    expect(await sys.gate.read.isTriggered()).toBe(false);
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

  it('under (b) the council upgrades the verifier at once; old proofs stop verifying, new ones do', async () => {
    const s = await wrongRootAt1();
    await fx.sys.proveDisagreement(stranger, 1n, await fx.proof(s), s);
    const b = withOutput(s, honestPost(1n, 'fork'));
    await fx.sys.proveSelfContradiction(stranger, { proof: await fx.proof(s), statement: s }, { proof: await fx.proof(b), statement: b });
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
    const t0 = (await fx.sys.rollup.read.getCheckpoint([1n]))[2];
    await fx.mineAt(t0 + 7n * DAY);
    await fx.sys.councilAct(quorum, fx.sys.calls.closeTrigger());
    expect(await fx.sys.gate.read.isTriggered()).toBe(true);
  });
});

describe('gas', () => {
  it('reports', () => {
    console.log('[gas] stage2', Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])));
  });
});
