// The operator dashboard: polls the JSON API and renders it with DOM calls (no innerHTML).
// Every text it shows comes from the page's JSON block (#i18n), in the reader's language:
// its own messages through `_()`, the codes' texts from `labels`, dates and shares from the
// API's `*_text` fields.
"use strict";

const REFRESH_MS = 5000;

const I18N = JSON.parse(document.getElementById("i18n").textContent);
const _ = (message) => I18N.messages[message] || message;
const fill_in = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
const text = (table, code) => I18N.labels[table][code] || code;
const ruleLabel = (rule) => text("rules", rule);
const number = new Intl.NumberFormat(I18N.lang === "en" ? "en-GB" : `${I18N.lang}-FI`);

const STATUSES = ["issued", "received", "accepted", "in_progress", "completed", "rejected"];

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

const svgNS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const node = document.createElementNS(svgNS, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function age(seconds) {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return fill_in(_("{days} d {hours} h"), { days, hours });
  if (hours > 0) return fill_in(_("{hours} h {minutes} min"), { hours, minutes });
  return fill_in(_("{minutes} min"), { minutes });
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

async function getJSON(path) {
  const response = await fetch(path, { credentials: "same-origin", cache: "no-store" });
  if (response.status === 401) {
    window.location.reload();  // the server answers with the sign-in prompt
    throw new Error("unauthorised");
  }
  if (!response.ok && response.status !== 503) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function shortRef(ref) {
  return ref.length > 16 ? `${ref.slice(0, 14)}…` : ref;
}

function personLink(ref) {
  return el("a", { href: `#case/${encodeURIComponent(ref)}`, class: "mono", title: fill_in(_("{ref}: open the case timeline"), { ref }) }, shortRef(ref));
}

function renderAlerts(list) {
  const rows = list.alerts.map((a) =>
    el("tr", { "data-alert-id": a.alert_id },
      el("td", {}, el("span", { class: `sev sev-${a.severity}` }, text("severities", a.severity))),
      el("td", {}, ruleLabel(a.rule)),
      el("td", {}, a.area_name),
      el("td", { class: "num" }, age(a.age_seconds)),
      el("td", {}, a.opened_at_text),
      el("td", {}, a.person_ref ? personLink(a.person_ref) : "—",
        a.identity_temporary ? el("span", { class: "badge", title: _("known by a temporary identity code, unique only within its issuer") }, _("temporary id")) : null),
      el("td", { class: "mono muted", title: a.alert_id }, a.alert_id.slice(0, 12)),
    ));
  fill($("alerts-table").tBodies[0], rows);
  $("alerts-empty").hidden = rows.length > 0;
}

function renderBars(container, unsorted) {
  const items = [...unsorted].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const max = Math.max(1, ...items.map((i) => i.count));
  const rows = items.map((i) =>
    el("div", { class: "bar-row" },
      el("span", { class: "bar-label", title: i.label }, i.label),
      el("span", { class: "bar-track" }, (() => {
        const fillBar = el("span", { class: "bar-fill" });
        fillBar.style.width = `${(100 * i.count) / max}%`;
        fillBar.style.display = "block";
        return fillBar;
      })()),
      el("span", { class: "bar-count" }, number.format(i.count))));
  container.replaceChildren(...(rows.length ? rows : [el("p", { class: "empty" }, _("No open alerts."))]));
}

function renderTrend(days) {
  const width = Math.max(320, $("trend").clientWidth || 900);
  const height = 200, left = 34, right = 10, top = 10, bottom = 26;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": _("Open alerts per day") });
  const max = Math.max(1, ...days.map((d) => Math.max(d.open, d.opened, d.resolved)));
  const step = (width - left - right) / Math.max(1, days.length);
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  for (const tick of [0, Math.ceil(max / 2), max]) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(tick), y2: y(tick), stroke: "#e3e8ee" }));
    chart.append(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end" }, String(tick)));
  }
  const barWidth = Math.max(2, step * 0.32);
  days.forEach((d, i) => {
    const x = left + i * step + step / 2;
    chart.append(svg("rect", { x: x - barWidth, y: y(d.opened), width: barWidth, height: y(0) - y(d.opened), fill: "#e07a5f" }));
    chart.append(svg("rect", { x, y: y(d.resolved), width: barWidth, height: y(0) - y(d.resolved), fill: "#3c9d6e" }));
    const every = Math.ceil(days.length / 8);
    if (i % every === 0 || i === days.length - 1) {
      chart.append(svg("text", { x, y: height - 8, "text-anchor": "middle" }, d.day_text.replace(/[ .]?\d{4}$/, "")));
    }
  });
  const points = days.map((d, i) => `${left + i * step + step / 2},${y(d.open)}`).join(" ");
  chart.append(svg("polyline", { points, fill: "none", stroke: "#16202e", "stroke-width": 2.2 }));
  days.forEach((d, i) => {
    const dot = svg("circle", { cx: left + i * step + step / 2, cy: y(d.open), r: 3, fill: "#16202e" });
    dot.append(svg("title", {}, fill_in(_("{day}: {open} open, {opened} opened, {resolved} resolved"), { day: d.day_text, open: d.open, opened: d.opened, resolved: d.resolved })));
    chart.append(dot);
  });
  $("trend").replaceChildren(chart);
}

function shareCell(c) {
  const decided = c.referrals_in_time + c.referrals_late;
  if (c.ack_in_time_share === null) {
    return el("td", { class: "num muted", title: fill_in(_("{pending} pending"), { pending: c.referrals_pending }) }, "–");
  }
  const pct = Math.round(c.ack_in_time_share * 100);
  const band = pct < 60 ? "share-low" : pct < 90 ? "share-mid" : "share-high";
  const bar = el("span", { class: "share-bar" }, (() => {
    const inner = el("i");
    inner.style.width = `${pct}%`;
    return inner;
  })());
  const title = fill_in(_("{in_time} of {decided} within {days} working days; {pending} pending"), { in_time: c.referrals_in_time, decided, days: c.ack_working_days, pending: c.referrals_pending });
  return el("td", { class: "num", title }, el("span", { class: `share ${band}` }, bar, `${c.ack_in_time_share_text} (${c.referrals_in_time}/${decided})`));
}

function numCell(value) {
  return el("td", { class: value === 0 ? "num zero" : "num" }, number.format(value));
}

function planCell(c) {
  if (c.release_plan_share === null) return el("td", { class: "num zero" }, "–");
  const pct = Math.round(c.release_plan_share * 100);
  const title = fill_in(_("{plans} of {long} long sentences have a release plan"), { plans: c.release_plans, long: c.long_sentences });
  return el("td", { class: "num", title }, `${pct} % (${c.release_plans}/${c.long_sentences})`);
}

function renderCounties(counties) {
  const rows = counties.map((c) =>
    el("tr", {},
      el("td", {}, c.area_name),
      numCell(c.cases),
      numCell(c.open_alerts),
      shareCell(c),
      numCell(c.released),
      el("td", { class: "num" }, c.median_days_to_first_contact === null ? "–" : fill_in(_("{days} d"), { days: c.median_days_to_first_contact_text })),
      numCell(c.awaiting_first_contact),
      numCell(c.open_vacancies),
      planCell(c),
      numCell(c.dismissed_alerts)));
  fill($("counties-table").tBodies[0], rows);
  $("counties-empty").hidden = rows.length > 0;
}

function renderTasks(tasks) {
  const kinds = [...new Set(tasks.map((t) => t.kind))].sort();
  const extra = [...new Set(tasks.map((t) => t.status))].filter((s) => !STATUSES.includes(s));
  const statuses = [...STATUSES, ...extra];
  const count = (k, s) => tasks.filter((t) => t.kind === k && t.status === s).reduce((n, t) => n + t.count, 0);
  const head = el("tr", {}, el("th", {}, _("Task kind")), ...statuses.map((s) => el("th", { class: "num" }, text("task_statuses", s))), el("th", { class: "num" }, _("Total")));
  $("tasks-table").tHead.replaceChildren(head);
  const rows = kinds.map((k) => {
    const counts = statuses.map((s) => count(k, s));
    return el("tr", {}, el("td", {}, text("task_kinds", k)), ...counts.map(numCell), el("td", { class: "num" }, el("strong", {}, number.format(counts.reduce((a, b) => a + b, 0)))));
  });
  fill($("tasks-table").tBodies[0], rows);
  $("tasks-empty").hidden = rows.length > 0;
}

function renderDeadLetters(letters) {
  const rows = letters.map((d) => el("tr", {}, el("td", {}, d.stage), el("td", {}, text("reasons", d.reason)), el("td", { class: "mono" }, d.reason), el("td", { class: "num" }, number.format(d.count))));
  fill($("dlq-table").tBodies[0], rows);
  $("dlq-empty").hidden = rows.length > 0;
}

function syncFilters(summary) {
  const areaSelect = $("filter-area");
  const known = new Set([...areaSelect.options].map((o) => o.value));
  for (const c of summary.counties) {
    const value = c.area === null ? "unrouted" : c.area;
    if (!known.has(value)) areaSelect.append(el("option", { value }, c.area_name));
  }
  const ruleSelect = $("filter-rule");
  if (ruleSelect.options.length === 1) {
    for (const [code, name] of Object.entries(I18N.labels.rules)) ruleSelect.append(el("option", { value: code }, name));
  }
}

function renderSummary(s) {
  $("kpi-open").textContent = number.format(s.open_alerts);
  $("kpi-critical").textContent = number.format(s.by_severity.find((x) => x.severity === "critical")?.count ?? 0);
  $("kpi-areas").textContent = number.format(s.by_area.filter((a) => a.area !== null).length);
  $("kpi-tasks").textContent = number.format(s.tasks_total);
  $("kpi-dlq").textContent = number.format(s.dead_letters_total);
  $("view-now").textContent = s.now_text;
  renderBars($("by-rule"), s.by_rule.map((r) => ({ label: ruleLabel(r.rule), count: r.count })));
  renderBars($("by-area"), s.by_area.map((a) => ({ label: a.area_name, count: a.count })));
  renderTrend(s.trend);
  renderCounties(s.counties);
  renderTasks(s.tasks);
  renderDeadLetters(s.dead_letters);
  syncFilters(s);
}

function renderHealth(h) {
  const pill = $("feed-status");
  pill.textContent = text("feed", h.caught_up ? "live" : h.status);
  pill.className = `pill ${h.caught_up ? "pill-live" : h.status === "failed" ? "pill-fail" : "pill-wait"}`;
}

function selectedRef() {
  const match = window.location.hash.match(/^#case\/(.+)$/);
  return match ? decodeURIComponent(match[1]) : null;
}

async function renderTimeline() {
  const ref = selectedRef();
  const drawer = $("timeline");
  if (!ref) { drawer.hidden = true; return; }
  drawer.hidden = false;
  $("timeline-ref").textContent = ref;
  const response = await fetch(`/api/cases/${encodeURIComponent(ref)}`, { credentials: "same-origin", cache: "no-store" });
  if (response.status === 404) {
    $("timeline-meta").replaceChildren(el("dt", {}, _("Case")), el("dd", {}, _("not known to the operator view")));
    $("timeline-alerts").replaceChildren();
    $("timeline-events").replaceChildren();
    return;
  }
  if (response.status === 401) { window.location.reload(); return; }
  const t = await response.json();
  $("timeline-meta").replaceChildren(
    el("dt", {}, _("Status")), el("dd", {}, t.status ? text("case_statuses", t.status) : "–"),
    el("dt", {}, _("County")), el("dd", {}, t.area_name),
    el("dt", {}, _("Open alerts")), el("dd", {}, number.format(t.alerts.filter((a) => a.state === "open").length)));
  $("timeline-alerts").replaceChildren(...(t.alerts.length ? t.alerts.map((a) =>
    el("li", { class: `alert-${a.state}` },
      el("div", { class: "what" }, ruleLabel(a.rule), " ", el("span", { class: `sev sev-${a.severity}` }, text("severities", a.severity))),
      el("div", { class: "when" }, fill_in(_("opened {when}"), { when: a.opened_at_text }),
        " · ", a.resolved_at ? fill_in(_("resolved {when}"), { when: a.resolved_at_text }) : fill_in(_("open for {age}"), { age: age(a.age_seconds) })))) :
    [el("li", {}, el("span", { class: "muted" }, _("No alerts for this case.")))]));
  const entries = [
    ...t.facts.map((f) => ({ at: f.at, node: el("li", {}, el("div", { class: "what" }, text("facts", f.kind)), el("div", { class: "when" }, f.at_text, " · ", fill_in(_("from {sender}"), { sender: text("org_kinds", f.source_org_kind) }))) })),
    ...t.tasks.map((k) => ({ at: k.at, node: el("li", { class: "task" }, el("div", { class: "what" }, fill_in(_("Task: {kind}"), { kind: text("task_kinds", k.kind) })), el("div", { class: "when" }, k.at_text, " · ", fill_in(_("to {recipient}"), { recipient: text("org_kinds", k.recipient_org_kind) }), " · ", text("task_statuses", k.status))) })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  $("timeline-events").replaceChildren(...entries.map((e) => e.node));
}

function alertsQuery() {
  const params = new URLSearchParams();
  if ($("filter-area").value) params.set("area", $("filter-area").value);
  if ($("filter-rule").value) params.set("rule", $("filter-rule").value);
  const query = params.toString();
  return query ? `/api/alerts?${query}` : "/api/alerts";
}

async function refresh() {
  try {
    const [summary, alerts, health] = await Promise.all([getJSON("/api/summary"), getJSON(alertsQuery()), getJSON("/healthz")]);
    renderSummary(summary);
    renderAlerts(alerts);
    renderHealth(health);
    await renderTimeline();
    $("updated").textContent = new Date().toLocaleTimeString(I18N.lang === "en" ? "en-GB" : `${I18N.lang}-FI`, { timeZone: "Europe/Helsinki", hour: "numeric", minute: "2-digit", second: "2-digit" });
  } catch (error) {
    $("feed-status").textContent = _("unreachable");
    $("feed-status").className = "pill pill-fail";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("filter-area").addEventListener("change", refresh);
  $("filter-rule").addEventListener("change", refresh);
  $("timeline-close").addEventListener("click", () => { window.location.hash = ""; });
  window.addEventListener("hashchange", renderTimeline);
  refresh();
  setInterval(refresh, REFRESH_MS);
});
