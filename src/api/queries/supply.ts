import type { SQL } from "drizzle-orm";
import { sql } from "ponder";
import { supplyBlockClosed, tokenSupply, transfer } from "../../../schema/token";
import type { BlockRef } from "../asof";
import { nearest } from "./blocks";
import { type Bound, bound, type ExecDb, type NamedStatement, namedStatement, preparedPerKey } from "./statements";
import { balanceFromLatest, type LatestTransfer } from "./token";

/** A block's closing totals: a `supply_block` row without its id and time. */
export type SupplyTotals = { minted: bigint; burned: bigint; totalSupply: bigint; holders: number; transferCount: number };

const totalsJson = (table: typeof supplyBlockClosed | typeof tokenSupply) =>
  sql`json_build_object('minted', ${table.minted}::text, 'burned', ${table.burned}::text, 'totalSupply', ${table.totalSupply}::text,
    'holders', ${table.holders}, 'transferCount', ${table.transferCount})::text`;

/** A listed account's latest transfer on one side by the block before `at`: a one-row backward walk of that side's index. */
const latestOnSide = (side: "from" | "to") => sql`(
  select ${transfer.blockNumber}::text as block, ${transfer.timestamp}::text as timestamp,
    json_build_object('listed', listed.address, 'id', ${transfer.id}, 'from', ${transfer.from}, 'to', ${transfer.to},
      'logIndex', ${transfer.logIndex}, 'fromBalance', ${transfer.fromBalance}::text, 'toBalance', ${transfer.toBalance}::text,
      'fromTransferCount', ${transfer.fromTransferCount}, 'toTransferCount', ${transfer.toTransferCount})::text as detail
  from ${transfer}
  where ${transfer[side]} = listed.address and ${transfer.blockNumber} <= (select block from before)
  order by ${transfer.blockNumber} desc, ${transfer.logIndex} desc
  limit 1)`;

/**
 * `/supply?at=` in one statement: the blocks with a transfer nearest `at` on either side (the walks of
 * `transferBlocksAroundQuery`, the one before carrying its totals, the supply row as the latest), and
 * each listed account's latest transfer on each side by the block before. Between two blocks with a
 * transfer nothing changes the supply or a balance, so these answer for any block the search for `at`
 * lands on between them; the search itself only names that block.
 */
export function supplyAroundQuery(at: Bound<number>, addresses: readonly `0x${string}`[]): SQL {
  const closed = supplyBlockClosed;
  return sql`with closed_before as (
    select ${closed.id} as block, ${closed.timestamp} as timestamp, ${totalsJson(closed)} as detail from ${closed}
    where ${closed.timestamp} <= ${at} order by ${closed.timestamp} desc, ${closed.id} desc limit 1
  ), latest as (
    select ${tokenSupply.lastBlock} as block, ${tokenSupply.lastTimestamp} as timestamp, ${totalsJson(tokenSupply)} as detail from ${tokenSupply}
  ), before as (
    select max(block) as block from (select block from closed_before union all select block from latest where timestamp <= ${at}) candidates
  )
  select 'supply' as kind, block::text, timestamp::text, detail from closed_before
  union all select 'supply', block::text, timestamp::text, detail from latest
  union all (select 'block', ${closed.id}::text, ${closed.timestamp}::text, null from ${closed}
    where ${closed.timestamp} > ${at} order by ${closed.timestamp}, ${closed.id} limit 1)
  union all select 'transfer', side.block, side.timestamp, side.detail
  from unnest(${listedArray(addresses)}) as listed(address) cross join lateral (${latestOnSide("from")} union all ${latestOnSide("to")}) side`;
}

/**
 * The listed accounts written into the statement's text. Sent as an array value, PostgreSQL planned
 * the statement again for every request (0.5 ms, against 0.1 ms to run it): the plan it could keep,
 * made without the values, counts ten elements in an unknown array and so looked dearer than one made
 * for the actual list. The list is the configuration's, the same for every request.
 */
function listedArray(addresses: readonly `0x${string}`[]): SQL {
  for (const address of addresses) {
    if (!/^0x[0-9a-f]{40}$/.test(address)) throw new Error(`supplyAroundQuery: not a lowercase address: ${address}`);
  }
  return sql.raw(`array[${addresses.map((address) => `'${address}'`).join(", ")}]::text[]`);
}

type Row = { kind: "supply" | "block" | "transfer"; block: string; timestamp: string; detail: string | null };
const statement = preparedPerKey(
  (db: ExecDb, listed: string): NamedStatement<Row> =>
    namedStatement(db, supplyAroundQuery(bound.at, listed === "" ? [] : (listed.split(",") as `0x${string}`[]))),
);

type TransferJson = {
  listed: string;
  id: string;
  from: `0x${string}`;
  to: `0x${string}`;
  logIndex: number;
  fromBalance: string | null;
  toBalance: string | null;
  fromTransferCount: number | null;
  toTransferCount: number | null;
};

/**
 * The blocks with a transfer around `at` (`before`, `after`), the totals after `before` (null when no
 * transfer came by `at`) and each of `addresses`' balance then, from one statement.
 */
export async function supplyAround(db: ExecDb, at: number, addresses: readonly `0x${string}`[]) {
  const rows = await statement(db, addresses.join(","))({ at });
  const { before, after } = nearest(
    rows.filter((row) => row.kind !== "transfer").map((row): BlockRef => ({ block: Number(row.block), timestamp: Number(row.timestamp) })),
    at,
  );
  const beforeRow = before && rows.find((row) => row.kind === "supply" && Number(row.block) === before.block);
  const totals = beforeRow ? parseTotals(beforeRow.detail!) : null;
  const latest = rows
    .filter((row) => row.kind === "transfer")
    .map((row) => ({ ...(JSON.parse(row.detail!) as TransferJson), blockNumber: BigInt(row.block), timestamp: BigInt(row.timestamp) }));
  const balances = addresses.map((address) => {
    const transfers: LatestTransfer[] = latest
      .filter((row) => row.listed === address)
      .map((row) => ({
        ...row,
        fromBalance: row.fromBalance === null ? null : BigInt(row.fromBalance),
        toBalance: row.toBalance === null ? null : BigInt(row.toBalance),
      }));
    return balanceFromLatest(transfers, address)?.balance ?? 0n;
  });
  return { before, after, totals, balances };
}

function parseTotals(detail: string): SupplyTotals {
  const totals = JSON.parse(detail) as { minted: string; burned: string; totalSupply: string; holders: number; transferCount: number };
  return {
    minted: BigInt(totals.minted),
    burned: BigInt(totals.burned),
    totalSupply: BigInt(totals.totalSupply),
    holders: totals.holders,
    transferCount: totals.transferCount,
  };
}
