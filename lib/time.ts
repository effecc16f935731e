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
  // Hours need no calendar: a series fills hundreds of them per answer.
  if (interval === "hour") return Math.floor(timestamp / SECONDS_PER_HOUR) * SECONDS_PER_HOUR;
  const date = new Date(timestamp * 1000);
  switch (interval) {
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
  switch (interval) {
    case "hour":
      return start + SECONDS_PER_HOUR;
    case "day":
      return start + 86_400;
    case "week":
      return start + 7 * 86_400;
    case "month": {
      const date = new Date(start * 1000);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 1000;
    }
  }
}

/** 10000-01-01: from there toISOString writes a six-digit signed year. */
const MAX_FOUR_DIGIT_YEAR = 253_402_300_800;
const twoDigits = (value: number) => (value < 10 ? `0${value}` : String(value));
/** Date parts ("2026-09-01T") by day number: a day or week series formats a different day per row. */
const formattedDates = new Map<number, string>();
const MAX_FORMATTED_DATES = 20_000;

/**
 * `new Date(seconds * 1000).toISOString()`, for the hundreds of period starts of a series: each day's
 * date part is formatted once and remembered, the time part by hand (toISOString was half of filling a
 * 720-hour series, and a twentieth of answering a 90-day one).
 */
export function isoTime(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds >= MAX_FOUR_DIGIT_YEAR) return new Date(seconds * 1000).toISOString();
  const day = Math.floor(seconds / SECONDS_PER_DAY);
  let date = formattedDates.get(day);
  if (date === undefined) {
    if (formattedDates.size >= MAX_FORMATTED_DATES) formattedDates.clear();
    date = new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 11);
    formattedDates.set(day, date);
  }
  const inDay = seconds - day * SECONDS_PER_DAY;
  return `${date}${twoDigits(Math.floor(inDay / SECONDS_PER_HOUR))}:${twoDigits(Math.floor(inDay / 60) % 60)}:${twoDigits(inDay % 60)}.000Z`;
}

/** Every period start from the period of `from` through the period of `to`, inclusive. */
export function periodStarts(from: number, to: number, interval: Interval): number[] {
  const starts: number[] = [];
  for (let start = periodStart(from, interval); start <= to; start = nextPeriod(start, interval)) {
    starts.push(start);
  }
  return starts;
}

const UNIX_SECONDS = /^\d{1,12}$/;
/** ISO 8601 calendar date, optionally with a time; a time without an offset is read as UTC. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Unix seconds of `value`, or null unless it is unix seconds or an ISO 8601 date (UTC unless it says otherwise). */
export function parseTime(value: string): number | null {
  if (UNIX_SECONDS.test(value)) return Number(value);
  const match = ISO_8601.exec(value);
  if (!match) return null;
  const [, year, month, day, hour = "00", minute = "00", second = "00", offset = "Z"] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(local);
  // Date.UTC rolls 02-30 over into March: a date that does not exist is refused instead.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  let offsetMinutes = 0;
  if (offset !== "Z") {
    const digits = offset.replace(":", "");
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = (offset.startsWith("-") ? -1 : 1) * (hours * 60 + minutes);
  }
  return Math.floor(local / 1000) - offsetMinutes * 60;
}
