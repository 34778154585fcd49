//! Resolving every link of every page: wikilinks, links to `.md` files, links to site paths
//! and files, and `#anchors`. A link that resolves to nothing is an error at the link's
//! `file:line:col` (a warning with `[links] broken = "warn"`, and the link is drawn broken).
//!
//! Wikilinks resolve by path, then file name, then title, then alias name, comparing slugs
//! (so `[[Core plugins]]` finds `Core plugins.md`). When several pages match in one tier, the
//! one in the linking note's folder wins, then the one with the fewest folders, then the first
//! in alphabetical order, and a warning names the others, as Obsidian does. A name with an
//! extension (`[[diagram.png]]`) is an attachment, found by file name anywhere. The part after
//! `#` may be a heading's id or its text, a chain `A#B` (B under A) or a `^block-id`. Relative
//! links written against folder names on disk (`./style_guide/`) find the page the folder
//! became. Every table is built once per build; no link scans the site. This module only
//! reads the site; it returns the URLs the renderer writes.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::BaseUrl;
use crate::content::markdown::{LinkRef, is_external};
use crate::content::slug::slugify;
use crate::content::{Page, PageId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, Lines, Span, suggest};

/// Where one link goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Resolved {
    /// The URL to write, under the base path (`/kb/returns/refund-rules/#partial-refunds`);
    /// for a broken link, the target as written.
    pub url: String,
    /// The text of a wikilink written without a label: the target's title.
    pub text: Option<String>,
    pub target: Option<PageId>,
    /// `![[Note]]`: the target page (or the part `url`'s fragment names) is shown in place.
    pub embed: bool,
    /// Why the link goes nowhere, with `[links] broken = "warn"` (otherwise the build fails).
    pub broken: Option<String>,
}

impl Resolved {
    fn page(url: String, target: PageId) -> Resolved {
        Resolved { url, target: Some(target), ..Resolved::default() }
    }
}

/// A link that goes nowhere, kept for the list on `/governance/` (`broken = "warn"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub page: PageId,
    /// The target as written.
    pub target: String,
    pub line: usize,
    pub reason: String,
}

/// Lookup tables over the site's pages.
pub(crate) struct LinkIndex<'s> {
    site: &'s Site,
    by_source: HashMap<&'s str, PageId>,
    by_path: HashMap<String, Vec<PageId>>,
    by_name: HashMap<&'s str, Vec<PageId>>,
    by_title: HashMap<String, Vec<PageId>>,
    by_alias: HashMap<String, Vec<PageId>>,
    /// Trailing parts of page paths (two segments or more): `[[sub/note]]` finds
    /// `a/sub/note`, as Obsidian's partial paths do.
    by_suffix: HashMap<String, Vec<PageId>>,
    /// Folders on disk (`people/style_guide/`) to the page each became.
    by_dir: HashMap<&'s str, PageId>,
    /// Files that are not pages, by lower-cased file name: Obsidian finds attachments by
    /// name wherever they are.
    attachments: HashMap<String, Vec<&'s str>>,
    page_paths: HashMap<&'s str, PageId>,
    alias_paths: HashSet<&'s str>,
    /// Output paths that are not pages: assets, static files, generated files.
    files: &'s HashSet<String>,
}

impl<'s> LinkIndex<'s> {
    /// The page of this site whose source path or URL is most like `wanted`, for a hint in
    /// a message (`None` for a site without pages). Every example a message gives comes from
    /// the site being built.
    fn nearest_page(&self, wanted: &str) -> Option<PageId> {
        let wanted = wanted.trim_matches('/').trim_end_matches(".md").to_lowercase();
        let score = |id: PageId| {
            let page = &self.site.pages[id];
            let rel = page.rel.trim_end_matches(".md").to_lowercase();
            let path = page.path.trim_matches('/');
            strsim::normalized_levenshtein(&wanted, &rel)
                .max(strsim::normalized_levenshtein(&wanted, path))
        };
        (0..self.site.pages.len())
            .filter(|&id| self.site.pages[id].file.is_some())
            .map(|id| (score(id), std::cmp::Reverse(id)))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map(|(_, std::cmp::Reverse(id))| id)
    }

    /// A wikilink to a heading of a page of this site, for hints: `[[name#heading]]`.
    fn example_wikilink(&self) -> String {
        let with_heading = |id: &PageId| !self.site.pages[*id].doc.headings.is_empty();
        let page = self.site.order.iter().copied().find(with_heading);
        match page {
            Some(id) => {
                let page = &self.site.pages[id];
                format!("[[{}#{}]]", page.name, page.doc.headings[0].id)
            }
            None => "[[page-name#heading]]".into(),
        }
    }

    pub(crate) fn new(site: &'s Site, files: &'s HashSet<String>) -> LinkIndex<'s> {
        let mut index = LinkIndex {
            site,
            by_source: HashMap::new(),
            by_path: HashMap::new(),
            by_name: HashMap::new(),
            by_title: HashMap::new(),
            by_alias: HashMap::new(),
            by_suffix: HashMap::new(),
            by_dir: HashMap::new(),
            attachments: HashMap::new(),
            page_paths: HashMap::new(),
            alias_paths: site.aliases.iter().map(|a| a.path.as_str()).collect(),
            files,
        };
        for (id, page) in site.pages.iter().enumerate() {
            index.by_source.insert(page.rel.as_str(), id);
            index.page_paths.insert(page.path.as_str(), id);
            let path = page.path.trim_end_matches('/').to_string();
            if page.is_index {
                for name in ["_index", "index", "readme"] {
                    let key =
                        if path.is_empty() { name.to_string() } else { format!("{path}/{name}") };
                    index.by_path.entry(key).or_default().push(id);
                }
            }
            let mut rest = path.as_str();
            while let Some((_, tail)) = rest.split_once('/') {
                if tail.contains('/') {
                    index.by_suffix.entry(tail.to_string()).or_default().push(id);
                }
                rest = tail;
            }
            index.by_path.entry(path).or_default().push(id);
            index.by_name.entry(page.name.as_str()).or_default().push(id);
            index.by_title.entry(slugify(&page.title)).or_default().push(id);
            for alias in page.meta.aliases.iter().flatten().filter(|a| !a.starts_with('/')) {
                let list = index.by_alias.entry(slugify(alias)).or_default();
                if !list.contains(&id) {
                    list.push(id);
                }
            }
        }
        for section in &site.sections {
            if !section.dir.is_empty() {
                index.by_dir.insert(section.dir.as_str(), section.page);
            }
        }
        for path in files {
            let name = path.rsplit('/').next().unwrap_or(path);
            if !name.is_empty() {
                index.attachments.entry(name.to_lowercase()).or_default().push(path.as_str());
            }
        }
        for list in index.attachments.values_mut() {
            list.sort_unstable();
        }
        index
    }

    /// The page a wikilink target (the part before `#`) names, seen from a page in folder
    /// `from`, and the other pages the name also matches.
    fn find_wiki(&self, target: &str, from: &str) -> Option<(PageId, Vec<PageId>)> {
        let target = target.trim().trim_end_matches(".md").trim_matches('/');
        let path_key: String = target.split('/').map(slugify).collect::<Vec<_>>().join("/");
        let slug = slugify(target);
        let tables: [Option<&Vec<PageId>>; 4] = if target.contains('/') {
            [self.by_path.get(&path_key), self.by_suffix.get(&path_key), None, None]
        } else {
            [
                self.by_path.get(&path_key),
                self.by_name.get(slug.as_str()),
                self.by_title.get(&slug),
                self.by_alias.get(&slug),
            ]
        };
        tables.into_iter().flatten().find(|candidates| !candidates.is_empty()).map(|candidates| {
            let best = pick(candidates, from, |id| self.site.pages[id].rel.as_str());
            let others = candidates.iter().copied().filter(|&c| c != best).collect();
            (best, others)
        })
    }

    /// The file (not a page) a wikilink or a bare file name names: a path from the content
    /// root, one from the linking page's folder `from`, or a file name found anywhere.
    fn find_attachment(&self, target: &str, from: &str) -> Option<(&'s str, Vec<&'s str>)> {
        let target = percent_decode(target.trim().trim_start_matches("./"));
        if let Some(path) = self.files.get(target.as_str()) {
            return Some((path.as_str(), Vec::new()));
        }
        if let Some(joined) = join(from, &target)
            && let Some(path) = self.files.get(joined.as_str())
        {
            return Some((path.as_str(), Vec::new()));
        }
        let name = target.rsplit('/').next().unwrap_or(&target).to_lowercase();
        let candidates: Vec<&'s str> = self
            .attachments
            .get(&name)?
            .iter()
            .copied()
            // `sub/diagram.png` matches files whose path ends that way.
            .filter(|p| !target.contains('/') || p.to_lowercase().ends_with(&target.to_lowercase()))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let best = pick(&candidates, from, |p| p);
        let others = candidates.into_iter().filter(|&c| c != best).collect();
        Some((best, others))
    }

    /// Near names for a missing wikilink target: file names first, titles if none is close.
    fn wiki_suggestions(&self, target: &str) -> Vec<String> {
        let wanted = target.split('#').next().unwrap_or(target);
        let names = suggest(&slugify(wanted), self.site.pages.iter().map(|p| p.name.as_str()));
        if !names.is_empty() {
            // Each as the author would write it: the file's name on disk (`Format converter`
            // for `format-converter`).
            return names
                .into_iter()
                .map(|name| match self.by_name.get(name).and_then(|ids| ids.first()) {
                    Some(&id) => {
                        let path = written_path(self.site, &self.site.pages[id]);
                        path.rsplit('/').next().unwrap_or(path).to_string()
                    }
                    None => name.to_string(),
                })
                .collect();
        }
        suggest(wanted, self.site.pages.iter().map(|p| p.title.as_str()))
            .into_iter()
            .map(String::from)
            .collect()
    }
}

/// A page as its author would write it in a wikilink: its path on disk without `.md`
/// (`Returns/Notes`), or its folder for a folder's own page (`people/style_guide`).
fn written_path<'s>(site: &'s Site, page: &'s Page) -> &'s str {
    let file = page.rel.rsplit('/').next().unwrap_or(&page.rel);
    if page.is_index && (page.file.is_none() || crate::content::site::is_index_file(file)) {
        site.sections[page.section].dir.as_str()
    } else {
        page.rel.trim_end_matches(".md")
    }
}

/// Of several candidates, Obsidian's choice: the one in folder `from`, then the one with the
/// fewest folders, then the first in alphabetical order of its path.
fn pick<'p, T: Copy>(candidates: &[T], from: &str, path: impl Fn(T) -> &'p str) -> T {
    let folder = |p: &str| p.rsplit_once('/').map_or("", |(dir, _)| dir).to_string();
    *candidates
        .iter()
        .min_by_key(|&&c| {
            let p = path(c);
            (folder(p) != from, p.matches('/').count(), p.to_string())
        })
        .expect("candidates are not empty")
}

/// The warning for a name that matched several pages or files, naming the one taken and the
/// others, with a path that picks another.
fn ambiguous(
    span: Option<Span>,
    written: &str,
    noun: &str,
    chosen: &str,
    others: &[&str],
    hint: &str,
) -> Diagnostic {
    Diagnostic::warning(
        span,
        format!(
            "[[{written}]] matches {} {noun}; it links to {chosen}, not {}",
            others.len() + 1,
            others.join(", ")
        ),
    )
    .with_help(format!("write a path to pick another, e.g. [[{hint}]]"))
    .with_rule("ambiguous-link")
}

impl LinkIndex<'_> {
    /// The error for a wikilink target (`written`, as the author wrote it) that names no
    /// page or several.
    fn wiki_miss(&self, written: &str, span: Option<Span>) -> Diagnostic {
        let diag = Diagnostic::error(span, format!("no page matches the wikilink [[{written}]]"));
        let near = self.wiki_suggestions(written);
        if near.is_empty() {
            diag.with_help("wikilinks match a page's path, file name, title or alias")
        } else {
            diag.with_help(format!("did you mean [[{}]]?", near.join("]], [[")))
        }
    }

    /// The error for a link to a `.md` source (`joined`, relative to `content/`) that is not
    /// a published page.
    fn missing_source(&self, written: &str, joined: &str, span: Option<Span>) -> Diagnostic {
        let site = self.site;
        if site.unpublished.contains(joined) {
            return Diagnostic::error(
                span,
                format!("the link `{written}` points to a draft that is not published"),
            )
            .with_help("publish the page, or build with --drafts");
        }
        let diag = Diagnostic::error(
            span,
            format!("the link `{written}` points to a missing page ({joined})"),
        );
        let sources = site.pages.iter().filter(|p| p.file.is_some()).map(|p| p.rel.as_str());
        match suggest(joined, sources).first() {
            Some(near) => diag.with_help(format!("did you mean {near}?")),
            None => diag,
        }
    }

    /// Resolves a link written outside any page, such as a questionnaire's `learn` entry:
    /// a wikilink (`[[pick-pack-ship#steps|label]]`) or a content path relative to
    /// `content/` (`fulfillment/_index.md#kpis`). Returns the link's title (the label, else
    /// the page title, with the heading when there is an anchor) and URL. The diagnostic
    /// has no span: only the caller knows where the reference was written.
    pub(crate) fn resolve_reference(
        &self,
        base: &BaseUrl,
        reference: &str,
    ) -> Result<(String, String), Diagnostic> {
        let reference = reference.trim();
        let (target_id, anchor, label, wiki) = if let Some(inner) =
            reference.strip_prefix("[[").and_then(|r| r.strip_suffix("]]"))
        {
            let (target, label) = match inner.split_once('|') {
                Some((target, label)) => (target, Some(label.trim())),
                None => (inner, None),
            };
            let (page, anchor) = split_fragment(target);
            if page.trim().is_empty() {
                return Err(Diagnostic::error(
                    None,
                    format!("the wikilink {reference} names no page"),
                )
                .with_help(format!(
                    "write the page before the heading: {}",
                    self.example_wikilink()
                )));
            }
            let (id, _) = self.find_wiki(page, "").ok_or_else(|| self.wiki_miss(target, None))?;
            (id, anchor, label.filter(|l| !l.is_empty()), true)
        } else {
            let (path, anchor) = split_fragment(reference);
            let decoded = percent_decode(path);
            let joined = join("", &decoded).unwrap_or_default();
            if !joined.ends_with(".md") {
                return Err(Diagnostic::error(
                        None,
                        format!("`{reference}` is neither a content path to a .md file nor a [[wikilink]]"),
                    )
                    .with_help(match self.nearest_page(path) {
                        Some(near) => format!(
                            "write a path in the content folder such as \"{}\", or a wikilink such as \"[[{}]]\"",
                            self.site.pages[near].rel,
                            self.site.pages[near].name
                        ),
                        None => "write a path in the content folder to a .md file, or a [[wikilink]]".into(),
                    }));
            }
            let Some(&id) = self.by_source.get(joined.as_str()) else {
                return Err(self.missing_source(reference, &joined, None));
            };
            (id, anchor, None, false)
        };
        let page = &self.site.pages[target_id];
        let mut url = base.url(&page.path);
        let mut title = page.title.clone();
        if let Some(anchor) = anchor {
            let (anchor_id, heading) = find_anchor(page, anchor, wiki)
                .ok_or_else(|| missing_anchor(None, anchor, page))?;
            if let Some(heading) = heading {
                title = format!("{title} › {heading}");
            }
            url.push('#');
            url.push_str(&anchor_id);
        }
        Ok((label.map(str::to_string).unwrap_or(title), url))
    }
}

/// Every page's resolved links (one [`Resolved`] per link, in the order of the page's
/// links) and, with `broken_warn`, the links that go nowhere.
pub(crate) struct Resolution {
    pub links: Vec<Vec<Resolved>>,
    pub broken: Vec<BrokenLink>,
}

/// When more links than this are broken, the error says that `broken = "warn"` exists.
const MANY_BROKEN: usize = 20;

/// Resolves every link of every page. A link to nothing is an error, or with `broken_warn`
/// a warning, and its [`Resolved`] says why.
pub(crate) fn resolve(
    site: &Site,
    base: &BaseUrl,
    files: &HashSet<String>,
    broken_warn: bool,
    diags: &mut Diagnostics,
) -> Resolution {
    let index = LinkIndex::new(site, files);
    let results: Vec<(Vec<Resolved>, Vec<BrokenLink>, Diagnostics)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(id, page)| {
            let mut diags = Diagnostics::new();
            let mut broken = Vec::new();
            // Read (builds dropped the text) and index the source once, at the first problem.
            let text = std::cell::OnceCell::new();
            let lines = std::cell::OnceCell::new();
            let span_at = |range: &std::ops::Range<usize>| {
                let file = page.file.as_deref()?;
                let text = text.get_or_init(|| page.source_text().into_owned());
                let lines = lines.get_or_init(|| Lines::new(file, text));
                Some(lines.span(range.start, range.end))
            };
            let links =
                page.doc
                    .links
                    .iter()
                    .map(|link| {
                        resolve_one(&index, base, id, page, link, &span_at, &mut diags)
                            .unwrap_or_else(|diag| {
                                let reason = diag.message.clone();
                                if broken_warn {
                                    let line = diag.span.as_ref().map_or(0, |s| s.line);
                                    broken.push(BrokenLink {
                                        page: id,
                                        target: link.target.clone(),
                                        line,
                                        reason: reason.clone(),
                                    });
                                    let mut diag = diag.with_rule("broken-link");
                                    diag.severity = crate::diagnostics::Severity::Warning;
                                    diags.push(diag);
                                } else {
                                    diags.push(diag);
                                }
                                Resolved {
                                    url: link.target.clone(),
                                    broken: Some(reason),
                                    embed: link.embed,
                                    ..Resolved::default()
                                }
                            })
                    })
                    .collect();
            for (block, range) in &page.doc.block_ids {
                if page.doc.headings.iter().any(|h| &h.id == block) {
                    diags.push(
                        Diagnostic::warning(
                            span_at(range),
                            format!("the block id ^{block} is also the id of a heading"),
                        )
                        .with_help(format!(
                            "links to #{block} go to the heading; rename the block id"
                        )),
                    );
                }
            }
            (links, broken, diags)
        })
        .collect();
    let mut links = Vec::with_capacity(results.len());
    let mut broken = Vec::new();
    let mut count = 0;
    for (page_links, page_broken, d) in results {
        count += page_links.iter().filter(|l| l.broken.is_some()).count();
        diags.extend(d);
        links.push(page_links);
        broken.extend(page_broken);
    }
    if !broken_warn && count > MANY_BROKEN {
        diags.push(
            // A warning, so the error count stays the number of broken links.
            Diagnostic::warning(None, format!("{count} links go nowhere"))
                .with_help("bringing in a wiki? `[links] broken = \"warn\"` in opsbook.toml builds it anyway, marks the broken links and lists them on /governance/; `check --strict` still fails on them"),
        );
    }
    Resolution { links, broken }
}

/// The folder of a page's source (a folder's stand-in page: the folder itself), from which
/// its relative links are read.
fn source_dir(page: &Page) -> &str {
    if page.file.is_none() {
        page.rel.trim_end_matches('/')
    } else {
        page.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }
}

fn resolve_one(
    index: &LinkIndex<'_>,
    base: &BaseUrl,
    id: PageId,
    page: &Page,
    link: &LinkRef,
    span_at: &dyn Fn(&std::ops::Range<usize>) -> Option<Span>,
    diags: &mut Diagnostics,
) -> Result<Resolved, Diagnostic> {
    let site = index.site;
    let span = || span_at(&link.range);
    let from = source_dir(page);
    if link.wiki {
        let (target, anchor) = split_fragment(&link.target);
        let file_name = target.trim().rsplit('/').next().unwrap_or("");
        if crate::content::markdown::attachment_kind(file_name).is_some() {
            let Some((path, others)) = index.find_attachment(target, from) else {
                let what = if link.image { "image" } else { "file" };
                return Err(Diagnostic::error(
                    span(),
                    format!("no {what} in the site is called {}", target.trim()),
                )
                .with_help("attachments are found by file name anywhere in the content folder"));
            };
            if !others.is_empty() {
                diags.push(ambiguous(span(), &link.target, "files", path, &others, others[0]));
            }
            let mut url = base.url(path);
            if let Some(anchor) = anchor {
                url.push('#');
                url.push_str(anchor);
            }
            return Ok(Resolved {
                url,
                text: (!link.has_label).then(|| file_name.to_string()),
                ..Resolved::default()
            });
        }
        let target_id = if target.trim().is_empty() {
            id
        } else {
            let (found, others) = index
                .find_wiki(target, from)
                .ok_or_else(|| index.wiki_miss(&link.target, span()))?;
            if !others.is_empty() {
                let chosen = &site.pages[found].rel;
                let names: Vec<&str> = others.iter().map(|&o| site.pages[o].rel.as_str()).collect();
                // The other page as the author would write it: its path on disk.
                let hint = written_path(site, &site.pages[others[0]]);
                diags.push(ambiguous(span(), &link.target, "pages", chosen, &names, hint));
            }
            found
        };
        let target_page = &site.pages[target_id];
        let mut url = base.url(&target_page.path);
        let mut text = target_page.title.clone();
        if let Some(anchor) = anchor {
            let (anchor_id, heading) = find_anchor(target_page, anchor, true)
                .ok_or_else(|| missing_anchor(span(), anchor, target_page))?;
            if let Some(heading) = heading {
                text = if target_id == id { heading } else { format!("{text} › {heading}") };
            }
            url.push('#');
            url.push_str(&anchor_id);
        }
        if link.embed && target_id == id {
            return Err(Diagnostic::error(
                span(),
                "a note cannot embed itself or its own sections",
            )
            .with_help("link to the section instead: drop the `!`"));
        }
        return Ok(Resolved {
            url,
            text: (!link.has_label).then_some(text),
            target: Some(target_id),
            embed: link.embed,
            broken: None,
        });
    }

    let (rest, fragment) = split_fragment(&link.target);
    let (path, query) = match rest.find('?') {
        Some(q) => (&rest[..q], &rest[q..]),
        None => (rest, ""),
    };
    // The page a link lands on, with its query and `#anchor`.
    let to_page = |target_id: PageId| -> Result<Resolved, Diagnostic> {
        let target_page = &site.pages[target_id];
        let mut url = if target_id == id && path_is_here(path) {
            String::new()
        } else {
            base.url(&target_page.path)
        };
        url.push_str(query);
        if let Some(anchor) = fragment {
            let (anchor_id, _) = find_anchor(target_page, anchor, false)
                .ok_or_else(|| missing_anchor(span(), anchor, target_page))?;
            url.push('#');
            url.push_str(&anchor_id);
        }
        Ok(Resolved::page(url, target_id))
    };
    if path.is_empty() {
        // `#anchor` on this page (or `?query` alone, left as written).
        return to_page(id);
    }
    let decoded = percent_decode(path);
    let joined = match join(from, &decoded) {
        Some(joined) => joined,
        None => {
            return Err(Diagnostic::error(
                span(),
                format!("the link `{}` points above the content folder", link.target),
            )
            .with_help("links are resolved from the folder of the file that holds them"));
        }
    };

    if decoded.ends_with(".md") && !is_external(&decoded) {
        // Relative to the file, then (Obsidian's "absolute path in vault") from the content
        // root, then (its "shortest path") a bare name found anywhere.
        let found = index
            .by_source
            .get(joined.as_str())
            .or_else(|| join("", &decoded).and_then(|root| index.by_source.get(root.as_str())))
            .copied()
            .or_else(|| {
                let bare = !decoded.contains('/');
                bare.then(|| index.find_wiki(&decoded, from).map(|(found, _)| found)).flatten()
            });
        return match found {
            Some(target_id) => to_page(target_id),
            None => Err(index.missing_source(&link.target, &joined, span())),
        };
    }

    // A site path or a folder on disk or a file: `/returns/`, `../inventory/`, `./style_guide/`,
    // `diagram.png`.
    let site_path = joined;
    let as_dir = if site_path.is_empty() || site_path.ends_with('/') {
        site_path.clone()
    } else {
        format!("{site_path}/")
    };
    let target = index
        .page_paths
        .get(site_path.as_str())
        .or_else(|| index.page_paths.get(as_dir.as_str()))
        .or_else(|| index.by_dir.get(as_dir.trim_end_matches('/')))
        .or_else(|| index.by_source.get(format!("{site_path}.md").as_str()));
    if let Some(&target_id) = target {
        return to_page(target_id);
    }
    let exists = index.files.contains(&site_path)
        || index.files.contains(&as_dir)
        || index.files.contains(&format!("{as_dir}index.html"))
        || index.alias_paths.contains(site_path.as_str())
        || index.alias_paths.contains(as_dir.as_str());
    let site_path = if exists {
        site_path
    } else if let Some((found, _)) =
        // A bare file name (`![](diagram.png)` with the image in an attachments folder).
        (!decoded.contains('/'))
            .then(|| index.find_attachment(&decoded, from))
            .flatten()
    {
        found.to_string()
    } else {
        let what = if link.image { "image" } else { "link" };
        return Err(Diagnostic::error(
            span(),
            format!(
                "the {what} `{}` points to /{site_path}, which is not a page or a file of the site",
                link.target
            ),
        )
        .with_help(match index.nearest_page(&site_path) {
            Some(near) => format!(
                "link to the Markdown file (`{}`) or a file of the content folder or static/",
                relative_link(from, &site.pages[near].rel)
            ),
            None => "link to a Markdown file or a file of the content folder or static/".into(),
        }));
    };
    let mut url = base.url(&site_path);
    url.push_str(query);
    if let Some(anchor) = fragment {
        url.push('#');
        url.push_str(anchor);
    }
    Ok(Resolved { url, ..Resolved::default() })
}

/// Whether a link's path names the page it is written on (`./#anchor` on an index page):
/// then the URL is the bare `#anchor`.
fn path_is_here(path: &str) -> bool {
    path.is_empty() || path == "." || path == "./"
}

fn split_fragment(target: &str) -> (&str, Option<&str>) {
    match target.split_once('#') {
        Some((before, after)) => (before, Some(after)),
        None => (target, None),
    }
}

/// The id an anchor names on `page`, and the heading's text when it is a heading.
/// Wikilinks may also name a heading by its text (`[[Returns#Refund rules]]`).
///
/// Wikilinks also take Obsidian's forms: `^block-id` (a paragraph's id) and a chain of
/// headings `A#B`, each found below the one before it (B under A).
fn find_anchor(page: &Page, anchor: &str, by_text: bool) -> Option<(String, Option<String>)> {
    let anchor = percent_decode(anchor);
    if by_text && let Some(block) = anchor.strip_prefix('^') {
        return page.doc.anchors.iter().any(|a| a == block).then(|| (block.to_string(), None));
    }
    if let Some(h) = page.doc.headings.iter().find(|h| h.id == anchor) {
        return Some((h.id.clone(), Some(h.text.clone())));
    }
    if page.doc.anchors.contains(&anchor) {
        return Some((anchor, None));
    }
    if !by_text {
        return None;
    }
    // Each part of a chain is looked for among the headings below the previous part.
    let headings = &page.doc.headings;
    let mut range = 0..headings.len();
    let mut found = None;
    for part in anchor.split('#').filter(|p| !p.trim().is_empty()) {
        let wanted = slugify(part);
        let matches = |h: &&crate::content::markdown::Heading| {
            h.id == part
                || h.text.eq_ignore_ascii_case(part.trim())
                || !wanted.is_empty() && slugify(&h.text) == wanted
        };
        let at = range.clone().find(|&i| matches(&&headings[i]))?;
        let level = headings[at].level;
        let end = (at + 1..range.end).find(|&i| headings[i].level <= level).unwrap_or(range.end);
        range = at + 1..end;
        found = Some(at);
    }
    found.map(|i| (headings[i].id.clone(), Some(headings[i].text.clone())))
}

fn missing_anchor(span: Option<Span>, anchor: &str, target: &Page) -> Diagnostic {
    if let Some(block) = anchor.strip_prefix('^') {
        let diag = Diagnostic::error(span, format!("{} has no block ^{block}", target.rel));
        let near = suggest(block, target.doc.block_ids.iter().map(|(id, _)| id.as_str()));
        return match near.first() {
            Some(near) => diag.with_help(format!("did you mean ^{near}?")),
            None => diag.with_help(
                "a block id is written at the end of a paragraph, like: The rule. ^rule-id",
            ),
        };
    }
    let ids = target.doc.headings.iter().map(|h| h.id.as_str());
    let near = suggest(anchor, ids);
    let diag = Diagnostic::error(span, format!("{} has no heading `#{anchor}`", target.rel));
    match near.first() {
        Some(near) => diag.with_help(format!("did you mean #{near}?")),
        None if target.doc.headings.is_empty() => diag.with_help("that page has no headings"),
        None => {
            let all: Vec<_> =
                target.doc.headings.iter().take(8).map(|h| format!("#{}", h.id)).collect();
            diag.with_help(format!("its headings are {}", all.join(", ")))
        }
    }
}

/// Joins a relative link to the folder of its file and removes `.` and `..`.
/// A leading `/` starts from the content root. `None` when `..` climbs above the root.
fn join(dir: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let (start, link) = match link.strip_prefix('/') {
        Some(rest) => ("", rest),
        None => (dir, link),
    };
    for part in start.split('/').chain(link.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let mut out = parts.join("/");
    if link.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Decodes `%20`-style escapes; invalid ones are kept as written.
pub(crate) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// The relative link from a file in content folder `from` to content file `to`:
/// `("returns", "inventory/counts.md")` -> `../inventory/counts.md`.
fn relative_link(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_climb_to_the_common_folder() {
        assert_eq!(relative_link("returns", "inventory/counts.md"), "../inventory/counts.md");
        assert_eq!(relative_link("", "inventory/counts.md"), "inventory/counts.md");
        assert_eq!(relative_link("a/b", "a/c.md"), "../c.md");
        assert_eq!(relative_link("a", "a/c.md"), "c.md");
    }

    #[test]
    fn join_resolves_relative_and_root_paths() {
        assert_eq!(
            join("fulfillment", "../inventory/count.md").as_deref(),
            Some("inventory/count.md")
        );
        assert_eq!(join("fulfillment", "./pick.md").as_deref(), Some("fulfillment/pick.md"));
        assert_eq!(join("fulfillment", "/returns/").as_deref(), Some("returns/"));
        assert_eq!(join("", "../x.md"), None);
        assert_eq!(join("a/b", "../../c/").as_deref(), Some("c/"));
    }

    /// A small random wiki, as `(path, text)` files: folders (some with a README.md,
    /// index.md or _index.md, some with a `Name.md` beside them), notes with names of every
    /// shape (spaces, capitals, underscores, dashes), and PNG attachments.
    struct Wiki {
        notes: Vec<(String, String)>,
        folders: Vec<String>,
        attachments: Vec<String>,
    }

    fn wiki(seed: u64) -> Wiki {
        let mut state = seed | 1;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        const WORDS: [&str; 8] = [
            "Pick and Pack",
            "returns",
            "Refund_Rules",
            "Cycle Count",
            "Team Notes",
            "style_guide",
            "On-call",
            "SKU setup",
        ];
        let mut folders: Vec<String> = Vec::new();
        for i in 0..1 + next(4) {
            let name = format!("{} {i}", WORDS[next(WORDS.len())]);
            let parent = next(folders.len() + 1);
            folders.push(match parent {
                0 => name,
                p => format!("{}/{name}", folders[p - 1]),
            });
        }
        let in_folder = |dir: &str, name: &str| {
            if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
        };
        let mut notes = Vec::new();
        let mut n = 0;
        for dir in &folders {
            match next(4) {
                0 => notes.push(in_folder(dir, ["README.md", "index.md", "_index.md"][next(3)])),
                1 => {
                    // `Name.md` beside the folder `Name/`.
                    let (parent, name) = dir.rsplit_once('/').unwrap_or(("", dir));
                    notes.push(in_folder(parent, &format!("{name}.md")));
                }
                _ => {}
            }
        }
        for _ in 0..2 + next(6) {
            let dir = match next(folders.len() + 1) {
                0 => String::new(),
                f => folders[f - 1].clone(),
            };
            n += 1;
            notes.push(in_folder(&dir, &format!("{} n{n}.md", WORDS[next(WORDS.len())])));
        }
        let attachments = (0..next(3))
            .map(|k| {
                let dir = match next(folders.len() + 1) {
                    0 => String::new(),
                    f => folders[f - 1].clone(),
                };
                in_folder(&dir, &format!("{} a{k}.png", WORDS[next(WORDS.len())]))
            })
            .collect();
        let notes = notes
            .into_iter()
            .enumerate()
            .map(|(i, path)| (path, format!("# Title {i}\n\nBody.\n")))
            .collect();
        Wiki { notes, folders, attachments }
    }

    /// Every way the supported forms can write a link from `from` to `to` (a note, a folder,
    /// or an attachment), `unique` when the file name names only this file.
    fn forms(from: &str, to: &str, kind: u8, unique: bool) -> Vec<String> {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let relative = relative_link(dir, to);
        let encoded = relative.replace(' ', "%20");
        let name = to.rsplit('/').next().unwrap_or(to);
        let mut out = Vec::new();
        match kind {
            // A note.
            0 => {
                out.push(format!("[x]({encoded})"));
                out.push(format!("[x](<{relative}>)"));
                out.push(format!("[x](/{})", to.replace(' ', "%20")));
                out.push(format!("[[{}]]", to.trim_end_matches(".md")));
                out.push(format!("[[{to}|label]]"));
                if unique {
                    out.push(format!("[[{}]]", name.trim_end_matches(".md")));
                    out.push(format!("[[{name}#Title]]").replace("#Title", ""));
                }
            }
            // A folder, as on disk.
            1 => {
                let dir_link =
                    if relative.is_empty() { "./".to_string() } else { format!("{encoded}/") };
                out.push(format!("[x]({dir_link})"));
                out.push(
                    format!("[x]({})", dir_link.trim_end_matches('/')).replace("[x]()", "[x](./)"),
                );
            }
            // An attachment.
            _ => {
                out.push(format!("![x]({encoded})"));
                out.push(format!("[[{to}]]"));
                out.push(format!("![[{to}|300]]"));
                if unique {
                    out.push(format!("![[{name}]]"));
                    out.push(format!("![x]({})", name.replace(' ', "%20")));
                }
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
        /// Any link to a file that exists, written in any supported form (Markdown relative,
        /// root and angle-bracket paths, wikilinks by path, by name and with a label, folders
        /// as on disk, attachments by path and by name), resolves to that file's page (or the
        /// file itself).
        #[test]
        fn any_supported_link_to_an_existing_file_resolves_to_it(seed in proptest::prelude::any::<u64>(), pick in 0usize..1000) {
            use crate::content::site::{AssembleOptions, assemble};
            let w = wiki(seed);
            let (from, _) = &w.notes[pick % w.notes.len()];
            // The target: a note, a folder or an attachment.
            let choices = w.notes.len() + w.folders.len() + w.attachments.len();
            let t = (pick / 7) % choices;
            // A folder is a page when a note is in it (git keeps no empty folders).
            let has_notes = |f: &str| w.notes.iter().any(|(p, _)| p.starts_with(&format!("{f}/")));
            let (to, kind) = if t < w.notes.len() {
                (w.notes[t].0.clone(), 0u8)
            } else if t < w.notes.len() + w.folders.len() {
                let folder = &w.folders[t - w.notes.len()];
                if !has_notes(folder) {
                    return Ok(());
                }
                (folder.clone(), 1)
            } else {
                (w.attachments[t - w.notes.len() - w.folders.len()].clone(), 2)
            };
            let name_of = |p: &str| {
                let name = p.rsplit('/').next().unwrap_or(p);
                slugify(name.trim_end_matches(".md"))
            };
            let stem = name_of(&to);
            let index_names = ["readme", "index", "_index", ""];
            let unique = !index_names.contains(&stem.as_str())
                && w.notes.iter().map(|(p, _)| p).chain(&w.attachments).chain(&w.folders)
                    .filter(|p| name_of(p) == stem).count() == 1;
            let links = forms(from, &to, kind, unique);
            let body: String = links.iter().map(|l| format!("{l}\n\n")).collect();
            let mut diags = Diagnostics::new();
            let docs: Vec<_> = w.notes.iter().map(|(path, text)| {
                let text = if path == from { format!("{text}{body}") } else { text.clone() };
                crate::content::load::from_text(path.clone(), path.into(), text, &mut diags)
            }).collect();
            let parsed = crate::content::parse(docs, &crate::config::MarkdownConfig { unsafe_html: false }, true);
            let site = assemble(parsed, AssembleOptions::default(), &mut diags);
            let files: HashSet<String> = w.attachments.iter().cloned().collect();
            let base = BaseUrl::parse("/").unwrap();
            let resolution = resolve(&site, &base, &files, false, &mut diags);
            let errors: Vec<_> = diags.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).map(|d| d.message.clone()).collect();
            proptest::prop_assert!(errors.is_empty(), "{errors:?}\nlinks {links:?}\nfiles {:?}", w.notes);
            let source = site.pages.iter().position(|p| &p.rel == from).unwrap();
            let expected_page = match kind {
                0 => site.pages.iter().position(|p| p.rel == to),
                1 => site.sections.iter().find(|s| s.dir == to).map(|s| s.page),
                _ => None,
            };
            for (link, resolved) in links.iter().zip(&resolution.links[source]) {
                match kind {
                    2 => proptest::prop_assert_eq!(&resolved.url, &base.url(&to), "{}", link),
                    _ => proptest::prop_assert_eq!(resolved.target, expected_page, "{} -> {}", link, to),
                }
            }
        }
    }

    #[test]
    fn obsidian_picks_the_same_folder_then_the_shortest_path_then_the_alphabet() {
        let paths = ["b/x.md", "a/deep/x.md", "c/x.md", "x2/x.md"];
        let pick_from = |from: &str| pick(&paths, from, |p| p);
        assert_eq!(pick_from("a/deep"), "a/deep/x.md");
        assert_eq!(pick_from("c"), "c/x.md");
        assert_eq!(pick_from("elsewhere"), "b/x.md");
        assert_eq!(pick(&["z/x.md", "x.md"], "z", |p| p), "z/x.md");
        assert_eq!(pick(&["z/x.md", "x.md"], "", |p| p), "x.md");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("Pick%20Pack.md"), "Pick Pack.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }
}
