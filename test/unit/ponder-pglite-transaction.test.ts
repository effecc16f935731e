import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { describe, expect, it } from "vitest";
// Ponder's query builder is not exported; the patched file itself is what must be checked.
// @ts-expect-error Ponder ships declarations for its public entry only
import { betweenTransactions, createQB } from "../../node_modules/ponder/dist/esm/database/queryBuilder.js";
// @ts-expect-error as above
import { NonRetryableUserError } from "../../node_modules/ponder/dist/esm/internal/errors.js";

const quietLogger = { warn() {}, error() {}, info() {}, debug() {}, trace() {} };
const common = {
  logger: quietLogger,
  shutdown: { isKilled: false },
  metrics: {
    ponder_database_method_duration: { observe() {} },
    ponder_database_method_error_total: { inc() {} },
  },
};

describe("Ponder's transaction() on PGlite (patches/ponder+0.16.10.patch)", () => {
  it("commits a batch's rows and its checkpoint together or not at all", async () => {
    const client = new PGlite();
    const qb = createQB(drizzle(client), { common, isAdmin: false }) as any;
    await client.exec("create table transfer (id int primary key); create table checkpoint (block int)");

    await expect(
      qb.transaction(async (tx: any) => {
        await tx.execute(sql`insert into transfer values (1), (2)`);
        // The process dies (here: the batch fails) before the checkpoint is written.
        throw new NonRetryableUserError("killed before the checkpoint");
      }),
    ).rejects.toThrow("killed before the checkpoint");
    expect((await client.query("select count(*)::int as n from transfer")).rows).toEqual([{ n: 0 }]);

    await qb.transaction(async (tx: any) => {
      await tx.execute(sql`insert into transfer values (1), (2)`);
      await tx.execute(sql`insert into checkpoint values (7)`);
    });
    expect((await client.query("select count(*)::int as n from transfer")).rows).toEqual([{ n: 2 }]);
    await client.close();
  });

  it("runs concurrent transactions one at a time on the shared session", async () => {
    const client = new PGlite();
    const qb = createQB(drizzle(client), { common, isAdmin: false }) as any;
    const other = createQB(drizzle(client), { common, isAdmin: false }) as any;
    await client.exec("create table log (who text, step int)");
    const writer = (builder: any, who: string) =>
      builder.transaction(async (tx: any) => {
        for (let step = 0; step < 3; step++) {
          await tx.execute(sql`insert into log values (${who}, ${step})`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
    await Promise.all([writer(qb, "a"), writer(other, "b")]);
    const order = (await client.query<{ who: string }>("select who from log")).rows.map((row) => row.who).join("");
    expect(["aaabbb", "bbbaaa"]).toContain(order);
    await client.close();
  });

  it("runs the admin's statements (heartbeat, unlock) between transactions, never inside one that rolls back", async () => {
    const client = new PGlite();
    const user = createQB(drizzle(client), { common, isAdmin: false }) as any;
    const admin = createQB(drizzle(client), { common, isAdmin: true }) as any;
    await client.exec("create table meta (is_locked int); insert into meta values (1); create table transfer (id int)");
    let adminIssued!: () => void;
    const adminReady = new Promise<void>((resolve) => (adminIssued = resolve));
    // A batch is mid-way when shutdown unlocks the schema; then the batch fails and is rolled back.
    const batch = user.transaction(async (tx: any) => {
      await tx.execute(sql`insert into transfer values (1)`);
      await adminReady;
      await new Promise((resolve) => setTimeout(resolve, 10));
      await tx.execute(sql`insert into transfer values (2)`);
      throw new NonRetryableUserError("shut down mid-batch");
    });
    const unlock = admin.wrap({ label: "unlock" }, (db: any) => db.execute(sql`update meta set is_locked = 0`));
    adminIssued();
    await expect(batch).rejects.toThrow("shut down mid-batch");
    await unlock;
    expect((await client.query("select is_locked from meta")).rows).toEqual([{ is_locked: 0 }]);
    expect((await client.query("select count(*)::int as n from transfer")).rows).toEqual([{ n: 0 }]);
    await client.close();
  });

  it("answers the API's reads between transactions, never from a batch half written", async () => {
    const client = new PGlite();
    const user = createQB(drizzle(client), { common, isAdmin: false }) as any;
    const api = betweenTransactions(client);
    expect(api).toBeInstanceOf(PGlite);
    await client.exec("create table token_supply (block int); create table supply_block_closed (block int)");
    let firstWritten!: () => void;
    const written = new Promise<void>((resolve) => (firstWritten = resolve));
    // A block's flush writes the running totals, then the closed row of the block before.
    const batch = user.transaction(async (tx: any) => {
      await tx.execute(sql`insert into token_supply values (33)`);
      firstWritten();
      await new Promise((resolve) => setTimeout(resolve, 10));
      await tx.execute(sql`insert into supply_block_closed values (32)`);
    });
    await written;
    const read = api.query<{ n: number }>("select (select count(*) from token_supply) + (select count(*) from supply_block_closed) as n");
    await batch;
    expect((await read).rows).toEqual([{ n: 2 }]);
    await client.close();
  });

  it("lets other transactions run while the sync waits between its writes, and commits those writes together", async () => {
    const client = new PGlite();
    const sync = createQB(drizzle(client), { common, isAdmin: false }) as any;
    const indexing = createQB(drizzle(client), { common, isAdmin: false }) as any;
    await client.exec("create table logs (n int primary key); create table blocks (n int primary key); create table transfer (n int)");
    const insert = (table: string, n: number) => (db: any) => db.execute(sql`insert into ${sql.identifier(table)} values (${n})`);
    let rpcAnswered!: () => void;
    const rpc = new Promise<void>((resolve) => (rpcAnswered = resolve));
    // A block range: its logs' request, their insert, then the blocks' request (pending here), then theirs.
    const range = sync.transactionOfWrites(async (tx: any) => {
      await tx.wrap({ label: "insert_logs" }, insert("logs", 1));
      await rpc;
      await tx.wrap({ label: "insert_blocks" }, insert("blocks", 1));
      return "closest block";
    });
    // Indexing takes the session while the request is pending, and sees none of the range half written.
    const batch = await indexing.transaction(async (tx: any) => {
      await tx.execute(sql`insert into transfer values (1)`);
      return (await tx.execute(sql`select (select count(*) from logs) + (select count(*) from blocks) as n`)).rows;
    });
    expect(batch).toEqual([{ n: 0 }]);
    rpcAnswered();
    expect(await range).toBe("closest block");
    expect((await client.query("select (select count(*) from logs) + (select count(*) from blocks) as n")).rows).toEqual([{ n: 2 }]);

    // A write that fails undoes the range's other writes, as a transaction held throughout did.
    await expect(
      sync.transactionOfWrites(async (tx: any) => {
        await tx.wrap({ label: "insert_logs" }, insert("logs", 2));
        await tx.wrap({ label: "insert_blocks" }, (db: any) => db.execute(sql`insert into blocks values (1 / 0)`));
      }),
    ).rejects.toThrow("division by zero");
    expect((await client.query("select count(*)::int as n from logs")).rows).toEqual([{ n: 1 }]);
    // A request that fails (here: once) retries the whole range, as a transaction held throughout did;
    // the failed attempt's recorded writes are dropped, not committed.
    let attempts = 0;
    const retried = await sync.transactionOfWrites(async (tx: any) => {
      await tx.wrap({ label: "insert_logs" }, insert("logs", 3));
      attempts += 1;
      if (attempts === 1) throw new Error("RPC request failed");
      return attempts;
    });
    expect(retried).toBe(2);
    expect((await client.query("select count(*)::int as n from logs where n = 3")).rows).toEqual([{ n: 1 }]);
    // A read cannot be deferred: it is refused by name, not answered with nothing.
    await expect(
      sync.transactionOfWrites((tx: any) => tx.wrap({ label: "select_logs" }, (db: any) => db.execute(sql`select 1`))),
    ).rejects.toThrow("'select_logs' is not a write");
    await client.close();
  });
});
