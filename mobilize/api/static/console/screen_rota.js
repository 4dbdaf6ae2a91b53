// The rota builder: a site's lanes and posts over a span, in shifts of N hours, in one command (all or nothing).
import { newAction, perform } from "./api.js";
import { language, t, w } from "./i18n.js";
import { badge, cst, el, empty, field, fromLocal, localValue, select } from "./ui.js";

export const listens = ["TestingSite", "Shift"];

let chosenSite = null;
const builders = new Map();

export async function render(ctx, root) {
  const sites = (await ctx.all("/sites")).filter((s) => s.state !== "closed");
  if (!sites.length) { root.append(empty()); return; }
  const site = sites.find((s) => s.id === chosenSite) || sites[0];
  chosenSite = site.id;
  const picker = select("site", sites.map((s) => [s.id, `${s.exercise ? `[${t("drill")}] ` : ""}${s.name}`]), site.id);
  picker.addEventListener("change", () => { chosenSite = picker.value; ctx.refresh(); });
  root.append(el("div", { class: "toolbar" }, field(t("site"), picker)));
  if (ctx.canTouch(site.grid_id)) { // kept across re-reads: what the operator typed survives the live updates
    const kept = `${site.id}:${language()}`;
    if (!builders.has(kept)) builders.set(kept, builder(ctx, site));
    root.append(builders.get(kept));
  }
  const shifts = await ctx.all("/shifts", { site: site.id });
  root.append(el("section", { class: "panel" }, el("h2", {}, t("shifts")), shifts.length
    ? el("ul", { class: "rows compact" }, ...shifts.map((s) => el("li", { class: "row", "data-shift": s.id },
      el("span", {}, `${t("lane")} ${s.lane} · ${w(s.post)}`), el("span", {}, `${cst(s.start)} – ${cst(s.end)}`),
      el("span", {}, `${t("filled")} ${s.filled}/${s.slots}`), badge(w(s.state), s.state))))
    : empty()));
}

function builder(ctx, site) {
  const start = new Date(Math.ceil(Date.now() / 3600000) * 3600000);
  const from = el("input", { type: "datetime-local", name: "start", value: localValue(start), required: true });
  const to = el("input", { type: "datetime-local", name: "end", required: true,
    value: localValue(new Date(start.getTime() + 24 * 3600000)) });
  const hours = el("input", { type: "number", name: "shift_hours", min: 1, max: 24, step: 0.5, value: 8 });
  const lanes = el("fieldset", { class: "checks" }, el("legend", {}, t("lanes")),
    ...Array.from({ length: site.lanes }, (_, i) => el("label", {}, el("input", { type: "checkbox", name: "lane",
      value: i + 1, checked: true }), `${t("lane")} ${i + 1}`)));
  const posts = el("fieldset", { class: "checks" }, el("legend", {}, t("posts")),
    ...Object.keys(site.posts || {}).map((post) => el("label", {}, el("input", { type: "checkbox", name: "post",
      value: post, checked: true }), w(post))));
  const reason = el("input", { type: "text", name: "reason" });
  const outcome = el("div", { class: "refusal-host" });
  const ok = el("button", { type: "submit", class: "primary" }, t("build"));
  const form = el("form", { class: "form panel", "data-form": "rota" }, el("h2", {}, t("rota")),
    el("div", { class: "grid2" }, field(t("start"), from), field(t("end"), to), field(t("shiftHours"), hours),
      field(t("reason"), reason)), lanes, posts, outcome, el("div", { class: "buttons" }, ok));
  const action = newAction(`rota:${site.id}`);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { start: fromLocal(from.value), end: fromLocal(to.value), shift_hours: Number(hours.value),
      lanes: [...form.querySelectorAll("input[name=lane]:checked")].map((box) => Number(box.value)),
      posts: [...form.querySelectorAll("input[name=post]:checked")].map((box) => box.value),
      reason: reason.value || null };
    const done = await perform(action, ok, outcome, (post) => post(`/sites/${site.id}/rota`, body));
    if (done) {
      outcome.replaceChildren(el("p", { class: "ok", role: "status" }, `${t("created")}: ${done.count}`));
      ctx.refresh();
    } else {
      refusedShifts(outcome);
    }
  });
  return form;
}

function refusedShifts(outcome) { // the rota's 409 lists every refused shift: show them one by one
  const term = [...outcome.querySelectorAll("dt")].find((dt) => dt.textContent === "refused");
  if (!term) return;
  let refused;
  try { refused = JSON.parse(term.nextSibling.textContent); } catch { return; }
  term.parentElement.replaceWith(el("div", {}, el("p", {}, t("refusedShifts")),
    el("ul", { class: "refused" }, ...refused.map((r) => el("li", {},
      `${t("lane")} ${r.lane} · ${w(r.post)} · ${cst(r.start)}–${cst(r.end)}: ${w(r.error)} — ${r.message}`)))));
}
