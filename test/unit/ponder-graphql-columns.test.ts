import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cwd = process.cwd();
let app: Hono;
let client: PGlite;
/** Every statement the resolvers ran, as drizzle logged it. */
const statements: string[] = [];

// Four accounts and three transfers, written below; the expectations are read off these rows.
const accounts: { address: `0x${string}`; balance: bigint; transferCount: number; lastBlock: bigint }[] = [
  { address: "0x00000000000000000000000000000000000000a1", balance: 400n, transferCount: 2, lastBlock: 11n },
  { address: "0x00000000000000000000000000000000000000a2", balance: 300n, transferCount: 2, lastBlock: 12n },
  { address: "0x00000000000000000000000000000000000000a3", balance: 200n, transferCount: 1, lastBlock: 13n },
  { address: "0x00000000000000000000000000000000000000a4", balance: 100n, transferCount: 1, lastBlock: 14n },
];
const transfers = [
  { id: "t1", from: accounts[0]!.address, amount: 5n },
  { id: "t2", from: accounts[0]!.address, amount: 6n },
  { id: "t3", from: accounts[1]!.address, amount: 7n },
];

beforeAll(async () => {
  // The middleware writes generated/schema.graphql under the working directory: not the project's.
  process.chdir(mkdtempSync(path.join(os.tmpdir(), "opg-graphql-columns-")));
  const { graphql, onchainTable, relations } = await import("ponder");
  const account = onchainTable("account", (t) => ({
    address: t.hex().primaryKey(),
    balance: t.bigint().notNull(),
    transferCount: t.integer().notNull(),
    lastBlock: t.bigint().notNull(),
  }));
  const transfer = onchainTable("transfer", (t) => ({ id: t.text().primaryKey(), from: t.hex().notNull(), amount: t.bigint().notNull() }));
  const accountRelations = relations(account, ({ many }) => ({ sent: many(transfer) }));
  const transferRelations = relations(transfer, ({ one }) => ({
    sender: one(account, { fields: [transfer.from], references: [account.address] }),
  }));
  const schema = { account, transfer, accountRelations, transferRelations };

  client = new PGlite();
  await client.exec(`create table account (address text primary key, balance numeric(78,0) not null, transfer_count integer not null, last_block numeric(78,0) not null);
    create table transfer (id text primary key, "from" text not null, amount numeric(78,0) not null);`);
  const db = drizzle(client, { schema, casing: "snake_case", logger: { logQuery: (query) => statements.push(query) } });
  await db.insert(account).values(accounts);
  await db.insert(transfer).values(transfers);
  // Ponder 0.16's middleware reads its database from this global: the query builder's `raw` is drizzle.
  const wrap = (...args: unknown[]) => (args.at(-1) as (raw: typeof db) => unknown)(db);
  (globalThis as { PONDER_DATABASE?: unknown }).PONDER_DATABASE = { readonlyQB: { raw: db, wrap } };
  app = new Hono().use("/graphql", graphql({ db: undefined as never, schema }));
});
afterAll(async () => {
  process.chdir(cwd);
  await client.close();
});

/** Runs a document twice (yoga answers the first, Ponder's direct path the repeat) and returns the answer and the selects it ran. */
async function ask(query: string, variables: Record<string, unknown> = {}) {
  const answers: unknown[] = [];
  const from = statements.length;
  for (let i = 0; i < 2; i++) {
    const response = await app.request("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    answers.push(await response.json());
  }
  expect(answers[1]).toEqual(answers[0]);
  return { answer: answers[0] as { data: Record<string, any>; errors?: unknown }, selects: statements.slice(from) };
}

/** The columns a logged select reads, in order. */
const selectedColumns = (statement: string) =>
  [...statement.slice(0, statement.indexOf(" from ")).matchAll(/"(\w+)"/g)].map((match) => match[1]);

const byBalanceDesc = [...accounts].sort((a, b) => Number(b.balance - a.balance));

describe("Ponder's plural GraphQL queries read the columns they are asked for (patches/ponder+0.16.10.patch)", () => {
  it("reads the items' fields and the order's columns, not every column of the table", async () => {
    const { answer, selects } = await ask(`{ accounts(orderBy: "balance", orderDirection: "desc", limit: 3) { items { balance } } }`);
    expect(answer.data.accounts.items).toEqual(byBalanceDesc.slice(0, 3).map((row) => ({ balance: String(row.balance) })));
    expect(selects).toHaveLength(2);
    // The balance it orders by, and the address: the key that breaks ties and makes the cursors.
    for (const select of selects) expect(selectedColumns(select)).toEqual(["balance", "address"]);
  });

  it("pages with cursors over the columns it reads", async () => {
    const query = `query Page($after: String) { accounts(orderBy: "balance", orderDirection: "desc", limit: 2, after: $after) {
      items { address } pageInfo { hasNextPage endCursor } } }`;
    const first = (await ask(query)).answer.data.accounts;
    expect(first.items).toEqual(byBalanceDesc.slice(0, 2).map(({ address }) => ({ address })));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await ask(query, { after: first.pageInfo.endCursor })).answer.data.accounts;
    expect(second.items).toEqual(byBalanceDesc.slice(2, 4).map(({ address }) => ({ address })));
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it("reads the fields asked for in fragments, and counts the rows when totalCount is in a fragment", async () => {
    const { answer, selects } = await ask(`{ accounts(where: { balance_lt: "300" }) { ...Page } }
      fragment Page on accountPage { totalCount items { ... on account { lastBlock } ...Row } }
      fragment Row on account { transferCount }`);
    expect(answer.errors).toBeUndefined();
    const expected = accounts.filter((row) => row.balance < 300n);
    expect(answer.data.accounts.totalCount).toBe(expected.length);
    expect(answer.data.accounts.items).toEqual(
      expected.map((row) => ({ lastBlock: String(row.lastBlock), transferCount: row.transferCount })),
    );
    const pageSelects = selects.filter((select) => !select.includes("count("));
    for (const select of pageSelects) expect(selectedColumns(select).sort()).toEqual(["address", "last_block", "transfer_count"]);
  });

  it("reads every column for items that follow a relation, and only the asked columns of the related page", async () => {
    const { answer, selects } = await ask(`{ accounts(orderBy: "balance", orderDirection: "desc", limit: 2) {
      items { address sent { items { amount } } } } }`);
    expect(answer.data.accounts.items).toEqual(
      byBalanceDesc.slice(0, 2).map(({ address }) => ({
        address,
        sent: { items: transfers.filter((row) => row.from === address).map((row) => ({ amount: String(row.amount) })) },
      })),
    );
    const accountSelects = selects.filter((select) => select.includes(`from "account"`));
    for (const select of accountSelects)
      expect(selectedColumns(select).sort()).toEqual(["address", "balance", "last_block", "transfer_count"]);
    const transferSelects = selects.filter((select) => select.includes(`from "transfer"`));
    expect(transferSelects.length).toBeGreaterThan(0);
    for (const select of transferSelects) expect(selectedColumns(select).sort()).toEqual(["amount", "id"]);

    const senders = await ask(`{ transfers(orderBy: "amount") { items { amount sender { balance } } } }`);
    expect(senders.answer.data.transfers.items).toEqual(
      transfers.map((row) => ({
        amount: String(row.amount),
        sender: { balance: String(accounts.find((holder) => holder.address === row.from)!.balance) },
      })),
    );
  });
});
