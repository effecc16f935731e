import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * PGlite on a directory (Emscripten's NODEFS, what Ponder uses) opens its reply file,
 * `.s.PGSQL.5432.out` in the data directory, write-only with O_TRUNC once per protocol message, five
 * or six times per query, and closes it again, though replies travel through shared memory and the
 * file stays empty. Emscripten truncated through `FS.truncate`: `utimes`, then `truncate` (open,
 * ftruncate, close), then the open itself. patches/@electric-sql+pglite+0.2.13.patch passes O_TRUNC
 * to the host's open for any NODEFS file, and keeps one host descriptor for the reply file, emptied
 * only when something was written to it: an open and a close per message were a fifth of the CPU of
 * an API read on the 1M-event bench.
 */
describe("PGlite on a directory (patches/@electric-sql+pglite+0.2.13.patch)", () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), "opg-nodefs-"));
  const reply = path.join(directory, ".s.PGSQL.5432.out");
  const calls: Record<string, number> = {};
  const originals: Partial<Record<"utimesSync" | "truncateSync" | "openSync", unknown>> = {};
  let db: PGlite;

  beforeAll(async () => {
    for (const name of ["utimesSync", "truncateSync", "openSync"] as const) {
      const original = fs[name] as (...args: unknown[]) => unknown;
      originals[name] = original;
      (fs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        if (name === "openSync" && args[0] === reply) calls.replyOpens = (calls.replyOpens ?? 0) + 1;
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

  /** This process's descriptors open on a file. */
  const descriptorsOn = (file: string) =>
    fs.readdirSync("/proc/self/fd").filter((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false;
      }
    }).length;

  it("answers queries without opening its reply file again, and without utimes or truncate", async () => {
    for (const key of Object.keys(calls)) delete calls[key];
    for (let i = 0; i < 20; i++) await db.query("insert into t values ($1)", [i]);
    expect(calls.utimesSync ?? 0).toBe(0);
    expect(calls.truncateSync ?? 0).toBe(0);
    // Unpatched: 20 × 6 opens of the reply file, each with a truncate that opened it once more.
    expect(calls.replyOpens ?? 0).toBe(0);
    expect(descriptorsOn(reply)).toBe(1);
    expect((await db.query<{ n: number }>("select count(*)::int as n from t")).rows[0]!.n).toBe(20);
  });

  it("empties the reply file at the next message when something was written to it", async () => {
    const FS = (db as unknown as { Module: { FS: EmscriptenFs } }).Module.FS;
    const stream = FS.open("/tmp/pglite/base/.s.PGSQL.5432.out", "w");
    FS.write(stream, new TextEncoder().encode("a reply"), 0, 7);
    FS.close(stream);
    expect(readFileSync(reply, "utf8")).toBe("a reply");
    await db.query("select 1");
    expect(readFileSync(reply, "utf8")).toBe("");
  });

  it("closes the reply file's descriptor with the database", async () => {
    const otherDirectory = mkdtempSync(path.join(os.tmpdir(), "opg-nodefs-"));
    const other = new PGlite(otherDirectory);
    await other.query("select 1");
    expect(descriptorsOn(path.join(otherDirectory, ".s.PGSQL.5432.out"))).toBe(1);
    await other.close();
    expect(descriptorsOn(path.join(otherDirectory, ".s.PGSQL.5432.out"))).toBe(0);
    rmSync(otherDirectory, { recursive: true, force: true });
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

type EmscriptenFs = {
  open(path: string, flags: string): unknown;
  write(stream: unknown, data: Uint8Array, offset: number, length: number): number;
  close(stream: unknown): void;
};
