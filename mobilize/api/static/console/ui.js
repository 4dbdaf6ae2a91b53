// Plain DOM helpers: elements, times in China Standard Time, dialogs, and pickers (never a typed id).
import { t, w } from "./i18n.js";

const TZ = "Asia/Shanghai";

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "value") node.value = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const parts = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

function pieces(moment) { return Object.fromEntries(parts.formatToParts(moment).map((p) => [p.type, p.value])); }

/** "03-02 08:00" in China Standard Time. */
export function cst(iso) {
  if (!iso) return "—";
  const p = pieces(new Date(iso));
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026-03-02 08:00" in China Standard Time. */
export function cstFull(iso) {
  const p = pieces(new Date(iso));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** A datetime-local value ("2026-03-02T08:00") for a moment, in China Standard Time. */
export function localValue(moment) {
  const p = pieces(moment);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** An ISO time with zone from a datetime-local value read as China Standard Time. */
export function fromLocal(value) { return value ? `${value}:00+08:00` : null; }

export function badge(text, kind) { return el("span", { class: `badge ${kind || ""}` }, text); }

export function drillBadge(exercise) { return exercise ? badge(t("drill"), "drill") : null; }

export function field(label, control, hint) {
  return el("label", { class: "field" }, el("span", { class: "label" }, label), control,
    hint ? el("small", { class: "hint" }, hint) : null);
}

export function select(name, options, chosen, attrs) {
  return el("select", { name, ...attrs }, ...options.map(([value, label]) =>
    el("option", { value, selected: String(value) === String(chosen) }, label)));
}

export function button(label, attrs) { return el("button", { type: "button", ...attrs }, label); }

/** Open a modal dialog holding `body`; returns {dialog, close}. */
export function openDialog(title, body, name) {
  const dialog = el("dialog", { class: "dialog", "data-dialog": name || "" },
    el("header", {}, el("h3", {}, title), button("×", { class: "x", "aria-label": t("close"),
      onclick: () => close() })), body);
  const close = () => { dialog.close(); dialog.remove(); };
  dialog.addEventListener("cancel", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close };
}

/** A form in a dialog: `fields` (nodes), `submit(form, post)` gives the action; refusals shown inside. */
export function formDialog(title, name, fields, onSubmit) {
  const host = el("div", { class: "refusal-host" });
  const ok = el("button", { type: "submit", class: "primary" }, t("submit"));
  const form = el("form", { class: "form", "data-form": name }, ...fields, host,
    el("div", { class: "buttons" }, ok));
  const opened = openDialog(title, form, name);
  form.addEventListener("submit", (event) => { event.preventDefault(); onSubmit(form, ok, host, opened.close); });
  return opened;
}

/** A person picker: search by name, choose from the results; `value()` is the chosen id. */
export function personPicker(get, { name = "person", chosen = null, query = {} } = {}) {
  let value = chosen ? chosen.id : null;
  const shown = el("span", { class: "chosen", "data-person": value || "" }, chosen ? chosen.name : "");
  const results = el("div", { class: "results" });
  const input = el("input", { type: "search", name: `${name}-search`, placeholder: t("searchPeople"),
    autocomplete: "off" });
  let serial = 0;
  input.addEventListener("input", async () => {
    const mine = ++serial;
    const q = input.value.trim();
    if (!q) { results.replaceChildren(); return; }
    try {
      const page = await get("/people", { q, limit: 8, ...query });
      if (mine !== serial) return;
      results.replaceChildren(...page.items.map((p) => button(`${p.name} · ${p.home_grid_name || ""}`,
        { class: "result", "data-person": p.id, onclick: () => pick(p) })));
    } catch (error) { results.replaceChildren(el("span", { class: "muted" }, error.message)); }
  });
  function pick(person) {
    value = person.id;
    shown.textContent = person.name;
    shown.dataset.person = person.id;
    results.replaceChildren();
    input.value = "";
  }
  const node = el("div", { class: "picker", "data-picker": name }, el("div", {}, `${t("chosen")}: `, shown), input,
    results);
  return { node, value: () => value };
}

export function vocabOptions(words) { return words.map((word) => [word, w(word)]); }

export function empty(text) { return el("p", { class: "muted empty" }, text || t("none")); }

/** A filter of the lists by incident (drills marked), kept by the screen across re-reads. */
export function incidentFilter(incidents, chosen, onChange) {
  const picker = select("incident-filter", [["", t("allIncidents")], ...incidents.map((i) =>
    [i.id, `${i.exercise ? `[${t("drill")}] ` : ""}${i.title}`])], chosen || "");
  picker.addEventListener("change", () => onChange(picker.value || null));
  return field(t("incident"), picker);
}

/** A QR code the server drew (segno's SVG, from the link alone), made to scale to whatever size the page gives it. */
export function qrCode(svgText) {
  const box = el("div", { class: "qr" });
  box.innerHTML = svgText;
  const svg = box.querySelector("svg");
  if (svg && !svg.getAttribute("viewBox")) {
    svg.setAttribute("viewBox", `0 0 ${svg.getAttribute("width")} ${svg.getAttribute("height")}`);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
  }
  return box;
}
