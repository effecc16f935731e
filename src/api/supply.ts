import { db } from "ponder:api";
import { balanceBlock, supplyBlock } from "ponder:schema";
import { and, desc, eq, inArray, lte } from "ponder";
import { appConfig } from "../../lib/env";
import { circulatingSupply } from "../../lib/supply";

/** Reads of the supply after a given block; circulating supply applies today's non-circulating list. */

const EMPTY = { minted: 0n, burned: 0n, totalSupply: 0n, holders: 0, transferCount: 0 };

export async function balanceAt(address: `0x${string}`, block: number) {
  const [row] = await db
    .select()
    .from(balanceBlock)
    .where(and(eq(balanceBlock.address, address), lte(balanceBlock.blockNumber, BigInt(block))))
    .orderBy(desc(balanceBlock.blockNumber))
    .limit(1);
  return row ?? null;
}

export async function supplyAt(block: number) {
  const [[row], accounts] = await Promise.all([
    db
      .select()
      .from(supplyBlock)
      .where(lte(supplyBlock.id, BigInt(block)))
      .orderBy(desc(supplyBlock.id))
      .limit(1),
    Promise.all(
      appConfig.nonCirculating.map(async ({ label, address }) => ({
        label,
        address,
        balance: (await balanceAt(address, block))?.balance ?? 0n,
      })),
    ),
  ]);
  const supply = row ?? EMPTY;
  const nonCirculating = accounts.reduce((sum, account) => sum + account.balance, 0n);
  return {
    ...supply,
    nonCirculating,
    circulatingSupply: circulatingSupply(supply.totalSupply, nonCirculating),
    accounts,
  };
}

/**
 * The non-circulating total at the close of each period, for a series: each listed account's balance
 * changes in the range are read once (a handful of rows for a treasury) and carried forward.
 */
export async function nonCirculatingAtCloses(closes: number[], headBlock: number): Promise<bigint[]> {
  const addresses = appConfig.nonCirculating.map((entry) => entry.address);
  if (addresses.length === 0 || closes.length === 0) return closes.map(() => 0n);
  const rows = await db
    .select({ address: balanceBlock.address, timestamp: balanceBlock.timestamp, balance: balanceBlock.balance })
    .from(balanceBlock)
    .where(and(inArray(balanceBlock.address, addresses), lte(balanceBlock.blockNumber, BigInt(headBlock))))
    .orderBy(balanceBlock.blockNumber);
  const balances = new Map<string, bigint>();
  let next = 0;
  return closes.map((close) => {
    while (next < rows.length && Number(rows[next]!.timestamp) <= close) {
      balances.set(rows[next]!.address.toLowerCase(), rows[next]!.balance);
      next++;
    }
    return [...balances.values()].reduce((sum, balance) => sum + balance, 0n);
  });
}
