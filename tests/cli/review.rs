//! `opsbook review PATH [--date D]`: sets a process page's `reviewed` date and changes no
//! other byte. "Today" is 2026-11-26 (`SOURCE_DATE_EPOCH` in `support.rs`).

use crate::support::*;

/// The sample's stock adjustments process: reviewed 2026-04-20 every 90 days, a process by
/// its section's cascade, so overdue since 2026-07-19.
const OVERDUE: &str = "content/inventory/stock-adjustments.md";

/// `text` with its one `from` line replaced by `to`.
fn with_line(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} is not once in the page");
    text.replace(from, to)
}

#[test]
fn reviewing_an_overdue_process_clears_its_overdue_banner() {
    let site = TestSite::sample();
    let before = site.read(OVERDUE);
    site.run(&["build"]).ok();
    let page = site.read("public/inventory/stock-adjustments/index.html");
    assert!(page.contains("Review overdue by 130 days"), "the sample page starts overdue");

    let run = site.run(&["review", "inventory/stock-adjustments"]).ok();
    assert_eq!(
        run.stdout,
        "Reviewed content/inventory/stock-adjustments.md: 2026-11-26 (next review due 2027-02-24)\n"
    );
    assert_eq!(run.stderr, "");
    assert_eq!(
        site.read(OVERDUE),
        with_line(&before, "reviewed = 2026-04-20\n", "reviewed = 2026-11-26\n")
    );

    site.run(&["build"]).ok();
    let page = site.read("public/inventory/stock-adjustments/index.html");
    assert!(!page.contains("banner-overdue"), "the banner is gone");
    assert!(page.contains("<time datetime=\"2026-11-26\">26 Nov 2026</time>"), "{page}");
    assert!(page.contains("<time datetime=\"2027-02-24\">24 Feb 2027</time>"), "{page}");
}

#[test]
fn date_sets_the_given_day_in_yaml_front_matter_too() {
    let site = TestSite::sample();
    let file = "content/inventory/cycle-counting.md";
    let before = site.read(file);
    let run = site.run(&["review", file, "--date", "2026-11-20"]).ok();
    assert_eq!(
        run.stdout,
        "Reviewed content/inventory/cycle-counting.md: 2026-11-20 (next review due 2027-02-18)\n"
    );
    assert_eq!(
        site.read(file),
        with_line(&before, "reviewed: 2026-10-05\n", "reviewed: 2026-11-20\n")
    );
    // The period its section's cascade sets, and a date long past.
    let file = "content/returns/refund-rules.md";
    let run = site.run(&["review", file, "--date", "2026-01-10"]).ok();
    assert_eq!(
        run.stdout,
        "Reviewed content/returns/refund-rules.md: 2026-01-10 (next review due 2026-04-10, already past)\n"
    );
}

#[test]
fn a_path_is_taken_from_here_the_root_or_the_content_folder() {
    let site = TestSite::sample();
    let expect = "Reviewed content/inventory/reorder-points.md: 2026-11-26";
    let inventory = site.path("content/inventory");
    for (dir, path) in [
        (site.root.clone(), "content/inventory/reorder-points.md"),
        (site.root.clone(), "inventory/reorder-points"),
        (inventory.clone(), "reorder-points.md"),
        (inventory.clone(), "reorder-points"),
        (inventory.clone(), "../inventory/reorder-points.md"),
    ] {
        let run = run_in(&dir, &["review", path]).ok();
        assert!(run.stdout.starts_with(expect), "{path} from {}: {}", dir.display(), run.stdout);
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let root = site.root.to_str().unwrap();
    let run =
        run_in(elsewhere.path(), &["review", "--root", root, "inventory/reorder-points"]).ok();
    assert!(run.stdout.starts_with(expect), "{}", run.stdout);
    let absolute = site.path("content/inventory/reorder-points.md");
    let run =
        run_in(elsewhere.path(), &["review", "--root", root, absolute.to_str().unwrap()]).ok();
    assert!(run.stdout.starts_with(expect), "{}", run.stdout);
}

#[test]
fn a_bad_or_future_date_is_refused_and_nothing_is_written() {
    let site = TestSite::sample();
    let before = site.tree("content");
    site.run(&["review", "inventory/reorder-points", "--date", "2026-02-30"])
        .fails(2)
        .stderr_has(&["invalid value '2026-02-30' for '--date <YYYY-MM-DD>'", "2026-11-29"]);
    site.run(&["review", "inventory/reorder-points", "--date", "26/11/2026"]).fails(2);
    site.run(&["review", "inventory/reorder-points", "--date", "2026-11-28"])
        .fails(1)
        .stderr_has(&["error: --date 2026-11-28 is in the future: today is 2026-11-26"]);
    assert_eq!(site.tree("content"), before);
    // A day ahead of UTC is someone's today.
    site.run(&["review", "inventory/reorder-points", "--date", "2026-11-27"]).ok();
}

#[test]
fn paths_outside_the_content_folder_are_refused_and_nothing_is_written() {
    let site = TestSite::sample();
    std::fs::write(
        site.root.parent().unwrap().join("outside.md"),
        "+++\nkind = \"process\"\n+++\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../../../outside.md", site.path("content/inventory/linked.md"))
        .unwrap();
    std::fs::write(site.path("notes.md"), "+++\nkind = \"process\"\n+++\n").unwrap();
    site.write("content/notes.md", "+++\nkind = \"process\"\n+++\n");
    let before = site.tree("");
    // A linked folder (not followed by `tree`, so removed before it looks again).
    std::os::unix::fs::symlink(site.root.parent().unwrap(), site.path("content/up")).unwrap();
    let outside_before = std::fs::read(site.root.parent().unwrap().join("outside.md")).unwrap();
    for (path, shown) in [
        ("../outside.md", "`../outside.md` is outside the content folder content/"),
        ("content/../../outside.md", "is outside the content folder"),
        ("opsbook.toml", "`opsbook.toml` is outside the content folder"),
        // The file named here is the one meant, even when the content folder has one too.
        (
            "notes.md",
            "`notes.md` is outside the content folder content/\n  = help: opsbook review only edits pages of the site; did you mean content/notes.md?",
        ),
        ("content/../notes", "`content/../notes` is outside the content folder"),
        (
            "inventory/linked.md",
            "`inventory/linked.md` is outside the content folder content/ (it leads to",
        ),
        ("up/outside.md", "`up/outside.md` is outside the content folder content/ (it leads to"),
    ] {
        let run = site.run(&["review", path]).fails(1);
        run.stderr_has(&[shown, "nothing was written"]);
    }
    site.run(&["review", "inventory/missing"])
        .fails(1)
        .stderr_has(&["error: no page `inventory/missing`"]);
    site.run(&["review", "inventory"]).fails(1).stderr_has(&["`inventory` is a folder"]);
    std::fs::remove_file(site.path("content/up")).unwrap();
    assert_eq!(site.tree(""), before);
    assert_eq!(
        std::fs::read(site.root.parent().unwrap().join("outside.md")).unwrap(),
        outside_before
    );
}

#[test]
fn pages_that_are_not_processes_or_have_no_front_matter_are_refused() {
    let site = TestSite::sample();
    site.write("content/inventory/notes.md", "# Notes\n\nNo front matter.\n");
    site.write("content/how-to.md", "---\ntitle: How to\n---\n");
    site.write("content/inventory/broken.md", "+++\ntitle = \"a\"\nowner = \n+++\n");
    site.write("content/inventory/open.md", "+++\ntitle = \"a\"\n");
    let before = site.tree("content");
    site.run(&["review", "inventory/notes"]).fails(1).stderr_has(&[
        "content/inventory/notes.md: error: the page has no front matter",
        "kind = \"process\"",
    ]);
    site.run(&["review", "how-to"])
        .fails(1)
        .stderr_has(&["content/how-to.md: error: this page is not a process", "`kind: process`"]);
    site.run(&["review", "content/_index.md"]).fails(1).stderr_has(&["is not a process"]);
    site.run(&["review", "inventory/broken"])
        .fails(1)
        .stderr_has(&["content/inventory/broken.md:3:", "invalid TOML front matter"]);
    site.run(&["review", "inventory/open"])
        .fails(1)
        .stderr_has(&["content/inventory/open.md:1:1: error: the front matter is never closed"]);
    assert_eq!(site.tree("content"), before);
}

#[test]
fn crlf_bom_comments_and_permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::sample();
    let file = "content/inventory/counting-crlf.md";
    let text = "\u{feff}+++\r\ntitle = \"Counts\" # shown in the menu\r\nowner = \"Sam\"\r\n\r\n[extra]\r\nreviewed = 2020-01-01\r\n+++\r\n\r\nBody\r\n";
    site.write(file, text);
    std::fs::set_permissions(site.path(file), std::fs::Permissions::from_mode(0o640)).unwrap();
    // No period on the page or its section: `[governance] review_every` (180 days).
    let run = site.run(&["review", file]).ok();
    assert_eq!(
        run.stdout,
        "Reviewed content/inventory/counting-crlf.md: 2026-11-26 (next review due 2027-05-25)\n"
    );
    assert_eq!(
        site.read(file),
        "\u{feff}+++\r\ntitle = \"Counts\" # shown in the menu\r\nowner = \"Sam\"\r\nreviewed = 2026-11-26\r\n\r\n[extra]\r\nreviewed = 2020-01-01\r\n+++\r\n\r\nBody\r\n"
    );
    let mode = std::fs::metadata(site.path(file)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    // Again on the same day: the same bytes, and no temporary file left anywhere.
    let before = site.tree("content");
    site.run(&["review", file]).ok();
    site.run(&["review", "inventory/reorder-points"]).ok();
    let after = site.tree("content");
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    assert_eq!(
        after[file.strip_prefix("content/").unwrap()],
        before[file.strip_prefix("content/").unwrap()]
    );
}
