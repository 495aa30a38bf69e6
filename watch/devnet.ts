// `difftower devnet`: anvil, the L1 contracts, and a sequencer that proposes generated
// `small`-profile checkpoints (one tx a block, what the Noir circuit proves) with committee
// attestations, optionally with a wrong post-state every N proposals.
//
// Eras. A small-profile chain is full after 8 checkpoints (the L1-to-L2 tree has height 5 and every
// checkpoint appends 4 padded messages, spec §3, §5.2), so the sequencer cannot go on forever from
// one genesis. When the next generated checkpoint is rejected (E_TREE_FULL), the devnet lets the
// proof window pass on anvil (evm_increaseTime), calls `prune()` (the rollup's normal path for
// unproven checkpoints) and starts a new era from the proven tip with a new seed. A watchtower sees
// ordinary prunes and re-proposals of the same checkpoint numbers.
//
// The sequencer follows the chain: if checkpoints were pruned (by the council, after evidence),
// it rewinds to the pending tip and proposes again (honestly unless the wrong-root rule says
// otherwise), so "the chain moves on".
//
// Keys are derived from public labels (`difftower-devnet:<label>`): devnet only.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTestClient, http, keccak256, parseEther, stringToHex, type Address, type Hex, type LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startAnvil, type AnvilHandle } from '../contracts/ts/anvil.js';
import { stageTwoGateAbi } from '../contracts/generated/artifacts.gen.js';
import { deploySystem, type DifftowerSystem } from '../contracts/ts/system.js';
import { toField } from '../contracts/ts/statement.js';
import { decodeChainState, encodeChainState } from '../core/codec.js';
import { FIELD_MODULUS } from '../core/params.js';
import { CheckpointGenerator } from '../core/generate.js';
import type { ChainStateFile } from '../core/schema.js';
import { ChainState, fromStateFile, toStateFile } from '../impls/ts/src/index.js';
import { deployHonkVerifier } from '../impls/noir/src/honk-verifier.js';
import { genesis, postFieldsOfChainState, proposalDataOf } from './l2.js';

export const DEVNET_KEY_PREFIX = 'difftower-devnet:';

export function devnetAccount(label: string): LocalAccount {
  return privateKeyToAccount(keccak256(stringToHex(`${DEVNET_KEY_PREFIX}${label}`)));
}

export function devnetKey(label: string): Hex {
  return keccak256(stringToHex(`${DEVNET_KEY_PREFIX}${label}`));
}

export const DEVNET = {
  deployer: devnetAccount('deployer'),
  proposer: devnetAccount('proposer'),
  operator: devnetAccount('operator'),
  prover: devnetAccount('prover'),
  attesters: Array.from({ length: 5 }, (_, i) => devnetAccount(`attester-${i}`)),
  attesterThreshold: 3,
  council: Array.from({ length: 8 }, (_, i) => devnetAccount(`council-${i}`)),
  councilThreshold: 6,
};

export interface DevnetOptions {
  /** L1 RPC port (0: any free port). */
  port?: number;
  verifier?: 'honk' | 'mock';
  proofWindow?: number;
  seed?: bigint;
  /** Every Nth proposal carries a wrong post-state (0: never). */
  wrongRootEvery?: number;
  l2ChainId?: bigint;
  l2Version?: bigint;
  /**
   * Pace the sequencer to the watchtower: after a wrong root, propose nothing until evidence for it
   * is on L1 (or `paceTimeoutMs` passes), then act as the council and prune it, so every wrong root
   * has an honest parent and gets its evidence even on a slow machine. Default false (the library);
   * `difftower devnet` turns it on with --wrong-root-every.
   */
  pace?: boolean;
  paceTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface DevnetInfo {
  rpcUrl: string;
  l1ChainId: number;
  rollup: Address;
  addresses: DifftowerSystem['addresses'];
  verifier: 'honk' | 'mock';
  proofWindow: number;
}

interface Local {
  state: Uint8Array;
  post: Hex[];
}

export interface ProposalRecord {
  index: number;
  checkpoint: number;
  era: number;
  wrong: boolean;
  gasUsed: bigint;
  txHash: Hex;
  honestPost: Hex[];
  attestedPost: Hex[];
}

export class Devnet {
  readonly proposals: ProposalRecord[] = [];
  readonly prunes: { from: number; gasUsed: bigint }[] = [];
  private history: Local[] = [];
  private ts!: ChainState;
  private gen!: CheckpointGenerator;
  private era = 0;
  private eraBase = 0;
  private eraCount = 0;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Send proposals through this forwarding contract (a Safe, multicall or 7702 account stand-in) instead of calling the rollup. */
  proposeThrough: Address | null = null;

  private constructor(
    readonly anvil: AnvilHandle,
    readonly sys: DifftowerSystem,
    readonly info: DevnetInfo,
    private readonly o: Required<Omit<DevnetOptions, 'port'>>,
  ) {}

  static async start(options: DevnetOptions = {}): Promise<Devnet> {
    const o = {
      verifier: 'honk' as const, proofWindow: 3600, seed: 1n, wrongRootEvery: 0, l2ChainId: 31337n, l2Version: 1n, pace: false, paceTimeoutMs: 600_000,
      log: (l: string) => process.stderr.write(l + '\n'), ...options,
    };
    const anvil = await startAnvil({ port: options.port ?? 0, hardfork: 'prague' });
    try {
      const test = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) });
      for (const a of [DEVNET.deployer, DEVNET.proposer, DEVNET.operator, DEVNET.prover, ...DEVNET.attesters, ...DEVNET.council]) {
        await test.setBalance({ address: a.address, value: parseEther('10000') });
      }
      let verifier: { kind: 'address'; address: Address } | { kind: 'mock'; prover: Address };
      if (o.verifier === 'honk') verifier = { kind: 'address', address: (await deployHonkVerifier(anvil.rpcUrl)).address };
      else verifier = { kind: 'mock', prover: DEVNET.prover.address };
      const g = genesis(o.l2ChainId, o.l2Version);
      const sys = await deploySystem({
        rpcUrl: anvil.rpcUrl,
        deployer: DEVNET.deployer,
        council: { members: DEVNET.council.map((a) => a.address), threshold: DEVNET.councilThreshold },
        committee: { attesters: DEVNET.attesters.map((a) => a.address), threshold: DEVNET.attesterThreshold },
        verifier,
        l2ChainId: o.l2ChainId,
        l2Version: o.l2Version,
        genesisPost: g.post,
        proofWindow: o.proofWindow,
      });
      const info: DevnetInfo = { rpcUrl: anvil.rpcUrl, l1ChainId: sys.l1ChainId, rollup: sys.addresses.rollup, addresses: sys.addresses, verifier: o.verifier, proofWindow: o.proofWindow };
      const d = new Devnet(anvil, sys, info, o);
      d.history = [{ state: g.stateFile, post: g.post }];
      d.newEra(0);
      return d;
    } catch (err) {
      await anvil.stop();
      throw err;
    }
  }

  private eraSeed(era: number): bigint {
    return (this.o.seed * 1_000_003n + BigInt(era)) & ((1n << 64n) - 1n);
  }

  /** (Re)starts era generation from checkpoint `base` (whose local state we hold). */
  private newEra(base: number, era = this.era) {
    this.era = era;
    this.eraBase = base;
    this.eraCount = 0;
    this.ts = fromStateFile(decodeState(this.history[base]!.state));
    this.gen = new CheckpointGenerator({ profile: 'small', seed: this.eraSeed(era), maxTxs: 1, chainId: this.o.l2ChainId, version: this.o.l2Version });
    // The generator counts blocks, slots and time from 0; continue from the base state instead.
    Object.assign(this.gen as unknown as Record<string, unknown>, { blockNumber: this.ts.last.blockNumber, slot: this.ts.last.slotNumber, timestamp: this.ts.last.timestamp });
  }

  /** Rewinds the sequencer to pending tip `tip` (after a prune): same era, same generated data. */
  private rewind(tip: number) {
    this.history.length = tip + 1;
    if (tip < this.eraBase) {
      this.newEra(tip, this.era + 1);
      return;
    }
    const steps = tip - this.eraBase;
    this.newEra(this.eraBase);
    for (let i = 0; i < steps; i++) this.gen.next();
    this.eraCount = steps;
    this.ts = fromStateFile(decodeState(this.history[tip]!.state));
  }

  /** Proposes the next checkpoint (starting a new era when the chain is full). */
  async proposeNext(o: { wrong?: boolean } = {}): Promise<ProposalRecord> {
    const tip = Number(await this.sys.rollup.read.pendingTip());
    const localTip = this.history.length - 1;
    if (tip > localTip) throw new Error(`pending tip ${tip} is ahead of the devnet sequencer (${localTip}): someone else proposes on this rollup`);
    if (tip < localTip) {
      this.o.log(`sequencer: checkpoints ${tip + 1}..${localTip} were pruned; continuing from ${tip}`);
      this.rewind(tip);
    }
    for (let attempt = 0; ; attempt++) {
      const cp = this.gen.next();
      const outcome = this.ts.apply(cp);
      if (outcome.status === 'accepted' && outcome.blobFields.length <= 96) {
        this.eraCount++;
        const honest = postFieldsOfChainState(this.ts);
        const state = encodeState(this.ts);
        const index = this.proposals.length + 1;
        const wrong = o.wrong ?? (this.o.wrongRootEvery > 0 && index % this.o.wrongRootEvery === 0);
        const attested = wrong ? honest.map((x, i) => (i === 11 ? toField((BigInt(x) + 1n) % FIELD_MODULUS) : x)) : honest;
        const built = await this.sys.buildProposal({ data: proposalDataOf(cp, outcome.blobFields), post: attested, attesters: DEVNET.attesters.slice(0, DEVNET.attesterThreshold) });
        const call = this.sys.proposeCall(built);
        const sent = { ...(await this.sys.send(DEVNET.proposer, this.proposeThrough ? forwarded(this.proposeThrough, call) : call)), checkpoint: built.checkpoint };
        this.history.push({ state, post: honest });
        const rec: ProposalRecord = { index, checkpoint: Number(sent.checkpoint), era: this.era, wrong, gasUsed: sent.gasUsed, txHash: sent.hash, honestPost: honest, attestedPost: attested };
        this.proposals.push(rec);
        return rec;
      }
      if (outcome.status === 'accepted') this.ts = fromStateFile(decodeState(this.history[this.history.length - 1]!.state));
      if (attempt > 0) throw new Error(`the generator's checkpoint is rejected at the start of an era (${outcome.status === 'rejected' ? outcome.code : 'too many blob fields'})`);
      await this.endEra();
    }
  }

  /** Lets the proof window pass, prunes the unproven checkpoints and starts a new era from the proven tip. */
  async endEra(): Promise<void> {
    const proven = Number(await this.sys.rollup.read.provenTip());
    const pending = Number(await this.sys.rollup.read.pendingTip());
    if (pending > proven) {
      const test = createTestClient({ mode: 'anvil', transport: http(this.anvil.rpcUrl) });
      const deadline = (await this.sys.rollup.read.proofDeadline([BigInt(proven + 1)])) as bigint;
      const now = (await this.sys.publicClient.getBlock()).timestamp;
      if (now <= deadline) await test.increaseTime({ seconds: Number(deadline - now) + 1 });
      const sent = await this.sys.prune(DEVNET.proposer);
      this.prunes.push({ from: proven + 1, gasUsed: sent.gasUsed });
      this.o.log(`sequencer: L2 chain full after ${pending - proven} checkpoints; proof window passed, pruned ${proven + 1}..${pending}; era ${this.era + 1} starts from checkpoint ${proven}`);
    }
    this.history.length = proven + 1;
    this.newEra(proven, this.era + 1);
  }

  /**
   * Waits until trigger (a) evidence for pending checkpoint n is on L1 (true), or the time limit
   * passes or the checkpoint stops being pending (false); with evidence, the council prunes n.
   */
  async awaitEvidence(n: number, fromBlock: bigint): Promise<boolean> {
    const end = Date.now() + this.o.paceTimeoutMs;
    this.o.log(`sequencer: waiting for the watchtower's evidence on checkpoint ${n} before proposing more (pace; up to ${Math.round(this.o.paceTimeoutMs / 1000)} s)`);
    while (!this.stopped && Date.now() < end) {
      const logs = await this.sys.publicClient.getContractEvents({ address: this.sys.addresses.gate, abi: stageTwoGateAbi, eventName: 'DisagreementProven', args: { checkpoint: BigInt(n) }, fromBlock, toBlock: 'latest' });
      if (logs.length > 0) {
        this.o.log(`sequencer: evidence for checkpoint ${n} is on L1 (tx ${logs[0]!.transactionHash}); the council prunes it`);
        try {
          await this.sys.councilAct(DEVNET.council.slice(0, DEVNET.councilThreshold), this.sys.calls.councilPrune(BigInt(n)));
        } catch (err) {
          this.o.log(`sequencer: the council could not prune checkpoint ${n}: ${(err as Error).message.split('\n')[0]}`);
        }
        return true;
      }
      if (!(await this.sys.rollup.read.isPending([BigInt(n)]))) return false;
      // L1 goes on producing blocks meanwhile (anvil mines only on transactions): a watchtower that
      // waits for confirmations must see the wrong root confirmed.
      await createTestClient({ mode: 'anvil', transport: http(this.anvil.rpcUrl) }).mine({ blocks: 1 });
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (!this.stopped) this.o.log(`sequencer: no evidence for checkpoint ${n} after ${Math.round(this.o.paceTimeoutMs / 1000)} s; going on`);
    return false;
  }

  /** Proposes `checkpoints` (or until stop()) every `intervalMs`. */
  async run(o: { checkpoints?: number; intervalMs: number; onProposal?: (r: ProposalRecord) => void }): Promise<void> {
    let count = 0;
    while (!this.stopped && (o.checkpoints === undefined || count < o.checkpoints)) {
      const r = await this.proposeNext();
      count++;
      o.onProposal?.(r);
      if (r.wrong && this.o.pace) {
        const receipt = await this.sys.publicClient.getTransactionReceipt({ hash: r.txHash });
        await this.awaitEvidence(r.checkpoint, receipt.blockNumber);
      }
      if (o.checkpoints !== undefined && count >= o.checkpoints) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.intervalMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.stop();
    await this.anvil.stop();
  }
}

/**
 * Runtime code of a minimal forwarder: calldata = target (32 bytes) ‖ payload; it calls target with
 * payload and returns or reverts with the callee's answer (hand-assembled; what a Safe or a
 * multicall does, minus the checks). Installed with anvil_setCode.
 */
export const FORWARDER_CODE: Hex = '0x602036038060206000376000600082600060006000355af13d600060003e6025573d6000fd5b3d6000f3';

export function forwarded(forwarder: Address, call: { to: Address; data: Hex }): { to: Address; data: Hex } {
  return { to: forwarder, data: `0x${call.to.slice(2).toLowerCase().padStart(64, '0')}${call.data.slice(2)}` as Hex };
}

/** Writes an operator key file (mode 600) for the watchtower; the key itself is never printed. */
export function writeKeyFile(path: string, key: Hex): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, key + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
}

const decodeState = (b: Uint8Array) => decodeChainState(b);
const encodeState = (s: ChainState) => encodeChainState(toStateFile(s) as ChainStateFile);
