//! How the Entra endpoints answer: errors in Entra's words (token JSON or an error page), redirects
//! back to the app, HTML pages, the token endpoint's JSON with its CORS headers.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::state::{ResponseMode, Shared};
use crate::wire::{html_escape, random_guid};

/// An error in Entra's words: OAuth error code, AADSTS number and text.
pub(super) struct EntraError {
    pub(super) error: &'static str,
    pub(super) code: u32,
    pub(super) text: String,
}

pub(super) fn entra(error: &'static str, code: u32, text: impl Into<String>) -> EntraError {
    EntraError {
        error,
        code,
        text: text.into(),
    }
}

pub(super) fn missing(name: &str) -> EntraError {
    entra(
        "invalid_request",
        900144,
        format!("The request body must contain the following parameter: '{name}'."),
    )
}

pub(super) fn unknown_client(shared: &Shared, client_id: &str) -> EntraError {
    entra(
        "unauthorized_client",
        700016,
        format!(
            "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
            shared.config.tenant_domain
        ),
    )
}

impl EntraError {
    /// `AADSTS…: text` plus the ids Entra appends, as `error_description` carries it.
    fn description(&self, trace_id: &str, correlation_id: &str, timestamp: &str) -> String {
        format!(
            "AADSTS{}: {} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}",
            self.code, self.text
        )
    }

    /// The token endpoint's 400 JSON.
    pub(super) fn json(&self, shared: &Shared, headers: &HeaderMap) -> Response {
        let (trace_id, correlation_id, timestamp) = ids();
        let body = json!({
            "error": self.error,
            "error_description": self.description(&trace_id, &correlation_id, &timestamp),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("{}/error?code={}", shared.base, self.code),
        });
        token_json(shared, headers, StatusCode::BAD_REQUEST, &body)
    }

    /// An error page, for when there is no trustworthy redirect URI to send the error to.
    pub(super) fn page(&self) -> Response {
        let (trace_id, correlation_id, timestamp) = ids();
        let body = format!(
            "<h1>Sorry, but we’re having trouble signing you in.</h1>\n<p id=\"error\">{}</p>\n<p><small>Request Id: {} · Correlation Id: {} · Timestamp: {}</small></p>",
            html_escape(&format!("AADSTS{}: {}", self.code, self.text)),
            trace_id,
            correlation_id,
            timestamp,
        );
        html_page(StatusCode::BAD_REQUEST, "Sign in to your account", &body)
    }
}

fn ids() -> (String, String, String) {
    let timestamp = chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
    (random_guid(), random_guid(), timestamp)
}

pub(super) fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}}\
         button{{font-size:1rem;padding:.5rem 1rem;margin-right:.5rem}}code{{word-break:break-all}}</style></head>\
         <body><main>\n{}\n</main></body></html>\n",
        html_escape(title),
        body
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // No form-action: Chromium applies it to the redirect after the consent POST, which leaves the origin.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    response
}

/// What went wrong with an authorization request: shown on a page, or sent back to the app.
pub(super) enum Refusal {
    Page(EntraError),
    Redirect {
        redirect_uri: String,
        mode: ResponseMode,
        state: Option<String>,
        error: EntraError,
    },
}

impl Refusal {
    pub(super) fn into_response(self) -> Response {
        match self {
            Refusal::Page(error) => error.page(),
            Refusal::Redirect {
                redirect_uri,
                mode,
                state,
                error,
            } => {
                let (trace_id, correlation_id, timestamp) = ids();
                let description = error.description(&trace_id, &correlation_id, &timestamp);
                let mut params = vec![
                    ("error", error.error.to_string()),
                    ("error_description", description),
                ];
                if let Some(state) = state {
                    params.push(("state", state));
                }
                redirect(&redirect_uri, mode, &params)
            }
        }
    }
}

/// A 302 to `uri` with `params` in its query or fragment.
pub(super) fn redirect(uri: &str, mode: ResponseMode, params: &[(&str, String)]) -> Response {
    let mut encoded = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        encoded.append_pair(name, value);
    }
    let encoded = encoded.finish();
    // A registered URI never has a fragment; its query, if any, is kept.
    let location = match mode {
        ResponseMode::Query if uri.contains('?') => format!("{uri}&{encoded}"),
        ResponseMode::Query => format!("{uri}?{encoded}"),
        ResponseMode::Fragment => format!("{uri}#{encoded}"),
    };
    match HeaderValue::from_str(&location) {
        Ok(location) => {
            let mut response = StatusCode::FOUND.into_response();
            let headers = response.headers_mut();
            headers.insert(header::LOCATION, location);
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            response
        }
        Err(_) => entra(
            "invalid_request",
            50011,
            "The redirect URI cannot be used in a Location header.",
        )
        .page(),
    }
}

pub(super) fn redirect_plain(uri: &str) -> Response {
    match HeaderValue::from_str(uri) {
        Ok(location) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        Err(_) => entra(
            "invalid_request",
            50011,
            "The post-logout redirect URI cannot be used in a Location header.",
        )
        .page(),
    }
}

/// Adds the token endpoint's CORS headers when the request's origin is allowed.
pub(super) fn token_cors(shared: &Shared, request: &HeaderMap, response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = shared.allowed_origin(request) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
}

pub(super) fn token_json(
    shared: &Shared,
    request: &HeaderMap,
    status: StatusCode,
    body: &Value,
) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    token_cors(shared, request, &mut response);
    response
}
