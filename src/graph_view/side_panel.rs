//! The side panel: the selected node's name, its actions, its path from the start, its expansions (done,
//! with counts, or to do) and its card.

use atp_core::body::RawItem;
use atp_core::catalogue::graph_relations;
use atp_core::graph::{ExpansionRecord, Node, NodeKey};
use atp_core::Route;
use leptos::prelude::*;

use crate::cards::{CardKind, EntityCard, HuntLinks};
use crate::graph_state::{use_graph, GraphState};

/// The selected node: what it is, its expansions (done, with counts, or to do), its path, its card.
#[component]
pub(super) fn NodeDetails(key: NodeKey) -> impl IntoView {
    let state = use_graph();
    move || {
        let Some(node) = state.track(|g| g.node(&key).cloned()) else {
            return ().into_any();
        };
        let profile = state.profile.get_untracked();
        let entity = key.entity();
        let path = path_names(state, &key);
        let pending = !state.with(|g| g.pending_expansions(&key)).is_empty();
        let rows = expansion_rows(state, &key, &node);
        let expand_all = {
            let key = key.clone();
            move |_| {
                let key = key.clone();
                leptos::task::spawn_local(async move { state.expand_all(key).await });
            }
        };
        let remove = {
            let key = key.clone();
            move |_| state.remove(&key)
        };
        let card = if node.detail.is_null() {
            view! { <p class="hint">"Not fetched: the API has no call that reads this entity by id."</p> }.into_any()
        } else {
            view! { <EntityCard kind=CardKind::Entity(entity) item=RawItem::new(&node.detail.to_string()) profile in_graph=true/> }.into_any()
        };
        view! {
            <h3 class="graph-side-title">{format!("{}: {}", entity.singular(), node.label)}</h3>
            <div class="graph-actions">
                <button type="button" class="primary" disabled=!pending on:click=expand_all>"Expand all"</button>
                <button type="button" on:click=remove>"Remove from graph"</button>
            </div>
            <p class="graph-path">
                <strong>{if node.start { "Investigation started here." } else { "Path from the start: " }}</strong>
                {(!node.start).then(|| path.join(" \u{2192} "))}
            </p>
            <h4>"Expansions"</h4>
            <ul class="graph-expansions">{rows}</ul>
            <h4>"Hunt from here"</h4>
            <ul class="graph-hunts"><HuntLinks profile entity id=node.api_id.clone()/></ul>
            {card}
        }
        .into_any()
    }
}

/// The nodes from the start to `key`, each named `<entity type>: <label>`.
fn path_names(state: GraphState, key: &NodeKey) -> Vec<String> {
    state.with(|g| {
        g.path_to_start(key)
            .iter()
            .filter_map(|k| g.node(k))
            .map(|n| format!("{}: {}", n.key.entity().singular(), n.label))
            .collect()
    })
}

/// One row per relation the node's entity type has: what a done expansion brought (with "more" and
/// "collapse"), or a button to expand it.
fn expansion_rows(state: GraphState, key: &NodeKey, node: &Node) -> impl IntoView {
    let api = state.with(|g| g.api());
    graph_relations(api, key.entity())
        .map(|route| {
            let key = key.clone();
            match node.expansion(route.key) {
                Some(done) => done_row(state, key, route, done),
                None => {
                    let name = route.relation_label();
                    view! {
                        <li>
                            <button type="button" on:click=move |_| {
                                let key = key.clone();
                                leptos::task::spawn_local(async move { state.expand(key, route).await });
                            }>
                                {format!("Expand {name}")}
                            </button>
                        </li>
                    }
                    .into_any()
                }
            }
        })
        .collect_view()
}

/// A done expansion: its counts, a button for what it held back (or the API's next page), and collapse.
fn done_row(
    state: GraphState,
    key: NodeKey,
    route: &'static Route,
    done: &ExpansionRecord,
) -> AnyView {
    let name = route.relation_label();
    let (held, next) = state.more_of(&key, route.key);
    let more_key = key.clone();
    view! {
        <li class="done">
            <span>{format!("\u{2713} {name}: {} result{}, {} new", done.results, if done.results == 1 { "" } else { "s" }, done.added)}</span>
            {(held > 0 || next).then(|| view! {
                <button type="button" on:click=move |_| {
                    let key = more_key.clone();
                    leptos::task::spawn_local(async move { state.add_more(key, route).await });
                }>
                    {if held > 0 {
                        format!("Add {} more", held.min(crate::graph_state::EXPANSION_PAGE))
                    } else {
                        "Load more results".to_string()
                    }}
                </button>
            })}
            <button type="button" on:click=move |_| state.collapse(&key, route)>{format!("Collapse {name}")}</button>
        </li>
    }
    .into_any()
}
