//! History and saved queries end to end on the demo tenant, in headless Chromium against the release
//! build: runs and a hunt recorded with their status and count, searched, run again, kept over a reload
//! (IndexedDB), cleared; saved queries in a collection, exported, deleted, imported back, a broken file
//! refused whole; and a browser without IndexedDB, where the lists stay in the tab and the page says so.
#![cfg(not(target_arch = "wasm32"))]

use atp_e2e::Browser;
use fantoccini::key::Key;
use fantoccini::Locator;

/// Opens the side panel whose summary reads `name`.
async fn open_panel(browser: &Browser, name: &str) {
    let xpath = format!("//summary[normalize-space(.)='{name}']");
    let summary = browser
        .client
        .wait()
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no panel {name:?}: {e}"));
    summary.click().await.expect("open the panel");
}

/// The History list as (the request's button text, the line under it), newest first.
async fn runs(browser: &Browser) -> Vec<(String, String)> {
    let v = browser
        .script(
            "return Array.from(document.querySelectorAll('#history-runs li')).map(li => [
                li.querySelector('button').textContent.trim(),
                li.querySelector('.history-meta').textContent.trim()]);",
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

async fn wait_for_runs(browser: &Browser, n: usize) -> Vec<(String, String)> {
    browser
        .wait_until(&format!("{n} runs in the history"), || async {
            let found = runs(browser).await;
            (found.len() == n, format!("{found:?}"))
        })
        .await;
    runs(browser).await
}

#[tokio::test]
async fn runs_and_hunts_are_recorded_searched_run_again_kept_over_a_reload_and_cleared() {
    let browser = Browser::open("/?profile=mde&q=/alerts?$top=5").await;
    browser.wait_for_cards(5).await;
    browser
        .replace_text("Request URL", "/machines?$top=3")
        .await;
    browser.click_button("Run").await;
    browser.wait_for_cards(3).await;
    browser.click_button("Advanced hunting").await;
    let editor = browser.control("KQL query").await;
    editor
        .send_keys("DeviceProcessEvents | take 4")
        .await
        .expect("type");
    browser.press(Key::Escape).await;
    browser.click_button("Run query").await;
    browser.wait_for_text("4 rows in").await;

    open_panel(&browser, "History").await;
    browser
        .wait_for_text("The newest 500 are kept in this browser.")
        .await;
    let found = wait_for_runs(&browser, 3).await;
    assert_eq!(found[0].0, "Run again: DeviceProcessEvents | take 4");
    assert!(found[0].1.contains("HTTP 200 · 4 rows · demo"), "{found:?}");
    assert!(found[0].1.contains("Defender XDR"), "{found:?}");
    assert_eq!(found[1].0, "Run again: /machines?$top=3");
    assert!(found[1].1.contains("HTTP 200 · 3 items"), "{found:?}");
    assert_eq!(found[2].0, "Run again: /alerts?$top=5");
    assert!(found[2].1.contains("HTTP 200 · 5 items"), "{found:?}");
    browser.wait_for_text("3 runs, newest first.").await;

    // Search by any words of the request.
    browser.type_into("Search history", "MACHINES").await;
    let found = wait_for_runs(&browser, 1).await;
    assert_eq!(found[0].0, "Run again: /machines?$top=3");
    browser.wait_for_text("1 of 3 runs match.").await;

    // One click runs it again, as its address would; that run is recorded too.
    browser.click_button("Run again: /machines?$top=3").await;
    browser
        .wait_for_value(
            "Request URL",
            "https://api.security.microsoft.com/api/machines?$top=3",
        )
        .await;
    browser.wait_for_cards(3).await;
    assert!(
        browser.current_url().await.contains("q=/machines?$top=3"),
        "the address shows it"
    );
    wait_for_runs(&browser, 2).await;
    let search = browser.control("Search history").await;
    search
        .send_keys(&Key::Backspace.to_string().repeat("MACHINES".len()))
        .await
        .expect("empty the search");
    wait_for_runs(&browser, 4).await;

    // A reload keeps the history, and showing the address's query again is no new run.
    browser.client.refresh().await.expect("reload");
    browser.wait_for_cards(3).await;
    open_panel(&browser, "History").await;
    let found = wait_for_runs(&browser, 4).await;
    assert_eq!(found[0].0, "Run again: /machines?$top=3");
    assert_eq!(found[3].0, "Run again: /alerts?$top=5");

    // Clearing says what goes, then does it; it stays cleared after a reload.
    browser.click_button("Clear history…").await;
    browser
        .wait_for_text(
            "Remove all 4 entries of the history from this browser? Saved queries are kept.",
        )
        .await;
    browser.click_button("Remove 4 entries").await;
    browser
        .wait_for_text("History cleared: 4 entries removed. Saved queries are kept.")
        .await;
    wait_for_runs(&browser, 0).await;
    browser.client.refresh().await.expect("reload");
    browser.wait_for_cards(3).await;
    open_panel(&browser, "History").await;
    // Only the address's run of this load.
    let found = wait_for_runs(&browser, 1).await;
    assert_eq!(found[0].0, "Run again: /machines?$top=3");
    browser.close().await;
}

#[tokio::test]
async fn saved_queries_are_kept_in_collections_exported_and_imported_back_and_a_broken_file_is_refused(
) {
    let browser = Browser::open("/?profile=mde&q=/alerts?$top=5").await;
    browser.wait_for_cards(5).await;
    open_panel(&browser, "Saved queries").await;
    browser.wait_for_text("No saved queries yet.").await;
    browser
        .replace_text("Saved query name", "Top five alerts")
        .await;
    browser.replace_text("Collection", "Triage").await;
    browser.click_button("Save current query").await;
    browser
        .wait_for_text("Saved \u{201c}Top five alerts\u{201d} in \u{201c}Triage\u{201d}.")
        .await;
    // A hunt, saved in the same collection.
    browser.click_button("Advanced hunting").await;
    let editor = browser.control("KQL query").await;
    editor
        .send_keys("DeviceProcessEvents | take 2")
        .await
        .expect("type");
    browser.press(Key::Escape).await;
    browser
        .replace_text("Saved query name", "Two processes")
        .await;
    browser.replace_text("Collection", "Triage").await;
    browser.click_button("Save current query").await;
    browser
        .wait_for_text("Saved \u{201c}Two processes\u{201d} in \u{201c}Triage\u{201d}.")
        .await;
    browser.wait_for_text("Triage").await;
    // The same name twice in a collection is refused, saying so.
    browser
        .replace_text("Saved query name", "Two processes")
        .await;
    browser.click_button("Save current query").await;
    browser
        .wait_for_text(
            "\u{201c}Two processes\u{201d} is already a saved query in \u{201c}Triage\u{201d}",
        )
        .await;

    // Export: one JSON file with both, and nothing but the requests.
    browser.catch_downloads().await;
    browser.click_button("Export saved queries").await;
    let files = browser.saved(1).await;
    let (name, mime, text) = &files[0];
    assert_eq!(name, "atp-explorer-saved-queries.json");
    assert_eq!(mime, "application/json");
    let json: serde_json::Value = serde_json::from_str(text).expect("the export is JSON");
    assert_eq!(json["format"], "atp-explorer/saved-queries");
    let queries = json["queries"].as_array().expect("a list of queries");
    assert_eq!(queries.len(), 2);
    assert!(text.contains("\"path\": \"/alerts?$top=5\""), "{text}");
    assert!(text.contains("DeviceProcessEvents | take 2"), "{text}");
    assert!(!text.contains("https://"), "no host or base: {text}");

    // Delete both, then import the file: both are back, in their collection.
    browser.click_button("Delete Top five alerts").await;
    browser.click_button("Delete Two processes").await;
    browser.wait_for_text("No saved queries yet.").await;
    let dir = std::env::temp_dir().join(format!("atp-history-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let export = dir.join("export.json");
    std::fs::write(&export, text).expect("write the export");
    let import = browser.control("Import saved queries").await;
    import
        .send_keys(&export.display().to_string())
        .await
        .expect("choose the file");
    browser.wait_for_text("Imported 2 saved queries.").await;
    browser
        .client
        .find(Locator::XPath(
            "//section[@aria-label='Collection Triage']//h3[normalize-space(.)='Triage']",
        ))
        .await
        .expect("the collection's heading");
    // Imported again: nothing twice.
    let import = browser.control("Import saved queries").await;
    import
        .send_keys(&export.display().to_string())
        .await
        .expect("choose the file");
    browser
        .wait_for_text("Imported 0 saved queries (2 already saved).")
        .await;

    // A saved hunt runs as its address would.
    browser.click_button("Run saved query: Two processes").await;
    browser
        .wait_for_value("KQL query", "DeviceProcessEvents | take 2")
        .await;
    browser.wait_for_text("2 rows in").await;

    // Rename.
    browser.click_button("Rename Top five alerts").await;
    browser.replace_text("New name", "Five alerts").await;
    browser.click_button("Save name").await;
    browser
        .wait_for_text("Renamed to \u{201c}Five alerts\u{201d}.")
        .await;

    // A broken file: a good entry and a bad one; nothing of it is kept, and the message says where.
    let broken = dir.join("broken.json");
    std::fs::write(
        &broken,
        r#"{"format":"atp-explorer/saved-queries","version":1,"queries":[
            {"collection":"Other","name":"Would be new","request":{"kind":"query","profile":"mde","path":"/machines"}},
            {"collection":"Other","name":"<img src=x onerror=alert(1)>","request":{"kind":"query","profile":"moon","path":"/alerts"}}]}"#,
    )
    .expect("write the broken file");
    let import = browser.control("Import saved queries").await;
    import
        .send_keys(&broken.display().to_string())
        .await
        .expect("choose the file");
    browser
        .wait_for_text("Not imported: Saved query 2 (\u{201c}<img src=x onerror=alert(1)>\u{201d}): \"profile\" is \"moon\"")
        .await;
    browser.wait_for_text("Nothing was changed.").await;
    let alert = browser
        .script("return document.querySelector('.history-panel [role=alert]').textContent;")
        .await;
    assert!(
        alert
            .as_str()
            .unwrap_or_default()
            .starts_with("Not imported"),
        "{alert}"
    );
    let images = browser
        .script("return document.querySelectorAll('.history-panel img').length;")
        .await;
    assert_eq!(images, 0, "imported text is text");
    let names = browser
        .script("return Array.from(document.querySelectorAll('.saved-group .history-run')).map(b => b.textContent.trim());")
        .await;
    assert_eq!(
        names,
        serde_json::json!([
            "Run saved query: Five alerts",
            "Run saved query: Two processes"
        ])
    );
    let not_json = dir.join("not.json");
    std::fs::write(&not_json, "{ not json").expect("write the file");
    let import = browser.control("Import saved queries").await;
    import
        .send_keys(&not_json.display().to_string())
        .await
        .expect("choose the file");
    browser
        .wait_for_text("Not imported: The file is not JSON (line 1, column 3)")
        .await;

    // Kept over a reload.
    browser.client.refresh().await.expect("reload");
    open_panel(&browser, "Saved queries").await;
    browser
        .wait_until("the saved queries after a reload", || async {
            let names = browser
                .script("return Array.from(document.querySelectorAll('.saved-group .history-run')).map(b => b.textContent.trim());")
                .await;
            (names.as_array().map(Vec::len) == Some(2), names.to_string())
        })
        .await;
    let _ = std::fs::remove_dir_all(&dir);
    browser.close().await;
}

#[tokio::test]
async fn without_indexeddb_the_history_stays_in_the_tab_and_the_page_says_so() {
    let browser = Browser::open("/?profile=mde&q=/alerts?$top=2").await;
    browser.wait_for_cards(2).await;
    // As a private window that refuses storage does: every document from now on.
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({"source": "Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); } });"}),
        )
        .await;
    browser.client.refresh().await.expect("reload");
    browser.wait_for_cards(2).await;
    open_panel(&browser, "History").await;
    browser
        .wait_for_text("History and saved queries cannot be kept in this browser: IndexedDB is not available (SecurityError: The user denied permission to access the database.). They last until this tab closes")
        .await;
    // The page works, and the tab keeps its history.
    browser
        .replace_text("Request URL", "/machines?$top=1")
        .await;
    browser.click_button("Run").await;
    browser.wait_for_cards(1).await;
    let found = wait_for_runs(&browser, 2).await;
    assert_eq!(found[0].0, "Run again: /machines?$top=1");
    assert!(found[0].1.contains("HTTP 200 · 1 item"), "{found:?}");
    open_panel(&browser, "Saved queries").await;
    browser
        .replace_text("Saved query name", "One machine")
        .await;
    browser.click_button("Save current query").await;
    browser
        .wait_for_text("Saved \u{201c}One machine\u{201d} in \u{201c}My queries\u{201d}.")
        .await;
    browser.close().await;
}
