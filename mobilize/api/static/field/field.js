// The field page: one person's shifts and dispatches, acted on with their own token; what is sent offline waits
// on the device (with its own Idempotency-Key and the device's time) and goes when the network returns.
const KEY = { token: "mobilize.field.token", lang: "mobilize.field.lang", me: "mobilize.field.me",
  queue: "mobilize.field.queue", outcomes: "mobilize.field.outcomes", post: "mobilize.field.post" };

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
    send_handover: "确认交接", handed_over: "已交接",
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
    stale: "Offline: showing what was last synced", lang: "中文",
    status: { assigned: "to check in", checked_in: "checked in", checked_out: "checked out", no_show: "no-show",
      pending: "waiting to send" },
    state: { requested: "awaiting your answer", acknowledged: "acknowledged", en_route: "en route",
      on_scene: "on scene", declined: "declined" },
    post: { sampler: "sampler", registrar: "registrar", marshal: "marshal", first_aid: "first aid",
      disinfection: "disinfection", driver: "driver" } },
};

let lang = localStorage.getItem(KEY.lang) === "en" ? "en" : "zh";
let confirming = null; // the action awaiting its confirmation: "<kind>:<id>:<action>"
const t = (name) => TEXT[lang][name] ?? name;
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
    const answer = await fetch("/api/field/me", { headers: { Authorization: `Bearer ${token}` } });
    if (answer.ok) { save(KEY.me, await answer.json()); sessionStorage.removeItem("stale"); }
    else if (answer.status === 401) notice((await answer.json()).message);
  } catch { sessionStorage.setItem("stale", "1"); }
  render();
}

function act(kind, id, action, label, body = {}) {
  const queue = load(KEY.queue, []);
  queue.push({ key: key(), path: `/api/field/${kind}/${id}/${action}`, target: id, action, label,
    body: { ...body, occurred_at: new Date().toISOString() } });
  save(KEY.queue, queue);
  confirming = null;
  render();
  flush();
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
          Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": item.key } });
      } catch { break; } // no network: it stays queued, in order
      const reply = await answer.json().catch(() => ({}));
      if (!answer.ok && (reply.retryable || answer.status >= 500)) break; // try again later, same key
      const outcomes = load(KEY.outcomes, []);
      outcomes.unshift({ ...item, outcome: answer.ok ? "done" : "refused", message: answer.ok ? null : reply.message,
        late: Boolean(reply.late), arrived: new Date().toISOString() });
      save(KEY.outcomes, outcomes.slice(0, 50));
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
  const note = el("textarea", { "aria-label": t("handover_note"), placeholder: t("handover_note") });
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
  const reason = el("textarea", { "aria-label": t("reason"), placeholder: t("reason") });
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
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  $("lang").textContent = t("lang");
  const online = navigator.onLine;
  $("net").textContent = t(online ? "online" : "offline");
  $("net").className = online ? "net" : "net off";
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
  const orders = me ? me.dispatches : [];
  $("dispatches").replaceChildren(...(orders.length ? orders.map((o) => dispatchCard(o, queue))
    : [el("p", { class: "empty" }, t("none_dispatches"))]));
  $("queue").replaceChildren(...(queue.length ? queue.map((item) => el("li", { class: "pending" },
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
addEventListener("online", () => { render(); flush(); });
addEventListener("offline", render);
setInterval(flush, 15000);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/field/sw.js", { scope: "/field" }).catch(() => {});
takeUrl();
render();
flush();
