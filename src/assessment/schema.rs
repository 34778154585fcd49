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
    pub evidence: Option<RawEvidence>,
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

/// `[questions.evidence]` as written.
#[derive(Debug, Clone)]
pub struct RawEvidence {
    pub at: Range<usize>,
    pub pages: Vec<Spanned<String>>,
    pub pages_at: Option<Range<usize>>,
    pub measure: Option<Spanned<String>>,
    pub expected: Option<Spanned<i64>>,
    pub prefill: Option<Spanned<bool>>,
    pub tolerance: Option<Spanned<f64>>,
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
    /// What the handbook shows about this question (DESIGN.md section 8, "Evidence").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    #[serde(flatten)]
    pub kind: Kind,
}

/// A question's `[questions.evidence]`: which process pages it looks at and what it counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// Globs over content paths, as written (`*` stays in a folder, `**` any depth).
    pub pages: Vec<String>,
    pub measure: Measure,
    /// `documented` only: how many such processes the operation has (>= 1).
    pub expected: Option<u32>,
    /// Answer the question from the evidence when it is visible and unanswered.
    pub prefill: bool,
    /// Points between the answer's score and the evidence beyond which they disagree.
    pub tolerance: f64,
    /// Where each glob is written, for "matches no page" (not serialized).
    #[serde(skip)]
    pub spans: Vec<Range<usize>>,
}

/// What evidence counts among the matched processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// How many processes are written down, against `expected`.
    Documented,
    /// With an owner.
    Owned,
    /// With an owner and a backup.
    BackedUp,
    /// Reviewed and not overdue.
    Fresh,
    /// Naming at least one system.
    Systems,
}

impl Measure {
    pub const ALL: [Measure; 5] =
        [Measure::Documented, Measure::Owned, Measure::BackedUp, Measure::Fresh, Measure::Systems];

    pub fn id(self) -> &'static str {
        match self {
            Measure::Documented => "documented",
            Measure::Owned => "owned",
            Measure::BackedUp => "backed_up",
            Measure::Fresh => "fresh",
            Measure::Systems => "systems",
        }
    }

    pub fn parse(id: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.id() == id)
    }

    /// "have an owner", for "5 of 7 processes ... have an owner (71%)".
    pub fn phrase(self) -> &'static str {
        match self {
            Measure::Documented => "are documented",
            Measure::Owned => "have an owner",
            Measure::BackedUp => "have an owner and a backup",
            Measure::Fresh => "were reviewed on time",
            Measure::Systems => "name the systems they touch",
        }
    }
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
    /// Questions whose answer came from the handbook's evidence (`prefilled = [ids]`).
    pub prefilled: Vec<usize>,
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
    /// One entry per question with evidence, in questionnaire order (hidden ones too);
    /// absent from the JSON when the questionnaire has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceResult>,
}

/// What the handbook showed about one question, beside the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceResult {
    pub question: String,
    pub measure: Measure,
    /// E in [0, 100], unrounded; `None` when no process matched (except `documented`).
    pub value: Option<f64>,
    /// Processes that meet the measure (`documented`: the matched processes).
    pub matched: usize,
    /// Matched processes (`documented`: `expected`).
    pub total: usize,
    /// The scored answer and E differ by more than the tolerance.
    pub contradiction: bool,
    /// The answer came from the evidence (now, or when the answers file was downloaded).
    pub prefilled: bool,
    /// Whether the question is asked with these answers (hidden ones show E in JSON only).
    #[serde(skip)]
    pub shown: bool,
    /// The answer as the reader saw it ("Some are written down", "4 of 5"), if any.
    #[serde(skip)]
    pub answer: Option<String>,
    /// The answer's score, when the question is scored.
    #[serde(skip)]
    pub score: Option<f64>,
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
