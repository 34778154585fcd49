//! Where a path really leads, for the checks that keep a site's reads inside the site. A
//! leaf module: config, content, theme and assessment all ask it, and it asks nothing.

use std::path::Path;

/// Whether `path`, with symbolic links resolved, lies inside `dir`.
pub fn inside(dir: &Path, path: &Path) -> bool {
    match (dir.canonicalize(), path.canonicalize()) {
        (Ok(dir), Ok(path)) => path.starts_with(dir),
        _ => false,
    }
}
