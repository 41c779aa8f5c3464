// Small DOM helpers shared by the pages: elements, loading/empty/error states, source notes.

export const d3 = window.d3;

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    // Through the CSSOM: the Content-Security-Policy refuses style="..." attributes.
    else if (key === "style") node.style.cssText = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function loading(container, text = "Loading…") {
  container.replaceChildren(h("div", { class: "status", role: "status", "aria-live": "polite" },
    h("span", { class: "spinner", "aria-hidden": "true" }), text));
}

export function empty(container, title, hint = "") {
  container.replaceChildren(h("div", { class: "status empty", role: "status" },
    h("strong", {}, title), hint ? h("span", {}, hint) : null));
}

// What kind of message an error is, for its heading: a mistake in the request (4xx: shown
// at its field where it has one), an unknown name, a busy server, or a fault of the server
// or the network (5xx, no answer): only these are "Something went wrong".
export function errorKind(error) {
  const status = error.status || 0;
  if (error.type === "UnknownNameError" || error.type === "NoElementsError") return { heading: "Not found", fault: false };
  if (status === 429 || (status === 503 && error.type === "BusyError")) return { heading: "The server is busy — try again in a few seconds", fault: false };
  if (status >= 400 && status < 500) return { heading: "Check this request", fault: false };
  return { heading: "Something went wrong", fault: true };
}

// An API error with its suggestions as buttons; onPick(name) retries with a suggestion.
// `fields` ({parameter: control}) puts an input mistake at the control it concerns: the one
// the server names (error.field), else the one holding the unknown name (error.unknown).
export function showError(container, error, onPick, fields = null) {
  const suggestions = (error.suggestions || []).map((name) =>
    h("button", { type: "button", class: "secondary", onclick: () => onPick && onPick(name) }, name));
  const kind = errorKind(error);
  const control = kind.fault ? null : controlFor(error, fields || formFields());
  const message = h("div", { class: `status ${kind.fault ? "error" : "mistake"}`, role: "alert" },
    h("strong", {}, kind.heading),
    h("span", {}, error.message || String(error)),
    suggestions.length ? h("div", { class: "suggestions" }, h("span", {}, "Did you mean:"), suggestions) : null);
  if (control) {
    markField(control, message);
    container.replaceChildren();
    return;
  }
  container.replaceChildren(message);
}

// The page's form controls by their names, which are the API's parameter names.
function formFields() {
  return Object.fromEntries([...document.querySelectorAll("#view form.controls [name]")]
    .filter((c) => c.type !== "radio" && c.type !== "checkbox").map((c) => [c.name, c]));
}

// A new request clears the messages the last one left at its fields.
document.addEventListener("submit", (event) => clearFieldErrors(event.target), true);

function controlFor(error, fields) {
  if (error.field && fields[error.field]) return fields[error.field];
  if (!error.unknown) return null;
  const typed = String(error.unknown).trim().toLowerCase();
  return Object.values(fields).find((c) => c && c.value && c.value.trim().toLowerCase() === typed) || null;
}

// A message placed right under its control, linked to it for screen readers; cleared by
// clearFieldErrors (call it before each new request).
function markField(control, message) {
  const id = `${control.id || control.name}-error`;
  message.id = id;
  message.classList.add("field-error");
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", id);
  const label = control.closest("label") || control;
  label.classList.add("invalid");
  label.after(message);
  control.focus({ preventScroll: false });
}

export function clearFieldErrors(form) {
  if (!form) return;
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  }
  for (const node of form.querySelectorAll("label.invalid")) node.classList.remove("invalid");
}

// A valid answer that is "none" (no window, no launch): said as an answer, not an error.
export function answer(container, title, text) {
  container.replaceChildren(h("div", { class: "status answer", role: "status" },
    h("strong", {}, title), text ? h("span", {}, text) : null));
}

export function sourceNote(source, extra = "") {
  const parts = [`Data: GCAT, J. McDowell, CC BY 4.0`];
  if (source && source.data_date) parts.push(`data to ${source.data_date}`);
  if (extra) parts.push(extra);
  return h("p", { class: "source" }, parts.join(" · "));
}

// Display precision: the server's rules (cosmodrome/display.py, sent in /api/meta as
// `display`), so that a quantity is rounded alike in the dashboard, the CLI and the report.
let RULES = null;
export function setDisplayRules(rules) { RULES = rules || null; }

function quantityOf(column) {
  if (!RULES || !column) return null;
  return RULES.quantities.find((q) => q.names.includes(column)
    || q.suffixes.some((s) => column.endsWith(s) && column.length > s.length)
    || q.prefixes.some((p) => column.startsWith(p))) || null;
}

// A number at `digits` decimals; a zero never carries a sign ("-0.0" is "0.0").
const number = (v, digits) => Number(v).toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits })
  .replace(/^-(?=0(\.0+)?$)/, "");
// A time to the second, in UTC: "2025-10-01 08:06:45 UTC" (no microseconds).
const toSecond = (v) => String(v).replace("T", " ").replace(/\.\d+/, "").replace(/(Z|\+00:00)$/, " UTC");

export const fmt = {
  int: (v) => (v === null || v === undefined ? "" : Number(v).toLocaleString("en")),
  pct: (v) => (v === null || v === undefined ? "" : `${(100 * v).toFixed(1)} %`),
  num: (v, digits = 1) => (v === null || v === undefined ? "" : Number(v).toFixed(digits).replace(/^-(?=0(\.0+)?$)/, "")),
  day: (v) => (v ? String(v).slice(0, 10) : ""),
  time: (v) => (v ? toSecond(v) : ""),
  // A value of `column` at the precision of the quantity its name says (angles 0.1 deg,
  // masses 1 kg, shares 0.1 %, times to the second; see /api/meta `display`).
  q: (column, v) => {
    if (v === null || v === undefined || v === "") return "";
    const q = quantityOf(column);
    if (q && q.name === "time") return toSecond(v);
    if (typeof v !== "number") return String(v);
    if (q && q.name === "identifier") return String(v);
    if (!q) return Number.isInteger(v) ? v.toLocaleString("en") : number(v, RULES ? RULES.default_decimals : 3).replace(/\.?0+$/, "");
    const scaled = v * q.scale;
    let text = number(scaled, q.decimals);
    if (q.trim && text.includes(".")) text = text.replace(/\.?0+$/, "");
    if (scaled !== 0 && Number(text.replace(/,/g, "")) === 0) return `< ${10 ** -q.decimals}${q.unit}`;
    return text + q.unit;
  },
};

// A table in a keyboard-scrollable wrapper. columns: [{key, label, num, format, link, wrap,
// more, narrow}]. The reader's columns show at once; those marked `more` (and, on a phone,
// those marked `narrow: false`) wait behind a "More columns" button, so that the reader's
// columns fit the screen without sideways scrolling.
export function table(rows, columns, caption) {
  const cls = (c) => [c.num ? "num" : (c.wrap ? "wrap" : null), c.more ? "more" : null, c.narrow === false ? "more-narrow" : null]
    .filter(Boolean).join(" ") || null;
  const head = h("tr", {}, columns.map((c) => h("th", { scope: "col", class: cls(c) }, c.label)));
  const body = rows.map((row) => h("tr", {}, columns.map((c) => {
    const text = c.format ? c.format(row[c.key], row) : fmt.q(c.key, row[c.key]);
    const content = c.link ? h("a", { href: c.link(row) }, text) : text;
    return h("td", { class: cls(c) }, content);
  })));
  const hidden = columns.filter((c) => c.more || c.narrow === false);
  const wrap = h("div", { class: "table-wrap", role: "region", tabindex: "0", "aria-label": caption },
    h("table", {}, h("caption", {}, caption), h("thead", {}, head), h("tbody", {}, body)));
  // Say so in the caption when columns are out of view (re-checked whenever the box resizes).
  if (window.ResizeObserver) {
    new ResizeObserver(() => wrap.classList.toggle("overflows", wrap.scrollWidth > wrap.clientWidth + 1)).observe(wrap);
  }
  if (!hidden.length) return wrap;
  const always = hidden.filter((c) => c.more).map((c) => c.label);
  const toggle = h("button", { type: "button", class: "secondary more-columns", "aria-expanded": "false",
    title: `Also show: ${hidden.map((c) => c.label).join(", ")}` }, "More columns");
  toggle.addEventListener("click", () => {
    const open = wrap.classList.toggle("show-more");
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Fewer columns" : "More columns";
  });
  const box = h("div", { class: `table-box${always.length ? "" : " narrow-only"}` }, toggle, wrap);
  return box;
}

let tip = null;
export function tooltip() {
  if (!tip) {
    tip = h("div", { class: "tooltip", role: "tooltip", hidden: true });
    document.body.append(tip);
  }
  return {
    show(text, x, y) {
      tip.textContent = text;
      tip.hidden = false;
      const width = tip.offsetWidth;
      tip.style.left = `${Math.min(x + 12, window.innerWidth - width - 8)}px`;
      tip.style.top = `${y + 12}px`;
    },
    hide() { tip.hidden = true; },
  };
}

// A labelled form control.
export function field(label, control) {
  return h("label", {}, label, control);
}

export function debounce(fn, ms = 250) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// A date field that reads and shows ISO 8601 days (YYYY-MM-DD) whatever the browser's locale
// (a type="date" input would show 02/24/2022 in an en-US browser).
export const ISO_DAY = { type: "text", inputmode: "numeric", pattern: "\\d{4}-\\d{2}-\\d{2}", placeholder: "YYYY-MM-DD", size: 11, title: "A UTC day, YYYY-MM-DD" };

// The day a propagation page starts on: today when the element store's epochs cover it (within
// a week), else the day of the latest epoch loaded, so that the page works on a frozen store.
export function defaultDay(meta) {
  const today = new Date().toISOString().slice(0, 10);
  const elements = meta && meta.elements;
  if (!elements || !elements.epoch_to) return today;
  const last = new Date(elements.epoch_to);
  const first = new Date(elements.epoch_from);
  const now = new Date(`${today}T00:00:00Z`);
  const week = 7 * 86400e3;
  if (now >= first - week && now <= last.getTime() + week) return today;
  return elements.epoch_to.slice(0, 10);
}
