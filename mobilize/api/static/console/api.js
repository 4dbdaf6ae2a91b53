// The API with the caller's token: reads, and commands that each carry their own Idempotency-Key.
import { language, t, w } from "./i18n.js";
import { cstFull, el } from "./ui.js";

const TIMEOUT_MS = 15000;
export const session = { token: null, onUnauthenticated: () => {} };

/** A refusal in the API's shape: {error, message, facts, retryable}, with the HTTP status. */
export class Refusal extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.error = body.error || "http_error";
    this.facts = body.facts || {};
    this.retryable = Boolean(body.retryable);
  }
}

export function takeToken() {
  const params = new URLSearchParams(location.search);
  if (params.has("token")) { // a link carries it once; it leaves the address bar for localStorage
    localStorage.setItem("mobilize.token", params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.size ? `?${params}` : "") + location.hash);
  }
  session.token = localStorage.getItem("mobilize.token");
  return session.token;
}

async function call(method, path, { query, body, key } = {}) {
  const search = new URLSearchParams(Object.entries(query || {}).filter(([, v]) => v !== undefined && v !== null
    && v !== ""));
  // refusals come back in the reader's language (the rule's word, `error`, stays the same in both)
  const headers = { Authorization: `Bearer ${session.token}`, "Accept-Language": language() === "zh" ? "zh-CN" : "en" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["Idempotency-Key"] = key;
  let response;
  try {
    response = await fetch(`/api${path}${search.size ? `?${search}` : ""}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new Refusal(0, { error: "network", message: t("network"), retryable: true });
  }
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) session.onUnauthenticated();
  if (!response.ok) {
    const detail = typeof data.detail === "string" ? data.detail : undefined;
    throw new Refusal(response.status, data.error ? data : { error: `http_${response.status}`,
      message: detail || `HTTP ${response.status}`, retryable: response.status >= 500 });
  }
  return data;
}

export const get = (path, query) => call("GET", path, { query });

/** Every item of a paged list (the lists answer {items, total, limit, offset}). */
export async function all(path, query) {
  const items = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await get(path, { ...query, limit: 1000, offset });
    items.push(...page.items);
    if (items.length >= page.total || !page.items.length) return items;
  }
}

function uuid() { // crypto.randomUUID needs a secure context; a command center may serve plain http on its LAN
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// An action's keys live until it succeeds: one per distinct request of the action (path and body), so a retry
// after a timeout or a retryable refusal sends the same request with the same key (the server answers the
// first response and writes nothing new), the steps an action already got through are never done again, and
// a request the operator changed is a new one with a key of its own.
const keys = new Map();
const inFlight = new Set();
const refusals = new Map();

/** Run an operator's action once: `run(post)` may post several steps, each with its own lasting key.
 *  The control is disabled while in flight; a refusal is shown in `host`, where the operator acted. */
export async function perform(id, control, host, run) {
  if (inFlight.has(id)) return undefined;
  inFlight.add(id);
  const held = keys.get(id) || new Map();
  keys.set(id, held);
  let last = null;
  const post = (path, body) => {
    last = `POST ${path} ${JSON.stringify(body || {})}`;
    if (!held.has(last)) held.set(last, uuid());
    return call("POST", path, { body: body || {}, key: held.get(last) });
  };
  const place = host?.dataset.action; // a list's row: its last refusal is shown again when the list is re-read
  if (control) { control.disabled = true; control.setAttribute("aria-busy", "true"); }
  if (place) refusals.delete(place);
  showRefusal(host, null);
  try {
    const result = await run(post);
    keys.delete(id);
    return result ?? true;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    if (!error.retryable) held.delete(last); // refused for good: nothing was written under that key
    if (!held.size) keys.delete(id);
    if (place) refusals.set(place, error);
    showRefusal(host, error);
    return undefined;
  } finally {
    inFlight.delete(id);
    if (control) { control.disabled = false; control.removeAttribute("aria-busy"); }
  }
}

/** A place in a list for the refusals of the actions on one record (a re-read list shows the last again). */
export function refusalHost(place) {
  const host = el("div", { class: "refusal-host", "data-action": place });
  if (refusals.has(place)) showRefusal(host, refusals.get(place));
  return host;
}

/** The refusal place of a record's row, as drawn now (the list may have been re-read since the click). */
export function placeOf(place) { return document.querySelector(`.refusal-host[data-action="${place}"]`); }

const MOMENT = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

function fact(value) { // times as the operator reads them (China Standard Time), the rest as the server said
  if (typeof value === "string" && MOMENT.test(value)) return `${cstFull(value)} CST`;
  return value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function showRefusal(host, refusal) {
  if (!host) return;
  if (!refusal) { host.replaceChildren(); return; }
  const place = host.dataset.action;
  const facts = Object.entries(refusal.facts || {}).map(([k, v]) => el("div", {}, el("dt", {}, k),
    el("dd", {}, fact(v))));
  host.replaceChildren(el("div", { class: "refusal", role: "alert", "data-error": refusal.error },
    place ? el("button", { type: "button", class: "dismiss", "aria-label": t("close"), onclick: () => {
      refusals.delete(place);
      host.replaceChildren();
    } }, "×") : "",
    el("strong", {}, `${t("refused")}: ${w(refusal.error)}`, refusal.error !== w(refusal.error)
      ? el("code", {}, refusal.error) : ""),
    el("p", { class: "message" }, refusal.message),
    facts.length ? el("dl", { class: "facts" }, ...facts) : "",
    refusal.retryable ? el("p", { class: "hint" }, t("retryable")) : ""));
}

let openings = 0;
/** The id of an operator's action of this kind on this record (a dialog's form, however often it is sent).
 *  While one such action is unsettled (its answer was lost, or it was refused as retryable) a dialog opened
 *  again continues it, with the same keys: closing the dialog after a timeout and trying again never acts twice. */
export function newAction(kind) {
  for (const id of keys.keys()) if (id.startsWith(`${kind}#`)) return id;
  openings += 1;
  return `${kind}#${openings}`;
}
