// opsbook default theme behaviour: theme toggle, navigation drawer, "/" to search,
// table-of-contents highlighting and copy buttons on code. Plain ES module, no dependencies;
// every page works without it.

const root = globalThis.document?.documentElement;
const THEME_KEY = "opsbook-theme";

/** The theme in effect: the stored choice, else the system's. */
export function currentTheme(stored, systemDark) {
  if (stored === "dark" || stored === "light") return stored;
  return systemDark ? "dark" : "light";
}

function readStored() {
  try {
    return localStorage.getItem(THEME_KEY);
  } catch {
    return null;
  }
}

function systemDark() {
  return window.matchMedia("(prefers-color-scheme: dark)").matches;
}

/**
 * The mode after a click on the toggle, which cycles through three: following the system,
 * the opposite of what the system shows, then the system's own look chosen for good, then
 * back to following the system. Every click but the last changes what the page looks like.
 */
export function nextMode(mode, systemDark) {
  const system = systemDark ? "dark" : "light";
  const other = systemDark ? "light" : "dark";
  if (mode === other) return system;
  if (mode === system) return "system";
  return other;
}

/** What the toggle says: the mode it shows and what a click does. */
export function toggleLabel(mode, systemDark) {
  const names = { light: "light theme", dark: "dark theme", system: `the system's theme (now ${systemDark ? "dark" : "light"})` };
  const now = mode === "system" ? `Following ${names.system}` : `Using the ${names[mode]}`;
  const next = nextMode(mode, systemDark);
  return `${now}; switch to ${next === "system" ? "the system's theme" : `the ${names[next]}`}`;
}

function storedMode() {
  const stored = readStored();
  return stored === "dark" || stored === "light" ? stored : "system";
}

function syncToggle(button) {
  const mode = root.dataset.theme ?? storedMode();
  const label = toggleLabel(mode, systemDark());
  button.dataset.mode = mode;
  button.setAttribute("aria-label", label);
  button.title = label;
}

function setupThemeToggle() {
  const button = document.querySelector(".theme-toggle");
  if (!button) return;
  syncToggle(button);
  button.addEventListener("click", () => {
    const next = nextMode(root.dataset.theme ?? storedMode(), systemDark());
    try {
      if (next === "system") localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    if (next === "system") delete root.dataset.theme;
    else root.dataset.theme = next;
    syncToggle(button);
  });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => syncToggle(button));
}

/** The drawer's breakpoint: below it the sidebar is a drawer behind the header's toggle. */
const DRAWER_MEDIA = "(max-width: 56rem)";

function setupNavDrawer() {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("opsbook-nav");
  if (!toggle || !nav) return;
  // Dims the page behind the open drawer; a click on it closes the drawer.
  const backdrop = document.createElement("div");
  backdrop.className = "nav-backdrop";
  document.body.append(backdrop);
  const isOpen = () => document.body.classList.contains("nav-open");
  const setOpen = (open) => {
    document.body.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    toggle.setAttribute("aria-label", open ? "Close navigation" : "Open navigation");
    // The dimmed page is out of reach of Tab and of screen readers while the drawer is open;
    // the header stays usable (its toggle closes the drawer).
    for (const behind of document.querySelectorAll("main, .toc, .site-footer")) behind.inert = open;
    if (open) (nav.querySelector('[aria-current="page"]') ?? nav.querySelector("a"))?.focus();
  };
  const close = () => {
    setOpen(false);
    toggle.focus();
  };
  toggle.addEventListener("click", () => setOpen(!isOpen()));
  backdrop.addEventListener("click", close);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) close();
  });
  nav.addEventListener("click", (event) => {
    if (event.target.closest("a")) setOpen(false);
  });
  // Turning a phone or widening a window past the breakpoint leaves no drawer to close.
  window.matchMedia(DRAWER_MEDIA).addEventListener("change", (event) => {
    if (!event.matches && isOpen()) setOpen(false);
  });
  // Keep the current page in view in a long navigation.
  nav.querySelector('[aria-current="page"]')?.scrollIntoView({ block: "center" });
}

/** Whether a key press should focus the search box (not while typing elsewhere). */
export function isSearchShortcut(event) {
  const target = event.target ?? {};
  const typing = target.isContentEditable === true || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) return true;
  return event.key.toLowerCase() === "k" && Boolean(event.ctrlKey || event.metaKey);
}

function setupSearchShortcut() {
  const input = document.getElementById("opsbook-search");
  if (!input) return;
  document.addEventListener("keydown", (event) => {
    if (isSearchShortcut(event)) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
}

function setupTocHighlight() {
  const links = [...document.querySelectorAll(".toc a[href^='#']")];
  if (links.length === 0 || !("IntersectionObserver" in window)) return;
  const byId = new Map(links.map((a) => [decodeURIComponent(a.hash.slice(1)), a]));
  const visible = new Set();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) visible.add(entry.target.id);
        else visible.delete(entry.target.id);
      }
      const first = [...byId.keys()].find((id) => visible.has(id));
      if (!first) return;
      for (const a of links) a.classList.toggle("is-active", a === byId.get(first));
    },
    { rootMargin: "-64px 0px -60% 0px" },
  );
  for (const id of byId.keys()) {
    const heading = document.getElementById(id);
    if (heading) observer.observe(heading);
  }
}

/**
 * Copies the text of `node`: through the clipboard API where the page may use it (a secure
 * context), else by selecting the text and the browser's copy command (plain-http intranet
 * hosts). Leaves the text selected when neither works, so Ctrl+C does it. True when copied.
 */
async function copyText(node) {
  try {
    await navigator.clipboard.writeText(node.innerText);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

function setupCopyButtons() {
  for (const pre of document.querySelectorAll(".prose pre")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    button.addEventListener("click", async () => {
      button.textContent = (await copyText(pre.querySelector("code") ?? pre)) ? "Copied" : "Press Ctrl+C";
      setTimeout(() => (button.textContent = "Copy"), 1500);
    });
    pre.append(button);
  }
}

if (typeof document !== "undefined") {
  setupThemeToggle();
  setupNavDrawer();
  setupSearchShortcut();
  setupTocHighlight();
  setupCopyButtons();
}
