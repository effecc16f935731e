import type { Placeholder } from "drizzle-orm";
import { and, asc, desc, eq, gt, lte, sql } from "ponder";
import { account, transfer } from "../../../schema/token";
import { type Bound, bound, type ExecDb, namedStatement, preparedOnce, preparedPerKey, type ReadDb } from "./statements";

type Transfer = typeof transfer.$inferSelect;
/** What an account's balance is read from: one of its transfers. */
export type LatestTransfer = Pick<
  Transfer,
  "id" | "from" | "to" | "blockNumber" | "logIndex" | "timestamp" | "fromBalance" | "toBalance" | "fromTransferCount" | "toTransferCount"
>;

/**
 * One side of an account's history, newest first: a backward walk of the (side, block, logIndex)
 * index that stops after `limit` rows, however many transfers the account has.
 */
export function transfersOnSide(
  db: ReadDb,
  side: "from" | "to",
  address: Bound<`0x${string}`>,
  limit: Bound<number>,
  upToBlock: Bound<bigint>,
) {
  return db
    .select()
    .from(transfer)
    .where(and(eq(transfer[side], address), lte(transfer.blockNumber, upToBlock)))
    .orderBy(desc(transfer.blockNumber), desc(transfer.logIndex))
    .limit(limit);
}

const newestFirst = (a: LatestTransfer, b: LatestTransfer) =>
  a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber > b.blockNumber ? -1 : 1;

/** The first `limit` of rows from both sides, newest first; a transfer to oneself is on both sides once. */
function newest<Row extends LatestTransfer>(rows: Row[], limit: number): Row[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()].sort(newestFirst).slice(0, limit);
}

/**
 * A limit written into the statement's text rather than sent as a value. PostgreSQL estimates a
 * parameter `LIMIT` at a tenth of the rows below it, so the plan it could keep for a named statement
 * (made without the values) looked dearer than one made for each request's values, and it planned
 * the account page again on every request: 0.24 ms of planning for 0.05 ms of index walks.
 */
const inlineLimit = (limit: number) => sql.raw(String(limit)) as unknown as number;

/** One side's first transfer: a forward walk of the same index. */
const firstOnSide = (db: ReadDb, side: "from" | "to", address: Bound<`0x${string}`>) =>
  db
    .select()
    .from(transfer)
    .where(eq(transfer[side], address))
    .orderBy(asc(transfer.blockNumber), asc(transfer.logIndex))
    .limit(inlineLimit(1));

/**
 * The page sizes an account page reads, written into its statements (see `inlineLimit`): a request
 * reads the smallest that holds its `limit` and keeps that many, so a connection keeps at most six plans.
 */
export const ACCOUNT_PAGE_LIMITS = [10, 25, 50, 100, 250, 500] as const;
export const accountPageLimit = (limit: number) => ACCOUNT_PAGE_LIMITS.find((size) => size >= limit) ?? limit;

/**
 * An account page in one statement, four index walks: its first transfer on each side and its newest
 * `limit` on each side up to `upToBlock`, merged (a single `from = a or to = a` query would have to
 * sort every transfer of the account). `latest` is the newest of those, the one its balance is read from.
 */
export async function accountHistory(db: ReadDb, address: `0x${string}`, limit: number, upToBlock: number) {
  const rows = await accountHistoryStatement(db, accountPageLimit(limit)).execute({ address, upTo: String(upToBlock) });
  const all = newest(rows, rows.length);
  // The first walks are not bounded by the block: an account whose first transfer came later has none by then.
  const recent = all.filter((row) => row.blockNumber <= BigInt(upToBlock)).slice(0, limit);
  return { first: all.at(-1) ?? null, recent, latest: recent[0] ? balanceAfter(recent[0], address) : null };
}

export const accountHistoryQuery = (db: ReadDb, address: Bound<`0x${string}`>, limit: Bound<number>, upToBlock: Bound<bigint>) =>
  firstOnSide(db, "from", address)
    .unionAll(firstOnSide(db, "to", address))
    .unionAll(transfersOnSide(db, "from", address, limit, upToBlock))
    .unionAll(transfersOnSide(db, "to", address, limit, upToBlock));
/** The account page's statement for one of `ACCOUNT_PAGE_LIMITS`, its values (`address`, `upTo`) as placeholders. */
export const accountPageQuery = (db: ReadDb, pageLimit: number) =>
  accountHistoryQuery(db, bound.address, inlineLimit(pageLimit), bound.upTo);
const accountHistoryStatement = preparedPerKey((db: ReadDb, pageLimit: number) =>
  accountPageQuery(db, pageLimit).prepare(`opg_account_history_${pageLimit}`),
);

/** An account's latest transfer on each side up to a block: two one-row index walks in one statement. */
export const latestTransfersQuery = (db: ReadDb, address: Bound<`0x${string}`>, upToBlock: Bound<bigint>) =>
  transfersOnSide(db, "from", address, inlineLimit(1), upToBlock).unionAll(transfersOnSide(db, "to", address, inlineLimit(1), upToBlock));
const latestTransfersStatement = preparedOnce((db) => latestTransfersQuery(db, bound.address, bound.upTo).prepare("opg_latest_transfers"));

/**
 * What an account's transfer left it with: the balance and transfer count on its side. In a transfer
 * to itself the receiving side is applied last. Null for the zero address, whose balance is not kept.
 */
function balanceAfter(latest: LatestTransfer, address: `0x${string}`) {
  const received = latest.to.toLowerCase() === address;
  const balance = received ? latest.toBalance : latest.fromBalance;
  const transferCount = received ? latest.toTransferCount : latest.fromTransferCount;
  if (balance === null || transferCount === null) return null;
  return { balance, transferCount, blockNumber: latest.blockNumber, timestamp: latest.timestamp };
}

/**
 * An account's balance and transfer count after `block`: what its latest transfer by then left on its
 * side. Null for an account with no transfer by then.
 */
export async function balanceAt(db: ReadDb, address: `0x${string}`, block: number) {
  return balanceFromLatest(await latestTransfersStatement(db).execute({ address, upTo: String(block) }), address);
}

/** The balance and transfer count an account's latest transfer on each side left it with (see `balanceAt`). */
export function balanceFromLatest(latestOnEachSide: LatestTransfer[], address: `0x${string}`) {
  const [latest] = newest(latestOnEachSide, 1);
  return latest ? balanceAfter(latest, address) : null;
}

/** The largest balances: a backward walk of the (balance, address) index, ties broken by address. */
export const topHoldersQuery = (db: ReadDb, limit: Bound<number>) =>
  db
    .select({ address: account.address, balance: account.balance, lastTimestamp: account.lastTimestamp })
    .from(account)
    .where(gt(account.balance, 0n))
    .orderBy(desc(account.balance), desc(account.address))
    .limit(limit);
const topHoldersStatement = preparedOnce((db) => topHoldersQuery(db, bound.limit).prepare("opg_top_holders"));
export const topHolders = (db: ReadDb, limit: number) => topHoldersStatement(db).execute({ limit });

/**
 * One account's balance after each of `blocks` (ascending, distinct), as one statement that walks
 * down from the last block: two one-row backward walks of the (from|to, block, logIndex) indexes find
 * the account's latest transfer by that block (in a transfer to itself the receiving side is applied
 * last), which is its latest by every listed block down to that transfer's, so the next probe is at
 * the greatest listed block before it (`width_bucket`, a binary search of the list). A quiet account
 * (a treasury, a vesting contract) costs two probes per transfer-separated run of blocks, a busy one
 * at most two per block, however many transfers either has.
 */
export function balancesAtBlocksQuery(address: Bound<`0x${string}`>, blocks: readonly number[] | Placeholder) {
  // One array parameter (not a literal in the text), so every block list shares one named statement.
  const list = sql`${Array.isArray(blocks) ? blockList(blocks) : blocks}::numeric[]`;
  const side = (column: "from" | "to") => sql`(
    select ${transfer.blockNumber} as block_number, ${transfer.logIndex} as log_index,
      ${column === "from" ? transfer.fromBalance : transfer.toBalance} as balance
    from ${transfer}
    where ${transfer[column]} = ${address} and ${transfer.blockNumber} <= c.list[n.i]
    order by ${transfer.blockNumber} desc, ${transfer.logIndex} desc limit 1)`;
  const probes = sql`left join lateral ${side("from")} s on true left join lateral ${side("to")} r on true where n.i > 0`;
  const found = sql`n.i, s.block_number, s.log_index, s.balance, r.block_number, r.log_index, r.balance`;
  return sql`with recursive closes(list) as (select ${list}),
    walk(i, sent_block, sent_log, sent_balance, received_block, received_log, received_balance) as (
      select ${found} from closes c cross join lateral (select cardinality(c.list) as i) n ${probes}
      union all
      select ${found} from walk w cross join closes c
        cross join lateral (select width_bucket(greatest(w.sent_block, w.received_block) - 1, c.list) as i) n ${probes}
    )
    select i, sent_block::text, sent_log, sent_balance::text, received_block::text, received_log, received_balance::text from walk`;
}

/** A block list as one Postgres array literal. */
const blockList = (blocks: readonly number[]) => `{${blocks.map((block) => BigInt(block).toString()).join(",")}}`;

const probeStatement = preparedOnce((db: ExecDb) => namedStatement<BalanceRow>(db, balancesAtBlocksQuery(bound.address, bound.blocks)));

type BalanceRow = {
  /** 1-based position in the block list of the block this row's transfers are the latest by. */
  i: number;
  sent_block: string | null;
  sent_log: number | null;
  sent_balance: string | null;
  received_block: string | null;
  received_log: number | null;
  received_balance: string | null;
};

/**
 * A walk may read this many of the account's transfers per block asked before probing each block is
 * the cheaper plan: listed non-circulating accounts (treasuries, vesting) are mostly quiet, and a
 * 30-day hourly series asks 720 blocks. Below `WALK_FROM_BLOCKS` blocks (a day series of 90 closes, a
 * week series of 13) the probes are cheap anyway, and a walk that hit its limit would be wasted work: a
 * treasury that paid out thousands in its first days and nothing since is read by the probes in a few
 * pairs, and by this walk in thousands of rows.
 */
const WALK_ROWS_PER_BLOCK = 2;
const WALK_FROM_BLOCKS = 200;

/** One side's transfers of an account after one block and up to another, in order: a forward index range. */
const transfersOnSideBetween = (side: "from" | "to") =>
  preparedOnce((db) =>
    db
      .select({
        id: transfer.id,
        blockNumber: transfer.blockNumber,
        logIndex: transfer.logIndex,
        to: transfer.to,
        fromBalance: transfer.fromBalance,
        toBalance: transfer.toBalance,
      })
      .from(transfer)
      .where(and(eq(transfer[side], bound.address), gt(transfer.blockNumber, bound.after), lte(transfer.blockNumber, bound.upTo)))
      .orderBy(asc(transfer.blockNumber), asc(transfer.logIndex))
      .limit(bound.limit)
      .prepare(`opg_transfers_${side}_between`),
  );
const transfersBetween = { from: transfersOnSideBetween("from"), to: transfersOnSideBetween("to") };

/**
 * One account's balance after each of `blocks`. For many blocks: its balance at the first block (two
 * one-row index walks) and then its transfers up to the last block, two forward index ranges, applied
 * in order. For few blocks, or an account busier than that in the range, `balancesAtBlocksQuery`: two
 * probes per run of blocks without a transfer of the account, at most two per block.
 */
export async function balancesAtBlocks(
  db: ExecDb & ReadDb,
  address: `0x${string}`,
  blocks: readonly number[],
): Promise<Map<number, bigint>> {
  const sorted = [...new Set(blocks)].sort((a, b) => a - b);
  if (sorted.length === 0) return new Map();
  if (sorted.length < WALK_FROM_BLOCKS) return probeBalancesAtBlocks(db, address, sorted);
  const limit = sorted.length * WALK_ROWS_PER_BLOCK;
  const range = { address, after: String(sorted[0]!), upTo: String(sorted.at(-1)!), limit: limit + 1 };
  const [start, sent, received] = await Promise.all([
    balanceAt(db, address, sorted[0]!),
    transfersBetween.from(db).execute(range),
    transfersBetween.to(db).execute(range),
  ]);
  if (sent.length > limit || received.length > limit) return probeBalancesAtBlocks(db, address, sorted);

  const balances = new Map<number, bigint>();
  let balance = start?.balance ?? 0n;
  const transfers = [...new Map([...sent, ...received].map((row) => [row.id, row])).values()].sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  let next = 0;
  for (const block of sorted) {
    for (; next < transfers.length && transfers[next]!.blockNumber <= BigInt(block); next++) {
      const row = transfers[next]!;
      balance = (row.to.toLowerCase() === address ? row.toBalance : row.fromBalance) ?? balance;
    }
    balances.set(block, balance);
  }
  return balances;
}

async function probeBalancesAtBlocks(db: ExecDb, address: `0x${string}`, blocks: readonly number[]): Promise<Map<number, bigint>> {
  const walked = (await probeStatement(db)({ address, blocks: blockList(blocks) })).sort((a, b) => a.i - b.i);
  const balances = new Map<number, bigint>();
  // A block's balance is that of the walked block nearest above it (or itself): no transfer between.
  let next = 0;
  for (const [index, block] of blocks.entries()) {
    while (walked[next]!.i < index + 1) next++;
    const row = walked[next]!;
    const sentAt = row.sent_block === null ? -1n : BigInt(row.sent_block);
    const receivedAt = row.received_block === null ? -1n : BigInt(row.received_block);
    const receivedLast = receivedAt > sentAt || (receivedAt === sentAt && (row.received_log ?? -1) >= (row.sent_log ?? -1));
    const balance = receivedLast ? row.received_balance : row.sent_balance;
    balances.set(block, BigInt(balance ?? 0));
  }
  return balances;
}
