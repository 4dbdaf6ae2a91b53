// The printable check-in sheet of a site: one QR code per lane and post (扫码签到), four to an A4 page, each
// labelled with the site, the lane and the post; scanned, a code opens the field page at that post.
import { get, Refusal, showRefusal, takeToken } from "./api.js";
import { language, setLanguage, t, w } from "./i18n.js";
import { el, qrCode } from "./ui.js";

const PER_PAGE = 4;
const $ = (id) => document.getElementById(id);

function card(site, code) {
  const qr = qrCode(code.qr_svg);
  return el("figure", { class: "code", "data-lane": code.lane, "data-post": code.post, "data-code": code.code,
    "data-link": code.link },
  el("figcaption", { class: "site" }, site.name),
  el("div", { class: "where" }, el("span", { class: "lane" }, `${t("lane")} ${code.lane}`),
    el("span", { class: "post" }, w(code.post))),
  qr,
  el("p", { class: "how" }, t("scanToCheckIn")),
  el("p", { class: "text" }, code.code));
}

async function draw() {
  const siteId = new URLSearchParams(location.search).get("site");
  if (!siteId) throw new Refusal(422, { error: "invalid_request", message: t("noSiteGiven") });
  const [site, codes] = await Promise.all([get(`/sites/${siteId}`), get(`/sites/${siteId}/check-in-codes`)]);
  document.title = `${t("checkInCodes")} · ${site.name}`;
  $("bar").replaceChildren(el("strong", {}, `${t("checkInCodes")} · ${site.name}`),
    el("span", {}, `${site.grid_name} · ${t("lanes")} ${site.lanes} · ${codes.length} ${t("codesCount")}`),
    el("button", { type: "button", class: "primary", "data-act": "print", onclick: () => window.print() },
      t("print")),
    el("button", { type: "button", "data-act": "lang", onclick: () => {
      setLanguage(language() === "zh" ? "en" : "zh");
      draw().catch(fail);
    } }, t("lang")));
  const pages = [];
  for (let i = 0; i < codes.length; i += PER_PAGE) {
    pages.push(el("section", { class: "sheet" }, ...codes.slice(i, i + PER_PAGE).map((code) => card(site, code))));
  }
  $("sheets").replaceChildren(...pages);
  document.body.dataset.ready = "yes";
}

function fail(error) {
  showRefusal($("notice"), error instanceof Refusal ? error : new Refusal(0, { error: "internal_error",
    message: String(error) }));
}

if (!takeToken()) fail(new Refusal(401, { error: "unauthenticated", message: t("tokenRefused") }));
else draw().catch(fail);
