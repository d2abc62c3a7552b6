//! The demo tenant's Microsoft Graph security answers: alerts v2 and incidents from the same dataset as the
//! Defender routes, with Graph's paging and error shape.

use std::collections::HashMap;
use std::time::Instant;

use atp_core::catalogue::Entity;
use atp_core::demo::{DemoConfig, DemoTenant, Variant, SOURCE_ALERT_ID, SOURCE_MACHINE_ID};
use atp_core::model::security::{AlertV2, Incident};
use atp_core::{Profile, Region};
use chrono::{TimeZone, Utc};
use serde_json::Value;

fn tenant(variant: Variant, scale: usize) -> DemoTenant {
    let mut config = DemoConfig::new(Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap());
    config.variant = variant;
    config.scale = scale;
    DemoTenant::generate(&config)
}

fn get(t: &DemoTenant, path: &str) -> (u16, Value) {
    let r = t.respond("GET", path, Profile::Graph);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    (r.status, body)
}

fn all_incidents(t: &DemoTenant, expand: bool) -> Vec<Incident> {
    let mut out = Vec::new();
    let first = if expand {
        "/security/incidents?$top=500&$expand=alerts".to_string()
    } else {
        "/security/incidents?$top=500".to_string()
    };
    let mut next = Some(first);
    while let Some(url) = next {
        let (status, body) = get(t, &url);
        assert_eq!(status, 200, "{url}: {body}");
        for v in body["value"].as_array().unwrap() {
            out.push(serde_json::from_value::<Incident>(v.clone()).unwrap());
        }
        next = body["@odata.nextLink"].as_str().map(str::to_string);
    }
    out
}

#[test]
fn every_alert_is_in_exactly_one_incident_and_the_source_alert_in_the_first() {
    let t = tenant(Variant::Normal, DemoConfig::DEFAULT_SCALE);
    let incidents = all_incidents(&t, true);
    let mut seen: HashMap<String, String> = HashMap::new();
    for incident in &incidents {
        let alerts = incident.alerts.as_ref().unwrap();
        assert!(!alerts.is_empty());
        for a in alerts {
            assert_eq!(a.incident_id.as_deref(), Some(incident.id.as_str()));
            assert!(
                seen.insert(a.id.clone(), incident.id.clone()).is_none(),
                "{} twice",
                a.id
            );
        }
        let url = incident.incident_web_url.as_deref().unwrap();
        assert!(url.starts_with(&format!(
            "https://security.microsoft.com/incidents/{}?tid=",
            incident.id
        )));
        assert!(incident.display_name.is_some() && incident.severity.is_some());
        assert!(incident.comments.is_some() && incident.custom_tags.is_some());
    }
    assert_eq!(seen.len(), t.dataset.alerts.len());
    let source = &incidents[0];
    let alerts = source.alerts.as_ref().unwrap();
    assert!(alerts.iter().any(|a| a.id == SOURCE_ALERT_ID));
    // The incident's severity is the highest of its alerts'.
    for incident in &incidents {
        let rank = |s: &str| {
            ["unknown", "informational", "low", "medium", "high"]
                .iter()
                .position(|x| *x == s)
        };
        let top = incident
            .alerts
            .iter()
            .flatten()
            .filter_map(|a| a.severity.as_ref())
            .filter_map(|s| rank(&s.text))
            .max();
        assert_eq!(incident.severity.as_ref().and_then(|s| rank(&s.text)), top);
    }
    // Without $expand, no alerts.
    let (_, plain) = get(&t, "/security/incidents?$top=1");
    assert!(plain["value"][0].get("alerts").is_none());
    let (status, one) = get(
        &t,
        &format!("/security/incidents/{}?$expand=alerts", source.id),
    );
    assert_eq!(status, 200);
    assert_eq!(
        one["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#security/incidents/$entity"
    );
    assert_eq!(one["alerts"].as_array().unwrap().len(), alerts.len());
}

#[test]
fn the_source_alert_as_alert_v2_and_its_pivots_land_on_defender_routes() {
    let t = tenant(Variant::Normal, DemoConfig::DEFAULT_SCALE);
    let (status, body) = get(&t, &format!("/security/alerts_v2/{SOURCE_ALERT_ID}"));
    assert_eq!(status, 200, "{body}");
    let alert: AlertV2 = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(alert.id, SOURCE_ALERT_ID);
    assert_eq!(alert.provider_alert_id.as_deref(), Some(SOURCE_ALERT_ID));
    assert_eq!(body["serviceSource"], "microsoftDefenderForEndpoint");
    assert!(alert.incident_id.is_some());
    let kinds: Vec<&str> = body["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["@odata.type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "#microsoft.graph.security.deviceEvidence");
    assert_eq!(body["evidence"][0]["mdeDeviceId"], SOURCE_MACHINE_ID);
    let (_, list) = get(&t, "/security/alerts_v2?$top=25");
    let mut alerts: Vec<AlertV2> = list["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    alerts.push(alert);
    let mut checked = 0;
    for a in &alerts {
        for pivot in a.pivots() {
            let path = match pivot.entity {
                Entity::Machine => format!("/machines/{}", pivot.id),
                Entity::File => format!("/files/{}", pivot.id),
                Entity::Ip => format!("/ips/{}", pivot.id),
                Entity::Domain => format!("/domains/{}", pivot.id),
                Entity::User => format!("/users/{}", pivot.id),
                other => panic!("unexpected pivot {other:?}"),
            };
            // Users, IPs and domains are routes of the WDATP profile only; the same tenant answers both.
            let mut r = t.respond("GET", &path, Profile::Defender(Region::Global));
            if r.status == 404 {
                r = t.respond("GET", &path, Profile::Wdatp);
            }
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            checked += 1;
        }
        // The Defender alert of the same id answers too.
        let r = t.respond(
            "GET",
            &format!("/alerts/{}", a.id),
            Profile::Defender(Region::Global),
        );
        assert_eq!(r.status, 200);
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn filter_top_skip_count_and_next_link_walk() {
    let t = tenant(Variant::Normal, DemoConfig::DEFAULT_SCALE);
    let (status, body) = get(&t, "/security/alerts_v2?$count=true");
    assert_eq!(status, 200);
    assert_eq!(
        body["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2"
    );
    assert_eq!(body["@odata.count"], t.dataset.alerts.len());
    assert_eq!(body["value"].as_array().unwrap().len(), 50);
    let filter = "$filter=severity eq 'high' and status ne 'resolved'";
    let (_, counted) = get(
        &t,
        &format!("/security/alerts_v2?{filter}&$count=true&$top=1"),
    );
    let total = counted["@odata.count"]
        .as_u64()
        .unwrap_or_else(|| panic!("{counted}")) as usize;
    assert!(total > 0);
    let mut next = Some(format!("/security/alerts_v2?{filter}&$top=37"));
    let mut walked = Vec::new();
    while let Some(url) = next {
        let (status, body) = get(&t, &url);
        assert_eq!(status, 200, "{url}: {body}");
        for v in body["value"].as_array().unwrap() {
            assert_eq!(v["severity"], "high");
            assert_ne!(v["status"], "resolved");
            walked.push(v["id"].as_str().unwrap().to_string());
        }
        next = body["@odata.nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(walked.len(), total);
    let (_, skipped) = get(&t, &format!("/security/alerts_v2?{filter}&$top=5&$skip=37"));
    let ids: Vec<&str> = skipped["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        walked[37..42]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    // Incidents filter on their own fields, with `in` and `not`.
    let (status, body) = get(&t, "/security/incidents?$filter=status in ('active','inProgress') and not (severity eq 'informational')&$count=true");
    assert_eq!(status, 200, "{body}");
    for v in body["value"].as_array().unwrap() {
        assert!(v["status"] == "active" || v["status"] == "inProgress");
        assert_ne!(v["severity"], "informational");
    }
    let (status, body) = get(
        &t,
        "/security/incidents?$filter=createdDateTime ge 2026-11-20T00:00:00Z",
    );
    assert_eq!(status, 200, "{body}");
    // Same request, same answer.
    assert_eq!(
        t.respond(
            "GET",
            "/security/incidents?$top=3&$expand=alerts",
            Profile::Graph
        ),
        t.respond(
            "GET",
            "/security/incidents?$top=3&$expand=alerts",
            Profile::Graph
        )
    );
}

#[test]
fn errors_take_graphs_shape() {
    let t = tenant(Variant::Normal, DemoConfig::DEFAULT_SCALE);
    let check = |method: &str, path: &str, status: u16| {
        let r = t.respond(method, path, Profile::Graph);
        assert_eq!(r.status, status, "{method} {path}: {}", r.body);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        let error = &body["error"];
        assert!(
            error["code"].is_string() && error["message"].is_string(),
            "{body}"
        );
        let inner = &error["innerError"];
        assert!(
            inner["date"].is_string()
                && inner["request-id"].is_string()
                && inner["client-request-id"].is_string()
        );
        assert_eq!(r, t.respond(method, path, Profile::Graph));
        r
    };
    check("GET", "/security/alerts_v2?$filter=title eq 'x'", 400);
    check("GET", "/security/alerts_v2?$filter=severity eq", 400);
    check("GET", "/security/alerts_v2?$orderby=severity", 400);
    check("GET", "/security/alerts_v2?$top=abc", 400);
    check("GET", "/security/alerts_v2?$top=100000", 400);
    check("GET", "/security/incidents/999999999", 404);
    check("GET", "/security/alerts_v2/1_2", 404);
    let r = check(
        "PATCH",
        &format!("/security/alerts_v2/{SOURCE_ALERT_ID}"),
        405,
    );
    assert_eq!(r.header("Allow"), Some("GET"));
    check("POST", "/security/incidents/1/comments", 405);
}

#[test]
fn hostile_variant_still_answers() {
    let t = tenant(Variant::Hostile, 300);
    let incidents = all_incidents(&t, true);
    let alerts: usize = incidents
        .iter()
        .map(|i| i.alerts.as_ref().map_or(0, Vec::len))
        .sum();
    assert_eq!(alerts, t.dataset.alerts.len());
    let (status, body) = get(&t, "/security/alerts_v2?$top=2000");
    assert_eq!(status, 200);
    for v in body["value"].as_array().unwrap() {
        serde_json::from_value::<AlertV2>(v.clone()).unwrap();
    }
}

#[test]
fn a_page_over_the_large_tenant_is_fast() {
    let t = tenant(Variant::Normal, 100_000);
    let started = Instant::now();
    let _ = get(&t, "/security/incidents?$top=1");
    eprintln!("index built and first page in {:?}", started.elapsed());
    for path in [
        "/security/alerts_v2",
        "/security/alerts_v2?$filter=severity eq 'high'&$count=true",
        "/security/incidents?$expand=alerts",
        "/security/incidents?$filter=status eq 'resolved'&$count=true&$skip=200",
    ] {
        let started = Instant::now();
        let (status, _) = get(&t, path);
        assert_eq!(status, 200);
        eprintln!("{path}: {:?}", started.elapsed());
    }
}
