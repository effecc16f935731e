/** Staking and reward arithmetic shared by the handlers, the API and the tests: each rule once. */

export const SECONDS_PER_YEAR = 365 * 86_400;
export const TRAILING_WINDOW_SECONDS = 30 * 86_400;
/** Ratios and APRs are computed in integers and returned with this many decimal places. */
const PRECISION = 10n ** 12n;

/** Cosmos' BondStatus enum, as `validator(address).status` returns it. */
export const BOND_STATUSES = ["unspecified", "unbonded", "unbonding", "bonded"] as const;
export type BondStatus = (typeof BOND_STATUSES)[number];

export function bondStatusName(status: number): BondStatus {
  return BOND_STATUSES[status] ?? "unspecified";
}

/** `numerator / denominator` as a number, or null when the denominator is zero (no supply indexed yet). */
export function ratio(numerator: bigint, denominator: bigint): number | null {
  if (denominator <= 0n) return null;
  return Number((numerator * PRECISION) / denominator) / Number(PRECISION);
}

/**
 * The staking ratio against both denominators. Staked tokens live on the staking chain, supply on Base;
 * both are raw 18-decimal amounts of the same token.
 */
export function stakingRatios(staked: bigint, supply: { circulatingSupply: bigint; totalSupply: bigint }) {
  return {
    ofCirculatingSupply: ratio(staked, supply.circulatingSupply),
    ofTotalSupply: ratio(staked, supply.totalSupply),
  };
}

/** An unbonding entry still counts as unbonding while its completion time is after the reference time. */
export function isUnbonding(completionTime: bigint | number, at: bigint | number): boolean {
  return BigInt(completionTime) > BigInt(at);
}

/**
 * Tokens the chain no longer has that the events do not explain: a slash. The chain's figure wins;
 * a rise (never expected) is adopted without being called a slash.
 */
export function unexplainedLoss(indexedStake: bigint, chainTokens: bigint): bigint {
  return indexedStake > chainTokens ? indexedStake - chainTokens : 0n;
}

/** A delegation's worth after its validator's tokens went from `before` to `after` (shares keep their count). */
export function scaleDelegation(amount: bigint, before: bigint, after: bigint): bigint {
  if (before === 0n) return 0n;
  return (amount * after) / before;
}

/** Subtracts an outflow from a tracked amount; rounding after a slash may leave the index a few wei short. */
export function subtractFloor(amount: bigint, outflow: bigint): bigint {
  return amount > outflow ? amount - outflow : 0n;
}

export type StakeBucket = { hour: number; stake: bigint };

/**
 * Time-weighted average stake over the hours `fromHour..toHour` inclusive. Each hour counts the
 * closing stake of the last bucket at or before it; hours before any bucket count `opening`.
 */
export function averageStake(buckets: StakeBucket[], opening: bigint, fromHour: number, toHour: number): bigint {
  if (toHour < fromHour) return 0n;
  const sorted = [...buckets].filter((b) => b.hour >= fromHour && b.hour <= toHour).sort((a, b) => a.hour - b.hour);
  let sum = 0n;
  let current = opening;
  let next = 0;
  for (let hour = fromHour; hour <= toHour; hour++) {
    while (next < sorted.length && sorted[next]!.hour <= hour) current = sorted[next++]!.stake;
    sum += current;
  }
  return sum / BigInt(toHour - fromHour + 1);
}

/**
 * Annualised percentage rate as a fraction (0.12 = 12%): APR = rewards / averageStake × year / window.
 * Null when nothing was staked or the window is empty.
 */
export function annualisedRate(rewards: bigint, average: bigint, windowSeconds: number): number | null {
  if (average <= 0n || windowSeconds <= 0) return null;
  const scaled = (rewards * PRECISION * BigInt(SECONDS_PER_YEAR)) / (average * BigInt(Math.floor(windowSeconds)));
  return Number(scaled) / Number(PRECISION);
}

/**
 * The trailing APR window ending at `to`: 30 days, or since the node was created if it is younger,
 * so a new node's APR is not diluted by hours it did not exist.
 */
export function trailingWindow(to: number, createdAt: number): { from: number; to: number; seconds: number } {
  const from = Math.max(to - TRAILING_WINDOW_SECONDS, createdAt);
  return { from, to, seconds: Math.max(0, to - from) };
}
