//! Page views: what a page, a section page or the home page shows, built from the page itself
//! and from other pages' summaries only (so that fingerprints can name every input).

use super::*;

impl Renderer<'_> {
    /// The listing of `ids`, page `n`, with pagination links below `dir`.
    pub(super) fn listing(
        &self,
        ids: &[PageId],
        dir: &str,
        n: usize,
    ) -> (Vec<EntryView>, Option<Pagination>) {
        let start = (n - 1) * LISTING_PAGE_SIZE;
        let entries = ids
            .iter()
            .skip(start)
            .take(LISTING_PAGE_SIZE)
            .map(|&id| self.summaries[id].entry.clone())
            .collect();
        (entries, pagination(&self.input.cfg.base_url, ids.len(), dir, n))
    }

    pub(super) fn page_job(&self, id: PageId, listing_page: usize) -> Job {
        let input = self.input;
        let site = input.site;
        let cfg = input.cfg;
        let base = &cfg.base_url;
        let page = &site.pages[id];
        let own = &self.summaries[id];
        let url = own.link.url.clone();

        let template = match &page.meta.template {
            Some(t) => t.clone(),
            None if page.is_home() => "index.html".into(),
            None if page.is_index => "section.html".into(),
            None => "page.html".into(),
        };
        let pos = self.positions[id];
        let order = &site.order;
        let prev = pos.checked_sub(1).map(|p| self.summaries[order[p]].link.clone());
        let next = order.get(pos + 1).map(|&p| self.summaries[p].link.clone());
        let backlinks_all = &input.graph.backlinks[id];
        let backlinks: Vec<BacklinkView> = backlinks_all
            .iter()
            .take(BACKLINK_LIMIT)
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
        let view = PageView {
            title: page.title.clone(),
            description: page.meta.description.clone().unwrap_or_else(|| page.doc.summary.clone()),
            summary: page.doc.summary.clone(),
            lede: page.meta.description.clone().filter(|d| !d.trim().is_empty()),
            url: url.clone(),
            permalink: base.permalink(&page.path),
            source: page.rel.clone(),
            content: fill_links(&page.doc.html, &input.graph.links[id]),
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
            single_owner: single_owner(page),
            systems: page.meta.systems.clone().unwrap_or_default(),
            status: page.meta.status.map(|s| s.as_str()),
            review: review_view(page, cfg.governance.review_every, input.today),
            updated: page.meta.updated.map(crate::dates::human_date),
            updated_iso: page.meta.updated.map(|d| d.to_string()),
            draft: page.meta.draft == Some(true),
            is_home: page.is_home(),
            is_section: page.is_index,
            ancestors: site
                .ancestors(id)
                .into_iter()
                .map(|a| self.summaries[a].link.clone())
                .collect(),
            prev,
            next,
            backlinks: backlinks.clone(),
            backlinks_more: backlinks_all.len().saturating_sub(BACKLINK_LIMIT),
            extra: serde_json::Value::Object(page.meta.extra.0.clone().into_iter().collect()),
        };
        let section = page.is_index.then(|| {
            let section = &site.sections[page.section];
            let (pages, pagination) = self.listing(&section.pages, &page.path, listing_page);
            let subsections = if listing_page == 1 {
                section
                    .subsections
                    .iter()
                    .map(|&s| self.summaries[site.sections[s].page].entry.clone())
                    .collect()
            } else {
                Vec::new()
            };
            SectionView {
                title: page.title.clone(),
                url,
                subsections,
                pages,
                page_count: own.entry.page_count,
                pagination,
            }
        });
        Job::Page {
            template,
            context: Box::new(PageContext { page: view, section, toc, backlinks }),
            nav: page.section,
        }
    }
}

/// What other pages show of page `id`.
pub(super) fn summarise(input: &RenderInput<'_>, id: PageId) -> Summary {
    let site = input.site;
    let page = &site.pages[id];
    let url = input.cfg.base_url.url(&page.path);
    let link = LinkView { title: page.title.clone(), url: url.clone() };
    let section_title =
        (!page.is_index).then(|| site.pages[site.sections[page.section].page].title.clone());
    let entry = entry_view(site, id, url, input.cfg.governance.review_every, input.today);
    let hash = hash_of(&(&link, &section_title, &entry));
    Summary { link, section_title, entry, hash }
}
