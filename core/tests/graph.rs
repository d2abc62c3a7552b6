//! The investigation graph: identity and labels, merge, remove, collapse, paths, recipe, exports.
//! Test data comes from the demo tenant, answered through the same URLs the app would call.

use std::sync::OnceLock;

use atp_core::demo::{
    hostile_long_string, DemoConfig, DemoTenant, Variant, HOSTILE_PAYLOADS, SOURCE_ALERT_ID,
    SOURCE_MACHINE_ID,
};
use atp_core::graph::{
    escape_xml, identify, results_of, visible, EntityFilter, Graph, GraphError, NodeKey, Recipe,
    Step, SvgOptions, LABEL_MAX_CHARS,
};
use atp_core::{Api, Entity, Profile, Region, Route};
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};

const DEFENDER: Profile = Profile::Defender(Region::Global);

fn tenant_of(variant: Variant) -> &'static DemoTenant {
    static NORMAL: OnceLock<DemoTenant> = OnceLock::new();
    static HOSTILE: OnceLock<DemoTenant> = OnceLock::new();
    let cell = match variant {
        Variant::Normal => &NORMAL,
        Variant::Hostile => &HOSTILE,
    };
    cell.get_or_init(|| {
        DemoTenant::generate(&DemoConfig {
            variant,
            scale: 300,
            ..DemoConfig::new(Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap())
        })
    })
}

fn tenant() -> &'static DemoTenant {
    tenant_of(Variant::Normal)
}

fn route(api: Api, key: &str) -> &'static Route {
    api.route(key).unwrap_or_else(|| panic!("no route {key}"))
}

fn key(entity: Entity, id: &str) -> NodeKey {
    NodeKey::new(entity, id).unwrap()
}

fn body(t: &DemoTenant, profile: Profile, url: &str) -> Value {
    let r = t.respond("GET", url, profile);
    assert_eq!(r.status, 200, "{url}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn profile_of(api: Api) -> Profile {
    match api {
        Api::Wdatp => Profile::Wdatp,
        Api::Defender => DEFENDER,
        Api::Graph => Profile::Graph,
    }
}

/// Expands `from` along `route_key` against the demo tenant, as the app does.
fn expand(
    t: &DemoTenant,
    g: &mut Graph,
    from: &NodeKey,
    route_key: &str,
) -> atp_core::graph::MergeReport {
    let profile = profile_of(g.api());
    let r = route(g.api(), route_key);
    let url = g.expansion_query(profile, from, r).unwrap().url();
    let resp = t.respond("GET", &url, profile);
    // A `Returns::One` relation answers 404 when there is none: an expansion with no results.
    assert!(
        resp.status == 200 || resp.status == 404,
        "{url}: {}",
        resp.body
    );
    let b: Value = serde_json::from_str(&resp.body).unwrap();
    g.merge_expansion(from, r, results_of(&b)).unwrap()
}

fn start_alert(t: &DemoTenant, api: Api, id: &str) -> (Graph, NodeKey) {
    let mut g = Graph::new(api);
    let b = body(t, profile_of(api), &format!("/alerts/{id}"));
    let k = g.add_start(Entity::Alert, &b).unwrap();
    (g, k)
}

/// Replays a recipe against the demo tenant: what the app does on reload.
fn replay(t: &DemoTenant, api: Api, recipe: &Recipe) -> Graph {
    let mut g = Graph::new(api);
    for step in &recipe.steps {
        match step {
            Step::Start(k) => {
                let get = atp_core::catalogue::routes_for(api, k.entity()).find(|r| {
                    r.params.len() == 1 && r.returns == atp_core::Returns::One(k.entity())
                });
                let fetched = get.and_then(|r| {
                    let mut q = atp_core::Query::new(profile_of(api), r);
                    q.set_param("id", k.id());
                    let resp = t.respond("GET", &q.url(), profile_of(api));
                    (resp.status == 200).then(|| serde_json::from_str::<Value>(&resp.body).unwrap())
                });
                match fetched {
                    Some(b) => {
                        g.add_start(k.entity(), &b).unwrap();
                    }
                    None => {
                        g.add_start_key(k.clone());
                    }
                }
            }
            Step::Expand(k, r) => {
                expand(t, &mut g, k, r.key);
            }
            Step::Remove(k) => {
                g.remove_node(k).unwrap();
            }
            Step::Collapse(k, r) => {
                g.collapse(k, r).unwrap();
            }
            // This replay merges every result of an expansion at once: nothing is left for "more".
            Step::More(..) => {}
        }
    }
    g
}

#[test]
fn every_entity_gets_its_key_and_label_from_the_models() {
    let alert = identify(Entity::Alert, &json!({"id": "636341278149188342_1960231459", "title": "Suspicious PowerShell", "alertCreationTime": "2017-06-27T02:36:53Z"})).unwrap();
    assert_eq!(alert.label, "Suspicious PowerShell");
    assert_eq!(alert.key.id(), "636341278149188342_1960231459");
    assert!(
        alert.span.is_some(),
        "creation time stands in for missing event times"
    );

    // The 2017 samples write machines without a DNS name as "".
    let m = identify(
        Entity::Machine,
        &json!({"id": "FADD8A46F4CC722A0391FDEE82A7503B9591B3B9", "computerDnsName": ""}),
    )
    .unwrap();
    assert_eq!(m.label, "FADD8A46F4CC…");
    assert_eq!(m.key.id(), "fadd8a46f4cc722a0391fdee82a7503b9591b3b9");
    assert_eq!(m.api_id, "FADD8A46F4CC722A0391FDEE82A7503B9591B3B9");
    let m = identify(
        Entity::Machine,
        &json!({"id": "ab", "computerDnsName": "ws1.contoso.com"}),
    )
    .unwrap();
    assert_eq!(m.label, "ws1.contoso.com");

    // 2017 user (accountDomainName) and today's (accountDomain).
    let u = identify(Entity::User, &json!({"id": "UserPII_1\\DomainPII_2", "accountName": "DomainPII_2", "accountDomainName": "UserPII_1"})).unwrap();
    assert_eq!(u.label, "UserPII_1\\DomainPII_2");
    let u = identify(
        Entity::User,
        &json!({"id": "contoso\\user1", "accountName": "user1", "accountDomain": "contoso"}),
    )
    .unwrap();
    assert_eq!(
        (u.label.as_str(), u.key.id()),
        ("contoso\\user1", "contoso\\user1")
    );

    let d = identify(Entity::Domain, &json!({"host": "WWW.Example.com"})).unwrap();
    assert_eq!(
        (d.label.as_str(), d.key.id()),
        ("WWW.Example.com", "www.example.com")
    );
    let ip = identify(Entity::Ip, &json!({"id": "104.80.104.128"})).unwrap();
    assert_eq!(ip.label, "104.80.104.128");
    let f = identify(Entity::File, &json!({"sha1": null, "sha256": "c815e0abb8273ba4ea6ca92d430d9e4d065dbb52877a9ce6a8371e5881bd7a94", "md5": "776c"})).unwrap();
    assert_eq!(f.label, "c815e0abb827…");
    let f = identify(
        Entity::File,
        &json!({"sha1": "121c7060dada38275d7082a4b9dc62641b255c36", "fileName": "invoice.exe"}),
    )
    .unwrap();
    assert_eq!(
        (f.label.as_str(), f.key.id()),
        ("invoice.exe", "121c7060dada38275d7082a4b9dc62641b255c36")
    );
    let a = identify(
        Entity::Actor,
        &json!({"id": "zinc", "linkToReport": "link-to-pdf"}),
    )
    .unwrap();
    assert_eq!(a.label, "zinc");

    // Not an entity: no panic, no node.
    for bad in [
        json!(null),
        json!([1, 2]),
        json!("x"),
        json!({}),
        json!({"id": ""}),
        json!({"id": 5}),
        json!({"id": "  "}),
    ] {
        for e in Entity::ALL {
            if e == Entity::Indicator && bad == json!({"id": 5}) {
                // An indicator's id is a number.
                assert_eq!(identify(e, &bad).map(|i| i.api_id), Some("5".into()));
                continue;
            }
            assert!(identify(e, &bad).is_none(), "{e:?} {bad}");
        }
    }
}

#[test]
fn labels_are_short_and_show_invisible_characters() {
    let long = hostile_long_string();
    let a = identify(Entity::Alert, &json!({"id": "1_1", "title": long})).unwrap();
    assert_eq!(a.label.chars().count(), LABEL_MAX_CHARS);
    let a = identify(
        Entity::Alert,
        &json!({"id": "1_1", "title": "\u{202E}fdp.exe\u{202C} invoice"}),
    )
    .unwrap();
    assert_eq!(a.label, "\\u{202E}fdp.exe\\u{202C} invoice");
    assert_eq!(
        visible("zero\u{200B}width\u{FEFF}"),
        "zero\\u{200B}width\\u{FEFF}"
    );
    assert_eq!(visible("nul\u{0}"), "nul\\u{0}");
    assert_eq!(visible("plain"), "plain");
}

#[test]
fn merging_the_same_expansion_twice_changes_nothing() {
    let t = tenant();
    for api in [Api::Wdatp, Api::Defender] {
        let (mut g, a) = start_alert(t, api, SOURCE_ALERT_ID);
        let first: Vec<_> = atp_core::catalogue::relations(api, Entity::Alert)
            .map(|r| (r.key, expand(t, &mut g, &a, r.key)))
            .collect();
        assert!(
            first.iter().any(|(_, r)| r.added_nodes > 0),
            "{api:?}: {first:?}"
        );
        let snapshot = g.to_json();
        for (key, _) in &first {
            let again = expand(t, &mut g, &a, key);
            assert_eq!((again.added_nodes, again.added_edges), (0, 0), "{key}");
        }
        assert_eq!(g.to_json(), snapshot, "{api:?}");
    }
}

#[test]
fn one_node_per_entity_and_one_edge_per_relation() {
    let mut g = Graph::new(Api::Defender);
    let a = g
        .add_start(Entity::Alert, &json!({"id": "da1_1", "title": "A"}))
        .unwrap();
    let files = [
        json!({"sha1": "AAAA000000000000000000000000000000000001"}),
        json!({"sha1": "aaaa000000000000000000000000000000000001", "size": 5}),
        json!({"sha1": "bbbb000000000000000000000000000000000002"}),
        json!({"nothing": true}),
    ];
    let report = g
        .merge_expansion(&a, route(Api::Defender, "alerts.files"), &files)
        .unwrap();
    assert_eq!(
        (report.added_nodes, report.added_edges, report.skipped),
        (2, 2, 1)
    );
    assert_eq!(g.nodes().len(), 3);
    assert_eq!(g.edges().len(), 2);
    assert_eq!(
        g.edges()[0].dom_key(),
        "alert:da1_1>alerts.files>file:aaaa000000000000000000000000000000000001"
    );
    let f1 = g
        .node(&key(
            Entity::File,
            "aaaa000000000000000000000000000000000001",
        ))
        .unwrap();
    // A later, richer sight of the same entity fills in what was missing.
    assert_eq!(f1.detail["size"], json!(5));
    assert_eq!(f1.api_id, "AAAA000000000000000000000000000000000001");
    let rec = g.node(&a).unwrap().expansion("alerts.files").unwrap();
    assert_eq!((rec.results, rec.added), (2, 2));

    // The reverse pivot is a different relation: its own edge, no new node.
    let f1k = f1.key.clone();
    let back = g
        .merge_expansion(
            &f1k,
            route(Api::Defender, "files.alerts"),
            &[json!({"id": "DA1_1"}), json!({"id": "da2_2"})],
        )
        .unwrap();
    assert_eq!((back.added_nodes, back.added_edges), (1, 2));
    let rec = g.node(&f1k).unwrap().expansion("files.alerts").unwrap();
    assert_eq!((rec.results, rec.added), (2, 1));

    // A second page of the same expansion adds to the same record.
    g.merge_expansion(
        &a,
        route(Api::Defender, "alerts.files"),
        &[json!({"sha1": "cccc000000000000000000000000000000000003"})],
    )
    .unwrap();
    let rec = g.node(&a).unwrap().expansion("alerts.files").unwrap();
    assert_eq!((rec.results, rec.added), (3, 3));
    assert_eq!(g.node(&a).unwrap().expansions.len(), 1);
}

#[test]
fn merge_refuses_what_is_not_a_relation_of_the_node() {
    let mut g = Graph::new(Api::Defender);
    let a = g.add_start(Entity::Alert, &json!({"id": "da1_1"})).unwrap();
    let err = g
        .merge_expansion(&a, route(Api::Defender, "machines.alerts"), &[])
        .unwrap_err();
    assert!(matches!(err, GraphError::NotARelation { .. }));
    let err = g
        .merge_expansion(&a, route(Api::Wdatp, "alerts.machines"), &[])
        .unwrap_err();
    assert!(
        matches!(err, GraphError::NotARelation { .. }),
        "a route of the other API"
    );
    let err = g
        .merge_expansion(&a, route(Api::Defender, "alerts.get"), &[])
        .unwrap_err();
    assert!(
        matches!(err, GraphError::NotARelation { .. }),
        "alerts.get leads nowhere else"
    );
    let ghost = key(Entity::Alert, "nope");
    assert!(matches!(
        g.merge_expansion(&ghost, route(Api::Defender, "alerts.files"), &[]),
        Err(GraphError::UnknownNode(_))
    ));
    assert!(g
        .add_start(Entity::Alert, &json!({"title": "no id"}))
        .is_err());
}

#[test]
fn stats_stay_on_their_node() {
    let t = tenant();
    let mut g = Graph::new(Api::Defender);
    let d = t.dataset.domains[0].host.clone();
    let k = g.add_start_key(key(Entity::Domain, &d));
    let r = expand(t, &mut g, &k, "domains.stats");
    assert_eq!((r.added_nodes, r.added_edges), (0, 0));
    assert!(g.node(&k).unwrap().stats.is_some());
    assert!(g.node(&k).unwrap().expansion("domains.stats").is_some());
}

/// start alert A → machine M (alerts.machine) and files (alerts.files); M → its alerts.
fn investigation() -> (Graph, NodeKey, NodeKey) {
    let t = tenant();
    let (mut g, a) = start_alert(t, Api::Defender, SOURCE_ALERT_ID);
    expand(t, &mut g, &a, "alerts.files");
    expand(t, &mut g, &a, "alerts.machine");
    let m = key(Entity::Machine, SOURCE_MACHINE_ID);
    assert!(g.contains(&m));
    expand(t, &mut g, &m, "machines.alerts");
    (g, a, m)
}

#[test]
fn collapse_removes_only_what_that_expansion_added() {
    let (mut g, a, m) = investigation();
    let files: Vec<NodeKey> = g
        .nodes()
        .iter()
        .filter(|n| n.key.entity() == Entity::File)
        .map(|n| n.key.clone())
        .collect();
    assert!(!files.is_empty());
    let machine_alerts = g
        .node(&m)
        .unwrap()
        .expansion("machines.alerts")
        .unwrap()
        .results;
    assert!(machine_alerts > 1);
    let before = g.nodes().len();

    let gone = g
        .collapse(&m, route(Api::Defender, "machines.alerts"))
        .unwrap();
    // The start alert is one of the machine's alerts and stays; the others go.
    assert_eq!(gone, machine_alerts - 1);
    assert_eq!(g.nodes().len(), before - gone);
    assert!(g.contains(&a) && g.contains(&m));
    assert!(files.iter().all(|f| g.contains(f)));
    assert!(g.node(&m).unwrap().expansion("machines.alerts").is_none());
    assert!(g.edges().iter().all(|e| e.relation != "machines.alerts"));
    // Collapsing what is not expanded is a no-op.
    assert_eq!(
        g.collapse(&m, route(Api::Defender, "machines.alerts"))
            .unwrap(),
        0
    );

    let gone = g
        .collapse(&a, route(Api::Defender, "alerts.files"))
        .unwrap();
    assert_eq!(gone, files.len());
    assert_eq!(g.nodes().len(), 2);
}

#[test]
fn removing_a_node_drops_what_only_it_connected() {
    let (mut g, a, m) = investigation();
    let n_files = g
        .nodes()
        .iter()
        .filter(|n| n.key.entity() == Entity::File)
        .count();
    let gone = g.remove_node(&m).unwrap();
    // The machine and its alerts other than the start.
    assert!(gone >= 2);
    assert_eq!(g.nodes().len(), 1 + n_files);
    assert!(g.edges().iter().all(|e| e.from != m && e.to != m));
    assert!(
        g.node(&a)
            .unwrap()
            .expansion("alerts.machine")
            .unwrap()
            .results
            == 0
    );
    assert!(matches!(g.remove_node(&m), Err(GraphError::UnknownNode(_))));
    // Removing the start empties the graph.
    g.remove_node(&a).unwrap();
    assert!(g.is_empty() && g.edges().is_empty());
}

#[test]
fn the_path_back_leads_to_the_start() {
    let (g, a, m) = investigation();
    let other = g
        .nodes()
        .iter()
        .find(|n| n.key.entity() == Entity::Alert && n.key != a)
        .unwrap()
        .key
        .clone();
    assert_eq!(
        g.path_to_start(&other),
        vec![a.clone(), m.clone(), other.clone()]
    );
    assert_eq!(g.path_to_start(&a), vec![a.clone()]);
    assert!(g.path_to_start(&key(Entity::Ip, "1.1.1.1")).is_empty());
    // Every node has a path, and each hop is an edge.
    for n in g.nodes() {
        let p = g.path_to_start(&n.key);
        assert!(g.node(&p[0]).unwrap().start);
        assert_eq!(p.last(), Some(&n.key));
        for w in p.windows(2) {
            assert!(g
                .edges()
                .iter()
                .any(|e| (e.from == w[0] && e.to == w[1]) || (e.from == w[1] && e.to == w[0])));
        }
    }
}

#[test]
fn the_filter_hides_types_and_their_edges() {
    let (g, _, _) = investigation();
    let all = g.visible(EntityFilter::ALL);
    assert_eq!(
        (all.nodes.len(), all.edges.len()),
        (g.nodes().len(), g.edges().len())
    );
    let no_files = g.visible(EntityFilter::ALL.with(Entity::File, false));
    assert!(no_files
        .nodes
        .iter()
        .all(|n| n.key.entity() != Entity::File));
    assert!(no_files
        .edges
        .iter()
        .all(|e| e.to.entity() != Entity::File && e.from.entity() != Entity::File));
    assert!(no_files.nodes.len() < all.nodes.len());
    let alerts = g.visible(EntityFilter::only(&[Entity::Alert]));
    assert!(alerts.edges.is_empty());
    assert!(EntityFilter::NONE
        .with(Entity::Ip, true)
        .contains(Entity::Ip));
    assert!(!EntityFilter::only(&[Entity::Ip]).contains(Entity::Actor));
}

#[test]
fn the_recipe_rebuilds_the_same_graph() {
    let t = tenant();
    for api in [Api::Wdatp, Api::Defender] {
        let (mut g, a) = start_alert(t, api, SOURCE_ALERT_ID);
        for r in atp_core::catalogue::relations(api, Entity::Alert) {
            expand(t, &mut g, &a, r.key);
        }
        let m = key(Entity::Machine, SOURCE_MACHINE_ID);
        expand(t, &mut g, &m, "machines.alerts");
        expand(t, &mut g, &m, "machines.logonusers");
        let user = g
            .nodes()
            .iter()
            .find(|n| n.key.entity() == Entity::User)
            .unwrap()
            .key
            .clone();
        expand(t, &mut g, &user, "users.machines");
        let file = g
            .nodes()
            .iter()
            .find(|n| n.key.entity() == Entity::File)
            .unwrap()
            .key
            .clone();
        g.remove_node(&file).unwrap();
        g.collapse(&m, route(api, "machines.logonusers")).unwrap();

        let text = g.recipe().encode();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)),
            "URL-safe: {text}"
        );
        let parsed = Recipe::parse(&text, api).unwrap();
        assert_eq!(&parsed, g.recipe());
        let again = replay(t, api, &parsed);
        assert_eq!(again.to_json(), g.to_json(), "{api:?}: {text}");
    }
}

#[test]
fn the_recipe_text_is_compact_and_readable() {
    let mut g = Graph::new(Api::Defender);
    let a = g
        .add_start(Entity::Alert, &json!({"id": SOURCE_ALERT_ID}))
        .unwrap();
    g.merge_expansion(&a, route(Api::Defender, "alerts.files"), &[])
        .unwrap();
    g.merge_expansion(&a, route(Api::Defender, "alerts.machine"), &[])
        .unwrap();
    let u = g.add_start_key(key(Entity::User, "CONTOSO\\jdoe"));
    g.merge_expansion(&u, route(Api::Defender, "users.alerts"), &[])
        .unwrap();
    assert_eq!(
        g.recipe().encode(),
        format!("sa{SOURCE_ALERT_ID}~x'0!files~x'0!machine~sucontoso*5Cjdoe~x'1!alerts")
    );
    assert_eq!(Recipe::default().encode(), "");
    assert_eq!(Recipe::parse("", Api::Defender).unwrap(), Recipe::default());
}

#[test]
fn more_results_of_an_expansion_are_a_step_of_the_recipe() {
    let mut g = Graph::new(Api::Defender);
    let a = g
        .add_start(Entity::Alert, &json!({"id": SOURCE_ALERT_ID}))
        .unwrap();
    let files = route(Api::Defender, "alerts.files");
    // Not expanded yet: there is nothing to have more of.
    assert!(!g.record_more(&a, files));
    g.merge_expansion(&a, files, &[json!({"sha1": "a".repeat(40)})])
        .unwrap();
    g.merge_expansion(&a, files, &[json!({"sha1": "b".repeat(40)})])
        .unwrap();
    assert!(g.record_more(&a, files));
    let text = g.recipe().encode();
    assert_eq!(text, format!("sa{SOURCE_ALERT_ID}~x'0!files~m'0!files"));
    assert_eq!(Recipe::parse(&text, Api::Defender).unwrap(), *g.recipe());
    assert_eq!(g.nodes().len(), 3);
    // Undoing a page needs its data: the app rebuilds (or restores) instead.
    assert!(!g.undo());
    assert_eq!(Recipe::parse("sa1~m'0", Api::Defender).unwrap_err().step, 1);
}

#[test]
fn a_recipe_of_one_api_opens_in_the_other() {
    let wdatp = Recipe::parse("sa1_1~x'0!machines", Api::Wdatp).unwrap();
    let defender = Recipe::parse("sa1_1~x'0!machines", Api::Defender).unwrap();
    assert!(
        matches!(&wdatp.steps[1], Step::Expand(_, r) if r.key == "alerts.machines" && r.api == Api::Wdatp)
    );
    assert!(
        matches!(&defender.steps[1], Step::Expand(_, r) if r.key == "alerts.machine" && r.api == Api::Defender)
    );
    // Actors are a 2017 thing: no such relation today.
    assert!(Recipe::parse("sa1_1~x'0!actor", Api::Defender).is_err());
}

#[test]
fn garbage_recipes_are_refused_with_the_step() {
    for (text, step) in [
        ("q", 0),
        ("s", 0),
        ("sa", 0),
        ("sz123", 0),
        ("sa1~x'7!files", 1),
        ("sa1~x'0", 1),
        ("sa1~s'0!files", 1),
        ("sa1~x'0!nosuch", 1),
        ("sa1~x'0!alerts", 1),
        ("sa1*", 0),
        ("sa1*4", 0),
        ("sa1*ZZ", 0),
        ("sa1*FF", 0),
        ("sa<script>", 0),
        ("sa1~x'99999999999999999999999!files", 1),
        ("sa1~x'-1!files", 1),
        ("sa1~x'+0!files", 1),
        ("sa1!files!files", 0),
    ] {
        let err = Recipe::parse(text, Api::Defender).unwrap_err();
        assert_eq!(err.step, step, "{text}: {err}");
    }
    let many = vec!["sa1"; atp_core::graph::MAX_STEPS + 1].join("~");
    assert!(Recipe::parse(&many, Api::Defender).is_err());
    // Empty segments are forgiven.
    assert_eq!(
        Recipe::parse("~sa1~~", Api::Defender).unwrap().steps.len(),
        1
    );
}

#[test]
fn back_undoes_the_last_expansion() {
    let t = tenant();
    let (mut g, a) = start_alert(t, Api::Defender, SOURCE_ALERT_ID);
    expand(t, &mut g, &a, "alerts.machine");
    let before = g.to_json();
    let m = key(Entity::Machine, SOURCE_MACHINE_ID);
    expand(t, &mut g, &m, "machines.alerts");
    assert_ne!(g.to_json(), before);
    assert!(g.undo());
    // Only the heat the layout had given the expanded node differs: not part of the JSON.
    assert_eq!(g.to_json(), before);
    assert!(g.undo());
    assert!(g.undo());
    assert!(g.is_empty() && g.recipe().is_empty());
    assert!(!g.undo());
    // A removal needs its data back: the app replays the shorter recipe.
    let (mut g, a) = start_alert(t, Api::Defender, SOURCE_ALERT_ID);
    expand(t, &mut g, &a, "alerts.files");
    let f = g.edges()[0].to.clone();
    g.remove_node(&f).unwrap();
    assert!(!g.undo());
    assert_eq!(g.recipe().without_last().steps.len(), 2);
}

#[test]
fn the_timeline_lists_alerts_by_first_event() {
    let (g, _, _) = investigation();
    let items = g.timeline();
    let alerts = g
        .nodes()
        .iter()
        .filter(|n| n.key.entity() == Entity::Alert)
        .count();
    assert_eq!(items.len(), alerts);
    assert!(items.windows(2).all(|w| w[0].first <= w[1].first));
    assert!(items.iter().all(|i| i.first <= i.last));
}

#[test]
fn json_export_has_nodes_edges_and_recipe() {
    let (g, a, _) = investigation();
    let j = g.to_json();
    assert_eq!(j["nodes"].as_array().unwrap().len(), g.nodes().len());
    assert_eq!(j["edges"].as_array().unwrap().len(), g.edges().len());
    assert_eq!(j["recipe"], json!(g.recipe().encode()));
    assert_eq!(j["nodes"][0]["id"], json!(a.id()));
    assert_eq!(j["nodes"][0]["start"], json!(true));
    assert_eq!(j["edges"][0]["relation"], json!("alerts.files"));
    // Valid JSON text (positions may lose their last bit: serde_json parses floats fast, not exactly).
    let text = serde_json::to_string(&j).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["edges"], j["edges"]);
    assert_eq!(back["recipe"], j["recipe"]);
}

/// Every `<` of the SVG opens one of the elements the export writes: no markup from the data.
fn assert_only_own_markup(svg: &str) {
    for (i, _) in svg.match_indices('<') {
        let tag: String = svg[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        assert!(
            [
                "svg", "/svg", "title", "/title", "g", "/g", "line", "/line", "circle", "text",
                "/text"
            ]
            .contains(&tag.as_str()),
            "unexpected markup {:?}",
            &svg[i..(i + 40).min(svg.len())]
        );
    }
    for c in svg.chars() {
        assert!(
            !atp_core::graph::is_invisible(c) && (c >= ' ' || c == '\n'),
            "invisible {:?} in the SVG",
            c
        );
    }
}

#[test]
fn svg_export_escapes_hostile_strings() {
    let t = tenant_of(Variant::Hostile);
    for api in [Api::Defender, Api::Wdatp] {
        let mut g = Graph::new(api);
        // Several alerts and everything around them: titles, machine names, users carry payloads.
        for a in t.dataset.alerts.iter().take(12) {
            let Ok(k) = g.add_start(Entity::Alert, &serde_json::to_value(a).unwrap()) else {
                continue;
            };
            for r in atp_core::catalogue::relations(api, Entity::Alert) {
                expand(t, &mut g, &k, r.key);
            }
        }
        let users: Vec<NodeKey> = g
            .nodes()
            .iter()
            .filter(|n| n.key.entity() == Entity::User)
            .map(|n| n.key.clone())
            .collect();
        for u in users.iter().take(5) {
            expand(t, &mut g, u, "users.machines");
        }
        assert!(g.nodes().len() > 20, "{}", g.nodes().len());
        let svg = g.to_svg(&SvgOptions::default());
        assert_only_own_markup(&svg);
        assert!(!svg.contains("onerror=\"") && !svg.contains("javascript:window.__atp_pwned=1\""));
        // The payloads that are in labels are there, escaped.
        let labels: String = g.nodes().iter().map(|n| n.label.as_str()).collect();
        assert!(
            HOSTILE_PAYLOADS
                .iter()
                .any(|p| labels.contains(&visible(p).chars().take(20).collect::<String>())),
            "labels carry payloads"
        );
        assert!(
            svg.contains("&lt;script&gt;") || svg.contains("&lt;img"),
            "escaped payloads are shown"
        );
        // The JSON export keeps the API's strings unchanged (serde_json escapes for JSON).
        let j = g.to_json().to_string();
        assert!(serde_json::from_str::<Value>(&j).is_ok());
    }
}

#[test]
fn escape_xml_covers_markup_quotes_and_invisibles() {
    assert_eq!(
        escape_xml("<a href=\"x\">'&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(escape_xml("\u{202E}exe\u{0}"), "\\u{202E}exe\\u{0}");
    for p in HOSTILE_PAYLOADS {
        let e = escape_xml(p);
        assert!(
            !e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''),
            "{e}"
        );
        assert!(!e.chars().any(atp_core::graph::is_invisible), "{e}");
    }
}

#[test]
fn bounds_fit_a_viewport() {
    let (g, _, _) = investigation();
    let b = g.bounds().unwrap();
    assert!(b.width() > 0.0 && b.height() > 0.0);
    let (scale, (tx, ty)) = b.fit(800.0, 600.0);
    let to_screen = |p: (f32, f32)| (p.0 * scale + tx, p.1 * scale + ty);
    for n in g.nodes() {
        let (x, y) = to_screen(n.pos);
        assert!(
            (-0.01..=800.01).contains(&x) && (-0.01..=600.01).contains(&y),
            "{x},{y}"
        );
    }
    assert!(Graph::new(Api::Defender).bounds().is_none());
}

#[test]
fn a_start_known_by_key_gets_its_detail_later() {
    let mut g = Graph::new(Api::Defender);
    let m = g.add_start_key(key(
        Entity::Machine,
        "67E5EF2C2EAB150CC8638E21DBA19C1B0A41AD0B",
    ));
    assert_eq!(m.id(), SOURCE_MACHINE_ID);
    assert_eq!(g.node(&m).unwrap().label, SOURCE_MACHINE_ID);
    let fetched = json!({"id": SOURCE_MACHINE_ID, "computerDnsName": "mymachine1.contoso.com"});
    assert!(g.update_detail(&m, &fetched));
    assert_eq!(g.node(&m).unwrap().label, "mymachine1.contoso.com");
    assert_eq!(g.node(&m).unwrap().detail, fetched);
    // Another entity's JSON is not this node's.
    assert!(!g.update_detail(&m, &json!({"id": "ffff", "computerDnsName": "other"})));
    assert!(!g.update_detail(&key(Entity::Ip, "1.2.3.4"), &json!({"id": "1.2.3.4"})));
    // Starting again at the same entity adds no step.
    g.add_start_key(key(Entity::Machine, SOURCE_MACHINE_ID));
    assert_eq!(g.recipe().steps.len(), 1);
    // A file whose SHA1 is empty is known by its SHA256.
    let f = identify(Entity::File, &json!({"sha1": "", "sha256": "AB12"})).unwrap();
    assert_eq!(f.key.id(), "ab12");
}
