//! The authorize endpoint: checks the request, shows the consent page (or approves at once), and the
//! consent form's answer sends a code, or an error, back to the app.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::oauth::answers::{
    entra, html_page, missing, redirect, unknown_client, EntraError, Refusal,
};
use crate::oauth::session::{session_cookie, SESSION_COOKIE};
use crate::oauth::tenant::{known_tenant, unknown_tenant};
use crate::state::{AuthorizeRequest, CodeGrant, Pending, ResponseMode, Shared};
use crate::wire::{form_pairs, html_escape, random_guid, random_token};

/// How long the consent page stays valid.
pub(super) const CONSENT_TICKET_SECS: i64 = 600;

/// Checks an authorization request the way Entra does: client and redirect URI first (errors on a page),
/// the rest sent back to the redirect URI.
pub(super) fn check_authorize(
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

pub(super) fn consent_page(shared: &Shared, request: AuthorizeRequest) -> Response {
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
pub(super) fn approve(
    shared: &Shared,
    request: AuthorizeRequest,
    session: Option<String>,
) -> Response {
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
