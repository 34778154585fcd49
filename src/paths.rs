//! Where a path really leads, for the checks that keep a site's reads inside the site and
//! its writes inside the output. A leaf module: config, content, theme, assessment, build
//! and the CLI all ask it, and it asks nothing.

use std::path::{Component, Path, PathBuf};

/// Whether `path` is relative and goes only down (no `..`, `.`, root or drive): a path
/// that stays below the folder it is joined to, whatever that folder holds.
pub(crate) fn is_plain_relative(path: &Path) -> bool {
    !path.as_os_str().is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Whether `path`, with symbolic links resolved, lies inside `dir`.
pub(crate) fn inside(dir: &Path, path: &Path) -> bool {
    match (dir.canonicalize(), path.canonicalize()) {
        (Ok(dir), Ok(path)) => path.starts_with(dir),
        _ => false,
    }
}

/// `path` as the file system will resolve it, for a path whose last folders may not exist
/// yet: the part that exists with every link and `..` resolved, then the rest. A `..` after
/// a folder that does not exist is refused, because `create_dir_all` would make that folder
/// and the path would then lead somewhere its spelling does not show (`x/../../site`).
pub(crate) fn resolve(path: &Path) -> Result<PathBuf, String> {
    let mut real = PathBuf::new();
    let mut missing: Vec<&std::ffi::OsStr> = Vec::new();
    let spelled = std::path::absolute(path).map_err(|err| err.to_string())?;
    for part in spelled.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => real.push(part),
            Component::CurDir => {}
            Component::ParentDir if missing.is_empty() => {
                real.pop();
            }
            Component::ParentDir => {
                return Err("it climbs with `..` out of a folder that does not exist".into());
            }
            Component::Normal(name) => {
                if missing.is_empty() && std::fs::symlink_metadata(real.join(name)).is_ok() {
                    real.push(name);
                    real = real.canonicalize().map_err(|err| err.to_string())?;
                } else {
                    missing.push(name);
                }
            }
        }
    }
    real.extend(missing);
    Ok(real)
}
