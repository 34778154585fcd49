//! The governance pages (DESIGN.md section 6): the dashboard `/governance/` (headline
//! numbers, the lists that need attention, health per section, key people, systems and the
//! latest assessment), one page per person and per system, the people and systems indexes,
//! the long lists in full, and the Atom feed `/changes.xml` of reviews.
//!
//! Every rule and every order is the `governance` module's: this module lays its results out.
//! Every list a page shows is bounded (a page of [`LISTING_PAGE_SIZE`] entries, with
//! pagination), so no page grows with the site. Charts are inline SVG with the numbers beside
//! them in text: the pages need no JavaScript.

use super::*;
use crate::governance::{
    self, DIR, FEED, Governance, Health, List, OWNERS_DIR, Person, PersonCounts, Process,
    SYSTEMS_DIR, System,
};

/// Systems or people a person or system page lists beside its processes.
const RELATED_LIMIT: usize = 20;

/// One process in a table.
#[derive(Debug, Clone, Serialize)]
struct ProcessRow {
    title: String,
    url: String,
    section: Option<String>,
    owner: Option<LinkView>,
    backups: Vec<LinkView>,
    systems: Vec<LinkView>,
    /// `ok`, `due-soon`, `overdue` or `never`.
    state: &'static str,
    /// "Overdue by 12 days", "Due in 5 days", "On time", "Never reviewed".
    state_label: String,
    due: Option<String>,
    due_iso: Option<String>,
    /// `deprecated` or `draft` for processes the rules skip.
    status: Option<&'static str>,
    one_person: bool,
    /// On a person's page: `Owner` or `Backup`.
    role: Option<&'static str>,
}

/// Headline numbers with percentages of all processes.
#[derive(Debug, Clone, Serialize)]
struct HealthView {
    processes: usize,
    owned: usize,
    owned_pct: u32,
    backed_up: usize,
    backed_up_pct: u32,
    on_time: usize,
    on_time_pct: u32,
    due_soon: usize,
    overdue: usize,
    never: usize,
    one_person: usize,
    no_owner: usize,
    /// The review states as a stacked bar (inline SVG).
    bar: String,
}

#[derive(Debug, Clone, Serialize)]
struct ListView {
    slug: &'static str,
    title: &'static str,
    description: &'static str,
    rows: Vec<ProcessRow>,
    total: usize,
    /// The whole list, when it is longer than the dashboard shows.
    more_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct SectionHealth {
    title: String,
    url: String,
    health: HealthView,
}

#[derive(Debug, Clone, Serialize)]
struct PersonRow {
    name: String,
    url: String,
    owns: usize,
    /// Owned with no backup.
    alone: usize,
    backs_up: usize,
    overdue: usize,
    due_soon: usize,
    key_person: bool,
}

#[derive(Debug, Clone, Serialize)]
struct SystemRow {
    name: String,
    url: String,
    processes: usize,
    /// How many of them are held by one person or overdue.
    at_risk: usize,
}

#[derive(Debug, Clone, Serialize)]
struct Donut {
    label: &'static str,
    value: usize,
    pct: u32,
    svg: String,
}

#[derive(Serialize)]
struct DashboardView {
    title: String,
    /// HTML of `content/governance/_index.md`, when the site has one.
    intro: Option<String>,
    today: String,
    health: HealthView,
    donuts: Vec<Donut>,
    lists: Vec<ListView>,
    sections: Vec<SectionHealth>,
    people: Vec<PersonRow>,
    people_total: usize,
    key_people: usize,
    key_person_min: usize,
    systems: Vec<SystemRow>,
    systems_total: usize,
    /// What the handbook shows about the assessment's questions, beside the latest result.
    evidence: Vec<EvidenceRow>,
    /// The links that go nowhere, with `[links] broken = "warn"`.
    broken: Option<BrokenView>,
    links: GovernanceLinks,
}

/// The broken links of a wiki being brought in, on the dashboard.
#[derive(Debug, Clone, Serialize)]
struct BrokenView {
    total: usize,
    rows: Vec<BrokenRow>,
}

#[derive(Debug, Clone, Serialize)]
struct BrokenRow {
    page: LinkView,
    /// `file.md:12`.
    place: String,
    target: String,
    reason: String,
}

/// How many broken links the dashboard lists (a wiki just brought in may have thousands).
const BROKEN_ROWS: usize = 500;

/// One question with evidence, on the dashboard.
#[derive(Debug, Clone, Serialize)]
struct EvidenceRow {
    question: String,
    /// "5 of 7 processes under fulfillment/ have an owner (71%)".
    shows: String,
    /// Whether the latest committed response contradicts it; `None` without responses.
    contradicted: Option<bool>,
}

/// Where the governance pages are.
#[derive(Debug, Clone, Serialize)]
struct GovernanceLinks {
    dashboard: String,
    people: String,
    systems: Option<String>,
    feed: String,
}

#[derive(Serialize)]
struct ListPageView {
    title: &'static str,
    description: &'static str,
    rows: Vec<ProcessRow>,
    total: usize,
    pagination: Option<Pagination>,
    links: GovernanceLinks,
}

#[derive(Serialize)]
struct PersonView {
    name: String,
    url: String,
    counts: PersonRow,
    rows: Vec<ProcessRow>,
    total: usize,
    pagination: Option<Pagination>,
    systems: Vec<LinkView>,
    key_person_min: usize,
    links: GovernanceLinks,
}

#[derive(Serialize)]
struct SystemView {
    name: String,
    url: String,
    rows: Vec<ProcessRow>,
    total: usize,
    at_risk: usize,
    pagination: Option<Pagination>,
    owners: Vec<LinkView>,
    connected: Vec<ConnectedView>,
    links: GovernanceLinks,
}

#[derive(Serialize)]
struct ConnectedView {
    name: String,
    url: String,
    /// Processes that touch both systems.
    shared: usize,
}

#[derive(Serialize)]
struct IndexView<T> {
    title: &'static str,
    rows: Vec<T>,
    total: usize,
    pagination: Option<Pagination>,
    key_person_min: usize,
    links: GovernanceLinks,
}

/// `part` of `whole` in whole percent (0 of nothing).
fn pct(part: usize, whole: usize) -> u32 {
    if whole == 0 { 0 } else { ((part as f64 * 100.0) / whole as f64).round() as u32 }
}

fn days(n: i64) -> String {
    format!(
        "{} day{}",
        crate::timer::thousands(n.unsigned_abs() as usize),
        if n.abs() == 1 { "" } else { "s" }
    )
}

/// The review states as one stacked bar: on time, due soon, overdue, never reviewed.
fn state_bar(h: &Health) -> String {
    let parts = [
        ("ok", h.on_time - h.due_soon, "on time"),
        ("due-soon", h.due_soon, "due soon"),
        ("overdue", h.overdue, "overdue"),
        ("never", h.never, "never reviewed"),
    ];
    let total = h.processes.max(1) as f64;
    let label: Vec<String> =
        parts.iter().filter(|(_, n, _)| *n > 0).map(|(_, n, what)| format!("{n} {what}")).collect();
    let label = if label.is_empty() { "no processes".to_string() } else { label.join(", ") };
    let mut svg = format!(
        "<svg class=\"state-bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"Review state: {label}\">"
    );
    let mut x = 0.0;
    for (class, n, _) in parts {
        if n == 0 {
            continue;
        }
        let w = n as f64 * 100.0 / total;
        let _ = write!(
            svg,
            "<rect class=\"seg-{class}\" x=\"{x:.2}\" y=\"0\" width=\"{w:.2}\" height=\"10\"/>"
        );
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

/// A ring showing `pct` percent.
fn donut(pct: u32, label: &str) -> String {
    format!(
        "<svg class=\"donut\" viewBox=\"0 0 36 36\" role=\"img\" aria-label=\"{label}: {pct}%\">\
<circle class=\"donut-track\" cx=\"18\" cy=\"18\" r=\"15.9155\"/>\
<circle class=\"donut-value{}\" cx=\"18\" cy=\"18\" r=\"15.9155\" stroke-dasharray=\"{pct} 100\" transform=\"rotate(-90 18 18)\"/>\
<text x=\"18\" y=\"20.5\" text-anchor=\"middle\" aria-hidden=\"true\">{pct}%</text></svg>",
        if pct >= 80 {
            " good"
        } else if pct >= 50 {
            " fair"
        } else {
            " poor"
        }
    )
}

fn health_view(h: &Health) -> HealthView {
    HealthView {
        processes: h.processes,
        owned: h.owned,
        owned_pct: pct(h.owned, h.processes),
        backed_up: h.backed_up,
        backed_up_pct: pct(h.backed_up, h.processes),
        on_time: h.on_time,
        on_time_pct: pct(h.on_time, h.processes),
        due_soon: h.due_soon,
        overdue: h.overdue,
        never: h.never,
        one_person: h.one_person,
        no_owner: h.processes - h.owned,
        bar: state_bar(h),
    }
}

/// What the dev server hashes of one process: everything its rows show.
pub(super) fn process_hash(input: &RenderInput<'_>, p: &Process) -> u64 {
    let site = input.site;
    let page = &site.pages[p.page];
    let section = &site.pages[site.sections[page.section].page].title;
    let status = page.meta.status.map(|s| s.as_str());
    // The feed's summary is the description, else the first paragraph.
    let summary = (&page.meta.description, &page.doc.summary);
    hash_of(&(p, &page.title, &page.path, section, status, summary))
}

impl Renderer<'_> {
    fn gov(&self) -> &Governance {
        self.input.governance
    }

    fn links(&self) -> GovernanceLinks {
        let base = &self.input.cfg.base_url;
        GovernanceLinks {
            dashboard: base.url(DIR),
            people: base.url(OWNERS_DIR),
            systems: (!self.gov().systems.is_empty()).then(|| base.url(SYSTEMS_DIR)),
            feed: base.url(FEED),
        }
    }

    fn person_link(&self, name: &str) -> LinkView {
        LinkView {
            title: name.to_string(),
            url: self.input.cfg.base_url.url(&governance::person_dir(name)),
        }
    }

    fn system_link(&self, name: &str) -> LinkView {
        LinkView {
            title: name.to_string(),
            url: self.input.cfg.base_url.url(&governance::system_dir(name)),
        }
    }

    /// The links a process page shows for its owner, backups and systems.
    pub(super) fn process_links(
        &self,
        p: &Process,
    ) -> (Option<LinkView>, Vec<LinkView>, Vec<LinkView>) {
        (
            p.owner.as_deref().map(|o| self.person_link(o)),
            p.backups.iter().map(|b| self.person_link(b)).collect(),
            p.systems.iter().map(|s| self.system_link(s)).collect(),
        )
    }

    fn row(&self, i: usize, role: Option<&'static str>) -> ProcessRow {
        let p = &self.gov().processes[i];
        let summary = &self.summaries[p.page];
        let (owner, backups, systems) = self.process_links(p);
        let state_label = match (p.state, p.days_left) {
            (governance::ReviewState::Overdue, Some(d)) => format!("Overdue by {}", days(d)),
            (governance::ReviewState::DueSoon, Some(0)) => "Due today".into(),
            (governance::ReviewState::DueSoon, Some(d)) => format!("Due in {}", days(d)),
            (governance::ReviewState::Never, _) => "Never reviewed".into(),
            _ => "On time".into(),
        };
        let status = self.input.site.pages[p.page]
            .meta
            .status
            .map(|s| s.as_str())
            .filter(|s| *s != "active");
        ProcessRow {
            title: summary.link.title.clone(),
            url: summary.link.url.clone(),
            section: summary.section_title.clone(),
            owner,
            backups,
            systems,
            state: p.state.as_str(),
            state_label,
            due: p.due.map(crate::dates::human_date),
            due_iso: p.due.map(|d| d.to_string()),
            status,
            one_person: p.live && p.one_person(),
            role,
        }
    }

    fn person_row(&self, person: &Person) -> PersonRow {
        let counts = self.gov().person_counts(person);
        let PersonCounts { owns, alone, backs_up, overdue, due_soon } = counts;
        PersonRow {
            name: person.name.clone(),
            url: self.input.cfg.base_url.url(&governance::person_dir(&person.name)),
            owns,
            alone,
            backs_up,
            overdue,
            due_soon,
            key_person: counts.key_person(),
        }
    }

    fn system_row(&self, system: &System) -> SystemRow {
        let gov = self.gov();
        SystemRow {
            name: system.name.clone(),
            url: self.input.cfg.base_url.url(&governance::system_dir(&system.name)),
            processes: system.processes.len(),
            at_risk: system
                .processes
                .iter()
                .map(|&i| &gov.processes[i])
                .filter(|p| {
                    p.live && (p.one_person() || p.state == governance::ReviewState::Overdue)
                })
                .count(),
        }
    }

    /// The job of a governance page.
    pub(super) fn governance_job(&self, origin: &Origin) -> Job {
        let base = &self.input.cfg.base_url;
        let gov = self.gov();
        let page = |template: &'static str, key: &str, view: serde_json::Value| Job::Template {
            template,
            data: generated::generated_data(serde_json::json!({ key: view })),
            nav: Some(0),
        };
        match origin {
            Origin::GovernanceList(list, n) => {
                let all = gov.list(*list);
                let view = ListPageView {
                    title: list.title(),
                    description: list.description(),
                    rows: page::window(all, *n).iter().map(|&i| self.row(i, None)).collect(),
                    total: all.len(),
                    pagination: pagination(base, all.len(), &list.dir(), *n),
                    links: self.links(),
                };
                page("governance-list.html", "list", json(&view))
            }
            Origin::People(n) => page(
                "governance-people.html",
                "index",
                json(&self.index("People", &gov.people, OWNERS_DIR, *n, |p| self.person_row(p))),
            ),
            Origin::Systems(n) => page(
                "governance-systems.html",
                "index",
                json(&self.index("Systems", &gov.systems, SYSTEMS_DIR, *n, |s| self.system_row(s))),
            ),
            Origin::Person(i, n) => {
                page("governance-person.html", "person", json(&self.person_view(*i, *n)))
            }
            Origin::System(i, n) => {
                page("governance-system.html", "system", json(&self.system_view(*i, *n)))
            }
            Origin::Changes => Job::Raw(OutputFile::html(FEED.to_string(), self.feed())),
            _ => Job::Template {
                template: "governance.html",
                data: generated::generated_data(
                    serde_json::json!({ "governance": json(&self.dashboard_view()) }),
                ),
                nav: Some(self.governance_nav()),
            },
        }
    }

    /// Page `n` of the index of `items` (people or systems) below `dir`.
    fn index<T, R>(
        &self,
        title: &'static str,
        items: &[T],
        dir: &str,
        n: usize,
        row: impl Fn(&T) -> R,
    ) -> IndexView<R> {
        IndexView {
            title,
            rows: page::window(items, n).iter().map(row).collect(),
            total: items.len(),
            pagination: pagination(&self.input.cfg.base_url, items.len(), dir, n),
            key_person_min: governance::KEY_PERSON_MIN,
            links: self.links(),
        }
    }

    /// The page `content/governance/_index.md` made, if any: its title and body become the
    /// dashboard's.
    pub(super) fn governance_intro(&self) -> Option<PageId> {
        let site = self.input.site;
        site.pages.iter().position(|p| p.path == DIR && p.is_index && p.file.is_some())
    }

    /// The navigation the dashboard shows: its intro page's section, else the top level.
    pub(super) fn governance_nav(&self) -> SectionId {
        self.governance_intro().map_or(0, |id| self.input.site.pages[id].section)
    }

    fn dashboard_view(&self) -> DashboardView {
        let input = self.input;
        let site = input.site;
        let gov = self.gov();
        let base = &input.cfg.base_url;
        let (title, intro) = match self.governance_intro() {
            Some(id) => {
                let page = &site.pages[id];
                (page.title.clone(), Some(page_html(site, &input.graph.links, id)))
            }
            None => ("Process governance".to_string(), None),
        };
        let all = gov.health(None);
        let health = health_view(&all);
        let donuts = vec![
            Donut {
                label: "Owned",
                value: all.owned,
                pct: health.owned_pct,
                svg: donut(health.owned_pct, "Owned"),
            },
            Donut {
                label: "Backed up",
                value: all.backed_up,
                pct: health.backed_up_pct,
                svg: donut(health.backed_up_pct, "Backed up"),
            },
            Donut {
                label: "Reviewed on time",
                value: all.on_time,
                pct: health.on_time_pct,
                svg: donut(health.on_time_pct, "Reviewed on time"),
            },
        ];
        let lists = List::ALL
            .iter()
            .map(|&list| {
                let ids = gov.list(list);
                ListView {
                    slug: list.slug(),
                    title: list.title(),
                    description: list.description(),
                    rows: ids.iter().take(LISTING_PAGE_SIZE).map(|&i| self.row(i, None)).collect(),
                    total: ids.len(),
                    more_url: (ids.len() > LISTING_PAGE_SIZE).then(|| base.url(&list.dir())),
                }
            })
            .collect();
        // Health per top-level section (processes on the home level count under the home page).
        let mut by_section: Vec<Vec<usize>> = vec![Vec::new(); site.sections.len()];
        for (i, p) in gov.processes.iter().enumerate() {
            let mut s = site.pages[p.page].section;
            while let Some(parent) = site.sections[s].parent.filter(|&parent| parent != 0) {
                s = parent;
            }
            by_section[s].push(i);
        }
        let mut order = vec![0];
        order.extend(site.sections[0].subsections.iter().copied());
        let sections = order
            .into_iter()
            .filter_map(|s| {
                let h = gov.health(Some(&by_section[s]));
                let page = &self.summaries[site.sections[s].page];
                (h.processes > 0).then(|| SectionHealth {
                    title: page.link.title.clone(),
                    url: page.link.url.clone(),
                    health: health_view(&h),
                })
            })
            .take(LISTING_PAGE_SIZE)
            .collect();
        // Key people first: most processes nobody else knows, then most owned.
        let mut people: Vec<PersonRow> = gov.people.iter().map(|p| self.person_row(p)).collect();
        people.sort_by_key(|p| std::cmp::Reverse((p.alone, p.owns, p.backs_up)));
        let key_people = people.iter().filter(|p| p.key_person).count();
        people.truncate(LISTING_PAGE_SIZE);
        let mut systems: Vec<SystemRow> = gov.systems.iter().map(|s| self.system_row(s)).collect();
        systems.sort_by(|a, b| {
            b.processes
                .cmp(&a.processes)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        systems.truncate(LISTING_PAGE_SIZE);
        DashboardView {
            title,
            intro,
            today: crate::dates::human_date(input.today),
            health,
            donuts,
            lists,
            sections,
            people,
            people_total: gov.people.len(),
            key_people,
            key_person_min: governance::KEY_PERSON_MIN,
            systems,
            systems_total: gov.systems.len(),
            evidence: self.evidence_rows(),
            broken: input.cfg.links.broken_warn.then(|| self.broken_view()),
            links: self.links(),
        }
    }

    fn broken_view(&self) -> BrokenView {
        let broken = &self.input.graph.broken;
        let rows = broken
            .iter()
            .take(BROKEN_ROWS)
            .map(|b| {
                let page = &self.input.site.pages[b.page];
                BrokenRow {
                    page: self.summaries[b.page].link.clone(),
                    place: format!("{}{}:{}", self.input.cfg.content.prefix(), page.rel, b.line),
                    target: b.target.clone(),
                    reason: b.reason.clone(),
                }
            })
            .collect();
        BrokenView { total: broken.len(), rows }
    }

    /// The questions with evidence and a value, with whether the latest committed response
    /// contradicts each.
    fn evidence_rows(&self) -> Vec<EvidenceRow> {
        let input = self.input;
        let (Some(a), Some(set)) = (input.assessment, input.evidence) else { return Vec::new() };
        let latest = super::assessment::latest_report(input);
        a.questionnaire
            .questions
            .iter()
            .zip(&set.values)
            .filter_map(|(q, v)| {
                let (ev, v) = (q.evidence.as_ref()?, v.as_ref()?);
                let value = v.value?;
                Some(EvidenceRow {
                    question: q.text.clone(),
                    shows: crate::assessment::report::evidence_sentence(
                        ev, v.matched, v.total, value,
                    ),
                    contradicted: latest
                        .as_ref()
                        .map(|r| r.evidence.iter().any(|e| e.question == q.id && e.contradiction)),
                })
            })
            .take(LISTING_PAGE_SIZE)
            .collect()
    }

    fn person_view(&self, i: usize, n: usize) -> PersonView {
        let gov = self.gov();
        let person = &gov.people[i];
        let all = &person.involved;
        let dir = governance::person_dir(&person.name);
        let base = &self.input.cfg.base_url;
        let rows = page::window(all, n)
            .iter()
            .map(|&p| {
                let role = if person.owns.contains(&p) { "Owner" } else { "Backup" };
                self.row(p, Some(role))
            })
            .collect();
        let mut systems: Vec<&str> = Vec::new();
        for &p in all {
            for s in &gov.processes[p].systems {
                if !systems
                    .iter()
                    .any(|seen| governance::name_slug(seen) == governance::name_slug(s))
                {
                    systems.push(s);
                }
            }
            if systems.len() >= RELATED_LIMIT {
                break;
            }
        }
        PersonView {
            name: person.name.clone(),
            url: base.url(&dir),
            counts: self.person_row(person),
            rows,
            total: all.len(),
            pagination: pagination(base, all.len(), &dir, n),
            systems: systems.into_iter().map(|s| self.system_link(s)).collect(),
            key_person_min: governance::KEY_PERSON_MIN,
            links: self.links(),
        }
    }

    fn system_view(&self, i: usize, n: usize) -> SystemView {
        let gov = self.gov();
        let system = &gov.systems[i];
        let dir = governance::system_dir(&system.name);
        let base = &self.input.cfg.base_url;
        // The systems that share processes with this one: where its data flows.
        let mut shared: HashMap<String, (String, usize)> = HashMap::new();
        let mut owners: Vec<&str> = Vec::new();
        for &p in &system.processes {
            let process = &gov.processes[p];
            let mut seen = HashSet::new();
            for s in &process.systems {
                let slug = governance::name_slug(s);
                if slug != system.slug && seen.insert(slug.clone()) {
                    shared.entry(slug).or_insert_with(|| (s.clone(), 0)).1 += 1;
                }
            }
            if let Some(o) = &process.owner
                && owners.len() < RELATED_LIMIT
                && !owners
                    .iter()
                    .any(|seen| governance::name_slug(seen) == governance::name_slug(o))
            {
                owners.push(o);
            }
        }
        let mut connected: Vec<ConnectedView> = shared
            .into_values()
            .map(|(name, shared)| ConnectedView {
                url: base.url(&governance::system_dir(&name)),
                name,
                shared,
            })
            .collect();
        connected.sort_by(|a, b| {
            b.shared.cmp(&a.shared).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        connected.truncate(RELATED_LIMIT);
        owners.sort_by_key(|o| o.to_lowercase());
        SystemView {
            name: system.name.clone(),
            url: base.url(&dir),
            rows: page::window(&system.processes, n).iter().map(|&p| self.row(p, None)).collect(),
            total: system.processes.len(),
            at_risk: self.system_row(system).at_risk,
            pagination: pagination(base, system.processes.len(), &dir, n),
            owners: owners.into_iter().map(|o| self.person_link(o)).collect(),
            connected,
            links: self.links(),
        }
    }

    /// `changes.xml`: the 50 most recently reviewed processes as an Atom feed (RFC 4287).
    /// Links are absolute when `base_url` is a full URL; ids are the permalinks then, else
    /// `urn:opsbook:` + the page's path.
    fn feed(&self) -> String {
        let input = self.input;
        let base = &input.cfg.base_url;
        let gov = self.gov();
        let recent = gov.recently_reviewed(LISTING_PAGE_SIZE);
        let id = |path: &str| {
            if base.is_absolute() {
                base.permalink(path)
            } else {
                let mut urn = String::from("urn:opsbook:");
                let _ = escape_href(&mut urn, if path.is_empty() { "/" } else { path });
                urn
            }
        };
        let updated =
            recent.first().and_then(|&i| gov.processes[i].reviewed).unwrap_or(input.today);
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
        );
        let _ = write!(out, " xml:lang=\"");
        let _ = escape_html(&mut out, &input.cfg.language);
        out.push_str("\">\n  <title>");
        let _ = escape_html(&mut out, &format!("{}: process reviews", input.cfg.title));
        out.push_str(
            "</title>\n  <subtitle>Processes by review date, most recent first.</subtitle>\n",
        );
        let _ = writeln!(out, "  <id>{}</id>", xml(&id(FEED)));
        let _ = writeln!(
            out,
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
            xml(&base.permalink(FEED))
        );
        let _ = writeln!(
            out,
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml(&base.permalink(DIR))
        );
        let _ = writeln!(out, "  <updated>{updated}T00:00:00Z</updated>");
        let _ = writeln!(out, "  <author><name>{}</name></author>", xml(&input.cfg.title));
        let _ = writeln!(
            out,
            "  <generator version=\"{}\">opsbook</generator>",
            env!("CARGO_PKG_VERSION")
        );
        for &i in &recent {
            let p = &gov.processes[i];
            let page = &input.site.pages[p.page];
            let Some(reviewed) = p.reviewed else { continue };
            out.push_str("  <entry>\n    <title>");
            let _ = escape_html(&mut out, &page.title);
            out.push_str("</title>\n");
            let _ = writeln!(
                out,
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
                xml(&base.permalink(&page.path))
            );
            // One id per review: a new review is a new entry.
            let _ = writeln!(out, "    <id>{}#reviewed-{reviewed}</id>", xml(&id(&page.path)));
            let _ = writeln!(out, "    <updated>{reviewed}T00:00:00Z</updated>");
            if let Some(owner) = &p.owner {
                let _ = writeln!(out, "    <author><name>{}</name></author>", xml(owner));
            }
            if let Some(section) = &self.summaries[p.page].section_title {
                let _ = writeln!(out, "    <category term=\"{}\"/>", xml(section));
            }
            let mut summary = format!("Reviewed on {}", crate::dates::human_date(reviewed));
            if let Some(owner) = &p.owner {
                let _ = write!(summary, " (owner: {owner})");
            }
            if let Some(due) = p.due {
                let _ = write!(summary, "; next review due {}.", crate::dates::human_date(due));
            }
            let description = page.meta.description.as_deref().unwrap_or(&page.doc.summary);
            if !description.trim().is_empty() {
                summary.push(' ');
                summary.push_str(description.trim());
            }
            out.push_str("    <summary>");
            let _ = escape_html(&mut out, &summary);
            out.push_str("</summary>\n  </entry>\n");
        }
        out.push_str("</feed>\n");
        out
    }
}

/// `text` escaped for an XML attribute or element.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html(&mut out, text);
    out
}

/// A view as template data. Every view serialises, so a failure is a bug; it yields `null`
/// (the template then reports the missing value by name) rather than a panic.
fn json(view: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(view).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_and_survive_nothing() {
        assert_eq!(pct(0, 0), 0);
        assert_eq!(pct(1, 3), 33);
        assert_eq!(pct(2, 3), 67);
        assert_eq!(pct(5, 5), 100);
    }

    #[test]
    fn the_state_bar_adds_up_and_says_what_it_shows() {
        let h = Health { processes: 4, on_time: 2, due_soon: 1, overdue: 1, ..Health::default() };
        let svg = state_bar(&h);
        assert!(
            svg.contains("aria-label=\"Review state: 1 on time, 1 due soon, 1 overdue\""),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("x=\"50.00\" y=\"0\" width=\"25.00\""), "{svg}");
    }

    #[test]
    fn day_counts_read_well() {
        assert_eq!(days(-1), "1 day");
        assert_eq!(days(-1200), "1,200 days");
        assert_eq!(days(3), "3 days");
    }
}
