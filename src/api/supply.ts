import { db } from "ponder:api";
import { supplyBlock } from "ponder:schema";
import { desc, lte } from "ponder";
import { appConfig } from "../../lib/env";
import { circulatingSupply } from "../../lib/supply";
import { type BlockRef, resolveAsOf } from "./asof";
import { type ApiContext, perPosition, settledGeneration } from "./http";
import { bound, preparedOnce } from "./queries/statements";
import { type SupplyTotals, supplyAround } from "./queries/supply";
import { balanceAt, balancesAtBlocks } from "./queries/token";

/** Reads of the supply after a given block; circulating supply applies today's non-circulating list. */

const EMPTY: SupplyTotals = { minted: 0n, burned: 0n, totalSupply: 0n, holders: 0, transferCount: 0 };

const supplyBlockAt = preparedOnce((db) =>
  db
    .select()
    .from(supplyBlock)
    .where(lte(supplyBlock.id, bound.upTo))
    .orderBy(desc(supplyBlock.id))
    .limit(1)
    .prepare("opg_supply_block_at"),
);

/** The supply after `block`: the `supply_block` row (closed blocks and the latest) with the greatest id <= it. */
export async function supplyAt(block: number) {
  const [[row], balances] = await Promise.all([
    supplyBlockAt(db).execute({ upTo: String(block) }),
    Promise.all(appConfig.nonCirculating.map(async ({ address }) => (await balanceAt(db, address, block))?.balance ?? 0n)),
  ]);
  return withListedBalances(row ?? EMPTY, balances);
}

export type Supply = ReturnType<typeof withListedBalances>;

/** Totals with the non-circulating accounts' balances (in `appConfig.nonCirculating`'s order) and what they leave circulating. */
function withListedBalances(totals: SupplyTotals, balances: readonly bigint[]) {
  const accounts = appConfig.nonCirculating.map(({ label, address }, i) => ({ label, address, balance: balances[i]! }));
  const nonCirculating = balances.reduce((sum, balance) => sum + balance, 0n);
  return {
    minted: totals.minted,
    burned: totals.burned,
    totalSupply: totals.totalSupply,
    holders: totals.holders,
    transferCount: totals.transferCount,
    nonCirculating,
    circulatingSupply: circulatingSupply(totals.totalSupply, nonCirculating),
    accounts,
  };
}

const listedAddresses = appConfig.nonCirculating.map(({ address }) => address);

/**
 * The block an answer names and the supply after it. With at= before the head, one statement reads
 * the transfer blocks around the time, the totals after the one before and the listed balances then
 * (`supplyAround`); the search for the block then reads no table again, and the read answers whenever
 * the block lies before the next transfer block, as it does unless rows past the head bound it.
 */
export async function supplyAsOf(c: ApiContext, query: { at?: number; atBlock?: number }): Promise<{ asOf: BlockRef; supply: Supply }> {
  const head = c.var.asOf.base;
  if (query.at === undefined || query.atBlock !== undefined || !head || query.at >= head.timestamp) {
    const asOf = await resolveAsOf(c, "base", query);
    return { asOf, supply: await supplyAfter(c, asOf) };
  }
  const read = await supplyAround(db, query.at, listedAddresses);
  const asOf = await resolveAsOf(c, "base", query, read);
  const covered = (!read.before || read.before.block <= asOf.block) && (!read.after || asOf.block < read.after.block);
  return { asOf, supply: covered ? withListedBalances(read.totals ?? EMPTY, read.balances) : await supplyAt(asOf.block) };
}

/** The head's supply is read once per indexed position and shared by every request that sees it. */
export const supplyAtHead = perPosition((position) => supplyAt(position.base!.block));

/** The supply after `asOf`, Base's block for this answer: the shared read when it is the indexed head. */
export const supplyAfter = (c: ApiContext, asOf: BlockRef) => (asOf === c.var.asOf.base ? supplyAtHead(c.var.asOf) : supplyAt(asOf.block));

/** Non-circulating totals after final blocks (see `settledBlock`), by block: they cannot change. */
const finalTotals = new Map<number, bigint>();
let finalTotalsGeneration = settledGeneration();
const MAX_FINAL_TOTALS = 50_000;

/**
 * The non-circulating total after each of `blocks` (null: before the first transfer, nothing held):
 * for each listed account, two index probes per distinct block, however many transfers it made.
 * Totals after blocks at or below `settledUpTo` are remembered: a series' closing blocks are the same
 * for every answer that covers the period.
 */
export async function nonCirculatingAtBlocks(blocks: readonly (number | null)[], settledUpTo: number | null): Promise<bigint[]> {
  if (finalTotalsGeneration !== settledGeneration() || finalTotals.size >= MAX_FINAL_TOTALS) {
    finalTotals.clear();
    finalTotalsGeneration = settledGeneration();
  }
  const addresses = appConfig.nonCirculating.map((entry) => entry.address);
  if (addresses.length === 0) return blocks.map(() => 0n);
  // A series over settled periods knows every block's total already: answered without a read or a copy.
  if (blocks.every((block) => block === null || finalTotals.has(block))) {
    return blocks.map((block) => (block === null ? 0n : finalTotals.get(block)!));
  }
  // Taken before the read: another answer may clear the kept totals while this one waits.
  const totals = new Map<number, bigint>();
  const unknown: number[] = [];
  for (const block of new Set(blocks)) {
    if (block === null) continue;
    const kept = finalTotals.get(block);
    if (kept === undefined) unknown.push(block);
    else totals.set(block, kept);
  }
  const perAccount = unknown.length === 0 ? [] : await Promise.all(addresses.map((address) => balancesAtBlocks(db, address, unknown)));
  for (const block of unknown) {
    const total = perAccount.reduce((sum, balances) => sum + (balances.get(block) ?? 0n), 0n);
    totals.set(block, total);
    if (settledUpTo !== null && block <= settledUpTo) finalTotals.set(block, total);
  }
  return blocks.map((block) => (block === null ? 0n : totals.get(block)!));
}
