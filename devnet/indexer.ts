import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort } from "./chain";
import { track } from "./children";
import { ResponseSchemas } from "./response-schemas";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function ponderBin(ponder: string): string {
  const pkgPath = path.join(ponder, "package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin.ponder;
  return path.join(path.dirname(pkgPath), bin);
}

/**
 * `npm start` and `npm run serve` bound V8's heap at package.json's `config.heapMb` and let its young
 * generation grow to `config.semiSpaceMb` per semi-space; an indexer started here runs with the same
 * options, and a NODE_OPTIONS of the caller's comes after them, so it can override.
 */
function heapOptions(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  // An older checkout (bench --compare) may lack a setting: it then runs as that commit did.
  const { heapMb, semiSpaceMb } = (pkg.config ?? {}) as { heapMb?: string; semiSpaceMb?: string };
  return [heapMb && `--max-old-space-size=${heapMb}`, semiSpaceMb && `--max-semi-space-size=${semiSpaceMb}`, process.env.NODE_OPTIONS]
    .filter(Boolean)
    .join(" ");
}

/** A fresh database per indexer: Ponder's RPC cache is keyed by chain id, and every devnet reuses 8453/10740. */
export async function createDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `opg_test_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

export type IndexerStatus = Record<string, { block: { number: number; timestamp: number } }>;

export class Indexer {
  private output = "";
  private schemas: Promise<ResponseSchemas> | undefined;

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly cleanup: () => Promise<void>,
    private readonly options: { apiStatus: boolean },
  ) {
    child.stdout?.on("data", (chunk) => (this.output = (this.output + chunk).slice(-20_000)));
    child.stderr?.on("data", (chunk) => (this.output = (this.output + chunk).slice(-20_000)));
  }

  /**
   * Starts `ponder start` against the given environment: on PGlite in a temporary directory, or, when
   * `postgresUrl` is given, in a database created for this run and dropped on stop.
   */
  static async start(
    env: Record<string, string>,
    options: {
      /** A server to create a fresh database on, dropped on stop. */
      postgresUrl?: string;
      /** An existing database to reuse, left in place on stop (restart tests). */
      databaseUrl?: string;
      /** A PGlite directory to reuse, left in place on stop. */
      pgliteDirectory?: string;
      port?: number;
      logLevel?: string;
      /** Another Ponder app (the bench's baselines), run as Ponder runs it by default. */
      root?: string;
      /** Another copy of the ponder package to run (the bench's stock baselines); default this project's. */
      ponder?: string;
      /** This project at another commit (`npm run bench -- --compare`), run with its own heap options. */
      checkout?: string;
      /** `serve`: the API alone over a database another process indexed (needs `databaseUrl`). */
      command?: "start" | "serve";
    } = {},
  ) {
    const port = options.port ?? (await freePort());
    let cleanup = async () => {};
    const databaseEnv: Record<string, string> = {};
    if (options.databaseUrl) {
      databaseEnv.DATABASE_URL = options.databaseUrl;
      databaseEnv.DATABASE_SCHEMA = "opg";
    } else if (options.postgresUrl) {
      const database = await createDatabase(options.postgresUrl);
      databaseEnv.DATABASE_URL = database.url;
      databaseEnv.DATABASE_SCHEMA = "opg";
      cleanup = database.drop;
    } else {
      const directory = options.pgliteDirectory ?? mkdtempSync(path.join(os.tmpdir(), "opg-pglite-"));
      databaseEnv.PGLITE_DIRECTORY = directory;
      databaseEnv.DATABASE_SCHEMA = "public";
      if (!options.pgliteDirectory) cleanup = async () => rmSync(directory, { recursive: true, force: true });
    }
    const { DATABASE_URL: _url, DATABASE_SCHEMA: _schema, ...inherited } = process.env;
    const appRoot = options.root ?? options.checkout;
    const child = track(
      spawn(
        process.execPath,
        [
          ponderBin(options.ponder ?? path.join(projectRoot, "node_modules/ponder")),
          ...(appRoot ? ["--root", appRoot] : []),
          options.command ?? "start",
          "--schema",
          databaseEnv.DATABASE_SCHEMA!,
          "--port",
          String(port),
          "--hostname",
          "127.0.0.1",
          "--log-format",
          "json",
          "--log-level",
          options.logLevel ?? "warn",
        ],
        {
          cwd: projectRoot,
          env: {
            ...inherited,
            // The bench's Ponder apps (another root) run as Ponder runs them by default.
            ...(options.root ? {} : { NODE_OPTIONS: heapOptions(options.checkout ?? projectRoot) }),
            PONDER_TELEMETRY_DISABLED: "true",
            RPC_POLLING_INTERVAL_MS: "100",
            ...env,
            ...databaseEnv,
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      ),
    );
    const indexer = new Indexer(`http://127.0.0.1:${port}`, child, cleanup, { apiStatus: !options.root });
    await indexer.waitUntil(async () => (await fetch(`${indexer.url}/health`)).ok, 120_000, "the API to come up");
    return indexer;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get logs() {
    return this.output;
  }

  /**
   * Each chain's indexed block as the REST API sees it (`/api/v1/status`), which may trail Ponder's
   * own `/status` by the API's short position cache; a suite that waits on this reads what it waited for.
   * An app without our API (the benchmark's baseline) is asked through Ponder's `/status`.
   */
  async status(): Promise<IndexerStatus> {
    if (!this.options.apiStatus) return (await (await fetch(`${this.url}/status`)).json()) as IndexerStatus;
    const { asOf } = (await (await fetch(`${this.url}/api/v1/status`)).json()) as {
      asOf: Record<string, { block: number; timestamp: number } | null>;
    };
    const status: IndexerStatus = {};
    for (const [chain, position] of Object.entries(asOf)) {
      if (position) status[chain] = { block: { number: position.block, timestamp: position.timestamp } };
    }
    return status;
  }

  /** Waits until every named chain has been indexed at least up to its block. */
  async waitForBlocks(targets: Record<string, bigint | number>, timeoutMs = 120_000) {
    await this.waitUntil(
      async () => {
        const status = await this.status();
        return Object.entries(targets).every(([chain, block]) => (status[chain]?.block.number ?? -1) >= Number(block));
      },
      timeoutMs,
      `blocks ${JSON.stringify(Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, Number(v)])))}`,
    );
  }

  private async waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null)
        throw new Error(`indexer exited (${this.child.exitCode}) while waiting for ${what}:\n${this.output}`);
      try {
        if (await check()) return;
      } catch {
        // not up yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}:\n${this.output.slice(-5000)}`);
  }

  async get(pathname: string): Promise<Response> {
    return fetch(`${this.url}${pathname}`);
  }

  async json<T = any>(pathname: string): Promise<T> {
    const response = await this.get(pathname);
    if (!response.ok) throw new Error(`GET ${pathname} -> ${response.status}: ${await response.text()}`);
    const body = await response.json();
    if (this.options.apiStatus) {
      this.schemas ??= ResponseSchemas.load(this.url);
      (await this.schemas).check(pathname, body);
    }
    return body as T;
  }

  /** Kills the process without letting it shut down, as a crash or an OOM kill would. */
  async crash() {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGKILL");
      await exited;
    }
  }

  async stop() {
    if (this.child.exitCode === null) {
      this.child.kill("SIGTERM");
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      const timeout = new Promise((resolve) => setTimeout(resolve, 10_000));
      await Promise.race([exited, timeout]);
      if (this.child.exitCode === null) this.child.kill("SIGKILL");
    }
    await this.cleanup();
  }
}
