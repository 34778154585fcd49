//! Process governance (DESIGN.md section 6): who owns each process, who can stand in, and
//! whether its steps were checked against reality on time. Every rule lives here; `check`
//! reports the findings, and the templates show the states computed here (no rule lives in a
//! view model).
//!
//! The rules apply to live processes: pages with `kind = "process"` (directly or by cascade)
//! that are not drafts (`draft = true` or `status = "draft"`) and not deprecated. Each
//! finding points at the front-matter key it concerns, or at line 1 when the key is missing:
//! - no owner; held by one person (an owner and no backup); never reviewed; overdue (days
//!   past the due date, "today" as in DESIGN section 4). Due within 30 days is shown, not
//!   warned. An owner or backup that is an empty string counts as none.
//! - a deprecated process linked from a page that is not itself deprecated or a draft;
//! - a process that no other page links to (authored links from any built page and the
//!   assessment's `learn` links count; the navigation and generated pages do not).

use std::collections::HashSet;

use jiff::civil::Date;
use serde::Serialize;

use crate::content::frontmatter::Status;
use crate::content::{Page, PageId, Site};
use crate::dates::{self, Period};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::links::LinkGraph;

/// A review falls "due soon" this many days ahead (shown on pages and the dashboard).
pub(crate) const DUE_SOON_DAYS: i64 = 30;

/// Where a process stands with its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ReviewState {
    Never,
    Overdue,
    DueSoon,
    OnTime,
}

impl ReviewState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ReviewState::Never => "never",
            ReviewState::Overdue => "overdue",
            ReviewState::DueSoon => "due-soon",
            ReviewState::OnTime => "ok",
        }
    }
}

/// The governance facts of one process page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Process {
    pub page: PageId,
    /// Whether the rules apply (not a draft, not deprecated).
    pub live: bool,
    pub owner: Option<String>,
    /// Non-empty backups.
    pub backups: Vec<String>,
    pub reviewed: Option<Date>,
    pub every: Period,
    pub due: Option<Date>,
    pub state: ReviewState,
    /// Days until the due date; negative when overdue.
    pub days_left: Option<i64>,
}

impl Process {
    /// An owner and no backup: the knowledge lives in one head.
    pub(crate) fn one_person(&self) -> bool {
        self.owner.is_some() && self.backups.is_empty()
    }
}

/// A rule of section 6, as `check` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub(crate) enum Rule {
    NoOwner,
    OnePerson,
    NeverReviewed,
    Overdue,
    DeprecatedLinked,
    Unlinked,
}

impl Rule {
    pub(crate) fn id(self) -> &'static str {
        match self {
            Rule::NoOwner => "no-owner",
            Rule::OnePerson => "one-person",
            Rule::NeverReviewed => "never-reviewed",
            Rule::Overdue => "overdue",
            Rule::DeprecatedLinked => "deprecated-linked",
            Rule::Unlinked => "unlinked",
        }
    }

    /// The front-matter key a finding points at.
    fn key(self) -> &'static str {
        match self {
            Rule::NoOwner => "owner",
            Rule::OnePerson => "backups",
            Rule::NeverReviewed | Rule::Overdue => "reviewed",
            Rule::DeprecatedLinked => "status",
            Rule::Unlinked => "title",
        }
    }
}

/// One rule broken by one page.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub rule: Rule,
    pub page: PageId,
    pub message: String,
    pub help: String,
}

/// The governance of a site: every process's facts and every finding.
#[derive(Debug, Clone, Default)]
pub struct Governance {
    /// Process pages in reading order.
    pub(crate) processes: Vec<Process>,
    /// Per page, its index in `processes`.
    by_page: Vec<Option<usize>>,
    pub(crate) findings: Vec<Finding>,
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

fn is_draft(page: &Page) -> bool {
    page.meta.draft == Some(true) || page.meta.status == Some(Status::Draft)
}

fn is_deprecated(page: &Page) -> bool {
    page.meta.status == Some(Status::Deprecated)
}

/// The review state of a process reviewed on `reviewed` every `every`, on `today`.
pub(crate) fn review_state(
    reviewed: Option<Date>,
    every: Period,
    today: Date,
) -> (Option<Date>, Option<i64>, ReviewState) {
    let due = reviewed.map(|r| every.after(r));
    let days_left = due.map(|d| dates::days_between(today, d));
    let state = match days_left {
        None => ReviewState::Never,
        Some(d) if d < 0 => ReviewState::Overdue,
        Some(d) if d <= DUE_SOON_DAYS => ReviewState::DueSoon,
        Some(_) => ReviewState::OnTime,
    };
    (due, days_left, state)
}

/// The governance of `site` on `today`. `learned` are the pages the assessment's `learn`
/// links point at (they count as links to a page).
/// Paths in messages are `content` + a page's path in it (`content_prefix` is `content/`,
/// or empty when the content folder is the site root).
pub(crate) fn assess(
    site: &Site,
    graph: &LinkGraph,
    learned: &HashSet<PageId>,
    content_prefix: &str,
    default_every: Period,
    today: Date,
) -> Governance {
    let mut gov = Governance { by_page: vec![None; site.pages.len()], ..Governance::default() };
    for &id in &site.order {
        let page = &site.pages[id];
        if !page.meta.is_process() {
            continue;
        }
        let every = page.meta.review_every.unwrap_or(default_every);
        let (due, days_left, state) = review_state(page.meta.reviewed, every, today);
        let process = Process {
            page: id,
            live: !is_draft(page) && !is_deprecated(page),
            owner: non_empty(page.meta.owner.as_deref()),
            backups: page
                .meta
                .backups
                .iter()
                .flatten()
                .filter_map(|b| non_empty(Some(b)))
                .collect(),
            reviewed: page.meta.reviewed,
            every,
            due,
            state,
            days_left,
        };
        gov.by_page[id] = Some(gov.processes.len());
        gov.processes.push(process);
    }
    let mut findings = Vec::new();
    for p in gov.processes.iter() {
        let page = &site.pages[p.page];
        let finding = |rule: Rule, message: String, help: String| Finding {
            rule,
            page: p.page,
            message,
            help,
        };
        if is_deprecated(page) {
            let linking: Vec<String> = graph.backlinks[p.page]
                .iter()
                .map(|&b| &site.pages[b])
                .filter(|b| !is_deprecated(b) && !is_draft(b))
                .map(|b| format!("{content_prefix}{}", b.rel))
                .collect();
            if !linking.is_empty() {
                findings.push(finding(
                    Rule::DeprecatedLinked,
                    format!("deprecated, but linked from {}", list(&linking)),
                    "point those links at the process that replaced it".into(),
                ));
            }
        }
        if !p.live {
            continue;
        }
        match &p.owner {
            None => findings.push(finding(
                Rule::NoOwner,
                "this process has no owner".into(),
                "add `owner = \"Name\"`: the one person who answers for it".into(),
            )),
            Some(owner) if p.backups.is_empty() => findings.push(finding(
                Rule::OnePerson,
                format!("held by one person: only {owner} knows this process"),
                "add `backups = [\"Name\"]`: someone trained to run it when the owner is away"
                    .into(),
            )),
            Some(_) => {}
        }
        let review = format!("review it and run `opsbook review {content_prefix}{}`", page.rel);
        match (p.state, p.days_left, p.due) {
            (ReviewState::Never, ..) => findings.push(finding(
                Rule::NeverReviewed,
                "this process has never been reviewed".into(),
                review.clone(),
            )),
            (ReviewState::Overdue, Some(days), Some(due)) => findings.push(finding(
                Rule::Overdue,
                format!(
                    "review overdue by {} (due {due})",
                    crate::timer::thousands((-days) as usize)
                        + if days == -1 { " day" } else { " days" }
                ),
                review.clone(),
            )),
            _ => {}
        }
        let linked =
            graph.backlinks[p.page].iter().any(|&b| b != p.page) || learned.contains(&p.page);
        if !linked {
            findings.push(finding(
                Rule::Unlinked,
                "no other page links to this process".into(),
                format!(
                    "link it from the section page or a related process, e.g. [[{}]]",
                    page.name
                ),
            ));
        }
    }
    gov.findings = findings;
    gov
}

/// "a.md", "a.md and b.md", "a.md, b.md and 3 more".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
    }
}

impl Governance {
    /// The facts of page `id`, when it is a process.
    pub(crate) fn process(&self, id: PageId) -> Option<&Process> {
        self.by_page.get(id).copied().flatten().map(|i| &self.processes[i])
    }

    /// The findings as diagnostics at the front-matter key each concerns: warnings, or
    /// errors when `strict` (`[governance] strict = true`).
    pub(crate) fn report(&self, site: &Site, strict: bool, diags: &mut Diagnostics) {
        // A page's findings are consecutive: its source (read again from disk when a build
        // dropped it) is read once for all of them.
        let mut source: Option<(PageId, std::borrow::Cow<'_, str>)> = None;
        for f in &self.findings {
            let page = &site.pages[f.page];
            if source.as_ref().is_none_or(|(id, _)| *id != f.page) {
                source = Some((f.page, page.source_text()));
            }
            let text = source.as_ref().map_or("", |(_, text)| text);
            // At the key, or at line 1 when the page does not set it.
            let range = page.meta.spans.get(f.rule.key()).cloned().unwrap_or(0..0);
            let span = page
                .file
                .as_deref()
                .map(|file| Span::from_range(file, text, range.start, range.end));
            let diag = if strict {
                Diagnostic::error(span, &f.message)
            } else {
                Diagnostic::warning(span, &f.message)
            };
            diags.push(diag.with_help(&f.help).with_rule(f.rule.id()));
        }
    }

    /// The `governance` object of `check --format json` (DESIGN section 6).
    pub(crate) fn summary(&self, site: &Site, cfg: &crate::config::Config) -> serde_json::Value {
        let live: Vec<&Process> = self.processes.iter().filter(|p| p.live).collect();
        let path = |p: &Process| format!("{}{}", cfg.content.prefix(), site.pages[p.page].rel);
        let url = |p: &Process| cfg.base_url.url(&site.pages[p.page].path);
        let dated = |state: ReviewState| -> Vec<serde_json::Value> {
            let mut list: Vec<&&Process> = live.iter().filter(|p| p.state == state).collect();
            // Most overdue first; soonest due first.
            list.sort_by_key(|p| (p.days_left, p.page));
            list.iter()
                .map(|p| {
                    serde_json::json!({
                        "path": path(p),
                        "url": url(p),
                        "owner": p.owner,
                        "due": p.due.map(|d| d.to_string()),
                        "days_overdue": p.days_left.map(|d| -d),
                    })
                })
                .collect()
        };
        serde_json::json!({
            "processes": live.len(),
            "owned": live.iter().filter(|p| p.owner.is_some()).count(),
            "backed_up": live.iter().filter(|p| p.owner.is_some() && !p.backups.is_empty()).count(),
            "on_time": live.iter().filter(|p| matches!(p.state, ReviewState::OnTime | ReviewState::DueSoon)).count(),
            "overdue": dated(ReviewState::Overdue),
            "due_soon": dated(ReviewState::DueSoon),
            "one_person": live.iter().filter(|p| p.one_person()).map(|p| serde_json::json!({
                "path": path(p),
                "url": url(p),
                "owner": p.owner,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn review_states_follow_the_due_date() {
        let every = Period::parse("90d").unwrap();
        let today = date("2026-11-29");
        assert_eq!(review_state(None, every, today).2, ReviewState::Never);
        // Due 2026-11-28: one day overdue.
        let (due, days, state) = review_state(Some(date("2026-08-30")), every, today);
        assert_eq!((due, days, state), (Some(date("2026-11-28")), Some(-1), ReviewState::Overdue));
        // Due today: not overdue, due soon.
        assert_eq!(review_state(Some(date("2026-08-31")), every, today).2, ReviewState::DueSoon);
        // Due in 30 days: still soon; in 31: on time.
        assert_eq!(review_state(Some(date("2026-09-30")), every, today).2, ReviewState::DueSoon);
        assert_eq!(review_state(Some(date("2026-10-01")), every, today).2, ReviewState::OnTime);
    }

    #[test]
    fn lists_of_pages_read_well() {
        let l = |items: &[&str]| list(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&["a.md"]), "a.md");
        assert_eq!(l(&["a.md", "b.md"]), "a.md and b.md");
        assert_eq!(l(&["a.md", "b.md", "c.md", "d.md"]), "a.md, b.md and 2 more");
    }
}
