import { index, onchainTable, primaryKey } from "ponder";

export const teeType = onchainTable("tee_type", (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  addedBlock: t.bigint().notNull(),
  addedTimestamp: t.bigint().notNull(),
}));

/**
 * A PCR measurement per TEE type; revoking keeps the row with `approved` false. The approval
 * fields are null for a revocation whose approval happened before the start block.
 */
export const pcr = onchainTable(
  "pcr",
  (t) => ({
    pcrHash: t.hex().notNull(),
    teeType: t.integer().notNull(),
    version: t.text(),
    approved: t.boolean().notNull(),
    approvedBlock: t.bigint(),
    approvedTimestamp: t.bigint(),
    revokedBlock: t.bigint(),
    revokedTimestamp: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.pcrHash, table.teeType] }),
  }),
);

/**
 * One row per TEE id seen in a registry or in a settlement. A TEE first seen in a settlement has
 * `registered` false (owner and type unknown) until its TEERegistered event arrives, if ever.
 * The live/stale state is not stored: it depends on the block's time and the registry's max age
 * at that block (lib/verification.ts), and the API works it out from the event tables at a block.
 */
export const teeNode = onchainTable(
  "tee_node",
  (t) => ({
    id: t.hex().primaryKey(),
    registered: t.boolean().notNull(),
    /** The registry of the TEE's latest registry event (TEE_REGISTRY_ADDRESS may list several). */
    registry: t.hex(),
    owner: t.hex(),
    teeType: t.integer(),
    registeredBlock: t.bigint(),
    registeredTimestamp: t.bigint(),
    enabled: t.boolean().notNull(),
    /**
     * The registry's `lastHeartbeatAt`: the block time of the last heartbeat or of the registration,
     * whichever is later (not the signed timestamp, which may be older when a heartbeat is relayed late).
     */
    lastHeartbeatAt: t.bigint(),
    lastHeartbeatBlock: t.bigint(),
    heartbeatCount: t.integer().notNull(),
    individualSettlements: t.integer().notNull(),
    lastSettlementBlock: t.bigint(),
    lastSettlementTimestamp: t.bigint(),
    firstSeenBlock: t.bigint().notNull(),
    firstSeenTimestamp: t.bigint().notNull(),
  }),
  (table) => ({
    typeIdx: index().on(table.teeType),
  }),
);

/** Registry lifecycle events of one TEE (registered, enabled, disabled), for its timeline. */
export const teeEvent = onchainTable(
  "tee_event",
  (t) => ({
    id: t.text().primaryKey(),
    teeId: t.hex().notNull(),
    registry: t.hex().notNull(),
    kind: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    teeIdx: index().on(table.teeId, table.blockNumber),
  }),
);

export const heartbeat = onchainTable(
  "heartbeat",
  (t) => ({
    id: t.text().primaryKey(),
    teeId: t.hex().notNull(),
    registry: t.hex().notNull(),
    /** The signed timestamp the TEE sent; the registry keeps the block's time instead. */
    heartbeatTimestamp: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    teeIdx: index().on(table.teeId, table.blockNumber),
  }),
);

/**
 * Each registry's `heartbeatMaxAge()` from the block it took effect. Its setter emits no event, so
 * reconciliation reads it and, on a change, searches the blocks since the previous read for the
 * first block with the new value.
 */
export const teeHeartbeatMaxAge = onchainTable(
  "tee_heartbeat_max_age",
  (t) => ({
    registry: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    maxAgeSeconds: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.registry, table.blockNumber] }),
  }),
);

/** A verified inference: an IndividualSettlement whose TEE signature the relay checked on-chain. */
export const individualSettlement = onchainTable(
  "individual_settlement",
  (t) => ({
    id: t.text().primaryKey(),
    teeId: t.hex().notNull(),
    /** False when the TEE was not in the registry at settlement time. */
    teeRegistered: t.boolean().notNull(),
    user: t.hex().notNull(),
    inputHash: t.hex().notNull(),
    outputHash: t.hex().notNull(),
    inferenceTimestamp: t.bigint().notNull(),
    lagSeconds: t.bigint().notNull(),
    walrusBlobId: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    inputIdx: index().on(table.inputHash),
    outputIdx: index().on(table.outputHash),
    teeIdx: index().on(table.teeId, table.blockNumber),
    timestampIdx: index().on(table.timestamp),
  }),
);

/** A Merkle root committing `batchSize` inferences whose leaves live off-chain (Walrus). */
export const batchSettlement = onchainTable(
  "batch_settlement",
  (t) => ({
    id: t.text().primaryKey(),
    merkleRoot: t.hex().notNull(),
    batchSize: t.bigint().notNull(),
    walrusBlobId: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    rootIdx: index().on(table.merkleRoot),
    timestampIdx: index().on(table.timestamp),
  }),
);

/** Hourly verification flows; id is the hour number. */
export const verificationHourly = onchainTable("verification_hourly", (t) => ({
  id: t.integer().primaryKey(),
  timestamp: t.bigint().notNull(),
  verified: t.integer().notNull(),
  unregisteredVerified: t.integer().notNull(),
  batches: t.integer().notNull(),
  batchedInferences: t.bigint().notNull(),
  lagSum: t.bigint().notNull(),
  lagMax: t.bigint(),
  lastBlock: t.bigint().notNull(),
}));

/**
 * Settlement lag histogram: how many settlements of the hour had exactly `lagSeconds` of lag.
 * Lags are whole seconds, so percentiles over any window are exact and cost the number of
 * distinct (hour, lag) pairs, not the number of settlements.
 */
export const verificationLagHourly = onchainTable(
  "verification_lag_hourly",
  (t) => ({
    hour: t.integer().notNull(),
    lagSeconds: t.bigint().notNull(),
    count: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.hour, table.lagSeconds] }),
  }),
);

/** The same histogram by UTC day (id = unix seconds / 86400), so long windows read a cell per day. */
export const verificationLagDaily = onchainTable(
  "verification_lag_daily",
  (t) => ({
    day: t.integer().notNull(),
    lagSeconds: t.bigint().notNull(),
    count: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.day, table.lagSeconds] }),
  }),
);
