import { db } from "ponder:api";
import { delegation, nodeHourly, slash, stakingBlock, stakingHourly, unbonding, validator, validatorBlock } from "ponder:schema";
import { Hono } from "hono";
import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from "ponder";
import { isAddress } from "viem";
import { z } from "zod";
import { appConfig } from "../../../lib/env";
import { lastClosedSecond } from "../../../lib/fees";
import { annualisedRate, averageStake, isUnbonding, stakingRatios, TRAILING_WINDOW_SECONDS, trailingWindow } from "../../../lib/staking";
import { OPG_DECIMALS } from "../../../lib/supply";
import { hourOf } from "../../../lib/time";
import { asOfParams, type BlockRef, resolveAsOf } from "../asof";
import {
  type ApiContext,
  type AsOf,
  badRequest,
  formatParam,
  intervalParam,
  limitParam,
  listResponse,
  notFound,
  parseAddressParam,
  parseQuery,
  perPosition,
  seriesQuery,
  seriesRange,
  settledTime,
  timeParam,
} from "../http";
import { endpoint } from "../openapi";
import { bound, preparedOnce } from "../queries/statements";
import { defineRollup } from "../rollup";
import { nodeResponse, nodeRewardsResponse, stakingHistoryResponse, stakingResponse, validatorsResponse } from "../schemas/staking";
import { supplyAfter } from "../supply";

export const staking = new Hono<{ Variables: { asOf: AsOf } }>();

const stakingChain = appConfig.staking?.chain ?? "opengradient";
const latestStakingTime = (c: ApiContext) => c.var.asOf[stakingChain]?.timestamp ?? Math.floor(Date.now() / 1000);
/** Staked tokens are on the staking chain, supply on Base: each figure names the block it was read at. */
const bothAsOf = (c: ApiContext) => ({ [stakingChain]: c.var.asOf[stakingChain], base: c.var.asOf.base });

/**
 * Unbonding at a block, decided at query time: entries opened by then whose completion time had not
 * passed. An entry's balance is today's, so a cancellation after the block would already show.
 */
async function pendingUnbonding(at: BlockRef) {
  const rows = await db
    .select({ balance: unbonding.balance, completionTime: unbonding.completionTime })
    .from(unbonding)
    .where(and(lte(unbonding.creationBlock, BigInt(at.block)), gte(unbonding.completionTime, BigInt(at.timestamp))));
  let total = 0n;
  let entries = 0;
  for (const row of rows) {
    if (!isUnbonding(row.completionTime, at.timestamp) || row.balance === 0n) continue;
    total += row.balance;
    entries++;
  }
  return { total, entries };
}

const EMPTY_STAKING = { totalStaked: 0n, validators: 0, jailedValidators: 0, delegators: 0, slashed: 0n };

async function stakingAt(block: number) {
  const [row] = await db
    .select()
    .from(stakingBlock)
    .where(lte(stakingBlock.id, BigInt(block)))
    .orderBy(desc(stakingBlock.id))
    .limit(1);
  return row ?? null;
}

/** The staking totals and the unbonding still pending after a block. */
const stakingState = (at: BlockRef) => Promise.all([stakingAt(at.block), pendingUnbonding(at)]);

/** At the staking chain's indexed head: read once per indexed position and shared by every request that sees it. */
const stakingStateAtHead = perPosition((asOf) => stakingState(asOf[stakingChain]!));

/**
 * The staking chain's block, and Base's last block by that block's time: the supply the ratio divides
 * by is the supply that existed when the stake did.
 */
async function resolveBoth(c: ApiContext, query: { at?: number; atBlock?: number }) {
  const staking = await resolveAsOf(c, stakingChain, query);
  const historical = query.at !== undefined || query.atBlock !== undefined;
  const base = c.var.asOf.base ? await resolveAsOf(c, "base", historical ? { at: staking.timestamp } : {}) : null;
  return { staking, base, historical };
}

const stakingQuery = z.object(asOfParams);

endpoint({
  path: "/staking",
  response: stakingResponse,
  tag: "staking",
  summary: "Total staked, unbonding, validators, delegators, staking ratio of circulating and of total supply",
  description:
    "Ratios name their denominators (token supply, indexed on Base) and asOf gives each chain's block. " +
    "With at= (a time) or atBlock= (a block of the staking chain), the state after that block, and the supply after Base's last block by its time.",
  query: stakingQuery,
  notFound: "Nothing had been indexed by the requested time or block",
});
staking.get("/staking", async (c: ApiContext) => {
  const query = parseQuery(c, stakingQuery);
  const asOf = await resolveBoth(c, query);
  const [[row, pending], supply] = await Promise.all([
    asOf.staking === c.var.asOf[stakingChain] ? stakingStateAtHead(c.var.asOf) : stakingState(asOf.staking),
    asOf.base ? supplyAfter(c, asOf.base) : null,
  ]);
  if (!row && asOf.historical) throw notFound("no staking had been indexed by then");
  const totals = row ?? EMPTY_STAKING;
  const circulatingSupply = supply?.circulatingSupply ?? 0n;
  const totalSupply = supply?.totalSupply ?? 0n;
  return c.json({
    totalStaked: totals.totalStaked.toString(),
    unbonding: pending.total.toString(),
    unbondingEntries: pending.entries,
    validators: totals.validators,
    jailedValidators: totals.jailedValidators,
    delegators: totals.delegators,
    slashed: totals.slashed.toString(),
    stakingRatio: {
      ...stakingRatios(totals.totalStaked, { circulatingSupply, totalSupply }),
      numerator: "totalStaked",
      denominators: { circulatingSupply: circulatingSupply.toString(), totalSupply: totalSupply.toString() },
    },
    decimals: OPG_DECIMALS,
    asOf: { [stakingChain]: asOf.staking, base: asOf.base },
  });
});

/** The staking series' hourly rows. */
const stakingByPeriod = defineRollup({
  table: stakingHourly,
  id: stakingHourly.id,
  flows: {
    delegated: { column: stakingHourly.delegated, kind: "amount" },
    undelegated: { column: stakingHourly.undelegated, kind: "amount" },
    redelegated: { column: stakingHourly.redelegated, kind: "amount" },
    cancelled: { column: stakingHourly.cancelled, kind: "amount" },
    slashed: { column: stakingHourly.slashed, kind: "amount" },
    commission: { column: stakingHourly.commission, kind: "amount" },
    delegatorRewards: { column: stakingHourly.delegatorRewards, kind: "amount" },
    claimed: { column: stakingHourly.claimed, kind: "amount" },
  },
  closing: {
    totalStaked: { column: stakingHourly.totalStaked, kind: "amount" },
    unbonding: { column: stakingHourly.unbonding, kind: "amount" },
    validators: { column: stakingHourly.validators, kind: "count" },
    delegators: { column: stakingHourly.delegators, kind: "count" },
  },
});

endpoint({
  path: "/staking/history",
  response: stakingHistoryResponse,
  tag: "staking",
  summary: "Closing total staked, unbonding, validators and delegators; delegations, unbondings, slashes and rewards per period",
  query: seriesQuery,
  csv: true,
});
staking.get("/staking/history", async (c: ApiContext) => {
  const query = parseQuery(c, seriesQuery);
  const { from, to } = seriesRange(query, latestStakingTime(c));
  const data = await stakingByPeriod({
    interval: query.interval,
    from,
    to,
    startAtFirstData: query.from === undefined,
    settledUntil: settledTime(c.var.asOf, [stakingChain]),
  });
  return listResponse(c, query.format, data, { interval: query.interval, from, to, decimals: OPG_DECIMALS, asOf: bothAsOf(c) });
});

/** Each sort, descending: its column and the row field a cursor carries. */
const SORTS = {
  stake: { column: validator.stake, field: "stake" },
  delegators: { column: validator.delegators, field: "delegators" },
  commission: { column: validator.commissionRate, field: "commissionRate" },
  created: { column: validator.createdBlock, field: "createdBlock" },
} as const;
type Sort = keyof typeof SORTS;

/** A sort's first page and the page after a keyset cursor, at the head; each statement built once. */
function validatorPageStatements(name: Sort) {
  const key = sql`coalesce(${SORTS[name].column}, 0)`;
  const page = (afterCursor: boolean) =>
    preparedOnce((db) =>
      db
        .select()
        .from(validator)
        .where(
          afterCursor
            ? sql`(${key} < ${bound.afterValue}::numeric or (${key} = ${bound.afterValue}::numeric and ${validator.address} > ${bound.afterAddress}))`
            : undefined,
        )
        .orderBy(desc(key), asc(validator.address))
        .limit(bound.limit)
        .prepare(`opg_validators_${name}${afterCursor ? "_after" : ""}`),
    );
  return { first: page(false), after: page(true) };
}
const validatorPages = Object.fromEntries((Object.keys(SORTS) as Sort[]).map((name) => [name, validatorPageStatements(name)])) as Record<
  Sort,
  ReturnType<typeof validatorPageStatements>
>;

/** Keyset cursor: the last row's sort value and address, so pages stay stable while rows change. */
const encodeCursor = (value: string, address: string) => Buffer.from(JSON.stringify([value, address])).toString("base64url");

function decodeCursor(cursor: string): { value: string; address: `0x${string}` } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && /^\d+$/.test(parsed[0]) && isAddress(parsed[1], { strict: false })) {
      return { value: parsed[0], address: parsed[1].toLowerCase() as `0x${string}` };
    }
  } catch {
    // reported below
  }
  throw badRequest("cursor: not a cursor this endpoint returned", "invalid_cursor");
}

type ValidatorRow = typeof validator.$inferSelect;

function validatorBody(row: ValidatorRow) {
  return {
    address: row.address,
    moniker: row.moniker,
    stake: row.stake.toString(),
    selfStake: row.selfStake.toString(),
    delegatedStake: row.delegatedStake.toString(),
    chainTokens: row.chainTokens?.toString() ?? null,
    delegators: row.delegators,
    commissionRate: row.commissionRate?.toString() ?? null,
    jailed: row.jailed,
    status: row.status,
    slashed: row.slashed.toString(),
    createdBlock: Number(row.createdBlock),
    createdTimestamp: Number(row.createdTimestamp),
    lastReconciledBlock: row.lastReconciledBlock === null ? null : Number(row.lastReconciledBlock),
  };
}

const validatorsQuery = z.object({
  sort: z
    .enum(Object.keys(SORTS) as [Sort, ...Sort[]], {
      errorMap: () => ({ message: `must be one of ${Object.keys(SORTS).join(", ")}` }),
    })
    .default("stake"),
  limit: limitParam(50, 500),
  cursor: z.string().optional(),
  format: formatParam,
  ...asOfParams,
});

endpoint({
  path: "/staking/validators",
  response: validatorsResponse,
  tag: "staking",
  summary: "Validators sorted by stake, delegators, commission or creation (descending), with cursor pagination",
  description:
    "Pass the answer's nextCursor (or, for CSV, the X-Next-Cursor header) as cursor= for the next page. " +
    "With at= or atBlock=, each validator as it stood after that block.",
  query: validatorsQuery,
  csv: true,
});
staking.get("/staking/validators", async (c: ApiContext) => {
  const query = parseQuery(c, validatorsQuery);
  const asOf = await resolveAsOf(c, stakingChain, query);
  const sort = SORTS[query.sort];
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows =
    query.at !== undefined || query.atBlock !== undefined
      ? pageInMemory(await validatorsAt(asOf.block), sort.field, after, query.limit + 1)
      : after
        ? await validatorPages[query.sort]
            .after(db)
            .execute({ limit: query.limit + 1, afterValue: after.value, afterAddress: after.address })
        : await validatorPages[query.sort].first(db).execute({ limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor(String(last[sort.field] ?? 0), last.address) : null;
  if (nextCursor) c.header("X-Next-Cursor", nextCursor);
  return listResponse(c, query.format, page.map(validatorBody), {
    sort: query.sort,
    nextCursor,
    decimals: OPG_DECIMALS,
    commissionDecimals: 18,
    asOf,
  });
});

/** A validator row back from its snapshot, where bigints were kept as decimal strings. */
function fromSnapshot(state: (typeof validatorBlock.$inferSelect)["state"]): ValidatorRow {
  const row = { ...state } as Record<string, unknown>;
  for (const key of BIGINT_COLUMNS) if (typeof row[key] === "string") row[key] = BigInt(row[key] as string);
  return row as ValidatorRow;
}
const BIGINT_COLUMNS = Object.entries(validator)
  .filter(([, column]) => (column as { columnType?: string })?.columnType === "PgEvmBigint")
  .map(([key]) => key);

/** Every validator as it stood after `block`: each one's latest snapshot by then. */
async function validatorsAt(block: number): Promise<ValidatorRow[]> {
  const rows = await db
    .selectDistinctOn([validatorBlock.address], { state: validatorBlock.state })
    .from(validatorBlock)
    .where(lte(validatorBlock.blockNumber, BigInt(block)))
    .orderBy(validatorBlock.address, desc(validatorBlock.blockNumber));
  return rows.map((row) => fromSnapshot(row.state));
}

async function validatorAt(address: `0x${string}`, block: number): Promise<ValidatorRow | null> {
  const [row] = await db
    .select({ state: validatorBlock.state })
    .from(validatorBlock)
    .where(and(eq(validatorBlock.address, address), lte(validatorBlock.blockNumber, BigInt(block))))
    .orderBy(desc(validatorBlock.blockNumber))
    .limit(1);
  return row ? fromSnapshot(row.state) : null;
}

/** The same order and keyset cursor as the SQL path, over rows already in memory. */
function pageInMemory(
  rows: ValidatorRow[],
  field: Sort extends never ? never : (typeof SORTS)[Sort]["field"],
  after: { value: string; address: string } | null,
  limit: number,
) {
  const key = (row: ValidatorRow) => BigInt((row[field] as bigint | null) ?? 0n);
  const sorted = rows.sort((x, y) => (key(x) === key(y) ? (x.address < y.address ? -1 : 1) : key(x) > key(y) ? -1 : 1));
  const start = after
    ? sorted.filter((row) => key(row) < BigInt(after.value) || (key(row) === BigInt(after.value) && row.address > after.address))
    : sorted;
  return start.slice(0, limit);
}

type Yield = {
  withdrawnRewardYield: number | null;
  withdrawnRewards: string;
  averageStake: string;
  windowStart: number;
  windowEnd: number;
};

/**
 * Each node's trailing withdrawn-reward yield as of `to`: rewards withdrawn from it in the window
 * (commission plus WithdrawDelegatorReward) over its time-weighted average stake, annualised
 * (lib/staking.ts). ClaimRewards spans all of a delegator's validators without saying how much came
 * from each, and accrued rewards are not withdrawn yet, so this is a lower bound of the reward rate.
 */
async function trailingAprs(nodes: { address: `0x${string}`; createdTimestamp: bigint }[], to: number) {
  const result = new Map<string, Yield>();
  if (nodes.length === 0) return result;
  const addresses = nodes.map((node) => node.address);
  const firstHour = hourOf(to - TRAILING_WINDOW_SECONDS);
  const lastHour = hourOf(to);
  const [buckets, openings] = await Promise.all([
    db
      .select({
        validator: nodeHourly.validator,
        hour: nodeHourly.hour,
        stake: nodeHourly.stake,
        commission: nodeHourly.commission,
        delegatorRewards: nodeHourly.delegatorRewards,
      })
      .from(nodeHourly)
      .where(and(inArray(nodeHourly.validator, addresses), gte(nodeHourly.hour, firstHour), lte(nodeHourly.hour, lastHour))),
    db
      .selectDistinctOn([nodeHourly.validator], { validator: nodeHourly.validator, stake: nodeHourly.stake })
      .from(nodeHourly)
      .where(and(inArray(nodeHourly.validator, addresses), lt(nodeHourly.hour, firstHour)))
      .orderBy(nodeHourly.validator, desc(nodeHourly.hour)),
  ]);
  const opening = new Map(openings.map((row) => [row.validator, row.stake]));
  for (const node of nodes) {
    const window = trailingWindow(to, Number(node.createdTimestamp));
    const fromHour = hourOf(window.from);
    const own = buckets.filter((b) => b.validator === node.address && b.hour >= fromHour);
    const rewards = own.reduce((sum, b) => sum + b.commission + b.delegatorRewards, 0n);
    const average = averageStake(own, opening.get(node.address) ?? 0n, fromHour, lastHour);
    result.set(node.address, {
      withdrawnRewardYield: annualisedRate(rewards, average, window.seconds),
      withdrawnRewards: rewards.toString(),
      averageStake: average.toString(),
      windowStart: window.from,
      windowEnd: window.to,
    });
  }
  return result;
}

const rangeQuery = z.object({
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(20, 200),
  format: formatParam,
});

endpoint({
  path: "/nodes/rewards",
  response: nodeRewardsResponse,
  tag: "staking",
  summary: "Node reward leaderboard: commission, delegator rewards and total in the range, trailing 30-day withdrawn-reward yield",
  description:
    "withdrawnRewardYield30d = rewards withdrawn from the node in the window (commission + WithdrawDelegatorReward; " +
    "ClaimRewards names no validator and is left out) / time-weighted average stake in the window x 365 days / window length, " +
    "window = the 30 days before `to` (or since the node was created).",
  query: rangeQuery,
  csv: true,
});
staking.get("/nodes/rewards", async (c: ApiContext) => {
  const query = parseQuery(c, rangeQuery);
  const to = query.to ?? latestStakingTime(c);
  const from = query.from ?? Math.max(0, to - TRAILING_WINDOW_SECONDS);
  if (from > to) throw badRequest(`from (${from}) is after to (${to})`, "invalid_range");

  const earned = db
    .select({
      validator: nodeHourly.validator,
      commission: sql<string>`sum(${nodeHourly.commission})`.as("earned_commission"),
      delegatorRewards: sql<string>`sum(${nodeHourly.delegatorRewards})`.as("earned_delegator_rewards"),
      poolDeposits: sql<string>`sum(${nodeHourly.poolDeposits})`.as("earned_pool_deposits"),
    })
    .from(nodeHourly)
    .where(and(gte(nodeHourly.hour, hourOf(from)), lte(nodeHourly.hour, hourOf(to))))
    .groupBy(nodeHourly.validator)
    .as("earned");
  const total = sql`coalesce(${earned.commission}, 0) + coalesce(${earned.delegatorRewards}, 0)`;
  const rows = await db
    .select({
      address: validator.address,
      moniker: validator.moniker,
      stake: validator.stake,
      jailed: validator.jailed,
      createdTimestamp: validator.createdTimestamp,
      commission: sql<string>`coalesce(${earned.commission}, 0)::text`,
      delegatorRewards: sql<string>`coalesce(${earned.delegatorRewards}, 0)::text`,
      poolDeposits: sql<string>`coalesce(${earned.poolDeposits}, 0)::text`,
      total: sql<string>`(${total})::text`,
    })
    .from(validator)
    .leftJoin(earned, eq(earned.validator, validator.address))
    .orderBy(desc(total), asc(validator.address))
    .limit(query.limit);
  const aprs = await trailingAprs(rows, to);
  const data = rows.map((row, index) => ({
    rank: index + 1,
    address: row.address,
    moniker: row.moniker,
    stake: row.stake.toString(),
    jailed: row.jailed,
    commission: row.commission,
    delegatorRewards: row.delegatorRewards,
    total: row.total,
    poolDeposits: row.poolDeposits,
    withdrawnRewardYield30d: aprs.get(row.address)?.withdrawnRewardYield ?? null,
  }));
  return listResponse(c, query.format, data, {
    from,
    to,
    yieldWindowDays: TRAILING_WINDOW_SECONDS / 86_400,
    decimals: OPG_DECIMALS,
    asOf: c.var.asOf[stakingChain],
  });
});

const nodeQuery = z.object({
  interval: intervalParam.default("day"),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(25, 500),
  format: formatParam,
  ...asOfParams,
});

/** One validator's hourly rows. */
const nodeByPeriod = defineRollup({
  table: nodeHourly,
  id: nodeHourly.hour,
  where: eq(nodeHourly.validator, bound.address),
  flows: {
    commission: { column: nodeHourly.commission, kind: "amount" },
    delegatorRewards: { column: nodeHourly.delegatorRewards, kind: "amount" },
    poolDeposits: { column: nodeHourly.poolDeposits, kind: "amount" },
    slashed: { column: nodeHourly.slashed, kind: "amount" },
  },
  closing: {
    stake: { column: nodeHourly.stake, kind: "amount" },
    delegators: { column: nodeHourly.delegators, kind: "count" },
  },
});

endpoint({
  path: "/nodes/:address",
  response: nodeResponse,
  tag: "staking",
  summary: "One validator: stake, delegators, rewards withdrawn and accrued, trailing withdrawn-reward yield, slashes, rewards series",
  description: "?format=csv answers the rewards series alone.",
  params: { address: "the validator's 0x address" },
  query: nodeQuery,
  csv: true,
  notFound: "No validator with this address has been indexed",
});
staking.get("/nodes/:address", async (c: ApiContext) => {
  const address = parseAddressParam(c.req.param("address") ?? "");
  const query = parseQuery(c, nodeQuery);
  const asOf = await resolveAsOf(c, stakingChain, query);
  const historical = query.at !== undefined || query.atBlock !== undefined;
  const node = historical
    ? await validatorAt(address, asOf.block)
    : (await db.select().from(validator).where(eq(validator.address, address)).limit(1))[0];
  if (!node) throw notFound(`no validator ${address} had been indexed by block ${asOf.block}`);
  // Series and APR read hourly buckets: as of a past block, only the hours that had closed by then.
  const end = historical ? lastClosedSecond(asOf.timestamp) : asOf.timestamp;
  const { from, to } = seriesRange({ ...query, to: query.to === undefined ? end : Math.min(query.to, end) }, end);

  const [series, delegations, slashes, aprs] = await Promise.all([
    nodeByPeriod({
      interval: query.interval,
      from,
      to,
      startAtFirstData: query.from === undefined,
      params: { address },
      settledUntil: settledTime(c.var.asOf, [stakingChain]),
    }),
    historical
      ? null
      : db
          .select({ delegator: delegation.delegator, amount: delegation.amount })
          .from(delegation)
          .where(and(eq(delegation.validator, address), sql`${delegation.amount} > 0`))
          .orderBy(desc(delegation.amount), asc(delegation.delegator))
          .limit(query.limit),
    db
      .select()
      .from(slash)
      .where(and(eq(slash.validator, address), lte(slash.blockNumber, BigInt(asOf.block))))
      .orderBy(desc(slash.blockNumber)),
    trailingAprs([node], end),
  ]);
  if (query.format === "csv") return listResponse(c, "csv", series, {});

  return c.json({
    ...validatorBody(node),
    rewards: {
      commission: node.commissionWithdrawn.toString(),
      delegatorRewards: node.delegatorRewards.toString(),
      total: (node.commissionWithdrawn + node.delegatorRewards).toString(),
      poolDeposits: node.poolDeposits.toString(),
      trailing30d: aprs.get(address) ?? null,
      accrued:
        node.outstandingRewards === null || node.lastReconciledBlock === null
          ? null
          : {
              outstandingRewards: node.outstandingRewards ?? [],
              commission: node.accruedCommission ?? [],
              block: Number(node.lastReconciledBlock),
            },
    },
    delegations: delegations?.map((d) => ({ delegator: d.delegator, amount: d.amount.toString() })) ?? null,
    slashes: slashes.map((s) => ({
      amount: s.amount.toString(),
      stakeBefore: s.stakeBefore.toString(),
      stakeAfter: s.stakeAfter.toString(),
      jailed: s.jailed,
      block: Number(s.blockNumber),
      timestamp: Number(s.timestamp),
    })),
    series: { interval: query.interval, from, to, data: series },
    decimals: OPG_DECIMALS,
    asOf,
  });
});
