import { type Address, type Hex, parseAbiItem, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actor, DEPLOYER, TREASURY } from "../../devnet/accounts";
import type { Devnet } from "../../devnet/devnet";
import { erc20Abi, FACILITATOR, FeePayments, feePayee, feePayer, type Scheme, x402DoubleAbi } from "../../devnet/fees";
import { Random } from "../../devnet/random";
import { backends, type Stack, startStack } from "../../devnet/stack";

const SEED = Number(process.env.TEST_SEED ?? 3_402);
const HOUR = 3600;
const DAY = 86_400;
const PAYERS = 7;
const PAYEES = 3;

/** What the test sent, in the shape it expects the indexer to have recorded. */
type Sent = {
  payer: Address | null;
  payee: Address | null;
  amount: bigint;
  scheme: Scheme;
  withPermit: boolean;
  timestamp: number;
  hash: Hex;
};

// Bucket starts computed here, independently of lib/time: days since the epoch, weeks from Monday
// (the epoch fell on a Thursday), months from the calendar.
const bucketStart = {
  hour: (t: number) => Math.floor(t / HOUR) * HOUR,
  day: (t: number) => Math.floor(t / DAY) * DAY,
  week: (t: number) => {
    const day = Math.floor(t / DAY);
    return (day - ((day + 3) % 7)) * DAY;
  },
  month: (t: number) => {
    const date = new Date(t * 1000);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / 1000;
  },
};
type Interval = keyof typeof bucketStart;
const bucketAfter = (start: number, interval: Interval) =>
  interval === "month" ? bucketStart.month(start + 32 * DAY) : start + { hour: HOUR, day: DAY, week: 7 * DAY }[interval];

function expectedBuckets(sent: Sent[], others: number[], interval: Interval, from: number, to: number) {
  const buckets = [];
  for (let start = bucketStart[interval](from); start <= to; start = bucketAfter(start, interval)) {
    const inBucket = sent.filter((p) => bucketStart[interval](p.timestamp) === start);
    const paid = inBucket.filter((p) => p.payer !== null);
    const amounts = paid.map((p) => p.amount);
    const volume = amounts.reduce((a, b) => a + b, 0n);
    buckets.push({
      timestamp: start,
      volume: volume.toString(),
      count: paid.length,
      uniquePayers: new Set(paid.map((p) => p.payer)).size,
      average: (paid.length ? volume / BigInt(paid.length) : 0n).toString(),
      // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min and Math.max reject
      minAmount: (amounts.length ? amounts.reduce((a, b) => (b < a ? b : a)) : 0n).toString(),
      // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min and Math.max reject
      maxAmount: (amounts.length ? amounts.reduce((a, b) => (b > a ? b : a)) : 0n).toString(),
      anomalies: inBucket.length - paid.length,
      otherTokenSettlements: others.filter((t) => bucketStart[interval](t) === start).length,
    });
  }
  return buckets;
}

function totalsByParty(sent: Sent[], key: "payer" | "payee") {
  const totals = new Map<string, { volume: bigint; count: number; first: number; last: number }>();
  for (const p of sent) {
    const address = p[key];
    if (!address) continue;
    const entry = totals.get(address) ?? { volume: 0n, count: 0, first: p.timestamp, last: p.timestamp };
    entry.volume += p.amount;
    entry.count += 1;
    entry.last = p.timestamp;
    totals.set(address, entry);
  }
  return [...totals.entries()]
    .sort(([a, x], [b, y]) => (x.volume === y.volume ? (a < b ? -1 : 1) : x.volume > y.volume ? -1 : 1))
    .map(([address, t], index) => ({
      rank: index + 1,
      [key]: address,
      volume: t.volume.toString(),
      count: t.count,
      firstPayment: t.first,
      lastPayment: t.last,
    }));
}

function ratio(current: bigint, previous: bigint) {
  return previous === 0n ? null : Number(((current - previous) * 1_000_000n) / previous) / 1_000_000;
}

describe.each(backends)("x402 fees on %s", (backend) => {
  let stack: Stack;
  const random = new Random(SEED);
  const sent: Sent[] = [];
  let firstDay = 0;
  let lastTimestamp = 0;
  let foreignHash: Hex;
  let emptyHash: Hex;
  let otherTokenHash: Hex;
  /** An ERC-20 other than OPG, approved to the exact proxy by its holder: payments in another token. */
  let foreign: Address;
  /** Timestamps of settlements in transactions that moved no OPG: payments in other tokens. */
  const others: number[] = [];

  /** A few hours of each day, a few payments an hour; one batch transaction (T S T S) per day. */
  async function payDays(devnet: Devnet, days: number[]) {
    const payments = new FeePayments(devnet);
    for (const day of days) {
      const hours = [...new Set(Array.from({ length: 5 }, () => random.int(0, 23)))].sort((a, b) => a - b);
      for (const [position, hour] of hours.entries()) {
        devnet.base.setTime(firstDay + day * DAY + hour * HOUR + random.int(0, 1800));
        const pending: Omit<Sent, "timestamp">[] = [];
        for (let n = random.int(1, 4); n > 0; n--) {
          pending.push(
            await payments.pay({
              payer: feePayer(random.int(0, PAYERS - 1)),
              payee: feePayee(random.int(0, PAYEES - 1)),
              amount: parseEther(String(random.int(1, 500))) / 100n + BigInt(random.int(0, 999)),
              scheme: random.pick(["exact", "upto"] as const),
              withPermit: random.next() < 0.3,
            }),
          );
        }
        if (position === 0) {
          const batch = [0, 1].map(() => ({
            payer: feePayer(random.int(0, PAYERS - 1)),
            payee: feePayee(0),
            amount: BigInt(random.int(1, 10 ** 9)),
          }));
          const hash = await payments.payBatch("upto", true, batch);
          pending.push(...batch.map((p) => ({ ...p, scheme: "upto" as const, withPermit: true, hash })));
        }
        const block = await devnet.base.mine();
        sent.push(...pending.map((p) => ({ ...p, timestamp: block.timestamp })));
        lastTimestamp = block.timestamp;
      }
    }
  }

  beforeAll(async () => {
    stack = await startStack(backend, async (devnet) => {
      for (let i = 0; i < PAYERS; i++) {
        await devnet.base.write(TREASURY, devnet.token, erc20Abi, "transfer", [feePayer(i), parseEther("100000")]);
        await new FeePayments(devnet).approveProxies(feePayer(i));
      }
      await devnet.base.mine();
      // Start on a Saturday so five days span two ISO weeks.
      const day = Math.floor(devnet.base.time / DAY) + 1;
      firstDay = (day + ((5 - ((day + 3) % 7) + 7) % 7)) * DAY;
      await payDays(devnet, [0, 1, 2]);
    });

    // Followed live: two more days, a receipt that also moves another token, and a settlement that moves nothing.
    const { devnet } = stack;
    await payDays(devnet, [3, 4]);

    const foreignHolder = actor("foreign-holder");
    foreign = await devnet.base.deploy(DEPLOYER, devnet.artifacts.OPGToken!, [foreignHolder]);
    await devnet.base.write(foreignHolder, foreign, erc20Abi, "approve", [devnet.x402.exact, parseEther("2000")]);
    await devnet.base.mine();
    devnet.base.setTime(firstDay + 4 * DAY + 22 * HOUR);
    const payer = feePayer(0);
    const amount = 123_456_789n;
    foreignHash = await devnet.base.write(FACILITATOR, devnet.x402.exact, x402DoubleAbi, "settleBeside", [
      devnet.token,
      payer,
      feePayee(1),
      amount,
      foreign,
      foreignHolder,
      actor("foreign-sink"),
      parseEther("1000"),
    ]);
    emptyHash = await devnet.base.write(FACILITATOR, devnet.x402.exact, x402DoubleAbi, "settleNothing", []);
    // The proxies are shared: a seller paid in another ERC-20 goes through the same contract.
    otherTokenHash = await devnet.base.write(FACILITATOR, devnet.x402.exact, x402DoubleAbi, "settle", [
      foreign,
      foreignHolder,
      feePayee(2),
      parseEther("7"),
    ]);
    const block = await devnet.base.mine();
    sent.push({ payer, payee: feePayee(1), amount, scheme: "exact", withPermit: false, timestamp: block.timestamp, hash: foreignHash });
    others.push(block.timestamp, block.timestamp);
    lastTimestamp = block.timestamp;
    await stack.sync();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("records one row per settlement with payer, payee, amount, scheme and permit flag", async () => {
    const response = await fetch(`${stack.indexer.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{ feePayments(limit: 1000, orderBy: "id") { items { payer payee amount scheme withPermit anomaly timestamp transactionHash proxy } } }`,
      }),
    });
    const rows = ((await response.json()) as any).data.feePayments.items as any[];
    const key = (p: {
      transactionHash?: string;
      hash?: string;
      payer: string | null;
      amount: string | bigint;
      timestamp: number | string;
    }) => [(p.transactionHash ?? p.hash)!.toLowerCase(), p.payer?.toLowerCase() ?? null, String(p.amount), Number(p.timestamp)].join("|");
    expect(rows.map(key).sort()).toEqual(sent.map(key).sort());

    const byKey = new Map(rows.map((row) => [key(row), row]));
    for (const payment of sent) {
      const row = byKey.get(key(payment))!;
      expect(row.payee?.toLowerCase() ?? null).toBe(payment.payee);
      expect(row.scheme).toBe(payment.scheme);
      expect(row.withPermit).toBe(payment.withPermit);
      expect(row.proxy.toLowerCase()).toBe(stack.devnet.x402[payment.scheme].toLowerCase());
      expect(row.anomaly).toBe(payment.payer === null);
    }
  });

  it("takes the OPG transfer beside a foreign token transfer; settlements that moved no OPG are neither payments nor anomalies", async () => {
    const query = (hash: Hex) =>
      fetch(`${stack.indexer.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ feePayments(where: { transactionHash: "${hash}" }) { items { payer payee amount anomaly } } }` }),
      }).then(async (r) => ((await r.json()) as any).data.feePayments.items);
    expect(await query(foreignHash)).toEqual([{ payer: feePayer(0), payee: feePayee(1), amount: "123456789", anomaly: false }]);
    expect(await query(emptyHash)).toEqual([]);
    expect(await query(otherTokenHash)).toEqual([]);
  });

  it("counts settlements in other tokens as raw logs show them: proxy Settled* in transactions without an OPG Transfer", async () => {
    const { client, x402, token } = { client: stack.devnet.base.client, x402: stack.devnet.x402, token: stack.devnet.token };
    const settled = await client.getLogs({
      address: [x402.exact, x402.upto],
      events: [parseAbiItem("event Settled()"), parseAbiItem("event SettledWithPermit()")],
      fromBlock: 0n,
    });
    const opgTransfers = await client.getLogs({
      address: token,
      event: parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)"),
      fromBlock: 0n,
    });
    const opgTransactions = new Set(opgTransfers.map((log) => log.transactionHash));
    const otherLogs = settled.filter((log) => !opgTransactions.has(log.transactionHash));
    expect(otherLogs.map((log) => log.transactionHash).sort()).toEqual([emptyHash, otherTokenHash].sort());

    const summary = await stack.indexer.json("/api/v1/fees/summary?window=7d");
    expect(summary.otherTokenSettlements).toBe(otherLogs.length);
    expect(summary.count).toBe(settled.length - otherLogs.length);
    expect(summary.opgShareOfSettlements).toBeCloseTo(summary.count / settled.length, 6);
  });

  for (const interval of ["hour", "day", "week", "month"] as const) {
    it(`serves every ${interval} bucket from the first payment day to the last block`, async () => {
      const trends = await stack.indexer.json(`/api/v1/fees/trends?interval=${interval}&from=${firstDay}&to=${lastTimestamp}`);
      const actual = trends.data.map(({ time: _time, ...bucket }: { time: string }) => bucket);
      const expected = expectedBuckets(sent, others, interval, firstDay, lastTimestamp);
      expect(actual).toEqual(expected);
      expect(expected.filter((b) => b.count > 0).length).toBeGreaterThan(interval === "week" ? 1 : 0);
      expect(trends.decimals).toBe(18);
    });
  }

  it("counts a payer once per day even when it paid in several hours of that day", async () => {
    const trends = await stack.indexer.json(`/api/v1/fees/trends?interval=day&from=${firstDay}&to=${lastTimestamp}`);
    const hourly = await stack.indexer.json(`/api/v1/fees/trends?interval=hour&from=${firstDay}&to=${lastTimestamp}`);
    const summedHourly = trends.data.map((day: { timestamp: number }) =>
      hourly.data
        .filter((h: { timestamp: number }) => bucketStart.day(h.timestamp) === day.timestamp)
        .reduce((n: number, h: { uniquePayers: number }) => n + h.uniquePayers, 0),
    );
    expect(trends.data.some((day: { uniquePayers: number }, i: number) => day.uniquePayers < summedHourly[i])).toBe(true);
  });

  it("serves the same series as CSV", async () => {
    const path = `/api/v1/fees/trends?interval=day&from=${firstDay}&to=${lastTimestamp}`;
    const json = await stack.indexer.json(path);
    const response = await stack.indexer.get(`${path}&format=csv`);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const [header, ...lines] = (await response.text()).trim().split("\n");
    expect(header).toBe("timestamp,time,volume,count,uniquePayers,average,minAmount,maxAmount,anomalies,otherTokenSettlements");
    expect(lines).toEqual(json.data.map((row: Record<string, unknown>) => Object.values(row).join(",")));
  });

  for (const [window, hours] of [
    ["24h", 24],
    ["7d", 168],
  ] as const) {
    it(`summarises the last ${window} against the ${window} before`, async () => {
      const summary = await stack.indexer.json(`/api/v1/fees/summary?window=${window}`);
      expect(summary.asOf.timestamp).toBe(lastTimestamp);
      const lastHour = Math.floor(lastTimestamp / HOUR);
      const totals = (fromHour: number, toHour: number) => {
        const inWindow = sent.filter((p) => Math.floor(p.timestamp / HOUR) >= fromHour && Math.floor(p.timestamp / HOUR) <= toHour);
        const paid = inWindow.filter((p) => p.payer !== null);
        const volume = paid.reduce((sum, p) => sum + p.amount, 0n);
        const other = others.filter((t) => Math.floor(t / HOUR) >= fromHour && Math.floor(t / HOUR) <= toHour).length;
        return {
          from: fromHour * HOUR,
          to: (toHour + 1) * HOUR - 1,
          volume,
          count: paid.length,
          uniquePayers: new Set(paid.map((p) => p.payer)).size,
          anomalies: inWindow.length - paid.length,
          other,
        };
      };
      const now = totals(lastHour - hours + 1, lastHour);
      const before = totals(lastHour - 2 * hours + 1, lastHour - hours);
      const shape = (t: typeof now) => ({
        from: t.from,
        to: t.to,
        volume: t.volume.toString(),
        count: t.count,
        uniquePayers: t.uniquePayers,
        average: t.count ? (t.volume / BigInt(t.count)).toString() : null,
        anomalies: t.anomalies,
        otherTokenSettlements: t.other,
        opgShareOfSettlements:
          t.count + t.anomalies + t.other ? Math.round((t.count / (t.count + t.anomalies + t.other)) * 1e6) / 1e6 : null,
      });
      expect(now.count).toBeGreaterThan(0);
      const { window: _window, previous, change, decimals: _decimals, asOf: _asOf, ...current } = summary;
      expect(current).toEqual(shape(now));
      expect(previous).toEqual(shape(before));
      expect(change.volume).toEqual({ delta: (now.volume - before.volume).toString(), ratio: ratio(now.volume, before.volume) });
      expect(change.count).toEqual({ delta: String(now.count - before.count), ratio: ratio(BigInt(now.count), BigInt(before.count)) });
      expect(change.uniquePayers.delta).toBe(String(now.uniquePayers - before.uniquePayers));
    });
  }

  it("summarises, with at=, the hours up to that block, its own hour counted only up to the block", async () => {
    const hourOf = (t: number) => Math.floor(t / HOUR);
    // A payment with another one later in the same hour: the old answer (whole closed hours) differs here.
    const paidBlock = sent.find(
      (p) => p.payer !== null && sent.some((q) => hourOf(q.timestamp) === hourOf(p.timestamp) && q.timestamp > p.timestamp + 1),
    )!;
    const T = paidBlock.timestamp + 1;
    const summary = await stack.indexer.json(`/api/v1/fees/summary?window=24h&at=${T}`);
    const block = await stack.devnet.base.client.getBlock({ blockNumber: BigInt(summary.asOf.block) });
    expect(summary.asOf.timestamp).toBe(Number(block.timestamp));
    expect(summary.asOf.timestamp).toBeLessThanOrEqual(T);
    const next = await stack.devnet.base.client.getBlock({ blockNumber: block.number + 1n });
    expect(Number(next.timestamp)).toBeGreaterThan(T);

    const hour = hourOf(summary.asOf.timestamp);
    expect([summary.from, summary.to]).toEqual([(hour - 23) * HOUR, (hour + 1) * HOUR - 1]);
    const inWindow = sent.filter((p) => p.timestamp >= summary.from && p.timestamp <= summary.asOf.timestamp);
    const paid = inWindow.filter((p) => p.payer !== null);
    expect(paid.length).toBeGreaterThan(0);
    expect(summary.count).toBe(paid.length);
    expect(summary.volume).toBe(paid.reduce((sum, p) => sum + p.amount, 0n).toString());
    expect(summary.uniquePayers).toBe(new Set(paid.map((p) => p.payer)).size);
    expect(summary.anomalies).toBe(inWindow.length - paid.length);
    expect(summary.otherTokenSettlements).toBe(others.filter((t) => t >= summary.from && t <= summary.asOf.timestamp).length);
    expect(sent.some((p) => p.timestamp > summary.asOf.timestamp && hourOf(p.timestamp) === hour)).toBe(true);
    // The window before is whole hours, as live.
    const before = sent.filter((p) => p.payer !== null && hourOf(p.timestamp) >= hour - 47 && hourOf(p.timestamp) <= hour - 24);
    expect(summary.previous.count).toBe(before.length);
  });

  it("counts, as of a block, the other-token settlements mined by then in that block's hour", async () => {
    const block = (await stack.devnet.base.client.getTransactionReceipt({ hash: otherTokenHash })).blockNumber;
    const at = await stack.indexer.json(`/api/v1/fees/summary?window=24h&atBlock=${block - 1n}`);
    const atSettlement = await stack.indexer.json(`/api/v1/fees/summary?window=24h&atBlock=${block}`);
    const counted = (upTo: number, from: number) => others.filter((t) => t >= from && t <= upTo).length;
    expect(at.otherTokenSettlements).toBe(counted(at.asOf.timestamp, at.from));
    expect(atSettlement.otherTokenSettlements).toBe(counted(atSettlement.asOf.timestamp, atSettlement.from));
    expect(atSettlement.otherTokenSettlements).toBeGreaterThan(at.otherTokenSettlements);
  });

  it("ranks payers by volume over all time and within a range of hours, and lists payees", async () => {
    const top = await stack.indexer.json("/api/v1/fees/payers/top?limit=5");
    expect(top.data).toEqual(totalsByParty(sent, "payer").slice(0, 5));

    const from = firstDay + DAY;
    const to = firstDay + 3 * DAY - 1;
    const ranged = await stack.indexer.json(`/api/v1/fees/payers/top?limit=100&from=${from}&to=${to}`);
    const allTime = new Map(totalsByParty(sent, "payer").map((row) => [row.payer, row]));
    const expected = totalsByParty(
      sent.filter((p) => p.timestamp >= from && p.timestamp <= to),
      "payer",
    ).map((row) => ({
      ...row,
      firstPayment: allTime.get(row.payer as string)!.firstPayment,
      lastPayment: allTime.get(row.payer as string)!.lastPayment,
    }));
    expect(ranged.data).toEqual(expected);

    const payees = await stack.indexer.json("/api/v1/fees/payees");
    expect(payees.data).toEqual(totalsByParty(sent, "payee"));
    const csv = await (await stack.indexer.get("/api/v1/fees/payees?format=csv")).text();
    expect(csv.trim().split("\n")).toHaveLength(PAYEES + 1);
  });

  it("documents the fee endpoints in the OpenAPI document", async () => {
    const document = await stack.indexer.json("/openapi.json");
    for (const path of ["summary", "trends", "payers/top", "payees"]) {
      expect(document.paths[`/api/v1/fees/${path}`]?.get.tags).toEqual(["fees"]);
    }
    expect(document.paths["/api/v1/fees/trends"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["interval", "from", "to", "format"]),
    );
  });

  it.each([
    ["/api/v1/fees/trends?interval=fortnight", "invalid_parameter"],
    ["/api/v1/fees/trends?interval=day&from=2000&to=1000", "invalid_range"],
    ["/api/v1/fees/trends?interval=day&from=yesterday", "invalid_parameter"],
    ["/api/v1/fees/trends?interval=day&from=100000000000000000000&to=100000000000000000000", "invalid_parameter"],
    ["/api/v1/fees/trends?interval=hour&from=0", "range_too_large"],
    ["/api/v1/fees/trends?format=xml", "invalid_parameter"],
    ["/api/v1/fees/summary?window=1y", "invalid_parameter"],
    ["/api/v1/fees/payers/top?limit=0", "invalid_parameter"],
    ["/api/v1/fees/payers/top?limit=100000", "invalid_parameter"],
    ["/api/v1/fees/payers/top?from=2000&to=1000", "invalid_range"],
    ["/api/v1/fees/payees?limit=abc", "invalid_parameter"],
  ])("answers %s with 400 %s", async (path, code) => {
    const response = await stack.indexer.get(path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it("counts, as of any block of an hour no reorg can reach, its other-token settlements as the chain has them", async () => {
    const { devnet } = stack;
    const hour = Math.floor(lastTimestamp / HOUR) + 2;
    const settle = () =>
      devnet.base.write(FACILITATOR, devnet.x402.exact, x402DoubleAbi, "settle", [foreign, actor("foreign-holder"), feePayee(2), 1n]);
    // Blocks in one hour: two settlements, none, one. Then the hour ends and enough blocks follow for
    // Ponder to finalize past it (it moves its finalized block to 30 below the head once the head is 60 past it).
    const blocks: bigint[] = [];
    for (const [minute, settlements] of [
      [5, 2],
      [20, 0],
      [40, 1],
    ] as const) {
      devnet.base.setTime(hour * HOUR + minute * 60);
      for (let n = 0; n < settlements; n++) await settle();
      blocks.push((await devnet.base.mine()).number);
    }
    devnet.base.setTime((hour + 1) * HOUR);
    for (let n = 0; n < 100; n++) await devnet.base.mine();
    await stack.sync();

    const settledLogs = await devnet.base.client.getLogs({
      address: devnet.x402.exact,
      event: parseAbiItem("event Settled()"),
      fromBlock: blocks[0],
      toBlock: blocks.at(-1),
    });
    expect(settledLogs.length).toBe(3);
    for (const block of blocks) {
      // The hour is read from the chain once, by the first of these answers: each must count only its own blocks.
      for (const pass of [1, 2]) {
        const summary = await stack.indexer.json(`/api/v1/fees/summary?window=24h&atBlock=${block}`);
        // The 24 hours ending with the block's own hour; the earlier other-token settlements in them, then this hour's logs.
        const from = (hour - 23) * HOUR;
        expect(summary.from).toBe(from);
        const inHourByThen = settledLogs.filter((log) => log.blockNumber! <= block).length;
        const before = others.filter((t) => t >= from).length;
        expect(summary.otherTokenSettlements, `block ${block}, pass ${pass}`).toBe(before + inHourByThen);
      }
    }
  });
});
