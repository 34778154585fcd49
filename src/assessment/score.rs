//! Scoring: a validated questionnaire and answers in, a [`Report`] out, by the normative
//! rules of DESIGN.md section 8. Pure: no I/O, no clock, no hashing, so one input gives one
//! report everywhere, and the browser questionnaire, which must agree with it to 1e-9, can
//! follow it line by line. Reading files and printing belong to the other modules.
//!
//! The rules, in the order they are computed:
//! - question score `s` in [0, 100]: `choice` = the option's score; `multi` = min(100, sum of
//!   the chosen options' scores), an empty list 0; `scale` = (v - min) / (max - min) x 100;
//!   `number` = the score of the first band whose `max` >= v, else the last band's;
//! - a question is visible when it has no `show_if`, or the question it names is visible and
//!   its answer is (`choice`) or includes (`multi`) the named option; only visible, answered
//!   questions are scored;
//! - dimension score D = sum(w x s) / sum(w) over its scored questions, `None` when there is
//!   none (not assessed); overall O = sum(W x D) / sum(W) over assessed dimensions;
//! - tier = the tier with the largest `min` <= O, lowered to the tier of every `cap` of a
//!   chosen option of a scored question when that tier is lower;
//! - impact = (W / sum of W over assessed dimensions) x (w / sum of w over the dimension's
//!   scored questions) x (100 - s), the overall points gained by moving the question to 100;
//! - recommendations: questions with a capping answer first, in questionnaire order, then the
//!   other scored questions with s < 100 by impact, highest first, ties in questionnaire
//!   order; the first `top` of them;
//! - completion = scored questions / visible questions.
//!
//! Details the design leaves open are fixed here; the browser must do the same:
//! - D and O are clamped to [0, 100], so that rounding (a mean of 100s computed as
//!   100.00000000000001) never leaves the range;
//! - tier thresholds are compared as `min <= O + 1e-9`, so an overall equal to a tier's `min`
//!   in exact arithmetic reaches that tier whatever the rounding;
//! - impacts are ordered by `round(impact x 1e9)`, so impacts equal in exact arithmetic tie
//!   and fall back to questionnaire order;
//! - a recommendation's advice is the advice of the first chosen option (in the question's
//!   option order) that has one, else the question's.

use std::cmp::Reverse;

use super::evidence::EvidenceValue;
use super::schema::*;

/// How far an overall may fall short of a tier's `min` and still reach it (rounding).
pub(crate) const TIER_TOLERANCE: f64 = 1e-9;

/// How many recommendations a report carries unless asked otherwise.
pub const DEFAULT_TOP: usize = 5;

/// The answers score no question at all: nothing was answered, or only hidden questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NothingScored;

/// Which questions are asked, given the answers: one flag per question.
pub fn visible(questionnaire: &Questionnaire, values: &[Option<Answer>]) -> Vec<bool> {
    let mut shown: Vec<bool> = Vec::with_capacity(questionnaire.questions.len());
    for question in &questionnaire.questions {
        shown.push(asked(question, &shown, values));
    }
    shown
}

/// Whether `question` is asked, given whether the questions before it are (`shown`) and the
/// answers.
fn asked(question: &Question, shown: &[bool], values: &[Option<Answer>]) -> bool {
    match question.show_if {
        None => true,
        Some(ShowIf { question: named, option }) => {
            // Validation guarantees `named` is earlier; anything else counts as hidden.
            shown.get(named).copied().unwrap_or(false)
                && match values.get(named) {
                    Some(Some(Answer::Choice(chosen))) => *chosen == option,
                    Some(Some(Answer::Multi(chosen))) => chosen.contains(&option),
                    _ => false,
                }
        }
    }
}

/// The score of one answer, in [0, 100]; `None` when the answer does not fit the question's
/// kind (validated answers always fit).
pub fn question_score(question: &Question, answer: &Answer) -> Option<f64> {
    let score = match (&question.kind, answer) {
        (Kind::Choice { options }, Answer::Choice(chosen)) => options.get(*chosen)?.score,
        (Kind::Multi { options }, Answer::Multi(chosen)) => {
            // A fold from +0.0: `Sum for f64` starts at -0.0, which would print as "-0.0".
            let sum =
                chosen.iter().filter_map(|&i| options.get(i)).fold(0.0, |sum, o| sum + o.score);
            sum.min(100.0)
        }
        (Kind::Scale { min, max, .. }, Answer::Scale(value)) => {
            // In f64, as the browser computes it; i64 subtraction could overflow.
            let (min, max, value) = (*min as f64, *max as f64, *value as f64);
            if max <= min {
                return None;
            }
            (value - min) / (max - min) * 100.0
        }
        (Kind::Number { bands, .. }, Answer::Number(value)) => {
            let band = bands.iter().find(|b| b.max.is_some_and(|max| max >= *value));
            band.or(bands.last())?.score
        }
        _ => return None,
    };
    Some(score.clamp(0.0, 100.0))
}

/// The option indices an answer chose (none for scale and number answers).
fn chosen(answer: Option<&Answer>) -> &[usize] {
    match answer {
        Some(Answer::Choice(option)) => std::slice::from_ref(option),
        Some(Answer::Multi(options)) => options,
        _ => &[],
    }
}

/// How far apart two distances or scores may be and still count as equal (prefill ties,
/// the contradiction threshold).
pub(crate) const EVIDENCE_TOLERANCE: f64 = 1e-9;

/// Scores `answers` against `questionnaire`, keeping the first `top` recommendations.
pub fn score(
    questionnaire: &Questionnaire,
    answers: &Answers,
    top: usize,
) -> Result<Report, NothingScored> {
    score_with_evidence(questionnaire, answers, top, &[])
}

/// The answer `evidence` (E, in [0, 100]) gives a choice or scale question: the option (or
/// scale value) whose score is closest to E, distances within 1e-9 counting as ties, ties
/// to the lower score, equal scores to the first option. A scale picks between the two
/// values around E.
pub fn closest_answer(question: &Question, evidence: f64) -> Option<Answer> {
    // Whether a candidate (distance, score) beats the best so far.
    let better = |d: f64, s: f64, best: Option<(f64, f64)>| match best {
        None => true,
        Some((bd, bs)) => {
            d < bd - EVIDENCE_TOLERANCE || ((d - bd).abs() <= EVIDENCE_TOLERANCE && s < bs)
        }
    };
    match &question.kind {
        Kind::Choice { options } => {
            let mut best: Option<(usize, f64, f64)> = None;
            for (i, o) in options.iter().enumerate() {
                let d = (o.score - evidence).abs();
                if better(d, o.score, best.map(|(_, d, s)| (d, s))) {
                    best = Some((i, d, o.score));
                }
            }
            best.map(|(i, ..)| Answer::Choice(i))
        }
        Kind::Scale { min, max, .. } if max > min => {
            let (lo, hi) = (*min as f64, *max as f64);
            let at = lo + evidence / 100.0 * (hi - lo);
            let mut best: Option<(i64, f64, f64)> = None;
            for v in [at.floor(), at.ceil()] {
                let v = v.clamp(lo, hi) as i64;
                let Some(s) = question_score(question, &Answer::Scale(v)) else { continue };
                let d = (s - evidence).abs();
                if better(d, s, best.map(|(_, d, s)| (d, s))) {
                    best = Some((v, d, s));
                }
            }
            best.map(|(v, ..)| Answer::Scale(v))
        }
        _ => None,
    }
}

/// The answers with prefills applied: each visible, unanswered question whose evidence has
/// `prefill` and a value is answered with [`closest_answer`], in questionnaire order (so a
/// prefilled answer can show a later question). Returns the answers and which were
/// prefilled now or in the file.
pub fn prefill(
    questionnaire: &Questionnaire,
    answers: &Answers,
    evidence: &[Option<EvidenceValue>],
) -> (Vec<Option<Answer>>, Vec<bool>) {
    let mut values = answers.values.clone();
    values.resize(questionnaire.questions.len(), None);
    let mut prefilled = vec![false; values.len()];
    for &i in &answers.prefilled {
        if let Some(flag) = prefilled.get_mut(i) {
            *flag = true;
        }
    }
    let mut shown: Vec<bool> = Vec::with_capacity(values.len());
    for (i, question) in questionnaire.questions.iter().enumerate() {
        let visible = asked(question, &shown, &values);
        shown.push(visible);
        let e = evidence.get(i).and_then(|e| e.as_ref()).and_then(|e| e.value);
        if visible
            && values[i].is_none()
            && question.evidence.as_ref().is_some_and(|ev| ev.prefill)
            && let Some(e) = e
            && let Some(answer) = closest_answer(question, e)
        {
            values[i] = Some(answer);
            prefilled[i] = true;
        }
    }
    (values, prefilled)
}

/// An answer as the reader saw it: the option labels, the scale value (with its label), the
/// number (with its unit).
fn answer_text(question: &Question, answer: &Answer) -> String {
    match (&question.kind, answer) {
        (Kind::Choice { options }, Answer::Choice(i)) => {
            options.get(*i).map(|o| o.label.clone()).unwrap_or_default()
        }
        (Kind::Multi { options }, Answer::Multi(chosen)) => {
            let labels: Vec<&str> =
                chosen.iter().filter_map(|&i| options.get(i)).map(|o| o.label.as_str()).collect();
            if labels.is_empty() { "none of these".into() } else { labels.join(", ") }
        }
        (Kind::Scale { max, labels, .. }, Answer::Scale(v)) => match labels.get(v) {
            Some(label) => format!("{v} of {max} ({label})"),
            None => format!("{v} of {max}"),
        },
        (Kind::Number { unit, .. }, Answer::Number(n)) => match unit {
            Some(unit) => format!("{n} {unit}"),
            None => n.to_string(),
        },
        _ => String::new(),
    }
}

/// [`score`] with the handbook's evidence: `evidence` holds E per question (empty: scored
/// without a site, and the report has no `evidence`).
/// Prefills apply first (see [`prefill`]); the report's `evidence` lists every question with
/// evidence, and flags a contradiction where a scored answer that was not prefilled is more
/// than the tolerance (+ 1e-9) away from E.
pub fn score_with_evidence(
    questionnaire: &Questionnaire,
    answers: &Answers,
    top: usize,
    evidence: &[Option<EvidenceValue>],
) -> Result<Report, NothingScored> {
    let (values, prefilled) = prefill(questionnaire, answers, evidence);
    let answers = Answers { values, prefilled: Vec::new(), ..answers.clone() };
    let mut report = score_values(questionnaire, &answers, top)?;
    if evidence.is_empty() {
        // Scored without the handbook (no site): no evidence to show.
        return Ok(report);
    }
    let shown = visible(questionnaire, &answers.values);
    report.evidence = questionnaire
        .questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let e = q.evidence.as_ref()?;
            let value = evidence.get(i).and_then(|v| v.as_ref());
            let answer = answers.values.get(i).and_then(Option::as_ref);
            let score = answer.filter(|_| shown[i]).and_then(|a| question_score(q, a));
            let contradiction = !prefilled[i]
                && match (score, value.and_then(|v| v.value)) {
                    (Some(s), Some(v)) => (s - v).abs() > e.tolerance + EVIDENCE_TOLERANCE,
                    _ => false,
                };
            Some(EvidenceResult {
                question: q.id.clone(),
                measure: e.measure,
                value: value.and_then(|v| v.value),
                matched: value.map_or(0, |v| v.matched),
                total: value.map_or(0, |v| v.total),
                contradiction,
                prefilled: prefilled[i] && answer.is_some(),
                shown: shown[i],
                answer: answer.map(|a| answer_text(q, a)),
                score,
            })
        })
        .collect();
    Ok(report)
}

fn score_values(
    questionnaire: &Questionnaire,
    answers: &Answers,
    top: usize,
) -> Result<Report, NothingScored> {
    let questions = &questionnaire.questions;
    let dimension_count = questionnaire.dimensions.len();
    let shown = visible(questionnaire, &answers.values);
    let answer = |i: usize| answers.values.get(i).and_then(Option::as_ref);
    let scores: Vec<Option<f64>> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            // A dimension out of range cannot come out of validation; it is left unscored.
            let scorable = shown[i] && q.dimension < dimension_count;
            if scorable { answer(i).and_then(|a| question_score(q, a)) } else { None }
        })
        .collect();

    // Per dimension: sum of weights and of weighted scores of scored questions, counts.
    let mut weights = vec![0.0; dimension_count];
    let mut weighted = vec![0.0; dimension_count];
    let mut answered = vec![0usize; dimension_count];
    let mut asked = vec![0usize; dimension_count];
    for (i, q) in questions.iter().enumerate() {
        let d = q.dimension;
        if d >= dimension_count {
            continue;
        }
        if shown[i] {
            asked[d] += 1;
        }
        if let Some(s) = scores[i] {
            weights[d] += q.weight;
            weighted[d] += q.weight * s;
            answered[d] += 1;
        }
    }
    let dimension_scores: Vec<Option<f64>> = (0..dimension_count)
        .map(|d| (weights[d] > 0.0).then(|| (weighted[d] / weights[d]).clamp(0.0, 100.0)))
        .collect();
    let mut total_weight = 0.0;
    let mut total = 0.0;
    for (dimension, score) in questionnaire.dimensions.iter().zip(&dimension_scores) {
        if let Some(d) = score {
            total_weight += dimension.weight;
            total += dimension.weight * d;
        }
    }
    if total_weight <= 0.0 {
        return Err(NothingScored);
    }
    let overall = (total / total_weight).clamp(0.0, 100.0);

    let tiers = &questionnaire.tiers;
    let uncapped = tiers.iter().rposition(|t| t.min <= overall + TIER_TOLERANCE).unwrap_or(0);
    let mut tier = uncapped;
    let mut caps = Vec::new();
    let mut capping = vec![false; questions.len()];
    for (i, q) in questions.iter().enumerate() {
        if scores[i].is_none() {
            continue;
        }
        let options = q.kind.options();
        for option in chosen(answer(i)).iter().filter_map(|&o| options.get(o)) {
            let Some(cap) = option.cap else { continue };
            capping[i] = true;
            tier = tier.min(cap);
            caps.push(Cap {
                question: q.id.clone(),
                option: option.id.clone(),
                tier: tiers.get(cap).map(|t| t.id.clone()).unwrap_or_default(),
            });
        }
    }

    let impact = |i: usize, s: f64| -> f64 {
        let q = &questions[i];
        let d = q.dimension;
        (questionnaire.dimensions[d].weight / total_weight) * (q.weight / weights[d]) * (100.0 - s)
    };
    let mut others: Vec<(usize, f64)> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.filter(|&s| !capping[i] && s < 100.0).map(|s| (i, impact(i, s))))
        .collect();
    others.sort_by_key(|&(i, impact)| (Reverse((impact * 1e9).round() as i64), i));
    let first: Vec<(usize, f64)> = (0..questions.len())
        .filter(|&i| capping[i])
        .filter_map(|i| scores[i].map(|s| (i, impact(i, s))))
        .collect();
    let recommendations = first
        .into_iter()
        .chain(others)
        .take(top)
        .map(|(i, impact)| {
            let q = &questions[i];
            let options = q.kind.options();
            let advice = chosen(answer(i))
                .iter()
                .filter_map(|&o| options.get(o))
                .find_map(|o| o.advice.clone())
                .or_else(|| q.advice.clone());
            Recommendation {
                question: q.id.clone(),
                dimension: questionnaire.dimensions[q.dimension].id.clone(),
                score: scores[i].unwrap_or(0.0),
                impact,
                advice,
                learn: q.learn.clone(),
            }
        })
        .collect();

    let scored = scores.iter().filter(|s| s.is_some()).count();
    let visible_count = shown.iter().filter(|&&v| v).count();
    let tier_ref = |i: usize| match tiers.get(i) {
        Some(t) => TierRef { id: t.id.clone(), title: t.title.clone() },
        None => TierRef { id: String::new(), title: String::new() },
    };
    Ok(Report {
        questionnaire: questionnaire.id.clone(),
        date: answers.date.clone(),
        overall,
        tier: tier_ref(tier),
        uncapped_tier: tier_ref(uncapped),
        caps,
        completion: scored as f64 / visible_count.max(1) as f64,
        dimensions: questionnaire
            .dimensions
            .iter()
            .enumerate()
            .map(|(d, dimension)| DimensionResult {
                id: dimension.id.clone(),
                title: dimension.title.clone(),
                weight: dimension.weight,
                score: dimension_scores[d],
                answered: answered[d],
                questions: asked[d],
            })
            .collect(),
        recommendations,
        unanswered: questions
            .iter()
            .enumerate()
            .filter(|&(i, _)| shown[i] && scores[i].is_none())
            .map(|(_, q)| q.id.clone())
            .collect(),
        evidence: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::Answer::{Choice, Multi, Number, Scale};
    use super::*;
    use proptest::prelude::*;

    fn option(id: &str, score: f64, cap: Option<usize>, advice: Option<&str>) -> AnswerOption {
        AnswerOption {
            id: id.into(),
            label: id.to_uppercase(),
            score,
            cap,
            advice: advice.map(String::from),
        }
    }

    fn question(id: &str, dimension: usize, weight: f64, kind: Kind) -> Question {
        Question {
            id: id.into(),
            dimension,
            weight,
            text: format!("{id}?"),
            help: None,
            advice: Some(format!("{} advice", id.to_uppercase())),
            learn: vec![LearnLink { title: format!("{id} page"), url: format!("/{id}/") }],
            show_if: None,
            evidence: None,
            kind,
        }
    }

    fn dimension(id: &str, weight: f64) -> Dimension {
        Dimension {
            id: id.into(),
            title: id.to_uppercase(),
            weight,
            description: String::new(),
            learn: Vec::new(),
        }
    }

    fn tier(id: &str, min: f64) -> Tier {
        Tier { id: id.into(), title: id.to_uppercase(), min, summary: String::new() }
    }

    const LOW: usize = 0;
    const MID: usize = 1;

    /// Tiers low 0 / mid 50 / high 80; dimensions ops (W 3), stock (W 1), people (W 2).
    ///
    /// | # | id       | dim    | w | kind                                              |
    /// |---|----------|--------|---|---------------------------------------------------|
    /// | 0 | gate     | ops    | 1 | choice: yes 100, no 0 (cap low, own advice)       |
    /// | 1 | tools    | ops    | 2 | multi: a 60, b 50, c 20 (cap mid)                 |
    /// | 2 | often    | stock  | 1 | scale 1..5                                        |
    /// | 3 | rate     | stock  | 3 | number: <= 90 -> 0, <= 98 -> 50, else 100         |
    /// | 4 | followup | people | 1 | choice: good 100, bad 25; if gate = yes           |
    /// | 5 | extra    | people | 1 | number: <= 10 -> 100, else 0; if tools includes b |
    /// | 6 | deep     | people | 1 | choice: ok 100; if followup = good                |
    fn sample() -> Questionnaire {
        let mut questions = vec![
            question(
                "gate",
                0,
                1.0,
                Kind::Choice {
                    options: vec![
                        option("yes", 100.0, None, None),
                        option("no", 0.0, Some(LOW), Some("NO advice")),
                    ],
                },
            ),
            question(
                "tools",
                0,
                2.0,
                Kind::Multi {
                    options: vec![
                        option("a", 60.0, None, None),
                        option("b", 50.0, None, None),
                        option("c", 20.0, Some(MID), None),
                    ],
                },
            ),
            question("often", 1, 1.0, Kind::Scale { min: 1, max: 5, labels: Default::default() }),
            question(
                "rate",
                1,
                3.0,
                Kind::Number {
                    unit: Some("%".into()),
                    bands: vec![
                        Band { max: Some(90.0), score: 0.0 },
                        Band { max: Some(98.0), score: 50.0 },
                        Band { max: None, score: 100.0 },
                    ],
                },
            ),
            question(
                "followup",
                2,
                1.0,
                Kind::Choice {
                    options: vec![
                        option("good", 100.0, None, None),
                        option("bad", 25.0, None, None),
                    ],
                },
            ),
            question(
                "extra",
                2,
                1.0,
                Kind::Number {
                    unit: None,
                    bands: vec![
                        Band { max: Some(10.0), score: 100.0 },
                        Band { max: None, score: 0.0 },
                    ],
                },
            ),
            question(
                "deep",
                2,
                1.0,
                Kind::Choice { options: vec![option("ok", 100.0, None, None)] },
            ),
        ];
        questions[4].show_if = Some(ShowIf { question: 0, option: 0 });
        questions[5].show_if = Some(ShowIf { question: 1, option: 1 });
        questions[6].show_if = Some(ShowIf { question: 4, option: 0 });
        Questionnaire {
            id: "test".into(),
            title: "Test".into(),
            intro: String::new(),
            tiers: vec![tier("low", 0.0), tier("mid", 50.0), tier("high", 80.0)],
            dimensions: vec![
                dimension("ops", 3.0),
                dimension("stock", 1.0),
                dimension("people", 2.0),
            ],
            questions,
        }
    }

    fn answers(values: Vec<Option<Answer>>) -> Answers {
        Answers {
            questionnaire: "test".into(),
            date: "2026-11-26".into(),
            label: None,
            values,
            prefilled: Vec::new(),
        }
    }

    /// gate yes (100), tools [a] (60), often 4 (75), rate 95 (50), followup bad (25); extra
    /// is hidden (tools lacks b), deep is hidden (followup is not good).
    fn worked_example() -> Answers {
        answers(vec![
            Some(Choice(0)),
            Some(Multi(vec![0])),
            Some(Scale(4)),
            Some(Number(95.0)),
            Some(Choice(1)),
            None,
            None,
        ])
    }

    fn close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} is not {expected}");
    }

    fn ids(recommendations: &[Recommendation]) -> Vec<&str> {
        recommendations.iter().map(|r| r.question.as_str()).collect()
    }

    #[test]
    fn question_scores_follow_the_rule_of_each_kind() {
        let q = sample();
        let s = |i: usize, a: Answer| question_score(&q.questions[i], &a).unwrap();
        // choice: the option's score.
        assert_eq!(s(0, Choice(0)), 100.0);
        assert_eq!(s(0, Choice(1)), 0.0);
        // multi: the sum, at most 100; an empty list is 0.
        assert_eq!(s(1, Multi(vec![0])), 60.0);
        assert_eq!(s(1, Multi(vec![1, 2])), 70.0); // 50 + 20
        assert_eq!(s(1, Multi(vec![0, 1])), 100.0); // 60 + 50 = 110, capped
        assert_eq!(s(1, Multi(vec![0, 1, 2])), 100.0); // 130, capped
        assert_eq!(s(1, Multi(vec![])), 0.0);
        assert!(s(1, Multi(vec![])).is_sign_positive(), "an empty list scores +0, not -0");
        // scale 1..5: (v - 1) / 4 x 100.
        assert_eq!(s(2, Scale(1)), 0.0);
        assert_eq!(s(2, Scale(4)), 75.0);
        assert_eq!(s(2, Scale(5)), 100.0);
        // number: the first band whose max >= v; a value equal to a max is in that band.
        assert_eq!(s(3, Number(90.0)), 0.0);
        assert_eq!(s(3, Number(90.5)), 50.0);
        assert_eq!(s(3, Number(98.0)), 50.0);
        assert_eq!(s(3, Number(98.01)), 100.0); // the last band catches all
        assert_eq!(s(3, Number(-5.0)), 0.0);
        // An answer of another kind does not fit.
        assert_eq!(question_score(&q.questions[0], &Scale(3)), None);
    }

    #[test]
    fn dimension_and_overall_scores_are_weighted_means() {
        let q = sample();
        let a = worked_example();
        let r = score(&q, &a, DEFAULT_TOP).unwrap();
        // ops = (1 x 100 + 2 x 60) / 3 = 73.333..; stock = (1 x 75 + 3 x 50) / 4 = 56.25;
        // people = 25 / 1 = 25.
        close(r.dimensions[0].score.unwrap(), 220.0 / 3.0);
        close(r.dimensions[1].score.unwrap(), 56.25);
        close(r.dimensions[2].score.unwrap(), 25.0);
        // overall = (3 x 73.333.. + 1 x 56.25 + 2 x 25) / 6 = 326.25 / 6 = 54.375.
        close(r.overall, 54.375);
        assert_eq!((r.tier.id.as_str(), r.uncapped_tier.id.as_str()), ("mid", "mid"));
        assert!(r.caps.is_empty());
        // 5 visible (extra and deep hidden), 5 scored.
        close(r.completion, 1.0);
        assert!(r.unanswered.is_empty());
        let counts: Vec<(usize, usize)> =
            r.dimensions.iter().map(|d| (d.answered, d.questions)).collect();
        assert_eq!(counts, [(2, 2), (2, 2), (1, 1)]);
        assert_eq!((r.questionnaire.as_str(), r.date.as_str()), ("test", "2026-11-26"));
    }

    #[test]
    fn impact_is_the_overall_gain_of_moving_a_question_to_100() {
        let q = sample();
        let a = worked_example();
        let r = score(&q, &a, DEFAULT_TOP).unwrap();
        // impact = (W / 6) x (w / sum w of the dimension) x (100 - s):
        //   followup (1/3) x (1/1) x 75 = 25
        //   tools    (3/6) x (2/3) x 40 = 13.333..
        //   rate     (1/6) x (3/4) x 50 = 6.25
        //   often    (1/6) x (1/4) x 25 = 1.041666..
        //   gate is at 100, so it is not recommended.
        assert_eq!(ids(&r.recommendations), ["followup", "tools", "rate", "often"]);
        let impacts: Vec<f64> = r.recommendations.iter().map(|x| x.impact).collect();
        for (actual, expected) in impacts.iter().zip([25.0, 40.0 / 3.0, 6.25, 25.0 / 24.0]) {
            close(*actual, expected);
        }
        // Together they are exactly what is missing from 100: 100 - 54.375 = 45.625.
        close(impacts.iter().sum::<f64>(), 45.625);
        // Moving tools to 100 ([a, b] = 110, capped) raises the overall by its impact.
        let mut better = a.clone();
        better.values[1] = Some(Multi(vec![0, 1]));
        // ... but b also shows `extra`, which stays unanswered and so changes nothing.
        close(score(&q, &better, DEFAULT_TOP).unwrap().overall, 54.375 + 40.0 / 3.0);
        // Each recommendation carries the question's advice, score and learn links.
        let tools = &r.recommendations[1];
        assert_eq!(
            (tools.dimension.as_str(), tools.score, tools.advice.as_deref()),
            ("ops", 60.0, Some("TOOLS advice"))
        );
        assert_eq!(tools.learn, [LearnLink { title: "tools page".into(), url: "/tools/".into() }]);
        // --top keeps the first N.
        assert_eq!(ids(&score(&q, &a, 2).unwrap().recommendations), ["followup", "tools"]);
        assert!(score(&q, &a, 0).unwrap().recommendations.is_empty());
    }

    #[test]
    fn a_dimension_without_scored_questions_is_not_assessed_and_leaves_the_overall() {
        let q = sample();
        // gate no (0, caps low), tools [b] (50); stock unanswered; followup hidden (gate is
        // no); extra visible (tools includes b) but unanswered.
        let a = answers(vec![Some(Choice(1)), Some(Multi(vec![1])), None, None, None, None, None]);
        let r = score(&q, &a, DEFAULT_TOP).unwrap();
        assert_eq!(r.dimensions[1].score, None);
        assert_eq!(r.dimensions[2].score, None);
        // Only ops counts: (1 x 0 + 2 x 50) / 3 = 33.333.., not diluted by the others.
        close(r.overall, 100.0 / 3.0);
        let counts: Vec<(usize, usize)> =
            r.dimensions.iter().map(|d| (d.answered, d.questions)).collect();
        assert_eq!(counts, [(2, 2), (0, 2), (0, 1)]);
        // Visible: gate, tools, often, rate, extra = 5; scored 2.
        close(r.completion, 0.4);
        assert_eq!(r.unanswered, ["often", "rate", "extra"]);
        // In JSON a dimension not assessed has a null score.
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["dimensions"][1]["score"], serde_json::Value::Null);
    }

    #[test]
    fn a_hidden_question_is_not_scored_even_when_answered() {
        let q = sample();
        // followup is answered good, but gate is no, so followup is hidden, and so is deep
        // (it depends on followup, which is not visible), although it is answered too.
        let a = answers(vec![
            Some(Choice(1)),
            Some(Multi(vec![0])),
            None,
            None,
            Some(Choice(0)),
            None,
            Some(Choice(0)),
        ]);
        assert_eq!(visible(&q, &a.values), [true, true, true, true, false, false, false]);
        let r = score(&q, &a, DEFAULT_TOP).unwrap();
        assert_eq!(r.dimensions[2].score, None);
        // ops = (0 + 2 x 60) / 3 = 40, the only dimension assessed.
        close(r.overall, 40.0);
        assert_eq!(r.unanswered, ["often", "rate"]);
        // With only hidden questions answered, nothing is scored.
        let hidden_only = answers(vec![None, None, None, None, Some(Choice(0)), None, None]);
        assert_eq!(score(&q, &hidden_only, 5), Err(NothingScored));
        assert_eq!(score(&q, &answers(vec![None; 7]), 5), Err(NothingScored));
    }

    #[test]
    fn an_overall_equal_to_a_tier_min_reaches_that_tier() {
        let q = sample();
        // Only often = 3: stock = (3 - 1) / 4 x 100 = 50 = mid's min.
        let a = answers(vec![None, None, Some(Scale(3)), None, None, None, None]);
        let r = score(&q, &a, DEFAULT_TOP).unwrap();
        assert_eq!(r.overall, 50.0);
        assert_eq!(r.tier.id, "mid");
        // One step lower, 25, is in the first tier.
        let a = answers(vec![None, None, Some(Scale(2)), None, None, None, None]);
        assert_eq!(score(&q, &a, DEFAULT_TOP).unwrap().tier.id, "low");
    }

    #[test]
    fn a_tier_min_is_reached_despite_floating_point_rounding() {
        // Two questions weighted 0.1 and 0.2, both at 50: the mean is 50, but in binary
        // floating point 0.1 + 0.2 = 0.30000000000000004, so 15 / 0.30000000000000004
        // = 49.99999999999999. The tolerance puts it in the tier starting at 50.
        let choice50 = || Kind::Choice { options: vec![option("half", 50.0, None, None)] };
        let q = Questionnaire {
            tiers: vec![tier("low", 0.0), tier("mid", 50.0)],
            dimensions: vec![dimension("d", 1.0)],
            questions: vec![question("x", 0, 0.1, choice50()), question("y", 0, 0.2, choice50())],
            ..sample()
        };
        let r = score(&q, &answers(vec![Some(Choice(0)), Some(Choice(0))]), 5).unwrap();
        assert!(r.overall < 50.0 && r.overall > 50.0 - 1e-12, "{}", r.overall);
        assert_eq!(r.tier.id, "mid");
    }

    #[test]
    fn caps_lower_the_tier_and_are_named_in_questionnaire_order() {
        let q = sample();
        // Everything at 100, but tools includes c, which caps at mid.
        let all = vec![
            Some(Choice(0)),
            Some(Multi(vec![0, 1, 2])),
            Some(Scale(5)),
            Some(Number(99.0)),
            Some(Choice(0)),
            Some(Number(5.0)),
            Some(Choice(0)),
        ];
        let r = score(&q, &answers(all.clone()), DEFAULT_TOP).unwrap();
        assert_eq!(r.overall, 100.0);
        assert_eq!((r.tier.id.as_str(), r.uncapped_tier.id.as_str()), ("mid", "high"));
        assert_eq!(
            r.caps,
            [Cap { question: "tools".into(), option: "c".into(), tier: "mid".into() }]
        );
        // A capping question is recommended first even at 100 (its impact is then 0).
        assert_eq!(ids(&r.recommendations), ["tools"]);
        assert_eq!(r.recommendations[0].impact, 0.0);

        // Two caps: gate no (low) and c (mid). The lowest wins; both are named.
        let mut two = all;
        two[0] = Some(Choice(1));
        let r = score(&q, &answers(two), DEFAULT_TOP).unwrap();
        // ops = (0 + 2 x 100) / 3 = 66.67; stock = 100; people: followup and deep hidden,
        // extra = 100. overall = (3 x 66.67 + 100 + 2 x 100) / 6 = 500 / 6 = 83.33: high.
        close(r.overall, 500.0 / 6.0);
        assert_eq!((r.tier.id.as_str(), r.uncapped_tier.id.as_str()), ("low", "high"));
        let caps: Vec<(&str, &str, &str)> = r
            .caps
            .iter()
            .map(|c| (c.question.as_str(), c.option.as_str(), c.tier.as_str()))
            .collect();
        assert_eq!(caps, [("gate", "no", "low"), ("tools", "c", "mid")]);
        // Capping questions first, in questionnaire order; the option's advice beats the
        // question's.
        assert_eq!(ids(&r.recommendations), ["gate", "tools"]);
        assert_eq!(r.recommendations[0].advice.as_deref(), Some("NO advice"));
        // gate: (3/6) x (1/3) x 100 = 16.67 points.
        close(r.recommendations[0].impact, 50.0 / 3.0);
    }

    #[test]
    fn a_cap_above_the_tier_reached_changes_nothing() {
        let q = sample();
        // tools [c] = 20, capping at mid; ops = (2 x 20) / 2 = 20 -> low already.
        let a = answers(vec![None, Some(Multi(vec![2])), None, None, None, None, None]);
        let r = score(&q, &a, DEFAULT_TOP).unwrap();
        close(r.overall, 20.0);
        assert_eq!((r.tier.id.as_str(), r.uncapped_tier.id.as_str()), ("low", "low"));
        assert_eq!(r.caps.len(), 1);
    }

    /// Three dimensions weighted 0.2, 3 and 1, one question each, scored `scores`.
    fn one_question_per_dimension(weights: [f64; 3], scores: [f64; 3]) -> (Questionnaire, Answers) {
        let names = ["a", "b", "c"];
        let q = Questionnaire {
            dimensions: names.iter().zip(weights).map(|(n, w)| dimension(n, w)).collect(),
            questions: (0..3)
                .map(|i| {
                    let options = vec![option("only", scores[i], None, None)];
                    question(names[i], i, 1.0, Kind::Choice { options })
                })
                .collect(),
            ..sample()
        };
        (q, answers(vec![Some(Choice(0)); 3]))
    }

    #[test]
    fn equal_impacts_keep_questionnaire_order() {
        // Weights 1, 1, 1 and scores 50, 50, 100: a and b both have (1/3) x 50 = 16.67.
        let (q, a) = one_question_per_dimension([1.0, 1.0, 1.0], [50.0, 50.0, 100.0]);
        assert_eq!(ids(&score(&q, &a, 5).unwrap().recommendations), ["a", "b"]);
        // Weights 0.2, 3, 1 and scores 25, 95, 100: a = 0.2 / 4.2 x 75 and b = 3 / 4.2 x 5
        // are both 15 / 4.2 = 3.5714.., but in floating point b comes out 4e-16 larger.
        // Impacts are compared to 1e-9, so they tie and a stays first.
        let (q, a) = one_question_per_dimension([0.2, 3.0, 1.0], [25.0, 95.0, 100.0]);
        let r = score(&q, &a, 5).unwrap();
        assert!(r.recommendations[0].impact < r.recommendations[1].impact);
        assert_eq!(ids(&r.recommendations), ["a", "b"]);
        // A larger impact still comes first: b at 90 has 3 / 4.2 x 10 = 7.14 > 3.57.
        let (q, a) = one_question_per_dimension([0.2, 3.0, 1.0], [25.0, 90.0, 100.0]);
        assert_eq!(ids(&score(&q, &a, 5).unwrap().recommendations), ["b", "a"]);
    }

    // ---- Properties -----------------------------------------------------------------------

    /// Any valid answer to `question`, or none.
    fn any_answer(question: &Question) -> BoxedStrategy<Option<Answer>> {
        let answer: BoxedStrategy<Answer> = match &question.kind {
            Kind::Choice { options } => (0..options.len()).prop_map(Choice).boxed(),
            Kind::Multi { options } => proptest::sample::subsequence(
                (0..options.len()).collect::<Vec<_>>(),
                0..=options.len(),
            )
            .prop_map(Multi)
            .boxed(),
            Kind::Scale { min, max, .. } => (*min..=*max).prop_map(Scale).boxed(),
            Kind::Number { .. } => (-50.0..150.0f64).prop_map(Number).boxed(),
        };
        proptest::option::of(answer).boxed()
    }

    fn any_answers() -> impl Strategy<Value = Vec<Option<Answer>>> {
        sample().questions.iter().map(any_answer).collect::<Vec<_>>()
    }

    proptest! {
        #[test]
        fn every_score_stays_between_0_and_100(values in any_answers()) {
            let q = sample();
            if let Ok(r) = score(&q, &answers(values), usize::MAX) {
                prop_assert!((0.0..=100.0).contains(&r.overall));
                prop_assert!((0.0..=1.0).contains(&r.completion));
                for d in &r.dimensions {
                    prop_assert!(d.score.is_none_or(|s| (0.0..=100.0).contains(&s)));
                }
                for rec in &r.recommendations {
                    prop_assert!((0.0..=100.0).contains(&rec.score));
                    prop_assert!((0.0..=100.0).contains(&rec.impact));
                }
                // Every question below 100 is recommended, and their impacts add up to
                // exactly what the overall is missing.
                let total: f64 = r.recommendations.iter().map(|x| x.impact).sum();
                prop_assert!((total - (100.0 - r.overall)).abs() < 1e-9);
            }
        }

        #[test]
        fn raising_one_answer_never_lowers_the_overall(
            (values, index, new) in any_answers().prop_flat_map(|values| {
                // Questions no show_if names (often, rate, extra, deep): changing a gate can
                // show a question whose answer scores low, which is the point of show_if.
                prop_oneof![Just(2usize), Just(3), Just(5), Just(6)].prop_flat_map(move |index| {
                    (Just(values.clone()), Just(index), any_answer(&sample().questions[index]))
                })
            })
        ) {
            let q = sample();
            let (Some(old_answer), Some(new_answer)) = (&values[index], &new) else {
                return Ok(());
            };
            let question = &q.questions[index];
            let (old_s, new_s) =
                (question_score(question, old_answer), question_score(question, new_answer));
            // `low` holds the lower-scoring of the two answers, `high` the other.
            let (mut low, mut high) = (values.clone(), values.clone());
            if old_s <= new_s {
                high[index] = new.clone();
            } else {
                low[index] = new.clone();
            }
            if let (Ok(l), Ok(h)) = (score(&q, &answers(low), 0), score(&q, &answers(high), 0)) {
                prop_assert!(h.overall >= l.overall - 1e-9, "{} < {}", h.overall, l.overall);
            }
        }
    }

    // ---- Evidence ---------------------------------------------------------------------

    fn choice(options: &[(&str, f64)]) -> Question {
        let options = options.iter().map(|(id, score)| option(id, *score, None, None)).collect();
        question("q", 0, 1.0, Kind::Choice { options })
    }

    fn e(value: f64) -> Option<EvidenceValue> {
        Some(EvidenceValue {
            measure: Measure::Owned,
            value: Some(value),
            matched: 0,
            total: 0,
            processes: Vec::new(),
        })
    }

    fn with_evidence(mut q: Question, prefill: bool, tolerance: f64) -> Question {
        q.evidence = Some(Evidence {
            pages: vec!["**".into()],
            measure: Measure::Owned,
            expected: None,
            prefill,
            tolerance,
            spans: Vec::new(),
        });
        q
    }

    #[test]
    fn prefill_takes_the_closest_option_and_ties_to_the_lower_score() {
        let q = choice(&[("none", 0.0), ("some", 40.0), ("most", 60.0), ("all", 100.0)]);
        assert_eq!(closest_answer(&q, 45.0), Some(Choice(1)));
        assert_eq!(closest_answer(&q, 55.0), Some(Choice(2)));
        // 50 is 10 from both 40 and 60: the lower score wins.
        assert_eq!(closest_answer(&q, 50.0), Some(Choice(1)));
        // Within 1e-9 counts as a tie too.
        assert_eq!(closest_answer(&q, 50.0 + 4e-10), Some(Choice(1)));
        assert_eq!(closest_answer(&q, 50.0 + 1e-6), Some(Choice(2)));
        // Equal scores: the first option.
        let twins = choice(&[("a", 100.0), ("b", 50.0), ("c", 50.0)]);
        assert_eq!(closest_answer(&twins, 40.0), Some(Choice(1)));
        // A scale: the value whose score is closest; halfway goes down.
        let scale = question(
            "s",
            0,
            1.0,
            Kind::Scale { min: 1, max: 5, labels: std::collections::BTreeMap::new() },
        );
        assert_eq!(closest_answer(&scale, 80.0), Some(Scale(4)));
        assert_eq!(closest_answer(&scale, 87.5), Some(Scale(4)));
        assert_eq!(closest_answer(&scale, 88.0), Some(Scale(5)));
        assert_eq!(closest_answer(&scale, 0.0), Some(Scale(1)));
        assert_eq!(closest_answer(&scale, 100.0), Some(Scale(5)));
        // Multi and number questions are never prefilled.
        let multi =
            question("m", 0, 1.0, Kind::Multi { options: vec![option("a", 50.0, None, None)] });
        assert_eq!(closest_answer(&multi, 50.0), None);
    }

    fn one_question(q: Question) -> Questionnaire {
        Questionnaire {
            id: "t".into(),
            title: "T".into(),
            intro: String::new(),
            tiers: vec![tier("low", 0.0)],
            dimensions: vec![dimension("ops", 1.0)],
            questions: vec![q],
        }
    }

    #[test]
    fn a_contradiction_needs_more_than_the_tolerance() {
        let q = with_evidence(choice(&[("no", 0.0), ("yes", 100.0)]), false, 30.0);
        let questionnaire = one_question(q);
        let report = |value: f64| {
            let r = score_with_evidence(
                &questionnaire,
                &answers(vec![Some(Choice(1))]),
                5,
                &[e(value)],
            )
            .unwrap();
            r.evidence[0].contradiction
        };
        // |100 - 70| = 30: at the tolerance, not beyond it.
        assert!(!report(70.0));
        assert!(!report(70.0 - 5e-10), "within 1e-9 of the tolerance");
        assert!(report(70.0 - 1e-6));
        assert!(report(0.0));
        let r = score_with_evidence(&questionnaire, &answers(vec![Some(Choice(1))]), 5, &[e(60.0)])
            .unwrap();
        let entry = &r.evidence[0];
        assert_eq!((entry.value, entry.prefilled, entry.shown), (Some(60.0), false, true));
        // No value: nothing to contradict.
        let none = Some(EvidenceValue { value: None, ..e(0.0).unwrap() });
        let r = score_with_evidence(&questionnaire, &answers(vec![Some(Choice(1))]), 5, &[none])
            .unwrap();
        assert!(!r.evidence[0].contradiction);
        assert_eq!(r.evidence[0].value, None);
    }

    #[test]
    fn a_prefilled_answer_is_scored_can_show_questions_and_never_contradicts() {
        let gate = with_evidence(choice(&[("no", 0.0), ("yes", 100.0)]), true, 0.0);
        let mut follow = choice(&[("bad", 0.0), ("good", 100.0)]);
        follow.id = "follow".into();
        follow.show_if = Some(ShowIf { question: 0, option: 1 });
        let mut questionnaire = one_question(gate);
        questionnaire.questions.push(follow);
        // Unanswered gate, E = 90: prefilled "yes", which shows `follow`.
        let r = score_with_evidence(
            &questionnaire,
            &answers(vec![None, Some(Choice(0))]),
            5,
            &[e(90.0), None],
        )
        .unwrap();
        assert_eq!(r.evidence.len(), 1);
        assert!(r.evidence[0].prefilled);
        assert!(!r.evidence[0].contradiction, "a prefill is 10 from E, tolerance 0");
        assert_eq!(r.dimensions[0].answered, 2, "both are scored");
        assert_eq!(r.overall, 50.0);
        // An answer in the file is kept, and a `prefilled` listing in the file marks it.
        let mut file = answers(vec![Some(Choice(0)), None]);
        assert!(
            score_with_evidence(&questionnaire, &file, 5, &[e(90.0), None]).unwrap().evidence[0]
                .contradiction
        );
        file.prefilled = vec![0];
        let r = score_with_evidence(&questionnaire, &file, 5, &[e(90.0), None]).unwrap();
        assert!(r.evidence[0].prefilled && !r.evidence[0].contradiction);
        // Without evidence values (no site), there is no evidence list.
        assert!(score(&questionnaire, &file, 5).unwrap().evidence.is_empty());
    }
}
