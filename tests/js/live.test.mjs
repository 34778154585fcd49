// Unit tests for the dev server's live-reload script (node --test, started from cargo test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { shouldReload, stylesheetsToSwap, freshHref, describe } from "../../src/serve/live.js";

test("a tab reloads when its file or its URL changed, not for other pages", () => {
  const event = { files: ["ops/pick/index.html"], urls: ["/kb/ops/pick/"] };
  assert.equal(shouldReload(event, "ops/pick/index.html", "/kb/ops/pick/"), true);
  assert.equal(shouldReload(event, "404.html", "/kb/ops/pick/"), true, "a 404 tab whose URL now exists");
  assert.equal(shouldReload(event, "ops/count/index.html", "/kb/ops/count/"), false);
  assert.equal(shouldReload({}, "x", "/x"), false, "an empty event reloads nothing");
});

test("URLs are compared decoded too", () => {
  const event = { files: [], urls: ["/kb/ops/pick ship/"] };
  assert.equal(shouldReload(event, "y", "/kb/ops/pick%20ship/"), true);
  assert.equal(shouldReload(event, "y", "/kb/%E0%A4%A/"), false, "malformed escapes do not throw");
});

test("only the changed stylesheets are swapped", () => {
  const hrefs = ["/kb/assets/opsbook.css", "/kb/assets/print.css?v=1", "https://other.example/x.css"];
  assert.deepEqual(stylesheetsToSwap(hrefs, ["/kb/assets/print.css"], "http://127.0.0.1:1111"), [
    "/kb/assets/print.css?v=1",
  ]);
  assert.deepEqual(stylesheetsToSwap(hrefs, [], "http://127.0.0.1:1111"), []);
});

test("a fresh href keeps the path and other parameters and bypasses the cache", () => {
  assert.equal(freshHref("/kb/a.css?v=3", "http://h", 42), "/kb/a.css?v=3&live=42");
  assert.equal(freshHref("/kb/a.css?live=1", "http://h", 7), "/kb/a.css?live=7");
});

test("diagnostics are described with location, source line, caret and help", () => {
  const d = describe({
    severity: "error",
    file: "content/a.md",
    line: 7,
    column: 5,
    message: "no page matches the wikilink [[x]]",
    source_line: "See [[x]] now",
    help: "did you mean [[y]]?",
  });
  assert.equal(d.where, "content/a.md:7:5");
  assert.equal(d.source, "See [[x]] now");
  assert.equal(d.caret, "    ^");
  assert.equal(d.help, "did you mean [[y]]?");
  const bare = describe({ message: "template error" });
  assert.deepEqual([bare.where, bare.severity, bare.caret, bare.help], ["", "error", "", ""]);
  assert.equal(describe({ file: "opsbook.toml", message: "m" }).where, "opsbook.toml");
});
