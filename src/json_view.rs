//! The JSON views: a tree whose objects and arrays fold (rendered only when open, so a 5 MB body stays
//! quick), and the raw body exactly as received.

use leptos::prelude::*;
use serde_json::Value;

/// Strings longer than this are cut, with a button for the rest.
const LONG_STRING: usize = 160;
/// Arrays are shown in groups of this many items.
const GROUP: usize = 100;

/// A folding tree of `value`.
#[component]
pub fn JsonTree(
    /// The document.
    value: Value,
) -> impl IntoView {
    view! { <div class="json-tree" role="tree" aria-label="JSON">{node(None, value, 0)}</div> }
}

fn node(key: Option<String>, value: Value, depth: usize) -> AnyView {
    let label = key.map(|k| view! { <span class="json-key">{format!("{k:?}")}</span> ": " });
    match value {
        Value::Object(map) => {
            let summary = format!(
                "{{ {} {} }}",
                map.len(),
                if map.len() == 1 { "key" } else { "keys" }
            );
            let children = move || {
                map.clone()
                    .into_iter()
                    .map(|(k, v)| node(Some(k), v, depth + 1))
                    .collect_view()
            };
            folding(label, summary, depth, children)
        }
        Value::Array(items) => {
            let summary = format!(
                "[ {} {} ]",
                items.len(),
                if items.len() == 1 { "item" } else { "items" }
            );
            let children = move || {
                if items.len() <= GROUP {
                    items
                        .iter()
                        .cloned()
                        .enumerate()
                        .map(|(i, v)| node(Some(i.to_string()), v, depth + 1))
                        .collect_view()
                        .into_any()
                } else {
                    items
                        .chunks(GROUP)
                        .enumerate()
                        .map(|(g, chunk)| {
                            let first = g * GROUP;
                            let chunk = chunk.to_vec();
                            let range = format!("[{first} … {}]", first + chunk.len() - 1);
                            folding(None::<String>, range, depth + 1, move || {
                                chunk
                                    .iter()
                                    .cloned()
                                    .enumerate()
                                    .map(|(i, v)| node(Some((first + i).to_string()), v, depth + 2))
                                    .collect_view()
                            })
                        })
                        .collect_view()
                        .into_any()
                }
            };
            folding(label, summary, depth, children)
        }
        scalar => {
            view! { <div class="json-leaf" role="treeitem">{label}{scalar_view(scalar)}</div> }
                .into_any()
        }
    }
}

/// A `<details>` whose children exist only while it is open.
fn folding<V: IntoView + 'static>(
    label: Option<impl IntoView + 'static>,
    summary: String,
    depth: usize,
    children: impl Fn() -> V + Send + Sync + 'static,
) -> AnyView {
    let open = RwSignal::new(depth < 2);
    view! {
        <details
            class="json-node"
            role="treeitem"
            prop:open=move || open.get()
            on:toggle=move |ev| {
                let now_open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                if now_open != open.get_untracked() {
                    open.set(now_open);
                }
            }
        >
            <summary>{label}<span class="json-summary">{summary}</span></summary>
            <div class="json-children" role="group">
                <Show when=move || open.get()>{children()}</Show>
            </div>
        </details>
    }
    .into_any()
}

fn scalar_view(value: Value) -> AnyView {
    match value {
        Value::String(s) if s.chars().count() > LONG_STRING => {
            let all = RwSignal::new(false);
            let short: String = s.chars().take(LONG_STRING).collect();
            let length = s.chars().count();
            view! {
                <span class="json-string">
                    {move || if all.get() { format!("{s:?}") } else { format!("{short:?}…") }}
                </span>
                <button type="button" class="link" aria-expanded=move || all.get().to_string() on:click=move |_| all.update(|a| *a = !*a)>
                    {move || if all.get() { "Shorten".to_string() } else { format!("Show all {length} characters") }}
                </button>
            }
            .into_any()
        }
        Value::String(s) => {
            view! { <span class="json-string">{format!("{s:?}")}</span> }.into_any()
        }
        Value::Null => view! { <span class="json-null">"null"</span> }.into_any(),
        Value::Bool(b) => view! { <span class="json-bool">{b.to_string()}</span> }.into_any(),
        other => view! { <span class="json-number">{other.to_string()}</span> }.into_any(),
    }
}
