//! Turning a scored [`Report`] into what a person reads: a terminal report, the normative
//! JSON, Markdown a founder can paste into a doc, and a self-contained HTML page (inline
//! CSS, an SVG bar chart of the dimensions, no scripts, light and dark).
//!
//! Renderers only format: every number comes from `score`, shown with one decimal (JSON
//! keeps them unrounded). Texts the questionnaire marks as Markdown are printed as written in
//! the terminal, passed on in Markdown with raw HTML escaped and script links reduced to
//! their text, and rendered the same way in HTML: a report is read in viewers that would run
//! a `<script>` or a `javascript:` link. Output is a `String`; writing it anywhere is the
//! caller's business.

use std::fmt::Write as _;

use pulldown_cmark::{Event, Options, Parser, Tag};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::evidence::{EvidenceSet, ProcessFacts};
use super::schema::*;
use crate::content::markdown;

/// The output formats of `opsbook assess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
}

/// What a renderer needs besides the report: the questionnaire it was scored against (for
/// question texts, option labels and tier summaries) and the answers' label.
pub struct View<'a> {
    pub questionnaire: &'a Questionnaire,
    pub report: &'a Report,
    pub label: Option<&'a str>,
    /// Prepended to learn URLs in text, Markdown and HTML (`https://example.com` when the
    /// site's base URL has a host), so links work outside the site.
    pub origin: Option<&'a str>,
    /// What the handbook showed (the matched processes, for links); `None` without evidence.
    pub evidence: Option<&'a EvidenceSet>,
}

/// Renders the report; text formats end with a newline.
pub fn render(view: &View<'_>, format: Format) -> String {
    match format {
        Format::Text => text(view),
        Format::Json => json(view.report),
        Format::Markdown => markdown(view),
        Format::Html => html(view),
    }
}

/// The report as pretty JSON with exactly the normative keys.
pub fn json(report: &Report) -> String {
    // Serializing plain structs of strings and finite numbers cannot fail.
    let mut out = serde_json::to_string_pretty(report).unwrap_or_default();
    out.push('\n');
    out
}

// ---- Shared lookups -----------------------------------------------------------------------

/// Matched processes a report links to, per question.
const EVIDENCE_PAGES: usize = 50;
/// Processes short of the measure that text and Markdown name.
const SHORT_NAMED: usize = 5;

/// One evidence entry as the reports show it.
struct Shown<'v> {
    result: &'v EvidenceResult,
    question: &'v Question,
    /// "The handbook shows: 5 of 7 processes under fulfillment/ have an owner (71%)".
    line: String,
    /// The matched processes and whether each meets the measure.
    pages: Vec<(&'v ProcessFacts, bool)>,
    /// How many matched processes there are beyond `pages`.
    more: usize,
}

/// Where the globs look: "in the handbook" for `**`, else "under fulfillment/ and
/// inventory/" (`x/**` read as the folder `x/`, other globs as written).
fn where_(globs: &[String]) -> String {
    if globs.iter().any(|g| g == "**") {
        return "in the handbook".to_string();
    }
    let names: Vec<String> = globs
        .iter()
        .map(|g| match g.strip_suffix("/**") {
            Some(folder) => format!("{folder}/"),
            None => g.clone(),
        })
        .collect();
    match names.as_slice() {
        [] => "in the handbook".to_string(),
        [one] => format!("under {one}"),
        [rest @ .., last] => format!("under {} and {last}", rest.join(", ")),
    }
}

/// "5 of 7 processes under fulfillment/ have an owner (71%)"; for `documented`, "4 of the
/// 12 expected processes under fulfillment/ are documented (33%)".
pub(crate) fn evidence_sentence(ev: &Evidence, matched: usize, total: usize, value: f64) -> String {
    let place = where_(&ev.pages);
    match ev.measure {
        Measure::Documented => format!(
            "{matched} of the {total} expected processes {place} are documented ({})",
            whole_percent(value)
        ),
        m => format!(
            "{matched} of {total} processes {place} {} ({})",
            m.phrase(),
            whole_percent(value)
        ),
    }
}

/// A share as a whole percentage (half away from zero, as the browser rounds).
pub(crate) fn whole_percent(value: f64) -> String {
    format!("{}%", value.round() as i64)
}

impl<'v> View<'v> {
    /// The evidence the reports show: visible questions whose evidence has a value.
    fn shown_evidence(&self) -> Vec<Shown<'v>> {
        let questions = &self.questionnaire.questions;
        self.report
            .evidence
            .iter()
            .filter(|e| e.shown && e.value.is_some())
            .filter_map(|result| {
                let i = questions.iter().position(|q| q.id == result.question)?;
                let question = &questions[i];
                let ev = question.evidence.as_ref()?;
                let value = result.value?;
                let line = format!(
                    "The handbook shows: {}",
                    evidence_sentence(ev, result.matched, result.total, value)
                );
                let (pages, more) =
                    match self.evidence.and_then(|e| Some((e, e.values.get(i)?.as_ref()?))) {
                        Some((set, v)) => {
                            let all: Vec<(&ProcessFacts, bool)> = v
                                .processes
                                .iter()
                                .filter_map(|&p| set.facts.get(p))
                                .map(|f| (f, f.meets(ev.measure)))
                                .collect();
                            let more = all.len().saturating_sub(EVIDENCE_PAGES);
                            (all.into_iter().take(EVIDENCE_PAGES).collect(), more)
                        }
                        None => (Vec::new(), 0),
                    };
                Some(Shown { result, question, line, pages, more })
            })
            .collect()
    }

    /// "Your answer: Some are written down (score 50)", or the prefilled answer.
    fn evidence_answer(&self, e: &EvidenceResult) -> String {
        match (&e.answer, e.score) {
            (Some(answer), Some(score)) if e.prefilled => {
                format!("Answered from the handbook: {answer} (score {})", one(score))
            }
            (Some(answer), Some(score)) => format!("Your answer: {answer} (score {})", one(score)),
            _ => "Not answered".to_string(),
        }
    }

    /// "Does not match: your answer scores 100, the handbook 33% (more than 30 points apart)".
    fn contradiction(&self, e: &EvidenceResult, question: &Question) -> Option<String> {
        if !e.contradiction {
            return None;
        }
        let tolerance = question.evidence.as_ref().map_or(0.0, |ev| ev.tolerance);
        Some(format!(
            "Does not match the handbook: your answer scores {}, the handbook shows {} (more than {} points apart)",
            one(e.score.unwrap_or(0.0)),
            whole_percent(e.value.unwrap_or(0.0)),
            tolerance
        ))
    }

    fn question(&self, id: &str) -> Option<&Question> {
        self.questionnaire.questions.iter().find(|q| q.id == id)
    }

    fn question_text<'s>(&'s self, id: &'s str) -> &'s str {
        self.question(id).map_or(id, |q| q.text.as_str())
    }

    fn option_label<'s>(&'s self, question: &str, option: &'s str) -> &'s str {
        self.question(question)
            .and_then(|q| q.kind.options().iter().find(|o| o.id == option))
            .map_or(option, |o| o.label.as_str())
    }

    fn tier(&self, id: &str) -> Option<&Tier> {
        self.questionnaire.tiers.iter().find(|t| t.id == id)
    }

    fn tier_title<'s>(&'s self, id: &'s str) -> &'s str {
        self.tier(id).map_or(id, |t| t.title.as_str())
    }

    fn dimension_title<'s>(&'s self, id: &'s str) -> &'s str {
        self.report.dimensions.iter().find(|d| d.id == id).map_or(id, |d| d.title.as_str())
    }

    fn capped(&self) -> bool {
        self.report.tier.id != self.report.uncapped_tier.id
    }

    /// The heading over the caps: they explain the tier only when they lowered it.
    fn caps_heading(&self) -> &'static str {
        if self.capped() { "Why the tier is capped" } else { "Answers that cap the tier" }
    }

    fn url(&self, link: &LearnLink) -> String {
        format!("{}{}", self.origin.unwrap_or(""), link.url)
    }

    /// (scored, asked) question counts.
    fn counts(&self) -> (usize, usize) {
        let dims = &self.report.dimensions;
        (dims.iter().map(|d| d.answered).sum(), dims.iter().map(|d| d.questions).sum())
    }

    /// "Q4 review · 2026-11-20", or the date alone.
    fn subtitle(&self) -> String {
        match self.label {
            Some(label) => format!("{label} · {}", self.report.date),
            None => self.report.date.clone(),
        }
    }

    /// "Dimension · score 50.0 · +3.2 points if raised to 100 · caps the tier at X", with the
    /// texts passed through `escape` for the output format.
    fn facts(&self, rec: &Recommendation, escape: impl Fn(&str) -> String) -> String {
        let mut facts = vec![
            escape(self.dimension_title(&rec.dimension)),
            format!("score {}", one(rec.score)),
            format!("+{} points if raised to 100", one(rec.impact)),
        ];
        if let Some(tier) = self.caps_tier(&rec.question) {
            facts.push(format!("caps the tier at {}", escape(tier)));
        }
        facts.join(" · ")
    }

    fn caps_tier(&self, question: &str) -> Option<&str> {
        let cap = self.report.caps.iter().find(|c| c.question == question)?;
        Some(self.tier_title(&cap.tier))
    }

    /// The index of the tier a score reaches, for colouring bars.
    fn tier_index(&self, score: f64) -> usize {
        let tiers = &self.questionnaire.tiers;
        tiers.iter().rposition(|t| t.min <= score + super::score::TIER_TOLERANCE).unwrap_or(0)
    }

    /// `low`, `mid` or `high`: the first tier, a middle one, or the last.
    fn band(&self, score: f64) -> &'static str {
        let last = self.questionnaire.tiers.len().saturating_sub(1);
        match self.tier_index(score) {
            0 if last > 0 => "low",
            i if i == last => "high",
            _ => "mid",
        }
    }
}

pub(crate) fn one(x: f64) -> String {
    format!("{x:.1}")
}

fn percent(part: usize, whole: usize) -> String {
    one(part as f64 * 100.0 / whole.max(1) as f64)
}

// ---- Text ---------------------------------------------------------------------------------

const WIDTH: usize = 88;
const BAR: usize = 20;

/// `text` reflowed to `width` columns with every line starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    wrap_hanging(text, width, indent, indent)
}

/// `text` reflowed to `width` columns: the lines of a paragraph are joined (Markdown source
/// breaks lines anywhere), blank lines and list items start new ones. The first line of a
/// paragraph starts with `first`, the others with `rest`.
fn wrap_hanging(text: &str, width: usize, first: &str, rest: &str) -> String {
    fn flush(words: &mut Vec<&str>, out: &mut String, width: usize, first: &str, rest: &str) {
        let mut line = String::new();
        let mut prefix = first;
        for word in words.drain(..) {
            let room = width.saturating_sub(prefix.chars().count()).max(20);
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
                let _ = writeln!(out, "{prefix}{line}");
                line.clear();
                prefix = rest;
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            let _ = writeln!(out, "{prefix}{line}");
        }
    }
    let is_item = |line: &str| {
        line.starts_with("- ")
            || line.starts_with("* ")
            || line
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let mut out = String::new();
    let mut words: Vec<&str> = Vec::new();
    for line in text.trim().lines().map(str::trim) {
        if line.is_empty() || is_item(line) {
            flush(&mut words, &mut out, width, first, rest);
        }
        if line.is_empty() {
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
        } else {
            words.extend(line.split_whitespace());
        }
    }
    flush(&mut words, &mut out, width, first, rest);
    out
}

fn bar(score: f64) -> String {
    let filled = ((score / 100.0) * BAR as f64).round().clamp(0.0, BAR as f64) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR - filled))
}

fn text(view: &View<'_>) -> String {
    let r = view.report;
    let mut out = String::new();
    let _ = writeln!(out, "{}", view.questionnaire.title);
    let _ = writeln!(out, "{}\n", view.subtitle());
    let _ = writeln!(out, "Overall    {} / 100", one(r.overall));
    let _ = writeln!(out, "Tier       {}", r.tier.title);
    let pad = "           ";
    if view.capped() {
        let reach = match view.tier(&r.uncapped_tier.id) {
            Some(t) => format!("{} ({} and up)", t.title, t.min),
            None => r.uncapped_tier.title.clone(),
        };
        let _ = writeln!(out, "{pad}capped: the score alone reaches {reach}");
    }
    if !r.caps.is_empty() {
        let _ = writeln!(out, "{pad}capping answers:");
    }
    for cap in &r.caps {
        let question = view.question_text(&cap.question);
        let label = view.option_label(&cap.question, &cap.option);
        let tier = view.tier_title(&cap.tier);
        let line = format!("\"{question}\" answered \"{label}\" (caps at {tier})");
        out.push_str(&wrap_hanging(&line, WIDTH, &format!("{pad}- "), &format!("{pad}  ")));
    }
    if let Some(tier) = view.tier(&r.tier.id).filter(|t| !t.summary.trim().is_empty()) {
        out.push('\n');
        out.push_str(&wrap(&tier.summary, WIDTH, pad));
    }
    let (scored, asked) = view.counts();
    let _ = writeln!(
        out,
        "\nAnswered   {scored} of {asked} questions asked ({}%)",
        percent(scored, asked)
    );

    let _ = writeln!(out, "\nDimensions");
    let title_width = r.dimensions.iter().map(|d| d.title.chars().count()).max().unwrap_or(0);
    for d in &r.dimensions {
        let title = format!("{:<title_width$}", d.title);
        let counts = format!("{} of {} answered", d.answered, d.questions);
        match d.score {
            Some(s) => {
                let _ = writeln!(out, "  {title}  {}  {:>5}  {counts}", bar(s), one(s));
            }
            None => {
                let _ = writeln!(out, "  {title}  {}  not assessed", "·".repeat(BAR));
            }
        }
    }

    if r.recommendations.is_empty() {
        let _ = writeln!(out, "\nRecommendations: none, every scored question is at 100");
    } else {
        let _ = writeln!(out, "\nRecommendations");
    }
    for (n, rec) in r.recommendations.iter().enumerate() {
        let number = format!("  {}. ", n + 1);
        let indent = " ".repeat(number.chars().count());
        out.push_str(&wrap_hanging(view.question_text(&rec.question), WIDTH, &number, &indent));
        out.push_str(&wrap(&view.facts(rec, str::to_string), WIDTH, &indent));
        if let Some(advice) = &rec.advice {
            out.push_str(&wrap(advice, WIDTH, &indent));
        }
        for link in &rec.learn {
            let _ = writeln!(out, "{indent}Read: {}  {}", link.title, view.url(link));
        }
        out.push('\n');
    }
    if r.recommendations.is_empty() {
        out.push('\n');
    }
    let evidence = view.shown_evidence();
    if !evidence.is_empty() {
        let _ = writeln!(out, "What the handbook shows");
        for e in &evidence {
            out.push_str(&wrap_hanging(&e.question.text, WIDTH, "  - ", "    "));
            out.push_str(&wrap(&view.evidence_answer(e.result), WIDTH, "    "));
            out.push_str(&wrap(&e.line, WIDTH, "    "));
            if let Some(c) = view.contradiction(e.result, e.question) {
                out.push_str(&wrap(&format!("! {c}"), WIDTH, "    "));
            }
            let short: Vec<&str> =
                e.pages.iter().filter(|(_, meets)| !meets).map(|(f, _)| f.title.as_str()).collect();
            if !short.is_empty() && e.result.measure != Measure::Documented {
                let named = short.iter().take(SHORT_NAMED).copied().collect::<Vec<_>>().join(", ");
                let more = short.len().saturating_sub(SHORT_NAMED);
                let line = if more > 0 {
                    format!("Short of it: {named} and {more} more")
                } else {
                    format!("Short of it: {named}")
                };
                out.push_str(&wrap(&line, WIDTH, "    "));
            }
        }
        out.push('\n');
    }
    if !r.unanswered.is_empty() {
        let _ = writeln!(out, "Unanswered ({})", r.unanswered.len());
        for id in &r.unanswered {
            out.push_str(&wrap(&format!("- {} ({id})", view.question_text(id)), WIDTH, "  "));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

// ---- Markdown -----------------------------------------------------------------------------

/// Escapes text for use inside Markdown inline content (table cells, link text).
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '|' | '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The questionnaire's Markdown as it goes into a Markdown report: raw HTML has its `<`
/// escaped (a viewer shows the tag as text), and a link or image whose URL could run code is
/// replaced by its text. Everything else is passed on byte for byte.
fn safe_markdown(text: &str) -> String {
    let mut options = markdown::options();
    options.remove(Options::ENABLE_WIKILINKS);
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut events = Parser::new_ext(text, options).into_offset_iter();
    while let Some((event, range)) = events.next() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                edits.push((range.clone(), text[range].replace('<', "&lt;")));
            }
            Event::Start(Tag::Link { dest_url, .. }) if markdown::is_script_url(&dest_url) => {
                edits.push((range, md(&inner_text(&mut events))));
            }
            Event::Start(Tag::Image { dest_url, .. })
                if markdown::is_script_image_url(&dest_url) =>
            {
                edits.push((range, md(&inner_text(&mut events))));
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The plain text of a link or image, consuming its events up to its end.
fn inner_text<'a>(
    events: &mut impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for (event, _) in events {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

fn markdown(view: &View<'_>) -> String {
    let r = view.report;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md(&view.questionnaire.title));
    let _ = writeln!(out, "*{}*\n", md(&view.subtitle()));
    let _ =
        writeln!(out, "**Overall: {} / 100** · **Tier: {}**\n", one(r.overall), md(&r.tier.title));
    if view.capped() {
        let _ = writeln!(
            out,
            "> The score alone reaches *{}*; the answers below cap the tier at *{}*.\n",
            md(&r.uncapped_tier.title),
            md(&r.tier.title)
        );
    }
    if let Some(tier) = view.tier(&r.tier.id).filter(|t| !t.summary.trim().is_empty()) {
        let _ = writeln!(out, "{}\n", safe_markdown(tier.summary.trim()));
    }
    if !r.caps.is_empty() {
        let _ = writeln!(out, "## {}\n", view.caps_heading());
        for cap in &r.caps {
            let _ = writeln!(
                out,
                "- **{}**: “{}” caps the tier at *{}*.",
                md(view.question_text(&cap.question)),
                md(view.option_label(&cap.question, &cap.option)),
                md(view.tier_title(&cap.tier))
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Dimensions\n");
    let _ = writeln!(out, "| Dimension | Weight | Score | Answered |");
    let _ = writeln!(out, "|---|--:|--:|--:|");
    for d in &r.dimensions {
        let score = d.score.map_or_else(|| "not assessed".to_string(), one);
        let _ = writeln!(
            out,
            "| {} | {} | {score} | {} of {} |",
            md(&d.title),
            d.weight,
            d.answered,
            d.questions
        );
    }
    out.push('\n');

    let _ = writeln!(out, "## Recommendations\n");
    if r.recommendations.is_empty() {
        let _ = writeln!(out, "None: every scored question is at 100.\n");
    }
    for (n, rec) in r.recommendations.iter().enumerate() {
        let _ = writeln!(out, "### {}. {}\n", n + 1, md(view.question_text(&rec.question)));
        let _ = writeln!(out, "*{}*\n", view.facts(rec, md));
        if let Some(advice) = &rec.advice {
            let _ = writeln!(out, "{}\n", safe_markdown(advice.trim()));
        }
        if !rec.learn.is_empty() {
            let links: Vec<String> = rec
                .learn
                .iter()
                .map(|l| format!("[{}](<{}>)", md(&l.title), view.url(l)))
                .collect();
            let _ = writeln!(out, "Read: {}\n", links.join(" · "));
        }
    }

    let evidence = view.shown_evidence();
    if !evidence.is_empty() {
        let _ = writeln!(out, "## What the handbook shows\n");
        for e in &evidence {
            let _ = writeln!(out, "- **{}**  ", md(&e.question.text));
            let _ = writeln!(out, "  {}  ", md(&view.evidence_answer(e.result)));
            let _ = write!(out, "  {}", md(&e.line));
            if let Some(c) = view.contradiction(e.result, e.question) {
                let _ = write!(out, "  \n  **⚠ {}**", md(&c));
            }
            let short: Vec<String> = e
                .pages
                .iter()
                .filter(|(_, meets)| !meets)
                .take(SHORT_NAMED)
                .map(|(f, _)| {
                    format!("[{}](<{}{}>)", md(&f.title), view.origin.unwrap_or(""), f.url)
                })
                .collect();
            if !short.is_empty() && e.result.measure != Measure::Documented {
                let _ = write!(out, "  \n  Short of it: {}", short.join(", "));
            }
            out.push('\n');
        }
        out.push('\n');
    }

    if !r.unanswered.is_empty() {
        let _ = writeln!(out, "## Unanswered questions\n");
        for id in &r.unanswered {
            let _ = writeln!(out, "- {} (`{id}`)", md(view.question_text(id)));
        }
        out.push('\n');
    }
    let (scored, asked) = view.counts();
    let _ = writeln!(
        out,
        "---\n\n*{scored} of {asked} questions answered ({}%). Questionnaire `{}`, scored by opsbook.*",
        percent(scored, asked),
        r.questionnaire
    );
    out
}

// ---- HTML ---------------------------------------------------------------------------------

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

fn href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let _ = escape_href(&mut out, url);
    esc(&out)
}

/// Markdown to HTML, with raw HTML shown as text and script URLs dropped: the questionnaire
/// is the author's, but the page must never run anything.
pub(crate) fn markdown_html(text: &str) -> String {
    let mut options = markdown::options();
    options.remove(Options::ENABLE_WIKILINKS);
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = if markdown::is_script_url(&dest_url) { "#".into() } else { dest_url };
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let dest_url =
                if markdown::is_script_image_url(&dest_url) { "".into() } else { dest_url };
            Event::Start(Tag::Image { link_type, dest_url, title, id })
        }
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

const CSS: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--track:#e6eaef;--low:#cf222e;--mid:#9a6700;--high:#1a7f37;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;--track:#262c36;--low:#ff7b72;--mid:#d29922;--high:#3fb950;--accent:#4493f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",sans-serif}
main{max-width:50rem;margin:0 auto;padding:2.5rem 1.25rem 4rem}
a{color:var(--accent)}
h1{font-size:1.9rem;line-height:1.2;margin:.2rem 0 .4rem}
h2{font-size:1.25rem;margin:2.4rem 0 .8rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .3rem}
.kicker,.meta{color:var(--muted);margin:0}
.kicker{text-transform:uppercase;letter-spacing:.06em;font-size:.8rem;font-weight:600}
.summary{display:grid;grid-template-columns:auto 1fr;gap:1.5rem;align-items:start;margin-top:1.8rem;padding:1.4rem;border:1px solid var(--line);border-radius:10px;background:var(--card)}
.overall{text-align:center;min-width:8rem}
.overall .value{display:block;font-size:3rem;font-weight:700;line-height:1}
.overall .of{color:var(--muted)}
.tier-name{font-size:1.3rem;font-weight:650;margin:0}
.capped{margin:.3rem 0 0;color:var(--low);font-weight:600}
.summary p{margin:.5rem 0 0}
.chart{width:100%;height:auto;display:block;margin:.5rem 0}
.chart text{fill:var(--fg);font:13px system-ui,sans-serif}
.chart .value,.chart .axis{fill:var(--muted)}
.chart .track{fill:var(--track)}
.chart .low{fill:var(--low)}.chart .mid{fill:var(--mid)}.chart .high{fill:var(--high)}
.chart .tier-line{stroke:var(--muted);stroke-dasharray:3 3;stroke-width:1}
.radar{display:block;width:100%;max-width:30rem;height:auto;margin:.5rem auto}
.radar .ring,.radar .spoke{fill:none;stroke:var(--line);stroke-width:1}
.radar .area{fill:var(--accent);fill-opacity:.22;stroke:var(--accent);stroke-width:2}
.radar .point{fill:var(--accent)}
.radar text{fill:var(--fg);font:13px system-ui,sans-serif}
.radar .value{fill:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid var(--line)}
th:not(:first-child),td:not(:first-child){text-align:right}
ol.recommendations{padding-left:1.4rem}
ol.recommendations>li{margin:0 0 1.4rem;padding-left:.3rem}
.facts{color:var(--muted);font-size:.92rem;margin:0 0 .4rem}
.learn{margin:.4rem 0 0;font-size:.95rem}
.note{color:var(--muted);font-size:.92rem}
.evidence-list{list-style:none;padding:0;display:grid;gap:.8rem}
.evidence-list>li{padding:.8rem 1rem;border:1px solid var(--line);border-radius:10px}
.evidence-list>li.contradiction{border-color:var(--low)}
.evidence-list p{margin:.2rem 0}
.evidence-list .answer{color:var(--muted)}
.evidence-list .mismatch{color:var(--low)}
.evidence-list .short{color:var(--muted)}
.evidence-list details{margin-top:.3rem;font-size:.92rem}
footer{margin-top:3rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);padding-top:1rem}
@media (max-width:36rem){.summary{grid-template-columns:1fr}.overall{text-align:left}}
@media print{body{background:#fff;color:#000}main{padding:0}.summary{break-inside:avoid}ol.recommendations>li{break-inside:avoid}a{color:inherit}}
"#;

/// The bar chart: one row per dimension, dashed lines where the tiers above the first start.
fn chart(view: &View<'_>) -> String {
    const LABEL: f64 = 236.0;
    const BAR_W: f64 = 330.0;
    const ROW: f64 = 30.0;
    const TOP: f64 = 8.0;
    let dims = &view.report.dimensions;
    let height = TOP + ROW * dims.len() as f64 + 26.0;
    let x = |score: f64| LABEL + BAR_W * score / 100.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 640 {height}\" role=\"img\" aria-labelledby=\"chart-title\">\
         <title id=\"chart-title\">Score by dimension, from 0 to 100</title>"
    );
    for (i, d) in dims.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let score_attr = d.score.map_or_else(String::new, |s| s.to_string());
        let _ = write!(
            svg,
            "<g class=\"dimension\" data-dimension=\"{}\" data-score=\"{score_attr}\">\
             <text x=\"0\" y=\"{}\">{}</text>\
             <rect class=\"track\" x=\"{LABEL}\" y=\"{}\" width=\"{BAR_W}\" height=\"18\" rx=\"3\"/>",
            esc(&d.id),
            y + 17.0,
            esc(&d.title),
            y + 4.0
        );
        match d.score {
            Some(s) => {
                let _ = write!(
                    svg,
                    "<rect class=\"{}\" x=\"{LABEL}\" y=\"{}\" width=\"{:.2}\" height=\"18\" rx=\"3\">\
                     <title>{}: {}</title></rect>\
                     <text class=\"value\" x=\"{}\" y=\"{}\">{}</text>",
                    view.band(s),
                    y + 4.0,
                    x(s) - LABEL,
                    esc(&d.title),
                    one(s),
                    LABEL + BAR_W + 10.0,
                    y + 17.0,
                    one(s)
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "<text class=\"value\" x=\"{}\" y=\"{}\">not assessed</text>",
                    LABEL + 8.0,
                    y + 17.0
                );
            }
        }
        svg.push_str("</g>");
    }
    let bottom = TOP + ROW * dims.len() as f64;
    for tier in view.questionnaire.tiers.iter().filter(|t| t.min > 0.0) {
        let _ = write!(
            svg,
            "<line class=\"tier-line\" x1=\"{0:.2}\" y1=\"{TOP}\" x2=\"{0:.2}\" y2=\"{bottom}\"><title>{1} from {2}</title></line>",
            x(tier.min),
            esc(&tier.title),
            tier.min
        );
    }
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{:.2}\" y=\"{}\" text-anchor=\"middle\">{tick}</text>",
            x(tick),
            bottom + 18.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A radar of the dimensions, 0 at the centre and 100 at the rim; `None` below three
/// dimensions, where a radar has no area. A dimension not assessed has no point: its axis is
/// labelled so, and the shape joins the assessed ones.
pub(crate) fn radar(dims: &[DimensionResult]) -> Option<String> {
    const W: f64 = 560.0;
    const H: f64 = 380.0;
    const R: f64 = 118.0;
    let (cx, cy) = (W / 2.0, H / 2.0);
    let n = dims.len();
    if n < 3 {
        return None;
    }
    let at = |i: usize, score: f64| {
        let angle = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (cx + R * score / 100.0 * angle.cos(), cy + R * score / 100.0 * angle.sin())
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"radar\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"radar-title\">\
         <title id=\"radar-title\">Radar of the dimension scores, 0 at the centre to 100 at the rim</title>"
    );
    for ring in [25.0, 50.0, 75.0, 100.0] {
        let points: Vec<String> = (0..n)
            .map(|i| {
                let (x, y) = at(i, ring);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(svg, "<polygon class=\"ring\" points=\"{}\"/>", points.join(" "));
    }
    for (i, d) in dims.iter().enumerate() {
        let (x, y) = at(i, 100.0);
        let _ = write!(
            svg,
            "<line class=\"spoke\" x1=\"{cx}\" y1=\"{cy}\" x2=\"{x:.1}\" y2=\"{y:.1}\"/>"
        );
        let (lx, ly) = at(i, 112.0);
        let anchor = if (lx - cx).abs() < 1.0 {
            "middle"
        } else if lx > cx {
            "start"
        } else {
            "end"
        };
        // Long titles wrap onto two lines, so that labels at the sides fit the width.
        let mut lines = wrap_label(&d.title, 18);
        lines.push(d.score.map_or_else(|| "not assessed".to_string(), one));
        let height = 15.0 * lines.len() as f64;
        let top = if ly < cy - 1.0 {
            ly - height + 10.0
        } else if ly > cy + 1.0 {
            ly + 12.0
        } else {
            ly - height / 2.0 + 12.0
        };
        let _ = write!(svg, "<text class=\"label\" text-anchor=\"{anchor}\">");
        let last = lines.len() - 1;
        for (k, line) in lines.iter().enumerate() {
            let class = if k == last { " class=\"value\"" } else { "" };
            let _ = write!(
                svg,
                "<tspan{class} x=\"{lx:.1}\" y=\"{:.1}\">{}</tspan>",
                top + 15.0 * k as f64,
                esc(line)
            );
        }
        svg.push_str("</text>");
    }
    let points: Vec<String> = dims
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.score.map(|s| at(i, s)))
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect();
    if !points.is_empty() {
        let _ = write!(svg, "<polygon class=\"area\" points=\"{}\"/>", points.join(" "));
        for p in &points {
            let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(svg, "<circle class=\"point\" cx=\"{x}\" cy=\"{y}\" r=\"3.5\"/>");
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// `text` in lines of at most `width` characters where it has spaces, at most two lines.
fn wrap_label(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let fits = line.chars().count() + 1 + word.chars().count() <= width;
        if !line.is_empty() && !fits && lines.is_empty() {
            lines.push(std::mem::take(&mut line));
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn html(view: &View<'_>) -> String {
    let r = view.report;
    let q = view.questionnaire;
    let (scored, asked) = view.counts();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta name=\"generator\" content=\"opsbook {}\">\n\
         <title>{} · {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&q.title),
        esc(&view.subtitle())
    );
    let _ = write!(
        out,
        "<main data-report data-overall=\"{}\" data-tier=\"{}\">\n<header>\n\
         <p class=\"kicker\">{}</p>\n<h1>{}</h1>\n\
         <p class=\"meta\"><time datetime=\"{}\">{}</time> · {scored} of {asked} questions answered ({}%)</p>\n</header>\n",
        r.overall,
        esc(&r.tier.id),
        esc(&q.title),
        esc(view.label.unwrap_or("Readiness report")),
        esc(&r.date),
        esc(&r.date),
        percent(scored, asked)
    );

    out.push_str(&sections(view));
    let _ = write!(
        out,
        "<footer>Questionnaire <code>{}</code>, scored by opsbook {}.</footer>\n</main>\n</body>\n</html>\n",
        esc(&r.questionnaire),
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// The report's sections (result, caps, dimensions, recommendations, unanswered questions)
/// as HTML without a page around them: the standalone report and the site's response pages
/// both show them.
pub(crate) fn sections(view: &View<'_>) -> String {
    let r = view.report;
    let q = view.questionnaire;
    let mut out = String::new();
    let _ = write!(
        out,
        "<section class=\"summary\" aria-label=\"Result\">\n\
         <div class=\"overall\"><span class=\"value\">{}</span><span class=\"of\">out of 100</span></div>\n\
         <div class=\"tier\"><p class=\"kicker\">Tier</p><p class=\"tier-name\">{}</p>\n",
        one(r.overall),
        esc(&r.tier.title)
    );
    if view.capped() {
        let _ = writeln!(
            out,
            "<p class=\"capped\">Capped: the score alone reaches {}.</p>",
            esc(&r.uncapped_tier.title)
        );
    }
    if let Some(tier) = view.tier(&r.tier.id) {
        out.push_str(&markdown_html(&tier.summary));
    }
    out.push_str("</div>\n</section>\n");

    if !r.caps.is_empty() {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>\n<ul>", view.caps_heading());
        for cap in &r.caps {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> Answered “{}”, which caps the tier at {}.</li>",
                esc(view.question_text(&cap.question)),
                esc(view.option_label(&cap.question, &cap.option)),
                esc(view.tier_title(&cap.tier))
            );
        }
        out.push_str("</ul>\n</section>\n");
    }

    out.push_str("<section>\n<h2>Dimensions</h2>\n");
    if let Some(svg) = radar(&r.dimensions) {
        out.push_str(&svg);
    }
    out.push_str(&chart(view));
    let lines: Vec<String> = q
        .tiers
        .iter()
        .filter(|t| t.min > 0.0)
        .map(|t| format!("{} from {}", esc(&t.title), t.min))
        .collect();
    if !lines.is_empty() {
        let _ = writeln!(
            out,
            "\n<p class=\"note\">Dashed lines mark where the tiers start: {}.</p>",
            lines.join(", ")
        );
    }
    out.push_str(
        "<table>\n<thead><tr><th>Dimension</th><th>Weight</th><th>Score</th><th>Answered</th></tr></thead>\n<tbody>\n",
    );
    for d in &r.dimensions {
        let score = d.score.map_or_else(|| "not assessed".to_string(), one);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{score}</td><td>{} of {}</td></tr>",
            esc(&d.title),
            d.weight,
            d.answered,
            d.questions
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    out.push_str("<section>\n<h2>Recommendations</h2>\n");
    if r.recommendations.is_empty() {
        out.push_str("<p>None: every scored question is at 100.</p>\n");
    } else {
        out.push_str("<ol class=\"recommendations\">\n");
    }
    for rec in &r.recommendations {
        let _ = writeln!(
            out,
            "<li data-question=\"{}\">\n<h3>{}</h3>\n<p class=\"facts\">{}</p>",
            esc(&rec.question),
            esc(view.question_text(&rec.question)),
            view.facts(rec, esc)
        );
        if let Some(advice) = &rec.advice {
            out.push_str(&markdown_html(advice));
        }
        if !rec.learn.is_empty() {
            let links: Vec<String> = rec
                .learn
                .iter()
                .map(|l| format!("<a href=\"{}\">{}</a>", href(&view.url(l)), esc(&l.title)))
                .collect();
            let _ = writeln!(out, "<p class=\"learn\">Read: {}</p>", links.join(" · "));
        }
        out.push_str("</li>\n");
    }
    if !r.recommendations.is_empty() {
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");

    let evidence = view.shown_evidence();
    if !evidence.is_empty() {
        out.push_str("<section class=\"evidence\">\n<h2>What the handbook shows</h2>\n<ul class=\"evidence-list\">\n");
        for e in &evidence {
            let class = if e.result.contradiction { " class=\"contradiction\"" } else { "" };
            let _ = writeln!(
                out,
                "<li data-question=\"{}\" data-evidence=\"{}\"{class}>\n<h3>{}</h3>\n<p class=\"answer{}\">{}</p>\n<p class=\"shows\">{}</p>",
                esc(&e.question.id),
                e.result.value.unwrap_or(0.0),
                esc(&e.question.text),
                if e.result.prefilled { " prefilled" } else { "" },
                esc(&view.evidence_answer(e.result)),
                esc(&e.line)
            );
            if let Some(c) = view.contradiction(e.result, e.question) {
                let _ = writeln!(out, "<p class=\"mismatch\"><strong>{}</strong></p>", esc(&c));
            }
            if !e.pages.is_empty() {
                let _ = writeln!(
                    out,
                    "<details><summary>The {} matched process{}</summary>\n<ul class=\"evidence-pages\">",
                    e.pages.len() + e.more,
                    if e.pages.len() + e.more == 1 { "" } else { "es" }
                );
                for (f, meets) in &e.pages {
                    let mark = if *meets || e.result.measure == Measure::Documented {
                        ""
                    } else {
                        " <span class=\"short\">(short of it)</span>"
                    };
                    let _ = writeln!(
                        out,
                        "<li><a href=\"{}\">{}</a>{mark}</li>",
                        href(&format!("{}{}", view.origin.unwrap_or(""), f.url)),
                        esc(&f.title)
                    );
                }
                if e.more > 0 {
                    let _ = writeln!(out, "<li>and {} more</li>", e.more);
                }
                out.push_str("</ul>\n</details>\n");
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n</section>\n");
    }

    if !r.unanswered.is_empty() {
        out.push_str("<section>\n<h2>Unanswered questions</h2>\n<ul>\n");
        for id in &r.unanswered {
            let _ = writeln!(out, "<li>{}</li>", esc(view.question_text(id)));
        }
        out.push_str("</ul>\n</section>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a Markdown viewer would make of the text: the HTML it renders.
    fn rendered(text: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(text, markdown::options()));
        html
    }

    #[test]
    fn markdown_reports_carry_no_live_html_and_no_script_links() {
        let hostile = "Fix it.\n\n<script>alert(1)</script>\n\n<iframe src=javascript:alert(1)></iframe>\n\nSee [the SOP](javascript:alert(1)), <javascript:alert(2)> and ![x](data:text/html,x).";
        let safe = safe_markdown(hostile);
        let html = rendered(&safe);
        for live in ["<script", "<iframe", "href=\"javascript", "src=\"data:text"] {
            assert!(!html.contains(live), "{live} survived:\n{safe}\n{html}");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("See the SOP"), "{html}");
    }

    #[test]
    fn radar_labels_wrap_onto_at_most_two_lines() {
        assert_eq!(wrap_label("Capacity buffer", 18), vec!["Capacity buffer"]);
        assert_eq!(
            wrap_label("Ownership and knowledge spread", 18),
            vec!["Ownership and", "knowledge spread"]
        );
        assert_eq!(
            wrap_label("A very long title that goes on", 10),
            vec!["A very", "long title that goes on"]
        );
        assert_eq!(wrap_label("", 18), vec![""]);
    }

    #[test]
    fn markdown_without_html_passes_unchanged() {
        let text = "Write the **steps** down: [pick and pack](https://example.com/pick) and `a < b`.\n\n- one\n- two";
        assert_eq!(safe_markdown(text), text);
    }
}
