//! Bringing an existing wiki (DESIGN section 13): an Obsidian vault used in place
//! (`tests/fixtures/obsidian-vault`) and a GitHub-style handbook
//! (`tests/fixtures/handbook`) build as they are, each construct checked by the `href` it
//! resolves to; `[links] broken = "warn"` builds a wiki with broken links, marks them and
//! lists them on `/governance/`, while the default still fails.
//!
//! The vault, by hand: `Fulfillment/Pick and Pack.md` links to `[[Notes]]` (a note of that name
//! is in its own folder and in `Returns/`), `[[Refund Rules]]` (in `Returns/`), a heading chain
//! `#Exchanges#Partial` (the second "Partial" heading, id `partial-1`), a block `^refund-sla`,
//! an alias, `policy.pdf` and two images in `attachments/` (and one `diagram.png` beside it,
//! which wins). `Returns.md` sits beside the `Returns/` folder and is its page. `Loop/A.md`
//! and `Loop/B.md` embed each other; `Deep/Level 1.md` embeds Level 2, which embeds Level 3,
//! down to Level 6. In `Deep/Clash.md` a block id is also a heading's id.

use crate::support::*;

fn built(name: &str) -> (TestSite, Run) {
    let site = TestSite::fixture(name);
    let run = site.run(&["build"]).ok();
    (site, run)
}

/// The `href`s (or `src`s) of the links in a page's article text, in order, without the
/// heading anchors.
fn prose_links(html: &str) -> Vec<String> {
    let prose = between(html, "<div class=\"prose\">", "</article>");
    let prose = prose.split("\n  </div>").next().unwrap_or(prose);
    let mut out = Vec::new();
    for (i, _) in prose.match_indices(['h', 's']) {
        let rest = &prose[i..];
        let value = rest
            .strip_prefix("href=\"")
            .or_else(|| rest.strip_prefix("src=\""))
            .filter(|_| prose[..i].ends_with(' '));
        if let Some(value) = value {
            let value = &value[..value.find('"').unwrap()];
            let anchor_link = prose[..i].ends_with("class=\"heading-anchor\" ");
            if !anchor_link {
                out.push(value.replace("&amp;", "&"));
            }
        }
    }
    out
}

#[test]
fn an_obsidian_vault_builds_in_place_with_every_link_resolved() {
    let (site, run) = built("obsidian-vault");
    let page = site.read("public/fulfillment/pick-and-pack/index.html");
    assert_eq!(
        prose_links(&page),
        [
            // [[Notes]]: the one in the note's own folder.
            "/fulfillment/notes/",
            // [[Refund Rules]], found by name in another folder.
            "/returns/refund-rules/",
            // [[Refund Rules#Exchanges#Partial]]: "Partial" under "Exchanges", not the first one.
            "/returns/refund-rules/#partial-1",
            // [[Refund Rules#^refund-sla|refund SLA]]
            "/returns/refund-rules/#refund-sla",
            // [[Refund policy]]: an alias.
            "/returns/refund-rules/",
            // [[policy.pdf]]: an attachment by name.
            "/attachments/policy.pdf",
            // ![[diagram.png]]: the one beside the note wins over attachments/diagram.png.
            "/Fulfillment/diagram.png",
            // ![[Returns flow.png|300]]
            "/attachments/Returns%20flow.png",
            // ![flow](Returns%20flow.png): a Markdown image by bare name.
            "/attachments/Returns%20flow.png",
            // ![[Packing Checklist]] and ![[Refund Rules#Refunds]]: where each embed comes from.
            "/fulfillment/packing-checklist/",
            "/returns/refund-rules/#refunds",
        ]
    );
    // Labels: a chain's text names the heading; a sized image has its width.
    assert!(page.contains(">Refund Rules › Partial</a>"), "{page}");
    assert!(page.contains("alt=\"Returns flow\" width=\"300\""));
    // `%%comments%%` are gone (their link to a missing note is not checked either).
    assert!(!page.contains("Draft idea") && !page.contains("Nonexistent"));
    assert!(page.contains("This is <mark>important</mark> text."));
    assert!(page.contains(
        "<details class=\"callout callout-tip\" data-callout=\"tip\"><summary class=\"callout-title\">Cut-off times</summary>"
    ));
    // The embedded section: "Refunds" down to the next h2, without the embedded page's ids.
    let embed = between(&page, "#refunds\">Refund Rules › Refunds</a></p>", "</div>");
    assert!(embed.contains("<h2>Refunds</h2>") && embed.contains("Half the price back"));
    assert!(!embed.contains("An exchange") && !embed.contains(" id=\""), "{embed}");
    let checklist = between(&page, ">Packing checklist</a></p>", "</div>");
    assert!(checklist.contains("Weigh the box"), "{checklist}");

    // The block id is the paragraph's id, the caret gone.
    let rules = site.read("public/returns/refund-rules/index.html");
    assert!(rules.contains("<p id=\"refund-sla\">Refunds go out within five business days.</p>"));
    // `Returns.md` beside `Returns/` is that folder's page; `description:` left empty is unset.
    let returns = site.read("public/returns/index.html");
    assert!(returns.contains("<h1>Returns</h1>") && returns.contains("Refund Rules"));
    assert!(!returns.contains("<meta name=\"description\" content=\"\">"));
    // Of `index.md` and `README.md`, `index.md` is the folder's page; the other is a page.
    assert!(site.read("public/team-notes/index.html").contains("<h1>Team notes index</h1>"));
    assert!(site.exists("public/team-notes/readme/index.html"));
    // A cycle of embeds is shown once, with a note.
    let a = site.read("public/loop/a/index.html");
    assert!(a.contains("<h1>Loop A</h1>") && a.contains("class=\"embed-note\""), "{a}");
    // Embeds stop 4 deep: Level 1 shows Levels 2 to 5, and says so instead of Level 6.
    let deep = site.read("public/deep/level-1/index.html");
    for shown in ["Text 2.", "Text 3.", "Text 4.", "Text 5."] {
        assert!(deep.contains(shown), "{shown} missing: {deep}");
    }
    assert!(!deep.contains("The bottom.") && deep.contains("embedded too deeply"), "{deep}");
    // `[[v1.2.0]]` is a note whose name has dots, not an attachment.
    let count = site.read("public/inventory/cycle-count/index.html");
    assert_eq!(prose_links(&count), ["/fulfillment/notes/", "/inventory/v1-2-0/"]);
    // A block id that is a heading's id too stays the heading's: no id twice on a page.
    let clash = site.read("public/deep/clash/index.html");
    assert_eq!(clash.matches(" id=\"rule\"").count(), 1, "{clash}");
    // The vault's own folders and the ignored templates are never pages or files.
    for gone in [".obsidian", ".trash", "_templates", "opsbook.toml"] {
        assert!(!site.exists(&format!("public/{gone}")), "{gone} was published");
    }
    insta::assert_snapshot!(crate::outputs::printed(&site, &run));
}

#[test]
fn a_handbook_resolves_links_written_against_folders_on_disk() {
    let (site, run) = built("handbook");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let cases: [(&str, &[&str]); 5] = [
        // `./style_guide/` (the folder on disk) and `engineering/index.md`.
        ("index.html", &["/style-guide/", "/engineering/"]),
        // `./benefits.md` is the page of the folder beside it.
        ("people/index.html", &["/people/benefits/", "/people/benefits/dental/"]),
        // `../benefits.md`, `../benefits/` and `../../engineering/#on-call`.
        (
            "people/benefits/dental/index.html",
            &["/people/benefits/", "/people/benefits/", "/engineering/#on-call"],
        ),
        // `./#on-call` on an index.md page, `../style_guide/#voice`, `../style_guide` and
        // `../style_guide/README.md`.
        (
            "engineering/index.html",
            &["#on-call", "/style-guide/#voice", "/style-guide/", "/style-guide/"],
        ),
        // `./` from a page is its folder's page.
        ("engineering/deploys/index.html", &["/engineering/", "/people/benefits/"]),
    ];
    for (file, hrefs) in cases {
        let html = site.read(&format!("public/{file}"));
        assert_eq!(prose_links(&html), *hrefs, "{file}");
    }
}

/// The vault with a note of broken links, and `[links] broken` set to `mode`.
fn broken_vault(mode: Option<&str>) -> TestSite {
    let site = TestSite::fixture("obsidian-vault");
    site.write(
        "Broken.md",
        "# Broken\n\n[[Nope]], [x](missing.md), ![[gone.png]], [[Refund Rules#Nowhere]] and [ok](Returns.md).\n",
    );
    if let Some(mode) = mode {
        let config = site.read("opsbook.toml");
        site.write("opsbook.toml", &format!("{config}\n[links]\nbroken = \"{mode}\"\n"));
    }
    site
}

#[test]
fn broken_links_are_errors_unless_warn_then_marked_and_listed_on_governance() {
    // The default: an error at each link, nothing written.
    let site = broken_vault(None);
    let run = site.run(&["build"]).fails(1);
    run.stderr_has(&[
        "Broken.md:3:1: error: no page matches the wikilink [[Nope]]",
        "Broken.md:3:11: error: the link `missing.md` points to a missing page (missing.md)",
        "Broken.md:3:28: error: no image in the site is called gone.png",
        "Broken.md:3:43: error: Returns/Refund Rules.md has no heading `#Nowhere`",
    ]);
    assert!(!site.exists("public"));
    // Only 4 are broken: the hint about `broken = "warn"` waits for more than 20.
    assert!(!run.stderr.contains("broken = \\\"warn\\\""), "{}", run.stderr);

    let site = broken_vault(Some("warn"));
    let run = site.run(&["build"]).ok();
    run.stderr_has(&["Broken.md:3:1: warning: no page matches the wikilink [[Nope]]"]);
    let page = site.read("public/broken/index.html");
    assert_eq!(
        between(&page, "<div class=\"prose\">", "</div>").trim(),
        "<p><a class=\"broken\" title=\"Broken link: no page matches the wikilink [[Nope]]\" data-href=\"Nope\">Nope</a>, \
         <a class=\"broken\" title=\"Broken link: the link `missing.md` points to a missing page (missing.md)\" data-href=\"missing.md\">x</a>, \
         <img class=\"broken\" title=\"Broken link: no image in the site is called gone.png\" src=\"gone.png\" alt=\"gone\" loading=\"lazy\">, \
         <a class=\"broken\" title=\"Broken link: Returns/Refund Rules.md has no heading `#Nowhere`\" data-href=\"Refund Rules#Nowhere\">Refund Rules#Nowhere</a> \
         and <a href=\"/returns/\">ok</a>.</p>"
    );
    // The dashboard exists for the list, though the vault has no process documents.
    let gov = site.read("public/governance/index.html");
    let list = between(&gov, "id=\"broken-links\"", "</section>");
    assert!(list.contains("Broken links <span class=\"gov-count\">4</span>"), "{list}");
    assert_eq!(list.matches("<th scope=\"row\"><a href=\"/broken/\">Broken</a>").count(), 4);
    assert!(list.contains("<code>Refund Rules#Nowhere</code>") && list.contains("Broken.md:3"));
    assert!(gov.contains("No process documents yet."));
    // `check --strict` still fails on them.
    site.run(&["check", "--strict"])
        .fails(1)
        .stderr_has(&["Broken.md:3:1: error: no page matches the wikilink [[Nope]]"]);

    // A wrong value is an error at the value.
    let site = broken_vault(Some("ignore"));
    site.run(&["build"])
        .fails(1)
        .stderr_has(&["`broken` is \"error\" or \"warn\", not \"ignore\""]);
}

#[test]
fn many_broken_links_say_that_warn_exists() {
    let site = TestSite::fixture("handbook");
    let links: String = (0..21).map(|i| format!("[x{i}](missing-{i}.md)\n")).collect();
    site.write("handbook/broken.md", &format!("# Broken\n\n{links}"));
    let run = site.run(&["build"]).fails(1);
    run.stderr_has(&[
        "warning: 21 links go nowhere",
        "help: bringing in a wiki? `[links] broken = \"warn\"` in opsbook.toml builds it anyway",
    ]);
}

/// The vault with every construct a page can show, for the HTML and accessibility checks:
/// broken links as warnings (drawn broken, listed on /governance/), a highlighted code block,
/// an audio embed, and everything the fixture already has.
pub fn vault_with_everything() -> TestSite {
    let site = broken_vault(Some("warn"));
    site.write("attachments/call.mp3", "not really audio");
    let pick = site.read("Fulfillment/Pick and Pack.md");
    site.write(
        "Fulfillment/Pick and Pack.md",
        &format!(
            "{pick}\n## Query\n\n```sql\n-- below the reorder point\nSELECT sku, on_hand FROM inventory WHERE on_hand < 5;\n```\n\nThe call: ![[call.mp3]]\n\n| Step | Who |\n|---|---|\n| Pick | Dana |\n"
        ),
    );
    site
}

#[test]
fn did_you_mean_gives_names_as_written_on_disk() {
    let site = TestSite::fixture("obsidian-vault");
    site.write("Typo.md", "# Typo\n\nSee [[Packing Checklst]].\n");
    site.run(&["check"]).fails(1).stderr_has(&[
        "Typo.md:3:5: error: no page matches the wikilink [[Packing Checklst]]",
        "help: did you mean [[Packing Checklist]]?",
    ]);
}
