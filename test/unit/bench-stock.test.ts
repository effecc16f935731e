import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { removeStaleStockTrees } from "../../scripts/bench/stock";

const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe("bench stock trees", () => {
  it("removes trees built for other patches and keeps the current one and everything else", () => {
    const bench = mkdtempSync(path.join(os.tmpdir(), "opg-bench-"));
    made.push(bench);
    for (const name of ["stock-0123456789", "stock-abcdefabcd", "stock-fb52429003", "chain-1000-703b7526af", "stock-notes"]) {
      mkdirSync(path.join(bench, name, "node_modules"), { recursive: true });
      writeFileSync(path.join(bench, name, "done"), "");
    }
    const removed = removeStaleStockTrees(bench, "stock-fb52429003");
    expect(removed.sort()).toEqual(["stock-0123456789", "stock-abcdefabcd"]);
    expect(existsSync(path.join(bench, "stock-0123456789"))).toBe(false);
    expect(existsSync(path.join(bench, "stock-abcdefabcd"))).toBe(false);
    expect(existsSync(path.join(bench, "stock-fb52429003", "done"))).toBe(true);
    expect(existsSync(path.join(bench, "chain-1000-703b7526af", "done"))).toBe(true);
    expect(existsSync(path.join(bench, "stock-notes", "done"))).toBe(true);
  });

  it("does nothing before the bench has a directory", () => {
    expect(removeStaleStockTrees(path.join(os.tmpdir(), `opg-bench-missing-${process.pid}`), "stock-fb52429003")).toEqual([]);
  });
});
