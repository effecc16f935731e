/**
 * `npm run bench -- --compare <ref>`: this checkout against another commit, served side by side over
 * the same data. On this machine the same code's throughput moves by 25–45 % between hours, so two
 * full runs from different hours do not compare; two servers loaded in turn, a few seconds apart, do.
 * The figure that moves least is CPU time per answer (the server's and the Postgres backends', from
 * /proc), which sets the throughput when the load generator keeps 50 requests in flight.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { projectRoot } from "../../devnet/indexer";
import { type Figures, measure, type Route } from "./load";
import { table } from "./report";

export type Checkout = {
  ref: string;
  commit: string;
  directory: string;
  /** The tables are the same, so the other commit's API can serve the database this checkout filled. */
  sameSchema: boolean;
  /** Same lockfile and patches: the other commit runs on this checkout's node_modules as it would on its own. */
  sameDependencies: boolean;
};

export const git = (...args: string[]) => execFileSync("git", args, { cwd: projectRoot, encoding: "utf8", stdio: "pipe" }).trim();

function unchangedSince(commit: string, ...paths: string[]): boolean {
  try {
    git("diff", "--quiet", commit, "--", ...paths);
    return true;
  } catch {
    return false;
  }
}

/** A detached worktree of `ref` under .bench/ (kept for the next run), on this checkout's node_modules. */
export function checkout(ref: string): Checkout {
  let commit: string;
  try {
    commit = git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
  } catch {
    throw new Error(`--compare: "${ref}" is not a commit of this repository`);
  }
  const directory = path.join(projectRoot, ".bench", `compare-${commit.slice(0, 12)}`);
  if (!existsSync(directory)) {
    git("worktree", "prune");
    git("worktree", "add", "--detach", directory, commit);
  }
  const modules = path.join(directory, "node_modules");
  if (!existsSync(modules)) symlinkSync(path.join(projectRoot, "node_modules"), modules, "dir");
  return {
    ref,
    commit,
    directory,
    sameSchema: unchangedSince(commit, "ponder.schema.ts", "schema"),
    sameDependencies: unchangedSince(commit, "package-lock.json", "patches"),
  };
}

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** User plus system CPU time of a process so far, in ms (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** CPU time of every backend connected to the database, by pid (a backend that exits takes its time with it). */
async function backendCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>("select pid from pg_stat_activity where datname = $1", [database]);
  const times = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      times.set(pid, cpuMs(pid));
    } catch {
      // exited between the query and the read
    }
  }
  return times;
}

/** A server under comparison: its origin, its process and the database its backends serve. */
export type Side = { label: string; origin: string; pid: number; database: string };
export type Sample = Figures & { nodeMs: number; postgresMs: number };

/** One uncached load of a route on one server, with the CPU each answer cost the server and Postgres. */
export async function sample(side: Side, route: Route, seconds: number, admin: pg.Client): Promise<Sample> {
  const nodeBefore = cpuMs(side.pid);
  const postgresBefore = await backendCpu(admin, side.database);
  const figures = await measure(side.origin, route, "uncached", seconds);
  const nodeAfter = cpuMs(side.pid);
  const postgresAfter = await backendCpu(admin, side.database);
  let postgres = 0;
  for (const [pid, after] of postgresAfter) postgres += after - (postgresBefore.get(pid) ?? 0);
  const answers = Math.max(1, figures.total);
  return { ...figures, nodeMs: (nodeAfter - nodeBefore) / answers, postgresMs: postgres / answers };
}

export type ComparedRoute = { route: Route; a: Sample[]; b: Sample[] };

/** Each route `rounds` times on both servers, the first server alternating so neither always runs warm. */
export async function compareRoutes(input: {
  a: Side;
  b: Side;
  routes: Route[];
  rounds: number;
  seconds: number;
  /** Any database of the server both sides use, to list their backends. */
  adminUrl: string;
  log: (message: string) => void;
}): Promise<ComparedRoute[]> {
  const admin = new pg.Client({ connectionString: input.adminUrl });
  await admin.connect();
  try {
    const compared: ComparedRoute[] = [];
    for (const [i, route] of input.routes.entries()) {
      // A server's first seconds on a route run cold code (the JIT, the statement cache of each pooled
      // connection): a short load on each, not counted, keeps that out of the first round.
      for (const side of [input.a, input.b]) await measure(side.origin, route, "uncached", Math.min(2, input.seconds));
      const result: ComparedRoute = { route, a: [], b: [] };
      for (let round = 0; round < input.rounds; round++) {
        const order = round % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const);
        for (const key of order) {
          input.log(
            `compare: route ${i + 1}/${input.routes.length} ${route.name}, round ${round + 1}/${input.rounds}, ${input[key].label}`,
          );
          result[key].push(await sample(input[key], route, input.seconds, admin));
        }
      }
      compared.push(result);
    }
    return compared;
  } finally {
    await admin.end();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const percentChange = (before: number, after: number) => {
  const change = Math.round((after / before - 1) * 100);
  return `${change > 0 ? "+" : ""}${change} %`;
};

/**
 * Whether the two sides' ranges of CPU per answer overlap: a change then is within the run's noise.
 * One round per side gives no range, so no verdict.
 */
const overlap = (a: number[], b: number[]) =>
  a.length > 1 && b.length > 1 && Math.max(...a) >= Math.min(...b) && Math.max(...b) >= Math.min(...a);

const series = (samples: Sample[], pick: (s: Sample) => number, digits: number) => samples.map((s) => pick(s).toFixed(digits)).join(", ");

/**
 * The side-by-side table: every round's figure, A → B, and the change in median CPU per answer,
 * marked when one side's best round is not better than the other's worst.
 */
export function compareTable(rows: ComparedRoute[]): string {
  const header = [
    "route",
    "req/s A → B",
    "p99 ms A → B",
    "Node ms/answer A → B",
    "Postgres ms/answer A → B",
    "CPU/answer B vs A",
    "failures",
  ];
  const cpu = (s: Sample) => s.nodeMs + s.postgresMs;
  const body = rows.map(({ route, a, b }) => {
    const failed = [...a, ...b].reduce((sum, s) => sum + s.non2xx + s.errors + s.timeouts, 0);
    return [
      route.name,
      `${series(a, (s) => s.rps, 0)} → ${series(b, (s) => s.rps, 0)}`,
      `${series(a, (s) => s.p99, 0)} → ${series(b, (s) => s.p99, 0)}`,
      `${series(a, (s) => s.nodeMs, 2)} → ${series(b, (s) => s.nodeMs, 2)}`,
      `${series(a, (s) => s.postgresMs, 2)} → ${series(b, (s) => s.postgresMs, 2)}`,
      `${percentChange(median(a.map(cpu)), median(b.map(cpu)))}${overlap(a.map(cpu), b.map(cpu)) ? " (rounds overlap)" : ""}`,
      failed ? String(failed) : "",
    ];
  });
  return table(header, body);
}

/** Every file under `directory`, recursively, as paths relative to `root`. */
function filesUnder(root: string, directory: string): string[] {
  const absolute = path.join(root, directory);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/**
 * A hash of everything that decides what a backfill stores: the tables, the config, the handlers and
 * the shared rules they import (src/ but src/api/, lib/, abis/), and the chain. A database filled under
 * another fingerprint holds other rows; one filled under this one can serve again.
 */
export function indexingFingerprint(root: string, chain: string): string {
  const files = ["ponder.schema.ts", "ponder.config.ts", ...["schema", "src", "lib", "abis"].flatMap((d) => filesUnder(root, d))]
    .filter((file) => !file.startsWith(`src${path.sep}api${path.sep}`) && existsSync(path.join(root, file)))
    .sort();
  const hash = createHash("sha1").update(chain);
  for (const file of files) hash.update(`\0${file}\0`).update(readFileSync(path.join(root, file)));
  return hash.digest("hex");
}

/** A database name that needs no quoting: it goes into statements as an identifier. */
export const DATABASE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * `--database NAME`: a database kept between runs for this checkout's side. It is reused when its
 * comment holds this fingerprint (it was filled, to the end, by the same indexing code and chain);
 * otherwise it is created anew, and `filled` marks it once the backfill has reached the head.
 */
export async function keptDatabase(adminUrl: string, name: string, fingerprint: string) {
  if (!DATABASE_NAME.test(name)) throw new Error(`--database: "${name}" is not a lowercase SQL identifier`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ comment: string | null }>(
      "select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1",
      [name],
    );
    const reusable = rows[0]?.comment === fingerprint;
    if (!reusable) {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.query(`create database "${name}"`);
    }
    return {
      url: url.toString(),
      reusable,
      filled: async () => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(`comment on database "${name}" is '${fingerprint}'`);
        await client.end();
      },
    };
  } finally {
    await admin.end();
  }
}
