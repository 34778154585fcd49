//! `opsbook build`: the files it writes, URLs under a base path, the atomic commit and its
//! refusals, reproducibility.

use crate::support::*;

#[test]
fn writes_pages_generated_files_assets_and_a_summary() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["build"]).ok();
    assert!(run.stdout.starts_with("Built 5 pages ("), "{}", run.stdout);
    // The fixture's one overdue, one-person process is all build reports.
    assert_eq!(run.stderr.matches(": warning: ").count(), 2, "{}", run.stderr);
    assert!(!run.stderr.contains(": error: "), "{}", run.stderr);
    for file in [
        "index.html",
        "guide/index.html",
        "ops/index.html",
        "ops/pick/index.html",
        "ops/count/index.html",
        "old/pick/index.html",
        "tags/index.html",
        "tags/warehouse/index.html",
        "tags/onboarding/index.html",
        "tags/daily/index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "ops/diagram.svg",
        "files/checklist.txt",
        "assets/opsbook.css",
        "assets/opsbook.js",
        "favicon.svg",
        ".opsbook",
    ] {
        assert!(site.exists(&format!("public/{file}")), "missing public/{file}");
    }
    assert!(!site.exists("public/ops/wip/index.html"), "drafts are not published");
}

#[test]
fn drafts_are_published_with_the_drafts_flag() {
    let site = TestSite::fixture("basic");
    site.run(&["build", "--drafts"]).ok();
    assert!(site.read("public/ops/wip/index.html").contains("Work in progress"));
    let site = TestSite::fixture("drafts/section");
    site.run(&["build"]).ok();
    assert!(site.exists("public/a/index.html"));
    assert!(!site.exists("public/wip/index.html") && !site.exists("public/wip/b/index.html"));
}

#[test]
fn sitemap_and_robots_use_absolute_urls_under_the_base_url() {
    let site = TestSite::fixture("subpath");
    site.run(&["build"]).ok();
    let sitemap = site.read("public/sitemap.xml");
    let locs: Vec<&str> = sitemap.lines().filter_map(|l| l.trim().strip_prefix("<loc>")).collect();
    assert!(locs.len() >= 4, "{sitemap}");
    for loc in &locs {
        assert!(loc.starts_with("https://example.com/kb/"), "{loc}");
    }
    assert!(locs.contains(&"https://example.com/kb/ops/pick/</loc>"));
    assert!(site.read("public/robots.txt").contains("Sitemap: https://example.com/kb/sitemap.xml"));
}

#[test]
fn a_site_without_a_host_gets_no_sitemap() {
    let site = TestSite::fixture("links/missing_md");
    site.write("content/ops/a.md", "Fine.\n");
    site.run(&["build"]).ok();
    assert!(!site.exists("public/sitemap.xml"));
    assert!(!site.read("public/robots.txt").contains("Sitemap"));
}

#[test]
fn every_internal_link_resolves_in_the_output() {
    for (name, site, base) in [
        ("basic", TestSite::fixture("basic"), "/"),
        ("subpath", TestSite::fixture("subpath"), "/kb/"),
        ("sample", TestSite::sample(), "/"),
    ] {
        site.run(&["build"]).ok();
        let broken = broken_links(&site.tree("public"), base);
        assert!(broken.is_empty(), "{name}: broken links:\n{}", broken.join("\n"));
    }
}

#[test]
fn the_sample_site_under_a_sub_path_keeps_every_link_inside_it() {
    let site = TestSite::sample();
    site.run(&["build", "--base-url", "https://example.github.io/handbook/"]).ok();
    let files = site.tree("public");
    let broken = broken_links(&files, "/handbook/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    let home = String::from_utf8_lossy(&files["index.html"]).into_owned();
    assert!(home.contains("href=\"/handbook/assets/opsbook.css?v="));
}

#[test]
fn subpath_pages_link_with_the_base_path() {
    let site = TestSite::fixture("subpath");
    site.run(&["build"]).ok();
    let home = site.read("public/index.html");
    assert!(home.contains("<a href=\"/kb/ops/pick/\">Pick</a>"), "{home}");
    assert!(home.contains("<a href=\"/kb/ops/\">the ops section</a>"));
    assert!(home.contains("<a href=\"/kb/ops/returns/#refunds\">returns</a>"));
    let pick = site.read("public/ops/pick/index.html");
    assert!(pick.contains("<img src=\"/kb/ops/logo.svg\" alt=\"logo\""), "{pick}");
    let alias = site.read("public/old-pick/index.html");
    assert!(
        alias.contains("<meta http-equiv=\"refresh\" content=\"0; url=/kb/ops/pick/\">"),
        "{alias}"
    );
    assert!(alias.contains("<link rel=\"canonical\" href=\"https://example.com/kb/ops/pick/\">"));
}

#[test]
fn links_resolve_to_page_urls_and_wikilinks_show_titles() {
    let site = TestSite::fixture("basic");
    site.run(&["build"]).ok();
    let guide = site.read("public/guide/index.html");
    for expected in [
        "<a href=\"/ops/pick/\">Pick &amp; Pack</a>",
        "<a href=\"/ops/pick/#steps\">the steps</a>",
        "<a href=\"/ops/count/#how-to-count\">Cycle count › How to count</a>",
        "<a href=\"/ops/count/#how-to-count\">count</a>",
        "<a href=\"/ops/\">Operations</a>",
        "<a href=\"/ops/\">ops</a>",
        "<a href=\"/files/checklist.txt\">checklist</a>",
        "<img src=\"/ops/diagram.svg\" alt=\"Flow diagram\"",
        "<a href=\"#linking\">up</a>",
        "<a href=\"https://example.com/\">example</a>",
    ] {
        assert!(guide.contains(expected), "guide lacks {expected}");
    }
    // Referenced by: pick is linked from the guide and the cycle count. The home page links
    // to it too, but the home and section pages are navigation, not references.
    let pick = site.read("public/ops/pick/index.html");
    let backlinks = &pick[pick.find("Referenced by").expect("a backlinks section")..];
    let backlinks = &backlinks[..backlinks.find("</section>").unwrap()];
    for title in ["Guide", "Cycle count"] {
        assert!(backlinks.contains(&format!(">{title}</a>")), "backlinks lack {title}");
    }
    assert!(!backlinks.contains(">Basic Handbook</a>"), "{backlinks}");
}

#[test]
fn builds_are_byte_identical() {
    let site = TestSite::sample();
    site.run(&["build", "--output", "one"]).ok();
    site.run(&["build", "--output", "two"]).ok();
    let one = site.tree("one");
    let two = site.tree("two");
    assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>());
    for (path, bytes) in &one {
        assert!(bytes == &two[path], "{path} differs between builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::fixture("basic");
    site.run(&["build"]).ok();
    let before = site.tree("public");
    site.write("content/guide.md", "Now broken: [[no-such-page]]\n");
    let run = site.run(&["build"]).fails(1);
    run.stderr_has(&["no page matches the wikilink [[no-such-page]]", "nothing was written"]);
    assert_eq!(site.tree("public"), before);
    // Fixing the page makes the next build succeed from whatever state the standby is in.
    site.write("content/guide.md", "## Linking\n\nFixed: [[pick]]\n");
    site.run(&["build"]).ok();
    assert!(site.read("public/guide/index.html").contains("Fixed:"));
}

#[test]
fn a_rebuild_replaces_stale_files() {
    let site = TestSite::fixture("basic");
    site.write("content/ops/extra.md", "See [[pick]].\n");
    site.run(&["build"]).ok();
    assert!(site.exists("public/ops/extra/index.html"));
    std::fs::remove_file(site.path("content/ops/extra.md")).unwrap();
    site.write("content/ops/newer.md", "Newer.\n");
    site.run(&["build"]).ok();
    assert!(!site.exists("public/ops/extra/index.html"), "the deleted page's output is gone");
    assert!(site.exists("public/ops/newer/index.html"));
}

#[test]
fn rebuilds_swap_generations_and_keep_the_previous_one_beside() {
    let site = TestSite::fixture("basic");
    site.run(&["build"]).ok();
    site.write("content/ops/pick.md", "+++\ntitle = \"Pick & Pack\"\naliases = [\"Picking\"]\n+++\n\n## Steps\n\nSecond generation.\n");
    site.run(&["build"]).ok();
    assert!(site.read("public/ops/pick/index.html").contains("Second generation."));
    assert!(
        !site.exists("public/old/pick/index.html"),
        "the removed alias is gone from the live output"
    );
    let previous = site.read(".public.opsbook-prev/ops/pick/index.html");
    assert!(
        previous.contains("Pick and pack every released order."),
        "the previous generation is kept"
    );
    site.write(
        "content/ops/pick.md",
        "+++\ntitle = \"Pick & Pack\"\naliases = [\"Picking\"]\n+++\n\n## Steps\n\nThird.\n",
    );
    site.run(&["build"]).ok();
    assert!(site.read("public/ops/pick/index.html").contains("Third."));
    assert!(site.read(".public.opsbook-prev/ops/pick/index.html").contains("Second generation."));
    let fresh = TestSite::fixture("basic");
    fresh.write("content/ops/pick.md", &site.read("content/ops/pick.md"));
    fresh.run(&["build"]).ok();
    assert_eq!(
        site.tree("public"),
        fresh.tree("public"),
        "an updated standby equals a fresh build"
    );
}

#[test]
fn a_foreign_folder_where_the_previous_build_lives_is_refused() {
    let site = TestSite::fixture("basic");
    site.write(".public.opsbook-prev/notes.txt", "mine");
    site.run(&["build"]).fails(1).stderr_has(&["has no .opsbook marker"]);
    assert_eq!(site.read(".public.opsbook-prev/notes.txt"), "mine");
}

#[test]
fn refuses_a_folder_it_did_not_create_unless_forced() {
    let site = TestSite::fixture("basic");
    site.write("mine/notes.txt", "precious");
    let run = site.run(&["build", "--output", "mine"]).fails(1);
    run.stderr_has(&["refusing to write to", "did not create it", "--force"]);
    assert_eq!(site.read("mine/notes.txt"), "precious");
    // An empty folder is fine.
    std::fs::create_dir_all(site.path("empty")).unwrap();
    site.run(&["build", "--output", "empty"]).ok();
    assert!(site.exists("empty/index.html"));
    // --force replaces it.
    site.run(&["build", "--output", "mine", "--force"]).ok();
    assert!(site.exists("mine/index.html") && !site.exists("mine/notes.txt"));
}

#[test]
fn refuses_outputs_that_would_destroy_the_site() {
    let site = TestSite::fixture("basic");
    let cases = [
        (".", "it is the site root"),
        ("..", "it contains the site"),
        ("content/out", "inside the site's content/ folder"),
        ("static", "inside the site's static/ folder"),
    ];
    for (output, reason) in cases {
        let run = site.run(&["build", "--output", output, "--force"]).fails(1);
        run.stderr_has(&[reason]);
    }
    site.write("elsewhere/content/keep.md", "x");
    site.run(&["build", "--output", "elsewhere", "--force"])
        .fails(1)
        .stderr_has(&["contains a content/ folder"]);
    assert!(site.exists("content/guide.md") && site.exists("elsewhere/content/keep.md"));
}

#[test]
fn nothing_outside_the_output_folder_is_touched() {
    let site = TestSite::fixture("basic");
    site.write("beside-public.txt", "keep me");
    site.run(&["build"]).ok();
    site.run(&["build"]).ok();
    assert_eq!(site.read("beside-public.txt"), "keep me");
    assert!(site.exists("content/guide.md") && site.exists("static/files/checklist.txt"));
}

#[test]
fn raw_html_is_escaped_unless_the_config_allows_it() {
    let site = TestSite::fixture("markdown/unsafe_html_default");
    site.run(&["build"]).ok();
    let page = site.read("public/a/index.html");
    assert!(page.contains("&lt;script&gt;alert"), "escaped by default");
    assert!(!page.contains("<script>alert"));
    let site = TestSite::fixture("markdown/unsafe_html_on");
    site.run(&["build"]).ok();
    let page = site.read("public/a/index.html");
    assert!(page.contains("<span class=\"x\">there</span>"));
    assert!(page.contains("<script>alert(\"x\")</script>"));
}

#[test]
fn site_templates_and_static_files_override_the_theme_file_by_file() {
    let site = TestSite::fixture("theme/override");
    site.run(&["build"]).ok();
    let page = site.read("public/a/index.html");
    assert!(page.contains("<p class=\"custom-page\">Custom: Overridden (vanilla)</p>"), "{page}");
    assert!(
        page.contains("class=\"site-header\""),
        "base.html still comes from the built-in theme"
    );
    assert_eq!(site.read("public/assets/opsbook.css"), "body { background: papayawhip; }\n");
    // The built-in script, as the build ships it (its code; its comment lines are dropped).
    let script = site.read("public/assets/opsbook.js");
    assert!(script.contains("const THEME_KEY = \"opsbook-theme\";"), "{script}");
}

#[test]
fn asset_urls_change_when_the_asset_changes() {
    let site = TestSite::fixture("theme/override");
    site.run(&["build"]).ok();
    let version = |html: &str| {
        let at = html.find("assets/opsbook.css?v=").unwrap();
        html[at..at + 32].to_string()
    };
    let first = version(&site.read("public/index.html"));
    site.write("static/assets/opsbook.css", "body { background: white; }\n");
    site.run(&["build"]).ok();
    let second = version(&site.read("public/index.html"));
    assert_ne!(first, second);
}

#[test]
fn section_listings_are_paginated_and_navigation_is_bounded() {
    let site = TestSite::empty();
    site.write("opsbook.toml", "title = \"Big\"\n");
    site.write("content/big/_index.md", "+++\ntitle = \"Big\"\n+++\n");
    for i in 0..120 {
        site.write(
            &format!("content/big/p{i:03}.md"),
            &format!("+++\ntitle = \"Page {i:03}\"\n+++\n\nText {i}.\n"),
        );
    }
    site.run(&["build"]).ok();
    assert!(
        site.exists("public/big/page/2/index.html") && site.exists("public/big/page/3/index.html")
    );
    assert!(!site.exists("public/big/page/4/index.html"));
    let first = site.read("public/big/p000/index.html");
    let last = site.read("public/big/p119/index.html");
    let nav = |html: &str| {
        let start = html.find("<nav id=\"opsbook-nav\"").unwrap();
        html[start..start + html[start..].find("</nav>").unwrap()].matches("<li").count()
    };
    // The navigation lists a bounded number of pages whatever the section's size.
    assert_eq!(nav(&first), nav(&last));
    assert!(nav(&first) < 40, "{}", nav(&first));
    assert!(first.contains("All 120 pages"));
    let broken = broken_links(&site.tree("public"), "/");
    assert!(broken.is_empty(), "{broken:?}");
}
