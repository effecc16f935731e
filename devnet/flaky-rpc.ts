import { createServer, type Server } from "node:http";
import { freePort } from "./chain";

/** The ways a real provider fails: rate limited, server error, connection reset, a slow answer, a torn body. */
export type RpcFault = "429" | "500" | "reset" | "stall" | "bad-json";

export interface FlakyRpcOptions {
  /** Every `failEvery`-th request fails. */
  failEvery?: number;
  /** The faults used in turn, one per failing request. */
  faults?: RpcFault[];
  /** How long a stalled request waits before it is forwarded. */
  stallMs?: number;
}

/**
 * A JSON-RPC proxy on loopback that fails every `failEvery`-th request instead of forwarding it: the
 * unreliable RPC provider the indexer must survive without losing or doubling data, and catch up after.
 */
export async function startFlakyRpc(target: string, options: FlakyRpcOptions = {}) {
  const { failEvery = 5, faults = ["500"], stallMs = 5000 } = options;
  let count = 0;
  let failed = 0;
  let failing = true;

  async function forward(body: Buffer) {
    const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    return { status: upstream.status, body: Buffer.from(await upstream.arrayBuffer()) };
  }

  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    count++;
    const fault = failing && count % failEvery === 0 ? faults[failed++ % faults.length] : undefined;
    if (fault === "429") return response.writeHead(429, { "retry-after": "1" }).end("rate limited");
    if (fault === "500") return response.writeHead(500, { "content-type": "text/plain" }).end("injected failure");
    if (fault === "reset") return request.socket.destroy();
    if (fault === "stall") await new Promise((resolve) => setTimeout(resolve, stallMs));
    try {
      const upstream = await forward(Buffer.concat(chunks));
      const body = fault === "bad-json" ? upstream.body.subarray(0, Math.floor(upstream.body.length / 2)) : upstream.body;
      response.writeHead(upstream.status, { "content-type": "application/json" }).end(body);
    } catch {
      response.writeHead(502).end();
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    failed: () => failed,
    /** Turns the faults off (or on again); requests already stalled still finish their stall. */
    setFailing: (on: boolean) => {
      failing = on;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
