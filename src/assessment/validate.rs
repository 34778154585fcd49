//! Reading a questionnaire file and validating it into a [`Questionnaire`], reporting every
//! problem of the file in one run at its `file:line:col`.
//!
//! Two passes over plain data. `read` turns the spanned TOML document into the raw types,
//! reporting syntax errors, unknown keys (with "did you mean"), wrong types and missing keys;
//! fields are read one by one rather than with `derive(Deserialize)`, because serde stops at
//! the first wrong type and this stage must report them all. `check` then validates meaning:
//! unique ids, references between tiers, dimensions, questions and options, weights, scores,
//! scale and band order, `show_if` rules and `learn` links. This module reads no files and
//! knows nothing of the site: `learn` links are resolved through the [`Resolve`] the caller
//! passes in.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::schema::*;
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::toml_input::{self, Reader, TomlSource};

/// Resolves a `learn` entry (a content path or a `[[wikilink]]`) to a page. A diagnostic it
/// returns gets the entry's span.
pub(crate) type Resolve<'r> = dyn Fn(&str) -> Result<LearnLink, Diagnostic> + 'r;

const TOP_KEYS: &[&str] = &["id", "title", "intro", "tiers", "dimensions", "questions"];
const TIER_KEYS: &[&str] = &["id", "title", "min", "summary"];
const DIMENSION_KEYS: &[&str] = &["id", "title", "weight", "description", "learn"];
const QUESTION_KEYS: &[&str] = &[
    "id",
    "dimension",
    "weight",
    "kind",
    "text",
    "help",
    "advice",
    "learn",
    "show_if",
    "options",
    "min",
    "max",
    "labels",
    "unit",
    "bands",
    "evidence",
];
const EVIDENCE_KEYS: &[&str] = &["pages", "measure", "expected", "prefill", "tolerance"];
/// How far (in points) an answer may be from the evidence before they disagree, by default.
pub(crate) const DEFAULT_TOLERANCE: f64 = 30.0;
const SHOW_IF_KEYS: &[&str] = &["question", "equals", "includes"];
const OPTION_KEYS: &[&str] = &["id", "label", "score", "cap", "advice"];
const BAND_KEYS: &[&str] = &["max", "score"];
const KINDS: &[&str] = &["choice", "multi", "scale", "number"];
/// Keys only some kinds of question take.
const KIND_KEYS: &[(&str, &[&str])] = &[
    ("options", &["choice", "multi"]),
    ("min", &["scale"]),
    ("max", &["scale"]),
    ("labels", &["scale"]),
    ("unit", &["number"]),
    ("bands", &["number"]),
];

/// Validates the questionnaire `text` read from `path`. `None` when it has any error.
pub fn questionnaire(
    path: &Path,
    text: &str,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Option<Questionnaire> {
    let source = TomlSource::whole_file(path, text);
    let before = diags.error_count();
    let document = toml_input::parse(&source, text, diags)?;
    let mut reader = Reader { source, diags };
    let raw = read(&mut reader, document.get_ref());
    let questionnaire = check(&mut reader, &raw, resolve);
    (diags.error_count() == before).then_some(questionnaire)
}

// ---- Pass 1: read -------------------------------------------------------------------------

fn read(r: &mut Reader<'_, '_>, top: &DeTable<'_>) -> RawQuestionnaire {
    r.reject(top, TOP_KEYS, "the questionnaire");
    let start = 0..0;
    let mut raw = RawQuestionnaire {
        id: r.required_string(top, "id", &start, "the questionnaire"),
        title: r.required_string(top, "title", &start, "the questionnaire"),
        intro: r.string(top, "intro"),
        ..RawQuestionnaire::default()
    };
    for key in ["tiers", "dimensions", "questions"] {
        let header = format!("[[{key}]]");
        let required = Some((&start, "the questionnaire"));
        let Some(entries) = r.tables(top, key, &header, required) else { continue };
        for (at, t) in entries.into_inner() {
            match key {
                "tiers" => raw.tiers.push(read_tier(r, at, t)),
                "dimensions" => raw.dimensions.push(read_dimension(r, at, t)),
                _ => raw.questions.push(read_question(r, at, t)),
            }
        }
    }
    raw
}

/// "tier `small`", or "this tier" when it has no id.
fn owner(noun: &str, table: &DeTable<'_>) -> String {
    match toml_input::get(table, "id").and_then(|v| v.get_ref().as_str()) {
        Some(id) => format!("{noun} `{id}`"),
        None => format!("this {noun}"),
    }
}

fn read_tier(r: &mut Reader<'_, '_>, at: Range<usize>, t: &DeTable<'_>) -> RawTier {
    r.reject(t, TIER_KEYS, "[[tiers]]");
    let owner = owner("tier", t);
    RawTier {
        id: r.required_string(t, "id", &at, &owner),
        title: r.required_string(t, "title", &at, &owner),
        min: r.required_number(t, "min", &at, &owner),
        summary: r.string(t, "summary"),
    }
}

fn read_dimension(r: &mut Reader<'_, '_>, at: Range<usize>, t: &DeTable<'_>) -> RawDimension {
    r.reject(t, DIMENSION_KEYS, "[[dimensions]]");
    let owner = owner("dimension", t);
    RawDimension {
        id: r.required_string(t, "id", &at, &owner),
        title: r.required_string(t, "title", &at, &owner),
        weight: r.number(t, "weight"),
        description: r.string(t, "description"),
        learn: r.strings(t, "learn"),
    }
}

fn read_question(r: &mut Reader<'_, '_>, at: Range<usize>, t: &DeTable<'_>) -> RawQuestion {
    r.reject(t, QUESTION_KEYS, "[[questions]]");
    let owner = owner("question", t);
    let kind = r.required_string(t, "kind", &at, &owner);
    // A known kind decides which kind-specific keys are required or out of place; with an
    // unknown kind (reported by `check`) whatever is there is read as written.
    let known = kind.as_ref().map(|k| k.get_ref().as_str()).filter(|k| KINDS.contains(k));
    let mut wants = |key: &str| -> bool {
        let kinds = KIND_KEYS.iter().find(|(k, _)| *k == key).map_or(&[][..], |(_, ks)| ks);
        match known {
            None => true,
            Some(kind) if kinds.contains(&kind) => true,
            Some(kind) => {
                if let Some(value) = toml_input::get(t, key) {
                    let for_kinds = kinds.join(" and ");
                    r.push(r.at(
                        value.span(),
                        format!("`{key}` is for {for_kinds} questions, and this one is a {kind} question"),
                    ));
                }
                false
            }
        }
    };
    let (want_options, want_min, want_max, want_labels, want_unit, want_bands) = (
        wants("options"),
        wants("min"),
        wants("max"),
        wants("labels"),
        wants("unit"),
        wants("bands"),
    );
    let required = known.is_some();
    let mut question = RawQuestion {
        id: r.required_string(t, "id", &at, &owner),
        dimension: r.required_string(t, "dimension", &at, &owner),
        weight: r.number(t, "weight"),
        text: r.required_string(t, "text", &at, &owner),
        help: r.string(t, "help"),
        advice: r.string(t, "advice"),
        learn: r.strings(t, "learn"),
        show_if: None,
        options: None,
        min: None,
        max: None,
        labels: None,
        unit: None,
        bands: None,
        evidence: None,
        kind,
        at: at.clone(),
    };
    if let Some((evidence_at, e)) =
        r.table(t, "evidence", "{ pages = [\"fulfillment/**\"], measure = \"owned\" }")
    {
        r.reject(e, EVIDENCE_KEYS, "[questions.evidence]");
        question.evidence = Some(RawEvidence {
            pages: r.strings(e, "pages"),
            pages_at: toml_input::get(e, "pages").map(|v| v.span()),
            measure: r.required_string(e, "measure", &evidence_at, "[questions.evidence]"),
            expected: r.integer(e, "expected", None),
            prefill: r.boolean(e, "prefill"),
            tolerance: r.number(e, "tolerance"),
            at: evidence_at,
        });
    }
    if let Some((show_at, s)) = r.table(t, "show_if", "{ question = \"id\", equals = \"option\" }")
    {
        r.reject(s, SHOW_IF_KEYS, "show_if");
        question.show_if = Some(RawShowIf {
            question: r.required_string(s, "question", &show_at, "show_if"),
            equals: r.string(s, "equals"),
            includes: r.string(s, "includes"),
            at: show_at,
        });
    }
    if want_options {
        let need = required.then_some((&at, owner.as_str()));
        question.options = r.tables(t, "options", "[[questions.options]]", need).map(|list| {
            let span = list.span();
            let options = list.into_inner().into_iter().map(|(at, o)| read_option(r, at, o));
            Spanned::new(span, options.collect())
        });
    }
    if want_min && want_max {
        let need = required.then(|| format!("{owner} (a scale)"));
        question.min = r.integer(t, "min", need.as_deref().map(|o| (&at, o)));
        question.max = r.integer(t, "max", need.as_deref().map(|o| (&at, o)));
    }
    if want_labels && let Some((labels_at, l)) = r.table(t, "labels", "{ \"1\" = \"Never\" }") {
        let mut labels = Vec::new();
        for (key, value) in l.iter() {
            match value.get_ref() {
                DeValue::String(s) => labels.push(RawLabel {
                    value: Spanned::new(key.span(), key.get_ref().to_string()),
                    text: s.to_string(),
                }),
                _ => r.wrong_type("labels", value, "a map of strings"),
            }
        }
        question.labels = Some(Spanned::new(labels_at, labels));
    }
    if want_unit {
        question.unit = r.string(t, "unit");
    }
    if want_bands {
        let need = required.then_some((&at, owner.as_str()));
        question.bands = r.tables(t, "bands", "[[questions.bands]]", need).map(|list| {
            let span = list.span();
            let bands = list.into_inner().into_iter().map(|(at, b)| {
                r.reject(b, BAND_KEYS, "[[questions.bands]]");
                RawBand {
                    max: r.number(b, "max"),
                    score: r.required_number(b, "score", &at, "this band"),
                    at,
                }
            });
            Spanned::new(span, bands.collect())
        });
    }
    question
}

fn read_option(r: &mut Reader<'_, '_>, at: Range<usize>, o: &DeTable<'_>) -> RawOption {
    r.reject(o, OPTION_KEYS, "[[questions.options]]");
    let owner = owner("option", o);
    RawOption {
        id: r.required_string(o, "id", &at, &owner),
        label: r.required_string(o, "label", &at, &owner),
        score: r.required_number(o, "score", &at, &owner),
        cap: r.string(o, "cap"),
        advice: r.string(o, "advice"),
    }
}

// ---- Pass 2: check ------------------------------------------------------------------------

/// Ids appear in answers files as bare TOML keys and in HTML attributes.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Checks the ids of one list: format and uniqueness. Returns id -> first index.
fn unique_ids<'q>(
    r: &mut Reader<'_, '_>,
    ids: impl Iterator<Item = Option<&'q Spanned<String>>>,
    noun: &str,
) -> HashMap<&'q str, usize> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut first_at: HashMap<&str, usize> = HashMap::new();
    for (index, id) in ids.enumerate() {
        let Some(id) = id else { continue };
        let name = id.get_ref().as_str();
        if !valid_id(name) {
            r.push(
                r.at(id.span(), format!("`{name}` is not a valid {noun} id"))
                    .with_help("use letters, digits, `-` and `_`: ids are keys in answers files"),
            );
        }
        match first_at.get(name) {
            Some(&offset) => {
                let line = r.line(offset);
                r.push(
                    r.at(id.span(), format!("duplicate {noun} id `{name}`"))
                        .with_help(format!("the first {noun} with this id is on line {line}")),
                );
            }
            None => {
                first_at.insert(name, id.span().start);
                seen.insert(name, index);
            }
        }
    }
    seen
}

/// Reports a name that is not among `known` (id -> index), with the nearest ones as help.
fn unknown(
    r: &mut Reader<'_, '_>,
    name: &Spanned<String>,
    message: String,
    known: &HashMap<&str, usize>,
    noun: &str,
) {
    let mut names: Vec<&str> = known.keys().copied().collect();
    names.sort_by_key(|n| known[n]);
    let diag = r.at(name.span(), message);
    let diag = match suggest(name.get_ref(), names.iter().copied()).first() {
        Some(near) => diag.with_help(format!("did you mean `{near}`?")),
        None if names.is_empty() => diag,
        None => diag.with_help(format!("the {noun}s are: {}", names.join(", "))),
    };
    r.push(diag);
}

fn text(field: &Option<Spanned<String>>) -> String {
    field.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default()
}

fn optional_text(field: &Option<Spanned<String>>) -> Option<String> {
    field.as_ref().map(|s| s.get_ref().clone()).filter(|s| !s.trim().is_empty())
}

fn weight(r: &mut Reader<'_, '_>, field: &Option<Spanned<f64>>) -> f64 {
    match field {
        None => 1.0,
        Some(w) => {
            let value = *w.get_ref();
            if value <= 0.0 {
                r.push(
                    r.at(w.span(), format!("`weight` must be greater than 0, found {value}"))
                        .with_help("leave `weight` out for the default of 1"),
                );
            }
            value
        }
    }
}

fn score(r: &mut Reader<'_, '_>, field: &Option<Spanned<f64>>) -> f64 {
    let Some(s) = field else { return 0.0 };
    let value = *s.get_ref();
    if !(0.0..=100.0).contains(&value) {
        r.push(r.at(s.span(), format!("`score` must be between 0 and 100, found {value}")));
    }
    value
}

fn learn(
    r: &mut Reader<'_, '_>,
    entries: &[Spanned<String>],
    resolve: &Resolve<'_>,
) -> Vec<LearnLink> {
    let mut links = Vec::with_capacity(entries.len());
    for entry in entries {
        match resolve(entry.get_ref()) {
            Ok(link) => links.push(link),
            Err(mut diag) => {
                diag.span = Some(Box::new(r.source.span(entry.span())));
                r.push(diag);
            }
        }
    }
    links
}

fn check(r: &mut Reader<'_, '_>, raw: &RawQuestionnaire, resolve: &Resolve<'_>) -> Questionnaire {
    let tier_ids = unique_ids(r, raw.tiers.iter().map(|t| t.id.as_ref()), "tier");
    let dimension_ids = unique_ids(r, raw.dimensions.iter().map(|d| d.id.as_ref()), "dimension");
    let question_ids = unique_ids(r, raw.questions.iter().map(|q| q.id.as_ref()), "question");

    let tiers = check_tiers(r, raw);
    let dimensions: Vec<Dimension> = raw
        .dimensions
        .iter()
        .map(|d| Dimension {
            id: text(&d.id),
            title: text(&d.title),
            weight: weight(r, &d.weight),
            description: text(&d.description),
            learn: learn(r, &d.learn, resolve),
        })
        .collect();
    let mut asked = vec![false; raw.dimensions.len()];
    let mut questions = Vec::with_capacity(raw.questions.len());
    for (index, q) in raw.questions.iter().enumerate() {
        let dimension = match &q.dimension {
            Some(d) => match dimension_ids.get(d.get_ref().as_str()) {
                Some(&i) => {
                    asked[i] = true;
                    i
                }
                None => {
                    let message = format!("unknown dimension `{}`", d.get_ref());
                    unknown(r, d, message, &dimension_ids, "dimension");
                    0
                }
            },
            None => 0,
        };
        let kind = check_kind(r, q, &tier_ids);
        let show_if =
            q.show_if.as_ref().and_then(|s| check_show_if(r, raw, index, s, &question_ids));
        let evidence = q.evidence.as_ref().and_then(|e| check_evidence(r, e, &kind));
        questions.push(Question {
            id: text(&q.id),
            dimension,
            weight: weight(r, &q.weight),
            text: text(&q.text),
            help: optional_text(&q.help),
            advice: optional_text(&q.advice),
            learn: learn(r, &q.learn, resolve),
            show_if,
            evidence,
            kind,
        });
    }
    for (i, (d, was_asked)) in raw.dimensions.iter().zip(&asked).enumerate() {
        // A duplicate or an entry without an id is reported already; its questions (if
        // any) went to the first entry with the id.
        let Some(id) = &d.id else { continue };
        let name = id.get_ref().as_str();
        if !was_asked && dimension_ids.get(name) == Some(&i) {
            r.push(r.at(id.span(), format!("dimension `{name}` has no questions")).with_help(
                format!("add a question with dimension = \"{name}\", or remove the dimension"),
            ));
        }
    }
    Questionnaire {
        id: text(&raw.id),
        title: text(&raw.title),
        intro: text(&raw.intro),
        tiers,
        dimensions,
        questions,
    }
}

/// `[questions.evidence]`: a known measure, `expected` (>= 1) with `documented` and only
/// there, valid globs, a tolerance in [0, 100], and `prefill` only where an answer can be
/// chosen from a score (choice and scale questions). `None` when anything is wrong.
fn check_evidence(r: &mut Reader<'_, '_>, e: &RawEvidence, kind: &Kind) -> Option<Evidence> {
    let before = r.diags.error_count();
    let measure = e.measure.as_ref().and_then(|m| {
        let found = Measure::parse(m.get_ref());
        if found.is_none() {
            let ids: Vec<&str> = Measure::ALL.iter().map(|m| m.id()).collect();
            let diag = r.at(m.span(), format!("unknown evidence measure `{}`", m.get_ref()));
            r.push(match suggest(m.get_ref(), ids.iter().copied()).first() {
                Some(near) => diag.with_help(format!("did you mean `{near}`?")),
                None => diag.with_help(format!("the measures are {}", ids.join(", "))),
            });
        }
        found
    });
    if e.pages.is_empty() {
        let at = e.pages_at.clone().unwrap_or_else(|| e.at.clone());
        r.push(
            r.at(at, "evidence needs the pages it looks at").with_help(
                "add pages = [\"fulfillment/**\"]: globs over paths in the content folder",
            ),
        );
    }
    for glob in &e.pages {
        if let Err(err) = crate::config::content_glob(glob.get_ref()) {
            r.push(
                r.at(
                    glob.span(),
                    format!("`{}` is not a valid glob: {}", glob.get_ref(), err.kind()),
                )
                .with_help(
                    "`*` matches within one folder, `**` any number of folders: \"inventory/**\"",
                ),
            );
        }
    }
    let expected = match (measure, &e.expected) {
        (Some(Measure::Documented), Some(n))
            if *n.get_ref() >= 1 && *n.get_ref() <= u32::MAX as i64 =>
        {
            Some(*n.get_ref() as u32)
        }
        (Some(Measure::Documented), Some(n)) => {
            r.push(
                r.at(n.span(), format!("`expected` must be 1 or more, found {}", n.get_ref()))
                    .with_help("how many such processes the operation has, documented or not"),
            );
            None
        }
        (Some(Measure::Documented), None) => {
            r.push(r.at(e.at.clone(), "the documented measure needs `expected`").with_help(
                "add expected = 12: how many such processes the operation has, documented or not",
            ));
            None
        }
        (Some(other), Some(n)) => {
            r.push(
                r.at(
                    n.span(),
                    format!(
                        "`expected` is for the documented measure only, and this one is `{}`",
                        other.id()
                    ),
                )
                .with_help(
                    "remove `expected`: the other measures count among the matched processes",
                ),
            );
            None
        }
        _ => None,
    };
    let tolerance = match &e.tolerance {
        Some(t) if (0.0..=100.0).contains(t.get_ref()) => *t.get_ref(),
        Some(t) => {
            r.push(r.at(
                t.span(),
                format!("`tolerance` must be between 0 and 100 points, found {}", t.get_ref()),
            ));
            DEFAULT_TOLERANCE
        }
        None => DEFAULT_TOLERANCE,
    };
    let prefill = e.prefill.as_ref().is_some_and(|p| *p.get_ref());
    if prefill && !matches!(kind, Kind::Choice { .. } | Kind::Scale { .. }) {
        let at = e.prefill.as_ref().map_or(e.at.clone(), |p| p.span());
        r.push(
            r.at(
                at,
                format!(
                    "`prefill` answers choice and scale questions, and this one is a {} question",
                    kind.name()
                ),
            )
            .with_help("remove `prefill`; the report still shows the evidence beside the answer"),
        );
    }
    if r.diags.error_count() > before {
        return None;
    }
    Some(Evidence {
        pages: e.pages.iter().map(|p| p.get_ref().clone()).collect(),
        measure: measure?,
        expected,
        prefill,
        tolerance,
        spans: e.pages.iter().map(|p| p.span()).collect(),
    })
}

fn check_tiers(r: &mut Reader<'_, '_>, raw: &RawQuestionnaire) -> Vec<Tier> {
    let mut previous: Option<f64> = None;
    let mut tiers = Vec::with_capacity(raw.tiers.len());
    for (i, t) in raw.tiers.iter().enumerate() {
        let min = t.min.as_ref().map_or(0.0, |m| *m.get_ref());
        if let Some(m) = &t.min {
            if i == 0 && min != 0.0 {
                r.push(
                    r.at(m.span(), format!("the first tier must have `min = 0`, found {min}"))
                        .with_help("scores start at 0, so the first tier must catch the lowest"),
                );
            } else if !(0.0..=100.0).contains(&min) {
                r.push(r.at(m.span(), format!("`min` must be between 0 and 100, found {min}")));
            } else if let Some(p) = previous.filter(|&p| min <= p) {
                r.push(
                    r.at(
                        m.span(),
                        format!(
                            "tiers must ascend: `min = {min}` is not above the previous tier's {p}"
                        ),
                    )
                    .with_help("list tiers from the lowest `min` to the highest"),
                );
            }
            previous = Some(min);
        }
        tiers.push(Tier { id: text(&t.id), title: text(&t.title), min, summary: text(&t.summary) });
    }
    tiers
}

fn check_kind(r: &mut Reader<'_, '_>, q: &RawQuestion, tier_ids: &HashMap<&str, usize>) -> Kind {
    let Some(kind) = &q.kind else { return Kind::Choice { options: Vec::new() } };
    match kind.get_ref().as_str() {
        "choice" => Kind::Choice { options: check_options(r, q, tier_ids) },
        "multi" => Kind::Multi { options: check_options(r, q, tier_ids) },
        "scale" => {
            let min = q.min.as_ref().map_or(0, |m| *m.get_ref());
            let max = q.max.as_ref().map_or(1, |m| *m.get_ref());
            if let (Some(min_at), Some(_)) = (&q.min, &q.max)
                && min >= max
            {
                r.push(r.at(min_at.span(), format!("`min` ({min}) must be below `max` ({max})")));
            }
            let mut labels = BTreeMap::new();
            for RawLabel { value: key, text: label } in q.labels.iter().flat_map(|l| l.get_ref()) {
                match key.get_ref().trim().parse::<i64>() {
                    Ok(v) if (min..=max).contains(&v) => {
                        labels.insert(v, label.clone());
                    }
                    Ok(v) => r.push(r.at(
                        key.span(),
                        format!("the label `{v}` is outside the scale, which runs from {min} to {max}"),
                    )),
                    Err(_) => r.push(
                        r.at(key.span(), format!("the label key `{}` is not a whole number", key.get_ref()))
                            .with_help("labels name scale values: labels = { \"1\" = \"Never\", \"5\" = \"Always\" }"),
                    ),
                }
            }
            Kind::Scale { min, max, labels }
        }
        "number" => Kind::Number { unit: optional_text(&q.unit), bands: check_bands(r, q) },
        other => {
            let diag = r.at(kind.span(), format!("unknown question kind `{other}`"));
            let diag = match suggest(other, KINDS.iter().copied()).first() {
                Some(near) => diag.with_help(format!("did you mean `{near}`?")),
                None => diag.with_help("expected one of: choice, multi, scale, number"),
            };
            r.push(diag);
            Kind::Choice { options: Vec::new() }
        }
    }
}

fn check_options(
    r: &mut Reader<'_, '_>,
    q: &RawQuestion,
    tier_ids: &HashMap<&str, usize>,
) -> Vec<AnswerOption> {
    let Some(options) = &q.options else { return Vec::new() };
    let options = options.get_ref();
    unique_ids(r, options.iter().map(|o| o.id.as_ref()), "option");
    options
        .iter()
        .map(|o| {
            let cap = o.cap.as_ref().and_then(|cap| match tier_ids.get(cap.get_ref().as_str()) {
                Some(&tier) => Some(tier),
                None => {
                    let message = format!("`cap` names an unknown tier `{}`", cap.get_ref());
                    unknown(r, cap, message, tier_ids, "tier");
                    None
                }
            });
            AnswerOption {
                id: text(&o.id),
                label: text(&o.label),
                score: score(r, &o.score),
                cap,
                advice: optional_text(&o.advice),
            }
        })
        .collect()
}

fn check_bands(r: &mut Reader<'_, '_>, q: &RawQuestion) -> Vec<Band> {
    let Some(bands) = &q.bands else { return Vec::new() };
    let bands = bands.get_ref();
    let last = bands.len().saturating_sub(1);
    let mut previous: Option<f64> = None;
    let mut out = Vec::with_capacity(bands.len());
    for (i, b) in bands.iter().enumerate() {
        let max = b.max.as_ref().map(|m| *m.get_ref());
        match (&b.max, i == last) {
            (None, false) => {
                r.push(r.at(b.at.clone(), "every band but the last needs a `max`").with_help(
                    "a band scores the values up to its `max`; only the last catches the rest",
                ))
            }
            (Some(m), true) => {
                r.push(r.at(m.span(), "the last band must not have a `max`").with_help(
                    "the last band catches every value above the others; remove its `max`",
                ))
            }
            (Some(m), false) => {
                let value = *m.get_ref();
                if let Some(p) = previous.filter(|&p| value <= p) {
                    r.push(
                        r.at(m.span(), format!("bands must ascend: `max = {value}` is not above the previous band's {p}"))
                            .with_help("list bands from the lowest `max` to the highest"),
                    );
                }
                previous = Some(value);
            }
            (None, true) => {}
        }
        out.push(Band { max, score: score(r, &b.score) });
    }
    out
}

fn check_show_if(
    r: &mut Reader<'_, '_>,
    raw: &RawQuestionnaire,
    index: usize,
    s: &RawShowIf,
    question_ids: &HashMap<&str, usize>,
) -> Option<ShowIf> {
    let named = s.question.as_ref()?;
    let name = named.get_ref().as_str();
    let Some(&target) = question_ids.get(name) else {
        let message = format!("show_if names an unknown question `{name}`");
        unknown(r, named, message, question_ids, "question");
        return None;
    };
    if target >= index {
        let message = if target == index {
            format!("show_if names the question itself (`{name}`)")
        } else {
            let line = r.line(raw.questions[target].at.start);
            format!("show_if must name an earlier question; `{name}` comes later, on line {line}")
        };
        r.push(r.at(named.span(), message).with_help(
            "a question can only depend on one asked before it; move it below the question it names",
        ));
        return None;
    }
    let target_q = &raw.questions[target];
    let kind = target_q.kind.as_ref().map(|k| k.get_ref().as_str()).unwrap_or("");
    let (wanted, wrong) = match kind {
        "choice" => ("equals", "includes"),
        "multi" => ("includes", "equals"),
        "scale" | "number" => {
            r.push(
                r.at(named.span(), format!("show_if must name a choice or multi question; `{name}` is a {kind} question"))
                    .with_help("conditions compare the option chosen in an earlier question"),
            );
            return None;
        }
        // The named question's own kind is broken, and reported there.
        _ => return None,
    };
    let (given, misused) = match kind {
        "choice" => (&s.equals, &s.includes),
        _ => (&s.includes, &s.equals),
    };
    if let Some(m) = misused {
        r.push(
            r.at(m.span(), format!("`{name}` is a {kind} question: use `{wanted}`, not `{wrong}`")),
        );
        return None;
    }
    let Some(option) = given else {
        r.push(r.at(s.at.clone(), format!("show_if needs `{wanted} = \"option id\"`")).with_help(
            "`equals` names the option of a choice question, `includes` an option of a multi question",
        ));
        return None;
    };
    let options = target_q.options.as_ref().map(|o| o.get_ref().as_slice()).unwrap_or(&[]);
    let ids: Vec<&str> =
        options.iter().filter_map(|o| o.id.as_ref().map(|id| id.get_ref().as_str())).collect();
    match ids.iter().position(|id| *id == option.get_ref()) {
        Some(position) => Some(ShowIf { question: target, option: position }),
        None => {
            r.push(
                r.at(option.span(), format!("`{}` is not an option of `{name}`", option.get_ref()))
                    .with_help(format!("expected one of: {}", ids.join(", "))),
            );
            None
        }
    }
}
