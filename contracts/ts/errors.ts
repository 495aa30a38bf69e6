// Turn a failed call into the contract's custom error name and arguments, whichever contract in
// the call chain raised it (reverts bubble through the gate, council and timelock).

import { BaseError, decodeErrorResult, isHex, type Abi, type Hex } from 'viem';
import {
  attesterCommitteeAbi,
  mockVerifierAbi,
  rollupAbi,
  securityCouncilAbi,
  stageTwoGateAbi,
  upgradeTimelockAbi,
} from '../generated/artifacts.gen.js';

/** Every custom error of every difftower contract, deduplicated by signature. */
export const ALL_ERRORS_ABI: Abi = (() => {
  const seen = new Map<string, Abi[number]>();
  for (const abi of [rollupAbi, stageTwoGateAbi, securityCouncilAbi, upgradeTimelockAbi, attesterCommitteeAbi, mockVerifierAbi] as const) {
    for (const item of abi as Abi) {
      if (item.type !== 'error') continue;
      const key = `${item.name}(${item.inputs.map((i) => i.type).join(',')})`;
      if (!seen.has(key)) seen.set(key, item);
    }
  }
  return [...seen.values()];
})();

/** A transaction or call that a difftower contract rejected, with its decoded custom error. */
export class ContractRevertError extends Error {
  constructor(
    readonly errorName: string,
    readonly errorArgs: readonly unknown[],
    readonly revertData: Hex | undefined,
    override readonly cause: unknown,
  ) {
    super(`reverted: ${errorName}(${errorArgs.map((a) => String(a)).join(', ')})`);
    this.name = 'ContractRevertError';
  }
}

/** Raw revert data found anywhere in a viem error chain, if any. */
export function revertData(err: unknown): Hex | undefined {
  let found: Hex | undefined;
  const look = (e: unknown): boolean => {
    if (typeof e !== 'object' || e === null) return false;
    const o = e as { raw?: unknown; data?: unknown };
    for (const v of [o.raw, o.data, (o.data as { data?: unknown } | undefined)?.data]) {
      if (typeof v === 'string' && isHex(v) && v.length >= 10) {
        found = v;
        return true;
      }
    }
    return false;
  };
  if (err instanceof BaseError) err.walk((e) => look(e));
  let e: unknown = err;
  for (let depth = 0; !found && e && depth < 12; depth++) {
    look(e);
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

/** Decode a failure into a ContractRevertError, or undefined if it carries no known custom error. */
export function decodeRevert(err: unknown): ContractRevertError | undefined {
  if (err instanceof ContractRevertError) return err;
  const data = revertData(err);
  if (!data) return undefined;
  try {
    const d = decodeErrorResult({ abi: ALL_ERRORS_ABI, data });
    return new ContractRevertError(d.errorName, (d.args ?? []) as readonly unknown[], data, err);
  } catch {
    return new ContractRevertError(`unknown(${data.slice(0, 10)})`, [], data, err);
  }
}
