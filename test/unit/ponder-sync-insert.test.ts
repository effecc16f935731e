import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { Kysely, Migrator, WithSchemaPlugin } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
// Ponder's sync store is not exported; the patched file itself is what must be checked.
// @ts-expect-error Ponder ships declarations for its public entry only
import { createQB } from "../../node_modules/ponder/dist/esm/database/queryBuilder.js";
// @ts-expect-error as above
import { createSyncStore } from "../../node_modules/ponder/dist/esm/sync-store/index.js";
// @ts-expect-error as above
import { buildMigrationProvider } from "../../node_modules/ponder/dist/esm/sync-store/migrations.js";
// @ts-expect-error as above
import { createPgliteKyselyDialect } from "../../node_modules/ponder/dist/esm/utils/pglite.js";

const quietLogger = { warn() {}, error() {}, info() {}, debug() {}, trace() {}, child: () => quietLogger };
const common = {
  logger: quietLogger,
  shutdown: { isKilled: false },
  options: { databaseMaxQueryParameters: 16_000 },
  metrics: { ponder_database_method_duration: { observe() {} }, ponder_database_method_error_total: { inc() {} } },
};

const hex = (n: bigint | number, bytes: number) => `0x${n.toString(16).padStart(bytes * 2, "0")}` as const;
const CHAIN_ID = 8453;

/** Logs as an RPC returns them: a Transfer's three topics, or none, with data of any length. */
const rpcLog = (i: number) => ({
  address: `0x${"aB".repeat(19)}0${i % 3}`,
  topics: i % 5 === 0 ? [] : [hex(0xddf252adn, 32), hex(i, 32), hex(i * 7, 32)],
  data: i % 4 === 0 ? "0x" : hex(BigInt(i) * 10n ** 30n, 32),
  blockNumber: hex(100 + Math.floor(i / 10), 1),
  blockHash: hex(1000 + Math.floor(i / 10), 32),
  transactionHash: hex(5000 + Math.floor(i / 3), 32),
  logIndex: hex(i % 10, 1),
  transactionIndex: hex(Math.floor((i % 10) / 3), 1),
  removed: false,
});

/** A contract creation (no `to`) with an access list, whose JSON text holds quotes and commas. */
const rpcTransaction = {
  hash: hex(77, 32),
  blockHash: hex(1000, 32),
  blockNumber: hex(100, 1),
  transactionIndex: "0x0",
  from: `0x${"Fe".repeat(20)}`,
  to: null,
  input: "0x60806040",
  value: hex(2n ** 200n, 32),
  nonce: "0x7",
  r: hex(1, 32),
  s: hex(2, 32),
  v: "0x1b",
  type: "0x2",
  gas: "0x5208",
  gasPrice: null,
  maxFeePerGas: hex(10n ** 20n, 16),
  maxPriorityFeePerGas: "0x0",
  accessList: [{ address: hex(1, 20), storageKeys: [hex(2, 32), hex(3, 32)] }],
};

describe("Ponder's sync store inserts (patches/ponder+0.16.10.patch)", () => {
  let client: PGlite;
  let statements: { text: string; parameters: number }[];
  let syncStore: ReturnType<typeof createSyncStore>;

  beforeEach(async () => {
    client = new PGlite();
    const migrator = new Migrator({
      db: new Kysely({ dialect: createPgliteKyselyDialect(client), plugins: [new WithSchemaPlugin("ponder_sync")] }),
      provider: buildMigrationProvider(quietLogger),
      migrationTableSchema: "ponder_sync",
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    statements = [];
    const query = client.query.bind(client);
    client.query = ((text: string, parameters?: unknown[], options?: unknown) => {
      statements.push({ text, parameters: parameters?.length ?? 0 });
      return query(text, parameters, options as never);
    }) as typeof client.query;
    syncStore = createSyncStore({ common, qb: createQB(drizzle(client, { casing: "snake_case" }), { common, isAdmin: false }) });
  });

  it("inserts a batch of raw logs as one statement of an array per column, and keeps every value", async () => {
    const logs = Array.from({ length: 3000 }, (_, i) => rpcLog(i));
    await syncStore.insertLogs({ logs, chainId: CHAIN_ID });

    // 1,333 logs a batch, as before the patch, but 12 parameters a statement instead of 15,996.
    const inserts = statements.filter((statement) => statement.text.startsWith('insert into "ponder_sync"."logs"'));
    expect(inserts).toHaveLength(3);
    expect(inserts.every((statement) => statement.parameters === 12 && statement.text.includes("unnest("))).toBe(true);

    const stored = await client.query<Record<string, unknown>>(
      `select chain_id::text, block_number::text, log_index, transaction_index, block_hash, transaction_hash, address,
        topic0, topic1, topic2, topic3, data from ponder_sync.logs order by block_number, log_index`,
    );
    expect(stored.rows).toEqual(
      logs.map((log) => ({
        chain_id: String(CHAIN_ID),
        block_number: BigInt(log.blockNumber).toString(),
        log_index: Number(log.logIndex),
        transaction_index: Number(log.transactionIndex),
        block_hash: log.blockHash,
        transaction_hash: log.transactionHash,
        address: log.address.toLowerCase(),
        topic0: log.topics[0] ?? null,
        topic1: log.topics[1] ?? null,
        topic2: log.topics[2] ?? null,
        topic3: null,
        data: log.data,
      })),
    );
  });

  it("skips logs already stored, as ON CONFLICT DO NOTHING did", async () => {
    const logs = Array.from({ length: 40 }, (_, i) => rpcLog(i));
    await syncStore.insertLogs({ logs: logs.slice(0, 25), chainId: CHAIN_ID });
    // A later range that overlaps the first, with a changed copy of a stored log: the stored one stays.
    await syncStore.insertLogs({ logs: [{ ...logs[3]!, data: "0x01" }, ...logs.slice(20)], chainId: CHAIN_ID });
    const stored = await client.query<{ count: number; data: string }>(
      "select count(*)::int as count, (select data from ponder_sync.logs where block_number = 100 and log_index = 3) as data from ponder_sync.logs",
    );
    expect(stored.rows[0]).toEqual({ count: 40, data: logs[3]!.data });
  });

  it("keeps a transaction's nulls, numerics wider than 64 bits and JSON text", async () => {
    await syncStore.insertTransactions({ transactions: [rpcTransaction], chainId: CHAIN_ID });
    const stored = await client.query<Record<string, unknown>>(
      `select "from", "to", value::text, v::text, gas::text, gas_price, max_fee_per_gas::text, access_list, nonce
       from ponder_sync.transactions`,
    );
    expect(stored.rows).toEqual([
      {
        from: rpcTransaction.from.toLowerCase(),
        to: null,
        value: (2n ** 200n).toString(),
        v: "27",
        gas: "21000",
        gas_price: null,
        max_fee_per_gas: (10n ** 20n).toString(),
        access_list: JSON.stringify(rpcTransaction.accessList),
        nonce: 7,
      },
    ]);
  });
});
