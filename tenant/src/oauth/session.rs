//! The browser session a consent starts: its cookie, so `prompt=none` works for that browser later.

use axum::http::{header, HeaderMap};

pub(super) const SESSION_COOKIE: &str = "mock_tenant_session";

pub(super) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}
