//! End-to-end: the release `dist/` served on loopback, driven in headless Chromium through WebDriver.
//!
//! `cargo xtask test` builds `dist/` first and sets `ATP_DIST` and `CHROMEDRIVER`.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Browser;

const SOURCE_EXAMPLE: &str = "https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine";

#[tokio::test]
async fn the_controls_write_the_request_url() {
    let browser = Browser::open("/").await;
    browser.wait_for_value("Request URL", SOURCE_EXAMPLE).await;

    browser.choose("Entity", "File").await;
    browser.choose("Action", "GetMachines /files/{id}/machines").await;
    browser
        .type_into("id", "6532ec91d513acc05f43ee0aa3002599729fd3e1")
        .await;
    browser.replace_text("$top", "7").await;
    browser
        .wait_for_value(
            "Request URL",
            "https://graph.microsoft.com/testwdatp/files/6532ec91d513acc05f43ee0aa3002599729fd3e1/machines?$top=7",
        )
        .await;
    // The source printed this route wrong; the app says so.
    browser.wait_for_text("/files{id}/machines (a missing slash)").await;

    browser.choose("Profile", "Defender for Endpoint").await;
    browser.choose("Region", "Europe").await;
    browser
        .wait_for_value(
            "Request URL",
            "https://eu.api.security.microsoft.com/api/files/6532ec91d513acc05f43ee0aa3002599729fd3e1/machines?$top=7",
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_typed_url_moves_the_controls_and_bad_input_is_explained() {
    let browser = Browser::open("/").await;
    browser
        .replace_text(
            "Request URL",
            "https://graph.microsoft.com/testwdatp/machines/find(key='ws-042.contoso.com',timestamp=2017-06-27T02:36:53Z)?$expand=logonusers",
        )
        .await;
    browser.wait_for_selected("Entity", "Machine").await;
    browser
        .wait_for_selected("Action", "Find /machines/find(key={id},timestamp={time})")
        .await;
    browser.wait_for_value("id", "ws-042.contoso.com").await;
    browser.wait_for_value("time", "2017-06-27T02:36:53Z").await;
    browser.wait_for_selected("$expand", "logonusers").await;

    // A bad id is explained next to its control.
    browser.replace_text("id", "not a host!").await;
    browser.wait_for_text("Machine FQDN or internal IP").await;
    assert_eq!(browser.attribute("id", "aria-invalid").await, "true");

    // A URL that cannot be read keeps what was typed and says why.
    browser.replace_text("Request URL", "/machines/nothing/here").await;
    browser
        .wait_for_text("No route of the WDATP API matches /machines/nothing/here")
        .await;
    browser.wait_for_value("Request URL", "/machines/nothing/here").await;
    browser.close().await;
}
