// The search relevance set (relevance-cases.mjs) against the sample site's index, so that
// ranking changes are measured: each query's expected first page, pages that must rank
// under it, and "did you mean" suggestions. `cargo test` builds the sample site and sets
// OPSBOOK_TEST_SITE; by hand: `opsbook build --output /tmp/site && OPSBOOK_TEST_SITE=/tmp/site
// node --test tests/js/relevance.test.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { SearchEngine } from "../../static/assets/search-engine.js";
import { CASES, evaluate } from "./relevance-cases.mjs";

const site = process.env.OPSBOOK_TEST_SITE;
const skip = site ? false : "set OPSBOOK_TEST_SITE to a built site (cargo test does)";

test("every query of the relevance set ranks its expected page first", { skip }, async (t) => {
  const engine = new SearchEngine("http://test.invalid/search/manifest.json", async (url) =>
    JSON.parse(await readFile(path.join(site, new URL(url).pathname.slice(1)), "utf8")),
  );
  const rows = await evaluate(engine);
  assert.equal(rows.length, CASES.length);
  const ranked = rows.filter((r) => r.rank !== null);
  const mrr = ranked.reduce((sum, r) => sum + (r.rank ? 1 / r.rank : 0), 0) / ranked.length;
  t.diagnostic(`${rows.filter((r) => r.ok).length}/${rows.length} cases pass; mean reciprocal rank ${mrr.toFixed(3)}`);
  const failed = rows.filter((r) => !r.ok).map((r) => `“${r.query}”: ${r.problems.join("; ")}`);
  assert.deepEqual(failed, []);
});
