// Market share over time: each group's share of the world's launches or payloads per period,
// as stacked areas. State (grouping, measure, period, years, top) lives in the URL.
import { getJSON } from "../api.js";
import { stackedArea } from "../charts.js";
import { empty, fmt, h, loading, showError, sourceNote, table } from "../ui.js";

const DIMENSIONS = [["provider-state", "Provider state"], ["owner-state", "Customer (payload owner) state"],
  ["provider", "Provider"], ["site", "Launch site"], ["vehicle-family", "Vehicle family"]];

function select(id, options, value) {
  return h("select", { id, name: id }, options.map(([v, label]) => h("option", { value: v, selected: v === value ? true : null }, label)));
}

export async function render(root, params, ctx) {
  const state = {
    by: params.by || "provider-state", measure: params.measure === "payloads" ? "payloads" : "launches",
    period: params.period || "year", from: params.from || "1990", to: params.to || "", top: params.top || "6",
  };
  const by = select("share-by", DIMENSIONS, state.by);
  const period = select("share-period", [["year", "Year"], ["quarter", "Quarter"], ["month", "Month"]], state.period);
  const from = h("input", { id: "share-from", type: "number", min: 1957, max: 2100, value: state.from });
  const to = h("input", { id: "share-to", type: "number", min: 1957, max: 2100, value: state.to, placeholder: "latest" });
  const top = h("input", { id: "share-top", type: "number", min: 1, max: 30, value: state.top });
  const measure = h("fieldset", { class: "toggle" }, h("legend", {}, "Share of"),
    ["launches", "payloads"].map((m) => h("label", {}, h("input", { type: "radio", name: "measure", value: m, checked: m === state.measure ? true : null }), m)));
  const form = h("form", { class: "controls", "aria-label": "Market share options" },
    h("label", { for: "share-by" }, "Group by", by), measure,
    h("label", { for: "share-period" }, "Period", period),
    h("label", { for: "share-from" }, "From year", from), h("label", { for: "share-to" }, "To year", to),
    h("label", { for: "share-top" }, "Groups shown", top), h("button", { type: "submit" }, "Show"));
  const body = h("div", {});
  root.append(h("h1", {}, "Market share over time"),
    h("p", { class: "lede" }, "Each group's share of the world's orbital launch attempts (or of the payloads they carried), per UTC period; the rest of the world is '(other)'."),
    form, body);
  let data = null;

  function draw() {
    const label = DIMENSIONS.find(([v]) => v === state.by)[1].toLowerCase();
    const key = state.measure === "payloads" ? "payload_share" : "launch_share";
    const rows = data.data.map((r) => ({ period: r.period, group: r.group, label: r.label, value: r[key] }));
    if (!rows.length || rows.every((r) => !r.value)) {
      empty(body, "No launches in this period.", "Widen the years or choose another grouping.");
      return;
    }
    const range = `${rows[0].period}–${rows[rows.length - 1].period}`;
    const title = `Share of ${state.measure} by ${label}, ${range}`;
    const latest = rows.filter((r) => r.period === rows[rows.length - 1].period).sort((a, b) => (b.value || 0) - (a.value || 0));
    body.replaceChildren(stackedArea(rows, { title, source: sourceNote(data.source, "launches counted once per GCAT launch tag") }),
      table(latest, [{ key: "label", label: "Group" }, { key: "value", label: `Share of ${state.measure}`, num: true, format: fmt.pct }],
        `Shares in ${latest[0].period}`));
  }

  async function load() {
    loading(body, "Loading market shares…");
    try {
      data = await getJSON("share", { by: state.by, period: state.period, from: state.from, to: state.to, top: state.top }, { signal: ctx.signal });
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
      measure: form.querySelector("input[name=measure]:checked").value });
    ctx.update(state);
    load();
  });
  await load();
}
