// World map of spaceports, circles sized by launches; click (or Enter) opens a site profile.
import { getJSON } from "../api.js";
import { downloads } from "../charts.js";
import { d3, empty, fmt, h, loading, showError, sourceNote, table, tooltip } from "../ui.js";

let atlas = null;

async function countries() {
  if (!atlas) {
    const response = await fetch("/vendor/world-atlas/countries-110m.json");
    if (!response.ok) throw new Error("world-atlas is missing: run `make install`");
    atlas = await response.json();
  }
  return window.topojson.feature(atlas, atlas.objects.countries);
}

export async function render(root, params, ctx) {
  const period = params.active === "1";
  const country = params.country || "";
  const heading = h("h1", {}, "The world's spaceports");
  const lede = h("p", { class: "lede" }, "Every launch site in GCAT, sized by its orbital launches. Select a site to open its profile.");
  const countryInput = h("input", { id: "map-country", name: "country", value: country, placeholder: "all", size: 6, autocomplete: "off" });
  const activeBox = h("input", { type: "checkbox", id: "map-active", name: "active", checked: period });
  const form = h("form", { class: "controls", role: "search", "aria-label": "Filter spaceports" },
    h("label", { for: "map-country" }, "Country or operator state (KZ, France, FRA, F)", countryInput),
    h("label", { for: "map-active", class: "inline" }, h("span", {}, "Only sites active in the last 5 years"), activeBox),
    h("button", { type: "submit" }, "Show"));
  const body = h("div", {});
  root.append(heading, lede, form, body);

  async function draw() {
    loading(body, "Loading spaceports…");
    let data;
    let shapes;
    try {
      [data, shapes] = await Promise.all([
        getJSON("sites", { country: countryInput.value.trim() }, { signal: ctx.signal }),
        countries(),
      ]);
    } catch (error) {
      if (error.name !== "AbortError") showError(body, error, (name) => { countryInput.value = name; form.requestSubmit(); });
      return;
    }
    const recent = `${Number(data.source.data_date.slice(0, 4)) - 5}`;
    const sites = data.data.filter((s) => s.lat_deg !== null && s.lon_deg !== null
      && (!activeBox.checked || String(s.last_launch) >= recent));
    if (!sites.length) {
      empty(body, "No spaceports match.", "Clear the country filter or untick ‘only active sites’.");
      return;
    }
    const width = 960;
    const height = 500;
    const projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
    const path = d3.geoPath(projection);
    const radius = d3.scaleSqrt().domain([0, d3.max(data.data, (s) => s.launches)]).range([0, 22]);
    const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`)
      .attr("role", "group").attr("aria-label", `Map of ${sites.length} spaceports sized by launches`);
    svg.append("path").attr("d", path({ type: "Sphere" })).attr("fill", "#eef3f9").attr("stroke", "#c9ced6");
    svg.append("g").selectAll("path").data(shapes.features).join("path")
      .attr("d", path).attr("fill", "#d5dbe3").attr("stroke", "#fff").attr("stroke-width", 0.5).attr("aria-hidden", "true");
    const tip = tooltip();
    const open = (s) => ctx.go("site", { name: s.site });
    const label = (s) => `${s.site_name} (${s.host_country_name || s.host_country}): ${fmt.int(s.launches)} launches, ${s.first_launch.slice(0, 4)}–${s.last_launch.slice(0, 4)}`;
    svg.append("g").selectAll("circle").data([...sites].sort((a, b) => b.launches - a.launches)).join("circle")
      .attr("class", "site")
      .attr("cx", (s) => projection([s.lon_deg, s.lat_deg])[0])
      .attr("cy", (s) => projection([s.lon_deg, s.lat_deg])[1])
      .attr("r", (s) => Math.max(2.5, radius(s.launches)))
      .attr("fill", (s) => (String(s.last_launch) >= recent ? "#1d4f91" : "#6b7380"))
      .attr("fill-opacity", 0.72).attr("stroke", "#fff").attr("stroke-width", 1)
      .attr("tabindex", 0).attr("role", "link").attr("aria-label", label)
      .attr("data-site", (s) => s.site)
      .on("click", (_event, s) => open(s))
      .on("keydown", (event, s) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(s); } })
      .on("mousemove focus", (event, s) => {
        const box = event.target.getBoundingClientRect();
        tip.show(label(s), event.clientX ?? box.right, event.clientY ?? box.bottom);
      })
      .on("mouseleave blur", () => tip.hide());
    const legend = h("ul", { class: "legend", "aria-label": "Legend" },
      h("li", {}, h("span", { class: "swatch", style: "background:#1d4f91" }), `launched since ${recent}`),
      h("li", {}, h("span", { class: "swatch", style: "background:#6b7380" }), "inactive since then"),
      h("li", {}, "circle area ∝ launches"));
    const source = sourceNote(data.source, "coordinates: GCAT sites.tsv; map: Natural Earth via world-atlas").textContent;
    const figure = h("figure", { class: "chart" }, svg.node(), legend,
      h("figcaption", { class: "source" }, source),
      downloads(svg.node(), "Spaceports of the world, circle area by launches", source));
    const top = table(sites.slice(0, 25), [
      { key: "site_name", label: "Site", link: (s) => `#/site?name=${encodeURIComponent(s.site)}` },
      { key: "site", label: "Code" },
      { key: "host_country_name", label: "Country" },
      { key: "launches", label: "Launches", num: true, format: fmt.int },
      { key: "successes", label: "Successes", num: true, format: fmt.int, narrow: false },
      { key: "first_launch", label: "First", format: fmt.day, narrow: false },
      { key: "last_launch", label: "Last", format: fmt.day, narrow: false },
    ], `Busiest ${Math.min(25, sites.length)} of ${sites.length} spaceports`);
    body.replaceChildren(figure, h("h2", {}, "Busiest spaceports"), top);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.update({ country: countryInput.value.trim(), active: activeBox.checked ? "1" : "" });
    draw();
  });
  await draw();
}
