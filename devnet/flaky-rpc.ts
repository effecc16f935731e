import { createServer, type Server } from "node:http";
import { freePort } from "./chain";

/**
 * A JSON-RPC proxy on loopback that answers every `failEvery`-th request with HTTP 500 instead of
 * forwarding it: the unreliable RPC provider the indexer must survive without losing or doubling data.
 */
export async function startFlakyRpc(
  target: string,
  failEvery = 5,
): Promise<{ url: string; failed: () => number; stop: () => Promise<void> }> {
  let count = 0;
  let failed = 0;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    count++;
    if (count % failEvery === 0) {
      failed++;
      response.writeHead(500, { "content-type": "text/plain" }).end("injected failure");
      return;
    }
    try {
      const upstream = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: Buffer.concat(chunks),
      });
      response.writeHead(upstream.status, { "content-type": "application/json" }).end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      response.writeHead(502).end();
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    failed: () => failed,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
