// The browser scorer against the Rust scorer. `cargo test --test cli score_parity`
// (tests/cli/score_parity.rs) writes the fixtures and runs this file with
// OPSBOOK_SCORE_FIXTURES set to their folder; each fixture holds a questionnaire, answer
// values and what Rust's score::score, visible and question_score gave for them.
//
// Numbers must agree to 1e-9 absolute; everything else (ids, tiers, caps, the order of
// recommendations, advice, learn links, unanswered) exactly. The file's name keeps it out of
// `node --test tests/js/`, which would run it without fixtures.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { score, visible, questionScore } from "../../../static/assets/assessment-score.js";

const TOLERANCE = 1e-9;
const dir = process.env.OPSBOOK_SCORE_FIXTURES;
let largest = 0;

/** Differences between `actual` and `expected`, as "path: actual != expected" lines. */
function differences(actual, expected, at = "", out = []) {
  const show = (v) => JSON.stringify(v);
  if (typeof expected === "number") {
    const diff = typeof actual === "number" ? Math.abs(actual - expected) : NaN;
    if (diff > largest) largest = diff;
    if (!(diff <= TOLERANCE)) out.push(`${at}: ${show(actual)} != ${show(expected)}`);
  } else if (expected === null || typeof expected !== "object") {
    if (actual !== expected) out.push(`${at}: ${show(actual)} != ${show(expected)}`);
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${at}: ${show(actual)} != ${show(expected)}`);
    } else {
      expected.forEach((e, i) => differences(actual[i], e, `${at}[${i}]`, out));
    }
  } else if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
    out.push(`${at}: ${show(actual)} != ${show(expected)}`);
  } else {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const where = at ? `${at}.${key}` : key;
      if (!(key in actual)) out.push(`${where}: missing`);
      else if (!(key in expected)) out.push(`${where}: not in the Rust report`);
      else differences(actual[key], expected[key], where, out);
    }
  }
  return out;
}

if (!dir) {
  test("score parity", { skip: "set OPSBOOK_SCORE_FIXTURES (cargo test --test cli score_parity does)" }, () => {});
} else {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];

  test("the fixture folder holds fixtures", () => {
    assert.ok(existsSync(dir), `OPSBOOK_SCORE_FIXTURES=${dir} does not exist`);
    assert.ok(files.length > 0, `OPSBOOK_SCORE_FIXTURES=${dir} holds no *.json fixture`);
  });

  for (const file of files) {
    const fixture = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    test(`${file} (${fixture.name})`, () => {
      const { questionnaire: q, values, top, date, evidence = [], prefilled = [] } = fixture;
      const found = [
        ...differences(visible(q, values), fixture.visible, "visible"),
        ...differences(
          q.questions.map((question, i) => questionScore(question, values[i])),
          fixture.question_scores,
          "question_scores",
        ),
        ...differences(score(q, values, top, date, evidence, prefilled), fixture.expected, "report"),
      ];
      assert.ok(found.length === 0, `fixture ${file} (${fixture.name}) disagrees with Rust:\n  ${found.slice(0, 12).join("\n  ")}`);
    });
  }

  test("largest difference from Rust", (t) => {
    t.diagnostic(`largest absolute difference over ${files.length} fixtures: ${largest}`);
    assert.ok(largest <= TOLERANCE);
  });
}
