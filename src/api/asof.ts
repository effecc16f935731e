import { db, publicClients } from "ponder:api";
import { z } from "zod";
import { lastBlockAtOrBefore as searchBlocks } from "../../lib/block-search";
import type { ChainName } from "../../lib/config";
import { appConfig } from "../../lib/env";
import { type ApiContext, ApiError, badRequest, notFound, timeParam } from "./http";
import { nearest, stakingBlocksAround, transferBlocksAround } from "./queries/blocks";

/** A block on one chain: every as-of answer is the state after this block and names it. */
export type BlockRef = { block: number; timestamp: number };

export const blockParam = z.coerce
  .number({ invalid_type_error: "must be a block number" })
  .int("must be a block number")
  .min(0, "must be a block number");

/** `at` (a time) or `atBlock` (a number): the state after the last block with timestamp <= at, or number <= atBlock. */
export const asOfParams = { at: timeParam.optional(), atBlock: blockParam.optional() };

const CACHE_SIZE = 10_000;
const timestamps = new Map<string, number>();

/**
 * A block's own timestamp, from the chain (a block without indexed events leaves no row to read it
 * from). Only blocks at or below the indexed head are asked for, and they are remembered.
 */
async function blockTimestamp(chain: ChainName, number: number): Promise<number> {
  const key = `${chain}:${number}`;
  const known = timestamps.get(key);
  if (known !== undefined) return known;
  let block: { timestamp: bigint };
  try {
    block = await chainClient(chain).getBlock({ blockNumber: BigInt(number) });
  } catch {
    throw new ApiError(503, "rpc_unavailable", `could not read block ${number} of ${chain} from its RPC`);
  }
  if (timestamps.size >= CACHE_SIZE) timestamps.delete(timestamps.keys().next().value!);
  timestamps.set(key, Number(block.timestamp));
  return Number(block.timestamp);
}

/**
 * Indexed blocks with a known timestamp on either side of a time, per chain: Base's blocks with an OPG
 * transfer, the staking chain's blocks with a staking event. A time between two of them needs no RPC
 * call when no block lies between (Base's blocks nearly all carry transfers) and few otherwise.
 */
export type Bracket = { before: BlockRef | null; after: BlockRef | null };
type Around = (at: number) => Promise<Bracket>;
const transfersAround: Around = (at) => transferBlocksAround(db, at);
const sources: [ChainName | undefined, Around][] = [
  [appConfig.token.chain, transfersAround],
  [appConfig.staking?.chain, (at) => stakingBlocksAround(db, at)],
];
const aroundOn = (chain: ChainName) => sources.filter(([on]) => on === chain).map(([, around]) => around);

/**
 * The nearest indexed blocks around `at` on a chain, from every table that has them; the transfer
 * blocks are not read again when the caller has read them (`transfers`, see `supplyAsOf`).
 */
async function bracket(chain: ChainName, at: number, transfers?: Bracket) {
  const found = await Promise.all(aroundOn(chain).map((around) => (around === transfersAround && transfers ? transfers : around(at))));
  return nearest(
    found.flatMap((pair) => [pair.before, pair.after]).filter((ref): ref is BlockRef => ref !== null),
    at,
  );
}

/** The last block with timestamp <= at, between genesis and the indexed head. */
async function lastBlockAtOrBefore(chain: ChainName, at: number, head: BlockRef, transfers?: Bracket): Promise<BlockRef> {
  if (at >= head.timestamp) return head;
  const known = await bracket(chain, at, transfers);
  // Rows past the head this answer describes (ponder serve reads while another process indexes) are not bounds.
  const high = known.after && known.after.block < head.block ? known.after : head;
  let low = known.before && known.before.block < high.block ? known.before : null;
  if (!low) {
    low = { block: 0, timestamp: await blockTimestamp(chain, 0) };
    if (low.timestamp > at) throw notFound(`${chain} had no block by ${at}`);
  }
  return searchBlocks(at, low, high, (block) => blockTimestamp(chain, block));
}

/** The first block with timestamp >= `time`, up to the block `upTo` (which must be at or after it). */
export async function firstBlockFrom(chain: ChainName, time: number, upTo: BlockRef): Promise<number> {
  if ((await blockTimestamp(chain, 0)) >= time) return 0;
  return (await lastBlockAtOrBefore(chain, time - 1, upTo)).block + 1;
}

/** The RPC client Ponder's API offers for a chain. */
export const chainClient = (chain: ChainName) =>
  (publicClients as Record<string, (typeof publicClients)[keyof typeof publicClients]>)[chain]!;

/**
 * The block an answer describes: the indexed head when neither parameter is given, else the block
 * `at`/`atBlock` names. Never later than the head, so an answer holds nothing newer than its `asOf`.
 */
export async function resolveAsOf(
  c: ApiContext,
  chain: ChainName,
  query: { at?: number; atBlock?: number },
  /** Base's transfer blocks around `query.at`, when the caller read them with its own statement. */
  transfers?: Bracket,
): Promise<BlockRef> {
  if (query.at !== undefined && query.atBlock !== undefined) throw badRequest("give at or atBlock, not both", "invalid_parameter");
  const head = c.var.asOf[chain];
  if (!head) throw notFound(`nothing has been indexed on ${chain} yet`);
  if (query.atBlock !== undefined) {
    if (query.atBlock > head.block) throw notFound(`block ${query.atBlock} of ${chain} has not been indexed yet (head ${head.block})`);
    if (query.atBlock === head.block) return head;
    return { block: query.atBlock, timestamp: await blockTimestamp(chain, query.atBlock) };
  }
  if (query.at !== undefined) return lastBlockAtOrBefore(chain, query.at, head, transfers);
  return head;
}
