//! Diagnostics: every problem of a run, each at `file:line:col` with the source line, a
//! caret and a help line; exit 1 for input errors and 2 for usage errors.

use crate::support::*;

#[test]
fn a_broken_wikilink_is_reported_at_its_line_and_column_with_the_line_shown() {
    let site = TestSite::fixture("links/broken_wikilink");
    let run = site.run(&["check"]).fails(1);
    run.stderr_has(&[
        "content/fulfillment/returns.md:7:5: error: no page matches the wikilink [[pick-pak-ship]]\n",
        "7 | See [[pick-pak-ship]] for the packing checks.\n",
        "  |     ^^^^^^^^^^^^^^^^^\n",
        "  = help: did you mean [[pick-pack-ship]]?\n",
    ]);
    assert!(run.stdout.contains("1 error, 0 warnings"), "{}", run.stdout);
    // build reports the same and writes nothing.
    let run = site.run(&["build"]).fails(1);
    run.stderr_has(&["returns.md:7:5", "nothing was written"]);
    assert!(!site.exists("public"));
}

#[test]
fn an_ambiguous_wikilink_takes_the_shortest_path_and_names_the_others() {
    // As in Obsidian (DESIGN section 13): not an error, a warning naming the page not taken.
    let site = TestSite::fixture("links/ambiguous_wikilink");
    site.run(&["check"]).ok().stderr_has(&[
        "content/index.md:1:12: warning: [[intake]] matches 2 pages; it links to receiving/intake.md, not returns/intake.md",
        "help: write a path to pick another, e.g. [[returns/intake]]",
    ]);
    site.run(&["check", "--strict"]).fails(1);
}

#[test]
fn missing_anchors_are_reported_for_wikilinks_markdown_links_and_the_same_page() {
    let site = TestSite::fixture("links/missing_anchor");
    site.run(&["check"]).fails(1).stderr_has(&[
        "content/guide.md:5:4: error: pick.md has no heading `#step`",
        "help: did you mean #steps?",
        "content/guide.md:6:4: error: pick.md has no heading `#nope`",
        "content/guide.md:7:4: error: guide.md has no heading `#missing-here`",
        "3 errors found",
    ]);
}

#[test]
fn links_to_missing_files_drafts_and_outside_the_content_folder_are_errors() {
    let site = TestSite::fixture("links/missing_md");
    let run = site.run(&["check"]).fails(1);
    run.stderr_has(&[
        "content/ops/a.md:1:6: error: the link `../ops/b-page.md` points to a missing page (ops/b-page.md)",
        "help: did you mean ops/b.md?",
        "error: the link `/files/missing.pdf` points to /files/missing.pdf, which is not a page or a file of the site",
    ]);
    TestSite::fixture("links/draft_target").run(&["check"]).fails(1).stderr_has(&[
        "content/a.md:1:6: error: the link `wip.md` points to a draft that is not published",
        "help: publish the page, or build with --drafts",
    ]);
    TestSite::fixture("links/draft_target").run(&["check", "--drafts"]).ok();
    TestSite::fixture("links/climbs_above_root").run(&["check"]).fails(1).stderr_has(&[
        "content/a.md:1:6: error: the link `../../outside.md` points above the content folder",
    ]);
}

#[test]
fn two_sources_for_one_url_are_named_together_and_extra_section_pages_are_pages() {
    TestSite::fixture("content/duplicate_url").run(&["build"]).fails(1).stderr_has(&[
        "error: ops/Pick Pack.md and ops/pick-pack.md both map to the URL /ops/pick-pack/",
    ]);
    // Several section pages in one folder (DESIGN section 3): the first of _index.md,
    // index.md, README.md wins, the others are ordinary pages, with a warning.
    let site = TestSite::fixture("content/two_section_pages");
    site.run(&["build"]).ok().stderr_has(&[
        "content/ops/README.md: warning: _index.md is the section page of ops/; ops/README.md is an ordinary page",
    ]);
    assert!(site.exists("public/ops/readme/index.html"));
}

#[test]
fn every_front_matter_problem_of_every_file_is_reported_in_one_run() {
    let site = TestSite::fixture("frontmatter/many_errors");
    let run = site.run(&["check"]).fails(1);
    run.stderr_has(&[
        "content/types.md:3:10: error: `weight` must be a whole number, found a string",
        "content/types.md:4:12: error: `reviewed` must be a date like 2026-09-14, found \"last week\"",
        "content/types.md:5:10: error: `status` must be \"draft\", \"active\" or \"deprecated\", found \"retired\"",
        "content/types.md:6:16: error: `review_every` must be a review period, found \"often\"",
        "content/types.md:7:8: error: `tags` must be a list of strings, found a number",
        "content/unclosed.md:1:1: error: the front matter is never closed",
        "content/yaml.md:",
        "invalid YAML front matter",
        "content/syntax.md:3:",
        "content/link.md:5:1: error: no page matches the wikilink [[nowhere]]",
        "9 errors found\n",
    ]);
}

#[test]
fn every_unknown_config_key_is_reported_with_its_line() {
    let site = TestSite::fixture("config/unknown_keys");
    site.run(&["check"]).fails(1).stderr_has(&[
        "opsbook.toml:2:1: error: unknown key `titel` in opsbook.toml",
        "help: did you mean `title`?",
        "opsbook.toml:5:1: error: unknown key `unsafe` in [markdown]",
        "help: did you mean `unsafe_html`?",
        "opsbook.toml:8:16: error: `sometimes` is not a review period",
    ]);
}

#[test]
fn json_format_reports_diagnostics_with_relative_paths() {
    let site = TestSite::fixture("links/broken_wikilink");
    let run = site.run(&["check", "--format", "json"]).fails(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(report["version"], 1);
    assert_eq!(report["errors"].as_array().unwrap().len(), 1);
    let diag = &report["errors"][0];
    assert_eq!(diag["rule"], serde_json::Value::Null);
    assert_eq!(diag["path"], "content/fulfillment/returns.md");
    assert_eq!(diag["line"], 7);
    assert_eq!(diag["column"], 5);
    assert_eq!(diag["source_line"], "See [[pick-pak-ship]] for the packing checks.");
    assert_eq!(diag["help"], "did you mean [[pick-pack-ship]]?");
    assert!(run.stderr.is_empty(), "JSON mode prints nothing else: {}", run.stderr);
    let ok = TestSite::fixture("basic").run(&["check", "--format", "json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(
        (report["errors"].clone(), report["pages"].clone()),
        (serde_json::json!([]), serde_json::json!(5))
    );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let site = TestSite::empty();
    site.write("opsbook.toml", "title = \"T\"\n");
    site.write("content/a.md", "+++\ntitle = \"A\"\n[cascade]\nkind = \"process\"\n+++\nBody.\n");
    let run = site.run(&["check"]).ok();
    assert!(
        run.stderr.contains("warning: `cascade` only has an effect in a section page"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("0 errors, 1 warning"), "{}", run.stdout);
    site.run(&["check", "--strict"]).fails(1).stderr_has(&["error: `cascade` only has an effect"]);
}

#[test]
fn usage_errors_exit_2_and_missing_sites_exit_1() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["build", "--no-such-flag"]).fails(2);
    assert!(run.stderr.contains("--no-such-flag"));
    site.run(&["check", "--format", "yaml"]).fails(2);
    let empty = TestSite::empty();
    empty.run(&["build"]).fails(1).stderr_has(&["no opsbook.toml in", "opsbook init"]);
    let run = site.run(&["build", "--root", "nowhere"]).fails(1);
    run.stderr_has(&["no opsbook.toml in nowhere"]);
}

#[test]
fn the_root_is_found_from_a_subfolder() {
    let site = TestSite::fixture("basic");
    let run = run_in(&site.path("content/ops"), &["build"]).ok();
    assert!(run.stdout.starts_with("Built 5 pages"));
    assert!(site.exists("public/index.html"));
}

#[test]
fn the_sample_site_checks_with_governance_warnings_only() {
    // The sample tells a realistic story: some processes overdue, some held by one person.
    let site = TestSite::sample();
    let run = site.run(&["check", "--format", "json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]), "{}", run.stdout);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(!warnings.is_empty());
    assert!(warnings.iter().all(|w| w["rule"].is_string()), "{}", run.stdout);
}
