import { ponder } from "ponder:registry";
import { teeHeartbeatMaxAge } from "ponder:schema";
import { desc, eq } from "ponder";
import { teeRegistryAbi } from "../abis/teeRegistry";
import { appConfig } from "../lib/env";
import { firstBlockWhere, REGISTRY_DEFAULT_HEARTBEAT_MAX_AGE } from "../lib/verification";

/**
 * Every `RECONCILE_INTERVAL_BLOCKS` blocks, read each registry's `heartbeatMaxAge()`. Its setter
 * emits no event, so a changed value is dated by searching the blocks since the previous read
 * (a logarithmic number of historical calls, only when it changed) and recorded from that block.
 */
ponder.on("TEERegistryReconciliation:block", async ({ event, context }) => {
  const { addresses, startBlock } = appConfig.teeRegistry!;
  const block = Number(event.block.number);
  const previousRead = block - appConfig.reconcileIntervalBlocks;

  for (const registry of addresses) {
    // Null before the registry is deployed: there is nothing to judge TEEs by yet.
    const read = (blockNumber: number) =>
      context.client
        .readContract({
          abi: teeRegistryAbi,
          address: registry,
          functionName: "heartbeatMaxAge",
          blockNumber: BigInt(blockNumber),
          // Before deployment the answer is empty; Ponder would otherwise back off for a minute per read.
          retryEmptyResponse: false,
        })
        .catch(() => null);
    const value = await read(block);
    if (value === null) continue;

    const [latest] = await context.db.sql
      .select({ maxAgeSeconds: teeHeartbeatMaxAge.maxAgeSeconds })
      .from(teeHeartbeatMaxAge)
      .where(eq(teeHeartbeatMaxAge.registry, registry))
      .orderBy(desc(teeHeartbeatMaxAge.blockNumber))
      .limit(1);
    if (value === (latest?.maxAgeSeconds ?? BigInt(REGISTRY_DEFAULT_HEARTBEAT_MAX_AGE))) continue;

    const changedAt =
      previousRead >= startBlock ? await firstBlockWhere(previousRead, block, async (b) => (await read(b)) === value) : block;
    const changedBlock = changedAt === block ? event.block : await context.client.getBlock({ blockNumber: BigInt(changedAt) });
    await context.db.insert(teeHeartbeatMaxAge).values({
      registry,
      blockNumber: BigInt(changedAt),
      timestamp: changedBlock.timestamp,
      maxAgeSeconds: value,
    });
  }
});
