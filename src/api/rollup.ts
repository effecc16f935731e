import { db } from "ponder:api";
import { sql } from "ponder";
import { markFinal } from "../../lib/list-body";
import { fillSeries, type SeriesRow } from "../../lib/series";
import { type Interval, nextPeriod, periodStart, SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../../lib/time";
import { settledGeneration } from "./http";
import { type RollupSpec, rollupRangeQuery } from "./queries/rollup";
import { type NamedStatement, namedStatement } from "./queries/statements";

export type RollupRequest = {
  interval: Interval;
  from: number;
  to: number;
  /** For a defaulted `from`: begin at the first period with data rather than pad the years before it. */
  startAtFirstData?: boolean;
  /** Values of the placeholders in the spec's `where`. */
  params?: Record<string, unknown>;
  /** The answer's `settledTime`: periods that ended by then are final, remembered and not read again. */
  settledUntil: number | null;
};

/** Final periods remembered per series, at most (a row is about half a kilobyte): two years of hours. */
const MAX_FINAL_PERIODS = 20_000;

/**
 * Rolls a snapshot table (id = hour number, or day number with `bucket: "day"`) up to `interval`
 * periods in SQL, then fills the gaps: the cost is the number of buckets in the range, never the
 * number of events. Flows are summed; closing values are the last bucket's. Within `where`, one row
 * per bucket. Each interval's statement is built once, its bucket range a parameter: building it
 * took more of a 90-day series' time than the database took to answer it.
 */
export function defineRollup(spec: RollupSpec): (request: RollupRequest) => Promise<SeriesRow[]> {
  const seconds = spec.bucket === "day" ? SECONDS_PER_DAY : SECONDS_PER_HOUR;
  const bucketOf = (timestamp: number) => Math.floor(timestamp / seconds);
  const flows = spec.flows ?? {};
  const closing = spec.closing ?? {};
  const flowZeros = Object.fromEntries(Object.entries(flows).map(([key, { kind }]) => [key, kind === "count" ? 0 : "0"]));
  const closingKeys = Object.keys(closing);
  const counts = Object.entries({ ...flows, ...closing })
    .filter(([, { kind }]) => kind === "count")
    .map(([key]) => key);
  // Amounts arrive as text (exact decimals) and stay strings; counts become numbers.
  const typed = (row: SeriesRow): SeriesRow => {
    row.timestamp = Number(row.timestamp);
    for (const key of counts) if (row[key] !== null && row[key] !== undefined) row[key] = Number(row[key]);
    return row;
  };

  let firstData: NamedStatement<{ bucket: string | number | bigint | null }> | undefined;
  const firstDataStatement = () =>
    (firstData ??= namedStatement(
      db,
      sql`select min(${spec.id})::bigint as bucket from ${spec.table}${spec.where ? sql` where ${spec.where}` : sql``}`,
    ));
  const statements = new Map<Interval, NamedStatement<SeriesRow>>();
  const rangeStatement = (interval: Interval) => {
    let statement = statements.get(interval);
    if (statement === undefined) {
      statement = namedStatement(db, rollupRangeQuery(spec, interval));
      statements.set(interval, statement);
    }
    return statement;
  };

  /** Final periods' filled rows by series (interval and `where` values) and period start. */
  const finalPeriods = new Map<string, Map<number, SeriesRow>>();
  let finalCount = 0;
  let finalGeneration = settledGeneration();
  const finalRowsOf = (request: RollupRequest) => {
    if (finalGeneration !== settledGeneration() || finalCount >= MAX_FINAL_PERIODS) {
      finalPeriods.clear();
      finalCount = 0;
      finalGeneration = settledGeneration();
    }
    const key = request.params ? `${request.interval}:${JSON.stringify(request.params)}` : request.interval;
    let rows = finalPeriods.get(key);
    if (rows === undefined) {
      rows = new Map();
      finalPeriods.set(key, rows);
    }
    return rows;
  };

  return async (request) => {
    let from = request.from;
    if (request.startAtFirstData) {
      const [first] = await firstDataStatement()(request.params);
      if (first?.bucket !== null && first?.bucket !== undefined) from = Math.max(from, Number(first.bucket) * seconds);
    }
    // Periods that had ended by the settled time cannot change (no reorg reaches them), so the rows of
    // a range's leading final periods are those of any earlier answer: only the rest is read.
    const final = finalRowsOf(request);
    const remembered: SeriesRow[] = [];
    let start = periodStart(from, request.interval);
    for (let row = final.get(start); row !== undefined && start <= request.to; row = final.get(start)) {
      remembered.push(row);
      start = nextPeriod(start, request.interval);
    }
    if (start > request.to) return remembered;

    const lastBucket = bucketOf(request.to);
    const rows = await rangeStatement(request.interval)({ ...request.params, firstBucket: bucketOf(start), lastBucket });
    const openingIndex = rows.findIndex((row) => row.timestamp === null);
    const [openingRow] = openingIndex === -1 ? [null] : rows.splice(openingIndex, 1);
    const read = fillSeries(rows.map(typed), {
      from: start,
      to: request.to,
      interval: request.interval,
      flows: flowZeros,
      closing: closingKeys,
      opening: openingRow ? typed(openingRow) : null,
    });
    // A period is kept once it ended by the settled time and the range held all of it (`to` may cut
    // the last one short).
    const keepBefore = Math.min(request.settledUntil ?? Number.NEGATIVE_INFINITY, (lastBucket + 1) * seconds);
    for (const row of read) {
      const periodStartTime = row.timestamp as number;
      if (nextPeriod(periodStartTime, request.interval) > keepBefore) break;
      if (!final.has(periodStartTime)) {
        final.set(periodStartTime, markFinal(row));
        finalCount++;
      }
    }
    return remembered.length === 0 ? read : remembered.concat(read);
  };
}
