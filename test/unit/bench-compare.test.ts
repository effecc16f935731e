import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ComparedRoute, checkout, compareTable, cpuMs, indexingFingerprint, type Sample } from "../../scripts/bench/compare";

const sample = (nodeMs: number, postgresMs: number): Sample => ({
  p50: 10,
  p99: 20,
  max: 30,
  rps: 1000,
  total: 5000,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  nodeMs,
  postgresMs,
});
const route = (name: string) => ({ name, kind: "summary" as const, path: () => "/" });

describe("bench --compare", () => {
  it("reads a process's CPU time as the kernel counts it", () => {
    const before = cpuMs(process.pid);
    const usageBefore = process.cpuUsage();
    // 300 ms of CPU, however long the scheduler takes to give it.
    while (process.cpuUsage(usageBefore).user < 300_000) Math.sqrt(Math.random());
    const measured = cpuMs(process.pid) - before;
    const usage = process.cpuUsage(usageBefore);
    const expected = (usage.user + usage.system) / 1000;
    expect(measured).toBeGreaterThan(250);
    // /proc counts in clock ticks (10 ms), process.cpuUsage in microseconds.
    expect(Math.abs(measured - expected)).toBeLessThan(40);
  });

  it("reports the change in median CPU per answer and marks rounds that overlap", () => {
    const rows: ComparedRoute[] = [
      {
        route: route("/faster"),
        a: [sample(2, 1), sample(2.2, 1), sample(1.8, 1)],
        b: [sample(1, 0.5), sample(1.1, 0.5), sample(0.9, 0.5)],
      },
      { route: route("/noise"), a: [sample(1, 0), sample(1.3, 0)], b: [sample(1.2, 0), sample(1.4, 0)] },
    ];
    const lines = compareTable(rows).split("\n");
    const faster = lines.find((line) => line.startsWith("| /faster"))!;
    expect(faster).toContain("-50 %");
    expect(faster).not.toContain("overlap");
    expect(faster).toContain("2.00, 2.20, 1.80 → 1.00, 1.10, 0.90");
    const noise = lines.find((line) => line.startsWith("| /noise"))!;
    // Medians 1.15 → 1.3: +13 %, but A's worst round (1.3) is no better than B's best (1.2).
    expect(noise).toContain("+13 % (rounds overlap)");
    // One round a side is no range: no verdict either way, even for equal figures.
    const single = compareTable([{ route: route("/once"), a: [sample(1, 0)], b: [sample(1, 0)] }]);
    expect(single).toMatch(/\| 0 % +\|/);
    expect(single).not.toContain("overlap");
  });

  it("refuses a ref that is not a commit, naming it", () => {
    expect(() => checkout("no-such-ref-for-the-test")).toThrow(/"no-such-ref-for-the-test" is not a commit/);
  });

  it("keeps a database only while the indexing code and the chain are unchanged", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "opg-fingerprint-"));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    try {
      for (const file of [
        "ponder.schema.ts",
        "ponder.config.ts",
        "schema/token.ts",
        "src/OPGToken.ts",
        "src/api/index.ts",
        "lib/supply.ts",
        "abis/OPG.ts",
      ]) {
        write(file, `// ${file}`);
      }
      const first = indexingFingerprint(root, "chain 1");
      // The API does not decide what a backfill stores.
      write("src/api/index.ts", "// another API");
      write("src/api/routes/token.ts", "// a new route");
      expect(indexingFingerprint(root, "chain 1")).toBe(first);
      expect(indexingFingerprint(root, "chain 2")).not.toBe(first);
      for (const file of ["ponder.schema.ts", "ponder.config.ts", "schema/token.ts", "src/OPGToken.ts", "lib/supply.ts", "abis/OPG.ts"]) {
        write(file, "// changed");
        expect(indexingFingerprint(root, "chain 1"), file).not.toBe(first);
        write(file, `// ${file}`);
        expect(indexingFingerprint(root, "chain 1"), file).toBe(first);
      }
      write("src/entities/new.ts", "// a new helper");
      expect(indexingFingerprint(root, "chain 1")).not.toBe(first);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
