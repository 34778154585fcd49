//! The dev server's fingerprints: a hash of everything an entry's output depends on, so that
//! a rebuild re-renders only the entries whose fingerprint changed. It reads the same inputs
//! as the views (the page itself, and other pages only through their summaries); the
//! incremental-equals-full test in `tests/cli/serve.rs` holds the two together.

use super::*;

impl Renderer<'_> {
    /// A hash of everything `entry`'s output depends on, except the theme and the config
    /// (whose changes make the dev server re-render everything). Equal fingerprints mean
    /// equal output, so the dev server re-renders only entries whose fingerprint changed.
    /// It reads the same inputs as the views (the page itself, and other pages through
    /// their summaries) without building any of them.
    pub fn fingerprint(&self, entry: &PlanEntry) -> u64 {
        let input = self.input;
        let site = input.site;
        let mut h = Xxh3::new();
        entry.path.hash(&mut h);
        self.site_hash.hash(&mut h);
        let summaries = |ids: &[PageId], h: &mut Xxh3| {
            ids.len().hash(h);
            for &id in ids {
                self.summaries[id].hash.hash(h);
            }
        };
        let page_listing = match entry.origin {
            Origin::Page(id) => Some((id, 1)),
            Origin::SectionListing(section, n) => Some((site.sections[section].page, n)),
            _ => None,
        };
        match &entry.origin {
            _ if let Some((id, n)) = page_listing => {
                let page = &site.pages[id];
                (&page.title, &page.path, &page.rel, page.is_index, &page.meta, page.doc.hash)
                    .hash(&mut h);
                for link in &input.graph.links[id] {
                    (&link.url, &link.text).hash(&mut h);
                }
                self.nav_hashes[page.section].hash(&mut h);
                let pos = self.positions[id];
                let neighbours: Vec<PageId> = [pos.checked_sub(1), Some(pos + 1)]
                    .into_iter()
                    .flatten()
                    .filter_map(|p| site.order.get(p).copied())
                    .collect();
                summaries(&neighbours, &mut h);
                summaries(&site.ancestors(id), &mut h);
                let backlinks = &input.graph.backlinks[id];
                summaries(&backlinks[..backlinks.len().min(BACKLINK_LIMIT)], &mut h);
                backlinks.len().hash(&mut h);
                self.summaries[id].hash.hash(&mut h);
                if page.is_index {
                    let section = &site.sections[page.section];
                    n.hash(&mut h);
                    let start = (n - 1) * LISTING_PAGE_SIZE;
                    let end = (start + LISTING_PAGE_SIZE).min(section.pages.len());
                    summaries(&section.pages[start.min(end)..end], &mut h);
                    section.pages.len().hash(&mut h);
                    summaries(
                        &section
                            .subsections
                            .iter()
                            .map(|&s| site.sections[s].page)
                            .collect::<Vec<_>>(),
                        &mut h,
                    );
                }
            }
            Origin::TagIndex => {
                for tag in &site.tags {
                    (&tag.name, &tag.slug, tag.pages.len()).hash(&mut h);
                }
                self.nav_hashes[0].hash(&mut h);
            }
            Origin::Tag(i, n) => {
                let tag = &site.tags[*i];
                (&tag.name, &tag.slug, n, tag.pages.len()).hash(&mut h);
                let start = (n - 1) * LISTING_PAGE_SIZE;
                let end = (start + LISTING_PAGE_SIZE).min(tag.pages.len());
                summaries(&tag.pages[start.min(end)..end], &mut h);
                self.nav_hashes[0].hash(&mut h);
            }
            Origin::Alias(i) => {
                let alias = &site.aliases[*i];
                (&alias.path, self.summaries[alias.page].hash).hash(&mut h);
            }
            Origin::NotFound | Origin::SearchPage => self.nav_hashes[0].hash(&mut h),
            Origin::Sitemap => sitemap(input).hash(&mut h),
            Origin::Robots => {}
            Origin::Static(Body::Copy(path)) => stamp(path).hash(&mut h),
            Origin::Static(body) => xxh3_64(&body.read().unwrap_or_default()).hash(&mut h),
            Origin::Asset(i) => stamp(&input.assets[*i].file).hash(&mut h),
            // Handled by the first arm: `page_listing` is set for both.
            Origin::Page(_) | Origin::SectionListing(..) => {}
        }
        h.finish()
    }
}

/// A file's size and modification time, which change when it is saved.
fn stamp(path: &std::path::Path) -> Option<(u64, Option<std::time::SystemTime>)> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}
