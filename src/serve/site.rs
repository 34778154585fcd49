//! The dev server's site: inputs kept in memory between rebuilds, and the files served.
//!
//! A rebuild re-reads and re-parses only the files that changed, then runs the cheap
//! whole-site stages (assemble, plan, link) and asks the renderer for a fingerprint of every
//! output: only outputs whose fingerprint changed are rendered again. A one-page text edit
//! therefore renders that page and the pages that show something of it (its backlinks'
//! pages, its neighbours, the navigation of its section when its title changes); a template
//! change renders everything. A failed rebuild changes nothing that is served. Nothing here
//! writes to disk.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::watch::{Batch, Change};
use crate::config::{Config, Overrides};
use crate::content::{self, Asset, Parsed, SourceDoc, load};
use crate::diagnostics::Diagnostics;
use crate::output::OutputFile;
use crate::pipeline::{self, Linked};
use crate::render::theme::AssetUrls;
use crate::render::{PlanEntry, Renderer, Theme, render_entries};

/// One file as served: its bytes, ETag, and (for HTML pages) the version that the page's
/// live-reload tag reports.
#[derive(Debug)]
pub struct Served {
    pub bytes: Arc<[u8]>,
    pub etag: String,
    pub version: Option<String>,
}

impl Served {
    fn new(file: &OutputFile) -> std::io::Result<Served> {
        let bytes: Arc<[u8]> = Arc::from(file.body.read()?.into_owned());
        let etag = format!("\"{:016x}\"", xxh3_64(&bytes));
        let version = version_of(&bytes);
        Ok(Served { bytes, etag, version })
    }
}

/// The `data-version` of the live-reload tag near the end of a page.
fn version_of(bytes: &[u8]) -> Option<String> {
    let tail = &bytes[bytes.len().saturating_sub(512)..];
    let text = String::from_utf8_lossy(tail);
    let start = text.rfind("data-version=\"")? + "data-version=\"".len();
    let end = text[start..].find('"')? + start;
    Some(text[start..end].to_string())
}

/// Output path -> file.
pub(crate) type Files = HashMap<String, Arc<Served>>;

/// A document as read and parsed.
type Doc = (SourceDoc, Arc<Parsed>);

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Rebuilt {
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// Outputs rendered (some may have come out identical).
    pub rendered: usize,
    pub pages: usize,
    pub diagnostics: Diagnostics,
    pub ok: bool,
    pub elapsed: Duration,
}

pub struct DevSite {
    root: PathBuf,
    drafts: bool,
    /// `http://127.0.0.1:1111`: permalinks point at the dev server.
    origin: String,
    cfg: Option<Config>,
    theme: Option<Theme>,
    docs: BTreeMap<String, Doc>,
    /// Problems found when reading each document, reported again on every rebuild until
    /// the file is fixed (as `opsbook build` would report them).
    doc_diags: HashMap<String, Diagnostics>,
    walk_diags: Diagnostics,
    assets: Vec<Asset>,
    fingerprints: HashMap<String, u64>,
    files: Arc<Files>,
    built: bool,
    /// The linked site of the last good build, for the search index (see [`SearchJob`]).
    site: Option<Arc<Linked>>,
}

/// What the search index of one build needs: indexing runs on its own thread (see
/// `serve::rebuild_loop`), so that saving a page never waits for it.
pub struct SearchJob {
    cfg: Config,
    site: Arc<Linked>,
}

impl SearchJob {
    /// Builds the index files, records included.
    pub fn run(&self) -> Vec<OutputFile> {
        if !self.cfg.search.enabled {
            return Vec::new();
        }
        crate::search::index_files(
            &self.cfg,
            &self.site.site,
            &self.site.governance,
            &self.site.searchable,
        )
    }
}

impl DevSite {
    pub fn new(root: PathBuf, drafts: bool, origin: String) -> DevSite {
        DevSite {
            root,
            drafts,
            origin,
            cfg: None,
            theme: None,
            docs: BTreeMap::new(),
            doc_diags: HashMap::new(),
            walk_diags: Diagnostics::new(),
            assets: Vec::new(),
            fingerprints: HashMap::new(),
            files: Arc::new(Files::new()),
            built: false,
            site: None,
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    /// Whether any build has succeeded.
    pub fn built(&self) -> bool {
        self.built
    }

    /// The base path pages are served under (`/` until the config has been read).
    pub fn base_path(&self) -> String {
        self.cfg.as_ref().map_or_else(|| "/".to_string(), |c| c.base_url.path.clone())
    }

    /// The questionnaire's file, once the config has been read.
    pub fn questionnaire(&self) -> Option<PathBuf> {
        self.cfg.as_ref().map(|c| c.assessment.questionnaire.clone())
    }

    pub fn title(&self) -> String {
        self.cfg.as_ref().map_or_else(|| "the site".to_string(), |c| c.title.clone())
    }

    /// The content folder and what in it is skipped (the default before the config is read).
    pub fn content(&self) -> crate::config::ContentDir {
        self.cfg.as_ref().map_or_else(
            || crate::config::ContentDir::default_at(&self.root),
            |c| c.content.clone(),
        )
    }

    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    /// The live-reload tag rendered into every page.
    pub fn live_reload_tag(base: &str) -> String {
        format!(
            "<script type=\"module\" src=\"{base}__opsbook/live.js\" data-opsbook-live data-path=\"{{path}}\" data-version=\"{{version}}\"></script>\n"
        )
    }

    /// Builds everything, search index included (the first build).
    pub fn build_all(&mut self) -> Rebuilt {
        let batch = Batch { changes: [Change::Config].into_iter().collect() };
        let mut rebuilt = self.rebuild(&batch);
        if rebuilt.ok {
            let (changed, removed) = self.update_search();
            rebuilt.changed.extend(changed);
            rebuilt.removed.extend(removed);
        }
        rebuilt
    }

    /// The search job for the last good build, if there is one.
    pub fn search_job(&self) -> Option<SearchJob> {
        Some(SearchJob { cfg: self.cfg.clone()?, site: self.site.clone()? })
    }

    /// Serves the index a job built, unless a newer build has happened since (its own job
    /// will follow). Returns the search files that changed and those that went away.
    pub fn apply_search(
        &mut self,
        job: &SearchJob,
        built: Vec<OutputFile>,
    ) -> (Vec<String>, Vec<String>) {
        if !self.site.as_ref().is_some_and(|site| Arc::ptr_eq(site, &job.site)) {
            return (vec![], vec![]);
        }
        let mut files: Files = self
            .files
            .iter()
            .filter(|(path, _)| !crate::search::layout::is_index_path(path))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut changed = Vec::new();
        for file in built {
            let Ok(served) = Served::new(&file) else { continue };
            if self.files.get(&file.path).is_none_or(|old| old.etag != served.etag) {
                changed.push(file.path.clone());
            }
            files.insert(file.path, Arc::new(served));
        }
        let removed: Vec<String> =
            self.files.keys().filter(|p| !files.contains_key(*p)).cloned().collect();
        self.files = Arc::new(files);
        (changed, removed)
    }

    /// Rebuilds the search index of the last good build, on this thread (tests, the first
    /// build). Returns the search files that changed and those that went away.
    pub fn update_search(&mut self) -> (Vec<String>, Vec<String>) {
        let Some(job) = self.search_job() else { return (vec![], vec![]) };
        let built = job.run();
        self.apply_search(&job, built)
    }

    /// Applies a batch of changes. On any error the served files stay as they were.
    pub fn rebuild(&mut self, batch: &Batch) -> Rebuilt {
        let start = Instant::now();
        let mut timer = crate::timer::StageTimer::new();
        let mut diags = Diagnostics::new();
        let done = |diags: Diagnostics, changed, removed, rendered, pages| {
            let ok = !diags.has_errors();
            Rebuilt {
                changed,
                removed,
                rendered,
                pages,
                diagnostics: diags,
                ok,
                elapsed: start.elapsed(),
            }
        };

        let config_changed = self.cfg.is_none() || batch.changes.contains(&Change::Config);
        if config_changed {
            let Some(mut cfg) = Config::load(&self.root, &Overrides::default(), &mut diags) else {
                return done(diags, vec![], vec![], 0, 0);
            };
            cfg.base_url.origin = Some(self.origin.clone());
            self.cfg = Some(cfg);
        }
        let Some(cfg) = self.cfg.clone() else { return done(diags, vec![], vec![], 0, 0) };

        let theme_changed = config_changed
            || self.theme.is_none()
            || batch.changes.iter().any(|c| matches!(c, Change::Template | Change::Static(_)));
        if theme_changed {
            match Theme::load(&cfg, AssetUrls::Plain, &mut diags) {
                Some(theme) => self.theme = Some(theme),
                None => return done(diags, vec![], vec![], 0, 0),
            }
        }
        // Templates and config shape every page: forget what was rendered.
        if config_changed || batch.changes.contains(&Change::Template) {
            self.fingerprints.clear();
        }

        if config_changed {
            self.docs.clear();
            self.doc_diags.clear();
            self.update_content(&cfg, None);
        } else {
            let changed: Vec<&str> = batch
                .changes
                .iter()
                .filter_map(|c| match c {
                    Change::Content(rel) => Some(rel.as_str()),
                    _ => None,
                })
                .collect();
            if !changed.is_empty() {
                self.update_content(&cfg, Some(&changed));
            }
        }
        diags.extend(self.walk_diags.iter().cloned());
        for d in self.doc_diags.values() {
            diags.extend(d.iter().cloned());
        }
        let Some(theme) = self.theme.as_ref() else { return done(diags, vec![], vec![], 0, 0) };

        timer.lap("reload");
        let docs: Vec<Doc> = self.docs.values().cloned().collect();
        timer.lap("clone");
        // The same stages as a build (the questionnaire and answers files included); the
        // search index is rebuilt after the pages are served (see `update_search`).
        let linked =
            pipeline::link(&cfg, docs, theme, &self.assets, self.drafts, &mut timer, &mut diags);
        let (site, plan) = (&linked.site, &linked.plan);
        if diags.has_errors() {
            return done(diags, vec![], vec![], 0, site.pages.len());
        }
        let tag = DevSite::live_reload_tag(&cfg.base_url.path);
        let today = crate::dates::today();
        let input = linked.input(&cfg, theme, &self.assets, today, Some(&tag));
        let Some(renderer) = Renderer::new(&input, &mut diags) else {
            return done(diags, vec![], vec![], 0, site.pages.len());
        };
        timer.lap("navs");
        let prints: Vec<u64> = plan.entries.par_iter().map(|e| renderer.fingerprint(e)).collect();
        timer.lap("fingerprint");
        let todo: Vec<&PlanEntry> = plan
            .entries
            .iter()
            .zip(&prints)
            .filter(|(e, p)| {
                self.fingerprints.get(&e.path) != Some(p) || !self.files.contains_key(&e.path)
            })
            .map(|(e, _)| e)
            .collect();
        let rendered: Mutex<Vec<(String, Served)>> = Mutex::new(Vec::with_capacity(todo.len()));
        let result = render_entries(
            &renderer,
            todo.iter().copied(),
            &|file| {
                let served = Served::new(&file)?;
                rendered
                    .lock()
                    .map_err(|_| std::io::Error::other("poisoned"))?
                    .push((file.path, served));
                Ok(())
            },
            &mut diags,
        );
        if let Err(err) = result {
            diags.push(crate::diagnostics::Diagnostic::error(
                None,
                format!("cannot read a file of the site: {err}"),
            ));
        }
        if diags.has_errors() {
            return done(diags, vec![], vec![], todo.len(), site.pages.len());
        }
        timer.lap("render");

        let mut files = Files::with_capacity(plan.entries.len());
        let mut changed = Vec::new();
        for (path, served) in rendered.into_inner().unwrap_or_default() {
            if self.files.get(&path).is_none_or(|old| old.etag != served.etag) {
                changed.push(path.clone());
            }
            files.insert(path, Arc::new(served));
        }
        for entry in &plan.entries {
            if !files.contains_key(&entry.path)
                && let Some(old) = self.files.get(&entry.path)
            {
                files.insert(entry.path.clone(), old.clone());
            }
        }
        // The search index of the previous build is served until `update_search` replaces it.
        for (path, old) in self.files.iter() {
            if crate::search::layout::is_index_path(path) && !files.contains_key(path) {
                files.insert(path.clone(), old.clone());
            }
        }
        let mut removed: Vec<String> =
            self.files.keys().filter(|p| !files.contains_key(*p)).cloned().collect();
        changed.sort();
        removed.sort();
        self.fingerprints =
            plan.entries.iter().zip(prints).map(|(e, p)| (e.path.clone(), p)).collect();
        self.files = Arc::new(files);
        self.built = true;
        let (rendered, pages) = (todo.len(), site.pages.len());
        drop(renderer);
        self.site = Some(Arc::new(linked));
        timer.lap("publish");
        done(diags, changed, removed, rendered, pages)
    }

    /// Re-reads content: every file (`changed` is `None`), or the changed paths. Markdown
    /// files are read one by one; any other change (a folder created, renamed or deleted,
    /// an image) re-walks the content folder to find what appeared and disappeared.
    fn update_content(&mut self, cfg: &Config, changed: Option<&[&str]>) {
        let content_dir = cfg.content_dir();
        let mut reread: Vec<(String, PathBuf)> = Vec::new();
        match changed {
            Some(changed) if changed.iter().all(|rel| rel.ends_with(".md")) => {
                for rel in changed {
                    let file = content_dir.join(rel);
                    if file.is_file() {
                        reread.push((rel.to_string(), file));
                    } else {
                        self.docs.remove(*rel);
                        self.doc_diags.remove(*rel);
                    }
                }
            }
            _ => {
                let mut walk_diags = Diagnostics::new();
                let (md_files, assets) = load::walk(&cfg.content, &mut walk_diags);
                self.walk_diags = walk_diags;
                self.assets = assets;
                let present: std::collections::HashSet<&str> =
                    md_files.iter().map(|(rel, _)| rel.as_str()).collect();
                self.docs.retain(|rel, _| present.contains(rel.as_str()));
                self.doc_diags.retain(|rel, _| present.contains(rel.as_str()));
                for (rel, file) in md_files {
                    let touched = changed.is_none_or(|changed| {
                        changed.iter().any(|c| rel == *c || rel.starts_with(&format!("{c}/")))
                    });
                    if touched || !self.docs.contains_key(&rel) {
                        reread.push((rel, file));
                    }
                }
            }
        }
        let parsed: Vec<(String, Option<Doc>, Diagnostics)> = reread
            .into_par_iter()
            .map(|(rel, file)| {
                let mut diags = Diagnostics::new();
                let doc = load::read_doc(rel.clone(), file, &mut diags).map(|doc| {
                    let parsed = content::parse_one(&doc, &cfg.markdown);
                    (doc, Arc::new(parsed))
                });
                (rel, doc, diags)
            })
            .collect();
        for (rel, doc, diags) in parsed {
            match doc {
                Some(doc) => {
                    self.docs.insert(rel.clone(), doc);
                }
                None => {
                    self.docs.remove(&rel);
                }
            }
            if diags.is_empty() {
                self.doc_diags.remove(&rel);
            } else {
                self.doc_diags.insert(rel, diags);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_the_live_reload_tag() {
        let page = b"<html><body>x<script data-opsbook-live data-path=\"a/index.html\" data-version=\"00ff\"></script>\n</body></html>";
        assert_eq!(version_of(page).as_deref(), Some("00ff"));
        assert_eq!(version_of(b"body { color: red }"), None);
    }
}
