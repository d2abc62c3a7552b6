//! `cargo xtask fuzz [list | all | <target> <seconds>]`: runs one libFuzzer target of `fuzz/` for a while, and
//! the fuzz step of `cargo xtask test` ([`test_step`]): every target for `ATP_FUZZ_SECONDS` (default 30).
//!
//! Installs cargo-fuzz if it is missing, writes seed inputs from the repository (the catalogue's routes
//! with ids of the demo tenant, the API's sample responses, filter expressions of the tests, the app's
//! own links, prepared hunts) into `target/fuzz-corpus/<target>/`, builds with the nightly toolchain (or,
//! without one, stable with `RUSTC_BOOTSTRAP=1`), and runs from that corpus and the committed one
//! (`fuzz/corpus/<target>/`, read only: new inputs go to `target/`). A crash input is a bug: fix it in
//! the core and add the input to `core/tests/fuzz_regressions.rs`.

use std::env;
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
const TARGETS: [(&str, &str, usize); 6] = [
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
    (
        "address",
        "the page's address read, written back and read again, typed (query, graph, hunt, settings offer)",
        4096,
    ),
    (
        "kql",
        "a hunting query completed, parsed and run on a small hostile tenant's tables",
        2048,
    ),
];

/// Seconds per target in `cargo xtask test` unless `ATP_FUZZ_SECONDS` says otherwise.
pub const TEST_SECONDS: u64 = 30;

pub fn run(args: &[String]) -> Result<()> {
    let (target, seconds) = match args {
        [] => return list(),
        [one] if one == "list" => return list(),
        [one] if one == "all" => return test_step(),
        [target, seconds] => (target.as_str(), seconds.as_str()),
        _ => return Err("usage: cargo xtask fuzz [list | all | <target> <seconds>]".into()),
    };
    if !TARGETS.iter().any(|(name, _, _)| *name == target) {
        list()?;
        return Err(format!("there is no fuzz target {target:?}"));
    }
    let seconds: u64 = seconds
        .parse()
        .map_err(|_| format!("{seconds:?} is not a number of seconds"))?;
    let fuzzer = Fuzzer::ensure()?;
    fuzzer.build(Some(target))?;
    let outcome = fuzzer.run(target, seconds, true)?;
    outcome.print();
    outcome.verdict()
}

/// The fuzz step of `cargo xtask test`: builds every target once, then runs each for `ATP_FUZZ_SECONDS`
/// (default [`TEST_SECONDS`]; 0 skips the step) from its corpus. A crash, a timeout or an out-of-memory
/// input fails it, naming the target and the input's path.
pub fn test_step() -> Result<()> {
    let seconds = match env::var("ATP_FUZZ_SECONDS") {
        Err(_) => TEST_SECONDS,
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("ATP_FUZZ_SECONDS={text:?} is not a number of seconds"))?,
    };
    if seconds == 0 {
        println!("ATP_FUZZ_SECONDS=0: fuzzing skipped");
        return Ok(());
    }
    let started = Instant::now();
    let fuzzer = Fuzzer::ensure()?;
    let built = Instant::now();
    fuzzer.build(None)?;
    let build_seconds = built.elapsed().as_secs_f64();
    let mut outcomes = Vec::new();
    for (target, _, _) in TARGETS {
        println!("\n--> fuzz {target} for {seconds} s");
        outcomes.push(fuzzer.run(target, seconds, false)?);
    }
    println!(
        "\n{:<12} {:>8} {:>10} {:>8} {:>6} {:>7}  crash input",
        "target", "seconds", "runs", "runs/s", "cov", "corpus"
    );
    for o in &outcomes {
        println!(
            "{:<12} {:>8.1} {:>10} {:>8} {:>6} {:>7}  {}",
            o.target,
            o.seconds,
            o.runs,
            o.runs_per_second,
            o.cov,
            o.corpus,
            o.crash
                .as_ref()
                .map_or("-".to_string(), |c| c.display().to_string())
        );
    }
    println!(
        "fuzz: build {build_seconds:.0} s, total {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let failures: Vec<String> = outcomes.iter().filter_map(|o| o.verdict().err()).collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// cargo-fuzz installed, and how to build with it.
struct Fuzzer {
    root: PathBuf,
    nightly: bool,
}

impl Fuzzer {
    /// Installs cargo-fuzz when it is missing and picks the toolchain.
    fn ensure() -> Result<Fuzzer> {
        let cargo_fuzz_present = Command::new("cargo")
            .args(["fuzz", "--version"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !cargo_fuzz_present {
            println!("installing cargo-fuzz (about 1.5 minutes on 2 cores)");
            run_step(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
        }
        // `ATP_FUZZ_TOOLCHAIN=stable` builds as a machine without nightly does.
        let nightly = env::var("ATP_FUZZ_TOOLCHAIN").map_or_else(
            |_| {
                capture(Command::new("rustup").args(["toolchain", "list"]))
                    .is_ok_and(|list| list.lines().any(|l| l.starts_with("nightly")))
            },
            |choice| choice != "stable",
        );
        if !nightly {
            println!(
                "no nightly toolchain: building with stable and RUSTC_BOOTSTRAP=1 \
                 (install one with `rustup toolchain install nightly` for the supported way)"
            );
        }
        Ok(Fuzzer {
            root: root(),
            nightly,
        })
    }

    /// `cargo fuzz build` of `target`, or of every target in one build (the core compiles once).
    fn build(&self, target: Option<&str>) -> Result<()> {
        let mut command = Command::new("cargo");
        if self.nightly {
            command.arg("+nightly");
        } else {
            command.env("RUSTC_BOOTSTRAP", "1");
        }
        // No sanitizer: the core has no unsafe code, and without ASan each run is about twice as fast.
        // Debug assertions stay on (cargo-fuzz's default), so an arithmetic overflow is a crash too.
        command
            .current_dir(self.root.join("fuzz"))
            .args(["fuzz", "build", "--sanitizer", "none", "--target-dir"])
            .arg(self.target_dir());
        command.args(target);
        println!("==> {command:?}");
        run_step(&mut command)
    }

    fn target_dir(&self) -> PathBuf {
        self.root.join("target/fuzz")
    }

    /// Runs the built `target` for `seconds` from its corpora; `echo`: pass libFuzzer's output through
    /// (otherwise only its first lines, its status every few seconds and a crash's report).
    fn run(&self, target: &str, seconds: u64, echo: bool) -> Result<Outcome> {
        let max_len = TARGETS
            .iter()
            .find(|(name, _, _)| *name == target)
            .map_or(4096, |t| t.2);
        let host = capture(Command::new("rustc").arg("-vV"))?
            .lines()
            .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
            .ok_or("rustc -vV names no host")?;
        let binary = self.target_dir().join(host).join("release").join(target);
        let corpus = self.root.join("target/fuzz-corpus").join(target);
        fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        let seeds = seed(target, &corpus)?;
        let committed = self.root.join("fuzz/corpus").join(target);
        let artifacts = self.root.join("fuzz/artifacts").join(target);
        fs::create_dir_all(&artifacts).map_err(|e| format!("{}: {e}", artifacts.display()))?;
        let dict = self.root.join("fuzz/dict").join(format!("{target}.dict"));
        println!(
            "{seeds} seed inputs in {}, committed corpus {}",
            corpus.display(),
            committed.display()
        );

        // New inputs go to the first directory: the committed corpus is only read.
        let mut command = Command::new(&binary);
        command.arg(&corpus);
        if committed.is_dir() {
            command.arg(&committed);
        }
        command
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-max_len={max_len}"))
            .arg("-timeout=20")
            .arg("-print_final_stats=1")
            .arg(format!("-artifact_prefix={}/", artifacts.display()));
        if dict.exists() {
            command.arg(format!("-dict={}", dict.display()));
        }
        command.stderr(Stdio::piped()).stdout(Stdio::null());
        if echo {
            println!("==> {command:?}");
        }
        let started = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        // libFuzzer reports on stderr: keep the lines the summary needs.
        let mut outcome = Outcome {
            target: target.to_string(),
            binary: binary.clone(),
            ..Outcome::default()
        };
        let mut crashed = false;
        if let Some(stderr) = child.stderr.take() {
            let mut out = std::io::stderr();
            for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
                crashed |= line.contains("ERROR: libFuzzer") || line.contains("panicked at");
                let pulse = line.contains(" pulse ") || line.contains(" DONE ");
                if echo || crashed || pulse || line.starts_with("INFO: seed corpus") {
                    let _ = writeln!(out, "{line}");
                }
                if line.starts_with('#') && line.contains("cov:") {
                    outcome.cov = field(&line, "cov:");
                    outcome.corpus = field(&line, "corp:")
                        .split('/')
                        .next()
                        .unwrap_or_default()
                        .to_string();
                }
                if let Some(runs) = line.strip_prefix("stat::number_of_executed_units:") {
                    outcome.runs = runs.trim().to_string();
                }
                if let Some(rate) = line.strip_prefix("stat::average_exec_per_sec:") {
                    outcome.runs_per_second = rate.trim().to_string();
                }
                if let Some((_, path)) = line.split_once("Test unit written to ") {
                    outcome.crash = Some(PathBuf::from(path.trim()));
                }
            }
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        outcome.seconds = started.elapsed().as_secs_f64();
        outcome.failed = (!status.success()).then(|| status.to_string());
        Ok(outcome)
    }
}

/// The word after `name` in a libFuzzer status line (`#1024 pulse cov: 812 ft: 2301 corp: 95/4Kb …`).
fn field(line: &str, name: &str) -> String {
    line.split_once(name)
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_default()
        .to_string()
}

/// What one run of a target did.
#[derive(Default)]
struct Outcome {
    target: String,
    binary: PathBuf,
    seconds: f64,
    runs: String,
    runs_per_second: String,
    cov: String,
    corpus: String,
    /// The input libFuzzer wrote on a crash, a timeout or running out of memory.
    crash: Option<PathBuf>,
    /// The exit status, when it was not a success.
    failed: Option<String>,
}

impl Outcome {
    fn print(&self) {
        println!("\n{}: {:.0} s", self.target, self.seconds);
        println!(
            "  {} runs ({}/s), cov {}, corpus {}",
            self.runs, self.runs_per_second, self.cov, self.corpus
        );
        if let Some(crash) = &self.crash {
            println!("  crash input: {}", crash.display());
            println!("  reproduce: {} {}", self.binary.display(), crash.display());
        }
    }

    /// `Err` naming the target and the crash input when the run failed.
    fn verdict(&self) -> Result<()> {
        match (&self.failed, &self.crash) {
            (None, None) => Ok(()),
            (_, Some(crash)) => Err(format!(
                "fuzz target {} crashed on {} (fix it in the core; add the input to core/tests/fuzz_regressions.rs)",
                self.target,
                crash.display()
            )),
            (Some(status), None) => Err(format!(
                "fuzz target {} stopped with {status} and no crash input",
                self.target
            )),
        }
    }
}

fn list() -> Result<()> {
    println!(
        "usage: cargo xtask fuzz <target> <seconds>\n       cargo xtask fuzz all   \
         (the test command's step: every target for ATP_FUZZ_SECONDS, default {TEST_SECONDS})\n\ntargets:"
    );
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
        "address" => addresses().into_iter().map(String::into_bytes).collect(),
        "kql" => hunts().into_iter().map(String::into_bytes).collect(),
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
        ParamKind::ActionId => first(d.defender.machine_actions.first().map(|a| &a.id)),
        ParamKind::InvestigationId => first(d.defender.investigations.first().map(|a| &a.id)),
        ParamKind::IndicatorId | ParamKind::Index => "0".into(),
        ParamKind::SoftwareId => first(d.defender.software.first().map(|a| &a.id)),
        ParamKind::VulnerabilityId => first(d.defender.vulnerabilities.first().map(|a| &a.id)),
        ParamKind::RecommendationId => first(d.defender.recommendations.first().map(|a| &a.id)),
        ParamKind::RemediationTaskId => first(d.defender.remediation_tasks.first().map(|a| &a.id)),
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
        QueryOption::Tag => "Finance",
        QueryOption::UseStartsWithFilter => "true",
        QueryOption::PageSize => "100",
        QueryOption::SinceTime => "2026-11-01T00:00:00Z",
        QueryOption::SkipToken => "100",
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

/// The app's own links: every route's query (each API, each dataset), with an investigation graph, the
/// Hunting view's links, the live settings links, and hostile addresses.
fn addresses() -> Vec<String> {
    use atp_core::link::{
        app_href, app_href_with_graph, hunt_href, live_settings_href, DemoData, GraphLink,
        HuntLink, LiveSettings,
    };
    let mut out = Vec::new();
    let datasets = [DemoData::Normal, DemoData::Hostile, DemoData::Large];
    let tenant = atp_core::fuzz::demo_tenant(Variant::Normal);
    for (i, url) in route_urls(false).iter().enumerate().step_by(3) {
        for profile in [
            Profile::Wdatp,
            Profile::Defender(Region::Eu),
            Profile::Graph,
        ] {
            if let Ok(query) = Query::parse(url, profile) {
                out.push(app_href(&query, datasets[i % 3]));
                break;
            }
        }
    }
    let machine = tenant
        .dataset
        .machines
        .first()
        .map_or("1", |m| m.id.as_str());
    let alert = tenant.dataset.alerts.first().map_or("1", |a| a.id.as_str());
    let recipes = [
        format!("sa{alert}"),
        format!("sa{alert}~xm{machine}!alerts"),
        format!("sm{machine}~x'0!users~r'0"),
        "sa636341278149188342_1960231459~x'0!machines~xu*5Ccontoso*5Cjdoe!alerts".to_string(),
    ];
    if let Ok(query) = Query::parse("/alerts?$top=20&$expand=machine", Profile::Wdatp) {
        for (recipe, profile) in recipes.iter().zip(
            [Profile::Wdatp, Profile::Defender(Region::Global)]
                .iter()
                .cycle(),
        ) {
            let graph = GraphLink {
                profile: *profile,
                recipe: recipe.clone(),
            };
            out.push(app_href_with_graph(&query, DemoData::Hostile, Some(&graph)));
        }
    }
    for (i, text) in hunts().iter().take(6).enumerate() {
        let profile = [
            Profile::Graph,
            Profile::Defender(Region::Eu),
            Profile::Wdatp,
        ][i % 3];
        let hunt = HuntLink {
            query: text.clone(),
            timespan: ["", "P7D", "2026-11-01T00:00:00Z/2026-11-08T00:00:00Z"][i % 3].to_string(),
            api: atp_core::catalogue::HuntingApi::default_for(profile),
            profile,
        };
        out.push(hunt_href(&hunt, DemoData::Normal));
    }
    out.push(live_settings_href(&LiveSettings {
        authority: "https://login.microsoftonline.com",
        tenant: "contoso.onmicrosoft.com",
        client_id: "00000000-0000-0000-0000-000000000001",
        api_base: "",
        scopes: "https://api.securitycenter.microsoft.com/.default offline_access",
    }));
    out.push(
        live_settings_href(&LiveSettings {
            authority: "http://127.0.0.1:9/t/v2.0",
            client_id: "c-1",
            api_base: "https://evil.example/api",
            scopes: "api://x/.default",
            ..LiveSettings::default()
        }) + "&q=/alerts?$top=5&redirect_uri=https://evil.example/cb",
    );
    out.extend(
        [
            "?base=http://127.0.0.1:4444/api&q=/alerts?$top=5",
            "#profile=mde-eu&q=/machines/abc%zz&dataset=large",
            "?q=%FF%FE&g=~~~!&gprofile=mde-xx&graph-synthetic=99999999999999999999",
            "?hunt=DeviceInfo%0A%7C+take+1&hapi=endpoint&profile=graph&timespan=+P1D+",
            "?&&==&q&q=/alerts&profile=&profile=wdatp",
            "?q=javascript:alert(1)&g=sa%3Cscript%3E",
            "?q=https://graph.microsoft.com/testwdatp/alerts?$top=1&profile=graph",
            "?q=/alerts?$filter=severity+eq+%27High%27%26$top=3&dataset=hostile",
        ]
        .map(String::from),
    );
    out
}

/// KQL as analysts write it: the prepared hunts of the demo tenant's entities, and a few queries in
/// the style of Microsoft's hunting collections (the committed corpus has more).
fn hunts() -> Vec<String> {
    use atp_core::hunting::EntityMark;
    use atp_core::pivot::{hunts, mark_pivot};
    let d = &atp_core::fuzz::demo_tenant(Variant::Normal).dataset;
    let mut out = Vec::new();
    let values = [
        (
            EntityMark::MachineId,
            d.machines.first().map(|m| m.id.clone()),
        ),
        (
            EntityMark::Sha1,
            d.files.first().and_then(|f| f.sha1.clone()),
        ),
        (EntityMark::Ip, d.ips.first().map(|x| x.id.clone())),
        (
            EntityMark::Domain,
            d.domains.first().map(|x| x.host.clone()),
        ),
        (EntityMark::AlertId, d.alerts.first().map(|a| a.id.clone())),
    ];
    for (mark, value) in values {
        if let Some(pivot) = value.and_then(|v| mark_pivot(mark, &v)) {
            out.extend(hunts(&pivot).into_iter().map(|h| h.query));
        }
    }
    out.extend(
        [
            "DeviceProcessEvents | where Timestamp > ago(7d) | where FileName in~ (\"powershell.exe\", \"pwsh.exe\") | project Timestamp, DeviceName, ProcessCommandLine | take 10",
            "DeviceNetworkEvents | summarize Connections = count() by DeviceName, RemoteIP | order by Connections desc",
            "let ids = AlertEvidence | where EntityType == \"File\" | distinct SHA1;\nDeviceProcessEvents | where SHA1 in (ids) | summarize dcount(DeviceId) by SHA1",
            "AlertInfo | join kind=inner AlertEvidence on AlertId | summarize count() by Severity | render piechart",
            "DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | project DeviceName, OSPlatform",
        ]
        .map(String::from),
    );
    out
}
