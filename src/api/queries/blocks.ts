import { sql } from "ponder";
import { stakingBlock } from "../../../schema/staking";
import { supplyBlockClosed, tokenSupply } from "../../../schema/token";
import type { BlockRef } from "../asof";
import { type Bound, bound, type ExecDb, type NamedStatement, namedStatement, preparedOnce } from "./statements";

/** A table with a row per block, id the block number, and that block's timestamp. */
type PerBlockTable = typeof supplyBlockClosed | typeof stakingBlock;

/**
 * A per-block table's rows nearest `at` on either side: one-row walks of its `(timestamp, id)`
 * index, backward from `at` and forward past it.
 */
const walksAround = (table: PerBlockTable, at: Bound<number>) =>
  [true, false].map(
    (before) => sql`(
    select ${table.id}::text as block, ${table.timestamp}::text as timestamp from ${table}
    where ${before ? sql`${table.timestamp} <= ${at}` : sql`${table.timestamp} > ${at}`}
    order by ${before ? sql`${table.timestamp} desc, ${table.id} desc` : sql`${table.timestamp}, ${table.id}`}
    limit 1)`,
  );

/**
 * Base's blocks with a transfer nearest `at` on either side: the closed blocks' walks and the supply
 * row's latest block (the open row of the `supply_block` view, read apart so that neither walk
 * becomes a sort of every block on its side).
 */
export const transferBlocksAroundQuery = (at: Bound<number>) =>
  sql.join(
    [
      ...walksAround(supplyBlockClosed, at),
      sql`(select ${tokenSupply.lastBlock}::text, ${tokenSupply.lastTimestamp}::text from ${tokenSupply})`,
    ],
    sql` union all `,
  );

/** The staking chain's blocks with a staking event nearest `at` on either side. */
export const stakingBlocksAroundQuery = (at: Bound<number>) => sql.join(walksAround(stakingBlock, at), sql` union all `);

/** Of blocks with known times, the latest at or before `at` and the earliest after it. */
export function nearest(refs: readonly BlockRef[], at: number) {
  let before: BlockRef | null = null;
  let after: BlockRef | null = null;
  for (const ref of refs) {
    if (ref.timestamp <= at) {
      if (!before || ref.block > before.block) before = ref;
    } else if (!after || ref.block < after.block) after = ref;
  }
  return { before, after };
}

type Around = NamedStatement<{ block: string; timestamp: string }>;

/** Each query built once per database, `at` its parameter: building it took longer than running it. */
const transferStatement = preparedOnce((db: ExecDb): Around => namedStatement(db, transferBlocksAroundQuery(bound.at)));
const stakingStatement = preparedOnce((db: ExecDb): Around => namedStatement(db, stakingBlocksAroundQuery(bound.at)));

async function around(statement: Around, at: number) {
  const rows = await statement({ at });
  return nearest(
    rows.map((row) => ({ block: Number(row.block), timestamp: Number(row.timestamp) })),
    at,
  );
}

export const transferBlocksAround = (db: ExecDb, at: number) => around(transferStatement(db), at);
export const stakingBlocksAround = (db: ExecDb, at: number) => around(stakingStatement(db), at);
