import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { onchainTable } from "ponder";
import { describe, expect, it } from "vitest";
// Ponder's indexing cache is not exported; the patched file itself is what must be checked.
// @ts-expect-error Ponder ships declarations for its public entry only
import { createQB } from "../../node_modules/ponder/dist/esm/database/queryBuilder.js";
// @ts-expect-error as above
import { createIndexingCache } from "../../node_modules/ponder/dist/esm/indexing-store/cache.js";

const quietLogger = { warn() {}, error() {}, info() {}, debug() {}, trace() {}, child: () => quietLogger };
const common = {
  logger: quietLogger,
  shutdown: { isKilled: false },
  options: { indexingCacheMaxBytes: 64 * 1024 * 1024 },
  metrics: {
    ponder_database_method_duration: { observe() {} },
    ponder_database_method_error_total: { inc() {} },
    ponder_indexing_cache_requests_total: { inc() {} },
    ponder_indexing_cache_query_duration: { observe() {} },
  },
};

const account = onchainTable("account", (t) => ({ address: t.hex().primaryKey(), balance: t.bigint().notNull() }));
const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as const;
/** A Transfer event as the cache sees it: the handler's account key is the event's `from`. */
const transferFrom = (n: number) => ({
  type: "log",
  chain: { id: 8453 },
  eventCallback: { name: "Token:Transfer" },
  event: { id: `event-${n}`, args: { from: address(n), value: 1n } },
});

/** Ponder's query builder over `client`, recording the SQL text of every statement the cache sends. */
function recordingQueryBuilder(client: PGlite, queries: string[]) {
  const qb = createQB(drizzle(client), { common, isAdmin: false });
  return {
    $dialect: qb.$dialect,
    $client: qb.$client,
    wrap: (fn: (db: unknown) => { toSQL(): { sql: string } }, context?: unknown) =>
      qb.wrap((db: unknown) => {
        const query = fn(db);
        queries.push(query.toSQL().sql);
        return query;
      }, context),
  };
}

describe("Ponder's cache prefetch (patches/ponder+0.16.10.patch)", () => {
  it("loads the predicted rows of a single-column key with one IN list, not an OR of equalities", async () => {
    const client = new PGlite();
    await client.exec("create table account (address text primary key, balance numeric(78, 0) not null)");
    await client.exec(`insert into account select '0x' || lpad(to_hex(n), 40, '0'), n * 10 from generate_series(1, 3000, 2) as n`);
    const queries: string[] = [];
    const recordingQb = recordingQueryBuilder(client, queries);
    // A crash-recovery checkpoint makes the cache start incomplete, so rows come from prefetches.
    const eventCount = { "Token:Transfer": 1 };
    const cache = createIndexingCache({
      common,
      schemaBuild: { schema: { account } },
      crashRecoveryCheckpoint: "0",
      eventCount,
      chainId: undefined,
    });
    cache.qb = recordingQb;

    // One sampled access teaches the cache that the key is the event's `from`.
    cache.event = transferFrom(1);
    expect(await cache.get({ table: account, key: { address: address(1) } })).toEqual({ address: address(1), balance: 10n });

    const events = Array.from({ length: 3000 }, (_, i) => transferFrom(i + 1));
    queries.length = 0;
    await cache.prefetch({ events });
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/"address" in \(\$1, \$2, /);
    expect(queries[0]).not.toMatch(/ or /);

    // Every predicted row, present or not, is now answered without a query (the next event is not sampled).
    eventCount["Token:Transfer"] = 2;
    cache.event = transferFrom(2);
    expect(await cache.get({ table: account, key: { address: address(2999) } })).toEqual({ address: address(2999), balance: 29990n });
    expect(await cache.get({ table: account, key: { address: address(3000) } })).toBeNull();
    expect(queries).toHaveLength(1);
    await client.close();
  });
});

describe("Ponder's cache eviction (patches/ponder+0.16.10.patch)", () => {
  it("evicts the table that holds the bytes, not every table listed before it", async () => {
    // The transfer rows are inserted and never read; the accounts are read by every event. Unpatched,
    // every insert's uniqueness check counted as a disk read, so the never-read table was evicted last:
    // the accounts, listed first, went first, and every later batch had to prefetch them.
    const transfer = onchainTable("transfer", (t) => ({ id: t.text().primaryKey(), amount: t.bigint().notNull() }));
    const client = new PGlite();
    await client.exec("create table account (address text primary key, balance numeric(78, 0) not null)");
    await client.exec("create table transfer (id text primary key, amount numeric(78, 0) not null)");
    const qb = createQB(drizzle(client), { common, isAdmin: false });
    let queries = 0;
    const countingQb = {
      $dialect: qb.$dialect,
      $client: qb.$client,
      wrap: (fn: (db: unknown) => unknown, context?: unknown) => {
        queries++;
        return qb.wrap(fn, context);
      },
    };
    const cache = createIndexingCache({
      common: { ...common, options: { indexingCacheMaxBytes: 100_000 } },
      schemaBuild: { schema: { account, transfer } },
      crashRecoveryCheckpoint: undefined,
      eventCount: { "Token:Transfer": 1 },
      chainId: undefined,
    });
    cache.qb = countingQb;

    for (let n = 1; n <= 10; n++) {
      cache.set({ table: account, key: { address: address(n) }, row: { address: address(n), balance: 1n }, isUpdate: false });
    }
    for (let n = 1; n <= 2000; n++) {
      const id = `transfer-${n}`;
      // What Ponder's insert does first: look the key up, a miss in a complete cache.
      expect(await cache.get({ table: transfer, key: { id } })).toBeNull();
      cache.set({ table: transfer, key: { id }, row: { id, amount: BigInt(n) }, isUpdate: false });
    }
    await cache.flush();
    await cache.prefetch({ events: [] });

    queries = 0;
    expect(await cache.get({ table: account, key: { address: address(3) } })).toEqual({ address: address(3), balance: 1n });
    expect(await cache.get({ table: account, key: { address: address(11) } })).toBeNull();
    expect(queries).toBe(0);
    // The transfers were evicted: a key not in memory is now looked up in the database.
    expect(await cache.get({ table: transfer, key: { id: "transfer-2001" } })).toBeNull();
    expect(queries).toBe(1);
    await client.close();
  });
});

describe("Ponder's prefetch of keys made of the event's id (patches/ponder+0.16.10.patch)", () => {
  it("knows a row keyed by an event not yet run is absent, without a query", async () => {
    // An event table's rows are keyed by the event's id. Once that table is evicted, every batch
    // prefetched each new event's id (20 s of a 1M-transfer backfill), although no such row can exist
    // before its event runs. A key that is not the event's id is still looked up.
    const transfer = onchainTable("transfer", (t) => ({ id: t.text().primaryKey(), amount: t.bigint().notNull() }));
    const client = new PGlite();
    await client.exec("create table account (address text primary key, balance numeric(78, 0) not null)");
    await client.exec("create table transfer (id text primary key, amount numeric(78, 0) not null)");
    await client.exec(`insert into account select '0x' || lpad(to_hex(n), 40, '0'), n from generate_series(1, 100) as n`);
    const queries: string[] = [];
    const recordingQb = recordingQueryBuilder(client, queries);
    const eventCount = { "Token:Transfer": 1 };
    const cache = createIndexingCache({
      common,
      schemaBuild: { schema: { account, transfer } },
      crashRecoveryCheckpoint: "0",
      eventCount,
      chainId: undefined,
    });
    cache.qb = recordingQb;

    // One sampled event teaches the cache both keys: the transfer's is the event's id, the account's its `from`.
    cache.event = transferFrom(1);
    expect(await cache.get({ table: transfer, key: { id: "event-1" } })).toBeNull();
    expect(await cache.get({ table: account, key: { address: address(1) } })).toEqual({ address: address(1), balance: 1n });

    queries.length = 0;
    await cache.prefetch({ events: Array.from({ length: 200 }, (_, i) => transferFrom(i + 2)) });
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/from "account"/);

    eventCount["Token:Transfer"] = 2;
    cache.event = transferFrom(2);
    expect(await cache.get({ table: transfer, key: { id: "event-150" } })).toBeNull();
    expect(await cache.get({ table: account, key: { address: address(150) } })).toBeNull();
    expect(await cache.get({ table: account, key: { address: address(99) } })).toEqual({ address: address(99), balance: 99n });
    expect(queries).toHaveLength(1);
    await client.close();
  });
});
