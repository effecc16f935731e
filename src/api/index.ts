import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { graphql } from "ponder";
import { dashboard } from "./dashboard";
import { type AsOf, errorResponse, freshness, notFound } from "./http";
import { endpoint, openApiDocument } from "./openapi";
import { analysesRoutes } from "./routes/analyses";
import { fees } from "./routes/fees";
import { governance } from "./routes/governance";
import { staking } from "./routes/staking";
import { token } from "./routes/token";
import { verification } from "./routes/verification";
import { statusResponse } from "./schemas/common";
import { sqlOverHttp } from "./sql";

const docsPage = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "docs.html"), "utf8");

const v1 = new Hono<{ Variables: { asOf: AsOf } }>();
v1.use("*", freshness);
endpoint({
  path: "/status",
  response: statusResponse,
  tag: "status",
  summary: "The latest indexed block and its time on each chain, as every other answer sees it",
});
v1.get("/status", (c) => c.json({ asOf: c.var.asOf }));
v1.route("/", token);
v1.route("/", verification);
v1.route("/", fees);
v1.route("/", staking);
v1.route("/", governance);
v1.route("/", analysesRoutes);

// Registered after every route: Ponder's own server answers unmatched paths, so the JSON 404 lives here.
v1.all("*", () => {
  throw notFound("no such endpoint");
});

const app = new Hono();
app.use("/sql/*", sqlOverHttp());
app.use("/graphql", graphql({ db, schema }));
app.route("/api/v1", v1);
app.route("/", dashboard);
app.get("/openapi.json", (c) => c.json(openApiDocument(new URL(c.req.url).origin)));
app.get("/docs", (c) => c.html(docsPage));
app.onError((error, c) => errorResponse(c, error));

export default app;
