// Unit tests for the theme script's pure functions (node --test, started from cargo test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { currentTheme, isSearchShortcut } from "../../static/assets/opsbook.js";

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
