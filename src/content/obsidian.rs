//! The Markdown of Obsidian vaults that CommonMark does not know, turned into what the
//! rest of the Markdown stage already handles (DESIGN section 13): `%%comments%%` dropped
//! before parsing, `==highlight==` as `<mark>`, callouts with a title and folding
//! (`> [!tip]- Title`), and `^block-id` at the end of a paragraph.
//!
//! Everything here works on the text or on pulldown-cmark's event stream; byte ranges of
//! links stay those of the file, so diagnostics point at what the author wrote.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;

/// `body` without its `%%comments%%` (outside code), and the cuts made: `(position in the
/// result, bytes removed up to there)`, in order, for [`original`].
pub(crate) fn strip_comments(body: &str) -> (Cow<'_, str>, Vec<(usize, usize)>) {
    if !body.contains("%%") {
        return (Cow::Borrowed(body), Vec::new());
    }
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut cuts = Vec::new();
    let mut removed = 0;
    let mut copied = 0; // bytes of `body` already handled
    let mut fence: Option<(u8, usize)> = None;
    let mut line_start = 0;
    while line_start < body.len() {
        let line_end = body[line_start..].find('\n').map_or(body.len(), |i| line_start + i + 1);
        let line = &body[line_start..line_end];
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let marker = trimmed.bytes().next().filter(|&b| b == b'`' || b == b'~');
        if line_start >= copied && indent <= 3 && marker.is_some() {
            let c = marker.unwrap_or(b'`');
            let run = trimmed.bytes().take_while(|&b| b == c).count();
            match fence {
                Some((open, len))
                    if open == c && run >= len && trimmed[run..].trim().is_empty() =>
                {
                    fence = None;
                }
                None if run >= 3 => fence = Some((c, run)),
                _ => {}
            }
            line_start = line_end;
            continue;
        }
        if fence.is_some() || line_start < copied && line_end <= copied {
            line_start = line_end;
            continue;
        }
        // Outside code blocks: find `%%` outside inline code on this line.
        let mut i = line_start.max(copied);
        while i < line_end {
            match bytes[i] {
                b'`' => {
                    let run = bytes[i..line_end].iter().take_while(|&&b| b == b'`').count();
                    let ticks = &body[i..i + run];
                    i += run;
                    if let Some(close) = body[i..line_end].find(ticks) {
                        i += close + run;
                    }
                }
                b'%' if bytes.get(i + 1) == Some(&b'%') => {
                    let Some(close) = body[i + 2..].find("%%") else {
                        i += 2;
                        continue;
                    };
                    let end = i + 2 + close + 2;
                    out.push_str(&body[copied..i]);
                    removed += end - i;
                    cuts.push((out.len(), removed));
                    copied = end;
                    i = end;
                    if end > line_end {
                        break;
                    }
                }
                _ => i += 1,
            }
        }
        line_start = if copied > line_end {
            // The comment ran over several lines: go on from the start of the line it ended on.
            body[..copied].rfind('\n').map_or(0, |n| n + 1)
        } else {
            line_end
        };
    }
    if cuts.is_empty() {
        return (Cow::Borrowed(body), cuts);
    }
    out.push_str(&body[copied..]);
    (Cow::Owned(out), cuts)
}

/// The position in the original text of position `at` of the text [`strip_comments`] made.
pub(crate) fn original(cuts: &[(usize, usize)], at: usize) -> usize {
    let i = cuts.partition_point(|&(pos, _)| pos <= at);
    at + if i == 0 { 0 } else { cuts[i - 1].1 }
}

/// Merges runs of `Text` events (pulldown-cmark splits text at every character that might
/// start markup), so that `==a b==` and `^id` are seen whole.
pub(crate) fn merge_text<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(events.len());
    for (event, range) in events {
        if let (Event::Text(next), Some((Event::Text(prev), prev_range))) = (&event, out.last_mut())
        {
            let mut joined = String::with_capacity(prev.len() + next.len());
            joined.push_str(prev);
            joined.push_str(next);
            *prev = CowStr::from(joined);
            prev_range.end = range.end;
            continue;
        }
        out.push((event, range));
    }
    out
}

/// A callout's kind as Obsidian names it, the CSS family it is drawn in, and its default
/// title.
fn callout_kind(name: &str) -> (&'static str, String) {
    let lower = name.to_ascii_lowercase();
    let family = match lower.as_str() {
        "tip" | "hint" | "success" | "check" | "done" => "tip",
        "important" | "question" | "help" | "faq" => "important",
        "warning" | "attention" => "warning",
        "caution" | "failure" | "fail" | "missing" | "danger" | "error" | "bug" => "caution",
        _ => "note",
    };
    let mut title = lower.clone();
    if let Some(first) = title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    (family, title)
}

/// The kind GitHub's syntax gives, as Obsidian would name it.
pub(crate) fn gfm_kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// `[!kind]`, `[!kind]-` or `[!kind]+`, then the title, at the start of a callout's first
/// line: `(kind, folding, title)`, the title empty when none is written.
fn callout_head(text: &str) -> Option<(&str, Option<char>, &str)> {
    let rest = text.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let kind = &rest[..close];
    if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let mut after = &rest[close + 1..];
    let fold = match after.chars().next() {
        Some(c @ ('-' | '+')) => {
            after = &after[1..];
            Some(c)
        }
        _ => None,
    };
    if !after.is_empty() && !after.starts_with(' ') {
        return None;
    }
    Some((kind, fold, after.trim_start()))
}

/// Rewrites Obsidian callouts (`> [!tip]- Title`, any kind, with a title and folding) and
/// GitHub ones (`> [!NOTE]`) into HTML events: a `<div>` with a title, or a `<details>`
/// when the callout folds (`-` closed, `+` open). Other block quotes stay as they are.
pub(crate) fn callouts<'a>(
    mut events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    if !events.iter().any(|(e, _)| matches!(e, Event::Start(Tag::BlockQuote(_)))) {
        return events;
    }
    // Events are moved out as they are used (a soft break is left behind), never cloned.
    let take = |events: &mut Vec<(Event<'a>, Range<usize>)>, i: usize| {
        (std::mem::replace(&mut events[i].0, Event::SoftBreak), events[i].1.clone())
    };
    let mut out: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(events.len());
    // Per open block quote: how it closes (`None`: as a block quote).
    let mut open: Vec<Option<&'static str>> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let range = events[i].1.clone();
        match &events[i].0 {
            Event::Start(Tag::BlockQuote(kind)) => {
                // The first line of its first paragraph may be `[!kind]- Title`.
                let head = match (events.get(i + 1), events.get(i + 2)) {
                    (Some((Event::Start(Tag::Paragraph), _)), Some((Event::Text(t), _))) => {
                        callout_head(t).map(|(k, f, title)| (k.to_string(), f, title.to_string()))
                    }
                    _ => None,
                };
                let kind = *kind;
                let Some((name, fold, title)) = head else {
                    match kind {
                        Some(k) => {
                            let (html, title_end, close) = open_callout(gfm_kind(k), None);
                            let (_, default_title) = callout_kind(gfm_kind(k));
                            out.push((Event::Html(html.into()), range.clone()));
                            out.push((Event::Text(default_title.into()), range.clone()));
                            out.push((Event::Html(title_end.into()), range.clone()));
                            open.push(Some(close));
                        }
                        None => {
                            out.push(take(&mut events, i));
                            open.push(None);
                        }
                    }
                    i += 1;
                    continue;
                };
                let (html, title_end, close) = open_callout(&name, fold);
                out.push((Event::Html(html.into()), range.clone()));
                open.push(Some(close));
                // The title is the rest of the head line, markup and all (`See [[T]] *now*`),
                // or the kind's name; the paragraph goes on after the line, or disappears
                // when the head was all of it.
                let para = take(&mut events, i + 1);
                let text_range = events[i + 2].1.clone();
                i += 3;
                let line_end = events[i..]
                    .iter()
                    .position(|(e, _)| {
                        matches!(
                            e,
                            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph)
                        )
                    })
                    .map_or(events.len(), |n| i + n);
                if title.trim().is_empty() && line_end == i {
                    out.push((Event::Text(callout_kind(&name).1.into()), text_range));
                } else {
                    if !title.is_empty() {
                        out.push((Event::Text(title.into()), text_range));
                    }
                    for j in i..line_end {
                        out.push(take(&mut events, j));
                    }
                }
                out.push((Event::Html(title_end.into()), range.clone()));
                i = line_end;
                if matches!(events.get(i), Some((Event::SoftBreak | Event::HardBreak, _))) {
                    i += 1;
                }
                if matches!(events.get(i), Some((Event::End(TagEnd::Paragraph), _))) {
                    i += 1;
                } else {
                    out.push(para);
                }
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                match open.pop().flatten() {
                    Some(close) => out.push((Event::Html(close.into()), range)),
                    None => out.push((Event::End(TagEnd::BlockQuote(*kind)), range)),
                }
                i += 1;
            }
            _ => {
                out.push(take(&mut events, i));
                i += 1;
            }
        }
    }
    out
}

/// The HTML of a callout up to its title's text, the end of the title, and the callout's
/// closing tag.
fn open_callout(name: &str, fold: Option<char>) -> (String, &'static str, &'static str) {
    let (family, _) = callout_kind(name);
    let mut kind_attr = String::new();
    let _ = escape_html(&mut kind_attr, &name.to_ascii_lowercase());
    match fold {
        Some(c) => (
            format!(
                "<details class=\"callout callout-{family}\" data-callout=\"{kind_attr}\"{}><summary class=\"callout-title\">",
                if c == '+' { " open" } else { "" }
            ),
            "</summary>\n",
            "</details>\n",
        ),
        None => (
            format!(
                "<div class=\"callout callout-{family}\" data-callout=\"{kind_attr}\" role=\"note\"><p class=\"callout-title\">"
            ),
            "</p>\n",
            "</div>\n",
        ),
    }
}

/// Splits `==highlighted==` runs out of a text: `(text, highlighted)` pieces in order.
/// A run must not start or end with a space (`a == b` is no highlight).
pub(crate) fn highlights(text: &str) -> Option<Vec<(&str, bool)>> {
    let first = text.find("==")?;
    let mut out = Vec::new();
    let mut rest = text;
    let mut at = first;
    loop {
        let after = &rest[at + 2..];
        let Some(close) = after.find("==") else { break };
        let inner = &after[..close];
        if inner.is_empty()
            || inner.starts_with(char::is_whitespace)
            || inner.ends_with(char::is_whitespace)
        {
            // Not a run: move past this `==` and look again.
            match rest[at + 2..].find("==") {
                Some(next) => {
                    let skip = at + 2 + next;
                    out.push((&rest[..skip], false));
                    rest = &rest[skip..];
                    at = 0;
                    continue;
                }
                None => break,
            }
        }
        if at > 0 {
            out.push((&rest[..at], false));
        }
        out.push((inner, true));
        rest = &after[close + 2..];
        match rest.find("==") {
            Some(next) => at = next,
            None => break,
        }
    }
    if !out.iter().any(|&(_, h)| h) {
        return None;
    }
    if !rest.is_empty() {
        out.push((rest, false));
    }
    Some(out)
}

/// `text` without a trailing ` ^block-id`, and the id, when it ends with one.
pub(crate) fn block_id(text: &str) -> Option<(&str, &str)> {
    let trimmed = text.trim_end();
    let caret = trimmed.rfind('^')?;
    let id = &trimmed[caret + 1..];
    let before = &trimmed[..caret];
    let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    (valid && (before.is_empty() || before.ends_with([' ', '\t']))).then(|| (before.trim_end(), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_cut_outside_code_and_positions_map_back() {
        let body = "a %%hidden%% b\n`x %%y%% z` c\n```\n%%kept%%\n```\nd %%multi\nline%% e\n";
        let (out, cuts) = strip_comments(body);
        assert_eq!(out, "a  b\n`x %%y%% z` c\n```\n%%kept%%\n```\nd  e\n");
        // `b` is at 3 in the result and at 13 in the text.
        assert_eq!(&body[original(&cuts, 3)..original(&cuts, 3) + 1], "b");
        let e = out.rfind('e').unwrap();
        assert_eq!(&body[original(&cuts, e)..original(&cuts, e) + 1], "e");
        // An unclosed `%%` is text.
        assert_eq!(strip_comments("100%% sure").0, "100%% sure");
        assert!(matches!(strip_comments("plain").0, Cow::Borrowed(_)));
    }

    #[test]
    fn highlight_runs() {
        assert_eq!(
            highlights("a ==b c== d"),
            Some(vec![("a ", false), ("b c", true), (" d", false)])
        );
        assert_eq!(highlights("==x====y=="), Some(vec![("x", true), ("y", true)]));
        assert_eq!(highlights("if a == b and c == d"), None);
        assert_eq!(highlights("a == b ==c=="), Some(vec![("a == b ", false), ("c", true)]));
        assert_eq!(highlights("no marks"), None);
    }

    #[test]
    fn block_ids_end_a_paragraph() {
        assert_eq!(
            block_id("Refunds go out in 5 days. ^refund-sla"),
            Some(("Refunds go out in 5 days.", "refund-sla"))
        );
        assert_eq!(block_id("x^notid"), None);
        assert_eq!(block_id("2^10"), None);
        assert_eq!(block_id("a ^"), None);
        assert_eq!(block_id("^only"), Some(("", "only")));
    }

    #[test]
    fn callout_heads() {
        assert_eq!(
            callout_head("[!tip]- Cut-off times"),
            Some(("tip", Some('-'), "Cut-off times"))
        );
        assert_eq!(callout_head("[!faq]+"), Some(("faq", Some('+'), "")));
        assert_eq!(callout_head("[!info]"), Some(("info", None, "")));
        assert_eq!(callout_head("[!info]x"), None);
        assert_eq!(callout_head("[link] text"), None);
    }
}
