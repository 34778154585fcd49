// opsbook assessment: the /assessment/ page. Plain ES module, no dependencies, no network.
// It hides questions whose `show_if` is not met, counts, autosaves, renders the report on
// every change, and shares, downloads and loads answers. Contract: docs/assessment-page.md.

import { prefill, questionScore, score, valuesFromAnswers, visible } from "./assessment-score.js";
import { answersToToml, decodeShare, encodeShare, isShareFragment, parseAnswersToml, MAX_TOML_LENGTH } from "./assessment-io.js";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (text) => String(text ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** One decimal as Rust's `{:.1}` writes it: exact ties (x.25, x.75) go to even. */
export function one(x) {
  const tenths = Math.floor(x * 10);
  return (Number.isInteger(x * 4) && !Number.isInteger(x * 2) ? (tenths + (tenths % 2)) / 10 : x).toFixed(1);
}

/** `url`, or "" when it could run code. */
export const safeUrl = (url) => (/^(javascript|vbscript|data):/i.test(String(url).replace(/[\0- \x7f]/g, "")) ? "" : String(url));

const scoreText = (s) => (s === null ? "not assessed" : one(s));
const chosen = (q, v) => (v == null ? [] : q.kind === "choice" ? [v] : q.kind === "multi" ? v : []);

/** The asked questions' answers by id, as an answers file has them. */
export function answersOf(questionnaire, values, shown) {
  const answers = {};
  questionnaire.questions.forEach((q, i) => {
    const ids = chosen(q, values[i]).map((o) => q.options[o].id);
    if (shown[i] && values[i] != null) answers[q.id] = q.kind === "choice" ? ids[0] : q.kind === "multi" ? ids : values[i];
  });
  return answers;
}

function band(tiers, x) {
  const i = tiers.findLastIndex((t) => t.min <= x + 1e-9);
  return i <= 0 && tiers.length > 1 ? "low" : i === tiers.length - 1 ? "high" : "mid";
}

/** An SVG radar of the dimensions (0 at the centre); "" below three. Those not assessed get a
 * dashed spoke and no point. */
export function radarSvg(dimensions) {
  const n = dimensions.length;
  if (n < 3) return "";
  const at = (i, s) => {
    const a = (2 * Math.PI * i) / n - Math.PI / 2;
    return [290 + 1.25 * s * Math.cos(a), 230 + 1.25 * s * Math.sin(a)].map((c) => c.toFixed(1));
  };
  let svg = `<svg viewBox="0 0 580 460" role="img" aria-labelledby="report-radar-title"><title id="report-radar-title">Dimension scores, 0 at the centre to 100 at the rim: ${escapeHtml(dimensions.map((d) => `${d.title} ${scoreText(d.score)}`).join(", "))}</title>`;
  for (const ring of [25, 50, 75, 100]) svg += `<polygon class="radar-ring" points="${dimensions.map((_, i) => at(i, ring)).join(" ")}"/>`;
  dimensions.forEach((d, i) => {
    const off = d.score === null ? " is-off" : "";
    const [x, y] = at(i, 111).map(Number);
    const [x2, y2] = at(i, 100);
    // Titles wrap at about 15 characters; above the centre a label grows upwards.
    const lines = [...(d.title.match(/.{1,15}(\s|$)|\S+\s*/g) ?? []).slice(0, 3), scoreText(d.score)];
    const top = y < 229 ? y - (lines.length - 1) * 20 : y > 231 ? y + 14 : y - (lines.length - 1) * 10 + 5;
    svg += `<line class="radar-spoke${off}" x1="290" y1="230" x2="${x2}" y2="${y2}"/><text class="radar-label" x="${x}" y="${top.toFixed(1)}" text-anchor="${Math.abs(x - 290) < 1 ? "middle" : x > 290 ? "start" : "end"}">`;
    svg += lines.map((l, k) => `<tspan${k === lines.length - 1 ? ` class="radar-value${off}"` : ""} x="${x}"${k ? ' dy="20"' : ""}>${escapeHtml(l.trim())}</tspan>`).join("");
    svg += "</text>";
  });
  const points = dimensions.flatMap((d, i) => (d.score === null ? [] : [at(i, d.score)]));
  if (points.length) svg += `<polygon class="radar-area" points="${points.join(" ")}"/>`;
  return `${svg}${points.map(([x, y]) => `<circle class="radar-point" cx="${x}" cy="${y}" r="4"/>`).join("")}</svg>`;
}

/**
 * The report for `values` (the scorer's); `html` maps tier ids and "QID[/OPTION]" to Markdown
 * HTML, and question ids to what the handbook shows. `evidence` and `prefilled` (indices) as
 * the scorer takes them.
 */
export function renderReport(questionnaire, values, html, evidence = [], prefilled = []) {
  const report = score(questionnaire, values, 5, "", evidence, prefilled);
  if (!report) {
    return '<p class="report-empty">Answer a question to see your report. It updates as you answer.</p>';
  }
  const { questions, dimensions, tiers } = questionnaire;
  const index = new Map(questions.map((q, i) => [q.id, i]));
  const link = (id) => `<a href="#q-${escapeHtml(id)}">${escapeHtml(questions[index.get(id)].text)}</a>`;
  const title = (list, id) => escapeHtml(list.find((x) => x.id === id)?.title ?? id);
  const { tier, uncapped_tier: uncapped, caps } = report;

  let out = `<div class="report-summary"><div class="report-overall"><span class="report-score" data-overall="${report.overall}">${one(report.overall)}</span><span class="report-outof">out of 100</span></div>`;
  out += `<div class="report-tier"><p class="report-kicker">Tier</p><p class="report-tier-name"><span class="tier-badge tier-${band(tiers, tiers.find((t) => t.id === tier.id)?.min ?? 0)}" data-tier="${escapeHtml(tier.id)}">${escapeHtml(tier.title)}</span></p>`;
  if (caps.length) {
    out += `<div class="report-caps"><p>Capped by:</p><ul>${caps.map((cap) => `<li>${link(cap.question)}: “${escapeHtml(questions[index.get(cap.question)].options.find((o) => o.id === cap.option)?.label)}” caps the tier at <strong>${title(tiers, cap.tier)}</strong></li>`).join("")}</ul>`;
    out += `<p>Without them: <strong>${escapeHtml(uncapped.title)}</strong>${uncapped.id === tier.id ? ", the same tier at this score" : ""}.</p></div>`;
  }
  if (html.tier.get(tier.id)) out += `<div class="report-tier-summary prose">${html.tier.get(tier.id)}</div>`;
  const count = (key) => report.dimensions.reduce((sum, d) => sum + d[key], 0);
  out += `</div></div><p class="report-completion">${count("answered")} of ${count("questions")} questions answered (${one(report.completion * 100)}%)</p>`;

  const radar = radarSvg(report.dimensions);
  out += `<h3 id="report-dimensions-title">Dimensions</h3><div class="report-dimensions">${radar && `<figure class="report-radar">${radar}</figure>`}`;
  out += '<table class="report-table"><caption>Score by dimension</caption><thead><tr><th scope="col">Dimension</th><th scope="col">Score</th><th scope="col">Answered</th></tr></thead><tbody>';
  for (const d of report.dimensions) out += `<tr><th scope="row">${escapeHtml(d.title)}</th><td>${scoreText(d.score)}</td><td>${d.answered} of ${d.questions}</td></tr>`;
  out += '</tbody></table></div><ul class="report-bars" aria-labelledby="report-dimensions-title">';
  for (const { id, title: name, score: s } of report.dimensions) {
    out += `<li data-dimension="${escapeHtml(id)}" data-score="${s ?? ""}"${s === null ? ' class="is-off"' : ""}><span class="bar-label">${escapeHtml(name)}</span><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect class="bar-track" width="100" height="10" rx="1"/>`;
    out += `${s === null ? "" : `<rect class="bar-fill band-${band(tiers, s)}" width="${s.toFixed(2)}" height="10" rx="1"/>`}</svg><span class="bar-value">${scoreText(s)}</span></li>`;
  }
  out += "</ul>";

  if (report.recommendations.length) out += '<h3>What to do first</h3><ol class="report-recommendations">';
  for (const rec of report.recommendations) {
    const i = index.get(rec.question);
    const q = questions[i];
    // The advice the scorer chose: the first chosen option (in option order) that has one.
    const option = chosen(q, values[i]).map((o) => q.options[o]).find((o) => o?.advice != null);
    const advice = html.advice.get(option ? `${q.id}/${option.id}` : q.id) ?? `<p>${escapeHtml(rec.advice)}</p>`;
    const links = rec.learn.filter((l) => safeUrl(l.url)).map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.title)}</a>`);
    out += `<li><p class="rec-question">${link(rec.question)}</p><p class="rec-meta">${title(dimensions, rec.dimension)} · <span class="rec-impact">+${one(rec.impact)} points</span>`;
    out += `${caps.some((c) => c.question === q.id) ? ' · <span class="rec-cap">caps the tier</span>' : ""}</p>${rec.advice == null ? "" : `<div class="rec-advice prose">${advice}</div>`}`;
    out += `${links.length ? `<p class="rec-learn">Read: ${links.join(", ")}</p>` : ""}</li>`;
  }
  if (report.recommendations.length) out += "</ol>";

  const shown = visible(questionnaire, values);
  const seen = (report.evidence ?? []).filter((e) => e.value !== null && shown[index.get(e.question)]);
  if (seen.length) out += '<h3>What the handbook shows</h3><ul class="report-evidence">';
  for (const e of seen) {
    const s = questionScore(questions[index.get(e.question)], values[index.get(e.question)]);
    out += `<li data-question="${escapeHtml(e.question)}"${e.contradiction ? ' class="contradiction"' : ""}><p class="rec-question">${link(e.question)}</p>`;
    out += `<p class="evidence-answer">${s === null ? "Not answered" : `${e.prefilled ? "Answered from the handbook" : "Your answer"}: score ${one(s)}`}</p><p>${html.evidence?.get(e.question) ?? ""}</p>`;
    if (e.contradiction) out += `<p class="evidence-mismatch"><strong>Does not match the handbook: your answer scores ${one(s)}, the handbook shows ${Math.round(e.value)}%.</strong></p>`;
    out += "</li>";
  }
  if (seen.length) out += "</ul>";

  const rest = report.unanswered;
  if (!rest.length) return `${out}<p class="report-done">Every question asked is answered.</p>`;
  out += `<h3>Not answered yet</h3><ul class="report-unanswered">${rest.slice(0, 100).map((id) => `<li>${link(id)}</li>`).join("")}</ul>`;
  return rest.length > 100 ? `${out}<p class="report-more">and ${rest.length - 100} more further down.</p>` : out;
}

export const localToday = (d = new Date()) =>
  [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n, k) => String(n).padStart(k ? 2 : 4, "0")).join("-");

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** localStorage, or nothing where it throws (private mode, disabled). */
function store(name, value) {
  try {
    return value === undefined ? localStorage.getItem(name) : value === null ? localStorage.removeItem(name) : localStorage.setItem(name, value);
  } catch {
    return null;
  }
}

class Page {
  constructor(root, questionnaire, evidence = []) {
    const $ = (selector) => root.querySelector(selector);
    const all = (selector) => [...root.querySelectorAll(selector)];
    Object.assign(this, {
      root,
      $,
      q: questionnaire,
      form: $("[data-questionnaire]"),
      confirm: $("[data-reset-confirm]"),
      storageKey: root.dataset.storageKey || `opsbook-assessment:${questionnaire.id}`,
      html: {
        tier: new Map(all("template[data-tier-summary]").map((t) => [t.dataset.tierSummary, t.innerHTML])),
        advice: new Map(all("template[data-advice]").map((t) => [t.dataset.advice, t.innerHTML])),
        evidence: new Map(all("[data-evidence]").map((p) => [p.dataset.evidence, p.innerHTML])),
      },
      evidence,
      auto: new Set(), // questions whose answer came from the handbook
      progress: all("[data-dimension-progress]"),
      shown: [],
      answered: [],
      index: new Map(questionnaire.questions.map((q, i) => [q.id, i])),
    });
    // Inputs are found once, per question: no document-wide query on each change.
    const fieldsets = new Map(all("fieldset[data-question]").map((f) => [f.dataset.question, f]));
    this.questions = questionnaire.questions.map((question) => {
      const fieldset = fieldsets.get(question.id);
      const controls = fieldset ? [...fieldset.elements] : [];
      return {
        question,
        fieldset,
        controls,
        inputs: controls.filter((el) => el.name === question.id),
        options: new Map(question.options?.map((o, k) => [o.id, k])),
        output: fieldset?.querySelector("[data-scale-output]"),
        set: false, // a scale was moved or set since it was last cleared
      };
    });
    this.values = this.questions.map(() => null);
  }

  start() {
    const on = (target, type, handler) => target?.addEventListener(type, handler);
    on(this.form, "input", (e) => this.onInput(e));
    on(this.form, "change", (e) => this.onInput(e));
    on(this.form, "submit", (e) => e.preventDefault());
    // A range already at the value meant answers when clicked or keyed.
    on(this.form, "click", (e) => e.target.type === "range" && this.onInput(e));
    on(this.form, "keyup", (e) => e.target.type === "range" && /^(Arr|Pag|Hom|End)/.test(e.key) && this.onInput(e));
    on(this.root, "click", (e) => this.onClick(e.target.closest("[data-action]")?.dataset.action, e.target));
    on(this.root, "keydown", (e) => e.key === "Escape" && this.confirm?.hidden === false && this.onClick("reset-cancel"));
    on(this.$('input[type="file"][data-action="load"]'), "change", (e) => this.load(e.target));
    on(window, "hashchange", () => isShareFragment(location.hash) && this.restore()); // a link pasted here
    this.$("[data-toolbar]")?.removeAttribute("hidden");
    this.root.classList.add("is-interactive");
    this.restore();
  }

  read(i) {
    const { question: q, inputs, options, set } = this.questions[i];
    const n = Number(inputs[0]?.value.trim() || NaN);
    if (q.kind === "choice") return options.get(inputs.find((el) => el.checked)?.value) ?? null;
    if (q.kind === "multi") {
      const picked = inputs.filter((el) => el.checked && options.has(el.value)).map((el) => options.get(el.value));
      return picked.length ? picked.sort((a, b) => a - b) : null;
    }
    if (q.kind === "scale") return set && Number.isInteger(n) && n >= q.min && n <= q.max ? n : null;
    return Number.isFinite(n) && Math.abs(n) <= 2 ** 53 ? n + 0 : null;
  }

  write(i, value) {
    const entry = this.questions[i];
    const { question: q, inputs } = entry;
    const ids = chosen(q, value).map((o) => q.options[o].id);
    if (q.options) for (const el of inputs) el.checked = ids.includes(el.value);
    else if (inputs[0]) {
      entry.set = value !== null;
      inputs[0].value = value ?? (q.kind === "scale" ? (inputs[0].getAttribute("value") ?? q.min) : "");
    }
    this.values[i] = value;
  }

  onInput(event) {
    const i = this.index.get(event.target.name);
    const entry = this.questions[i];
    if (!entry?.inputs.includes(event.target)) return;
    const before = [`${this.values[i]}`, entry.set];
    if (entry.question.kind === "scale") entry.set = true;
    this.values[i] = this.read(i);
    this.auto.delete(i);
    if (`${this.values[i]}` !== before[0] || entry.set !== before[1]) this.changed();
  }

  onClick(action, target) {
    if (action === "share") this.share();
    if (action === "download") this.download();
    if (action === "reset-confirm") this.reset();
    if (action === "reset" || action === "reset-cancel") {
      Object.assign(this.confirm ?? {}, { hidden: action === "reset-cancel" });
      this.$(`[data-action="${action === "reset" ? "reset-cancel" : "reset"}"]`)?.focus();
    }
    const i = this.index.get(target?.closest("fieldset[data-question]")?.dataset.question);
    if (action === "clear" && i !== undefined) {
      this.write(i, null);
      this.changed();
      this.questions[i].inputs[0]?.focus();
    }
  }

  /** After a change: show and save the answers, and drop a share link they no longer match. */
  changed() {
    try {
      if (isShareFragment(location.hash)) history.replaceState(history.state, "", location.pathname + location.search);
    } catch {
    }
    this.update();
    const answers = this.answers();
    store(this.storageKey, Object.keys(answers).length ? JSON.stringify({ answers }) : null);
  }

  update() {
    const { values, $, auto } = this;
    // Unanswered questions the handbook answers (score.rs `prefill`); the reader may change them.
    const filled = prefill(this.q, values, this.evidence);
    filled.values.forEach((v, i) => filled.prefilled[i] && values[i] === null && (this.write(i, v), auto.add(i)));
    const shown = visible(this.q, values);
    const counts = this.q.dimensions.map(() => [0, 0]);
    this.questions.forEach(({ question, fieldset, controls, output }, i) => {
      const has = values[i] !== null;
      if (fieldset && shown[i] !== this.shown[i]) {
        fieldset.hidden = !shown[i];
        for (const el of controls) el.disabled = !shown[i];
      }
      if (fieldset && has !== this.answered[i]) fieldset.toggleAttribute("data-answered", has);
      fieldset?.toggleAttribute("data-prefilled", auto.has(i));
      this.answered[i] = has;
      const label = question.labels?.[values[i]];
      const text = has ? `${values[i]}${label ? `: ${label}` : ""}` : "Not answered";
      if (output && output.textContent !== text) output.textContent = text;
      const count = shown[i] && counts[question.dimension];
      if (count) counts[question.dimension] = [count[0] + has, count[1] + 1];
    });
    this.shown = shown;
    const [answered, asked] = counts.reduce(([a, b], [c, d]) => [a + c, b + d], [0, 0]);
    const set = (selector, props) => Object.assign($(selector) ?? {}, props);
    set("[data-progress-count]", { textContent: answered });
    set("[data-progress-total]", { textContent: asked });
    set("[data-progress-bar]", { max: Math.max(asked, 1), value: answered });
    for (const el of this.progress) {
      const [done, of] = counts[this.q.dimensions.findIndex((d) => d.id === el.dataset.dimensionProgress)] ?? [0, 0];
      el.textContent = `${done} of ${of} answered`;
    }
    set("[data-report-body]", { innerHTML: renderReport(this.q, values, this.html, this.evidence, [...auto]) });
  }

  /** The reader's answers; with `all`, the handbook's prefills too. */
  answers(all) {
    return answersOf(this.q, this.values.map((v, i) => (all || !this.auto.has(i) ? v : null)), this.shown);
  }

  say(message, problems = [], extra) {
    const status = this.$("[data-status]");
    if (!status) return;
    const items = problems.slice(0, 12).map(escapeHtml);
    if (problems.length > 12) items.push(`and ${problems.length - 12} more`);
    status.innerHTML = `<p>${escapeHtml(message)}</p>${items.length ? `<ul><li>${items.join("</li><li>")}</li></ul>` : ""}`;
    if (extra) status.append(extra);
  }

  restore() {
    let saved = null;
    try {
      saved = valuesFromAnswers(this.q, JSON.parse(store(this.storageKey)).answers).values;
    } catch {
    }
    if (!saved?.some((v) => v !== null)) saved = null;
    const { answers, problems } = decodeShare(this.q, location.hash);
    const count = Object.keys(answers).length;
    const shared = isShareFragment(location.hash) && (count || !problems.some((p) => p.question === null));
    (shared ? valuesFromAnswers(this.q, answers).values : (saved ?? this.values)).forEach((v, i) => this.write(i, v));
    this.update();
    const messages = problems.map((p) => p.message);
    if (shared) {
      const instead = saved ? ", not those saved in this browser (changing one saves these instead)" : "";
      this.say(`Showing the ${plural(count, "answer")} from the share link${instead}.${problems.length ? " Not applied, as they no longer fit:" : ""}`, messages);
    } else if (isShareFragment(location.hash)) {
      this.say("This share link could not be read; no answers were taken from it.", messages);
    } else if (saved) this.say("Your saved answers are back. They stay in this browser.");
  }

  share() {
    const answers = this.answers();
    const url = location.href.replace(/#.*/, "") + encodeShare(this.q, answers);
    const what = `It holds ${plural(Object.keys(answers).length, "answer")}, which are never sent to a server.`;
    const fallback = () => {
      const input = Object.assign(document.createElement("input"), { readOnly: true, value: url, className: "share-link" });
      input.setAttribute("aria-label", "Share link");
      input.addEventListener("focus", () => input.select());
      this.say(`Copy this link. ${what}`, [], input);
      input.focus();
    };
    try {
      navigator.clipboard.writeText(url).then(() => this.say(`Share link copied to the clipboard. ${what}`), fallback);
    } catch {
      fallback();
    }
  }

  download() {
    const answers = this.answers(true);
    const count = Object.keys(answers).length;
    if (!count) return this.say("Answer a question first: an answers file needs one.");
    const date = localToday();
    const name = `${this.q.id}-${date}.toml`;
    const prefilled = [...this.auto].filter((i) => this.shown[i]).map((i) => this.q.questions[i].id);
    const blob = new Blob([answersToToml({ questionnaire: this.q.id, date, prefilled, answers })], { type: "application/toml" });
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1e4);
    this.say(`Downloaded ${name} (${plural(count, "answer")}). Score it with: opsbook assess ${name}`);
  }

  load(input) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    const nothing = (why, problems = []) => this.say(`${file.name} ${why}; nothing was loaded.`, problems);
    if (file.size > MAX_TOML_LENGTH) return nothing("is too large to be an answers file");
    file.text().then((text) => {
      const parsed = parseAnswersToml(text);
      const { values, problems } = valuesFromAnswers(this.q, parsed.answers);
      const all = parsed.problems.map((p) => (p.line ? `line ${p.line}: ` : "") + p.message).concat(problems.map((p) => p.message));
      const count = values.filter((v) => v !== null).length;
      if (parsed.questionnaire === null) return nothing("does not say which questionnaire it answers", all);
      if (parsed.questionnaire !== this.q.id) return nothing(`answers the questionnaire “${parsed.questionnaire}”, not “${this.q.id}”`);
      if (!count) return nothing("holds no answer this page can use", all);
      this.auto = new Set(parsed.prefilled.map((id) => this.index.get(id)).filter((i) => values[i] != null));
      values.forEach((v, i) => this.write(i, v));
      this.changed();
      const from = [parsed.label, parsed.date].filter(Boolean).join(", ");
      this.say(`Loaded ${plural(count, "answer")} from ${file.name}${from && ` (${from})`}.${all.length ? " Left out:" : ""}`, all);
    }, () => nothing("could not be read"));
  }

  reset() {
    this.auto.clear();
    this.values.forEach((_, i) => this.write(i, null));
    this.changed(); // also clears the storage and drops a share link
    Object.assign(this.confirm ?? {}, { hidden: true });
    this.say("Every answer is cleared, here and in this browser.");
    this.questions.find((e, i) => this.shown[i] && e.inputs.length)?.inputs[0].focus();
  }
}

function init() {
  const root = document.querySelector("[data-assessment]");
  try {
    const { questionnaire, evidence } = JSON.parse(document.getElementById("assessment-data").textContent);
    if (root.querySelector("[data-questionnaire]") && Array.isArray(questionnaire.questions)) new Page(root, questionnaire, evidence).start();
  } catch {
    // No questionnaire: the page stays as the server rendered it.
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
}
