import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";

// graphql-yoga imports `validate` from graphql's CommonJS build when it is first loaded, so the count
// has to be in place before Ponder (and with it yoga) is imported below.
const validation = createRequire(import.meta.url)("graphql/validation/validate.js") as { validate: (...args: unknown[]) => unknown };
const validate = validation.validate;
let validations = 0;
validation.validate = (...args: unknown[]) => {
  validations++;
  return validate(...args);
};

const cwd = process.cwd();
afterAll(() => process.chdir(cwd));

describe("Ponder's GraphQL middleware (patches/ponder+0.16.10.patch)", () => {
  it("parses and validates a repeated document once, not on every request", async () => {
    // The middleware writes generated/schema.graphql under the working directory: not the project's.
    process.chdir(mkdtempSync(path.join(os.tmpdir(), "opg-graphql-")));
    // Only the request context reads the database, and `__typename` resolves without it.
    (globalThis as { PONDER_DATABASE?: unknown }).PONDER_DATABASE = { readonlyQB: {} };
    const { graphql, onchainTable } = await import("ponder");
    const account = onchainTable("account", (t) => ({ address: t.hex().primaryKey(), balance: t.bigint().notNull() }));
    // Ponder 0.16's middleware takes its database from that global; `db` is typed but not read.
    const app = new Hono().use("/graphql", graphql({ db: undefined as never, schema: { account } }));

    for (let i = 0; i < 3; i++) {
      const response = await app.request("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }", variables: { i } }),
      });
      expect(await response.json()).toEqual({ data: { __typename: "Query" } });
    }
    expect(validations).toBe(1);
  });
});
