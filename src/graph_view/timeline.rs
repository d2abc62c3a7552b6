//! The alert timeline under the graph: each alert of the graph as a bar from its first to its last event.

use atp_core::graph::TimelineItem;
use leptos::prelude::*;

use crate::graph_state::{use_graph, GraphState};
use crate::time::minutes;

/// Timeline rows shown at most.
const TIMELINE_ROWS: usize = 300;

/// The graph's alerts on a time axis (first to last event); pointing at one highlights its node.
#[component]
pub(super) fn AlertTimeline() -> impl IntoView {
    let state = use_graph();
    let items = Memo::new(move |_| state.track(|g| g.timeline()));
    move || {
        let items = items.get();
        if items.is_empty() {
            return ().into_any();
        }
        let lo = items.iter().map(|i| i.first.0).min().unwrap_or_default();
        let hi = items.iter().map(|i| i.last.0).max().unwrap_or_default();
        let span = ((hi - lo).num_seconds().max(60)) as f64;
        let at =
            move |t: chrono::DateTime<chrono::Utc>| (t - lo).num_seconds() as f64 / span * 100.0;
        let hidden = items.len().saturating_sub(TIMELINE_ROWS);
        let rows = items
            .into_iter()
            .take(TIMELINE_ROWS)
            .map(|item| {
                let left = at(item.first.0);
                let width = (at(item.last.0) - left).max(0.6);
                timeline_row(state, item, left, width)
            })
            .collect_view();
        view! {
            <section class="graph-timeline" aria-labelledby="graph-timeline-title">
                <h3 id="graph-timeline-title">"Alert timeline"</h3>
                <div class="tl-axis">
                    <span>{minutes(lo.naive_utc())}</span>
                    <span>{format!("{} UTC", minutes(hi.naive_utc()))}</span>
                </div>
                <ol class="tl-items">{rows}</ol>
                {(hidden > 0).then(|| view! { <p class="hint">{format!("{hidden} more alerts not shown.")}</p> })}
            </section>
        }
        .into_any()
    }
}

/// One alert: its label and its bar, `left` and `width` in percent of the axis; pointing at it or
/// focusing it highlights its node, a click selects that.
fn timeline_row(state: GraphState, item: TimelineItem, left: f64, width: f64) -> impl IntoView {
    let (k1, k2, k3, k4) = (
        item.key.clone(),
        item.key.clone(),
        item.key.clone(),
        item.key.clone(),
    );
    let when = format!(
        "{} to {} UTC",
        minutes(item.first.0.naive_utc()),
        minutes(item.last.0.naive_utc())
    );
    let name = format!("Alert: {}, {when}", item.label);
    let hovered = move || state.hovered.with(|h| h.as_ref() == Some(&k4));
    view! {
        <li
            tabindex="0"
            aria-label=name
            class:hovered=hovered
            on:mouseenter=move |_| state.hovered.set(Some(k1.clone()))
            on:mouseleave=move |_| state.hovered.set(None)
            on:focus=move |_| state.hovered.set(Some(k2.clone()))
            on:blur=move |_| state.hovered.set(None)
            on:click=move |_| state.selected.set(Some(k3.clone()))
        >
            <span class="tl-label">{item.label}</span>
            <span class="tl-track">
                <span class="tl-bar" style:margin-left=format!("{left:.2}%") style:width=format!("{width:.2}%")></span>
            </span>
        </li>
    }
}
