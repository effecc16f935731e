import type { Context } from "ponder:registry";
import { account, supplyBlock, tokenDaily, tokenHourly, tokenSupply } from "ponder:schema";
import { dayOf, hourOf, SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../../lib/time";

type Db = Context["db"];
type At = { block: { number: bigint; timestamp: bigint } };

export const SUPPLY_ID = "OPG";

export async function getOrCreateSupply(db: Db) {
  return (
    (await db.find(tokenSupply, { id: SUPPLY_ID })) ??
    (await db.insert(tokenSupply).values({
      id: SUPPLY_ID,
      minted: 0n,
      burned: 0n,
      totalSupply: 0n,
      holders: 0,
      transferCount: 0,
      lastBlock: 0n,
      lastTimestamp: 0n,
    }))
  );
}

/**
 * Applies a signed balance change; returns the balance before and after, and the transfer count after.
 * One upsert instead of a find and a write: the conflict callback sees the existing row, which is
 * where `before` comes from.
 */
export async function changeBalance(db: Db, address: `0x${string}`, delta: bigint, event: At) {
  let before = 0n;
  const row = await db
    .insert(account)
    .values({
      address,
      balance: delta,
      transferCount: 1,
      firstBlock: event.block.number,
      firstTimestamp: event.block.timestamp,
      lastBlock: event.block.number,
      lastTimestamp: event.block.timestamp,
    })
    .onConflictDoUpdate((existing) => {
      before = existing.balance;
      return {
        balance: existing.balance + delta,
        transferCount: existing.transferCount + 1,
        lastBlock: event.block.number,
        lastTimestamp: event.block.timestamp,
      };
    });
  return { before, after: row.balance, transferCount: row.transferCount };
}

type SupplyState = typeof tokenSupply.$inferSelect;

/** The supply as it stands after this block so far; the block's last transfer leaves the closing row. */
export async function recordSupplyBlock(db: Db, supply: SupplyState, event: At) {
  const values = {
    timestamp: event.block.timestamp,
    minted: supply.minted,
    burned: supply.burned,
    totalSupply: supply.totalSupply,
    holders: supply.holders,
    transferCount: supply.transferCount,
  };
  await db
    .insert(supplyBlock)
    .values({ id: event.block.number, ...values })
    .onConflictDoUpdate(values);
}

/** Folds one transfer into its hour's and its day's buckets, closing values taken from the supply after the transfer. */
export async function recordTokenPeriods(db: Db, supply: SupplyState, flow: { amount: bigint; minted: bigint; burned: bigint }, event: At) {
  const hour = hourOf(event.block.timestamp);
  const day = dayOf(event.block.timestamp);
  await recordBucket(db, tokenHourly, hour, hour * SECONDS_PER_HOUR, supply, flow, event);
  await recordBucket(db, tokenDaily, day, day * SECONDS_PER_DAY, supply, flow, event);
}

async function recordBucket(
  db: Db,
  table: typeof tokenHourly | typeof tokenDaily,
  id: number,
  start: number,
  supply: SupplyState,
  flow: { amount: bigint; minted: bigint; burned: bigint },
  event: At,
) {
  await db
    .insert(table)
    .values({
      id,
      timestamp: BigInt(start),
      totalSupply: supply.totalSupply,
      holders: supply.holders,
      transferCount: 1,
      transferVolume: flow.amount,
      minted: flow.minted,
      burned: flow.burned,
      lastBlock: event.block.number,
    })
    .onConflictDoUpdate((row) => ({
      totalSupply: supply.totalSupply,
      holders: supply.holders,
      transferCount: row.transferCount + 1,
      transferVolume: row.transferVolume + flow.amount,
      minted: row.minted + flow.minted,
      burned: row.burned + flow.burned,
      lastBlock: event.block.number,
    }));
}
