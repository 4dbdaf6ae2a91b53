// Pages (呼叫): the board of unanswered pages, those that reached the command center first, then the grid leaders';
// how long each has waited and until when (ticking); a person's page in full (deliveries, webhook attempts,
// escalations and to whom); an operator acknowledges one on the person's behalf, with the reason they give.
import { newAction, perform, Refusal } from "./api.js";
import { t } from "./i18n.js";
import { badge, button, cst, drillBadge, el, empty, field, formDialog, incidentFilter } from "./ui.js";
import { duration } from "./screen_rollcall.js";

export const roles = ["operator", "auditor"];
export const listens = ["Inbox"];

const POLL_MS = 30000; // the stream re-reads the board at once; this is for a stream that is down
const LIMIT = 200;
const OPEN = new Set(["sent", "delivered", "escalated"]);
let openOnly = true;
let incident = null;
let chosen = null; // {person_id, id} of the page shown in full
let generation = 0;

/** The tab's count: pages that reached the command center and still wait for an answer. */
export async function count(ctx) {
  const rows = await ctx.get("/pages", { state: "open", level: 2, limit: LIMIT });
  return rows.length;
}

export async function render(ctx, root) {
  const [incidents, rows] = await Promise.all([ctx.all("/incidents"),
    ctx.get("/pages", { state: openOnly ? "open" : undefined, incident_id: incident, limit: LIMIT })]);
  const scope = el("select", { name: "pages-state" }, el("option", { value: "open", selected: openOnly },
    t("pagesOpen")), el("option", { value: "all", selected: !openOnly }, t("pagesAll")));
  scope.addEventListener("change", () => { openOnly = scope.value === "open"; ctx.refresh(); });
  root.append(el("div", { class: "toolbar" }, field(t("pagesShow"), scope),
    incidentFilter(incidents, incident, (id) => { incident = id; ctx.refresh(); })));
  const board = sorted(rows);
  const top = board.filter((p) => OPEN.has(p.state) && p.level === 2).length;
  root.append(el("p", { class: "kpis pages-count" },
    el("span", { class: "kpi need" }, el("b", { "data-count": "level2" }, String(top)), t("pageLevel2")),
    el("span", { class: "kpi" }, el("b", { "data-count": "level1" },
      String(board.filter((p) => OPEN.has(p.state) && p.level === 1).length)), t("pageLevel1")),
    el("span", { class: "kpi" }, el("b", { "data-count": "open" }, String(board.filter((p) => OPEN.has(p.state))
      .length)), t("pagesWaiting"))));
  root.append(board.length ? el("ul", { class: "rows pages" }, ...board.map((p) => row(ctx, p)))
    : empty(t("noPages")));
  if (chosen) root.append(await detail(ctx, chosen, rows.find((p) => p.id === chosen.id)));
  watch(ctx, root, ++generation);
}

/** Open before answered; the command center's, then the grid leaders'; the longest waiting first. */
function sorted(rows) {
  const rank = (p) => (OPEN.has(p.state) ? 3 - p.level : 4);
  return [...rows].sort((a, b) => rank(a) - rank(b) || (OPEN.has(a.state)
    ? a.sent_at.localeCompare(b.sent_at) : b.sent_at.localeCompare(a.sent_at)));
}

function row(ctx, page) {
  const open = OPEN.has(page.state);
  const shown = chosen?.id === page.id;
  const classes = ["row", "page", open ? `level${page.level}` : "answered", page.exercise ? "exercise" : "",
    shown ? "chosen-row" : ""].filter(Boolean).join(" ");
  return el("li", { class: classes, "data-page": page.id, "data-person": page.person_id, "data-level": page.level,
    "data-state": page.state },
  el("button", { type: "button", class: "main open-page", "aria-expanded": shown ? "true" : "false",
    onclick: () => { chosen = shown ? null : { person_id: page.person_id, id: page.id, name: page.person_name };
      ctx.refresh(); } },
  open && page.level ? badge(t(`pageLevel${page.level}`), page.level === 2 ? "war" : "need") : null,
  el("strong", { class: "who" }, page.person_name), el("span", { class: "title" }, page.title),
  badge(t(`pageKind.${page.kind}`), "kind"), drillBadge(page.exercise),
  badge(t(`pageState.${page.state}`), open ? "open" : "closed")),
  el("div", { class: "facts-line" }, ...times(page), delivery(page)),
  el("div", { class: "actions" }, acknowledgeButton(ctx, page)));
}

function times(page) {
  if (!OPEN.has(page.state)) {
    const at = page.acknowledged_at || page.withdrawn_at;
    return [el("small", { class: "muted" }, `${t("sentAt")} ${cst(page.sent_at)}`
      + (at ? ` · ${t(`pageState.${page.state}`)} ${cst(at)}` : "")
      + (page.acknowledged_by ? ` · ${page.acknowledged_by}` : ""))];
  }
  return [el("span", { class: "waited" }, `${t("waited")} `, el("span", { class: "ticking", "data-from": page.sent_at },
    since(page.sent_at))),
  page.due_at ? el("span", { class: "due" }, el("span", { class: "ticking", "data-due": page.due_at },
    untilDue(page.due_at))) : el("span", { class: "muted" }, t("noDeadline"))];
}

function delivery(page) {
  const parts = [page.delivered_at ? el("span", { class: "ok", "data-delivered": "yes" },
    `${t("deliveredAt")} ${cst(page.delivered_at)}`) : el("span", { class: "warn", "data-delivered": "no" },
    t("notDelivered"))];
  if (page.attempts) {
    parts.push(el("span", { class: page.failed_attempts ? "warn" : "muted", "data-attempts": page.attempts },
      `${t("webhookAttempts")} ${page.attempts}` + (page.failed_attempts ? ` · ${t("failed")} ${page.failed_attempts}`
        : "")));
  }
  return parts;
}

function acknowledgeButton(ctx, page) {
  if (!OPEN.has(page.state) || !ctx.canTouch(page.unit_id || page.home_grid_id)) return null;
  return button(t("ackForPerson"), { class: "act primary", "data-act": "acknowledge",
    onclick: () => acknowledge(ctx, page) });
}

function since(iso) { return duration((Date.now() - Date.parse(iso)) / 1000); }

function untilDue(iso) {
  const left = (Date.parse(iso) - Date.now()) / 1000;
  return left >= 0 ? `${t("dueIn")} ${duration(left)}` : `${t("overdue")} ${duration(-left)}`;
}

function watch(ctx, root, mine) { // tick every second; read again now and then; stop once the screen is gone
  let seen = false;
  const started = Date.now();
  const timer = setInterval(() => {
    if (root.isConnected) seen = true;
    if (mine !== generation || (seen && !root.isConnected)) { clearInterval(timer); return; }
    for (const node of root.querySelectorAll(".ticking[data-from]")) node.textContent = since(node.dataset.from);
    for (const node of root.querySelectorAll(".ticking[data-due]")) {
      node.textContent = untilDue(node.dataset.due);
      node.classList.toggle("late", Date.parse(node.dataset.due) < Date.now());
    }
    if (Date.now() - started >= POLL_MS) { clearInterval(timer); ctx.refresh(); }
  }, 1000);
}

async function detail(ctx, wanted, listed) {
  let pages;
  try {
    pages = await ctx.get(`/people/${wanted.person_id}/pages`);
  } catch (error) {
    if (error instanceof Refusal && error.status === 404) { chosen = null; return empty(); }
    throw error;
  }
  const page = pages.find((p) => String(p.id) === wanted.id);
  if (!page) { chosen = null; return empty(); }
  const names = await whom(ctx, page.escalations);
  return el("section", { class: "panel page-detail", "data-detail": wanted.id },
    el("h2", {}, `${t("pageDetail")} · ${wanted.name}`),
    el("p", {}, el("strong", {}, page.title), " ", drillBadge(page.exercise)),
    el("p", { class: "muted" }, page.body),
    el("dl", { class: "facts" }, ...[[t("sentAt"), cst(page.sent_at)], [t("state"), t(`pageState.${page.state}`)],
      page.acknowledged_at ? [t("pageState.acknowledged"), `${cst(page.acknowledged_at)}`
        + (listed?.acknowledged_by ? ` · ${listed.acknowledged_by}` : "")] : null,
      page.withdrawn_at ? [t("pageState.withdrawn"), `${cst(page.withdrawn_at)} · ${page.withdrawn_reason || ""}`]
        : null].filter(Boolean).map(([k, v]) => el("div", {}, el("dt", {}, k), el("dd", {}, v)))),
    el("h3", {}, t("deliveries")),
    page.deliveries.length ? el("ul", { class: "rows compact", "data-list": "deliveries" }, ...page.deliveries.map((d) =>
      el("li", { class: "row" }, el("span", {}, channel(d.channel)), el("small", { class: "muted" }, cst(d.at)))))
      : empty(t("notDelivered")),
    el("h3", {}, t("webhookAttempts")),
    page.attempts.length ? el("ul", { class: "rows compact", "data-list": "attempts" }, ...page.attempts.map((a) =>
      el("li", { class: `row attempt ${a.outcome}`, "data-outcome": a.outcome },
        el("span", {}, `${a.webhook} · ${t("pageLevelShort")} ${a.level} · #${a.number}`),
        badge(t(`outcome.${a.outcome}`), a.outcome === "delivered" ? "open" : "need"),
        a.status ? el("code", {}, `HTTP ${a.status}`) : null, a.error ? el("span", { class: "warn" }, a.error) : null,
        el("small", { class: "muted" }, cst(a.at) + (a.next_at ? ` · ${t("nextTry")} ${cst(a.next_at)}` : "")))))
      : empty(t("noAttempts")),
    el("h3", {}, t("escalations")),
    page.escalations.length ? el("ul", { class: "rows compact", "data-list": "escalations" },
      ...page.escalations.map((e) => el("li", { class: "row", "data-level": e.level },
        badge(t(`pageLevel${e.level}`), e.level === 2 ? "war" : "need"),
        el("span", { class: "to" }, e.to.length ? e.to.map((id) => names.people.get(String(id)) || String(id))
          .join("、") : t("commandCenter")),
        e.unit_id ? el("small", { class: "muted" }, names.units.get(String(e.unit_id)) || String(e.unit_id)) : null,
        el("small", { class: "muted" }, cst(e.at))))) : empty(t("noEscalations")));
}

function channel(name) {
  if (name === "field") return t("fieldPage");
  return name.startsWith("webhook:") ? `${t("webhook")} ${name.slice(8)}` : name;
}

/** The names of the units escalated to and of their leaders, from the directory (ids where it has none). */
async function whom(ctx, escalations) {
  const people = new Map(), units = new Map();
  const ids = [...new Set(escalations.map((e) => e.unit_id).filter(Boolean).map(String))];
  await Promise.all(ids.map(async (id) => {
    try {
      const [unit] = (await ctx.get("/org-units", { under: id, limit: 1 })).items;
      if (!unit) return;
      units.set(id, unit.name);
      for (const leader of unit.leaders) if (leader.name) people.set(String(leader.person_id), leader.name);
    } catch (error) { if (!(error instanceof Refusal)) throw error; }
  }));
  return { people, units };
}

function acknowledge(ctx, page) {
  const reason = el("textarea", { name: "reason", required: true, maxlength: 2000, rows: 2 });
  const action = newAction(`ack-page:${page.id}`);
  formDialog(`${t("ackForPerson")} · ${page.person_name}`, "acknowledge-page",
    [el("p", {}, page.title), field(t("reason"), reason, t("ackHint"))], async (form, ok, host, close) => {
      if (await perform(action, ok, host, (post) => post(`/people/${page.person_id}/pages/${page.id}/acknowledge`,
        { reason: reason.value.trim() }))) { close(); ctx.refresh(); }
    });
}
