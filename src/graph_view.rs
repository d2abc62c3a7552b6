//! The investigation graph view: entities as SVG nodes (keyed, focusable, named `<type>: <label>`),
//! relations as edges, a side panel with the selected entity's card and expansions, and an alert timeline.
//! The graph itself (merge, layout, recipe, exports) is `atp_core::graph`; this file wires it to the page.
//! Everything from the API is rendered as text nodes or attribute values; nothing goes through inner HTML.

mod add_to_graph;
mod side_panel;
mod state;
mod timeline;
mod toolbar;

use atp_core::catalogue::relations;
use atp_core::graph::NodeKey;
use atp_core::Entity;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use add_to_graph::{AddToGraph, CardSource};
use side_panel::NodeDetails;
pub use state::{provide_graph, use_graph, GraphState};
use timeline::AlertTimeline;
use toolbar::Toolbar;

/// Up to this many edges, each is drawn with its label and a tooltip; beyond, all are one path (thousands
/// of elements would make the first paint slow), and the side panel names a node's relations.
const EDGE_LABELS_UP_TO: usize = 150;
/// The Graph tab's content.
#[component]
pub fn GraphPanel() -> impl IntoView {
    let state = use_graph();
    let empty = move || state.track(|g| g.is_empty());
    // The path from the selected node back to where the investigation started.
    let path = Memo::new(move |_| match state.selected.get() {
        Some(key) => state.track(|g| g.path_to_start(&key)),
        None => Vec::new(),
    });
    provide_context(OnPath(path));
    // Fit when the panel shows (its size is known only then).
    Effect::new(move |_| {
        if state.shown.get() && state.auto_fit.get_untracked() {
            request_animation_frame(move || {
                if let Some((w, h)) = state.canvas_size() {
                    state.fit(w, h);
                }
            });
        }
    });
    view! {
        <div class="graph-panel">
            <Toolbar/>
            <p class="graph-status" role="status">
                {move || state.status.get()}
                {move || (state.busy.get() > 0).then_some(" (working…)")}
            </p>
            <Show when=empty>
                <p class="hint">
                    "The graph is empty. Use \u{201c}Add to graph\u{201d} on a card, or \u{201c}Add all to graph\u{201d} above the cards."
                </p>
            </Show>
            <div class="graph-main" class:hidden=empty>
                <Canvas/>
                <aside class="graph-side" aria-label="Selected entity">
                    {move || match state.selected.get() {
                        Some(key) => view! { <NodeDetails key/> }.into_any(),
                        None => view! { <p class="hint">"Select a node to see its card and expand it."</p> }.into_any(),
                    }}
                </aside>
            </div>
            <AlertTimeline/>
        </div>
    }
}

#[derive(Clone, Copy)]
struct OnPath(Memo<Vec<NodeKey>>);

/// The view is zoomed out so far that labels are left out.
#[derive(Clone, Copy)]
struct Far(Memo<bool>);

/// The zoom's limits.
const MIN_SCALE: f32 = 0.02;
const MAX_SCALE: f32 = 8.0;
/// Below this zoom, node labels are left out.
const FAR_SCALE: f32 = 0.45;
/// Graphs of more nodes than this show labels only once the layout is at rest.
const LABELS_WAIT_ABOVE: usize = 200;
/// How far Shift + an arrow key moves a node, in graph units.
const NODE_STEP: f32 = 20.0;

/// Zooms by `factor` about the screen point (`px`, `py`).
fn zoom_at(state: GraphState, factor: f32, px: f32, py: f32) {
    state.auto_fit.set(false);
    state.viewport.update(|v| {
        let scale = (v.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        let f = scale / v.scale;
        v.x = px - (px - v.x) * f;
        v.y = py - (py - v.y) * f;
        v.scale = scale;
    });
}

/// Fits the graph to the view, and keeps it fitted (as the layout moves and the canvas resizes).
fn fit_to_view(state: GraphState) {
    state.auto_fit.set(true);
    if let Some((w, h)) = state.canvas_size() {
        state.fit(w, h);
    }
}

/// Zooms by `factor` about the canvas's centre.
fn zoom_centre(state: GraphState, factor: f32) {
    let (w, h) = state.canvas_size().unwrap_or((800.0, 560.0));
    zoom_at(state, factor, w / 2.0, h / 2.0);
}

fn pan(state: GraphState, dx: f32, dy: f32) {
    state.auto_fit.set(false);
    state.viewport.update(|v| {
        v.x += dx;
        v.y += dy;
    });
}

/// What the pointer held down on the canvas is doing.
#[derive(Clone, Debug)]
enum Drag {
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

/// The node a pointer was just pressed on (set by the node, taken by the canvas in the same event).
#[derive(Clone, Copy)]
struct PressedNode(StoredValue<Option<(NodeKey, (f32, f32))>>);

/// A pointer this far from where it was pressed, in pixels, drags rather than clicks.
const DRAG_SLOP: f32 = 3.0;

/// The SVG drawing: edges under nodes, inside one pan-and-zoom group.
#[component]
fn Canvas() -> impl IntoView {
    let state = use_graph();
    let OnPath(path) = expect_context::<OnPath>();
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
        path.with(|p| {
            let on_path = |e: &atp_core::graph::Edge| {
                p.windows(2)
                    .any(|w| (w[0] == e.from && w[1] == e.to) || (w[0] == e.to && w[1] == e.from))
            };
            state.track(|g| g.edge_path(filter, |e| on_path(e) == on))
        })
    };
    // A big graph's labels also wait for its layout to come to rest: made for a thousand nodes at once
    // they would double its first paint, and be moved in every frame of the layout.
    let far = Memo::new(move |_| {
        state.viewport.with(|v| v.scale < FAR_SCALE)
            || (state.settling.get() && state.track(|g| g.nodes().len() > LABELS_WAIT_ABOVE))
    });
    provide_context(Far(far));
    let pressed = PressedNode(StoredValue::new(None));
    provide_context(pressed);
    let drag = StoredValue::new(None::<Drag>);
    let canvas = NodeRef::<leptos::svg::Svg>::new();
    let frame = NodeRef::<leptos::html::Div>::new();
    // The canvas's size comes from a ResizeObserver (told after the page's layout, never forcing one);
    // while the graph fits itself to the view, a new size fits it again.
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
                    if let Some((w, h)) = state.canvas_size() {
                        state.fit(w, h);
                    }
                }
            },
        );
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&element);
        }
        // The panel, once shown, stays for the page's life: so do the observer and its callback.
        on_resize.forget();
    });
    let transform = move || {
        let v = state.viewport.get();
        format!("translate({} {}) scale({})", v.x, v.y, v.scale)
    };
    // The CSS transform that moves the drawing while it is dragged or zoomed ("" = none).
    let shift = move |css: &str| {
        if let Some(svg) = canvas.get_untracked() {
            let _ = svg.style().set_property("transform", css);
        }
    };
    // A wheel zoom under way, screen → s × screen + (tx, ty): shown by a CSS transform, committed to the
    // view once the wheel rests (each notch would otherwise draw the whole graph again).
    let zooming = StoredValue::new(None::<(f32, f32, f32)>);
    let notches = StoredValue::new(0u32);
    let settle_zoom = move || {
        if let Some((s, tx, ty)) = zooming.try_update_value(Option::take).flatten() {
            state.auto_fit.set(false);
            state.viewport.update(|v| {
                v.scale *= s;
                v.x = s * v.x + tx;
                v.y = s * v.y + ty;
            });
            shift("");
        }
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        settle_zoom();
        let step = 40.0;
        match ev.key().as_str() {
            "ArrowLeft" => pan(state, step, 0.0),
            "ArrowRight" => pan(state, -step, 0.0),
            "ArrowUp" => pan(state, 0.0, step),
            "ArrowDown" => pan(state, 0.0, -step),
            "+" | "=" => zoom_centre(state, 1.25),
            "-" | "_" => zoom_centre(state, 0.8),
            "0" => {
                state.auto_fit.set(true);
                if let Some((w, h)) = state.canvas_size() {
                    state.fit(w, h);
                }
            }
            _ => return,
        }
        ev.prevent_default();
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        // The frame's box, not the <svg>'s: a zoom under way transforms the latter.
        let (px, py) = match frame.get_untracked() {
            Some(f) => {
                let r = f.get_bounding_client_rect();
                (
                    (f64::from(ev.client_x()) - r.left() - f64::from(f.client_left())) as f32,
                    (f64::from(ev.client_y()) - r.top() - f64::from(f.client_top())) as f32,
                )
            }
            None => local_point(&ev),
        };
        let factor = if ev.delta_y() < 0.0 { 1.15 } else { 1.0 / 1.15 };
        if drag.with_value(Option::is_some) {
            settle_zoom();
            zoom_at(state, factor, px, py);
            return;
        }
        state.auto_fit.set(false);
        let scale = state.viewport.with_untracked(|v| v.scale);
        let (s, tx, ty) = zooming.get_value().unwrap_or((1.0, 0.0, 0.0));
        let f = (scale * s * factor).clamp(MIN_SCALE, MAX_SCALE) / (scale * s);
        let (s, tx, ty) = (s * f, f * tx + px * (1.0 - f), f * ty + py * (1.0 - f));
        zooming.set_value(Some((s, tx, ty)));
        shift(&format!("matrix({s}, 0, 0, {s}, {tx}, {ty})"));
        let notch = notches.get_value().wrapping_add(1);
        notches.set_value(notch);
        set_timeout(
            move || {
                if notches.get_value() == notch {
                    settle_zoom();
                }
            },
            std::time::Duration::from_millis(150),
        );
    };
    let on_pointerdown = move |ev: web_sys::PointerEvent| {
        settle_zoom();
        let node = pressed.0.try_update_value(Option::take).flatten();
        if ev.button() != 0 {
            return;
        }
        drag.set_value(Some(Drag::Pressed {
            x: ev.client_x() as f32,
            y: ev.client_y() as f32,
            node,
        }));
    };
    let on_pointermove = move |ev: web_sys::PointerEvent| {
        let Some(now) = drag.get_value() else {
            return;
        };
        let (cx, cy) = (ev.client_x() as f32, ev.client_y() as f32);
        let next = match now {
            Drag::Pressed { x, y, node } => {
                if (cx - x).abs() + (cy - y).abs() <= DRAG_SLOP {
                    return;
                }
                // Only now: capturing on press would send the click of a node to the canvas.
                if let Some(svg) = canvas.get_untracked() {
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
        };
        match &next {
            Drag::Pan { dx, dy, .. } => shift(&format!("translate({dx}px, {dy}px)")),
            Drag::Node { x, y, key, from } => {
                let scale = state.viewport.with_untracked(|v| v.scale);
                state.move_node(key, (from.0 + (cx - x) / scale, from.1 + (cy - y) / scale));
            }
            Drag::Pressed { .. } => {}
        }
        drag.set_value(Some(next));
    };
    let end_drag = move |_: web_sys::PointerEvent| {
        if let Some(Drag::Pan { dx, dy, .. }) = drag.try_update_value(Option::take).flatten() {
            // The view takes the offset and the CSS transform goes, before the next frame draws.
            pan(state, dx, dy);
            shift("");
        }
    };
    view! {
        <div class="graph-frame" node_ref=frame>
            <svg
                class="graph-canvas"
                class:far=far
                role="group"
                aria-label="Investigation graph"
                aria-describedby="graph-keys"
                // While the layout moves nodes.
                aria-busy=move || state.settling.get().to_string()
                tabindex="0"
                node_ref=canvas
                on:keydown=on_keydown
                on:wheel=on_wheel
                on:pointerdown=on_pointerdown
                on:pointermove=on_pointermove
                on:pointerup=end_drag
                on:pointercancel=end_drag
            >
                <g transform=transform>
                    <g class="gedges">
                        <Show when=move || big.get()>
                            <path class="gedge bulk" d=move || bulk(false)/>
                            <path class="gedge bulk on-path" d=move || bulk(true)/>
                        </Show>
                        <For each=edges key=|e| e.clone() let:edge>
                            <GraphEdge from=edge.0 to=edge.1 relation=edge.2/>
                        </For>
                    </g>
                    <g class="gnodes">
                        <For each=nodes key=|k| k.clone() let:key>
                            <GraphNode key/>
                        </For>
                    </g>
                </g>
            </svg>
        </div>
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

/// A relation between two nodes of a small graph: a line labelled by its route, with a tooltip.
#[component]
fn GraphEdge(from: NodeKey, to: NodeKey, relation: &'static str) -> impl IntoView {
    let state = use_graph();
    let OnPath(path) = expect_context::<OnPath>();
    let a = state.position(&from);
    let b = state.position(&to);
    let on_path = move || {
        path.with(|p| {
            p.windows(2)
                .any(|w| (w[0] == from && w[1] == to) || (w[0] == to && w[1] == from))
        })
    };
    let short = relation.split_once('.').map_or(relation, |(_, r)| r);
    let text = {
        let (a, b) = (a.clone(), b.clone());
        let (a3, b3) = (a.clone(), b.clone());
        view! {
            <text
                class="elabel"
                text-anchor="middle"
                x=move || (a.get().0 + b.get().0) / 2.0
                y=move || (a3.get().1 + b3.get().1) / 2.0 - 3.0
            >
                {short}
            </text>
        }
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
    }
}

/// One entity: a focusable button named `<entity type>: <label>`.
#[component]
fn GraphNode(key: NodeKey) -> impl IntoView {
    let state = use_graph();
    let OnPath(path) = expect_context::<OnPath>();
    let entity = key.entity();
    let pos = state.position(&key);
    let info = {
        let key = key.clone();
        Memo::new(move |_| {
            state.track(|g| {
                g.node(&key).map(|n| {
                    (
                        n.label.clone(),
                        n.start,
                        n.expansions.len(),
                        n.expansions
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
                    )
                })
            })
        })
    };
    let label = move || info.with(|i| i.as_ref().map(|i| i.0.clone()).unwrap_or_default());
    let total = relations(state.with(|g| g.api()), entity).count();
    let class = {
        let key = key.clone();
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
            if info.with(|i| i.as_ref().is_some_and(|i| i.1)) {
                class.push_str(" start");
            }
            class
        }
    };
    let Far(far) = expect_context::<Far>();
    // Zoomed far out the badge is hidden: not even made then (a big graph's first paint is far out).
    let badge = move || {
        let done = info.with(|i| i.as_ref().map_or(0, |i| i.2));
        (!far.get() && total > 0 && done > 0).then(|| format!("{done}/{total}"))
    };
    // Which expansions are done and what each added, for screen readers (the badge shows the count).
    let description = move || {
        info.with(|i| match i {
            Some((_, _, done, what)) if *done > 0 => {
                format!("{done} of {total} expansions done: {what}")
            }
            _ if total > 0 => format!("not expanded yet; {total} expansions available"),
            _ => String::new(),
        })
    };
    // Zoomed far out, labels are unreadable and the most costly part to draw: only the selected and the
    // pointed-at node keep theirs.
    let show_label = {
        let key = key.clone();
        move || {
            !far.get()
                || state.selected.with(|s| s.as_ref() == Some(&key))
                || state.hovered.with(|h| h.as_ref() == Some(&key))
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
    let on_keydown = {
        let key = key.clone();
        move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
            // Shift + arrow keys move the node (and pin it), as dragging it does.
            arrow @ ("ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") if ev.shift_key() => {
                ev.prevent_default();
                ev.stop_propagation();
                let (dx, dy) = match arrow {
                    "ArrowLeft" => (-NODE_STEP, 0.0),
                    "ArrowRight" => (NODE_STEP, 0.0),
                    "ArrowUp" => (0.0, -NODE_STEP),
                    _ => (0.0, NODE_STEP),
                };
                if let Some((x, y)) = state.position_of(&key) {
                    state.move_node(&key, (x + dx, y + dy));
                }
            }
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
                state.remove(&key);
                focus_canvas();
            }
            _ => {}
        }
    };
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
        >
            <path class="shape" d=shape(entity)/>
            {move || badge().map(|b| view! { <text class="gbadge" x="14" y="-12" aria-hidden="true">{b}</text> })}
            {move || show_label().then(|| view! { <text class="glabel" y="26" text-anchor="middle" aria-hidden="true">{label}</text> })}
        </g>
    }
}

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

/// Saves `text` as a file: a Blob, its object URL, and a click on a temporary `<a download>`; a refusal
/// shows in the graph's status line.
fn download(state: GraphState, name: &str, mime: &str, text: &str) {
    let saved = (|| -> Result<(), wasm_bindgen::JsValue> {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let link: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
        link.set_href(&url);
        link.set_download(name);
        link.click();
        // The download has started from the URL by the time this runs.
        set_timeout(
            move || {
                let _ = web_sys::Url::revoke_object_url(&url);
            },
            std::time::Duration::from_secs(10),
        );
        Ok(())
    })();
    if saved.is_err() {
        state
            .status
            .set(Some("The browser refused to save the file.".to_string()));
    }
}
