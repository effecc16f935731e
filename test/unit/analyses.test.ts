import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAnalysis } from "../../lib/analyses";

describe("parseAnalysis", () => {
  it("reads the header and splits the SQL at its placeholders, leaving casts alone", () => {
    const analysis = parseAnalysis(
      "demo",
      "-- title: Demo\n-- description: A test.\n-- params: from, to\nselect x::bigint from {{ t }} where ts >= :from and ts <= :to::bigint;\n",
    );
    expect(analysis.title).toBe("Demo");
    expect(analysis.description).toBe("A test.");
    expect(analysis.params).toEqual(["from", "to"]);
    expect(analysis.tables).toEqual(["t"]);
    expect(analysis.parts).toEqual([
      { text: "select x::bigint from " },
      { table: "t" },
      { text: " where ts >= " },
      { param: "from" },
      { text: " and ts <= " },
      { param: "to" },
      { text: "::bigint" },
    ]);
  });

  it("refuses undeclared and unknown parameters", () => {
    expect(() => parseAnalysis("a", "-- params: from\nselect :to")).toThrow(/:to without declaring/);
    expect(() => parseAnalysis("b", "-- params: wallet\nselect 1")).toThrow(/unknown parameter "wallet"/);
  });

  it("accepts every shipped query", () => {
    const dir = path.resolve(import.meta.dirname, "../../queries");
    const files = readdirSync(dir).filter((file) => file.endsWith(".sql"));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const analysis = parseAnalysis(file, readFileSync(path.join(dir, file), "utf8"));
      expect(analysis.title).not.toBe(file);
      expect(analysis.description.length).toBeGreaterThan(10);
      expect(analysis.tables.length).toBeGreaterThan(0);
    }
  });
});
