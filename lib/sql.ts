/** Rules of SQL over HTTP (`/sql/db`), kept apart from the route so they can be tested alone. */

/** Most rows one `/sql/db` answer may carry; a bigger result is refused rather than cut short. */
export const SQL_MAX_ROWS = 10_000;

/** Ponder's bookkeeping and the catalogs are not part of the published data. */
export const PRIVATE_NAMES = /_ponder|ponder_sync|_reorg__|\bpg_|information_schema/i;

/**
 * The client's query (superjson: `{json: {sql, params}, meta}`) with its rows capped in the database,
 * so a query of millions of rows costs at most one row past the limit, not the API's memory. The
 * line breaks keep a trailing `--` comment from swallowing the wrapper. Throws on a parameter that
 * holds no query.
 */
export function capRows(encodedQuery: string): string {
  let payload: { json?: { sql?: unknown } };
  try {
    payload = JSON.parse(encodedQuery);
  } catch {
    throw new Error("the sql parameter must be a JSON-encoded query");
  }
  const sql = payload?.json?.sql;
  if (typeof sql !== "string") throw new Error("the sql parameter holds no query");
  payload.json!.sql = `select * from (\n${sql.trim().replace(/;+$/, "")}\n) as sql_over_http limit ${SQL_MAX_ROWS + 1}`;
  return JSON.stringify(payload);
}
