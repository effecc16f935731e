import type { Address, Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor } from "../../devnet/accounts";
import type { DevChain } from "../../devnet/chain";
import { Random } from "../../devnet/random";
import { backends, type Stack, startStack } from "../../devnet/stack";
import { RECONCILE_EVERY_BLOCKS } from "../../devnet/staking";
import { id32, type Settlement, VerificationContracts } from "../../devnet/verification";

const SEED = Number(process.env.TEST_SEED ?? 20261123);
const MAX_AGE = 600;
const HOUR = 3600;

const TEE_A = id32("tee:a");
const TEE_B = id32("tee:b");
const TEE_C = id32("tee:c");
const TEE_X = id32("tee:unknown");
const PCR_LLM = id32("pcr:llm:v1");
const PCR_LLM_OLD = id32("pcr:llm:v0");
const PCR_AGENT = id32("pcr:agent:v1");

type Sent = Settlement & { blockTimestamp: number; block: number; transactionHash: Hex };
type Batch = { root: Hex; size: number; blockTimestamp: number };

// Expectations are computed here from what the test sent, not with lib/verification's rules.
const hourOf = (timestamp: number) => Math.floor(timestamp / HOUR);

/** Nearest rank: the lag at 1-based rank ceil(p/100 × N) of the sorted lags. */
function nearestRank(lags: number[], p: number): number {
  const sorted = [...lags].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

/** A 24-hour window ending with the (partial) hour of `latest`. */
function lastDay(latest: number) {
  return { firstHour: hourOf(latest) - 23, lastHour: hourOf(latest) };
}

describe.each(backends)("verification on %s", (backend) => {
  let stack: Stack;
  let og: DevChain;
  let contracts: VerificationContracts;
  const random = new Random(SEED);
  const sent: Sent[] = [];
  const batches: Batch[] = [];
  const queued: (Settlement & { transactionHash: Hex })[] = [];
  const queuedBatches: { root: Hex; size: number }[] = [];
  let inference = 0;

  const api = <T = any>(path: string) => stack.indexer.json<T>(`/api/v1${path}`);
  const tee = (teeId: Hex) => api(`/verification/tees/${teeId}`);
  const stateOf = async (teeId: Hex): Promise<string> => (await tee(teeId)).state;

  async function settle(teeId: Hex, lag: number) {
    inference++;
    const settlement: Settlement = {
      teeId,
      user: actor("user", random.int(0, 9)),
      inputHash: id32(`input:${SEED}:${inference}`),
      outputHash: id32(`output:${SEED}:${inference}`),
      inferenceTimestamp: og.time - lag,
    };
    queued.push({ ...settlement, transactionHash: await contracts.settle(settlement) });
  }

  async function batch(size: number) {
    const root = id32(`root:${SEED}:${batches.length + queuedBatches.length}`);
    await contracts.batch(root, size);
    queuedBatches.push({ root, size });
  }

  /** Seals the queued transactions into one block and records what landed in it. */
  async function mine() {
    const block = await og.mine();
    for (const settlement of queued.splice(0)) {
      sent.push({ ...settlement, blockTimestamp: block.timestamp, block: Number(block.number) });
    }
    for (const b of queuedBatches.splice(0)) batches.push({ ...b, blockTimestamp: block.timestamp });
    return block;
  }

  async function mineAndSync() {
    const block = await mine();
    await stack.sync();
    return block;
  }

  beforeAll(async () => {
    stack = await startStack(backend, async (devnet) => {
      // Backfilled history: the registry is set up and three TEEs register.
      og = devnet.og;
      contracts = new VerificationContracts(og, devnet.env.TEE_REGISTRY_ADDRESS as Address, devnet.env.SETTLEMENT_RELAY_ADDRESS as Address);
      await contracts.addType(1, "nitro-llm");
      await contracts.addType(2, "nitro-agent");
      await mine();
      await contracts.approvePcr(PCR_LLM_OLD, 1, "v0");
      await contracts.approvePcr(PCR_LLM, 1, "v1");
      await contracts.approvePcr(PCR_AGENT, 2, "v1");
      await mine();
      await contracts.revokePcr(PCR_LLM_OLD, 1);
      await contracts.register(TEE_A, actor("operator", 1), 1, PCR_LLM);
      await contracts.register(TEE_B, actor("operator", 2), 1, PCR_LLM);
      await contracts.register(TEE_C, actor("operator", 3), 2, PCR_AGENT);
      // No TEE_HEARTBEAT_MAX_AGE_SECONDS: the indexer follows the registry's own value, read when reconciling.
      await contracts.setMaxAge(MAX_AGE);
      await mine();
      while ((await og.blockNumber()) % BigInt(RECONCILE_EVERY_BLOCKS) !== 0n) await mine();
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("indexes TEE types, PCR approvals and revocations, and registrations as the registry holds them", async () => {
    const gql = await fetch(`${stack.indexer.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: '{ pcrs(orderBy: "version") { items { pcrHash teeType version approved } } teeTypes { items { id name } } }',
      }),
    }).then((response) => response.json() as Promise<any>);
    expect(gql.data.teeTypes.items).toEqual([
      { id: 1, name: "nitro-llm" },
      { id: 2, name: "nitro-agent" },
    ]);
    const pcrs = gql.data.pcrs.items.map((p: any) => [p.pcrHash, p.teeType, p.version, p.approved]);
    expect(pcrs).toEqual(
      expect.arrayContaining([
        [PCR_LLM_OLD, 1, "v0", false],
        [PCR_LLM, 1, "v1", true],
        [PCR_AGENT, 2, "v1", true],
      ]),
    );
    expect(pcrs).toHaveLength(3);

    for (const [teeId, type, typeName] of [
      [TEE_A, 1, "nitro-llm"],
      [TEE_B, 1, "nitro-llm"],
      [TEE_C, 2, "nitro-agent"],
    ] as const) {
      const onChain = await contracts.tee(teeId);
      const indexed = await tee(teeId);
      expect(indexed).toMatchObject({
        teeId,
        registered: true,
        enabled: onChain.enabled,
        owner: onChain.owner.toLowerCase(),
        type,
        typeName,
        registeredTimestamp: Number(onChain.registeredAt),
        // Registration counts as a heartbeat: the registry sets lastHeartbeatAt to the block time.
        lastHeartbeatAt: Number(onChain.lastHeartbeatAt),
        heartbeatCount: 0,
        state: (await contracts.isActive(teeId, BigInt(indexed.asOf.block))) ? "live" : "stale",
      });
      expect(indexed.events.map((e: any) => e.kind)).toEqual(["registered"]);
    }
  });

  it("turns a registered TEE live with a heartbeat, recording what the registry recorded", async () => {
    const now = og.time;
    await contracts.heartbeat(TEE_A, now - 5);
    await contracts.heartbeat(TEE_B, now - 3);
    await contracts.heartbeat(TEE_C, now - 1);
    const block = await mineAndSync();
    for (const teeId of [TEE_A, TEE_B, TEE_C]) {
      const onChain = await contracts.tee(teeId);
      const indexed = await tee(teeId);
      expect(indexed.state).toBe("live");
      expect(indexed.lastHeartbeatAt).toBe(Number(onChain.lastHeartbeatAt));
      expect(indexed.lastHeartbeatAt).toBe(block.timestamp);
      expect(indexed.heartbeatCount).toBe(Number(onChain.heartbeats));
      expect(indexed.heartbeatAgeSeconds).toBe(0);
      expect(indexed.heartbeatMaxAgeSeconds).toBe(Number(await contracts.maxAge(block.number)));
      expect(indexed.asOf).toEqual({ block: Number(block.number), timestamp: block.timestamp });
      expect(indexed.recentHeartbeats[0]).toMatchObject({ block: Number(block.number), timestamp: block.timestamp });
    }
  });

  it("turns a TEE stale when the latest block's time passes its heartbeat plus the max age", async () => {
    const lastA = Number((await contracts.tee(TEE_A)).lastHeartbeatAt);
    const lastC = Number((await contracts.tee(TEE_C)).lastHeartbeatAt);

    og.setTime(lastA + MAX_AGE);
    await mineAndSync();
    expect([await stateOf(TEE_A), await stateOf(TEE_B), await stateOf(TEE_C)]).toEqual(["live", "live", "live"]);

    // All three heartbeats landed in one block: the registry dates them by that block, whatever each one signed.
    expect(lastC).toBe(lastA);
    og.setTime(lastA + MAX_AGE + 1);
    await mineAndSync();
    expect([await stateOf(TEE_A), await stateOf(TEE_B), await stateOf(TEE_C)]).toEqual(["stale", "stale", "stale"]);
    expect((await api("/verification/status")).tees).toEqual({ live: 0, stale: 3, disabled: 0, unregistered: 0, total: 3 });

    await contracts.heartbeat(TEE_A, og.time - 2);
    await mineAndSync();
    expect([await stateOf(TEE_A), await stateOf(TEE_B), await stateOf(TEE_C)]).toEqual(["live", "stale", "stale"]);
  });

  it("disables and re-enables a TEE as the registry does", async () => {
    for (const teeId of [TEE_A, TEE_B, TEE_C]) await contracts.heartbeat(teeId, og.time - 4);
    await mineAndSync();
    expect([await stateOf(TEE_A), await stateOf(TEE_B), await stateOf(TEE_C)]).toEqual(["live", "live", "live"]);

    await contracts.disable(TEE_B);
    await mineAndSync();
    expect((await contracts.tee(TEE_B)).enabled).toBe(false);
    expect(await tee(TEE_B)).toMatchObject({ state: "disabled", enabled: false });
    const disabled = await api("/verification/tees?state=disabled");
    expect(disabled.data.map((t: any) => t.teeId)).toEqual([TEE_B]);
    expect((await api("/verification/status")).tees).toEqual({ live: 2, stale: 0, disabled: 1, unregistered: 0, total: 3 });

    await contracts.enable(TEE_B);
    await mineAndSync();
    expect((await contracts.tee(TEE_B)).enabled).toBe(true);
    // Its heartbeat is still younger than the max age, so it is live again at once.
    expect(await tee(TEE_B)).toMatchObject({ state: "live", enabled: true });
    expect((await tee(TEE_B)).events.map((e: any) => e.kind)).toEqual(["registered", "disabled", "enabled"]);
  });

  it("flags a settlement from a TEE the registry does not know as unregistered", async () => {
    await settle(TEE_X, 12);
    await mineAndSync();
    const unknown = await tee(TEE_X);
    expect(unknown).toMatchObject({ state: "unregistered", registered: false, owner: null, type: null, individualSettlements: 1 });
    const lookup = await api(`/verification/inferences/${sent.at(-1)!.inputHash}`);
    expect(lookup.settlements[0]).toMatchObject({ teeId: TEE_X, teeRegistered: false });
    const listed = await api("/verification/tees?state=unregistered");
    expect(listed.data.map((t: any) => t.teeId)).toEqual([TEE_X]);
    const status = await api("/verification/status");
    expect(status.tees).toEqual({ live: 3, stale: 0, disabled: 0, unregistered: 1, total: 4 });
    expect(status.inferences.unregisteredVerified).toBe(1);
  });

  it("settles inferences individually and in batches over several hours", async () => {
    // Two quiet days first: the settlement above is then outside the last 24 hours but inside 7 days.
    og.setTime(og.time + 2 * 86_400);
    // Three busy hours: each block lands at a fixed minute of a new hour.
    for (let hour = 0; hour < 3; hour++) {
      og.setTime((hourOf(og.time) + 1) * HOUR + random.int(60, 3000));
      for (const teeId of [TEE_A, TEE_B, TEE_C]) await contracts.heartbeat(teeId, og.time - random.int(0, 20));
      const settlements = random.int(30, 60);
      for (let n = 0; n < settlements; n++) {
        // A few seconds to a few minutes of lag; now and then a TEE clock a little ahead of the chain.
        const lag = random.next() < 0.03 ? -random.int(1, 3) : random.int(1, random.next() < 0.8 ? 60 : 400);
        await settle(random.pick([TEE_A, TEE_C]), lag);
      }
      for (let n = random.int(1, 3); n > 0; n--) await batch(random.int(10, 500));
      await mine();
    }
    await stack.sync();
    const totals = await contracts.relayTotals();
    expect(Number(totals.individual)).toBe(sent.length);
    expect(Number(totals.batches)).toBe(batches.length);
  });

  it("finds a verified inference by its input hash and by its output hash", async () => {
    const target = sent[Math.floor(sent.length / 2)]!;
    const expected = {
      teeId: target.teeId,
      teeRegistered: true,
      user: target.user,
      inputHash: target.inputHash,
      outputHash: target.outputHash,
      inferenceTimestamp: target.inferenceTimestamp,
      lagSeconds: target.blockTimestamp - target.inferenceTimestamp,
      block: target.block,
      timestamp: target.blockTimestamp,
      transactionHash: target.transactionHash,
    };
    const byInput = await api(`/verification/inferences/${target.inputHash}`);
    expect(byInput.state).toBe("verified");
    expect(byInput.settlements).toHaveLength(1);
    expect(byInput.settlements[0]).toMatchObject({ matchedOn: "input", ...expected });

    const byOutput = await api(`/verification/inferences/${target.outputHash.toUpperCase().replace("0X", "0x")}`);
    expect(byOutput.settlements[0]).toMatchObject({ matchedOn: "output", ...expected });

    const missing = await stack.indexer.get(`/api/v1/verification/inferences/${id32("never settled")}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ state: "not found", error: { code: "not_found" } });
  });

  it("counts verified and batched inferences and lag percentiles over a window, as sent", async () => {
    const status = await api("/verification/status?window=24h");
    const { firstHour, lastHour } = lastDay(status.asOf.timestamp);
    const inWindow = (timestamp: number) => hourOf(timestamp) >= firstHour && hourOf(timestamp) <= lastHour;
    const settled = sent.filter((s) => inWindow(s.blockTimestamp));
    const batched = batches.filter((b) => inWindow(b.blockTimestamp));
    const lags = settled.map((s) => s.blockTimestamp - s.inferenceTimestamp);
    const batchedInferences = batched.reduce((sum, b) => sum + b.size, 0);

    expect(settled.length).toBeGreaterThan(90);
    expect(status.window).toEqual({ name: "24h", from: firstHour * HOUR, to: (lastHour + 1) * HOUR - 1, hours: 24 });
    expect(status.inferences).toEqual({
      verified: settled.length,
      unregisteredVerified: settled.filter((s) => s.teeId === TEE_X).length,
      batched: batchedInferences,
      batches: batched.length,
      total: settled.length + batchedInferences,
      verifiedShare: settled.length / (settled.length + batchedInferences),
    });
    expect(status.lag).toEqual({
      unit: "seconds",
      settlements: settled.length,
      p50: nearestRank(lags, 50),
      p95: nearestRank(lags, 95),
      mean: lags.reduce((a, b) => a + b, 0) / lags.length,
      max: Math.max(...lags),
    });
    expect(status.tees).toEqual({ live: 3, stale: 0, disabled: 0, unregistered: 1, total: 4 });

    // Each named window counts its own hours, though all are read at one position.
    for (const [name, hours] of [
      ["7d", 7 * 24],
      ["30d", 30 * 24],
    ] as const) {
      const named = await api(`/verification/status?window=${name}`);
      const lastHourOfWindow = hourOf(named.asOf.timestamp);
      const counted = sent.filter(
        (s) => hourOf(s.blockTimestamp) > lastHourOfWindow - hours && hourOf(s.blockTimestamp) <= lastHourOfWindow,
      );
      expect(named.window.hours, name).toBe(hours);
      expect(named.inferences.verified, name).toBe(counted.length);
    }
    expect(sent.length, "settlements older than the last 24 hours, so the windows differ").toBeGreaterThan(settled.length);

    // An explicit range holding only the last busy hour.
    const last = sent.at(-1)!.blockTimestamp;
    const lastHourOnly = await api(`/verification/status?from=${hourOf(last) * HOUR}&to=${last}`);
    const lastLags = sent.filter((s) => hourOf(s.blockTimestamp) === hourOf(last)).map((s) => s.blockTimestamp - s.inferenceTimestamp);
    expect(lastHourOnly.inferences.verified).toBe(lastLags.length);
    expect(lastHourOnly.lag.p50).toBe(nearestRank(lastLags, 50));
    expect(lastHourOnly.lag.p95).toBe(nearestRank(lastLags, 95));

    // A window with whole days inside it (read from the daily histogram) and edge hours around them.
    const from = sent[0]!.blockTimestamp - 30 * HOUR;
    const to = last + 30 * HOUR;
    const wide = await api(`/verification/status?from=${from}&to=${to}`);
    const wideLags = sent.filter((s) => hourOf(s.blockTimestamp) >= hourOf(from)).map((s) => s.blockTimestamp - s.inferenceTimestamp);
    expect(wide.inferences.verified).toBe(sent.length);
    expect(wide.lag.p50).toBe(nearestRank(wideLags, 50));
    expect(wide.lag.p95).toBe(nearestRank(wideLags, 95));
  });

  it("counts, as of a block inside an hour, only the settlements mined by that block", async () => {
    og.setTime((hourOf(og.time) + 1) * HOUR + 120);
    const blocks = [];
    for (const [count, batchSize] of [
      [5, 40],
      [7, 25],
    ] as const) {
      for (const teeId of [TEE_A, TEE_B, TEE_C]) await contracts.heartbeat(teeId, og.time - 5);
      for (let n = 0; n < count; n++) await settle(TEE_A, random.int(1, 90));
      await batch(batchSize);
      blocks.push(await mine());
      og.setTime(og.time + 600);
    }
    await stack.sync();
    const [first] = blocks;
    expect(hourOf(first!.timestamp)).toBe(hourOf(blocks[1]!.timestamp));

    const byBlock = await api(`/verification/status?window=24h&atBlock=${first!.number}`);
    expect(await api(`/verification/status?window=24h&at=${first!.timestamp + 1}`)).toEqual(byBlock);
    expect(byBlock.asOf).toEqual({ block: Number(first!.number), timestamp: first!.timestamp });
    const { firstHour, lastHour } = lastDay(first!.timestamp);
    const counted = (timestamp: number) => hourOf(timestamp) >= firstHour && hourOf(timestamp) <= lastHour && timestamp <= first!.timestamp;
    const settled = sent.filter((s) => counted(s.blockTimestamp));
    const batched = batches.filter((b) => counted(b.blockTimestamp));
    const lags = settled.map((s) => s.blockTimestamp - s.inferenceTimestamp);
    const batchedInferences = batched.reduce((sum, b) => sum + b.size, 0);
    expect(byBlock.inferences).toEqual({
      verified: settled.length,
      unregisteredVerified: settled.filter((s) => s.teeId === TEE_X).length,
      batched: batchedInferences,
      batches: batched.length,
      total: settled.length + batchedInferences,
      verifiedShare: settled.length / (settled.length + batchedInferences),
    });
    expect(byBlock.lag).toEqual({
      unit: "seconds",
      settlements: settled.length,
      p50: nearestRank(lags, 50),
      p95: nearestRank(lags, 95),
      mean: lags.reduce((a, b) => a + b, 0) / lags.length,
      max: Math.max(...lags),
    });
    // The block after it, in the same hour, is counted by the live answer.
    const live = await api("/verification/status?window=24h");
    expect(live.inferences.verified).toBe(byBlock.inferences.verified + 7);
  });

  it("serves the hourly history of what was settled, as JSON and CSV", async () => {
    const from = hourOf(sent[0]!.blockTimestamp) * HOUR;
    const to = sent.at(-1)!.blockTimestamp;
    const history = await api(`/verification/history?interval=hour&from=${from}&to=${to}`);
    expect(history.data.length).toBe(hourOf(to) - hourOf(from) + 1);
    for (const row of history.data) {
      const hour = hourOf(row.timestamp);
      const settled = sent.filter((s) => hourOf(s.blockTimestamp) === hour);
      const lags = settled.map((s) => s.blockTimestamp - s.inferenceTimestamp);
      const batched = batches.filter((b) => hourOf(b.blockTimestamp) === hour);
      expect(row).toMatchObject({
        verified: settled.length,
        batches: batched.length,
        batchedInferences: batched.reduce((sum, b) => sum + b.size, 0),
        maxLagSeconds: lags.length ? Math.max(...lags) : null,
        meanLagSeconds: lags.length ? lags.reduce((a, b) => a + b, 0) / lags.length : null,
      });
    }
    const csv = await (await stack.indexer.get(`/api/v1/verification/history?interval=hour&from=${from}&to=${to}&format=csv`)).text();
    const lines = csv.trim().split("\n");
    expect(lines[0]).toContain("verified");
    expect(lines).toHaveLength(history.data.length + 1);

    const daily = await api(`/verification/history?interval=day&from=${from}&to=${to}`);
    const total = daily.data.reduce((sum: number, row: any) => sum + row.verified, 0);
    expect(total).toBe(sent.filter((s) => s.blockTimestamp >= daily.data[0].timestamp && s.blockTimestamp <= to).length);
  });

  it("lists TEEs by state and type, as JSON and CSV", async () => {
    const llm = await api("/verification/tees?type=1");
    expect(llm.data.map((t: any) => t.teeId).sort()).toEqual([TEE_A, TEE_B].sort());
    const liveAgents = await api("/verification/tees?state=live&type=2");
    expect(liveAgents.data.map((t: any) => t.teeId)).toEqual([TEE_C]);
    const all = await api("/verification/tees");
    expect(all.total).toBe(4);
    const a = all.data.find((t: any) => t.teeId === TEE_A);
    expect(a.individualSettlements).toBe(sent.filter((s) => s.teeId === TEE_A).length);
    expect(a.lastSettlementTimestamp).toBe(Math.max(...sent.filter((s) => s.teeId === TEE_A).map((s) => s.blockTimestamp)));
    const csv = await (await stack.indexer.get("/api/v1/verification/tees?format=csv")).text();
    expect(csv.trim().split("\n")).toHaveLength(5);
  });

  it("registering a TEE after its first settlement makes it a registered node", async () => {
    await contracts.register(TEE_X, actor("operator", 9), 2, PCR_AGENT);
    const block = await mineAndSync();
    expect(await contracts.isActive(TEE_X, block.number)).toBe(true);
    expect(await tee(TEE_X)).toMatchObject({ registered: true, state: "live", type: 2, individualSettlements: 1 });
    // The settlement keeps the flag it had when it was settled.
    const lookup = await api(`/verification/inferences/${sent.find((s) => s.teeId === TEE_X)!.outputHash}`);
    expect(lookup.settlements[0].teeRegistered).toBe(false);
  });

  it("agrees with the registry's isTEEActive at every block: late relays, a max-age change, a revoked PCR", async () => {
    const checked: bigint[] = [];
    /** Every TEE's state at the block, from the API, against the registry's view at that same block. */
    async function agreeAt(block?: bigint) {
      const listed = await api(`/verification/tees${block === undefined ? "" : `?atBlock=${block}`}`);
      const at = BigInt(listed.asOf.block);
      if (block !== undefined) expect(at).toBe(block);
      const registered = listed.data.filter((t: any) => t.registered);
      expect(registered.length).toBeGreaterThan(0);
      for (const t of registered) {
        expect({ teeId: t.teeId, block: at, live: t.state === "live" }).toEqual({
          teeId: t.teeId,
          block: at,
          live: await contracts.isActive(t.teeId, at),
        });
      }
      checked.push(at);
    }
    const PCR_LLM_NEXT = id32("pcr:llm:v2");
    const TEE_D = id32("tee:d");
    await contracts.approvePcr(PCR_LLM_NEXT, 1, "v2");
    await contracts.register(TEE_D, actor("operator", 4), 1, PCR_LLM_NEXT);
    for (const teeId of [TEE_A, TEE_B, TEE_C, TEE_X]) await contracts.heartbeat(teeId, og.time - 1);
    await mineAndSync();
    await agreeAt();

    // A heartbeat signed 500 s ago and relayed now refreshes TEE_A as of this block, not as of its signature.
    og.setTime(og.time + 300);
    await contracts.heartbeat(TEE_A, og.time - 500);
    const relayed = await mineAndSync();
    expect((await tee(TEE_A)).lastHeartbeatAt).toBe(relayed.timestamp);
    og.setTime(relayed.timestamp + 200);
    await mineAndSync();
    expect(await stateOf(TEE_A)).toBe("live");
    await agreeAt();

    // The admin halves the max age (no event): the indexer dates the change when it next reconciles.
    await contracts.setMaxAge(MAX_AGE / 2);
    const changed = await mine();
    await stack.sync();
    for (let n = 0; n < RECONCILE_EVERY_BLOCKS; n++) {
      og.setTime(og.time + 60);
      await mineAndSync();
    }
    await agreeAt();
    for (let block = changed.number - 1n; block <= changed.number + 3n; block++) await agreeAt(block);
    expect((await api(`/verification/tees/${TEE_A}`)).heartbeatMaxAgeSeconds).toBe(MAX_AGE / 2);

    // Revoking a PCR disables its TEEs.
    await contracts.heartbeat(TEE_D, og.time - 1);
    await contracts.revokePcr(PCR_LLM_NEXT, 1);
    await mineAndSync();
    expect(await stateOf(TEE_D)).toBe("disabled");
    await agreeAt();

    // Every block checked so far, asked again with atBlock: the past does not move.
    for (const block of checked.slice(0, 3)) await agreeAt(block);
    const past = await api(`/verification/status?atBlock=${checked[0]}`);
    expect(past.asOf.block).toBe(Number(checked[0]));
    const byTime = await api(`/verification/tees?at=${relayed.timestamp}`);
    expect(byTime.asOf).toEqual({ block: Number(relayed.number), timestamp: relayed.timestamp });
  });

  it("answers bad input with 400 and unknown TEEs with 404", async () => {
    const cases: [string, number, string][] = [
      ["/verification/inferences/0x1234", 400, "invalid_hash"],
      ["/verification/inferences/not-a-hash", 400, "invalid_hash"],
      ["/verification/tees/0xzz", 400, "invalid_hash"],
      [`/verification/tees/${id32("nobody")}`, 404, "not_found"],
      ["/verification/tees?state=sleepy", 400, "invalid_parameter"],
      ["/verification/tees?type=abc", 400, "invalid_parameter"],
      ["/verification/tees?type=256", 400, "invalid_parameter"],
      ["/verification/tees?limit=0", 400, "invalid_parameter"],
      ["/verification/status?window=1y", 400, "invalid_parameter"],
      ["/verification/status?window=24h&from=0", 400, "invalid_range"],
      ["/verification/status?from=2000&to=1000", 400, "invalid_range"],
      ["/verification/status?from=yesterday", 400, "invalid_parameter"],
      ["/verification/history?interval=minute", 400, "invalid_parameter"],
      ["/verification/tees?atBlock=99999999", 404, "not_found"],
      ["/verification/status?at=1&atBlock=1", 400, "invalid_parameter"],
      ["/verification/history?interval=hour&from=0&to=99999999", 400, "range_too_large"],
    ];
    for (const [path, status, code] of cases) {
      const response = await stack.indexer.get(`/api/v1${path}`);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(((await response.json()) as any).error.code).toBe(code);
    }
  });
});
