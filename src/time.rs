//! Times as an analyst reads them: how long ago, and the exact time in the browser's time zone.

use atp_core::model::Timestamp;
use chrono::{DateTime, Local, Utc};
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
    then.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S (UTC%:z)")
        .to_string()
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
}
