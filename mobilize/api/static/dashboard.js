// The dashboard: reads the JSON views with the caller's token and re-reads a view when the stream says it changed.
"use strict";

const TZ = "Asia/Shanghai";
const DEBOUNCE_MS = 400;      // a burst of check-ins costs one re-read, not one per event
const FULL_REFRESH_MS = 15000; // "now" moves on even when nothing is recorded: shifts start and end
const LOOKBACK = 300;          // with ?clock=log, enough recent events to learn the log's clock at once
const KEPT_EVENTS = 25;

const params = new URLSearchParams(location.search);
const clockFromLog = params.get("clock") === "log"; // a replayed or accelerated drive: "now" is its latest event
const state = { token: null, logClock: null, position: null, source: null, eventViews: {}, link: "connecting",
  lang: localStorage.getItem("mobilize.lang") === "en" ? "en" : "zh-CN" };
const timers = {}, busy = {}, again = {};

// ---- words: zh-CN by default, English on the switch -----------------------------------------------------------
const WORDS = {
  "zh-CN": {
    title: "指挥中心", token: "令牌", bearer: "访问令牌", connect: "连接", kpis: "当前合计", required: "应到",
    have: "已到", need: "缺口", on_duty: "在岗", no_shows: "缺勤", units_at_war: "战时单元", drill: "演练",
    legend: "大数字：实战；“演练”：演练数字，单列，不计入实战。", gaps: "岗位缺口", gaps_sub: "当前缺员岗位 · ICS 215",
    site: "采样点", lane: "通道", post: "岗位", late: "未签到", resting: "轮休", roster: "在岗名册",
    roster_sub: "当前在岗人员 · ICS 203", person: "人员", status: "状态", since: "签到", shift: "班次",
    modes: "网格状态", modes_sub: "平时 · 演练 · 战时", events: "实时事件", footer: "时间为北京时间（UTC+8）",
    link_title: "实时事件流", connecting: "连接中…", live: "实时", reconnecting: "重连中…", clock: "北京时间",
    log_clock: "（日志时间）", refused: "令牌被拒绝：未知、已吊销或输入有误", war: "战时", peace: "平时",
    mode_since: "自", "on duty": "在岗", expected: "待签到", "no-show": "缺勤",
    gaps_none: "当前没有进行中的班次",
    gaps_note: (full, open, more) => `${open} 个岗位中 ${full} 个已满员` + (more ? ` · 另有 ${more} 个缺员` : ""),
    roster_note: (total, on, expected, absent) => `当前应在岗 ${total} 人：在岗 ${on}，待签到 ${expected}，缺勤 ${absent}`,
    drill_note: (text) => ` · 演练：${text}`,
    sampler: "采样", registrar: "登记", marshal: "秩序维护", first_aid: "急救", disinfection: "消杀", driver: "司机",
  },
  en: {
    title: "command center", token: "token", bearer: "Bearer token", connect: "connect", kpis: "totals now",
    required: "required now", have: "have", need: "need", on_duty: "on duty", no_shows: "no-shows",
    units_at_war: "units at war", drill: "drill",
    legend: "Large figures: real incidents; \"drill\": drills, kept apart and never added to them.",
    gaps: "Staffing gaps", gaps_sub: "posts short now · ICS 215", site: "site", lane: "lane", post: "post",
    late: "late", resting: "resting", roster: "Roster", roster_sub: "at their posts now · ICS 203", person: "person",
    status: "status", since: "since", shift: "shift", modes: "Grid modes", modes_sub: "peace · drill · war",
    events: "Live events", footer: "times in China Standard Time (UTC+8)", link_title: "live event stream",
    connecting: "connecting…", live: "live", reconnecting: "reconnecting…", clock: "CST", log_clock: " (log)",
    refused: "this token was refused: it is unknown, revoked, or mistyped", war: "WAR", peace: "PEACE",
    mode_since: "since", "on duty": "on duty", expected: "expected", "no-show": "no-show",
    gaps_none: "no shift is running now",
    gaps_note: (full, open, more) => `${full} of ${open} posts fully staffed` + (more ? ` · ${more} more short` : ""),
    roster_note: (total, on, expected, absent) => `${total} people expected at a post now: ${on} on duty, `
      + `${expected} not yet checked in, ${absent} no-shows`,
    drill_note: (text) => ` · drills: ${text}`,
    sampler: "sampler", registrar: "registrar", marshal: "marshal", first_aid: "first aid",
    disinfection: "disinfection", driver: "driver",
  },
};
WORDS["zh-CN"].peace_page = "平时工作"; // the link to the peace page
WORDS.en.peace_page = "peace time";
WORDS["zh-CN"].drill_mode = "演练";
WORDS.en.drill_mode = "DRILL";

// ---- small helpers --------------------------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

const cstParts = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

function parts(moment) {
  return Object.fromEntries(cstParts.formatToParts(moment).map((p) => [p.type, p.value]));
}

function cst(iso) {
  if (!iso) return "—";
  const p = parts(new Date(iso));
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

function t(key, ...args) { // a word in the page's language (a word without an entry is shown as it is)
  const word = WORDS[state.lang][key] ?? key;
  return typeof word === "function" ? word(...args) : word;
}

function translate() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
  for (const node of document.querySelectorAll("[data-i18n-aria]")) node.setAttribute("aria-label", t(node.dataset.i18nAria));
  $("lang").textContent = state.lang === "en" ? "中文" : "English";
  $("lang").lang = state.lang === "en" ? "zh-CN" : "en";
  link(state.link);
  tick();
}

$("lang").addEventListener("click", () => {
  state.lang = state.lang === "en" ? "zh-CN" : "en";
  localStorage.setItem("mobilize.lang", state.lang);
  translate();
  if (state.token) refreshAll(); // rows carry words too (posts, statuses, modes)
});

function now() {
  return clockFromLog && state.logClock ? state.logClock : new Date();
}

// ---- the token ------------------------------------------------------------------------------------------------
function takeToken() {
  if (params.has("token")) { // a wall screen's URL carries it once; keep it out of the address bar afterwards
    localStorage.setItem("mobilize.token", params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.size ? `?${params}` : ""));
  }
  state.token = localStorage.getItem("mobilize.token");
}

function askForToken(problem) {
  $("token-form").hidden = false;
  $("token-problem").textContent = problem || "";
  $("token").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  localStorage.setItem("mobilize.token", $("token").value.trim());
  $("token").value = "";
  $("token-form").hidden = true;
  start();
});
$("show-token").addEventListener("click", () => askForToken());

class Refused extends Error {}

async function api(path, query) {
  const search = new URLSearchParams(query || {});
  const response = await fetch(`/api${path}?${search}`, { headers: { Authorization: `Bearer ${state.token}` } });
  if (response.status === 401) {
    askForToken(t("refused"));
    throw new Refused(path);
  }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

// ---- the views ------------------------------------------------------------------------------------------------
function kpi(id, real, drill, judge) { // real and drill figures side by side, never added together
  $(`k-${id}`).textContent = real;
  $(`d-${id}`).textContent = drill;
  const card = $(`k-${id}`).parentElement;
  card.classList.toggle("bad", judge === "bad");
  card.classList.toggle("good", judge === "good");
  card.classList.toggle("drilling", drill > 0);
}

const isDrill = (row) => row.exercise === true;
const split = (rows) => [rows.filter((row) => !isDrill(row)), rows.filter(isDrill)];
const drillTag = (row) => (isDrill(row) ? el("span", { class: "tag drill" }, t("drill")) : "");

function fill(table, rows) {
  const body = document.querySelector(`#${table} tbody`);
  body.replaceChildren(...rows);
}

async function refreshGaps() {
  const moment = now().toISOString();
  const [posts, incidents] = await Promise.all([api("/gaps", { now: moment, limit: 1000 }),
    api("/gaps/incidents", { now: moment, limit: 1000 })]);
  const [real, drill] = split(incidents.items.filter((row) => row.window === "now"));
  const sum = (rows, key) => rows.reduce((total, row) => total + row[key], 0);
  kpi("required", sum(real, "required"), sum(drill, "required"));
  kpi("have", sum(real, "have"), sum(drill, "have"));
  kpi("need", sum(real, "need"), sum(drill, "need"), sum(real, "need") > 0 ? "bad" : "good");
  const open = posts.items.filter((row) => row.window === "now");
  const short = open.filter((row) => row.need > 0) // real posts first: a drill never hides a real gap
    .sort((a, b) => isDrill(a) - isDrill(b) || b.need - a.need || a.site.localeCompare(b.site));
  fill("gaps", short.slice(0, 30).map((row) => el("tr", { class: isDrill(row) ? "drill" : "" },
    el("td", {}, row.site, " ", drillTag(row)), el("td", {}, row.lane),
    el("td", {}, t(row.post)), el("td", { class: "n" }, row.required), el("td", { class: "n" }, row.have),
    el("td", { class: "n need" }, row.need), el("td", { class: "n" }, row.not_checked_in),
    el("td", { class: "n" }, row.resting))));
  const note = (rows, more) => t("gaps_note", rows.filter((row) => row.need === 0).length, rows.length, more);
  const [realOpen, drillOpen] = split(open);
  $("gaps-note").textContent = open.length // real posts and drill posts counted apart
    ? note(realOpen, Math.max(0, short.length - 30)) + (drillOpen.length ? t("drill_note", note(drillOpen, 0)) : "")
    : t("gaps_none");
}

async function refreshRoster() {
  const roster = await api("/roster", { now: now().toISOString(), limit: 1000 });
  const [real, drill] = split(roster.items);
  const count = (rows, status) => rows.filter((row) => row.status === status).length;
  kpi("on-duty", count(real, "on duty"), count(drill, "on duty"));
  kpi("no-show", count(real, "no-show"), count(drill, "no-show"), count(real, "no-show") > 0 ? "bad" : undefined);
  fill("roster", roster.items.map((row) => el("tr", { "data-person": row.person_id, class: isDrill(row) ? "drill" : "" },
    el("td", {}, row.site, " ", drillTag(row)), el("td", {}, row.lane), el("td", {}, t(row.post)),
    el("td", {}, row.person),
    el("td", {}, el("span", { class: `pill ${row.status.replace(" ", "-")}` }, t(row.status))),
    el("td", {}, cst(row.since)), el("td", {}, `${cst(row.shift_start)}–${cst(row.shift_end).slice(6)}`))));
  const note = (rows) => t("roster_note", rows.length, count(rows, "on duty"), count(rows, "expected"),
    count(rows, "no-show"));
  $("roster-note").textContent = note(real) + (drill.length ? t("drill_note", note(drill)) : "");
}

async function refreshReadiness() {
  const board = await api("/readiness", { now: now().toISOString(), limit: 1000 });
  const units = board.items.filter((row) => row.kind !== "building");
  const mode = (row) => (row.mode === "war" ? (row.exercise ? "drill" : "war") : "peace");
  // at war for a real incident / in a drill: counted apart (a unit may be in both at once)
  kpi("war", units.filter((row) => row.incidents.length > 0).length,
    units.filter((row) => row.exercises.length > 0).length);
  $("modes").replaceChildren(...units.map((row) => el("div", { class: `tile ${mode(row)}`, title: row.name },
    el("span", { class: "name" }, row.name),
    el("span", { class: "mode" }, t(mode(row) === "drill" ? "drill_mode" : mode(row))),
    mode(row) === "war" && row.exercises.length ? el("span", { class: "tag drill" }, t("drill")) : "",
    el("span", { class: "since" }, `${t("mode_since")} ${cst(row.since)}`))));
}

const REFRESH = { roster: refreshRoster, staffing_gaps: refreshGaps, readiness: refreshReadiness };

function schedule(view) { // debounced: the first event of a burst sets the timer, the rest ride on it
  if (!timers[view]) timers[view] = setTimeout(() => { timers[view] = null; run(view); }, DEBOUNCE_MS);
}

async function run(view) { // never two reads of one view at once; an event during a read earns one more
  if (busy[view]) { again[view] = true; return; }
  busy[view] = true;
  try {
    await REFRESH[view]();
  } catch (error) {
    if (!(error instanceof Refused)) console.warn(error);
  } finally {
    busy[view] = false;
    if (again[view]) { again[view] = false; schedule(view); }
  }
}

function refreshAll() { Object.keys(REFRESH).forEach(schedule); }

// ---- the stream -----------------------------------------------------------------------------------------------
function onEvent(views, message) {
  const event = JSON.parse(message.data);
  state.position = event.position;
  if (clockFromLog && event.occurred_at) {
    const at = new Date(event.occurred_at);
    if (!state.logClock || at > state.logClock) {
      const jump = state.logClock ? at - state.logClock : Infinity;
      state.logClock = at;
      if (jump >= 10 * 60 * 1000) refreshAll(); // ten simulated minutes on: every view's "now" has moved
    }
  }
  views.forEach(schedule);
  const list = $("events");
  const who = (event.actor || "").split(" (")[0];
  const detail = event.payload.name || event.payload.title || event.payload.post || event.payload.task || who;
  list.prepend(el("li", {}, el("span", { class: "at" }, cst(event.occurred_at || event.recorded_at)),
    el("span", { class: "type" }, event.event_type), el("span", {}, detail)));
  while (list.children.length > KEPT_EVENTS) list.lastChild.remove();
}

function link(how) { // "connecting", "live" or "reconnecting"
  state.link = how;
  $("link").textContent = t(how);
  $("link").className = `link ${how === "live" ? "up" : "down"}`;
  $("link").dataset.state = how === "live" ? "up" : "down";
}

async function connect() {
  if (state.source) state.source.close();
  const query = new URLSearchParams({ token: state.token });
  if (state.position !== null) {
    query.set("after", state.position);
  } else if (clockFromLog) {
    const ready = await (await fetch("/readyz")).json();
    query.set("after", Math.max(0, ready.log_position - LOOKBACK));
  }
  const source = new EventSource(`/api/stream?${query}`);
  state.source = source;
  source.onopen = () => link("live");
  source.onerror = () => { // the browser retries by itself (with Last-Event-ID) unless the server refused
    link("reconnecting");
    if (source.readyState === EventSource.CLOSED) reconnectLater();
  };
  for (const [type, views] of Object.entries(state.eventViews)) {
    source.addEventListener(type, (message) => onEvent(views, message));
  }
}

function reconnectLater() { // resumes after the last event seen; a refused token stops here and asks for another
  setTimeout(async () => {
    try {
      await api("/readiness", { limit: 1 });
      await connect();
    } catch (error) {
      if (!(error instanceof Refused)) reconnectLater();
    }
  }, 5000);
}

function tick() {
  const p = parts(now());
  $("clock").textContent = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${t("clock")}`
    + (clockFromLog ? t("log_clock") : "");
}

async function start() {
  takeToken();
  if (!state.token) { askForToken(); return; }
  try {
    state.eventViews = await (await fetch("/api/dashboard/events")).json();
    await connect();
  } catch (error) { // the server is down or restarting: try again shortly
    link("reconnecting");
    setTimeout(start, 5000);
    return;
  }
  refreshAll();
}

setInterval(tick, 1000);
setInterval(() => { if (state.token) refreshAll(); }, FULL_REFRESH_MS);
translate();
start();
