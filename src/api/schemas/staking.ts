import { z } from "zod";
import { address, amount, asOfChains, decimals, interval, listResponse, periodRow, position, seriesResponse, unixSeconds } from "./common";

const ratios = z
  .object({
    ofCirculatingSupply: z.number().nullable(),
    ofTotalSupply: z.number().nullable(),
    numerator: z.literal("totalStaked"),
    denominators: z.object({ circulatingSupply: amount, totalSupply: amount }).strict(),
  })
  .strict();

const current = z
  .object({
    totalStaked: amount,
    unbonding: amount,
    unbondingEntries: z.number().int(),
    validators: z.number().int(),
    jailedValidators: z.number().int(),
    delegators: z.number().int(),
    slashed: amount,
    stakingRatio: ratios,
    decimals,
    asOf: asOfChains,
  })
  .strict();

/** With at=: the closing values of both chains' hourly snapshots. */
const historical = z
  .object({
    totalStaked: amount,
    unbonding: amount,
    validators: z.number().int(),
    delegators: z.number().int(),
    stakingRatio: ratios,
    decimals,
    granularity: z.literal("hour"),
    asOf: asOfChains,
  })
  .strict();

export const stakingResponse = z.union([current, historical]);

export const stakingHistoryResponse = seriesResponse(
  {
    delegated: amount,
    undelegated: amount,
    redelegated: amount,
    cancelled: amount,
    slashed: amount,
    commission: amount,
    delegatorRewards: amount,
    claimed: amount,
    totalStaked: amount.nullable(),
    unbonding: amount.nullable(),
    validators: z.number().int().nullable(),
    delegators: z.number().int().nullable(),
  },
  { decimals, asOf: asOfChains },
);

const validatorFields = {
  address,
  moniker: z.string().nullable(),
  stake: amount,
  selfStake: amount,
  delegatedStake: amount,
  chainTokens: amount.nullable(),
  delegators: z.number().int(),
  commissionRate: amount.nullable().describe("a fraction with 18 decimals"),
  jailed: z.boolean(),
  status: z.string().nullable(),
  slashed: amount,
  createdBlock: z.number().int(),
  createdTimestamp: unixSeconds,
  lastReconciledBlock: z.number().int().nullable(),
};

export const validatorsResponse = listResponse(validatorFields, {
  sort: z.enum(["stake", "delegators", "commission", "created"]),
  nextCursor: z.string().nullable(),
  decimals,
  commissionDecimals: z.literal(18),
  asOf: position,
});

export const nodeRewardsResponse = listResponse(
  {
    rank: z.number().int(),
    address,
    moniker: z.string().nullable(),
    stake: amount,
    jailed: z.boolean(),
    commission: amount,
    delegatorRewards: amount,
    total: amount,
    poolDeposits: amount,
    withdrawnRewardYield30d: z
      .number()
      .nullable()
      .describe("annualised: rewards withdrawn from the node in the trailing window / its average stake; ClaimRewards excluded"),
  },
  { from: unixSeconds, to: unixSeconds, yieldWindowDays: z.number(), decimals, asOf: position },
);

/** Whole base units per denom, from the distribution precompile's DecCoin views. */
const coins = z.array(z.object({ denom: z.string(), amount }).strict());

export const nodeResponse = z
  .object({
    ...validatorFields,
    rewards: z
      .object({
        commission: amount,
        delegatorRewards: amount,
        total: amount,
        poolDeposits: amount,
        trailing30d: z
          .object({
            withdrawnRewardYield: z.number().nullable(),
            withdrawnRewards: amount,
            averageStake: amount,
            windowStart: unixSeconds,
            windowEnd: unixSeconds,
          })
          .strict()
          .nullable(),
        accrued: z
          .object({
            outstandingRewards: coins.describe("validatorOutstandingRewards: rewards allocated to the node and not withdrawn"),
            commission: coins.describe("validatorCommission: the part of them that is its commission"),
            block: z.number().int().describe("the reconciliation block the distribution precompile was read at"),
          })
          .strict()
          .nullable()
          .describe("null until the first reconciliation, or without a distribution source on the staking chain"),
      })
      .strict(),
    /** Null with at=/atBlock=: delegations keep no history. */
    delegations: z.array(z.object({ delegator: address, amount }).strict()).nullable(),
    slashes: z.array(
      z
        .object({
          amount,
          stakeBefore: amount,
          stakeAfter: amount,
          jailed: z.boolean(),
          block: z.number().int(),
          timestamp: unixSeconds,
        })
        .strict(),
    ),
    series: z
      .object({
        interval,
        from: unixSeconds,
        to: unixSeconds,
        data: z.array(
          periodRow
            .extend({
              commission: amount,
              delegatorRewards: amount,
              poolDeposits: amount,
              slashed: amount,
              stake: amount.nullable(),
              delegators: z.number().int().nullable(),
            })
            .strict(),
        ),
      })
      .strict(),
    decimals,
    asOf: position,
  })
  .strict();
