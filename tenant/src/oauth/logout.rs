//! The logout endpoint: ends the browser session and goes back to a registered URI.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;

use crate::oauth::answers::{html_page, redirect, redirect_plain};
use crate::oauth::session::{session_cookie, SESSION_COOKIE};
use crate::oauth::tenant::{known_tenant, unknown_tenant};
use crate::state::{ResponseMode, Shared};
use crate::wire::form_pairs;

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
