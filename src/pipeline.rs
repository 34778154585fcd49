//! The one stage sequence from parsed documents to the linked site, which `build`, `check`,
//! `assess` and `serve` all call: assemble -> plan -> link -> assessment -> governance (its
//! facts, which the plan reads for the people and system pages, come right after assemble).
//!
//! Callers differ only before it (a build reads every file, the dev server re-reads what
//! changed) and after it (a build writes, the dev server keeps files in memory). A stage that
//! works on the linked site (governance, evidence, the assessment's pages) is one more step
//! here and one more field of [`Linked`], and every caller has it at once.

use std::collections::HashSet;
use std::sync::Arc;

use crate::assessment::evidence::{EvidenceSet, ProcessFacts};
use crate::assessment::{self, Assessment, LearnLink};
use crate::config::Config;
use crate::content::site::AssembleOptions;
use crate::content::{self, Asset, Parsed, Site, SourceDoc};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::governance::{self, Governance, ReviewState};
use crate::links::resolve::LinkIndex;
use crate::links::{self, LinkGraph};
use crate::render::{Plan, RenderInput, Theme};
use crate::timer::StageTimer;

/// The site with every link resolved, and what the later stages read.
pub struct Linked {
    pub site: Site,
    /// Every output path and what produces it.
    pub plan: Plan,
    pub graph: LinkGraph,
    /// The readiness assessment, when the site has a valid questionnaire.
    pub assessment: Option<Assessment>,
    /// Pages the site generates that the search index holds too (the assessment's).
    pub searchable: Vec<content::Page>,
    /// Who owns each process and whether it was reviewed on time; its findings are in the
    /// diagnostics already.
    pub governance: Governance,
    /// What the handbook shows about the assessment's questions (with an assessment).
    pub evidence: Option<EvidenceSet>,
}

impl Linked {
    /// What rendering reads of the linked site.
    pub(crate) fn input<'a>(
        &'a self,
        cfg: &'a Config,
        theme: &'a Theme,
        assets: &'a [Asset],
        today: jiff::civil::Date,
        live_reload: Option<&'a str>,
    ) -> RenderInput<'a> {
        RenderInput {
            cfg,
            site: &self.site,
            graph: &self.graph,
            theme,
            assets,
            today,
            assessment: self.assessment.as_ref(),
            governance: &self.governance,
            evidence: self.evidence.as_ref(),
            live_reload,
        }
    }
}

/// assemble -> plan -> link -> assessment -> governance. Problems go to `diags`; the caller
/// decides what an error means (a build stops, `check` reports, the dev server keeps the last
/// good site).
pub(crate) fn link(
    cfg: &Config,
    docs: Vec<(SourceDoc, Arc<Parsed>)>,
    theme: &Theme,
    assets: &[Asset],
    drafts: bool,
    timer: &mut StageTimer,
    diags: &mut Diagnostics,
) -> Linked {
    let mut site = assemble(docs, drafts, diags);
    timer.lap("assemble");
    if cfg.governance.git_dates {
        git_dates(cfg, &mut site, diags);
        timer.lap("git dates");
    }
    let found = assessment::find(&cfg.assessment.questionnaire, diags);
    // The facts of every process (owners, systems, due dates) come before the plan: each
    // person and system gets a page.
    let mut governance =
        governance::facts(&site, cfg.governance.review_every, crate::dates::today());
    let plan = Plan::new(cfg, &site, theme, assets, found.as_ref(), &governance, diags);
    let files = plan.paths();
    timer.lap("plan");
    let graph = links::link(&site, &cfg.base_url, &files, cfg.links.broken_warn, diags);
    timer.lap("link");
    let assessment = found.and_then(|found| load_assessment(cfg, &site, &files, &found, diags));
    timer.lap("assessment");
    let learned: HashSet<usize> =
        crate::render::learned_by(&site, &cfg.base_url, assessment.as_ref())
            .iter()
            .enumerate()
            .filter(|(_, dims)| !dims.is_empty())
            .map(|(id, _)| id)
            .collect();
    governance.check(&site, &graph, &learned, &cfg.content.prefix());
    governance.report(&site, cfg.governance.strict, diags);
    timer.lap("governance");
    let evidence = assessment.as_ref().map(|a| evidence(cfg, &site, &governance, a, diags));
    let values = evidence.as_ref().map_or(&[][..], |e| &e.values[..]);
    let searchable = crate::render::search_pages(assessment.as_ref(), &cfg.base_url, values);
    timer.lap("evidence");
    Linked { site, plan, graph, assessment, searchable, governance, evidence }
}

/// The evidence of the handbook for the assessment's questions: the facts of every live
/// process as governance judged them (the due-date rule of `check` is "fresh"), and E per
/// question. A glob that matches no process is a warning at the glob.
fn evidence(
    cfg: &Config,
    site: &Site,
    gov: &Governance,
    assessment: &Assessment,
    diags: &mut Diagnostics,
) -> EvidenceSet {
    let questions = &assessment.questionnaire.questions;
    if questions.iter().all(|q| q.evidence.is_none()) {
        return EvidenceSet { facts: Vec::new(), values: vec![None; questions.len()] };
    }
    let facts: Vec<ProcessFacts> = gov
        .processes
        .iter()
        .filter(|p| p.live)
        .map(|p| {
            let page = &site.pages[p.page];
            ProcessFacts {
                path: page.rel.clone(),
                title: page.title.clone(),
                url: cfg.base_url.url(&page.path),
                owned: p.owner.is_some(),
                backed_up: p.owner.is_some() && !p.backups.is_empty(),
                fresh: matches!(p.state, ReviewState::OnTime | ReviewState::DueSoon),
                systems: !p.systems.is_empty(),
            }
        })
        .collect();
    let (values, unmatched) = assessment::evidence::compute(&assessment.questionnaire, &facts);
    if !unmatched.is_empty() {
        let text = std::fs::read_to_string(&assessment.path).unwrap_or_default();
        for assessment::evidence::Unmatched { question, globs } in unmatched {
            let Some(e) = &questions[question].evidence else { continue };
            for k in globs {
                let range = e.spans.get(k).cloned().unwrap_or(0..0);
                diags.push(
                    Diagnostic::warning(
                        Some(Span::from_range(&assessment.path, &text, range.start, range.end)),
                        format!("`{}` matches no live process page", e.pages[k]),
                    )
                    .with_help(format!(
                        "globs match paths in {}, like \"fulfillment/**\"; drafts and deprecated pages do not count",
                        if cfg.content.is_root() { "the site".to_string() } else { cfg.content.prefix() }
                    )),
                );
            }
        }
    }
    EvidenceSet { facts, values }
}

/// The site from parsed documents, with the paths later stages own reserved from aliases.
pub(crate) fn assemble(
    docs: Vec<(SourceDoc, Arc<Parsed>)>,
    drafts: bool,
    diags: &mut Diagnostics,
) -> Site {
    let reserved = Some(crate::search::layout::owner as fn(&str) -> Option<&'static str>);
    content::site::assemble(docs, AssembleOptions { drafts, reserved }, diags)
}

/// Sets `updated` from git on every page that does not set it (`[governance] git_dates`).
/// When git cannot tell (no git, not a repository), one warning says why and pages keep
/// their dates.
fn git_dates(cfg: &Config, site: &mut Site, diags: &mut Diagnostics) {
    match crate::git::last_changed(&cfg.content.path) {
        Ok(dates) => {
            for page in site.pages.iter_mut().filter(|p| p.file.is_some() && p.meta.updated.is_none()) {
                page.meta.updated = dates.get(&page.rel).copied();
            }
        }
        Err(why) => diags.push(
            Diagnostic::warning(
                None,
                format!(
                    "`git_dates` is on, but git cannot date the files of {}: {why}",
                    if cfg.content.is_root() { "the site".to_string() } else { cfg.content.prefix() }
                ),
            )
            .with_help("commit the site to a git repository and install git, or set `[governance] git_dates = false`"),
        ),
    }
}

/// The questionnaire and committed answers that `find` found. `learn` links resolve as
/// wikilinks and `.md` links do.
fn load_assessment(
    cfg: &Config,
    site: &Site,
    files: &HashSet<String>,
    found: &assessment::Found,
    diags: &mut Diagnostics,
) -> Option<Assessment> {
    let index = LinkIndex::new(site, files);
    let resolve = |reference: &str| {
        let (title, url) = index.resolve_reference(&cfg.base_url, reference)?;
        Ok(LearnLink { title, url })
    };
    assessment::load_found(found, &resolve, diags)
}
