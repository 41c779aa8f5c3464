// Coverage heat map: a constellation over a country, computed as a server-side job. The
// constellation is a group of the server's element store (starlink, oneweb, stations) or,
// with the group left empty, a Walker pattern given by its parameters.
import { getJSON, postJSON } from "../api.js";
import { downloads } from "../charts.js";
import { clearFieldErrors, d3, empty, fmt, h, showError, table } from "../ui.js";

const FIELDS = [
  { key: "group", label: "Element-store group (empty: Walker below)", value: "starlink", size: 12, optional: true },
  { key: "region", label: "Country code or box S,W,N,E", value: "KZ", size: 10 },
  { key: "resolution_deg", label: "Cell size (deg)", value: "1", type: "number", step: "any", min: 0.1 },
  { key: "start_utc", label: "Start (UTC)", value: "2025-10-03T00:00:00Z", size: 20 },
  { key: "duration_s", label: "Duration (s)", value: "3600", type: "number", min: 1 },
  { key: "step_s", label: "Step (s)", value: "60", type: "number", min: 1 },
  { key: "mask_deg", label: "Elevation mask (deg)", value: "25", type: "number", min: 0, max: 90 },
  { key: "planes", label: "Planes", value: "6", type: "number", min: 1 },
  { key: "per_plane", label: "Satellites per plane", value: "11", type: "number", min: 1 },
  { key: "altitude_km", label: "Altitude (km)", value: "550", type: "number", min: 160 },
  { key: "inclination_deg", label: "Inclination (deg)", value: "53", type: "number", min: 0, max: 180 },
];
const WALKER = ["planes", "per_plane", "altitude_km", "inclination_deg"];
let atlas = null;

// What was computed, in words: the group with its element sets' dates (or the Walker
// pattern), the number of satellites, the window and the mask.
export function caption(job) {
  const p = job.params;
  const r = job.result;
  const epochs = (r.element_epochs_utc || []).map((t) => t.slice(0, 10));
  const dated = epochs.length ? (epochs[0] === epochs[1] ? `, element sets of ${epochs[0]}` : `, element sets of ${epochs[0]} to ${epochs[1]}`) : "";
  const what = r.group
    ? `group “${r.group}”${dated}`
    : `Walker ${p.constellation.planes}×${p.constellation.per_plane} at ${fmt.int(p.constellation.altitude_km)} km, ${p.constellation.inclination_deg}°`;
  return `Computed: ${what}; ${fmt.int(r.satellites)} satellites; window ${fmt.time(p.start_utc)} + ${fmt.int(p.duration_s)} s every ${fmt.int(p.step_s)} s; ` +
    `elevation mask ${p.mask_deg}°${p.min_sats > 1 ? `, ${p.min_sats} satellites needed` : ""}; ${fmt.int(p.cells)} cells of ${p.resolution_deg}°.`;
}

export async function render(root, params, ctx) {
  // Start inside the loaded element sets' epochs (propagating years away is meaningless).
  const epoch = ctx.meta.elements && ctx.meta.elements.epoch_median;
  const start = FIELDS.find((f) => f.key === "start_utc");
  if (epoch) start.value = `${epoch.slice(0, 13)}:00:00Z`;
  const groups = (ctx.meta.elements && ctx.meta.elements.groups) || [];
  if (!groups.some((g) => g.group === "starlink")) FIELDS[0].value = "";
  const controls = {};
  const inputs = FIELDS.map((f) => {
    controls[f.key] = h("input", { id: `c-${f.key}`, name: f.key, type: f.type || "text", step: f.step, min: f.min, max: f.max,
      value: params[f.key] ?? f.value, size: f.size || 8, required: !f.optional, autocomplete: "off",
      list: f.key === "group" ? "c-groups" : null });
    return h("label", { for: `c-${f.key}` }, f.label, controls[f.key]);
  });
  // The Walker fields describe the synthetic constellation only: off (and not sent) while a
  // group of real satellites is chosen.
  const walkerSet = h("fieldset", { class: "walker", id: "c-walker" },
    h("legend", {}, "Walker constellation (used when no group is given)"),
    inputs.filter((_, i) => WALKER.includes(FIELDS[i].key)));
  const usingGroup = () => controls.group.value.trim() !== "";
  const syncWalker = () => { walkerSet.disabled = usingGroup(); };
  controls.group.addEventListener("input", syncWalker);
  syncWalker();
  const submit = h("button", { type: "submit" }, "Compute coverage");
  const choices = h("datalist", { id: "c-groups" }, groups.map((g) => h("option", { value: g.group }, `${g.satellites} satellites`)));
  const form = h("form", { class: "controls", "aria-label": "Coverage job" },
    inputs.filter((_, i) => !WALKER.includes(FIELDS[i].key)), walkerSet, choices, submit);
  const body = h("div", {});
  root.append(h("h1", {}, "Coverage over a country"),
    h("p", { class: "lede" }, "Fraction of the time each cell sees at least one satellite above the elevation mask. Runs as a job on the server, with its progress shown; a job is refused only when the work it would do (elevation tests left after pruning the satellites far from the region) is past the server’s limit, and the message says both."),
    form, body);

  function request() {
    const r = { constellation: {} };
    for (const f of FIELDS) {
      const raw = controls[f.key].value.trim();
      const value = f.type === "number" ? Number(raw) : raw;
      if (WALKER.includes(f.key)) r.constellation[f.key] = value; else r[f.key] = value;
    }
    if (r.group) delete r.constellation; else delete r.group;
    return r;
  }

  async function follow(jobId) {
    const bar = h("progress", { max: 1, value: 0, id: "coverage-progress", "aria-label": "Coverage job progress" });
    const text = h("span", {}, "Queued…");
    body.replaceChildren(h("div", { class: "status", role: "status", "aria-live": "polite" },
      h("span", { class: "spinner", "aria-hidden": "true" }), bar, text));
    for (;;) {
      if (ctx.signal.aborted) return;
      let job;
      try {
        job = await getJSON(`coverage/jobs/${jobId}`, {}, { signal: ctx.signal });
      } catch (error) {
        if (error.name !== "AbortError") showError(body, error);
        submit.disabled = false;
        return;
      }
      bar.value = job.progress;
      text.textContent = `${Math.round(job.progress * 100)} % · ${job.message}`;
      if (job.status === "done") { await draw(job); break; }
      if (job.status === "failed") { showError(body, job.error, null, controls); break; }
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    submit.disabled = false;
  }

  async function draw(job) {
    const result = job.result;
    if (!result.cells.length) { empty(body, "The region holds no grid cell.", "Use a finer cell size."); return; }
    if (!atlas) atlas = await (await fetch("/vendor/world-atlas/countries-50m.json")).json();
    const countries = window.topojson.feature(atlas, atlas.objects.countries);
    const width = 900;
    const height = 520;
    const res = result.resolution_deg;
    const cellPolygon = (c) => ({ type: "Polygon", coordinates: [[
      [c.lon_deg - res / 2, c.lat_deg - res / 2], [c.lon_deg - res / 2, c.lat_deg + res / 2],
      [c.lon_deg + res / 2, c.lat_deg + res / 2], [c.lon_deg + res / 2, c.lat_deg - res / 2],
      [c.lon_deg - res / 2, c.lat_deg - res / 2]]] });
    const all = { type: "FeatureCollection", features: result.cells.map((c) => ({ type: "Feature", geometry: cellPolygon(c) })) };
    const projection = d3.geoMercator().fitExtent([[10, 10], [width - 10, height - 10]], all);
    const path = d3.geoPath(projection);
    const colour = d3.scaleSequential(d3.interpolateViridis).domain([0, 1]);
    const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
      .attr("aria-label", `Heat map of coverage over ${result.region}: ${fmt.pct(result.summary.frac_ge1)} of the time on average`);
    svg.append("rect").attr("width", width).attr("height", height).attr("fill", "#eef3f9");
    svg.append("g").selectAll("path").data(countries.features).join("path").attr("d", path)
      .attr("fill", "#d5dbe3").attr("stroke", "#fff").attr("stroke-width", 0.6);
    svg.append("g").selectAll("path").data(result.cells).join("path").attr("d", (c) => path(cellPolygon(c)))
      .attr("fill", (c) => colour(c.frac_ge_n ?? c.frac_ge1)).attr("fill-opacity", 0.85)
      .append("title").text((c) => `${fmt.num(c.lat_deg, 2)}°, ${fmt.num(c.lon_deg, 2)}°: ${fmt.pct(c.frac_ge_n ?? c.frac_ge1)} covered, mean ${fmt.num(c.mean_visible, 2)} visible`);
    svg.append("g").selectAll("path").data(countries.features).join("path").attr("d", path)
      .attr("fill", "none").attr("stroke", "#1b1f24").attr("stroke-width", 0.8);
    const ramp = h("ul", { class: "legend", "aria-label": "Colour scale" }, [0, 0.25, 0.5, 0.75, 1].map((v) =>
      h("li", {}, h("span", { class: "swatch", style: `background:${colour(v)}` }), fmt.pct(v))));
    const s = result.summary;
    const stats = h("ul", { class: "stats", "aria-label": "Region summary" },
      [["time covered (area mean)", fmt.pct(s.frac_ge1)], ["mean satellites visible", fmt.num(s.mean_visible, 2)],
        ["area always covered", fmt.pct(s.area_frac_always_ge1)], ["longest outage", `${fmt.int(s.longest_outage_s)} s`],
        ["cells", fmt.int(s.cells)], ["compute time", `${fmt.q("elapsed_s", result.elapsed_s)} s`]]
        .map(([label, value]) => h("li", {}, h("span", { class: "value" }, value), h("span", { class: "label" }, label))));
    const note = h("p", { class: "source" }, `${caption(job)} Outlines: Natural Earth via world-atlas. ${result.notes.join(" ")}`);
    const worst = [...result.cells].sort((a, b) => a.frac_ge1 - b.frac_ge1).slice(0, 10);
    body.replaceChildren(h("h2", { id: "coverage-title" }, `Coverage over ${result.region}`), stats,
      h("figure", { class: "chart" }, ramp, svg.node(), note,
        downloads(svg.node(), `Coverage over ${result.region}: share of the time with a satellite above ${job.params.mask_deg}°`, note)),
      h("details", {}, h("summary", {}, "Least covered cells"), table(worst, [
        { key: "lat_deg", label: "Lat (°)", num: true, format: (v) => fmt.q("lat_deg", v) },
        { key: "lon_deg", label: "Lon (°)", num: true, format: (v) => fmt.q("lon_deg", v) },
        { key: "frac_ge1", label: "Covered", num: true, format: fmt.pct },
        { key: "longest_outage_s", label: "Longest outage (s)", num: true, format: fmt.int },
      ], "Ten least covered cells")));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clearFieldErrors(form);
    const r = request();
    let job;
    try {
      job = await postJSON("coverage/jobs", r);
    } catch (error) {
      showError(body, error, (code) => { controls.region.value = code; }, controls);
      submit.disabled = false;
      return;
    }
    const state = Object.fromEntries(FIELDS.filter((f) => !(usingGroup() && WALKER.includes(f.key)))
      .map((f) => [f.key, controls[f.key].value.trim()]));
    ctx.update({ ...state, job: job.id });
    await follow(job.id);
  });
  if (params.job) await follow(params.job);
  else empty(body, "Choose a region and a constellation, then ‘Compute coverage’.", "Example: 66 satellites in 6 planes at 550 km over Kazakhstan.");
}
