import autocannon from "autocannon";

export type Route = {
  name: string;
  kind: "summary" | "entity" | "series" | "status";
  /** The n-th distinct URL path: each one a cache in front of the API has not seen. */
  path: (n: number) => string;
  /** A POST body instead (GraphQL); distinct per n as well. */
  body?: (n: number) => string;
};

export type Figures = {
  p50: number;
  p99: number;
  max: number;
  rps: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
};

let counter = 0;

/**
 * 50 connections for `seconds`: uncached, every request a URL never asked before (a browser or CDN
 * cache in front of the API would miss each); warm, one URL over and over.
 */
export async function measure(origin: string, route: Route, mode: "uncached" | "warm", seconds: number): Promise<Figures> {
  const first = counter++;
  const request = (n: number) => ({
    method: route.body ? ("POST" as const) : ("GET" as const),
    path: route.path(n),
    ...(route.body ? { body: route.body(n), headers: { "content-type": "application/json" } } : {}),
  });
  const result = await autocannon({
    url: origin,
    connections: 50,
    duration: seconds,
    timeout: 10,
    requests: [{ setupRequest: (req) => ({ ...req, ...request(mode === "warm" ? first : counter++) }) }],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    rps: Math.round(result.requests.average),
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Sequential /api/v1/status reads while `during` runs: the slowest shows whether status waits behind the load. */
export async function statusWhile(origin: string, during: Promise<unknown>): Promise<{ max: number; samples: number }> {
  let done = false;
  void during.finally(() => (done = true));
  const times: number[] = [];
  while (!done) {
    const started = performance.now();
    await (await fetch(`${origin}/api/v1/status?probe=${counter++}`)).arrayBuffer();
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { max: Math.round(Math.max(0, ...times)), samples: times.length };
}
