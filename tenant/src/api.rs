//! The API behind bearer tokens: the demo engine's answers, CORS for the app's origins, injected faults.

use std::sync::Arc;
use std::time::Duration;

use atp_core::{Profile, Region};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde_json::json;

use crate::config::{API_RESOURCE, GRAPH_RESOURCE};
use crate::faults::FaultKind;
use crate::state::Shared;
use crate::wire::random_guid;

/// Headers the app may send: the token, and what OData clients commonly add.
const ALLOW_HEADERS: &str = "Authorization, Content-Type, Accept, Prefer, Cache-Control";
/// Headers the app must be able to read from an answer: how long to wait, and what went wrong with the token.
const EXPOSE_HEADERS: &str = "Retry-After, WWW-Authenticate, request-id, client-request-id";

pub(crate) async fn defender(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = Incoming {
        method,
        uri,
        headers,
        body,
    };
    serve(shared, Profile::Defender(Region::Global), "/api", request).await
}

pub(crate) async fn graph(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = Incoming {
        method,
        uri,
        headers,
        body,
    };
    serve(shared, Profile::Graph, "/v1.0", request).await
}

pub(crate) async fn wdatp(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = Incoming {
        method,
        uri,
        headers,
        body,
    };
    serve(shared, Profile::Wdatp, "/testwdatp", request).await
}

/// An API request as it came in.
struct Incoming {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    /// The POST body (advanced hunting); empty for a GET.
    body: Bytes,
}

/// The API's error shape: `{"error": {"code", "message", "target"}}`.
fn api_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "code": code, "message": message, "target": random_guid() } });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; odata.metadata=minimal"),
    );
    response
}

fn cors(shared: &Shared, request: &HeaderMap, response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = shared.allowed_origin(request) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
}

/// One API request: a preflight is answered apart; otherwise the request is counted, meets the next
/// queued fault, then the token check and the demo engine; CORS and truncation come last.
async fn serve(shared: Arc<Shared>, profile: Profile, prefix: &str, request: Incoming) -> Response {
    let Incoming {
        method,
        uri,
        headers,
        body,
    } = request;
    if method == Method::OPTIONS {
        return preflight(&shared, &headers);
    }
    let path = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or(prefix)
        .to_string();
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let fault = record_request(&shared, &headers, authorization.clone(), path.clone());
    let faulted = match &fault {
        Some(kind) => fault_answer(kind).await,
        None => None,
    };
    let mut response = match faulted {
        Some(response) => response,
        None => match token_rejection(&shared, authorization.as_deref(), audiences(profile)) {
            Some(rejection) => rejection,
            None => answer(&shared, profile, prefix, &method, &path, body).await,
        },
    };
    if fault != Some(FaultKind::NoCors) {
        cors(&shared, &headers, &mut response);
    }
    if fault == Some(FaultKind::Truncated) {
        response = truncate(response).await;
    }
    response
}

/// Counts the API request and remembers what it carried; the queued fault it meets, if any.
fn record_request(
    shared: &Shared,
    headers: &HeaderMap,
    authorization: Option<String>,
    path: String,
) -> Option<FaultKind> {
    let mut state = shared.lock();
    state.seen.api_requests += 1;
    state.seen.last_authorization = authorization;
    state.seen.last_api_path = Some(path);
    state.seen.last_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    state.take_fault()
}

/// The answer a fault gives instead of the normal one; `None` when the normal answer follows (after a
/// `slow` fault's delay; `truncated` and `no_cors` change it afterwards).
async fn fault_answer(fault: &FaultKind) -> Option<Response> {
    match fault {
        FaultKind::Unauthorized => Some(api_error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Authorization has been denied for this request (injected fault).",
        )),
        FaultKind::Forbidden => Some(api_error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "The application does not have any of the required permissions (Alert.Read, Machine.Read) to access the resource, or the user lacks the portal's 'View Data' role.",
        )),
        FaultKind::Throttled { retry_after_secs } => {
            let mut r = api_error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                &format!("API calls quota exceeded! Maximum allowed 100 per 1 minute. Please retry after {retry_after_secs} seconds."),
            );
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            Some(r)
        }
        FaultKind::ServerError => Some(api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "An error has occurred (injected fault).",
        )),
        FaultKind::Slow { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(*delay_ms)).await;
            None
        }
        FaultKind::Body { body } => Some(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                body.clone(),
            )
                .into_response(),
        ),
        FaultKind::Truncated | FaultKind::NoCors => None,
    }
}

/// The token audiences each API takes: Defender for Endpoint its own resource (either host's name); the
/// Graph-hosted WDATP profile also Graph's.
fn audiences(profile: Profile) -> &'static [&'static str] {
    match profile {
        Profile::Wdatp => &[
            API_RESOURCE,
            "https://api.security.microsoft.com",
            GRAPH_RESOURCE,
        ],
        Profile::Defender(_) => &[API_RESOURCE, "https://api.security.microsoft.com"],
        // Graph takes Graph's tokens only: a Defender token is refused, as Graph refuses it.
        Profile::Graph => &[GRAPH_RESOURCE],
    }
}

/// Checks the bearer token against the tokens the mock issued: `None` when valid, else a 401 in the API's
/// shape.
fn token_rejection(
    shared: &Shared,
    authorization: Option<&str>,
    audiences: &[&str],
) -> Option<Response> {
    let token = authorization.and_then(|value| {
        let (scheme, token) = value.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    let mut state = shared.lock();
    let now = state.now();
    let problem = match token {
        None => Some((
            "No access token: send 'Authorization: Bearer <access token>'.",
            "Bearer error=\"invalid_request\"",
        )),
        Some(token) => match state.access.get(token) {
            None => Some((
                "The access token is not valid: it was not issued by this tenant.",
                "Bearer error=\"invalid_token\", error_description=\"The token is not valid\"",
            )),
            Some(grant) if grant.expires_at <= now => Some((
                "The access token has expired. Get a new one (refresh token or sign in again).",
                "Bearer error=\"invalid_token\", error_description=\"The token is expired\"",
            )),
            Some(grant) if !audiences.iter().any(|a| a.eq_ignore_ascii_case(&grant.audience)) => Some((
                "The access token is for another resource (its audience is not this API): ask for the scope https://api.securitycenter.microsoft.com/.default.",
                "Bearer error=\"invalid_token\", error_description=\"The audience is invalid\"",
            )),
            Some(_) => None,
        },
    };
    match problem {
        None => {
            state.seen.authorized_requests += 1;
            None
        }
        Some((message, challenge)) => {
            state.seen.rejected_requests += 1;
            drop(state);
            let mut response = api_error(StatusCode::UNAUTHORIZED, "Unauthorized", message);
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
            Some(response)
        }
    }
}

/// The demo engine's answer, with Microsoft's base URL in the body replaced by the mock's.
async fn answer(
    shared: &Arc<Shared>,
    profile: Profile,
    prefix: &str,
    method: &Method,
    path: &str,
    body: Bytes,
) -> Response {
    let rest = path.strip_prefix(prefix).unwrap_or(path);
    let rest = if rest.is_empty() {
        "/".to_string()
    } else {
        rest.to_string()
    };
    let method = method.as_str().to_string();
    let mock_base = format!("{}{prefix}", shared.base);
    let worker = shared.clone();
    // Generating the tenant (first call) and large pages take a while: off the runtime's thread.
    let demo = tokio::task::spawn_blocking(move || {
        let body = (!body.is_empty()).then(|| String::from_utf8_lossy(&body).into_owned());
        let answer =
            worker
                .demo()
                .respond_at(&method, &rest, body.as_deref(), profile, chrono::Utc::now());
        let body = answer.body.replace(&profile.base(), &mock_base);
        (answer.status, answer.headers, body)
    })
    .await;
    let Ok((status, headers, body)) = demo else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "The demo engine failed on this request.",
        );
    };
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
        .into_response();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The same status and headers, the full `Content-Length`, then half the body and a broken connection.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let first = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
    // The pause lets hyper flush the headers and the first half before the error drops the connection.
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "truncated body (injected fault)",
        ))
    });
    Response::from_parts(parts, Body::from_stream(first.chain(cut)))
}

/// A CORS preflight: never faulted or counted as an API request; allowed origins only.
fn preflight(shared: &Shared, request: &HeaderMap) -> Response {
    shared.lock().seen.preflights += 1;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = shared.allowed_origin(request) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PATCH, DELETE, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
    response
}
