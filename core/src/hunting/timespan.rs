//! The time a hunting query covers: Graph's `Timespan` in its ISO 8601 forms, 30 days by default.

use chrono::{DateTime, Duration, Utc};

use super::value::{datetime_of, parse_datetime_text};

/// The interval whose events a query sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timespan {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Timespan {
    /// The default of the hunting APIs: the 30 days before `now`.
    pub fn last_30_days(now: DateTime<Utc>) -> Timespan {
        Timespan::last(now, Duration::days(30))
    }

    pub fn last(now: DateTime<Utc>, length: Duration) -> Timespan {
        Timespan {
            start: now - length,
            end: now,
        }
    }

    /// Reads Graph's `Timespan`: `start/end`, `P30D/end` (the duration before end), `start/P30D` (after
    /// start), `P30D` (before now), or a single start (until now).
    pub fn parse(text: &str, now: DateTime<Utc>) -> Result<Timespan, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("The timespan is empty: give an ISO 8601 interval such as P7D or 2024-01-01T00:00:00Z/2024-01-08T00:00:00Z".into());
        }
        let span = match text.split_once('/') {
            Some((a, b)) => match (is_duration(a), is_duration(b)) {
                (true, true) => {
                    return Err(format!(
                        "'{text}' has two durations: one side must be a time"
                    ))
                }
                (true, false) => {
                    let end = time(b)?;
                    Timespan {
                        start: end - duration(a)?,
                        end,
                    }
                }
                (false, true) => {
                    let start = time(a)?;
                    Timespan {
                        start,
                        end: start + duration(b)?,
                    }
                }
                (false, false) => Timespan {
                    start: time(a)?,
                    end: time(b)?,
                },
            },
            None if is_duration(text) => Timespan::last(now, duration(text)?),
            None => Timespan {
                start: time(text)?,
                end: now,
            },
        };
        if span.start > span.end {
            return Err(format!("The timespan '{text}' ends before it starts"));
        }
        Ok(span)
    }

    /// The interval as ISO 8601 (`start/end`), as Graph's `Timespan` takes it.
    pub fn to_iso(&self) -> String {
        format!(
            "{}/{}",
            self.start.format("%Y-%m-%dT%H:%M:%SZ"),
            self.end.format("%Y-%m-%dT%H:%M:%SZ")
        )
    }
}

fn is_duration(s: &str) -> bool {
    let s = s.trim();
    s.starts_with('P') || s.starts_with('p') || s.starts_with("-P")
}

fn time(s: &str) -> Result<DateTime<Utc>, String> {
    parse_datetime_text(s).and_then(datetime_of).ok_or_else(|| {
        format!(
            "'{}' is not an ISO 8601 time (write 2024-01-31T00:00:00Z)",
            s.trim()
        )
    })
}

/// An ISO 8601 duration: `PnYnMnWnDTnHnMnS` (a year is 365 days, a month 30, as .NET's XmlConvert reads
/// them for the service).
fn duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let bad = || format!("'{s}' is not an ISO 8601 duration (write P30D, PT12H or P1DT6H)");
    let body = s
        .strip_prefix('P')
        .or_else(|| s.strip_prefix('p'))
        .ok_or_else(bad)?;
    if body.is_empty() {
        return Err(bad());
    }
    let mut seconds = 0f64;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in body.chars() {
        match c.to_ascii_uppercase() {
            'T' if number.is_empty() && !in_time => in_time = true,
            d if d.is_ascii_digit() || d == '.' || d == ',' => {
                number.push(if d == ',' { '.' } else { d })
            }
            unit => {
                let n: f64 = number.parse().map_err(|_| bad())?;
                number.clear();
                let scale = match (unit, in_time) {
                    ('Y', false) => 365.0 * 86_400.0,
                    ('M', false) => 30.0 * 86_400.0,
                    ('W', false) => 7.0 * 86_400.0,
                    ('D', false) => 86_400.0,
                    ('H', true) => 3_600.0,
                    ('M', true) => 60.0,
                    ('S', true) => 1.0,
                    _ => return Err(bad()),
                };
                seconds += n * scale;
                any = true;
            }
        }
    }
    if !number.is_empty() || !any || !seconds.is_finite() || seconds > 1e11 {
        return Err(bad());
    }
    Ok(Duration::milliseconds((seconds * 1000.0).round() as i64))
}
