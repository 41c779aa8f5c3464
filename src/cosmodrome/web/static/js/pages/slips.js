// Schedule slips: for a vehicle or site, each launch's target per snapshot (the interval the
// source allowed, drawn as a bar from its start to its end) against the snapshot date, and
// the GCAT launch when it flew. Also the "upcoming" panel of the site page.
import { getJSON } from "../api.js";
import { downloads } from "../charts.js";
import { chance } from "./forecast.js";
import { d3, empty, fmt, h, loading, showError, table, tooltip } from "../ui.js";

const MARGIN = { top: 18, right: 16, bottom: 30, left: 64 };

function scheduleNote(extra = "") {
  return h("p", { class: "source" }, ["Schedules: kept snapshots (see docs/SCHEDULE.md)",
    "flights: GCAT, J. McDowell, CC BY 4.0", extra].filter(Boolean).join(" · "));
}

// The upcoming launches from one site as of the latest snapshot, for the site page.
export async function upcomingPanel(site, signal) {
  const section = h("section", { class: "card", "aria-labelledby": "upcoming-h" },
    h("h2", { id: "upcoming-h" }, "Upcoming"));
  try {
    const answer = await getJSON("schedule", { site }, { signal });
    if (!answer.snapshot) {
      section.append(h("p", { class: "muted" }, answer.message));
      return section;
    }
    // Dated by the snapshot's own date (not its file name); a target already past today is
    // not "upcoming": those are listed apart, as what the schedule said would have happened.
    const dated = fmt.day(answer.as_of);
    const now = new Date().toISOString();
    const passed = (r) => (r.target_end_utc || r.target_start_utc || "9999") < now;
    const ahead = answer.data.filter((r) => !passed(r));
    const past = answer.data.filter(passed);
    const columns = [
      { key: "target", label: "Target (UTC)" }, { key: "payload", label: "Payload", wrap: true },
      { key: "vehicle_raw", label: "Vehicle" }, { key: "pad", label: "Pad", narrow: false, format: (v, r) => r.pad_name || v || "" },
      ...(answer.by ? [{ key: "p_by", label: `Flown by ${answer.by}`, num: true, format: chance },
        { key: "median_date", label: "Median date", format: fmt.day }] : []),
    ];
    if (!answer.data.length) {
      section.append(h("p", {}, `No launch from here in the schedule of ${dated}.`));
    } else {
      section.append(ahead.length
        ? table(ahead.slice(0, 15), columns, `Upcoming launches, schedule of ${dated}`)
        : h("p", {}, `No target still ahead in the schedule of ${dated} (the latest kept).`));
      if (ahead.length > 15) section.append(h("p", { class: "muted" }, `… and ${ahead.length - 15} more.`));
      if (past.length) {
        section.append(h("details", { class: "past-targets" },
          h("summary", {}, `${past.length} ${past.length === 1 ? "target" : "targets"} already past (schedule of ${dated})`),
          table(past.slice(0, 15), columns, `Targets already past, schedule of ${dated}`)));
      }
    }
    const rests = answer.p_by_rests_on;
    if (rests) {
      section.append(h("p", { class: "muted" }, `Probability of flying by ${answer.by}: a time-to-launch model fitted on ${rests.entries} entries of ${rests.snapshots.length} snapshot(s) (${rests.snapshots.join(", ")}), ${rests.matched_flights} matched to the flight that followed, followed to ${rests.follow_up_to}.`));
    } else if (answer.p_by_refused) {
      section.append(h("p", { class: "muted" }, `No launch probabilities: ${answer.p_by_refused}`));
    }
    section.append(h("p", {}, h("a", { href: `#/slips?site=${encodeURIComponent(site)}` }, "How these targets moved")),
      scheduleNote(`as of ${fmt.day(answer.as_of)}; dates at the precision the source gave`));
  } catch (error) {
    if (error.name === "AbortError") throw error;
    section.append(h("p", { class: "muted" }, error.message));
  }
  return section;
}

// Target interval per snapshot, one colour per launch; flown launches get a diamond.
export function slipChart(history, title) {
  const width = Math.max(340, Math.min(900, (document.getElementById("view")?.clientWidth || 900) - 8));
  const height = 360;
  const rows = history.filter((r) => r.target_start_utc).map((r) => ({
    ...r, asOf: new Date(r.as_of), start: new Date(r.target_start_utc), end: new Date(r.target_end_utc),
  }));
  const flown = history.filter((r) => r.flown_utc).map((r) => ({ ...r, asOf: new Date(r.flown_utc), flown: new Date(r.flown_utc) }));
  const xs = [...rows.map((r) => r.asOf), ...flown.map((r) => r.flown)];
  const ys = [...rows.flatMap((r) => [r.start, r.end]), ...flown.map((r) => r.flown)];
  const x = d3.scaleUtc().domain(d3.extent(xs)).nice().range([MARGIN.left, width - MARGIN.right]);
  const y = d3.scaleUtc().domain(d3.extent(ys)).nice().range([height - MARGIN.bottom, MARGIN.top]);
  const colour = d3.scaleOrdinal(d3.schemeTableau10);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
    .attr("aria-label", `${title}: target date against snapshot date`);
  svg.append("g").attr("transform", `translate(0,${height - MARGIN.bottom})`).call(d3.axisBottom(x).ticks(6))
    .call((g) => g.append("text").attr("x", width - MARGIN.right).attr("y", -6).attr("fill", "#4a5361")
      .attr("text-anchor", "end").attr("font-size", 12).text("snapshot date (or launch)"));
  svg.append("g").attr("transform", `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(6))
    .call((g) => g.append("text").attr("x", -MARGIN.left + 4).attr("y", MARGIN.top - 6).attr("fill", "#4a5361")
      .attr("text-anchor", "start").attr("font-size", 12).text("target"));
  // The diagonal: a target on it is "now"; above it, in the future of that snapshot.
  const [d0, d1] = x.domain();
  svg.append("line").attr("x1", x(d0)).attr("y1", y(d0)).attr("x2", x(d1)).attr("y2", y(d1))
    .attr("stroke", "#9aa3ad").attr("stroke-dasharray", "3 3");
  const tip = tooltip();
  for (const [id, group] of d3.group(rows, (r) => r.launch_id)) {
    const c = colour(id);
    svg.append("path").attr("fill", "none").attr("stroke", c).attr("stroke-opacity", 0.6)
      .attr("d", d3.line().x((r) => x(r.asOf)).y((r) => y(r.end))(group));
    svg.append("g").selectAll("rect").data(group).join("rect")
      .attr("x", (r) => x(r.asOf) - 3).attr("width", 6).attr("fill", c).attr("fill-opacity", 0.7)
      .attr("y", (r) => y(r.end)).attr("height", (r) => Math.max(2, y(r.start) - y(r.end)))
      .on("mousemove", (event, r) => tip.show(`${r.payload}: ${r.target} (as of ${fmt.day(r.as_of)})`, event.clientX, event.clientY))
      .on("mouseleave", () => tip.hide());
  }
  // A flown launch's last target joined to its launch.
  const last = new Map(rows.map((r) => [r.launch_id, r]));
  svg.append("g").selectAll("line").data(flown.filter((r) => last.has(r.launch_id))).join("line")
    .attr("x1", (r) => x(last.get(r.launch_id).asOf)).attr("y1", (r) => y(last.get(r.launch_id).end))
    .attr("x2", (r) => x(r.flown)).attr("y2", (r) => y(r.flown))
    .attr("stroke", (r) => colour(r.launch_id)).attr("stroke-dasharray", "2 2");
  svg.append("g").selectAll("path").data(flown).join("path")
    .attr("transform", (r) => `translate(${x(r.flown)},${y(r.flown)})`).attr("d", d3.symbol(d3.symbolDiamond, 48))
    .attr("fill", (r) => colour(r.launch_id)).attr("stroke", "#111")
    .on("mousemove", (event, r) => tip.show(`${r.payload}: flew ${fmt.time(r.flown_utc)} (${r.flown_tag})`, event.clientX, event.clientY))
    .on("mouseleave", () => tip.hide());
  const data = table(history, [
    { key: "payload", label: "Payload", wrap: true }, { key: "as_of", label: "Snapshot", format: fmt.day },
    { key: "target", label: "Target" }, { key: "flown_tag", label: "Flown (GCAT)" },
  ], `${title} (data)`);
  return h("figure", { class: "chart" }, h("h2", {}, title),
    h("p", { class: "muted" }, "Each bar is the interval a snapshot allowed (a whole year for \"NET 2026\"); diamonds are launches."),
    svg.node(), scheduleNote("target per schedule snapshot; launches from GCAT"),
    downloads(svg.node(), title, "Schedules: Launch Library 2 snapshots; launches: GCAT, J. McDowell, CC BY 4.0"),
    h("details", {}, h("summary", {}, "Show the numbers"), data));
}

export async function render(root, params, ctx) {
  const state = { vehicle: params.vehicle || "", site: params.site || "" };
  if (!state.vehicle && !state.site) state.vehicle = "Angara";
  const vehicleInput = h("input", { id: "slips-vehicle", name: "vehicle", value: state.vehicle, placeholder: "Angara, Soyuz-5" });
  const siteInput = h("input", { id: "slips-site", name: "site", value: state.site, placeholder: "Baikonur" });
  const form = h("form", { class: "controls", "aria-label": "Choose a vehicle or site" },
    h("label", { for: "slips-vehicle" }, "Vehicle", vehicleInput),
    h("label", { for: "slips-site" }, "Site", siteInput),
    h("button", { type: "submit" }, "Show"));
  const body = h("div", {});
  root.append(h("h1", {}, "Schedule slips"), form, body);

  async function draw() {
    loading(body, "Loading slips…");
    let answer;
    try {
      answer = await getJSON("slips", { vehicle: state.vehicle, site: state.site, history: true }, { signal: ctx.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      showError(body, error, (name) => { (state.vehicle ? vehicleInput : siteInput).value = name; form.requestSubmit(); });
      return;
    }
    const label = [state.vehicle, state.site].filter(Boolean).join(" from ");
    if (answer.message) {
      empty(body, "No schedule snapshot kept yet.", answer.message);
      return;
    }
    if (!answer.data.length) {
      empty(body, `No scheduled launch of ${label}.`, "Try a family name (Soyuz) or another site.");
      return;
    }
    const repeated = answer.data.filter((r) => r.snapshots >= 2 || r.flown_tag);
    const ids = new Set(repeated.map((r) => r.launch_id));
    const history = answer.history.filter((r) => ids.has(r.launch_id));
    body.replaceChildren(
      history.length ? slipChart(history, `Target dates of ${label}, per snapshot`)
        : h("p", {}, "No launch seen in two snapshots or flown yet."),
      h("section", { "aria-labelledby": "slips-h" }, h("h2", { id: "slips-h" }, `Launches of ${label}`),
        table(answer.data, [
          { key: "payload", label: "Payload", wrap: true }, { key: "snapshots", label: "Snapshots", num: true },
          { key: "first_target", label: "First target" }, { key: "last_target", label: "Last target" },
          { key: "slip_days", label: "Slip (days)", num: true, format: (v) => fmt.num(v, 0) },
          { key: "flown_tag", label: "Flown (GCAT)" },
          { key: "slip_to_launch_days", label: "To launch (days)", num: true, format: (v) => fmt.num(v, 1) },
        ], `Slips of ${label}`)),
      scheduleNote(answer.rule));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { vehicle: vehicleInput.value.trim(), site: siteInput.value.trim() });
    ctx.update(state);
    draw();
  });
  await draw();
}
