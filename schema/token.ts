import { index, onchainTable } from "ponder";

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

/** Hourly snapshot; id is the hour number (unix seconds / 3600). */
export const tokenHourly = onchainTable("token_hourly", snapshotColumns);

/** Daily snapshot; id is the day number (unix seconds / 86400): day, week and month series read 24 times fewer rows. */
export const tokenDaily = onchainTable("token_daily", snapshotColumns);

/**
 * The supply after each block in which a transfer happened; id is the block number. A block's row is
 * written when the next block's first transfer arrives (once per block, not once per transfer), so the
 * latest block with a transfer is not here yet: its totals are `token_supply`'s, whose `last_block` it
 * is. "The supply as of block N" is `token_supply` if its `last_block` <= N, else the row here with the
 * greatest id <= N: one primary-key lookup.
 */
export const supplyBlock = onchainTable("supply_block", (t) => ({
  id: t.bigint().primaryKey(),
  timestamp: t.bigint().notNull(),
  minted: t.bigint().notNull(),
  burned: t.bigint().notNull(),
  totalSupply: t.bigint().notNull(),
  holders: t.integer().notNull(),
  transferCount: t.integer().notNull(),
}));
