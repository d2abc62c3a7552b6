//! The investigation graph: entities as nodes, relations as edges, merge and layout.
//!
//! An investigation starts from one or more entities and grows by *expansions*: calling one of the catalogue's
//! [`relations`](crate::catalogue::relations) of a node and merging the results. Every change is also one
//! [`Step`] of the graph's [`Recipe`], the compact text the app keeps in its URL so a reload or a shared
//! link rebuilds the same graph, and Back undoes the last step.
//!
//! Invariants the UI can rely on:
//! - one node per entity type + canonical id ([`NodeKey`]); one edge per (from, to, relation);
//! - every node is reachable from a start node along edges (removing or collapsing drops what becomes
//!   unreachable), so [`Graph::path_to_start`] always answers;
//! - nodes keep their insertion order, and every node has a position from the moment it is merged (placed
//!   near the node it was expanded from), so the first paint needs no layout iterations;
//! - merging is idempotent: the same results merged twice change nothing.
//!
//! How the app drives it (the demo tenant stands in for the API here):
//!
//! ```
//! use atp_core::demo::{DemoConfig, DemoTenant, SOURCE_ALERT_ID};
//! use atp_core::graph::{results_of, Graph, Layout, Recipe, SvgOptions};
//! use atp_core::{Api, Entity, Profile};
//! # let now = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap().to_utc();
//! # let tenant = DemoTenant::generate(&DemoConfig { scale: 300, ..DemoConfig::new(now) });
//! let get = |url: &str| -> serde_json::Value {
//!     serde_json::from_str(&tenant.respond("GET", url, Profile::Wdatp).body).unwrap()
//! };
//! let mut graph = Graph::new(Api::Wdatp);
//! let alert = graph.add_start(Entity::Alert, &get(&format!("/alerts/{SOURCE_ALERT_ID}"))).unwrap();
//! for route in graph.pending_expansions(&alert) {
//!     let url = graph.expansion_query(Profile::Wdatp, &alert, route).unwrap().url();
//!     graph.merge_expansion(&alert, route, results_of(&get(&url))).unwrap();
//! }
//! // Paint at once (every node is placed), then a few layout iterations per animation frame.
//! let mut layout = Layout::new();
//! while !layout.step(&mut graph, 4).at_rest {}
//! let link = graph.recipe().encode(); // into the URL; on load:
//! assert_eq!(&Recipe::parse(&link, Api::Wdatp).unwrap(), graph.recipe());
//! let svg = graph.to_svg(&SvgOptions::default());
//! # assert!(svg.starts_with("<svg"));
//! ```

mod entity;
mod export;
mod labels;
mod layout;
mod recipe;
mod synthetic;

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::Value;

use crate::catalogue::{graph_relations, Api, Entity, Profile, Returns, Route};
use crate::model::Timestamp;
use crate::query::Query;

pub use crate::text::{escape_xml, is_invisible, visible};
pub use entity::{identify, short_label, Identified, LABEL_MAX_CHARS};
pub use export::SvgOptions;
pub use labels::{
    canvas_label, edge_label_box, edge_text, node_boxes, node_label_box, text_width, Anchor,
    EdgeId, Labels, Rect, Spot, CANVAS_LABEL_CHARS, EDGE_FONT, EDGE_LABELS_UP_TO, NODE_FONT,
};
pub use layout::{Layout, LayoutConfig, StepReport};
pub use recipe::{Recipe, RecipeError, Step, MAX_STEPS};
pub use synthetic::synthetic;

/// Which node: the entity type and its id in canonical form (trimmed, lower case: the API's ids —
/// hex hashes and machine ids, DNS names, IPs, `domain\user`, alert ids — are case-insensitive).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey {
    entity: Entity,
    id: String,
}

impl NodeKey {
    /// `None` for an empty id.
    pub fn new(entity: Entity, id: &str) -> Option<NodeKey> {
        let id = id.trim();
        if id.is_empty() {
            return None;
        }
        Some(NodeKey {
            entity,
            id: id.to_lowercase(),
        })
    }

    pub fn entity(&self) -> Entity {
        self.entity
    }

    /// The canonical id; usable in a route's URL, since the API compares ids without case.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// A string unique per node, for keyed lists and DOM ids: `alert:636341278149188342_1960231459`.
    pub fn dom_key(&self) -> String {
        format!("{}:{}", self.entity.key(), self.id)
    }
}

/// One expansion done on a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpansionRecord {
    /// The route's key, e.g. `alerts.machines`; also the label of the edges it added.
    pub relation: &'static str,
    /// Distinct entities this expansion returned (with paging, over all pages merged).
    pub results: usize,
    /// Of those, how many were new to the graph when merged.
    pub added: usize,
}

/// An entity in the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub key: NodeKey,
    /// The id as the API first spelled it.
    pub api_id: String,
    /// Short and with invisible characters made visible; escape it for markup like any text.
    pub label: String,
    /// The entity's JSON as the API sent it; later responses fill in fields it lacked.
    pub detail: Value,
    /// Prevalence statistics, once a `…stats` relation was expanded.
    pub stats: Option<Value>,
    /// For alerts: first and last event time (creation time when those are absent).
    pub span: Option<(Timestamp, Timestamp)>,
    pub pos: (f32, f32),
    /// A pinned node (dragged by the analyst) is never moved by the layout.
    pub pinned: bool,
    /// Whether the investigation started here.
    pub start: bool,
    /// Expansions done on this node, in the order they were done.
    pub expansions: Vec<ExpansionRecord>,
    /// How much the layout may still move this node (1 new, 0 at rest).
    pub(crate) heat: f32,
}

impl Node {
    pub fn expansion(&self, relation: &str) -> Option<&ExpansionRecord> {
        self.expansions.iter().find(|e| e.relation == relation)
    }
}

/// A relation between two nodes: `to` was a result of expanding `from` along `relation`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    pub from: NodeKey,
    pub to: NodeKey,
    /// The route key, e.g. `alerts.machines`.
    pub relation: &'static str,
}

impl Edge {
    /// A string unique per edge, for keyed lists: `alert:…>alerts.machines>machine:…`.
    pub fn dom_key(&self) -> String {
        format!(
            "{}>{}>{}",
            self.from.dom_key(),
            self.relation,
            self.to.dom_key()
        )
    }
}

/// What a merge changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub added_nodes: usize,
    pub added_edges: usize,
    /// Results that were not an entity of the route's type (or had no id): skipped.
    pub skipped: usize,
}

/// Why the graph refused a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphError {
    /// The node is not in the graph.
    UnknownNode(NodeKey),
    /// The route does not lead from this node's entity to elsewhere.
    NotARelation { entity: Entity, route: &'static str },
    /// The JSON is not an entity of this type with an id.
    NotAnEntity(Entity),
}

impl std::fmt::Display for GraphError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GraphError::UnknownNode(k) => write!(f, "{} is not in the graph", k.dom_key()),
            GraphError::NotARelation { entity, route } => {
                write!(f, "{route} is not a relation of {}", entity.key())
            }
            GraphError::NotAnEntity(e) => write!(f, "not a {} with an id", e.key()),
        }
    }
}

impl std::error::Error for GraphError {}

/// A set of entity types to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntityFilter(u32);

impl EntityFilter {
    /// Every entity type: one bit each, as many as there are.
    pub const ALL: EntityFilter = EntityFilter(((1u64 << Entity::ALL.len()) - 1) as u32);
    pub const NONE: EntityFilter = EntityFilter(0);

    pub fn only(types: &[Entity]) -> EntityFilter {
        types
            .iter()
            .fold(EntityFilter::NONE, |f, e| f.with(*e, true))
    }

    fn bit(e: Entity) -> u32 {
        let i = Entity::ALL.iter().position(|x| *x == e).unwrap_or(0);
        1 << i
    }

    pub fn contains(self, e: Entity) -> bool {
        self.0 & Self::bit(e) != 0
    }

    pub fn with(self, e: Entity, shown: bool) -> EntityFilter {
        if shown {
            EntityFilter(self.0 | Self::bit(e))
        } else {
            EntityFilter(self.0 & !Self::bit(e))
        }
    }
}

impl Default for EntityFilter {
    fn default() -> Self {
        EntityFilter::ALL
    }
}

/// The nodes and edges a filter lets through (an edge shows when both ends do).
#[derive(Clone, Debug)]
pub struct Visible<'g> {
    pub nodes: Vec<&'g Node>,
    pub edges: Vec<&'g Edge>,
}

/// The box around the nodes' positions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub min: (f32, f32),
    pub max: (f32, f32),
}

impl Bounds {
    pub fn width(&self) -> f32 {
        self.max.0 - self.min.0
    }

    pub fn height(&self) -> f32 {
        self.max.1 - self.min.1
    }

    /// The box grown by `margin` on every side: an SVG `viewBox` that shows every node with its label.
    pub fn padded(&self, margin: f32) -> Bounds {
        Bounds {
            min: (self.min.0 - margin, self.min.1 - margin),
            max: (self.max.0 + margin, self.max.1 + margin),
        }
    }

    /// Scale and translation that fit this box into a `width` × `height` viewport, centred, aspect kept:
    /// screen = world × scale + translate.
    pub fn fit(&self, width: f32, height: f32) -> (f32, (f32, f32)) {
        let w = self.width().max(1.0);
        let h = self.height().max(1.0);
        let scale = (width / w).min(height / h);
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        let tx = (width - w * scale) / 2.0 - self.min.0 * scale;
        let ty = (height - h * scale) / 2.0 - self.min.1 * scale;
        (scale, (tx, ty))
    }
}

/// An alert on the investigation's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineItem {
    pub key: NodeKey,
    pub label: String,
    pub first: Timestamp,
    pub last: Timestamp,
}

/// The investigation graph of one API.
#[derive(Clone, Debug)]
pub struct Graph {
    api: Api,
    nodes: Vec<Node>,
    index: HashMap<NodeKey, usize>,
    edges: Vec<Edge>,
    /// `edges` as node indices, for the layout and the searches.
    links: Vec<(u32, u32)>,
    edge_set: HashSet<(u32, u32, &'static str)>,
    recipe: Recipe,
}

/// Distance between a node and the results placed around it, in layout units (a node is ~24 units wide).
pub(crate) const SPACING: f32 = 100.0;

impl Graph {
    pub fn new(api: Api) -> Graph {
        Graph {
            api,
            nodes: Vec::new(),
            index: HashMap::new(),
            edges: Vec::new(),
            links: Vec::new(),
            edge_set: HashSet::new(),
            recipe: Recipe::default(),
        }
    }

    pub fn api(&self) -> Api {
        self.api
    }

    /// Nodes in the order they joined the graph.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Edges in the order they joined the graph.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    pub fn node(&self, key: &NodeKey) -> Option<&Node> {
        self.index.get(key).map(|&i| &self.nodes[i])
    }

    pub fn contains(&self, key: &NodeKey) -> bool {
        self.index.contains_key(key)
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The steps that rebuild this graph; `recipe().encode()` goes into the URL.
    pub fn recipe(&self) -> &Recipe {
        &self.recipe
    }

    /// Starts the investigation (again) at an entity of a `Get` response.
    pub fn add_start(&mut self, entity: Entity, json: &Value) -> Result<NodeKey, GraphError> {
        let found = identify(entity, json).ok_or(GraphError::NotAnEntity(entity))?;
        Ok(self.start_with(found, json.clone()))
    }

    /// Starts at an entity known only by its key (a pasted IP, or a URL being replayed before the entity
    /// is fetched). Its detail can come later with [`Graph::update_detail`].
    pub fn add_start_key(&mut self, key: NodeKey) -> NodeKey {
        let found = Identified {
            label: short_label(key.id()),
            api_id: key.id().to_string(),
            key,
            span: None,
        };
        self.start_with(found, Value::Null)
    }

    fn start_with(&mut self, found: Identified, detail: Value) -> NodeKey {
        let key = found.key.clone();
        let i = match self.index.get(&key) {
            Some(&i) => {
                merge_detail(&mut self.nodes[i], &detail, &found);
                i
            }
            None => {
                // Starts sit on a wide spiral around the origin, so separate investigations do not overlap.
                let k = self.nodes.iter().filter(|n| n.start).count();
                let pos = spiral((0.0, 0.0), k, 6.0 * SPACING, hash(&key));
                self.push_node(found, detail, pos)
            }
        };
        if !self.nodes[i].start {
            self.nodes[i].start = true;
            self.recipe.steps.push(Step::Start(key.clone()));
        }
        key
    }

    /// Fills in fields the node's JSON lacked (say, once a start known only by key was fetched).
    /// `false` when `key` is not in the graph or `json` is not that entity.
    pub fn update_detail(&mut self, key: &NodeKey, json: &Value) -> bool {
        let Some(&i) = self.index.get(key) else {
            return false;
        };
        match identify(key.entity, json) {
            Some(found) if found.key == *key => {
                merge_detail(&mut self.nodes[i], json, &found);
                true
            }
            _ => false,
        }
    }

    /// Merges the results of expanding `from` along `route` (a [`graph_relations`] route of its entity): one node
    /// per new entity, placed near `from`, one edge per result. Idempotent; with paging, merge each page.
    /// `results` is the response's `value` array, or the one entity of a `Returns::One` route
    /// ([`results_of`] reads either from a body).
    pub fn merge_expansion(
        &mut self,
        from: &NodeKey,
        route: &'static Route,
        results: &[Value],
    ) -> Result<MergeReport, GraphError> {
        let &fi = self
            .index
            .get(from)
            .ok_or_else(|| GraphError::UnknownNode(from.clone()))?;
        if !is_relation(self.api, from.entity, route) {
            return Err(GraphError::NotARelation {
                entity: from.entity,
                route: route.key,
            });
        }
        let mut report = MergeReport::default();
        let target = match route.returns {
            Returns::One(e) | Returns::Many(e) => Some(e),
            Returns::Stats | Returns::Value => None,
        };
        let first_time = self.nodes[fi].expansion(route.key).is_none();
        match target {
            None => {
                // Prevalence is about the node itself: kept on it, nothing added.
                if let Some(stats) = results.first() {
                    if self.nodes[fi].stats.is_none() {
                        self.nodes[fi].stats = Some(stats.clone());
                    }
                }
            }
            Some(entity) => {
                let parent = self.nodes[fi].pos;
                let mut placed = 0;
                // How many results are new, so a small batch can be spread evenly on one ring.
                let fresh = {
                    let mut seen = HashSet::new();
                    results
                        .iter()
                        .filter_map(|json| identify(entity, json))
                        .filter(|f| !self.index.contains_key(&f.key) && seen.insert(f.key.clone()))
                        .count()
                };
                for json in results {
                    let Some(found) = identify(entity, json) else {
                        report.skipped += 1;
                        continue;
                    };
                    let ti = match self.index.get(&found.key) {
                        Some(&ti) => {
                            merge_detail(&mut self.nodes[ti], json, &found);
                            ti
                        }
                        None => {
                            // A few results sit evenly on a ring around the node they came from (a star
                            // that the layout only has to breathe out); many fill a sunflower disc. Both
                            // deterministic, no two on one spot, close to the layout's answer.
                            let pos = if fresh <= RING_UP_TO {
                                ring(parent, placed, fresh, hash(from) ^ fnv(route.key.bytes()))
                            } else {
                                spiral(
                                    parent,
                                    placed,
                                    0.55 * SPACING,
                                    hash(from) ^ hash(&found.key),
                                )
                            };
                            placed += 1;
                            report.added_nodes += 1;
                            self.push_node(found, json.clone(), pos)
                        }
                    };
                    if ti != fi && self.edge_set.insert((fi as u32, ti as u32, route.key)) {
                        self.links.push((fi as u32, ti as u32));
                        self.edges.push(Edge {
                            from: from.clone(),
                            to: self.nodes[ti].key.clone(),
                            relation: route.key,
                        });
                        report.added_edges += 1;
                    }
                }
                if report.added_nodes > 0 {
                    // Let the expanded node give way a little to its new neighbours; the rest stays put.
                    let n = &mut self.nodes[fi];
                    n.heat = n.heat.max(0.1);
                }
            }
        }
        let results_now = self
            .links
            .iter()
            .zip(&self.edges)
            .filter(|((f, _), e)| *f as usize == fi && e.relation == route.key)
            .count();
        let node = &mut self.nodes[fi];
        match node.expansions.iter_mut().find(|e| e.relation == route.key) {
            Some(rec) => {
                rec.results = results_now;
                rec.added += report.added_nodes;
            }
            None => node.expansions.push(ExpansionRecord {
                relation: route.key,
                results: results_now,
                added: report.added_nodes,
            }),
        }
        if first_time {
            self.recipe.steps.push(Step::Expand(from.clone(), route));
        }
        Ok(report)
    }

    fn push_node(&mut self, found: Identified, detail: Value, pos: (f32, f32)) -> usize {
        let i = self.nodes.len();
        self.index.insert(found.key.clone(), i);
        self.nodes.push(Node {
            key: found.key,
            api_id: found.api_id,
            label: found.label,
            detail,
            stats: None,
            span: found.span,
            pos,
            pinned: false,
            start: false,
            expansions: Vec::new(),
            heat: 1.0,
        });
        i
    }

    /// Removes a node, its edges, and whatever is then no longer reachable from a start.
    /// Returns how many nodes went.
    pub fn remove_node(&mut self, key: &NodeKey) -> Result<usize, GraphError> {
        let &i = self
            .index
            .get(key)
            .ok_or_else(|| GraphError::UnknownNode(key.clone()))?;
        self.recipe.steps.push(Step::Remove(key.clone()));
        let mut keep = vec![true; self.nodes.len()];
        keep[i] = false;
        Ok(self.retain(keep, |_, _| true))
    }

    /// Undoes an expansion: removes its edges and what only it made reachable. Returns how many nodes went.
    pub fn collapse(&mut self, from: &NodeKey, route: &'static Route) -> Result<usize, GraphError> {
        let &fi = self
            .index
            .get(from)
            .ok_or_else(|| GraphError::UnknownNode(from.clone()))?;
        if self.nodes[fi].expansion(route.key).is_none() {
            return Ok(0);
        }
        self.recipe.steps.push(Step::Collapse(from.clone(), route));
        self.nodes[fi]
            .expansions
            .retain(|e| e.relation != route.key);
        if matches!(route.returns, Returns::Stats) {
            self.nodes[fi].stats = None;
        }
        let keep = vec![true; self.nodes.len()];
        let fi = fi as u32;
        Ok(self.retain(keep, |(f, _), e| !(f == fi && e.relation == route.key)))
    }

    /// Keeps the nodes marked in `keep` and the edges `keep_edge` accepts between them, then drops every
    /// node no longer reachable from a start, and rebuilds the indices. Returns how many nodes went.
    fn retain(
        &mut self,
        mut keep: Vec<bool>,
        keep_edge: impl Fn((u32, u32), &Edge) -> bool,
    ) -> usize {
        let edge_kept: Vec<bool> = self
            .links
            .iter()
            .zip(&self.edges)
            .map(|(&(f, t), e)| keep[f as usize] && keep[t as usize] && keep_edge((f, t), e))
            .collect();
        // Reachability from the starts over the kept edges, in both directions: a node that pointed at
        // the graph (an alert that expanded into a kept machine) is still connected to the investigation.
        let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); self.nodes.len()];
        for (&(f, t), kept) in self.links.iter().zip(&edge_kept) {
            if *kept {
                adjacency[f as usize].push(t);
                adjacency[t as usize].push(f);
            }
        }
        let mut reached = vec![false; self.nodes.len()];
        let mut queue: VecDeque<usize> = (0..self.nodes.len())
            .filter(|&i| keep[i] && self.nodes[i].start)
            .collect();
        for &i in &queue {
            reached[i] = true;
        }
        while let Some(i) = queue.pop_front() {
            for &j in &adjacency[i] {
                let j = j as usize;
                if keep[j] && !reached[j] {
                    reached[j] = true;
                    queue.push_back(j);
                }
            }
        }
        for (k, r) in keep.iter_mut().zip(&reached) {
            *k &= *r;
        }
        let before = self.nodes.len();
        let mut new_index = vec![u32::MAX; before];
        let old_nodes = std::mem::take(&mut self.nodes);
        for (i, node) in old_nodes.into_iter().enumerate() {
            if keep[i] {
                new_index[i] = self.nodes.len() as u32;
                self.nodes.push(node);
            }
        }
        let old_edges = std::mem::take(&mut self.edges);
        let old_links = std::mem::take(&mut self.links);
        self.edge_set.clear();
        for ((edge, (f, t)), kept) in old_edges.into_iter().zip(old_links).zip(edge_kept) {
            let (nf, nt) = (new_index[f as usize], new_index[t as usize]);
            if kept && nf != u32::MAX && nt != u32::MAX {
                self.edge_set.insert((nf, nt, edge.relation));
                self.links.push((nf, nt));
                self.edges.push(edge);
            }
        }
        self.index = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.key.clone(), i))
            .collect();
        // Expansion records count what is still there.
        for (i, node) in self.nodes.iter_mut().enumerate() {
            for rec in &mut node.expansions {
                rec.results = self
                    .links
                    .iter()
                    .zip(&self.edges)
                    .filter(|((f, _), e)| *f as usize == i && e.relation == rec.relation)
                    .count();
            }
        }
        before - self.nodes.len()
    }

    /// Records that the next results of `from`'s expansion along `route` were merged (with
    /// [`Graph::merge_expansion`], which records only an expansion's first page). `false`, and nothing
    /// recorded, when that expansion is not in the graph.
    pub fn record_more(&mut self, from: &NodeKey, route: &'static Route) -> bool {
        let expanded = self
            .node(from)
            .is_some_and(|n| n.expansion(route.key).is_some());
        if expanded {
            self.recipe.steps.push(Step::More(from.clone(), route));
        }
        expanded
    }

    /// Undoes the last step in place when that needs no data (a start or an expansion: what it added goes).
    /// `false` when the graph is empty, or when the last step removed something: then rebuild from
    /// [`Recipe::without_last`] and the responses the app keeps.
    pub fn undo(&mut self) -> bool {
        let Some(last) = self.recipe.steps.last().cloned() else {
            return false;
        };
        match last {
            Step::Expand(from, route) => {
                let steps_before = self.recipe.steps.len() - 1;
                let _ = self.collapse(&from, route);
                self.recipe.steps.truncate(steps_before);
                true
            }
            Step::Start(key) => {
                let Some(&i) = self.index.get(&key) else {
                    return false;
                };
                self.nodes[i].start = false;
                self.recipe.steps.pop();
                let keep = vec![true; self.nodes.len()];
                self.retain(keep, |_, _| true);
                true
            }
            Step::Remove(_) | Step::Collapse(..) | Step::More(..) => false,
        }
    }

    /// The relations of a node's entity not expanded yet, in catalogue order (empty for an unknown node).
    pub fn pending_expansions(&self, key: &NodeKey) -> Vec<&'static Route> {
        let Some(node) = self.node(key) else {
            return Vec::new();
        };
        graph_relations(self.api, key.entity)
            .filter(|r| node.expansion(r.key).is_none())
            .collect()
    }

    /// The request that expands `key` along `route`, with the id as the API first spelled it.
    pub fn expansion_query(
        &self,
        profile: Profile,
        key: &NodeKey,
        route: &'static Route,
    ) -> Option<Query> {
        let node = self.node(key)?;
        // A Graph investigation expands shared entities along Defender's routes, on Defender's host.
        let mut q = Query::new(profile.sending(route), route);
        let param = route.params.first()?;
        q.set_param(param.name, &node.api_id);
        Some(q)
    }

    /// Moves a node (the analyst dragged it) and pins it there, or unpins it.
    pub fn set_position(&mut self, key: &NodeKey, pos: (f32, f32), pinned: bool) -> bool {
        let Some(&i) = self.index.get(key) else {
            return false;
        };
        // Far beyond any drawing, f32 distances overflow: such a position is the UI's bug, not a place.
        const FAR: f32 = 1.0e7;
        if pos.0.is_finite() && pos.1.is_finite() {
            self.nodes[i].pos = (pos.0.clamp(-FAR, FAR), pos.1.clamp(-FAR, FAR));
        }
        self.nodes[i].pinned = pinned;
        true
    }

    /// The shortest way from a start node to `key`, start first, `key` last (just `[key]` for a start).
    /// Follows edges backwards (result → the node it was expanded from), then, if that finds no start,
    /// in either direction. Empty when `key` is not in the graph.
    pub fn path_to_start(&self, key: &NodeKey) -> Vec<NodeKey> {
        let Some(&target) = self.index.get(key) else {
            return Vec::new();
        };
        for both_ways in [false, true] {
            let mut back: Vec<Vec<u32>> = vec![Vec::new(); self.nodes.len()];
            for &(f, t) in &self.links {
                back[t as usize].push(f);
                if both_ways {
                    back[f as usize].push(t);
                }
            }
            let mut came_from = vec![u32::MAX; self.nodes.len()];
            let mut seen = vec![false; self.nodes.len()];
            let mut queue = VecDeque::from([target]);
            seen[target] = true;
            while let Some(i) = queue.pop_front() {
                if self.nodes[i].start {
                    let mut path = vec![self.nodes[i].key.clone()];
                    let mut j = i;
                    while came_from[j] != u32::MAX {
                        j = came_from[j] as usize;
                        path.push(self.nodes[j].key.clone());
                    }
                    return path;
                }
                for &p in &back[i] {
                    if !seen[p as usize] {
                        seen[p as usize] = true;
                        came_from[p as usize] = i as u32;
                        queue.push_back(p as usize);
                    }
                }
            }
        }
        Vec::new()
    }

    /// The nodes and edges of the types `filter` shows.
    pub fn visible(&self, filter: EntityFilter) -> Visible<'_> {
        let shown: Vec<bool> = self
            .nodes
            .iter()
            .map(|n| filter.contains(n.key.entity))
            .collect();
        Visible {
            nodes: self
                .nodes
                .iter()
                .filter(|n| filter.contains(n.key.entity))
                .collect(),
            edges: self
                .links
                .iter()
                .zip(&self.edges)
                .filter(|((f, t), _)| shown[*f as usize] && shown[*t as usize])
                .map(|(_, e)| e)
                .collect(),
        }
    }

    /// The box around the nodes; `None` for an empty graph.
    pub fn bounds(&self) -> Option<Bounds> {
        let first = self.nodes.first()?.pos;
        let mut b = Bounds {
            min: first,
            max: first,
        };
        for n in &self.nodes {
            b.min = (b.min.0.min(n.pos.0), b.min.1.min(n.pos.1));
            b.max = (b.max.0.max(n.pos.0), b.max.1.max(n.pos.1));
        }
        Some(b)
    }

    /// The alerts with a known time span, earliest first.
    pub fn timeline(&self) -> Vec<TimelineItem> {
        let items: Vec<TimelineItem> = self
            .nodes
            .iter()
            .filter_map(|n| {
                let (first, last) = n.span?;
                Some(TimelineItem {
                    key: n.key.clone(),
                    label: n.label.clone(),
                    first,
                    last,
                })
            })
            .collect();
        crate::order::sorted_by(items, |a, b| {
            (a.first, a.last, &a.key).cmp(&(b.first, b.last, &b.key))
        })
    }

    /// Whether the layout has nothing left to do.
    pub fn at_rest(&self) -> bool {
        self.nodes
            .iter()
            .all(|n| n.pinned || n.heat <= layout::REST_HEAT)
    }

    /// The edges a filter lets through and `keep` accepts, as one SVG path of straight segments
    /// (`M x1 y1 L x2 y2` each, one decimal): a big graph draws all its edges as one element.
    pub fn edge_path(&self, filter: EntityFilter, keep: impl Fn(&Edge) -> bool) -> String {
        use std::fmt::Write;
        let mut d = String::with_capacity(self.links.len() * 28);
        for (&(f, t), e) in self.links.iter().zip(&self.edges) {
            let (a, b) = (&self.nodes[f as usize], &self.nodes[t as usize]);
            if !filter.contains(a.key.entity) || !filter.contains(b.key.entity) || !keep(e) {
                continue;
            }
            let _ = write!(
                d,
                "M{:.1} {:.1}L{:.1} {:.1}",
                a.pos.0, a.pos.1, b.pos.0, b.pos.1
            );
        }
        d
    }

    pub(crate) fn links(&self) -> &[(u32, u32)] {
        &self.links
    }

    pub(crate) fn nodes_mut(&mut self) -> &mut [Node] {
        &mut self.nodes
    }
}

fn is_relation(api: Api, entity: Entity, route: &Route) -> bool {
    graph_relations(api, entity).any(|r| r.api == route.api && r.key == route.key)
}

/// The results of an expansion along `route` in its answer: the member a `$expand` relation reads
/// (an incident's `alerts`), else [`results_of`].
pub fn relation_results<'a>(route: &Route, body: &'a Value) -> &'a [Value] {
    match route.results_in {
        Some(member) => match body.get(member) {
            Some(Value::Array(items)) => items,
            _ => &[],
        },
        None => results_of(body),
    }
}

/// The entities of a response body: its `value` array, else the body itself (a `Returns::One` route).
pub fn results_of(body: &Value) -> &[Value] {
    match body.get("value") {
        Some(Value::Array(items)) => items,
        Some(_) => &[],
        None if body.is_object() && body.get("error").is_none() => std::slice::from_ref(body),
        None => &[],
    }
}

/// Adds fields the node's JSON lacked (or had as null); never overwrites, so merging is idempotent.
fn merge_detail(node: &mut Node, json: &Value, found: &Identified) {
    match (&mut node.detail, json) {
        (Value::Object(have), Value::Object(new)) => {
            let mut changed = false;
            for (k, v) in new {
                if v.is_null() {
                    continue;
                }
                let slot = have.entry(k.clone()).or_insert(Value::Null);
                if slot.is_null() {
                    *slot = v.clone();
                    changed = true;
                }
            }
            if changed {
                // The label may improve (a machine first seen by id now has its DNS name).
                if let Some(better) = identify(node.key.entity, &node.detail) {
                    node.label = better.label;
                    node.span = better.span.or(node.span);
                }
            }
        }
        (have @ Value::Null, Value::Object(_)) => {
            *have = json.clone();
            node.label = found.label.clone();
            node.api_id = found.api_id.clone();
            node.span = found.span.or(node.span);
        }
        _ => {}
    }
}

/// FNV-1a of a key: seeds where a node is placed, so placement depends on the data, not on a clock.
pub(crate) fn hash(key: &NodeKey) -> u64 {
    fnv(key.entity.key().bytes().chain([0]).chain(key.id.bytes()))
}

fn fnv(bytes: impl Iterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Up to this many new results of one expansion are placed on one ring.
const RING_UP_TO: usize = 32;

/// cos and sin of 2π/n for n = 1 ..= [`RING_UP_TO`], as constants: the ring turns by them with +, × only.
#[allow(
    clippy::excessive_precision,
    clippy::unreadable_literal,
    clippy::approx_constant
)]
const RING_TURNS: [(f64, f64); RING_UP_TO] = [
    (1.0, -2.4492935982947064e-16),
    (-1.0, 1.2246467991473532e-16),
    (-0.4999999999999998, 0.8660254037844387),
    (6.123233995736766e-17, 1.0),
    (0.30901699437494745, 0.9510565162951535),
    (0.5000000000000001, 0.8660254037844386),
    (0.6234898018587336, 0.7818314824680298),
    (0.7071067811865476, 0.7071067811865475),
    (0.766044443118978, 0.6427876096865393),
    (0.8090169943749475, 0.5877852522924731),
    (0.8412535328311812, 0.5406408174555976),
    (0.8660254037844387, 0.49999999999999994),
    (0.8854560256532099, 0.4647231720437685),
    (0.9009688679024191, 0.4338837391175581),
    (0.9135454576426009, 0.40673664307580015),
    (0.9238795325112867, 0.3826834323650898),
    (0.9324722294043558, 0.3612416661871529),
    (0.9396926207859084, 0.3420201433256687),
    (0.9458172417006346, 0.32469946920468346),
    (0.9510565162951535, 0.3090169943749474),
    (0.9555728057861407, 0.2947551744109042),
    (0.9594929736144974, 0.28173255684142967),
    (0.9629172873477992, 0.2697967711570243),
    (0.9659258262890683, 0.25881904510252074),
    (0.9685831611286311, 0.2486898871648548),
    (0.970941817426052, 0.23931566428755774),
    (0.9730448705798238, 0.23061587074244017),
    (0.9749279121818236, 0.2225209339563144),
    (0.9766205557100867, 0.21497044021102407),
    (0.9781476007338057, 0.20791169081775931),
    (0.9795299412524945, 0.20129852008866006),
    (0.9807852804032304, 0.19509032201612825),
];

/// The `i`-th of `n` points evenly on a ring around `centre`, turned by a seed-dependent angle; the ring
/// grows with `n` so neighbours keep most of a spacing between them (a tighter ring buckles in and out). Like [`spiral`], only +, ×, ÷, √.
pub(crate) fn ring(centre: (f32, f32), i: usize, n: usize, seed: u64) -> (f32, f32) {
    let (mut x, mut y) = seed_direction(seed);
    let step = RING_TURNS[n.clamp(1, RING_UP_TO) - 1];
    for _ in 0..i % n.max(1) {
        (x, y) = (x * step.0 - y * step.1, x * step.1 + y * step.0);
    }
    let r = f64::from(SPACING).max(n as f64 * 0.8 * f64::from(SPACING) / std::f64::consts::TAU);
    (
        (f64::from(centre.0) + x * r) as f32,
        (f64::from(centre.1) + y * r) as f32,
    )
}

/// A unit direction from a seed: a point of the unit square's border, normalised.
fn seed_direction(seed: u64) -> (f64, f64) {
    let a = ((seed >> 11) as f64 / (1u64 << 53) as f64) * 8.0;
    let (x, y) = match a as u32 {
        0 | 1 => (1.0, a - 1.0),
        2 | 3 => (3.0 - a, 1.0),
        4 | 5 => (-1.0, 5.0 - a),
        _ => (a - 7.0, -1.0),
    };
    let len = (x * x + y * y).sqrt();
    (x / len, y / len)
}

/// The `i`-th point of a sunflower (Vogel) spiral around `centre`, turned by a seed-dependent angle.
/// Only +, ×, √: the same bits on every platform (no libm `sin`/`cos`, which differ between targets).
pub(crate) fn spiral(centre: (f32, f32), i: usize, step: f32, seed: u64) -> (f32, f32) {
    // cos and sin of the golden angle (2π(1 − 1/φ) ≈ 137.5°).
    const GOLDEN: (f64, f64) = (-0.737_368_878_078_319_9, 0.675_490_294_261_523_9);
    let (mut x, mut y) = seed_direction(seed);
    // Turning by the golden angle i times: the rotation's i-th power by squaring, O(log i).
    let (mut turn, mut power, mut n) = ((1.0f64, 0.0f64), GOLDEN, i);
    while n > 0 {
        if n & 1 == 1 {
            turn = (
                turn.0 * power.0 - turn.1 * power.1,
                turn.0 * power.1 + turn.1 * power.0,
            );
        }
        power = (
            power.0 * power.0 - power.1 * power.1,
            2.0 * power.0 * power.1,
        );
        n >>= 1;
    }
    (x, y) = (x * turn.0 - y * turn.1, x * turn.1 + y * turn.0);
    let r = f64::from(step) * ((i + 1) as f64).sqrt() + f64::from(SPACING) * 0.6;
    (
        (f64::from(centre.0) + x * r) as f32,
        (f64::from(centre.1) + y * r) as f32,
    )
}
