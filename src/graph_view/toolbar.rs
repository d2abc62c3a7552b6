//! The graph's toolbar: which entity types show, the view buttons (fit, zoom), exports and clear, and the
//! keyboard hint the canvas is described by.

use atp_core::graph::SvgOptions;
use atp_core::report::Report;
use atp_core::Entity;
use leptos::prelude::*;

use super::canvas::{fit_to_view, zoom_centre};
use super::download;
use crate::graph_state::{use_graph, GraphState};
use crate::history::use_history;
use crate::notes::use_notes;
use crate::platform::now_epoch_ms;

#[component]
pub(super) fn Toolbar() -> impl IntoView {
    let state = use_graph();
    let export_json = move |_| {
        let text = state.with(|g| serde_json::to_string_pretty(&g.to_json()).unwrap_or_default());
        download(state, "atp-graph.json", "application/json", &text);
    };
    let export_svg = move |_| {
        let options = SvgOptions {
            filter: state.filter.get_untracked(),
            ..SvgOptions::default()
        };
        let text = state.with(|g| g.to_svg(&options));
        download(state, "atp-graph.svg", "image/svg+xml", &text);
    };
    let history = use_history();
    let notes = use_notes();
    // The investigation report: the graph's picture and entities, the alert timeline, every query of
    // the history, the notes (core::report); HTML or Markdown.
    let report = move |markdown: bool| {
        let entries = history.history.with_untracked(|h| h.entries().to_vec());
        let text = notes.notes.with_untracked(|notes| {
            state.with(|g| {
                let report = Report {
                    graph: g,
                    history: &entries,
                    notes,
                    tenant: &state.source(),
                    profile: state.profile.get_untracked(),
                    made: chrono::DateTime::from_timestamp_millis(now_epoch_ms())
                        .unwrap_or_default(),
                };
                if markdown {
                    report.to_markdown()
                } else {
                    report.to_html()
                }
            })
        });
        if markdown {
            download(state, "atp-report.md", "text/markdown", &text);
        } else {
            download(state, "atp-report.html", "text/html", &text);
        }
    };
    view! {
        <div class="graph-toolbar">
            <Filters/>
            <div class="graph-buttons" role="group" aria-label="Graph view">
                <button type="button" on:click=move |_| fit_to_view(state)>"Fit to view"</button>
                <button type="button" aria-label="Zoom in" on:click=move |_| zoom_centre(state, 1.25)>"+"</button>
                <button type="button" aria-label="Zoom out" on:click=move |_| zoom_centre(state, 0.8)>"−"</button>
                <button type="button" on:click=export_json>"Export JSON"</button>
                <button type="button" on:click=export_svg>"Export SVG"</button>
                <button type="button" on:click=move |_| report(false)>"Report (HTML)"</button>
                <button type="button" on:click=move |_| report(true)>"Report (Markdown)"</button>
                <button type="button" on:click=move |_| state.clear()>"Clear graph"</button>
            </div>
            <p class="hint" id="graph-keys">
                "Tab moves through the nodes; Enter expands one, Space selects it, Delete removes it, Shift + arrow keys move it (or drag it); arrow keys pan (or drag the background), + and − zoom, 0 fits."
            </p>
        </div>
    }
}

/// One checkbox per entity type in the graph, with its count; types with no node are hidden.
#[component]
fn Filters() -> impl IntoView {
    let state = use_graph();
    let counts = move || entity_counts(state);
    let filters = Entity::ALL
        .iter()
        .enumerate()
        .map(|(i, &entity)| {
            let id = format!("graph-show-{}", entity.key());
            view! {
                <span class="graph-filter" class:hidden=move || counts()[i] == 0>
                    <input
                        type="checkbox"
                        id=id.clone()
                        prop:checked=move || state.filter.with(|f| f.contains(entity))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            state.filter.update(|f| *f = f.with(entity, on));
                        }
                    />
                    <label for=id class=format!("legend {}", entity.key())>
                        {entity.singular()} " (" {move || counts()[i]} ")"
                    </label>
                </span>
            }
        })
        .collect_view();
    view! {
        <fieldset class="graph-filters">
            <legend>"Show"</legend>
            {filters}
        </fieldset>
    }
}

/// How many nodes of each entity type the graph holds, in the order of [`Entity::ALL`].
fn entity_counts(state: GraphState) -> [usize; Entity::ALL.len()] {
    state.track(|g| {
        let mut counts = [0usize; Entity::ALL.len()];
        for n in g.nodes() {
            if let Some(i) = Entity::ALL.iter().position(|e| *e == n.key.entity()) {
                counts[i] += 1;
            }
        }
        counts
    })
}
