//! The graph's labels: none covers another label or a node, on the seed's investigation, on graphs of the
//! sizes the bench draws, and on any graph proptest makes; a star of neighbours spreads evenly.
//! The overlap check here is brute force over every pair, independent of the placement's own grid.

mod common;

use atp_core::demo::{DemoConfig, DemoTenant};
use atp_core::graph::{
    edge_label_box, node_boxes, node_label_box, synthetic, EntityFilter, Graph, Labels, Layout,
    NodeKey, Rect, EDGE_LABELS_UP_TO,
};
use atp_core::{Api, Entity};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use serde_json::json;

/// Boxes, each with what it is.
type Named = Vec<(String, Rect)>;

/// Every label box placed, and every node's boxes.
fn boxes(g: &Graph, labels: &Labels) -> (Named, Named) {
    let mut texts = Vec::new();
    let mut nodes = Vec::new();
    for n in g.nodes() {
        for r in node_boxes(n) {
            nodes.push((format!("node {}", n.key.dom_key()), r));
        }
        if let Some(s) = labels.node(&n.key) {
            texts.push((
                format!("label of {}", n.key.dom_key()),
                node_label_box(n, s),
            ));
        }
    }
    for e in g.edges() {
        if let Some(s) = labels.edge(&e.from, &e.to, e.relation) {
            texts.push((format!("edge label {}", e.dom_key()), edge_label_box(e, s)));
        }
    }
    (texts, nodes)
}

/// Pairs of overlapping boxes: label with label, label with node.
fn overlaps(g: &Graph, labels: &Labels) -> Vec<String> {
    let (texts, nodes) = boxes(g, labels);
    let mut found = Vec::new();
    for (i, (a, ra)) in texts.iter().enumerate() {
        for (b, rb) in texts[i + 1..].iter().chain(&nodes) {
            if ra.overlaps(rb) {
                found.push(format!("{a} {ra:?} × {b} {rb:?}"));
            }
        }
    }
    found
}

fn rest(g: &mut Graph) {
    Layout::new().run_to_rest(g, 5_000);
}

fn seed_graph() -> Graph {
    common::seed_investigation(&DemoTenant::generate(&DemoConfig::new(
        Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap(),
    )))
}

#[test]
fn the_seed_investigation_shows_every_label_and_none_overlaps() {
    let g = seed_graph();
    assert!(g.nodes().len() >= 5, "{} nodes", g.nodes().len());
    let labels = g.place_labels(EntityFilter::ALL, None);
    assert_eq!(overlaps(&g, &labels), Vec::<String>::new());
    assert_eq!(labels.left_out, 0, "every label of the first look has room");
    assert_eq!(labels.placed(), g.nodes().len() + g.edges().len());
}

#[test]
fn the_selected_node_chooses_first() {
    let g = seed_graph();
    let last = g.nodes().last().unwrap().key.clone();
    let labels = g.place_labels(EntityFilter::ALL, Some(&last));
    // Its best place is below it, unless a node sits there.
    assert!(labels.node(&last).is_some());
    assert_eq!(overlaps(&g, &labels), Vec::<String>::new());
}

#[test]
fn graphs_of_the_bench_sizes_have_no_overlapping_labels() {
    for (nodes, edges) in [(50, 2), (200, 3), (1_000, 3)] {
        let mut g = synthetic(nodes, edges, 7);
        rest(&mut g);
        let labels = g.place_labels(EntityFilter::ALL, None);
        let found = overlaps(&g, &labels);
        assert!(
            found.is_empty(),
            "{nodes} nodes: {:#?}",
            &found[..found.len().min(5)]
        );
        // Many labels still find room (leaving them all out would also have no overlaps): at 1,000 nodes and
        // 3,000 edges, 41 % of the node labels; the rest show when a node is selected or pointed at. Edges are
        // labelled only in graphs small enough to draw each one.
        let labelled_edges = if g.edges().len() > EDGE_LABELS_UP_TO {
            0
        } else {
            g.edges().len()
        };
        let all = g.nodes().len() + labelled_edges;
        assert!(
            labels.placed() * 5 > all * 2,
            "{nodes} nodes: only {} of {all} labels placed",
            labels.placed()
        );
    }
}

#[test]
fn hidden_entity_types_take_no_room() {
    let g = seed_graph();
    let only_alerts = EntityFilter::only(&[Entity::Alert]);
    let labels = g.place_labels(only_alerts, None);
    assert!(g
        .nodes()
        .iter()
        .filter(|n| n.key.entity() != Entity::Alert)
        .all(|n| labels.node(&n.key).is_none()));
}

/// A start with `n` neighbours, at rest.
fn star(n: usize) -> (Graph, NodeKey) {
    let mut g = Graph::new(Api::Defender);
    let a = g.add_start(Entity::Alert, &json!({"id": "da1_1"})).unwrap();
    let route = Api::Defender.route("alerts.ips").unwrap();
    let ips: Vec<_> = (0..n)
        .map(|i| json!({"id": format!("10.0.0.{i}")}))
        .collect();
    g.merge_expansion(&a, route, &ips).unwrap();
    rest(&mut g);
    (g, a)
}

/// Up to a dozen neighbours sit on one even ring; more settle as two staggered rings, which is where the
/// layout's forces balance (a single ring of 16 or more buckles), each neighbour still in its own direction.
#[test]
fn a_star_spreads_its_neighbours_evenly() {
    for n in [3, 5, 8, 12, 16, 24] {
        let one_ring = n <= 12;
        let (g, centre) = star(n);
        let c = g.node(&centre).unwrap().pos;
        let mut angles: Vec<f32> = Vec::new();
        let mut radii: Vec<f32> = Vec::new();
        for node in g.nodes().iter().filter(|x| x.key != centre) {
            let (dx, dy) = (node.pos.0 - c.0, node.pos.1 - c.1);
            angles.push(dy.atan2(dx));
            radii.push((dx * dx + dy * dy).sqrt());
        }
        angles.sort_by(f32::total_cmp);
        let even = std::f32::consts::TAU / n as f32;
        let mut gaps: Vec<f32> = angles.windows(2).map(|w| w[1] - w[0]).collect();
        gaps.push(angles[0] + std::f32::consts::TAU - angles[n - 1]);
        let (lo, hi) = gaps
            .iter()
            .fold((f32::MAX, 0.0f32), |(lo, hi), &g| (lo.min(g), hi.max(g)));
        let (rlo, rhi) = radii
            .iter()
            .fold((f32::MAX, 0.0f32), |(lo, hi), &r| (lo.min(r), hi.max(r)));
        if one_ring {
            assert!(
                lo > 0.6 * even && hi < 1.6 * even,
                "{n} neighbours: angular gaps from {lo} to {hi}, even is {even}"
            );
            assert!(
                rhi < 1.35 * rlo,
                "{n} neighbours: radii from {rlo} to {rhi}"
            );
        } else {
            // Two rings: the whole turn is used (no wide empty sector) and no two neighbours crowd.
            assert!(hi < 2.5 * even, "{n} neighbours: an empty sector of {hi}");
            assert!(rhi < 2.0 * rlo, "{n} neighbours: radii from {rlo} to {rhi}");
            let leaves: Vec<_> = g.nodes().iter().filter(|x| x.key != centre).collect();
            for (i, a) in leaves.iter().enumerate() {
                for b in &leaves[i + 1..] {
                    let d = ((a.pos.0 - b.pos.0).powi(2) + (a.pos.1 - b.pos.1).powi(2)).sqrt();
                    assert!(d > 45.0, "{n} neighbours: two only {d} apart");
                }
            }
        }
        let labels = g.place_labels(EntityFilter::ALL, None);
        assert_eq!(overlaps(&g, &labels), Vec::<String>::new());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn no_placed_label_overlaps_anything(nodes in 2usize..120, edges in 1usize..4, seed in any::<u64>(), settle in any::<bool>()) {
        let mut g = synthetic(nodes, edges, seed);
        // Mid-layout too: the canvas places labels on every frame while nodes move.
        if settle {
            rest(&mut g);
        } else {
            Layout::new().step(&mut g, 3);
        }
        let first = g.nodes().last().map(|n| n.key.clone());
        let labels = g.place_labels(EntityFilter::ALL, first.as_ref());
        let found = overlaps(&g, &labels);
        prop_assert!(found.is_empty(), "{:#?}", &found[..found.len().min(5)]);
    }
}
