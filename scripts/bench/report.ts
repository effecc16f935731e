import { readFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";
import type { LatencyRow } from "../bench";
import type { ChainMeta } from "./chain";
import type { Figures } from "./load";

export function machine() {
  return {
    at: new Date().toISOString(),
    loadavg: os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(" "),
  };
}

/**
 * The PostgreSQL server's settings that move the figures: on a virtual machine whose page faults are
 * dear, a backend's first touch of each 4 kB page of shared buffers cost more than the query
 * (docs/performance.md, "PostgreSQL's page faults"), and huge pages remove most of those faults.
 */
export async function postgresSettings(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string; shared_buffers: string; huge_pages: string }>(
      "select current_setting('server_version') as version, current_setting('shared_buffers') as shared_buffers, current_setting('huge_pages') as huge_pages",
    );
    const { version, shared_buffers: sharedBuffers, huge_pages: hugePages } = rows[0]!;
    // The kernel's reserve tells whether huge_pages=try got any (PostgreSQL 15 does not say); local servers only.
    const reserved = os.platform() === "linux" ? readFileSync("/proc/meminfo", "utf8").match(/HugePages_Total:\s+(\d+)/)?.[1] : undefined;
    return `PostgreSQL ${version}, shared_buffers ${sharedBuffers}, huge_pages ${hugePages}${reserved === undefined ? "" : ` (this machine's kernel reserves ${reserved} huge pages)`}`;
  } finally {
    await client.end();
  }
}

/** The issue's targets at 1M events, uncached p99 at 50 connections. */
function target(backend: string, kind: string): number {
  if (backend === "PGlite") return 250;
  return kind === "series" ? 150 : 50;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

const failures = (f: Figures) =>
  [f.non2xx && `${f.non2xx} non-2xx`, f.errors && `${f.errors} errors`, f.timeouts && `${f.timeouts} timeouts`].filter(Boolean).join(", ");

/** The issue's yardstick: Ponder's own ERC-20 example on the same chain (bench/reference-erc20). */
export const YARDSTICK = "Ponder reference-erc20, PGlite";
/** The same app on Ponder, PGlite and Hono as npm ships them, without patches/ (scripts/bench/stock.ts). */
export const STOCK_YARDSTICK = "Ponder reference-erc20 on stock Ponder, PGlite";
/** The floor: a Ponder app that inserts each transfer and nothing else (bench/insert-only). */
export const FLOOR = "Ponder insert-only, PGlite";

export function report(input: {
  events: number;
  seconds: number;
  rounds: number;
  meta: ChainMeta;
  load: { start: { at: string; loadavg: string }; end: { at: string; loadavg: string } };
  backfills: { label: string; seconds: number; rssMb: number }[];
  latencyRows: LatencyRow[];
  statusProbes: Record<string, { max: number; samples: number }>;
  /** `postgresSettings`, when PostgreSQL was measured. */
  postgres?: string;
}) {
  const { meta } = input;
  const best = new Map<string, { seconds: number; rssMb: number }>();
  for (const run of input.backfills) {
    const known = best.get(run.label);
    best.set(run.label, { seconds: Math.min(known?.seconds ?? Infinity, run.seconds), rssMb: Math.max(known?.rssMb ?? 0, run.rssMb) });
  }
  const ratio = (label: string, baseline: number | undefined, seconds: number) =>
    baseline && label.endsWith("PGlite") ? `${(seconds / baseline).toFixed(2)}×` : "";
  const yardstick = best.get(YARDSTICK)?.seconds;
  const stockYardstick = best.get(STOCK_YARDSTICK)?.seconds;
  const backfillTable = table(
    ["backfill", "runs", "best time", "events/s", "vs reference-erc20", "vs reference-erc20 on stock Ponder", "peak RSS"],
    [...best.entries()].map(([label, run]) => [
      label,
      String(input.backfills.filter((b) => b.label === label).length),
      `${run.seconds.toFixed(1)} s`,
      String(Math.round(input.events / run.seconds)),
      ratio(label, yardstick, run.seconds),
      ratio(label, stockYardstick, run.seconds),
      `${run.rssMb} MB`,
    ]),
  );
  const latencyTable = table(
    [
      "backend",
      "route",
      "kind",
      "uncached p50",
      "uncached p99",
      "target p99",
      "uncached req/s",
      "warm p50",
      "warm p99",
      "warm req/s",
      "failures",
    ],
    input.latencyRows.map(({ backend, route, uncached, warm }) => {
      const limit = target(backend, route.kind);
      return [
        backend,
        route.name,
        route.kind,
        `${uncached.p50} ms`,
        `${uncached.p99} ms`,
        // The issue's targets are "p99 < limit"; autocannon's p99 is whole milliseconds, so 50 ms misses 50.
        `${limit} ms ${uncached.p99 < limit ? "✓" : "✗"}`,
        String(uncached.rps),
        `${warm.p50} ms`,
        `${warm.p99} ms`,
        String(warm.rps),
        [failures(uncached), failures(warm)].filter(Boolean).join("; "),
      ];
    }),
  );
  const statusLines = Object.entries(input.statusProbes).map(
    ([backend, probe]) =>
      `- ${backend}: slowest of ${probe.samples} sequential \`/api/v1/status\` reads while \`/accounts/:busy\` ran uncached at 50 connections: ${probe.max} ms`,
  );
  const cpus = os.cpus();
  const generated = [
    `Run of ${input.load.start.at} → ${input.load.end.at} (\`npm run bench -- --events ${input.events} --seconds ${input.seconds} --rounds ${input.rounds}\`).`,
    "",
    `- Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}.`,
    ...(input.postgres ? [`- ${input.postgres}.`] : []),
    `- Load average (1, 5, 15 min) at the start: ${input.load.start.loadavg}; at the end: ${input.load.end.loadavg}. The load generator, anvil and the indexer share these cores.`,
    `- Chain: ${input.events} OPG transfer events (the mint included) in ${meta.blocks} blocks over ${meta.days} days, ${meta.holders} holders, about 1 % burns; the busiest account took part in ${meta.busyAccountTransfers} transfers.`,
    `- Load: autocannon, 50 connections, ${input.seconds} s per route and mode. Uncached: every request a URL not asked before (a different \`from\`, address or a \`_=\` counter), as a browser or CDN cache in front of the API would miss them; warm: one URL repeated. The server keeps no answers (it sends an ETag and \`max-age=2\`), so both modes run the route's queries.`,
    "",
    backfillTable,
    "",
    latencyTable,
    "",
    ...statusLines,
  ].join("\n");
  return { table: `${backfillTable}\n\n${latencyTable}\n\n${statusLines.join("\n")}`, generated };
}
