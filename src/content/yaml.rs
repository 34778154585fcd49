//! YAML front matter, read from saphyr-parser's event stream into `key: value` entries with
//! byte ranges, in one pass over the text.
//!
//! Every value becomes JSON with the YAML 1.2 core schema (as the rest of the front-matter
//! code expects), top-level keys and the keys of top-level tables keep their positions, and
//! the input is bounded three ways so that no file can stall a build: its size (checked by
//! the caller), its nesting depth, and the number of values it expands to through aliases
//! (a "billion laughs" file is a clear error, not a hang). This module reads only the text it
//! is given and knows nothing of what a key means.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, StrInput};
use serde_json::Value as Json;

/// How deep lists and tables may nest.
pub(crate) const MAX_DEPTH: usize = 64;
/// How many values a front matter may hold once aliases are expanded.
pub(crate) const MAX_VALUES: usize = 100_000;
/// How much text a front matter may hold once aliases are expanded: a short alias of a long
/// string, used many times, is as large as if it were written out.
pub(crate) const MAX_TEXT: usize = 8 << 20;

/// One `key: value` pair; ranges are bytes of the YAML text.
#[derive(Debug)]
pub(crate) struct Entry {
    pub key: String,
    pub key_range: Range<usize>,
    pub value_range: Range<usize>,
    pub value: Json,
    /// The entries of a table value, with their own positions (for `cascade`).
    pub children: Option<Vec<Entry>>,
    /// The text of a number that JSON cannot hold (`.nan`, `.inf`) somewhere in the value.
    pub non_finite: Option<String>,
}

/// Why the YAML cannot be read, and where (bytes of the YAML text).
#[derive(Debug, PartialEq)]
pub(crate) struct Error {
    pub range: Range<usize>,
    pub message: String,
    pub help: &'static str,
}

const SYNTAX_HELP: &str = "YAML front matter is `key: value` lines between two `---` lines";

/// The top-level entries of a YAML front matter (none for an empty one).
pub(crate) fn entries(yaml: &str) -> Result<Vec<Entry>, Error> {
    let mut reader = Reader {
        events: Parser::new_from_str(yaml),
        offsets: Offsets::new(yaml),
        anchors: HashMap::new(),
        values: 0,
        text: 0,
        non_finite: None,
    };
    loop {
        let (event, range) = reader.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(_) => {}
            Event::StreamEnd | Event::DocumentEnd => return Ok(Vec::new()),
            Event::MappingStart(..) => return reader.table(1, true).map(|t| t.entries),
            Event::Scalar(ref text, ScalarStyle::Plain, ..)
                if matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") =>
            {
                return Ok(Vec::new());
            }
            _ => {
                return Err(Error {
                    range,
                    message: "front matter must be a list of `key: value` lines".into(),
                    help: SYNTAX_HELP,
                });
            }
        }
    }
}

fn too_deep(range: Range<usize>) -> Error {
    Error {
        range,
        message: format!("the front matter nests lists or tables more than {MAX_DEPTH} deep"),
        help: "front matter is for a page's metadata; flatten the value",
    }
}

/// One value read: its JSON, its range, and (for a table whose keys were asked for) its
/// entries.
struct Node {
    json: Json,
    range: Range<usize>,
    entries: Option<Vec<Entry>>,
}

/// An anchored value, with what it counts each time an alias repeats it.
struct Anchored {
    json: Json,
    values: usize,
    text: usize,
}

struct Table {
    value: Json,
    entries: Vec<Entry>,
    end: usize,
}

struct Reader<'a> {
    events: Parser<'a, StrInput<'a>>,
    offsets: Offsets<'a>,
    /// Anchored values, with how many values each holds.
    anchors: HashMap<usize, Anchored>,
    values: usize,
    /// Bytes of scalar text read so far, aliases expanded.
    text: usize,
    non_finite: Option<String>,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Range<usize>), Error> {
        match self.events.next() {
            Some(Ok((event, span))) => {
                let start = self.offsets.byte(span.start.index());
                let end = self.offsets.byte(span.end.index()).max(start);
                Ok((event, start..end))
            }
            Some(Err(err)) => {
                let at = self.offsets.byte(err.marker().index());
                // The parser has a nesting bound of its own; say it as ours is said.
                if err.info().contains("recursion limit") {
                    return Err(too_deep(at..at + 1));
                }
                Err(Error {
                    range: at..at + 1,
                    message: format!("invalid YAML front matter: {}", err.info()),
                    help: SYNTAX_HELP,
                })
            }
            None => {
                let end = self.offsets.text.len();
                Err(Error {
                    range: end..end,
                    message: "invalid YAML front matter: it ends in the middle of a value".into(),
                    help: SYNTAX_HELP,
                })
            }
        }
    }

    fn count(&mut self, n: usize, text: usize, range: &Range<usize>) -> Result<(), Error> {
        self.values = self.values.saturating_add(n);
        self.text = self.text.saturating_add(text);
        if self.text > MAX_TEXT {
            return Err(Error {
                range: range.clone(),
                message: format!(
                    "the front matter holds more than {} MiB of text (YAML aliases count every time they are used)",
                    MAX_TEXT >> 20
                ),
                help: "front matter is for a page's metadata; keep large data in a file of its own",
            });
        }
        if self.values > MAX_VALUES {
            return Err(Error {
                range: range.clone(),
                message: format!(
                    "the front matter holds more than {MAX_VALUES} values (YAML aliases count every time they are used)"
                ),
                help: "front matter is for a page's metadata; keep large data in a file of its own",
            });
        }
        Ok(())
    }

    /// One value, starting at its first event. Returns the value, its range and how many
    /// values it holds.
    fn value(
        &mut self,
        event: Event<'a>,
        range: Range<usize>,
        depth: usize,
        children: bool,
    ) -> Result<Node, Error> {
        if depth > MAX_DEPTH {
            return Err(too_deep(range));
        }
        let before = (self.values, self.text);
        let (json, anchor, end, entries) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, text.len(), &range)?;
                let is_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let json = if style == ScalarStyle::Plain && !is_str {
                    self.plain(&text)
                } else {
                    Json::String(text.into_owned())
                };
                (json, anchor, range.end, None)
            }
            Event::SequenceStart(anchor, _) => {
                self.count(1, 0, &range)?;
                let mut items = Vec::new();
                let mut end = range.end;
                loop {
                    let (event, r) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        end = end.max(r.end);
                        break;
                    }
                    let item = self.value(event, r, depth + 1, false)?;
                    end = end.max(item.range.end);
                    items.push(item.json);
                }
                (Json::Array(items), anchor, end, None)
            }
            Event::MappingStart(anchor, _) => {
                self.count(1, 0, &range)?;
                let table = self.table(depth + 1, children)?;
                (table.value, anchor, table.end.max(range.end), children.then_some(table.entries))
            }
            Event::Alias(id) => {
                let Some(&Anchored { values, text, .. }) = self.anchors.get(&id) else {
                    return Err(Error {
                        range,
                        message: "invalid YAML front matter: an alias names no anchor".into(),
                        help: SYNTAX_HELP,
                    });
                };
                // Counted before the copy is made, so that the bound holds the memory too.
                self.count(values, text, &range)?;
                let json = self.anchors[&id].json.clone();
                return Ok(Node { json, range, entries: None });
            }
            _ => {
                return Err(Error {
                    range,
                    message: "invalid YAML front matter: expected a value".into(),
                    help: SYNTAX_HELP,
                });
            }
        };
        if anchor != 0 {
            let (values, text) = (self.values - before.0, self.text - before.1);
            self.anchors.insert(anchor, Anchored { json: json.clone(), values, text });
        }
        Ok(Node { json, range: range.start..end, entries })
    }

    /// The entries of a table, after its `MappingStart`, up to its `MappingEnd`.
    fn table(&mut self, depth: usize, keep_entries: bool) -> Result<Table, Error> {
        let mut map = serde_json::Map::new();
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        let mut end = 0;
        loop {
            let (event, key_range) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                end = end.max(key_range.end);
                break;
            }
            let key = match event {
                Event::Scalar(ref text, ..) => {
                    self.count(1, text.len(), &key_range)?;
                    text.to_string()
                }
                other => self.value(other, key_range.clone(), depth, false)?.json.to_string(),
            };
            if !seen.insert(key.clone()) {
                return Err(Error {
                    range: key_range,
                    message: format!("`{key}` is set twice in the front matter"),
                    help: "keep one of the two lines",
                });
            }
            let (event, range) = self.next()?;
            if depth == 1 {
                // Flags found inside a top-level value belong to its entry.
                self.non_finite = None;
            }
            let Node { json: value, range: value_range, entries: children, .. } =
                self.value(event, range, depth, keep_entries && depth == 1)?;
            end = end.max(value_range.end);
            if keep_entries {
                entries.push(Entry {
                    key: key.clone(),
                    key_range,
                    value_range,
                    value: value.clone(),
                    children,
                    non_finite: if depth == 1 { self.non_finite.take() } else { None },
                });
            }
            map.insert(key, value);
        }
        Ok(Table { value: Json::Object(map), entries, end })
    }

    /// A plain scalar by the YAML 1.2 core schema: null, a boolean, an integer, a float, or
    /// else a string. Dates stay strings (the front-matter code reads them).
    fn plain(&mut self, text: &str) -> Json {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
            "true" | "True" | "TRUE" => return Json::Bool(true),
            "false" | "False" | "FALSE" => return Json::Bool(false),
            _ => {}
        }
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        let radix = |prefix: &str, radix: u32| {
            text.strip_prefix(prefix)
                .filter(|d| !d.is_empty())
                .and_then(|d| i64::from_str_radix(d, radix).ok())
        };
        if let Some(n) = radix("0x", 16).or_else(|| radix("0o", 8)) {
            return Json::from(n);
        }
        if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = text.parse::<i64>() {
                return Json::from(n);
            }
            if let Ok(n) = text.parse::<u64>() {
                return Json::from(n);
            }
        }
        let special = match unsigned {
            ".inf" | ".Inf" | ".INF" => Some(f64::INFINITY),
            ".nan" | ".NaN" | ".NAN" if unsigned.len() == text.len() => Some(f64::NAN),
            _ => None,
        };
        let is_float = unsigned.bytes().any(|b| b.is_ascii_digit())
            && unsigned
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
        let float = special.or_else(|| is_float.then(|| text.parse::<f64>().ok()).flatten());
        match float {
            Some(f) if f.is_finite() => {
                serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
            }
            Some(_) => {
                self.non_finite.get_or_insert_with(|| text.to_string());
                Json::Null
            }
            None => Json::String(text.to_string()),
        }
    }
}

/// Turns the parser's character positions into byte offsets. Positions mostly come in
/// increasing order, so a cursor makes the whole pass linear.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    /// The last position asked for: (characters, bytes).
    cursor: (usize, usize),
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Offsets<'a> {
        Offsets { text, ascii: text.is_ascii(), cursor: (0, 0) }
    }

    fn byte(&mut self, chars: usize) -> usize {
        if self.ascii {
            return chars.min(self.text.len());
        }
        if chars < self.cursor.0 {
            self.cursor = (0, 0);
        }
        let (mut c, mut b) = self.cursor;
        for ch in self.text[b..].chars() {
            if c == chars {
                break;
            }
            c += 1;
            b += ch.len_utf8();
        }
        self.cursor = (c, b);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Vec<(String, Json)> {
        entries(yaml).unwrap().into_iter().map(|e| (e.key, e.value)).collect()
    }

    #[test]
    fn values_follow_the_core_schema() {
        let got = read(
            "title: Pick & pack\nweight: 3\nneg: -2\nhex: 0x1F\nratio: 2.5\nexp: 1e3\non: true\nnone:\ntilde: ~\ndate: 2026-09-14\nquoted: \"42\"\nyes: yes\ntags: [a, b]\nlist:\n  - x\n  - 7\nmap: {a: 1}\n",
        );
        let want = serde_json::json!([
            ["title", "Pick & pack"], ["weight", 3], ["neg", -2], ["hex", 31], ["ratio", 2.5],
            ["exp", 1000.0], ["on", true], ["none", null], ["tilde", null], ["date", "2026-09-14"],
            ["quoted", "42"], ["yes", "yes"], ["tags", ["a", "b"]], ["list", ["x", 7]], ["map", {"a": 1}]
        ]);
        assert_eq!(serde_json::to_value(&got).unwrap(), want);
    }

    #[test]
    fn keys_and_values_keep_their_byte_ranges_with_non_ascii_text() {
        let yaml = "title: Café ünïcode\nowner: Zoë\ncascade:\n  kind: process\n  owner: Ana\n";
        let got = entries(yaml).unwrap();
        assert_eq!(&yaml[got[1].key_range.clone()], "owner");
        assert_eq!(&yaml[got[1].value_range.clone()], "Zoë");
        let children = got[2].children.as_ref().unwrap();
        assert_eq!(&yaml[children[1].key_range.clone()], "owner");
        assert_eq!(&yaml[children[1].value_range.clone()], "Ana");
    }

    #[test]
    fn an_empty_front_matter_has_no_entries() {
        assert!(entries("").unwrap().is_empty());
        assert!(entries("# only a comment\n").unwrap().is_empty());
    }

    #[test]
    fn bad_input_is_an_error_with_a_place_not_a_hang() {
        for deep in [format!("a: {}", "[".repeat(100_000)), format!("a: {}", "[".repeat(70))] {
            let err = entries(&deep).unwrap_err();
            assert!(err.message.contains("more than 64 deep"), "{err:?}");
        }
        let nested: String = (0..70).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        assert!(entries(&nested).unwrap_err().message.contains("more than 64 deep"));
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        let err = entries(laughs).unwrap_err();
        assert!(err.message.contains("more than 100000 values"), "{err:?}");
        let err = entries("a: 1\na: 2\n").unwrap_err();
        assert_eq!(
            (err.range.clone(), err.message.as_str()),
            (5..6, "`a` is set twice in the front matter")
        );
        let err = entries("title: [unclosed\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML front matter"), "{err:?}");
        assert!(entries("- a\n- b\n").is_err());
    }

    #[test]
    fn a_long_string_repeated_by_aliases_is_refused_before_it_is_copied() {
        let long = "x".repeat(400_000);
        let uses = vec!["*a"; 60_000].join(", ");
        let err = entries(&format!("z: &a \"{long}\"\nq: [{uses}]\n")).unwrap_err();
        assert!(err.message.contains("more than 8 MiB of text"), "{err:?}");
    }

    #[test]
    fn non_finite_numbers_are_flagged() {
        let got = entries("weight: .nan\nother: [1, -.inf]\nfine: 1\n").unwrap();
        let flags: Vec<_> = got.iter().map(|e| e.non_finite.as_deref()).collect();
        assert_eq!(flags, [Some(".nan"), Some("-.inf"), None]);
    }

    #[test]
    fn a_front_matter_of_too_many_values_is_refused() {
        // 200,000 keys took 431 s with the old reader, which searched the text for each key.
        let yaml: String = (0..200_000).map(|i| format!("k{i}: {i}\n")).collect();
        let err = entries(&yaml).unwrap_err();
        assert!(err.message.contains("more than 100000 values"), "{err:?}");
        let fine: String = (0..20_000).map(|i| format!("k{i}: {i}\n")).collect();
        assert_eq!(entries(&fine).unwrap().len(), 20_000);
    }
}
