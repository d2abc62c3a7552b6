//! Accessibility audited: axe-core's WCAG 2.2 AA rules on every view, in light, dark and forced-colours
//! modes, against the release build in headless Chromium. Any serious or critical violation fails.
#![cfg(not(target_arch = "wasm32"))]

use atp_core::demo::SOURCE_MACHINE_ID;
use atp_e2e::axe::{emulate, serious_violations, MODES};
use atp_e2e::graph::{wait_at_rest, wait_for_node};
use atp_e2e::Browser;

/// Audits the page as it is now in every mode; returns what failed, named by view and mode.
async fn audit(browser: &Browser, view: &str) -> Vec<String> {
    let mut failed = Vec::new();
    for (mode, feature, value) in MODES {
        emulate(browser, feature, value).await;
        for v in serious_violations(browser).await {
            failed.push(format!(
                "{view} ({mode}): {} [{}] {}: {}",
                v.id,
                v.impact.unwrap_or_default(),
                v.help,
                v.targets.join(" | ")
            ));
        }
    }
    emulate(browser, "prefers-color-scheme", "light").await;
    failed
}

#[tokio::test]
async fn every_view_passes_wcag_2_2_aa_in_every_colour_mode() {
    let mut failed = Vec::new();

    let browser = Browser::open("/?profile=mde&q=/alerts?$top=5").await;
    browser.wait_for_cards(5).await;
    failed.extend(audit(&browser, "cards").await);
    browser.click_button("JSON").await;
    browser
        .wait_until("the JSON tree", || async {
            let v = browser
                .script("return !!document.querySelector('.json-tree');")
                .await;
            (v == serde_json::Value::Bool(true), v.to_string())
        })
        .await;
    failed.extend(audit(&browser, "JSON tree").await);
    browser.click_button("Response").await;
    failed.extend(audit(&browser, "response").await);
    for panel in ["History", "Saved queries"] {
        let summary = browser
            .client
            .find(fantoccini::Locator::XPath(&format!(
                "//summary[normalize-space(.)='{panel}']"
            )))
            .await
            .expect("the panel's summary");
        summary.click().await.expect("open the panel");
    }
    browser
        .replace_text("Saved query name", "Five alerts")
        .await;
    browser.click_button("Save current query").await;
    browser
        .wait_until("a run and a saved query listed", || async {
            let v = browser
                .script("return [document.querySelectorAll('#history-runs li').length, document.querySelectorAll('.saved-group li').length];")
                .await;
            (v == serde_json::json!([1, 1]), v.to_string())
        })
        .await;
    failed.extend(audit(&browser, "history and saved queries").await);
    browser.close().await;

    // A write: its body form, then the confirmation it waits for.
    let browser = Browser::open(&format!(
        "/?profile=mde&q=/machines/{SOURCE_MACHINE_ID}/isolate"
    ))
    .await;
    browser.wait_for_text("Request body (JSON)").await;
    browser.type_into("Comment (required)", "Contain").await;
    failed.extend(audit(&browser, "write form").await);
    browser.click_button("Review and send…").await;
    browser
        .wait_until("the write's confirmation", || async {
            let v = browser
                .script("return !!document.querySelector('dialog.write-confirm[open]');")
                .await;
            (v == serde_json::Value::Bool(true), v.to_string())
        })
        .await;
    failed.extend(audit(&browser, "write confirmation").await);
    browser.close().await;

    let browser = Browser::open(&format!("/?profile=mde&q=/machines/{SOURCE_MACHINE_ID}")).await;
    browser.wait_for_cards(1).await;
    // A card's note: one saved, and the editor open on it again.
    browser.click_button("Add note").await;
    let field = browser
        .client
        .find(fantoccini::Locator::Css(".card-note textarea"))
        .await
        .expect("the note field");
    field.send_keys("Owner asked").await.expect("type a note");
    browser.click_button("Save note").await;
    browser.wait_for_text("Owner asked").await;
    browser.click_button("Edit note").await;
    failed.extend(audit(&browser, "card note").await);
    browser.click_button("Cancel").await;
    browser.click_button("Add to graph").await;
    wait_for_node(&browser, "Machine: ").await;
    wait_at_rest(&browser).await;
    failed.extend(audit(&browser, "graph").await);
    browser.close().await;

    let browser =
        Browser::open("/?profile=graph&q=/security/incidents?$top=3%26$expand=alerts").await;
    browser.wait_for_at_least_cards(2).await;
    failed.extend(audit(&browser, "Graph incidents").await);
    browser.close().await;

    let browser = Browser::open(
        "/?profile=mde&hunt=DeviceProcessEvents+%7C+summarize+Runs+%3D+count()+by+FileName+%7C+top+5+by+Runs+%7C+render+columnchart",
    )
    .await;
    browser.wait_for_text("rows in").await;
    failed.extend(audit(&browser, "hunting").await);
    browser.close().await;

    let browser =
        Browser::open("/?base=https://relay.example/api&profile=mde&q=/machines?$top=2").await;
    browser
        .wait_for_text("This link asks to change your settings")
        .await;
    failed.extend(audit(&browser, "link consent").await);
    browser.close().await;

    assert!(
        failed.is_empty(),
        "{} violations:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
