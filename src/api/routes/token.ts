import { db } from "ponder:api";
import { account, tokenHourly, tokenSupply, transfer } from "ponder:schema";
import { Hono } from "hono";
import { desc, eq, gt, inArray, lte, or } from "ponder";
import { z } from "zod";
import { appConfig } from "../../../lib/env";
import { formatUnits, OPG_DECIMALS, OPG_MAX_SUPPLY } from "../../../lib/supply";
import { hourOf } from "../../../lib/time";
import {
  type ApiContext,
  badRequest,
  formatParam,
  limitParam,
  listResponse,
  notFound,
  parseAddressParam,
  parseQuery,
  seriesQuery,
  seriesRange,
  timeParam,
} from "../http";
import { accountResponse, supplyHistoryResponse, supplyResponse, topHoldersResponse } from "../schemas/token";
import { endpoint } from "../openapi";
import { rollupHourly } from "../rollup";

export const token = new Hono<{ Variables: { asOf: import("../http").AsOf } }>();

const emptySupply = {
  minted: 0n,
  burned: 0n,
  totalSupply: 0n,
  circulatingSupply: 0n,
  nonCirculating: 0n,
  holders: 0,
  lastBlock: 0n,
  lastTimestamp: 0n,
};

async function currentSupply() {
  const [row] = await db.select().from(tokenSupply).limit(1);
  return row ?? emptySupply;
}

async function nonCirculatingBreakdown() {
  if (appConfig.nonCirculating.length === 0) return [];
  const rows = await db
    .select({ address: account.address, balance: account.balance })
    .from(account)
    .where(inArray(account.address, appConfig.nonCirculating.map((entry) => entry.address)));
  const balances = new Map(rows.map((row) => [row.address.toLowerCase(), row.balance]));
  return appConfig.nonCirculating.map(({ label, address }) => ({
    label,
    address,
    balance: (balances.get(address) ?? 0n).toString(),
  }));
}

const supplyQuery = z.object({
  at: timeParam.optional(),
  atBlock: z.coerce.number({ invalid_type_error: "must be a block number" }).int().min(0).optional(),
});

/** Supply as of a past time or block, from the last hourly bucket closed by then. */
async function historicalSupply(query: { at?: number; atBlock?: number }) {
  const condition =
    query.atBlock !== undefined ? lte(tokenHourly.lastBlock, BigInt(query.atBlock)) : lte(tokenHourly.id, hourOf(query.at!));
  const [bucket] = await db.select().from(tokenHourly).where(condition).orderBy(desc(tokenHourly.id)).limit(1);
  return bucket;
}

endpoint({
  path: "/supply",
  response: supplyResponse,
  tag: "supply",
  summary: "Max, total and circulating supply, minted, burned, holders, non-circulating breakdown",
  description: "With at= (a time) or atBlock=, the closing values of the last hourly snapshot by then (granularity: hour).",
  query: supplyQuery,
  notFound: "Nothing had been indexed by the requested time or block",
});
token.get("/supply", async (c: ApiContext) => {
  const query = parseQuery(c, supplyQuery);
  if (query.at !== undefined && query.atBlock !== undefined) throw badRequest("give at or atBlock, not both");
  const base = c.var.asOf.base;

  if (query.at !== undefined || query.atBlock !== undefined) {
    const bucket = await historicalSupply(query);
    if (!bucket) throw notFound("no supply had been indexed by then");
    return c.json({
      maxSupply: OPG_MAX_SUPPLY.toString(),
      totalSupply: bucket.totalSupply.toString(),
      circulatingSupply: bucket.circulatingSupply.toString(),
      holders: bucket.holders,
      decimals: OPG_DECIMALS,
      granularity: "hour",
      asOf: { block: Number(bucket.lastBlock), timestamp: query.at ?? Number(bucket.timestamp) + 3599 },
    });
  }

  const [supply, nonCirculating] = await Promise.all([currentSupply(), nonCirculatingBreakdown()]);
  return c.json({
    maxSupply: OPG_MAX_SUPPLY.toString(),
    totalSupply: supply.totalSupply.toString(),
    circulatingSupply: supply.circulatingSupply.toString(),
    minted: supply.minted.toString(),
    burned: supply.burned.toString(),
    holders: supply.holders,
    nonCirculating: { total: supply.nonCirculating.toString(), accounts: nonCirculating },
    decimals: OPG_DECIMALS,
    asOf: base,
  });
});

/** Plain whole-OPG numbers, the form coin listing sites poll. */
endpoint({ path: "/supply/total", tag: "supply", summary: "Total supply as plain text, whole OPG", text: true });
endpoint({ path: "/supply/circulating", tag: "supply", summary: "Circulating supply as plain text, whole OPG", text: true });
token.get("/supply/total", async (c) => c.text(formatUnits((await currentSupply()).totalSupply)));
token.get("/supply/circulating", async (c) => c.text(formatUnits((await currentSupply()).circulatingSupply)));

endpoint({
  path: "/supply/history",
  response: supplyHistoryResponse,
  tag: "supply",
  summary: "Closing total and circulating supply and holders; transfers, volume, minted and burned per period",
  query: seriesQuery,
  csv: true,
});
token.get("/supply/history", async (c: ApiContext) => {
  const query = parseQuery(c, seriesQuery);
  const latest = c.var.asOf.base?.timestamp ?? Math.floor(Date.now() / 1000);
  const { from, to } = seriesRange(query, latest);
  const data = await rollupHourly({
    table: tokenHourly,
    id: tokenHourly.id,
    interval: query.interval,
    from,
    to,
    startAtFirstData: query.from === undefined,
    flows: {
      transferCount: { column: tokenHourly.transferCount, kind: "count" },
      transferVolume: { column: tokenHourly.transferVolume, kind: "amount" },
      minted: { column: tokenHourly.minted, kind: "amount" },
      burned: { column: tokenHourly.burned, kind: "amount" },
    },
    closing: {
      totalSupply: { column: tokenHourly.totalSupply, kind: "amount" },
      circulatingSupply: { column: tokenHourly.circulatingSupply, kind: "amount" },
      holders: { column: tokenHourly.holders, kind: "count" },
    },
  });
  return listResponse(c, query.format, data, {
    interval: query.interval,
    from,
    to,
    decimals: OPG_DECIMALS,
    asOf: c.var.asOf.base,
  });
});

const holdersQuery = z.object({ limit: limitParam(20, 1000), format: formatParam });
endpoint({ path: "/holders/top", response: topHoldersResponse, tag: "supply", summary: "The largest OPG balances", query: holdersQuery, csv: true });
token.get("/holders/top", async (c: ApiContext) => {
  const query = parseQuery(c, holdersQuery);
  const [supply, rows] = await Promise.all([
    currentSupply(),
    db
      .select({ address: account.address, balance: account.balance, lastTimestamp: account.lastTimestamp })
      .from(account)
      .where(gt(account.balance, 0n))
      .orderBy(desc(account.balance), account.address)
      .limit(query.limit),
  ]);
  const labels = new Map<string, string>(appConfig.nonCirculating.map((entry) => [entry.address, entry.label]));
  const data = rows.map((row, index) => ({
    rank: index + 1,
    address: row.address,
    balance: row.balance.toString(),
    share: supply.totalSupply > 0n ? Number((row.balance * 1_000_000n) / supply.totalSupply) / 1_000_000 : 0,
    label: labels.get(row.address.toLowerCase()) ?? null,
    lastActivity: Number(row.lastTimestamp),
  }));
  return listResponse(c, query.format, data, {
    holders: supply.holders,
    decimals: OPG_DECIMALS,
    asOf: c.var.asOf.base,
  });
});

const accountQuery = z.object({ limit: limitParam(25, 500) });
endpoint({
  path: "/accounts/:address",
  response: accountResponse,
  tag: "supply",
  summary: "One account: balance, first and last activity, its most recent transfers",
  params: { address: "0x-prefixed 20-byte address" },
  query: accountQuery,
  notFound: "No OPG transfer to or from this address has been indexed",
});
token.get("/accounts/:address", async (c: ApiContext) => {
  const address = parseAddressParam(c.req.param("address") ?? "");
  const query = parseQuery(c, accountQuery);
  const [row] = await db.select().from(account).where(eq(account.address, address)).limit(1);
  if (!row) throw notFound(`no transfers of OPG to or from ${address} have been indexed`);
  const recent = await db
    .select()
    .from(transfer)
    .where(or(eq(transfer.from, address), eq(transfer.to, address)))
    .orderBy(desc(transfer.blockNumber), desc(transfer.logIndex))
    .limit(query.limit);
  const label = appConfig.nonCirculating.find((entry) => entry.address === address)?.label ?? null;
  return c.json({
    address,
    balance: row.balance.toString(),
    decimals: OPG_DECIMALS,
    label,
    transferCount: row.transferCount,
    firstActivity: { block: Number(row.firstBlock), timestamp: Number(row.firstTimestamp) },
    lastActivity: { block: Number(row.lastBlock), timestamp: Number(row.lastTimestamp) },
    recentTransfers: recent.map((t) => ({
      direction: t.from.toLowerCase() === address ? "out" : "in",
      from: t.from,
      to: t.to,
      amount: t.amount.toString(),
      block: Number(t.blockNumber),
      timestamp: Number(t.timestamp),
      transactionHash: t.transactionHash,
      logIndex: t.logIndex,
    })),
    asOf: c.var.asOf.base,
  });
});

