// The fault-injection suite's measurements: after a run, compare what the watchtower recorded
// with what the chain holds. One row: faults injected, proposals (canonical), judged, missed,
// duplicated, evidence posted twice, data lost. The goal is zero in the last four.

import { existsSync } from 'node:fs';
import type { Address } from 'viem';
import { rollupAbi, stageTwoGateAbi } from '../../contracts/generated/artifacts.gen.js';
import type { Devnet } from '../devnet.js';
import type { WatchStore } from '../store.js';

export interface FaultRow {
  run: string;
  faults: number;
  proposals: number;
  judged: number;
  missed: number;
  duplicated: number;
  postedTwice: number;
  dataLost: number;
}

/** Measures a finished run; `operatorTxsBefore` is the operator's nonce before it (for posted twice). */
export async function measure(run: string, faults: number, d: Devnet, store: WatchStore, o: { operator?: Address; operatorTxsBefore?: number; fromBlock?: bigint } = {}): Promise<FaultRow> {
  const pc = d.sys.publicClient;
  const proposals = await pc.getContractEvents({ address: d.info.rollup, abi: rollupAbi, eventName: 'CheckpointProposed', fromBlock: 0n });
  const seen = new Set(store.seenIds());
  const ids = proposals.map((p) => `proposed:${p.transactionHash}:${Number(p.args.checkpoint)}`);
  const judged = ids.filter((id) => seen.has(id)).length;
  const seenProposals = [...seen].filter((id) => id.startsWith('proposed:')).length;
  const findings = store.findings();
  const keys = findings.map((f) => f.key ?? `${f.seq}`);
  const duplicated = (keys.length - new Set(keys).size) + (store.stats().processed - seenProposals);

  // Data lost: a pending checkpoint whose record differs from the chain (or is missing), a finding
  // whose evidence file is gone, a canonical wrong root without its finding.
  let dataLost = 0;
  const tip = Number(await d.sys.rollup.read.pendingTip());
  for (let n = 1; n <= tip; n++) {
    const r = store.checkpoint(n);
    const [dh, ph] = await d.sys.rollup.read.getCheckpoint([BigInt(n)]);
    if (!r || r.dataHash !== dh || r.attestedPostHash !== ph) dataLost++;
  }
  dataLost += findings.filter((f) => f.evidencePath && !existsSync(f.evidencePath)).length;
  // A canonical wrong root needs its finding unless it builds on an earlier wrong root that is
  // still pending (then it is "parent-disputed": nothing can be proven about it).
  const wrong = new Set(d.proposals.filter((p) => p.wrong).map((p) => p.txHash.toLowerCase()));
  const findingKeys = new Set(keys);
  const events = await pc.getContractEvents({ address: d.info.rollup, abi: rollupAbi, fromBlock: 0n });
  let disputedFrom = Infinity;
  for (const e of events.sort((a, b) => Number(a.blockNumber - b.blockNumber) || a.logIndex - b.logIndex)) {
    const a = e.args as Record<string, unknown>;
    if (e.eventName === 'CheckpointsPruned' && Number(a.firstPruned) <= disputedFrom) disputedFrom = Infinity;
    if (e.eventName !== 'CheckpointProposed') continue;
    const n = Number(a.checkpoint);
    if (!wrong.has(e.transactionHash.toLowerCase()) || n > disputedFrom) continue;
    disputedFrom = n;
    if (!findingKeys.has(`proposal:${n}:${e.transactionHash}:wrong-root`)) dataLost++;
  }

  let postedTwice = 0;
  if (o.operator) {
    const txs = (await pc.getTransactionCount({ address: o.operator })) - (o.operatorTxsBefore ?? 0);
    const posted = (await pc.getContractEvents({ address: d.sys.addresses.gate, abi: stageTwoGateAbi, eventName: 'DisagreementProven', fromBlock: o.fromBlock ?? 0n }))
      .filter((l) => (l.args.submitter as string | undefined)?.toLowerCase() === o.operator!.toLowerCase());
    postedTwice = txs - posted.length;
  }
  return { run, faults, proposals: ids.length, judged, missed: ids.length - judged, duplicated, postedTwice, dataLost };
}

export function formatTable(rows: FaultRow[]): string {
  const head = '| run | faults injected | proposals | judged | missed | duplicated | evidence posted twice | data lost |\n|---|---|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.run} | ${r.faults} | ${r.proposals} | ${r.judged} | ${r.missed} | ${r.duplicated} | ${r.postedTwice} | ${r.dataLost} |`)].join('\n');
}
