import { type Address, encodeFunctionData, type Hex, maxUint256 } from "viem";
import { actor } from "./accounts";
import type { Devnet } from "./devnet";

export const x402DoubleAbi = [
  {
    type: "function",
    name: "settle",
    stateMutability: "nonpayable",
    inputs: [
      { name: "token", type: "address" },
      { name: "payer", type: "address" },
      { name: "payee", type: "address" },
      { name: "amount", type: "uint256" },
    ],
    outputs: [],
  },
  {
    type: "function",
    name: "settleWithPermit",
    stateMutability: "nonpayable",
    inputs: [
      { name: "token", type: "address" },
      { name: "payer", type: "address" },
      { name: "payee", type: "address" },
      { name: "amount", type: "uint256" },
    ],
    outputs: [],
  },
  {
    type: "function",
    name: "settleBatch",
    stateMutability: "nonpayable",
    inputs: [
      { name: "token", type: "address" },
      { name: "payers", type: "address[]" },
      { name: "payees", type: "address[]" },
      { name: "amounts", type: "uint256[]" },
      { name: "withPermit", type: "bool" },
    ],
    outputs: [],
  },
  { type: "function", name: "settleNothing", stateMutability: "nonpayable", inputs: [], outputs: [] },
  {
    type: "function",
    name: "settleBeside",
    stateMutability: "nonpayable",
    inputs: [
      { name: "token", type: "address" },
      { name: "payer", type: "address" },
      { name: "payee", type: "address" },
      { name: "amount", type: "uint256" },
      { name: "foreign", type: "address" },
      { name: "foreignFrom", type: "address" },
      { name: "foreignTo", type: "address" },
      { name: "foreignAmount", type: "uint256" },
    ],
    outputs: [],
  },
] as const;

export const erc20Abi = [
  {
    type: "function",
    name: "transfer",
    stateMutability: "nonpayable",
    inputs: [{ name: "to", type: "address" }, { name: "value", type: "uint256" }],
    outputs: [{ type: "bool" }],
  },
  {
    type: "function",
    name: "approve",
    stateMutability: "nonpayable",
    inputs: [{ name: "spender", type: "address" }, { name: "value", type: "uint256" }],
    outputs: [{ type: "bool" }],
  },
] as const;

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
