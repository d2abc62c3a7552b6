//! Advanced hunting's costs: generating the demo tenant's event tables, and KQL over the large
//! tenant's ~1,000,000 rows (where + summarize count() by DeviceName, as the bench row asks).

use std::time::Instant;

use atp_core::demo::{DemoConfig, DemoTenant, Variant};
use atp_core::hunting::{parse, run, Timespan};
use atp_core::link::DemoData;
use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

fn tenant(scale: usize) -> DemoTenant {
    DemoTenant::generate(&DemoConfig {
        seed: DemoConfig::DEFAULT_SEED,
        scale,
        variant: Variant::Normal,
        now: now(),
    })
}

/// Resident memory of this process in KiB (Linux), to report what the tables cost.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn report(name: &str, t: &DemoTenant) {
    let before = rss_kib();
    let start = Instant::now();
    let tables = t.hunting_tables();
    let took = start.elapsed();
    let after = rss_kib();
    eprintln!(
        "hunting tables of {name}: {} rows in {took:.2?}; cells and strings ≈ {:.1} MB; RSS +{} MB",
        tables.total_rows(),
        tables.heap_bytes() as f64 / 1e6,
        match (before, after) {
            (Some(b), Some(a)) => format!("{:.1}", a.saturating_sub(b) as f64 / 1024.0),
            _ => "?".into(),
        }
    );
    for table in atp_core::hunting::tables() {
        eprintln!("  {:<24} {:>9}", table.name, tables.row_count(table.name));
    }
}

fn generation(c: &mut Criterion) {
    let normal = tenant(DemoConfig::DEFAULT_SCALE);
    let large = tenant(DemoData::LARGE_SCALE);
    report("the default tenant (1,200 alerts)", &normal);
    report("the large tenant (100,000 alerts)", &large);
    let mut group = c.benchmark_group("hunting tables");
    group.sample_size(10);
    group.bench_function("generate, default tenant", |b| {
        b.iter(|| atp_core::demo::hunting::generate_tables(&normal.dataset))
    });
    group.bench_function("generate, large tenant", |b| {
        b.iter(|| atp_core::demo::hunting::generate_tables(&large.dataset))
    });
    group.finish();
}

fn queries(c: &mut Criterion) {
    let large = tenant(DemoData::LARGE_SCALE);
    let tables = large.hunting_tables();
    let mut group = c.benchmark_group("KQL over the large tenant");
    group.sample_size(10);
    for (name, text) in [
        (
            "union of the device tables: where + summarize count() by DeviceName",
            "union DeviceProcessEvents, DeviceNetworkEvents, DeviceFileEvents, DeviceLogonEvents, DeviceEvents | where ActionType != 'LogonFailed' | summarize count() by DeviceName",
        ),
        (
            "DeviceProcessEvents: where =~ + summarize count() by DeviceName",
            "DeviceProcessEvents | where InitiatingProcessFileName =~ 'explorer.exe' | summarize count() by DeviceName",
        ),
        (
            "DeviceNetworkEvents: where has + summarize dcount by DeviceName",
            "DeviceNetworkEvents | where RemoteUrl has 'microsoft' | summarize dcount(RemoteIP) by DeviceName",
        ),
        (
            "Microsoft's example (contains, project, limit 2)",
            "DeviceProcessEvents | where InitiatingProcessFileName =~ 'powershell.exe' | where ProcessCommandLine contains 'appdata' | project Timestamp, FileName, InitiatingProcessFileName, DeviceId | limit 2",
        ),
        (
            "join: alert evidence files to their processes",
            "AlertEvidence | where EntityType == 'File' | distinct SHA1 | join kind=inner (DeviceProcessEvents | project SHA1, DeviceId) on SHA1 | summarize dcount(DeviceId) by SHA1",
        ),
    ] {
        let query = match parse(text) {
            Ok(q) => q,
            Err(e) => panic!("{text}: {e}"),
        };
        group.bench_function(name, |b| {
            b.iter(|| run(tables, &query, Timespan::last_30_days(now()), now()))
        });
    }
    group.finish();
}

criterion_group!(benches, generation, queries);
criterion_main!(benches);
