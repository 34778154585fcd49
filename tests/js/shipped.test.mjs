// The theme's scripts as a build ships them (theme.rs drops their comment lines): each still
// parses as an ES module. `cargo test` builds the sample site and sets OPSBOOK_TEST_SITE.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";

const site = process.env.OPSBOOK_TEST_SITE;

test("every shipped script parses and lost only comment lines", { skip: site ? false : "set OPSBOOK_TEST_SITE to a built site (cargo test does)" }, () => {
  const assets = path.join(site, "assets");
  const scripts = readdirSync(assets).filter((f) => f.endsWith(".js"));
  assert.ok(scripts.length >= 6, scripts.join(", "));
  const dir = mkdtempSync(path.join(tmpdir(), "opsbook-shipped-"));
  for (const file of scripts) {
    const shipped = path.join(dir, file.replace(/\.js$/, ".mjs"));
    copyFileSync(path.join(assets, file), shipped);
    execFileSync(process.execPath, ["--check", shipped]); // throws on a syntax error
    const source = readFileSync(new URL(`../../static/assets/${file}`, import.meta.url), "utf8");
    const text = readFileSync(shipped, "utf8");
    assert.ok(text.length < source.length, `${file} is shipped without its comments`);
    assert.ok(!/^\s*\/\//m.test(text), `${file} keeps no comment line`);
  }
});
