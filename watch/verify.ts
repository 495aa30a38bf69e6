// `difftower verify-evidence`: a council member's independent check of an evidence bundle.
// Consistency of the bundle with itself, re-execution from the bundle's pre-state with every
// implementation, the proof (bb.js), and, given an RPC, the proposal on chain.

import { getAddress, type Address, type Hex } from 'viem';
import { rollupAbi } from '../contracts/src/artifacts.gen.js';
import { dataHash, postHash } from '../contracts/src/statement.js';
import { decodeChainState } from '../core/codec.js';
import type { Implementation } from '../impls/implementation.js';
import { unb64, type Evidence } from './evidence.js';
import { ChainReader, decodeProposalInput } from './follower.js';
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

export async function verifyEvidence(e: Evidence, impls: Implementation[], o: { rpcUrl?: string; verifyProof?: boolean } = {}): Promise<EvidenceVerdict> {
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
  const dataOk = e.finding === 'malformed-proposal' || dataHash(data) === e.attested.dataHash;
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

  // 4. The chain.
  if (o.rpcUrl) {
    try {
      const reader = new ChainReader(o.rpcUrl, getAddress(e.l1.rollup) as Address);
      const chainId = await reader.chainId();
      add('L1 chain', chainId === e.l1.chainId, `the RPC serves chain ${chainId}; the bundle is for chain ${e.l1.chainId}`);
      const tx = await reader.txInput(e.l1.proposalTx as Hex);
      const decoded = decodeProposalInput(reader.rollup, tx, e.attested.dataHash as Hex);
      if (e.finding === 'malformed-proposal') add('proposal tx', true, 'the proposal transaction exists');
      else add('proposal tx', decoded.ok && eq(decoded.data.blobFields, e.data.blobFields) && eq(decoded.data.header, e.data.header), decoded.ok ? 'the proposal transaction carries the bundle\'s data' : decoded.reason);
      const pending = await reader.isPending(e.checkpoint);
      const onChain = await reader.client.readContract({ address: reader.rollup, abi: rollupAbi, functionName: 'getCheckpoint', args: [BigInt(e.checkpoint)] });
      const same = pending && onChain[0].toLowerCase() === e.attested.dataHash.toLowerCase() && onChain[1].toLowerCase() === e.attested.postHash.toLowerCase();
      add('still pending', same, same ? `checkpoint ${e.checkpoint} is pending on L1 with the bundle's data hash and attested post hash` : pending ? `checkpoint ${e.checkpoint} is pending with other data or another post-state (data ${onChain[0]}, post ${onChain[1]})` : `checkpoint ${e.checkpoint} is no longer pending (proven or pruned)`);
    } catch (err) {
      add('L1', false, `could not check the chain: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  const essential = checks.filter((c) => c.name !== 'still pending');
  const holds = essential.every((c) => c.ok);
  const pendingNote = checks.find((c) => c.name === 'still pending');
  const summary = holds
    ? e.finding === 'wrong-root'
      ? `CONFIRMED: the attested post-state of checkpoint ${e.checkpoint} is wrong; ${names} agree on another one${e.proof ? ', and a valid proof of it is in the bundle (trigger (a))' : ''}.${pendingNote ? pendingNote.ok ? ' The checkpoint is still pending on L1: the council may act.' : ` ${pendingNote.detail}.` : ''}`
      : `CONFIRMED: ${e.finding} at checkpoint ${e.checkpoint} (${j.reason}); not provable on L1 as trigger (a).`
    : `NOT CONFIRMED: ${essential.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ')}`;
  return { verdict: holds ? 'confirmed' : 'rejected', summary, checks, reexecution: { verdict: j.verdict, reason: j.reason, outcomes: j.outcomes } };
}
