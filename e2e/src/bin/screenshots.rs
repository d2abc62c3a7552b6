//! `cargo xtask screenshots`: pictures of the main views (release `dist/`, headless Chromium) for people
//! to look at, in `target/screenshots/`. They assert nothing the suites do not; a view that never comes
//! fails the run with what it was waiting for, as in the suites.

use atp_e2e::graph::{
    click_node, nodes, wait_at_rest, wait_for_node, wait_for_node_count, SOURCE_ALERT,
};
use atp_e2e::Browser;

#[tokio::main]
async fn main() {
    cards().await;
    graph().await;
}

/// The cards, the JSON tree, the raw response, one machine and the hostile dataset.
async fn cards() {
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    browser.screenshot("alerts-cards").await;
    browser.click_button("JSON").await;
    browser.screenshot("alerts-json").await;
    browser.click_button("Response").await;
    browser.screenshot("alerts-response").await;
    browser.click_link("A machine").await;
    browser.wait_for_cards(1).await;
    browser.screenshot("machine-card").await;
    browser.close().await;
    let hostile = Browser::open("/?dataset=hostile").await;
    hostile.wait_for_cards(20).await;
    hostile.screenshot("hostile-cards").await;
    hostile.close().await;
}

/// An investigation grown from one alert, and a synthetic graph of a thousand nodes.
async fn graph() {
    let browser = Browser::open(&format!("/?profile=wdatp&q=/alerts/{SOURCE_ALERT}")).await;
    browser.wait_for_cards(1).await;
    browser.click_button("Add to graph").await;
    let alert = wait_for_node(&browser, "Alert: ").await;
    click_node(&browser, &alert).await;
    browser.click_button("Expand all").await;
    browser
        .wait_until("the expansions", || async {
            let n = nodes(&browser).await.len();
            (n >= 5, n.to_string())
        })
        .await;
    let machine = wait_for_node(&browser, "Machine: ").await;
    click_node(&browser, &machine).await;
    browser.click_button("Expand Alerts").await;
    wait_for_node_count(&browser, nodes(&browser).await.len().max(40)).await;
    wait_at_rest(&browser).await;
    browser
        .script("document.querySelector('.graph-toolbar').scrollIntoView(); return true;")
        .await;
    browser.screenshot("graph-investigation").await;
    browser.close().await;
    let big = Browser::open("/?graph-synthetic=1000").await;
    wait_for_node_count(&big, 1000).await;
    wait_at_rest(&big).await;
    big.script("document.querySelector('.graph-toolbar').scrollIntoView(); return true;")
        .await;
    big.screenshot("graph-synthetic-1000").await;
    big.close().await;
}
