import type { Context } from "ponder:registry";
import {
  delegation,
  delegator,
  nodeHourly,
  stakingBlock,
  stakingHourly,
  stakingTotals,
  unbonding,
  validator,
  validatorBlock,
  validatorSet,
  validatorTopic,
} from "ponder:schema";
import { and, eq, lte, min } from "ponder";
import { stakingAbi } from "../../abis/staking";
import { commissionTopics, operatorFromView } from "../../lib/operator";
import { subtractFloor } from "../../lib/staking";
import { holderDelta } from "../../lib/supply";
import { hourOf, SECONDS_PER_HOUR } from "../../lib/time";

type Db = Context["db"];
type Hex = `0x${string}`;
export type At = { block: { number: bigint; timestamp: bigint } };

export const TOTALS_ID = "staking";

/** Event arguments arrive checksummed; rows and composite ids use one spelling. */
export const lower = (address: string) => address.toLowerCase() as Hex;

export type StakingFlows = Partial<
  Record<"delegated" | "undelegated" | "redelegated" | "cancelled" | "slashed" | "commission" | "delegatorRewards" | "claimed", bigint>
>;
export type NodeFlows = Partial<Record<"commission" | "delegatorRewards" | "poolDeposits" | "slashed", bigint>>;

export async function getOrCreateTotals(db: Db) {
  return (
    (await db.find(stakingTotals, { id: TOTALS_ID })) ??
    (await db.insert(stakingTotals).values({
      id: TOTALS_ID,
      totalStaked: 0n,
      unbonding: 0n,
      nextCompletion: null,
      validators: 0,
      jailedValidators: 0,
      delegators: 0,
      slashed: 0n,
      lastBlock: 0n,
      lastTimestamp: 0n,
    }))
  );
}

const VALIDATOR_SET_ID = "all";

/** Every validator the events have named, in the order they first appeared. */
export async function knownValidators(db: Db): Promise<Hex[]> {
  return (await db.find(validatorSet, { id: VALIDATOR_SET_ID }))?.addresses ?? [];
}

/**
 * A validator's row, created the first time an event, or the staking precompile's list, names it.
 * Reconciliation then adopts the chain's token figure.
 */
export async function getOrCreateValidator(db: Db, address: Hex, event: At) {
  const existing = await db.find(validator, { address });
  if (existing) return existing;
  for (const topic of commissionTopics(address)) {
    await db.insert(validatorTopic).values({ topic, validator: address }).onConflictDoNothing();
  }
  const totals = await getOrCreateTotals(db);
  await db.update(stakingTotals, { id: TOTALS_ID }).set({ validators: totals.validators + 1 });
  await db
    .insert(validatorSet)
    .values({ id: VALIDATOR_SET_ID, addresses: [address] })
    .onConflictDoUpdate((row) => ({ addresses: [...row.addresses, address] }));
  return db.insert(validator).values({
    address,
    stake: 0n,
    selfStake: 0n,
    delegatedStake: 0n,
    delegators: 0,
    commissionRate: null,
    minSelfDelegation: null,
    jailed: false,
    status: null,
    moniker: null,
    chainTokens: null,
    slashed: 0n,
    commissionWithdrawn: 0n,
    delegatorRewards: 0n,
    poolDeposits: 0n,
    createdBlock: event.block.number,
    createdTimestamp: event.block.timestamp,
    lastReconciledBlock: null,
    lastReconciledTimestamp: null,
    outstandingRewards: null,
    accruedCommission: null,
  });
}

type Client = Context["client"];

/**
 * Every validator the staking precompile's paged `validators("", page)` view lists at the event's
 * block. Validators from the chain's genesis file never emit CreateValidator, so this is how they
 * become known.
 */
export async function discoverValidators(db: Db, client: Client, staking: Hex, event: At) {
  let key: Hex = "0x";
  do {
    const answer = await client
      .readContract({
        abi: stakingAbi,
        address: staking,
        functionName: "validators",
        args: ["", { key, offset: 0n, limit: 100n, countTotal: false, reverse: false }],
        // No code there at this block (a devnet before its precompile is placed): nothing to list.
        // Ponder would otherwise back off for a minute on the empty answer.
        retryEmptyResponse: false,
      })
      .catch((error: Error) => {
        if (/returned no data/.test(error.message)) return null;
        throw error;
      });
    if (!answer) return;
    const [page, response] = answer;
    for (const listed of page) await getOrCreateValidator(db, operatorFromView(listed.operatorAddress), event);
    key = response.nextKey;
  } while (key !== "0x");
}

/**
 * The validator a WithdrawValidatorCommission topic names. A validator not met yet is looked up in the
 * chain's list at that block; null if no validator there is spelled so.
 */
export async function validatorNamedBy(db: Db, client: Client, staking: Hex | null, topic: Hex, event: At) {
  const known = await db.find(validatorTopic, { topic });
  if (known || !staking) return known?.validator ?? null;
  await discoverValidators(db, client, staking, event);
  return (await db.find(validatorTopic, { topic }))?.validator ?? null;
}

async function getOrCreateDelegator(db: Db, address: Hex, event: At) {
  return (
    (await db.find(delegator, { address })) ??
    (await db.insert(delegator).values({
      address,
      activeDelegations: 0,
      rewardsClaimed: 0n,
      claimCount: 0,
      rewardsWithdrawn: 0n,
      withdrawalCount: 0,
      firstBlock: event.block.number,
      lastBlock: event.block.number,
    }))
  );
}

export const delegationId = (delegatorAddress: Hex, validatorAddress: Hex) => `${delegatorAddress}:${validatorAddress}`;

/*
 * Rows returned by db.find/insert read through to Ponder's cache, which later updates change in
 * place: every value needed after an update is copied out before it.
 */

/**
 * Sets one delegation's amount and keeps the delegator counts in step (per delegator, and the
 * network's count of addresses with any stake). Returns how the validator's delegator count moves.
 */
export async function setDelegation(db: Db, delegatorAddress: Hex, validatorAddress: Hex, amount: (before: bigint) => bigint, event: At) {
  const id = delegationId(delegatorAddress, validatorAddress);
  const existing = await db.find(delegation, { id });
  const before = existing?.amount ?? 0n;
  const after = amount(before);
  const row = { amount: after, lastBlock: event.block.number, lastTimestamp: event.block.timestamp };
  if (existing) await db.update(delegation, { id }).set(row);
  else await db.insert(delegation).values({ id, delegator: delegatorAddress, validator: validatorAddress, ...row });

  const change = holderDelta(before, after);
  const account = await getOrCreateDelegator(db, delegatorAddress, event);
  const wasActive = account.activeDelegations;
  const active = wasActive + change;
  await db.update(delegator, { address: delegatorAddress }).set({ activeDelegations: active, lastBlock: event.block.number });
  const networkChange = holderDelta(BigInt(wasActive), BigInt(active));
  if (networkChange !== 0) {
    const totals = await getOrCreateTotals(db);
    await db.update(stakingTotals, { id: TOTALS_ID }).set({ delegators: totals.delegators + networkChange });
  }
  return { before, after, delegatorsChange: change };
}

/**
 * Moves `delta` tokens into (positive) or out of (negative) one delegation, as the staking events
 * do, and applies the same change to the validator and the network total.
 */
export async function moveStake(db: Db, delegatorAddress: Hex, validatorAddress: Hex, delta: bigint, event: At) {
  const current = await getOrCreateValidator(db, validatorAddress, event);
  const { after, delegatorsChange } = await setDelegation(
    db,
    delegatorAddress,
    validatorAddress,
    (before) => (delta >= 0n ? before + delta : subtractFloor(before, -delta)),
    event,
  );
  const stake = current.stake + delta;
  const selfStake = delegatorAddress === validatorAddress ? after : current.selfStake;
  const updated = await db.update(validator, { address: validatorAddress }).set({
    stake,
    selfStake,
    delegatedStake: stake - selfStake,
    delegators: current.delegators + delegatorsChange,
  });
  const totals = await getOrCreateTotals(db);
  await db.update(stakingTotals, { id: TOTALS_ID }).set({ totalStaked: totals.totalStaked + delta });
  return updated;
}

/** Opens (or adds to) the unbonding entry of this delegator, validator and block, as Cosmos merges them. */
export async function openUnbonding(
  db: Db,
  delegatorAddress: Hex,
  validatorAddress: Hex,
  amount: bigint,
  completionTime: bigint,
  event: At,
) {
  const id = `${delegatorAddress}:${validatorAddress}:${event.block.number}`;
  await db
    .insert(unbonding)
    .values({
      id,
      delegator: delegatorAddress,
      validator: validatorAddress,
      amount,
      balance: amount,
      cancelled: 0n,
      completionTime,
      creationBlock: event.block.number,
      creationTimestamp: event.block.timestamp,
      matured: false,
    })
    .onConflictDoUpdate((row) => ({ amount: row.amount + amount, balance: row.balance + amount, completionTime }));
  const totals = await getOrCreateTotals(db);
  await db.update(stakingTotals, { id: TOTALS_ID }).set({
    unbonding: totals.unbonding + amount,
    nextCompletion: totals.nextCompletion === null || completionTime < totals.nextCompletion ? completionTime : totals.nextCompletion,
  });
}

/** Takes a cancelled amount off its entry; an entry from before the start block is simply absent. */
export async function cancelUnbonding(db: Db, delegatorAddress: Hex, validatorAddress: Hex, amount: bigint, creationHeight: bigint) {
  const id = `${delegatorAddress}:${validatorAddress}:${creationHeight}`;
  const entry = await db.find(unbonding, { id });
  if (!entry || entry.matured) return;
  const taken = entry.balance < amount ? entry.balance : amount;
  await db.update(unbonding, { id }).set({ balance: entry.balance - taken, cancelled: entry.cancelled + taken });
  const totals = await getOrCreateTotals(db);
  await db.update(stakingTotals, { id: TOTALS_ID }).set({ unbonding: totals.unbonding - taken });
}

/**
 * Marks entries whose completion time has passed as matured and takes them out of the unbonding
 * total. Runs its queries only when `nextCompletion` says something can have matured.
 */
export async function sweepMatured(db: Db, event: At) {
  const totals = await getOrCreateTotals(db);
  const now = event.block.timestamp;
  if (totals.nextCompletion === null || totals.nextCompletion > now) return totals;

  const due = await db.sql
    .select({ id: unbonding.id, balance: unbonding.balance })
    .from(unbonding)
    .where(and(eq(unbonding.matured, false), lte(unbonding.completionTime, now)));
  let released = 0n;
  for (const entry of due) {
    await db.update(unbonding, { id: entry.id }).set({ matured: true });
    released += entry.balance;
  }
  const [next] = await db.sql
    .select({ at: min(unbonding.completionTime) })
    .from(unbonding)
    .where(eq(unbonding.matured, false));
  return db.update(stakingTotals, { id: TOTALS_ID }).set({
    unbonding: totals.unbonding - released,
    nextCompletion: next?.at ?? null,
  });
}

const add = (value: bigint, flow: bigint | undefined) => value + (flow ?? 0n);

/** Folds the current network state and this event's flows into the hour's bucket. */
export async function recordStakingHour(db: Db, flows: StakingFlows, event: At) {
  const totals = await getOrCreateTotals(db);
  await db.update(stakingTotals, { id: TOTALS_ID }).set({ lastBlock: event.block.number, lastTimestamp: event.block.timestamp });
  const atBlock = {
    timestamp: event.block.timestamp,
    totalStaked: totals.totalStaked,
    unbonding: totals.unbonding,
    validators: totals.validators,
    jailedValidators: totals.jailedValidators,
    delegators: totals.delegators,
    slashed: totals.slashed,
  };
  await db
    .insert(stakingBlock)
    .values({ id: event.block.number, ...atBlock })
    .onConflictDoUpdate(atBlock);
  const id = hourOf(event.block.timestamp);
  const closing = {
    totalStaked: totals.totalStaked,
    unbonding: totals.unbonding,
    validators: totals.validators,
    delegators: totals.delegators,
    lastBlock: event.block.number,
  };
  await db
    .insert(stakingHourly)
    .values({
      id,
      timestamp: BigInt(id * SECONDS_PER_HOUR),
      ...closing,
      delegated: flows.delegated ?? 0n,
      undelegated: flows.undelegated ?? 0n,
      redelegated: flows.redelegated ?? 0n,
      cancelled: flows.cancelled ?? 0n,
      slashed: flows.slashed ?? 0n,
      commission: flows.commission ?? 0n,
      delegatorRewards: flows.delegatorRewards ?? 0n,
      claimed: flows.claimed ?? 0n,
    })
    .onConflictDoUpdate((row) => ({
      ...closing,
      delegated: add(row.delegated, flows.delegated),
      undelegated: add(row.undelegated, flows.undelegated),
      redelegated: add(row.redelegated, flows.redelegated),
      cancelled: add(row.cancelled, flows.cancelled),
      slashed: add(row.slashed, flows.slashed),
      commission: add(row.commission, flows.commission),
      delegatorRewards: add(row.delegatorRewards, flows.delegatorRewards),
      claimed: add(row.claimed, flows.claimed),
    }));
}

type ValidatorState = typeof validator.$inferSelect;

/** Folds one validator's state after an event and that event's reward flows into its hourly bucket. */
export async function recordNodeHour(db: Db, node: ValidatorState, flows: NodeFlows, event: At) {
  const hour = hourOf(event.block.timestamp);
  const state = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, typeof value === "bigint" ? value.toString() : value]),
  ) as (typeof validatorBlock.$inferInsert)["state"];
  await db
    .insert(validatorBlock)
    .values({
      id: `${node.address}:${event.block.number}`,
      address: node.address,
      blockNumber: event.block.number,
      timestamp: event.block.timestamp,
      state,
    })
    .onConflictDoUpdate({ state });
  const closing = { stake: node.stake, delegators: node.delegators, lastBlock: event.block.number };
  await db
    .insert(nodeHourly)
    .values({
      id: `${node.address}:${hour}`,
      validator: node.address,
      hour,
      timestamp: BigInt(hour * SECONDS_PER_HOUR),
      ...closing,
      commission: flows.commission ?? 0n,
      delegatorRewards: flows.delegatorRewards ?? 0n,
      poolDeposits: flows.poolDeposits ?? 0n,
      slashed: flows.slashed ?? 0n,
    })
    .onConflictDoUpdate((row) => ({
      ...closing,
      commission: add(row.commission, flows.commission),
      delegatorRewards: add(row.delegatorRewards, flows.delegatorRewards),
      poolDeposits: add(row.poolDeposits, flows.poolDeposits),
      slashed: add(row.slashed, flows.slashed),
    }));
}
