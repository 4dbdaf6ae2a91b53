// The console: who the caller is, the screens, and the live stream that re-reads the screen on relevant events.
import { all, get, Refusal, session, showRefusal, takeToken } from "./api.js";
import { language, setLanguage, t, w } from "./i18n.js";
import { el } from "./ui.js";
import * as org from "./screen_org.js";
import * as incidents from "./screen_incidents.js";
import * as sites from "./screen_sites.js";
import * as rota from "./screen_rota.js";
import * as gaps from "./screen_gaps.js";
import * as dispatch from "./screen_dispatch.js";
import * as roster from "./screen_roster.js";
import * as rollcall from "./screen_rollcall.js";
import * as people from "./screen_people.js";
import * as pages from "./screen_pages.js";

const SCREENS = { org, incidents, sites, rota, gaps, dispatch, roster, rollcall, people, pages };
const DEBOUNCE_MS = 300;
const COUNT_POLL_MS = 60000; // the stream keeps the tabs' counts; this is for a stream that is down
const $ = (id) => document.getElementById(id);

const ctx = {
  get, all, me: null, units: null,
  get canWrite() { return ctx.me?.role === "operator"; },
  /** Whether the caller may act on a record under `unitId` (its scope is the subtree the tree was read for). */
  canTouch(unitId) {
    if (!ctx.canWrite) return false;
    if (!ctx.me.scope_unit_id) return true;
    return Boolean(unitId) && ctx.units.has(String(unitId));
  },
  refresh: () => schedule(),
};

let current = location.hash.slice(1) in SCREENS ? location.hash.slice(1) : "org";
let timer = null, busy = false, again = false, source = null, position = null;
const counts = new Map(); // a tab's count (the pages that reached the command center), kept across re-drawn tabs
let countTimer = null, countPoll = null;

/** Whether the caller's role reads what a screen shows (a viewer's token reads no roll calls, no people's tokens). */
function shown(name) { return !ctx.me || (SCREENS[name].roles || [ctx.me.role]).includes(ctx.me.role); }

function nav() {
  if (!shown(current)) current = "org";
  $("tabs").replaceChildren(...Object.keys(SCREENS).filter(shown).map((name) => el("a", {
    href: `#${name}`, class: name === current ? "tab active" : "tab", "data-screen": name }, t(`tab.${name}`),
    counts.get(name) ? el("span", { class: "tab-count", "data-count": name, title: t(`count.${name}`) },
      String(counts.get(name))) : null)));
}

/** Re-read the tabs' counts (the screens that have one), e.g. on an event of what they count. */
async function recount(names) {
  const wanted = names.filter((name) => SCREENS[name].count && shown(name));
  const read = await Promise.all(wanted.map((name) => SCREENS[name].count(ctx).catch(() => counts.get(name))));
  wanted.forEach((name, i) => counts.set(name, read[i]));
  if (wanted.length) nav();
}

function scheduleCount(names) {
  clearTimeout(countTimer);
  countTimer = setTimeout(() => recount(names), DEBOUNCE_MS);
}

function header() {
  document.title = t("title");
  $("title").textContent = t("title");
  $("lang").textContent = t("lang");
  $("token-label").textContent = t("tokenLabel");
  $("show-token").textContent = t("token");
  const me = ctx.me;
  $("who").textContent = me ? `${me.holder} · ${w(me.role)}${me.role === "operator" ? "" : ` (${t("readOnly")})`} · `
    + `${me.scope_name || t("scopeAll")}` : "";
  document.body.classList.toggle("read-only", Boolean(me) && !ctx.canWrite);
}

async function render() {
  if (busy) { again = true; return; }
  busy = true;
  const root = $("screen");
  try {
    const fresh = el("div", { class: "screen", "data-screen": current });
    if (!root.firstChild) root.append(el("p", { class: "muted" }, t("loading")));
    await SCREENS[current].render(ctx, fresh);
    root.replaceChildren(fresh);
  } catch (error) { // the screen's lists could not be read: say why, in the screen's place
    const host = el("div", { class: "refusal-host" });
    showRefusal(host, error instanceof Refusal ? error : new Refusal(0, { error: "internal_error",
      message: String(error) }));
    root.replaceChildren(host);
    if (!(error instanceof Refusal)) console.error(error);
  } finally {
    busy = false;
    if (again) { again = false; schedule(); }
  }
}

function schedule() {
  if (!timer) timer = setTimeout(() => { timer = null; render(); }, DEBOUNCE_MS);
}

function onEvent(message) {
  const event = JSON.parse(message.data);
  position = event.position;
  const aggregate = event.event_type.split(".")[0];
  if (aggregate === "OrgUnit") loadScope();
  if (SCREENS[current].listens.includes(aggregate)) schedule();
  const counted = Object.keys(SCREENS).filter((name) => SCREENS[name].count && SCREENS[name].listens.includes(aggregate));
  if (counted.length) scheduleCount(counted);
}

function link(up) {
  $("link").textContent = up ? t("live") : t("reconnecting");
  $("link").className = `link ${up ? "up" : "down"}`;
}

async function connect() {
  if (source) source.close();
  const types = await get("/event-types");
  const query = new URLSearchParams({ token: session.token });
  if (position !== null) query.set("after", position);
  source = new EventSource(`/api/stream?${query}`);
  source.onopen = () => link(true);
  source.onerror = () => {
    link(false);
    if (source.readyState === EventSource.CLOSED) setTimeout(() => connect().catch(() => {}), 5000);
  };
  for (const type of types) source.addEventListener(type, onEvent);
}

async function loadScope() { // the units the caller's token covers: where controls are drawn
  if (!ctx.me.scope_unit_id) { ctx.units = new Set(); return; }
  const tree = await get("/org-tree");
  const units = new Set();
  const walk = (node) => { units.add(String(node.id)); (node.children || []).forEach(walk); };
  tree.roots.forEach(walk);
  ctx.units = units;
}

function askForToken(problem) {
  $("token-form").hidden = false;
  $("token-problem").textContent = problem || "";
  $("token").focus();
}

async function start() {
  if (!takeToken()) { askForToken(); return; }
  try {
    ctx.me = await get("/me");
    await loadScope().catch(() => { ctx.units = new Set(); });
  } catch (error) {
    askForToken(error instanceof Refusal && error.status === 401 ? t("tokenRefused") : error.message);
    return;
  }
  $("token-form").hidden = true;
  header();
  nav();
  recount(Object.keys(SCREENS));
  countPoll ??= setInterval(() => recount(Object.keys(SCREENS)), COUNT_POLL_MS);
  await render();
  connect().catch(() => link(false));
}

session.onUnauthenticated = () => askForToken(t("tokenRefused"));
$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  localStorage.setItem("mobilize.token", $("token").value.trim());
  $("token").value = "";
  start();
});
$("show-token").addEventListener("click", () => askForToken());
$("lang").addEventListener("click", () => {
  setLanguage(language() === "zh" ? "en" : "zh");
  header();
  nav();
  render();
});
window.addEventListener("hashchange", () => {
  const wanted = location.hash.slice(1);
  if (!(wanted in SCREENS) || wanted === current || !shown(wanted)) return;
  current = wanted;
  nav();
  $("screen").replaceChildren();
  render();
});
window.addEventListener("unhandledrejection", (event) => { // a list a dialog needed could not be read
  if (!(event.reason instanceof Refusal)) return;
  event.preventDefault();
  showRefusal($("notice"), event.reason);
  setTimeout(() => showRefusal($("notice"), null), 15000);
});
header();
start();
