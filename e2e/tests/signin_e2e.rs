//! Sign-in end to end: the release app on one loopback origin, the mock Entra tenant and API on another,
//! in headless Chromium. Authorization code + PKCE, the bearer token checked by the server, faults.
#![cfg(not(target_arch = "wasm32"))]

use atp_e2e::live::{live_link, mock_for};
use atp_e2e::{Browser, LOAD_MORE};
use atp_tenant::{Fault, FaultKind, MockTenant, StaticServer};

/// The app (cross-origin from the tenant, as in production) and a tenant that trusts it.
struct Setup {
    browser: Browser,
    tenant: MockTenant,
    _app: StaticServer,
}

/// Opens the app pre-configured (by its address, as a shared link would) for the live API behind the
/// mock tenant, on `query` (a Defender request path).
async fn setup(query: &str) -> Setup {
    let app = StaticServer::start(atp_e2e::dist(), "127.0.0.1:0".parse().expect("loopback"))
        .expect("serve dist/");
    let tenant = mock_for(&app, Vec::new());
    let live = live_link(&tenant, &tenant.settings().defender_api_base, true);
    let path = format!("/{live}&profile=mde&q={}", query.replace('&', "%26"));
    let browser = Browser::open_url(&app.url(), &path).await;
    // The link's settings change nothing until the analyst accepts them.
    browser.click_button("Use for this tab").await;
    Setup {
        browser,
        tenant,
        _app: app,
    }
}

impl Setup {
    async fn sign_in(&self) {
        self.browser.click_button("Sign in").await;
        self.browser.wait_for_text("Signed in as").await;
    }

    /// No token in localStorage, sessionStorage, or any address the tab showed.
    async fn assert_no_token_stored(&self) {
        let storage = self
            .browser
            .script(
                "return JSON.stringify(Object.assign({}, localStorage)) + JSON.stringify(Object.assign({}, sessionStorage));",
            )
            .await;
        let storage = storage.as_str().unwrap_or_default().to_string();
        let seen = self.tenant.seen();
        if let Some(authorization) = seen.last_authorization {
            let token = authorization.trim_start_matches("Bearer ").to_string();
            assert!(
                !storage.contains(&token),
                "a token in web storage: {storage}"
            );
        }
        for word in ["access_token", "refresh_token", "id_token", "eyJ"] {
            assert!(!storage.contains(word), "{word} in web storage: {storage}");
        }
        let url = self.browser.current_url().await;
        assert!(!url.contains("code=") && !url.contains("state="), "{url}");
        let history = self.browser.script("return history.length;").await;
        assert!(history.as_u64().unwrap_or(0) >= 1);
    }
}

#[tokio::test]
async fn sign_in_runs_the_composed_query_with_a_checked_bearer_token() {
    let s = setup("/alerts?$top=5").await;
    // Before sign-in the query is refused with the way forward, and kept.
    s.browser.wait_for_text("Not signed in.").await;
    s.browser.wait_for_value("$top", "5").await;
    s.sign_in().await;
    let cards = s.browser.wait_for_cards(5).await;
    assert!(cards.iter().all(|(kind, _)| kind == "Alert"), "{cards:?}");
    s.browser.wait_for_value("$top", "5").await;
    let seen = s.tenant.seen();
    assert!(seen.authorized_requests >= 1, "{seen:?}");
    assert!(seen
        .last_authorization
        .as_deref()
        .is_some_and(|a| a.starts_with("Bearer ")));
    s.assert_no_token_stored().await;

    // Sign out forgets the token and what the API answered: the cards go, the next run asks to sign in.
    s.browser.click_button("Sign out").await;
    s.browser
        .wait_until("the live cards to be forgotten", || async {
            let cards = s.browser.cards().await;
            (cards.is_empty(), format!("{cards:?}"))
        })
        .await;
    s.browser.click_button("Run").await;
    s.browser.wait_for_text("Not signed in.").await;
    s.browser.close().await;
}

#[tokio::test]
async fn a_tampered_state_is_refused_and_no_token_is_requested() {
    let s = setup("/machines?$top=3").await;
    // Start a sign-in, then come back with an answer whose state is not ours.
    s.browser.click_button("Sign in").await;
    s.browser.wait_for_text("Signed in as").await;
    s.browser.click_button("Sign out").await;
    let tokens_before = s.tenant.seen().tokens_issued;
    let pending = serde_json::json!({
        "state": "the-state-we-sent", "verifier": "v".repeat(43), "return_to": "?profile=mde&q=/machines?$top=3",
        "redirect_uri": "x", "token_endpoint": "x", "client_id": "x", "scopes": "x"
    });
    s.browser
        .script(&format!(
            "sessionStorage.setItem('atp-explorer.pending-sign-in', JSON.stringify({pending})); return 1;"
        ))
        .await;
    let base = s.browser.base.clone();
    s.browser
        .client
        .goto(&format!("{base}/#code=stolen&state=forged"))
        .await
        .expect("come back with a forged answer");
    s.browser.wait_for_text("its state differs").await;
    assert_eq!(
        s.tenant.seen().tokens_issued,
        tokens_before,
        "no code was redeemed"
    );
    s.assert_no_token_stored().await;
    // The composed query is back in the controls.
    s.browser.wait_for_value("$top", "3").await;
    s.browser.close().await;
}

#[tokio::test]
async fn expiry_refreshes_silently_and_a_second_401_asks_to_sign_in() {
    let s = setup("/alerts?$top=2").await;
    s.sign_in().await;
    s.browser.wait_for_cards(2).await;
    let issued = s.tenant.seen().tokens_issued;
    s.tenant.expire_access_tokens();
    s.browser.click_button("Run").await;
    s.browser.wait_for_text("HTTP 200").await;
    assert!(s.tenant.seen().tokens_issued > issued, "a refresh happened");
    s.browser.wait_for_cards(2).await;

    // Unauthorized even after the refresh: sign in again, the query is kept.
    s.tenant.inject(Fault::times(FaultKind::Unauthorized, 2));
    s.browser.replace_text("$top", "4").await;
    s.browser.click_button("Run").await;
    s.browser
        .wait_for_text("Not signed in, or the sign-in has expired")
        .await;
    s.browser.wait_for_value("$top", "4").await;
    s.assert_no_token_stored().await;
    s.browser.close().await;
}

#[tokio::test]
async fn throttling_counts_down_then_succeeds_and_403_and_cors_are_explained() {
    let s = setup("/alerts?$top=3").await;
    s.sign_in().await;
    s.browser.wait_for_cards(3).await;

    s.tenant.inject(Fault::times(
        FaultKind::Throttled {
            retry_after_secs: 2,
        },
        1,
    ));
    s.browser.click_button("Run").await;
    s.browser.wait_for_text("Running the query again in").await;
    s.browser.wait_for_cards(3).await;

    s.tenant.inject(Fault::times(FaultKind::Forbidden, 1));
    s.browser.click_button("Run").await;
    s.browser
        .wait_for_text("Signed in, but not allowed to read this")
        .await;
    s.browser.wait_for_text("Alert.Read.All").await;

    // Switching tenant checks the tenant first, and says why it refuses.
    s.browser
        .replace_text("Switch to tenant", "not a tenant")
        .await;
    s.browser.click_button("Switch tenant").await;
    s.browser
        .wait_for_text("is not a tenant: use its GUID")
        .await;

    // A body cut off mid-answer is reported, not rendered half.
    s.tenant.inject(Fault::times(FaultKind::Truncated, 1));
    s.browser.click_button("Run").await;
    s.browser.wait_for_text("did not answer this page").await;
    s.browser.wait_for_value("$top", "3").await;

    s.tenant.inject(Fault::times(FaultKind::NoCors, 1));
    s.browser.click_button("Run").await;
    s.browser
        .wait_for_text("does not accept requests from this page's origin (CORS)")
        .await;
    s.browser
        .wait_for_text("use the Microsoft Graph security profile")
        .await;
    s.assert_no_token_stored().await;
    s.browser.close().await;
}

#[tokio::test]
async fn a_page_that_fails_keeps_the_cards_and_load_more_asks_again() {
    let s = setup("/alerts?$top=3").await;
    s.sign_in().await;
    s.browser.wait_for_cards(3).await;

    s.tenant.inject(Fault::times(FaultKind::ServerError, 1));
    s.browser.click_button("Load more").await;
    s.browser.wait_for_text("The API failed").await;
    s.browser
        .wait_for_text("The 3 results loaded stay; \"Load more\" asks for the next page again.")
        .await;
    assert_eq!(s.browser.cards().await.len(), 3);

    // While a slow page is on its way the button says so, keeps the focus, and a second press asks nothing
    // more.
    s.tenant
        .inject(Fault::times(FaultKind::Slow { delay_ms: 1500 }, 1));
    let asked = s.tenant.seen().api_requests;
    s.browser
        .script(&format!(
            "const b = {LOAD_MORE}; b.focus(); b.click(); return 1;"
        ))
        .await;
    s.browser.wait_for_text("Loading…").await;
    let busy = "const a = document.activeElement; return [a.textContent.trim(), a.getAttribute('aria-disabled')];";
    assert_eq!(
        s.browser.script(busy).await,
        serde_json::json!(["Loading…", "true"])
    );
    s.browser
        .script("document.activeElement.click(); return 1;")
        .await;
    s.browser.wait_for_cards(6).await;
    s.browser.wait_for_text("6 results").await;
    assert_eq!(
        s.browser.script(busy).await,
        serde_json::json!(["Load more", null])
    );
    assert_eq!(
        s.tenant.seen().api_requests - asked,
        1,
        "the second press asked for the page again"
    );
    let problems = s
        .browser
        .script("return document.querySelectorAll('.results [role=alert]').length;")
        .await;
    assert_eq!(problems, 0, "the problem is gone once the page came");
    s.browser.close().await;
}

#[tokio::test]
async fn throttling_retries_again_then_gives_up_with_a_message() {
    let s = setup("/alerts?$top=2").await;
    s.sign_in().await;
    s.browser.wait_for_cards(2).await;

    // Two 429s in a row: the countdown comes back for the second, and the third send succeeds.
    s.tenant.inject(Fault::times(
        FaultKind::Throttled {
            retry_after_secs: 1,
        },
        2,
    ));
    s.browser.replace_text("$top", "3").await;
    s.browser.click_button("Run").await;
    s.browser.wait_for_text("Running the query again in").await;
    s.browser.wait_for_cards(3).await;

    // Throttled for good: three automatic retries, then the problem and what to do, the query kept.
    s.tenant.inject(Fault::times(
        FaultKind::Throttled {
            retry_after_secs: 1,
        },
        10,
    ));
    s.browser.replace_text("$top", "4").await;
    s.browser.click_button("Run").await;
    s.browser
        .wait_for_text("the API still refused after 3 automatic retries")
        .await;
    s.browser.wait_for_text("wait a few minutes").await;
    s.browser.wait_for_value("$top", "4").await;
    s.browser.close().await;
}
