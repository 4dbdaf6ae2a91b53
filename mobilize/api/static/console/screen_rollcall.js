// Roll call (点名, PAR): call the roll of a site or task force, watch who answers (and after how long) and who not
// yet (ticking), close it; the last roll call stays shown. Polls while one is open; the stream re-reads it too.
import { perform, placeOf, Refusal, refusalHost } from "./api.js";
import { t } from "./i18n.js";
import { badge, button, cst, el, empty, field } from "./ui.js";

export const roles = ["operator", "auditor"];
export const listens = ["RollCall"];

const POLL_MS = 3000;
let chosen = null;
let generation = 0;

export async function render(ctx, root) {
  const [sites, forces] = await Promise.all([ctx.all("/sites"), ctx.all("/task-forces")]);
  const live = sites.filter((s) => s.state !== "closed");
  const teams = forces.filter((f) => f.state !== "disbanded");
  const subjects = new Map([...live.map((s) => [s.id, { id: s.id, name: s.name, unit: s.grid_id, kind: "site" }]),
    ...teams.map((f) => [f.id, { id: f.id, name: f.name, unit: f.unit_id, kind: "task_force" }])]);
  if (!subjects.has(chosen)) chosen = subjects.size ? subjects.keys().next().value : null;
  const picker = el("select", { name: "subject" },
    live.length ? el("optgroup", { label: t("sitesGroup") }, ...live.map((s) =>
      el("option", { value: s.id, selected: s.id === chosen }, `${s.name} · ${s.grid_name}`))) : null,
    teams.length ? el("optgroup", { label: t("forcesGroup") }, ...teams.map((f) =>
      el("option", { value: f.id, selected: f.id === chosen }, `${f.name} · ${f.unit_name}`))) : null);
  picker.addEventListener("change", () => { chosen = picker.value; ctx.refresh(); });
  root.append(el("div", { class: "toolbar" }, field(t("rollSubject"), picker)));
  if (!chosen) { root.append(empty(t("noSubjects"))); return; }
  const subject = subjects.get(chosen);
  const panel = el("section", { class: "panel roll", "data-roll": subject.id, "data-kind": subject.kind });
  root.append(panel);
  const mine = ++generation;
  show(ctx, panel, subject, await read(ctx, subject.id));
  watch(ctx, panel, subject, mine);
}

async function read(ctx, id) { // the latest roll call, or null when none was ever called
  try {
    return { status: await ctx.get(`/roll-calls/${id}`), at: Date.now() };
  } catch (error) {
    if (error instanceof Refusal && error.status === 404) return { status: null, at: Date.now() };
    throw error;
  }
}

function show(ctx, panel, subject, { status, at }) {
  const open = Boolean(status && !status.closed_at);
  const place = `roll:${subject.id}`;
  const actions = ctx.canTouch(subject.unit) ? [
    button(status ? t("callAgain") : t("callRoll"), { class: open ? "act" : "act primary", "data-act": "call",
      onclick: (event) => act(ctx, subject, "call", event.currentTarget) }),
    open ? button(t("closeRoll"), { class: "act danger", "data-act": "close",
      onclick: (event) => act(ctx, subject, "close", event.currentTarget) }) : null] : [];
  const held = panel.querySelector(".refusal-host");
  panel.replaceChildren(
    el("header", { class: "roll-head" }, el("h2", {}, `${t("rollCall")} · ${subject.name}`),
      status ? badge(open ? t("rollOpen") : t("rollClosed"), open ? "open" : "closed") : null),
    status ? el("p", { class: "muted roll-when" }, `#${status.number} · ${t("calledAt")} ${cst(status.called_at)}`
      + (status.closed_at ? ` · ${t("closedAt")} ${cst(status.closed_at)}` : "")) : el("p", { class: "muted" },
      t("neverCalled")),
    el("div", { class: "actions roll-actions" }, ...actions),
    held && held.dataset.action === place ? held : refusalHost(place));
  if (!status) return;
  const total = status.accounted.length + status.unaccounted.length;
  panel.append(el("p", { class: "kpis roll-count" }, el("span", { class: "kpi" }, el("b", { "data-count": "accounted" },
    `${status.accounted.length}/${total}`), t("accounted")), el("span", { class: "kpi need" },
    el("b", { "data-count": "unaccounted" }, String(status.unaccounted.length)), t("unaccounted"))));
  panel.append(el("div", { class: "grid2" },
    el("div", { class: "roll-list", "data-list": "unaccounted" }, el("h3", {}, t("unaccounted")),
      status.unaccounted.length ? el("ul", { class: "rows compact" }, ...status.unaccounted.map((p) =>
        el("li", { class: "row short", "data-person": p.person_id }, el("strong", {}, p.name),
          el("span", { class: "ticking", "data-seconds": p.for_seconds, "data-since": at,
            "data-ticks": open ? "yes" : "no" }, duration(p.for_seconds))))) : empty(t("allAccounted"))),
    el("div", { class: "roll-list", "data-list": "accounted" }, el("h3", {}, t("accounted")),
      status.accounted.length ? el("ul", { class: "rows compact" }, ...status.accounted.map((p) =>
        el("li", { class: "row", "data-person": p.person_id }, el("strong", {}, p.name),
          el("span", { class: "ok" }, `${t("answeredAfter")} ${duration(p.after_seconds)}`),
          el("small", { class: "muted" }, cst(p.answered_at))))) : empty())));
}

function watch(ctx, panel, subject, mine) { // poll while open, tick every second; stop once the panel is gone
  let seen = false, polled = Date.now();
  const timer = setInterval(async () => {
    if (panel.isConnected) seen = true;
    if (mine !== generation || (seen && !panel.isConnected)) { clearInterval(timer); return; }
    for (const node of panel.querySelectorAll('.ticking[data-ticks="yes"]')) {
      node.textContent = duration(Number(node.dataset.seconds) + (Date.now() - Number(node.dataset.since)) / 1000);
    }
    const open = panel.querySelector('.ticking[data-ticks="yes"]') || panel.querySelector('[data-act="close"]');
    if (!open || Date.now() - polled < POLL_MS) return;
    polled = Date.now();
    try {
      const fresh = await read(ctx, subject.id);
      if (mine === generation && panel.isConnected) show(ctx, panel, subject, fresh);
    } catch { /* a missed poll: the next one tries again */ }
  }, 1000);
}

async function act(ctx, subject, move, control) {
  const path = move === "call" ? `/roll-calls/${subject.id}` : `/roll-calls/${subject.id}/close`;
  const done = await perform(`${move}-roll:${subject.id}`, control, placeOf(`roll:${subject.id}`),
    (post) => post(path, {}));
  if (done) ctx.refresh();
}

/** "3分05秒" / "3m 05s"; past an hour "1时02分" / "1h 02m". */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (n) => String(n).padStart(2, "0");
  if (h) return `${h}${t("hourUnit")}${pad(m)}${t("minuteUnit")}`;
  return `${m}${t("minuteUnit")}${pad(r)}${t("secondUnit")}`;
}
