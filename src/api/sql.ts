import { db } from "ponder:api";
import schema from "ponder:schema";
import { Context, type MiddlewareHandler } from "hono";
import { client } from "ponder";
import { appConfig } from "../../lib/env";
import { capRows, PRIVATE_NAMES, SQL_MAX_ROWS } from "../../lib/sql";
import { ApiError, badRequest, errorResponse } from "./http";

/** The same request with its `sql` parameter replaced, for Ponder's middleware, which reads it from the URL. */
function withQuery(c: Context, encodedQuery: string): Context {
  const url = new URL(c.req.url);
  url.searchParams.set("sql", encodedQuery);
  return new Context(new Request(url, c.req.raw), { path: c.req.path, env: c.env });
}

/**
 * SQL over HTTP for `@ponder/client`. On PGlite it is off: the API shares the indexer's only
 * session, where Ponder's flush leaves TEMP tables named like the real ones (wrong answers) and a
 * slow query blocks indexing. On PostgreSQL Ponder runs each query in a read-only transaction on its
 * read-only pool (statement timeout 30 s, not retried: patches/ponder); this refuses private tables,
 * caps the rows in the database, and answers every refusal with the API's 400 shape.
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
      const query = c.req.query("sql");
      if (PRIVATE_NAMES.test(query ?? "")) throw badRequest("only the published tables can be queried", "sql_refused");
      if (c.req.path !== "/sql/db") {
        const answer = await ponderClient(c, next);
        if (answer) c.res = answer;
        return c.res;
      }
      if (query === undefined) throw badRequest("the sql parameter is required", "sql_refused");
      const answer = (await ponderClient(withQuery(c, capRows(query)), next)) as Response;
      if (answer.status !== 200) {
        const message = (await answer.text()).slice(0, 500);
        throw badRequest(message, /statement timeout/.test(message) ? "sql_timeout" : "sql_refused");
      }
      const result = (await answer.clone().json()) as { rows?: unknown[] };
      if ((result.rows?.length ?? 0) > SQL_MAX_ROWS)
        throw badRequest(`the result holds more than ${SQL_MAX_ROWS} rows; add a limit`, "sql_too_many_rows");
      c.res = answer;
    } catch (error) {
      const refusal = error instanceof ApiError ? error : badRequest(String((error as Error)?.message).slice(0, 500), "sql_refused");
      c.res = errorResponse(c, refusal);
    }
    return c.res;
  };
}
