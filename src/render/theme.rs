//! The theme: the default Tera templates and static files embedded in the binary, with the
//! site's own `templates/` and `static/` files overriding them file by file (mdBook's
//! `theme/mod.rs` rule), and content-hashed asset URLs for cache busting.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tera::{ErrorKind, Kwargs, State, Tera, TeraResult};
use walkdir::WalkDir;

use crate::config::Config;
use crate::content::load::is_ignored_name;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::output::Body;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

macro_rules! embed_bytes {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../static/", $name)) as &[u8])),*]
    };
}

/// The default templates, by name.
pub(crate) const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "index.html",
    "page.html",
    "section.html",
    "tags.html",
    "tag.html",
    "404.html",
    "search.html",
    "alias.html",
    "nav.html",
    "assessment.html",
    "assessment-response.html",
    "assessment-trend.html",
    "governance.html",
    "governance-list.html",
    "governance-people.html",
    "governance-systems.html",
    "governance-person.html",
    "governance-system.html",
    "partials/process.html",
    "partials/process-table.html",
    "partials/people-table.html",
    "partials/governance-nav.html",
    "partials/listing.html",
    "partials/pagination.html",
    "partials/pager.html",
    "partials/toc.html",
    "partials/toc-list.html",
    "partials/toc-inline.html",
);

/// The built-in static files as a build writes them: the JavaScript without its comment
/// lines (readers download code, not its commentary; static/ keeps both), the rest as is.
/// Made once per process.
fn shipped_statics() -> &'static BTreeMap<String, Body> {
    static SHIPPED: std::sync::OnceLock<BTreeMap<String, Body>> = std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| {
        STATIC
            .iter()
            .map(|(name, bytes)| {
                let body = match std::str::from_utf8(bytes) {
                    Ok(text) if name.ends_with(".js") => {
                        Body::Bytes(std::sync::Arc::from(strip_comment_lines(text).into_bytes()))
                    }
                    _ => Body::Static(bytes),
                };
                (name.to_string(), body)
            })
            .collect()
    })
}

/// JavaScript without the lines that are only a comment: `// ...` lines, and `/* ... */`
/// blocks that start a line and end one. Code, and comments after code, stay as written. A
/// comment-like line inside a multi-line string would go too: the theme's scripts have none
/// (the built site's scripts are checked by `node --check` and the browser tests).
pub(crate) fn strip_comment_lines(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.split_inclusive('\n') {
        let t = line.trim();
        if in_block {
            in_block = !t.ends_with("*/");
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        if t.starts_with("/*") {
            match t.find("*/") {
                None => {
                    in_block = true;
                    continue;
                }
                Some(end) if end + 2 == t.len() => continue,
                // `/* a */ code`: the line is code.
                Some(_) => {}
            }
        }
        out.push_str(line);
    }
    out
}

/// The default static files, by output path.
pub(crate) const STATIC: &[(&str, &[u8])] = embed_bytes!(
    "assets/opsbook.css",
    "assets/opsbook.js",
    "assets/search.js",
    "assets/search-engine.js",
    "assets/assessment-score.js",
    "assets/assessment-io.js",
    "assets/assessment.js",
    "assets/assessment.css",
    "assets/governance.css",
    "favicon.svg",
);

/// Where a template came from, for error messages.
#[derive(Debug, Clone)]
struct TemplateSource {
    path: PathBuf,
    text: String,
}

/// How `asset()` writes URLs: with a content hash (builds: cache for ever) or plain (the dev
/// server, which sends ETags instead, so that a CSS edit does not change every page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetUrls {
    Hashed,
    Plain,
}

/// A loaded theme: templates compiled, static files listed.
pub struct Theme {
    pub tera: Tera,
    /// Static files (embedded defaults and the site's `static/`), by output path.
    pub statics: BTreeMap<String, Body>,
    sources: HashMap<String, TemplateSource>,
}

impl Theme {
    /// Loads the embedded theme and the site's overrides, reporting template errors.
    pub fn load(cfg: &Config, urls: AssetUrls, diags: &mut Diagnostics) -> Option<Theme> {
        let mut sources: HashMap<String, TemplateSource> = TEMPLATES
            .iter()
            .map(|(name, text)| {
                let path = PathBuf::from(format!("[built-in theme]/templates/{name}"));
                (name.to_string(), TemplateSource { path, text: text.to_string() })
            })
            .collect();
        for (rel, file) in walk(&cfg.root, &cfg.templates_dir(), diags) {
            match std::fs::read_to_string(&file) {
                Ok(text) => {
                    sources.insert(rel, TemplateSource { path: file, text });
                }
                Err(err) => diags.push(Diagnostic::error(
                    Some(Span::file(&file)),
                    format!("cannot read the template: {err}"),
                )),
            }
        }

        let mut statics: BTreeMap<String, Body> = shipped_statics().clone();
        for (rel, file) in walk(&cfg.root, &cfg.static_dir(), diags) {
            // A copy of a built-in file (the crate is also the sample site) ships as the
            // built-in one does.
            let same = STATIC.iter().any(|(name, bytes)| {
                *name == rel && std::fs::read(&file).is_ok_and(|on_disk| on_disk == *bytes)
            });
            if !same {
                statics.insert(rel, Body::Copy(file));
            }
        }

        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        // Functions must exist before templates that call them are compiled.
        let hashes = AssetHashes::new(&cfg.base_url.path, &statics, urls);
        let modules = hashes.clone();
        tera.register_function("asset", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            hashes.url(path)
        });
        // The theme's modules import each other by plain URL (`./search-engine.js`): an
        // import map sends those imports to the versioned files, so that a deploy never
        // mixes a new page script with cached older modules.
        tera.register_function("import_map", move |_: Kwargs, _: &State| modules.import_map());
        // Tera's own `range` bounds each call; ours also bounds all calls of one page.
        tera.register_function("range", bounded_range);
        let mut names: Vec<&String> = sources.keys().collect();
        names.sort();
        let templates = names.iter().map(|name| (name.as_str(), sources[*name].text.as_str()));
        if let Err(err) = tera.add_raw_templates(templates) {
            let theme = Theme { tera: Tera::new(), statics: BTreeMap::new(), sources };
            diags.push(theme.diagnostic(&err, None));
            return None;
        }
        Some(Theme { tera, statics, sources })
    }

    /// Renders `name` for one output file within this page's bounds: at most
    /// [`MAX_OUTPUT`] bytes written and [`RANGE_BUDGET`] numbers made by `range()`. A template
    /// that loops without end is an error that names it, the same on every machine (a time
    /// limit would not be).
    pub fn render(
        &self,
        tera: &Tera,
        name: &str,
        ctx: &tera::Context,
        what: impl Fn() -> String,
    ) -> Result<String, Diagnostic> {
        RANGE_LEFT.with(|left| left.set(RANGE_BUDGET));
        let mut out = Capped { bytes: Vec::new(), over: false };
        let result = tera.render_to(name, ctx, &mut out);
        if out.over {
            let span = self.sources.get(name).map(|s| Span::file(&s.path));
            return Err(Diagnostic::error(
                span,
                format!(
                    "the template `{name}` wrote more than {} MiB while rendering {}",
                    MAX_OUTPUT >> 20,
                    what()
                ),
            )
            .with_help("a page is never that large: look for a loop in the template (or a template it includes) that does not end"));
        }
        match result {
            Ok(()) => String::from_utf8(out.bytes).map_err(|_| {
                Diagnostic::error(
                    None,
                    format!("the template `{name}` wrote text that is not UTF-8"),
                )
            }),
            Err(err) => Err(self.diagnostic(&err, Some(&what()))),
        }
    }

    /// A cycle of `{% extends %}` or `{% include %}` between templates, reported at the tag
    /// that closes it: the last template of `chain` names the first one again.
    fn cycle(&self, chain: &[String], tag: &str, verb: &str) -> Diagnostic {
        let shown: Vec<&str> = chain.iter().map(String::as_str).collect();
        let message = format!("templates {verb} each other in a circle: {}", shown.join(" -> "));
        // The tag that closes the circle is in the template before the repeated one.
        let (from, to) = match chain {
            [.., from, to] => (from.as_str(), to.as_str()),
            [only] => (only.as_str(), only.as_str()),
            [] => ("", ""),
        };
        let span = self.sources.get(from).map(|source| {
            let at = find_tag(&source.text, tag, to).unwrap_or(0..0);
            Span::from_range(&source.path, &source.text, at.start, at.end)
        });
        Diagnostic::error(span, message).with_help(format!(
            "a template may not {verb} itself, directly or through others: remove one `{tag}` of the circle"
        ))
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// A Tera error as a diagnostic at the template's file, line and column.
    pub fn diagnostic(&self, err: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        let context = rendering.map(|what| format!("while rendering {what}; ")).unwrap_or_default();
        let mut message = match err.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let source = self.sources.get(report.filename());
                let span = source.map(|s| {
                    let range = &report.span().range;
                    Span::from_range(&s.path, &s.text, range.start, range.end)
                });
                let message = format!("template error: {}", report.message());
                return Diagnostic::error(span, message).with_help(format!(
                    "{context}fix the template, or delete it from templates/ to use the built-in one"
                ));
            }
            ErrorKind::CircularExtend { tpl, inheritance_chain } => {
                let mut chain = inheritance_chain.clone();
                chain.push(tpl.clone());
                return self.cycle(&chain, "extends", "extend");
            }
            ErrorKind::CircularInclude { include_chain, .. } => {
                return self.cycle(include_chain, "include", "include");
            }
            other => {
                // Tera's own report spans several lines; a diagnostic message is one.
                let text = other.to_string();
                let text: Vec<&str> =
                    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
                format!(
                    "template error ({}): {}",
                    rendering.unwrap_or("loading the theme"),
                    text.join(" ")
                )
            }
        };
        let mut source = std::error::Error::source(err);
        while let Some(inner) = source {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            source = inner.source();
        }
        Diagnostic::error(None, message)
    }
}

/// Where `{% tag "name" %}` (any quotes, any spacing) is in a template's text.
fn find_tag(text: &str, tag: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(at) = text[from..].find("{%") {
        let start = from + at;
        let end = text[start..].find("%}").map_or(text.len(), |e| start + e + 2);
        let inner = text[start + 2..end.saturating_sub(2).max(start + 2)]
            .trim_matches(|c: char| c == '-' || c.is_whitespace());
        if let Some(rest) = inner.strip_prefix(tag)
            && rest.trim().trim_matches(['"', '\'', '`']) == name
        {
            return Some(start..end);
        }
        from = end;
    }
    None
}

/// The most one template render may write: far above any real page (a 50 MB Markdown page
/// still fits), far below what fills the memory of a build that renders on every core.
pub(crate) const MAX_OUTPUT: usize = 256 << 20;

/// How many numbers `range()` may make for one output file, over all its calls: a loop in a
/// loop of `range(end=100000)` stops after ten outer rounds instead of running 10^10 times.
pub(crate) const RANGE_BUDGET: usize = 1_000_000;

thread_local! {
    /// What is left of [`RANGE_BUDGET`] for the render running on this thread (a render
    /// never leaves its thread).
    static RANGE_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(RANGE_BUDGET) };
}

/// A writer that refuses to grow past [`MAX_OUTPUT`]; Tera stops rendering at the error.
struct Capped {
    bytes: Vec<u8>,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT {
            self.over = true;
            return Err(std::io::Error::other("the template's output is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `range(end=N, start=0, step_by=1)`, as Tera's, drawing on the page's [`RANGE_BUDGET`].
fn bounded_range(kwargs: Kwargs, _: &State) -> TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("range() was called with step_by = 0"));
    }
    // As Tera's own `range`: a start past the end is an error going up, nothing going down.
    if step > 0 && start > end {
        return Err(tera::Error::message(
            "range() was called with a `start` argument greater than the `end` one",
        ));
    }
    if step < 0 && start <= end {
        return Ok(Vec::new());
    }
    let span = end.abs_diff(start);
    let len = span.div_ceil(step.unsigned_abs());
    let left = RANGE_LEFT.with(|left| left.get());
    if len > left as u128 {
        return Err(tera::Error::message(format!(
            "range() would make {len} numbers, and this page has {left} left of its {RANGE_BUDGET}: a loop over range() inside another loop does not end in reasonable time"
        )));
    }
    RANGE_LEFT.with(|cell| cell.set(left - len as usize));
    let mut values = Vec::with_capacity(len as usize);
    let mut n = start;
    for _ in 0..len {
        values.push(n);
        n += step;
    }
    Ok(values)
}

/// Files below `dir` (sorted, editor leftovers skipped), as (relative path, file). `dir`
/// itself may be a link only to a folder inside the site `root`.
fn walk(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let linked = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
    if linked && !crate::paths::inside(root, dir) {
        diags.push(
            Diagnostic::warning(
                Some(Span::file(dir)),
                "skipped: the folder is a symbolic link to a folder outside the site",
            )
            .with_help("a site reads only files inside its root: copy the folder here"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.path_is_symlink() && !crate::paths::inside(dir, entry.path()) => {
                diags.push(
                    Diagnostic::warning(
                        Some(Span::file(entry.path())),
                        "skipped: the symbolic link points outside its folder",
                    )
                    .with_help("copy the file into the folder instead"),
                );
            }
            Ok(entry) if entry.path().is_file() => {
                let Ok(rel) = entry.path().strip_prefix(dir) else { continue };
                match rel.to_str() {
                    Some(rel) => out.push((rel.replace('\\', "/"), entry.into_path())),
                    None => diags.push(Diagnostic::error(
                        Some(Span::file(entry.path())),
                        "the file name is not valid UTF-8",
                    )),
                }
            }
            Ok(entry) if !entry.file_type().is_dir() && !entry.path().is_dir() => {
                diags.push(
                    Diagnostic::warning(
                        Some(Span::file(entry.path())),
                        "skipped: it is not a regular file (a FIFO, socket, device or dangling link)",
                    )
                    .with_help("templates and static files are read from regular files only"),
                );
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                diags.push(Diagnostic::error(
                    Some(Span::file(&path)),
                    format!("cannot read: {err}"),
                ));
            }
        }
    }
    out
}

/// `asset(path=...)`: the URL of a static file with a short content hash, computed once.
#[derive(Clone)]
struct AssetHashes {
    base: String,
    urls: AssetUrls,
    files: Arc<BTreeMap<String, (Body, OnceLock<String>)>>,
}

impl AssetHashes {
    fn new(base: &str, statics: &BTreeMap<String, Body>, urls: AssetUrls) -> AssetHashes {
        let files =
            statics.iter().map(|(k, v)| (k.clone(), (v.clone(), OnceLock::new()))).collect();
        AssetHashes { base: base.to_string(), urls, files: Arc::new(files) }
    }

    /// `{"imports": {plain URL: versioned URL}}` for every module under `assets/`, safe in a
    /// `<script>` element; empty when URLs are not versioned (the dev server).
    fn import_map(&self) -> TeraResult<String> {
        if self.urls == AssetUrls::Plain {
            return Ok(String::new());
        }
        let mut imports = serde_json::Map::new();
        for path in self.files.keys().filter(|p| p.starts_with("assets/") && p.ends_with(".js")) {
            imports.insert(format!("{}{path}", self.base), self.url(path)?.into());
        }
        let json = serde_json::json!({ "imports": imports }).to_string();
        Ok(json.replace('<', "\\u003c"))
    }

    fn url(&self, path: &str) -> TeraResult<String> {
        let path = path.trim_start_matches('/');
        let Some((body, hash)) = self.files.get(path) else {
            return Err(tera::Error::message(format!(
                "asset(path=\"{path}\"): there is no such file in static/"
            )));
        };
        if self.urls == AssetUrls::Plain {
            return Ok(format!("{}{path}", self.base));
        }
        let hash = hash.get_or_init(|| match body.read() {
            Ok(bytes) => format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes))[..10].to_string(),
            Err(_) => "0".into(),
        });
        Ok(format!("{}{path}?v={hash}", self.base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of the repository's theme folders is compiled into the binary (the sample
    /// site would hide a missing one: it reads those folders as its own overrides).
    #[test]
    fn every_theme_file_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut diags = Diagnostics::new();
        for (dir, embedded) in [
            ("templates", TEMPLATES.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
            ("static", STATIC.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
        ] {
            for (rel, _) in walk(root, &root.join(dir), &mut diags) {
                assert!(
                    embedded.contains(&rel.as_str()),
                    "{dir}/{rel} is not embedded in theme.rs"
                );
            }
        }
        assert!(diags.is_empty());
    }

    #[test]
    fn comment_lines_go_and_code_stays() {
        let js = "// a header\n/**\n * Docs.\n */\nconst a = 1; // kept\n  /* one line */\n/* a */ const b = 2;\nconst url = \"http://x\";\n";
        assert_eq!(
            strip_comment_lines(js),
            "const a = 1; // kept\n/* a */ const b = 2;\nconst url = \"http://x\";\n"
        );
    }

    #[test]
    fn the_shipped_scripts_lose_only_comment_lines() {
        for (name, bytes) in STATIC.iter().filter(|(n, _)| n.ends_with(".js")) {
            let source = std::str::from_utf8(bytes).unwrap();
            let shipped = strip_comment_lines(source);
            assert!(shipped.len() < source.len(), "{name} has comments to drop");
            // Every shipped line is a source line, in order.
            let mut lines = source.lines();
            for line in shipped.lines() {
                assert!(lines.any(|l| l == line), "{name}: {line:?} is not a source line");
            }
            // No dropped line sits inside a template literal: before each, the code lines
            // above hold an even number of backticks.
            let mut ticks = 0;
            let kept: std::collections::HashSet<&str> = shipped.lines().collect();
            for line in source.lines() {
                if kept.contains(line) {
                    ticks += line.matches('`').count();
                } else {
                    assert_eq!(
                        ticks % 2,
                        0,
                        "{name}: {line:?} is dropped inside a template literal"
                    );
                }
            }
        }
    }
}
