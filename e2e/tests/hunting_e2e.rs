//! Advanced hunting end to end on the demo tenant, in headless Chromium against the release build: the
//! editor (completion by keyboard, Ctrl+Enter), results whose entity columns pivot, a chart with the
//! table as its alternative, errors that keep the query, a hunt in the address, and hunts from a card.
#![cfg(not(target_arch = "wasm32"))]

use atp_core::demo::SOURCE_MACHINE_ID;
use atp_e2e::Browser;
use fantoccini::key::Key;

/// The result table's rows as text (the ones built), each cell's text.
async fn table_rows(browser: &Browser) -> Vec<Vec<String>> {
    let v = browser
        .script(
            "const t = document.querySelector('table[aria-label=\"Hunting results\"]');
             if (!t) return [];
             return Array.from(t.querySelectorAll('tbody tr:not(.spacer)')).map(r =>
                 Array.from(r.querySelectorAll('td')).map(c => c.textContent.trim()));",
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

async fn wait_for_rows(browser: &Browser, at_least: usize) -> Vec<Vec<String>> {
    browser
        .wait_until(&format!("at least {at_least} result rows"), || async {
            let rows = table_rows(browser).await;
            (rows.len() >= at_least, format!("{} rows", rows.len()))
        })
        .await;
    table_rows(browser).await
}

/// The column headers of the result table.
async fn headers(browser: &Browser) -> Vec<String> {
    let v = browser
        .script(
            "return Array.from(document.querySelectorAll('table[aria-label=\"Hunting results\"] thead th'))
                 .map(h => (h.querySelector('button') || h).firstChild.textContent.trim());",
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

#[tokio::test]
async fn a_hunt_is_written_with_completion_run_by_keyboard_and_pivots_into_a_machine() {
    let browser = Browser::open("/?profile=mde").await;
    browser.click_button("Advanced hunting").await;
    browser.wait_for_text("Schema").await;
    let selected = browser
        .script("return document.querySelector('[role=tab][aria-selected=true]').textContent;")
        .await;
    assert_eq!(selected, "Advanced hunting");
    // Completion: a table name from its start, offered in the list the editor controls, taken with Tab.
    let editor = browser.control("KQL query").await;
    editor.send_keys("DeviceProc").await.expect("type");
    browser
        .wait_until("the completion list", || async {
            let v = browser
                .script("return Array.from(document.querySelectorAll('#kql-completions [role=option] .name')).map(o => o.textContent);")
                .await;
            (
                v.as_array().is_some_and(|a| a.first().and_then(|o| o.as_str()) == Some("DeviceProcessEvents")),
                v.to_string(),
            )
        })
        .await;
    // The editor points at the list's active option, as a screen reader follows it.
    assert_eq!(
        browser
            .attribute("KQL query", "aria-activedescendant")
            .await,
        "kql-completion-0"
    );
    browser.press(Key::Tab).await;
    browser
        .wait_for_value("KQL query", "DeviceProcessEvents")
        .await;
    let rest = format!("\n| where DeviceId == \"{SOURCE_MACHINE_ID}\"\n| take 5");
    editor.send_keys(&rest).await.expect("type");
    // Escape closes a list that opened on the way; Ctrl+Enter runs.
    browser.press(Key::Escape).await;
    editor
        .send_keys(&format!(
            "{}{}",
            char::from(Key::Control),
            char::from(Key::Enter)
        ))
        .await
        .expect("Ctrl+Enter");
    let rows = wait_for_rows(&browser, 1).await;
    assert!(rows.len() <= 5, "{rows:?}");
    let columns = headers(&browser).await;
    let device = columns
        .iter()
        .position(|c| c == "DeviceId")
        .unwrap_or_else(|| panic!("a DeviceId column: {columns:?}"));
    assert!(
        rows.iter().all(|r| r[device] == SOURCE_MACHINE_ID),
        "{rows:?}"
    );
    let url = browser.current_url().await;
    assert!(
        url.contains("hunt=DeviceProcessEvents"),
        "the hunt is in the address: {url}"
    );

    // The machine id is a pivot: its card opens on the Defender profile.
    browser.click_link(SOURCE_MACHINE_ID).await;
    browser
        .wait_until("the machine's card", || async {
            let cards = browser.cards().await;
            (
                cards.len() == 1 && cards[0].0 == "Machine",
                format!("{cards:?}"),
            )
        })
        .await;
    // Back: the hunt, its query and its rows again.
    browser.client.back().await.expect("Back");
    let rows = wait_for_rows(&browser, 1).await;
    assert!(!rows.is_empty());
    assert!(browser.value("KQL query").await.contains(SOURCE_MACHINE_ID));
    browser.close().await;
}

#[tokio::test]
async fn render_draws_a_chart_with_the_table_as_its_alternative_and_columns_sort() {
    let query = "DeviceNetworkEvents | summarize Connections = count() by bin(Timestamp, 1d) | render timechart";
    let browser = Browser::open(&format!(
        "/?profile=graph&hunt={}",
        query.replace(' ', "+").replace('|', "%7C")
    ))
    .await;
    browser
        .wait_until("the chart", || async {
            let v = browser
                .script("const s = document.querySelector('figure.hunt-chart svg[role=img]'); return s ? s.querySelectorAll('polyline').length : 0;")
                .await;
            (v.as_u64().unwrap_or(0) >= 1, v.to_string())
        })
        .await;
    let rows = wait_for_rows(&browser, 2).await;
    let columns = headers(&browser).await;
    let at = columns
        .iter()
        .position(|c| c == "Connections")
        .unwrap_or_else(|| panic!("{columns:?}"));
    let button = browser
        .script(&format!(
            "return document.querySelectorAll('table[aria-label=\"Hunting results\"] thead th button')[{at}].textContent.replace(/\\s+/g, ' ').trim();"
        ))
        .await;
    let button = button.as_str().unwrap_or_default().to_string();
    assert!(button.starts_with("Connections"), "{button}");
    // Sorting by Connections, descending on the second press.
    browser.click_button(&button).await;
    browser.click_button(&button).await;
    let sorted = table_rows(&browser).await;
    let counts: Vec<i64> = sorted
        .iter()
        .filter_map(|r| r.get(at).and_then(|c| c.parse().ok()))
        .collect();
    assert_eq!(counts.len(), rows.len());
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let sort = browser
        .script(
            "return document.querySelector('th[aria-sort=descending]') ? 'descending' : 'none';",
        )
        .await;
    assert_eq!(sort, "descending");
    browser.close().await;
}

#[tokio::test]
async fn a_bad_query_is_explained_with_its_place_and_kept() {
    let browser = Browser::open("/?profile=graph&hunt=").await;
    let editor = browser.control("KQL query").await;
    let bad = "DeviceProcessEvents | where FileName = = 'x'";
    editor.send_keys(bad).await.expect("type");
    browser.press(Key::Escape).await;
    browser.click_button("Run query").await;
    browser.wait_for_text("The query was refused").await;
    browser.wait_for_text("line 1").await;
    assert_eq!(
        browser.value("KQL query").await,
        bad,
        "what was typed is kept"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_machine_card_offers_hunts_that_open_in_the_hunting_view() {
    let browser = Browser::open(&format!("/?profile=mde&q=/machines/{SOURCE_MACHINE_ID}")).await;
    browser.wait_for_cards(1).await;
    browser
        .click_link("Hunt: This device's processes in the last 7 days")
        .await;
    let rows = wait_for_rows(&browser, 1).await;
    assert!(!rows.is_empty());
    assert!(browser.value("KQL query").await.contains(SOURCE_MACHINE_ID));
    // A row's entities into the graph.
    let add = browser
        .script("const b = document.querySelector('td.row-actions button'); return b ? b.getAttribute('aria-label') : '';")
        .await;
    let add = add.as_str().unwrap_or_default().to_string();
    assert!(add.starts_with("Add to graph: row 1"), "{add}");
    browser
        .script("document.querySelector('td.row-actions button').click(); return 1;")
        .await;
    browser.wait_for_text("The investigation graph holds").await;
    browser.close().await;
}

#[tokio::test]
async fn a_long_result_builds_only_the_rows_on_screen_and_scrolls_to_its_end() {
    let browser = Browser::open("/?profile=mde&hunt=DeviceNetworkEvents").await;
    browser.wait_for_text("rows in").await;
    let counts = browser
        .script(
            "const t = document.querySelector('table[aria-label=\"Hunting results\"]');
             return [Number(t.getAttribute('aria-rowcount')) - 1, t.querySelectorAll('tbody tr:not(.spacer)').length];",
        )
        .await;
    let (total, built) = (
        counts[0].as_u64().unwrap_or(0),
        counts[1].as_u64().unwrap_or(0),
    );
    assert!(total > 1_000, "a long result: {total} rows");
    assert!(
        built < 200,
        "only the rows near the view are built: {built} of {total}"
    );
    // Scrolled to the end, the last row is there, numbered as a screen reader counts it.
    browser
        .script("const d = document.querySelector('.hunt-table'); d.scrollTop = d.scrollHeight; d.dispatchEvent(new Event('scroll')); return 1;")
        .await;
    browser
        .wait_until("the last row", || async {
            let last = browser
                .script("const r = [...document.querySelectorAll('table[aria-label=\"Hunting results\"] tbody tr:not(.spacer)')].pop(); return r ? Number(r.getAttribute('aria-rowindex')) : 0;")
                .await;
            (last.as_u64() == Some(total + 1), last.to_string())
        })
        .await;
    browser.close().await;
}

#[tokio::test]
async fn bar_and_pie_charts_draw_one_mark_per_category() {
    for (render, mark) in [("barchart", "rect.bar"), ("piechart", "path.slice")] {
        let query = format!(
            "DeviceProcessEvents | summarize Runs = count() by FileName | top 5 by Runs | render {render}"
        );
        let browser = Browser::open(&format!(
            "/?profile=mde&hunt={}",
            query.replace(' ', "+").replace('|', "%7C")
        ))
        .await;
        let rows = wait_for_rows(&browser, 1).await;
        browser
            .wait_until(&format!("a {render}"), || async {
                let marks = browser
                    .script(&format!(
                        "return document.querySelectorAll('figure.hunt-chart svg[role=img] {mark}').length;"
                    ))
                    .await;
                (marks.as_u64() == Some(rows.len() as u64), format!("{marks} marks, {} rows", rows.len()))
            })
            .await;
        browser.close().await;
    }
}

#[tokio::test]
async fn hunts_and_card_results_save_as_csv_and_json() {
    let browser = Browser::open("/?profile=mde&hunt=DeviceInfo+%7C+take+3").await;
    let rows = wait_for_rows(&browser, 3).await;
    browser.catch_downloads().await;
    browser.click_button("Save results as CSV").await;
    browser.click_button("Save results as JSON").await;
    let files = browser.saved(2).await;
    let (name, kind, csv) = &files[0];
    assert_eq!(
        (name.as_str(), kind.as_str()),
        ("atp-hunt.csv", "text/csv;charset=utf-8")
    );
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(
        lines.len(),
        rows.len() + 1,
        "a header and one line per row: {csv}"
    );
    assert!(lines[0].contains("DeviceId"), "{}", lines[0]);
    let json: serde_json::Value = serde_json::from_str(&files[1].2).expect("JSON");
    assert_eq!(json["results"].as_array().map(Vec::len), Some(3));
    browser.close().await;

    let browser = Browser::open("/?profile=mde&q=/alerts?$top=4").await;
    browser.wait_for_cards(4).await;
    browser.catch_downloads().await;
    browser.click_button("Save results as CSV").await;
    let files = browser.saved(1).await;
    let lines: Vec<&str> = files[0].2.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 5, "{}", files[0].2);
    assert!(lines[0].starts_with("id,"), "{}", lines[0]);
    browser.close().await;
}
