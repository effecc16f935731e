import { type Context, ponder } from "ponder:registry";
import { appConfig } from "../lib/env";
import { claimTransferForSettlement, countOtherTokenSettlement, recordPayment } from "./entities/fees";

const proxies = new Map((appConfig.x402?.proxies ?? []).map((proxy) => [proxy.address.toLowerCase(), proxy.scheme]));

type SettledEvent = {
  id: string;
  log: { address: `0x${string}`; logIndex: number };
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: `0x${string}` };
};

/**
 * The OPG transfer a settlement paid with was offered by the token handler earlier in the same
 * transaction (src/OPGToken.ts). No OPG moved in the transaction: the proxies are shared, so it paid
 * in another token and is only counted. OPG moved but none is left to claim: an anomaly, kept.
 */
async function settle(event: SettledEvent, context: Context, withPermit: boolean) {
  const { claimed: transfer, opgInTransaction } = await claimTransferForSettlement(context.db, event.transaction.hash);
  if (!opgInTransaction) return countOtherTokenSettlement(context.db, event);
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
