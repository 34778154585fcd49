//! The content model: reading `content/`, front matter, Markdown, and assembling the site.
//!
//! Stages, in order: [`load`] (walk and read), [`parse`] (Markdown, in parallel),
//! [`site::assemble`] (sections, cascades, drafts, URLs, order). None of them writes output.

pub(crate) mod frontmatter;
pub(crate) mod highlight;
pub mod load;
pub(crate) mod markdown;
pub(crate) mod obsidian;
pub mod site;
pub(crate) mod slug;
pub(crate) mod yaml;

use std::sync::Arc;

use rayon::prelude::*;

pub(crate) use load::{Asset, SourceDoc, load};
pub(crate) use markdown::Parsed;
pub(crate) use site::{Page, PageId, SectionId, Site};

use crate::config::MarkdownConfig;

/// Parses every document's Markdown, in parallel, keeping the input order. Unless
/// `keep_sources`, each document's text is dropped once parsed (diagnostics re-read it).
pub fn parse(
    docs: Vec<SourceDoc>,
    cfg: &MarkdownConfig,
    keep_sources: bool,
) -> Vec<(SourceDoc, Arc<Parsed>)> {
    let parsed = docs
        .into_par_iter()
        .map(|mut doc| {
            let parsed = parse_one(&doc, cfg);
            if !keep_sources {
                doc.text = Arc::from("");
            }
            (doc, Arc::new(parsed))
        })
        .collect();
    highlight::forget();
    parsed
}

/// Parses one document's body.
pub(crate) fn parse_one(doc: &SourceDoc, cfg: &MarkdownConfig) -> Parsed {
    let opts = markdown::MarkdownOptions {
        unsafe_html: cfg.unsafe_html,
        h1_is_title: doc.front.title.is_none(),
    };
    markdown::parse(&doc.text[doc.body_start..], doc.body_start, opts)
}
