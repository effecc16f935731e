/** A block and its timestamp. */
export type BlockTime = { block: number; timestamp: number };

/**
 * The last block with timestamp <= `at`, given a block known to be at or before it (`low`) and one
 * known to be after it (`high`). Only the blocks strictly between are asked for (`timestampOf`,
 * an RPC call in the API), so bounds taken from indexed rows on either side of `at` cost nothing
 * when no block lies between them. Steps take turns: interpolation (block times are nearly regular,
 * so it lands on the block or next to it), the neighbour of that guess on the side of `at` (on a
 * regular chain, the second and last call), and halving, which keeps the worst case logarithmic
 * when times are irregular (a test chain that jumps hours between blocks).
 */
export async function lastBlockAtOrBefore(
  at: number,
  low: BlockTime,
  high: BlockTime,
  timestampOf: (block: number) => Promise<number>,
): Promise<BlockTime> {
  if (low.timestamp > at || high.timestamp <= at || low.block >= high.block) {
    throw new RangeError(`bounds do not bracket ${at}: ${JSON.stringify({ low, high })}`);
  }
  let guess = low.block;
  for (let step = 0; high.block - low.block > 1; step++) {
    if (step % 3 === 0) {
      guess = low.block + Math.floor(((at - low.timestamp) / (high.timestamp - low.timestamp)) * (high.block - low.block));
    } else if (step % 3 === 1) {
      guess = guess === low.block ? guess + 1 : guess - 1;
    } else {
      guess = Math.floor((low.block + high.block) / 2);
    }
    guess = Math.min(high.block - 1, Math.max(low.block + 1, guess));
    const timestamp = await timestampOf(guess);
    if (timestamp <= at) low = { block: guess, timestamp };
    else high = { block: guess, timestamp };
  }
  return low;
}
