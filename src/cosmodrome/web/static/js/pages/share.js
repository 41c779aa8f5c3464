// Market share over time: each group's share of the world's launches or payloads per period,
// as stacked areas, optionally for one sector, mission or orbit regime (of each launch's primary
// payload); and a payload search that links each payload to its launch and site. State
// (grouping, measure, period, years, top, filters) lives in the URL.
import { getJSON } from "../api.js";
import { partialPeriod, stackedArea } from "../charts.js";
import { empty, fmt, h, loading, showError, sourceNote, table } from "../ui.js";

// A vocabulary of /api/vocabularies as menu options, with an "any" choice first when given.
function options(list, any) {
  const pairs = list.map((v) => [v.value, v.label]);
  return any ? [["", any], ...pairs] : pairs;
}

// A dashboard link (the router's #/page?query form) to another page with its state.
function hashFor(id, params) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return `#/${id}${query ? `?${query}` : ""}`;
}

function select(id, options, value) {
  return h("select", { id, name: id }, options.map(([v, label]) => h("option", { value: v, selected: v === value ? true : null }, label)));
}

export async function render(root, params, ctx) {
  const state = {
    by: params.by || "provider-state", measure: params.measure === "payloads" ? "payloads" : "launches",
    period: params.period || "year", from: params.from || "1990", to: params.to || "", top: params.top || "6",
    sector: params.sector || "", mission: params.mission || "", orbit: params.orbit || "",
  };
  const { vocab } = ctx;
  const dimensions = options(vocab.dimensions);
  const sector = select("share-sector", options(vocab.sectors, "any sector"), state.sector);
  const mission = select("share-mission", options(vocab.missions, "any mission"), state.mission);
  const orbit = select("share-orbit", options(vocab.regimes, "any orbit"), state.orbit);
  const by = select("share-by", dimensions, state.by);
  const period = select("share-period", options(vocab.periods), state.period);
  const from = h("input", { id: "share-from", type: "number", min: 1957, max: 2100, value: state.from });
  const to = h("input", { id: "share-to", type: "number", min: 1957, max: 2100, value: state.to, placeholder: "latest" });
  const top = h("input", { id: "share-top", type: "number", min: 1, max: 30, value: state.top });
  const measure = h("fieldset", { class: "toggle" }, h("legend", {}, "Share of"),
    ["launches", "payloads"].map((m) => h("label", {}, h("input", { type: "radio", name: "measure", value: m, checked: m === state.measure ? true : null }), m)));
  const form = h("form", { class: "controls", "aria-label": "Market share options" },
    h("label", { for: "share-by" }, "Group by", by), measure,
    h("label", { for: "share-period" }, "Period", period),
    h("label", { for: "share-from" }, "From year", from), h("label", { for: "share-to" }, "To year", to),
    h("label", { for: "share-top" }, "Groups shown", top),
    h("fieldset", { class: "toggle", id: "share-filters" }, h("legend", {}, "Launches whose primary payload is"),
      h("label", { for: "share-sector" }, "Sector", sector), h("label", { for: "share-mission" }, "Mission", mission),
      h("label", { for: "share-orbit" }, "Orbit", orbit)),
    h("button", { type: "submit" }, "Show"));
  const search = h("input", { id: "payload-search", name: "search", type: "search", placeholder: "Arktika-M", value: params.search || "", autocomplete: "off" });
  const searchForm = h("form", { class: "controls", role: "search", "aria-label": "Find a payload" },
    h("label", { for: "payload-search" }, "Find a payload", search), h("button", { type: "submit" }, "Find"));
  const found = h("div", { id: "payload-results" });
  const body = h("div", {});
  root.append(h("h1", {}, "Market share over time"),
    h("p", { class: "lede" }, "Each group's share of the world's orbital launch attempts (or of the payloads they carried), per UTC period; the rest of the world is '(other)'."),
    form, body, h("h2", {}, "Payloads"), searchForm, found);
  let data = null;

  function draw() {
    const label = dimensions.find(([v]) => v === state.by)[1].toLowerCase();
    const key = state.measure === "payloads" ? "payload_share" : "launch_share";
    const rows = data.data.map((r) => ({ period: r.period, group: r.group, label: r.label, value: r[key] }));
    const last = data.data[data.data.length - 1];
    const partial = last ? partialPeriod(last.period, last.period_start, state.period, data.source && data.source.data_date) : null;
    if (!rows.length || rows.every((r) => !r.value)) {
      empty(body, "No launches in this period.", "Widen the years or choose another grouping.");
      return;
    }
    const range = `${rows[0].period}–${rows[rows.length - 1].period}`;
    const title = `Share of ${state.measure} by ${label}, ${range}`;
    const latest = rows.filter((r) => r.period === rows[rows.length - 1].period).sort((a, b) => (b.value || 0) - (a.value || 0));
    const latestNote = partial && partial.period === String(latest[0].period) ? ` (partial: data to ${partial.through})` : "";
    body.replaceChildren(stackedArea(rows, { title, source: sourceNote(data.source, "launches counted once per GCAT launch tag"), partial }),
      table(latest, [{ key: "label", label: "Group" }, { key: "value", label: `Share of ${state.measure}`, num: true, format: fmt.pct }],
        `Shares in ${latest[0].period}${latestNote}`));
  }

  async function load() {
    loading(body, "Loading market shares…");
    try {
      data = await getJSON("share", { by: state.by, period: state.period, from: state.from, to: state.to, top: state.top,
        sector: state.sector, mission: state.mission, orbit: state.orbit }, { signal: ctx.signal });
    } catch (error) {
      if (error.name !== "AbortError") showError(body, error);
      return;
    }
    draw();
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "measure" && data) {  // no new request: both shares are loaded
      state.measure = event.target.value;
      ctx.update(state);
      draw();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { by: by.value, period: period.value, from: from.value, to: to.value, top: top.value,
      measure: form.querySelector("input[name=measure]:checked").value,
      sector: sector.value, mission: mission.value, orbit: orbit.value });
    ctx.update(state);
    load();
  });
  async function findPayloads(text) {
    if (!text.trim()) { found.replaceChildren(); return; }
    loading(found, "Searching payloads…");
    let page;
    try {
      page = await getJSON("payloads", { search: text, limit: 50 }, { signal: ctx.signal });
    } catch (error) {
      if (error.name !== "AbortError") showError(found, error, (name) => { search.value = name; findPayloads(name); });
      return;
    }
    const launchLink = (r) => hashFor("launches", { site: r.site, from: fmt.day(r.launch_time_utc), to: fmt.day(r.launch_time_utc), sort: "time_utc" });
    found.replaceChildren(table(page.data, [
      { key: "name", label: "Payload" },
      { key: "launch_time_utc", label: "Launch", format: fmt.day, link: launchLink },
      { key: "site_name", label: "Site", link: (r) => hashFor("site", { name: r.site_name || r.site }) },
      { key: "owner_name", label: "Owner", format: (v, r) => v ?? r.owner ?? "" }, { key: "sector", label: "Sector" },
      { key: "mission_name", label: "Mission", format: (v, r) => v ?? r.mission ?? "" },
      { key: "orbit_regime", label: "Orbit" },
      { key: "perigee_km", label: "Perigee (km)", num: true, format: fmt.int },
      { key: "apogee_km", label: "Apogee (km)", num: true, format: fmt.int },
      { key: "mass_kg", label: "Mass (kg)", num: true, format: (v) => (v === null || v === undefined ? "unknown" : fmt.int(v)) },
      { key: "mass_source", label: "Mass from", format: (v) => ({ satcat: "GCAT satcat", auxcat: "GCAT auxcat", ucs: "UCS" }[v] || "") },
    ], `${page.total.toLocaleString("en")} payloads named like “${text}”${page.total > page.data.length ? ` (first ${page.data.length})` : ""}`),
    sourceNote(page.source, "orbit: GCAT's disposition orbit; mass: GCAT satcat/auxcat, else UCS (mass source column), unknown when not recorded"));
  }

  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.update({ ...state, search: search.value });
    findPayloads(search.value);
  });
  await load();
  if (params.search) await findPayloads(params.search);
}
