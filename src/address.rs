//! The one owner of the page's address and its history: nothing else reads `window.location` or calls
//! `history`. What the address *says* is the core's business (`atp_core::link::AppAddress`: one parse,
//! one write); this module only moves it in and out of the browser.

use leptos::prelude::window_event_listener;
use web_sys::{History, Location};

/// The address's query string (`?profile=…&q=…`), or empty.
pub fn search() -> String {
    location().and_then(|l| l.search().ok()).unwrap_or_default()
}

/// The address's fragment (`#code=…` when an authority answers with `response_mode=fragment`), or empty.
pub fn hash() -> String {
    location().and_then(|l| l.hash().ok()).unwrap_or_default()
}

/// The page itself, without query or fragment: origin and path (the default redirect URI).
pub fn page_url() -> String {
    let Some(location) = location() else {
        return String::new();
    };
    format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_else(|_| "/".into())
    )
}

/// The page's own address without its fragment (a link to it loads it afresh; with a fragment it would
/// only scroll): the crash alert's Reload link. `None` if the browser will not say.
pub fn reload_url() -> Option<String> {
    let location = location()?;
    Some(format!(
        "{}{}{}",
        location.origin().ok()?,
        location.pathname().ok()?,
        location.search().ok()?
    ))
}

/// A new history entry for `href` (an app address: `?…`; an empty one means the bare page), without
/// loading anything: Back comes back here.
pub fn push(href: &str) {
    let href = bare_if_empty(href);
    if let Some(history) = history() {
        // A failed pushState (e.g. a sandboxed frame) still shows the view; only Back loses it.
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
    }
}

/// Replaces the current history entry's address (the sign-in callback's code and state leave it).
pub fn replace(href: &str) {
    let href = bare_if_empty(href);
    if let Some(history) = history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
    }
}

/// Leaves the page for `url` (the sign-in authority); `Err` when the browser refuses.
pub fn leave_for(url: &str) -> Result<(), ()> {
    location().ok_or(())?.assign(url).map_err(|_| ())
}

/// Calls `f` whenever Back or Forward changes the address, for the page's lifetime.
pub fn on_back_or_forward(f: impl Fn() + 'static) {
    let _ = window_event_listener(leptos::ev::popstate, move |_| f());
}

/// Only app addresses (`?…`) go into the history; `?` alone, or anything else, is the bare page's path.
fn bare_if_empty(href: &str) -> String {
    if !href.starts_with('?') || href == "?" {
        location()
            .and_then(|l| l.pathname().ok())
            .unwrap_or_default()
    } else {
        href.to_string()
    }
}

// Never a panic here: the crash alert reads the address too.
fn location() -> Option<Location> {
    web_sys::window().map(|w| w.location())
}

fn history() -> Option<History> {
    web_sys::window().and_then(|w| w.history().ok())
}
