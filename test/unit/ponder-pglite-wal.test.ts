import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
// Ponder opens PGlite through this helper; the patched file itself is what must be checked.
// @ts-expect-error Ponder ships declarations for its public entry only
import { createPglite } from "../../node_modules/ponder/dist/esm/utils/pglite.js";

const open = (dataDir: string) => createPglite({ dataDir }) as PGlite;
const setting = async (db: PGlite, name: string) =>
  (await db.query<{ value: string }>("select current_setting($1) as value", [name])).rows[0]!.value;

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe("Ponder's PGlite runs without replication WAL", () => {
  it("starts an initialised directory with wal_level minimal, keeps its data and writes the setting once", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "opg-pglite-wal-"));
    directories.push(dataDir);

    // The first open initialises the directory (in `ponder start`, its connection check does).
    const first = open(dataDir);
    expect(await setting(first, "wal_level")).toBe("replica");
    await first.exec("create table transfer (id text primary key, sender text, block_number numeric(78,0))");
    await first.exec("insert into transfer select 'e' || i, '0x' || lpad(to_hex(i % 97), 40, '0'), i / 10 from generate_series(1, 5000) i");
    await first.close();

    const second = open(dataDir);
    expect(await setting(second, "wal_level")).toBe("minimal");
    expect(await setting(second, "max_wal_senders")).toBe("0");
    // Ponder builds a table's indexes once the backfill's rows are in: without WAL for the index pages.
    await second.exec("create index transfer_sender on transfer (sender, block_number)");
    await second.close();

    const third = open(dataDir);
    expect(await setting(third, "wal_level")).toBe("minimal");
    const rows = await third.query<{ n: number }>("select count(*)::int as n from transfer where sender = $1", [`0x${"0".repeat(38)}2a`]);
    expect(rows.rows[0]!.n).toBe(52);
    const index = await third.query("select 1 from pg_indexes where indexname = 'transfer_sender'");
    expect(index.rows).toHaveLength(1);
    await third.close();

    const conf = readFileSync(path.join(dataDir, "postgresql.conf"), "utf8");
    expect(conf.match(/^wal_level = minimal$/gm)).toHaveLength(1);
  });

  it("leaves an in-memory database alone", async () => {
    const db = open("memory://");
    expect(await setting(db, "wal_level")).toBe("replica");
    await db.close();
  });
});
