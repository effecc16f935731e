import { type Interval, isoTime, periodStarts } from "./time";

export type SeriesRow = Record<string, string | number | null>;

/**
 * Turns rolled-up buckets into a continuous series: every period between `from` and `to` appears once.
 * Flows (counts, volumes) of an empty period are zero; closing values (supply, stake) carry forward
 * from the previous period, or from `opening` (the last bucket before `from`).
 */
export function fillSeries(
  rows: SeriesRow[],
  options: {
    from: number;
    to: number;
    interval: Interval;
    /** Each flow's zero: "0" for amounts (decimal strings), 0 for counts. */
    flows: Record<string, string | number>;
    closing: readonly string[];
    opening?: SeriesRow | null;
  },
): SeriesRow[] {
  const byStart = new Map(rows.map((row) => [Number(row.timestamp), row]));
  const flows = Object.entries(options.flows);
  let carried: SeriesRow = {};
  for (const key of options.closing) carried[key] = options.opening?.[key] ?? null;

  return periodStarts(options.from, options.to, options.interval).map((start) => {
    const row = byStart.get(start);
    const filled: SeriesRow = { timestamp: start, time: isoTime(start) };
    for (const [key, zero] of flows) filled[key] = row?.[key] ?? zero;
    for (const key of options.closing) filled[key] = row?.[key] ?? carried[key] ?? null;
    carried = filled;
    return filled;
  });
}
