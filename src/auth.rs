//! Browser sign-in: authorization code + PKCE with the `oauth2` crate, requests with gloo-net. Tokens live
//! in this module's memory only; sessionStorage holds the pending sign-in (state, verifier, the query being
//! composed) and only until the callback.

use std::fmt;

use atp_core::auth::{
    audience_fits, begin_sign_in, explain_auth_error, granted_permissions, id_token_account,
    read_callback, scopes_for, scopes_resource, token_client, Account, Callback, Discovery,
    PendingSignIn, TokenResponse, SIGN_IN_RANDOM_BYTES,
};
use atp_core::Profile;
use leptos::prelude::*;
use oauth2::basic::BasicErrorResponseType;
use oauth2::{
    AuthorizationCode, PkceCodeVerifier, RefreshToken, RequestTokenError, Scope, TokenResponse as _,
};

use crate::address;
use crate::platform::{now_ms, session_storage};
use crate::request::TokenSource;
use crate::settings::Settings;

const PENDING_KEY: &str = "atp-explorer.pending-sign-in";

/// Fresh bytes for the PKCE verifier and the state, from the browser's cryptographic generator.
fn random_bytes() -> Option<[u8; SIGN_IN_RANDOM_BYTES]> {
    let mut bytes = [0; SIGN_IN_RANDOM_BYTES];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// The signed-in session: in memory only, gone on reload or sign-out. One refresh token, and an access
/// token per resource (Defender's, Graph's) as MSAL keeps them: a request takes the token of its own API.
#[derive(Clone)]
struct Session {
    refresh_token: Option<String>,
    client_id: String,
    token_endpoint: String,
    redirect_uri: String,
    tokens: Vec<Held>,
}

/// An access token and the resource it was asked for.
#[derive(Clone)]
struct Held {
    /// `scopes_resource` of the scopes asked (`https://graph.microsoft.com`).
    resource: String,
    access_token: String,
    /// `performance.now()` time after which the access token is stale.
    expires_at_ms: f64,
}

impl Session {
    fn held(&self, resource: &str) -> Option<&Held> {
        self.tokens.iter().find(|t| t.resource == resource)
    }
}

/// The sign-in: what the page shows about it, and the session (the tokens) it holds.
#[derive(Clone, Copy)]
pub struct Auth {
    /// Who is signed in.
    pub account: RwSignal<Option<Account>>,
    /// The last sign-in problem: what happened, and what to do.
    pub problem: RwSignal<Option<(String, String)>>,
    /// The tokens: in this page's memory only (never storage), gone on reload or sign-out.
    session: StoredValue<Option<Session>>,
    /// Bumped when a token is added or replaced, so what shows a token's permissions follows.
    tokens_changed: RwSignal<u64>,
}

impl Auth {
    pub fn new() -> Auth {
        Auth {
            account: RwSignal::new(None),
            problem: RwSignal::new(None),
            session: StoredValue::new(None),
            tokens_changed: RwSignal::new(0),
        }
    }

    /// The permissions the token for `resource` carries (its `scp` and `roles`), reactive on the
    /// session; `None` when there is no such token or it is not readable.
    pub fn granted(&self, resource: &str) -> Option<Vec<String>> {
        self.account.track();
        self.tokens_changed.track();
        self.session.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.held(resource))
                .and_then(|t| granted_permissions(&t.access_token))
        })
    }

    /// Ends the session here (every token dropped from memory) and clears any pending sign-in.
    pub fn sign_out(&self) {
        self.session.set_value(None);
        if let Some(storage) = session_storage() {
            let _ = storage.remove_item(PENDING_KEY);
        }
        self.account.set(None);
    }
}

impl TokenSource for Auth {
    fn signed_in(&self) -> bool {
        self.session.with_value(Option::is_some)
    }

    fn access_token(&self, resource: &str) -> Option<String> {
        self.session.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.held(resource))
                .map(|t| t.access_token.clone())
                .filter(|token| audience_fits(token, resource))
        })
    }

    fn fresh(&self, resource: &str) -> bool {
        self.session.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.held(resource))
                .is_some_and(|t| now_ms() < t.expires_at_ms)
        })
    }

    async fn acquire(&self, scopes: &str) -> Result<(), (String, String)> {
        refresh(*self, scopes).await
    }
}

/// Starts a sign-in: discovery, then off to the authority. `return_to` is the app address to come back to.
pub async fn sign_in(
    mut settings: Settings,
    return_to: String,
    profile: Profile,
) -> Result<(), (String, String)> {
    // The profile's own API: a sign-in on the Graph profile asks Graph's scopes, whatever Settings name
    // for Defender (the other API's token comes later from the refresh token, or from another sign-in).
    settings.auth.scopes = scopes_for(&settings.auth.scopes, profile);
    if let Some(problem) = settings.auth.problems().first() {
        return Err((
            format!("Settings: {problem}"),
            "Fix it in Settings, save, and sign in again.".into(),
        ));
    }
    let discovery_url = settings.auth.discovery_url();
    let body = fetch_text(&discovery_url).await.map_err(|e| {
        (
            format!("The sign-in authority's discovery document could not be read from {discovery_url} ({e})."),
            "Check Authority and Tenant in Settings; if they are right, the authority may be unreachable from this network.".to_string(),
        )
    })?;
    let discovery = Discovery::parse(&body).map_err(|e| {
        (
            format!("The discovery document at {discovery_url} is not usable: {e}."),
            "Check Authority in Settings.".to_string(),
        )
    })?;
    let random = random_bytes().ok_or_else(|| {
        (
            "The browser gave no random numbers (crypto.getRandomValues) to secure the sign-in."
                .to_string(),
            "Use a current browser, then sign in again.".to_string(),
        )
    })?;
    let (url, pending) = begin_sign_in(
        &settings.auth,
        &discovery,
        &crate::settings::redirect_uri(&settings),
        &return_to,
        true,
        &random,
    )
    .map_err(|e| {
        (
            format!("Sign-in cannot start: {e}."),
            "Check Settings.".to_string(),
        )
    })?;
    let stored = serde_json::to_string(&pending)
        .ok()
        .zip(session_storage())
        .map(|(json, storage)| storage.set_item(PENDING_KEY, &json).is_ok());
    if stored != Some(true) {
        return Err((
            "The browser refused to keep the pending sign-in (sessionStorage is unavailable)."
                .into(),
            "Allow site data for this page, or leave private browsing, then sign in again.".into(),
        ));
    }
    address::leave_for(&url).map_err(|()| {
        (
            "The browser refused to go to the sign-in page.".to_string(),
            "Try again.".to_string(),
        )
    })
}

/// If the address is the authority's answer, finishes the sign-in: the code and state leave the address
/// bar first (the address becomes the query that was being composed), then the state is checked, then the
/// code is redeemed.
pub async fn complete_sign_in(auth: Auth) {
    let hash = address::hash();
    let search = address::search();
    let Some(callback) = read_callback(&hash).or_else(|| read_callback(&search)) else {
        return;
    };
    let pending: Option<PendingSignIn> = session_storage().and_then(|storage| {
        let json = storage.get_item(PENDING_KEY).ok().flatten();
        let _ = storage.remove_item(PENDING_KEY);
        json.and_then(|j| serde_json::from_str(&j).ok())
    });
    // Nothing else runs before the code and state are out of the address and its history entry.
    let return_to = pending
        .as_ref()
        .map_or_else(|| "?".to_string(), |p| p.return_to.clone());
    address::replace(&return_to);
    let refuse =
        |what: &str, fix: &str| auth.problem.set(Some((what.to_string(), fix.to_string())));
    let Some(pending) = pending else {
        refuse(
            "The page received a sign-in answer it did not ask for (no sign-in was pending in this tab); it was ignored.",
            "Sign in from this page again.",
        );
        return;
    };
    match callback {
        Callback::Error { error, description, .. } => {
            let (what, fix) = explain_auth_error(&error, &description);
            refuse(&what, &fix);
        }
        Callback::Code { state, .. } if state != pending.state => refuse(
            "The sign-in answer does not match the sign-in this page started (its state differs), so it was refused and no token was requested.",
            "Sign in again. If this repeats, something is tampering with the sign-in.",
        ),
        Callback::Code { code, .. } => {
            let result = match token_client(&pending.client_id, &pending.token_endpoint, &pending.redirect_uri) {
                Ok(client) => client
                    .exchange_code(AuthorizationCode::new(code))
                    .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
                    .request_async(&oauth_http)
                    .await
                    .map_err(explain_token_error),
                Err(e) => Err((format!("Sign-in cannot finish: {e}."), "Check Settings.".into())),
            };
            match result {
                Ok(token) => {
                    start_session(auth, &token, &pending);
                    auth.account.set(Some(account_of(&token)));
                    auth.problem.set(None);
                }
                Err((what, fix)) => refuse(&what, &fix),
            }
        }
    }
}

/// Redeems the refresh token once for `scopes` (a token for another resource, or a fresh one); `Err`
/// says what to tell the analyst.
async fn refresh(auth: Auth, scopes: &str) -> Result<(), (String, String)> {
    let held = auth.session.with_value(|s| {
        s.as_ref().and_then(|s| {
            s.refresh_token.clone().map(|r| {
                (
                    r,
                    s.client_id.clone(),
                    s.token_endpoint.clone(),
                    s.redirect_uri.clone(),
                )
            })
        })
    });
    let Some((refresh_token, client_id, token_endpoint, redirect_uri)) = held else {
        return Err((
            "The sign-in has expired, or has no token for this API, and there is no refresh token."
                .into(),
            "Sign in again; your query is kept.".into(),
        ));
    };
    let token = token_client(&client_id, &token_endpoint, &redirect_uri)
        .map_err(|e| (e, "Sign in again.".to_string()))?
        .exchange_refresh_token(&RefreshToken::new(refresh_token.clone()))
        .add_scopes(scopes.split_whitespace().map(|s| Scope::new(s.to_string())))
        .request_async(&oauth_http)
        .await
        .map_err(|e| {
            let (what, fix) = explain_token_error(e);
            (
                format!("No token for {}: {what}", scopes_resource(scopes)),
                fix,
            )
        })?;
    keep(auth, &token, scopes, Some(refresh_token));
    if token.extra_fields().id_token.is_some() {
        auth.account.set(Some(account_of(&token)));
    }
    Ok(())
}

/// Keeps the session's client and the first token (a redeemed code).
fn start_session(auth: Auth, token: &TokenResponse, from: &PendingSignIn) {
    auth.session.set_value(Some(Session {
        refresh_token: None,
        client_id: from.client_id.clone(),
        token_endpoint: from.token_endpoint.clone(),
        redirect_uri: from.redirect_uri.clone(),
        tokens: Vec::new(),
    }));
    keep(auth, token, &from.scopes, None);
}

/// Keeps `token` as the one for the resource of `scopes`, and its refresh token.
fn keep(auth: Auth, token: &TokenResponse, scopes: &str, old_refresh: Option<String>) {
    let lifetime_ms = token
        .expires_in()
        .map_or(3_600_000.0, |d| d.as_millis() as f64);
    let held = Held {
        resource: scopes_resource(scopes),
        access_token: token.access_token().secret().clone(),
        // A minute early, so a request never leaves with a token about to lapse.
        expires_at_ms: now_ms() + lifetime_ms - 60_000.0,
    };
    auth.session.update_value(|session| {
        if let Some(session) = session {
            // Entra rotates refresh tokens; keep the old one only when no new one came.
            session.refresh_token = token
                .refresh_token()
                .map(|r| r.secret().clone())
                .or(old_refresh);
            session.tokens.retain(|t| t.resource != held.resource);
            session.tokens.push(held);
        }
    });
    auth.tokens_changed.update(|n| *n += 1);
}

fn account_of(token: &TokenResponse) -> Account {
    token
        .extra_fields()
        .id_token
        .as_deref()
        .and_then(id_token_account)
        .unwrap_or_default()
}

fn explain_token_error<RE: std::error::Error + 'static>(
    error: RequestTokenError<RE, oauth2::StandardErrorResponse<BasicErrorResponseType>>,
) -> (String, String) {
    match error {
        RequestTokenError::ServerResponse(response) => {
            let description = response.error_description().cloned().unwrap_or_default();
            explain_auth_error(response.error().as_ref(), &description)
        }
        RequestTokenError::Request(e) => (
            format!("The token endpoint could not be reached ({e})."),
            "Check the network; if it is fine, the authority does not accept requests from this page's origin (register the redirect URI as a single-page application).".into(),
        ),
        other => (format!("The token endpoint's answer could not be read ({other})."), "Sign in again.".into()),
    }
}

/// A failed fetch, as the `oauth2` crate needs errors to be.
#[derive(Debug)]
pub struct FetchError(pub String);

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FetchError {}

/// The `oauth2` crate's HTTP client, made of gloo-net (the browser's fetch).
async fn oauth_http(request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, FetchError> {
    let (parts, body) = request.into_parts();
    let method = match parts.method.as_str() {
        "GET" => gloo_net::http::Method::GET,
        _ => gloo_net::http::Method::POST,
    };
    let mut builder = gloo_net::http::RequestBuilder::new(&parts.uri.to_string()).method(method);
    // The headers `oauth2` sets, by names written out here: `HeaderName::as_str` would bring the `http`
    // crate's table of every standard header name into the wasm (3 KB gzip).
    use oauth2::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
    for (name, text) in [
        (ACCEPT, "accept"),
        (CONTENT_TYPE, "content-type"),
        (AUTHORIZATION, "authorization"),
    ] {
        if let Some(value) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
            builder = builder.header(text, value);
        }
    }
    let request = builder
        .body(js_sys::Uint8Array::from(body.as_slice()))
        .map_err(|e| FetchError(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| FetchError(e.to_string()))?;
    let mut answer = oauth2::http::Response::builder().status(response.status());
    // The only header `oauth2` reads. Copying every header by name would parse each name, and that parser
    // (the `http` crate's `HeaderName::from_bytes`) cost 5 KB gzip of wasm.
    if let Some(value) = response.headers().get("content-type") {
        answer = answer.header(CONTENT_TYPE, value);
    }
    let bytes = response
        .binary()
        .await
        .map_err(|e| FetchError(e.to_string()))?;
    answer.body(bytes).map_err(|e| FetchError(e.to_string()))
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let response = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    response.text().await.map_err(|e| e.to_string())
}
