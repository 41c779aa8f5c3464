// The launch log with every catalog filter, sorting, pages and a CSV download of the matches.
import { apiUrl, getJSON } from "../api.js";
import { partialPeriod, stackedBars } from "../charts.js";
import { clearFieldErrors, empty, fmt, h, loading, showError, sourceNote, table } from "../ui.js";

// GCAT's four outcomes, bottom to top of the stacked bars.
const OUTCOME_SERIES = [
  { key: "success", label: "success", colour: "#23733a" },
  { key: "partial_success", label: "partial success", colour: "#7fb58e" },
  { key: "partial_failure", label: "partial failure", colour: "#d98c2b" },
  { key: "failure", label: "failure", colour: "#b3261e" },
];

// What the filters say, in words, for the chart's title: "Launches per year, site Kourou, from 2020-01-01".
function described(filters) {
  const parts = Object.entries(filters)
    .filter(([key]) => !["sort", "order", "offset"].includes(key))
    .map(([key, value]) => `${key.replace(/_/g, " ")} ${value}`);
  return parts.length ? `, ${parts.join(", ")}` : ", all launches";
}

const FILTERS = [
  { key: "site", label: "Site", placeholder: "Baikonur" },
  { key: "pad", label: "Pad", placeholder: "Gagarin", size: 8 },
  { key: "vehicle", label: "Vehicle or family", placeholder: "Soyuz-2" },
  { key: "provider", label: "Provider", placeholder: "SpaceX" },
  { key: "owner", label: "Customer (owner)", placeholder: "Eutelsat" },
  { key: "provider_state", label: "Provider state", placeholder: "Russia", size: 8, list: "state-names" },
  { key: "owner_state", label: "Customer state", placeholder: "GB", size: 8, list: "state-names" },
  { key: "from", label: "From (UTC day)", placeholder: "2022-01-01", size: 10 },
  { key: "to", label: "To (UTC day)", placeholder: "2022-12-31", size: 10 },
];
// Menus from /api/vocabularies (value, label), "any" first where a filter may be left out.
function menus(vocab) {
  const any = (list) => [{ value: "", label: "any" }, ...list];
  return [
    { key: "outcome", label: "Outcome", options: any(vocab.outcome_filters) },
    { key: "orbit_class", label: "Class", options: any(vocab.orbit_classes) },
    { key: "sector", label: "Sector (primary payload)", options: any(vocab.sectors) },
    { key: "mission", label: "Mission (primary payload)", options: any(vocab.missions) },
    { key: "orbit", label: "Orbit (primary payload)", options: any(vocab.regimes) },
    { key: "sort", label: "Sort by", options: vocab.launch_sort },
    { key: "order", label: "Order", options: [{ value: "desc", label: "newest first" }, { value: "asc", label: "oldest first" }] },
  ];
}
const PAGE = 50;

// A launch's payload names for a table cell: the first three and how many more.
function names(list) {
  if (!Array.isArray(list)) return list ?? "";
  return list.length > 3 ? `${list.slice(0, 3).join(", ")} and ${list.length - 3} more` : list.join(", ");
}

export async function render(root, params, ctx) {
  const SELECTS = menus(ctx.vocab);
  // Links made before the provider field had its name still work.
  if (params.agency && !params.provider) { params.provider = params.agency; delete params.agency; }
  const state = { sort: "time_utc", order: "desc", offset: "0", ...params };
  const controls = {};
  const inputs = FILTERS.map((f) => {
    controls[f.key] = h("input", { id: `f-${f.key}`, name: f.key, value: state[f.key] || "", placeholder: f.placeholder, size: f.size || 12, autocomplete: "off", list: f.list });
    return h("label", { for: `f-${f.key}` }, f.label, controls[f.key]);
  });
  const selects = SELECTS.map((s) => {
    controls[s.key] = h("select", { id: `f-${s.key}`, name: s.key },
      s.options.map((o) => h("option", { value: o.value, selected: (state[s.key] || "") === o.value }, o.label)));
    return h("label", { for: `f-${s.key}` }, s.label, controls[s.key]);
  });
  // States by name as people type them; the API reads a name, an ISO code or GCAT's code.
  const stateNames = h("datalist", { id: "state-names" }, ctx.vocab.states.map((s) => h("option", { value: s.label.replace(/ \([^)]*\)$/, "") })));
  const form = h("form", { class: "controls", role: "search", "aria-label": "Filter launches" },
    inputs, selects, stateNames, h("button", { type: "submit" }, "Apply"),
    h("button", { type: "reset", class: "secondary" }, "Clear"));
  const download = h("a", { class: "button secondary", id: "csv-download", download: "launches.csv", href: "#" }, "Download CSV");
  const summary = h("p", { id: "launch-summary", role: "status", "aria-live": "polite" });
  // What each typed name matched, where not plain ("Proton-M: 4 configurations (…); 115
  // launches"), as the CLI prints it under its table: plain text, one line a name.
  const matched = h("div", { id: "launch-matched", class: "matched", "aria-live": "polite" });
  const body = h("div", { id: "launch-rows" });
  const chart = h("div", { id: "launch-chart" });
  root.append(h("h1", {}, "Launches"), h("p", { class: "lede" }, "One row per launch (GCAT launch log). Names are matched the way people write them."),
    form, matched, chart, h("div", { class: "pager" }, summary, download), body);

  function filters() {
    const out = {};
    for (const key of [...FILTERS.map((f) => f.key), ...SELECTS.map((s) => s.key)]) {
      const value = state[key];
      if (value) out[key] = value;
    }
    return out;
  }

  // The filtered launches per year, stacked by outcome: the picture before the rows.
  async function drawChart() {
    let years;
    try {
      years = await getJSON("launches/per-year", filters(), { signal: ctx.signal });
    } catch (error) {
      chart.replaceChildren();  // the table below says what went wrong
      return;
    }
    if (!years.data.length || !years.data.some((r) => r.launches)) { chart.replaceChildren(); return; }
    const rows = years.data.map((r) => ({ ...r, year: String(r.year) }));
    const last = years.data[years.data.length - 1];
    const partial = partialPeriod(last.year, `${last.year}-01-01`, "year", years.source && years.source.data_date);
    const title = `Launches per year by outcome${described(filters())}`;
    chart.replaceChildren(stackedBars(rows, OUTCOME_SERIES, { title, source: sourceNote(years.source), partial, height: 260 }));
  }

  async function draw() {
    clearFieldErrors(form);
    drawChart();
    loading(body, "Loading launches…");
    download.href = apiUrl("launches", { ...filters(), format: "csv" });
    let page;
    try {
      page = await getJSON("launches", { ...filters(), limit: PAGE, offset: state.offset }, { signal: ctx.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      summary.textContent = "";
      matched.replaceChildren();
      showError(body, error, (name) => {
        const key = FILTERS.find((f) => (state[f.key] || "").length && controls[f.key].value === state[f.key] && error.message.includes(`'${state[f.key]}'`));
        if (key) { controls[key.key].value = name; form.requestSubmit(); }
      }, { ...controls, start: controls.from, end: controls.to });
      return;
    }
    matched.replaceChildren(...(page.matched || []).map((line) => h("p", {}, line)));
    const first = page.total ? page.offset + 1 : 0;
    const last = page.offset + page.data.length;
    summary.textContent = `${fmt.int(first)}–${fmt.int(last)} of ${fmt.int(page.total)} launches`;
    if (!page.total) {
      empty(body, "No launches match these filters.", "Remove a filter or widen the dates.");
      return;
    }
    const rows = table(page.data, [
      { key: "time_utc", label: "Time (UTC)", format: fmt.time },
      { key: "launch_tag", label: "Tag", more: true },
      { key: "vehicle", label: "Vehicle" },
      { key: "site_name", label: "Site", link: (r) => `#/site?name=${encodeURIComponent(r.site)}` },
      { key: "pad_name", label: "Pad", format: (v, r) => v ?? r.pad ?? "", more: true },
      { key: "agency_name", label: "Provider", narrow: false, format: (v, r) => (v && r.provider_state_name && v !== r.provider_state_name ? `${v} (${r.provider_state_name})` : v ?? "") },
      { key: "outcome_name", label: "Outcome" },
      { key: "payload_count", label: "Payloads", num: true, narrow: false },
      // the table abbreviates; the CSV download and the API give every name
      { key: "payloads", label: "Payload names", more: true, wrap: true, format: (v) => names(v) },
    ], `Launches ${fmt.int(first)} to ${fmt.int(last)} of ${fmt.int(page.total)}`);
    const move = (offset) => { state.offset = String(Math.max(0, offset)); ctx.update(state); draw(); };
    const pager = h("div", { class: "pager" },
      h("button", { type: "button", class: "secondary", disabled: !page.previous, onclick: () => move(page.offset - PAGE) }, "← Previous"),
      h("button", { type: "button", class: "secondary", disabled: !page.next, onclick: () => move(page.offset + PAGE) }, "Next →"));
    body.replaceChildren(rows, pager, sourceNote(page.source));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const key of Object.keys(controls)) state[key] = controls[key].value.trim();
    state.offset = "0";
    ctx.update(state);
    draw();
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      for (const key of Object.keys(state)) delete state[key];
      Object.assign(state, { sort: "time_utc", order: "desc", offset: "0" });
      for (const [key, control] of Object.entries(controls)) control.value = state[key] || "";
      ctx.update(state);
      draw();
    });
  });
  await draw();
}
