// Forecasts: launches per year for one provider state, provider, site or family, as a fan
// chart (history, then the forecast median with its 80 % and 95 % bands for the next three
// years), from /api/forecast; and the reliability of a vehicle from /api/reliability.
// State (by, name) lives in the URL.
import { getJSON } from "../api.js";
import { downloads } from "../charts.js";
import { d3, empty, fmt, h, loading, showError, sourceNote, table } from "../ui.js";

const MARGIN = { top: 18, right: 16, bottom: 30, left: 46 };
const DIMENSIONS = [["provider-state", "Provider state"], ["provider", "Provider"], ["site", "Site"], ["family", "Vehicle family"]];

// A forecast probability in percent, rounded down and never 100 %: nothing here is certain.
export const chance = (v) => (v === null || v === undefined ? "" : `${Math.min(Math.floor(1000 * v) / 10, 99.9).toFixed(1)} %`);

// History (launches per year) then, per forecast year, the median and the 80/95 % bands.
export function fanChart(history, forecasts, { title, source }) {
  const view = document.getElementById("view");
  const width = Math.max(340, Math.min(900, (view ? view.clientWidth : 900) - 8));
  const height = 320;
  const last = history[history.length - 1];
  // The bands start at the last known year so the fan opens from the history line.
  const fan = [{ year: last.year, median: last.launches, low_80: last.launches, high_80: last.launches, low_95: last.launches, high_95: last.launches }, ...forecasts];
  const years = [...history.map((r) => r.year), ...forecasts.map((r) => r.year)];
  const x = d3.scaleLinear().domain(d3.extent(years)).range([MARGIN.left, width - MARGIN.right]);
  const top = Math.max(d3.max(history, (r) => r.launches) || 0, d3.max(forecasts, (r) => r.high_95) || 0, 1);
  const y = d3.scaleLinear().domain([0, top]).nice(6).range([height - MARGIN.bottom, MARGIN.top]);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
    .attr("aria-label", `${title}: launches per year ${years[0]}-${years[years.length - 1]}, forecast with 80 and 95 percent intervals`);
  svg.append("g").attr("transform", `translate(0,${height - MARGIN.bottom})`)
    .call(d3.axisBottom(x).ticks(Math.min(years.length, 10)).tickFormat(d3.format("d")))
    .call((g) => g.selectAll("text").attr("font-size", 12));
  svg.append("g").attr("transform", `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(6))
    .call((g) => g.selectAll("text").attr("font-size", 12))
    .call((g) => g.append("text").attr("x", -MARGIN.left + 4).attr("y", MARGIN.top - 6).attr("fill", "#4a5361")
      .attr("text-anchor", "start").attr("font-size", 12).text("launches per year"));
  const band = (low, high) => d3.area().x((d) => x(d.year)).y0((d) => y(d[low])).y1((d) => y(d[high]));
  svg.append("path").datum(fan).attr("class", "band-95").attr("fill", "#1f6feb").attr("fill-opacity", 0.15).attr("d", band("low_95", "high_95"));
  svg.append("path").datum(fan).attr("class", "band-80").attr("fill", "#1f6feb").attr("fill-opacity", 0.3).attr("d", band("low_80", "high_80"));
  const line = d3.line().x((d) => x(d.year)).y((d) => y(d.value));
  svg.append("path").datum(history.map((r) => ({ year: r.year, value: r.launches })))
    .attr("fill", "none").attr("stroke", "#24292f").attr("stroke-width", 2).attr("d", line);
  svg.append("path").datum(fan.map((r) => ({ year: r.year, value: r.median })))
    .attr("class", "median").attr("fill", "none").attr("stroke", "#1f6feb").attr("stroke-width", 2)
    .attr("stroke-dasharray", "5 4").attr("d", line);
  const partial = history.filter((r) => r.share_of_year < 1);
  const legend = h("ul", { class: "legend" },
    h("li", {}, h("span", { class: "swatch", style: "background:#24292f" }), "launches (history)"),
    h("li", {}, h("span", { class: "swatch", style: "background:#1f6feb" }), "forecast median"),
    h("li", {}, h("span", { class: "swatch", style: "background:rgba(31,111,235,0.3)" }), "80 % interval"),
    h("li", {}, h("span", { class: "swatch", style: "background:rgba(31,111,235,0.15)" }), "95 % interval"));
  const notes = partial.length ? h("p", { class: "muted" }, `${partial.map((r) => r.year).join(", ")}: part of the year only (${fmt.pct(partial[0].share_of_year)} covered)`) : null;
  const data = table([...history.map((r) => ({ year: r.year, launches: r.launches })),
    ...forecasts.map((r) => ({ year: r.year, median: r.median, i80: `${r.low_80}–${r.high_80}`, i95: `${r.low_95}–${r.high_95}` }))],
  [{ key: "year", label: "Year" }, { key: "launches", label: "Launches", num: true }, { key: "median", label: "Forecast median", num: true },
    { key: "i80", label: "80 %", num: true }, { key: "i95", label: "95 %", num: true }], `${title} (data)`);
  return h("figure", { class: "chart fan" }, h("h2", {}, title), legend, svg.node(), notes, source,
    downloads(svg.node(), title, source), h("details", {}, h("summary", {}, "Show the numbers"), data));
}

export async function render(root, params, ctx) {
  const state = { by: params.by || "provider-state", name: params.name || "" };
  const by = h("select", { id: "forecast-by" }, DIMENSIONS.map(([v, label]) => h("option", { value: v, selected: v === state.by ? true : null }, label)));
  const name = h("select", { id: "forecast-name" });
  const form = h("form", { class: "controls", "aria-label": "Forecast options" },
    h("label", { for: "forecast-by" }, "Group by", by), h("label", { for: "forecast-name" }, "Which", name),
    h("button", { type: "submit" }, "Show"));
  const body = h("div", {});
  root.append(h("h1", {}, "Forecasts"),
    h("p", { class: "lede" }, "Launches in the coming years as a predictive distribution: a negative binomial over the last eight years' trend, plus scheduled first flights of new vehicle families weighted by their launch probability. The bands are 80 % and 95 % intervals; docs/FORECASTS.md has the model and its backtest."),
    form, body);

  let answers = [];
  async function load() {
    loading(body, "Loading forecasts…");
    try {
      const first = await getJSON("forecast", { by: state.by }, { signal: ctx.signal });
      const more = await Promise.all([first.year + 1, first.year + 2].map((year) => getJSON("forecast", { by: state.by, year }, { signal: ctx.signal })));
      answers = [first, ...more];
    } catch (error) {
      if (error.name !== "AbortError") showError(body, error);
      return;
    }
    const names = answers[0].data.map((r) => r.name);
    if (!names.length) { empty(body, "Nothing to forecast.", "Choose another grouping."); return; }
    if (!names.includes(state.name)) state.name = names[0];
    name.replaceChildren(...names.map((n) => h("option", { value: n, selected: n === state.name ? true : null }, n)));
    draw();
  }

  function draw() {
    const rows = answers.map((a) => a.data.find((r) => r.name === state.name)).filter(Boolean);
    const rests = answers[0].rests_on;
    const title = `Launches per year, ${state.name}: history and forecast to ${rows[rows.length - 1].year}`;
    const note = sourceNote(answers[0].source, `model: ${rests.model}; years ${rests.years[0]}–${rests.years[1]}; manifest: ${rests.manifest}`);
    body.replaceChildren(fanChart(rows[0].history, rows, { title, source: note }));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const changed = by.value !== state.by;
    Object.assign(state, { by: by.value, name: changed ? "" : name.value });
    ctx.update(state);
    if (changed) load(); else draw();
  });
  name.addEventListener("change", () => { state.name = name.value; ctx.update(state); draw(); });
  await load();
}
