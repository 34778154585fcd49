//! Reading an answers file against a validated questionnaire, reporting every problem in one
//! run at its `file:line:col` with what was expected: a questionnaire id that does not match,
//! an unknown question, an unknown option (listing the valid ones), a value of the wrong
//! type, a scale value that is out of range or not whole, a number that is not finite.
//!
//! An answer to a question that these same answers hide (its `show_if` is not met) is a
//! warning, not an error: the answer is kept in the file but not scored. This module reads
//! no files; visibility comes from `score::visible` so that both agree by construction.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::DeValue;

use super::schema::*;
use super::score;
use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::toml_input::{self, Reader, TomlSource, type_name};

const TOP_KEYS: &[&str] = &["questionnaire", "date", "label", "prefilled", "answers"];

/// Validates the answers `text` read from `path` against `questionnaire`. `None` when the
/// file has any error; warnings (answers to hidden questions) go to `diags` either way.
pub fn answers(
    path: &Path,
    text: &str,
    questionnaire: &Questionnaire,
    diags: &mut Diagnostics,
) -> Option<Answers> {
    let source = TomlSource::whole_file(path, text);
    let before = diags.error_count();
    let document = toml_input::parse(&source, text, diags)?;
    let top = document.get_ref();
    let mut r = Reader { source, diags };
    r.reject(top, TOP_KEYS, "the answers file");

    match r.string(top, "questionnaire") {
        Some(id) if *id.get_ref() != questionnaire.id => {
            r.push(
                r.at(
                    id.span(),
                    format!(
                        "these answers are for the questionnaire `{}`, but the site's is `{}`",
                        id.get_ref(),
                        questionnaire.id
                    ),
                )
                .with_help(format!(
                    "answers files name the questionnaire they answer: questionnaire = \"{}\"",
                    questionnaire.id
                )),
            );
            // Checking answers against another questionnaire would only add noise.
            return None;
        }
        Some(_) => {}
        None if toml_input::get(top, "questionnaire").is_none() => r.push(
            r.at(0..0, "the answers file has no `questionnaire`")
                .with_help(format!("add questionnaire = \"{}\"", questionnaire.id)),
        ),
        None => {}
    }
    let date = read_date(&mut r, top);
    let label = r.string(top, "label").map(Spanned::into_inner);

    if toml_input::get(top, "answers").is_none() {
        r.push(
            r.at(0..0, "the answers file has no [answers] table").with_help(
                "add an [answers] table with one line per question: question-id = answer",
            ),
        );
        return None;
    }
    let (answers_at, table) = r.table(top, "answers", "[answers] on its own line")?;

    let index: HashMap<&str, usize> =
        questionnaire.questions.iter().enumerate().map(|(i, q)| (q.id.as_str(), i)).collect();
    let mut values: Vec<Option<Answer>> = vec![None; questionnaire.questions.len()];
    let mut given: Vec<(usize, Range<usize>)> = Vec::new();
    for (key, value) in table.iter() {
        let id = key.get_ref().as_ref();
        let Some(&i) = index.get(id) else {
            let diag = r.at(key.span(), format!("unknown question `{id}`"));
            let ids = questionnaire.questions.iter().map(|q| q.id.as_str());
            r.push(match suggest(id, ids).first() {
                Some(near) => diag.with_help(format!("did you mean `{near}`?")),
                None => diag.with_help(format!(
                    "the questionnaire `{}` has no question with this id",
                    questionnaire.id
                )),
            });
            continue;
        };
        if let Some(answer) = read_answer(&mut r, &questionnaire.questions[i], value) {
            values[i] = Some(answer);
            given.push((i, key.span()));
        }
    }
    // `prefilled = [ids]`: answers the page took from the handbook's evidence. Each must be
    // a question answered in this file.
    let mut prefilled = Vec::new();
    for id in r.strings(top, "prefilled") {
        match index.get(id.get_ref().as_str()) {
            Some(&i) if values[i].is_some() => {
                if !prefilled.contains(&i) {
                    prefilled.push(i);
                }
            }
            Some(_) => r.push(
                r.at(
                    id.span(),
                    format!("`{}` is listed as prefilled but has no answer", id.get_ref()),
                )
                .with_help("add its answer under [answers], or remove it from `prefilled`"),
            ),
            None => r.push(
                r.at(id.span(), format!("unknown question `{}` in `prefilled`", id.get_ref()))
                    .with_help(format!(
                        "the questionnaire `{}` has no question with this id",
                        questionnaire.id
                    )),
            ),
        }
    }
    prefilled.sort_unstable();
    if r.diags.error_count() > before {
        return None;
    }

    let shown = score::visible(questionnaire, &values);
    for (i, at) in &given {
        if !shown[*i] {
            let question = &questionnaire.questions[*i];
            let mut diag = Diagnostic::warning(
                Some(r.source.span(at.clone())),
                format!(
                    "`{}` is not asked with these answers, so its answer is not scored",
                    question.id
                ),
            );
            if let Some(help) = question.show_if.and_then(|c| describe_condition(questionnaire, c))
            {
                diag = diag.with_help(help);
            }
            r.push(diag);
        }
    }
    if !values.iter().zip(&shown).any(|(v, &s)| s && v.is_some()) {
        r.push(
            r.at(
                answers_at,
                "these answers score no question: none of the asked questions is answered",
            )
            .with_help("answer at least one question that has no `show_if`"),
        );
        return None;
    }
    Some(Answers { questionnaire: questionnaire.id.clone(), date: date?, label, values, prefilled })
}

/// "it is asked only when the answer to `x` is `y`".
fn describe_condition(questionnaire: &Questionnaire, condition: ShowIf) -> Option<String> {
    let named = questionnaire.questions.get(condition.question)?;
    let option = named.kind.options().get(condition.option).map_or("", |o| o.id.as_str());
    let verb = match named.kind {
        Kind::Multi { .. } => "includes",
        _ => "is",
    };
    Some(format!("it is asked only when the answer to `{}` {verb} `{option}`", named.id))
}

/// The `date` as `YYYY-MM-DD`; `None` (reported) when missing or not a plain date.
fn read_date(r: &mut Reader<'_, '_>, top: &toml::de::DeTable<'_>) -> Option<String> {
    let help = "write the day of the review as a TOML date, without quotes: date = 2026-11-26";
    let Some(value) = toml_input::get(top, "date") else {
        r.push(r.at(0..0, "the answers file has no `date`").with_help(help));
        return None;
    };
    match value.get_ref() {
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => return Some(date.to_string()),
            _ => r.push(
                r.at(value.span(), format!("`date` must be a day like 2026-11-26, found {dt}"))
                    .with_help(help),
            ),
        },
        other => r.push(
            r.at(value.span(), format!("`date` must be a date, found {}", type_name(other)))
                .with_help(help),
        ),
    }
    None
}

/// The index of option `id` of `question`, or a reported error listing the valid ids.
fn option_index(
    r: &mut Reader<'_, '_>,
    question: &Question,
    id: &str,
    at: Range<usize>,
) -> Option<usize> {
    let options = question.kind.options();
    let found = options.iter().position(|o| o.id == id);
    if found.is_none() {
        let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
        r.push(
            r.at(at, format!("`{id}` is not an option of `{}`", question.id))
                .with_help(format!("expected one of: {}", ids.join(", "))),
        );
    }
    found
}

fn read_answer(
    r: &mut Reader<'_, '_>,
    question: &Question,
    value: &Spanned<DeValue<'_>>,
) -> Option<Answer> {
    let id = question.id.as_str();
    let found = type_name(value.get_ref());
    let list_ids =
        || question.kind.options().iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", ");
    match &question.kind {
        Kind::Choice { .. } => match value.get_ref() {
            DeValue::String(s) => option_index(r, question, s, value.span()).map(Answer::Choice),
            _ => {
                r.push(
                    r.at(
                        value.span(),
                        format!("`{id}` is a choice question: expected one option id in quotes, found {found}"),
                    )
                    .with_help(format!("expected one of: {}", list_ids())),
                );
                None
            }
        },
        Kind::Multi { .. } => {
            let Some(items) = value.get_ref().as_array() else {
                r.push(
                    r.at(
                        value.span(),
                        format!("`{id}` is a multi question: expected a list of option ids, found {found}"),
                    )
                    .with_help(format!("write a list such as [\"a\", \"b\"] of: {}", list_ids())),
                );
                return None;
            };
            let mut chosen = Vec::with_capacity(items.len());
            let mut ok = true;
            for item in items.iter() {
                let Some(s) = item.get_ref().as_str() else {
                    let found = type_name(item.get_ref());
                    r.push(r.at(
                        item.span(),
                        format!(
                            "the entries of `{id}` must be option ids in quotes, found {found}"
                        ),
                    ));
                    ok = false;
                    continue;
                };
                match option_index(r, question, s, item.span()) {
                    Some(o) if chosen.contains(&o) => {
                        r.push(r.at(item.span(), format!("`{s}` is listed twice in `{id}`")));
                        ok = false;
                    }
                    Some(o) => chosen.push(o),
                    None => ok = false,
                }
            }
            // Option order, not the file's, so caps and advice come out in questionnaire order.
            chosen.sort_unstable();
            ok.then_some(Answer::Multi(chosen))
        }
        Kind::Scale { min, max, .. } => {
            let expected = format!("a whole number from {min} to {max}");
            let whole = match value.get_ref() {
                DeValue::Integer(i) => toml_input::integer(i),
                DeValue::Float(_) => {
                    let n = toml_input::number(value.get_ref()).unwrap_or(f64::NAN);
                    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9e15 {
                        Some(n as i64)
                    } else {
                        r.push(r.at(value.span(), format!("`{id}` must be {expected}, found {n}")));
                        return None;
                    }
                }
                _ => {
                    r.push(r.at(value.span(), format!("`{id}` must be {expected}, found {found}")));
                    return None;
                }
            };
            match whole.filter(|v| (*min..=*max).contains(v)) {
                Some(v) => Some(Answer::Scale(v)),
                None => {
                    let written = r.source.text().get(value.span()).unwrap_or("");
                    r.push(
                        r.at(value.span(), format!("`{id}` must be {expected}, found {written}")),
                    );
                    None
                }
            }
        }
        Kind::Number { .. } => match toml_input::number(value.get_ref()) {
            Some(n) if toml_input::value_in_range(value.get_ref(), n) => {
                Some(Answer::Number(n + 0.0))
            }
            Some(_) => {
                r.push(toml_input::out_of_range(
                    r.at(value.span(), String::new()),
                    id,
                    value.get_ref(),
                ));
                None
            }
            None => {
                r.push(r.at(value.span(), format!("`{id}` must be a number, found {found}")));
                None
            }
        },
    }
}
