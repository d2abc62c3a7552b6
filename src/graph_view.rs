//! The investigation graph view: entities as SVG nodes (keyed, focusable, named `<type>: <label>`),
//! relations as edges, a side panel with the selected entity's card and expansions, and an alert timeline.
//! The graph itself (merge, layout, recipe, exports) is `atp_core::graph`; this module wires it to the page:
//! the toolbar, the canvas, the side panel and the timeline each in a room of `graph_view/`, their shared
//! state in `crate::graph_state`, and this file assembling them.
//! Everything from the API is rendered as text nodes or attribute values; nothing goes through inner HTML.

mod canvas;
mod side_panel;
mod timeline;
mod toolbar;

use leptos::prelude::*;

use crate::graph_state::{use_graph, GraphState};

use canvas::{Canvas, OnPath};
use side_panel::NodeDetails;
use timeline::AlertTimeline;
use toolbar::Toolbar;

/// The Graph tab's content.
#[component]
pub fn GraphPanel() -> impl IntoView {
    let state = use_graph();
    let empty = move || state.track(|g| g.is_empty());
    // The path from the selected node back to where the investigation started.
    let path = Memo::new(move |_| match state.selected.get() {
        Some(key) => state.track(|g| g.path_to_start(&key)),
        None => Vec::new(),
    });
    provide_context(OnPath(path));
    // Fit when the panel shows (its size is known only then).
    Effect::new(move |_| {
        if state.shown.get() && state.auto_fit.get_untracked() {
            request_animation_frame(move || canvas::refit(state));
        }
    });
    view! {
        <div class="graph-panel">
            <Toolbar/>
            <p class="graph-status" role="status">
                {move || state.status.get()}
                {move || (state.busy.get() > 0).then_some(" (working…)")}
            </p>
            <Show when=empty>
                <p class="hint">
                    "The graph is empty. Use \u{201c}Add to graph\u{201d} on a card, or \u{201c}Add all to graph\u{201d} above the cards."
                </p>
            </Show>
            <div class="graph-main" class:hidden=empty>
                <Canvas/>
                <aside class="graph-side" aria-label="Selected entity">
                    {move || match state.selected.get() {
                        Some(key) => view! { <NodeDetails key/> }.into_any(),
                        None => view! { <p class="hint">"Select a node to see its card and expand it."</p> }.into_any(),
                    }}
                </aside>
            </div>
            <AlertTimeline/>
        </div>
    }
}

/// Saves `text` as a file; a refusal shows in the graph's status line.
fn download(state: GraphState, name: &str, mime: &str, text: &str) {
    let saved = crate::platform::save_file(name, mime, text);
    if saved.is_err() {
        state
            .status
            .set(Some("The browser refused to save the file.".to_string()));
    }
}
