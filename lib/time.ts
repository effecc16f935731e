/** Bucketing rules shared by handlers (write time) and the API (roll-ups): one place for each. */

export const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86_400;
export const INTERVALS = ["hour", "day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

/** Hourly bucket id: whole hours since the unix epoch. */
export function hourOf(timestamp: bigint | number): number {
  return Math.floor(Number(timestamp) / SECONDS_PER_HOUR);
}

/** Daily bucket id: whole UTC days since the unix epoch. */
export function dayOf(timestamp: bigint | number): number {
  return Math.floor(Number(timestamp) / SECONDS_PER_DAY);
}

/** Start (unix seconds, UTC) of the period containing `timestamp`; weeks start on Monday as in ISO 8601 and Postgres. */
export function periodStart(timestamp: number, interval: Interval): number {
  const date = new Date(timestamp * 1000);
  switch (interval) {
    case "hour":
      return Math.floor(timestamp / SECONDS_PER_HOUR) * SECONDS_PER_HOUR;
    case "day":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) / 1000;
    case "week": {
      const mondayOffset = (date.getUTCDay() + 6) % 7;
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - mondayOffset) / 1000;
    }
    case "month":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000;
  }
}

/** Start of the period after the one that starts at `start`. */
export function nextPeriod(start: number, interval: Interval): number {
  const date = new Date(start * 1000);
  switch (interval) {
    case "hour":
      return start + SECONDS_PER_HOUR;
    case "day":
      return start + 86_400;
    case "week":
      return start + 7 * 86_400;
    case "month":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 1000;
  }
}

/** Every period start from the period of `from` through the period of `to`, inclusive. */
export function periodStarts(from: number, to: number, interval: Interval): number[] {
  const starts: number[] = [];
  for (let start = periodStart(from, interval); start <= to; start = nextPeriod(start, interval)) {
    starts.push(start);
  }
  return starts;
}
