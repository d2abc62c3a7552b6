//! The request's rules, natively: how each status reads, when a 429 is retried by itself, what the
//! analyst is told, and where a request goes when a relay replaces the profile's host.

use std::sync::Arc;

use atp_core::exchange::{destination, retry_delay, Answer, Exchange, RequestError, MAX_RETRIES};
use atp_core::{Api, Entity, Profile, Region};

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
    Answer {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: Arc::new(body.to_string()),
    }
}

fn exchange(answer: Answer, retries: u32) -> Exchange {
    Exchange {
        url: "https://api.security.microsoft.com/api/alerts".into(),
        elapsed_ms: 1.0,
        outcome: Ok(answer),
        retries,
    }
}

#[test]
fn each_status_reads_as_its_error_with_the_api_s_code_and_message() {
    let api = r#"{"error":{"code":"InvalidRequest","message":"bad $filter"}}"#;
    assert_eq!(answer(200, &[], "{}").error(), None);
    assert_eq!(answer(399, &[], "").error(), None);
    assert_eq!(
        answer(400, &[], api).error(),
        Some(RequestError::BadRequest {
            code: "InvalidRequest".into(),
            message: "InvalidRequest: bad $filter".into()
        })
    );
    // Without the API's error body the status stands in for the message.
    assert_eq!(
        answer(400, &[], "<html>").error(),
        Some(RequestError::BadRequest {
            code: "BadRequest".into(),
            message: "HTTP 400".into()
        })
    );
    assert!(matches!(
        answer(401, &[], "").error(),
        Some(RequestError::Unauthorized { .. })
    ));
    assert!(matches!(
        answer(403, &[], "").error(),
        Some(RequestError::Forbidden { .. })
    ));
    assert!(matches!(
        answer(404, &[], "").error(),
        Some(RequestError::NotFound { .. })
    ));
    assert_eq!(
        answer(503, &[], "").error(),
        Some(RequestError::Server {
            status: 503,
            message: "HTTP 503".into()
        })
    );
    assert_eq!(
        answer(405, &[], "").error(),
        Some(RequestError::Unexpected {
            status: 405,
            message: "HTTP 405".into()
        })
    );
}

#[test]
fn a_429_is_retried_by_itself_only_briefly_and_only_a_few_times() {
    let throttled =
        |after: &str, retries| exchange(answer(429, &[("retry-after", after)], ""), retries);
    assert_eq!(retry_delay(&throttled("7", 0)), Some(7.0));
    assert_eq!(retry_delay(&throttled(" 120 ", 2)), Some(120.0));
    // Longer than two minutes, or the retries used up: the analyst is told instead.
    assert_eq!(retry_delay(&throttled("121", 0)), None);
    assert_eq!(retry_delay(&throttled("5", MAX_RETRIES)), None);
    assert_eq!(retry_delay(&throttled("soon", 0)), None);
    assert_eq!(retry_delay(&exchange(answer(500, &[], ""), 0)), None);
    assert_eq!(
        throttled("5", 2).error(),
        Some(RequestError::TooManyRequests {
            retry_after: Some(5),
            retried: 2
        })
    );
}

#[test]
fn every_problem_says_what_happened_and_what_to_do() {
    let forbidden = RequestError::Forbidden {
        message: "HTTP 403".into(),
    }
    .problem(Api::Defender, Entity::Machine);
    assert!(
        forbidden.advice.contains("Machine.Read.All"),
        "{forbidden:?}"
    );
    let graph_forbidden = RequestError::Forbidden {
        message: "HTTP 403".into(),
    }
    .problem(Api::Graph, Entity::Incident);
    assert!(
        graph_forbidden.advice.contains("SecurityIncident.Read.All"),
        "{graph_forbidden:?}"
    );
    let network = RequestError::Network {
        host: "https://api.security.microsoft.com".into(),
        detail: "Failed to fetch".into(),
    }
    .problem(Api::Defender, Entity::Alert);
    assert!(network.title.contains("api.security.microsoft.com"));
    assert!(network.title.contains("CORS"), "{network:?}");
    assert!(
        network.advice.contains("Microsoft Graph security profile"),
        "{network:?}"
    );
    let gave_up = RequestError::TooManyRequests {
        retry_after: Some(5),
        retried: 3,
    }
    .problem(Api::Defender, Entity::Alert);
    assert!(
        gave_up.title.contains("after 3 automatic retries"),
        "{gave_up:?}"
    );
    for error in [
        RequestError::Timeout { host: "h".into() },
        RequestError::NotSent { reason: "r".into() },
        RequestError::SignInNeeded { reason: "r".into() },
        RequestError::Malformed {
            message: "m".into(),
            line: 1,
            column: 2,
        },
    ] {
        let problem = error.problem(Api::Defender, Entity::File);
        assert!(
            !problem.title.is_empty() && !problem.advice.is_empty(),
            "{error:?}"
        );
    }
}

#[test]
fn a_relay_replaces_the_profile_s_host_and_nothing_else() {
    let profile = Profile::Defender(Region::Global);
    let base = profile.base();
    let url = format!("{base}/alerts?$top=1");
    assert_eq!(destination(&url, profile, ""), url);
    assert_eq!(
        destination(&url, profile, "http://127.0.0.1:9/relay/"),
        "http://127.0.0.1:9/relay/alerts?$top=1"
    );
    // The profile's host is matched without regard to case; another host is left as it is (and the
    // request path then refuses to send the token there).
    assert_eq!(
        destination(
            &url.to_uppercase().replace("$TOP=1", "$top=1"),
            profile,
            "https://relay"
        ),
        "https://relay/api/ALERTS?$top=1"
    );
    // An origin alone keeps each profile's path: one relay or test tenant serves every profile.
    assert_eq!(
        destination(
            &format!("{}/security/incidents", Profile::Graph.base()),
            Profile::Graph,
            "http://127.0.0.1:9/"
        ),
        "http://127.0.0.1:9/v1.0/security/incidents"
    );
    assert_eq!(
        destination(&url, profile, "http://127.0.0.1:9"),
        "http://127.0.0.1:9/api/alerts?$top=1"
    );
    let elsewhere = "https://evil.example/api/alerts";
    assert_eq!(destination(elsewhere, profile, "https://relay"), elsewhere);
}
