/**
 * Named analyses are plain SQL files in queries/. Their header comments describe them:
 *
 *   -- title: Weekly fee payer cohorts
 *   -- description: …
 *   -- params: from, to
 *
 * and the body refers to parameters as `:from`, `:to` (unix seconds) or `:limit`, and to tables as
 * `{{account}}`. Postgres casts (`::bigint`) are left alone. Tables are named through placeholders
 * because the API renders them schema-qualified: on PGlite the API shares Ponder's session, where
 * Ponder's flush leaves temp tables of the same names that an unqualified name would resolve to.
 */
export const ANALYSIS_PARAMS = ["from", "to", "limit"] as const;
export type AnalysisParam = (typeof ANALYSIS_PARAMS)[number];

export type Analysis = {
  name: string;
  title: string;
  description: string;
  params: AnalysisParam[];
  /** The SQL split at its placeholders, in order. */
  parts: AnalysisPart[];
  tables: string[];
};

export type AnalysisPart = { text: string } | { param: AnalysisParam } | { table: string };

const PLACEHOLDER = /(?<!:):(?!:)([a-z_][a-z0-9_]*)|\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

export function parseAnalysis(name: string, source: string): Analysis {
  const header = new Map<string, string>();
  for (const line of source.split("\n")) {
    const match = /^--\s*(title|description|params):\s*(.*)$/.exec(line.trim());
    if (match) header.set(match[1]!, match[2]!.trim());
  }
  const declared = (header.get("params") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  for (const param of declared) {
    if (!(ANALYSIS_PARAMS as readonly string[]).includes(param)) throw new Error(`${name}: unknown parameter "${param}"`);
  }

  const body = source
    .split("\n")
    .filter((line) => !line.trim().startsWith("--"))
    .join("\n")
    .trim()
    .replace(/;\s*$/, "");
  const parts: AnalysisPart[] = [];
  const tables = new Set<string>();
  let last = 0;
  for (const match of body.matchAll(PLACEHOLDER)) {
    parts.push({ text: body.slice(last, match.index) });
    last = match.index! + match[0].length;
    const [, param, table] = match;
    if (table) {
      tables.add(table);
      parts.push({ table });
      continue;
    }
    if (!declared.includes(param!)) throw new Error(`${name}: uses :${param} without declaring it in "-- params:"`);
    parts.push({ param: param as AnalysisParam });
  }
  parts.push({ text: body.slice(last) });

  return {
    name,
    title: header.get("title") ?? name,
    description: header.get("description") ?? "",
    params: declared as AnalysisParam[],
    parts,
    tables: [...tables],
  };
}
