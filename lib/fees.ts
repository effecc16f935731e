import { decodeEventLog, type Hex, toEventSelector } from "viem";
import { opgTokenAbi } from "../abis/opgToken";
import { x402ProxyAbi } from "../abis/x402Proxy";
import { hourOf, type Interval, SECONDS_PER_HOUR } from "./time";

/** Fee rules shared by the X402Proxy handlers, the fee routes and the tests. */

const SETTLED_TOPICS = new Set<string>(x402ProxyAbi.map((event) => toEventSelector(event)));
const TRANSFER_TOPIC = toEventSelector(opgTokenAbi[0]);

export type ReceiptLog = { address: string; topics: readonly Hex[]; data: Hex; logIndex: number };
export type MatchedTransfer = { from: Hex; to: Hex; amount: bigint; logIndex: number };

function decodeTransfer(log: ReceiptLog): MatchedTransfer | null {
  // An ERC-721 Transfer shares the topic but has a fourth topic and no data; only ERC-20 shapes count.
  if (log.topics[0] !== TRANSFER_TOPIC || log.topics.length !== 3) return null;
  try {
    const { args } = decodeEventLog({ abi: opgTokenAbi, eventName: "Transfer", topics: log.topics as [Hex, ...Hex[]], data: log.data });
    return { from: args.from.toLowerCase() as Hex, to: args.to.toLowerCase() as Hex, amount: args.value, logIndex: log.logIndex };
  } catch {
    return null;
  }
}

/**
 * The pairing rule: a proxy moves the token and then emits `Settled*`, so each settlement claims the
 * nearest preceding OPG transfer of its own transaction that no earlier settlement claimed. That is
 * its own transfer even when a batch interleaves several (T S T S) or an unrelated OPG transfer came
 * first. Transfers of other tokens never match; a settlement with nothing left to claim gets null.
 *
 * Events arrive in log order, so the rule runs online as a stack per transaction: the token handler
 * pushes each OPG transfer, the proxy handler pops one per settlement. No receipt is needed.
 *
 * The stack is a header (whose transaction, how deep) and numbered slots 1..depth holding the
 * transfers, so a push or a pop touches one slot. A list kept in one row was rewritten whole on every
 * push: quadratic in a batch transaction's transfers, and the bench's 460-transfer transactions made
 * it most of the backfill's time.
 */
export type UnclaimedStack = { transactionHash: string; depth: number };

/** An OPG transfer is pushed onto its transaction's stack, into slot `depth` of the header returned; a new transaction starts a new stack. */
export function pushTransfer(stack: UnclaimedStack | null, transactionHash: string): UnclaimedStack {
  const depth = stack?.transactionHash === transactionHash ? stack.depth : 0;
  return { transactionHash, depth: depth + 1 };
}

/**
 * A settlement claims the most recent unclaimed transfer of its own transaction, the one in `slot`, if
 * any. `opgInTransaction` is false when the transaction moved no OPG before it: the shared proxies
 * settled another token.
 */
export function claimTransfer(
  stack: UnclaimedStack | null,
  transactionHash: string,
): { slot: number | null; stack: UnclaimedStack | null; opgInTransaction: boolean } {
  const opgInTransaction = stack?.transactionHash === transactionHash;
  if (!stack || !opgInTransaction || stack.depth === 0) return { slot: null, stack, opgInTransaction };
  return { slot: stack.depth, stack: { transactionHash, depth: stack.depth - 1 }, opgInTransaction };
}

/** The rule over one whole receipt, keyed by each settlement's log index: what the handlers compute event by event. */
export function matchSettlements(
  logs: readonly ReceiptLog[],
  options: { token: string; proxies: ReadonlySet<string> },
): Map<number, MatchedTransfer | null> {
  const token = options.token.toLowerCase();
  let stack: UnclaimedStack | null = null;
  const slots = new Map<number, MatchedTransfer>();
  const matches = new Map<number, MatchedTransfer | null>();
  for (const log of [...logs].sort((a, b) => a.logIndex - b.logIndex)) {
    const address = log.address.toLowerCase();
    if (address === token) {
      const transfer = decodeTransfer(log);
      if (transfer) {
        stack = pushTransfer(stack, "receipt");
        slots.set(stack.depth, transfer);
      }
    } else if (options.proxies.has(address) && log.topics[0] && SETTLED_TOPICS.has(log.topics[0])) {
      const result = claimTransfer(stack, "receipt");
      matches.set(log.logIndex, result.slot === null ? null : slots.get(result.slot)!);
      stack = result.stack;
    }
  }
  return matches;
}

/** Folds one payment into an hourly bucket's extremes; a bucket with no payment yet has null extremes. */
export function mergeMinMax(bucket: { minAmount: bigint | null; maxAmount: bigint | null }, amount: bigint) {
  return {
    minAmount: bucket.minAmount === null || amount < bucket.minAmount ? amount : bucket.minAmount,
    maxAmount: bucket.maxAmount === null || amount > bucket.maxAmount ? amount : bucket.maxAmount,
  };
}

/** Periods whose distinct payers are counted at write time; an hour's are in the hourly bucket itself. */
export const PAYER_PERIODS = ["day", "week", "month"] as const satisfies readonly Interval[];

export type FeeBucket = { volume: bigint; count: number; uniquePayers: number; minAmount: bigint | null; maxAmount: bigint | null };

/** One payment added to a bucket; `newPayer` says whether its payer had not paid in this bucket yet. */
export function foldPayment(bucket: FeeBucket, amount: bigint, newPayer: boolean): FeeBucket {
  return {
    volume: bucket.volume + amount,
    count: bucket.count + 1,
    uniquePayers: bucket.uniquePayers + (newPayer ? 1 : 0),
    ...mergeMinMax(bucket, amount),
  };
}

export const EMPTY_BUCKET: FeeBucket = { volume: 0n, count: 0, uniquePayers: 0, minAmount: null, maxAmount: null };

/** OPG payments as a fraction of every settlement the proxies emitted; null when there were none. */
export function opgShare(opgPayments: number, otherSettlements: number): number | null {
  const all = opgPayments + otherSettlements;
  return all > 0 ? Math.round((opgPayments / all) * 1_000_000) / 1_000_000 : null;
}

/** Mean payment, rounded down to a whole wei; null when there were no payments. */
export function averageAmount(volume: bigint, count: number): bigint | null {
  return count > 0 ? volume / BigInt(count) : null;
}

export const FEE_WINDOWS = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24 } as const;
export type FeeWindow = keyof typeof FEE_WINDOWS;
export type HourRange = { fromHour: number; toHour: number };

/**
 * A summary window is the last N whole hours ending with the hour of the latest indexed block
 * (that hour included, though it may still be filling); the previous window is the N hours before.
 * Whole hours let the summary read the hourly buckets instead of every payment.
 */
export function summaryWindows(latestTimestamp: number, window: FeeWindow): { current: HourRange; previous: HourRange } {
  const hours = FEE_WINDOWS[window];
  const toHour = hourOf(latestTimestamp);
  const current = { fromHour: toHour - hours + 1, toHour };
  return { current, previous: { fromHour: current.fromHour - hours, toHour: current.fromHour - 1 } };
}

/** The last second of the last hour that had fully passed at `timestamp` (the hour's last second included). */
export function lastClosedSecond(timestamp: number): number {
  return Math.floor((timestamp + 1) / SECONDS_PER_HOUR) * SECONDS_PER_HOUR - 1;
}

/** The seconds an hour range covers, inclusive: [start of first hour, last second of last hour]. */
export function rangeSeconds(range: HourRange) {
  return { from: range.fromHour * SECONDS_PER_HOUR, to: (range.toHour + 1) * SECONDS_PER_HOUR - 1 };
}

/**
 * Splits a run of hours into the whole UTC days inside it and the loose hours at either end, so
 * distinct payers can be counted from one presence row per payer-day instead of up to 24 payer-hours.
 * Every hour of the range is covered exactly once.
 */
export function splitIntoDays(range: HourRange): { days: { fromStart: number; toStart: number } | null; hours: HourRange[] } {
  const firstDayHour = Math.ceil(range.fromHour / 24) * 24;
  const lastDayHour = Math.floor((range.toHour + 1) / 24) * 24 - 24;
  if (firstDayHour > lastDayHour) return { days: null, hours: [range] };
  const hours = [
    { fromHour: range.fromHour, toHour: firstDayHour - 1 },
    { fromHour: lastDayHour + 24, toHour: range.toHour },
  ].filter((part) => part.fromHour <= part.toHour);
  return { days: { fromStart: firstDayHour * SECONDS_PER_HOUR, toStart: lastDayHour * SECONDS_PER_HOUR }, hours };
}

export type WindowTotals = { volume: bigint; count: number; uniquePayers: number };
export type Change = { delta: string; ratio: number | null };

/**
 * Change against the previous window: `delta` is current − previous (a decimal string, so wei stay exact),
 * `ratio` is delta / previous as a fraction (0.25 = +25 %, -1 = fell to zero), rounded to 6 decimals;
 * null when the previous value is zero, where no ratio exists.
 */
export function change(current: bigint, previous: bigint): Change {
  const delta = current - previous;
  const ratio = previous === 0n ? null : Number((delta * 1_000_000n) / previous) / 1_000_000;
  return { delta: delta.toString(), ratio };
}

export function compareWindows(current: WindowTotals, previous: WindowTotals) {
  const averageNow = averageAmount(current.volume, current.count);
  const averageBefore = averageAmount(previous.volume, previous.count);
  return {
    volume: change(current.volume, previous.volume),
    count: change(BigInt(current.count), BigInt(previous.count)),
    uniquePayers: change(BigInt(current.uniquePayers), BigInt(previous.uniquePayers)),
    average: averageNow === null || averageBefore === null ? null : change(averageNow, averageBefore),
  };
}

/** How many of `sorted` (ascending) are at most `value`: a binary search. */
export function countAtOrBelow(sorted: readonly number[], value: number): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
