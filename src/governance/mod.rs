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

use std::collections::{HashMap, HashSet};

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
    /// Non-empty system names, as written.
    pub systems: Vec<String>,
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

/// A person named as an owner or backup of a process, with the processes (indexes into
/// [`Governance::processes`], in reading order) they own and back up. Names that slugify
/// alike are one person (`Dana Okafor`, `dana okafor`), shown as first written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Person {
    pub name: String,
    pub slug: String,
    pub owns: Vec<usize>,
    pub backs_up: Vec<usize>,
    /// `owns` and `backs_up` together, most urgent first (see `urgency`).
    pub involved: Vec<usize>,
}

/// A system named in a process's `systems`, with the processes that touch it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct System {
    pub name: String,
    pub slug: String,
    pub processes: Vec<usize>,
}

/// The governance of a site: every process's facts, who is involved in them, which systems
/// they touch, and every finding.
#[derive(Debug, Clone, Default)]
pub struct Governance {
    /// Process pages in reading order.
    pub(crate) processes: Vec<Process>,
    /// Per page, its index in `processes`.
    by_page: Vec<Option<usize>>,
    /// Everyone who owns or backs up a process, by name.
    pub(crate) people: Vec<Person>,
    /// Every system a process touches, by name.
    pub(crate) systems: Vec<System>,
    /// The live processes on each [`List`], in its order (indexed by `List as usize`).
    lists: [Vec<usize>; 5],
    pub(crate) findings: Vec<Finding>,
}

/// A URL slug for a name: its slug, or (for a name of only punctuation or symbols) a stable
/// one made from its hash.
pub(crate) fn name_slug(name: &str) -> String {
    let slug = crate::content::slug::slugify(name);
    if slug.is_empty() {
        format!("n-{:08x}", xxhash_rust::xxh3::xxh3_64(name.as_bytes()) as u32)
    } else {
        slug
    }
}

/// The folder of a person's page.
pub(crate) fn person_dir(name: &str) -> String {
    format!("{OWNERS_DIR}{}/", name_slug(name))
}

/// The folder of a system's page.
pub(crate) fn system_dir(name: &str) -> String {
    format!("{SYSTEMS_DIR}{}/", name_slug(name))
}

/// The dashboard's folder below the base URL.
pub(crate) const DIR: &str = "governance/";

/// Whether the site has a dashboard: it has processes, or broken links are warnings (a wiki
/// being brought in), which the dashboard lists.
pub(crate) fn has_dashboard(gov: &Governance, broken_warn: bool) -> bool {
    !gov.processes.is_empty() || broken_warn
}

/// The folder of the people index and of every person's page.
pub(crate) const OWNERS_DIR: &str = "governance/owners/";
/// The folder of the systems index and of every system's page.
pub(crate) const SYSTEMS_DIR: &str = "governance/systems/";
/// The Atom feed of reviews.
pub(crate) const FEED: &str = "changes.xml";

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

/// The facts of every process of `site` on `today`, and the people and systems they name:
/// what the plan needs (one page per person and system) before any link is resolved.
pub(crate) fn facts(site: &Site, default_every: Period, today: Date) -> Governance {
    let mut gov = Governance { by_page: vec![None; site.pages.len()], ..Governance::default() };
    for &id in &site.order {
        let page = &site.pages[id];
        if !page.meta.is_process() {
            continue;
        }
        let every = page.meta.review_every.unwrap_or(default_every);
        let (due, days_left, state) = review_state(page.meta.reviewed, every, today);
        let owner = non_empty(page.meta.owner.as_deref());
        // The owner named as their own backup is no backup.
        let owner_slug = owner.as_deref().map(name_slug);
        let mut backups: Vec<String> = Vec::new();
        for b in page.meta.backups.iter().flatten().filter_map(|b| non_empty(Some(b))) {
            let slug = name_slug(&b);
            if owner_slug.as_ref() != Some(&slug) && !backups.iter().any(|o| name_slug(o) == slug) {
                backups.push(b);
            }
        }
        let process = Process {
            page: id,
            live: !is_draft(page) && !is_deprecated(page),
            owner,
            backups,
            systems: page
                .meta
                .systems
                .iter()
                .flatten()
                .filter_map(|s| non_empty(Some(s)))
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
    gov.index_names();
    gov.lists = List::ALL.map(|list| gov.on(list));
    gov
}

/// The person `name` slugifies to, added when new.
fn person<'m>(people: &'m mut HashMap<String, Person>, name: &str) -> &'m mut Person {
    people.entry(name_slug(name)).or_insert_with_key(|slug| Person {
        name: name.to_string(),
        slug: slug.clone(),
        owns: Vec::new(),
        backs_up: Vec::new(),
        involved: Vec::new(),
    })
}

impl Governance {
    /// Fills `people` and `systems` from the processes, each sorted by name.
    fn index_names(&mut self) {
        let mut people: HashMap<String, Person> = HashMap::new();
        let mut systems: HashMap<String, System> = HashMap::new();
        for (i, p) in self.processes.iter().enumerate() {
            if let Some(owner) = &p.owner {
                person(&mut people, owner).owns.push(i);
            }
            // `facts` dropped backups named twice or naming the owner.
            for b in &p.backups {
                person(&mut people, b).backs_up.push(i);
            }
            for s in &p.systems {
                let system = systems.entry(name_slug(s)).or_insert_with_key(|slug| System {
                    name: s.clone(),
                    slug: slug.clone(),
                    processes: Vec::new(),
                });
                if system.processes.last() != Some(&i) {
                    system.processes.push(i);
                }
            }
        }
        for p in people.values_mut() {
            p.involved = p.owns.iter().chain(&p.backs_up).copied().collect();
            p.involved.sort_by_key(|&i| urgency(&self.processes[i], i));
        }
        self.people = people.into_values().collect();
        self.people.sort_by(|a, b| {
            (a.name.to_lowercase(), &a.slug).cmp(&(b.name.to_lowercase(), &b.slug))
        });
        self.systems = systems.into_values().collect();
        self.systems.sort_by(|a, b| {
            (a.name.to_lowercase(), &a.slug).cmp(&(b.name.to_lowercase(), &b.slug))
        });
    }

    /// Applies the rules that read links: `learned` are the pages the assessment's `learn`
    /// links point at (they count as links to a page). Paths in messages are `content` + a
    /// page's path in it (`content_prefix` is `content/`, or empty when the content folder
    /// is the site root).
    pub(crate) fn check(
        &mut self,
        site: &Site,
        graph: &LinkGraph,
        learned: &HashSet<PageId>,
        content_prefix: &str,
    ) {
        self.findings = findings(self, site, graph, learned, content_prefix);
    }
}

fn findings(
    gov: &Governance,
    site: &Site,
    graph: &LinkGraph,
    learned: &HashSet<PageId>,
    content_prefix: &str,
) -> Vec<Finding> {
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
    findings
}

/// A list of live processes that the dashboard shows (and pages in full when it is long).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    Overdue,
    DueSoon,
    OnePerson,
    NoOwner,
    NeverReviewed,
}

impl List {
    pub(crate) const ALL: [List; 5] =
        [List::Overdue, List::DueSoon, List::OnePerson, List::NoOwner, List::NeverReviewed];

    /// Its folder below the dashboard's.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            List::Overdue => "overdue",
            List::DueSoon => "due-soon",
            List::OnePerson => "one-person",
            List::NoOwner => "no-owner",
            List::NeverReviewed => "never-reviewed",
        }
    }

    pub(crate) fn dir(self) -> String {
        format!("{DIR}{}/", self.slug())
    }

    pub(crate) fn title(self) -> &'static str {
        match self {
            List::Overdue => "Overdue for review",
            List::DueSoon => "Due for review in the next 30 days",
            List::OnePerson => "Held by one person",
            List::NoOwner => "No owner",
            List::NeverReviewed => "Never reviewed",
        }
    }

    /// One sentence under the title.
    pub(crate) fn description(self) -> &'static str {
        match self {
            List::Overdue => {
                "Past their review date, most overdue first: the steps may no longer match how the work is done."
            }
            List::DueSoon => "Their review date falls within 30 days, soonest first.",
            List::OnePerson => {
                "An owner and no backup: if that person is away, nobody else knows how to run it."
            }
            List::NoOwner => "Nobody answers for these processes.",
            List::NeverReviewed => {
                "No review date: nobody has confirmed that the steps match reality."
            }
        }
    }

    fn holds(self, p: &Process) -> bool {
        match self {
            List::Overdue => p.state == ReviewState::Overdue,
            List::DueSoon => p.state == ReviewState::DueSoon,
            List::OnePerson => p.one_person(),
            List::NoOwner => p.owner.is_none(),
            List::NeverReviewed => p.state == ReviewState::Never,
        }
    }
}

/// Review state, most urgent first: overdue (most days first), never reviewed, due soon
/// (soonest first), on time; processes that are not live last. Ties in reading order.
fn urgency(p: &Process, index: usize) -> (bool, u8, i64, usize) {
    let state = match p.state {
        ReviewState::Overdue => 0,
        ReviewState::Never => 1,
        ReviewState::DueSoon => 2,
        ReviewState::OnTime => 3,
    };
    (!p.live, state, p.days_left.unwrap_or(0), index)
}

/// A person owns this many processes that nobody backs up: a key-person risk.
pub(crate) const KEY_PERSON_MIN: usize = 2;

/// What a person's involvement adds up to (live processes only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct PersonCounts {
    pub owns: usize,
    /// Owned with no backup.
    pub alone: usize,
    pub backs_up: usize,
    /// Owned or backed up, and overdue / due soon.
    pub overdue: usize,
    pub due_soon: usize,
}

impl PersonCounts {
    /// Owns [`KEY_PERSON_MIN`] or more processes that nobody else knows.
    pub(crate) fn key_person(&self) -> bool {
        self.alone >= KEY_PERSON_MIN
    }
}

/// Headline numbers over some live processes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct Health {
    pub processes: usize,
    pub owned: usize,
    pub backed_up: usize,
    /// Reviewed and not overdue (due soon counts as on time).
    pub on_time: usize,
    pub due_soon: usize,
    pub overdue: usize,
    pub never: usize,
    pub one_person: usize,
}

impl Health {
    fn add(&mut self, p: &Process) {
        self.processes += 1;
        self.owned += usize::from(p.owner.is_some());
        self.backed_up += usize::from(p.owner.is_some() && !p.backups.is_empty());
        self.one_person += usize::from(p.one_person());
        match p.state {
            ReviewState::OnTime => self.on_time += 1,
            ReviewState::DueSoon => {
                self.on_time += 1;
                self.due_soon += 1;
            }
            ReviewState::Overdue => self.overdue += 1,
            ReviewState::Never => self.never += 1,
        }
    }
}

impl Governance {
    /// The live processes (indexes into `processes`) on `list`, in its order.
    pub(crate) fn list(&self, list: List) -> &[usize] {
        &self.lists[list as usize]
    }

    /// Computes [`Governance::list`] (once, in `facts`).
    fn on(&self, list: List) -> Vec<usize> {
        let mut out: Vec<usize> = (0..self.processes.len())
            .filter(|&i| self.processes[i].live && list.holds(&self.processes[i]))
            .collect();
        if matches!(list, List::Overdue | List::DueSoon) {
            out.sort_by_key(|&i| (self.processes[i].days_left, i));
        }
        out
    }

    /// The health of the live processes among `processes` (all of them when `None`).
    pub(crate) fn health(&self, processes: Option<&[usize]>) -> Health {
        let mut h = Health::default();
        let mut add = |p: &Process| {
            if p.live {
                h.add(p);
            }
        };
        match processes {
            Some(ids) => ids.iter().for_each(|&i| add(&self.processes[i])),
            None => self.processes.iter().for_each(add),
        }
        h
    }

    /// What `person`'s involvement adds up to.
    pub(crate) fn person_counts(&self, person: &Person) -> PersonCounts {
        let live = |i: &&usize| self.processes[**i].live;
        let mut c = PersonCounts {
            owns: person.owns.iter().filter(live).count(),
            alone: person
                .owns
                .iter()
                .filter(live)
                .filter(|&&i| self.processes[i].one_person())
                .count(),
            backs_up: person.backs_up.iter().filter(live).count(),
            ..PersonCounts::default()
        };
        for &i in person.owns.iter().chain(&person.backs_up).filter(live) {
            match self.processes[i].state {
                ReviewState::Overdue => c.overdue += 1,
                ReviewState::DueSoon => c.due_soon += 1,
                _ => {}
            }
        }
        c
    }

    /// Live processes with a `reviewed` date, most recently reviewed first (ties in reading
    /// order): the change feed.
    pub(crate) fn recently_reviewed(&self, limit: usize) -> Vec<usize> {
        let mut out: Vec<usize> = (0..self.processes.len())
            .filter(|&i| self.processes[i].live && self.processes[i].reviewed.is_some())
            .collect();
        out.sort_by_key(|&i| (std::cmp::Reverse(self.processes[i].reviewed), i));
        out.truncate(limit);
        out
    }
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
