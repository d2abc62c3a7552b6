//! Large investigation graphs made up for benchmarks and performance tests (native and in the browser).
//!
//! Built through the same [`Graph::merge_expansion`] the app uses, so node placement is the real one.

use serde_json::{json, Value};

use crate::catalogue::{relations, Api, Entity, Returns};

use super::{Graph, NodeKey};

/// SplitMix64: a seeded generator, so the same arguments always give the same graph.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn entity_json(e: Entity, n: usize) -> Value {
    match e {
        Entity::Alert => json!({
            "id": format!("da{:018}_{}", n, n % 997),
            "title": format!("Suspicious activity {n}"),
            "firstEventTime": format!("2026-11-{:02}T{:02}:00:00Z", 1 + n % 28, n % 24),
            "lastEventTime": format!("2026-11-{:02}T{:02}:30:00Z", 1 + n % 28, n % 24),
        }),
        Entity::Machine => {
            json!({"id": format!("{n:040x}"), "computerDnsName": format!("host-{n}.contoso.com")})
        }
        Entity::User => {
            json!({"id": format!("contoso\\user{n}"), "accountName": format!("user{n}"), "accountDomain": "contoso"})
        }
        Entity::Domain => json!({"host": format!("d{n}.example.com")}),
        Entity::Ip => {
            json!({"id": format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)})
        }
        Entity::File => json!({"sha1": format!("{:040x}", n as u64 ^ 0xF11E)}),
        Entity::Incident => json!({"id": n.to_string(), "displayName": format!("Incident {n}")}),
        Entity::Actor => json!({"id": format!("actor{n}")}),
        Entity::MachineAction => {
            json!({"id": format!("{n:08x}-0000-4000-8000-000000000000"), "type": "Isolate"})
        }
        Entity::Investigation => json!({"id": n.to_string(), "state": "Running"}),
        Entity::Indicator => json!({"id": n.to_string(), "indicatorValue": format!("{n:040x}")}),
        Entity::Software => {
            json!({"id": format!("vendor{n}-_-product{n}"), "name": format!("product{n}")})
        }
        Entity::Vulnerability => {
            json!({"id": format!("CVE-2026-{n:05}"), "name": format!("CVE-2026-{n:05}")})
        }
        Entity::Recommendation => json!({"id": format!("va-_-vendor{n}-_-product{n}")}),
        Entity::RemediationTask => {
            json!({"id": format!("{n:08x}-task"), "title": format!("Update {n}")})
        }
        Entity::Kb => json!({"id": format!("{}", 5_000_000 + n)}),
        Entity::Score | Entity::AvHealth | Entity::Assessment => json!({"id": n.to_string()}),
    }
}

/// A Defender graph of `nodes` nodes and about `edges_per_node` × `nodes` edges (a few more at most), from
/// one start alert, grown by expansions of random nodes along their relations, each returning a few new
/// entities and some already in the graph; then more expansions returning only entities already there,
/// until the edges are there. Nothing is laid out yet: every node is hot, where placement put it.
pub fn synthetic(nodes: usize, edges_per_node: usize, seed: u64) -> Graph {
    let api = Api::Defender;
    let mut rng = Mix(seed);
    let mut g = Graph::new(api);
    let mut counter = 0usize;
    let _ = g.add_start(Entity::Alert, &entity_json(Entity::Alert, counter));
    counter += 1;
    // Keys of each entity type, to return entities the graph has already.
    let mut known: Vec<Vec<NodeKey>> = vec![Vec::new(); Entity::ALL.len()];
    let slot = |e: Entity| Entity::ALL.iter().position(|x| *x == e).unwrap_or(0);
    if let Some(first) = g.nodes().first() {
        known[slot(Entity::Alert)].push(first.key.clone());
    }
    let mut stalls = 0;
    let edges = nodes * edges_per_node;
    // First grow to `nodes` nodes, then add links between nodes already there until `edges` edges.
    while (g.nodes().len() < nodes || g.edges().len() < edges) && stalls < 10_000 {
        let full = g.nodes().len() >= nodes;
        let from = g.nodes()[rng.below(g.nodes().len())].key.clone();
        // Relations read from a filtered list (a machine's actions) came later: left out, the graphs
        // stay the ones the benchmark and the layout tests measured.
        let routes: Vec<_> = relations(api, from.entity())
            .filter(|r| !matches!(r.returns, Returns::Stats | Returns::Value))
            .filter(|r| r.listed_by.is_none())
            .collect();
        if routes.is_empty() {
            stalls += 1;
            continue;
        }
        let route = routes[rng.below(routes.len())];
        let (target, many) = match route.returns {
            Returns::Many(e) => (e, true),
            Returns::One(e) => (e, false),
            Returns::Stats | Returns::Value => continue,
        };
        let new = match (full, many) {
            (true, _) => 0,
            (false, true) => 1 + rng.below(4),
            (false, false) => 1,
        };
        let mut results = Vec::new();
        for _ in 0..new.min(nodes.saturating_sub(g.nodes().len())) {
            results.push(entity_json(target, counter));
            counter += 1;
        }
        if many {
            let pool = &known[slot(target)];
            let reuse = if full {
                1 + rng.below(4)
            } else {
                new * edges_per_node.saturating_sub(1)
            };
            for _ in 0..reuse {
                if pool.is_empty() {
                    break;
                }
                let k = &pool[rng.below(pool.len())];
                if let Some(n) = g.node(k) {
                    results.push(n.detail.clone());
                }
            }
        }
        let (before, edges_before) = (g.nodes().len(), g.edges().len());
        if g.merge_expansion(&from, route, &results).is_err() {
            stalls += 1;
            continue;
        }
        for n in &g.nodes()[before..] {
            known[slot(n.key.entity())].push(n.key.clone());
        }
        if g.nodes().len() > before || g.edges().len() > edges_before {
            stalls = 0;
        } else {
            stalls += 1;
        }
    }
    g
}
