// The dashboard's pages: fetch /api/..., draw the charts (Chart.js, served locally), refresh every minute.
// The page's state is on <body data-state="loading|ready|empty|unavailable|error"> for people and tests alike.
"use strict";

const REFRESH_MS = 60 * 1000;
const RETRY_MS = 10 * 1000;  // while the database is away
const PAGE = document.body.dataset.page;

const moneyFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const countFormat = new Intl.NumberFormat("en-US");
const pctFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

const money = (v) => (v === null || v === undefined ? "–" : moneyFormat.format(Number(v)));
const count = (v) => (v === null || v === undefined ? "–" : countFormat.format(Number(v)));
const pct = (v) => (v === null || v === undefined ? "–" : pctFormat.format(Number(v)) + " %");
const seconds = (v) => {
  if (v === null || v === undefined) return "–";
  const s = Number(v);
  return s < 60 ? s.toFixed(1) + " s" : Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
};
const time = (ts) => (ts ? new Date(ts).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "–");
const escape = (s) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const $ = (id) => document.getElementById(id);

const STATUS_COLOURS = { succeeded: "#2e7d32", failed: "#c62828", running: "#b26a00", skipped: "#9aa5b1" };
const palette = (i, n) => `hsl(${Math.round((360 * i) / Math.max(n, 1))}, 55%, 52%)`;

Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  const url = path + (query.toString() ? "?" + query : "");
  let res;
  try {
    res = await fetch(url, { cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, "the dashboard server does not answer");
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (body && body.error) || res.statusText);
  return body;
}

const charts = {};
function draw(id, config) {
  if (charts[id]) charts[id].destroy();
  const canvas = $(id);
  canvas.hidden = false;
  const note = canvas.parentElement.querySelector(".nodata");
  if (note) note.remove();
  charts[id] = new Chart(canvas, config);
  return charts[id];
}
function noData(id, message) {
  if (charts[id]) {
    charts[id].destroy();
    delete charts[id];
  }
  const canvas = $(id);
  canvas.hidden = true;
  let note = canvas.parentElement.querySelector(".nodata");
  if (!note) {
    note = document.createElement("div");
    note.className = "nodata";
    canvas.parentElement.appendChild(note);
  }
  note.textContent = message;
}

// columns: [{label, value: row => html, cls}]
function table(id, columns, rows, { onClick, empty = "Nothing to show." } = {}) {
  const el = $(id);
  if (!rows.length) {
    el.innerHTML = `<tbody><tr><td class="nodata">${escape(empty)}</td></tr></tbody>`;
    return;
  }
  const head = columns.map((c) => `<th class="${c.cls || ""}">${escape(c.label)}</th>`).join("");
  const body = rows
    .map((r, i) => `<tr data-row="${i}">` + columns.map((c) => `<td class="${c.cls || ""}">${c.value(r)}</td>`).join("") + "</tr>")
    .join("");
  el.innerHTML = `<thead><tr>${head}</tr></thead><tbody>${body}</tbody>`;
  if (onClick)
    el.querySelectorAll("tbody tr").forEach((tr) =>
      tr.addEventListener("click", () => {
        el.querySelectorAll("tr.selected").forEach((s) => s.classList.remove("selected"));
        tr.classList.add("selected");
        onClick(rows[Number(tr.dataset.row)]);
      }));
}

const statusCell = (s) => `<span class="status-${escape(s)}">${escape(s)}</span>`;
const addDays = (iso, n) => new Date(Date.parse(iso + "T00:00:00Z") + n * 86400000).toISOString().slice(0, 10);

// ---- the pipeline health page

let selectedRule = null;
let selectedVolumeFeed = "orders";

async function renderHealth() {
  const [night, durations, quality, quarantine, freshness, volume, completion] = await Promise.all([
    api("/api/runs/night"),
    api("/api/runs/durations", { days: 30 }),
    api("/api/quality/latest"),
    api("/api/quarantine/daily"),
    api("/api/freshness"),
    api("/api/volume"),
    api("/api/completion"),
  ]);
  renderNight(night, quality);
  renderDurations(durations);
  renderQuality(quality);
  renderQuarantine(quarantine);
  renderFreshness(freshness);
  renderVolume(volume);
  renderCompletion(completion);
  if (selectedRule) await renderRuleHistory(selectedRule);
}

function renderNight(night, quality) {
  const tasks = night.tasks;
  const failed = tasks.filter((t) => t.status === "failed");
  const succeeded = tasks.filter((t) => t.status === "succeeded" || t.status === "skipped");
  const running = tasks.filter((t) => t.status === "running");
  $("kpi-night").textContent = night.run_date || "–";
  $("kpi-night-status").innerHTML = failed.length
    ? `<span class="bad">failed</span>`
    : running.length ? `<span class="warn">running</span>` : `<span class="ok">complete</span>`;
  $("kpi-tasks-ok").textContent = `${count(succeeded.length)} / ${count(tasks.length)}`;
  $("kpi-tasks-sub").textContent = `${count(tasks.filter((t) => t.status === "skipped").length)} skipped (no drop)`;
  $("kpi-tasks-failed").textContent = count(failed.length);
  $("kpi-tasks-failed").className = "value" + (failed.length ? " bad" : "");
  $("kpi-quarantined").textContent = count(tasks.reduce((n, t) => n + Number(t.rows_quarantined || 0), 0));
  const nightRules = quality.filter((r) => r.load_date === night.run_date && r.status === "failed");
  $("kpi-dq-failed").textContent = count(nightRules.length);
  const span = night.started_at ? (Date.parse(night.finished_at) - Date.parse(night.started_at)) / 1000 : null;
  $("kpi-runtime").textContent = seconds(span);
  $("night-title").textContent = night.run_date ? `load date ${night.run_date}, started ${time(night.started_at)}` : "";

  if (!tasks.length) noData("chart-timeline", "No task has run yet.");
  else {
    const t0 = Date.parse(night.started_at);
    const end = (t) => (t.finished_at ? Date.parse(t.finished_at) : Date.now());
    draw("chart-timeline", {
      type: "bar",
      data: {
        labels: tasks.map((t) => t.task),
        datasets: [{
          label: "run",
          data: tasks.map((t) => [(Date.parse(t.started_at) - t0) / 1000, Math.max((end(t) - t0) / 1000, (Date.parse(t.started_at) - t0) / 1000 + 0.05)]),
          backgroundColor: tasks.map((t) => STATUS_COLOURS[t.status] || "#888"),
          barPercentage: 0.8,
        }],
      },
      options: {
        indexAxis: "y",
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (c) => { const t = tasks[c.dataIndex]; return `${t.status}, ${seconds(t.duration_seconds)}, from ${time(t.started_at)}`; } } },
        },
        scales: { x: { title: { display: true, text: "seconds since the night's first task started" } } },
      },
    });
  }
  table("table-night", [
    { label: "task", value: (t) => escape(t.task) },
    { label: "status", value: (t) => statusCell(t.status) + (t.attempts > 1 ? ` <span class="muted">(${t.attempts} runs)</span>` : "") },
    { label: "started (UTC)", value: (t) => escape(time(t.started_at).slice(11, 19)) },
    { label: "duration", value: (t) => escape(seconds(t.duration_seconds)), cls: "num" },
    { label: "read", value: (t) => count(t.rows_read), cls: "num" },
    { label: "written", value: (t) => count(t.rows_written), cls: "num" },
    { label: "quarantined", value: (t) => count(t.rows_quarantined), cls: "num" },
    { label: "error", value: (t) => (t.status === "failed" ? `<span class="bad">${escape(t.error || "")}</span>` : `<span class="muted">${escape(t.error || "")}</span>`), cls: "error" },
  ], tasks, { empty: "No task has run yet." });
}

function renderDurations(rows) {
  if (!rows.length) return noData("chart-durations", "No nights yet.");
  const nights = [...new Set(rows.map((r) => r.run_date))].sort();
  const tasks = [...new Set(rows.map((r) => r.task))].sort();
  const byKey = new Map(rows.map((r) => [r.run_date + "|" + r.task, r]));
  draw("chart-durations", {
    type: "bar",
    data: {
      labels: nights,
      datasets: tasks.map((task, i) => ({
        label: task,
        data: nights.map((n) => Number(byKey.get(n + "|" + task)?.duration_seconds || 0)),
        backgroundColor: palette(i, tasks.length),
      })),
    },
    options: {
      plugins: { legend: { position: "right", labels: { boxWidth: 10, font: { size: 11 } } } },
      scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: "seconds" } } },
    },
  });
}

function renderQuality(rules) {
  table("table-quality", [
    { label: "rule", value: (r) => escape(r.rule) + ` <span class="muted">${escape(r.dimension)} · ${escape(r.load_date)}</span>` },
    { label: "observed", value: (r) => (r.observed === null ? "–" : escape(r.observed) + " " + escape(r.unit)), cls: "num" },
    { label: "threshold", value: (r) => `${escape(r.comparison)} ${escape(r.threshold)}`, cls: "num" },
    { label: "severity", value: (r) => escape(r.severity) },
    { label: "result", value: (r) => statusCell(r.status) },
  ], rules, { onClick: (r) => renderRuleHistory(r.rule).catch(showError), empty: "No quality check has run yet." });
  if (!selectedRule) noData("chart-quality-history", rules.length ? "Click a rule." : "No quality check has run yet.");
}

async function renderRuleHistory(rule) {
  selectedRule = rule;
  const history = await api("/api/quality/history", { rule, days: 30 });
  $("quality-rule").textContent = rule;
  if (!history.length) return noData("chart-quality-history", "No results for this rule.");
  draw("chart-quality-history", {
    type: "line",
    data: {
      labels: history.map((h) => h.load_date),
      datasets: [
        { label: "observed", data: history.map((h) => (h.observed === null ? null : Number(h.observed))), borderColor: "#1f5fa8",
          pointBackgroundColor: history.map((h) => (h.status === "failed" ? "#c62828" : "#1f5fa8")), pointRadius: 4 },
        { label: "threshold", data: history.map((h) => Number(h.threshold)), borderColor: "#c62828", borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: { plugins: { legend: { position: "bottom" } } },
  });
}

function renderQuarantine(q) {
  const rows = q.rows;
  if (!rows.length) {
    noData("chart-quarantine", "No quarantined records in the last 30 load dates.");
    $("quarantine-samples").innerHTML = "";
    return;
  }
  const days = [...new Set(rows.map((r) => r.load_date))].sort();
  const series = [...new Set(rows.map((r) => r.feed + ": " + r.reason))].sort();
  const byKey = new Map(rows.map((r) => [r.load_date + "|" + r.feed + ": " + r.reason, r.records]));
  draw("chart-quarantine", {
    type: "bar",
    data: {
      labels: days,
      datasets: series.map((s, i) => ({ label: s, data: days.map((d) => byKey.get(d + "|" + s) || 0), backgroundColor: palette(i, series.length) })),
    },
    options: {
      plugins: { legend: { position: "right", labels: { boxWidth: 10, font: { size: 11 } } } },
      scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: "records" } } },
      onClick: (event, elements, chart) => {
        if (!elements.length) return;
        const { datasetIndex, index } = elements[0];
        const [feed, reason] = chart.data.datasets[datasetIndex].label.split(": ");
        renderSamples(chart.data.labels[index], feed, reason).catch(showError);
      },
    },
  });
}

async function renderSamples(date, feed, reason) {
  const samples = await api("/api/quarantine/samples", { date, feed, reason, limit: 20 });
  const el = $("quarantine-samples");
  el.innerHTML = `<h2>Samples: ${escape(feed)}, ${escape(reason)}, load date ${escape(date)}</h2><table id="table-samples" class="data"></table>`;
  table("table-samples", [
    { label: "file", value: (s) => escape(s.source_file) },
    { label: "line", value: (s) => count(s.line_no), cls: "num" },
    { label: "stage", value: (s) => escape(s.stage) },
    { label: "detail", value: (s) => escape(s.detail) },
    { label: "record", value: (s) => (s.record === null ? '<span class="muted">withheld: personal data</span>' : escape(s.record) + (s.truncated ? "…" : "")), cls: "record" },
  ], samples, { empty: "No records." });
}

function renderFreshness(f) {
  table("table-freshness", [
    { label: "feed", value: (r) => escape(r.feed) },
    { label: "last loaded day", value: (r) => escape(r.last_load_date || "never") },
    { label: "lag", value: (r) => (r.lag_days === null ? "–" : count(r.lag_days) + " d"), cls: "num" },
    { label: "expected", value: (r) => "≤ " + r.expected_lag_days + " d", cls: "num" },
    { label: "", value: (r) => (r.late ? '<span class="bad">late</span>' : '<span class="ok">on time</span>') },
    { label: "loaded at", value: (r) => escape(time(r.last_success_at)) },
  ], f.feeds || []);
}

function renderVolume(feeds) {
  table("table-volume", [
    { label: "feed", value: (r) => escape(r.feed) },
    { label: "night", value: (r) => escape(r.run_date || "–") },
    { label: "rows", value: (r) => count(r.rows), cls: "num" },
    { label: "7-night mean", value: (r) => count(r.mean === null ? null : Math.round(r.mean)), cls: "num" },
    { label: "band (±3 sd)", value: (r) => (r.low === null ? "–" : `${count(Math.round(r.low))} – ${count(Math.round(r.high))}`), cls: "num" },
    { label: "", value: (r) => (r.rows === null ? "" : r.trailing_nights < 2 ? '<span class="muted">too few nights</span>' : r.outside ? '<span class="bad">outside</span>' : '<span class="ok">normal</span>') },
  ], feeds, { onClick: (r) => { selectedVolumeFeed = r.feed; drawVolume(feeds); } });
  drawVolume(feeds);
}

function drawVolume(feeds) {
  const feed = feeds.find((f) => f.feed === selectedVolumeFeed) || feeds[0];
  if (!feed || !feed.history.length) return noData("chart-volume", "No extract has run yet.");
  const band = (v) => feed.history.map(() => (v === null ? null : Number(v)));
  draw("chart-volume", {
    type: "line",
    data: {
      labels: feed.history.map((h) => h.run_date),
      datasets: [
        { label: feed.feed + " rows", data: feed.history.map((h) => Number(h.rows)), borderColor: "#1f5fa8" },
        { label: "mean + 3 sd", data: band(feed.high), borderColor: "#c62828", borderDash: [4, 4], pointRadius: 0 },
        { label: "mean − 3 sd", data: band(feed.low), borderColor: "#c62828", borderDash: [4, 4], pointRadius: 0 },
      ],
    },
    options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 10 } } } },
  });
}

function renderCompletion(c) {
  const rows = c.rows;
  if (!rows.length) noData("chart-completion", "No load has computed its metrics yet.");
  else {
    const line = (label, key, colour) => ({ label, data: rows.map((r) => (r[key] === null ? null : Number(r[key]))), borderColor: colour });
    draw("chart-completion", {
      type: "line",
      data: {
        labels: rows.map((r) => r.run_date),
        datasets: [
          line("orders: staging / raw", "orders_staging_pct", "#1f5fa8"),
          line("orders: facts / staging", "orders_fact_pct", "#6aa0d8"),
          line("events: staging / raw", "events_staging_pct", "#2e7d32"),
          line("events: facts / staging", "events_fact_pct", "#85c98a"),
        ],
      },
      options: { plugins: { legend: { position: "bottom" } }, scales: { y: { title: { display: true, text: "percent" } } } },
    });
  }
  table("table-completion", [
    { label: "load date", value: (r) => escape(r.run_date) },
    { label: "raw orders", value: (r) => count(r.raw_orders), cls: "num" },
    { label: "staging", value: (r) => count(r.staging_orders), cls: "num" },
    { label: "facts", value: (r) => count(r.fact_orders), cls: "num" },
    { label: "raw events", value: (r) => count(r.raw_events), cls: "num" },
    { label: "staging", value: (r) => count(r.staging_events), cls: "num" },
    { label: "facts", value: (r) => count(r.fact_events), cls: "num" },
    { label: "quarantined", value: (r) => count(r.quarantined_count), cls: "num" },
    { label: "rules failed", value: (r) => count(r.dq_failed_count), cls: "num" },
    { label: "runtime", value: (r) => escape(seconds(r.runtime_seconds)), cls: "num" },
  ], rows.slice().reverse(), { empty: "No load has computed its metrics yet." });
}

// ---- the business page

const range = { from: null, to: null };

function setUpRange(overview) {
  const from = $("range-from"), to = $("range-to");
  from.min = to.min = overview.first_order_date;
  from.max = to.max = overview.last_order_date;
  if (!range.to) {
    range.to = overview.last_order_date;
    const start = addDays(range.to, -29);
    range.from = start < overview.first_order_date ? overview.first_order_date : start;
  }
  from.value = range.from;
  to.value = range.to;
}

async function renderBusiness(overview) {
  setUpRange(overview);
  const params = { from: range.from, to: range.to };
  const [sales, categories, funnel, customers] = await Promise.all([
    api("/api/sales/daily", params),
    api("/api/sales/categories", params),
    api("/api/funnel", params),
    api("/api/customers", params),
  ]);
  renderSalesKpis(sales);
  renderSalesCharts(sales.days);
  renderCategories(categories);
  renderFunnel(funnel);
  renderCustomers(customers);
}

function renderSalesKpis(sales) {
  const last = sales.days[sales.days.length - 1];
  const t = sales.totals;
  document.querySelectorAll(".kpi-day").forEach((el) => (el.textContent = last ? "on " + last.order_date : ""));
  $("kpi-revenue").textContent = money(last?.revenue);
  $("kpi-orders").textContent = count(last?.orders);
  $("kpi-orders-sub").textContent = last ? `${count(last.cancelled_or_refunded)} cancelled or refunded` : "";
  $("kpi-aov").textContent = money(last?.avg_order_value);
  $("kpi-units").textContent = count(last?.units);
  $("kpi-customers").textContent = count(last?.customers);
  $("kpi-revenue-range").textContent = `${money(t.revenue)} from ${sales.from_date} to ${sales.to_date}`;
  $("kpi-aov-range").textContent = `${money(t.avg_order_value)} over the range`;
  $("kpi-units-range").textContent = `${count(t.units)} over the range`;
  table("table-sales", [
    { label: "order date", value: (d) => escape(d.order_date) },
    { label: "revenue", value: (d) => money(d.revenue), cls: "num" },
    { label: "orders", value: (d) => count(d.orders), cls: "num" },
    { label: "cancelled or refunded", value: (d) => count(d.cancelled_or_refunded), cls: "num" },
    { label: "average order value", value: (d) => money(d.avg_order_value), cls: "num" },
    { label: "units", value: (d) => count(d.units), cls: "num" },
    { label: "customers", value: (d) => count(d.customers), cls: "num" },
  ], sales.days.slice().reverse(), { empty: "No sales in this range." });
}

const moneyAxis = { ticks: { callback: (v) => moneyFormat.format(v).replace(/\.00$/, "") } };

function renderSalesCharts(days) {
  if (!days.length) {
    noData("chart-sales", "No sales in this range.");
    noData("chart-aov", "No sales in this range.");
    return;
  }
  const labels = days.map((d) => d.order_date);
  draw("chart-sales", {
    type: "bar",
    data: {
      labels,
      datasets: [
        { label: "revenue", data: days.map((d) => Number(d.revenue)), backgroundColor: "#6aa0d8", yAxisID: "y" },
        { type: "line", label: "orders", data: days.map((d) => d.orders), borderColor: "#17324d", yAxisID: "orders" },
      ],
    },
    options: {
      plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: (c) => (c.dataset.yAxisID === "y" ? "revenue " + money(c.raw) : "orders " + count(c.raw)) } } },
      scales: { y: { ...moneyAxis, beginAtZero: true }, orders: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } },
    },
  });
  draw("chart-aov", {
    type: "line",
    data: {
      labels,
      datasets: [
        { label: "average order value", data: days.map((d) => (d.avg_order_value === null ? null : Number(d.avg_order_value))), borderColor: "#1f5fa8", yAxisID: "y" },
        { label: "units", data: days.map((d) => d.units), borderColor: "#2e7d32", yAxisID: "units" },
      ],
    },
    options: {
      plugins: { legend: { position: "bottom" } },
      scales: { y: { ...moneyAxis }, units: { position: "right", grid: { drawOnChartArea: false } } },
    },
  });
}

function renderCategories(rows) {
  if (!rows.length) return noData("chart-categories", "No sales in this range.");
  draw("chart-categories", {
    type: "bar",
    data: { labels: rows.map((r) => r.category), datasets: [{ label: "revenue", data: rows.map((r) => Number(r.revenue)), backgroundColor: rows.map((_, i) => palette(i, rows.length)) }] },
    options: {
      indexAxis: "y",
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => `${money(c.raw)}, ${count(rows[c.dataIndex].orders)} orders, ${count(rows[c.dataIndex].units)} units` } } },
      scales: { x: moneyAxis },
    },
  });
}

function renderFunnel(f) {
  const t = f.totals;
  const steps = [
    ["sessions", t.sessions], ["viewed a product", t.product_view_sessions], ["added to cart", t.add_to_cart_sessions],
    ["began checkout", t.begin_checkout_sessions], ["purchased", t.purchase_sessions],
  ];
  if (!Number(t.sessions)) noData("chart-funnel", "No sessions in this range.");
  else
    draw("chart-funnel", {
      type: "bar",
      data: { labels: steps.map((s) => s[0]), datasets: [{ label: "sessions", data: steps.map((s) => Number(s[1])), backgroundColor: "#1f5fa8" }] },
      options: { plugins: { legend: { display: false } } },
    });
  table("table-funnel", [
    { label: "step", value: (s) => escape(s[0]) },
    { label: "sessions", value: (s) => count(s[1]), cls: "num" },
    { label: "of all sessions", value: (s) => (Number(t.sessions) ? pct((100 * s[1]) / t.sessions) : "–"), cls: "num" },
  ], steps);
}

function renderCustomers(rows) {
  if (!rows.length) return noData("chart-customers", "No customers in this range.");
  draw("chart-customers", {
    type: "bar",
    data: {
      labels: rows.map((r) => r.order_date),
      datasets: [
        { label: "new", data: rows.map((r) => r.new_customers), backgroundColor: "#2e7d32" },
        { label: "returning", data: rows.map((r) => r.returning_customers), backgroundColor: "#6aa0d8" },
      ],
    },
    options: { plugins: { legend: { position: "bottom" } }, scales: { x: { stacked: true }, y: { stacked: true } } },
  });
}

// ---- the page's life: refresh, empty state, banner

let timer = null;
function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(refresh, ms);
}

function showError(e) {
  const banner = $("banner");
  banner.hidden = false;
  banner.textContent = e.status === 503 || e.status === 0
    ? `The warehouse database is not answering (${e.message}). Showing the last data; retrying every ${RETRY_MS / 1000} s.`
    : `A panel could not be loaded: ${e.message}`;
}

function showEmpty() {
  $("content").hidden = true;
  const empty = $("empty");
  empty.hidden = false;
  empty.innerHTML = PAGE === "business"
    ? `<h2>No sales in the warehouse yet</h2><p>The marts are empty. Load some days first:</p>
       <p><code>make demo</code> loads a generated week into the local database, or run one day's drop with
       <code>scripts/run-day YYYY-MM-DD --data-dir data</code> (or the Airflow DAG).</p><p>This page refreshes itself every minute.</p>`
    : `<h2>The warehouse is empty</h2><p>No pipeline task has run against this database yet.</p>
       <p>Run <code>make demo</code> to load a generated week, or load a day with
       <code>scripts/run-day YYYY-MM-DD --data-dir data</code> (or trigger the Airflow DAG
       <code>ecomm_warehouse_daily</code>). If the schema is missing, run <code>build/bin/migrate</code> first.</p>
       <p>This page refreshes itself every minute.</p>`;
}

async function refresh() {
  try {
    const overview = await api("/api/overview");
    const empty = PAGE === "business" ? !overview.has_sales : !overview.has_runs;
    if (empty) {
      showEmpty();
    } else {
      $("empty").hidden = true;
      $("content").hidden = false;
      await (PAGE === "business" ? renderBusiness(overview) : renderHealth());
    }
    $("banner").hidden = true;
    $("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB") + " · refreshes every minute";
    document.body.dataset.state = empty ? "empty" : "ready";
    schedule(REFRESH_MS);
  } catch (e) {
    showError(e);
    document.body.dataset.state = e.status === 503 || e.status === 0 ? "unavailable" : "error";
    schedule(e.status === 503 || e.status === 0 ? RETRY_MS : REFRESH_MS);
  }
}

if (PAGE === "business")
  $("range").addEventListener("submit", (e) => {
    e.preventDefault();
    const from = $("range-from").value, to = $("range-to").value;
    if (!from || !to || from > to) return showError(new ApiError(400, "the range's start must not be after its end"));
    range.from = from;
    range.to = to;
    document.body.dataset.state = "loading";
    refresh();
  });

refresh();
