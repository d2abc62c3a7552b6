//! The keyboard on the canvas (arrow keys pan, + and − zoom, 0 fits) and on a node (Enter expands,
//! Space selects, Delete removes, Shift + arrow keys move it).

use atp_core::graph::NodeKey;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::view_box::{fit_to_view, pan, zoom_centre};
use super::Surface;
use crate::graph_state::GraphState;

/// How far an arrow key pans the view, in pixels.
const PAN_STEP: f32 = 40.0;
/// How far Shift + an arrow key moves a node, in graph units.
const NODE_STEP: f32 = 20.0;

/// What a key does to the view.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ViewKey {
    /// Moves the drawing by (dx, dy) pixels.
    Pan(f32, f32),
    /// Zooms about the canvas's centre.
    Zoom(f32),
    /// Fits the graph to the view.
    Fit,
}

/// The canvas's key map (an arrow moves the drawing the other way, as if the view moved).
fn view_key(key: &str) -> Option<ViewKey> {
    Some(match key {
        "ArrowLeft" => ViewKey::Pan(PAN_STEP, 0.0),
        "ArrowRight" => ViewKey::Pan(-PAN_STEP, 0.0),
        "ArrowUp" => ViewKey::Pan(0.0, PAN_STEP),
        "ArrowDown" => ViewKey::Pan(0.0, -PAN_STEP),
        "+" | "=" => ViewKey::Zoom(1.25),
        "-" | "_" => ViewKey::Zoom(0.8),
        "0" => ViewKey::Fit,
        _ => return None,
    })
}

/// How far an arrow key moves a node, in graph units (none for other keys).
fn node_step(key: &str) -> Option<(f32, f32)> {
    match key {
        "ArrowLeft" => Some((-NODE_STEP, 0.0)),
        "ArrowRight" => Some((NODE_STEP, 0.0)),
        "ArrowUp" => Some((0.0, -NODE_STEP)),
        "ArrowDown" => Some((0.0, NODE_STEP)),
        _ => None,
    }
}

impl Surface {
    /// A key on the canvas (or bubbling up from a node that left it alone).
    pub(super) fn on_keydown(self, ev: web_sys::KeyboardEvent) {
        self.settle_zoom();
        let state = self.state;
        match view_key(&ev.key()) {
            Some(ViewKey::Pan(dx, dy)) => pan(state, dx, dy),
            Some(ViewKey::Zoom(factor)) => zoom_centre(state, factor),
            Some(ViewKey::Fit) => fit_to_view(state),
            None => return,
        }
        ev.prevent_default();
    }
}

/// A key on a node.
pub(super) fn on_node_key(state: GraphState, key: &NodeKey, ev: web_sys::KeyboardEvent) {
    let name = ev.key();
    // Shift + arrow keys move the node (and pin it), as dragging it does.
    if let Some((dx, dy)) = node_step(&name).filter(|_| ev.shift_key()) {
        ev.prevent_default();
        ev.stop_propagation();
        if let Some((x, y)) = state.position_of(key) {
            state.move_node(key, (x + dx, y + dy));
        }
        return;
    }
    match name.as_str() {
        "Enter" => {
            ev.prevent_default();
            state.selected.set(Some(key.clone()));
            let key = key.clone();
            leptos::task::spawn_local(async move { state.expand_all(key).await });
        }
        " " => {
            ev.prevent_default();
            state.selected.set(Some(key.clone()));
        }
        "Delete" | "Backspace" => {
            ev.prevent_default();
            state.remove(key);
            focus_canvas();
        }
        _ => {}
    }
}

/// Gives the focus back to the canvas (when the focused node goes).
fn focus_canvas() {
    if let Some(canvas) = document()
        .query_selector(".graph-canvas")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok())
    {
        let _ = canvas.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canvas_key_map() {
        assert_eq!(view_key("ArrowLeft"), Some(ViewKey::Pan(40.0, 0.0)));
        assert_eq!(view_key("ArrowDown"), Some(ViewKey::Pan(0.0, -40.0)));
        assert_eq!(view_key("="), Some(ViewKey::Zoom(1.25)));
        assert_eq!(view_key("_"), Some(ViewKey::Zoom(0.8)));
        assert_eq!(view_key("0"), Some(ViewKey::Fit));
        assert_eq!(view_key("Enter"), None);
    }

    #[test]
    fn arrows_move_a_node() {
        assert_eq!(node_step("ArrowUp"), Some((0.0, -NODE_STEP)));
        assert_eq!(node_step("ArrowRight"), Some((NODE_STEP, 0.0)));
        assert_eq!(node_step("Enter"), None);
    }
}
