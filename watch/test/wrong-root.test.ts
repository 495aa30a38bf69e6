// End to end on a devnet with the real HonkVerifier: a wrong root is proposed, the watchtower
// proves the correct transition and posts trigger (a), the gate triggers, the council prunes, the
// sequencer re-proposes and the chain moves on; a council member's verify-evidence confirms the
// bundle. Also measures gas per proposal, per proof and per evidence submission.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageTwoGateAbi } from '../../contracts/generated/artifacts.gen.js';
import { makeImplementations } from '../../impls/registry.js';
import { closeBarretenberg } from '../../impls/noir/src/prover.js';
import { Devnet, DEVNET } from '../devnet.js';
import { decodeEvidence } from '../evidence.js';
import { decodeProposalInput } from '../follower.js';
import { checkpointOfProposal, genesis } from '../l2.js';
import { proveTransition } from '../prove.js';
import { verifyEvidence } from '../verify.js';
import { startTower, until } from './helpers.js';

let d: Devnet;
let w: ReturnType<typeof startTower>;
const lines: string[] = [];

beforeAll(async () => {
  d = await Devnet.start({ verifier: 'honk', wrongRootEvery: 2, log: () => undefined });
  w = startTower(d, { impls: 'ts,rust,noir', operator: DEVNET.operator, lines });
});

afterAll(async () => {
  if (process.env.DEBUG_WATCH) console.log(lines.join('\n'));
  await w?.stop();
  await d?.close();
  await closeBarretenberg();
});

describe('wrong root on devnet', () => {
  it('evidence posted, gate triggered, council prunes, chain moves on; the bundle verifies', async () => {
    const p1 = await d.proposeNext();
    const p2 = await d.proposeNext();
    expect(p1.wrong).toBe(false);
    expect(p2.wrong).toBe(true);
    expect(p2.checkpoint).toBe(2);

    const rec = await until('the watchtower to post evidence for checkpoint 2', () => {
      const r = w.tower.store.checkpoint(2);
      return r?.posted?.txHash ? r : undefined;
    });
    expect(rec.verdict).toBe('wrong-root');
    expect(w.tower.store.checkpoint(1)!.verdict).toBe('ok');
    expect(await d.sys.gate.read.isTriggered()).toBe(true);
    const events = await d.sys.publicClient.getContractEvents({ address: d.sys.addresses.gate, abi: stageTwoGateAbi, eventName: 'DisagreementProven' });
    expect(events).toHaveLength(1);
    expect(events[0]!.args.checkpoint).toBe(2n);
    expect(events[0]!.args.submitter).toBe(DEVNET.operator.address);
    const evidenceGas = (await d.sys.publicClient.getTransactionReceipt({ hash: rec.posted!.txHash! })).gasUsed;

    // A council member checks the bundle alone, bound to the rollup they pin: CONFIRMED while pending.
    const bundle = decodeEvidence(readFileSync(rec.evidencePath!, 'utf8'));
    expect(bundle.submission?.txHash).toBe(rec.posted!.txHash);
    const impls = makeImplementations('ts,rust,noir', 60_000);
    const v = await verifyEvidence(bundle, impls, { rpcUrl: d.info.rpcUrl, rollup: d.info.rollup });
    expect(v.verdict, v.summary).toBe('confirmed');
    expect(v.checks.every((c) => c.ok)).toBe(true);
    expect(v.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['proof', 'proposal event', 'proposal block', 'still pending', 'submission', 'gate', 'L2 chain']));

    // The council (6 of 8) prunes the disputed checkpoint while the trigger holds.
    await d.sys.councilAct(DEVNET.council.slice(0, DEVNET.councilThreshold), d.sys.calls.councilPrune(2n));
    expect(await d.sys.rollup.read.pendingTip()).toBe(1n);

    // The sequencer notices, re-proposes 2 honestly; the watchtower agrees.
    const p3 = await d.proposeNext();
    expect(p3.checkpoint).toBe(2);
    expect(p3.wrong).toBe(false);
    const again = await until('checkpoint 2 re-judged', () => {
      const r = w.tower.store.checkpoint(2);
      return r && r.txHash === p3.txHash ? r : undefined;
    });
    expect(again.verdict).toBe('ok');
    expect(w.tower.store.findings()).toHaveLength(1);
    expect(w.tower.store.stats().evidencePosted).toBe(1);

    // After the prune the same bundle is no longer a verdict on a pending checkpoint: NOT CONFIRMED, saying what it is now.
    const later = await verifyEvidence(bundle, impls, { rpcUrl: d.info.rpcUrl, rollup: d.info.rollup, verifyProof: false });
    await Promise.all(impls.map((i) => i.close()));
    expect(later.verdict).toBe('rejected');
    expect(later.checks.find((c) => c.name === 'still pending')!.detail).toMatch(/no longer pending with this proposal: .*another post-state.*re-proposed/);

    // A proof of checkpoint 1 on the rollup (gas per proof with the real verifier).
    const tx = await w.tower.reader.txInput(p1.txHash);
    const cp1 = await w.tower.reader.checkpointOnChain(1);
    const decoded = decodeProposalInput(d.info.rollup, tx, cp1.dataHash);
    if (!decoded.ok) throw new Error(decoded.reason);
    const proof = await proveTransition(genesis().stateFile, checkpointOfProposal(decoded.data).bytes);
    const proven = await d.sys.submitProof(DEVNET.prover, 1n, proof.proof, proof.statement);
    expect(await d.sys.rollup.read.provenTip()).toBe(1n);

    const proposalGas = [p1, p2, p3].map((p) => p.gasUsed);
    console.log(
      `[gas, HonkVerifier, anvil prague] proposal ${proposalGas.join(', ')}; proof submission ${proven.gasUsed}; disagreement evidence ${evidenceGas}; ` +
        `watchtower: re-exec ${rec.timing.reexecMs.toFixed(0)} ms (${Object.entries(rec.timing.perImpl).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}), prove ${rec.timing.proveMs?.toFixed(0)} ms, verdict total ${rec.timing.totalMs.toFixed(0)} ms`,
    );
  });
});
