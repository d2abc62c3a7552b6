//! The node layer: each entity a focusable button named `<entity type>: <label>`, shaped by its type,
//! with a badge of its expansions and a label (left out when zoomed far out).

use atp_core::catalogue::graph_relations;
use atp_core::graph::{canvas_label, NodeKey, Spot};
use atp_core::Entity;
use leptos::prelude::*;

use super::keys::on_node_key;
use super::{Far, OnPath, Placed, PressedNode};
use crate::graph_state::{use_graph, GraphState};

/// Below this zoom, node labels are left out.
const FAR_SCALE: f32 = 0.45;
/// Graphs of more nodes than this show labels only once the layout is at rest.
const LABELS_WAIT_ABOVE: usize = 200;

/// Whether the view is so far out that labels are left out.
pub(super) fn far_out(state: GraphState) -> Memo<bool> {
    // A big graph's labels also wait for its layout to come to rest: made for a thousand nodes at once
    // they would double its first paint, and be moved in every frame of the layout.
    Memo::new(move |_| {
        state.viewport.with(|v| v.scale < FAR_SCALE)
            || (state.settling.get() && state.track(|g| g.nodes().len() > LABELS_WAIT_ABOVE))
    })
}

/// The nodes the filter shows, over the edges.
#[component]
pub(super) fn NodeLayer() -> impl IntoView {
    let state = use_graph();
    let nodes = move || {
        let filter = state.filter.get();
        state.track(|g| {
            g.visible(filter)
                .nodes
                .iter()
                .map(|n| n.key.clone())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <g class="gnodes">
            <For each=nodes key=|k| k.clone() let:key>
                <GraphNode key/>
            </For>
        </g>
    }
}

/// What a node shows of itself: its label, whether the investigation started there, and its
/// expansions (how many, and what each added).
#[derive(Clone, Debug, PartialEq)]
struct NodeInfo {
    label: String,
    start: bool,
    done: usize,
    what: String,
}

/// One entity: a focusable button named `<entity type>: <label>`.
#[component]
fn GraphNode(key: NodeKey) -> impl IntoView {
    let state = use_graph();
    let entity = key.entity();
    let pos = state.position(&key);
    let info = node_info(state, key.clone());
    let label = move || info.with(|i| i.as_ref().map(|i| i.label.clone()).unwrap_or_default());
    let total = graph_relations(state.with(|g| g.api()), entity).count();
    let class = node_class(state, key.clone(), info);
    let Far(far) = expect_context::<Far>();
    // Zoomed far out the badge is hidden: not even made then (a big graph's first paint is far out).
    let badge = move || {
        let done = info.with(|i| i.as_ref().map_or(0, |i| i.done));
        (!far.get() && total > 0 && done > 0).then(|| format!("{done}/{total}"))
    };
    // Which expansions are done and what each added, for screen readers (the badge shows the count).
    let description = move || {
        info.with(|i| match i {
            Some(NodeInfo { done, what, .. }) if *done > 0 => {
                format!("{done} of {total} expansions done: {what}")
            }
            _ if total > 0 => format!("not expanded yet; {total} expansions available"),
            _ => String::new(),
        })
    };
    // Where the label goes: its placed spot; none when it found no room or the view is far out, except
    // for the selected, focused or pointed-at node, whose label then shows below it.
    let Placed(placed) = expect_context::<Placed>();
    let focused = RwSignal::new(false);
    let spot = {
        let key = key.clone();
        Memo::new(move |_| placed.with(|p| p.node(&key)))
    };
    let at = {
        let key = key.clone();
        move || {
            spot.get().or_else(|| {
                let near = focused.get()
                    || state.selected.with(|s| s.as_ref() == Some(&key))
                    || state.hovered.with(|h| h.as_ref() == Some(&key));
                near.then_some(BELOW)
            })
        }
    };
    // On the canvas a long name is cut; focused, the node shows it whole (its accessible name always does).
    let text = move || {
        let full = label();
        if focused.get() {
            full
        } else {
            canvas_label(&full)
        }
    };
    let select = {
        let key = key.clone();
        move |_| state.selected.set(Some(key.clone()))
    };
    let PressedNode(pressed) = expect_context::<PressedNode>();
    // A press on the node tells the canvas which node a drag would move.
    let on_pointerdown = {
        let key = key.clone();
        move |_| {
            if let Some(at) = state.position_of(&key) {
                pressed.set_value(Some((key.clone(), at)));
            }
        }
    };
    let on_keydown = move |ev| on_node_key(state, &key, ev);
    view! {
        <g
            class=class
            role="button"
            tabindex="0"
            aria-label=move || format!("{}: {}", entity.singular(), label())
            aria-description=description
            transform=move || {
                let (x, y) = pos.get();
                format!("translate({x:.1} {y:.1})")
            }
            on:click=select
            on:pointerdown=on_pointerdown
            on:keydown=on_keydown
            on:focus=move |_| focused.set(true)
            on:blur=move |_| focused.set(false)
        >
            <title>{move || format!("{}: {}", entity.singular(), label())}</title>
            <path class="shape" d=shape(entity)/>
            {move || badge().map(|b| view! { <text class="gbadge" x="14" y="-12" aria-hidden="true">{b}</text> })}
            {move || at().map(|s| view! {
                <text class="glabel" x=s.x y=s.y text-anchor=s.anchor.svg() aria-hidden="true">{text}</text>
            })}
        </g>
    }
}

/// Where a label goes when it has no placed spot but must show (selected, focused, pointed at).
const BELOW: Spot = Spot {
    x: 0.0,
    y: 27.0,
    anchor: atp_core::graph::Anchor::Middle,
};

/// The node's label, start and expansions, as the graph changes.
fn node_info(state: GraphState, key: NodeKey) -> Memo<Option<NodeInfo>> {
    Memo::new(move |_| {
        state.track(|g| {
            g.node(&key).map(|n| NodeInfo {
                label: n.label.clone(),
                start: n.start,
                done: n.expansions.len(),
                what: n
                    .expansions
                    .iter()
                    .map(|e| {
                        let route = g.api().route(e.relation);
                        let name = route.map_or_else(
                            || e.relation.to_string(),
                            |r| r.relation_label().to_string(),
                        );
                        format!("{name} +{}", e.added)
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        })
    })
}

/// The node's classes: its entity type, and whether it is selected, pointed at, on the selected node's
/// path to the start, or where the investigation started.
fn node_class(
    state: GraphState,
    key: NodeKey,
    info: Memo<Option<NodeInfo>>,
) -> impl Fn() -> String + Send + Sync + 'static {
    let OnPath(path) = expect_context::<OnPath>();
    let entity = key.entity();
    move || {
        let mut class = format!("gnode {}", entity.key());
        if state.selected.with(|s| s.as_ref() == Some(&key)) {
            class.push_str(" selected");
        }
        if state.hovered.with(|h| h.as_ref() == Some(&key)) {
            class.push_str(" hovered");
        }
        if path.with(|p| p.contains(&key)) {
            class.push_str(" on-path");
        }
        if info.with(|i| i.as_ref().is_some_and(|i| i.start)) {
            class.push_str(" start");
        }
        class
    }
}

/// The outline of each entity type's node, centred on the node's position.
fn shape(entity: Entity) -> &'static str {
    match entity {
        Entity::Alert => "M0,-14 L13,10 L-13,10 Z",
        Entity::Machine => "M-13,-10 H13 V10 H-13 Z",
        Entity::User => "M-12,0 A12,12 0 1,0 12,0 A12,12 0 1,0 -12,0 Z",
        Entity::Domain => "M-13,0 L-6.5,-11 L6.5,-11 L13,0 L6.5,11 L-6.5,11 Z",
        Entity::Ip => "M0,-13 L13,0 L0,13 L-13,0 Z",
        Entity::File => "M-10,-13 H4 L10,-7 V13 H-10 Z",
        Entity::Actor => "M0,-13 L12,-4 L8,11 L-8,11 L-12,-4 Z",
        Entity::Incident => "M-5,-13 H5 L13,-5 V5 L5,13 H-5 L-13,5 V-5 Z",
        // Today's Defender entities (machine actions, vulnerabilities, software, …): a rounded square.
        _ => "M-9,-12 H9 Q12,-12 12,-9 V9 Q12,12 9,12 H-9 Q-12,12 -12,9 V-9 Q-12,-12 -9,-12 Z",
    }
}
