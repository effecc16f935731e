/**
 * Ponder stores each chain's progress as a fixed-width decimal checkpoint:
 * 10 digits of block timestamp, 16 of chain id, 16 of block number, then the position in the block.
 */
export type ChainProgress = { chainId: number; block: number; timestamp: number };

export function decodeCheckpoint(checkpoint: string): ChainProgress {
  return {
    timestamp: Number(checkpoint.slice(0, 10)),
    chainId: Number(checkpoint.slice(10, 26)),
    block: Number(checkpoint.slice(26, 42)),
  };
}
