//! A relay on the analyst's own machine, for a Defender for Endpoint API host that does not answer
//! browser pages of another origin (Microsoft documents no CORS for those hosts; Microsoft Graph has it).
//!
//! The page sends its request to the relay (Settings → API base URL `http://127.0.0.1:PORT/api`); the
//! relay sends it on to one Microsoft Defender API host, fixed when it starts, and hands the answer back
//! with CORS headers for the page's origin. It is not an open proxy:
//! - it binds loopback only;
//! - its one upstream is a Defender API host of the catalogue (`api.security.microsoft.com`, a regional
//!   host, or `api.securitycenter.microsoft.com`), always over https;
//! - it answers only the page origin it was started for (other origins get 403 and nothing is sent);
//! - it passes on only `Authorization`, `Accept` and `Content-Type`, and only GET and POST;
//! - it keeps nothing: the bearer token goes through to the upstream and is never logged or stored.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use atp_core::Region;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::oneshot;

/// The largest request body passed on (a hunting query is text of a few KB).
const MAX_REQUEST: usize = 1024 * 1024;
/// The Defender API's own limit on a request is 200 s (advanced hunting); the relay waits a little longer.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(210);

/// What the relay is started for.
#[derive(Clone, Debug)]
pub struct RelayConfig {
    /// The page's origin (`https://analyst.example` or `http://127.0.0.1:8080`): the only one answered.
    pub page_origin: String,
    /// Where requests go: `https://<a Defender API host>` (see [`RelayConfig::new`]).
    upstream: String,
    /// The loopback address to bind; port 0 picks a free one.
    pub addr: SocketAddr,
}

/// The hosts a relay may send to: Microsoft's Defender for Endpoint API hosts, from the catalogue.
pub fn allowed_hosts() -> Vec<&'static str> {
    Region::ALL.into_iter().map(Region::host).collect()
}

impl RelayConfig {
    /// A relay to `host` for pages of `page_origin`; refused unless `host` is a Defender API host and
    /// `page_origin` is an origin (scheme, host, optional port, nothing else).
    pub fn new(host: &str, page_origin: &str, port: u16) -> Result<RelayConfig, String> {
        let host = host.trim().to_ascii_lowercase();
        if !allowed_hosts().contains(&host.as_str()) {
            return Err(format!(
                "{host:?} is not a Defender API host; the relay sends only to {}.",
                allowed_hosts().join(", ")
            ));
        }
        let origin = page_origin.trim().trim_end_matches('/');
        let well_formed = ["https://", "http://"]
            .iter()
            .find_map(|scheme| origin.strip_prefix(scheme))
            .is_some_and(|rest| {
                !rest.is_empty()
                    && rest.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                    })
            });
        if !well_formed {
            return Err(format!(
                "{page_origin:?} is not a page origin: give scheme, host and port only, e.g. https://analyst.example or http://127.0.0.1:8080."
            ));
        }
        Ok(RelayConfig {
            page_origin: origin.to_string(),
            upstream: format!("https://{host}"),
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        })
    }

    /// Tests only: a relay to a local upstream (the allowlist still guards every real start).
    #[doc(hidden)]
    pub fn to_local_upstream_for_tests(mut self, upstream: &str) -> RelayConfig {
        self.upstream = upstream.trim_end_matches('/').to_string();
        self
    }

    pub fn upstream(&self) -> &str {
        &self.upstream
    }
}

struct Shared {
    config: RelayConfig,
    client: reqwest::Client,
}

/// A running relay; stops when dropped.
pub struct Relay {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Relay {
    /// Binds loopback and serves on a thread of its own.
    pub fn start(config: RelayConfig) -> io::Result<Relay> {
        if !config.addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the relay binds loopback only",
            ));
        }
        let listener = TcpListener::bind(config.addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let client = reqwest::Client::builder()
            .timeout(UPSTREAM_TIMEOUT)
            // A redirect could lead the bearer elsewhere: none is followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(io::Error::other)?;
        let shared = Arc::new(Shared { config, client });
        let app = Router::new().fallback(relay).with_state(shared);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name(format!("atp-relay-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        eprintln!("atp-relay: cannot listen on {addr}");
                        return;
                    };
                    tokio::select! {
                        result = axum::serve(listener, app) => {
                            if let Err(e) = result {
                                eprintln!("atp-relay on {addr} stopped: {e}");
                            }
                        }
                        _ = stopped => {}
                    }
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        Ok(Relay {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`: with `/api` after it, the page's API base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves until the process ends (the binary).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// CORS headers for the page's origin.
fn cors(headers: &mut HeaderMap, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After, Content-Type"),
    );
}

fn refuse(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

async fn relay(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if origin != shared.config.page_origin {
        return refuse(
            StatusCode::FORBIDDEN,
            format!(
                "This relay answers {} only; it was asked from {:?}. Nothing was sent.",
                shared.config.page_origin, origin
            ),
        );
    }
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        cors(headers, &origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Authorization, Accept, Content-Type"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        return response;
    }
    let mut response = forward(&shared, request).await;
    cors(response.headers_mut(), &origin);
    response
}

/// Sends the request on to the upstream, and its answer back.
async fn forward(shared: &Shared, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::POST {
        return refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("The relay passes on GET and POST only, not {method}."),
        );
    }
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let url = format!("{}{path}", shared.config.upstream);
    let mut outgoing = shared.client.request(method, &url);
    for name in [header::AUTHORIZATION, header::ACCEPT, header::CONTENT_TYPE] {
        if let Some(value) = request.headers().get(&name) {
            outgoing = outgoing.header(name, value.clone());
        }
    }
    let body = match to_bytes(request.into_body(), MAX_REQUEST).await {
        Ok(body) => body,
        Err(_) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("The relay passes on bodies up to {MAX_REQUEST} bytes."),
            )
        }
    };
    if !body.is_empty() {
        outgoing = outgoing.body(body);
    }
    let answer =
        match outgoing.send().await {
            Ok(answer) => answer,
            Err(e) => {
                return refuse(
                    StatusCode::BAD_GATEWAY,
                    format!(
                    "The relay could not reach {} ({}). Check this machine's network and proxy.",
                    shared.config.upstream,
                    if e.is_timeout() { "timed out" } else { "no answer" }
                ),
                )
            }
        };
    let status = answer.status();
    let mut headers = HeaderMap::new();
    for name in [header::CONTENT_TYPE, header::RETRY_AFTER] {
        if let Some(value) = answer.headers().get(&name) {
            headers.insert(name, value.clone());
        }
    }
    match answer.bytes().await {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
        Err(_) => refuse(
            StatusCode::BAD_GATEWAY,
            format!(
                "{} stopped in the middle of its answer.",
                shared.config.upstream
            ),
        ),
    }
}
