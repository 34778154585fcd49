//! The pipeline (`prepare`: config -> load -> parse -> assemble -> theme -> plan -> link) and
//! the atomic commit, the only code that writes a build's output.
//!
//! `commit` renders into a sibling temporary folder and swaps it in with one rename
//! (`renameat2(RENAME_EXCHANGE)` on Linux), so a failed or killed build leaves the previous
//! output untouched. It refuses to replace a folder it did not create (it leaves a marker
//! file in its output) unless that folder is empty or `--force` is given, and it refuses an
//! output folder that is the site root, holds the site, or sits inside its inputs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::civil::Date;
use thiserror::Error;

use crate::config::{Config, Overrides};
use crate::content::site::AssembleOptions;
use crate::content::{self, Asset, Site};
use crate::diagnostics::Diagnostics;
use crate::links::{self, LinkGraph};
use crate::output::{Body, OutputFile};
use crate::render::{self, Plan, RenderInput, Theme};

/// The file that marks a folder as opsbook's output.
pub const MARKER_FILE: &str = ".opsbook";
const MARKER_TEXT: &str = "This folder was written by opsbook and is replaced on every build.\n";

/// What the pipeline knows before rendering.
pub struct Prepared {
    pub cfg: Config,
    pub site: Site,
    pub assets: Vec<Asset>,
    pub theme: Theme,
    pub plan: Plan,
    pub graph: LinkGraph,
    pub today: Date,
}

impl Prepared {
    pub fn input(&self) -> RenderInput<'_> {
        RenderInput {
            cfg: &self.cfg,
            site: &self.site,
            graph: &self.graph,
            theme: &self.theme,
            assets: &self.assets,
            today: self.today,
            inject: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    pub overrides: Overrides,
    pub drafts: bool,
}

/// Runs every stage up to rendering. `None` when the config or theme cannot be used at
/// all; otherwise problems are in `diags` and the caller decides (build stops on errors,
/// check reports them).
pub fn prepare(root: &Path, opts: &PrepareOptions, diags: &mut Diagnostics) -> Option<Prepared> {
    let cfg = Config::load(root, &opts.overrides, diags)?;
    let loaded = content::load(&cfg.content_dir(), diags);
    let parsed = content::parse(loaded.docs, &cfg.markdown);
    let site = content::site::assemble(parsed, AssembleOptions { drafts: opts.drafts }, diags);
    let theme = Theme::load(&cfg, diags)?;
    let plan = Plan::new(&cfg, &site, &theme, &loaded.assets, diags);
    let files: HashSet<String> = plan.paths();
    let graph = links::link(&site, &cfg.base_url, &files, diags);
    Some(Prepared {
        cfg,
        site,
        assets: loaded.assets,
        theme,
        plan,
        graph,
        today: crate::dates::today(),
    })
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
pub struct BuildStats {
    pub pages: usize,
    pub files: usize,
    pub elapsed: std::time::Duration,
}

/// Checks that `out` may be replaced by a build of the site at `root`.
pub fn check_output(root: &Path, out: &Path, force: bool) -> Result<(), BuildError> {
    let refuse =
        |reason: &str| Err(BuildError::Refused { path: out.to_path_buf(), reason: reason.into() });
    let root = root.canonicalize().map_err(io_err(root))?;
    let out_abs = absolute(out);
    let out_real = out_abs.canonicalize().unwrap_or_else(|_| out_abs.clone());
    if out_real == root {
        return refuse("it is the site root");
    }
    if root.starts_with(&out_real) {
        return refuse("it contains the site");
    }
    for input in ["content", "templates", "static"] {
        if out_real.starts_with(root.join(input)) {
            return refuse(&format!("it is inside the site's {input}/ folder"));
        }
    }
    if out_real.join("content").exists() {
        return refuse("it contains a content/ folder");
    }
    match std::fs::symlink_metadata(&out_abs) {
        Err(_) => Ok(()),
        Ok(meta) if meta.file_type().is_symlink() => {
            refuse("it is a symbolic link; point --output at a real folder")
        }
        Ok(meta) if !meta.is_dir() => refuse("it is a file, not a folder"),
        Ok(_) => {
            let empty = std::fs::read_dir(&out_abs).map_err(io_err(&out_abs))?.next().is_none();
            if empty || force || out_abs.join(MARKER_FILE).is_file() {
                Ok(())
            } else {
                refuse(
                    "it is not empty and opsbook did not create it (no .opsbook marker); use --force to replace it",
                )
            }
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_path_buf())
    }
}

/// Writes one output file below `dir`.
pub fn write_file(dir: &Path, file: &OutputFile) -> std::io::Result<()> {
    let path = dir.join(&file.path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match &file.body {
        Body::Bytes(bytes) => std::fs::write(&path, bytes),
        Body::Static(bytes) => std::fs::write(&path, bytes),
        Body::Copy(source) => std::fs::copy(source, &path).map(|_| ()),
    }
}

/// Renders `prepared` into `out` atomically. Returns `Ok(None)` when rendering reported
/// errors into `diags` (the previous output is untouched).
pub fn commit(
    prepared: &Prepared,
    input: &RenderInput<'_>,
    out: &Path,
    force: bool,
    diags: &mut Diagnostics,
) -> Result<Option<usize>, BuildError> {
    check_output(&prepared.cfg.root, out, force)?;
    let out = absolute(out);
    let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    remove_stale_temps(&parent, &name);
    let tmp = parent.join(format!(".{name}.opsbook-tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    std::fs::create_dir(&tmp).map_err(io_err(&tmp))?;
    // Mark the temp folder first so a killed build's leftovers are recognisably ours.
    std::fs::write(tmp.join(MARKER_FILE), MARKER_TEXT).map_err(io_err(&tmp))?;

    let before = diags.error_count();
    let rendered = render::render(input, &prepared.plan, &|file| write_file(&tmp, &file), diags);
    if let Err(err) = rendered {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(BuildError::Io { path: tmp, source: err });
    }
    if diags.error_count() > before {
        let _ = std::fs::remove_dir_all(&tmp);
        return Ok(None);
    }
    swap_in(&tmp, &out)?;
    Ok(Some(prepared.plan.entries.len()))
}

/// Puts `tmp` in place of `out` with one atomic step where the OS allows it.
fn swap_in(tmp: &Path, out: &Path) -> Result<(), BuildError> {
    if !out.exists() {
        return std::fs::rename(tmp, out).map_err(io_err(out));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, tmp, CWD, out, RenameFlags::EXCHANGE).is_ok() {
            // `tmp` now holds the previous output.
            return std::fs::remove_dir_all(tmp).map_err(io_err(tmp));
        }
    }
    let old = tmp.with_extension("old");
    std::fs::rename(out, &old).map_err(io_err(out))?;
    if let Err(err) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(BuildError::Io { path: out.to_path_buf(), source: err });
    }
    std::fs::remove_dir_all(&old).map_err(io_err(&old))
}

/// Removes temp folders of earlier builds that were killed; only ones carrying our marker.
fn remove_stale_temps(parent: &Path, name: &str) {
    let prefix = format!(".{name}.opsbook-tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if file_name.starts_with(&prefix) && entry.path().join(MARKER_FILE).is_file() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub prepare: PrepareOptions,
    pub force: bool,
}

/// `opsbook build`: prepare, stop on input errors, render and commit.
pub fn build(
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> Result<Option<BuildStats>, BuildError> {
    let start = Instant::now();
    let Some(prepared) = prepare(&opts.root, &opts.prepare, diags) else { return Ok(None) };
    if diags.has_errors() {
        return Ok(None);
    }
    let out = opts.output.clone().unwrap_or_else(|| prepared.cfg.root.join("public"));
    let input = prepared.input();
    let Some(files) = commit(&prepared, &input, &out, opts.force, diags)? else { return Ok(None) };
    Ok(Some(BuildStats { pages: prepared.site.pages.len(), files, elapsed: start.elapsed() }))
}

/// `opsbook check`: every stage including rendering, without writing anything.
pub fn check(root: &Path, opts: &PrepareOptions, diags: &mut Diagnostics) -> Option<usize> {
    let prepared = prepare(root, opts, diags)?;
    if !diags.has_errors() {
        let input = prepared.input();
        let _ = render::render(&input, &prepared.plan, &|_| Ok(()), diags);
    }
    Some(prepared.site.pages.len())
}
