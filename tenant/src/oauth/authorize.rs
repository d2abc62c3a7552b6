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
const CONSENT_TICKET_SECS: i64 = 600;

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
    let (client_id, redirect_uri) = check_client(shared, &get).map_err(Refusal::Page)?;
    let state = get("state").map(String::from);
    let refuse = |mode: ResponseMode, error: EntraError| Refusal::Redirect {
        redirect_uri: redirect_uri.to_string(),
        mode,
        state: state.clone(),
        error,
    };
    // Until the response mode is known, errors go back in the query, as Entra sends them.
    let mode = response_mode(&get).map_err(|error| refuse(ResponseMode::Query, error))?;
    let (scopes, challenge, prompt) = check_flow(&get).map_err(|error| refuse(mode, error))?;
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

/// The client and the redirect URI: both must be registered before any error may go to that URI.
fn check_client<'a>(
    shared: &Shared,
    get: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<(&'a str, &'a str), EntraError> {
    let client_id = get("client_id").ok_or_else(|| missing("client_id"))?;
    if !shared.is_client(client_id) {
        return Err(unknown_client(shared, client_id));
    }
    let redirect_uri = get("redirect_uri").ok_or_else(|| missing("redirect_uri"))?;
    if !shared.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(entra(
            "invalid_request",
            50011,
            format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal."
            ),
        ));
    }
    Ok((client_id, redirect_uri))
}

/// `response_mode`: the query (the default) or the fragment.
fn response_mode<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Result<ResponseMode, EntraError> {
    match get("response_mode") {
        None | Some("query") => Ok(ResponseMode::Query),
        Some("fragment") => Ok(ResponseMode::Fragment),
        Some(other) => Err(entra(
            "invalid_request",
            900144,
            format!("The response_mode '{other}' is not supported by this tenant: use 'query' or 'fragment'."),
        )),
    }
}

/// The rest of the request, in Entra's order: the code flow, the scopes, the PKCE challenge, the prompt.
fn check_flow<'a>(
    get: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<(Vec<String>, &'a str, Option<String>), EntraError> {
    check_response_type(get)?;
    let scopes: Vec<String> = get("scope")
        .map(|s| s.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    if scopes.is_empty() {
        return Err(missing("scope"));
    }
    let challenge = check_challenge(get)?;
    let prompt = get("prompt").map(String::from);
    if let Some(p) = &prompt {
        if !["none", "login", "consent", "select_account"].contains(&p.as_str()) {
            return Err(entra(
                "invalid_request",
                90023,
                format!(
                    "Unsupported 'prompt' value '{p}': use none, login, consent or select_account."
                ),
            ));
        }
    }
    Ok((scopes, challenge, prompt))
}

/// `response_type=code`: the only flow the app's registration allows.
fn check_response_type<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Result<(), EntraError> {
    match get("response_type") {
        None => Err(missing("response_type")),
        Some("code") => Ok(()),
        Some(other) => Err(entra(
            "unsupported_response_type",
            700054,
            format!("response_type '{other}' is not enabled for the application. Use the authorization code flow with PKCE (response_type=code)."),
        )),
    }
}

/// The PKCE challenge: present, S256, and the shape of a SHA-256 digest.
fn check_challenge<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Result<&'a str, EntraError> {
    let Some(challenge) = get("code_challenge") else {
        return Err(entra(
            "invalid_request",
            9002325,
            "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
        ));
    };
    match get("code_challenge_method") {
        Some("S256") => {}
        method => {
            return Err(entra(
                "invalid_request",
                9002325,
                format!(
                    "Proof Key for Code Exchange is required with code_challenge_method 'S256'; got '{}'.",
                    method.unwrap_or("plain (the default when none is given)")
                ),
            ))
        }
    }
    if !is_s256_challenge(challenge) {
        return Err(entra(
            "invalid_request",
            501491,
            "Invalid size of Code_Challenge parameter.",
        ));
    }
    Ok(challenge)
}

/// An S256 challenge is 32 bytes base64url-encoded: 43 characters.
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && URL_SAFE_NO_PAD
            .decode(challenge)
            .is_ok_and(|b| b.len() == 32)
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn getter<'a>(pairs: &'a HashMap<&'a str, &'a str>) -> impl Fn(&str) -> Option<&'a str> + 'a {
        move |name: &str| pairs.get(name).copied()
    }

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn s256_challenges_are_43_characters_of_a_32_byte_digest() {
        assert!(is_s256_challenge(CHALLENGE));
        assert!(!is_s256_challenge(&CHALLENGE[..42]));
        assert!(!is_s256_challenge(&format!("{CHALLENGE}A")));
        assert!(!is_s256_challenge(
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        ));
    }

    #[test]
    fn the_response_mode_defaults_to_the_query() {
        let none = HashMap::new();
        assert_eq!(
            response_mode(&getter(&none)).ok(),
            Some(ResponseMode::Query)
        );
        let fragment = HashMap::from([("response_mode", "fragment")]);
        assert_eq!(
            response_mode(&getter(&fragment)).ok(),
            Some(ResponseMode::Fragment)
        );
        let form_post = HashMap::from([("response_mode", "form_post")]);
        let error = response_mode(&getter(&form_post)).err().map(|e| e.code);
        assert_eq!(error, Some(900144));
    }

    #[test]
    fn the_flow_is_checked_in_entras_order() {
        let mut pairs = HashMap::from([
            ("response_type", "token"),
            ("code_challenge_method", "plain"),
            ("prompt", "sometimes"),
        ]);
        let code = |pairs: &HashMap<&str, &str>| check_flow(&getter(pairs)).err().map(|e| e.code);
        assert_eq!(code(&pairs), Some(700054), "response type first");
        pairs.insert("response_type", "code");
        assert_eq!(code(&pairs), Some(900144), "then a scope");
        pairs.insert("scope", "openid offline_access");
        assert_eq!(code(&pairs), Some(9002325), "then a challenge");
        pairs.insert("code_challenge", "short");
        assert_eq!(code(&pairs), Some(9002325), "then S256");
        pairs.insert("code_challenge_method", "S256");
        assert_eq!(code(&pairs), Some(501491), "then its size");
        pairs.insert("code_challenge", CHALLENGE);
        assert_eq!(code(&pairs), Some(90023), "then the prompt");
        pairs.insert("prompt", "none");
        let (scopes, challenge, prompt) = check_flow(&getter(&pairs)).ok().expect("valid");
        assert_eq!(scopes, ["openid", "offline_access"]);
        assert_eq!(challenge, CHALLENGE);
        assert_eq!(prompt.as_deref(), Some("none"));
    }
}
