import { index, onchainTable, onchainView, sql } from "ponder";
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../lib/time";

export const account = onchainTable(
  "account",
  (t) => ({
    address: t.hex().primaryKey(),
    balance: t.bigint().notNull(),
    transferCount: t.integer().notNull(),
    firstBlock: t.bigint().notNull(),
    firstTimestamp: t.bigint().notNull(),
    lastBlock: t.bigint().notNull(),
    lastTimestamp: t.bigint().notNull(),
  }),
  (table) => ({
    // /holders/top walks it backward: ties ordered by address need no sort.
    balanceIdx: index().on(table.balance, table.address),
  }),
);

export const transfer = onchainTable(
  "transfer",
  (t) => ({
    id: t.text().primaryKey(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    /**
     * Each side's balance and transfer count right after this transfer; null on the zero address's
     * side, whose balance is not kept. An account's balance as of a block is its latest transfer's.
     */
    fromBalance: t.bigint(),
    fromTransferCount: t.integer(),
    toBalance: t.bigint(),
    toTransferCount: t.integer(),
  }),
  (table) => ({
    // An account's newest transfers, one backward walk per side (src/api/queries/token.ts).
    fromIdx: index().on(table.from, table.blockNumber, table.logIndex),
    toIdx: index().on(table.to, table.blockNumber, table.logIndex),
    txIdx: index().on(table.transactionHash),
  }),
);

export const approval = onchainTable("approval", (t) => ({
  id: t.text().primaryKey(),
  owner: t.hex().notNull(),
  spender: t.hex().notNull(),
  amount: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  transactionHash: t.hex().notNull(),
  logIndex: t.integer().notNull(),
}));

/**
 * One row, id "OPG": the running supply, kept current by every transfer. Circulating supply is not
 * stored: it depends on NON_CIRCULATING_ADDRESSES, so the API derives it from indexed balances.
 *
 * It also carries the flows of the hour and the day its `last_timestamp` falls in (`hourly*`,
 * `daily*`): a transfer updates this one row, and the hour's and day's snapshot rows are written once,
 * when the first transfer of the next hour or day closes them. The `token_hourly` and `token_daily`
 * views add the open hour and day from here, so every reader sees them whole.
 *
 * `unclaimedFee*` is the header of the fee pairing stack (schema/fees.ts `unclaimed_fee_transfer`):
 * the transaction of the latest OPG transfer and how many of its transfers no settlement has claimed.
 * Null and 0 when x402 fees are not indexed.
 */
export const tokenSupply = onchainTable("token_supply", (t) => ({
  id: t.text().primaryKey(),
  minted: t.bigint().notNull(),
  burned: t.bigint().notNull(),
  totalSupply: t.bigint().notNull(),
  holders: t.integer().notNull(),
  transferCount: t.integer().notNull(),
  lastBlock: t.bigint().notNull(),
  lastTimestamp: t.bigint().notNull(),
  hourlyTransferCount: t.integer().notNull(),
  hourlyTransferVolume: t.bigint().notNull(),
  hourlyMinted: t.bigint().notNull(),
  hourlyBurned: t.bigint().notNull(),
  dailyTransferCount: t.integer().notNull(),
  dailyTransferVolume: t.bigint().notNull(),
  dailyMinted: t.bigint().notNull(),
  dailyBurned: t.bigint().notNull(),
  unclaimedFeeTransaction: t.hex(),
  unclaimedFeeDepth: t.integer().notNull(),
}));

/** Snapshot columns shared by the hourly and daily tables: closing values and per-period flows side by side. */
type ColumnBuilders = Parameters<Extract<Parameters<typeof onchainTable>[1], (...args: never[]) => unknown>>[0];
const snapshotColumns = (t: ColumnBuilders) => ({
  id: t.integer().primaryKey(),
  timestamp: t.bigint().notNull(),
  totalSupply: t.bigint().notNull(),
  holders: t.integer().notNull(),
  transferCount: t.integer().notNull(),
  transferVolume: t.bigint().notNull(),
  minted: t.bigint().notNull(),
  burned: t.bigint().notNull(),
  lastBlock: t.bigint().notNull(),
});

/** Closed hours (id: unix seconds / 3600), written when the next hour's first transfer arrives; read `token_hourly`. */
export const tokenHourlyClosed = onchainTable("token_hourly_closed", snapshotColumns);

/** Closed days (id: unix seconds / 86400), written when the next day's first transfer arrives; read `token_daily`. */
export const tokenDailyClosed = onchainTable("token_daily_closed", snapshotColumns);

/**
 * A period view's first branch: the closed table's own columns, so the view's columns keep their
 * types (GraphQL types and filters them as the table's).
 */
function closedColumns(table: typeof tokenHourlyClosed | typeof tokenDailyClosed) {
  const { id, timestamp, totalSupply, holders, transferCount, transferVolume, minted, burned, lastBlock } = table;
  return { id, timestamp, totalSupply, holders, transferCount, transferVolume, minted, burned, lastBlock };
}

/** The open hour or day, in the columns' order: its flows so far are the supply row's. */
function openPeriod(seconds: number, flows: "hourly" | "daily") {
  const hourly = flows === "hourly";
  // numeric division keeps the fraction: floor it, as hourOf and dayOf do.
  const bucket = sql`floor(${tokenSupply.lastTimestamp} / ${sql.raw(String(seconds))})`;
  return {
    id: sql<number>`${bucket}::integer`.as("id"),
    timestamp: sql<bigint>`(${bucket} * ${sql.raw(String(seconds))})::numeric(78, 0)`.as("timestamp"),
    totalSupply: tokenSupply.totalSupply,
    holders: tokenSupply.holders,
    transferCount: hourly ? tokenSupply.hourlyTransferCount : tokenSupply.dailyTransferCount,
    transferVolume: hourly ? tokenSupply.hourlyTransferVolume : tokenSupply.dailyTransferVolume,
    minted: hourly ? tokenSupply.hourlyMinted : tokenSupply.dailyMinted,
    burned: hourly ? tokenSupply.hourlyBurned : tokenSupply.dailyBurned,
    lastBlock: tokenSupply.lastBlock,
  };
}

/**
 * Hourly snapshot, id the hour number (unix seconds / 3600): closing total supply and holders, the
 * hour's transfers, volume, minted and burned. The closed hours and the open one.
 */
export const tokenHourly = onchainView("token_hourly").as((qb) =>
  qb
    .select(closedColumns(tokenHourlyClosed))
    .from(tokenHourlyClosed)
    .unionAll(qb.select(openPeriod(SECONDS_PER_HOUR, "hourly")).from(tokenSupply) as never),
);

/** Daily snapshot, id the day number (unix seconds / 86400): day, week and month series read 24 times fewer rows. */
export const tokenDaily = onchainView("token_daily").as((qb) =>
  qb
    .select(closedColumns(tokenDailyClosed))
    .from(tokenDailyClosed)
    .unionAll(qb.select(openPeriod(SECONDS_PER_DAY, "daily")).from(tokenSupply) as never),
);

/**
 * The closing totals of each block with a transfer but the latest, id the block number: a block's row
 * is written when the next block's first transfer arrives, once per block, not once per transfer.
 * Read `supply_block`.
 */
export const supplyBlockClosed = onchainTable(
  "supply_block_closed",
  (t) => ({
    id: t.bigint().primaryKey(),
    timestamp: t.bigint().notNull(),
    minted: t.bigint().notNull(),
    burned: t.bigint().notNull(),
    totalSupply: t.bigint().notNull(),
    holders: t.integer().notNull(),
    transferCount: t.integer().notNull(),
  }),
  // at= finds the blocks around a time here before asking the RPC (src/api/asof.ts).
  (table) => ({ timeIdx: index().on(table.timestamp, table.id) }),
);

/**
 * The supply after each block in which a transfer happened, id the block number: the closed blocks
 * and the latest, whose totals are the supply row's. "The supply as of block N" is the row with the
 * greatest id <= N: one backward walk of the primary key.
 */
export const supplyBlock = onchainView("supply_block").as((qb) => {
  const { id, timestamp, minted, burned, totalSupply, holders, transferCount } = supplyBlockClosed;
  const latest = {
    id: tokenSupply.lastBlock,
    timestamp: tokenSupply.lastTimestamp,
    minted: tokenSupply.minted,
    burned: tokenSupply.burned,
    totalSupply: tokenSupply.totalSupply,
    holders: tokenSupply.holders,
    transferCount: tokenSupply.transferCount,
  };
  return qb
    .select({ id, timestamp, minted, burned, totalSupply, holders, transferCount })
    .from(supplyBlockClosed)
    .unionAll(qb.select(latest).from(tokenSupply) as never);
});
