//! [`OutputFile`]: what every renderer returns and what `build::commit` (to disk) and the dev
//! server (in memory) consume. Nothing here touches the disk.

use std::path::PathBuf;
use std::sync::Arc;

/// The file that marks a folder as opsbook's output (and holds its manifest): no output
/// file may take its name.
pub(crate) const MARKER_FILE: &str = ".opsbook";

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path below the output folder with `/` separators: `returns/index.html`.
    pub path: String,
    pub body: Body,
}

/// A file's content: bytes in memory, or a source file copied as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Bytes(Arc<[u8]>),
    Static(&'static [u8]),
    Copy(PathBuf),
}

impl OutputFile {
    pub fn html(path: impl Into<String>, html: String) -> OutputFile {
        OutputFile { path: path.into(), body: Body::Bytes(Arc::from(html.into_bytes())) }
    }

    pub fn bytes(path: impl Into<String>, bytes: Vec<u8>) -> OutputFile {
        OutputFile { path: path.into(), body: Body::Bytes(Arc::from(bytes)) }
    }
}

impl Body {
    /// The content; reads the source file for [`Body::Copy`].
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match self {
            Body::Bytes(b) => std::borrow::Cow::Borrowed(b),
            Body::Static(b) => std::borrow::Cow::Borrowed(b),
            Body::Copy(path) => std::borrow::Cow::Owned(std::fs::read(path)?),
        })
    }
}

/// Whether `path` is a file path that stays inside the folder it is joined to: relative,
/// `/`-separated, normalized (no empty, `.` or `..` segment), without a backslash, a NUL or
/// another control character. Every path written to or deleted from an output folder, and
/// every path read back from one (the manifest), passes this first: a path that fails it
/// would name a file outside the folder (`/tmp/x`, `../x`) on some system.
pub(crate) fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(|c: char| c == '\\' || c.is_control())
        && path.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..")
        && std::path::Path::new(path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// The output path of a page at URL path `dir` (`""` or `returns/`): `returns/index.html`.
pub(crate) fn index_path(dir: &str) -> String {
    format!("{dir}index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_normalized_relative_paths_are_safe() {
        for ok in ["index.html", "a/b/index.html", "tags/c++/index.html", "x.y/z", "a..b/c"] {
            assert!(is_safe_path(ok), "{ok}");
        }
        for bad in [
            "",
            "/tmp/x/index.html",
            "//tmp/x",
            "../x",
            "a/../../x",
            "a/./b",
            "./a",
            "a//b",
            "a/",
            "..",
            "a\\..\\b",
            "a\0b",
            "a\nb",
        ] {
            assert!(!is_safe_path(bad), "{bad:?}");
        }
    }
}
