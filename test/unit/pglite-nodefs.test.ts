import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * PGlite on a directory (Emscripten's NODEFS, what Ponder uses) opens its reply file,
 * `.s.PGSQL.5432.out` in the data directory, with O_TRUNC six times per query (once per protocol
 * message). Emscripten truncated through `FS.truncate`: `utimes`, then `truncate` (open, ftruncate,
 * close), then the open itself, five system calls on the data directory's disk where one open with
 * O_TRUNC does the same. patches/@electric-sql+pglite+0.2.13.patch passes O_TRUNC to the host's open.
 */
describe("PGlite on a directory (patches/@electric-sql+pglite+0.2.13.patch)", () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), "opg-nodefs-"));
  const calls: Record<string, number> = {};
  const originals: Partial<Record<"utimesSync" | "truncateSync" | "openSync", unknown>> = {};
  let db: PGlite;

  beforeAll(async () => {
    for (const name of ["utimesSync", "truncateSync", "openSync"] as const) {
      const original = fs[name] as (...args: unknown[]) => unknown;
      originals[name] = original;
      (fs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return original.apply(fs, args);
      };
    }
    syncBuiltinESMExports();
    db = new PGlite(directory);
    await db.query("create table t (id int primary key)");
  });

  afterAll(async () => {
    await db?.close();
    Object.assign(fs, originals);
    syncBuiltinESMExports();
    rmSync(directory, { recursive: true, force: true });
  });

  it("answers a query with one open of its reply file per protocol message, no utimes or truncate", async () => {
    for (const key of Object.keys(calls)) delete calls[key];
    for (let i = 0; i < 20; i++) await db.query("insert into t values ($1)", [i]);
    expect(calls.utimesSync ?? 0).toBe(0);
    expect(calls.truncateSync ?? 0).toBe(0);
    // Six protocol messages per query (parse, describe, bind, describe, execute, sync); without the patch
    // each open also ran `truncate`, which opens the file once more.
    expect(calls.openSync).toBeLessThanOrEqual(20 * 6 + 10);
    expect((await db.query<{ n: number }>("select count(*)::int as n from t")).rows[0]!.n).toBe(20);
  });

  it("still empties a file opened for writing with O_TRUNC, and keeps one opened without it", () => {
    const FS = (db as unknown as { Module: { FS: EmscriptenFs } }).Module.FS;
    const dataDirectory = "/tmp/pglite/base";
    writeFileSync(path.join(directory, "truncated"), "previous contents");
    writeFileSync(path.join(directory, "kept"), "previous contents");
    FS.close(FS.open(`${dataDirectory}/truncated`, "w"));
    FS.close(FS.open(`${dataDirectory}/kept`, "r+"));
    expect(readFileSync(path.join(directory, "truncated"), "utf8")).toBe("");
    expect(readFileSync(path.join(directory, "kept"), "utf8")).toBe("previous contents");
  });
});

type EmscriptenFs = { open(path: string, flags: string): unknown; close(stream: unknown): void };
