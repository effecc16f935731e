import { db } from "ponder:api";
import {
  batchSettlement,
  heartbeat,
  individualSettlement,
  teeEvent,
  teeType,
  verificationHourly,
  verificationLagDaily,
  verificationLagHourly,
} from "ponder:schema";
import { Hono } from "hono";
import { and, asc, desc, eq, gte, lte, or, sql } from "ponder";
import { z } from "zod";
import { appConfig } from "../../../lib/env";
import { finalShaper } from "../../../lib/list-body";
import type { SeriesRow } from "../../../lib/series";
import { hourOf, SECONDS_PER_HOUR } from "../../../lib/time";
import { type LagBin, lagPercentile, splitWindow, TEE_STATES, WINDOWS, type WindowName, windowHours } from "../../../lib/verification";
import { asOfParams, resolveAsOf } from "../asof";
import {
  type ApiContext,
  type AsOf,
  badRequest,
  formatParam,
  limitParam,
  listResponse,
  MAX_SERIES_POINTS,
  notFound,
  parseQuery,
  perPosition,
  seriesQuery,
  seriesRange,
  settledTime,
  timeParam,
} from "../http";
import { endpoint } from "../openapi";
import { executeNamed } from "../queries/statements";
import { defineRollup } from "../rollup";
import {
  inferenceResponse,
  teeResponse,
  teesResponse,
  verificationHistoryResponse,
  verificationStatusResponse,
} from "../schemas/verification";
import { registryChain, type TeeAt, teesAt, teesAtPosition } from "../verification-asof";

export const verification = new Hono<{ Variables: { asOf: AsOf } }>();

const settlementChain = appConfig.settlementRelay?.chain ?? registryChain;

/** The time TEE states are judged at: the latest indexed block on the registry's chain. */
const registryPosition = (asOf: AsOf) => asOf[registryChain];

/** The registry chain's block an answer describes; null (no TEEs yet) only when nothing is indexed and no time was asked for. */
async function positionOf(c: ApiContext, query: { at?: number; atBlock?: number }) {
  if (!registryPosition(c.var.asOf) && query.at === undefined && query.atBlock === undefined) return null;
  return resolveAsOf(c, registryChain, query);
}
const settlementNow = (asOf: AsOf) => asOf[settlementChain]?.timestamp ?? Math.floor(Date.now() / 1000);

function parseHashParam(value: string, name: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw badRequest(`${name}: "${value}" is not a 0x-prefixed 32-byte hex hash`, "invalid_hash");
  }
  return value.toLowerCase() as `0x${string}`;
}

async function typeNames() {
  const rows = await db.select({ id: teeType.id, name: teeType.name }).from(teeType);
  return new Map(rows.map((row) => [row.id, row.name]));
}

const describeTee = ({ type, ...tee }: TeeAt, names: Map<number, string>) => ({
  ...tee,
  type,
  typeName: type === null ? null : (names.get(type) ?? null),
});

const noTees = async () => [] as TeeAt[];

function describeSettlement(row: typeof individualSettlement.$inferSelect) {
  return {
    teeId: row.teeId,
    teeRegistered: row.teeRegistered,
    user: row.user,
    inputHash: row.inputHash,
    outputHash: row.outputHash,
    inferenceTimestamp: Number(row.inferenceTimestamp),
    lagSeconds: Number(row.lagSeconds),
    walrusBlobId: row.walrusBlobId,
    block: Number(row.blockNumber),
    timestamp: Number(row.timestamp),
    transactionHash: row.transactionHash,
    logIndex: row.logIndex,
  };
}

const windowNames = Object.keys(WINDOWS) as [WindowName, ...WindowName[]];
const statusQuery = z.object({
  window: z.enum(windowNames, { errorMap: () => ({ message: `must be one of ${windowNames.join(", ")}` }) }).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  ...asOfParams,
});

function resolveWindow(query: z.infer<typeof statusQuery>, latest: number) {
  const explicit = query.from !== undefined || query.to !== undefined;
  if (explicit && query.window) throw badRequest("give window or from/to, not both", "invalid_range");
  if (!explicit) return { name: query.window ?? "24h", ...windowHours({ name: query.window ?? "24h" }, latest) };
  const to = query.to ?? latest;
  const from = query.from ?? Math.max(0, to - WINDOWS["24h"] * SECONDS_PER_HOUR);
  if (from > to) throw badRequest(`from (${from}) is after to (${to})`, "invalid_range");
  const hours = windowHours({ from, to }, latest);
  if (hours.lastHour - hours.firstHour + 1 > MAX_SERIES_POINTS) {
    throw badRequest(`the window holds more than ${MAX_SERIES_POINTS} hours; narrow from/to`, "range_too_large");
  }
  return { name: null, ...hours };
}

/** What the hourly buckets of `hour` held after `block`, from the settlement rows (by their timestamp index, within the hour). */
async function openHourSettlements(hour: number, block: bigint) {
  const [start, end] = [BigInt(hour * SECONDS_PER_HOUR), BigInt((hour + 1) * SECONDS_PER_HOUR)];
  const inHour = (table: typeof individualSettlement | typeof batchSettlement) =>
    and(gte(table.timestamp, start), sql`${table.timestamp} < ${end}`, lte(table.blockNumber, block));
  const [[individual], [batches], bins] = await Promise.all([
    db
      .select({
        verified: sql<string>`count(*)`,
        unregisteredVerified: sql<string>`count(*) filter (where not ${individualSettlement.teeRegistered})`,
        lagSum: sql<string>`coalesce(sum(${individualSettlement.lagSeconds}), 0)`,
        lagMax: sql<string | null>`max(${individualSettlement.lagSeconds})`,
      })
      .from(individualSettlement)
      .where(inHour(individualSettlement)),
    db
      .select({ batches: sql<string>`count(*)`, batched: sql<string>`coalesce(sum(${batchSettlement.batchSize}), 0)` })
      .from(batchSettlement)
      .where(inHour(batchSettlement)),
    db
      .select({ lag: individualSettlement.lagSeconds, count: sql<string>`count(*)` })
      .from(individualSettlement)
      .where(inHour(individualSettlement))
      .groupBy(individualSettlement.lagSeconds),
  ]);
  return {
    verified: Number(individual?.verified ?? 0),
    unregisteredVerified: Number(individual?.unregisteredVerified ?? 0),
    lagSum: Number(individual?.lagSum ?? 0),
    lagMax: individual?.lagMax ?? null,
    batches: Number(batches?.batches ?? 0),
    batched: Number(batches?.batched ?? 0),
    bins: bins.map((bin) => ({ lag: Number(bin.lag), count: Number(bin.count) })),
  };
}

/**
 * A window's closed hours in one statement: the hourly totals summed, and the lag histogram from the
 * daily cells for whole days and the hourly cells for the hours either side (`splitWindow`). Hour
 * ranges travel as arrays, so every window shape is one named statement.
 */
async function closedWindow(firstHour: number, lastHour: number) {
  const empty = lastHour < firstHour;
  const { days, hours } = empty ? { days: null, hours: [] } : splitWindow(firstHour, lastHour);
  const list = (values: number[]) => sql`${`{${values.join(",")}}`}::int[]`;
  const [row] = await executeNamed<{
    verified: string;
    unregistered_verified: string;
    batches: string;
    batched: string;
    lag_sum: string;
    lag_max: string | null;
    bins: [string, string][];
  }>(
    db,
    sql`with bins as (
        select ${verificationLagHourly.lagSeconds} as lag, ${verificationLagHourly.count} as count
        from unnest(${list(hours.map((range) => range.first))}, ${list(hours.map((range) => range.last))}) as r(first, last)
        join ${verificationLagHourly} on ${verificationLagHourly.hour} between r.first and r.last
        union all
        select ${verificationLagDaily.lagSeconds}, ${verificationLagDaily.count} from ${verificationLagDaily}
        where ${verificationLagDaily.day} between ${days?.first ?? 1} and ${days?.last ?? 0})
      select coalesce(sum(${verificationHourly.verified}), 0)::text as verified,
        coalesce(sum(${verificationHourly.unregisteredVerified}), 0)::text as unregistered_verified,
        coalesce(sum(${verificationHourly.batches}), 0)::text as batches,
        coalesce(sum(${verificationHourly.batchedInferences}), 0)::text as batched,
        coalesce(sum(${verificationHourly.lagSum}), 0)::text as lag_sum,
        max(${verificationHourly.lagMax})::text as lag_max,
        (select coalesce(json_agg(json_build_array(lag::text, total::text)), '[]') from
          (select lag, sum(count) as total from bins group by lag) grouped) as bins
      from ${verificationHourly}
      where ${verificationHourly.id} between ${empty ? 1 : firstHour} and ${empty ? 0 : lastHour}`,
  );
  return {
    verified: Number(row?.verified ?? 0),
    unregisteredVerified: Number(row?.unregistered_verified ?? 0),
    batches: Number(row?.batches ?? 0),
    batched: Number(row?.batched ?? 0),
    lagSum: Number(row?.lag_sum ?? 0),
    lagMax: row?.lag_max ?? null,
    bins: (row?.bins ?? []).map(([lag, count]: [string, string]): LagBin => ({ lag: Number(lag), count: Number(count) })),
  };
}

endpoint({
  path: "/verification/status",
  response: verificationStatusResponse,
  tag: "verification",
  summary: "TEEs per state (live, stale, disabled, unregistered), verified vs batched inferences and settlement lag p50/p95 over a window",
  description:
    "live: the registry's isTEEActive at the block (enabled, and the last heartbeat or registration no older than the registry's heartbeatMaxAge then). at= (time) or atBlock= answer at that block of the registry's chain. Percentiles are nearest-rank over whole seconds.",
  query: statusQuery,
});
/**
 * A named window at the head is current state: read once per indexed position and window, and shared
 * by every request that sees that position.
 */
const headClosedWindow = Object.fromEntries(
  windowNames.map((name) => [
    name,
    perPosition((asOf) => {
      const { firstHour, lastHour } = windowHours({ name }, settlementNow(asOf));
      return closedWindow(firstHour, lastHour);
    }),
  ]),
) as Record<WindowName, (asOf: AsOf) => ReturnType<typeof closedWindow>>;

verification.get("/verification/status", async (c: ApiContext) => {
  const query = parseQuery(c, statusQuery);
  const position = await positionOf(c, query);
  const asOfQuery = query.at !== undefined || query.atBlock !== undefined;
  const window = resolveWindow(query, asOfQuery && position ? position.timestamp : settlementNow(c.var.asOf));
  // As of a block, the hour it is in is still open: counted from the settlements mined by then.
  const settlementAt = asOfQuery ? (settlementChain === registryChain ? position : await resolveAsOf(c, settlementChain, query)) : null;
  const openHour =
    settlementAt && hourOf(settlementAt.timestamp) === window.lastHour
      ? { hour: window.lastHour, block: BigInt(settlementAt.block) }
      : null;
  const closedLastHour = openHour ? window.lastHour - 1 : window.lastHour;
  const [tees, closed, open] = await Promise.all([
    position ? teesAtPosition(c.var.asOf, position) : noTees(),
    !asOfQuery && window.name !== null ? headClosedWindow[window.name](c.var.asOf) : closedWindow(window.firstHour, closedLastHour),
    openHour ? openHourSettlements(openHour.hour, openHour.block) : null,
  ]);
  const totals = {
    verified: closed.verified + (open?.verified ?? 0),
    unregisteredVerified: closed.unregisteredVerified + (open?.unregisteredVerified ?? 0),
    batches: closed.batches + (open?.batches ?? 0),
    batched: closed.batched + (open?.batched ?? 0),
    lagSum: closed.lagSum + (open?.lagSum ?? 0),
    lagMax: [closed.lagMax, open?.lagMax].filter((lag) => lag !== null && lag !== undefined).map(Number),
  };
  const bins = [...closed.bins, ...(open?.bins ?? [])];

  const byState = Object.fromEntries(TEE_STATES.map((state) => [state, 0])) as Record<(typeof TEE_STATES)[number], number>;
  for (const tee of tees) byState[tee.state]++;

  const { verified, batched } = totals;
  return c.json({
    tees: { ...byState, total: tees.length },
    heartbeatMaxAgeSeconds: appConfig.teeHeartbeatMaxAgeSeconds ?? "registry",
    window: {
      name: window.name,
      from: window.firstHour * SECONDS_PER_HOUR,
      to: (window.lastHour + 1) * SECONDS_PER_HOUR - 1,
      hours: window.lastHour - window.firstHour + 1,
    },
    inferences: {
      verified,
      unregisteredVerified: totals.unregisteredVerified,
      batched,
      batches: totals.batches,
      total: verified + batched,
      verifiedShare: verified + batched > 0 ? verified / (verified + batched) : null,
    },
    lag: {
      unit: "seconds",
      settlements: verified,
      p50: lagPercentile(bins, 50),
      p95: lagPercentile(bins, 95),
      mean: verified > 0 ? totals.lagSum / verified : null,
      max: totals.lagMax.length > 0 ? Math.max(...totals.lagMax) : null,
    },
    asOf: position,
  });
});

const teeListQuery = z.object({
  state: z.enum(TEE_STATES, { errorMap: () => ({ message: `must be one of ${TEE_STATES.join(", ")}` }) }).optional(),
  type: z.coerce
    .number({ invalid_type_error: "must be a TEE type id (0-255)" })
    .int("must be a TEE type id (0-255)")
    .min(0, "must be a TEE type id (0-255)")
    .max(255, "must be a TEE type id (0-255)")
    .optional(),
  limit: limitParam(100, 1000),
  format: formatParam,
  ...asOfParams,
});

/** States depend on the latest block time, so the filter runs after classification; TEEs number in the hundreds at most. */
endpoint({
  path: "/verification/tees",
  response: teesResponse,
  tag: "verification",
  summary: "TEE nodes with their state, filterable by state and type",
  query: teeListQuery,
  csv: true,
});
verification.get("/verification/tees", async (c: ApiContext) => {
  const query = parseQuery(c, teeListQuery);
  const position = await positionOf(c, query);
  const tees = !position
    ? noTees()
    : query.type === undefined
      ? teesAtPosition(c.var.asOf, position)
      : teesAt(position, { type: query.type });
  const [rows, names] = await Promise.all([tees, typeNames()]);
  const matching = rows.map((row) => describeTee(row, names)).filter((tee) => query.state === undefined || tee.state === query.state);
  return listResponse(c, query.format, matching.slice(0, query.limit), { total: matching.length, asOf: position });
});

const teeQuery = z.object({ limit: limitParam(20, 500) });
endpoint({
  path: "/verification/tees/:teeId",
  response: teeResponse,
  tag: "verification",
  summary: "One TEE: owner, type, state, heartbeats and its latest settlements",
  params: { teeId: "bytes32 TEE id, 0x-prefixed" },
  query: teeQuery,
  notFound: "No such TEE in the registry or in any settlement",
});
verification.get("/verification/tees/:teeId", async (c: ApiContext) => {
  const teeId = parseHashParam(c.req.param("teeId") ?? "", "teeId");
  const query = parseQuery(c, teeQuery);
  const position = registryPosition(c.var.asOf);
  const [row] = position ? await teesAt(position, { teeId }) : [];
  if (!row) throw notFound(`TEE ${teeId} has not been seen in the registry or in any settlement`);
  const [names, events, heartbeats, settlements] = await Promise.all([
    typeNames(),
    db
      .select()
      .from(teeEvent)
      .where(and(eq(teeEvent.teeId, teeId), lte(teeEvent.blockNumber, BigInt(position!.block))))
      .orderBy(asc(teeEvent.blockNumber), asc(teeEvent.logIndex)),
    db
      .select()
      .from(heartbeat)
      .where(and(eq(heartbeat.teeId, teeId), lte(heartbeat.blockNumber, BigInt(position!.block))))
      .orderBy(desc(heartbeat.blockNumber), desc(heartbeat.logIndex))
      .limit(query.limit),
    db
      .select()
      .from(individualSettlement)
      .where(and(eq(individualSettlement.teeId, teeId), lte(individualSettlement.blockNumber, BigInt(position!.block))))
      .orderBy(desc(individualSettlement.blockNumber), desc(individualSettlement.logIndex))
      .limit(query.limit),
  ]);
  return c.json({
    ...describeTee(row, names),
    events: events.map((event) => ({
      kind: event.kind,
      block: Number(event.blockNumber),
      timestamp: Number(event.timestamp),
      transactionHash: event.transactionHash,
    })),
    recentHeartbeats: heartbeats.map((beat) => ({
      registry: beat.registry,
      heartbeatTimestamp: Number(beat.heartbeatTimestamp),
      block: Number(beat.blockNumber),
      timestamp: Number(beat.timestamp),
      transactionHash: beat.transactionHash,
    })),
    recentSettlements: settlements.map(describeSettlement),
    asOf: registryPosition(c.var.asOf),
  });
});

endpoint({
  path: "/verification/inferences/:hash",
  response: inferenceResponse,
  tag: "verification",
  summary: "Whether an inference was verified on-chain, by its input or its output hash",
  params: { hash: "bytes32 input or output hash, 0x-prefixed" },
  notFound: "Not found among individually settled (verified) inferences; batched inferences are committed only as Merkle roots",
});
verification.get("/verification/inferences/:hash", async (c: ApiContext) => {
  const hash = parseHashParam(c.req.param("hash") ?? "", "hash");
  const rows = await db
    .select()
    .from(individualSettlement)
    .where(or(eq(individualSettlement.inputHash, hash), eq(individualSettlement.outputHash, hash)))
    .orderBy(asc(individualSettlement.blockNumber), asc(individualSettlement.logIndex))
    .limit(100);
  const asOf = c.var.asOf[settlementChain];
  if (rows.length === 0) {
    return c.json(
      {
        error: {
          code: "not_found",
          message: `no individual settlement has ${hash} as input or output hash (inferences settled in a batch are not indexed one by one)`,
        },
        hash,
        state: "not found",
        asOf,
      },
      404,
    );
  }
  return c.json({
    hash,
    state: "verified",
    settlements: rows.map((row) => ({
      matchedOn: row.inputHash === hash ? "input" : "output",
      ...describeSettlement(row),
    })),
    asOf,
  });
});

/** The verification series' hourly rows. */
const verificationByPeriod = defineRollup({
  table: verificationHourly,
  id: verificationHourly.id,
  flows: {
    verified: { column: verificationHourly.verified, kind: "count" },
    unregisteredVerified: { column: verificationHourly.unregisteredVerified, kind: "count" },
    batches: { column: verificationHourly.batches, kind: "count" },
    batchedInferences: { column: verificationHourly.batchedInferences, kind: "count" },
    lagSum: { column: verificationHourly.lagSum, kind: "count" },
    maxLagSeconds: { column: verificationHourly.lagMax, kind: "count", aggregate: "max" },
  },
});

endpoint({
  path: "/verification/history",
  response: verificationHistoryResponse,
  tag: "verification",
  summary: "Verified and batched inferences, batches and settlement lag per period",
  query: seriesQuery,
  csv: true,
});
const shapeVerification = finalShaper<SeriesRow, Record<string, unknown>>();
verification.get("/verification/history", async (c: ApiContext) => {
  const query = parseQuery(c, seriesQuery);
  const { from, to } = seriesRange(query, settlementNow(c.var.asOf));
  const rows = await verificationByPeriod({
    interval: query.interval,
    from,
    to,
    startAtFirstData: query.from === undefined,
    settledUntil: settledTime(c.var.asOf, [settlementChain, registryChain]),
  });
  const data = shapeVerification(rows, ({ lagSum, maxLagSeconds, ...row }) => {
    const settled = Number(row.verified) > 0;
    return {
      ...row,
      meanLagSeconds: settled ? Number(lagSum) / Number(row.verified) : null,
      maxLagSeconds: settled ? maxLagSeconds : null,
    };
  });
  return listResponse(c, query.format, data, { interval: query.interval, from, to, asOf: c.var.asOf[settlementChain] });
});
