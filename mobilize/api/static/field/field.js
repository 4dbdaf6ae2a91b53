// The field page: one person's shifts and dispatches, acted on with their own token; what is sent offline waits
// on the device (with its own Idempotency-Key and the device's time) and goes when the network returns.
const KEY = { token: "mobilize.field.token", lang: "mobilize.field.lang", me: "mobilize.field.me",
  queue: "mobilize.field.queue", outcomes: "mobilize.field.outcomes", post: "mobilize.field.post",
  delivered: "mobilize.field.delivered", alerted: "mobilize.field.alerted" };
const POLL_MS = 15000; // without a stream (blocked, refused, lost), the page reads /me this often
const DEBOUNCE_MS = 300; // changed frames in a burst: one read of /me

const TEXT = {
  zh: { title: "现场", need_token: "请用指挥中心发给您的链接或二维码打开本页。", shifts: "我的班次",
    dispatches: "我的调度", outbox: "待发送", outcomes: "处理结果", online: "在线", offline: "离线",
    none_shifts: "暂无班次", none_dispatches: "暂无调度", none_queue: "没有待发送的操作", none_outcomes: "暂无记录",
    lane: "通道", check_in: "签到", check_out: "签退", confirm_in: "确认签到", confirm_out: "确认签退",
    cancel: "取消", acknowledge: "接受", decline: "拒绝", "set-out": "已出发", arrive: "已到达",
    reason: "拒绝原因（必填）", send_decline: "确认拒绝", queued: "已保存在手机上，联网后自动发送",
    done: "已完成", refused: "被拒绝", sent_at: "操作时间", scanned: "扫码岗位", wrong_post: "此二维码不属于您的任何班次",
    stale: "离线：显示的是上次同步的内容", lang: "English", roll_call: "点名", answer_roll: "报到：我在",
    called_at: "点名时间", hand_over: "交接班", "hand-over": "交接班", handover_note: "交接事项（必填）",
    send_handover: "确认交接", handed_over: "已交接", live: "实时",
    commanding: "我指挥的", site: "检测点", task_force: "突击队", call_roll: "点名", confirm_call: "确认点名",
    close_roll: "结束点名", confirm_close: "确认结束点名", roll_number: "第{n}次点名", roll_closed: "已结束",
    accounted: "已报到", unaccounted: "未报到", after: "用时", waiting_for: "已等", no_roll: "尚未点名",
    notifications: "我的通知", ack_notification: "收到", delivered: "已送达", due: "请在此前回复",
    level: "升级第{n}级", none_notifications: "暂无通知",
    kind: { dispatch: "调度", shift: "班次", escalation: "升级提醒" },
    nstate: { sent: "新通知", delivered: "未确认", acknowledged: "已收到", escalated: "已升级", withdrawn: "已撤回" },
    status: { assigned: "待签到", checked_in: "已签到", checked_out: "已签退", no_show: "缺勤", pending: "待发送" },
    state: { requested: "待回复", acknowledged: "已接受", en_route: "途中", on_scene: "已到达", declined: "已拒绝" },
    post: { sampler: "采样", registrar: "登记", marshal: "秩序维护", first_aid: "急救", disinfection: "消杀", driver: "驾驶" } },
  en: { title: "Field", need_token: "Open this page with the link or QR code the command center gave you.",
    shifts: "My shifts", dispatches: "My dispatch", outbox: "Waiting to send", outcomes: "Outcomes", online: "online",
    offline: "offline", none_shifts: "No shifts", none_dispatches: "No dispatch", none_queue: "Nothing waiting",
    none_outcomes: "Nothing yet", lane: "lane", check_in: "Check in", check_out: "Check out",
    confirm_in: "Confirm check-in", confirm_out: "Confirm check-out", cancel: "Cancel", acknowledge: "Acknowledge",
    decline: "Decline", "set-out": "En route", arrive: "On scene", reason: "Reason (required)",
    send_decline: "Decline", queued: "Kept on this phone; sent when the network returns", done: "done",
    refused: "refused", sent_at: "done at", roll_call: "Roll call", answer_roll: "Here and safe",
    called_at: "called at", hand_over: "Hand over", "hand-over": "hand over",
    handover_note: "What the next shift should know (required)", send_handover: "Hand over", handed_over: "handed over", scanned: "Scanned post", wrong_post: "This QR code is for none of your shifts",
    stale: "Offline: showing what was last synced", lang: "中文", live: "live",
    commanding: "What I command", site: "testing site", task_force: "task force", call_roll: "Call the roll",
    confirm_call: "Confirm roll call", close_roll: "Close the roll call", confirm_close: "Confirm close",
    roll_number: "Roll call no. {n}", roll_closed: "closed", accounted: "Accounted for", unaccounted: "Not yet answered",
    after: "after", waiting_for: "waiting", no_roll: "No roll called yet", notifications: "My notifications",
    ack_notification: "Acknowledge", delivered: "delivered", due: "answer by", level: "escalated, level {n}",
    none_notifications: "No notifications",
    kind: { dispatch: "dispatch", shift: "shift", escalation: "escalation" },
    nstate: { sent: "new", delivered: "not acknowledged", acknowledged: "acknowledged", escalated: "escalated",
      withdrawn: "withdrawn" },
    status: { assigned: "to check in", checked_in: "checked in", checked_out: "checked out", no_show: "no-show",
      pending: "waiting to send" },
    state: { requested: "awaiting your answer", acknowledged: "acknowledged", en_route: "en route",
      on_scene: "on scene", declined: "declined" },
    post: { sampler: "sampler", registrar: "registrar", marshal: "marshal", first_aid: "first aid",
      disinfection: "disinfection", driver: "driver" } },
};

let lang = localStorage.getItem(KEY.lang) === "en" ? "en" : "zh";
let confirming = null; // the action awaiting its confirmation: "<kind>:<id>:<action>"
const drafts = {}; // what is typed in a text box, kept across re-renders (a stream frame may re-render at any time)
const t = (name) => TEXT[lang][name] ?? name;
// a refusal's message comes back in the person's language (the rule's word stays the same in both)
const speaks = () => ({ "Accept-Language": lang === "zh" ? "zh-CN" : "en" });
const fill = (name, n) => t(name).replace("{n}", n);
const load = (name, empty) => { try { return JSON.parse(localStorage.getItem(name)) ?? empty; } catch { return empty; } };
const save = (name, value) => localStorage.setItem(name, JSON.stringify(value));
const $ = (id) => document.getElementById(id);

function key() { // crypto.randomUUID needs a secure context; a phone on the site's LAN may have none
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function when(iso) {
  return new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function takeUrl() { // the token and a scanned post come in the address; the token does not stay there
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (token) localStorage.setItem(KEY.token, token);
  const post = url.searchParams.get("post");
  if (post) sessionStorage.setItem(KEY.post, post);
  if (token) { url.searchParams.delete("token"); history.replaceState(null, "", url.pathname + url.search); }
}

async function refresh() {
  const token = localStorage.getItem(KEY.token);
  if (!token) { render(); return; }
  try {
    const answer = await fetch("/api/field/me", { headers: { Authorization: `Bearer ${token}`, ...speaks() } });
    if (answer.ok) {
      const me = { ...(await answer.json()), fetched_at: Date.now() };
      save(KEY.me, me);
      sessionStorage.removeItem("stale");
      if (deliver(me)) flush();
    } else if (answer.status === 401) { revoked = true; notice((await answer.json()).message); }
  } catch { sessionStorage.setItem("stale", "1"); }
  render();
}

const notifications = (me) => (me && Array.isArray(me.notifications) ? me.notifications : []);
const unanswered = (note) => ["sent", "delivered", "escalated"].includes(note.state);

function deliver(me) { // a notification seen for the first time: say it arrived (queued, own key); buzz when it is new
  const delivered = load(KEY.delivered, []);
  const alerted = load(KEY.alerted, {});
  let fresh = false; let buzz = false;
  for (const note of notifications(me)) {
    if (unanswered(note) && !delivered.includes(note.id)) { // escalated before it reached this phone: say so too
      delivered.push(note.id);
      enqueue("notifications", note.id, "delivered", "delivered", {}, true);
      fresh = true;
    }
    const level = note.state === "escalated" ? "escalated" : "new"; // buzz when new, and again when escalated
    if (unanswered(note) && alerted[note.id] !== level) { alerted[note.id] = level; buzz = true; }
  }
  save(KEY.delivered, delivered.slice(-200));
  save(KEY.alerted, Object.fromEntries(Object.entries(alerted).slice(-200)));
  // browsers let a page vibrate only after the person has touched it (else it is refused, with an error)
  const touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
  if (buzz && navigator.vibrate && touched) navigator.vibrate([300, 120, 300]);
  return fresh;
}

function enqueue(kind, id, action, label, body = {}, quiet = false) {
  const queue = load(KEY.queue, []);
  queue.push({ key: key(), path: `/api/field/${kind}/${id}/${action}`, target: id, action, label, quiet,
    body: { ...body, occurred_at: new Date().toISOString() } });
  save(KEY.queue, queue);
}

function act(kind, id, action, label, body = {}) {
  enqueue(kind, id, action, label, body);
  confirming = null;
  delete drafts[`${id}:${action}`];
  render();
  flush();
}

// The stream: a "changed" frame says something of this person's changed, and the page reads /me again. While it
// is open the page does not poll; lost, the browser reconnects (and the page polls until it is back); refused
// (a revoked token, too many open), it stays closed and the poll goes on.
let stream = null; let revoked = false; let soon = null;
const streaming = () => stream !== null && stream.readyState === EventSource.OPEN;

function listen() {
  const token = localStorage.getItem(KEY.token);
  if (!token || revoked || typeof EventSource === "undefined") return;
  if (stream && stream.readyState !== EventSource.CLOSED) return;
  stream = new EventSource(`/api/field/stream?token=${encodeURIComponent(token)}`);
  const changed = () => { clearTimeout(soon); soon = setTimeout(refresh, DEBOUNCE_MS); };
  stream.addEventListener("open", () => { render(); changed(); }); // what changed while it was away
  stream.addEventListener("changed", changed);
  stream.addEventListener("revoked", () => { revoked = true; stream.close(); render(); refresh(); });
  stream.addEventListener("error", render);
}

let flushing = false;
async function flush() {
  const token = localStorage.getItem(KEY.token);
  if (flushing || !token) return;
  flushing = true;
  try {
    let queue = load(KEY.queue, []);
    while (queue.length) {
      const item = queue[0];
      let answer;
      try {
        answer = await fetch(item.path, { method: "POST", body: JSON.stringify(item.body), headers: {
          Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": item.key,
          ...speaks() } });
      } catch { break; } // no network: it stays queued, in order
      const reply = await answer.json().catch(() => ({}));
      if (!answer.ok && (reply.retryable || answer.status >= 500)) break; // try again later, same key
      if (!item.quiet) { // a delivery receipt is the page's own business, not the person's
        const outcomes = load(KEY.outcomes, []);
        outcomes.unshift({ ...item, outcome: answer.ok ? "done" : "refused", message: answer.ok ? null : reply.message,
          late: Boolean(reply.late), arrived: new Date().toISOString() });
        save(KEY.outcomes, outcomes.slice(0, 50));
      }
      queue = load(KEY.queue, []).filter((queued) => queued.key !== item.key);
      save(KEY.queue, queue);
    }
  } finally { flushing = false; }
  await refresh();
}

function notice(text) { const box = $("notice"); box.textContent = text || ""; box.hidden = !text; }

function confirmable(id, action, label, onConfirm) {
  if (confirming === `${id}:${action}`) {
    return [el("button", { class: "act", type: "button", "data-action": `confirm-${action}`, onclick: onConfirm },
      t(action === "check-in" ? "confirm_in" : "confirm_out")),
    el("button", { class: "act secondary", type: "button", onclick: () => { confirming = null; render(); } }, t("cancel"))];
  }
  return [el("button", { class: "act", type: "button", "data-action": action,
    onclick: () => { confirming = `${id}:${action}`; render(); } }, label)];
}

function draft(name, label) { // a text box whose words survive the page being drawn again
  return el("textarea", { "aria-label": label, placeholder: label, "data-draft": name,
    oninput: (event) => { drafts[name] = event.target.value; } }, drafts[name] ?? "");
}

function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds)); const m = Math.floor(s / 60); const h = Math.floor(m / 60);
  if (lang === "zh") return h ? `${h}小时${m % 60}分` : m ? `${m}分${s % 60}秒` : `${s}秒`;
  return h ? `${h} h ${m % 60} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

function since(seconds, me, open) { // a duration that goes on growing while the roll call is open
  const attrs = { class: "since" };
  if (open) { attrs["data-from"] = seconds; attrs["data-at"] = me.fetched_at; }
  return el("span", attrs, duration(seconds));
}

function tick() {
  for (const node of document.querySelectorAll(".since[data-from]")) {
    node.textContent = duration(Number(node.dataset.from) + (Date.now() - Number(node.dataset.at)) / 1000);
  }
}

function commandCard(subject, queue, me) {
  const id = subject.subject_id;
  const roll = subject.roll_call;
  const open = Boolean(roll && !roll.closed_at);
  const pending = queue.some((item) => item.target === id && !item.quiet);
  const action = open ? "close" : "call";
  const actions = pending ? [] : confirming === `${id}:${action}-roll`
    ? [el("button", { class: "act", type: "button", "data-action": `confirm-${action}-roll`,
      onclick: () => act("command", id, open ? "roll-call/close" : "roll-call", `${action}_roll`) },
    t(`confirm_${action}`)),
    el("button", { class: "act secondary", type: "button", onclick: () => { confirming = null; render(); } }, t("cancel"))]
    : [el("button", { class: open ? "act secondary" : "act", type: "button", "data-action": `${action}-roll`,
      onclick: () => { confirming = `${id}:${action}-roll`; render(); } }, t(`${action}_roll`))];
  const people = (list, label, cls, seconds) => list.length ? [el("div", { class: "meta" }, `${label} ${list.length}`),
    el("ul", { class: `roll ${cls}` }, list.map((person) => el("li", { "data-person": person.person_id },
      `${person.name} · `, seconds(person))))] : [];
  return el("article", { class: `card${open ? " scanned" : ""}`, "data-command": id },
    el("h3", {}, subject.name),
    el("div", { class: "meta" }, t(subject.subject_kind)),
    roll ? el("div", { class: "meta" }, `${fill("roll_number", roll.number)} · ${t("called_at")} ${when(roll.called_at)}`
      + (open ? "" : ` · ${t("roll_closed")}`)) : el("div", { class: "meta" }, t("no_roll")),
    roll ? people(roll.unaccounted, t("unaccounted"), "unaccounted",
      (p) => [`${t("waiting_for")} `, since(p.for_seconds, me, open)]) : null,
    roll ? people(roll.accounted, t("accounted"), "accounted", (p) => `${t("after")} ${duration(p.after_seconds)}`) : null,
    pending ? el("span", { class: "status", "data-status": "pending" }, TEXT[lang].status.pending) : null,
    actions.length ? el("div", { class: "actions" }, actions) : null);
}

function notificationCard(note, queue, banner) {
  const pending = queue.some((item) => item.target === note.id && item.action === "acknowledge");
  const level = note.level ? ` · ${fill("level", note.level)}` : "";
  return el("article", { class: `card note ${banner ? "alert" : ""}`, "data-notification": note.id, "data-state": note.state },
    el("div", { class: "meta" }, `${TEXT[lang].kind[note.kind] ?? note.kind} · ${when(note.sent_at)}${level}`),
    el("h3", {}, note.title),
    note.body ? el("div", {}, note.body) : null,
    note.due_at && unanswered(note) ? el("div", { class: "meta" }, `${t("due")} ${when(note.due_at)}`) : null,
    el("span", { class: "status", "data-status": pending ? "pending" : note.state },
      pending ? TEXT[lang].status.pending : TEXT[lang].nstate[note.state] ?? note.state),
    banner && !pending ? el("div", { class: "actions" }, el("button", { class: "act", type: "button",
      "data-action": "acknowledge-notification",
      onclick: () => act("notifications", note.id, "acknowledge", "ack_notification") }, t("ack_notification"))) : null);
}

function shiftCard(shift, queue, scanned) {
  const pending = queue.filter((item) => item.target === shift.id);
  const status = pending.length ? "pending" : shift.status;
  const atPost = scanned && scanned === shift.post_code ? scanned : undefined;
  const actions = [];
  if (!pending.length && shift.status === "assigned") {
    actions.push(...confirmable(shift.id, "check-in", t("check_in"),
      () => act("shifts", shift.id, "check-in", "check_in", atPost ? { at_post: atPost } : {})));
  }
  if (!pending.length && shift.status === "checked_in") {
    actions.push(...confirmable(shift.id, "check-out", t("check_out"),
      () => act("shifts", shift.id, "check-out", "check_out")));
  }
  const handing = confirming === `${shift.id}:hand-over` && !pending.length;
  const note = draft(`${shift.id}:hand-over`, t("handover_note"));
  if (!pending.length && !shift.handed_over && ["checked_in", "checked_out"].includes(shift.status) && !handing) {
    actions.push(el("button", { class: "act secondary", type: "button", "data-action": "hand-over",
      onclick: () => { confirming = `${shift.id}:hand-over`; render(); } }, t("hand_over")));
  }
  return el("article", { class: `card${atPost ? " scanned" : ""}`, "data-shift": shift.id },
    el("h3", {}, shift.site),
    el("div", { class: "meta" }, `${t("lane")} ${shift.lane} · ${TEXT[lang].post[shift.post] ?? shift.post}`),
    el("div", { class: "meta" }, `${when(shift.start)} – ${when(shift.end)}`),
    el("span", { class: "status", "data-status": status }, TEXT[lang].status[status] ?? status),
    shift.handed_over ? el("span", { class: "status" }, t("handed_over")) : null,
    actions.length ? el("div", { class: "actions" }, actions) : null,
    handing ? el("div", { class: "actions" }, note, el("button", { class: "act", type: "button",
      "data-action": "confirm-hand-over", onclick: () => note.value.trim()
        && act("shifts", shift.id, "hand-over", "hand_over", { notes: note.value.trim() }) }, t("send_handover")),
    el("button", { class: "act secondary", type: "button", onclick: () => { confirming = null; render(); } },
      t("cancel"))) : null);
}

function dispatchCard(order, queue) {
  const pending = queue.some((item) => item.target === order.id);
  const actions = pending ? [] : order.steps.map((step) => step === "decline"
    ? el("button", { class: "act secondary", type: "button", "data-action": "decline",
      onclick: () => { confirming = `${order.id}:decline`; render(); } }, t("decline"))
    : el("button", { class: "act", type: "button", "data-action": step,
      onclick: () => act("dispatches", order.id, step, step) }, t(step)));
  const declining = confirming === `${order.id}:decline` && !pending;
  const reason = draft(`${order.id}:decline`, t("reason"));
  return el("article", { class: "card", "data-dispatch": order.id },
    el("h3", {}, order.task),
    el("div", { class: "meta" }, [order.subject, order.site].filter(Boolean).join(" · ")),
    el("span", { class: "status" }, pending ? TEXT[lang].status.pending : TEXT[lang].state[order.state] ?? order.state),
    actions.length ? el("div", { class: "actions" }, actions) : null,
    declining ? el("div", { class: "actions" }, reason, el("button", { class: "act", type: "button",
      "data-action": "confirm-decline", onclick: () => reason.value.trim()
        && act("dispatches", order.id, "decline", "decline", { reason: reason.value.trim() }) }, t("send_decline"))) : null);
}

function render() {
  const typing = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.draft : null;
  draw();
  const again = typing && document.querySelector(`textarea[data-draft="${typing}"]`);
  if (again) { again.focus(); again.setSelectionRange(again.value.length, again.value.length); }
}

function draw() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  $("lang").textContent = t("lang");
  const online = navigator.onLine;
  const live = online && streaming();
  $("net").textContent = t(online ? "online" : "offline") + (live ? ` · ${t("live")}` : "");
  $("net").className = online ? "net" : "net off";
  $("net").dataset.live = live ? "1" : "0";
  const token = localStorage.getItem(KEY.token);
  $("signin").hidden = Boolean(token);
  const me = load(KEY.me, null);
  const queue = load(KEY.queue, []);
  const scanned = sessionStorage.getItem(KEY.post);
  if (me) $("who").textContent = `${t("title")} · ${me.person.name}`;
  const shifts = me ? me.shifts : [];
  if (scanned && me && !shifts.some((shift) => shift.post_code === scanned)) notice(t("wrong_post"));
  else if (sessionStorage.getItem("stale")) notice(t("stale"));
  else notice("");
  $("shifts").replaceChildren(...(shifts.length ? shifts.map((s) => shiftCard(s, queue, scanned))
    : [el("p", { class: "empty" }, t("none_shifts"))]));
  const rolls = (me && me.roll_calls ? me.roll_calls : []).filter((r) => !queue.some((q) => q.target === r.subject_id));
  $("rolls").hidden = !rolls.length;
  $("roll_calls").replaceChildren(...rolls.map((roll) => el("article", { class: "card scanned", "data-roll": roll.subject_id },
    el("h3", {}, `${t("roll_call")} · ${roll.name}`), el("div", { class: "meta" }, `${t("called_at")} ${when(roll.called_at)}`),
    el("div", { class: "actions" }, el("button", { class: "act", type: "button", "data-action": "answer",
      onclick: () => act("roll-calls", roll.subject_id, "answer", "answer_roll") }, t("answer_roll"))))));
  const notes = notifications(me);
  const alerts = notes.filter(unanswered);
  $("alerts").hidden = !alerts.length;
  $("alerts").replaceChildren(...alerts.map((note) => notificationCard(note, queue, true)));
  $("inbox").hidden = !me || !Array.isArray(me.notifications);
  $("notifications").replaceChildren(...(notes.length ? notes.map((note) => notificationCard(note, queue, false))
    : [el("p", { class: "empty" }, t("none_notifications"))]));
  const commanding = me && Array.isArray(me.commanding) ? me.commanding : [];
  $("command").hidden = !commanding.length;
  $("commanding").replaceChildren(...commanding.map((subject) => commandCard(subject, queue, me)));
  const orders = me ? me.dispatches : [];
  $("dispatches").replaceChildren(...(orders.length ? orders.map((o) => dispatchCard(o, queue))
    : [el("p", { class: "empty" }, t("none_dispatches"))]));
  const shown = queue.filter((item) => !item.quiet);
  $("queue").replaceChildren(...(shown.length ? shown.map((item) => el("li", { class: "pending" },
    `${t(item.label)} · ${t("sent_at")} ${when(item.body.occurred_at)} · ${t("queued")}`))
    : [el("li", { class: "empty" }, t("none_queue"))]));
  const outcomes = load(KEY.outcomes, []);
  $("outcomes").replaceChildren(...(outcomes.length ? outcomes.map((item) => el("li",
    { class: item.outcome, "data-outcome": item.outcome },
    `${t(item.label)} · ${t(item.outcome)} · ${t("sent_at")} ${when(item.body.occurred_at)}`,
    item.message ? el("div", { class: "meta" }, item.message) : null))
    : [el("li", { class: "empty" }, t("none_outcomes"))]));
}

$("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem(KEY.lang, lang); render(); });
addEventListener("online", () => { render(); flush(); listen(); });
addEventListener("offline", render);
setInterval(() => { // the poll: only while no stream is open, or something waits to be sent
  if (!streaming() || load(KEY.queue, []).length) flush();
  if (!streaming()) listen();
}, POLL_MS);
setInterval(tick, 1000);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/field/sw.js", { scope: "/field" }).catch(() => {});
takeUrl();
render();
flush();
listen();
