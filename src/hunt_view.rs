//! The Hunting view: a KQL editor (completion by keyboard, Ctrl+Enter runs), the route and its limits, the
//! schema, and the results as a table (and a chart when the query renders one) whose entity columns pivot.

mod chart;
mod editor;
mod schema;
mod table;

use atp_core::catalogue::{HuntingApi, HUNTING_ROUTES};
use atp_core::link::hunt_href;
use leptos::prelude::*;

use crate::explorer::{use_explorer, Explorer};
use crate::hunting::{HuntShown, Hunting};
use crate::platform::now_ms;
use crate::snippets::{CodeSnippets, SnippetRequest};

/// Runs what the editor holds: a history entry with the hunt in the address, then the request.
pub fn run_hunt(explorer: Explorer) {
    let href = hunt_href(&explorer.hunting.link(), explorer.dataset.get_untracked());
    explorer.follow(&href);
}

/// The whole view.
#[component]
pub fn HuntView() -> impl IntoView {
    let explorer = use_explorer();
    let hunting = explorer.hunting;
    view! {
        <section class="hunting" aria-labelledby="hunting-heading">
            <h2 id="hunting-heading">"Advanced hunting"</h2>
            <div class="hunting-layout">
                <div class="hunting-main">
                    <RouteControls hunting/>
                    <editor::Editor hunting on_run=Callback::new(move |()| run_hunt(explorer))/>
                    <div class="actions">
                        <button type="button" class="primary" on:click=move |_| run_hunt(explorer)>"Run query"</button>
                        <span class="hint">"Ctrl+Enter runs the query from the editor."</span>
                    </div>
                    <CodeSnippets request=Signal::derive(move || {
                        let route = hunting.api.get().route();
                        let profile = route.profile(hunting.profile.get());
                        SnippetRequest {
                            method: atp_core::Method::Post,
                            url: route.url(profile),
                            body: Some(route.body(&hunting.text.get(), &hunting.timespan.get())),
                            profile,
                            permission: route.permission,
                        }
                    })/>
                </div>
                <schema::SchemaPane hunting/>
            </div>
            <HuntResults hunting/>
        </section>
    }
}

/// The route, its permission, limits and retirement, and Graph's timespan.
#[component]
fn RouteControls(hunting: Hunting) -> impl IntoView {
    let route = move || hunting.api.get().route();
    let choose = move |ev: leptos::ev::Event| {
        let key = event_target_value(&ev);
        if let Some(api) = HuntingApi::from_key(&key) {
            let page = hunting.profile.get_untracked();
            hunting.api.set(api);
            hunting.profile.set(api.route().profile(page));
        }
    };
    let options = HUNTING_ROUTES
        .iter()
        .map(|r| {
            let key = r.which.key();
            view! {
                <option value=key prop:selected=move || hunting.api.get().key() == key>{r.label}</option>
            }
        })
        .collect_view();
    view! {
        <div class="row">
            <div class="control">
                <label for="hunt-api">"Hunting API"</label>
                <select id="hunt-api" on:change=choose>{options}</select>
            </div>
            <Show when=move || route().timespan>
                <div class="control">
                    <label for="hunt-timespan">"Timespan"</label>
                    <input
                        id="hunt-timespan"
                        type="text"
                        spellcheck="false"
                        autocomplete="off"
                        placeholder="P30D"
                        aria-describedby="hunt-timespan-help"
                        prop:value=move || hunting.timespan.get()
                        on:input=move |ev| hunting.timespan.set(event_target_value(&ev))
                    />
                    <p id="hunt-timespan-help" class="help">
                        "ISO 8601: P7D (back from now), start/end, P7D/end, start/P7D. Empty: the last 30 days."
                    </p>
                </div>
            </Show>
        </div>
        <p class="route-permission">
            {move || format!("POST · least-privileged permission: {} (delegated)", route().permission)}
        </p>
        <p class="help hunting-limits">{move || route().limits}</p>
        {move || route().retiring.map(|note| view! { <p class="source-note" role="note">{note}</p> })}
    }
}

/// What the graph holds, and the way to it: rows added from here grow the investigation graph, which
/// the API query view shows.
#[component]
fn GraphNote() -> impl IntoView {
    let explorer = use_explorer();
    let graph = explorer.graph;
    let nodes = move || graph.track(|g| g.nodes().len());
    let open = move |_| {
        let query = explorer.query.get_untracked();
        let href = atp_core::link::app_href(&query, explorer.dataset.get_untracked());
        explorer.follow(&href);
        graph.open();
    };
    view! {
        <Show when=move || { nodes() > 0 }>
            <p class="graph-note">
                <span role="status">{move || graph.status.get()}</span>
                " The investigation graph holds " {nodes} " entities. "
                <button type="button" on:click=open>"Open the graph"</button>
            </p>
        </Show>
    }
}

/// The answer: status line, chart, table; or what went wrong and what to do.
#[component]
fn HuntResults(hunting: Hunting) -> impl IntoView {
    view! {
        <section class="hunt-results" aria-labelledby="hunt-results-heading">
            <h3 id="hunt-results-heading">"Results"</h3>
            {move || match hunting.shown.get() {
                HuntShown::Nothing => view! {
                    <p class="hint">"Write a query (the schema lists the tables) and run it."</p>
                }
                .into_any(),
                HuntShown::Running => view! { <p role="status">"Running the query…"</p> }.into_any(),
                HuntShown::Throttled { retry_at_ms } => {
                    let seconds = ((retry_at_ms - now_ms()) / 1000.0).ceil().max(0.0);
                    view! {
                        <p role="status">
                            {format!("The API asked to wait: the query runs again by itself in about {seconds} s.")}
                        </p>
                    }
                    .into_any()
                }
                HuntShown::Done(outcome) => match &outcome.result {
                    Ok(result) => {
                        let result = result.clone();
                        let elapsed = outcome.exchange.elapsed_ms;
                        view! {
                            <p class="summary" role="status">{table::summary(&result, elapsed)}</p>
                            {chart::chart(
                                result.render.as_ref(),
                                &result.columns.iter().map(|c| (c.name.clone(), c.ty)).collect::<Vec<_>>(),
                                &result.rows,
                            )}
                            <table::ResultTable result run=outcome.run/>
                        }
                        .into_any()
                    }
                    Err(problem) => view! {
                        <div class="problem" role="alert">
                            <p><strong>{problem.title.clone()}</strong></p>
                            <p>{problem.advice.clone()}</p>
                        </div>
                    }
                    .into_any(),
                },
            }}
            <GraphNote/>
        </section>
    }
}
