//! The "Add to graph" button every entity card carries, and what a card tells it about itself.

use atp_core::body::RawItem;
use atp_core::graph::identify;
use atp_core::{Entity, Profile};
use leptos::prelude::*;

use crate::graph_state::use_graph;

/// What a card is about, so its "Add to graph" button can add it (provided by
/// [`EntityCard`](super::EntityCard)).
#[derive(Clone, Debug)]
pub struct CardSource {
    pub entity: Entity,
    pub item: RawItem,
    pub profile: Profile,
}

/// The "Add to graph" button of a card: starts the investigation (again) at this entity.
#[component]
pub fn AddToGraph(
    /// The card's entity type.
    entity: Entity,
    /// The entity as the API sent it.
    item: RawItem,
    /// Whose routes the graph's expansions will use.
    profile: Profile,
) -> impl IntoView {
    let state = use_graph();
    // Identified when first needed: a long list of cards builds many buttons before any graph exists.
    let key = std::sync::Arc::new(std::sync::OnceLock::new());
    let in_graph = {
        let item = item.clone();
        move || {
            !state.track(|g| g.is_empty())
                && key
                    .get_or_init(|| {
                        item.value()
                            .ok()
                            .and_then(|v| identify(entity, &v))
                            .map(|f| f.key)
                    })
                    .as_ref()
                    .is_some_and(|key| state.track(|g| g.node(key).is_some_and(|n| n.start)))
        }
    };
    let add = move |_| match item.value() {
        Ok(value) => state.add_starts(entity, std::slice::from_ref(&value), profile),
        Err(reason) => state.status.set(Some(format!(
            "This entity cannot go into the graph: {}.",
            reason.message
        ))),
    };
    let disabled = in_graph.clone();
    view! {
        <button type="button" class="add-to-graph" disabled=disabled on:click=add>
            {move || if in_graph() { "In the graph" } else { "Add to graph" }}
        </button>
    }
    .into_any()
}
