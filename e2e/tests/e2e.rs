//! End-to-end: the release `dist/` served on loopback, driven in headless Chromium through WebDriver.
//!
//! `cargo xtask test` builds `dist/` first and sets `ATP_DIST` and `CHROMEDRIVER`.
#![cfg(not(target_arch = "wasm32"))]

use atp_e2e::{Browser, LOAD_MORE};
use fantoccini::key::Key;

const SOURCE_EXAMPLE: &str = "https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine";

#[tokio::test]
async fn the_controls_write_the_request_url() {
    let browser = Browser::open("/").await;
    browser.wait_for_value("Request URL", SOURCE_EXAMPLE).await;

    browser.choose("Entity", "File").await;
    browser
        .choose("Action", "GetMachines /files/{id}/machines")
        .await;
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
    browser
        .wait_for_text("/files{id}/machines (a missing slash)")
        .await;

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
    browser
        .replace_text("Request URL", "/machines/nothing/here")
        .await;
    browser
        .wait_for_text("No route of the WDATP API matches /machines/nothing/here")
        .await;
    browser
        .wait_for_value("Request URL", "/machines/nothing/here")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_source_example_pages_with_load_more() {
    let browser = Browser::open("/").await;
    browser
        .click_link("Top 20 alerts with machine information")
        .await;
    let cards = browser.wait_for_cards(20).await;
    assert!(cards.iter().all(|(kind, _)| kind == "Alert"), "{cards:?}");
    assert_eq!(cards[0].1, "Process hollowing detected");
    browser.wait_for_text("20 results").await;
    assert!(browser
        .current_url()
        .await
        .ends_with("?profile=wdatp&q=/alerts?$top=20%26$expand=machine"));

    // A page comes below the cards there and leaves them as they were: a text opened in the last card
    // (whose block is short, and fills up) stays open, and the focus stays on its button.
    let open_last = "const cards = [...document.querySelectorAll('[role=feed] article')];
        const card = cards.reverse().find((a) => [...a.querySelectorAll('button')].some((b) => b.textContent === 'Show all'));
        const b = [...card.querySelectorAll('button')].find((b) => b.textContent === 'Show all');
        b.focus(); b.click(); return Number(card.getAttribute('aria-posinset'));";
    let opened = browser.script(open_last).await;
    assert!(
        opened.as_u64().is_some_and(|n| n > 18),
        "the text opened is in card {opened}"
    );
    browser
        .script(&format!("{LOAD_MORE}.click(); return 1;"))
        .await;
    browser.wait_for_cards(40).await;
    browser.wait_for_text("40 results").await;
    let focused_card = "const a = document.activeElement; const card = a.closest('article');
        return [card ? Number(card.getAttribute('aria-posinset')) : a.tagName, a.textContent, a.getAttribute('aria-expanded')];";
    assert_eq!(
        browser.script(focused_card).await,
        serde_json::json!([opened, "Show less", "true"]),
        "the focus after the page came"
    );

    // From the keyboard: the focus stays on the button (Enter again brings the next page), and the cards
    // tell screen readers the list's size is not known yet.
    let focus_button =
        format!("const b = {LOAD_MORE}; b.focus(); return document.activeElement === b;");
    assert_eq!(browser.script(&focus_button).await, true);
    let focused = "const a = document.activeElement; return a.tagName === 'BUTTON' ? a.textContent.trim() : a.tagName;";
    let set_size =
        "return document.querySelector('[role=feed] article').getAttribute('aria-setsize');";
    for total in [60, 80] {
        browser.press(Key::Enter).await;
        browser.wait_for_cards(total).await;
        browser.wait_for_text(&format!("{total} results")).await;
        assert_eq!(
            browser.script(focused).await,
            "Load more",
            "the focus after loading {total} cards"
        );
        assert_eq!(browser.script(set_size).await, "-1");
    }

    // After the last page the button stays where the focus is, and says so.
    browser.close().await;
    let browser = Browser::open("/?profile=wdatp&q=/alerts?$top=600").await;
    browser.wait_for_text("600 results").await;
    assert_eq!(browser.script(&focus_button).await, true);
    browser.press(Key::Enter).await;
    browser.wait_for_text("1200 results").await;
    assert_eq!(browser.script(focused).await, "All results loaded");
    let state = browser
        .script("return document.activeElement.getAttribute('aria-disabled');")
        .await;
    assert_eq!(state, "true");
    assert_eq!(browser.script(set_size).await, "1200");
    browser.close().await;
}

#[tokio::test]
async fn a_pivot_is_a_deep_link_with_history_and_reload() {
    let browser = Browser::open("/").await;
    // With no query in the address, the page shows the source example at once.
    browser.wait_for_cards(20).await;
    let machine = browser
        .script(
            "const a = document.querySelector('article'); \
             const dt = Array.from(a.querySelectorAll('dt')).find(d => d.textContent === 'Machine'); \
             return dt.nextElementSibling.querySelector('a').textContent;",
        )
        .await;
    let machine = machine
        .as_str()
        .expect("the first alert links its machine")
        .to_string();
    browser.click_link(&machine).await;
    let cards = browser.wait_for_cards(1).await;
    assert_eq!(cards[0], ("Machine".to_string(), machine.clone()));
    let deep_link = browser.current_url().await;
    assert!(
        deep_link.contains("?profile=wdatp&q=/machines/"),
        "{deep_link}"
    );
    browser
        .wait_for_selected("Action", "Get /machines/{id}")
        .await;

    browser.client.back().await.expect("Back");
    browser.wait_for_cards(20).await;
    browser.client.forward().await.expect("Forward");
    browser.wait_for_cards(1).await;

    browser.client.refresh().await.expect("reload");
    let cards = browser.wait_for_cards(1).await;
    assert_eq!(cards[0].1, machine);
    assert_eq!(browser.current_url().await, deep_link);
    browser.close().await;
}

#[tokio::test]
async fn every_entity_sample_renders_its_card_type() {
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    for (sample, kind) in [
        ("An actor report", "Actor"),
        ("The source document's alert", "Alert"),
        ("A machine", "Machine"),
        ("A user", "User"),
        ("A domain", "Domain"),
        ("An IP address", "IP"),
        ("A file", "File"),
        ("A file's prevalence", "Prevalence"),
    ] {
        browser.click_link(sample).await;
        browser
            .wait_until(&format!("{sample:?} to show one {kind} card"), || async {
                let cards = browser.cards().await;
                (cards.len() == 1 && cards[0].0 == kind, format!("{cards:?}"))
            })
            .await;
    }
    browser.close().await;
}

#[tokio::test]
async fn hostile_data_stays_text() {
    let browser = Browser::open("/?dataset=hostile").await;
    browser.wait_for_cards(20).await;
    browser.wait_for_text("(hostile test data)").await;
    for sample in [
        "An actor report",
        "A machine",
        "A user",
        "A file",
        "Top 20 alerts with machine information",
    ] {
        browser.click_link(sample).await;
        browser.wait_for_text("HTTP 200").await;
        for tab in ["JSON", "Response", "Cards"] {
            browser.click_button(tab).await;
        }
    }
    browser.wait_for_cards(20).await;
    // The payloads show as text, and none of them ran.
    browser.wait_for_text("<script>").await;
    assert_eq!(
        browser.script("return typeof window.__atp_pwned;").await,
        "undefined"
    );
    let injected = browser
        .script("return document.querySelectorAll('article script, article img, article iframe').length;")
        .await;
    assert_eq!(injected, 0);
    let bad_links = browser
        .script("return Array.from(document.querySelectorAll('a')).filter(a => !/^(https:|\\?|http:\\/\\/127\\.0\\.0\\.1)/.test(a.getAttribute('href') || '')).length;")
        .await;
    assert_eq!(bad_links, 0, "every link is an app link or https");
    let policy = browser
        .script("const m = document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]'); return m && m.content;")
        .await;
    let policy = policy.as_str().unwrap_or_default().to_string();
    for directive in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval' 'sha256-",
        "form-action 'none'",
        "object-src 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy:?}");
    }
    browser.close().await;
}

#[tokio::test]
async fn an_invalid_id_is_explained_and_nothing_is_sent() {
    let browser = Browser::open("/").await;
    browser.wait_for_cards(20).await;
    let before = browser.current_url().await;
    browser.choose("Entity", "File").await;
    browser.replace_text("id", "not-a-hash").await;
    browser.click_button("Run").await;
    browser.wait_for_text("Nothing was sent.").await;
    browser
        .wait_for_text("a file id is a hash of 32 (MD5), 40 (SHA1) or 64 (SHA256)")
        .await;
    let described_by = browser.attribute("id", "aria-describedby").await;
    assert!(described_by.contains("param-id-error"), "{described_by}");
    assert_eq!(browser.current_url().await, before, "no new history entry");
    assert_eq!(
        browser.value("id").await,
        "not-a-hash",
        "what was typed stays"
    );
    assert_eq!(browser.cards().await.len(), 0);
    browser.close().await;
}

#[tokio::test]
async fn api_errors_say_what_happened_and_what_to_do() {
    let missing = "0000000000000000000000000000000000000000";
    let browser = Browser::open(&format!("/?profile=wdatp&q=/machines/{missing}")).await;
    browser.wait_for_text("Not found (ResourceNotFound").await;
    browser.wait_for_text("Check the id in the query").await;
    browser.wait_for_value("id", missing).await;

    browser
        .client
        .goto(&format!(
            "{}/?profile=mde&q=/alerts?$filter=nosuchfield%20eq%201",
            browser.base
        ))
        .await
        .expect("open a deep link");
    browser
        .wait_for_text("The API refused the request (ODataError")
        .await;
    browser.wait_for_text("nosuchfield").await;
    browser.wait_for_value("$filter", "nosuchfield eq 1").await;

    // An address that is not a query keeps its text in the Request URL field and says why.
    browser
        .client
        .goto(&format!(
            "{}/?profile=wdatp&q=/frobnicate%3F$top=1",
            browser.base
        ))
        .await
        .expect("open a broken deep link");
    browser
        .wait_for_value("Request URL", "/frobnicate?$top=1")
        .await;
    browser
        .wait_for_text("No route of the WDATP API matches /frobnicate")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn deep_links_work_under_a_sub_path_of_a_plain_static_host() {
    // A GitHub-Pages-style site: the app in /atp-explorer/, no rewrite rules, unknown paths 404.
    let site = std::env::temp_dir().join(format!("atp-site-{}", std::process::id()));
    let app = site.join("atp-explorer");
    std::fs::create_dir_all(&app).expect("a site folder");
    std::fs::write(
        site.join("index.html"),
        "<!doctype html><title>Another page of the site</title>",
    )
    .expect("site index");
    for entry in std::fs::read_dir(atp_e2e::dist())
        .expect("read dist/")
        .flatten()
    {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), app.join(entry.file_name())).expect("copy the app");
        }
    }
    let browser = Browser::open_site(site.clone(), "/atp-explorer/").await;
    browser.wait_for_cards(20).await;
    browser.click_link("A machine").await;
    let cards = browser.wait_for_cards(1).await;
    let deep_link = browser.current_url().await;
    assert!(
        deep_link.contains("/atp-explorer/?profile=wdatp&q=/machines/"),
        "{deep_link}"
    );

    // The deep link works on its own: a fresh load of the address restores the same view.
    browser
        .client
        .goto("about:blank")
        .await
        .expect("leave the app");
    browser
        .client
        .goto(&deep_link)
        .await
        .expect("open the deep link");
    assert_eq!(browser.wait_for_cards(1).await, cards);
    browser.close().await;
    let _ = std::fs::remove_dir_all(&site);
}

#[tokio::test]
async fn a_long_result_builds_only_the_cards_near_the_screen() {
    let browser = Browser::open("/?profile=wdatp&q=/alerts?$top=1000").await;
    browser.wait_for_text("1000 results").await;
    browser.wait_for_at_least_cards(1).await;
    // Every card says where it sits in the whole list, for screen readers, which see only those built (the
    // list's size is unknown, -1, while more pages may come).
    let (built, first) = feed(&browser).await;
    assert_eq!(first, (1, -1));
    assert!((24..1000).contains(&built), "{built} of 1000 cards built");

    // At the end of the page the last cards are there, and the first ones are gone.
    browser
        .wait_until("the last card after scrolling to the end", || async {
            browser
                .script("window.scrollTo(0, document.body.scrollHeight); return 1;")
                .await;
            let last = browser
                .script("const a = document.querySelectorAll('[role=feed] article'); return a.length ? Number(a[a.length - 1].getAttribute('aria-posinset')) : 0;")
                .await;
            (last.as_u64() == Some(1000), format!("last card {last}"))
        })
        .await;
    let (built, first) = feed(&browser).await;
    assert!(first.0 > 1 && built < 1000, "{built} cards from {first:?}");

    // Tab walks on through the list: from the last link of the cards built, the next stop is the next card.
    browser.script("window.scrollTo(0, 0); return 1;").await;
    browser
        .wait_until("the first card again", || async {
            let (_, first) = feed(&browser).await;
            (first.0 == 1, format!("{first:?}"))
        })
        .await;
    let before = browser
        .script(
            "const a = document.querySelectorAll('[role=feed] article'); const last = a[a.length - 1];
             const links = last.querySelectorAll('a, button'); links[links.length - 1].focus();
             return Number(last.getAttribute('aria-posinset'));",
        )
        .await
        .as_u64()
        .unwrap_or(0);
    // Focus in a block builds the block after it, before Tab gets there.
    browser
        .wait_until("the card after the focused block to be built", || async {
            let next = browser
                .script(&format!(
                    "return !!document.querySelector('[role=feed] article[aria-posinset=\"{}\"]');",
                    before + 1
                ))
                .await;
            (next.as_bool() == Some(true), format!("{next}"))
        })
        .await;
    browser.press(Key::Tab).await;
    browser
        .wait_until("Tab to reach the next card", || async {
            let at = browser
                .script("const a = document.activeElement.closest('article'); return a ? Number(a.getAttribute('aria-posinset')) : 0;")
                .await;
            (at.as_u64() == Some(before + 1), format!("focus in card {at}, after card {before}"))
        })
        .await;
    browser.close().await;
}

#[tokio::test]
async fn rows_of_cards_are_full_at_every_width() {
    let browser = Browser::open("/?profile=wdatp&q=/alerts?$top=60").await;
    browser.wait_for_cards(60).await;
    // Cards per row, top to bottom.
    let rows = "const tops = new Map();
        for (const a of document.querySelectorAll('[role=feed] article')) {
            const top = Math.round(a.getBoundingClientRect().top + scrollY);
            tops.set(top, (tops.get(top) ?? 0) + 1);
        }
        return [...tops.keys()].sort((a, b) => a - b).map((t) => tops.get(t));";
    for width in [700, 1300, 1905, 2100, 2400, 2800, 3400] {
        browser
            .client
            .set_window_size(width, 900)
            .await
            .expect("resize the window");
        browser
            .wait_until(&format!("full rows of cards at {width} px"), || async {
                let rows: Vec<u64> =
                    serde_json::from_value(browser.script(rows).await).unwrap_or_default();
                let full = rows.first().is_some_and(|&n| {
                    rows[..rows.len() - 1].iter().all(|&r| r == n) && rows.iter().sum::<u64>() == 60
                });
                (full, format!("cards per row: {rows:?}"))
            })
            .await;
    }
    browser.close().await;
}

#[tokio::test]
async fn leaving_the_cards_while_the_list_catches_up_keeps_the_app_running() {
    let browser = Browser::open("/?profile=wdatp&q=/alerts?$top=10000&dataset=large").await;
    browser.wait_for_text("10000 results").await;
    browser.wait_for_at_least_cards(1).await;
    // A jump to the middle, and the JSON tab clicked a frame later, while the list still has frames of
    // work queued: the list is gone when they run.
    browser
        .script(
            "const feed = document.querySelector('[role=feed]').getBoundingClientRect();
             window.scrollTo(0, window.scrollY + feed.top + feed.height / 2);
             requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById('tab-json').click()));
             return 1;",
        )
        .await;
    browser.wait_for_text("Copy body").await;
    // Frames later the app has not stopped, and still answers.
    let stopped = "return document.getElementById('atp-stopped')?.textContent ?? '';";
    assert_eq!(browser.script(stopped).await, "", "the app stopped");
    browser.click_button("Response").await;
    browser.wait_for_text("Response headers").await;
    assert_eq!(browser.script(stopped).await, "", "the app stopped");
}

#[tokio::test]
async fn a_jump_through_ten_thousand_alerts_shows_the_cards_there() {
    let browser = Browser::open("/?profile=wdatp&q=/alerts?$top=10000&dataset=large").await;
    browser.wait_for_text("10000 results").await;
    browser.wait_for_at_least_cards(1).await;
    let focus_in = "const a = document.activeElement.closest('article'); return a ? Number(a.getAttribute('aria-posinset')) : 0;";
    browser
        .script("document.querySelector('[role=feed] article a').focus(); return 1;")
        .await;
    assert_eq!(browser.script(focus_in).await.as_u64(), Some(1));
    // Like a scrollbar dragged to the middle: the cards on screen are the middle ones, built at once,
    // and the list still builds only cards near the screen.
    browser
        .script(
            "const feed = document.querySelector('[role=feed]').getBoundingClientRect();
             window.scrollTo(0, window.scrollY + feed.top + feed.height / 2); return 1;",
        )
        .await;
    let on_screen = "const a = [...document.querySelectorAll('[role=feed] article')].filter((a) => {
                         const r = a.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; });
                     return a.map((a) => Number(a.getAttribute('aria-posinset')));";
    browser
        .wait_until("the middle cards on screen", || async {
            let shown = browser.script(on_screen).await;
            let positions: Vec<u64> = shown
                .as_array()
                .map(|a| a.iter().filter_map(serde_json::Value::as_u64).collect())
                .unwrap_or_default();
            let middle =
                !positions.is_empty() && positions.iter().all(|p| (3_500..6_500).contains(p));
            (middle, format!("cards on screen: {positions:?}"))
        })
        .await;
    let (built, first) = feed(&browser).await;
    assert!(
        built < 200 && first.1 == -1,
        "{built} cards built from {first:?}"
    );
    // The cards left behind are emptied, but not the focused one: Tab goes on from there.
    browser
        .wait_until("the cards left behind to be emptied", || async {
            let gone = browser
                .script(
                    "return !document.querySelector('[role=feed] article[aria-posinset=\"30\"]');",
                )
                .await;
            (
                gone.as_bool() == Some(true),
                format!("card 30 gone: {gone}"),
            )
        })
        .await;
    assert_eq!(browser.script(focus_in).await.as_u64(), Some(1));
    // Kept, not grown toward: two seconds of frames later the list still holds only the cards near the
    // screen and the focused block.
    let later = browser
        .script(
            "const frames = (n) => new Promise((r) => { const f = () => (n-- > 0 ? requestAnimationFrame(f) : r()); f(); });
             return frames(120).then(() => document.querySelectorAll('[role=feed] article').length);",
        )
        .await;
    assert!(
        later.as_u64().is_some_and(|n| n < 200),
        "{later} cards built"
    );

    // And the last card is there at the end.
    browser
        .wait_until("the last card after a jump to the end", || async {
            browser
                .script("window.scrollTo(0, document.body.scrollHeight); return 1;")
                .await;
            let shown = browser.script(on_screen).await;
            let last = shown
                .as_array()
                .and_then(|a| a.iter().filter_map(serde_json::Value::as_u64).max());
            (last == Some(10_000), format!("cards on screen: {shown}"))
        })
        .await;
    browser.close().await;
}

/// How many cards the feed has built, and the first one's (position, set size).
async fn feed(browser: &Browser) -> (usize, (u64, i64)) {
    let seen = browser
        .script(
            "const a = document.querySelectorAll('[role=feed] article');
             return [a.length, a.length ? Number(a[0].getAttribute('aria-posinset')) : 0,
                     a.length ? Number(a[0].getAttribute('aria-setsize')) : 0];",
        )
        .await;
    let n = |i: usize| seen.get(i).and_then(serde_json::Value::as_i64).unwrap_or(0);
    (n(0) as usize, (n(1) as u64, n(2)))
}
