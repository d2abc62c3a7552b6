//! The edge layer: a small graph's relations each as a labelled line with a tooltip, a big graph's as
//! two paths (on the selected node's path to the start, and the rest).

use atp_core::graph::{edge_text, NodeKey, EDGE_LABELS_UP_TO};
use leptos::prelude::*;

use super::{OnPath, Placed};
use crate::graph_state::use_graph;

/// The edges, under the nodes.
#[component]
pub(super) fn EdgeLayer() -> impl IntoView {
    let state = use_graph();
    let OnPath(path) = expect_context::<OnPath>();
    // A small graph draws each edge (labelled, with a tooltip); a big one draws them all as one path.
    let big = Memo::new(move |_| {
        let filter = state.filter.get();
        state.track(|g| g.visible(filter).edges.len() > EDGE_LABELS_UP_TO)
    });
    let edges = move || {
        if big.get() {
            return Vec::new();
        }
        let filter = state.filter.get();
        state.track(|g| {
            g.visible(filter)
                .edges
                .iter()
                .map(|e| (e.from.clone(), e.to.clone(), e.relation))
                .collect::<Vec<_>>()
        })
    };
    let bulk = move |on: bool| {
        let filter = state.filter.get();
        state.moved.track();
        path.with(|p| state.track(|g| g.edge_path(filter, |e| joins(p, &e.from, &e.to) == on)))
    };
    view! {
        <g class="gedges">
            <Show when=move || big.get()>
                <path class="gedge bulk" d=move || bulk(false)/>
                <path class="gedge bulk on-path" d=move || bulk(true)/>
            </Show>
            <For each=edges key=|e| e.clone() let:edge>
                <GraphEdge from=edge.0 to=edge.1 relation=edge.2/>
            </For>
        </g>
    }
}

/// Whether `a` and `b` follow each other (either way round) on `path`.
fn joins(path: &[NodeKey], a: &NodeKey, b: &NodeKey) -> bool {
    path.windows(2)
        .any(|w| (w[0] == *a && w[1] == *b) || (w[0] == *b && w[1] == *a))
}

/// A relation between two nodes of a small graph: a line labelled by its route, with a tooltip.
#[component]
fn GraphEdge(from: NodeKey, to: NodeKey, relation: &'static str) -> impl IntoView {
    let state = use_graph();
    let OnPath(path) = expect_context::<OnPath>();
    let a = state.position(&from);
    let b = state.position(&to);
    let spot_of = (from.clone(), to.clone());
    let on_path = move || path.with(|p| joins(p, &from, &to));
    // Its label where the placement put it (on the line, clear of nodes and other labels), or none.
    let Placed(placed) = expect_context::<Placed>();
    let spot = {
        let (from, to) = spot_of;
        Memo::new(move |_| placed.with(|p| p.edge(&from, &to, relation)))
    };
    let text = move || {
        spot.get().map(|s| {
            view! {
                <text class="elabel" text-anchor="middle" x=s.x y=s.y>
                    {edge_text(relation)}
                </text>
            }
        })
    };
    // One attribute per edge: a frame of layout updates one `d` per moved edge, not four coordinates.
    let d = move || {
        let ((x1, y1), (x2, y2)) = (a.get(), b.get());
        format!("M{x1:.1} {y1:.1}L{x2:.1} {y2:.1}")
    };
    view! {
        <path class="gedge" class:on-path=on_path d=d>
            <title>{relation}</title>
        </path>
        {text}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atp_core::Entity;

    #[test]
    fn an_edge_is_on_the_path_either_way_round() {
        let key = |id: &str| NodeKey::new(Entity::Machine, id).expect("a machine id");
        let path = [key("a"), key("b"), key("c")];
        assert!(joins(&path, &key("a"), &key("b")));
        assert!(joins(&path, &key("c"), &key("b")));
        assert!(!joins(&path, &key("a"), &key("c")));
        assert!(!joins(&[], &key("a"), &key("b")));
    }
}
