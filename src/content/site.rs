//! Assembling parsed documents into a site: sections from folders, cascades, drafts, URLs,
//! titles, ordering, tags and URL aliases.
//!
//! This is plain data in, plain data out: it sees no templates and writes nothing. Problems
//! that involve two files (two pages at one URL, two section pages in one folder) name both.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::frontmatter::FrontMatter;
use super::load::SourceDoc;
use super::markdown::Parsed;
use super::slug::{slugify, title_from_name};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::output::index_path;

pub(crate) type PageId = usize;
pub(crate) type SectionId = usize;

/// One page of the site: a Markdown file, or the stand-in page of a folder without one.
#[derive(Debug, Clone)]
pub struct Page {
    /// Source path relative to `content/`; a folder without a section page has `dir/`.
    pub rel: String,
    pub file: Option<PathBuf>,
    /// The whole source text, when kept (see [`Page::source_text`]); empty otherwise.
    pub text: Arc<str>,
    /// URL path below the base URL: `""` for the home page, `fulfillment/pick-pack-ship/`.
    pub path: String,
    pub section: SectionId,
    pub is_index: bool,
    pub title: String,
    /// The slug wikilinks match by name: the file stem, or the folder for section pages.
    pub name: String,
    /// Front matter after cascades were applied.
    pub meta: FrontMatter,
    pub doc: Arc<Parsed>,
}

impl Page {
    pub fn is_home(&self) -> bool {
        self.is_index && self.path.is_empty()
    }

    /// The source text, for diagnostics. Builds drop sources after parsing (they are a
    /// third of the memory of a large site), so this reads the file again when needed.
    pub fn source_text(&self) -> std::borrow::Cow<'_, str> {
        match &self.file {
            Some(_) if !self.text.is_empty() => std::borrow::Cow::Borrowed(&self.text),
            Some(file) => {
                std::borrow::Cow::Owned(std::fs::read_to_string(file).unwrap_or_default())
            }
            None => std::borrow::Cow::Borrowed(""),
        }
    }

    /// The span of a byte range of the source file.
    pub fn span(&self, range: std::ops::Range<usize>) -> Option<Span> {
        let file = self.file.as_ref()?;
        Some(Span::from_range(file, &self.source_text(), range.start, range.end))
    }

    /// The span of a front-matter key's value, or of the file when the key is not set.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        match self.meta.spans.get(key) {
            Some(r) => self.span(r.clone()),
            None => self.file.as_deref().map(Span::file),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// Source folder relative to `content/` (`""` for the root).
    pub dir: String,
    pub page: PageId,
    pub parent: Option<SectionId>,
    pub subsections: Vec<SectionId>,
    /// Regular pages, in display order.
    pub pages: Vec<PageId>,
    pub depth: usize,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub pages: Vec<PageId>,
}

/// An old URL that redirects to a page.
#[derive(Debug, Clone)]
pub struct Alias {
    /// Output path below the base URL: `old/url/` or `old.html`.
    pub path: String,
    pub page: PageId,
}

#[derive(Debug, Clone, Default)]
pub struct Site {
    pub pages: Vec<Page>,
    /// `sections[0]` is the root (the home page's section).
    pub sections: Vec<Section>,
    /// Every page in reading order (drives previous/next).
    pub order: Vec<PageId>,
    pub tags: Vec<Tag>,
    pub aliases: Vec<Alias>,
    /// Source paths of drafts left out of this build, so links to them explain why.
    pub unpublished: HashSet<String>,
}

impl Site {
    pub fn home(&self) -> &Page {
        &self.pages[self.sections[0].page]
    }

    /// Ancestors of a page from the root down, excluding the page itself.
    pub fn ancestors(&self, id: PageId) -> Vec<PageId> {
        let page = &self.pages[id];
        let mut section =
            if page.is_index { self.sections[page.section].parent } else { Some(page.section) };
        let mut out = Vec::new();
        while let Some(s) = section {
            out.push(self.sections[s].page);
            section = self.sections[s].parent;
        }
        out.reverse();
        out
    }

    /// Regular pages and sections below a section, counted recursively.
    pub fn count_pages(&self, section: SectionId) -> usize {
        let s = &self.sections[section];
        s.pages.len() + s.subsections.iter().map(|&c| 1 + self.count_pages(c)).sum::<usize>()
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct AssembleOptions {
    pub drafts: bool,
    /// Which later stage owns an output path (`index.html` for folders) an alias may not
    /// take, named for a message: the search index's files. Passed in by the pipeline, which
    /// knows the stages; this module knows only the output folder's own marker.
    pub reserved: Option<fn(&str) -> Option<&'static str>>,
}

const INDEX_NAMES: [&str; 3] = ["_index.md", "index.md", "readme.md"];

/// Whether a file name is one a folder's own page may have (`_index.md`, `index.md`,
/// `README.md`, in any case).
pub(crate) fn is_index_file(name: &str) -> bool {
    INDEX_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
}

fn split_rel(rel: &str) -> (&str, &str) {
    match rel.rfind('/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    }
}

fn parent_dir(dir: &str) -> Option<&str> {
    if dir.is_empty() { None } else { Some(dir.rfind('/').map_or("", |i| &dir[..i])) }
}

/// Builds the site from parsed documents. Documents whose problems make them unplaceable
/// are reported and left out; everything else is kept so that later stages can report
/// their own problems in the same run.
pub fn assemble(
    docs: Vec<(SourceDoc, Arc<Parsed>)>,
    opts: AssembleOptions,
    diags: &mut Diagnostics,
) -> Site {
    // Folders: every folder holding a document, and all their ancestors.
    let mut dirs: BTreeMap<String, Option<usize>> = BTreeMap::new();
    dirs.insert(String::new(), None);
    for (doc, _) in &docs {
        let mut dir = split_rel(&doc.rel).0;
        loop {
            dirs.entry(dir.to_string()).or_insert(None);
            match parent_dir(dir) {
                Some(p) => dir = p,
                None => break,
            }
        }
    }
    // Each folder's section page: the first of `_index.md`, `index.md`, `README.md` (as on
    // GitHub); the others stay ordinary pages, with a warning.
    let rank = |name: &str| INDEX_NAMES.iter().position(|n| name.eq_ignore_ascii_case(n));
    for (i, (doc, _)) in docs.iter().enumerate() {
        let (dir, name) = split_rel(&doc.rel);
        let Some(r) = rank(name) else { continue };
        let slot = dirs.get_mut(dir).expect("every document's folder was registered");
        match slot {
            Some(first) if rank(split_rel(&docs[*first].0.rel).1) <= Some(r) => {}
            _ => *slot = Some(i),
        }
    }
    for (i, (doc, _)) in docs.iter().enumerate() {
        let (dir, name) = split_rel(&doc.rel);
        if let (Some(_), Some(Some(chosen))) = (rank(name), dirs.get(dir))
            && *chosen != i
        {
            let chosen = &docs[*chosen].0.rel;
            diags.push(
                Diagnostic::warning(
                    Some(Span::file(&doc.file)),
                    format!(
                        "{} is the section page of {}; {} is an ordinary page",
                        split_rel(chosen).1,
                        if dir.is_empty() { "the site".to_string() } else { format!("{dir}/") },
                        doc.rel
                    ),
                )
                .with_help("of _index.md, index.md and README.md in one folder, the first is the section page"),
            );
        }
    }
    // `name.md` beside a folder `name/` without a section page of its own becomes that
    // folder's page (handbooks write `benefits.md` next to `benefits/`).
    let beside: HashMap<(&str, String), usize> = docs
        .iter()
        .enumerate()
        .filter_map(|(i, (doc, _))| {
            let (dir, name) = split_rel(&doc.rel);
            let stem = name.strip_suffix(".md")?;
            (rank(name).is_none()).then(|| ((dir, slugify(stem)), i))
        })
        .collect();
    let mut folder_pages: Vec<(String, usize)> = Vec::new();
    for (dir, index) in &dirs {
        if index.is_some() || dir.is_empty() {
            continue;
        }
        let (parent, folder) = split_rel(dir);
        if let Some(&i) = beside.get(&(parent, slugify(folder))) {
            folder_pages.push((dir.clone(), i));
        }
    }
    for (dir, i) in folder_pages {
        dirs.insert(dir, Some(i));
    }

    // Cascades, top-down: a section's cascade fills what its own cascade leaves unset.
    let mut cascades: HashMap<String, FrontMatter> = HashMap::new();
    let mut hidden_dirs: HashSet<String> = HashSet::new();
    for (dir, index) in &dirs {
        let mut cascade = match index.and_then(|i| docs[i].0.front.cascade.as_deref()) {
            Some(own) => own.clone(),
            None => FrontMatter::default(),
        };
        let parent = parent_dir(dir);
        if let Some(parent) = parent.and_then(|p| cascades.get(p)) {
            cascade.inherit(parent);
        }
        // A draft section page (or a hidden parent) hides the whole folder.
        let parent_hidden = parent.is_some_and(|p| hidden_dirs.contains(p));
        let mut index_meta = index.map(|i| docs[i].0.front.clone()).unwrap_or_default();
        if let Some(parent) = parent.and_then(|p| cascades.get(p)) {
            index_meta.inherit(parent);
        }
        if !opts.drafts && (parent_hidden || index_meta.draft == Some(true)) {
            hidden_dirs.insert(dir.clone());
        }
        cascades.insert(dir.clone(), cascade);
    }

    let mut site = Site::default();
    let mut section_of_dir: HashMap<String, SectionId> = HashMap::new();
    let mut docs: Vec<Option<(SourceDoc, Arc<Parsed>)>> = docs.into_iter().map(Some).collect();

    // Sections (BTreeMap order puts parents before children).
    for (dir, index) in &dirs {
        let published = !hidden_dirs.contains(dir);
        if !published {
            if let Some(i) = index
                && let Some((doc, _)) = &docs[*i]
            {
                site.unpublished.insert(doc.rel.clone());
            }
            continue;
        }
        let parent = parent_dir(dir).and_then(|p| section_of_dir.get(p).copied());
        if parent.is_none() && !dir.is_empty() {
            continue; // its parent is hidden
        }
        let id = site.sections.len();
        let depth = if dir.is_empty() { 0 } else { dir.matches('/').count() + 1 };
        let page = match index.and_then(|i| docs[i].take()) {
            Some((doc, parsed)) => {
                let mut meta = doc.front.clone();
                if let Some(parent) = parent_dir(dir).and_then(|p| cascades.get(p)) {
                    meta.inherit(parent);
                }
                let name = split_rel(dir).1;
                let name = if name.is_empty() { "index".to_string() } else { slugify(name) };
                new_page(doc, parsed, meta, id, true, name)
            }
            None => {
                let folder = split_rel(dir).1;
                let mut meta = FrontMatter::default();
                if let Some(parent) = parent_dir(dir).and_then(|p| cascades.get(p)) {
                    meta.inherit(parent);
                }
                Page {
                    rel: format!("{dir}/"),
                    file: None,
                    text: Arc::from(""),
                    path: String::new(),
                    section: id,
                    is_index: true,
                    title: if folder.is_empty() { "Home".into() } else { title_from_name(folder) },
                    name: slugify(folder),
                    meta,
                    doc: Arc::new(Parsed::default()),
                }
            }
        };
        let page_id = site.pages.len();
        site.pages.push(page);
        site.sections.push(Section {
            dir: dir.clone(),
            page: page_id,
            parent,
            subsections: Vec::new(),
            pages: Vec::new(),
            depth,
        });
        if let Some(p) = parent {
            site.sections[p].subsections.push(id);
        }
        section_of_dir.insert(dir.clone(), id);
    }

    // Regular pages.
    for slot in docs.iter_mut() {
        let Some((doc, parsed)) = slot.take() else { continue };
        let (dir, file_name) = split_rel(&doc.rel);
        let Some(&section) = section_of_dir.get(dir) else {
            site.unpublished.insert(doc.rel.clone());
            continue;
        };
        let mut meta = doc.front.clone();
        if let Some(cascade) = cascades.get(dir) {
            meta.inherit(cascade);
        }
        if meta.draft == Some(true) && !opts.drafts {
            site.unpublished.insert(doc.rel.clone());
            continue;
        }
        let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
        let name = slugify(stem);
        let page = new_page(doc, parsed, meta, section, false, name);
        let id = site.pages.len();
        site.pages.push(page);
        site.sections[section].pages.push(id);
    }

    assign_paths(&mut site, diags);
    order(&mut site);
    collect_tags(&mut site);
    collect_aliases(&mut site, opts, diags);
    for page in &site.pages {
        if page.meta.cascade.is_some()
            && !page.is_index
            && let Some(r) = page.meta.spans.get("cascade")
        {
            // `page.span` reads the file again when the build dropped its text.
            diags.push(
                Diagnostic::warning(
                    page.span(r.clone()),
                    "`cascade` only has an effect in a section page (_index.md)",
                )
                .with_help("move it to the _index.md of the folder"),
            );
        }
    }
    site
}

fn new_page(
    doc: SourceDoc,
    parsed: Arc<Parsed>,
    meta: FrontMatter,
    section: SectionId,
    is_index: bool,
    name: String,
) -> Page {
    let title = meta
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| parsed.leading_h1.clone())
        .unwrap_or_else(|| {
            let (dir, file) = split_rel(&doc.rel);
            let stem = file.strip_suffix(".md").unwrap_or(file);
            let base = if is_index { split_rel(dir).1 } else { stem };
            if base.is_empty() { "Home".to_string() } else { title_from_name(base) }
        });
    Page {
        rel: doc.rel,
        file: Some(doc.file),
        text: doc.text,
        path: String::new(),
        section,
        is_index,
        title,
        name,
        meta,
        doc: parsed,
    }
}

/// URL paths from slugged folder and file names; two pages at one URL is an error.
fn assign_paths(site: &mut Site, diags: &mut Diagnostics) {
    let mut section_paths = vec![String::new(); site.sections.len()];
    for (id, section) in site.sections.iter().enumerate() {
        if let Some(parent) = section.parent {
            let folder = split_rel(&section.dir).1;
            let slug = slugify(folder);
            let slug = if slug.is_empty() {
                let page = &site.pages[section.page];
                diags.push(Diagnostic::error(
                    Some(Span::file(
                        page.file.as_deref().unwrap_or(std::path::Path::new(&section.dir)),
                    )),
                    format!(
                        "the folder name `{folder}` has no letters or digits to make a URL from"
                    ),
                ));
                format!("section-{id}")
            } else {
                slug
            };
            section_paths[id] = format!("{}{slug}/", section_paths[parent]);
        }
    }
    let mut seen: HashMap<String, PageId> = HashMap::new();
    for id in 0..site.pages.len() {
        let page = &site.pages[id];
        let path = if page.is_index {
            section_paths[page.section].clone()
        } else if page.name.is_empty() {
            diags.push(Diagnostic::error(
                page.file.as_deref().map(Span::file),
                format!(
                    "the file name of {} has no letters or digits to make a URL from",
                    page.rel
                ),
            ));
            format!("{}page-{id}/", section_paths[page.section])
        } else {
            format!("{}{}/", section_paths[page.section], page.name)
        };
        if let Some(&other) = seen.get(&path) {
            let first = &site.pages[other];
            diags.push(
                Diagnostic::error(
                    page.file.as_deref().map(Span::file),
                    format!("{} and {} both map to the URL /{path}", first.rel, page.rel),
                )
                .with_help("rename one of the files; URLs are made from lower-cased, dashed names"),
            );
        } else {
            seen.insert(path.clone(), id);
        }
        site.pages[id].path = path;
    }
}

/// Sorts pages and subsections (weight, then title, then path) and computes reading order.
fn order(site: &mut Site) {
    let key = |page: &Page| {
        (
            page.meta.weight.is_none(),
            page.meta.weight.unwrap_or(0),
            page.title.to_lowercase(),
            page.rel.clone(),
        )
    };
    for s in 0..site.sections.len() {
        let mut pages = std::mem::take(&mut site.sections[s].pages);
        pages.sort_by_cached_key(|&p| key(&site.pages[p]));
        site.sections[s].pages = pages;
        let mut subs = std::mem::take(&mut site.sections[s].subsections);
        subs.sort_by_cached_key(|&c| key(&site.pages[site.sections[c].page]));
        site.sections[s].subsections = subs;
    }
    let mut order = Vec::with_capacity(site.pages.len());
    let mut stack = vec![0];
    while let Some(s) = stack.pop() {
        let section = &site.sections[s];
        order.push(section.page);
        order.extend(section.pages.iter().copied());
        stack.extend(section.subsections.iter().rev().copied());
    }
    site.order = order;
}

fn collect_tags(site: &mut Site) {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for &id in &site.order {
        for name in site.pages[id].meta.tags.iter().flatten() {
            let slug = slugify(name);
            if slug.is_empty() {
                continue;
            }
            let tag = tags.entry(slug.clone()).or_insert_with(|| Tag {
                name: name.clone(),
                slug,
                pages: Vec::new(),
            });
            if tag.pages.last() != Some(&id) {
                tag.pages.push(id);
            }
        }
    }
    site.tags = tags.into_values().collect();
}

/// Aliases that start with `/` are old URLs that redirect here (as in Hugo).
fn collect_aliases(site: &mut Site, opts: AssembleOptions, diags: &mut Diagnostics) {
    let pages: HashMap<&str, PageId> =
        site.pages.iter().enumerate().map(|(i, p)| (p.path.as_str(), i)).collect();
    let mut seen: HashMap<String, PageId> = HashMap::new();
    let mut aliases = Vec::new();
    for &id in &site.order {
        let page = &site.pages[id];
        for alias in page.meta.aliases.iter().flatten() {
            let Some(old) = alias.strip_prefix('/') else { continue };
            let span = page.key_span("aliases");
            let path = match normalize_alias(old) {
                Some(path) => path,
                None => {
                    diags.push(
                        Diagnostic::error(
                            span,
                            format!("the alias `{alias}` is not a plain URL path"),
                        )
                        .with_help(
                            "write old URLs as site paths like /old/path/: one leading /, no //, .., ? or #",
                        ),
                    );
                    continue;
                }
            };
            if let Some(owner) = reserved_alias(&path, opts.reserved) {
                diags.push(
                    Diagnostic::error(span, format!("the alias `{alias}` is reserved for {owner}"))
                        .with_help("choose another old URL"),
                );
                continue;
            }
            if let Some(&other) = pages.get(path.as_str()) {
                diags.push(Diagnostic::error(
                    span,
                    format!(
                        "the alias `{alias}` of {} is the URL of {}",
                        page.rel, site.pages[other].rel
                    ),
                ));
                continue;
            }
            if let Some(&other) = seen.get(&path) {
                if other != id {
                    diags.push(Diagnostic::error(
                        span,
                        format!(
                            "the alias `{alias}` is claimed by both {} and {}",
                            site.pages[other].rel, page.rel
                        ),
                    ));
                }
                continue;
            }
            seen.insert(path.clone(), id);
            aliases.push(Alias { path, page: id });
        }
    }
    site.aliases = aliases;
}

/// `old/url` -> `old/url/`; `old.html` stays a file. `None` for paths that cannot be files
/// below the output folder: an alias is a site path, so `//tmp/x/` (which would be an
/// absolute path on disk), `..`, `.` and empty segments are refused here, before any stage
/// can turn them into a file name.
fn normalize_alias(old: &str) -> Option<String> {
    if old.is_empty()
        || old.contains(['?', '#', '\\'])
        || old.contains(|c: char| c.is_control())
        || old.starts_with('/')
        || old.split('/').any(|s| s == ".." || s == ".")
        || old.contains("//")
    {
        return None;
    }
    let last = old.rsplit('/').next().unwrap_or("");
    let path = if old.ends_with('/') || !last.contains('.') {
        format!("{}/", old.trim_end_matches('/'))
    } else {
        old.to_string()
    };
    let file = if path.ends_with('/') { index_path(&path) } else { path.clone() };
    crate::output::is_safe_path(&file).then_some(path)
}

/// Why an alias may not take a site path that opsbook writes itself: the output folder's
/// marker, and what `reserved` names (see [`AssembleOptions::reserved`]).
fn reserved_alias(
    path: &str,
    reserved: Option<fn(&str) -> Option<&'static str>>,
) -> Option<&'static str> {
    let file = if path.ends_with('/') { index_path(path) } else { path.to_string() };
    let first = file.split('/').next().unwrap_or("");
    if first == crate::output::MARKER_FILE {
        Some("opsbook's marker of the output folder")
    } else {
        reserved.and_then(|owner| owner(&file).or_else(|| owner(path)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter;
    use crate::content::markdown::{self, MarkdownOptions};
    use crate::diagnostics::Severity;

    fn doc(rel: &str, text: &str) -> (SourceDoc, Arc<Parsed>) {
        let mut diags = Diagnostics::new();
        let d =
            super::super::load::from_text(rel.into(), PathBuf::from(rel), text.into(), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let parsed = markdown::parse(
            &d.text[d.body_start..],
            d.body_start,
            MarkdownOptions { unsafe_html: false, h1_is_title: d.front.title.is_none() },
        );
        (d, Arc::new(parsed))
    }

    fn build(docs: Vec<(SourceDoc, Arc<Parsed>)>, drafts: bool) -> (Site, Vec<Diagnostic>) {
        let mut diags = Diagnostics::new();
        let site = assemble(docs, AssembleOptions { drafts, reserved: None }, &mut diags);
        (site, diags.into_vec())
    }

    fn paths(site: &Site) -> Vec<(&str, &str)> {
        site.order
            .iter()
            .map(|&p| (site.pages[p].path.as_str(), site.pages[p].title.as_str()))
            .collect()
    }

    #[test]
    fn folders_become_sections_ordered_by_weight_then_title() {
        let (site, diags) = build(
            vec![
                doc("_index.md", "+++\ntitle = \"Home\"\n+++\n"),
                doc("Fulfillment/_index.md", "+++\ntitle = \"Fulfillment\"\nweight = 2\n+++\n"),
                doc("Fulfillment/Pick Pack.md", "# Pick & pack\n"),
                doc("Fulfillment/b.md", "+++\ntitle = \"Zulu\"\nweight = 1\n+++\n"),
                doc("Fulfillment/a.md", "+++\ntitle = \"Alpha\"\n+++\n"),
                doc("inventory/count.md", "+++\ntitle = \"Count\"\n+++\n"),
            ],
            false,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            paths(&site),
            [
                ("", "Home"),
                ("fulfillment/", "Fulfillment"),
                ("fulfillment/b/", "Zulu"),
                ("fulfillment/a/", "Alpha"),
                ("fulfillment/pick-pack/", "Pick & pack"),
                ("inventory/", "Inventory"),
                ("inventory/count/", "Count"),
            ]
        );
    }

    #[test]
    fn cascade_applies_below_and_page_values_win() {
        let (site, _) = build(
            vec![
                doc(
                    "ops/_index.md",
                    "+++\ntitle = \"Ops\"\n[cascade]\nkind = \"process\"\nowner = \"Dana\"\n+++\n",
                ),
                doc("ops/a.md", "+++\ntitle = \"A\"\nowner = \"Sam\"\n+++\n"),
                doc("ops/deep/b.md", "+++\ntitle = \"B\"\n+++\n"),
            ],
            false,
        );
        let by_title = |t: &str| site.pages.iter().find(|p| p.title == t).unwrap();
        assert_eq!(by_title("A").meta.owner.as_deref(), Some("Sam"));
        assert_eq!(by_title("B").meta.owner.as_deref(), Some("Dana"));
        assert!(by_title("B").meta.is_process());
        assert!(!by_title("Ops").meta.is_process(), "the cascade applies below the section page");
    }

    #[test]
    fn drafts_are_left_out_unless_asked_for() {
        let docs = || {
            vec![
                doc("a.md", "+++\ntitle = \"A\"\ndraft = true\n+++\n"),
                doc("wip/_index.md", "+++\ntitle = \"WIP\"\ndraft = true\n+++\n"),
                doc("wip/b.md", "+++\ntitle = \"B\"\n+++\n"),
            ]
        };
        let (site, _) = build(docs(), false);
        assert_eq!(paths(&site), [("", "Home")]);
        assert!(site.unpublished.contains("a.md") && site.unpublished.contains("wip/b.md"));
        let (site, _) = build(docs(), true);
        assert_eq!(site.pages.len(), 4);
    }

    #[test]
    fn two_sources_at_one_url_are_named_together() {
        let (_, diags) =
            build(vec![doc("ops/Pick Pack.md", "x\n"), doc("ops/pick-pack.md", "y\n")], false);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("ops/Pick Pack.md"));
        assert!(diags[0].message.contains("ops/pick-pack.md"));
    }

    #[test]
    fn of_several_section_pages_the_first_in_order_wins_and_the_others_are_pages() {
        // Walk order puts README.md before _index.md and index.md: the rank decides.
        let (site, diags) = build(
            vec![
                doc("ops/README.md", "# Read me\n"),
                doc("ops/_index.md", "# Ops\n"),
                doc("ops/index.md", "# Index\n"),
                doc("team/README.md", "# Team\n"),
                doc("team/index.md", "# Team index\n"),
            ],
            false,
        );
        assert_eq!(
            paths(&site),
            [
                ("", "Home"),
                ("ops/", "Ops"),
                ("ops/index/", "Index"),
                ("ops/readme/", "Read me"),
                ("team/", "Team index"),
                ("team/readme/", "Team"),
            ]
        );
        let messages: Vec<_> = diags.iter().map(|d| (d.severity, d.message.as_str())).collect();
        assert_eq!(
            messages,
            [
                (
                    Severity::Warning,
                    "_index.md is the section page of ops/; ops/README.md is an ordinary page"
                ),
                (
                    Severity::Warning,
                    "_index.md is the section page of ops/; ops/index.md is an ordinary page"
                ),
                (
                    Severity::Warning,
                    "index.md is the section page of team/; team/README.md is an ordinary page"
                ),
            ]
        );
    }

    #[test]
    fn a_page_beside_a_folder_without_a_section_page_becomes_its_page() {
        let (site, diags) = build(
            vec![
                doc("people/benefits.md", "# Benefits\n"),
                doc("people/benefits/dental.md", "# Dental\n"),
                doc("people/Style Guide.md", "# Style\n"),
                doc("people/style_guide/voice.md", "# Voice\n"),
                doc("people/hiring.md", "# Hiring\n"),
                doc("people/hiring/_index.md", "# Hiring section\n"),
            ],
            false,
        );
        // `hiring/` has its own section page, so hiring.md is an ordinary page at that URL.
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("both map to the URL /people/hiring/"));
        let benefits = site.pages.iter().find(|p| p.rel == "people/benefits.md").unwrap();
        assert!(benefits.is_index);
        assert_eq!(benefits.path, "people/benefits/");
        let dental = site.pages.iter().find(|p| p.title == "Dental").unwrap();
        assert_eq!(site.pages[site.sections[dental.section].page].rel, "people/benefits.md");
        let style = site.pages.iter().find(|p| p.rel == "people/Style Guide.md").unwrap();
        assert_eq!((style.is_index, style.path.as_str()), (true, "people/style-guide/"));
    }

    #[test]
    fn aliases_redirect_and_collisions_are_errors() {
        let (site, diags) = build(
            vec![
                doc(
                    "a.md",
                    "+++\ntitle = \"A\"\naliases = [\"/old/a\", \"Other name\", \"/x.html\"]\n+++\n",
                ),
                doc("b.md", "+++\ntitle = \"B\"\naliases = [\"/a/\", \"/old/a/\"]\n+++\n"),
            ],
            false,
        );
        let got: Vec<_> = site.aliases.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(got, ["old/a/", "x.html"]);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(diags[0].message.contains("is the URL of a.md"));
        assert!(diags[1].message.contains("claimed by both a.md and b.md"));
        assert_eq!(diags[0].span.as_ref().unwrap().line, 3);
    }

    #[test]
    fn tags_group_pages_by_slug() {
        let (site, _) = build(
            vec![
                doc("a.md", "+++\ntitle = \"A\"\ntags = [\"Daily\", \"warehouse\"]\n+++\n"),
                doc("b.md", "+++\ntitle = \"B\"\ntags = [\"daily\"]\n+++\n"),
            ],
            false,
        );
        let tags: Vec<_> =
            site.tags.iter().map(|t| (t.slug.as_str(), t.name.as_str(), t.pages.len())).collect();
        assert_eq!(tags, [("daily", "Daily", 2), ("warehouse", "warehouse", 1)]);
    }

    #[test]
    fn alias_paths_normalise() {
        assert_eq!(normalize_alias("old/a").as_deref(), Some("old/a/"));
        assert_eq!(normalize_alias("old.html").as_deref(), Some("old.html"));
        assert_eq!(normalize_alias("../x"), None);
        // `//tmp/x/` as an alias: the part after the first `/` must not be absolute.
        assert_eq!(normalize_alias("/tmp/x/"), None);
        assert_eq!(normalize_alias("a/\u{1b}]0;x/"), None);
        fn search(path: &str) -> Option<&'static str> {
            path.starts_with("search/").then_some("the search index")
        }
        let index = Some(search as fn(&str) -> Option<&'static str>);
        assert_eq!(reserved_alias(".opsbook", None), Some("opsbook's marker of the output folder"));
        assert_eq!(reserved_alias("search/manifest.json", index), Some("the search index"));
        assert_eq!(reserved_alias("search/t/", index), Some("the search index"));
        assert_eq!(reserved_alias("search/manifest.json", None), None);
        assert_eq!(normalize_alias(""), None);
        let _ = frontmatter::Status::Active;
    }
}
