//! A shared link cannot move the token or the sign-in: the attack of issue 20, as an attacker would try
//! it. The analyst's live settings point at one mock tenant; a link names another host; nothing reaches
//! that host and nothing is stored until the analyst agrees.
#![cfg(not(target_arch = "wasm32"))]

use atp_e2e::live::{live_link, mock_for};
use atp_e2e::Browser;
use atp_tenant::StaticServer;

const SETTINGS: &str = "return localStorage.getItem('atp-explorer.settings');";
const TAB_SETTINGS: &str = "return sessionStorage.getItem('atp-explorer.tab-settings');";

#[tokio::test]
async fn a_link_to_another_host_gets_no_token_and_stores_nothing_until_accepted() {
    let app = StaticServer::start(atp_e2e::dist(), "127.0.0.1:0".parse().expect("loopback"))
        .expect("serve dist/");
    let ours = mock_for(&app, Vec::new());
    let theirs = mock_for(&app, Vec::new());

    // The analyst configures the live API (the link is their own: they save it) and signs in.
    let browser = Browser::open_url(
        &app.url(),
        &format!(
            "/{}&profile=mde&q=/alerts?$top=5",
            live_link(&ours, &ours.settings().defender_api_base, true)
        ),
    )
    .await;
    browser
        .wait_for_text("This link asks to change your settings")
        .await;
    assert_eq!(browser.script(SETTINGS).await, serde_json::Value::Null);
    browser.click_button("Save these settings").await;
    browser.click_button("Sign in").await;
    browser.wait_for_text("Signed in as").await;
    browser.wait_for_cards(5).await;
    let saved = browser.script(SETTINGS).await;
    assert!(saved
        .as_str()
        .is_some_and(|s| s.contains(&ours.settings().defender_api_base)));

    // The attacker's link: another API base, the same innocent query.
    let attack = format!(
        "/?base={}&profile=mde&q=/alerts?$top%3D5",
        theirs.settings().defender_api_base
    );
    browser
        .client
        .goto(&format!("{}{attack}", app.url()))
        .await
        .expect("open the link");
    browser
        .wait_for_text("This link asks to change your settings")
        .await;
    // The change is shown old → new with its host, marked as not known.
    let consent = browser
        .script("return document.querySelector('section.link-consent').innerText;")
        .await;
    let consent = consent.as_str().unwrap_or_default().to_string();
    for expected in [
        "API base URL",
        &ours.settings().defender_api_base,
        &theirs.settings().defender_api_base,
        "not a known host",
        "Use for this tab",
        "Ignore",
    ] {
        assert!(consent.contains(expected), "{expected:?} in {consent}");
    }
    assert_eq!(browser.script(SETTINGS).await, saved, "nothing stored");

    // Ignored: the current settings stay, the link's query runs against them after sign-in.
    browser.click_button("Ignore").await;
    assert!(
        !browser.current_url().await.contains("base="),
        "the address keeps only the view"
    );
    browser.wait_for_value("$top", "5").await;
    browser.click_button("Sign in").await;
    browser.wait_for_text("Signed in as").await;
    browser.wait_for_cards(5).await;
    let seen = theirs.seen();
    assert_eq!(
        (seen.api_requests, seen.preflights, seen.token_requests),
        (0, 0, 0),
        "the other host heard nothing: {seen:?}"
    );
    assert!(ours.seen().authorized_requests >= 2);
    assert_eq!(browser.script(SETTINGS).await, saved, "nothing stored");

    // Accepted for this tab: in force here, the saved settings untouched.
    browser
        .client
        .goto(&format!("{}{attack}", app.url()))
        .await
        .expect("open the link again");
    browser.click_button("Use for this tab").await;
    browser
        .wait_for_value("API base URL", &theirs.settings().defender_api_base)
        .await;
    assert_eq!(
        browser.script(SETTINGS).await,
        saved,
        "the saved settings stay"
    );
    let tab = browser.script(TAB_SETTINGS).await;
    assert!(
        tab.as_str()
            .is_some_and(|s| s.contains(&theirs.settings().defender_api_base)),
        "{tab}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_link_to_a_look_alike_sign_in_is_named_and_can_be_ignored() {
    let browser = Browser::open(
        "/?api=live&authority=https://login.microsoftonline.com.evil.example\
         &client_id=00000000-0000-0000-0000-000000000001&redirect_uri=https://evil.example/cb\
         &profile=mde&q=/machines?$top%3D2",
    )
    .await;
    browser
        .wait_for_text("This link asks to change your settings")
        .await;
    let consent = browser
        .script("return document.querySelector('section.link-consent').innerText;")
        .await;
    let consent = consent.as_str().unwrap_or_default().to_string();
    for expected in [
        "Authority",
        "https://login.microsoftonline.com.evil.example: not a known host",
        "Redirect URI",
        "https://evil.example: not a known host",
        "Demo tenant (no sign-in)",
        "Live API (sign in)",
    ] {
        assert!(consent.contains(expected), "{expected:?} in {consent}");
    }
    browser.click_button("Ignore").await;
    // The link's view on the settings in force (the demo tenant), nothing stored or kept for the tab.
    browser.wait_for_cards(2).await;
    assert_eq!(browser.script(SETTINGS).await, serde_json::Value::Null);
    assert_eq!(browser.script(TAB_SETTINGS).await, serde_json::Value::Null);
    assert_eq!(
        browser.value("Authority").await,
        "https://login.microsoftonline.com"
    );
    browser.close().await;
}
