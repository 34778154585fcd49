//! The generated governance pages (DESIGN section 6) on `tests/fixtures/governance`, built on
//! 2026-11-26 (`support::TODAY_EPOCH`): the dashboard, a person's page, a system's page, the
//! process page's links to them, the Atom feed, pagination of long lists, and "Updated" from
//! git.
//!
//! The fixture, by hand (reviews every 90 days):
//! - Ana owns Pick & Pack (backup Ben, reviewed 2026-11-20: on time), Returns Intake (no
//!   backup, due 2026-11-30: due soon), Carrier Claims (no backup, due 2026-07-30: 119 days
//!   overdue) and Stock Adjustments (no backup, due 2026-10-30: 27 days overdue); she backs
//!   up Cycle Count, where she is written `ana`.
//! - Ben owns Cycle Count (due 2026-12-30). Cy owns Annual Stocktake, which is deprecated.
//! - Shopify: Pick & Pack, Returns Intake, Cycle Count (written `shopify`); ShipStation:
//!   Pick & Pack and Carrier Claims.

use std::path::Path;
use std::process::Command;

use crate::support::*;

fn built() -> TestSite {
    let site = TestSite::fixture("governance");
    site.run(&["build"]).ok();
    site
}

/// The part of `html` from the element with `id` to the end of its section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start..];
    let rest = &rest[rest.find('>').map_or(0, |end| end + 1)..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The title of each row of the tables in `html`, in order.
fn row_titles(html: &str) -> Vec<String> {
    html.split("<th scope=\"row\"><a href=\"")
        .skip(1)
        .map(|row| {
            let text = &row[row.find('>').unwrap() + 1..];
            text[..text.find("</a>").unwrap()].replace("&amp;", "&")
        })
        .collect()
}

/// The text of `html` without tags, with runs of white space as one space.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ").replace(" .", ".").replace(" ,", ",")
}

#[test]
fn the_dashboard_adds_up_the_processes() {
    let site = built();
    let html = site.read("public/governance/index.html");
    let glance = text(section(&html, "gov-glance"));
    // 5 live processes (the deprecated one does not count): 5 owned, 2 backed up, 3 on time.
    for expected in ["100% Owned 5 of 5", "40% Backed up 2 of 5", "60% Reviewed on time 3 of 5"] {
        assert!(glance.contains(expected), "{expected:?} in {glance}");
    }
    assert!(glance.contains("On time: 2"), "{glance}");
    assert!(glance.contains("Due within 30 days : 1") || glance.contains("Due within 30 days: 1"));
    assert!(html.contains("aria-label=\"Review state: 2 on time, 1 due soon, 2 overdue\""));
    // Most overdue first.
    let overdue = section(&html, "gov-overdue-heading");
    assert_eq!(row_titles(overdue), ["Carrier Claims", "Stock Adjustments"]);
    assert!(text(overdue).contains("Overdue by 119 days"), "{}", text(overdue));
    assert!(text(overdue).contains("Overdue by 27 days"));
    assert_eq!(row_titles(section(&html, "gov-due-soon-heading")), ["Returns Intake"]);
    assert!(text(section(&html, "gov-due-soon-heading")).contains("Due in 4 days"));
    assert_eq!(
        row_titles(section(&html, "gov-one-person-heading")),
        ["Carrier Claims", "Returns Intake", "Stock Adjustments"]
    );
    // No list of processes without an owner or never reviewed: there are none.
    assert!(!html.contains("id=\"gov-no-owner-heading\""));
    // Health per section.
    let sections = text(section(&html, "gov-sections"));
    assert!(sections.contains("Fulfillment 3 100% 33% 67%"), "{sections}");
    assert!(sections.contains("Inventory 2 100% 50% 50%"), "{sections}");
    // Ana holds three processes alone: a key-person risk, listed first.
    let people = section(&html, "gov-people");
    assert_eq!(row_titles(people), ["Ana", "Ben", "Cy"]);
    assert!(text(people).contains("Ana Key-person risk 4 3 1 2 1"), "{}", text(people));
    assert!(text(people).contains("1 person owns 2 or more processes that nobody else knows"));
    // Systems, most used first, linked to their pages.
    assert!(html.contains("href=\"/handbook/governance/systems/shopify/\">Shopify</a> <span class=\"gov-count\">3</span>"));
    assert!(html.contains("href=\"/handbook/governance/systems/shipstation/\">ShipStation</a> <span class=\"gov-count\">2</span>"));
    // The feed is announced on every page, and the dashboard is in the header.
    assert!(html.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Process reviews\" href=\"/handbook/changes.xml\">"));
    let home = site.read("public/index.html");
    assert!(
        home.contains("<a class=\"header-link\" href=\"/handbook/governance/\">Governance</a>")
    );
}

#[test]
fn a_person_page_lists_what_they_own_and_back_up_most_urgent_first() {
    let site = built();
    // `Ana` and `ana` are one person, shown as first written.
    let html = site.read("public/governance/owners/ana/index.html");
    assert!(html.contains("<h1>Ana</h1>"));
    assert!(
        text(&html).contains(
            "Owns 4 processes and backs up 1. 2 are overdue for review. 1 falls due within 30 days."
        ),
        "{}",
        text(&html)
    );
    assert!(text(&html).contains(
        "Key-person risk. Ana is the only person who knows 3 of the processes they own."
    ));
    let rows = section(&html, "person-processes");
    assert_eq!(
        row_titles(rows),
        ["Carrier Claims", "Stock Adjustments", "Returns Intake", "Cycle Count", "Pick & Pack"]
    );
    let rows = text(rows);
    // Names as each page writes them, linked to the one person.
    assert!(rows.contains("Backup Cycle Count Inventory Ben ana On time"), "{rows}");
    assert!(
        rows.contains("Owner Carrier Claims Fulfillment Ana None: one person Overdue by 119 days"),
        "{rows}"
    );
    assert!(html.contains("href=\"/handbook/governance/systems/shopify/\">Shopify</a>"));
    // A person whose only process is deprecated still has a page that says so.
    let cy = site.read("public/governance/owners/cy/index.html");
    assert!(text(&cy).contains("Owns 0 processes and backs up 0."));
    assert!(text(&cy).contains("Annual Stocktake Deprecated"), "{}", text(&cy));
    assert!(!site.exists("public/governance/owners/ana/page/2/index.html"));
}

#[test]
fn a_system_page_lists_every_process_that_touches_it() {
    let site = built();
    let html = site.read("public/governance/systems/shopify/index.html");
    assert!(html.contains("<h1>Shopify</h1>"));
    assert!(
        text(&html).contains(
            "3 processes touch Shopify; 1 of them is held by one person or overdue for review."
        ),
        "{}",
        text(&html)
    );
    assert_eq!(
        row_titles(section(&html, "system-processes")),
        ["Pick & Pack", "Returns Intake", "Cycle Count"]
    );
    // The data flow: ShipStation shares one process with Shopify.
    let flow = section(&html, "system-flow");
    assert!(flow.contains("href=\"/handbook/governance/systems/shipstation/\">ShipStation</a> <span class=\"gov-count\">1</span>"), "{flow}");
    let owners = text(section(&html, "system-owners"));
    assert_eq!(owners, "Owners of these processes Ana Ben");
    let index = site.read("public/governance/systems/index.html");
    assert_eq!(row_titles(&index), ["ShipStation", "Shopify"]);
}

#[test]
fn process_pages_link_their_people_and_systems() {
    let site = built();
    let html = site.read("public/fulfillment/pick/index.html");
    assert!(
        html.contains(
            "<dt>Owner</dt><dd><a href=\"/handbook/governance/owners/ana/\">Ana</a></dd>"
        )
    );
    assert!(html.contains("<a href=\"/handbook/governance/owners/ben/\">Ben</a>"));
    assert!(html.contains(
        "<li><a href=\"/handbook/governance/systems/shipstation/\">ShipStation</a></li>"
    ));
    let count = site.read("public/inventory/count/index.html");
    // Written `ana` and `shopify`: the same pages as `Ana` and `Shopify`.
    assert!(count.contains("<a href=\"/handbook/governance/owners/ana/\">ana</a>"));
    assert!(count.contains("<a href=\"/handbook/governance/systems/shopify/\">shopify</a>"));
}

#[test]
fn the_change_feed_is_atom_with_absolute_urls_newest_review_first() {
    let site = built();
    let xml = site.read("public/changes.xml");
    let feed = atom_syndication::Feed::read_from(xml.as_bytes()).expect("valid Atom");
    assert_eq!(feed.title().as_str(), "Governed Ops: process reviews");
    assert_eq!(feed.updated().to_rfc3339(), "2026-11-20T00:00:00+00:00");
    assert_eq!(feed.id(), "https://ops.example.com/handbook/changes.xml");
    let entries: Vec<(String, String, String)> = feed
        .entries()
        .iter()
        .map(|e| {
            (
                e.title().as_str().to_string(),
                e.links()[0].href().to_string(),
                e.updated().date_naive().to_string(),
            )
        })
        .collect();
    // The deprecated stocktake, reviewed last, is not a live process.
    assert_eq!(
        entries,
        [
            (
                "Pick & Pack".into(),
                "https://ops.example.com/handbook/fulfillment/pick/".into(),
                "2026-11-20".into()
            ),
            (
                "Cycle Count".into(),
                "https://ops.example.com/handbook/inventory/count/".into(),
                "2026-10-01".into()
            ),
            (
                "Returns Intake".into(),
                "https://ops.example.com/handbook/fulfillment/returns/".into(),
                "2026-09-01".into()
            ),
            (
                "Stock Adjustments".into(),
                "https://ops.example.com/handbook/inventory/adjust/".into(),
                "2026-08-01".into()
            ),
            (
                "Carrier Claims".into(),
                "https://ops.example.com/handbook/fulfillment/claims/".into(),
                "2026-05-01".into()
            ),
        ]
    );
    let pick = &feed.entries()[0];
    assert_eq!(pick.authors()[0].name(), "Ana");
    assert_eq!(pick.id(), "https://ops.example.com/handbook/fulfillment/pick/#reviewed-2026-11-20");
    assert_eq!(
        pick.summary().map(|s| s.as_str()),
        Some(
            "Reviewed on 20 Nov 2026 (owner: Ana); next review due 18 Feb 2027. Picking and packing orders for the 2 pm carrier cutoff."
        )
    );
    // With a relative base URL, links are site paths and ids URNs.
    let relative = TestSite::fixture("governance");
    relative
        .write("opsbook.toml", "title = \"Governed Ops\"\n[governance]\nreview_every = \"90d\"\n");
    relative.run(&["build"]).ok();
    let feed = atom_syndication::Feed::read_from(relative.read("public/changes.xml").as_bytes())
        .expect("valid Atom");
    assert_eq!(feed.entries()[0].links()[0].href(), "/fulfillment/pick/");
    assert_eq!(feed.entries()[0].id(), "urn:opsbook:fulfillment/pick/#reviewed-2026-11-20");
}

#[test]
fn long_lists_show_fifty_and_page_the_rest() {
    let site = TestSite::empty();
    site.write("opsbook.toml", "title = \"Big\"\n");
    let mut home = String::from("+++\ntitle = \"Home\"\n+++\n\n");
    for i in 0..120 {
        site.write(
            &format!("content/p{i:03}.md"),
            &format!("+++\ntitle = \"Process {i:03}\"\nkind = \"process\"\nowner = \"Solo\"\nreviewed = 2026-11-01\n+++\n\nSteps.\n"),
        );
        home.push_str(&format!("[[p{i:03}]] "));
    }
    site.write("content/_index.md", &home);
    site.run(&["build"]).ok();
    let dashboard = site.read("public/governance/index.html");
    let alone = section(&dashboard, "gov-one-person-heading");
    assert_eq!(row_titles(alone).len(), 50);
    assert!(alone.contains("<a href=\"/governance/one-person/\">See all 120</a>"));
    let page3 = site.read("public/governance/one-person/page/3/index.html");
    assert_eq!(row_titles(&page3).first().map(String::as_str), Some("Process 100"));
    assert_eq!(row_titles(&page3).len(), 20);
    // Solo's page is paged the same way.
    assert_eq!(row_titles(&site.read("public/governance/owners/solo/index.html")).len(), 50);
    assert_eq!(row_titles(&site.read("public/governance/owners/solo/page/3/index.html")).len(), 20);
    assert!(!site.exists("public/governance/owners/solo/page/4/index.html"));
    // No process names a system: no systems pages.
    assert!(!site.exists("public/governance/systems/index.html"));
}

#[test]
fn a_site_without_processes_has_no_governance_pages() {
    let site = TestSite::empty();
    site.write("opsbook.toml", "title = \"Docs\"\n");
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Home\"\nowner = \"Ana\"\n+++\n\nSee [[guide]].\n",
    );
    site.write(
        "content/guide.md",
        "+++\ntitle = \"Guide\"\nowner = \"Ana\"\n+++\n\nNot a process.\n",
    );
    site.run(&["build"]).ok();
    assert!(!site.exists("public/governance/index.html"));
    assert!(!site.exists("public/changes.xml"));
    assert!(!site.read("public/index.html").contains("changes.xml"));
}

#[test]
fn a_governance_index_page_becomes_the_dashboards_intro() {
    let site = TestSite::fixture("governance");
    site.write(
        "content/governance/_index.md",
        "+++\ntitle = \"Who owns what\"\n+++\n\nDana walks this page every Tuesday.\n",
    );
    site.run(&["build"]).ok();
    let html = site.read("public/governance/index.html");
    assert!(html.contains("<h1>Who owns what</h1>"));
    assert!(html.contains("<p>Dana walks this page every Tuesday.</p>"));
    assert!(html.contains("id=\"gov-glance\""));
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn git_dates_set_updated_from_one_log_of_the_whole_site() {
    let site = TestSite::fixture("governance");
    site.write(
        "opsbook.toml",
        "title = \"Governed Ops\"\n[governance]\nreview_every = \"90d\"\ngit_dates = true\n",
    );
    // Without a repository: one warning, and the build goes on.
    let run = site.run(&["build"]).ok();
    assert!(
        run.stderr.contains("`git_dates` is on, but git cannot date the files of content/"),
        "{}",
        run.stderr
    );
    assert!(!site.read("public/fulfillment/pick/index.html").contains("Updated"));

    git(&site.path(""), &["init", "-q"], "2026-03-01T12:00:00Z");
    git(&site.path(""), &["add", "content"], "2026-03-01T12:00:00Z");
    git(&site.path(""), &["commit", "-q", "-m", "first"], "2026-03-01T12:00:00Z");
    site.write(
        "content/fulfillment/claims.md",
        &site.read("content/fulfillment/claims.md").replace("15 days", "14 days"),
    );
    git(&site.path(""), &["commit", "-q", "-am", "second"], "2026-04-02T12:00:00Z");
    // A page that sets `updated` keeps it.
    site.write(
        "content/inventory/adjust.md",
        &site
            .read("content/inventory/adjust.md")
            .replace("reviewed =", "updated = 2026-01-15\nreviewed ="),
    );
    let run = site.run(&["build"]).ok();
    assert!(!run.stderr.contains("git_dates"), "{}", run.stderr);
    let updated = |page: &str| {
        let html = site.read(&format!("public/{page}/index.html"));
        html.split("<time datetime=\"")
            .nth(1)
            .map(|t| t[..10].to_string())
            .filter(|_| html.contains("<span>Updated "))
    };
    assert_eq!(updated("fulfillment/pick").as_deref(), Some("2026-03-01"));
    assert_eq!(updated("fulfillment/claims").as_deref(), Some("2026-04-02"));
    assert_eq!(updated("inventory/adjust").as_deref(), Some("2026-01-15"));
}
