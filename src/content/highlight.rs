//! Build-time syntax highlighting of fenced code (arborium's tree-sitter grammars): spans with
//! `hl-*` classes that the theme colours from CSS variables, in light and dark, so pages need
//! no script to show highlighted code. A block in a language without a grammar here keeps
//! its plain text and its label.
//!
//! Grammars are compiled once per process and shared by every thread; each thread keeps its
//! own parser. A block already highlighted in this build (runbooks repeat the same commands)
//! is taken from a memo that [`forget`] empties when the build's parsing ends. Spans that
//! the theme does not colour (variables, punctuation, operators) are left out: they were a
//! third of a block's bytes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use arborium::{Config, GrammarStore, Highlighter, HtmlFormat};

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

/// The compiled grammars, shared by every thread's highlighter.
static GRAMMARS: LazyLock<Arc<GrammarStore>> = LazyLock::new(|| Arc::new(GrammarStore::new()));

/// Blocks highlighted in this build, by a 128-bit hash of grammar and text.
static MEMO: LazyLock<Mutex<HashMap<u128, Arc<str>>>> = LazyLock::new(Default::default);

thread_local! {
    /// One highlighter per thread: it keeps its parser between blocks.
    static HIGHLIGHTER: RefCell<Option<Highlighter>> = const { RefCell::new(None) };
}

/// The classes the theme colours; other spans are dropped from the output.
const STYLED: &[&str] = &[
    "keyword",
    "diff-delete",
    "string",
    "literal",
    "comment",
    "function",
    "constructor",
    "macro",
    "type",
    "constant",
    "number",
    "namespace",
    "property",
    "attribute",
    "label",
    "tag",
    "title",
    "diff-add",
    "error",
];

/// `code` highlighted by `grammar` as escaped HTML, or `None` (then the caller escapes it).
pub(crate) fn highlight(grammar: &str, code: &str) -> Option<Arc<str>> {
    if code.len() > MAX_BYTES {
        return None;
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [grammar.as_bytes(), b"\0", code.as_bytes()] {
        hasher.update(part);
    }
    let key = hasher.digest128();
    if let Some(done) = MEMO.lock().ok()?.get(&key) {
        return Some(done.clone());
    }
    let html = HIGHLIGHTER.with(|cell| {
        let mut cell = cell.borrow_mut();
        let highlighter = cell.get_or_insert_with(|| {
            Highlighter::with_store_and_config(
                GRAMMARS.clone(),
                Config {
                    html_format: HtmlFormat::ClassNamesWithPrefix("hl".into()),
                    ..Default::default()
                },
            )
        });
        highlighter.highlight(grammar, code).ok()
    })?;
    let html: Arc<str> = Arc::from(styled_only(&html));
    MEMO.lock().ok()?.insert(key, html.clone());
    Some(html)
}

/// Empties the memo of highlighted blocks (at the end of a build's parsing, so memory does
/// not grow from build to build in the dev server).
pub(crate) fn forget() {
    if let Ok(mut memo) = MEMO.lock() {
        *memo = HashMap::new();
    }
}

/// `html` without the spans whose class the theme does not colour (their text stays).
fn styled_only(html: &str) -> String {
    const OPEN: &str = "<span class=\"hl-";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let class_end = after.find('"').unwrap_or(0);
        let class = &after[..class_end];
        let body_start = class_end + 2; // `">`
        let close = after.get(body_start..).and_then(|b| b.find("</span>"));
        match close {
            Some(len)
                if !STYLED.contains(&class)
                    && !after[body_start..body_start + len].contains('<') =>
            {
                out.push_str(&after[body_start..body_start + len]);
                rest = &after[body_start + len + "</span>".len()..];
            }
            _ => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
            let mut rest: &str = &html;
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
        let sql = highlight("sql", "SELECT sku, qty FROM stock; -- low\n").unwrap();
        assert_eq!(
            &*sql,
            "<span class=\"hl-keyword\">SELECT</span> sku, qty <span class=\"hl-keyword\">FROM</span> <span class=\"hl-type\">stock</span>; <span class=\"hl-comment\">-- low</span>"
        );
        // The same block again comes from the memo, the same text.
        assert_eq!(highlight("sql", "SELECT sku, qty FROM stock; -- low\n").unwrap(), sql);
    }
}
