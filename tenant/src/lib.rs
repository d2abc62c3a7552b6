//! Local servers for development and tests.
//!
//! - [`StaticServer`]: the built app (`dist/`) on loopback, the way a plain static host serves it (files,
//!   a directory's `index.html`, 404 otherwise: no rewrite rules). Plain std, no runtime.
//! - [`MockTenant`]: a mock Entra ID (v2) tenant plus the demo API behind bearer tokens, so the app's
//!   browser sign-in (authorization code + PKCE S256) runs end to end without the internet. It can also
//!   serve `dist/` itself (same answers as [`StaticServer`], from the same code), and it injects faults
//!   for tests. See [`mock`] for the endpoints.
//!
//! ```no_run
//! use atp_tenant::{Fault, FaultKind, MockConfig, MockTenant};
//!
//! // A test: the app on the same origin, consent page skipped.
//! let mock = MockTenant::start(MockConfig {
//!     dist: Some("dist".into()),
//!     auto_approve: true,
//!     ..MockConfig::default()
//! })?;
//! let settings = mock.settings(); // authority, client id, redirect URI, scope, API bases
//! mock.inject(Fault::times(FaultKind::Throttled { retry_after_secs: 2 }, 1));
//! // ... drive the browser at `settings.redirect_uri` ...
//! assert!(mock.seen().authorized_requests > 0, "the API checked a bearer token");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! For `cargo xtask serve --tenant`: [`run_foreground`] with `dist` and the port; it prints the authority,
//! client id and app URL and serves until Ctrl+C.

mod api;
mod config;
mod faults;
pub mod mock;
mod oauth;
mod state;
mod static_files;
mod wire;

pub use mock::{
    run_foreground, AppSettings, Fault, FaultKind, MockConfig, MockTenant, MockUser, Seen,
    API_RESOURCE, GRAPH_RESOURCE,
};
pub use static_files::StaticServer;

/// `goog:chromeOptions` for headless Chromium on these machines, shared by the end-to-end tests and the
/// benchmark: Debian's binary, no sandbox (root), and no background networking (the network is closed;
/// without these flags Chromium hammers refused connections).
pub fn chromium_options(profile_dir: &std::path::Path) -> serde_json::Value {
    serde_json::json!({
        "binary": "/usr/bin/chromium",
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1280,900",
            format!("--user-data-dir={}", profile_dir.display()),
        ]
    })
}
