import type { Context } from "ponder:registry";
import { account, supplyBlock, tokenDaily, tokenHourly, tokenSupply } from "ponder:schema";
import { dayOf, hourOf, SECONDS_PER_DAY, SECONDS_PER_HOUR } from "../../lib/time";

type Db = Context["db"];
type At = { block: { number: bigint; timestamp: bigint } };

export const SUPPLY_ID = "OPG";

type SupplyState = typeof tokenSupply.$inferSelect;
type SupplyFlow = { minted: bigint; burned: bigint; holdersDelta: number };

/**
 * Folds one transfer into the running totals with one upsert (the first transfer creates the row);
 * returns the totals before and after it.
 */
export async function addToSupply(db: Db, flow: SupplyFlow, event: At): Promise<{ before: SupplyState | null; after: SupplyState }> {
  let before: SupplyState | null = null;
  const after = await db
    .insert(tokenSupply)
    .values({
      id: SUPPLY_ID,
      minted: flow.minted,
      burned: flow.burned,
      totalSupply: flow.minted - flow.burned,
      holders: flow.holdersDelta,
      transferCount: 1,
      lastBlock: event.block.number,
      lastTimestamp: event.block.timestamp,
    })
    .onConflictDoUpdate((existing) => {
      before = { ...existing };
      return {
        minted: existing.minted + flow.minted,
        burned: existing.burned + flow.burned,
        totalSupply: existing.totalSupply + flow.minted - flow.burned,
        holders: existing.holders + flow.holdersDelta,
        transferCount: existing.transferCount + 1,
        lastBlock: event.block.number,
        lastTimestamp: event.block.timestamp,
      };
    });
  return { before, after };
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

/**
 * The first transfer of a new block closes the previous one: the totals before it are that block's
 * closing row, written once per block, not once per transfer. The block being indexed has no row yet;
 * its closing values are the supply row's own (src/api/supply.ts reads both).
 */
export async function closeSupplyBlock(db: Db, before: SupplyState | null, event: At) {
  if (!before || before.lastBlock === event.block.number) return;
  await db.insert(supplyBlock).values({
    id: before.lastBlock,
    timestamp: before.lastTimestamp,
    minted: before.minted,
    burned: before.burned,
    totalSupply: before.totalSupply,
    holders: before.holders,
    transferCount: before.transferCount,
  });
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
