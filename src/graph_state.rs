//! The investigation graph's state in the page: the core [`Graph`] and its [`Layout`], what is selected and
//! shown, and the operations the view calls (add, expand, remove, collapse, rebuild from the address).
//! Every expansion goes through [`request::send`], like any other call.

use std::collections::HashMap;

use atp_core::catalogue::graph_apis;
use atp_core::graph::{
    relation_results, synthetic, EntityFilter, Graph, Layout, NodeKey, Recipe, Step,
};
use atp_core::link::{with_graph, AppAddress, AppLocation, DemoData, GraphLink};
use atp_core::{Api, Entity, Profile, Query, Region, Route};
use leptos::prelude::*;
use serde_json::Value;

use crate::address;
use crate::connection::Connection;
use crate::platform::{mark, mark_when_painted, now_ms};
use crate::request::{self, Exchange};

mod animation;
mod expand;
mod history;

use expand::merge_page;
use history::Snapshot;

/// An expansion with more results than this adds the first ones and offers the rest ("more").
pub const EXPANSION_PAGE: usize = 50;

/// Pan and zoom: screen = world × scale + (x, y).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub scale: f32,
    pub x: f32,
    pub y: f32,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            scale: 1.0,
            x: 0.0,
            y: 0.0,
        }
    }
}

/// What a large expansion held back: results of the page already fetched, and the API's next page.
#[derive(Clone, Debug, Default)]
pub struct More {
    rest: Vec<Value>,
    next_link: Option<String>,
}

/// The graph view's state, shared through [`use_graph`].
#[derive(Clone, Copy)]
pub struct GraphState {
    graph: StoredValue<Graph>,
    layout: StoredValue<Layout>,
    /// Ticks whenever nodes, edges, labels or expansions change (not on layout moves).
    pub version: RwSignal<u64>,
    /// Each node's position, as the layout moves it; nodes and edges read only their own.
    positions: StoredValue<HashMap<NodeKey, ArcRwSignal<(f32, f32)>>>,
    /// Ticks whenever nodes moved (layout frames, drags): a big graph's edges, drawn as one path, follow it.
    pub moved: RwSignal<u64>,
    /// The profile whose routes the graph's expansions call.
    pub profile: RwSignal<Profile>,
    /// The demo dataset the graph was built from.
    dataset: StoredValue<DemoData>,
    pub selected: RwSignal<Option<NodeKey>>,
    /// The node an alert of the timeline points at.
    pub hovered: RwSignal<Option<NodeKey>>,
    pub filter: RwSignal<EntityFilter>,
    pub viewport: RwSignal<Viewport>,
    /// Fit the graph to the view as it grows, until the analyst pans or zooms.
    pub auto_fit: RwSignal<bool>,
    /// The Graph tab is the chosen result view.
    pub shown: RwSignal<bool>,
    /// The Graph tab was chosen once (the panel stays mounted after that).
    pub opened: RwSignal<bool>,
    /// What is under way or what went wrong, for the status line.
    pub status: RwSignal<Option<String>>,
    /// Requests under way.
    pub busy: RwSignal<usize>,
    /// Results of large expansions not added yet: (node, relation) → the rest.
    more: StoredValue<HashMap<(NodeKey, &'static str), More>>,
    /// Earlier graphs, for Back and Forward.
    snapshots: StoredValue<Vec<Snapshot>>,
    /// Bumped by a rebuild, so answers to an older graph are dropped.
    generation: StoredValue<u64>,
    animating: StoredValue<bool>,
    /// The layout is moving nodes (a big graph's labels wait for it to come to rest).
    pub settling: RwSignal<bool>,
    /// Since the layout last started: frames, milliseconds in the layout, milliseconds updating the page.
    frames: StoredValue<(u32, f64, f64)>,
    /// When the last layout frame started.
    last_frame: StoredValue<f64>,
    /// A benchmark's made-up graph: not written to the address.
    synthetic: StoredValue<bool>,
    /// The canvas's size on screen, while it is shown (kept by its ResizeObserver).
    canvas_size: StoredValue<Option<(f32, f32)>>,
    /// What expansions are sent through, like any other request.
    connection: Connection,
}

/// Provides the graph state to the components below (called by the explorer, with its connection).
pub fn provide_graph(connection: Connection) -> GraphState {
    let state = GraphState {
        graph: StoredValue::new(Graph::new(Api::Wdatp)),
        layout: StoredValue::new(Layout::new()),
        version: RwSignal::new(0),
        positions: StoredValue::new(HashMap::new()),
        moved: RwSignal::new(0),
        profile: RwSignal::new(Profile::Wdatp),
        dataset: StoredValue::new(DemoData::Normal),
        selected: RwSignal::new(None),
        hovered: RwSignal::new(None),
        filter: RwSignal::new(EntityFilter::ALL),
        viewport: RwSignal::new(Viewport::default()),
        auto_fit: RwSignal::new(true),
        shown: RwSignal::new(false),
        opened: RwSignal::new(false),
        status: RwSignal::new(None),
        busy: RwSignal::new(0),
        more: StoredValue::new(HashMap::new()),
        snapshots: StoredValue::new(Vec::new()),
        generation: StoredValue::new(0),
        animating: StoredValue::new(false),
        settling: RwSignal::new(false),
        frames: StoredValue::new((0, 0.0, 0.0)),
        last_frame: StoredValue::new(0.0),
        synthetic: StoredValue::new(false),
        canvas_size: StoredValue::new(None),
        connection,
    };
    provide_context(state);
    state
}

pub fn use_graph() -> GraphState {
    expect_context::<GraphState>()
}

impl GraphState {
    /// The address `href` with the current graph added (a pivot or a run keeps the investigation).
    pub fn keep_graph(&self, href: &str) -> String {
        with_graph(href, self.link().as_ref())
    }

    /// The graph canvas's size on screen, when it is shown.
    pub fn canvas_size(&self) -> Option<(f32, f32)> {
        self.canvas_size.get_value()
    }

    /// Keeps the canvas's size (its ResizeObserver calls this): reading it from the page mid-frame would
    /// force a layout of the whole drawing, the costliest step of a big graph's first paint.
    pub fn set_canvas_size(&self, width: f32, height: f32) {
        let size = (width > 0.0 && height > 0.0).then_some((width, height));
        self.canvas_size.set_value(size);
    }

    /// Reads the graph.
    pub fn with<T>(&self, f: impl FnOnce(&Graph) -> T) -> T {
        self.graph.with_value(f)
    }

    /// Reads the graph and tracks its changes (not layout moves).
    pub fn track<T>(&self, f: impl FnOnce(&Graph) -> T) -> T {
        self.version.track();
        self.graph.with_value(f)
    }

    /// A node's position signal (a fixed one for a node no longer there).
    pub fn position(&self, key: &NodeKey) -> ArcRwSignal<(f32, f32)> {
        self.positions
            .with_value(|p| p.get(key).cloned())
            .unwrap_or_else(|| ArcRwSignal::new((0.0, 0.0)))
    }

    /// The graph as the address carries it; `None` when empty or made up.
    pub fn link(&self) -> Option<GraphLink> {
        if self.synthetic.get_value() {
            return None;
        }
        let recipe = self.graph.with_value(|g| g.recipe().encode());
        (!recipe.is_empty()).then(|| GraphLink {
            profile: self.profile.get_untracked(),
            recipe,
        })
    }

    /// Moves a node where the analyst put it (a drag, or Shift + arrow keys) and pins it there: the
    /// layout no longer moves it.
    pub fn move_node(&self, key: &NodeKey, pos: (f32, f32)) {
        let mut moved = None;
        self.graph.update_value(|g| {
            if g.set_position(key, pos, true) {
                moved = g.node(key).map(|n| n.pos);
            }
        });
        if let Some(pos) = moved {
            self.auto_fit.set(false);
            self.positions.with_value(|p| {
                if let Some(signal) = p.get(key) {
                    signal.set(pos);
                }
            });
            self.moved.update(|m| *m += 1);
        }
    }

    /// Where a node is now.
    /// Where the graph's data comes from, for a report.
    pub fn source(&self) -> String {
        self.connection.source(self.profile.get_untracked())
    }

    pub fn position_of(&self, key: &NodeKey) -> Option<(f32, f32)> {
        self.with(|g| g.node(key).map(|n| n.pos))
    }

    /// Results of a large expansion not added yet.
    /// (results fetched but not added, whether the API has another page).
    pub fn more_of(&self, key: &NodeKey, relation: &'static str) -> (usize, bool) {
        self.more.with_value(|m| {
            m.get(&(key.clone(), relation)).map_or((0, false), |more| {
                (more.rest.len(), more.next_link.is_some())
            })
        })
    }

    /// Shows the Graph tab.
    pub fn open(&self) {
        self.opened.set(true);
        self.shown.set(true);
    }

    /// Takes in a change of the graph: positions for new nodes, views refreshed, layout started.
    fn touch(&self) {
        let keys: Vec<(NodeKey, (f32, f32))> = self
            .graph
            .with_value(|g| g.nodes().iter().map(|n| (n.key.clone(), n.pos)).collect());
        self.positions.update_value(|p| {
            let mut next = HashMap::with_capacity(keys.len());
            for (key, pos) in keys {
                let signal = p.remove(&key).unwrap_or_else(|| ArcRwSignal::new(pos));
                if signal.get_untracked() != pos {
                    signal.set(pos);
                }
                next.insert(key, signal);
            }
            *p = next;
        });
        let selected_gone = self
            .selected
            .with_untracked(|s| s.as_ref().is_some_and(|k| !self.with(|g| g.contains(k))));
        if selected_gone {
            self.selected.set(None);
        }
        if self.auto_fit.get_untracked() {
            // Before the nodes are drawn: a big graph's first paint is then at the zoom that shows it whole
            // (the canvas's usual size stands in while it is not on screen).
            let (w, h) = self.canvas_size().unwrap_or((860.0, 560.0));
            self.fit(w, h);
        }
        self.version.update(|v| *v += 1);
        self.animate();
    }

    /// Adds entities of one type as starts of the investigation (a card, or a whole result).
    pub fn add_starts(&self, entity: Entity, values: &[Value], profile: Profile) {
        let api = profile.api();
        // A Graph investigation also takes Defender's entities: they are the same machines, files, IPs...
        let (empty, same_api) = self.with(|g| (g.is_empty(), graph_apis(g.api()).contains(&api)));
        if (empty && !same_api) || self.synthetic.get_value() {
            self.reset(Graph::new(api), profile);
        } else if !same_api {
            self.status.set(Some(format!(
                "The graph holds entities of the {} API; clear it to start one with this result's.",
                self.with(Graph::api).label()
            )));
            return;
        }
        if empty {
            self.profile.set(profile);
            self.dataset
                .set_value(self.connection.dataset.get_untracked());
        }
        let mut added = 0;
        let mut last = None;
        self.keep_snapshot();
        self.graph.update_value(|g| {
            for value in values {
                if let Ok(key) = g.add_start(entity, value) {
                    added += 1;
                    last = Some(key);
                }
            }
        });
        if added == 0 {
            self.status.set(Some(format!(
                "Nothing added: no {} with an id here.",
                entity.singular()
            )));
            return;
        }
        self.status.set(None);
        self.auto_fit.set(true);
        self.touch();
        if added == 1 {
            self.selected.set(last);
        }
        self.record();
        self.open();
    }

    pub fn remove(&self, key: &NodeKey) {
        let mut removed = false;
        self.keep_snapshot();
        self.graph
            .update_value(|g| removed = g.remove_node(key).is_ok());
        if removed {
            self.more.update_value(|m| m.retain(|(k, _), _| k != key));
            self.touch();
            self.record();
        }
    }

    pub fn collapse(&self, key: &NodeKey, route: &'static Route) {
        let mut went = false;
        self.keep_snapshot();
        self.graph
            .update_value(|g| went = g.collapse(key, route).is_ok());
        if went {
            self.more
                .update_value(|m| m.retain(|(k, r), _| !(k == key && *r == route.key)));
            self.touch();
            self.record();
        }
    }

    /// Forgets the graph and every snapshot of it (sign-out: what the live API answered goes); the
    /// address's recipe holds ids only, and growing it again asks the API again.
    pub fn forget(&self) {
        self.snapshots.set_value(Vec::new());
        self.reset(
            Graph::new(self.profile.get_untracked().api()),
            self.profile.get_untracked(),
        );
    }

    /// Empties the graph (a history entry: Back brings it back).
    pub fn clear(&self) {
        self.keep_snapshot();
        self.reset(
            Graph::new(self.profile.get_untracked().api()),
            self.profile.get_untracked(),
        );
        self.record();
    }

    fn reset(&self, graph: Graph, profile: Profile) {
        self.generation.update_value(|g| *g += 1);
        self.graph.set_value(graph);
        self.layout.set_value(Layout::new());
        self.more.update_value(HashMap::clear);
        self.synthetic.set_value(false);
        self.profile.set(profile);
        self.selected.set(None);
        self.hovered.set(None);
        self.auto_fit.set(true);
        self.touch();
    }

    /// Loads a made-up graph of about `nodes` nodes (the benchmark's `?graph-synthetic=1000`).
    pub fn load_synthetic(&self, nodes: usize) {
        let started = now_ms();
        mark("atp-graph-start");
        let graph = synthetic(nodes, 3, 7);
        mark("atp-graph-built");
        self.reset(graph, Profile::Defender(Region::Global));
        self.synthetic.set_value(true);
        self.status.set(Some(format!(
            "A made-up graph of {} nodes and {} edges (built in {:.0} ms).",
            self.with(|g| g.nodes().len()),
            self.with(|g| g.edges().len()),
            now_ms() - started
        )));
        self.open();
        mark_when_painted("atp-graph-painted");
    }
}
