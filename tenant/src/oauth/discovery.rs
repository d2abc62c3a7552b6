//! The discovery document and the (empty) key set.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::oauth::tenant::{issuer, known_tenant, unknown_tenant, OIDC_SCOPES};
use crate::state::Shared;
use crate::wire::json_response;

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
