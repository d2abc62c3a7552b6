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

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_session_is_found_among_other_cookies_and_headers() {
        let mut headers = HeaderMap::new();
        assert_eq!(session_cookie(&headers), None);
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; other_session=x"),
        );
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("b=2;mock_tenant_session=abc; c=3"),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("abc"));
    }
}
