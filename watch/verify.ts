// `difftower verify-evidence`: a council member's independent check of an evidence bundle.
// Consistency of the bundle with itself, re-execution from the bundle's pre-state with every
// implementation, the proof (bb.js), and every field bound to the chain through the rollup the
// user pins: the proposal transaction's receipt and its CheckpointProposed event (checkpoint
// number, parent hash, data hash, attested post-state, L1 block number and hash), the rollup's
// gate and L2 chain, the checkpoint still pending with that proposal, and the submission. A bundle
// is CONFIRMED only when every check passes.

import { concat, decodeEventLog, getAddress, keccak256, type Address, type Hex } from 'viem';
import { rollupAbi, stageTwoGateAbi } from '../contracts/generated/artifacts.gen.js';
import { dataHash, postHash } from '../contracts/ts/statement.js';
import { decodeChainState } from '../core/codec.js';
import type { Implementation } from '../impls/implementation.js';
import { unb64, type Evidence } from './evidence.js';
import { ChainReader, proposalDataOfEvent } from './follower.js';
import { judge } from './judge.js';
import { checkpointOfProposal, postFieldsOfState, statementOf, type ProposalData } from './l2.js';
import { verifyTransitionProof } from './prove.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface EvidenceVerdict {
  /** confirmed: the finding holds (for wrong-root with a valid proof: provable on L1). */
  verdict: 'confirmed' | 'rejected';
  summary: string;
  checks: Check[];
  reexecution: { verdict: string; reason: string; outcomes: unknown[] };
}

const eq = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());

export async function verifyEvidence(e: Evidence, impls: Implementation[], o: { rpcUrl?: string; rollup?: Address; verifyProof?: boolean } = {}): Promise<EvidenceVerdict> {
  const checks: Check[] = [];
  const data: ProposalData = { header: [...e.data.header] as Hex[], l1ToL2Messages: [...e.data.l1ToL2Messages] as Hex[], blobFields: [...e.data.blobFields] as Hex[] };
  const attestedPost = [...e.attested.post] as Hex[];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  // 1. The bundle agrees with itself.
  const stateFile = unb64(e.preState.stateFile);
  let prePost: Hex[] | null = null;
  try {
    prePost = postFieldsOfState(decodeChainState(stateFile));
  } catch (err) {
    add('pre-state file', false, `the state file does not decode: ${(err as Error).message}`);
  }
  if (prePost) {
    const pre = [e.l2.chainId, e.l2.version, ...prePost];
    add('pre-state file', eq(pre, e.preState.statement), eq(pre, e.preState.statement) ? 'the state file yields the bundle\'s pre-state fields' : 'the state file does not yield the bundle\'s pre-state fields');
    add('parent', postHash(prePost) === e.attested.parentPostHash, postHash(prePost) === e.attested.parentPostHash ? 'the pre-state is the attested post-state of the parent checkpoint' : `the pre-state hashes to ${postHash(prePost)}, the parent's attested post hash is ${e.attested.parentPostHash}`);
  }
  const dataOk = dataHash(data) === e.attested.dataHash;
  add('data', dataOk, dataOk ? 'the checkpoint data hashes to the attested data hash' : 'the checkpoint data does not hash to the attested data hash');
  add('attested post', postHash(attestedPost) === e.attested.postHash, 'the attested post-state fields hash to the attested post hash');
  if (e.checkpointBytes !== null) {
    let same = false;
    try {
      same = Buffer.from(checkpointOfProposal(data).bytes).equals(Buffer.from(unb64(e.checkpointBytes)));
    } catch {
      same = false;
    }
    add('checkpoint bytes', same, same ? 'the checkpoint bytes are the blob-form encoding of the data' : 'the checkpoint bytes are not the encoding of the data');
  }

  // 2. Re-execution with every implementation.
  const pre = Object.fromEntries(impls.map((i) => [i.name, stateFile]));
  for (const i of impls) await i.genesis({ profile: 'small', chainId: BigInt(e.l2.chainId), version: BigInt(e.l2.version) });
  const j = await judge(impls, pre, data, attestedPost);
  const names = impls.map((i) => i.name).join(', ');
  if (e.finding === 'wrong-root') {
    add('re-execution', j.verdict === 'wrong-root', j.verdict === 'wrong-root' ? `${names} agree on a post-state other than the attested one` : `re-execution says ${j.verdict}: ${j.reason}`);
    if (j.computedPost && e.computedPost) add('computed post', eq(j.computedPost, e.computedPost), eq(j.computedPost, e.computedPost) ? 'the bundle\'s computed post-state is reproduced' : 'the bundle\'s computed post-state is not reproduced');
  } else {
    add('re-execution', j.verdict === e.finding, j.verdict === e.finding ? `re-execution reproduces "${e.finding}": ${j.reason}` : `re-execution says ${j.verdict}, the bundle says ${e.finding}: ${j.reason}`);
  }

  // 3. The proof.
  if (e.proof) {
    const expected = j.computedPost ? statementOf(BigInt(e.l2.chainId), BigInt(e.l2.version), prePost ?? [], data, j.computedPost) : null;
    const matches = !!expected && eq(expected, e.proof.statement);
    add('proof statement', matches, matches ? 'the proof\'s statement is pre-state ‖ proposal data ‖ re-executed post-state' : 'the proof\'s statement is not pre-state ‖ proposal data ‖ re-executed post-state');
    const differs = postHash(e.proof.statement.slice(123) as Hex[]) !== e.attested.postHash;
    add('proof output', differs, differs ? 'the proven post-state differs from the attested one' : 'the proven post-state equals the attested one (no disagreement)');
    if (o.verifyProof !== false) {
      const v = await verifyTransitionProof({ ...e.proof, statement: e.proof.statement as Hex[], proof: e.proof.proof as Hex });
      add('proof', v.ok, v.reason);
    }
  } else if (e.finding === 'wrong-root') {
    add('proof', false, 'the bundle has no proof: the claim cannot be posted on L1 as trigger (a)');
  }

  // 4. The chain, through the rollup the USER pinned (never the bundle's own address).
  let boundToChain = false;
  if (o.rpcUrl && o.rollup) {
    try {
      boundToChain = await checkChain(e, o.rpcUrl, o.rollup, data, add);
    } catch (err) {
      add('L1', false, `could not check the chain: ${(err as Error).message.split('\n')[0]}`);
    }
  } else {
    add('L1', false, 'not checked against the chain: pass --rpc URL and --rollup ADDRESS (the rollup you follow, not the bundle\'s)');
  }

  // CONFIRMED only when every check passes, the chain checks included.
  const holds = boundToChain && checks.every((c) => c.ok);
  const summary = holds
    ? e.finding === 'wrong-root'
      ? `CONFIRMED: the attested post-state of pending checkpoint ${e.checkpoint} is wrong; ${names} agree on another one${e.proof ? ', and a valid proof of it is in the bundle (trigger (a))' : ''}. The checkpoint is still pending on L1: the council may act.`
      : `CONFIRMED: ${e.finding} at pending checkpoint ${e.checkpoint} (${j.reason}); not provable on L1 as trigger (a).`
    : `NOT CONFIRMED: ${checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ')}`;
  return { verdict: holds ? 'confirmed' : 'rejected', summary, checks, reexecution: { verdict: j.verdict, reason: j.reason, outcomes: j.outcomes } };
}

type Add = (name: string, ok: boolean, detail: string) => void;

/** The chain checks; true when they could all be made (each one's result is in `add`). */
async function checkChain(e: Evidence, rpcUrl: string, pinned: Address, data: ProposalData, add: Add): Promise<boolean> {
  const rollup = getAddress(pinned);
  const reader = new ChainReader(rpcUrl, rollup);
  const c = reader.client;
  const chainId = await reader.chainId();
  add('L1 chain', chainId === e.l1.chainId, `the RPC serves chain ${chainId}; the bundle is for chain ${e.l1.chainId}`);
  const sameRollup = e.l1.rollup.toLowerCase() === rollup.toLowerCase();
  add('rollup', sameRollup, sameRollup ? `the bundle is for the pinned rollup ${rollup}` : `the bundle names rollup ${e.l1.rollup}, you pinned ${rollup}`);
  const gate = getAddress(await c.readContract({ address: rollup, abi: rollupAbi, functionName: 'gate' }));
  add('gate', gate.toLowerCase() === e.l1.gate.toLowerCase(), `the rollup's gate is ${gate}; the bundle names ${e.l1.gate}`);
  const dep = await reader.deployment();
  const l2Ok = BigInt(e.l2.chainId) === dep.l2ChainId && BigInt(e.l2.version) === dep.l2Version;
  add('L2 chain', l2Ok, l2Ok ? `L2 chain ${dep.l2ChainId} version ${dep.l2Version}, as the rollup's Genesis event` : `the rollup is L2 chain ${dep.l2ChainId} version ${dep.l2Version}, the bundle says ${BigInt(e.l2.chainId)} version ${BigInt(e.l2.version)}`);

  // The proposal: its receipt, its block, and the rollup's event in it for this checkpoint.
  const receipt = await c.getTransactionReceipt({ hash: e.l1.proposalTx as Hex }).catch(() => null);
  if (!receipt) {
    add('proposal tx', false, `no receipt for ${e.l1.proposalTx} on this chain`);
    return true;
  }
  const block = await c.getBlock({ blockNumber: receipt.blockNumber });
  const blockOk = receipt.status === 'success' && Number(receipt.blockNumber) === e.l1.blockNumber && receipt.blockHash.toLowerCase() === e.l1.blockHash.toLowerCase() && block.hash!.toLowerCase() === receipt.blockHash.toLowerCase();
  add('proposal block', blockOk, blockOk ? `mined in L1 block ${e.l1.blockNumber} (${e.l1.blockHash.slice(0, 10)}), canonical` : `the receipt says block ${receipt.blockNumber} (${receipt.blockHash.slice(0, 10)}, status ${receipt.status}), the bundle says ${e.l1.blockNumber} (${e.l1.blockHash.slice(0, 10)})`);
  let ev: Record<string, unknown> | undefined;
  for (const l of receipt.logs) {
    if (l.address.toLowerCase() !== rollup.toLowerCase()) continue;
    try {
      const d = decodeEventLog({ abi: rollupAbi, data: l.data, topics: l.topics });
      const a = d.args as unknown as Record<string, unknown>;
      if (d.eventName === 'CheckpointProposed' && Number(a.checkpoint) === e.checkpoint) ev = a;
    } catch {
      // another event of the rollup
    }
  }
  if (!ev) {
    add('proposal event', false, `transaction ${e.l1.proposalTx} emitted no CheckpointProposed for checkpoint ${e.checkpoint} from the pinned rollup`);
    return true;
  }
  const lc = (x: unknown) => String(x).toLowerCase();
  const mismatches = [
    lc(ev.parentPostHash) !== lc(e.attested.parentPostHash) && 'parent post hash',
    lc(ev.dataHash) !== lc(e.attested.dataHash) && 'data hash',
    lc(ev.postHash) !== lc(e.attested.postHash) && 'attested post hash',
    !eq(ev.post as string[], e.attested.post) && 'attested post-state',
  ].filter(Boolean);
  const fromEvent = proposalDataOfEvent(ev);
  if (fromEvent && (!fromEvent.ok || !eq(fromEvent.data.header, data.header) || !eq(fromEvent.data.l1ToL2Messages, data.l1ToL2Messages) || !eq(fromEvent.data.blobFields, data.blobFields))) mismatches.push('data');
  add('proposal event', mismatches.length === 0, mismatches.length === 0
    ? `the rollup's CheckpointProposed event for checkpoint ${e.checkpoint} has the bundle's parent hash, data hash and attested post-state`
    : `the rollup's event for checkpoint ${e.checkpoint} differs from the bundle in: ${mismatches.join(', ')}`);

  // Still pending, with this proposal: otherwise say what it is now.
  const pending = await reader.isPending(e.checkpoint);
  const onChain = await reader.checkpointOnChain(e.checkpoint);
  const same = lc(onChain.dataHash) === lc(ev.dataHash) && lc(onChain.postHash) === lc(ev.postHash);
  let now = '';
  if (!pending || !same) {
    const provenTip = Number(await c.readContract({ address: rollup, abi: rollupAbi, functionName: 'provenTip' }));
    const pendingTip = Number(await c.readContract({ address: rollup, abi: rollupAbi, functionName: 'pendingTip' }));
    now = e.checkpoint <= provenTip ? `proven (proven tip ${provenTip})`
      : e.checkpoint > pendingTip ? `pruned (pending tip ${pendingTip})`
      : lc(onChain.dataHash) !== lc(ev.dataHash) ? `replaced by another proposal (data ${onChain.dataHash.slice(0, 10)})`
      : `it now holds another post-state (${onChain.postHash.slice(0, 10)}): re-proposed, or replaced by the council`;
  }
  add('still pending', pending && same, pending && same ? `checkpoint ${e.checkpoint} is pending on L1 with this proposal` : `checkpoint ${e.checkpoint} is no longer pending with this proposal: ${now}`);

  // The submission, when the bundle claims one.
  if (e.submission?.txHash) {
    const r = await c.getTransactionReceipt({ hash: e.submission.txHash as Hex }).catch(() => null);
    const statementHash = e.proof ? keccak256(concat(e.proof.statement as Hex[])) : null;
    const found = r?.status === 'success' && r.logs.some((l) => {
      if (l.address.toLowerCase() !== gate.toLowerCase()) return false;
      try {
        const d = decodeEventLog({ abi: stageTwoGateAbi, data: l.data, topics: l.topics });
        const a = d.args as unknown as Record<string, unknown>;
        return d.eventName === 'DisagreementProven' && Number(a.checkpoint) === e.checkpoint && (!statementHash || lc(a.statementHash) === lc(statementHash));
      } catch {
        return false;
      }
    });
    add('submission', !!found, found ? `tx ${e.submission.txHash} is the gate's DisagreementProven for this checkpoint and proof` : `tx ${e.submission.txHash} is not a DisagreementProven of the gate for checkpoint ${e.checkpoint} with this proof`);
  }
  return true;
}
