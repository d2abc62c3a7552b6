//! Today's Defender writes on the demo tenant: a response action is queued, runs and succeeds as time
//! passes; the API's errors for a bad body, a busy machine, a wrong method or an unknown target;
//! indicators submitted and deleted; every documented write, built as the query builder builds it, is
//! carried out. And the query side: a write's body validated and written as JSON.

use atp_core::demo::{
    DemoConfig, DemoTenant, SOURCE_ALERT_ID, SOURCE_MACHINE_ID, SUCCEEDS_AFTER_MS,
};
use atp_core::{Api, BodyKind, Profile, Query, QueryError, ROUTES};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};

const MDE: Profile = Profile::Defender(atp_core::Region::Global);

fn tenant() -> (DemoTenant, DateTime<Utc>) {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap();
    (DemoTenant::generate(&DemoConfig::new(now)), now)
}

fn send(
    t: &DemoTenant,
    method: &str,
    path: &str,
    body: Option<Value>,
    at: DateTime<Utc>,
) -> (u16, Value) {
    let body = body.map(|b| b.to_string());
    let r = t.respond_at(method, path, body.as_deref(), MDE, at);
    let json = if r.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{path}: {e}: {}", r.body))
    };
    (r.status, json)
}

#[test]
fn an_isolation_is_queued_then_runs_then_succeeds() {
    let (t, now) = tenant();
    let path = format!("/machines/{SOURCE_MACHINE_ID}/isolate");
    let (status, action) = send(
        &t,
        "POST",
        &path,
        Some(json!({"Comment": "Contain the CFO's laptop", "IsolationType": "Selective"})),
        now,
    );
    assert_eq!(status, 201, "{action}");
    assert_eq!(action["type"], "Isolate");
    assert_eq!(action["status"], "Pending");
    assert_eq!(action["scope"], "Selective");
    assert_eq!(action["machineId"], SOURCE_MACHINE_ID);
    assert_eq!(action["requestorComment"], "Contain the CFO's laptop");
    assert!(action["@odata.context"]
        .as_str()
        .is_some_and(|c| c.ends_with("#MachineActions/$entity")));
    let id = action["id"].as_str().unwrap().to_string();

    let status_at = |seconds: i64| {
        let (code, list) = send(
            &t,
            "GET",
            &format!("/machineactions?$filter=machineId eq '{SOURCE_MACHINE_ID}'"),
            None,
            now + Duration::seconds(seconds),
        );
        assert_eq!(code, 200, "{list}");
        let first = &list["value"][0];
        assert_eq!(first["id"], id.as_str(), "the newest action first");
        first["status"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(status_at(1), "Pending");
    assert_eq!(status_at(3), "InProgress");
    assert_eq!(status_at(9), "Succeeded");
    let (code, one) = send(
        &t,
        "GET",
        &format!("/machineactions/{id}"),
        None,
        now + Duration::seconds(60),
    );
    assert_eq!(code, 200);
    assert_eq!(one["status"], "Succeeded");
    let finished = now + Duration::milliseconds(SUCCEEDS_AFTER_MS);
    assert_eq!(
        one["lastUpdateDateTimeUtc"]
            .as_str()
            .and_then(atp_core::model::Timestamp::parse),
        Some(atp_core::model::Timestamp(finished))
    );
}

#[test]
fn the_apis_errors_for_a_write() {
    let (t, now) = tenant();
    let isolate = format!("/machines/{SOURCE_MACHINE_ID}/isolate");
    let (code, e) = send(
        &t,
        "POST",
        &isolate,
        Some(json!({"IsolationType": "Full"})),
        now,
    );
    assert_eq!(
        (code, e["error"]["code"].as_str()),
        (400, Some("InvalidRequestBody"))
    );
    assert!(
        e["error"]["message"].as_str().unwrap().contains("Comment"),
        "{e}"
    );
    let (code, e) = send(
        &t,
        "POST",
        &isolate,
        Some(json!({"Comment": "c", "IsolationType": "Half"})),
        now,
    );
    assert_eq!(code, 400, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Full, Selective"),
        "{e}"
    );
    let (code, e) = send(&t, "POST", &isolate, None, now);
    assert_eq!(code, 400, "{e}");
    let r = t.respond_at("GET", &isolate, None, MDE, now);
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("POST"));
    let (code, _) = send(
        &t,
        "POST",
        "/machines/0000000000000000000000000000000000000000/isolate",
        Some(json!({"Comment": "c"})),
        now,
    );
    assert_eq!(code, 404);

    // A second isolation while the first is under way is refused; once it succeeded, another is taken.
    assert_eq!(
        send(&t, "POST", &isolate, Some(json!({"Comment": "c"})), now).0,
        201
    );
    let (code, e) = send(
        &t,
        "POST",
        &isolate,
        Some(json!({"Comment": "again"})),
        now + Duration::seconds(1),
    );
    assert_eq!(
        (code, e["error"]["code"].as_str()),
        (400, Some("ActiveRequestAlreadyExists")),
        "{e}"
    );
    assert_eq!(
        send(
            &t,
            "POST",
            &isolate,
            Some(json!({"Comment": "later"})),
            now + Duration::seconds(30)
        )
        .0,
        201
    );
}

#[test]
fn indicators_are_submitted_listed_and_deleted() {
    let (t, now) = tenant();
    let (code, ind) = send(
        &t,
        "POST",
        "/indicators",
        Some(json!({
            "indicatorValue": "bad.example.com", "indicatorType": "DomainName", "action": "Block",
            "title": "C2", "description": "Seen in the seed alert", "generateAlert": true
        })),
        now,
    );
    assert_eq!(code, 200, "{ind}");
    let id = ind["id"].to_string();
    let listed = |at| {
        let (_, list) = send(
            &t,
            "GET",
            "/indicators?$filter=indicatorValue eq 'bad.example.com'",
            None,
            at,
        );
        list["value"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(listed(now), 1);
    let (code, _) = send(&t, "DELETE", &format!("/indicators/{id}"), None, now);
    assert_eq!(code, 204);
    assert_eq!(listed(now), 0);
    assert_eq!(
        send(&t, "DELETE", &format!("/indicators/{id}"), None, now).0,
        404
    );
}

/// A query of `route` the way the form fills it: its ids from the seed, each required member a valid value.
fn filled(t: &DemoTenant, route: &'static atp_core::Route) -> Query {
    let mut q = Query::new(MDE, route);
    for (i, p) in route.params.iter().enumerate() {
        q.params[i] = match p.name {
            "id" if route.entity == atp_core::Entity::Alert => SOURCE_ALERT_ID.to_string(),
            "id" if route.entity == atp_core::Entity::Indicator => t.dataset.defender.indicators[0]
                .id_text()
                .unwrap_or_default(),
            _ => SOURCE_MACHINE_ID.to_string(),
        };
    }
    for f in route.body.iter().filter(|f| f.required) {
        let value = match f.kind {
            BodyKind::Choice(values) => values[0].to_string(),
            BodyKind::Json if f.name == "IndicatorIds" => format!(
                "[{:?}]",
                t.dataset.defender.indicators[1]
                    .id_text()
                    .unwrap_or_default()
            ),
            BodyKind::Json if f.name == "alertIds" => format!("[{SOURCE_ALERT_ID:?}]"),
            BodyKind::Json => "[]".to_string(),
            BodyKind::Bool => "true".to_string(),
            BodyKind::Text if f.name == "Sha1" => "a".repeat(40),
            BodyKind::Text => "x".to_string(),
        };
        q.set_body_value(f.name, &value);
    }
    q
}

#[test]
fn every_documented_write_is_carried_out() {
    let (t, now) = tenant();
    let writes: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.api == Api::Defender && r.writes())
        .collect();
    assert_eq!(writes.len(), 18);
    for route in writes {
        assert!(route.runs(), "{}", route.key);
        assert!(route.permission().contains('.'), "{}", route.key);
        let q = filled(&t, route);
        assert_eq!(q.validate(), Vec::<QueryError>::new(), "{}", route.key);
        let r = t.respond_at(
            route.method.name(),
            &q.url(),
            q.body_json().as_deref(),
            MDE,
            now,
        );
        assert!(r.status < 300, "{}: {} {}", route.key, r.status, r.body);
    }
}

#[test]
fn a_writes_body_is_validated_and_written_as_json() {
    let route = Api::Defender.route("machines.isolate").unwrap();
    let mut q = Query::new(MDE, route);
    q.params[0] = SOURCE_MACHINE_ID.to_string();
    let problems = q.validate();
    assert!(
        matches!(
            problems.as_slice(),
            [QueryError::BadBody {
                name: "Comment",
                ..
            }]
        ),
        "{problems:?}"
    );
    q.set_body_value("Comment", "Contain");
    q.set_body_value("IsolationType", "Partial");
    assert!(q.validate()[0]
        .to_string()
        .contains("not one of Full, Selective"));
    q.set_body_value("IsolationType", "");
    assert!(q.validate().is_empty());
    assert_eq!(q.body_json().as_deref(), Some(r#"{"Comment":"Contain"}"#));
    // Another action of the machine keeps the comment typed.
    let unisolate = q.with_route(Api::Defender.route("machines.unisolate").unwrap());
    assert_eq!(unisolate.body_value("Comment"), "Contain");

    let submit = Api::Defender.route("indicators.submit").unwrap();
    let mut i = Query::new(MDE, submit);
    for (name, value) in [
        ("indicatorValue", "1.2.3.4"),
        ("indicatorType", "IpAddress"),
        ("action", "Alert"),
        ("title", "t"),
        ("description", "d"),
        ("generateAlert", "yes"),
    ] {
        i.set_body_value(name, value);
    }
    assert!(i.validate()[0].to_string().contains("not true or false"));
    i.set_body_value("generateAlert", "false");
    let body: Value = serde_json::from_str(&i.body_json().unwrap()).unwrap();
    assert_eq!(body["generateAlert"], false);
    let live = Api::Defender.route("machines.liveresponse").unwrap();
    let mut l = Query::new(MDE, live);
    l.params[0] = SOURCE_MACHINE_ID.to_string();
    l.set_body_value("Comment", "c");
    l.set_body_value("Commands", "[{\"type\": \"GetFile\"");
    assert!(l.validate()[0].to_string().contains("not JSON"));
    l.set_body_value(
        "Commands",
        r#"[{"type":"GetFile","params":[{"key":"Path","value":"C:\\x"}]}]"#,
    );
    let body: Value = serde_json::from_str(&l.body_json().unwrap()).unwrap();
    assert_eq!(body["Commands"][0]["type"], "GetFile");
    // Graph's writes are still listed only.
    assert!(!Api::Graph.route("alerts.update").unwrap().runs());
}

#[test]
fn no_write_is_a_pivot_an_expansion_or_a_search_result() {
    for api in [Api::Wdatp, Api::Defender, Api::Graph] {
        for &entity in atp_core::Entity::ALL.iter() {
            for r in atp_core::catalogue::graph_relations(api, entity) {
                assert!(!r.writes(), "{}", r.key);
            }
        }
    }
    let reading = atp_core::recognise::recognise(SOURCE_MACHINE_ID);
    for r in &reading {
        for q in r.routes(MDE) {
            assert!(!q.route.writes(), "{}", q.route.key);
        }
    }
}
