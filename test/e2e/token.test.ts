import { type Address, erc20Abi, parseAbiItem } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TREASURY } from "../../devnet/accounts";
import { Random } from "../../devnet/random";
import { holder, TokenTraffic } from "../../devnet/simulate/token";
import { backends, type Stack, startStack } from "../../devnet/stack";
import { OPG_MAX_SUPPLY } from "../../lib/supply";

const SEED = Number(process.env.TEST_SEED ?? 20261123);
const DAY = 86_400;

// Expectations are computed here, not with lib/time or lib/supply: UTC days since the epoch, weeks
// from Monday (the epoch fell on a Thursday), and amounts as a decimal split at the token's decimals.
const dayStart = (timestamp: number) => Math.floor(timestamp / DAY) * DAY;
const weekStart = (timestamp: number) => {
  const day = Math.floor(timestamp / DAY);
  return (day - ((day + 3) % 7)) * DAY;
};
function decimalAmount(amount: bigint, decimals: number): string {
  const digits = amount.toString().padStart(decimals + 1, "0");
  const fraction = digits.slice(-decimals).replace(/0+$/, "");
  return digits.slice(0, -decimals) + (fraction ? `.${fraction}` : "");
}

const transferEvent = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");

describe.each(backends)("OPG token on %s", (backend) => {
  let stack: Stack;
  let traffic: TokenTraffic;
  let head: bigint;
  const mined: { number: bigint; timestamp: number }[] = [];

  const read = (functionName: "totalSupply" | "balanceOf" | "decimals", args: readonly [Address] | [] = [], blockNumber = head) =>
    stack.devnet.base.client.readContract({
      address: stack.devnet.token,
      abi: erc20Abi,
      functionName,
      args,
      blockNumber,
    } as any) as Promise<bigint>;

  /** The token's Transfer logs as the chain returns them (`eth_getLogs`), by default up to the head the tests read. */
  const transferLogs = (fromBlock = 0n, toBlock = head) =>
    stack.devnet.base.client.getLogs({ address: stack.devnet.token, event: transferEvent, fromBlock, toBlock });

  beforeAll(async () => {
    const random = new Random(SEED);
    stack = await startStack(backend, async (devnet) => {
      // History the indexer backfills: the treasury seeds holders and a day of trading follows.
      traffic = new TokenTraffic(devnet, random, 25);
      await traffic.seed(OPG_MAX_SUPPLY);
      mined.push(await devnet.base.mine());
      for (let hour = 0; hour < 24; hour++) {
        await traffic.step(random.int(0, 6));
        devnet.base.advance(3600);
        mined.push(await devnet.base.mine());
      }
    });
    // Live traffic the indexer follows in realtime: several days of transfers, burns and churn.
    for (let block = 0; block < 40; block++) {
      await traffic.step(random.int(1, 8));
      if (block % 7 === 3) await traffic.transfer(holder(random.int(0, 24)), holder(random.int(0, 24)), 0n);
      stack.devnet.base.advance(random.int(600, 4 * 3600));
      mined.push(await stack.devnet.base.mine());
    }
    await stack.sync();
    head = await stack.devnet.base.blockNumber();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("reports the token's own totalSupply, minted and burned at the indexed block", async () => {
    const supply = await stack.indexer.json("/api/v1/supply");
    const totalSupply = await read("totalSupply");
    expect(supply.asOf.block).toBe(Number(head));
    expect(supply.totalSupply).toBe(totalSupply.toString());
    // Minted and burned as the chain logged them: transfers from and to the zero address.
    const logs = await transferLogs();
    const zero = "0x0000000000000000000000000000000000000000";
    const sum = (side: "from" | "to") => logs.filter((log) => log.args[side] === zero).reduce((total, log) => total + log.args.value!, 0n);
    expect(supply.minted).toBe(sum("from").toString());
    expect(supply.burned).toBe(sum("to").toString());
    expect(sum("from") - sum("to")).toBe(totalSupply);
    expect(BigInt(supply.burned)).toBeGreaterThan(0n);
    // OPG's fixed supply: one billion tokens of 18 decimals.
    expect(supply.maxSupply).toBe((1_000_000_000n * 10n ** 18n).toString());
    expect(supply.decimals).toBe(18);

    const treasury = await read("balanceOf", [TREASURY]);
    expect(supply.circulatingSupply).toBe((totalSupply - treasury).toString());
    expect(supply.nonCirculating).toEqual({
      total: treasury.toString(),
      accounts: [{ label: "treasury", address: TREASURY, balance: treasury.toString() }],
    });
  });

  it("serves total and circulating supply as plain whole OPG", async () => {
    const totalSupply = await read("totalSupply");
    const treasury = await read("balanceOf", [TREASURY]);
    const decimals = Number(await read("decimals"));
    const total = await stack.indexer.get("/api/v1/supply/total");
    expect(total.headers.get("content-type")).toContain("text/plain");
    expect(await total.text()).toBe(decimalAmount(totalSupply, decimals));
    expect(await (await stack.indexer.get("/api/v1/supply/circulating")).text()).toBe(decimalAmount(totalSupply - treasury, decimals));
  });

  it("matches balanceOf for every account the workload touched, and counts holders", async () => {
    let holders = 0;
    for (const address of traffic.touched) {
      const balance = await read("balanceOf", [address]);
      if (balance > 0n) holders++;
      const account = await stack.indexer.json(`/api/v1/accounts/${address}`);
      expect(account.balance, address).toBe(balance.toString());
      expect(account.recentTransfers.length).toBeGreaterThan(0);
    }
    const supply = await stack.indexer.json("/api/v1/supply");
    expect(supply.holders).toBe(holders);
  });

  it("ranks holders by balance, the same through REST and GraphQL", async () => {
    const top = await stack.indexer.json("/api/v1/holders/top?limit=5");
    expect(top.data).toHaveLength(5);
    const balances = top.data.map((row: { balance: string }) => BigInt(row.balance));
    expect([...balances].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(balances);
    for (const row of top.data) expect(row.balance).toBe((await read("balanceOf", [row.address])).toString());

    // The same document twice: the first answer comes through graphql-yoga, the repeat is run directly
    // (patches/ponder+0.16.10.patch); both must rank as the chain does.
    const query =
      'query Top($limit: Int) { accounts(orderBy: "balance", orderDirection: "desc", limit: $limit) { items { address balance } } }';
    for (const limit of [5, 3]) {
      const response = await fetch(`${stack.indexer.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables: { limit } }),
      });
      const body = (await response.json()) as { data: { accounts: { items: { address: string; balance: string }[] } } };
      expect(body.data.accounts.items.map((item) => [item.address.toLowerCase(), item.balance])).toEqual(
        top.data.slice(0, limit).map((row: { address: string; balance: string }) => [row.address, row.balance]),
      );
    }
  });

  it("pages an account's transfers over GraphQL, a few fields at a time, as the chain's Transfer logs list them", async () => {
    const logs = await transferLogs();
    const sent = new Map<string, typeof logs>();
    for (const log of logs) {
      const from = log.args.from!.toLowerCase();
      if (BigInt(from) === 0n) continue;
      sent.set(from, [...(sent.get(from) ?? []), log]);
    }
    const [sender, own] = [...sent].sort((a, b) => b[1].length - a[1].length)[0]!;
    expect(own.length).toBeGreaterThan(8);

    // Items name neither the key nor the order's column: the pages' cursors are made of both all the same.
    const query = `query Sent($from: String, $after: String) {
      transfers(where: { from: $from }, orderBy: "blockNumber", limit: 4, after: $after) {
        totalCount items { to amount logIndex } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      totalCount: number;
      items: { to: string; amount: string; logIndex: number }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    const items: Page["items"] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const response = await fetch(`${stack.indexer.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables: { from: sender, after } }),
      });
      const body = (await response.json()) as { data: { transfers: Page }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data.transfers.totalCount).toBe(own.length);
      items.push(...body.data.transfers.items);
      if (!body.data.transfers.pageInfo.hasNextPage) break;
      after = body.data.transfers.pageInfo.endCursor;
    }
    const asTuples = (rows: { to: string; amount: string; logIndex: number }[]) =>
      rows.map((row) => `${row.logIndex}:${row.to.toLowerCase()}:${row.amount}`).sort();
    expect(asTuples(items)).toEqual(
      asTuples(own.map((log) => ({ to: log.args.to!, amount: log.args.value!.toString(), logIndex: log.logIndex! }))),
    );
  });

  it("rolls hourly buckets up to days whose closing supply is totalSupply at each day's last block", async () => {
    const from = mined[0]!.timestamp;
    const to = mined.at(-1)!.timestamp;
    const history = await stack.indexer.json(`/api/v1/supply/history?interval=day&from=${from}&to=${to}`);
    const days: { timestamp: number; totalSupply: string; minted: string; burned: string; transferCount: number }[] = history.data;

    let expected = dayStart(from);
    for (const day of days) {
      expect(day.timestamp).toBe(expected);
      expected += DAY;
      const lastBlock = mined.filter((block) => block.timestamp < day.timestamp + DAY).at(-1)!;
      expect(day.totalSupply, new Date(day.timestamp * 1000).toISOString()).toBe(
        (await read("totalSupply", [], lastBlock.number)).toString(),
      );
    }
    expect(days.at(-1)!.timestamp).toBe(dayStart(to));

    const logs = await transferLogs();
    const totalSupply = await read("totalSupply");
    const sum = (key: "minted" | "burned") => days.reduce((acc, day) => acc + BigInt(day[key]), 0n);
    expect(days.reduce((acc, day) => acc + day.transferCount, 0)).toBe(logs.length);
    expect(sum("minted") - sum("burned")).toBe(totalSupply);

    const hourly = await stack.indexer.json(`/api/v1/supply/history?interval=hour&from=${from}&to=${to}`);
    expect(hourly.data.reduce((acc: number, hour: { transferCount: number }) => acc + hour.transferCount, 0)).toBe(logs.length);
    expect(hourly.data.at(-1).totalSupply).toBe(totalSupply.toString());
    const weekly = await stack.indexer.json(`/api/v1/supply/history?interval=week&from=${from}&to=${to}`);
    expect(weekly.data.at(-1).totalSupply).toBe(totalSupply.toString());

    // Hours after the last transfer have no bucket: their closing supply carries over from the last
    // bucket before the range, which the range's own statement reads.
    const after = await stack.indexer.json(`/api/v1/supply/history?interval=hour&from=${to + 2 * 3600}&to=${to + 4 * 3600}`);
    const circulating = totalSupply - (await read("balanceOf", [TREASURY]));
    expect(after.data).toHaveLength(3);
    for (const hour of after.data) {
      expect(hour.transferCount).toBe(0);
      expect(hour.totalSupply).toBe(totalSupply.toString());
      expect(hour.circulatingSupply).toBe(circulating.toString());
    }
  });

  it("serves every hour, the open one included, and every block's supply, the latest included, over GraphQL", async () => {
    const logs = await transferLogs();
    const lastLog = logs.at(-1)!;
    const lastHour = Math.floor(Number((await stack.devnet.base.client.getBlock({ blockNumber: lastLog.blockNumber })).timestamp) / 3600);
    const inLastHour = [];
    for (const log of logs) {
      const block = mined.find((b) => b.number === log.blockNumber);
      const timestamp = block
        ? block.timestamp
        : Number((await stack.devnet.base.client.getBlock({ blockNumber: log.blockNumber })).timestamp);
      if (Math.floor(timestamp / 3600) === lastHour) inLastHour.push(log);
    }
    const query = `{
      tokenHourlys(where: { id_gte: ${lastHour - 1} }, orderBy: "id", limit: 5) { items { id transferCount totalSupply lastBlock } }
      supplyBlocks(orderBy: "id", orderDirection: "desc", limit: 2) { items { id totalSupply } }
    }`;
    const response = await fetch(`${stack.indexer.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const { data } = (await response.json()) as {
      data: {
        tokenHourlys: { items: { id: number; transferCount: number; totalSupply: string; lastBlock: string }[] };
        supplyBlocks: { items: { id: string; totalSupply: string }[] };
      };
    };
    const open = data.tokenHourlys.items.at(-1)!;
    expect(open.id).toBe(lastHour);
    expect(open.transferCount).toBe(inLastHour.length);
    expect(open.lastBlock).toBe(lastLog.blockNumber.toString());
    expect(open.totalSupply).toBe((await read("totalSupply", [], lastLog.blockNumber)).toString());
    for (const row of data.supplyBlocks.items) {
      expect(row.totalSupply, `block ${row.id}`).toBe((await read("totalSupply", [], BigInt(row.id))).toString());
    }
    expect(data.supplyBlocks.items[0]!.id).toBe(lastLog.blockNumber.toString());
  });

  it("answers past supply exact to the block with at= and atBlock=", async () => {
    const middle = mined[Math.floor(mined.length / 2)]!;
    const byBlock = await stack.indexer.json(`/api/v1/supply?atBlock=${middle.number}`);
    expect(byBlock.asOf).toEqual({ block: Number(middle.number), timestamp: middle.timestamp });
    expect(byBlock.totalSupply).toBe((await read("totalSupply", [], middle.number)).toString());
    const byTime = await stack.indexer.json(`/api/v1/supply?at=${middle.timestamp}`);
    expect(byTime).toEqual(byBlock);
  });

  it("starts a series without from at the first period with data", async () => {
    const weekly = await stack.indexer.json("/api/v1/supply/history?interval=week");
    expect(weekly.data[0].timestamp).toBe(weekStart(mined[0]!.timestamp));
    expect(weekly.data[0].totalSupply).not.toBeNull();
    const explicit = await stack.indexer.json(`/api/v1/supply/history?interval=week&from=${mined[0]!.timestamp - 60 * 86_400}`);
    expect(explicit.data[0].totalSupply).toBeNull();
  });

  it("exports series as CSV", async () => {
    const response = await stack.indexer.get("/api/v1/supply/history?interval=day&format=csv");
    expect(response.headers.get("content-type")).toContain("text/csv");
    const lines = (await response.text()).trim().split("\n");
    expect(lines[0]).toBe("timestamp,time,transferCount,transferVolume,minted,burned,totalSupply,circulatingSupply,holders");
    expect(lines.length).toBeGreaterThan(1);
  });

  it.each(["/api/v1/supply", "/api/v1/supply/history?interval=hour"])("answers a repeated %s with 304", async (path) => {
    const first = await stack.indexer.get(path);
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    expect(first.headers.get("cache-control")).toContain("max-age");
    const again = await fetch(`${stack.indexer.url}${path}`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    const other = await fetch(`${stack.indexer.url}${path}`, { headers: { "if-none-match": 'W/"another"' } });
    expect(other.status).toBe(200);
  });

  it.each([
    ["/api/v1/supply/history?interval=year", 400, "invalid_parameter"],
    ["/api/v1/supply/history?interval=day&from=2000&to=1000", 400, "invalid_range"],
    ["/api/v1/supply/history?from=yesterday", 400, "invalid_parameter"],
    ["/api/v1/supply/history?interval=hour&from=0&to=1900000000", 400, "range_too_large"],
    ["/api/v1/supply?atBlock=-1", 400, "invalid_parameter"],
    ["/api/v1/accounts/0x123", 400, "invalid_address"],
    ["/api/v1/accounts/0x000000000000000000000000000000000000dEaD", 404, "not_found"],
    ["/api/v1/holders/top?limit=100000", 400, "invalid_parameter"],
    ["/api/v1/holders/top?limit=ten", 400, "invalid_parameter"],
    ["/api/v1/holders/top?format=xml", 400, "invalid_parameter"],
    ["/api/v1/no-such-thing", 404, "not_found"],
  ])("answers %s with %i", async (path, status, code) => {
    const response = await stack.indexer.get(path);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  // Last: it mines more blocks. Final periods (ended before Ponder's finalized block) are remembered
  // between answers; the open hour, and hours a reorg could still reach, must be read again.
  it("answers a series' final hours as a fresh read does, and reads again the hours still changing", async () => {
    const from = mined[0]!.timestamp;
    const series = async () => (await stack.indexer.json(`/api/v1/supply/history?interval=hour&from=${from}`)).data;
    type Hour = { timestamp: number; transferCount: number; totalSupply: string; circulatingSupply: string };
    const expectMatchesChain = async (hours: Hour[]) => {
      for (const hour of hours) {
        const last = mined.filter((block) => block.timestamp < hour.timestamp + 3600).at(-1)!;
        const at = new Date(hour.timestamp * 1000).toISOString();
        const totalSupply = await read("totalSupply", [], last.number);
        expect(hour.totalSupply, at).toBe(totalSupply.toString());
        expect(hour.circulatingSupply, at).toBe((totalSupply - (await read("balanceOf", [TREASURY], last.number))).toString());
      }
    };
    const before: Hour[] = await series();
    expect(await series()).toEqual(before);

    // More transfers in the open hour: its row changes; no earlier row does.
    await traffic.step(6);
    await traffic.transfer(TREASURY, holder(0), 10n ** 18n);
    mined.push(await stack.devnet.base.mine());
    await stack.sync();
    head = await stack.devnet.base.blockNumber();
    const after: Hour[] = await series();
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
    const lastHour = after.at(-1)!.timestamp;
    const inLastHour = mined.filter((block) => block.timestamp >= lastHour && block.timestamp < lastHour + 3600);
    const logs = await transferLogs(inLastHour[0]!.number, inLastHour.at(-1)!.number);
    expect(after.at(-1)!.transferCount).toBe(logs.length);
    await expectMatchesChain(after);

    // The ranking is shared per indexed position: after the new block it holds the new balances.
    const top = await stack.indexer.json("/api/v1/holders/top?limit=3");
    expect(top.asOf.block).toBe(Number(head));
    for (const row of top.data) expect(row.balance, row.address).toBe((await read("balanceOf", [row.address])).toString());
    expect(top.data.map((row: { address: string }) => row.address)).toContain(TREASURY.toLowerCase());
  });
});
