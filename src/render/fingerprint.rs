//! The dev server's fingerprints: a hash of everything an entry's output depends on, so that
//! a rebuild re-renders only the entries whose fingerprint changed. It reads the same inputs
//! as the views (the page itself, and other pages only through their summaries); the
//! incremental-equals-full test in `tests/cli/serve.rs` holds the two together.

use super::page::{ListingInputs, PageInputs};
use super::*;
use crate::content::Page;

impl Renderer<'_> {
    /// A hash of everything `entry`'s output depends on, except the theme and the config
    /// (whose changes make the dev server re-render everything). Equal fingerprints mean
    /// equal output, so the dev server re-renders only entries whose fingerprint changed.
    /// It reads the same inputs as the views (the page itself, and other pages through
    /// their summaries) without building any of them.
    pub(crate) fn fingerprint(&self, entry: &PlanEntry) -> u64 {
        let input = self.input;
        let site = input.site;
        let mut h = Xxh3::new();
        entry.path.hash(&mut h);
        self.site_hash.hash(&mut h);
        match &entry.origin {
            Origin::Page(id) => self.hash_page(&self.page_inputs(*id, 1), &mut h),
            Origin::SectionListing(section, n) => {
                self.hash_page(&self.page_inputs(site.sections[*section].page, *n), &mut h)
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
                self.hash_summaries(page::window(&tag.pages, *n), &mut h);
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
            // The assessment and its responses are in `site_hash`; the assessment page also
            // shows its intro page and that page's navigation.
            Origin::Assessment => {
                self.evidence_hash.hash(&mut h);
                self.nav_hashes[self.assessment_nav()].hash(&mut h);
                if let Some(id) = self.intro_page() {
                    (site.pages[id].doc.hash, &site.pages[id].title).hash(&mut h);
                    input.graph.links[id].hash(&mut h);
                    self.hash_embeds(&input.graph.links[id], &mut h, &mut Default::default());
                }
            }
            Origin::AssessmentResponse(file) => {
                (file, self.nav_hashes[0], self.evidence_hash).hash(&mut h)
            }
            Origin::AssessmentTrend => (self.nav_hashes[0], self.evidence_hash).hash(&mut h),
            // A person's or system's page shows its processes; the other governance pages
            // add up all of them (and the dashboard shows its intro page).
            Origin::Person(i, _) => {
                let person = &input.governance.people[*i];
                self.nav_hashes[0].hash(&mut h);
                for &p in person.owns.iter().chain(&person.backs_up) {
                    self.process_hashes[p].hash(&mut h);
                }
            }
            Origin::System(i, _) => {
                self.nav_hashes[0].hash(&mut h);
                for &p in &input.governance.systems[*i].processes {
                    self.process_hashes[p].hash(&mut h);
                }
            }
            Origin::Governance
            | Origin::GovernanceList(..)
            | Origin::People(_)
            | Origin::Systems(_)
            | Origin::Changes => {
                self.process_hashes.hash(&mut h);
                if matches!(entry.origin, Origin::Governance) {
                    self.evidence_hash.hash(&mut h);
                    self.nav_hashes[self.governance_nav()].hash(&mut h);
                    if let Some(id) = self.governance_intro() {
                        (site.pages[id].doc.hash, &site.pages[id].title).hash(&mut h);
                        input.graph.links[id].hash(&mut h);
                        self.hash_embeds(&input.graph.links[id], &mut h, &mut Default::default());
                    }
                    // The broken links, each with its page's title and URL.
                    for b in &input.graph.broken {
                        (&b.target, b.line, &b.reason, &self.summaries[b.page].link).hash(&mut h);
                    }
                    // The health per section names the sections.
                    for &s in &site.sections[0].subsections {
                        self.summaries[site.sections[s].page].link.hash(&mut h);
                    }
                } else {
                    self.nav_hashes[0].hash(&mut h);
                }
            }
        }
        h.finish()
    }

    /// Hashes what [`Renderer::page_job`] reads. Destructured without `..`: a new input does
    /// not compile until it is hashed here.
    fn hash_page(&self, inputs: &PageInputs<'_>, h: &mut Xxh3) {
        let PageInputs {
            id,
            page,
            links,
            nav,
            prev,
            next,
            ancestors,
            backlinks,
            backlink_count,
            listing,
            supports,
            process,
        } = inputs;
        // The page's own fields; `doc.hash` covers its HTML, headings, summary and words.
        // Not shown: `file` and `text` (the source), `name` (read by link resolution, whose
        // result is `links`) and `section` (shown as `nav`).
        let Page { rel, file: _, text: _, path, section: _, is_index, title, name: _, meta, doc } =
            page;
        (rel, path, is_index, title, meta, doc.hash).hash(h);
        self.summaries[*id].hash.hash(h);
        links.hash(h);
        self.hash_embeds(links, h, &mut Default::default());
        self.nav_hashes[*nav].hash(h);
        self.hash_summaries(&[*prev, *next].into_iter().flatten().collect::<Vec<_>>(), h);
        (prev.is_some(), next.is_some()).hash(h);
        self.hash_summaries(ancestors, h);
        self.hash_summaries(backlinks, h);
        backlink_count.hash(h);
        supports.hash(h);
        process.hash(h);
        if let Some(ListingInputs { n, shown, in_text, total, subsections }) = listing {
            (n, total, in_text).hash(h);
            self.hash_summaries(shown, h);
            self.hash_summaries(subsections, h);
        }
    }

    /// What the notes a page embeds show: their HTML and links, down to the depth shown.
    /// Every note reachable through embeds, each hashed once (`seen`) however often and deep
    /// it is shown: a superset of what the page shows (past the depth limit too), so an edit
    /// anywhere below re-renders the page.
    fn hash_embeds(
        &self,
        links: &[crate::links::Resolved],
        h: &mut Xxh3,
        seen: &mut rustc_hash::FxHashSet<PageId>,
    ) {
        let site = self.input.site;
        for target in links.iter().filter(|l| l.embed).filter_map(|l| l.target) {
            if !seen.insert(target) {
                continue;
            }
            let page = &site.pages[target];
            (&page.title, page.doc.hash).hash(h);
            let inner = &self.input.graph.links[target];
            inner.hash(h);
            self.hash_embeds(inner, h, seen);
        }
    }

    fn hash_summaries(&self, ids: &[PageId], h: &mut Xxh3) {
        ids.len().hash(h);
        for &id in ids {
            self.summaries[id].hash.hash(h);
        }
    }
}

/// A file's size and modification time, which change when it is saved.
fn stamp(path: &std::path::Path) -> Option<(u64, Option<std::time::SystemTime>)> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}
