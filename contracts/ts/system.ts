// Deploy and drive the whole L1 side: committee, council, timelock, gate, rollup and verifier.
// `deploySystem` returns a DifftowerSystem: typed read handles (viem getContract) plus the writes
// the devnet, the watchtower and the tests need. Every write waits for its receipt, returns the
// gas used, and throws ContractRevertError (decoded custom error) when a contract rejects it.

import {
  createPublicClient,
  createWalletClient,
  decodeFunctionData,
  defineChain,
  encodeDeployData,
  encodeFunctionData,
  getContract,
  getAddress,
  getContractAddress,
  http,
  type Abi,
  type Address,
  type Chain,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
  type Transport,
} from 'viem';
import {
  attesterCommitteeAbi,
  attesterCommitteeBytecode,
  mockVerifierAbi,
  mockVerifierBytecode,
  rollupAbi,
  rollupBytecode,
  securityCouncilAbi,
  securityCouncilBytecode,
  stageTwoGateAbi,
  stageTwoGateBytecode,
  upgradeTimelockAbi,
  upgradeTimelockBytecode,
} from '../generated/artifacts.gen.js';
import { decodeRevert } from './errors.js';
import { signAttestations } from './signing.js';
import {
  attestationDigest,
  dataHash,
  normaliseData,
  postHash,
  toField,
  toFields,
  STATEMENT,
  type CheckpointData,
  type FieldLike,
} from './statement.js';

export interface SystemAddresses {
  rollup: Address;
  gate: Address;
  council: Address;
  timelock: Address;
  committee: Address;
  verifier: Address;
}

export type VerifierChoice =
  /** Deploy a MockVerifier whose proofs are `prover`'s signatures (see signing.ts, mockProof). */
  | { kind: 'mock'; prover: Address; revertOnInvalid?: boolean; reduceModP?: boolean }
  /** Use an already deployed verifier (e.g. the generated HonkVerifier). */
  | { kind: 'address'; address: Address };

export interface DeployOptions {
  rpcUrl: string;
  deployer: LocalAccount;
  council: { members: readonly Address[]; threshold: number };
  committee: { attesters: readonly Address[]; threshold: number };
  verifier: VerifierChoice;
  /** §9 positions 0 and 1 (difftower defaults 31337 and 1). */
  l2ChainId?: FieldLike;
  l2Version?: FieldLike;
  /** The genesis state's 13 post-state fields: the pre-state of checkpoint 1. */
  genesisPost: readonly FieldLike[];
  /** Seconds after a proposal within which it must be proven. */
  proofWindow: number | bigint;
}

export interface Sent {
  hash: Hex;
  receipt: TransactionReceipt;
  gasUsed: bigint;
}

/** A target and calldata, e.g. what the council or the timelock should call. */
export interface Call {
  to: Address;
  data: Hex;
}

/** A proposal as decoded from its transaction's calldata (what a watcher re-executes). */
export interface DecodedProposal {
  header: Hex[];
  l1ToL2Messages: Hex[];
  blobFields: Hex[];
  post: Hex[];
  attestations: Hex;
  dataHash: Hex;
  postHash: Hex;
}

function clients(rpcUrl: string, chainId: number) {
  const chain: Chain = defineChain({
    id: chainId,
    name: `l1-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const transport = http(rpcUrl, { batch: false });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 25 });
  const walletClient = createWalletClient({ chain, transport, pollingInterval: 25 });
  return { chain, publicClient, walletClient };
}

/** Deploy the whole system and check the gate and rollup point at each other. */
export async function deploySystem(o: DeployOptions): Promise<DifftowerSystem> {
  const probe = createPublicClient({ transport: http(o.rpcUrl) });
  const chainId = await probe.getChainId();
  const { publicClient, walletClient } = clients(o.rpcUrl, chainId);
  const account = o.deployer;

  const deploy = async (abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<Address> => {
    const data = encodeDeployData({ abi, bytecode, args });
    const hash = await walletClient.sendTransaction({ account, data, chain: walletClient.chain });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deployment failed (tx ${hash})`);
    return getAddress(receipt.contractAddress);
  };

  const verifier =
    o.verifier.kind === 'mock'
      ? await deploy(mockVerifierAbi, mockVerifierBytecode, [o.verifier.prover, o.verifier.revertOnInvalid ?? true, o.verifier.reduceModP ?? false])
      : getAddress(o.verifier.address);
  const committee = await deploy(attesterCommitteeAbi, attesterCommitteeBytecode, [o.committee.attesters, BigInt(o.committee.threshold)]);
  const council = await deploy(securityCouncilAbi, securityCouncilBytecode, [o.council.members, BigInt(o.council.threshold)]);
  const timelock = await deploy(upgradeTimelockAbi, upgradeTimelockBytecode, [council]);
  // The gate and the rollup reference each other: the gate gets the rollup's address predicted
  // from the deployer's nonce (the rollup is the deployer's next transaction), then both are checked.
  const nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' });
  const predictedRollup = getContractAddress({ from: account.address, nonce: BigInt(nonce + 1) });
  const gate = await deploy(stageTwoGateAbi, stageTwoGateBytecode, [predictedRollup, council, timelock]);
  const rollup = await deploy(rollupAbi, rollupBytecode, [
    gate,
    committee,
    verifier,
    toField(o.l2ChainId ?? 31337n),
    toField(o.l2Version ?? 1n),
    toFields(o.genesisPost, STATEMENT.POST, 'genesis post-state'),
    BigInt(o.proofWindow),
  ]);
  if (rollup.toLowerCase() !== predictedRollup.toLowerCase()) {
    throw new Error(`rollup deployed at ${rollup}, gate expects ${predictedRollup} (another transaction from the deployer interfered)`);
  }
  const sys = new DifftowerSystem(o.rpcUrl, chainId, { rollup, gate, council, timelock, committee, verifier });
  const gateOfRollup = await sys.rollup.read.gate();
  if (gateOfRollup.toLowerCase() !== gate.toLowerCase()) throw new Error('rollup.gate() does not match the deployed gate');
  return sys;
}

/** Attach to an already deployed system. */
export async function connectSystem(rpcUrl: string, addresses: SystemAddresses): Promise<DifftowerSystem> {
  const chainId = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
  return new DifftowerSystem(rpcUrl, chainId, addresses);
}

export class DifftowerSystem {
  readonly publicClient: PublicClient<Transport, Chain>;
  readonly walletClient: WalletClient<Transport, Chain>;
  readonly chain: Chain;

  constructor(
    readonly rpcUrl: string,
    readonly l1ChainId: number,
    readonly addresses: SystemAddresses,
  ) {
    const c = clients(rpcUrl, l1ChainId);
    this.publicClient = c.publicClient as PublicClient<Transport, Chain>;
    this.walletClient = c.walletClient;
    this.chain = c.chain;
  }

  // ---------------------------------------------------------------- typed read handles

  get rollup() {
    return getContract({ address: this.addresses.rollup, abi: rollupAbi, client: this.publicClient });
  }
  get gate() {
    return getContract({ address: this.addresses.gate, abi: stageTwoGateAbi, client: this.publicClient });
  }
  get council() {
    return getContract({ address: this.addresses.council, abi: securityCouncilAbi, client: this.publicClient });
  }
  get timelock() {
    return getContract({ address: this.addresses.timelock, abi: upgradeTimelockAbi, client: this.publicClient });
  }
  get committee() {
    return getContract({ address: this.addresses.committee, abi: attesterCommitteeAbi, client: this.publicClient });
  }
  /** The verifier the rollup uses now (it changes on upgrade). */
  async verifierAddress(): Promise<Address> {
    return this.rollup.read.verifier();
  }

  // ---------------------------------------------------------------- low-level send

  /** Send `call` from `account`, wait for the receipt; throws ContractRevertError on a revert. */
  async send(account: LocalAccount, call: Call): Promise<Sent> {
    let hash: Hex;
    try {
      // A quarter more gas than estimated: calls that catch an inner call's failure (the council
      // executing its target, the gate calling the verifier) can estimate just short of what the
      // mined transaction needs, and then revert there alone.
      const estimate = await this.publicClient.estimateGas({ account, to: call.to, data: call.data });
      hash = await this.walletClient.sendTransaction({ account, to: call.to, data: call.data, chain: this.chain, gas: (estimate * 5n) / 4n });
    } catch (e) {
      throw decodeRevert(e) ?? e;
    }
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') {
      // Re-run as a call at the receipt's block to recover the revert reason.
      try {
        await this.publicClient.call({ account: account.address, to: call.to, data: call.data, blockNumber: receipt.blockNumber });
      } catch (e) {
        throw decodeRevert(e) ?? e;
      }
      throw new Error(`transaction ${hash} reverted`);
    }
    return { hash, receipt, gasUsed: receipt.gasUsed };
  }

  // ---------------------------------------------------------------- proposals

  /** Everything a proposal for the next checkpoint needs, given the attesters' keys. */
  async buildProposal(p: { data: CheckpointData; post: readonly FieldLike[]; attesters: readonly LocalAccount[] }) {
    const n = BigInt(await this.rollup.read.pendingTip()) + 1n;
    const proposalId = BigInt(await this.rollup.read.proposalCount()) + 1n;
    const [, parentPostHash] = await this.rollup.read.getCheckpoint([n - 1n]);
    const d = normaliseData(p.data);
    const post = toFields(p.post, STATEMENT.POST, 'post-state');
    const digest = attestationDigest({
      l1ChainId: this.l1ChainId,
      rollup: this.addresses.rollup,
      checkpoint: n,
      proposalId,
      parentPostHash,
      dataHash: dataHash(p.data),
      postHash: postHash(post),
    });
    const attestations = await signAttestations(digest, p.attesters);
    return { checkpoint: n, proposalId, digest, parentPostHash, ...d, post, attestations };
  }

  proposeCall(p: { header: readonly Hex[]; l1ToL2Messages: readonly Hex[]; blobFields: readonly Hex[]; post: readonly Hex[]; attestations: Hex }): Call {
    return {
      to: this.addresses.rollup,
      data: encodeFunctionData({
        abi: rollupAbi,
        functionName: 'propose',
        args: [
          p.header as unknown as readonly [Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex],
          p.l1ToL2Messages,
          p.blobFields,
          p.post as unknown as readonly [Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex],
          p.attestations,
        ],
      }),
    };
  }

  /** Propose the next checkpoint with the given attesters' signatures. */
  async propose(account: LocalAccount, p: { data: CheckpointData; post: readonly FieldLike[]; attesters: readonly LocalAccount[] }) {
    const built = await this.buildProposal(p);
    const sent = await this.send(account, this.proposeCall(built));
    return { ...sent, checkpoint: built.checkpoint };
  }

  /** Decode a proposal from its transaction (the proposer called Rollup.propose directly). */
  async decodeProposalTx(hash: Hex): Promise<DecodedProposal> {
    const tx = await this.publicClient.getTransaction({ hash });
    if (!tx.to || tx.to.toLowerCase() !== this.addresses.rollup.toLowerCase()) {
      throw new Error(`transaction ${hash} is not a direct call to the rollup`);
    }
    const { functionName, args } = decodeFunctionData({ abi: rollupAbi, data: tx.input });
    if (functionName !== 'propose') throw new Error(`transaction ${hash} calls ${functionName}, not propose`);
    const [header, l1ToL2Messages, blobFields, post, attestations] = args;
    const data = { header: [...header], l1ToL2Messages: [...l1ToL2Messages], blobFields: [...blobFields] };
    return { ...data, post: [...post], attestations, dataHash: dataHash(data), postHash: postHash(post) };
  }

  /**
   * CheckpointProposed events in a block range. The event carries the whole proposal (header,
   * messages, blob fields, post), so this works whoever sent it (Safe, multicall, EIP-7702);
   * the data is checked against the event's dataHash and postHash.
   */
  async proposals(range: { fromBlock?: bigint; toBlock?: bigint } = {}) {
    const logs = await this.publicClient.getContractEvents({
      address: this.addresses.rollup,
      abi: rollupAbi,
      eventName: 'CheckpointProposed',
      fromBlock: range.fromBlock ?? 0n,
      toBlock: range.toBlock ?? 'latest',
    });
    return logs.map((log) => {
      const a = log.args;
      const data = { header: [...a.header!], l1ToL2Messages: [...a.l1ToL2Messages!], blobFields: [...a.blobFields!] };
      const decoded = { ...data, post: [...a.post!], dataHash: dataHash(data), postHash: postHash(a.post!) };
      if (decoded.dataHash !== a.dataHash || decoded.postHash !== a.postHash) {
        throw new Error(`CheckpointProposed in ${log.transactionHash} does not match its own hashes`);
      }
      return { checkpoint: a.checkpoint!, proposalId: a.proposalId!, withProof: a.withProof!, event: a, blockNumber: log.blockNumber, txHash: log.transactionHash, ...decoded };
    });
  }

  // ---------------------------------------------------------------- proofs and pruning

  async submitProof(account: LocalAccount, checkpoint: bigint, proof: Hex, statement: readonly FieldLike[]): Promise<Sent> {
    return this.send(account, {
      to: this.addresses.rollup,
      data: encodeFunctionData({ abi: rollupAbi, functionName: 'submitProof', args: [checkpoint, proof, toFields(statement)] }),
    });
  }

  /**
   * The permissionless path (Rollup.proposeWithProof): once no proof has landed for
   * SELF_PROPOSE_DELAY, append a checkpoint without attestations together with its proof.
   */
  proposeWithProofCall(p: { data: CheckpointData; post: readonly FieldLike[]; proof: Hex; statement: readonly FieldLike[] }): Call {
    const d = normaliseData(p.data);
    return {
      to: this.addresses.rollup,
      data: encodeFunctionData({
        abi: rollupAbi,
        functionName: 'proposeWithProof',
        args: [
          d.header as unknown as readonly [Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex],
          d.l1ToL2Messages,
          d.blobFields,
          toFields(p.post, STATEMENT.POST, 'post-state') as unknown as readonly [Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex],
          p.proof,
          toFields(p.statement),
        ],
      }),
    };
  }

  async proposeWithProof(account: LocalAccount, p: { data: CheckpointData; post: readonly FieldLike[]; proof: Hex; statement: readonly FieldLike[] }): Promise<Sent> {
    return this.send(account, this.proposeWithProofCall(p));
  }

  async prune(account: LocalAccount): Promise<Sent> {
    return this.send(account, { to: this.addresses.rollup, data: encodeFunctionData({ abi: rollupAbi, functionName: 'prune' }) });
  }

  // ---------------------------------------------------------------- evidence (Stage-2 triggers)

  /** Trigger (a): a valid proof of pending checkpoint n's inputs with a different output. */
  async proveDisagreement(account: LocalAccount, checkpoint: bigint, proof: Hex, statement: readonly FieldLike[]): Promise<Sent> {
    return this.send(account, {
      to: this.addresses.gate,
      data: encodeFunctionData({ abi: stageTwoGateAbi, functionName: 'proveDisagreement', args: [checkpoint, proof, toFields(statement)] }),
    });
  }

  /** Trigger (b): two valid proofs, same inputs, different outputs. */
  async proveSelfContradiction(
    account: LocalAccount,
    a: { proof: Hex; statement: readonly FieldLike[] },
    b: { proof: Hex; statement: readonly FieldLike[] },
  ): Promise<Sent> {
    return this.send(account, {
      to: this.addresses.gate,
      data: encodeFunctionData({
        abi: stageTwoGateAbi,
        functionName: 'proveSelfContradiction',
        args: [a.proof, toFields(a.statement), b.proof, toFields(b.statement)],
      }),
    });
  }

  // ---------------------------------------------------------------- calls for the council/timelock

  readonly calls = {
    councilPrune: (from: bigint): Call => ({
      to: this.addresses.gate,
      data: encodeFunctionData({ abi: stageTwoGateAbi, functionName: 'councilPrune', args: [from] }),
    }),
    councilReplacePost: (checkpoint: bigint, post: readonly FieldLike[]): Call => ({
      to: this.addresses.gate,
      data: encodeFunctionData({
        abi: stageTwoGateAbi,
        functionName: 'councilReplacePost',
        args: [checkpoint, toFields(post, STATEMENT.POST, 'post-state') as unknown as readonly [Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex, Hex]],
      }),
    }),
    closeTrigger: (): Call => ({ to: this.addresses.gate, data: encodeFunctionData({ abi: stageTwoGateAbi, functionName: 'closeTrigger' }) }),
    upgradeVerifier: (next: Address): Call => ({
      to: this.addresses.gate,
      data: encodeFunctionData({ abi: stageTwoGateAbi, functionName: 'upgradeVerifier', args: [next] }),
    }),
    upgradeCommittee: (next: Address): Call => ({
      to: this.addresses.gate,
      data: encodeFunctionData({ abi: stageTwoGateAbi, functionName: 'upgradeCommittee', args: [next] }),
    }),
    /** Timelock.schedule(inner): only the council may send it. */
    schedule: (inner: Call, salt: Hex): Call => ({
      to: this.addresses.timelock,
      data: encodeFunctionData({ abi: upgradeTimelockAbi, functionName: 'schedule', args: [inner.to, inner.data, salt] }),
    }),
    cancel: (id: Hex): Call => ({ to: this.addresses.timelock, data: encodeFunctionData({ abi: upgradeTimelockAbi, functionName: 'cancel', args: [id] }) }),
    /** Timelock.execute(inner): anyone, once the 30 days have passed. */
    executeScheduled: (inner: Call, salt: Hex): Call => ({
      to: this.addresses.timelock,
      data: encodeFunctionData({ abi: upgradeTimelockAbi, functionName: 'execute', args: [inner.to, inner.data, salt] }),
    }),
  };

  // ---------------------------------------------------------------- council multisig

  async councilPropose(member: LocalAccount, call: Call): Promise<Sent & { id: bigint }> {
    const id = await this.council.read.proposalCount();
    const sent = await this.send(member, {
      to: this.addresses.council,
      data: encodeFunctionData({ abi: securityCouncilAbi, functionName: 'propose', args: [call.to, call.data] }),
    });
    return { ...sent, id };
  }

  async councilApprove(member: LocalAccount, id: bigint): Promise<Sent> {
    return this.send(member, { to: this.addresses.council, data: encodeFunctionData({ abi: securityCouncilAbi, functionName: 'approve', args: [id] }) });
  }

  async councilRevoke(member: LocalAccount, id: bigint): Promise<Sent> {
    return this.send(member, { to: this.addresses.council, data: encodeFunctionData({ abi: securityCouncilAbi, functionName: 'revoke', args: [id] }) });
  }

  async councilExecute(member: LocalAccount, id: bigint): Promise<Sent> {
    return this.send(member, { to: this.addresses.council, data: encodeFunctionData({ abi: securityCouncilAbi, functionName: 'execute', args: [id] }) });
  }

  /** Propose `call` with members[0], approve with the other given members, execute with members[0]. */
  async councilAct(members: readonly LocalAccount[], call: Call): Promise<Sent & { id: bigint }> {
    if (members.length === 0) throw new Error('councilAct needs at least one member');
    const { id } = await this.councilPropose(members[0]!, call);
    for (const m of members.slice(1)) await this.councilApprove(m, id);
    return { ...(await this.councilExecute(members[0]!, id)), id };
  }
}
