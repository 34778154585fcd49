//! Backlinks: which pages link to each page, built in one pass over the resolved links
//! after resolution (Zola's `fill_backlinks`), in reading order.

use crate::content::{PageId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};

use super::resolve::Resolved;

/// For each page, the pages that link to it, in reading order, each once, never itself.
pub(crate) fn backlinks(site: &Site, links: &[Vec<Resolved>]) -> Vec<Vec<PageId>> {
    let mut back: Vec<Vec<PageId>> = vec![Vec::new(); site.pages.len()];
    for &source in &site.order {
        for link in &links[source] {
            let Some(target) = link.target else { continue };
            if target != source && back[target].last() != Some(&source) {
                back[target].push(source);
            }
        }
    }
    back
}

/// Warnings for `![[embeds]]` that would show a note inside itself: A embeds B and B
/// (directly or through other embeds) embeds A. The renderer shows such a note once.
pub(crate) fn embed_cycles(site: &Site, links: &[Vec<Resolved>], diags: &mut Diagnostics) {
    for (id, page_links) in links.iter().enumerate() {
        for (k, link) in page_links.iter().enumerate() {
            let Some(target) = link.target.filter(|_| link.embed) else { continue };
            if target == id || !embeds_reach(links, target, id, &mut Default::default()) {
                continue;
            }
            let page = &site.pages[id];
            let span = page.span(page.doc.links[k].range.clone());
            diags.push(
                Diagnostic::warning(
                    span,
                    format!(
                        "{} embeds this note back, so it is shown here without its own embeds of it",
                        site.pages[target].rel
                    ),
                )
                .with_help("link to the note instead of embedding it (drop the `!`) on one side"),
            );
        }
    }
}

/// Whether the embeds of `from` reach `to`.
fn embeds_reach(
    links: &[Vec<Resolved>],
    from: PageId,
    to: PageId,
    seen: &mut rustc_hash::FxHashSet<PageId>,
) -> bool {
    if !seen.insert(from) {
        return false;
    }
    links[from]
        .iter()
        .filter(|l| l.embed)
        .filter_map(|l| l.target)
        .any(|t| t == to || embeds_reach(links, t, to, seen))
}
