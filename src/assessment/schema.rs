//! The readiness assessment as data: the raw shapes read from the questionnaire file, and
//! the validated questionnaire, answers and report that every later stage uses.
//!
//! Raw types mirror the TOML with every field optional and spanned, so that validation can
//! point at the line of each problem; they never leave this module's siblings. Validated
//! types are plain data: references (a question's dimension, an option's cap, a `show_if`)
//! are indices into the questionnaire's lists, resolved once by validation so that scoring
//! never looks a name up. They derive `Serialize` because the browser questionnaire embeds
//! them as JSON and must reproduce the Rust scores from them. [`Report`] serializes to
//! exactly the keys DESIGN.md section 8 makes normative. No logic lives here.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;
use toml::Spanned;

// ---- Raw: the file as written -------------------------------------------------------------

/// A questionnaire file as written. `at` fields hold the span of an entry's `[[header]]`.
#[derive(Debug, Default)]
pub(crate) struct RawQuestionnaire {
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub intro: Option<Spanned<String>>,
    pub tiers: Vec<RawTier>,
    pub dimensions: Vec<RawDimension>,
    pub questions: Vec<RawQuestion>,
}

#[derive(Debug)]
pub(crate) struct RawTier {
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub min: Option<Spanned<f64>>,
    pub summary: Option<Spanned<String>>,
}

#[derive(Debug)]
pub(crate) struct RawDimension {
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub weight: Option<Spanned<f64>>,
    pub description: Option<Spanned<String>>,
    pub learn: Vec<Spanned<String>>,
}

#[derive(Debug)]
pub(crate) struct RawQuestion {
    pub at: Range<usize>,
    pub id: Option<Spanned<String>>,
    pub dimension: Option<Spanned<String>>,
    pub weight: Option<Spanned<f64>>,
    pub kind: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    pub help: Option<Spanned<String>>,
    pub advice: Option<Spanned<String>>,
    pub learn: Vec<Spanned<String>>,
    pub show_if: Option<RawShowIf>,
    /// `choice` and `multi`.
    pub options: Option<Spanned<Vec<RawOption>>>,
    /// `scale`.
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub labels: Option<Spanned<Vec<RawLabel>>>,
    /// `number`.
    pub unit: Option<Spanned<String>>,
    pub bands: Option<Spanned<Vec<RawBand>>>,
}

/// One `labels` entry of a scale: `"1" = "Never"`.
#[derive(Debug)]
pub(crate) struct RawLabel {
    pub value: Spanned<String>,
    pub text: String,
}

#[derive(Debug)]
pub(crate) struct RawShowIf {
    pub at: Range<usize>,
    pub question: Option<Spanned<String>>,
    pub equals: Option<Spanned<String>>,
    pub includes: Option<Spanned<String>>,
}

#[derive(Debug)]
pub(crate) struct RawOption {
    pub id: Option<Spanned<String>>,
    pub label: Option<Spanned<String>>,
    pub score: Option<Spanned<f64>>,
    pub cap: Option<Spanned<String>>,
    pub advice: Option<Spanned<String>>,
}

#[derive(Debug)]
pub(crate) struct RawBand {
    pub at: Range<usize>,
    pub max: Option<Spanned<f64>>,
    pub score: Option<Spanned<f64>>,
}

// ---- Validated questionnaire --------------------------------------------------------------

/// A validated questionnaire. Every list is in file order, which is "questionnaire order".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Questionnaire {
    pub id: String,
    pub title: String,
    /// Markdown.
    pub intro: String,
    /// Ascending `min`; the first has `min = 0`.
    pub tiers: Vec<Tier>,
    pub dimensions: Vec<Dimension>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tier {
    pub id: String,
    pub title: String,
    pub min: f64,
    /// Markdown.
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    pub id: String,
    pub title: String,
    /// Greater than 0.
    pub weight: f64,
    /// Markdown.
    pub description: String,
    pub learn: Vec<LearnLink>,
}

/// A resolved `learn` entry: the page (and heading) to read, and its URL under the base URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LearnLink {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub id: String,
    /// Index into [`Questionnaire::dimensions`].
    pub dimension: usize,
    /// Greater than 0.
    pub weight: f64,
    pub text: String,
    /// Markdown.
    pub help: Option<String>,
    /// Markdown: what to do when this question scores low.
    pub advice: Option<String>,
    pub learn: Vec<LearnLink>,
    pub show_if: Option<ShowIf>,
    #[serde(flatten)]
    pub kind: Kind,
}

/// The question is asked only when an earlier `choice` question was answered with `option`
/// (`equals`), or an earlier `multi` question's answer includes it (`includes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShowIf {
    /// Index into [`Questionnaire::questions`], always below the question's own index.
    pub question: usize,
    /// Index into that question's options.
    pub option: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Kind {
    Choice { options: Vec<AnswerOption> },
    Multi { options: Vec<AnswerOption> },
    Scale { min: i64, max: i64, labels: BTreeMap<i64, String> },
    Number { unit: Option<String>, bands: Vec<Band> },
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Choice { .. } => "choice",
            Kind::Multi { .. } => "multi",
            Kind::Scale { .. } => "scale",
            Kind::Number { .. } => "number",
        }
    }

    /// The options of a `choice` or `multi` question; empty for the others.
    pub fn options(&self) -> &[AnswerOption] {
        match self {
            Kind::Choice { options } | Kind::Multi { options } => options,
            Kind::Scale { .. } | Kind::Number { .. } => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerOption {
    pub id: String,
    pub label: String,
    /// In 0..=100.
    pub score: f64,
    /// Index into [`Questionnaire::tiers`]: choosing this option caps the tier there.
    pub cap: Option<usize>,
    /// Markdown; beats the question's advice.
    pub advice: Option<String>,
}

/// One band of a `number` question: values up to `max` (inclusive) score `score`. The last
/// band has no `max` and catches everything above the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Band {
    pub max: Option<f64>,
    pub score: f64,
}

// ---- Answers ------------------------------------------------------------------------------

/// A validated answers file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answers {
    pub questionnaire: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub label: Option<String>,
    /// One entry per question of the questionnaire, in its order; `None` when unanswered.
    pub values: Vec<Option<Answer>>,
}

/// One answer, of the question's kind. Option answers are indices into the question's
/// options; a `Multi` list holds each index once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Choice(usize),
    Multi(Vec<usize>),
    Scale(i64),
    Number(f64),
}

// ---- Report -------------------------------------------------------------------------------

/// A scored answers file. Serializes to exactly the normative report keys (DESIGN.md s8);
/// numbers are unrounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub questionnaire: String,
    pub date: String,
    pub overall: f64,
    pub tier: TierRef,
    pub uncapped_tier: TierRef,
    pub caps: Vec<Cap>,
    pub completion: f64,
    pub dimensions: Vec<DimensionResult>,
    pub recommendations: Vec<Recommendation>,
    pub unanswered: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierRef {
    pub id: String,
    pub title: String,
}

/// A chosen option that caps the tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cap {
    pub question: String,
    pub option: String,
    pub tier: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionResult {
    pub id: String,
    pub title: String,
    pub weight: f64,
    /// `None` (JSON `null`) when no question of the dimension was scored: not assessed.
    pub score: Option<f64>,
    /// Scored questions of the dimension.
    pub answered: usize,
    /// Visible questions of the dimension (those asked, given the answers).
    pub questions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub question: String,
    pub dimension: String,
    /// The question's score.
    pub score: f64,
    /// Overall points gained by moving this question to 100.
    pub impact: f64,
    /// Markdown: the chosen option's advice, else the question's.
    pub advice: Option<String>,
    pub learn: Vec<LearnLink>,
}
