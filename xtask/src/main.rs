//! `cargo xtask <command>`: build, serve and test ATP Explorer, installing the tools it needs.
//!
//! The tool versions are the ones verified on these machines (see the README's "Toolchain" section):
//! trunk 0.21.14, wasm-bindgen-cli of the exact Cargo.lock version, binaryen 132 from npm (never
//! Debian's wasm-opt 108, which breaks the wasm), Debian's chromium and chromedriver.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod bench;
mod csp;
mod fuzz;
mod imports;

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

type Result<T, E = String> = std::result::Result<T, E>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(),
        Some("dist") => dist(&args[1..]).map(|_| ()),
        Some("tools") => Tools::ensure(true).map(|_| ()),
        Some("screenshots") => screenshots(),
        Some("imports") => imports::report(&root()),
        Some("bench") => bench::bench(&args[1..]),
        Some("post-build") => post_build(),
        Some("fuzz") => fuzz::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 serve [--port N] [--dev] [--tenant]\n\
                                            build the app and serve it on http://127.0.0.1:8080;\n\
                                            --tenant: with a mock Entra tenant and the demo API behind sign-in\n\
                 test                       every check and test: fmt, clippy, native, wasm in Chromium, end-to-end\n\
                                            then each fuzz target for ATP_FUZZ_SECONDS (default 30; 0 skips)\n\
                 dist [--public-url URL]    release build into dist/ with a table of sizes (default URL ./ works anywhere)\n\
                 screenshots                pictures of the main views in target/screenshots/\n\
                 imports                    each crate's module graph, and any import circle\n\
                 bench [--runs N]           performance scenarios vs their budgets, JSON in target/bench/ (also --throttle R, --opt-level L, --only size|load|decode|engine|cards|scroll|graph (comma-separated), --dist DIR)\n\
                 fuzz [<target> <seconds>]  run a libFuzzer target (nightly, or stable with RUSTC_BOOTSTRAP); without arguments, list them\n\
                 tools                      install what the other commands need"
            );
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Trunk's post_build hook (`Trunk.toml`), on its staging directory: release builds get the
/// Content-Security-Policy.
fn post_build() -> Result<()> {
    let staging = PathBuf::from(
        env::var_os("TRUNK_STAGING_DIR")
            .ok_or("post-build runs as Trunk's post_build hook (no TRUNK_STAGING_DIR)")?,
    );
    let index = staging.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let html = csp::run(html)?;
    fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where the tools live, and the PATH that puts the right versions first.
struct Tools {
    path: OsString,
    chromedriver: PathBuf,
}

impl Tools {
    /// Installs what is missing. `browser`: also make sure Chromium and chromedriver are there.
    fn ensure(browser: bool) -> Result<Tools> {
        let root = root();
        let cargo_bin = env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .unwrap_or_default()
            .join("bin");
        let binaryen = root.join("target/tools/binaryen");
        let mut dirs = vec![binaryen.join("node_modules/.bin"), cargo_bin];
        dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
        let path = env::join_paths(dirs).map_err(|e| e.to_string())?;
        let tools = Tools {
            path,
            chromedriver: PathBuf::from("/usr/bin/chromedriver"),
        };

        let installed = capture(Command::new("rustup").args(["target", "list", "--installed"]))?;
        if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
            run_step(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
        }

        if !tools.version_is("trunk", &format!("trunk {TRUNK_VERSION}")) {
            println!("installing trunk {TRUNK_VERSION} (about 10 minutes on 2 cores)");
            run_step(Command::new("cargo").args([
                "install",
                "trunk",
                "--version",
                TRUNK_VERSION,
                "--locked",
            ]))?;
        }

        let bindgen = wasm_bindgen_version(&root)?;
        if !tools.version_is("wasm-bindgen", &format!("wasm-bindgen {bindgen}")) {
            println!("installing wasm-bindgen-cli {bindgen} (about 3 minutes)");
            // Not --locked: its lock file names a crate version the registry here lacks.
            run_step(Command::new("cargo").args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &format!("={bindgen}"),
            ]))?;
        }

        if !tools.version_is("wasm-opt", &format!("version {BINARYEN_VERSION}")) {
            fs::create_dir_all(&binaryen).map_err(|e| e.to_string())?;
            run_step(
                Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund", "--prefix"])
                    .arg(&binaryen)
                    .arg(format!("binaryen@{BINARYEN_VERSION}")),
            )?;
        }

        if browser && !(Path::new("/usr/bin/chromium").exists() && tools.chromedriver.exists()) {
            let is_root = capture(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0");
            if !is_root {
                return Err("Chromium and chromedriver are missing. Install them: sudo apt-get install -y chromium chromium-driver".into());
            }
            run_step(Command::new("apt-get").arg("update"))?;
            run_step(Command::new("apt-get").args([
                "install",
                "-y",
                "chromium",
                "chromium-driver",
            ]))?;
        }
        Ok(tools)
    }

    fn version_is(&self, program: &str, expected: &str) -> bool {
        Command::new(program)
            .arg("--version")
            .env("PATH", &self.path)
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(expected))
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("PATH", &self.path).current_dir(root());
        command
    }

    /// `trunk build`, release unless `dev`; `public_url` overrides Trunk.toml's relative `./`.
    fn build(&self, dev: bool, public_url: Option<&str>) -> Result<PathBuf> {
        let mut trunk = self.command("trunk");
        trunk.arg("build");
        if !dev {
            trunk.arg("--release");
        }
        if let Some(url) = public_url {
            trunk.args(["--public-url", url]);
        }
        run_step(&mut trunk)?;
        Ok(root().join("dist"))
    }
}

fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock =
        fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|v| v.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen version".into())
}

fn capture(command: &mut Command) -> Result<String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn run_step(command: &mut Command) -> Result<()> {
    let status = command
        .status()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

fn serve(args: &[String]) -> Result<()> {
    let mut port = 8080u16;
    let mut dev = false;
    let mut tenant = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => {
                port = rest
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port takes a port number, e.g. --port 8081")?;
            }
            "--dev" => dev = true,
            "--tenant" => tenant = true,
            other => return Err(format!("serve does not take {other:?}; see cargo xtask")),
        }
    }
    let tools = Tools::ensure(false)?;
    let dist = tools.build(dev, None)?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    if tenant {
        return serve_with_tenant(dist, addr);
    }
    let server = atp_tenant::StaticServer::start(&dist, addr)
        .map_err(|e| format!("cannot serve on {addr}: {e} (another server there? try --port)"))?;
    println!(
        "\nATP Explorer (demo tenant, no sign-in needed): {}/\nPress Ctrl+C to stop.",
        server.url()
    );
    server.wait();
    Ok(())
}

/// The app and a mock Entra tenant with the demo API behind sign-in, on one loopback origin, and the link
/// that opens the app configured for it.
fn serve_with_tenant(dist: PathBuf, addr: SocketAddr) -> Result<()> {
    let mock = atp_tenant::MockTenant::start(atp_tenant::MockConfig {
        dist: Some(dist),
        addr,
        ..Default::default()
    })
    .map_err(|e| format!("cannot serve the mock tenant on {addr}: {e} (try --port)"))?;
    let settings = mock.settings();
    let authority = format!("{}/v2.0", settings.authority);
    let link = atp_core::link::live_settings_href(&atp_core::link::LiveSettings {
        authority: &authority,
        client_id: &settings.client_id,
        api_base: &settings.defender_api_base,
        scopes: &settings.scope,
        ..Default::default()
    });
    println!(
        "\n{}\nATP Explorer signed in against the mock tenant (Defender profile):\n  {}/{link}&profile=mde\nPress Ctrl+C to stop.",
        mock.banner(),
        mock.url()
    );
    mock.wait();
    Ok(())
}

/// Release build into `dist/`, then each file's size raw and gzipped.
fn dist(args: &[String]) -> Result<Vec<(String, u64, u64)>> {
    let public_url = match args {
        [] => None,
        [flag, url] if flag == "--public-url" => Some(url.as_str()),
        _ => {
            return Err("dist takes only --public-url URL, e.g. --public-url /atp-explorer/".into())
        }
    };
    let tools = Tools::ensure(false)?;
    let dist = tools.build(false, public_url)?;
    let mut rows = Vec::new();
    let mut files: Vec<_> = fs::read_dir(&dist)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for file in files {
        let bytes = fs::read(&file).map_err(|e| e.to_string())?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).map_err(|e| e.to_string())?;
        let zipped = gz.finish().map_err(|e| e.to_string())?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        rows.push((name, bytes.len() as u64, zipped.len() as u64));
    }
    println!("\n{:<40} {:>12} {:>12}", "file", "raw bytes", "gzip bytes");
    for (name, raw, gz) in &rows {
        println!("{name:<40} {raw:>12} {gz:>12}");
    }
    let (raw, gz) = rows.iter().fold((0, 0), |(r, g), (_, a, b)| (r + a, g + b));
    println!(
        "{:<40} {raw:>12} {gz:>12}  ({:.1} KB gzip)",
        "total",
        gz as f64 / 1024.0
    );
    Ok(rows)
}

/// Every check and test. All steps run; the summary lists each, and any failure fails the command.
fn test() -> Result<()> {
    let started = Instant::now();
    let tools = Tools::ensure(true)?;
    let mut results: Vec<(&str, Result<()>, f64)> = Vec::new();
    let mut step = |name: &'static str, command: &mut Command| {
        println!("\n==> {name}");
        let t = Instant::now();
        let outcome = run_step(command);
        results.push((name, outcome, t.elapsed().as_secs_f64()));
    };

    step(
        "format",
        tools.command("cargo").args(["fmt", "--all", "--check"]),
    );
    step(
        "clippy (host)",
        tools.command("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    );
    step(
        "clippy (wasm32)",
        tools.command("cargo").args([
            "clippy",
            "-p",
            "atp-explorer",
            "-p",
            "atp-core",
            "--lib",
            "--bins",
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ]),
    );
    step(
        "release build (trunk)",
        tools.command("trunk").args(["build", "--release"]),
    );
    let dist = root().join("dist");
    step(
        "native tests",
        tools
            .command("cargo")
            .args(["test", "--workspace", "--no-fail-fast"]),
    );
    step(
        "end-to-end in Chromium",
        tools
            .command("cargo")
            .args([
                "test",
                "-p",
                "atp-e2e",
                "--features",
                "chromium",
                "--no-fail-fast",
            ])
            .env("ATP_DIST", &dist)
            .env("CHROMEDRIVER", &tools.chromedriver),
    );
    step(
        "wasm-bindgen tests in Chromium",
        tools
            .command("cargo")
            .args([
                "test",
                "-p",
                "atp-explorer",
                "--target",
                WASM_TARGET,
                "--test",
                "web",
                // Its own instance: after the panic it provokes, nothing else may run in it.
                "--test",
                "panic_hook",
            ])
            .env("CHROMEDRIVER", &tools.chromedriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "180"),
    );
    println!("\n==> fuzz");
    let t = Instant::now();
    results.push((
        "fuzz (every target)",
        fuzz::test_step(),
        t.elapsed().as_secs_f64(),
    ));

    println!("\n{:<45} {:>8} {:>10}", "step", "result", "seconds");
    let mut failed = 0;
    for (name, outcome, seconds) in &results {
        let verdict = if outcome.is_ok() { "ok" } else { "FAILED" };
        failed += usize::from(outcome.is_err());
        println!("{name:<45} {verdict:>8} {seconds:>10.1}");
    }
    println!(
        "{:<45} {:>8} {:>10.1}",
        "total",
        "",
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        Err(format!("{failed} of {} steps failed", results.len()))
    } else {
        println!("\nall {} steps passed", results.len());
        Ok(())
    }
}

/// Pictures of the main views (release build, headless Chromium) for people to look at.
fn screenshots() -> Result<()> {
    let tools = Tools::ensure(true)?;
    let dist = tools.build(false, None)?;
    run_step(
        tools
            .command("cargo")
            .args(["run", "-p", "atp-e2e", "--bin", "screenshots"])
            .env("ATP_DIST", &dist)
            .env("CHROMEDRIVER", &tools.chromedriver),
    )?;
    println!(
        "screenshots in {}",
        root().join("target/screenshots").display()
    );
    Ok(())
}
