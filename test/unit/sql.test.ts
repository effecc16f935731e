import { describe, expect, it } from "vitest";
import { capRows, SQL_MAX_ROWS } from "../../lib/sql";

const encode = (sql: string) => JSON.stringify({ json: { sql, params: [1n.toString()] }, meta: { values: { "params.0": ["bigint"] } } });

describe("capRows", () => {
  it("wraps the query so the database returns at most one row past the limit, keeping params and meta", () => {
    const capped = JSON.parse(capRows(encode("select * from account where balance > $1;")));
    expect(capped.json.sql).toBe(`select * from (\nselect * from account where balance > $1\n) as sql_over_http limit ${SQL_MAX_ROWS + 1}`);
    expect(capped.json.params).toEqual(["1"]);
    expect(capped.meta).toEqual({ values: { "params.0": ["bigint"] } });
  });

  it("keeps a trailing line comment from swallowing the wrapper", () => {
    expect(JSON.parse(capRows(encode("select 1 -- the answer"))).json.sql).toContain("-- the answer\n) as sql_over_http");
  });

  it("refuses a parameter that is not a JSON-encoded query", () => {
    for (const bad of ["select 1", "{}", '{"json":{"sql":5}}']) {
      expect(() => capRows(bad), bad).toThrow(/sql parameter/);
    }
  });
});
