import { z } from "zod";
import { PROPOSAL_STATUSES, VOTE_OPTIONS } from "../../../lib/governance";
import { address, amount, decimals, hash, interval, position, unixSeconds } from "./common";

const status = z.enum(PROPOSAL_STATUSES);
const options = z.array(z.object({ option: z.enum(VOTE_OPTIONS), weight: z.string() }).strict());
const tally = z
  .object(Object.fromEntries(VOTE_OPTIONS.map((o) => [o, z.object({ power: amount, voters: z.number().int() }).strict()])))
  .strict();

const proposalSummary = {
  id: z.string(),
  proposer: address,
  title: z.string(),
  status,
  submitTime: unixSeconds,
  depositEndTime: unixSeconds,
  votingStartTime: unixSeconds.nullable(),
  votingEndTime: unixSeconds.nullable(),
  totalDeposit: amount,
  voters: z.number().int(),
  votesCast: z.number().int(),
};

export const proposalsResponse = z
  .object({ nextCursor: z.string().nullable(), decimals, asOf: position, data: z.array(z.object(proposalSummary).strict()) })
  .strict();

export const proposalResponse = z
  .object({
    ...proposalSummary,
    summary: z.string(),
    metadata: z.string(),
    messages: z.array(z.string()),
    submitBlock: z.number().int(),
    deposits: z.array(
      z
        .object({
          depositor: address,
          amount,
          initial: z.boolean(),
          blockNumber: z.number().int(),
          timestamp: unixSeconds,
          transactionHash: hash,
        })
        .strict(),
    ),
    minDeposit: amount.nullable(),
    statusHistory: z.array(z.object({ status, blockNumber: z.number().int(), timestamp: unixSeconds }).strict()),
    tallySource: z.enum(["live", "chain_final"]),
    tally,
    liveTally: tally,
    votingPower: amount,
    bondedStake: amount.nullable(),
    turnout: z.number().nullable(),
    params: z.object({ quorum: z.string(), threshold: z.string(), vetoThreshold: z.string() }).strict().nullable(),
    quorumReached: z.boolean().nullable(),
    vetoed: z.boolean().nullable(),
    thresholdReached: z.boolean().nullable(),
    timeLeft: z.number().int().nullable(),
    decimals,
    asOf: position,
  })
  .strict();

export const votesResponse = z
  .object({
    proposalId: z.string(),
    nextCursor: address.nullable(),
    decimals,
    asOf: position,
    data: z.array(
      z
        .object({
          voter: address,
          options,
          weighted: z.boolean(),
          changes: z.number().int(),
          ownPower: amount,
          blockNumber: z.number().int(),
          timestamp: unixSeconds,
          transactionHash: hash,
        })
        .strict(),
    ),
  })
  .strict();

export const voterResponse = z
  .object({
    address,
    votingPower: amount,
    validator: z.object({ stake: amount, jailed: z.boolean() }).strict().nullable(),
    votes: z.array(
      z
        .object({
          proposalId: z.string(),
          options,
          weighted: z.boolean(),
          changes: z.number().int(),
          blockNumber: z.number().int(),
          timestamp: unixSeconds,
        })
        .strict(),
    ),
    decimals,
    asOf: position,
  })
  .strict();

export const governanceHistoryResponse = z
  .object({
    interval,
    from: unixSeconds,
    to: unixSeconds,
    asOf: position,
    data: z.array(
      z
        .object({
          start: unixSeconds,
          proposalsSubmitted: z.number().int(),
          votesCast: z.number().int(),
          proposalsEnded: z.number().int(),
          averageTurnout: z.number().nullable(),
        })
        .strict(),
    ),
  })
  .strict();
