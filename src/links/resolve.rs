//! Resolving every link of every page: wikilinks, links to `.md` files, links to site paths
//! and files, and `#anchors`. A link that resolves to nothing is an error at the link's
//! `file:line:col`; an ambiguous wikilink lists its candidates.
//!
//! Wikilinks resolve by path, then file name, then title, then alias name, comparing slugs
//! (so `[[Core plugins]]` finds `Core plugins.md`). The part after `#` may be a heading's id
//! or its text. This module only reads the site; it returns the URLs the renderer writes.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::BaseUrl;
use crate::content::markdown::{LinkRef, is_external};
use crate::content::slug::slugify;
use crate::content::{Page, PageId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, Lines, Span, suggest};

/// Where one link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The URL to write, under the base path (`/kb/returns/refund-rules/#partial-refunds`).
    pub url: String,
    /// The text of a wikilink written without a label: the target's title.
    pub text: Option<String>,
    pub target: Option<PageId>,
}

/// Lookup tables over the site's pages.
pub(crate) struct LinkIndex<'s> {
    site: &'s Site,
    by_source: HashMap<&'s str, PageId>,
    by_path: HashMap<String, Vec<PageId>>,
    by_name: HashMap<&'s str, Vec<PageId>>,
    by_title: HashMap<String, Vec<PageId>>,
    by_alias: HashMap<String, Vec<PageId>>,
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
        index
    }

    /// The page a wikilink target (the part before `#`) names.
    fn find_wiki(&self, target: &str) -> Result<PageId, WikiMiss> {
        let target = target.trim().trim_end_matches(".md").trim_matches('/');
        let path_key: String = target.split('/').map(slugify).collect::<Vec<_>>().join("/");
        if target.contains('/') {
            return self.pick(self.by_path.get(&path_key));
        }
        let slug = slugify(target);
        let tables: [Option<&Vec<PageId>>; 4] = [
            self.by_path.get(&path_key),
            self.by_name.get(slug.as_str()),
            self.by_title.get(&slug),
            self.by_alias.get(&slug),
        ];
        for candidates in tables {
            match self.pick(candidates) {
                Err(WikiMiss::NotFound) => continue,
                found => return found,
            }
        }
        Err(WikiMiss::NotFound)
    }

    fn pick(&self, candidates: Option<&Vec<PageId>>) -> Result<PageId, WikiMiss> {
        match candidates.map(Vec::as_slice) {
            None | Some([]) => Err(WikiMiss::NotFound),
            Some([one]) => Ok(*one),
            Some(many) => Err(WikiMiss::Ambiguous(many.to_vec())),
        }
    }

    /// Near names for a missing wikilink target: file names first, titles if none is close.
    fn wiki_suggestions(&self, target: &str) -> Vec<String> {
        let wanted = target.split('#').next().unwrap_or(target);
        let names = suggest(&slugify(wanted), self.site.pages.iter().map(|p| p.name.as_str()));
        if !names.is_empty() {
            return names.into_iter().map(String::from).collect();
        }
        suggest(wanted, self.site.pages.iter().map(|p| p.title.as_str()))
            .into_iter()
            .map(String::from)
            .collect()
    }
}

enum WikiMiss {
    NotFound,
    Ambiguous(Vec<PageId>),
}

impl LinkIndex<'_> {
    /// The error for a wikilink target (`written`, as the author wrote it) that names no
    /// page or several.
    fn wiki_miss(&self, miss: WikiMiss, written: &str, span: Option<Span>) -> Diagnostic {
        let site = self.site;
        match miss {
            WikiMiss::NotFound => {
                let diag =
                    Diagnostic::error(span, format!("no page matches the wikilink [[{written}]]"));
                let near = self.wiki_suggestions(written);
                if near.is_empty() {
                    diag.with_help("wikilinks match a page's path, file name, title or alias")
                } else {
                    diag.with_help(format!("did you mean [[{}]]?", near.join("]], [[")))
                }
            }
            WikiMiss::Ambiguous(candidates) => {
                let list = candidates
                    .iter()
                    .map(|&c| site.pages[c].rel.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let first = &site.pages[candidates[0]];
                Diagnostic::error(
                    span,
                    format!(
                        "the wikilink [[{written}]] matches {} pages: {list}",
                        candidates.len()
                    ),
                )
                .with_help(format!(
                    "write the path to pick one, e.g. [[{}]]",
                    first.path.trim_end_matches('/')
                ))
            }
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
            let id = self.find_wiki(page).map_err(|miss| self.wiki_miss(miss, target, None))?;
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

/// Resolves every link of every page. Returns, per page, one [`Resolved`] per link, in the
/// order of the page's links; broken links get an empty URL and a diagnostic.
pub(crate) fn resolve(
    site: &Site,
    base: &BaseUrl,
    files: &HashSet<String>,
    diags: &mut Diagnostics,
) -> Vec<Vec<Resolved>> {
    let index = LinkIndex::new(site, files);
    let results: Vec<(Vec<Resolved>, Diagnostics)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(id, page)| {
            let mut diags = Diagnostics::new();
            // Read (builds dropped the text) and index the source once, at the first problem.
            let text = std::cell::OnceCell::new();
            let lines = std::cell::OnceCell::new();
            let span_at = |range: &std::ops::Range<usize>| {
                let file = page.file.as_deref()?;
                let text = text.get_or_init(|| page.source_text().into_owned());
                let lines = lines.get_or_init(|| Lines::new(file, text));
                Some(lines.span(range.start, range.end))
            };
            let links = page
                .doc
                .links
                .iter()
                .map(|link| {
                    resolve_one(&index, base, id, page, link, &span_at).unwrap_or_else(|diag| {
                        diags.push(diag);
                        Resolved { url: String::new(), text: None, target: None }
                    })
                })
                .collect();
            (links, diags)
        })
        .collect();
    let mut all = Vec::with_capacity(results.len());
    for (links, d) in results {
        diags.extend(d);
        all.push(links);
    }
    all
}

fn resolve_one(
    index: &LinkIndex<'_>,
    base: &BaseUrl,
    id: PageId,
    page: &Page,
    link: &LinkRef,
    span_at: &dyn Fn(&std::ops::Range<usize>) -> Option<Span>,
) -> Result<Resolved, Diagnostic> {
    let site = index.site;
    let span = || span_at(&link.range);
    if link.wiki {
        let (target, anchor) = split_fragment(&link.target);
        let target_id = if target.trim().is_empty() {
            id
        } else {
            index.find_wiki(target).map_err(|miss| index.wiki_miss(miss, &link.target, span()))?
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
        return Ok(Resolved {
            url,
            text: (!link.has_label).then_some(text),
            target: Some(target_id),
        });
    }

    let (rest, fragment) = split_fragment(&link.target);
    let (path, query) = match rest.find('?') {
        Some(q) => (&rest[..q], &rest[q..]),
        None => (rest, ""),
    };
    if path.is_empty() {
        // `#anchor` on this page (or `?query` alone, left as written).
        let mut url = String::from(query);
        if let Some(anchor) = fragment {
            let (anchor_id, _) = find_anchor(page, anchor, false)
                .ok_or_else(|| missing_anchor(span(), anchor, page))?;
            url.push('#');
            url.push_str(&anchor_id);
        }
        return Ok(Resolved { url, text: None, target: Some(id) });
    }
    let decoded = percent_decode(path);
    let source_dir = page.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    let source_dir = if page.file.is_none() { page.rel.trim_end_matches('/') } else { source_dir };
    let joined = match join(source_dir, &decoded) {
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
        let target_id = match index.by_source.get(joined.as_str()) {
            Some(&t) => t,
            None => return Err(index.missing_source(&link.target, &joined, span())),
        };
        let target_page = &site.pages[target_id];
        let mut url = base.url(&target_page.path);
        url.push_str(query);
        if let Some(anchor) = fragment {
            let (anchor_id, _) = find_anchor(target_page, anchor, false)
                .ok_or_else(|| missing_anchor(span(), anchor, target_page))?;
            url.push('#');
            url.push_str(&anchor_id);
        }
        return Ok(Resolved { url, text: None, target: Some(target_id) });
    }

    // A site path or a file: `/returns/`, `../inventory/`, `diagram.png`.
    let site_path = joined;
    let as_dir = if site_path.is_empty() || site_path.ends_with('/') {
        site_path.clone()
    } else {
        format!("{site_path}/")
    };
    let target =
        index.page_paths.get(site_path.as_str()).or_else(|| index.page_paths.get(as_dir.as_str()));
    if let Some(&target_id) = target {
        let target_page = &site.pages[target_id];
        let mut url = base.url(&target_page.path);
        url.push_str(query);
        if let Some(anchor) = fragment {
            let (anchor_id, _) = find_anchor(target_page, anchor, false)
                .ok_or_else(|| missing_anchor(span(), anchor, target_page))?;
            url.push('#');
            url.push_str(&anchor_id);
        }
        return Ok(Resolved { url, text: None, target: Some(target_id) });
    }
    let exists = index.files.contains(&site_path)
        || index.files.contains(&as_dir)
        || index.files.contains(&format!("{as_dir}index.html"))
        || index.alias_paths.contains(site_path.as_str())
        || index.alias_paths.contains(as_dir.as_str());
    if !exists {
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
                relative_link(source_dir, &site.pages[near].rel)
            ),
            None => "link to a Markdown file or a file of the content folder or static/".into(),
        }));
    }
    let mut url = base.url(&site_path);
    url.push_str(query);
    if let Some(anchor) = fragment {
        url.push('#');
        url.push_str(anchor);
    }
    Ok(Resolved { url, text: None, target: None })
}

fn split_fragment(target: &str) -> (&str, Option<&str>) {
    match target.split_once('#') {
        Some((before, after)) => (before, Some(after)),
        None => (target, None),
    }
}

/// The id an anchor names on `page`, and the heading's text when it is a heading.
/// Wikilinks may also name a heading by its text (`[[Returns#Refund rules]]`).
fn find_anchor(page: &Page, anchor: &str, by_text: bool) -> Option<(String, Option<String>)> {
    let anchor = percent_decode(anchor);
    if let Some(h) = page.doc.headings.iter().find(|h| h.id == anchor) {
        return Some((h.id.clone(), Some(h.text.clone())));
    }
    if page.doc.anchors.contains(&anchor) {
        return Some((anchor, None));
    }
    if by_text {
        let wanted = slugify(&anchor);
        let heading = page
            .doc
            .headings
            .iter()
            .find(|h| h.text.eq_ignore_ascii_case(anchor.trim()))
            .or_else(|| {
                page.doc.headings.iter().find(|h| !wanted.is_empty() && slugify(&h.text) == wanted)
            });
        if let Some(h) = heading {
            return Some((h.id.clone(), Some(h.text.clone())));
        }
    }
    None
}

fn missing_anchor(span: Option<Span>, anchor: &str, target: &Page) -> Diagnostic {
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

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("Pick%20Pack.md"), "Pick Pack.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }
}
