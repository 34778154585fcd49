//! The browser's scorer against the Rust one (DESIGN.md s8: they agree to 1e-9). The Rust
//! side writes one JSON fixture per case: the questionnaire as the page embeds it
//! (`serde_json` of `Questionnaire`), the answer values, and what `score::score` (and
//! `visible`, `question_score`) give for them; `tests/js/parity/score.parity.mjs` scores each
//! with `static/assets/assessment-score.js` under node and compares. Expected reports always
//! come from the Rust scorer, never by hand.
//!
//! Cases: the sample questionnaire with chosen answer sets and its committed reviews; every
//! questionnaire under tests/fixtures/ that loads, with random answers and its reviews; and
//! questionnaires generated from a seeded generator (show_if chains, caps, multi sums over 100,
//! band edges, negative scale minimums, fractional weights, unassessed dimensions, answers
//! to hidden questions, exact ties in impact, several `top`s).

use std::path::{Path, PathBuf};
use std::process::Command;

use opsbook::assessment::evidence::EvidenceValue;
use opsbook::assessment::schema::{
    Answer, AnswerOption, Answers, Band, Dimension, Evidence, Kind, LearnLink, Measure, Question,
    Questionnaire, ShowIf, Tier,
};
use opsbook::assessment::score::{self, NothingScored};
use opsbook::assessment::{self, report};
use opsbook::diagnostics::{Diagnostic, Diagnostics};
use serde_json::{Value, json};

use crate::support::{Rng, repo};

const DATE: &str = "2026-11-26";

/// How many generated questionnaire/answer pairs are written.
const GENERATED: usize = 240;
/// Fixtures scored with evidence.
const EVIDENCE_CASES: usize = 90;

/// What the written fixtures exercise, counted from the Rust side's own results.
#[derive(Debug, Default)]
struct Coverage {
    nothing_scored: usize,
    capped: usize,
    hidden_answered: usize,
    hidden_parent_chain: usize,
    multi_over_100: usize,
    band_edge: usize,
    negative_scale_min: usize,
    fractional_weight: usize,
    unassessed_dimension: usize,
    exact_tie: usize,
    other_top: usize,
    prefilled: usize,
    contradiction: usize,
    agreement: usize,
    /// E exactly between two option or scale scores (a prefill tie).
    prefill_tie: usize,
    /// E exactly `tolerance` from a scored answer (the contradiction boundary).
    tolerance_edge: usize,
}

/// The fixture folder being written.
struct Fixtures {
    dir: PathBuf,
    count: usize,
    coverage: Coverage,
}

impl Fixtures {
    fn add(&mut self, name: &str, questionnaire: &Questionnaire, values: Vec<Option<Answer>>) {
        self.add_top(name, questionnaire, values, score::DEFAULT_TOP);
    }

    fn add_top(
        &mut self,
        name: &str,
        questionnaire: &Questionnaire,
        values: Vec<Option<Answer>>,
        top: usize,
    ) {
        self.add_with(name, questionnaire, values, top, &[], Vec::new());
    }

    /// A fixture scored with the handbook's evidence (E per question) and the questions an
    /// answers file lists as `prefilled`.
    fn add_with(
        &mut self,
        name: &str,
        questionnaire: &Questionnaire,
        values: Vec<Option<Answer>>,
        top: usize,
        evidence: &[Option<EvidenceValue>],
        prefilled: Vec<usize>,
    ) {
        let answers = Answers {
            questionnaire: questionnaire.id.clone(),
            date: DATE.into(),
            label: None,
            values,
            prefilled,
        };
        let shown = score::visible(questionnaire, &answers.values);
        let question_scores: Vec<Option<f64>> = questionnaire
            .questions
            .iter()
            .zip(&answers.values)
            .map(|(q, a)| a.as_ref().and_then(|a| score::question_score(q, a)))
            .collect();
        // The report's own JSON text, as `opsbook assess --format json` prints it: parsed
        // back into a `Value`, a number could lose its last bit (serde_json parses floats
        // fast, not exactly), so the text goes into the fixture as it is.
        let expected = match score::score_with_evidence(questionnaire, &answers, top, evidence) {
            Ok(r) => report::json(&r),
            Err(NothingScored) => "null".to_string(),
        };
        let parsed: Value = serde_json::from_str(&expected).expect("the report is JSON");
        self.count_coverage(questionnaire, &answers.values, &shown, &parsed, top);
        let head = json!({
            "name": name,
            "questionnaire": questionnaire,
            "values": answers.values,
            "top": top,
            "date": answers.date,
            "visible": shown,
            "question_scores": question_scores,
            "evidence": evidence
                .iter()
                .map(|e| e.as_ref().map(|e| json!({"value": e.value, "matched": e.matched, "total": e.total})))
                .collect::<Vec<_>>(),
            "prefilled": answers.prefilled,
        });
        let head = serde_json::to_string(&head).expect("fixtures serialize");
        let head = head.strip_suffix('}').expect("an object");
        let fixture = format!("{head},\"expected\":{}}}", expected.trim());
        self.count += 1;
        let path = self.dir.join(format!("{:04}.json", self.count));
        std::fs::write(&path, fixture).expect("the fixture is written");
    }

    fn count_coverage(
        &mut self,
        q: &Questionnaire,
        values: &[Option<Answer>],
        shown: &[bool],
        expected: &Value,
        top: usize,
    ) {
        let c = &mut self.coverage;
        let any = |f: &dyn Fn(usize, &Question) -> bool| {
            q.questions.iter().enumerate().any(|(i, question)| f(i, question))
        };
        if expected.is_null() {
            c.nothing_scored += 1;
        }
        for e in expected["evidence"].as_array().into_iter().flatten() {
            c.prefilled += usize::from(e["prefilled"] == true);
            c.contradiction += usize::from(e["contradiction"] == true);
            c.agreement += usize::from(
                e["contradiction"] == false && e["prefilled"] == false && e["value"].is_number(),
            );
        }
        c.other_top += usize::from(top != score::DEFAULT_TOP);
        c.capped += usize::from(expected["caps"].as_array().is_some_and(|caps| !caps.is_empty()));
        c.hidden_answered += usize::from(any(&|i, _| !shown[i] && values[i].is_some()));
        c.hidden_parent_chain += usize::from(any(&|i, question| {
            question.show_if.is_some_and(|s| {
                !shown[i] && !shown[s.question] && q.questions[s.question].show_if.is_some()
            })
        }));
        c.multi_over_100 += usize::from(any(&|i, question| match (&question.kind, &values[i]) {
            (Kind::Multi { options }, Some(Answer::Multi(chosen))) => {
                shown[i] && chosen.iter().map(|&o| options[o].score).sum::<f64>() > 100.0
            }
            _ => false,
        }));
        c.band_edge += usize::from(any(&|i, question| match (&question.kind, &values[i]) {
            (Kind::Number { bands, .. }, Some(Answer::Number(v))) => {
                bands.iter().any(|b| b.max == Some(*v))
            }
            _ => false,
        }));
        c.negative_scale_min += usize::from(any(&|i, question| {
            matches!(question.kind, Kind::Scale { min, .. } if min < 0) && values[i].is_some()
        }));
        c.fractional_weight += usize::from(
            q.dimensions
                .iter()
                .map(|d| d.weight)
                .chain(q.questions.iter().map(|q| q.weight))
                .any(|w| w.fract() != 0.0),
        );
        c.unassessed_dimension += usize::from(
            expected["dimensions"]
                .as_array()
                .is_some_and(|dims| dims.iter().any(|d| d["score"].is_null())),
        );
        // Two recommendations in a row (not capping) whose impacts are equal to 1e-9.
        let recs = expected["recommendations"].as_array().cloned().unwrap_or_default();
        let capping: Vec<&str> = expected["caps"]
            .as_array()
            .map(|caps| caps.iter().filter_map(|c| c["question"].as_str()).collect())
            .unwrap_or_default();
        let rank = |r: &Value| (r["impact"].as_f64().unwrap_or(0.0) * 1e9).round() as i64;
        c.exact_tie += usize::from(recs.windows(2).any(|pair| {
            let free = |r: &Value| !capping.contains(&r["question"].as_str().unwrap_or(""));
            free(&pair[0]) && free(&pair[1]) && rank(&pair[0]) == rank(&pair[1])
        }));
    }
}

/// `learn` entries resolve to a link named after the entry: the page copies them as they are.
fn load(path: &Path) -> Option<assessment::Assessment> {
    let resolve = |reference: &str| {
        Ok::<_, Diagnostic>(LearnLink {
            title: format!("Learn {reference}"),
            url: format!("/learn/{}", reference.replace(['[', ']'], "")),
        })
    };
    let mut diags = Diagnostics::new();
    assessment::load(path, &resolve, &mut diags)
}

/// The answer that scores highest (`best`) or lowest for `question`.
fn extreme(question: &Question, best: bool) -> Answer {
    let better = |a: f64, b: f64| if best { a > b } else { a < b };
    match &question.kind {
        Kind::Choice { options } => {
            let mut at = 0;
            for (i, o) in options.iter().enumerate() {
                if better(o.score, options[at].score) {
                    at = i;
                }
            }
            Answer::Choice(at)
        }
        Kind::Multi { options } if best => Answer::Multi((0..options.len()).collect()),
        Kind::Multi { .. } => Answer::Multi(Vec::new()),
        Kind::Scale { min, max, .. } => Answer::Scale(if best { *max } else { *min }),
        Kind::Number { bands, .. } => {
            let mut at = 0;
            for (i, b) in bands.iter().enumerate() {
                if better(b.score, bands[at].score) {
                    at = i;
                }
            }
            // A band's own `max`, on the edge; the last band starts above the one before.
            let value = match bands[at].max {
                Some(max) => max,
                None if at > 0 => bands[at - 1].max.unwrap_or(0.0) + 1.0,
                None => 0.0,
            };
            Answer::Number(value)
        }
    }
}

/// Any valid answer to `question`, favouring the edges (scale ends, band maxima).
fn random_answer(rng: &mut Rng, question: &Question) -> Answer {
    match &question.kind {
        Kind::Choice { options } => Answer::Choice(rng.below(options.len())),
        Kind::Multi { options } => {
            Answer::Multi((0..options.len()).filter(|_| rng.chance(0.5)).collect())
        }
        Kind::Scale { min, max, .. } => Answer::Scale(match rng.below(3) {
            0 => *min,
            1 => *max,
            _ => min + rng.below((max - min + 1) as usize) as i64,
        }),
        Kind::Number { bands, .. } => {
            let edges: Vec<f64> = bands.iter().filter_map(|b| b.max).collect();
            Answer::Number(match rng.below(4) {
                0 | 1 if !edges.is_empty() => rng.pick(&edges),
                2 if !edges.is_empty() => rng.pick(&edges) + 0.001,
                _ => (rng.below(24001) as f64 - 4000.0) / 200.0,
            })
        }
    }
}

fn random_values(rng: &mut Rng, q: &Questionnaire, p: f64) -> Vec<Option<Answer>> {
    q.questions.iter().map(|question| rng.chance(p).then(|| random_answer(rng, question))).collect()
}

const WEIGHTS: &[f64] = &[1.0, 1.0, 2.0, 3.0, 0.5, 0.1, 0.2, 0.3, 1.5, 0.7, 2.25];
const SCORES: &[f64] =
    &[0.0, 10.0, 12.5, 20.0, 25.0, 33.3, 40.0, 50.0, 60.0, 66.7, 75.0, 80.0, 90.0, 100.0];
const TIER_MINS: &[f64] = &[10.0, 25.0, 100.0 / 3.0, 45.0, 50.0, 62.5, 75.0, 80.0, 95.5, 100.0];
const BAND_MAXES: &[f64] = &[-5.0, 0.0, 0.3, 0.5, 1.0, 2.5, 10.0, 90.0, 90.5, 95.0, 98.5, 99.9];

/// A questionnaire from the generator. `plain` ones use weight 1 and scores 0, 50 and 100
/// only, so that equal impacts (exact ties) are common.
fn random_questionnaire(rng: &mut Rng, n: usize, plain: bool) -> Questionnaire {
    let weight = |rng: &mut Rng| if plain { 1.0 } else { rng.pick(WEIGHTS) };
    let option_score = |rng: &mut Rng| match (plain, rng.below(6)) {
        (true, _) => rng.pick(&[0.0, 50.0, 100.0]),
        (false, 0) => rng.below(1001) as f64 / 10.0,
        (false, _) => rng.pick(SCORES),
    };

    let mut mins: Vec<f64> = TIER_MINS.iter().copied().filter(|_| rng.chance(0.3)).collect();
    mins.insert(0, 0.0);
    let tiers: Vec<Tier> = mins
        .iter()
        .enumerate()
        .map(|(i, &min)| Tier {
            id: format!("t{i}"),
            title: format!("Tier {i}"),
            min,
            summary: String::new(),
        })
        .collect();
    let dimensions: Vec<Dimension> = (0..1 + rng.below(5))
        .map(|d| Dimension {
            id: format!("d{d}"),
            title: format!("Dimension {d}"),
            weight: weight(rng),
            description: String::new(),
            learn: Vec::new(),
        })
        .collect();

    let mut questions: Vec<Question> = Vec::new();
    for i in 0..1 + rng.below(12) {
        let id = format!("q{i}");
        let options = |rng: &mut Rng, most: usize| -> Vec<AnswerOption> {
            (0..1 + rng.below(most))
                .map(|o| AnswerOption {
                    id: format!("o{o}"),
                    label: format!("Option {o}"),
                    score: option_score(rng),
                    cap: rng.chance(0.15).then(|| rng.below(tiers.len())),
                    advice: rng.chance(0.3).then(|| format!("advice for {id}={o}")),
                })
                .collect()
        };
        let kind = match rng.below(4) {
            0 => Kind::Choice { options: options(rng, 5) },
            1 => Kind::Multi { options: options(rng, 6) },
            2 => {
                let min = rng.pick(&[-10, -3, -1, 0, 1, 2]);
                Kind::Scale { min, max: min + 1 + rng.below(9) as i64, labels: Default::default() }
            }
            _ => {
                let mut maxes: Vec<f64> =
                    BAND_MAXES.iter().copied().filter(|_| rng.chance(0.25)).collect();
                maxes.truncate(3);
                let mut bands: Vec<Band> = maxes
                    .into_iter()
                    .map(|max| Band { max: Some(max), score: option_score(rng) })
                    .collect();
                bands.push(Band { max: None, score: option_score(rng) });
                Kind::Number { unit: rng.chance(0.5).then(|| "%".into()), bands }
            }
        };
        // Conditions on a recent choice or multi question, so that chains form.
        let parents: Vec<usize> =
            (0..i).rev().filter(|&p| !questions[p].kind.options().is_empty()).take(3).collect();
        let show_if = (!parents.is_empty() && rng.chance(0.45)).then(|| {
            let parent = rng.pick(&parents);
            let option = rng.below(questions[parent].kind.options().len());
            ShowIf { question: parent, option }
        });
        questions.push(Question {
            id: id.clone(),
            dimension: rng.below(dimensions.len()),
            weight: weight(rng),
            text: format!("Question {i}?"),
            help: None,
            advice: rng.chance(0.6).then(|| format!("advice for {id}")),
            learn: (0..rng.below(3))
                .map(|l| LearnLink { title: format!("{id} page {l}"), url: format!("/{id}/{l}/") })
                .collect(),
            show_if,
            evidence: None,
            kind,
        });
    }
    Questionnaire {
        id: format!("generated-{n}"),
        title: format!("Generated {n}"),
        intro: String::new(),
        tiers,
        dimensions,
        questions,
    }
}

/// Evidence on some questions of `q`: choice and scale questions may prefill; tolerances
/// include 0 and fractions.
fn add_evidence(rng: &mut Rng, q: &mut Questionnaire) {
    for question in &mut q.questions {
        let can_prefill = matches!(question.kind, Kind::Choice { .. } | Kind::Scale { .. });
        if !rng.chance(if can_prefill { 0.6 } else { 0.25 }) {
            continue;
        }
        let measure = rng.pick(&Measure::ALL);
        question.evidence = Some(Evidence {
            pages: vec!["**".into()],
            measure,
            expected: (measure == Measure::Documented).then(|| 1 + rng.below(40) as u32),
            prefill: can_prefill && rng.chance(0.6),
            tolerance: rng.pick(&[0.0, 10.0, 30.0, 30.0, 33.3, 50.0, 100.0]),
            spans: Vec::new(),
        });
    }
}

/// E for each question with evidence: none at times (no process matched), else a share, an
/// exact option score, a point exactly between two scores (a prefill tie) or exactly the
/// tolerance away from the answer's score (the contradiction boundary).
fn random_evidence(
    rng: &mut Rng,
    q: &Questionnaire,
    values: &[Option<Answer>],
    coverage: &mut Coverage,
) -> Vec<Option<EvidenceValue>> {
    q.questions
        .iter()
        .enumerate()
        .map(|(i, question)| {
            let e = question.evidence.as_ref()?;
            let total = 1 + rng.below(40);
            let matched = rng.below(total + 1);
            let scores: Vec<f64> = match &question.kind {
                Kind::Choice { options } | Kind::Multi { options } => {
                    options.iter().map(|o| o.score).collect()
                }
                Kind::Scale { min, max, .. } => (*min..=*max)
                    .take(50)
                    .filter_map(|v| score::question_score(question, &Answer::Scale(v)))
                    .collect(),
                Kind::Number { bands, .. } => bands.iter().map(|b| b.score).collect(),
            };
            let answered = values
                .get(i)
                .and_then(Option::as_ref)
                .and_then(|a| score::question_score(question, a));
            let value = match rng.below(6) {
                0 => None,
                1 if scores.len() >= 2 => {
                    coverage.prefill_tie += 1;
                    let (a, b) = (rng.pick(&scores), rng.pick(&scores));
                    Some((a + b) / 2.0)
                }
                2 if !scores.is_empty() => Some(rng.pick(&scores)),
                3 if answered.is_some() => {
                    let s = answered.unwrap_or(0.0);
                    let v = if s - e.tolerance >= 0.0 { s - e.tolerance } else { s + e.tolerance };
                    coverage.tolerance_edge += usize::from((0.0..=100.0).contains(&v));
                    Some(v.clamp(0.0, 100.0))
                }
                _ => Some(matched as f64 * 100.0 / total as f64),
            };
            Some(EvidenceValue {
                measure: e.measure,
                value,
                matched: if value.is_some() { matched } else { 0 },
                total: if value.is_some() { total } else { 0 },
                processes: Vec::new(),
            })
        })
        .collect()
}

/// Hand-built cases where binary rounding matters (from score.rs's unit tests).
fn rounding_cases(fixtures: &mut Fixtures) {
    let choice = |id: &str, dimension: usize, weight: f64, score: f64| Question {
        id: id.into(),
        dimension,
        weight,
        text: format!("{id}?"),
        help: None,
        advice: None,
        learn: Vec::new(),
        show_if: None,
        evidence: None,
        kind: Kind::Choice {
            options: vec![AnswerOption {
                id: "only".into(),
                label: "Only".into(),
                score,
                cap: None,
                advice: None,
            }],
        },
    };
    let tier =
        |id: &str, min: f64| Tier { id: id.into(), title: id.into(), min, summary: String::new() };
    let dimension = |id: &str, weight: f64| Dimension {
        id: id.into(),
        title: id.into(),
        weight,
        description: String::new(),
        learn: Vec::new(),
    };
    // Weights 0.1 and 0.2 at 50: 15 / 0.30000000000000004 falls just short of tier `mid`.
    let q = Questionnaire {
        id: "rounding".into(),
        title: "Rounding".into(),
        intro: String::new(),
        tiers: vec![tier("low", 0.0), tier("mid", 50.0)],
        dimensions: vec![dimension("d", 1.0)],
        questions: vec![choice("x", 0, 0.1, 50.0), choice("y", 0, 0.2, 50.0)],
    };
    let both = vec![Some(Answer::Choice(0)); 2];
    fixtures.add("tier min reached despite rounding", &q, both);
    // Dimensions 0.2, 3, 1 at 25, 95, 100: impacts 15 / 4.2 that differ by 4e-16 tie.
    let q = Questionnaire {
        dimensions: vec![dimension("a", 0.2), dimension("b", 3.0), dimension("c", 1.0)],
        questions: vec![
            choice("a", 0, 1.0, 25.0),
            choice("b", 1, 1.0, 95.0),
            choice("c", 2, 1.0, 100.0),
        ],
        ..q
    };
    fixtures.add("impacts equal but for rounding tie", &q, vec![Some(Answer::Choice(0)); 3]);
}

#[test]
fn the_javascript_scorer_agrees_with_the_rust_scorer() {
    let required = std::env::var("OPSBOOK_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if Command::new("node").arg("--version").output().is_err() {
        assert!(!required, "OPSBOOK_REQUIRE_BROWSER=1 but node is not installed");
        eprintln!("\n*** SKIPPING THE SCORE PARITY TEST: node is not installed ***\n");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut fixtures =
        Fixtures { dir: dir.path().to_path_buf(), count: 0, coverage: Coverage::default() };
    let mut rng = Rng(0x0b5b_00c5_2026_1126);

    // The sample questionnaire.
    let sample = load(&repo().join("content/assessment/questionnaire.toml"))
        .expect("the sample questionnaire loads");
    let q = &sample.questionnaire;
    let n = q.questions.len();
    fixtures.add("sample: empty", q, vec![None; n]);
    let best: Vec<_> = q.questions.iter().map(|x| Some(extreme(x, true))).collect();
    let worst: Vec<_> = q.questions.iter().map(|x| Some(extreme(x, false))).collect();
    fixtures.add("sample: all best", q, best);
    for top in [5, 0, 1, 3, 100] {
        fixtures.add_top(&format!("sample: all worst, top {top}"), q, worst.clone(), top);
    }
    for i in 0..6 {
        let values = random_values(&mut rng, q, [1.0, 0.7, 0.4][i % 3]);
        fixtures.add(&format!("sample: mixed {i}"), q, values);
    }
    let conditional: Vec<_> =
        q.questions.iter().map(|x| x.show_if.is_some().then(|| extreme(x, true))).collect();
    assert!(conditional.iter().any(Option::is_some), "the sample has show_if questions");
    fixtures.add("sample: only hidden questions answered", q, conditional.clone());
    // The same hidden answers beside worst answers to everything else.
    let beside: Vec<_> = worst
        .iter()
        .zip(&conditional)
        .map(|(w, c)| if c.is_some() { c.clone() } else { w.clone() })
        .collect();
    fixtures.add("sample: hidden answered beside worst", q, beside);
    for response in &sample.responses {
        let name = response.path.file_name().unwrap().to_string_lossy();
        fixtures.add(&format!("sample: responses/{name}"), q, response.answers.values.clone());
    }

    // Every questionnaire under tests/fixtures/ that loads.
    let mut found = Vec::new();
    find_questionnaires(&repo().join("tests/fixtures"), &mut found);
    found.sort();
    let mut loaded = 0;
    for path in &found {
        let Some(assessment) = load(path) else { continue };
        loaded += 1;
        let q = &assessment.questionnaire;
        let rel = path.strip_prefix(repo()).unwrap().display().to_string();
        for i in 0..8 {
            let values = random_values(&mut rng, q, [1.0, 0.6, 0.3][i % 3]);
            fixtures.add(&format!("{rel}: random {i}"), q, values);
        }
        for response in &assessment.responses {
            let name = response.path.file_name().unwrap().to_string_lossy();
            fixtures.add(&format!("{rel}: responses/{name}"), q, response.answers.values.clone());
        }
    }
    assert!(loaded >= 3, "only {loaded} of {} fixture questionnaires load", found.len());

    // Generated questionnaires and answers.
    rounding_cases(&mut fixtures);
    for i in 0..GENERATED {
        let q = random_questionnaire(&mut rng, i, i % 4 == 3);
        let values = random_values(&mut rng, &q, [1.0, 0.8, 0.5, 0.2][i % 4]);
        let top = rng.pick(&[5, 5, 5, 0, 1, 2, 3, 10, 1000]);
        fixtures.add_top(&format!("generated {i}"), &q, values, top);
    }

    // Evidence: the sample questionnaire's, and generated ones, with prefills (some listed
    // in the answers file as already prefilled) and contradictions.
    for i in 0..EVIDENCE_CASES {
        let (mut q, name) = if i % 3 == 0 {
            (sample.questionnaire.clone(), format!("sample with evidence {i}"))
        } else {
            (
                random_questionnaire(&mut rng, 1000 + i, false),
                format!("generated with evidence {i}"),
            )
        };
        if i % 3 != 0 {
            add_evidence(&mut rng, &mut q);
        }
        let values = random_values(&mut rng, &q, [0.9, 0.5, 0.2][i % 3]);
        let evidence = random_evidence(&mut rng, &q, &values, &mut fixtures.coverage);
        let prefilled: Vec<usize> = (0..q.questions.len())
            .filter(|&k| {
                values[k].is_some() && q.questions[k].evidence.is_some() && rng.chance(0.2)
            })
            .collect();
        let top = rng.pick(&[5, 5, 3, 10]);
        fixtures.add_with(&name, &q, values, top, &evidence, prefilled);
    }

    let c = &fixtures.coverage;
    eprintln!(
        "score parity: {} fixtures ({loaded} of {} fixture questionnaires load); {c:?}",
        fixtures.count,
        found.len()
    );
    for (what, count) in [
        ("NothingScored", c.nothing_scored),
        ("caps", c.capped),
        ("answers to hidden questions", c.hidden_answered),
        ("hidden because a parent is hidden", c.hidden_parent_chain),
        ("multi sums over 100", c.multi_over_100),
        ("numbers on a band edge", c.band_edge),
        ("scales with a negative min", c.negative_scale_min),
        ("fractional weights", c.fractional_weight),
        ("unassessed dimensions", c.unassessed_dimension),
        ("exact ties in impact", c.exact_tie),
        ("top other than 5", c.other_top),
        ("prefilled answers", c.prefilled),
        ("contradictions", c.contradiction),
        ("evidence agreeing with the answer", c.agreement),
        ("prefill ties", c.prefill_tie),
        ("answers exactly the tolerance from E", c.tolerance_edge),
    ] {
        assert!(count >= 5, "only {count} fixtures cover {what}: {c:?}");
    }

    let output = Command::new("node")
        .args(["--test", "tests/js/parity/score.parity.mjs"])
        .current_dir(repo())
        .env("OPSBOOK_SCORE_FIXTURES", dir.path())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the JavaScript scorer disagrees with the Rust scorer:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("# fail 0"), "{stdout}");
    assert!(stdout.contains("# skipped 0"), "{stdout}");
    if let Some(line) = stdout.lines().find(|l| l.contains("largest absolute difference")) {
        eprintln!("score parity: {}", line.trim_start_matches(['#', ' ']));
    }
    // One test per fixture, one that the folder is not empty, one that reports the largest
    // difference: every fixture ran.
    let pass = format!("# pass {}\n", fixtures.count + 2);
    assert!(stdout.contains(&pass), "expected {pass:?}:\n{stdout}");
}

fn find_questionnaires(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            find_questionnaires(&path, found);
        } else if path.file_name().is_some_and(|n| n == "questionnaire.toml") {
            found.push(path);
        }
    }
}
