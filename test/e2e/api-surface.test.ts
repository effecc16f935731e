import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseAbiItem } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opgTokenAbi } from "../../abis/opgToken";
import { clientTypes, clientTypesPath } from "../../client/generate";
import { projectRoot } from "../../devnet/indexer";
import { ResponseSchemas } from "../../devnet/response-schemas";
import { simulate } from "../../devnet/simulate/index";
import { backends, type Stack, startStack } from "../../devnet/stack";

/** Every documented route, the docs, the dashboard and the analyses, on a whole simulated network. */
describe.each(backends)("API surface on %s", (backend) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(backend, async (devnet) => {
      await simulate(devnet, { hours: 36, seed: 5 });
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("answers every OpenAPI path that needs no path parameter with 200 JSON (matching its schema), CSV or text", async () => {
    const spec = await stack.indexer.json("/openapi.json");
    const paths = Object.keys(spec.paths);
    expect(paths.length).toBeGreaterThanOrEqual(20);
    for (const path of paths.filter((p) => !p.includes("{"))) {
      const response = await stack.indexer.get(path);
      expect(response.status, path).toBe(200);
      if (spec.paths[path].get.responses["200"].content["application/json"]) await stack.indexer.json(path);
      const parameters: { name: string }[] = spec.paths[path].get.parameters;
      if (parameters.some((p) => p.name === "format")) {
        const csv = await stack.indexer.get(`${path}?format=csv`);
        expect(csv.status, `${path}?format=csv`).toBe(200);
        expect(csv.headers.get("content-type"), path).toContain("text/csv");
      }
    }
  });

  it("declares a full response schema for every JSON route and rejects an answer with a field added or dropped", async () => {
    const spec = await stack.indexer.json("/openapi.json");
    for (const [path, item] of Object.entries<any>(spec.paths)) {
      const json = item.get.responses["200"].content["application/json"];
      if (json) expect(Object.keys(json.schema.properties ?? json.schema.anyOf[0].properties), path).not.toHaveLength(0);
    }
    const schemas = await ResponseSchemas.load(stack.indexer.url);
    const supply = await stack.indexer.json("/api/v1/supply");
    expect(() => schemas.check("/api/v1/supply", supply)).not.toThrow();
    expect(() => schemas.check("/api/v1/supply", { ...supply, extra: 1 })).toThrow(/extra/);
    const { holders: _holders, ...withoutHolders } = supply;
    expect(() => schemas.check("/api/v1/supply", withoutHolders)).toThrow(/holders/);
    const node = (await stack.indexer.json("/api/v1/staking/validators")).data[0];
    const answer = await stack.indexer.json(`/api/v1/nodes/${node.address}`);
    const renamed = {
      ...answer,
      series: { ...answer.series, data: answer.series.data.map(({ stake, ...row }: any) => ({ ...row, closingStake: stake })) },
    };
    expect(() => schemas.check(`/api/v1/nodes/${node.address}`, renamed)).toThrow(/closingStake/);
    expect(() => schemas.check("/api/v1/no/such/route", {})).toThrow(/no JSON response schema/);
  });

  it("lists in the README route table exactly the paths of the OpenAPI document", async () => {
    const spec = await stack.indexer.json("/openapi.json");
    const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
    const documented = new Set<string>();
    for (const row of readme.split("\n").filter((line) => line.startsWith("| `GET /api/v1"))) {
      const cell = row.split(" | ")[0]!;
      for (const [, route] of cell.matchAll(/`(?:GET )?(\/[^`?]*)/g)) {
        documented.add((route!.startsWith("/api/v1") ? route! : `/api/v1${route}`).replace(/:(\w+)/g, "{$1}"));
      }
    }
    expect([...documented].sort()).toEqual(Object.keys(spec.paths).sort());
  });

  it("commits client/openapi.d.ts as generated from the document (UPDATE_CLIENT=1 rewrites it)", async () => {
    const generated = await clientTypes(await stack.indexer.json("/openapi.json"));
    if (process.env.UPDATE_CLIENT === "1") writeFileSync(clientTypesPath, generated);
    expect(readFileSync(clientTypesPath, "utf8"), "run npm run client:generate against a running indexer").toBe(generated);
  });

  it("never answers nonsense parameters with a server error", async () => {
    const spec = await stack.indexer.json("/openapi.json");
    for (const [path, item] of Object.entries<any>(spec.paths)) {
      if (item.get.parameters.length === 0) continue;
      const concrete = path.replace(/\{\w+\}/g, "0xZZ");
      const junk = item.get.parameters.map((p: { name: string }) => `${p.name}=%00%27;drop`).join("&");
      const response = await stack.indexer.get(`${concrete}?${junk}`);
      expect(response.status, `${concrete}?${junk}`).toBeLessThan(500);
      expect(response.status, `${concrete}?${junk}`).toBeGreaterThanOrEqual(400);
      const body = (await response.json()) as { error: { code: string } };
      expect(body.error.code, path).toBeTruthy();
    }
  });

  it("counts each request once in Ponder's HTTP metrics, under the route that answered it", async () => {
    // ponder_http_server_request_duration_ms_count by "method path status".
    const counts = async () => {
      const text = await (await stack.indexer.get("/metrics")).text();
      const counted = new Map<string, number>();
      for (const match of text.matchAll(
        /^ponder_http_server_request_duration_ms_count\{method="(\w+)",path="([^"]+)",status="(\w+)"\} (\d+)$/gm,
      )) {
        counted.set(`${match[1]} ${match[2]} ${match[3]}`, Number(match[4]));
      }
      return counted;
    };
    const before = await counts();
    for (let n = 0; n < 5; n++) expect((await stack.indexer.get("/api/v1/status")).status).toBe(200);
    expect((await stack.indexer.get("/api/v1/no-such-route")).status).toBe(404);
    const graphql = await fetch(`${stack.indexer.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ _meta { status } }" }),
    });
    expect(graphql.status).toBe(200);
    const after = await counts();
    const added = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    expect(added("GET /api/v1/status 2XX")).toBe(5);
    expect(added("GET /api/v1/* 4XX")).toBe(1);
    expect(added("POST /graphql 2XX")).toBe(1);
    // The API's own middleware and catch-all match every /api/v1 path: they answered none of these.
    expect(added("GET /api/v1/* 2XX")).toBe(0);
  });

  it("serves the docs page, the dashboard and its offline assets", async () => {
    const docs = await stack.indexer.get("/docs");
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/openapi.json");
    for (const path of ["/", "/dashboard"]) {
      const page = await stack.indexer.get(path);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("/dashboard/page.js");
      expect(html).toContain("/dashboard/uplot.js");
    }
    for (const asset of ["/dashboard/page.js", "/dashboard/uplot.js", "/dashboard/uplot.css"]) {
      const response = await stack.indexer.get(asset);
      expect(response.status, asset).toBe(200);
      expect((await response.text()).length, asset).toBeGreaterThan(1000);
    }
  });

  it("runs every named analysis", async () => {
    const list = await stack.indexer.json("/api/v1/analyses");
    expect(list.data.length).toBeGreaterThanOrEqual(5);
    for (const { name } of list.data) {
      const result = await stack.indexer.json(`/api/v1/analyses/${name}?from=0`);
      expect(result.data.length, name).toBeGreaterThan(0);
    }
    expect((await stack.indexer.get("/api/v1/analyses/no-such-analysis")).status).toBe(404);
  });

  it("counts daily OPG activity as the chain's Transfer logs do", async () => {
    const head = await stack.devnet.base.blockNumber();
    const logs = await stack.devnet.base.client.getLogs({
      address: stack.devnet.token,
      event: parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)"),
      fromBlock: 0n,
      toBlock: head,
    });
    const result = await stack.indexer.json("/api/v1/analyses/daily-active-accounts?from=0");
    const total = result.data.reduce((sum: number, day: { transfers: number }) => sum + day.transfers, 0);
    expect(total).toBe(logs.length);
    const volume = result.data.reduce((sum: bigint, day: { volume: string }) => sum + BigInt(day.volume), 0n);
    expect(volume).toBe(logs.reduce((sum, log) => sum + log.args.value!, 0n));
  });

  it("splits the whole supply between holder tiers", async () => {
    const head = await stack.devnet.base.blockNumber();
    const totalSupply = await stack.devnet.base.client.readContract({
      address: stack.devnet.token,
      abi: opgTokenAbi,
      functionName: "totalSupply",
      blockNumber: head,
    });
    const result = await stack.indexer.json("/api/v1/analyses/holder-concentration");
    const supply = await stack.indexer.json("/api/v1/supply");
    expect(result.data.reduce((sum: number, tier: { holders: number }) => sum + tier.holders, 0)).toBe(supply.holders);
    expect(result.data.reduce((sum: bigint, tier: { balance: string }) => sum + BigInt(tier.balance), 0n)).toBe(totalSupply);
  });

  it("counts settlements per TEE as the relay's logs do", async () => {
    const head = await stack.devnet.og.blockNumber();
    const logs = await stack.devnet.og.client.getLogs({
      address: stack.devnet.env.SETTLEMENT_RELAY_ADDRESS as `0x${string}`,
      event: parseAbiItem(
        "event IndividualSettlement(bytes32 indexed teeId, address indexed ethAddress, bytes32 inputHash, bytes32 outputHash, uint256 timestamp, bytes walrusBlobId, bytes signature)",
      ),
      fromBlock: 0n,
      toBlock: head,
    });
    const result = await stack.indexer.json("/api/v1/analyses/tee-settlement-lag?from=0");
    const perTee = new Map<string, number>();
    for (const log of logs) perTee.set(log.args.teeId!, (perTee.get(log.args.teeId!) ?? 0) + 1);
    expect(logs.length).toBeGreaterThan(0);
    expect(new Map(result.data.map((row: { tee_id: string; settlements: number }) => [row.tee_id, row.settlements]))).toEqual(perTee);
  });
});
