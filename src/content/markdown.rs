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
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};

use super::highlight;
use super::obsidian;
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
    /// `![[Note]]`: the note (or its section) is shown in place, not linked.
    pub embed: bool,
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
    /// Ids other than headings that links may target (footnotes, raw HTML ids, block ids).
    pub anchors: Vec<String>,
    /// `^block-id`s, with the byte range of each in the file (a clash with a heading id is
    /// reported by the link stage).
    pub block_ids: Vec<(String, Range<usize>)>,
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
    // Obsidian's `%%comments%%` go before parsing; ranges are mapped back to the file.
    let (body, cuts) = obsidian::strip_comments(body);
    let parser = Parser::new_ext(&body, options()).into_offset_iter();
    let events: Vec<(Event<'_>, Range<usize>)> = if cuts.is_empty() {
        parser.collect()
    } else {
        parser
            .map(|(e, r)| (e, obsidian::original(&cuts, r.start)..obsidian::original(&cuts, r.end)))
            .collect()
    };
    // Safe by default: raw HTML is shown as text, as Hugo does. After this, every HTML event
    // is one this stage wrote (callouts, embeds) or one the author may write.
    let events = if opts.unsafe_html {
        events
    } else {
        events
            .into_iter()
            .map(|(e, r)| match e {
                Event::Html(html) | Event::InlineHtml(html) => (Event::Text(html), r),
                other => (other, r),
            })
            .collect()
    };
    let mut events = obsidian::callouts(obsidian::merge_text(events));
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
    /// Where the header row's text starts in `block`, while it is read.
    table_head: Option<usize>,
    /// The header row's text, which names the table.
    table_label: String,
    gaps: usize,
    in_code: bool,
    first_paragraph: Option<String>,
    in_paragraph: bool,
    paragraph: String,
    /// Open links: (is an internal link written by us, is a wikilink without label).
    /// Per open link: the HTML that closes it (`None`: pulldown-cmark's own end tag), and
    /// whether its text is the target's title, filled in later.
    open_links: Vec<(Option<&'static str>, bool)>,
    /// Where each open paragraph and list item starts in the output buffer, so that a
    /// `^block-id` at its end can give it an id.
    block_starts: Vec<usize>,
    /// Whether a paragraph is open (an embed closes it around itself).
    open_paragraph: bool,
    /// Where each open list, table and quote starts in the output buffer.
    containers: Vec<usize>,
    /// The last list, table or quote closed: where it starts and ends in the buffer, until
    /// the next paragraph (which may be its `^block-id`).
    closed_block: Option<(usize, usize)>,
    /// Whether a note was embedded (then empty paragraphs left around embeds go).
    embedded: bool,
    /// The fenced block being read: its language and its text.
    fence: Option<(String, String)>,
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
            table_head: None,
            table_label: String::new(),
            gaps: 0,
            in_code: false,
            first_paragraph: None,
            in_paragraph: false,
            paragraph: String::new(),
            open_links: Vec::new(),
            block_starts: Vec::new(),
            open_paragraph: false,
            containers: Vec::new(),
            closed_block: None,
            embedded: false,
            fence: None,
        }
    }

    /// The buffer events go to now.
    fn buffer(&self) -> &Vec<Event<'a>> {
        if self.in_footnote > 0 { &self.footnotes } else { &self.out }
    }

    fn buffer_mut(&mut self) -> &mut Vec<Event<'a>> {
        if self.in_footnote > 0 { &mut self.footnotes } else { &mut self.out }
    }

    /// Closes a paragraph or list item (`tag`): when its text ends with ` ^block-id`, the id
    /// goes on the element and the marker out of the text.
    ///
    /// A paragraph that is only `^block-id`, right after a list, a table or a quote, gives
    /// that block the id (Obsidian's way to name them): the block is wrapped in a `<div>`
    /// with the id and the paragraph goes. Returns whether the paragraph went.
    fn block_id(&mut self, tag: &str, range: Range<usize>) -> bool {
        let Some(start) = self.block_starts.pop() else { return false };
        let closed_block = self.closed_block.take();
        let buffer = self.buffer_mut();
        let Some(Event::Text(last)) = buffer.last() else { return false };
        let Some((before, id)) = obsidian::block_id(last) else { return false };
        let (before, id) = (before.to_string(), id.to_string());
        let marker_len = last.len() - before.len();
        let mut consumed = false;
        if before.is_empty() {
            buffer.pop();
            if let Some((block_start, block_end)) = closed_block
                && tag == "p"
                && block_end == start
                && buffer.len() == start + 1
            {
                buffer.truncate(start);
                let mut open = String::from("<div id=\"");
                let _ = escape_html(&mut open, &id);
                open.push_str("\">\n");
                buffer.insert(block_start, Event::Html(open.into()));
                buffer.push(Event::Html("</div>\n".into()));
                consumed = true;
            }
        } else if let Some(Event::Text(last)) = buffer.last_mut() {
            *last = CowStr::from(before);
        }
        if !consumed && start < buffer.len() {
            let mut open = format!("<{tag} id=\"");
            let _ = escape_html(&mut open, &id);
            open.push_str("\">");
            buffer[start] = Event::Html(open.into());
        }
        // The search text does not carry the marker either.
        let trimmed = self.block.trim_end().len();
        if let Some(cut) = trimmed.checked_sub(marker_len.min(trimmed))
            && self.block[cut..trimmed].trim_start().starts_with('^')
        {
            self.block.truncate(cut);
        }
        self.parsed.block_ids.push((id.clone(), range));
        self.parsed.anchors.push(id);
        consumed
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
            Event::Text(text) if self.fence.is_some() => {
                self.text(&text);
                if let Some((_, code)) = &mut self.fence {
                    code.push_str(&text);
                }
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
                match obsidian::highlights(&text).filter(|_| !self.in_code) {
                    Some(pieces) => {
                        for (piece, marked) in pieces {
                            let piece = CowStr::from(piece.to_string());
                            if marked {
                                self.emit(Event::InlineHtml("<mark>".into()));
                                self.emit(Event::Text(piece));
                                self.emit(Event::InlineHtml("</mark>".into()));
                            } else {
                                self.emit(Event::Text(piece));
                            }
                        }
                    }
                    None => self.emit(Event::Text(text)),
                }
            }
            Event::Code(code) => {
                self.text(&code);
                self.emit(Event::Code(code));
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
                self.block_starts.push(self.buffer().len());
                self.open_paragraph = true;
                self.emit(event);
            }
            Event::Start(Tag::Item) => {
                self.block_starts.push(self.buffer().len());
                self.emit(event);
            }
            Event::End(TagEnd::Paragraph) => {
                self.open_paragraph = false;
                let consumed = self.block_id("p", range);
                if self.in_paragraph {
                    if let Some((before, _)) = obsidian::block_id(&self.paragraph) {
                        // The summary does not show the marker.
                        self.paragraph.truncate(before.len());
                    }
                    let text = std::mem::take(&mut self.paragraph);
                    if !text.trim().is_empty() {
                        self.first_paragraph = Some(text);
                    }
                    self.in_paragraph = false;
                }
                self.soft_break();
                if !consumed {
                    self.emit(event);
                }
            }
            Event::Start(Tag::List(_) | Tag::BlockQuote(_)) => {
                self.containers.push(self.buffer().len());
                self.emit(event);
            }
            Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_)) => {
                let start = self.containers.pop();
                self.soft_break();
                self.emit(event);
                self.closed_block = start.map(|s| (s, self.buffer().len()));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                if !info.trim().is_empty() =>
            {
                // A fenced block with a language: collected, then written highlighted.
                self.in_code = true;
                let lang = info.split_whitespace().next().unwrap_or_default().to_string();
                self.fence = Some((lang, String::new()));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code = true;
                self.emit(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                self.soft_break();
                match self.fence.take() {
                    Some((lang, code)) => self.emit(Event::Html(code_block(&lang, &code).into())),
                    None => self.emit(event),
                }
            }
            Event::Start(Tag::Table(_)) => {
                self.containers.push(self.buffer().len());
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
            Event::Start(Tag::TableHead) => {
                self.table_head = Some(self.block.len());
                self.emit(event);
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some(from) = self.table_head.take() {
                    self.table_label = collapse_whitespace(&self.block[from..]).0;
                }
                self.table_gap = Some(" | ");
                self.emit(event);
            }
            Event::End(TagEnd::Table) => {
                let start = self.containers.pop();
                self.table_gap = None;
                // A table wider than the screen scrolls in its wrapper, which keyboards must
                // reach (WCAG 2.1.1): focusable, a region named by the table's headings.
                let label = std::mem::take(&mut self.table_label);
                if let Some(start) = start
                    && let Some(slot) = self.buffer_mut().get_mut(start)
                {
                    let mut open = String::from(
                        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table: ",
                    );
                    let _ = escape_html(&mut open, &shorten(&label, 80));
                    open.push_str("\">");
                    *slot = Event::Html(open.into());
                }
                self.emit(event);
                self.emit(Event::Html("</div>\n".into()));
                self.closed_block = start.map(|s| (s, self.buffer().len()));
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
            Event::End(TagEnd::Item) => {
                self.block_id("li", range);
                self.soft_break();
                self.emit(event);
            }
            Event::End(TagEnd::TableCell) => {
                self.soft_break();
                self.table_gap = Some(" · ");
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
        // In a table, Obsidian writes `[[a\|label]]` so the pipe does not end the cell.
        let dest = if wiki { unescape_table_pipe(dest) } else { dest };
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
            embed: false,
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
        let wiki = matches!(link_type, LinkType::WikiLink { .. });
        let blocked = !wiki && !self.opts.unsafe_html && is_script_image_url(&dest);
        if !blocked && dest.is_empty() {
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
        if wiki {
            let pothole = matches!(link_type, LinkType::WikiLink { has_pothole: true });
            let dest = unescape_table_pipe(dest);
            self.wiki_embed(&dest, pothole.then_some(alt.as_str()), range);
            return;
        }
        // Obsidian sizes Markdown images too: `![250](x.png)`, `![alt|250x100](x.png)`.
        let (alt, size) = match alt.rsplit_once('|') {
            Some((text, size)) if image_size(size).is_some() => {
                (text.to_string(), image_size(size))
            }
            _ => match image_size(&alt) {
                Some(size) => (String::new(), Some(size)),
                None => (alt, None),
            },
        };
        let mut html = String::from("<img src=\"");
        if is_external(&dest) {
            let _ = escape_href(&mut html, &dest);
        } else {
            let n = self.parsed.links.len();
            self.parsed.links.push(LinkRef {
                target: dest.to_string(),
                wiki: false,
                image: true,
                has_label: true,
                embed: false,
                range,
            });
            html.push_str(&format!("{MARKER}{n}{MARKER}"));
        }
        html.push_str("\" alt=\"");
        let _ = escape_html(&mut html, &alt);
        html.push('"');
        push_size(&mut html, size);
        if !title.is_empty() {
            html.push_str(" title=\"");
            let _ = escape_html(&mut html, &title);
            html.push('"');
        }
        html.push_str(" loading=\"lazy\">");
        self.text(&alt);
        self.emit(Event::InlineHtml(html.into()));
    }

    /// `![[target]]` (`label` is what follows `|`): an image with an optional size
    /// (`|300`, `|300x200`), a link to another attachment, or a note (or one of its sections)
    /// shown in place. An embedded note is a block: an open paragraph is closed around it.
    fn wiki_embed(&mut self, dest: &str, label: Option<&str>, range: Range<usize>) {
        let n = self.parsed.links.len();
        let file = dest.split('#').next().unwrap_or(dest);
        let name = file.rsplit('/').next().unwrap_or(file);
        let kind = attachment_kind(name);
        self.parsed.links.push(LinkRef {
            target: dest.to_string(),
            wiki: true,
            image: kind == Some(Attachment::Image),
            has_label: kind.is_some() || label.is_some(),
            embed: kind.is_none(),
            range,
        });
        match kind {
            Some(Attachment::Image) => {
                let size = label.and_then(image_size);
                let alt = match label {
                    Some(label) if size.is_none() => label,
                    _ => name.rsplit_once('.').map_or(name, |(stem, _)| stem),
                };
                let mut html = format!("<img src=\"{MARKER}{n}{MARKER}\" alt=\"");
                let _ = escape_html(&mut html, alt);
                html.push('"');
                push_size(&mut html, size);
                html.push_str(" loading=\"lazy\">");
                self.text(alt);
                self.emit(Event::InlineHtml(html.into()));
            }
            Some(kind @ (Attachment::Audio | Attachment::Video)) => {
                // A player, with the file's name as a link for browsers that cannot play it.
                let tag = if kind == Attachment::Audio { "audio" } else { "video" };
                let mut html = format!(
                    "<{tag} controls preload=\"metadata\" src=\"{MARKER}{n}{MARKER}\"><a href=\"{MARKER}{n}{MARKER}\">"
                );
                let _ = escape_html(&mut html, label.unwrap_or(name));
                html.push_str(&format!("</a></{tag}>"));
                self.emit(Event::InlineHtml(html.into()));
            }
            Some(Attachment::File) => {
                let text = label.unwrap_or(name);
                let mut html = format!("<a class=\"attachment\" href=\"{MARKER}{n}{MARKER}\">");
                let _ = escape_html(&mut html, text);
                html.push_str("</a>");
                self.text(text);
                self.emit(Event::InlineHtml(html.into()));
            }
            None => {
                self.embedded = true;
                let mut html = String::new();
                if self.open_paragraph {
                    html.push_str("</p>\n");
                }
                html.push_str(&format!(
                    "<div class=\"embed\"><p class=\"embed-source\"><a href=\"{MARKER}{n}{MARKER}\">"
                ));
                match label {
                    Some(label) => {
                        let _ = escape_html(&mut html, label);
                    }
                    None => html.push_str(&format!("{MARKER}T{n}{MARKER}")),
                }
                html.push_str(&format!("</a></p>\n{MARKER}E{n}{MARKER}</div>\n"));
                if self.open_paragraph {
                    html.push_str("<p>");
                }
                self.emit(Event::Html(html.into()));
            }
        }
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
        if self.embedded {
            // An embed alone in its paragraph left it empty on both sides.
            html = html.replace("<p></p>\n", "");
        }
        // A block id that is also a heading's id stays the heading's (the link stage warns).
        for (id, _) in &self.parsed.block_ids {
            if self.parsed.headings.iter().any(|h| &h.id == id) {
                let mut attr = String::from(" id=\"");
                let _ = escape_html(&mut attr, id);
                attr.push_str("\">");
                for tag in ["<p", "<li", "<div"] {
                    let with = format!("{tag}{attr}");
                    if let Some(at) = html.find(&with) {
                        html.replace_range(at..at + with.len(), &format!("{tag}>"));
                        break;
                    }
                }
            }
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

/// A wikilink target without the `\` of a pipe escaped in a table (`[[a\|label]]`).
fn unescape_table_pipe(dest: CowStr<'_>) -> CowStr<'_> {
    match dest.strip_suffix('\\') {
        Some(rest) => CowStr::from(rest.to_string()),
        None => dest,
    }
}

/// A fenced block with a language: `<pre data-lang="SQL"><code class="language-sql">`, its
/// text highlighted when a grammar knows the language (else escaped as it is).
fn code_block(lang: &str, code: &str) -> String {
    let known = highlight::language(lang);
    let mut html = String::with_capacity(code.len() * 2 + 64);
    html.push_str("<pre data-lang=\"");
    let _ = escape_html(&mut html, known.map_or(lang, |(_, label)| label));
    html.push_str("\"><code class=\"language-");
    let _ = escape_html(&mut html, lang);
    html.push_str("\">");
    match known.and_then(|(grammar, _)| highlight::highlight(grammar, code)) {
        Some(highlighted) => {
            html.push_str(&highlighted);
            if code.ends_with('\n') && !highlighted.ends_with('\n') {
                html.push('\n');
            }
        }
        None => {
            let _ = escape_html_body_text(&mut html, code);
        }
    }
    html.push_str("</code></pre>\n");
    html
}

/// What a file that is not a note is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attachment {
    Image,
    Audio,
    Video,
    File,
}

/// `Some` for the name of a file that is not a note: an image, audio, video or a known kind of
/// document, by its extension.
pub(crate) fn attachment_kind(name: &str) -> Option<Attachment> {
    let (_, ext) = name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    if ext == "md" || ext.is_empty() || !ext.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "avif" | "bmp" | "ico" => {
            Attachment::Image
        }
        "mp3" | "wav" | "m4a" | "ogg" | "oga" | "flac" | "3gp" => Attachment::Audio,
        "mp4" | "webm" | "ogv" | "mov" | "mkv" => Attachment::Video,
        // Files teams attach. Any other "extension" is part of a note's name: `[[v1.2.0]]`,
        // `[[Q3 plan.draft]]`.
        "pdf" | "csv" | "tsv" | "txt" | "log" | "json" | "xml" | "yaml" | "yml" | "toml"
        | "zip" | "gz" | "xlsx" | "xls" | "docx" | "doc" | "pptx" | "ppt" | "odt" | "ods"
        | "odp" | "rtf" | "epub" | "key" | "numbers" | "pages" | "canvas" | "excalidraw"
        | "html" | "htm" | "eml" | "msg" | "ics" | "vcf" => Attachment::File,
        _ => return None,
    })
}

/// ` width="300" height="200"` for a size.
fn push_size(html: &mut String, size: Option<(u32, Option<u32>)>) {
    if let Some((width, height)) = size {
        html.push_str(&format!(" width=\"{width}\""));
        if let Some(height) = height {
            html.push_str(&format!(" height=\"{height}\""));
        }
    }
}

/// `300` or `300x200`: an embedded image's width and height.
fn image_size(label: &str) -> Option<(u32, Option<u32>)> {
    let label = label.trim();
    let (w, h) = match label.split_once('x') {
        Some((w, h)) => (w, Some(h)),
        None => (label, None),
    };
    let w: u32 = w.parse().ok()?;
    let h = match h {
        Some(h) => Some(h.parse().ok()?),
        None => None,
    };
    Some((w, h))
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
/// number of words (this runs on every word of the site).
pub(crate) fn collapse_whitespace(text: &str) -> (String, usize) {
    // Word by word: each word is one copy, not one push per byte.
    let mut out = String::with_capacity(text.len());
    let mut words = 0;
    for word in text.split_ascii_whitespace() {
        if words > 0 {
            out.push(' ');
        }
        out.push_str(word);
        words += 1;
    }
    (out, words)
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
        assert!(p.html.contains("<div class=\"callout callout-warning\" data-callout=\"warning\" role=\"note\"><p class=\"callout-title\">Warning</p>"), "{}", p.html);
        assert!(p.html.contains("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table: a · b\"><table>"), "{}", p.html);
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
        assert_eq!(
            p.html,
            "<pre data-lang=\"csv\"><code class=\"language-csv\">sku,qty\n</code></pre>\n"
        );
        // A known language is highlighted and named; its text still reaches search.
        let p = md("```sql title=\"stock\"\nSELECT 1 < 2; -- \"x\"\n```\n\n    indented <code>\n");
        assert!(p.html.starts_with("<pre data-lang=\"SQL\"><code class=\"language-sql\"><span class=\"hl-keyword\">SELECT</span>"), "{}", p.html);
        assert!(p.html.contains("&lt;") && !p.html.contains("1 < 2"));
        assert!(p.html.contains("<pre><code>indented &lt;code&gt;\n</code></pre>"), "{}", p.html);
        assert_eq!(p.blocks[0].text, "SELECT 1 < 2; -- \"x\" indented <code>");
    }

    #[test]
    fn obsidian_callouts_take_a_title_any_kind_and_folding() {
        let cases = [
            (
                "> [!tip]- Cut-off times\n> Ship by *2pm*.\n",
                "<details class=\"callout callout-tip\" data-callout=\"tip\"><summary class=\"callout-title\">Cut-off times</summary>\n<p>Ship by <em>2pm</em>.</p>\n</details>\n",
            ),
            (
                "> [!faq]+\n> Ask Dana.\n",
                "<details class=\"callout callout-important\" data-callout=\"faq\" open><summary class=\"callout-title\">Faq</summary>\n<p>Ask Dana.</p>\n</details>\n",
            ),
            (
                "> [!NOTE] Before you start\n> Log in.\n",
                "<div class=\"callout callout-note\" data-callout=\"note\" role=\"note\"><p class=\"callout-title\">Before you start</p>\n<p>Log in.</p>\n</div>\n",
            ),
            (
                "> [!danger] <b>x</b>\n",
                "<div class=\"callout callout-caution\" data-callout=\"danger\" role=\"note\"><p class=\"callout-title\">&lt;b&gt;x&lt;/b&gt;</p>\n</div>\n",
            ),
            (
                "> [link] not a callout\n",
                "<blockquote>\n<p>[link] not a callout</p>\n</blockquote>\n",
            ),
        ];
        for (text, html) in cases {
            assert_eq!(md(text).html, html, "{text:?}");
        }
    }

    #[test]
    fn comments_highlights_and_block_ids() {
        let p = md(
            "Keep %%not this%% ==this== and `==code==`.\n\nRefunds in 5 days. ^refund-sla\n\n- step one ^s1\n- two\n",
        );
        assert_eq!(
            p.html,
            "<p>Keep  <mark>this</mark> and <code>==code==</code>.</p>\n<p id=\"refund-sla\">Refunds in 5 days.</p>\n<ul>\n<li id=\"s1\">step one</li>\n<li>two</li>\n</ul>\n"
        );
        assert_eq!(p.anchors, ["refund-sla", "s1"]);
        assert!(p.blocks.iter().all(|b| !b.text.contains('^')), "{:?}", p.blocks);
        // Link ranges point into the file, comments and all.
        let text = "%%a [[x]] b%% see [[y]]\n";
        let p = md(text);
        assert_eq!(p.links.len(), 1);
        assert_eq!(&text[p.links[0].range.clone()], "[[y]]");
        // Raw HTML stays text in safe mode, even inside a callout title.
        assert!(!md("> [!tip] <script>x</script>\n").html.contains("<script>"));
    }

    #[test]
    fn wiki_embeds_are_images_files_or_notes() {
        let p =
            md("![[diagram.png|300]] ![[a/b.JPG|120x80]] ![[plan.pdf]]\n\n![[Returns#Refunds]]\n");
        let links: Vec<_> =
            p.links.iter().map(|l| (l.target.as_str(), l.image, l.embed, l.has_label)).collect();
        assert_eq!(
            links,
            [
                ("diagram.png", true, false, true),
                ("a/b.JPG", true, false, true),
                ("plan.pdf", false, false, true),
                ("Returns#Refunds", false, true, false),
            ]
        );
        assert_eq!(
            p.html,
            "<p><img src=\"\u{1A}0\u{1A}\" alt=\"diagram\" width=\"300\" loading=\"lazy\"> <img src=\"\u{1A}1\u{1A}\" alt=\"b\" width=\"120\" height=\"80\" loading=\"lazy\"> <a class=\"attachment\" href=\"\u{1A}2\u{1A}\">plan.pdf</a></p>\n<div class=\"embed\"><p class=\"embed-source\"><a href=\"\u{1A}3\u{1A}\">\u{1A}T3\u{1A}</a></p>\n\u{1A}E3\u{1A}</div>\n"
        );
    }

    #[test]
    fn what_real_vaults_write_renders_as_obsidian_shows_it() {
        // A callout title keeps its markup and links.
        let p = md("> [!note] See [[T]] *now*\n> Body.\n");
        assert_eq!(
            p.html,
            "<div class=\"callout callout-note\" data-callout=\"note\" role=\"note\"><p class=\"callout-title\">See <a href=\"\u{1A}0\u{1A}\">\u{1A}T0\u{1A}</a> <em>now</em></p>\n<p>Body.</p>\n</div>\n"
        );
        // In a table, `\|` separates an embed's size without ending the cell.
        let p = md("| a | b |\n|---|---|\n| ![[pic.png\\|200]] | [[Note\\|shown]] |\n");
        let targets: Vec<_> = p.links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["pic.png", "Note"]);
        assert!(p.html.contains("alt=\"pic\" width=\"200\""), "{}", p.html);
        // `^id` on its own line after a list (or table, or quote) names that block.
        let p = md("- a\n- b\n\n^list-id\n\nAfter.\n");
        assert_eq!(
            p.html,
            "<div id=\"list-id\">\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n</div>\n<p>After.</p>\n"
        );
        assert_eq!(p.anchors, ["list-id"]);
        // A Markdown image sized in its alt text, local or not.
        let p = md("![250](https://x.test/a.png) ![Map|300x200](map.png)\n");
        assert_eq!(
            p.html,
            "<p><img src=\"https://x.test/a.png\" alt=\"\" width=\"250\" loading=\"lazy\"> <img src=\"\u{1A}0\u{1A}\" alt=\"Map\" width=\"300\" height=\"200\" loading=\"lazy\"></p>\n"
        );
        // Audio and video get a player.
        let p = md("![[call.mp3]] ![[demo.mp4]]\n");
        assert!(
            p.html.contains("<audio controls preload=\"metadata\" src=\"\u{1A}0\u{1A}\">"),
            "{}",
            p.html
        );
        assert!(p.html.contains("<video controls preload=\"metadata\" src=\"\u{1A}1\u{1A}\">"));
        // The summary does not show a block id.
        assert_eq!(md("The rule. ^rule\n").summary, "The rule.");
    }

    #[test]
    fn only_known_extensions_make_an_attachment() {
        assert_eq!(attachment_kind("diagram.PNG"), Some(Attachment::Image));
        assert_eq!(attachment_kind("plan.pdf"), Some(Attachment::File));
        assert_eq!(attachment_kind("call.mp3"), Some(Attachment::Audio));
        for note in ["v1.2.0", "Q3 plan.draft", "Notes.md", "README"] {
            assert_eq!(attachment_kind(note), None, "{note}");
        }
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
