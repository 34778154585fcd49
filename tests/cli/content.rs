//! The content model as a reader sees it: ordering, cascades, both front-matter formats,
//! process metadata, review state, tags and the theme's landmarks.

use crate::support::*;

fn built() -> TestSite {
    let site = TestSite::fixture("basic");
    site.run(&["build"]).ok();
    site
}

#[test]
fn navigation_orders_by_weight_then_title_and_marks_the_current_page() {
    let site = built();
    let html = site.read("public/ops/count/index.html");
    let nav = &html[html.find("id=\"opsbook-nav\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    let order: Vec<_> = ["/guide/", "/ops/", "/ops/pick/", "/ops/count/"]
        .iter()
        .map(|url| {
            nav.find(&format!("href=\"{url}\"")).unwrap_or_else(|| panic!("{url} not in nav"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "nav order {order:?}\n{nav}");
    assert!(nav.contains("<a href=\"/ops/count/\" aria-current=\"page\">Cycle count</a>"), "{nav}");
    assert_eq!(nav.matches("aria-current").count(), 1);
}

#[test]
fn process_pages_show_owner_backups_review_and_systems_from_both_formats() {
    let site = built();
    let pick = site.read("public/ops/pick/index.html");
    for expected in [
        "<dt>Owner</dt><dd><a href=\"/governance/owners/dana/\">Dana</a></dd>",
        "<dt>Backups</dt><dd><a href=\"/governance/owners/sam/\">Sam</a></dd>",
        "datetime=\"2026-10-01\">1 Oct 2026</time>",
        "datetime=\"2026-12-30\">30 Dec 2026</time>",
        "<li><a href=\"/governance/systems/shopify/\">Shopify</a></li><li><a href=\"/governance/systems/wms/\">WMS</a></li>",
        "<span class=\"badge status-active\">Active</span>",
        "<div class=\"callout callout-warning\" data-callout=\"warning\" role=\"note\"><p class=\"callout-title\">Warning</p>",
    ] {
        assert!(pick.contains(expected), "pick lacks {expected}");
    }
    assert!(!pick.contains("banner-overdue"));
    // YAML front matter; reviewed 2026-01-05 every 90 days: due 2026-04-05, 235 days overdue.
    let count = site.read("public/ops/count/index.html");
    for expected in [
        "<dt>Owner</dt><dd><a href=\"/governance/owners/sam/\">Sam</a></dd>",
        "Review overdue by 235 days.",
        "None: held by one person",
        "datetime=\"2026-04-05\">5 Apr 2026</time>",
    ] {
        assert!(count.contains(expected), "count lacks {expected}");
    }
    // The guide is not a process: no panel.
    assert!(!site.read("public/guide/index.html").contains("process-card"));
}

#[test]
fn a_leading_heading_is_kept_when_the_title_is_set() {
    let guide = built().read("public/guide/index.html");
    assert!(guide.contains("<h1>Guide</h1>"));
    assert!(guide.contains("<h1 id=\"this-heading-is-kept-because-the-title-is-set\">"));
}

#[test]
fn tags_get_an_index_and_a_page_each() {
    let site = built();
    let index = site.read("public/tags/index.html");
    assert!(
        index.contains("href=\"/tags/warehouse/\">#Warehouse <span class=\"count\">2</span>"),
        "{index}"
    );
    let warehouse = site.read("public/tags/warehouse/index.html");
    assert!(warehouse.contains("href=\"/ops/pick/\">Pick &amp; Pack</a>"));
    assert!(warehouse.contains("href=\"/ops/count/\">Cycle count</a>"));
    let pick = site.read("public/ops/pick/index.html");
    assert!(pick.contains("<a class=\"tag\" href=\"/tags/warehouse/\">#Warehouse</a>"));
}

#[test]
fn pages_have_landmarks_a_skip_link_and_canonical_urls() {
    let page = built().read("public/ops/pick/index.html");
    for expected in [
        "<html lang=\"en\">",
        "<a class=\"skip-link\" href=\"#opsbook-main\">Skip to content</a>",
        "<header class=\"site-header\">",
        "<nav id=\"opsbook-nav\" class=\"sidebar\" aria-label=\"Handbook\">",
        "<main id=\"opsbook-main\" tabindex=\"-1\">",
        "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\">",
        "<aside class=\"toc\"",
        "<footer class=\"site-footer\">",
        "<link rel=\"canonical\" href=\"https://docs.example.com/ops/pick/\">",
        "<title>Pick &amp; Pack · Basic Handbook</title>",
        "<meta name=\"description\" content=\"Picking and packing orders.\">",
    ] {
        assert!(page.contains(expected), "page lacks {expected}");
    }
    assert!(!page.contains("cdn") && !page.contains("fonts.googleapis"), "no external resources");
}

#[test]
fn the_404_page_works_at_any_depth() {
    let site = TestSite::fixture("subpath");
    site.run(&["build"]).ok();
    let page = site.read("public/404.html");
    assert!(page.contains("href=\"/kb/assets/opsbook.css?v="), "absolute asset URLs");
    assert!(page.contains("action=\"/kb/search/\""));
}

#[test]
fn link_hints_name_pages_of_the_site_being_built() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/ops/extra.md",
        "+++\ntitle = \"Extra\"\n+++\nSee [picking](/ops/pik/) and [[#x]].\n",
    );
    let run = site.run(&["check"]).fails(1);
    // The nearest page of this site, written relative to the linking file's folder.
    run.stderr_has(&[
        "= help: link to the Markdown file (`pick.md`) or a file of the content folder or static/",
    ]);
    assert!(!run.stderr.contains("refund-rules"), "{}", run.stderr);
    assert!(!run.stderr.contains("pick-pack-ship"), "{}", run.stderr);
    site.write(
        "content/assessment/questionnaire.toml",
        &std::fs::read_to_string(fixture_dir(
            "assessment/site/content/assessment/questionnaire.toml",
        ))
        .unwrap()
        .replace("learn = [\"ops/pick.md\"]", "learn = [\"ops/count\"]"),
    );
    let run = site.run(&["check"]).fails(1);
    run.stderr_has(&["such as \"ops/count.md\", or a wikilink such as \"[[count]]\""]);
}

#[test]
fn a_vault_builds_in_place_without_its_tooling_folders() {
    let site = TestSite::fixture("content_dir/vault");
    let run = site.run(&["build"]).ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let pages: Vec<String> = site
        .tree("public")
        .into_keys()
        .filter(|p| {
            p.ends_with("index.html") && !p.starts_with("tags/") && !p.starts_with("search/")
        })
        .collect();
    assert_eq!(
        pages,
        [
            "drafts/deep/keep/index.html",
            "drafts/deep/index.html",
            "drafts/index.html",
            "index.html",
            "notes/index.html",
            "notes/pick/index.html"
        ]
        .map(String::from)
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>(),
    );
    assert!(site.exists("public/files/list.txt"), "static/ is still the static folder");
    assert!(site.read("public/index.html").contains("href=\"/notes/pick/\""));
    // The output sits in the vault, and the next build does not read it as notes.
    let again = site.run(&["build"]).ok();
    assert!(again.stdout.starts_with("Built 6 pages"), "{}", again.stdout);
}

#[test]
fn a_content_dir_moves_the_pages_and_what_refers_to_them() {
    let site = TestSite::fixture("content_dir/docs");
    let run = site.run(&["build"]).ok();
    assert!(run.stdout.starts_with("Built 4 pages"), "{}", run.stdout);
    assert!(site.exists("public/guides/g/index.html") && !site.exists("public/stray/index.html"));
    site.run(&["new", "docs/guides/returns", "--title", "Returns"]).ok();
    assert!(site.read("docs/guides/returns.md").contains("title = \"Returns\""));
    site.run(&["build", "--output", "docs/out"])
        .fails(1)
        .stderr_has(&["refusing to write to docs/out: it is inside the site's docs/ folder"]);
    site.write("docs/bad.md", "+++\nweight = \"x\"\n+++\n");
    site.run(&["check"]).fails(1).stderr_has(&["docs/bad.md:2:10: error:"]);
}

#[test]
fn content_dir_and_ignore_are_checked() {
    let site = TestSite::fixture("content_dir/docs");
    site.write(
        "opsbook.toml",
        "title = \"Docs\"\ncontent_dir = \"../elsewhere\"\nignore = [\"ok/**\", \"[bad\"]\n",
    );
    site.run(&["check"]).fails(1).stderr_has(&[
        "opsbook.toml:2:15: error: `content_dir = \"../elsewhere\"` is not a folder inside the site",
        "opsbook.toml:3:20: error: `[bad` is not a valid glob",
    ]);
}

#[test]
fn serving_a_vault_rebuilds_when_a_note_changes_and_not_for_its_tooling() {
    let site = TestSite::fixture("content_dir/vault");
    let mut server = ServeProcess::start(&site.root, &[]);
    assert!(server.wait_for("Serving"), "{}", server.stop());
    std::thread::sleep(std::time::Duration::from_millis(300));
    site.write(".obsidian/workspace.json", "{\"changed\": true}");
    site.write("notes/pick.md", "# Pick\n\nPick the order, then scan it.\n");
    assert!(server.wait_for("Rebuilt"), "{}", server.stop());
    let lines = server.stop();
    assert!(lines.contains("notes/pick/index.html"), "{lines}");
    assert!(!lines.contains("obsidian"), "{lines}");
}

/// A section whose text already links to its pages (an authored table) does not list them a
/// second time: the automatic listing keeps only the pages the text does not name.
#[test]
fn a_section_lists_only_the_pages_its_text_does_not_link() {
    let site = TestSite::empty();
    site.write("opsbook.toml", "title = \"Lists\"\n");
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n\nThe handbook.\n");
    site.write(
        "content/ops/_index.md",
        "+++\ntitle = \"Ops\"\n+++\n\n| Page | What |\n|---|---|\n| [[a]] | first |\n| [[b]] | second |\n",
    );
    for name in ["a", "b", "c"] {
        site.write(
            &format!("content/ops/{name}.md"),
            &format!("+++\ntitle = \"Page {name}\"\n+++\n\nText.\n"),
        );
    }
    site.run(&["build"]).ok();
    let ops = site.read("public/ops/index.html");
    let listing = &ops[ops.find("<h2 class=\"listing-heading\">").expect("a listing")..];
    assert!(
        listing.starts_with("<h2 class=\"listing-heading\">Other pages in Ops</h2>"),
        "{listing}"
    );
    assert!(listing.contains(">Page c</a>"));
    assert!(!listing.contains(">Page a</a>") && !listing.contains(">Page b</a>"), "{listing}");
    // Linking the last one too leaves no listing at all.
    site.write("content/ops/_index.md", "+++\ntitle = \"Ops\"\n+++\n\n[[a]], [[b]] and [[c]].\n");
    site.run(&["build"]).ok();
    assert!(!site.read("public/ops/index.html").contains("class=\"listing-heading\""));
    // The sample's Fulfillment section has a table of all its pages: no second list.
    let sample = TestSite::sample();
    sample.run(&["build"]).ok();
    assert!(!sample.read("public/fulfillment/index.html").contains("Pages in Fulfillment"));
}
