//! The result area: what happened, then the tabs Cards, JSON and Response.

use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

use crate::cards::{CardKind, EntityCard};
use crate::explorer::{use_explorer, Loaded, Shown};
use crate::graph_view::{use_graph, GraphPanel};
use crate::json_view::JsonTree;

/// Cards are added to the page this many at a time, so a page of 10,000 stays responsive.
const CARD_BATCH: usize = 200;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Cards,
    Json,
    Response,
}

/// Everything below the query builder.
#[component]
pub fn Results() -> impl IntoView {
    let explorer = use_explorer();
    let shown = explorer.shown;
    // The chosen tab outlives each answer; the Graph tab's panel outlives them too.
    let tab = RwSignal::new(Tab::Cards);
    let graph = use_graph();
    view! {
        <section class="results" aria-labelledby="results-title" aria-busy=move || matches!(shown.get(), Shown::Running(_)).to_string()>
            <h2 id="results-title">"Result"</h2>
            {move || match shown.get() {
                Shown::Nothing => view! { <p class="hint">"Run a query, or pick a sample."</p> }.into_any(),
                Shown::Refused(problems) => view! {
                    <div class="problem" role="alert">
                        <p><strong>"Nothing was sent."</strong>" Fix what is marked in the query above:"</p>
                        <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    </div>
                }
                .into_any(),
                Shown::Running(query) => view! { <p class="hint" role="status">"Running " <code>{query.url()}</code> "…"</p> }.into_any(),
                Shown::Throttled { retry_at_ms, .. } => view! { <Countdown retry_at_ms/> }.into_any(),
                Shown::Done(loaded) => view! { <LoadedView loaded tab/> }.into_any(),
            }}
            {move || graph.opened.get().then(|| view! {
                <div id="graph-panel" role="tabpanel" aria-labelledby="tab-graph" class:hidden=move || !graph.shown.get()>
                    <GraphPanel/>
                </div>
            })}
        </section>
    }
}

#[component]
fn LoadedView(loaded: Arc<Loaded>, tab: RwSignal<Tab>) -> impl IntoView {
    let graph = use_graph();
    let entity = loaded.query.entity();
    let problem = loaded.error().map(|e| e.problem(entity));
    let summary = summary(&loaded);
    let tab_button = move |which: Tab, label: &'static str, id: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                id=id
                aria-controls="result-panel"
                aria-selected=move || (!graph.shown.get() && tab.get() == which).to_string()
                tabindex=move || if !graph.shown.get() && tab.get() == which { "0" } else { "-1" }
                on:click=move |_| {
                    tab.set(which);
                    graph.shown.set(false);
                }
            >
                {label}
            </button>
        }
    };
    let panel = {
        let loaded = loaded.clone();
        move || match tab.get() {
            _ if graph.shown.get() => ().into_any(),
            Tab::Cards => view! { <CardList loaded=loaded.clone()/> }.into_any(),
            Tab::Json => view! { <JsonPanel loaded=loaded.clone()/> }.into_any(),
            Tab::Response => view! { <ResponsePanel loaded=loaded.clone()/> }.into_any(),
        }
    };
    view! {
        {problem.map(|p| view! {
            <div class="problem" role="alert">
                <p><strong>{p.title}</strong></p>
                <p>{p.advice}</p>
            </div>
        })}
        <p class="summary" role="status">{summary}</p>
        <div class="tabs" role="tablist" aria-label="Result views">
            {tab_button(Tab::Cards, "Cards", "tab-cards")}
            {tab_button(Tab::Json, "JSON", "tab-json")}
            {tab_button(Tab::Response, "Response", "tab-response")}
            <button
                type="button"
                role="tab"
                id="tab-graph"
                aria-controls="graph-panel"
                aria-selected=move || graph.shown.get().to_string()
                tabindex=move || if graph.shown.get() { "0" } else { "-1" }
                on:click=move |_| graph.open()
            >
                "Graph"
            </button>
        </div>
        <div id="result-panel" role="tabpanel" class:hidden=move || graph.shown.get() aria-labelledby=move || match tab.get() {
            Tab::Cards => "tab-cards",
            Tab::Json => "tab-json",
            Tab::Response => "tab-response",
        }>
            {panel}
        </div>
    }
}

/// "200 · 20 of 1,200 alerts · 3 ms · 45 KB"
fn summary(loaded: &Loaded) -> String {
    let mut parts = Vec::new();
    match &loaded.exchange.outcome {
        Ok(answer) => parts.push(format!("HTTP {}", answer.status)),
        Err(_) => parts.push("no answer".to_string()),
    }
    if loaded.collection {
        let shown = loaded.items.len();
        parts.push(match loaded.count {
            Some(count) => format!("{shown} of {count} results"),
            None => format!("{shown} results"),
        });
    }
    parts.push(format!("{:.0} ms", loaded.exchange.elapsed_ms));
    if let Ok(answer) = &loaded.exchange.outcome {
        parts.push(size(answer.body.len()));
    }
    parts.join(" · ")
}

fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[component]
fn CardList(loaded: Arc<Loaded>) -> impl IntoView {
    let explorer = use_explorer();
    let kind = CardKind::of(loaded.query.route);
    let profile = loaded.query.profile;
    let total = loaded.items.len();
    let limit = RwSignal::new(CARD_BATCH);
    let has_more = loaded.next_link.is_some();
    let loading_more = loaded.loading_more;
    let empty = loaded.items.is_empty()
        && loaded
            .exchange
            .outcome
            .as_ref()
            .is_ok_and(|a| a.status < 400);
    let add_all = match kind {
        CardKind::Entity(entity) if total > 1 => {
            let graph = crate::graph_view::use_graph();
            let everything = loaded.clone();
            Some(view! {
                <button type="button" class="add-all-to-graph" on:click=move |_| graph.add_starts(entity, &everything.items, profile)>
                    "Add all to graph"
                </button>
            })
        }
        _ => None,
    };
    // Indices only: a card takes its own item when it is created, so growing the list copies nothing.
    let visible = move || 0..limit.get().min(total);
    let items = loaded.clone();
    // More cards join as the end of the list scrolls into view; the button does the same by keyboard.
    let sentinel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let Some(element) = sentinel.get() else {
            return;
        };
        let grow = wasm_bindgen::closure::Closure::<dyn Fn(js_sys::Array)>::new(
            move |entries: js_sys::Array| {
                let seen = entries.iter().any(|entry| {
                    wasm_bindgen::JsCast::dyn_into::<web_sys::IntersectionObserverEntry>(entry)
                        .is_ok_and(|e| e.is_intersecting())
                });
                if seen && limit.get_untracked() < total {
                    limit.update(|l| *l += CARD_BATCH);
                }
            },
        );
        if let Ok(observer) = web_sys::IntersectionObserver::new(grow.as_ref().unchecked_ref()) {
            observer.observe(&element);
            let observer = send_wrapper::SendWrapper::new(observer);
            let grow = send_wrapper::SendWrapper::new(grow);
            on_cleanup(move || {
                observer.disconnect();
                drop(grow);
            });
        }
    });
    view! {
        {empty.then(|| view! { <p class="hint">"No results."</p> })}
        {add_all}
        <div class="cards">
            <For
                each=visible
                key=|i| *i
                let:i
            >
                <EntityCard kind value=items.items[i].clone() profile/>
            </For>
        </div>
        <div node_ref=sentinel class="sentinel" aria-hidden="true"></div>
        {move || (total > limit.get()).then(|| view! {
            <button type="button" on:click=move |_| limit.update(|l| *l += CARD_BATCH)>
                {format!("Show {} more cards ({} not shown yet)", CARD_BATCH.min(total - limit.get()), total - limit.get())}
            </button>
        })}
        {has_more.then(|| view! {
            <button type="button" class="primary" disabled=loading_more on:click=move |_| explorer.load_more()>
                {if loading_more { "Loading…" } else { "Load more" }}
            </button>
        })}
    }
}

#[component]
fn JsonPanel(loaded: Arc<Loaded>) -> impl IntoView {
    let raw = RwSignal::new(false);
    let body = match &loaded.exchange.outcome {
        Ok(answer) => answer.body.clone(),
        Err(_) => String::new(),
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
    let tree = match loaded.json.clone() {
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
fn ResponsePanel(loaded: Arc<Loaded>) -> impl IntoView {
    let exchange = loaded.exchange.clone();
    let (status, headers, length) = match &exchange.outcome {
        Ok(answer) => (
            answer.status.to_string(),
            answer.headers.clone(),
            size(answer.body.len()),
        ),
        Err(failure) => (
            failure.problem(loaded.query.entity()).title,
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

/// "Too many requests: running again in 4 s", counting down.
#[component]
fn Countdown(
    /// When the query runs again (`performance.now()` time).
    retry_at_ms: f64,
) -> impl IntoView {
    let left = move || {
        ((retry_at_ms - crate::request::now_ms()) / 1000.0)
            .ceil()
            .max(0.0)
    };
    let seconds = RwSignal::new(left());
    if let Ok(handle) = set_interval_with_handle(
        move || seconds.set(left()),
        std::time::Duration::from_millis(250),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <div class="problem" role="status">
            <p><strong>"Too many requests: the API allows 100 calls a minute and 1,500 an hour."</strong></p>
            <p>{move || format!("Running the query again in {} s, as the API asked (Retry-After).", seconds.get())}</p>
        </div>
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
