import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Devnet, startDevnet } from "../../devnet/devnet";
import { startFlakyRpc } from "../../devnet/flaky-rpc";
import { Indexer } from "../../devnet/indexer";
import { Random } from "../../devnet/random";
import { TokenTraffic } from "../../devnet/simulate/token";
import { backends } from "../../devnet/stack";
import { tokenViews } from "../../devnet/token-views";
import { OPG_MAX_SUPPLY } from "../../lib/supply";

const FAULT_SECONDS = Number(process.env.RPC_FAULT_SECONDS ?? 45);
const CATCH_UP_MS = 30_000;

// Issue 10: with one request in five failing and 100 ms polling, Ponder's adaptive rate limit fell
// below the polling rate, and the request queue grew for ever, even after the provider recovered.
describe.each(backends)("RPC faults on %s", (backend) => {
  let devnet: Devnet;
  let traffic: TokenTraffic;
  let random: Random;
  let indexer: Indexer;
  let flaky: Awaited<ReturnType<typeof startFlakyRpc>>;

  async function trade() {
    await traffic.step(random.int(1, 4));
    devnet.base.advance(random.int(2, 60));
    await devnet.base.mine();
  }

  beforeAll(async () => {
    random = new Random(1010);
    devnet = await startDevnet();
    traffic = new TokenTraffic(devnet, random, 20);
    await traffic.seed(OPG_MAX_SUPPLY);
    await devnet.base.mine();
    flaky = await startFlakyRpc(devnet.base.url, {
      failEvery: 5,
      faults: ["429", "500", "reset", "stall", "bad-json"],
      stallMs: 5000,
    });
    indexer = await Indexer.start(
      { ...devnet.env, PONDER_RPC_URL_8453: flaky.url, RPC_POLLING_INTERVAL_MS: "100" },
      backend === "postgres" ? { postgresUrl: process.env.DATABASE_URL } : {},
    );
  });

  afterAll(async () => {
    await indexer?.stop();
    await flaky?.stop();
    await devnet?.stop();
  });

  it("reaches the head within 30 s of the faults stopping, with the chain's balances", async () => {
    // A new block every second while one request in five fails: live indexing under a bad provider.
    const faultsEnd = Date.now() + FAULT_SECONDS * 1000;
    while (Date.now() < faultsEnd) {
      await trade();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(flaky.failed()).toBeGreaterThan(10);

    flaky.setFailing(false);
    await trade();
    const head = await devnet.base.blockNumber();
    await indexer.waitForBlocks({ base: head }, CATCH_UP_MS);

    const supply = await indexer.json("/api/v1/supply");
    expect(supply.asOf.block).toBe(Number(head));
    const chain = tokenViews(devnet, head);
    expect(supply.totalSupply).toBe(await chain.totalSupply());
    for (const address of traffic.touched) {
      const account = await indexer.json(`/api/v1/accounts/${address}`);
      expect(account.balance, address).toBe(await chain.balanceOf(address));
    }
  }, 240_000);
});
