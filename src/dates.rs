//! Calendar dates: "today", review periods (`90d`, `6w`, `3m`, `1y`) and due dates.
//!
//! "Today" comes from `SOURCE_DATE_EPOCH` when it is set, so that builds are reproducible,
//! and from the clock otherwise. Everything is a civil date in UTC; times of day never matter
//! to a review schedule.

use std::fmt;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

/// Today's date in UTC, from `SOURCE_DATE_EPOCH` when set (and valid), else the clock.
pub(crate) fn today() -> Date {
    today_from(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())
}

fn today_from(epoch: Option<&str>) -> Date {
    let stamp = epoch
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| Timestamp::from_second(secs).ok())
        .unwrap_or_else(Timestamp::now);
    let days = stamp.as_second().div_euclid(86_400);
    Date::constant(1970, 1, 1).checked_add(days.days()).unwrap_or(Date::MAX)
}

/// Parses `YYYY-MM-DD` (a TOML local date prints the same way).
/// Parses a `--date` argument: a calendar day written `YYYY-MM-DD`.
pub(crate) fn parse_date_arg(text: &str) -> Result<Date, String> {
    parse_date(text).ok_or_else(|| "expected a calendar date like 2026-11-29".to_string())
}

pub(crate) fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if text.len() != 10 {
        return None;
    }
    text.parse::<Date>().ok()
}

/// How often a process must be reviewed: a count of days, weeks, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub count: u16,
    pub unit: PeriodUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Period {
    /// Parses `90d`, `6w`, `3m`, `1y` (whitespace around is allowed; zero is not).
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let unit = match text.chars().last()? {
            'd' => PeriodUnit::Days,
            'w' => PeriodUnit::Weeks,
            'm' => PeriodUnit::Months,
            'y' => PeriodUnit::Years,
            _ => return None,
        };
        let digits = &text[..text.len() - 1];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let count: u16 = digits.parse().ok()?;
        // Ten years is the longest review cycle that makes sense; larger numbers are typos.
        let days_max = match unit {
            PeriodUnit::Days => 3660,
            PeriodUnit::Weeks => 522,
            PeriodUnit::Months => 120,
            PeriodUnit::Years => 10,
        };
        (count > 0 && count <= days_max).then_some(Period { count, unit })
    }

    /// The date one period after `date`; month arithmetic clamps to the month's end.
    pub fn after(self, date: Date) -> Date {
        let n = i64::from(self.count);
        let span = match self.unit {
            PeriodUnit::Days => n.days(),
            PeriodUnit::Weeks => n.weeks(),
            PeriodUnit::Months => n.months(),
            PeriodUnit::Years => n.years(),
        };
        date.checked_add(span).unwrap_or(Date::MAX)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            PeriodUnit::Days => 'd',
            PeriodUnit::Weeks => 'w',
            PeriodUnit::Months => 'm',
            PeriodUnit::Years => 'y',
        };
        write!(f, "{}{unit}", self.count)
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    from.until((jiff::Unit::Day, to)).map(|span| i64::from(span.get_days())).unwrap_or(0)
}

/// A human label for a period: "90 days", "6 weeks", "1 year".
pub(crate) fn describe_period(period: Period) -> String {
    let (word, n) = match period.unit {
        PeriodUnit::Days => ("day", period.count),
        PeriodUnit::Weeks => ("week", period.count),
        PeriodUnit::Months => ("month", period.count),
        PeriodUnit::Years => ("year", period.count),
    };
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// "26 Nov 2026": unambiguous in every locale, short enough for a metadata panel.
pub(crate) fn human_date(date: Date) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS[(date.month() as usize).saturating_sub(1).min(11)];
    format!("{} {month} {}", date.day(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn periods_parse_and_reject() {
        let cases = [
            ("90d", Some((90, PeriodUnit::Days))),
            ("6w", Some((6, PeriodUnit::Weeks))),
            (" 3m ", Some((3, PeriodUnit::Months))),
            ("1y", Some((1, PeriodUnit::Years))),
            ("0d", None),
            ("d", None),
            ("-3d", None),
            ("3 d", None),
            ("3x", None),
            ("11y", None),
            ("99999999999d", None),
            ("", None),
            ("é", None),
        ];
        for (text, want) in cases {
            let got = Period::parse(text).map(|p| (p.count, p.unit));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn period_after_handles_month_ends_and_leap_years() {
        let p = |s| Period::parse(s).unwrap();
        assert_eq!(p("90d").after(d("2026-09-14")), d("2026-12-13"));
        assert_eq!(p("6w").after(d("2026-01-01")), d("2026-02-12"));
        assert_eq!(p("1m").after(d("2026-01-31")), d("2026-02-28"));
        assert_eq!(p("1y").after(d("2024-02-29")), d("2025-02-28"));
    }

    #[test]
    fn today_comes_from_source_date_epoch() {
        assert_eq!(today_from(Some("1764115200")), d("2025-11-26"));
        // An invalid value falls back to the clock instead of failing the build.
        assert!(today_from(Some("not a number")) > d("2020-01-01"));
    }

    #[test]
    fn days_between_is_signed() {
        assert_eq!(days_between(d("2026-11-20"), d("2026-11-26")), 6);
        assert_eq!(days_between(d("2026-11-26"), d("2026-11-20")), -6);
    }

    #[test]
    fn dates_parse_only_iso_days() {
        assert_eq!(parse_date("2026-02-03"), Some(d("2026-02-03")));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("03/02/2026"), None);
        assert_eq!(human_date(d("2026-11-06")), "6 Nov 2026");
    }
}
