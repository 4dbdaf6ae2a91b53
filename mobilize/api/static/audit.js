// The auditor's workspace: the incident's timeline, any moment's views beside now, ICS forms, the chain's verdict.
// It only reads: every request is a GET with the caller's token.

const TZ = "Asia/Shanghai";
const PAGE = 1000;      // rows per request (the API's largest page)
const SHOWN = 600;      // timeline rows drawn at once (the filters narrow the rest)
const DEBOUNCE_MS = 250;

const WORDS = {
  zh: {
    title: "审计工作台", switch: "English", token: "令牌", token_label: "访问令牌", connect: "连接", chain: "审计链",
    moment: "时点", incident: "事件", as_happened: "按发生时间（含补录）", as_known: "按当时已记录（日志位置）",
    forms: "ICS 表单", then: "当时", now: "现在", roster: "在岗名单", gaps: "缺口", dispatches: "调度",
    modes: "平战状态", timeline: "事件时间线", search: "搜索", all_kinds: "全部类型", all_people: "全部人员",
    all_sites: "全部检测点", all_forces: "全部突击队", holds: "审计链完好", checked: "已核对事件", head: "链头",
    broken: "审计链异常", no_anchor: "尚无锚定：请运行 mobilize audit anchor", anchor: "最近锚定", signed: "签名时间",
    position: "日志位置", events: "条事件", shown: "显示", need_token: "请输入访问令牌", bad_token: "令牌无效或已撤销",
    person: "人员", post: "岗位", lane: "通道", site: "检测点", status: "状态", since: "签到", shift: "班次",
    window: "时段", required: "需求", have: "现有", need: "缺口", subject: "对象", state: "状态", task: "任务",
    unit: "单位", mode: "状态", occurred: "发生", recorded: "记录", kind: "类型", actor: "操作人",
    ordered_by: "下令人", reason: "原因", "on duty": "在岗", expected: "应到", "no-show": "缺勤", war: "战时",
    peace: "平时", exercise: "演练", whatif_title: "推演：若此刻撤出", whatif_run: "推演缺口（不写入）",
    whatif_pick: "在时间线筛选一名人员或一支突击队，并按发生时间选定时点", pulled: "撤出", need_if: "撤出后缺口",
    next: "后续",
    pick_person: "先在时间线筛选一名人员",
  },
  en: {
    title: "Auditor's workspace", switch: "中文", token: "token", token_label: "Bearer token", connect: "connect",
    chain: "Audit chain", moment: "Moment", incident: "Incident", as_happened: "as happened by (late records included)",
    as_known: "as known at (log position)", forms: "ICS forms", then: "Then", now: "Now", roster: "Roster",
    gaps: "Gaps", dispatches: "Dispatches", modes: "Peace / war", timeline: "Incident timeline", search: "search",
    all_kinds: "every kind", all_people: "everyone", all_sites: "every site", all_forces: "every task force",
    holds: "the audit chain holds", checked: "events checked", head: "head", broken: "AUDIT CHAIN BROKEN",
    no_anchor: "no anchor yet: run mobilize audit anchor", anchor: "last anchor", signed: "signed",
    position: "log position", events: "events", shown: "shown", need_token: "a bearer token is needed",
    bad_token: "the token is invalid or revoked", person: "person", post: "post", lane: "lane", site: "site",
    status: "status", since: "since", shift: "shift", window: "window", required: "required", have: "have",
    need: "need", subject: "subject", state: "state", task: "task", unit: "unit", mode: "mode", occurred: "occurred",
    recorded: "recorded", kind: "kind", actor: "actor", ordered_by: "ordered by", reason: "reason",
    "on duty": "on duty", expected: "expected", "no-show": "no-show", war: "war", peace: "peace", exercise: "drill",
    whatif_title: "What if they were pulled at this moment", whatif_run: "compute the gaps (nothing is written)",
    whatif_pick: "filter the timeline to a person or a task force, and pick a moment as happened", pulled: "pulled",
    need_if: "need if pulled",
    pick_person: "filter the timeline to one person first",
  },
};

const params = new URLSearchParams(location.search);
const state = {
  token: null, lang: localStorage.getItem("mobilize.lang") || "zh", names: {}, rows: [], shiftSite: {},
  dispatchSubject: {}, minTime: 0, maxTime: 0, head: 0, timer: null, asked: 0,
};

const $ = (id) => document.getElementById(id);
const t = (key) => WORDS[state.lang][key] ?? key;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

const cstFormat = new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

function cst(iso) {
  if (!iso) return "—";
  const p = Object.fromEntries(cstFormat.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

function isoCst(ms) { // an instant as an ISO time in China Standard Time, to the minute
  const p = Object.fromEntries(cstFormat.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}+08:00`;
}

// ---- reading the API (GET only) -------------------------------------------------------------------------------
class Refused extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function get(path, query = {}) {
  const url = new URL(`/api${path}`, location.origin);
  for (const [key, value] of Object.entries(query)) if (value !== null && value !== undefined && value !== "") {
    url.searchParams.set(key, value);
  }
  const response = await fetch(url, { method: "GET", headers: { Authorization: `Bearer ${state.token}`,
    "Accept-Language": state.lang === "zh" ? "zh-CN" : "en" } });
  if (!response.ok) {
    let message = response.statusText;
    try { message = (await response.json()).message || message; } catch { /* not JSON */ }
    throw new Refused(response.status, message);
  }
  return response;
}

const json = async (path, query) => (await get(path, query)).json();

// ---- the token and the language -------------------------------------------------------------------------------
function takeToken() {
  if (params.has("token")) {
    localStorage.setItem("mobilize.token", params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.size ? `?${params}` : ""));
  }
  state.token = localStorage.getItem("mobilize.token");
}

function askForToken(problem) {
  $("token-form").hidden = false;
  $("token-problem").textContent = problem || "";
}

function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  document.title = `mobilize · ${t("title")}`;
}

// ---- tables ---------------------------------------------------------------------------------------------------
function fill(id, columns, rows, cells, attrs = () => ({})) {
  const table = $(id);
  table.tHead.replaceChildren(el("tr", {}, ...columns.map((c) => el("th", {}, t(c)))));
  table.tBodies[0].replaceChildren(...rows.map((row) => el("tr", attrs(row), ...cells(row).map((c) => el("td", {}, c)))));
}

function showViews(side, views) {
  const [roster, gaps, dispatches, modes] = views;
  fill(`roster-${side}`, ["person", "post", "lane", "site", "status", "since", "shift"], roster.items,
    (r) => [r.person, r.post, r.lane, r.site, t(r.status), cst(r.since), `${cst(r.shift_start)} – ${cst(r.shift_end).slice(11)}`],
    (r) => ({ "data-person": r.person, "data-post": r.post, "data-lane": r.lane, "data-site": r.site, "data-status": r.status }));
  fill(`gaps-${side}`, ["site", "lane", "post", "window", "required", "have", "need"],
    gaps.items.filter((g) => g.need > 0), (g) => [g.site, g.lane, g.post, g.window, g.required, g.have, g.need]);
  fill(`dispatches-${side}`, ["subject", "kind", "state", "task", "since"], dispatches.items,
    (d) => [d.subject, d.kind, d.state, d.task, cst(d.since)]);
  fill(`modes-${side}`, ["unit", "mode", "since"], modes.items.filter((m) => m.mode === "war"),
    (m) => [m.name, t(m.mode), cst(m.since)]);
}

async function viewsAt(query) {
  const incident = $("incident").value || null;
  return Promise.all([
    json("/roster", { ...query, incident, limit: PAGE }),
    json("/gaps", { ...query, incident, limit: PAGE }),
    json("/dispatches", { ...query, incident, limit: PAGE }),
    json("/readiness", { ...query, limit: PAGE }),
  ]);
}

// ---- the moment ---------------------------------------------------------------------------------------------
function meaning() { return document.querySelector("input[name=meaning]:checked").value; }

function momentQuery() {
  const text = $("moment-text").value.trim();
  return meaning() === "known" ? { as_of: text } : { as_happened: text };
}

function setSlider() {
  const slider = $("moment");
  if (meaning() === "known") {
    slider.min = 1; slider.max = state.head; slider.step = 1;
  } else {
    slider.min = Math.floor(state.minTime / 60000); slider.max = Math.ceil(state.maxTime / 60000); slider.step = 1;
  }
  slider.value = slider.max;
  sliderMoved();
}

function sliderMoved() {
  const value = Number($("moment").value);
  $("moment-text").value = meaning() === "known" ? String(value) : isoCst(value * 60000);
  later();
}

function later() {
  clearTimeout(state.timer);
  state.timer = setTimeout(showMoment, DEBOUNCE_MS);
}

function label(reading) { // which meaning a view shows, in the page's language
  if (!reading) return "";
  const read = cst(reading.read_at);
  if (state.lang !== "zh") return reading.label;
  if (reading.meaning === "as_happened") {
    return `按发生时间截至 ${cst(reading.happened_by)}：此前发生的全部事件，含事后补录（日志至位置 ${reading.position}）；读取时刻 ${read}`;
  }
  if (reading.meaning === "as_known") return `按日志位置 ${reading.position} 时已记录的内容（当时所知）；读取时刻 ${read}`;
  return `实时：已记录的全部事件（日志位置 ${reading.position}）；读取时刻 ${read}`;
}

async function showMoment() {
  const asked = ++state.asked;
  try {
    const views = await viewsAt(momentQuery());
    if (asked !== state.asked) return; // a newer moment was asked for meanwhile
    showViews("then", views);
    $("reading-then").textContent = label(views[0].reading);
    $("reading-then").dataset.position = views[0].reading?.position ?? "";
    $("reading-then").dataset.happened = views[0].reading?.happened_by ? cst(views[0].reading.happened_by) : "";
  } catch (error) {
    $("reading-then").textContent = error.message;
  }
}

async function showNow() {
  const views = await viewsAt({});
  showViews("now", views);
  $("reading-now").textContent = label(views[0].reading);
}

// ---- the timeline ---------------------------------------------------------------------------------------------
async function loadTimeline() {
  const incident = $("incident").value;
  const rows = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await json("/audit", { incident, limit: PAGE, offset });
    rows.push(...page.items);
    if (rows.length >= page.total || !page.items.length) break;
  }
  state.rows = rows;
  state.shiftSite = {}; state.dispatchSubject = {};
  for (const row of rows) {
    const payload = parse(row.payload);
    if (row.event_type === "Shift.Scheduled") state.shiftSite[row.aggregate_id] = payload.site_id;
    if (row.event_type === "Dispatch.Requested") state.dispatchSubject[row.aggregate_id] = payload.subject_id;
  }
  const times = rows.map((r) => Date.parse(r.occurred_at || r.recorded_at)).filter((n) => !Number.isNaN(n));
  state.minTime = Math.min(...times); state.maxTime = Math.max(...times);
  options("f-kind", "all_kinds", [...new Set(rows.map((r) => r.event_type))].sort().map((k) => [k, k]));
  options("f-person", "all_people", named(rows.map((r) => r.person_id)));
  options("f-site", "all_sites", named(rows.map((r) => siteOf(r))));
  options("f-force", "all_forces", named(rows.map((r) => forceOf(r))));
  drawTimeline();
}

function parse(text) { try { return JSON.parse(text) || {}; } catch { return {}; } }

function siteOf(row) {
  if (state.names[row.aggregate_id]?.kind === "site") return row.aggregate_id;
  return state.shiftSite[row.aggregate_id] ?? parse(row.payload).site_id ?? null;
}

function forceOf(row) {
  if (state.names[row.aggregate_id]?.kind === "task_force") return row.aggregate_id;
  const subject = state.dispatchSubject[row.aggregate_id];
  return state.names[subject]?.kind === "task_force" ? subject : null;
}

function named(ids) {
  return [...new Set(ids.filter(Boolean))].map((id) => [id, state.names[id]?.name ?? id.slice(0, 8)])
    .sort((a, b) => a[1].localeCompare(b[1]));
}

function options(id, all, pairs) {
  const select = $(id), kept = select.value;
  select.replaceChildren(el("option", { value: "" }, t(all)), ...pairs.map(([value, label]) => el("option", { value }, label)));
  select.value = pairs.some(([value]) => value === kept) ? kept : "";
}

function drawTimeline() {
  const kind = $("f-kind").value, person = $("f-person").value, site = $("f-site").value, force = $("f-force").value;
  const words = $("f-search").value.trim().toLowerCase();
  const rows = state.rows.filter((r) => (!kind || r.event_type === kind) && (!person || r.person_id === person)
    && (!site || siteOf(r) === site) && (!force || forceOf(r) === force)
    && (!words || [r.event_type, r.actor, r.ordered_by, r.reason, r.payload, state.names[r.person_id]?.name]
      .some((text) => String(text ?? "").toLowerCase().includes(words))));
  fill("timeline", ["occurred", "recorded", "kind", "person", "actor", "ordered_by", "reason", "position"],
    rows.slice(0, SHOWN), (r) => [cst(r.occurred_at), cst(r.recorded_at), r.event_type,
      state.names[r.person_id]?.name ?? "", r.actor, r.ordered_by, r.reason ?? "", r.position],
    (r) => ({ "data-position": r.position, "data-occurred": r.occurred_at || r.recorded_at }));
  $("timeline-count").textContent = `${rows.length} ${t("events")} (${t("shown")} ${Math.min(rows.length, SHOWN)})`;
  $("form-214").disabled = !person;
  $("form-214").title = person ? "" : t("pick_person");
  whatIfReady();
}

function whatIfReady() {
  const ready = Boolean($("f-person").value || $("f-force").value) && meaning() === "happened";
  $("whatif").disabled = !ready;
  $("whatif-who").textContent = ready ? "" : t("whatif_pick");
}

async function whatIf() { // computed by the server in memory: a GET, nothing is written
  const person = $("f-person").value, force = $("f-force").value;
  const query = { at: $("moment-text").value.trim(), incident: $("incident").value || null };
  if (person) query.person = person; else query.task_force = force;
  try {
    const answer = await json("/what-if/gaps", query);
    $("whatif-who").textContent = `${t("pulled")}: ${answer.pulled.join(", ")} · ${label(answer.reading)}`;
    fill("whatif-table", ["site", "lane", "post", "window", "required", "have", "need", "need_if"],
      answer.items.filter((row) => row.need_if !== row.need),
      (row) => [row.site, row.lane, row.post, t(row.window), row.required, row.have, row.need, row.need_if]);
  } catch (error) {
    $("whatif-who").textContent = error.message;
  }
}

function pickRow(event) { // a row of the timeline: that event's moment, in the meaning chosen
  const row = event.target.closest("tr[data-position]");
  if (!row) return;
  const slider = $("moment");
  slider.value = meaning() === "known" ? row.dataset.position : Math.round(Date.parse(row.dataset.occurred) / 60000);
  sliderMoved();
}

// ---- the chain and the forms -----------------------------------------------------------------------------------
async function showVerdict() {
  const verdict = await json("/audit/verify");
  const line = $("verify");
  line.className = `verify ${verdict.ok ? "ok" : "bad"}`;
  line.textContent = verdict.ok
    ? `${t("holds")} · ${verdict.checked} ${t("checked")} · ${t("head")} ${verdict.head}`
    : `${t("broken")}: ${verdict.problem || verdict.anchor_problem}`;
  const last = verdict.last_anchor;
  $("anchor").textContent = last
    ? `${t("anchor")}: ${t("position")} ${last.position} · ${t("head")} ${last.head} · ${t("signed")} ${cst(last.signed_at)}`
    : t("no_anchor");
}

async function openForm(event) {
  const button = event.target.closest("button[data-form]");
  if (!button || button.disabled) return;
  const format = $("form-format").value;
  const query = { ...momentQuery(), lang: state.lang, format, incident: $("incident").value || null };
  if (button.dataset.form === "214") query.person = $("f-person").value;
  if (button.dataset.form === "204" && $("f-site").value) query.site = $("f-site").value;
  const blob = await (await get(`/ics/${button.dataset.form}`, query)).blob();
  const link = el("a", { href: URL.createObjectURL(blob), target: "_blank", rel: "noopener" });
  if (format !== "html") link.download = `ics-${button.dataset.form}.${format}`;
  link.click();
}

// ---- start ----------------------------------------------------------------------------------------------------
async function start() {
  translate();
  takeToken();
  if (!state.token) return askForToken(t("need_token"));
  try {
    state.names = (await json("/audit/names")).items;
    const incidents = Object.entries(state.names).filter(([, n]) => n.kind === "incident");
    $("incident").replaceChildren(...incidents.map(([id, n]) => el("option", { value: id },
      n.exercise === "yes" ? `${n.name} (${t("exercise")})` : n.name)));
    const real = incidents.filter(([, n]) => n.exercise !== "yes");
    if (incidents.length) $("incident").value = (real.length ? real : incidents).at(-1)[0];
    state.head = (await json("/roster", { limit: 1 })).reading.position; // the log's head: live views read to it
    await loadTimeline();
    setSlider();
    await Promise.all([showNow(), showVerdict()]);
    document.body.dataset.ready = "yes";
  } catch (error) {
    if (error.status === 401 || error.status === 403) askForToken(t("bad_token"));
    else $("verify").textContent = error.message;
  }
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!$("token").value.trim()) return askForToken(t("need_token"));
  localStorage.setItem("mobilize.token", $("token").value.trim());
  $("token-form").hidden = true;
  start();
});
$("show-token").addEventListener("click", () => askForToken(""));
$("lang").addEventListener("click", () => {
  state.lang = state.lang === "zh" ? "en" : "zh";
  localStorage.setItem("mobilize.lang", state.lang);
  translate();
  drawTimeline();
  showMoment();
  showNow();
  showVerdict();
});
$("moment").addEventListener("input", sliderMoved);
$("moment-text").addEventListener("change", later);
$("moment-text").addEventListener("keydown", (event) => { if (event.key === "Enter") later(); });
for (const radio of document.querySelectorAll("input[name=meaning]")) {
  radio.addEventListener("change", () => { setSlider(); whatIfReady(); });
}
$("whatif").addEventListener("click", whatIf);
$("incident").addEventListener("change", async () => { await loadTimeline(); setSlider(); showNow(); });
for (const id of ["f-kind", "f-person", "f-site", "f-force"]) $(id).addEventListener("change", drawTimeline);
$("f-search").addEventListener("input", drawTimeline);
$("timeline").addEventListener("click", pickRow);
$("forms").addEventListener("click", openForm);

start();
