// Sending the watchtower's evidence transaction so that it cannot get stuck: one nonce, and when
// the transaction is not mined within `replaceAfterMs`, the SAME nonce again with a higher fee
// (a replacement, EIP-1559: both fees raised by at least 12.5 %), never a second transaction that
// would pile up behind the first and burn gas twice.

import { createPublicClient, createWalletClient, defineChain, type Address, type Hex, type LocalAccount, type TransactionReceipt } from 'viem';
import { decodeRevert } from '../contracts/ts/errors.js';
import { rpcTransport } from './rpc-transport.js';

export interface Submitted {
  hash: Hex;
  receipt: TransactionReceipt;
  nonce: number;
  /** How many times the transaction was replaced (same nonce, higher fee). */
  replacements: number;
}

export interface SubmitOptions {
  rpcUrl: string;
  chainId: number;
  account: LocalAccount;
  to: Address;
  data: Hex;
  /** Replace the transaction when it is not mined within this time (default 30 s). */
  replaceAfterMs?: number;
  /** Give up replacing after this many replacements, and only wait (default 5). */
  maxReplacements?: number;
  pollMs?: number;
  log?: (line: string) => void;
  /** Test hook: the fees of the first transaction (a deliberately low fee makes it stuck). */
  initialFees?: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
}

const bump = (x: bigint) => (x * 5n) / 4n + 1n;

/** Sends `data` to `to`, replacing it while stuck; throws ContractRevertError when it reverts. */
export async function submitReplacing(o: SubmitOptions): Promise<Submitted> {
  const chain = defineChain({ id: o.chainId, name: `l1-${o.chainId}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [o.rpcUrl] } } });
  const transport = rpcTransport(o.rpcUrl, { timeoutMs: 15_000 });
  const pub = createPublicClient({ chain, transport });
  const wallet = createWalletClient({ chain, transport, account: o.account });
  const replaceAfterMs = o.replaceAfterMs ?? 30_000;
  const maxReplacements = o.maxReplacements ?? 5;
  const pollMs = o.pollMs ?? 250;
  // Simulate first: a revert (evidence already used, not pending) is an answer, not a transaction.
  try {
    await pub.call({ account: o.account.address, to: o.to, data: o.data });
  } catch (err) {
    throw decodeRevert(err) ?? err;
  }
  const nonce = await pub.getTransactionCount({ address: o.account.address, blockTag: 'latest' });
  const gas = (await pub.estimateGas({ account: o.account.address, to: o.to, data: o.data })) * 12n / 10n;
  let fees = o.initialFees ?? (await pub.estimateFeesPerGas());
  const hashes: Hex[] = [];
  let replacements = 0;
  for (;;) {
    try {
      hashes.push(await wallet.sendTransaction({ to: o.to, data: o.data, nonce, gas, maxFeePerGas: fees.maxFeePerGas!, maxPriorityFeePerGas: fees.maxPriorityFeePerGas!, chain }));
    } catch (err) {
      const msg = String((err as Error)?.message ?? err);
      // A transaction with this nonce is already in the pool (ours from before a restart): outbid it.
      if (/underpriced|already known|replacement/i.test(msg) && replacements < maxReplacements + 5) {
        fees = { maxFeePerGas: bump(fees.maxFeePerGas!), maxPriorityFeePerGas: bump(fees.maxPriorityFeePerGas!) };
        replacements++;
        continue;
      }
      // The stuck transaction was mined just before its replacement went out: the nonce is used,
      // by one of ours. Not a failure: wait for that receipt below.
      if (!(hashes.length > 0 && /nonce.*(too low|lower than)/i.test(msg))) throw decodeRevert(err) ?? err;
    }
    const deadline = Date.now() + replaceAfterMs;
    while (Date.now() < deadline || replacements >= maxReplacements) {
      for (const hash of hashes) {
        const receipt = await pub.getTransactionReceipt({ hash }).catch(() => null);
        if (receipt) {
          if (receipt.status !== 'success') {
            try {
              await pub.call({ account: o.account.address, to: o.to, data: o.data, blockNumber: receipt.blockNumber });
            } catch (err) {
              throw decodeRevert(err) ?? err;
            }
            throw new Error(`evidence transaction ${hash} reverted`);
          }
          return { hash, receipt, nonce, replacements };
        }
      }
      const used = await pub.getTransactionCount({ address: o.account.address, blockTag: 'latest' });
      if (used > nonce) {
        // The nonce was mined by a transaction of ours whose receipt the node has not served yet.
        await new Promise((r) => setTimeout(r, pollMs));
        continue;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
    fees = { maxFeePerGas: bump(fees.maxFeePerGas!), maxPriorityFeePerGas: bump(fees.maxPriorityFeePerGas!) };
    replacements++;
    o.log?.(`evidence tx ${hashes[hashes.length - 1]} not mined after ${(replaceAfterMs / 1000).toFixed(0)} s: replacing it (nonce ${nonce}, max fee ${fees.maxFeePerGas} wei)`);
  }
}
