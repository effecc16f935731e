import { describe, expect, it } from "vitest";
import {
  annualisedRate,
  averageStake,
  bondStatusName,
  isUnbonding,
  ratio,
  scaleDelegation,
  stakingRatios,
  subtractFloor,
  trailingWindow,
  unexplainedLoss,
} from "../../lib/staking";

const OPG = 10n ** 18n;

describe("staking ratio", () => {
  it("divides staked by each supply", () => {
    const ratios = stakingRatios(250_000_000n * OPG, { circulatingSupply: 500_000_000n * OPG, totalSupply: 1_000_000_000n * OPG });
    expect(ratios).toEqual({ ofCirculatingSupply: 0.5, ofTotalSupply: 0.25 });
  });

  it("keeps twelve decimal places of a small ratio", () => {
    expect(ratio(1n, 3n)).toBe(0.333333333333);
    expect(ratio(7n * OPG, 1_000_000_000n * OPG)).toBe(7e-9);
  });

  it("has no ratio without supply", () => {
    expect(ratio(5n, 0n)).toBeNull();
    expect(stakingRatios(5n, { circulatingSupply: 0n, totalSupply: 10n })).toEqual({ ofCirculatingSupply: null, ofTotalSupply: 0.5 });
  });
});

describe("average stake", () => {
  it("weights each closing value by the hours it held", () => {
    // 100 for hours 10-11, 400 for hours 12-13.
    expect(averageStake([{ hour: 12, stake: 400n }], 100n, 10, 13)).toBe(250n);
  });

  it("uses the last bucket of an hour and ignores buckets outside the window", () => {
    const buckets = [
      { hour: 5, stake: 999n },
      { hour: 11, stake: 300n },
      { hour: 10, stake: 100n },
      { hour: 20, stake: 999n },
    ];
    // 100 at hour 10, 300 at hour 11.
    expect(averageStake(buckets, 0n, 10, 11)).toBe(200n);
  });

  it("counts hours before the first bucket at the opening stake", () => {
    expect(averageStake([], 42n, 0, 719)).toBe(42n);
    expect(averageStake([{ hour: 3, stake: 40n }], 0n, 0, 3)).toBe(10n);
  });

  it("is zero for an empty window", () => {
    expect(averageStake([], 42n, 5, 4)).toBe(0n);
  });
});

describe("APR", () => {
  it("annualises rewards over the average stake", () => {
    // 1,000 OPG staked earning 10 OPG in 36.5 days is 10% a year.
    expect(annualisedRate(10n * OPG, 1_000n * OPG, 36.5 * 86_400)).toBeCloseTo(0.1, 12);
    // Over 30 days: 10 / 1000 × 365 / 30.
    expect(annualisedRate(10n * OPG, 1_000n * OPG, 30 * 86_400)).toBeCloseTo((0.01 * 365) / 30, 11);
  });

  it("has no APR without stake or time", () => {
    expect(annualisedRate(10n, 0n, 86_400)).toBeNull();
    expect(annualisedRate(10n, 10n, 0)).toBeNull();
  });

  it("shortens the window to the node's lifetime", () => {
    const to = 100 * 86_400;
    expect(trailingWindow(to, 0)).toEqual({ from: 70 * 86_400, to, seconds: 30 * 86_400 });
    expect(trailingWindow(to, 95 * 86_400)).toEqual({ from: 95 * 86_400, to, seconds: 5 * 86_400 });
  });
});

describe("reconciliation rules", () => {
  it("calls only an unexplained fall a slash", () => {
    expect(unexplainedLoss(1_000n, 950n)).toBe(50n);
    expect(unexplainedLoss(1_000n, 1_000n)).toBe(0n);
    expect(unexplainedLoss(1_000n, 1_200n)).toBe(0n);
  });

  it("shrinks a delegation in proportion to its validator's loss", () => {
    expect(scaleDelegation(300n, 1_000n, 900n)).toBe(270n);
    expect(scaleDelegation(1n, 3n, 2n)).toBe(0n);
    expect(scaleDelegation(5n, 0n, 0n)).toBe(0n);
  });

  it("never takes a delegation below zero", () => {
    expect(subtractFloor(10n, 3n)).toBe(7n);
    expect(subtractFloor(10n, 11n)).toBe(0n);
  });

  it("counts an entry as unbonding only before its completion time", () => {
    expect(isUnbonding(1_000n, 999n)).toBe(true);
    expect(isUnbonding(1_000n, 1_000n)).toBe(false);
    expect(isUnbonding(1_000, 1_001)).toBe(false);
  });

  it("names Cosmos bond statuses", () => {
    expect(bondStatusName(3)).toBe("bonded");
    expect(bondStatusName(2)).toBe("unbonding");
    expect(bondStatusName(9)).toBe("unspecified");
  });
});
