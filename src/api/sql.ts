import { db } from "ponder:api";
import schema from "ponder:schema";
import type { MiddlewareHandler } from "hono";
import { client } from "ponder";
import { appConfig } from "../../lib/env";
import { ApiError, badRequest, errorResponse } from "./http";

/** Most rows one `/sql/db` answer may carry; a bigger result is refused rather than cut short. */
export const SQL_MAX_ROWS = 10_000;
/** Ponder's bookkeeping and the catalogs are not part of the published data. */
const PRIVATE_NAMES = /_ponder|ponder_sync|_reorg__|\bpg_|information_schema/i;

/**
 * SQL over HTTP for `@ponder/client`. On PGlite it is off: the API shares the indexer's only
 * session, where Ponder's flush leaves TEMP tables named like the real ones (wrong answers) and a
 * slow query blocks indexing. On PostgreSQL Ponder runs each query in a read-only transaction; this
 * refuses private tables and oversized results, and answers every refusal with the API's 400 shape.
 */
export function sqlOverHttp(): MiddlewareHandler {
  if (appConfig.database.kind === "pglite") {
    return async (c) =>
      errorResponse(
        c,
        new ApiError(503, "sql_unavailable", "SQL over HTTP is off on PGlite; use /graphql or the REST API, or run on PostgreSQL"),
      );
  }
  const ponderClient = client({ db, schema });
  return async (c, next) => {
    try {
      if (PRIVATE_NAMES.test(c.req.query("sql") ?? "")) throw badRequest("only the published tables can be queried", "sql_refused");
      const answer = await ponderClient(c, next);
      if (answer) c.res = answer;
      if (c.req.path !== "/sql/db") return c.res;
      if (c.res.status !== 200) throw badRequest((await c.res.text()).slice(0, 500), "sql_refused");
      const result = (await c.res.clone().json()) as { rows?: unknown[] };
      if ((result.rows?.length ?? 0) > SQL_MAX_ROWS)
        throw badRequest(`the result holds more than ${SQL_MAX_ROWS} rows; add a limit`, "sql_too_many_rows");
    } catch (error) {
      const refusal = error instanceof ApiError ? error : badRequest(String((error as Error)?.message).slice(0, 500), "sql_refused");
      c.res = errorResponse(c, refusal);
    }
    return c.res;
  };
}
