// The dashboard: reads the JSON views with the caller's token and re-reads a view when the stream says it changed.
"use strict";

const TZ = "Asia/Shanghai";
const DEBOUNCE_MS = 400;      // a burst of check-ins costs one re-read, not one per event
const FULL_REFRESH_MS = 15000; // "now" moves on even when nothing is recorded: shifts start and end
const LOOKBACK = 300;          // with ?clock=log, enough recent events to learn the log's clock at once
const KEPT_EVENTS = 25;

const params = new URLSearchParams(location.search);
const clockFromLog = params.get("clock") === "log"; // a replayed or accelerated drive: "now" is its latest event
const state = { token: null, logClock: null, position: null, source: null, eventViews: {} };
const timers = {}, busy = {}, again = {};

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
    askForToken("this token was refused: it is unknown, revoked, or mistyped");
    throw new Refused(path);
  }
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

// ---- the views ------------------------------------------------------------------------------------------------
function kpi(id, value, judge) {
  $(`k-${id}`).textContent = value;
  const card = $(`k-${id}`).parentElement;
  card.classList.toggle("bad", judge === "bad");
  card.classList.toggle("good", judge === "good");
}

function fill(table, rows) {
  const body = document.querySelector(`#${table} tbody`);
  body.replaceChildren(...rows);
}

async function refreshGaps() {
  const moment = now().toISOString();
  const [posts, incidents] = await Promise.all([api("/gaps", { now: moment, limit: 1000 }),
    api("/gaps/incidents", { now: moment, limit: 1000 })]);
  const current = incidents.items.filter((row) => row.window === "now");
  const sum = (key) => current.reduce((total, row) => total + row[key], 0);
  kpi("required", sum("required"));
  kpi("have", sum("have"));
  kpi("need", sum("need"), sum("need") > 0 ? "bad" : "good");
  const open = posts.items.filter((row) => row.window === "now");
  const short = open.filter((row) => row.need > 0).sort((a, b) => b.need - a.need || a.site.localeCompare(b.site));
  fill("gaps", short.slice(0, 30).map((row) => el("tr", {}, el("td", {}, row.site), el("td", {}, row.lane),
    el("td", {}, row.post), el("td", { class: "n" }, row.required), el("td", { class: "n" }, row.have),
    el("td", { class: "n need" }, row.need), el("td", { class: "n" }, row.not_checked_in),
    el("td", { class: "n" }, row.resting))));
  $("gaps-note").textContent = open.length
    ? `${open.length - short.length} of ${open.length} posts fully staffed` + (short.length > 30 ? ` · ${short.length - 30} more short` : "")
    : "no shift is running now";
}

async function refreshRoster() {
  const roster = await api("/roster", { now: now().toISOString(), limit: 1000 });
  const count = (status) => roster.items.filter((row) => row.status === status).length;
  kpi("on-duty", count("on duty"));
  kpi("no-show", count("no-show"), count("no-show") > 0 ? "bad" : undefined);
  fill("roster", roster.items.map((row) => el("tr", { "data-person": row.person_id },
    el("td", {}, row.site), el("td", {}, row.lane), el("td", {}, row.post), el("td", {}, row.person),
    el("td", {}, el("span", { class: `pill ${row.status.replace(" ", "-")}` }, row.status)),
    el("td", {}, cst(row.since)), el("td", {}, `${cst(row.shift_start)}–${cst(row.shift_end).slice(6)}`))));
  $("roster-note").textContent = `${roster.total} people expected at a post now: ${count("on duty")} on duty, `
    + `${count("expected")} not yet checked in, ${count("no-show")} no-shows`;
}

async function refreshReadiness() {
  const board = await api("/readiness", { now: now().toISOString(), limit: 1000 });
  const units = board.items.filter((row) => row.kind !== "building");
  const mode = (row) => (row.mode === "war" ? (row.exercise ? "drill" : "war") : "peace");
  kpi("war", units.filter((row) => mode(row) === "war").length);
  $("modes").replaceChildren(...units.map((row) => el("div", { class: `tile ${mode(row)}`, title: row.name },
    el("span", { class: "name" }, row.name), el("span", { class: "mode" }, mode(row).toUpperCase()),
    el("span", { class: "since" }, `since ${cst(row.since)}`))));
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

function link(up) {
  $("link").textContent = up ? "live" : "reconnecting…";
  $("link").className = `link ${up ? "up" : "down"}`;
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
  source.onopen = () => link(true);
  source.onerror = () => { // the browser retries by itself (with Last-Event-ID) unless the server refused
    link(false);
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
  $("clock").textContent = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} CST`
    + (clockFromLog ? " (log)" : "");
}

async function start() {
  takeToken();
  if (!state.token) { askForToken(); return; }
  try {
    state.eventViews = await (await fetch("/api/dashboard/events")).json();
    await connect();
  } catch (error) { // the server is down or restarting: try again shortly
    link(false);
    setTimeout(start, 5000);
    return;
  }
  refreshAll();
}

setInterval(tick, 1000);
setInterval(() => { if (state.token) refreshAll(); }, FULL_REFRESH_MS);
tick();
start();
