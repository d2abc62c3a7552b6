//! Real-world hunting queries (in the style of Microsoft's public hunting query collections) run on
//! the demo tenant and find what the generated tables hold.

use atp_core::demo::{DemoConfig, DemoTenant};
use atp_core::hunting::{parse, run, Timespan};
use chrono::{TimeZone, Utc};

const CORPUS: &str = include_str!("hunting_corpus.kql");

#[test]
fn the_corpus_runs() {
    let now = Utc
        .with_ymd_and_hms(2026, 12, 7, 12, 0, 0)
        .single()
        .unwrap_or_default();
    let tenant = DemoTenant::generate(&DemoConfig::new(now));
    let mut failures = Vec::new();
    let mut empty = Vec::new();
    let queries: Vec<&str> = CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("//"))
        .collect();
    for text in &queries {
        match parse(text).and_then(|q| {
            run(
                tenant.hunting_tables(),
                &q,
                Timespan::last_30_days(now),
                now,
            )
        }) {
            Ok(r) if r.rows.is_empty() => empty.push(*text),
            Ok(_) => {}
            Err(e) => failures.push(format!("{text}\n  {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        queries.len(),
        failures.join("\n")
    );
    // A few look for what a healthy tenant lacks (e.g. a made-up hash); the rest find rows.
    assert!(empty.len() <= 3, "empty answers:\n{}", empty.join("\n"));
}
