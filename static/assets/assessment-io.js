// opsbook assessment: share links and answers files, in and out. Plain ES module, no DOM.
// Both formats are described in docs/assessment-page.md. Readers never throw: they return
// what they could read and each problem, `{ question, message }` or `{ line, message }`.

import { valuesFromAnswers } from "./assessment-score.js";

const ID = /^[\w-]+$/;
export const MAX_SHARE_LENGTH = 100_000;
export const MAX_TOML_LENGTH = 1_000_000;
const KINDS = { c: "choice", m: "multi", s: "scale", n: "number" };

// Maps without inherited keys: a question may be called `__proto__`.
const record = () => Object.create(null);
const isId = (x) => typeof x === "string" && ID.test(x);
const own = (object, key) => object != null && Object.prototype.hasOwnProperty.call(object, key);

/** The share fragment for `answers` (by id, as in an answers file); misfits are left out. */
export function encodeShare(questionnaire, answers) {
  const entries = [];
  for (const { id, kind } of questionnaire.questions) {
    const a = own(answers, id) ? answers[id] : null;
    const text = kind === "choice" ? isId(a) && a
      : kind === "multi" ? Array.isArray(a) && a.every(isId) && a.join(",")
      : kind === "scale" ? Number.isSafeInteger(a) && String(a + 0)
      : Number.isFinite(a) && String(a + 0).replace("e+", "e");
    if (text !== false && isId(id)) entries.push(`${id}:${kind[0]}${text}`);
  }
  return `#answers=v1.${entries.join("~")}`;
}

export const isShareFragment = (fragment) => /^#?answers=/.test(fragment);

function shareValue(code, text) {
  if (code === "c") return ID.test(text) ? text : undefined;
  if (code === "m") return text === "" ? [] : text.split(",").every((o) => ID.test(o)) ? text.split(",") : undefined;
  const n = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) && text.length < 40 ? Number(text) : NaN;
  return (code === "s" ? Number.isSafeInteger(n) : Number.isFinite(n)) ? n : undefined;
}

/** Reads a share fragment: `{ answers, problems }`, the answers that still fit by id. */
export function decodeShare(questionnaire, fragment) {
  const answers = record();
  const problems = [];
  const fail = (message) => ({ answers: record(), problems: [{ question: null, message }] });
  try {
    if (typeof fragment !== "string" || !isShareFragment(fragment)) return fail("the link holds no answers");
    if (fragment.length > MAX_SHARE_LENGTH) return fail("the link is too long");
    const text = decodeURIComponent(fragment.replace(/^#?answers=/, ""));
    const version = /^v(\d+)\./.exec(text)?.[1];
    if (version !== "1") return fail(version ? `the link is in format v${version}, which this page does not read` : "the link is damaged");
    const index = new Map(questionnaire.questions.map((q, i) => [q.id, i]));
    let damaged = 0;
    for (const entry of text.slice(3).split("~")) {
      const [, id, code, rest] = /^([\w-]+):([cmsn])(.*)$/s.exec(entry) ?? [];
      const value = id && shareValue(code, rest);
      const q = questionnaire.questions[index.get(id)];
      const problem = (message) => problems.push({ question: id, message: `\`${id}\` ${message}` });
      if (value === undefined || !id) damaged += entry ? 1 : 0;
      else if (!q) problem("is no longer a question here");
      else if (own(answers, id)) problem("is answered twice; the first answer is kept");
      else if (q.kind !== KINDS[code]) problem(`is now a ${q.kind} question, not a ${KINDS[code]} one`);
      else answers[id] = value;
    }
    if (damaged) problems.push({ question: null, message: `damaged parts left out: ${damaged}` });
    // What the page would refuse (an option that is gone, a scale out of range) stays out.
    for (const p of valuesFromAnswers(questionnaire, answers).problems) {
      delete answers[p.question];
      problems.push(p);
    }
    return { answers, problems };
  } catch {
    return fail("the link is damaged");
  }
}

export const tomlString = (text) =>
  `"${String(text).replace(/["\\\u0000-\u001f\u007f]|[\ud800-\udfff]/gu, (c) =>
    c === '"' || c === "\\" ? `\\${c}` : c === "\n" ? "\\n" : c === "\t" ? "\\t" : c >= "\ud800" ? "\ufffd"
      : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`)}"`;

/** An answer as TOML: whole numbers as integers (scale needs them), others as exact floats. */
function tomlValue(v) {
  if (typeof v === "string") return tomlString(v);
  if (Array.isArray(v)) return v.every((s) => typeof s === "string") ? `[${v.map(tomlString).join(", ")}]` : null;
  if (!Number.isFinite(v)) return null;
  if (Number.isInteger(v) && Math.abs(v) <= 2 ** 53) return String(v + 0);
  return /[.e]/.test(String(v)) ? String(v) : v.toExponential();
}

/** An answers file for `{ questionnaire, date, label?, prefilled?, answers }`. */
export function answersToToml({ questionnaire, date, label, prefilled = [], answers }) {
  const lines = [
    "# Readiness assessment answers. Score them with: opsbook assess FILE",
    `questionnaire = ${tomlString(questionnaire)}`,
    `date = ${/^\d{4}-\d\d-\d\d$/.test(date) ? date : tomlString(date)}`,
  ];
  if (label) lines.push(`label = ${tomlString(label)}`);
  if (prefilled?.length) lines.push(`prefilled = ${tomlValue(prefilled.map(String))}`);
  lines.push("", "[answers]");
  for (const [id, value] of Object.entries(answers ?? {})) {
    const text = tomlValue(value);
    if (text !== null) lines.push(`${ID.test(id) ? id : tomlString(id)} = ${text}`);
  }
  return `${lines.join("\n")}\n`;
}

// Tokens: blanks and comments, newlines, multi-line string openers (refused), strings closed
// on their line, punctuation, words (keys, numbers, dates), a stray quote.
const TOKEN = /[ \t\r]+|#[^\n]*|\n|"""|'''|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[[\]{},=]|[^ \t\r\n[\]{},=#"']+|["']/g;
const ESCAPES = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };
const TOP = { questionnaire: "text in quotes", date: "a day like 2026-11-26, without quotes", label: "text in quotes", prefilled: "a list of question ids" };
const isString = (t) => /^(["']).+\1$/s.test(t) && !/^("""|''')$/.test(t);

/** A word as a boolean, number or local date (`{ day }`); throws a message otherwise. */
function scalar(word) {
  const [day, y, m, d] = /^(\d{4})-(\d\d)-(\d\d)$/.exec(word) ?? [];
  if (day && (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate())) throw `${word} is not a day of the calendar`;
  if (day || /^(true|false)$/.test(word)) return day ? { day } : word === "true";
  if (!/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(word)) throw `\`${word.slice(0, 40)}\` is not a value (text goes in quotes)`;
  const plain = word.replace(/_/g, "");
  if (!/[.eE]/.test(word) && BigInt(plain.replace("+", "")) ** 2n > 2n ** 106n) throw `${word} is beyond +-2^53`;
  return Number(plain);
}

function unquote(token) {
  if (token[0] === "'") return token.slice(1, -1);
  if (/[\0-\x08\n-\x1f\x7f]/.test(token)) throw "a string holds a control character; escape it";
  return token.slice(1, -1).replace(/\\(u[\da-fA-F]{4}|U[\da-fA-F]{8}|.?)/g, (all, e) => {
    const point = e.length > 1 ? parseInt(e.slice(1), 16) : -1;
    if (own(ESCAPES, e)) return ESCAPES[e];
    if (point >= 0 && point <= 0x10ffff && (point < 0xd800 || point > 0xdfff)) return String.fromCodePoint(point);
    throw `${all} is not an escape of a TOML string`;
  });
}

/** Reads an answers file: `{ questionnaire, date, label, prefilled, answers, problems }`. */
export function parseAnswersToml(text) {
  const result = { questionnaire: null, date: null, label: null, prefilled: [], answers: record(), problems: [] };
  const problem = (line, message) => result.problems.push({ line, message });
  if (typeof text !== "string" || text.length > MAX_TOML_LENGTH) {
    problem(null, "this is not an answers file: not text, or too large");
    return result;
  }
  const tokens = [];
  let line = 1;
  for (const [t] of text.replace(/^\ufeff/, "").matchAll(TOKEN)) {
    if (!/^[ \t\r]*$|^#/.test(t)) tokens.push({ t, line });
    if (t === "\n") line += 1;
  }
  let i = 0;
  let open = 0; // 1 while a list is being read
  let last = 1; // the line of the token looked at last, where a problem is
  const peek = (k = 0) => {
    if (!k && tokens[i]) last = tokens[i].line;
    return tokens[i + k]?.t;
  };
  const word = (t = peek() ?? "\n", what = "a value") => {
    if (t === "\n" || (what === "a key" ? !isString(t) && !/^[\w-]+$/.test(t) : !/^[\w+.-]/.test(t) && !isString(t))) {
      throw /^("""|''')$/.test(t) ? "multi-line strings are not read here" : /^["']$/.test(t) ? "a string is not closed on its line" : `expected ${what}`;
    }
    i += 1;
    return isString(t) ? unquote(t) : what === "a key" ? t : scalar(t);
  };
  // A statement starts here (`key =` or `[table]`), as when a list was left open above.
  const statement = () => ((isString(peek()) || /^[\w-]+$/.test(peek())) && peek(1) === "=") || (peek() === "[" && peek(2) === "]" && peek(3) !== ",");
  const value = () => {
    if (peek() !== "[") return word();
    i += 1;
    open = 1;
    const items = [];
    for (;;) {
      while (peek() === "\n") {
        i += 1;
        if (statement()) throw { message: "a list is not closed with ]", resume: true };
      }
      if (peek() === "]") {
        i += 1;
        open = 0;
        return items;
      }
      items.push(word());
      while (peek() === "\n") i += 1;
      if (peek() === ",") i += 1;
      else if (peek() !== "]") throw "expected , or ] in a list";
    }
  };
  const expect = (t, what) => {
    if (peek() !== t && (t !== "\n" || peek() !== undefined)) throw `expected ${what}`;
    i += 1;
  };

  let table = ""; // "" at the top, "answers", or null in a table that is not read
  const seen = new Set();
  while (i < tokens.length) {
    const at = tokens[i].line;
    open = 0;
    try {
      if (peek() === "\n") i += 1;
      else if (peek() === "[") {
        i += 1;
        const name = word(undefined, "a key");
        expect("]", "] after the table name");
        expect("\n", "the end of the line");
        table = name === "answers" && !seen.has("[answers]") ? name : null;
        if (name !== "answers") problem(at, `unknown table [${name}]; only [answers] is read`);
        else if (!table) problem(at, "[answers] appears twice");
        seen.add(`[${name}]`);
      } else {
        const name = word(undefined, "a key");
        expect("=", `= after \`${name}\``);
        const twice = seen.has(name);
        if (table === "") seen.add(name); // named, even when its value is wrong
        const v = value();
        expect("\n", "the end of the line");
        const type = typeof v === "string" ? TOP.label : v?.day ? TOP.date : Array.isArray(v) && v.every((s) => typeof s === "string") ? TOP.prefilled : "";
        if (table === "answers") {
          if (own(result.answers, name)) problem(at, `\`${name}\` is answered twice`);
          else if (v?.day || v.some?.((x) => x?.day)) problem(at, `\`${name}\` is answered with a date`);
          else result.answers[name] = v;
        } else if (table === null) continue;
        else if (twice) problem(at, `\`${name}\` appears twice`);
        else if (!own(TOP, name)) problem(at, `unknown key \`${name}\`; expected one of: ${Object.keys(TOP).join(", ")}, [answers]`);
        else if (type !== TOP[name]) problem(at, `\`${name}\` must be ${TOP[name]}`);
        else result[name] = v.day ?? v;
      }
    } catch (error) {
      if (typeof error !== "string" && !error?.resume) {
        problem(last, "the file could not be read past this line");
        break;
      }
      problem(last, error.message ?? error);
      // Skip the rest of the statement: to a line end outside lists, or to a new statement.
      while (!error.resume && i < tokens.length) {
        const t = tokens[i++].t;
        if (t === "\n" && (!open || statement())) break;
        open = t === "]" ? 0 : open;
      }
    }
  }
  if (!seen.has("questionnaire")) problem(null, 'the file does not name its questionnaire (questionnaire = "id")');
  if (!seen.has("date")) problem(null, "the file has no date (date = 2026-11-26)");
  if (!seen.has("[answers]")) problem(null, "the file has no [answers] table");
  return result;
}
