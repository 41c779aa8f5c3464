// Charts drawn with d3 (from node_modules via /vendor). Each returns a <figure> with its
// source line, an accessible name, and a hidden data table for screen readers.
import { d3, fmt, h, table, tooltip } from "./ui.js";

// Downloads of a chart as SVG and PNG, each carrying the chart's title above it and its source
// line under it (a chart pasted elsewhere still says what it shows and where it comes from).
export function downloads(svgNode, title, source) {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "chart";
  const sourceText = typeof source === "string" ? source : (source && source.textContent) || "";
  const save = (href, ext) => {
    const link = h("a", { href, download: `${slug}.${ext}`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
  };
  const svgText = () => exportSvg(svgNode, title, sourceText);
  const asSvg = () => save(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText().text)}`, "svg");
  const asPng = () => {
    const { text, width, height } = svgText();
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = width * 2;
      canvas.height = height * 2;
      const context = canvas.getContext("2d");
      context.scale(2, 2);
      context.drawImage(image, 0, 0, width, height);
      save(canvas.toDataURL("image/png"), "png");
    };
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  };
  return h("div", { class: "chart-downloads" }, h("span", { class: "muted" }, "Download:"),
    h("button", { type: "button", class: "secondary", onclick: asSvg, "aria-label": `Download ${title} as SVG` }, "SVG"),
    h("button", { type: "button", class: "secondary", onclick: asPng, "aria-label": `Download ${title} as PNG` }, "PNG"));
}

function exportSvg(svgNode, title, source) {
  const [, , width, height] = (svgNode.getAttribute("viewBox") || "0 0 900 400").split(/\s+/).map(Number);
  const top = 30;
  const bottom = source ? 26 : 6;
  const ns = "http://www.w3.org/2000/svg";
  const out = document.createElementNS(ns, "svg");
  out.setAttribute("xmlns", ns);
  out.setAttribute("width", width);
  out.setAttribute("height", height + top + bottom);
  out.setAttribute("viewBox", `0 0 ${width} ${height + top + bottom}`);
  out.setAttribute("font-family", "system-ui, sans-serif");
  const background = document.createElementNS(ns, "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", "#fff");
  const heading = document.createElementNS(ns, "text");
  heading.setAttribute("x", 8);
  heading.setAttribute("y", 20);
  heading.setAttribute("font-size", 16);
  heading.setAttribute("font-weight", 700);
  heading.setAttribute("fill", "#1b1f24");
  heading.textContent = title;
  const body = document.createElementNS(ns, "g");
  body.setAttribute("transform", `translate(0,${top})`);
  for (const child of svgNode.childNodes) body.append(child.cloneNode(true));
  out.append(background, heading, body);
  if (source) {
    const foot = document.createElementNS(ns, "text");
    foot.setAttribute("x", 8);
    foot.setAttribute("y", height + top + 18);
    foot.setAttribute("font-size", 12);
    foot.setAttribute("fill", "#4a5361");
    foot.textContent = source;
    out.append(foot);
  }
  return { text: new XMLSerializer().serializeToString(out), width, height: height + top + bottom };
}

const MARGIN = { top: 18, right: 16, bottom: 30, left: 46 };
// Width of a name in 12 px text, about 6.6 px a character; a name cut with "…" to fit `px`
// (where a chart gives it less room than it needs; its legend or table gives it whole).
const textWidth = (text) => Math.ceil(String(text).length * 6.6);
function fitted(text, px) {
  const fits = Math.floor(px / 6.6);
  return text.length > fits ? `${text.slice(0, Math.max(1, fits - 1))}…` : text;
}
const Y_TICKS = 6;

// A y scale whose top is the tick at or above the highest value (bars never touch the frame
// above the last labelled tick): nice() with the same tick count as the axis.
function roundedUp(max, height) {
  const top = max > 0 ? max : 1;
  const step = d3.tickIncrement(0, top, Y_TICKS);
  const upper = step > 0 ? Math.ceil(top / step) * step : top;
  return d3.scaleLinear().domain([0, upper]).range([height - MARGIN.bottom, MARGIN.top]);
}

// Draw at the page's width (so text keeps its size on a phone), between 340 and 900 px.
// A chart's axes: `bottom` along its foot, `left` at its side with `yLabel` (if any) above.
function axes(svg, bottom, left, yLabel, height) {
  const small = (g) => g.selectAll("text").attr("font-size", 12);
  svg.append("g").attr("transform", `translate(0,${height - MARGIN.bottom})`).call(bottom).call(small);
  svg.append("g").attr("transform", `translate(${MARGIN.left},0)`).call(left).call(small)
    .call((g) => (yLabel ? g.append("text").attr("x", -MARGIN.left + 4).attr("y", MARGIN.top - 6).attr("fill", "#4a5361")
      .attr("text-anchor", "start").attr("font-size", 12).text(yLabel) : g));
}

function chartWidth() {
  const view = document.getElementById("view");
  return Math.max(340, Math.min(900, (view ? view.clientWidth : 900) - 8));
}

// The last period of a chart as `partial` ({period, through}) when the data end inside it: the
// data date (`source.data_date`, GCAT to 2024-12-08) falls on or after the period's first day
// and before its last. `start` is the period's first UTC day (YYYY-MM-DD) and `kind` year,
// quarter or month; null for a complete period.
export function partialPeriod(period, start, kind, through) {
  if (!through || !start) return null;
  const first = new Date(`${start}T00:00:00Z`);
  const months = { year: 12, quarter: 3, month: 1 }[kind] || 12;
  const next = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + months, 1));
  const lastDay = new Date(next - 86400e3).toISOString().slice(0, 10);
  const day = through.slice(0, 10);
  return day >= start && day < lastDay ? { period: String(period), through: day } : null;
}

// The legend entry that says a chart's last period is partial (the same for every chart).
function partialNote(partial) {
  return h("li", { class: "partial-note" }, h("span", { class: "swatch partial", "aria-hidden": "true" }),
    `${partial.period}: partial, data to ${partial.through}`);
}

// Stacked bars per year. rows: [{year, <series keys>...}]; series: [{key, label, colour}].
// events: [{day: "2022-02-24", label}] drawn as numbered vertical markers, listed under the chart.
// `partial`: {period, through} marks the last period as incomplete (the data end inside it).
export function stackedBars(rows, series, { title, source, events = [], height = 300, yLabel = "launches", partial = null }) {
  const width = chartWidth();
  const years = rows.map((r) => r.year);
  const x = d3.scaleBand().domain(years).range([MARGIN.left, width - MARGIN.right]).padding(0.15);
  const stack = d3.stack().keys(series.map((s) => s.key))(rows);
  const y = roundedUp(d3.max(rows, (r) => d3.sum(series, (s) => r[s.key])), height);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
    .attr("aria-label", `${title}: bar chart, ${years[0]} to ${years[years.length - 1]}`);
  const every = Math.ceil(years.length / Math.floor(width / 56));
  axes(svg, d3.axisBottom(x).tickValues(years.filter((_, i) => i % every === 0)).tickSizeOuter(0),
    d3.axisLeft(y).ticks(Y_TICKS), yLabel, height);
  const tip = tooltip();
  const isPartial = (year) => partial && String(year) === String(partial.period);
  stack.forEach((layer, i) => {
    svg.append("g").attr("fill", series[i].colour).selectAll("rect").data(layer).join("rect")
      .attr("class", (d) => (isPartial(d.data.year) ? "partial" : null))
      .attr("fill-opacity", (d) => (isPartial(d.data.year) ? 0.45 : null))
      .attr("x", (d) => x(d.data.year)).attr("width", x.bandwidth())
      .attr("y", (d) => y(d[1])).attr("height", (d) => Math.max(0, y(d[0]) - y(d[1])))
      .on("mousemove", (event, d) => tip.show(`${d.data.year}: ${fmt.int(d.data[series[i].key])} ${series[i].label}`, event.clientX, event.clientY))
      .on("mouseleave", () => tip.hide());
  });
  // Events as dashed lines, each with a numbered badge at its top; the labels go in a numbered
  // list under the chart (as in the HTML report), so close events never overprint each other.
  // Badges closer than BADGE px to the previous one drop a row.
  const firstYear = Number(years[0]);
  const lastYear = Number(years[years.length - 1]);
  const marks = svg.append("g").attr("class", "events");
  const shown = [];
  const BADGE = 18;
  events.filter((e) => Number(e.day.slice(0, 4)) >= firstYear && Number(e.day.slice(0, 4)) <= lastYear)
    .forEach((e) => {
      const yr = e.day.slice(0, 4);
      const start = new Date(`${yr}-01-01T00:00:00Z`);
      const fraction = (new Date(`${e.day}T00:00:00Z`) - start) / (365.25 * 86400e3);
      const px = x(String(yr)) !== undefined ? x(String(yr)) + fraction * x.step() : null;
      if (px === null) return;
      const previous = shown[shown.length - 1];
      const row = previous && px - previous.px < BADGE ? (previous.row + 1) % 3 : 0;
      shown.push({ ...e, px, row });
      const n = shown.length;
      const mark = marks.append("g").attr("class", "event");
      mark.append("title").text(`${n}. ${e.day} ${e.label}`);
      mark.append("line").attr("x1", px).attr("x2", px).attr("y1", MARGIN.top).attr("y2", height - MARGIN.bottom)
        .attr("stroke", "#b35c00").attr("stroke-width", 1.5).attr("stroke-dasharray", "4 3");
      const cy = MARGIN.top + 8 + row * BADGE;
      mark.append("circle").attr("cx", px).attr("cy", cy).attr("r", 8).attr("fill", "#fff")
        .attr("stroke", "#8a4700").attr("stroke-width", 1.5);
      mark.append("text").attr("x", px).attr("y", cy).attr("dy", "0.35em").attr("text-anchor", "middle")
        .attr("font-size", 12).attr("font-weight", 700).attr("fill", "#8a4700").text(n);
    });
  const lastYear2 = years[years.length - 1];
  const partialShown = partial && String(partial.period) === String(lastYear2);
  const legend = h("ul", { class: "legend" }, series.map((s) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${s.colour}` }), s.label)),
    shown.length ? h("li", {}, h("span", { class: "swatch event", "aria-hidden": "true" }), "event (numbered below)") : null,
    partialShown ? partialNote(partial) : null);
  const eventList = shown.length ? h("ol", { class: "event-list", "aria-label": "Events marked on the chart" },
    shown.map((e) => h("li", {}, h("time", { datetime: e.day }, e.day), " ", e.label))) : null;
  const data = table(rows, [{ key: "year", label: "Year" },
    ...series.map((s) => ({ key: s.key, label: s.label, num: true, format: fmt.int }))], `${title} (data)`);
  const hidden = h("details", {}, h("summary", {}, "Show the numbers"), data);
  return h("figure", { class: "chart" }, h("h2", {}, title), legend, svg.node(), eventList, source,
    downloads(svg.node(), title, source), hidden);
}

// Lines over time, one per group: shares (0..1, `percent`) or counts. rows: [{period, group,
// label, value}]; `yLabel` names the unit on the axis.
export function shareLines(rows, { title, source, height = 340, percent = true, yLabel = null }) {
  const width = chartWidth();
  const groups = d3.groups(rows, (r) => r.group);
  const periods = [...new Set(rows.map((r) => r.period))];
  // Room on the right for the name at each line's end: the longest name's, at most 30 % of
  // the width (the legend above gives a cut name whole).
  const longest = d3.max(groups, ([, v]) => textWidth(v[0].label)) || 0;
  const room = Math.min(Math.round(width * 0.3), Math.max(40, longest + 8));
  const x = d3.scalePoint().domain(periods).range([MARGIN.left, width - MARGIN.right - room]);
  const y = d3.scaleLinear().domain([0, d3.max(rows, (r) => r.value) || 1]).nice().range([height - MARGIN.bottom, MARGIN.top]);
  const colour = d3.scaleOrdinal(groups.map(([g]) => g), ["#1d4f91", "#b3261e", "#23733a", "#8a4700", "#6a3d9a", "#0f6b6b", "#5b5b5b", "#a8326e", "#2f4b7c", "#7a5c00", "#444"]);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img").attr("aria-label", `${title}: line chart`);
  const every = Math.ceil(periods.length / Math.max(2, Math.floor((width - room) / 56)));
  axes(svg, d3.axisBottom(x).tickValues(periods.filter((_, i) => i % every === 0)),
    d3.axisLeft(y).ticks(6, percent ? "%" : "~s"), yLabel, height);
  const line = d3.line().defined((r) => r.value !== null).x((r) => x(r.period)).y((r) => y(r.value));
  for (const [group, values] of groups) {
    svg.append("path").attr("d", line(values)).attr("fill", "none").attr("stroke", colour(group)).attr("stroke-width", 2);
    const last = [...values].reverse().find((r) => r.value !== null);
    if (last) svg.append("text").attr("x", x(last.period) + 4).attr("y", y(last.value)).attr("dy", "0.35em")
      .attr("font-size", 12).attr("fill", colour(group)).text(fitted(last.label, room - 8));
  }
  const legend = h("ul", { class: "legend" }, groups.map(([g, v]) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${colour(g)}` }), v[0].label)));
  return h("figure", { class: "chart" }, h("h2", {}, title), legend, svg.node(), source, downloads(svg.node(), title, source));
}

const PALETTE = ["#1d4f91", "#b3261e", "#23733a", "#8a4700", "#6a3d9a", "#0f6b6b", "#5b5b5b", "#a8326e", "#2f4b7c", "#7a5c00", "#444"];

// Stacked areas of shares (0..1) per period. rows: [{period, group, label, value}].
// Groups are stacked in the order of their total, biggest at the bottom. `partial` as for
// stackedBars: the last period's stretch of the areas is washed out, and the legend says why.
export function stackedArea(rows, { title, source, height = 340, yLabel = "share", partial = null }) {
  const width = chartWidth();
  const periods = [...new Set(rows.map((r) => r.period))];
  // "(other)", the sum of the smaller groups, goes on top whatever its size.
  const isOther = (g) => /^\(?other\)?$/i.test(String(g));
  const totals = d3.rollups(rows, (v) => d3.sum(v, (r) => r.value || 0), (r) => r.group)
    .sort((a, b) => (isOther(a[0]) - isOther(b[0])) || (b[1] - a[1]));
  const keys = totals.map(([g]) => g);
  const labels = new Map(rows.map((r) => [r.group, r.label]));
  const wide = periods.map((p) => {
    const row = { period: p };
    for (const k of keys) row[k] = 0;
    for (const r of rows) if (r.period === p) row[r.group] = r.value || 0;
    return row;
  });
  const colour = d3.scaleOrdinal(keys, PALETTE);
  const x = d3.scalePoint().domain(periods).range([MARGIN.left, width - MARGIN.right]);
  const y = d3.scaleLinear().domain([0, 1]).range([height - MARGIN.bottom, MARGIN.top]);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
    .attr("aria-label", `${title}: stacked area chart, ${periods[0]} to ${periods[periods.length - 1]}`);
  const every = Math.ceil(periods.length / Math.max(2, Math.floor(width / 64)));
  axes(svg, d3.axisBottom(x).tickValues(periods.filter((_, i) => i % every === 0)).tickSizeOuter(0),
    d3.axisLeft(y).ticks(5, "%"), yLabel, height);
  const area = d3.area().x((d) => x(d.data.period)).y0((d) => y(d[0])).y1((d) => y(d[1]));
  const tip = tooltip();
  for (const layer of d3.stack().keys(keys)(wide)) {
    svg.append("path").attr("d", area(layer)).attr("fill", colour(layer.key)).attr("stroke", "#fff").attr("stroke-width", 0.5)
      .on("mousemove", (event) => {
        const [mx] = d3.pointer(event);
        const i = Math.max(0, Math.min(periods.length - 1, Math.round((mx - MARGIN.left) / (x.step() || 1))));
        tip.show(`${periods[i]}: ${labels.get(layer.key)} ${fmt.pct(wide[i][layer.key])}`, event.clientX, event.clientY);
      })
      .on("mouseleave", () => tip.hide());
  }
  const partialShown = partial && periods.length > 1 && String(partial.period) === String(periods[periods.length - 1]);
  if (partialShown) {
    // From halfway between the last two periods to the last: the stretch the partial period draws.
    const lastX = x(periods[periods.length - 1]);
    const fromX = (x(periods[periods.length - 2]) + lastX) / 2;
    svg.append("rect").attr("class", "partial").attr("x", fromX).attr("width", lastX - fromX)
      .attr("y", y(1)).attr("height", y(0) - y(1)).attr("fill", "#fff").attr("fill-opacity", 0.55)
      .attr("pointer-events", "none")
      .append("title").text(`${partial.period}: partial, data to ${partial.through}`);
  }
  const legend = h("ul", { class: "legend" }, keys.map((k) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${colour(k)}` }), labels.get(k))),
    partialShown ? partialNote(partial) : null);
  const data = table(wide, [{ key: "period", label: "Period" },
    ...keys.map((k) => ({ key: k, label: labels.get(k), num: true, format: fmt.pct }))], `${title} (data)`);
  return h("figure", { class: "chart" }, h("h2", {}, title), legend, svg.node(), source,
    downloads(svg.node(), title, source), h("details", {}, h("summary", {}, "Show the numbers"), data));
}

// A flow diagram (d3-sankey): nodes [{id, column, label, state}], links [{source, target, payloads}]
// with node indices. Columns left to right: before, customer, after.
export function flowDiagram(diagram, { title, source, height = 520 }) {
  const width = chartWidth();
  const narrow = width < 560;
  const nodes = diagram.nodes.map((n, i) => ({ ...n, index: i }));
  const links = diagram.links.map((l) => ({ source: l.source, target: l.target, value: l.payloads, first_launch: l.first_launch }));
  // Colours stand for the providers' states (customers are drawn in black).
  const states = [...new Set(nodes.filter((n) => n.column !== "customer").map((n) => n.state || "?"))];
  const colour = d3.scaleOrdinal(states, PALETTE);
  // Names, never bare codes: a state shows as the name the API sends beside its code.
  const stateNames = new Map(nodes.filter((n) => n.state).map((n) => [n.state, n.state_name || n.state]));
  const layout = d3.sankey().nodeId((d) => d.index).nodeWidth(12).nodePadding(narrow ? 6 : 9)
    .nodeAlign(d3.sankeyJustify)
    .extent([[narrow ? 4 : 140, 8], [width - (narrow ? 4 : 140), height - 8]]);
  const graph = layout({ nodes: nodes.map((d) => ({ ...d })), links: links.map((d) => ({ ...d })) });
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
    .attr("aria-label", `${title}: flow diagram from providers before, through customers, to providers after`);
  const tip = tooltip();
  svg.append("g").attr("fill", "none").selectAll("path").data(graph.links).join("path")
    .attr("d", d3.sankeyLinkHorizontal()).attr("stroke", (d) => colour(d.source.column === "customer" ? (d.target.state || "?") : (d.source.state || "?")))
    .attr("stroke-opacity", 0.45).attr("stroke-width", (d) => Math.max(1, d.width))
    .on("mousemove", (event, d) => tip.show(`${d.source.label} → ${d.target.label}: ${fmt.int(d.value)} payloads`, event.clientX, event.clientY))
    .on("mouseleave", () => tip.hide());
  svg.append("g").selectAll("rect").data(graph.nodes).join("rect")
    .attr("x", (d) => d.x0).attr("y", (d) => d.y0).attr("width", (d) => d.x1 - d.x0).attr("height", (d) => Math.max(1, d.y1 - d.y0))
    .attr("fill", (d) => (d.column === "customer" ? "#1b1f24" : colour(d.state || "?")));
  if (!narrow) {
    svg.append("g").attr("font-size", 12).selectAll("text").data(graph.nodes).join("text")
      .attr("x", (d) => (d.column === "before" ? d.x0 - 4 : d.x1 + 4)).attr("y", (d) => (d.y0 + d.y1) / 2)
      .attr("dy", "0.35em").attr("text-anchor", (d) => (d.column === "before" ? "end" : "start")).attr("fill", "#1b1f24")
      .text((d) => `${d.label}${d.state ? ` (${d.state_name || d.state})` : ""}`);
  } else {
    // A phone: labels inside the diagram (the last column's to the left of its nodes), on a
    // white halo, for the nodes tall enough to carry one; the table below lists every flow.
    svg.append("g").attr("font-size", 12).attr("paint-order", "stroke").attr("stroke", "#fff").attr("stroke-width", 3)
      .selectAll("text").data(graph.nodes.filter((d) => d.y1 - d.y0 >= 12)).join("text")
      .attr("x", (d) => (d.column === "after" ? d.x0 - 3 : d.x1 + 3)).attr("y", (d) => (d.y0 + d.y1) / 2)
      .attr("dy", "0.35em").attr("text-anchor", (d) => (d.column === "after" ? "end" : "start")).attr("fill", "#1b1f24")
      .text((d) => d.label);
  }
  const heads = h("div", { class: "flow-heads", "aria-hidden": "true" },
    h("span", {}, "Providers before"), h("span", {}, "Customers"), h("span", {}, "Providers after"));
  const byIndex = new Map(nodes.map((n) => [n.index, n]));
  const rows = diagram.links.map((l) => ({ from: byIndex.get(l.source).label, to: byIndex.get(l.target).label, payloads: l.payloads }));
  const legend = h("ul", { class: "legend" }, states.map((s) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${colour(s)}` }), `provider state ${stateNames.get(s) || s}`)));
  const data = table(rows, [{ key: "from", label: "From" }, { key: "to", label: "To" },
    { key: "payloads", label: "Payloads", num: true, format: fmt.int }], `${title} (data)`);
  return h("figure", { class: "chart" }, h("h2", {}, title), legend, heads, svg.node(), source,
    downloads(svg.node(), title, source), h("details", { open: narrow ? true : null }, h("summary", {}, "Show the flows as a table"), data));
}

// Each group's mix as one 100 % bar: rows [{name, parts: [{label, count}]}]; a part's colour is
// the same in every bar (one legend). For comparing what sites or providers launch.
export function mixBars(rows, { title, source, unit = "launches" }) {
  const width = chartWidth();
  const labels = [...new Set(rows.flatMap((r) => r.parts.map((p) => p.label)))];
  const colour = d3.scaleOrdinal(labels, PALETTE);
  const band = 34;
  // room on the left for the longest name, at most 40 % of the width (cut names are whole
  // in the table below)
  const left = Math.min(width * 0.4, Math.max(60, d3.max(rows, (r) => textWidth(r.name)) + 12));
  const height = rows.length * band + 30;
  const x = d3.scaleLinear().domain([0, 1]).range([left, width - MARGIN.right]);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
    .attr("aria-label", `${title}: one bar per group, split by share of ${unit}`);
  const tip = tooltip();
  rows.forEach((row, i) => {
    const total = d3.sum(row.parts, (p) => p.count) || 1;
    let at = 0;
    const g = svg.append("g").attr("transform", `translate(0,${i * band + 6})`);
    g.append("text").attr("x", left - 6).attr("y", band / 2 - 3).attr("dy", "0.35em").attr("text-anchor", "end")
      .attr("font-size", 12).attr("fill", "#1b1f24").text(fitted(row.name, left - 10));
    for (const part of row.parts) {
      const share = part.count / total;
      g.append("rect").attr("x", x(at)).attr("width", Math.max(0, x(at + share) - x(at))).attr("y", 0).attr("height", band - 10)
        .attr("fill", colour(part.label))
        .on("mousemove", (event) => tip.show(`${row.name}: ${part.label} ${fmt.int(part.count)} ${unit} (${fmt.pct(share)})`, event.clientX, event.clientY))
        .on("mouseleave", () => tip.hide());
      at += share;
    }
  });
  svg.append("g").attr("transform", `translate(0,${rows.length * band + 4})`)
    .call(d3.axisBottom(x).ticks(4, "%")).call((g) => g.selectAll("text").attr("font-size", 12));
  const legend = h("ul", { class: "legend" }, labels.map((l) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${colour(l)}` }), l)));
  const flat = rows.flatMap((r) => r.parts.map((p) => ({ name: r.name, label: p.label, count: p.count })));
  const data = table(flat, [{ key: "name", label: "Group" }, { key: "label", label: "Part" },
    { key: "count", label: unit, num: true, format: fmt.int }], `${title} (data)`);
  return h("figure", { class: "chart" }, h("h2", {}, title), legend, svg.node(), source,
    downloads(svg.node(), title, source), h("details", {}, h("summary", {}, "Show the numbers"), data));
}

// Stacked bars of a money value per period with the range of each period's total shaded.
// rows: [{period, <series keys>...}]; series: [{key, label}] (coloured in order, "(other)"
// last); ranges: [{period, low, high}] drawn as a hatched band behind the bars' tops.
export function valueBars(rows, series, ranges, { title, source, height = 320, yLabel = "US$ millions" }) {
  const width = chartWidth();
  const periods = rows.map((r) => r.period);
  const x = d3.scaleBand().domain(periods).range([MARGIN.left, width - MARGIN.right]).padding(0.2);
  const colour = d3.scaleOrdinal(series.map((s) => s.key), PALETTE);
  const stack = d3.stack().keys(series.map((s) => s.key))(rows);
  const top = Math.max(d3.max(rows, (r) => d3.sum(series, (s) => r[s.key] || 0)) || 0, d3.max(ranges, (r) => r.high) || 0);
  const y = roundedUp(top, height);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
    .attr("aria-label", `${title}: stacked bar chart with ranges, ${periods[0]} to ${periods[periods.length - 1]}`);
  const every = Math.ceil(periods.length / Math.floor(width / 56));
  axes(svg, d3.axisBottom(x).tickValues(periods.filter((_, i) => i % every === 0)).tickSizeOuter(0),
    d3.axisLeft(y).ticks(Y_TICKS), yLabel, height);
  const tip = tooltip();
  // The range first, a little wider than the bar, so the bars stand in front of it.
  svg.append("g").attr("class", "ranges").selectAll("rect").data(ranges).join("rect")
    .attr("x", (d) => x(d.period) - x.step() * 0.08).attr("width", x.bandwidth() + x.step() * 0.16)
    .attr("y", (d) => y(d.high)).attr("height", (d) => Math.max(0, y(d.low) - y(d.high)))
    .attr("fill", "#4a5361").attr("fill-opacity", 0.18)
    .append("title").text((d) => `${d.period}: range ${fmt.int(d.low)}–${fmt.int(d.high)}`);
  stack.forEach((layer, i) => {
    svg.append("g").attr("fill", colour(series[i].key)).selectAll("rect").data(layer).join("rect")
      .attr("x", (d) => x(d.data.period) + x.bandwidth() * 0.15).attr("width", x.bandwidth() * 0.7)
      .attr("y", (d) => y(d[1])).attr("height", (d) => Math.max(0, y(d[0]) - y(d[1])))
      .on("mousemove", (event, d) => tip.show(`${d.data.period}: ${series[i].label} ${fmt.int(d.data[series[i].key])}`, event.clientX, event.clientY))
      .on("mouseleave", () => tip.hide());
  });
  const legend = h("ul", { class: "legend" }, series.map((s) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${colour(s.key)}` }), s.label)),
    h("li", {}, h("span", { class: "swatch range", style: "background:rgba(74,83,97,0.18)" }), "range of the total (low–high)"));
  const data = table(rows.map((r) => ({ ...r, ...ranges.find((g) => g.period === r.period) })),
    [{ key: "period", label: "Period" }, ...series.map((s) => ({ key: s.key, label: s.label, num: true, format: fmt.int })),
      { key: "low", label: "Low", num: true, format: fmt.int }, { key: "high", label: "High", num: true, format: fmt.int }],
    `${title} (data)`);
  return h("figure", { class: "chart" }, h("h2", {}, title), legend, svg.node(), source,
    downloads(svg.node(), title, source), h("details", {}, h("summary", {}, "Show the numbers"), data));
}
