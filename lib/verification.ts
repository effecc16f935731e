import { hourOf } from "./time";

/** Verification rules shared by the handlers, the API and the tests: TEE states and lag percentiles. */

export const TEE_STATES = ["live", "stale", "disabled", "unregistered"] as const;
export type TeeState = (typeof TEE_STATES)[number];

/** The registry's `heartbeatMaxAge` until its admin changes it (og-evm TEERegistry.sol). */
export const REGISTRY_DEFAULT_HEARTBEAT_MAX_AGE = 1800;

export type TeeStatusInput = {
  registered: boolean;
  enabled: boolean;
  /** The registry's `lastHeartbeatAt` (block time of the last heartbeat or the registration), or null if unknown. */
  lastHeartbeatAt: bigint | number | null;
};

/**
 * A TEE's state at a block of time `now`, as the registry's `isTEEActive` judges it then: live when
 * enabled and `now - lastHeartbeatAt <= maxAge` (the registry's value at that block). A revoked PCR
 * disables its TEEs with TEEDisabled events, so `enabled` already carries it. A TEE known only from
 * its settlements is `unregistered`, whatever else is known about it.
 */
export function teeState(tee: TeeStatusInput, now: number, maxAgeSeconds: number): TeeState {
  if (!tee.registered) return "unregistered";
  if (!tee.enabled) return "disabled";
  if (tee.lastHeartbeatAt === null) return "stale";
  return now - Number(tee.lastHeartbeatAt) <= maxAgeSeconds ? "live" : "stale";
}

/**
 * The first block in (after, upTo] from which `holds` is true, given that it is false at `after`
 * and true at `upTo` and flips once in between: how a setter without an event is dated.
 */
export async function firstBlockWhere(after: number, upTo: number, holds: (block: number) => Promise<boolean>): Promise<number> {
  let low = after;
  let high = upTo;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await holds(middle)) high = middle;
    else low = middle;
  }
  return high;
}

/** Settlement lag in whole seconds; negative when the TEE's clock runs ahead of the chain's. */
export function settlementLag(blockTimestamp: bigint, inferenceTimestamp: bigint): bigint {
  return blockTimestamp - inferenceTimestamp;
}

/** One histogram cell: `count` settlements had a lag of exactly `lag` seconds. */
export type LagBin = { lag: number; count: number };

/**
 * Nearest-rank percentile: the smallest lag L such that at least p% of the settlements have a lag
 * of L or less, i.e. the value at 1-based rank ceil(p/100 × N) of the sorted lags. It is always a
 * lag that occurred. Null when there are no settlements. Bins may come unsorted and repeat a lag.
 */
export function lagPercentile(bins: readonly LagBin[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...bins].filter((bin) => bin.count > 0).sort((a, b) => a.lag - b.lag);
  const total = sorted.reduce((sum, bin) => sum + bin.count, 0);
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const bin of sorted) {
    seen += bin.count;
    if (seen >= rank) return bin.lag;
  }
  return sorted[sorted.length - 1]!.lag;
}

export const WINDOWS = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24 } as const;
export type WindowName = keyof typeof WINDOWS;

/**
 * The hourly buckets a status window covers, as inclusive hour numbers. A named window is the last
 * N hours ending with the hour of `latest` (the current, partial hour included); an explicit
 * range covers every hour from the hour of `from` through the hour of `to`.
 */
export function windowHours(
  window: { name: WindowName } | { from: number; to: number },
  latest: number,
): { firstHour: number; lastHour: number } {
  if ("name" in window) {
    const lastHour = hourOf(latest);
    return { firstHour: lastHour - WINDOWS[window.name] + 1, lastHour };
  }
  return { firstHour: hourOf(window.from), lastHour: hourOf(window.to) };
}

/**
 * Splits an inclusive range of hours into the whole UTC days inside it and the edge hours outside
 * those days, so a histogram query reads one daily cell per lag for each whole day: a 30-day window
 * reads about 30 + 46 cells per lag instead of 720.
 */
export function splitWindow(firstHour: number, lastHour: number) {
  const firstDay = Math.ceil(firstHour / 24);
  const lastDay = Math.floor((lastHour + 1) / 24) - 1;
  if (firstDay > lastDay) return { days: null, hours: [{ first: firstHour, last: lastHour }] };
  const hours = [
    { first: firstHour, last: firstDay * 24 - 1 },
    { first: (lastDay + 1) * 24, last: lastHour },
  ].filter((range) => range.first <= range.last);
  return { days: { first: firstDay, last: lastDay }, hours };
}

/** Day number (whole UTC days since the epoch) of an hour number. */
export const dayOfHour = (hour: number) => Math.floor(hour / 24);
