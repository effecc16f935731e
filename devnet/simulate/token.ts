import { type Address, erc20Abi, parseAbi, parseEther } from "viem";
import { actor, TREASURY } from "../accounts";
import type { Devnet } from "../devnet";
import type { Random } from "../random";
import type { Traffic } from "./index";

/** OpenZeppelin's ERC-20 plus ERC20Burnable's `burn`, as the test token exposes them. */
const tokenAbi = [...erc20Abi, ...parseAbi(["function burn(uint256 value)"])];

export const holder = (index: number) => actor("holder", index);

/**
 * Token traffic: the treasury seeds holders, holders pay each other, some burn, some empty their
 * wallets (holder churn). Keeps its own view of balances so it never sends a transfer that reverts.
 */
export class TokenTraffic implements Traffic {
  readonly name = "token";
  private transfers = 0;

  readonly balances = new Map<Address, bigint>();
  readonly touched = new Set<Address>([TREASURY]);

  constructor(
    private readonly devnet: Devnet,
    private readonly random: Random,
    private readonly holders: number,
  ) {}

  private balance(address: Address) {
    return this.balances.get(address) ?? 0n;
  }

  async transfer(from: Address, to: Address, amount: bigint) {
    await this.devnet.base.write(from, this.devnet.token, tokenAbi, "transfer", [to, amount]);
    this.balances.set(from, this.balance(from) - amount);
    this.balances.set(to, this.balance(to) + amount);
    this.touched.add(from).add(to);
    this.transfers++;
  }

  async burn(from: Address, amount: bigint) {
    await this.devnet.base.write(from, this.devnet.token, tokenAbi, "burn", [amount]);
    this.balances.set(from, this.balance(from) - amount);
    this.touched.add(from);
    this.transfers++;
  }

  async setup() {
    await this.seed(1_000_000_000n * 10n ** 18n);
  }

  async hour(_index: number, activity: number) {
    await this.step(Math.round(4 * activity));
  }

  summary() {
    return { transfers: this.transfers, accounts: this.touched.size };
  }

  async seed(treasuryBalance: bigint) {
    this.balances.set(TREASURY, treasuryBalance);
    for (let i = 0; i < this.holders; i++) {
      await this.transfer(TREASURY, holder(i), parseEther(String(this.random.int(1_000, 2_000_000))));
    }
  }

  /** One block's worth of random activity: mostly payments, some burns, now and then a wallet emptied. */
  async step(transfers: number) {
    for (let n = 0; n < transfers; n++) {
      const from = holder(this.random.int(0, this.holders - 1));
      const available = this.balance(from);
      if (available === 0n) continue;
      const roll = this.random.next();
      if (roll < 0.05) {
        await this.burn(from, available / BigInt(this.random.int(2, 50)));
      } else if (roll < 0.1) {
        await this.transfer(from, holder(this.random.int(0, this.holders - 1)), available);
      } else {
        const to = roll < 0.15 ? actor("newcomer", this.random.int(0, 10_000)) : holder(this.random.int(0, this.holders - 1));
        await this.transfer(from, to, available / BigInt(this.random.int(2, 200)));
      }
    }
  }
}
