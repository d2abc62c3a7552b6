//! The panic hook in a real browser (wasm-bindgen-test in headless Chromium), in a test binary of its
//! own: wasm32 aborts on panic, and after that this module's instance counts as panicking for good (a
//! second panic aborts without a hook), so no other test may share it.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// A failed check as the test's error: after the abort a panicking assertion would print nothing.
fn check(ok: bool, what: impl Into<String>) -> Result<(), JsValue> {
    if ok {
        Ok(())
    } else {
        Err(JsValue::from_str(&what.into()))
    }
}

/// A panic shows a visible alert with a Reload link that works without the (now dead) wasm.
///
/// The panic is raised inside an event listener: the browser reports a listener's exception (here the
/// `unreachable` trap of the abort) instead of passing it to whoever dispatched the event, so the test
/// keeps running after the hook and the abort, and looks at what the hook left on the page.
#[wasm_bindgen_test]
fn a_panic_shows_an_alert_with_a_reload_link() -> Result<(), JsValue> {
    atp_explorer::panic::install();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("a document")?;
    let trigger: HtmlElement = document.create_element("button")?.dyn_into()?;
    let on_click = Closure::<dyn Fn()>::new(|| {
        panic!("test panic <img src=x onerror=\"window.__atp_pwned=1\"> \u{202E}gpj.exe")
    });
    trigger.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
    document.body().ok_or("a body")?.append_child(&trigger)?;
    trigger.click();
    on_click.forget();

    let alerts = document.query_selector_all("[role=alert]")?;
    let alert = (0..alerts.length())
        .filter_map(|i| alerts.item(i)?.dyn_into::<HtmlElement>().ok())
        .find(|a| {
            a.text_content()
                .unwrap_or_default()
                .contains(atp_explorer::panic::STOPPED)
        })
        .ok_or("an alert says the explorer stopped")?;
    let text = alert.text_content().unwrap_or_default();
    check(
        text.contains("test panic <img src=x"),
        format!("the panic message as text: {text}"),
    )?;
    check(
        text.contains("\\u{202E}gpj.exe"),
        format!("the bidi override made visible: {text}"),
    )?;
    check(
        alert.query_selector_all("img, script")?.length() == 0,
        "no element from the message",
    )?;
    check(
        js_sys::Reflect::get(&js_sys::global(), &"__atp_pwned".into())?.is_undefined(),
        "no script ran",
    )?;
    let reload = alert.query_selector("a")?.ok_or("a Reload link")?;
    check(
        reload.text_content().as_deref() == Some("Reload"),
        "the link says Reload",
    )?;
    let location = document.location().ok_or("a location")?;
    let here = format!(
        "{}{}{}",
        location.origin()?,
        location.pathname()?,
        location.search()?
    );
    let href = reload.get_attribute("href").unwrap_or_default();
    check(href == here, format!("Reload goes to {here}, not {href}"))?;
    check(
        reload.get_attribute("onclick").is_none(),
        "a plain link, no handler",
    )?;
    Ok(())
}
