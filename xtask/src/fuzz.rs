//! `cargo xtask fuzz [list | <target> <seconds>]`: runs one libFuzzer target of `fuzz/` for a while.
//!
//! Installs cargo-fuzz if it is missing, writes seed inputs from the repository (the catalogue's routes
//! with ids of the demo tenant, the API's sample responses, filter expressions of the tests) into
//! `target/fuzz-corpus/<target>/`, builds with the nightly toolchain (or, without one, stable with
//! `RUSTC_BOOTSTRAP=1`), runs, and prints libFuzzer's totals and where crash inputs went. A crash input is a
//! bug: fix it in the core and add the input to `core/tests/fuzz_regressions.rs`.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use atp_core::catalogue::{ParamKind, QueryOption, Route};
use atp_core::demo::{DemoTenant, Variant};
use atp_core::{Profile, Query, Region, ROUTES};

use crate::{capture, root, run_step, Result};

/// The targets: name, what it feeds, the longest input libFuzzer makes.
const TARGETS: [(&str, &str, usize); 4] = [
    (
        "request_url",
        "a pasted Request URL read into a query, validated, written back and read again",
        2048,
    ),
    (
        "filter",
        "a $filter / $orderby expression parsed, compiled and run on demo alerts and machines",
        1024,
    ),
    (
        "response",
        "a response body read into a page and every entity model, as the app does",
        16 * 1024,
    ),
    (
        "demo_engine",
        "a request URL answered by a small demo tenant (normal and hostile)",
        2048,
    ),
];

pub fn run(args: &[String]) -> Result<()> {
    let (target, seconds) = match args {
        [] => return list(),
        [one] if one == "list" => return list(),
        [target, seconds] => (target.as_str(), seconds.as_str()),
        _ => return Err("usage: cargo xtask fuzz [list | <target> <seconds>]".into()),
    };
    let Some(&(_, _, max_len)) = TARGETS.iter().find(|(name, _, _)| *name == target) else {
        list()?;
        return Err(format!("there is no fuzz target {target:?}"));
    };
    let seconds: u64 = seconds
        .parse()
        .map_err(|_| format!("{seconds:?} is not a number of seconds"))?;

    let root = root();
    let cargo_fuzz_present = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !cargo_fuzz_present {
        println!("installing cargo-fuzz (about 3 minutes)");
        run_step(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let nightly = capture(Command::new("rustup").args(["toolchain", "list"]))
        .is_ok_and(|list| list.lines().any(|l| l.starts_with("nightly")));
    if !nightly {
        println!(
            "no nightly toolchain: building with stable and RUSTC_BOOTSTRAP=1 \
             (install one with `rustup toolchain install nightly` for the supported way)"
        );
    }

    let corpus = root.join("target/fuzz-corpus").join(target);
    fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let seeds = seed(target, &corpus)?;
    println!("{seeds} seed inputs in {}", corpus.display());
    let dict = root.join("fuzz/dict").join(format!("{target}.dict"));
    let artifacts = root.join("fuzz/artifacts").join(target);

    let mut command = Command::new("cargo");
    if nightly {
        command.arg("+nightly");
    } else {
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    // No sanitizer: the core has no unsafe code, and without ASan each run is about twice as fast.
    // Debug assertions stay on (cargo-fuzz's default), so an arithmetic overflow is a crash too.
    command
        .current_dir(root.join("fuzz"))
        .args(["fuzz", "run", "--sanitizer", "none", "--target-dir"])
        .arg(root.join("target/fuzz"))
        .arg(target)
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-max_len={max_len}"))
        .arg("-timeout=20")
        .arg("-print_final_stats=1");
    if dict.exists() {
        command.arg(format!("-dict={}", dict.display()));
    }
    command.stderr(Stdio::piped());
    println!("==> {command:?}");
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    // libFuzzer reports on stderr: pass it through and keep the lines the summary needs.
    let mut last_status = String::new();
    let mut done = String::new();
    if let Some(stderr) = child.stderr.take() {
        let mut out = std::io::stderr();
        for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
            let _ = writeln!(out, "{line}");
            if line.starts_with('#') && line.contains("cov:") {
                last_status = line.clone();
            }
            if line.starts_with("Done ") {
                done = line.clone();
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;

    let crashes: Vec<PathBuf> = fs::read_dir(&artifacts)
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    let corpus_size = fs::read_dir(&corpus).map_or(0, |d| d.count());
    println!("\n{target}: {:.0} s", started.elapsed().as_secs_f64());
    println!("  {done}");
    println!("  last status: {last_status}");
    println!("  corpus: {corpus_size} inputs in {}", corpus.display());
    if crashes.is_empty() {
        println!("  no crash inputs in {}", artifacts.display());
    } else {
        println!("  crash inputs ({}):", crashes.len());
        for crash in &crashes {
            println!("    {}", crash.display());
        }
        println!(
            "  reproduce: cd fuzz && cargo +nightly fuzz run -s none --target-dir ../target/fuzz {target} <file>"
        );
    }
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{target} stopped with {status}: see the crash input above"
        ))
    }
}

fn list() -> Result<()> {
    println!("usage: cargo xtask fuzz <target> <seconds>\n\ntargets:");
    for (name, what, _) in TARGETS {
        println!("  {name:<12} {what}");
    }
    Ok(())
}

/// Writes the target's seed inputs into `corpus` (same names each time); returns how many.
fn seed(target: &str, corpus: &Path) -> Result<usize> {
    let inputs: Vec<Vec<u8>> = match target {
        "request_url" => route_urls(false)
            .into_iter()
            .map(String::into_bytes)
            .collect(),
        "demo_engine" => route_urls(true)
            .into_iter()
            .map(String::into_bytes)
            .collect(),
        "filter" => FILTERS.iter().map(|f| f.as_bytes().to_vec()).collect(),
        "response" => responses()?,
        _ => Vec::new(),
    };
    for (i, input) in inputs.iter().enumerate() {
        let path = corpus.join(format!("seed-{i:04}"));
        fs::write(&path, input).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(inputs.len())
}

/// Every route of every profile with ids of the fuzz tenant: as a full URL with each option it accepts,
/// and as a bare path. `queries`: also the routes with the tests' filters and orders.
fn route_urls(queries: bool) -> Vec<String> {
    let tenant = atp_core::fuzz::demo_tenant(Variant::Normal);
    let mut urls = Vec::new();
    for profile in [Profile::Wdatp, Profile::Defender(Region::Global)] {
        for route in ROUTES.iter().filter(|r| r.api == profile.api()) {
            let mut query = Query::new(profile, route);
            for param in route.params {
                query.set_param(param.name, &example(tenant, param.kind));
            }
            urls.push(query.path());
            for option in route.options {
                query.set_option(*option, example_option(route, *option));
            }
            urls.push(query.url());
            if queries && route.accepts(QueryOption::Filter) {
                for filter in FILTERS {
                    urls.push(format!("{}?$filter={filter}&$top=3", query.path()));
                }
            }
        }
    }
    urls
}

fn example(tenant: &DemoTenant, kind: ParamKind) -> String {
    let d = &tenant.dataset;
    let first = |v: Option<&String>| v.cloned().unwrap_or_default();
    match kind {
        ParamKind::AlertId => first(d.alerts.first().map(|a| &a.id)),
        ParamKind::ActorId => first(d.actors.first().map(|a| &a.id)),
        ParamKind::MachineId => first(d.machines.first().map(|m| &m.id)),
        ParamKind::UserKey => first(d.users.first().map(|u| &u.id)),
        ParamKind::Domain => first(d.domains.first().map(|x| &x.host)),
        ParamKind::Ip => first(d.ips.first().map(|x| &x.id)),
        ParamKind::FileHash => first(d.files.first().and_then(|f| f.sha1.as_ref())),
        ParamKind::MachineKey => first(
            d.machines
                .first()
                .and_then(|m| m.computer_dns_name.as_ref()),
        ),
        ParamKind::Timestamp => d.now.to_string(),
        ParamKind::IncidentId => d
            .alerts
            .first()
            .and_then(|a| a.incident_id)
            .map(|i| i.to_string())
            .unwrap_or_default(),
    }
}

fn example_option(route: &Route, option: QueryOption) -> &'static str {
    match option {
        QueryOption::Filter => "severity eq 'High'",
        QueryOption::Select => "id,title",
        QueryOption::Expand => route.expand.first().copied().unwrap_or("machine"),
        QueryOption::OrderBy => "alertCreationTime desc",
        QueryOption::Top => "5",
        QueryOption::Skip => "2",
        QueryOption::Count => "true",
        QueryOption::LookBackHours => "48",
    }
}

/// Filter and order expressions as the tests write them (core/src/odata.rs, core/tests/demo_engine.rs).
const FILTERS: &[&str] = &[
    "severity eq 'High' and status ne 'Resolved'",
    "not (severity eq 'Low' or severity eq 'Informational')",
    "status in ('New', 'InProgress')",
    "startswith(title, 'Suspicious') and contains(title,'Power''Shell')",
    "endswith(computerDnsName,'.contoso.com')",
    "alertCreationTime ge 2024-05-01T00:00:00Z",
    "alertCreationTime lt '2024-05-01T00:00:00.1234567+02:00'",
    "incidentId gt -5 and assignedTo eq null",
    "isAadJoined eq true",
    "'High' eq severity",
    "startswith(title,'A') eq false",
    "healthStatus eq 'Active' and riskScore eq 'High'",
    "lastSeen gt 2026-11-01T00:00:00Z or osPlatform eq 'Windows10'",
    "contains(title,'<script>')",
    "severity eq 'High'",
    "alertCreationTime desc",
    "title desc,severity",
    "severity asc, lastUpdateTime desc",
];

/// The API's sample responses as success bodies, their error samples as error bodies, and a few answers
/// of the demo tenant. The first byte of each input is the success flag (see `atp_core::fuzz::response`).
fn responses() -> Result<Vec<Vec<u8>>> {
    let dir = root().join("core/tests/reference/samples");
    let mut inputs = Vec::new();
    let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let body = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let success = !body.windows(9).any(|w| w == b"\"error\": ");
        inputs.push([&[u8::from(success)][..], &body].concat());
    }
    let tenant = atp_core::fuzz::demo_tenant(Variant::Hostile);
    for url in route_urls(false).iter().step_by(2) {
        let answer = tenant.respond("GET", &format!("{url}?$top=2"), Profile::Wdatp);
        if answer.body.len() <= 16 * 1024 {
            let success = u8::from(answer.status < 400);
            inputs.push([&[success][..], answer.body.as_bytes()].concat());
        }
    }
    Ok(inputs)
}
