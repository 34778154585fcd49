//! The generated files that no content file writes: tag pages, alias redirects, the 404 and
//! search pages, the sitemap and robots.txt, plus static files and assets copied as they are.

use super::*;

impl Renderer<'_> {
    /// What produces `entry`: pages and section listings are [`Renderer::page_job`]'s, the
    /// rest is generated here.
    pub(super) fn job(&self, entry: &PlanEntry) -> Job {
        let input = self.input;
        let path = entry.path.clone();
        let base = &input.cfg.base_url;
        match &entry.origin {
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
            Origin::Assessment | Origin::AssessmentResponse(_) | Origin::AssessmentTrend => {
                self.assessment_job(&entry.origin)
            }
            Origin::Governance
            | Origin::GovernanceList(..)
            | Origin::People(_)
            | Origin::Person(..)
            | Origin::Systems(_)
            | Origin::System(..)
            | Origin::Changes => self.governance_job(&entry.origin),
            Origin::Page(id) => self.page_job(&self.page_inputs(*id, 1)),
            Origin::SectionListing(section, n) => {
                self.page_job(&self.page_inputs(input.site.sections[*section].page, *n))
            }
        }
    }
}

/// Generated pages have no page, section, table of contents or backlinks.
pub(super) fn generated_data(mut data: serde_json::Value) -> serde_json::Value {
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

/// `sitemap.xml`: every page and tag page, with absolute URLs.
pub(super) fn sitemap(input: &RenderInput<'_>) -> String {
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
