import { ponder } from "ponder:registry";
import { delegation, slash, stakingTotals, validator } from "ponder:schema";
import { and, eq, gt } from "ponder";
import { stakingAbi } from "../abis/staking";
import { appConfig } from "../lib/env";
import { bondStatusName, scaleDelegation, unexplainedLoss } from "../lib/staking";
import {
  getOrCreateTotals,
  knownValidators,
  recordNodeHour,
  recordStakingHour,
  setDelegation,
  sweepMatured,
  TOTALS_ID,
} from "./entities/staking";

/**
 * Every `RECONCILE_INTERVAL_BLOCKS` blocks (after that block's logs), read `validator(address)` for
 * each validator the events have named and adopt the chain's `tokens`. Slashing happens inside
 * consensus without an EVM log, so a fall the events do not explain is recorded as a slash.
 */
ponder.on("StakingReconciliation:block", async ({ event, context }) => {
  const db = context.db;
  const staking = appConfig.staking!.address;
  await sweepMatured(db, event);

  const known = await knownValidators(db);
  // The reads are independent: issue them together, then apply them in order.
  const reads = await Promise.all(
    known.map((address) => context.client.readContract({ abi: stakingAbi, address: staking, functionName: "validator", args: [address] })),
  );
  let slashedNow = 0n;
  for (const [index, address] of known.entries()) {
    const chain = reads[index]!;
    const node = (await db.find(validator, { address }))!;
    // Copied out: the row reads through to the cache, which the update below changes.
    const before = { stake: node.stake, jailed: node.jailed, slashed: node.slashed, moniker: node.moniker };
    const loss = unexplainedLoss(before.stake, chain.tokens);
    let { selfStake, delegators } = node;

    if (loss > 0n) {
      slashedNow += loss;
      await db.insert(slash).values({
        id: `${address}:${event.block.number}`,
        validator: address,
        amount: loss,
        stakeBefore: before.stake,
        stakeAfter: chain.tokens,
        jailed: chain.jailed,
        blockNumber: event.block.number,
        timestamp: event.block.timestamp,
      });
      // Shares keep their count while each is worth less: every delegation shrinks in proportion.
      const backing = await db.sql
        .select({ delegator: delegation.delegator })
        .from(delegation)
        .where(and(eq(delegation.validator, address), gt(delegation.amount, 0n)));
      for (const { delegator } of backing) {
        const { after, delegatorsChange } = await setDelegation(
          db,
          delegator,
          address,
          (amount) => scaleDelegation(amount, before.stake, chain.tokens),
          event,
        );
        delegators += delegatorsChange;
        if (delegator === address) selfStake = after;
      }
    }

    const updated = await db.update(validator, { address }).set({
      stake: chain.tokens,
      selfStake,
      delegatedStake: chain.tokens - selfStake,
      delegators,
      jailed: chain.jailed,
      status: bondStatusName(chain.status),
      commissionRate: chain.commission,
      minSelfDelegation: chain.minSelfDelegation,
      moniker: chain.description.moniker || before.moniker,
      chainTokens: chain.tokens,
      slashed: before.slashed + loss,
      lastReconciledBlock: event.block.number,
      lastReconciledTimestamp: event.block.timestamp,
    });

    if (chain.tokens !== before.stake || chain.jailed !== before.jailed) {
      const totals = await getOrCreateTotals(db);
      await db.update(stakingTotals, { id: TOTALS_ID }).set({
        totalStaked: totals.totalStaked + chain.tokens - before.stake,
        jailedValidators: totals.jailedValidators + (chain.jailed ? 1 : 0) - (before.jailed ? 1 : 0),
        slashed: totals.slashed + loss,
      });
      await recordNodeHour(db, updated, { slashed: loss }, event);
    }
  }
  await recordStakingHour(db, { slashed: slashedNow }, event);
});
