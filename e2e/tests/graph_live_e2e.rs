//! A token per resource, signed in against the mock Entra tenant: a Graph investigation that pivots into
//! Defender's routes sends Graph's token to Graph and Defender's to Defender, getting the second from the
//! refresh token as MSAL does, or through a second sign-in when the API needs consent first.
#![cfg(not(target_arch = "wasm32"))]

use atp_core::auth::{token_audience, DEFENDER_RESOURCE, GRAPH_RESOURCE};
use atp_e2e::graph::SOURCE_ALERT;
use atp_e2e::live::{live_link, mock_for};
use atp_e2e::Browser;
use atp_tenant::{MockTenant, StaticServer};

struct Setup {
    browser: Browser,
    tenant: MockTenant,
    _app: StaticServer,
}

/// The app signed in to the mock tenant on the Graph profile, on the source alert as an alert v2. The
/// API base is the tenant's origin, which serves every profile's path (`/v1.0`, `/api`).
async fn signed_in_on_graph(consent_needed: Vec<String>) -> Setup {
    let app = StaticServer::start(atp_e2e::dist(), "127.0.0.1:0".parse().expect("loopback"))
        .expect("serve dist/");
    let tenant = mock_for(&app, consent_needed);
    // No scopes: each profile asks its own API's.
    let live = live_link(&tenant, &tenant.url(), false);
    let path = format!("/{live}&profile=graph&q=/security/alerts_v2/{SOURCE_ALERT}");
    let browser = Browser::open_url(&app.url(), &path).await;
    browser.click_button("Use for this tab").await;
    browser.click_button("Sign in").await;
    browser.wait_for_text("Signed in as").await;
    browser.wait_for_at_least_cards(1).await;
    assert_eq!(bearer_audience(&tenant).as_deref(), Some(GRAPH_RESOURCE));
    Setup {
        browser,
        tenant,
        _app: app,
    }
}

/// The audience of the last bearer token the API saw.
fn bearer_audience(tenant: &MockTenant) -> Option<String> {
    let bearer = tenant.seen().last_authorization?;
    token_audience(bearer.trim_start_matches("Bearer "))
}

impl Setup {
    /// Follows the device evidence's pivot to the Defender machine.
    async fn pivot_to_the_machine(&self) {
        let link = self
            .browser
            .script(
                "const a = Array.from(document.querySelectorAll('nav.pivots a')).find(a => a.textContent.startsWith('Machine '));
                 return a ? a.textContent : '';",
            )
            .await;
        let link = link.as_str().unwrap_or_default().to_string();
        assert!(!link.is_empty(), "a machine pivot from the device evidence");
        self.browser.click_link(&link).await;
    }

    async fn wait_for_the_machine(&self) {
        self.browser
            .wait_until("the Defender machine's card", || async {
                let url = self.browser.current_url().await;
                let cards = self.browser.cards().await;
                (
                    url.contains("profile=mde") && cards.len() == 1 && cards[0].0 == "Machine",
                    format!("{url} {cards:?}"),
                )
            })
            .await;
    }
}

#[tokio::test]
async fn a_pivot_into_defender_gets_defenders_own_token_from_the_refresh_token() {
    let s = signed_in_on_graph(Vec::new()).await;
    let tokens_before = s.tenant.seen().tokens_issued;
    s.pivot_to_the_machine().await;
    s.wait_for_the_machine().await;
    assert_eq!(
        bearer_audience(&s.tenant).as_deref(),
        Some(DEFENDER_RESOURCE)
    );
    assert_eq!(
        s.tenant.seen().tokens_issued,
        tokens_before + 1,
        "one refresh, for Defender's resource"
    );
    // Back on Graph, Graph's token is still held: no new token, and Graph's audience again.
    let tokens = s.tenant.seen().tokens_issued;
    s.browser.client.back().await.expect("Back");
    s.browser
        .wait_until("the alert v2 again", || async {
            let cards = s.browser.cards().await;
            let audience = bearer_audience(&s.tenant);
            (
                cards.iter().any(|(kind, _)| kind.contains("Alert"))
                    && audience.as_deref() == Some(GRAPH_RESOURCE),
                format!("{cards:?} {audience:?}"),
            )
        })
        .await;
    assert_eq!(s.tenant.seen().tokens_issued, tokens);
    s.browser.close().await;
}

#[tokio::test]
async fn an_api_without_consent_asks_for_a_sign_in_there_and_then_answers() {
    let s = signed_in_on_graph(vec![DEFENDER_RESOURCE.to_string()]).await;
    let authorized = s.tenant.seen().authorized_requests;
    s.pivot_to_the_machine().await;
    // The refresh token cannot get Defender's token: the page says so, and what to do.
    s.browser
        .wait_for_text("has not consented to use the application")
        .await;
    s.browser
        .wait_for_text("Sign in on this profile to consent")
        .await;
    assert_eq!(
        s.tenant.seen().authorized_requests,
        authorized,
        "nothing was sent to Defender without its token"
    );
    // Signing in on the Defender profile asks Defender's scopes (incremental consent), then it answers.
    s.browser.click_button("Sign out").await;
    s.browser.click_button("Sign in").await;
    s.browser.wait_for_text("Signed in as").await;
    s.wait_for_the_machine().await;
    assert_eq!(
        bearer_audience(&s.tenant).as_deref(),
        Some(DEFENDER_RESOURCE)
    );
    s.browser.close().await;
}

/// A documented example response of Microsoft Graph (`core/tests/reference/samples/graph/`).
fn sample(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/reference/samples/graph")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test]
async fn microsofts_graph_examples_render_when_the_live_api_answers_them() {
    let s = signed_in_on_graph(Vec::new()).await;
    for (file, request, kind, heading) in [
        (
            "list-alerts_v2.1.response.json",
            "/security/alerts_v2?$top=1",
            "Alert",
            "Suspicious execution of hidden file",
        ),
        (
            "list-incidents-expand-alerts.1.response.json",
            "/security/incidents?$expand=alerts",
            "Incident",
            "Multi-stage incident involving Initial access",
        ),
    ] {
        s.tenant.inject(atp_tenant::Fault::times(
            atp_tenant::FaultKind::Body { body: sample(file) },
            1,
        ));
        s.browser.replace_text("Request URL", request).await;
        s.browser.click_button("Run").await;
        s.browser
            .wait_until(&format!("the card of {file}"), || async {
                let cards = s.browser.cards().await;
                (
                    cards
                        .iter()
                        .any(|(k, h)| k.contains(kind) && h.starts_with(heading)),
                    format!("{cards:?}"),
                )
            })
            .await;
    }
    // The incident's alert, nested in its card.
    s.browser.wait_for_text("Alerts (").await;
    s.browser.close().await;
}

/// The Hunting view's result rows (those built).
async fn hunt_rows(browser: &Browser) -> usize {
    let v = browser
        .script("const t = document.querySelector('table[aria-label=\"Hunting results\"]'); return t ? t.querySelectorAll('tbody tr:not(.spacer)').length : 0;")
        .await;
    v.as_u64().unwrap_or(0) as usize
}

#[tokio::test]
async fn a_live_hunt_goes_to_graph_with_graphs_token_and_microsofts_examples_render() {
    let s = signed_in_on_graph(Vec::new()).await;
    s.browser.click_button("Advanced hunting").await;
    let editor = s.browser.control("KQL query").await;
    editor
        .send_keys("DeviceProcessEvents | take 3")
        .await
        .expect("type");
    s.browser.click_button("Run query").await;
    s.browser
        .wait_until("three rows from the live API", || async {
            let rows = hunt_rows(&s.browser).await;
            (rows == 3, rows.to_string())
        })
        .await;
    let seen = s.tenant.seen();
    assert!(
        seen.last_api_path
            .as_deref()
            .is_some_and(|p| p.ends_with("/security/runHuntingQuery")),
        "{seen:?}"
    );
    assert_eq!(bearer_audience(&s.tenant).as_deref(), Some(GRAPH_RESOURCE));
    // Microsoft's documented answers (both capitalisations of the schema) render as tables.
    for (file, rows) in [
        ("run-hunting-query.2.response.json", 4),
        ("run-hunting-query.3.response.json", 2),
    ] {
        s.tenant.inject(atp_tenant::Fault::times(
            atp_tenant::FaultKind::Body { body: sample(file) },
            1,
        ));
        s.browser.click_button("Run query").await;
        s.browser
            .wait_until(&format!("the rows of {file}"), || async {
                let found = hunt_rows(&s.browser).await;
                (found == rows, found.to_string())
            })
            .await;
    }
    s.browser.close().await;
}
