//! Paste anything: the search box at the top of the page, driven as an analyst drives it.
#![cfg(not(target_arch = "wasm32"))]

use atp_core::demo::{DemoConfig, DemoTenant, SOURCE_ALERT_ID, SOURCE_MACHINE_ID};
use atp_e2e::Browser;
use fantoccini::key::Key;

const BOX: &str = "Paste anything";

/// The text of the box's readings (what it recognised, with their routes).
async fn readings(browser: &Browser) -> String {
    browser
        .script("const l = document.querySelector('[aria-label=\"Readings\"]'); return l ? l.innerText : '';")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn wait_for_readings(browser: &Browser, expected: &[&str]) {
    browser
        .wait_until(&format!("the readings to say {expected:?}"), || async {
            let text = readings(browser).await;
            (expected.iter().all(|e| text.contains(e)), text)
        })
        .await;
}

async fn wait_for_address(browser: &Browser, part: &str) {
    browser
        .wait_until(&format!("the address to hold {part:?}"), || async {
            let url = browser.current_url().await;
            (url.contains(part), url)
        })
        .await;
}

#[tokio::test]
async fn a_pasted_machine_id_has_both_readings_and_enter_opens_the_machine() {
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    browser.type_into(BOX, SOURCE_MACHINE_ID).await;
    browser
        .wait_for_text("Recognised: Machine id or SHA1. Enter opens the first route.")
        .await;
    wait_for_readings(
        &browser,
        &[
            &format!("Machine id: {SOURCE_MACHINE_ID}"),
            &format!("SHA1: {SOURCE_MACHINE_ID}"),
            &format!("Get /machines/{SOURCE_MACHINE_ID}"),
            &format!("Get /files/{SOURCE_MACHINE_ID}"),
        ],
    )
    .await;
    // Each route is a link with its own name.
    browser
        .client
        .find(fantoccini::Locator::XPath(&format!(
            "//a[normalize-space(.)='GetAlerts /machines/{SOURCE_MACHINE_ID}/alerts']"
        )))
        .await
        .expect("a link to the machine's alerts");
    // The route Enter opens says so; the hunts for the value open the Hunting view.
    wait_for_readings(
        &browser,
        &[&format!("Get /machines/{SOURCE_MACHINE_ID} (Enter)")],
    )
    .await;
    let hunt = browser
        .client
        .find(fantoccini::Locator::XPath(
            "//ul[@aria-label='Hunts for the Machine id']//a[normalize-space(.)=\"Hunt: This device's processes in the last 7 days\"]",
        ))
        .await
        .expect("a hunt for the machine");
    let href = hunt.attr("href").await.ok().flatten().unwrap_or_default();
    assert!(href.contains("hunt="), "{href}");

    browser.press(Key::Enter).await;
    let cards = browser.wait_for_cards(1).await;
    assert_eq!(cards[0].0, "Machine", "{cards:?}");
    wait_for_address(&browser, &format!("q=/machines/{SOURCE_MACHINE_ID}")).await;
    browser
        .wait_for_selected("Action", "Get /machines/{id}")
        .await;
    // The box keeps what was pasted.
    assert_eq!(browser.value(BOX).await, SOURCE_MACHINE_ID);
    browser.close().await;
}

#[tokio::test]
async fn a_portal_link_and_a_defanged_ip_are_read_for_their_value() {
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    browser
        .type_into(
            BOX,
            &format!("https://security.microsoft.com/alerts/{SOURCE_ALERT_ID}?tid=contoso"),
        )
        .await;
    wait_for_readings(
        &browser,
        &[
            &format!("Alert id: {SOURCE_ALERT_ID} (from a Defender link)"),
            &format!("Get /alerts/{SOURCE_ALERT_ID}"),
        ],
    )
    .await;
    browser.press(Key::Enter).await;
    let cards = browser.wait_for_cards(1).await;
    assert_eq!(cards[0].0, "Alert", "{cards:?}");
    wait_for_address(&browser, &format!("q=/alerts/{SOURCE_ALERT_ID}")).await;

    // An IP of the demo tenant, defanged as threat reports write it.
    let tenant = DemoTenant::generate(&DemoConfig::new(Default::default()));
    let ip = tenant
        .dataset
        .ips
        .iter()
        .map(|i| i.id.clone())
        .find(|id| id.contains('.'))
        .expect("the demo tenant has IPv4 addresses");
    let defanged = ip.replacen('.', "[.]", 3);
    browser.replace_text(BOX, &format!("\"{defanged}\"")).await;
    wait_for_readings(
        &browser,
        &[
            &format!("IPv4 address: {ip} (defanged)"),
            &format!("Get /ips/{ip}"),
        ],
    )
    .await;
    browser.press(Key::Enter).await;
    wait_for_address(&browser, &format!("q=/ips/{ip}")).await;
    let cards = browser.wait_for_cards(1).await;
    assert_eq!(cards[0].0, "IP", "{cards:?}");
    browser.close().await;
}

#[tokio::test]
async fn an_incident_number_opens_defenders_incident_from_a_profile_without_incidents() {
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    // Incident ids follow the alerts' times, which follow the page's "now" (this hour, to the
    // nanosecond the page started): take one that is the same across that hour's first second.
    let hour = {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("a clock after 1970")
            .as_secs();
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs - secs % 3600)
    };
    let incidents = |at: std::time::SystemTime| -> Vec<i64> {
        DemoTenant::generate(&DemoConfig::new(at.into()))
            .dataset
            .alerts
            .iter()
            .filter_map(|a| a.incident_id)
            .collect()
    };
    let later = incidents(hour + std::time::Duration::from_millis(999));
    let incident = incidents(hour)
        .into_iter()
        .find(|id| later.contains(id))
        .expect("the demo alerts have incidents");
    browser.type_into(BOX, &incident.to_string()).await;
    browser
        .wait_for_text("Recognised: Incident id or Alert id.")
        .await;
    wait_for_readings(
        &browser,
        &[
            // Today's Defender for Endpoint API has Defender XDR's incidents: the first profile offered.
            "No route on WDATP; on Defender for Endpoint:",
            &format!("Get /incidents/{incident} (Enter)"),
        ],
    )
    .await;
    browser.press(Key::Enter).await;
    wait_for_address(&browser, "profile=mde").await;
    let cards = browser.wait_for_cards(1).await;
    assert_eq!(cards[0].0, "Incident", "{cards:?}");
    browser.close().await;
}

#[tokio::test]
async fn slash_focuses_the_box_unless_the_keyboard_is_in_a_field() {
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    let focused_id = "return document.activeElement ? document.activeElement.id : '';";
    // From the page (focus on the body), `/` goes to the box and types nothing there.
    browser
        .script("document.activeElement && document.activeElement.blur(); return true;")
        .await;
    let body = browser
        .client
        .find(fantoccini::Locator::Css("body"))
        .await
        .expect("the body");
    body.send_keys("/").await.expect("press /");
    browser
        .wait_until("the box to have the focus", || async {
            let id = browser.script(focused_id).await;
            (id == "paste-anything", id.to_string())
        })
        .await;
    assert_eq!(browser.value(BOX).await, "");
    // In another field, `/` is typed.
    browser.type_into("Request URL", "/").await;
    assert!(browser.value("Request URL").await.ends_with('/'));
    assert_ne!(browser.script(focused_id).await, "paste-anything");
    browser.close().await;
}

#[tokio::test]
async fn an_unrecognised_value_says_so_and_keeps_the_text() {
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    browser.type_into(BOX, "not an id at all").await;
    browser.wait_for_text("Nothing recognised.").await;
    browser.wait_for_text("machine id, SHA1, SHA256, MD5").await;
    // Enter opens nothing: the source example's cards stay, and so does the text.
    browser.press(Key::Enter).await;
    assert_eq!(browser.value(BOX).await, "not an id at all");
    assert!(
        browser.current_url().await.ends_with('/'),
        "the address did not change"
    );
    assert_eq!(browser.cards().await.len(), 20);
    browser.close().await;
}

#[tokio::test]
async fn the_box_with_its_readings_passes_wcag_2_2_aa_in_every_colour_mode() {
    use atp_e2e::axe::{emulate, serious_violations, MODES};
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    let mut failed = Vec::new();
    for (pasted, shown) in [
        (SOURCE_MACHINE_ID, "SHA1"),
        ("2972395", "No route on WDATP"),
        ("not an id at all", "Nothing recognised."),
    ] {
        browser.replace_text(BOX, pasted).await;
        browser.wait_for_text(shown).await;
        for (mode, feature, value) in MODES {
            emulate(&browser, feature, value).await;
            for v in serious_violations(&browser).await {
                failed.push(format!(
                    "{pasted} ({mode}): {} [{}] {}: {}",
                    v.id,
                    v.impact.unwrap_or_default(),
                    v.help,
                    v.targets.join(" | ")
                ));
            }
        }
        emulate(&browser, "prefers-color-scheme", "light").await;
    }
    assert!(failed.is_empty(), "{failed:#?}");
    browser.close().await;
}
