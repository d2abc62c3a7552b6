//! `cargo xtask bench`: builds the release app and the bench-only pages, serves both on loopback, drives
//! headless Chromium through each scenario several times, and prints one table (scenario, median,
//! min–max, the baseline's median, the ratio, the budget, pass/fail). The results also go to
//! `target/bench/latest.json` and `target/bench/results-<unix time>.json`.
//!
//! Benchmark-only code stays out of `dist/`: the kernels crate (`bench/wasm`, its own workspace), the
//! baseline pages (`bench/site`) and the alert bodies are built into `target/bench/site/`, served by a
//! second static server.

mod browser;
mod scenarios;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::{capture, root, run_step, Result, Tools, WASM_TARGET};

/// How a run is set up (`cargo xtask bench [--runs N] [--throttle RATE] [--opt-level z|s|1|2|3]
/// [--only size]`).
pub struct Options {
    /// Runs of each scenario (fresh page loads where "cold" matters).
    pub runs: usize,
    /// Chromium CPU throttling rate (1 = none).
    pub throttle: f64,
    /// The bench kernels' opt-level: "z" (the app's) unless asked, e.g. 3 to see what speed it costs.
    pub opt_level: String,
    /// Only these groups of scenarios (`--only graph,cards`); all when empty.
    pub only: Vec<String>,
    /// A release build to measure instead of building one (`--dist DIR`, e.g. an older build kept aside).
    pub dist: Option<PathBuf>,
}

/// The groups `--only` takes; `size` alone prints the release transfer size without opening a browser.
const GROUPS: [&str; 7] = [
    "size", "load", "decode", "engine", "cards", "scroll", "graph",
];

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options {
            runs: 5,
            throttle: 1.0,
            opt_level: "z".into(),
            only: Vec::new(),
            dist: None,
        };
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match arg.as_str() {
                "--runs" => {
                    options.runs = rest
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| *n >= 1)
                        .ok_or("--runs takes a number of runs, e.g. --runs 5")?;
                }
                "--throttle" => {
                    options.throttle = rest
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n: &f64| *n >= 1.0)
                        .ok_or("--throttle takes a CPU slowdown factor ≥ 1, e.g. --throttle 4")?;
                }
                "--opt-level" => {
                    options.opt_level = rest
                        .next()
                        .filter(|l| ["z", "s", "1", "2", "3"].contains(&l.as_str()))
                        .ok_or("--opt-level takes z, s, 1, 2 or 3 (the bench kernels' only; the app keeps its own)")?
                        .clone();
                }
                "--only" => {
                    let groups = rest
                        .next()
                        .map(|g| g.split(',').map(str::to_string).collect::<Vec<_>>())
                        .unwrap_or_default();
                    if groups.is_empty() || groups.iter().any(|g| !GROUPS.contains(&g.as_str())) {
                        return Err(format!(
                            "--only takes scenario groups, comma-separated, of: {}",
                            GROUPS.join(", ")
                        ));
                    }
                    options.only = groups;
                }
                "--dist" => {
                    let dir = rest
                        .next()
                        .map(PathBuf::from)
                        .ok_or("--dist takes the directory of a release build")?;
                    if !dir.join("index.html").is_file() {
                        return Err(format!("--dist {}: no index.html there", dir.display()));
                    }
                    options.dist = Some(dir);
                }
                other => return Err(format!("bench does not take {other:?}; see cargo xtask")),
            }
        }
        Ok(options)
    }

    /// Whether the scenarios of `group` run.
    pub fn wants(&self, group: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|g| g == group)
    }
}

/// What a row's numbers are.
#[derive(Clone, Copy, PartialEq)]
pub enum Unit {
    Ms,
    Kb,
    Fps,
}

impl Unit {
    fn suffix(self) -> &'static str {
        match self {
            Unit::Ms => "ms",
            Unit::Kb => "KB",
            Unit::Fps => "fps",
        }
    }
}

/// The limit a row is held to.
#[derive(Clone, Copy)]
pub enum Budget {
    /// The median is at most this.
    AtMost(f64),
    /// The median is at least this.
    AtLeast(f64),
    /// The ratio to the baseline is at most this.
    Ratio(f64),
    /// The ratio is at most the first, and the median at most the second.
    RatioAndAtMost(f64, f64),
    /// Every sample is at most this.
    EveryAtMost(f64),
}

/// One line of the table.
pub struct Row {
    pub scenario: String,
    pub unit: Unit,
    /// Every sample; empty when the scenario could not be measured.
    pub samples: Vec<f64>,
    /// The baseline's samples (same browser run), if the scenario has a baseline.
    pub baseline: Vec<f64>,
    pub budget: Budget,
    /// What the number means, how it was measured, or why there is none.
    pub note: String,
}

impl Row {
    pub fn new(scenario: &str, unit: Unit, samples: Vec<f64>, budget: Budget) -> Row {
        Row {
            scenario: scenario.to_string(),
            unit,
            samples,
            baseline: Vec::new(),
            budget,
            note: String::new(),
        }
    }

    pub fn baseline(mut self, baseline: Vec<f64>) -> Row {
        self.baseline = baseline;
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Row {
        self.note = note.into();
        self
    }

    pub fn median(&self) -> Option<f64> {
        median(&self.samples)
    }

    fn ratio(&self) -> Option<f64> {
        Some(self.median()? / median(&self.baseline)?)
    }

    /// `None` when there is nothing to judge (not measured, or report-only).
    fn passes(&self) -> Option<bool> {
        let m = self.median()?;
        match self.budget {
            Budget::AtMost(limit) => Some(m <= limit),
            Budget::AtLeast(limit) => Some(m >= limit),
            Budget::Ratio(limit) => Some(self.ratio()? <= limit),
            Budget::RatioAndAtMost(ratio, limit) => Some(self.ratio()? <= ratio && m <= limit),
            Budget::EveryAtMost(limit) => Some(self.samples.iter().all(|x| *x <= limit)),
        }
    }

    fn verdict(&self) -> &'static str {
        match (self.samples.is_empty(), self.passes()) {
            (true, _) => "n/a",
            (false, None) => "no baseline",
            (false, Some(true)) => "pass",
            (false, Some(false)) => "FAIL",
        }
    }

    fn budget_text(&self) -> String {
        let u = self.unit.suffix();
        match self.budget {
            Budget::AtMost(l) => format!("≤ {} {u}", number(l)),
            Budget::AtLeast(l) => format!("≥ {} {u}", number(l)),
            Budget::Ratio(r) => format!("≤ {r}×"),
            Budget::RatioAndAtMost(r, l) => format!("≤ {r}×, ≤ {} {u}", number(l)),
            Budget::EveryAtMost(l) => format!("all ≤ {} {u}", number(l)),
        }
    }

    fn cells(&self) -> [String; 7] {
        let u = self.unit.suffix();
        let dash = || "—".to_string();
        let (lo, hi) = min_max(&self.samples);
        [
            self.scenario.clone(),
            self.median()
                .map_or_else(dash, |m| format!("{} {u}", number(m))),
            if self.samples.len() > 1 {
                format!("{}–{}", number(lo), number(hi))
            } else {
                dash()
            },
            median(&self.baseline).map_or_else(dash, |m| format!("{} {u}", number(m))),
            self.ratio().map_or_else(dash, |r| format!("{r:.2}×")),
            self.budget_text(),
            self.verdict().to_string(),
        ]
    }

    fn to_json(&self) -> Value {
        let (lo, hi) = min_max(&self.samples);
        json!({
            "scenario": self.scenario,
            "unit": self.unit.suffix(),
            "median": self.median(),
            "min": (!self.samples.is_empty()).then_some(lo),
            "max": (!self.samples.is_empty()).then_some(hi),
            "samples": self.samples,
            "baseline_median": median(&self.baseline),
            "baseline_samples": self.baseline,
            "ratio": self.ratio(),
            "budget": self.budget_text(),
            "result": self.verdict(),
            "note": self.note,
        })
    }
}

pub fn median(xs: &[f64]) -> Option<f64> {
    let mut s: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    })
}

/// The `p`-th percentile (nearest rank).
pub fn percentile(xs: &[f64], p: f64) -> Option<f64> {
    let mut s: Vec<f64> = xs.to_vec();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    Some(s[rank.clamp(1, s.len()) - 1])
}

fn min_max(xs: &[f64]) -> (f64, f64) {
    xs.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// Three significant figures, at most one decimal over 10.
fn number(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// Entry point of `cargo xtask bench`.
pub fn bench(args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    let started = Instant::now();
    let root = root();
    let out = root.join("target/bench");
    let site = out.join("site");
    let tools = Tools::ensure(true)?;

    let dist = match &options.dist {
        Some(dir) => dir.clone(),
        None => {
            println!("==> release build of the app (trunk)");
            tools.build(false, None)?
        }
    };
    let transfer = transfer_size(&dist)?;
    if options.only == ["size"] {
        let [scenario, median, .., budget, verdict] = transfer.cells();
        println!("{scenario}: {median} (budget {budget}, {verdict})");
        println!("{}", transfer.note);
        return Ok(());
    }

    // The graph scenarios open the app alone; the others need the bench-only pages and kernels.
    let native = if ["decode", "engine", "cards"]
        .iter()
        .any(|g| options.wants(g))
    {
        println!("==> bench-only kernels (bench/wasm), native and wasm32");
        Some(build_kernels(
            &tools,
            &root,
            &out,
            &site,
            &options.opt_level,
        )?)
    } else {
        fs::create_dir_all(&site).map_err(|e| format!("{}: {e}", site.display()))?;
        None
    };
    copy_pages(&root.join("bench/site"), &site, &dist)?;
    let built = started.elapsed().as_secs_f64();

    println!(
        "==> scenarios in headless Chromium ({} runs each)",
        options.runs
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let measured = runtime.block_on(scenarios::run(scenarios::Setup {
        dist: &dist,
        site: &site,
        chromedriver: &tools.chromedriver,
        profile_dir: &out.join("chromium-profile"),
        options: &options,
        native: native.as_deref(),
    }))?;
    let native = measured.native;

    let mut rows = vec![transfer];
    rows.extend(measured.rows);
    print_table(&rows);
    let total = started.elapsed().as_secs_f64();
    println!(
        "\n{} runs per scenario, CPU throttling {}×, {}; builds {built:.0} s, total {total:.0} s",
        options.runs, options.throttle, measured.browser
    );

    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let commit = capture(
        Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(&root),
    )
    .unwrap_or_default();
    let report = json!({
        "unix_time": stamp,
        "commit": commit.trim(),
        "browser": measured.browser,
        "runs": options.runs,
        "cpu_throttling": options.throttle,
        "kernels_opt_level": options.opt_level,
        "seconds": { "builds": built, "total": total },
        "native": native,
        "rows": rows.iter().map(Row::to_json).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    for name in [format!("results-{stamp}.json"), "latest.json".to_string()] {
        let path = out.join(name);
        fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("results in {}", out.join("latest.json").display());
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| r.passes() == Some(false))
        .map(|r| r.scenario.as_str())
        .collect();
    if !failed.is_empty() {
        println!("\nover budget ({}): {}", failed.len(), failed.join("; "));
    }
    Ok(())
}

/// The gzip size (flate2 level 9) of everything in `dist/`, as a browser downloads it.
fn transfer_size(dist: &Path) -> Result<Row> {
    let mut files: Vec<PathBuf> = fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    // Benchmark-only files live in target/bench/site/; none may reach what the README deploys.
    let pages: Vec<String> = fs::read_dir(root().join("bench/site"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name != "index.html")
                .collect()
        })
        .unwrap_or_default();
    if let Some(leak) = files.iter().find(|f| {
        f.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            n.starts_with("atp_bench") || n.starts_with("alerts-") || pages.iter().any(|p| *p == n)
        })
    }) {
        return Err(format!(
            "benchmark-only file in dist/: {} (bench pages belong in target/bench/site/)",
            leak.display()
        ));
    }
    let mut total = 0usize;
    let mut parts = Vec::new();
    for file in &files {
        let bytes = fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).map_err(|e| e.to_string())?;
        let size = gz.finish().map_err(|e| e.to_string())?.len();
        total += size;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = name.rsplit('.').next().unwrap_or("").to_string();
        parts.push(format!("{kind} {:.1}", size as f64 / 1024.0));
    }
    Ok(Row::new(
        "release transfer size, gzip -9 (all of dist/)",
        Unit::Kb,
        vec![total as f64 / 1024.0],
        Budget::AtMost(250.0),
    )
    .note(format!("KB gzip per file: {}", parts.join(", "))))
}

/// Builds `bench/wasm` natively (runs it: the alert bodies into the site; its timings run later) and for
/// wasm32 (wasm-bindgen into the site, then wasm-opt -Oz as Trunk does for the app). The native binary.
fn build_kernels(
    tools: &Tools,
    root: &Path,
    out: &Path,
    site: &Path,
    opt_level: &str,
) -> Result<PathBuf> {
    let manifest = root.join("bench/wasm/Cargo.toml");
    // One target directory per opt-level, so switching does not rebuild everything.
    let target = out.join(if opt_level == "z" {
        "cargo".to_string()
    } else {
        format!("cargo-o{opt_level}")
    });
    fs::create_dir_all(site).map_err(|e| format!("{}: {e}", site.display()))?;
    let cargo = |extra: &[&str]| -> Result<()> {
        run_step(
            tools
                .command("cargo")
                .args(["build", "--release", "--manifest-path"])
                .arg(&manifest)
                .args(extra)
                .env("CARGO_TARGET_DIR", &target)
                .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", opt_level),
        )
    };
    cargo(&["--bin", "atp-bench-native"])?;
    let native_bin = target.join("release/atp-bench-native");
    run_step(Command::new(&native_bin).arg("bodies").arg(site))?;

    cargo(&["--lib", "--target", WASM_TARGET])?;
    let wasm = target.join(format!("{WASM_TARGET}/release/atp_bench.wasm"));
    run_step(
        tools
            .command("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(site)
            .arg(&wasm),
    )?;
    let bg = site.join("atp_bench_bg.wasm");
    run_step(
        tools
            .command("wasm-opt")
            .arg(format!("-O{opt_level}"))
            .arg(&bg)
            .arg("-o")
            .arg(&bg),
    )?;
    Ok(native_bin)
}

/// The bench pages into the site, with the app's stylesheet (so baseline cards are laid out alike).
fn copy_pages(pages: &Path, site: &Path, dist: &Path) -> Result<()> {
    let entries = fs::read_dir(pages).map_err(|e| format!("{}: {e}", pages.display()))?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_file() {
            fs::copy(&path, site.join(entry.file_name()))
                .map_err(|e| format!("copy {}: {e}", path.display()))?;
        }
    }
    let css = fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "css"))
        .ok_or("dist/ has no stylesheet")?;
    fs::copy(&css, site.join("app.css")).map_err(|e| format!("copy {}: {e}", css.display()))?;
    Ok(())
}

fn print_table(rows: &[Row]) {
    let header = [
        "scenario",
        "median",
        "min–max",
        "baseline median",
        "ratio",
        "budget",
        "result",
    ];
    let cells: Vec<[String; 7]> = rows.iter().map(Row::cells).collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: &[String]| {
        let padded: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        format!("| {} |", padded.join(" | "))
    };
    println!();
    println!("{}", line(&header.map(String::from)));
    println!(
        "|{}|",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in &cells {
        println!("{}", line(row));
    }
    println!();
    for (i, row) in rows.iter().enumerate() {
        if !row.note.is_empty() {
            println!("{}. {}: {}", i + 1, row.scenario, row.note);
        }
    }
}
