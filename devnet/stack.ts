import { type Devnet, startDevnet } from "./devnet";
import { Indexer } from "./indexer";

export type Backend = "pglite" | "postgres";

/**
 * Which databases the end-to-end suites run on: PGlite always; Postgres too when DATABASE_URL is set.
 * TEST_BACKENDS (comma-separated) overrides, as `npm run test:postgres` does.
 */
export const backends: Backend[] = process.env.TEST_BACKENDS
  ? (process.env.TEST_BACKENDS.split(",").map((b) => b.trim()) as Backend[])
  : ["pglite", ...(process.env.DATABASE_URL ? (["postgres"] as const) : [])];

const OG_SOURCE_VARS = [
  "SETTLEMENT_RELAY_ADDRESS",
  "TEE_REGISTRY_ADDRESS",
  "STAKING_ADDRESS",
  "DISTRIBUTION_ADDRESS",
  "GOVERNANCE_ADDRESS",
];

export type Stack = {
  devnet: Devnet;
  indexer: Indexer;
  /** Waits until the indexer has caught up with the current head of every chain it follows. */
  sync: () => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * A devnet plus an indexer following it. `prepare` runs between deployment and indexer start-up,
 * so a suite can lay down history to be backfilled before the indexer switches to realtime.
 */
export async function startStack(
  backend: Backend,
  prepare: (devnet: Devnet) => Promise<void> = async () => {},
  extraEnv: Record<string, string> = {},
): Promise<Stack> {
  const devnet = await startDevnet();
  let indexer: Indexer | undefined;
  try {
    await prepare(devnet);
    const env = { ...devnet.env, ...extraEnv };
    indexer = await Indexer.start(env, backend === "postgres" ? { postgresUrl: process.env.DATABASE_URL } : {});
    const followsOg = OG_SOURCE_VARS.some((name) => env[name]);
    const running = indexer;
    const sync = async () => {
      const targets: Record<string, bigint> = { base: await devnet.base.blockNumber() };
      if (followsOg) targets.opengradient = await devnet.og.blockNumber();
      await running.waitForBlocks(targets);
    };
    await sync();
    return {
      devnet,
      indexer: running,
      sync,
      stop: async () => {
        await running.stop();
        await devnet.stop();
      },
    };
  } catch (error) {
    await indexer?.stop();
    await devnet.stop();
    throw error;
  }
}
