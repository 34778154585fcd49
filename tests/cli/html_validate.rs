//! html-validate (npm, pinned in package.json; `npm ci` installs it) with its `standard`
//! preset (.htmlvalidate.json) over every HTML file of the built sample site: 0 errors.
//! Skips loudly when node or node_modules/html-validate is missing, and fails instead under
//! `OPSBOOK_REQUIRE_BROWSER=1` (CI sets it and runs `npm ci` first).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{TestSite, repo};

/// html-validate's command-line entry, or `None` (after a loud message) when it cannot run.
fn html_validate() -> Option<PathBuf> {
    let required = std::env::var("OPSBOOK_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let cli = repo().join("node_modules/html-validate/bin/html-validate.mjs");
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if node && cli.is_file() {
        return Some(cli);
    }
    assert!(
        !required,
        "OPSBOOK_REQUIRE_BROWSER=1 but html-validate cannot run: install Node.js and run `npm ci` in {}",
        repo().display()
    );
    eprintln!(
        "\n*** SKIPPING HTML-VALIDATE TEST: {} ***\n\
         *** run `npm ci` in the repository root to install it ***\n",
        if node { "node_modules/html-validate is missing" } else { "node is not installed" }
    );
    None
}

/// Every `.html` file below `dir`, relative to it, sorted.
fn html_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                files.push(path.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    files
}

/// Runs html-validate with the repository's configuration on every HTML file of `public`.
fn validate(cli: &Path, public: &Path) -> (Output, usize) {
    let files = html_files(public);
    // Given no file, html-validate prints its usage and succeeds.
    assert!(!files.is_empty(), "no HTML file in {}", public.display());
    let output = Command::new("node")
        .arg(cli)
        .arg("--config")
        .arg(repo().join(".htmlvalidate.json"))
        .args(["--formatter", "stylish"])
        .args(&files)
        .current_dir(public)
        .output()
        .expect("node runs html-validate");
    (output, files.len())
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn every_page_of_the_sample_site_passes_html_validate_standard() {
    let Some(cli) = html_validate() else { return };
    let site = TestSite::sample();
    site.run(&["build"]).ok();
    let (output, files) = validate(&cli, &site.path("public"));
    // Home, sections, processes, tags, search, 404, governance and assessment pages.
    for page in ["index.html", "404.html", "search/index.html", "tags/index.html"] {
        assert!(site.exists(&format!("public/{page}")), "the sample builds {page}");
    }
    assert!(files >= 100, "the whole sample is checked, not {files} files");
    assert!(
        output.status.success(),
        "html-validate found errors in the sample site:\n{}",
        text(&output)
    );
}

/// The check above is not vacuous: a template that puts a block in a phrasing element fails it
/// with the rule's name.
#[test]
fn html_validate_reports_invalid_markup_in_a_built_page() {
    let Some(cli) = html_validate() else { return };
    let site = TestSite::sample();
    site.write(
        "templates/tags.html",
        "{% extends \"base.html\" %}{% block main %}<span><div>Tags</div></span>{% endblock main %}",
    );
    site.run(&["build"]).ok();
    let (output, _) = validate(&cli, &site.path("public"));
    assert!(!output.status.success(), "html-validate passed invalid markup:\n{}", text(&output));
    let report = text(&output);
    assert!(report.contains("tags/index.html"), "{report}");
    assert!(report.contains("element-permitted-content"), "{report}");
}

/// What a brought-in wiki adds to pages passes too: embeds of notes, sections and blocks,
/// folded callouts, highlights, sized images, audio, highlighted code, broken links drawn
/// broken and listed on the dashboard (`tests/fixtures/obsidian-vault` with broken links).
#[test]
fn a_brought_in_vault_passes_html_validate_standard() {
    let Some(cli) = html_validate() else { return };
    let site = crate::wiki::vault_with_everything();
    site.run(&["build"]).ok();
    let (output, files) = validate(&cli, &site.path("public"));
    assert!(files >= 20, "{files} files");
    assert!(output.status.success(), "html-validate found errors in the vault:\n{}", text(&output));
}
