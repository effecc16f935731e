import { zeroAddress } from "viem";

/** Fixed by the OPG token contract: 1,000,000,000 OPG with 18 decimals. */
export const OPG_DECIMALS = 18;
export const OPG_MAX_SUPPLY = 1_000_000_000n * 10n ** 18n;

export const isMint = (from: string) => from.toLowerCase() === zeroAddress;
export const isBurn = (to: string) => to.toLowerCase() === zeroAddress;

/** Circulating supply: everything minted and not burned, less the balances listed as non-circulating. */
export function circulatingSupply(totalSupply: bigint, nonCirculating: bigint): bigint {
  return totalSupply - nonCirculating;
}

/** How a balance change moves the holder count: +1 when an account starts holding, -1 when it empties. */
export function holderDelta(before: bigint, after: bigint): number {
  if (before === 0n && after > 0n) return 1;
  if (before > 0n && after === 0n) return -1;
  return 0;
}

/** A raw amount as a decimal string of whole tokens, e.g. 1234500000000000000 -> "1.2345". */
export function formatUnits(amount: bigint, decimals = OPG_DECIMALS): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const fraction = (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** One period's flows: how many transfers, how much they moved, minted and burned. */
export type PeriodFlows = { transferCount: number; transferVolume: bigint; minted: bigint; burned: bigint };
export const NO_FLOWS: PeriodFlows = { transferCount: 0, transferVolume: 0n, minted: 0n, burned: 0n };

/** A transfer's contribution to its period's flows. */
export function transferFlows(amount: bigint, minted: bigint, burned: bigint): PeriodFlows {
  return { transferCount: 1, transferVolume: amount, minted, burned };
}

export function addFlows(a: PeriodFlows, b: PeriodFlows): PeriodFlows {
  return {
    transferCount: a.transferCount + b.transferCount,
    transferVolume: a.transferVolume + b.transferVolume,
    minted: a.minted + b.minted,
    burned: a.burned + b.burned,
  };
}
