//! End-to-end: today's Defender writes in headless Chromium against the release `dist/`. The body form
//! is validated, nothing is sent before a confirmation that names the route, the target and the tenant;
//! the demo tenant carries an isolation out, its status moves on and the machine shows as isolated; a
//! link to a write only fills the form; live, against the mock tenant, the confirmed write reaches the API
//! with its method and body, and a 403 is explained with the write's own permission.
#![cfg(not(target_arch = "wasm32"))]

use atp_core::demo::SOURCE_MACHINE_ID;
use atp_e2e::live::{live_link, mock_for};
use atp_e2e::Browser;
use atp_tenant::{Fault, FaultKind, StaticServer};

const ISOLATE: &str = "Isolate /machines/{id}/isolate";

async fn dialog_text(browser: &Browser) -> String {
    browser
        .script("const d = document.querySelector('dialog.write-confirm[open]'); return d ? d.innerText : '';")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn wait_for_dialog(browser: &Browser) -> String {
    browser
        .wait_until("the write's confirmation", || async {
            let t = dialog_text(browser).await;
            (!t.is_empty(), t)
        })
        .await;
    dialog_text(browser).await
}

#[tokio::test]
async fn an_isolation_is_confirmed_then_carried_out_and_runs_to_success() {
    let browser = Browser::open(&format!("/?profile=mde&q=/machines/{SOURCE_MACHINE_ID}")).await;
    browser.wait_for_cards(1).await;
    browser.choose("Action", ISOLATE).await;
    browser.wait_for_text("Request body (JSON)").await;

    // Without its required comment nothing is asked, let alone sent: the field says what it needs.
    browser.click_button("Review and send…").await;
    browser.wait_for_text("Comment: required").await;
    assert_eq!(dialog_text(&browser).await, "");

    browser
        .type_into("Comment (required)", "Contain the CFO's laptop")
        .await;
    browser.choose("IsolationType", "Selective").await;
    browser.click_button("Review and send…").await;
    let asked = wait_for_dialog(&browser).await;
    for part in [
        "Send Isolate?",
        "POST Isolate /machines/{id}/isolate",
        &format!("Machine {SOURCE_MACHINE_ID}"),
        "Demo tenant (normal dataset)",
        "Machine.Isolate (delegated)",
        "\"Comment\": \"Contain the CFO's laptop\"",
        "\"IsolationType\": \"Selective\"",
    ] {
        assert!(
            asked.contains(part),
            "the confirmation lacks {part:?}: {asked}"
        );
    }
    // The focus is on Cancel: Enter does not send.
    let focused = browser
        .script("return document.activeElement.textContent;")
        .await;
    assert_eq!(focused, "Cancel");

    // Cancel: nothing sent, the form keeps what was typed.
    browser.click_button("Cancel").await;
    browser.wait_for_text("Not sent: you cancelled it").await;
    browser
        .wait_for_value("Comment (required)", "Contain the CFO's laptop")
        .await;

    // Send: the machine action comes back, queued.
    browser.click_button("Review and send…").await;
    wait_for_dialog(&browser).await;
    browser.click_button("Send Isolate").await;
    browser.wait_for_text("Pending").await;
    let cards = browser.wait_for_cards(1).await;
    assert!(cards[0].0.contains("Machine action"), "{cards:?}");
    assert!(
        !browser.current_url().await.contains("isolate"),
        "a write never goes into the address"
    );

    // The machine's actions, asked again as time passes: Pending, then InProgress, then Succeeded.
    browser
        .replace_text(
            "Request URL",
            &format!("https://api.security.microsoft.com/api/machineactions?$filter=machineId eq '{SOURCE_MACHINE_ID}'"),
        )
        .await;
    browser
        .wait_until("the isolation to succeed", || async {
            browser.click_button("Run").await;
            let first = browser
                .script("const c = document.querySelector('article.card'); return c ? c.innerText : '';")
                .await;
            let text = first.as_str().unwrap_or_default().to_string();
            (
                text.contains("Isolate") && text.contains("Succeeded"),
                text,
            )
        })
        .await;

    // The machine's card now says it is isolated (the API's machine has no such field: the page reads
    // it off the actions it saw).
    browser
        .replace_text(
            "Request URL",
            &format!("https://api.security.microsoft.com/api/machines/{SOURCE_MACHINE_ID}"),
        )
        .await;
    browser.click_button("Run").await;
    browser.wait_for_text("Isolated (Selective)").await;
    browser.close().await;
}

#[tokio::test]
async fn a_link_to_a_write_only_fills_the_form() {
    let browser = Browser::open(&format!(
        "/?profile=mde&q=/machines/{SOURCE_MACHINE_ID}/offboard"
    ))
    .await;
    browser
        .wait_for_selected("Action", "Offboard /machines/{id}/offboard")
        .await;
    browser.wait_for_text("Review and send…").await;
    assert_eq!(dialog_text(&browser).await, "");
    assert!(browser.cards().await.is_empty(), "nothing was sent");
    browser.close().await;
}

#[tokio::test]
async fn live_a_confirmed_write_reaches_the_api_and_a_403_names_its_permission() {
    let app = StaticServer::start(atp_e2e::dist(), "127.0.0.1:0".parse().expect("loopback"))
        .expect("serve dist/");
    let tenant = mock_for(&app, Vec::new());
    let base = tenant.settings().defender_api_base;
    let live = live_link(&tenant, &base, true);
    let path = format!("/{live}&profile=mde&q=/machines/{SOURCE_MACHINE_ID}");
    let browser = Browser::open_url(&app.url(), &path).await;
    browser.click_button("Use for this tab").await;
    browser.click_button("Sign in").await;
    browser.wait_for_text("Signed in as").await;
    browser.wait_for_cards(1).await;

    browser.choose("Action", ISOLATE).await;
    browser.type_into("Comment (required)", "Contain").await;
    let before = tenant.seen().api_requests;
    browser.click_button("Review and send…").await;
    let asked = wait_for_dialog(&browser).await;
    assert!(asked.contains(&base), "the live tenant is named: {asked}");
    assert!(asked.contains("changes the live tenant"), "{asked}");
    assert_eq!(
        tenant.seen().api_requests,
        before,
        "nothing sent before the answer"
    );

    // A token without the write's permission: the 403 says which one, and that nothing changed.
    tenant.inject(Fault::times(FaultKind::Forbidden, 1));
    browser.click_button("Send Isolate").await;
    browser
        .wait_for_text("Signed in, but not allowed to Isolate /machines/{id}/isolate")
        .await;
    browser.wait_for_text("Machine.Isolate").await;
    assert_eq!(tenant.seen().api_requests, before + 1);

    // Granted: the same write goes through, as a POST with its body.
    browser.click_button("Review and send…").await;
    wait_for_dialog(&browser).await;
    browser.click_button("Send Isolate").await;
    browser.wait_for_text("Pending").await;
    let seen = tenant.seen();
    assert!(
        seen.last_api_path
            .as_deref()
            .is_some_and(|p| p.ends_with(&format!("/machines/{SOURCE_MACHINE_ID}/isolate"))),
        "{:?}",
        seen.last_api_path
    );
    browser.close().await;
}
