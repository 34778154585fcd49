//! Where the search index lives in the output: the manifest (the one file whose name is
//! fixed, so that pages can point at it before the index is built) and the folders of the
//! hashed term shards and record groups. Rendering reserves these paths, the index stage
//! writes them and the dev server keeps them across rebuilds; none of them spells a path of
//! its own.

/// The index's folder below the output.
pub(crate) const DIR: &str = "search/";
/// The manifest's path in the output.
pub(crate) const MANIFEST: &str = "search/manifest.json";
/// The folder of term shards, relative to [`DIR`] (as the manifest names them).
pub(crate) const TERMS: &str = "t";
/// The folder of record groups, relative to [`DIR`].
pub(crate) const RECORDS: &str = "r";

/// Where the index's files go: the manifest and everything under `t/` and `r/`. Nothing else
/// may write there while search is on.
pub(crate) fn is_index_path(path: &str) -> bool {
    path == MANIFEST
        || [TERMS, RECORDS].iter().any(|dir| {
            path.strip_prefix(DIR)
                .and_then(|rest| rest.strip_prefix(dir))
                .is_some_and(|rest| rest.starts_with('/'))
        })
}

/// What owns `path` when the index does, for messages: aliases may not take these paths.
pub(crate) fn owner(path: &str) -> Option<&'static str> {
    is_index_path(path).then_some("the search index")
}

/// The output path of an index file named as the manifest names it (`t/ab.0123456789.json`).
pub(crate) fn output_path(name: &str) -> String {
    format!("{DIR}{name}")
}

/// The reserved paths, as a person reads them in a message.
pub(crate) const DESCRIPTION: &str = "search/manifest.json, search/t/ and search/r/";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_owns_its_manifest_and_two_folders() {
        for path in ["search/manifest.json", "search/t/a.1.json", "search/r/0.1.json"] {
            assert!(is_index_path(path), "{path}");
        }
        for path in ["search/index.html", "search/", "search/tags/x", "search/tx/a", "t/a"] {
            assert!(!is_index_path(path), "{path}");
        }
        assert_eq!(output_path("t/a.1.json"), "search/t/a.1.json");
        assert!(DESCRIPTION.contains(MANIFEST));
    }
}
