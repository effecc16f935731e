import { hourOf } from "./time";

/** Verification rules shared by the handlers, the API and the tests: TEE states and lag percentiles. */

export const TEE_STATES = ["live", "stale", "disabled", "unregistered"] as const;
export type TeeState = (typeof TEE_STATES)[number];

export type TeeStatusInput = {
  registered: boolean;
  enabled: boolean;
  /** Unix seconds of the last heartbeat, or null when the TEE has never sent one. */
  lastHeartbeat: bigint | number | null;
};

/**
 * A TEE's state at `now` (the latest indexed block's time on the registry's chain, not the wall
 * clock: an indexer that is behind must not call a node stale that was fine at the indexed block).
 * A TEE known only from its settlements is `unregistered`, whatever else is known about it.
 */
export function teeState(tee: TeeStatusInput, now: number, maxAgeSeconds: number): TeeState {
  if (!tee.registered) return "unregistered";
  if (!tee.enabled) return "disabled";
  if (tee.lastHeartbeat === null) return "stale";
  return now - Number(tee.lastHeartbeat) < maxAgeSeconds ? "live" : "stale";
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
