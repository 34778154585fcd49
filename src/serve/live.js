// opsbook dev server: live reload. Served at {base}__opsbook/live.js and added to pages only
// by `opsbook serve`, never by `opsbook build`. Plain ES module, no dependencies.
//
// The page's tag says which file it is and which version it was built from. The server
// streams events (EventSource reconnects by itself after a restart): a tab reloads when its
// own file changed, swaps stylesheets in place when only CSS changed, and shows build
// errors as an overlay until the next good build. Reloads keep the scroll position.

const SCROLL_KEY = "opsbook-live-scroll";

/** Whether a `reload` event concerns the page that shows `file` at `url`. */
export function shouldReload(event, file, url) {
  const files = event.files ?? [];
  const urls = event.urls ?? [];
  return files.includes(file) || urls.includes(url) || urls.includes(safeDecode(url));
}

function safeDecode(text) {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}

/** The stylesheet hrefs (as written) among `hrefs` whose path is one of `changed`. */
export function stylesheetsToSwap(hrefs, changed, origin) {
  return hrefs.filter((href) => {
    try {
      return changed.includes(new URL(href, origin).pathname);
    } catch {
      return false;
    }
  });
}

/** An href that bypasses the browser cache: the path with a fresh `live` parameter. */
export function freshHref(href, origin, stamp) {
  const url = new URL(href, origin);
  url.searchParams.set("live", String(stamp));
  return url.pathname + url.search;
}

/** One diagnostic as the overlay shows it: location, message, source line, caret, help. */
export function describe(diagnostic) {
  const where = diagnostic.file
    ? diagnostic.line
      ? `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`
      : diagnostic.file
    : "";
  const caret =
    diagnostic.line && diagnostic.source_line !== undefined
      ? " ".repeat(Math.max(0, (diagnostic.column ?? 1) - 1)) + "^"
      : "";
  return {
    where,
    severity: diagnostic.severity ?? "error",
    message: diagnostic.message ?? "",
    source: diagnostic.source_line ?? "",
    caret,
    help: diagnostic.help ?? "",
  };
}

function reloadKeepingScroll() {
  try {
    sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ path: location.pathname, x: scrollX, y: scrollY }));
  } catch {
    // Storage may be unavailable; the browser's own restoration still applies.
  }
  location.reload();
}

function restoreScroll() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) ?? "null");
    sessionStorage.removeItem(SCROLL_KEY);
  } catch {
    return;
  }
  if (saved && saved.path === location.pathname) {
    const apply = () => scrollTo(saved.x, saved.y);
    if (document.readyState === "complete") apply();
    else addEventListener("load", apply, { once: true });
  }
}

function swapStylesheets(urls) {
  const links = [...document.querySelectorAll('link[rel="stylesheet"]')];
  const targets = new Set(stylesheetsToSwap(links.map((l) => l.getAttribute("href")), urls, location.origin));
  const stamp = Date.now();
  for (const link of links) {
    if (!targets.has(link.getAttribute("href"))) continue;
    const next = link.cloneNode();
    next.href = freshHref(link.getAttribute("href"), location.origin, stamp);
    // Keep the old sheet until the new one has loaded, so nothing flashes.
    next.addEventListener("load", () => link.remove(), { once: true });
    next.addEventListener("error", () => next.remove(), { once: true });
    link.after(next);
  }
}

const OVERLAY_ID = "opsbook-build-errors";

function showErrors(report) {
  hideErrors();
  const host = document.createElement("div");
  host.id = OVERLAY_ID;
  const shadow = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = `
    :host { all: initial; }
    .panel { position: fixed; inset: auto 1rem 1rem 1rem; max-height: 70vh; overflow: auto; z-index: 2147483647;
      background: #1b1f24; color: #f0f3f6; border: 2px solid #f85149; border-radius: 10px;
      font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; box-shadow: 0 12px 40px rgb(0 0 0 / .45); }
    header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: .7rem 1rem;
      background: #3d1416; font: 600 15px/1.4 system-ui, sans-serif; }
    button { font: inherit; font-size: 13px; color: #f0f3f6; background: transparent; border: 1px solid #8b949e;
      border-radius: 6px; padding: .2rem .6rem; cursor: pointer; }
    ol { list-style: none; margin: 0; padding: .4rem 1rem 1rem; }
    li { padding: .6rem 0; border-bottom: 1px solid #30363d; }
    li:last-child { border-bottom: 0; }
    .where { color: #79c0ff; }
    .severity-error { color: #ff7b72; font-weight: 700; }
    .severity-warning { color: #e3b341; font-weight: 700; }
    pre { margin: .35rem 0 0; padding: .5rem .7rem; background: #0d1117; border-radius: 6px; overflow-x: auto; }
    .help { color: #a5d6ff; margin-top: .3rem; }
    p.note { margin: 0; padding: 0 1rem .9rem; color: #c9d1d9; font: 13px/1.4 system-ui, sans-serif; }`;
  const panel = document.createElement("section");
  panel.className = "panel";
  panel.setAttribute("role", "alert");
  const diagnostics = report.diagnostics ?? [];
  const header = document.createElement("header");
  const title = document.createElement("span");
  const count = report.errors ?? diagnostics.length;
  title.textContent = `opsbook: the build failed with ${count} error${count === 1 ? "" : "s"}`;
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Hide";
  close.addEventListener("click", hideErrors);
  header.append(title, close);
  const list = document.createElement("ol");
  for (const d of diagnostics.map(describe)) {
    const item = document.createElement("li");
    const head = document.createElement("div");
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = d.where ? `${d.where}: ` : "";
    const severity = document.createElement("span");
    severity.className = `severity-${d.severity}`;
    severity.textContent = `${d.severity}: `;
    const message = document.createElement("span");
    message.textContent = d.message;
    head.append(where, severity, message);
    item.append(head);
    if (d.source) {
      const pre = document.createElement("pre");
      pre.textContent = `${d.source}\n${d.caret}`;
      item.append(pre);
    }
    if (d.help) {
      const help = document.createElement("div");
      help.className = "help";
      help.textContent = `help: ${d.help}`;
      item.append(help);
    }
    list.append(item);
  }
  const note = document.createElement("p");
  note.className = "note";
  note.textContent = "The page shows the last good build. This goes away when the next build succeeds.";
  panel.append(header, list, note);
  shadow.append(style, panel);
  document.body.append(host);
}

function hideErrors() {
  document.getElementById(OVERLAY_ID)?.remove();
}

function connect() {
  const tag = document.querySelector("script[data-opsbook-live]");
  if (!tag) return;
  const file = tag.dataset.path ?? "";
  const version = tag.dataset.version ?? "";
  const endpoint = new URL("events", import.meta.url);
  endpoint.searchParams.set("file", file);
  endpoint.searchParams.set("version", version);
  endpoint.searchParams.set("url", location.pathname);
  const source = new EventSource(endpoint);
  source.addEventListener("reload", (event) => {
    if (shouldReload(JSON.parse(event.data), file, location.pathname)) reloadKeepingScroll();
  });
  source.addEventListener("css", (event) => swapStylesheets(JSON.parse(event.data).urls ?? []));
  source.addEventListener("build-error", (event) => showErrors(JSON.parse(event.data)));
  source.addEventListener("build-ok", hideErrors);
  window.__opsbookLive = { source };
}

if (typeof document !== "undefined") {
  restoreScroll();
  connect();
}
