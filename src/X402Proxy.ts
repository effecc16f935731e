import { type Context, ponder } from "ponder:registry";
import { matchSettlements } from "../lib/fees";
import { appConfig } from "../lib/env";
import { recordPayment } from "./entities/fees";

const proxies = new Map((appConfig.x402?.proxies ?? []).map((proxy) => [proxy.address.toLowerCase(), proxy.scheme]));
const proxySet = new Set(proxies.keys());
const token = appConfig.token.address.toLowerCase();

type SettledEvent = {
  id: string;
  log: { address: `0x${string}`; logIndex: number };
  block: { number: bigint; timestamp: bigint; hash: `0x${string}` };
  transaction: { hash: `0x${string}` };
};

/**
 * A transaction's settlements are processed one after another, so the pairing of its receipt is
 * kept for the next settlement of the same transaction (keyed with the block hash, as a reorg can
 * put the transaction in another block) instead of being recomputed once per settlement.
 */
let lastMatch: { key: string; matches: ReturnType<typeof matchSettlements> } | null = null;

/**
 * Ponder's `event.transactionReceipt` carries no logs, so the receipt is read through the cached
 * client (Ponder stores and prefetches it); the OPG transfer the settlement paid with is found there.
 */
async function matchesOf(event: SettledEvent, context: Context) {
  const key = `${event.block.hash}:${event.transaction.hash}`;
  if (lastMatch?.key !== key) {
    const receipt = await context.client.getTransactionReceipt({ hash: event.transaction.hash });
    lastMatch = { key, matches: matchSettlements(receipt.logs, { token, proxies: proxySet }) };
  }
  return lastMatch.matches;
}

async function settle(event: SettledEvent, context: Context, withPermit: boolean) {
  const transfer = (await matchesOf(event, context)).get(event.log.logIndex) ?? null;
  const proxy = event.log.address.toLowerCase() as `0x${string}`;

  await recordPayment(
    context.db,
    {
      id: event.id,
      payer: transfer?.from ?? null,
      payee: transfer?.to ?? null,
      amount: transfer?.amount ?? 0n,
      proxy,
      scheme: proxies.get(proxy) ?? "unknown",
      withPermit,
      anomaly: transfer === null,
      transferLogIndex: transfer?.logIndex ?? null,
      blockNumber: event.block.number,
      timestamp: event.block.timestamp,
      transactionHash: event.transaction.hash,
      logIndex: event.log.logIndex,
    },
    event,
  );
}

ponder.on("X402Proxy:Settled", async ({ event, context }) => settle(event, context, false));
ponder.on("X402Proxy:SettledWithPermit", async ({ event, context }) => settle(event, context, true));
