import type { Address } from "viem";
import { actor, TREASURY } from "../accounts";
import type { Devnet } from "../devnet";
import { erc20Abi, FeePayments, feePayee, feePayer, type Scheme } from "../fees";
import type { Random } from "../random";
import type { Traffic } from "./index";

const OPG = 10n ** 18n;
/** Funds the fee payers, so the token traffic's own books for the treasury are touched only once. */
const FEE_FAUCET = actor("fee-faucet");
const PAYER_FUNDS = 20_000n * OPG;
const WEEK_HOURS = 7 * 24;

/**
 * x402 inference fees: many payers, a few payees (inference gateways), heavy-tailed usage (a few
 * payers account for most payments), a daily rhythm, quieter weekends and slow growth week on week.
 * Tracks payer balances so no settlement ever reverts.
 */
export class FeeTraffic implements Traffic {
  readonly name = "fees";
  private readonly payments: FeePayments;
  private readonly balances = new Map<Address, bigint>();
  private settled = 0;
  private volume = 0n;

  constructor(
    private readonly devnet: Devnet,
    private readonly random: Random,
    private readonly payers: number,
    private readonly payees: number,
  ) {
    this.payments = new FeePayments(devnet);
  }

  async setup() {
    const { base, token } = this.devnet;
    await base.write(TREASURY, token, erc20Abi, "transfer", [FEE_FAUCET, PAYER_FUNDS * BigInt(this.payers)]);
    await base.mine();
    for (let i = 0; i < this.payers; i++) {
      await base.write(FEE_FAUCET, token, erc20Abi, "transfer", [feePayer(i), PAYER_FUNDS]);
      await this.payments.approveProxies(feePayer(i));
      this.balances.set(feePayer(i), PAYER_FUNDS);
    }
  }

  async hour(index: number, activity: number) {
    const weekday = new Date(this.devnet.base.time * 1000).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.6 : 1;
    const growth = 1 + Math.max(0, index) / WEEK_HOURS / 10;
    const count = Math.round(6 * activity * weekend * growth * (0.7 + 0.6 * this.random.next()));
    for (let n = 0; n < count; n++) await this.payOne();
  }

  summary() {
    return { payments: this.settled, volumeOPG: Number(this.volume / OPG) };
  }

  private async payOne() {
    // r^3 skews towards low indices: a handful of heavy users and a long tail of occasional ones.
    const payer = feePayer(Math.floor(this.payers * this.random.next() ** 3));
    const scheme: Scheme = this.random.next() < 0.7 ? "upto" : "exact";
    // upto sessions settle many inferences at once, so they are larger than exact single payments.
    const amount = BigInt(this.random.int(1, scheme === "upto" ? 5_000 : 500)) * 10n ** 15n;
    const balance = this.balances.get(payer) ?? 0n;
    if (balance < amount) return;
    this.balances.set(payer, balance - amount);
    await this.payments.pay({
      payer,
      payee: feePayee(this.random.int(0, this.payees - 1)),
      amount,
      scheme,
      withPermit: this.random.next() < 0.15,
    });
    this.settled++;
    this.volume += amount;
  }
}
