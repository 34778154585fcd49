//! View models: the plain, serializable data templates see. Documented for theme authors in
//! `docs/templates.md`; every field is always present (null when unset), because Tera 2
//! treats a missing field as an error.

use crate::governance::Process;
use serde::Serialize;
use serde_json::Value as Json;

use crate::content::{Page, PageId, Site};
use crate::dates;

/// A titled link.
#[derive(Debug, Clone, Hash, Serialize)]
pub(crate) struct LinkView {
    pub title: String,
    pub url: String,
}

/// `site`: the same for every page (set once as Tera's global context).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    /// The base path every URL starts with (`/` or `/kb/`).
    pub base_url: String,
    /// The absolute base URL when `base_url` has a host, else the base path.
    pub permalink: String,
    pub home_url: String,
    pub search_url: String,
    /// `/assessment/` when the site has a readiness assessment.
    pub assessment_url: Option<String>,
    /// The assessment as the home page shows it: the latest committed result and the trend.
    pub readiness: Option<super::assessment::ReadinessView>,
    /// `/governance/` when the site has processes.
    pub governance_url: Option<String>,
    /// The Atom feed of reviews, when the site has processes.
    pub feed_url: Option<String>,
    /// The search index's manifest; null when search is off.
    pub search_index: Option<String>,
    /// Null when no page has tags.
    pub tags_url: Option<String>,
    pub today: String,
    pub generator: String,
    pub sections: Vec<LinkView>,
    pub extra: Json,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TocEntry {
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Review freshness of a process document.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReviewView {
    /// `ok`, `due-soon` (within 30 days), `overdue` or `never` (no `reviewed` date).
    pub state: &'static str,
    pub reviewed: Option<String>,
    pub reviewed_iso: Option<String>,
    pub every: String,
    pub due: Option<String>,
    pub due_iso: Option<String>,
    /// Days until due (negative when overdue).
    pub days_left: Option<i64>,
    pub days_overdue: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BacklinkView {
    pub title: String,
    pub url: String,
    pub section: Option<String>,
}

/// `page`: the page being rendered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageView {
    pub title: String,
    /// `description`, else the first paragraph: what meta tags and listings show.
    pub description: String,
    pub summary: String,
    /// The `description` the author wrote (shown under the title), else null.
    pub lede: Option<String>,
    pub url: String,
    pub permalink: String,
    /// Source path relative to `content/`.
    pub source: String,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    pub reading_minutes: usize,
    pub tags: Vec<LinkView>,
    pub kind: Option<String>,
    pub is_process: bool,
    pub owner: Option<String>,
    pub backups: Vec<String>,
    /// An owner and no backup: the process is held by one person.
    pub single_owner: bool,
    pub systems: Vec<String>,
    /// The owner's, backups' and systems' governance pages (processes only).
    pub owner_link: Option<LinkView>,
    pub backup_links: Vec<LinkView>,
    pub system_links: Vec<LinkView>,
    pub status: Option<&'static str>,
    pub review: Option<ReviewView>,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub draft: bool,
    pub is_home: bool,
    pub is_section: bool,
    pub ancestors: Vec<LinkView>,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    pub backlinks: Vec<BacklinkView>,
    /// Backlinks beyond the ones listed (a page lists a bounded number).
    pub backlinks_more: usize,
    /// The readiness dimensions this page helps with (their `learn` links point here).
    pub supports: Vec<LinkView>,
    /// "Edit this page": `edit_url` with the page's path in the content folder.
    pub edit_url: Option<String>,
    pub extra: Json,
}

/// One entry of a listing (section pages, tag pages).
#[derive(Debug, Clone, Hash, Serialize)]
pub(crate) struct EntryView {
    pub title: String,
    pub url: String,
    pub description: String,
    pub is_section: bool,
    /// Pages below, for sections.
    pub page_count: usize,
    pub owner: Option<String>,
    pub status: Option<&'static str>,
    pub is_process: bool,
    pub single_owner: bool,
    pub review_state: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
    pub first_item: usize,
    pub last_item: usize,
    pub total_items: usize,
}

/// `section`: on section pages (and the home page), its listing.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectionView {
    pub title: String,
    pub url: String,
    pub subsections: Vec<EntryView>,
    pub pages: Vec<EntryView>,
    /// Pages of the section left out of `pages` because the section's text links to them.
    pub in_text: usize,
    /// All pages below the section, recursively.
    pub page_count: usize,
    pub pagination: Option<Pagination>,
}

/// One item of the navigation tree (`nav.html`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NavItem {
    pub title: String,
    pub url: String,
    pub is_section: bool,
    /// This section is the current one or one of its ancestors: it is expanded.
    pub open: bool,
    pub current_section: bool,
    pub pages: Vec<LinkView>,
    pub subsections: Vec<NavItem>,
    /// Pages of this section not listed (the navigation lists a bounded number).
    pub more: usize,
}

/// What a page shows of a process's review, from its governance facts.
pub(crate) fn review_view(p: &Process) -> ReviewView {
    ReviewView {
        state: p.state.as_str(),
        reviewed: p.reviewed.map(dates::human_date),
        reviewed_iso: p.reviewed.map(|d| d.to_string()),
        every: dates::describe_period(p.every),
        due: p.due.map(dates::human_date),
        due_iso: p.due.map(|d| d.to_string()),
        days_left: p.days_left,
        days_overdue: p.days_left.filter(|d| *d < 0).map(|d| -d),
    }
}

pub(crate) fn entry_view(
    site: &Site,
    id: PageId,
    url: String,
    process: Option<&Process>,
) -> EntryView {
    let page = &site.pages[id];
    let description = page.meta.description.clone().unwrap_or_else(|| page.doc.summary.clone());
    let page_count = if page.is_index { site.count_pages(page.section) } else { 0 };
    EntryView {
        title: page.title.clone(),
        url,
        description,
        is_section: page.is_index,
        page_count,
        owner: page.meta.owner.clone(),
        status: page.meta.status.map(|s| s.as_str()),
        is_process: page.meta.is_process(),
        single_owner: process.is_some_and(Process::one_person),
        review_state: process.map(|p| p.state.as_str()),
    }
}

/// Headings of levels 2 and 3 as a two-level tree.
pub(crate) fn toc(page: &Page) -> Vec<TocEntry> {
    let mut out: Vec<TocEntry> = Vec::new();
    for h in &page.doc.headings {
        let entry = TocEntry { id: h.id.clone(), title: h.text.clone(), children: Vec::new() };
        match h.level {
            2 => out.push(entry),
            3 => match out.last_mut() {
                Some(parent) => parent.children.push(entry),
                None => out.push(entry),
            },
            _ => {}
        }
    }
    out
}
