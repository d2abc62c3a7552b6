//! What every endpoint of the mock uses to read and write HTTP: form pairs, JSON answers, HTML escaping,
//! origins, and unguessable ids.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;

/// `scheme://host[:port]` of an absolute URL.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// An unguessable id: 32 random bytes, base64url. Falls back to a hash of time and a counter if the OS has
/// no randomness to give (the mock must not fail a request over it).
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    if getrandom::getrandom(&mut bytes).is_err() {
        use sha2::{Digest, Sha256};
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes.copy_from_slice(&Sha256::digest(format!("{t}-{n}")));
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A random GUID-shaped id (trace and correlation ids).
pub(crate) fn random_guid() -> String {
    let mut b = [0u8; 16];
    if getrandom::getrandom(&mut b).is_err() {
        b = [0x5a; 16];
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Text for HTML element content and attribute values (the core's escaping, shared with the graph's SVG).
pub(crate) use atp_core::text::escape_xml as html_escape;

/// `application/x-www-form-urlencoded` pairs (a query string or a form body); the first of a repeated
/// name wins.
pub(crate) fn form_pairs(input: &[u8]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (name, value) in form_urlencoded::parse(input) {
        map.entry(name.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    map
}

/// A JSON answer with `status`.
pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_else(|_| "null".into());
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_urls() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/app/?x=1").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("https://example.com#frag").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(origin_of("/relative"), None);
        assert_eq!(origin_of("http://"), None);
    }

    #[test]
    fn html_escape_neutralises_markup() {
        assert_eq!(
            html_escape("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn form_pairs_decode_and_keep_the_first_of_a_repeated_name() {
        let pairs = form_pairs(b"a=1&b=x%20y+z&a=2&c");
        assert_eq!(pairs["a"], "1");
        assert_eq!(pairs["b"], "x y z");
        assert_eq!(pairs["c"], "");
    }

    #[test]
    fn ids_are_unique_and_well_shaped() {
        let guid = random_guid();
        assert_eq!(guid.len(), 36);
        assert_eq!(&guid[14..15], "4");
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 43);
    }
}
