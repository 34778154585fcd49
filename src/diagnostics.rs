//! Problems found in the user's files, collected so that one run reports all of them.
//!
//! A stage that finds a problem in an input pushes a [`Diagnostic`] and keeps going; the
//! command fails at the end if any of them is an error. A [`Span`] is computed from a byte
//! offset into the text the stage already has, and carries the source line so that the
//! report can be printed after that text is gone. This module only formats; printing to the
//! terminal happens in `main.rs` and the dev server's overlay.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file: 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Characters to underline, at least 1.
    #[serde(skip)]
    pub width: usize,
    /// The whole source line, without its line break.
    pub source_line: String,
}

impl Span {
    /// The span of `text[start..end]`, where `text` is the whole file.
    ///
    /// Offsets past the end or inside a character are clamped, so any input is accepted.
    pub fn from_range(path: &Path, text: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].bytes().filter(|&b| b == b'\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let source_line = text[line_start..line_end].trim_end_matches('\r').to_string();
        let width = text[start..end.min(line_end).max(start)].chars().count().max(1);
        Span { path: path.to_path_buf(), line, column, width, source_line }
    }

    /// A span that points at a whole file rather than a place in it.
    pub fn file(path: &Path) -> Span {
        Span { path: path.to_path_buf(), line: 0, column: 0, width: 0, source_line: String::new() }
    }
}

/// A source text with its line starts found once, for a stage that may report many spans in
/// one file: each span then costs a binary search and a scan of its own line, not a scan of
/// the text up to it (10,000 broken links in one page took 16 s that way).
pub(crate) struct Lines<'a> {
    path: &'a Path,
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(path: &'a Path, text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1))
            .collect();
        Lines { path, text, starts }
    }

    /// The same span as [`Span::from_range`] gives for the same text.
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(self.text, start.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= start);
        let line_start = self.starts[line - 1];
        let line_end = self.starts.get(line).map_or(self.text.len(), |&next| next - 1);
        let local = &self.text[line_start..line_end.max(line_start)];
        let mut span =
            Span::from_range(self.path, local, start - line_start, end.saturating_sub(line_start));
        span.line = line;
        span
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Boxed: diagnostics travel in `Result`s, which should stay small.
    #[serde(flatten, serialize_with = "serialize_span")]
    pub span: Option<Box<Span>>,
    pub help: Option<String>,
    /// The governance rule this reports (`overdue`, `one-person`, ...), for `check --format
    /// json` and `[governance] strict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
}

fn serialize_span<S: serde::Serializer>(span: &Option<Box<Span>>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(None)?;
    if let Some(span) = span {
        map.serialize_entry("file", &span.path.to_string_lossy())?;
        if span.line > 0 {
            map.serialize_entry("line", &span.line)?;
            map.serialize_entry("column", &span.column)?;
            map.serialize_entry("source_line", &span.source_line)?;
        }
    }
    map.end()
}

impl Diagnostic {
    pub fn error(span: Option<Span>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: span.map(Box::new),
            help: None,
            rule: None,
        }
    }

    pub fn warning(span: Option<Span>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            span: span.map(Box::new),
            help: None,
            rule: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn with_rule(mut self, rule: &'static str) -> Diagnostic {
        self.rule = Some(rule);
        self
    }

    /// `path:line:col: error: message`, the source line with a caret, then `help:`.
    ///
    /// Paths are shown relative to `base` when they lie inside it.
    pub fn render(&self, base: &Path, color: bool) -> String {
        let (red, yellow, blue, bold, reset) = if color {
            ("\x1b[31;1m", "\x1b[33;1m", "\x1b[34;1m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "", "", "")
        };
        let (label, label_color) = match self.severity {
            Severity::Error => ("error", red),
            Severity::Warning => ("warning", yellow),
        };
        let mut out = String::new();
        if let Some(span) = &self.span {
            let path = printable_line(&display_path(&span.path, base)).into_owned();
            if span.line > 0 {
                let _ = write!(out, "{bold}{path}:{}:{}:{reset} ", span.line, span.column);
            } else {
                let _ = write!(out, "{bold}{path}:{reset} ");
            }
        }
        let _ = writeln!(
            out,
            "{label_color}{label}:{reset} {bold}{}{reset}",
            printable_line(&self.message)
        );
        if let Some(span) = self.span.as_ref().filter(|s| s.line > 0) {
            let number = span.line.to_string();
            let gutter = " ".repeat(number.len());
            // A long line (minified HTML, a pasted blob) is shown as a window around the
            // place, so that one diagnostic stays a few lines of terminal.
            let chars: Vec<char> = span.source_line.chars().collect();
            let at = (span.column - 1).min(chars.len());
            let first = at.saturating_sub(WINDOW / 2);
            let last = (first + WINDOW).min(chars.len());
            let width = span.width.max(1).min(last.saturating_sub(at).max(1));
            let shown = |range: std::ops::Range<usize>| {
                let text: String = chars[range].iter().collect();
                printable_line(&text.replace('\t', "    ")).into_owned()
            };
            let (open, close) =
                (if first > 0 { "…" } else { "" }, if last < chars.len() { "…" } else { "" });
            let line = format!("{open}{}{close}", shown(first..last));
            let indent = open.chars().count() + shown(first..at).chars().count();
            let _ = writeln!(out, "{blue}{gutter} |{reset}");
            let _ = writeln!(out, "{blue}{number} |{reset} {line}");
            let _ = writeln!(
                out,
                "{blue}{gutter} |{reset} {}{label_color}{}{reset}",
                " ".repeat(indent),
                "^".repeat(width)
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  {blue}= help:{reset} {}", printable_line(help));
        }
        out
    }
}

/// How many characters of a source line a diagnostic shows at most.
const WINDOW: usize = 160;

/// `text` safe to print to a terminal: control characters (an ESC that starts a sequence
/// that clears the screen or retitles the window, a carriage return that hides a line) are
/// shown as escapes like `\u{1b}` instead of being sent as they are. Content, file names
/// and config values all reach diagnostics, and none of them may drive the terminal.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    // Line breaks and tabs lay text out; every other control character is escaped.
    escape_controls(text, |c| c.is_control() && c != '\n' && c != '\t')
}

/// [`printable`] for text that must stay on its line (a message, a path, a source line): a
/// line break from an input would let it forge lines of the report ("0 errors found").
pub(crate) fn printable_line(text: &str) -> std::borrow::Cow<'_, str> {
    escape_controls(text, |c| c.is_control() && c != '\t')
}

fn escape_controls(text: &str, unsafe_char: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.contains(&unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `path` relative to `base` when it is inside it, with `/` separators.
pub(crate) fn display_path(path: &Path, base: &Path) -> String {
    let shown = path.strip_prefix(base).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

/// Everything one run found, in the order found; sorted before printing.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Turns every warning into an error (`check --strict`).
    pub fn promote_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// Sorted by file, line and column, so output is stable whatever order stages ran in.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        // Borrowed keys: a large site's governance warnings number in the tens of thousands.
        items.sort_by(|a, b| {
            fn key(d: &Diagnostic) -> Option<(&Path, usize, usize)> {
                d.span.as_deref().map(|s| (s.path.as_path(), s.line, s.column))
            }
            key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
        });
        items.dedup_by(|a, b| a == b);
        items
    }

    /// Errors and warnings among `shown` (what [`Diagnostics::sorted`] returned: exact repeats
    /// dropped), so that a summary counts what the reader was shown.
    pub fn counts(shown: &[&Diagnostic]) -> (usize, usize) {
        let errors = shown.iter().filter(|d| d.severity == Severity::Error).count();
        (errors, shown.len() - errors)
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Makes span paths relative to `base` (for reports read outside this machine).
    pub fn relativize(&mut self, base: &Path) {
        for d in &mut self.items {
            if let Some(span) = &mut d.span
                && let Ok(rel) = span.path.strip_prefix(base)
            {
                span.path = rel.to_path_buf();
            }
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A short list of names for "did you mean" help, closest first.
///
/// Candidates must look alike (Jaro-Winkler >= 0.8); among those, fewer edits rank first, so
/// and then a longer common prefix, so `b-page.md` suggests `b.md` before `a.md`.
pub(crate) fn suggest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(f64, usize, f64, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let jw = strsim::jaro_winkler(&wanted, &lower);
            let prefix = wanted.chars().zip(lower.chars()).take_while(|(a, b)| a == b).count();
            (jw >= 0.8)
                .then(|| (strsim::normalized_damerau_levenshtein(&wanted, &lower), prefix, jw, c))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.total_cmp(&a.2)).then_with(|| a.3.cmp(b.3))
    });
    let mut out: Vec<&str> = Vec::new();
    for (_, _, _, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out.truncate(3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_from_inputs_never_reach_the_terminal() {
        let text = "title = \"\u{1b}]0;pwned\u{7}\u{1b}[2J\" x\n";
        let start = text.find(" x").unwrap() + 1;
        let diag = Diagnostic::error(
            Some(Span::from_range(Path::new("a\u{1b}[31m.md"), text, start, start + 1)),
            "bad \u{1b}[2J value",
        )
        .with_help("help \r hidden");
        let out = diag.render(Path::new("/"), false);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{out:?}");
        let forged = Diagnostic::error(None, "alias `/a\n0 errors found\n`");
        assert_eq!(forged.render(Path::new("/"), false).lines().count(), 1);
        assert!(out.contains("\\u{1b}]0;pwned\\u{7}"), "{out}");
        // The caret still sits under the character it points at.
        let lines: Vec<&str> = out.lines().collect();
        let source = lines.iter().find(|l| l.starts_with("1 |")).unwrap();
        let caret = lines.iter().find(|l| l.contains('^')).unwrap();
        assert_eq!(source.chars().nth(caret.find('^').unwrap()), Some('x'), "{out}");
    }

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_place() {
        let text = format!("{}BAD{}", "a".repeat(100_000), "b".repeat(100_000));
        let start = text.find("BAD").unwrap();
        let diag = Diagnostic::error(
            Some(Span::from_range(Path::new("x.md"), &text, start, start + 3)),
            "bad",
        );
        let out = diag.render(Path::new("/"), false);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        let lines: Vec<&str> = out.lines().collect();
        let source = lines.iter().find(|l| l.starts_with("1 |")).unwrap();
        let caret = lines.iter().find(|l| l.contains('^')).unwrap();
        let at = caret.chars().position(|c| c == '^').unwrap();
        let under: String = source.chars().skip(at).take(3).collect();
        assert_eq!(under, "BAD", "{out}");
        assert_eq!(caret.matches('^').count(), 3);
    }

    #[test]
    fn indexed_spans_equal_plain_spans() {
        let text = "first\nsécond [[x]]\r\n\nthird line here\nlast";
        let lines = Lines::new(Path::new("a.md"), text);
        for start in 0..text.len() {
            for end in [start, start + 1, start + 4, text.len()] {
                assert_eq!(
                    lines.span(start, end),
                    Span::from_range(Path::new("a.md"), text, start, end),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn span_line_and_column_count_lines_and_characters() {
        let text = "first\nsécond [[x]]\nthird";
        let start = text.find("[[x]]").unwrap();
        let span = Span::from_range(Path::new("a.md"), text, start, start + 5);
        assert_eq!((span.line, span.column, span.width), (2, 8, 5));
        assert_eq!(span.source_line, "sécond [[x]]");
    }

    #[test]
    fn span_clamps_offsets_out_of_range_or_inside_a_character() {
        let text = "é\n";
        let span = Span::from_range(Path::new("a.md"), text, 1, 999);
        assert_eq!((span.line, span.column), (1, 1));
        let span = Span::from_range(Path::new("a.md"), text, 999, 0);
        assert_eq!(span.line, 2);
    }

    #[test]
    fn span_at_start_of_file_and_after_last_newline() {
        let span = Span::from_range(Path::new("a.md"), "abc\n", 0, 1);
        assert_eq!((span.line, span.column, span.source_line.as_str()), (1, 1, "abc"));
        let span = Span::from_range(Path::new("a.md"), "abc\n", 4, 4);
        assert_eq!((span.line, span.column, span.source_line.as_str()), (2, 1, ""));
    }

    #[test]
    fn render_shows_location_line_caret_and_help() {
        let text = "+++\ntitle = 1\n+++\n";
        let at = text.find('1').unwrap();
        let d = Diagnostic::error(
            Some(Span::from_range(Path::new("/site/content/a.md"), text, at, at + 1)),
            "`title` must be a string",
        )
        .with_help("write title = \"...\"");
        let out = d.render(Path::new("/site"), false);
        assert_eq!(
            out,
            "content/a.md:2:9: error: `title` must be a string\n  |\n2 | title = 1\n  |         ^\n  = help: write title = \"...\"\n"
        );
    }

    #[test]
    fn sorted_orders_by_file_then_line_and_drops_exact_duplicates() {
        let mut diags = Diagnostics::new();
        let span = |line| {
            Some(Span {
                path: "b.md".into(),
                line,
                column: 1,
                width: 1,
                source_line: String::new(),
            })
        };
        diags.push(Diagnostic::error(span(9), "late"));
        diags.push(Diagnostic::error(span(2), "early"));
        diags.push(Diagnostic::error(span(2), "early"));
        let messages: Vec<_> = diags.sorted().iter().map(|d| d.message.clone()).collect();
        assert_eq!(messages, ["early", "late"]);
    }

    #[test]
    fn suggest_finds_near_names_only() {
        let got = suggest("pick-pak-ship", ["pick-pack-ship", "returns", "cycle-count"]);
        assert_eq!(got, ["pick-pack-ship"]);
        assert!(suggest("zzz", ["returns"]).is_empty());
        assert_eq!(suggest("ops/b-page.md", ["ops/a.md", "ops/b.md"]), ["ops/b.md", "ops/a.md"]);
    }
}
