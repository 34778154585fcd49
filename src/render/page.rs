//! Page views: what a page, a section page or the home page shows. A view is built from a
//! [`PageInputs`] and nothing else; the dev server's fingerprint hashes the same struct, so
//! the two cannot drift.

use super::*;
use crate::content::Page;
use crate::governance::Process;

/// Everything the view of one page (listing page `n` of a section page) reads: the page
/// itself and its resolved links, its section's navigation, and other pages by id only, which
/// the view reads through their summaries. The config, the theme and "today" are shared by
/// every page and hashed once per build (`site_hash`).
///
/// [`Renderer::page_job`] builds the view from this alone, and `fingerprint` destructures it
/// without `..`, so a field added here does not compile until it is hashed.
pub(super) struct PageInputs<'r> {
    pub id: PageId,
    pub page: &'r Page,
    pub links: &'r [Resolved],
    /// The section whose navigation the page shows.
    pub nav: SectionId,
    pub prev: Option<PageId>,
    pub next: Option<PageId>,
    pub ancestors: Vec<PageId>,
    /// The backlinks shown (at most [`BACKLINK_LIMIT`]) and how many there are in all. Links
    /// from the home page and section pages are navigation, not references: they are left
    /// out here (the link graph keeps them; governance reads every link).
    pub backlinks: Vec<PageId>,
    pub backlink_count: usize,
    /// Section pages only.
    pub listing: Option<ListingInputs>,
    /// The readiness dimensions whose `learn` links point at the page.
    pub supports: &'r [LinkView],
    /// Its governance facts, when it is a process.
    pub process: Option<&'r Process>,
}

/// What a section page's listing page `n` shows.
pub(super) struct ListingInputs {
    pub n: usize,
    /// The pages listed on this listing page.
    pub shown: Vec<PageId>,
    /// Pages of the section left out because the section's own text links to them (an
    /// authored table of the pages): only for a listing that fits on one page.
    pub in_text: usize,
    /// How many pages the section lists in all.
    pub total: usize,
    /// The subsections' pages, listed on the first listing page only.
    pub subsections: Vec<PageId>,
}

/// The part of `ids` that listing page `n` shows.
pub(super) fn window<T>(ids: &[T], n: usize) -> &[T] {
    let start = ((n - 1) * LISTING_PAGE_SIZE).min(ids.len());
    let end = (start + LISTING_PAGE_SIZE).min(ids.len());
    &ids[start..end]
}

impl Renderer<'_> {
    /// The listing of `ids`, page `n`, with pagination links below `dir`.
    pub(super) fn listing(
        &self,
        ids: &[PageId],
        dir: &str,
        n: usize,
    ) -> (Vec<EntryView>, Option<Pagination>) {
        (self.entries(window(ids, n)), pagination(&self.input.cfg.base_url, ids.len(), dir, n))
    }

    fn entries(&self, ids: &[PageId]) -> Vec<EntryView> {
        ids.iter().map(|&id| self.summaries[id].entry.clone()).collect()
    }

    /// What the view of page `id` (listing page `n` of a section page) reads.
    pub(super) fn page_inputs(&self, id: PageId, n: usize) -> PageInputs<'_> {
        let input = self.input;
        let site = input.site;
        let page = &site.pages[id];
        let pos = self.positions[id];
        let mut backlinks: Vec<PageId> = input.graph.backlinks[id]
            .iter()
            .copied()
            .filter(|&b| !site.pages[b].is_index)
            .collect();
        let backlink_count = backlinks.len();
        backlinks.truncate(BACKLINK_LIMIT);
        let listing = page.is_index.then(|| {
            let section = &site.sections[page.section];
            // A section whose text links to its pages (a table of them) does not list them
            // again: the listing keeps the pages the text does not name. A listing of more
            // than one page stays whole, so that its pages keep their numbers.
            let (shown, in_text) = if section.pages.len() <= LISTING_PAGE_SIZE {
                let named: HashSet<PageId> =
                    input.graph.links[id].iter().filter_map(|l| l.target).collect();
                let shown: Vec<PageId> =
                    section.pages.iter().copied().filter(|p| !named.contains(p)).collect();
                let in_text = section.pages.len() - shown.len();
                (shown, in_text)
            } else {
                (window(&section.pages, n).to_vec(), 0)
            };
            ListingInputs {
                n,
                shown,
                in_text,
                total: section.pages.len(),
                subsections: if n == 1 {
                    section.subsections.iter().map(|&s| site.sections[s].page).collect()
                } else {
                    Vec::new()
                },
            }
        });
        PageInputs {
            id,
            page,
            links: &input.graph.links[id],
            nav: page.section,
            prev: pos.checked_sub(1).map(|p| site.order[p]),
            next: site.order.get(pos + 1).copied(),
            ancestors: site.ancestors(id),
            backlinks,
            backlink_count,
            listing,
            supports: &self.supports[id],
            process: input.governance.process(id),
        }
    }

    pub(super) fn page_job(&self, inputs: &PageInputs<'_>) -> Job {
        let input = self.input;
        let cfg = input.cfg;
        let base = &cfg.base_url;
        let page = inputs.page;
        let own = &self.summaries[inputs.id];
        let url = own.link.url.clone();

        let template = match &page.meta.template {
            Some(t) => t.clone(),
            None if page.is_home() => "index.html".into(),
            None if page.is_index => "section.html".into(),
            None => "page.html".into(),
        };
        let link = |id: PageId| self.summaries[id].link.clone();
        let backlinks: Vec<BacklinkView> = inputs
            .backlinks
            .iter()
            .map(|&b| {
                let s = &self.summaries[b];
                BacklinkView {
                    title: s.link.title.clone(),
                    url: s.link.url.clone(),
                    section: s.section_title.clone(),
                }
            })
            .collect();
        let toc = toc(page);
        let links = inputs.process.map(|p| self.process_links(p)).unwrap_or_default();
        let view = PageView {
            title: page.title.clone(),
            description: page.meta.description.clone().unwrap_or_else(|| page.doc.summary.clone()),
            summary: page.doc.summary.clone(),
            lede: page.meta.description.clone().filter(|d| !d.trim().is_empty()),
            url: url.clone(),
            permalink: base.permalink(&page.path),
            source: page.rel.clone(),
            content: page_html(self.input.site, &self.input.graph.links, inputs.id),
            toc: toc.clone(),
            word_count: page.doc.word_count,
            reading_minutes: page.doc.word_count.div_ceil(220).max(1),
            tags: page
                .meta
                .tags
                .iter()
                .flatten()
                .filter_map(|t| {
                    let slug = crate::content::slug::slugify(t);
                    (!slug.is_empty()).then(|| LinkView {
                        title: t.clone(),
                        url: base.url(&format!("tags/{slug}/")),
                    })
                })
                .collect(),
            kind: page.meta.kind.clone(),
            is_process: page.meta.is_process(),
            owner: page.meta.owner.clone().filter(|o| !o.trim().is_empty()),
            backups: page.meta.backups.clone().unwrap_or_default(),
            single_owner: inputs.process.is_some_and(Process::one_person),
            systems: page.meta.systems.clone().unwrap_or_default(),
            owner_link: links.0,
            backup_links: links.1,
            system_links: links.2,
            status: page.meta.status.map(|s| s.as_str()),
            review: inputs.process.map(review_view),
            updated: page.meta.updated.map(crate::dates::human_date),
            updated_iso: page.meta.updated.map(|d| d.to_string()),
            draft: page.meta.draft == Some(true),
            is_home: page.is_home(),
            is_section: page.is_index,
            ancestors: inputs.ancestors.iter().map(|&a| link(a)).collect(),
            prev: inputs.prev.map(link),
            next: inputs.next.map(link),
            backlinks: backlinks.clone(),
            backlinks_more: inputs.backlink_count.saturating_sub(inputs.backlinks.len()),
            supports: inputs.supports.to_vec(),
            edit_url: cfg
                .edit_url
                .as_deref()
                .filter(|_| page.file.is_some())
                .map(|url| url.replace("{path}", &url_path(&page.rel))),
            extra: serde_json::Value::Object(page.meta.extra.0.clone().into_iter().collect()),
        };
        let section = inputs.listing.as_ref().map(|listing| SectionView {
            title: page.title.clone(),
            url,
            subsections: self.entries(&listing.subsections),
            pages: self.entries(&listing.shown),
            in_text: listing.in_text,
            page_count: own.entry.page_count,
            pagination: pagination(base, listing.total, &page.path, listing.n),
        });
        Job::Page {
            template,
            context: Box::new(PageContext { page: view, section, toc, backlinks }),
            nav: inputs.nav,
        }
    }
}

/// A content path as it goes in a URL: `/` kept, everything but unreserved bytes
/// percent-encoded.
fn url_path(rel: &str) -> String {
    let mut out = String::with_capacity(rel.len());
    for b in rel.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What other pages show of page `id`.
pub(super) fn summarise(input: &RenderInput<'_>, id: PageId) -> Summary {
    let site = input.site;
    let page = &site.pages[id];
    let url = input.cfg.base_url.url(&page.path);
    let link = LinkView { title: page.title.clone(), url: url.clone() };
    let section_title =
        (!page.is_index).then(|| site.pages[site.sections[page.section].page].title.clone());
    let entry = entry_view(site, id, url, input.governance.process(id));
    let hash = hash_of(&(&link, &section_title, &entry));
    Summary { link, section_title, entry, hash }
}

#[cfg(test)]
mod tests {
    use super::url_path;

    #[test]
    fn content_paths_are_percent_encoded_for_edit_links() {
        assert_eq!(url_path("inventory/cycle-counting.md"), "inventory/cycle-counting.md");
        assert_eq!(url_path("Team Notes/Ä & b.md"), "Team%20Notes/%C3%84%20%26%20b.md");
    }
}
