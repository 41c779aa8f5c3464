// Passes of a satellite over a place: rise, culmination and set, in UTC and local time.
import { getJSON } from "../api.js";
import { defaultDay, empty, fmt, h, ISO_DAY, loading, showError, table } from "../ui.js";

const local = (v) => (v ? String(v).slice(11, 19) : "");

export async function render(root, params, ctx) {
  const state = { sat: "25544", at: "Almaty", start: defaultDay(ctx.meta), days: "2", min_elevation_deg: "10", visible: "", ...params };
  const input = (key, attrs) => h("input", { id: `pass-${key}`, name: key, value: state[key], ...attrs });
  const sat = input("sat", { required: true, autocomplete: "off" });
  const at = input("at", { required: true, autocomplete: "off" });
  const start = input("start", { ...ISO_DAY, required: true });
  const days = input("days", { type: "number", min: 1, max: 10 });
  const elevation = input("min_elevation_deg", { type: "number", min: -5, max: 89 });
  const visible = h("input", { id: "pass-visible", name: "visible", type: "checkbox", checked: state.visible === "true" ? true : null });
  const form = h("form", { class: "controls", "aria-label": "Satellite, place and period" },
    h("label", { for: "pass-sat" }, "Satellite (NORAD number or name)", sat),
    h("label", { for: "pass-at" }, "Place (city, spaceport or lat,lon)", at),
    h("label", { for: "pass-start" }, "From (UTC day)", start), h("label", { for: "pass-days" }, "Days", days),
    h("label", { for: "pass-min_elevation_deg" }, "Min elevation (deg)", elevation),
    h("label", { for: "pass-visible", class: "check" }, "Visible to the eye only", visible),
    h("button", { type: "submit" }, "Show"));
  const body = h("div", {});
  root.append(h("h1", {}, "Passes"), form, body);

  async function load() {
    loading(body, "Computing passes…");
    let data;
    try {
      data = await getJSON("passes", state, { signal: ctx.signal });
    } catch (error) {
      if (error.name !== "AbortError") showError(body, error, (name) => {
        const field = /place|city/i.test(error.message) ? at : sat;
        field.value = name.replace(/^(\d+) \(.*$/, "$1");
        form.requestSubmit();
      });
      return;
    }
    const zone = data.time_zone || "local";
    const title = `Passes of ${data.target.name} (${data.target.norad_id}) over ${data.place.name}, ${data.start_utc.slice(0, 10)} + ${data.days} days`;
    const source = h("p", { class: "source" }, `${data.source.attribution} · SGP4 via Skyfield · elevation ≥ ${data.min_elevation_deg}°`);
    const warnings = data.warnings.length ? h("div", { class: "warnings", role: "note" }, data.warnings.map((w) => h("p", {}, w))) : null;
    if (!data.data.length) {
      const box = h("div", {});
      empty(box, `No passes above ${data.min_elevation_deg}° in this period.`, data.visible_only ? "Untick 'visible only' or lengthen the period." : "Lower the minimum elevation or lengthen the period.");
      body.replaceChildren(h("h2", {}, title), warnings || "", box, source);
      return;
    }
    body.replaceChildren(h("h2", {}, title), warnings || "",
      table(data.data, [
        { key: "rise_utc", label: "Rise (UTC)", format: fmt.time },
        { key: "culmination_local", label: `Highest (${zone})`, format: local },
        { key: "max_elevation_deg", label: "Max el. °", num: true, format: (v) => fmt.q("max_elevation_deg", v) },
        { key: "rise_az_deg", label: "Rise az. °", num: true, format: (v) => fmt.q("rise_az_deg", v) },
        { key: "set_az_deg", label: "Set az. °", num: true, format: (v) => fmt.q("set_az_deg", v) },
        { key: "duration_s", label: "Minutes", num: true, narrow: false, format: (v) => (v === null ? "" : fmt.num(v / 60, 1)) },
        { key: "visible", label: "Visible", narrow: false, format: (v) => (v ? "yes" : "no") },
      ], title), source);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { sat: sat.value.trim(), at: at.value.trim(), start: start.value, days: days.value,
      min_elevation_deg: elevation.value, visible: visible.checked ? "true" : "" });
    ctx.update(state);
    load();
  });
  await load();
}
