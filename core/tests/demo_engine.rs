//! The demo tenant answers like the real API: shapes, paging, errors, pivots, coherent statistics.

use std::collections::{BTreeSet, HashSet};

use atp_core::demo::{
    DemoConfig, DemoTenant, Variant, HOSTILE_HEADERS, HOSTILE_PAYLOADS, SOURCE_ALERT_ID,
    SOURCE_MACHINE_ID,
};
use atp_core::model::Timestamp;
use atp_core::{Api, ParamKind, Profile, Query, QueryOption, Region, Returns, ROUTES};
use chrono::{Duration, TimeZone, Utc};
use serde_json::Value;

const DEFENDER: Profile = Profile::Defender(Region::Global);

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap()
}

fn tenant_of(variant: Variant) -> DemoTenant {
    DemoTenant::generate(&DemoConfig {
        variant,
        ..DemoConfig::new(now())
    })
}

fn tenant() -> DemoTenant {
    tenant_of(Variant::Normal)
}

fn get(t: &DemoTenant, url: &str, profile: Profile) -> (u16, Value) {
    let r = t.respond("GET", url, profile);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; odata.metadata=minimal"),
        "{url}"
    );
    let body: Value =
        serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{url}: {e}: {}", r.body));
    (r.status, body)
}

fn ok(t: &DemoTenant, url: &str, profile: Profile) -> Value {
    let (status, body) = get(t, url, profile);
    assert_eq!(status, 200, "{url}: {body}");
    body
}

/// The URL of `key` in `profile` with these parameters, encoded as the app would.
fn url(profile: Profile, key: &str, params: &[&str], options: &[(QueryOption, &str)]) -> String {
    let route = profile.api().route(key).unwrap();
    let mut q = Query::new(profile, route);
    for (p, v) in route.params.iter().zip(params) {
        q.set_param(p.name, v);
    }
    for (o, v) in options {
        q.set_option(*o, v);
    }
    q.url()
}

fn values(body: &Value) -> &Vec<Value> {
    body["value"].as_array().expect("a collection has value")
}

/// The example alert as the source document prints it (its JSON is cut off after the machine object).
fn source_example_alert() -> serde_json::Map<String, Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/wdatp-supported-apis.md"
    );
    let doc = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("the source document is missing at {path}: {e}"));
    let start = doc.find("\"value\": [").unwrap() + "\"value\": [".len();
    let rest = &doc[start..];
    let open = rest.find('{').unwrap();
    let end = rest.find("\"machine\": {").unwrap();
    let text = format!("{}}}", rest[open..end].trim_end().trim_end_matches(','));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_source_example_returns_20_alerts_with_machines_and_a_next_link() {
    let t = tenant();
    let body = ok(
        &t,
        "https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine",
        Profile::Wdatp,
    );
    assert_eq!(
        body["@odata.context"],
        "https://graph.microsoft.com/testwdatp/$metadata#Alerts"
    );
    assert!(body.get("@odata.count").is_none(), "count only when asked");
    assert_eq!(
        body["@odata.nextLink"],
        "https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine&$skip=20"
    );
    let alerts = values(&body);
    assert_eq!(alerts.len(), 20);
    for a in alerts {
        let m = &a["machine"];
        let id = m["id"].as_str().unwrap();
        assert!(
            id.len() == 40 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
        let own = t.dataset.alert(a["id"].as_str().unwrap()).unwrap();
        assert_eq!(
            own.machine_id.as_deref(),
            Some(id),
            "the embedded machine is the alert's"
        );
        assert!(m["computerDnsName"]
            .as_str()
            .unwrap()
            .ends_with("contoso.com"));
    }
    // The first alert is the source's, verbatim, field by field and in its order.
    let first = alerts[0].as_object().unwrap();
    let source = source_example_alert();
    assert_eq!(first["id"], SOURCE_ALERT_ID);
    for (key, value) in &source {
        assert_eq!(&first[key], value, "{key}");
    }
    let keys: Vec<&String> = first.keys().filter(|k| *k != "machine").collect();
    let mut source_keys: Vec<&String> = source.keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    source_keys.sort();
    assert_eq!(
        sorted, source_keys,
        "no more and no fewer fields than the source"
    );
    let raw = t
        .respond("GET", "/alerts?$top=1&$expand=machine", Profile::Wdatp)
        .body;
    assert!(raw.contains(
        r#""alertCreationTime":"2017-06-27T02:36:53.7841015Z","category":"Installation""#
    ));
    assert_eq!(first["machine"]["id"], SOURCE_MACHINE_ID);

    let counted = ok(
        &t,
        "/alerts?$top=20&$expand=machine&$count=true",
        Profile::Wdatp,
    );
    assert_eq!(counted["@odata.count"], t.dataset.alerts.len() as u64);
    assert_eq!(t.dataset.alerts.len(), 1200);
}

#[test]
fn following_next_links_visits_every_alert_exactly_once() {
    let t = tenant();
    for (profile, first) in [
        (Profile::Wdatp, "/alerts?$top=97&$select=id".to_string()),
        (
            DEFENDER,
            "/alerts?$top=250&$select=id,severity&$orderby=severity desc,alertCreationTime"
                .to_string(),
        ),
        (DEFENDER, "/alerts".to_string()),
    ] {
        let mut seen = HashSet::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(link) = next {
            let body = ok(&t, &link, profile);
            for a in values(&body) {
                assert!(
                    seen.insert(a["id"].as_str().unwrap().to_string()),
                    "visited twice: {}",
                    a["id"]
                );
            }
            next = body["@odata.nextLink"].as_str().map(str::to_string);
            pages += 1;
            assert!(pages < 100);
        }
        assert_eq!(seen.len(), t.dataset.alerts.len(), "{profile:?}");
    }
}

/// Parameters for every route, found through the API itself.
struct Ids {
    alert: String,
    actor: String,
    machine: String,
    machine_dns: String,
    machine_ip: String,
    machine_seen: String,
    user: String,
    domain: String,
    ip: String,
    file: String,
    /// Today's Defender entities, from the source machine's data.
    vm_machine: String,
    incident: String,
    software: String,
    vulnerability: String,
    recommendation: String,
    remediation: String,
    action: String,
    package_action: String,
    live_action: String,
    investigation: String,
    tag: String,
}

fn ids(t: &DemoTenant) -> Ids {
    let alert = t
        .dataset
        .alerts
        .iter()
        .find(|a| a.actor_name.is_some() && a.related_user.is_some())
        .expect("an actor's alert with a user");
    let id = alert.id.clone();
    let machine = t
        .dataset
        .machine(alert.machine_id.as_deref().unwrap())
        .unwrap();
    let files = ok(t, &format!("/alerts/{id}/files"), DEFENDER);
    let ips = ok(t, &format!("/alerts/{id}/ips"), DEFENDER);
    let domains = ok(t, &format!("/alerts/{id}/domains"), DEFENDER);
    let user = ok(t, &format!("/alerts/{id}/user"), DEFENDER);
    let actor = ok(t, &format!("/alerts/{id}/actor"), Profile::Wdatp);
    Ids {
        alert: id.clone(),
        actor: actor["id"].as_str().unwrap().into(),
        machine: machine.id.clone(),
        machine_dns: machine.computer_dns_name.clone().unwrap(),
        machine_ip: machine.last_ip_address.clone().unwrap(),
        machine_seen: machine.last_seen.unwrap().to_string(),
        user: user["id"].as_str().unwrap().into(),
        domain: values(&domains)[0]["host"].as_str().unwrap().into(),
        ip: values(&ips)[0]["id"].as_str().unwrap().into(),
        file: values(&files)[0]["sha1"].as_str().unwrap().into(),
        vm_machine: SOURCE_MACHINE_ID.into(),
        incident: alert.incident_id.expect("an incident").to_string(),
        software: first_id(t, &format!("/machines/{SOURCE_MACHINE_ID}/software")),
        vulnerability: first_id(t, &format!("/machines/{SOURCE_MACHINE_ID}/vulnerabilities")),
        recommendation: first_id(t, &format!("/machines/{SOURCE_MACHINE_ID}/recommendations")),
        remediation: first_id(t, "/remediationTasks"),
        action: first_id(t, "/machineactions"),
        package_action: first_id(t, "/machineactions?$filter=type eq 'CollectInvestigationPackage' and status eq 'Succeeded'"),
        live_action: first_id(t, "/machineactions?$filter=type eq 'LiveResponse' and status eq 'Succeeded'"),
        investigation: first_id(t, "/investigations"),
        tag: machine.machine_tags.as_ref().and_then(|t| t.first()).cloned().expect("a tag"),
    }
}

/// The id of the first item a Defender collection answers with.
fn first_id(t: &DemoTenant, path: &str) -> String {
    let body = ok(t, path, DEFENDER);
    match &values(&body)[0]["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn params_for<'a>(ids: &'a Ids, route: &atp_core::Route) -> Vec<&'a str> {
    let kinds: Vec<ParamKind> = route.params.iter().map(|p| p.kind).collect();
    let vm = route.entity == atp_core::Entity::Machine
        && !matches!(
            route.returns,
            Returns::Many(atp_core::Entity::Alert | atp_core::Entity::User)
                | Returns::One(atp_core::Entity::Machine)
        );
    kinds
        .iter()
        .map(|k| match k {
            ParamKind::AlertId => ids.alert.as_str(),
            ParamKind::ActorId => &ids.actor,
            ParamKind::MachineId if vm => &ids.vm_machine,
            ParamKind::MachineId => &ids.machine,
            ParamKind::UserKey => &ids.user,
            ParamKind::Domain => &ids.domain,
            ParamKind::Ip if kinds.len() > 1 => &ids.machine_ip,
            ParamKind::Ip => &ids.ip,
            ParamKind::FileHash => &ids.file,
            ParamKind::MachineKey => &ids.machine_dns,
            ParamKind::Timestamp => &ids.machine_seen,
            ParamKind::IncidentId if route.api == Api::Defender => ids.incident_of_alert(),
            ParamKind::IncidentId => "1",
            ParamKind::ActionId if route.key == "machineactions.packageuri" => &ids.package_action,
            ParamKind::ActionId if route.key == "machineactions.liveresult" => &ids.live_action,
            ParamKind::ActionId => &ids.action,
            ParamKind::InvestigationId => &ids.investigation,
            ParamKind::IndicatorId => "1",
            ParamKind::SoftwareId => &ids.software,
            ParamKind::VulnerabilityId => &ids.vulnerability,
            ParamKind::RecommendationId => &ids.recommendation,
            ParamKind::RemediationTaskId => &ids.remediation,
            ParamKind::Index => "0",
        })
        .collect()
}

impl Ids {
    fn incident_of_alert(&self) -> &str {
        &self.incident
    }
}

#[test]
fn every_route_of_both_profiles_answers_with_its_shape() {
    let t = tenant();
    let ids = ids(&t);
    for route in ROUTES {
        let profile = match route.api {
            Api::Wdatp => Profile::Wdatp,
            Api::Defender => Profile::Defender(Region::Eu),
            // The Graph routes answer in their own shapes: tests/demo_graph.rs.
            Api::Graph => continue,
        };
        // Writes are carried out in tests/demo_writes.rs.
        if route.writes() {
            continue;
        }
        let params = params_for(&ids, route);
        let options: &[(QueryOption, &str)] = match route.key {
            "machines.findbytag" => &[(QueryOption::Tag, ids.tag.as_str())],
            _ => &[],
        };
        let link = url(profile, route.key, &params, options);
        let body = ok(&t, &link, profile);
        let context = body["@odata.context"].as_str().unwrap();
        assert!(
            context.starts_with(&format!("{}/$metadata#", profile.base())),
            "{link}: {context}"
        );
        let (entity, one) = match route.returns {
            Returns::Many(e) => (Some(e), false),
            Returns::One(e) => (Some(e), true),
            Returns::Stats | Returns::Value => (None, true),
        };
        let check_entity = |v: &Value, e: atp_core::Entity| {
            use atp_core::Entity as E;
            if e == E::Assessment {
                let keys = ["deviceId", "cveId", "version", "exportFiles"];
                assert!(keys.iter().any(|k| v.get(*k).is_some()), "{link}: {v}");
                return;
            }
            let key = match e {
                E::Incident if route.api == Api::Defender => "incidentName",
                E::MachineAction => "type",
                E::Investigation => "state",
                E::Indicator => "indicatorValue",
                E::Software => "vendor",
                E::Vulnerability => "cvssV3",
                E::Recommendation => "recommendationName",
                E::RemediationTask => "title",
                E::Score => "score",
                E::AvHealth => "avMode",
                E::Kb => "name",
                E::Assessment => "deviceId",
                atp_core::Entity::Alert => "severity",
                atp_core::Entity::Machine => "computerDnsName",
                atp_core::Entity::User => "accountName",
                atp_core::Entity::Domain => "host",
                atp_core::Entity::Ip | atp_core::Entity::Actor => "id",
                atp_core::Entity::File => "sha1",
                atp_core::Entity::Incident => "displayName",
            };
            assert!(v.get(key).is_some(), "{link}: {v}");
        };
        // The sets of today's routes are each page's own (MachineReferences, Software, Collection(…)).
        let own_set = !matches!(
            entity,
            Some(
                atp_core::Entity::Alert
                    | atp_core::Entity::Machine
                    | atp_core::Entity::User
                    | atp_core::Entity::Domain
                    | atp_core::Entity::Ip
                    | atp_core::Entity::File
                    | atp_core::Entity::Actor
            )
        ) || route.template.contains("References")
            || route.key == "machines.findbytag";
        match (entity, one) {
            (_, true) if route.returns == Returns::Value => {
                assert!(context.ends_with("#Edm.String"), "{link}: {context}");
                assert!(
                    body["value"].as_str().unwrap().starts_with("https://"),
                    "{link}: {body}"
                );
            }
            (Some(e), false) => {
                let set = match e {
                    atp_core::Entity::Ip => "Ips".to_string(),
                    atp_core::Entity::Alert => "Alerts".into(),
                    other => format!("{}s", other.label().trim_end_matches('s')),
                };
                if !own_set {
                    assert!(context.ends_with(&format!("#{set}")), "{link}: {context}");
                }
                let items = values(&body);
                assert!(!items.is_empty(), "{link} leads somewhere");
                items.iter().for_each(|v| check_entity(v, e));
            }
            (Some(e), true) => {
                if e != atp_core::Entity::Assessment {
                    assert!(context.ends_with("/$entity"), "{link}: {context}");
                }
                assert!(body.get("value").is_none());
                check_entity(&body, e);
            }
            (None, _) => {
                assert!(context.contains("Stats"), "{context}");
                let prevalence = body
                    .get("organizationPrevalence")
                    .or(body.get("orgPrevalence"));
                assert!(prevalence.is_some(), "{link}: {body}");
                if route.api == Api::Wdatp {
                    assert!(
                        prevalence.unwrap().is_string(),
                        "2017 wrote prevalence as a string"
                    );
                }
            }
        }
    }
}

#[test]
fn errors_have_the_real_shape_and_status() {
    let t = tenant();
    let cases: &[(&str, &str, Profile, u16, &str, &str)] = &[
        (
            "GET",
            "/nothing/here",
            DEFENDER,
            404,
            "ResourceNotFound",
            "/nothing/here",
        ),
        (
            "GET",
            "/actor/zinc",
            DEFENDER,
            404,
            "ResourceNotFound",
            "WDATP",
        ),
        (
            "GET",
            "/alerts/636341278149188342_1",
            DEFENDER,
            404,
            "ResourceNotFound",
            "636341278149188342_1",
        ),
        (
            "GET",
            "/machines/0000000000000000000000000000000000000000",
            DEFENDER,
            404,
            "ResourceNotFound",
            "Machine",
        ),
        (
            "GET",
            "/files/abc/stats",
            DEFENDER,
            400,
            "InvalidHashValue",
            "hexadecimal",
        ),
        (
            "GET",
            "/files/zz5f19c41d9662cf86be21bf0af5a88c38c56a9d",
            Profile::Wdatp,
            400,
            "InvalidHashValue",
            "'z'",
        ),
        (
            "GET",
            "/ips/10.0.0.300/alerts",
            DEFENDER,
            400,
            "InvalidIpAddress",
            "10.0.0.300",
        ),
        (
            "GET",
            "/alerts?$filter=severity eq 'High'",
            Profile::Wdatp,
            400,
            "ODataError",
            "$filter",
        ),
        (
            "GET",
            "/alerts?$filter=severity eq",
            DEFENDER,
            400,
            "ODataError",
            "at position 12: expected a value after 'eq'",
        ),
        (
            "GET",
            "/alerts?$filter=severty eq 'High'",
            DEFENDER,
            400,
            "ODataError",
            "'severty'",
        ),
        (
            "GET",
            "/alerts?$filter=severity eq 'Severe'",
            DEFENDER,
            400,
            "ODataError",
            "Severe",
        ),
        (
            "GET",
            "/alerts?$filter=alertCreationTime gt 5",
            DEFENDER,
            400,
            "ODataError",
            "DateTimeOffset",
        ),
        (
            "GET",
            "/alerts?$orderby=title sideways",
            DEFENDER,
            400,
            "ODataError",
            "sideways",
        ),
        (
            "GET",
            "/machines?$orderby=machineTags",
            DEFENDER,
            400,
            "ODataError",
            "machineTags",
        ),
        (
            "GET",
            "/alerts?$select=id,nope",
            DEFENDER,
            400,
            "ODataError",
            "'nope'",
        ),
        (
            "GET",
            "/alerts?$top=10001",
            DEFENDER,
            400,
            "ODataError",
            "$top",
        ),
        ("GET", "/alerts?$wat=1", DEFENDER, 400, "ODataError", "wat"),
        (
            "GET",
            "/alerts?$expand=user",
            Profile::Wdatp,
            400,
            "ODataError",
            "user",
        ),
        ("POST", "/alerts", DEFENDER, 405, "MethodNotAllowed", "POST"),
    ];
    for (method, path, profile, status, code, needle) in cases {
        let r = t.respond(method, path, *profile);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(r.status, *status, "{path}: {body}");
        let error = body["error"]
            .as_object()
            .unwrap_or_else(|| panic!("{path}: {body}"));
        assert_eq!(error["code"], *code, "{path}: {body}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(needle),
            "{path}: {message:?} should mention {needle:?}"
        );
        assert!(
            error["target"].as_str().is_some_and(|t| t.len() == 36),
            "{body}"
        );
    }
}

#[test]
fn select_projects_and_expand_embeds() {
    let t = tenant();
    let body = ok(
        &t,
        "/alerts?$select=title,id&$top=3&$expand=machine",
        Profile::Wdatp,
    );
    for a in values(&body) {
        let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "machine", "title"]);
    }
    let m = &t.dataset.machines[5];
    let link = url(
        Profile::Wdatp,
        "machines.find",
        &[
            m.computer_dns_name.as_deref().unwrap(),
            &m.last_seen.unwrap().to_string(),
        ],
        &[(QueryOption::Expand, "logonusers")],
    );
    let found = ok(&t, &link, Profile::Wdatp);
    let machines = values(&found);
    assert_eq!(machines.len(), 1);
    assert_eq!(machines[0]["id"], m.id.as_str());
    assert!(!machines[0]["logonUsers"].as_array().unwrap().is_empty());
    let with = ok(&t, "/alerts?$top=50&$expand=evidence", DEFENDER);
    assert!(values(&with)
        .iter()
        .any(|a| !a["evidence"].as_array().unwrap().is_empty()));
    let without = ok(&t, "/alerts?$top=50", DEFENDER);
    assert!(values(&without)
        .iter()
        .all(|a| a["evidence"] == Value::Array(vec![])));
}

/// Every id in these responses, with the route that must resolve it.
fn collect_ids(body: &Value, out: &mut BTreeSet<(&'static str, String)>) {
    let items: Vec<&Value> = match body.get("value") {
        Some(Value::Array(v)) => v.iter().collect(),
        _ => vec![body],
    };
    for v in items {
        if let Some(id) = v["id"].as_str() {
            if v.get("severity").is_some() {
                out.insert(("alerts.get", id.into()));
            }
        }
        for (field, key) in [
            ("machineId", "machines.get"),
            ("mostPrevalentMachineId", "machines.get"),
        ] {
            if let Some(id) = v[field].as_str() {
                out.insert((key, id.into()));
            }
        }
        if let Some(m) = v.get("machine").filter(|m| m.is_object()) {
            out.insert(("machines.get", m["id"].as_str().unwrap().into()));
        }
        if let (Some(name), Some(_)) = (v["relatedUser"]["userName"].as_str(), v.get("relatedUser"))
        {
            out.insert(("users.alerts", name.into()));
        }
        for e in v["evidence"].as_array().into_iter().flatten() {
            if let Some(h) = e["sha1"].as_str() {
                out.insert(("files.get", h.into()));
            }
            if let Some(ip) = e["ipAddress"].as_str() {
                out.insert(("ips.alerts", ip.into()));
            }
            if let Some(u) = e["url"].as_str() {
                out.insert(("domains.alerts", u.into()));
            }
        }
    }
}

fn pivots_are_closed(t: &DemoTenant) {
    let mut found = BTreeSet::new();
    for start in [
        "/alerts?$top=300&$expand=evidence",
        "/machines?$top=50",
        "/alerts?$top=100&$orderby=severity desc&$expand=evidence",
    ] {
        collect_ids(&ok(t, start, DEFENDER), &mut found);
    }
    let machine_ids: Vec<String> = found
        .iter()
        .filter(|(k, _)| *k == "machines.get")
        .map(|(_, id)| id.clone())
        .take(30)
        .collect();
    for m in machine_ids {
        collect_ids(
            &ok(
                t,
                &url(DEFENDER, "machines.logonusers", &[&m], &[]),
                DEFENDER,
            ),
            &mut found,
        );
        collect_ids(
            &ok(t, &url(DEFENDER, "machines.alerts", &[&m], &[]), DEFENDER),
            &mut found,
        );
        let users = ok(
            t,
            &url(DEFENDER, "machines.logonusers", &[&m], &[]),
            DEFENDER,
        );
        for u in values(&users) {
            found.insert(("users.machines", u["id"].as_str().unwrap().into()));
        }
    }
    assert!(found.len() > 300, "{}", found.len());
    for (key, id) in &found {
        let link = url(DEFENDER, key, &[id], &[]);
        let (status, body) = get(t, &link, DEFENDER);
        assert_eq!(status, 200, "{key} {id:?} does not resolve: {body}");
        if body.get("value").is_some() {
            assert!(!values(&body).is_empty(), "{key} {id:?} leads nowhere");
        }
    }
}

#[test]
fn pivots_are_closed_in_the_normal_tenant() {
    pivots_are_closed(&tenant());
}

#[test]
fn pivots_are_closed_in_the_hostile_tenant() {
    pivots_are_closed(&tenant_of(Variant::Hostile));
}

#[test]
fn the_hostile_tenant_plants_every_payload_and_stays_valid_json() {
    let t = tenant_of(Variant::Hostile);
    let mut bodies = String::new();
    for link in ["/alerts?$top=400&$expand=evidence", "/machines?$top=300"] {
        bodies.push_str(&ok(&t, link, DEFENDER).to_string());
    }
    bodies.push_str(&ok(&t, "/actor/zinc", Profile::Wdatp).to_string());
    let decoded: String = bodies.clone();
    for p in HOSTILE_PAYLOADS {
        let json = serde_json::to_string(p).unwrap();
        let inner = &json[1..json.len() - 1];
        assert!(decoded.contains(inner), "payload {p:?} is not planted");
    }
    assert!(decoded.contains("\\u0000"), "NUL characters");
    let users = ok(
        &t,
        &format!("/machines/{}/logonusers", t.dataset.machines[0].id),
        DEFENDER,
    );
    let id = values(&users)[0]["id"].as_str().unwrap().to_string();
    assert!(
        id.contains('<') || id.contains(':') || id.contains('\''),
        "user ids carry payloads: {id}"
    );
    // Every answer carries hostile headers; the normal tenant's do not.
    let first = t.respond(
        "GET",
        "https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine",
        Profile::Wdatp,
    );
    for (name, value) in HOSTILE_HEADERS {
        assert_eq!(first.header(name), Some(*value));
    }
    assert_eq!(
        tenant()
            .respond("GET", "/alerts?$top=1", DEFENDER)
            .header("X-Atp-Note"),
        None
    );
    // The first alert's machine name, which its card's Machine link shows, hides a bidi override and a
    // zero-width space.
    let body: Value = serde_json::from_str(&first.body).unwrap();
    let name = body["value"][0]["machine"]["computerDnsName"]
        .as_str()
        .unwrap();
    assert!(
        name.contains('\u{202E}') && name.contains('\u{200B}'),
        "{name:?}"
    );
    // Filters over hostile text neither panic nor fail.
    ok(
        &t,
        "/alerts?$filter=contains(title,'<script>')&$orderby=title desc,severity",
        DEFENDER,
    );
}

#[test]
fn stats_are_computed_from_the_observations() {
    let t = tenant();
    let ids = ids(&t);
    let since = Timestamp(now() - Duration::hours(720));
    for (kind, id) in [
        ("files", &ids.file),
        ("ips", &ids.ip),
        ("domains", &ids.domain),
    ] {
        let alerts = ok(&t, &format!("/{kind}/{id}/alerts?$top=10000"), DEFENDER);
        let machines: BTreeSet<&str> = values(&alerts)
            .iter()
            .filter(|a| Timestamp::parse(a["lastEventTime"].as_str().unwrap()).unwrap() >= since)
            .map(|a| a["machineId"].as_str().unwrap())
            .collect();
        let stats = ok(&t, &format!("/{kind}/{id}/stats"), DEFENDER);
        assert_eq!(
            stats["organizationPrevalence"],
            machines.len() as u64,
            "{kind} {id}"
        );
        let first = Timestamp::parse(stats["orgFirstSeen"].as_str().unwrap()).unwrap();
        let last = Timestamp::parse(stats["orgLastSeen"].as_str().unwrap()).unwrap();
        assert!(first <= last && last.0 <= now());
        if kind == "files" {
            assert!(stats["globallyPrevalence"].as_u64().unwrap() >= machines.len() as u64);
            let global_first =
                Timestamp::parse(stats["globalFirstObserved"].as_str().unwrap()).unwrap();
            assert!(global_first <= first);
            assert!(!stats["topFileNames"].as_array().unwrap().is_empty());
        }
        let short = ok(&t, &format!("/{kind}/{id}/stats?lookBackHours=1"), DEFENDER);
        assert!(short["organizationPrevalence"].as_u64().unwrap() <= machines.len() as u64);
    }
    // Indicators recur: some file is seen on many machines.
    let most = t
        .dataset
        .files
        .iter()
        .take(40)
        .map(|f| {
            let s = ok(
                &t,
                &format!("/files/{}/stats", f.sha1.as_deref().unwrap()),
                DEFENDER,
            );
            s["organizationPrevalence"].as_u64().unwrap()
        })
        .max()
        .unwrap();
    assert!(most >= 20, "the most common file is on {most} machines");
}

#[test]
fn the_dataset_is_realistic_and_deterministic() {
    let a = tenant();
    let b = tenant();
    assert_eq!(
        a.respond("GET", "/alerts?$top=50&$expand=evidence", DEFENDER),
        b.respond("GET", "/alerts?$top=50&$expand=evidence", DEFENDER)
    );
    let other = DemoTenant::generate(&DemoConfig {
        seed: 7,
        ..DemoConfig::new(now())
    });
    assert_ne!(a.dataset.alerts[1].id, other.dataset.alerts[1].id);

    let d = &a.dataset;
    assert_eq!(
        (d.machines.len(), d.users.len(), d.files.len()),
        (250, 180, 400)
    );
    assert_eq!(
        (d.ips.len(), d.domains.len(), d.actors.len()),
        (300, 150, 12)
    );
    let share = |f: &dyn Fn(&atp_core::model::Alert) -> bool| {
        d.alerts.iter().filter(|x| f(x)).count() as f64 / d.alerts.len() as f64
    };
    for (sev, lo, hi) in [
        ("Informational", 0.05, 0.3),
        ("Low", 0.15, 0.5),
        ("Medium", 0.2, 0.5),
        ("High", 0.05, 0.35),
    ] {
        let s = share(&|x| x.severity.as_deref() == Some(sev));
        assert!((lo..hi).contains(&s), "{sev}: {s}");
    }
    let new = share(&|x| x.status.as_deref() == Some("New"));
    assert!((0.3..0.6).contains(&new), "New: {new}");
    let with_user = share(&|x| x.related_user.is_some());
    assert!(with_user > 0.75, "most alerts have a user: {with_user}");
    for x in &d.alerts[1..] {
        let t = x.alert_creation_time.unwrap().0;
        assert!(t <= now() && t > now() - Duration::days(30), "{t}");
        let (head, tail) = x.id.trim_start_matches("da").split_once('_').unwrap();
        assert_eq!(head.len(), 18, "{}", x.id);
        assert!(
            head.chars().all(|c| c.is_ascii_digit())
                && tail.trim_start_matches('-').parse::<u32>().is_ok()
        );
        assert!(
            x.first_event_time <= x.last_event_time && x.last_event_time <= x.alert_creation_time
        );
    }
    for f in &d.files {
        assert_eq!(f.sha1.as_ref().unwrap().len(), 40);
        assert_eq!(f.sha256.as_ref().unwrap().len(), 64);
        assert_eq!(f.md5.as_ref().unwrap().len(), 32);
    }
    // The example alert's machine is a full machine with a user.
    let m = d.machine(SOURCE_MACHINE_ID).unwrap();
    assert!(m.computer_dns_name.is_some() && m.os_platform.is_some());
}

#[test]
fn scale_reaches_benchmark_size() {
    let t = DemoTenant::generate(&DemoConfig {
        scale: 100_000,
        ..DemoConfig::new(now())
    });
    assert_eq!(t.dataset.alerts.len(), 100_000);
    let body = ok(
        &t,
        "/alerts?$filter=severity eq 'High' and status ne 'Resolved'&$orderby=alertCreationTime desc&$top=100",
        DEFENDER,
    );
    assert_eq!(values(&body).len(), 100);
    let ids: HashSet<&str> = t.dataset.alerts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 100_000, "alert ids are unique");
}

#[test]
fn small_tenants_answer_every_route_too() {
    for scale in [1, 10, 50] {
        let mut config = DemoConfig::new(
            chrono::DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
                .unwrap()
                .to_utc(),
        );
        config.scale = scale;
        let tenant = DemoTenant::generate(&config);
        for relation in ["machines", "files", "ips", "domains", "actor"] {
            let response = tenant.respond(
                "GET",
                &format!("/alerts/{}/{relation}", atp_core::demo::SOURCE_ALERT_ID),
                Profile::Wdatp,
            );
            assert!(
                response.status == 200 || response.status == 404,
                "scale {scale} {relation}: {}",
                response.status
            );
        }
    }
}

#[test]
fn demo_names_upper_case_as_ascii() {
    // The engine and generator upper-case with `to_ascii_uppercase` (Unicode's case tables are kept out
    // of the wasm): it must agree with `to_uppercase` on every string they upper-case.
    for variant in [Variant::Normal, Variant::Hostile] {
        let t = tenant_of(variant);
        let data = &t.dataset;
        let domains = data
            .users
            .iter()
            .filter_map(|u| u.account_domain.as_deref());
        for s in domains.chain(data.actors.iter().map(|a| a.id.as_str())) {
            assert_eq!(
                s.to_ascii_uppercase(),
                s.to_uppercase(),
                "{variant:?}: {s:?}"
            );
        }
    }
}

#[test]
fn the_hunting_routes_answer_a_post_in_their_apis_shapes() {
    let t = tenant();
    let kql = r#"{"Query": "DeviceInfo | take 2"}"#;
    let graph = t.respond_with(
        "POST",
        "https://graph.microsoft.com/v1.0/security/runHuntingQuery",
        Some(kql),
        Profile::Graph,
    );
    assert_eq!(graph.status, 200, "{}", graph.body);
    let body: serde_json::Value = serde_json::from_str(&graph.body).unwrap();
    assert_eq!(body["results"].as_array().map(Vec::len), Some(2));
    for path in ["/advancedhunting/run", "/advancedqueries/run"] {
        let r = t.respond_with("POST", path, Some(kql), Profile::Defender(Region::Eu));
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(
            body["Schema"].is_array() && body["Results"].is_array(),
            "{path}"
        );
    }
    // A bad query is the API's 400; a POST elsewhere is refused as before; a GET of a hunting route too.
    let bad = t.respond_with(
        "POST",
        "/security/runHuntingQuery",
        Some(r#"{"Query": "| x"}"#),
        Profile::Graph,
    );
    assert_eq!(bad.status, 400);
    assert_ne!(
        t.respond_with(
            "POST",
            "/alerts",
            Some(kql),
            Profile::Defender(Region::Global)
        )
        .status,
        200
    );
    assert_ne!(
        t.respond(
            "GET",
            "/advancedhunting/run",
            Profile::Defender(Region::Global)
        )
        .status,
        200
    );
}

#[test]
fn a_machines_actions_and_a_files_indicators_are_its_filtered_lists() {
    let t = tenant();
    let actions = ok(
        &t,
        &url(
            DEFENDER,
            "machines.machineactions",
            &[SOURCE_MACHINE_ID],
            &[],
        ),
        DEFENDER,
    );
    let actions = values(&actions);
    assert!(actions.len() >= 3, "{actions:?}");
    assert!(actions.iter().all(|a| a["machineId"] == SOURCE_MACHINE_ID));
    // The source alert's file: the demo's connector made an indicator of its SHA1.
    let files = ok(
        &t,
        &url(DEFENDER, "alerts.files", &[SOURCE_ALERT_ID], &[]),
        DEFENDER,
    );
    let sha1 = values(&files)[0]["sha1"].as_str().unwrap().to_string();
    let indicators = ok(
        &t,
        &url(DEFENDER, "files.indicators", &[&sha1], &[]),
        DEFENDER,
    );
    let indicators = values(&indicators);
    assert!(!indicators.is_empty());
    assert!(indicators
        .iter()
        .all(|i| i["indicatorValue"] == sha1.as_str()));
}
