//! The native side of `cargo xtask bench`: writes the alert bodies the bench pages load, then times the
//! engine query (and the graph layout, for context) with the same code and profile as the wasm module.
//!
//! `atp-bench-native <site dir> <runs>`: prints one JSON object on stdout.

use std::time::Instant;

use atp_bench::{config, engine_query, graph, layout, ENGINE_SCALE};
use atp_core::demo::{DemoConfig, DemoTenant};
use atp_core::Profile;

fn main() {
    if let Err(message) = run() {
        eprintln!("atp-bench-native: {message}");
        std::process::exit(1);
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn body(scale: usize, url: &str) -> Result<String, String> {
    let tenant = DemoTenant::generate(&config(scale));
    let response = tenant.respond("GET", url, Profile::Wdatp);
    if response.status == 200 {
        Ok(response.body)
    } else {
        Err(format!("{url} answered {}", response.status))
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let site = args
        .next()
        .ok_or("usage: atp-bench-native <site dir> <runs>")?;
    let runs: usize = args
        .next()
        .and_then(|r| r.parse().ok())
        .ok_or("usage: atp-bench-native <site dir> <runs>")?;
    let site = std::path::Path::new(&site);
    std::fs::create_dir_all(site).map_err(|e| format!("{}: {e}", site.display()))?;

    // The decode scenario's 10,000 alerts, and the cards baseline's 1,000 (the app's default tenant).
    let write = |name: &str, text: &str| {
        std::fs::write(site.join(name), text).map_err(|e| format!("{name}: {e}"))
    };
    write("alerts-10000.json", &body(10_000, "/alerts?$top=10000")?)?;
    write(
        "alerts-1000.json",
        &body(DemoConfig::DEFAULT_SCALE, "/alerts?$top=1000")?,
    )?;

    let started = Instant::now();
    let tenant = DemoTenant::generate(&config(ENGINE_SCALE));
    let generate_ms = ms(started);
    let mut engine = Vec::with_capacity(runs + 1);
    for _ in 0..=runs {
        let t = Instant::now();
        let length = engine_query(&tenant)?;
        engine.push(ms(t));
        std::hint::black_box(length);
    }
    let engine_cold = engine.remove(0);

    let mut layouts = Vec::new();
    let mut iterations = 0;
    for _ in 0..3 {
        let mut g = graph(1_000, 3);
        let t = Instant::now();
        iterations = layout(&mut g, 10_000);
        layouts.push(ms(t));
    }

    let json = serde_json::json!({
        "alerts": tenant.dataset.alerts.len(),
        "generate_ms": generate_ms,
        "engine_cold_ms": engine_cold,
        "engine_ms": engine,
        "graph_layout_ms": layouts,
        "graph_layout_iterations": iterations,
    });
    println!("{json}");
    Ok(())
}
