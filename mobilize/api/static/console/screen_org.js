// The org tree with each unit's mode: switch a subtree to war (working groups, policy), stand it down.
import { newAction, perform } from "./api.js";
import { t, w } from "./i18n.js";
import { badge, button, el, field, formDialog, select } from "./ui.js";

export const listens = ["OrgUnit", "Incident"];

const GROUPS = ["coordination", "medical_support", "health_monitoring", "social_control", "sampling", "logistics",
  "publicity"];

const expanded = new Set(), collapsed = new Set(); // what the operator opened or closed survives a re-read

export async function render(ctx, root) {
  const tree = await ctx.get("/org-tree");
  root.append(el("ul", { class: "tree" }, ...tree.roots.map((node) => unit(ctx, node, 0))));
}

function modeBadge(node) {
  if (node.mode !== "war") return badge(t("peace"), "peace");
  return badge(node.exercise ? `${t("war")} · ${t("drill")}` : t("war"), node.exercise ? "drill" : "war");
}

function unit(ctx, node, depth) {
  const actions = [];
  if (ctx.canTouch(node.id)) {
    if (node.mode !== "war") {
      actions.push(button(t("switchToWar"), { class: "act war", "data-act": "war",
        onclick: () => switchToWar(ctx, node) }));
    } else if (!node.inherited_from) {
      actions.push(button(t("standDown"), { class: "act", "data-act": "stand-down",
        onclick: () => standDown(ctx, node) }));
    }
  }
  const policy = node.policy ? `${t("shiftAtMost")} ${node.policy.max_shift_hours}h · `
    + `${t("restAtLeast")} ${node.policy.min_rest_hours}h` : null;
  const line = el("div", { class: `unit ${node.mode}${node.exercise ? " exercise" : ""}`, "data-unit": node.id,
    "data-name": node.name },
    el("span", { class: "name" }, node.name), el("span", { class: "kind" }, w(node.kind)), modeBadge(node),
    node.inherited_from ? el("small", { class: "muted" }, t("inherited")) : null,
    node.working_groups?.length && !node.inherited_from
      ? el("small", { class: "groups" }, node.working_groups.map(w).join("、")) : null,
    policy && !node.inherited_from ? el("small", { class: "policy" }, policy) : null,
    node.leaders?.length ? el("small", { class: "leaders" }, node.leaders.map((l) => `${w(l.seat)}: ${l.name}`)
      .join(" · ")) : null,
    el("span", { class: "actions" }, ...actions));
  const children = node.children || [];
  if (!children.length) return el("li", {}, line);
  const open = expanded.has(node.id) || (depth < 2 && !collapsed.has(node.id));
  const details = el("details", { open, ontoggle: (event) => {
    (event.currentTarget.open ? expanded : collapsed).add(node.id);
    (event.currentTarget.open ? collapsed : expanded).delete(node.id);
  } }, el("summary", {}, line),
    el("ul", {}, ...children.map((child) => unit(ctx, child, depth + 1))));
  return el("li", {}, details);
}

async function switchToWar(ctx, node) {
  const open = (await ctx.all("/incidents", { state: "open" }));
  const incident = select("incident", open.map((i) => [i.id, `${i.exercise ? `[${t("drill")}] ` : ""}${i.title}`]));
  const groups = el("fieldset", { class: "checks" }, el("legend", {}, t("workingGroups")),
    ...GROUPS.map((g) => el("label", {}, el("input", { type: "checkbox", name: "group", value: g,
      checked: g === "coordination" || g === "sampling" }), w(g))));
  const maxShift = el("input", { type: "number", name: "max_shift_hours", min: 1, max: 24, step: 0.5, value: 8 });
  const minRest = el("input", { type: "number", name: "min_rest_hours", min: 0, max: 48, step: 0.5, value: 8 });
  const reason = el("input", { type: "text", name: "reason" });
  const id = newAction(`war:${node.id}`);
  formDialog(`${t("switchToWar")} · ${node.name}`, "war", [field(t("incident"), incident), groups,
    field(t("maxShift"), maxShift), field(t("minRest"), minRest), field(t("reason"), reason)],
  async (form, ok, host, close) => {
    const body = { incident_id: incident.value, max_shift_hours: Number(maxShift.value),
      min_rest_hours: Number(minRest.value), reason: reason.value || null,
      working_groups: [...form.querySelectorAll("input[name=group]:checked")].map((box) => box.value) };
    if (await perform(id, ok, host, (post) => post(`/org-units/${node.id}/war`, body))) { close(); ctx.refresh(); }
  });
}

function standDown(ctx, node) { // the whole subtree returns to peace: asked once more, with a reason
  const reason = el("input", { type: "text", name: "reason", maxlength: 2000 });
  const action = newAction(`stand-down:${node.id}`);
  formDialog(`${t("standDown")} · ${node.name}`, "stand-down", [field(t("reason"), reason)],
    async (form, ok, host, close) => {
      if (await perform(action, ok, host, (post) => post(`/org-units/${node.id}/stand-down`,
        { incident_id: node.incident_id, reason: reason.value.trim() || null }))) { close(); ctx.refresh(); }
    });
}
