// People: find a person by name; their own field credentials (responder tokens): issue one (shown once), list, revoke.
import { newAction, perform, placeOf, refusalHost } from "./api.js";
import { t, w } from "./i18n.js";
import { badge, button, cst, el, empty, field, formDialog, openDialog, qrCode } from "./ui.js";

export const roles = ["operator", "auditor"];
export const listens = ["Person"];

let query = "";
let chosen = null; // the person whose tokens are shown

export async function render(ctx, root) {
  const input = el("input", { type: "search", name: "q", value: query, placeholder: t("searchPeople"),
    autocomplete: "off" });
  const form = el("form", { class: "toolbar", "data-form": "people-search" }, field(t("search"), input),
    el("button", { type: "submit", class: "primary" }, t("search")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    query = input.value.trim();
    ctx.refresh();
  });
  root.append(form);
  const page = await ctx.get("/people", { q: query, limit: 50 });
  root.append(page.items.length ? el("ul", { class: "rows" }, ...page.items.map((person) => row(ctx, person)))
    : empty());
  if (chosen) root.append(await tokens(ctx, chosen));
}

function row(ctx, person) {
  const open = chosen?.id === person.id;
  return el("li", { class: `row${open ? " chosen-row" : ""}`, "data-person": person.id },
    el("div", { class: "main" }, el("strong", {}, person.name), el("span", {}, person.home_grid_name || ""),
      el("small", { class: "muted" }, person.roles.map((role) => w(role)).join(" · "))),
    el("div", { class: "actions" }, button(t("fieldTokens"), { class: "act", "data-act": "tokens",
      "aria-pressed": open ? "true" : "false", onclick: () => { chosen = open ? null : person; ctx.refresh(); } })));
}

async function tokens(ctx, person) {
  const rows = await ctx.get(`/people/${person.id}/responder-tokens`);
  const place = `tokens:${person.id}`;
  const issue = ctx.canTouch(person.home_grid_id) ? button(t("issueToken"), { class: "primary", "data-act": "issue",
    onclick: (event) => issueToken(ctx, person, event.currentTarget) }) : null;
  return el("section", { class: "panel", "data-tokens": person.id },
    el("h2", {}, `${t("fieldTokens")} · ${person.name}`),
    el("div", { class: "toolbar" }, issue), refusalHost(place),
    rows.length ? el("ul", { class: "rows compact" }, ...rows.reverse().map((token) => tokenRow(ctx, person, token)))
      : empty(t("noTokens")));
}

function tokenRow(ctx, person, token) {
  const revoke = !token.revoked && ctx.canTouch(person.home_grid_id) ? button(t("revoke"), { class: "act danger",
    "data-act": "revoke", onclick: () => revokeToken(ctx, person, token) }) : null;
  return el("li", { class: "row", "data-token": token.token_id },
    el("div", { class: "main" }, el("code", {}, token.token_id.slice(0, 8)),
      token.revoked ? badge(t("revoked"), "closed") : badge(t("valid"), "open"),
      el("span", {}, `${t("issued")} ${cst(token.issued_at)} · ${token.issued_by}`),
      token.revoked ? el("span", { class: "revocation" }, `${t("revoked")} ${cst(token.revoked_at)} · `
        + `${token.revoked_by}${token.reason ? ` · ${t("reason")}: ${token.reason}` : ""}`) : null),
    el("div", { class: "actions" }, revoke));
}

async function issueToken(ctx, person, control) {
  const issued = await perform(`issue:${person.id}`, control, placeOf(`tokens:${person.id}`),
    (post) => post(`/people/${person.id}/responder-token`, {}));
  if (!issued) return;
  const qr = qrCode(issued.qr_svg);
  const link = el("input", { type: "text", readonly: true, name: "link", value: issued.link,
    onfocus: (event) => event.currentTarget.select() });
  openDialog(`${t("issueToken")} · ${person.name}`, el("div", { class: "form issued", "data-token": issued.token_id },
    el("p", { class: "refusal warning", role: "alert" }, t("shownOnce")), qr, field(t("fieldLink"), link),
    el("p", { class: "muted" }, t("scanToOpen"))), "issued-token");
  ctx.refresh();
}

function revokeToken(ctx, person, token) {
  const reason = el("input", { type: "text", name: "reason", required: true, maxlength: 2000 });
  const action = newAction(`revoke:${token.token_id}`);
  formDialog(`${t("revoke")} · ${person.name} · ${token.token_id.slice(0, 8)}`, "revoke-token",
    [field(t("reason"), reason, t("revokeHint"))], async (form, ok, host, close) => {
      if (await perform(action, ok, host, (post) => post(`/responder-tokens/${token.token_id}/revoke`,
        { reason: reason.value.trim() }))) { close(); ctx.refresh(); }
    });
}
