import { db } from "ponder:api";
import { supplyBlock, transfer } from "ponder:schema";
import { and, asc, desc, inArray, lte, or } from "ponder";
import { appConfig } from "../../lib/env";
import { circulatingSupply } from "../../lib/supply";
import { balanceAt } from "./queries/token";

/** Reads of the supply after a given block; circulating supply applies today's non-circulating list. */

const EMPTY = { minted: 0n, burned: 0n, totalSupply: 0n, holders: 0, transferCount: 0 };

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
        balance: (await balanceAt(db, address, block))?.balance ?? 0n,
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
    .select({
      from: transfer.from,
      to: transfer.to,
      timestamp: transfer.timestamp,
      fromBalance: transfer.fromBalance,
      toBalance: transfer.toBalance,
    })
    .from(transfer)
    .where(and(or(inArray(transfer.from, addresses), inArray(transfer.to, addresses)), lte(transfer.blockNumber, BigInt(headBlock))))
    .orderBy(asc(transfer.blockNumber), asc(transfer.logIndex));
  const listed = new Set(addresses.map((address) => address.toLowerCase()));
  const balances = new Map<string, bigint>();
  let next = 0;
  return closes.map((close) => {
    while (next < rows.length && Number(rows[next]!.timestamp) <= close) {
      const row = rows[next++]!;
      // The sending side first: in a transfer to itself the receiving side is applied last.
      if (listed.has(row.from.toLowerCase()) && row.fromBalance !== null) balances.set(row.from.toLowerCase(), row.fromBalance);
      if (listed.has(row.to.toLowerCase()) && row.toBalance !== null) balances.set(row.to.toLowerCase(), row.toBalance);
    }
    return [...balances.values()].reduce((sum, balance) => sum + balance, 0n);
  });
}
