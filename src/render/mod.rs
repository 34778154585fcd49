//! Rendering: turns the linked site into [`OutputFile`]s. Never touches the disk.
//!
//! First a [`Plan`] lists every output path and what produces it, which catches two things
//! writing one file and tells the link stage which files exist. Then each entry is rendered
//! in parallel and handed to a sink: `build` writes as it goes (so a 10,000-page site is
//! never all in memory), the dev server keeps the files. Shared fragments are rendered once:
//! the navigation once per section, with the current page marked by a string insert, and
//! every list a page shows is bounded, so per-page work does not grow with the site.

pub mod context;
pub mod theme;

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

use context::*;
pub use theme::Theme;

/// Pages a section listing (or tag page) shows at once.
pub const LISTING_PAGE_SIZE: usize = 50;
/// Pages of one section the navigation lists.
pub const NAV_PAGE_LIMIT: usize = 30;
/// Backlinks a page lists.
pub const BACKLINK_LIMIT: usize = 30;

/// What produces one output file.
#[derive(Debug, Clone)]
pub enum Origin {
    Page(PageId),
    /// Page `n` (>= 2) of a section's listing.
    SectionListing(SectionId, usize),
    TagIndex,
    /// Page `n` (>= 1) of a tag's listing.
    Tag(usize, usize),
    Alias(usize),
    NotFound,
    Sitemap,
    Robots,
    Static(Body),
    Asset(usize),
    /// The search page (`search/index.html`).
    SearchPage,
}

#[derive(Debug, Clone)]
pub struct PlanEntry {
    pub path: String,
    pub origin: Origin,
}

/// Every output file of a build, before any is rendered.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub entries: Vec<PlanEntry>,
    /// Whether the search index is built too (its files are not entries; see `new`).
    pub search: bool,
}

fn pages_of(count: usize) -> usize {
    count.div_ceil(LISTING_PAGE_SIZE).max(1)
}

fn listing_path(dir: &str, n: usize) -> String {
    if n <= 1 { dir.to_string() } else { format!("{dir}page/{n}/") }
}

impl Plan {
    /// Lists the outputs and reports two producers of one path, naming both.
    pub fn new(
        cfg: &Config,
        site: &Site,
        theme: &Theme,
        assets: &[Asset],
        diags: &mut Diagnostics,
    ) -> Plan {
        let mut entries = Vec::new();
        let mut push = |path: String, origin: Origin| entries.push(PlanEntry { path, origin });
        for (id, page) in site.pages.iter().enumerate() {
            push(index_path(&page.path), Origin::Page(id));
            if let Some(t) = &page.meta.template
                && !theme.has_template(t)
            {
                diags.push(
                    Diagnostic::error(
                        page.key_span("template"),
                        format!("there is no template `{t}` in templates/ or the built-in theme"),
                    )
                    .with_help(
                        "add the file to templates/, or remove `template` to use the default",
                    ),
                );
            }
        }
        for (id, section) in site.sections.iter().enumerate() {
            let path = &site.pages[section.page].path;
            for n in 2..=pages_of(section.pages.len()) {
                push(index_path(&listing_path(path, n)), Origin::SectionListing(id, n));
            }
        }
        if !site.tags.is_empty() {
            push("tags/index.html".into(), Origin::TagIndex);
            for (i, tag) in site.tags.iter().enumerate() {
                for n in 1..=pages_of(tag.pages.len()) {
                    let dir = listing_path(&format!("tags/{}/", tag.slug), n);
                    push(index_path(&dir), Origin::Tag(i, n));
                }
            }
        }
        for (i, alias) in site.aliases.iter().enumerate() {
            let path = if alias.path.ends_with('/') {
                index_path(&alias.path)
            } else {
                alias.path.clone()
            };
            push(path, Origin::Alias(i));
        }
        push("404.html".into(), Origin::NotFound);
        if cfg.search.enabled {
            push("search/index.html".into(), Origin::SearchPage);
        }
        if cfg.base_url.is_absolute() {
            push("sitemap.xml".into(), Origin::Sitemap);
        }
        push("robots.txt".into(), Origin::Robots);
        for (path, body) in &theme.statics {
            push(path.clone(), Origin::Static(body.clone()));
        }
        for (i, asset) in assets.iter().enumerate() {
            push(asset.rel.clone(), Origin::Asset(i));
        }

        // Later entries lose: pages beat generated files, generated files beat static files.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut keep = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            // Every producer's path is checked here once more, whatever checked it before: a
            // path that is absolute, climbs out with `..` or takes the marker's name would
            // write (and later delete) a file that is not the site's.
            if !crate::output::is_safe_path(&entry.path) || entry.path == crate::output::MARKER_FILE
            {
                let a = describe(cfg, site, assets, &entry.origin);
                diags.push(
                    Diagnostic::error(
                        None,
                        format!(
                            "{a} would write `{}`, which is not a file of the site",
                            entry.path.escape_debug()
                        ),
                    )
                    .with_help("output paths are relative to the output folder; rename it"),
                );
                continue;
            }
            match seen.get(&entry.path) {
                Some(&first) => {
                    let a = describe(cfg, site, assets, &entries[first].origin);
                    let b = describe(cfg, site, assets, &entry.origin);
                    let static_override = matches!(entry.origin, Origin::Static(Body::Static(_)));
                    // An alias never silently replaces a file (a redirect page in place of
                    // the theme's stylesheet); its error points at the `aliases` line.
                    let alias =
                        [&entries[first].origin, &entry.origin].into_iter().find_map(|origin| {
                            match origin {
                                Origin::Alias(i) => Some(&site.aliases[*i]),
                                _ => None,
                            }
                        });
                    if !static_override || alias.is_some() {
                        let span = alias.and_then(|a| site.pages[a.page].key_span("aliases"));
                        diags.push(
                            Diagnostic::error(
                                span,
                                format!("{a} and {b} both write {}", entry.path),
                            )
                            .with_help("rename or move one of them"),
                        );
                    }
                }
                // The search index is built beside the rendering (see `build::commit`), so its
                // files are not in the plan: its paths are reserved instead.
                None if cfg.search.enabled && crate::search::is_index_path(&entry.path) => {
                    let a = describe(cfg, site, assets, &entry.origin);
                    diags.push(
                        Diagnostic::error(
                            None,
                            format!("{a} and the search index both write {}", entry.path),
                        )
                        .with_help(format!(
                            "rename or move it: {} belong to the search index",
                            crate::search::layout::DESCRIPTION
                        )),
                    );
                }
                None => {
                    seen.insert(entry.path.clone(), i);
                    keep.push(i);
                }
            }
        }
        let mut entries: Vec<Option<PlanEntry>> = entries.into_iter().map(Some).collect();
        Plan {
            entries: keep.into_iter().filter_map(|i| entries[i].take()).collect(),
            search: cfg.search.enabled,
        }
    }

    /// Output paths, for the link stage (links may point at any file of the site). Of the
    /// search index, only the manifest has a name known before it is built.
    pub fn paths(&self) -> HashSet<String> {
        let index = self.search.then(|| crate::search::MANIFEST.to_string());
        self.entries.iter().map(|e| e.path.clone()).chain(index).collect()
    }
}

fn describe(cfg: &Config, site: &Site, assets: &[Asset], origin: &Origin) -> String {
    let content = |rel: &str| format!("{}{rel}", cfg.content.prefix());
    match origin {
        Origin::Page(id) => content(&site.pages[*id].rel),
        Origin::SectionListing(s, n) => {
            format!(
                "page {n} of the listing of {}",
                content(&site.pages[site.sections[*s].page].rel)
            )
        }
        Origin::TagIndex => "the generated tags index".into(),
        Origin::Tag(i, _) => format!("the generated page of tag `{}`", site.tags[*i].name),
        Origin::Alias(i) => {
            let alias = &site.aliases[*i];
            format!("an alias of {}", content(&site.pages[alias.page].rel))
        }
        Origin::NotFound => "the generated 404 page".into(),
        Origin::SearchPage => "the generated search page".into(),
        Origin::Sitemap => "the generated sitemap".into(),
        Origin::Robots => "the generated robots.txt".into(),
        Origin::Static(Body::Copy(path)) => crate::diagnostics::display_path(path, &cfg.root),
        Origin::Static(_) => "a built-in theme file".into(),
        Origin::Asset(i) => content(&assets[*i].rel),
    }
}

/// Everything rendering reads.
pub struct RenderInput<'a> {
    pub cfg: &'a Config,
    pub site: &'a Site,
    pub graph: &'a LinkGraph,
    pub theme: &'a Theme,
    pub assets: &'a [Asset],
    pub today: Date,
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
pub struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    tera: tera::Tera,
    navs: Vec<String>,
    nav_hashes: Vec<u64>,
    positions: Vec<usize>,
    summaries: Vec<Summary>,
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
    pub fn new(input: &'a RenderInput<'a>, diags: &mut Diagnostics) -> Option<Renderer<'a>> {
        let site_view = site_view(input);
        let mut tera = input.theme.tera.clone();
        tera.global_context().insert("site", &site_view);
        let site_hash = hash_of(&(
            serde_json::to_string(&site_view).unwrap_or_default(),
            input.cfg.governance.review_every,
            input.today,
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
    pub fn render(&self, entry: &PlanEntry) -> Result<OutputFile, Diagnostic> {
        let input = self.input;
        let path = entry.path.clone();
        let what = || describe(input.cfg, input.site, input.assets, &entry.origin);
        match self.job(entry)? {
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
                    ctx.insert_value("nav", Value::safe_string(&self.navs[nav]));
                }
                let html = input.theme.render(&self.tera, template, &ctx, what)?;
                let html =
                    if nav.is_some() { inject(html, input.live_reload, &path) } else { html };
                Ok(OutputFile::html(path, html))
            }
        }
    }

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

    fn job(&self, entry: &PlanEntry) -> Result<Job, Diagnostic> {
        let input = self.input;
        let path = entry.path.clone();
        let base = &input.cfg.base_url;
        Ok(match &entry.origin {
            Origin::Page(id) => self.page_job(*id, 1),
            Origin::SectionListing(section, n) => {
                self.page_job(input.site.sections[*section].page, *n)
            }
            Origin::TagIndex => {
                let tags: Vec<_> = input
                    .site
                    .tags
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "name": t.name,
                            "url": base.url(&format!("tags/{}/", t.slug)),
                            "count": t.pages.len(),
                        })
                    })
                    .collect();
                Job::Template {
                    template: "tags.html",
                    data: generated_data(serde_json::json!({ "tags": tags })),
                    nav: Some(0),
                }
            }
            Origin::Tag(i, n) => {
                let tag = &input.site.tags[*i];
                let dir = format!("tags/{}/", tag.slug);
                let (pages, pagination) = self.listing(&tag.pages, &dir, *n);
                let data = serde_json::json!({
                    "tag": { "name": tag.name, "url": base.url(&dir), "count": tag.pages.len() },
                    "pages": pages,
                    "pagination": pagination,
                });
                Job::Template { template: "tag.html", data: generated_data(data), nav: Some(0) }
            }
            Origin::Alias(i) => {
                let alias = &input.site.aliases[*i];
                let target = &self.summaries[alias.page].link;
                let page = &input.site.pages[alias.page];
                let data = serde_json::json!({
                    "target": { "title": target.title, "url": target.url, "permalink": base.permalink(&page.path) }
                });
                Job::Template { template: "alias.html", data, nav: None }
            }
            Origin::NotFound => Job::Template {
                template: "404.html",
                data: generated_data(serde_json::json!({})),
                nav: Some(0),
            },
            Origin::SearchPage => Job::Template {
                template: "search.html",
                data: generated_data(serde_json::json!({})),
                nav: Some(0),
            },
            Origin::Sitemap => Job::Raw(OutputFile::html(path, sitemap(input))),
            Origin::Robots => {
                let mut text = String::from("User-agent: *\nDisallow:\n");
                if base.is_absolute() {
                    let _ = writeln!(text, "Sitemap: {}", base.permalink("sitemap.xml"));
                }
                Job::Raw(OutputFile::html(path, text))
            }
            Origin::Static(body) => Job::Raw(OutputFile { path, body: body.clone() }),
            Origin::Asset(i) => {
                Job::Raw(OutputFile { path, body: Body::Copy(input.assets[*i].file.clone()) })
            }
        })
    }

    /// The listing of `ids`, page `n`, with pagination links below `dir`.
    fn listing(&self, ids: &[PageId], dir: &str, n: usize) -> (Vec<EntryView>, Option<Pagination>) {
        let start = (n - 1) * LISTING_PAGE_SIZE;
        let entries = ids
            .iter()
            .skip(start)
            .take(LISTING_PAGE_SIZE)
            .map(|&id| self.summaries[id].entry.clone())
            .collect();
        (entries, pagination(&self.input.cfg.base_url, ids.len(), dir, n))
    }

    fn page_job(&self, id: PageId, listing_page: usize) -> Job {
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
fn summarise(input: &RenderInput<'_>, id: PageId) -> Summary {
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

/// A file's size and modification time, which change when it is saved.
fn stamp(path: &std::path::Path) -> Option<(u64, Option<std::time::SystemTime>)> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}

/// Generated pages have no page, section, table of contents or backlinks.
fn generated_data(mut data: serde_json::Value) -> serde_json::Value {
    if let Some(map) = data.as_object_mut() {
        for key in ["page", "section"] {
            map.entry(key).or_insert(serde_json::Value::Null);
        }
        for key in ["toc", "backlinks"] {
            map.entry(key).or_insert(serde_json::json!([]));
        }
    }
    data
}

/// Template errors (each with how many outputs it stopped) and the first write error.
type Failures = (Vec<(Diagnostic, usize)>, Option<std::io::Error>);

/// Renders every entry of `plan`, in parallel, handing each file to `sink`. Template errors
/// become diagnostics; the first error `sink` returns stops rendering and is returned.
pub fn render(
    input: &RenderInput<'_>,
    plan: &Plan,
    sink: &(dyn Fn(OutputFile) -> std::io::Result<()> + Sync),
    diags: &mut Diagnostics,
) -> std::io::Result<()> {
    let Some(renderer) = Renderer::new(input, diags) else { return Ok(()) };
    render_entries(&renderer, plan.entries.iter(), sink, diags)
}

/// Renders the given entries in parallel; see [`render`].
pub fn render_entries<'e>(
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

/// Renders everything into memory (the dev server and tests).
pub fn render_all(
    input: &RenderInput<'_>,
    plan: &Plan,
    diags: &mut Diagnostics,
) -> Vec<OutputFile> {
    let files = Mutex::new(Vec::with_capacity(plan.entries.len()));
    let _ = render(
        input,
        plan,
        &|file| {
            files.lock().map_err(|_| std::io::Error::other("poisoned"))?.push(file);
            Ok(())
        },
        diags,
    );
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
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

/// Replaces the link markers of a page's HTML with resolved URLs and titles.
pub fn fill_links(html: &str, links: &[Resolved]) -> String {
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
        let (is_text, number) = match token.strip_prefix('T') {
            Some(n) => (true, n),
            None => (false, token),
        };
        match number.parse::<usize>().ok().and_then(|n| links.get(n)) {
            Some(link) if is_text => {
                let _ = escape_html(&mut out, link.text.as_deref().unwrap_or(&link.url));
            }
            Some(link) => {
                let _ = escape_href(&mut out, &link.url);
            }
            None => {}
        }
        rest = &after[end + MARKER.len_utf8()..];
    }
    out.push_str(rest);
    out
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

fn sitemap(input: &RenderInput<'_>) -> String {
    let base = &input.cfg.base_url;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |loc: String, lastmod: Option<Date>| {
        out.push_str("  <url>\n    <loc>");
        let _ = escape_html(&mut out, &loc);
        out.push_str("</loc>\n");
        if let Some(date) = lastmod {
            let _ = writeln!(out, "    <lastmod>{date}</lastmod>");
        }
        out.push_str("  </url>\n");
    };
    for &id in &input.site.order {
        let page = &input.site.pages[id];
        let lastmod = page.meta.updated.max(page.meta.reviewed);
        url(base.permalink(&page.path), lastmod);
    }
    if !input.site.tags.is_empty() {
        url(base.permalink("tags/"), None);
        for tag in &input.site.tags {
            url(base.permalink(&format!("tags/{}/", tag.slug)), None);
        }
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_links_replaces_urls_and_texts_escaped() {
        let links = vec![Resolved {
            url: "/kb/a b/?x=1&y=2#z".into(),
            text: Some("Pick & Pack".into()),
            target: None,
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
