import { ponder } from "ponder:registry";
import { stakingEvent, validator } from "ponder:schema";
import {
  cancelUnbonding,
  getOrCreateValidator,
  lower,
  moveStake,
  openUnbonding,
  recordNodeHour,
  recordStakingHour,
  sweepMatured,
} from "./entities/staking";

type Logged = {
  id: string;
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: `0x${string}` };
  log: { logIndex: number };
};

function raw(
  event: Logged,
  row: {
    kind: string;
    delegator: `0x${string}`;
    validator: `0x${string}`;
    amount: bigint;
    dstValidator?: `0x${string}`;
    completionTime?: bigint;
  },
) {
  return {
    id: event.id,
    dstValidator: null,
    completionTime: null,
    ...row,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  };
}

ponder.on("Staking:CreateValidator", async ({ event, context }) => {
  const db = context.db;
  const validatorAddress = lower(event.args.validatorAddress);
  const { value } = event.args;
  await sweepMatured(db, event);
  await getOrCreateValidator(db, validatorAddress, event);
  const node = await moveStake(db, validatorAddress, validatorAddress, value, event);
  await db
    .insert(stakingEvent)
    .values(raw(event, { kind: "create", delegator: validatorAddress, validator: validatorAddress, amount: value }));
  await recordNodeHour(db, node, {}, event);
  await recordStakingHour(db, { delegated: value }, event);
});

/** The precompile sends -1 for a field left unchanged. */
ponder.on("Staking:EditValidator", async ({ event, context }) => {
  const validatorAddress = lower(event.args.validatorAddress);
  const { commissionRate, minSelfDelegation } = event.args;
  const node = await getOrCreateValidator(context.db, validatorAddress, event);
  const updated = await context.db.update(validator, { address: validatorAddress }).set({
    commissionRate: commissionRate >= 0n ? commissionRate : node.commissionRate,
    minSelfDelegation: minSelfDelegation >= 0n ? minSelfDelegation : node.minSelfDelegation,
  });
  // The per-block snapshots that as-of answers read (a first sighting also adds a validator).
  await recordNodeHour(context.db, updated, {}, event);
  await recordStakingHour(context.db, {}, event);
});

ponder.on("Staking:Delegate", async ({ event, context }) => {
  const db = context.db;
  const [delegatorAddress, validatorAddress] = [lower(event.args.delegatorAddress), lower(event.args.validatorAddress)];
  const { amount } = event.args;
  await sweepMatured(db, event);
  const node = await moveStake(db, delegatorAddress, validatorAddress, amount, event);
  await db.insert(stakingEvent).values(raw(event, { kind: "delegate", delegator: delegatorAddress, validator: validatorAddress, amount }));
  await recordNodeHour(db, node, {}, event);
  await recordStakingHour(db, { delegated: amount }, event);
});

ponder.on("Staking:Unbond", async ({ event, context }) => {
  const db = context.db;
  const [delegatorAddress, validatorAddress] = [lower(event.args.delegatorAddress), lower(event.args.validatorAddress)];
  const { amount, completionTime } = event.args;
  await sweepMatured(db, event);
  const node = await moveStake(db, delegatorAddress, validatorAddress, -amount, event);
  await openUnbonding(db, delegatorAddress, validatorAddress, amount, completionTime, event);
  await db
    .insert(stakingEvent)
    .values(raw(event, { kind: "unbond", delegator: delegatorAddress, validator: validatorAddress, amount, completionTime }));
  await recordNodeHour(db, node, {}, event);
  await recordStakingHour(db, { undelegated: amount }, event);
});

/** A redelegation re-bonds at once: stake moves between validators, nothing enters unbonding. */
ponder.on("Staking:Redelegate", async ({ event, context }) => {
  const db = context.db;
  const delegatorAddress = lower(event.args.delegatorAddress);
  const [validatorSrcAddress, validatorDstAddress] = [lower(event.args.validatorSrcAddress), lower(event.args.validatorDstAddress)];
  const { amount, completionTime } = event.args;
  await sweepMatured(db, event);
  const source = await moveStake(db, delegatorAddress, validatorSrcAddress, -amount, event);
  const destination = await moveStake(db, delegatorAddress, validatorDstAddress, amount, event);
  await db.insert(stakingEvent).values(
    raw(event, {
      kind: "redelegate",
      delegator: delegatorAddress,
      validator: validatorSrcAddress,
      dstValidator: validatorDstAddress,
      amount,
      completionTime,
    }),
  );
  await recordNodeHour(db, source, {}, event);
  await recordNodeHour(db, destination, {}, event);
  await recordStakingHour(db, { redelegated: amount }, event);
});

ponder.on("Staking:CancelUnbondingDelegation", async ({ event, context }) => {
  const db = context.db;
  const [delegatorAddress, validatorAddress] = [lower(event.args.delegatorAddress), lower(event.args.validatorAddress)];
  const { amount, creationHeight } = event.args;
  await sweepMatured(db, event);
  await cancelUnbonding(db, delegatorAddress, validatorAddress, amount, creationHeight);
  const node = await moveStake(db, delegatorAddress, validatorAddress, amount, event);
  await db.insert(stakingEvent).values(raw(event, { kind: "cancel", delegator: delegatorAddress, validator: validatorAddress, amount }));
  await recordNodeHour(db, node, {}, event);
  await recordStakingHour(db, { cancelled: amount }, event);
});
