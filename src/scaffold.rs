//! `opsbook init` (a starter site) and `opsbook new` (a process document with every
//! governance field). Both refuse to overwrite anything.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::config::ContentDir;
use crate::content::slug::title_from_name;

#[derive(Debug, Error)]
pub enum ScaffoldError {
    #[error("{0} is not empty; `opsbook init` only creates a site in an empty or new folder")]
    NotEmpty(PathBuf),
    #[error("{0} already exists; choose another name")]
    Exists(PathBuf),
    #[error("`{0}` must be a relative path to a new page in the content folder, without `..`")]
    BadPath(String),
    #[error(
        "{0} is a symbolic link; `opsbook new` only creates files in real folders below content/ (a build does not follow linked folders either)"
    )]
    Symlink(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

fn write(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let io = |source| ScaffoldError::Io { path: path.to_path_buf(), source };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(path.to_path_buf()),
            _ => ScaffoldError::Io { path: path.to_path_buf(), source },
        })
}

/// The sample site's readiness questionnaire, which every new site gets: the same tiers,
/// dimensions and questions, with each `learn` link pointed at the starter page closest to
/// it (the starter site has three, not the sample's forty).
fn starter_questionnaire() -> String {
    const SAMPLE: &str = include_str!("../content/assessment/questionnaire.toml");
    let mut out = String::from(
        "# The scaling-readiness questionnaire: the assessment at /assessment/ asks it, and\n\
         # `opsbook assess` scores answers files against it. Point each `learn` link at the\n\
         # pages of your handbook that show how to improve, as they get written; commit the\n\
         # answers files of each quarter's review to responses/ to see the trend.\n",
    );
    let mut in_dimensions = false;
    let mut dimension = String::new();
    let mut header = true;
    for line in SAMPLE.lines() {
        // The sample's own opening comment describes the sample.
        if header && line.starts_with('#') {
            continue;
        }
        header = false;
        match line.trim() {
            "[[dimensions]]" => in_dimensions = true,
            "[[questions]]" | "[[tiers]]" => in_dimensions = false,
            _ => {}
        }
        let value = |key: &str| {
            line.strip_prefix(key)
                .and_then(|rest| rest.trim().strip_prefix('='))
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        if let Some(id) =
            value("dimension").or_else(|| in_dimensions.then(|| value("id")).flatten())
        {
            dimension = id;
        }
        if line.starts_with("learn = [") {
            let page = match dimension.as_str() {
                "processes" | "ownership" => "how-we-write-processes.md",
                "fulfillment" => "processes/order-fulfillment.md",
                _ => "processes/_index.md",
            };
            out.push_str(&format!("learn = [\"{page}\"]\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Creates a starter site in `dir`, with the readiness questionnaire unless `assessment` is
/// false. Returns the files written.
pub(crate) fn init(
    dir: &Path,
    today: jiff::civil::Date,
    assessment: bool,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|source| ScaffoldError::Io { path: dir.to_path_buf(), source })?;
        if entries.next().is_some() {
            return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
        }
    }
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map(|n| title_from_name(&n))
        .unwrap_or_else(|| "Operations".into());
    let files: Vec<(&str, String)> = vec![
        (
            "opsbook.toml",
            format!(
                "# opsbook site configuration: https://github.com/opsbook/opsbook#configuration\n\
                 title = \"{name} Handbook\"\n\
                 description = \"How we run operations: processes, owners and review dates.\"\n\
                 # The URL the site is published at; a path like \"/kb/\" or a full URL.\n\
                 base_url = \"/\"\n\
                 language = \"en\"\n\n\
                 [governance]\n\
                 # How often a process must be reviewed unless its page says otherwise.\n\
                 review_every = \"180d\"\n"
            ),
        ),
        (".gitignore", "/public\n".into()),
        (
            "content/_index.md",
            format!(
                "+++\ntitle = \"{name} Handbook\"\n+++\n\n\
                 This handbook is where our processes live: how the work is done, who owns\n\
                 each process, and when it was last checked against reality.\n\n\
                 Start with [[How we write processes]], then read the [processes](processes/_index.md).\n{}",
                if assessment {
                    "\nHow ready is the operation to grow? Take the [readiness assessment](/assessment/).\n"
                } else {
                    ""
                }
            ),
        ),
        (
            "content/how-we-write-processes.md",
            "+++\ntitle = \"How we write processes\"\nweight = 10\n+++\n\n\
             Every process has one page with the same shape, so anyone can run it.\n\n\
             ## The fields\n\n\
             | Field | What it means |\n|---|---|\n\
             | `owner` | The one person who answers for the process. |\n\
             | `backups` | People who can run it when the owner is away. |\n\
             | `reviewed` | When the owner last checked the steps against reality. |\n\
             | `review_every` | How often it must be reviewed (`90d`, `6w`, `3m`, `1y`). |\n\
             | `systems` | The tools the process touches. |\n\n\
             ## The sections\n\n\
             Purpose, Trigger, Steps, Exceptions and Metrics. Create a new one with\n\
             `opsbook new processes/my-process`.\n"
                .into(),
        ),
        (
            "content/processes/_index.md",
            "+++\ntitle = \"Processes\"\ndescription = \"Every recurring process, with its owner.\"\nweight = 20\n\n[cascade]\nkind = \"process\"\n+++\n\n\
             The processes we run, one page each.\n"
                .into(),
        ),
        ("content/processes/order-fulfillment.md", process_doc("Order fulfillment", today, true)),
    ];
    let mut files = files;
    if assessment {
        files.push(("content/assessment/questionnaire.toml", starter_questionnaire()));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        write(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

/// The path in the content folder for `opsbook new PATH` (PATH may start with the content
/// folder's own name, as `content/ops/x`).
pub(crate) fn new_doc_path(content: &ContentDir, path: &Path) -> Result<PathBuf, ScaffoldError> {
    let content_dir = content.path.as_path();
    let text = path.to_string_lossy().replace('\\', "/");
    let prefix = content.prefix();
    let text = text.strip_prefix(prefix.as_str()).filter(|_| !prefix.is_empty()).unwrap_or(&text);
    let text = text.strip_suffix(".md").unwrap_or(text);
    let rel = Path::new(text);
    let ok = !text.ends_with('/') && crate::paths::is_plain_relative(rel);
    if !ok {
        return Err(ScaffoldError::BadPath(path.to_string_lossy().into_owned()));
    }
    let file = content_dir.join(format!("{text}.md"));
    // `content/` itself and every folder on the way that already exists must be a real
    // folder: a linked one would put the new file outside the site.
    let mut dir = content_dir.to_path_buf();
    let check = |dir: &Path| match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => Err(ScaffoldError::Symlink(dir.to_path_buf())),
        _ => Ok(()),
    };
    check(&dir)?;
    for part in rel.parent().into_iter().flat_map(Path::components) {
        dir.push(part);
        check(&dir)?;
    }
    Ok(file)
}

/// Writes a new process document at `file`.
pub(crate) fn new_doc(
    file: &Path,
    title: Option<&str>,
    today: jiff::civil::Date,
) -> Result<(), ScaffoldError> {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let title = title.map(str::to_string).unwrap_or_else(|| title_from_name(&stem));
    write(file, &process_doc(&title, today, false))
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A process document with every governance field, each explained where it is set.
fn process_doc(title: &str, today: jiff::civil::Date, example: bool) -> String {
    let (owner, backups, systems, status) = if example {
        ("\"Alex Morgan\"", "[\"Sam Lee\"]", "[\"Shopify\", \"ShipStation\"]", "\"active\"")
    } else {
        ("\"\"", "[]", "[]", "\"draft\"")
    };
    format!(
        "+++\n\
         title = {title}\n\
         description = \"\"\n\
         # The one person who answers for this process.\n\
         owner = {owner}\n\
         # People who can run it when the owner is away; none means it is held by one person.\n\
         backups = {backups}\n\
         # When the owner last checked the steps against reality.\n\
         reviewed = {today}\n\
         # How often it must be reviewed: 90d, 6w, 3m or 1y.\n\
         review_every = \"90d\"\n\
         # draft, active or deprecated.\n\
         status = {status}\n\
         # The tools this process touches, e.g. [\"Shopify\", \"NetSuite\"].\n\
         systems = {systems}\n\
         kind = \"process\"\n\
         tags = []\n\
         +++\n\n\
         One or two sentences: what this process does and who runs it.\n\n\
         ## Purpose\n\n\
         What the process protects, and what goes wrong when it is skipped.\n\n\
         ## Trigger\n\n\
         What starts it: an event, a time of day, a threshold.\n\n\
         ## Steps\n\n\
         1. The first concrete action, with the system it happens in.\n\
         2. The next action. Name numbers and cutoffs, not \"soon\" or \"enough\".\n\n\
         ## Exceptions\n\n\
         What to do when a step cannot be done as written, and who decides.\n\n\
         ## Metrics\n\n\
         | Metric | Target | Where it is measured |\n\
         |---|---|---|\n\
         | The one number that shows this process works | The target | The report or system |\n",
        title = toml_string(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_paths_stay_below_content() {
        let content = ContentDir::default_at(Path::new("/site"));
        let c = content.path.as_path();
        assert_eq!(
            new_doc_path(&content, Path::new("fulfillment/returns")).unwrap(),
            c.join("fulfillment/returns.md")
        );
        assert_eq!(new_doc_path(&content, Path::new("content/a.md")).unwrap(), c.join("a.md"));
        let docs = ContentDir {
            rel: "docs".into(),
            path: Path::new("/site/docs").into(),
            ..content.clone()
        };
        assert_eq!(new_doc_path(&docs, Path::new("docs/a")).unwrap(), Path::new("/site/docs/a.md"));
        for bad in ["../x", "/etc/x", "", "a/../../b", "ops/", "ops/.md"] {
            assert!(new_doc_path(&content, Path::new(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn titles_are_quoted_for_toml() {
        assert_eq!(toml_string("Pick \"fast\" \\ ship"), "\"Pick \\\"fast\\\" \\\\ ship\"");
    }
}
