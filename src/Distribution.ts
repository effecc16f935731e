import { ponder } from "ponder:registry";
import { delegator, rewardEvent, validator } from "ponder:schema";
import { appConfig } from "../lib/env";
import { getOrCreateValidator, lower, recordNodeHour, recordStakingHour, validatorNamedBy } from "./entities/staking";

type Logged = {
  id: string;
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: `0x${string}` };
  log: { logIndex: number };
};

function raw(event: Logged, row: { kind: string; account: `0x${string}`; validator: `0x${string}` | null; amount: bigint }) {
  return {
    id: event.id,
    ...row,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  };
}

function emptyDelegator(address: `0x${string}`, block: bigint) {
  return {
    address,
    activeDelegations: 0,
    rewardsClaimed: 0n,
    claimCount: 0,
    rewardsWithdrawn: 0n,
    withdrawalCount: 0,
    firstBlock: block,
    lastBlock: block,
  };
}

/** ClaimRewards covers every validator of the delegator at once, so it counts for the delegator only. */
ponder.on("Distribution:ClaimRewards", async ({ event, context }) => {
  const db = context.db;
  const delegatorAddress = lower(event.args.delegatorAddress);
  const { amount } = event.args;
  await db.insert(rewardEvent).values(raw(event, { kind: "claim", account: delegatorAddress, validator: null, amount }));
  await db
    .insert(delegator)
    .values({ ...emptyDelegator(delegatorAddress, event.block.number), rewardsClaimed: amount, claimCount: 1 })
    .onConflictDoUpdate((row) => ({
      rewardsClaimed: row.rewardsClaimed + amount,
      claimCount: row.claimCount + 1,
      lastBlock: event.block.number,
    }));
  await recordStakingHour(db, { claimed: amount }, event);
});

ponder.on("Distribution:WithdrawDelegatorReward", async ({ event, context }) => {
  const db = context.db;
  const [delegatorAddress, validatorAddress] = [lower(event.args.delegatorAddress), lower(event.args.validatorAddress)];
  const { amount } = event.args;
  await db
    .insert(rewardEvent)
    .values(raw(event, { kind: "delegator_reward", account: delegatorAddress, validator: validatorAddress, amount }));
  await db
    .insert(delegator)
    .values({ ...emptyDelegator(delegatorAddress, event.block.number), rewardsWithdrawn: amount, withdrawalCount: 1 })
    .onConflictDoUpdate((row) => ({
      rewardsWithdrawn: row.rewardsWithdrawn + amount,
      withdrawalCount: row.withdrawalCount + 1,
      lastBlock: event.block.number,
    }));
  const node = await getOrCreateValidator(db, validatorAddress, event);
  const updated = await db.update(validator, { address: validatorAddress }).set({ delegatorRewards: node.delegatorRewards + amount });
  await recordNodeHour(db, updated, { delegatorRewards: amount }, event);
  await recordStakingHour(db, { delegatorRewards: amount }, event);
});

/**
 * The validator is an indexed string, so the log holds only keccak256 of the bech32 valoper text the
 * caller sent (lib/operator.ts); it is matched to a known validator, never to the transaction's
 * sender, which may be a contract's caller or a relayer.
 */
ponder.on("Distribution:WithdrawValidatorCommission", async ({ event, context }) => {
  const db = context.db;
  const { commission } = event.args;
  const operator = await validatorNamedBy(
    db,
    context.client,
    appConfig.staking?.address ?? null,
    event.args.validatorAddress as `0x${string}`,
    event,
  );
  if (!operator) {
    // Still counted in the network's commission; the sender is kept, not made a validator.
    await db
      .insert(rewardEvent)
      .values(raw(event, { kind: "commission", account: lower(event.transaction.from), validator: null, amount: commission }));
    await recordStakingHour(db, { commission }, event);
    return;
  }
  await db.insert(rewardEvent).values(raw(event, { kind: "commission", account: operator, validator: operator, amount: commission }));
  const node = (await db.find(validator, { address: operator }))!;
  const updated = await db.update(validator, { address: operator }).set({ commissionWithdrawn: node.commissionWithdrawn + commission });
  await recordNodeHour(db, updated, { commission }, event);
  await recordStakingHour(db, { commission }, event);
});

ponder.on("Distribution:DepositValidatorRewardsPool", async ({ event, context }) => {
  const db = context.db;
  const [depositor, validatorAddress] = [lower(event.args.depositor), lower(event.args.validatorAddress)];
  const { amount } = event.args;
  await db.insert(rewardEvent).values(raw(event, { kind: "pool_deposit", account: depositor, validator: validatorAddress, amount }));
  const node = await getOrCreateValidator(db, validatorAddress, event);
  const updated = await db.update(validator, { address: validatorAddress }).set({ poolDeposits: node.poolDeposits + amount });
  await recordNodeHour(db, updated, { poolDeposits: amount }, event);
  // A first sighting adds a validator: the network's per-block row must see it.
  await recordStakingHour(db, {}, event);
});
