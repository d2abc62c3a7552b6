//! Samples: the source document's example and one query per entity, each one click away.

use atp_core::catalogue::Api;
use atp_core::link::{app_href, DemoData};
use atp_core::{Profile, Query, QueryOption};
use leptos::prelude::*;

use crate::connection::Connection;
use crate::explorer::{use_explorer, AppLink};

/// (label, query) pairs; ids come from the demo tenant, so every sample answers there.
fn samples(connection: Connection, dataset: DemoData) -> Vec<(String, Query)> {
    let tenant = connection.demo_tenant(dataset);
    let data = &tenant.dataset;
    let first = |ids: Vec<String>| ids.into_iter().next().unwrap_or_default();
    let get = |key: &str, label: &str, id: String| {
        Api::Wdatp.route(key).map(|route| {
            let mut q = Query::new(Profile::Wdatp, route);
            if let Some(param) = route.params.first() {
                q.set_param(param.name, &id);
            }
            (label.to_string(), q)
        })
    };
    let mut list = vec![(
        "Top 20 alerts with machine information".to_string(),
        Query::source_example(),
    )];
    list.extend(
        [
            get(
                "actor.get",
                "An actor report",
                first(data.actors.iter().map(|a| a.id.clone()).collect()),
            ),
            get(
                "alerts.get",
                "The source document's alert",
                atp_core::demo::SOURCE_ALERT_ID.to_string(),
            ),
            get(
                "machines.get",
                "A machine",
                first(data.machines.iter().map(|m| m.id.clone()).collect()),
            ),
            get(
                "users.get",
                "A user",
                first(data.users.iter().map(|u| u.id.clone()).collect()),
            ),
            get(
                "domains.get",
                "A domain",
                first(data.domains.iter().map(|d| d.host.clone()).collect()),
            ),
            get(
                "ips.get",
                "An IP address",
                first(data.ips.iter().map(|i| i.id.clone()).collect()),
            ),
            get(
                "files.get",
                "A file",
                first(
                    data.files
                        .iter()
                        .filter_map(|f| f.id().map(str::to_string))
                        .collect(),
                ),
            ),
            get(
                "files.stats",
                "A file's prevalence",
                first(
                    data.files
                        .iter()
                        .filter_map(|f| f.id().map(str::to_string))
                        .collect(),
                ),
            ),
        ]
        .into_iter()
        .flatten(),
    );
    if let Some(route) = Api::Defender.route("alerts.list") {
        let mut q = Query::new(Profile::Defender(atp_core::Region::Global), route);
        q.set_option(
            QueryOption::Filter,
            "severity eq 'High' and status ne 'Resolved'",
        );
        q.set_option(QueryOption::OrderBy, "alertCreationTime desc");
        q.set_option(QueryOption::Top, "10");
        list.push((
            "Defender: open high-severity alerts, newest first".to_string(),
            q,
        ));
    }
    list.extend(graph_samples());
    list
}

/// Microsoft Graph security: incidents, an alert v2 with its evidence, a filtered alert list.
fn graph_samples() -> Vec<(String, Query)> {
    let route = |key: &str| Api::Graph.route(key).map(|r| Query::new(Profile::Graph, r));
    let mut list = Vec::new();
    if let Some(mut q) = route("incidents.list") {
        q.set_option(QueryOption::Top, "10");
        q.set_option(QueryOption::Expand, "alerts");
        list.push(("Graph: incidents with their alerts".to_string(), q));
    }
    if let Some(mut q) = route("alerts.get") {
        q.set_param("id", atp_core::demo::SOURCE_ALERT_ID);
        list.push((
            "Graph: the source document's alert (v2), with its evidence".to_string(),
            q,
        ));
    }
    if let Some(mut q) = route("alerts.list") {
        q.set_option(
            QueryOption::Filter,
            "severity eq 'high' and status eq 'new'",
        );
        q.set_option(QueryOption::Top, "10");
        list.push(("Graph: new high-severity alerts".to_string(), q));
    }
    list
}

/// The Samples list.
#[component]
pub fn Samples() -> impl IntoView {
    let explorer = use_explorer();
    let list = move || {
        let dataset = explorer.dataset.get();
        samples(explorer.connection, dataset)
            .into_iter()
            .map(|(label, query)| {
                let href = app_href(&query, dataset);
                view! { <li><AppLink href>{label}</AppLink></li> }
            })
            .collect_view()
    };
    view! {
        <nav class="samples" aria-labelledby="samples-title">
            <h2 id="samples-title">"Samples"</h2>
            <ul>{list}</ul>
        </nav>
    }
}
