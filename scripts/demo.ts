/**
 * `npm run demo`: the whole product offline. Two anvil chains, the test contracts, weeks of
 * simulated traffic, the indexer on its own PGlite directory, and then a live trickle of new
 * activity until Ctrl-C, which stops everything this script started.
 *
 *   --weeks N       simulated history before now (default 5)
 *   --exit          stop once the history is indexed and the URLs printed (for smoke tests)
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { opgTokenAbi } from "../abis/opgToken";
import { startDevnet } from "../devnet/devnet";
import { Indexer, projectRoot } from "../devnet/indexer";
import { dailyActivity, mineBoth, simulate } from "../devnet/simulate/index";

const { values } = parseArgs({
  options: { weeks: { type: "string", default: "5" }, exit: { type: "boolean", default: false } },
});
const weeks = Number(values.weeks);
if (!Number.isFinite(weeks) || weeks <= 0) {
  console.error(`--weeks must be a positive number (got ${values.weeks})`);
  process.exit(2);
}

const hours = Math.round(weeks * 7 * 24);
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const log = (message: string) => console.log(`[demo ${seconds().padStart(6)}s] ${message}`);

const devnet = await startDevnet({ genesisTimestamp: Math.floor(Date.now() / 1000) - hours * 3600 - 3600 });
let indexer: Indexer | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("stopping the indexer and both chains");
  await indexer?.stop();
  await devnet.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  log(`chains up: base ${devnet.base.url} (8453), opengradient ${devnet.og.url} (10740)`);
  log(`simulating ${weeks} week(s) of traffic (${hours} hours)`);
  const traffic = await simulate(devnet, {
    hours,
    onProgress: (hour) => {
      if ((hour + 1) % 168 === 0) log(`  simulated week ${(hour + 1) / 168}`);
    },
  });
  for (const domain of traffic) log(`  ${domain.name}: ${JSON.stringify(domain.summary())}`);

  const port = Number(process.env.PORT ?? 42069);
  // One directory per port: a second demo on another port must not wipe the first one's database.
  const directory = path.join(projectRoot, ".ponder", `demo-${port}`);
  rmSync(directory, { recursive: true, force: true });
  log(`starting the indexer on port ${port} (PGlite in ${path.relative(projectRoot, directory)})`);
  const indexStarted = Date.now();
  indexer = await Indexer.start(devnet.env, { pgliteDirectory: directory, port, logLevel: "info" });
  const targets: Record<string, bigint> = { base: await devnet.base.blockNumber() };
  if (devnet.env.STAKING_ADDRESS || devnet.env.TEE_REGISTRY_ADDRESS || devnet.env.SETTLEMENT_RELAY_ADDRESS) {
    targets.opengradient = await devnet.og.blockNumber();
  }
  await indexer.waitForBlocks(targets, 600_000);
  log(`history indexed in ${((Date.now() - indexStarted) / 1000).toFixed(1)}s (including start-up)`);

  const url = indexer.url;
  console.log(`
  opg-indexer demo is running
    dashboard ${url}/
    API docs  ${url}/docs  (OpenAPI: ${url}/openapi.json)
    REST      ${url}/api/v1/supply
              ${url}/api/v1/staking
              ${url}/api/v1/fees/trends?interval=day
              ${url}/api/v1/nodes/rewards
              ${url}/api/v1/verification/status
              ${url}/api/v1/governance/proposals
    GraphQL   ${url}/graphql
    SQL       ${url}/sql/*  (for @ponder/client)
    status    ${url}/status
    chains    base ${devnet.base.url}  opengradient ${devnet.og.url}
    token     ${devnet.token}
  Press Ctrl-C to stop.
`);

  if (values.exit) {
    // The smoke check CI runs: the API's supply is the token's own, and GraphQL answers.
    const supply = await indexer.json("/api/v1/supply");
    const onChain = await devnet.base.client.readContract({
      address: devnet.token,
      abi: opgTokenAbi,
      functionName: "totalSupply",
      blockNumber: BigInt(supply.asOf.block),
    });
    const graphql = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: '{ accounts(orderBy: "balance", orderDirection: "desc", limit: 3) { items { address balance } } }' }),
    });
    const top = ((await graphql.json()) as { data?: { accounts: { items: unknown[] } } }).data?.accounts.items ?? [];
    const ok = supply.totalSupply === onChain.toString() && top.length === 3;
    log(`totalSupply: API ${supply.totalSupply}, token ${onChain} at block ${supply.asOf.block}; GraphQL top accounts: ${top.length}`);
    log(ok ? "smoke check passed" : "smoke check FAILED");
    await shutdown(ok ? 0 : 1);
  }

  // Live trickle: every half minute, a quarter of an hour's traffic, stamped with the real time.
  while (!stopping) {
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    if (stopping) break;
    const now = Math.floor(Date.now() / 1000);
    devnet.base.setTime(now);
    devnet.og.setTime(now);
    for (const domain of traffic) await domain.hour(-1, dailyActivity(now) / 4);
    await mineBoth(devnet);
  }
} catch (error) {
  console.error(error);
  await shutdown(1);
}
