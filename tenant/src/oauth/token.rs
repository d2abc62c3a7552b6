//! The token endpoint: redeems an authorization code (PKCE S256) or a refresh token (rotated).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::oauth::answers::{entra, missing, token_cors, token_json, unknown_client, EntraError};
use crate::oauth::issue::issue;
use crate::oauth::tenant::{known_tenant, unknown_tenant};
use crate::state::Shared;
use crate::wire::form_pairs;

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
    // An interactive sign-in consents to what it asked.
    let asked = super::issue::audience_of(&grant.scopes);
    state.consented.insert(asked);
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
    if !verifier_matches(verifier, &grant.code_challenge) {
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
    let scopes: Vec<String> = match get("scope") {
        Some(asked) => asked.split_whitespace().map(String::from).collect(),
        None => grant.scopes.clone(),
    };
    let resource = super::issue::audience_of(&scopes);
    if shared.config.consent_needed.contains(&resource) && !state.consented.contains(&resource) {
        // The refresh token stays valid (Entra does not spend it on a refused request).
        state.refresh.insert(token.to_string(), grant);
        return Err(entra(
            "invalid_grant",
            65001,
            format!(
                "The user or administrator has not consented to use the application with ID '{client_id}' for the resource '{resource}'. Send an interactive authorization request for this user and resource."
            ),
        ));
    }
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

/// RFC 7636: 43–128 characters of `[A-Za-z0-9-._~]`; then BASE64URL(SHA256(verifier)) == challenge.
fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    well_formed && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verifier_of_rfc_7636_appendix_b_matches_its_challenge() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verifier_matches(verifier, challenge));
        assert!(
            !verifier_matches(&verifier[1..], challenge),
            "another verifier"
        );
        // Right hash, wrong shape: shorter than 43 characters or outside the unreserved set.
        let short = "abc";
        let short_challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(short));
        assert!(!verifier_matches(short, &short_challenge));
        let spaced = "a b".repeat(20);
        let spaced_challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(&spaced));
        assert!(!verifier_matches(&spaced, &spaced_challenge));
    }
}
