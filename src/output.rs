//! [`OutputFile`]: what every renderer returns and what `build::commit` (to disk) and the dev
//! server (in memory) consume. Nothing here touches the disk.

use std::path::PathBuf;
use std::sync::Arc;

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

/// The output path of a page at URL path `dir` (`""` or `returns/`): `returns/index.html`.
pub fn index_path(dir: &str) -> String {
    format!("{dir}index.html")
}
