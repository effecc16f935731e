import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { db } from "ponder:api";
import { Hono } from "hono";
import { sql } from "ponder";
import { z } from "zod";
import { type Analysis, type AnalysisParam, parseAnalysis } from "../../../lib/analyses";
import { endpoint } from "../openapi";
import { type AsOf, type ApiContext, formatParam, limitParam, listResponse, notFound, parseQuery, seriesRange, timeParam } from "../http";

const queriesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../queries");

/** Loaded once at start-up: a broken query file stops the server instead of failing one request. */
const analyses = new Map<string, Analysis>(
  readdirSync(queriesDir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const name = file.replace(/\.sql$/, "");
      return [name, parseAnalysis(name, readFileSync(path.join(queriesDir, file), "utf8"))];
    }),
);

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

endpoint({ path: "/analyses", tag: "analyses", summary: "The named historical analyses in queries/, with their parameters" });
endpoint({
  path: "/analyses/:name",
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
  const range = seriesRange({ interval: "day", from: query.from, to: query.to }, latest);
  const values: Record<AnalysisParam, number> = { from: range.from, to: range.to, limit: query.limit };

  const chunks = analysis.parts.text.flatMap((text, i) => {
    const param = analysis.parts.params[i];
    return param === undefined ? [sql.raw(text)] : [sql.raw(text), sql`${values[param]}`];
  });
  const result = await db.execute(sql.join(chunks, sql``));
  const rows = (result.rows as Record<string, unknown>[]).map(jsonSafe);
  const used = Object.fromEntries(analysis.params.map((param) => [param, values[param]]));
  return listResponse(c, query.format, rows, { name: analysis.name, title: analysis.title, params: used, asOf: c.var.asOf });
});
