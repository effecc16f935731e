/**
 * `npm run analyze -- <name> [--from T] [--to T] [--limit N] [--format table|csv|json] [--url URL]`
 *
 * Runs a named analysis from queries/ through a running opg-indexer (`npm start` or `npm run demo`),
 * so it reads the same database the API serves without opening it twice. With no name, lists them.
 */
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: "string" },
    to: { type: "string" },
    limit: { type: "string" },
    format: { type: "string", default: "table" },
    url: { type: "string", default: process.env.OPG_INDEXER_URL ?? `http://127.0.0.1:${process.env.PORT ?? 42069}` },
  },
});

if (!["table", "csv", "json"].includes(values.format!)) {
  console.error(`--format must be table, csv or json (got ${values.format})`);
  process.exit(2);
}

async function get(path: string) {
  let response: Response;
  try {
    response = await fetch(`${values.url}${path}`);
  } catch {
    console.error(`cannot reach opg-indexer at ${values.url}: start it with \`npm start\` or \`npm run demo\`, or pass --url`);
    process.exit(1);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message: string } } | null;
    console.error(`error ${response.status}: ${body?.error?.message ?? response.statusText}`);
    process.exit(1);
  }
  return response;
}

const [name] = positionals;
if (!name) {
  const { data } = (await (await get("/api/v1/analyses")).json()) as { data: { name: string; title: string; params: string[] }[] };
  for (const analysis of data) console.log(`${analysis.name.padEnd(28)} ${analysis.title}  [${analysis.params.join(", ")}]`);
  process.exit(0);
}

const params = new URLSearchParams();
for (const key of ["from", "to", "limit"] as const) if (values[key]) params.set(key, values[key]!);
if (values.format === "csv") {
  params.set("format", "csv");
  process.stdout.write(await (await get(`/api/v1/analyses/${encodeURIComponent(name)}?${params}`)).text());
} else {
  const body = (await (await get(`/api/v1/analyses/${encodeURIComponent(name)}?${params}`)).json()) as { data: Record<string, unknown>[] };
  if (values.format === "json") console.log(JSON.stringify(body, null, 2));
  else console.table(body.data);
}
