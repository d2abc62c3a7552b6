//! The result area: what happened, then the tabs Cards, JSON and Response (and the Graph's panel).
//!
//! Here the area and its tabs; the card feed in [`feed`] (its window of built blocks in [`window`], planned
//! by the core's `card_window`), the JSON and Response tabs in [`panels`].

use leptos::prelude::*;
use std::sync::Arc;

use crate::explorer::{use_explorer, Loaded, Shown};
use crate::graph_state::{use_graph, GraphState};
use crate::graph_view::GraphPanel;
use feed::CardList;
use panels::{JsonPanel, ResponsePanel};

mod feed;
mod panels;
mod window;

/// The tab of the result area chosen (the Graph's is shown over it, as the graph says).
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
    // A page that "Load more" appends changes the answer shown, not which one: its views stay (and with them
    // the focus, the scroll position and the cards built). Anything else shown is built anew (a refusal
    // the same as the last is announced again).
    let changes = StoredValue::new(0u64);
    let screen = Memo::new(move |_| {
        shown.with(|s| match s {
            Shown::Done(loaded) => Screen::Answer(loaded.run),
            _ => {
                changes.update_value(|n| *n += 1);
                Screen::Other(changes.get_value())
            }
        })
    });
    view! {
        <section class="results" aria-labelledby="results-title" aria-busy=move || matches!(shown.get(), Shown::Running(_)).to_string()>
            <h2 id="results-title">"Result"</h2>
            {move || {
                // Read for its changes alone (`track` does not bring a memo up to date).
                let _ = screen.get();
                match shown.get_untracked() {
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
                    Shown::Done(first) => {
                        // The answer as it grows; `first` only stands in between a new run and this view's end.
                        let run = first.run;
                        let loaded = Signal::derive(move || match shown.get() {
                            Shown::Done(loaded) if loaded.run == run => loaded,
                            _ => first.clone(),
                        });
                        view! { <LoadedView loaded tab/> }.into_any()
                    }
                }
            }}
            {move || graph.opened.get().then(|| view! {
                <div id="graph-panel" role="tabpanel" aria-labelledby="tab-graph" class:hidden=move || !graph.shown.get()>
                    <GraphPanel/>
                </div>
            })}
        </section>
    }
}

/// Which view the result area has: an answer (by its run, whatever pages it has), or the n-th other.
#[derive(Clone, PartialEq)]
enum Screen {
    Answer(u64),
    Other(u64),
}

/// An answer: its problem, if a page failed, its summary, the tabs and the chosen tab's panel.
#[component]
fn LoadedView(loaded: Signal<Arc<Loaded>>, tab: RwSignal<Tab>) -> impl IntoView {
    let graph = use_graph();
    let problem = page_problem(loaded);
    // The cards follow the answer as it grows; the JSON and Response tabs show its last page, built again
    // when a page comes.
    let pages = Memo::new(move |_| loaded.with(|l| l.pages));
    let panel = move || match tab.get() {
        _ if graph.shown.get() => ().into_any(),
        Tab::Cards => view! { <CardList loaded/> }.into_any(),
        Tab::Json => {
            let _ = pages.get();
            view! { <JsonPanel loaded=loaded.get_untracked()/> }.into_any()
        }
        Tab::Response => {
            let _ = pages.get();
            view! { <ResponsePanel loaded=loaded.get_untracked()/> }.into_any()
        }
    };
    view! {
        {problem}
        <p class="summary" role="status">{move || loaded.with(|l| summary(l))}</p>
        {export_buttons(loaded)}
        {tab_list(tab, graph)}
        <div id="result-panel" role="tabpanel" class:hidden=move || graph.shown.get() aria-labelledby=move || match tab.get() {
            Tab::Cards => "tab-cards",
            Tab::Json => "tab-json",
            Tab::Response => "tab-response",
        }>
            {panel}
        </div>
    }
}

/// Everything loaded so far as CSV (one row per entity) or as JSON (their array), named after the entity.
fn export_buttons(loaded: Signal<Arc<Loaded>>) -> impl IntoView {
    let refused = RwSignal::new(None::<&'static str>);
    let save = move |csv: bool| {
        let (values, name): (Vec<serde_json::Value>, String) = loaded.with_untracked(|l| {
            let values = l.items.iter().filter_map(|i| i.value().ok()).collect();
            let name = l.query.entity().key().to_string();
            (values, name)
        });
        let saved = if csv {
            crate::platform::save_file(
                &format!("atp-{name}.csv"),
                "text/csv;charset=utf-8",
                &atp_core::export::entities_csv(&values),
            )
        } else {
            let text = serde_json::to_string_pretty(&values).unwrap_or_default();
            crate::platform::save_file(&format!("atp-{name}.json"), "application/json", &text)
        };
        refused.set(
            saved
                .is_err()
                .then_some("The browser refused to save the file."),
        );
    };
    move || {
        loaded.with(|l| !l.items.is_empty()).then(|| {
            view! {
                <div class="exports" role="group" aria-label="Export the results">
                    <button type="button" on:click=move |_| save(true)>"Save results as CSV"</button>
                    <button type="button" on:click=move |_| save(false)>"Save results as JSON"</button>
                    <span role="status">{move || refused.get()}</span>
                </div>
            }
        })
    }
}

/// A page that failed says so here, above the cards already loaded.
fn page_problem(loaded: Signal<Arc<Loaded>>) -> impl IntoView {
    let (api, entity) = loaded.with_untracked(|l| (l.query.profile.api(), l.query.entity()));
    let problem = Memo::new(move |_| {
        loaded.with(|l| {
            let error = l.error()?;
            let mut problem = if l.query.route.writes() {
                error.write_problem(l.query.route)
            } else {
                error.problem(api, entity)
            };
            if !l.items.is_empty() && l.next_link.is_some() {
                problem.advice.push_str(&format!(
                    " The {} results loaded stay; \"Load more\" asks for the next page again.",
                    l.items.len()
                ));
            }
            Some(problem)
        })
    });
    move || {
        problem.get().map(|p| {
            view! {
                <div class="problem" role="alert">
                    <p><strong>{p.title}</strong></p>
                    <p>{p.advice}</p>
                </div>
            }
        })
    }
}

/// The tabs Cards, JSON, Response and Graph (whose panel is the area's, outliving each answer).
fn tab_list(tab: RwSignal<Tab>, graph: GraphState) -> impl IntoView {
    view! {
        <div class="tabs" role="tablist" aria-label="Result views">
            {tab_button(tab, graph, Tab::Cards, "Cards", "tab-cards")}
            {tab_button(tab, graph, Tab::Json, "JSON", "tab-json")}
            {tab_button(tab, graph, Tab::Response, "Response", "tab-response")}
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
    }
}

/// The tab `which`, selected while it is chosen and the Graph is not shown.
fn tab_button(
    tab: RwSignal<Tab>,
    graph: GraphState,
    which: Tab,
    label: &'static str,
    id: &'static str,
) -> impl IntoView {
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

/// A body's size: "512 bytes", "45.2 KB", "3.1 MB".
fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// "Too many requests: running again in 4 s", counting down.
#[component]
fn Countdown(
    /// When the query runs again (`performance.now()` time).
    retry_at_ms: f64,
) -> impl IntoView {
    let left = move || {
        ((retry_at_ms - crate::platform::now_ms()) / 1000.0)
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
