//! Browser sign-in: authorization code + PKCE with the `oauth2` crate, requests with gloo-net. Tokens live
//! in this module's memory only; sessionStorage holds the pending sign-in (state, verifier, the query being
//! composed) and only until the callback.

use std::fmt;

use atp_core::auth::{
    begin_sign_in, default_scopes, explain_auth_error, granted_permissions, id_token_account,
    read_callback, token_client, Account, Callback, Discovery, PendingSignIn, TokenResponse,
    SIGN_IN_RANDOM_BYTES,
};
use atp_core::Profile;
use leptos::prelude::*;
use oauth2::basic::BasicErrorResponseType;
use oauth2::{
    AuthorizationCode, PkceCodeVerifier, RefreshToken, RequestTokenError, TokenResponse as _,
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

/// The signed-in session: in memory only, gone on reload or sign-out.
#[derive(Clone)]
struct Session {
    access_token: String,
    refresh_token: Option<String>,
    /// `performance.now()` time after which the access token is stale.
    expires_at_ms: f64,
    client_id: String,
    token_endpoint: String,
    redirect_uri: String,
    scopes: String,
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
}

impl Auth {
    pub fn new() -> Auth {
        Auth {
            account: RwSignal::new(None),
            problem: RwSignal::new(None),
            session: StoredValue::new(None),
        }
    }

    /// The permissions the signed-in token carries (its `scp` and `roles`), reactive on who is signed
    /// in; `None` when signed out or when the token is not readable.
    pub fn granted(&self) -> Option<Vec<String>> {
        self.account.track();
        self.session.with_value(|s| {
            s.as_ref()
                .and_then(|s| granted_permissions(&s.access_token))
        })
    }

    /// Ends the session here (tokens dropped from memory) and clears any pending sign-in.
    pub fn sign_out(&self) {
        self.session.set_value(None);
        if let Some(storage) = session_storage() {
            let _ = storage.remove_item(PENDING_KEY);
        }
        self.account.set(None);
    }
}

impl TokenSource for Auth {
    fn access_token(&self) -> Option<String> {
        self.session
            .with_value(|s| s.as_ref().map(|s| s.access_token.clone()))
    }

    fn expired(&self) -> bool {
        self.session
            .with_value(|s| s.as_ref().is_some_and(|s| now_ms() >= s.expires_at_ms))
    }

    async fn refresh(&self) -> Result<(), (String, String)> {
        refresh(*self).await
    }
}

/// Starts a sign-in: discovery, then off to the authority. `return_to` is the app address to come back to.
pub async fn sign_in(
    mut settings: Settings,
    return_to: String,
    profile: Profile,
) -> Result<(), (String, String)> {
    if settings.auth.scopes.trim().is_empty() {
        settings.auth.scopes = default_scopes(profile).to_string();
    }
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
        &settings.redirect_uri(),
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
                    keep(auth, &token, &pending, None);
                    auth.account.set(Some(account_of(&token)));
                    auth.problem.set(None);
                }
                Err((what, fix)) => refuse(&what, &fix),
            }
        }
    }
}

/// Redeems the refresh token once; `Err` says what to tell the analyst.
async fn refresh(auth: Auth) -> Result<(), (String, String)> {
    let held = auth.session.with_value(|s| {
        s.as_ref().and_then(|s| {
            s.refresh_token.clone().map(|r| {
                (
                    r,
                    PendingSignIn {
                        state: String::new(),
                        verifier: String::new(),
                        return_to: String::new(),
                        redirect_uri: s.redirect_uri.clone(),
                        token_endpoint: s.token_endpoint.clone(),
                        client_id: s.client_id.clone(),
                        scopes: s.scopes.clone(),
                    },
                )
            })
        })
    });
    let Some((refresh_token, client)) = held else {
        return Err((
            "The sign-in has expired and there is no refresh token.".into(),
            "Sign in again; your query is kept.".into(),
        ));
    };
    let token = token_client(
        &client.client_id,
        &client.token_endpoint,
        &client.redirect_uri,
    )
    .map_err(|e| (e, "Sign in again.".to_string()))?
    .exchange_refresh_token(&RefreshToken::new(refresh_token.clone()))
    .request_async(&oauth_http)
    .await
    .map_err(explain_token_error)?;
    keep(auth, &token, &client, Some(refresh_token));
    if token.extra_fields().id_token.is_some() {
        auth.account.set(Some(account_of(&token)));
    }
    Ok(())
}

fn keep(auth: Auth, token: &TokenResponse, from: &PendingSignIn, old_refresh: Option<String>) {
    let lifetime_ms = token
        .expires_in()
        .map_or(3_600_000.0, |d| d.as_millis() as f64);
    let session = Session {
        access_token: token.access_token().secret().clone(),
        // Entra rotates refresh tokens; keep the old one only when no new one came.
        refresh_token: token
            .refresh_token()
            .map(|r| r.secret().clone())
            .or(old_refresh),
        // A minute early, so a request never leaves with a token about to lapse.
        expires_at_ms: now_ms() + lifetime_ms - 60_000.0,
        client_id: from.client_id.clone(),
        token_endpoint: from.token_endpoint.clone(),
        redirect_uri: from.redirect_uri.clone(),
        scopes: from.scopes.clone(),
    };
    auth.session.set_value(Some(session));
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
