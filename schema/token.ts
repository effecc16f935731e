import { index, onchainTable } from "ponder";

export const account = onchainTable("account", (t) => ({
  address: t.hex().primaryKey(),
  balance: t.bigint().notNull(),
  transferCount: t.integer().notNull(),
  firstBlock: t.bigint().notNull(),
  firstTimestamp: t.bigint().notNull(),
  lastBlock: t.bigint().notNull(),
  lastTimestamp: t.bigint().notNull(),
}), (table) => ({
  balanceIdx: index().on(table.balance),
}));

export const transfer = onchainTable("transfer", (t) => ({
  id: t.text().primaryKey(),
  from: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  transactionHash: t.hex().notNull(),
  logIndex: t.integer().notNull(),
}), (table) => ({
  fromIdx: index().on(table.from, table.blockNumber),
  toIdx: index().on(table.to, table.blockNumber),
  txIdx: index().on(table.transactionHash),
}));

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

/** Hourly snapshot; id is the hour number (unix seconds / 3600). Closing values and per-hour flows side by side. */
export const tokenHourly = onchainTable("token_hourly", (t) => ({
  id: t.integer().primaryKey(),
  timestamp: t.bigint().notNull(),
  totalSupply: t.bigint().notNull(),
  holders: t.integer().notNull(),
  transferCount: t.integer().notNull(),
  transferVolume: t.bigint().notNull(),
  minted: t.bigint().notNull(),
  burned: t.bigint().notNull(),
  lastBlock: t.bigint().notNull(),
}));

/**
 * The supply after each block in which a transfer happened; id is the block number. "The supply as of
 * block N" is the row with the greatest id <= N: one primary-key lookup.
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

/**
 * An account's balance after each block in which it sent or received OPG; id is `${address}:${block}`.
 * Past balances, and circulating supply under any list of non-circulating accounts, are read from here.
 */
export const balanceBlock = onchainTable("balance_block", (t) => ({
  id: t.text().primaryKey(),
  address: t.hex().notNull(),
  blockNumber: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  balance: t.bigint().notNull(),
  transferCount: t.integer().notNull(),
}), (table) => ({
  addressBlockIdx: index().on(table.address, table.blockNumber),
}));
