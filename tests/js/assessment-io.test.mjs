// Share links and answers files of the assessment page (static/assets/assessment-io.js):
// round trips over random questionnaires and answer sets, readers that never throw on
// garbage, and known examples. That `opsbook assess` reads the TOML written here is checked
// on the Rust side.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import {
  encodeShare, decodeShare, isShareFragment, answersToToml, parseAnswersToml, tomlString, MAX_SHARE_LENGTH,
} from "../../static/assets/assessment-io.js";
import { valuesFromAnswers } from "../../static/assets/assessment-score.js";

const ROUNDS = 300;

/** Mulberry32: seeded, so a failure names the seed that reproduces it. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[int(0, list.length - 1)];
  const chance = (p) => next() < p;
  return { next, int, pick, chance };
}

const ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
const TRICKY_IDS = ["__proto__", "constructor", "toString", "hasOwnProperty", "-", "_", "0", "1", "v1", "answers", "e5", "Infinity", "NaN"];

function uniqueIds(r, count, taken = new Set()) {
  const ids = [];
  while (ids.length < count) {
    const id = r.chance(0.15)
      ? r.pick(TRICKY_IDS)
      : Array.from({ length: r.int(1, 12) }, () => r.pick(ID_CHARS)).join("");
    if (!taken.has(id)) {
      taken.add(id);
      ids.push(id);
    }
  }
  return ids;
}

/** A random questionnaire in the shape serde_json gives a Rust `Questionnaire`. */
function randomQuestionnaire(r) {
  const dimensions = uniqueIds(r, r.int(1, 5)).map((id) => ({ id, title: id, weight: r.int(1, 4), description: "", learn: [] }));
  const questions = [];
  for (const id of uniqueIds(r, r.int(1, 25))) {
    const kind = r.pick(["choice", "multi", "scale", "number"]);
    const base = { id, dimension: r.int(0, dimensions.length - 1), weight: r.int(1, 3), text: `${id}?`, help: null, advice: null, learn: [], show_if: null, kind };
    if (kind === "choice" || kind === "multi") {
      base.options = uniqueIds(r, r.int(1, 6)).map((o) => ({ id: o, label: o, score: r.int(0, 100), cap: null, advice: null }));
    } else if (kind === "scale") {
      base.min = r.int(-5, 3);
      base.max = base.min + r.int(1, 9);
      base.labels = {};
    } else {
      base.unit = null;
      base.bands = [{ max: r.int(0, 50), score: 0 }, { max: null, score: 100 }];
    }
    const earlier = questions.filter((q) => q.kind === "choice" || q.kind === "multi");
    if (earlier.length > 0 && r.chance(0.2)) {
      const named = r.pick(earlier);
      base.show_if = { question: questions.indexOf(named), option: r.int(0, named.options.length - 1) };
    }
    questions.push(base);
  }
  return { id: uniqueIds(r, 1)[0], title: "Q", intro: "", tiers: [{ id: "low", title: "Low", min: 0, summary: "" }], dimensions, questions };
}

/** A number of every awkward sort: tiny, huge (within 2^53), negative, whole, fractional. */
function randomNumber(r) {
  switch (r.int(0, 7)) {
    case 0: return r.int(-1000, 1000);
    case 1: return r.next() * 100;
    case 2: return (r.next() - 0.5) * 10 ** r.int(-320, 15);
    case 3: return r.pick([0, -0, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, 5e-324, 1e-7, 0.1, 96.5, 1e15 + 0.5]);
    case 4: return Number((r.next() * 100).toFixed(r.int(0, 4)));
    case 5: return r.int(-(2 ** 31), 2 ** 31) * 2 ** r.int(0, 21);
    case 6: return 1 / r.int(1, 97);
    default: return -r.next() * 1e-3;
  }
}

/** A random valid answer set, by question id, in answers-file shape. */
function randomAnswers(r, questionnaire) {
  const answers = {};
  for (const q of questionnaire.questions) {
    if (r.chance(0.3)) continue;
    if (q.kind === "choice") answers[q.id] = r.pick(q.options).id;
    else if (q.kind === "multi") answers[q.id] = q.options.filter(() => r.chance(0.5)).map((o) => o.id);
    else if (q.kind === "scale") answers[q.id] = r.int(q.min, q.max);
    else answers[q.id] = randomNumber(r);
  }
  return answers;
}

/** Plain own entries, -0 as 0: what a reader can give back. */
const plain = (answers) =>
  Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, Object.is(v, -0) ? 0 : v]));

const sameEntries = (actual, expected, message) =>
  assert.deepEqual(Object.entries(actual), Object.entries(plain(expected)), message);

/** Fixed questionnaire for the known examples. */
const option = (id, score, extra = {}) => ({ id, label: id, score, cap: null, advice: null, ...extra });
const question = (id, kind, extra) => ({ id, dimension: 0, weight: 1, text: `${id}?`, help: null, advice: null, learn: [], show_if: null, kind, ...extra });
const known = {
  id: "scaling-readiness",
  title: "Q",
  intro: "",
  tiers: [{ id: "low", title: "Low", min: 0, summary: "" }],
  dimensions: [{ id: "d", title: "D", weight: 1, description: "", learn: [] }],
  questions: [
    question("sop-coverage", "choice", { options: [option("none", 0), option("most", 65), option("all", 100)] }),
    question("channels", "multi", { options: [option("shopify", 20), option("amazon", 30), option("ebay", 10)] }),
    question("confidence", "scale", { min: 1, max: 5, labels: {} }),
    question("accuracy", "number", { unit: "%", bands: [{ max: 90, score: 0 }, { max: null, score: 100 }] }),
  ],
};

// ---- Share links ----------------------------------------------------------------------------

test("share links round-trip random answers over random questionnaires", () => {
  for (let seed = 1; seed <= ROUNDS; seed++) {
    const r = rng(seed);
    const q = randomQuestionnaire(r);
    const answers = randomAnswers(r, q);
    const fragment = encodeShare(q, answers);
    assert.ok(isShareFragment(fragment), `seed ${seed}`);
    assert.match(fragment, /^#answers=v1\.[A-Za-z0-9_\-.:,~]*$/, `seed ${seed}: only characters a URL fragment keeps as they are`);
    const decoded = decodeShare(q, fragment);
    assert.deepEqual(decoded.problems, [], `seed ${seed}: ${fragment}`);
    sameEntries(decoded.answers, answers, `seed ${seed}: ${fragment}`);
    for (const [id, value] of Object.entries(decoded.answers)) {
      if (typeof value === "number") assert.ok(Object.is(value, plain(answers)[id]), `seed ${seed}: ${id} keeps every bit`);
    }
    assert.deepEqual(valuesFromAnswers(q, decoded.answers), valuesFromAnswers(q, answers), `seed ${seed}`);
    // The same link again, %-escaped as some mail clients do, and without its `#`.
    const escaped = fragment.replace(/[~:,]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    sameEntries(decodeShare(q, escaped).answers, answers, `seed ${seed}: escaped`);
    sameEntries(decodeShare(q, fragment.slice(1)).answers, answers, `seed ${seed}: no #`);
  }
});

test("a known share link, by question and option ids", () => {
  const answers = { "sop-coverage": "most", channels: ["shopify", "amazon"], confidence: 4, accuracy: 96.5 };
  const fragment = encodeShare(known, answers);
  assert.equal(fragment, "#answers=v1.sop-coverage:cmost~channels:mshopify,amazon~confidence:s4~accuracy:n96.5");
  assert.equal(encodeShare(known, {}), "#answers=v1.");
  assert.deepEqual(decodeShare(known, "#answers=v1."), { answers: Object.create(null), problems: [] });
  assert.equal(encodeShare(known, { accuracy: 1e21 }), "#answers=v1.accuracy:n1e21");
  assert.equal(encodeShare(known, { accuracy: 1e-7 }), "#answers=v1.accuracy:n1e-7");
  assert.equal(encodeShare(known, { channels: [] }), "#answers=v1.channels:m");
  // Answers that do not fit their question, or questions that do not exist, are left out.
  assert.equal(
    encodeShare(known, { "sop-coverage": "bad id!", channels: "shopify", confidence: 2.5, accuracy: NaN, nope: "x" }),
    "#answers=v1.",
  );
});

test("a share link made for another version of the questionnaire applies what still fits", () => {
  const { answers, problems } = decodeShare(
    known,
    "#answers=v1.sop-coverage:csome~gone:cx~channels:mshopify,tiktok~confidence:s9~accuracy:s97~accuracy:n91~sop-coverage:call",
  );
  // The second answer to sop-coverage is dropped, and the first does not fit.
  assert.deepEqual({ ...answers }, { accuracy: 91 });
  const messages = problems.map((p) => `${p.question}: ${p.message}`);
  assert.equal(problems.length, 6, messages.join("\n"));
  assert.ok(messages.some((m) => /^sop-coverage: .*answered twice/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => /^gone: .*no longer a question/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => /^accuracy: .*now a number question/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => /^channels: `tiktok` is not an option/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => /^confidence: .*whole number from 1 to 5/.test(m)), messages.join("\n"));
  assert.ok(messages.some((m) => /^sop-coverage: `some` is not an option/.test(m)), messages.join("\n"));
});

test("damaged and foreign share links are read as far as they can be, with a message", () => {
  const general = (fragment) => {
    const { answers, problems } = decodeShare(known, fragment);
    assert.deepEqual(Object.keys(answers), [], fragment);
    assert.ok(problems.length > 0 && problems.every((p) => p.question === null && typeof p.message === "string"), fragment);
    return problems[0].message;
  };
  assert.match(general("#answers=v2.sop-coverage:call"), /format v2/);
  assert.match(general("#answers=sop-coverage:call"), /damaged/);
  assert.match(general("#answers=v1.sop%ZZcoverage"), /damaged/);
  assert.match(general("#q-sop-coverage"), /no answers/);
  assert.match(general(""), /no answers/);
  assert.match(general("#answers=v1." + "x".repeat(MAX_SHARE_LENGTH)), /too long/);
  for (const value of [null, undefined, 42, {}, [], Symbol.iterator]) assert.match(general(value), /no answers/);
  // Damaged parts are left out; the rest applies.
  const { answers, problems } = decodeShare(known, "#answers=v1.sop-coverage:call~confidence:s~:c~accuracy:n1e999~channels:mebay,~x");
  assert.deepEqual({ ...answers }, { "sop-coverage": "all" });
  assert.deepEqual(problems.map((p) => p.question), [null]);
  assert.match(problems[0].message, /damaged parts left out: 5/);
});

test("random and mutated share fragments never throw and yield only answers that fit", () => {
  const alphabet = "#answers=v1.~:,%-_azAZ09cmsn+e!'()*;/?@&$[]{}<>\"\\ \n\u0000\u00e9\ud83d\ude00\ud800";
  for (let seed = 1; seed <= ROUNDS * 3; seed++) {
    const r = rng(seed * 7919);
    const q = randomQuestionnaire(r);
    let fragment;
    if (r.chance(0.3)) {
      fragment = Array.from({ length: r.int(0, 200) }, () => r.pick([...alphabet])).join("");
    } else {
      const chars = [...encodeShare(q, randomAnswers(r, q))];
      for (let k = r.int(1, 6); k > 0; k--) {
        const at = r.int(0, chars.length);
        const what = r.int(0, 3);
        if (what === 0) chars.splice(at, 1);
        else if (what === 1) chars.splice(at, 0, r.pick([...alphabet]));
        else if (what === 2) chars.length = Math.min(chars.length, at);
        else chars[at] = r.pick([...alphabet]);
      }
      fragment = chars.join("");
    }
    const result = decodeShare(q, fragment);
    assert.ok(Array.isArray(result.problems), `seed ${seed}`);
    assert.deepEqual(valuesFromAnswers(q, result.answers).problems, [], `seed ${seed}: ${fragment}`);
    for (const p of result.problems) assert.equal(typeof p.message, "string", `seed ${seed}`);
  }
});

test("a huge fragment is refused quickly", () => {
  const huge = "#answers=v1." + "a:cb~".repeat(1_000_000);
  const start = performance.now();
  const { answers, problems } = decodeShare(known, huge);
  assert.ok(performance.now() - start < 200);
  assert.deepEqual(Object.keys(answers), []);
  assert.match(problems[0].message, /too long/);
});

// ---- Answers files ------------------------------------------------------------------------

const LABEL_CHARS = ['"', "\\", "'", "#", "=", "[", "]", "\n", "\t", "\r", "\u0000", "\u001f", "\u007f", "é", "€", "😀", " ", "a", "Z", "0", "\\u0041", '"""'];

test("answers files round-trip random answers, labels and dates", () => {
  for (let seed = 1; seed <= ROUNDS; seed++) {
    const r = rng(seed * 31);
    const q = randomQuestionnaire(r);
    const answers = randomAnswers(r, q);
    const date = `${String(r.int(1, 9999)).padStart(4, "0")}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`;
    const label = r.chance(0.3) ? null : Array.from({ length: r.int(0, 20) }, () => r.pick(LABEL_CHARS)).join("");
    const prefilled = r.chance(0.7) ? [] : Object.keys(answers).slice(0, 2);
    const text = answersToToml({ questionnaire: q.id, date, label, prefilled, answers });
    const read = parseAnswersToml(text);
    assert.deepEqual(read.problems, [], `seed ${seed}:\n${text}`);
    assert.equal(read.questionnaire, q.id);
    assert.equal(read.date, date);
    assert.equal(read.label, label === "" ? null : label, `seed ${seed}:\n${text}`);
    assert.deepEqual(read.prefilled, prefilled);
    sameEntries(read.answers, answers, `seed ${seed}:\n${text}`);
    for (const [id, value] of Object.entries(read.answers)) {
      if (typeof value === "number") assert.ok(Object.is(value, plain(answers)[id]), `seed ${seed}: ${id} keeps every bit`);
    }
    // Scale answers are written as TOML integers, so `opsbook assess` reads whole numbers.
    for (const question of q.questions) {
      if (question.kind === "scale" && Object.hasOwn(answers, question.id)) {
        assert.match(text, new RegExp(`^${question.id.replace(/[-]/g, "\\-")} = -?\\d+$`, "m"), `seed ${seed}`);
      }
    }
  }
});

test("a known answers file is written in the DESIGN.md format", () => {
  const text = answersToToml({
    questionnaire: "scaling-readiness",
    date: "2026-11-26",
    label: 'Q4 "review"',
    answers: { "sop-coverage": "most", channels: ["shopify", "amazon"], "pick-accuracy-confidence": 4, "inventory-accuracy": 96.5, big: 2 ** 60, tiny: 5e-324 },
  });
  assert.equal(
    text,
    [
      "# Readiness assessment answers. Score them with: opsbook assess FILE",
      'questionnaire = "scaling-readiness"',
      "date = 2026-11-26",
      'label = "Q4 \\"review\\""',
      "",
      "[answers]",
      'sop-coverage = "most"',
      'channels = ["shopify", "amazon"]',
      "pick-accuracy-confidence = 4",
      "inventory-accuracy = 96.5",
      "big = 1.152921504606847e+18",
      "tiny = 5e-324",
      "",
    ].join("\n"),
  );
  assert.equal(tomlString("a\u0000b\u007f\u001b\ud800"), '"a\\u0000b\\u007F\\u001B\uFFFD"');
});

test("answers files with every TOML form the reader knows", () => {
  const text = [
    "\uFEFF# a comment",
    "questionnaire = 'scaling-readiness' # literal string",
    "  date=2026-02-28",
    'label = "tab\\there \\u00e9\\U0001F600 \\"q\\" \\\\ # not a comment"',
    "prefilled = [ \"a\", 'b', ]",
    "",
    "[answers]   # the answers",
    '"quoted key" = "x"',
    "'literal key' = 1_000",
    "plus = +5",
    "neg = -0.5e-3",
    "exp = 1E3",
    "under = 1_0.2_5",
    "multi = [",
    '  "shopify",  # first',
    "",
    "  'amazon',",
    "]",
    "empty = []",
    "flag = true",
    "crlf = 1\r",
    "last = 2",
  ].join("\n");
  const read = parseAnswersToml(text);
  assert.deepEqual(read.problems, []);
  assert.equal(read.questionnaire, "scaling-readiness");
  assert.equal(read.date, "2026-02-28");
  assert.equal(read.label, 'tab\there é😀 "q" \\ # not a comment');
  assert.deepEqual(read.prefilled, ["a", "b"]);
  assert.deepEqual({ ...read.answers }, {
    "quoted key": "x", "literal key": 1000, plus: 5, neg: -0.0005, exp: 1000, under: 10.25,
    multi: ["shopify", "amazon"], empty: [], flag: true, crlf: 1, last: 2,
  });
  // What the page then makes of the odd ones is valuesFromAnswers' job.
  assert.equal(valuesFromAnswers(known, { accuracy: read.answers.flag }).problems.length, 1);
  // TOML that no answers file needs is a problem, not a guess: other radixes, inf and nan,
  // lists of lists, inline tables.
  const odd = parseAnswersToml('questionnaire = "q"\ndate = 2026-01-01\n[answers]\nhex = 0xff\ninf = -inf\nnan = nan\nnested = [[1], []]\ntable = { a = 1 }\nok = 1');
  assert.deepEqual(odd.problems.map((p) => p.line), [4, 5, 6, 7, 8]);
  assert.deepEqual({ ...odd.answers }, { ok: 1 });
});

test("problems in answers files name their line and never stop the reading", () => {
  const text = [
    "questionnaire = 42", //                       1
    "date = 2026-02-30", //                        2
    "label = \"open", //                           3
    "extra = 1", //                                4
    "[answers]", //                                5
    "a = tru", //                                  6
    "b = [\"x\",", //                              7
    "  \"y\" \"z\"]", //                           8
    "c = 1", //                                    9
    "d = 2026-01-01", //                          10
    "c = 2", //                                   11
    "e.f = 1", //                                 12
    "g = { x = 1 }", //                           13
    "h = 9007199254740993", //                    14
    "i = \"\"\"multi\"\"\"", //                   15
    "j = [1,", //                                 16
    "k = 3", //                                   17
    "[[answers]]", //                             18
    "[other]", //                                 19
    "z = 1", //                                   20
    "[answers]", //                               21
    "= 1", //                                     22
    "l = 1 2", //                                 23
    "m = \"\\q\"", //                             24
    "n = 007", //                                 25
  ].join("\n");
  const read = parseAnswersToml(text);
  const lines = read.problems.map((p) => p.line);
  // Past a second [answers] nothing is kept, but what is not TOML is still reported.
  assert.deepEqual(lines, [1, 2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 17, 18, 19, 21, 22, 23, 24, 25], JSON.stringify(read.problems, null, 1));
  assert.deepEqual({ ...read.answers }, { c: 1, k: 3 });
  assert.equal(read.questionnaire, null);
  assert.equal(read.date, null);
  assert.match(read.problems[0].message, /must be text in quotes/);
  assert.match(read.problems[1].message, /not a day/);
  assert.match(read.problems[12].message, /list is not closed/);
  const tail = parseAnswersToml('questionnaire = "q"\ndate = 2026-01-01\n[answers]\n= 1\nl = 1 2\nm = "\\q"\nn = 007\no = 1');
  assert.deepEqual(tail.problems.map((p) => p.line), [4, 5, 6, 7]);
  assert.deepEqual({ ...tail.answers }, { o: 1 });
  assert.match(parseAnswersToml("").problems.map((p) => p.message).join(" "), /questionnaire.*date.*\[answers\]/);
  // A missing value does not swallow the next line; Windows line ends and comments are fine.
  const crlf = parseAnswersToml('questionnaire = "q" # c\r\ndate = 2026-01-01\r\n[answers] # x\r\na =\r\nb = ["x", # c\r\n]\r\nc = \"\"\"x\"\"\"\r\n');
  assert.deepEqual(crlf.problems, [{ line: 4, message: "expected a value" }, { line: 7, message: "multi-line strings are not read here" }]);
  assert.deepEqual({ ...crlf.answers }, { b: ["x"] });
});

test("random and mutated answers files never throw", () => {
  const alphabet = [..."[]{}=\"'#,.\n\r\t -_+:0123456789abcdefxoEe\\u\u0000\u00e9😀"];
  for (let seed = 1; seed <= ROUNDS * 3; seed++) {
    const r = rng(seed * 104729);
    let text;
    if (r.chance(0.3)) {
      text = Array.from({ length: r.int(0, 300) }, () => r.pick(alphabet)).join("");
    } else {
      const q = randomQuestionnaire(r);
      const chars = [...answersToToml({ questionnaire: q.id, date: "2026-01-31", label: "x", answers: randomAnswers(r, q) })];
      for (let k = r.int(1, 8); k > 0; k--) {
        const at = r.int(0, chars.length);
        if (r.chance(0.5)) chars.splice(at, r.int(0, 3));
        else chars.splice(at, 0, ...Array.from({ length: r.int(1, 3) }, () => r.pick(alphabet)));
      }
      text = chars.join("");
    }
    const read = parseAnswersToml(text);
    const lineCount = text.split("\n").length;
    for (const p of read.problems) {
      assert.equal(typeof p.message, "string", `seed ${seed}`);
      assert.ok(p.line === null || (Number.isInteger(p.line) && p.line >= 1 && p.line <= lineCount), `seed ${seed}: line ${p.line} of ${lineCount}`);
    }
    assert.ok(read.questionnaire === null || typeof read.questionnaire === "string");
    assert.ok(read.date === null || /^\d{4}-\d{2}-\d{2}$/.test(read.date));
  }
  for (const value of [null, undefined, 42, {}, []]) assert.equal(parseAnswersToml(value).problems.length, 1);
  assert.match(parseAnswersToml("a".repeat(2_000_000)).problems[0].message, /too large/);
  const deep = parseAnswersToml(`questionnaire = "q"\ndate = 2026-01-01\n[answers]\nx = ${"[".repeat(10_000)}`);
  assert.match(deep.problems[0].message, /expected a value/);
});

test("the sample site's committed responses read without a problem and round-trip", () => {
  const dir = path.join(import.meta.dirname, "../../content/assessment/responses");
  const files = readdirSync(dir).filter((f) => f.endsWith(".toml"));
  assert.ok(files.length > 0);
  // The questionnaire as the built page embeds it, when the test site has one.
  const page = process.env.OPSBOOK_TEST_SITE && path.join(process.env.OPSBOOK_TEST_SITE, "assessment/index.html");
  const embedded = page && existsSync(page) ? readFileSync(page, "utf8").match(/id="assessment-data">([\s\S]*?)<\/script>/) : null;
  const questionnaire = embedded ? JSON.parse(embedded[1]).questionnaire : null;
  for (const file of files) {
    const read = parseAnswersToml(readFileSync(path.join(dir, file), "utf8"));
    assert.deepEqual(read.problems, [], file);
    assert.equal(read.questionnaire, "scaling-readiness");
    const again = parseAnswersToml(answersToToml(read));
    assert.deepEqual({ ...again, answers: { ...again.answers } }, { ...read, answers: { ...read.answers } }, file);
    if (questionnaire) {
      assert.deepEqual(valuesFromAnswers(questionnaire, read.answers).problems, [], file);
      const shared = decodeShare(questionnaire, encodeShare(questionnaire, read.answers));
      assert.deepEqual(shared.problems, [], file);
      sameEntries(shared.answers, read.answers, file);
    }
  }
});
