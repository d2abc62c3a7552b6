//! What the shell needs from the browser besides the address: the page's clock, paint marks for the
//! benchmark, and storage. Everything here degrades quietly when the browser refuses (a sandboxed frame,
//! storage disabled): the caller decides what that means for the analyst.

use leptos::prelude::{request_animation_frame, set_timeout, window};

/// Milliseconds from the page's clock, precise enough to time a request.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A `performance.mark` once the next frame is painted (`atp-result-painted`, `atp-graph-painted`,
/// `atp-graph-at-rest`), for the benchmark (`cargo xtask bench`): a task queued from the frame's callback
/// runs after its style, layout and paint. They cost nothing else.
pub fn mark_when_painted(name: &'static str) {
    request_animation_frame(move || set_timeout(move || mark(name), std::time::Duration::ZERO));
}

/// Milliseconds since the Unix epoch, from the browser's wall clock (the time of a history entry).
pub fn now_epoch_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A `performance.mark` now (`atp-graph-start`, `atp-graph-built`), for the benchmark.
pub fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        let _ = performance.mark(name);
    }
}

/// The page's localStorage (settings), if the browser allows it.
pub fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The tab's sessionStorage (a pending sign-in), if the browser allows it.
pub fn session_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// Saves `text` as a file named `name`: a Blob, its object URL, and a click on a temporary
/// `<a download>`. `Err` when the browser refuses.
pub fn save_file(name: &str, mime: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = leptos::prelude::document()
        .create_element("a")?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download has started from the URL by the time this runs.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}
