// Customer migration: the customers of some launch providers before a cutoff and who
// launched them afterwards, as a flow diagram (d3-sankey) and a table.
import { getJSON } from "../api.js";
import { flowDiagram } from "../charts.js";
import { empty, fmt, h, ISO_DAY, loading, showError, sourceNote, table } from "../ui.js";

const FIELDS = [["provider_state", "Provider state (RU)"], ["provider", "Provider"], ["site", "Site"], ["vehicle", "Vehicle"]];

export async function render(root, params, ctx) {
  const state = { provider_state: "", provider: "", site: "", vehicle: "", cutoff: "2022-02-24", window: "5", max_customers: "12", ...params };
  if (!FIELDS.some(([k]) => state[k])) state.provider_state = "RU";
  const inputs = Object.fromEntries(FIELDS.map(([key]) => [key, h("input", { id: `mig-${key}`, name: key, value: state[key], autocomplete: "off" })]));
  const cutoff = h("input", { id: "mig-cutoff", name: "cutoff", ...ISO_DAY, value: state.cutoff, required: true });
  const windowInput = h("input", { id: "mig-window", name: "window", type: "number", min: 1, max: 30, value: state.window });
  const maxCustomers = h("input", { id: "mig-max", name: "max_customers", type: "number", min: 1, max: 60, value: state.max_customers });
  const form = h("form", { class: "controls", "aria-label": "Which providers and when" },
    FIELDS.map(([key, label]) => h("label", { for: `mig-${key}` }, label, inputs[key])),
    h("label", { for: "mig-cutoff" }, "Cutoff (UTC day)", cutoff),
    h("label", { for: "mig-window" }, "Years before", windowInput),
    h("label", { for: "mig-max" }, "Customers drawn", maxCustomers),
    h("button", { type: "submit" }, "Show"));
  const body = h("div", {});
  root.append(h("h1", {}, "Customer migration"),
    h("p", { class: "lede" }, "Customers with a payload on the chosen providers' launches in the years before the cutoff, and who launched their payloads from the cutoff on. A state's launches are those it provides or whose vehicle it builds."),
    form, body);

  async function load() {
    loading(body, "Following the customers…");
    let data;
    try {
      data = await getJSON("migration", state, { signal: ctx.signal });
    } catch (error) {
      if (error.name !== "AbortError") showError(body, error, (name) => {
        const field = FIELDS.find(([k]) => state[k]);
        if (field) { inputs[field[0]].value = name; form.requestSubmit(); }
      });
      return;
    }
    if (!data.customers.length) {
      empty(body, `No customers of ${data.selection} between ${data.window_from} and ${data.cutoff}.`, "Choose other providers or an earlier cutoff.");
      return;
    }
    const counts = h("ul", { class: "stats", "aria-label": "Customers by status" },
      ["moved", "split", "stayed", "none since"].map((s) => h("li", {}, h("span", { class: "value" }, fmt.int(data.status_counts[s] || 0)), h("span", { class: "label" }, s))));
    const title = `Customers of ${data.selection}: before and after ${data.cutoff}`;
    const note = () => sourceNote(data.source, `payloads ${data.window_from} to ${data.data_date}`);
    const parts = [counts];
    parts.push(data.diagram.links.length ? flowDiagram(data.diagram, { title, source: note() })
      : h("p", {}, "No flows to draw."));
    parts.push(table(data.customers, [
      { key: "customer_name", label: "Customer", wrap: true }, { key: "owner_state_name", label: "State" },
      { key: "status", label: "Status", format: (v) => h("span", { class: `badge ${v.replace(" ", "-")}` }, v) },
      { key: "payloads_before", label: "Payloads before", num: true, format: fmt.int },
      { key: "payloads_after", label: "Payloads after", num: true, format: fmt.int, narrow: false },
      { key: "first_launch_after", label: "First launch after", format: fmt.day, narrow: false },
      { key: "providers_after", label: "Providers after", wrap: true, narrow: false },
    ], `Customers of ${data.selection}, status after ${data.cutoff}`), note());
    body.replaceChildren(...parts);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const [key] of FIELDS) state[key] = inputs[key].value.trim();
    Object.assign(state, { cutoff: cutoff.value, window: windowInput.value, max_customers: maxCustomers.value });
    ctx.update(state);
    load();
  });
  await load();
}
