import { index, onchainTable } from "ponder";

/**
 * One row per x402 settlement paid in OPG. A settlement whose transaction moved OPG but left no transfer
 * to claim is kept as an anomaly (amount 0, payer and payee null) so it is visible rather than silently
 * dropped; one whose transaction moved no OPG paid in another token and is only counted in `fee_hourly`.
 */
export const feePayment = onchainTable(
  "fee_payment",
  (t) => ({
    id: t.text().primaryKey(),
    payer: t.hex(),
    payee: t.hex(),
    amount: t.bigint().notNull(),
    proxy: t.hex().notNull(),
    scheme: t.text().notNull(),
    withPermit: t.boolean().notNull(),
    anomaly: t.boolean().notNull(),
    transferLogIndex: t.integer(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    payerIdx: index().on(table.payer, table.timestamp),
    payeeIdx: index().on(table.payee, table.timestamp),
    timestampIdx: index().on(table.timestamp),
    txIdx: index().on(table.transactionHash),
  }),
);

/**
 * Hourly fee bucket; id is the hour number. Anomalies (a settlement in a transaction whose OPG transfers
 * were all claimed) and settlements in other tokens (no OPG moved in the transaction) are counted apart
 * and add nothing to the other columns.
 */
export const feeHourly = onchainTable("fee_hourly", (t) => ({
  id: t.integer().primaryKey(),
  timestamp: t.bigint().notNull(),
  volume: t.bigint().notNull(),
  count: t.integer().notNull(),
  uniquePayers: t.integer().notNull(),
  minAmount: t.bigint(),
  maxAmount: t.bigint(),
  anomalies: t.integer().notNull(),
  otherTokenSettlements: t.integer().notNull(),
  lastBlock: t.bigint().notNull(),
}));

/**
 * Which payers paid in which hour: distinct payers over any run of hours are counted exactly from
 * here, at a cost of payer-hours rather than payments. id is `${hour}:${payer}`.
 */
export const feePayerHour = onchainTable(
  "fee_payer_hour",
  (t) => ({
    id: t.text().primaryKey(),
    hour: t.integer().notNull(),
    payer: t.hex().notNull(),
    count: t.integer().notNull(),
    volume: t.bigint().notNull(),
  }),
  (table) => ({
    hourIdx: index().on(table.hour, table.payer),
  }),
);

export const feePayer = onchainTable(
  "fee_payer",
  (t) => ({
    address: t.hex().primaryKey(),
    count: t.integer().notNull(),
    volume: t.bigint().notNull(),
    firstBlock: t.bigint().notNull(),
    firstTimestamp: t.bigint().notNull(),
    lastBlock: t.bigint().notNull(),
    lastTimestamp: t.bigint().notNull(),
  }),
  (table) => ({
    volumeIdx: index().on(table.volume),
  }),
);

export const feePayee = onchainTable(
  "fee_payee",
  (t) => ({
    address: t.hex().primaryKey(),
    count: t.integer().notNull(),
    volume: t.bigint().notNull(),
    firstBlock: t.bigint().notNull(),
    firstTimestamp: t.bigint().notNull(),
    lastBlock: t.bigint().notNull(),
    lastTimestamp: t.bigint().notNull(),
  }),
  (table) => ({
    volumeIdx: index().on(table.volume),
  }),
);

/**
 * Distinct payers per calendar day, week and month, counted at write time from `fee_payer_period`
 * presence rows, so a trend reads one row per bucket whatever the number of payments.
 * id is `${interval}:${start}`.
 */
export const feePeriod = onchainTable(
  "fee_period",
  (t) => ({
    id: t.text().primaryKey(),
    interval: t.text().notNull(),
    start: t.bigint().notNull(),
    uniquePayers: t.integer().notNull(),
  }),
  (table) => ({
    intervalIdx: index().on(table.interval, table.start),
  }),
);

/**
 * A payer paid at least once in that period. id is `${interval}:${start}:${payer}`. The day rows also
 * stand in for 24 payer-hour rows when distinct payers are counted over a long run of hours.
 */
export const feePayerPeriod = onchainTable(
  "fee_payer_period",
  (t) => ({
    id: t.text().primaryKey(),
    interval: t.text().notNull(),
    start: t.bigint().notNull(),
    payer: t.hex().notNull(),
  }),
  (table) => ({
    periodIdx: index().on(table.interval, table.start, table.payer),
  }),
);

/**
 * The OPG transfers of the transaction being indexed that no settlement has claimed yet, as a stack
 * (lib/fees.ts): numbered slots 1..depth, reused by every transaction, under a header (whose
 * transaction, how deep) kept on the `token_supply` row, which every OPG transfer updates anyway. The
 * token handler pushes, the proxy handler pops, so a payment is paired with its transfer without
 * reading the receipt; being tables, they follow reorgs and restarts.
 */
export const unclaimedFeeTransfer = onchainTable("unclaimed_fee_transfer", (t) => ({
  slot: t.integer().primaryKey(),
  from: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
  logIndex: t.integer().notNull(),
}));
