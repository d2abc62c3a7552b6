//! The relay against a local stand-in for the Defender host: what it passes on, what it refuses.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use atp_relay::{allowed_hosts, Relay, RelayConfig};
use axum::http::HeaderMap;
use axum::routing::any;
use axum::Router;

const PAGE: &str = "http://127.0.0.1:8080";

/// What the stand-in upstream saw: each request's path and headers.
type Seen = Arc<Mutex<Vec<(String, HeaderMap)>>>;

/// A stand-in upstream that records each request's path and headers and answers 200 with JSON.
fn upstream() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let app = Router::new().fallback(any(move |uri: axum::http::Uri, headers: HeaderMap| {
        let record = record.clone();
        async move {
            if let Ok(mut all) = record.lock() {
                all.push((uri.to_string(), headers));
            }
            (
                [
                    ("content-type", "application/json"),
                    ("retry-after", "7"),
                    ("x-secret", "no"),
                ],
                r#"{"value": []}"#,
            )
        }
    }));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let _ = axum::serve(listener, app).await;
        });
    });
    (format!("http://{addr}"), seen)
}

fn relay_to(upstream: &str) -> Relay {
    let config = RelayConfig::new("api.security.microsoft.com", PAGE, 0)
        .unwrap()
        .to_local_upstream_for_tests(upstream);
    Relay::start(config).unwrap()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

#[test]
fn only_defender_hosts_and_page_origins_are_accepted() {
    assert!(allowed_hosts().contains(&"api.security.microsoft.com"));
    assert!(allowed_hosts().contains(&"eu.api.security.microsoft.com"));
    for host in [
        "evil.example",
        "graph.microsoft.com",
        "api.security.microsoft.com.evil.example",
        "",
    ] {
        let refused = RelayConfig::new(host, PAGE, 0).unwrap_err();
        assert!(refused.contains("not a Defender API host"), "{refused}");
    }
    for origin in [
        "",
        "javascript:alert(1)",
        "https://a.example/path",
        "ftp://x",
    ] {
        assert!(
            RelayConfig::new("api.security.microsoft.com", origin, 0).is_err(),
            "{origin}"
        );
    }
    let config = RelayConfig::new(
        "EU.api.security.microsoft.com",
        "https://analyst.example/",
        0,
    )
    .unwrap();
    assert_eq!(config.upstream(), "https://eu.api.security.microsoft.com");
    assert_eq!(config.page_origin, "https://analyst.example");
}

#[test]
fn the_bearer_goes_through_and_the_answer_comes_back_with_cors() {
    let (upstream, seen) = upstream();
    let relay = relay_to(&upstream);
    let answer = agent()
        .get(&format!("{}/api/alerts?$top=1", relay.url()))
        .header("Origin", PAGE)
        .header("Authorization", "Bearer t0ken")
        .header("Cookie", "session=secret")
        .call()
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers().get("access-control-allow-origin").unwrap(),
        PAGE
    );
    assert_eq!(answer.headers().get("retry-after").unwrap(), "7");
    assert!(
        answer.headers().get("x-secret").is_none(),
        "only the headers the page needs come back"
    );
    let body = answer.into_body().read_to_string().unwrap();
    assert_eq!(body, r#"{"value": []}"#);
    let seen = seen.lock().unwrap();
    let (path, headers) = &seen[0];
    assert_eq!(path, "/api/alerts?$top=1");
    assert_eq!(headers.get("authorization").unwrap(), "Bearer t0ken");
    assert!(
        headers.get("cookie").is_none(),
        "nothing but the request's own headers is passed on"
    );
    assert!(headers.get("origin").is_none());
}

#[test]
fn other_origins_and_methods_are_refused_and_nothing_is_sent() {
    let (upstream, seen) = upstream();
    let relay = relay_to(&upstream);
    let refused = agent()
        .get(&format!("{}/api/alerts", relay.url()))
        .header("Origin", "https://evil.example")
        .header("Authorization", "Bearer t0ken")
        .call()
        .unwrap();
    assert_eq!(refused.status(), 403);
    let no_origin = agent()
        .get(&format!("{}/api/alerts", relay.url()))
        .call()
        .unwrap();
    assert_eq!(no_origin.status(), 403);
    let delete = agent()
        .delete(&format!("{}/api/machines/1", relay.url()))
        .header("Origin", PAGE)
        .call()
        .unwrap();
    assert_eq!(delete.status(), 405);
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing reached the upstream"
    );

    // The browser's preflight is answered for the page.
    let preflight = agent()
        .options(&format!("{}/api/alerts", relay.url()))
        .header("Origin", PAGE)
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .call()
        .unwrap();
    assert_eq!(preflight.status(), 204);
    let allowed = preflight
        .headers()
        .get("access-control-allow-headers")
        .unwrap();
    assert!(allowed.to_str().unwrap().contains("Authorization"));
}
