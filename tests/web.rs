//! Components in a real browser (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use atp_core::{Entity, Profile};
use atp_explorer::{provide_explorer, CardKind, EntityCard, QueryBuilder};
use leptos::{prelude::*, task::tick};
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    /// The element the current test mounted the app on.
    static ROOT: std::cell::RefCell<Option<HtmlElement>> = const { std::cell::RefCell::new(None) };
}

/// The control whose visible `<label>` reads `text`, as a person finds it.
fn by_label<T: JsCast>(text: &str) -> T {
    let document = document();
    let root = ROOT.with(|r| r.borrow().clone()).expect("mount() first");
    let labels = root.query_selector_all("label").unwrap();
    for i in 0..labels.length() {
        let label: HtmlElement = labels.item(i).unwrap().dyn_into().unwrap();
        if label.text_content().unwrap_or_default().trim() == text {
            let id = label
                .get_attribute("for")
                .expect("a label names its control");
            return document
                .get_element_by_id(&id)
                .unwrap()
                .dyn_into()
                .ok()
                .unwrap();
        }
    }
    panic!("no control labelled {text:?}");
}

fn choose(label: &str, value: &str) {
    let select: HtmlSelectElement = by_label(label);
    select.set_value(value);
    assert_eq!(select.value(), value, "{label} has an option {value:?}");
    select
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
}

fn type_into(label: &str, text: &str) {
    let input: HtmlInputElement = by_label(label);
    input.set_value(text);
    input.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

fn url_field() -> String {
    by_label::<HtmlInputElement>("Request URL").value()
}

/// Mounts the builder on a fresh element; dropping the handle unmounts it.
fn mount() -> impl Drop {
    mount_view(|| {
        provide_explorer();
        view! { <QueryBuilder/> }.into_any()
    })
}

fn mount_view(app: impl FnOnce() -> AnyView + 'static) -> impl Drop {
    let body = document().body().unwrap();
    let root: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    body.append_child(&root).unwrap();
    ROOT.with(|r| *r.borrow_mut() = Some(root.clone()));
    leptos::mount::mount_to(root, app)
}

#[wasm_bindgen_test]
async fn picking_an_action_and_typing_a_parameter_writes_the_url() {
    let _app = mount();
    tick().await;
    assert_eq!(
        url_field(),
        "https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine"
    );

    choose("Entity", "machine");
    tick().await;
    choose("Action", "machines.logonusers");
    tick().await;
    type_into("id", "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b");
    tick().await;
    assert_eq!(
        url_field(),
        "https://graph.microsoft.com/testwdatp/machines/67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b/logonusers?$top=20",
        "the id is in the path and $top, which this route also takes, carries over"
    );
    type_into("$top", "5");
    tick().await;
    assert!(
        url_field().ends_with("/logonusers?$top=5"),
        "{}",
        url_field()
    );
}

#[wasm_bindgen_test]
async fn typing_a_url_moves_the_controls_and_keeps_bad_text() {
    let _app = mount();
    type_into(
        "Request URL",
        "/files/6532ec91d513acc05f43ee0aa3002599729fd3e1/stats",
    );
    tick().await;
    assert_eq!(by_label::<HtmlSelectElement>("Entity").value(), "file");
    assert_eq!(
        by_label::<HtmlSelectElement>("Action").value(),
        "files.stats"
    );
    assert_eq!(
        by_label::<HtmlInputElement>("id").value(),
        "6532ec91d513acc05f43ee0aa3002599729fd3e1"
    );

    type_into("Request URL", "/files/abc/nope");
    tick().await;
    assert_eq!(url_field(), "/files/abc/nope", "what was typed stays");
    let error = document().get_element_by_id("request-url-error").unwrap();
    assert!(error
        .text_content()
        .unwrap()
        .contains("No route of the WDATP API"));
    // The controls still show the last good query.
    assert_eq!(
        by_label::<HtmlSelectElement>("Action").value(),
        "files.stats"
    );
}

fn mount_card(kind: CardKind, value: serde_json::Value) -> impl Drop {
    mount_view(move || {
        provide_explorer();
        let item = atp_core::body::RawItem::new(&value.to_string());
        view! { <EntityCard kind item profile=Profile::Wdatp/> }.into_any()
    })
}

fn root() -> HtmlElement {
    ROOT.with(|r| r.borrow().clone()).unwrap()
}

/// (text, href) of every link in the mounted view.
fn links() -> Vec<(String, String)> {
    let anchors = root().query_selector_all("a").unwrap();
    (0..anchors.length())
        .map(|i| {
            let a: HtmlElement = anchors.item(i).unwrap().dyn_into().unwrap();
            (
                a.text_content().unwrap_or_default(),
                a.get_attribute("href").unwrap_or_default(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn an_alert_card_shows_its_fields_and_pivots() {
    let _card = mount_card(
        CardKind::Entity(Entity::Alert),
        json!({
            "id": "636341278149188342_1960231459",
            "severity": "Medium",
            "status": "New",
            "title": "Process hollowing detected",
            "category": "Installation",
            "alertCreationTime": "2017-06-27T02:36:53.7841015Z",
            "machineId": "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b",
            "relatedUser": {"userName": "jdoe", "domainName": "CONTOSO"},
            "description": "A process has injected code."
        }),
    );
    tick().await;
    let article = root()
        .query_selector("article")
        .unwrap()
        .expect("the card is an article");
    let heading_id = article.get_attribute("aria-labelledby").unwrap();
    let heading = document().get_element_by_id(&heading_id).unwrap();
    assert_eq!(
        heading.text_content().unwrap(),
        "Process hollowing detected"
    );
    let text = article.text_content().unwrap();
    for shown in [
        "Medium",
        "New",
        "Installation",
        "A process has injected code.",
        "2017-06-27",
    ] {
        assert!(text.contains(shown), "{shown:?} in {text:?}");
    }
    let links = links();
    let expect = |label: &str, href: &str| {
        assert!(
            links.contains(&(label.to_string(), href.to_string())),
            "{label} → {href} in {links:?}"
        );
    };
    expect(
        "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b",
        "?profile=wdatp&q=/machines/67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b",
    );
    expect("CONTOSO\\jdoe", "?profile=wdatp&q=/users/CONTOSO%255Cjdoe");
    expect(
        "Files",
        "?profile=wdatp&q=/alerts/636341278149188342_1960231459/files",
    );
    expect(
        "Machines",
        "?profile=wdatp&q=/alerts/636341278149188342_1960231459/machines",
    );
    expect(
        "Actor",
        "?profile=wdatp&q=/alerts/636341278149188342_1960231459/actor",
    );
}

#[wasm_bindgen_test]
async fn hostile_strings_are_text_and_ids_show_hidden_characters() {
    let payload =
        "<img src=x onerror=\"window.__atp_pwned=1\"><script>window.__atp_pwned=1</script>";
    let _card = mount_card(
        CardKind::Entity(Entity::Machine),
        json!({
            "id": "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b",
            "computerDnsName": payload,
            "osPlatform": "javascript:alert(1)",
            "machineTags": ["\u{202E}gpj.exe"],
        }),
    );
    tick().await;
    let article = root().query_selector("article").unwrap().unwrap();
    assert!(article.text_content().unwrap().contains(payload));
    assert_eq!(
        article.query_selector_all("img, script").unwrap().length(),
        0
    );
    assert!(
        links().iter().all(|(_, href)| href.starts_with('?')),
        "{:?}",
        links()
    );
    drop(_card);

    let _card = mount_card(
        CardKind::Entity(Entity::User),
        json!({"id": "CONTOSO\\j\u{200B}doe", "accountName": "j\u{200B}doe", "accountDomain": "CONTOSO"}),
    );
    tick().await;
    let text = root().text_content().unwrap();
    assert!(text.contains("CONTOSO\\j\\u{200B}doe"), "{text}");
}

#[wasm_bindgen_test]
async fn an_item_the_model_cannot_read_still_shows() {
    let _card = mount_card(
        CardKind::Entity(Entity::Alert),
        json!({"title": 42, "id": null, "extra": "kept"}),
    );
    tick().await;
    let text = root().text_content().unwrap();
    assert!(
        text.contains("does not match the documented model"),
        "{text}"
    );
    assert!(text.contains("kept"), "{text}");
}

/// The investigation graph: a card's "Add to graph" makes a node, a focusable button named
/// `<entity type>: <label>`; selecting it shows its card; Delete on it removes it.
#[wasm_bindgen_test]
async fn a_card_added_to_the_graph_is_a_named_node_that_delete_removes() {
    let machine = json!({
        "id": "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b",
        "computerDnsName": "ws-042.contoso.com <b>not bold</b>",
        "osPlatform": "Windows10",
    });
    let _app = mount_view(move || {
        provide_explorer();
        view! {
            <EntityCard kind=CardKind::Entity(Entity::Machine) item=atp_core::body::RawItem::new(&machine.to_string()) profile=Profile::Wdatp/>
            <atp_explorer::GraphPanel/>
        }
        .into_any()
    });
    tick().await;
    let root = ROOT.with(|r| r.borrow().clone()).unwrap();
    let add: HtmlElement = root
        .query_selector("article button.add-to-graph")
        .unwrap()
        .expect("the card has an Add to graph button")
        .dyn_into()
        .unwrap();
    assert_eq!(add.text_content().unwrap(), "Add to graph");
    add.click();
    tick().await;
    let name = "Machine: ws-042.contoso.com <b>not bold</b>";
    let node: HtmlElement = root
        .query_selector(&format!(
            "g[role=button][tabindex=\"0\"][aria-label=\"{name}\"]"
        ))
        .unwrap()
        .expect("a node named for screen readers")
        .unchecked_into();
    assert_eq!(add.text_content().unwrap(), "In the graph");
    assert_eq!(
        root.query_selector_all(".graph-canvas b").unwrap().length(),
        0,
        "the label is text"
    );
    // Added alone, the node is selected: its card, with pivots, is in the side panel.
    let side = root.query_selector(".graph-side").unwrap().unwrap();
    assert_eq!(
        side.query_selector("article .kind")
            .unwrap()
            .and_then(|k| k.text_content()),
        Some("Machine".to_string())
    );
    assert!(side.query_selector("nav.pivots a").unwrap().is_some());
    assert!(side
        .query_selector("button.add-to-graph")
        .unwrap()
        .is_none());

    let press = js_sys::Function::new_with_args(
        "el, key",
        "el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));",
    );
    press
        .call2(&wasm_bindgen::JsValue::NULL, &node, &"Delete".into())
        .unwrap();
    tick().await;
    assert!(root
        .query_selector(".graph-canvas g[role=button]")
        .unwrap()
        .is_none());
    assert_eq!(add.text_content().unwrap(), "Add to graph");
}
