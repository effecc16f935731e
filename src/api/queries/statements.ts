import { createHash } from "node:crypto";
import type { Placeholder, SQL } from "drizzle-orm";
import type { PgDatabase, PgSession } from "drizzle-orm/pg-core";
import { sql } from "ponder";

/** Any drizzle database over this schema: the API's read-only one, or a plain PGlite in the query-plan test. */
// biome-ignore lint/suspicious/noExplicitAny: any drizzle driver and schema will do: only `select` is used
export type ReadDb = Pick<PgDatabase<any, any, any>, "select">;

// biome-ignore lint/suspicious/noExplicitAny: any drizzle driver and schema will do: only `execute` is used
export type ExecDb = Pick<PgDatabase<any, any, any>, "execute">;

/** A value, or a placeholder filled when a prepared statement runs. */
export type Bound<T> = T | Placeholder;
export const bound = {
  address: sql.placeholder("address"),
  limit: sql.placeholder("limit"),
  upTo: sql.placeholder("upTo"),
  afterValue: sql.placeholder("afterValue"),
  afterAddress: sql.placeholder("afterAddress"),
  after: sql.placeholder("after"),
  blocks: sql.placeholder("blocks"),
  at: sql.placeholder("at"),
};

/**
 * The API's hot statements, built once per database: drizzle takes longer to build these walks' SQL
 * than the database takes to run them, and on PostgreSQL a named statement is parsed once per connection.
 */
export function preparedOnce<T, Db extends object = ReadDb>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  return (db) => {
    let statement = built.get(db);
    if (statement === undefined) {
      statement = build(db);
      built.set(db, statement);
    }
    return statement;
  };
}

/** Like `preparedOnce`, with one statement per key: a value written into the statement's text. */
export function preparedPerKey<Key, T, Db extends object = ReadDb>(build: (db: Db, key: Key) => T): (db: Db, key: Key) => T {
  const built = new WeakMap<Db, Map<Key, T>>();
  return (db, key) => {
    let byKey = built.get(db);
    if (byKey === undefined) {
      byKey = new Map();
      built.set(db, byKey);
    }
    let statement = byKey.get(key);
    if (statement === undefined) {
      statement = build(db, key);
      byKey.set(key, statement);
    }
    return statement;
  };
}

/**
 * Past this many distinct statement texts, statements run unnamed: each name is a prepared statement
 * kept by every pooled connection, and the API's texts are a fixed set (values travel as parameters),
 * so reaching it means a text carries values, whose plans are not worth keeping.
 */
const MAX_NAMED_STATEMENTS = 500;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `opg_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** A statement prepared once: run with values for its placeholders. */
export type NamedStatement<Row> = (values?: Record<string, unknown>) => Promise<Row[]>;

/**
 * Raw SQL as a statement named after its text. PostgreSQL parses and plans an unnamed statement on
 * every request; a named one once per connection, and after five runs it may keep a generic plan.
 * For the series and summaries planning cost more than running: a 90-day supply series planned its
 * statements in 0.7 ms and ran them in 0.15 ms. PGlite has no use for the name: the API's reads are
 * kept there by their text (patches/@electric-sql+pglite+0.2.13.patch). With placeholders
 * (`sql.placeholder`) in `query`, build it once and run it with their values: drizzle takes longer to
 * build a series' SQL than Postgres takes to answer it.
 */
export function namedStatement<Row>(db: ExecDb, query: SQL): NamedStatement<Row> {
  const built = db.execute(query).getQuery();
  // Ponder's read-only type hides the session to keep writes out; only its reads are used here.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const { session } = (db as unknown as { _: { session: PgSession<any, any, any> } })._;
  const prepared = session.prepareQuery(built, undefined, statementName(built.sql), false);
  return async (values) => ((await prepared.execute(values)) as { rows: Row[] }).rows;
}

/** Runs raw SQL (values inline) as a statement named after its text: see `namedStatement`. */
export const executeNamed = <Row>(db: ExecDb, query: SQL): Promise<Row[]> => namedStatement<Row>(db, query)();
