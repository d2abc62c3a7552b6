//! The running mock tenant: binds the port, serves on a thread of its own, and is the handle tests and
//! xtask hold (addresses, settings, and the test controls from Rust).

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::config::{AppSettings, MockConfig};
use crate::faults::Fault;
use crate::mock::router::router;
use crate::state::{Seen, Shared};

/// A running mock tenant; stops when dropped.
pub struct MockTenant {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl MockTenant {
    /// Binds `config.addr` and serves on a background thread with its own tokio runtime, so sync callers
    /// (tests, xtask) can use it.
    pub fn start(config: MockConfig) -> io::Result<MockTenant> {
        if let Some(dist) = &config.dist {
            if !dist.join("index.html").is_file() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "{} has no index.html: build the app first (cargo xtask dist)",
                        dist.display()
                    ),
                ));
            }
        }
        if config.client_id.trim().is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the mock tenant needs a client id",
            ));
        }
        // Bind here, not on the server thread, so a busy port is the caller's error and the port is known.
        let listener = TcpListener::bind(config.addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config, addr));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(shared.clone());
        let thread = thread::Builder::new()
            .name(format!("mock-tenant-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(e) => {
                            eprintln!("mock tenant: cannot listen on {addr}: {e}");
                            return;
                        }
                    };
                    tokio::select! {
                        result = axum::serve(listener, app) => {
                            if let Err(e) = result {
                                eprintln!("mock tenant on {addr} stopped: {e}");
                            }
                        }
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime cancels open connections (a slow fault included), so Drop never
                // waits for a client.
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        Ok(MockTenant {
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// `http://127.0.0.1:port` (no trailing slash).
    pub fn url(&self) -> String {
        self.shared.base.clone()
    }

    /// The authority the app signs in against: `{url}/{tenant_id}` (append `/oauth2/v2.0/authorize`,
    /// `/oauth2/v2.0/token`, `/v2.0/.well-known/openid-configuration`).
    pub fn authority(&self) -> String {
        self.settings().authority
    }

    pub fn authorize_url(&self) -> String {
        self.settings().authorization_endpoint
    }

    pub fn token_url(&self) -> String {
        self.settings().token_endpoint
    }

    /// The Defender for Endpoint profile's API base on the mock: `{url}/api`.
    pub fn defender_api_base(&self) -> String {
        self.settings().defender_api_base
    }

    /// The WDATP profile's API base on the mock: `{url}/testwdatp`.
    pub fn wdatp_api_base(&self) -> String {
        self.settings().wdatp_api_base
    }

    /// The scope the app asks for: `{API_RESOURCE}/.default openid profile offline_access`.
    pub fn scope(&self) -> String {
        self.settings().scope
    }

    /// Everything the app needs to sign in and call the API.
    pub fn settings(&self) -> AppSettings {
        self.shared.settings()
    }

    pub fn config(&self) -> &MockConfig {
        &self.shared.config
    }

    /// The registered redirect URIs, relative ones made absolute.
    pub fn redirect_uris(&self) -> Vec<String> {
        self.shared.redirect_uris.clone()
    }

    /// Lines for a terminal: authority, client id, redirect URI, API bases and, with `dist`, the app.
    pub fn banner(&self) -> String {
        let mut text = format!(
            "Mock Entra ID tenant: {}\n  authority      {}\n  client id      {}\n  redirect URIs  {}\n  scope          {}\n  API (Defender) {}\n  API (WDATP)    {}\n  sign in as     {} <{}>{}\n",
            self.url(),
            self.authority(),
            self.shared.config.client_id,
            self.shared.redirect_uris.join(", "),
            self.scope(),
            self.defender_api_base(),
            self.wdatp_api_base(),
            self.shared.config.user.name,
            self.shared.config.user.preferred_username,
            if self.shared.config.auto_approve { " (auto-approved)" } else { "" },
        );
        if self.shared.config.dist.is_some() {
            text.push_str(&format!("ATP Explorer: {}/\n", self.url()));
        }
        text
    }

    /// Adds a fault after those already queued; the first queued fault applies to the next API request.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    pub fn faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.iter().cloned().collect()
    }

    pub fn seen(&self) -> Seen {
        self.shared.lock().seen.clone()
    }

    pub fn reset_seen(&self) {
        self.shared.lock().seen = Seen::default();
    }

    /// Moves the mock's clock forward: codes, access tokens and refresh tokens expire without sleeping.
    pub fn advance_clock(&self, by: Duration) {
        let by = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        let mut state = self.shared.lock();
        state.clock_offset_secs = state.clock_offset_secs.saturating_add(by);
    }

    /// Changes `expires_in` for tokens issued from now on.
    pub fn set_token_lifetime(&self, secs: u64) {
        self.shared.lock().token_lifetime_secs = secs;
    }

    /// Expires every access token issued so far (refresh tokens stay valid): the app's next call is a 401.
    pub fn expire_access_tokens(&self) {
        let mut state = self.shared.lock();
        let now = state.now();
        for grant in state.access.values_mut() {
            grant.expires_at = grant.expires_at.min(now);
        }
    }

    /// Blocks until the server stops (only on a fatal error, or never: for `xtask serve --tenant`).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for MockTenant {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the mock in the foreground, prints [`MockTenant::banner`] and serves until the process ends:
/// what `cargo xtask serve --tenant` calls.
pub fn run_foreground(config: MockConfig) -> io::Result<()> {
    let addr = config.addr;
    let mock = MockTenant::start(config).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot serve the mock tenant on {addr}: {e}"),
        )
    })?;
    println!("{}Press Ctrl+C to stop.", mock.banner());
    mock.wait();
    Ok(())
}
