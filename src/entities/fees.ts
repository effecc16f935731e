import type { Context } from "ponder:registry";
import {
  feeHourly,
  feePayee,
  feePayer,
  feePayerHour,
  feePayerPeriod,
  feePayment,
  feePeriod,
  tokenSupply,
  unclaimedFeeTransfer,
} from "ponder:schema";
import { claimTransfer, EMPTY_BUCKET, foldPayment, type MatchedTransfer, PAYER_PERIODS } from "../../lib/fees";
import { hourOf, periodStart, SECONDS_PER_HOUR } from "../../lib/time";
import { SUPPLY_ID, unclaimedStack } from "./token";

type Db = Context["db"];
type At = { block: { number: bigint; timestamp: bigint } };
type Hex = `0x${string}`;

export type Payment = typeof feePayment.$inferInsert;

/**
 * Called by the token handler for every OPG transfer, once the supply row's upsert has pushed it onto
 * the pairing stack (`addToSupply`): a settlement later in the same transaction may claim it.
 */
export async function offerTransferToSettlements(db: Db, slot: number, transfer: MatchedTransfer) {
  await db
    .insert(unclaimedFeeTransfer)
    .values({ slot, ...transfer })
    .onConflictDoUpdate(transfer);
}

/** The transfer a settlement paid with: the nearest preceding unclaimed OPG transfer of its transaction. */
export async function claimTransferForSettlement(db: Db, transactionHash: Hex) {
  const supply = await db.find(tokenSupply, { id: SUPPLY_ID });
  const { slot, stack, opgInTransaction } = claimTransfer(supply && unclaimedStack(supply), transactionHash);
  if (slot === null || !stack) return { claimed: null, opgInTransaction };
  const row = await db.find(unclaimedFeeTransfer, { slot });
  await db.update(tokenSupply, { id: SUPPLY_ID }).set({ unclaimedFeeDepth: stack.depth });
  const claimed: MatchedTransfer | null = row ? { from: row.from, to: row.to, amount: row.amount, logIndex: row.logIndex } : null;
  return { claimed, opgInTransaction };
}

/** A settlement in another token: one upsert of its hour's counter, nothing else, as most mainnet settlements are. */
export async function countOtherTokenSettlement(db: Db, event: At) {
  const hour = hourOf(event.block.timestamp);
  await db
    .insert(feeHourly)
    .values({
      id: hour,
      timestamp: BigInt(hour * SECONDS_PER_HOUR),
      ...EMPTY_BUCKET,
      anomalies: 0,
      otherTokenSettlements: 1,
      lastBlock: event.block.number,
    })
    .onConflictDoUpdate((row) => ({ otherTokenSettlements: row.otherTokenSettlements + 1, lastBlock: event.block.number }));
}

/** Stores one payment and folds it into the hourly bucket, the payer presence tables and the party totals. */
export async function recordPayment(db: Db, payment: Payment, event: At) {
  await db.insert(feePayment).values(payment);
  const hour = hourOf(event.block.timestamp);

  if (payment.anomaly || !payment.payer || !payment.payee) {
    await upsertHour(db, hour, event, { anomalies: 1 });
    return;
  }

  const newPayerInHour = await markPayerHour(db, hour, payment.payer, payment.amount);
  // A payer already seen this hour was already seen this day, week and month.
  if (newPayerInHour) await markPayerPeriods(db, payment.payer, Number(event.block.timestamp));
  await upsertHour(db, hour, event, { amount: payment.amount, newPayer: newPayerInHour });
  await addToTotals(db, feePayer, payment.payer, payment.amount, event);
  await addToTotals(db, feePayee, payment.payee, payment.amount, event);
}

/** Returns true when this is the payer's first payment in the hour. */
async function markPayerHour(db: Db, hour: number, payer: Hex, amount: bigint): Promise<boolean> {
  const id = `${hour}:${payer}`;
  const existing = await db.find(feePayerHour, { id });
  if (existing) {
    await db.update(feePayerHour, { id }).set({ count: existing.count + 1, volume: existing.volume + amount });
    return false;
  }
  await db.insert(feePayerHour).values({ id, hour, payer, count: 1, volume: amount });
  return true;
}

async function markPayerPeriods(db: Db, payer: Hex, timestamp: number) {
  for (const interval of PAYER_PERIODS) {
    const start = periodStart(timestamp, interval);
    const presence = `${interval}:${start}:${payer}`;
    if (await db.find(feePayerPeriod, { id: presence })) continue;
    await db.insert(feePayerPeriod).values({ id: presence, interval, start: BigInt(start), payer });
    await db
      .insert(feePeriod)
      .values({ id: `${interval}:${start}`, interval, start: BigInt(start), uniquePayers: 1 })
      .onConflictDoUpdate((row) => ({ uniquePayers: row.uniquePayers + 1 }));
  }
}

async function upsertHour(db: Db, hour: number, event: At, flow: { amount: bigint; newPayer: boolean } | { anomalies: 1 }) {
  const payment = "amount" in flow ? flow : null;
  await db
    .insert(feeHourly)
    .values({
      id: hour,
      timestamp: BigInt(hour * SECONDS_PER_HOUR),
      ...(payment ? foldPayment(EMPTY_BUCKET, payment.amount, payment.newPayer) : EMPTY_BUCKET),
      anomalies: payment ? 0 : 1,
      otherTokenSettlements: 0,
      lastBlock: event.block.number,
    })
    .onConflictDoUpdate((row) =>
      payment
        ? { ...foldPayment(row, payment.amount, payment.newPayer), lastBlock: event.block.number }
        : { anomalies: row.anomalies + 1, lastBlock: event.block.number },
    );
}

async function addToTotals(db: Db, table: typeof feePayer | typeof feePayee, address: Hex, amount: bigint, event: At) {
  await db
    .insert(table)
    .values({
      address,
      count: 1,
      volume: amount,
      firstBlock: event.block.number,
      firstTimestamp: event.block.timestamp,
      lastBlock: event.block.number,
      lastTimestamp: event.block.timestamp,
    })
    .onConflictDoUpdate((row) => ({
      count: row.count + 1,
      volume: row.volume + amount,
      lastBlock: event.block.number,
      lastTimestamp: event.block.timestamp,
    }));
}
