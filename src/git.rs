//! "Last updated" from git (`[governance] git_dates = true`): the author date of the last
//! commit that touched each file of the content folder, from **one** `git log` run for the
//! whole site (never one per page). A page's own `updated` wins; a file git has never
//! committed keeps none.
//!
//! The paths git prints are only looked up in a map of the site's pages, never opened, so a
//! hostile name in the history cannot make opsbook read or write anything. The dev server
//! asks again on every rebuild; the answer is kept while `HEAD` stays the same commit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use jiff::civil::Date;

/// Per path relative to the content folder (`/`-separated), the date of its last commit.
pub(crate) type Dates = HashMap<String, Date>;

/// The last commit date of every file below `content_dir`, or why git could not tell.
pub(crate) fn last_changed(content_dir: &Path) -> Result<Arc<Dates>, String> {
    static CACHE: Mutex<Option<(PathBuf, String, Arc<Dates>)>> = Mutex::new(None);
    let head = git(content_dir, &["rev-parse", "HEAD"])?;
    let head = String::from_utf8_lossy(&head).trim().to_string();
    if let Ok(cache) = CACHE.lock()
        && let Some((dir, commit, dates)) = cache.as_ref()
        && dir == content_dir
        && *commit == head
    {
        return Ok(dates.clone());
    }
    let log = git(
        content_dir,
        &[
            "-c",
            "core.quotepath=off",
            "log",
            "--format=%x1e%as",
            "--name-only",
            "-z",
            "--relative",
            "--no-renames",
            "--",
            ".",
        ],
    )?;
    let dates = Arc::new(parse_log(&String::from_utf8_lossy(&log)));
    if let Ok(mut cache) = CACHE.lock() {
        *cache = Some((content_dir.to_path_buf(), head, dates.clone()));
    }
    Ok(dates)
}

/// Runs git in `dir`; its output, or its complaint.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_PAGER", "cat")
        .output()
        .map_err(|err| format!("could not run git: {err}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().next().unwrap_or("git failed").trim().to_string())
    }
}

/// Reads `git log --format=%x1e%as --name-only -z`: per commit, newest first, a record
/// separator, the date, a NUL, then the paths it touched, each ended by a NUL. A path's first
/// date is its last change.
fn parse_log(log: &str) -> Dates {
    let mut dates = Dates::new();
    for commit in log.split('\u{1e}').filter(|c| !c.is_empty()) {
        let mut fields = commit.split('\0');
        let Some(Ok(date)) = fields.next().map(|d| d.trim().parse::<Date>()) else { continue };
        for path in fields.map(|p| p.trim_start_matches('\n')).filter(|p| !p.is_empty()) {
            dates.entry(path.to_string()).or_insert(date);
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_a_path_wins() {
        let log = "\u{1e}2026-01-02\0\na/b.md\0\u{1e}2025-11-29\0\na/b.md\0a/\u{fc} x.md\0";
        let dates = parse_log(log);
        assert_eq!(dates["a/b.md"].to_string(), "2026-01-02");
        assert_eq!(dates["a/\u{fc} x.md"].to_string(), "2025-11-29");
        assert_eq!(dates.len(), 2);
    }

    #[test]
    fn garbage_is_skipped() {
        assert!(parse_log("").is_empty());
        assert!(parse_log("\u{1e}not a date\0\nx.md\0").is_empty());
    }
}
