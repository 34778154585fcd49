//! Reading TOML that a person wrote: every syntax error, unknown key and wrong type becomes a
//! [`Diagnostic`] at the right line and column of the right file.
//!
//! The `toml` crate's spanned document ([`DeTable`]) keeps byte ranges for every key and
//! value, and recovers after a syntax error, so one run reports all of them. A TOML text may
//! sit inside a larger file (front matter), so every [`TomlSource`] carries the offset of the
//! TOML text in its file. This module never decides what a key means; callers do.
//!
//! Every TOML input goes through here: `opsbook.toml` reads each key with [`deserialize`],
//! the questionnaire and answers files read field by field with a [`Reader`] (which reports
//! every wrong type, where serde would stop at the first), and TOML front matter is turned
//! into [`to_json`] values with their ranges, the value type YAML front matter is read into
//! too. Numbers in assessment files must be finite and within +-[`MAX_NUMBER`].

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeInteger, DeTable, DeValue, ValueDeserializer};

use crate::diagnostics::{Diagnostic, Diagnostics, Span, suggest};

/// Where a TOML text lives: its file, the whole file text, and the TOML text's offset in it.
#[derive(Clone, Copy)]
pub(crate) struct TomlSource<'a> {
    pub path: &'a Path,
    pub file_text: &'a str,
    pub offset: usize,
}

impl<'a> TomlSource<'a> {
    pub(crate) fn whole_file(path: &'a Path, text: &'a str) -> TomlSource<'a> {
        TomlSource { path, file_text: text, offset: 0 }
    }

    /// The TOML text itself.
    pub(crate) fn text(&self) -> &'a str {
        &self.file_text[self.offset..]
    }

    pub(crate) fn span(&self, range: Range<usize>) -> Span {
        Span::from_range(
            self.path,
            self.file_text,
            self.offset + range.start,
            self.offset + range.end,
        )
    }

    pub(crate) fn error(&self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
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
pub(crate) fn parse<'a>(
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
pub(crate) fn get<'t, 'a>(table: &'t DeTable<'a>, key: &str) -> Option<&'t Spanned<DeValue<'a>>> {
    table.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
}

/// Reports each key of `table` that is not in `allowed`, with a "did you mean" when close.
pub(crate) fn reject_unknown_keys(
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
pub(crate) fn deserialize<T: DeserializeOwned>(
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
pub(crate) fn to_json(value: &DeValue<'_>) -> serde_json::Value {
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
pub(crate) fn integer(i: &DeInteger<'_>) -> Option<i64> {
    // `as_str` is already without `_` and the radix prefix.
    i64::from_str_radix(i.as_str(), i.radix()).ok()
}

/// A TOML integer or float as an `f64`, `inf` and `nan` included; `None` for other types.
pub(crate) fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix()).ok().map(|n| n as f64),
        DeValue::Float(f) => f.as_str().parse().ok(),
        _ => None,
    }
}

/// A TOML value's type, as a person would name it in an error message.
pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
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

// ---- Typed reading ----------------------------------------------------------------------

/// One entry of a list of tables: the span of its `[[header]]` and the table.
pub(crate) type Entry<'t, 'a> = (Range<usize>, &'t DeTable<'a>);

/// Reads typed values out of spanned TOML tables, reporting each wrong type at its value
/// with what was expected.
pub(crate) struct Reader<'s, 'd> {
    pub source: TomlSource<'s>,
    pub diags: &'d mut Diagnostics,
}

impl Reader<'_, '_> {
    pub(crate) fn at(&self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.source.error(range, message)
    }

    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// The line a byte offset is on, for "the first one is on line N" help.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.source.span(offset..offset).line
    }

    pub(crate) fn reject(&mut self, table: &DeTable<'_>, allowed: &[&str], context: &str) {
        reject_unknown_keys(&self.source, table, allowed, context, self.diags);
    }

    pub(crate) fn wrong_type(&mut self, key: &str, value: &Spanned<DeValue<'_>>, expected: &str) {
        let found = type_name(value.get_ref());
        self.push(self.at(value.span(), format!("`{key}` must be {expected}, found {found}")));
    }

    pub(crate) fn missing(&mut self, key: &str, at: Range<usize>, owner: &str, example: &str) {
        self.push(
            self.at(at, format!("{owner} has no `{key}`")).with_help(format!("add {example}")),
        );
    }

    pub(crate) fn string(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
        let value = get(table, key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(Spanned::new(value.span(), s.to_string())),
            _ => {
                self.wrong_type(key, value, "a string in double quotes");
                None
            }
        }
    }

    /// `true` or `false`.
    pub(crate) fn boolean(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<bool>> {
        let value = get(table, key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(Spanned::new(value.span(), *b)),
            _ => {
                self.wrong_type(key, value, "true or false");
                None
            }
        }
    }

    /// A string that must be there: a missing one is reported at `at` (the entry's header).
    pub(crate) fn required_string(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        at: &Range<usize>,
        owner: &str,
    ) -> Option<Spanned<String>> {
        if get(table, key).is_none() {
            self.missing(key, at.clone(), owner, &format!("{key} = \"...\""));
        }
        self.string(table, key)
    }

    /// An integer or a float, finite and within +-2^53 (DESIGN section 8): sums of larger
    /// weights overflow to infinity, and the scores divided by them to NaN.
    pub(crate) fn number(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<f64>> {
        let value = get(table, key)?;
        match number(value.get_ref()) {
            // `+ 0.0` turns -0.0 into 0.0, so that no report shows "-0.0".
            Some(n) if value_in_range(value.get_ref(), n) => {
                Some(Spanned::new(value.span(), n + 0.0))
            }
            Some(_) => {
                self.push(out_of_range(self.at(value.span(), String::new()), key, value.get_ref()));
                None
            }
            None => {
                self.wrong_type(key, value, "a number");
                None
            }
        }
    }

    pub(crate) fn required_number(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        at: &Range<usize>,
        owner: &str,
    ) -> Option<Spanned<f64>> {
        if get(table, key).is_none() {
            self.missing(key, at.clone(), owner, &format!("{key} = 0"));
        }
        self.number(table, key)
    }

    /// A whole number; `required` reports an absent one at its header.
    pub(crate) fn integer(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        required: Option<(&Range<usize>, &str)>,
    ) -> Option<Spanned<i64>> {
        let Some(value) = get(table, key) else {
            if let Some((at, owner)) = required {
                self.missing(key, at.clone(), owner, &format!("{key} = 1"));
            }
            return None;
        };
        match value.get_ref() {
            DeValue::Integer(i) => match integer(i) {
                Some(n) if n.unsigned_abs() <= MAX_NUMBER as u64 => {
                    Some(Spanned::new(value.span(), n))
                }
                _ => {
                    self.push(out_of_range(
                        self.at(value.span(), String::new()),
                        key,
                        value.get_ref(),
                    ));
                    None
                }
            },
            _ => {
                self.wrong_type(key, value, "a whole number");
                None
            }
        }
    }

    /// A list of strings, each spanned.
    pub(crate) fn strings(&mut self, table: &DeTable<'_>, key: &str) -> Vec<Spanned<String>> {
        let Some(value) = get(table, key) else { return Vec::new() };
        let Some(items) = value.get_ref().as_array() else {
            self.wrong_type(key, value, "a list of strings, like [\"a\", \"b\"]");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Spanned::new(item.span(), s.to_string())),
                other => self.push(self.at(
                    item.span(),
                    format!("entries of `{key}` must be strings, found {}", type_name(other)),
                )),
            }
        }
        out
    }

    /// A list of tables, written `header` (`[[questions.options]]`), with the span of each
    /// entry's header. `None` when absent or not a list; `required` reports an absent or
    /// empty list at `at`.
    pub(crate) fn tables<'t, 'a>(
        &mut self,
        table: &'t DeTable<'a>,
        key: &str,
        header: &str,
        required: Option<(&Range<usize>, &str)>,
    ) -> Option<Spanned<Vec<Entry<'t, 'a>>>> {
        let Some(value) = get(table, key) else {
            if let Some((at, owner)) = required {
                self.missing(key, at.clone(), owner, &format!("at least one {header} table"));
            }
            return None;
        };
        let Some(items) = value.get_ref().as_array() else {
            self.wrong_type(key, value, &format!("a list of tables, written {header}"));
            return None;
        };
        if items.is_empty()
            && let Some((_, owner)) = required
        {
            self.push(self.at(value.span(), format!("{owner} has an empty `{key}` list")));
        }
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_table() {
                Some(t) => out.push((item.span(), t)),
                None => self.push(self.at(
                    item.span(),
                    format!(
                        "entries of `{key}` must be tables, found {}",
                        type_name(item.get_ref())
                    ),
                )),
            }
        }
        Some(Spanned::new(value.span(), out))
    }

    /// An inline table (`key = { ... }`) or a `[key]` table, with its span.
    pub(crate) fn table<'t, 'a>(
        &mut self,
        table: &'t DeTable<'a>,
        key: &str,
        example: &str,
    ) -> Option<(Range<usize>, &'t DeTable<'a>)> {
        let value = get(table, key)?;
        match value.get_ref().as_table() {
            Some(t) => Some((value.span(), t)),
            None => {
                self.wrong_type(key, value, &format!("a table, like {example}"));
                None
            }
        }
    }
}

/// The largest magnitude a number in a questionnaire or answers file may have: 2^53, below
/// which every integer is exact in a double (in Rust and in the browser alike).
pub(crate) const MAX_NUMBER: f64 = 9_007_199_254_740_992.0;

/// Whether a TOML number (`n` its value as a double) is finite and within +-2^53. An
/// integer is judged as written: 9007199254740993 rounds to 2^53 as a double, yet is over.
pub(crate) fn value_in_range(value: &DeValue<'_>, n: f64) -> bool {
    match value {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix())
            .is_ok_and(|i| i.unsigned_abs() <= MAX_NUMBER as u128),
        _ => n.is_finite() && n.abs() <= MAX_NUMBER,
    }
}

/// The error for a number that is not finite or not within +-2^53 (`diag` gives the place),
/// quoting the number as written.
pub(crate) fn out_of_range(mut diag: Diagnostic, key: &str, value: &DeValue<'_>) -> Diagnostic {
    let written = match value {
        DeValue::Integer(i) => match i128::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => n.to_string(),
            Err(_) => i.as_str().to_string(),
        },
        DeValue::Float(f) => f.as_str().to_string(),
        _ => String::new(),
    };
    let finite = number(value).is_some_and(f64::is_finite);
    diag.message = if finite {
        format!("`{key}` must be between -2^53 and 2^53 (9007199254740992), found {written}")
    } else {
        format!("`{key}` must be a finite number, found {written}")
    };
    diag.with_help("numbers here must be finite and at most 9007199254740992 in size")
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
