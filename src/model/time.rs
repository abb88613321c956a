//! Dates with their precision: an incident "on 2 January 2024", a notification
//! "in April 2022".

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime};
use std::fmt;

/// How precisely a time is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimePrecision {
    /// To the minute or better.
    Exact,
    /// To the hour.
    Hour,
    /// To the day.
    Day,
    /// To the week (ACLED time precision 2).
    Week,
    /// To the month (ACLED time precision 3).
    Month,
    /// To the year.
    Year,
}

impl TimePrecision {
    /// Parses `exact`, `hour`, `day`, `week`, `month`, `year`, or ACLED's codes `1`–`3`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "exact" | "minute" | "second" => Self::Exact,
            "hour" => Self::Hour,
            "day" | "1" => Self::Day,
            "week" | "2" => Self::Week,
            "month" | "3" => Self::Month,
            "year" => Self::Year,
            _ => return None,
        })
    }

    /// Lower-case name as written in outputs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }
}

/// A calendar date known to a precision: the span of days it may fall on.
///
/// `2022-04` is the span 2022-04-01..=2022-04-30 with month precision;
/// `2025-11-14T01:00+02:00` is that day with exact precision and keeps its time.
#[derive(Debug, Clone, PartialEq)]
pub struct DateSpan {
    /// First day the event may fall on (local date as given).
    pub first: NaiveDate,
    /// Last day the event may fall on (inclusive).
    pub last: NaiveDate,
    /// Precision of the original value.
    pub precision: TimePrecision,
    /// The full timestamp, when one was given.
    pub datetime: Option<DateTime<FixedOffset>>,
    /// The value exactly as given.
    pub original: String,
}

impl DateSpan {
    /// Parses ISO 8601: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][±HH:MM|Z]`
    /// (a space may replace the `T`). Returns a message saying what is expected on failure.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let bad = || {
            format!(
                "`{t}` is not an ISO 8601 date: write YYYY-MM-DD (e.g. 2024-01-02), \
                 YYYY-MM for a month, or YYYY-MM-DDTHH:MM+02:00 with a time"
            )
        };
        let original = t.to_string();
        // A day (which no form with a time reads): the common YYYY-MM-DD
        // directly, other spellings (e.g. +024-01-02) by the format.
        if let Some(d) = plain_day(t).or_else(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()) {
            return Ok(DateSpan {
                first: d,
                last: d,
                precision: TimePrecision::Day,
                datetime: None,
                original,
            });
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(t)
            .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M%:z"))
            .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%:z"))
            .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%d %H:%M%:z"))
        {
            let d = dt.date_naive();
            return Ok(DateSpan {
                first: d,
                last: d,
                precision: TimePrecision::Exact,
                datetime: Some(dt),
                original,
            });
        }
        for fmt in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(ndt) = NaiveDateTime::parse_from_str(t, fmt) {
                let d = ndt.date();
                return Ok(DateSpan {
                    first: d,
                    last: d,
                    precision: TimePrecision::Exact,
                    datetime: None,
                    original,
                });
            }
        }
        let parts: Vec<&str> = t.split('-').collect();
        match parts[..] {
            [y, m] if y.len() == 4 && m.len() == 2 => {
                let (y, m): (i32, u32) =
                    (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
                let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)
                };
                let last = next.ok_or_else(bad)?.pred_opt().ok_or_else(bad)?;
                Ok(DateSpan {
                    first,
                    last,
                    precision: TimePrecision::Month,
                    datetime: None,
                    original,
                })
            }
            [y] if y.len() == 4 => {
                let y: i32 = y.parse().map_err(|_| bad())?;
                let first = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?;
                let last = NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(bad)?;
                Ok(DateSpan {
                    first,
                    last,
                    precision: TimePrecision::Year,
                    datetime: None,
                    original,
                })
            }
            _ => Err(bad()),
        }
    }

    /// Widens the span to the given (coarser) precision: a week is the ISO week
    /// (Monday to Sunday) holding the date, a month its calendar month.
    pub fn with_precision(mut self, precision: TimePrecision) -> Self {
        if precision <= self.precision {
            // A finer stated precision than the value carries changes nothing.
            return self;
        }
        let d = self.first;
        match precision {
            TimePrecision::Week => {
                let monday = d - chrono::Days::new(d.weekday().num_days_from_monday() as u64);
                self.first = monday;
                self.last = monday + chrono::Days::new(6);
            }
            TimePrecision::Month => {
                if let Ok(span) = DateSpan::parse(&format!("{:04}-{:02}", d.year(), d.month())) {
                    self.first = span.first;
                    self.last = span.last;
                }
            }
            TimePrecision::Year => {
                self.first = NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d);
                self.last = NaiveDate::from_ymd_opt(d.year(), 12, 31).unwrap_or(d);
            }
            _ => {}
        }
        self.precision = precision;
        self
    }

    /// Whether this span lies after `other`: `Some(true)` if entirely after,
    /// `Some(false)` if entirely on or before, `None` if they overlap (can't tell).
    pub fn is_after(&self, other: &DateSpan) -> Option<bool> {
        if self.first > other.last {
            Some(true)
        } else if self.last <= other.first {
            Some(false)
        } else {
            None
        }
    }

    /// The date as `YYYY-MM-DD` (the first day of the span), stable for attribute tables.
    pub fn iso_date(&self) -> String {
        let d = self.first;
        if (0..=9999).contains(&d.year()) {
            // What `%Y-%m-%d` writes for these years, without parsing a format.
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    }
}

/// `YYYY-MM-DD` (exactly so, the common case) as a date, read without a
/// format parser; `None` for anything else, impossible dates included.
fn plain_day(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

impl fmt::Display for DateSpan {
    /// Readable form: `2 Jan 2024`, `Apr 2022`, `2025`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            TimePrecision::Month => write!(f, "{}", self.first.format("%b %Y")),
            TimePrecision::Year => write!(f, "{}", self.first.format("%Y")),
            TimePrecision::Week => write!(f, "week of {}", self.first.format("%-d %b %Y")),
            _ => write!(f, "{}", self.first.format("%-d %b %Y")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_days_read_as_the_format_reads_them() {
        for t in [
            "2024-01-02",
            "0000-01-01",
            "9999-12-31",
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-02x",
            "2024/01/02",
            "+024-01-02",
            "2024-01-2 ",
            "２０２４-01-02",
        ] {
            // Where the shortcut reads a date, the format reads the same; else
            // the format decides (as for "+024-01-02").
            let format = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok();
            assert!(plain_day(t).is_none_or(|d| Some(d) == format), "{t}");
        }
        assert!(plain_day("2024-01-02").is_some() && plain_day("2023-02-29").is_none());
    }

    #[test]
    fn iso_date_matches_the_format() {
        let mut d = NaiveDate::from_ymd_opt(-2, 12, 25).unwrap();
        let mut span = DateSpan::parse("2024").unwrap();
        while d.year() < 3 {
            span.first = d;
            assert_eq!(span.iso_date(), d.format("%Y-%m-%d").to_string());
            d = d.succ_opt().unwrap();
        }
        for (y, m, day) in [(9999, 12, 31), (10000, 1, 1), (1970, 1, 1), (2024, 2, 29)] {
            span.first = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            assert_eq!(span.iso_date(), span.first.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn parses_each_precision() {
        let m = DateSpan::parse("2022-04").unwrap();
        assert_eq!(
            (m.first.to_string(), m.last.to_string()),
            ("2022-04-01".into(), "2022-04-30".into())
        );
        assert_eq!(m.precision, TimePrecision::Month);
        let d = DateSpan::parse("2024-01-02").unwrap();
        assert_eq!(d.precision, TimePrecision::Day);
        let t = DateSpan::parse("2025-11-14T01:00+02:00").unwrap();
        assert_eq!(t.first.to_string(), "2025-11-14");
        assert_eq!(t.precision, TimePrecision::Exact);
        assert!(DateSpan::parse("2024-02-30").is_err());
        assert!(DateSpan::parse("14/11/2025").is_err());
        let feb = DateSpan::parse("2024-02").unwrap();
        assert_eq!(feb.last.to_string(), "2024-02-29");
    }

    #[test]
    fn after_is_three_valued() {
        let notified = DateSpan::parse("2022-04").unwrap();
        assert_eq!(
            DateSpan::parse("2024-01-02").unwrap().is_after(&notified),
            Some(true)
        );
        assert_eq!(
            DateSpan::parse("2022-03-10").unwrap().is_after(&notified),
            Some(false)
        );
        assert_eq!(
            DateSpan::parse("2022-04-15").unwrap().is_after(&notified),
            None
        );
    }

    #[test]
    fn week_precision_widens_to_iso_week() {
        let w = DateSpan::parse("2025-11-13")
            .unwrap()
            .with_precision(TimePrecision::Week);
        assert_eq!(
            (w.first.to_string(), w.last.to_string()),
            ("2025-11-10".into(), "2025-11-16".into())
        );
    }
}
