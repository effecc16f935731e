import http from "node:http";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";

/**
 * PGlite runs each query synchronously on the process's one thread, and its queue hands the next query
 * over in a microtask: without patches/@electric-sql+pglite+0.2.13.patch no timer, no socket and no
 * HTTP request is served until the whole queue is empty. With 50 connections keeping the queue full,
 * that starved `/api/v1/status` for 5 s. The patch yields to the event loop once before each query or
 * transaction that had to wait for another, and before one that follows another in the same turn of
 * the loop outside a transaction; the first of a turn runs at once, and so does each statement of a
 * transaction (the backfill's).
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

  // An API request whose query finds PGlite free is answered inside its socket's callback, so without
  // this every request ready in one poll of the loop was answered before the loop turned again: turns
  // of 100-200 ms with 50 connections. Node 20's libuv accepts one new connection per turn, so 50 new
  // connections waited up to 5 s to be read (GraphQL's p99 of 2-3.5 s on PGlite, stop 29).
  it("runs one query per turn of the event loop when queries follow each other", async () => {
    expect(await queriesBeforeTimer()).toBeLessThanOrEqual(2);
  });

  // The symptom itself: a server answering with one query per request, and a burst of new connections.
  it("reads a burst of new connections while it answers the ones it has accepted", async () => {
    await db.query("select 1");
    const server = http.createServer(async (_request, response) => {
      const { rows } = await db.query("select count(*) from generate_series(1, 20000)");
      response.end(JSON.stringify(rows));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const clients = 50;
    const answers = new Array<number>(clients).fill(0);
    let firstAnswers = 0;
    let mostAnswersWhenLastFirstAnswered = -1;
    const ask = (agent: http.Agent) =>
      new Promise<void>((resolve, reject) => {
        http.get({ port, host: "127.0.0.1", agent }, (response) => response.resume().on("end", resolve)).on("error", reject);
      });
    await Promise.all(
      answers.map(async (_, client) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        while (mostAnswersWhenLastFirstAnswered < 0) {
          await ask(agent);
          answers[client]!++;
          if (answers[client] === 1 && ++firstAnswers === clients) mostAnswersWhenLastFirstAnswered = Math.max(...answers);
        }
        agent.destroy();
      }),
    );
    server.close();
    // Unpatched, the connections accepted first were answered every turn of the loop while the last
    // waited 50 turns to be accepted: about half as many answers as there are clients, against a few.
    expect(mostAnswersWhenLastFirstAnswered).toBeLessThanOrEqual(12);
  });

  it("runs a transaction's statements back to back", async () => {
    await db.exec("begin");
    expect(await queriesBeforeTimer()).toBe(10);
    await db.exec("commit");
  });

  /** How many of ten queries, awaited one after another, complete before a 0 ms timer set first fires. */
  async function queriesBeforeTimer(): Promise<number> {
    let completed = 0;
    let completedWhenTimerFired = -1;
    setTimeout(() => {
      completedWhenTimerFired = completed;
    }, 0);
    for (let i = 0; i < 10; i++) {
      await db.query("select count(*) from generate_series(1, 200000)");
      completed++;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    return completedWhenTimerFired;
  }
});
