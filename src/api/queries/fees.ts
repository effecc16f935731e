import type { SQL } from "drizzle-orm";
import { and, eq, gte, lte, sql } from "ponder";
import { type HourRange, splitIntoDays } from "../../../lib/fees";
import { SECONDS_PER_HOUR } from "../../../lib/time";
import { feeHourly, feePayerHour, feePayerPeriod, feePayment, feePeriod } from "../../../schema/fees";
import { type ExecDb, type NamedStatement, namedStatement, preparedOnce, type ReadDb } from "./statements";

/** A window of the fee summary: its hours read from the buckets, and with `open` the hour it ends in, counted up to a block. */
export type FeeWindowRead = { closed: HourRange; open: { hour: number; block: number } | null };

export type FeeWindowSums = { volume: bigint; count: number; anomalies: number; otherTokenSettlements: number; uniquePayers: number };

/**
 * The open hour's payments and anomalies mined by the block, and what its bucket says of the whole
 * hour: other-token settlements and the last block with fee activity.
 */
export type OpenHourRead = { count: number; anomalies: number; otherInHour: number; hourLastBlock: number | null };

const placeholder = (window: "current" | "previous", name: string) => sql.placeholder(`${window}${name}`);

/** The payment rows that count as payments by the hourly bucket's own rule; the rest are anomalies. */
const paid = sql`not ${feePayment.anomaly} and ${feePayment.payer} is not null and ${feePayment.payee} is not null`;

/**
 * One window's bucket sums and its exact distinct payers: payer-day rows for its whole days,
 * payer-hour rows for the hours either side, and for the current window the open hour's payers. Every
 * part is always there, an unused one as an empty range, so the statement's text never changes.
 */
const windowSums = (window: "current" | "previous", index: number) => {
  const at = (name: string) => placeholder(window, name);
  const open = window === "current" ? sql` union all select payer from open_payments where paid` : sql``;
  return sql`select ${sql.raw(String(index))} as window, coalesce(sum(${feeHourly.volume}), 0)::text as volume,
      coalesce(sum(${feeHourly.count}), 0)::int as count, coalesce(sum(${feeHourly.anomalies}), 0)::int as anomalies,
      coalesce(sum(${feeHourly.otherTokenSettlements}), 0)::int as other,
      (select count(distinct payer)::int from (
        select ${feePayerHour.payer} as payer from ${feePayerHour} where ${feePayerHour.hour} between ${at("FirstHoursFrom")} and ${at("FirstHoursTo")}
        union all select ${feePayerHour.payer} from ${feePayerHour} where ${feePayerHour.hour} between ${at("LastHoursFrom")} and ${at("LastHoursTo")}
        union all select ${feePayerPeriod.payer} from ${feePayerPeriod}
          where ${feePayerPeriod.interval} = 'day' and ${feePayerPeriod.start} between ${at("DaysFrom")} and ${at("DaysTo")}${open}
      ) as presence)::text as payers, null::text as other_in_hour, null::text as hour_last_block
    from ${feeHourly} where ${feeHourly.id} between ${at("From")} and ${at("To")}`;
};

/**
 * The fee summary's two windows in one statement: the current window's closed hours and the open hour
 * it ends in (its payments mined by the block, from the payment rows, and the hour's bucket), and the
 * previous window. Row 0 is the current window's closed hours, 1 the previous window, 2 the open hour.
 */
export function feeWindowsQuery(): SQL {
  return sql`with open_payments as (
    select ${feePayment.payer} as payer, ${feePayment.amount} as amount, ${paid} as paid from ${feePayment}
    where ${feePayment.timestamp} >= ${sql.placeholder("openStart")} and ${feePayment.timestamp} < ${sql.placeholder("openEnd")}
      and ${feePayment.blockNumber} <= ${sql.placeholder("openBlock")}
  )
  ${windowSums("current", 0)}
  union all ${windowSums("previous", 1)}
  union all select 2, coalesce(sum(amount) filter (where paid), 0)::text, (count(*) filter (where paid))::int,
    (count(*) filter (where not paid))::int, 0, null,
    (select ${feeHourly.otherTokenSettlements} from ${feeHourly} where ${feeHourly.id} = ${sql.placeholder("openHour")})::text,
    (select ${feeHourly.lastBlock} from ${feeHourly} where ${feeHourly.id} = ${sql.placeholder("openHour")})::text
  from open_payments`;
}

type Row = {
  window: number;
  volume: string;
  count: number;
  anomalies: number;
  other: number;
  payers: string | null;
  other_in_hour: string | null;
  hour_last_block: string | null;
};
const statement = preparedOnce((db: ExecDb): NamedStatement<Row> => namedStatement(db, feeWindowsQuery()));

const EMPTY = { from: 0, to: -1 };

/** The placeholders of one window's hours: the bucket range, and the payer rows' hours and days split as `splitIntoDays` splits them. */
function windowValues(window: "current" | "previous", closed: HourRange): Record<string, number> {
  const nonEmpty = closed.fromHour <= closed.toHour;
  const { days, hours } = nonEmpty ? splitIntoDays(closed) : { days: null, hours: [] };
  const [first, last] = [hours[0], hours[1]].map((part) => (part ? { from: part.fromHour, to: part.toHour } : EMPTY));
  const dayStarts = days ? { from: days.fromStart, to: days.toStart } : EMPTY;
  return {
    [`${window}From`]: closed.fromHour,
    [`${window}To`]: closed.toHour,
    [`${window}FirstHoursFrom`]: first!.from,
    [`${window}FirstHoursTo`]: first!.to,
    [`${window}LastHoursFrom`]: last!.from,
    [`${window}LastHoursTo`]: last!.to,
    [`${window}DaysFrom`]: dayStarts.from,
    [`${window}DaysTo`]: dayStarts.to,
  };
}

/** The values of `feeWindowsQuery`'s placeholders; a window without an open hour reads an empty one. */
export function feeWindowsValues(current: FeeWindowRead, previous: HourRange): Record<string, number> {
  const open = current.open;
  return {
    ...windowValues("current", current.closed),
    ...windowValues("previous", previous),
    openStart: open ? open.hour * SECONDS_PER_HOUR : 0,
    openEnd: open ? (open.hour + 1) * SECONDS_PER_HOUR : 0,
    openBlock: open ? open.block : -1,
    openHour: open ? open.hour : -1,
  };
}

const sumsOf = (row: Row): FeeWindowSums => ({
  volume: BigInt(row.volume),
  count: Number(row.count),
  anomalies: Number(row.anomalies),
  otherTokenSettlements: Number(row.other),
  uniquePayers: Number(row.payers ?? 0),
});

/**
 * The current and previous windows' sums, the current one with its open hour's payments added, and
 * what the open hour's bucket says about other-token settlements (which keep no rows, so an open hour
 * with some after its block must count them from the chain).
 */
export async function feeWindows(
  db: ExecDb,
  current: FeeWindowRead,
  previous: HourRange,
): Promise<{ current: FeeWindowSums; previous: FeeWindowSums; open: OpenHourRead }> {
  const rows = await statement(db)(feeWindowsValues(current, previous));
  const byWindow = (index: number) => rows.find((row) => Number(row.window) === index)!;
  const [closedSums, openRow] = [sumsOf(byWindow(0)), byWindow(2)];
  const openSums = sumsOf(openRow);
  return {
    current: {
      ...closedSums,
      volume: closedSums.volume + openSums.volume,
      count: closedSums.count + openSums.count,
      anomalies: closedSums.anomalies + openSums.anomalies,
    },
    previous: sumsOf(byWindow(1)),
    open: {
      count: openSums.count,
      anomalies: openSums.anomalies,
      otherInHour: Number(openRow.other_in_hour ?? 0),
      hourLastBlock: openRow.hour_last_block === null ? null : Number(openRow.hour_last_block),
    },
  };
}

const uniquePayersStatement = preparedOnce((db: ReadDb) =>
  db
    .select({ start: feePeriod.start, uniquePayers: feePeriod.uniquePayers })
    .from(feePeriod)
    .where(
      and(
        eq(feePeriod.interval, sql.placeholder("interval")),
        gte(feePeriod.start, sql.placeholder("from")),
        lte(feePeriod.start, sql.placeholder("to")),
      ),
    )
    .prepare("opg_fee_period_payers"),
);

/** Distinct payers per day, week or month from the period starting at `fromStart` to `to`, counted at write time: one row per period. */
export async function uniquePayersByPeriod(db: ReadDb, interval: "day" | "week" | "month", fromStart: number, to: number) {
  const rows = await uniquePayersStatement(db).execute({ interval, from: String(fromStart), to: String(to) });
  return new Map(rows.map((row) => [Number(row.start), row.uniquePayers]));
}
