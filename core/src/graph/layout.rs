//! Incremental force-directed layout with Barnes–Hut repulsion.
//!
//! Why force-directed and not layered: an investigation graph is not a hierarchy (alert → machine → the
//! same machine's other alerts → back to a shared file), so a layered (Sugiyama) layout would have to break
//! cycles and re-solve layer order and crossings on every expansion, moving nodes the analyst had already
//! placed in their head. A force layout can be incremental: each node carries a *heat* that bounds how far
//! it may move per iteration and cools geometrically. New nodes arrive hot (and already placed near the
//! node they were expanded from), the expanded node is warmed a little, everything else stays cold and
//! only pushes. So old nodes do not move (or, for the expanded one, a bounded few units), the new ones
//! settle around them, and every run ends: heat reaches zero after a known number of iterations.
//!
//! Repulsion uses a Barnes–Hut quadtree (O(n log n) per iteration), and only hot nodes are moved or even
//! get forces computed, so a small expansion on a large graph costs a tree build plus a few hundred
//! force evaluations. Everything is deterministic: iteration in node order, forces applied after all are
//! computed, only IEEE-exact operations (+ − × ÷ √), no clock and no random numbers.

use super::{Graph, SPACING};

/// Heat below which a node counts as at rest (and is no longer moved).
pub(crate) const REST_HEAT: f32 = 0.005;

/// Tuning of the layout; the defaults suit node circles of ~24 units with labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutConfig {
    /// The ideal edge length (Fruchterman–Reingold's k).
    pub spacing: f32,
    /// Barnes–Hut accuracy: a cell is summarised when its size / distance is below this.
    pub theta: f32,
    /// Heat is multiplied by this every iteration.
    pub cooling: f32,
    /// The furthest a node of heat 1 may move in one iteration.
    pub max_step: f32,
    /// Pull towards the origin, so separate components stay in view.
    pub gravity: f32,
    /// Closest two nodes may be once the layout is at rest (0 turns separation off).
    pub min_gap: f32,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        LayoutConfig {
            spacing: SPACING,
            theta: 1.0,
            cooling: 0.95,
            max_step: 0.5 * SPACING,
            gravity: 0.002,
            min_gap: 0.5 * SPACING,
        }
    }
}

/// What a call of [`Layout::step`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepReport {
    pub iterations: usize,
    /// The largest distance any node moved in the last iteration.
    pub max_move: f32,
    /// Nothing left to do: stop asking for frames.
    pub at_rest: bool,
}

const NONE: u32 = u32::MAX;
/// Deeper cells are smaller than a thousandth of a unit: bodies that close are treated as one.
const MAX_DEPTH: u32 = 24;

#[derive(Clone, Copy, Debug)]
struct Cell {
    cx: f32,
    cy: f32,
    half: f32,
    mass: f32,
    /// Sums of the bodies' positions while building, then the centre of mass.
    sx: f32,
    sy: f32,
    /// The one body of a leaf (NONE for an inner cell or an empty one).
    body: u32,
    children: [u32; 4],
}

impl Cell {
    fn new(cx: f32, cy: f32, half: f32) -> Cell {
        Cell {
            cx,
            cy,
            half,
            mass: 0.0,
            sx: 0.0,
            sy: 0.0,
            body: NONE,
            children: [NONE; 4],
        }
    }

    fn is_leaf(&self) -> bool {
        self.children == [NONE; 4]
    }
}

/// The layout's state between frames: configuration and reusable buffers (no allocation per frame once
/// warm). Positions and heat are copied into flat arrays for each iteration: a `Node` is large (strings,
/// JSON), and the passes below read positions many times per node.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub config: LayoutConfig,
    cells: Vec<Cell>,
    pos: Vec<(f32, f32)>,
    /// Heat, 0 for pinned nodes (they never move, so they take no share of a separation).
    heat: Vec<f32>,
    force: Vec<(f32, f32)>,
    hot: Vec<u32>,
    stack: Vec<u32>,
    /// (cell x, cell y, node) sorted: the separation pass's grid.
    grid: Vec<(i32, i32, u32)>,
}

impl Layout {
    pub fn new() -> Layout {
        Layout::default()
    }

    pub fn with_config(config: LayoutConfig) -> Layout {
        Layout {
            config,
            ..Layout::default()
        }
    }

    /// Runs at most `max_iterations` iterations (bound it per animation frame; see the benchmark for the
    /// cost per iteration). Returns at once when the graph is at rest.
    pub fn step(&mut self, graph: &mut Graph, max_iterations: usize) -> StepReport {
        let mut report = StepReport::default();
        for _ in 0..max_iterations {
            match self.iterate(graph) {
                Some(moved) => {
                    report.iterations += 1;
                    report.max_move = moved;
                }
                None => break,
            }
        }
        report.at_rest = graph.at_rest();
        report
    }

    /// Iterates until the graph is at rest (at most `cap` iterations). Returns the iterations run.
    pub fn run_to_rest(&mut self, graph: &mut Graph, cap: usize) -> usize {
        self.step(graph, cap).iterations
    }

    /// One iteration; `None` when nothing is hot.
    fn iterate(&mut self, graph: &mut Graph) -> Option<f32> {
        let cfg = self.config;
        self.hot.clear();
        self.pos.clear();
        self.heat.clear();
        for (i, n) in graph.nodes().iter().enumerate() {
            let heat = if n.pinned { 0.0 } else { n.heat };
            if heat > REST_HEAT {
                self.hot.push(i as u32);
            }
            self.pos.push(n.pos);
            self.heat.push(heat);
        }
        if self.hot.is_empty() {
            return None;
        }
        self.build_tree();
        self.force.clear();
        self.force.resize(self.pos.len(), (0.0, 0.0));
        let k2 = cfg.spacing * cfg.spacing;
        let theta2 = cfg.theta * cfg.theta;
        // Repulsion on hot nodes only: cold ones do not move, so their forces would be wasted work.
        for &i in &self.hot {
            let (x, y) = self.pos[i as usize];
            let (mut fx, mut fy) = (0.0f32, 0.0f32);
            self.stack.clear();
            self.stack.push(0);
            while let Some(ci) = self.stack.pop() {
                let c = &self.cells[ci as usize];
                let (dx, dy) = (x - c.sx, y - c.sy);
                let d2 = dx * dx + dy * dy;
                let leaf = c.is_leaf();
                if leaf || 4.0 * c.half * c.half < theta2 * d2 {
                    let others = if leaf && c.body == i {
                        c.mass - 1.0
                    } else {
                        c.mass
                    };
                    if others <= 0.0 {
                        continue;
                    }
                    if d2 < 1e-4 {
                        // Two nodes on one spot: push apart along a direction fixed by the index.
                        let (ux, uy) = DIRECTIONS[i as usize % DIRECTIONS.len()];
                        fx += ux * cfg.spacing * others;
                        fy += uy * cfg.spacing * others;
                    } else {
                        // Fruchterman–Reingold: |F| = k² / d, along (dx, dy) / d.
                        let s = k2 * others / d2;
                        fx += dx * s;
                        fy += dy * s;
                    }
                } else {
                    for &child in &c.children {
                        if child != NONE {
                            self.stack.push(child);
                        }
                    }
                }
            }
            fx -= cfg.gravity * x * cfg.spacing;
            fy -= cfg.gravity * y * cfg.spacing;
            self.force[i as usize] = (fx, fy);
        }
        // Springs: |F| = d² / k along the edge.
        for &(f, t) in graph.links() {
            let (a, b) = (self.pos[f as usize], self.pos[t as usize]);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let d = (dx * dx + dy * dy).sqrt();
            let s = d / cfg.spacing;
            let (fx, fy) = (dx * s, dy * s);
            let ff = &mut self.force[f as usize];
            *ff = (ff.0 + fx, ff.1 + fy);
            let ft = &mut self.force[t as usize];
            *ft = (ft.0 - fx, ft.1 - fy);
        }
        let mut max_move = 0.0f32;
        for &i in &self.hot {
            let i = i as usize;
            let (fx, fy) = self.force[i];
            let len = (fx * fx + fy * fy).sqrt();
            let limit = cfg.max_step * self.heat[i];
            if len.is_finite() && len > 0.0 {
                let step = len.min(limit);
                let p = &mut self.pos[i];
                *p = (p.0 + fx / len * step, p.1 + fy / len * step);
                max_move = max_move.max(step);
            }
        }
        max_move = max_move.max(self.separate());
        let nodes = graph.nodes_mut();
        for &i in &self.hot {
            let i = i as usize;
            let n = &mut nodes[i];
            n.pos = self.pos[i];
            n.heat *= cfg.cooling;
            if n.heat <= REST_HEAT {
                n.heat = 0.0;
            }
        }
        Some(max_move)
    }

    /// Pushes hot nodes off nodes closer than `min_gap`: forces alone leave the leaves of a busy node piled
    /// on each other when the heat runs out. Not scaled by heat (so the last iterations still separate),
    /// but shared by heat: against a cold node the hot one moves the whole way, between two hot nodes the
    /// hotter one moves more. A uniform grid of `min_gap` cells, sorted, finds the neighbours.
    fn separate(&mut self) -> f32 {
        let gap = self.config.min_gap;
        if gap <= 0.0 {
            return 0.0;
        }
        let cell = |p: (f32, f32)| ((p.0 / gap).floor() as i32, (p.1 / gap).floor() as i32);
        self.grid.clear();
        self.grid.extend(self.pos.iter().enumerate().map(|(i, &p)| {
            let (cx, cy) = cell(p);
            (cx, cy, i as u32)
        }));
        self.grid.sort_unstable();
        for f in &mut self.force {
            *f = (0.0, 0.0);
        }
        for &i in &self.hot {
            let a = self.pos[i as usize];
            let heat = self.heat[i as usize];
            let (cx, cy) = cell(a);
            let (mut px, mut py) = (0.0f32, 0.0f32);
            // The three cells of a grid column are adjacent in the sorted grid: one search per column.
            for gx in cx - 1..=cx + 1 {
                let lo = self
                    .grid
                    .partition_point(|&(x, y, _)| (x, y) < (gx, cy - 1));
                for &(x, y, j) in &self.grid[lo..] {
                    if x != gx || y > cy + 1 {
                        break;
                    }
                    if j == i {
                        continue;
                    }
                    let b = self.pos[j as usize];
                    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
                    let d2 = dx * dx + dy * dy;
                    if d2 >= gap * gap {
                        continue;
                    }
                    let d = d2.sqrt();
                    let push = (gap - d) * heat / (heat + self.heat[j as usize]);
                    if d < 1e-3 {
                        // On one spot: opposite directions, fixed by which index is lower.
                        let (ux, uy) = DIRECTIONS[i.min(j) as usize % DIRECTIONS.len()];
                        let sign = if i < j { 1.0 } else { -1.0 };
                        px += ux * push * sign;
                        py += uy * push * sign;
                    } else {
                        px += dx / d * push;
                        py += dy / d * push;
                    }
                }
            }
            // Many neighbours could add up to a jump: no more than one gap per iteration.
            let len = (px * px + py * py).sqrt();
            if len > gap {
                px *= gap / len;
                py *= gap / len;
            }
            self.force[i as usize] = (px, py);
        }
        let mut max_move = 0.0f32;
        for &i in &self.hot {
            let (px, py) = self.force[i as usize];
            let p = &mut self.pos[i as usize];
            *p = (p.0 + px, p.1 + py);
            max_move = max_move.max((px * px + py * py).sqrt());
        }
        max_move
    }

    /// Builds the quadtree over `self.pos`; each cell's (sx, sy) ends as its centre of mass.
    fn build_tree(&mut self) {
        self.cells.clear();
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(x, y) in &self.pos {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        let half = ((x1 - x0).max(y1 - y0) / 2.0).max(1.0) + 1.0;
        self.cells
            .push(Cell::new((x0 + x1) / 2.0, (y0 + y1) / 2.0, half));
        for b in 0..self.pos.len() {
            self.insert(b as u32);
        }
        for c in &mut self.cells {
            if c.mass > 0.0 {
                c.sx /= c.mass;
                c.sy /= c.mass;
            }
        }
    }

    fn insert(&mut self, body: u32) {
        let (x, y) = self.pos[body as usize];
        let mut ci = 0usize;
        let mut depth = 0;
        loop {
            let c = &mut self.cells[ci];
            let was_empty = c.mass == 0.0;
            c.mass += 1.0;
            c.sx += x;
            c.sy += y;
            if was_empty {
                c.body = body;
                return;
            }
            if c.is_leaf() {
                if depth >= MAX_DEPTH {
                    // Bodies this close stay together in one leaf.
                    return;
                }
                // Split: the leaf's body moves down one level, then this body goes on down.
                let old = c.body;
                c.body = NONE;
                let (ox, oy) = self.pos[old as usize];
                let child = self.child(ci, ox, oy);
                let oc = &mut self.cells[child];
                oc.mass = 1.0;
                oc.sx = ox;
                oc.sy = oy;
                oc.body = old;
            }
            ci = self.child(ci, x, y);
            depth += 1;
        }
    }

    /// The child of cell `ci` whose quadrant holds (x, y), created if missing.
    fn child(&mut self, ci: usize, x: f32, y: f32) -> usize {
        let c = self.cells[ci];
        let q = usize::from(x >= c.cx) + 2 * usize::from(y >= c.cy);
        if c.children[q] != NONE {
            return c.children[q] as usize;
        }
        let h = c.half / 2.0;
        let cx = if x >= c.cx { c.cx + h } else { c.cx - h };
        let cy = if y >= c.cy { c.cy + h } else { c.cy - h };
        let new = self.cells.len();
        self.cells.push(Cell::new(cx, cy, h));
        self.cells[ci].children[q] = new as u32;
        new
    }
}

/// Eight unit directions, for separating nodes that sit on one spot.
const DIRECTIONS: [(f32, f32); 8] = [
    (1.0, 0.0),
    (0.707_106_77, 0.707_106_77),
    (0.0, 1.0),
    (-0.707_106_77, 0.707_106_77),
    (-1.0, 0.0),
    (-0.707_106_77, -0.707_106_77),
    (0.0, -1.0),
    (0.707_106_77, -0.707_106_77),
];
