//! No input a user can write makes opsbook panic: front matter and Markdown, questionnaires
//! and answers files, fuzzed.

use std::path::PathBuf;

use opsbook::assessment::report::{self, View};
use opsbook::assessment::{LearnLink, answers, score, validate};
use opsbook::config::MarkdownConfig;
use opsbook::content::{self, site::AssembleOptions};
use opsbook::diagnostics::{Diagnostic, Diagnostics, Span};
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

/// A valid questionnaire with every kind of question, `show_if` and a cap.
const QUESTIONNAIRE: &str =
    include_str!("../fixtures/assessment/site/content/assessment/questionnaire.toml");

/// Values a person might write anywhere in a questionnaire or answers file.
fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "\"small\"",
            "\"floor\"",
            "\"measures\"",
            "\"yes\"",
            "\"paper\"",
            "\"choice\"",
            "\"multi\"",
            "\"scale\"",
            "\"number\"",
            "0",
            "-1",
            "100",
            "101",
            "0.5",
            "98",
            "-9223372036854775808",
            "9223372036854775807",
            "99999999999999999999",
            "1e308",
            "-1e308",
            "inf",
            "-inf",
            "nan",
            "true",
            "2026-01-01",
            "2026-01-01T10:00:00Z",
            "[]",
            "[\"weight\", \"weight\"]",
            "[\"[[pick]]\", \"nope.md\"]",
            "[1, \"a\"]",
            "{ question = \"measures\", includes = \"yes\" }",
            "{ question = \"accuracy\", equals = \"x\" }",
            "{ \"1\" = \"x\", \"-9\" = \"y\" }",
            "{}",
        ])
        .prop_map(String::from),
        "[\\PC]{0,10}".prop_map(|s| format!("\"{}\"", s.replace(['"', '\\'], ""))),
    ]
}

/// The questionnaire with a few lines replaced, removed or duplicated.
fn mutated_questionnaire() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "id",
        "title",
        "min",
        "max",
        "weight",
        "score",
        "cap",
        "kind",
        "dimension",
        "show_if",
        "labels",
        "learn",
        "unit",
        "options",
        "bands",
        "summary",
        "advice",
        "text",
        "typo",
    ]);
    let header = prop::sample::select(vec![
        "[[tiers]]",
        "[[dimensions]]",
        "[[questions]]",
        "[[questions.options]]",
        "[[questions.bands]]",
    ]);
    let line = prop_oneof![
        3 => (key, toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => header.prop_map(String::from),
    ];
    let edit = (any::<prop::sample::Index>(), 0..3u8, line);
    prop::collection::vec(edit, 0..6).prop_map(|edits| {
        let mut lines: Vec<String> = QUESTIONNAIRE.lines().map(String::from).collect();
        for (at, op, line) in edits {
            let i = at.index(lines.len());
            match op {
                0 => lines[i] = line,
                1 => {
                    lines.remove(i);
                }
                _ => lines.insert(i, lines[i].clone()),
            }
        }
        lines.join("\n")
    })
}

fn answers_file() -> impl Strategy<Value = String> {
    // Half the values are valid for their question, so that many files reach the report.
    let valid = prop::sample::select(vec![
        ("scanning", "\"paper\""),
        ("scanning", "\"full\""),
        ("checks", "[\"weight\", \"photo\"]"),
        ("checks", "[]"),
        ("confidence", "1"),
        ("confidence", "5.0"),
        ("measures", "\"yes\""),
        ("measures", "\"no\""),
        ("accuracy", "98"),
        ("accuracy", "-1e308"),
    ]);
    let id = prop::sample::select(vec![
        "scanning",
        "checks",
        "confidence",
        "measures",
        "accuracy",
        "unknown",
    ]);
    let line =
        prop_oneof![valid.prop_map(|(id, value)| (id, value.to_string())), (id, toml_value()),];
    let lines = prop::collection::vec(line, 0..7);
    (prop::bool::ANY, lines).prop_map(|(dated, lines)| {
        let mut text = String::from("questionnaire = \"fixture-readiness\"\n");
        if dated {
            text.push_str("date = 2026-05-01\n");
        }
        text.push_str("[answers]\n");
        let mut seen = std::collections::HashSet::new();
        for (id, value) in lines {
            if seen.insert(id) {
                text.push_str(&format!("{id} = {value}\n"));
            }
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn questionnaires_answers_and_reports_never_panic(
        questionnaire in mutated_questionnaire(),
        answers_text in answers_file(),
        top in 0usize..8,
    ) {
        let resolve = |reference: &str| {
            if reference.contains("nope") {
                Err(Diagnostic::error(None, "missing"))
            } else {
                Ok(LearnLink { title: reference.to_string(), url: format!("/{reference}/") })
            }
        };
        let path = std::path::Path::new("q.toml");
        let mut diags = Diagnostics::new();
        let validated = validate::questionnaire(path, &questionnaire, &resolve, &mut diags);
        // Valid or not, answers are read against the unmutated one as well.
        let original = validate::questionnaire(path, QUESTIONNAIRE, &resolve, &mut Diagnostics::new());
        for q in validated.iter().chain(&original) {
            let a = answers::answers(std::path::Path::new("a.toml"), &answers_text, q, &mut diags);
            if let Some(a) = a {
                let r = score::score(q, &a, top);
                prop_assert!(r.is_ok(), "validated answers always score");
                let r = r.unwrap();
                prop_assert!((0.0..=100.0).contains(&r.overall));
                let view = View { questionnaire: q, report: &r, label: a.label.as_deref(), origin: None, evidence: None };
                for format in [report::Format::Text, report::Format::Json, report::Format::Markdown, report::Format::Html] {
                    let out = report::render(&view, format);
                    prop_assert!(!out.contains("<script"));
                }
            }
        }
        for d in diags.iter() {
            let span = d.span.as_ref().expect("assessment diagnostics have a place");
            prop_assert!(span.line >= 1, "{d:?}");
            let _ = d.render(std::path::Path::new("."), false);
        }
    }

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
        let graph = opsbook::links::link(&site, &base, &files, false, &mut diags);
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
