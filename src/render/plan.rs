//! The plan: every output file of a build and what produces it, made before anything is
//! rendered. It catches two producers of one path (naming both), paths that would leave the
//! output folder, and the search index's reserved paths, and it tells the link stage which
//! files the site will have.

use super::assessment;
use super::*;
use crate::assessment::Found;
use crate::governance::{self, Governance, List};

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
    /// `assessment/index.html`: the questionnaire to take, and the live report.
    Assessment,
    /// The report page of the committed answers file at this path.
    AssessmentResponse(std::path::PathBuf),
    /// `assessment/trend/index.html`: the committed responses over time.
    AssessmentTrend,
    /// `governance/index.html`: the dashboard.
    Governance,
    /// Page `n` (>= 1) of one of the dashboard's lists in full (lists longer than a page).
    GovernanceList(List, usize),
    /// Page `n` (>= 1) of the people index.
    People(usize),
    /// Page `n` (>= 1) of person `i`'s processes.
    Person(usize, usize),
    /// Page `n` (>= 1) of the systems index.
    Systems(usize),
    /// Page `n` (>= 1) of the processes touching system `i`.
    System(usize, usize),
    /// `changes.xml`: the Atom feed of reviews.
    Changes,
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

pub(super) fn pages_of(count: usize) -> usize {
    count.div_ceil(LISTING_PAGE_SIZE).max(1)
}

pub(super) fn listing_path(dir: &str, n: usize) -> String {
    if n <= 1 { dir.to_string() } else { format!("{dir}page/{n}/") }
}

impl Plan {
    /// Lists the outputs and reports two producers of one path, naming both.
    pub fn new(
        cfg: &Config,
        site: &Site,
        theme: &Theme,
        assets: &[Asset],
        found: Option<&Found>,
        gov: &Governance,
        diags: &mut Diagnostics,
    ) -> Plan {
        let mut entries = Vec::new();
        let mut push = |path: String, origin: Origin| entries.push(PlanEntry { path, origin });
        for (id, page) in site.pages.iter().enumerate() {
            // `content/assessment/_index.md` is the assessment page's intro, not a page, and
            // `content/governance/_index.md` the dashboard's.
            let intro = (found.is_some() && page.path == assessment::DIR)
                || (governance::has_dashboard(gov, cfg.links.broken_warn)
                    && page.path == governance::DIR
                    && page.is_index);
            if !intro {
                push(index_path(&page.path), Origin::Page(id));
            }
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
        if let Some(found) = found {
            push(index_path(assessment::DIR), Origin::Assessment);
            for file in &found.responses {
                let dir = assessment::response_dir(file);
                push(index_path(&dir), Origin::AssessmentResponse(file.clone()));
            }
            if !found.responses.is_empty() {
                push(index_path(assessment::TREND_DIR), Origin::AssessmentTrend);
            }
        }
        if governance::has_dashboard(gov, cfg.links.broken_warn) {
            push(index_path(governance::DIR), Origin::Governance);
        }
        if !gov.processes.is_empty() {
            for list in List::ALL {
                let count = gov.list(list).len();
                if count > LISTING_PAGE_SIZE {
                    for n in 1..=pages_of(count) {
                        push(
                            index_path(&listing_path(&list.dir(), n)),
                            Origin::GovernanceList(list, n),
                        );
                    }
                }
            }
            for n in 1..=pages_of(gov.people.len()) {
                push(index_path(&listing_path(governance::OWNERS_DIR, n)), Origin::People(n));
            }
            for (i, person) in gov.people.iter().enumerate() {
                let dir = governance::person_dir(&person.name);
                for n in 1..=pages_of(person.owns.len() + person.backs_up.len()) {
                    push(index_path(&listing_path(&dir, n)), Origin::Person(i, n));
                }
            }
            if !gov.systems.is_empty() {
                for n in 1..=pages_of(gov.systems.len()) {
                    push(index_path(&listing_path(governance::SYSTEMS_DIR, n)), Origin::Systems(n));
                }
            }
            for (i, system) in gov.systems.iter().enumerate() {
                let dir = governance::system_dir(&system.name);
                for n in 1..=pages_of(system.processes.len()) {
                    push(index_path(&listing_path(&dir, n)), Origin::System(i, n));
                }
            }
            push(governance::FEED.into(), Origin::Changes);
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
                let a = describe(cfg, site, gov, assets, &entry.origin);
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
                    let a = describe(cfg, site, gov, assets, &entries[first].origin);
                    let b = describe(cfg, site, gov, assets, &entry.origin);
                    let static_override =
                        matches!(entry.origin, Origin::Static(Body::Static(_) | Body::Bytes(_)));
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
                    let a = describe(cfg, site, gov, assets, &entry.origin);
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

pub(super) fn describe(
    cfg: &Config,
    site: &Site,
    gov: &Governance,
    assets: &[Asset],
    origin: &Origin,
) -> String {
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
        Origin::Assessment => "the generated assessment page".into(),
        Origin::AssessmentResponse(file) => {
            format!("the report page of {}", crate::diagnostics::display_path(file, &cfg.root))
        }
        Origin::AssessmentTrend => "the generated assessment trend page".into(),
        Origin::Governance => "the generated governance dashboard".into(),
        Origin::GovernanceList(list, _) => {
            format!("the generated list of processes {}", list.title().to_lowercase())
        }
        Origin::People(_) => "the generated index of people".into(),
        Origin::Person(i, _) => format!("the generated page of {}", gov.people[*i].name),
        Origin::Systems(_) => "the generated index of systems".into(),
        Origin::System(i, _) => format!("the generated page of system {}", gov.systems[*i].name),
        Origin::Changes => "the generated change feed".into(),
    }
}
