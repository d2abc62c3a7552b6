//! The mock tenant: Entra ID v2 endpoints, the demo API behind bearer tokens, fault injection.
//!
//! Endpoints (`{tenant}` is the configured tenant id, the configured domain, `common` or `organizations`):
//!
//! | endpoint | what |
//! |---|---|
//! | `GET /{tenant}/v2.0/.well-known/openid-configuration` | discovery document |
//! | `GET /{tenant}/discovery/v2.0/keys` | an empty key set: tokens here are not verifiable |
//! | `GET /{tenant}/oauth2/v2.0/authorize` | checks the request, shows the consent page (or auto-approves) |
//! | `POST /{tenant}/oauth2/v2.0/authorize` | the consent page's form: `ticket`, `decision=approve|deny` |
//! | `POST /{tenant}/oauth2/v2.0/token` (+ `OPTIONS`) | `authorization_code` and `refresh_token` grants, CORS |
//! | `GET /{tenant}/oauth2/v2.0/logout` | ends the session, back to a registered `post_logout_redirect_uri` |
//! | `/api/...` | Defender for Endpoint profile (`Profile::Defender(Region::Global)`) of the demo engine |
//! | `/testwdatp/...` | WDATP profile (`Profile::Wdatp`) of the demo engine |
//! | `GET/POST/DELETE /_mock/faults` | list / add (one [`Fault`] or an array) / clear injected faults |
//! | `GET /_mock/seen`, `DELETE /_mock/seen` | what the API saw ([`Seen`]) / reset it |
//! | `GET /_mock/config` | [`AppSettings`]: authority, endpoints, client id, redirect URI, scope, API bases |
//! | anything else | `dist/` when configured (static-host answers), else 404 |
//!
//! The API answers `@odata.context` and `@odata.nextLink` with the mock's own base (`{url}/api`,
//! `{url}/testwdatp`) instead of Microsoft's host, so paging stays on loopback.
//!
//! Tokens: the API takes `Authorization: Bearer <access token>` of a token this mock issued, unexpired,
//! whose audience is the API (`{API_RESOURCE}/.default` asked; `/testwdatp` also takes Graph tokens, which
//! is what asking only OpenID scopes gives). Otherwise 401 `{"error":{"code":"Unauthorized",...}}` with a
//! `WWW-Authenticate` that says why. Tokens are JWT-shaped (`header.claims.signature`, RS256 header) but the
//! signature verifies against nothing: the server checks tokens by lookup.
//!
//! Faults: a queue; each API request (preflights excluded) takes the first fault and counts it down;
//! a fault without `times` stays until cleared. Fault answers carry CORS headers (except `no_cors`), so the
//! app can read a 429's `Retry-After`. Faults never touch the sign-in endpoints.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atp_core::demo::{DemoConfig, DemoTenant};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::{api, oauth, static_files};

/// The signed-in user the mock issues tokens for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockUser {
    /// Display name: the consent button reads "Sign in as {name}"; the id token's `name`.
    pub name: String,
    /// The id token's `preferred_username` (a UPN).
    pub preferred_username: String,
    /// Object id (`oid`).
    pub oid: String,
}

impl Default for MockUser {
    fn default() -> MockUser {
        MockUser {
            name: "Megan Bowen".into(),
            preferred_username: "meganb@contoso.onmicrosoft.com".into(),
            oid: "48d31887-5fad-4d73-a9f5-3c356e68a038".into(),
        }
    }
}

/// How to run the mock tenant. [`MockConfig::default`] is a ready-to-use tenant on a free loopback port.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// The built app to serve beside the tenant (same origin), or `None` for a tenant-only server (serve
    /// the app with [`crate::StaticServer`] on another port to test the real cross-origin situation).
    pub dist: Option<PathBuf>,
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Directory (tenant) id, a GUID: the `tid` claim and the issuer's path.
    pub tenant_id: String,
    /// The tenant's domain, accepted in URLs like the id.
    pub tenant_domain: String,
    /// The app's registration (a public client).
    pub client_id: String,
    /// Other public clients registered in the tenant (same redirect URIs), so tests can check that codes
    /// and refresh tokens are bound to the client they were issued to.
    pub other_client_ids: Vec<String>,
    /// Registered redirect URIs, matched exactly. One starting with `/` is relative to the mock's own URL
    /// (`"/"` is `{url}/`), since a port-0 server's URL is not known in advance.
    pub redirect_uris: Vec<String>,
    /// Whether the redirect URIs are registered under the "Single-page application" platform. When false,
    /// a token request carrying an `Origin` header fails with AADSTS9002326, as Entra does.
    pub spa_platform: bool,
    /// Browser origins allowed by CORS besides the redirect URIs' origins and the mock's own.
    pub allowed_origins: Vec<String>,
    /// Approve every valid authorization request without the consent page (whatever `prompt` says).
    /// Without it, `prompt=none` succeeds only for a browser that consented before (session cookie) and
    /// answers `login_required` otherwise; other prompts show the consent page.
    pub auto_approve: bool,
    /// Access token lifetime (`expires_in`); Entra's is about an hour.
    pub token_lifetime_secs: u64,
    /// Authorization code lifetime.
    pub code_lifetime_secs: u64,
    /// Refresh token lifetime, fixed from sign-in (SPA refresh tokens live 24 h and do not extend).
    pub refresh_lifetime_secs: u64,
    pub user: MockUser,
    /// Delegated permissions granted on the API resource: what `{resource}/.default` expands to.
    pub permissions: Vec<String>,
    /// The demo tenant behind the API; `None` is the app's default tenant generated at start-up time.
    /// Generated on the first API call, so tests that never call the API do not pay for it.
    pub demo: Option<DemoConfig>,
}

impl Default for MockConfig {
    fn default() -> MockConfig {
        MockConfig {
            dist: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tenant_id: "5b7c0e3a-91d4-4f2e-8a6b-3c1d2e4f5a6b".into(),
            tenant_domain: "contoso.onmicrosoft.com".into(),
            client_id: "0f3c9a7e-2b1d-4e6f-9a8b-7c6d5e4f3a2b".into(),
            other_client_ids: Vec::new(),
            redirect_uris: vec!["/".into()],
            spa_platform: true,
            allowed_origins: Vec::new(),
            auto_approve: false,
            token_lifetime_secs: 3600,
            code_lifetime_secs: 60,
            refresh_lifetime_secs: 24 * 3600,
            user: MockUser::default(),
            permissions: [
                "Alert.Read",
                "Machine.Read",
                "User.Read.All",
                "Ip.Read.All",
                "URL.Read.All",
                "File.Read.All",
                "AdvancedQuery.Read",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            demo: None,
        }
    }
}

/// The API resource the scopes name (`https://api.securitycenter.microsoft.com/.default`).
pub const API_RESOURCE: &str = "https://api.securitycenter.microsoft.com";

/// The resource Entra issues a token for when only OpenID scopes are asked (Microsoft Graph).
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

/// A fault the API answers instead of (or on top of) its normal answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    /// For how many API requests (preflights excluded); `None` until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

/// What a [`Fault`] does. JSON: `{"fault": "throttled", "retry_after_secs": 5, "times": 2}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum FaultKind {
    /// 401 `Unauthorized` even with a valid token.
    Unauthorized,
    /// 403 `Forbidden` (missing permission / portal role).
    Forbidden,
    /// 429 `TooManyRequests` with `Retry-After`.
    Throttled { retry_after_secs: u64 },
    /// 500 `InternalServerError`.
    ServerError,
    /// The normal answer, after a delay.
    Slow { delay_ms: u64 },
    /// The normal status and headers (with the full `Content-Length`), then half the body and a closed
    /// connection.
    Truncated,
    /// The normal answer without `Access-Control-Allow-Origin`: the browser refuses to hand it over.
    NoCors,
}

impl Fault {
    /// The fault until cleared.
    pub fn always(kind: FaultKind) -> Fault {
        Fault { kind, times: None }
    }

    /// The fault for the next `n` API requests.
    pub fn times(kind: FaultKind, n: u32) -> Fault {
        Fault {
            kind,
            times: Some(n),
        }
    }
}

/// What the API saw, so tests can check that the bearer token was checked on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// API requests (preflights excluded).
    pub api_requests: u64,
    /// API requests that carried a valid, unexpired access token.
    pub authorized_requests: u64,
    /// API requests answered 401 because of the token (missing, unknown or expired).
    pub rejected_requests: u64,
    /// CORS preflights on the API.
    pub preflights: u64,
    /// Requests to the token endpoint (preflights excluded) and how many of them issued tokens.
    pub token_requests: u64,
    pub tokens_issued: u64,
    /// The last API request's `Authorization` header, path and query, and `Origin`.
    pub last_authorization: Option<String>,
    pub last_api_path: Option<String>,
    pub last_origin: Option<String>,
}

/// What the app needs to sign in against the mock and call its API (`GET /_mock/config` answers it as JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSettings {
    /// `{url}/{tenant_id}`
    pub authority: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub end_session_endpoint: String,
    pub client_id: String,
    /// The first registered redirect URI (with `dist`, the app's own index URL by default).
    pub redirect_uri: String,
    pub scope: String,
    pub defender_api_base: String,
    pub wdatp_api_base: String,
}

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

/// A code issued by the authorize endpoint, waiting for the token endpoint.
pub(crate) struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub expires_at: i64,
}

/// An authorization request waiting on the consent page.
pub(crate) struct Pending {
    pub request: oauth::AuthorizeRequest,
    pub expires_at: i64,
}

pub(crate) struct AccessGrant {
    pub expires_at: i64,
    /// The resource the token is for (`aud`): the API refuses tokens for another resource.
    pub audience: String,
}

pub(crate) struct RefreshGrant {
    pub client_id: String,
    pub scopes: Vec<String>,
    /// Fixed at sign-in: rotation does not extend it.
    pub expires_at: i64,
}

pub(crate) struct MockState {
    pub clock_offset_secs: i64,
    pub token_lifetime_secs: u64,
    pub pending: HashMap<String, Pending>,
    pub codes: HashMap<String, CodeGrant>,
    /// Codes already redeemed, to tell "already used" from "never issued".
    pub redeemed: HashSet<String>,
    pub access: HashMap<String, AccessGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
    /// Browser sessions (cookie values) that consented: `prompt=none` succeeds for them.
    pub sessions: HashSet<String>,
    pub faults: VecDeque<Fault>,
    pub seen: Seen,
}

impl MockState {
    /// Unix seconds on the mock's clock.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        real.saturating_add(self.clock_offset_secs)
    }

    /// The fault for this API request, counting it down.
    pub fn take_fault(&mut self) -> Option<FaultKind> {
        let front = self.faults.front_mut()?;
        let kind = front.kind.clone();
        if let Some(times) = front.times.as_mut() {
            *times = times.saturating_sub(1);
            if *times == 0 {
                self.faults.pop_front();
            }
        }
        Some(kind)
    }
}

pub(crate) struct Shared {
    pub config: MockConfig,
    pub addr: SocketAddr,
    /// `http://127.0.0.1:port`
    pub base: String,
    pub redirect_uris: Vec<String>,
    pub allowed_origins: Vec<String>,
    state: Mutex<MockState>,
    demo: OnceLock<DemoTenant>,
}

impl Shared {
    fn new(config: MockConfig, addr: SocketAddr) -> Shared {
        let base = format!("http://{addr}");
        let redirect_uris: Vec<String> = config
            .redirect_uris
            .iter()
            .map(|uri| {
                if uri.starts_with('/') {
                    format!("{base}{uri}")
                } else {
                    uri.clone()
                }
            })
            .collect();
        let mut allowed_origins = vec![base.clone()];
        for origin in redirect_uris.iter().filter_map(|u| origin_of(u)).chain(
            config
                .allowed_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_string()),
        ) {
            if !allowed_origins.contains(&origin) {
                allowed_origins.push(origin);
            }
        }
        let state = MockState {
            clock_offset_secs: 0,
            token_lifetime_secs: config.token_lifetime_secs,
            pending: HashMap::new(),
            codes: HashMap::new(),
            redeemed: HashSet::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            sessions: HashSet::new(),
            faults: VecDeque::new(),
            seen: Seen::default(),
        };
        Shared {
            config,
            addr,
            base,
            redirect_uris,
            allowed_origins,
            state: Mutex::new(state),
            demo: OnceLock::new(),
        }
    }

    pub fn settings(&self) -> AppSettings {
        let authority = format!("{}/{}", self.base, self.config.tenant_id);
        AppSettings {
            authorization_endpoint: format!("{authority}/oauth2/v2.0/authorize"),
            token_endpoint: format!("{authority}/oauth2/v2.0/token"),
            end_session_endpoint: format!("{authority}/oauth2/v2.0/logout"),
            authority,
            client_id: self.config.client_id.clone(),
            redirect_uri: self.redirect_uris.first().cloned().unwrap_or_default(),
            scope: format!("{API_RESOURCE}/.default openid profile offline_access"),
            defender_api_base: format!("{}/api", self.base),
            wdatp_api_base: format!("{}/testwdatp", self.base),
        }
    }

    /// The state; a panic elsewhere while it was held does not make it unusable for later requests.
    pub fn lock(&self) -> MutexGuard<'_, MockState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The demo tenant, generated on first use.
    pub fn demo(&self) -> &DemoTenant {
        self.demo.get_or_init(|| {
            let config = self
                .config
                .demo
                .unwrap_or_else(|| DemoConfig::new(chrono::Utc::now()));
            DemoTenant::generate(&config)
        })
    }

    pub fn is_client(&self, client_id: &str) -> bool {
        client_id == self.config.client_id
            || self.config.other_client_ids.iter().any(|c| c == client_id)
    }

    /// The `Origin` header if it is one the app may call from.
    pub fn allowed_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = headers.get(header::ORIGIN)?;
        let text = origin.to_str().ok()?;
        self.allowed_origins
            .iter()
            .any(|o| o == text)
            .then(|| origin.clone())
    }
}

/// `scheme://host[:port]` of an absolute URL.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// An unguessable id: 32 random bytes, base64url. Falls back to a hash of time and a counter if the OS has
/// no randomness to give (the mock must not fail a request over it).
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    if getrandom::getrandom(&mut bytes).is_err() {
        use sha2::{Digest, Sha256};
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes.copy_from_slice(&Sha256::digest(format!("{t}-{n}")));
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A random GUID-shaped id (trace and correlation ids).
pub(crate) fn random_guid() -> String {
    let mut b = [0u8; 16];
    if getrandom::getrandom(&mut b).is_err() {
        b = [0x5a; 16];
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Text for HTML element content and attribute values (the core's escaping, shared with the graph's SVG).
pub(crate) use atp_core::text::escape_xml as html_escape;

/// `application/x-www-form-urlencoded` pairs (a query string or a form body); the first of a repeated
/// name wins.
pub(crate) fn form_pairs(input: &[u8]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (name, value) in form_urlencoded::parse(input) {
        map.entry(name.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    map
}

fn router(shared: Arc<Shared>) -> Router {
    // Test controls, open to any origin so a browser-side test can drive them too.
    let control = Router::new()
        .route(
            "/_mock/faults",
            get(faults_list)
                .post(faults_add)
                .delete(faults_clear)
                .options(control_preflight),
        )
        .route(
            "/_mock/seen",
            get(seen_get).delete(seen_reset).options(control_preflight),
        )
        .route(
            "/_mock/config",
            get(settings_get).options(control_preflight),
        )
        .layer(axum::middleware::map_response(open_cors));
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(oauth::discovery),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(oauth::keys))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(oauth::authorize).post(oauth::consent),
        )
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(oauth::token).options(oauth::token_preflight),
        )
        .route("/{tenant}/oauth2/v2.0/logout", get(oauth::logout))
        .route("/api", axum::routing::any(api::defender))
        .route("/api/{*rest}", axum::routing::any(api::defender))
        .route("/testwdatp", axum::routing::any(api::wdatp))
        .route("/testwdatp/{*rest}", axum::routing::any(api::wdatp))
        .merge(control)
        .fallback(static_fallback)
        .with_state(shared)
}

pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "null".into());
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn faults_list(State(shared): State<Arc<Shared>>) -> Response {
    let faults: Vec<Fault> = shared.lock().faults.iter().cloned().collect();
    json_response(StatusCode::OK, &faults)
}

/// Accepts one fault or an array of faults, queued in order.
async fn faults_add(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Fault),
        Many(Vec<Fault>),
    }
    match serde_json::from_slice::<OneOrMany>(&body) {
        Ok(parsed) => {
            let added = match parsed {
                OneOrMany::One(f) => vec![f],
                OneOrMany::Many(fs) => fs,
            };
            let mut state = shared.lock();
            state.faults.extend(added);
            let faults: Vec<Fault> = state.faults.iter().cloned().collect();
            json_response(StatusCode::OK, &faults)
        }
        Err(e) => json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({
                "error": format!(
                    "not a fault: {e}. Expected e.g. {{\"fault\":\"throttled\",\"retry_after_secs\":5,\"times\":2}}; \
                     faults: unauthorized, forbidden, throttled (retry_after_secs), server_error, slow (delay_ms), \
                     truncated, no_cors; times omitted = until DELETE /_mock/faults"
                )
            }),
        ),
    }
}

async fn faults_clear(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn seen_get(State(shared): State<Arc<Shared>>) -> Response {
    let seen = shared.lock().seen.clone();
    json_response(StatusCode::OK, &seen)
}

async fn seen_reset(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().seen = Seen::default();
    StatusCode::NO_CONTENT.into_response()
}

/// Readable from any origin: a dev build of the app on another port may fetch it to fill its settings.
async fn settings_get(State(shared): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &shared.settings())
}

async fn control_preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type"),
    );
    response
}

async fn open_cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// `dist/` as a static host serves it (the same `resolve` as [`crate::StaticServer`]), else 404.
async fn static_fallback(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    let Some(root) = shared.config.dist.clone() else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Not found.\n",
        )
            .into_response();
    };
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Only GET and HEAD are served here.\n",
        )
            .into_response();
    }
    let target = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    // File reads block; keep them off the runtime's only thread.
    let answer = tokio::task::spawn_blocking(move || static_files::resolve(&root, &target)).await;
    let (status, content_type, body) = match answer {
        Ok(answer) => answer,
        Err(_) => (
            500,
            "text/plain; charset=utf-8",
            b"The file could not be read.\n".to_vec(),
        ),
    };
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    for (name, value) in static_files::STATIC_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/app/?x=1").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("https://example.com#frag").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(origin_of("/relative"), None);
        assert_eq!(origin_of("http://"), None);
    }

    #[test]
    fn html_escape_neutralises_markup() {
        assert_eq!(
            html_escape("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn form_pairs_decode_and_keep_the_first_of_a_repeated_name() {
        let pairs = form_pairs(b"a=1&b=x%20y+z&a=2&c");
        assert_eq!(pairs["a"], "1");
        assert_eq!(pairs["b"], "x y z");
        assert_eq!(pairs["c"], "");
    }

    #[test]
    fn ids_are_unique_and_well_shaped() {
        let guid = random_guid();
        assert_eq!(guid.len(), 36);
        assert_eq!(&guid[14..15], "4");
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 43);
    }

    #[test]
    fn faults_read_and_write_their_documented_json() {
        let fault: Fault =
            serde_json::from_str(r#"{"fault":"throttled","retry_after_secs":5,"times":2}"#)
                .expect("documented shape");
        assert_eq!(
            fault,
            Fault::times(
                FaultKind::Throttled {
                    retry_after_secs: 5
                },
                2
            )
        );
        assert_eq!(
            serde_json::to_string(&Fault::always(FaultKind::Slow { delay_ms: 10 }))
                .expect("serialises"),
            r#"{"fault":"slow","delay_ms":10}"#
        );
        let mut state = Shared::new(MockConfig::default(), SocketAddr::from(([127, 0, 0, 1], 1)))
            .state
            .into_inner()
            .expect("fresh");
        state
            .faults
            .push_back(Fault::times(FaultKind::ServerError, 2));
        state.faults.push_back(Fault::always(FaultKind::Forbidden));
        assert_eq!(state.take_fault(), Some(FaultKind::ServerError));
        assert_eq!(state.take_fault(), Some(FaultKind::ServerError));
        assert_eq!(state.take_fault(), Some(FaultKind::Forbidden));
        assert_eq!(state.take_fault(), Some(FaultKind::Forbidden));
    }

    #[test]
    fn relative_redirect_uris_are_the_mocks_own() {
        let shared = Shared::new(
            MockConfig {
                redirect_uris: vec!["/".into(), "http://localhost:3000/cb".into()],
                allowed_origins: vec!["http://localhost:4000".into()],
                ..MockConfig::default()
            },
            SocketAddr::from(([127, 0, 0, 1], 8123)),
        );
        assert_eq!(
            shared.redirect_uris,
            ["http://127.0.0.1:8123/", "http://localhost:3000/cb"]
        );
        assert_eq!(
            shared.allowed_origins,
            [
                "http://127.0.0.1:8123",
                "http://localhost:3000",
                "http://localhost:4000"
            ]
        );
        assert_eq!(shared.settings().redirect_uri, "http://127.0.0.1:8123/");
        assert_eq!(
            shared.settings().authority,
            format!("http://127.0.0.1:8123/{}", shared.config.tenant_id)
        );
    }
}
