//! Pins the demo tenant byte for byte: every generated dataset and the engine's answers to a sweep of
//! requests hash to the values the generator and engine gave before they were split into rooms (issue 16).
//! A change here is a behaviour change of the demo tenant; if it is meant, print the new digests with
//! `cargo test -p atp-core --test demo_dataset -- --nocapture` and update them together with the reason.

use atp_core::demo::{DemoConfig, DemoTenant, Variant};
use atp_core::{Api, ParamKind, Profile, Query, QueryOption, Region, ROUTES};
use chrono::{TimeZone, Utc};
use serde::Serialize;

/// FNV-1a, 64 bits: written here so the digest does not depend on std's hasher, which may change
/// between Rust versions.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x0100_0000_01b3);
    }

    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    fn json<T: Serialize>(&mut self, value: &T) {
        let text = serde_json::to_string(value).unwrap_or_else(|e| panic!("serialises: {e}"));
        self.str(&text);
    }
}

fn config(variant: Variant, scale: usize) -> DemoConfig {
    DemoConfig {
        scale,
        variant,
        ..DemoConfig::new(Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap())
    }
}

/// Everything the dataset exposes, collection by collection.
fn dataset_digest(t: &DemoTenant) -> u64 {
    let d = &t.dataset;
    let mut h = Fnv::new();
    h.str(&format!("{:?} {:?}", d.now, d.variant));
    h.json(&d.alerts);
    h.json(&d.machines);
    h.json(&d.users);
    h.json(&d.files);
    h.json(&d.ips);
    h.json(&d.domains);
    h.json(&d.actors);
    h.0
}

fn url(profile: Profile, key: &str, params: &[String], options: &[(QueryOption, &str)]) -> String {
    let Some(route) = profile.api().route(key) else {
        return format!("/no-such-route/{key}");
    };
    let mut q = Query::new(profile, route);
    for (p, v) in route.params.iter().zip(params) {
        q.set_param(p.name, v);
    }
    for (o, v) in options {
        q.set_option(*o, v);
    }
    q.url()
}

fn hash_response(h: &mut Fnv, t: &DemoTenant, method: &str, link: &str, profile: Profile) {
    let r = t.respond(method, link, profile);
    h.str(link);
    h.str(&r.status.to_string());
    for (name, value) in &r.headers {
        h.str(name);
        h.str(value);
    }
    h.str(&r.body);
}

fn first_value(t: &DemoTenant, link: &str, key: &str) -> String {
    let r = t.respond("GET", link, Profile::Defender(Region::Global));
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
    let item = body.get("value").and_then(|v| v.get(0)).unwrap_or(&body);
    item.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or("missing")
        .to_string()
}

/// The parameters of every route, taken from one alert's neighbourhood.
fn params_of(t: &DemoTenant, alert: usize) -> Vec<(ParamKind, String)> {
    let a = &t.dataset.alerts[alert];
    let id = a.id.clone();
    let machine = a
        .machine_id
        .as_deref()
        .and_then(|m| t.dataset.machine(m))
        .cloned()
        .unwrap_or_default();
    let actor = first_value(t, &format!("/alerts/{id}/actor"), "id");
    vec![
        (ParamKind::AlertId, id.clone()),
        (ParamKind::ActorId, actor),
        (ParamKind::MachineId, machine.id.clone()),
        (
            ParamKind::UserKey,
            first_value(t, &format!("/alerts/{id}/user"), "id"),
        ),
        (
            ParamKind::Domain,
            first_value(t, &format!("/alerts/{id}/domains"), "host"),
        ),
        (
            ParamKind::Ip,
            first_value(t, &format!("/alerts/{id}/ips"), "id"),
        ),
        (
            ParamKind::FileHash,
            first_value(t, &format!("/alerts/{id}/files"), "sha1"),
        ),
        (
            ParamKind::MachineKey,
            machine.computer_dns_name.clone().unwrap_or_default(),
        ),
        (
            ParamKind::Timestamp,
            machine.last_seen.map(|s| s.to_string()).unwrap_or_default(),
        ),
        // The machine's own address, for routes that find a machine by IP and time.
        (ParamKind::Ip, machine.last_ip_address.unwrap_or_default()),
    ]
}

fn profile_of(api: Api) -> Profile {
    match api {
        Api::Wdatp => Profile::Wdatp,
        Api::Defender => Profile::Defender(Region::Eu),
        Api::Graph => Profile::Graph,
    }
}

/// Every route of both profiles around sampled alerts, whole collections with every expansion, OData
/// options and errors: the engine's answers, and through them the dataset's hidden links (evidence,
/// logon users, statistics).
fn engine_digest(t: &DemoTenant, samples: usize) -> u64 {
    let mut h = Fnv::new();
    let n = t.dataset.alerts.len();
    let step = (n / samples.max(1)).max(1);
    for alert in (0..n).step_by(step) {
        let params = params_of(t, alert);
        // The digests pin the WDATP and Defender answers; Graph's are tested in tests/demo_graph.rs.
        // Today's Defender routes added by issue 22 are pinned by `DEFENDER_PINNED`.
        for route in ROUTES[..first_today_route()]
            .iter()
            .filter(|r| r.api != Api::Graph)
        {
            let profile = profile_of(route.api);
            let kinds: Vec<ParamKind> = route.params.iter().map(|p| p.kind).collect();
            let values: Vec<String> = kinds
                .iter()
                .map(|k| {
                    let pick = if *k == ParamKind::Ip && kinds.len() > 1 {
                        params.iter().rev().find(|(p, _)| p == k)
                    } else {
                        params.iter().find(|(p, _)| p == k)
                    };
                    pick.map(|(_, v)| v.clone()).unwrap_or_default()
                })
                .collect();
            hash_response(
                &mut h,
                t,
                "GET",
                &url(profile, route.key, &values, &[]),
                profile,
            );
        }
    }
    let whole = [
        ("alerts.list", "evidence,machine"),
        ("machines.list", "logonusers"),
    ];
    for profile in [Profile::Wdatp, Profile::Defender(Region::Global)] {
        for (key, expand) in whole {
            let options = [(QueryOption::Top, "10000"), (QueryOption::Expand, expand)];
            hash_response(&mut h, t, "GET", &url(profile, key, &[], &options), profile);
        }
        for actor in &t.dataset.actors {
            let link = url(
                profile,
                "actor.alerts",
                std::slice::from_ref(&actor.id),
                &[],
            );
            hash_response(&mut h, t, "GET", &link, profile);
        }
        let queries: &[(&str, &[(QueryOption, &str)])] = &[
            (
                "alerts.list",
                &[
                    (
                        QueryOption::Filter,
                        "severity eq 'High' and status ne 'Resolved'",
                    ),
                    (QueryOption::OrderBy, "alertCreationTime desc"),
                    (QueryOption::Top, "7"),
                    (QueryOption::Skip, "3"),
                    (QueryOption::Count, "true"),
                ],
            ),
            (
                "alerts.list",
                &[
                    (QueryOption::OrderBy, "severity desc, title"),
                    (QueryOption::Select, "id,title,severity"),
                    (QueryOption::Top, "50"),
                ],
            ),
            ("alerts.list", &[(QueryOption::Skip, "1190")]),
            (
                "machines.list",
                &[
                    (QueryOption::Filter, "healthStatus eq 'Active'"),
                    (QueryOption::OrderBy, "lastSeen desc"),
                    (QueryOption::Count, "true"),
                ],
            ),
            ("alerts.list", &[(QueryOption::Top, "many")]),
            ("alerts.list", &[(QueryOption::Filter, "severity eq")]),
            ("alerts.list", &[(QueryOption::OrderBy, "nope")]),
            ("alerts.list", &[(QueryOption::Select, "id,nope")]),
            (
                "machines.list",
                &[(QueryOption::Select, "ID,computerdnsname")],
            ),
        ];
        for (key, options) in queries {
            hash_response(&mut h, t, "GET", &url(profile, key, &[], options), profile);
        }
        for link in [
            "/alerts/nope",
            "/files/xyz",
            "/ips/999.1.1.1",
            "/nowhere",
            "",
            "https://example.invalid/api/alerts",
        ] {
            hash_response(&mut h, t, "GET", link, profile);
        }
        hash_response(&mut h, t, "POST", "/alerts", profile);
    }
    h.0
}

/// Where the catalogue's routes of today's Defender entities (issue 22) begin.
fn first_today_route() -> usize {
    ROUTES
        .iter()
        .position(|r| r.key == "machineactions.list" && r.api == Api::Defender)
        .unwrap_or(ROUTES.len())
}

/// The answers of today's Defender routes (issue 22) around sampled alerts: every route with the
/// parameters its own collections give, and whole collections.
fn defender_digest(t: &DemoTenant) -> u64 {
    let profile = Profile::Defender(Region::Eu);
    let mut h = Fnv::new();
    let d = &t.dataset.defender;
    let mut by_kind: Vec<(ParamKind, Vec<String>)> = vec![
        (
            ParamKind::ActionId,
            d.machine_actions.iter().map(|a| a.id.clone()).collect(),
        ),
        (
            ParamKind::InvestigationId,
            d.investigations.iter().map(|a| a.id.clone()).collect(),
        ),
        (
            ParamKind::SoftwareId,
            d.software.iter().map(|a| a.id.clone()).collect(),
        ),
        (
            ParamKind::VulnerabilityId,
            d.vulnerabilities.iter().map(|a| a.id.clone()).collect(),
        ),
        (
            ParamKind::RecommendationId,
            d.recommendations.iter().map(|a| a.id.clone()).collect(),
        ),
        (
            ParamKind::RemediationTaskId,
            d.remediation_tasks.iter().map(|a| a.id.clone()).collect(),
        ),
        (
            ParamKind::MachineId,
            t.dataset
                .machines
                .iter()
                .take(20)
                .map(|m| m.id.clone())
                .collect(),
        ),
        (
            ParamKind::IncidentId,
            t.dataset
                .alerts
                .iter()
                .take(20)
                .filter_map(|a| a.incident_id)
                .map(|i| i.to_string())
                .collect(),
        ),
    ];
    by_kind.push((ParamKind::Index, vec!["0".into(), "1".into()]));
    h.json(&d.software);
    h.json(&d.vulnerabilities);
    h.json(&d.machine_actions);
    h.json(&d.indicators);
    for route in &ROUTES[first_today_route()..] {
        // Reads only: the writes (demo_writes.rs) change the tenant.
        if route.api != Api::Defender || route.writes() {
            continue;
        }
        let first = route.params.first().map(|p| p.kind);
        let values: Vec<String> = match first {
            None => vec![String::new()],
            Some(kind) => by_kind
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        };
        for value in values.iter().take(25) {
            let params: Vec<String> = route
                .params
                .iter()
                .enumerate()
                .map(|(i, _)| if i == 0 { value.clone() } else { "0".into() })
                .collect();
            hash_response(
                &mut h,
                t,
                "GET",
                &url(profile, route.key, &params, &[]),
                profile,
            );
        }
    }
    h.0
}

/// (variant, scale, digest of today's Defender routes; the links are hashed too, so the non-CPE export's
/// path, corrected to the docs' `SoftwareInventoryNonCpeExport`, changed them; so did the two relations read
/// from a filtered list, a machine's actions and a file's indicators, which add their answers).
const DEFENDER_PINNED: &[(Variant, usize, u64)] = &[
    (Variant::Normal, 10, 0xcf0ed4c149b93b94),
    (Variant::Normal, 1200, 0x0731d9be374e4d66),
    (Variant::Hostile, 10, 0x6c5b8bb8e8fe85d0),
];

#[test]
fn todays_defender_answers_are_unchanged() {
    let mut wrong = Vec::new();
    for &(variant, scale, digest) in DEFENDER_PINNED {
        let t = DemoTenant::generate(&config(variant, scale));
        let got = defender_digest(&t);
        println!("    (Variant::{variant:?}, {scale}, {got:#018x}),");
        if got != digest {
            wrong.push(format!("{variant:?} at scale {scale}: {got:#x}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "today's Defender answers changed: {wrong:?}"
    );
}

/// (variant, scale, dataset digest, engine digest) as the code before the split gave them (the engine's
/// changed when a machine's actions and a file's indicators became routes: every route is hashed).
const PINNED: &[(Variant, usize, u64, u64)] = &[
    (Variant::Normal, 1, 0x53355d5635f16591, 0xe72d58ffa8be9310),
    (Variant::Normal, 10, 0xaf9078ca7bbd4b7f, 0x71416e3727447b58),
    (Variant::Normal, 50, 0xeeff9721619649b8, 0x7446809d56064b51),
    (
        Variant::Normal,
        1200,
        0x9d40e5f7d97522c2,
        0xef5f2226b9d73f65,
    ),
    (
        Variant::Normal,
        6000,
        0xa28932ab0db714a6,
        0xdceb3bb378b4d75d,
    ),
    (Variant::Hostile, 10, 0x08f742c4cb9d2a90, 0xc6909fa5b367bc83),
    (
        Variant::Hostile,
        1200,
        0xf2257f1fd7e9e73a,
        0xc8099c79062ca58b,
    ),
];

#[test]
fn every_dataset_and_answer_is_unchanged() {
    let mut wrong = Vec::new();
    for &(variant, scale, data, engine) in PINNED {
        let t = DemoTenant::generate(&config(variant, scale));
        let got = (dataset_digest(&t), engine_digest(&t, 40));
        println!(
            "    (Variant::{variant:?}, {scale}, {:#018x}, {:#018x}),",
            got.0, got.1
        );
        if got != (data, engine) {
            wrong.push(format!("{variant:?} at scale {scale}: {got:#x?}"));
        }
    }
    assert!(wrong.is_empty(), "the demo tenant changed: {wrong:?}");
}

#[test]
fn the_same_config_gives_the_same_digests() {
    let c = config(Variant::Normal, 300);
    let (a, b) = (DemoTenant::generate(&c), DemoTenant::generate(&c));
    assert_eq!(dataset_digest(&a), dataset_digest(&b));
    assert_eq!(engine_digest(&a, 10), engine_digest(&b, 10));
}
