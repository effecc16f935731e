import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opgTokenAbi } from "../../abis/opgToken";
import { TREASURY } from "../../devnet/accounts";
import { Random } from "../../devnet/random";
import { holder, TokenTraffic } from "../../devnet/simulate/token";
import { backends, type Stack, startStack } from "../../devnet/stack";
import { OPG_MAX_SUPPLY } from "../../lib/supply";

/** Values a careless or hostile client sends; each parameter also gets random printable and raw bytes. */
const NASTY = [
  "",
  " ",
  "foo 1",
  "' OR '1'='1",
  "-1",
  "1.5",
  "1e9",
  "0x10",
  "NaN",
  "Infinity",
  "null",
  "undefined",
  "[]",
  "{}",
  "%00",
  "%27;drop table transfer;--",
  "2024-02-30",
  "2024-13-01",
  "9999-12-31T23:59:59Z",
  "10000-01-01",
  "99999999999999999999999",
  "0",
  "1",
  "2024-03-01T12:00:00+14:00",
  "March 1, 2024",
  `0x${"f".repeat(40)}`,
  `0x${"0".repeat(39)}`,
  "%F0%9F%92%A5",
  "%E2%80%AE",
  "%C0%AF",
  "a".repeat(5000),
  "true",
  "hour",
  "day",
  "csv",
];

function junk(random: Random): string {
  const roll = random.next();
  if (roll < 0.6) return random.pick(NASTY);
  if (roll < 0.8) return String(random.int(-10, 2_000_000_000));
  const bytes = Array.from({ length: random.int(1, 12) }, () => random.int(1, 255));
  return bytes.map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");
}

describe.each(backends)("hostile input on %s", (backend) => {
  let stack: Stack;
  let traffic: TokenTraffic;

  beforeAll(async () => {
    stack = await startStack(backend, async (devnet) => {
      traffic = new TokenTraffic(devnet, new Random(5), 12);
      await traffic.seed(OPG_MAX_SUPPLY);
      await devnet.base.mine();
      for (let block = 0; block < 4; block++) {
        await traffic.step(3);
        devnet.base.advance(3600);
        await devnet.base.mine();
      }
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("answers 10,000 fuzzed requests over every OpenAPI route without a 5xx, each refusal a 400 with the error shape", async () => {
    const spec = await stack.indexer.json("/openapi.json");
    const routes = Object.entries<any>(spec.paths).map(([path, item]) => ({
      path,
      parameters: (item.get.parameters ?? []) as { name: string; in: string }[],
    }));
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const random = new Random(1010);
    const requests = Array.from({ length: 10_000 }, () => {
      const route = random.pick(routes);
      const pathname = route.path.replace(/\{\w+\}/g, () => junk(random) || "x");
      const query = route.parameters
        .filter((parameter) => parameter.in === "query" && random.next() < 0.7)
        .map((parameter) => `${parameter.name}=${junk(random)}`)
        .join("&");
      return `/api/v1${pathname.replace(/^\/api\/v1/, "")}${query ? `?${query}` : ""}`;
    });
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const url = requests[next++]!;
        const response = await stack.indexer.get(url);
        const text = await response.text();
        if (response.status >= 500) failures.push(`${response.status} ${url}`);
        else if (response.status === 400) {
          const error = JSON.parse(text).error;
          if (typeof error?.code !== "string" || typeof error?.message !== "string") failures.push(`bad 400 shape ${url}: ${text}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(failures.slice(0, 20)).toEqual([]);
  }, 240_000);

  it("refuses blank parameters and dates Date.parse would guess at", async () => {
    for (const query of ["atBlock=", "at=", "at=foo%201", "at=-1", "at=1.5", "at=%27%20OR%20%271%27%3D%271"]) {
      const response = await stack.indexer.get(`/api/v1/supply?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as any).error.code, query).toBe("invalid_parameter");
    }
    const blankType = await stack.indexer.get("/api/v1/verification/tees?type=");
    expect(blankType.status).toBe(400);
  });

  it("changes the ETag when a reorg replaces the head by a block at the same height and second", async () => {
    const { devnet } = stack;
    const head = await devnet.base.blockNumber();
    const before = await stack.indexer.get("/api/v1/holders/top?limit=50");
    const etag = before.headers.get("etag")!;
    const timestamp = Number((await devnet.base.client.getBlock({ blockNumber: head })).timestamp);

    await devnet.base.rollback(1);
    const newHolder = holder(777);
    await traffic.transfer(TREASURY, newHolder, 10n ** 20n);
    // Sealed directly: the harness clock only moves forward, and the replacement keeps the old second.
    await devnet.base.rpc("evm_mine", [timestamp]);
    expect(await devnet.base.blockNumber()).toBe(head);
    expect(Number((await devnet.base.client.getBlock({ blockNumber: head })).timestamp)).toBe(timestamp);

    const balance = (await devnet.base.client.readContract({
      address: devnet.token,
      abi: opgTokenAbi,
      functionName: "balanceOf",
      args: [newHolder],
    })) as bigint;
    const deadline = Date.now() + 60_000;
    let answer: Response;
    for (;;) {
      answer = await stack.indexer.get("/api/v1/holders/top?limit=50");
      const holders = ((await answer.clone().json()) as any).data as { address: string; balance: string }[];
      if (holders.some((row) => row.address === newHolder.toLowerCase() && row.balance === balance.toString())) break;
      if (Date.now() > deadline) throw new Error("the reorg never reached the API");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answer.headers.get("etag")).not.toBe(etag);
    const conditional = await fetch(`${stack.indexer.url}/api/v1/holders/top?limit=50`, { headers: { "if-none-match": etag } });
    expect(conditional.status).toBe(200);
  }, 120_000);

  it("serves SQL over HTTP only as the backend can do it safely", async () => {
    const query = (sql: string) => `/sql/db?sql=${encodeURIComponent(JSON.stringify({ json: { sql, params: [] } }))}`;
    if (backend === "pglite") {
      const response = await stack.indexer.get(query("select count(*) from account"));
      expect(response.status).toBe(503);
      expect(((await response.json()) as any).error.code).toBe("sql_unavailable");
      return;
    }
    const graphql = await fetch(`${stack.indexer.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ accounts { totalCount } }" }),
    });
    const holders = ((await graphql.json()) as any).data.accounts.totalCount;
    const count = await stack.indexer.get(query("select count(*) as n from account"));
    expect(count.status).toBe(200);
    expect(Number(((await count.json()) as any).rows[0].n)).toBe(holders);
    for (const refused of [
      "comment on table transfer is 'x'",
      "select * from _ponder_meta",
      "select * from _ponder_checkpoint",
      "selec nonsense",
      "delete from account",
    ]) {
      const response = await stack.indexer.get(query(refused));
      expect(response.status, refused).toBe(400);
      expect(typeof ((await response.json()) as any).error.code, refused).toBe("string");
    }
  });
});
