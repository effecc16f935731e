import { describe, expect, it } from "vitest";
import { parseDecimal, statusName, tally, turnout, verdict, WAD } from "../../lib/governance";

const validators = [
  { address: "v0", stake: 1000n, bonded: true },
  { address: "v1", stake: 500n, bonded: true },
  { address: "v2", stake: 300n, bonded: false },
];
const yes = [{ option: "yes" as const, weight: "1" }];
const no = [{ option: "no" as const, weight: "1" }];

describe("governance tally", () => {
  it("lets a validator's vote count for delegators who did not vote", () => {
    const result = tally({ validators, votes: [{ voter: "v0", options: yes }], delegations: [] });
    expect(result.power.yes).toBe(1000n);
    expect(result.votingPower).toBe(1000n);
    expect(result.bondedStake).toBe(1500n);
  });

  it("lets a delegator's own vote override its validator's for its share", () => {
    const result = tally({
      validators,
      votes: [
        { voter: "v0", options: yes },
        { voter: "d", options: no },
      ],
      delegations: [{ delegator: "d", validator: "v0", amount: 200n }],
    });
    expect(result.power).toEqual({ yes: 800n, abstain: 0n, no: 200n, noWithVeto: 0n });
  });

  it("splits weighted votes and truncates only the final sums", () => {
    const result = tally({
      validators,
      votes: [
        {
          voter: "d",
          options: [
            { option: "yes", weight: "0.333333333333333333" },
            { option: "no", weight: "0.666666666666666667" },
          ],
        },
      ],
      delegations: [{ delegator: "d", validator: "v1", amount: 3n }],
    });
    expect(result.power.yes).toBe(0n);
    expect(result.power.no).toBe(2n);
    expect(result.voters).toEqual({ yes: 1, abstain: 0, no: 1, noWithVeto: 0 });
  });

  it("ignores stake with validators that are not bonded", () => {
    const result = tally({
      validators,
      votes: [
        { voter: "v2", options: yes },
        { voter: "d", options: yes },
      ],
      delegations: [{ delegator: "d", validator: "v2", amount: 100n }],
    });
    expect(result.votingPower).toBe(0n);
  });
});

describe("governance rules", () => {
  const params = { quorum: "0.334", threshold: "0.5", vetoThreshold: "0.334" };
  const base = { voters: { yes: 0, abstain: 0, no: 0, noWithVeto: 0 }, bondedStake: 1000n };

  it("parses LegacyDec strings", () => {
    expect(parseDecimal("0.25")).toBe(WAD / 4n);
    expect(parseDecimal("1")).toBe(WAD);
    expect(() => parseDecimal("1e3")).toThrow();
  });

  it("checks quorum, then veto, then the threshold among non-abstaining votes", () => {
    const low = verdict({ ...base, power: { yes: 300n, abstain: 0n, no: 0n, noWithVeto: 0n }, votingPower: 300n }, params);
    expect(low).toMatchObject({ quorumReached: false, wouldPass: false });
    const vetoed = verdict({ ...base, power: { yes: 600n, abstain: 0n, no: 0n, noWithVeto: 400n }, votingPower: 1000n }, params);
    expect(vetoed).toMatchObject({ vetoed: true, wouldPass: false });
    const passes = verdict({ ...base, power: { yes: 300n, abstain: 600n, no: 100n, noWithVeto: 0n }, votingPower: 1000n }, params);
    expect(passes).toMatchObject({ quorumReached: true, vetoed: false, thresholdReached: true, wouldPass: true });
  });

  it("names statuses and computes turnout", () => {
    expect(statusName(2)).toBe("voting_period");
    expect(() => statusName(0)).toThrow();
    expect(turnout(1n, 4n)).toBe(0.25);
    expect(turnout(1n, 0n)).toBeNull();
  });
});
