import { PGlite } from "@electric-sql/pglite";
import { fillPlaceholders, Placeholder } from "drizzle-orm";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import { getTableConfig, getViewConfig, PgDialect, type PgTable } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../devnet/indexer";
import { backends } from "../../devnet/stack";
import { feeHourly, feePayerHour, feePayerPeriod, feePayment } from "../../schema/fees";
import { stakingBlock } from "../../schema/staking";
import { account, supplyBlock, supplyBlockClosed, tokenHourly, tokenHourlyClosed, tokenSupply, transfer } from "../../schema/token";
import {
  stakingBlocksAround,
  stakingBlocksAroundQuery,
  transferBlocksAround,
  transferBlocksAroundQuery,
} from "../../src/api/queries/blocks";
import { feeWindows, feeWindowsQuery, feeWindowsValues } from "../../src/api/queries/fees";
import { rollupRangeQuery } from "../../src/api/queries/rollup";
import { bound, type ExecDb, type ReadDb } from "../../src/api/queries/statements";
import { supplyAround, supplyAroundQuery } from "../../src/api/queries/supply";
import {
  accountHistory,
  accountHistoryQuery,
  accountPageQuery,
  balanceAt,
  balancesAtBlocks,
  balancesAtBlocksQuery,
  latestTransfersQuery,
  topHoldersQuery,
  transfersOnSide,
} from "../../src/api/queries/token";

/** The table and its declared indexes, as Ponder creates them once the backfill is done. */
function ddl(table: PgTable): string[] {
  const config = getTableConfig(table);
  const columns = config.columns.map(
    (c) => `"${c.name}" ${c.getSQLType()}${c.notNull ? " not null" : ""}${c.primary ? " primary key" : ""}`,
  );
  return [
    `create table "${config.name}" (${columns.join(", ")})`,
    ...config.indexes.map((i) => {
      const on = i.config.columns.map((c) => `"${(c as { name: string }).name}"`).join(", ");
      return `create index "${i.config.name ?? `${config.name}_${Math.random().toString(36).slice(2)}`}" on "${config.name}" (${on})`;
    }),
  ];
}

type Plan = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Plans?: Plan[];
};
const nodes = (plan: Plan): Plan[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

const HOT = "0x00000000000000000000000000000000000000aa";

type Fixture = {
  db: ReadDb & ExecDb;
  query: <T>(sql: string, params?: unknown[]) => Promise<T[]>;
  exec: (sql: string) => Promise<unknown>;
  close: () => Promise<void>;
};

/** PGlite in memory, or a database of its own on the PostgreSQL server at DATABASE_URL. */
async function open(backend: string): Promise<Fixture> {
  if (backend === "pglite") {
    const client = new PGlite();
    return {
      db: drizzlePglite(client),
      query: async (sql, params) => (await client.query(sql, params)).rows as never,
      exec: (sql) => client.exec(sql),
      close: () => client.close(),
    };
  }
  const database = await createDatabase(process.env.DATABASE_URL!);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  return {
    db: drizzlePostgres(client),
    query: async (sql, params) => (await client.query(sql, params)).rows,
    exec: (sql) => client.query(sql),
    close: async () => {
      await client.end();
      await database.drop();
    },
  };
}

/**
 * 200,000 transfers among 20,000 accounts, one of which sent or received 40,000 of them (the
 * issue's account had 24,000 at a million events): large enough that the planner prefers a sort
 * over a seq or bitmap scan whenever the indexes cannot give the order.
 */
describe.each(backends)("query plans at scale on %s", (backend) => {
  let fixture: Fixture;

  async function explain(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<Plan[]> {
    const { sql, params } = query.toSQL();
    return explainSql(sql, params);
  }

  /** An account's balance after `block`, straight from its transfers: the expectation, not the code under test. */
  async function latestBalance(address: string, block: number): Promise<bigint> {
    const [latest] = await fixture.query<{ balance: string }>(
      `select (case when "to" = $1 then to_balance else from_balance end)::text as balance from transfer
       where ("from" = $1 or "to" = $1) and block_number <= $2 order by block_number desc, log_index desc limit 1`,
      [address, block],
    );
    return BigInt(latest?.balance ?? 0);
  }

  /** A bracketing query's plan: one index walk each way on `relation`, each stopping after one row. */
  function expectTwoOneRowWalks(plan: Plan[], relation: string) {
    const walks = plan.filter((n) => n["Relation Name"] === relation);
    expect(walks).toHaveLength(2);
    for (const walk of walks) {
      expect(walk["Node Type"]).toMatch(/Index/);
      expect(walk["Actual Rows"]).toBeLessThanOrEqual(1);
    }
  }

  async function explainSql(sql: string, params: unknown[]): Promise<Plan[]> {
    const [row] = await fixture.query<{ "QUERY PLAN": [{ Plan: Plan }] }>(`explain (analyze, format json) ${sql}`, params);
    return nodes(row!["QUERY PLAN"][0].Plan);
  }

  beforeAll(async () => {
    fixture = await open(backend);
    for (const statement of [...ddl(account), ...ddl(transfer)]) await fixture.exec(statement);
    await fixture.exec(`
      insert into transfer
      select 'id' || n,
        case when n % 10 = 0 then '${HOT}' else '0x' || lpad(to_hex(n % 20000), 40, '0') end,
        case when n % 10 = 5 then '${HOT}' else '0x' || lpad(to_hex((n * 7) % 20000), 40, '0') end,
        n, n / 100, 1700000000 + n * 4, '0x' || lpad(to_hex(n), 64, '0'), n % 100, n, 1, n + 1, 1
      from generate_series(1, 200000) n;
      insert into account
      select '0x' || lpad(to_hex(n), 40, '0'), (n * 7919) % 100000, 10, 1, 1, 2, 2 from generate_series(0, 19999) n;
      analyze;`);
    const dialect = new PgDialect();
    for (const statement of [...ddl(tokenHourlyClosed), ...ddl(supplyBlockClosed), ...ddl(tokenSupply), ...ddl(stakingBlock)]) {
      await fixture.exec(statement);
    }
    await fixture.exec(`create view "token_hourly" as ${dialect.sqlToQuery(getViewConfig(tokenHourly).query!).sql}`);
    await fixture.exec(`create view "supply_block" as ${dialect.sqlToQuery(getViewConfig(supplyBlock).query!).sql}`);
    // Three years of closed hours, and the open hour, 26,280, on the supply row.
    await fixture.exec(`
      insert into token_hourly_closed select n, n * 3600, n, 10, 2, n, 0, 0, n * 10 from generate_series(0, 26279) n;
      insert into supply_block_closed select n * 10, n * 3600, n, 0, n, 10, n from generate_series(0, 26280) n;
      insert into token_supply values ('OPG', 0, 0, 7, 11, 1, 262810, 26280 * 3600 + 59, 3, 30, 0, 0, 5, 50, 0, 0, null, 0);
      insert into staking_block select n * 7, n * 600, n, 0, 1, 0, 1, 0 from generate_series(1, 100000) n;
      analyze;`);
  }, 120_000);
  afterAll(() => fixture?.close());

  it("reads an account page as four index walks in one statement, each stopping at its limit", async () => {
    const upTo = 150_000;
    const plan = await explain(accountHistoryQuery(fixture.db, HOT, 25, BigInt(upTo)));
    expect(plan.map((n) => n["Node Type"])).not.toContain("Sort");
    const scans = plan.filter((n) => n["Relation Name"] === "transfer");
    expect(scans).toHaveLength(4);
    for (const scan of scans) {
      expect(scan["Node Type"]).toBe("Index Scan");
      expect(scan["Actual Rows"]).toBeLessThanOrEqual(25);
    }

    const page = await accountHistory(fixture.db, HOT, 25, upTo);
    const [expected] = await fixture.query<{ first: string; recent: string[] }>(
      `select (select id from transfer where "from" = $1 or "to" = $1 order by block_number, log_index limit 1) as first,
        array(select id from transfer where ("from" = $1 or "to" = $1) and block_number <= $2
          order by block_number desc, log_index desc limit 25) as recent`,
      [HOT, upTo],
    );
    expect(page.first?.id).toBe(expected!.first);
    expect(page.recent.map((row) => row.id)).toEqual(expected!.recent);
    expect(page.latest?.balance).toBe(await latestBalance(HOT, upTo));
  });

  it("reads an account's balance as of a block as one-row walks of the same indexes, in one statement", async () => {
    const plan = await explain(latestTransfersQuery(fixture.db, HOT, 1000n));
    expect(plan.map((n) => n["Node Type"])).not.toContain("Sort");
    const scans = plan.filter((n) => n["Relation Name"] === "transfer");
    expect(scans).toHaveLength(2);
    for (const scan of scans) {
      expect(scan["Node Type"]).toBe("Index Scan");
      expect(scan["Actual Rows"]).toBeLessThanOrEqual(1);
    }
    expect((await balanceAt(fixture.db, HOT, 1000))?.balance).toBe(await latestBalance(HOT, 1000));
  });

  it("reads an account's balance at 90 blocks with two one-row index probes per run of blocks between its transfers", async () => {
    const blocks = Array.from({ length: 90 }, (_, i) => 1 + i * 22);
    const quiet = `0x${(1234).toString(16).padStart(40, "0")}` as const;
    const [{ count }] = (await fixture.query<{ count: string }>(
      `select count(*)::text as count from transfer where ("from" = $1 or "to" = $1) and block_number <= $2`,
      [quiet, blocks.at(-1)!],
    )) as [{ count: string }];
    for (const [address, maxProbes] of [
      [HOT, blocks.length],
      // A probe per block down the list, plus one per transfer that separates two runs, at most.
      [quiet, Number(count) + 1],
    ] as const) {
      const { sql, params } = new PgDialect().sqlToQuery(balancesAtBlocksQuery(address, blocks));
      const scans = (await explainSql(sql, params)).filter((n) => n["Relation Name"] === "transfer");
      expect(scans).toHaveLength(4);
      for (const scan of scans) {
        expect(scan["Node Type"]).toBe("Index Scan");
        expect(scan["Actual Rows"]).toBeLessThanOrEqual(1);
      }
      const probes = scans.reduce((sum, scan) => sum + (scan["Actual Loops"] ?? 0), 0) / 2;
      expect(probes, address).toBeLessThanOrEqual(maxProbes);
      if (address === quiet) expect(probes).toBeLessThan(blocks.length / 4);
      const balances = await balancesAtBlocks(fixture.db, address, blocks);
      for (const block of blocks) {
        expect(balances.get(block), `${address} at block ${block}`).toBe(await latestBalance(address, block));
      }
    }
  });

  it("sends the block list as a parameter, so a named statement's generic plan serves every list and still probes", async () => {
    const dialect = new PgDialect();
    const blocks = Array.from({ length: 90 }, (_, i) => 1 + i * 22);
    const few = dialect.sqlToQuery(balancesAtBlocksQuery(HOT, [7, 8]));
    const many = dialect.sqlToQuery(balancesAtBlocksQuery(HOT, blocks));
    expect(many.sql).toBe(few.sql);
    // The plan PostgreSQL may keep for a named statement after five runs: one made without the values.
    await fixture.exec("set plan_cache_mode = force_generic_plan");
    await fixture.exec(`prepare balance_probes as ${many.sql}`);
    try {
      const literals = many.params.map((value) => `'${String(value).replaceAll("'", "''")}'`).join(", ");
      const plan = await explainSql(`execute balance_probes(${literals})`, []);
      const scans = plan.filter((n) => n["Relation Name"] === "transfer");
      expect(scans).toHaveLength(4);
      for (const scan of scans) {
        expect(scan["Node Type"]).toBe("Index Scan");
        expect(scan["Actual Rows"]).toBeLessThanOrEqual(1);
      }
    } finally {
      await fixture.exec("deallocate balance_probes; reset plan_cache_mode");
    }
  });

  /**
   * How many of `runs` executions of a statement prepared from `query` ran a kept generic plan, and how
   * many were planned for their values, as PostgreSQL decides under the default `plan_cache_mode`:
   * five custom plans, then the generic one unless it looks dearer than theirs.
   */
  async function planChoices(query: { sql: string; params: unknown[] }, runs: Record<string, unknown>[]) {
    await fixture.exec(`prepare plan_choice as ${query.sql}`);
    try {
      for (const values of runs) {
        const literals = query.params.map((param) => {
          const value = param instanceof Placeholder ? values[param.name] : param;
          return `'${String(value).replaceAll("'", "''")}'`;
        });
        await fixture.query(`execute plan_choice(${literals.join(", ")})`);
      }
      const [row] = await fixture.query<{ generic: number; custom: number }>(
        "select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements where name = 'plan_choice'",
      );
      return row;
    } finally {
      await fixture.exec("deallocate plan_choice");
    }
  }

  it("keeps one plan for the account page and the supply at a time, instead of planning each request", async () => {
    const accounts = [HOT, ...Array.from({ length: 7 }, (_, i) => `0x${(100 + i * 37).toString(16).padStart(40, "0")}`)];
    const pages = accounts.map((address, i) => ({ address, upTo: String(150_000 - i * 1_000) }));
    // As Ponder leaves its tables (PGlite never analyzes them): the planner guesses 200 distinct
    // senders, so a kept plan expects each account to have a few thousand transfers.
    await fixture.exec(`
      create schema unanalyzed_transfers;
      create table unanalyzed_transfers.transfer (like public.transfer including all);
      insert into unanalyzed_transfers.transfer select * from public.transfer;
      set search_path to unanalyzed_transfers;`);
    try {
      // Limits written into the text: the kept plan costs what a planned one does, so it is kept.
      expect(await planChoices(accountPageQuery(fixture.db, 25).toSQL(), pages)).toEqual({ custom: 5, generic: 3 });
      expect(await planChoices(latestTransfersQuery(fixture.db, bound.address, bound.upTo).toSQL(), pages)).toEqual({
        custom: 5,
        generic: 3,
      });
      // The same two walks with the limit as a parameter, as the statements were: a parameter limit is
      // costed at a tenth of the rows under it, so the kept plan looked dearer and every run was planned.
      const parameterLimit = transfersOnSide(fixture.db, "from", bound.address, bound.limit, bound.upTo)
        .unionAll(transfersOnSide(fixture.db, "to", bound.address, bound.limit, bound.upTo))
        .toSQL();
      expect(
        await planChoices(
          parameterLimit,
          pages.map((page) => ({ ...page, limit: 1 })),
        ),
      ).toEqual({ custom: 8, generic: 0 });
    } finally {
      await fixture.exec("set search_path to public; drop schema unanalyzed_transfers cascade");
    }

    const quiet = `0x${(1234).toString(16).padStart(40, "0")}` as const;
    const times = Array.from({ length: 8 }, (_, i) => ({ at: 150 * 3600 + i * 7919 }));
    expect(await planChoices(new PgDialect().sqlToQuery(supplyAroundQuery(bound.at, [HOT, quiet])), times)).toEqual({
      custom: 5,
      generic: 3,
    });
  });

  it("reads a quiet account's balance at 720 blocks from its balance at the first and its few transfers since, with no probe per block", async () => {
    const quiet = `0x${(1234).toString(16).padStart(40, "0")}` as const;
    const blocks = Array.from({ length: 720 }, (_, i) => 5 + Math.floor(i * 2.7));
    let executed = 0;
    const counting = {
      _: (fixture.db as unknown as { _: unknown })._,
      select: fixture.db.select.bind(fixture.db),
      execute: (query: Parameters<typeof fixture.db.execute>[0]) => {
        executed++;
        return fixture.db.execute(query);
      },
    } as typeof fixture.db;
    const balances = await balancesAtBlocks(counting, quiet, blocks);
    expect(executed).toBe(0);
    let changes = 0;
    for (const block of blocks) {
      expect(balances.get(block), `block ${block}`).toBe(await latestBalance(quiet, block));
      if (block > blocks[0]! && balances.get(block) !== balances.get(blocks[blocks.indexOf(block) - 1]!)) changes++;
    }
    expect(changes).toBeGreaterThan(3);
  });

  it("ranks the top holders from the balance index without sorting the accounts", async () => {
    const plan = await explain(topHoldersQuery(fixture.db, 100));
    expect(plan.map((n) => n["Node Type"])).not.toContain("Sort");
    const scan = plan.find((n) => n["Relation Name"] === "account")!;
    expect(scan["Node Type"]).toMatch(/Index/);
    expect(scan["Actual Rows"]).toBeLessThanOrEqual(100);
  });

  it("reads the supply as of a block from the supply_block view as one row of each branch", async () => {
    const sql = `select id, total_supply from supply_block where id <= $1 order by id desc limit 1`;
    const plan = await explainSql(sql, [123_456]);
    const closed = plan.find((n) => n["Relation Name"] === "supply_block_closed")!;
    expect(closed["Node Type"]).toMatch(/Index/);
    expect(closed["Actual Rows"]).toBeLessThanOrEqual(1);
    expect((await fixture.query<{ id: string }>(sql, [123_456])).map((r) => String(r.id))).toEqual(["123450"]);
    // The latest block, 262810, is the supply row's: at and after it the answer is the current total.
    expect(
      (await fixture.query<{ id: string; total_supply: string }>(sql, [999_999])).map((r) => [String(r.id), String(r.total_supply)]),
    ).toEqual([["262810", "7"]]);
  });

  it("finds the blocks with a transfer around a time as one-row walks of the (timestamp, id) index", async () => {
    // supply_block_closed holds block n * 10 at n * 3600 for n <= 26280; the supply row, block 262810.
    const at = 5000 * 3600 + 1800;
    const { sql, params } = new PgDialect().sqlToQuery(transferBlocksAroundQuery(at));
    expectTwoOneRowWalks(await explainSql(sql, params), "supply_block_closed");
    expect(await transferBlocksAround(fixture.db, at)).toEqual({
      before: { block: 50000, timestamp: 5000 * 3600 },
      after: { block: 50010, timestamp: 5001 * 3600 },
    });
    // After the last closed block the supply row's block is the bound; before the first, there is none.
    expect((await transferBlocksAround(fixture.db, 26280 * 3600 + 1)).after).toEqual({ block: 262810, timestamp: 26280 * 3600 + 59 });
    expect((await transferBlocksAround(fixture.db, -1)).before).toBeNull();
  });

  it("reads the supply at a time in one statement: the two block walks, the supply row and one-row walks per listed account", async () => {
    // The block before 1,500 h + 30 min is 1,500, closed with the totals n = 150; the one after, 1,510.
    const at = 150 * 3600 + 1800;
    const quiet = `0x${(1234).toString(16).padStart(40, "0")}` as const;
    const { sql, params } = new PgDialect().sqlToQuery(supplyAroundQuery(at, [HOT, quiet]));
    const plan = await explainSql(sql, params);
    expectTwoOneRowWalks(plan, "supply_block_closed");
    expect(plan.map((n) => n["Node Type"])).not.toContain("Sort");
    const walks = plan.filter((n) => n["Relation Name"] === "transfer");
    expect(walks).toHaveLength(2);
    for (const walk of walks) {
      expect(walk["Node Type"]).toBe("Index Scan");
      expect(walk["Actual Loops"]).toBe(2);
      expect(walk["Actual Rows"]).toBeLessThanOrEqual(1);
    }

    const read = await supplyAround(fixture.db, at, [HOT, quiet]);
    expect(read).toEqual({
      before: { block: 1500, timestamp: 150 * 3600 },
      after: { block: 1510, timestamp: 151 * 3600 },
      totals: { minted: 150n, burned: 0n, totalSupply: 150n, holders: 10, transferCount: 150 },
      balances: [await latestBalance(HOT, 1500), await latestBalance(quiet, 1500)],
    });
    // After the last closed block the supply row is the block before, with the row's totals.
    const [latest] = await fixture.query<{ total_supply: string; holders: number }>("select total_supply::text, holders from token_supply");
    const late = await supplyAround(fixture.db, 26280 * 3600 + 60, [HOT]);
    expect([late.before, late.after, late.totals?.totalSupply, late.totals?.holders]).toEqual([
      { block: 262810, timestamp: 26280 * 3600 + 59 },
      null,
      BigInt(latest!.total_supply),
      latest!.holders,
    ]);
    expect(late.balances).toEqual([await latestBalance(HOT, 262810)]);
    // Before the first block nothing was held, and no account is listed at all.
    expect(await supplyAround(fixture.db, -1, [HOT])).toEqual({
      before: null,
      after: { block: 0, timestamp: 0 },
      totals: null,
      balances: [0n],
    });
    expect((await supplyAround(fixture.db, at, [])).balances).toEqual([]);
  });

  it("finds the blocks with a staking event around a time the same way", async () => {
    const at = 50_000 * 600 + 599;
    const { sql, params } = new PgDialect().sqlToQuery(stakingBlocksAroundQuery(at));
    expectTwoOneRowWalks(await explainSql(sql, params), "staking_block");
    expect(await stakingBlocksAround(fixture.db, at)).toEqual({
      before: { block: 350_000, timestamp: 50_000 * 600 },
      after: { block: 350_007, timestamp: 50_001 * 600 },
    });
    expect((await stakingBlocksAround(fixture.db, 100_000 * 600)).after).toBeNull();
  });

  it("reads a range of the hourly view as a primary-key range of the closed hours plus the supply row", async () => {
    // The shape of rollupHourly's query (src/api/rollup.ts) over the last 30 days.
    const from = 26280 - 30 * 24;
    const sql = `select id, transfer_count, total_supply from token_hourly where id >= $1 and id <= $2 order by id`;
    const plan = await explainSql(sql, [from, 26280]);
    const closed = plan.find((n) => n["Relation Name"] === "token_hourly_closed")!;
    expect(closed["Node Type"]).toMatch(/Index/);
    expect(closed["Actual Rows"]).toBe(26280 - from);
    const rows = await fixture.query<{ id: number; transfer_count: number; total_supply: string }>(sql, [26279, 26280]);
    expect(rows.map((r) => [r.id, r.transfer_count, String(r.total_supply)])).toEqual([
      [26279, 2, "26279"],
      [26280, 3, "7"],
    ]);
  });

  it("reads the hour before a series' range, whose closing values it carries, as one backward walk without statistics, in the generic plan", async () => {
    const query = rollupRangeQuery(
      {
        table: tokenHourly,
        id: tokenHourly.id,
        flows: { transferCount: { column: tokenHourly.transferCount, kind: "count" } },
        closing: { totalSupply: { column: tokenHourly.totalSupply, kind: "amount" } },
      },
      "hour",
    );
    const { sql, params } = new PgDialect().sqlToQuery(query);
    const first = 26280 - 30 * 24;
    const values = fillPlaceholders(params, { firstBucket: first, lastBucket: 26280 });
    // As Ponder leaves a PGlite database: nothing ever analyzed it (PGlite runs no autovacuum), so the
    // planner knows neither how many hours there are nor how they spread.
    await fixture.exec(`
      create schema unanalyzed;
      create table unanalyzed.token_hourly_closed (like public.token_hourly_closed including all);
      create table unanalyzed.token_supply (like public.token_supply including all);
      insert into unanalyzed.token_hourly_closed select * from public.token_hourly_closed;
      insert into unanalyzed.token_supply select * from public.token_supply;
      set search_path to unanalyzed;
      create view token_hourly as ${new PgDialect().sqlToQuery(getViewConfig(tokenHourly).query!).sql};
      prepare rollup_range as ${sql};
      set plan_cache_mode = force_generic_plan;`);
    try {
      const rows = await fixture.query<{ timestamp: string | null; totalSupply: string }>(`execute rollup_range(${values.join(", ")})`);
      expect(rows).toHaveLength(30 * 24 + 2);
      // The opening row: the last closed hour before the range, its timestamp null.
      expect(rows.filter((row) => row.timestamp === null).map((row) => row.totalSupply)).toEqual([String(first - 1)]);
      // The plan a kept statement runs (PGlite's, PostgreSQL's named ones after five runs): made without
      // the values. There `order by id desc limit 1` over the view's union sorted every earlier hour.
      const plan = await explainSql(`execute rollup_range(${values.join(", ")})`, []);
      const closed = plan.filter((n) => n["Relation Name"] === "token_hourly_closed");
      expect(closed.length).toBeGreaterThan(0);
      for (const scan of closed) {
        expect(scan["Node Type"]).toMatch(/Index|Bitmap Heap Scan/);
        expect([0, 1, 30 * 24]).toContain(scan["Actual Rows"]);
      }
    } finally {
      await fixture.exec("deallocate rollup_range; reset plan_cache_mode; set search_path to public; drop schema unanalyzed cascade");
    }
  });

  describe("fee summary windows", () => {
    // 60 days of payments, one every 100 s (a block each), 3,000 payers, every 40th an anomaly; the
    // buckets and payer rows derived from them as the handlers keep them.
    const HOUR0 = 480_000;
    const T0 = HOUR0 * 3600;
    const at = (block: number) => T0 + block * 100;

    beforeAll(async () => {
      for (const statement of [...ddl(feePayment), ...ddl(feeHourly), ...ddl(feePayerHour), ...ddl(feePayerPeriod)]) {
        await fixture.exec(statement);
      }
      await fixture.exec(`
        insert into fee_payment
        select 'p' || n, case when n % 40 = 0 then null else '0x' || lpad(to_hex((n * 37) % 3000), 40, '0') end,
          case when n % 40 = 0 then null else '0x' || lpad(to_hex(n % 50), 40, 'f') end,
          case when n % 40 = 0 then 0 else 1000 + n % 977 end, '0xproxy', 'exact', false, n % 40 = 0, null,
          n, ${T0} + n * 100, '0x' || lpad(to_hex(n), 64, '0'), 0
        from generate_series(1, 51840) n;
        insert into fee_hourly
        select floor(timestamp / 3600), floor(timestamp / 3600) * 3600, coalesce(sum(amount) filter (where not anomaly), 0), count(*) filter (where not anomaly),
          count(distinct payer), min(amount), max(amount), count(*) filter (where anomaly), (floor(timestamp / 3600)) % 3, max(block_number)
        from fee_payment group by floor(timestamp / 3600);
        insert into fee_payer_hour
        select (floor(timestamp / 3600)) || ':' || payer, floor(timestamp / 3600), payer, count(*), sum(amount)
        from fee_payment where not anomaly group by floor(timestamp / 3600), payer;
        insert into fee_payer_period
        select 'day:' || (floor(timestamp / 86400) * 86400) || ':' || payer, 'day', floor(timestamp / 86400) * 86400, payer
        from fee_payment where not anomaly group by floor(timestamp / 86400), payer;
        analyze;`);
    }, 120_000);

    /** A window's figures straight from the payment rows: the expectation, not the code under test. */
    async function fromPayments(fromSecond: number, toSecond: number, block: number) {
      const [row] = await fixture.query<Record<string, string>>(
        `select coalesce(sum(amount) filter (where not anomaly), 0)::text as volume, (count(*) filter (where not anomaly))::text as count,
           (count(*) filter (where anomaly))::text as anomalies, count(distinct payer)::text as payers
         from fee_payment where timestamp between $1 and $2 and block_number <= $3`,
        [fromSecond, toSecond, block],
      );
      const [other] = await fixture.query<{ other: string }>(
        "select coalesce(sum(other_token_settlements), 0)::text as other from fee_hourly where id between $1 and $2",
        [Math.floor(fromSecond / 3600), Math.floor(toSecond / 3600)],
      );
      return {
        volume: BigInt(row!.volume!),
        count: Number(row!.count),
        anomalies: Number(row!.anomalies),
        uniquePayers: Number(row!.payers),
        otherTokenSettlements: Number(other!.other),
      };
    }

    it("reads both windows and the open hour in one statement from index ranges, exact against the payments", async () => {
      // A block 40 minutes into an hour that is not a day's first: 7 days back crosses part-days at both ends.
      const block = 36 * 834 + 24;
      const hour = Math.floor(at(block) / 3600);
      const current = { closed: { fromHour: hour - 167, toHour: hour - 1 }, open: { hour, block } };
      const previous = { fromHour: hour - 335, toHour: hour - 168 };
      const { sql, params } = new PgDialect().sqlToQuery(feeWindowsQuery());
      const plan = await explainSql(sql, fillPlaceholders(params, feeWindowsValues(current, previous)));
      for (const relation of ["fee_payment", "fee_payer_hour", "fee_payer_period", "fee_hourly"]) {
        const scans = plan.filter((n) => n["Relation Name"] === relation);
        expect(scans.length).toBeGreaterThan(0);
        for (const scan of scans) expect(scan["Node Type"]).not.toBe("Seq Scan");
      }
      // Whole days are read from the day rows: the payer-hour rows read are those of the part-days only.
      const payerHoursRead = plan
        .filter((n) => n["Relation Name"] === "fee_payer_hour")
        .reduce((sum, n) => sum + n["Actual Rows"]! * n["Actual Loops"]!, 0);
      const [{ partDays }] = (await fixture.query<{ partDays: number }>(
        `select count(*)::int as "partDays" from fee_payer_hour
         where hour between $1 and $2 or hour between $3 and $4 or hour between $5 and $6 or hour between $7 and $8`,
        [
          hour - 167,
          Math.ceil((hour - 167) / 24) * 24 - 1,
          Math.floor(hour / 24) * 24,
          hour - 1,
          hour - 335,
          Math.ceil((hour - 335) / 24) * 24 - 1,
          Math.floor((hour - 168) / 24) * 24,
          hour - 168,
        ],
      )) as [{ partDays: number }];
      expect(payerHoursRead).toBe(partDays);

      const read = await feeWindows(fixture.db, current, previous);
      const blockTime = at(block);
      const whole = await fromPayments((hour - 167) * 3600, blockTime, block);
      const [bucket] = await fixture.query<{ other: number; last: string }>(
        "select other_token_settlements as other, last_block::text as last from fee_hourly where id = $1",
        [hour],
      );
      expect(read.current).toEqual({ ...whole, otherTokenSettlements: whole.otherTokenSettlements - bucket!.other });
      expect(read.previous).toEqual(await fromPayments((hour - 335) * 3600, (hour - 167) * 3600 - 1, Number.MAX_SAFE_INTEGER));
      const openHour = await fromPayments(hour * 3600, blockTime, block);
      expect(read.open).toEqual({
        count: openHour.count,
        anomalies: openHour.anomalies,
        otherInHour: bucket!.other,
        hourLastBlock: Number(bucket!.last),
      });
      expect(read.open.hourLastBlock).toBeGreaterThan(block);
    });

    it("reads whole days, windows without an open hour, and windows before the first payment", async () => {
      // Two windows of exactly 24 whole hours each, no open hour: the day rows alone give their payers.
      const day = Math.floor(at(40_000) / 86_400) * 24;
      const read = await feeWindows(
        fixture.db,
        { closed: { fromHour: day, toHour: day + 23 }, open: null },
        { fromHour: day - 24, toHour: day - 1 },
      );
      expect(read.current).toEqual(await fromPayments(day * 3600, (day + 24) * 3600 - 1, Number.MAX_SAFE_INTEGER));
      expect(read.previous).toEqual(await fromPayments((day - 24) * 3600, day * 3600 - 1, Number.MAX_SAFE_INTEGER));
      expect(read.open).toEqual({ count: 0, anomalies: 0, otherInHour: 0, hourLastBlock: null });

      const zero = { volume: 0n, count: 0, anomalies: 0, uniquePayers: 0, otherTokenSettlements: 0 };
      const early = await feeWindows(
        fixture.db,
        { closed: { fromHour: HOUR0 - 30, toHour: HOUR0 - 11 }, open: { hour: HOUR0 - 10, block: 0 } },
        { fromHour: HOUR0 - 60, toHour: HOUR0 - 31 },
      );
      expect(early).toEqual({ current: zero, previous: zero, open: { count: 0, anomalies: 0, otherInHour: 0, hourLastBlock: null } });
    });
  });
});
