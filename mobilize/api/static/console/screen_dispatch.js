// Dispatch a task force or a person, and move the order through its states (decline and recall need a reason).
import { newAction, perform, placeOf, refusalHost } from "./api.js";
import { t, w } from "./i18n.js";
import { badge, button, cst, drillBadge, el, empty, field, formDialog, personPicker, select } from "./ui.js";

export const listens = ["Dispatch", "TaskForce", "Incident"];

const STEPS = { requested: ["acknowledge", "decline", "recall"], acknowledged: ["set-out", "recall"],
  en_route: ["arrive", "recall"], on_scene: ["release", "recall"] };
const LABEL = { acknowledge: "acknowledge", decline: "decline", "set-out": "setOut", arrive: "arrive",
  release: "release", recall: "recall" };

export async function render(ctx, root) {
  const [dispatches, incidents, sites] = await Promise.all([ctx.all("/dispatches"), ctx.all("/incidents"),
    ctx.all("/sites")]);
  const incidentOf = new Map(incidents.map((i) => [i.id, i]));
  const siteOf = new Map(sites.map((s) => [s.id, s]));
  if (ctx.canWrite) {
    root.append(el("div", { class: "toolbar" }, button(t("newDispatch"), { class: "primary", "data-act": "dispatch",
      onclick: () => dispatch(ctx, incidents.filter((i) => i.state === "open"), sites) })));
  }
  root.append(dispatches.length ? el("ul", { class: "rows" }, ...dispatches.map((d) => row(ctx, d,
    incidentOf.get(d.incident_id), siteOf.get(d.site_id)))) : empty());
}

function mayMove(ctx, incident, site) {
  if (site) return ctx.canTouch(site.grid_id);
  return Boolean(incident) && ctx.canTouch(incident.scope_unit_id);
}

function row(ctx, d, incident, site) {
  const id = `dispatch:${d.dispatch_id}`;
  const exercise = d.exercise ?? incident?.exercise;
  const steps = mayMove(ctx, incident, site) ? STEPS[d.state] || [] : [];
  return el("li", { class: `row${exercise ? " exercise" : ""}`, "data-dispatch": d.dispatch_id, "data-subject": d.subject },
    el("div", { class: "main" }, el("strong", {}, d.subject), el("span", {}, w(d.kind)), drillBadge(exercise),
      badge(w(d.state), d.state), el("span", {}, d.task),
      el("span", {}, `${incident?.title || ""}${site ? ` · ${site.name}` : ""}`),
      el("small", { class: "muted" }, `${t("since")} ${cst(d.since)}`)),
    el("div", { class: "actions" }, ...steps.map((step) => button(t(LABEL[step]), {
      class: `act${step === "recall" || step === "decline" ? " danger" : ""}`, "data-act": step,
      onclick: (event) => move(ctx, d, step, event.currentTarget) }))), refusalHost(id));
}

function move(ctx, d, step, control) {
  const id = `dispatch:${d.dispatch_id}`;
  if (step === "decline" || step === "recall") { // the reason is required and recorded on the event
    const reason = el("textarea", { name: "reason", required: true, rows: 2, maxlength: 2000 });
    const action = newAction(`${step}:${d.dispatch_id}`);
    formDialog(`${t(LABEL[step])} · ${d.subject}`, step, [field(t("reason"), reason)], async (form, ok, host, close) => {
      if (await perform(action, ok, host, (post) => post(`/dispatches/${d.dispatch_id}/${step}`,
        { reason: reason.value.trim() }))) { close(); ctx.refresh(); }
    });
    return;
  }
  perform(`${step}:${d.dispatch_id}`, control, placeOf(id), (post) => post(`/dispatches/${d.dispatch_id}/${step}`, {}))
    .then((done) => done && ctx.refresh());
}

async function dispatch(ctx, incidents, sites) {
  const forces = await ctx.all("/task-forces", { state: "ready" });
  const kind = select("subject_kind", [["task_force", t("taskForce")], ["person", t("person")]]);
  const force = select("task_force", forces.map((f) => [f.id, `${f.name} · ${f.unit_name} (${f.member_count})`]));
  const picker = personPicker(ctx.get, { name: "subject" });
  const forceField = field(t("taskForce"), force), personField = field(t("person"), picker.node);
  personField.hidden = true;
  kind.addEventListener("change", () => {
    forceField.hidden = kind.value !== "task_force";
    personField.hidden = kind.value !== "person";
  });
  const incident = select("incident", incidents.map((i) => [i.id, `${i.exercise ? `[${t("drill")}] ` : ""}${i.title}`]));
  const site = el("select", { name: "site" });
  const fillSites = () => site.replaceChildren(el("option", { value: "" }, "—"), ...sites
    .filter((s) => s.incident_id === incident.value && s.state !== "closed")
    .map((s) => el("option", { value: s.id }, s.name)));
  incident.addEventListener("change", fillSites);
  fillSites();
  const task = el("input", { type: "text", name: "task", required: true, maxlength: 500 });
  const action = newAction("dispatch");
  formDialog(t("newDispatch"), "dispatch", [field(t("subjectKind"), kind), forceField, personField,
    field(t("incident"), incident), field(t("site"), site), field(t("task"), task)], async (form, ok, host, close) => {
    const body = { subject_kind: kind.value, subject_id: kind.value === "person" ? picker.value() : force.value,
      incident_id: incident.value, site_id: site.value || null, task: task.value.trim() };
    if (await perform(action, ok, host, (post) => post("/dispatches", body))) { close(); ctx.refresh(); }
  });
}
