import type { Context } from "ponder:registry";
import { teeEvent, teeNode, verificationHourly, verificationLagDaily, verificationLagHourly } from "ponder:schema";
import { hourOf, SECONDS_PER_HOUR } from "../../lib/time";
import { dayOfHour } from "../../lib/verification";

type Db = Context["db"];
type At = {
  id: string;
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: `0x${string}` };
  log: { logIndex: number; address: `0x${string}` };
};

/**
 * The TEE's row, created on first sight. `registered` says what first sight proves: any registry
 * event means the registry knows the TEE (even if its TEERegistered predates the start block);
 * a settlement alone does not.
 */
export async function getOrCreateTee(db: Db, teeId: `0x${string}`, registered: boolean, event: At) {
  return (
    (await db.find(teeNode, { id: teeId })) ??
    (await db.insert(teeNode).values({
      id: teeId,
      registered,
      enabled: registered,
      heartbeatCount: 0,
      individualSettlements: 0,
      firstSeenBlock: event.block.number,
      firstSeenTimestamp: event.block.timestamp,
    }))
  );
}

export async function recordTeeEvent(db: Db, teeId: `0x${string}`, kind: "registered" | "enabled" | "disabled", event: At) {
  await db.insert(teeEvent).values({
    id: event.id,
    teeId,
    registry: event.log.address.toLowerCase() as `0x${string}`,
    kind,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  });
}

type HourFlow = { verified: number; unregistered: number; batches: number; batchedInferences: bigint; lag: bigint | null };

export async function recordVerificationHour(db: Db, flow: HourFlow, event: At) {
  const id = hourOf(event.block.timestamp);
  await db
    .insert(verificationHourly)
    .values({
      id,
      timestamp: BigInt(id * SECONDS_PER_HOUR),
      verified: flow.verified,
      unregisteredVerified: flow.unregistered,
      batches: flow.batches,
      batchedInferences: flow.batchedInferences,
      lagSum: flow.lag ?? 0n,
      lagMax: flow.lag,
      lastBlock: event.block.number,
    })
    .onConflictDoUpdate((row) => ({
      verified: row.verified + flow.verified,
      unregisteredVerified: row.unregisteredVerified + flow.unregistered,
      batches: row.batches + flow.batches,
      batchedInferences: row.batchedInferences + flow.batchedInferences,
      lagSum: row.lagSum + (flow.lag ?? 0n),
      lagMax: flow.lag === null || (row.lagMax !== null && row.lagMax >= flow.lag) ? row.lagMax : flow.lag,
      lastBlock: event.block.number,
    }));

  if (flow.lag !== null) {
    await db
      .insert(verificationLagHourly)
      .values({ hour: id, lagSeconds: flow.lag, count: 1 })
      .onConflictDoUpdate((row) => ({ count: row.count + 1 }));
    await db
      .insert(verificationLagDaily)
      .values({ day: dayOfHour(id), lagSeconds: flow.lag, count: 1 })
      .onConflictDoUpdate((row) => ({ count: row.count + 1 }));
  }
}
