// opsbook search: the user interface. Plain ES module, no dependencies.
//
// The header's search box becomes a combobox: results appear as you type (title, section,
// owner, highlighted excerpt), arrows move through them, Enter opens one, Escape closes the
// list, and chips filter by section, owner, status, review state (overdue, due soon, ...) and
// backups (processes held by one person). The /search/ page runs the query
// from its URL and shows every result. Without JavaScript the box still submits to
// /search/, which then says that search needs JavaScript.

import { SearchEngine, bestBlock, excerpt, hitUrl } from "./search-engine.js";

const DROPDOWN_RESULTS = 5;
const PAGE_RESULTS = 10;
const DROPDOWN_FACETS = 4;
const PAGE_FACETS = 8;
const FILTERS = [
  ["section", "sections", "Section"],
  ["owner", "owners", "Owner"],
  ["status", "statuses", "Status"],
  ["review", "reviews", "Review"],
  ["coverage", "coverages", "Backups"],
];

function element(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (value !== undefined && value !== null && value !== false) el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

function excerptNode(text, words) {
  const node = element("span", { class: "result-excerpt" });
  for (const part of excerpt(text, words)) {
    node.append(part.mark ? element("mark", { text: part.text }) : document.createTextNode(part.text));
  }
  return node;
}

function metaLine(manifest, hit) {
  const parts = [];
  const section = manifest.sections[hit.section];
  const owner = manifest.owners[hit.owner];
  const status = manifest.statuses[hit.status];
  if (section) parts.push(section);
  if (owner) parts.push(`Owner: ${owner}`);
  if (status && status !== "active") parts.push(status[0].toUpperCase() + status.slice(1));
  return parts.join(" · ");
}

/** The heading a hit's excerpt comes from, or null for the top of the page. */
function blockHeading(record, block) {
  return block > 0 ? record.headings[block - 1]?.[1] ?? null : null;
}

/**
 * What the status line says: how many results, how many have every word, and a "did you
 * mean" link to the search page for the suggested query, which runs it in place.
 */
function renderStatus(status, result, text, searchUrl, onSuggest) {
  const count = result.total;
  let line = text(count);
  if (count > 0 && result.full === 0) line += " with some of the words";
  else if (result.full < count) line += `: ${result.full} with every word, then pages with some of them`;
  status.replaceChildren(document.createTextNode(`${line}.`));
  if (result.suggestion) {
    const url = new URL(searchUrl, location.href);
    url.search = new URLSearchParams({ q: result.suggestion }).toString();
    const link = element("a", { class: "search-suggestion", href: url.pathname + url.search, text: result.suggestion });
    link.addEventListener("click", (event) => {
      event.preventDefault();
      onSuggest(result.suggestion);
    });
    status.append(" Did you mean ", link, "?");
  }
}

/** Loads the records of the hits of `result` and pairs them up with the block each links to. */
async function withRecords(engine, result, hits) {
  const records = await engine.records(hits.map((h) => h.page));
  return hits.map((hit, i) => ({ hit, record: records[i], block: bestBlock(records[i], result.words) }));
}

/** Filter chips: for each filter, its most frequent values among the results. */
function renderFilters(container, manifest, facets, active, onChange, limit) {
  container.replaceChildren();
  for (const [key, list, label] of FILTERS) {
    const values = Object.entries(facets[key])
      .map(([value, count]) => [Number(value), count])
      .filter(([value]) => value !== 0 && manifest[list]?.[value])
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit);
    if (active[key] != null && !values.some(([v]) => v === active[key])) values.unshift([active[key], 0]);
    if (values.length === 0 || (values.length === 1 && active[key] == null && Object.keys(facets[key]).length === 1)) continue;
    const group = element("div", { class: "filter-group", role: "group", "aria-label": `Filter by ${label.toLowerCase()}` });
    group.append(element("span", { class: "filter-label", text: label }));
    for (const [value, count] of values) {
      const pressed = active[key] === value;
      const chip = element("button", {
        type: "button",
        class: "chip",
        "aria-pressed": String(pressed),
        "data-filter": key,
        "data-value": String(value),
      });
      const name = manifest[list][value];
      chip.append(document.createTextNode(key === "status" ? name[0].toUpperCase() + name.slice(1) : name));
      if (count) chip.append(element("span", { class: "chip-count", text: String(count) }));
      chip.addEventListener("click", () => onChange(key, pressed ? null : value));
      group.append(chip);
    }
    container.append(group);
  }
}

class SearchBox {
  constructor(form, input, engine) {
    this.form = form;
    this.input = input;
    this.engine = engine;
    this.filters = {};
    this.active = -1;
    this.items = [];
    this.ticket = 0;
    this.build();
  }

  build() {
    const input = this.input;
    this.panel = element("div", { class: "search-panel", id: "opsbook-search-panel", hidden: true });
    this.filterBar = element("div", { class: "search-filters" });
    this.list = element("ul", { id: "opsbook-search-results", role: "listbox", "aria-label": "Search results" });
    this.status = element("p", { class: "search-status", role: "status", "aria-live": "polite" });
    this.all = element("a", { class: "search-all", href: this.form.action, text: "See all results" });
    this.panel.append(this.filterBar, this.status, this.list, this.all);
    this.form.append(this.panel);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "opsbook-search-results");

    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.run(), 60);
    });
    input.addEventListener("focus", () => {
      this.engine.load().catch(() => {});
      if (input.value.trim()) this.run();
    });
    input.addEventListener("keydown", (event) => this.key(event));
    this.form.addEventListener("focusout", (event) => {
      if (!this.form.contains(event.relatedTarget)) this.close();
    });
    document.addEventListener("pointerdown", (event) => {
      if (!this.form.contains(event.target)) this.close();
    });
  }

  open() {
    this.panel.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.panel.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  }

  key(event) {
    const open = !this.panel.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        if (this.input.value.trim()) this.run();
        return;
      }
      if (this.items.length === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.select((this.active + step + this.items.length) % this.items.length);
    } else if (event.key === "Enter") {
      if (open && this.active >= 0 && this.items[this.active]) {
        event.preventDefault();
        location.href = this.items[this.active].dataset.url;
      }
      // Otherwise the form submits to the search page.
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        this.close();
      } else if (this.input.value) {
        this.input.value = "";
      } else {
        this.input.blur();
      }
    }
  }

  select(index) {
    this.items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    this.active = index;
    const item = this.items[index];
    if (item) {
      this.input.setAttribute("aria-activedescendant", item.id);
      item.scrollIntoView({ block: "nearest" });
    }
  }

  setFilter(key, value) {
    this.filters[key] = value;
    this.run();
  }

  async run() {
    const query = this.input.value;
    const ticket = ++this.ticket;
    if (!query.trim() || !/[\p{L}\p{N}]/u.test(query)) {
      this.items = [];
      this.list.replaceChildren();
      this.filterBar.replaceChildren();
      this.close();
      return;
    }
    let result;
    let rows;
    try {
      result = await this.engine.search(query, this.filters);
      rows = await withRecords(this.engine, result, result.hits.slice(0, DROPDOWN_RESULTS));
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.status.textContent = "Search is not available right now.";
      this.open();
      console.warn("opsbook search:", error);
      return;
    }
    if (ticket !== this.ticket) return;
    const manifest = this.engine.manifest;
    renderFilters(this.filterBar, manifest, result.facets, this.filters, (k, v) => this.setFilter(k, v), DROPDOWN_FACETS);
    this.items = rows.map(({ hit, record, block }, i) => {
      const url = hitUrl(record, block);
      // The option is the link itself (a link may take role="option"): no link nested in
      // an option, and the result still opens like any link.
      const item = element("a", { href: url, tabindex: "-1", role: "option", id: `opsbook-result-${i}`, "aria-selected": "false", "data-url": url });
      // The option opens the heading its excerpt is under, so it says so.
      const heading = blockHeading(record, block);
      item.append(
        element("span", { class: "result-title", text: heading ? `${record.title} › ${heading}` : record.title }),
        element("span", { class: "result-meta", text: metaLine(manifest, hit) }),
        excerptNode(record.blocks[block] || record.description, result.words),
      );
      item.addEventListener("pointermove", () => this.active !== i && this.select(i));
      return item;
    });
    this.list.replaceChildren(...this.items.map((item) => element("li", { role: "presentation" }, [item])));
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    const count = result.total;
    renderStatus(this.status, result, (n) => (n === 0 ? "No pages match" : `${n} result${n === 1 ? "" : "s"}`), this.form.action, (q) => {
      this.input.value = q;
      this.input.focus();
      this.run();
    });
    const all = new URL(this.form.action, location.href);
    all.searchParams.set("q", query);
    this.all.href = all.pathname + all.search;
    this.all.hidden = count <= DROPDOWN_RESULTS;
    this.open();
  }
}

class SearchPage {
  constructor(root, engine) {
    this.root = root;
    this.engine = engine;
    this.input = root.querySelector("input[name=q]");
    this.list = root.querySelector("[data-search-results]");
    this.filterBar = root.querySelector("[data-search-filters]");
    this.status = root.querySelector("[data-search-status]");
    this.more = root.querySelector("[data-search-more]");
    this.shown = PAGE_RESULTS;
    const params = new URLSearchParams(location.search);
    this.filters = {};
    for (const [key] of FILTERS) if (params.has(key)) this.filters[key] = Number(params.get(key));
    this.input.value = params.get("q") ?? "";
    let timer = null;
    this.input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.shown = PAGE_RESULTS;
        this.run();
      }, 80);
    });
    root.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    this.more.addEventListener("click", () => {
      this.shown += PAGE_RESULTS;
      this.run();
    });
    this.ticket = 0;
    this.run();
  }

  remember(query) {
    const url = new URL(location.href);
    url.search = "";
    if (query) url.searchParams.set("q", query);
    for (const [key] of FILTERS) if (this.filters[key] != null) url.searchParams.set(key, String(this.filters[key]));
    history.replaceState(null, "", url);
  }

  async run() {
    const query = this.input.value;
    const ticket = ++this.ticket;
    this.remember(query.trim());
    if (!query.trim() || !/[\p{L}\p{N}]/u.test(query)) {
      this.list.replaceChildren();
      this.filterBar.replaceChildren();
      // An empty page says what to do rather than showing nothing.
      this.status.textContent = query.trim()
        ? "Type a word to search for."
        : "Type what you are looking for: a process, a system, a person or a step. Results appear as you type.";
      this.more.hidden = true;
      return;
    }
    let result;
    let rows;
    try {
      result = await this.engine.search(query, this.filters);
      rows = await withRecords(this.engine, result, result.hits.slice(0, this.shown));
    } catch (error) {
      this.status.textContent = "Search is not available right now.";
      console.warn("opsbook search:", error);
      return;
    }
    if (ticket !== this.ticket) return;
    const manifest = this.engine.manifest;
    renderFilters(this.filterBar, manifest, result.facets, this.filters, (key, value) => {
      this.filters[key] = value;
      this.shown = PAGE_RESULTS;
      this.run();
    }, PAGE_FACETS);
    this.list.replaceChildren(
      ...rows.map(({ hit, record, block }) => {
        // The title opens the page at its top; the heading the excerpt is under links there.
        const heading = blockHeading(record, block);
        const item = element("li", { class: "search-result" });
        item.append(
          element("a", { class: "result-title", href: record.url, text: record.title }),
          element("p", { class: "result-meta", text: metaLine(manifest, hit) }),
          element("p", {}, [
            heading ? element("a", { class: "result-heading", href: hitUrl(record, block), text: heading }) : null,
            heading ? document.createTextNode(" — ") : null,
            excerptNode(record.blocks[block] || record.description, result.words),
          ]),
        );
        return item;
      }),
    );
    const count = result.total;
    const q = query.trim();
    renderStatus(this.status, result, (n) => (n === 0 ? `No pages match “${q}”` : `${n} result${n === 1 ? "" : "s"} for “${q}”`), location.href, (suggested) => {
      this.input.value = suggested;
      this.shown = PAGE_RESULTS;
      this.run();
    });
    this.more.hidden = count <= this.shown;
  }
}

function start() {
  const form = document.querySelector("form.site-search[data-index]");
  if (!form) return;
  const engine = new SearchEngine(new URL(form.dataset.index, location.href).toString());
  const input = form.querySelector("input[name=q]");
  if (input) new SearchBox(form, input, engine);
  const page = document.querySelector("[data-search-page]");
  if (page) new SearchPage(page, engine);
}

if (typeof document !== "undefined") start();
