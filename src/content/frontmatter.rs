//! Front matter: splitting it off a Markdown file and turning it into typed [`FrontMatter`].
//!
//! TOML sits between `+++` lines and YAML between `---` lines. Both are converted to one
//! key/value list with byte ranges, then every known key is checked by the same code, so an
//! error reads the same whatever the format. Unknown keys are kept in `extra` for templates:
//! wikis migrated from Obsidian, Hugo or Notion carry keys of their own (STYLE 6.1).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value as Json;

use crate::dates::{self, Period};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::toml_input::{self, TomlSource};

/// The lifecycle of a process document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Active,
    Deprecated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Active => "active",
            Status::Deprecated => "deprecated",
        }
    }
}

/// Front-matter keys opsbook does not know, as written (for templates).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra(pub BTreeMap<String, Json>);

impl std::ops::Deref for Extra {
    type Target = BTreeMap<String, Json>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl std::hash::Hash for Extra {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // JSON values are not Hash; their text is, and a map's text is canonical here.
        for (key, value) in &self.0 {
            key.hash(state);
            value.to_string().hash(state);
        }
    }
}

/// Every field a page may set. `None` means "not set", so that cascades can fill it in.
/// `Hash` lets the dev server tell whether a page's front matter changed.
#[derive(Debug, Clone, Default, Hash)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub draft: Option<bool>,
    pub tags: Option<Vec<String>>,
    pub aliases: Option<Vec<String>>,
    pub template: Option<String>,
    pub updated: Option<Date>,
    pub owner: Option<String>,
    pub backups: Option<Vec<String>>,
    pub reviewed: Option<Date>,
    pub review_every: Option<Period>,
    pub status: Option<Status>,
    pub systems: Option<Vec<String>>,
    pub kind: Option<String>,
    pub cascade: Option<Box<FrontMatter>>,
    pub extra: Extra,
    /// Byte ranges (in the whole file) of each known key's value, for later diagnostics.
    pub spans: BTreeMap<&'static str, Range<usize>>,
}

impl FrontMatter {
    /// Fills every field this page did not set from `parent` (a section's `cascade`).
    pub fn inherit(&mut self, parent: &FrontMatter) {
        macro_rules! take {
            ($($field:ident),*) => {$(
                if self.$field.is_none() {
                    self.$field = parent.$field.clone();
                }
            )*};
        }
        take!(description, draft, tags, template, updated, owner, backups, reviewed, review_every);
        take!(status, systems, kind);
        for (key, value) in parent.extra.iter() {
            self.extra.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }

    pub fn is_process(&self) -> bool {
        self.kind.as_deref() == Some("process")
    }
}

/// Where the front matter and the body are in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Toml,
    Yaml,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    pub format: Option<Format>,
    /// Byte range of the front matter text (between the fences) in the file.
    pub front: Range<usize>,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

/// Finds the front matter fences. `Err` carries the byte range of an opening fence that is
/// never closed. A file without front matter is all body.
pub(crate) fn split(text: &str) -> Result<Split, Range<usize>> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let (format, fence) = if line_is(rest, "+++") {
        (Format::Toml, "+++")
    } else if line_is(rest, "---") {
        (Format::Yaml, "---")
    } else {
        return Ok(Split { format: None, front: start..start, body_start: start });
    };
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let front_start = start + first_line_end;
    let mut pos = front_start;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..line_end].trim_end_matches(['\n', '\r']);
        let closes =
            line.trim_end() == fence || (format == Format::Yaml && line.trim_end() == "...");
        if closes {
            return Ok(Split {
                format: Some(format),
                front: front_start..pos,
                body_start: line_end,
            });
        }
        pos = line_end;
    }
    Err(start..start + fence.len())
}

fn line_is(text: &str, fence: &str) -> bool {
    let line = text.split('\n').next().unwrap_or("");
    line.trim_end() == fence
}

/// One `key = value` pair from either format, with byte ranges in the whole file.
struct Entry {
    key: String,
    key_range: Range<usize>,
    value_range: Range<usize>,
    value: Json,
    /// A table value's own entries, with their positions (what `cascade` reads).
    children: Option<Vec<Entry>>,
    /// The text of a number JSON cannot hold (`nan`, `inf`) inside the value: an error.
    non_finite: Option<String>,
}

/// The largest front matter read, in bytes. Front matter is a page's metadata; a larger one
/// is a mistake (a fence never closed, data pasted in) and would only slow the build down.
pub(crate) const MAX_FRONT_MATTER: usize = 1 << 20;

/// Parses the front matter of `text` (a whole file). Problems go to `diags`; the returned
/// front matter holds every field that was valid.
pub(crate) fn parse(
    path: &Path,
    text: &str,
    split: &Split,
    diags: &mut Diagnostics,
) -> FrontMatter {
    if split.front.len() > MAX_FRONT_MATTER {
        diags.push(
            Diagnostic::error(
                Some(Span::from_range(path, text, split.front.start, split.front.start + 1)),
                format!(
                    "the front matter is {} KiB; at most {} KiB are read",
                    split.front.len() / 1024,
                    MAX_FRONT_MATTER / 1024
                ),
            )
            .with_help("front matter is for a page's metadata: check that its closing fence is where you meant it"),
        );
        return FrontMatter::default();
    }
    let entries = match split.format {
        None => return FrontMatter::default(),
        Some(Format::Toml) => toml_entries(path, text, split.front.clone(), diags),
        Some(Format::Yaml) => yaml_entries(path, text, split.front.clone(), diags),
    };
    let Some(entries) = entries else { return FrontMatter::default() };
    let reader = Reader { path, text };
    reader.front_matter(entries, true, diags)
}

fn toml_entries(
    path: &Path,
    text: &str,
    front: Range<usize>,
    diags: &mut Diagnostics,
) -> Option<Vec<Entry>> {
    let source = TomlSource { path, file_text: text, offset: front.start };
    let table = toml_input::parse(&source, &text[front.clone()], diags)?;
    Some(toml_table_entries(table.get_ref(), front.start, true))
}

fn toml_table_entries(table: &toml::de::DeTable<'_>, at: usize, top: bool) -> Vec<Entry> {
    let shift = |r: Range<usize>| at + r.start..at + r.end;
    table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_range: shift(k.span()),
            value_range: shift(v.span()),
            value: toml_input::to_json(v.get_ref()),
            children: match v.get_ref() {
                toml::de::DeValue::Table(t) if top => Some(toml_table_entries(t, at, false)),
                _ => None,
            },
            non_finite: toml_non_finite(v.get_ref()),
        })
        .collect()
}

/// The first `nan` or `inf` in a TOML value, as written.
fn toml_non_finite(value: &toml::de::DeValue<'_>) -> Option<String> {
    use toml::de::DeValue;
    match value {
        DeValue::Float(f) => {
            toml_input::number(value).filter(|n| !n.is_finite()).map(|_| f.as_str().to_string())
        }
        DeValue::Array(items) => items.iter().find_map(|v| toml_non_finite(v.get_ref())),
        DeValue::Table(t) => t.iter().find_map(|(_, v)| toml_non_finite(v.get_ref())),
        _ => None,
    }
}

fn yaml_entries(
    path: &Path,
    text: &str,
    front: Range<usize>,
    diags: &mut Diagnostics,
) -> Option<Vec<Entry>> {
    fn convert(entries: Vec<super::yaml::Entry>, at: usize) -> Vec<Entry> {
        entries
            .into_iter()
            .map(|e| Entry {
                key: e.key,
                key_range: at + e.key_range.start..at + e.key_range.end,
                value_range: at + e.value_range.start..at + e.value_range.end,
                value: e.value,
                children: e.children.map(|c| convert(c, at)),
                non_finite: e.non_finite,
            })
            .collect()
    }
    match super::yaml::entries(&text[front.clone()]) {
        Ok(entries) => Some(convert(entries, front.start)),
        Err(err) => {
            let start = front.start + err.range.start;
            let end = front.start + err.range.end;
            diags.push(
                Diagnostic::error(Some(Span::from_range(path, text, start, end)), err.message)
                    .with_help(err.help),
            );
            None
        }
    }
}

/// Keys that a section's `cascade` may not set: they only make sense for one page.
const NOT_CASCADED: &[&str] = &["title", "weight", "aliases", "cascade"];

struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Reader<'_> {
    fn error(&self, range: &Range<usize>, message: String) -> Diagnostic {
        Diagnostic::error(
            Some(Span::from_range(self.path, self.text, range.start, range.end)),
            message,
        )
    }

    fn front_matter(&self, entries: Vec<Entry>, top: bool, diags: &mut Diagnostics) -> FrontMatter {
        let mut fm = FrontMatter::default();
        for entry in entries {
            let Entry { key, key_range, value_range, value, children, non_finite } = entry;
            let r = &value_range;
            if let Some(number) = non_finite {
                diags.push(
                    self.error(
                        r,
                        format!("`{key}` holds `{number}`, which is not a finite number"),
                    )
                    .with_help("numbers in front matter must be finite: write a plain number"),
                );
                continue;
            }
            macro_rules! set {
                ($field:ident, $name:literal, $conv:expr) => {{
                    // An empty YAML value (`description:`) is the same as a missing key, as
                    // in Obsidian and Hugo (DESIGN section 13).
                    if !value.is_null()
                        && let Some(v) = $conv(self, r, $name, value, diags)
                    {
                        fm.$field = Some(v);
                        fm.spans.insert($name, value_range.clone());
                    }
                }};
            }
            if !top && NOT_CASCADED.contains(&key.as_str()) {
                diags.push(
                    self.error(&key_range, format!("`{key}` cannot be set through `cascade`"))
                        .with_help(format!("set `{key}` in each page's own front matter")),
                );
                continue;
            }
            match key.as_str() {
                "title" => set!(title, "title", Reader::string),
                "description" => set!(description, "description", Reader::string),
                "weight" => set!(weight, "weight", Reader::integer),
                "draft" => set!(draft, "draft", Reader::boolean),
                "tags" => set!(tags, "tags", Reader::strings),
                "aliases" => set!(aliases, "aliases", Reader::strings),
                "template" => set!(template, "template", Reader::string),
                "updated" => set!(updated, "updated", Reader::date),
                "owner" => set!(owner, "owner", Reader::string),
                "backups" => set!(backups, "backups", Reader::strings),
                "reviewed" => set!(reviewed, "reviewed", Reader::date),
                "review_every" => set!(review_every, "review_every", Reader::period),
                "status" => set!(status, "status", Reader::status),
                "systems" => set!(systems, "systems", Reader::strings),
                "kind" => set!(kind, "kind", Reader::string),
                "cascade" => match value {
                    Json::Null => {}
                    Json::Object(_) => {
                        // Both readers keep a top-level table's entries, each at its own place.
                        let entries = children.unwrap_or_default();
                        fm.cascade = Some(Box::new(self.front_matter(entries, false, diags)));
                        fm.spans.insert("cascade", value_range.clone());
                    }
                    other => diags.push(self.error(
                        r,
                        format!("`cascade` must be a table, found {}", json_type(&other)),
                    )),
                },
                _ => {
                    fm.extra.insert(key, value);
                }
            }
        }
        fm
    }

    fn string(
        &self,
        r: &Range<usize>,
        key: &str,
        v: Json,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        match v {
            Json::String(s) => Some(s),
            Json::Number(n) if key == "title" => Some(n.to_string()),
            other => {
                diags.push(
                    self.error(r, format!("`{key}` must be a string, found {}", json_type(&other))),
                );
                None
            }
        }
    }

    fn integer(
        &self,
        r: &Range<usize>,
        key: &str,
        v: Json,
        diags: &mut Diagnostics,
    ) -> Option<i64> {
        match v.as_i64() {
            Some(i) => Some(i),
            None => {
                diags.push(
                    self.error(
                        r,
                        format!("`{key}` must be a whole number, found {}", json_type(&v)),
                    ),
                );
                None
            }
        }
    }

    fn boolean(
        &self,
        r: &Range<usize>,
        key: &str,
        v: Json,
        diags: &mut Diagnostics,
    ) -> Option<bool> {
        match v {
            Json::Bool(b) => Some(b),
            other => {
                diags.push(
                    self.error(
                        r,
                        format!("`{key}` must be true or false, found {}", json_type(&other)),
                    )
                    .with_help(format!("write {key} = true without quotes")),
                );
                None
            }
        }
    }

    /// A list of non-empty strings; a single string is accepted as a list of one.
    fn strings(
        &self,
        r: &Range<usize>,
        key: &str,
        v: Json,
        diags: &mut Diagnostics,
    ) -> Option<Vec<String>> {
        let items = match v {
            Json::String(s) => vec![Json::String(s)],
            Json::Array(items) => items,
            Json::Null => Vec::new(),
            other => {
                diags.push(
                    self.error(
                        r,
                        format!("`{key}` must be a list of strings, found {}", json_type(&other)),
                    )
                    .with_help(format!("write {key} = [\"one\", \"two\"]")),
                );
                return None;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        // Each problem names its entry: two of them are two errors, not one shown twice.
        for (n, item) in items.into_iter().enumerate() {
            let n = n + 1;
            match item {
                Json::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                Json::String(_) => {
                    diags.push(self.error(r, format!("entry {n} of `{key}` is empty")));
                }
                other => {
                    diags.push(
                        self.error(
                            r,
                            format!(
                                "entry {n} of `{key}` must be a string, found {}",
                                json_type(&other)
                            ),
                        )
                        .with_help(format!("quote it: {key} = [\"...\"]")),
                    );
                }
            }
        }
        Some(out)
    }

    fn date(&self, r: &Range<usize>, key: &str, v: Json, diags: &mut Diagnostics) -> Option<Date> {
        let parsed = match &v {
            // A TOML datetime with a time of day prints as 2026-01-02T10:00:00; keep the day.
            Json::String(s) => dates::parse_date(s.get(..10).unwrap_or(s)).filter(|_| {
                s.len() == 10 || matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' '))
            }),
            _ => None,
        };
        if parsed.is_none() {
            diags.push(
                self.error(
                    r,
                    format!("`{key}` must be a date like 2026-09-14, found {}", describe(&v)),
                )
                .with_help("write the date as YYYY-MM-DD"),
            );
        }
        parsed
    }

    fn period(
        &self,
        r: &Range<usize>,
        key: &str,
        v: Json,
        diags: &mut Diagnostics,
    ) -> Option<Period> {
        let parsed = v.as_str().and_then(Period::parse);
        if parsed.is_none() {
            diags.push(
                self.error(r, format!("`{key}` must be a review period, found {}", describe(&v)))
                    .with_help("write a number and a unit: \"90d\", \"6w\", \"3m\" or \"1y\""),
            );
        }
        parsed
    }

    fn status(
        &self,
        r: &Range<usize>,
        key: &str,
        v: Json,
        diags: &mut Diagnostics,
    ) -> Option<Status> {
        let parsed = match v.as_str().map(str::trim) {
            Some("draft") => Some(Status::Draft),
            Some("active") => Some(Status::Active),
            Some("deprecated") => Some(Status::Deprecated),
            _ => None,
        };
        if parsed.is_none() {
            diags.push(self.error(
                r,
                format!(
                    "`{key}` must be \"draft\", \"active\" or \"deprecated\", found {}",
                    describe(&v)
                ),
            ));
        }
        parsed
    }
}

fn json_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "nothing",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_f64() => "a decimal number",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a table",
    }
}

fn describe(v: &Json) -> String {
    match v {
        Json::String(s) => format!("\"{s}\""),
        other => json_type(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (FrontMatter, Vec<Diagnostic>) {
        let mut diags = Diagnostics::new();
        let split = split(text).expect("fences close");
        let fm = parse(Path::new("p.md"), text, &split, &mut diags);
        (fm, diags.into_vec())
    }

    #[test]
    fn split_finds_fences_and_body() {
        let cases: &[(&str, Option<Format>, &str, &str)] = &[
            ("+++\ntitle = \"a\"\n+++\nbody", Some(Format::Toml), "title = \"a\"\n", "body"),
            ("---\ntitle: a\n---\r\nbody", Some(Format::Yaml), "title: a\n", "body"),
            ("---\ntitle: a\n...\nbody", Some(Format::Yaml), "title: a\n", "body"),
            ("\u{feff}+++\n+++\n", Some(Format::Toml), "", ""),
            ("# Just markdown\n", None, "", "# Just markdown\n"),
            ("---", None, "", "---"),
            ("+++ not a fence\n", None, "", "+++ not a fence\n"),
        ];
        for (text, format, front, body) in cases {
            if *text == "---" {
                assert!(split(text).is_err());
                continue;
            }
            let s = split(text).unwrap();
            assert_eq!(s.format, *format, "{text:?}");
            assert_eq!(&text[s.front.clone()], *front, "{text:?}");
            assert_eq!(&text[s.body_start..], *body, "{text:?}");
        }
        assert_eq!(split("+++\ntitle = 1\n"), Err(0..3));
    }

    #[test]
    fn toml_and_yaml_read_the_same_fields() {
        let toml = "+++\ntitle = \"Pick\"\nweight = 10\ntags = [\"a\", \"b\"]\nreviewed = 2026-09-14\nreview_every = \"90d\"\nstatus = \"active\"\nkind = \"process\"\nbackups = []\nsla = 4\n+++\n";
        let yaml = "---\ntitle: Pick\nweight: 10\ntags: [a, b]\nreviewed: 2026-09-14\nreview_every: 90d\nstatus: active\nkind: process\nbackups: []\nsla: 4\n---\n";
        for text in [toml, yaml] {
            let (fm, diags) = read(text);
            assert!(diags.is_empty(), "{diags:?}");
            assert_eq!(fm.title.as_deref(), Some("Pick"));
            assert_eq!(fm.weight, Some(10));
            assert_eq!(fm.tags, Some(vec!["a".into(), "b".into()]));
            assert_eq!(fm.reviewed, Some("2026-09-14".parse().unwrap()));
            assert_eq!(fm.review_every.map(|p| p.to_string()).as_deref(), Some("90d"));
            assert_eq!(fm.status, Some(Status::Active));
            assert!(fm.is_process());
            assert_eq!(fm.backups, Some(vec![]));
            assert_eq!(fm.extra.get("sla"), Some(&Json::from(4)));
        }
    }

    #[test]
    fn wrong_types_are_reported_at_the_value_line_in_both_formats() {
        let (_, diags) =
            read("+++\ntitle = \"a\"\nweight = \"high\"\nreviewed = \"last week\"\n+++\n");
        let lines: Vec<_> = diags.iter().map(|d| d.span.as_ref().unwrap().line).collect();
        assert_eq!(lines, [3, 4], "{diags:?}");
        let (_, diags) = read("---\ntitle: a\nstatus: retired\ndraft: maybe\n---\n");
        let lines: Vec<_> = diags.iter().map(|d| d.span.as_ref().unwrap().line).collect();
        assert_eq!(lines, [3, 4], "{diags:?}");
        assert!(diags[0].message.contains("\"retired\""));
    }

    #[test]
    fn syntax_errors_name_the_line_in_the_file() {
        let (_, diags) = read("+++\ntitle = \"a\"\nowner = \n+++\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].span.as_ref().unwrap().line, 3);
        let (_, diags) = read("---\ntitle: a\ntags: [a, b\n---\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].span.as_ref().unwrap().line >= 3);
    }

    #[test]
    fn cascade_fills_unset_fields_only_and_rejects_page_only_keys() {
        let (fm, diags) = read(
            "+++\ntitle = \"Fulfillment\"\n[cascade]\nkind = \"process\"\nowner = \"Dana\"\ntitle = \"no\"\n+++\n",
        );
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("`title` cannot be set through `cascade`"));
        let cascade = fm.cascade.unwrap();
        let mut page = FrontMatter { owner: Some("Sam".into()), ..Default::default() };
        page.inherit(&cascade);
        assert_eq!(page.owner.as_deref(), Some("Sam"));
        assert_eq!(page.kind.as_deref(), Some("process"));
        assert!(page.title.is_none());
    }

    #[test]
    fn empty_yaml_values_are_missing_keys() {
        // Obsidian's properties panel leaves `description:` and `tags:` empty.
        let (fm, diags) = read(
            "---\ntitle: Pick\ndescription:\ntags:\nowner: ~\nreviewed:\ndraft:\ncascade:\nsla:\n---\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(fm.title.as_deref(), Some("Pick"));
        assert!(fm.description.is_none() && fm.tags.is_none() && fm.owner.is_none());
        assert!(fm.reviewed.is_none() && fm.draft.is_none() && fm.cascade.is_none());
        assert!(!fm.spans.contains_key("description"));
        assert_eq!(fm.extra.get("sla"), Some(&Json::Null));
    }

    #[test]
    fn datetimes_keep_their_day() {
        let (fm, diags) = read("+++\nupdated = 2026-01-02T10:00:00Z\n+++\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(fm.updated, Some("2026-01-02".parse().unwrap()));
    }
}
