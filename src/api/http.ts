import { db } from "ponder:api";
import type { Context, MiddlewareHandler } from "hono";
import { sql } from "ponder";
import { type Address, isAddress } from "viem";
import { z } from "zod";
import { type ChainProgress, decodeCheckpoint } from "../../lib/checkpoint";
import { CHAIN_NAMES, type ChainName } from "../../lib/config";
import { appConfig } from "../../lib/env";
import { bodyDigest, csvList, jsonList } from "../../lib/list-body";
import { INTERVALS, type Interval, parseTime } from "../../lib/time";

/** An error the client caused or asked for; rendered as `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = "bad_request") => new ApiError(400, code, message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);

export function errorResponse(c: Context, error: unknown) {
  if (error instanceof ApiError) {
    return c.json({ error: { code: error.code, message: error.message } }, error.status);
  }
  console.error(error);
  return c.json({ error: { code: "internal", message: "internal error" } }, 500);
}

/** Validates query parameters; every failure is a 400 naming the parameter. */
export function parseQuery<T extends z.ZodTypeAny>(c: Context, schema: T): z.infer<T> {
  const query = c.req.query();
  for (const [name, value] of Object.entries(query)) {
    // Coercion would read a blank `atBlock=` as 0: a parameter is either absent or has a value.
    if (value.trim() === "") throw badRequest(`${name}: must not be blank`, "invalid_parameter");
  }
  const result = schema.safeParse(query);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = issue.path.join(".") || "query";
    throw badRequest(`${name}: ${issue.message}`, "invalid_parameter");
  }
  return result.data;
}

export function parseAddressParam(value: string, name = "address"): Address {
  if (!isAddress(value, { strict: false })) {
    throw badRequest(`${name}: "${value}" is not a 0x-prefixed 20-byte hex address`, "invalid_address");
  }
  return value.toLowerCase() as Address;
}

/** 9999-12-31T23:59:59Z: later instants break calendar arithmetic (an invalid Date, then a 500). */
const MAX_TIMESTAMP = 253_402_300_799;
/** A point in time: unix seconds or an ISO 8601 date, in UTC unless the date carries an offset. */
export const timeParam = z.string().transform((value, ctx) => {
  const seconds = parseTime(value);
  if (seconds === null || seconds < 0 || seconds > MAX_TIMESTAMP) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `"${value}" is not unix seconds or an ISO 8601 date (UTC) before the year 10000`,
    });
    return z.NEVER;
  }
  return seconds;
});

export const intervalParam = z.enum(INTERVALS, {
  errorMap: () => ({ message: `must be one of ${INTERVALS.join(", ")}` }),
});

export const formatParam = z.enum(["json", "csv"]).default("json");

export const limitParam = (fallback: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: "must be an integer" })
    .int("must be an integer")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}`)
    .default(fallback);

export const seriesQuery = z.object({
  interval: intervalParam.default("day"),
  from: timeParam.optional(),
  to: timeParam.optional(),
  format: formatParam,
});

/** Most periods one series request may ask for: a year of hours. */
export const MAX_SERIES_POINTS = 8784;
const DEFAULT_SPAN: Record<Interval, number> = {
  hour: 7 * 86_400,
  day: 90 * 86_400,
  week: 365 * 86_400,
  month: 3 * 365 * 86_400,
};
const APPROX_PERIOD: Record<Interval, number> = { hour: 3600, day: 86_400, week: 604_800, month: 2_419_200 };

/** Resolves a series' range: `to` defaults to the latest indexed time, `from` to a span that suits the interval. */
export function seriesRange(query: { interval: Interval; from?: number; to?: number }, latest: number) {
  const to = query.to ?? latest;
  const from = query.from ?? Math.max(0, to - DEFAULT_SPAN[query.interval]);
  if (from > to) throw badRequest(`from (${from}) is after to (${to})`, "invalid_range");
  if ((to - from) / APPROX_PERIOD[query.interval] > MAX_SERIES_POINTS) {
    throw badRequest(`the range holds more than ${MAX_SERIES_POINTS} ${query.interval} buckets; narrow from/to`, "range_too_large");
  }
  return { from, to };
}

type BlockRef = { block: number; timestamp: number };
export type AsOf = Record<ChainName, BlockRef | null>;

/** Per position, each chain's last block no reorg can change any more, and its time (see `settledTime`). */
const settledPositions = new WeakMap<AsOf, Map<number, BlockRef>>();
/** Counts re-indexings seen under this server (a chain's settled block went back): what was final before is gone. */
let generation = 0;
let lastSettled = new Map<number, BlockRef>();

/** A chain's last block at or below both its finalized block (Ponder's `finalized_checkpoint`) and its latest indexed one. */
export const settledBlock = (asOf: AsOf, chain: ChainName): number | null =>
  settledPositions.get(asOf)?.get(appConfig.chains[chain].id)?.block ?? null;

/**
 * The time before which nothing the given chains indexed by `asOf` can change any more: the earliest
 * of their settled blocks' times. A series period that ended by then is final. Null while one of them
 * has not been indexed. Each series names the chains its rows come from: a quiet chain's finalized
 * block may be weeks older than a busy one's.
 */
export function settledTime(asOf: AsOf, chains: readonly ChainName[]): number | null {
  const settled = settledPositions.get(asOf);
  let time: number | null = null;
  for (const chain of chains) {
    const position = settled?.get(appConfig.chains[chain].id);
    if (!position) return null;
    time = time === null ? position.timestamp : Math.min(time, position.timestamp);
  }
  return time;
}

/** Changes when the database was indexed again from the start under a running server (`ponder serve`). */
export const settledGeneration = () => generation;

/** Each chain's latest indexed block, from Ponder's own checkpoint table. */
async function queryAsOf(): Promise<AsOf> {
  const result = await db.execute(sql`select chain_id, latest_checkpoint, finalized_checkpoint from _ponder_checkpoint`);
  const progress = new Map<number, ChainProgress>();
  const settled = new Map<number, BlockRef>();
  for (const row of result.rows as { chain_id: number | string; latest_checkpoint: string; finalized_checkpoint: string }[]) {
    const latest = decodeCheckpoint(row.latest_checkpoint);
    const finalized = decodeCheckpoint(row.finalized_checkpoint);
    progress.set(Number(row.chain_id), latest);
    settled.set(Number(row.chain_id), finalized.block < latest.block ? finalized : latest);
  }
  const asOf = {} as AsOf;
  for (const name of CHAIN_NAMES) {
    const chain = progress.get(appConfig.chains[name].id);
    asOf[name] = chain ? { block: chain.block, timestamp: chain.timestamp } : null;
  }
  for (const [chainId, before] of lastSettled) {
    if ((settled.get(chainId)?.block ?? -1) < before.block) generation++;
  }
  lastSettled = settled;
  settledPositions.set(asOf, settled);
  return asOf;
}

/**
 * How long one read of the indexed position serves every request. Under load this is the only query
 * a cached answer costs, and on PGlite each query runs on the indexer's own thread; answers may lag
 * the indexer by this much, well inside the `max-age` they advertise.
 */
export const AS_OF_TTL_MS = 250;
let known: { value: AsOf; read: number } | null = null;
let refreshing: Promise<AsOf> | null = null;

function refreshAsOf(): Promise<AsOf> {
  refreshing ??= queryAsOf()
    .then((value) => {
      known = { value, read: Date.now() };
      return value;
    })
    .finally(() => (refreshing = null));
  return refreshing;
}

/**
 * The indexed position, never waiting for the database once it has been read: an expired value is
 * still answered while one refresh runs, so /status and every cached answer stay fast when a slow
 * query holds the database (PGlite runs one query at a time).
 */
export function readAsOf(): Promise<AsOf> {
  if (!known) return refreshAsOf();
  if (Date.now() - known.read >= AS_OF_TTL_MS) refreshAsOf().catch(() => {});
  return Promise.resolve(known.value);
}

/**
 * Memoizes a read of current state per indexed position: every request that sees one position
 * shares one query, so varied URLs do not each re-read the same row.
 */
export function perPosition<T>(read: (asOf: AsOf) => Promise<T>): (asOf: AsOf) => Promise<T> {
  let last: { asOf: AsOf; value: Promise<T> } | null = null;
  return (asOf) => {
    if (last?.asOf !== asOf) {
      const value = read(asOf);
      last = { asOf, value };
      value.catch(() => {
        if (last?.value === value) last = null;
      });
    }
    return last.value;
  };
}

type Env = { Variables: { asOf: AsOf } };

/**
 * The body of a response built from a string or bytes, read without materialising it.
 * @hono/node-server (under Ponder's server) keeps such a body in a `cache` symbol and writes it to the
 * socket in one call; any read through the Response API (clone, text) turns it into a web stream that
 * is teed, re-read and written chunk by chunk. Null for any other response, which is then read the
 * standard way.
 */
function cachedBody(response: Response): string | Uint8Array | null {
  for (const symbol of Object.getOwnPropertySymbols(response)) {
    const cached: unknown = (response as unknown as Record<symbol, unknown>)[symbol];
    if (symbol.description === "cache" && Array.isArray(cached) && (typeof cached[1] === "string" || cached[1] instanceof Uint8Array)) {
      return cached[1];
    }
  }
  return null;
}

/**
 * Reads the indexed position once per request and exposes it as `c.var.asOf`. The ETag hashes the
 * answer itself (`bodyDigest`, which takes a final row's digest for its text): a reorg can replace a
 * block by another at the same height and second, so the position alone would keep a stale answer's
 * tag, and no answer is reused across requests.
 */
export const freshness: MiddlewareHandler<Env> = async (c, next) => {
  c.set("asOf", await readAsOf());
  await next();
  if (c.res.status !== 200) return;
  const body = cachedBody(c.res) ?? new Uint8Array(await c.res.clone().arrayBuffer());
  const etag = `W/"${bodyDigest(body).slice(0, 20)}"`;
  const cacheHeaders = { ETag: etag, "Cache-Control": "public, max-age=2" };
  if (c.req.header("if-none-match") === etag) {
    c.res = new Response(null, { status: 304, headers: cacheHeaders });
    return;
  }
  // On the response itself: c.header() on a finished response copies it through its body stream.
  for (const [name, value] of Object.entries(cacheHeaders)) c.res.headers.set(name, value);
};

export type ApiContext = Context<Env>;

/** A Buffer as the body type hono declares (Buffer.concat never returns shared memory). */
const bytes = (buffer: Buffer) => buffer as Uint8Array<ArrayBuffer>;

/** A list or series: JSON with its metadata, or the rows alone as CSV. */
export function listResponse(c: Context, format: "json" | "csv", rows: Record<string, unknown>[], meta: Record<string, unknown>) {
  if (format === "csv") {
    return c.body(bytes(csvList(rows)), 200, { "Content-Type": "text/csv; charset=utf-8" });
  }
  // Bytes, with the rows of final periods written once (lib/list-body.ts).
  return c.body(bytes(jsonList(meta, rows)), 200, { "Content-Type": "application/json" });
}
