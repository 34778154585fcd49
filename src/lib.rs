//! opsbook: Markdown process docs and a readiness questionnaire to a fast, searchable
//! static operations wiki.
//!
//! The library holds all behaviour; `main.rs` parses arguments, calls [`run`] and prints.
//! Stages pass plain data: `config` -> `content` (load, parse, assemble) -> `links` ->
//! `assessment` -> `render` -> `build::commit`. See `DESIGN.md` and each module's docs.
//!
//! Boundaries: an item is `pub` only when the binary, the integration tests or the benchmarks
//! use it; everything else is `pub(crate)` or private, and `unreachable_pub` keeps it so.

#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

pub mod assessment;
pub mod build;
pub mod cli;
pub mod config;
pub mod content;
mod dates;
pub mod diagnostics;
mod git;
mod governance;
pub mod links;
mod output;
mod paths;
mod pipeline;
pub mod render;
mod review;
mod scaffold;
mod search;
pub mod serve;
mod timer;

use timer::duration;
pub use timer::thousands;
mod toml_input;

use std::path::{Path, PathBuf};
use std::time::Instant;

use thiserror::Error;

use crate::assessment::report::{self, View};
use crate::build::{BuildError, BuildOptions, PrepareOptions};
use crate::cli::{AssessArgs, Cli, Command, Format, ReportFormat};
use crate::config::{CONFIG_FILE, Overrides};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, Span, display_path};
use crate::scaffold::ScaffoldError;

/// Failures that are not about a place in an input file.
#[derive(Debug, Error)]
pub enum Error {
    #[error("no {CONFIG_FILE} in {0} or any folder above it; create a site with `opsbook init`")]
    NoRoot(PathBuf),
    #[error("no {CONFIG_FILE} in {0}")]
    NoConfigInRoot(PathBuf),
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    #[error(transparent)]
    Serve(#[from] serve::ServeError),
    #[error("cannot determine the current folder: {0}")]
    Cwd(std::io::Error),
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("refusing to write the report to {}: it is {what}; choose another --output", path.display())]
    RefusedOutput { path: PathBuf, what: String },
}

/// What a command produced, for `main` to print.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Diagnostics,
    /// The site root, to show paths relative to it.
    pub root: Option<PathBuf>,
    /// Lines for standard output (summary, JSON report).
    pub stdout: Vec<String>,
    /// Whether the command failed because of errors in the inputs.
    pub failed: bool,
    /// Whether diagnostics are already part of `stdout` (JSON format).
    pub diagnostics_in_stdout: bool,
    /// What failing means for the user's files ("nothing was written").
    pub failure_note: Option<&'static str>,
}

/// Finds the site root: `--root` if given (it must hold the config), else the nearest
/// folder upward from the current one that holds `opsbook.toml`.
pub fn site_root(explicit: Option<&Path>) -> Result<PathBuf, Error> {
    match explicit {
        Some(dir) => {
            if dir.join(CONFIG_FILE).is_file() {
                // Absolute from here on: the watcher reports absolute paths, and a relative
                // root (`--root ./site`) matched none of them, so `serve` never rebuilt.
                Ok(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()))
            } else {
                Err(Error::NoConfigInRoot(dir.to_path_buf()))
            }
        }
        None => {
            let cwd = std::env::current_dir().map_err(Error::Cwd)?;
            config::find_root(&cwd).ok_or(Error::NoRoot(cwd))
        }
    }
}

/// `check --format json`: the shape of DESIGN section 6, in this order.
#[derive(serde::Serialize)]
struct CheckReport<'a> {
    version: u32,
    pages: Option<usize>,
    errors: Vec<CheckDiagnostic<'a>>,
    warnings: Vec<CheckDiagnostic<'a>>,
    governance: Option<serde_json::Value>,
}

/// One diagnostic as `check --format json` lists it, its path relative to the site root.
#[derive(serde::Serialize)]
struct CheckDiagnostic<'a> {
    rule: Option<&'static str>,
    path: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
    source_line: Option<&'a str>,
}

impl<'a> CheckDiagnostic<'a> {
    fn new(d: &'a Diagnostic) -> CheckDiagnostic<'a> {
        let span = d.span.as_deref();
        let placed = span.filter(|s| s.line > 0);
        CheckDiagnostic {
            rule: d.rule,
            path: span.map(|s| s.path.to_string_lossy().replace('\\', "/")),
            line: placed.map(|s| s.line),
            column: placed.map(|s| s.column),
            message: &d.message,
            help: d.help.as_deref(),
            source_line: placed.map(|s| s.source_line.as_str()),
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<Outcome, Error> {
    let mut out = Outcome::default();
    match cli.command {
        Command::Build(args) => {
            let root = site_root(args.root.root.as_deref())?;
            out.root = Some(root.clone());
            let opts = BuildOptions {
                root,
                output: args.output,
                prepare: PrepareOptions {
                    overrides: Overrides { base_url: args.base_url },
                    drafts: args.drafts,
                    keep_sources: false,
                },
                force: args.force,
            };
            out.failure_note = Some("nothing was written");
            match build::build(&opts, &mut out.diagnostics)? {
                Some(stats) => out.stdout.push(format!(
                    "Built {} ({}) in {}",
                    plural(stats.pages, "page", "pages"),
                    plural(stats.files, "file", "files"),
                    duration(stats.elapsed)
                )),
                None => out.failed = true,
            }
        }
        Command::Serve(args) => {
            let root = site_root(args.root.root.as_deref())?;
            let color = std::env::var_os("NO_COLOR").is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stderr());
            serve::serve(serve::ServeOptions {
                root,
                bind: args.bind,
                port: args.port,
                open: args.open,
                drafts: args.drafts,
                color,
            })?;
        }
        Command::Check(args) => {
            let start = Instant::now();
            let root = site_root(args.root.root.as_deref())?;
            out.root = Some(root.clone());
            let opts = PrepareOptions {
                overrides: Overrides::default(),
                drafts: args.drafts,
                keep_sources: false,
            };
            let checked = build::check(&root, &opts, &mut out.diagnostics);
            if args.strict {
                out.diagnostics.promote_warnings();
            }
            out.failed = checked.is_none() || out.diagnostics.has_errors();
            let (errors, warnings) = Diagnostics::counts(&out.diagnostics.sorted());
            let (pages, governance) = checked.unzip();
            match args.format {
                Format::Json => {
                    out.diagnostics.relativize(&root);
                    let shown = out.diagnostics.sorted();
                    let listed = |severity: Severity| -> Vec<CheckDiagnostic<'_>> {
                        shown
                            .iter()
                            .filter(|d| d.severity == severity)
                            .map(|d| CheckDiagnostic::new(d))
                            .collect()
                    };
                    let report = CheckReport {
                        version: 1,
                        pages,
                        errors: listed(Severity::Error),
                        warnings: listed(Severity::Warning),
                        governance,
                    };
                    out.stdout.push(serde_json::to_string_pretty(&report).unwrap_or_default());
                    out.diagnostics_in_stdout = true;
                }
                Format::Text => {
                    let pages = pages
                        .map(|p| plural(p, "page", "pages"))
                        .unwrap_or_else(|| "the site".into());
                    out.stdout.push(format!(
                        "Checked {pages} in {}: {}, {}",
                        duration(start.elapsed()),
                        plural(errors, "error", "errors"),
                        plural(warnings, "warning", "warnings"),
                    ));
                }
            }
        }
        Command::Init(args) => {
            let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
            let files = scaffold::init(&dir, dates::today(), !args.no_assessment)?;
            out.stdout.push(format!(
                "Created a new site in {} ({}). Next: cd {} && opsbook build",
                dir.display(),
                plural(files.len(), "file", "files"),
                dir.display()
            ));
        }
        Command::New(args) => {
            let root = site_root(args.root.root.as_deref())?;
            out.root = Some(root.clone());
            // The content folder is the config's: a config that cannot be read is reported.
            let Some(cfg) =
                config::Config::load(&root, &Overrides::default(), &mut out.diagnostics)
            else {
                out.failed = true;
                out.failure_note = Some("nothing was written");
                return Ok(out);
            };
            let file = scaffold::new_doc_path(&cfg.content, &args.path)?;
            scaffold::new_doc(&file, args.title.as_deref(), dates::today())?;
            let shown = file.strip_prefix(&root).unwrap_or(&file);
            out.stdout
                .push(format!("Created {}: fill in the owner, backups and steps", shown.display()));
        }
        Command::Assess(args) => assess(args, &mut out)?,
        Command::Review(args) => {
            let root = site_root(args.root.root.as_deref())?;
            out.root = Some(root.clone());
            out.failure_note = Some("nothing was written");
            let cwd = std::env::current_dir().map_err(Error::Cwd)?;
            let line = config::Config::load(&root, &Overrides::default(), &mut out.diagnostics)
                .and_then(|cfg| {
                    review::review(&cfg, &cwd, &args.path, args.date, &mut out.diagnostics)
                });
            match line {
                Some(line) => out.stdout.push(line),
                None => out.failed = true,
            }
        }
    }
    Ok(out)
}

/// `opsbook assess`: scores one answers file against the site's questionnaire and renders
/// the report to standard output or `--output`.
fn assess(args: AssessArgs, out: &mut Outcome) -> Result<(), Error> {
    let start = Instant::now();
    let root = site_root(args.root.root.as_deref())?;
    out.root = Some(root.clone());
    out.failure_note = Some("no report was written");
    let mut site_diags = Diagnostics::new();
    let Some(prepared) = build::prepare(&root, &PrepareOptions::default(), &mut site_diags) else {
        out.diagnostics = site_diags;
        out.failed = true;
        return Ok(());
    };
    // Only the questionnaire's problems stop a report; the rest of the wiki is `check`'s.
    let questionnaire_path = &prepared.cfg.assessment.questionnaire;
    out.diagnostics.extend(
        site_diags
            .into_iter()
            .filter(|d| d.span.as_ref().is_some_and(|s| s.path == *questionnaire_path)),
    );
    let Some(site_assessment) = &prepared.linked.assessment else {
        if !out.diagnostics.has_errors() {
            out.diagnostics.push(
                Diagnostic::error(
                    Some(Span::file(questionnaire_path)),
                    "this site has no readiness questionnaire",
                )
                .with_help("write one there (see docs/assessment.md), or point `[assessment] questionnaire` in opsbook.toml at it"),
            );
        }
        out.failed = true;
        return Ok(());
    };
    let questionnaire = &site_assessment.questionnaire;
    let Some(answers) =
        assessment::load_answers(&args.answers, questionnaire, &mut out.diagnostics)
    else {
        out.failed = true;
        return Ok(());
    };
    let evidence = prepared.linked.evidence.as_ref();
    let values = evidence.map_or(&[][..], |e| &e.values[..]);
    let Ok(scored) =
        assessment::score::score_with_evidence(questionnaire, &answers, args.top, values)
    else {
        // Validation already refuses answers that score nothing; kept for safety.
        out.diagnostics.push(Diagnostic::error(
            Some(Span::file(&args.answers)),
            "these answers score no question",
        ));
        out.failed = true;
        return Ok(());
    };
    let view = View {
        questionnaire,
        report: &scored,
        label: answers.label.as_deref(),
        origin: prepared.cfg.base_url.origin.as_deref(),
        evidence,
    };
    let format = match args.format {
        ReportFormat::Text => report::Format::Text,
        ReportFormat::Json => report::Format::Json,
        ReportFormat::Markdown => report::Format::Markdown,
        ReportFormat::Html => report::Format::Html,
    };
    let rendered = report::render(&view, format);
    let capped = if scored.tier.id == scored.uncapped_tier.id { "" } else { " (capped)" };
    let summary = format!(
        "Scored {} in {}: {:.1} / 100, {}{capped}",
        display_path(&args.answers, &std::env::current_dir().unwrap_or_default()),
        duration(start.elapsed()),
        scored.overall,
        scored.tier.title,
    );
    match args.output {
        Some(path) => {
            refuse_input_as_output(&path, &args.answers, &prepared.cfg)?;
            std::fs::write(&path, rendered).map_err(|source| Error::Write { path, source })?;
            out.stdout.push(summary);
        }
        None => {
            // `main` ends every stdout entry with a newline, so the report's own is dropped.
            out.stdout.push(rendered.trim_end_matches('\n').to_string());
            if format == report::Format::Text {
                out.stdout.push(String::new());
                out.stdout.push(summary);
            }
        }
    }
    Ok(())
}

/// `assess --output` writes a report: it must never replace the answers it read, the config,
/// the questionnaire, or any other file the site is built from.
fn refuse_input_as_output(
    output: &Path,
    answers: &Path,
    cfg: &config::Config,
) -> Result<(), Error> {
    // Where each path really leads (links and `..` resolved), so that no spelling hides an
    // input.
    let resolved = |path: &Path| paths::resolve(path).ok();
    let Some(target) = resolved(output) else { return Ok(()) };
    let refuse = |what: &str| {
        Err(Error::RefusedOutput { path: output.to_path_buf(), what: what.to_string() })
    };
    // The same file under another name too: a hard link shares the device and inode.
    let target_meta = std::fs::metadata(&target).ok();
    let same = |other: &Path| {
        resolved(other).is_some_and(|o| o == target)
            || target_meta
                .as_ref()
                .zip(std::fs::metadata(other).ok())
                .is_some_and(|(a, b)| same_file(a, &b))
    };
    if same(answers) {
        return refuse("the answers file this report is made from");
    }
    if same(&cfg.root.join(CONFIG_FILE)) {
        return refuse("the site's config");
    }
    if same(&cfg.assessment.questionnaire) {
        return refuse("the site's questionnaire");
    }
    let content = if cfg.content.is_root() {
        "the site root, which is its content folder".to_string()
    } else {
        format!("the site's {} folder", cfg.content.prefix())
    };
    for (dir, name) in [
        (cfg.content_dir(), content),
        (cfg.templates_dir(), "the site's templates/ folder".into()),
        (cfg.static_dir(), "the site's static/ folder".into()),
    ] {
        if resolved(&dir).is_some_and(|d| target.starts_with(d)) {
            return refuse(&format!("inside {name}, which the site is built from"));
        }
    }
    // Any other file the site reads, under any name (a hard link elsewhere, say).
    if let Some(meta) = &target_meta {
        let inputs = [cfg.content_dir(), cfg.templates_dir(), cfg.static_dir()];
        let shared = meta.is_file()
            && has_links(meta)
            && inputs.iter().any(|dir| {
                walkdir::WalkDir::new(dir)
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_file())
                    .any(|e| e.metadata().is_ok_and(|m| same_file(meta, &m)))
            });
        if shared {
            return refuse("another name of a file the site is built from (a hard link)");
        }
    }
    Ok(())
}

/// Whether two files are one (the same device and inode).
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Whether a file has other names (hard links) besides this one.
fn has_links(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink() > 1
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}
