// The assessment scorer's answer reading (valuesFromAnswers) and a few shapes of its output.
// Agreement with the Rust scorer is checked by tests/js/parity/score.parity.mjs, which
// `cargo test --test cli score_parity` runs on fixtures the Rust side writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { valuesFromAnswers, score, visible } from "../../static/assets/assessment-score.js";

const option = (id, score, extra = {}) => ({ id, label: id, score, cap: null, advice: null, ...extra });
const question = (id, kind, extra) => ({
  id, dimension: 0, weight: 1, text: `${id}?`, help: null, advice: null, learn: [], show_if: null, kind, ...extra,
});

/** The shape serde_json gives a Rust `Questionnaire`. */
const questionnaire = {
  id: "q",
  title: "Q",
  intro: "",
  tiers: [{ id: "low", title: "Low", min: 0, summary: "" }, { id: "high", title: "High", min: 80, summary: "" }],
  dimensions: [{ id: "d", title: "D", weight: 1, description: "", learn: [] }],
  questions: [
    question("gate", "choice", { options: [option("yes", 100), option("no", 0, { cap: 0 })] }),
    question("tools", "multi", { options: [option("a", 60), option("b", 50), option("c", 20)] }),
    question("often", "scale", { min: -2, max: 2, labels: {} }),
    question("rate", "number", { unit: "%", bands: [{ max: 90.5, score: 0 }, { max: null, score: 100 }] }),
    question("more", "choice", { options: [option("x", 100)], show_if: { question: 0, option: 0 } }),
  ],
};

const problemsOf = (answers) => valuesFromAnswers(questionnaire, answers).problems.map((p) => p.question);

test("valid answers become option indices and numbers, multi in option order", () => {
  const { values, problems } = valuesFromAnswers(questionnaire, {
    gate: "no", tools: ["c", "a"], often: -2, rate: 90.5, more: "x",
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(values, [1, [0, 2], -2, 90.5, 0]);
  assert.deepEqual(valuesFromAnswers(questionnaire, {}), { values: [null, null, null, null, null], problems: [] });
  assert.deepEqual(valuesFromAnswers(questionnaire, { rate: -0 }).values[3], 0);
  assert.ok(Object.is(valuesFromAnswers(questionnaire, { rate: -0 }).values[3], 0));
});

test("an unknown question id is a problem, also for names on Object.prototype", () => {
  const { values, problems } = valuesFromAnswers(questionnaire, { gates: "yes", toString: 1, gate: "yes" });
  assert.deepEqual(problems.map((p) => p.question), ["gates", "toString"]);
  assert.match(problems[0].message, /unknown question `gates`/);
  assert.deepEqual(values, [0, null, null, null, null]);
  assert.deepEqual(problemsOf(JSON.parse('{"__proto__": "yes"}')), ["__proto__"]);
});

test("an option id that does not exist is a problem and the answer is left out", () => {
  const { values, problems } = valuesFromAnswers(questionnaire, { gate: "maybe", tools: ["a", "z"] });
  assert.deepEqual(problems.map((p) => p.question), ["gate", "tools"]);
  assert.match(problems[0].message, /`maybe` is not an option of `gate`.*yes, no/);
  assert.deepEqual(values, [null, null, null, null, null]);
  assert.deepEqual(problemsOf({ tools: ["a", "a"] }), ["tools"]);
});

test("wrong types are problems", () => {
  assert.deepEqual(problemsOf({ gate: 0, tools: "a", often: "1", rate: "95" }), ["gate", "tools", "often", "rate"]);
  assert.deepEqual(problemsOf({ tools: [0] }), ["tools"]);
  assert.deepEqual(valuesFromAnswers(questionnaire, null).problems.length, 1);
  assert.deepEqual(valuesFromAnswers(questionnaire, ["yes"]).values, [null, null, null, null, null]);
});

test("scale values out of range or not whole are problems", () => {
  assert.deepEqual(problemsOf({ often: 3 }), ["often"]);
  assert.deepEqual(problemsOf({ often: -3 }), ["often"]);
  assert.deepEqual(problemsOf({ often: 0.5 }), ["often"]);
  assert.deepEqual(problemsOf({ often: NaN }), ["often"]);
  assert.deepEqual(valuesFromAnswers(questionnaire, { often: 2.0 }).values[2], 2);
});

test("numbers must be finite and within 2^53", () => {
  assert.deepEqual(problemsOf({ rate: NaN }), ["rate"]);
  assert.deepEqual(problemsOf({ rate: Infinity }), ["rate"]);
  assert.deepEqual(problemsOf({ rate: -Infinity }), ["rate"]);
  assert.deepEqual(problemsOf({ rate: 2 ** 53 + 2 }), ["rate"]);
  assert.deepEqual(problemsOf({ rate: -(2 ** 53) }), []);
  assert.match(valuesFromAnswers(questionnaire, { rate: NaN }).problems[0].message, /finite/);
});

test("null answers are unanswered; nothing scored gives null", () => {
  const { values, problems } = valuesFromAnswers(questionnaire, { gate: null });
  assert.deepEqual(problems, []);
  assert.equal(score(questionnaire, values), null);
  // `more` is hidden unless gate = yes: answering only it scores nothing.
  assert.deepEqual(visible(questionnaire, [1, null, null, null, 0]), [true, true, true, true, false]);
  assert.equal(score(questionnaire, [null, null, null, null, 0]), null);
});

test("the report has the normative keys", () => {
  const report = score(questionnaire, [1, [0, 1], 2, 95, null], 5, "2026-11-26");
  assert.deepEqual(Object.keys(report), [
    "questionnaire", "date", "overall", "tier", "uncapped_tier", "caps", "completion", "dimensions",
    "recommendations", "unanswered",
  ]);
  assert.deepEqual(report.caps, [{ question: "gate", option: "no", tier: "low" }]);
  assert.deepEqual(report.tier, { id: "low", title: "Low" });
  assert.deepEqual(Object.keys(report.recommendations[0]), ["question", "dimension", "score", "impact", "advice", "learn"]);
  assert.deepEqual(Object.keys(report.dimensions[0]), ["id", "title", "weight", "score", "answered", "questions"]);
});
