import type { Address } from "viem";
import type { Devnet } from "../devnet";
import { govTx, MIN_DEPOSIT, VOTE } from "../governance";
import type { Random } from "../random";
import type { StakingTraffic } from "./staking";

type Plan = "passes" | "fails quorum" | "vetoed" | "misses deposit";
const PLANS: Plan[] = ["passes", "fails quorum", "vetoed", "misses deposit"];

/**
 * Governance traffic on the precompile double: every `every` hours a proposal with one of four
 * fates, in turn. Deposits that reach and miss the minimum, validator votes, delegators
 * overriding their validator, weighted and changed votes. The end blocker runs every hour.
 */
export class GovernanceTraffic {
  readonly name = "governance";
  readonly proposals: { id: bigint; plan: Plan; hour: number }[] = [];
  private votes = 0;

  constructor(
    private readonly devnet: Devnet,
    private readonly random: Random,
    private readonly staking: StakingTraffic,
    private readonly every = 30,
  ) {}

  private get tx() {
    return govTx(this.devnet.og);
  }

  async setup() {}

  /** Delegators the simulator has staked for, each once. */
  private delegators(): Address[] {
    const seen = new Set<Address>();
    for (const [key, amount] of this.staking.delegations) {
      const delegator = key.split(":")[0] as Address;
      if (amount > 0n && !this.staking.validators.includes(delegator)) seen.add(delegator);
    }
    return [...seen];
  }

  private async vote(voter: Address, id: bigint, option: number) {
    await this.tx.vote(voter, id, option);
    this.votes++;
  }

  async hour(index: number) {
    await this.tx.endBlocker();
    if (index % this.every === 1) await this.submit(index);
    for (const p of this.proposals) await this.act(p, index - p.hour);
  }

  private async submit(hour: number) {
    const plan = PLANS[this.proposals.length % PLANS.length]!;
    const proposer = this.random.pick(this.staking.validators);
    const id = BigInt(this.proposals.length + 1);
    const initial = plan === "fails quorum" || plan === "vetoed" ? MIN_DEPOSIT : MIN_DEPOSIT / 4n;
    await this.tx.submit(proposer, `Proposal ${id}: ${plan}`, `A simulated proposal that ${plan}.`, initial);
    this.proposals.push({ id, plan, hour });
  }

  private async act({ id, plan }: { id: bigint; plan: Plan }, age: number) {
    const validators = this.staking.validators;
    const delegators = this.delegators();
    if (age === 1 && plan !== "misses deposit") {
      if (plan === "passes") await this.tx.deposit(this.random.pick(delegators.length ? delegators : validators), id, MIN_DEPOSIT);
    } else if (age === 1) {
      await this.tx.deposit(this.random.pick(validators), id, MIN_DEPOSIT / 10n);
    }
    if (plan === "misses deposit") return;
    if (age === 2 && plan !== "fails quorum") {
      for (const [i, v] of validators.entries()) {
        const option = plan === "passes" ? (i === 0 ? VOTE.no : VOTE.yes) : i === validators.length - 1 ? VOTE.yes : VOTE.noWithVeto;
        await this.vote(v, id, option);
      }
    }
    if (age === 3) {
      for (const d of delegators.slice(0, 6)) await this.vote(d, id, this.random.pick([VOTE.yes, VOTE.no, VOTE.abstain]));
      const weighted = delegators[6];
      if (weighted) {
        await this.tx.voteWeighted(weighted, id, [
          { option: VOTE.yes, weight: "0.6" },
          { option: VOTE.abstain, weight: "0.3" },
          { option: VOTE.noWithVeto, weight: "0.1" },
        ]);
        this.votes++;
      }
    }
    // A changed vote: the first delegator thinks again.
    if (age === 5 && delegators[0]) await this.vote(delegators[0], id, VOTE.yes);
  }

  summary() {
    return { proposals: this.proposals.length, votes: this.votes };
  }
}
