import { type Address, parseEther } from "viem";
import { valoperAddress } from "../../lib/operator";
import { actor } from "../accounts";
import type { Devnet } from "../devnet";
import type { Random } from "../random";
import { chainValidator, delegationBalance, stakingTx } from "../staking";
import type { Traffic } from "./index";

export const validatorAccount = (index: number) => actor("validator", index);
export const delegatorAccount = (index: number) => actor("delegator", index);

/** Delegator rewards accrue at about this yearly rate of the stake (basis points), before commission. */
const YIELD_BPS = 1000n;
const HOURS_PER_YEAR = 8760n;
const RATE_SCALE = 10n ** 18n;

type Entry = { delegator: Address; validator: Address; amount: bigint; creationBlock: bigint; completionTime: number };

/**
 * Staking traffic on the precompile doubles: a few validators, delegators joining over time,
 * partial and full unbonding, redelegations, cancelled unbondings, reward and commission
 * withdrawals, and at `slashHour` one slash (with jailing) that emits no event. It keeps an
 * estimate of every delegation and never touches a (delegator, validator) pair twice in one block,
 * so nothing it sends reverts.
 */
export class StakingTraffic implements Traffic {
  readonly name = "staking";
  readonly validators: Address[] = [];
  readonly commission = new Map<Address, bigint>();
  readonly delegations = new Map<string, bigint>();
  readonly entries: Entry[] = [];
  readonly slashes: { validator: Address; amount: bigint; block: bigint }[] = [];
  private readonly lastReward = new Map<string, number>();
  private readonly accruedCommission = new Map<Address, bigint>();
  /** Commission allocated in the block being built; a withdrawal sent after it in the same block takes it too. */
  private readonly pendingCommission = new Map<Address, bigint>();
  private touched = new Set<string>();
  private counts = {
    delegations: 0,
    undelegations: 0,
    redelegations: 0,
    cancellations: 0,
    rewardWithdrawals: 0,
    claims: 0,
    commissionWithdrawals: 0,
  };
  private joined = 0;

  constructor(
    private readonly devnet: Devnet,
    private readonly random: Random,
    private readonly validatorCount = 5,
    private readonly delegatorCount = 80,
    private readonly slashHour = 48,
  ) {}

  private get tx() {
    return stakingTx(this.devnet.og);
  }

  private key(delegator: Address, validator: Address) {
    return `${delegator}:${validator}`;
  }

  private estimate(delegator: Address, validator: Address) {
    return this.delegations.get(this.key(delegator, validator)) ?? 0n;
  }

  private adjust(delegator: Address, validator: Address, delta: bigint) {
    const key = this.key(delegator, validator);
    this.delegations.set(key, this.estimate(delegator, validator) + delta);
    this.touched.add(key);
  }

  private free(delegator: Address, validator: Address) {
    return !this.touched.has(this.key(delegator, validator));
  }

  async setup() {
    for (let i = 0; i < this.validatorCount; i++) {
      const validator = validatorAccount(i);
      const rate = BigInt(this.random.int(5, 20)) * 10n ** 16n;
      const selfStake = parseEther(String(this.random.int(200_000, 1_000_000)));
      await this.tx.createValidator(validator, `node-${i}`, rate, selfStake);
      this.validators.push(validator);
      this.commission.set(validator, rate);
      this.adjust(validator, validator, selfStake);
    }
    this.touched.clear();
  }

  async hour(index: number, activity: number) {
    this.touched.clear();
    for (const [validator, commission] of this.pendingCommission) {
      this.accruedCommission.set(validator, (this.accruedCommission.get(validator) ?? 0n) + commission);
    }
    this.pendingCommission.clear();
    const now = this.devnet.og.time;
    const nextBlock = (await this.devnet.og.blockNumber()) + 1n;
    if (index === this.slashHour) await this.slash(this.validators[1 % this.validators.length]!, 5n, nextBlock);
    if (this.joined < this.delegatorCount && this.random.next() < 0.6) await this.join(now);
    const actions = Math.max(1, Math.round(3 * activity));
    for (let n = 0; n < actions; n++) await this.act(now, nextBlock, index === this.slashHour);
  }

  summary() {
    return { validators: this.validators.length, delegators: this.joined, ...this.counts, slashes: this.slashes.length };
  }

  /** Slashes `percent` of a validator's tokens and jails it; delegations shrink in proportion, as shares do. */
  async slash(validator: Address, percent: bigint, block: bigint) {
    const { tokens } = await chainValidator(this.devnet.og, validator);
    const amount = (tokens * percent) / 100n;
    await this.tx.slash(validator, amount);
    await this.tx.jail(validator);
    for (const [key, value] of this.delegations) {
      if (key.endsWith(validator)) this.delegations.set(key, (value * (tokens - amount)) / tokens);
    }
    this.slashes.push({ validator, amount, block });
  }

  private async join(now: number) {
    const delegator = delegatorAccount(this.joined++);
    const validator = this.random.pick(this.validators);
    const amount = parseEther(String(this.random.int(1_000, 150_000)));
    await this.tx.delegate(delegator, validator, amount);
    this.adjust(delegator, validator, amount);
    this.lastReward.set(this.key(delegator, validator), now);
    this.counts.delegations++;
  }

  private async act(now: number, nextBlock: bigint, slashing: boolean) {
    if (this.joined === 0) return;
    const delegator = delegatorAccount(this.random.int(0, this.joined - 1));
    const validator = this.random.pick(this.validators);
    if (!this.free(delegator, validator)) return;
    const held = this.estimate(delegator, validator);
    const roll = this.random.next();

    if (roll < 0.3 || held === 0n) {
      const amount = parseEther(String(this.random.int(500, 50_000)));
      await this.tx.delegate(delegator, validator, amount);
      this.adjust(delegator, validator, amount);
      if (!this.lastReward.has(this.key(delegator, validator))) this.lastReward.set(this.key(delegator, validator), now);
      this.counts.delegations++;
    } else if (roll < 0.45) {
      // A full exit reads the exact balance from the chain (not while a slash waits in this block);
      // a partial one stays well inside the estimate.
      const amount =
        !slashing && this.random.next() < 0.25
          ? await delegationBalance(this.devnet.og, delegator, validator)
          : (held * BigInt(this.random.int(10, 50))) / 100n;
      if (amount === 0n) return;
      await this.tx.undelegate(delegator, validator, amount);
      this.adjust(delegator, validator, -amount);
      if (amount >= held) this.delegations.set(this.key(delegator, validator), 0n);
      this.entries.push({ delegator, validator, amount, creationBlock: nextBlock, completionTime: now + 7 * 86_400 });
      this.counts.undelegations++;
    } else if (roll < 0.55) {
      const destination = this.random.pick(this.validators.filter((v) => v !== validator));
      if (!this.free(delegator, destination)) return;
      const amount = (held * BigInt(this.random.int(10, 50))) / 100n;
      if (amount === 0n) return;
      await this.tx.redelegate(delegator, validator, destination, amount);
      this.adjust(delegator, validator, -amount);
      this.adjust(delegator, destination, amount);
      this.counts.redelegations++;
    } else if (roll < 0.62) {
      await this.cancelOne(now, nextBlock);
    } else if (roll < 0.85) {
      await this.withdrawRewards(delegator, validator, held, now);
    } else if (roll < 0.92) {
      await this.tx.claimRewards(delegator, (held * BigInt(this.random.int(1, 20))) / 10_000n);
      this.counts.claims++;
    } else {
      await this.withdrawCommission(validator);
    }
  }

  private async cancelOne(now: number, nextBlock: bigint) {
    const index = this.entries.findIndex(
      (e) => e.completionTime > now + 3600 && e.creationBlock < nextBlock && this.free(e.delegator, e.validator),
    );
    if (index === -1) return;
    const entry = this.entries[index]!;
    const amount = this.random.next() < 0.5 ? entry.amount : entry.amount / 2n;
    await this.tx.cancelUnbonding(entry.delegator, entry.validator, amount, entry.creationBlock);
    this.adjust(entry.delegator, entry.validator, amount);
    if (amount === entry.amount) this.entries.splice(index, 1);
    else entry.amount -= amount;
    this.counts.cancellations++;
  }

  /** Rewards accrued since the last withdrawal at YIELD_BPS a year; the validator keeps its commission share. */
  private async withdrawRewards(delegator: Address, validator: Address, held: bigint, now: number) {
    const key = this.key(delegator, validator);
    const hours = BigInt(Math.max(1, Math.floor((now - (this.lastReward.get(key) ?? now)) / 3600)));
    const gross = (held * YIELD_BPS * hours) / (10_000n * HOURS_PER_YEAR);
    if (gross === 0n) return;
    const rate = this.commission.get(validator) ?? 0n;
    const commission = (gross * rate) / RATE_SCALE;
    // One sender for both, so the allocation is mined before the withdrawal that takes from it.
    await this.tx.accrueRewards(delegator, validator, gross - commission, commission);
    await this.tx.withdrawDelegatorRewards(delegator, validator, gross - commission);
    this.pendingCommission.set(validator, (this.pendingCommission.get(validator) ?? 0n) + commission);
    this.lastReward.set(key, now);
    this.touched.add(key);
    this.counts.rewardWithdrawals++;
  }

  /** Takes everything allocated so far, including this block's allocations sent before it (a block runs in send order). */
  private async withdrawCommission(validator: Address) {
    const accrued = (this.accruedCommission.get(validator) ?? 0n) + (this.pendingCommission.get(validator) ?? 0n);
    if (accrued === 0n) return;
    await this.tx.withdrawCommission(validator, valoperAddress(validator));
    this.accruedCommission.set(validator, 0n);
    this.pendingCommission.delete(validator);
    this.counts.commissionWithdrawals++;
  }
}
