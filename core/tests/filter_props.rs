//! Random `$filter`/`$orderby`/`$skip`/`$top` combinations give what a plain reference evaluation gives,
//! and no input makes the engine panic.

use std::cmp::Ordering;
use std::sync::OnceLock;

use atp_core::demo::{DemoConfig, DemoTenant};
use atp_core::model::{Alert, Timestamp};
use atp_core::{Api, Profile, Query, QueryOption, Region};
use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::Value;

const DEFENDER: Profile = Profile::Defender(Region::Global);
const SEVERITIES: [&str; 4] = ["Informational", "Low", "Medium", "High"];
const STATUSES: [&str; 3] = ["New", "InProgress", "Resolved"];

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap()
}

fn tenant() -> &'static DemoTenant {
    static T: OnceLock<DemoTenant> = OnceLock::new();
    T.get_or_init(|| DemoTenant::generate(&DemoConfig::new(now())))
}

#[derive(Clone, Debug)]
enum F {
    Severity(&'static str, &'static str),
    Status(&'static str, &'static str),
    StatusIn(Vec<&'static str>),
    Created(&'static str, i64),
    Incident(&'static str, i64),
    AssignedNull(bool),
    Starts(String),
    Contains(String),
    Not(Box<F>),
    And(Box<F>, Box<F>),
    Or(Box<F>, Box<F>),
}

fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["eq", "ne", "gt", "ge", "lt", "le"])
}

fn leaf() -> impl Strategy<Value = F> {
    prop_oneof![
        (op(), prop::sample::select(SEVERITIES.to_vec())).prop_map(|(o, s)| F::Severity(o, s)),
        (
            prop::sample::select(vec!["eq", "ne"]),
            prop::sample::select(STATUSES.to_vec())
        )
            .prop_map(|(o, s)| F::Status(o, s)),
        prop::sample::subsequence(STATUSES.to_vec(), 1..3).prop_map(F::StatusIn),
        (op(), 0i64..800).prop_map(|(o, h)| F::Created(o, h)),
        (op(), 10_000i64..20_000).prop_map(|(o, n)| F::Incident(o, n)),
        any::<bool>().prop_map(F::AssignedNull),
        prop::sample::select(vec!["Sus", "Mal", "Cred", "'Mimikatz'", "Process", "x"])
            .prop_map(|s| F::Starts(s.to_string())),
        prop::sample::select(vec!["Power", "detected", "malware", "o", "'", "Z"])
            .prop_map(|s| F::Contains(s.to_string())),
    ]
}

fn filter() -> impl Strategy<Value = F> {
    leaf().prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| F::Not(Box::new(f))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
        ]
    })
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn time(hours: i64) -> Timestamp {
    Timestamp(now() - Duration::hours(hours))
}

fn render(f: &F) -> String {
    match f {
        F::Severity(o, s) => format!("severity {o} {}", quote(s)),
        F::Status(o, s) => format!("status {o} {}", quote(s)),
        F::StatusIn(v) => format!(
            "status in ({})",
            v.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
        ),
        F::Created(o, h) => format!("alertCreationTime {o} {}", time(*h)),
        F::Incident(o, n) => format!("incidentId {o} {n}"),
        F::AssignedNull(eq) => format!("assignedTo {} null", if *eq { "eq" } else { "ne" }),
        F::Starts(s) => format!("startswith(title, {})", quote(s)),
        F::Contains(s) => format!("contains(title,{})", quote(s)),
        F::Not(a) => format!("not ({})", render(a)),
        F::And(a, b) => format!("({}) and ({})", render(a), render(b)),
        F::Or(a, b) => format!("({}) or ({})", render(a), render(b)),
    }
}

fn cmp_holds<T: Ord>(field: Option<T>, o: &str, value: T) -> bool {
    let Some(field) = field else {
        return o == "ne";
    };
    let ord = field.cmp(&value);
    match o {
        "eq" => ord == Ordering::Equal,
        "ne" => ord != Ordering::Equal,
        "gt" => ord == Ordering::Greater,
        "ge" => ord != Ordering::Less,
        "lt" => ord == Ordering::Less,
        _ => ord != Ordering::Greater,
    }
}

fn rank(a: &Alert) -> Option<usize> {
    a.severity
        .as_deref()
        .and_then(|s| SEVERITIES.iter().position(|x| *x == s))
}

fn holds(f: &F, a: &Alert) -> bool {
    match f {
        F::Severity(o, s) => cmp_holds(rank(a), o, SEVERITIES.iter().position(|x| x == s).unwrap()),
        F::Status(o, s) => cmp_holds(a.status.as_deref(), o, s),
        F::StatusIn(v) => a.status.as_deref().is_some_and(|s| v.contains(&s)),
        F::Created(o, h) => cmp_holds(a.alert_creation_time, o, time(*h)),
        F::Incident(o, n) => cmp_holds(a.incident_id, o, *n),
        F::AssignedNull(eq) => a.assigned_to.is_none() == *eq,
        F::Starts(s) => a
            .title
            .as_deref()
            .is_some_and(|t| t.starts_with(s.as_str())),
        F::Contains(s) => a.title.as_deref().is_some_and(|t| t.contains(s.as_str())),
        F::Not(x) => !holds(x, a),
        F::And(x, y) => holds(x, a) && holds(y, a),
        F::Or(x, y) => holds(x, a) || holds(y, a),
    }
}

/// Null first, then by value, per key.
fn key_cmp(key: &str, a: &Alert, b: &Alert) -> Ordering {
    match key {
        "severity" => rank(a).cmp(&rank(b)),
        "alertCreationTime" => a.alert_creation_time.cmp(&b.alert_creation_time),
        "status" => a.status.cmp(&b.status),
        "incidentId" => a.incident_id.cmp(&b.incident_id),
        "title" => a.title.cmp(&b.title),
        _ => a.assigned_to.cmp(&b.assigned_to),
    }
}

fn request(filter: Option<&str>, orderby: Option<&str>, skip: Option<usize>, top: usize) -> String {
    let mut q = Query::new(DEFENDER, Api::Defender.route("alerts.list").unwrap());
    if let Some(f) = filter {
        q.set_option(QueryOption::Filter, f);
    }
    if let Some(o) = orderby {
        q.set_option(QueryOption::OrderBy, o);
    }
    if let Some(s) = skip {
        q.set_option(QueryOption::Skip, &s.to_string());
    }
    q.set_option(QueryOption::Top, &top.to_string());
    q.set_option(QueryOption::Count, "true");
    q.set_option(QueryOption::Select, "id");
    q.url()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn filter_orderby_paging_match_the_reference(
        f in prop::option::weighted(0.85, filter()),
        keys in prop::collection::vec(
            (prop::sample::select(vec!["severity", "alertCreationTime", "status", "incidentId", "title", "assignedTo"]), any::<bool>()),
            0..3,
        ),
        skip in prop::option::of(0usize..1300),
        top in 1usize..300,
    ) {
        let t = tenant();
        let filter_text = f.as_ref().map(render);
        let orderby = (!keys.is_empty()).then(|| {
            keys.iter().map(|(k, d)| format!("{k}{}", if *d { " desc" } else if k.len() % 2 == 0 { " asc" } else { "" })).collect::<Vec<_>>().join(", ")
        });
        let url = request(filter_text.as_deref(), orderby.as_deref(), skip, top);
        let r = t.respond("GET", &url, DEFENDER);
        prop_assert_eq!(r.status, 200, "{} {}", url, r.body);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        let got: Vec<&str> = body["value"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect();

        let mut expected: Vec<&Alert> = t.dataset.alerts.iter().filter(|a| f.as_ref().is_none_or(|f| holds(f, a))).collect();
        let total = expected.len();
        expected.sort_by(|a, b| {
            keys.iter().fold(Ordering::Equal, |acc, (k, desc)| {
                acc.then_with(|| { let o = key_cmp(k, a, b); if *desc { o.reverse() } else { o } })
            })
        });
        let want: Vec<&str> = expected.iter().skip(skip.unwrap_or(0)).take(top).map(|a| a.id.as_str()).collect();
        prop_assert_eq!(&got, &want, "{}", url);
        prop_assert_eq!(body["@odata.count"].as_u64(), Some(total as u64));
        let more = skip.unwrap_or(0) + top < total;
        prop_assert_eq!(body.get("@odata.nextLink").is_some(), more);
    }

    #[test]
    fn no_filter_or_orderby_text_panics(filter in ".{0,80}", orderby in ".{0,40}") {
        let t = tenant();
        for url in [
            request(Some(&filter), None, None, 5),
            request(None, Some(&orderby), None, 5),
        ] {
            let r = t.respond("GET", &url, DEFENDER);
            prop_assert!(r.status == 200 || r.status == 400, "{} {}", url, r.body);
            prop_assert!(serde_json::from_str::<Value>(&r.body).is_ok());
        }
        let _ = atp_core::odata::check_filter(&filter);
    }

    #[test]
    fn no_request_url_panics(path in "(/[a-zA-Z0-9$()='%,.:_\\- ]{0,30}){0,4}(\\?[a-zA-Z$=&%' ]{0,40})?", method in "GET|POST|get|DELETE") {
        let t = tenant();
        for profile in [Profile::Wdatp, DEFENDER] {
            let r = t.respond(&method, &path, profile);
            prop_assert!(matches!(r.status, 200 | 400 | 404 | 405), "{} {}", path, r.body);
            prop_assert!(serde_json::from_str::<Value>(&r.body).is_ok());
        }
    }

    #[test]
    fn filter_grammar_reads_what_the_reference_renders(f in filter()) {
        prop_assert!(atp_core::odata::check_filter(&render(&f)).is_ok());
    }
}
