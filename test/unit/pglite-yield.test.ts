import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";

/**
 * PGlite runs each query synchronously on the process's one thread, and its queue hands the next query
 * over in a microtask: without patches/@electric-sql+pglite+0.2.13.patch no timer, no socket and no
 * HTTP request is served until the whole queue is empty. With 50 connections keeping the queue full,
 * that starved `/api/v1/status` for 5 s. The patch yields to the event loop once before each query or
 * transaction that had to wait for another; an uncontended one (the backfill's) runs at once.
 */
describe("PGlite's query queue (patches/@electric-sql+pglite+0.2.13.patch)", () => {
  const db = new PGlite();
  afterAll(() => db.close());

  it("lets the event loop run between queued queries", async () => {
    await db.query("select 1");
    let completed = 0;
    let completedWhenTimerFired: number | null = null;
    const queries = Array.from({ length: 10 }, () => db.query("select count(*) from generate_series(1, 200000)").then(() => completed++));
    setTimeout(() => {
      completedWhenTimerFired = completed;
    }, 0);
    await Promise.all(queries);
    expect(completedWhenTimerFired).not.toBeNull();
    expect(completedWhenTimerFired!).toBeLessThanOrEqual(2);
  });
});
