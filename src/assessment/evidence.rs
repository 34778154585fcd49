//! Evidence (DESIGN.md section 8, "Evidence"): what the handbook itself shows about a
//! question. A question's `[questions.evidence]` names process pages by glob and a measure;
//! the value E is the share of the matched live processes that meet it (`documented`: how
//! many are written down against `expected`).
//!
//! This module knows nothing of how a process is judged owned or fresh: the caller hands it
//! one [`ProcessFacts`] per process, made by the governance stage with the same rules as
//! `check` ("fresh" is the due-date rule). E is computed once per build, for every question:
//! all the questionnaire's globs go into one glob set, matched once per process, so the cost
//! grows with processes + questions, not their product.

use std::collections::HashMap;

use rayon::prelude::*;

use super::schema::{Evidence, Measure, Questionnaire};

/// What a measure can ask of one live process (not a draft, not deprecated).
#[derive(Debug, Clone)]
pub struct ProcessFacts {
    /// Path below the content folder, `/`-separated (what the globs match).
    pub path: String,
    pub title: String,
    pub url: String,
    pub owned: bool,
    pub backed_up: bool,
    /// Reviewed and not overdue.
    pub fresh: bool,
    pub systems: bool,
}

impl ProcessFacts {
    pub fn meets(&self, measure: Measure) -> bool {
        match measure {
            Measure::Documented => true,
            Measure::Owned => self.owned,
            Measure::BackedUp => self.backed_up,
            Measure::Fresh => self.fresh,
            Measure::Systems => self.systems,
        }
    }
}

/// E for one question, with the processes behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceValue {
    pub measure: Measure,
    /// `matched * 100 / total`, unrounded; `None` when no process matched (except
    /// `documented`, whose total is `expected`).
    pub value: Option<f64>,
    /// Processes that meet the measure (`documented`: min(matched processes, expected)).
    pub matched: usize,
    /// Matched processes (`documented`: `expected`).
    pub total: usize,
    /// The matched processes (indexes into the facts), in their order.
    pub processes: Vec<usize>,
}

/// The evidence of a build: the facts of every live process, and E per question.
#[derive(Debug, Clone, Default)]
pub struct EvidenceSet {
    pub facts: Vec<ProcessFacts>,
    /// Per question of the questionnaire; `None` for questions without evidence.
    pub values: Vec<Option<EvidenceValue>>,
}

/// E of `evidence` over the processes `matched` (indexes into `facts`).
pub fn value(evidence: &Evidence, facts: &[ProcessFacts], matched: Vec<usize>) -> EvidenceValue {
    let measure = evidence.measure;
    let (meeting, total) = match (measure, evidence.expected) {
        (Measure::Documented, Some(expected)) => {
            (matched.len().min(expected as usize), expected as usize)
        }
        _ => (matched.iter().filter(|&&i| facts[i].meets(measure)).count(), matched.len()),
    };
    // In IEEE doubles, in this order, as the design says: the browser gets E from here, and
    // reports compare it with scores to 1e-9.
    let value = (total > 0).then(|| meeting as f64 * 100.0 / total as f64);
    EvidenceValue { measure, value, matched: meeting, total, processes: matched }
}

/// The globs of one question that matched no process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// Index into the questionnaire's questions.
    pub question: usize,
    /// Indexes into the question's `pages`.
    pub globs: Vec<usize>,
}

/// E for every question of `questionnaire` (`None` for questions without evidence), and the
/// globs that matched no process.
pub fn compute(
    questionnaire: &Questionnaire,
    facts: &[ProcessFacts],
) -> (Vec<Option<EvidenceValue>>, Vec<Unmatched>) {
    // Every distinct glob once, in one set.
    let mut globs: Vec<&str> = Vec::new();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut builder = globset::GlobSetBuilder::new();
    let mut in_set: Vec<usize> = Vec::new();
    for e in questionnaire.questions.iter().filter_map(|q| q.evidence.as_ref()) {
        for pattern in &e.pages {
            if ids.contains_key(pattern.as_str()) {
                continue;
            }
            // Validation refused invalid globs; one that fails here is left out of the set,
            // so it matches nothing. `in_set` maps set positions back to glob indexes.
            ids.insert(pattern, globs.len());
            if let Ok(glob) = crate::config::content_glob(pattern) {
                builder.add(glob);
                in_set.push(globs.len());
            }
            globs.push(pattern);
        }
    }
    let set = builder.build().unwrap_or_else(|_| globset::GlobSet::empty());
    // Per glob, the processes it matches: each path is matched once against the whole set,
    // in parallel chunks, each with one reused buffer.
    let chunk = facts.len().div_ceil(rayon::current_num_threads().max(1)).max(1);
    let parts: Vec<Vec<(usize, usize)>> = facts
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, part)| {
            let mut hits = Vec::new();
            let mut buffer = Vec::new();
            for (k, f) in part.iter().enumerate() {
                set.matches_into(f.path.as_str(), &mut buffer);
                hits.extend(buffer.iter().map(|&g| (in_set[g], c * chunk + k)));
            }
            hits
        })
        .collect();
    let mut by_glob: Vec<Vec<usize>> = vec![Vec::new(); globs.len()];
    for (g, process) in parts.into_iter().flatten() {
        by_glob[g].push(process);
    }
    let mut unmatched = Vec::new();
    let values = questionnaire
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| {
            let e = question.evidence.as_ref()?;
            let mut matched: Vec<usize> = Vec::new();
            let mut empty = Vec::new();
            for (k, pattern) in e.pages.iter().enumerate() {
                let list = &by_glob[ids[pattern.as_str()]];
                if list.is_empty() {
                    empty.push(k);
                }
                matched.extend_from_slice(list);
            }
            matched.sort_unstable();
            matched.dedup();
            if !empty.is_empty() {
                unmatched.push(Unmatched { question: q, globs: empty });
            }
            Some(value(e, facts, matched))
        })
        .collect();
    (values, unmatched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::schema::{Kind, Question};

    fn facts(path: &str, owned: bool, backed_up: bool, fresh: bool, systems: bool) -> ProcessFacts {
        ProcessFacts {
            path: path.into(),
            title: path.into(),
            url: format!("/{path}/"),
            owned,
            backed_up,
            fresh,
            systems,
        }
    }

    fn evidence(pages: &[&str], measure: Measure, expected: Option<u32>) -> Evidence {
        Evidence {
            pages: pages.iter().map(|p| p.to_string()).collect(),
            measure,
            expected,
            prefill: false,
            tolerance: 30.0,
            spans: Vec::new(),
        }
    }

    fn site() -> Vec<ProcessFacts> {
        vec![
            facts("fulfillment/pick.md", true, true, true, true),
            facts("fulfillment/pack.md", true, false, false, false),
            facts("fulfillment/deep/claims.md", false, false, true, false),
            facts("inventory/count.md", true, true, false, true),
        ]
    }

    #[test]
    fn each_measure_counts_its_processes() {
        let all = [0, 1, 2, 3].to_vec();
        let v = |m: Measure| value(&evidence(&["**"], m, None), &site(), all.clone());
        assert_eq!((v(Measure::Owned).matched, v(Measure::Owned).total), (3, 4));
        assert_eq!(v(Measure::Owned).value, Some(75.0));
        assert_eq!(v(Measure::BackedUp).value, Some(50.0));
        assert_eq!(v(Measure::Fresh).value, Some(50.0));
        assert_eq!(v(Measure::Systems).value, Some(50.0));
        // documented: min(|P|, expected) of expected.
        let d = value(&evidence(&["**"], Measure::Documented, Some(12)), &site(), all.clone());
        assert_eq!((d.matched, d.total), (4, 12));
        assert_eq!(d.value, Some(4.0 * 100.0 / 12.0));
        let over = value(&evidence(&["**"], Measure::Documented, Some(3)), &site(), all);
        assert_eq!(over.value, Some(100.0));
    }

    #[test]
    fn no_matched_process_is_no_value_except_for_documented() {
        let none = value(&evidence(&["x/**"], Measure::Owned, None), &site(), Vec::new());
        assert_eq!((none.value, none.matched, none.total), (None, 0, 0));
        let d = value(&evidence(&["x/**"], Measure::Documented, Some(5)), &site(), Vec::new());
        assert_eq!(d.value, Some(0.0));
    }

    #[test]
    fn globs_follow_the_ignore_rules() {
        let q = |pages: &[&str]| {
            let q = Questionnaire {
                id: "q".into(),
                title: "Q".into(),
                intro: String::new(),
                tiers: Vec::new(),
                dimensions: Vec::new(),
                questions: vec![Question {
                    id: "a".into(),
                    dimension: 0,
                    weight: 1.0,
                    text: "A?".into(),
                    help: None,
                    advice: None,
                    learn: Vec::new(),
                    show_if: None,
                    evidence: Some(evidence(pages, Measure::Owned, None)),
                    kind: Kind::Scale { min: 1, max: 5, labels: Default::default() },
                }],
            };
            compute(&q, &site())
        };
        // `*` stays in a folder; `**` crosses any number; a path matched twice counts once.
        let (v, unmatched) = q(&["fulfillment/*"]);
        assert_eq!(v[0].as_ref().unwrap().processes, [0, 1]);
        assert!(unmatched.is_empty());
        let (v, _) = q(&["fulfillment/**", "fulfillment/pick.md"]);
        assert_eq!(v[0].as_ref().unwrap().processes, [0, 1, 2]);
        // Case-sensitive; a glob that matches nothing is reported by its index.
        let (v, unmatched) = q(&["Fulfillment/**", "inventory/*"]);
        assert_eq!(v[0].as_ref().unwrap().processes, [3]);
        assert_eq!(unmatched, [Unmatched { question: 0, globs: vec![0] }]);
    }
}
