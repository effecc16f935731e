import { index, onchainTable } from "ponder";

/** An amount of one denom in whole base units, as a decimal string. */
export type Coin = { denom: string; amount: string };

/**
 * One row per validator. `stake` follows the events and, after each reconciliation, the chain's
 * `validator(address).tokens`; `chainTokens` is the last figure read from the chain.
 */
export const validator = onchainTable(
  "validator",
  (t) => ({
    address: t.hex().primaryKey(),
    stake: t.bigint().notNull(),
    selfStake: t.bigint().notNull(),
    delegatedStake: t.bigint().notNull(),
    delegators: t.integer().notNull(),
    commissionRate: t.bigint(),
    minSelfDelegation: t.bigint(),
    jailed: t.boolean().notNull(),
    status: t.text(),
    moniker: t.text(),
    chainTokens: t.bigint(),
    slashed: t.bigint().notNull(),
    commissionWithdrawn: t.bigint().notNull(),
    delegatorRewards: t.bigint().notNull(),
    poolDeposits: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
    createdTimestamp: t.bigint().notNull(),
    lastReconciledBlock: t.bigint(),
    lastReconciledTimestamp: t.bigint(),
    /** The distribution precompile's `validatorOutstandingRewards` and `validatorCommission` at the last reconciliation. */
    outstandingRewards: t.json().$type<Coin[]>(),
    accruedCommission: t.json().$type<Coin[]>(),
  }),
  (table) => ({
    stakeIdx: index().on(table.stake, table.address),
    delegatorsIdx: index().on(table.delegators, table.address),
  }),
);

/** A delegator's current stake with one validator, in tokens (scaled down when the validator is slashed). */
export const delegation = onchainTable(
  "delegation",
  (t) => ({
    id: t.text().primaryKey(),
    delegator: t.hex().notNull(),
    validator: t.hex().notNull(),
    amount: t.bigint().notNull(),
    lastBlock: t.bigint().notNull(),
    lastTimestamp: t.bigint().notNull(),
  }),
  (table) => ({
    validatorIdx: index().on(table.validator, table.amount),
    delegatorIdx: index().on(table.delegator),
  }),
);

/** Per delegator: how many validators they back, and what they took out of distribution. */
export const delegator = onchainTable("delegator", (t) => ({
  address: t.hex().primaryKey(),
  activeDelegations: t.integer().notNull(),
  rewardsClaimed: t.bigint().notNull(),
  claimCount: t.integer().notNull(),
  rewardsWithdrawn: t.bigint().notNull(),
  withdrawalCount: t.integer().notNull(),
  firstBlock: t.bigint().notNull(),
  lastBlock: t.bigint().notNull(),
}));

/**
 * Unbonding entries, one per (delegator, validator, creation block) as in Cosmos, where
 * CancelUnbondingDelegation names its entry by creation height. `balance` is what is left after
 * cancellations; `matured` is set once the completion time has passed at an indexed block.
 */
export const unbonding = onchainTable(
  "unbonding",
  (t) => ({
    id: t.text().primaryKey(),
    delegator: t.hex().notNull(),
    validator: t.hex().notNull(),
    amount: t.bigint().notNull(),
    balance: t.bigint().notNull(),
    cancelled: t.bigint().notNull(),
    completionTime: t.bigint().notNull(),
    creationBlock: t.bigint().notNull(),
    creationTimestamp: t.bigint().notNull(),
    matured: t.boolean().notNull(),
  }),
  (table) => ({
    pendingIdx: index().on(table.matured, table.completionTime),
    delegatorIdx: index().on(table.delegator),
  }),
);

/** Raw staking events: Delegate, Unbond, Redelegate, CancelUnbondingDelegation, CreateValidator. */
export const stakingEvent = onchainTable(
  "staking_event",
  (t) => ({
    id: t.text().primaryKey(),
    kind: t.text().notNull(),
    delegator: t.hex().notNull(),
    validator: t.hex().notNull(),
    dstValidator: t.hex(),
    amount: t.bigint().notNull(),
    completionTime: t.bigint(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    validatorIdx: index().on(table.validator, table.blockNumber),
    delegatorIdx: index().on(table.delegator, table.blockNumber),
  }),
);

/** Raw distribution events. `validator` is null for ClaimRewards (it spans every validator of the delegator). */
export const rewardEvent = onchainTable(
  "reward_event",
  (t) => ({
    id: t.text().primaryKey(),
    kind: t.text().notNull(),
    account: t.hex().notNull(),
    validator: t.hex(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({
    validatorIdx: index().on(table.validator, table.blockNumber),
    accountIdx: index().on(table.account, table.blockNumber),
  }),
);

/** Slashes found by reconciliation: the chain's tokens fell by more than the events explain. */
export const slash = onchainTable(
  "slash",
  (t) => ({
    id: t.text().primaryKey(),
    validator: t.hex().notNull(),
    amount: t.bigint().notNull(),
    stakeBefore: t.bigint().notNull(),
    stakeAfter: t.bigint().notNull(),
    jailed: t.boolean().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    validatorIdx: index().on(table.validator, table.blockNumber),
  }),
);

/**
 * One row, id "staking". `unbonding` counts entries whose completion time had not passed at the
 * last sweep; `nextCompletion` is the earliest completion time still pending, so a sweep runs only
 * when something can have matured.
 */
export const stakingTotals = onchainTable("staking_totals", (t) => ({
  id: t.text().primaryKey(),
  totalStaked: t.bigint().notNull(),
  unbonding: t.bigint().notNull(),
  nextCompletion: t.bigint(),
  validators: t.integer().notNull(),
  jailedValidators: t.integer().notNull(),
  delegators: t.integer().notNull(),
  slashed: t.bigint().notNull(),
  lastBlock: t.bigint().notNull(),
  lastTimestamp: t.bigint().notNull(),
}));

/** Hourly network staking; id is the hour number. Closing values and the hour's flows side by side. */
export const stakingHourly = onchainTable("staking_hourly", (t) => ({
  id: t.integer().primaryKey(),
  timestamp: t.bigint().notNull(),
  totalStaked: t.bigint().notNull(),
  unbonding: t.bigint().notNull(),
  validators: t.integer().notNull(),
  delegators: t.integer().notNull(),
  delegated: t.bigint().notNull(),
  undelegated: t.bigint().notNull(),
  redelegated: t.bigint().notNull(),
  cancelled: t.bigint().notNull(),
  slashed: t.bigint().notNull(),
  commission: t.bigint().notNull(),
  delegatorRewards: t.bigint().notNull(),
  claimed: t.bigint().notNull(),
  lastBlock: t.bigint().notNull(),
}));

/** Hourly per node: closing stake and the hour's rewards. id is `${validator}:${hour}`. */
export const nodeHourly = onchainTable(
  "node_hourly",
  (t) => ({
    id: t.text().primaryKey(),
    validator: t.hex().notNull(),
    hour: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    stake: t.bigint().notNull(),
    delegators: t.integer().notNull(),
    commission: t.bigint().notNull(),
    delegatorRewards: t.bigint().notNull(),
    poolDeposits: t.bigint().notNull(),
    slashed: t.bigint().notNull(),
    lastBlock: t.bigint().notNull(),
  }),
  (table) => ({
    validatorHourIdx: index().on(table.validator, table.hour),
    hourIdx: index().on(table.hour),
  }),
);

/**
 * One row (id "all"): every validator the events have named. Reconciliation reads the set through
 * Ponder's cache; listing the validator table with SQL instead would flush every pending write.
 */
/**
 * keccak256 of each spelling of a validator's bech32 valoper address: the topic by which
 * `WithdrawValidatorCommission(string indexed validatorAddress, …)` names it.
 */
export const validatorTopic = onchainTable("validator_topic", (t) => ({
  topic: t.hex().primaryKey(),
  validator: t.hex().notNull(),
}));

export const validatorSet = onchainTable("validator_set", (t) => ({
  id: t.text().primaryKey(),
  addresses: t.json().$type<`0x${string}`[]>().notNull(),
}));

/**
 * Network staking after each block in which an event or a reconciliation touched it; id is the block
 * number, so "staking as of block N" is the row with the greatest id <= N.
 */
export const stakingBlock = onchainTable(
  "staking_block",
  (t) => ({
    id: t.bigint().primaryKey(),
    timestamp: t.bigint().notNull(),
    totalStaked: t.bigint().notNull(),
    unbonding: t.bigint().notNull(),
    validators: t.integer().notNull(),
    jailedValidators: t.integer().notNull(),
    delegators: t.integer().notNull(),
    slashed: t.bigint().notNull(),
  }),
  // at= on the staking chain finds the blocks around a time here before asking the RPC (src/api/asof.ts).
  (table) => ({ timeIdx: index().on(table.timestamp, table.id) }),
);

/**
 * One validator's row as it stood after each block in which an event or a reconciliation changed its
 * stake, delegators, rewards or jail status; id is `${address}:${block}`. `state` is the `validator` row.
 */
export const validatorBlock = onchainTable(
  "validator_block",
  (t) => ({
    id: t.text().primaryKey(),
    address: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    state: t.json().$type<Record<string, string | number | boolean | null | Coin[]>>().notNull(),
  }),
  (table) => ({
    addressBlockIdx: index().on(table.address, table.blockNumber),
    blockIdx: index().on(table.blockNumber),
  }),
);
