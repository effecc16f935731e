import { db } from "ponder:api";
import { tokenDaily, tokenHourly } from "ponder:schema";
import { Hono } from "hono";
import { z } from "zod";
import { appConfig } from "../../../lib/env";
import { finalShaper, markFinal } from "../../../lib/list-body";
import type { SeriesRow } from "../../../lib/series";
import { formatUnits, OPG_DECIMALS, OPG_MAX_SUPPLY } from "../../../lib/supply";
import { asOfParams, resolveAsOf } from "../asof";
import {
  type ApiContext,
  formatParam,
  limitParam,
  listResponse,
  notFound,
  parseAddressParam,
  parseQuery,
  perPosition,
  seriesQuery,
  seriesRange,
  settledBlock,
  settledTime,
} from "../http";
import { endpoint } from "../openapi";
import { accountHistory, topHolders } from "../queries/token";
import { defineRollup } from "../rollup";
import { accountResponse, supplyHistoryResponse, supplyResponse, topHoldersResponse } from "../schemas/token";
import { nonCirculatingAtBlocks, supplyAfter, supplyAsOf, supplyAtHead } from "../supply";

export const token = new Hono<{ Variables: { asOf: import("../http").AsOf } }>();

const supplyQuery = z.object(asOfParams);

endpoint({
  path: "/supply",
  response: supplyResponse,
  tag: "supply",
  summary: "Max, total and circulating supply, minted, burned, holders, non-circulating breakdown",
  description:
    "With at= (a time) or atBlock=, the supply after the last block with timestamp <= at (number <= atBlock), exact to the block; asOf names that block.",
  query: supplyQuery,
  notFound: "The chain had no block by then, or the block has not been indexed yet",
});
token.get("/supply", async (c: ApiContext) => {
  const { asOf, supply } = await supplyAsOf(c, parseQuery(c, supplyQuery));
  return c.json({
    maxSupply: OPG_MAX_SUPPLY.toString(),
    totalSupply: supply.totalSupply.toString(),
    circulatingSupply: supply.circulatingSupply.toString(),
    minted: supply.minted.toString(),
    burned: supply.burned.toString(),
    holders: supply.holders,
    nonCirculating: {
      total: supply.nonCirculating.toString(),
      accounts: supply.accounts.map((entry) => ({ ...entry, balance: entry.balance.toString() })),
    },
    decimals: OPG_DECIMALS,
    asOf,
  });
});

const headSupply = async (c: ApiContext) => supplyAfter(c, await resolveAsOf(c, "base", {}));

/** Plain whole-OPG numbers, the form coin listing sites poll. */
endpoint({ path: "/supply/total", tag: "supply", summary: "Total supply as plain text, whole OPG", text: true });
endpoint({ path: "/supply/circulating", tag: "supply", summary: "Circulating supply as plain text, whole OPG", text: true });
token.get("/supply/total", async (c: ApiContext) => c.text(formatUnits((await headSupply(c)).totalSupply)));
token.get("/supply/circulating", async (c: ApiContext) => c.text(formatUnits((await headSupply(c)).circulatingSupply)));

/** The supply series' rows: hours from the hourly view, days, weeks and months from the daily one. */
const supplyRollup = (table: typeof tokenHourly | typeof tokenDaily, bucket: "hour" | "day") =>
  defineRollup({
    table,
    id: table.id,
    bucket,
    flows: {
      transferCount: { column: table.transferCount, kind: "count" },
      transferVolume: { column: table.transferVolume, kind: "amount" },
      minted: { column: table.minted, kind: "amount" },
      burned: { column: table.burned, kind: "amount" },
    },
    closing: {
      totalSupply: { column: table.totalSupply, kind: "amount" },
      holders: { column: table.holders, kind: "count" },
      // The last block with a transfer by each period's close (carried over empty periods): the
      // non-circulating balances at the close are the balances after it.
      lastBlock: { column: table.lastBlock, kind: "count" },
    },
  });
const supplyByHour = supplyRollup(tokenHourly, "hour");
const supplyByDay = supplyRollup(tokenDaily, "day");
/** A final period's closing non-circulating balances are final too: its shaped row is made once. */
const shapeSupply = finalShaper<SeriesRow, Record<string, unknown>>();

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
  const data = await (query.interval === "hour" ? supplyByHour : supplyByDay)({
    interval: query.interval,
    from,
    to,
    startAtFirstData: query.from === undefined,
    settledUntil: settledTime(c.var.asOf, [appConfig.token.chain]),
  });
  const nonCirculating = await nonCirculatingAtBlocks(
    data.map((row) => (row.lastBlock === null ? null : Number(row.lastBlock))),
    settledBlock(c.var.asOf, appConfig.token.chain),
  );
  // Fields listed one by one: a rest pattern copies each of hundreds of rows key by key.
  const series = shapeSupply(data, (row, index) => ({
    timestamp: row.timestamp,
    time: row.time,
    transferCount: row.transferCount,
    transferVolume: row.transferVolume,
    minted: row.minted,
    burned: row.burned,
    totalSupply: row.totalSupply,
    circulatingSupply: row.totalSupply === null ? null : (BigInt(String(row.totalSupply)) - nonCirculating[index]!).toString(),
    holders: row.holders,
  }));
  return listResponse(c, query.format, series, {
    interval: query.interval,
    from,
    to,
    decimals: OPG_DECIMALS,
    asOf: c.var.asOf.base,
  });
});

const MAX_HOLDERS = 1000;

/**
 * The head's ranking, the longest list any limit asks, read and shaped once per indexed position and
 * shared: every request at that position, whatever its limit, answers a slice of it.
 */
const rankingAtHead = perPosition(async (asOf) => {
  const [supply, rows] = await Promise.all([supplyAtHead(asOf), topHolders(db, MAX_HOLDERS)]);
  const labels = new Map<string, string>(appConfig.nonCirculating.map((entry) => [entry.address, entry.label]));
  // Never changed once made: each row's JSON is written once for every answer at this position.
  const data = rows.map((row, index) =>
    markFinal({
      rank: index + 1,
      address: row.address,
      balance: row.balance.toString(),
      share: supply.totalSupply > 0n ? Number((row.balance * 1_000_000n) / supply.totalSupply) / 1_000_000 : 0,
      label: labels.get(row.address.toLowerCase()) ?? null,
      lastActivity: Number(row.lastTimestamp),
    }),
  );
  return { holders: supply.holders, data };
});

const holdersQuery = z.object({ limit: limitParam(20, MAX_HOLDERS), format: formatParam });
endpoint({
  path: "/holders/top",
  response: topHoldersResponse,
  tag: "supply",
  summary: "The largest OPG balances",
  query: holdersQuery,
  csv: true,
});
token.get("/holders/top", async (c: ApiContext) => {
  const query = parseQuery(c, holdersQuery);
  // Nothing indexed yet: a 404 naming the chain, before the shared read.
  await resolveAsOf(c, "base", {});
  const ranking = await rankingAtHead(c.var.asOf);
  return listResponse(c, query.format, ranking.data.slice(0, query.limit), {
    holders: ranking.holders,
    decimals: OPG_DECIMALS,
    asOf: c.var.asOf.base,
  });
});

const accountQuery = z.object({ limit: limitParam(25, 500), ...asOfParams });
endpoint({
  path: "/accounts/:address",
  response: accountResponse,
  tag: "supply",
  summary: "One account: balance, first and last activity, its most recent transfers",
  description: "With at= or atBlock=, as it stood after that block: balance, activity and transfers up to it.",
  params: { address: "0x-prefixed 20-byte address" },
  query: accountQuery,
  notFound: "No OPG transfer to or from this address had been indexed by then",
});
token.get("/accounts/:address", async (c: ApiContext) => {
  const address = parseAddressParam(c.req.param("address") ?? "");
  const query = parseQuery(c, accountQuery);
  const asOf = await resolveAsOf(c, "base", query);
  const { first, recent, latest: last } = await accountHistory(db, address, query.limit, asOf.block);
  if (!first || !last) throw notFound(`no transfers of OPG to or from ${address} had been indexed by block ${asOf.block}`);
  const label = appConfig.nonCirculating.find((entry) => entry.address === address)?.label ?? null;
  return c.json({
    address,
    balance: last.balance.toString(),
    decimals: OPG_DECIMALS,
    label,
    transferCount: last.transferCount,
    firstActivity: { block: Number(first.blockNumber), timestamp: Number(first.timestamp) },
    lastActivity: { block: Number(last.blockNumber), timestamp: Number(last.timestamp) },
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
    asOf,
  });
});
