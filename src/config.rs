//! `opsbook.toml`: the raw file (serde) and the validated [`Config`] the stages read.
//!
//! Unknown keys are errors, because a typo in a config key silently changes behaviour
//! (mdBook's rule); every unknown key is reported, each at its line. Finding the site root
//! (the nearest folder upward that holds `opsbook.toml`) also lives here.

use std::path::{Path, PathBuf};

use crate::dates::Period;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::toml_input::{self, TomlSource};

pub(crate) const CONFIG_FILE: &str = "opsbook.toml";

/// The validated configuration of one site.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder holding `opsbook.toml`.
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: BaseUrl,
    pub markdown: MarkdownConfig,
    pub links: LinksConfig,
    pub governance: GovernanceConfig,
    pub search: SearchConfig,
    pub assessment: AssessmentConfig,
    /// Free-form `[extra]`, passed to templates as `site.extra`.
    pub extra: serde_json::Value,
    /// Where the pages are: `content/` by default, any folder below the root, or the root.
    pub content: ContentDir,
    /// `https://.../edit/main/content/{path}`: an "Edit this page" link on every page, with
    /// `{path}` the page's path in the content folder.
    pub edit_url: Option<String>,
}

/// The folder of pages (`content_dir`) and what in it is never a page (`ignore`, and, for a
/// folder that is the site root, the site's own files: DESIGN section 13).
#[derive(Debug, Clone)]
pub struct ContentDir {
    /// The folder (absolute).
    pub path: PathBuf,
    /// As written below the root, `/`-separated: `content`, `docs/handbook`, or `` for the
    /// root itself.
    pub rel: String,
    /// The `ignore` globs, matched against paths relative to the folder.
    pub ignore: globset::GlobSet,
}

/// Names that are never pages when the pages are the whole site (`content_dir = "."`):
/// the site's own folders and the build tools' ones. Dot-folders (`.obsidian`, `.git`,
/// `.trash`) and the output (any folder holding an opsbook manifest) are skipped too.
pub(crate) const NOT_CONTENT: &[&str] = &["templates", "static", "target", "node_modules"];

impl ContentDir {
    /// `content/` (or `docs/`): the prefix a content path takes below the root, for messages.
    pub fn prefix(&self) -> String {
        if self.rel.is_empty() { String::new() } else { format!("{}/", self.rel) }
    }

    /// Whether the pages are the whole site root.
    pub fn is_root(&self) -> bool {
        self.rel.is_empty()
    }

    /// Whether `rel` (relative to the folder, `/`-separated) is never content: an `ignore`
    /// glob matches it, or, for the root, it is one of the site's own folders.
    pub fn excluded(&self, rel: &str) -> bool {
        if self.ignore.is_match(rel) {
            return true;
        }
        let first = rel.split('/').next().unwrap_or("");
        self.is_root()
            && (NOT_CONTENT.contains(&first)
                || rel == CONFIG_FILE
                || rel.split('/').any(|part| part == "node_modules"))
    }

    /// The default for a site without `content_dir` and `ignore` (tests, tools).
    pub fn default_at(root: &Path) -> ContentDir {
        ContentDir {
            path: root.join("content"),
            rel: "content".into(),
            ignore: globset::GlobSet::empty(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SearchConfig {
    /// Whether the build writes a search index (and the search page).
    pub enabled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct MarkdownConfig {
    pub unsafe_html: bool,
}

/// What a link to nothing is: an error (the default), or, for a wiki being brought in, a
/// warning, with the link rendered as broken (`[links] broken = "warn"`).
#[derive(Debug, Clone, Copy, Default)]
pub struct LinksConfig {
    pub broken_warn: bool,
}

#[derive(Debug, Clone)]
pub struct GovernanceConfig {
    pub review_every: Period,
    pub strict: bool,
    /// "Updated" dates from git for pages without `updated` (one `git log` per build).
    pub git_dates: bool,
}

/// `[assessment]`: where the readiness questionnaire lives.
#[derive(Debug, Clone)]
pub struct AssessmentConfig {
    /// The questionnaire file (absolute). A site without this file has no assessment;
    /// answers files live in `responses/` beside it.
    pub questionnaire: PathBuf,
}

/// The questionnaire's path when `[assessment] questionnaire` is not set, below the content
/// folder.
pub(crate) const DEFAULT_QUESTIONNAIRE: &str = "assessment/questionnaire.toml";

/// Where the site is published: an optional origin (`https://example.com`) and a path that
/// starts and ends with `/` (`/` or `/kb/`). Every internal URL starts with the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    pub origin: Option<String>,
    pub path: String,
}

impl BaseUrl {
    /// Parses `https://example.com/kb`, `/kb/` or `/`. Returns a message on failure.
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(BaseUrl { origin: None, path: "/".into() });
        }
        let (origin, path) = if let Some(rest) =
            text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))
        {
            let scheme_len = text.len() - rest.len();
            let host_end = rest.find('/').unwrap_or(rest.len());
            let host = &rest[..host_end];
            if host.is_empty()
                || host.contains(['?', '#', ' ', '\\'])
                || host.contains(|c: char| c.is_control())
            {
                return Err(format!("`{text}` has no valid host"));
            }
            (Some(text[..scheme_len + host_end].to_string()), &rest[host_end..])
        } else if text.starts_with("//") {
            // A browser reads `//host/` as another site: every link would leave this one.
            return Err(format!(
                "`{text}` is a scheme-relative URL, which points at another host; write https://host/path/ for an absolute URL or /path/ for a path"
            ));
        } else if text.starts_with('/') {
            (None, text)
        } else {
            return Err(format!(
                "`{text}` is neither an absolute URL (https://example.com/docs/) nor a path (/docs/)"
            ));
        };
        if path.contains(['?', '#', ' ', '\\'])
            || path.contains(|c: char| c.is_control())
            || path.split('/').any(|s| s == ".." || s == ".")
            || path.contains("//")
        {
            return Err(format!("the path of `{text}` must be a plain folder path like /docs/"));
        }
        let mut path = path.to_string();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(BaseUrl { origin, path })
    }

    /// The URL of a site path (`fulfillment/pick/`) as written in pages: `/kb/fulfillment/pick/`.
    pub fn url(&self, site_path: &str) -> String {
        let mut url = String::with_capacity(self.path.len() + site_path.len());
        url.push_str(&self.path);
        url.push_str(site_path.trim_start_matches('/'));
        url
    }

    /// The absolute URL when an origin is known, else the same as [`BaseUrl::url`].
    pub fn permalink(&self, site_path: &str) -> String {
        match &self.origin {
            Some(origin) => format!("{origin}{}", self.url(site_path)),
            None => self.url(site_path),
        }
    }

    pub fn is_absolute(&self) -> bool {
        self.origin.is_some()
    }
}

/// The keys of `opsbook.toml` as written, each read on its own (see `Config::parse`);
/// `None` for a key that is absent or of the wrong type (reported).
#[derive(Debug)]
struct RawConfig {
    title: Option<String>,
    content_dir: Option<String>,
    ignore: Option<Vec<String>>,
    base_url: Option<String>,
    description: Option<String>,
    language: Option<String>,
    unsafe_html: Option<bool>,
    broken: Option<String>,
    review_every: Option<String>,
    strict: Option<bool>,
    git_dates: Option<bool>,
    search: Option<bool>,
    questionnaire: Option<String>,
    edit_url: Option<String>,
}

/// `key` of `table` (absent when the table is) as a `T`, a wrong type reported at its value.
fn read<T: serde::de::DeserializeOwned>(
    source: &TomlSource<'_>,
    table: Option<&toml::de::DeTable<'_>>,
    key: &str,
    diags: &mut Diagnostics,
) -> Option<T> {
    toml_input::deserialize(source, table.and_then(|t| toml_input::get(t, key))?, diags)
}

const TOP_KEYS: &[&str] = &[
    "title",
    "content_dir",
    "ignore",
    "base_url",
    "description",
    "edit_url",
    "language",
    "markdown",
    "links",
    "governance",
    "search",
    "assessment",
    "extra",
];
const MARKDOWN_KEYS: &[&str] = &["unsafe_html"];
const LINKS_KEYS: &[&str] = &["broken"];
const GOVERNANCE_KEYS: &[&str] = &["review_every", "strict", "git_dates"];
const SEARCH_KEYS: &[&str] = &["enabled"];
const ASSESSMENT_KEYS: &[&str] = &["questionnaire"];
/// The tables of `opsbook.toml` whose keys are checked, with their keys.
const SUB_TABLES: &[(&str, &[&str])] = &[
    ("markdown", MARKDOWN_KEYS),
    ("links", LINKS_KEYS),
    ("governance", GOVERNANCE_KEYS),
    ("search", SEARCH_KEYS),
    ("assessment", ASSESSMENT_KEYS),
];

/// Settings given on the command line that beat the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
}

impl Config {
    /// Reads and validates `root/opsbook.toml`. Problems in the file go to `diags`; an I/O
    /// failure is a diagnostic on the file too, since the user has to fix it either way.
    pub fn load(root: &Path, overrides: &Overrides, diags: &mut Diagnostics) -> Option<Config> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) => {
                diags.push(Diagnostic::error(
                    Some(Span::file(&path)),
                    format!("cannot read {CONFIG_FILE}: {err}"),
                ));
                return None;
            }
        };
        Config::parse(root, &path, &text, overrides, diags)
    }

    pub fn parse(
        root: &Path,
        path: &Path,
        text: &str,
        overrides: &Overrides,
        diags: &mut Diagnostics,
    ) -> Option<Config> {
        let source = TomlSource::whole_file(path, text);
        let table = toml_input::parse(&source, text, diags)?;
        let before = diags.error_count();
        let top = table.get_ref();
        toml_input::reject_unknown_keys(&source, top, TOP_KEYS, CONFIG_FILE, diags);
        for &(key, allowed) in SUB_TABLES {
            if let Some(value) = toml_input::get(top, key) {
                match value.get_ref().as_table() {
                    Some(sub) => toml_input::reject_unknown_keys(
                        &source,
                        sub,
                        allowed,
                        &format!("[{key}]"),
                        diags,
                    ),
                    None => diags.push(source.error(
                        value.span(),
                        format!("`{key}` must be a table, like [{key}] on its own line"),
                    )),
                }
            }
        }
        let extra = match toml_input::get(top, "extra") {
            Some(value) if value.get_ref().is_table() => toml_input::to_json(value.get_ref()),
            Some(value) => {
                diags.push(source.error(value.span(), "`extra` must be a table"));
                serde_json::Value::Null
            }
            None => serde_json::Value::Object(Default::default()),
        };

        // Types, key by key: each wrong type is its own error at its own value, so one run
        // reports them all (a single serde pass would stop at the first).
        let raw = {
            let sub = |name: &str| toml_input::get(top, name).and_then(|v| v.get_ref().as_table());
            let src = &source;
            RawConfig {
                title: read(src, Some(top), "title", diags),
                content_dir: read(src, Some(top), "content_dir", diags),
                ignore: read(src, Some(top), "ignore", diags),
                base_url: read(src, Some(top), "base_url", diags),
                description: read(src, Some(top), "description", diags),
                language: read(src, Some(top), "language", diags),
                unsafe_html: read(src, sub("markdown"), "unsafe_html", diags),
                broken: read(src, sub("links"), "broken", diags),
                review_every: read(src, sub("governance"), "review_every", diags),
                strict: read(src, sub("governance"), "strict", diags),
                git_dates: read(src, sub("governance"), "git_dates", diags),
                search: read(src, sub("search"), "enabled", diags),
                questionnaire: read(src, sub("assessment"), "questionnaire", diags),
                edit_url: read(src, Some(top), "edit_url", diags),
            }
        };
        let title_set = toml_input::get(top, "title").is_some();

        let title = match raw.title {
            Some(title) if !title.trim().is_empty() => title,
            Some(_) => {
                let span = toml_input::get(top, "title").map(|v| v.span()).unwrap_or(0..0);
                diags.push(source.error(span, "`title` must not be empty"));
                String::new()
            }
            // Set, but not a string: that error is already reported.
            None if title_set => String::new(),
            None => {
                diags.push(
                    source
                        .error(0..0, "missing `title`")
                        .with_help("add a line like: title = \"Operations Handbook\""),
                );
                String::new()
            }
        };

        let base_url = match (&overrides.base_url, &raw.base_url) {
            (Some(cli), _) => match BaseUrl::parse(cli) {
                Ok(url) => url,
                Err(message) => {
                    diags.push(Diagnostic::error(None, format!("--base-url: {message}")));
                    return None;
                }
            },
            (None, Some(text)) => match BaseUrl::parse(text) {
                Ok(url) => url,
                Err(message) => {
                    let span = toml_input::get(top, "base_url").map(|v| v.span()).unwrap_or(0..0);
                    diags.push(source.error(span, message));
                    BaseUrl { origin: None, path: "/".into() }
                }
            },
            (None, None) => BaseUrl { origin: None, path: "/".into() },
        };

        let language = raw.language.unwrap_or_else(|| "en".into());
        if language.is_empty() || !language.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            let span = toml_input::get(top, "language").map(|v| v.span()).unwrap_or(0..0);
            diags.push(
                source
                    .error(span, format!("`{language}` is not a language tag"))
                    .with_help("use a BCP 47 tag such as \"en\", \"en-GB\" or \"de\""),
            );
        }

        // Where `[table] key` is written, for a message about its value.
        let sub_span = |table: &str, key: &str| {
            toml_input::get(top, table)
                .and_then(|t| t.get_ref().as_table())
                .and_then(|t| toml_input::get(t, key))
                .map(|v| v.span())
                .unwrap_or(0..0)
        };
        let review_every = match raw.review_every {
            None => Period::parse("180d").expect("the default period is valid"),
            Some(text) => Period::parse(&text).unwrap_or_else(|| {
                let span = sub_span("governance", "review_every");
                diags.push(
                    source
                        .error(span, format!("`{text}` is not a review period"))
                        .with_help("write a number and a unit: \"90d\", \"6w\", \"3m\" or \"1y\""),
                );
                Period::parse("180d").expect("the default period is valid")
            }),
        };

        let broken_warn = match raw.broken.as_deref() {
            None | Some("error") => false,
            Some("warn") => true,
            Some(other) => {
                let span = sub_span("links", "broken");
                diags.push(
                    source
                        .error(span, format!("`broken` is \"error\" or \"warn\", not \"{other}\""))
                        .with_help("\"warn\" reports broken links as warnings and marks them on the page (for a wiki being brought in)"),
                );
                false
            }
        };

        let content =
            content_dir(root, &source, top, raw.content_dir, raw.ignore.unwrap_or_default(), diags);
        let questionnaire_span = || sub_span("assessment", "questionnaire");
        let questionnaire = match raw.questionnaire {
            None => {
                let path = content.path.join(DEFAULT_QUESTIONNAIRE);
                if path.exists() && !crate::paths::inside(root, &path) {
                    diags.push(
                        Diagnostic::error(
                            Some(Span::file(&path)),
                            "the questionnaire is a link to a file outside the site",
                        )
                        .with_help("a site reads only files inside its root: copy the file here"),
                    );
                }
                path
            }
            Some(rel) => {
                let plain = crate::paths::is_plain_relative(Path::new(&rel));
                let path = root.join(&rel);
                if !plain {
                    // Never read: its lines would be shown in diagnostics (and by `serve`).
                    diags.push(
                        source
                            .error(
                                questionnaire_span(),
                                format!("the questionnaire `{rel}` is not a path inside the site"),
                            )
                            .with_help(format!(
                                "write a path relative to the site root, without `..`, like \"{}{DEFAULT_QUESTIONNAIRE}\"",
                                content.prefix()
                            )),
                    );
                } else if !path.is_file() {
                    // Only a path someone wrote must exist; the default may be absent.
                    diags.push(
                        source
                            .error(
                                questionnaire_span(),
                                format!("the questionnaire `{rel}` does not exist"),
                            )
                            .with_help(format!(
                                "the path is relative to the site root; the default is \"{}{DEFAULT_QUESTIONNAIRE}\"",
                                content.prefix()
                            )),
                    );
                } else if !crate::paths::inside(root, &path) {
                    diags.push(
                        source
                            .error(
                                questionnaire_span(),
                                format!(
                                    "the questionnaire `{rel}` is a link to a file outside the site"
                                ),
                            )
                            .with_help(
                                "a site reads only files inside its root: copy the file here",
                            ),
                    );
                }
                path
            }
        };

        if diags.error_count() > before {
            return None;
        }
        let edit_url = raw.edit_url.filter(|url| {
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.contains("{path}")
                && !url.chars().any(|c| c.is_control() || c.is_whitespace() || c == '"');
            if !ok {
                let span = toml_input::get(top, "edit_url").map(|v| v.span()).unwrap_or(0..0);
                diags.push(
                    source
                        .error(span, "`edit_url` must be a full URL with `{path}` where the page's path goes")
                        .with_help("for example: edit_url = \"https://github.com/acme/handbook/edit/main/content/{path}\""),
                );
            }
            ok
        });
        Some(Config {
            root: root.to_path_buf(),
            title,
            description: raw.description.unwrap_or_default(),
            language,
            base_url,
            markdown: MarkdownConfig { unsafe_html: raw.unsafe_html.unwrap_or(false) },
            links: LinksConfig { broken_warn },
            governance: GovernanceConfig {
                review_every,
                strict: raw.strict.unwrap_or(false),
                git_dates: raw.git_dates.unwrap_or(false),
            },
            search: SearchConfig { enabled: raw.search.unwrap_or(true) },
            assessment: AssessmentConfig { questionnaire },
            extra,
            content,
            edit_url,
        })
    }

    pub fn content_dir(&self) -> PathBuf {
        self.content.path.clone()
    }

    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }

    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }
}

/// `content_dir` (a folder below the root, or `.`) and the `ignore` globs (`*` never crosses
/// `/`, `**` is any number of folders, case-sensitive: DESIGN sections 8 and 13).
fn content_dir(
    root: &Path,
    source: &TomlSource<'_>,
    top: &toml::de::DeTable<'_>,
    written: Option<String>,
    ignore: Vec<String>,
    diags: &mut Diagnostics,
) -> ContentDir {
    let span = |key: &str| toml_input::get(top, key).map(|v| v.span()).unwrap_or(0..0);
    let mut rel = written.unwrap_or_else(|| "content".into()).replace('\\', "/");
    if rel == "." || rel == "./" {
        rel.clear();
    }
    let rel = rel.trim_end_matches('/').to_string();
    let plain = rel.is_empty() || crate::paths::is_plain_relative(Path::new(&rel));
    let rel = if plain {
        rel
    } else {
        diags.push(
            source
                .error(span("content_dir"), format!("`content_dir = \"{rel}\"` is not a folder inside the site"))
                .with_help("write a folder below the site root, like \"content\" or \"docs\", or \".\" for the root itself"),
        );
        "content".into()
    };
    let path = if rel.is_empty() { root.to_path_buf() } else { root.join(&rel) };
    if !rel.is_empty() && path.exists() && !crate::paths::inside(root, &path) {
        diags.push(
            source
                .error(
                    span("content_dir"),
                    format!("`{rel}` is a link to a folder outside the site"),
                )
                .with_help("a site reads only files inside its root"),
        );
    }
    let mut set = globset::GlobSetBuilder::new();
    let entries: Vec<_> = toml_input::get(top, "ignore")
        .and_then(|v| match v.get_ref() {
            toml::de::DeValue::Array(items) => Some(items.iter().map(|i| i.span()).collect()),
            _ => None,
        })
        .unwrap_or_default();
    for (i, pattern) in ignore.iter().enumerate() {
        let at = entries.get(i).cloned().unwrap_or_else(|| span("ignore"));
        match content_glob(pattern) {
            Ok(glob) => {
                set.add(glob);
            }
            Err(err) => diags.push(
                source
                    .error(at, format!("`{pattern}` is not a valid glob: {}", err.kind()))
                    .with_help("`*` matches within one folder, `**` any number of folders: \"_templates/**\""),
            ),
        }
    }
    let ignore = set.build().unwrap_or_else(|_| globset::GlobSet::empty());
    ContentDir { path, rel, ignore }
}

/// A glob over content paths (relative to the content folder, `/`-separated, case-sensitive):
/// `*` never crosses `/`, `**` matches any number of folders. `ignore` and the
/// questionnaire's evidence globs share these rules.
pub(crate) fn content_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(pattern.trim_start_matches('/')).literal_separator(true).build()
}

/// The nearest folder from `start` upward that holds `opsbook.toml`.
pub(crate) fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file()).map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Config>, Vec<Diagnostic>) {
        let mut diags = Diagnostics::new();
        let cfg = Config::parse(
            Path::new("/site"),
            Path::new("/site/opsbook.toml"),
            text,
            &Overrides::default(),
            &mut diags,
        );
        (cfg, diags.into_vec())
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let (cfg, diags) = parse("title = \"Ops\"\n");
        assert!(diags.is_empty(), "{diags:?}");
        let cfg = cfg.unwrap();
        assert_eq!(cfg.base_url, BaseUrl { origin: None, path: "/".into() });
        assert_eq!(cfg.language, "en");
        assert!(!cfg.markdown.unsafe_html);
        assert_eq!(cfg.governance.review_every.to_string(), "180d");
    }

    #[test]
    fn every_unknown_key_is_reported_at_its_line() {
        let (cfg, diags) =
            parse("title = \"Ops\"\ntitel = 1\n[markdown]\nunsafe = true\n[extra]\nanything = 1\n");
        assert!(cfg.is_none());
        let lines: Vec<_> = diags.iter().map(|d| d.span.as_ref().unwrap().line).collect();
        assert_eq!(lines, [2, 4], "{diags:?}");
        assert_eq!(diags[1].message, "unknown key `unsafe` in [markdown]");
        assert_eq!(diags[1].help.as_deref(), Some("did you mean `unsafe_html`?"));
    }

    #[test]
    fn missing_title_and_bad_values_are_errors() {
        let (_, diags) = parse("base_url = \"ftp:x\"\n[governance]\nreview_every = \"often\"\n");
        let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].starts_with("missing `title`"));
        assert!(messages[1].contains("neither an absolute URL"));
        assert!(messages[2].contains("not a review period"));
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let (_, diags) = parse("title = \"Ops\"\n[markdown]\nunsafe_html = \"yes\"\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].span.as_ref().unwrap().line, 3);
    }

    #[test]
    fn the_questionnaire_path_defaults_and_a_configured_one_must_exist() {
        let (cfg, diags) = parse("title = \"Ops\"\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            cfg.unwrap().assessment.questionnaire,
            Path::new("/site/content/assessment/questionnaire.toml")
        );

        let (cfg, diags) = parse("title = \"Ops\"\n[assessment]\nquestionaire = \"q.toml\"\n");
        assert!(cfg.is_none());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].message, "unknown key `questionaire` in [assessment]");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `questionnaire`?"));

        // The root /site does not exist, so no configured path does either.
        let (cfg, diags) = parse("title = \"Ops\"\n[assessment]\nquestionnaire = \"ops/q.toml\"\n");
        assert!(cfg.is_none());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].message, "the questionnaire `ops/q.toml` does not exist");
        let span = diags[0].span.as_ref().unwrap();
        assert_eq!((span.line, span.column), (3, 17));
    }

    #[test]
    fn every_wrong_type_is_reported_in_one_run() {
        let (cfg, diags) = parse("title = 5\nbase_url = []\n[search]\nenabled = \"yes\"\n");
        assert!(cfg.is_none());
        let lines: Vec<usize> = diags.iter().map(|d| d.span.as_ref().unwrap().line).collect();
        assert_eq!(lines, [1, 2, 4], "{diags:#?}");
    }

    #[test]
    fn a_questionnaire_outside_the_site_is_never_read() {
        for path in ["/etc/passwd", "../../../etc/passwd", "content/../../x.toml"] {
            let (cfg, diags) =
                parse(&format!("title = \"T\"\n[assessment]\nquestionnaire = \"{path}\"\n"));
            assert!(cfg.is_none(), "{path}");
            assert_eq!(diags.len(), 1, "{diags:#?}");
            assert!(diags[0].message.contains("is not a path inside the site"), "{diags:#?}");
            assert_eq!(diags[0].span.as_ref().unwrap().line, 3);
        }
    }

    #[test]
    fn base_urls_normalise_to_a_folder_path() {
        let cases = [
            ("https://example.com/kb", Some("https://example.com"), "/kb/"),
            ("https://example.com", Some("https://example.com"), "/"),
            ("http://localhost:1111/", Some("http://localhost:1111"), "/"),
            ("/docs", None, "/docs/"),
            ("", None, "/"),
        ];
        for (text, origin, path) in cases {
            let url = BaseUrl::parse(text).unwrap();
            assert_eq!((url.origin.as_deref(), url.path.as_str()), (origin, path), "{text}");
        }
        // `//evil.com/` would send every link to another host.
        for bad in [
            "docs",
            "https:///x",
            "/a/../b",
            "/a?b",
            "//evil.com/",
            "//evil.com",
            "/a//b/",
            "/\u{1b}[2J/",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
        let url = BaseUrl::parse("https://example.com/kb/").unwrap();
        assert_eq!(url.url("returns/"), "/kb/returns/");
        assert_eq!(url.permalink("returns/"), "https://example.com/kb/returns/");
    }
}
