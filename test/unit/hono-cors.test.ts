import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { describe, expect, it } from "vitest";

// Installs @hono/node-server's Response as the global one, as Ponder's server does when it starts.
getRequestListener(() => new Response(null));

/** The body @hono/node-server will write to the socket in one call, or undefined if it must stream it. */
function stringBody(response: Response): unknown {
  const cache = Object.getOwnPropertySymbols(response).find((symbol) => symbol.description === "cache");
  return cache && (response as unknown as Record<symbol, unknown[]>)[cache]![1];
}

describe("Hono's cors middleware, as Ponder's server uses it (patches/hono+4.13.19.patch)", () => {
  const app = new Hono()
    .use(cors({ origin: "*", maxAge: 86_400 }))
    .get("/answer", (c) => c.json({ supply: "1000" }))
    .get("/moved", () => Response.redirect("http://127.0.0.1/answer", 302));

  it("keeps a JSON answer the string the server writes in one call, with the CORS header", async () => {
    const response = await app.request("/answer", { headers: { origin: "https://dashboard.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(stringBody(response)).toBe('{"supply":"1000"}');
    expect(await response.json()).toEqual({ supply: "1000" });
  });

  it("still answers a preflight", async () => {
    const response = await app.request("/answer", {
      method: "OPTIONS",
      headers: { origin: "https://dashboard.example", "access-control-request-method": "GET" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("GET");
    expect(response.headers.get("access-control-max-age")).toBe("86400");
  });

  it("sets the header on a response whose headers are immutable", async () => {
    const response = await app.request("/moved");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://127.0.0.1/answer");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});
