import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// The API's read-only view of PGlite, from the patched Ponder file itself (see ponder-pglite-transaction.test.ts).
// @ts-expect-error Ponder ships declarations for its public entry only
import { betweenTransactions } from "../../node_modules/ponder/dist/esm/database/queryBuilder.js";

/** The statements this PGlite session keeps prepared, read without asking for a name itself. */
const kept = async (client: PGlite) =>
  (await client.query<{ name: string; statement: string }>("select name, statement from pg_prepared_statements order by name")).rows;

describe("PGlite's result parsing (patches/@electric-sql+pglite+0.2.13.patch)", () => {
  it("takes each column's parser, the caller's before PGlite's, without copying PGlite's table of all", async () => {
    const client = await PGlite.create();
    // Reading every key of PGlite's parsers (~300 types) on each query was a tenth of an API read.
    let copies = 0;
    client.parsers = new Proxy(client.parsers, {
      ownKeys(target) {
        copies++;
        return Reflect.ownKeys(target);
      },
    });
    const { rows } = await client.query<Record<string, unknown>>(
      "select 7::int as n, 1.5::numeric as amount, array[1, 2] as list, '2026-01-02 03:04:05+00'::timestamptz as at, null::int as missing",
      [],
      { parsers: { 1700: (value: string) => `numeric ${value}` } },
    );
    expect(rows).toEqual([{ n: 7, amount: "numeric 1.5", list: [1, 2], at: new Date("2026-01-02T03:04:05Z"), missing: null }]);
    expect(copies).toBe(0);
    await client.close();
  });
});

describe("PGlite's text fields (patches/@electric-sql+pglite+0.2.13.patch)", () => {
  it("decodes each field from the reply in place, not from a copy of its bytes", async () => {
    const client = await PGlite.create();
    await client.query("select 1");
    // Unpatched, every text field was sliced into an ArrayBuffer of its own before decoding: three per
    // row here; making those buffers was a fifth of the CPU of GraphQL's 100 accounts on the 1M bench.
    // (The patch also gives the reader plain fields: esbuild had compiled its private fields to WeakMaps.)
    const slice = ArrayBuffer.prototype.slice;
    let slices = 0;
    ArrayBuffer.prototype.slice = function (this: ArrayBuffer, ...args: [number?, number?]) {
      slices++;
      return slice.apply(this, args);
    };
    let rows: { n: number; text: string; hash: string }[];
    try {
      ({ rows } = await client.query<{ n: number; text: string; hash: string }>(
        "select g as n, repeat('é€', g % 4) || g as text, md5(g::text) as hash from generate_series(1, 100) g",
      ));
    } finally {
      ArrayBuffer.prototype.slice = slice;
    }
    expect(slices).toBeLessThan(20);
    expect(rows).toHaveLength(100);
    for (const row of rows) {
      expect(row.text).toBe(`${"é€".repeat(row.n % 4)}${row.n}`);
      expect(row.hash).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(rows[0]!.hash).toBe("c4ca4238a0b923820dcc509a6f75849b");
    await client.close();
  });
});

describe("named statements on PGlite (patches/@electric-sql+pglite+0.2.13.patch, patches/ponder+0.16.10.patch)", () => {
  let client: PGlite;
  beforeEach(async () => {
    client = new PGlite();
    await client.exec("create table account (address text primary key, balance numeric not null)");
    await client.exec("insert into account values ('0xa', 5), ('0xb', 7)");
  });
  afterEach(() => client.close());

  it("parses each text of the API's reads once and runs it again with other values", async () => {
    const api = drizzle(betweenTransactions(client));
    const balances: unknown[] = [];
    for (const address of ["0xa", "0xb", "0xa", "0xc"]) {
      const { rows } = await api.execute(sql`select balance::text from account where address = ${address}`);
      balances.push(rows[0]?.balance ?? null);
    }
    expect(balances).toEqual(["5", "7", "5", null]);
    const statements = await kept(client);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.statement).toBe("select balance::text from account where address = $1");
  });

  it("leaves the indexer's own queries unnamed", async () => {
    await client.query("select balance from account where address = $1", ["0xa"]);
    expect(await kept(client)).toEqual([]);
  });

  it("parses a kept statement again when its table changed shape, without failing the read", async () => {
    const read = () => client.query("select * from account where address = $1", ["0xa"], { namedStatement: true } as never);
    expect((await read()).rows).toEqual([{ address: "0xa", balance: "5" }]);
    await client.exec("alter table account add column label text");
    // Unhandled, Postgres answers "cached plan must not change result type" (0A000).
    expect((await read()).rows).toEqual([{ address: "0xa", balance: "5", label: null }]);
    expect(await kept(client)).toHaveLength(1);
  });

  it("keeps a statement whose run failed on a bad value", async () => {
    const read = (value: string) => client.query("select $1::int as n", [value], { namedStatement: true } as never);
    await expect(read("twelve")).rejects.toThrow("invalid input syntax");
    expect((await read("12")).rows).toEqual([{ n: 12 }]);
    expect(await kept(client)).toHaveLength(1);
  });

  it("keeps at most 500, closing the least recently used", async () => {
    const read = (n: number) => client.query(`select ${n} as n`, [], { namedStatement: true } as never);
    await read(0);
    for (let n = 1; n < 500; n++) await read(n);
    // Used again: now the most recent, so statement 1 goes first.
    await read(0);
    await read(500);
    const texts = (await kept(client)).map((row) => row.statement);
    expect(texts).toHaveLength(500);
    expect(texts).toContain("select 0 as n");
    expect(texts).toContain("select 500 as n");
    expect(texts).not.toContain("select 1 as n");
  });
});
