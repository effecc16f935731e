import { describe, expect, it } from "vitest";
import { decodeCheckpoint } from "../../lib/checkpoint";
import { fillSeries } from "../../lib/series";
import { circulatingSupply, formatUnits, holderDelta } from "../../lib/supply";
import { hourOf, nextPeriod, periodStart, periodStarts } from "../../lib/time";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("time buckets", () => {
  it("numbers hours since the epoch", () => {
    expect(hourOf(at("2026-05-01T13:59:59Z"))).toBe(at("2026-05-01T13:00:00Z") / 3600);
    expect(hourOf(3600n)).toBe(1);
  });

  it("starts weeks on Monday and months on the 1st, in UTC", () => {
    // 2026-05-03 is a Sunday: its ISO week began on Monday 2026-04-27.
    expect(periodStart(at("2026-05-03T23:00:00Z"), "week")).toBe(at("2026-04-27T00:00:00Z"));
    expect(periodStart(at("2026-05-04T00:00:00Z"), "week")).toBe(at("2026-05-04T00:00:00Z"));
    expect(periodStart(at("2026-02-28T12:00:00Z"), "month")).toBe(at("2026-02-01T00:00:00Z"));
    expect(periodStart(at("2026-02-28T12:34:56Z"), "day")).toBe(at("2026-02-28T00:00:00Z"));
    expect(nextPeriod(at("2026-01-01T00:00:00Z"), "month")).toBe(at("2026-02-01T00:00:00Z"));
    expect(nextPeriod(at("2026-12-01T00:00:00Z"), "month")).toBe(at("2027-01-01T00:00:00Z"));
  });

  it("lists every period in a range, including the partial first and last", () => {
    expect(periodStarts(at("2026-05-01T10:30:00Z"), at("2026-05-03T01:00:00Z"), "day")).toEqual([
      at("2026-05-01T00:00:00Z"),
      at("2026-05-02T00:00:00Z"),
      at("2026-05-03T00:00:00Z"),
    ]);
    expect(periodStarts(at("2026-05-01T10:30:00Z"), at("2026-05-01T10:40:00Z"), "hour")).toHaveLength(1);
  });
});

describe("fillSeries", () => {
  const day = (iso: string) => at(`${iso}T00:00:00Z`);

  it("fills flows with zero and carries closing values forward", () => {
    const rows = [
      { timestamp: day("2026-05-02"), count: 3, volume: "30", supply: "900" },
      { timestamp: day("2026-05-04"), count: 1, volume: "5", supply: "850" },
    ];
    const filled = fillSeries(rows, {
      from: day("2026-05-01"),
      to: day("2026-05-05"),
      interval: "day",
      flows: { count: 0, volume: "0" },
      closing: ["supply"],
      opening: { supply: "1000" },
    });
    expect(filled.map((row) => [row.count, row.volume, row.supply])).toEqual([
      [0, "0", "1000"],
      [3, "30", "900"],
      [0, "0", "900"],
      [1, "5", "850"],
      [0, "0", "850"],
    ]);
    expect(filled[0]!.time).toBe("2026-05-01T00:00:00.000Z");
  });

  it("leaves closing values null before anything existed", () => {
    const filled = fillSeries([], { from: 0, to: 7200, interval: "hour", flows: {}, closing: ["supply"] });
    expect(filled).toHaveLength(3);
    expect(filled.every((row) => row.supply === null)).toBe(true);
  });
});

describe("supply math", () => {
  it("counts holders as accounts crossing zero", () => {
    expect(holderDelta(0n, 5n)).toBe(1);
    expect(holderDelta(5n, 0n)).toBe(-1);
    expect(holderDelta(5n, 7n)).toBe(0);
    expect(holderDelta(0n, 0n)).toBe(0);
  });

  it("leaves non-circulating balances out of circulating supply", () => {
    expect(circulatingSupply(1000n, 250n)).toBe(750n);
  });

  it("formats raw amounts as whole tokens without losing precision", () => {
    expect(formatUnits(1_000_000_000n * 10n ** 18n)).toBe("1000000000");
    expect(formatUnits(1234500000000000000n)).toBe("1.2345");
    expect(formatUnits(1n)).toBe("0.000000000000000001");
    expect(formatUnits(0n)).toBe("0");
  });
});

describe("decodeCheckpoint", () => {
  it("reads timestamp, chain and block from Ponder's fixed-width checkpoint", () => {
    const checkpoint = `1792443737${"8453".padStart(16, "0")}${"23".padStart(16, "0")}${"0".padStart(16, "0")}5${"0".padStart(16, "0")}`;
    expect(decodeCheckpoint(checkpoint)).toEqual({ timestamp: 1792443737, chainId: 8453, block: 23 });
  });
});
