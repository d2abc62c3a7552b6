//! The SVG canvas: edges under nodes inside one pan-and-zoom group, driven by the pointer, the wheel
//! and the keyboard. Its parts: the view box (pan, zoom, fit, size), the pointer (click or drag), the
//! keyboard, the edge layer and the node layer.

mod edges;
mod keys;
mod nodes;
mod pointer;
mod view_box;

use atp_core::graph::{Labels, NodeKey};
use leptos::prelude::*;

use crate::graph_state::{use_graph, GraphState};
use edges::EdgeLayer;
use nodes::NodeLayer;
use pointer::Drag;
use view_box::WheelZoom;
pub(super) use view_box::{fit_to_view, refit, zoom_centre};

/// The selected node's path back to where the investigation started (provided by the graph panel).
#[derive(Clone, Copy)]
pub(super) struct OnPath(pub(super) Memo<Vec<NodeKey>>);

/// The view is zoomed out so far that labels are left out.
#[derive(Clone, Copy)]
struct Far(Memo<bool>);

/// Where each label goes (`core::graph::labels`): placed again as nodes move, the filter changes or
/// another node is selected; nothing is placed while labels are left out.
#[derive(Clone, Copy)]
struct Placed(Memo<Labels>);

/// The node a pointer was just pressed on (set by the node, taken by the canvas in the same event).
#[derive(Clone, Copy)]
struct PressedNode(StoredValue<Option<(NodeKey, (f32, f32))>>);

/// What the canvas's event handlers share; all handles, so each handler takes its own copy.
#[derive(Clone, Copy)]
struct Surface {
    state: GraphState,
    /// The `<svg>`: moved by a CSS transform while a pan or a wheel zoom is under way.
    canvas: NodeRef<leptos::svg::Svg>,
    /// Its frame, whose box the canvas's size and the wheel's point are measured on.
    frame: NodeRef<leptos::html::Div>,
    /// What the pointer held down is doing, if one is.
    drag: StoredValue<Option<Drag>>,
    pressed: PressedNode,
    zoom: WheelZoom,
}

/// The SVG drawing: edges under nodes, inside one pan-and-zoom group.
#[component]
pub(super) fn Canvas() -> impl IntoView {
    let state = use_graph();
    let far = nodes::far_out(state);
    provide_context(Far(far));
    let placed = Memo::new(move |_| {
        state.moved.track();
        let filter = state.filter.get();
        let selected = state.selected.get();
        if far.get() {
            return Labels::default();
        }
        state.track(|g| g.place_labels(filter, selected.as_ref()))
    });
    provide_context(Placed(placed));
    let pressed = PressedNode(StoredValue::new(None));
    provide_context(pressed);
    let surface = Surface {
        state,
        canvas: NodeRef::new(),
        frame: NodeRef::new(),
        drag: StoredValue::new(None),
        pressed,
        zoom: WheelZoom::new(),
    };
    view_box::observe_size(state, surface.frame);
    view! {
        <div class="graph-frame" node_ref=surface.frame>
            <svg
                class="graph-canvas"
                class:far=far
                role="group"
                aria-label="Investigation graph"
                aria-describedby="graph-keys"
                // While the layout moves nodes.
                aria-busy=move || state.settling.get().to_string()
                tabindex="0"
                node_ref=surface.canvas
                on:keydown=move |ev| surface.on_keydown(ev)
                on:wheel=move |ev| surface.on_wheel(ev)
                on:pointerdown=move |ev| surface.on_pointerdown(ev)
                on:pointermove=move |ev| surface.on_pointermove(ev)
                on:pointerup=move |_| surface.end_drag()
                on:pointercancel=move |_| surface.end_drag()
            >
                <g transform=move || view_box::transform(state)>
                    <EdgeLayer/>
                    <NodeLayer/>
                </g>
            </svg>
        </div>
    }
}
