// Reach: which site x vehicle options can fly a payload of a given mass to a target orbit.
import { getJSON } from "../api.js";
import { empty, fmt, h, loading, showError, table } from "../ui.js";

const FIELDS = [
  { key: "mass_kg", label: "Payload mass (kg)", type: "number", min: 1, step: "any", required: true, value: "800" },
  { key: "alt_km", label: "Altitude (km)", type: "number", min: 0, step: "any", value: "550" },
  { key: "inc_deg", label: "Inclination (deg)", type: "number", min: 0, max: 180, step: "any", value: "97.6" },
  { key: "site", label: "Sites (comma-separated)", placeholder: "any" },
  { key: "exclude_state", label: "Exclude states", placeholder: "Russia, CN", size: 8 },
];

// "19,923 ± 2 %": a modelled capacity with its uncertainty; a published one stands alone.
function capacity(kg, row) {
  const u = row.capacity_uncertainty_pct;
  return u == null ? fmt.int(kg) : `${fmt.int(kg)} ± ${fmt.int(u)} %`;
}

// The leave-one-out basis, and why the ± is wider where it is (in capacity_text's brackets).
function modelError(text, row) {
  const caveat = /\((.*)\)$/.exec(row.capacity_text || "");
  return [text, row.capacity_uncertainty_pct != null && caveat ? caveat[1] : ""].filter(Boolean).join("; ");
}

export async function render(root, params, ctx) {
  const controls = {};
  const orbit = h("select", { id: "r-orbit", name: "orbit" },
    [{ value: "", label: "custom (altitude, inclination)" }, ...ctx.vocab.reach_orbits]
      .map((o) => h("option", { value: o.value, selected: (params.orbit || "") === o.value }, o.label)));
  controls.orbit = orbit;
  const inputs = FIELDS.map((f) => {
    const value = params[f.key] ?? (Object.keys(params).length ? "" : f.value || "");
    controls[f.key] = h("input", { id: `r-${f.key}`, name: f.key, type: f.type || "text", min: f.min, max: f.max, step: f.step,
      required: f.required, value, placeholder: f.placeholder, size: f.size || 10, autocomplete: "off" });
    return h("label", { for: `r-${f.key}` }, f.label, controls[f.key]);
  });
  const active = h("input", { type: "checkbox", id: "r-active", name: "active_only", checked: params.active_only === "true" });
  controls.active_only = active;
  const syncOrbit = () => {
    for (const key of ["alt_km", "inc_deg"]) controls[key].disabled = Boolean(orbit.value);
  };
  orbit.addEventListener("change", syncOrbit);
  syncOrbit();
  const form = h("form", { class: "controls", "aria-label": "Reach query" },
    h("label", { for: "r-orbit" }, "Orbit", orbit), inputs,
    h("label", { for: "r-active" }, "Active vehicles and sites only", active),
    h("button", { type: "submit" }, "Find options"));
  const body = h("div", {});
  root.append(h("h1", {}, "Reach: who can fly this payload?"),
    h("p", { class: "lede" }, "Site × vehicle options that can put the payload on the target orbit, best first: direct ascents, then the right-sized vehicle, then margin."),
    form, body);

  function query() {
    const out = {};
    for (const [key, control] of Object.entries(controls)) {
      const value = control.type === "checkbox" ? (control.checked ? "true" : "") : control.value.trim();
      if (value) out[key] = value;
    }
    // A named orbit fixes its own elements: the altitude and inclination fields are not sent
    // (the API refuses a named orbit mixed with elements it fixes).
    if (out.orbit) { delete out.alt_km; delete out.inc_deg; }
    return out;
  }

  async function run() {
    const q = query();
    loading(body, "Ranking options…");
    let result;
    try {
      result = await getJSON("reach", q, { signal: ctx.signal });
    } catch (error) {
      // A suggestion goes back into the box whose name was not known (a state or a site).
      const field = ["exclude_state", "site"].find((k) => controls[k].value.trim()
        && controls[k].value.split(",").some((part) => part.trim() && (error.message || "").includes(`'${part.trim()}'`))) || "site";
      if (error.name !== "AbortError") showError(body, error, (name) => {
        const parts = controls[field].value.split(",").map((p) => p.trim());
        const wrong = parts.findIndex((p) => (error.message || "").includes(`'${p}'`));
        if (wrong >= 0) parts[wrong] = name; else parts.splice(0, parts.length, name);
        controls[field].value = parts.filter(Boolean).join(", ");
        form.requestSubmit();
      });
      return;
    }
    const columns = [
      { key: "site", label: "Site", format: (v, row) => row.site_country_name ? `${v} (${row.site_country_name})` : v },
      { key: "vehicle", label: "Vehicle", format: (v, row) => {
        const state = row.vehicle_state_name ? `${v} (${row.vehicle_state_name})` : v;
        return row.vehicle_status && row.vehicle_status !== "active" ? `${state}, ${row.vehicle_status}` : state;
      } },
      { key: "configuration", label: "Configuration", wrap: true, more: true },
      { key: "capacity_kg", label: "Capacity (kg)", num: true, format: capacity },
      { key: "capacity_basis", label: "Capacity from", wrap: true, narrow: false },
      { key: "model_error", label: "Model error", wrap: true, format: modelError, more: true },
      { key: "nearest_published", label: "Nearest published figure (source)", wrap: true, more: true, link: (row) => row.nearest_published_source },
      { key: "margin_kg", label: "Margin (kg)", num: true, format: fmt.int, narrow: false },
      { key: "launch_azimuth_deg", label: "Azimuth (°)", num: true, more: true, format: (v) => fmt.q("launch_azimuth_deg", v) },
      { key: "plane_change_deg", label: "Plane change (°)", num: true, more: true, format: (v) => fmt.q("plane_change_deg", v) },
      { key: "notes", label: "Notes", wrap: true, more: true },
    ];
    const note = h("p", { class: "source" }, "Capacities: ‘published’ is the maker's figure for that configuration, orbit and site (makers' manuals, agencies, press; linked in its row); every other capacity is Cosmodrome's vehicle model (a staged rocket equation through the published figures) with the vehicle's leave-one-out error as ± (docs/CAPABILITY.md); geometry: Cosmodrome capability model.");
    const title = `${fmt.int(result.mass_kg)} kg to ${result.target.label}`;
    if (!result.options.length) {
      const box = h("div", {});
      empty(box, `No option can fly ${title}.`, result.reason || "Lower the mass or relax the filters.");
      body.replaceChildren(box, result.near_misses.length
        ? table(result.near_misses, [...columns, { key: "reason", label: "Shortfall", wrap: true }], "Nearest misses") : "", note);
      return;
    }
    body.replaceChildren(h("h2", { id: "reach-result" }, `${result.options.length} options: ${title}`),
      table(result.options, columns, `Options for ${title}, best first`), note);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.update(query());
    run();
  });
  if (Object.keys(params).length) await run();
  else empty(body, "Set a payload and an orbit, then choose ‘Find options’.", "Example: 800 kg to a 550 km sun-synchronous orbit (97.6°).");
}
