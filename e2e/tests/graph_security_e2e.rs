//! End-to-end: the Microsoft Graph security profile on the demo tenant, in headless Chromium against the
//! release `dist/`: incidents with their alerts, an alert v2's evidence pivoting into Defender's routes,
//! write routes shown and never sent, and one investigation graph across both APIs.
#![cfg(not(target_arch = "wasm32"))]

use atp_e2e::graph::{click_node, wait_for_node, SOURCE_ALERT};
use atp_e2e::Browser;

/// The headings of the evidence sections on the page.
async fn evidence_headings(browser: &Browser) -> Vec<String> {
    let v = browser
        .script(
            "return Array.from(document.querySelectorAll('section.evidence')).map(s =>
                (document.getElementById(s.getAttribute('aria-labelledby')) || {}).textContent || '');",
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

#[tokio::test]
async fn incidents_show_their_alerts_and_the_evidence_pivots_into_defender() {
    let browser =
        Browser::open("/?profile=graph&q=/security/incidents?$top=5%26$expand=alerts").await;
    browser.wait_for_at_least_cards(2).await;
    assert_eq!(
        browser.selected("Profile").await,
        "Microsoft Graph security"
    );
    let cards = browser.cards().await;
    assert!(
        cards.iter().any(|(kind, _)| kind == "Incident"),
        "incident cards: {cards:?}"
    );
    browser.wait_for_text("Alerts (").await;

    // The source document's alert as an alert v2: the same id, its evidence, each with its own heading.
    let browser2 = Browser::open(&format!(
        "/?profile=graph&q=/security/alerts_v2/{SOURCE_ALERT}"
    ))
    .await;
    browser2.wait_for_at_least_cards(1).await;
    browser2
        .wait_until("the evidence sections", || async {
            let headings = evidence_headings(&browser2).await;
            (
                headings.iter().any(|h| h == "Device"),
                format!("{headings:?}"),
            )
        })
        .await;
    browser2
        .wait_for_text("least-privileged permission: SecurityAlert.Read.All")
        .await;
    // The device is the Defender machine: its pivot opens the machine's card on the Defender profile.
    let machine_link = browser2
        .script(
            "const a = Array.from(document.querySelectorAll('nav.pivots a')).find(a => a.textContent.startsWith('Machine '));
             return a ? a.textContent : '';",
        )
        .await;
    let machine_link = machine_link.as_str().unwrap_or_default().to_string();
    assert!(
        !machine_link.is_empty(),
        "a machine pivot from the device evidence"
    );
    browser2.click_link(&machine_link).await;
    browser2
        .wait_until("the Defender machine's card", || async {
            let url = browser2.current_url().await;
            let cards = browser2.cards().await;
            (
                url.contains("profile=mde") && url.contains("/machines/") && cards.len() == 1,
                format!("{url} {cards:?}"),
            )
        })
        .await;
    assert_eq!(browser2.cards().await[0].0, "Machine");
    browser2.close().await;
    browser.close().await;
}

#[tokio::test]
async fn write_routes_are_shown_and_never_sent() {
    let browser = Browser::open(&format!(
        "/?profile=graph&q=/security/alerts_v2/{SOURCE_ALERT}"
    ))
    .await;
    browser.wait_for_at_least_cards(1).await;
    browser
        .choose("Action", "CreateComment /security/alerts_v2/{id}/comments")
        .await;
    browser.wait_for_text("never sends it").await;
    browser.wait_for_text("SecurityAlert.ReadWrite.All").await;
    let before = browser.current_url().await;
    browser.click_button("Run").await;
    browser.wait_for_text("never sends it").await;
    assert_eq!(browser.current_url().await, before, "nothing was run");
    browser.close().await;
}

#[tokio::test]
async fn an_incident_grows_into_a_graph_across_graph_and_defender() {
    let browser = Browser::open("/?profile=graph&q=/security/incidents?$top=1").await;
    browser.wait_for_cards(1).await;
    browser.click_button("Add to graph").await;
    let incident = wait_for_node(&browser, "Incident: ").await;
    click_node(&browser, &incident).await;
    browser.click_button("Expand Alerts").await;
    let alert = wait_for_node(&browser, "Alert: ").await;
    click_node(&browser, &alert).await;
    // The alert goes on along Defender's routes: its machine is the Defender machine.
    browser.click_button("Expand Machine").await;
    wait_for_node(&browser, "Machine: ").await;
    let url = browser.current_url().await;
    assert!(url.contains("&g=sn"), "the graph is in the address: {url}");
    // A reload rebuilds the same investigation.
    browser.client.refresh().await.expect("reload");
    wait_for_node(&browser, "Machine: ").await;
    browser.close().await;
}
