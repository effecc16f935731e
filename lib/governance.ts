/**
 * x/gov's rules as the indexer applies them: proposal status names, vote options and weights,
 * the stake-weighted tally and turnout. Pure functions, shared by handlers, routes and tests.
 */

/** x/gov's ProposalStatus enum, by index; "canceled" and "removed" are the indexer's own (the chain deletes those proposals). */
export const CHAIN_STATUSES = ["unspecified", "deposit_period", "voting_period", "passed", "rejected", "failed"] as const;
export const PROPOSAL_STATUSES = ["deposit_period", "voting_period", "passed", "rejected", "failed", "canceled", "removed"] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export const OPEN_STATUSES: readonly ProposalStatus[] = ["deposit_period", "voting_period"];

export function statusName(status: number): ProposalStatus {
  const name = CHAIN_STATUSES[status] as ProposalStatus | "unspecified" | undefined;
  if (!name || name === "unspecified") throw new Error(`unknown proposal status ${status}`);
  return name;
}

/** VoteOption: 1 Yes, 2 Abstain, 3 No, 4 NoWithVeto. */
export const VOTE_OPTIONS = ["yes", "abstain", "no", "noWithVeto"] as const;
export type VoteOptionName = (typeof VOTE_OPTIONS)[number];
export type WeightedOption = { option: VoteOptionName; weight: string };

export function optionName(option: number): VoteOptionName {
  const name = VOTE_OPTIONS[option - 1];
  if (!name) throw new Error(`unknown vote option ${option}`);
  return name;
}

export const WAD = 10n ** 18n;

/** A decimal string such as "0.25" as an 18-decimal fixed-point integer (Cosmos LegacyDec precision). */
export function parseDecimal(value: string): bigint {
  const match = /^(\d+)(?:\.(\d{0,18}))?$/.exec(value.trim());
  if (!match) throw new Error(`not a decimal: ${JSON.stringify(value)}`);
  return BigInt(match[1]!) * WAD + BigInt((match[2] ?? "").padEnd(18, "0"));
}

export function weightedOptions(options: readonly { option: number; weight: string }[]): WeightedOption[] {
  return options.map(({ option, weight }) => ({ option: optionName(option), weight }));
}

export type TallyInput = {
  /** Every validator the indexer knows; only bonded (not jailed) ones count, as in x/gov. */
  validators: { address: string; stake: bigint; bonded: boolean }[];
  votes: { voter: string; options: WeightedOption[] }[];
  /** The voters' delegations, in tokens. */
  delegations: { delegator: string; validator: string; amount: bigint }[];
};

export type Tally = {
  power: Record<VoteOptionName, bigint>;
  voters: Record<VoteOptionName, number>;
  /** Stake that voted, directly or through its validator. */
  votingPower: bigint;
  bondedStake: bigint;
};

const zeroes = () => ({ yes: 0n, abstain: 0n, no: 0n, noWithVeto: 0n });

/**
 * x/gov's tally: a voter's delegations to bonded validators count for its options and are deducted
 * from those validators; a validator that voted casts the rest of its stake (its delegators who did
 * not vote). Weighted sums are kept at 18 decimals and truncated at the end, as x/gov truncates.
 */
export function tally({ validators, votes, delegations }: TallyInput): Tally {
  const bonded = new Map(validators.filter((v) => v.bonded).map((v) => [v.address, v.stake]));
  const deducted = new Map<string, bigint>();
  const sums = zeroes();
  const voters = { yes: 0, abstain: 0, no: 0, noWithVeto: 0 };
  let votingPower = 0n;
  const byDelegator = new Map<string, { validator: string; amount: bigint }[]>();
  for (const d of delegations) {
    if (d.amount === 0n || !bonded.has(d.validator)) continue;
    byDelegator.set(d.delegator, [...(byDelegator.get(d.delegator) ?? []), d]);
  }
  const cast = (power: bigint, options: WeightedOption[]) => {
    votingPower += power;
    for (const { option, weight } of options) sums[option] += power * parseDecimal(weight);
  };

  const validatorVotes = new Map<string, WeightedOption[]>();
  for (const vote of votes) {
    for (const { option } of vote.options) voters[option]++;
    if (bonded.has(vote.voter)) validatorVotes.set(vote.voter, vote.options);
    for (const d of byDelegator.get(vote.voter) ?? []) {
      deducted.set(d.validator, (deducted.get(d.validator) ?? 0n) + d.amount);
      cast(d.amount, vote.options);
    }
  }
  for (const [address, options] of validatorVotes) {
    cast(bonded.get(address)! - (deducted.get(address) ?? 0n), options);
  }
  const power = zeroes();
  for (const option of VOTE_OPTIONS) power[option] = sums[option] / WAD;
  return { power, voters, votingPower, bondedStake: [...bonded.values()].reduce((a, b) => a + b, 0n) };
}

/** Voting power that voted over bonded stake; null when nothing is bonded. */
export function turnout(votingPower: bigint, bondedStake: bigint): number | null {
  if (bondedStake === 0n) return null;
  return Number((votingPower * 1_000_000n) / bondedStake) / 1_000_000;
}

export type GovParams = { quorum: string; threshold: string; vetoThreshold: string };

/** x/gov's end-of-voting verdict on a tally: quorum, then veto, then the yes threshold among non-abstaining votes. */
export function verdict(result: Tally, params: GovParams) {
  const { power } = result;
  const counted = power.yes + power.abstain + power.no + power.noWithVeto;
  const quorumReached = result.bondedStake > 0n && result.votingPower * WAD >= result.bondedStake * parseDecimal(params.quorum);
  const vetoed = counted > 0n && power.noWithVeto * WAD > counted * parseDecimal(params.vetoThreshold);
  const nonAbstain = counted - power.abstain;
  const thresholdReached = nonAbstain > 0n && power.yes * WAD > nonAbstain * parseDecimal(params.threshold);
  return { quorumReached, vetoed, thresholdReached, wouldPass: quorumReached && !vetoed && thresholdReached };
}
