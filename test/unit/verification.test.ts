import { describe, expect, it } from "vitest";
import { Random } from "../../devnet/random";
import {
  dayOfHour,
  firstBlockWhere,
  type LagBin,
  lagPercentile,
  settlementLag,
  splitWindow,
  teeState,
  windowHours,
} from "../../lib/verification";

const MAX_AGE = 3600;
const NOW = 1_800_000_000;

describe("teeState", () => {
  const enabled = { registered: true, enabled: true };

  it("is live while the last heartbeat is no older than the max age at the block time (isTEEActive)", () => {
    expect(teeState({ ...enabled, lastHeartbeatAt: NOW }, NOW, MAX_AGE)).toBe("live");
    expect(teeState({ ...enabled, lastHeartbeatAt: NOW - MAX_AGE }, NOW, MAX_AGE)).toBe("live");
    expect(teeState({ ...enabled, lastHeartbeatAt: BigInt(NOW - 10) }, NOW, MAX_AGE)).toBe("live");
  });

  it("turns stale exactly when the heartbeat's age exceeds the max age", () => {
    expect(teeState({ ...enabled, lastHeartbeatAt: NOW - MAX_AGE - 1 }, NOW, MAX_AGE)).toBe("stale");
    expect(teeState({ ...enabled, lastHeartbeatAt: NOW - 10 * MAX_AGE }, NOW, MAX_AGE)).toBe("stale");
  });

  it("is stale when enabled but no heartbeat was ever received", () => {
    expect(teeState({ ...enabled, lastHeartbeatAt: null }, NOW, MAX_AGE)).toBe("stale");
  });

  it("judges age against the given time, not the wall clock", () => {
    const tee = { ...enabled, lastHeartbeatAt: 1000 };
    expect(teeState(tee, 1000 + MAX_AGE, MAX_AGE)).toBe("live");
    expect(teeState(tee, 1000 + MAX_AGE + 1, MAX_AGE)).toBe("stale");
  });

  it("is disabled whenever disabled, however fresh the heartbeat", () => {
    expect(teeState({ registered: true, enabled: false, lastHeartbeatAt: NOW }, NOW, MAX_AGE)).toBe("disabled");
    expect(teeState({ registered: true, enabled: false, lastHeartbeatAt: null }, NOW, MAX_AGE)).toBe("disabled");
  });

  it("is unregistered for a TEE known only from settlements", () => {
    expect(teeState({ registered: false, enabled: false, lastHeartbeatAt: null }, NOW, MAX_AGE)).toBe("unregistered");
    expect(teeState({ registered: false, enabled: true, lastHeartbeatAt: NOW }, NOW, MAX_AGE)).toBe("unregistered");
  });
});

describe("firstBlockWhere", () => {
  it("finds the block a value changed at, with a logarithmic number of reads", async () => {
    for (const changed of [11, 12, 57, 100]) {
      let reads = 0;
      const found = await firstBlockWhere(10, 100, async (block) => {
        reads++;
        return block >= changed;
      });
      expect(found).toBe(changed);
      expect(reads).toBeLessThanOrEqual(7);
    }
  });
});

describe("settlementLag", () => {
  it("is block time minus inference time, negative when the TEE clock runs ahead", () => {
    expect(settlementLag(1000n, 970n)).toBe(30n);
    expect(settlementLag(1000n, 1003n)).toBe(-3n);
  });
});

/** The textbook nearest-rank definition on the raw values, to check the histogram version against. */
function nearestRank(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

function histogram(values: number[]): LagBin[] {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([lag, count]) => ({ lag, count }));
}

describe("lagPercentile (nearest rank)", () => {
  it("is null without settlements", () => {
    expect(lagPercentile([], 50)).toBeNull();
    expect(lagPercentile([{ lag: 4, count: 0 }], 95)).toBeNull();
  });

  it("picks the value at rank ceil(p/100 × N)", () => {
    // 1..10: p50 is rank 5 → 5; p95 is rank ceil(9.5) = 10 → 10; p10 is rank 1 → 1.
    const bins = Array.from({ length: 10 }, (_, i) => ({ lag: i + 1, count: 1 }));
    expect(lagPercentile(bins, 50)).toBe(5);
    expect(lagPercentile(bins, 95)).toBe(10);
    expect(lagPercentile(bins, 10)).toBe(1);
    expect(lagPercentile(bins, 100)).toBe(10);
  });

  it("counts repeated lags by their bin counts, in any bin order", () => {
    // Sorted: 2×3, 5×1, 9×96 (100 settlements): rank 50 falls in the 9s, rank 3 is the last 2.
    const bins = [
      { lag: 9, count: 96 },
      { lag: 2, count: 3 },
      { lag: 5, count: 1 },
    ];
    expect(lagPercentile(bins, 50)).toBe(9);
    expect(lagPercentile(bins, 3)).toBe(2);
    expect(lagPercentile(bins, 4)).toBe(5);
  });

  it("merges bins of the same lag from different hours", () => {
    expect(
      lagPercentile(
        [
          { lag: 7, count: 1 },
          { lag: 3, count: 1 },
          { lag: 7, count: 2 },
        ],
        50,
      ),
    ).toBe(7);
  });

  it("handles negative lags", () => {
    expect(lagPercentile(histogram([-5, -1, 0, 2]), 50)).toBe(-1);
  });

  it("agrees with nearest rank on the raw values for random workloads", () => {
    const random = new Random(7);
    for (let round = 0; round < 200; round++) {
      const values = Array.from({ length: random.int(1, 400) }, () => random.int(-3, random.int(1, 900)));
      for (const p of [1, 50, 90, 95, 99, 100]) {
        expect(lagPercentile(histogram(values), p)).toBe(nearestRank(values, p));
      }
    }
  });

  it("rejects percentiles outside (0, 100]", () => {
    expect(() => lagPercentile([{ lag: 1, count: 1 }], 0)).toThrow(RangeError);
    expect(() => lagPercentile([{ lag: 1, count: 1 }], 101)).toThrow(RangeError);
  });
});

describe("windowHours", () => {
  it("covers the last N hours ending with the hour of the latest block", () => {
    const latest = 1000 * 3600 + 1234;
    expect(windowHours({ name: "24h" }, latest)).toEqual({ firstHour: 977, lastHour: 1000 });
    expect(windowHours({ name: "7d" }, latest)).toEqual({ firstHour: 1000 - 167, lastHour: 1000 });
    expect(windowHours({ name: "30d" }, latest)).toEqual({ firstHour: 1000 - 719, lastHour: 1000 });
  });

  it("covers every hour touched by an explicit range", () => {
    expect(windowHours({ from: 3600 * 5 + 59, to: 3600 * 7 }, 0)).toEqual({ firstHour: 5, lastHour: 7 });
    expect(windowHours({ from: 3600 * 5, to: 3600 * 5 }, 0)).toEqual({ firstHour: 5, lastHour: 5 });
  });
});

describe("splitWindow", () => {
  /** Expands a split back into hour numbers, each day contributing its 24 hours. */
  function covered(split: ReturnType<typeof splitWindow>): number[] {
    const hours: number[] = [];
    for (const range of split.hours) for (let h = range.first; h <= range.last; h++) hours.push(h);
    if (split.days) for (let d = split.days.first; d <= split.days.last; d++) for (let h = d * 24; h < d * 24 + 24; h++) hours.push(h);
    return hours.sort((a, b) => a - b);
  }

  it("uses whole days inside the window and hours at its edges", () => {
    // Hours 10..73: day 1 (24..47) and day 2 (48..71) are whole; 10..23 and 72..73 are edges.
    expect(splitWindow(10, 73)).toEqual({
      days: { first: 1, last: 2 },
      hours: [
        { first: 10, last: 23 },
        { first: 72, last: 73 },
      ],
    });
    expect(splitWindow(24, 47)).toEqual({ days: { first: 1, last: 1 }, hours: [] });
    expect(splitWindow(25, 46)).toEqual({ days: null, hours: [{ first: 25, last: 46 }] });
    expect(splitWindow(23, 24)).toEqual({ days: null, hours: [{ first: 23, last: 24 }] });
  });

  it("covers every hour of any window exactly once", () => {
    const random = new Random(11);
    for (let round = 0; round < 500; round++) {
      const first = random.int(0, 2000);
      const last = first + random.int(0, 24 * 40);
      const expected = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      expect(covered(splitWindow(first, last))).toEqual(expected);
    }
  });

  it("numbers days from the epoch in UTC", () => {
    expect(dayOfHour(0)).toBe(0);
    expect(dayOfHour(23)).toBe(0);
    expect(dayOfHour(24)).toBe(1);
    expect(dayOfHour(Math.floor(Date.UTC(2026, 10, 23, 12) / 3_600_000))).toBe(Date.UTC(2026, 10, 23) / 86_400_000);
  });
});
