// The dashboard's router: the page and its state live in the URL hash (#/site?name=Baikonur),
// so every view is a shareable link. Pages appear as the server offers their feature.
import { getJSON } from "./api.js";
import { h, loading, setDisplayRules, showError } from "./ui.js";

const PAGES = [
  { id: "map", label: "Map", module: "./pages/map.js" },
  { id: "site", label: "Site profile", module: "./pages/site.js" },
  { id: "share", label: "Market share", module: "./pages/share.js", feature: "analytics" },
  { id: "migration", label: "Migration", module: "./pages/migration.js", feature: "migration" },
  { id: "value", label: "Value", module: "./pages/value.js", feature: "value" },
  { id: "launches", label: "Launches", module: "./pages/launches.js" },
  { id: "compare", label: "Compare", module: "./pages/compare.js", feature: "analytics" },
  { id: "reach", label: "Reach", module: "./pages/reach.js", feature: "reach" },
  { id: "windows", label: "Windows", module: "./pages/windows.js", feature: "windows" },
  { id: "passes", label: "Passes", module: "./pages/passes.js", feature: "passes" },
  { id: "coverage", label: "Coverage", module: "./pages/coverage.js", feature: "coverage" },
  { id: "slips", label: "Slips", module: "./pages/slips.js", feature: "schedule" },
  { id: "forecast", label: "Forecasts", module: "./pages/forecast.js", feature: "forecast" },
];

const view = document.getElementById("view");
let meta = null;
// Every closed list (sectors, missions, regimes, outcomes, sort keys, states) with the names to
// show, from /api/vocabularies: pages never keep copies of their own.
let vocab = null;
let current = { id: null, controller: null };
let lastHash = null;

export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [id, query = ""] = raw.split("?");
  return { id: id || "map", params: Object.fromEntries(new URLSearchParams(query)) };
}

export function hashFor(id, params = {}) {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined));
  const query = new URLSearchParams(clean).toString();
  return `#/${id}${query ? `?${query}` : ""}`;
}

// Record a page's state in the URL without re-rendering it (a new history entry).
function update(id, params) {
  const next = hashFor(id, params);
  if (next !== location.hash) history.pushState(null, "", next);
  lastHash = location.hash;
}

function available() {
  return PAGES.filter((p) => !p.feature || meta.features.includes(p.feature));
}

function renderNav(activeId) {
  const items = available().map((p) => h("li", {}, h("a", {
    href: `#/${p.id}`, "aria-current": p.id === activeId ? "page" : null,
  }, p.label)));
  document.getElementById("nav").replaceChildren(...items);
}

async function route() {
  if (location.hash === lastHash && current.id) return;  // popstate and hashchange both fire
  lastHash = location.hash;
  const { id, params } = parseHash();
  const page = available().find((p) => p.id === id);
  if (current.controller) current.controller.abort();
  const controller = new AbortController();
  current = { id, controller };
  renderNav(page ? id : null);
  if (!page) {
    view.replaceChildren(h("h1", {}, "Page not found"),
      h("p", {}, "This page does not exist on this server. ", h("a", { href: "#/map" }, "Open the map")));
    return;
  }
  loading(view, `Loading ${page.label.toLowerCase()}…`);
  try {
    const module = await import(page.module);
    if (controller.signal.aborted) return;
    view.replaceChildren();
    document.title = `${page.label} — Cosmodrome`;
    await module.render(view, params, {
      meta, vocab, signal: controller.signal,
      update: (next) => update(id, next),
      go: (target, next) => { location.hash = hashFor(target, next); },
    });
  } catch (error) {
    if (error.name !== "AbortError") showError(view, error);
  }
}

async function start() {
  try {
    [meta, vocab] = await Promise.all([getJSON("meta"), getJSON("vocabularies")]);
    setDisplayRules(meta.display);
  } catch (error) {
    showError(view, error);
    if (error.type === "CatalogMissingError") view.append(h("p", {}, "Build the catalog, then reload this page."));
    return;
  }
  if (!window.d3) {
    showError(view, { type: "AssetsMissing", message: "the chart libraries are missing: run `make install` (npm ci) in the project folder, then reload." });
    return;
  }
  const { source } = meta;
  document.getElementById("footer").textContent =
    `Data: GCAT, J. McDowell, planet4589.org, CC BY 4.0 · data to ${source.data_date} · catalog ${source.catalog_version}`;
  window.addEventListener("popstate", route);
  window.addEventListener("hashchange", route);
  await route();
  document.body.dataset.ready = "true";
}

start();
