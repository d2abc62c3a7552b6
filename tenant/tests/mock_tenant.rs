//! The mock tenant over real HTTP: discovery, authorize + consent, token (PKCE, codes, refresh), the API
//! behind bearer tokens, CORS, faults, and the static part.

use std::collections::HashMap;
use std::fs;
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use atp_core::demo::DemoConfig;
use atp_tenant::{Fault, FaultKind, MockConfig, MockTenant};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-test-verifier";
const APP: &str = "http://127.0.0.1:9/";
const APP_ORIGIN: &str = "http://127.0.0.1:9";

/// Extra query or form parameters (an empty value removes a default one).
type Params<'a> = &'a [(&'a str, &'a str)];

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A small demo tenant keeps each test fast.
fn config() -> MockConfig {
    MockConfig {
        redirect_uris: vec!["/".into(), APP.into()],
        demo: Some(DemoConfig {
            scale: 40,
            ..DemoConfig::new(chrono::Utc::now())
        }),
        ..MockConfig::default()
    }
}

fn start(config: MockConfig) -> MockTenant {
    MockTenant::start(config).expect("the mock tenant starts on loopback")
}

struct Reply {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The parameters of a redirect's query or fragment.
    fn redirect_params(&self) -> HashMap<String, String> {
        assert_eq!(
            self.status, 302,
            "expected a redirect, got {}: {}",
            self.status, self.body
        );
        let location = self.header("location").expect("a Location header");
        let params = location
            .split_once(['?', '#'])
            .map(|(_, p)| p)
            .unwrap_or_default();
        form_urlencoded::parse(params.as_bytes())
            .into_owned()
            .collect()
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build(),
    )
}

fn read(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = result.expect("the request gets an answer");
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_string()
        .expect("a complete body");
    Reply {
        status,
        headers,
        body,
    }
}

fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().get(url);
    for (n, v) in headers {
        request = request.header(*n, *v);
    }
    read(request.call())
}

fn post_form(url: &str, headers: &[(&str, &str)], form: &[(&str, &str)]) -> Reply {
    let mut request = agent().post(url);
    for (n, v) in headers {
        request = request.header(*n, *v);
    }
    read(request.send_form(form.iter().copied()))
}

fn options(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().options(url);
    for (n, v) in headers {
        request = request.header(*n, *v);
    }
    read(request.call())
}

fn authorize_url(mock: &MockTenant, extra: &[(&str, &str)]) -> String {
    let challenge = challenge(VERIFIER);
    let mut params: Vec<(&str, &str)> = vec![
        ("client_id", &mock.config().client_id),
        ("redirect_uri", APP),
        ("response_type", "code"),
        (
            "scope",
            "https://api.securitycenter.microsoft.com/.default openid profile offline_access",
        ),
        ("state", "state-42"),
        ("nonce", "nonce-7"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    for (name, value) in extra {
        params.retain(|(n, _)| n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{}?{query}", mock.authorize_url())
}

/// The consent page's ticket.
fn consent_ticket(page: &Reply) -> String {
    let marker = "name=\"ticket\" value=\"";
    let start = page.body.find(marker).expect("a consent form") + marker.len();
    let end = page.body[start..].find('"').expect("a closed attribute") + start;
    page.body[start..end].to_string()
}

/// Signs in through the consent page; the redirect's parameters.
fn sign_in(mock: &MockTenant, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let page = get(&authorize_url(mock, extra), &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    let ticket = consent_ticket(&page);
    post_form(
        &mock.authorize_url(),
        &[],
        &[("ticket", &ticket), ("decision", "approve")],
    )
    .redirect_params()
}

fn redeem(mock: &MockTenant, code: &str, verifier: Option<&str>) -> Reply {
    let client_id = mock.config().client_id.clone();
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("client_id", client_id.as_str()),
        ("code", code),
        ("redirect_uri", APP),
    ];
    if let Some(verifier) = verifier {
        form.push(("code_verifier", verifier));
    }
    post_form(&mock.token_url(), &[("Origin", APP_ORIGIN)], &form)
}

/// A fresh access and refresh token.
fn tokens(mock: &MockTenant) -> Value {
    let code = sign_in(mock, &[])["code"].clone();
    let reply = redeem(mock, &code, Some(VERIFIER));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn error_of(reply: &Reply) -> (String, String) {
    let json = reply.json();
    (
        json["error"].as_str().unwrap_or_default().to_string(),
        json["error_description"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn jwt_claims(token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "header.payload.signature");
    assert!(parts.iter().all(|p| !p.is_empty()));
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("base64url header"))
            .expect("JSON header");
    assert_eq!(header["typ"], "JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url claims"))
        .expect("JSON claims")
}

fn bearer(token: &Value) -> String {
    format!(
        "Bearer {}",
        token["access_token"].as_str().expect("an access token")
    )
}

#[test]
fn discovery_document_is_entra_shaped() {
    let mock = start(config());
    let base = mock.url();
    let tenant = mock.config().tenant_id.clone();
    let doc = get(
        &format!("{}/v2.0/.well-known/openid-configuration", mock.authority()),
        &[],
    );
    assert_eq!(doc.status, 200);
    let doc = doc.json();
    assert_eq!(doc["issuer"], format!("{base}/{tenant}/v2.0"));
    assert_eq!(doc["authorization_endpoint"], mock.authorize_url());
    assert_eq!(doc["token_endpoint"], mock.token_url());
    assert_eq!(
        doc["end_session_endpoint"],
        format!("{base}/{tenant}/oauth2/v2.0/logout")
    );
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    let modes = doc["response_modes_supported"].as_array().expect("modes");
    assert!(modes.contains(&"query".into()) && modes.contains(&"fragment".into()));
    assert!(doc["scopes_supported"]
        .as_array()
        .expect("scopes")
        .contains(&"offline_access".into()));
    let keys = get(doc["jwks_uri"].as_str().expect("jwks_uri"), &[]);
    assert_eq!(keys.json()["keys"], serde_json::json!([]));

    let common = get(
        &format!("{base}/common/v2.0/.well-known/openid-configuration"),
        &[],
    )
    .json();
    assert_eq!(common["issuer"], format!("{base}/{{tenantid}}/v2.0"));
    assert_eq!(
        common["token_endpoint"],
        format!("{base}/common/oauth2/v2.0/token")
    );
    let by_domain = get(
        &format!("{base}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"),
        &[],
    );
    assert_eq!(by_domain.status, 200);

    let unknown = get(
        &format!("{base}/fabrikam.com/v2.0/.well-known/openid-configuration"),
        &[],
    );
    assert_eq!(unknown.status, 400);
    assert!(error_of(&unknown)
        .1
        .starts_with("AADSTS90002: Tenant 'fabrikam.com' not found"));
}

#[test]
fn consent_page_signs_in_and_passes_state_through() {
    let mock = start(config());
    let page = get(&authorize_url(&mock, &[]), &[]);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Sign in as Megan Bowen"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<form method=\"post\""));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let ticket = consent_ticket(&page);
    let redirect = post_form(
        &mock.authorize_url(),
        &[],
        &[("ticket", &ticket), ("decision", "approve")],
    );
    assert!(redirect
        .header("location")
        .expect("location")
        .starts_with("http://127.0.0.1:9/?code="));
    assert!(redirect
        .header("set-cookie")
        .is_some_and(|c| c.contains("HttpOnly")));
    let params = redirect.redirect_params();
    assert_eq!(params["state"], "state-42");
    assert!(!params["code"].is_empty());

    // The ticket is single-use.
    let again = post_form(
        &mock.authorize_url(),
        &[],
        &[("ticket", &ticket), ("decision", "approve")],
    );
    assert_eq!(again.status, 400);
    assert!(again.body.contains("expired or was already used"));

    // Fragment mode puts the answer after '#'.
    let page = get(&authorize_url(&mock, &[("response_mode", "fragment")]), &[]);
    let redirect = post_form(
        &mock.authorize_url(),
        &[],
        &[("ticket", &consent_ticket(&page)), ("decision", "approve")],
    );
    assert!(redirect
        .header("location")
        .expect("location")
        .starts_with("http://127.0.0.1:9/#code="));

    // Cancel sends access_denied back.
    let page = get(&authorize_url(&mock, &[]), &[]);
    let params = post_form(
        &mock.authorize_url(),
        &[],
        &[("ticket", &consent_ticket(&page)), ("decision", "deny")],
    )
    .redirect_params();
    assert_eq!(params["error"], "access_denied");
    assert!(params["error_description"].starts_with("AADSTS65004:"));
    assert_eq!(params["state"], "state-42");
}

#[test]
fn auto_approve_skips_the_consent_page() {
    let mock = start(MockConfig {
        auto_approve: true,
        ..config()
    });
    let params = get(&authorize_url(&mock, &[]), &[]).redirect_params();
    assert_eq!(params["state"], "state-42");
    assert_eq!(redeem(&mock, &params["code"], Some(VERIFIER)).status, 200);
}

#[test]
fn authorize_refuses_bad_requests_like_entra() {
    let mock = start(config());
    // No trustworthy redirect URI: an error page, never a redirect.
    let unknown_client = get(&authorize_url(&mock, &[("client_id", "someone-else")]), &[]);
    assert_eq!(unknown_client.status, 400);
    assert!(unknown_client.body.contains("AADSTS700016"));
    let bad_redirect = get(
        &authorize_url(&mock, &[("redirect_uri", "https://evil.example/")]),
        &[],
    );
    assert_eq!(bad_redirect.status, 400);
    assert!(bad_redirect.body.contains("AADSTS50011"));
    assert!(bad_redirect.body.contains("https://evil.example/"));
    assert!(!bad_redirect.body.contains("<script"));

    // A valid redirect URI: the error goes back to the app with the state.
    let cases: [(Params, &str, &str); 6] = [
        (
            &[("code_challenge", "")],
            "invalid_request",
            "AADSTS9002325:",
        ),
        (
            &[("code_challenge_method", "plain")],
            "invalid_request",
            "AADSTS9002325:",
        ),
        (
            &[("code_challenge_method", "")],
            "invalid_request",
            "AADSTS9002325:",
        ),
        (
            &[("code_challenge", "too-short")],
            "invalid_request",
            "AADSTS501491:",
        ),
        (
            &[("response_type", "token")],
            "unsupported_response_type",
            "AADSTS700054:",
        ),
        (&[("scope", "")], "invalid_request", "AADSTS900144:"),
    ];
    for (extra, error, code) in cases {
        let params = get(&authorize_url(&mock, extra), &[]).redirect_params();
        assert_eq!(params["error"], error, "{extra:?}");
        assert!(
            params["error_description"].starts_with(code),
            "{extra:?}: {}",
            params["error_description"]
        );
        assert_eq!(params["state"], "state-42");
    }
    let params = get(&authorize_url(&mock, &[("prompt", "sometimes")]), &[]).redirect_params();
    assert!(params["error_description"].starts_with("AADSTS90023:"));
}

#[test]
fn prompt_none_needs_a_session() {
    let mock = start(config());
    let params = get(&authorize_url(&mock, &[("prompt", "none")]), &[]).redirect_params();
    assert_eq!(params["error"], "login_required");
    assert!(params["error_description"].starts_with("AADSTS50058:"));

    let page = get(&authorize_url(&mock, &[]), &[]);
    let approved = post_form(
        &mock.authorize_url(),
        &[],
        &[("ticket", &consent_ticket(&page)), ("decision", "approve")],
    );
    let cookie = approved
        .header("set-cookie")
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let params = get(
        &authorize_url(&mock, &[("prompt", "none")]),
        &[("Cookie", &cookie)],
    )
    .redirect_params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[test]
fn code_redeems_for_tokens_once() {
    let mock = start(config());
    let code = sign_in(&mock, &[])["code"].clone();
    let reply = redeem(&mock, &code, Some(VERIFIER));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert_eq!(reply.header("cache-control"), Some("no-store, no-cache"));
    let json = reply.json();
    assert_eq!(json["token_type"], "Bearer");
    assert_eq!(json["expires_in"], 3600);
    assert_eq!(json["ext_expires_in"], 3600);
    assert!(json["scope"]
        .as_str()
        .expect("scope")
        .contains("https://api.securitycenter.microsoft.com/Alert.Read"));
    assert!(json["refresh_token"].is_string());
    let claims = jwt_claims(json["id_token"].as_str().expect("an id token"));
    assert_eq!(claims["name"], "Megan Bowen");
    assert_eq!(
        claims["preferred_username"],
        "meganb@contoso.onmicrosoft.com"
    );
    assert_eq!(claims["tid"], mock.config().tenant_id);
    assert_eq!(claims["oid"], mock.config().user.oid);
    assert_eq!(claims["aud"], mock.config().client_id);
    assert_eq!(claims["iss"], format!("{}/v2.0", mock.authority()));
    assert_eq!(claims["nonce"], "nonce-7");
    assert!(claims["exp"].as_i64() > claims["iat"].as_i64());
    jwt_claims(json["access_token"].as_str().expect("an access token"));

    let reused = redeem(&mock, &code, Some(VERIFIER));
    assert_eq!(reused.status, 400);
    let (error, description) = error_of(&reused);
    assert_eq!(error, "invalid_grant");
    assert!(description.starts_with("AADSTS54005:"), "{description}");
    let json = reused.json();
    assert_eq!(json["error_codes"], serde_json::json!([54005]));
    for field in ["timestamp", "trace_id", "correlation_id"] {
        assert!(json[field].is_string(), "{field}");
    }
    // Errors are readable by the app too.
    assert_eq!(
        reused.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
}

#[test]
fn token_endpoint_refuses_bad_pkce_and_foreign_codes() {
    let mock = start(MockConfig {
        other_client_ids: vec!["second-app".into()],
        ..config()
    });
    let code = |extra: &[(&str, &str)]| sign_in(&mock, extra)["code"].clone();
    let description = |reply: Reply| {
        assert_eq!(reply.status, 400, "{}", reply.body);
        error_of(&reply).1
    };

    let wrong = "another-verifier-that-is-long-enough-to-be-valid-000000";
    assert!(description(redeem(&mock, &code(&[]), Some(wrong))).starts_with("AADSTS501481:"));
    assert!(description(redeem(&mock, &code(&[]), None)).starts_with("AADSTS900144:"));
    assert!(description(redeem(&mock, &code(&[]), Some("short"))).starts_with("AADSTS501481:"));
    // A code is spent by a failed attempt too.
    let spent = code(&[]);
    redeem(&mock, &spent, Some(wrong));
    assert!(description(redeem(&mock, &spent, Some(VERIFIER))).starts_with("AADSTS54005:"));
    assert!(description(redeem(&mock, "made-up", Some(VERIFIER))).starts_with("AADSTS9002313:"));

    // Bound to the client and to the redirect URI it was issued for.
    let other_client = post_form(
        &mock.token_url(),
        &[],
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "someone-else"),
            ("code", &code(&[])),
            ("redirect_uri", APP),
            ("code_verifier", VERIFIER),
        ],
    );
    assert!(description(other_client).starts_with("AADSTS700016:"));
    let registered_other_client = post_form(
        &mock.token_url(),
        &[],
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "second-app"),
            ("code", &code(&[])),
            ("redirect_uri", APP),
            ("code_verifier", VERIFIER),
        ],
    );
    let (error, text) = error_of(&registered_other_client);
    assert_eq!(error, "invalid_grant");
    assert!(text.starts_with("AADSTS70000:"), "{text}");
    let own = format!("{}/", mock.url());
    let issued_for_own = sign_in(&mock, &[("redirect_uri", &own)])["code"].clone();
    let (error, text) = error_of(&redeem(&mock, &issued_for_own, Some(VERIFIER)));
    assert_eq!(error, "invalid_grant");
    assert!(text.starts_with("AADSTS50011:"), "{text}");

    // Short-lived.
    let old = code(&[]);
    mock.advance_clock(Duration::from_secs(61));
    assert!(description(redeem(&mock, &old, Some(VERIFIER))).starts_with("AADSTS70008:"));

    // A public client presents no secret; grant types are checked.
    let client_id = mock.config().client_id.clone();
    let secret = post_form(
        &mock.token_url(),
        &[],
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("client_secret", "x"),
            ("code", &code(&[])),
            ("redirect_uri", APP),
            ("code_verifier", VERIFIER),
        ],
    );
    assert!(description(secret).starts_with("AADSTS700025:"));
    let password = post_form(
        &mock.token_url(),
        &[],
        &[("grant_type", "password"), ("client_id", &client_id)],
    );
    assert_eq!(error_of(&password).0, "unsupported_grant_type");
}

#[test]
fn no_refresh_token_without_offline_access() {
    let mock = start(config());
    let code = sign_in(
        &mock,
        &[(
            "scope",
            "https://api.securitycenter.microsoft.com/.default openid",
        )],
    )["code"]
        .clone();
    let json = redeem(&mock, &code, Some(VERIFIER)).json();
    assert!(json["access_token"].is_string());
    assert!(json.get("refresh_token").is_none());
}

#[test]
fn refresh_rotates_and_expires_after_its_fixed_lifetime() {
    let mock = start(config());
    let first = tokens(&mock);
    let refresh = |token: &str| {
        post_form(
            &mock.token_url(),
            &[("Origin", APP_ORIGIN)],
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &mock.config().client_id),
                ("refresh_token", token),
            ],
        )
    };
    let first_refresh = first["refresh_token"].as_str().expect("a refresh token");
    let second = refresh(first_refresh);
    assert_eq!(second.status, 200, "{}", second.body);
    let second = second.json();
    let second_refresh = second["refresh_token"]
        .as_str()
        .expect("a rotated refresh token");
    assert_ne!(second_refresh, first_refresh);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(
        get(
            &format!("{}/alerts?$top=1", mock.defender_api_base()),
            &[("Authorization", &bearer(&second))]
        )
        .status,
        200
    );

    let reused = refresh(first_refresh);
    assert_eq!(reused.status, 400);
    assert_eq!(error_of(&reused).0, "invalid_grant");

    // SPA refresh tokens do not extend: a day after sign-in even the newest one is refused.
    mock.advance_clock(Duration::from_secs(24 * 3600 + 1));
    let expired = refresh(second_refresh);
    assert!(
        error_of(&expired).1.starts_with("AADSTS700084:"),
        "{}",
        expired.body
    );
}

#[test]
fn cross_origin_redemption_needs_the_spa_platform() {
    let mock = start(MockConfig {
        spa_platform: false,
        ..config()
    });
    let code = sign_in(&mock, &[])["code"].clone();
    let refused = redeem(&mock, &code, Some(VERIFIER));
    assert_eq!(refused.status, 400);
    let (error, description) = error_of(&refused);
    assert_eq!(error, "invalid_request");
    assert!(description.starts_with("AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: 'http://127.0.0.1:9'."), "{description}");
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
}

#[test]
fn token_endpoint_answers_cors_preflight_for_allowed_origins_only() {
    let mock = start(config());
    let allowed = options(
        &mock.token_url(),
        &[
            ("Origin", APP_ORIGIN),
            ("Access-Control-Request-Method", "POST"),
        ],
    );
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert!(allowed
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("POST")));
    let other = options(
        &mock.token_url(),
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
    );
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[test]
fn api_requires_a_valid_unexpired_bearer_token() {
    let mock = start(config());
    let alerts = format!("{}/alerts?$top=2", mock.defender_api_base());
    let missing = get(&alerts, &[]);
    assert_eq!(missing.status, 401);
    assert_eq!(missing.json()["error"]["code"], "Unauthorized");
    assert!(missing.json()["error"]["target"].is_string());
    let forged = get(
        &alerts,
        &[("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")],
    );
    assert_eq!(forged.status, 401);
    assert!(forged.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("not valid"));

    let token = tokens(&mock);
    let ok = get(&alerts, &[("Authorization", &bearer(&token))]);
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["value"].as_array().map(Vec::len), Some(2));
    // Paging stays on the mock.
    let next = ok.json()["@odata.nextLink"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        next.starts_with(&format!("{}/alerts?", mock.defender_api_base())),
        "{next}"
    );
    assert_eq!(
        get(&next, &[("Authorization", &bearer(&token))]).status,
        200
    );
    // The WDATP profile under /testwdatp.
    let wdatp = get(
        &format!("{}/alerts?$top=1", mock.wdatp_api_base()),
        &[("Authorization", &bearer(&token))],
    );
    assert_eq!(wdatp.status, 200, "{}", wdatp.body);
    assert!(wdatp.json()["@odata.context"]
        .as_str()
        .unwrap_or_default()
        .starts_with(&mock.wdatp_api_base()));
    // The engine's own errors pass through.
    let bad = get(
        &format!("{}/nothing-here", mock.defender_api_base()),
        &[("Authorization", &bearer(&token))],
    );
    assert_eq!(bad.status, 404);

    let seen = mock.seen();
    assert_eq!(
        seen.last_authorization.as_deref(),
        Some(bearer(&token).as_str())
    );
    assert_eq!(seen.authorized_requests, 4);
    assert_eq!(seen.rejected_requests, 2);
    assert_eq!(seen.api_requests, 6);

    mock.advance_clock(Duration::from_secs(3601));
    let expired = get(&alerts, &[("Authorization", &bearer(&token))]);
    assert_eq!(expired.status, 401);
    assert!(expired
        .header("www-authenticate")
        .is_some_and(|h| h.contains("expired")));
    let over_http: Value = get(&format!("{}/_mock/seen", mock.url()), &[]).json();
    assert_eq!(over_http["rejected_requests"], 3);
}

#[test]
fn token_lifetime_is_configurable_and_tokens_can_be_expired() {
    let mock = start(MockConfig {
        token_lifetime_secs: 5,
        ..config()
    });
    let token = tokens(&mock);
    assert_eq!(token["expires_in"], 5);
    let alerts = format!("{}/alerts?$top=1", mock.defender_api_base());
    assert_eq!(
        get(&alerts, &[("Authorization", &bearer(&token))]).status,
        200
    );
    mock.expire_access_tokens();
    assert_eq!(
        get(&alerts, &[("Authorization", &bearer(&token))]).status,
        401
    );
    mock.set_token_lifetime(120);
    assert_eq!(tokens(&mock)["expires_in"], 120);
}

#[test]
fn api_answers_cors_preflight_and_exposes_retry_after() {
    let mock = start(config());
    let alerts = format!("{}/alerts", mock.defender_api_base());
    let preflight = options(
        &alerts,
        &[
            ("Origin", APP_ORIGIN),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert!(preflight
        .header("access-control-allow-headers")
        .is_some_and(|h| h.contains("Authorization")));
    assert!(preflight
        .header("access-control-allow-methods")
        .is_some_and(|h| h.contains("GET")));
    let stranger = options(
        &alerts,
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "GET"),
        ],
    );
    assert_eq!(stranger.header("access-control-allow-origin"), None);

    let token = tokens(&mock);
    let answer = get(
        &alerts,
        &[("Origin", APP_ORIGIN), ("Authorization", &bearer(&token))],
    );
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert!(answer
        .header("access-control-expose-headers")
        .is_some_and(|h| h.contains("Retry-After")));
    // Preflights are not API calls.
    assert_eq!(mock.seen().preflights, 2);
    assert_eq!(mock.seen().api_requests, 1);
}

#[test]
fn each_fault_works_for_its_count() {
    let mock = start(config());
    let token = tokens(&mock);
    let auth = bearer(&token);
    let alerts = format!("{}/alerts?$top=3", mock.defender_api_base());
    let call = || get(&alerts, &[("Origin", APP_ORIGIN), ("Authorization", &auth)]);

    mock.inject(Fault::times(FaultKind::Unauthorized, 1));
    assert_eq!(call().status, 401);
    assert_eq!(call().status, 200);

    mock.inject(Fault::times(FaultKind::Forbidden, 1));
    let forbidden = call();
    assert_eq!(forbidden.status, 403);
    assert_eq!(forbidden.json()["error"]["code"], "Forbidden");

    mock.inject(Fault::times(
        FaultKind::Throttled {
            retry_after_secs: 7,
        },
        2,
    ));
    for _ in 0..2 {
        let throttled = call();
        assert_eq!(throttled.status, 429);
        assert_eq!(throttled.header("retry-after"), Some("7"));
        assert_eq!(throttled.json()["error"]["code"], "TooManyRequests");
        assert_eq!(
            throttled.header("access-control-allow-origin"),
            Some(APP_ORIGIN)
        );
    }
    assert_eq!(call().status, 200);

    mock.inject(Fault::times(FaultKind::ServerError, 1));
    assert_eq!(call().status, 500);

    mock.inject(Fault::times(FaultKind::Slow { delay_ms: 400 }, 1));
    let started = Instant::now();
    assert_eq!(call().status, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));

    mock.inject(Fault::times(FaultKind::NoCors, 1));
    let no_cors = call();
    assert_eq!(no_cors.status, 200);
    assert_eq!(no_cors.header("access-control-allow-origin"), None);
    assert_eq!(
        call().header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );

    mock.inject(Fault::times(FaultKind::Truncated, 1));
    let mut truncated = agent()
        .get(&alerts)
        .header("Authorization", &auth)
        .call()
        .expect("headers arrive");
    assert_eq!(truncated.status(), 200);
    assert!(
        truncated.body_mut().read_to_string().is_err(),
        "the body is cut short"
    );
    assert_eq!(call().status, 200);

    // Until cleared.
    mock.inject(Fault::always(FaultKind::ServerError));
    assert_eq!(call().status, 500);
    assert_eq!(call().status, 500);
    mock.clear_faults();
    assert_eq!(call().status, 200);
    assert!(mock.faults().is_empty());
}

#[test]
fn faults_are_settable_over_http() {
    let mock = start(config());
    let token = tokens(&mock);
    let alerts = format!("{}/alerts?$top=1", mock.defender_api_base());
    let faults = format!("{}/_mock/faults", mock.url());
    let set = read(
        agent()
            .post(&faults)
            .header("Content-Type", "application/json")
            .send(r#"[{"fault":"throttled","retry_after_secs":3,"times":1},{"fault":"forbidden","times":1}]"#),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    // Open to any origin, so a browser-side test can drive the faults too.
    assert_eq!(set.header("access-control-allow-origin"), Some("*"));
    let preflight = options(
        &faults,
        &[
            ("Origin", "http://127.0.0.1:9"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(preflight
        .header("access-control-allow-headers")
        .is_some_and(|h| h.contains("Content-Type")));
    assert_eq!(set.json().as_array().map(Vec::len), Some(2));
    assert_eq!(
        mock.faults()[0],
        Fault::times(
            FaultKind::Throttled {
                retry_after_secs: 3
            },
            1
        )
    );
    let auth = bearer(&token);
    assert_eq!(
        get(&alerts, &[("Authorization", &auth)]).header("retry-after"),
        Some("3")
    );
    assert_eq!(get(&alerts, &[("Authorization", &auth)]).status, 403);
    assert_eq!(get(&alerts, &[("Authorization", &auth)]).status, 200);

    let bad = read(agent().post(&faults).send(r#"{"fault":"meteor"}"#));
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("throttled"),
        "the error lists the faults: {}",
        bad.body
    );

    read(agent().post(&faults).send(r#"{"fault":"unauthorized"}"#));
    assert_eq!(get(&faults, &[]).json()[0]["fault"], "unauthorized");
    assert_eq!(read(agent().delete(&faults).call()).status, 204);
    assert_eq!(get(&alerts, &[("Authorization", &auth)]).status, 200);
}

fn temp_dist(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atp-mock-{name}-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("a temp dir");
    fs::write(dir.join("index.html"), "<html>app</html>").expect("index.html");
    fs::write(dir.join("app.js"), "export {}").expect("app.js");
    dir
}

#[test]
fn serves_dist_beside_the_tenant() {
    let dist = temp_dist("dist");
    let mock = start(MockConfig {
        dist: Some(dist.clone()),
        ..config()
    });
    let index = get(&format!("{}/", mock.url()), &[]);
    assert_eq!(
        (index.status, index.body.as_str()),
        (200, "<html>app</html>")
    );
    assert_eq!(index.header("cache-control"), Some("no-store"));
    let js = get(&format!("{}/app.js", mock.url()), &[]);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        get(&format!("{}/?profile=wdatp&q=/alerts", mock.url()), &[]).body,
        "<html>app</html>"
    );
    // Like a plain static host: no rewrite of unknown paths to the app.
    assert_eq!(
        get(&format!("{}/alerts/123?x=1", mock.url()), &[]).status,
        404
    );
    assert_eq!(
        get(&format!("{}/missing.wasm", mock.url()), &[]).status,
        404
    );
    assert_eq!(
        get(&format!("{}/%2e%2e/%2e%2e/etc/passwd.txt", mock.url()), &[]).status,
        404
    );
    let head = read(agent().head(format!("{}/?q=/alerts", mock.url())).call());
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    // The tenant still answers on the same origin.
    assert_eq!(
        get(
            &format!("{}/v2.0/.well-known/openid-configuration", mock.authority()),
            &[]
        )
        .status,
        200
    );
    assert!(mock
        .banner()
        .contains(&format!("ATP Explorer: {}/", mock.url())));
    drop(mock);
    fs::remove_dir_all(&dist).ok();

    let tenant_only = start(config());
    assert_eq!(get(&format!("{}/", tenant_only.url()), &[]).status, 404);
    assert!(MockTenant::start(MockConfig {
        dist: Some(std::env::temp_dir().join("atp-mock-no-such-dist")),
        ..config()
    })
    .is_err());
}

#[test]
fn logout_ends_the_session_and_returns_to_the_app() {
    let mock = start(config());
    let logout = format!("{}/oauth2/v2.0/logout", mock.authority());
    let back = get(
        &format!("{logout}?post_logout_redirect_uri={}&state=s1", APP),
        &[],
    );
    assert_eq!(back.status, 302);
    assert_eq!(
        back.header("location"),
        Some("http://127.0.0.1:9/?state=s1")
    );
    assert!(back
        .header("set-cookie")
        .is_some_and(|c| c.contains("Max-Age=0")));
    let elsewhere = get(
        &format!("{logout}?post_logout_redirect_uri=https://evil.example/"),
        &[],
    );
    assert_eq!(elsewhere.status, 200);
    assert!(elsewhere.body.contains("signed out"));
}

#[test]
fn drop_frees_the_port() {
    let mock = start(config());
    let addr = mock.addr();
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    // A slow request in flight must not hold up the drop.
    mock.inject(Fault::always(FaultKind::Slow { delay_ms: 30_000 }));
    let url = format!("{}/alerts", mock.defender_api_base());
    let pending = std::thread::spawn(move || agent().get(&url).call().is_err());
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    drop(mock);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(TcpListener::bind(addr).is_ok(), "the port is free again");
    assert!(
        pending.join().unwrap_or(false),
        "the in-flight request was cut off"
    );
}

#[test]
fn settings_tell_the_app_where_to_sign_in() {
    let mock = start(config());
    let settings: atp_tenant::AppSettings =
        serde_json::from_str(&get(&format!("{}/_mock/config", mock.url()), &[]).body)
            .expect("settings JSON");
    assert_eq!(settings, mock.settings());
    assert_eq!(settings.authority, mock.authority());
    assert_eq!(settings.redirect_uri, format!("{}/", mock.url()));
    assert_eq!(
        settings.scope,
        format!(
            "{}/.default openid profile offline_access",
            atp_tenant::API_RESOURCE
        )
    );
    assert!(mock.banner().contains(&settings.client_id));
}

#[test]
fn consent_page_escapes_what_it_shows() {
    let mock = start(MockConfig {
        user: atp_tenant::MockUser {
            name: "<img src=x onerror=alert(1)>".into(),
            ..atp_tenant::MockUser::default()
        },
        ..config()
    });
    let page = get(
        &authorize_url(&mock, &[("scope", "openid <b>bold</b>")]),
        &[],
    );
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Sign in as &lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.body.contains("<b>bold"));
    assert!(page
        .header("content-security-policy")
        .is_some_and(|p| p.contains("default-src 'none'")));
}

#[test]
fn refresh_tokens_are_bound_to_their_client() {
    let mock = start(MockConfig {
        other_client_ids: vec!["second-app".into()],
        ..config()
    });
    let token = tokens(&mock);
    let refresh_token = token["refresh_token"].as_str().expect("a refresh token");
    let reply = post_form(
        &mock.token_url(),
        &[],
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "second-app"),
            ("refresh_token", refresh_token),
        ],
    );
    let (error, text) = error_of(&reply);
    assert_eq!(error, "invalid_grant");
    assert!(text.starts_with("AADSTS70000:"), "{text}");
}

#[test]
fn api_refuses_tokens_for_another_resource() {
    let mock = start(config());
    // Only OpenID scopes: Entra issues a Microsoft Graph token, which the Defender API refuses.
    let code = sign_in(&mock, &[("scope", "openid profile")])["code"].clone();
    let token = redeem(&mock, &code, Some(VERIFIER)).json();
    assert_eq!(token["scope"], "https://graph.microsoft.com/User.Read");
    assert_eq!(
        jwt_claims(token["access_token"].as_str().expect("an access token"))["aud"],
        atp_tenant::GRAPH_RESOURCE
    );
    let defender = get(
        &format!("{}/alerts?$top=1", mock.defender_api_base()),
        &[("Authorization", &bearer(&token))],
    );
    assert_eq!(defender.status, 401);
    assert!(defender
        .header("www-authenticate")
        .is_some_and(|h| h.contains("audience")));
    // The Graph-hosted WDATP profile takes a Graph token.
    let wdatp = get(
        &format!("{}/alerts?$top=1", mock.wdatp_api_base()),
        &[("Authorization", &bearer(&token))],
    );
    assert_eq!(wdatp.status, 200, "{}", wdatp.body);
}
