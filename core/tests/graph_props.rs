//! Properties: recipe text never panics and round-trips; random investigations keep the graph's
//! invariants and merging stays idempotent.

use std::collections::HashSet;

use atp_core::catalogue::relations;
use atp_core::graph::{Graph, NodeKey, Recipe, Step};
use atp_core::{Api, Entity, Returns, Route};
use proptest::prelude::*;
use serde_json::{json, Value};

fn api_strategy() -> impl Strategy<Value = Api> {
    prop_oneof![Just(Api::Wdatp), Just(Api::Defender)]
}

fn expandable(api: Api, entity: Entity) -> Vec<&'static Route> {
    relations(api, entity).collect()
}

/// A random step: op, entity, id, which relation.
fn step_strategy() -> impl Strategy<Value = (u8, usize, String, usize)> {
    (
        0u8..5,
        0usize..7,
        "\\PC{1,12}|[a-z0-9._\\\\-]{1,12}",
        0usize..8,
    )
}

fn build(api: Api, raw: &[(u8, usize, String, usize)]) -> Recipe {
    let mut steps = Vec::new();
    for (op, e, id, r) in raw {
        let entity = Entity::ALL[*e];
        let Some(key) = NodeKey::new(entity, id) else {
            continue;
        };
        let rels = expandable(api, entity);
        let route = (!rels.is_empty()).then(|| rels[r % rels.len()]);
        steps.push(match (op, route) {
            (0, _) => Step::Start(key),
            (2, _) | (_, None) => Step::Remove(key),
            (1, Some(route)) => Step::Expand(key, route),
            (3, Some(route)) => Step::Collapse(key, route),
            (_, Some(route)) => Step::More(key, route),
        });
    }
    Recipe { steps }
}

proptest! {
    #[test]
    fn any_text_parses_or_is_refused_without_panic(text in "\\PC{0,80}", api in api_strategy()) {
        let _ = Recipe::parse(&text, api);
    }

    #[test]
    fn near_recipes_parse_or_are_refused_without_panic(
        text in "[sxrcamudift'!~*0-9A-Fa-f._\\\\-]{0,60}",
        api in api_strategy(),
    ) {
        if let Ok(r) = Recipe::parse(&text, api) {
            // Whatever was accepted reads back the same from its own encoding.
            prop_assert_eq!(Recipe::parse(&r.encode(), api).unwrap(), r);
        }
    }

    #[test]
    fn recipes_round_trip(raw in prop::collection::vec(step_strategy(), 0..20), api in api_strategy()) {
        let recipe = build(api, &raw);
        let text = recipe.encode();
        prop_assert!(
            text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)),
            "not URL-safe: {}", text
        );
        let back = Recipe::parse(&text, api);
        prop_assert_eq!(back.as_ref(), Ok(&recipe), "{}", text);
    }
}

/// A small universe, so random expansions meet the same entities again.
fn entity_json(e: Entity, n: u8) -> Value {
    match e {
        Entity::Alert => json!({"id": format!("da{n}_1"), "title": format!("alert {n}")}),
        Entity::Machine => json!({"id": format!("{n:040x}"), "computerDnsName": format!("m{n}")}),
        Entity::User => json!({"id": format!("contoso\\u{n}"), "accountName": format!("u{n}")}),
        Entity::Domain => json!({"host": format!("d{n}.example.com")}),
        Entity::Ip => json!({"id": format!("10.0.0.{n}")}),
        Entity::File => json!({"sha1": format!("{n:040x}")}),
        Entity::Actor => json!({"id": format!("actor{n}")}),
        Entity::Incident => json!({"id": n.to_string(), "displayName": format!("incident {n}")}),
        Entity::AvHealth => json!({"machineId": format!("{n:040x}")}),
        _ => json!({"id": format!("{}-{n}", e.key())}),
    }
}

#[derive(Clone, Debug)]
enum Op {
    /// Expand the (i mod n)-th node along its (r mod k)-th relation with these entity numbers (255: junk).
    Expand(usize, usize, Vec<u8>),
    Remove(usize),
    Collapse(usize, usize),
    Start(u8),
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<usize>(), any::<usize>(), prop::collection::vec(prop_oneof![9 => 0u8..12, 1 => Just(255u8)], 0..6))
            .prop_map(|(i, r, v)| Op::Expand(i, r, v)),
        1 => any::<usize>().prop_map(Op::Remove),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(i, r)| Op::Collapse(i, r)),
        1 => (0u8..12).prop_map(Op::Start),
    ]
}

fn results(route: &Route, numbers: &[u8]) -> Vec<Value> {
    let entity = match route.returns {
        Returns::One(e) | Returns::Many(e) => e,
        Returns::Stats => return vec![json!({"organizationPrevalence": 3})],
        Returns::Value => return vec![json!("https://example.com/package.zip")],
    };
    numbers
        .iter()
        .map(|&n| {
            if n == 255 {
                json!({"junk": true})
            } else {
                entity_json(entity, n)
            }
        })
        .collect()
}

fn check_invariants(g: &Graph) -> Result<(), TestCaseError> {
    let keys: HashSet<&NodeKey> = g.nodes().iter().map(|n| &n.key).collect();
    prop_assert_eq!(keys.len(), g.nodes().len(), "one node per key");
    let mut edges = HashSet::new();
    for e in g.edges() {
        prop_assert!(
            keys.contains(&e.from) && keys.contains(&e.to),
            "dangling edge {:?}",
            e
        );
        prop_assert!(
            edges.insert((&e.from, &e.to, e.relation)),
            "duplicate edge {:?}",
            e
        );
        let rec = g.node(&e.from).and_then(|n| n.expansion(e.relation));
        prop_assert!(rec.is_some(), "edge without its expansion {:?}", e);
    }
    for n in g.nodes() {
        let p = g.path_to_start(&n.key);
        prop_assert!(
            !p.is_empty(),
            "{} is cut off from the starts",
            n.key.dom_key()
        );
        for rec in &n.expansions {
            let count = g
                .edges()
                .iter()
                .filter(|e| e.from == n.key && e.relation == rec.relation)
                .count();
            prop_assert_eq!(rec.results, count);
        }
        prop_assert!(n.pos.0.is_finite() && n.pos.1.is_finite());
    }
    let replayable = Recipe::parse(&g.recipe().encode(), g.api());
    prop_assert_eq!(replayable.as_ref(), Ok(g.recipe()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_investigations_keep_the_invariants(api in api_strategy(), ops in prop::collection::vec(op_strategy(), 1..30)) {
        let mut g = Graph::new(api);
        g.add_start(Entity::Alert, &entity_json(Entity::Alert, 0)).unwrap();
        for op in ops {
            if g.is_empty() {
                g.add_start(Entity::Alert, &entity_json(Entity::Alert, 0)).unwrap();
            }
            let pick = |i: usize| g.nodes()[i % g.nodes().len()].key.clone();
            match op {
                Op::Expand(i, r, numbers) => {
                    let from = pick(i);
                    let rels = expandable(api, from.entity());
                    if rels.is_empty() {
                        continue;
                    }
                    let route = rels[r % rels.len()];
                    let res = results(route, &numbers);
                    g.merge_expansion(&from, route, &res).unwrap();
                    // Idempotent: the same results again change nothing.
                    let snapshot = g.to_json();
                    let again = g.merge_expansion(&from, route, &res).unwrap();
                    prop_assert_eq!((again.added_nodes, again.added_edges), (0, 0));
                    prop_assert_eq!(g.to_json(), snapshot);
                }
                Op::Remove(i) => {
                    let k = pick(i);
                    g.remove_node(&k).unwrap();
                    prop_assert!(!g.contains(&k));
                }
                Op::Collapse(i, r) => {
                    let from = pick(i);
                    let done: Vec<&'static str> = g.node(&from).unwrap().expansions.iter().map(|e| e.relation).collect();
                    if done.is_empty() {
                        continue;
                    }
                    let route = api.route(done[r % done.len()]).unwrap();
                    g.collapse(&from, route).unwrap();
                    prop_assert!(g.edges().iter().all(|e| !(e.from == from && e.relation == route.key)));
                }
                Op::Start(n) => {
                    g.add_start(Entity::Alert, &entity_json(Entity::Alert, n)).unwrap();
                }
            }
            check_invariants(&g)?;
        }
    }
}
