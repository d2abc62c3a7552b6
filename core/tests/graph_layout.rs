//! The layout: deterministic, incremental, finite, spread out, and done in a known number of iterations.

use atp_core::graph::{synthetic, Graph, Layout, NodeKey};
use atp_core::{Api, Entity};
use serde_json::json;

const CAP: usize = 2_000;

fn positions(g: &Graph) -> Vec<(u32, u32)> {
    g.nodes()
        .iter()
        .map(|n| (n.pos.0.to_bits(), n.pos.1.to_bits()))
        .collect()
}

fn rest(g: &mut Graph) -> usize {
    let n = Layout::new().run_to_rest(g, CAP);
    assert!(g.at_rest(), "not at rest after {n} iterations");
    n
}

fn min_distance(g: &Graph) -> f32 {
    let mut best = f32::MAX;
    let nodes = g.nodes();
    for (i, a) in nodes.iter().enumerate() {
        for b in &nodes[i + 1..] {
            let d = ((a.pos.0 - b.pos.0).powi(2) + (a.pos.1 - b.pos.1).powi(2)).sqrt();
            best = best.min(d);
        }
    }
    best
}

#[test]
fn the_same_input_gives_the_same_positions_bit_for_bit() {
    let mut a = synthetic(400, 3, 7);
    let mut b = synthetic(400, 3, 7);
    assert_eq!(positions(&a), positions(&b), "placement");
    // Different frame budgets, same iterations in the end.
    let mut la = Layout::new();
    let mut lb = Layout::new();
    let mut na = 0;
    while !a.at_rest() {
        na += la.step(&mut a, 3).iterations;
    }
    let nb = lb.step(&mut b, CAP).iterations;
    assert_eq!(na, nb);
    assert_eq!(positions(&a), positions(&b), "layout");
    assert_ne!(positions(&synthetic(400, 3, 8)), positions(&a));
}

#[test]
fn the_graph_comes_to_rest_in_a_bounded_number_of_iterations() {
    for n in [1, 2, 50, 1_000] {
        let mut g = synthetic(n, 3, 1);
        let iterations = rest(&mut g);
        // Heat 1 cools by 0.95 per iteration to 0.005: 104 iterations.
        assert!(iterations <= 110, "{n}: {iterations}");
        let again = Layout::new().step(&mut g, 10);
        assert_eq!(again.iterations, 0);
        assert!(again.at_rest);
    }
    let mut empty = Graph::new(Api::Defender);
    assert!(Layout::new().step(&mut empty, 10).at_rest);
}

#[test]
fn positions_stay_finite_and_nodes_apart() {
    for seed in 0..4 {
        let mut g = synthetic(600, 3, seed);
        assert!(
            g.edges().len() >= 2 * g.nodes().len(),
            "{} edges",
            g.edges().len()
        );
        rest(&mut g);
        assert!(g
            .nodes()
            .iter()
            .all(|n| n.pos.0.is_finite() && n.pos.1.is_finite()));
        // Nodes are drawn ~24 units wide: at rest none overlaps another.
        let d = min_distance(&g);
        assert!(d > 24.0, "seed {seed}: two nodes {d} apart");
    }
}

#[test]
fn nodes_on_one_spot_are_separated() {
    let mut g = Graph::new(Api::Defender);
    let a = g.add_start(Entity::Alert, &json!({"id": "da1_1"})).unwrap();
    let route = Api::Defender.route("alerts.ips").unwrap();
    let ips: Vec<_> = (0..20)
        .map(|i| json!({"id": format!("10.0.0.{i}")}))
        .collect();
    g.merge_expansion(&a, route, &ips).unwrap();
    let keys: Vec<NodeKey> = g.nodes().iter().map(|n| n.key.clone()).collect();
    for k in &keys {
        g.set_position(k, (5.0, 5.0), false);
    }
    rest(&mut g);
    assert!(min_distance(&g) > 10.0, "{}", min_distance(&g));
}

#[test]
fn existing_nodes_stay_where_they_were_when_new_ones_arrive() {
    let mut g = synthetic(500, 3, 3);
    rest(&mut g);
    let before: Vec<(NodeKey, (f32, f32))> =
        g.nodes().iter().map(|n| (n.key.clone(), n.pos)).collect();
    // Expand one node by a batch of 40 new entities plus a few it already had.
    let from = g
        .nodes()
        .iter()
        .find(|n| n.key.entity() == Entity::Machine)
        .unwrap()
        .key
        .clone();
    let route = Api::Defender.route("machines.alerts").unwrap();
    let mut batch: Vec<_> = (0..40)
        .map(|i| json!({"id": format!("new{i}_1"), "title": format!("New {i}")}))
        .collect();
    batch.extend(
        g.nodes()
            .iter()
            .filter(|n| n.key.entity() == Entity::Alert)
            .take(3)
            .map(|n| n.detail.clone()),
    );
    let report = g.merge_expansion(&from, route, &batch).unwrap();
    assert_eq!(report.added_nodes, 40);
    rest(&mut g);
    let mut worst: f32 = 0.0;
    for (k, (x, y)) in &before {
        let n = g.node(k).unwrap();
        let moved = ((n.pos.0 - x).powi(2) + (n.pos.1 - y).powi(2)).sqrt();
        if *k == from {
            // The expanded node is warmed a little: 0.1 × 30 units / (1 − 0.95) at most.
            assert!(moved <= 60.0, "the expanded node moved {moved}");
        } else {
            worst = worst.max(moved);
        }
    }
    assert_eq!(worst, 0.0, "old nodes moved up to {worst}");
    // The newcomers are near the node they came from.
    let centre = g.node(&from).unwrap().pos;
    for n in &g.nodes()[before.len()..] {
        let d = ((n.pos.0 - centre.0).powi(2) + (n.pos.1 - centre.1).powi(2)).sqrt();
        assert!(d < 800.0, "{} is {d} away", n.label);
    }
    assert!(g
        .nodes()
        .iter()
        .all(|n| n.pos.0.is_finite() && n.pos.1.is_finite()));
}

#[test]
fn pinned_nodes_do_not_move() {
    let mut g = synthetic(200, 3, 5);
    let k = g.nodes()[10].key.clone();
    assert!(g.set_position(&k, (1_000.0, -1_000.0), true));
    rest(&mut g);
    assert_eq!(g.node(&k).unwrap().pos, (1_000.0, -1_000.0));
    // A non-finite position from the UI is ignored, not stored.
    g.set_position(&k, (f32::NAN, 0.0), true);
    assert_eq!(g.node(&k).unwrap().pos, (1_000.0, -1_000.0));
}

#[test]
fn a_thousand_nodes_and_three_thousand_edges_lay_out_in_time() {
    let started = std::time::Instant::now();
    let mut g = synthetic(1_000, 3, 11);
    assert!(g.edges().len() >= 2_500, "{} edges", g.edges().len());
    let made = started.elapsed();
    let iterations = rest(&mut g);
    let total = started.elapsed();
    // Generous for a debug build on a shared machine; the benchmark has the real numbers.
    assert!(
        total.as_secs_f32() < 60.0,
        "{made:?} to build, {total:?} with {iterations} iterations"
    );
}
