// Two to four sites (or providers) side by side: launches per year (cadence), share of the
// world's launches, and what each launches (vehicle mix). State lives in the URL:
// #/compare?kind=site&names=Baikonur,Vostochny,Plesetsk&from=2010
import { getJSON } from "../api.js";
import { mixBars, shareLines } from "../charts.js";
import { clearFieldErrors, h, loading, showError, sourceNote } from "../ui.js";

const KINDS = { site: { by: "site", filter: "site", noun: "sites", example: "Baikonur, Vostochny, Plesetsk" },
  provider: { by: "provider", filter: "provider", noun: "providers", example: "SpaceX, Roscosmos, Arianespace" } };
const MIX_PARTS = 5;

export async function render(root, params, ctx) {
  const state = { kind: params.kind === "provider" ? "provider" : "site", names: params.names || "Baikonur, Vostochny, Plesetsk",
    from: params.from || "2010", to: params.to || "" };
  const kind = h("fieldset", { class: "toggle" }, h("legend", {}, "Compare"),
    Object.keys(KINDS).map((k) => h("label", {}, h("input", { type: "radio", name: "kind", value: k, checked: k === state.kind ? true : null }), KINDS[k].noun)));
  const names = h("input", { id: "cmp-names", name: "names", value: state.names, autocomplete: "off", size: 32, required: true });
  const from = h("input", { id: "cmp-from", name: "from", type: "number", min: 1957, max: 2100, value: state.from });
  const to = h("input", { id: "cmp-to", name: "to", type: "number", min: 1957, max: 2100, value: state.to, placeholder: "latest" });
  const form = h("form", { class: "controls", "aria-label": "What to compare" }, kind,
    h("label", { for: "cmp-names" }, "Two to four names, separated by commas", names),
    h("label", { for: "cmp-from" }, "From year", from), h("label", { for: "cmp-to" }, "To year", to),
    h("button", { type: "submit" }, "Compare"));
  const body = h("div", {});
  // What each typed name matched, where not plain, as the Launches page says it
  const matched = h("div", { id: "cmp-matched", class: "matched", "aria-live": "polite" });
  root.append(h("h1", {}, "Compare sites or providers"),
    h("p", { class: "lede" }, "Launches per year, share of the world's launches and the vehicles each launches, side by side."),
    form, matched, body);
  const fields = { names, only: names, site: names, agency: names, from, to, start: from, end: to };

  function picked() {
    return state.names.split(",").map((n) => n.trim()).filter(Boolean);
  }

  async function load() {
    clearFieldErrors(form);
    const list = picked();
    if (list.length < 2 || list.length > 4) {
      showError(body, { status: 400, type: "InputError", field: "names",
        message: `names: give two to four ${KINDS[state.kind].noun} separated by commas (${list.length} given), e.g. ${KINDS[state.kind].example}` }, null, fields);
      return;
    }
    const k = KINDS[state.kind];
    const period = { from: state.from, to: state.to };
    matched.replaceChildren();
    loading(body, `Comparing ${list.join(", ")}…`);
    let cadence;
    let share;
    let mixes;
    try {
      // one request at a time: a busy server sheds bursts, and each answers in milliseconds
      cadence = await getJSON("cadence", { by: k.by, only: list.join(","), period: "year", ...period }, { signal: ctx.signal });
      share = await getJSON("share", { by: k.by, only: list.join(","), period: "year", ...period }, { signal: ctx.signal });
      mixes = [];
      for (const name of list) {
        mixes.push(await getJSON("launches", { [k.filter]: name, ...period, facet: `vehicle,${k.by}`, limit: 0 }, { signal: ctx.signal }));
      }
    } catch (error) {
      if (error.name !== "AbortError") showError(body, error, (name) => {
        const typed = String(error.unknown || "").trim().toLowerCase();
        names.value = picked().map((n) => (n.toLowerCase() === typed ? name : n)).join(", ");
        form.requestSubmit();
      }, fields);
      return;
    }
    matched.replaceChildren(...mixes.flatMap((m) => m.matched || []).map((line) => h("p", {}, line)));
    const range = `${state.from || "first"}–${state.to || "latest"}`;
    const counts = cadence.data.map((r) => ({ period: r.period, group: r.group, label: r.label, value: r.launches }));
    const shares = share.data.map((r) => ({ period: r.period, group: r.group, label: r.label, value: r.launch_share }));
    const shown = [...new Set(cadence.data.map((r) => r.label))];
    const mixRows = mixes.map((m, i) => {
      const values = (m.facets && m.facets.vehicle && m.facets.vehicle.values) || [];
      // each bar named by the site or provider its name matched (its busiest, by name): the
      // cadence's groups need not come in the order the names were typed
      const own = m.facets && m.facets[k.by] && m.facets[k.by].values[0];
      const top = values.slice(0, MIX_PARTS).map((v) => ({ label: v.label || v.value, count: v.count }));
      const rest = m.total - top.reduce((sum, p) => sum + p.count, 0);
      return { name: (own && own.label) || list[i], parts: rest > 0 ? [...top, { label: "other vehicles", count: rest }] : top };
    });
    const what = shown.join(", ");
    body.replaceChildren(
      shareLines(counts, { title: `Launches per year: ${what}, ${range}`, source: sourceNote(cadence.source, "orbital launch attempts per UTC year"), percent: false, yLabel: "launches" }),
      shareLines(shares, { title: `Share of the world's launches: ${what}, ${range}`, source: sourceNote(share.source, "each launch counted once") , yLabel: "share" }),
      mixBars(mixRows, { title: `Vehicles launched, ${range}`, source: sourceNote(cadence.source, `top ${MIX_PARTS} vehicles of each, the rest as other`) }));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { kind: form.querySelector("input[name=kind]:checked").value, names: names.value, from: from.value, to: to.value });
    ctx.update(state);
    load();
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") names.placeholder = KINDS[event.target.value].example;
  });
  await load();
}
