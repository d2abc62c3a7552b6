//! Times as an analyst reads them: how long ago, and the exact time in the browser's time zone.

use atp_core::model::Timestamp;
use chrono::{DateTime, Datelike, FixedOffset, Local, NaiveDateTime, Timelike, Utc};
use leptos::prelude::*;

/// "3 h ago", "in 5 min", "just now".
pub fn relative(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds();
    let (n, future) = (seconds.unsigned_abs(), seconds < 0);
    let amount = match n {
        0..=59 => return "just now".to_string(),
        60..=3_599 => format!("{} min", n / 60),
        3_600..=86_399 => format!("{} h", n / 3_600),
        86_400..=5_183_999 => format!("{} d", n / 86_400),
        5_184_000..=63_071_999 => format!("{} months", n / 2_592_000),
        _ => format!("{} years", n / 31_536_000),
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// The exact time in the browser's zone, with its offset.
pub fn absolute(then: DateTime<Utc>) -> String {
    exact(then.with_timezone(&Local).fixed_offset())
}

// Written by hand rather than with chrono's `format` (strftime): its format-string interpreter and
// locale tables were about 10 KB of the wasm for these two patterns. The tests hold them to chrono's.

/// `2026-11-26 12:00`: chrono's `%Y-%m-%d %H:%M`.
pub fn minutes(t: NaiveDateTime) -> String {
    let y = t.year();
    // chrono writes a year outside 0..=9999 with its sign.
    let year = if (0..10_000).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{y:+05}")
    };
    let (month, day, hour, minute) = (t.month(), t.day(), t.hour(), t.minute());
    format!("{year}-{month:02}-{day:02} {hour:02}:{minute:02}")
}

/// `2026-11-26 13:00:00 (UTC+01:00)`: chrono's `%Y-%m-%d %H:%M:%S (UTC%:z)`.
fn exact(t: DateTime<FixedOffset>) -> String {
    let local = t.naive_local();
    // A leap second's nanoseconds count on past 1e9: the second reads 60.
    let second = local.second() + local.nanosecond() / 1_000_000_000;
    let offset = t.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    // `%:z` rounds to the minute.
    let offset_minutes = (offset.unsigned_abs() + 30) / 60;
    format!(
        "{}:{second:02} (UTC{sign}{:02}:{:02})",
        minutes(local),
        offset_minutes / 60,
        offset_minutes % 60
    )
}

/// A `<time>` showing both: relative first, exact after.
#[component]
pub fn When(
    /// The time to show; absent shows a dash.
    at: Option<Timestamp>,
) -> impl IntoView {
    match at {
        // The API writes 0001-01-01 for "never seen".
        Some(Timestamp(t)) if t.timestamp() > 0 => {
            let exact = absolute(t);
            view! {
                <time datetime=t.to_rfc3339()>
                    {relative(t, Utc::now())} " · " <span class="exact">{exact}</span>
                </time>
            }
            .into_any()
        }
        _ => view! { <span class="none">"—"</span> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        let now = DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
            .unwrap()
            .to_utc();
        let ago = |s: i64| relative(now - chrono::Duration::seconds(s), now);
        assert_eq!(ago(5), "just now");
        assert_eq!(ago(125), "2 min ago");
        assert_eq!(ago(3 * 3600), "3 h ago");
        assert_eq!(ago(2 * 86_400), "2 d ago");
        assert_eq!(ago(-600), "in 10 min");
        assert_eq!(ago(400 * 86_400), "13 months ago");
    }

    #[test]
    fn exact_times_read_as_chrono_formats_them() {
        let times = [
            "2026-11-26T12:00:00Z",
            "2026-01-02T03:04:05.678+05:30",
            "1999-12-31T23:59:59-09:59",
            "0042-06-07T08:09:10+14:00",
            "9999-12-31T23:30:00+01:00",
            "2016-12-31T23:59:60.5Z",
        ];
        for text in times {
            let t = DateTime::parse_from_rfc3339(text).unwrap();
            assert_eq!(
                exact(t),
                t.format("%Y-%m-%d %H:%M:%S (UTC%:z)").to_string(),
                "{text}"
            );
            assert_eq!(
                minutes(t.naive_utc()),
                t.to_utc().format("%Y-%m-%d %H:%M").to_string(),
                "{text}"
            );
        }
        let odd = DateTime::from_timestamp(253_402_300_800, 0).unwrap();
        assert_eq!(
            minutes(odd.naive_utc()),
            odd.format("%Y-%m-%d %H:%M").to_string()
        );
        let seconds_offset = FixedOffset::east_opt(3600 + 45).unwrap();
        let t = odd.with_timezone(&seconds_offset);
        assert_eq!(exact(t), t.format("%Y-%m-%d %H:%M:%S (UTC%:z)").to_string());
    }
}
