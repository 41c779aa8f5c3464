// One spaceport: totals, launches per year with event markers, pads, names over time and,
// where the analytics module is installed, vehicles and foreign customers.
import { getJSON } from "../api.js";
import { partialPeriod, stackedBars } from "../charts.js";
import { d3, empty, fmt, h, loading, showError, sourceNote, table } from "../ui.js";

let siteList = null;

async function siteOptions(signal) {
  if (!siteList) siteList = (await getJSON("sites", {}, { signal })).data;
  return siteList;
}

export async function render(root, params, ctx) {
  const state = { name: params.name || "Baikonur", from: params.from || "", to: params.to || "" };
  const nameInput = h("input", { id: "site-name", name: "name", value: state.name, list: "site-options", autocomplete: "off", required: true });
  const fromInput = h("input", { id: "site-from", name: "from", type: "number", min: 1957, max: 2100, value: state.from, placeholder: "first" });
  const toInput = h("input", { id: "site-to", name: "to", type: "number", min: 1957, max: 2100, value: state.to, placeholder: "latest" });
  const options = h("datalist", { id: "site-options" });
  const form = h("form", { class: "controls", "aria-label": "Choose a site and period" },
    h("label", { for: "site-name" }, "Site (name or code)", nameInput), options,
    h("label", { for: "site-from" }, "From year", fromInput),
    h("label", { for: "site-to" }, "To year", toInput),
    h("button", { type: "submit" }, "Show"));
  const heading = h("h1", {}, "Site profile");
  const body = h("div", {});
  root.append(heading, form, body);
  siteOptions(ctx.signal).then((sites) => options.replaceChildren(...sites.map((s) =>
    h("option", { value: s.site_name }, `${s.site} · ${s.host_country_name || s.host_country} · ${s.launches} launches`)))).catch(() => {});

  async function draw() {
    loading(body, `Loading ${state.name}…`);
    const period = { from: state.from, to: state.to ? `${state.to}-12-31` : "" };
    let profile;
    let extra = null;
    try {
      profile = await getJSON(`sites/${encodeURIComponent(state.name)}`, period, { signal: ctx.signal });
      if (ctx.meta.features.includes("analytics")) {
        extra = await getJSON(`sites/${encodeURIComponent(state.name)}/profile`, period, { signal: ctx.signal }).catch(() => null);
      }
    } catch (error) {
      if (error.name === "AbortError") return;
      showError(body, error, (name) => { nameInput.value = name; form.requestSubmit(); });
      heading.textContent = "Site profile";
      return;
    }
    heading.textContent = `${profile.name} (${profile.sites.join(", ")})`;
    const t = profile.totals;
    const ranged = Boolean(state.from || state.to);
    const range = ranged ? `${state.from || "first"}–${state.to || "latest"}` : "all years";
    const years = profile.launches_per_year;
    const statItem = (value, label) => h("li", {}, h("span", { class: "value" }, value), h("span", { class: "label" }, label));
    const place = statItem(`${fmt.q("lat_deg", profile.lat_deg)}°, ${fmt.q("lon_deg", profile.lon_deg)}°`, "lat, lon");
    const allTime = [["launches", t.launches], ["successes", t.successes], ["failures", t.failures], ["payloads", t.payloads]];
    const activeAll = `${fmt.day(t.first_launch).slice(0, 4)}–${fmt.day(t.last_launch).slice(0, 4)}`;
    let stats;
    if (!ranged) {
      stats = h("ul", { class: "stats", "aria-label": "All-time totals" },
        allTime.map(([label, value]) => statItem(fmt.int(value), label)), statItem(activeAll, "active"), place);
    } else {
      // Headline figures for the chosen period (from the per-year counts; payloads from the
      // analytics vehicles table when it is there), with the all-time totals on a line below.
      const active = years.filter((r) => r.launches > 0);
      const figures = [["launches", d3.sum(years, (r) => r.launches)], ["successes", d3.sum(years, (r) => r.successes)],
        ["failures", d3.sum(years, (r) => r.failures)]];
      if (extra) figures.push(["payloads", d3.sum(extra.vehicles, (r) => r.payloads)]);
      stats = h("div", { class: "stats-block" },
        h("ul", { class: "stats", "aria-label": `Totals in ${range}` },
          h("li", { class: "stats-period" }, h("span", { class: "value" }, range), h("span", { class: "label" }, "period shown")),
          figures.map(([label, value]) => statItem(fmt.int(value), label)),
          active.length ? statItem(`${active[0].year}–${active[active.length - 1].year}`, "launch years in period") : null,
          place),
        h("p", { class: "stats-all-time muted" }, "All time: ",
          allTime.map(([label, value]) => `${fmt.int(value)} ${label}`).join(", "), `, active ${activeAll}.`));
    }
    const parts = [stats];
    const title = `Launches per year at ${profile.name}, ${range}`;
    if (years.length) {
      const rows = years.map((r) => ({ year: String(r.year), successes: r.successes, failures: r.failures }));
      // The year the data end in is incomplete (GCAT to 2024-12-08): marked, not compared.
      const through = profile.source && profile.source.data_date;
      const last = years[years.length - 1];
      const partial = partialPeriod(last.year, `${last.year}-01-01`, "year", through);
      parts.push(stackedBars(rows, [
        { key: "successes", label: "successes", colour: "#23733a" },
        { key: "failures", label: "failures", colour: "#b3261e" },
      ], { title, source: sourceNote(profile.source), events: (extra && extra.events) || [], partial }));
    } else {
      const box = h("div", {});
      empty(box, `No launches from ${profile.name} in ${range}.`, "Widen the period.");
      parts.push(h("h2", {}, title), box);
    }
    const launchesLink = `#/launches?${new URLSearchParams(Object.entries({ site: state.name, from: state.from, to: state.to ? `${state.to}-12-31` : "" }).filter(([, v]) => v))}`;
    parts.push(h("p", {}, h("a", { href: launchesLink }, `List these launches`)));
    const grid = h("div", { class: "grid cards-wide" });
    grid.append(h("section", { class: "card", "aria-labelledby": "pads-h" }, h("h2", { id: "pads-h" }, "Pads (all time)"),
      profile.pads.length ? table(profile.pads, [
        { key: "pad_name", label: "Pad" }, { key: "launches", label: "Launches", num: true, format: fmt.int },
        { key: "first_launch", label: "First", format: fmt.day, narrow: false }, { key: "last_launch", label: "Last", format: fmt.day, narrow: false },
      ], `Pads of ${profile.name}`) : h("p", {}, "No pads recorded."), sourceNote(profile.source)));
    grid.append(h("section", { class: "card", "aria-labelledby": "names-h" }, h("h2", { id: "names-h" }, "Names over time"),
      table(profile.history, [
        { key: "code", label: "Code" }, { key: "name", label: "Name" }, { key: "state_code_name", label: "State", format: (v, r) => v ?? r.state_code ?? "" },
        { key: "valid_from", label: "From", format: fmt.day }, { key: "valid_to", label: "To", format: (v) => fmt.day(v) || "now" },
      ], `Codes and names of ${profile.name}`), sourceNote(profile.source)));
    if (extra) {
      grid.append(h("section", { class: "card", "aria-labelledby": "veh-h" }, h("h2", { id: "veh-h" }, `Vehicles, ${range}`),
        extra.vehicles.length ? table(extra.vehicles, [
          { key: "vehicle_family", label: "Vehicle family" }, { key: "launches", label: "Launches", num: true, format: fmt.int },
          { key: "payloads", label: "Payloads", num: true, format: fmt.int },
        ], `Vehicles launched from ${profile.name}, ${range}`) : h("p", {}, "No launches in this period."),
        sourceNote(profile.source)));
      grid.append(h("section", { class: "card", "aria-labelledby": "cust-h" }, h("h2", { id: "cust-h" }, `Foreign customers, ${range}`),
        h("p", { class: "muted" }, "Payload owners from another state than the launch provider's."),
        extra.customers.length ? table(extra.customers.slice(0, 25), [
          { key: "customer_name", label: "Customer", wrap: true }, { key: "owner_state_name", label: "State", format: (v, r) => v ?? r.owner_state ?? "" },
          { key: "payloads", label: "Payloads", num: true, format: fmt.int },
          { key: "first_launch", label: "First", format: fmt.day, narrow: false }, { key: "last_launch", label: "Last", format: fmt.day, narrow: false },
        ], `Foreign customers at ${profile.name}, ${range}`) : h("p", {}, "No foreign customers in this period."),
        sourceNote(profile.source)));
    }
    if (ctx.meta.features.includes("schedule")) {
      const { upcomingPanel } = await import("./slips.js");
      grid.append(await upcomingPanel(state.name, ctx.signal).catch(() => h("p", {}, "")));
    }
    parts.push(grid);
    if (extra && extra.event_effects.length) {
      parts.push(h("section", { "aria-labelledby": "events-h" }, h("h2", { id: "events-h" }, `Launch rate around events (${extra.window_years} years before and after)`),
        table(extra.event_effects, [
          { key: "event_date", label: "Date", format: fmt.day }, { key: "event", label: "Event", wrap: true },
          { key: "rate_before_per_yr", label: "Per year before", num: true, format: (v) => fmt.q("rate_before_per_yr", v) },
          { key: "rate_after_per_yr", label: "Per year after", num: true, format: (v) => fmt.q("rate_after_per_yr", v) },
          { key: "rate_ratio", label: "After ÷ before", num: true, format: (v, r) => `${fmt.q("rate_ratio", v)} (${fmt.q("rate_ratio", r.rate_ratio_low)}–${fmt.q("rate_ratio", r.rate_ratio_high)})` },
        ], `Mean launches per year at ${profile.name} before and after each event, 95 % intervals`),
        sourceNote(profile.source, "exact Poisson intervals")));
      if (extra.customers_by_era.length) {
        const eras = d3.rollups(extra.customers_by_era, (v) => ({ customers: v.length, payloads: d3.sum(v, (r) => r.payloads) }), (r) => r.era)
          .map(([era, v]) => ({ era, ...v }));
        parts.push(h("section", { "aria-labelledby": "eras-h" }, h("h2", { id: "eras-h" }, "Foreign customers between the events"),
          table(eras, [{ key: "era", label: "Period" }, { key: "customers", label: "Customers", num: true, format: fmt.int },
            { key: "payloads", label: "Payloads", num: true, format: fmt.int }], `Foreign customers of ${profile.name} per period between events`),
          sourceNote(profile.source)));
      }
    }
    body.replaceChildren(...parts);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { name: nameInput.value.trim() || "Baikonur", from: fromInput.value, to: toInput.value });
    ctx.update(state);
    draw();
  });
  await draw();
}
