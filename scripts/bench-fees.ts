/**
 * How the fee trend query's cost grows with the number of payments: two devnets with the same 30
 * days of history, one with few payments and one with many, each backfilled by the indexer on
 * PGlite, then `/fees/trends` timed over the same range for hour, day and week buckets, and
 * `/fees/summary?window=30d` (whose distinct-payer count reads payer-hours) beside it.
 *
 *   --small N     payments in the small run (default 1000)
 *   --large N     payments in the large run (default 100000)
 *   --days D      days of history both runs spread their payments over (default 30)
 *   --payers P    distinct payers (default 200)
 *   --samples S   timed requests per query, after warm-up (default 30)
 *   --others N    settlements in another ERC-20 through the same proxies, a third run (default 100000, 0 skips):
 *                 each must cost one small write, as most settlements on the shared mainnet proxies are of this kind
 */
import { parseArgs } from "node:util";
import { type Address, parseEther } from "viem";
import { actor, DEPLOYER, TREASURY } from "../devnet/accounts";
import { startDevnet } from "../devnet/devnet";
import { erc20Abi, FACILITATOR, FeePayments, feePayee, feePayer, type Scheme, x402DoubleAbi } from "../devnet/fees";
import { Indexer } from "../devnet/indexer";
import { Random } from "../devnet/random";

const { values } = parseArgs({
  options: {
    small: { type: "string", default: "1000" },
    large: { type: "string", default: "100000" },
    days: { type: "string", default: "30" },
    payers: { type: "string", default: "200" },
    samples: { type: "string", default: "30" },
    others: { type: "string", default: "100000" },
  },
});
const number = (name: keyof typeof values, min: number) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min} (got ${values[name]})`);
  return value;
};
const sizes = [number("small", 1), number("large", 1)];
const days = number("days", 1);
const payers = number("payers", 1);
const samples = number("samples", 1);
const others = number("others", 0);

const HOUR = 3600;
const PER_TX = 100;
const PAYEES = 10;
const log = (message: string) => console.error(`[bench-fees] ${message}`);

/** Only the Base sources: the OpenGradient-chain sources would add their own work to the backfill. */
const baseOnly = { SETTLEMENT_RELAY_ADDRESS: "", TEE_REGISTRY_ADDRESS: "", STAKING_ADDRESS: "", DISTRIBUTION_ADDRESS: "" };

async function median(url: (sample: number) => string) {
  const times: number[] = [];
  for (let i = -3; i < samples; i++) {
    const started = performance.now();
    const response = await fetch(url(i));
    if (!response.ok) throw new Error(`${url(i)} -> ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
    if (i >= 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function graphqlCounts(url: string) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ feePayments { totalCount } feePayerHours { totalCount } feeHourlys { totalCount } }" }),
  });
  const { data } = (await response.json()) as { data: Record<string, { totalCount: number }> };
  return { payments: data.feePayments!.totalCount, payerHours: data.feePayerHours!.totalCount, hours: data.feeHourlys!.totalCount };
}

async function run(total: number) {
  const hours = days * 24;
  const start = Math.floor(Date.now() / 1000 / 86_400) * 86_400 - (days + 1) * 86_400;
  const devnet = await startDevnet({ genesisTimestamp: start - HOUR });
  const random = new Random(total);
  try {
    const payments = new FeePayments(devnet);
    for (let i = 0; i < payers; i++) {
      await devnet.base.write(TREASURY, devnet.token, erc20Abi, "transfer", [feePayer(i), parseEther("1000000")]);
      await payments.approveProxies(feePayer(i));
    }
    await devnet.base.mine();

    log(`${total} payments: laying down ${hours} hours`);
    const laying = performance.now();
    for (let hour = 0; hour < hours; hour++) {
      let due = Math.floor((total * (hour + 1)) / hours) - Math.floor((total * hour) / hours);
      while (due > 0) {
        const batch = Array.from({ length: Math.min(PER_TX, due) }, () => ({
          payer: feePayer(Math.floor(payers * random.next() ** 2)) as Address,
          payee: feePayee(random.int(0, PAYEES - 1)),
          amount: BigInt(random.int(1, 5_000)) * 10n ** 15n,
        }));
        await payments.payBatch(random.pick(["exact", "upto"] as Scheme[]), random.next() < 0.2, batch);
        due -= batch.length;
      }
      devnet.base.setTime(start + hour * HOUR + random.int(0, HOUR - 1));
      await devnet.base.mine();
    }
    log(`  laid down in ${((performance.now() - laying) / 1000).toFixed(1)} s; backfilling`);

    const indexer = await Indexer.start({ ...devnet.env, ...baseOnly });
    try {
      const backfillStarted = performance.now();
      await indexer.waitForBlocks({ base: await devnet.base.blockNumber() }, 3_600_000);
      const backfill = (performance.now() - backfillStarted) / 1000;
      const counts = await graphqlCounts(indexer.url);
      if (counts.payments !== total) throw new Error(`indexed ${counts.payments} payments, sent ${total}`);

      const to = devnet.base.time;
      const trend = (interval: string) => (sample: number) =>
        // `_` changes the URL, as distinct questions do for a cache in front of the API.
        `${indexer.url}/api/v1/fees/trends?interval=${interval}&from=${start}&to=${to}&_=${sample}`;
      const day = (await (await fetch(trend("day")(-10))).json()) as { data: { count: number }[] };
      const summed = day.data.reduce((n, bucket) => n + bucket.count, 0);
      if (summed !== total) throw new Error(`daily trend buckets sum to ${summed} payments, sent ${total}`);

      return {
        total,
        ...counts,
        backfill,
        hour: await median(trend("hour")),
        day: await median(trend("day")),
        week: await median(trend("week")),
        summary: await median((sample) => `${indexer.url}/api/v1/fees/summary?window=30d&_=${sample}`),
      };
    } finally {
      await indexer.stop();
    }
  } finally {
    await devnet.stop();
  }
}

/**
 * Settlements in another token over the same hours: the indexer keeps no row per settlement, only
 * its hour's counter, so the backfill should cost about what the events alone cost.
 */
async function runOthers(total: number) {
  const hours = days * 24;
  const start = Math.floor(Date.now() / 1000 / 86_400) * 86_400 - (days + 1) * 86_400;
  const devnet = await startDevnet({ genesisTimestamp: start - HOUR });
  try {
    const seller = actor("other-token-payer");
    const foreign = await devnet.base.deploy(DEPLOYER, devnet.artifacts.OPGToken!, [seller]);
    await devnet.base.write(seller, foreign, erc20Abi, "approve", [devnet.x402.exact, 2n ** 255n]);
    await devnet.base.mine();
    log(`${total} other-token settlements: laying down ${hours} hours`);
    for (let hour = 0; hour < hours; hour++) {
      let due = Math.floor((total * (hour + 1)) / hours) - Math.floor((total * hour) / hours);
      while (due > 0) {
        const n = Math.min(PER_TX, due);
        const payees = Array.from({ length: n }, (_, i) => feePayee(i % PAYEES));
        await devnet.base.write(FACILITATOR, devnet.x402.exact, x402DoubleAbi, "settleBatch", [
          foreign,
          Array(n).fill(seller),
          payees,
          Array(n).fill(10n ** 15n),
          false,
        ]);
        due -= n;
      }
      devnet.base.setTime(start + hour * HOUR + 1800);
      await devnet.base.mine();
    }
    const indexer = await Indexer.start({ ...devnet.env, ...baseOnly });
    try {
      const backfillStarted = performance.now();
      await indexer.waitForBlocks({ base: await devnet.base.blockNumber() }, 3_600_000);
      const backfill = (performance.now() - backfillStarted) / 1000;
      const counts = await graphqlCounts(indexer.url);
      const summary = (await (await fetch(`${indexer.url}/api/v1/fees/summary?window=30d`)).json()) as { otherTokenSettlements: number };
      if (counts.payments !== 0) throw new Error(`other-token settlements stored ${counts.payments} OPG payments`);
      return { total, counted: summary.otherTokenSettlements, hours: counts.hours, backfill };
    } finally {
      await indexer.stop();
    }
  } finally {
    await devnet.stop();
  }
}

const results = [];
for (const size of sizes) results.push(await run(size));
const otherRun = others > 0 ? await runOthers(others) : null;

const [small] = results;
const header = [
  "payments",
  "payer-hours",
  "hourly buckets",
  "backfill",
  "trends hour",
  "trends day",
  "trends week",
  "day ratio",
  "summary 30d",
];
const rows = results.map((r) => [
  String(r.total),
  String(r.payerHours),
  String(r.hours),
  `${r.backfill.toFixed(1)} s`,
  `${r.hour.toFixed(1)} ms`,
  `${r.day.toFixed(1)} ms`,
  `${r.week.toFixed(1)} ms`,
  (r.day / small!.day).toFixed(2),
  `${r.summary.toFixed(1)} ms`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
console.log(`fee trends over the same ${days} days, ${payers} payers, PGlite, median of ${samples} requests`);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of rows) console.log(line(row));
if (otherRun) {
  console.log(
    `other-token settlements: ${otherRun.total} sent, ${otherRun.counted} counted in /fees/summary?window=30d, ` +
      `0 payment rows, ${otherRun.hours} hourly buckets, backfill ${otherRun.backfill.toFixed(1)} s ` +
      `(${((otherRun.backfill * 1e6) / otherRun.total).toFixed(0)} µs per settlement)`,
  );
}
