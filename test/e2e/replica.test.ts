import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Devnet, startDevnet } from "../../devnet/devnet";
import { createDatabase, Indexer } from "../../devnet/indexer";
import { Random } from "../../devnet/random";
import { TokenTraffic } from "../../devnet/simulate/token";
import { backends } from "../../devnet/stack";
import { tokenViews } from "../../devnet/token-views";
import { OPG_MAX_SUPPLY } from "../../lib/supply";

const sqlQuery = (sql: string) => `/sql/db?sql=${encodeURIComponent(JSON.stringify({ json: { sql, params: [] } }))}`;

// The deployment docs/operations.md describes: one indexer writing as the owner, and `npm run serve`
// replicas reading as a role that holds only the GRANTs given there.
describe.each(backends)("read-only API replica on %s", (backend) => {
  let devnet: Devnet;
  let traffic: TokenTraffic;
  let random: Random;
  let indexer: Indexer;
  let replica: Indexer;
  let database: { url: string; drop: () => Promise<void> };
  const role = `opg_api_${process.pid}`;

  async function trade(blocks: number) {
    for (let block = 0; block < blocks; block++) {
      await traffic.step(random.int(2, 6));
      devnet.base.advance(random.int(60, 3600));
      await devnet.base.mine();
    }
  }

  async function asOwner(statements: string[]) {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    random = new Random(4040);
    devnet = await startDevnet();
    traffic = new TokenTraffic(devnet, random, 25);
    await traffic.seed(OPG_MAX_SUPPLY);
    await devnet.base.mine();
    await trade(10);
    if (backend === "pglite") return;

    database = await createDatabase(process.env.DATABASE_URL!);
    indexer = await Indexer.start(devnet.env, { databaseUrl: database.url });
    await indexer.waitForBlocks({ base: await devnet.base.blockNumber() });
    // The GRANTs of docs/operations.md, "PostgreSQL roles".
    await asOwner([
      `create role ${role} login`,
      `alter role ${role} set default_transaction_read_only = on`,
      `grant usage on schema opg to ${role}`,
      `grant select on all tables in schema opg to ${role}`,
      `alter default privileges in schema opg grant select on tables to ${role}`,
    ]);
    const replicaUrl = new URL(database.url);
    replicaUrl.username = role;
    replica = await Indexer.start(devnet.env, { databaseUrl: replicaUrl.toString(), command: "serve" });
  });

  afterAll(async () => {
    await replica?.stop();
    await indexer?.stop();
    await devnet?.stop();
    if (database) {
      await database.drop();
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });

  if (backend === "pglite") {
    it("refuses `ponder serve` on PGlite with a message saying so", async () => {
      const directory = mkdtempSync(path.join(os.tmpdir(), "opg-serve-"));
      try {
        await expect(Indexer.start(devnet.env, { pgliteDirectory: directory, command: "serve" })).rejects.toThrow(
          /does not support PGlite/,
        );
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    });
    return;
  }

  it("follows the indexer and answers REST, GraphQL and SQL with the chain's numbers", async () => {
    await trade(4);
    const head = await devnet.base.blockNumber();
    await replica.waitForBlocks({ base: head });
    const chain = tokenViews(devnet, head);

    const supply = await replica.json("/api/v1/supply");
    expect(supply.asOf.block).toBe(Number(head));
    expect(supply.totalSupply).toBe(await chain.totalSupply());
    const top = await replica.json("/api/v1/holders/top?limit=100");
    for (const holder of top.data) expect(holder.balance, holder.address).toBe(await chain.balanceOf(holder.address));

    const graphql = await fetch(`${replica.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ accounts(where: { balance_gt: "0" }, limit: 1000) { totalCount items { address balance } } }` }),
    });
    const accounts = ((await graphql.json()) as any).data.accounts;
    for (const account of accounts.items) expect(account.balance, account.address).toBe(await chain.balanceOf(account.address));

    // Every address the traffic touched, counted as a holder if the token says it holds anything now.
    const holders: string[] = [];
    for (const address of traffic.touched) if ((await chain.balanceOf(address)) !== "0") holders.push(address);
    const count = await replica.get(sqlQuery("select count(*) as n from account where balance > 0"));
    expect(count.status).toBe(200);
    expect(Number(((await count.json()) as any).rows[0].n)).toBe(holders.length);
    expect(accounts.totalCount).toBe(holders.length);
  });

  it("cannot write through the role, neither with SQL over HTTP nor with a direct connection", async () => {
    for (const sql of ["delete from account", "comment on table transfer is 'x'", "select * from _ponder_meta"]) {
      const response = await replica.get(sqlQuery(sql));
      expect(response.status, sql).toBe(400);
      expect(((await response.json()) as any).error.code, sql).toBe("sql_refused");
    }
    const url = new URL(database.url);
    url.username = role;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await expect(client.query("update opg.account set balance = 0")).rejects.toThrow(/read-only|permission denied/);
      await expect(client.query("begin read write; update opg.account set balance = 0")).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
  });

  it("caps rows in the database and cuts a runaway query at the statement timeout while indexing goes on", async () => {
    const transfers = Number(((await (await replica.get(sqlQuery("select count(*) as n from transfer"))).json()) as any).rows[0].n);
    expect(transfers ** 3).toBeGreaterThan(10_000);
    const many = await replica.get(sqlQuery("select a.id from transfer a, transfer b, transfer c"));
    expect(many.status).toBe(400);
    expect(((await many.json()) as any).error.code).toBe("sql_too_many_rows");

    const started = Date.now();
    const runaway = replica.get(sqlQuery(`select count(*) from ${Array.from({ length: 8 }, (_, i) => `transfer t${i}`).join(", ")}`));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // Meanwhile the replica answers other requests and the indexer indexes new blocks.
    const statusStarted = Date.now();
    expect((await replica.get("/api/v1/status")).status).toBe(200);
    expect(Date.now() - statusStarted).toBeLessThan(2000);
    await trade(1);
    await replica.waitForBlocks({ base: await devnet.base.blockNumber() }, 20_000);

    const answer = await runaway;
    const seconds = (Date.now() - started) / 1000;
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as any).error.code).toBe("sql_timeout");
    // Ponder's read-only pool cancels at 30 s; unpatched, it retried the query ten times (over 5 minutes).
    expect(seconds).toBeGreaterThan(29);
    expect(seconds).toBeLessThan(45);
  }, 120_000);
});
