//! End-to-end: today's Defender for Endpoint entities in headless Chromium (the release `dist/`, as in
//! `e2e.rs`): their cards on the demo tenant, the pivots between them, the graph's expansions along
//! them, and Microsoft's documented example bodies answered by the live API of the mock tenant.
#![cfg(not(target_arch = "wasm32"))]

use atp_e2e::graph::{click_node, nodes, wait_at_rest, wait_for_node, wait_for_node_count};
use atp_e2e::live::{live_link, mock_for};
use atp_e2e::Browser;
use atp_tenant::{Fault, FaultKind, StaticServer};
use fantoccini::Locator;
use serde_json::Value;

/// The source alert's machine: the demo tenant gives it vulnerable software and actions taken on it.
const SEED_MACHINE: &str = "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b";
const SEED_MACHINE_NAME: &str = "executives-lt-0110.corp.contoso.com";
const SOURCE_ALERT: &str = atp_e2e::graph::SOURCE_ALERT;
/// The source alert's file (its SHA1); the demo's TI connector made an indicator of it.
const SOURCE_FILE: &str = "16f60f46200a5c772940863f63b814d702ca086e";

/// Every card as a reader sees it: kind, heading, badges (their accessible names), each field's label
/// and text, each field's links (field, text, the query they open) and the pivots (text, query). A
/// link's query is the address's `q`, decoded (`/machines/…`).
async fn card_details(browser: &Browser) -> Vec<Value> {
    let v = browser
        .script(
            "const q = (a) => { const v = new URL(a.href).searchParams.get('q'); return v === null ? '' : decodeURIComponent(v); };
             return Array.from(document.querySelectorAll('article')).map(a => ({
                 kind: (a.querySelector('.kind') || {}).textContent || '',
                 heading: (document.getElementById(a.getAttribute('aria-labelledby')) || {}).textContent || '',
                 badges: Array.from(a.querySelectorAll('header .badge')).map(b => b.getAttribute('aria-label')),
                 fields: Object.fromEntries(Array.from(a.querySelectorAll('.field')).map(f => [
                     f.querySelector('dt').textContent, f.querySelector('dd').textContent.trim()])),
                 links: Array.from(a.querySelectorAll('.field dd a')).map(l => [
                     l.closest('.field').querySelector('dt').textContent, l.textContent, q(l)]),
                 pivots: Array.from(a.querySelectorAll('nav.pivots a')).map(l => [l.textContent, q(l)]),
             }));",
        )
        .await;
    v.as_array().cloned().unwrap_or_default()
}

/// Waits for the card of `kind` whose heading is `heading`, and returns it.
async fn wait_for_card(browser: &Browser, kind: &str, heading: &str) -> Value {
    let wanted = |c: &Value| c["kind"] == kind && c["heading"] == heading;
    browser
        .wait_until(&format!("the {kind} card {heading:?}"), || async {
            let cards = card_details(browser).await;
            let seen: Vec<String> = cards
                .iter()
                .take(4)
                .map(|c| format!("{} / {}", c["kind"], c["heading"]))
                .collect();
            (cards.iter().any(wanted), format!("{seen:?}"))
        })
        .await;
    card_details(browser)
        .await
        .into_iter()
        .find(wanted)
        .unwrap_or_default()
}

/// The query the page's address holds (its `q`, decoded).
async fn address_query(browser: &Browser) -> String {
    let v = browser
        .script("const v = new URLSearchParams(location.search).get('q'); return v === null ? '' : decodeURIComponent(v);")
        .await;
    v.as_str().unwrap_or_default().to_string()
}

/// Waits until the address holds `query` and every card is of `kind` (and there is one at least).
async fn wait_for_list(browser: &Browser, query: &str, kind: &str) -> Vec<Value> {
    browser
        .wait_until(&format!("{kind} cards of {query}"), || async {
            let q = address_query(browser).await;
            let cards = card_details(browser).await;
            let kinds: Vec<String> = cards.iter().map(|c| c["kind"].to_string()).collect();
            (
                q == query && !cards.is_empty() && cards.iter().all(|c| c["kind"] == kind),
                format!("{q} {kinds:?}"),
            )
        })
        .await;
    card_details(browser).await
}

/// Follows the pivot `label` of the card headed `heading`, as a reader clicks it.
async fn follow_pivot(browser: &Browser, heading: &str, label: &str) {
    let xpath = format!(
        "//article[.//h3[normalize-space(.)={h}]]//nav[contains(@class, 'pivots')]//a[normalize-space(.)={l}]",
        h = serde_json::to_string(heading).expect("an XPath string"),
        l = serde_json::to_string(label).expect("an XPath string"),
    );
    let link = browser
        .client
        .wait()
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no pivot {label:?} on the card {heading:?}: {e}"));
    link.click()
        .await
        .unwrap_or_else(|e| panic!("follow the pivot {label:?}: {e}"));
}

fn strings(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// Asserts what a card shows: badges, field texts, field links (field, text, query) and pivots.
fn assert_card(
    card: &Value,
    badges: &[&str],
    fields: &[(&str, &str)],
    links: &[(&str, &str, &str)],
    pivots: &[(&str, &str)],
) {
    let heading = &card["heading"];
    for badge in badges {
        assert!(
            strings(&card["badges"]).contains(&Value::from(*badge)),
            "{heading}: badge {badge:?} in {}",
            card["badges"]
        );
    }
    for (label, text) in fields {
        assert_eq!(card["fields"][label], *text, "{heading}: the field {label}");
    }
    for (field, text, query) in links {
        let link = serde_json::json!([field, text, query]);
        assert!(
            strings(&card["links"]).contains(&link),
            "{heading}: the link {link} in {}",
            card["links"]
        );
    }
    for (text, query) in pivots {
        let pivot = serde_json::json!([text, query]);
        assert!(
            strings(&card["pivots"]).contains(&pivot),
            "{heading}: the pivot {pivot} in {}",
            card["pivots"]
        );
    }
}

#[tokio::test]
async fn each_defender_entity_renders_as_a_card_whose_ids_are_pivots() {
    let machine_query = format!("/machines/{SEED_MACHINE}");
    let machine_link = ("Machine", SEED_MACHINE_NAME, machine_query.as_str());
    let browser = Browser::open("/?profile=mde&q=/machineactions?$top=3").await;
    let action = wait_for_card(
        &browser,
        "Machine action",
        &format!("Isolate on {SEED_MACHINE_NAME}"),
    )
    .await;
    assert_card(
        &action,
        &["Status: Succeeded"],
        &[("Scope", "Selective"), ("Requestor", "analyst@contoso.com")],
        &[machine_link],
        &[],
    );

    let open = |path: &str| {
        let url = format!("{}/?profile=mde&q={path}", browser.base);
        let client = browser.client.clone();
        async move { client.goto(&url).await.expect("open the query") }
    };

    open("/investigations?$top=2").await;
    let investigation =
        wait_for_card(&browser, "Automated investigation", "Investigation 63017").await;
    assert_card(
        &investigation,
        &["State: SuccessfullyRemediated"],
        &[],
        &[
            machine_link,
            (
                "Triggering alert",
                SOURCE_ALERT,
                &format!("/alerts/{SOURCE_ALERT}"),
            ),
        ],
        &[],
    );

    open("/indicators?$top=3").await;
    let indicator = wait_for_card(&browser, "Indicator", &format!("Indicator {SOURCE_FILE}")).await;
    assert_card(
        &indicator,
        &["Action: Audit"],
        &[
            ("Type", "FileSha1"),
            ("Title", "Malicious file svchost.exe"),
        ],
        &[("Value", SOURCE_FILE, &format!("/files/{SOURCE_FILE}"))],
        &[],
    );

    open("/Software?$top=2").await;
    let software = wait_for_card(&browser, "Software", "microsoft windows_11").await;
    assert_card(
        &software,
        &[],
        &[("Weaknesses", "6"), ("Public exploit", "Yes")],
        &[],
        &[
            (
                "Vulnerabilities",
                "/Software/microsoft-_-windows_11/vulnerabilities",
            ),
            (
                "Exposed machines",
                "/Software/microsoft-_-windows_11/machineReferences",
            ),
        ],
    );

    open("/vulnerabilities?$top=2").await;
    let cve = wait_for_card(&browser, "Vulnerability", "CVE-2023-21389").await;
    assert_card(
        &cve,
        &["Severity: High"],
        &[("CVSS v3", "7.2"), ("Id", "CVE-2023-21389")],
        &[],
        &[(
            "Exposed machines",
            "/vulnerabilities/CVE-2023-21389/machineReferences",
        )],
    );

    open("/recommendations?$top=2").await;
    let recommendation =
        wait_for_card(&browser, "Security recommendation", "Update windows 11").await;
    assert_card(
        &recommendation,
        &["Status: Active"],
        &[("Weaknesses", "6"), ("Remediation", "Update")],
        &[("Software", "windows 11", "/Software/microsoft-_-windows_11")],
        &[(
            "Vulnerabilities",
            "/recommendations/va-_-microsoft-_-windows_11/vulnerabilities",
        )],
    );

    open("/remediationTasks?$top=2").await;
    let task = wait_for_card(&browser, "Remediation activity", "Update .net framework").await;
    assert_card(
        &task,
        &["Status: Active"],
        &[
            ("Priority", "Low"),
            ("Requested by", "vuln-mgmt@contoso.com"),
        ],
        &[(
            "Software",
            ".net framework",
            "/Software/microsoft-_-.net_framework",
        )],
        &[],
    );
    let exposed = strings(&task["pivots"]);
    assert!(
        exposed.iter().any(|p| p[0] == "Exposed machines"
            && p[1].as_str().is_some_and(
                |q| q.starts_with("/remediationTasks/") && q.ends_with("/machineReferences")
            )),
        "{exposed:?}"
    );

    open("/exposureScore").await;
    let score = wait_for_card(&browser, "Score", "Score").await;
    let value: f64 = score["fields"]["Score"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(-1.0);
    assert!((0.0..=100.0).contains(&value), "the exposure score {score}");

    open("/deviceavinfo?$top=2").await;
    let health = wait_for_card(
        &browser,
        "Antivirus health",
        &format!("Antivirus health of {SEED_MACHINE_NAME}"),
    )
    .await;
    assert_card(
        &health,
        &["Mode: Passive"],
        &[
            ("Signature", "1.421.1638.0"),
            ("Signature up to date", "True"),
        ],
        &[machine_link],
        &[],
    );
    browser.close().await;
}

#[tokio::test]
async fn the_seed_machine_pivots_to_its_vulnerabilities_and_a_cve_to_the_machines_exposed_to_it() {
    let browser = Browser::open(&format!("/?profile=mde&q=/machines/{SEED_MACHINE}")).await;
    wait_for_card(&browser, "Machine", SEED_MACHINE_NAME).await;
    follow_pivot(&browser, SEED_MACHINE_NAME, "Vulnerabilities").await;
    let cves = wait_for_list(
        &browser,
        &format!("/machines/{SEED_MACHINE}/vulnerabilities"),
        "Vulnerability",
    )
    .await;
    let cve = "CVE-2024-29240";
    assert!(
        cves.iter().any(|c| c["heading"] == cve),
        "{cve} among the machine's vulnerabilities"
    );

    // The CVE's exposed machines: the same CVE's route, and the seed machine in the answer.
    follow_pivot(&browser, cve, "Exposed machines").await;
    wait_for_list(
        &browser,
        &format!("/vulnerabilities/{cve}/machineReferences"),
        "Machine",
    )
    .await;
    // The cards of a long list are built near the screen only: the raw body shows the whole answer.
    browser.click_button("JSON").await;
    let raw = browser
        .client
        .wait()
        .for_element(Locator::XPath(
            "//label[normalize-space(.)='Raw']/input[@type='checkbox']",
        ))
        .await
        .expect("the Raw checkbox");
    raw.click().await.expect("show the raw body");
    browser
        .wait_for_text(&format!("\"id\":\"{SEED_MACHINE}\""))
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_machine_pivots_to_the_actions_taken_on_it() {
    let browser = Browser::open(&format!("/?profile=mde&q=/machines/{SEED_MACHINE}")).await;
    wait_for_card(&browser, "Machine", SEED_MACHINE_NAME).await;
    follow_pivot(&browser, SEED_MACHINE_NAME, "Machine actions").await;
    let actions = wait_for_list(
        &browser,
        &format!("/machineactions?$filter=machineId eq '{SEED_MACHINE}'"),
        "Machine action",
    )
    .await;
    for action in &actions {
        let heading = action["heading"].as_str().unwrap_or_default();
        assert!(
            heading.ends_with(&format!(" on {SEED_MACHINE_NAME}")),
            "{heading}"
        );
    }
    let isolate = wait_for_card(
        &browser,
        "Machine action",
        &format!("Isolate on {SEED_MACHINE_NAME}"),
    )
    .await;
    assert_card(&isolate, &["Status: Succeeded"], &[], &[], &[]);
    browser.close().await;
}

#[tokio::test]
async fn a_file_pivots_to_its_indicators() {
    let browser = Browser::open(&format!("/?profile=mde&q=/alerts/{SOURCE_ALERT}/files")).await;
    browser
        .wait_until("the alert's file", || async {
            let cards = card_details(&browser).await;
            (
                cards.iter().any(|c| c["kind"] == "File"),
                format!("{cards:?}"),
            )
        })
        .await;
    let file = card_details(&browser)
        .await
        .into_iter()
        .find(|c| c["kind"] == "File")
        .unwrap_or_default();
    let heading = file["heading"].as_str().unwrap_or_default().to_string();
    follow_pivot(&browser, &heading, "Indicators").await;
    wait_for_list(
        &browser,
        &format!("/indicators?$filter=indicatorValue eq '{SOURCE_FILE}'"),
        "Indicator",
    )
    .await;
    let indicator = wait_for_card(&browser, "Indicator", &format!("Indicator {SOURCE_FILE}")).await;
    assert_card(
        &indicator,
        &[],
        &[("Type", "FileSha1")],
        &[("Value", SOURCE_FILE, &format!("/files/{SOURCE_FILE}"))],
        &[],
    );
    browser.close().await;
}

/// The graph's edges: their relation (each edge's title).
async fn edges(browser: &Browser) -> Vec<String> {
    let v = browser
        .script(
            "return Array.from(document.querySelectorAll('.gedge title')).map(t => t.textContent);",
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

#[tokio::test]
async fn the_seed_machine_expands_into_its_vulnerabilities_and_actions_in_the_graph() {
    let browser = Browser::open(&format!("/?profile=mde&q=/machines/{SEED_MACHINE}")).await;
    wait_for_card(&browser, "Machine", SEED_MACHINE_NAME).await;
    browser.click_button("Add to graph").await;
    let machine = wait_for_node(&browser, "Machine: ").await;
    click_node(&browser, &machine).await;
    browser
        .wait_until("the machine's side panel", || async {
            let title = browser
                .script("const h = document.querySelector('.graph-side-title'); return h ? h.textContent : '';")
                .await;
            (title == machine.as_str(), title.to_string())
        })
        .await;

    browser.click_button("Expand Vulnerabilities").await;
    wait_for_node(&browser, "Vulnerability: CVE-2024-29240").await;
    browser.wait_for_text("✓ Vulnerabilities: ").await;
    browser.click_button("Expand Machine actions").await;
    wait_for_node(&browser, "Machine action: Isolate").await;
    browser.wait_for_text("✓ Machine actions: ").await;
    wait_at_rest(&browser).await;

    let names = nodes(&browser).await;
    let count = |prefix: &str| names.iter().filter(|n| n.starts_with(prefix)).count();
    assert_eq!(count("Machine: "), 1, "{names:?}");
    assert!(count("Vulnerability: ") >= 2, "{names:?}");
    assert!(count("Machine action: ") >= 4, "{names:?}");
    // Every new node hangs on the machine by an edge named by its relation.
    let mut relations = edges(&browser).await;
    assert_eq!(relations.len(), names.len() - 1, "{relations:?}");
    relations.sort();
    relations.dedup();
    assert_eq!(
        relations,
        ["machines.machineactions", "machines.vulnerabilities"]
    );
    let address = browser.current_url().await;
    for code in ["!vulnerabilities", "!machineactions"] {
        assert!(address.contains(code), "{code} in the address: {address}");
    }

    // Reload: the same graph, replayed from the address through both relations.
    browser.client.refresh().await.expect("reload");
    wait_for_node_count(&browser, names.len()).await;
    let mut after = nodes(&browser).await;
    after.sort();
    let mut before = names.clone();
    before.sort();
    assert_eq!(after, before);
    browser.close().await;
}

/// A documented example response of Defender for Endpoint (`core/tests/reference/samples/`).
fn sample(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/reference/samples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One documented example: the file the live API answers with, the request it answers, and what its
/// card shows (badges, fields, links as in [`assert_card`]).
struct Example {
    file: &'static str,
    request: &'static str,
    kind: &'static str,
    heading: &'static str,
    badges: &'static [&'static str],
    fields: &'static [(&'static str, &'static str)],
    links: &'static [(&'static str, &'static str, &'static str)],
}

#[tokio::test]
async fn microsofts_defender_examples_render_when_the_live_api_answers_them() {
    let app = StaticServer::start(atp_e2e::dist(), "127.0.0.1:0".parse().expect("loopback"))
        .expect("serve dist/");
    let tenant = mock_for(&app, Vec::new());
    let live = live_link(&tenant, &tenant.url(), false);
    let path = format!("/{live}&profile=mde&q=/machineactions?$top=2");
    let browser = Browser::open_url(&app.url(), &path).await;
    browser.click_button("Use for this tab").await;
    browser.click_button("Sign in").await;
    browser.wait_for_text("Signed in as").await;
    browser.wait_for_at_least_cards(1).await;

    let examples = [
        Example {
            file: "machineaction.1.response.json",
            request: "/machineactions/5382f7ea-7557-4ab7-9782-d50480024a4e",
            kind: "Machine action",
            heading: "Isolate on desktop-test",
            badges: &["Status: Succeeded"],
            fields: &[
                ("Scope", "Selective"),
                ("Requestor", "Analyst@TestPrd.onmicrosoft.com"),
                ("Comment", "test for docs"),
                ("Id", "5382f7ea-7557-4ab7-9782-d50480024a4e"),
            ],
            links: &[(
                "Machine",
                "desktop-test",
                "/machines/7b1f4967d9728e5aa3c06a9e617a22a4a5a17378",
            )],
        },
        Example {
            file: "get-all-vulnerabilities.1.response.json",
            request: "/vulnerabilities",
            kind: "Vulnerability",
            heading: "CVE-2019-0608",
            badges: &["Severity: Medium"],
            fields: &[
                ("CVSS v3", "4.3"),
                ("Exposed machines", "4"),
                ("Public exploit", "No"),
            ],
            links: &[],
        },
        Example {
            file: "get-all-recommendations.1.response.json",
            request: "/recommendations",
            kind: "Security recommendation",
            heading: "Update Windows 10",
            badges: &["Status: Active"],
            fields: &[
                ("Weaknesses", "397"),
                ("Exposed machines", "7"),
                ("Exposure impact", "7.67"),
            ],
            links: &[("Software", "Windows 10", "/Software/microsoft-_-windows_10")],
        },
        Example {
            file: "ti-indicator.1.response.json",
            request: "/indicators",
            kind: "Indicator",
            heading: "Indicator 881c0f10c75e64ec39d257a131fcd531f47dd2cff2070ae94baa347d375126fd",
            badges: &["Action: AlertAndBlock", "Severity: Informational"],
            fields: &[("Type", "FileSha256"), ("Title", "Michael test")],
            links: &[(
                "Value",
                "881c0f10c75e64ec39d257a131fcd531f47dd2cff2070ae94baa347d375126fd",
                "/files/881c0f10c75e64ec39d257a131fcd531f47dd2cff2070ae94baa347d375126fd",
            )],
        },
        Example {
            file: "get-exposure-score.1.response.json",
            request: "/exposureScore",
            kind: "Score",
            heading: "Score",
            badges: &[],
            fields: &[("Score", "33.49")],
            links: &[],
        },
    ];
    for e in examples {
        let served = tenant.seen().api_requests;
        tenant.inject(Fault::times(
            FaultKind::Body {
                body: sample(e.file),
            },
            1,
        ));
        browser.replace_text("Request URL", e.request).await;
        browser.click_button("Run").await;
        let card = wait_for_card(&browser, e.kind, e.heading).await;
        assert_card(&card, e.badges, e.fields, e.links, &[]);
        let seen = tenant.seen();
        assert!(
            seen.api_requests > served
                && seen
                    .last_api_path
                    .as_deref()
                    .is_some_and(|p| p.ends_with(e.request)),
            "{} went to the live API as {}: {seen:?}",
            e.file,
            e.request
        );
    }
    browser.close().await;
}
