//! Watching the site's inputs: sorting file events into kinds of change (Zola's
//! `fs_utils` rule), ignoring editor temp and swap files, and debouncing bursts.
//!
//! The debouncer waits for a quiet period across *all* files, not per file: a single save
//! is rebuilt after 8 ms of quiet, and once several files change together the quiet period
//! grows, so a `git checkout` of 500 files is one rebuild even on a busy machine. It is a plain state machine with the clock passed in, so its tests need
//! no sleeping; the serve loop feeds it events and waits until its deadline.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::config::{CONFIG_FILE, ContentDir};
use crate::content::load::is_ignored_name;

/// How long the files must be quiet before a rebuild starts.
pub(crate) const QUIET: Duration = Duration::from_millis(8);
/// How long they must be quiet once several files changed together: a checkout or a
/// search-and-replace is still writing, and may pause while the machine is busy.
pub(crate) const BURST_QUIET: Duration = Duration::from_millis(120);
/// How many changed paths make a burst (an editor's save touches one or two).
pub(crate) const BURST_SIZE: usize = 4;
/// The longest a stream of changes is held back before a rebuild starts anyway.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(2);

/// What a changed path means for the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `opsbook.toml`: everything is rebuilt.
    Config,
    /// Anything under `templates/`: every page is re-rendered.
    Template,
    /// A file (or folder) under `static/`, relative to it.
    Static(String),
    /// A file (or folder) under `content/`, relative to it.
    Content(String),
    /// The questionnaire or an answers file, when they live outside `content/`.
    Questionnaire,
}

/// Sorts one changed path. `None` for paths the site does not read: editor leftovers,
/// the output folder, version control. `assessment` is the questionnaire's folder.
pub(crate) fn classify(
    root: &Path,
    content: &ContentDir,
    assessment: Option<&Path>,
    path: &Path,
) -> Option<Change> {
    if let Some(dir) = assessment
        && path.starts_with(dir)
        && !dir.starts_with(&content.path)
    {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return (!is_ignored_name(&name)).then_some(Change::Questionnaire);
    }
    let rel = path.strip_prefix(root).ok()?;
    if rel.components().any(|c| is_ignored_name(&c.as_os_str().to_string_lossy())) {
        return None;
    }
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_str()?;
    let rest = parts.as_path().to_string_lossy().replace('\\', "/");
    match first {
        CONFIG_FILE if rest.is_empty() => return Some(Change::Config),
        "templates" => return Some(Change::Template),
        "static" if !rest.is_empty() => return Some(Change::Static(rest)),
        "static" => return Some(Change::Template),
        _ => {}
    }
    let in_content = path.strip_prefix(&content.path).ok()?;
    let in_content = in_content.to_string_lossy().replace('\\', "/");
    // What the content walk skips is no reason to rebuild: `ignore`d paths, and, when the
    // content folder is the root, the output (a folder holding an opsbook manifest).
    let output = content.is_root() && root.join(first).join(crate::output::MARKER_FILE).is_file();
    if content.excluded(&in_content) || output || (in_content.is_empty() && !content.is_root()) {
        return None;
    }
    Some(Change::Content(in_content))
}

/// Changes collected over one quiet period.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    pub changes: BTreeSet<Change>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Collects changes until the files have been quiet for `quiet` (`burst_quiet` once the
/// batch holds `BURST_SIZE` changes), or `max` has passed since the first change.
#[derive(Debug)]
pub(crate) struct Debouncer {
    quiet: Duration,
    burst_quiet: Duration,
    max: Duration,
    first: Option<Instant>,
    last: Option<Instant>,
    batch: Batch,
}

impl Debouncer {
    pub(crate) fn new(quiet: Duration, burst_quiet: Duration, max: Duration) -> Debouncer {
        Debouncer { quiet, burst_quiet, max, first: None, last: None, batch: Batch::default() }
    }

    pub(crate) fn add(&mut self, now: Instant, change: Change) {
        self.first.get_or_insert(now);
        self.last = Some(now);
        self.batch.changes.insert(change);
    }

    /// When the pending batch is due, or `None` when nothing is pending.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        let quiet =
            if self.batch.changes.len() >= BURST_SIZE { self.burst_quiet } else { self.quiet };
        Some((self.last? + quiet).min(self.first? + self.max))
    }

    /// The batch, if its deadline has passed.
    pub(crate) fn take_if_due(&mut self, now: Instant) -> Option<Batch> {
        if now < self.deadline()? {
            return None;
        }
        self.first = None;
        self.last = None;
        Some(std::mem::take(&mut self.batch))
    }
}

/// Starts watching the site's inputs; every relevant path is sent to `events`. The
/// watcher stops when the returned value is dropped.
pub(crate) fn watch(
    root: &Path,
    inputs: &[PathBuf],
    events: Sender<PathBuf>,
) -> notify::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else { return };
        let relevant =
            matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
            ) && !matches!(event.kind, EventKind::Modify(notify::event::ModifyKind::Metadata(_)));
        if relevant {
            for path in event.paths {
                let _ = events.send(path);
            }
        }
    })?;
    // The root itself, not recursively: opsbook.toml, and input folders created later (the
    // serve loop watches those once they appear).
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for dir in inputs.iter().filter(|d| d.is_dir()) {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_into_kinds_of_change() {
        let root = Path::new("/site");
        let content = ContentDir::default_at(root);
        let cases = [
            ("/site/opsbook.toml", Some(Change::Config)),
            (
                "/site/content/returns/refunds.md",
                Some(Change::Content("returns/refunds.md".into())),
            ),
            ("/site/content/returns", Some(Change::Content("returns".into()))),
            ("/site/content/img/flow.png", Some(Change::Content("img/flow.png".into()))),
            ("/site/templates/page.html", Some(Change::Template)),
            ("/site/templates/partials/x.html", Some(Change::Template)),
            ("/site/static/assets/opsbook.css", Some(Change::Static("assets/opsbook.css".into()))),
            ("/site/content/returns/.refunds.md.swp", None),
            ("/site/content/returns/refunds.md~", None),
            ("/site/content/returns/#refunds.md#", None),
            ("/site/content/.git/HEAD", None),
            ("/site/content/returns/4913", None),
            ("/site/public/index.html", None),
            ("/site/.git/index", None),
            ("/site/opsbook.toml.swp", None),
            ("/elsewhere/content/a.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(root, &content, None, Path::new(path)), want, "{path}");
        }
        // A questionnaire kept outside content/ is watched as its own kind of change.
        let outside = Some(Path::new("/site/readiness"));
        assert_eq!(
            classify(root, &content, outside, Path::new("/site/readiness/q.toml")),
            Some(Change::Questionnaire)
        );
        assert_eq!(
            classify(root, &content, outside, Path::new("/site/readiness/.q.toml.swp")),
            None
        );
        let inside = Some(Path::new("/site/content/assessment"));
        assert_eq!(
            classify(
                root,
                &content,
                inside,
                Path::new("/site/content/assessment/questionnaire.toml")
            ),
            Some(Change::Content("assessment/questionnaire.toml".into()))
        );
    }

    #[test]
    fn a_vault_at_the_root_is_content_but_for_the_sites_own_folders() {
        let root = Path::new("/vault");
        let mut ignore = globset::GlobSetBuilder::new();
        ignore.add(
            globset::GlobBuilder::new("_templates/**").literal_separator(true).build().unwrap(),
        );
        let content = ContentDir {
            path: root.to_path_buf(),
            rel: String::new(),
            ignore: ignore.build().unwrap(),
        };
        let cases = [
            ("/vault/opsbook.toml", Some(Change::Config)),
            ("/vault/Daily note.md", Some(Change::Content("Daily note.md".into()))),
            ("/vault/ops/pick.md", Some(Change::Content("ops/pick.md".into()))),
            ("/vault/templates/page.html", Some(Change::Template)),
            ("/vault/_templates/daily.md", None),
            ("/vault/.obsidian/workspace.json", None),
            ("/vault/.trash/old.md", None),
            ("/vault/node_modules/x/readme.md", None),
            ("/vault/target/doc.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(root, &content, None, Path::new(path)), want, "{path}");
        }
    }

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    fn debouncer() -> Debouncer {
        Debouncer::new(
            Duration::from_millis(10),
            Duration::from_millis(100),
            Duration::from_secs(2),
        )
    }

    #[test]
    fn a_single_change_is_due_after_the_quiet_period() {
        let t0 = Instant::now();
        let mut d = debouncer();
        assert_eq!(d.deadline(), None);
        d.add(t0, Change::Config);
        assert_eq!(d.deadline(), Some(at(t0, 10)));
        assert!(d.take_if_due(at(t0, 9)).is_none());
        let batch = d.take_if_due(at(t0, 10)).unwrap();
        assert_eq!(batch.changes.len(), 1);
        assert_eq!(d.deadline(), None, "nothing pending after the batch is taken");
    }

    #[test]
    fn a_burst_of_500_changes_is_one_batch_even_with_pauses() {
        let t0 = Instant::now();
        let mut d = debouncer();
        for i in 0..500u64 {
            // A change every 3 ms, with a 60 ms pause every 100 files (a busy machine).
            let now = at(t0, i * 3 + (i / 100) * 60);
            d.add(now, Change::Content(format!("p{i}.md")));
            assert!(d.take_if_due(now).is_none(), "split at file {i}");
        }
        let last = at(t0, 499 * 3 + 4 * 60);
        assert!(d.take_if_due(last + Duration::from_millis(99)).is_none());
        let batch = d.take_if_due(last + Duration::from_millis(100)).unwrap();
        assert_eq!(batch.changes.len(), 500);
    }

    #[test]
    fn an_endless_stream_is_cut_at_the_maximum_wait() {
        let t0 = Instant::now();
        let mut d = Debouncer::new(
            Duration::from_millis(10),
            Duration::from_millis(100),
            Duration::from_millis(100),
        );
        for i in 0..30 {
            d.add(at(t0, i * 5), Change::Content(format!("p{i}.md")));
        }
        assert_eq!(d.deadline(), Some(at(t0, 100)));
        assert!(d.take_if_due(at(t0, 100)).is_some());
    }

    #[test]
    fn repeated_changes_to_one_file_are_one_change() {
        let t0 = Instant::now();
        let mut d = debouncer();
        for i in 0..5 {
            d.add(at(t0, i), Change::Content("a.md".into()));
        }
        // Still one file: the short quiet period applies.
        assert_eq!(d.take_if_due(at(t0, 14)).unwrap().changes.len(), 1);
    }
}
