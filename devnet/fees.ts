import { type Address, encodeFunctionData, erc20Abi, type Hex, maxUint256, parseAbi } from "viem";
import { actor } from "./accounts";
import type { Devnet } from "./devnet";

export const x402DoubleAbi = parseAbi([
  "function settle(address token, address payer, address payee, uint256 amount)",
  "function settleWithPermit(address token, address payer, address payee, uint256 amount)",
  "function settleBatch(address token, address[] payers, address[] payees, uint256[] amounts, bool withPermit)",
  "function settleNothing()",
  "function settleBeside(address token, address payer, address payee, uint256 amount, address foreign, address foreignFrom, address foreignTo, uint256 foreignAmount)",
]);

/** The standard ERC-20 ABI, for the OPG token and the foreign token alike. */
export { erc20Abi };

/** The facilitator sends every settlement, as OpenGradient's x402 facilitator does on Base. */
export const FACILITATOR = actor("facilitator");
export const feePayer = (index: number) => actor("fee-payer", index);
export const feePayee = (index: number) => actor("fee-payee", index);

export type Scheme = "exact" | "upto";
export type SentPayment = { payer: Address; payee: Address; amount: bigint; scheme: Scheme; withPermit: boolean; hash: Hex };

/** Queues x402 settlements on the Base devnet through the proxy doubles. */
export class FeePayments {
  constructor(private readonly devnet: Devnet) {}

  /** Lets `payer` be pulled by both proxies; the next mined block must hold it before any payment. */
  async approveProxies(payer: Address, token: Address = this.devnet.token) {
    for (const proxy of Object.values(this.devnet.x402)) {
      await this.devnet.base.write(payer, token, erc20Abi, "approve", [proxy, maxUint256]);
    }
  }

  async pay(payment: Omit<SentPayment, "hash">): Promise<SentPayment> {
    const hash = await this.devnet.base.write(
      FACILITATOR,
      this.devnet.x402[payment.scheme],
      x402DoubleAbi,
      payment.withPermit ? "settleWithPermit" : "settle",
      [this.devnet.token, payment.payer, payment.payee, payment.amount],
    );
    return { ...payment, hash };
  }

  /** Several settlements in one transaction through one proxy. */
  async payBatch(scheme: Scheme, withPermit: boolean, payments: { payer: Address; payee: Address; amount: bigint }[]) {
    const data = encodeFunctionData({
      abi: x402DoubleAbi,
      functionName: "settleBatch",
      args: [this.devnet.token, payments.map((p) => p.payer), payments.map((p) => p.payee), payments.map((p) => p.amount), withPermit],
    });
    // A settlement costs about 35k gas (two balance writes, one event): leave room beyond the default limit.
    const gas = 200_000n + 60_000n * BigInt(payments.length);
    return this.devnet.base.send({ from: FACILITATOR, to: this.devnet.x402[scheme], data, gas });
  }
}
