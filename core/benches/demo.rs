//! The demo tenant's costs: generating the dataset, and a filtered, sorted page over 100,000 alerts.

use atp_core::demo::{DemoConfig, DemoTenant, Variant};
use atp_core::{Profile, Region};
use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};

fn config(scale: usize) -> DemoConfig {
    DemoConfig {
        seed: DemoConfig::DEFAULT_SEED,
        scale,
        variant: Variant::Normal,
        now: Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap(),
    }
}

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    group.bench_function("default (1,200 alerts)", |b| {
        b.iter(|| DemoTenant::generate(&config(1_200)))
    });
    group.bench_function("100,000 alerts", |b| {
        b.iter(|| DemoTenant::generate(&config(100_000)))
    });
    group.finish();
}

fn queries(c: &mut Criterion) {
    let tenant = DemoTenant::generate(&config(100_000));
    let profile = Profile::Defender(Region::Global);
    let mut group = c.benchmark_group("query over 100,000 alerts");
    for (name, url) in [
        (
            "filter + orderby + top=100",
            "/alerts?$filter=severity eq 'High' and status ne 'Resolved'&$orderby=alertCreationTime desc&$top=100",
        ),
        (
            "wide filter + two keys + top=100",
            "/alerts?$filter=alertCreationTime ge 2026-11-10T00:00:00Z or contains(title,'PowerShell')&$orderby=severity desc,lastUpdateTime&$top=100&$count=true",
        ),
        ("top=100, no filter", "/alerts?$top=100"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let r = tenant.respond("GET", url, profile);
                assert_eq!(r.status, 200);
                r
            })
        });
    }
    group.finish();
}

criterion_group!(benches, generation, queries);
criterion_main!(benches);
