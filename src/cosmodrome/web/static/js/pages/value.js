// Launch value: what the world's launches were worth per year, stacked by provider, with the
// range of each year's total shaded; captive launches (a provider launching its own payload,
// Starlink) shown apart, never in the market bars; and the dated, sourced prices of a vehicle.
// State (years, providers shown, sector, vehicle) lives in the URL.
import { getJSON } from "../api.js";
import { valueBars } from "../charts.js";
import { empty, fmt, h, loading, showError, sourceNote, table } from "../ui.js";

const money = (v) => (v === null || v === undefined ? "unknown" : fmt.int(Math.round(v)));

// Market rows (captive left out) per period, the top providers by total value as series and
// the rest summed as "(other)"; ranges: each period's total low and high.
export function byProvider(data, top) {
  const market = data.filter((r) => !r.captive);
  const totals = new Map();
  for (const r of market) totals.set(r.group, (totals.get(r.group) || 0) + (r.value_musd || 0));
  const kept = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([g]) => g);
  const labels = new Map(market.map((r) => [r.group, r.label]));
  const series = kept.map((g) => ({ key: g, label: labels.get(g) }));
  if (totals.size > kept.length) series.push({ key: "(other)", label: "(other)" });
  const periods = [...new Set(data.map((r) => r.period))];
  const rows = periods.map((p) => {
    const row = { period: p };
    for (const s of series) row[s.key] = 0;
    for (const r of market.filter((m) => m.period === p)) {
      row[kept.includes(r.group) ? r.group : "(other)"] += r.value_musd || 0;
    }
    return row;
  });
  const ranges = periods.map((p) => {
    const here = market.filter((r) => r.period === p);
    return { period: p, low: here.reduce((s, r) => s + (r.low_musd || 0), 0), high: here.reduce((s, r) => s + (r.high_musd || 0), 0) };
  });
  return { rows, series, ranges };
}

// One line per period: market value and range, captive value, launches valued of all.
function yearly(data) {
  const periods = [...new Set(data.map((r) => r.period))];
  return periods.map((p) => {
    const here = data.filter((r) => r.period === p);
    const sum = (rows, key) => rows.reduce((s, r) => s + (r[key] || 0), 0);
    const market = here.filter((r) => !r.captive);
    const captive = here.filter((r) => r.captive);
    return {
      period: p, value: sum(market, "value_musd"), range: `${money(sum(market, "low_musd"))}–${money(sum(market, "high_musd"))}`,
      captive: sum(captive, "value_musd"), valued: `${fmt.int(sum(here, "launches_valued"))} of ${fmt.int(sum(here, "launches"))}`,
    };
  });
}

export async function render(root, params, ctx) {
  const state = { from: params.from || "2015", to: params.to || "", top: params.top || "6",
    sector: params.sector || "", vehicle: params.vehicle || "Falcon 9" };
  const from = h("input", { id: "value-from", type: "number", min: 1957, max: 2100, value: state.from });
  const to = h("input", { id: "value-to", type: "number", min: 1957, max: 2100, value: state.to, placeholder: "latest" });
  const top = h("input", { id: "value-top", type: "number", min: 1, max: 12, value: state.top });
  // Sectors from /api/vocabularies, "any customer" first.
  const sectors = [["", "any customer"], ...ctx.vocab.sectors.map((v) => [v.value, v.label])];
  const sector = h("select", { id: "value-sector" }, sectors.map(([v, label]) => h("option", { value: v, selected: v === state.sector ? true : null }, label)));
  const form = h("form", { class: "controls", "aria-label": "Launch value options" },
    h("label", { for: "value-from" }, "From year", from), h("label", { for: "value-to" }, "To year", to),
    h("label", { for: "value-top" }, "Providers shown", top), h("label", { for: "value-sector" }, "Customer sector", sector),
    h("button", { type: "submit" }, "Show"));
  const vehicle = h("input", { id: "value-vehicle", type: "search", value: state.vehicle, autocomplete: "off" });
  const priceForm = h("form", { class: "controls", role: "search", "aria-label": "Prices of a vehicle" },
    h("label", { for: "value-vehicle" }, "Vehicle", vehicle), h("button", { type: "submit" }, "Prices"));
  const body = h("div", {});
  const prices = h("div", { id: "value-prices" });
  root.append(h("h1", {}, "Launch value"),
    h("p", { class: "lede" }, "What launches were worth, in millions of constant US dollars: each launch at its configuration's price in its year, else carried from the nearest dated price with a range that widens with the distance, else unknown (counted, never 0). Captive launches (a provider launching its own payload) are shown apart."),
    form, body, h("h2", {}, "Prices"), priceForm, prices);

  async function load() {
    loading(body, "Loading launch values…");
    let answer;
    try {
      answer = await getJSON("value", { by: "provider", from: state.from, to: state.to, sector: state.sector }, { signal: ctx.signal });
    } catch (error) {
      if (error.name !== "AbortError") showError(body, error);
      return;
    }
    const data = answer.data;
    if (!data.length) {
      empty(body, "No launches in these years.", "Widen the years or choose another sector.");
      return;
    }
    const dollars = data[0].dollar_year;
    const { rows, series, ranges } = byProvider(data, Number(state.top) || 6);
    const title = `Launch value per year by provider, ${rows[0].period}–${rows[rows.length - 1].period} (US$ millions of ${dollars})`;
    const note = sourceNote(answer.source, `prices: Next Spaceflight, CSIS, cited contracts; constant dollars of ${dollars} by the US CPI-U; captive launches left out`);
    body.replaceChildren(valueBars(rows, series, ranges, { title, source: note, yLabel: `US$ millions (${dollars})` }),
      table(yearly(data), [{ key: "period", label: "Year" }, { key: "value", label: "Market value", num: true, format: money },
        { key: "range", label: "Range", num: true }, { key: "captive", label: "Captive value", num: true, format: money },
        { key: "valued", label: "Launches valued", num: true }], "Per year: market value, its range, captive launches apart"));
  }

  async function loadPrices() {
    if (!state.vehicle.trim()) { prices.replaceChildren(); return; }
    loading(prices, "Loading prices…");
    let answer;
    try {
      answer = await getJSON("prices", { vehicle: state.vehicle }, { signal: ctx.signal });
    } catch (error) {
      if (error.name !== "AbortError") showError(prices, error, (name) => { vehicle.value = name; state.vehicle = name; loadPrices(); });
      return;
    }
    prices.replaceChildren(table(answer.data, [
      { key: "vehicle", label: "As the source writes it", narrow: false }, { key: "year", label: "Year", num: true },
      { key: "amount", label: "Amount (US$ M)", num: true, format: (v) => fmt.num(v, 2) },
      { key: "kind", label: "Kind", narrow: false }, { key: "musd", label: "Constant US$ M", num: true, format: (v) => fmt.num(v, 1) },
      { key: "source", label: "Source", wrap: true },
    ], `${answer.total} price points of ${state.vehicle}`));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { from: from.value, to: to.value, top: top.value, sector: sector.value });
    ctx.update(state);
    load();
  });
  priceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    state.vehicle = vehicle.value;
    ctx.update(state);
    loadPrices();
  });
  await Promise.all([load(), loadPrices()]);
}
