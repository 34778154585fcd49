//! Backlinks: which pages link to each page, built in one pass over the resolved links
//! after resolution (Zola's `fill_backlinks`), in reading order.

use crate::content::{PageId, Site};

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
