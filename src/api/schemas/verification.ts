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
  /** The registry that last spoke of this TEE (TEE_REGISTRY_ADDRESS may list several deployments). */
  registry: address.nullable(),
  /** Block time of the last heartbeat or of the registration, as the registry's lastHeartbeatAt. */
  lastHeartbeatAt: nullableSeconds,
  heartbeatAgeSeconds: z.number().int().nullable(),
  /** The max age in force at the answer's block: the override, or the registry's heartbeatMaxAge(). */
  heartbeatMaxAgeSeconds: z.number().int(),
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
    /** TEE_HEARTBEAT_MAX_AGE_SECONDS when set, else "registry": each TEE's figure is in /verification/tees. */
    heartbeatMaxAgeSeconds: z.union([z.number().int(), z.literal("registry")]),
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

export const teesResponse = listResponse(tee, { total: z.number().int(), asOf: position });

export const teeResponse = z
  .object({
    ...tee,
    events: z.array(z.object({ kind: z.string(), block: z.number().int(), timestamp: unixSeconds, transactionHash: hash }).strict()),
    recentHeartbeats: z.array(
      z
        .object({
          registry: address,
          heartbeatTimestamp: unixSeconds,
          block: z.number().int(),
          timestamp: unixSeconds,
          transactionHash: hash,
        })
        .strict(),
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
