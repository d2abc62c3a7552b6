//! The JSON and Response tabs: the last page's body as a tree (or raw), and the exchange's status and
//! headers.

use leptos::prelude::*;
use std::sync::Arc;

use super::size;
use crate::explorer::Loaded;
use crate::json_view::JsonTree;

#[component]
pub(super) fn JsonPanel(loaded: Arc<Loaded>) -> impl IntoView {
    let raw = RwSignal::new(false);
    let body = match &loaded.exchange.outcome {
        Ok(answer) => answer.body.clone(),
        Err(_) => Arc::default(),
    };
    let copied = RwSignal::new(None::<String>);
    let copy_body = body.clone();
    let copy = move |_| {
        let navigator = window().navigator();
        let promise = navigator.clipboard().write_text(&copy_body);
        leptos::task::spawn_local(async move {
            let outcome = wasm_bindgen_futures::JsFuture::from(promise).await;
            copied.set(Some(match outcome {
                Ok(_) => "Copied the whole body.".to_string(),
                Err(_) => {
                    "The browser refused the clipboard; select the Raw text and copy it instead."
                        .to_string()
                }
            }));
        });
    };
    // The tree is built only now, when the tab opens: most answers are only ever seen as cards.
    let tree = match atp_core::body::tree(&body) {
        Ok(value) => view! { <JsonTree value/> }.into_any(),
        Err(reason) => {
            let place = if reason.line > 0 {
                format!(" (line {}, column {})", reason.line, reason.column)
            } else {
                String::new()
            };
            let what = if body.is_empty() {
                "There is no body.".to_string()
            } else {
                format!(
                    "Not shown as JSON: {}{place}. The body is shown as received.",
                    reason.message
                )
            };
            view! {
                <p class="problem" role="alert">{what}</p>
                <pre class="raw">{shown_text(&body)}</pre>
            }
            .into_any()
        }
    };
    view! {
        <div class="json-tools">
            <label class="inline"><input type="checkbox" prop:checked=move || raw.get() on:change=move |ev| raw.set(event_target_checked(&ev))/>" Raw"</label>
            <button type="button" on:click=copy>"Copy body"</button>
            <span role="status">{move || copied.get()}</span>
        </div>
        {move || if raw.get() {
            view! { <pre class="raw" aria-label="Raw body">{shown_text(&body)}</pre> }.into_any()
        } else {
            ().into_any()
        }}
        <div class:hidden=move || raw.get()>{tree}</div>
    }
}

#[component]
pub(super) fn ResponsePanel(loaded: Arc<Loaded>) -> impl IntoView {
    let exchange = loaded.exchange.clone();
    let (status, headers, length) = match &exchange.outcome {
        Ok(answer) => (
            answer.status.to_string(),
            answer.headers.clone(),
            size(answer.body.len()),
        ),
        Err(failure) => (
            failure
                .problem(loaded.query.profile.api(), loaded.query.entity())
                .title,
            Vec::new(),
            "—".to_string(),
        ),
    };
    view! {
        <dl class="response">
            <div class="field"><dt>"Request"</dt><dd><code>{"GET "}{exchange.url.clone()}</code></dd></div>
            <div class="field"><dt>"Status"</dt><dd>{status}</dd></div>
            <div class="field"><dt>"Elapsed"</dt><dd>{format!("{:.1} ms", exchange.elapsed_ms)}</dd></div>
            <div class="field"><dt>"Size"</dt><dd>{length}</dd></div>
        </dl>
        <table class="headers">
            <caption>"Response headers"</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
            <tbody>
                {headers.into_iter().map(|(n, v)| view! { <tr><td>{n}</td><td>{v}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}

/// A body as page text: all of it up to 2 MB (beyond that a browser stalls laying out one text node),
/// with a note of what is left out; "Copy body" still copies everything.
fn shown_text(body: &str) -> String {
    const LIMIT: usize = 2 * 1024 * 1024;
    if body.len() <= LIMIT {
        return body.to_string();
    }
    let mut end = LIMIT;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n\n… {} more bytes not shown; use Copy body for all of it.",
        &body[..end],
        body.len() - end
    )
}
