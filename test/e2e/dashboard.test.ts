import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulate } from "../../devnet/simulate/index";
import { backends, type Stack, startStack } from "../../devnet/stack";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHARTS = ["supply", "staking", "fees", "verification"] as const;

/** The dashboard in a real browser: no script error, no failed request, every series drawn, figures equal to the API's. */
describe.each(backends)("dashboard in Chromium on %s", (backend) => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`);
    stack = await startStack(backend, async (devnet) => {
      await simulate(devnet, { hours: 36, seed: 5 });
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(`${stack.indexer.url}/dashboard`, { waitUntil: "networkidle" });
    await page.waitForSelector("#rewards table, #asof .error", { timeout: 90_000 });
    const failure = await page.locator("#asof .error").count();
    if (failure > 0) throw new Error(`the dashboard failed: ${await page.locator("#asof").textContent()}\n${problems.join("\n")}`);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Per chart and series: how many data points are non-zero, and how many canvas pixels carry the series' colour. */
  const drawn = () =>
    page.evaluate((ids) => {
      const hex = (color: string) => [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
      // `charts` is the page script's own top-level binding.
      const all = (globalThis as unknown as { eval: (code: string) => Record<string, any> }).eval("charts");
      return ids.map((id) => {
        const plot = all[id];
        const context = plot.ctx;
        const pixels = context.getImageData(0, 0, context.canvas.width, context.canvas.height).data;
        return {
          id,
          series: plot.series.slice(1).map((series: { label: string; stroke: () => string }, index: number) => {
            const [r, g, b] = hex(series.stroke());
            let painted = 0;
            for (let i = 0; i < pixels.length; i += 4) if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) painted++;
            const values = plot.data[index + 1] as (number | null)[];
            return { label: series.label, points: values.filter((value) => value !== null && value !== 0).length, painted };
          }),
        };
      });
    }, CHARTS);

  it("loads without a script error or a failed request and draws every series with data", async () => {
    const charts = await drawn();
    expect(charts.map((chart) => chart.id)).toEqual([...CHARTS]);
    for (const chart of charts) {
      expect(chart.series.length, chart.id).toBeGreaterThanOrEqual(2);
      for (const series of chart.series) {
        expect(series.points, `${chart.id}: ${series.label} has data`).toBeGreaterThan(0);
        expect(series.painted, `${chart.id}: ${series.label} is drawn`).toBeGreaterThan(20);
      }
    }
    const screenshot = path.join(os.tmpdir(), `opg-dashboard-${backend}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(problems).toEqual([]);
  });

  it("shows the API's own figures", async () => {
    const [supply, staking, fees, verification] = await Promise.all([
      stack.indexer.json("/api/v1/supply"),
      stack.indexer.json("/api/v1/staking"),
      stack.indexer.json("/api/v1/fees/summary?window=7d"),
      stack.indexer.json("/api/v1/verification/status?window=24h"),
    ]);
    const tile = async (section: string, label: string) =>
      page.locator(`#${section} .tile`, { has: page.locator(".label", { hasText: label }) }).first();
    const raw = async (section: string, label: string) => (await tile(section, label)).getAttribute("data-raw");
    const shown = async (section: string, label: string) => (await tile(section, label)).locator(".value").textContent();

    expect(await raw("supply", "Total supply")).toBe(supply.totalSupply);
    expect(await raw("supply", "Circulating")).toBe(supply.circulatingSupply);
    expect(await shown("supply", "Holders")).toBe(supply.holders.toLocaleString("en"));
    expect(await raw("staking", "Total staked")).toBe(staking.totalStaked);
    expect(await raw("staking", "Ratio of circulating")).toBe(String(staking.stakingRatio.ofCirculatingSupply));
    expect(await raw("fees", "Volume, 7 days")).toBe(fees.volume);
    expect(await shown("fees", "Payments")).toBe(fees.count.toLocaleString("en"));
    expect(await shown("verification", "Verified, 24h")).toBe(verification.inferences.verified.toLocaleString("en"));
    expect(await shown("verification", "Batched, 24h")).toBe(verification.inferences.batched.toLocaleString("en"));
    expect(Number(supply.totalSupply)).toBeGreaterThan(0);
    expect(fees.count).toBeGreaterThan(0);
  });

  it("redraws for another interval and range, and links every series' CSV", async () => {
    requested.length = 0;
    await page.selectOption("#interval", "hour");
    await page.selectOption("#range", "7d");
    await page.waitForLoadState("networkidle");
    await expect.poll(() => requested.some((url) => url.includes("/fees/trends?interval=hour"))).toBe(true);
    await expect
      .poll(async () => (await drawn()).every((chart) => chart.series.every((series: { painted: number }) => series.painted > 20)))
      .toBe(true);

    const links = await page.locator(".csv a").evaluateAll((anchors) => anchors.map((a: any) => a.href as string));
    expect(links).toHaveLength(5);
    for (const link of links) {
      const response = await fetch(link);
      expect(response.status, link).toBe(200);
      expect(response.headers.get("content-type"), link).toContain("text/csv");
      expect((await response.text()).split("\n").length, link).toBeGreaterThan(2);
    }
    expect(problems).toEqual([]);
  });
});
