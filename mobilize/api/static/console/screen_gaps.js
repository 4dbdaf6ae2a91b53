// The gaps board: short shifts → ranked candidates → assign (with a written reason where a rule needs an
// override); attendance on each shift: check in, check out, no-show, and a stand-in in the no-show's place.
import { newAction, perform, placeOf, refusalHost, showRefusal } from "./api.js";
import { t, w } from "./i18n.js";
import { badge, button, cst, drillBadge, el, empty, field, formDialog, incidentFilter, openDialog } from "./ui.js";

export const listens = ["Shift", "TestingSite", "Person", "Incident"];

let shortOnly = true;
let onlyIncident = null;

export async function render(ctx, root) {
  const [totals, shifts, incidents] = await Promise.all([ctx.get("/gaps/incidents", { limit: 1000 }),
    ctx.all("/shifts", { short: shortOnly ? "true" : undefined, incident: onlyIncident }), ctx.all("/incidents")]);
  const drill = new Map(incidents.map((i) => [i.id, i.exercise]));
  root.append(kpis(totals.items.map((r) => ({ ...r, exercise: r.exercise ?? drill.get(r.incident_id) ?? false }))));
  const toggle = el("input", { type: "checkbox", name: "short-only", checked: shortOnly });
  toggle.addEventListener("change", () => { shortOnly = toggle.checked; ctx.refresh(); });
  root.append(el("div", { class: "toolbar" }, incidentFilter(incidents, onlyIncident,
    (id) => { onlyIncident = id; ctx.refresh(); }), el("label", { class: "check" }, toggle, t("shortOnly"))));
  const live = shifts.filter((s) => s.state !== "ended");
  root.append(live.length ? el("ul", { class: "rows" }, ...live.map((s) => row(ctx, s))) : empty());
}

function kpis(rows) { // real and drill figures side by side, never summed
  const now = rows.filter((r) => r.window === "now");
  const sum = (list, key) => list.reduce((total, r) => total + (r[key] || 0), 0);
  const card = (label, list, kind) => el("div", { class: `kpis ${kind}` }, el("span", { class: "label" }, label),
    ...["required", "have", "need"].map((key) => el("span", { class: `kpi ${key}` },
      el("small", {}, t(key === "required" ? "required_" : key)), el("b", {}, sum(list, key)))));
  const drills = now.filter((r) => r.exercise === true);
  return el("div", { class: "kpi-row" }, card(t("real"), now.filter((r) => r.exercise !== true), "real"),
    drills.length ? card(t("drill"), drills, "drill") : null);
}

function row(ctx, shift) {
  const mine = ctx.canTouch(shift.grid_id);
  const people = (shift.people || []).map((p) => person(ctx, shift, p, mine));
  return el("li", { class: `row${shift.short ? " short" : ""}${shift.exercise ? " exercise" : ""}`,
    "data-shift": shift.id },
  el("div", { class: "main" }, el("strong", {}, shift.site_name), drillBadge(shift.exercise),
    el("span", {}, `${t("lane")} ${shift.lane} · ${w(shift.post)}`), el("span", {}, `${cst(shift.start)} – ${cst(shift.end)}`),
    badge(`${t("filled")} ${shift.filled}/${shift.slots}`, shift.short ? "need" : "ok"), badge(w(shift.state), shift.state)),
  people.length ? el("ul", { class: "people" }, ...people) : null,
  el("div", { class: "actions" }, mine && shift.filled < shift.slots ? button(t("candidates"), { class: "act primary",
    "data-act": "candidates", onclick: () => candidates(ctx, shift) }) : null),
  refusalHost(`shift:${shift.id}`));
}

const ATTEND = { assigned: ["check-in", "no-show"], checked_in: ["check-out"], no_show: ["stand-in"] };
const ATTEND_LABEL = { "check-in": "checkIn", "check-out": "checkOut", "no-show": "noShow", "stand-in": "standIn" };

function person(ctx, shift, p, mine) {
  const id = `attend:${shift.id}:${p.person_id}`;
  const moves = mine ? ATTEND[p.status] || [] : [];
  return el("li", { "data-person": p.person_id }, el("span", {}, p.name), badge(w(p.status), p.status),
    ...moves.map((move) => button(t(ATTEND_LABEL[move]), { class: "act small", "data-act": move,
      onclick: (event) => attend(ctx, shift, p, move, event.currentTarget) })), refusalHost(id));
}

async function attend(ctx, shift, p, move, control) {
  const id = `${move}:${shift.id}:${p.person_id}`;
  const host = placeOf(`attend:${shift.id}:${p.person_id}`);
  if (move === "stand-in") { // the no-show leaves the slot, then a candidate takes it
    const freed = await perform(id, control, host, (post) => post(`/shifts/${shift.id}/unassign`,
      { person_id: p.person_id, reason: `${t("noShow")}: ${p.name}` }));
    if (freed) candidates(ctx, { ...shift, filled: shift.filled - 1 }, t("standInReason"));
    return;
  }
  if (await perform(id, control, host, (post) => post(`/shifts/${shift.id}/${move}`, { person_id: p.person_id }))) {
    ctx.refresh();
  }
}

async function candidates(ctx, shift, reason) {
  const list = el("div", { class: "list" });
  const everyone = el("input", { type: "checkbox", name: "all" });
  const body = el("div", { class: "candidates" },
    el("p", {}, `${shift.site_name} · ${t("lane")} ${shift.lane} · ${w(shift.post)} · ${cst(shift.start)} – ${cst(shift.end)}`),
    el("label", { class: "check" }, everyone, t("showAll")), list);
  const opened = openDialog(t("candidates"), body, "candidates");
  const load = async () => {
    const page = await ctx.get(`/shifts/${shift.id}/candidates`, { limit: 50, all: everyone.checked || undefined });
    const blocked = el("div", { class: "refusal-host" });
    if (page.shift?.blocked) showRefusal(blocked, { ...page.shift.blocked, retryable: false });
    list.replaceChildren(blocked, page.items.length ? el("ol", { class: "rows" }, ...page.items.map((c) =>
      candidate(ctx, shift, c, reason, () => opened.close()))) : empty());
  };
  everyone.addEventListener("change", () => load().catch((error) => showRefusal(list, error)));
  await load();
}

function candidate(ctx, shift, c, reason, closeList) {
  const needs = c.needs_override || [];
  const action = newAction(`assign:${shift.id}:${c.person_id}`);
  const host = el("div", { class: "refusal-host" });
  const go = button(t("assign"), { class: "act primary", "data-act": "assign", onclick: () => {
    if (needs.length) { override(ctx, shift, c, reason, closeList); return; }
    assign(ctx, shift, c, { reason: reason || null }, action, go, host, closeList);
  } });
  const refused = c.assignable === false;
  if (refused && c.refusal) showRefusal(host, { ...c.refusal, retryable: false });
  return el("li", { class: `row candidate${needs.length ? " needs-override" : ""}${refused ? " unassignable" : ""}`,
    "data-person": c.person_id, "data-name": c.name },
  el("div", { class: "main" }, el("strong", {}, c.name), el("span", {}, c.home_grid_name || ""),
    badge(t(`nearness.${c.nearness}`), c.nearness), el("span", {}, `${t("hoursWorked")}: ${c.hours_in_incident}`),
    ...needs.map((rule) => badge(`${t("needsOverride")}: ${w(rule)}`, "override")),
    el("small", { class: "muted" }, (c.reasons || []).join("; "))),
  el("div", { class: "actions" }, ctx.canWrite && !refused ? go : null), host);
}

function override(ctx, shift, c, reason, closeList) {
  const text = el("textarea", { name: "override_reason", required: true, maxlength: 2000, rows: 3 });
  const action = newAction(`assign:${shift.id}:${c.person_id}`);
  formDialog(`${t("overrideReason")} · ${c.name}`, "override", [el("p", { class: "hint" }, t("overrideHint")),
    el("p", {}, (c.needs_override || []).map(w).join("、")), field(t("overrideReason"), text)],
  async (form, ok, host, close) => {
    if (!text.value.trim()) { text.setCustomValidity(t("reasonRequired")); text.reportValidity(); return; }
    const body = { override_reason: text.value.trim(), reason: reason || null };
    if (await assign(ctx, shift, c, body, action, ok, host, closeList)) close();
  });
  text.addEventListener("input", () => text.setCustomValidity(""));
}

async function assign(ctx, shift, c, extra, action, control, host, closeList) {
  const done = await perform(action, control, host, (post) => post(`/shifts/${shift.id}/assignments`,
    { person_id: c.person_id, ...extra }));
  if (done) { closeList(); ctx.refresh(); }
  return done;
}
