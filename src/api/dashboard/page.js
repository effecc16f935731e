// The dashboard reads the public REST API only, the same answers any other client gets.
const API = "/api/v1";
const RANGE_DAYS = { "7d": 7, "30d": 30, "90d": 90 };
/** The API's cap on periods per series request (MAX_SERIES_POINTS), applied to "all" in hours. */
const MAX_POINTS = 8784;
const PERIOD_SECONDS = { hour: 3600, day: 86400, week: 604800, month: 2419200 };
const view = { range: "30d", interval: "day" };

const opg = (raw) => Number(BigInt(raw ?? "0") / 10n ** 12n) / 1e6;
const compact = (n) => new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 2 }).format(n);
const percent = (x) => (x == null ? "–" : `${(x * 100).toFixed(2)}%`);
const change = (ratio) =>
  ratio == null
    ? ""
    : `<span class="${ratio >= 0 ? "up" : "down"}">${ratio >= 0 ? "▲" : "▼"} ${Math.abs(ratio * 100).toFixed(1)}%</span> vs previous`;

async function get(path) {
  const response = await fetch(`${API}${path}`);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

/** Each tile is [label, shown value, note, raw API value]; the raw value rides along as data-raw for checks. */
function tiles(id, items) {
  document.querySelector(`#${id} .tiles`).innerHTML = items
    .map(
      ([label, value, note, raw]) =>
        `<div class="tile" data-raw="${raw ?? ""}"><div class="label">${label}</div><div class="value">${value}</div><div class="note">${note ?? ""}</div></div>`,
    )
    .join("");
}

function csvLinks(id, paths) {
  document.querySelector(`#${id} .csv`).innerHTML =
    `CSV: ${paths.map(([label, path]) => `<a href="${API}${path}&format=csv" download>${label}</a>`).join(" · ")}`;
}

/**
 * The series query for the picked range, counted back from the latest indexed block (a chain's time
 * can trail the wall clock); "all" starts at the first month with token data.
 */
async function seriesRange() {
  const { asOf } = await get("/status");
  const now = Math.max(...Object.values(asOf).map((chain) => chain?.timestamp ?? 0)) || Math.floor(Date.now() / 1000);
  let from;
  if (view.range === "all") {
    const months = await get("/supply/history?interval=month");
    from = months.data[0]?.timestamp ?? now;
    from = Math.max(from, now - (MAX_POINTS - 1) * PERIOD_SECONDS[view.interval]);
  } else {
    from = now - RANGE_DAYS[view.range] * 86400;
  }
  return `interval=${view.interval}&from=${from}`;
}

/** Drops the periods before the first one with any data, so a young network does not draw a flat line. */
function trimLeading(data) {
  const [x, ...ys] = data;
  let first = x.findIndex((_, i) => ys.some((y) => y[i] !== null && y[i] !== 0));
  if (first < 0) first = Math.max(0, x.length - 1);
  return data.map((column) => column.slice(Math.max(0, first - 1)));
}

const charts = {};
function chart(id, series, data, options = {}) {
  data = trimLeading(data);
  const el = document.querySelector(`#${id} .chart`);
  const width = el.clientWidth || 480;
  charts[id]?.destroy();
  charts[id] = new uPlot(
    {
      width,
      height: 220,
      scales: { x: { time: true } },
      axes: [{}, { size: 60, values: (_, ticks) => ticks.map(compact) }, ...(options.axes ?? [])],
      series: [{}, ...series],
      ...options.extra,
    },
    data,
    el,
  );
}

const colors = ["#4f46e5", "#12b76a", "#f79009", "#f04438", "#0ea5e9"];
const line = (label, i, scale) => ({ label, stroke: colors[i], width: 2, ...(scale ? { scale } : {}) });
const bars = (label, i, scale) => ({
  label,
  stroke: colors[i],
  fill: `${colors[i]}55`,
  paths: uPlot.paths.bars({ size: [0.7, 40] }),
  ...(scale ? { scale } : {}),
});

async function render() {
  const range = await seriesRange();
  const [supply, supplyHistory, staking, stakingHistory, fees, feeTrends, verification, verificationHistory, rewards] = await Promise.all([
    get("/supply"),
    get(`/supply/history?${range}`),
    get("/staking"),
    get(`/staking/history?${range}`),
    get("/fees/summary?window=7d"),
    get(`/fees/trends?${range}`),
    get("/verification/status?window=24h"),
    get(`/verification/history?${range}`),
    get("/nodes/rewards?limit=10"),
  ]);

  const base = supply.asOf;
  const og = staking.asOf?.opengradient;
  document.getElementById("asof").textContent =
    `Base block ${base?.block ?? "–"} · OpenGradient block ${og?.block ?? "–"} · as of ${new Date((base?.timestamp ?? 0) * 1000).toISOString().replace(".000Z", "Z")}`;

  tiles("supply", [
    ["Total supply", compact(opg(supply.totalSupply)), `of ${compact(opg(supply.maxSupply))} max`, supply.totalSupply],
    [
      "Circulating",
      compact(opg(supply.circulatingSupply)),
      `${compact(opg(supply.nonCirculating.total))} non-circulating`,
      supply.circulatingSupply,
    ],
    ["Burned", compact(opg(supply.burned)), "", supply.burned],
    ["Holders", supply.holders.toLocaleString("en"), "", supply.holders],
  ]);
  const sx = supplyHistory.data.map((d) => d.timestamp);
  chart(
    "supply",
    [line("Circulating", 0), line("Holders", 1, "holders")],
    [sx, supplyHistory.data.map((d) => opg(d.circulatingSupply)), supplyHistory.data.map((d) => d.holders)],
    {
      axes: [{ side: 1, scale: "holders", grid: { show: false } }],
    },
  );
  csvLinks("supply", [["supply history", `/supply/history?${range}`]]);

  tiles("staking", [
    ["Total staked", compact(opg(staking.totalStaked)), "", staking.totalStaked],
    ["Ratio of circulating", percent(staking.stakingRatio?.ofCirculatingSupply), "", staking.stakingRatio?.ofCirculatingSupply],
    ["Ratio of total supply", percent(staking.stakingRatio?.ofTotalSupply), "", staking.stakingRatio?.ofTotalSupply],
    [
      "Validators · delegators",
      `${staking.validators} · ${staking.delegators}`,
      staking.jailedValidators ? `${staking.jailedValidators} jailed` : "",
    ],
    ["Unbonding", compact(opg(staking.unbonding)), "", staking.unbonding],
    ["Slashed", compact(opg(staking.slashed)), "", staking.slashed],
  ]);
  chart(
    "staking",
    [line("Total staked", 0), line("Unbonding", 2)],
    [
      stakingHistory.data.map((d) => d.timestamp),
      stakingHistory.data.map((d) => opg(d.totalStaked)),
      stakingHistory.data.map((d) => opg(d.unbonding)),
    ],
  );
  csvLinks("staking", [["staking history", `/staking/history?${range}`]]);

  tiles("fees", [
    ["Volume, 7 days", compact(opg(fees.volume)), change(fees.change?.volume?.ratio), fees.volume],
    ["Payments", fees.count.toLocaleString("en"), change(fees.change?.count?.ratio), fees.count],
    ["Unique payers", fees.uniquePayers.toLocaleString("en"), change(fees.change?.uniquePayers?.ratio), fees.uniquePayers],
    ["Average payment", compact(opg(fees.average)), "", fees.average],
  ]);
  chart(
    "fees",
    [bars("Volume (OPG)", 0), line("Unique payers", 1, "payers")],
    [feeTrends.data.map((d) => d.timestamp), feeTrends.data.map((d) => opg(d.volume)), feeTrends.data.map((d) => d.uniquePayers)],
    {
      axes: [{ side: 1, scale: "payers", grid: { show: false } }],
    },
  );
  csvLinks("fees", [["fee trends", `/fees/trends?${range}`]]);

  tiles("verification", [
    [
      "TEEs live · stale · disabled",
      `${verification.tees.live} · ${verification.tees.stale} · ${verification.tees.disabled}`,
      verification.tees.unregistered ? `${verification.tees.unregistered} unregistered` : "",
    ],
    [
      "Verified, 24h",
      verification.inferences.verified.toLocaleString("en"),
      `${percent(verification.inferences.verifiedShare)} of all`,
      verification.inferences.verified,
    ],
    [
      "Batched, 24h",
      verification.inferences.batched.toLocaleString("en"),
      `${verification.inferences.batches} batches`,
      verification.inferences.batched,
    ],
    ["Settlement lag p50 · p95", `${verification.lag.p50 ?? "–"}s · ${verification.lag.p95 ?? "–"}s`],
  ]);
  chart(
    "verification",
    [bars("Verified", 1), line("Batched", 0, "batched")],
    [
      verificationHistory.data.map((d) => d.timestamp),
      verificationHistory.data.map((d) => d.verified),
      verificationHistory.data.map((d) => d.batchedInferences),
    ],
    {
      axes: [{ side: 1, scale: "batched", grid: { show: false } }],
    },
  );
  csvLinks("verification", [["verification history", `/verification/history?${range}`]]);

  document.querySelector("#rewards .table").innerHTML = `<table>
    <tr><th>#</th><th>node</th><th>stake</th><th>commission</th><th>delegator rewards</th><th>total</th><th title="rewards withdrawn in 30 days / average stake, annualised; claims excluded">withdrawn yield (30d)</th></tr>
    ${rewards.data
      .map(
        (n) => `<tr><td>${n.rank}</td><td>${n.moniker ?? ""} <code>${n.address.slice(0, 10)}…</code>${n.jailed ? " (jailed)" : ""}</td>
        <td>${compact(opg(n.stake))}</td><td>${compact(opg(n.commission))}</td><td>${compact(opg(n.delegatorRewards))}</td>
        <td>${compact(opg(n.total))}</td><td>${percent(n.withdrawnRewardYield30d)}</td></tr>`,
      )
      .join("")}</table>`;
  csvLinks("rewards", [["reward leaderboard", "/nodes/rewards?limit=10"]]);
}

/** Proposal titles are anyone's text: never as HTML. */
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function renderGovernance() {
  const proposals = await get("/governance/proposals?limit=8");
  const details = await Promise.all(proposals.data.map((p) => get(`/governance/proposals/${p.id}`)));
  const ends = (p) => (p.timeLeft == null ? "" : `ends in ${(p.timeLeft / 3600).toFixed(1)}h`);
  document.querySelector("#governance .table").innerHTML = `<table>
    <tr><th>#</th><th>proposal</th><th>status</th><th>deposit</th><th>voters</th><th>yes · no · veto · abstain</th><th>turnout</th><th>quorum</th></tr>
    ${details
      .map(
        (p) => `<tr><td>${p.id}</td><td>${escapeHtml(p.title)}</td><td>${p.status.replace("_", " ")} ${ends(p)}</td>
        <td>${compact(opg(p.totalDeposit))}</td><td>${p.voters}</td>
        <td>${["yes", "no", "noWithVeto", "abstain"].map((o) => compact(opg(p.tally[o].power))).join(" · ")}</td>
        <td>${percent(p.turnout)}</td><td>${p.quorumReached == null ? "–" : p.quorumReached ? "reached" : "not reached"}</td></tr>`,
      )
      .join("")}</table>`;
}

async function refresh() {
  try {
    await Promise.all([render(), renderGovernance()]);
  } catch (error) {
    document.getElementById("asof").innerHTML = `<span class="error">${error.message}</span>`;
  }
}
for (const [id, key] of [
  ["range", "range"],
  ["interval", "interval"],
]) {
  const select = document.getElementById(id);
  select.value = view[key];
  select.addEventListener("change", () => {
    view[key] = select.value;
    refresh();
  });
}
refresh();
setInterval(refresh, 30_000);
