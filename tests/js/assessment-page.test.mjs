// The assessment page's report markup (static/assets/assessment.js), rendered under node
// without a DOM: the attributes the DOM contract promises, escaping, advice picked as the
// scorer picks it, the radar only from three dimensions. The page's behaviour in a browser
// (events, show_if, autosave, share links) is checked by the browser tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderReport, radarSvg, escapeHtml, one, safeUrl, answersOf, localToday } from "../../static/assets/assessment.js";
import { score, visible } from "../../static/assets/assessment-score.js";

const EVIL = `<img src=x onerror=alert(1)> "quoted" 'single' & more`;
const option = (id, score, extra = {}) => ({ id, label: `${id} ${EVIL}`, score, cap: null, advice: null, ...extra });
const question = (id, dimension, kind, extra) => ({
  id, dimension, weight: 1, text: `${id} ${EVIL}?`, help: null, advice: null, learn: [], show_if: null, kind, ...extra,
});

function questionnaire(dimensionCount = 3) {
  const dimensions = Array.from({ length: dimensionCount }, (_, d) => ({ id: `d${d}`, title: `Dimension ${d} ${EVIL}`, weight: d + 1, description: "", learn: [] }));
  return {
    id: "q",
    title: "Q",
    intro: "",
    tiers: [
      { id: "small", title: `Small ${EVIL}`, min: 0, summary: "" },
      { id: "mid", title: "Middle", min: 45, summary: "" },
      { id: "big", title: "Big", min: 75, summary: "" },
    ],
    dimensions,
    questions: [
      question("gate", 0, "choice", {
        advice: "question advice",
        learn: [{ title: `Safe ${EVIL}`, url: "/a/?x=1&y=\"2\"" }, { title: "Evil", url: " JaVaScRiPt:alert(1)" }, { title: "Data", url: "data:text/html,x" }],
        options: [option("yes", 100), option("no", 0, { cap: 0, advice: "no advice" }), option("maybe", 40)],
      }),
      question("tools", 0, "multi", { options: [option("a", 10), option("b", 20, { advice: "b advice" }), option("c", 30, { advice: "c advice" })] }),
      question("often", Math.min(1, dimensionCount - 1), "scale", { min: 1, max: 5, labels: {} }),
      question("rate", Math.min(1, dimensionCount - 1), "number", { unit: "%", bands: [{ max: 90, score: 0 }, { max: null, score: 100 }] }),
      question("more", 0, "choice", { options: [option("x", 100)], show_if: { question: 0, option: 2 } }),
    ],
  };
}

const templates = (entries = {}) => ({
  tier: new Map([["small", "<p>small summary</p>"], ["mid", "<p>mid summary</p>"]]),
  advice: new Map(Object.entries(entries)),
});

/** The values of `attribute` on every element of `html` that has it. */
const attributes = (html, attribute) => [...html.matchAll(new RegExp(`\\s${attribute}="([^"]*)"`, "g"))].map((m) => m[1]);

test("before anything is scored the report says how to start and has no data-overall", () => {
  const q = questionnaire();
  const html = renderReport(q, [null, null, null, null, null], templates());
  assert.match(html, /report-empty/);
  assert.doesNotMatch(html, /data-overall|data-tier|data-dimension/);
  // Hidden questions do not count, even when answered.
  assert.doesNotMatch(renderReport(q, [null, null, null, null, 0], templates()), /data-overall/);
});

test("the report carries the contract's attributes with unrounded numbers", () => {
  const q = questionnaire();
  const values = [2, [0, 2], 4, null, null];
  const html = renderReport(q, values, templates());
  const report = score(q, values);
  assert.deepEqual(attributes(html, "data-overall"), [String(report.overall)]);
  assert.deepEqual(attributes(html, "data-tier"), [report.tier.id]);
  assert.deepEqual(attributes(html, "data-dimension"), ["d0", "d1", "d2"]);
  assert.deepEqual(attributes(html, "data-score"), report.dimensions.map((d) => (d.score === null ? "" : String(d.score))));
  assert.match(html, new RegExp(`>${one(report.overall).replace(".", "\\.")}<`));
  assert.match(html, /<p>mid summary<\/p>/);
  assert.match(html, /not assessed/);
  // gate = "maybe" asks `more`: three of five asked questions are answered.
  assert.match(html, /3 of 5 questions answered \(60\.0%\)/);
  assert.match(html, /<a href="#q-rate">rate /, "unanswered questions link to their fieldsets");
  assert.match(html, /<table class="report-table">/);
  assert.match(html, /<svg viewBox="[^"]+" role="img" aria-labelledby="report-radar-title"><title id="report-radar-title">/);
});

test("every questionnaire string is escaped and script URLs are dropped", () => {
  const q = questionnaire();
  const html = renderReport(q, [1, [1], 1, 50, null], templates());
  assert.doesNotMatch(html, /<img/);
  assert.doesNotMatch(html, /onerror=alert\(1\)> "/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; &quot;quoted&quot; &#39;single&#39; &amp; more/);
  assert.match(html, /href="\/a\/\?x=1&amp;y=&quot;2&quot;"/);
  assert.doesNotMatch(html, /javascript:|data:text/i);
  assert.equal(safeUrl(" \u0000java\tscript:alert(1)"), "");
  assert.equal(safeUrl("VBSCRIPT:x"), "");
  assert.equal(safeUrl("/fulfillment/#kpis"), "/fulfillment/#kpis");
  assert.equal(safeUrl("https://example.com/a"), "https://example.com/a");
  assert.equal(escapeHtml(`<&>"'`), "&lt;&amp;&gt;&quot;&#39;");
});

test("caps are named with the tier without them", () => {
  const q = questionnaire();
  const html = renderReport(q, [1, [2], 5, 95, null], templates());
  const report = score(q, [1, [2], 5, 95, null]);
  assert.equal(report.tier.id, "small");
  assert.match(html, /Capped by:/);
  assert.match(html, /<a href="#q-gate">gate [^<]*<\/a>: “no [^”]*” caps the tier at <strong>Small/);
  assert.match(html, new RegExp(`Without them: <strong>${report.uncapped_tier.title}</strong>`));
  assert.match(html, /<span class="rec-cap">caps the tier<\/span>/);
});

test("advice comes from the first chosen option that has one, else the question, as the scorer picks it", () => {
  const q = questionnaire();
  const advice = templates({ "gate": "<p>GATE</p>", "gate/no": "<p>GATE-NO</p>", "tools/b": "<p>TOOLS-B</p>", "tools/c": "<p>TOOLS-C</p>" });
  const html = renderReport(q, [1, [1, 2], null, null, null], advice);
  assert.match(html, /GATE-NO/);
  assert.doesNotMatch(html, /<p>GATE<\/p>/);
  assert.match(html, /TOOLS-B/);
  assert.doesNotMatch(html, /TOOLS-C/);
  const report = score(q, [1, [1, 2], null, null, null]);
  assert.deepEqual(report.recommendations.map((r) => r.advice), ["no advice", "b advice"]);
  // An option without advice falls back to the question's.
  assert.match(renderReport(q, [2, null, null, null, null], advice), /<p>GATE<\/p>/);
  // Without a template, the scorer's text, escaped.
  assert.match(renderReport(q, [2, null, null, null, null], templates()), /<div class="rec-advice prose"><p>question advice<\/p><\/div>/);
});

test("recommendations show the impact, the dimension and only safe Read links, at most five", () => {
  const q = questionnaire();
  const values = [2, [0], 1, 10, 0];
  const html = renderReport(q, values, templates());
  const report = score(q, values);
  const items = html.split('<ol class="report-recommendations">')[1].split("</ol>")[0].split("<li>").slice(1);
  assert.equal(items.length, Math.min(5, report.recommendations.length));
  report.recommendations.forEach((rec, i) => {
    assert.match(items[i], new RegExp(`href="#q-${rec.question}"`));
    assert.ok(items[i].includes(`+${one(rec.impact)} points`), items[i]);
  });
  const gate = items.find((item) => item.includes('href="#q-gate"'));
  assert.match(gate, /Read: <a href="\/a\/\?x=1&amp;y=&quot;2&quot;">Safe &lt;img/);
  assert.doesNotMatch(gate, /Evil|Data/);
});

test("the radar needs three dimensions and marks the ones not assessed", () => {
  assert.equal(radarSvg([]), "");
  const two = questionnaire(2);
  const html = renderReport(two, [1, null, 3, null, null], templates());
  assert.match(html, /data-overall/);
  assert.doesNotMatch(html, /<svg viewBox="[^"]+" role="img"/, "no radar below three dimensions");
  assert.match(html, /<table class="report-table">/);
  const dims = [
    { id: "a", title: "A", score: 50 },
    { id: "b", title: "B", score: null },
    { id: "c", title: "C", score: 100 },
    { id: "d", title: "D", score: 0 },
  ];
  const svg = radarSvg(dims);
  assert.match(svg, /role="img"/);
  assert.match(svg, /<title id="report-radar-title">[^<]*A 50\.0, B not assessed, C 100\.0, D 0\.0<\/title>/);
  assert.equal((svg.match(/class="radar-point"/g) ?? []).length, 3);
  assert.equal((svg.match(/radar-spoke is-off/g) ?? []).length, 1);
  assert.equal((svg.match(/class="radar-ring"/g) ?? []).length, 4);
});

test("one decimal as Rust writes it: exact ties to even", () => {
  const cases = [[0.25, "0.2"], [0.75, "0.8"], [12.25, "12.2"], [71.75, "71.8"], [0.05, "0.1"], [2.5, "2.5"], [0, "0.0"], [100, "100.0"], [99.95, "100.0"], [33.333333333333336, "33.3"], [66.66666666666667, "66.7"], [0.35, "0.3"]];
  for (const [x, expected] of cases) assert.equal(one(x), expected, String(x));
});

test("answers are by id, asked questions only, multi in option order", () => {
  const q = questionnaire();
  const values = [2, [0, 2], 3, 96.5, 0];
  assert.deepEqual(answersOf(q, values, visible(q, values)), { gate: "maybe", tools: ["a", "c"], often: 3, rate: 96.5, more: "x" });
  const hidden = [0, null, null, null, 0];
  assert.deepEqual(answersOf(q, hidden, visible(q, hidden)), { gate: "yes" });
});

test("today is the reader's local date", () => {
  assert.equal(localToday(new Date(2026, 0, 5, 23, 59)), "2026-01-05");
  assert.equal(localToday(new Date(2026, 11, 31, 0, 0)), "2026-12-31");
  assert.match(localToday(), /^\d{4}-\d{2}-\d{2}$/);
});

// The scripts as a build ships them (without their comment lines, see theme.rs), from the
// sample site `cargo test` builds: what a reader downloads.
const site = process.env.OPSBOOK_TEST_SITE;
test("the page's scripts stay within 15 KB gzipped", { skip: site ? false : "set OPSBOOK_TEST_SITE to a built site (cargo test does)" }, async () => {
  const { readFileSync } = await import("node:fs");
  const { execFileSync } = await import("node:child_process");
  const { gzipSync } = await import("node:zlib");
  const files = ["assessment.js", "assessment-io.js", "assessment-score.js"];
  const all = Buffer.concat(files.map((f) => readFileSync(`${site}/assets/${f}`)));
  let size;
  try {
    size = execFileSync("gzip", ["-9"], { input: all }).length; // the budget's own measure
  } catch {
    size = Math.round(gzipSync(all, { level: 9 }).length * 0.99); // zlib packs about 1% larger
  }
  assert.ok(size <= 15_000, `${files.join(" + ")}: ${size} bytes gzipped, over the 15,000-byte budget`);
});
