//! Rendering: turns the linked site into [`OutputFile`]s. Never touches the disk.
//!
//! By what it produces: `plan` (every output path and its producer), `page` (page, section
//! and home views), `generated` (tag pages, redirects, 404, search page, sitemap, robots),
//! `fingerprint` (the dev server's change detection), `context` (the template data types)
//! and `theme` (templates and static files). This file holds the renderer itself: the shared
//! navigation, link filling and live-reload injection.
//!
//! First a [`Plan`] lists every output path and what produces it, which catches two things
//! writing one file and tells the link stage which files exist. Then each entry is rendered
//! in parallel and handed to a sink: `build` writes as it goes (so a 10,000-page site is
//! never all in memory), the dev server keeps the files. Shared fragments are rendered once:
//! the navigation once per section, with the current page marked by a string insert, and
//! every list a page shows is bounded, so per-page work does not grow with the site.

mod assessment;
pub(crate) mod context;
mod embed;
mod fingerprint;
mod generated;
mod governance;
mod page;
mod plan;
pub(crate) mod theme;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Mutex;

use jiff::civil::Date;
use pulldown_cmark_escape::{escape_href, escape_html};
use rayon::prelude::*;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use tera::{Context, Value};

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::config::Config;
use crate::content::markdown::MARKER;
use crate::content::{Asset, PageId, SectionId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links::{LinkGraph, Resolved};
use crate::output::{Body, OutputFile, index_path};

pub(crate) use assessment::{learned_by, search_pages};
use context::*;
pub(crate) use embed::page_html;
use generated::sitemap;
use page::summarise;
pub(crate) use plan::{Origin, Plan, PlanEntry};
use plan::{describe, listing_path, pages_of};
pub(crate) use theme::Theme;

/// Pages a section listing (or tag page) shows at once.
pub(crate) const LISTING_PAGE_SIZE: usize = 50;
/// Pages of one section the navigation lists.
pub(crate) const NAV_PAGE_LIMIT: usize = 30;
/// Backlinks a page lists.
pub(crate) const BACKLINK_LIMIT: usize = 30;

/// Everything rendering reads.
pub struct RenderInput<'a> {
    pub cfg: &'a Config,
    pub site: &'a Site,
    pub graph: &'a LinkGraph,
    pub theme: &'a Theme,
    pub assets: &'a [Asset],
    pub today: Date,
    /// The readiness assessment, when the site has one: its pages, and the dimensions that
    /// pages support.
    pub assessment: Option<&'a crate::assessment::Assessment>,
    /// Who owns each process and whether it was reviewed on time.
    pub governance: &'a crate::governance::Governance,
    /// What the handbook shows about the assessment's questions.
    pub evidence: Option<&'a crate::assessment::evidence::EvidenceSet>,
    /// The dev server's live-reload tag, inserted before `</body>` of every HTML page;
    /// `{path}` and `{version}` in it become the file's path and content hash.
    pub live_reload: Option<&'a str>,
}

/// The data of a page-like template (page, section and home pages).
#[derive(Serialize)]
struct PageContext {
    page: PageView,
    section: Option<SectionView>,
    toc: Vec<TocEntry>,
    backlinks: Vec<BacklinkView>,
}

/// What one plan entry is made from.
enum Job {
    Page { template: String, context: Box<PageContext>, nav: SectionId },
    Template { template: &'static str, data: serde_json::Value, nav: Option<SectionId> },
    Raw(OutputFile),
}

/// What other pages show of a page: its link, the title of its section (for backlinks)
/// and its listing entry. Computed once per build. Views read other pages *only* through
/// summaries, so a page's fingerprint can name everything it depends on.
struct Summary {
    link: LinkView,
    section_title: Option<String>,
    entry: EntryView,
    hash: u64,
}

/// Renders plan entries. Built once per build: it renders the navigation of every section
/// (shared by all pages of the section), summarises every page and sets the site-wide
/// template context.
pub(crate) struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    tera: tera::Tera,
    navs: Vec<String>,
    nav_hashes: Vec<u64>,
    positions: Vec<usize>,
    summaries: Vec<Summary>,
    /// Per page, the readiness dimensions whose `learn` links point at it.
    supports: Vec<Vec<LinkView>>,
    /// Per process (as in `governance.processes`), a hash of what its rows show.
    process_hashes: Vec<u64>,
    /// A hash of the evidence (E per question and the processes behind it).
    evidence_hash: u64,
    /// A hash of `site` and everything else every page shares.
    site_hash: u64,
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = Xxh3::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl<'a> Renderer<'a> {
    /// `None` when the navigation template fails (reported in `diags`).
    pub(crate) fn new(input: &'a RenderInput<'a>, diags: &mut Diagnostics) -> Option<Renderer<'a>> {
        let site_view = site_view(input);
        let mut tera = input.theme.tera.clone();
        tera.global_context().insert("site", &site_view);
        let site_hash = hash_of(&(
            serde_json::to_string(&site_view).unwrap_or_default(),
            input.cfg.governance.review_every,
            input.today,
            assessment::hash(input.assessment),
        ));
        let summaries =
            (0..input.site.pages.len()).into_par_iter().map(|id| summarise(input, id)).collect();
        let mut renderer = Renderer {
            input,
            tera,
            navs: Vec::new(),
            nav_hashes: Vec::new(),
            positions: Vec::new(),
            summaries,
            supports: assessment::supports(input),
            process_hashes: input
                .governance
                .processes
                .par_iter()
                .map(|p| governance::process_hash(input, p))
                .collect(),
            evidence_hash: assessment::evidence_hash(input.evidence),
            site_hash,
        };
        let navs: Vec<Result<String, Diagnostic>> = (0..input.site.sections.len())
            .into_par_iter()
            .map(|s| renderer.render_nav(s))
            .collect();
        let mut failed = false;
        for nav in navs {
            match nav {
                Ok(html) => renderer.navs.push(html),
                Err(diag) => {
                    if !failed {
                        diags.push(diag);
                    }
                    failed = true;
                }
            }
        }
        if failed {
            return None;
        }
        renderer.nav_hashes = renderer.navs.iter().map(|n| xxh3_64(n.as_bytes())).collect();
        renderer.positions = vec![0; input.site.pages.len()];
        for (pos, &id) in input.site.order.iter().enumerate() {
            renderer.positions[id] = pos;
        }
        Some(renderer)
    }

    /// The navigation for every page of `section`.
    fn render_nav(&self, section: SectionId) -> Result<String, Diagnostic> {
        let site = self.input.site;
        let mut open = HashSet::new();
        let mut s = Some(section);
        while let Some(id) = s {
            open.insert(id);
            s = site.sections[id].parent;
        }
        let root = self.nav_item(0, &open, section);
        let mut ctx = Context::new();
        ctx.insert("nav", &root);
        self.input.theme.render(&self.tera, "nav.html", &ctx, || "the navigation".into())
    }

    fn nav_item(
        &self,
        section: SectionId,
        open: &HashSet<SectionId>,
        current: SectionId,
    ) -> NavItem {
        let s = &self.input.site.sections[section];
        let link = &self.summaries[s.page].link;
        let is_open = open.contains(&section);
        NavItem {
            title: link.title.clone(),
            url: link.url.clone(),
            is_section: true,
            open: is_open,
            current_section: section == current,
            pages: if is_open {
                s.pages
                    .iter()
                    .take(NAV_PAGE_LIMIT)
                    .map(|&p| self.summaries[p].link.clone())
                    .collect()
            } else {
                Vec::new()
            },
            subsections: if is_open {
                s.subsections.iter().map(|&c| self.nav_item(c, open, current)).collect()
            } else {
                Vec::new()
            },
            more: if is_open { s.pages.len().saturating_sub(NAV_PAGE_LIMIT) } else { 0 },
        }
    }

    /// Renders one entry.
    pub(crate) fn render(&self, entry: &PlanEntry) -> Result<OutputFile, Diagnostic> {
        let input = self.input;
        let path = entry.path.clone();
        let what =
            || describe(input.cfg, input.site, input.governance, input.assets, &entry.origin);
        match self.job(entry) {
            Job::Raw(file) => Ok(file),
            Job::Page { template, context, nav } => {
                let url = context.page.url.clone();
                let mut ctx = Context::from_serialize(&*context)
                    .map_err(|err| input.theme.diagnostic(&err, Some(&what())))?;
                ctx.insert_value("nav", Value::safe_string(&mark_current(&self.navs[nav], &url)));
                let html = input.theme.render(&self.tera, &template, &ctx, what)?;
                Ok(OutputFile::html(path.clone(), inject(html, input.live_reload, &path)))
            }
            Job::Template { template, data, nav } => {
                let mut ctx = Context::from_serialize(&data)
                    .map_err(|err| input.theme.diagnostic(&err, Some(&what())))?;
                if let Some(nav) = nav {
                    // A generated page in the navigation (the assessment, through its intro
                    // page) is marked there as the current page.
                    let dir = path.strip_suffix("index.html").unwrap_or(&path);
                    let url = input.cfg.base_url.url(dir);
                    ctx.insert_value(
                        "nav",
                        Value::safe_string(&mark_current(&self.navs[nav], &url)),
                    );
                }
                let html = input.theme.render(&self.tera, template, &ctx, what)?;
                let html =
                    if nav.is_some() { inject(html, input.live_reload, &path) } else { html };
                Ok(OutputFile::html(path, html))
            }
        }
    }
}

/// Template errors (each with how many outputs it stopped) and the first write error.
type Failures = (Vec<(Diagnostic, usize)>, Option<std::io::Error>);

/// Renders every entry of `plan`, in parallel, handing each file to `sink`. Template errors
/// become diagnostics; the first error `sink` returns stops rendering and is returned.
pub(crate) fn render(
    input: &RenderInput<'_>,
    plan: &Plan,
    sink: &(dyn Fn(OutputFile) -> std::io::Result<()> + Sync),
    diags: &mut Diagnostics,
) -> std::io::Result<()> {
    let Some(renderer) = Renderer::new(input, diags) else { return Ok(()) };
    render_entries(&renderer, plan.entries.iter(), sink, diags)
}

/// Renders the given entries in parallel; see [`render`].
pub(crate) fn render_entries<'e>(
    renderer: &Renderer<'_>,
    entries: impl Iterator<Item = &'e PlanEntry> + Send,
    sink: &(dyn Fn(OutputFile) -> std::io::Result<()> + Sync),
    diags: &mut Diagnostics,
) -> std::io::Result<()> {
    // One template bug fails every page the same way: report it once, with a count.
    let failures: Mutex<Failures> = Mutex::new(Default::default());
    entries.par_bridge().for_each(|entry| {
        if failures.lock().map(|f| f.1.is_some()).unwrap_or(true) {
            return;
        }
        match renderer.render(entry) {
            Ok(file) => {
                if let Err(err) = sink(file)
                    && let Ok(mut f) = failures.lock()
                {
                    f.1.get_or_insert(err);
                }
            }
            Err(diag) => {
                if let Ok(mut f) = failures.lock() {
                    match f
                        .0
                        .iter_mut()
                        .find(|(d, _)| d.message == diag.message && d.span == diag.span)
                    {
                        Some((_, count)) => *count += 1,
                        None => f.0.push((diag, 1)),
                    }
                }
            }
        }
    });
    let (errors, io) = failures.into_inner().unwrap_or_default();
    for (mut diag, count) in errors {
        if count > 1 {
            let more = format!(" (the same error stops {} more outputs)", count - 1);
            diag.help = Some(diag.help.unwrap_or_default() + &more);
        }
        diags.push(diag);
    }
    match io {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

fn site_view(input: &RenderInput<'_>) -> SiteView {
    let cfg = input.cfg;
    let site = input.site;
    let base = &cfg.base_url;
    SiteView {
        title: cfg.title.clone(),
        description: cfg.description.clone(),
        language: cfg.language.clone(),
        base_url: base.path.clone(),
        permalink: base.permalink(""),
        home_url: base.url(""),
        search_url: base.url("search/"),
        assessment_url: input.assessment.map(|_| base.url(assessment::DIR)),
        readiness: assessment::readiness(input),
        governance_url: crate::governance::has_dashboard(input.governance, cfg.links.broken_warn)
            .then(|| base.url(crate::governance::DIR)),
        feed_url: (!input.governance.processes.is_empty())
            .then(|| base.url(crate::governance::FEED)),
        search_index: cfg.search.enabled.then(|| base.url(crate::search::MANIFEST)),
        tags_url: (!site.tags.is_empty()).then(|| base.url("tags/")),
        today: input.today.to_string(),
        generator: format!("opsbook {}", env!("CARGO_PKG_VERSION")),
        sections: site.sections[0]
            .subsections
            .iter()
            .map(|&s| {
                let page = &site.pages[site.sections[s].page];
                LinkView { title: page.title.clone(), url: base.url(&page.path) }
            })
            .collect(),
        extra: cfg.extra.clone(),
    }
}

/// Marks the link to `url` in a navigation fragment as the current page.
fn mark_current(nav: &str, url: &str) -> String {
    let mut needle = String::from("href=\"");
    let _ = escape_href(&mut needle, url);
    needle.push('"');
    match nav.find(&needle) {
        Some(at) => {
            let end = at + needle.len();
            let mut out = String::with_capacity(nav.len() + 24);
            out.push_str(&nav[..end]);
            out.push_str(" aria-current=\"page\"");
            out.push_str(&nav[end..]);
            out
        }
        None => nav.to_string(),
    }
}

/// Replaces the link markers of a page's HTML with resolved URLs and titles (embeds are
/// left empty: [`embed::page_html`] fills them).
pub fn fill_links(html: &str, links: &[Resolved]) -> String {
    fill_markers(html, links, &mut |_, _| {})
}

/// Replaces the link markers of `html`: `\u{1A}n\u{1A}` with link n's URL,
/// `\u{1A}Tn\u{1A}` with its text, `\u{1A}En\u{1A}` with what `embed` writes for it. A broken
/// link (`[links] broken = "warn"`) keeps its target as written in `data-href` (no `href`:
/// it goes nowhere), with class `broken` and a title saying why; a broken image keeps its
/// `src` as written.
pub(crate) fn fill_markers(
    html: &str,
    links: &[Resolved],
    embed: &mut dyn FnMut(&Resolved, &mut String),
) -> String {
    let mut out = String::with_capacity(html.len() + links.len() * 32);
    let mut rest = html;
    while let Some(start) = rest.find(MARKER) {
        out.push_str(&rest[..start]);
        let after = &rest[start + MARKER.len_utf8()..];
        let Some(end) = after.find(MARKER) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let token = &after[..end];
        let (kind, number) = match token.as_bytes().first() {
            Some(b'T') => ('T', &token[1..]),
            Some(b'E') => ('E', &token[1..]),
            _ => ('U', token),
        };
        match (kind, number.parse::<usize>().ok().and_then(|n| links.get(n))) {
            ('T', Some(link)) => {
                let _ = escape_html(&mut out, link.text.as_deref().unwrap_or(&link.url));
            }
            ('E', Some(link)) => embed(link, &mut out),
            (_, Some(link)) => match &link.broken {
                Some(reason) => broken_attributes(&mut out, &link.url, reason),
                None => {
                    let _ = escape_href(&mut out, &link.url);
                }
            },
            _ => {}
        }
        rest = &after[end + MARKER.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Rewrites the `href="` (or `src="`) just written before a broken link's marker.
fn broken_attributes(out: &mut String, written: &str, reason: &str) {
    let attribute = ["href=\"", "src=\""].into_iter().find(|a| out.ends_with(a));
    let mut title = String::from("Broken link: ");
    title.push_str(reason);
    let mut attrs = String::from("class=\"broken\" title=\"");
    let _ = escape_html(&mut attrs, &title);
    attrs.push_str("\" ");
    match attribute {
        Some("href=\"") => {
            out.truncate(out.len() - "href=\"".len());
            out.push_str(&attrs);
            out.push_str("data-href=\"");
        }
        Some(a) => {
            out.truncate(out.len() - a.len());
            out.push_str(&attrs);
            out.push_str(a);
        }
        None => {}
    }
    let _ = escape_html(&mut *out, written);
}

/// Inserts the live-reload tag (dev server only) before `</body>`.
fn inject(mut html: String, live_reload: Option<&str>, path: &str) -> String {
    if let Some(tag) = live_reload {
        let version = format!("{:016x}", xxh3_64(html.as_bytes()));
        let tag = tag.replace("{path}", path).replace("{version}", &version);
        match html.rfind("</body>") {
            Some(at) => html.insert_str(at, &tag),
            None => html.push_str(&tag),
        }
    }
    html
}

/// Pagination links for page `n` of a listing of `total` items below `dir`.
fn pagination(
    base: &crate::config::BaseUrl,
    total_items: usize,
    dir: &str,
    n: usize,
) -> Option<Pagination> {
    let total = pages_of(total_items);
    let start = (n - 1) * LISTING_PAGE_SIZE;
    (total > 1).then(|| {
        let url = |k: usize| base.url(&listing_path(dir, k));
        // A bounded window of page numbers around the current one.
        let lo = n.saturating_sub(3).max(1);
        let hi = (n + 3).min(total);
        let mut pages: Vec<PagerLink> =
            (lo..=hi).map(|k| PagerLink { number: k, url: url(k), current: k == n }).collect();
        if lo > 1 {
            pages.insert(0, PagerLink { number: 1, url: url(1), current: false });
        }
        if hi < total {
            pages.push(PagerLink { number: total, url: url(total), current: false });
        }
        Pagination {
            current: n,
            total,
            prev: (n > 1).then(|| url(n - 1)),
            next: (n < total).then(|| url(n + 1)),
            pages,
            first_item: start + 1,
            last_item: (start + LISTING_PAGE_SIZE).min(total_items),
            total_items,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_links_replaces_urls_and_texts_escaped() {
        let links = vec![Resolved {
            url: "/kb/a b/?x=1&y=2#z".into(),
            text: Some("Pick & Pack".into()),
            ..Resolved::default()
        }];
        let html = "<a href=\"\u{1A}0\u{1A}\">\u{1A}T0\u{1A}</a> tail";
        assert_eq!(
            fill_links(html, &links),
            "<a href=\"/kb/a%20b/?x=1&amp;y=2#z\">Pick &amp; Pack</a> tail"
        );
        // A stray marker is left alone rather than panicking.
        assert_eq!(fill_links("a\u{1A}9\u{1A}b\u{1A}", &links), "ab\u{1A}");
    }

    #[test]
    fn broken_links_keep_their_target_but_go_nowhere() {
        let links = vec![Resolved {
            url: "missing \"page\".md".into(),
            broken: Some("no page <x>".into()),
            ..Resolved::default()
        }];
        assert_eq!(
            fill_links(
                "<a href=\"\u{1A}0\u{1A}\">\u{1A}T0\u{1A}</a> <img src=\"\u{1A}0\u{1A}\" alt=\"\">",
                &links
            ),
            "<a class=\"broken\" title=\"Broken link: no page &lt;x&gt;\" data-href=\"missing &quot;page&quot;.md\">missing &quot;page&quot;.md</a> <img class=\"broken\" title=\"Broken link: no page &lt;x&gt;\" src=\"missing &quot;page&quot;.md\" alt=\"\">"
        );
    }

    #[test]
    fn mark_current_marks_only_the_exact_link() {
        let nav = "<a href=\"/a/\">A</a><a href=\"/a/b/\">B</a>";
        assert_eq!(
            mark_current(nav, "/a/b/"),
            "<a href=\"/a/\">A</a><a href=\"/a/b/\" aria-current=\"page\">B</a>"
        );
        assert_eq!(mark_current(nav, "/zzz/"), nav);
    }

    #[test]
    fn listing_paths() {
        assert_eq!(listing_path("ops/", 1), "ops/");
        assert_eq!(listing_path("ops/", 3), "ops/page/3/");
        assert_eq!(pages_of(0), 1);
        assert_eq!(pages_of(50), 1);
        assert_eq!(pages_of(51), 2);
    }
}
