//! The Entra ID v2 endpoints: discovery, authorize (+ consent page), token, logout.
//!
//! Error texts follow Entra's (`AADSTS…: …`) so the app's error handling meets the same strings it will
//! meet in production; where Entra's exact text is not known the code is Entra's and the text says plainly
//! what is wrong.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::mock::{
    form_pairs, html_escape, json_response, random_guid, random_token, AccessGrant, CodeGrant,
    Pending, RefreshGrant, Shared, GRAPH_RESOURCE,
};

const SESSION_COOKIE: &str = "mock_tenant_session";
/// How long the consent page stays valid.
const CONSENT_TICKET_SECS: i64 = 600;
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResponseMode {
    Query,
    Fragment,
}

/// A checked authorization request.
#[derive(Clone, Debug)]
pub(crate) struct AuthorizeRequest {
    tenant: String,
    client_id: String,
    redirect_uri: String,
    response_mode: ResponseMode,
    state: Option<String>,
    scopes: Vec<String>,
    code_challenge: String,
    nonce: Option<String>,
}

/// An error in Entra's words: OAuth error code, AADSTS number and text.
struct EntraError {
    error: &'static str,
    code: u32,
    text: String,
}

fn entra(error: &'static str, code: u32, text: impl Into<String>) -> EntraError {
    EntraError {
        error,
        code,
        text: text.into(),
    }
}

fn missing(name: &str) -> EntraError {
    entra(
        "invalid_request",
        900144,
        format!("The request body must contain the following parameter: '{name}'."),
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
    fn json(&self, shared: &Shared, headers: &HeaderMap) -> Response {
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
    fn page(&self) -> Response {
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

fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
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

/// Whether `tenant` names this tenant: its id, its domain, `common` or `organizations`.
fn known_tenant(shared: &Shared, tenant: &str) -> bool {
    let config = &shared.config;
    [
        config.tenant_id.as_str(),
        config.tenant_domain.as_str(),
        "common",
        "organizations",
    ]
    .iter()
    .any(|t| t.eq_ignore_ascii_case(tenant))
}

fn unknown_tenant(tenant: &str) -> EntraError {
    entra(
        "invalid_tenant",
        90002,
        format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
    )
}

/// The issuer of tokens: always the tenant's own id (what Entra puts in `iss`).
fn issuer(shared: &Shared) -> String {
    format!("{}/{}/v2.0", shared.base, shared.config.tenant_id)
}

pub(crate) async fn discovery(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
) -> Response {
    if !known_tenant(&shared, &tenant) {
        return unknown_tenant(&tenant).json(&shared, &HeaderMap::new());
    }
    let base = &shared.base;
    // Entra publishes a placeholder issuer for the multi-tenant authorities.
    let issuer =
        if tenant.eq_ignore_ascii_case("common") || tenant.eq_ignore_ascii_case("organizations") {
            format!("{base}/{{tenantid}}/v2.0")
        } else {
            issuer(&shared)
        };
    let body = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
        "end_session_endpoint": format!("{base}/{tenant}/oauth2/v2.0/logout"),
        "jwks_uri": format!("{base}/{tenant}/discovery/v2.0/keys"),
        "token_endpoint_auth_methods_supported": ["none"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": OIDC_SCOPES,
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "name", "preferred_username", "oid", "tid", "nonce", "ver"],
        "request_uri_parameter_supported": false,
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
    });
    let mut response = json_response(StatusCode::OK, &body);
    // Discovery is fetched cross-origin by OIDC libraries.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// No keys: the mock's tokens carry a signature that verifies against nothing (never trust unverified
/// claims for decisions; the app only displays them).
pub(crate) async fn keys(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
) -> Response {
    if !known_tenant(&shared, &tenant) {
        return unknown_tenant(&tenant).json(&shared, &HeaderMap::new());
    }
    let mut response = json_response(StatusCode::OK, &json!({ "keys": [] }));
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// What went wrong with an authorization request: shown on a page, or sent back to the app.
enum Refusal {
    Page(EntraError),
    Redirect {
        redirect_uri: String,
        mode: ResponseMode,
        state: Option<String>,
        error: EntraError,
    },
}

impl Refusal {
    fn into_response(self) -> Response {
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
fn redirect(uri: &str, mode: ResponseMode, params: &[(&str, String)]) -> Response {
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

/// Checks an authorization request the way Entra does: client and redirect URI first (errors on a page),
/// the rest sent back to the redirect URI.
fn check_authorize(
    shared: &Shared,
    tenant: &str,
    query: &[u8],
) -> Result<(AuthorizeRequest, Option<String>), Refusal> {
    if !known_tenant(shared, tenant) {
        return Err(Refusal::Page(unknown_tenant(tenant)));
    }
    let params = form_pairs(query);
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let client_id = get("client_id").ok_or_else(|| Refusal::Page(missing("client_id")))?;
    if !shared.is_client(client_id) {
        return Err(Refusal::Page(unknown_client(shared, client_id)));
    }
    let redirect_uri = get("redirect_uri").ok_or_else(|| Refusal::Page(missing("redirect_uri")))?;
    if !shared.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(Refusal::Page(entra(
            "invalid_request",
            50011,
            format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal."
            ),
        )));
    }
    let state = get("state").map(String::from);
    let refuse = |mode: ResponseMode, error: EntraError| Refusal::Redirect {
        redirect_uri: redirect_uri.to_string(),
        mode,
        state: state.clone(),
        error,
    };
    let mode = match get("response_mode") {
        None | Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some(other) => {
            return Err(refuse(
                ResponseMode::Query,
                entra(
                    "invalid_request",
                    900144,
                    format!("The response_mode '{other}' is not supported by this tenant: use 'query' or 'fragment'."),
                ),
            ))
        }
    };
    match get("response_type") {
        None => return Err(refuse(mode, missing("response_type"))),
        Some("code") => {}
        Some(other) => {
            return Err(refuse(
                mode,
                entra(
                    "unsupported_response_type",
                    700054,
                    format!("response_type '{other}' is not enabled for the application. Use the authorization code flow with PKCE (response_type=code)."),
                ),
            ))
        }
    }
    let scopes: Vec<String> = get("scope")
        .map(|s| s.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    if scopes.is_empty() {
        return Err(refuse(mode, missing("scope")));
    }
    let Some(challenge) = get("code_challenge") else {
        return Err(refuse(
            mode,
            entra(
                "invalid_request",
                9002325,
                "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
            ),
        ));
    };
    match get("code_challenge_method") {
        Some("S256") => {}
        method => {
            return Err(refuse(
                mode,
                entra(
                    "invalid_request",
                    9002325,
                    format!(
                        "Proof Key for Code Exchange is required with code_challenge_method 'S256'; got '{}'.",
                        method.unwrap_or("plain (the default when none is given)")
                    ),
                ),
            ))
        }
    }
    // An S256 challenge is 32 bytes base64url-encoded: 43 characters.
    let challenge_ok = challenge.len() == 43
        && URL_SAFE_NO_PAD
            .decode(challenge)
            .is_ok_and(|b| b.len() == 32);
    if !challenge_ok {
        return Err(refuse(
            mode,
            entra(
                "invalid_request",
                501491,
                "Invalid size of Code_Challenge parameter.",
            ),
        ));
    }
    let prompt = get("prompt").map(String::from);
    if let Some(p) = &prompt {
        if !["none", "login", "consent", "select_account"].contains(&p.as_str()) {
            return Err(refuse(
                mode,
                entra("invalid_request", 90023, format!("Unsupported 'prompt' value '{p}': use none, login, consent or select_account.")),
            ));
        }
    }
    Ok((
        AuthorizeRequest {
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            response_mode: mode,
            state,
            scopes,
            code_challenge: challenge.to_string(),
            nonce: get("nonce").map(String::from),
        },
        prompt,
    ))
}

fn unknown_client(shared: &Shared, client_id: &str) -> EntraError {
    entra(
        "unauthorized_client",
        700016,
        format!(
            "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
            shared.config.tenant_domain
        ),
    )
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let (request, prompt) =
        match check_authorize(&shared, &tenant, uri.query().unwrap_or_default().as_bytes()) {
            Ok(checked) => checked,
            Err(refusal) => return refusal.into_response(),
        };
    if shared.config.auto_approve {
        return approve(&shared, request, None);
    }
    if prompt.as_deref() == Some("none") {
        // Silent sign-in works only for a browser that consented before (its session cookie).
        let signed_in =
            session_cookie(&headers).is_some_and(|s| shared.lock().sessions.contains(&s));
        if signed_in {
            return approve(&shared, request, None);
        }
        return Refusal::Redirect {
            redirect_uri: request.redirect_uri,
            mode: request.response_mode,
            state: request.state,
            error: entra(
                "login_required",
                50058,
                "A silent sign-in request was sent but no user is signed in.",
            ),
        }
        .into_response();
    }
    consent_page(&shared, request)
}

fn consent_page(shared: &Shared, request: AuthorizeRequest) -> Response {
    let ticket = random_token();
    let scopes: String = request
        .scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", html_escape(s)))
        .collect();
    let body = format!(
        "<h1>Mock Entra ID · {domain}</h1>\n<p>The application <code>{client}</code> asks to sign you in and to:</p>\n<ul>{scopes}</ul>\n<p>You will be sent back to <code>{redirect}</code>.</p>\n<form method=\"post\" action=\"/{tenant}/oauth2/v2.0/authorize\">\n<input type=\"hidden\" name=\"ticket\" value=\"{ticket}\">\n<button type=\"submit\" name=\"decision\" value=\"approve\">Sign in as {user}</button>\n<button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button>\n</form>",
        domain = html_escape(&shared.config.tenant_domain),
        client = html_escape(&request.client_id),
        redirect = html_escape(&request.redirect_uri),
        tenant = html_escape(&request.tenant),
        user = html_escape(&shared.config.user.name),
    );
    let mut state = shared.lock();
    let now = state.now();
    state.pending.retain(|_, p| p.expires_at > now);
    state.pending.insert(
        ticket,
        Pending {
            request,
            expires_at: now + CONSENT_TICKET_SECS,
        },
    );
    drop(state);
    html_page(StatusCode::OK, "Sign in to your account", &body)
}

/// The consent form's POST: approve → code, deny → `access_denied`, both back to the app.
pub(crate) async fn consent(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    if !known_tenant(&shared, &tenant) {
        return unknown_tenant(&tenant).page();
    }
    let params = form_pairs(&body);
    let pending = {
        let mut state = shared.lock();
        let now = state.now();
        params
            .get("ticket")
            .and_then(|t| state.pending.remove(t))
            .filter(|p| p.expires_at > now)
    };
    let Some(pending) = pending else {
        return entra(
            "invalid_request",
            50058,
            "This sign-in page has expired or was already used. Go back to the app and sign in again.",
        )
        .page();
    };
    let request = pending.request;
    match params.get("decision").map(String::as_str) {
        Some("approve") => {
            let session = random_token();
            shared.lock().sessions.insert(session.clone());
            approve(&shared, request, Some(session))
        }
        _ => Refusal::Redirect {
            redirect_uri: request.redirect_uri,
            mode: request.response_mode,
            state: request.state,
            error: entra(
                "access_denied",
                65004,
                "User declined to consent to access the app.",
            ),
        }
        .into_response(),
    }
}

/// Issues a code for `request` and redirects to the app with it (and `state`), setting the session cookie
/// when a new session started.
fn approve(shared: &Shared, request: AuthorizeRequest, session: Option<String>) -> Response {
    let code = format!("1.mock.{}", random_token());
    {
        let mut state = shared.lock();
        let now = state.now();
        state.codes.retain(|_, c| c.expires_at > now - 3600);
        let lifetime = i64::try_from(shared.config.code_lifetime_secs).unwrap_or(i64::MAX);
        state.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: request.client_id.clone(),
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge.clone(),
                scopes: request.scopes.clone(),
                nonce: request.nonce.clone(),
                expires_at: now.saturating_add(lifetime),
            },
        );
    }
    let mut params = vec![("code", code)];
    if let Some(state) = request.state {
        params.push(("state", state));
    }
    params.push(("session_state", random_guid()));
    let mut response = redirect(&request.redirect_uri, request.response_mode, &params);
    if let Some(session) = session {
        if let Ok(cookie) = HeaderValue::from_str(&format!(
            "{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"
        )) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// Adds the token endpoint's CORS headers when the request's origin is allowed.
fn token_cors(shared: &Shared, request: &HeaderMap, response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = shared.allowed_origin(request) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
}

fn token_json(shared: &Shared, request: &HeaderMap, status: StatusCode, body: &Value) -> Response {
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

pub(crate) async fn token_preflight(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    token_cors(&shared, &headers, &mut response);
    if response
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    {
        let h = response.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, OPTIONS"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Content-Type, Accept"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
    response
}

pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.lock().seen.token_requests += 1;
    match redeem(&shared, &tenant, &headers, &body) {
        Ok(answer) => {
            shared.lock().seen.tokens_issued += 1;
            token_json(&shared, &headers, StatusCode::OK, &answer)
        }
        Err(error) => error.json(&shared, &headers),
    }
}

fn redeem(
    shared: &Shared,
    tenant: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, EntraError> {
    if !known_tenant(shared, tenant) {
        return Err(unknown_tenant(tenant));
    }
    let params = form_pairs(body);
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let client_id = get("client_id").ok_or_else(|| missing("client_id"))?;
    if !shared.is_client(client_id) {
        return Err(unknown_client(shared, client_id));
    }
    if get("client_secret").is_some() || get("client_assertion").is_some() {
        return Err(entra(
            "invalid_request",
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        if !shared.config.spa_platform {
            return Err(entra(
                "invalid_request",
                9002326,
                format!(
                    "Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '{}'.",
                    origin.to_str().unwrap_or("(not text)")
                ),
            ));
        }
    }
    match get("grant_type").ok_or_else(|| missing("grant_type"))? {
        "authorization_code" => redeem_code(shared, client_id, &get),
        "refresh_token" => redeem_refresh(shared, client_id, &get),
        other => Err(entra(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn redeem_code<'a>(
    shared: &Shared,
    client_id: &str,
    get: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<Value, EntraError> {
    let code = get("code").ok_or_else(|| missing("code"))?;
    let redirect_uri = get("redirect_uri").ok_or_else(|| missing("redirect_uri"))?;
    let mut state = shared.lock();
    let now = state.now();
    // A code is spent by the first attempt to redeem it, successful or not.
    let Some(grant) = state.codes.remove(code) else {
        return Err(if state.redeemed.contains(code) {
            entra(
                "invalid_grant",
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
            )
        } else {
            entra(
                "invalid_grant",
                9002313,
                "Invalid request. The provided value for the 'code' parameter is not valid.",
            )
        });
    };
    state.redeemed.insert(code.to_string());
    if grant.expires_at <= now {
        return Err(entra(
            "invalid_grant",
            70008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        ));
    }
    if grant.client_id != client_id {
        return Err(entra(
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed: the authorization code was issued to a different client.",
        ));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(entra(
            "invalid_grant",
            50011,
            format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URI '{}' the authorization code was requested with.",
                grant.redirect_uri
            ),
        ));
    }
    let verifier = get("code_verifier").ok_or_else(|| missing("code_verifier"))?;
    // RFC 7636: 43–128 characters of [A-Za-z0-9-._~]; then BASE64URL(SHA256(verifier)) == challenge.
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if !well_formed || computed != grant.code_challenge {
        return Err(entra(
            "invalid_grant",
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        ));
    }
    let refresh_lifetime = i64::try_from(shared.config.refresh_lifetime_secs).unwrap_or(i64::MAX);
    Ok(issue(
        shared,
        &mut state,
        client_id,
        &grant.scopes,
        grant.nonce.as_deref(),
        now.saturating_add(refresh_lifetime),
        now,
    ))
}

fn redeem_refresh<'a>(
    shared: &Shared,
    client_id: &str,
    get: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<Value, EntraError> {
    let token = get("refresh_token").ok_or_else(|| missing("refresh_token"))?;
    let mut state = shared.lock();
    let now = state.now();
    // Rotation: the presented refresh token is spent; the answer carries its successor.
    let Some(grant) = state.refresh.remove(token) else {
        return Err(entra(
            "invalid_grant",
            9002313,
            "Invalid request. The provided refresh token is not valid: it was never issued, or it was already used (refresh tokens rotate: use the newest one).",
        ));
    };
    if grant.client_id != client_id {
        return Err(entra(
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed: the refresh token was issued to a different client.",
        ));
    }
    if grant.expires_at <= now {
        return Err(entra(
            "invalid_grant",
            700084,
            "The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page.",
        ));
    }
    let scopes = match get("scope") {
        Some(asked) => asked.split_whitespace().map(String::from).collect(),
        None => grant.scopes.clone(),
    };
    Ok(issue(
        shared,
        &mut state,
        client_id,
        &scopes,
        None,
        grant.expires_at,
        now,
    ))
}

/// The resource scopes granted for `asked` (`{resource}/.default` expands to the configured permissions).
fn granted_scopes(shared: &Shared, asked: &[String]) -> Vec<String> {
    let mut granted = Vec::new();
    for scope in asked.iter().filter(|s| !OIDC_SCOPES.contains(&s.as_str())) {
        match scope.strip_suffix("/.default") {
            Some(resource) => {
                granted.extend(
                    shared
                        .config
                        .permissions
                        .iter()
                        .map(|p| format!("{resource}/{p}")),
                );
            }
            None => granted.push(scope.clone()),
        }
    }
    let mut unique = Vec::new();
    for scope in granted {
        if !unique.contains(&scope) {
            unique.push(scope);
        }
    }
    unique
}

/// A JWT-shaped token: base64url JSON header and claims, and a signature that verifies against nothing.
fn jwt(claims: &Value) -> String {
    let header = json!({ "typ": "JWT", "alg": "RS256", "kid": "atp-explorer-mock-unsigned" });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    // RS256 signatures are 256 bytes; this one is a hash of the input repeated, not a signature.
    let digest = Sha256::digest(signing_input.as_bytes());
    let signature: Vec<u8> = digest.iter().copied().cycle().take(256).collect();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// Access token (always), refresh token (with `offline_access`), id token (with `openid`).
fn issue(
    shared: &Shared,
    state: &mut crate::mock::MockState,
    client_id: &str,
    scopes: &[String],
    nonce: Option<&str>,
    refresh_expires_at: i64,
    now: i64,
) -> Value {
    let config = &shared.config;
    let lifetime = state.token_lifetime_secs;
    let expires_at = now.saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX));
    let mut granted = granted_scopes(shared, scopes);
    if granted.is_empty() {
        // Only OpenID scopes: Entra still issues an access token, for Microsoft Graph.
        granted.push(format!("{GRAPH_RESOURCE}/User.Read"));
    }
    let permissions: Vec<&str> = granted
        .iter()
        .map(|s| s.rsplit('/').next().unwrap_or(s))
        .collect();
    let audience = granted
        .first()
        .and_then(|s| s.rsplit_once('/').map(|(resource, _)| resource.to_string()))
        .unwrap_or_else(|| GRAPH_RESOURCE.to_string());
    let access_token = jwt(&json!({
        "aud": audience,
        "iss": issuer(shared),
        "iat": now, "nbf": now, "exp": expires_at,
        "appid": client_id,
        "name": config.user.name,
        "upn": config.user.preferred_username,
        "oid": config.user.oid,
        "tid": config.tenant_id,
        "scp": permissions.join(" "),
        "ver": "1.0",
        "jti": random_token(),
    }));
    state.access.retain(|_, g| g.expires_at > now - 24 * 3600);
    state.access.insert(
        access_token.clone(),
        AccessGrant {
            expires_at,
            audience,
        },
    );
    let scope_text = granted.join(" ");
    let mut answer = json!({
        "token_type": "Bearer",
        "scope": scope_text,
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token,
    });
    if scopes.iter().any(|s| s == "offline_access") {
        let refresh_token = format!("1.mock-refresh.{}", random_token());
        state.refresh.insert(
            refresh_token.clone(),
            RefreshGrant {
                client_id: client_id.to_string(),
                scopes: scopes.to_vec(),
                expires_at: refresh_expires_at,
            },
        );
        answer["refresh_token"] = Value::String(refresh_token);
        answer["refresh_token_expires_in"] = json!(refresh_expires_at.saturating_sub(now).max(0));
    }
    if scopes.iter().any(|s| s == "openid") {
        let sub = URL_SAFE_NO_PAD.encode(Sha256::digest(format!(
            "{}:{}",
            config.user.oid, config.client_id
        )));
        let mut claims = json!({
            "aud": client_id,
            "iss": issuer(shared),
            "iat": now, "nbf": now, "exp": now + 3600,
            "name": config.user.name,
            "preferred_username": config.user.preferred_username,
            "oid": config.user.oid,
            "tid": config.tenant_id,
            "sub": sub,
            "ver": "2.0",
        });
        if let Some(nonce) = nonce {
            claims["nonce"] = Value::String(nonce.to_string());
        }
        answer["id_token"] = Value::String(jwt(&claims));
    }
    answer
}

pub(crate) async fn logout(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if !known_tenant(&shared, &tenant) {
        return unknown_tenant(&tenant).page();
    }
    if let Some(session) = session_cookie(&headers) {
        shared.lock().sessions.remove(&session);
    }
    let params = form_pairs(uri.query().unwrap_or_default().as_bytes());
    let back = params
        .get("post_logout_redirect_uri")
        .filter(|u| shared.redirect_uris.iter().any(|r| r == *u));
    let mut response = match back {
        Some(uri) => {
            let state: Vec<(&str, String)> = params.get("state").map(|s| vec![("state", s.clone())]).unwrap_or_default();
            if state.is_empty() {
                redirect_plain(uri)
            } else {
                redirect(uri, ResponseMode::Query, &state)
            }
        }
        None => html_page(StatusCode::OK, "Signed out", "<h1>You signed out of your account.</h1><p>It’s a good idea to close all browser windows.</p>"),
    };
    if let Ok(expired) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    )) {
        response.headers_mut().append(header::SET_COOKIE, expired);
    }
    response
}

fn redirect_plain(uri: &str) -> Response {
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
