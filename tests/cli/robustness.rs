//! No input a user can write makes opsbook panic: front matter and Markdown, fuzzed.

use std::path::PathBuf;

use opsbook::config::MarkdownConfig;
use opsbook::content::{self, site::AssembleOptions};
use opsbook::diagnostics::{Diagnostics, Span};
use proptest::prelude::*;

fn front_matter() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "title",
        "description",
        "weight",
        "draft",
        "tags",
        "aliases",
        "template",
        "updated",
        "owner",
        "backups",
        "reviewed",
        "review_every",
        "status",
        "systems",
        "kind",
        "cascade",
        "extra_key",
    ]);
    let value = prop_oneof![
        Just("\"text\"".to_string()),
        Just("42".to_string()),
        Just("-1".to_string()),
        Just("true".to_string()),
        Just("2026-02-30".to_string()),
        Just("2026-09-14".to_string()),
        Just("[\"a\", 1]".to_string()),
        Just("[]".to_string()),
        Just("{ kind = \"process\", title = 1 }".to_string()),
        Just("\"90d\"".to_string()),
        Just("\"0d\"".to_string()),
        "[\\PC]{0,12}".prop_map(|s| format!("\"{}\"", s.replace(['"', '\\'], ""))),
        "[\\PC\n]{0,12}",
    ];
    let line = (key, value).prop_map(|(k, v)| format!("{k} = {v}"));
    let body = prop::collection::vec(line, 0..8).prop_map(|l| l.join("\n"));
    let yaml = prop::collection::vec("[a-z_]{1,8}: [\\PC]{0,10}", 0..6).prop_map(|l| l.join("\n"));
    prop_oneof![
        body.clone().prop_map(|b| format!("+++\n{b}\n+++\n")),
        yaml.prop_map(|b| format!("---\n{b}\n---\n")),
        body.prop_map(|b| format!("+++\n{b}\n")),
        Just(String::new()),
        "[\\PC\n]{0,40}",
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[[".to_string()),
        Just("]]".to_string()),
        Just("[[a#b|c]]".to_string()),
        Just("[[#]]".to_string()),
        Just("[x](y.md#z)".to_string()),
        Just("[x](../../../a.md)".to_string()),
        Just("![i](%zz.png)".to_string()),
        Just("# H\n".to_string()),
        Just("## H {#id .c}\n".to_string()),
        Just("> [!WARNING]\n> w\n".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("[^1]\n\n[^1]: note\n".to_string()),
        Just("<div id=\"x\">".to_string()),
        Just("```rust\ncode\n```\n".to_string()),
        Just("- [ ] task\n".to_string()),
        Just("\u{1A}0\u{1A}".to_string()),
        "[\\PC\n]{0,20}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn front_matter_and_markdown_never_panic(fm in front_matter(), md in markdown(), unsafe_html: bool) {
        let text = format!("{fm}{md}");
        let mut diags = Diagnostics::new();
        let doc = content::load::from_text("s/page.md".into(), PathBuf::from("s/page.md"), text.clone(), &mut diags);
        let index = content::load::from_text("s/_index.md".into(), PathBuf::from("s/_index.md"), text, &mut diags);
        let cfg = MarkdownConfig { unsafe_html };
        let parsed = content::parse(vec![doc, index], &cfg, true);
        let site = content::site::assemble(parsed, AssembleOptions::default(), &mut diags);
        let files = std::collections::HashSet::new();
        let base = opsbook::config::BaseUrl::parse("/kb/").unwrap();
        let graph = opsbook::links::link(&site, &base, &files, &mut diags);
        for (id, page) in site.pages.iter().enumerate() {
            let html = opsbook::render::fill_links(&page.doc.html, &graph.links[id]);
            prop_assert!(!html.contains('\u{1A}'), "a link marker leaked: {html}");
        }
        for d in diags.iter() {
            let _ = d.render(std::path::Path::new("s"), false);
        }
    }

    #[test]
    fn spans_point_inside_the_text(text in "[\\PC\n]{0,80}", start in 0usize..100, len in 0usize..20) {
        let span = Span::from_range(std::path::Path::new("x"), &text, start, start + len);
        let lines = text.split('\n').count();
        prop_assert!(span.line >= 1 && span.line <= lines);
        prop_assert!(span.column >= 1);
        prop_assert_eq!(text.split('\n').nth(span.line - 1).unwrap().trim_end_matches('\r'), span.source_line.as_str());
    }
}
