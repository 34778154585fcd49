//! Evidence (DESIGN section 8): what the handbook shows about a question, on
//! `tests/fixtures/assessment/evidence` at 2026-11-26 (`support::TODAY_EPOCH`). The values
//! below are counted by hand from the fixture's front matter (see its questionnaire's
//! comments): drafts and deprecated pages never count, ops/b is overdue on that day.

use serde_json::{Value, json};

use crate::support::*;

fn report_json(site: &TestSite, answers: &str) -> (Run, Value) {
    let run = site.run(&["assess", answers, "--format", "json"]).ok();
    let report: Value = serde_json::from_str(&run.stdout).expect("the report is JSON");
    (run, report)
}

#[test]
fn each_measure_counts_the_live_processes_its_globs_match() {
    let site = TestSite::fixture("assessment/evidence");
    let (run, report) = report_json(&site, "answers/claims.toml");
    assert_eq!(
        report["evidence"],
        json!([
            // 4 live processes of 8 expected; the answer (100) is 50 points away.
            {"question": "documented", "measure": "documented", "value": 50.0, "matched": 4, "total": 8, "contradiction": true, "prefilled": false},
            // 2 of 3 owned: 100 - 66.67 = 33.33 is beyond the question's tolerance of 33.3.
            {"question": "owned", "measure": "owned", "value": 200.0 / 3.0, "matched": 2, "total": 3, "contradiction": true, "prefilled": false},
            // Unanswered, so prefilled from 2 of 4 (50): the middle of the 1-5 scale.
            {"question": "backed", "measure": "backed_up", "value": 50.0, "matched": 2, "total": 4, "contradiction": false, "prefilled": true},
            // `ops/*`: a and c are fresh, b is overdue.
            {"question": "fresh", "measure": "fresh", "value": 200.0 / 3.0, "matched": 2, "total": 3, "contradiction": true, "prefilled": false},
            {"question": "systems", "measure": "systems", "value": 100.0, "matched": 2, "total": 2, "contradiction": false, "prefilled": false},
            // Nothing matched: no value, no prefill, no contradiction.
            {"question": "nowhere", "measure": "owned", "value": null, "matched": 0, "total": 0, "contradiction": false, "prefilled": false},
        ])
    );
    // The prefilled scale answer is scored: docs (100 + 100 + 100) / 3, people (100 + 50) / 2.
    assert_eq!(report["overall"], json!(87.5));
    assert_eq!(report["unanswered"], json!(["nowhere"]));
    assert!(
        run.stderr.contains(
            "questionnaire.toml:119:10: warning: `warehouse/**` matches no live process page"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_later_review_date_changes_the_evidence() {
    let site = TestSite::fixture("assessment/evidence");
    site.write(
        "content/ops/b.md",
        &site.read("content/ops/b.md").replace("2026-01-01", "2026-11-02"),
    );
    let (_, report) = report_json(&site, "answers/claims.toml");
    let fresh = &report["evidence"][3];
    assert_eq!((fresh["matched"].as_u64(), fresh["value"].as_f64()), (Some(3), Some(100.0)));
    assert_eq!(fresh["contradiction"], json!(false));
}

#[test]
fn the_report_shows_the_evidence_beside_each_answer_in_every_format() {
    let site = TestSite::fixture("assessment/evidence");
    for format in ["text", "markdown", "html"] {
        let run = site.run(&["assess", "answers/claims.toml", "--format", format]).ok();
        insta::assert_snapshot!(format!("evidence_{format}"), crate::outputs::printed(&site, &run));
    }
}

#[test]
fn evidence_diagnostics_name_the_file_line_and_column() {
    let site = TestSite::fixture("assessment/bad_evidence");
    let run = site.run(&["check"]).fails(1);
    // Each diagnostic of the questionnaire, with its help (the pages' governance warnings are
    // governance's tests').
    let lines: Vec<&str> = run.stderr.lines().collect();
    let mut questionnaire = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.contains("questionnaire.toml:") {
            questionnaire.push(*line);
            let rest =
                lines[i + 1..].iter().take_while(|l| !l.contains(".toml:") && !l.contains(".md:"));
            questionnaire.extend(rest.filter(|l| l.starts_with("  = help")));
        }
    }
    insta::assert_snapshot!(questionnaire.join("\n"));
}

#[test]
fn committed_responses_and_the_dashboard_show_the_evidence() {
    let site = TestSite::fixture("assessment/evidence");
    site.run(&["build"]).ok();
    let page = site.read("public/assessment/responses/2026-11-26/index.html");
    assert!(page.contains("<h2>What the handbook shows</h2>"));
    assert!(
        page.contains(
            "<li data-question=\"documented\" data-evidence=\"50\" class=\"contradiction\">"
        ),
        "{page}"
    );
    assert!(page.contains("The handbook shows: 4 of the 8 expected processes under ops/ and stock/ are documented (50%)"));
    assert!(page.contains("Does not match the handbook: your answer scores 100.0, the handbook shows 50% (more than 30 points apart)"));
    assert!(
        page.contains(
            "<p class=\"answer prefilled\">Answered from the handbook: 3 of 5 (score 50.0)</p>"
        ),
        "{page}"
    );
    // The matched processes, one click away; those short of the measure marked.
    assert!(page.contains("<summary>The 3 matched processes</summary>"));
    assert!(
        page.contains(
            "<li><a href=\"/ops/c/\">C</a> <span class=\"short\">(short of it)</span></li>"
        ),
        "{page}"
    );
    // `nowhere` has no value: nothing shown.
    assert!(!page.contains("data-question=\"nowhere\""));
    let dashboard = site.read("public/governance/index.html");
    assert!(dashboard.contains("<h3>What the handbook shows</h3>"));
    assert!(dashboard.contains("2 of 3 processes under ops/ have an owner (67%) <span class=\"badge badge-risk\">The latest answer disagrees</span>"), "{dashboard}");
}

#[test]
fn prefilled_answers_in_a_file_are_kept_and_never_contradict() {
    let site = TestSite::fixture("assessment/evidence");
    site.write(
        "answers/downloaded.toml",
        "questionnaire = \"evidence\"\ndate = 2026-11-26\nprefilled = [\"backed\"]\n\n[answers]\ndocumented = \"no\"\nbacked = 5\n",
    );
    let (_, report) = report_json(&site, "answers/downloaded.toml");
    let backed = &report["evidence"][2];
    // 5 scores 100, E is 50: kept as written, marked prefilled, no contradiction.
    assert_eq!(
        (backed["prefilled"].as_bool(), backed["contradiction"].as_bool()),
        (Some(true), Some(false))
    );
    // `documented` answered "no" (0) against 50: 50 points apart.
    assert_eq!(report["evidence"][0]["contradiction"], json!(true));
    site.write(
        "answers/bad.toml",
        "questionnaire = \"evidence\"\ndate = 2026-11-26\nprefilled = [\"owned\", \"nope\"]\n\n[answers]\ndocumented = \"no\"\n",
    );
    let run = site.run(&["assess", "answers/bad.toml"]).fails(1);
    assert!(
        run.stderr.contains("`owned` is listed as prefilled but has no answer"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("unknown question `nope` in `prefilled`"));
}
