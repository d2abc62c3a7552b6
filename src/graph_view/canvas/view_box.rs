//! The view box: pan and zoom of the drawing, the wheel zoom shown by a CSS transform until the wheel
//! rests, fitting the graph to the view, and the canvas's size.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Surface;
use crate::graph_state::GraphState;
use crate::graph_state::Viewport;

/// The zoom's limits.
const MIN_SCALE: f32 = 0.02;
const MAX_SCALE: f32 = 8.0;
/// How much one wheel notch zooms.
const WHEEL_FACTOR: f32 = 1.15;
/// A wheel quiet for this long has come to rest: its zoom is committed to the view.
const WHEEL_REST: std::time::Duration = std::time::Duration::from_millis(150);

/// A wheel zoom under way, screen → s × screen + (tx, ty): shown by a CSS transform, committed to the
/// view once the wheel rests (each notch would otherwise draw the whole graph again).
#[derive(Clone, Copy)]
pub(super) struct WheelZoom {
    pending: StoredValue<Option<(f32, f32, f32)>>,
    /// Counts the notches, so a notch's timer knows whether a later one came.
    notches: StoredValue<u32>,
}

impl WheelZoom {
    pub(super) fn new() -> Self {
        WheelZoom {
            pending: StoredValue::new(None),
            notches: StoredValue::new(0),
        }
    }
}

/// Zooms by `factor` about the screen point (`px`, `py`).
pub(super) fn zoom_at(state: GraphState, factor: f32, px: f32, py: f32) {
    state.auto_fit.set(false);
    state
        .viewport
        .update(|v| *v = zoomed_about(*v, factor, px, py));
}

/// Zooms by `factor` about the canvas's centre.
pub(in crate::graph_view) fn zoom_centre(state: GraphState, factor: f32) {
    let (w, h) = state.canvas_size().unwrap_or((800.0, 560.0));
    zoom_at(state, factor, w / 2.0, h / 2.0);
}

/// Moves the drawing by (`dx`, `dy`) screen pixels.
pub(super) fn pan(state: GraphState, dx: f32, dy: f32) {
    state.auto_fit.set(false);
    state.viewport.update(|v| {
        v.x += dx;
        v.y += dy;
    });
}

/// Fits the graph to the view, and keeps it fitted (as the layout moves and the canvas resizes).
pub(in crate::graph_view) fn fit_to_view(state: GraphState) {
    state.auto_fit.set(true);
    refit(state);
}

/// Fits the graph to the canvas, if its size is known.
pub(in crate::graph_view) fn refit(state: GraphState) {
    if let Some((w, h)) = state.canvas_size() {
        state.fit(w, h);
    }
}

/// The transform of the group holding the drawing.
pub(super) fn transform(state: GraphState) -> String {
    let v = state.viewport.get();
    format!("translate({} {}) scale({})", v.x, v.y, v.scale)
}

/// The canvas's size comes from a ResizeObserver (told after the page's layout, never forcing one);
/// while the graph fits itself to the view, a new size fits it again.
pub(super) fn observe_size(state: GraphState, frame: NodeRef<leptos::html::Div>) {
    Effect::new(move |_| {
        let Some(element) = frame.get() else {
            return;
        };
        let on_resize = wasm_bindgen::closure::Closure::<dyn Fn(js_sys::Array)>::new(
            move |entries: js_sys::Array| {
                let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() else {
                    return;
                };
                let rect = entry.content_rect();
                state.set_canvas_size(rect.width() as f32, rect.height() as f32);
                if state.auto_fit.get_untracked() {
                    refit(state);
                }
            },
        );
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&element);
        }
        // The panel, once shown, stays for the page's life: so do the observer and its callback.
        on_resize.forget();
    });
}

impl Surface {
    /// Sets the CSS transform that moves the drawing while it is dragged or zoomed ("" = none).
    pub(super) fn shift(self, css: &str) {
        if let Some(svg) = self.canvas.get_untracked() {
            let _ = svg.style().set_property("transform", css);
        }
    }

    /// Commits a wheel zoom under way to the view, and drops its CSS transform.
    pub(super) fn settle_zoom(self) {
        if let Some(zoom) = self.zoom.pending.try_update_value(Option::take).flatten() {
            self.state.auto_fit.set(false);
            self.state.viewport.update(|v| *v = settled(*v, zoom));
            self.shift("");
        }
    }

    /// A wheel notch zooms about the pointer: at once while dragging, else by the CSS transform until
    /// the wheel rests.
    pub(super) fn on_wheel(self, ev: web_sys::WheelEvent) {
        ev.prevent_default();
        let (px, py) = self.wheel_point(&ev);
        let factor = if ev.delta_y() < 0.0 {
            WHEEL_FACTOR
        } else {
            1.0 / WHEEL_FACTOR
        };
        if self.drag.with_value(Option::is_some) {
            self.settle_zoom();
            zoom_at(self.state, factor, px, py);
            return;
        }
        let state = self.state;
        state.auto_fit.set(false);
        let scale = state.viewport.with_untracked(|v| v.scale);
        let zoom = self.zoom.pending.get_value().unwrap_or((1.0, 0.0, 0.0));
        let (s, tx, ty) = wheel_step(scale, zoom, factor, px, py);
        self.zoom.pending.set_value(Some((s, tx, ty)));
        self.shift(&format!("matrix({s}, 0, 0, {s}, {tx}, {ty})"));
        let notches = self.zoom.notches;
        let notch = notches.get_value().wrapping_add(1);
        notches.set_value(notch);
        set_timeout(
            move || {
                if notches.get_value() == notch {
                    self.settle_zoom();
                }
            },
            WHEEL_REST,
        );
    }

    /// Where the wheel points, in the frame's box, not the <svg>'s: a zoom under way transforms the latter.
    fn wheel_point(self, ev: &web_sys::WheelEvent) -> (f32, f32) {
        match self.frame.get_untracked() {
            Some(f) => {
                let r = f.get_bounding_client_rect();
                (
                    (f64::from(ev.client_x()) - r.left() - f64::from(f.client_left())) as f32,
                    (f64::from(ev.client_y()) - r.top() - f64::from(f.client_top())) as f32,
                )
            }
            None => local_point(ev),
        }
    }
}

/// The pointer's position inside the element that handles the event.
fn local_point(ev: &web_sys::MouseEvent) -> (f32, f32) {
    let rect = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|e| e.get_bounding_client_rect());
    match rect {
        Some(r) => (
            (f64::from(ev.client_x()) - r.left()) as f32,
            (f64::from(ev.client_y()) - r.top()) as f32,
        ),
        None => (ev.client_x() as f32, ev.client_y() as f32),
    }
}

/// `v` zoomed by `factor` (within the zoom's limits) about the screen point (`px`, `py`), which stays put.
fn zoomed_about(v: Viewport, factor: f32, px: f32, py: f32) -> Viewport {
    let scale = (v.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
    let f = scale / v.scale;
    Viewport {
        scale,
        x: px - (px - v.x) * f,
        y: py - (py - v.y) * f,
    }
}

/// A wheel zoom under way (`zoom` = (s, tx, ty) on a view of `scale`) after one more notch of `factor`
/// about (`px`, `py`), keeping the scale it leads to within the zoom's limits.
fn wheel_step(scale: f32, zoom: (f32, f32, f32), factor: f32, px: f32, py: f32) -> (f32, f32, f32) {
    let (s, tx, ty) = zoom;
    let f = (scale * s * factor).clamp(MIN_SCALE, MAX_SCALE) / (scale * s);
    (s * f, f * tx + px * (1.0 - f), f * ty + py * (1.0 - f))
}

/// The view once the wheel zoom (s, tx, ty) is committed to it.
fn settled(v: Viewport, (s, tx, ty): (f32, f32, f32)) -> Viewport {
    Viewport {
        scale: v.scale * s,
        x: s * v.x + tx,
        y: s * v.y + ty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(v: Viewport, (x, y): (f32, f32)) -> (f32, f32) {
        (x * v.scale + v.x, y * v.scale + v.y)
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer() {
        let v = Viewport {
            scale: 1.5,
            x: 30.0,
            y: -20.0,
        };
        let world = ((200.0 - v.x) / v.scale, (100.0 - v.y) / v.scale);
        let z = zoomed_about(v, 1.25, 200.0, 100.0);
        assert!((z.scale - 1.875).abs() < 1e-6);
        let (x, y) = screen(z, world);
        assert!((x - 200.0).abs() < 1e-3 && (y - 100.0).abs() < 1e-3);
    }

    #[test]
    fn zoom_stops_at_its_limits() {
        let v = Viewport::default();
        assert_eq!(zoomed_about(v, 100.0, 0.0, 0.0).scale, MAX_SCALE);
        assert_eq!(zoomed_about(v, 0.0001, 0.0, 0.0).scale, MIN_SCALE);
        let (s, _, _) = wheel_step(MAX_SCALE, (1.0, 0.0, 0.0), WHEEL_FACTOR, 5.0, 5.0);
        assert!((s - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_settled_wheel_zoom_is_the_zoom_it_showed() {
        let v = Viewport {
            scale: 0.8,
            x: 12.0,
            y: 7.0,
        };
        let mut zoom = (1.0, 0.0, 0.0);
        for _ in 0..3 {
            zoom = wheel_step(v.scale, zoom, WHEEL_FACTOR, 150.0, 90.0);
        }
        let after = settled(v, zoom);
        let mut stepwise = v;
        for _ in 0..3 {
            stepwise = zoomed_about(stepwise, WHEEL_FACTOR, 150.0, 90.0);
        }
        assert!((after.scale - stepwise.scale).abs() < 1e-4);
        assert!((after.x - stepwise.x).abs() < 1e-2 && (after.y - stepwise.y).abs() < 1e-2);
    }
}
