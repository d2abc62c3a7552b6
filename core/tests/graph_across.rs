//! One investigation across profiles: a Graph incident grows into its alerts (`$expand=alerts`), and
//! its alerts on into Defender for Endpoint's routes; what both APIs name is one node.

use atp_core::catalogue::{graph_relations, Api, Entity, Profile, Region};
use atp_core::graph::{relation_results, Graph, NodeKey, Recipe};
use serde_json::json;

const MACHINE: &str = "7c7f4bbd3d3a6b2bd5a1ae0ae7f5ee2c5ac86ec4";

#[test]
fn an_incident_expands_into_its_alerts_and_on_into_defender() {
    let mut graph = Graph::new(Api::Graph);
    let incident = graph
        .add_start(
            Entity::Incident,
            &json!({"id": "2972395", "displayName": "Multi-stage incident on one endpoint"}),
        )
        .unwrap();
    let pending: Vec<_> = graph
        .pending_expansions(&incident)
        .iter()
        .map(|r| (r.api, r.key))
        .collect();
    assert_eq!(pending, [(Api::Graph, "incidents.alerts")]);

    // The incident's alerts are the `alerts` member of the incident read with `$expand=alerts`.
    let route = graph.pending_expansions(&incident)[0];
    let query = graph
        .expansion_query(Profile::Graph, &incident, route)
        .unwrap();
    assert_eq!(
        query.url(),
        "https://graph.microsoft.com/v1.0/security/incidents/2972395?$expand=alerts"
    );
    let body = json!({
        "id": "2972395",
        "alerts": [{
            "id": "da637551227677560813_-961444813",
            "title": "Suspicious execution of hidden file",
            "createdDateTime": "2021-04-27T12:19:27.7211305Z",
            "firstActivityDateTime": "2021-04-26T09:39:24.4447573Z",
            "lastActivityDateTime": "2021-05-02T07:40:05.7307716Z"
        }]
    });
    let results = relation_results(route, &body);
    assert_eq!(results.len(), 1);
    graph.merge_expansion(&incident, route, results).unwrap();
    let alert = NodeKey::new(Entity::Alert, "da637551227677560813_-961444813").unwrap();
    assert!(graph.contains(&alert));
    assert!(
        graph.timeline().iter().any(|t| t.key == alert),
        "an alert v2's activity times place it on the timeline"
    );

    // The alert goes on along Defender's relations, asked of Defender's host.
    let relations: Vec<_> = graph_relations(Api::Graph, Entity::Alert)
        .map(|r| (r.api, r.key))
        .collect();
    assert!(
        relations.contains(&(Api::Defender, "alerts.machine")),
        "{relations:?}"
    );
    let machine_route = graph
        .pending_expansions(&alert)
        .into_iter()
        .find(|r| r.key == "alerts.machine")
        .unwrap();
    let query = graph
        .expansion_query(Profile::Graph, &alert, machine_route)
        .unwrap();
    assert_eq!(query.profile, Profile::Defender(Region::Global));
    assert!(query
        .url()
        .starts_with("https://api.security.microsoft.com/api/alerts/da63755"));
    graph
        .merge_expansion(
            &alert,
            machine_route,
            relation_results(
                machine_route,
                &json!({"id": MACHINE, "computerDnsName": "mdeonboard"}),
            ),
        )
        .unwrap();

    // The device the evidence names is the machine the Defender route reached: one node.
    let device = NodeKey::new(Entity::Machine, &MACHINE.to_uppercase()).unwrap();
    assert!(graph.contains(&device));
    assert_eq!(graph.nodes().len(), 3);

    // The investigation is in the address and rebuilds the same way.
    let text = graph.recipe().encode();
    assert_eq!(
        Recipe::parse(&text, Api::Graph).as_ref(),
        Ok(graph.recipe())
    );
}

#[test]
fn every_entity_type_is_shown_by_default() {
    use atp_core::graph::EntityFilter;
    for entity in Entity::ALL {
        assert!(EntityFilter::ALL.contains(entity), "{entity:?}");
        assert!(!EntityFilter::NONE.contains(entity), "{entity:?}");
    }
}

/// Microsoft's documented alert v2 (its evidence and comments in Graph's shapes) is a graph node.
#[test]
fn a_documented_alert_v2_is_a_node_with_its_activity_span() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/samples/graph/get-alert.1.response.json");
    let body: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let found = atp_core::graph::identify(Entity::Alert, &body).expect("an alert node");
    assert_eq!(found.key.entity(), Entity::Alert);
    assert!(found.span.is_some(), "its activity times");
}
