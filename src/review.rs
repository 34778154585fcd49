//! `opsbook review PATH [--date D]`: sets a process page's `reviewed` date in its front
//! matter and changes no other byte of the file (DESIGN section 6).
//!
//! [`set_reviewed`] is the text edit: it finds the top-level `reviewed` key with the same
//! parsers the build uses (the `toml` crate's spanned tables, `content::yaml`), replaces only
//! its value, or inserts one line, and then re-reads the result to prove that every other
//! key kept its value. [`review`] is the command around it: it finds the page, refuses
//! anything outside the content folder, checks that the page is a process once cascades
//! apply (with the build's own `assemble`), and replaces the file atomically. This module
//! reads the config and content and writes nothing but the one page (through a temporary
//! file beside it).

use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::Value as Json;

use crate::config::Config;
use crate::content::frontmatter::{self, Format, FrontMatter};
use crate::content::site::AssembleOptions;
use crate::content::{self, Parsed, load};
use crate::dates;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};

/// Why `reviewed` cannot be set in a text. Ranges are bytes of the whole file.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(crate) enum ReviewError {
    #[error("the page has no front matter")]
    NoFrontMatter,
    #[error("the front matter is never closed")]
    Unclosed { range: Range<usize> },
    #[error("the front matter is {kib} KiB; at most {max} KiB are read", max = frontmatter::MAX_FRONT_MATTER / 1024)]
    TooLarge { kib: usize },
    #[error("{message}")]
    Syntax { range: Range<usize>, message: String },
    #[error("`reviewed` is {what}; `opsbook review` only replaces a date on the key's own line")]
    Unsupported { range: Range<usize>, what: &'static str },
    #[error("`reviewed` cannot be set in this front matter without changing another key")]
    Unverified,
}

impl ReviewError {
    /// Where in the file the problem is, when it is at one place.
    fn range(&self) -> Option<Range<usize>> {
        match self {
            ReviewError::Unclosed { range }
            | ReviewError::Syntax { range, .. }
            | ReviewError::Unsupported { range, .. } => Some(range.clone()),
            _ => None,
        }
    }

    fn help(&self, format: Option<Format>, date: Date) -> String {
        let line = reviewed_line(format.unwrap_or(Format::Toml), date);
        match self {
            ReviewError::NoFrontMatter => format!(
                "only process pages have a review date: add front matter first, e.g. \
                 `+++`, `kind = \"process\"`, `{line}`, `+++` as the first lines"
            ),
            ReviewError::Unclosed { .. } => {
                "end the front matter with a line holding the same fence (+++ or ---)".into()
            }
            ReviewError::TooLarge { .. } => {
                "front matter is for a page's metadata: check that its closing fence is where you meant it".into()
            }
            ReviewError::Syntax { .. } => {
                "fix the front matter (`opsbook check` lists every problem), then review again"
                    .into()
            }
            ReviewError::Unsupported { .. } | ReviewError::Unverified => {
                format!("write `{line}` in the front matter by hand")
            }
        }
    }
}

/// `reviewed = 2026-11-29` or `reviewed: 2026-11-29`.
fn reviewed_line(format: Format, date: Date) -> String {
    match format {
        Format::Toml => format!("reviewed = {date}"),
        Format::Yaml => format!("reviewed: {date}"),
    }
}

/// One top-level key of a front matter, with byte ranges in the front matter text.
struct TopEntry {
    key: String,
    key_range: Range<usize>,
    value_range: Range<usize>,
    value: Json,
}

/// The top-level keys of a front matter, read by the parsers the build uses.
fn top_entries(format: Format, front: &str) -> Result<Vec<TopEntry>, (Range<usize>, String)> {
    match format {
        Format::Toml => {
            let (table, errors) = toml::de::DeTable::parse_recoverable(front);
            if let Some(err) = errors.first() {
                let range = err.span().unwrap_or(front.len()..front.len());
                let message = err.message().trim().lines().next().unwrap_or("").trim();
                return Err((range, format!("invalid TOML front matter: {message}")));
            }
            Ok(table
                .get_ref()
                .iter()
                .map(|(k, v)| TopEntry {
                    key: k.get_ref().to_string(),
                    key_range: k.span(),
                    value_range: v.span(),
                    value: crate::toml_input::to_json(v.get_ref()),
                })
                .collect())
        }
        Format::Yaml => match content::yaml::entries(front) {
            Ok(entries) => Ok(entries
                .into_iter()
                .map(|e| TopEntry {
                    key: e.key,
                    key_range: e.key_range,
                    value_range: e.value_range,
                    value: e.value,
                })
                .collect()),
            Err(err) => Err((err.range, err.message)),
        },
    }
}

/// Sets the top-level `reviewed` of the front matter of `text` (a whole Markdown file) to
/// `date`, changing no other byte.
///
/// An existing value is replaced where it stands: a trailing comment, the spacing before it
/// and the line ending stay, and so do quotes (`"2026-01-02"` stays a quoted string, because
/// both formats read a quoted date as a date, and changing the quoting would be a second
/// edit the user did not ask for). A missing key is inserted as a line of its own, with the
/// line ending of the line before it: in TOML after the last top-level key (so before the
/// first `[table]`, where a key would belong to that table), in YAML after the last line
/// that is not blank or a comment. A `reviewed` inside a table (`[cascade]`, `[extra]`) is
/// not the page's own and is left alone. A file without front matter is refused: only a
/// process page has a review date, and a page becomes one by front matter the user writes.
pub(crate) fn set_reviewed(text: &str, date: Date) -> Result<String, ReviewError> {
    let split = frontmatter::split(text).map_err(|range| ReviewError::Unclosed { range })?;
    let Some(format) = split.format else { return Err(ReviewError::NoFrontMatter) };
    let front = split.front.clone();
    if front.len() > frontmatter::MAX_FRONT_MATTER {
        return Err(ReviewError::TooLarge { kib: front.len() / 1024 });
    }
    let at = front.start;
    let shift = |r: Range<usize>| at + r.start..at + r.end;
    let before = top_entries(format, &text[front.clone()])
        .map_err(|(range, message)| ReviewError::Syntax { range: shift(range), message })?;
    let date_text = date.to_string();
    let candidates: Vec<String> = match before.iter().find(|e| e.key == "reviewed") {
        Some(entry) => {
            let what = match &entry.value {
                Json::Array(_) => Some("a list"),
                Json::Object(_) => Some("a table"),
                _ => None,
            };
            let front_text = &text[front.clone()];
            let place = match format {
                // The toml crate's value spans are exact: the value, without comment.
                Format::Toml => Some(entry.value_range.clone())
                    .filter(|r| !front_text[r.clone()].contains('\n')),
                // saphyr's are not (a quoted scalar's runs on over a trailing comment), so
                // the line is read here.
                Format::Yaml => yaml_scalar(front_text, entry.key_range.start),
            };
            let Some(place) = place.filter(|_| what.is_none()) else {
                return Err(ReviewError::Unsupported {
                    range: shift(entry.key_range.clone()),
                    what: what.unwrap_or(
                        "written over several lines or in a form this command does not edit",
                    ),
                });
            };
            let old = &front_text[place.clone()];
            let new = if old.is_empty() {
                // `reviewed:` with nothing after it (YAML's null).
                let spaced = front_text[..place.start].ends_with([' ', '\t']);
                format!("{}{date_text}", if spaced { "" } else { " " })
            } else {
                requote(old, &date_text)
            };
            vec![splice(text, shift(place), &new)]
        }
        None => {
            let front_text = &text[front.clone()];
            let mut points = match format {
                Format::Toml => vec![toml_insert_at(front_text)],
                Format::Yaml => vec![yaml_insert_at(front_text), front_text.len()],
            };
            points.dedup();
            points
                .into_iter()
                .map(|p| {
                    let pos = at + p;
                    let eol = if text[..pos].ends_with("\r\n") { "\r\n" } else { "\n" };
                    let line = format!("{}{eol}", reviewed_line(format, date));
                    splice(text, pos..pos, &line)
                })
                .collect()
        }
    };
    // The oracle: the edited front matter, read again, holds the same keys with the same
    // values in the same order, and `reviewed` is the date.
    let expected: Vec<(&str, &Json)> =
        before.iter().filter(|e| e.key != "reviewed").map(|e| (e.key.as_str(), &e.value)).collect();
    let date_json = Json::String(date_text);
    for candidate in candidates {
        let Ok(split) = frontmatter::split(&candidate) else { continue };
        let Ok(after) = top_entries(format, &candidate[split.front.clone()]) else { continue };
        let others: Vec<(&str, &Json)> = after
            .iter()
            .filter(|e| e.key != "reviewed")
            .map(|e| (e.key.as_str(), &e.value))
            .collect();
        let reviewed: Vec<&Json> =
            after.iter().filter(|e| e.key == "reviewed").map(|e| &e.value).collect();
        if others == expected && reviewed == [&date_json] {
            return Ok(candidate);
        }
    }
    Err(ReviewError::Unverified)
}

fn splice(text: &str, range: Range<usize>, new: &str) -> String {
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..range.start]);
    out.push_str(new);
    out.push_str(&text[range.end..]);
    out
}

/// The new date in the old value's quotes, if it had any.
fn requote(old: &str, date: &str) -> String {
    for quote in ['"', '\''] {
        if old.len() >= 2 && old.starts_with(quote) && old.ends_with(quote) {
            return format!("{quote}{date}{quote}");
        }
    }
    date.to_string()
}

/// Where a new top-level key goes in a TOML front matter: just after the line that ends the
/// last top-level `key = value`, which is before the first `[table]` header. 0 when there is
/// no top-level key.
///
/// A small scanner of TOML's line structure: strings (multi-line too), comments, and the
/// brackets of arrays and inline tables, which may span lines. The text was already parsed
/// by the `toml` crate, so it only has to be right on valid TOML.
fn toml_insert_at(front: &str) -> usize {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        Basic,
        Literal,
        MultiBasic,
        MultiLiteral,
        Comment,
    }
    let bytes = front.as_bytes();
    let quotes_at = |i: usize, q: u8| bytes.get(i..i + 3).is_some_and(|s| s == [q, q, q]);
    let mut state = State::Code;
    let mut depth = 0usize;
    let mut line_start = true;
    let mut in_statement = false;
    let mut insert_at = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n'
            && matches!(state, State::Code | State::Comment | State::Basic | State::Literal)
        {
            state = State::Code;
            if depth == 0 && in_statement {
                in_statement = false;
                insert_at = i + 1;
            }
            line_start = true;
            i += 1;
            continue;
        }
        match state {
            State::Code => {
                if line_start && depth == 0 {
                    if matches!(c, b' ' | b'\t' | b'\r') {
                        i += 1;
                        continue;
                    }
                    match c {
                        // A table header: top-level keys end here.
                        b'[' if !in_statement => return insert_at,
                        b'#' => {}
                        _ => in_statement = true,
                    }
                }
                line_start = false;
                match c {
                    b'"' if quotes_at(i, b'"') => {
                        state = State::MultiBasic;
                        i += 3;
                        continue;
                    }
                    b'\'' if quotes_at(i, b'\'') => {
                        state = State::MultiLiteral;
                        i += 3;
                        continue;
                    }
                    b'"' => state = State::Basic,
                    b'\'' => state = State::Literal,
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    b'#' => state = State::Comment,
                    _ => {}
                }
            }
            State::Basic | State::MultiBasic if c == b'\\' => {
                i += 2;
                continue;
            }
            State::Basic if c == b'"' => state = State::Code,
            State::Literal if c == b'\'' => state = State::Code,
            State::MultiBasic | State::MultiLiteral => {
                let q = if state == State::MultiBasic { b'"' } else { b'\'' };
                if quotes_at(i, q) {
                    // A closing run may hold up to two quotes of the content before it.
                    let run = bytes[i..].iter().take_while(|&&b| b == q).count().min(5);
                    state = State::Code;
                    i += run;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    insert_at
}

/// The range of the scalar value of the YAML key that starts at `key_start`, when the key
/// opens its line and the value is a one-line scalar (plain or quoted, after any `&anchor`
/// or `!tag`, before any comment). An empty range, after the colon, for an empty value.
fn yaml_scalar(front: &str, key_start: usize) -> Option<Range<usize>> {
    let line_start = front[..key_start].rfind('\n').map_or(0, |i| i + 1);
    if !front[line_start..key_start].trim().is_empty() {
        return None;
    }
    let end = front[key_start..].find('\n').map_or(front.len(), |i| key_start + i);
    let bytes = &front.as_bytes()[..end];
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r');
    let skip_blanks = |mut i: usize| {
        while i < end && blank(bytes[i]) {
            i += 1;
        }
        i
    };
    // The end of a quoted scalar that starts at `i`, after its closing quote.
    let quoted_end = |i: usize| -> Option<usize> {
        let quote = bytes[i];
        let mut j = i + 1;
        while j < end {
            match bytes[j] {
                b'\\' if quote == b'"' => j += 1,
                // `''` is a quote inside a single-quoted scalar.
                b'\'' if quote == b'\'' && bytes.get(j + 1) == Some(&b'\'') && j + 1 < end => {
                    j += 1
                }
                b if b == quote => return Some(j + 1),
                _ => {}
            }
            j += 1;
        }
        None
    };
    let mut i = key_start;
    i = match bytes.get(i)? {
        b'"' | b'\'' => quoted_end(i)?,
        _ => i + front[i..end].find(':')?,
    };
    i = skip_blanks(i);
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    let colon_end = i + 1;
    i = skip_blanks(colon_end);
    let mut value_start = colon_end;
    // Properties: an anchor or a tag stays with the value.
    while i < end && matches!(bytes[i], b'&' | b'!') {
        while i < end && !blank(bytes[i]) {
            i += 1;
        }
        value_start = i;
        i = skip_blanks(i);
    }
    if i == end || bytes[i] == b'#' {
        return Some(value_start..value_start);
    }
    let value_end = match bytes[i] {
        b'"' | b'\'' => quoted_end(i)?,
        b'|' | b'>' | b'[' | b'{' => return None,
        _ => {
            let mut j = i;
            while j < end && !(bytes[j] == b'#' && blank(bytes[j - 1])) {
                j += 1;
            }
            while j > i && blank(bytes[j - 1]) {
                j -= 1;
            }
            j
        }
    };
    // After the value, only a comment.
    let rest = front[value_end..end].trim_start_matches([' ', '\t', '\r']);
    (rest.is_empty() || rest.starts_with('#')).then_some(i..value_end)
}

/// Where a new top-level key goes in a YAML front matter: after its last line that is not
/// blank or a comment (the last key's value ends there). 0 when there is none.
fn yaml_insert_at(front: &str) -> usize {
    let mut insert_at = 0;
    let mut pos = 0;
    for line in front.split_inclusive('\n') {
        pos += line.len();
        let content = line.trim();
        if !content.is_empty() && !content.starts_with('#') {
            insert_at = pos;
        }
    }
    insert_at
}

/// How far ahead of "today" (UTC) a review date may be: one day, because the reviewer's own
/// calendar may already be on the next day while UTC is not.
const AHEAD_DAYS: i64 = 1;

/// `opsbook review`: finds the page, sets its `reviewed` date, and reports the next due date.
/// Every problem with the page, the path or the date is a diagnostic naming the file, and
/// nothing is written then.
/// Returns the summary line, or `None` when a problem (in `diags`) stopped it. `path` is as
/// the user typed it, from `cwd`; `date` defaults to today.
pub(crate) fn review(
    cfg: &Config,
    cwd: &Path,
    path: &Path,
    date: Option<Date>,
    diags: &mut Diagnostics,
) -> Option<String> {
    let today = dates::today();
    let date = date.unwrap_or(today);
    let latest = today.checked_add(AHEAD_DAYS.days()).unwrap_or(Date::MAX);
    if date > latest {
        diags.push(
            Diagnostic::error(None, format!("--date {date} is in the future: today is {today}"))
                .with_help(
                    "a review date records a review that was done; leave out --date to use today",
                ),
        );
        return None;
    }
    review_page(cfg, cwd, path, date, today, diags)
}

/// The page's file and its path in the content folder, or why `path` names none.
fn locate(cfg: &Config, cwd: &Path, path: &Path) -> Result<(PathBuf, String), Diagnostic> {
    let shown = path.display().to_string();
    let error = |file: &Path, message: String, help: &str| {
        Err(Diagnostic::error(Some(Span::file(file)), message).with_help(help))
    };
    let content = cfg.content_dir();
    let in_content = if cfg.content.is_root() {
        "the site root, which is its content folder".to_string()
    } else {
        format!("the content folder {}", cfg.content.prefix())
    };
    let Ok(content_real) = content.canonicalize() else {
        return error(
            &content,
            format!("the content folder does not exist, so `{shown}` is no page of the site"),
            "create the content folder, or set `content_dir` in opsbook.toml",
        );
    };
    // What a user types: a path from here, from the site root, or from the content folder,
    // with or without `.md`.
    let mut candidates: Vec<PathBuf> = Vec::new();
    for base in [cwd, cfg.root.as_path(), content.as_path()] {
        let joined = base.join(path);
        let with_md = {
            let mut s = joined.clone().into_os_string();
            s.push(".md");
            PathBuf::from(s)
        };
        let is_md = joined.extension().is_some_and(|e| e == "md");
        for candidate in if is_md { vec![joined] } else { vec![joined, with_md] } {
            if !candidates.contains(&candidate) {
                candidates.push(candidate);
            }
        }
    }
    // The first that is a file is the page meant; a folder is only remembered, for the
    // message when no file matches.
    let mut folder: Option<&PathBuf> = None;
    let mut found: Option<(&PathBuf, PathBuf)> = None;
    for candidate in &candidates {
        match candidate.canonicalize() {
            Ok(real) if real.is_dir() => {
                folder.get_or_insert(candidate);
            }
            Ok(real) => {
                found = Some((candidate, real));
                break;
            }
            Err(_) => {}
        }
    }
    let Some((candidate, real)) = found else {
        if let Some(dir) = folder {
            return error(
                dir,
                format!("`{shown}` is a folder"),
                "name a page's .md file; a section's own page is its _index.md",
            );
        }
        return Err(Diagnostic::error(
            None,
            format!(
                "no page `{shown}`: no such file from here, from the site root or in {in_content}"
            ),
        )
        .with_help(
            "give the page's path, e.g. content/inventory/cycle-counting.md or inventory/cycle-counting",
        ));
    };
    // Where the file really is decides, whatever the spelling: `..` and links resolved.
    let Ok(rel) = real.strip_prefix(&content_real) else {
        let leads = if real == *candidate {
            String::new()
        } else {
            format!(" (it leads to {})", real.display())
        };
        // The same name in the content folder is probably what was meant.
        let meant = candidates
            .iter()
            .filter_map(|c| c.canonicalize().ok())
            .filter(|r| r.is_file())
            .find_map(|r| r.strip_prefix(&content_real).ok().map(Path::to_path_buf));
        let help = match meant {
            Some(rel) => format!(
                "opsbook review only edits pages of the site; did you mean {}{}?",
                cfg.content.prefix(),
                rel.display()
            ),
            None => "opsbook review only edits pages of the site".to_string(),
        };
        return error(candidate, format!("`{shown}` is outside {in_content}{leads}"), &help);
    };
    let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
        return error(candidate, "the file name is not valid UTF-8".into(), "rename the file");
    };
    if !rel.ends_with(".md") {
        return error(
            candidate,
            format!("`{shown}` is not a Markdown page"),
            "name a page's .md file, e.g. content/inventory/cycle-counting.md",
        );
    }
    Ok((content_real.join(&rel), rel))
}

/// The page's front matter after the cascades of its sections, computed by the build's own
/// `assemble` over the page and the documents of the folders above it (a section's page is
/// one of them). `None` when the build would not make it a page.
fn resolved_meta(cfg: &Config, rel: &str, text: &str, file: &Path) -> Option<FrontMatter> {
    let mut scratch = Diagnostics::new();
    let (md_files, _) = load::walk(&cfg.content, &mut scratch);
    if !md_files.iter().any(|(r, _)| r == rel) {
        return None;
    }
    let own_dir = rel.rfind('/').map_or("", |i| &rel[..i]);
    let is_ancestor =
        |dir: &str| dir.is_empty() || own_dir == dir || own_dir.starts_with(&format!("{dir}/"));
    let mut docs = Vec::new();
    for (r, path) in md_files {
        let doc = if r == rel {
            load::from_text(r, file.to_path_buf(), text.to_string(), &mut scratch)
        } else if is_ancestor(r.rfind('/').map_or("", |i| &r[..i])) {
            match load::read_doc(r, path, &mut scratch) {
                Some(doc) => doc,
                None => continue,
            }
        } else {
            continue;
        };
        docs.push((doc, Arc::new(Parsed::default())));
    }
    let site = content::site::assemble(
        docs,
        AssembleOptions { drafts: true, reserved: None },
        &mut scratch,
    );
    site.pages.into_iter().find(|p| p.rel == rel).map(|p| p.meta)
}

/// Reviews one page; the summary line, or `None` after reporting why not.
fn review_page(
    cfg: &Config,
    cwd: &Path,
    path: &Path,
    date: Date,
    today: Date,
    diags: &mut Diagnostics,
) -> Option<String> {
    let (file, rel) = match locate(cfg, cwd, path) {
        Ok(found) => found,
        Err(diag) => {
            diags.push(diag);
            return None;
        }
    };
    let text = match load::read_regular(&file).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            diags.push(
                Diagnostic::error(Some(Span::file(&file)), "the file is not valid UTF-8")
                    .with_help("save the file with UTF-8 encoding"),
            );
            return None;
        }
        Err(err) => {
            diags.push(Diagnostic::error(Some(Span::file(&file)), format!("cannot read: {err}")));
            return None;
        }
    };
    let format = frontmatter::split(&text).ok().and_then(|s| s.format);
    let new_text = match set_reviewed(&text, date) {
        Ok(new_text) => new_text,
        Err(err) => {
            let span = match err.range() {
                Some(r) => Span::from_range(&file, &text, r.start, r.end),
                None => Span::file(&file),
            };
            diags.push(
                Diagnostic::error(Some(span), err.to_string()).with_help(err.help(format, date)),
            );
            return None;
        }
    };
    let Some(meta) = resolved_meta(cfg, &rel, &text, &file) else {
        diags.push(
            Diagnostic::error(Some(Span::file(&file)), "this file is not a page of the site")
                .with_help("`ignore` in opsbook.toml or its name leaves it out of the build; `opsbook check` says more"),
        );
        return None;
    };
    if !meta.is_process() {
        let (own, cascade) = match format {
            Some(Format::Yaml) => ("kind: process", "kind = \"process\""),
            _ => ("kind = \"process\"", "kind = \"process\""),
        };
        diags.push(
            Diagnostic::error(
                Some(Span::file(&file)),
                "this page is not a process, so it has no review date to set",
            )
            .with_help(format!(
                "mark it as a process with `{own}` in its front matter (or `{cascade}` under `[cascade]` in its section's _index.md), then review it"
            )),
        );
        return None;
    }
    if new_text != text
        && let Err(err) = replace_file(&file, new_text.as_bytes())
    {
        diags.push(Diagnostic::error(Some(Span::file(&file)), format!("cannot write: {err}")));
        return None;
    }
    let every = meta.review_every.unwrap_or(cfg.governance.review_every);
    let due = every.after(date);
    let past = if due < today { ", already past" } else { "" };
    Some(format!("Reviewed {}{rel}: {date} (next review due {due}{past})", cfg.content.prefix()))
}

/// Replaces `file` with `bytes` at once: a temporary file in the same folder (a dot-name the
/// build and the dev server ignore), with the file's permissions, renamed over it. A reader
/// sees the old file or the new one, never half of one.
fn replace_file(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let permissions = std::fs::metadata(file)?.permissions();
    let mut attempt = 0;
    let (tmp, mut handle) = loop {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.review.tmp", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(handle) => break (tmp, handle),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    };
    let written = handle
        .write_all(bytes)
        .and_then(|()| handle.set_permissions(permissions))
        .and_then(|()| handle.sync_all())
        .and_then(|()| std::fs::rename(&tmp, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    const DATE: &str = "2026-11-29";

    /// Asserts that `output` is `input` with one line changed or added, and that this line
    /// is the `reviewed` one.
    fn only_reviewed_line_differs(input: &str, output: &str) {
        let a: Vec<&str> = input.split_inclusive('\n').collect();
        let b: Vec<&str> = output.split_inclusive('\n').collect();
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suffix = a[prefix..]
            .iter()
            .rev()
            .zip(b[prefix..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let old = &a[prefix..a.len() - suffix];
        let new = &b[prefix..b.len() - suffix];
        assert!(
            old.len() <= 1 && new.len() == 1,
            "more than one line changed:\n{input:?}\n{output:?}"
        );
        let line = new[0].trim_start_matches('"');
        assert!(line.starts_with("reviewed"), "the changed line is {:?}", new[0]);
        if let Some(old) = old.first() {
            assert!(old.trim_start_matches('"').starts_with("reviewed"), "{old:?} was changed");
        }
    }

    #[test]
    fn reviewed_is_set_and_nothing_else_changes() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "TOML: the value replaced",
                "+++\ntitle = \"a\"\nreviewed = 2026-01-02\nkind = \"process\"\n+++\nbody\n",
                "+++\ntitle = \"a\"\nreviewed = 2026-11-29\nkind = \"process\"\n+++\nbody\n",
            ),
            (
                "TOML: a trailing comment and its spacing kept",
                "+++\nreviewed = 2026-01-02   # walked the floor\n+++\n",
                "+++\nreviewed = 2026-11-29   # walked the floor\n+++\n",
            ),
            (
                "TOML: quotes kept",
                "+++\nreviewed = \"2026-01-02\"\nowner = 'x'\n+++\n",
                "+++\nreviewed = \"2026-11-29\"\nowner = 'x'\n+++\n",
            ),
            (
                "TOML: a literal string's quotes kept",
                "+++\nreviewed = '2026-01-02' # c\n+++\n",
                "+++\nreviewed = '2026-11-29' # c\n+++\n",
            ),
            (
                "TOML: a datetime becomes a date",
                "+++\nreviewed = 2026-01-02T10:00:00Z\n+++\n",
                "+++\nreviewed = 2026-11-29\n+++\n",
            ),
            (
                "TOML: a quoted key",
                "+++\n\"reviewed\" = 2026-01-02\n+++\n",
                "+++\n\"reviewed\" = 2026-11-29\n+++\n",
            ),
            (
                "TOML: absent, inserted after the last key",
                "+++\ntitle = \"a\"\nkind = \"process\"\n\n# notes\n+++\n",
                "+++\ntitle = \"a\"\nkind = \"process\"\nreviewed = 2026-11-29\n\n# notes\n+++\n",
            ),
            (
                "TOML: absent, inserted before the first table",
                "+++\ntitle = \"a\"\n\n# What applies below\n[cascade]\nkind = \"process\"\n+++\n",
                "+++\ntitle = \"a\"\nreviewed = 2026-11-29\n\n# What applies below\n[cascade]\nkind = \"process\"\n+++\n",
            ),
            (
                "TOML: only [extra] has one, so a top-level one is added",
                "+++\ntitle = \"a\"\n[extra]\nreviewed = 2020-01-01\n+++\n",
                "+++\ntitle = \"a\"\nreviewed = 2026-11-29\n[extra]\nreviewed = 2020-01-01\n+++\n",
            ),
            (
                "TOML: only [cascade] has one",
                "+++\n[cascade]\nkind = \"process\"\nreviewed = 2020-01-01\n+++\n",
                "+++\nreviewed = 2026-11-29\n[cascade]\nkind = \"process\"\nreviewed = 2020-01-01\n+++\n",
            ),
            (
                "TOML: [[array of tables]] and a dotted key",
                "+++\nextra.reviewed = 2020-01-01\n[[links]]\nurl = \"x\"\n+++\n",
                "+++\nextra.reviewed = 2020-01-01\nreviewed = 2026-11-29\n[[links]]\nurl = \"x\"\n+++\n",
            ),
            (
                "TOML: brackets inside arrays and strings are not tables",
                "+++\nm = [\n  [1, 2],\n  # [x]\n]\nd = \"\"\"\n[not a table]\n\"\"\"\ns = '''\n[no]'''\nq = \"a\\\"[\"\n[extra]\n+++\n",
                "+++\nm = [\n  [1, 2],\n  # [x]\n]\nd = \"\"\"\n[not a table]\n\"\"\"\ns = '''\n[no]'''\nq = \"a\\\"[\"\nreviewed = 2026-11-29\n[extra]\n+++\n",
            ),
            (
                "TOML: an inline table",
                "+++\nextra = { reviewed = 2020-01-01 }\n+++\n",
                "+++\nextra = { reviewed = 2020-01-01 }\nreviewed = 2026-11-29\n+++\n",
            ),
            ("TOML: empty", "+++\n+++\nbody", "+++\nreviewed = 2026-11-29\n+++\nbody"),
            (
                "TOML: comments only, then a table",
                "+++\n# c\n[extra]\na = 1\n+++\n",
                "+++\nreviewed = 2026-11-29\n# c\n[extra]\na = 1\n+++\n",
            ),
            (
                "TOML: CRLF stays CRLF",
                "+++\r\ntitle = \"a\"\r\n[extra]\r\nb = 1\r\n+++\r\nbody\r\n",
                "+++\r\ntitle = \"a\"\r\nreviewed = 2026-11-29\r\n[extra]\r\nb = 1\r\n+++\r\nbody\r\n",
            ),
            (
                "TOML: CRLF replaced",
                "+++\r\nreviewed = 2026-01-02 # c\r\n+++\r\n",
                "+++\r\nreviewed = 2026-11-29 # c\r\n+++\r\n",
            ),
            (
                "TOML: empty CRLF front matter",
                "+++\r\n+++\r\n",
                "+++\r\nreviewed = 2026-11-29\r\n+++\r\n",
            ),
            (
                "TOML: a BOM kept",
                "\u{feff}+++\ntitle = \"a\"\n+++\n",
                "\u{feff}+++\ntitle = \"a\"\nreviewed = 2026-11-29\n+++\n",
            ),
            (
                "TOML: an example in the body is not the front matter",
                "+++\nreviewed = 2026-01-02\n+++\n```\n+++\nreviewed = 2020-01-01\n+++\n```\n",
                "+++\nreviewed = 2026-11-29\n+++\n```\n+++\nreviewed = 2020-01-01\n+++\n```\n",
            ),
            (
                "YAML: the value replaced, comment kept",
                "---\ntitle: a\nreviewed: 2026-01-02  # c\nkind: process\n---\n",
                "---\ntitle: a\nreviewed: 2026-11-29  # c\nkind: process\n---\n",
            ),
            (
                "YAML: double quotes kept",
                "---\nreviewed: \"2026-01-02\" # c\n---\n",
                "---\nreviewed: \"2026-11-29\" # c\n---\n",
            ),
            (
                "YAML: single quotes kept",
                "---\nreviewed: '2026-01-02'\n---\n",
                "---\nreviewed: '2026-11-29'\n---\n",
            ),
            (
                "YAML: an anchor and a tag kept",
                "---\nreviewed: &r !!str 2026-01-02\n---\n",
                "---\nreviewed: &r !!str 2026-11-29\n---\n",
            ),
            (
                "YAML: an empty value",
                "---\nreviewed:\ntitle: a\n---\n",
                "---\nreviewed: 2026-11-29\ntitle: a\n---\n",
            ),
            ("YAML: null", "---\nreviewed: ~ # c\n---\n", "---\nreviewed: 2026-11-29 # c\n---\n"),
            (
                "YAML: a quoted key",
                "---\n\"reviewed\": 2026-01-02\n---\n",
                "---\n\"reviewed\": 2026-11-29\n---\n",
            ),
            (
                "YAML: absent, inserted after the last value",
                "---\ntitle: a\ntags:\n  - x\n# end\n---\nbody\n",
                "---\ntitle: a\ntags:\n  - x\nreviewed: 2026-11-29\n# end\n---\nbody\n",
            ),
            (
                "YAML: only a nested one, so a top-level one is added",
                "---\ntitle: a\ncascade:\n  reviewed: 2020-01-01\n---\n",
                "---\ntitle: a\ncascade:\n  reviewed: 2020-01-01\nreviewed: 2026-11-29\n---\n",
            ),
            (
                "YAML: CRLF stays CRLF",
                "---\r\ntitle: a\r\nextra:\r\n  reviewed: 2020-01-01\r\n---\r\nbody\r\n",
                "---\r\ntitle: a\r\nextra:\r\n  reviewed: 2020-01-01\r\nreviewed: 2026-11-29\r\n---\r\nbody\r\n",
            ),
            (
                "YAML: CRLF replaced",
                "---\r\nreviewed: 2026-01-02\r\n---\r\n",
                "---\r\nreviewed: 2026-11-29\r\n---\r\n",
            ),
            (
                "YAML: a BOM and the `...` fence kept",
                "\u{feff}---\ntitle: a\n...\nbody",
                "\u{feff}---\ntitle: a\nreviewed: 2026-11-29\n...\nbody",
            ),
            ("YAML: empty", "---\n---\n", "---\nreviewed: 2026-11-29\n---\n"),
            (
                "YAML: a kept block scalar keeps its trailing lines",
                "---\nnotes: |+\n  a\n\n---\n",
                "---\nnotes: |+\n  a\n\nreviewed: 2026-11-29\n---\n",
            ),
        ];
        for (name, input, want) in cases {
            let got = set_reviewed(input, d(DATE));
            assert_eq!(got.as_deref(), Ok(*want), "{name}");
            only_reviewed_line_differs(input, want);
        }
    }

    #[test]
    fn what_cannot_be_edited_is_refused_not_guessed() {
        type Check = fn(&ReviewError) -> bool;
        let cases: &[(&str, &str, Check)] = &[
            ("no front matter", "# Title\n", |e| *e == ReviewError::NoFrontMatter),
            ("never closed", "+++\ntitle = \"a\"\n", |e| {
                *e == ReviewError::Unclosed { range: 0..3 }
            }),
            (
                "TOML syntax",
                "+++\ntitle = \nkind = \"process\"\n+++\n",
                |e| matches!(e, ReviewError::Syntax { range, .. } if range.start >= 4),
            ),
            ("TOML twice", "+++\nreviewed = 2026-01-01\nreviewed = 2026-01-02\n+++\n", |e| {
                matches!(e, ReviewError::Syntax { .. })
            }),
            ("YAML syntax", "---\ntitle: [a\n---\n", |e| matches!(e, ReviewError::Syntax { .. })),
            ("YAML twice", "---\nreviewed: 1\nreviewed: 2\n---\n", |e| {
                matches!(e, ReviewError::Syntax { .. })
            }),
            ("TOML table", "+++\n[reviewed]\nat = 2026-01-01\n+++\n", |e| {
                matches!(e, ReviewError::Unsupported { what: "a table", .. })
            }),
            ("TOML list", "+++\nreviewed = [2026-01-01]\n+++\n", |e| {
                matches!(e, ReviewError::Unsupported { what: "a list", .. })
            }),
            ("TOML multi-line string", "+++\nreviewed = \"\"\"\n2026-01-01\"\"\"\n+++\n", |e| {
                matches!(e, ReviewError::Unsupported { .. })
            }),
            (
                "YAML block scalar",
                "---\nreviewed: |\n  2026-01-01\n---\n",
                |e| matches!(e, ReviewError::Unsupported { range, .. } if *range == (4..12)),
            ),
            ("YAML flow mapping", "---\n{reviewed: 2026-01-01}\n---\n", |e| {
                matches!(e, ReviewError::Unsupported { .. })
            }),
            ("YAML flow mapping, absent", "---\n{title: a}\n---\n", |e| {
                *e == ReviewError::Unverified
            }),
            ("YAML plain scalar over two lines", "---\nreviewed: 2026-01-01\n  more\n---\n", |e| {
                *e == ReviewError::Unverified
            }),
        ];
        for (name, input, check) in cases {
            let got = set_reviewed(input, d(DATE));
            assert!(got.as_ref().is_err_and(check), "{name}: {got:?}");
        }
        let big = format!("+++\ntitle = \"{}\"\n+++\n", "x".repeat(frontmatter::MAX_FRONT_MATTER));
        assert!(matches!(set_reviewed(&big, d(DATE)), Err(ReviewError::TooLarge { .. })));
    }

    #[test]
    fn dates_on_the_command_line_are_days() {
        assert_eq!(dates::parse_date_arg("2026-11-29"), Ok(d("2026-11-29")));
        for bad in ["2026-02-30", "29/11/2026", "2026-11-29T10:00", "today", ""] {
            assert!(dates::parse_date_arg(bad).is_err(), "{bad}");
        }
    }

    /// One front matter of `key = "value"` lines (or `key: "value"`), each with its own line
    /// ending, an optional `reviewed` among them, and an optional table after them.
    fn front_matter() -> impl Strategy<Value = String> {
        let line = ("[a-z_]{1,8}", "[a-zA-Z0-9 #\\[\\]{}:=-]{0,12}", prop::bool::ANY);
        (
            prop::bool::ANY,
            prop::collection::vec(line, 0..8),
            prop::option::of(0usize..8),
            prop::option::of(prop::collection::vec(("[a-z]{1,6}", prop::bool::ANY), 0..3)),
            prop::bool::ANY,
        )
            .prop_map(|(toml, lines, reviewed_at, table, crlf_fence)| {
                let (fence, sep) = if toml { ("+++", " = ") } else { ("---", ": ") };
                let eol = |crlf: bool| if crlf { "\r\n" } else { "\n" };
                let mut out = format!("{fence}{}", eol(crlf_fence));
                let mut n = 0;
                for (i, (key, value, crlf)) in lines.iter().enumerate() {
                    if reviewed_at == Some(i) {
                        out.push_str(&format!("reviewed{sep}2020-01-01{}", eol(*crlf)));
                    }
                    // Numbered, so that no key is set twice.
                    out.push_str(&format!("{key}{n}{sep}\"{value}\"{}", eol(*crlf)));
                    n += 1;
                }
                if let Some(table) = table {
                    let (header, indent) = if toml { ("[extra]", "") } else { ("extra:", "  ") };
                    out.push_str(&format!("{header}{}", eol(crlf_fence)));
                    for (key, crlf) in table {
                        out.push_str(&format!("{indent}{key}{n}{sep}\"v\"{}", eol(crlf)));
                        n += 1;
                    }
                    out.push_str(&format!("{indent}reviewed{sep}2019-01-01{}", eol(crlf_fence)));
                }
                out.push_str(&format!("{fence}{}body", eol(crlf_fence)));
                out
            })
    }

    proptest! {
        #[test]
        fn only_the_reviewed_line_changes(text in front_matter()) {
            let out = set_reviewed(&text, d(DATE)).expect("plain front matter is edited");
            only_reviewed_line_differs(&text, &out);
            // The changed line ends as the line before it (or as itself) did.
            let changed = out.split_inclusive('\n').find(|l| l.starts_with("reviewed")).unwrap();
            let crlf = changed.ends_with("\r\n");
            let (toml_line, yaml_line) = (format!("reviewed = {DATE}"), format!("reviewed: {DATE}"));
            prop_assert!(changed.trim_end() == toml_line || changed.trim_end() == yaml_line);
            let at = out.find(changed).unwrap();
            let before = &out[..at];
            let replaced = text.split_inclusive('\n').any(|l| l.starts_with("reviewed"));
            if !replaced {
                prop_assert_eq!(crlf, before.ends_with("\r\n"), "{:?}", out);
                // After every top-level key: the table (TOML) or the fence comes next.
                let next = out[at + changed.len()..].split_inclusive('\n').next().unwrap();
                prop_assert!(["[extra]", "+++", "---"].contains(&next.trim_end()), "{:?}", out);
            }
            let mut diags = Diagnostics::new();
            let split = frontmatter::split(&out).unwrap();
            let fm = frontmatter::parse(Path::new("p.md"), &out, &split, &mut diags);
            prop_assert!(!diags.has_errors(), "{:?}", diags.into_vec());
            prop_assert_eq!(fm.reviewed, Some(d(DATE)));
        }

        #[test]
        fn any_text_is_an_answer_not_a_panic(text in "(\\+\\+\\+|---)?[\\s\\S]{0,80}") {
            let _ = set_reviewed(&text, d(DATE));
        }
    }
}
