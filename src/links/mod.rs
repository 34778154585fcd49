//! Links between pages: resolution (with diagnostics) and the backlink graph.

pub(crate) mod graph;
pub(crate) mod resolve;

use std::collections::HashSet;

use crate::config::BaseUrl;
use crate::content::{PageId, Site};
use crate::diagnostics::Diagnostics;

pub(crate) use resolve::{BrokenLink, Resolved};

/// Every page's resolved links and backlinks.
#[derive(Debug, Clone, Default)]
pub struct LinkGraph {
    /// Per page, one entry per link of the page (same order as `Parsed::links`).
    pub links: Vec<Vec<Resolved>>,
    /// Per page, the pages linking to it.
    pub backlinks: Vec<Vec<PageId>>,
    /// Links to nothing, in page order (only with `[links] broken = "warn"`; otherwise they
    /// are errors).
    pub broken: Vec<BrokenLink>,
}

/// Resolves all links and builds the backlinks. `files` holds output paths that are not
/// pages (assets, static files, generated files), which links may also point to.
pub fn link(
    site: &Site,
    base: &BaseUrl,
    files: &HashSet<String>,
    broken_warn: bool,
    diags: &mut Diagnostics,
) -> LinkGraph {
    let resolve::Resolution { links, broken } =
        resolve::resolve(site, base, files, broken_warn, diags);
    graph::embed_cycles(site, &links, diags);
    let backlinks = graph::backlinks(site, &links);
    LinkGraph { links, backlinks, broken }
}
