//! The layout in motion: a few iterations per animation frame until the graph is at rest, and the
//! viewport that fits it.

use super::*;

/// How long the layout may run per animation frame, in milliseconds: at least this…
const LAYOUT_BUDGET_MS: f64 = 8.0;
/// …and at most this, when drawing a big graph makes frames long anyway (then the layout takes up to
/// half of each frame, so it comes to rest in fewer frames while the page still draws several a second).
const LAYOUT_BUDGET_MAX_MS: f64 = 40.0;

impl GraphState {
    /// Fits the whole graph into a `width` × `height` view.
    pub fn fit(&self, width: f32, height: f32) {
        if width <= 0.0 || height <= 0.0 {
            return;
        }
        if let Some(bounds) = self.with(|g| g.bounds()) {
            let (scale, (x, y)) = bounds.padded(60.0).fit(width, height);
            let scale = scale.min(2.0);
            // Centre again after capping the zoom.
            let cx = (bounds.min.0 + bounds.max.0) / 2.0;
            let cy = (bounds.min.1 + bounds.max.1) / 2.0;
            let (x, y) = if scale < 2.0 {
                (x, y)
            } else {
                (width / 2.0 - cx * scale, height / 2.0 - cy * scale)
            };
            self.viewport.set(Viewport { scale, x, y });
        }
    }

    /// Runs the layout a few iterations per animation frame until the graph is at rest.
    pub(super) fn animate(&self) {
        if self.animating.get_value() {
            return;
        }
        self.animating.set_value(true);
        if !self.settling.get_untracked() {
            self.settling.set(true);
        }
        self.frames.set_value((0, 0.0, 0.0));
        self.last_frame.set_value(now_ms());
        let this = *self;
        request_animation_frame(move || this.frame());
    }

    pub(super) fn frame(&self) {
        let started = now_ms();
        let frame_ms = started - self.last_frame.get_value();
        self.last_frame.set_value(started);
        // The first frame draws the nodes: the layout waits for later frames rather than delay it.
        let budget = if self.frames.with_value(|f| f.0 == 0) {
            LAYOUT_BUDGET_MS
        } else {
            (frame_ms / 2.0).clamp(LAYOUT_BUDGET_MS, LAYOUT_BUDGET_MAX_MS)
        };
        let mut at_rest = false;
        self.graph.update_value(|g| {
            self.layout.update_value(|layout| loop {
                let report = layout.step(g, 1);
                if report.at_rest || report.iterations == 0 {
                    at_rest = true;
                    break;
                }
                if now_ms() - started > budget {
                    break;
                }
            });
        });
        let laid_out = now_ms();
        // Only nodes that moved touch the page.
        let mut any = false;
        self.graph.with_value(|g| {
            self.positions.with_value(|p| {
                for n in g.nodes() {
                    if let Some(signal) = p.get(&n.key) {
                        if signal.get_untracked() != n.pos {
                            signal.set(n.pos);
                            any = true;
                        }
                    }
                }
            });
        });
        if any {
            self.moved.update(|m| *m += 1);
        }
        if self.auto_fit.get_untracked() {
            if let Some((w, h)) = self.canvas_size() {
                self.fit(w, h);
            }
        }
        let synced = now_ms();
        self.frames.update_value(|(n, layout, sync)| {
            *n += 1;
            *layout += laid_out - started;
            *sync += synced - laid_out;
        });
        if at_rest {
            self.animating.set_value(false);
            self.settling.set(false);
            // For the benchmark: how the layout's time was spent, on the canvas.
            let (n, layout, sync) = self.frames.get_value();
            if let Some(canvas) = document().query_selector(".graph-canvas").ok().flatten() {
                let _ = canvas.set_attribute(
                    "data-layout",
                    &format!("frames={n} layout_ms={layout:.0} update_ms={sync:.0}"),
                );
            }
            mark_when_painted("atp-graph-at-rest");
        } else {
            let this = *self;
            request_animation_frame(move || this.frame());
        }
    }
}
