//! A panic must not leave a silently dead page. Release builds abort on panic (`panic = "abort"`), and
//! wasm32 aborts in debug builds too: after the hook below runs, the module is gone and no Rust code
//! (no Leptos handler) runs again. So the hook builds its message with plain DOM calls, text only, and
//! offers a Reload that is an ordinary link: it needs no script, and the address holds the view.

use wasm_bindgen::prelude::*;

/// The first words of the message, for tests and people alike.
pub const STOPPED: &str = "ATP Explorer stopped because of an internal error.";

#[wasm_bindgen]
extern "C" {
    /// `console.error`, bound here so the hook needs no web-sys feature of its own.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Installs the hook (idempotent: a second call replaces the first). The previous hook still runs
/// afterwards, so a test runner's own reporting keeps working.
pub fn install() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.to_string();
        console_error(&format!("{STOPPED}\n{message}"));
        show_stopped(&message);
        previous(info);
    }));
}

/// Puts the "stopped" alert at the top of the page, once. `detail` is shown as text.
pub fn show_stopped(detail: &str) {
    // Nothing here may panic again: every step that can fail just stops.
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    if document.get_element_by_id("atp-stopped").is_some() {
        return;
    }
    let _ = build(&document, &body, detail);
}

fn build(
    document: &web_sys::Document,
    body: &web_sys::HtmlElement,
    detail: &str,
) -> Result<(), JsValue> {
    let alert = document.create_element("div")?;
    alert.set_id("atp-stopped");
    alert.set_class_name("problem stopped");
    alert.set_attribute("role", "alert")?;

    let what = document.create_element("p")?;
    let strong = document.create_element("strong")?;
    strong.set_text_content(Some(STOPPED));
    what.append_child(&strong)?;
    alert.append_child(&what)?;

    let advice = document.create_element("p")?;
    advice.set_text_content(Some(
        "The page no longer responds. Reload it: the address keeps your query and graph. \
         If it happens again, report the details below.",
    ));
    alert.append_child(&advice)?;

    // Only ever this page's http(s) address, never API data.
    let reload_to = crate::address::reload_url().unwrap_or_else(|| "./".to_string());
    let reload = document.create_element("a")?;
    reload.set_attribute("href", &reload_to)?;
    reload.set_text_content(Some("Reload"));
    let actions = document.create_element("p")?;
    actions.append_child(&reload)?;
    alert.append_child(&actions)?;

    let details = document.create_element("details")?;
    let summary = document.create_element("summary")?;
    summary.set_text_content(Some("Details"));
    details.append_child(&summary)?;
    let pre = document.create_element("pre")?;
    // A panic message can quote API data: shown as text, invisible characters made visible, and cut.
    let shown: String = atp_core::text::visible(detail)
        .chars()
        .take(2_000)
        .collect();
    pre.set_text_content(Some(&shown));
    details.append_child(&pre)?;
    alert.append_child(&details)?;

    body.insert_before(&alert, body.first_child().as_ref())?;
    Ok(())
}
