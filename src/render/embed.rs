//! A page's content HTML with its links filled in and its `![[embeds]]` shown in place
//! (Obsidian's transclusion): the whole embedded note, the section under one of its
//! headings, or one of its `^block`s.
//!
//! An embedded note's links were resolved from its own folder, so they are right wherever it
//! is shown. Its ids are dropped (they belong to its own page, and would clash here). A note
//! that would show itself again (a cycle), or embeds deeper than [`MAX_DEPTH`], is shown as
//! a note pointing at the link; the link stage warns about both.

use super::{escape_html, fill_markers};
use crate::content::{PageId, Site};
use crate::links::Resolved;

/// How many notes deep embeds are shown (an embed in an embed in an embed ...).
pub(crate) const MAX_DEPTH: usize = 4;

/// How much embedded HTML one page shows: notes that each embed many others, a few levels
/// deep, would otherwise multiply into a page of gigabytes.
const MAX_EMBEDDED_BYTES: usize = 2 * 1024 * 1024;

/// The content HTML of page `id`, every marker filled, embeds included.
pub(crate) fn page_html(site: &Site, links: &[Vec<Resolved>], id: PageId) -> String {
    let mut budget = MAX_EMBEDDED_BYTES;
    fill(site, links, id, &site.pages[id].doc.html, &mut vec![id], &mut budget)
}

fn fill(
    site: &Site,
    links: &[Vec<Resolved>],
    id: PageId,
    html: &str,
    stack: &mut Vec<PageId>,
    budget: &mut usize,
) -> String {
    fill_markers(html, &links[id], &mut |link, out| {
        let Some(target) = link.target.filter(|_| link.embed && link.broken.is_none()) else {
            return;
        };
        let title = &site.pages[target].title;
        let whole = &site.pages[target].doc.html;
        let part = match link.url.split_once('#') {
            Some((_, anchor)) => part_of(whole, anchor),
            None => Some(whole.as_str()),
        };
        let Some(part) = part else { return };
        let too_much = part.len() > *budget;
        if stack.contains(&target) || stack.len() > MAX_DEPTH || too_much {
            out.push_str("<p class=\"embed-note\">");
            let why = if stack.contains(&target) {
                format!("“{title}” is not shown again here: it is already shown around this place.")
            } else if too_much {
                format!(
                    "“{title}” is not shown here: this page already shows as much embedded text as a page can; follow the link above."
                )
            } else {
                format!("“{title}” is embedded too deeply to show here; follow the link above.")
            };
            let _ = escape_html(&mut *out, &why);
            out.push_str("</p>\n");
            return;
        }
        *budget -= part.len();
        stack.push(target);
        let filled = fill(site, links, target, part, stack, budget);
        stack.pop();
        let filled = without_ids(&filled);
        if filled.starts_with("<li") {
            out.push_str("<ul>\n");
            out.push_str(&filled);
            out.push_str("\n</ul>\n");
        } else {
            out.push_str(&filled);
        }
    })
}

/// The part of a page's HTML an anchor names: a heading with everything under it (up to the
/// next heading of its level or above), or the paragraph or list item with that id.
pub(crate) fn part_of<'h>(html: &'h str, anchor: &str) -> Option<&'h str> {
    let needle = format!(" id=\"{anchor}\"");
    let at = html.find(&needle)?;
    let start = html[..at].rfind('<')?;
    let tag: String =
        html[start + 1..at].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    let bytes = tag.as_bytes();
    if bytes.len() == 2 && bytes[0] == b'h' && (b'1'..=b'6').contains(&bytes[1]) {
        let level = bytes[1];
        let mut from = at;
        while let Some(i) = html[from..].find("<h") {
            let i = from + i;
            let next = html.as_bytes().get(i + 2).copied().unwrap_or(0);
            let after = html.as_bytes().get(i + 3).copied().unwrap_or(0);
            if (b'1'..=level).contains(&next) && (after == b' ' || after == b'>') {
                return Some(&html[start..i]);
            }
            from = i + 2;
        }
        return Some(&html[start..]);
    }
    // The element's end: its closing tag at the same depth (a `<div>` may hold others).
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0usize;
    let mut i = at;
    while i < html.len() {
        let next_open = html[i..].find(&open).map(|n| i + n);
        let next_close = html[i..].find(&close).map(|n| i + n)?;
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                i = o + open.len();
            }
            _ if depth == 0 => return Some(&html[start..next_close + close.len()]),
            _ => {
                depth -= 1;
                i = next_close + close.len();
            }
        }
    }
    Some(&html[start..])
}

/// `html` without `id` attributes and heading anchors, which belong to the embedded page.
fn without_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let anchor = rest.find("<a class=\"heading-anchor\"");
        let id = rest.find(" id=\"");
        match (anchor, id) {
            (Some(a), id) if id.is_none_or(|i| a < i) => {
                out.push_str(&rest[..a]);
                let end = rest[a..].find("</a>").map_or(rest.len(), |e| a + e + 4);
                rest = &rest[end..];
            }
            (_, Some(i)) => {
                out.push_str(&rest[..i]);
                let value = i + " id=\"".len();
                let end = rest[value..].find('"').map_or(rest.len(), |e| value + e + 1);
                rest = &rest[end..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<p>Intro</p>\n<h2 id=\"refunds\">Refunds<a class=\"heading-anchor\" href=\"#refunds\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n<p id=\"sla\">Five days.</p>\n<h3 id=\"partial\">Partial</h3>\n<p>Half.</p>\n<h2 id=\"exchanges\">Exchanges</h2>\n<ul>\n<li id=\"x1\">Swap</li>\n</ul>\n";

    #[test]
    fn a_heading_takes_its_section_and_a_block_its_element() {
        let refunds = part_of(PAGE, "refunds").unwrap();
        assert!(refunds.starts_with("<h2 id=\"refunds\">") && refunds.ends_with("<p>Half.</p>\n"));
        assert_eq!(
            part_of(PAGE, "partial"),
            Some("<h3 id=\"partial\">Partial</h3>\n<p>Half.</p>\n")
        );
        assert!(part_of(PAGE, "exchanges").unwrap().ends_with("</ul>\n"));
        assert_eq!(part_of(PAGE, "sla"), Some("<p id=\"sla\">Five days.</p>"));
        assert_eq!(part_of(PAGE, "x1"), Some("<li id=\"x1\">Swap</li>"));
        assert_eq!(part_of(PAGE, "nothing"), None);
    }

    #[test]
    fn embedded_html_loses_its_ids_and_heading_anchors() {
        assert_eq!(
            without_ids(part_of(PAGE, "partial").unwrap()),
            "<h3>Partial</h3>\n<p>Half.</p>\n"
        );
        assert_eq!(
            without_ids(part_of(PAGE, "refunds").unwrap()),
            "<h2>Refunds</h2>\n<p>Five days.</p>\n<h3>Partial</h3>\n<p>Half.</p>\n"
        );
    }
}
