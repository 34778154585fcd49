// opsbook assessment: the scoring rules of DESIGN.md section 8 for the browser. Plain ES
// module, no dependencies, no DOM. It mirrors src/assessment/score.rs line by line (same
// sums in questionnaire order, same clamping, the 1e-9 tier tolerance, impacts ordered by
// round(impact x 1e9) with ties in questionnaire order, advice from the first chosen option
// that has one), so both give the same report to far better than 1e-9; the parity test
// (tests/cli/score_parity.rs) checks that against the Rust scorer. Change both together.
//
// Inputs are the Rust shapes as serde_json writes them: `questionnaire` is a `Questionnaire`
// (a question's `dimension`, `show_if.question`/`option` and an option's `cap` are indices),
// and `values` has one entry per question: null (unanswered), an option index (choice), a
// list of option indices (multi), an integer (scale) or a number (number).

/** How far an overall may fall short of a tier's `min` and still reach it (rounding). */
export const TIER_TOLERANCE = 1e-9;

/** How many recommendations a report carries unless asked otherwise. */
export const DEFAULT_TOP = 5;

/** Rust's `f64::clamp(0.0, 100.0)`: NaN stays NaN, -0 stays -0. */
const clamp = (x) => (x < 0 ? 0 : x > 100 ? 100 : x);

/** The options of a choice or multi question; empty for the others. */
const optionsOf = (question) => (question.kind === "choice" || question.kind === "multi" ? question.options : []);

/** Option `index` of `question`, or undefined. */
const optionAt = (question, index) => (Number.isInteger(index) && index >= 0 ? optionsOf(question)[index] : undefined);

/** The option indices an answer chose (none for scale and number answers). */
function chosen(question, answer) {
  if (answer === null || answer === undefined) return [];
  if (question.kind === "choice") return [answer];
  if (question.kind === "multi" && Array.isArray(answer)) return answer;
  return [];
}

/** Rust's `(x * 1e9).round() as i64`: halves away from zero, NaN to 0. */
function rank(impact) {
  const x = impact * 1e9;
  return (x < 0 ? -Math.round(-x) : Math.round(x)) || 0;
}

/** Which questions are asked, given the answers: one boolean per question. */
export function visible(questionnaire, values) {
  const shown = [];
  for (const question of questionnaire.questions) shown.push(asked(questionnaire.questions, question, shown, values));
  return shown;
}

/** Whether `question` is asked, given whether the questions before it are (`shown`). */
function asked(questions, question, shown, values) {
  const condition = question.show_if;
  // Validation guarantees the named question is earlier; anything else counts as hidden.
  return !condition || (shown[condition.question] === true && chosen(questions[condition.question], values[condition.question]).includes(condition.option));
}

/** The score of one answer, in [0, 100]; null when unanswered or the answer does not fit. */
export function questionScore(question, answer) {
  if (answer === null || answer === undefined) return null;
  let score;
  switch (question.kind) {
    case "choice": {
      const option = optionAt(question, answer);
      if (!option) return null;
      score = option.score;
      break;
    }
    case "multi": {
      if (!Array.isArray(answer)) return null;
      let sum = 0;
      for (const index of answer) {
        const option = optionAt(question, index);
        if (option) sum += option.score;
      }
      score = sum < 100 ? sum : 100; // f64::min(sum, 100.0)
      break;
    }
    case "scale": {
      const { min, max } = question;
      if (!Number.isInteger(answer) || max <= min) return null;
      score = ((answer - min) / (max - min)) * 100;
      break;
    }
    case "number": {
      if (typeof answer !== "number") return null;
      const bands = question.bands;
      const band = bands.find((b) => b.max != null && b.max >= answer) ?? bands[bands.length - 1];
      if (!band) return null;
      score = band.score;
      break;
    }
    default:
      return null;
  }
  return clamp(score);
}

/** Distances or scores this close count as equal (prefill ties, contradictions). */
const EVIDENCE_TOLERANCE = 1e-9;

/**
 * The answer evidence `e` (in [0, 100]) gives a choice or scale question: the option (scale
 * value) whose score is closest, ties within 1e-9 to the lower score, then the first option;
 * a scale picks between the two values around `e`. Null for other kinds.
 */
export function closestAnswer(question, e) {
  let best = null;
  const consider = (answer, s) => {
    const d = Math.abs(s - e);
    if (!best || d < best.d - EVIDENCE_TOLERANCE || (Math.abs(d - best.d) <= EVIDENCE_TOLERANCE && s < best.s)) best = { answer, d, s };
  };
  const { kind, min, max } = question;
  if (kind === "choice") question.options.forEach((o, i) => consider(i, o.score));
  if (kind === "scale" && max > min) {
    const at = min + (e / 100) * (max - min);
    for (const v of [Math.floor(at), Math.ceil(at)]) {
      const c = Math.min(Math.max(v, min), max);
      consider(c, questionScore(question, c));
    }
  }
  return best ? best.answer : null;
}

/**
 * `values` with prefills (score.rs `prefill`): each asked, unanswered question whose evidence
 * has `prefill` and a value takes `closestAnswer`, in questionnaire order. `evidence` holds
 * `{ value, matched, total }` or null per question; `prefilled` the indices an answers file
 * lists. Returns `{ values, prefilled }`, the second a boolean per question.
 */
export function prefill(questionnaire, values, evidence = [], prefilled = []) {
  const questions = questionnaire.questions;
  const out = questions.map((_, i) => values[i] ?? null);
  const flags = questions.map((_, i) => prefilled.includes(i));
  const shown = [];
  questions.forEach((q, i) => {
    const ask = asked(questions, q, shown, out);
    shown.push(ask);
    const e = evidence[i]?.value;
    if (ask && out[i] === null && q.evidence?.prefill && e != null) {
      const answer = closestAnswer(q, e);
      if (answer !== null) {
        out[i] = answer;
        flags[i] = true;
      }
    }
  });
  return { values: out, prefilled: flags };
}

/**
 * Scores `values` against `questionnaire`, keeping the first `top` recommendations. Returns
 * the report with the keys of `opsbook assess --format json` (`date` as given), or null when
 * no question is scored (Rust's `NothingScored`). With `evidence` (see `prefill`), prefills
 * apply first and the report lists `evidence`, flagging a contradiction where a scored answer
 * that was not prefilled is more than the tolerance (+ 1e-9) from E.
 */
export function score(questionnaire, values, top = DEFAULT_TOP, date = "", evidence = [], prefilled = []) {
  const filled = prefill(questionnaire, values, evidence, prefilled);
  const report = scoreValues(questionnaire, filled.values, top, date);
  if (!report || !evidence.length) return report;
  const shown = visible(questionnaire, filled.values);
  const list = [];
  questionnaire.questions.forEach((q, i) => {
    const ev = q.evidence;
    if (!ev) return;
    const e = evidence[i] ?? null;
    const value = e?.value ?? null;
    const answer = filled.values[i];
    const s = shown[i] ? questionScore(q, answer) : null;
    list.push({
      question: q.id,
      measure: ev.measure,
      value,
      matched: e?.matched ?? 0,
      total: e?.total ?? 0,
      contradiction: !filled.prefilled[i] && s !== null && value !== null && Math.abs(s - value) > ev.tolerance + EVIDENCE_TOLERANCE,
      prefilled: filled.prefilled[i] && answer !== null,
    });
  });
  // Like the JSON of `assess`: no `evidence` key when no question has evidence.
  if (list.length) report.evidence = list;
  return report;
}

function scoreValues(questionnaire, values, top, date) {
  const { questions, dimensions, tiers } = questionnaire;
  const dimensionCount = dimensions.length;
  const shown = visible(questionnaire, values);
  const answer = (i) => values[i] ?? null;
  const scores = questions.map((q, i) =>
    // A dimension out of range cannot come out of validation; it is left unscored.
    shown[i] && q.dimension < dimensionCount ? questionScore(q, answer(i)) : null,
  );

  // Per dimension: sum of weights and of weighted scores of scored questions, counts.
  const weights = new Array(dimensionCount).fill(0);
  const weighted = new Array(dimensionCount).fill(0);
  const answered = new Array(dimensionCount).fill(0);
  const asked = new Array(dimensionCount).fill(0);
  questions.forEach((q, i) => {
    const d = q.dimension;
    if (d >= dimensionCount) return;
    if (shown[i]) asked[d] += 1;
    const s = scores[i];
    if (s !== null) {
      weights[d] += q.weight;
      weighted[d] += q.weight * s;
      answered[d] += 1;
    }
  });
  const dimensionScores = weights.map((w, d) => (w > 0 ? clamp(weighted[d] / w) : null));
  let totalWeight = 0;
  let total = 0;
  dimensions.forEach((dimension, d) => {
    const s = dimensionScores[d];
    if (s !== null) {
      totalWeight += dimension.weight;
      total += dimension.weight * s;
    }
  });
  if (totalWeight <= 0) return null;
  const overall = clamp(total / totalWeight);

  let uncapped = 0;
  tiers.forEach((t, i) => {
    if (t.min <= overall + TIER_TOLERANCE) uncapped = i;
  });
  let tier = uncapped;
  const caps = [];
  const capping = questions.map(() => false);
  questions.forEach((q, i) => {
    if (scores[i] === null) return;
    for (const index of chosen(q, answer(i))) {
      const option = optionAt(q, index);
      if (!option || option.cap == null) continue;
      capping[i] = true;
      tier = Math.min(tier, option.cap);
      caps.push({ question: q.id, option: option.id, tier: tiers[option.cap]?.id ?? "" });
    }
  });

  const impact = (i, s) => {
    const q = questions[i];
    const d = q.dimension;
    return (dimensions[d].weight / totalWeight) * (q.weight / weights[d]) * (100 - s);
  };
  const others = [];
  scores.forEach((s, i) => {
    if (s !== null && !capping[i] && s < 100) others.push({ i, impact: impact(i, s) });
  });
  others.sort((a, b) => rank(b.impact) - rank(a.impact) || a.i - b.i);
  const first = [];
  scores.forEach((s, i) => {
    if (capping[i] && s !== null) first.push({ i, impact: impact(i, s) });
  });
  const recommendations = first
    .concat(others)
    .slice(0, top)
    .map(({ i, impact }) => {
      const q = questions[i];
      const withAdvice = chosen(q, answer(i))
        .map((index) => optionAt(q, index))
        .find((o) => o && o.advice != null);
      return {
        question: q.id,
        dimension: dimensions[q.dimension].id,
        score: scores[i] ?? 0,
        impact,
        advice: withAdvice ? withAdvice.advice : (q.advice ?? null),
        learn: q.learn.map((l) => ({ title: l.title, url: l.url })),
      };
    });

  const scored = scores.filter((s) => s !== null).length;
  const visibleCount = shown.filter((v) => v).length;
  const tierRef = (i) => (tiers[i] ? { id: tiers[i].id, title: tiers[i].title } : { id: "", title: "" });
  return {
    questionnaire: questionnaire.id,
    date,
    overall,
    tier: tierRef(tier),
    uncapped_tier: tierRef(uncapped),
    caps,
    completion: scored / Math.max(visibleCount, 1),
    dimensions: dimensions.map((dimension, d) => ({
      id: dimension.id,
      title: dimension.title,
      weight: dimension.weight,
      score: dimensionScores[d],
      answered: answered[d],
      questions: asked[d],
    })),
    recommendations,
    unanswered: questions.filter((q, i) => shown[i] && scores[i] === null).map((q) => q.id),
  };
}

/** Largest magnitude of a number answer (DESIGN.md: every number is within +-2^53). */
const MAX_NUMBER = 2 ** 53;

/**
 * `values` for an answers-file-like object `{ "<question id>": "<option id>" | ["<option
 * id>", ...] | number }`, checked as `opsbook assess` checks an answers file (answers.rs).
 * Never throws: each problem is listed as `{ question, message }` and its answer left out.
 * A null or undefined answer means unanswered. Multi answers come out in option order.
 */
export function valuesFromAnswers(questionnaire, answersById) {
  const questions = questionnaire.questions;
  const values = questions.map(() => null);
  const problems = [];
  if (answersById === null || typeof answersById !== "object" || Array.isArray(answersById)) {
    problems.push({ question: null, message: "the answers must be an object of question id to answer" });
    return { values, problems };
  }
  const index = new Map(questions.map((q, i) => [q.id, i]));
  for (const [id, value] of Object.entries(answersById)) {
    const i = index.get(id);
    const problem = (message) => problems.push({ question: id, message });
    if (i === undefined) {
      problem(`unknown question \`${id}\``);
      continue;
    }
    if (value === null || value === undefined) continue;
    const q = questions[i];
    const ids = optionsOf(q).map((o) => o.id);
    const optionIndex = (option) => {
      const found = ids.indexOf(option);
      if (found < 0) problem(`\`${option}\` is not an option of \`${id}\`; expected one of: ${ids.join(", ")}`);
      return found;
    };
    switch (q.kind) {
      case "choice": {
        if (typeof value !== "string") {
          problem(`\`${id}\` is a choice question: expected one option id, found ${typeName(value)}`);
          break;
        }
        const found = optionIndex(value);
        if (found >= 0) values[i] = found;
        break;
      }
      case "multi": {
        if (!Array.isArray(value)) {
          problem(`\`${id}\` is a multi question: expected a list of option ids, found ${typeName(value)}`);
          break;
        }
        const picked = [];
        let ok = true;
        for (const item of value) {
          if (typeof item !== "string") {
            problem(`the entries of \`${id}\` must be option ids, found ${typeName(item)}`);
            ok = false;
          } else {
            const found = optionIndex(item);
            if (found < 0) ok = false;
            else if (picked.includes(found)) {
              problem(`\`${item}\` is listed twice in \`${id}\``);
              ok = false;
            } else picked.push(found);
          }
        }
        // Option order, not the list's, as answers.rs does: caps and advice follow it.
        if (ok) values[i] = picked.sort((a, b) => a - b);
        break;
      }
      case "scale": {
        if (Number.isInteger(value) && value >= q.min && value <= q.max) values[i] = value + 0;
        else problem(`\`${id}\` must be a whole number from ${q.min} to ${q.max}, found ${show(value)}`);
        break;
      }
      case "number": {
        if (typeof value !== "number") problem(`\`${id}\` must be a number, found ${typeName(value)}`);
        else if (!Number.isFinite(value)) problem(`\`${id}\` must be a finite number, found ${value}`);
        else if (Math.abs(value) > MAX_NUMBER) problem(`\`${id}\` must be between -2^53 and 2^53, found ${value}`);
        else values[i] = value + 0; // -0 becomes 0, as in answers.rs
        break;
      }
      default:
        problem(`\`${id}\` has an unknown kind \`${q.kind}\``);
    }
  }
  return { values, problems };
}

function typeName(value) {
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value === "object" ? "an object" : typeof value;
}

function show(value) {
  return typeof value === "number" ? String(value) : typeName(value);
}
