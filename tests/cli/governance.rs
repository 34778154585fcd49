//! Process governance (DESIGN section 6): each rule fires where it should and nowhere else,
//! at the key it concerns; `--strict` and `[governance] strict` make them errors; the JSON of
//! `check` has the documented shape. "Today" is fixed (`support::TODAY_EPOCH`, 2026-11-26).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::*;

/// A site with one process per rule, and one that breaks none.
fn governed_site() -> TestSite {
    let site = TestSite::empty();
    site.write("opsbook.toml", "title = \"Gov\"\n[governance]\nreview_every = \"90d\"\n");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\nStart with [[good]], [[no-owner]], [[one-person]], [[never]], [[late]] and [[draft]].\n",
    );
    let process = |extra: &str| format!("+++\nkind = \"process\"\n{extra}+++\n\nSteps.\n");
    site.write(
        "content/good.md",
        &process("owner = \"Ana\"\nbackups = [\"Ben\"]\nreviewed = 2026-11-01\n"),
    );
    // Linked from `good`, a live page: the deprecated-linked rule fires on `old`.
    site.write(
        "content/good.md",
        &format!(
            "{}See [[old]].\n",
            process("owner = \"Ana\"\nbackups = [\"Ben\"]\nreviewed = 2026-11-01\n")
        ),
    );
    site.write("content/no-owner.md", &process("backups = [\"Ben\"]\nreviewed = 2026-11-01\n"));
    site.write(
        "content/one-person.md",
        &process("owner = \"Ana\"\nbackups = []\nreviewed = 2026-11-01\n"),
    );
    site.write("content/never.md", &process("owner = \"Ana\"\nbackups = [\"Ben\"]\n"));
    site.write(
        "content/late.md",
        &process("owner = \"Ana\"\nbackups = [\"Ben\"]\nreviewed = 2026-01-05\n"),
    );
    site.write(
        "content/old.md",
        &process("owner = \"\"\nstatus = \"deprecated\"\nreviewed = 2020-01-01\n"),
    );
    site.write("content/draft.md", &process("status = \"draft\"\n"));
    site.write(
        "content/lonely.md",
        &process("owner = \"Ana\"\nbackups = [\"Ben\"]\nreviewed = 2026-11-01\n"),
    );
    site
}

fn check_json(site: &TestSite, args: &[&str]) -> (Run, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    let report = serde_json::from_str(&run.stdout).expect("valid JSON");
    (run, report)
}

#[test]
fn each_rule_fires_on_its_page_only_at_the_key_it_concerns() {
    let site = governed_site();
    let (run, report) = check_json(&site, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let found: BTreeSet<(String, String, u64)> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["rule"].as_str().unwrap().to_string(),
                w["path"].as_str().unwrap().to_string(),
                w["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, u64)> = [
        // No owner: line 1, where the missing key would go.
        ("no-owner", "content/no-owner.md", 1),
        // An empty list of backups: at the `backups` key.
        ("one-person", "content/one-person.md", 4),
        ("never-reviewed", "content/never.md", 1),
        // Reviewed 2026-01-05 every 90 days: due 2026-04-05, at the `reviewed` key.
        ("overdue", "content/late.md", 5),
        ("deprecated-linked", "content/old.md", 4),
        ("unlinked", "content/lonely.md", 1),
    ]
    .into_iter()
    .map(|(r, p, l)| (r.to_string(), p.to_string(), l))
    .collect();
    assert_eq!(found, expected, "{}", run.stdout);
    let overdue = report["warnings"].as_array().unwrap().iter().find(|w| w["rule"] == "overdue");
    assert_eq!(overdue.unwrap()["message"], "review overdue by 235 days (due 2026-04-05)");
    assert_eq!(overdue.unwrap()["help"], "review it and run `opsbook review content/late.md`");
}

#[test]
fn the_governance_summary_counts_live_processes() {
    let site = governed_site();
    let (_, report) = check_json(&site, &[]);
    let g = &report["governance"];
    // good, no-owner, one-person, never, late, lonely: the draft and the deprecated page
    // are not live.
    assert_eq!(g["processes"], 6);
    assert_eq!(g["owned"], 5);
    assert_eq!(g["backed_up"], 4);
    assert_eq!(g["on_time"], 4);
    assert_eq!(g["overdue"][0]["path"], "content/late.md");
    assert_eq!(g["overdue"][0]["url"], "/late/");
    assert_eq!(g["overdue"][0]["due"], "2026-04-05");
    assert_eq!(g["overdue"][0]["days_overdue"], 235);
    assert_eq!(
        g["one_person"],
        serde_json::json!([{"path": "content/one-person.md", "url": "/one-person/", "owner": "Ana"}])
    );
}

#[test]
fn strict_makes_warnings_errors_and_the_config_makes_governance_ones_errors() {
    let site = governed_site();
    let (run, report) = check_json(&site, &["--strict"]);
    assert_eq!(run.code, 1);
    assert_eq!(report["warnings"], serde_json::json!([]));
    assert_eq!(report["errors"].as_array().unwrap().len(), 6);
    // Without strict the build succeeds with warnings.
    site.run(&["build"]).ok().stderr_has(&["warning: review overdue by 235 days"]);
    // `[governance] strict = true`: check and build fail.
    let cfg = site.read("opsbook.toml").replace("[governance]\n", "[governance]\nstrict = true\n");
    site.write("opsbook.toml", &cfg);
    site.run(&["check"]).fails(1).stderr_has(&["error: review overdue by 235 days"]);
    site.run(&["build"])
        .fails(1)
        .stderr_has(&["error: held by one person: only Ana knows this process"]);
}

#[test]
fn a_fully_governed_site_has_no_findings() {
    let site = TestSite::empty();
    site.write("opsbook.toml", "title = \"Gov\"\n");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nSee [[a]].\n");
    site.write(
        "content/a.md",
        "+++\nkind = \"process\"\nowner = \"Ana\"\nbackups = [\"Ben\"]\nreviewed = 2026-11-01\n+++\n\nSteps.\n",
    );
    let (run, report) = check_json(&site, &["--strict"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(report["warnings"], serde_json::json!([]));
    assert_eq!(report["governance"]["processes"], 1);
}

#[test]
fn the_sample_sites_governance_json() {
    let site = TestSite::sample();
    let run = site.run(&["check", "--format", "json"]).ok();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&report["governance"]).unwrap());
}

#[test]
fn edit_url_adds_an_edit_link_to_every_page_with_a_file() {
    let site = governed_site();
    let cfg = site.read("opsbook.toml");
    site.write(
        "opsbook.toml",
        &format!(
            "edit_url = \"https://git.example.com/acme/handbook/edit/main/content/{{path}}\"\n{cfg}"
        ),
    );
    site.write("content/Team Notes/a b.md", "+++\ntitle = \"Notes\"\n+++\n\nText.\n");
    site.run(&["build"]).ok();
    let page = site.read("public/good/index.html");
    assert!(
        page.contains("<a href=\"https://git.example.com/acme/handbook/edit/main/content/good.md\">Edit this page</a>"),
        "{page}"
    );
    let spaced = site.read("public/team-notes/a-b/index.html");
    assert!(spaced.contains("/content/Team%20Notes/a%20b.md\">Edit this page</a>"), "{spaced}");
    // Without it, no link.
    site.write("opsbook.toml", &cfg);
    site.run(&["build"]).ok();
    assert!(!site.read("public/good/index.html").contains("Edit this page"));
    // A URL without `{path}` is an error at its value.
    site.write("opsbook.toml", &format!("edit_url = \"https://example.com/edit\"\n{cfg}"));
    site.run(&["build"])
        .fails(1)
        .stderr_has(&["opsbook.toml:1:12: error: `edit_url` must be a full URL with `{path}`"]);
}
