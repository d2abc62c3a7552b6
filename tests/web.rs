//! Components in a real browser (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]

use atp_explorer::QueryBuilder;
use leptos::{prelude::*, task::tick};
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
            let id = label.get_attribute("for").expect("a label names its control");
            return document.get_element_by_id(&id).unwrap().dyn_into().ok().unwrap();
        }
    }
    panic!("no control labelled {text:?}");
}

fn choose(label: &str, value: &str) {
    let select: HtmlSelectElement = by_label(label);
    select.set_value(value);
    assert_eq!(select.value(), value, "{label} has an option {value:?}");
    select.dispatch_event(&Event::new("change").unwrap()).unwrap();
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
    let body = document().body().unwrap();
    let root: HtmlElement = document().create_element("div").unwrap().dyn_into().unwrap();
    body.append_child(&root).unwrap();
    ROOT.with(|r| *r.borrow_mut() = Some(root.clone()));
    leptos::mount::mount_to(root, || view! { <QueryBuilder/> })
}

#[wasm_bindgen_test]
async fn picking_an_action_and_typing_a_parameter_writes_the_url() {
    let _app = mount();
    tick().await;
    assert_eq!(url_field(), "https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine");

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
    assert!(url_field().ends_with("/logonusers?$top=5"), "{}", url_field());
}

#[wasm_bindgen_test]
async fn typing_a_url_moves_the_controls_and_keeps_bad_text() {
    let _app = mount();
    type_into("Request URL", "/files/6532ec91d513acc05f43ee0aa3002599729fd3e1/stats");
    tick().await;
    assert_eq!(by_label::<HtmlSelectElement>("Entity").value(), "file");
    assert_eq!(by_label::<HtmlSelectElement>("Action").value(), "files.stats");
    assert_eq!(by_label::<HtmlInputElement>("id").value(), "6532ec91d513acc05f43ee0aa3002599729fd3e1");

    type_into("Request URL", "/files/abc/nope");
    tick().await;
    assert_eq!(url_field(), "/files/abc/nope", "what was typed stays");
    let error = document().get_element_by_id("request-url-error").unwrap();
    assert!(error.text_content().unwrap().contains("No route of the WDATP API"));
    // The controls still show the last good query.
    assert_eq!(by_label::<HtmlSelectElement>("Action").value(), "files.stats");
}
