import { z } from "zod";
import { TEE_STATES, WINDOWS, type WindowName } from "../../../lib/verification";
import { address, hash, listResponse, position, seriesResponse, unixSeconds } from "./common";

const nullableSeconds = unixSeconds.nullable();

const tee = {
  teeId: hash,
  state: z.enum(TEE_STATES),
  registered: z.boolean(),
  enabled: z.boolean(),
  owner: address.nullable(),
  type: z.number().int().nullable(),
  typeName: z.string().nullable(),
  registeredBlock: z.number().int().nullable(),
  registeredTimestamp: nullableSeconds,
  lastHeartbeat: nullableSeconds,
  heartbeatAgeSeconds: z.number().int().nullable(),
  heartbeatCount: z.number().int(),
  individualSettlements: z.number().int(),
  lastSettlementBlock: z.number().int().nullable(),
  lastSettlementTimestamp: nullableSeconds,
  firstSeenBlock: z.number().int(),
};

const settlement = {
  teeId: hash,
  teeRegistered: z.boolean(),
  user: address,
  inputHash: hash,
  outputHash: hash,
  inferenceTimestamp: unixSeconds,
  lagSeconds: z.number().int(),
  walrusBlobId: z.string(),
  block: z.number().int(),
  timestamp: unixSeconds,
  transactionHash: hash,
  logIndex: z.number().int(),
};

export const verificationStatusResponse = z
  .object({
    tees: z.object({ ...Object.fromEntries(TEE_STATES.map((state) => [state, z.number().int()])), total: z.number().int() }).strict(),
    heartbeatMaxAgeSeconds: z.number().int(),
    window: z
      .object({
        name: z.enum(Object.keys(WINDOWS) as [WindowName, ...WindowName[]]).nullable(),
        from: unixSeconds,
        to: unixSeconds,
        hours: z.number().int(),
      })
      .strict(),
    inferences: z
      .object({
        verified: z.number().int(),
        unregisteredVerified: z.number().int(),
        batched: z.number().int(),
        batches: z.number().int(),
        total: z.number().int(),
        verifiedShare: z.number().nullable(),
      })
      .strict(),
    lag: z
      .object({
        unit: z.literal("seconds"),
        settlements: z.number().int(),
        p50: z.number().nullable(),
        p95: z.number().nullable(),
        mean: z.number().nullable(),
        max: z.number().nullable(),
      })
      .strict(),
    asOf: position,
  })
  .strict();

export const teesResponse = listResponse(tee, { total: z.number().int(), heartbeatMaxAgeSeconds: z.number().int(), asOf: position });

export const teeResponse = z
  .object({
    ...tee,
    heartbeatMaxAgeSeconds: z.number().int(),
    events: z.array(z.object({ kind: z.string(), block: z.number().int(), timestamp: unixSeconds, transactionHash: hash }).strict()),
    recentHeartbeats: z.array(
      z.object({ heartbeatTimestamp: unixSeconds, block: z.number().int(), timestamp: unixSeconds, transactionHash: hash }).strict(),
    ),
    recentSettlements: z.array(z.object(settlement).strict()),
    asOf: position,
  })
  .strict();

export const inferenceResponse = z
  .object({
    hash,
    state: z.literal("verified"),
    settlements: z.array(z.object({ matchedOn: z.enum(["input", "output"]), ...settlement }).strict()),
    asOf: position,
  })
  .strict();

export const verificationHistoryResponse = seriesResponse(
  {
    verified: z.number().int(),
    unregisteredVerified: z.number().int(),
    batches: z.number().int(),
    batchedInferences: z.number().int(),
    meanLagSeconds: z.number().nullable(),
    maxLagSeconds: z.number().int().nullable(),
  },
  { asOf: position },
);
