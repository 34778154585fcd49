// Unit tests for the theme script's pure functions (node --test, started from cargo test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { currentTheme, isSearchShortcut, nextMode, toggleLabel } from "../../static/assets/opsbook.js";

test("a stored choice beats the system preference", () => {
  assert.equal(currentTheme("dark", false), "dark");
  assert.equal(currentTheme("light", true), "light");
});

test("without a stored choice the system preference decides", () => {
  assert.equal(currentTheme(null, true), "dark");
  assert.equal(currentTheme(null, false), "light");
  assert.equal(currentTheme("purple", true), "dark", "unknown stored values are ignored");
});

test("slash focuses search unless the reader is typing", () => {
  const key = (key, target = { tagName: "BODY" }, mods = {}) => ({ key, target, ...mods });
  assert.equal(isSearchShortcut(key("/")), true);
  assert.equal(isSearchShortcut(key("/", { tagName: "INPUT" })), false);
  assert.equal(isSearchShortcut(key("/", { tagName: "DIV", isContentEditable: true })), false);
  assert.equal(isSearchShortcut(key("/", undefined, { ctrlKey: true })), false);
  assert.equal(isSearchShortcut(key("a")), false);
});

test("Ctrl-K and Cmd-K focus search even while typing", () => {
  assert.equal(isSearchShortcut({ key: "k", ctrlKey: true, target: { tagName: "INPUT" } }), true);
  assert.equal(isSearchShortcut({ key: "K", metaKey: true, target: { tagName: "BODY" } }), true);
  assert.equal(isSearchShortcut({ key: "k", target: { tagName: "BODY" } }), false);
});

// Browsers without light-dark() read the palette from opsbook.css's `@supports not` block:
// every light-dark() pair of :root has its light value there, and its dark value for the
// system's dark preference and for the toggle's dark. No rule uses light-dark() directly.
test("every colour has a fallback for browsers without light-dark()", async () => {
  const { readFileSync, readdirSync } = await import("node:fs");
  const dir = new URL("../../static/assets/", import.meta.url);
  const css = readFileSync(new URL("opsbook.css", dir), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  const root = css.slice(css.indexOf(":root {"), css.indexOf("}", css.indexOf(":root {")));
  const pairs = [...root.matchAll(/(--[\w-]+): light-dark\((.*)\);/g)].map(([, name, inner]) => {
    let depth = 0;
    for (let i = 0; i < inner.length; i++) {
      if (inner[i] === "(") depth++;
      else if (inner[i] === ")") depth--;
      else if (inner[i] === "," && depth === 0) return [name, inner.slice(0, i).trim(), inner.slice(i + 1).trim()];
    }
    throw new Error(`${name}: no comma in light-dark(${inner})`);
  });
  assert.ok(pairs.length >= 20, `${pairs.length} light-dark() variables`);
  const fallback = css.slice(css.indexOf("@supports not (color: light-dark("));
  const block = (selector) => {
    const start = fallback.indexOf(selector);
    assert.ok(start >= 0, `the fallback has ${selector}`);
    return fallback.slice(start, fallback.indexOf("}", start));
  };
  const light = block(":root {");
  const system = block(':root:not([data-theme="light"]) {');
  const toggle = block(':root[data-theme="dark"] {');
  for (const [name, l, d] of pairs) {
    assert.ok(light.includes(`${name}: ${l};`), `light ${name}: ${l}`);
    assert.ok(system.includes(`${name}: ${d};`), `system dark ${name}: ${d}`);
    assert.ok(toggle.includes(`${name}: ${d};`), `toggle dark ${name}: ${d}`);
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".css"))) {
    const text = readFileSync(new URL(file, dir), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const uses = text.split("\n").filter((line) => line.includes("light-dark(") && !/^\s*--[\w-]+: light-dark\(/.test(line) && !line.includes("@supports"));
    assert.deepEqual(uses, [], `${file} uses light-dark() outside the palette`);
  }
});

test("the toggle cycles through the system's theme, its opposite and its own", () => {
  // A light system: dark first (a visible change), then light for good, then the system's.
  assert.equal(nextMode("system", false), "dark");
  assert.equal(nextMode("dark", false), "light");
  assert.equal(nextMode("light", false), "system");
  // A dark system.
  assert.equal(nextMode("system", true), "light");
  assert.equal(nextMode("light", true), "dark");
  assert.equal(nextMode("dark", true), "system");
  assert.equal(toggleLabel("system", true), "Following the system's theme (now dark); switch to the light theme");
  assert.equal(toggleLabel("light", false), "Using the light theme; switch to the system's theme");
});
