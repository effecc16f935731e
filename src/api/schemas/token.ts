import { z } from "zod";
import { address, amount, decimals, hash, listResponse, position, seriesResponse, unixSeconds } from "./common";

const current = z
  .object({
    maxSupply: amount,
    totalSupply: amount,
    circulatingSupply: amount,
    minted: amount,
    burned: amount,
    holders: z.number().int(),
    nonCirculating: z
      .object({
        total: amount,
        accounts: z.array(z.object({ label: z.string(), address, balance: amount }).strict()),
      })
      .strict(),
    decimals,
    asOf: position,
  })
  .strict();

/** With at= or atBlock=: the closing values of an hourly snapshot. */
const historical = z
  .object({
    maxSupply: amount,
    totalSupply: amount,
    circulatingSupply: amount,
    holders: z.number().int(),
    decimals,
    granularity: z.literal("hour"),
    asOf: position.unwrap(),
  })
  .strict();

export const supplyResponse = z.union([current, historical]);

export const supplyHistoryResponse = seriesResponse(
  {
    transferCount: z.number().int(),
    transferVolume: amount,
    minted: amount,
    burned: amount,
    totalSupply: amount.nullable(),
    circulatingSupply: amount.nullable(),
    holders: z.number().int().nullable(),
  },
  { decimals, asOf: position },
);

export const topHoldersResponse = listResponse(
  {
    rank: z.number().int(),
    address,
    balance: amount,
    share: z.number().describe("fraction of total supply"),
    label: z.string().nullable(),
    lastActivity: unixSeconds,
  },
  { holders: z.number().int(), decimals, asOf: position },
);

const activity = z.object({ block: z.number().int(), timestamp: unixSeconds }).strict();

export const accountResponse = z
  .object({
    address,
    balance: amount,
    decimals,
    label: z.string().nullable(),
    transferCount: z.number().int(),
    firstActivity: activity,
    lastActivity: activity,
    recentTransfers: z.array(
      z
        .object({
          direction: z.enum(["in", "out"]),
          from: address,
          to: address,
          amount,
          block: z.number().int(),
          timestamp: unixSeconds,
          transactionHash: hash,
          logIndex: z.number().int(),
        })
        .strict(),
    ),
    asOf: position,
  })
  .strict();
