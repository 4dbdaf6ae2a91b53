// Who is at which post now (read-only), and who rests after a wartime shift until when.
import { t, w } from "./i18n.js";
import { badge, cst, el, empty } from "./ui.js";

export const listens = ["Shift", "Person"];

export async function render(ctx, root) {
  const [roster, resting] = await Promise.all([ctx.get("/roster", { limit: 1000 }),
    ctx.get("/resting", { limit: 1000 })]);
  root.append(el("section", { class: "panel" }, el("h2", {}, t("roster")), roster.items.length
    ? el("ul", { class: "rows compact" }, ...roster.items.map((r) => el("li", { class: "row", "data-person": r.person_id },
      el("strong", {}, r.person), el("span", {}, `${r.site} · ${t("lane")} ${r.lane} · ${w(r.post)}`),
      badge(w(r.status), r.status.replace(" ", "-")),
      el("small", { class: "muted" }, `${cst(r.shift_start)} – ${cst(r.shift_end)}`))))
    : empty()));
  root.append(el("section", { class: "panel" }, el("h2", {}, t("resting")), resting.items.length
    ? el("ul", { class: "rows compact" }, ...resting.items.map((r) => el("li", { class: "row" },
      el("strong", {}, r.person), el("span", {}, `${t("until")} ${cst(r.resting_until)}`))))
    : empty()));
}
