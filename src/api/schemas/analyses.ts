import { z } from "zod";
import { ANALYSIS_PARAMS } from "../../../lib/analyses";
import { asOfAll } from "./common";

const param = z.enum(ANALYSIS_PARAMS);

export const analysesListResponse = z
  .object({
    data: z.array(z.object({ name: z.string(), title: z.string(), description: z.string(), params: z.array(param) }).strict()),
  })
  .strict();

/** Rows are whatever the query selects: columns differ from one analysis to the next. */
export const analysisResponse = z
  .object({
    name: z.string(),
    title: z.string(),
    /** The parameters this analysis uses, with the values it ran with. */
    params: z.object(Object.fromEntries(ANALYSIS_PARAMS.map((name) => [name, z.number().optional()]))).strict(),
    asOf: asOfAll,
    data: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).nullable())),
  })
  .strict();
