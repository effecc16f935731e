import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Address, parseAbi, parseEther, zeroAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opgTokenAbi } from "../../abis/opgToken";
import { actor, DEPLOYER, TREASURY } from "../../devnet/accounts";
import { type Devnet, startDevnet } from "../../devnet/devnet";
import { createDatabase, Indexer } from "../../devnet/indexer";
import { backends } from "../../devnet/stack";

const tokenAbi = parseAbi([
  "function transfer(address to, uint256 value) returns (bool)",
  "function burn(uint256 value)",
  "function mintZero(address to)",
  "function burnZero()",
]);
const HOUR = 3600;
const holder = (index: number) => actor("asof-holder", index);
const TEAM = holder(1);

describe.each(backends)("as-of answers and settings on %s", (backend) => {
  let devnet: Devnet;
  let token: Address;
  let env: Record<string, string>;
  let indexer: Indexer;
  const cleanups: (() => Promise<void> | void)[] = [];
  /** X: a transfer; E: an empty block 20 s later; Y: a burn and a treasury payout 40 s after that, in the same hour. */
  let blockX: { number: bigint; timestamp: number };
  let blockE: { number: bigint; timestamp: number };
  let blockY: { number: bigint; timestamp: number };
  let T: number;

  const read = (functionName: "totalSupply" | "balanceOf", args: [Address] | [], blockNumber: bigint) =>
    devnet.base.client.readContract({ address: token, abi: opgTokenAbi, functionName, args, blockNumber } as any) as Promise<bigint>;
  const chainTimestamp = async (blockNumber: bigint) => Number((await devnet.base.client.getBlock({ blockNumber })).timestamp);
  const write = (from: Address, functionName: "transfer" | "burn" | "mintZero" | "burnZero", args: readonly unknown[]) =>
    devnet.base.write(from, token, tokenAbi, functionName, args as any);

  async function database(): Promise<{ pgliteDirectory?: string; databaseUrl?: string }> {
    if (backend === "postgres") {
      const created = await createDatabase(process.env.DATABASE_URL!);
      cleanups.push(created.drop);
      return { databaseUrl: created.url };
    }
    const directory = mkdtempSync(path.join(os.tmpdir(), "opg-asof-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    return { pgliteDirectory: directory };
  }

  async function start(extraEnv: Record<string, string>, db: { pgliteDirectory?: string; databaseUrl?: string }) {
    const started = await Indexer.start({ ...env, ...extraEnv }, db);
    cleanups.push(() => started.stop());
    await started.waitForBlocks({ base: await devnet.base.blockNumber() });
    return started;
  }

  let persistent: { pgliteDirectory?: string; databaseUrl?: string };

  beforeAll(async () => {
    devnet = await startDevnet();
    token = await devnet.base.deploy(DEPLOYER, devnet.artifacts.OPGTokenWithZeroMints!, [TREASURY]);
    // Only the token: the other sources are not what this suite is about.
    env = {
      ...devnet.env,
      OPG_TOKEN_ADDRESS: token,
      X402_PROXY_ADDRESSES: "",
      SETTLEMENT_RELAY_ADDRESS: "",
      TEE_REGISTRY_ADDRESS: "",
      STAKING_ADDRESS: "",
      DISTRIBUTION_ADDRESS: "",
    };
    for (let i = 0; i < 6; i++) await write(TREASURY, "transfer", [holder(i), parseEther(String(1000 * (i + 1)))]);
    await devnet.base.mine();
    // Zero-value mint and burn: Transfer(0x0 -> A, 0) and Transfer(B -> 0x0, 0).
    await write(DEPLOYER, "mintZero", [holder(7)]);
    await write(holder(0), "burnZero", []);
    await devnet.base.mine();

    devnet.base.setTime((Math.floor(devnet.base.time / HOUR) + 1) * HOUR + 100);
    await write(holder(2), "transfer", [holder(3), parseEther("10")]);
    // A transfer to itself, then one out in the same block: its balance after the block is the second's.
    await write(holder(4), "transfer", [holder(4), parseEther("7")]);
    await write(holder(4), "transfer", [holder(5), parseEther("2")]);
    blockX = await devnet.base.mine();
    await write(holder(5), "transfer", [holder(5), parseEther("1")]);
    devnet.base.advance(20);
    blockE = await devnet.base.mine();
    devnet.base.advance(40);
    await write(holder(3), "burn", [parseEther("25")]);
    await write(TREASURY, "transfer", [TEAM, parseEther("500")]);
    blockY = await devnet.base.mine();
    T = blockE.timestamp + 10;
    devnet.base.advance(600);
    await devnet.base.mine();

    persistent = await database();
    indexer = await start({}, persistent);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await devnet?.stop();
  });

  it("answers at= with the last block at or before T, exact to the block, excluding a burn mined 50 s later in the same hour", async () => {
    expect(Math.floor(blockY.timestamp / HOUR)).toBe(Math.floor(T / HOUR));
    const [totalAtE, totalAtY] = [await read("totalSupply", [], blockE.number), await read("totalSupply", [], blockY.number)];
    expect(totalAtY).not.toBe(totalAtE);

    const supply = await indexer.json(`/api/v1/supply?at=${T}`);
    expect(supply.asOf).toEqual({ block: Number(blockE.number), timestamp: await chainTimestamp(blockE.number) });
    expect(supply.totalSupply).toBe(totalAtE.toString());
    expect(supply.circulatingSupply).toBe((totalAtE - (await read("balanceOf", [TREASURY], blockE.number))).toString());

    const account = await indexer.json(`/api/v1/accounts/${holder(3)}?at=${T}`);
    expect(account.asOf.block).toBe(Number(blockE.number));
    expect(account.balance).toBe((await read("balanceOf", [holder(3)], blockE.number)).toString());
    expect(account.balance).not.toBe((await read("balanceOf", [holder(3)], blockY.number)).toString());
    expect(account.recentTransfers.every((t: { block: number }) => t.block <= Number(blockE.number))).toBe(true);
  });

  it("answers atBlock= with that block's own number and timestamp", async () => {
    for (const block of [blockX, blockE, blockY]) {
      const supply = await indexer.json(`/api/v1/supply?atBlock=${block.number}`);
      expect(supply.asOf).toEqual({ block: Number(block.number), timestamp: await chainTimestamp(block.number) });
      expect(supply.totalSupply).toBe((await read("totalSupply", [], block.number)).toString());
      for (const address of [TREASURY, holder(4), holder(5)]) {
        const account = await indexer.json(`/api/v1/accounts/${address}?atBlock=${block.number}`);
        expect(account.balance, address).toBe((await read("balanceOf", [address], block.number)).toString());
      }
    }
    const head = await devnet.base.blockNumber();
    expect((await indexer.get(`/api/v1/supply?atBlock=${head + 100n}`)).status).toBe(404);
    expect((await indexer.get(`/api/v1/supply?at=${T}&atBlock=1`)).status).toBe(400);
    expect((await indexer.get(`/api/v1/accounts/${TEAM}?atBlock=1`)).status).toBe(404);
  });

  it("decides mint and burn by the zero address: zero-value transfers from or to 0x0 create no account and no holder", async () => {
    expect((await indexer.get(`/api/v1/accounts/${zeroAddress}`)).status).toBe(404);
    const head = await devnet.base.blockNumber();
    let holders = 0;
    for (const address of [TREASURY, ...Array.from({ length: 8 }, (_, i) => holder(i))]) {
      if ((await read("balanceOf", [address], head)) > 0n) holders++;
    }
    const supply = await indexer.json("/api/v1/supply");
    expect(supply.holders).toBe(holders);
    expect(supply.totalSupply).toBe((await read("totalSupply", [], head)).toString());
    const zeroMinted = await indexer.json(`/api/v1/accounts/${holder(7)}`);
    expect(zeroMinted.balance).toBe("0");
  });

  it("answers at= inside a run of blocks without a transfer, exact to the block, between the transfer blocks around it", async () => {
    // Three blocks without an OPG transfer, 30 s apart, then one with: the indexed blocks bracket the
    // time and the blocks between them are asked of the chain.
    const empty: { number: bigint; timestamp: number }[] = [];
    for (let i = 0; i < 3; i++) {
      devnet.base.advance(30);
      empty.push(await devnet.base.mine());
    }
    devnet.base.advance(30);
    await write(holder(2), "transfer", [holder(3), parseEther("1")]);
    const withTransfer = await devnet.base.mine();
    await indexer.waitForBlocks({ base: withTransfer.number });

    for (const [at, block] of [
      ...empty.map((b) => [b.timestamp + 1, b.number] as const),
      [withTransfer.timestamp - 1, empty[2]!.number] as const,
      [withTransfer.timestamp, withTransfer.number] as const,
    ]) {
      const supply = await indexer.json(`/api/v1/supply?at=${at}`);
      expect(supply.asOf, `at=${at}`).toEqual({ block: Number(block), timestamp: await chainTimestamp(block) });
      const total = await read("totalSupply", [], block);
      const treasury = await read("balanceOf", [TREASURY], block);
      expect(supply.totalSupply).toBe(total.toString());
      expect(supply.nonCirculating.accounts.map((a: { balance: string }) => a.balance)).toEqual([treasury.toString()]);
      expect(supply.circulatingSupply).toBe((total - treasury).toString());
      const account = await indexer.json(`/api/v1/accounts/${holder(3)}?at=${at}`);
      expect(account.balance, `at=${at}`).toBe((await read("balanceOf", [holder(3)], block)).toString());
    }
  });

  it("answers at= before the token's first transfer with nothing minted and nothing held", async () => {
    const [first] = await devnet.base.client.getLogs({ address: token, fromBlock: 0n });
    const before = first!.blockNumber - 1n;
    const supply = await indexer.json(`/api/v1/supply?at=${(await chainTimestamp(first!.blockNumber)) - 1}`);
    expect(supply.asOf).toEqual({ block: Number(before), timestamp: await chainTimestamp(before) });
    expect(await devnet.base.client.getLogs({ address: token, fromBlock: 0n, toBlock: before })).toHaveLength(0);
    expect([supply.totalSupply, supply.circulatingSupply, supply.minted, supply.holders]).toEqual(["0", "0", "0", 0]);
    expect(supply.nonCirculating.accounts.map((a: { balance: string }) => a.balance)).toEqual(["0"]);
  });

  it("applies a changed NON_CIRCULATING_ADDRESSES to current and past answers after a restart, as a fresh index does", async () => {
    await indexer.stop();
    const list = { NON_CIRCULATING_ADDRESSES: `treasury:${TREASURY},team:${TEAM}` };
    await write(TREASURY, "transfer", [TEAM, parseEther("250")]);
    devnet.base.advance(60);
    await devnet.base.mine();
    const restarted = await start(list, persistent);
    const fresh = await start(list, await database());

    const head = await devnet.base.blockNumber();
    for (const [query, block] of [
      ["", head],
      [`?at=${T}`, blockE.number],
      [`?atBlock=${blockY.number}`, blockY.number],
    ] as const) {
      const answer = await restarted.json(`/api/v1/supply${query}`);
      expect(answer).toEqual(await fresh.json(`/api/v1/supply${query}`));
      const total = await read("totalSupply", [], block);
      const listed = (await read("balanceOf", [TREASURY], block)) + (await read("balanceOf", [TEAM], block));
      expect(answer.circulatingSupply, query).toBe((total - listed).toString());
    }
    const history = `/api/v1/supply/history?interval=hour&from=${blockX.timestamp - 2 * HOUR}&to=${Number((await devnet.base.client.getBlock({ blockNumber: head })).timestamp)}`;
    const series = await restarted.json(history);
    expect(series).toEqual(await fresh.json(history));
    // Every hour's close, from the token's views at the last block mined by then.
    const headTimestamp = Number((await devnet.base.client.getBlock({ blockNumber: head })).timestamp);
    const blockTimes: number[] = [];
    for (let number = 0n; number <= head; number++) {
      blockTimes.push(Number((await devnet.base.client.getBlock({ blockNumber: number })).timestamp));
    }
    const closes = series.data.filter((row: { totalSupply: string | null }) => row.totalSupply !== null);
    expect(closes.length).toBeGreaterThanOrEqual(2);
    for (const row of closes) {
      const close = Math.min(row.timestamp + HOUR, headTimestamp + 1) - 1;
      const block = BigInt(blockTimes.filter((timestamp) => timestamp <= close).length - 1);
      const expected =
        (await read("totalSupply", [], block)) - (await read("balanceOf", [TREASURY], block)) - (await read("balanceOf", [TEAM], block));
      expect(row.circulatingSupply, `hour ${row.timestamp}`).toBe(expected.toString());
    }
  });
});
