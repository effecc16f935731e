import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// graphql-yoga and Ponder's middleware import graphql's CommonJS build when they are first loaded, so
// the counts have to be in place before Ponder (and with it yoga) is imported below.
const load = createRequire(import.meta.url);
const validation = load("graphql/validation/validate.js") as { validate: (...args: unknown[]) => unknown };
const execution = load("graphql/execution/execute.js") as { execute: (...args: unknown[]) => unknown };
const counts = { validations: 0, executions: 0 };
const { validate } = validation;
const { execute } = execution;
validation.validate = (...args: unknown[]) => {
  counts.validations++;
  return validate(...args);
};
// yoga runs documents with @graphql-tools' executor; graphql-js's `execute` runs only the direct path.
execution.execute = (...args: unknown[]) => {
  counts.executions++;
  return execute(...args);
};

const cwd = process.cwd();
let app: Hono;

beforeAll(async () => {
  // The middleware writes generated/schema.graphql under the working directory: not the project's.
  process.chdir(mkdtempSync(path.join(os.tmpdir(), "opg-graphql-")));
  // Only the request context reads the database, and `__typename` resolves without it.
  (globalThis as { PONDER_DATABASE?: unknown }).PONDER_DATABASE = { readonlyQB: {} };
  const { graphql, onchainTable } = await import("ponder");
  const account = onchainTable("account", (t) => ({ address: t.hex().primaryKey(), balance: t.bigint().notNull() }));
  // Ponder 0.16's middleware takes its database from that global; `db` is typed but not read.
  app = new Hono().use("/graphql", graphql({ db: undefined as never, schema: { account } }));
});
afterAll(() => process.chdir(cwd));

const post = async (body: string, headers: Record<string, string> = {}) => {
  const response = await app.request("/graphql", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: response.status, headers: [...response.headers].filter(([name]) => name !== "date"), body: await response.text() };
};

describe("Ponder's GraphQL middleware (patches/ponder+0.16.10.patch)", () => {
  it("parses and validates a repeated document once, not on every request", async () => {
    const before = counts.validations;
    for (let i = 0; i < 3; i++) {
      const answer = await post(JSON.stringify({ query: "{ __typename }", variables: { i } }));
      expect(JSON.parse(answer.body)).toEqual({ data: { __typename: "Query" } });
    }
    expect(counts.validations - before).toBe(1);
  });

  it.each([
    ["no Accept header", JSON.stringify({ query: "{ a: __typename }" }), {}],
    ["GraphQL's own media type", JSON.stringify({ query: "{ b: __typename }" }), { accept: "application/graphql-response+json" }],
    ["both media types", JSON.stringify({ query: "{ c: __typename }" }), { accept: "application/graphql-response+json, application/json" }],
    ["a browser's origin", JSON.stringify({ query: "{ d: __typename }" }), { origin: "https://dashboard.example" }],
    [
      "variables and an operation name",
      JSON.stringify({
        query: "query One($b: Boolean!) { e: __typename @include(if: $b) } query Two { f: __typename }",
        variables: { b: true },
        operationName: "One",
      }),
      {},
    ],
  ])("answers a document yoga answered without errors directly, with yoga's status, headers and bytes: %s", async (_, body, headers) => {
    const before = counts.executions;
    const first = await post(body, headers);
    expect(counts.executions - before).toBe(0);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).errors).toBeUndefined();
    for (let i = 1; i <= 2; i++) {
      expect(await post(body, headers)).toEqual(first);
      expect(counts.executions - before).toBe(i);
    }
  });

  it.each([
    ["an unknown field", JSON.stringify({ query: "{ nope }" })],
    ["an error raised while running it", JSON.stringify({ query: "{ accounts(limit: 5000) { items { balance } } }" })],
    [
      "a variable of the wrong type",
      JSON.stringify({ query: "query Q($n: Int) { accounts(limit: $n) { items { balance } } }", variables: { n: "x" } }),
    ],
    ["a parameter yoga rejects", JSON.stringify({ query: "{ __typename }", extra: 1 })],
    ["text that is not JSON", "{"],
  ])("leaves a request with %s to yoga every time", async (_, body) => {
    const first = await post(body);
    expect(JSON.parse(first.body).errors.length).toBeGreaterThan(0);
    const before = counts.executions;
    expect(await post(body)).toEqual(first);
    expect(counts.executions - before).toBe(0);
  });
});
