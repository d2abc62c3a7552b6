//! The mock tenant in the foreground, for trying the sign-in by hand:
//! `cargo run -p atp-tenant --bin atp-mock-tenant -- --dist dist --port 8080`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use atp_tenant::{run_foreground, MockConfig};

const USAGE: &str =
    "usage: atp-mock-tenant [--port N] [--dist DIR] [--auto-approve] [--client-id ID] \
[--redirect-uri URI]... [--allow-origin ORIGIN]... [--token-lifetime SECS] [--not-spa]";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1).collect()) {
        Ok(config) => match run_foreground(config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: Vec<String>) -> Result<MockConfig, String> {
    let mut config = MockConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        ..MockConfig::default()
    };
    let mut redirect_uris = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                let port = value("--port")?;
                let port = port
                    .parse()
                    .map_err(|_| format!("--port takes a port number, not {port:?}"))?;
                config.addr = SocketAddr::from(([127, 0, 0, 1], port));
            }
            "--dist" => config.dist = Some(PathBuf::from(value("--dist")?)),
            "--auto-approve" => config.auto_approve = true,
            "--client-id" => config.client_id = value("--client-id")?,
            "--redirect-uri" => redirect_uris.push(value("--redirect-uri")?),
            "--allow-origin" => config.allowed_origins.push(value("--allow-origin")?),
            "--token-lifetime" => {
                let secs = value("--token-lifetime")?;
                config.token_lifetime_secs = secs
                    .parse()
                    .map_err(|_| format!("--token-lifetime takes seconds, not {secs:?}"))?;
            }
            "--not-spa" => config.spa_platform = false,
            "-h" | "--help" => {
                return Err("the mock Entra ID tenant and the demo API on loopback".into())
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !redirect_uris.is_empty() {
        config.redirect_uris = redirect_uris;
    }
    Ok(config)
}
