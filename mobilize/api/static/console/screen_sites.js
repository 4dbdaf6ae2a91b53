// Testing sites: plan, open with the proposed commander pre-filled, pause/reopen/close, enter hourly tallies.
import { newAction, perform, placeOf, refusalHost } from "./api.js";
import { t, w } from "./i18n.js";
import { badge, button, cst, drillBadge, el, empty, field, formDialog, fromLocal, incidentFilter, localValue,
  personPicker, select } from "./ui.js";

export const listens = ["TestingSite", "Incident"];

const POSTS = ["sampler", "registrar", "marshal", "first_aid", "disinfection", "driver"];
const MOVES = { open: ["pause", "close"], paused: ["reopen", "close"], planned: ["close"] };
const LABEL = { pause: "pause", reopen: "reopen", close: "closeSite" };

let onlyIncident = null;

export async function render(ctx, root) {
  const [items, incidents] = await Promise.all([ctx.all("/sites", { incident: onlyIncident }),
    ctx.all("/incidents")]);
  root.append(el("div", { class: "toolbar" }, incidentFilter(incidents, onlyIncident, (id) => {
    onlyIncident = id;
    ctx.refresh();
  }), ctx.canWrite ? button(t("plan"), { class: "primary", "data-act": "plan", onclick: () => plan(ctx) }) : null));
  root.append(items.length ? el("ul", { class: "rows" }, ...items.map((site) => row(ctx, site))) : empty());
}

function row(ctx, site) {
  const id = `site:${site.id}`;
  const actions = [];
  if (ctx.canTouch(site.grid_id)) {
    if (site.state === "planned") {
      actions.push(button(t("openSite"), { class: "act primary", "data-act": "open", onclick: () => open(ctx, site) }));
    }
    for (const move of MOVES[site.state] || []) {
      actions.push(button(t(LABEL[move]), { class: `act${move === "close" ? " danger" : ""}`, "data-act": move,
        onclick: (event) => change(ctx, site, move, event.currentTarget) }));
    }
    if (site.state === "open" || site.state === "paused") {
      actions.push(button(t("tally"), { class: "act", "data-act": "tally", onclick: () => tally(ctx, site) }));
    }
  }
  if (ctx.me.role !== "viewer") {
    actions.push(el("a", { class: "act button", "data-act": "codes", target: "_blank", rel: "noopener",
      href: `/console/check-in-codes?site=${encodeURIComponent(site.id)}` }, t("printCodes")));
  }
  const posts = Object.entries(site.posts || {}).map(([post, n]) => `${w(post)}×${n}`).join(" ");
  const commander = site.commander_name || (site.proposed_commander_name
    ? `${site.proposed_commander_name} (${t("proposed")})` : "—");
  return el("li", { class: `row${site.exercise ? " exercise" : ""}`, "data-site": site.id, "data-name": site.name },
    el("div", { class: "main" }, el("strong", {}, site.name), drillBadge(site.exercise), badge(w(site.state), site.state),
      el("span", {}, `${site.incident_title || ""} · ${site.grid_name || ""}`),
      el("span", {}, `${t("lanes")} ${site.lanes} · ${posts}`),
      el("span", {}, `${t("commander")}: ${commander}`),
      el("small", { class: "muted" }, `${t("samplesTotal")} ${site.samples_total ?? 0}` + (site.last_tally
        ? ` · ${t("lastTally")} ${cst(site.last_tally.hour)}: ${site.last_tally.samples}` : ""))),
    el("div", { class: "actions" }, ...actions), refusalHost(id));
}

async function change(ctx, site, move, control) {
  if (move === "close") { closeSite(ctx, site); return; }
  if (await perform(`${move}:${site.id}`, control, placeOf(`site:${site.id}`),
    (post) => post(`/sites/${site.id}/${move}`, {}))) ctx.refresh();
}

function closeSite(ctx, site) { // for good: asked once more, with a reason for the record
  const reason = el("input", { type: "text", name: "reason", maxlength: 2000 });
  const action = newAction(`close:${site.id}`);
  formDialog(`${t("closeSite")} · ${site.name}`, "close-site", [field(t("reason"), reason)],
    async (form, ok, host, close) => {
      if (await perform(action, ok, host, (post) => post(`/sites/${site.id}/close`,
        { reason: reason.value.trim() || null }))) { close(); ctx.refresh(); }
    });
}

function open(ctx, site) {
  const chosen = site.commander_id ? { id: site.commander_id, name: site.commander_name }
    : site.proposed_commander_id ? { id: site.proposed_commander_id, name: site.proposed_commander_name } : null;
  const picker = personPicker(ctx.get, { name: "commander", chosen });
  const action = newAction(`open:${site.id}`);
  formDialog(`${t("openSite")} · ${site.name}`, "open-site", [field(t("commander"), picker.node,
    site.proposed_commander_name ? `${t("proposed")}: ${site.proposed_commander_name}` : null)],
  async (form, ok, host, close) => {
    const commander = picker.value();
    const done = await perform(action, ok, host, async (post) => {
      if (commander && commander !== site.commander_id) {
        await post(`/sites/${site.id}/commander`, { person_id: commander });
      }
      return post(`/sites/${site.id}/open`, {});
    });
    if (done) { close(); ctx.refresh(); }
  });
}

function tally(ctx, site) {
  const hourStart = new Date(Math.floor(Date.now() / 3600000) * 3600000 - 3600000);
  const hour = el("input", { type: "datetime-local", name: "hour", value: localValue(hourStart), required: true });
  const samples = el("input", { type: "number", name: "samples", min: 0, max: 100000, required: true });
  const action = newAction(`tally:${site.id}`);
  formDialog(`${t("tally")} · ${site.name}`, "tally", [field(t("hour"), hour), field(t("samples"), samples)],
    async (form, ok, host, close) => {
      const body = { hour: fromLocal(hour.value), samples: Number(samples.value) };
      if (await perform(action, ok, host, (post) => post(`/sites/${site.id}/tallies`, body))) { close(); ctx.refresh(); }
    });
}

async function plan(ctx) {
  const [incidents, grids] = await Promise.all([ctx.all("/incidents", { state: "open" }),
    ctx.all("/org-units", { kind: "grid" })]);
  const incident = select("incident", incidents.map((i) => [i.id, `${i.exercise ? `[${t("drill")}] ` : ""}${i.title}`]));
  const grid = select("grid", grids.filter((g) => ctx.canTouch(g.id)).map((g) => [g.id, (g.path || [g.name]).join(" / ")]));
  const name = el("input", { type: "text", name: "name", required: true, maxlength: 200 });
  const lanes = el("input", { type: "number", name: "lanes", min: 1, max: 50, value: 1 });
  const counts = POSTS.map((post) => el("input", { type: "number", name: `post-${post}`, min: 0, max: 20,
    value: ["sampler", "registrar", "marshal"].includes(post) ? 1 : 0 }));
  const action = newAction("plan");
  formDialog(t("plan"), "plan-site", [field(t("incident"), incident), field(t("grid"), grid), field(t("name"), name),
    field(t("lanes"), lanes), el("fieldset", { class: "counts" }, el("legend", {}, t("posts")),
      ...POSTS.map((post, i) => field(w(post), counts[i])))], async (form, ok, host, close) => {
    const posts = Object.fromEntries(POSTS.map((post, i) => [post, Number(counts[i].value)]).filter(([, n]) => n > 0));
    const body = { incident_id: incident.value, grid_id: grid.value, name: name.value.trim(),
      lanes: Number(lanes.value), posts };
    if (await perform(action, ok, host, (post) => post("/sites", body))) { close(); ctx.refresh(); }
  });
}
