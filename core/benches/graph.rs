//! The graph layout's costs at 100, 1,000 and 5,000 nodes with ~3 edges per node: one iteration with
//! every node hot (the worst frame), the whole run to rest from placement, and an incremental expansion
//! of 40 nodes on a graph at rest (what the analyst waits for after a click).

use atp_core::graph::{synthetic, Graph, Layout};
use atp_core::Api;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use serde_json::json;

const SIZES: [usize; 3] = [100, 1_000, 5_000];

fn one_iteration(c: &mut Criterion) {
    let mut group = c.benchmark_group("layout: one iteration, all nodes hot");
    group.sample_size(10);
    for n in SIZES {
        let graph = synthetic(n, 3, 42);
        group.bench_with_input(BenchmarkId::from_parameter(n), &graph, |b, graph| {
            b.iter_batched_ref(
                || (graph.clone(), Layout::new()),
                |(g, layout)| layout.step(g, 1),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn to_rest(c: &mut Criterion) {
    let mut group = c.benchmark_group("layout: placement to rest");
    group.sample_size(10);
    for n in SIZES {
        let graph = synthetic(n, 3, 42);
        group.bench_with_input(BenchmarkId::from_parameter(n), &graph, |b, graph| {
            b.iter_batched_ref(
                || (graph.clone(), Layout::new()),
                |(g, layout)| layout.run_to_rest(g, 10_000),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn expansion(c: &mut Criterion) {
    let mut group = c.benchmark_group("layout: merge 40 new nodes into a graph at rest, to rest");
    group.sample_size(10);
    for n in SIZES {
        let mut graph = synthetic(n, 3, 42);
        Layout::new().run_to_rest(&mut graph, 10_000);
        let from = graph.nodes()[0].key.clone();
        let route = Api::Defender.route("alerts.ips").unwrap();
        let batch: Vec<_> = (0..40)
            .map(|i| json!({"id": format!("192.168.9.{i}")}))
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(n), &graph, |b, graph| {
            b.iter_batched_ref(
                || (graph.clone(), Layout::new()),
                |(g, layout): &mut (Graph, Layout)| {
                    g.merge_expansion(&from, route, &batch).unwrap();
                    layout.run_to_rest(g, 10_000)
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("merge: build the graph by expansions");
    group.sample_size(10);
    for n in SIZES {
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| synthetic(n, 3, 42))
        });
    }
    group.finish();
}

criterion_group!(benches, one_iteration, to_rest, expansion, build);
criterion_main!(benches);
