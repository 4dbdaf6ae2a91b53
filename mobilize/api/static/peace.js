// The peace page: a week's action day per grid, what left the grid and why, open requests and hazards, the drill
// league; zh-CN by default, English on a switch. Reads the JSON views with the caller's token.
"use strict";

const TEXT = {
  zh: { title: "平时工作 · 网格行动日", week: "周", token: "令牌", bearer: "访问令牌", connect: "连接",
    actionDay: "网格行动日：走访对照计划、诉求、隐患、微心愿", grid: "网格", community: "社区", planned: "计划户数",
    visited: "已走访", walkIns: "接访", opened: "诉求登记", resolved: "已办结", escalated: "上交",
    hazards: "隐患发现", rectified: "已整改", wishes: "微心愿", fulfilled: "已实现", left: "出网格的诉求及原因",
    to: "上交至", at: "时间", reason: "原因", open: "未办结诉求", category: "类别", level: "层级", due: "期限",
    openHazards: "未销号隐患", location: "位置", state: "状态", deadline: "整改期限",
    league: "演练排名（集结用时中位数）", minutes: "分钟", mustered: "到岗人数", footer: "时间为北京时间（UTC+8）",
    refused: "令牌无效、已撤销或输入有误", other: "English", none: "无", dashboard: "指挥中心" },
  en: { title: "peace time · grid action day", week: "week", token: "token", bearer: "Bearer token",
    connect: "connect", actionDay: "Grid action day: households visited against plan, requests, hazards, wishes",
    grid: "grid", community: "community", planned: "planned", visited: "visited", walkIns: "walk-ins",
    opened: "requests", resolved: "resolved", escalated: "escalated", hazards: "hazards", rectified: "rectified",
    wishes: "wishes", fulfilled: "fulfilled", left: "Requests that left the grid, and why", to: "to", at: "at",
    reason: "reason", open: "Open requests", category: "category", level: "level", due: "due",
    openHazards: "Open hazards", location: "location", state: "state", deadline: "deadline",
    league: "Drill league (median muster minutes)", minutes: "minutes", mustered: "mustered",
    footer: "times in China Standard Time (UTC+8)", refused: "this token was refused: unknown, revoked or mistyped",
    other: "中文", none: "none", dashboard: "command center" },
};
const CODES = { // the views' raw codes, in words: a code without an entry is shown as it is
  zh: {
    category: { social_assistance: "社会救助", health: "卫生健康", elderly_care: "养老", dispute: "矛盾纠纷",
      environment: "环境卫生", work_safety: "安全生产", housing: "住房", land: "土地",
      comprehensive_governance: "综治", party_building: "党建", civility: "文明创建", other: "其他" },
    level: { grid: "网格", community: "社区", street: "街道" },
    hazard: { found: "已发现", ordered: "整改中", rectified: "已整改待验收", verified: "已验收销号" },
  },
  en: {
    category: { social_assistance: "social assistance", health: "health", elderly_care: "elderly care",
      dispute: "dispute", environment: "environment", work_safety: "work safety", housing: "housing", land: "land",
      comprehensive_governance: "comprehensive governance", party_building: "party building", civility: "civility",
      other: "other" },
    level: { grid: "grid", community: "community", street: "street" },
    hazard: { found: "found", ordered: "rectification ordered", rectified: "rectified, awaiting check",
      verified: "verified" },
  },
};
const params = new URLSearchParams(location.search);
// the dashboard keeps the language as "zh-CN" or "en" under the same key: the two pages share the choice
const state = { token: null, lang: localStorage.getItem("mobilize.lang") === "en" ? "en" : "zh" };
const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[state.lang][key] ?? key;
const code = (kind, value) => CODES[state.lang][kind][value] ?? value ?? "—";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

const cstFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const cst = (iso) => (iso ? cstFormat.format(new Date(iso)).replace(",", "") : "—");

function isoWeek(day) { // the ISO week of a day, as <input type=week> and the API write it: 2026-W09
  const d = new Date(Date.UTC(day.getFullYear(), day.getMonth(), day.getDate()));
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const start = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  return `${d.getUTCFullYear()}-W${String(Math.ceil(((d - start) / 86400000 + 1) / 7)).padStart(2, "0")}`;
}

function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  $("lang").textContent = t("other");
}

class Refused extends Error {}

async function api(path, query) {
  const response = await fetch(`/api${path}?${new URLSearchParams(query || {})}`,
    { headers: { Authorization: `Bearer ${state.token}` } });
  if (response.status === 401) { askForToken(t("refused")); throw new Refused(path); }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()).items;
}

function fill(table, rows, columns) {
  const body = document.querySelector(`#${table} tbody`);
  if (!rows.length) { body.replaceChildren(el("tr", {}, el("td", { colspan: columns }, t("none")))); return; }
  body.replaceChildren(...rows);
}

const num = (value) => el("td", { class: "n" }, value);

async function refresh() {
  const week = $("week").value;
  const [days, left, open, hazards, league] = await Promise.all([
    api("/action-day", { week, limit: 1000 }), api("/escalations", { week, limit: 1000 }),
    api("/resident-requests", { limit: 1000 }), api("/hazards", { limit: 1000 }),
    api("/drill-league", { limit: 1000 })]);
  fill("action-day", days.map((r) => el("tr", { "data-grid": r.grid_id }, el("td", {}, r.grid),
    el("td", {}, r.community ?? ""), num(r.households_planned), num(r.households_visited), num(r.walk_ins),
    num(r.requests_opened), num(r.requests_resolved), num(r.requests_escalated), num(r.hazards_found),
    num(r.hazards_rectified), num(r.wishes_registered), num(r.wishes_fulfilled))), 12);
  fill("escalations", left.map((r) => el("tr", {}, el("td", {}, r.grid), el("td", {}, r.unit), el("td", {}, cst(r.at)),
    el("td", {}, r.reason ?? "—"))), 4);
  fill("requests", open.map((r) => el("tr", {}, el("td", {}, r.grid),
    el("td", { "data-code": r.category }, code("category", r.category)),
    el("td", { "data-code": r.level }, code("level", r.level)),
    el("td", { class: r.overdue ? "overdue" : "" }, cst(r.due_at)))), 4);
  fill("hazards", hazards.map((r) => el("tr", {}, el("td", {}, r.grid), el("td", {}, r.location),
    el("td", { "data-code": r.state }, code("hazard", r.state)),
    el("td", { class: r.overdue ? "overdue" : "" }, cst(r.deadline)))), 4);
  fill("league", league.map((r) => el("tr", {}, num(r.rank), el("td", {}, r.unit), num(r.median_minutes),
    num(r.mustered))), 4);
}

function askForToken(problem) {
  $("token-form").hidden = false;
  $("token-problem").textContent = problem || "";
  $("token").focus();
}

function start() {
  if (params.has("token")) { // taken once, then kept out of the address bar
    localStorage.setItem("mobilize.token", params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.size ? `?${params}` : ""));
  }
  state.token = localStorage.getItem("mobilize.token");
  if (!state.token) { askForToken(); return; }
  refresh().catch((error) => { if (!(error instanceof Refused)) console.warn(error); });
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  localStorage.setItem("mobilize.token", $("token").value.trim());
  $("token").value = "";
  $("token-form").hidden = true;
  start();
});
$("show-token").addEventListener("click", () => askForToken());
$("lang").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh";
  localStorage.setItem("mobilize.lang", state.lang === "zh" ? "zh-CN" : "en");
  translate();
  start();
});
$("week").addEventListener("change", start);
$("week").value = params.get("week") || isoWeek(new Date());
translate();
start();
