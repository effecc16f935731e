import { db } from "ponder:api";
import { feeHourly, feePayee, feePayer, feePayerHour } from "ponder:schema";
import { Hono } from "hono";
import { desc, inArray, sql } from "ponder";
import { z } from "zod";
import { x402ProxyAbi } from "../../../abis/x402Proxy";
import { appConfig } from "../../../lib/env";
import {
  averageAmount,
  compareWindows,
  countAtOrBelow,
  FEE_WINDOWS,
  type FeeWindow,
  type HourRange,
  opgShare,
  rangeSeconds,
  summaryWindows,
  type WindowTotals,
} from "../../../lib/fees";
import { finalShaper } from "../../../lib/list-body";
import type { SeriesRow } from "../../../lib/series";
import { OPG_DECIMALS } from "../../../lib/supply";
import { hourOf, periodStart, SECONDS_PER_HOUR } from "../../../lib/time";
import { asOfParams, type BlockRef, chainClient, firstBlockFrom, resolveAsOf } from "../asof";
import {
  type ApiContext,
  ApiError,
  type AsOf,
  badRequest,
  formatParam,
  limitParam,
  listResponse,
  parseQuery,
  perPosition,
  seriesQuery,
  seriesRange,
  settledGeneration,
  settledTime,
  timeParam,
} from "../http";
import { endpoint } from "../openapi";
import { feeWindows, type OpenHourRead, uniquePayersByPeriod } from "../queries/fees";
import { bound, executeNamed, preparedOnce } from "../queries/statements";
import { defineRollup } from "../rollup";
import { feeSummaryResponse, feeTrendsResponse, payeesResponse, topPayersResponse } from "../schemas/fees";

export const fees = new Hono<{ Variables: { asOf: AsOf } }>();

const latestBaseTime = (c: ApiContext) => c.var.asOf.base?.timestamp ?? Math.floor(Date.now() / 1000);
const text = (value: bigint | null) => (value === null ? null : value.toString());

type Totals = WindowTotals & { anomalies: number; otherTokenSettlements: number };

/**
 * The summary's two windows. With `upTo`, the current window ends inside the hour of that block, still
 * open: that hour counts only the payments mined by then (`position`, the indexed position, says which
 * of the chain's hours are final).
 */
async function windowsTotals(
  current: HourRange,
  previous: HourRange,
  upTo?: { block: BlockRef; position: AsOf },
): Promise<[Totals, Totals]> {
  const open = upTo && hourOf(upTo.block.timestamp) === current.toHour ? { hour: current.toHour, block: upTo.block.block } : null;
  const read = await feeWindows(db, { closed: open ? { ...current, toHour: current.toHour - 1 } : current, open }, previous);
  const other = open ? await openHourOtherSettlements(open.hour, read.open, upTo!) : 0;
  return [{ ...read.current, otherTokenSettlements: read.current.otherTokenSettlements + other }, read.previous];
}

/**
 * Other-token settlements of an open hour up to a block. They keep no row (each costs one counter
 * upsert), so unless the bucket shows none in the hour, or none after the block (its last block is at
 * or before it), they are the proxies' settlement logs in the hour's blocks up to it, read from the
 * chain, less the settlements that became payment rows.
 */
async function openHourOtherSettlements(hour: number, read: OpenHourRead, upTo: { block: BlockRef; position: AsOf }) {
  if (read.otherInHour === 0) return 0;
  if (read.hourLastBlock !== null && read.hourLastBlock <= upTo.block.block) return read.otherInHour;
  return (await settlementLogs(hour, upTo.block, upTo.position)) - read.count - read.anomalies;
}

/** How many settlement events the proxies emitted from the first block of `hour` (or their start block) to `upTo`. */
async function settlementLogs(hour: number, upTo: BlockRef, asOf: AsOf): Promise<number> {
  const x402 = appConfig.x402;
  if (!x402) return 0;
  try {
    const settled = settledTime(asOf, [x402.chain]);
    if (settled !== null && settled >= (hour + 1) * SECONDS_PER_HOUR) {
      return countAtOrBelow(await finalHourSettlements(hour, asOf[x402.chain]!), upTo.block);
    }
    const fromBlock = Math.max(await firstBlockFrom(x402.chain, hour * SECONDS_PER_HOUR, upTo), x402.startBlock);
    return fromBlock > upTo.block ? 0 : (await settlementLogBlocks(fromBlock, upTo.block)).length;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(503, "rpc_unavailable", `could not read the proxies' settlement logs from the ${x402.chain} RPC`);
  }
}

/** The blocks of the proxies' settlement logs from one block to another, ascending, one per log. */
async function settlementLogBlocks(fromBlock: number, toBlock: number): Promise<number[]> {
  const x402 = appConfig.x402!;
  const logs = await chainClient(x402.chain).getLogs({
    address: x402.proxies.map((proxy) => proxy.address),
    events: x402ProxyAbi,
    fromBlock: BigInt(fromBlock),
    toBlock: BigInt(toBlock),
  });
  return logs.map((log) => Number(log.blockNumber)).sort((a, b) => a - b);
}

/**
 * Settlement log blocks of whole hours that ended before the settled block, by hour: a reorg can no
 * longer change them, so each hour is read from the chain once and every as-of answer in it counts
 * from memory (the RPC calls, queued behind Ponder's rate limit, were most of such an answer's time).
 */
const finalHours = new Map<number, Promise<number[]>>();
let finalHoursGeneration = settledGeneration();
const MAX_FINAL_HOURS = 5_000;

function finalHourSettlements(hour: number, head: BlockRef): Promise<number[]> {
  if (finalHoursGeneration !== settledGeneration() || finalHours.size >= MAX_FINAL_HOURS) {
    finalHours.clear();
    finalHoursGeneration = settledGeneration();
  }
  let blocks = finalHours.get(hour);
  if (blocks === undefined) {
    const x402 = appConfig.x402!;
    blocks = (async () => {
      const [first, next] = await Promise.all([
        firstBlockFrom(x402.chain, hour * SECONDS_PER_HOUR, head),
        firstBlockFrom(x402.chain, (hour + 1) * SECONDS_PER_HOUR, head),
      ]);
      const fromBlock = Math.max(first, x402.startBlock);
      return fromBlock > next - 1 ? [] : settlementLogBlocks(fromBlock, next - 1);
    })();
    finalHours.set(hour, blocks);
    // A failed read is not kept: the next answer tries again.
    blocks.catch(() => {
      if (finalHours.get(hour) === blocks) finalHours.delete(hour);
    });
  }
  return blocks;
}

function windowBody(range: HourRange, totals: Totals) {
  return {
    ...rangeSeconds(range),
    volume: totals.volume.toString(),
    count: totals.count,
    uniquePayers: totals.uniquePayers,
    average: text(averageAmount(totals.volume, totals.count)),
    anomalies: totals.anomalies,
    otherTokenSettlements: totals.otherTokenSettlements,
    opgShareOfSettlements: opgShare(totals.count, totals.anomalies + totals.otherTokenSettlements),
  };
}

const windows = Object.keys(FEE_WINDOWS) as [FeeWindow, ...FeeWindow[]];
const summaryQuery = z.object({
  window: z.enum(windows, { errorMap: () => ({ message: `must be one of ${windows.join(", ")}` }) }).default("24h"),
  ...asOfParams,
});

/**
 * The head's windows are current state: read once per indexed position and window, and shared by every
 * request that sees that position (dashboards poll the same few windows).
 */
const headWindowsTotals = Object.fromEntries(
  windows.map((window) => [
    window,
    perPosition((asOf) => {
      const { current, previous } = summaryWindows(asOf.base!.timestamp, window);
      return windowsTotals(current, previous);
    }),
  ]),
) as Record<FeeWindow, (asOf: AsOf) => Promise<[Totals, Totals]>>;

endpoint({
  path: "/fees/summary",
  response: feeSummaryResponse,
  tag: "fees",
  summary: "Fee volume, payments, unique payers and average payment over a window, with the change against the window before",
  description:
    "The window is the last 24, 168 or 720 hours ending with the hour of the latest indexed Base block, that hour counted up to the block. " +
    "With at= or atBlock=, the same as it stood at that block: the hour the block is in counts only what was mined by it; asOf names the block. " +
    "change.*.delta is current minus previous; change.*.ratio is delta / previous as a fraction, null when previous is zero.",
  query: summaryQuery,
});
fees.get("/fees/summary", async (c: ApiContext) => {
  const query = parseQuery(c, summaryQuery);
  const asOf = await resolveAsOf(c, "base", query);
  const historical = query.at !== undefined || query.atBlock !== undefined;
  const { current, previous } = summaryWindows(asOf.timestamp, query.window);
  const [now, before] = historical
    ? await windowsTotals(current, previous, { block: asOf, position: c.var.asOf })
    : await headWindowsTotals[query.window](c.var.asOf);
  return c.json({
    window: query.window,
    ...windowBody(current, now),
    previous: windowBody(previous, before),
    change: compareWindows(now, before),
    decimals: OPG_DECIMALS,
    asOf,
  });
});

/** The chain fee rows come from: the x402 proxies'. */
const feeChains = appConfig.x402 ? [appConfig.x402.chain] : [];

/** The fee series' hourly rows; uniquePayers of longer periods come from `fee_period`. */
const feesByPeriod = defineRollup({
  table: feeHourly,
  id: feeHourly.id,
  flows: {
    volume: { column: feeHourly.volume, kind: "amount" },
    count: { column: feeHourly.count, kind: "count" },
    minAmount: { column: feeHourly.minAmount, kind: "amount", aggregate: "min" },
    maxAmount: { column: feeHourly.maxAmount, kind: "amount", aggregate: "max" },
    anomalies: { column: feeHourly.anomalies, kind: "count" },
    otherTokenSettlements: { column: feeHourly.otherTokenSettlements, kind: "count" },
    hourlyPayers: { column: feeHourly.uniquePayers, kind: "count" },
  },
});

/** A final period's unique payers are final too: its shaped row is made once. */
const shapeFees = finalShaper<SeriesRow, Record<string, unknown>>();

endpoint({
  path: "/fees/trends",
  response: feeTrendsResponse,
  tag: "fees",
  summary: "Fee volume, payments, unique payers, average, min and max per hour, day, week or month",
  description: "Every period in the range appears; empty ones are zeros. Unique payers are exact for every bucket length.",
  query: seriesQuery,
  csv: true,
});
fees.get("/fees/trends", async (c: ApiContext) => {
  const query = parseQuery(c, seriesQuery);
  const { from, to } = seriesRange(query, latestBaseTime(c));
  const [buckets, payers] = await Promise.all([
    feesByPeriod({
      interval: query.interval,
      from,
      to,
      startAtFirstData: query.from === undefined,
      settledUntil: settledTime(c.var.asOf, feeChains),
    }),
    query.interval === "hour" ? null : uniquePayersByPeriod(db, query.interval, periodStart(from, query.interval), to),
  ]);
  const data = shapeFees(buckets, (bucket) => ({
    timestamp: bucket.timestamp,
    time: bucket.time,
    volume: bucket.volume,
    count: bucket.count,
    uniquePayers: payers ? (payers.get(Number(bucket.timestamp)) ?? 0) : bucket.hourlyPayers,
    average: text(averageAmount(BigInt(bucket.volume as string), Number(bucket.count))) ?? "0",
    minAmount: bucket.minAmount,
    maxAmount: bucket.maxAmount,
    anomalies: bucket.anomalies,
    otherTokenSettlements: bucket.otherTokenSettlements,
  }));
  return listResponse(c, query.format, data, {
    interval: query.interval,
    from,
    to,
    decimals: OPG_DECIMALS,
    asOf: c.var.asOf.base,
  });
});

const partyQuery = z.object({
  limit: limitParam(20, 1000),
  from: timeParam.optional(),
  to: timeParam.optional(),
  format: formatParam,
});

type PartyRow = { address: string; count: number; volume: bigint; firstTimestamp: bigint; lastTimestamp: bigint };

function partyRows(rows: PartyRow[], key: "payer" | "payee") {
  return rows.map((row, index) => ({
    rank: index + 1,
    [key]: row.address,
    volume: row.volume.toString(),
    count: row.count,
    firstPayment: Number(row.firstTimestamp),
    lastPayment: Number(row.lastTimestamp),
  }));
}

/** Payers ranked by volume within whole hours [hour of from, hour of to], from the payer-hour table. */
async function topPayersInRange(range: HourRange, limit: number): Promise<PartyRow[]> {
  const rows = await executeNamed<{ payer: `0x${string}`; volume: string; count: number | string }>(
    db,
    sql`select ${feePayerHour.payer} as payer, sum(${feePayerHour.volume})::text as volume, sum(${feePayerHour.count})::int as count
        from ${feePayerHour} where ${feePayerHour.hour} between ${range.fromHour} and ${range.toHour}
        group by 1 order by sum(${feePayerHour.volume}) desc, 1 limit ${limit}`,
  );
  if (rows.length === 0) return [];
  const totals = await db
    .select()
    .from(feePayer)
    .where(
      inArray(
        feePayer.address,
        rows.map((row) => row.payer),
      ),
    );
  const byAddress = new Map(totals.map((row) => [row.address, row]));
  return rows.map((row) => ({
    address: row.payer,
    volume: BigInt(row.volume),
    count: Number(row.count),
    firstTimestamp: byAddress.get(row.payer)?.firstTimestamp ?? 0n,
    lastTimestamp: byAddress.get(row.payer)?.lastTimestamp ?? 0n,
  }));
}

endpoint({
  path: "/fees/payers/top",
  response: topPayersResponse,
  tag: "fees",
  summary: "Payers ranked by fee volume, all time or within from/to",
  description: "With from or to, volume and count cover the whole hours from the hour of from through the hour of to.",
  query: partyQuery,
  csv: true,
});
/** All-time rankings: a backward walk of the (volume, address) index, built once. */
const topPayersStatement = preparedOnce((db) =>
  db.select().from(feePayer).orderBy(desc(feePayer.volume), feePayer.address).limit(bound.limit).prepare("opg_top_payers"),
);
const topPayeesStatement = preparedOnce((db) =>
  db.select().from(feePayee).orderBy(desc(feePayee.volume), feePayee.address).limit(bound.limit).prepare("opg_top_payees"),
);

fees.get("/fees/payers/top", async (c: ApiContext) => {
  const query = parseQuery(c, partyQuery);
  const ranged = query.from !== undefined || query.to !== undefined;
  const from = query.from ?? 0;
  const to = query.to ?? latestBaseTime(c);
  if (from > to) throw badRequest(`from (${from}) is after to (${to})`, "invalid_range");
  const range = { fromHour: hourOf(from), toHour: hourOf(to) };
  const rows = ranged ? await topPayersInRange(range, query.limit) : await topPayersStatement(db).execute({ limit: query.limit });
  return listResponse(c, query.format, partyRows(rows, "payer"), {
    ...(ranged ? rangeSeconds(range) : { from: null, to: null }),
    decimals: OPG_DECIMALS,
    asOf: c.var.asOf.base,
  });
});

const payeesQuery = z.object({ limit: limitParam(20, 1000), format: formatParam });

endpoint({
  path: "/fees/payees",
  response: payeesResponse,
  tag: "fees",
  summary: "Payees ranked by fee volume received",
  query: payeesQuery,
  csv: true,
});
fees.get("/fees/payees", async (c: ApiContext) => {
  const query = parseQuery(c, payeesQuery);
  const rows = await topPayeesStatement(db).execute({ limit: query.limit });
  return listResponse(c, query.format, partyRows(rows, "payee"), { decimals: OPG_DECIMALS, asOf: c.var.asOf.base });
});
