// Incidents: declare, escalate, close; drills listed apart from real incidents and marked on every row.
import { newAction, perform, refusalHost } from "./api.js";
import { t, w } from "./i18n.js";
import { badge, button, cst, drillBadge, el, empty, field, formDialog, select, vocabOptions } from "./ui.js";

export const listens = ["Incident"];

const KINDS = ["mass_testing_drive", "quarantine_hotel_duty", "isolation_transfer", "building_safety_sweep", "other"];

export async function render(ctx, root) {
  const items = await ctx.all("/incidents");
  if (ctx.canWrite) {
    root.append(el("div", { class: "toolbar" }, button(t("declare"), { class: "primary", "data-act": "declare",
      onclick: () => declare(ctx) })));
  }
  const real = items.filter((i) => !i.exercise), drills = items.filter((i) => i.exercise);
  root.append(el("section", { class: "panel real" }, el("h2", {}, t("realIncidents")), list(ctx, real)),
    el("section", { class: "panel drills" }, el("h2", {}, badge(t("drills"), "drill")), list(ctx, drills)));
}

function list(ctx, items) {
  if (!items.length) return empty();
  return el("ul", { class: "rows" }, ...items.map((incident) => row(ctx, incident)));
}

function row(ctx, incident) {
  const id = `incident:${incident.id}`;
  const actions = [];
  if (incident.state === "open" && ctx.canTouch(incident.scope_unit_id)) {
    if (incident.level < 4) {
      actions.push(button(t("escalate"), { class: "act", "data-act": "escalate",
        onclick: () => escalate(ctx, incident) }));
    }
    actions.push(button(t("closeIncident"), { class: "act danger", "data-act": "close", onclick: () => closeIt(ctx, incident) }));
  }
  return el("li", { class: `row${incident.exercise ? " exercise" : ""}`, "data-incident": incident.id,
    "data-title": incident.title },
  el("div", { class: "main" }, el("strong", {}, incident.title), drillBadge(incident.exercise),
    badge(incident.state === "open" ? t("open") : t("closed"), incident.state),
    el("span", {}, `${w(incident.kind)} · ${t("level")} ${incident.level} · ${incident.scope_name || ""}`),
    el("small", { class: "muted" }, `${t("declaredAt")} ${cst(incident.declared_at)}`)),
  el("div", { class: "actions" }, ...actions), refusalHost(id));
}

async function declare(ctx) {
  const units = (await ctx.all("/org-units")).filter((u) => u.kind !== "building" && ctx.canTouch(u.id));
  const title = el("input", { type: "text", name: "title", required: true, maxlength: 200 });
  const kind = select("kind", vocabOptions(KINDS));
  const scope = select("scope", units.map((u) => [u.id, (u.path || [u.name]).join(" / ")]));
  const level = select("level", [1, 2, 3, 4].map((n) => [n, String(n)]));
  const exercise = el("input", { type: "checkbox", name: "exercise" });
  const action = newAction("declare");
  formDialog(t("declare"), "declare", [field(t("titleField"), title), field(t("kind"), kind),
    field(t("scopeUnit"), scope), field(t("level"), level), el("label", { class: "check" }, exercise, t("exercise"))],
  async (form, ok, host, close) => {
    const body = { title: title.value.trim(), kind: kind.value, scope_unit_id: scope.value,
      level: Number(level.value), exercise: exercise.checked };
    if (await perform(action, ok, host, (post) => post("/incidents", body))) { close(); ctx.refresh(); }
  });
}

function escalate(ctx, incident) {
  const level = select("level", [1, 2, 3, 4].filter((n) => n > incident.level).map((n) => [n, String(n)]));
  const reason = el("input", { type: "text", name: "reason" });
  const action = newAction(`escalate:${incident.id}`);
  formDialog(`${t("escalate")} · ${incident.title}`, "escalate", [field(t("level"), level),
    field(t("reason"), reason)], async (form, ok, host, close) => {
    if (await perform(action, ok, host, (post) => post(`/incidents/${incident.id}/escalate`,
      { level: Number(level.value), reason: reason.value || null }))) { close(); ctx.refresh(); }
  });
}

function closeIt(ctx, incident) {
  const reason = el("input", { type: "text", name: "reason" });
  const action = newAction(`close:${incident.id}`);
  formDialog(`${t("closeIncident")} · ${incident.title}`, "close-incident", [field(t("reason"), reason)],
    async (form, ok, host, close) => {
      if (await perform(action, ok, host, (post) => post(`/incidents/${incident.id}/close`,
        { reason: reason.value || null }))) { close(); ctx.refresh(); }
    });
}
