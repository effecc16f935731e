/**
 * `npm run bench -- --events N`: figures, not pass/fail (docs/performance.md explains them).
 *   1. builds (or reloads) a chain of N OPG transfers over 90 days;
 *   2. backfills it with Ponder's reference-erc20 example (bench/reference-erc20, the yardstick) on this
 *      project's patched Ponder and PGlite and on stock ones (scripts/bench/stock.ts), a Ponder app
 *      that only inserts the transfers (bench/insert-only, the floor) and opg-indexer in alternating
 *      rounds on PGlite, recording time and peak RSS;
 *   3. loads every summary, entity and series route at 50 connections, uncached and warm, on PGlite
 *      (`ponder start`) and on PostgreSQL (`ponder serve` over a database `ponder start` filled);
 *   4. prints the table and writes docs/performance.md.
 *
 *   --events N      OPG transfer events, the mint included (default 20000)
 *   --seconds S     autocannon duration per route and mode (default 5)
 *   --rounds R      alternating backfill rounds (default 2)
 *   --backends L    pglite,postgres (default both); PostgreSQL at BENCH_DATABASE_URL or DATABASE_URL
 *   --docs PATH     where to write the report (default docs/performance.md; "none" to skip)
 *   --routes LIST   only the routes whose names contain one of these comma-separated texts (the
 *                   report is then printed, not written)
 *   --compare REF   instead of steps 2–4: this checkout against commit REF, both served by `ponder
 *                   serve` over one PostgreSQL database, each route loaded uncached on one and then the
 *                   other, --rounds times; prints throughput, p99 and CPU per answer side by side
 *                   (PostgreSQL only; docs/performance.md is not written)
 *   --database NAME with --compare: keep this checkout's database under NAME and reuse it while the
 *                   indexing code and the chain are unchanged (skips a backfill of minutes at 1M events)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDatabase, Indexer, projectRoot } from "../devnet/indexer";
import { type BenchChain, benchChain, type ChainMeta } from "./bench/chain";
import {
  type Checkout,
  checkout,
  compareRoutes,
  compareTable,
  DATABASE_NAME,
  git,
  indexingFingerprint,
  keptDatabase,
  type Side,
} from "./bench/compare";
import { type Figures, measure, type Route, statusWhile } from "./bench/load";
import { FLOOR, machine, postgresSettings, report, STOCK_YARDSTICK, YARDSTICK } from "./bench/report";
import { stockTree } from "./bench/stock";

/** A bad option ends the run before anything starts, with a line naming it rather than a stack trace. */
function usage(message: string): never {
  console.error(
    `bench: ${message}\nOptions: --events N --seconds S --rounds R --backends L --docs PATH --routes LIST --compare REF --database NAME (scripts/bench.ts)`,
  );
  process.exit(2);
}

const options = {
  events: { type: "string", default: "20000" },
  seconds: { type: "string", default: "5" },
  rounds: { type: "string", default: "2" },
  backends: { type: "string", default: "pglite,postgres" },
  docs: { type: "string", default: "docs/performance.md" },
  routes: { type: "string" },
  compare: { type: "string" },
  database: { type: "string" },
} as const;
let values: ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];
try {
  values = parseArgs({ options }).values;
} catch (error) {
  usage((error as Error).message);
}
const events = Number(values.events);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const backends = values.backends.split(",");
if (!Number.isInteger(events) || events < 100) usage(`--events must be an integer ≥ 100 (got ${values.events})`);
if (!Number.isFinite(seconds) || seconds <= 0) usage(`--seconds must be positive (got ${values.seconds})`);
if (!Number.isInteger(rounds) || rounds < 1) usage(`--rounds must be a positive integer (got ${values.rounds})`);
if (!backends.every((b) => b === "pglite" || b === "postgres")) usage(`--backends takes pglite and/or postgres (got ${values.backends})`);
if (values.database !== undefined && values.compare === undefined) usage("--database is for --compare runs");
if (values.database !== undefined && !DATABASE_NAME.test(values.database)) {
  usage(`--database takes a lowercase SQL identifier (got ${values.database})`);
}
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** Peak resident memory of a process so far, from the kernel's high-water mark. */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

/** Starts an indexer and waits for the chain head, reporting progress every 10 s. */
async function backfill(chain: BenchChain, label: string, options: Parameters<typeof Indexer.start>[1]) {
  const head = Number(await chain.base.blockNumber());
  const indexer = await Indexer.start(chain.env, { ...options, logLevel: "error" });
  const started = performance.now();
  const ticker = setInterval(() => {
    indexer
      .status()
      .then((status) =>
        log(`${label}: block ${status.base?.block.number ?? 0}/${head}, ${((performance.now() - started) / 1000).toFixed(0)} s`),
      )
      .catch(() => {});
  }, 10_000);
  try {
    await indexer.waitForBlocks({ base: head }, 3 * 3_600_000);
  } finally {
    clearInterval(ticker);
  }
  const secondsTaken = (performance.now() - started) / 1000;
  return { indexer, seconds: secondsTaken, rssMb: peakRssMb(indexer.pid) };
}

function allRoutes(meta: Pick<ChainMeta, "genesisTimestamp" | "days" | "holders" | "busyAccount">): Route[] {
  const end = meta.genesisTimestamp + meta.days * 86_400;
  const holder = (n: number) => `0x${(0x100000 + (n % meta.holders)).toString(16).padStart(40, "0")}`;
  const v1 = "/api/v1";
  return [
    { name: "/supply", kind: "summary", path: (n) => `${v1}/supply?_=${n}` },
    { name: "/supply/total", kind: "summary", path: (n) => `${v1}/supply/total?_=${n}` },
    // Any second of the last 23 days, spread by a prime stride: each a block the API has not seen asked for.
    { name: "/supply?at= (any time, 23 d)", kind: "summary", path: (n) => `${v1}/supply?at=${end - ((n * 7919) % 2_000_000)}` },
    { name: "/fees/summary?window=7d", kind: "summary", path: (n) => `${v1}/fees/summary?window=7d&_=${n}` },
    // The head's windows are one shared read per indexed position; a past time is read per request.
    {
      name: "/fees/summary?window=7d&at= (any time, 23 d)",
      kind: "summary",
      path: (n) => `${v1}/fees/summary?window=7d&at=${end - ((n * 7919) % 2_000_000)}`,
    },
    { name: "/staking", kind: "summary", path: (n) => `${v1}/staking?_=${n}` },
    { name: "/verification/status", kind: "summary", path: (n) => `${v1}/verification/status?_=${n}` },
    { name: "/holders/top?limit=100", kind: "entity", path: (n) => `${v1}/holders/top?limit=100&_=${n}` },
    { name: "/accounts/:busy (limit 25)", kind: "entity", path: (n) => `${v1}/accounts/${meta.busyAccount}?_=${n}` },
    { name: "/accounts/:any holder", kind: "entity", path: (n) => `${v1}/accounts/${holder(n * 7919)}` },
    { name: "/staking/validators", kind: "entity", path: (n) => `${v1}/staking/validators?_=${n}` },
    { name: "/fees/payers/top", kind: "entity", path: (n) => `${v1}/fees/payers/top?_=${n}` },
    {
      name: "GraphQL top-100 accounts",
      kind: "entity",
      path: () => "/graphql",
      body: (n) =>
        JSON.stringify({
          query: `{ accounts(orderBy: "balance", orderDirection: "desc", limit: 100) { items { address balance } } }`,
          variables: { n },
        }),
    },
    {
      name: "/supply/history?interval=day (90 d)",
      kind: "series",
      path: (n) => `${v1}/supply/history?interval=day&from=${end - 90 * 86_400 + (n % 3600)}&to=${end}`,
    },
    {
      name: "/supply/history?interval=hour (30 d)",
      kind: "series",
      path: (n) => `${v1}/supply/history?interval=hour&from=${end - 30 * 86_400 + (n % 3600)}&to=${end}`,
    },
    {
      name: "/supply/history?interval=week",
      kind: "series",
      path: (n) => `${v1}/supply/history?interval=week&from=${end - 90 * 86_400 + (n % 3600)}&to=${end}`,
    },
    {
      name: "/fees/trends?interval=day",
      kind: "series",
      path: (n) => `${v1}/fees/trends?interval=day&from=${end - 30 * 86_400 + (n % 3600)}&to=${end}`,
    },
    {
      name: "/staking/history?interval=day",
      kind: "series",
      path: (n) => `${v1}/staking/history?interval=day&from=${end - 30 * 86_400 + (n % 3600)}&to=${end}`,
    },
    {
      name: "/verification/history?interval=day",
      kind: "series",
      path: (n) => `${v1}/verification/history?interval=day&from=${end - 30 * 86_400 + (n % 3600)}&to=${end}`,
    },
    { name: "/status", kind: "status", path: (n) => `${v1}/status?_=${n}` },
  ];
}

const routeFilter = values.routes?.split(",").map((text) => text.trim());
{
  const names = allRoutes({ genesisTimestamp: 0, days: 0, holders: 1, busyAccount: "0x" }).map((route) => route.name);
  const unknown = routeFilter?.filter((text) => !names.some((name) => name.includes(text))) ?? [];
  if (unknown.length > 0) usage(`--routes: no route's name contains ${unknown.join(", ")}; the routes are:\n${names.join("\n")}`);
}

/** The routes to load: all of them, or those --routes names. */
function routes(chain: BenchChain): Route[] {
  const all = allRoutes(chain.meta);
  return routeFilter ? all.filter((route) => routeFilter.some((text) => route.name.includes(text))) : all;
}

/** Routes that did not answer 200 before their load: the run still reports the rest, then fails. */
const skipped: string[] = [];

/** Whether a route answers 200 before its load; a route that does not is reported and fails the run. */
async function answers(backend: string, indexer: Indexer, route: Route): Promise<boolean> {
  const probe = await fetch(
    `${indexer.url}${route.path(0)}`,
    route.body ? { method: "POST", body: route.body(0), headers: { "content-type": "application/json" } } : {},
  );
  if (probe.status === 200) return true;
  const why = `${backend}: ${route.name} answered ${probe.status}: ${(await probe.text()).slice(0, 200)}`;
  log(`skipping ${why}`);
  skipped.push(why);
  return false;
}

export type LatencyRow = { backend: string; route: Route; uncached: Figures; warm: Figures };

async function latencies(backend: string, indexer: Indexer, chain: BenchChain): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  const all = routes(chain);
  for (const [i, route] of all.entries()) {
    if (!(await answers(backend, indexer, route))) continue;
    log(`${backend}: route ${i + 1}/${all.length} ${route.name}`);
    const uncached = await measure(indexer.url, route, "uncached", seconds);
    const warm = await measure(indexer.url, route, "warm", seconds);
    rows.push({ backend, route, uncached, warm });
  }
  return rows;
}

/** /status read one at a time while the busiest account is loaded uncached at 50 connections. */
async function statusUnderLoad(indexer: Indexer, chain: BenchChain) {
  const busy = allRoutes(chain.meta).find((route) => route.name.startsWith("/accounts/:busy"))!;
  return statusWhile(indexer.url, measure(indexer.url, busy, "uncached", seconds));
}

/** Steps 2–4: backfills against the baselines, latencies on each backend, the report. */
async function fullRun(chain: BenchChain) {
  const load = { start: machine() };
  const backfills: { label: string; seconds: number; rssMb: number }[] = [];
  const latencyRows: LatencyRow[] = [];
  const statusProbes: Record<string, { max: number; samples: number }> = {};
  if (backends.includes("pglite")) {
    let ours: Indexer | undefined;
    const stock = stockTree(log);
    for (let round = 1; round <= rounds; round++) {
      for (const [label, options] of [
        [YARDSTICK, { root: path.join(projectRoot, "bench/reference-erc20") }],
        [STOCK_YARDSTICK, { root: stock.app("reference-erc20"), ponder: stock.ponder }],
        [FLOOR, { root: path.join(projectRoot, "bench/insert-only") }],
      ] as const) {
        log(`PGlite round ${round}/${rounds}: ${label}`);
        const baseline = await backfill(chain, label, options);
        await baseline.indexer.stop();
        backfills.push({ label, seconds: baseline.seconds, rssMb: baseline.rssMb });
      }
      log(`PGlite round ${round}/${rounds}: opg-indexer`);
      await ours?.stop();
      const run = await backfill(chain, "opg-indexer", {});
      backfills.push({ label: "opg-indexer, PGlite", seconds: run.seconds, rssMb: run.rssMb });
      ours = run.indexer;
    }
    latencyRows.push(...(await latencies("PGlite", ours!, chain)));
    statusProbes.PGlite = await statusUnderLoad(ours!, chain);
    await ours!.stop();
  }
  if (backends.includes("postgres")) {
    const database = await createDatabase(postgresUrl);
    try {
      log("PostgreSQL: opg-indexer backfill (ponder start)");
      const run = await backfill(chain, "opg-indexer", { databaseUrl: database.url });
      await run.indexer.stop();
      backfills.push({ label: "opg-indexer, PostgreSQL", seconds: run.seconds, rssMb: run.rssMb });
      log("PostgreSQL: ponder serve");
      const server = await Indexer.start(chain.env, { databaseUrl: database.url, command: "serve", logLevel: "error" });
      try {
        latencyRows.push(...(await latencies("PostgreSQL (serve)", server, chain)));
        statusProbes["PostgreSQL (serve)"] = await statusUnderLoad(server, chain);
      } finally {
        await server.stop();
      }
    } finally {
      await database.drop();
    }
  }

  const text = report({
    events,
    seconds,
    rounds,
    meta: chain.meta,
    load: { ...load, end: machine() },
    backfills,
    latencyRows,
    statusProbes,
    postgres: backends.includes("postgres") ? await postgresSettings(postgresUrl) : undefined,
  });
  console.log(text.table);
  // A table of some routes would replace the full one: a run with --routes prints only.
  if (routeFilter) log(`--routes given: ${values.docs} is not written`);
  else if (values.docs !== "none") {
    // Only the measured block is replaced: the analysis around it is written by hand.
    const file = path.resolve(projectRoot, values.docs);
    const START = "<!-- bench:start -->";
    const END = "<!-- bench:end -->";
    const current = existsSync(file) ? readFileSync(file, "utf8") : `# Performance\n\n${START}\n${END}\n`;
    const [before, rest] = current.split(START);
    const after = rest?.split(END)[1] ?? "\n";
    writeFileSync(file, `${before}${START}\n${text.generated}\n${END}${after}`);
    log(`wrote ${values.docs}`);
  }
}

/** --compare: the other commit (A) and this checkout (B) served side by side over the same data. */
async function comparison(chain: BenchChain, other: Checkout) {
  const head = git("rev-parse", "--short=12", "HEAD");
  const labelA = `${other.ref} (${other.commit.slice(0, 12)})`;
  const labelB = `this checkout (${head}${git("status", "--porcelain", "--untracked-files=no") ? " with uncommitted changes" : ""})`;
  const started = machine();
  const kept = values.database
    ? await keptDatabase(postgresUrl, values.database, indexingFingerprint(projectRoot, JSON.stringify(chain.meta)))
    : undefined;
  const databases = [kept ? { url: kept.url, drop: async () => {} } : await createDatabase(postgresUrl)];
  try {
    const backfillLines: string[] = [];
    if (kept?.reusable) {
      log(`compare: reusing database ${values.database}, filled by this indexing code from this chain`);
      backfillLines.push(`- B's database ${values.database} was reused: it was filled by the same indexing code from this chain.`);
    } else {
      log(`compare: backfilling PostgreSQL with ${labelB}`);
      const ours = await backfill(chain, "B", { databaseUrl: databases[0]!.url });
      await ours.indexer.stop();
      await kept?.filled();
      backfillLines.push(`- Backfill, PostgreSQL, B: ${ours.seconds.toFixed(1)} s, peak RSS ${ours.rssMb} MB.`);
    }
    if (!other.sameSchema) {
      // The other commit's tables differ, so it cannot serve B's database: it fills its own.
      log(`compare: ${other.ref} has other tables; backfilling a second database with it`);
      databases.push(await createDatabase(postgresUrl));
      const theirs = await backfill(chain, "A", { databaseUrl: databases[1]!.url, checkout: other.directory });
      await theirs.indexer.stop();
      backfillLines.unshift(`- Backfill, PostgreSQL, A: ${theirs.seconds.toFixed(1)} s, peak RSS ${theirs.rssMb} MB.`);
    }
    const databaseA = databases[databases.length - 1]!.url;
    const serverA = await Indexer.start(chain.env, {
      databaseUrl: databaseA,
      command: "serve",
      checkout: other.directory,
      logLevel: "error",
    });
    const serverB = await Indexer.start(chain.env, { databaseUrl: databases[0]!.url, command: "serve", logLevel: "error" });
    try {
      const both: Route[] = [];
      for (const route of routes(chain)) {
        if ((await answers("A", serverA, route)) && (await answers("B", serverB, route))) both.push(route);
      }
      const side = (label: string, server: Indexer, url: string): Side => ({
        label,
        origin: server.url,
        pid: server.pid,
        database: new URL(url).pathname.slice(1),
      });
      const rows = await compareRoutes({
        a: side("A", serverA, databaseA),
        b: side("B", serverB, databases[0]!.url),
        routes: both,
        rounds,
        seconds,
        adminUrl: postgresUrl,
        log,
      });
      const ended = machine();
      console.log(
        [
          `Comparison of ${started.at} → ${ended.at} (\`npm run bench -- --events ${events} --seconds ${seconds} --rounds ${rounds}${values.routes ? ` --routes ${values.routes}` : ""}${values.database ? ` --database ${values.database}` : ""} --compare ${other.ref}\`).`,
          "",
          `- A: ${labelA}. B: ${labelB}.${other.sameDependencies ? "" : ` A has another package-lock.json or patches, yet ran on B's node_modules.`}`,
          `- Both \`ponder serve\` over ${other.sameSchema ? "one PostgreSQL database B filled" : "a PostgreSQL database each (A's tables differ)"}; ${events} OPG transfer events.`,
          `- Load: uncached, 50 connections, ${seconds} s per route and side, ${rounds === 1 ? "one round, so no mark for changes within the noise" : `${rounds} rounds (A first in odd rounds, B first in even)`}. CPU per answer: the server's and its database's Postgres backends' user + system time (/proc) over the answers.`,
          `- ${await postgresSettings(postgresUrl)}.`,
          `- Load average (1, 5, 15 min) at the start: ${started.loadavg}; at the end: ${ended.loadavg}.`,
          ...backfillLines,
          "",
          compareTable(rows),
        ].join("\n"),
      );
    } finally {
      await Promise.all([serverA.stop(), serverB.stop()]);
    }
  } finally {
    for (const database of databases) await database.drop();
  }
}

// A bad ref fails before the chain is built.
let other: Checkout | undefined;
try {
  other = values.compare === undefined ? undefined : checkout(values.compare);
} catch (error) {
  usage((error as Error).message);
}
if (other && !other.sameDependencies) log(`${other.ref} has another package-lock.json or patches; it runs on this checkout's node_modules`);
const chain = await benchChain(events, log);
try {
  if (other) await comparison(chain, other);
  else await fullRun(chain);
} finally {
  await chain.stop();
}
if (skipped.length > 0) {
  log(`${skipped.length} route(s) did not answer 200, so their figures are missing:\n${skipped.join("\n")}`);
  process.exitCode = 1;
}
