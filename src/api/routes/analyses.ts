import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { Hono } from "hono";
import { sql } from "ponder";
import { z } from "zod";
import { type Analysis, type AnalysisParam, parseAnalysis } from "../../../lib/analyses";
import { type ApiContext, type AsOf, badRequest, formatParam, limitParam, listResponse, notFound, parseQuery, timeParam } from "../http";
import { endpoint } from "../openapi";
import { executeNamed } from "../queries/statements";
import { analysesListResponse, analysisResponse } from "../schemas/analyses";

const queriesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../queries");

/** Tables by their SQL name, for the `{{table}}` placeholders; rendered schema-qualified by drizzle. */
const tablesByName = new Map(
  (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable)).map((table) => [getTableName(table), table]),
);

/** Loaded once at start-up: a broken query file stops the server instead of failing one request. */
const analyses = new Map<string, Analysis>(
  readdirSync(queriesDir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const name = file.replace(/\.sql$/, "");
      const analysis = parseAnalysis(name, readFileSync(path.join(queriesDir, file), "utf8"));
      const unknown = analysis.tables.filter((table) => !tablesByName.has(table));
      if (unknown.length > 0) throw new Error(`queries/${file}: unknown table(s) ${unknown.join(", ")}`);
      return [name, analysis];
    }),
);

const DEFAULT_SPAN_SECONDS = 90 * 86_400;

const analysisQuery = z.object({
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(100, 10_000),
  format: formatParam,
});

/** Counts can come back as JS bigints from PGlite; JSON wants numbers (or strings past 2^53). */
function jsonSafe(row: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = typeof value === "bigint" ? (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()) : value;
  }
  return out;
}

export const analysesRoutes = new Hono<{ Variables: { asOf: AsOf } }>();

endpoint({
  path: "/analyses",
  response: analysesListResponse,
  tag: "analyses",
  summary: "The named historical analyses in queries/, with their parameters",
});
endpoint({
  path: "/analyses/:name",
  response: analysisResponse,
  tag: "analyses",
  summary: "Runs one named analysis; from/to default to the 90 days before the latest indexed block",
  params: { name: "an analysis name from GET /analyses" },
  query: analysisQuery,
  csv: true,
  notFound: "No analysis of that name",
});
analysesRoutes.get("/analyses", (c) =>
  c.json({
    data: [...analyses.values()].map(({ name, title, description, params }) => ({ name, title, description, params })),
  }),
);

analysesRoutes.get("/analyses/:name", async (c: ApiContext) => {
  const analysis = analyses.get(c.req.param("name") ?? "");
  if (!analysis) throw notFound(`no analysis named "${c.req.param("name")}"; GET /api/v1/analyses lists them`);
  const query = parseQuery(c, analysisQuery);
  const latest = Math.max(0, ...Object.values(c.var.asOf).map((chain) => chain?.timestamp ?? 0)) || Math.floor(Date.now() / 1000);
  const to = query.to ?? latest;
  const from = query.from ?? Math.max(0, to - DEFAULT_SPAN_SECONDS);
  if (from > to) throw badRequest(`from (${from}) is after to (${to})`, "invalid_range");
  const values: Record<AnalysisParam, number> = { from, to, limit: query.limit };

  const chunks = analysis.parts.map((part) =>
    "text" in part ? sql.raw(part.text) : "param" in part ? sql`${values[part.param]}` : sql`${tablesByName.get(part.table)!}`,
  );
  const rows = (await executeNamed<Record<string, unknown>>(db, sql.join(chunks, sql``))).map(jsonSafe);
  const used = Object.fromEntries(analysis.params.map((param) => [param, values[param]]));
  return listResponse(c, query.format, rows, { name: analysis.name, title: analysis.title, params: used, asOf: c.var.asOf });
});
