//! `prepare` (config -> load -> parse -> theme -> [`pipeline::link`]) and the atomic commit,
//! the only code that writes a build's output.
//!
//! `commit` renders into a standby folder beside the output (the previous generation,
//! updated in place) and swaps it in with one rename (`renameat2(RENAME_EXCHANGE)` on
//! Linux), so a failed or killed build leaves the live output untouched. It refuses to replace a folder it did not create (it leaves a marker
//! file in its output) unless that folder is empty or `--force` is given, and it refuses an
//! output folder that is the site root, holds the site, or sits inside its inputs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use jiff::civil::Date;
use thiserror::Error;
use walkdir::WalkDir;

use crate::config::{Config, Overrides};
use crate::content::{self, Asset};
use crate::diagnostics::Diagnostics;
use crate::output::OutputFile;
use crate::pipeline::{self, Linked};
use crate::render::theme::AssetUrls;
use crate::render::{self, RenderInput, Theme};
use crate::search;
pub(crate) use crate::timer::StageTimer;

pub(crate) use crate::output::MARKER_FILE;
const MARKER_TEXT: &str = "This folder was written by opsbook and is replaced on every build.\n";

/// What the pipeline knows before rendering.
pub struct Prepared {
    pub cfg: Config,
    /// The site, its plan, links and assessment: what [`pipeline::link`] returns.
    pub linked: Linked,
    pub assets: Vec<Asset>,
    pub theme: Theme,
    pub today: Date,
}

impl Prepared {
    pub fn input(&self) -> RenderInput<'_> {
        self.linked.input(&self.cfg, &self.theme, &self.assets, self.today, None)
    }
}

#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    pub overrides: Overrides,
    pub drafts: bool,
    /// Keep every source text in memory (the dev server re-parses from them); builds drop
    /// them after parsing and re-read a file only to show a line in a diagnostic.
    pub keep_sources: bool,
}

/// Runs every stage up to rendering. `None` when the config or theme cannot be used at
/// all; otherwise problems are in `diags` and the caller decides (build stops on errors,
/// check reports them).
pub fn prepare(root: &Path, opts: &PrepareOptions, diags: &mut Diagnostics) -> Option<Prepared> {
    let mut timer = StageTimer::new();
    let cfg = Config::load(root, &opts.overrides, diags)?;
    let loaded = content::load(&cfg.content, diags);
    timer.lap("load");
    let parsed = content::parse(loaded.docs, &cfg.markdown, opts.keep_sources);
    timer.lap("parse");
    let Some(theme) = Theme::load(&cfg, AssetUrls::Hashed, diags) else {
        // The content's own problems are reported too, as they would be with a good theme.
        let _ = pipeline::assemble(parsed, opts.drafts, diags);
        return None;
    };
    timer.lap("theme");
    // The search index is built while the pages render (see `commit`).
    let linked =
        pipeline::link(&cfg, parsed, &theme, &loaded.assets, opts.drafts, &mut timer, diags);
    if timer.enabled {
        let mb = |n: usize| n as f64 / 1e6;
        let pages = &linked.site.pages;
        let html: usize = pages.iter().map(|p| p.doc.html.len()).sum();
        let blocks: usize = pages.iter().flat_map(|p| &p.doc.blocks).map(|b| b.text.len()).sum();
        eprintln!("  held: html {:.1} MB, plain text {:.1} MB", mb(html), mb(blocks));
    }
    Some(Prepared { cfg, linked, assets: loaded.assets, theme, today: crate::dates::today() })
}

/// Fatal problems of a build (as opposed to problems in the input files).
#[derive(Debug, Error)]
pub enum BuildError {
    #[error("refusing to write to {path}: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io { path: path.to_path_buf(), source }
}

/// Numbers for the summary line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BuildStats {
    pub pages: usize,
    pub files: usize,
    pub elapsed: std::time::Duration,
}

/// Refuses an output folder inside the content folder (`out` as [`check_output`] resolved
/// it). When the content folder is the root itself (`content_dir = "."`), the output may be
/// anywhere below it: the content walk skips any folder that holds an opsbook manifest.
fn refuse_inside_content(out: &Path, spelled: &Path, cfg: &Config) -> Result<(), BuildError> {
    let content = crate::paths::resolve(&cfg.content.path).unwrap_or(cfg.content.path.clone());
    if !cfg.content.is_root() && out.starts_with(&content) {
        return Err(BuildError::Refused {
            path: spelled.to_path_buf(),
            reason: format!("it is inside the site's {} folder", cfg.content.prefix()),
        });
    }
    Ok(())
}

/// Checks that `out` may be replaced by a build of the site at `root`, and returns the
/// folder the build will really write: `out` with every link and `..` resolved.
pub(crate) fn check_output(root: &Path, out: &Path, force: bool) -> Result<PathBuf, BuildError> {
    let refuse =
        |reason: &str| Err(BuildError::Refused { path: out.to_path_buf(), reason: reason.into() });
    let root = root.canonicalize().map_err(io_err(root))?;
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return refuse("it is a symbolic link; point --output at a real folder");
    }
    let out_real = match crate::paths::resolve(out) {
        Ok(path) => path,
        Err(reason) => return refuse(&reason),
    };
    let out_abs = out_real.clone();
    if out_real == root {
        return refuse("it is the site root");
    }
    if root.starts_with(&out_real) {
        return refuse("it contains the site");
    }
    // The content folder is the config's: `build` checks it once the config is read
    // (`refuse_inside_content`).
    for input in ["templates", "static"] {
        if out_real.starts_with(root.join(input)) {
            return refuse(&format!("it is inside the site's {input}/ folder"));
        }
    }
    if out_real.join("content").exists() {
        return refuse("it contains a content/ folder");
    }
    match std::fs::symlink_metadata(&out_abs) {
        Err(_) => Ok(out_real),
        Ok(meta) if !meta.is_dir() => refuse("it is a file, not a folder"),
        Ok(_) => {
            let empty = std::fs::read_dir(&out_abs).map_err(io_err(&out_abs))?.next().is_none();
            if empty || force {
                return Ok(out_real);
            }
            // Any file can be named `.opsbook`: only a manifest that lists exactly the files
            // the folder holds says that opsbook wrote it.
            let marker = out_abs.join(MARKER_FILE);
            match Manifest::read(&marker) {
                Some(manifest) if manifest.complete && manifest.matches(&out_abs) => Ok(out_real),
                Some(_) => refuse(
                    "its .opsbook manifest does not list the files it holds (they were changed or added by hand); use --force to replace it",
                ),
                None if std::fs::symlink_metadata(&marker).is_ok() => refuse(
                    "its .opsbook file is not a manifest written by opsbook; use --force to replace it",
                ),
                None => refuse(
                    "it is not empty and opsbook did not create it (no .opsbook marker); use --force to replace it",
                ),
            }
        }
    }
}

/// What a generation of the output holds, recorded in its marker file so that the next
/// build can tell which files changed without reading them, and so that a folder can be
/// recognised as opsbook's: the header line, then `partial` while a build is writing into
/// it, then one `hash size path` line per file.
///
/// The marker is read back from disk, so nothing in it is trusted: a line that is not of
/// that form, or whose path is not a plain relative path inside the folder, makes the whole
/// file "not opsbook's manifest" (a manifest is only ever used to delete files inside the
/// folder it lies in, and only paths that [`crate::output::is_safe_path`] accepts).
#[derive(Debug, Default, PartialEq)]
struct Manifest {
    files: HashMap<String, (u64, u64)>,
    /// Whether the files listed are exactly what the folder holds: false while a build
    /// writes into it (and after one was killed), and for the header alone.
    complete: bool,
}

/// The line that says a build is (or was, when it was killed) writing into the folder.
const PARTIAL: &str = "partial";

impl Manifest {
    fn read(marker: &Path) -> Option<Manifest> {
        let meta = std::fs::symlink_metadata(marker).ok()?;
        if !meta.is_file() {
            return None;
        }
        Manifest::parse(&std::fs::read_to_string(marker).ok()?)
    }

    fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines().peekable();
        if lines.next()? != MARKER_TEXT.trim_end() {
            return None;
        }
        let partial = lines.next_if_eq(&PARTIAL).is_some();
        let mut files = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let hash = parts.next().filter(|h| h.len() == 16)?;
            let hash = u64::from_str_radix(hash, 16).ok()?;
            let size = parts.next()?.parse().ok()?;
            let path = parts.next()?;
            if !crate::output::is_safe_path(path) || path == MARKER_FILE {
                return None;
            }
            files.insert(path.to_string(), (hash, size));
        }
        let complete = !partial && !files.is_empty();
        Some(Manifest { files, complete })
    }

    fn render(entries: &mut [(String, u64, u64)]) -> String {
        entries.sort();
        let mut out = String::from(MARKER_TEXT);
        for (path, hash, size) in entries.iter() {
            out.push_str(&format!("{hash:016x} {size} {path}\n"));
        }
        out
    }

    /// What the marker says while a build writes into the folder.
    fn partial_text() -> String {
        format!("{MARKER_TEXT}{PARTIAL}\n")
    }

    /// Whether `dir` holds exactly the listed files (names and sizes), besides the marker.
    fn matches(&self, dir: &Path) -> bool {
        let mut seen = 0usize;
        for entry in WalkDir::new(dir).min_depth(1) {
            let Ok(entry) = entry else { return false };
            if entry.file_type().is_dir() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(dir) else { return false };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel == MARKER_FILE {
                continue;
            }
            let Some(&(_, size)) = self.files.get(&rel) else { return false };
            if !entry.file_type().is_file() || entry.metadata().map(|m| m.len()).ok() != Some(size)
            {
                return false;
            }
            seen += 1;
        }
        seen == self.files.len()
    }
}

/// Makes `dir/file.path` hold `file`'s bytes, writing only when they differ, so that a
/// rebuild of an unchanged site reuses every inode (creating and deleting tens of thousands
/// of page folders is what makes naive rebuilds slow on ext4). Returns the file's hash and
/// size for the manifest.
fn sync_file(
    dir: &Path,
    file: &OutputFile,
    known: Option<&Manifest>,
) -> std::io::Result<(u64, u64)> {
    if !crate::output::is_safe_path(&file.path) || file.path == MARKER_FILE {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "refusing to write `{}`: not a path inside the output",
                file.path.escape_debug()
            ),
        ));
    }
    let path = dir.join(&file.path);
    let bytes = file.body.read()?;
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let size = bytes.len() as u64;
    let meta = std::fs::symlink_metadata(&path);
    let same = match (&meta, known) {
        (Ok(m), Some(known)) => {
            m.is_file() && m.len() == size && known.files.get(&file.path) == Some(&(hash, size))
        }
        (Ok(m), None) => m.is_file() && m.len() == size && std::fs::read(&path)? == *bytes,
        (Err(_), _) => false,
    };
    if same {
        return Ok((hash, size));
    }
    if meta.is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(&path)?;
    }
    if let Some(parent) = path.parent() {
        ensure_dir(dir, parent)?;
    }
    // Overwrite in place and then set the length: truncating first would free the file's
    // blocks only to allocate them again, which costs a discard per file on some disks.
    let mut out =
        std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(&path)?;
    std::io::Write::write_all(&mut out, &bytes)?;
    out.set_len(size)?;
    Ok((hash, size))
}

/// Creates `target` (below `root`), removing files that stand where a folder must go.
fn ensure_dir(root: &Path, target: &Path) -> std::io::Result<()> {
    match std::fs::create_dir_all(target) {
        Ok(()) => Ok(()),
        Err(err) => {
            let mut blocked = false;
            for ancestor in target.ancestors().take_while(|a| a.starts_with(root) && *a != root) {
                if std::fs::symlink_metadata(ancestor).is_ok_and(|m| !m.is_dir()) {
                    std::fs::remove_file(ancestor)?;
                    blocked = true;
                }
            }
            if blocked { std::fs::create_dir_all(target) } else { Err(err) }
        }
    }
}

/// Relative paths of the files below `dir` (none when it does not exist).
fn list_files(dir: &Path) -> HashSet<String> {
    WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

/// Removes every entry of the standby folder that is neither a regular file nor a folder:
/// a symbolic link there (planted by hand, or swapped in with a `--force`d folder) would make
/// the next write or delete reach through it, outside the output. Nothing is followed.
pub(crate) fn scrub_standby(standby: &Path) -> Result<(), BuildError> {
    let Ok(meta) = std::fs::symlink_metadata(standby) else { return Ok(()) };
    // A folder that is not opsbook's (no manifest of its own) is left as it is: `commit`
    // refuses it with a clear message.
    if !meta.is_dir() || Manifest::read(&standby.join(MARKER_FILE)).is_none() {
        return Ok(());
    }
    for entry in WalkDir::new(standby).min_depth(1) {
        let entry = entry.map_err(|err| BuildError::Io {
            path: err.path().unwrap_or(standby).to_path_buf(),
            source: err.into(),
        })?;
        let kind = entry.file_type();
        if !kind.is_file() && !kind.is_dir() {
            std::fs::remove_file(entry.path()).map_err(io_err(entry.path()))?;
        }
    }
    Ok(())
}

/// Where the previous generation of `out` is kept: `.public.opsbook-prev` beside it.
pub(crate) fn standby_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.opsbook-prev"))
}

/// Renders `prepared` into `out` atomically. Returns `Ok(None)` when rendering reported
/// errors into `diags`; the live output is untouched either way.
///
/// The previous generation is kept beside the output (`.public.opsbook-prev`). A build
/// brings that standby copy up to date in place, writing only the files whose bytes
/// changed and deleting the ones no longer produced, then exchanges it with the live
/// folder in one `renameat2(RENAME_EXCHANGE)`. The live folder is never written to.
///
/// `out` must be what [`check_output`] returned for it: this function does not ask again.
pub(crate) fn commit(
    prepared: &Prepared,
    input: &RenderInput<'_>,
    out: &Path,
    diags: &mut Diagnostics,
) -> Result<Option<usize>, BuildError> {
    let out = out.to_path_buf();
    let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let standby = standby_path(&out);
    let marker = standby.join(MARKER_FILE);
    let known = match std::fs::symlink_metadata(&standby) {
        Ok(meta) if meta.is_dir() => Manifest::read(&marker).ok_or_else(|| BuildError::Refused {
            path: standby.clone(),
            reason: "opsbook keeps its previous build there, but this folder has no .opsbook marker that opsbook wrote; move it away".into(),
        })?,
        Ok(_) => {
            return Err(BuildError::Refused {
                path: standby,
                reason: "opsbook keeps its previous build there, but this is not a folder; move it away".into(),
            });
        }
        Err(_) => {
            std::fs::create_dir(&standby).map_err(io_err(&standby))?;
            std::fs::write(&marker, Manifest::partial_text()).map_err(io_err(&marker))?;
            Manifest::default()
        }
    };
    let lock = std::fs::File::open(&marker).map_err(io_err(&marker))?;
    if lock.try_lock().is_err() {
        return Err(BuildError::Refused {
            path: out,
            reason: "another opsbook build is writing it right now".into(),
        });
    }

    let before = diags.error_count();
    let mut timer = StageTimer::new();
    // From here on the standby is a mix of generations until the manifest is written again:
    // say so first, so that a build killed in between is followed by one that looks at the
    // files themselves instead of trusting hashes that no longer hold.
    std::fs::write(&marker, Manifest::partial_text()).map_err(io_err(&marker))?;
    let stale: HashSet<String> =
        if known.complete { known.files.keys().cloned().collect() } else { list_files(&standby) };
    let known = known.complete.then_some(&known);
    timer.lap("list");
    let written: Mutex<Vec<(String, u64, u64)>> =
        Mutex::new(Vec::with_capacity(prepared.linked.plan.entries.len()));
    let sink = |file: OutputFile| {
        let (hash, size) = sync_file(&standby, &file, known)?;
        written
            .lock()
            .map_err(|_| std::io::Error::other("poisoned lock"))?
            .push((file.path, hash, size));
        Ok(())
    };
    // The search index needs nothing rendering makes and rendering needs nothing of the
    // index but its fixed manifest path, so the two run side by side: each fills the other's
    // serial stretches.
    let mut render_diags = Diagnostics::new();
    let (rendered, indexed) = rayon::join(
        || render::render(input, &prepared.linked.plan, &sink, &mut render_diags),
        || {
            if prepared.cfg.search.enabled {
                search::index(
                    &prepared.cfg,
                    &prepared.linked.site,
                    &prepared.linked.governance,
                    &prepared.linked.searchable,
                    &sink,
                )
            } else {
                Ok(())
            }
        },
    );
    diags.extend(render_diags);
    timer.lap("render+write");
    if let Err(err) = rendered.and(indexed) {
        // The standby stays marked partial: the next build looks at its files.
        return Err(BuildError::Io { path: standby, source: err });
    }
    if diags.error_count() > before {
        return Ok(None);
    }
    let mut entries = written.into_inner().unwrap_or_default();
    let produced: HashSet<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    let mut emptied = Vec::new();
    for rel in
        stale.iter().filter(|rel| !produced.contains(rel.as_str()) && rel.as_str() != MARKER_FILE)
    {
        let path = standby.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => emptied.extend(path.parent().map(Path::to_path_buf)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(BuildError::Io { path, source: err }),
        }
    }
    remove_empty_dirs(&standby, emptied);
    let count = entries.len();
    std::fs::write(&marker, Manifest::render(&mut entries)).map_err(io_err(&marker))?;
    swap_in(&standby, &out)?;
    timer.lap("swap");
    drop(lock);
    Ok(Some(count))
}

/// Removes the folders (and their parents) left empty by deleted files.
fn remove_empty_dirs(root: &Path, mut dirs: Vec<PathBuf>) {
    // Deepest first, so a parent is tried after its children.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    dirs.dedup();
    for dir in dirs {
        for ancestor in dir.ancestors().take_while(|a| a.starts_with(root) && *a != root) {
            // Fails (and is meant to) when the folder is not empty.
            if std::fs::remove_dir(ancestor).is_err() {
                break;
            }
        }
    }
}

/// Exchanges `standby` and `out` in one atomic step where the OS allows it.
fn swap_in(standby: &Path, out: &Path) -> Result<(), BuildError> {
    if std::fs::symlink_metadata(out).is_err() {
        return std::fs::rename(standby, out).map_err(io_err(out));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, standby, CWD, out, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    // No atomic exchange here (another OS or file system): three renames.
    let aside = standby.with_extension("swap");
    std::fs::rename(out, &aside).map_err(io_err(out))?;
    if let Err(err) = std::fs::rename(standby, out) {
        let _ = std::fs::rename(&aside, out);
        return Err(BuildError::Io { path: out.to_path_buf(), source: err });
    }
    std::fs::rename(&aside, standby).map_err(io_err(standby))
}

#[derive(Debug, Clone)]
pub(crate) struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub prepare: PrepareOptions,
    pub force: bool,
}

/// `opsbook build`: prepare, stop on input errors, render and commit.
pub(crate) fn build(
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> Result<Option<BuildStats>, BuildError> {
    let start = Instant::now();
    let out = opts.output.clone().unwrap_or_else(|| opts.root.join("public"));
    // Whether the output may be replaced is found beside the stages: telling opsbook's own
    // folder from a foreign one reads every file's size, and the stages barely touch the
    // disk by then.
    let (checked, prepared) = std::thread::scope(|scope| {
        let checked = scope.spawn(|| {
            let out = check_output(&opts.root, &out, opts.force)?;
            scrub_standby(&standby_path(&out))?;
            Ok(out)
        });
        let prepared = prepare(&opts.root, &opts.prepare, diags);
        (checked.join(), prepared)
    });
    let Some(prepared) = prepared else { return Ok(None) };
    if diags.has_errors() {
        return Ok(None);
    }
    let spelled = out;
    let out = checked.map_err(|_| BuildError::Refused {
        path: spelled.clone(),
        reason: "the check of the output folder failed".into(),
    })??;
    refuse_inside_content(&out, &spelled, &prepared.cfg)?;
    let input = prepared.input();
    let Some(files) = commit(&prepared, &input, &out, diags)? else { return Ok(None) };
    Ok(Some(BuildStats {
        pages: prepared.linked.site.pages.len(),
        files,
        elapsed: start.elapsed(),
    }))
}

/// `opsbook check`: every stage including rendering, without writing anything.
/// Everything a build does but writing: returns the page count and the governance summary
/// of `check --format json`.
pub(crate) fn check(
    root: &Path,
    opts: &PrepareOptions,
    diags: &mut Diagnostics,
) -> Option<(usize, serde_json::Value)> {
    let prepared = prepare(root, opts, diags)?;
    if !diags.has_errors() {
        let input = prepared.input();
        let _ = render::render(&input, &prepared.linked.plan, &|_| Ok(()), diags);
    }
    let linked = &prepared.linked;
    Some((linked.site.pages.len(), linked.governance.summary(&linked.site, &prepared.cfg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(lines: &[&str]) -> Option<Manifest> {
        let mut text = String::from(MARKER_TEXT);
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        Manifest::parse(&text)
    }

    #[test]
    fn a_manifest_lists_files_and_says_whether_it_is_complete() {
        let m =
            manifest(&["00000000000000ff 12 index.html", "0000000000000001 3 a/b.css"]).unwrap();
        assert!(m.complete);
        assert_eq!(m.files.get("a/b.css"), Some(&(1, 3)));
        let m = manifest(&[PARTIAL, "00000000000000ff 12 index.html"]).unwrap();
        assert!(!m.complete);
        // The header alone (what older versions wrote after a failed build) is partial too.
        assert!(!manifest(&[]).unwrap().complete);
    }

    #[test]
    fn a_manifest_that_names_a_path_outside_its_folder_is_not_a_manifest() {
        for path in ["../victim.txt", "/etc/passwd", "a/../../x", "a//b", ".opsbook", "a\\b"] {
            let line = format!("00000000000000ff 12 {path}");
            assert_eq!(manifest(&[&line]), None, "{path}");
        }
        assert_eq!(Manifest::parse("anything else\n00000000000000ff 1 a\n"), None);
        assert_eq!(manifest(&["ff 12 short-hash"]), None);
        assert_eq!(manifest(&["00000000000000ff twelve index.html"]), None);
    }
}
