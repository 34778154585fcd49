//! Walking `content/`: Markdown files become [`SourceDoc`]s (text read, front matter parsed),
//! everything else that is published becomes an [`Asset`] copied as it is.
//!
//! Reading happens in parallel; the walk itself is sorted so that the result is the same on
//! every machine. This stage never writes anything.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::frontmatter::{self, FrontMatter};
use super::markdown::MARKER;
use crate::config::ContentDir;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::output::MARKER_FILE;

/// A Markdown file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Path relative to `content/`, with `/` separators: `fulfillment/pick-pack-ship.md`.
    pub rel: String,
    pub file: PathBuf,
    /// Shared, because the dev server keeps documents across rebuilds.
    pub text: Arc<str>,
    pub body_start: usize,
    pub front: FrontMatter,
}

/// A non-Markdown file under `content/`, published at the same relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub rel: String,
    pub file: PathBuf,
}

#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub docs: Vec<SourceDoc>,
    pub assets: Vec<Asset>,
}

/// Files an editor or the OS leaves beside real ones: never content, never a reason to rebuild.
pub(crate) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#') && name.ends_with('#')
        || name.starts_with(".#")
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".crdownload", ".part"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name == "4913"
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name == "desktop.ini"
}

/// Files under `content/` that are inputs to the build rather than published files.
fn is_data_file(rel: &str) -> bool {
    rel.ends_with(".toml")
}

/// The Markdown files (relative path, file) and assets of the content folder, sorted.
/// Editor leftovers and dot-folders are never content, nor is what `ignore` names, nor,
/// when the content folder is the site root, the site's own folders and its output.
pub(crate) fn walk(
    content: &ContentDir,
    diags: &mut Diagnostics,
) -> (Vec<(String, PathBuf)>, Vec<Asset>) {
    let content_dir = content.path.as_path();
    let mut md_files = Vec::new();
    let mut assets = Vec::new();
    if !content_dir.is_dir() {
        return (md_files, assets);
    }
    let skip = |e: &walkdir::DirEntry| {
        if e.depth() == 0 {
            return false;
        }
        if is_ignored_name(&e.file_name().to_string_lossy()) {
            return true;
        }
        if !content.is_root() && content.ignore.is_empty() {
            // The usual site: nothing more to look at for each of its files.
            return false;
        }
        let Ok(rel) = e.path().strip_prefix(content_dir) else { return true };
        let rel = rel.to_string_lossy().replace('\\', "/");
        content.excluded(&rel)
            // An output folder (its manifest says so) is never content.
            || (content.is_root() && e.file_type().is_dir() && e.path().join(MARKER_FILE).is_file())
    };
    let walker =
        WalkDir::new(content_dir).sort_by_file_name().into_iter().filter_entry(|e| !skip(e));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(content_dir).to_path_buf();
                diags.push(Diagnostic::error(
                    Some(Span::file(&path)),
                    format!("cannot read: {err}"),
                ));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        if !(entry.file_type().is_file() || entry.path_is_symlink() && entry.path().is_file()) {
            // A dangling link, a link to a folder or a device, a FIFO or a socket: never
            // opened (reading a FIFO blocks until something writes to it, /dev/zero never
            // ends), but not passed over in silence either.
            let what = if !entry.path_is_symlink() {
                "it is not a regular file (a FIFO, socket or device)"
            } else if std::fs::metadata(entry.path()).is_err() {
                "the symbolic link points at nothing"
            } else if entry.path().is_dir() {
                "the symbolic link points at a folder, and folders are not followed"
            } else {
                "the symbolic link points at something that is not a regular file"
            };
            diags.push(
                Diagnostic::warning(Some(Span::file(entry.path())), format!("skipped: {what}"))
                    .with_help("content is read from regular files only"),
            );
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(content_dir) else { continue };
        let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(Diagnostic::error(
                Some(Span::file(entry.path())),
                "the file name is not valid UTF-8",
            ));
            continue;
        };
        if entry.path_is_symlink() && !crate::paths::inside(content_dir, entry.path()) {
            diags.push(
                Diagnostic::warning(
                    Some(Span::file(entry.path())),
                    "skipped: the symbolic link points outside the content folder",
                )
                .with_help("copy the file into the content folder instead"),
            );
            continue;
        }
        if rel.ends_with(".md") {
            md_files.push((rel, entry.into_path()));
        } else if !is_data_file(&rel) {
            assets.push(Asset { rel, file: entry.into_path() });
        }
    }
    (md_files, assets)
}

/// Walks the content folder and reads every Markdown file. A missing folder is an empty
/// site.
pub(crate) fn load(content: &ContentDir, diags: &mut Diagnostics) -> Loaded {
    let (md_files, assets) = walk(content, diags);
    let results: Vec<(Option<SourceDoc>, Diagnostics)> = md_files
        .into_par_iter()
        .map(|(rel, file)| {
            let mut diags = Diagnostics::new();
            let doc = read_doc(rel, file, &mut diags);
            (doc, diags)
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for (doc, d) in results {
        diags.extend(d);
        docs.extend(doc);
    }
    Loaded { docs, assets }
}

/// Reads a file that must be a regular file. The walk already skipped everything else, but
/// a file can be swapped for a FIFO in between: opening without blocking and checking what
/// was opened means no build ever waits on one.
pub(crate) fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let mut file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, socket or device)",
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(bytes)
}

/// Reads and splits one Markdown file.
pub(crate) fn read_doc(rel: String, file: PathBuf, diags: &mut Diagnostics) -> Option<SourceDoc> {
    let bytes = match read_regular(&file) {
        Ok(bytes) => bytes,
        Err(err) => {
            diags.push(Diagnostic::error(Some(Span::file(&file)), format!("cannot read: {err}")));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
            diags.push(
                Diagnostic::error(
                    Some(Span::from_range(&file, &lossy, valid, valid + 1)),
                    "the file is not valid UTF-8",
                )
                .with_help("save the file with UTF-8 encoding"),
            );
            return None;
        }
    };
    Some(from_text(rel, file, text, diags))
}

/// Builds a [`SourceDoc`] from text already in memory (also used by the dev server).
pub fn from_text(rel: String, file: PathBuf, text: String, diags: &mut Diagnostics) -> SourceDoc {
    // U+001A marks link placeholders in rendered HTML; it has no business in a document.
    let text = if text.contains(MARKER) { text.replace(MARKER, "\u{FFFD}") } else { text };
    let (front, body_start) = match frontmatter::split(&text) {
        Ok(split) => (frontmatter::parse(&file, &text, &split, diags), split.body_start),
        Err(fence) => {
            diags.push(
                Diagnostic::error(
                    Some(Span::from_range(&file, &text, fence.start, fence.end)),
                    "the front matter is never closed",
                )
                .with_help("end the front matter with a line holding the same fence (+++ or ---)"),
            );
            (FrontMatter::default(), text.len())
        }
    };
    SourceDoc { rel, file, text: Arc::from(text), body_start, front }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in
            [".page.md.swp", "page.md~", "#page.md#", ".#page.md", "4913", ".DS_Store", "x.tmp"]
        {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["page.md", "diagram.png", "_index.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn markers_in_text_are_neutralised() {
        let mut diags = Diagnostics::new();
        let doc = from_text("a.md".into(), "a.md".into(), "x\u{1A}0\u{1A}".into(), &mut diags);
        assert!(!doc.text.contains(MARKER));
    }

    #[test]
    fn unclosed_front_matter_is_an_error_at_the_fence() {
        let mut diags = Diagnostics::new();
        from_text("a.md".into(), "a.md".into(), "+++\ntitle = \"x\"\n".into(), &mut diags);
        let d = &diags.into_vec()[0];
        assert_eq!(d.message, "the front matter is never closed");
        assert_eq!(d.span.as_ref().map(|s| (s.line, s.column)), Some((1, 1)));
    }
}
