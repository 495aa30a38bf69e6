// Deploys the generated HonkVerifier (contracts/generated, made by scripts/gen-verifier.ts)
// with viem: its two external libraries first, then the verifier with their addresses linked in.
// `verify(bytes proof, bytes32[] publicInputs)` returns true or reverts with a custom error.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, defineChain, http, type Abi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { NOIR_DIR } from './circuit.js';
import type { Proof } from './prover.js';

export const VERIFIER_JSON = join(NOIR_DIR, '../../contracts/generated/HonkVerifier.json');

interface Compiled {
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

interface VerifierArtifact {
  circuit: string;
  contracts: Record<'HonkVerifier' | 'RelationsLib' | 'ZKTranscriptLib', Compiled>;
}

export const loadVerifierArtifact = (): VerifierArtifact => JSON.parse(readFileSync(VERIFIER_JSON, 'utf8')) as VerifierArtifact;

/** Puts library addresses at solc's link references (byte offsets into the bytecode). */
function link(c: Compiled, libraries: Record<string, Address>): Hex {
  let hex = c.bytecode.slice(2);
  for (const refs of Object.values(c.linkReferences)) {
    for (const [lib, places] of Object.entries(refs)) {
      const addr = libraries[lib];
      if (!addr) throw new Error(`no address for library ${lib}`);
      for (const { start, length } of places) hex = hex.slice(0, start * 2) + addr.slice(2).toLowerCase() + hex.slice((start + length) * 2);
    }
  }
  return `0x${hex}`;
}

// Anvil's first default account (a public test key, funded on every anvil).
const ANVIL_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export interface DeployedVerifier {
  address: Address;
  abi: Abi;
  /** eth_call of verify: true, or the revert message of a rejected proof. */
  verify(p: Proof): Promise<{ ok: true; gas: bigint } | { ok: false; error: string }>;
}

export async function deployHonkVerifier(rpcUrl: string, chainId = 31337): Promise<DeployedVerifier> {
  const chain = defineChain({ id: chainId, name: 'anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } });
  const account = privateKeyToAccount(ANVIL_KEY);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 25 });
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl), pollingInterval: 25 });
  const art = loadVerifierArtifact();
  const deploy = async (c: Compiled, bytecode: Hex): Promise<Address> => {
    const hash = await wallet.deployContract({ abi: c.abi, bytecode, account, chain });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (!receipt.contractAddress || receipt.status !== 'success') throw new Error('deployment failed');
    return receipt.contractAddress;
  };
  const libraries = {
    RelationsLib: await deploy(art.contracts.RelationsLib, art.contracts.RelationsLib.bytecode),
    ZKTranscriptLib: await deploy(art.contracts.ZKTranscriptLib, art.contracts.ZKTranscriptLib.bytecode),
  };
  const v = art.contracts.HonkVerifier;
  const address = await deploy(v, link(v, libraries));
  const toBytes32 = (x: bigint): Hex => `0x${x.toString(16).padStart(64, '0')}`;
  return {
    address,
    abi: v.abi,
    async verify(p) {
      const args = [`0x${Buffer.from(p.proof).toString('hex')}` as Hex, p.publicInputs.map(toBytes32)] as const;
      try {
        const result = await publicClient.readContract({ address, abi: v.abi, functionName: 'verify', args });
        if (result !== true) return { ok: false, error: `verify returned ${String(result)}` };
        const gas = await publicClient.estimateContractGas({ address, abi: v.abi, functionName: 'verify', args, account });
        return { ok: true, gas };
      } catch (err) {
        return { ok: false, error: (err as Error).message.split('\n')[0] };
      }
    },
  };
}
