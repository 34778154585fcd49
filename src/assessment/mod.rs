//! The scaling-readiness assessment: the questionnaire, answers files, scoring and reports
//! (DESIGN.md section 8).
//!
//! Stages over plain data: [`validate`] (questionnaire text -> [`Questionnaire`]),
//! [`answers`] (answers text -> [`Answers`]), [`score`] (pure: both -> [`Report`]) and
//! [`report`] (a report -> text, JSON, Markdown or HTML). This module adds the only file
//! reading of the assessment: the questionnaire, and the answers files committed in
//! `responses/` beside it. It knows nothing of pages: `learn` links are resolved through the
//! [`Resolve`] that the build pipeline passes in, and it writes nothing.

pub mod answers;
pub mod evidence;
pub mod report;
pub mod schema;
pub mod score;
pub mod validate;

use std::path::{Path, PathBuf};

pub use schema::{Answers, LearnLink, Questionnaire};
pub(crate) use validate::Resolve;

use crate::content::load::is_ignored_name;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};

/// A site's assessment: its validated questionnaire and the valid committed answers files.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The questionnaire file.
    pub path: PathBuf,
    pub questionnaire: Questionnaire,
    /// Valid answers files of `responses/`, sorted by file name.
    pub responses: Vec<Response>,
}

/// A committed answers file.
#[derive(Debug, Clone)]
pub struct Response {
    pub path: PathBuf,
    pub answers: Answers,
}

/// The folder of committed answers files: `responses/` beside the questionnaire.
pub(crate) fn responses_dir(questionnaire: &Path) -> PathBuf {
    questionnaire.parent().unwrap_or(Path::new(".")).join("responses")
}

fn read(path: &Path, what: &str, diags: &mut Diagnostics) -> Option<String> {
    // A FIFO or a device named as an answers file must not block or fill the memory.
    let text = crate::content::load::read_regular(path).and_then(|bytes| {
        String::from_utf8(bytes).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is not valid UTF-8")
        })
    });
    match text {
        Ok(text) => Some(text),
        Err(err) => {
            diags.push(Diagnostic::error(
                Some(Span::file(path)),
                format!("cannot read {what}: {err}"),
            ));
            None
        }
    }
}

/// Reads and validates the questionnaire at `path`. `None` when it cannot be read or has
/// errors, all of which are in `diags`.
pub(crate) fn load_questionnaire(
    path: &Path,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Option<Questionnaire> {
    let text = read(path, "the questionnaire", diags)?;
    validate::questionnaire(path, &text, resolve, diags)
}

/// Reads and validates one answers file against `questionnaire`.
pub(crate) fn load_answers(
    path: &Path,
    questionnaire: &Questionnaire,
    diags: &mut Diagnostics,
) -> Option<Answers> {
    let text = read(path, "the answers file", diags)?;
    answers::answers(path, &text, questionnaire, diags)
}

/// A questionnaire file that exists and the answers files committed beside it, found before
/// anything is read: the plan needs the assessment's pages before links are resolved, and
/// `learn` links need the resolved site before the questionnaire can be validated.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    /// The `*.toml` files of `responses/`, sorted by file name.
    pub responses: Vec<PathBuf>,
}

/// The questionnaire at `path` and its committed answers files; `None` when the site has no
/// questionnaire (a site without one has no assessment).
pub(crate) fn find(path: &Path, diags: &mut Diagnostics) -> Option<Found> {
    if !path.is_file() {
        return None;
    }
    let dir = responses_dir(path);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
            .filter(|p| !p.file_name().is_some_and(|n| is_ignored_name(&n.to_string_lossy())))
            .collect(),
        // No responses yet is the normal state of a new site.
        Err(_) => Vec::new(),
    };
    files.sort();
    // A committed answers file is a site input: a link out of `responses/` is not read.
    files.retain(|file| {
        let inside = crate::paths::inside(&dir, file);
        if !inside {
            diags.push(
                Diagnostic::warning(
                    Some(Span::file(file)),
                    "skipped: the symbolic link points outside responses/",
                )
                .with_help("copy the answers file into responses/ instead"),
            );
        }
        inside
    });
    Some(Found { path: path.to_path_buf(), responses: files })
}

/// Loads the questionnaire at `path` and every `*.toml` answers file in `responses/` beside
/// it. `None` when the questionnaire cannot be used; invalid answers files are reported and
/// left out.
pub fn load(path: &Path, resolve: &Resolve<'_>, diags: &mut Diagnostics) -> Option<Assessment> {
    match find(path, diags) {
        Some(found) => load_found(&found, resolve, diags),
        None => load_questionnaire(path, resolve, diags).map(|questionnaire| Assessment {
            path: path.to_path_buf(),
            questionnaire,
            responses: Vec::new(),
        }),
    }
}

/// Loads what [`find`] found.
pub(crate) fn load_found(
    found: &Found,
    resolve: &Resolve<'_>,
    diags: &mut Diagnostics,
) -> Option<Assessment> {
    let questionnaire = load_questionnaire(&found.path, resolve, diags)?;
    let responses = found
        .responses
        .iter()
        .filter_map(|path| {
            let answers = load_answers(path, &questionnaire, diags)?;
            Some(Response { path: path.clone(), answers })
        })
        .collect();
    Some(Assessment { path: found.path.clone(), questionnaire, responses })
}
