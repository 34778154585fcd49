//! `opsbook init` and `opsbook new`.

use crate::support::*;

#[test]
fn init_creates_a_site_that_builds_and_checks_clean() {
    let dir = TestSite::empty();
    let run = dir.run(&["init", "handbook"]).ok();
    assert!(run.stdout.contains("Created a new site in handbook"), "{}", run.stdout);
    let site = dir.path("handbook");
    run_in(&site, &["check"]).ok();
    let run = run_in(&site, &["build"]).ok();
    assert!(run.stdout.starts_with("Built 4 pages"), "{}", run.stdout);
    let page = std::fs::read_to_string(site.join("public/processes/order-fulfillment/index.html"))
        .unwrap();
    assert!(page.contains(
        "<dt>Owner</dt><dd><a href=\"/governance/owners/alex-morgan/\">Alex Morgan</a></dd>"
    ));
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let dir = TestSite::empty();
    dir.write("existing/notes.md", "mine");
    dir.run(&["init", "existing"]).fails(1).stderr_has(&["is not empty"]);
    assert_eq!(dir.read("existing/notes.md"), "mine");
    assert!(!dir.exists("existing/opsbook.toml"));
}

#[test]
fn new_writes_a_process_doc_with_every_governance_field() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["new", "ops/returns-intake", "--title", "Returns \"Intake\""]).ok();
    assert!(run.stdout.contains("content/ops/returns-intake.md"), "{}", run.stdout);
    let text = site.read("content/ops/returns-intake.md");
    for field in [
        "title = \"Returns \\\"Intake\\\"\"",
        "owner = ",
        "backups = ",
        "reviewed = 2026-11-26",
        "review_every = ",
        "status = ",
        "systems = ",
        "kind = \"process\"",
    ] {
        assert!(text.contains(field), "lacks {field}:\n{text}");
    }
    for section in ["## Purpose", "## Trigger", "## Steps", "## Exceptions", "## Metrics"] {
        assert!(text.contains(section), "lacks {section}");
    }
    site.run(&["build"]).ok();
    let page = site.read("public/ops/returns-intake/index.html");
    assert!(page.contains("<h1>Returns &quot;Intake&quot;</h1>"), "{page}");
    // The title defaults to the file name; an existing file is never overwritten.
    site.run(&["new", "content/ops/cycle-audit.md"]).ok();
    assert!(site.read("content/ops/cycle-audit.md").contains("title = \"Cycle audit\""));
    site.run(&["new", "ops/cycle-audit"]).fails(1).stderr_has(&["already exists"]);
    site.run(&["new", "../escape"])
        .fails(1)
        .stderr_has(&["must be a relative path to a new page in the content folder"]);
}
