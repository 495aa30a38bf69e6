// The rollup's normal paths and the attacks on them: proposals with committee attestations,
// proofs, pruning, and what a watcher reads back from calldata and events.

import { describe, expect, it } from 'vitest';
import { concat, encodeFunctionData, slice, type Hex } from 'viem';
import {
  ATTESTER_THRESHOLD,
  PROOF_WINDOW,
  account,
  attesters,
  dataFor,
  honestPost,
  proposer,
  prover,
  revertName,
  statementFor,
  stranger,
  useSystem,
} from './fixture.js';
import { attestationDigest, dataHash, postHash, withOutput, toFields } from '../ts/statement.js';
import { signAttestations } from '../ts/signing.js';
import { rollupAbi } from '../generated/artifacts.gen.js';

const fx = useSystem();

/** Deploy a minimal forwarder: runtime = calldatacopy; call(target, input); revert/return. */
async function deployRelay(target: Hex): Promise<Hex> {
  // runtime: CALLDATASIZE 0 0 CALLDATACOPY; 0 0 CALLDATASIZE 0 0 PUSH20 target GAS CALL;
  //          RETURNDATASIZE 0 0 RETURNDATACOPY; ok ? RETURN : REVERT
  const runtime = ('0x36600060003760006000366000600073' + target.slice(2).toLowerCase() +
    '5af13d6000803e80603357' + '3d6000fd' + '5b3d6000f3') as Hex;
  const len = (runtime.length - 2) / 2;
  // init: copy runtime (appended after the 12-byte init code) to memory and return it
  const init = ('0x61' + len.toString(16).padStart(4, '0') + '80600c6000396000f3' + runtime.slice(2)) as Hex;
  const hash = await fx.sys.walletClient.sendTransaction({ account: stranger, chain: fx.sys.chain, data: init });
  const r = await fx.sys.publicClient.waitForTransactionReceipt({ hash });
  return r.contractAddress! as Hex;
}
export const gas: Record<string, bigint> = {};

/** EIP-7623 floor of a transaction: 21000 + 10 * (zero bytes + 4 * non-zero bytes) of its input. */
async function calldataFloor(hash: Hex): Promise<bigint> {
  const tx = await fx.sys.publicClient.getTransaction({ hash });
  let tokens = 0n;
  for (let i = 2; i < tx.input.length; i += 2) tokens += tx.input.slice(i, i + 2) === '00' ? 1n : 4n;
  return 21_000n + 10n * tokens;
}

describe('proposals', () => {
  it('accepts a checkpoint with 96 blob fields and k-of-n attestations, and emits what a watcher needs', async () => {
    const sent = await fx.propose(1n);
    gas.proposal96 = sent.gasUsed;
    gas.proposal96CalldataFloor = await calldataFloor(sent.hash);
    expect(sent.checkpoint).toBe(1n);
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n);
    const [dh, ph, proposedAt, deadline] = await fx.sys.rollup.read.getCheckpoint([1n]);
    expect(dh).toBe(dataHash(dataFor(1n)));
    expect(ph).toBe(postHash(honestPost(1n)));
    expect(deadline).toBe(proposedAt + PROOF_WINDOW);

    const [p] = await fx.sys.proposals();
    expect(p!.checkpoint).toBe(1n);
    expect(p!.blobFields).toEqual(toFields(dataFor(1n).blobFields));
    expect(p!.post).toEqual(toFields(honestPost(1n)));
    expect(p!.event.archiveRoot).toBe(toFields(honestPost(1n))[11]);
    expect(p!.event.parentPostHash).toBe(postHash(honestPost(0n)));
    expect(p!.event.proposer).toBe(proposer.address);
    expect(p!.proposalId).toBe(1n);
    expect(p!.withProof).toBe(false);
  });

  it('the event carries the whole proposal even when a contract relays the call (Safe, multicall, EIP-7702)', async () => {
    // A relay contract whose runtime code forwards its calldata to the rollup (CALL with the
    // same input): the transaction's `to` is the relay, so calldata decoding cannot see it.
    const built = await fx.sys.buildProposal({ data: dataFor(1n, 5), post: honestPost(1n), attesters: attesters.slice(0, ATTESTER_THRESHOLD) });
    const relay = await deployRelay(fx.sys.addresses.rollup);
    const sent = await fx.sys.send(stranger, { to: relay, data: fx.sys.proposeCall(built).data });
    const tx = await fx.sys.publicClient.getTransaction({ hash: sent.hash });
    expect(tx.to?.toLowerCase()).toBe(relay.toLowerCase());
    const [p] = await fx.sys.proposals();
    expect(p!.checkpoint).toBe(1n);
    expect(p!.header).toEqual(toFields(dataFor(1n, 5).header));
    expect(p!.l1ToL2Messages).toEqual(toFields(dataFor(1n, 5).l1ToL2Messages));
    expect(p!.blobFields).toEqual(toFields(dataFor(1n, 5).blobFields));
    expect(p!.post).toEqual(toFields(honestPost(1n)));
    expect(p!.dataHash).toBe(dataHash(dataFor(1n, 5)));
    expect(p!.event.proposer?.toLowerCase()).toBe(relay.toLowerCase());
  });

  it('measures a proposal with 0 blob fields too, and chains proposals', async () => {
    const a = await fx.propose(1n, { data: dataFor(1n, 0) });
    gas.proposal0 = a.gasUsed;
    await fx.propose(2n);
    expect(await fx.sys.rollup.read.pendingTip()).toBe(2n);
  });

  it('announces the genesis post-state at deployment (the pre-state of checkpoint 1)', async () => {
    const [g] = await fx.sys.publicClient.getContractEvents({ address: fx.sys.addresses.rollup, abi: rollupAbi, eventName: 'Genesis', fromBlock: 0n });
    expect(g!.args.post).toEqual(toFields(honestPost(0n)));
    expect(g!.args.postHash).toBe(postHash(honestPost(0n)));
    expect(g!.args.proofWindow).toBe(PROOF_WINDOW);
  });

  it('the TS digest equals the contract digest', async () => {
    const args = { checkpoint: 7n, proposalId: 9n, parentPostHash: postHash(honestPost(6n)), dataHash: dataHash(dataFor(7n)), postHash: postHash(honestPost(7n)) };
    const onChain = await fx.sys.rollup.read.attestationDigest([args.checkpoint, args.proposalId, args.parentPostHash, args.dataHash, args.postHash]);
    expect(attestationDigest({ l1ChainId: fx.sys.l1ChainId, rollup: fx.sys.addresses.rollup, ...args })).toBe(onChain);
  });

  it('rejects fewer than k attestations', async () => {
    expect(await revertName(fx.propose(1n, { signers: attesters.slice(0, ATTESTER_THRESHOLD - 1) }))).toBe('NotEnoughAttestations');
  });

  it('rejects signatures of non-members (strangers cannot attest)', async () => {
    const signers = [...attesters.slice(0, ATTESTER_THRESHOLD - 1), stranger];
    expect(await revertName(fx.propose(1n, { signers }))).toBe('NotAttester');
  });

  it('rejects a duplicated attester and unsorted signatures', async () => {
    const built = await fx.sys.buildProposal({ data: dataFor(1n), post: honestPost(1n), attesters: attesters.slice(0, ATTESTER_THRESHOLD) });
    const sigs = [0, 1, 2].map((i) => slice(built.attestations, i * 65, (i + 1) * 65));
    const dup = concat([sigs[0]!, sigs[0]!, sigs[1]!]);
    expect(await revertName(fx.sys.send(proposer, fx.sys.proposeCall({ ...built, attestations: dup })))).toBe('SignersNotSortedOrDistinct');
    const unsorted = concat([sigs[1]!, sigs[0]!, sigs[2]!]);
    expect(await revertName(fx.sys.send(proposer, fx.sys.proposeCall({ ...built, attestations: unsorted })))).toBe('SignersNotSortedOrDistinct');
    const truncated = slice(built.attestations, 0, 3 * 65 - 1);
    expect(await revertName(fx.sys.send(proposer, fx.sys.proposeCall({ ...built, attestations: truncated })))).toBe('SignaturesLengthWrong');
  });

  it('rejects attestations over other data, another post-state, or a tampered blob field', async () => {
    const built = await fx.sys.buildProposal({ data: dataFor(1n), post: honestPost(1n), attesters: attesters.slice(0, ATTESTER_THRESHOLD) });
    const blob = [...built.blobFields];
    blob[95] = toFields([12345n])[0]!;
    expect(await revertName(fx.sys.send(proposer, fx.sys.proposeCall({ ...built, blobFields: blob })))).toBe('NotAttester');
    const post = [...built.post];
    post[11] = toFields([1n])[0]!;
    expect(await revertName(fx.sys.send(proposer, fx.sys.proposeCall({ ...built, post })))).toBe('NotAttester');
  });

  it('rejects attestations replayed from another rollup, another chain or another checkpoint number', async () => {
    const d = dataFor(1n);
    const base = { checkpoint: 1n, proposalId: 1n, parentPostHash: postHash(honestPost(0n)), dataHash: dataHash(d), postHash: postHash(honestPost(1n)) };
    const signers = attesters.slice(0, ATTESTER_THRESHOLD);
    const built = await fx.sys.buildProposal({ data: d, post: honestPost(1n), attesters: signers });
    for (const other of [
      { ...base, l1ChainId: 1, rollup: fx.sys.addresses.rollup },
      { ...base, l1ChainId: fx.sys.l1ChainId, rollup: fx.sys.addresses.gate },
      { ...base, l1ChainId: fx.sys.l1ChainId, rollup: fx.sys.addresses.rollup, checkpoint: 2n },
      { ...base, l1ChainId: fx.sys.l1ChainId, rollup: fx.sys.addresses.rollup, proposalId: 2n },
      { ...base, l1ChainId: fx.sys.l1ChainId, rollup: fx.sys.addresses.rollup, parentPostHash: postHash(honestPost(0n, 'x')) },
    ]) {
      const attestations = await signAttestations(attestationDigest(other), signers);
      expect(await revertName(fx.sys.send(proposer, fx.sys.proposeCall({ ...built, attestations })))).toBe('NotAttester');
    }
  });

  it('rejects more than 96 blob fields or 4 messages', async () => {
    const built = await fx.sys.buildProposal({ data: dataFor(1n), post: honestPost(1n), attesters: attesters.slice(0, ATTESTER_THRESHOLD) });
    const call = (blobFields: Hex[], l1ToL2Messages: Hex[]) => fx.sys.send(proposer, fx.sys.proposeCall({ ...built, blobFields, l1ToL2Messages }));
    expect(await revertName(call([...built.blobFields, built.blobFields[0]!], built.l1ToL2Messages))).toBe('TooManyBlobFields');
    expect(await revertName(call(built.blobFields, toFields([1n, 2n, 3n, 4n, 5n])))).toBe('TooManyL1ToL2Messages');
  });
});

describe('proofs', () => {
  it('a valid proof of (pre, data, post) moves the proven chain; proofs go in order', async () => {
    await fx.propose(1n);
    await fx.propose(2n);
    expect(await revertName(fx.proveHonest(2n))).toBe('NotNextToProve');
    const sent = await fx.proveHonest(1n);
    gas.proof = sent.gasUsed;
    gas.proofCalldataFloor = await calldataFloor(sent.hash);
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
    expect(await fx.sys.rollup.read.lastProofAt()).toBe(await fx.now());
    await fx.proveHonest(2n);
    expect(await fx.sys.rollup.read.provenTip()).toBe(2n);
    expect(await revertName(fx.proveHonest(2n))).toBe('NotNextToProve'); // replay
    expect(await revertName(fx.proveHonest(3n))).toBe('NotNextToProve'); // nonexistent
  });

  it('rejects a forged proof (random bytes, wrong key) and a tampered one', async () => {
    await fx.propose(1n);
    const s = statementFor(1n);
    const good = await fx.proof(s);
    expect(await revertName(fx.sys.submitProof(prover, 1n, '0x1234', s))).toBe('InvalidProof');
    expect(await revertName(fx.sys.submitProof(prover, 1n, await fx.proof(s, stranger), s))).toBe('InvalidProof');
    const tampered = (good.slice(0, 10) + (good[10] === 'a' ? 'b' : 'a') + good.slice(11)) as Hex;
    expect(await revertName(fx.sys.submitProof(prover, 1n, tampered, s))).toBe('InvalidProof');
    expect(await fx.sys.rollup.read.provenTip()).toBe(0n);
  });

  it('rejects a proof for other inputs, and a valid proof whose statement is not the checkpoint', async () => {
    await fx.propose(1n);
    const s = statementFor(1n);
    const other = statementFor(1n, { data: dataFor(1n, 96, 'other') });
    // proof of another statement presented with this one
    expect(await revertName(fx.sys.submitProof(prover, 1n, await fx.proof(other), s))).toBe('InvalidProof');
    // valid proof, but its statement is not checkpoint 1's: other data, other output, other pre-state
    expect(await revertName(fx.sys.submitProof(prover, 1n, await fx.proof(other), other))).toBe('PublicInputsMismatch');
    const wrongPost = withOutput(s, honestPost(1n, 'evil'));
    expect(await revertName(fx.sys.submitProof(prover, 1n, await fx.proof(wrongPost), wrongPost))).toBe('PublicInputsMismatch');
    const wrongPre = statementFor(1n, { parentPost: honestPost(0n, 'x') });
    expect(await revertName(fx.sys.submitProof(prover, 1n, await fx.proof(wrongPre), wrongPre))).toBe('PublicInputsMismatch');
    const wrongChain = [...s];
    wrongChain[0] = toFields([1n])[0]!;
    expect(await revertName(fx.sys.submitProof(prover, 1n, await fx.proof(wrongChain), wrongChain))).toBe('PublicInputsMismatch');
    expect(await revertName(fx.sys.submitProof(prover, 1n, await fx.proof(s), s.slice(0, 135)))).toBe('StatementLengthWrong');
    // the view a watcher uses to classify a statement
    expect(await fx.sys.rollup.read.statementRelation([1n, s])).toEqual([true, true]);
    expect(await fx.sys.rollup.read.statementRelation([1n, wrongPost])).toEqual([true, false]);
    expect(await fx.sys.rollup.read.statementRelation([1n, other])).toEqual([false, true]); // other data, same output
    expect(await fx.sys.rollup.read.statementRelation([0n, s])).toEqual([false, false]);
    expect(await fx.sys.rollup.read.statementRelation([2n, s])).toEqual([false, false]);
  });

  it('zero padding is the same statement: a proposal with unpadded messages/blob is proven by the padded statement', async () => {
    const d = dataFor(1n, 10);
    await fx.propose(1n, { data: d });
    const s = statementFor(1n, { data: d });
    await fx.sys.submitProof(prover, 1n, await fx.proof(s), s);
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
  });

  it('rejects a proof after the deadline (checkpoint is then prunable)', async () => {
    await fx.propose(1n);
    const [, , , deadline] = await fx.sys.rollup.read.getCheckpoint([1n]);
    await fx.nextAt(deadline + 1n);
    expect(await revertName(fx.proveHonest(1n))).toBe('ProofDeadlinePassed');
  });

  it('a proof at exactly the deadline is accepted', async () => {
    await fx.propose(1n);
    const [, , , deadline] = await fx.sys.rollup.read.getCheckpoint([1n]);
    await fx.nextAt(deadline);
    await fx.proveHonest(1n);
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
  });
});

describe('pruning', () => {
  it('attack (review item 2): a pruned proposal cannot be replayed at the same number (attestations are single-use)', async () => {
    const signers = attesters.slice(0, ATTESTER_THRESHOLD);
    const built = await fx.sys.buildProposal({ data: dataFor(1n), post: honestPost(1n, 'evil'), attesters: signers });
    await fx.sys.send(proposer, fx.sys.proposeCall(built));
    const [, , , deadline] = await fx.sys.rollup.read.getCheckpoint([1n]);
    await fx.nextAt(deadline + 1n);
    await fx.sys.prune(stranger);
    expect(await fx.sys.rollup.read.pendingTip()).toBe(0n);
    // same n, same parent, same data, same post: only the proposal counter moved on
    expect(await revertName(fx.sys.send(stranger, fx.sys.proposeCall(built)))).toBe('NotAttester');
    expect(await fx.sys.rollup.read.proposalCount()).toBe(1n);
    // a fresh attestation (new proposal id) is accepted
    await fx.propose(1n);
    expect(await fx.sys.rollup.read.proposalIdOf([1n])).toBe(2n);
  });

  it('rejects proposal fields >= p (non-canonical field elements)', async () => {
    const P = 21888242871839275222246405745257275088548364400416300301626234767917180553377n;
    expect(await fx.sys.rollup.read.FIELD_MODULUS()).toBe(P);
    const d = dataFor(1n, 4);
    const bad = { ...d, blobFields: [...d.blobFields.slice(0, 3), P] };
    expect(await revertName(fx.propose(1n, { data: bad }))).toBe('NonCanonicalField');
    expect(await revertName(fx.propose(1n, { post: [...honestPost(1n).slice(0, 12), P + 1n] }))).toBe('NonCanonicalField');
  });

  it('nobody can prune before the deadline; anyone can after, and the whole unproven suffix goes', async () => {
    await fx.propose(1n);
    await fx.proveHonest(1n);
    await fx.propose(2n);
    await fx.propose(3n);
    const [, , , deadline] = await fx.sys.rollup.read.getCheckpoint([2n]);
    await fx.nextAt(deadline);
    expect(await revertName(fx.sys.prune(stranger))).toBe('NothingToPrune');
    await fx.nextAt(deadline + 1n);
    await fx.sys.prune(stranger);
    expect(await fx.sys.rollup.read.pendingTip()).toBe(1n);
    expect(await fx.sys.rollup.read.provenTip()).toBe(1n);
    const [dh] = await fx.sys.rollup.read.getCheckpoint([2n]);
    expect(dh).toBe('0x' + '0'.repeat(64));
    expect(await revertName(fx.sys.prune(stranger))).toBe('NothingToPrune');
    // the chain continues from the proven tip, reusing the number
    await fx.propose(2n, { data: dataFor(2n, 96, 'again') });
    expect(await fx.sys.rollup.read.pendingTip()).toBe(2n);
  });

  it('nothing to prune on an empty pending chain', async () => {
    expect(await revertName(fx.sys.prune(stranger))).toBe('NothingToPrune');
  });
});

describe('strangers', () => {
  it('cannot call the gate-only functions of the rollup', async () => {
    const r = fx.sys.addresses.rollup;
    const post = toFields(honestPost(1n)) as unknown as readonly [Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex];
    await fx.propose(1n);
    for (const data of [
      encodeFunctionData({ abi: rollupAbi, functionName: 'setVerifier', args: [stranger.address] }),
      encodeFunctionData({ abi: rollupAbi, functionName: 'setCommittee', args: [stranger.address] }),
      encodeFunctionData({ abi: rollupAbi, functionName: 'overridePrune', args: [1n] }),
      encodeFunctionData({ abi: rollupAbi, functionName: 'overrideReplacePost', args: [1n, post] }),
    ]) {
      expect(await revertName(fx.sys.send(stranger, { to: r, data }))).toBe('NotGate');
    }
    // not even council members or the deployer
    const data = encodeFunctionData({ abi: rollupAbi, functionName: 'overridePrune', args: [1n] });
    expect(await revertName(fx.sys.send(account('council-0'), { to: r, data }))).toBe('NotGate');
  });
});

describe('gas', () => {
  it('reports', () => {
    // printed for the README; values asserted loosely so a compiler change does not break CI
    console.log('[gas] rollup', Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])));
  });
});
