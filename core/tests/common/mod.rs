//! What more than one of core's test files builds: the seed's first investigation.

use atp_core::demo::{DemoTenant, SOURCE_ALERT_ID};
use atp_core::graph::{results_of, Graph, Layout};
use atp_core::{Api, Entity, Profile};
use serde_json::Value;

/// The seed's alert on the original API, expanded along every relation and laid out: an analyst's first
/// look.
pub fn seed_investigation(t: &DemoTenant) -> Graph {
    let profile = Profile::Wdatp;
    let mut g = Graph::new(Api::Wdatp);
    let alert = t.respond("GET", &format!("/alerts/{SOURCE_ALERT_ID}"), profile);
    let body: Value = serde_json::from_str(&alert.body).unwrap();
    let start = g.add_start(Entity::Alert, &body).unwrap();
    for route in atp_core::catalogue::graph_relations(Api::Wdatp, Entity::Alert) {
        let url = g.expansion_query(profile, &start, route).unwrap().url();
        let resp = t.respond("GET", &url, profile);
        let b: Value = serde_json::from_str(&resp.body).unwrap();
        g.merge_expansion(&start, route, results_of(&b)).unwrap();
    }
    Layout::new().run_to_rest(&mut g, 5_000);
    g
}
