import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type Address, parseAbiItem } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TREASURY } from "../../devnet/accounts";
import { type Devnet, startDevnet } from "../../devnet/devnet";
import { startFlakyRpc } from "../../devnet/flaky-rpc";
import { createDatabase, Indexer } from "../../devnet/indexer";
import { Random } from "../../devnet/random";
import { holder, TokenTraffic } from "../../devnet/simulate/token";
import { backends } from "../../devnet/stack";
import { tokenViews } from "../../devnet/token-views";
import { OPG_MAX_SUPPLY } from "../../lib/supply";

const transferEvent = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

/** The token tables, read through GraphQL in a fixed order, so two indexers can be compared row for row. */
async function dumpTokenTables(indexer: Indexer) {
  const query = `{
    accounts(orderBy: "address", limit: 1000) { items { address balance transferCount firstBlock lastBlock } totalCount }
    tokenHourlys(orderBy: "id", limit: 1000) { items { id totalSupply holders transferCount transferVolume minted burned lastBlock } }
    tokenSupplys { items { minted burned totalSupply holders transferCount lastBlock } }
    transfers(limit: 1) { totalCount }
  }`;
  const response = await fetch(`${indexer.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data as { accounts: { items: { address: string; balance: string }[] }; transfers: { totalCount: number } };
}

/** How many reorg-table commits (`commitBlock`, one statement each) the indexer has run, from Ponder's metrics. */
async function reorgCommits(indexer: Indexer) {
  const metrics = await (await indexer.get("/metrics")).text();
  return Number(metrics.match(/ponder_database_method_duration_count\{method="commit_block"\} (\d+)/)?.[1] ?? 0);
}

describe.each(backends)("reliability on %s", (backend) => {
  let devnet: Devnet;
  let traffic: TokenTraffic;
  let random: Random;
  let restarted: Indexer;
  let flakyIndexer: Indexer;
  let flaky: Awaited<ReturnType<typeof startFlakyRpc>>;
  const cleanups: (() => Promise<void> | void)[] = [];

  async function persistentDatabase(): Promise<{ pgliteDirectory?: string; databaseUrl?: string }> {
    if (backend === "postgres") {
      const database = await createDatabase(process.env.DATABASE_URL!);
      cleanups.push(database.drop);
      return { databaseUrl: database.url };
    }
    const directory = mkdtempSync(path.join(os.tmpdir(), "opg-restart-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    return { pgliteDirectory: directory };
  }

  async function trade(blocks: number) {
    for (let block = 0; block < blocks; block++) {
      await traffic.step(random.int(2, 8));
      devnet.base.advance(random.int(300, 5400));
      await devnet.base.mine();
    }
  }

  async function expectMatchesChain(indexer: Indexer) {
    const head = await devnet.base.blockNumber();
    await indexer.waitForBlocks({ base: head });
    const chain = tokenViews(devnet, head);
    const supply = await indexer.json("/api/v1/supply");
    expect(supply.asOf.block).toBe(Number(head));
    expect(supply.totalSupply).toBe(await chain.totalSupply());
    const tables = await dumpTokenTables(indexer);
    for (const account of tables.accounts.items) {
      expect(account.balance, account.address).toBe(await chain.balanceOf(account.address as Address));
    }
  }

  /** Runs one query on the indexer's database while no indexer holds it; `$schema` stands for its schema. */
  async function queryStopped<T>(database: { pgliteDirectory?: string; databaseUrl?: string }, text: string): Promise<T[]> {
    if (database.pgliteDirectory) {
      const client = new PGlite(database.pgliteDirectory);
      const { rows } = await client.query<T>(text.replaceAll("$schema", "public"));
      await client.close();
      return rows;
    }
    const client = new pg.Client({ connectionString: database.databaseUrl });
    await client.connect();
    const { rows } = await client.query(text.replaceAll("$schema", "opg"));
    await client.end();
    return rows;
  }

  /** Every index of the indexer's schema with its object id: a dropped and recreated index gets a new one. */
  async function indexOids(database: { pgliteDirectory?: string; databaseUrl?: string }): Promise<Record<string, number>> {
    const rows = await queryStopped<{ name: string; oid: number }>(
      database,
      `select c.relname as name, c.oid::int as oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'i' and n.nspname = '$schema' order by c.relname`,
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.oid]));
  }

  beforeAll(async () => {
    random = new Random(777);
    devnet = await startDevnet();
    traffic = new TokenTraffic(devnet, random, 30);
    await traffic.seed(OPG_MAX_SUPPLY);
    await devnet.base.mine();
    await trade(12);

    // An indexer that is killed mid-stream and started again on the same database.
    const database = await persistentDatabase();
    const first = await Indexer.start(devnet.env, database);
    await first.waitForBlocks({ base: await devnet.base.blockNumber() });
    await trade(8);
    await first.crash();
    await trade(8);
    restarted = await Indexer.start(devnet.env, database);

    // An indexer that reads Base through an RPC failing one request in five.
    flaky = await startFlakyRpc(devnet.base.url, { failEvery: 5 });
    flakyIndexer = await Indexer.start(
      { ...devnet.env, PONDER_RPC_URL_8453: flaky.url },
      backend === "postgres" ? { postgresUrl: process.env.DATABASE_URL } : {},
    );
  });

  afterAll(async () => {
    await restarted?.stop();
    await flakyIndexer?.stop();
    await flaky?.stop();
    await devnet?.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("resumes after being killed and ends with the chain's numbers", async () => {
    await expectMatchesChain(restarted);
  });

  it("survives SIGKILLs at random moments of backfill and live indexing on one database", async () => {
    const database = await persistentDatabase();
    // Ten per backend: CI runs this on PGlite and on PostgreSQL, twenty kills in all; each costs a Ponder start.
    const kills = Number(process.env.RELIABILITY_KILLS ?? 10);
    for (let kill = 0; kill < kills; kill++) {
      // Blocks mined while it is down are backfilled on start; blocks mined while it runs arrive live.
      await trade(random.int(4, 10));
      const indexer = await Indexer.start(devnet.env, database);
      const live = trade(random.int(0, 4));
      await new Promise((resolve) => setTimeout(resolve, random.int(0, 2500)));
      await indexer.crash();
      await live;
    }
    const survivor = await Indexer.start(devnet.env, database);
    try {
      await expectMatchesChain(survivor);
      const transfers = await devnet.base.client.getLogs({ address: devnet.token, event: transferEvent, fromBlock: 0n, toBlock: "latest" });
      expect((await dumpTokenTables(survivor)).transfers.totalCount).toBe(transfers.length);
    } finally {
      await survivor.stop();
    }
  }, 900_000);

  it("restarts after SIGTERM at once, on its own indexes, answering only what it holds: lock released, no index rebuilt, rows prefetched", async () => {
    const database = await persistentDatabase();
    const first = await Indexer.start(devnet.env, database);
    await first.waitForBlocks({ base: await devnet.base.blockNumber() });
    await first.stop();
    // Ponder's shutdown unlocks the schema; cut short, it left the next start waiting out the heartbeat.
    const [meta] = await queryStopped<{ locked: number }>(
      database,
      `select (value->>'is_locked')::int as locked from "$schema"._ponder_meta where key = 'app'`,
    );
    expect(meta).toEqual({ locked: 0 });
    const before = await indexOids(database);
    // The schema's own indexes, not only the primary keys (Ponder creates those with the tables).
    expect(Object.keys(before).filter((name) => !name.endsWith("_pkey")).length).toBeGreaterThan(10);

    // Nothing is mined while it is down, so every block it indexes again arrives as a live block.
    const head = Number(await devnet.base.blockNumber());
    const second = await Indexer.start(devnet.env, database);
    try {
      const trading = trade(4);
      // The start reverts the unfinalized blocks and indexes them again: every answer meanwhile is the
      // chain's at the block it names, never the reverted rows under the old head's number.
      for (let poll = 0; ; poll++) {
        const supply = await second.json(`/api/v1/supply?_=${poll}`);
        const atBlock = await tokenViews(devnet, BigInt(supply.asOf.block)).totalSupply();
        expect(supply.totalSupply, `as of block ${supply.asOf.block}`).toBe(atBlock);
        if (supply.asOf.block >= head) break;
      }
      await trading;
      await expectMatchesChain(second);
      expect(second.logs).not.toContain("Schema is locked");
      // Ponder's cache learns from live events which accounts a transfer reads and loads them in one
      // query per block; after a restart with no backfill to learn from it never did (patched).
      const metrics = await (await second.get("/metrics")).text();
      expect(metrics).toMatch(/ponder_indexing_cache_requests_total\{table="account",type="prefetch"\} [1-9]/);
    } finally {
      await second.stop();
    }
    expect(await indexOids(database)).toEqual(before);
  });

  it("loses and doubles nothing when one RPC request in five fails", async () => {
    await expectMatchesChain(flakyIndexer);
    expect(flaky.failed()).toBeGreaterThan(0);
    expect(await dumpTokenTables(flakyIndexer)).toEqual(await dumpTokenTables(restarted));
  });

  it("follows a chain reorganisation back to the same tables as a clean run", async () => {
    await trade(3);
    await restarted.waitForBlocks({ base: await devnet.base.blockNumber() });
    await flakyIndexer.waitForBlocks({ base: await devnet.base.blockNumber() });

    // Replace the last three blocks by four others carrying different transfers.
    const commitsBefore = await reorgCommits(restarted);
    await devnet.base.rollback(3);
    devnet.base.advance(60);
    for (let block = 0; block < 4; block++) {
      await traffic.transfer(TREASURY, holder(100 + block), 10n ** 18n * BigInt(block + 1));
      devnet.base.advance(120);
      await devnet.base.mine();
    }

    await expectMatchesChain(restarted);
    await expectMatchesChain(flakyIndexer);
    // A block of one transfer writes a handful of the schema's tables; Ponder committed the reorg rows
    // of every table, 49 statements a block, until patched to commit only the tables written.
    const commits = (await reorgCommits(restarted)) - commitsBefore;
    expect(commits).toBeGreaterThanOrEqual(4);
    expect(commits).toBeLessThanOrEqual(4 * 10);
    const clean = await Indexer.start(devnet.env, backend === "postgres" ? { postgresUrl: process.env.DATABASE_URL } : {});
    try {
      await clean.waitForBlocks({ base: await devnet.base.blockNumber() });
      const expected = await dumpTokenTables(clean);
      expect(await dumpTokenTables(restarted)).toEqual(expected);
      expect(await dumpTokenTables(flakyIndexer)).toEqual(expected);
    } finally {
      await clean.stop();
    }
  });
});
