import { encodeAbiParameters, encodeEventTopics, type Hex, keccak256, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { opgTokenAbi } from "../../abis/opgToken";
import { x402ProxyAbi } from "../../abis/x402Proxy";
import {
  averageAmount,
  change,
  compareWindows,
  countAtOrBelow,
  EMPTY_BUCKET,
  type FeeBucket,
  foldPayment,
  lastClosedSecond,
  matchSettlements,
  mergeMinMax,
  opgShare,
  type ReceiptLog,
  rangeSeconds,
  splitIntoDays,
  summaryWindows,
} from "../../lib/fees";

const address = (name: string) => `0x${keccak256(toHex(name)).slice(-40)}` as Hex;
const OPG = address("opg");
const OTHER_TOKEN = address("usdc");
const EXACT = address("exact");
const UPTO = address("upto");
const STRANGER = address("not-a-proxy");
const proxies = new Set([EXACT, UPTO]);

let nextIndex = 0;
function transfer(token: Hex, from: Hex, to: Hex, amount: bigint): ReceiptLog {
  return {
    address: token,
    topics: encodeEventTopics({ abi: opgTokenAbi, eventName: "Transfer", args: { from, to } }) as Hex[],
    data: encodeAbiParameters([{ type: "uint256" }], [amount]),
    logIndex: nextIndex++,
  };
}
function settled(proxy: Hex, withPermit = false): ReceiptLog {
  return {
    address: proxy,
    topics: encodeEventTopics({ abi: x402ProxyAbi, eventName: withPermit ? "SettledWithPermit" : "Settled" }) as Hex[],
    data: "0x",
    logIndex: nextIndex++,
  };
}
function approval(token: Hex): ReceiptLog {
  return {
    address: token,
    topics: encodeEventTopics({ abi: opgTokenAbi, eventName: "Approval", args: { owner: address("a"), spender: address("b") } }) as Hex[],
    data: encodeAbiParameters([{ type: "uint256" }], [1n]),
    logIndex: nextIndex++,
  };
}
const match = (logs: ReceiptLog[]) => matchSettlements(logs, { token: OPG, proxies });
const payer = address("payer");
const payee = address("payee");

describe("matchSettlements", () => {
  it("pairs a settlement with the OPG transfer before it, skipping approvals", () => {
    const pay = transfer(OPG, payer, payee, 5n);
    const s = settled(UPTO);
    const result = match([approval(OPG), pay, s]);
    expect(result.get(s.logIndex)).toEqual({ from: payer, to: payee, amount: 5n, logIndex: pay.logIndex });
  });

  it("ignores transfers of other tokens, even the one nearest the settlement", () => {
    const pay = transfer(OPG, payer, payee, 7n);
    const foreign = transfer(OTHER_TOKEN, payer, payee, 1000n);
    const s = settled(EXACT);
    expect(match([pay, foreign, s]).get(s.logIndex)?.amount).toBe(7n);
  });

  it("gives each settlement of a batch its own transfer", () => {
    const t1 = transfer(OPG, payer, payee, 1n);
    const s1 = settled(UPTO);
    const t2 = transfer(OPG, payer, payee, 2n);
    const s2 = settled(UPTO, true);
    const result = match([t1, s1, t2, s2]);
    expect(result.get(s1.logIndex)?.amount).toBe(1n);
    expect(result.get(s2.logIndex)?.amount).toBe(2n);
  });

  it("claims the nearest preceding transfer when two precede two settlements", () => {
    const t1 = transfer(OPG, payer, payee, 1n);
    const t2 = transfer(OPG, payer, payee, 2n);
    const s1 = settled(EXACT);
    const s2 = settled(UPTO);
    const result = match([t1, t2, s1, s2]);
    expect(result.get(s1.logIndex)?.amount).toBe(2n);
    expect(result.get(s2.logIndex)?.amount).toBe(1n);
  });

  it("maps a settlement with nothing to claim to null, and never lets a later transfer pay for it", () => {
    const s1 = settled(EXACT);
    const t = transfer(OPG, payer, payee, 3n);
    const s2 = settled(EXACT);
    const result = match([s1, t, s2]);
    expect(result.get(s1.logIndex)).toBeNull();
    expect(result.get(s2.logIndex)?.amount).toBe(3n);
  });

  it("leaves the second of two settlements sharing one transfer unmatched", () => {
    const t = transfer(OPG, payer, payee, 3n);
    const s1 = settled(EXACT);
    const s2 = settled(EXACT);
    const result = match([t, s1, s2]);
    expect(result.get(s1.logIndex)?.amount).toBe(3n);
    expect(result.get(s2.logIndex)).toBeNull();
  });

  it("ignores Settled events of contracts that are not configured proxies", () => {
    const t = transfer(OPG, payer, payee, 3n);
    const other = settled(STRANGER);
    const s = settled(UPTO);
    const result = match([t, other, s]);
    expect(result.has(other.logIndex)).toBe(false);
    expect(result.get(s.logIndex)?.amount).toBe(3n);
  });

  it("orders by log index, not by array position, and compares addresses case-insensitively", () => {
    const t = transfer(OPG, payer, payee, 9n);
    const s = settled(UPTO);
    const shouting = { ...s, address: s.address.toUpperCase().replace("0X", "0x") };
    const result = matchSettlements([shouting, t], { token: OPG.toUpperCase(), proxies });
    expect(result.get(s.logIndex)?.amount).toBe(9n);
  });

  it("does not take an ERC-721 style Transfer (four topics) for a payment", () => {
    const nft: ReceiptLog = { ...transfer(OPG, payer, payee, 1n), data: "0x" };
    nft.topics = [...nft.topics, toHex(1n, { size: 32 })];
    const s = settled(UPTO);
    expect(match([nft, s]).get(s.logIndex)).toBeNull();
  });
});

describe("bucket folding and roll-up", () => {
  const amounts = [5n, 1n, 9n, 3n, 9n, 2n];

  it("tracks volume, count and extremes; an empty bucket has no extremes", () => {
    expect(EMPTY_BUCKET.minAmount).toBeNull();
    const bucket = amounts.reduce((b, amount, i) => foldPayment(b, amount, i < 2), EMPTY_BUCKET);
    expect(bucket).toEqual({ volume: 29n, count: 6, uniquePayers: 2, minAmount: 1n, maxAmount: 9n });
  });

  it("rolling hourly buckets up (sum, min of mins, max of maxes) equals folding the payments directly", () => {
    const hours: FeeBucket[] = [amounts.slice(0, 2), amounts.slice(2, 3), [], amounts.slice(3)].map((hour) =>
      hour.reduce((b, amount) => foldPayment(b, amount, false), EMPTY_BUCKET),
    );
    const rolled = hours.reduce((day, hour) => ({
      volume: day.volume + hour.volume,
      count: day.count + hour.count,
      uniquePayers: 0,
      ...(hour.minAmount === null ? day : mergeMinMax(mergeMinMax(day, hour.minAmount), hour.maxAmount!)),
    }));
    const direct = amounts.reduce((b, amount) => foldPayment(b, amount, false), EMPTY_BUCKET);
    expect(rolled).toEqual(direct);
  });

  it("averages down to whole wei and has no average without payments", () => {
    expect(averageAmount(10n, 3)).toBe(3n);
    expect(averageAmount(0n, 0)).toBeNull();
  });
});

describe("summary windows", () => {
  const hour = 472_223;
  const latest = hour * 3600 + 3599; // the hour's last second

  it("covers the last N whole hours through the latest block's hour, then the N before", () => {
    const { current, previous } = summaryWindows(latest, "24h");
    expect(current).toEqual({ fromHour: hour - 23, toHour: hour });
    expect(previous).toEqual({ fromHour: hour - 47, toHour: hour - 24 });
    expect(summaryWindows(hour * 3600, "24h").current).toEqual(current);
    expect(rangeSeconds(current).to).toBe(latest);
    expect(rangeSeconds(current).from).toBe(rangeSeconds(previous).to + 1);
  });

  it("ends an as-of window with the last hour closed by then", () => {
    expect(lastClosedSecond(latest)).toBe(latest);
    expect(lastClosedSecond(latest - 1)).toBe(hour * 3600 - 1);
    expect(lastClosedSecond(hour * 3600)).toBe(hour * 3600 - 1);
  });

  it("gives the OPG share of every settlement, null when there were none", () => {
    expect(opgShare(1, 3)).toBe(0.25);
    expect(opgShare(0, 0)).toBeNull();
  });

  it("has windows of 168 and 720 hours for 7d and 30d", () => {
    for (const [window, hours] of [
      ["7d", 168],
      ["30d", 720],
    ] as const) {
      const { current, previous } = summaryWindows(latest, window);
      expect(current.toHour - current.fromHour + 1).toBe(hours);
      expect(previous.toHour - previous.fromHour + 1).toBe(hours);
      expect(previous.toHour + 1).toBe(current.fromHour);
    }
  });
});

describe("splitIntoDays", () => {
  const covered = (range: { fromHour: number; toHour: number }) => {
    const { days, hours } = splitIntoDays(range);
    const list: number[] = [];
    for (const part of hours) for (let h = part.fromHour; h <= part.toHour; h++) list.push(h);
    if (days)
      for (let start = days.fromStart; start <= days.toStart; start += 86_400) for (let h = 0; h < 24; h++) list.push(start / 3600 + h);
    return list.sort((a, b) => a - b);
  };

  it("covers every hour of any range exactly once", () => {
    for (const [fromHour, toHour] of [
      [0, 0],
      [5, 30],
      [24, 47],
      [23, 48],
      [10, 10 + 719],
      [472_200, 472_223],
      [1, 22],
      [0, 71],
    ]) {
      expect(covered({ fromHour: fromHour!, toHour: toHour! })).toEqual(
        Array.from({ length: toHour! - fromHour! + 1 }, (_, i) => fromHour! + i),
      );
    }
  });

  it("uses whole days where they fit and loose hours only at the ends", () => {
    expect(splitIntoDays({ fromHour: 20, toHour: 75 })).toEqual({
      days: { fromStart: 24 * 3600, toStart: 48 * 3600 },
      hours: [
        { fromHour: 20, toHour: 23 },
        { fromHour: 72, toHour: 75 },
      ],
    });
    expect(splitIntoDays({ fromHour: 24, toHour: 47 })).toEqual({ days: { fromStart: 86_400, toStart: 86_400 }, hours: [] });
    expect(splitIntoDays({ fromHour: 5, toHour: 30 })).toEqual({ days: null, hours: [{ fromHour: 5, toHour: 30 }] });
  });
});

describe("window comparison", () => {
  it("gives an exact delta and a fractional ratio", () => {
    expect(change(125n, 100n)).toEqual({ delta: "25", ratio: 0.25 });
    expect(change(0n, 100n)).toEqual({ delta: "-100", ratio: -1 });
    expect(change(1n, 3n)).toEqual({ delta: "-2", ratio: -0.666666 });
  });

  it("has no ratio against a previous value of zero", () => {
    expect(change(5n, 0n)).toEqual({ delta: "5", ratio: null });
  });

  it("keeps wei exact beyond 2^53", () => {
    const big = 10n ** 30n;
    expect(change(big + 1n, big).delta).toBe("1");
    expect(change(2n * big, big).ratio).toBe(1);
  });

  it("compares volume, count, unique payers and average payment", () => {
    const result = compareWindows({ volume: 300n, count: 3, uniquePayers: 2 }, { volume: 100n, count: 2, uniquePayers: 2 });
    expect(result).toEqual({
      volume: { delta: "200", ratio: 2 },
      count: { delta: "1", ratio: 0.5 },
      uniquePayers: { delta: "0", ratio: 0 },
      average: { delta: "50", ratio: 1 },
    });
    expect(compareWindows({ volume: 0n, count: 0, uniquePayers: 0 }, { volume: 1n, count: 1, uniquePayers: 1 }).average).toBeNull();
  });
});

describe("countAtOrBelow", () => {
  it("counts the entries at or below a value, repeated blocks each", () => {
    const blocks = [3, 5, 5, 5, 9];
    expect([0, 3, 4, 5, 8, 9, 10].map((value) => countAtOrBelow(blocks, value))).toEqual([0, 1, 1, 4, 4, 5, 5]);
    expect(countAtOrBelow([], 7)).toBe(0);
  });
});
