//! Reading TOML that a person wrote: every syntax error, unknown key and wrong type becomes a
//! [`Diagnostic`] at the right line and column of the right file.
//!
//! The `toml` crate's spanned document ([`DeTable`]) keeps byte ranges for every key and
//! value, and recovers after a syntax error, so one run reports all of them. A TOML text may
//! sit inside a larger file (front matter), so every [`TomlSource`] carries the offset of the
//! TOML text in its file. This module never decides what a key means; callers do.

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeInteger, DeTable, DeValue, ValueDeserializer};

use crate::diagnostics::{Diagnostic, Diagnostics, Span, suggest};

/// Where a TOML text lives: its file, the whole file text, and the TOML text's offset in it.
#[derive(Clone, Copy)]
pub struct TomlSource<'a> {
    pub path: &'a Path,
    pub file_text: &'a str,
    pub offset: usize,
}

impl<'a> TomlSource<'a> {
    pub fn whole_file(path: &'a Path, text: &'a str) -> TomlSource<'a> {
        TomlSource { path, file_text: text, offset: 0 }
    }

    /// The TOML text itself.
    pub fn text(&self) -> &'a str {
        &self.file_text[self.offset..]
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        Span::from_range(
            self.path,
            self.file_text,
            self.offset + range.start,
            self.offset + range.end,
        )
    }

    pub fn error(&self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Some(self.span(range)), message)
    }

    fn toml_error(&self, err: &toml::de::Error, fallback: Range<usize>) -> Diagnostic {
        let range = err.span().unwrap_or(fallback);
        self.error(range, tidy_message(err.message()))
    }
}

/// The toml crate's messages end with a newline and sometimes repeat the input; keep one line.
fn tidy_message(message: &str) -> String {
    let line = message.trim().lines().next().unwrap_or("invalid TOML").trim();
    let mut out = line.to_string();
    if let Some(first) = out.get_mut(0..1) {
        first.make_ascii_lowercase();
    }
    out
}

/// Parses a TOML document, reporting every syntax error. `None` when there was any.
pub fn parse<'a>(
    source: &TomlSource<'a>,
    text: &'a str,
    diags: &mut Diagnostics,
) -> Option<Spanned<DeTable<'a>>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Some(table);
    }
    for err in &errors {
        let end = text.len();
        diags.push(
            source
                .toml_error(err, end..end)
                .with_help("check the TOML syntax: `key = value`, strings in double quotes"),
        );
    }
    None
}

/// The value of `key` in `table`, with its span.
pub fn get<'t, 'a>(table: &'t DeTable<'a>, key: &str) -> Option<&'t Spanned<DeValue<'a>>> {
    table.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
}

/// Reports each key of `table` that is not in `allowed`, with a "did you mean" when close.
pub fn reject_unknown_keys(
    source: &TomlSource<'_>,
    table: &DeTable<'_>,
    allowed: &[&str],
    context: &str,
    diags: &mut Diagnostics,
) {
    for (key, _) in table.iter() {
        let name = key.get_ref().as_ref();
        if allowed.contains(&name) {
            continue;
        }
        let mut diag = source.error(key.span(), format!("unknown key `{name}` in {context}"));
        diag = match suggest(name, allowed.iter().copied()).first() {
            Some(near) => diag.with_help(format!("did you mean `{near}`?")),
            None => diag.with_help(format!("expected one of: {}", allowed.join(", "))),
        };
        diags.push(diag);
    }
}

/// Deserializes one spanned value into `T`, reporting a type error at the value.
pub fn deserialize<T: DeserializeOwned>(
    source: &TomlSource<'_>,
    value: &Spanned<DeValue<'_>>,
    diags: &mut Diagnostics,
) -> Option<T> {
    let span = value.span();
    match T::deserialize(ValueDeserializer::from(value.clone())) {
        Ok(v) => Some(v),
        Err(err) => {
            diags.push(source.toml_error(&err, span));
            None
        }
    }
}

/// Converts a TOML value into JSON for templates; dates become `YYYY-MM-DD` strings and
/// numbers that JSON cannot hold (inf, nan) become null.
pub fn to_json(value: &DeValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        DeValue::String(s) => J::String(s.to_string()),
        DeValue::Integer(i) => integer(i).map_or(J::Null, J::from),
        DeValue::Float(_) => {
            let n = number(value).unwrap_or(f64::NAN);
            serde_json::Number::from_f64(n).map_or(J::Null, J::Number)
        }
        DeValue::Boolean(b) => J::Bool(*b),
        DeValue::Datetime(d) => J::String(d.to_string()),
        DeValue::Array(items) => J::Array(items.iter().map(|v| to_json(v.get_ref())).collect()),
        DeValue::Table(table) => J::Object(
            table.iter().map(|(k, v)| (k.get_ref().to_string(), to_json(v.get_ref()))).collect(),
        ),
    }
}

/// A TOML integer's value; `None` when it does not fit an `i64`.
pub fn integer(i: &DeInteger<'_>) -> Option<i64> {
    // `as_str` is already without `_` and the radix prefix.
    i64::from_str_radix(i.as_str(), i.radix()).ok()
}

/// A TOML integer or float as an `f64`, `inf` and `nan` included; `None` for other types.
pub fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix()).ok().map(|n| n as f64),
        DeValue::Float(f) => f.as_str().parse().ok(),
        _ => None,
    }
}

/// A TOML value's type, as a person would name it in an error message.
pub fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Option<()>, Vec<Diagnostic>) {
        let source = TomlSource::whole_file(Path::new("x.toml"), text);
        let mut diags = Diagnostics::new();
        let table = parse(&source, text, &mut diags);
        if let Some(table) = &table {
            reject_unknown_keys(&source, table.get_ref(), &["title", "n"], "x.toml", &mut diags);
            if let Some(n) = get(table.get_ref(), "n") {
                let _: Option<u32> = deserialize(&source, n, &mut diags);
            }
        }
        (table.map(|_| ()), diags.into_vec())
    }

    #[test]
    fn every_syntax_error_is_reported_with_its_line() {
        let (table, diags) = run("title = \"a\"\nbad = \nworse = [\n");
        assert!(table.is_none());
        assert!(!diags.is_empty());
        assert!(diags.iter().all(|d| d.span.as_ref().unwrap().line >= 2), "{diags:?}");
    }

    #[test]
    fn unknown_keys_are_all_reported_with_a_suggestion() {
        let (_, diags) = run("titel = \"a\"\nzzz = 1\n");
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].message, "unknown key `titel` in x.toml");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(diags[1].span.as_ref().unwrap().line, 2);
    }

    #[test]
    fn type_errors_point_at_the_value() {
        let (_, diags) = run("title = \"a\"\nn = \"seven\"\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        let span = diags[0].span.as_ref().unwrap();
        assert_eq!((span.line, span.column), (2, 5));
    }

    #[test]
    fn json_conversion_keeps_types_and_turns_dates_into_strings() {
        let text = "a = 0x1F\nb = 1_000\nc = 2.5\nd = 2026-01-02\ne = [true]\nf = { g = \"h\" }\ni = inf\n";
        let table = DeTable::parse(text).unwrap();
        let json = to_json(&DeValue::Table(table.into_inner()));
        assert_eq!(
            json,
            serde_json::json!({"a": 31, "b": 1000, "c": 2.5, "d": "2026-01-02", "e": [true], "f": {"g": "h"}, "i": null})
        );
    }
}
