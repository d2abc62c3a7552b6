//! End-to-end: the analyst's notes and the investigation report, in headless Chromium against the
//! release `dist/`. A note written on a card is kept across a reload, shows on the same entity in the
//! graph's side panel, and goes into the report; the report downloads as HTML and Markdown, and the HTML
//! opens by itself in the browser with nothing to run.
#![cfg(not(target_arch = "wasm32"))]

use atp_e2e::graph::{click_node, wait_for_node, SOURCE_ALERT};
use atp_e2e::Browser;

const NOTE: &str = "Seen on the CFO's laptop <b>not bold</b>";

#[tokio::test]
async fn a_note_on_a_card_goes_into_the_report_with_the_graph_and_the_queries() {
    let browser = Browser::open(&format!("/?profile=wdatp&q=/alerts/{SOURCE_ALERT}")).await;
    let cards = browser.wait_for_cards(1).await;
    let name = cards[0].1.clone();

    // A note on the alert's card: a labelled field that names the entity, saved, shown as text.
    browser.click_button("Add note").await;
    browser.type_into(&format!("Note on {name}"), NOTE).await;
    browser.click_button("Save note").await;
    browser.wait_for_text(NOTE).await;
    let bold = browser
        .script("return document.querySelectorAll('.card-note b').length;")
        .await;
    assert_eq!(bold, 0, "the note is text, not markup");
    let edit = browser
        .script(
            "return Array.from(document.querySelectorAll('button.note-open')).map(b => [b.textContent, b.getAttribute('aria-label')]);",
        )
        .await;
    assert_eq!(
        edit,
        serde_json::json!([["Edit note", format!("Edit note on {name}")]]),
        "the button now edits the note, and says on what"
    );

    // Kept in the browser: still there after a reload.
    browser.client.refresh().await.expect("reload");
    browser.wait_for_cards(1).await;
    browser.wait_for_text(NOTE).await;

    // The same entity in the graph's side panel carries the same note.
    browser.click_button("Add to graph").await;
    let alert = wait_for_node(&browser, "Alert: ").await;
    click_node(&browser, &alert).await;
    browser
        .wait_until("the note in the side panel", || async {
            let t = browser
                .script("const n = document.querySelector('.graph-side .note-text'); return n ? n.textContent : '';")
                .await;
            (t.as_str().is_some_and(|t| t.contains(NOTE)), t.to_string())
        })
        .await;
    browser.click_button("Expand Machines").await;
    let machine = wait_for_node(&browser, "Machine: ").await;

    // The report, both ways.
    browser.catch_downloads().await;
    browser.click_button("Report (HTML)").await;
    browser.click_button("Report (Markdown)").await;
    let files = browser.saved(2).await;
    let (html_name, html_type, html) = &files[0];
    assert_eq!(
        (html_name.as_str(), html_type.as_str()),
        ("atp-report.html", "text/html")
    );
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..60]);
    for part in [
        "<h2>Graph</h2>",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"",
        "<h2>Entities</h2>",
        "<h2>Alert timeline</h2>",
        "<h2>Queries run</h2>",
        "<h2>Notes</h2>",
        "Demo tenant (normal dataset)",
        "Seen on the CFO&#39;s laptop &lt;b&gt;not bold&lt;/b&gt;",
    ] {
        assert!(html.contains(part), "the report lacks {part}");
    }
    // Every query this test ran is in it: the alert, and the machines expansion.
    assert!(html.contains(&format!("/alerts/{SOURCE_ALERT}")));
    let machine_label = machine.trim_start_matches("Machine: ");
    assert!(html.contains(machine_label), "{machine_label}");
    assert!(!html.to_lowercase().contains("<script"));
    let (md_name, _, md) = &files[1];
    assert_eq!(md_name, "atp-report.md");
    assert!(md.starts_with("# Investigation report"));
    assert!(md.contains("Seen on the CFO's laptop \\<b\\>not bold\\</b\\>"));

    // The HTML opens on its own: headings, the picture, and nothing that runs.
    let encoded = {
        let mut out = String::new();
        for b in html.bytes() {
            if b.is_ascii_alphanumeric() {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    browser
        .client
        .goto(&format!("data:text/html;charset=utf-8,{encoded}"))
        .await
        .expect("open the report");
    let opened = browser
        .script(
            "return [document.querySelector('h1').textContent, document.querySelectorAll('svg g.node').length,
                     document.scripts.length, document.querySelectorAll('table').length];",
        )
        .await;
    assert_eq!(opened[0], "Investigation report");
    assert!(opened[1].as_u64().unwrap_or(0) >= 2, "{opened}");
    assert_eq!(opened[2], 0);
    assert_eq!(opened[3], 3, "entities, timeline, queries");
    browser.close().await;
}
