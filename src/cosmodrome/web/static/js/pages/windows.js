// Launch windows calendar: when a spaceport (or pad) passes through a target's orbital plane.
import { getJSON } from "../api.js";
import { answer, clearFieldErrors, defaultDay, empty, fmt, h, ISO_DAY, loading, showError, table } from "../ui.js";

const clock = (v) => (v ? String(v).slice(11, 16) : "…");

function calendar(rows) {
  const days = new Map();
  for (const w of rows) {
    const day = w.in_plane_utc.slice(0, 10);
    if (!days.has(day)) days.set(day, []);
    days.get(day).push(w);
  }
  return h("ul", { class: "calendar", "aria-label": "Windows by UTC day" }, [...days].map(([day, list]) =>
    h("li", {}, h("h3", {}, new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" })),
      h("ul", {}, list.map((w) => h("li", { class: w.branch === "southbound" ? "south" : null },
        `${clock(w.open_utc)}–${clock(w.close_utc)} ${w.branch === "northbound" ? "N" : "S"} ${fmt.q("azimuth_deg", w.azimuth_deg)}°${w.flags ? " ⚑" : ""}`))))));
}

export async function render(root, params, ctx) {
  const state = { site: "Baikonur", pad: "", target: "25544", start: defaultDay(ctx.meta), days: "7", max_yaw: "1", ...params };
  const input = (key, attrs) => h("input", { id: `win-${key}`, name: key, value: state[key], ...attrs });
  const site = input("site", { required: true, autocomplete: "off" });
  const pad = input("pad", { autocomplete: "off", placeholder: "any" });
  const target = input("target", { required: true, autocomplete: "off", inputmode: "numeric" });
  const start = input("start", { ...ISO_DAY, required: true });
  const days = input("days", { type: "number", min: 1, max: 31 });
  const yaw = input("max_yaw", { type: "number", min: 0, max: 89, step: 0.5 });
  const form = h("form", { class: "controls", "aria-label": "Site, target and period" },
    h("label", { for: "win-site" }, "Site (or lat,lon)", site), h("label", { for: "win-pad" }, "Pad", pad),
    h("label", { for: "win-target" }, "Target (NORAD number or name)", target),
    h("label", { for: "win-start" }, "From (UTC day)", start), h("label", { for: "win-days" }, "Days", days),
    h("label", { for: "win-max_yaw" }, "Max yaw (deg)", yaw), h("button", { type: "submit" }, "Show"));
  const body = h("div", {});
  root.append(h("h1", {}, "Launch windows"),
    h("p", { class: "lede" }, "Times the launch site passes through the target's orbital plane (N northbound, S southbound), with the window within the yaw allowance, in UTC."),
    form, body);

  async function load() {
    clearFieldErrors(form);
    loading(body, "Computing windows…");
    let data;
    try {
      data = await getJSON("windows", state, { signal: ctx.signal });
    } catch (error) {
      if (error.name !== "AbortError") showError(body, error, (name) => {
        // The box whose name was unknown: a pad, a site or place, else the target satellite.
        const field = /unknown pad/i.test(error.message) ? pad : /place|site|spaceport/i.test(error.message) ? site : target;
        field.value = name.replace(/ \(.*$/, "").match(/^\d+$/) ? name.replace(/ \(.*$/, "") : name;
        form.requestSubmit();
      }, { site, pad, target, start, days, max_yaw: yaw });
      return;
    }
    const source = h("p", { class: "source" }, `${data.source.attribution} · computed with SGP4 · times UTC`);
    const title = `Windows from ${data.site.name} to ${data.target.name}, ${data.start_utc.slice(0, 10)} + ${data.days} days`;
    const warnings = data.warnings.length ? h("div", { class: "warnings", role: "note" }, data.warnings.map((w) => h("p", {}, w))) : null;
    if (!data.data.length) {
      const box = h("div", {});
      if (data.none) answer(box, "No launch window", data.none);
      else empty(box, "No windows in this period.", "Lengthen the period or raise the yaw allowance.");
      body.replaceChildren(h("h2", {}, title), warnings || "", box, source);
      return;
    }
    body.replaceChildren(h("h2", {}, title), warnings || "", calendar(data.data), source,
      table(data.data, [
        { key: "in_plane_utc", label: "In plane (UTC)", format: fmt.time }, { key: "branch", label: "Branch" },
        { key: "azimuth_deg", label: "Azimuth °", num: true, format: (v) => fmt.q("azimuth_deg", v) },
        { key: "open_utc", label: "Opens", format: fmt.time }, { key: "close_utc", label: "Closes", format: fmt.time },
        { key: "phase_deg", label: "Phase °", num: true, format: (v) => fmt.q("phase_deg", v) }, { key: "flags", label: "Flags" },
      ], title));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { site: site.value.trim(), pad: pad.value.trim(), target: target.value.trim(), start: start.value, days: days.value, max_yaw: yaw.value });
    ctx.update(state);
    load();
  });
  await load();
}
