//! The pointer on the canvas: a press is a click until it moves; then it pans the drawing (on the
//! background) or moves a node (on a node, which stays pinned where it is let go).

use atp_core::graph::NodeKey;
use leptos::prelude::*;

use super::view_box::pan;
use super::Surface;

/// A pointer this far from where it was pressed, in pixels, drags rather than clicks.
const DRAG_SLOP: f32 = 3.0;

/// What the pointer held down on the canvas is doing.
#[derive(Clone, Debug)]
pub(super) enum Drag {
    /// Pressed at (x, y), not moved yet: a click unless it moves. On a node: the node and where it was.
    Pressed {
        x: f32,
        y: f32,
        node: Option<(NodeKey, (f32, f32))>,
    },
    /// Panning: the drawing follows the pointer by a CSS transform of the `<svg>` (the compositor moves
    /// it, nothing is drawn again), committed to the view when the pointer is let go.
    Pan { x: f32, y: f32, dx: f32, dy: f32 },
    /// Moving a node, which stays pinned where it is let go.
    Node {
        x: f32,
        y: f32,
        key: NodeKey,
        from: (f32, f32),
    },
}

impl Surface {
    /// A press: takes the node it was on (the node told it first, in the same event), if any.
    pub(super) fn on_pointerdown(self, ev: web_sys::PointerEvent) {
        self.settle_zoom();
        let node = self.pressed.0.try_update_value(Option::take).flatten();
        if ev.button() != 0 {
            return;
        }
        self.drag.set_value(Some(Drag::Pressed {
            x: ev.client_x() as f32,
            y: ev.client_y() as f32,
            node,
        }));
    }

    /// A move while pressed: starts a drag past the slop, then pans or moves the node.
    pub(super) fn on_pointermove(self, ev: web_sys::PointerEvent) {
        let Some(now) = self.drag.get_value() else {
            return;
        };
        let (cx, cy) = (ev.client_x() as f32, ev.client_y() as f32);
        let Some(next) = self.next_drag(now, &ev, cx, cy) else {
            return;
        };
        match &next {
            Drag::Pan { dx, dy, .. } => self.shift(&format!("translate({dx}px, {dy}px)")),
            Drag::Node { x, y, key, from } => {
                let scale = self.state.viewport.with_untracked(|v| v.scale);
                self.state
                    .move_node(key, (from.0 + (cx - x) / scale, from.1 + (cy - y) / scale));
            }
            Drag::Pressed { .. } => {}
        }
        self.drag.set_value(Some(next));
    }

    /// What the drag becomes with the pointer at (`cx`, `cy`); none while a press is within the slop.
    fn next_drag(self, now: Drag, ev: &web_sys::PointerEvent, cx: f32, cy: f32) -> Option<Drag> {
        Some(match now {
            Drag::Pressed { x, y, node } => {
                if (cx - x).abs() + (cy - y).abs() <= DRAG_SLOP {
                    return None;
                }
                // Only now: capturing on press would send the click of a node to the canvas.
                if let Some(svg) = self.canvas.get_untracked() {
                    let _ = svg.set_pointer_capture(ev.pointer_id());
                }
                match node {
                    Some((key, from)) => Drag::Node { x, y, key, from },
                    None => Drag::Pan {
                        x,
                        y,
                        dx: 0.0,
                        dy: 0.0,
                    },
                }
            }
            Drag::Pan { x, y, .. } => Drag::Pan {
                x,
                y,
                dx: cx - x,
                dy: cy - y,
            },
            node @ Drag::Node { .. } => node,
        })
    }

    /// The pointer let go (or lost): a pan is committed to the view.
    pub(super) fn end_drag(self) {
        if let Some(Drag::Pan { dx, dy, .. }) = self.drag.try_update_value(Option::take).flatten() {
            // The view takes the offset and the CSS transform goes, before the next frame draws.
            pan(self.state, dx, dy);
            self.shift("");
        }
    }
}
