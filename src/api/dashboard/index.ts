import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** Read once: the page and its chart library are served from disk, so the dashboard works offline. */
const page = readFileSync(path.join(here, "page.html"), "utf8");
const script = readFileSync(path.join(here, "page.js"), "utf8");
const uplotJs = readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
const uplotCss = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");

const longCache = { "Cache-Control": "public, max-age=3600" };

export const dashboard = new Hono();
dashboard.get("/", (c) => c.html(page));
dashboard.get("/dashboard", (c) => c.html(page));
dashboard.get("/dashboard/page.js", (c) => c.body(script, 200, { "Content-Type": "text/javascript; charset=utf-8", ...longCache }));
dashboard.get("/dashboard/uplot.js", (c) => c.body(uplotJs, 200, { "Content-Type": "text/javascript; charset=utf-8", ...longCache }));
dashboard.get("/dashboard/uplot.css", (c) => c.body(uplotCss, 200, { "Content-Type": "text/css; charset=utf-8", ...longCache }));
