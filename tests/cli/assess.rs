//! The readiness assessment: questionnaire validation in `check` and `build`, answers files,
//! `opsbook assess` in its four formats, and the sample site's questionnaire and reviews.
//!
//! Expected numbers are computed by hand in the comments from the fixture files, never
//! copied from the program's output.

use serde_json::Value;

use crate::support::*;

fn close(actual: &Value, expected: f64) {
    let actual = actual.as_f64().unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!((actual - expected).abs() < 1e-9, "{actual} is not {expected}");
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

/// The fixture site `assessment/site`: tiers small 0 / transition 50 / scalable 80;
/// dimensions floor (W 2: scanning, checks) and data (W 1: confidence, measures, accuracy
/// if measures = yes), every question weighted 1.
fn site() -> TestSite {
    TestSite::fixture("assessment/site")
}

// ---- opsbook assess ------------------------------------------------------------------------

#[test]
fn json_has_exactly_the_normative_keys_and_hand_computed_numbers() {
    let run = site().run(&["assess", "answers/good.toml", "--format", "json"]).ok();
    let report = json(&run);
    assert_eq!(
        keys(&report),
        [
            "caps",
            "completion",
            "date",
            "dimensions",
            "overall",
            "questionnaire",
            "recommendations",
            "tier",
            "unanswered",
            "uncapped_tier"
        ]
    );
    assert_eq!(report["questionnaire"], "fixture-readiness");
    assert_eq!(report["date"], "2026-11-20");
    // scanning partial = 50; checks weight + count + photo = 120, capped at 100;
    // floor = (50 + 100) / 2 = 75.
    // confidence 4 on 1..5 = 75; measures yes = 100; accuracy 98 = 60 (98 is the second
    // band's max, so it is in that band); data = (75 + 100 + 60) / 3 = 235 / 3.
    // overall = (2 x 75 + 1 x 235/3) / 3 = 685 / 9 = 76.11: transition (50 <= O < 80).
    close(&report["overall"], 685.0 / 9.0);
    assert_eq!(keys(&report["tier"]), ["id", "title"]);
    assert_eq!(report["tier"]["id"], "transition");
    assert_eq!(report["tier"]["title"], "System in transition");
    assert_eq!(report["uncapped_tier"]["id"], "transition");
    assert_eq!(report["caps"], serde_json::json!([]));
    close(&report["completion"], 1.0);
    let dims = report["dimensions"].as_array().unwrap();
    assert_eq!(dims.len(), 2);
    assert_eq!(keys(&dims[0]), ["answered", "id", "questions", "score", "title", "weight"]);
    assert_eq!(
        (&dims[0]["id"], &dims[0]["title"]),
        (&Value::from("floor"), &Value::from("Warehouse floor"))
    );
    close(&dims[0]["weight"], 2.0);
    close(&dims[0]["score"], 75.0);
    close(&dims[1]["score"], 235.0 / 3.0);
    assert_eq!((dims[1]["answered"].as_u64(), dims[1]["questions"].as_u64()), (Some(3), Some(3)));
    // impact = (W / 3) x (w / n) x (100 - s):
    //   scanning   (2/3) x (1/2) x 50 = 50/3
    //   accuracy   (1/3) x (1/3) x 40 = 40/9
    //   confidence (1/3) x (1/3) x 25 = 25/9
    // checks and measures are at 100.
    let recs = report["recommendations"].as_array().unwrap();
    let order: Vec<&str> = recs.iter().map(|r| r["question"].as_str().unwrap()).collect();
    assert_eq!(order, ["scanning", "accuracy", "confidence"]);
    for (rec, impact) in recs.iter().zip([50.0 / 3.0, 40.0 / 9.0, 25.0 / 9.0]) {
        close(&rec["impact"], impact);
    }
    assert_eq!(keys(&recs[0]), ["advice", "dimension", "impact", "learn", "question", "score"]);
    assert_eq!(recs[0]["dimension"], "floor");
    close(&recs[0]["score"], 50.0);
    assert_eq!(recs[0]["advice"], "Scan every unit.");
    // learn = ["[[pick#steps]]"]: the page title and heading, and the page URL.
    assert_eq!(
        recs[0]["learn"],
        serde_json::json!([{"title": "Pick › Steps", "url": "/ops/pick/#steps"}])
    );
    // "ops/count.md#counts" and "[[Cycle Count#counts]]" resolve alike.
    assert_eq!(recs[1]["learn"][0]["url"], "/ops/count/#counts");
    assert_eq!(recs[2]["learn"][0]["title"], "Cycle Count › Counts");
    assert_eq!(report["unanswered"], serde_json::json!([]));
    // Exactly the report: nothing before or after the JSON, no diagnostics.
    assert!(run.stdout.starts_with('{') && run.stdout.ends_with("}\n"), "{}", run.stdout);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn text_shows_overall_tier_bars_and_recommendations_with_pages_to_read() {
    let run = site().run(&["assess", "answers/good.toml"]).ok();
    let out = &run.stdout;
    for needle in [
        "Fixture readiness\nQ4 review · 2026-11-20\n",
        "Overall    76.1 / 100\n",
        "Tier       System in transition\n",
        "Structure is going in.",
        "Answered   5 of 5 questions asked (100.0%)",
        // 75 of 100 fills 15 of 20 cells.
        "  Warehouse floor  ███████████████░░░░░   75.0  2 of 2 answered\n",
        "  1. How are picks checked?\n",
        "     Warehouse floor · score 50.0 · +16.7 points if raised to 100\n",
        "     Scan every unit.\n",
        "     Read: Pick › Steps  /ops/pick/#steps\n",
        "  3. How sure are you of the stock numbers?\n",
    ] {
        assert!(out.contains(needle), "stdout lacks {needle:?}:\n{out}");
    }
    assert!(!out.contains("capped"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("Scored answers/good.toml in "), "{last}");
    assert!(last.ends_with(": 76.1 / 100, System in transition"), "{last}");
}

#[test]
fn a_capping_answer_lowers_the_tier_and_is_named() {
    let site = site();
    let report = json(&site.run(&["assess", "answers/capped.toml", "--format", "json"]).ok());
    // floor = (0 + 100) / 2 = 50; data = (100 + 100 + 100) / 3 = 100 (99.5 is above the
    // last max, 98); overall = (2 x 50 + 100) / 3 = 66.67: transition, but paper caps small.
    close(&report["overall"], 200.0 / 3.0);
    assert_eq!(report["uncapped_tier"]["id"], "transition");
    assert_eq!(report["tier"]["id"], "small");
    assert_eq!(
        report["caps"],
        serde_json::json!([{"question": "scanning", "option": "paper", "tier": "small"}])
    );
    // The capping question comes first, with the option's own advice.
    assert_eq!(report["recommendations"][0]["question"], "scanning");
    assert_eq!(report["recommendations"][0]["advice"], "Paper caps the tier.");
    // (2/3) x (1/2) x 100 = 33.33 points.
    close(&report["recommendations"][0]["impact"], 100.0 / 3.0);

    let text = site.run(&["assess", "answers/capped.toml"]).ok().stdout;
    for needle in [
        "Tier       Small-operation system\n",
        "capped: the score alone reaches System in transition (50 and up)",
        "- \"How are picks checked?\" answered \"Paper lists\" (caps at Small-operation\n             system)\n",
        "· score 0.0 · +33.3 points if raised to 100 · caps the tier at\n     Small-operation system\n",
    ] {
        assert!(text.contains(needle), "stdout lacks {needle:?}:\n{text}");
    }
    assert!(text.trim_end().ends_with("66.7 / 100, Small-operation system (capped)"), "{text}");
}

#[test]
fn a_dimension_not_assessed_is_null_and_the_unanswered_are_listed() {
    let site = site();
    let report = json(&site.run(&["assess", "answers/partial.toml", "--format", "json"]).ok());
    // scanning full = 100, checks [] = 0: floor = 50, the only dimension assessed, so the
    // overall is 50, exactly transition's min.
    close(&report["overall"], 50.0);
    assert_eq!(report["tier"]["id"], "transition");
    assert_eq!(report["dimensions"][1]["score"], Value::Null);
    // Visible: scanning, checks, confidence, measures (accuracy waits for measures = yes).
    close(&report["completion"], 0.5);
    assert_eq!(report["unanswered"], serde_json::json!(["confidence", "measures"]));
    // An empty multi scores 0, never "-0.0".
    let raw = site.run(&["assess", "answers/partial.toml", "--format", "json"]).ok().stdout;
    assert!(!raw.contains("-0.0") && raw.contains("\"score\": 0.0"), "{raw}");
    let text = site.run(&["assess", "answers/partial.toml"]).ok().stdout;
    assert!(text.contains("  Inventory data   ····················  not assessed\n"), "{text}");
    assert!(
        text.contains("Unanswered (2)\n  - How sure are you of the stock numbers? (confidence)\n"),
        "{text}"
    );
}

#[test]
fn top_limits_the_recommendations() {
    let site = site();
    let one =
        json(&site.run(&["assess", "answers/good.toml", "--format", "json", "--top", "1"]).ok());
    assert_eq!(one["recommendations"].as_array().unwrap().len(), 1);
    assert_eq!(one["recommendations"][0]["question"], "scanning");
    let none =
        json(&site.run(&["assess", "answers/good.toml", "--format", "json", "--top", "0"]).ok());
    assert_eq!(none["recommendations"], serde_json::json!([]));
    let text = site.run(&["assess", "answers/good.toml", "--top", "2"]).ok().stdout;
    assert!(text.contains("  2. ") && !text.contains("  3. "), "{text}");
}

#[test]
fn markdown_is_a_report_to_paste_into_a_doc() {
    let run = site().run(&["assess", "answers/capped.toml", "--format", "markdown"]).ok();
    let md = &run.stdout;
    for needle in [
        "# Fixture readiness\n",
        "**Overall: 66.7 / 100** · **Tier: Small-operation system**",
        "## Why the tier is capped\n",
        "- **How are picks checked?**: “Paper lists” caps the tier at *Small-operation system*.",
        "| Dimension | Weight | Score | Answered |\n|---|--:|--:|--:|\n| Warehouse floor | 2 | 50.0 | 2 of 2 |\n",
        "### 1. How are picks checked?\n",
        "Paper caps the tier.\n",
        "Read: [Pick › Steps](</ops/pick/#steps>)\n",
    ] {
        assert!(md.contains(needle), "markdown lacks {needle:?}:\n{md}");
    }
    assert!(!md.contains("Scored "), "only the report goes to stdout: {md}");
}

#[test]
fn html_is_one_self_contained_page_with_an_svg_chart_and_no_scripts() {
    let run = site().run(&["assess", "answers/good.toml", "--format", "html"]).ok();
    let html = &run.stdout;
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"), "{html}");
    assert!(html.trim_end().ends_with("</html>"));
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(html.contains("<svg class=\"chart\""), "{html}");
    assert!(html.contains("<style>") && html.contains("prefers-color-scheme:dark"));
    // Nothing external: no stylesheet, image or font is fetched.
    assert!(!html.contains("<link") && !html.contains("src="), "{html}");
    // The report's numbers, in the attributes of the browser report's DOM contract.
    let overall: f64 = attr_values(html, "data-overall")[0].parse().unwrap();
    assert!((overall - 685.0 / 9.0).abs() < 1e-9, "{overall}");
    assert_eq!(attr_values(html, "data-tier"), ["transition"]);
    assert_eq!(attr_values(html, "data-dimension"), ["floor", "data"]);
    let scores: Vec<f64> =
        attr_values(html, "data-score").iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!(scores[0], 75.0);
    assert!((scores[1] - 235.0 / 3.0).abs() < 1e-9);
    assert!(html.contains("<a href=\"/ops/pick/#steps\">Pick › Steps</a>"), "{html}");
}

#[test]
fn html_escapes_every_text_and_never_links_to_script() {
    let site = TestSite::fixture("assessment/escaping");
    site.run(&["check"]).ok();
    let html = site.run(&["assess", "answers/a.toml", "--format", "html"]).ok().stdout;
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("javascript:"), "{html}");
    assert!(!lower.contains("<img") && !lower.contains("<i>") && !lower.contains("<b>"), "{html}");
    for needle in [
        "<title>Readiness &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; · Review &lt;/title&gt;",
        "Do you &lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt; scan?",
        "No &quot;quotes&quot; &amp; &lt;i&gt;tags&lt;/i&gt;",
        "Floor &lt;/text&gt;&lt;script&gt;",
        "<strong>Markdown</strong>",
        "<a href=\"#\">this</a> and &lt;img src=x onerror=alert(1)&gt;",
        "Pick &lt;fast&gt; &amp; &quot;safe&quot;",
    ] {
        assert!(html.contains(needle), "html lacks {needle:?}:\n{html}");
    }
}

#[test]
fn output_writes_exactly_the_report_to_a_file() {
    let site = site();
    let stdout_json = site.run(&["assess", "answers/good.toml", "--format", "json"]).ok().stdout;
    let run = site
        .run(&["assess", "answers/good.toml", "--format", "json", "--output", "report.json"])
        .ok();
    assert_eq!(site.read("report.json"), stdout_json);
    assert!(run.stdout.starts_with("Scored answers/good.toml in "), "{}", run.stdout);
    assert!(run.stdout.trim_end().ends_with(": 76.1 / 100, System in transition"));

    let run = site.run(&["assess", "answers/good.toml", "--format", "html", "-o", "r.html"]).ok();
    assert!(site.read("r.html").starts_with("<!doctype html>"));
    assert!(!run.stdout.contains("<html"), "{}", run.stdout);

    // An output path that cannot be written is an error, exit 1.
    site.run(&["assess", "answers/good.toml", "--output", "missing/dir/r.txt"])
        .fails(1)
        .stderr_has(&["error: cannot write missing/dir/r.txt"]);
}

// ---- Answers files --------------------------------------------------------------------------

#[test]
fn an_answer_to_a_hidden_question_is_a_warning_and_not_scored() {
    let run = site().run(&["assess", "answers/hidden.toml", "--format", "json"]).ok();
    run.stderr_has(&[
        "answers/hidden.toml:7:1: warning: `accuracy` is not asked with these answers, so its answer is not scored\n",
        "7 | accuracy = 97\n",
        "= help: it is asked only when the answer to `measures` is `yes`\n",
    ]);
    let report = json(&run);
    // data: measures no = 0 is the only scored question; accuracy 97 (60) is not scored.
    close(&report["dimensions"][1]["score"], 0.0);
    assert_eq!(report["dimensions"][1]["answered"], 1);
    // floor: scanning full = 100; overall = (2 x 100 + 0) / 3.
    close(&report["overall"], 200.0 / 3.0);
}

#[test]
fn every_problem_of_an_answers_file_is_reported_at_its_place() {
    let run = site().run(&["assess", "answers/errors.toml"]).fails(1);
    run.stderr_has(&[
        "answers/errors.toml:2:8: error: `date` must be a date, found a string\n",
        "help: write the day of the review as a TOML date, without quotes: date = 2026-11-26",
        "answers/errors.toml:3:1: error: unknown key `lable` in the answers file\n",
        "help: did you mean `label`?",
        "answers/errors.toml:6:12: error: `scaned` is not an option of `scanning`\n",
        "help: expected one of: paper, partial, full\n",
        "answers/errors.toml:7:21: error: the entries of `checks` must be option ids in quotes, found an integer\n",
        "answers/errors.toml:7:24: error: `weight` is listed twice in `checks`\n",
        "answers/errors.toml:7:34: error: `xray` is not an option of `checks`\n",
        "help: expected one of: weight, count, photo\n",
        "answers/errors.toml:8:14: error: `confidence` must be a whole number from 1 to 5, found 7\n",
        "answers/errors.toml:9:12: error: `measures` is a choice question: expected one option id in quotes, found a boolean\n",
        "answers/errors.toml:10:12: error: `accuracy` must be a finite number, found nan\n",
        "answers/errors.toml:11:1: error: unknown question `speed`\n",
        "10 errors found; no report was written\n",
    ]);
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let site = site();
    site.run(&["assess", "answers/scale.toml"]).fails(1).stderr_has(&[
        "answers/scale.toml:5:14: error: `confidence` must be a whole number from 1 to 5, found 3.5\n",
        "answers/scale.toml:6:10: error: `checks` is a multi question: expected a list of option ids, found a string\n",
        "help: write a list such as [\"a\", \"b\"] of: weight, count, photo",
    ]);
    site.run(&["assess", "answers/other.toml"]).fails(1).stderr_has(&[
        "answers/other.toml:1:17: error: these answers are for the questionnaire `another-questionnaire`, but the site's is `fixture-readiness`\n",
        "1 error found",
    ]);
    site.run(&["assess", "answers/empty.toml"]).fails(1).stderr_has(&[
        "answers/empty.toml:4:1: error: these answers score no question: none of the asked questions is answered\n",
    ]);
    site.run(&["assess", "answers/syntax.toml"])
        .fails(1)
        .stderr_has(&["answers/syntax.toml:4:17: error: invalid basic string"]);
    site.run(&["assess", "answers/nowhere.toml"])
        .fails(1)
        .stderr_has(&["answers/nowhere.toml: error: cannot read the answers file"]);
}

#[test]
fn usage_errors_exit_2() {
    let site = site();
    site.run(&["assess"]).fails(2).stderr_has(&["ANSWERS.toml"]);
    site.run(&["assess", "answers/good.toml", "--format", "pdf"]).fails(2);
    site.run(&["assess", "answers/good.toml", "--top", "-1"]).fails(2);
    site.run(&["assess", "answers/good.toml", "--top", "many"]).fails(2);
}

// ---- The questionnaire in check and build ---------------------------------------------------

const Q: &str = "content/assessment/questionnaire.toml";

#[test]
fn duplicate_ids_are_each_reported_with_the_first_one_named() {
    let run = TestSite::fixture("assessment/duplicate_ids").run(&["check"]).fails(1);
    run.stderr_has(&[
        &format!("{Q}:10:6: error: duplicate tier id `small`\n"),
        "help: the first tier with this id is on line 5\n",
        &format!("{Q}:19:6: error: duplicate dimension id `floor`\n"),
        "help: the first dimension with this id is on line 15\n",
        &format!("{Q}:34:6: error: duplicate option id `yes`\n"),
        "help: the first option with this id is on line 29\n",
        &format!("{Q}:39:6: error: duplicate question id `scan`\n"),
        "help: the first question with this id is on line 23\n",
        "4 errors found",
    ]);
}

#[test]
fn bad_weights_scores_scales_bands_and_tiers_are_all_reported() {
    let run = TestSite::fixture("assessment/bad_values").run(&["check"]).fails(1);
    run.stderr_has(&[
        &format!("{Q}:7:7: error: the first tier must have `min = 0`, found 10\n"),
        &format!(
            "{Q}:17:7: error: tiers must ascend: `min = 40` is not above the previous tier's 60\n"
        ),
        &format!("{Q}:22:10: error: `weight` must be greater than 0, found 0\n"),
        &format!("{Q}:27:10: error: `weight` must be greater than 0, found -1\n"),
        &format!("{Q}:34:9: error: `score` must be between 0 and 100, found 120\n"),
        &format!("{Q}:39:9: error: `score` must be between 0 and 100, found -5\n"),
        &format!("{Q}:46:7: error: `min` (5) must be below `max` (5)\n"),
        &format!(
            "{Q}:60:7: error: bands must ascend: `max = 80` is not above the previous band's 90\n"
        ),
        &format!("{Q}:64:7: error: the last band must not have a `max`\n"),
        "help: the last band catches every value above the others; remove its `max`",
        &format!("{Q}:73:1: error: every band but the last needs a `max`\n"),
        &format!("{Q}:86:25: error: the label `9` is outside the scale, which runs from 1 to 5\n"),
        &format!("{Q}:86:39: error: the label key `x` is not a whole number\n"),
        "12 errors found",
    ]);
}

#[test]
fn references_to_unknown_or_later_things_and_missing_pages_are_reported() {
    let run = TestSite::fixture("assessment/bad_references").run(&["check"]).fails(1);
    run.stderr_has(&[
        &format!("{Q}:12:25: error: the link `ops/pack.md` points to a missing page (ops/pack.md)\n"),
        "help: did you mean ops/pick.md?",
        &format!("{Q}:15:6: error: dimension `people` has no questions\n"),
        &format!("{Q}:20:13: error: unknown dimension `flor`\n"),
        "help: did you mean `floor`?",
        &format!("{Q}:23:10: error: ops/pick.md has no heading `#step`\n"),
        "help: did you mean #steps?",
        &format!("{Q}:23:27: error: no page matches the wikilink [[packing]]\n"),
        &format!("{Q}:23:42: error: `https://example.com/` is neither a content path to a .md file nor a [[wikilink]]\n"),
        &format!("{Q}:29:7: error: `cap` names an unknown tier `tiny`\n"),
        "help: the tiers are: small\n",
        &format!("{Q}:41:24: error: show_if names an unknown question `scna`\n"),
        "help: did you mean `scan`?",
        &format!("{Q}:53:24: error: show_if must name an earlier question; `late` comes later, on line 67\n"),
        &format!("{Q}:63:8: error: unknown question kind `multiple`\n"),
        "help: did you mean `multi`?",
        &format!("{Q}:65:24: error: show_if names the question itself (`self`)\n"),
        &format!("{Q}:74:41: error: `pen` is not an option of `scan`\n"),
        "help: expected one of: paper, scanner\n",
        &format!("{Q}:81:24: error: show_if must name a choice or multi question; `late` is a scale question\n"),
        &format!("{Q}:91:43: error: `scan` is a choice question: use `equals`, not `includes`\n"),
        &format!("{Q}:101:42: error: `tools` is a multi question: use `includes`, not `equals`\n"),
        &format!("{Q}:111:11: error: show_if needs `equals = \"option id\"`\n"),
        "16 errors found",
    ]);
}

#[test]
fn unknown_keys_wrong_types_and_missing_keys_are_reported_with_suggestions() {
    let run = TestSite::fixture("assessment/unknown_keys").run(&["check"]).fails(1);
    run.stderr_has(&[
        &format!("{Q}:3:1: error: unknown key `descripton` in the questionnaire\n"),
        "help: expected one of: id, title, intro, tiers, dimensions, questions\n",
        &format!("{Q}:9:1: error: unknown key `sumary` in [[tiers]]\n"),
        "help: did you mean `summary`?",
        &format!("{Q}:14:10: error: `weight` must be a number, found a string\n"),
        &format!("{Q}:15:9: error: `learn` must be a list of strings, like [\"a\", \"b\"], found a string\n"),
        &format!("{Q}:20:1: error: unknown key `weigth` in [[questions]]\n"),
        "help: did you mean `weight`?",
        &format!("{Q}:23:9: error: `bands` is for number questions, and this one is a choice question\n"),
        &format!("{Q}:25:1: error: option `yes` has no `score`\n"),
        &format!("{Q}:28:1: error: unknown key `scroe` in [[questions.options]]\n"),
        "help: did you mean `score`?",
        &format!("{Q}:30:1: error: question `rate level` has no `text`\n"),
        &format!("{Q}:31:6: error: `rate level` is not a valid question id\n"),
        &format!("{Q}:36:9: error: `score` must be a finite number, found inf\n"),
        "11 errors found",
    ]);
}

#[test]
fn build_refuses_an_invalid_questionnaire_and_assess_reports_it() {
    let site = TestSite::fixture("assessment/duplicate_ids");
    site.run(&["build"]).fails(1).stderr_has(&["duplicate tier id `small`", "nothing was written"]);
    assert!(!site.exists("public"));
    // The answers file is never read: the questionnaire's errors come first.
    site.run(&["assess", "whatever.toml"]).fails(1).stderr_has(&[
        &format!("{Q}:10:6: error: duplicate tier id `small`"),
        "no report was written",
    ]);
}

#[test]
fn check_and_build_validate_every_committed_answers_file() {
    let site = TestSite::fixture("assessment/bad_response");
    let run = site.run(&["check"]).fails(1);
    run.stderr_has(&[
        "content/assessment/responses/2026-06-01.toml:5:8: error: `sometimes` is not an option of `scan`\n",
        "help: expected one of: no, yes\n",
    ]);
    assert!(run.stdout.contains("1 error, 0 warnings"), "{}", run.stdout);
    site.run(&["build"]).fails(1).stderr_has(&["2026-06-01.toml:5:8", "nothing was written"]);
    // The valid one still scores: assess only stops on the file it reads.
    site.run(&["assess", "content/assessment/responses/2026-05-01.toml"]).ok();
}

#[test]
fn the_questionnaire_path_comes_from_the_config() {
    let site = TestSite::fixture("assessment/custom_path");
    site.run(&["check"]).ok();
    let report = json(
        &site.run(&["assess", "readiness/responses/2026-05-01.toml", "--format", "json"]).ok(),
    );
    assert_eq!(report["questionnaire"], "mini");
    close(&report["overall"], 100.0);
    assert_eq!(report["tier"]["id"], "big");

    // A configured path that does not exist is an error at its line in opsbook.toml.
    let run = TestSite::fixture("assessment/missing_questionnaire").run(&["check"]).fails(1);
    run.stderr_has(&[
        "opsbook.toml:4:17: error: the questionnaire `ops/readiness.toml` does not exist\n",
        "help: the path is relative to the site root; the default is \"content/assessment/questionnaire.toml\"",
    ]);
}

#[test]
fn a_site_without_a_questionnaire_has_no_assessment() {
    let site = TestSite::fixture("assessment/no_questionnaire");
    let run = site.run(&["check"]).ok();
    assert!(run.stdout.contains("0 errors, 0 warnings"), "{}", run.stdout);
    site.run(&["build"]).ok();
    site.run(&["assess", "answers/a.toml"]).fails(1).stderr_has(&[
        "content/assessment/questionnaire.toml: error: this site has no readiness questionnaire\n",
        "no report was written",
    ]);
}

// ---- The sample site ------------------------------------------------------------------------

#[test]
fn the_sample_questionnaire_checks_clean_and_both_reviews_score() {
    let site = TestSite::sample();
    let run = site.run(&["check", "--format", "json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]), "{}", run.stdout);
    // Warnings there are the handbook's governance, none about the assessment's files.
    let warnings = report["warnings"].as_array().unwrap();
    assert!(warnings.iter().all(|w| w["rule"].is_string()), "{}", run.stdout);

    let march = site
        .run(&["assess", "content/assessment/responses/2026-03-15.toml", "--format", "json"])
        .ok();
    assert!(march.stderr.is_empty(), "{}", march.stderr);
    let march = json(&march);
    let november = site
        .run(&["assess", "content/assessment/responses/2026-11-20.toml", "--format", "json"])
        .ok();
    assert!(november.stderr.is_empty(), "{}", november.stderr);
    let november = json(&november);
    assert_eq!(
        (&march["date"], &november["date"]),
        (&Value::from("2026-03-15"), &Value::from("2026-11-20"))
    );

    // March: several processes only one person can run caps the tier at small.
    assert_eq!(march["tier"]["id"], "small");
    assert_eq!(
        march["caps"],
        serde_json::json!([{"question": "single-person", "option": "stops", "tier": "small"}])
    );
    assert_eq!(march["recommendations"][0]["question"], "single-person");
    // March reporting: daily-view spreadsheets 30 (w 2), close-days 8 (<= 10: 50),
    // weekly-review informal 35, kpi-definitions no 0; dashboard-freshness hidden.
    // (2 x 30 + 50 + 35 + 0) / 5 = 29.
    let reporting = |r: &Value| r["dimensions"].as_array().unwrap()[5].clone();
    assert_eq!(reporting(&march)["id"], "reporting");
    close(&reporting(&march)["score"], 29.0);
    assert_eq!(reporting(&march)["questions"], 4);

    // November: the score reaches scalable, but five processes still held by one person
    // (a backup in training for each) hold the tier at transition.
    assert_eq!(november["uncapped_tier"]["id"], "scalable");
    assert_eq!(november["tier"]["id"], "transition");
    assert_eq!(november["caps"][0]["option"], "some-planned");
    // Ownership: single-person 50 (w 2), process-owners named 100, backup-confidence 3 on
    // 1..5 = 50, bus-test once 50: (2 x 50 + 100 + 50 + 50) / 5 = 60.
    let ownership = november["dimensions"].as_array().unwrap()[4].clone();
    assert_eq!(ownership["id"], "ownership");
    close(&ownership["score"], 60.0);
    close(&november["completion"], 1.0);
    assert!(november["overall"].as_f64() > march["overall"].as_f64());
    // Every recommendation links to at least one page of the handbook.
    for report in [&march, &november] {
        for rec in report["recommendations"].as_array().unwrap() {
            let learn = rec["learn"].as_array().unwrap();
            assert!(!learn.is_empty(), "{rec}");
            assert!(learn.iter().all(|l| l["url"].as_str().unwrap().starts_with('/')), "{rec}");
        }
    }

    let text = site.run(&["assess", "content/assessment/responses/2026-11-20.toml"]).ok().stdout;
    for needle in [
        "Ecommerce scaling readiness\nQ4 review, month nine · 2026-11-20\n",
        "Tier       System in transition\n",
        "capped: the score alone reaches Scalable system (75 and up)",
        "Read: Ownership and Backups › One-person register  /how-we-operate/ownership-and-backups/#one-person-register\n",
    ] {
        assert!(text.contains(needle), "stdout lacks {needle:?}:\n{text}");
    }
}
