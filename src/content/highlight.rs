//! Build-time syntax highlighting of fenced code (arborium's tree-sitter grammars): spans with
//! `hl-*` classes that the theme colours from CSS variables, in light and dark, so pages need
//! no script to show highlighted code. A block in a language without a grammar here keeps
//! its plain text and its label.

use std::cell::RefCell;

use arborium::{Config, Highlighter, HtmlFormat};

/// Longer blocks are shown as plain text: a pasted log is not worth a grammar's time.
const MAX_BYTES: usize = 256 * 1024;

/// A fence's language as written (`sh`, `yml`, `Python`) to the grammar that highlights it
/// and the name shown on the block.
pub(crate) fn language(written: &str) -> Option<(&'static str, &'static str)> {
    let lower = written.to_ascii_lowercase();
    Some(match lower.as_str() {
        // `console` is a session, prompts and output, which no shell grammar reads right.
        "bash" | "sh" | "shell" | "zsh" => ("bash", "Shell"),
        "json" | "jsonc" | "json5" | "geojson" => ("json", "JSON"),
        "yaml" | "yml" => ("yaml", "YAML"),
        "toml" => ("toml", "TOML"),
        "sql" | "postgres" | "postgresql" | "psql" | "mysql" | "sqlite" => ("sql", "SQL"),
        "python" | "py" | "python3" => ("python", "Python"),
        "javascript" | "js" | "mjs" | "cjs" | "jsx" => ("javascript", "JavaScript"),
        "html" | "htm" | "xhtml" => ("html", "HTML"),
        "css" => ("css", "CSS"),
        "ini" | "cfg" | "conf" | "properties" | "editorconfig" => ("ini", "INI"),
        "diff" | "patch" => ("diff", "Diff"),
        "xml" | "svg" | "rss" | "atom" => ("xml", "XML"),
        "dockerfile" | "docker" | "containerfile" => ("dockerfile", "Dockerfile"),
        _ => return None,
    })
}

thread_local! {
    /// One highlighter per thread: it keeps its parsers between blocks.
    static HIGHLIGHTER: RefCell<Option<Highlighter>> = const { RefCell::new(None) };
}

/// `code` highlighted by `grammar` as escaped HTML, or `None` (then the caller escapes it).
pub(crate) fn highlight(grammar: &str, code: &str) -> Option<String> {
    if code.len() > MAX_BYTES {
        return None;
    }
    HIGHLIGHTER.with(|cell| {
        let mut cell = cell.borrow_mut();
        let highlighter = cell.get_or_insert_with(|| {
            Highlighter::with_config(Config {
                html_format: HtmlFormat::ClassNamesWithPrefix("hl".into()),
                ..Default::default()
            })
        });
        highlighter.highlight(grammar, code).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_found_by_their_common_names() {
        assert_eq!(language("sh"), Some(("bash", "Shell")));
        assert_eq!(language("YML"), Some(("yaml", "YAML")));
        assert_eq!(language("Python"), Some(("python", "Python")));
        assert_eq!(language("csv"), None);
    }

    #[test]
    fn every_language_named_has_a_grammar_and_output_is_escaped() {
        for written in [
            "sh",
            "json",
            "yaml",
            "toml",
            "sql",
            "py",
            "js",
            "html",
            "css",
            "ini",
            "diff",
            "xml",
            "dockerfile",
        ] {
            let (grammar, _) = language(written).unwrap();
            let code = "x = \"<b>&\" # 1\n";
            let html = highlight(grammar, code).unwrap_or_else(|| panic!("{grammar}"));
            // Without its spans, the output is the code, escaped.
            let mut text = String::new();
            let mut rest = html.as_str();
            while let Some(at) = rest.find('<') {
                text.push_str(&rest[..at]);
                rest = &rest[at + rest[at..].find('>').unwrap() + 1..];
            }
            text.push_str(rest);
            let mut escaped = String::new();
            pulldown_cmark_escape::escape_html_body_text(&mut escaped, code).unwrap();
            // (The grammar's output leaves out the last line break.)
            assert_eq!(text.replace("&quot;", "\""), escaped.trim_end(), "{grammar}: {html}");
        }
        let sql = highlight("sql", "SELECT sku FROM stock; -- low\n").unwrap();
        assert!(sql.contains("<span class=\"hl-keyword\">SELECT</span>"), "{sql}");
        assert!(sql.contains("<span class=\"hl-comment\">-- low</span>"), "{sql}");
    }
}
