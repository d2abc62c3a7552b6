//! Hostile data and hostile input, end to end (the release `dist/` in headless Chromium):
//! - a walk through every view of the `?dataset=hostile` demo (cards, JSON tree and raw body, Response
//!   headers, code snippets, graph with its side panel, timeline and exports) asserting after each step
//!   that no payload ran, nothing was injected, no link leads to `javascript:` or `data:`, and hidden
//!   characters in ids and names are shown;
//! - garbage at every entry (the app's address, the Request URL, each query control, Settings): a clear
//!   message, what was typed kept, the rest of the state intact, and no panic (whose alert would show).
#![cfg(not(target_arch = "wasm32"))]

use atp_core::snippet::{snippet, Language};
use atp_core::{Profile, Region};
use atp_e2e::Browser;
use fantoccini::Locator;

/// What the panic hook's alert says (src/panic.rs).
const STOPPED: &str = "ATP Explorer stopped because of an internal error.";

/// Characters that hide or reorder text (a subset of `atp_core::text::is_invisible`, as a JS class).
const HIDDEN_CLASS: &str = r"[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]";

/// Everything wrong with the page right now, as sentences; empty when it is inert.
async fn hazards(browser: &Browser) -> Vec<String> {
    let script = format!(
        r#"const bad = [];
        if (typeof window.__atp_pwned !== 'undefined') bad.push('a planted payload ran');
        const scripts = document.querySelectorAll('script').length;
        if (window.__atp_scripts === undefined) window.__atp_scripts = scripts;
        if (scripts !== window.__atp_scripts) bad.push(scripts + ' script elements, ' + window.__atp_scripts + ' at load');
        for (const tag of ['iframe', 'frame', 'object', 'embed', 'img', 'foreignObject', 'base', 'link[rel=import]', 'meta[http-equiv=refresh]', 'body form[action]']) {{
            const n = document.querySelectorAll(tag).length;
            if (n) bad.push(n + ' ' + tag + ' elements');
        }}
        for (const el of document.querySelectorAll('*')) {{
            for (const a of el.attributes) {{
                const name = a.name.toLowerCase();
                if (name.startsWith('on')) bad.push('handler attribute ' + name + ' on ' + el.tagName);
                if (['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'srcdoc', 'poster'].includes(name)
                    && /^\s*(javascript|data|vbscript):/i.test(a.value.replace(/[\u0000-\u0020]/g, '')))
                    bad.push(name + '=' + a.value.slice(0, 60) + ' on ' + el.tagName);
            }}
        }}
        for (const a of document.querySelectorAll('a[href]')) {{
            const href = a.getAttribute('href');
            if (!/^(\?|https:\/\/|http:\/\/127\.0\.0\.1[:/])/.test(href)) bad.push('a link to ' + href.slice(0, 60));
        }}
        const hidden = new RegExp('{HIDDEN_CLASS}');
        // Names and ids (links, code, headings, accessible names); the raw body is shown exactly as sent.
        for (const el of document.querySelectorAll('a, code, [aria-label], h1, h2, h3, h4')) {{
            const text = el.hasAttribute('aria-label') ? el.getAttribute('aria-label') : el.textContent;
            if (hidden.test(text)) bad.push('a hidden character in ' + el.tagName + ': ' + JSON.stringify(text.slice(0, 80)));
        }}
        if (document.body.textContent.includes({STOPPED:?})) bad.push('the panic alert');
        return bad;"#
    );
    serde_json::from_value(browser.script(&script).await)
        .unwrap_or_else(|_| vec!["the check failed to run".into()])
}

async fn assert_inert(browser: &Browser, step: &str) {
    let found = hazards(browser).await;
    assert!(found.is_empty(), "after {step}: {found:#?}");
}

/// Sets a field's value as a paste would, in one input event (WebDriver typing 100 KB takes minutes).
async fn paste(browser: &Browser, label: &str, text: &str) {
    let field = browser.control(label).await;
    let element = serde_json::to_value(&field).expect("an element reference");
    browser
        .client
        .execute(
            "const [el, text] = arguments; el.value = text; el.dispatchEvent(new Event('input', {bubbles: true})); return true;",
            vec![element, serde_json::Value::String(text.to_string())],
        )
        .await
        .expect("paste into the field");
}

/// Opens every `<details>` under the result area until none is left closed, and shows every long string.
async fn expand_json(browser: &Browser) {
    browser
        .wait_until("the JSON tree to be fully open", || async {
            let closed = browser
                .script(
                    "const r = document.getElementById('result-panel') || document.body;
                     const closed = Array.from(r.querySelectorAll('details:not([open])'));
                     closed.forEach(d => { d.open = true; });
                     r.querySelectorAll('button[aria-expanded=false]').forEach(b => b.click());
                     return closed.length;",
                )
                .await;
            (closed.as_u64() == Some(0), format!("{closed} closed"))
        })
        .await;
}

/// A file name a person can trust: short, one path segment, nothing hidden.
fn assert_safe_file_name(name: &str) {
    assert!(!name.is_empty() && name.chars().count() <= 100, "{name:?}");
    assert!(
        !name.contains(['/', '\\', ':', '<', '>', '"', '|', '?', '*']),
        "{name:?}"
    );
    assert!(
        !name
            .chars()
            .any(|c| c.is_control() || atp_core::text::is_invisible(c)),
        "{name:?}"
    );
    assert!(
        !name.starts_with('.') && !name.ends_with(['.', ' ']),
        "{name:?}"
    );
}

#[tokio::test]
async fn every_view_of_the_hostile_tenant_stays_inert() {
    let browser = Browser::open("/?dataset=hostile").await;
    browser.wait_for_cards(20).await;
    browser.wait_for_text("(hostile test data)").await;
    assert_inert(&browser, "the alert cards").await;

    // Cards: the first alert's Machine link shows the bidi override and the zero-width space it hides.
    let machine = browser
        .script(
            "const a = document.querySelector('article');
             const dt = Array.from(a.querySelectorAll('dt')).find(d => d.textContent === 'Machine');
             return dt.nextElementSibling.textContent;",
        )
        .await;
    let machine = machine.as_str().unwrap_or_default().to_string();
    assert!(
        machine.contains("\\u{202E}") && machine.contains("\\u{200B}"),
        "the hidden characters are shown: {machine:?}"
    );
    browser
        .wait_for_text("<script>window.__atp_pwned=1</script>")
        .await;

    // JSON: the whole tree open, every long string shown in full; then the raw body.
    browser.click_button("JSON").await;
    expand_json(&browser).await;
    assert_inert(&browser, "the JSON tree, fully open").await;
    browser
        .script("document.evaluate(\"//label[normalize-space(.)='Raw']/input\", document, null, 9, null).singleNodeValue.click(); return true;")
        .await;
    browser
        .client
        .wait()
        .for_element(Locator::XPath("//pre[@aria-label='Raw body']"))
        .await
        .expect("the raw body");
    assert_inert(&browser, "the raw body").await;

    // Response: hostile header values are text.
    browser.click_button("Response").await;
    browser.wait_for_text("X-Atp-Note").await;
    browser
        .wait_for_text("<javascript:window.__atp_pwned=1>; rel=\"next\"")
        .await;
    assert_inert(&browser, "the response headers").await;

    // Other entity kinds: files (names with bidi overrides), actors (a javascript: report link), users
    // (ids with markup), machines.
    for sample in ["A file", "An actor report", "A user", "A machine"] {
        browser.click_link(sample).await;
        browser.wait_for_text("HTTP 200").await;
        for tab in ["Cards", "JSON", "Response"] {
            browser.click_button(tab).await;
            if tab == "JSON" {
                expand_json(&browser).await;
            }
            assert_inert(&browser, &format!("{sample}, {tab}")).await;
        }
    }

    // Code snippets: a pasted URL full of quotes, `$`, backticks and a newline is one literal in each.
    browser
        .click_link("Top 20 alerts with machine information")
        .await;
    browser.click_button("Cards").await;
    browser.wait_for_cards(20).await;
    browser.choose("Profile", "Defender for Endpoint").await;
    browser
        .replace_text("$filter", "title eq 'x''$(id)`id`\"; calc #'")
        .await;
    let url = browser.value("Request URL").await;
    assert!(url.contains("'x''$(id)"), "{url}");
    browser
        .client
        .find(Locator::XPath(
            "//summary[normalize-space(.)='Code snippets']",
        ))
        .await
        .expect("the Code snippets disclosure")
        .click()
        .await
        .expect("open it");
    let profile = Profile::Defender(Region::Global);
    let route = atp_core::Query::parse(&url, profile)
        .expect("the Request URL is a query")
        .route;
    for language in Language::ALL {
        let shown = browser
            .script(&format!(
                "const h = Array.from(document.querySelectorAll('h3')).find(h => h.textContent === {:?});
                 return document.querySelector('pre[aria-labelledby=\"' + h.id + '\"]').textContent;",
                language.label()
            ))
            .await;
        assert_eq!(
            shown.as_str().unwrap_or_default(),
            snippet(
                language,
                route.method,
                &url,
                None,
                profile,
                route.permission()
            ),
            "{language:?}"
        );
    }
    browser.click_button("Copy curl").await;
    browser
        .wait_until("Copy to say what happened", || async {
            let text = browser
                .script("return document.body.textContent;")
                .await
                .as_str()
                .unwrap_or_default()
                .to_string();
            (
                text.contains("Copied the curl snippet.") || text.contains("refused the clipboard"),
                String::new(),
            )
        })
        .await;
    assert_inert(&browser, "the code snippets").await;

    // Graph: every alert, three of them expanded, a node's side panel, the timeline, and the exports.
    browser
        .click_link("Top 20 alerts with machine information")
        .await;
    browser.wait_for_cards(20).await;
    browser.click_button("Add all to graph").await;
    browser
        .wait_until("20 nodes", || async {
            let n = browser
                .script("return document.querySelectorAll('[aria-label=\"Investigation graph\"] g[role=button]').length;")
                .await;
            (n.as_u64() == Some(20), n.to_string())
        })
        .await;
    browser
        .script(
            "const g = document.querySelector('[aria-label=\"Investigation graph\"] g[role=button]');
             g.dispatchEvent(new MouseEvent('click', {bubbles: true})); return true;",
        )
        .await;
    browser.click_button("Expand all").await;
    browser
        .wait_until("the expansion to add nodes", || async {
            let n = browser
                .script("return document.querySelectorAll('[aria-label=\"Investigation graph\"] g[role=button]').length;")
                .await;
            (n.as_u64().unwrap_or(0) > 20, n.to_string())
        })
        .await;
    browser.wait_for_text("Alert timeline").await;
    let tooltips = browser
        .script("return Array.from(document.querySelectorAll('[aria-label=\"Investigation graph\"] title')).map(t => t.textContent);")
        .await;
    assert!(
        tooltips.as_array().is_some_and(|t| !t.is_empty()),
        "edges have titles: {tooltips}"
    );
    assert_inert(&browser, "the graph, its side panel and timeline").await;

    browser.catch_downloads().await;
    browser.click_button("Export JSON").await;
    browser.click_button("Export SVG").await;
    let files = browser.saved(2).await;
    assert_eq!(
        files.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["atp-graph.json", "atp-graph.svg"]
    );
    for (name, _, _) in &files {
        assert_safe_file_name(name);
    }
    let json: serde_json::Value =
        serde_json::from_str(&files[0].2).expect("the JSON export parses");
    assert!(json["nodes"].as_array().is_some_and(|n| n.len() > 20));
    // The SVG, parsed as a viewer would: no script, no foreign content, no handlers, no script links.
    // It is parsed in a blank window: the app's own page lets no hostile markup reach a parser (its
    // Trusted Types policy refuses it), which is the point, but not the check.
    let app_window = browser.client.window().await.expect("the app's window");
    let blank = browser.client.new_window(true).await.expect("a blank tab");
    browser
        .client
        .switch_to_window(blank.handle)
        .await
        .expect("switch to the blank tab");
    browser
        .client
        .goto("about:blank")
        .await
        .expect("about:blank");
    let svg_hazards = browser
        .client
        .execute(
            "const doc = new DOMParser().parseFromString(arguments[0], 'image/svg+xml');
             const bad = [];
             if (doc.querySelector('parsererror')) bad.push('not well-formed');
             for (const el of doc.querySelectorAll('*')) {
                 if (['script', 'foreignObject', 'iframe', 'img', 'image', 'use', 'a'].includes(el.localName)) bad.push(el.localName);
                 for (const a of el.attributes) {
                     if (a.name.toLowerCase().startsWith('on')) bad.push(a.name);
                     if (/href$/i.test(a.name)) bad.push(a.name + '=' + a.value);
                 }
             }
             return bad;",
            vec![serde_json::Value::String(files[1].2.clone())],
        )
        .await
        .expect("parse the SVG");
    browser
        .client
        .close_window()
        .await
        .expect("close the blank tab");
    browser
        .client
        .switch_to_window(app_window)
        .await
        .expect("back to the app");
    assert_eq!(
        svg_hazards,
        serde_json::json!([]),
        "the SVG export is inert"
    );
    assert_inert(&browser, "the exports").await;
    browser.close().await;
}

/// Waits until the field labelled `label` is marked invalid.
async fn marked(browser: &Browser, label: &str) {
    browser
        .wait_until(&format!("{label} to be marked"), || async {
            let v = browser.attribute(label, "aria-invalid").await;
            (v == "true", v)
        })
        .await;
}

/// The panic alert is absent and the page still answers: a sample runs and shows its cards.
async fn assert_alive(browser: &Browser, step: &str) {
    assert_inert(browser, step).await;
    browser.click_link("A machine").await;
    browser.wait_for_cards(1).await;
}

#[tokio::test]
async fn garbage_in_the_address_is_explained_and_kept() {
    // 100 KB of a query: NULs, controls, invalid UTF-8 escapes, markup; a bogus profile; a graph recipe
    // and settings keys that are garbage too.
    let junk = "%00%01%FF%C3%28<script>window.__atp_pwned=1</script>%E2%80%AE\u{7f}".repeat(1_700);
    let path = format!(
        "/?profile=%FF%00bogus&q=/alerts/{junk}&g={junk}&gprofile=%00&graph-synthetic=-1&tenant={junk}&base=javascript:window.__atp_pwned=1&authority=data:text/html,x"
    );
    let browser = Browser::open(&path).await;
    browser
        .wait_until("the Request URL field to say why", || async {
            let invalid = browser.attribute("Request URL", "aria-invalid").await;
            (invalid == "true", invalid)
        })
        .await;
    let kept = browser.value("Request URL").await;
    assert!(
        kept.starts_with("/alerts/"),
        "what the address said is kept: {:?}",
        &kept[..kept.len().min(80)]
    );
    let message = browser
        .script("return document.getElementById(document.querySelector('#request-url').getAttribute('aria-describedby')).textContent;")
        .await;
    assert!(
        message.as_str().is_some_and(|m| !m.trim().is_empty()),
        "a message says why: {message}"
    );
    assert!(browser.cards().await.is_empty());
    // The settings keys: nothing is used; asked to review them, the panel opens with the bad one marked
    // and kept, nothing stored (the sign-in settings are checked for the live API only).
    browser
        .wait_for_text("This link asks to change your settings")
        .await;
    browser.click_button("Review in Settings").await;
    marked(&browser, "API base URL").await;
    assert_eq!(
        browser.value("API base URL").await,
        "javascript:window.__atp_pwned=1"
    );
    assert_eq!(
        browser
            .script("return localStorage.getItem('atp-explorer.settings');")
            .await,
        serde_json::Value::Null
    );
    assert_alive(&browser, "a garbage address").await;
    browser.close().await;
}

#[tokio::test]
async fn garbage_in_every_field_is_explained_kept_and_harmless() {
    let browser = Browser::open("/?profile=mde&q=/alerts?$top=3").await;
    browser.wait_for_cards(3).await;
    let huge =
        "\u{0}\u{202E}<img src=x onerror=window.__atp_pwned=1>%FF%C3%28'\"$`\n".repeat(2_000);

    // The Request URL: kept, explained, the controls and the shown result untouched.
    paste(&browser, "Request URL", &huge).await;
    browser
        .wait_until("the Request URL to be marked", || async {
            let v = browser.attribute("Request URL", "aria-invalid").await;
            (v == "true", v)
        })
        .await;
    // (A one-line field drops the newlines; everything else stays.)
    let kept = browser.value("Request URL").await;
    assert_eq!(
        kept,
        huge.replace('\n', ""),
        "the Request URL keeps what was pasted"
    );
    assert_eq!(browser.selected("Entity").await, "Alerts");
    assert_eq!(browser.cards().await.len(), 3, "the last result stays");
    browser.click_button("Run").await;
    browser.wait_for_text("Nothing was sent.").await;
    assert_inert(&browser, "a garbage Request URL").await;

    // Each query control: a message next to it, the text kept, Run refused.
    browser
        .replace_text(
            "Request URL",
            "https://api.security.microsoft.com/api/alerts?$top=3",
        )
        .await;
    browser.wait_for_selected("Entity", "Alerts").await;
    for (label, text) in [
        ("$top", "99999999999999999999999"),
        ("$skip", "-1\u{0}"),
        (
            "$filter",
            "severity eq 'High' and (((((((((((((((((((((((((((((((((((((x",
        ),
        ("$orderby", "\u{202E}title desc\u{0}"),
        ("$select", "id,<script>"),
    ] {
        paste(&browser, label, text).await;
        browser
            .wait_until(&format!("{label} to be marked"), || async {
                let v = browser.attribute(label, "aria-invalid").await;
                (v == "true", v)
            })
            .await;
        assert_eq!(
            browser.value(label).await,
            text,
            "{label} keeps what was typed"
        );
        browser.click_button("Run").await;
        browser.wait_for_text("Nothing was sent.").await;
        paste(&browser, label, "").await;
    }
    // A path parameter: 100 KB with NULs and markup.
    browser.choose("Entity", "Machine").await;
    browser.choose("Action", "Get /machines/{id}").await;
    paste(&browser, "id", &huge).await;
    browser
        .wait_until("id to be marked", || async {
            let v = browser.attribute("id", "aria-invalid").await;
            (v == "true", v)
        })
        .await;
    browser.click_button("Run").await;
    browser.wait_for_text("Nothing was sent.").await;
    assert_inert(&browser, "garbage in each query control").await;

    // Settings: each field refuses garbage with a message, keeps it, and the demo keeps working.
    browser
        .client
        .find(Locator::XPath("//summary[normalize-space(.)='Settings']"))
        .await
        .expect("the Settings disclosure")
        .click()
        .await
        .expect("open Settings");
    browser.choose("Data source", "Live API (sign in)").await;
    for (label, text) in [
        ("API base URL", "javascript:window.__atp_pwned=1"),
        (
            "Authority",
            "data:text/html,<script>window.__atp_pwned=1</script>",
        ),
        ("Client ID", "\u{0}\u{202E}"),
        ("Redirect URI", "javascript:window.__atp_pwned=1"),
        ("Scopes", "api://x/.default\u{0}"),
    ] {
        paste(&browser, label, text).await;
    }
    browser.click_button("Save settings").await;
    for label in [
        "API base URL",
        "Authority",
        "Client ID",
        "Redirect URI",
        "Scopes",
    ] {
        marked(&browser, label).await;
    }
    // The tenant is checked for Entra's authority.
    paste(&browser, "Authority", "https://login.microsoftonline.com").await;
    paste(&browser, "Tenant", &huge).await;
    browser.click_button("Save settings").await;
    marked(&browser, "Tenant").await;
    assert_eq!(
        browser.value("API base URL").await,
        "javascript:window.__atp_pwned=1",
        "what was typed stays"
    );
    browser
        .wait_for_text("Demo tenant: generated data, no sign-in")
        .await;
    assert_alive(&browser, "garbage in Settings").await;
    browser.close().await;
}

#[tokio::test]
async fn html_sinks_refuse_markup_that_could_run_script() {
    let browser = Browser::open("/?profile=mde&q=/alerts?$top=1").await;
    browser.wait_for_cards(1).await;
    // What a bug that wrote API text into `innerHTML` would do: Trusted Types' one policy refuses it, and
    // no script can be made from a string.
    let outcome = browser
        .script(
            "const tries = {};
             for (const [name, html] of [['handler', '<img src=x onerror=window.__atp_pwned=1>'],
                                         ['script', '<script>window.__atp_pwned=1</script>'],
                                         ['link', '<a href=\"javascript:window.__atp_pwned=1\">x</a>']]) {
                 try { document.createElement('div').innerHTML = html; tries[name] = 'accepted'; }
                 catch (e) { tries[name] = e.name; }
             }
             try { const s = document.createElement('script'); s.textContent = 'window.__atp_pwned=1';
                   document.body.append(s); tries.inline = window.__atp_pwned ? 'ran' : 'did not run'; }
             catch (e) { tries.inline = e.name; }
             const plain = document.createElement('div'); plain.innerHTML = '<b>text</b>';
             tries.plain = plain.textContent;
             return tries;",
        )
        .await;
    assert_eq!(outcome["handler"], "TypeError", "{outcome}");
    assert_eq!(outcome["script"], "TypeError", "{outcome}");
    assert_eq!(outcome["link"], "TypeError", "{outcome}");
    assert_ne!(outcome["inline"], "ran", "{outcome}");
    assert_eq!(
        outcome["plain"], "text",
        "markup without script still builds"
    );
    assert_alive(&browser, "after the refused sinks").await;
    // These refusals were meant: they are not the page's violations.
    browser
        .script("window.__cspViolations = []; return 1;")
        .await;
    browser.close().await;
}
