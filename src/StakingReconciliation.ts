import { ponder } from "ponder:registry";
import { delegation, slash, stakingTotals, validator } from "ponder:schema";
import { and, eq, gt } from "ponder";
import { distributionAbi } from "../abis/distribution";
import { stakingAbi } from "../abis/staking";
import { appConfig } from "../lib/env";
import { decCoinsToCoins, valoperAddress } from "../lib/operator";
import { bondStatusName, scaleDelegation, unexplainedLoss } from "../lib/staking";
import {
  discoverValidators,
  getOrCreateTotals,
  knownValidators,
  recordNodeHour,
  recordStakingHour,
  setDelegation,
  sweepMatured,
  TOTALS_ID,
} from "./entities/staking";

/**
 * Every `RECONCILE_INTERVAL_BLOCKS` blocks (after that block's logs), list the chain's validators
 * (genesis ones emit no event), read `validator(address)` for each validator known and adopt the
 * chain's `tokens`. Slashing happens inside consensus without an EVM log, so a fall the events do
 * not explain is recorded as a slash. The distribution precompile's views give each validator's
 * rewards accrued and not yet withdrawn.
 */
ponder.on("StakingReconciliation:block", async ({ event, context }) => {
  const db = context.db;
  const staking = appConfig.staking!.address;
  await sweepMatured(db, event);

  await discoverValidators(db, context.client, staking, event);
  const known = await knownValidators(db);
  // Read through this chain's client, so only when distribution lives on the staking chain.
  const distribution = appConfig.distribution?.chain === appConfig.staking!.chain ? appConfig.distribution.address : null;
  const accrued = (address: `0x${string}`, functionName: "validatorOutstandingRewards" | "validatorCommission") =>
    distribution
      ? context.client
          .readContract({
            abi: distributionAbi,
            address: distribution,
            functionName,
            args: [valoperAddress(address)],
            // A precompile without these views answers nothing: no figure, rather than a minute of retries per read.
            retryEmptyResponse: false,
          })
          .then(decCoinsToCoins)
          .catch((error: Error) => {
            if (/returned no data/.test(error.message)) return null;
            throw error;
          })
      : null;
  // The reads are independent: issue them together, then apply them in order.
  const reads = await Promise.all(
    known.map(async (address) => {
      const [chain, outstandingRewards, accruedCommission] = await Promise.all([
        context.client.readContract({ abi: stakingAbi, address: staking, functionName: "validator", args: [address] }),
        accrued(address, "validatorOutstandingRewards"),
        accrued(address, "validatorCommission"),
      ]);
      return { chain, outstandingRewards, accruedCommission };
    }),
  );
  let slashedNow = 0n;
  for (const [index, address] of known.entries()) {
    const { chain, outstandingRewards, accruedCommission } = reads[index]!;
    const node = (await db.find(validator, { address }))!;
    // Copied out: the row reads through to the cache, which the update below changes.
    const before = {
      stake: node.stake,
      jailed: node.jailed,
      slashed: node.slashed,
      moniker: node.moniker,
      accrued: JSON.stringify([node.outstandingRewards, node.accruedCommission]),
    };
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
      outstandingRewards,
      accruedCommission,
    });

    const accruedChanged = JSON.stringify([outstandingRewards, accruedCommission]) !== before.accrued;
    if (chain.tokens !== before.stake || chain.jailed !== before.jailed || accruedChanged) {
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
