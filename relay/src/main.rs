//! `cargo run -p atp-relay -- [--host HOST] [--origin ORIGIN] [--port PORT]`: the relay on loopback,
//! until stopped with Ctrl+C. Defaults: `api.security.microsoft.com`, the page at
//! `http://127.0.0.1:8080` (`cargo xtask serve`), port 8181.

use std::process::ExitCode;

use atp_relay::{Relay, RelayConfig};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map_or_else(|| default.to_string(), String::clone)
    };
    let Ok(port) = value("--port", "8181").parse::<u16>() else {
        eprintln!("atp-relay: --port takes a number from 0 to 65535");
        return ExitCode::from(2);
    };
    let config = match RelayConfig::new(
        &value("--host", "api.security.microsoft.com"),
        &value("--origin", "http://127.0.0.1:8080"),
        port,
    ) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("atp-relay: {message}");
            return ExitCode::from(2);
        }
    };
    let origin = config.page_origin.clone();
    let upstream = config.upstream().to_string();
    match Relay::start(config) {
        Ok(relay) => {
            println!(
                "atp-relay: {} → {upstream}, for pages of {origin}.\nIn the explorer's Settings, set API base URL to {}/api (Ctrl+C stops the relay).",
                relay.url(),
                relay.url()
            );
            relay.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("atp-relay: cannot start on port {port}: {e}");
            ExitCode::FAILURE
        }
    }
}
