//! The native side of `cargo xtask bench`: writes the alert bodies the bench pages load, then times the
//! engine query (and the graph layout, for context) with the same code and profile as the wasm module.
//!
//! `atp-bench-native bodies <site dir>` writes the bodies; `atp-bench-native time <runs>` prints one JSON
//! object with the timings on stdout (the xtask runs it right before the wasm engine scenario, so both
//! see the same machine load).

use std::time::Instant;

use atp_bench::{config, decode, engine_query, graph, layout, ENGINE_SCALE};
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [mode, site] if mode == "bodies" => bodies(std::path::Path::new(site)),
        [mode, runs] if mode == "time" => time(runs.parse().map_err(|_| "runs: a number")?),
        _ => Err("usage: atp-bench-native bodies <site dir> | time <runs>".into()),
    }
}

fn bodies(site: &std::path::Path) -> Result<(), String> {
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
    Ok(())
}

fn time(runs: usize) -> Result<(), String> {
    let body = body(10_000, "/alerts?$top=10000")?;
    let mut decode_ms = Vec::new();
    for _ in 0..runs.min(10) {
        let t = Instant::now();
        // The bytes copied, as the wasm module's caller copies them in.
        std::hint::black_box(decode(body.as_bytes().to_vec())?);
        decode_ms.push(ms(t));
    }

    let started = Instant::now();
    let tenant = DemoTenant::generate(&config(ENGINE_SCALE));
    let generate_ms = ms(started);
    let engine_cold = {
        let t = Instant::now();
        std::hint::black_box(engine_query(&tenant)?);
        ms(t)
    };
    // Warm-up, as the wasm side does (there it lets V8 tier the code up).
    for _ in 0..10 {
        std::hint::black_box(engine_query(&tenant)?);
    }
    let mut engine = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let length = engine_query(&tenant)?;
        engine.push(ms(t));
        std::hint::black_box(length);
    }

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
        "decode_ms": decode_ms,
        "generate_ms": generate_ms,
        "engine_cold_ms": engine_cold,
        "engine_ms": engine,
        "graph_layout_ms": layouts,
        "graph_layout_iterations": iterations,
    });
    println!("{json}");
    Ok(())
}
