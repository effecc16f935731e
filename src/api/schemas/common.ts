import { z } from "zod";

/** A raw integer amount as a decimal string (decimals: 18 unless the answer says otherwise). */
export const amount = z
  .string()
  .regex(/^-?\d+$/)
  .describe("raw integer as a decimal string");
export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
export const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
export const unixSeconds = z.number().int();
export const decimals = z.literal(18);

/** A chain's latest indexed block as this answer saw it; null before the chain's first block is indexed. */
export const position = z.object({ block: z.number().int(), timestamp: unixSeconds }).strict().nullable();
export const asOfAll = z.object({ base: position, opengradient: position }).strict();
/** Keyed by chain name; which chains appear depends on where the domain's contracts are configured. */
export const asOfChains = z.object({ base: position.optional(), opengradient: position.optional() }).strict();

export const interval = z.enum(["hour", "day", "week", "month"]);

/** Every series row starts with its period, as unix seconds and as ISO 8601. */
export const periodRow = z.object({ timestamp: unixSeconds, time: z.string().datetime() });

export function seriesResponse<Row extends z.ZodRawShape, Meta extends z.ZodRawShape>(row: Row, meta: Meta) {
  return z
    .object({
      interval,
      from: unixSeconds,
      to: unixSeconds,
      ...meta,
      data: z.array(periodRow.extend(row).strict()),
    })
    .strict();
}

export function listResponse<Row extends z.ZodRawShape, Meta extends z.ZodRawShape>(row: Row, meta: Meta) {
  return z.object({ ...meta, data: z.array(z.object(row).strict()) }).strict();
}

export const statusResponse = z.object({ asOf: asOfAll }).strict();
