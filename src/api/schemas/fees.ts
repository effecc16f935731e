import { z } from "zod";
import { FEE_WINDOWS, type FeeWindow } from "../../../lib/fees";
import { address, amount, decimals, listResponse, position, seriesResponse, unixSeconds } from "./common";

const windowFigures = {
  from: unixSeconds,
  to: unixSeconds,
  volume: amount,
  count: z.number().int(),
  uniquePayers: z.number().int(),
  average: amount.nullable(),
  anomalies: z.number().int(),
  /** x402 settlements in transactions that moved no OPG: payments in other tokens through the shared proxies. */
  otherTokenSettlements: z.number().int(),
  /** OPG payments / all proxy settlements; null when there were none. */
  opgShareOfSettlements: z.number().nullable(),
};

/** delta = current - previous; ratio = delta / previous, null when previous is zero. */
const change = z.object({ delta: amount, ratio: z.number().nullable() }).strict();

export const feeSummaryResponse = z
  .object({
    window: z.enum(Object.keys(FEE_WINDOWS) as [FeeWindow, ...FeeWindow[]]),
    ...windowFigures,
    previous: z.object(windowFigures).strict(),
    change: z.object({ volume: change, count: change, uniquePayers: change, average: change.nullable() }).strict(),
    decimals,
    asOf: position,
  })
  .strict();

export const feeTrendsResponse = seriesResponse(
  {
    volume: amount,
    count: z.number().int(),
    uniquePayers: z.number().int(),
    average: amount,
    minAmount: amount,
    maxAmount: amount,
    anomalies: z.number().int(),
    otherTokenSettlements: z.number().int(),
  },
  { decimals, asOf: position },
);

const party = {
  rank: z.number().int(),
  volume: amount,
  count: z.number().int(),
  firstPayment: unixSeconds,
  lastPayment: unixSeconds,
};

export const topPayersResponse = listResponse(
  { ...party, payer: address },
  { from: unixSeconds.nullable(), to: unixSeconds.nullable(), decimals, asOf: position },
);

export const payeesResponse = listResponse({ ...party, payee: address }, { decimals, asOf: position });
