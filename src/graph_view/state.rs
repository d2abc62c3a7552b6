//! The investigation graph's state in the page: the core [`Graph`] and its [`Layout`], what is selected and
//! shown, and the operations the view calls (add, expand, remove, collapse, rebuild from the address).
//! Every expansion goes through [`request::send`], like any other call.

use std::collections::HashMap;

use atp_core::graph::{results_of, synthetic, EntityFilter, Graph, Layout, NodeKey, Recipe, Step};
use atp_core::link::{with_graph, AppAddress, AppLocation, DemoData, GraphLink};
use atp_core::{Api, Entity, Profile, Query, Region, Route};
use leptos::prelude::*;
use serde_json::Value;

use crate::address;
use crate::connection::Connection;
use crate::platform::{mark_when_painted, now_ms};
use crate::request::{self, Exchange};

/// An expansion with more results than this adds the first ones and offers the rest ("more").
pub const EXPANSION_PAGE: usize = 50;

/// How long the layout may run per animation frame, in milliseconds: at least this…
const LAYOUT_BUDGET_MS: f64 = 8.0;
/// …and at most this, when drawing a big graph makes frames long anyway (then the layout takes up to
/// half of each frame, so it comes to rest in fewer frames while the page still draws several a second).
const LAYOUT_BUDGET_MAX_MS: f64 = 40.0;

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

/// A graph as it was, so Back (and Forward) can bring it back as the analyst left it, without fetching.
#[derive(Clone)]
struct Snapshot {
    profile: Profile,
    dataset: DemoData,
    graph: Graph,
    more: HashMap<(NodeKey, &'static str), More>,
}

/// Graphs kept for Back and Forward, newest last.
const SNAPSHOTS: usize = 24;

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

    /// Keeps the graph as it is now (before a change, or before Back or Forward takes it away).
    fn keep_snapshot(&self) {
        if self.synthetic.get_value() {
            return;
        }
        let snapshot = Snapshot {
            profile: self.profile.get_untracked(),
            dataset: self.dataset.get_value(),
            graph: self.graph.get_value(),
            more: self.more.get_value(),
        };
        if snapshot.graph.is_empty() {
            return;
        }
        self.snapshots.update_value(|all| {
            all.retain(|s| {
                !(s.profile == snapshot.profile
                    && s.dataset == snapshot.dataset
                    && s.graph.recipe() == snapshot.graph.recipe())
            });
            all.push(snapshot);
            if all.len() > SNAPSHOTS {
                all.remove(0);
            }
        });
    }

    /// Brings back a kept graph with this recipe, if there is one.
    fn restore(&self, profile: Profile, dataset: DemoData, recipe: &Recipe) -> bool {
        let Some(found) = self.snapshots.with_value(|all| {
            all.iter()
                .rev()
                .find(|s| {
                    s.profile == profile && s.dataset == dataset && s.graph.recipe() == recipe
                })
                .cloned()
        }) else {
            return false;
        };
        self.keep_snapshot();
        self.generation.update_value(|g| *g += 1);
        self.graph.set_value(found.graph);
        self.more.set_value(found.more);
        self.dataset.set_value(dataset);
        self.profile.set(profile);
        self.status.set(None);
        self.touch();
        true
    }

    /// Records the graph in the address: a new history entry, so Back undoes the change.
    fn record(&self) {
        let mut address = AppAddress::parse(&address::search());
        address.set_graph(self.link().as_ref());
        address::push(&address.write());
    }

    /// Adds entities of one type as starts of the investigation (a card, or a whole result).
    pub fn add_starts(&self, entity: Entity, values: &[Value], profile: Profile) {
        let api = profile.api();
        let (empty, same_api) = self.with(|g| (g.is_empty(), g.api() == api));
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

    /// Expands `key` along `route`: one request through the normal path, its results merged.
    pub async fn expand(&self, key: NodeKey, route: &'static Route) {
        let Some(query) =
            self.with(|g| g.expansion_query(self.profile.get_untracked(), &key, route))
        else {
            return;
        };
        let generation = self.generation.get_value();
        self.busy.update(|b| *b += 1);
        self.status
            .set(Some(format!("Expanding {}…", route.relation_label())));
        let outcome = self.fetch(&query).await;
        self.busy.update(|b| *b = b.saturating_sub(1));
        if self.generation.get_value() != generation {
            return;
        }
        match outcome {
            Ok(body) => {
                let mut merged = Ok(0);
                self.keep_snapshot();
                self.graph.update_value(|g| {
                    merged = merge_page(g, &key, route, &body, Vec::new(), self.more);
                });
                match merged {
                    Ok(rest) => {
                        let (_, next) = self.more_of(&key, route.key);
                        self.status.set((rest > 0 || next).then(|| {
                            format!(
                                "{}: the first {EXPANSION_PAGE} results were added; the side panel adds more.",
                                route.relation_label()
                            )
                        }));
                        self.touch();
                        self.record();
                    }
                    Err(e) => self.status.set(Some(e)),
                }
            }
            Err(problem) => self.status.set(Some(problem)),
        }
    }

    /// Expands every relation of `key` not expanded yet, one after the other.
    pub async fn expand_all(&self, key: NodeKey) {
        let pending = self.with(|g| g.pending_expansions(&key));
        for route in pending {
            self.expand(key.clone(), route).await;
        }
    }

    /// Adds the next results a large expansion held back: from the page already fetched, else the
    /// API's next page (through the normal request path). A step of the recipe, like an expansion.
    pub async fn add_more(&self, key: NodeKey, route: &'static Route) {
        let generation = self.generation.get_value();
        let Some(page) = self.next_page(&key, route).await else {
            return;
        };
        if self.generation.get_value() != generation {
            return;
        }
        self.keep_snapshot();
        let mut merged = Ok(0);
        self.graph.update_value(|g| {
            merged =
                page.and_then(|(body, held)| merge_page(g, &key, route, &body, held, self.more));
            if merged.is_ok() {
                g.record_more(&key, route);
            }
        });
        match merged {
            Ok(_) => {
                self.status.set(None);
                self.touch();
                self.record();
            }
            Err(e) => self.status.set(Some(e)),
        }
    }

    /// What "more" of an expansion merges next: (a body, results held back from the page before);
    /// `None` when nothing waits.
    async fn next_page(
        &self,
        key: &NodeKey,
        route: &'static Route,
    ) -> Option<Result<(Value, Vec<Value>), String>> {
        let more = self
            .more
            .try_update_value(|m| m.remove(&(key.clone(), route.key)))
            .flatten()?;
        if !more.rest.is_empty() {
            let page = serde_json::json!({ "value": [], "@odata.nextLink": more.next_link });
            return Some(Ok((page, more.rest)));
        }
        let next = more.next_link?;
        self.busy.update(|b| *b += 1);
        let outcome = self
            .fetch_url(next, self.profile.get_untracked(), key.entity())
            .await;
        self.busy.update(|b| *b = b.saturating_sub(1));
        Some(outcome.map(|body| (body, Vec::new())))
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
        if let Some(performance) = window().performance() {
            let _ = performance.mark("atp-graph-start");
        }
        let graph = synthetic(nodes, 3, 7);
        if let Some(performance) = window().performance() {
            let _ = performance.mark("atp-graph-built");
        }
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

    /// Makes the graph what an address says: nothing to do, one step undone, new steps replayed on the
    /// graph there is, or the whole recipe replayed.
    pub fn follow(&self, location: &AppLocation) {
        if let Some(nodes) = location.graph_synthetic {
            if !self.synthetic.get_value() {
                self.load_synthetic(nodes);
            }
            return;
        }
        let dataset = location.dataset;
        let Some(link) = location.graph.clone() else {
            if self.with(|g| !g.is_empty()) {
                self.reset(
                    Graph::new(self.profile.get_untracked().api()),
                    self.profile.get_untracked(),
                );
            }
            return;
        };
        let api = link.profile.api();
        let wanted = match Recipe::parse(&link.recipe, api) {
            Ok(r) => r,
            Err(e) => {
                self.status.set(Some(format!(
                    "The graph in the address could not be read ({e})."
                )));
                return;
            }
        };
        let same_base = !self.synthetic.get_value()
            && self.profile.get_untracked() == link.profile
            && self.dataset.get_value() == dataset
            && self.with(|g| g.api() == api);
        let have = self.with(|g| g.recipe().clone());
        if same_base && have == wanted {
            return;
        }
        // Back over a removal or a collapse (or Forward again): the graph as it was, not fetched again.
        if self.restore(link.profile, dataset, &wanted) {
            return;
        }
        if same_base && have.steps.len() == wanted.steps.len() + 1 && have.without_last() == wanted
        {
            let mut undone = false;
            self.keep_snapshot();
            self.graph.update_value(|g| undone = g.undo());
            if undone {
                let graph = self.graph;
                self.more.update_value(|m| {
                    m.retain(|(k, r), _| {
                        graph.with_value(|g| g.node(k).is_some_and(|n| n.expansion(r).is_some()))
                    })
                });
                self.touch();
                return;
            }
        }
        let this = *self;
        if have.is_empty() {
            self.open();
        }
        if same_base && wanted.steps.starts_with(&have.steps) {
            let extra = wanted.steps[have.steps.len()..].to_vec();
            let base = self.graph.get_value();
            leptos::task::spawn_local(async move { this.replay(base, extra, link.profile).await });
            return;
        }
        self.keep_snapshot();
        self.dataset.set_value(dataset);
        self.reset(Graph::new(api), link.profile);
        self.open();
        leptos::task::spawn_local(async move {
            this.replay(Graph::new(api), wanted.steps, link.profile)
                .await
        });
    }

    /// Replays recipe steps onto `graph` through the normal request path, then shows the result.
    async fn replay(&self, mut graph: Graph, steps: Vec<Step>, profile: Profile) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.busy.update(|b| *b += 1);
        let total = steps.len();
        let mut problems = Vec::new();
        for (i, step) in steps.into_iter().enumerate() {
            self.status.set(Some(format!(
                "Rebuilding the graph: step {} of {total}…",
                i + 1
            )));
            match step {
                Step::Start(key) => {
                    let fetched = match atp_core::catalogue::get_route(profile.api(), key.entity())
                    {
                        Some(route) => {
                            let mut q = Query::new(profile, route);
                            if let Some(p) = route.params.first() {
                                q.set_param(p.name, key.id());
                            }
                            self.fetch(&q).await.ok()
                        }
                        None => None,
                    };
                    let started = fetched.is_some_and(|body| {
                        graph.add_start(key.entity(), &body).is_ok_and(|k| k == key)
                    });
                    if !started {
                        graph.add_start_key(key);
                    }
                }
                Step::Expand(key, route) => {
                    let Some(q) = graph.expansion_query(profile, &key, route) else {
                        problems.push(format!(
                            "step {}: {} is not in the graph",
                            i + 1,
                            key.dom_key()
                        ));
                        continue;
                    };
                    match self.fetch(&q).await {
                        Ok(body) => {
                            if let Err(e) =
                                merge_page(&mut graph, &key, route, &body, Vec::new(), self.more)
                            {
                                problems.push(e);
                            }
                        }
                        Err(e) => problems.push(e),
                    }
                }
                Step::Remove(key) => {
                    let _ = graph.remove_node(&key);
                }
                Step::Collapse(key, route) => {
                    let _ = graph.collapse(&key, route);
                }
                Step::More(key, route) => match self.next_page(&key, route).await {
                    Some(Ok((body, held))) => {
                        match merge_page(&mut graph, &key, route, &body, held, self.more) {
                            Ok(_) => {
                                graph.record_more(&key, route);
                            }
                            Err(e) => problems.push(e),
                        }
                    }
                    Some(Err(e)) => problems.push(e),
                    None => problems.push(format!(
                        "step {}: no more results of {} to add",
                        i + 1,
                        route.relation_label()
                    )),
                },
            }
            if self.generation.get_value() != generation {
                self.busy.update(|b| *b = b.saturating_sub(1));
                return;
            }
        }
        self.busy.update(|b| *b = b.saturating_sub(1));
        self.graph.set_value(graph);
        self.status.set(
            problems
                .first()
                .map(|first| format!("Rebuilt, but {} step(s) failed: {first}", problems.len())),
        );
        self.touch();
        mark_when_painted("atp-graph-painted");
    }

    /// One request through the normal path; the body as JSON, or the problem in words.
    async fn fetch(&self, query: &Query) -> Result<Value, String> {
        self.fetch_url(query.url(), query.profile, query.entity())
            .await
    }

    async fn fetch_url(
        &self,
        url: String,
        profile: Profile,
        entity: Entity,
    ) -> Result<Value, String> {
        let exchange: Exchange =
            request::send(url.clone(), profile, self.connection.transport()).await;
        if let Some(error) = exchange.error() {
            let p = error.problem(entity);
            return Err(format!("{} {}", p.title, p.advice));
        }
        let body = exchange.outcome.as_ref().map_or("", |a| a.body.as_str());
        serde_json::from_str(body).map_err(|e| format!("The answer to {url} is not JSON ({e})."))
    }

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
    fn animate(&self) {
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

    fn frame(&self) {
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

/// Merges the first [`EXPANSION_PAGE`] of `held` followed by the results in `body`, and keeps the rest
/// (and the body's `@odata.nextLink`) for "more"; returns how many results wait.
fn merge_page(
    graph: &mut Graph,
    key: &NodeKey,
    route: &'static Route,
    body: &Value,
    mut held: Vec<Value>,
    more: StoredValue<HashMap<(NodeKey, &'static str), More>>,
) -> Result<usize, String> {
    held.extend(results_of(body).iter().cloned());
    let rest = held.split_off(held.len().min(EXPANSION_PAGE));
    graph
        .merge_expansion(key, route, &held)
        .map_err(|e| e.to_string())?;
    let next_link = body
        .get("@odata.nextLink")
        .and_then(Value::as_str)
        .map(str::to_string);
    let waiting = rest.len();
    more.update_value(|m| {
        if rest.is_empty() && next_link.is_none() {
            m.remove(&(key.clone(), route.key));
        } else {
            m.insert((key.clone(), route.key), More { rest, next_link });
        }
    });
    Ok(waiting)
}
