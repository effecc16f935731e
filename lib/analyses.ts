/**
 * Named analyses are plain SQL files in queries/. Their header comments describe them:
 *
 *   -- title: Weekly fee payer cohorts
 *   -- description: …
 *   -- params: from, to
 *
 * and the body refers to parameters as `:from`, `:to` (unix seconds) or `:limit`. Postgres casts
 * (`::bigint`) are left alone.
 */
export const ANALYSIS_PARAMS = ["from", "to", "limit"] as const;
export type AnalysisParam = (typeof ANALYSIS_PARAMS)[number];

export type Analysis = {
  name: string;
  title: string;
  description: string;
  params: AnalysisParam[];
  /** The SQL split at its placeholders: text, param, text, param, …, text. */
  parts: { text: string[]; params: AnalysisParam[] };
};

const PLACEHOLDER = /(?<!:):(?!:)([a-z_][a-z0-9_]*)/g;

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
  const text: string[] = [];
  const params: AnalysisParam[] = [];
  let last = 0;
  for (const match of body.matchAll(PLACEHOLDER)) {
    const param = match[1]!;
    if (!declared.includes(param)) throw new Error(`${name}: uses :${param} without declaring it in "-- params:"`);
    text.push(body.slice(last, match.index));
    params.push(param as AnalysisParam);
    last = match.index! + match[0].length;
  }
  text.push(body.slice(last));

  return {
    name,
    title: header.get("title") ?? name,
    description: header.get("description") ?? "",
    params: declared as AnalysisParam[],
    parts: { text, params },
  };
}
