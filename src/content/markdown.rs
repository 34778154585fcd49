//! Markdown to HTML for one page, plus what later stages need from it: headings, links with
//! their byte ranges, and the plain text grouped by heading (for search and summaries).
//!
//! Links to other pages cannot be resolved yet (their titles and heading ids come from this
//! same stage, run in parallel), so every internal link is written with a marker,
//! `\u{1A}<n>\u{1A}` for its URL and `\u{1A}T<n>\u{1A}` for a wikilink's text, which the
//! render stage replaces. U+001A never survives loading (see `content::load`), so a marker
//! cannot be forged by page text. All parsers are built through [`options`] (mdBook's
//! `new_cmark_parser` rule).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::{escape_href, escape_html};

use super::slug::slugify;

/// The marker byte around link placeholders in rendered HTML.
pub(crate) const MARKER: char = '\u{1A}';

/// The one place where parser options are chosen.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link to something inside the site, as written, with its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub target: String,
    pub wiki: bool,
    pub image: bool,
    /// Whether the author wrote the link text (`[[a|text]]`, `[text](a.md)`).
    pub has_label: bool,
    /// Byte range of the whole link in the file.
    pub range: Range<usize>,
}

/// Plain text under one heading, the heading's own text not included (`heading` indexes
/// [`Parsed::headings`]; `None` is the text before the first heading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBlock {
    pub heading: Option<usize>,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub html: String,
    pub headings: Vec<Heading>,
    /// The text of a leading `# heading`, which becomes the title when none is set.
    pub leading_h1: Option<String>,
    pub links: Vec<LinkRef>,
    pub blocks: Vec<TextBlock>,
    pub word_count: usize,
    /// The first paragraph as plain text, shortened.
    pub summary: String,
    /// Ids other than headings that links may target (footnotes, raw HTML ids).
    pub anchors: Vec<String>,
    /// A hash of everything above that a page's own rendering shows (HTML, headings,
    /// summary, words), so the dev server can tell whether the page changed.
    pub hash: u64,
}

/// How to treat raw HTML in the Markdown.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MarkdownOptions {
    pub unsafe_html: bool,
    /// Whether a leading `# heading` is used as the title (then it is not rendered).
    pub h1_is_title: bool,
}

/// Whether a link destination points outside the site (has a scheme or is protocol-relative).
pub(crate) fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !dest[..colon].contains('/')
}

/// Whether a browser would run `url` as script, or open it as a document whose content the
/// URL itself carries: `javascript:`, `vbscript:` and `data:` (in any case). The scheme is
/// read the way browsers read it: leading and trailing spaces and control characters are
/// dropped, tabs and line breaks anywhere are ignored (`java\tscript:` runs too).
/// Character references are already decoded by the Markdown parser.
pub(crate) fn is_script_url(url: &str) -> bool {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let mut scheme = String::with_capacity(12);
    for c in trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')) {
        if c == ':' {
            break;
        }
        if scheme.len() > 10 || !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            return false;
        }
        scheme.push(c.to_ascii_lowercase());
    }
    matches!(scheme.as_str(), "javascript" | "vbscript" | "data") && trimmed.contains(':')
}

/// [`is_script_url`] for an image source: an `<img>` never runs a `data:image/...` URL, so
/// those stay (they are how some editors embed pasted screenshots).
pub(crate) fn is_script_image_url(url: &str) -> bool {
    let lower = url.trim_matches(|c: char| c <= ' ').to_ascii_lowercase();
    is_script_url(url) && !lower.starts_with("data:image/")
}

const SUMMARY_CHARS: usize = 240;

/// Parses one page body. `body` is the Markdown, `offset` its byte offset in the file.
pub(crate) fn parse(body: &str, offset: usize, opts: MarkdownOptions) -> Parsed {
    let mut state = State::new(opts);
    let parser = Parser::new_ext(body, options()).into_offset_iter();
    let mut events: Vec<(Event<'_>, Range<usize>)> = parser.collect();
    if opts.h1_is_title {
        state.take_leading_h1(&mut events);
    }
    let mut iter = events.into_iter();
    while let Some((event, range)) = iter.next() {
        let range = offset + range.start..offset + range.end;
        state.event(event, range, &mut iter, offset);
    }
    state.finish()
}

struct State<'a> {
    opts: MarkdownOptions,
    out: Vec<Event<'a>>,
    footnotes: Vec<Event<'a>>,
    in_footnote: usize,
    parsed: Parsed,
    used_ids: HashSet<String>,
    /// The next suffix to try for each heading id base, so that many equal headings take
    /// linear time, not quadratic.
    next_suffix: HashMap<String, usize>,
    block: String,
    /// What goes before the next table cell in `block` (search excerpts show this text, so
    /// cells and rows stay apart), and how many such separators the block holds: they are
    /// not words.
    table_gap: Option<&'static str>,
    gaps: usize,
    in_code: bool,
    first_paragraph: Option<String>,
    in_paragraph: bool,
    paragraph: String,
    /// Open links: (is an internal link written by us, is a wikilink without label).
    /// Per open link: the HTML that closes it (`None`: pulldown-cmark's own end tag), and
    /// whether its text is the target's title, filled in later.
    open_links: Vec<(Option<&'static str>, bool)>,
}

impl<'a> State<'a> {
    fn new(opts: MarkdownOptions) -> Self {
        State {
            opts,
            out: Vec::new(),
            footnotes: Vec::new(),
            in_footnote: 0,
            parsed: Parsed::default(),
            used_ids: HashSet::new(),
            next_suffix: HashMap::new(),
            block: String::new(),
            table_gap: None,
            gaps: 0,
            in_code: false,
            first_paragraph: None,
            in_paragraph: false,
            paragraph: String::new(),
            open_links: Vec::new(),
        }
    }

    /// Removes a leading `# heading` and keeps its text as the title.
    fn take_leading_h1(&mut self, events: &mut Vec<(Event<'a>, Range<usize>)>) {
        let Some((Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }), _)) = events.first()
        else {
            return;
        };
        let Some(end) =
            events.iter().position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
        else {
            return;
        };
        let text = plain_text(events[1..end].iter().map(|(e, _)| e));
        if text.trim().is_empty() {
            return;
        }
        self.parsed.leading_h1 = Some(text.trim().to_string());
        events.drain(..=end);
    }

    fn emit(&mut self, event: Event<'a>) {
        if self.in_footnote > 0 {
            self.footnotes.push(event);
        } else {
            self.out.push(event);
        }
    }

    fn text(&mut self, text: &str) {
        self.block.push_str(text);
        if self.in_paragraph {
            self.paragraph.push_str(text);
        }
    }

    fn soft_break(&mut self) {
        if !self.block.ends_with(' ') && !self.block.is_empty() {
            self.block.push(' ');
        }
        if self.in_paragraph && !self.paragraph.ends_with(' ') {
            self.paragraph.push(' ');
        }
    }

    /// Closes the text block under the current heading.
    fn flush_block(&mut self) {
        let heading = self.parsed.headings.len().checked_sub(1);
        let (text, words) = collapse_whitespace(&self.block);
        self.block.clear();
        let words = words - std::mem::take(&mut self.gaps).min(words);
        if !text.is_empty() || heading.is_some() {
            self.parsed.word_count += words;
            self.parsed.blocks.push(TextBlock { heading, text });
        }
    }

    fn event<I>(&mut self, event: Event<'a>, range: Range<usize>, rest: &mut I, offset: usize)
    where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                self.heading(level, id, classes, attrs, rest, offset);
            }
            Event::Start(Tag::Link { link_type, dest_url, title, .. }) => {
                self.link_start(link_type, dest_url, title, range);
            }
            Event::End(TagEnd::Link) => {
                let (close, _) = self.open_links.pop().unwrap_or((None, false));
                match close {
                    Some(html) => self.emit(Event::InlineHtml(html.into())),
                    None => self.emit(Event::End(TagEnd::Link)),
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                self.image(link_type, dest_url, title, id, range, rest);
            }
            Event::Text(text) => {
                if let Some((_, true)) = self.open_links.last() {
                    // A wikilink without a label shows the target's title, known later.
                    let n = self.parsed.links.len() - 1;
                    self.text(&text);
                    self.emit(Event::Text(format!("{MARKER}T{n}{MARKER}").into()));
                    return;
                }
                self.text(&text);
                self.emit(Event::Text(text));
            }
            Event::Code(code) => {
                self.text(&code);
                self.emit(Event::Code(code));
            }
            Event::Html(html) | Event::InlineHtml(html) if !self.opts.unsafe_html => {
                // Safe by default: raw HTML is shown as text, as Hugo does.
                self.text(&html);
                self.emit(Event::Text(html));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                collect_html_ids(&html, &mut self.parsed.anchors);
                self.emit(Event::Html(html));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.soft_break();
                self.emit(event);
            }
            Event::Start(Tag::Paragraph) => {
                self.in_paragraph = self.first_paragraph.is_none() && self.in_footnote == 0;
                self.emit(event);
            }
            Event::End(TagEnd::Paragraph) => {
                if self.in_paragraph {
                    let text = std::mem::take(&mut self.paragraph);
                    if !text.trim().is_empty() {
                        self.first_paragraph = Some(text);
                    }
                    self.in_paragraph = false;
                }
                self.soft_break();
                self.emit(event);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code = true;
                self.emit(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                self.soft_break();
                self.emit(event);
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = callout(kind);
                self.emit(Event::Html(
                    format!(
                        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{label}</p>\n"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.emit(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Table(_)) => {
                self.emit(Event::Html("<div class=\"table-wrap\">".into()));
                self.emit(event);
            }
            Event::Start(Tag::TableCell) => {
                if let Some(gap) = self.table_gap.take() {
                    self.block.push_str(gap);
                    self.gaps += 1;
                }
                self.emit(event);
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                self.table_gap = Some(" | ");
                self.emit(event);
            }
            Event::End(TagEnd::Table) => {
                self.table_gap = None;
                self.emit(event);
                self.emit(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::FootnoteDefinition(ref label)) => {
                self.parsed.anchors.push(label.to_string());
                self.in_footnote += 1;
                self.emit(event);
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.emit(event);
                self.in_footnote = self.in_footnote.saturating_sub(1);
            }
            Event::End(TagEnd::TableCell) => {
                self.soft_break();
                self.table_gap = Some(" · ");
                self.emit(event);
            }
            Event::End(TagEnd::Item | TagEnd::BlockQuote(None)) => {
                self.soft_break();
                self.emit(event);
            }
            // A task's box says what it shows: screen readers announce an unlabelled
            // checkbox as just "checkbox" (WCAG 4.1.2), so it gets a name. It stays disabled:
            // a page cannot tick it.
            Event::TaskListMarker(done) => self.emit(Event::InlineHtml(
                if done {
                    "<input type=\"checkbox\" class=\"task-box\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" class=\"task-box\" disabled aria-label=\"Not done\"> "
                }
                .into(),
            )),
            Event::FootnoteReference(_) | Event::Rule => self.emit(event),
            Event::InlineMath(m) | Event::DisplayMath(m) => {
                self.text(&m);
                self.emit(Event::Code(m));
            }
            other => self.emit(other),
        }
    }

    fn heading<I>(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        _attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        rest: &mut I,
        offset: usize,
    ) where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        // Collect the heading's inline events, handling links inside it like any other.
        let outer = std::mem::take(&mut self.out);
        let saved_block = std::mem::take(&mut self.block);
        let saved_paragraph = self.in_paragraph;
        self.in_paragraph = false;
        while let Some((event, range)) = rest.next() {
            if matches!(event, Event::End(TagEnd::Heading(_))) {
                break;
            }
            let range = offset + range.start..offset + range.end;
            self.event(event, range, rest, offset);
        }
        let inner = std::mem::replace(&mut self.out, outer);
        let text = std::mem::replace(&mut self.block, saved_block);
        self.in_paragraph = saved_paragraph;
        let (text, words) = collapse_whitespace(&text);
        // Markers stand for link text that is not known yet; search sees the raw target.
        let id = match id {
            Some(id) => id.to_string(),
            None => {
                let base = slugify(&text);
                let base = if base.is_empty() { "section".to_string() } else { base };
                unique_id(&base, &self.used_ids, &mut self.next_suffix)
            }
        };
        self.used_ids.insert(id.clone());
        self.flush_block();
        let lvl = heading_level(level);
        self.parsed.headings.push(Heading { level: lvl, id: id.clone(), text: text.clone() });
        self.parsed.word_count += words;
        let mut class_attr = String::new();
        if !classes.is_empty() {
            class_attr.push_str(" class=\"");
            let joined = classes.iter().map(|c| c.as_ref()).collect::<Vec<_>>().join(" ");
            let _ = escape_html(&mut class_attr, &joined);
            class_attr.push('"');
        }
        let mut open = format!("<h{lvl} id=\"");
        let _ = escape_html(&mut open, &id);
        open.push('"');
        open.push_str(&class_attr);
        open.push('>');
        self.emit(Event::Html(open.into()));
        for event in inner {
            self.emit(event);
        }
        let mut close = String::from("<a class=\"heading-anchor\" href=\"#");
        let _ = escape_href(&mut close, &id);
        close.push_str(&format!("\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{lvl}>\n"));
        self.emit(Event::Html(close.into()));
    }

    fn link_start(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        range: Range<usize>,
    ) {
        let wiki = matches!(link_type, LinkType::WikiLink { .. });
        let autolink = matches!(link_type, LinkType::Autolink | LinkType::Email);
        if !wiki && !self.opts.unsafe_html && is_script_url(&dest) {
            // Safe mode: the text stays, the link goes (as GitHub and Hugo do).
            self.open_links.push((Some("</span>"), false));
            self.emit(Event::InlineHtml(
                "<span class=\"blocked-link\" title=\"Link removed: this kind of URL can run code\">"
                    .into(),
            ));
            return;
        }
        if autolink || (!wiki && (dest.is_empty() || is_external(&dest))) {
            self.open_links.push((None, false));
            self.emit(Event::Start(Tag::Link { link_type, dest_url: dest, title, id: "".into() }));
            return;
        }
        let has_label = !matches!(link_type, LinkType::WikiLink { has_pothole: false });
        let n = self.parsed.links.len();
        self.parsed.links.push(LinkRef {
            target: dest.to_string(),
            wiki,
            image: false,
            has_label,
            range,
        });
        let mut open = format!("<a href=\"{MARKER}{n}{MARKER}\"");
        if !title.is_empty() {
            open.push_str(" title=\"");
            let _ = escape_html(&mut open, &title);
            open.push('"');
        }
        open.push('>');
        self.open_links.push((Some("</a>"), !has_label));
        self.emit(Event::InlineHtml(open.into()));
    }

    fn image<I>(
        &mut self,
        link_type: LinkType,
        dest: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        range: Range<usize>,
        rest: &mut I,
    ) where
        I: Iterator<Item = (Event<'a>, Range<usize>)>,
    {
        let blocked = !self.opts.unsafe_html && is_script_image_url(&dest);
        if !blocked
            && (dest.is_empty()
                || is_external(&dest)
                || matches!(link_type, LinkType::WikiLink { .. }))
        {
            self.emit(Event::Start(Tag::Image { link_type, dest_url: dest, title, id }));
            return;
        }
        // Alt text is plain text: collect it up to the end of the image.
        let mut depth = 0;
        let mut inner = Vec::new();
        for (event, _) in rest.by_ref() {
            match event {
                Event::End(TagEnd::Image) if depth == 0 => break,
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => depth -= 1,
                _ => {}
            }
            inner.push(event);
        }
        let alt = plain_text(inner.iter());
        if blocked {
            // Safe mode: the alt text stands in for an image whose URL could run code.
            self.text(&alt);
            self.emit(Event::Text(alt.into()));
            return;
        }
        let n = self.parsed.links.len();
        self.parsed.links.push(LinkRef {
            target: dest.to_string(),
            wiki: false,
            image: true,
            has_label: true,
            range,
        });
        let mut html = format!("<img src=\"{MARKER}{n}{MARKER}\" alt=\"");
        let _ = escape_html(&mut html, &alt);
        html.push('"');
        if !title.is_empty() {
            html.push_str(" title=\"");
            let _ = escape_html(&mut html, &title);
            html.push('"');
        }
        html.push_str(" loading=\"lazy\">");
        self.text(&alt);
        self.emit(Event::InlineHtml(html.into()));
    }

    fn finish(mut self) -> Parsed {
        self.flush_block();
        let mut html = String::with_capacity(self.out.len() * 24);
        pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
        if !self.footnotes.is_empty() {
            html.push_str("<section class=\"footnotes\" aria-label=\"Footnotes\">\n");
            pulldown_cmark::html::push_html(&mut html, self.footnotes.into_iter());
            html.push_str("</section>\n");
        }
        self.parsed.html = html;
        self.parsed.summary = shorten(self.first_paragraph.as_deref().unwrap_or(""), SUMMARY_CHARS);
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        std::hash::Hash::hash(&self.parsed.html, &mut hasher);
        std::hash::Hash::hash(&self.parsed.summary, &mut hasher);
        std::hash::Hash::hash(&self.parsed.word_count, &mut hasher);
        std::hash::Hash::hash(&self.parsed.leading_h1, &mut hasher);
        for h in &self.parsed.headings {
            std::hash::Hash::hash(&(h.level, &h.id, &h.text), &mut hasher);
        }
        self.parsed.hash = std::hash::Hasher::finish(&hasher);
        self.parsed
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn unique_id(base: &str, used: &HashSet<String>, next: &mut HashMap<String, usize>) -> String {
    if !used.contains(base) {
        return base.to_string();
    }
    let n = next.entry(base.to_string()).or_insert(1);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if !used.contains(&id) {
            return id;
        }
    }
}

fn plain_text<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> String {
    let mut out = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// `id="..."` values in raw HTML, so links to them are not reported as broken.
fn collect_html_ids(html: &str, out: &mut Vec<String>) {
    let mut rest = html;
    while let Some(at) = rest.find("id=") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 3..];
        if before.is_some_and(|c| !c.is_whitespace()) {
            continue;
        }
        let quote = rest.chars().next();
        if let Some(q @ ('"' | '\'')) = quote
            && let Some(end) = rest[1..].find(q)
        {
            out.push(rest[1..1 + end].to_string());
            rest = &rest[1 + end..];
        }
    }
}

/// `text` with every run of ASCII whitespace made one space and the ends trimmed, and its
/// number of words, in one pass over the bytes (this runs on every word of the site).
pub(crate) fn collapse_whitespace(text: &str) -> (String, usize) {
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut words = 0;
    let mut in_space = true;
    for &b in text.as_bytes() {
        if b.is_ascii_whitespace() {
            in_space = true;
        } else {
            if in_space {
                if !out.is_empty() {
                    out.push(b' ');
                }
                words += 1;
                in_space = false;
            }
            out.push(b);
        }
    }
    // Only ASCII bytes were dropped or added, so the UTF-8 sequences are intact.
    (String::from_utf8(out).unwrap_or_default(), words)
}

/// Shortens to at most `max` characters at a word boundary, with an ellipsis.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let (text, _) = collapse_whitespace(text);
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> Parsed {
        parse(text, 0, MarkdownOptions { unsafe_html: false, h1_is_title: true })
    }

    #[test]
    fn script_urls_are_recognised_as_browsers_read_them() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
        ] {
            assert!(is_script_url(url), "{url:?}");
        }
        for url in
            ["https://x.test/javascript:", "/javascript:x", "javascript", "./data:x", "#data:"]
        {
            assert!(!is_script_url(url), "{url:?}");
        }
        assert!(!is_script_image_url("data:image/png;base64,AAAA"));
        assert!(is_script_image_url("data:text/html,x"));
    }

    #[test]
    fn safe_mode_drops_script_links_everywhere_they_can_be_written() {
        let cases = [
            "[a](javascript:alert(1))",
            "[a](JAVASCRIPT:alert(1))",
            "<javascript:alert(1)>",
            "[a][r]\n\n[r]: javascript:alert(1)",
            "[a](&#106;avascript:alert(1))",
            "[a](<java\tscript:alert(1)>)",
            "[a](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E)",
            "[a](vbscript:msgbox(1))",
            "![a](javascript:alert(1))",
        ];
        for text in cases {
            let html = md(text).html.to_ascii_lowercase();
            for attr in ["href=", "src="] {
                assert!(!html.contains(attr), "{text:?} kept a link: {html}");
            }
            assert!(html.contains('a'), "{text:?} lost its text: {html}");
        }
        // With unsafe_html the author is trusted, as for raw HTML.
        let trusted = parse(
            "[a](javascript:go())",
            0,
            MarkdownOptions { unsafe_html: true, h1_is_title: true },
        );
        assert!(trusted.html.contains("href=\"javascript:go()\""), "{}", trusted.html);
        // Ordinary links are untouched.
        assert!(md("[a](https://example.com/x)").html.contains("href=\"https://example.com/x\""));
    }

    #[test]
    fn headings_get_unique_ids_and_attributes_win() {
        let p = md("## Steps\n\n## Steps\n\n### Custom {#mine .wide}\n\n## Step 3: Pack\n");
        let ids: Vec<_> = p.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["steps", "steps-1", "mine", "step-3-pack"]);
        assert!(p.html.contains("<h3 id=\"mine\" class=\"wide\">Custom"));
        assert!(p.html.contains("<a class=\"heading-anchor\" href=\"#steps-1\""));
    }

    #[test]
    fn a_leading_h1_becomes_the_title_and_is_not_rendered() {
        let p = md("# Pick & Pack\n\nBody.\n");
        assert_eq!(p.leading_h1.as_deref(), Some("Pick & Pack"));
        assert!(!p.html.contains("<h1"));
        let p = parse("# Kept\n", 0, MarkdownOptions { unsafe_html: false, h1_is_title: false });
        assert!(p.leading_h1.is_none());
        assert!(p.html.contains("<h1 id=\"kept\">"));
    }

    #[test]
    fn internal_links_get_markers_and_external_links_do_not() {
        let text = "See [[pick-pack-ship]], [[a#b|label]], [x](../inv/count.md#counts), [y](https://example.com) and ![d](img/d.png).\n";
        let p = md(text);
        let targets: Vec<_> =
            p.links.iter().map(|l| (l.target.as_str(), l.wiki, l.has_label)).collect();
        assert_eq!(
            targets,
            [
                ("pick-pack-ship", true, false),
                ("a#b", true, true),
                ("../inv/count.md#counts", false, true),
                ("img/d.png", false, true),
            ]
        );
        assert!(p.html.contains("<a href=\"\u{1A}0\u{1A}\">\u{1A}T0\u{1A}</a>"), "{}", p.html);
        assert!(p.html.contains("<a href=\"\u{1A}1\u{1A}\">label</a>"));
        assert!(p.html.contains("<a href=\"https://example.com\">y</a>"));
        assert!(p.html.contains("<img src=\"\u{1A}3\u{1A}\" alt=\"d\" loading=\"lazy\">"));
        assert!(p.links[3].image);
        // Ranges cover the link source exactly.
        assert_eq!(&text[p.links[0].range.clone()], "[[pick-pack-ship]]");
        assert_eq!(&text[p.links[2].range.clone()], "[x](../inv/count.md#counts)");
    }

    #[test]
    fn ranges_are_shifted_by_the_body_offset() {
        let body = "x [[a]]\n";
        let p = parse(body, 100, MarkdownOptions::default());
        assert_eq!(p.links[0].range, 102..107);
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let p = md("<script>alert(1)</script>\n\nHi <b id=\"x\">there</b>\n");
        assert!(!p.html.contains("<script>"));
        assert!(p.html.contains("&lt;script&gt;"));
        let p = parse(
            "Hi <b id=\"x\">there</b>\n",
            0,
            MarkdownOptions { unsafe_html: true, h1_is_title: true },
        );
        assert!(p.html.contains("<b id=\"x\">"));
        assert_eq!(p.anchors, ["x"]);
    }

    #[test]
    fn callouts_tables_tasks_footnotes_and_smart_punctuation() {
        let p = md(
            "> [!WARNING]\n> Cutoff is 2pm.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\nNote[^1] \"quoted\" -- ~~old~~\n\n[^1]: The note.\n",
        );
        assert!(p.html.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>"));
        assert!(p.html.contains("<div class=\"table-wrap\"><table>"));
        assert!(p.html.contains(
            "<li><input type=\"checkbox\" class=\"task-box\" disabled checked aria-label=\"Done\"> done</li>"
        ), "{}", p.html);
        assert!(md("- [ ] later\n").html.contains("disabled aria-label=\"Not done\"> later"));
        assert!(p.html.contains("<section class=\"footnotes\""));
        assert!(p.html.contains("\u{201c}quoted\u{201d} \u{2013}"));
        assert!(p.html.contains("<del>old</del>"));
        assert_eq!(p.anchors, ["1"]);
    }

    #[test]
    fn text_blocks_follow_headings_and_count_words() {
        let p =
            md("Intro text here.\n\n## Purpose\n\nWhy we do it.\n\n## Steps\n\n1. Pick\n2. Pack\n");
        let blocks: Vec<_> = p.blocks.iter().map(|b| (b.heading, b.text.as_str())).collect();
        assert_eq!(
            blocks,
            [(None, "Intro text here."), (Some(0), "Why we do it."), (Some(1), "Pick Pack")]
        );
        assert_eq!(p.summary, "Intro text here.");
        assert_eq!(p.word_count, 11);
    }

    #[test]
    fn table_text_keeps_cells_and_rows_apart() {
        // Search excerpts show this text: cells must not run together.
        let p = md(
            "## Fees\n\n| Case | Refund |\n|---|---|\n| Final sale | None |\n| Damaged | Full |\n",
        );
        assert_eq!(p.blocks[0].text, "Case · Refund | Final sale · None | Damaged · Full");
        assert_eq!(p.word_count, 8, "separators are not words");
    }

    #[test]
    fn code_keeps_its_language_class() {
        let p = md("```csv\nsku,qty\n```\n");
        assert!(p.html.contains("<pre><code class=\"language-csv\">sku,qty\n</code></pre>"));
    }

    #[test]
    fn external_detection() {
        for (dest, external) in [
            ("https://x.y", true),
            ("mailto:a@b", true),
            ("//cdn", true),
            ("../a.md", false),
            ("/a/b/", false),
            ("#x", false),
            ("a:b/c.md", true),
            ("dir/a:b.md", false),
        ] {
            assert_eq!(is_external(dest), external, "{dest}");
        }
    }

    #[test]
    fn whitespace_collapses_and_words_are_counted() {
        assert_eq!(collapse_whitespace("  a\n\tb  é  "), ("a b é".to_string(), 3));
        assert_eq!(collapse_whitespace(""), (String::new(), 0));
        assert_eq!(collapse_whitespace(" \n "), (String::new(), 0));
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("one two three four", 12), "one two…");
        assert_eq!(shorten("short", 12), "short");
    }
}
