//! Where the graph's labels go: each node's name and each edge's relation placed so that no label covers
//! another label or a node, for the canvas and the SVG export alike.
//!
//! Greedy placement, as map labelling does it: labels are taken in order of importance (the selected
//! node, the starts, then by how many edges a node has), each tries a fixed list of positions around its
//! node (below, right, left, above, the corners, then further out) or along its edge (the middle first,
//! then towards the ends), and takes the first one whose box meets nothing placed before it. A label with
//! no free position is left out of the picture; the node still has its full name (its accessible name and
//! tooltip, the side panel), so nothing is lost, only not drawn on top of something else.
//!
//! Text is measured by an estimate of the canvas font's advance widths that errs on the wide side, so a
//! box is never narrower than what the browser draws. All of it is in layout units: labels scale with the
//! view, so a placement free of overlaps stays free at every zoom.

use std::collections::HashMap;

use super::{Edge, EntityFilter, Graph, Node, NodeKey};

/// Font sizes of node and edge labels in layout units (the stylesheet's `.glabel` and `.elabel`).
pub const NODE_FONT: f32 = 11.0;
pub const EDGE_FONT: f32 = 9.0;
/// A label on the canvas is at most this many characters; the full name is on focus and in the panel.
pub const CANVAS_LABEL_CHARS: usize = 28;

/// Half the size of a node's shape (shapes are at most 26 units across), with a unit of air.
const NODE_HALF: f32 = 15.0;
/// Up to this many edges shown, each is drawn with its label; beyond, the canvas draws all edges as one
/// path and the side panel names a node's relations.
pub const EDGE_LABELS_UP_TO: usize = 150;
/// Space kept around every label's text.
const PAD: f32 = 1.5;
/// The expansion badge's box, relative to its node (drawn at x 14, baseline −12, 9 units high).
const BADGE: Rect = Rect {
    x0: 12.0,
    y0: -21.0,
    x1: 40.0,
    y1: -9.0,
};

/// How a label's text is anchored at its point (SVG's `text-anchor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub fn svg(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Where one label's text is drawn: its anchor point on the baseline (relative to the node for node
/// labels, absolute for edge labels) and how the text hangs off it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spot {
    pub x: f32,
    pub y: f32,
    pub anchor: Anchor,
}

/// An axis-aligned box in layout units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn shifted(self, (x, y): (f32, f32)) -> Rect {
        Rect {
            x0: self.x0 + x,
            y0: self.y0 + y,
            x1: self.x1 + x,
            y1: self.y1 + y,
        }
    }

    /// The box of `width` × a line of `font` whose text is anchored at `spot` (baseline).
    fn of_text(spot: Spot, width: f32, font: f32) -> Rect {
        let x0 = match spot.anchor {
            Anchor::Start => spot.x,
            Anchor::Middle => spot.x - width / 2.0,
            Anchor::End => spot.x - width,
        };
        Rect {
            x0: x0 - PAD,
            y0: spot.y - 0.8 * font - PAD,
            x1: x0 + width + PAD,
            y1: spot.y + 0.25 * font + PAD,
        }
    }
}

/// The width `text` takes at `font`, estimated wide: per character, the advance of the widest common
/// sans-serif face (DejaVu Sans) for its class, and a full em for anything outside ASCII.
pub fn text_width(text: &str, font: f32) -> f32 {
    let ems: f32 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.32,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' => 0.44,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 1.0,
            'A'..='Z' => 0.78,
            c if c.is_ascii() => 0.66,
            _ => 1.0,
        })
        .sum();
    ems * font
}

/// The label a node shows on the canvas: its name, cut to [`CANVAS_LABEL_CHARS`] with an ellipsis.
pub fn canvas_label(label: &str) -> String {
    if label.chars().count() <= CANVAS_LABEL_CHARS {
        return label.to_string();
    }
    let mut cut: String = label.chars().take(CANVAS_LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The text on an edge: its relation without the entity prefix (`alerts.machines` → `machines`).
pub fn edge_text(relation: &str) -> &str {
    relation.split_once('.').map_or(relation, |(_, r)| r)
}

/// An edge, as the placement names it.
pub type EdgeId = (NodeKey, NodeKey, &'static str);

/// Every label's place, or its absence when nowhere was free.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Labels {
    nodes: HashMap<NodeKey, Spot>,
    edges: HashMap<EdgeId, Spot>,
    /// Labels that found no free place.
    pub left_out: usize,
}

impl Labels {
    /// Where a node's label goes, relative to the node; `None`: not drawn.
    pub fn node(&self, key: &NodeKey) -> Option<Spot> {
        self.nodes.get(key).copied()
    }

    /// Where an edge's label goes (absolute); `None`: not drawn.
    pub fn edge(&self, from: &NodeKey, to: &NodeKey, relation: &'static str) -> Option<Spot> {
        self.edges
            .get(&(from.clone(), to.clone(), relation))
            .copied()
    }

    pub fn placed(&self) -> usize {
        self.nodes.len() + self.edges.len()
    }
}

/// Positions a node label tries, relative to its node, best first.
const NODE_SPOTS: [Spot; 12] = [
    spot(0.0, 27.0, Anchor::Middle),
    spot(18.0, 4.0, Anchor::Start),
    spot(-18.0, 4.0, Anchor::End),
    spot(0.0, -18.0, Anchor::Middle),
    spot(14.0, 24.0, Anchor::Start),
    spot(-14.0, 24.0, Anchor::End),
    spot(-14.0, -15.0, Anchor::End),
    spot(42.0, -12.0, Anchor::Start),
    spot(0.0, 40.0, Anchor::Middle),
    spot(0.0, -31.0, Anchor::Middle),
    spot(30.0, 4.0, Anchor::Start),
    spot(-30.0, 4.0, Anchor::End),
];

const fn spot(x: f32, y: f32, anchor: Anchor) -> Spot {
    Spot { x, y, anchor }
}

/// Where along its edge an edge label tries to sit, as a fraction of the way from one end, best first.
const EDGE_STOPS: [f32; 7] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78];

/// Boxes placed so far, found by a uniform grid.
struct Taken {
    cell: f32,
    grid: HashMap<(i32, i32), Vec<Rect>>,
}

impl Taken {
    fn new() -> Taken {
        Taken {
            cell: 64.0,
            grid: HashMap::new(),
        }
    }

    fn cells(&self, r: &Rect) -> impl Iterator<Item = (i32, i32)> {
        let c = self.cell;
        let (x0, x1) = ((r.x0 / c).floor() as i32, (r.x1 / c).floor() as i32);
        let (y0, y1) = ((r.y0 / c).floor() as i32, (r.y1 / c).floor() as i32);
        // A box wider than the whole drawing would be absurd; bound the cells it is filed under.
        let x1 = x1.min(x0 + 64);
        let y1 = y1.min(y0 + 64);
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    }

    fn free(&self, r: &Rect) -> bool {
        self.cells(r).all(|c| {
            self.grid
                .get(&c)
                .is_none_or(|boxes| boxes.iter().all(|b| !b.overlaps(r)))
        })
    }

    fn take(&mut self, r: Rect) {
        let cells: Vec<_> = self.cells(&r).collect();
        for c in cells {
            self.grid.entry(c).or_default().push(r);
        }
    }
}

/// The box a node's shape (and its badge, once expanded) covers.
pub fn node_boxes(n: &Node) -> impl Iterator<Item = Rect> {
    let shape = Rect {
        x0: -NODE_HALF,
        y0: -NODE_HALF,
        x1: NODE_HALF,
        y1: NODE_HALF,
    };
    let badge = (!n.expansions.is_empty()).then_some(BADGE);
    let at = n.pos;
    std::iter::once(shape)
        .chain(badge)
        .map(move |r| r.shifted(at))
}

/// The box of a node's label at `spot` (relative to the node).
pub fn node_label_box(n: &Node, at: Spot) -> Rect {
    let text = canvas_label(&n.label);
    Rect::of_text(at, text_width(&text, NODE_FONT), NODE_FONT).shifted(n.pos)
}

/// The box of an edge's label at `spot` (absolute).
pub fn edge_label_box(e: &Edge, at: Spot) -> Rect {
    Rect::of_text(at, text_width(edge_text(e.relation), EDGE_FONT), EDGE_FONT)
}

impl Graph {
    /// Places the labels of the nodes and edges `filter` shows; `first` (the selected node) chooses first.
    pub fn place_labels(&self, filter: EntityFilter, first: Option<&NodeKey>) -> Labels {
        let shown = self.visible(filter);
        let mut taken = Taken::new();
        for n in &shown.nodes {
            for r in node_boxes(n) {
                taken.take(r);
            }
        }
        let mut degree: HashMap<&NodeKey, usize> = HashMap::new();
        for e in &shown.edges {
            *degree.entry(&e.from).or_default() += 1;
            *degree.entry(&e.to).or_default() += 1;
        }
        let mut order: Vec<(usize, &Node)> = shown.nodes.iter().copied().enumerate().collect();
        order.sort_by_key(|(i, n)| {
            (
                Some(&n.key) != first,
                !n.start,
                std::cmp::Reverse(degree.get(&n.key).copied().unwrap_or(0)),
                *i,
            )
        });
        let mut labels = Labels::default();
        for (_, n) in order {
            if n.label.is_empty() {
                continue;
            }
            let found = NODE_SPOTS
                .iter()
                .map(|&s| (s, node_label_box(n, s)))
                .find(|(_, r)| taken.free(r));
            match found {
                Some((s, r)) => {
                    taken.take(r);
                    labels.nodes.insert(n.key.clone(), s);
                }
                None => labels.left_out += 1,
            }
        }
        let edges = if shown.edges.len() > EDGE_LABELS_UP_TO {
            &[][..]
        } else {
            &shown.edges[..]
        };
        for e in edges {
            let (Some(a), Some(b)) = (self.node(&e.from), self.node(&e.to)) else {
                continue;
            };
            let text_h = 0.3 * EDGE_FONT;
            let found = EDGE_STOPS
                .iter()
                .map(|&t| {
                    let x = a.pos.0 + (b.pos.0 - a.pos.0) * t;
                    let y = a.pos.1 + (b.pos.1 - a.pos.1) * t;
                    spot(x, y + text_h, Anchor::Middle)
                })
                .map(|s| (s, edge_label_box(e, s)))
                .find(|(_, r)| taken.free(r));
            match found {
                Some((s, r)) => {
                    taken.take(r);
                    labels
                        .edges
                        .insert((e.from.clone(), e.to.clone(), e.relation), s);
                }
                None => labels.left_out += 1,
            }
        }
        labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_with_an_ellipsis_and_short_ones_kept() {
        assert_eq!(canvas_label("WIN-SERVER"), "WIN-SERVER");
        let long = "a".repeat(40);
        let cut = canvas_label(&long);
        assert_eq!(cut.chars().count(), CANVAS_LABEL_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn a_text_box_hangs_off_its_anchor() {
        let w = text_width("abc", 10.0);
        let mid = Rect::of_text(spot(0.0, 0.0, Anchor::Middle), w, 10.0);
        assert!((mid.x0 + mid.x1).abs() < 1e-3);
        let start = Rect::of_text(spot(5.0, 0.0, Anchor::Start), w, 10.0);
        assert!((start.x0 - (5.0 - PAD)).abs() < 1e-3);
        let end = Rect::of_text(spot(5.0, 0.0, Anchor::End), w, 10.0);
        assert!((end.x1 - (5.0 + PAD)).abs() < 1e-3);
        assert!(mid.y0 < 0.0 && mid.y1 > 0.0);
    }

    #[test]
    fn wide_letters_measure_wider() {
        assert!(text_width("WWW", 11.0) > text_width("iii", 11.0) * 2.0);
        assert!(text_width("é", 11.0) >= 11.0);
    }
}
