//! The tokens a grant issues: access token (always), refresh token, id token; JWT-shaped, unsigned.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::GRAPH_RESOURCE;
use crate::oauth::tenant::{issuer, OIDC_SCOPES};
use crate::state::{AccessGrant, MockState, RefreshGrant, Shared};
use crate::wire::random_token;

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
pub(super) fn issue(
    shared: &Shared,
    state: &mut MockState,
    client_id: &str,
    scopes: &[String],
    nonce: Option<&str>,
    refresh_expires_at: i64,
    now: i64,
) -> Value {
    let lifetime = state.token_lifetime_secs;
    let expires_at = now.saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX));
    let mut granted = granted_scopes(shared, scopes);
    if granted.is_empty() {
        // Only OpenID scopes: Entra still issues an access token, for Microsoft Graph.
        granted.push(format!("{GRAPH_RESOURCE}/User.Read"));
    }
    let access_token = access_token(shared, state, client_id, &granted, expires_at, now);
    let mut answer = json!({
        "token_type": "Bearer",
        "scope": granted.join(" "),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token,
    });
    if scopes.iter().any(|s| s == "offline_access") {
        let refresh_token = refresh_token(state, client_id, scopes, refresh_expires_at);
        answer["refresh_token"] = Value::String(refresh_token);
        answer["refresh_token_expires_in"] = json!(refresh_expires_at.saturating_sub(now).max(0));
    }
    if scopes.iter().any(|s| s == "openid") {
        answer["id_token"] = Value::String(id_token(shared, client_id, nonce, now));
    }
    answer
}

/// The resource a token for `granted` is for: the first granted scope's resource.
pub(super) fn audience_of(granted: &[String]) -> String {
    granted
        .iter()
        .find(|s| !OIDC_SCOPES.contains(&s.as_str()))
        .and_then(|s| s.rsplit_once('/').map(|(resource, _)| resource.to_string()))
        .unwrap_or_else(|| GRAPH_RESOURCE.to_string())
}

/// An access token for `granted`, remembered so the API can look it up (older expired ones are forgotten).
fn access_token(
    shared: &Shared,
    state: &mut MockState,
    client_id: &str,
    granted: &[String],
    expires_at: i64,
    now: i64,
) -> String {
    let config = &shared.config;
    let permissions: Vec<&str> = granted
        .iter()
        .map(|s| s.rsplit('/').next().unwrap_or(s))
        .collect();
    let audience = audience_of(granted);
    let token = jwt(&json!({
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
        token.clone(),
        AccessGrant {
            expires_at,
            audience,
        },
    );
    token
}

/// A refresh token for the same client and scopes, ending when the sign-in's refresh lifetime ends.
fn refresh_token(
    state: &mut MockState,
    client_id: &str,
    scopes: &[String],
    expires_at: i64,
) -> String {
    let token = format!("1.mock-refresh.{}", random_token());
    state.refresh.insert(
        token.clone(),
        RefreshGrant {
            client_id: client_id.to_string(),
            scopes: scopes.to_vec(),
            expires_at,
        },
    );
    token
}

/// The id token: the user's claims for the client, with the authorization request's nonce.
fn id_token(shared: &Shared, client_id: &str, nonce: Option<&str>, now: i64) -> String {
    let config = &shared.config;
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
    jwt(&claims)
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::config::{MockConfig, API_RESOURCE};

    fn shared(permissions: &[&str]) -> Shared {
        Shared::new(
            MockConfig {
                permissions: permissions.iter().map(|p| p.to_string()).collect(),
                ..MockConfig::default()
            },
            SocketAddr::from(([127, 0, 0, 1], 1)),
        )
    }

    #[test]
    fn default_scopes_expand_to_the_permissions_once_without_openid_scopes() {
        let shared = shared(&["Alert.Read", "Machine.Read"]);
        let asked: Vec<String> = [
            "openid",
            &format!("{API_RESOURCE}/.default"),
            &format!("{API_RESOURCE}/Alert.Read"),
            "offline_access",
            "https://example.test/Other",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            granted_scopes(&shared, &asked),
            [
                format!("{API_RESOURCE}/Alert.Read"),
                format!("{API_RESOURCE}/Machine.Read"),
                "https://example.test/Other".to_string(),
            ]
        );
        assert!(granted_scopes(&shared, &["openid".into(), "profile".into()]).is_empty());
    }

    #[test]
    fn the_audience_is_the_first_granted_scopes_resource() {
        assert_eq!(
            audience_of(&[format!("{API_RESOURCE}/Alert.Read"), "x/y".into()]),
            API_RESOURCE
        );
        assert_eq!(audience_of(&[]), GRAPH_RESOURCE);
        assert_eq!(audience_of(&["no-slash".into()]), GRAPH_RESOURCE);
    }

    #[test]
    fn tokens_are_jwt_shaped_with_an_rs256_header_and_a_256_byte_signature() {
        let token = jwt(&json!({ "aud": "a" }));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).unwrap_or_default();
        let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap_or_default();
        assert_eq!(header["alg"], "RS256");
        let claims: Value = serde_json::from_slice(&decode(parts[1])).unwrap_or_default();
        assert_eq!(claims["aud"], "a");
        assert_eq!(decode(parts[2]).len(), 256);
    }
}
