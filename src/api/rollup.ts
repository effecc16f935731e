import { db } from "ponder:api";
import type { SQL as DrizzleSql } from "drizzle-orm";
import type { PgView } from "drizzle-orm/pg-core";
import { type PgColumn, type PgTable, sql } from "ponder";
import { fillSeries, type SeriesRow } from "../../lib/series";
import { type Interval, periodStart, SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../../lib/time";
import { executeNamed } from "./queries/statements";

type Kind = "amount" | "count";
type SQL = ReturnType<typeof sql>;
/** A table's column, or a view's (an aliased expression). */
type Column = PgColumn | DrizzleSql.Aliased;
/** How a flow combines its hours: summed by default; min/max for per-bucket extremes. */
type Aggregate = "sum" | "min" | "max";

/**
 * Rolls a snapshot table (id = hour number, or day number with `bucket: "day"`) up to `interval`
 * periods in SQL, then fills the gaps: the cost is the number of buckets in the range, never the
 * number of events. Flows are summed; closing values are the last bucket's. Within `where`, one row
 * per bucket.
 */
export async function rollupHourly(options: {
  table: PgTable | PgView;
  id: Column;
  interval: Interval;
  from: number;
  to: number;
  flows?: Record<string, { column: Column | SQL; kind: Kind; aggregate?: Aggregate }>;
  closing?: Record<string, { column: Column; kind: Kind }>;
  where?: SQL;
  /** For a defaulted `from`: begin at the first period with data rather than pad the years before it. */
  startAtFirstData?: boolean;
  /** The table's bucket: a daily table serves day, week and month series from 24 times fewer rows. */
  bucket?: "hour" | "day";
}): Promise<SeriesRow[]> {
  const seconds = options.bucket === "day" ? SECONDS_PER_DAY : SECONDS_PER_HOUR;
  const bucketOf = (timestamp: number) => Math.floor(timestamp / seconds);
  const flows = options.flows ?? {};
  const closing = options.closing ?? {};
  const scopeFirst = options.where ? sql` where ${options.where}` : sql``;
  if (options.startAtFirstData) {
    const [first] = await executeNamed<{ bucket: string | number | bigint | null }>(
      db,
      sql`select min(${options.id})::bigint as bucket from ${options.table}${scopeFirst}`,
    );
    if (first?.bucket !== null && first?.bucket !== undefined) {
      options = { ...options, from: Math.max(options.from, Number(first.bucket) * seconds) };
    }
  }
  const firstBucket = bucketOf(periodStart(options.from, options.interval));
  const lastBucket = bucketOf(options.to);
  const scope = options.where ? sql` and ${options.where}` : sql``;

  // A series at the table's own bucket length reads its rows as they are: an index range, no grouping.
  const direct = options.interval === (options.bucket ?? "hour");
  const period = direct
    ? sql`${options.id}::bigint * ${seconds}`
    : sql`extract(epoch from date_trunc(${options.interval}, to_timestamp(${options.id}::bigint * ${seconds}) at time zone 'UTC'))::bigint`;
  const selections = [
    sql`${period} as "timestamp"`,
    ...Object.entries(flows).map(([key, { column, aggregate }]) =>
      direct
        ? sql`coalesce(${column}, 0)::text as ${sql.identifier(key)}`
        : sql`coalesce(${sql.raw(aggregate ?? "sum")}(${column}), 0)::text as ${sql.identifier(key)}`,
    ),
    ...Object.entries(closing).map(([key, { column }]) =>
      direct
        ? sql`${column}::text as ${sql.identifier(key)}`
        : sql`(array_agg(${column} order by ${options.id} desc))[1]::text as ${sql.identifier(key)}`,
    ),
  ];
  const closingEntries = Object.entries(closing);
  // The last bucket before the range (closing values carried into its first periods) in the same
  // statement: one round trip per series. Its timestamp is null, which no period's is.
  const opening =
    closingEntries.length === 0
      ? sql``
      : sql` union all (select null::bigint, ${sql.join(
          [...Object.keys(flows).map(() => sql`null::text`), ...closingEntries.map(([, { column }]) => sql`${column}::text`)],
          sql`, `,
        )} from ${options.table} where ${options.id} < ${firstBucket}${scope} order by ${options.id} desc limit 1)`;
  const rows = await executeNamed<SeriesRow>(
    db,
    sql`(select ${sql.join(selections, sql`, `)} from ${options.table}
        where ${options.id} >= ${firstBucket} and ${options.id} <= ${lastBucket}${scope}
        ${direct ? sql`order by ${options.id}` : sql`group by 1 order by 1`})${opening}`,
  );
  const openingIndex = rows.findIndex((row) => row.timestamp === null);
  const [openingRow] = openingIndex === -1 ? [null] : rows.splice(openingIndex, 1);

  const counts = Object.entries({ ...flows, ...closing })
    .filter(([, { kind }]) => kind === "count")
    .map(([key]) => key);
  // Amounts arrive as text (exact decimals) and stay strings; counts become numbers.
  const typed = (row: SeriesRow): SeriesRow => {
    row.timestamp = Number(row.timestamp);
    for (const key of counts) if (row[key] !== null && row[key] !== undefined) row[key] = Number(row[key]);
    return row;
  };

  return fillSeries(rows.map(typed), {
    from: options.from,
    to: options.to,
    interval: options.interval,
    flows: Object.fromEntries(Object.entries(flows).map(([key, { kind }]) => [key, kind === "count" ? 0 : "0"])),
    closing: Object.keys(closing),
    opening: openingRow ? typed(openingRow) : null,
  });
}
