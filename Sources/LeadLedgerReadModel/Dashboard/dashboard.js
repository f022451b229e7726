// LeadLedger dashboard: a static page over the read model's /v1 API.
// The token stays in sessionStorage (this tab only); every value from the API
// is put into the page as text, never as HTML.
"use strict";

const TOKEN_KEY = "leadledger.token";
const TIERS = ["sales_ready", "sales_develop", "nurture", "review", "disqualified"];
const TIER_COLORS = { sales_ready: "#1a7f37", sales_develop: "#2f5fd0", nurture: "#8b5cf6", review: "#d97706", disqualified: "#9ca3af" };

const $ = (id) => document.getElementById(id);
const token = () => sessionStorage.getItem(TOKEN_KEY);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: "Bearer " + token() } });
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  if (!response.ok) {
    if (response.status === 401) { logout("That token was not accepted."); }
    throw new APIError(response.status, body && body.error, (body && body.message) || response.statusText);
  }
  return body;
}

function show(section) {
  for (const id of ["login", "overview", "queue-page", "results-page", "lead-page"]) $(id).classList.toggle("hidden", id !== section);
  $("error").textContent = "";
}

function fail(error) { $("error").textContent = error.message || String(error); }

function logout(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("search-form").classList.add("hidden");
  $("logout-button").classList.add("hidden");
  show("login");
  $("login-error").textContent = message || "";
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function duration(ms) {
  const minutes = Math.round(Math.abs(ms) / 60000);
  if (minutes < 60) return minutes + " min";
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + " h " + (minutes % 60) + " min";
  return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
}

function slaCell(due) {
  if (!due) return el("td", { text: "–" });
  const left = Date.parse(due) - Date.now();
  return left >= 0
    ? el("td", { class: "ontime", text: duration(left) + " left" })
    : el("td", { class: "overdue", text: "overdue " + duration(left) });
}

// ---- outcome KPIs --------------------------------------------------------

const percent = (share) => (share === undefined || share === null ? "–" : (100 * share).toFixed(1) + " %");
const money = (value) => (value === undefined || value === null ? "–" : value.toLocaleString("en-US", { maximumFractionDigits: 0 }));
const seconds = (value) => (value === undefined || value === null ? "–" : duration(value * 1000));

// KPI tiles and the funnel by tier, from GET /v1/kpis?by=arm: the model-routed
// (treatment) arm's figures, and the lift over the holdout arm when there is one.
function kpiTiles(report, tiles) {
  const group = report.groups.find((g) => g.key.arm === "treatment") || report.groups[0];
  if (!group) {
    $("kpi-note").textContent = "No decided leads yet: the outcome KPIs appear once leads are decided.";
    fill($("funnel").tBodies[0], []);
    return;
  }
  tiles.push(
    ["Qualified rate", percent(group.qualified_rate)],
    ["Time to qualify (median)", seconds(group.time_to_qualify_median_seconds)],
    ["Precision at target", percent(group.precision_at_target)],
    ["Conversion", percent(group.conversion_rate)],
    ["Revenue per qualified lead", money(group.revenue_per_qualified_lead)],
    ["Override rate", percent(group.override_rate)]);
  const lift = report.lift;
  if (lift && lift.holdout.leads > 0 && lift.difference !== undefined) {
    tiles.push(["Lift over holdout", (lift.difference >= 0 ? "+" : "") + (100 * lift.difference).toFixed(1) + " pts"]);
  }
  $("kpi-note").textContent = "Outcome KPIs over " + group.leads + " leads routed by the model (" + report.audit_records +
    " audit records); durations in event time.";
  fill($("funnel").tBodies[0], group.by_tier.map((t) => el("tr", {},
    el("td", { text: t.tier }), el("td", { text: t.leads }), el("td", { text: t.converted }), el("td", { text: percent(t.rate) }))));
}

// Lag per stage, from GET /v1/lag (measured by serve in the background).
async function lagTable() {
  try {
    const lag = await api("/v1/lag");
    fill($("lag").tBodies[0], lag.stages.map((s) => el("tr", {},
      el("td", { text: s.stage }), el("td", { text: s.group }), el("td", { text: s.committed }),
      el("td", { class: s.behind > 0 ? "overdue" : "ontime", text: s.behind }))));
    $("lag-note").textContent = (lag.caught_up ? "Caught up" : lag.behind + " records behind") + ", measured " + lag.measured_at +
      (lag.last_error ? " (the latest measurement failed: " + lag.last_error + ")" : "") + ".";
  } catch (error) {
    if (error.status !== 503) throw error;
    fill($("lag").tBodies[0], []);
    $("lag-note").textContent = error.message;
  }
}

// ---- overview ------------------------------------------------------------

async function overview() {
  show("overview");
  const [status, queues, dlq, stats] = await Promise.all([
    api("/v1/status"), api("/v1/queues"), api("/v1/dlq?limit=10"), api("/v1/stats/decisions?hours=48"),
  ]);
  const tiles = [["Leads", status.leads], ["Decisions", status.decisions], ["DLQ records", dlq.total], ["Skipped records", status.skipped_records]];
  const kpis = await api("/v1/kpis?by=arm");
  kpiTiles(kpis, tiles);
  await lagTable();
  $("tiles").replaceChildren(...tiles.map(([label, value]) =>
    el("div", { class: "tile" }, el("div", { class: "label", text: label }), el("div", { class: "value", text: value }))));
  tierChart(stats.buckets);
  fill($("queues").tBodies[0], queues.queues.map((q) => el("tr", {},
    el("td", {}, el("a", { href: "#/queue/" + encodeURIComponent(q.queue), text: q.queue })),
    el("td", { text: q.count }),
    el("td", { text: q.sla_hours ? q.sla_hours + " h" : "–" }))));
  dlqChart(dlq.counts);
  fill($("dlq-recent").tBodies[0], dlq.recent.map((r) => el("tr", {},
    el("td", { text: r.error_code }), el("td", { text: r.reason }),
    el("td", { text: r.source.topic + "[" + r.source.partition + "]@" + r.source.offset }))));
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function tierChart(buckets) {
  const hours = [...new Set(buckets.map((b) => b.hour))].sort();
  const chart = $("tier-chart");
  if (hours.length === 0) { chart.replaceChildren(el("p", { class: "note", text: "No decisions yet." })); return; }
  const totals = hours.map((h) => buckets.filter((b) => b.hour === h).reduce((n, b) => n + b.count, 0));
  const max = Math.max(...totals);
  const barWidth = 18, gap = 4, height = 160;
  const root = svg("svg", { width: hours.length * (barWidth + gap) + 40, height: height + 40, role: "img", "aria-label": "Decisions by tier per hour" });
  hours.forEach((hour, i) => {
    let y = height;
    for (const tier of TIERS) {
      const bucket = buckets.find((b) => b.hour === hour && b.tier === tier);
      if (!bucket) continue;
      const h = Math.max(1, Math.round(bucket.count / max * height));
      y -= h;
      const rect = svg("rect", { x: 30 + i * (barWidth + gap), y, width: barWidth, height: h, fill: TIER_COLORS[tier] });
      rect.append(svg("title", {}));
      rect.lastChild.textContent = hour + ":00 " + tier + ": " + bucket.count;
      root.append(rect);
    }
    if (i % 6 === 0) {
      const label = svg("text", { x: 30 + i * (barWidth + gap), y: height + 14, "font-size": 10, fill: "#5d6675" });
      label.textContent = hour.slice(5).replace("T", " ") + "h";
      root.append(label);
    }
  });
  const axis = svg("text", { x: 0, y: 10, "font-size": 10, fill: "#5d6675" });
  axis.textContent = String(max);
  root.append(axis);
  const legend = el("div", { class: "legend" }, ...TIERS.map((t) => el("span", {}, el("i", { style: "background:" + TIER_COLORS[t] }), t)));
  chart.replaceChildren(root, legend);
}

function dlqChart(counts) {
  const chart = $("dlq-chart");
  if (counts.length === 0) { chart.replaceChildren(el("p", { class: "note", text: "Nothing rejected." })); return; }
  const max = Math.max(...counts.map((c) => c.count));
  const root = svg("svg", { width: 460, height: counts.length * 22 + 4, role: "img", "aria-label": "DLQ records by error code" });
  counts.forEach((c, i) => {
    const label = svg("text", { x: 0, y: i * 22 + 15, "font-size": 12, fill: "#1d2330" });
    label.textContent = c.error_code;
    const bar = svg("rect", { x: 170, y: i * 22 + 4, width: Math.max(2, Math.round(c.count / max * 240)), height: 14, fill: "#b42318" });
    const value = svg("text", { x: 170 + Math.max(2, Math.round(c.count / max * 240)) + 6, y: i * 22 + 15, "font-size": 12, fill: "#1d2330" });
    value.textContent = String(c.count);
    root.append(label, bar, value);
  });
  chart.replaceChildren(root);
}

// ---- queue ----------------------------------------------------------------

async function queuePage(name) {
  show("queue-page");
  const queue = await api("/v1/queues/" + encodeURIComponent(name) + "?limit=200");
  $("queue-title").textContent = queue.queue + ": " + queue.count + " open lead(s)" + (queue.sla_hours ? ", SLA " + queue.sla_hours + " h" : "");
  fill($("queue-leads").tBodies[0], queue.leads.map((l) => el("tr", {},
    el("td", {}, el("a", { href: "#/lead/" + l.lead_id, text: l.lead_id })),
    el("td", { text: l.email || "–" }), el("td", { text: l.tier }), el("td", { text: l.owner_id || "–" }),
    el("td", { text: l.score }), el("td", { text: l.routed_at }), el("td", { text: l.sla_due_at || "–" }), slaCell(l.sla_due_at))));
}

// ---- search and lead --------------------------------------------------------

async function search(text) {
  const query = text.trim();
  if (!query) return;
  if (/^ld_[0-9a-f]{16}$/.test(query)) { location.hash = "#/lead/" + query; return; }
  show("results-page");
  const found = await api("/v1/leads?email=" + encodeURIComponent(query));
  if (found.leads.length === 1) { location.hash = "#/lead/" + found.leads[0].lead_id; return; }
  $("results").replaceChildren(...(found.leads.length === 0
    ? [el("li", { text: "No lead has that address." })]
    : found.leads.map((l) => el("li", {}, el("a", { href: "#/lead/" + l.lead_id, text: l.lead_id }),
      " " + (l.current_route ? l.current_route.tier + " / " + l.current_route.queue : "")))));
}

// The gate rule that set the tier: `gate` in routing records and audit schema 2, `rule`/`disqualifier` in audit schema 3.
function isGateRule(r) { return r.kind === "gate" || r.kind === "rule" || r.kind === "disqualifier"; }

// " via lead ld_… → works_at → account acme.io" for an account signal's graph path.
function graphPathText(path) {
  if (!path || !path.length) return "";
  return " via " + path.map((step) => (step.edge ? step.edge + " → " : "") + step.kind + " " + step.node).join(" → ");
}

function reasonValue(reason) {
  return reason.value === undefined ? "" : " (value " + JSON.stringify(reason.value) + ")";
}

async function leadPage(id) {
  show("lead-page");
  const lead = await api("/v1/leads/" + encodeURIComponent(id));
  $("lead-title").textContent = "Lead " + lead.lead_id;
  const summary = [];
  const route = lead.current_route;
  if (route) summary.push(el("p", {}, "Current route: ", el("strong", { id: "current-tier", text: route.tier }), " in queue " + route.queue +
    (route.owner_id ? ", owner " + route.owner_id : "") + ", score " + route.score + " (since " + route.event_time + ")"));
  const person = lead.person;
  if (person) {
    const name = [person.first_name, person.last_name].filter(Boolean).join(" ");
    summary.push(el("p", { id: "lead-person" }, (name || "(no name)") + (person.title ? ", " + person.title : "") +
      (person.emails.length ? " · " + person.emails.join(", ") : "") + (person.buying_role ? " · buying role " + person.buying_role : "") +
      (person.erased ? " · erased" : "")));
  }
  if (lead.outcome) summary.push(el("p", { text: "Outcome: " + lead.outcome.kind + (lead.outcome.reason ? " (" + lead.outcome.reason + ")" : "") + " at " + lead.outcome.event_time }));
  $("lead-summary").replaceChildren(...summary);

  $("timeline").replaceChildren(...lead.decisions.slice().reverse().map((d) => {
    const change = d.route_changed
      ? "route changed (" + (d.change || "?") + ")" + (d.previous ? " from " + d.previous.tier + " / " + d.previous.queue : "")
      : "route unchanged";
    return el("li", { class: "decision" + (d.route_changed ? " changed" : "") },
      el("div", { class: "head", text: d.event_time + " · " + d.event_kind + " → " + d.tier + " / " + d.queue + " · score " + d.score }),
      el("div", { text: change + (d.disqualifier ? " · disqualified: " + d.disqualifier : "") +
        (d.primary_lead_id ? " · decided with lead " + d.primary_lead_id : "") }),
      el("ul", { class: "reasons" }, ...d.reasons.map((r) => el("li", { text: r.text + (isGateRule(r) ? "" : reasonValue(r)) + graphPathText(r.graph_path) }))),
      el("div", { class: "lineage", text: "lineage: " + d.lineage.log.topic + "[" + d.lineage.log.partition + "]@" + d.lineage.log.offset +
        " ← " + d.lineage.source.topic + "[" + d.lineage.source.partition + "]@" + d.lineage.source.offset +
        " · model " + d.model_version + " · ruleset " + d.ruleset_version + " · " + d.decision_id }));
  }));

  const account = $("account");
  if (!lead.account_id) { account.replaceChildren(el("p", { class: "note", text: "No account linked." })); return; }
  try {
    const a = await api("/v1/accounts/" + encodeURIComponent(lead.account_id));
    const facts = [a.name, a.industry, a.country, a.employees ? a.employees + " employees" : null, a.owner_id ? "owner " + a.owner_id : null].filter(Boolean).join(" · ");
    account.replaceChildren(
      el("p", { id: "account-name" }, el("strong", { text: a.account_id }), facts ? " · " + facts : ""),
      el("p", { text: "Parent: " + (a.parent_id || "none") + " · Subsidiaries: " + (a.subsidiary_ids.join(", ") || "none") }),
      el("table", {}, el("thead", {}, el("tr", {}, ...["Contact", "Email", "Title", "Buying role", "Engagements", "Tier"].map((h) => el("th", { text: h })))),
        el("tbody", {}, ...a.contacts.map((c) => el("tr", {},
          el("td", {}, el("a", { href: "#/lead/" + c.lead_id, text: [c.first_name, c.last_name].filter(Boolean).join(" ") || c.lead_id })),
          el("td", { text: c.email || "–" }), el("td", { text: c.title || "–" }), el("td", { text: c.buying_role || "–" }),
          el("td", { text: c.engagement_count }), el("td", { text: c.tier || "–" }))))),
      el("p", { text: "Opportunities: " + (a.opportunities.map((o) => o.opportunity_id + " (" + (o.stage || "?") + (o.amount ? ", " + o.amount : "") + ")").join("; ") || "none") }),
      el("h3", { text: "Account signals" }),
      a.signals.length
        ? el("ul", { id: "account-signals", class: "reasons" }, ...a.signals.map((g) => el("li", {
          text: g.feature + " = " + (g.value === null || g.value === undefined ? "unknown" : g.value) + " (" + (g.contribution >= 0 ? "+" : "") + g.contribution.toFixed(2) + ")" +
            graphPathText(g.graph_path) + " · lead " + g.lead_id + " at " + g.event_time })))
        : el("p", { class: "note", text: "No account signal in the contacts' latest decisions." }),
      el("h3", { text: "Similar accounts" }),
      a.similar_accounts.length
        ? el("ul", { id: "similar-accounts" }, ...a.similar_accounts.map((s) => el("li", {
          text: s.account_id + (s.name ? " · " + s.name : "") + " · " + s.industry + " · " + s.employees + " employees" + (s.country ? " · " + s.country : "") })))
        : el("p", { class: "note", text: "None known (same industry, half to twice the size)." }));
  } catch (error) {
    account.replaceChildren(el("p", { class: "note", text: "Account " + lead.account_id + ": " + error.message }));
  }
}

// ---- routing ----------------------------------------------------------------

async function route() {
  if (!token()) { logout(); return; }
  $("search-form").classList.remove("hidden");
  $("logout-button").classList.remove("hidden");
  const hash = location.hash || "#/";
  try {
    if (hash.startsWith("#/lead/")) await leadPage(decodeURIComponent(hash.slice(7)));
    else if (hash.startsWith("#/queue/")) await queuePage(decodeURIComponent(hash.slice(8)));
    else await overview();
  } catch (error) { fail(error); }
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("token-input").value.trim();
  if (!value) return;
  sessionStorage.setItem(TOKEN_KEY, value);
  $("token-input").value = "";
  $("login-error").textContent = "";
  route();
});
$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  search($("search-input").value).catch(fail);
});
$("logout-button").addEventListener("click", () => logout());
window.addEventListener("hashchange", route);
route();
