//! Whole-output snapshots (insta) of what the CLI prints: diagnostics, `check --format json`,
//! `assess` in its four formats and `build`'s summary. A substring test cannot see an extra,
//! a missing or a reordered line; these can. Temporary paths become `[ROOT]` and timings
//! `[TIME]`, so a snapshot is the same on every machine.
//!
//! Review a changed snapshot with `cargo insta review` (or read the `.snap.new` file beside
//! the old one); CI never accepts one.

use crate::support::*;

/// `text` with the site's temporary folder and every duration made stable.
fn redact(site: &TestSite, text: &str) -> String {
    let root = site.root.to_string_lossy();
    let parent = site.root.parent().unwrap().to_string_lossy().into_owned();
    let text = text.replace(root.as_ref(), "[ROOT]").replace(&parent, "[TMP]");
    redact_durations(&text)
}

/// `in 12 ms` / `in 1.24 s` -> `in [TIME]`, as the summaries print durations.
fn redact_durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" in ") {
        out.push_str(&rest[..at + 4]);
        rest = &rest[at + 4..];
        let number = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
        let unit = [" ms", " s"].into_iter().find(|u| number > 0 && rest[number..].starts_with(u));
        if let Some(unit) = unit {
            out.push_str("[TIME]");
            rest = &rest[number + unit.len()..];
        }
    }
    out.push_str(rest);
    out
}

/// What a run printed, as one text: exit code, standard output, standard error.
pub(crate) fn printed(site: &TestSite, run: &Run) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        run.code,
        redact(site, &run.stdout),
        redact(site, &run.stderr)
    )
}

#[test]
fn durations_are_redacted() {
    assert_eq!(
        redact_durations("Built 5 pages in 12 ms; checked in 1.24 s; in a minute"),
        "Built 5 pages in [TIME]; checked in [TIME]; in a minute"
    );
}

#[test]
fn build_summary() {
    let site = TestSite::fixture("basic");
    insta::assert_snapshot!(printed(&site, &site.run(&["build"])));
}

#[test]
fn front_matter_diagnostics() {
    let site = TestSite::fixture("frontmatter/many_errors");
    insta::assert_snapshot!(printed(&site, &site.run(&["build"])));
}

#[test]
fn config_diagnostics() {
    let site = TestSite::fixture("config/unknown_keys");
    insta::assert_snapshot!(printed(&site, &site.run(&["check"])));
}

#[test]
fn check_json() {
    let site = TestSite::fixture("frontmatter/many_errors");
    insta::assert_snapshot!(printed(&site, &site.run(&["check", "--format", "json"])));
}

#[test]
fn questionnaire_diagnostics() {
    let site = TestSite::fixture("assessment/bad_values");
    insta::assert_snapshot!(printed(&site, &site.run(&["check"])));
}

#[test]
fn assess_in_every_format() {
    let site = TestSite::fixture("assessment/site");
    for format in ["text", "json", "markdown", "html"] {
        let run = site.run(&["assess", "answers/capped.toml", "--format", format]);
        insta::assert_snapshot!(format!("assess_{format}"), printed(&site, &run));
    }
}

#[test]
fn answers_diagnostics() {
    let site = TestSite::fixture("assessment/site");
    insta::assert_snapshot!(printed(&site, &site.run(&["assess", "answers/errors.toml"])));
}
