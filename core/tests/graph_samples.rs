//! Microsoft's documented Graph security examples (`tests/reference/samples/graph/`) decode into the alert v2
//! and incident models the way the app reads them (core's `body::Page`, then each item into its model), and
//! write back with nothing dropped; enums read in either casing and keep what they do not know; evidence of
//! any type is kept; pivots name the Defender entities; hostile input never panics.

use std::path::PathBuf;

use atp_core::body::Page;
use atp_core::model::security::{
    url_pivot, AlertStatus, AlertV2, Classification, DetectionSource, Determination, Evidence,
    EvidenceKind, GraphEnum, Incident, IncidentStatus, Pivot, ServiceSource, Severity, Spelled,
};
use atp_core::model::Timestamp;
use atp_core::Entity;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

const MACHINE: &str = "73e7e2de709dff64ef64b1d0c30e67fab63279db";
const SHA1: &str = "5f1e8acedc065031aad553b710838eb366cfee9a";

fn graph_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/samples/graph")
}

fn sample(name: &str) -> String {
    let path = graph_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the Graph samples must be at {} ({e}); they are the parsing test vectors",
            path.display()
        )
    })
}

/// Whether `back` holds everything `sent` holds, at every depth: each member with the same value (a time
/// may be rewritten to the API's canonical form of the same instant), each array item in place. `back` may
/// have more members (the model writes `null` for what it names and was not sent).
fn covers(sent: &Value, back: &Value, path: &str) -> Result<(), String> {
    match (sent, back) {
        (Value::Object(s), Value::Object(b)) => s.iter().try_for_each(|(key, value)| {
            let got = b
                .get(key)
                .ok_or_else(|| format!("{path}.{key} was dropped"))?;
            covers(value, got, &format!("{path}.{key}"))
        }),
        (Value::Array(s), Value::Array(b)) if s.len() == b.len() => s
            .iter()
            .zip(b)
            .enumerate()
            .try_for_each(|(i, (s, b))| covers(s, b, &format!("{path}[{i}]"))),
        (Value::String(s), Value::String(b)) if s != b => {
            match (Timestamp::parse(s), Timestamp::parse(b)) {
                (Some(a), Some(b)) if a == b => Ok(()),
                _ => Err(format!("{path}: {s:?} became {b:?}")),
            }
        }
        _ if sent == back => Ok(()),
        _ => Err(format!("{path}: {sent} became {back}")),
    }
}

/// Reads a sample as the app does and decodes every item; each writes back covering what was sent.
fn decode_all<T: DeserializeOwned + Serialize>(name: &str) -> Vec<T> {
    let text = sample(name);
    let body: Value = serde_json::from_str(&text).unwrap();
    let page = Page::read(text, true);
    assert_eq!(page.syntax, Ok(()), "{name}");
    let expected = body
        .get("value")
        .and_then(Value::as_array)
        .map_or(1, Vec::len);
    assert_eq!(page.items.len(), expected, "{name}");
    page.items
        .iter()
        .map(|item| {
            let sent = item.value().unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let model: T = item.decode().unwrap_or_else(|e| panic!("{name}: {e}"));
            let back = serde_json::to_value(&model).unwrap();
            let mut sent = sent;
            if let Some(o) = sent.as_object_mut() {
                // The collection's context is the page's, not the entity's.
                o.remove("@odata.context");
            }
            covers(&sent, &back, name).unwrap_or_else(|e| panic!("{e}"));
            model
        })
        .collect()
}

fn pivot(entity: Entity, id: &str) -> Pivot {
    Pivot {
        entity,
        id: id.to_string(),
    }
}

/// The types of an alert's evidence, in order.
fn kinds(alert: &AlertV2) -> Vec<EvidenceKind> {
    alert
        .evidence
        .iter()
        .flatten()
        .map(Evidence::kind)
        .collect()
}

/// Whether an enum field was sent and reads as `value`.
fn reads_as<T: PartialEq>(field: &Option<Spelled<T>>, value: T) -> bool {
    field.as_ref().is_some_and(|f| *f == value)
}

fn evidence(json: Value) -> Evidence {
    serde_json::from_value(json).unwrap()
}

#[test]
fn every_alert_and_incident_sample_decodes_and_writes_back_whole() {
    let mut names: Vec<String> = std::fs::read_dir(graph_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".response.json"))
        .collect();
    names.sort();
    let (mut alerts, mut incidents) = (0, 0);
    for name in &names {
        if name.starts_with("list-alerts_v2") || name.starts_with("get-alert") {
            alerts += decode_all::<AlertV2>(name).len();
        } else if name.starts_with("list-incidents") || name.starts_with("get-incident") {
            incidents += decode_all::<Incident>(name).len();
        }
    }
    // list-alerts_v2.1, get-alert.1; list-incidents.1/.2, list-incidents-expand-alerts.1/.2, get-incident.1/.2.
    assert_eq!((alerts, incidents), (2, 6), "{names:?}");
}

#[test]
fn the_documented_alert_reads_field_by_field() {
    let alert: AlertV2 = decode_all("get-alert.1.response.json").remove(0);
    assert_eq!(alert.id, "da637578995287051192_756343937");
    assert_eq!(alert.incident_id.as_deref(), Some("28282"));
    assert!(reads_as(&alert.status, AlertStatus::New));
    assert!(reads_as(&alert.severity, Severity::Low));
    assert!(reads_as(
        &alert.service_source,
        ServiceSource::MicrosoftDefenderForEndpoint
    ));
    assert!(reads_as(
        &alert.detection_source,
        DetectionSource::Antivirus
    ));
    assert_eq!(alert.mitre_techniques, Some(vec!["T1564.001".to_string()]));
    assert_eq!(
        alert.system_tags,
        Some(vec!["Defender Experts".to_string()])
    );
    assert!(alert
        .alert_web_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://security.microsoft.com/alerts/")));
    assert_eq!(
        alert.first_activity_date_time,
        Timestamp::parse("2021-04-26T07:45:50.116Z")
    );
    assert_eq!(alert.resolved_date_time, None);
    assert_eq!(
        kinds(&alert),
        [
            EvidenceKind::Device,
            EvidenceKind::File,
            EvidenceKind::Process,
            EvidenceKind::RegistryKey
        ]
    );
    let device = &alert.evidence.as_ref().unwrap()[0];
    let common = device.common().unwrap();
    assert_eq!(common.roles, Some(vec!["compromised".to_string()]));
    assert_eq!(common.detailed_roles, Some(vec!["Main device".to_string()]));
    assert_eq!(common.tags, Some(vec!["Test Machine".to_string()]));
    let Evidence::Device(d) = device else {
        panic!("{device:?}")
    };
    assert_eq!(d.ip_interfaces, Some(vec!["1.1.1.1".to_string()]));
    assert!(d.extra.contains_key("vmMetadata"), "{:?}", d.extra);
    // The common fields are written once, not again from the unknown fields.
    let text = serde_json::to_string(device).unwrap();
    assert_eq!(text.matches("\"verdict\"").count(), 1, "{text}");
    assert_eq!(text.matches("\"@odata.type\"").count(), 1, "{text}");
}

#[test]
fn the_documented_device_file_and_process_evidence_pivot_to_the_machine_and_sha1() {
    let alert: AlertV2 = decode_all("get-alert.1.response.json").remove(0);
    let evidence = alert.evidence.clone().unwrap();
    assert_eq!(evidence[0].pivots(), [pivot(Entity::Machine, MACHINE)]);
    assert_eq!(evidence[1].pivots(), [pivot(Entity::File, SHA1)]);
    // The parent's image file has no hash in the example: only the image file, the user and the machine.
    assert_eq!(
        evidence[2].pivots(),
        [
            pivot(Entity::File, SHA1),
            pivot(Entity::User, "NT AUTHORITY\\SYSTEM"),
            pivot(Entity::Machine, MACHINE),
        ]
    );
    assert_eq!(evidence[3].pivots(), []);
    // The alert's pivots: each once, in evidence order.
    assert_eq!(
        alert.pivots(),
        [
            pivot(Entity::Machine, MACHINE),
            pivot(Entity::File, SHA1),
            pivot(Entity::User, "NT AUTHORITY\\SYSTEM"),
        ]
    );
}

#[test]
fn incidents_read_either_casing_and_either_tag_field() {
    let pascal: Incident = decode_all("list-incidents.1.response.json").remove(0);
    let camel: Incident = decode_all("list-incidents-expand-alerts.1.response.json").remove(0);
    for incident in [&pascal, &camel] {
        assert!(reads_as(&incident.status, IncidentStatus::Active));
        assert!(reads_as(&incident.severity, Severity::Medium));
        assert!(reads_as(
            &incident.classification,
            Classification::TruePositive
        ));
        assert!(reads_as(
            &incident.determination,
            Determination::MultiStagedAttack
        ));
        assert_eq!(incident.analyst_tags(), ["Demo"]);
        let comment = &incident.comments.as_ref().unwrap()[0];
        assert_eq!(comment.author(), Some("DavidS@contoso.onmicrosoft.com"));
        assert!(comment.time().is_some());
    }
    // Written back as they came.
    let back = serde_json::to_value(&pascal).unwrap();
    assert_eq!(back["classification"], "TruePositive");
    assert_eq!(
        serde_json::to_value(&camel).unwrap()["classification"],
        "truePositive"
    );
    assert!(pascal.alerts.is_none());
    assert_eq!(camel.alerts.as_ref().map(Vec::len), Some(1));
    assert_eq!(camel.pivots()[0], pivot(Entity::Machine, MACHINE));
}

#[test]
fn the_recent_expanded_incident_reads_user_ip_and_process_evidence() {
    let incident: Incident = decode_all("list-incidents-expand-alerts.2.response.json").remove(0);
    assert_eq!(incident.priority_score, Some(100));
    let alert = &incident.alerts.as_ref().unwrap()[0];
    assert!(alert.extra.contains_key("additionalData"));
    assert!(alert.extra.contains_key("customDetails"));
    assert_eq!(
        kinds(alert),
        [
            EvidenceKind::Device,
            EvidenceKind::User,
            EvidenceKind::Ip,
            EvidenceKind::Process,
            EvidenceKind::Process
        ]
    );
    let machine = "335b3ef544f5d3690b6c75c776dc3e52bb3485c4";
    let powershell = "eb42621654e02faf2de940442b6deb1a77864e5b";
    assert_eq!(
        incident.pivots(),
        [
            pivot(Entity::Machine, machine),
            pivot(Entity::User, "W11PRO-TEST\\adminlocal"),
            pivot(Entity::Ip, "fe80::8505:87aa:de7a:4c9f"),
            pivot(Entity::File, powershell),
        ]
    );
}

#[test]
fn enums_read_without_case_and_write_back_as_sent() {
    for text in ["truePositive", "TruePositive", "TRUEPOSITIVE"] {
        assert_eq!(Classification::parse(text), Classification::TruePositive);
        let spelled: Spelled<Classification> = serde_json::from_value(json!(text)).unwrap();
        assert_eq!(spelled.value, Classification::TruePositive);
        assert_eq!(serde_json::to_value(&spelled).unwrap(), json!(text));
    }
    assert_eq!(
        IncidentStatus::parse("AwaitingAction"),
        IncidentStatus::AwaitingAction
    );
    assert_eq!(
        Determination::parse("Other"),
        Determination::OtherDetermination
    );
    // The bare enum and a new value write the documented camelCase.
    assert_eq!(serde_json::to_value(Severity::High).unwrap(), json!("high"));
    assert_eq!(
        serde_json::to_value(Spelled::new(AlertStatus::InProgress)).unwrap(),
        json!("inProgress")
    );
    for known in Severity::KNOWN {
        assert_eq!(&Severity::parse(known.as_str()), known);
        assert_eq!(&Severity::parse(&known.as_str().to_uppercase()), known);
    }
}

#[test]
fn an_unknown_enum_value_is_kept() {
    let alert: AlertV2 = serde_json::from_value(json!({
        "id": "x", "severity": "catastrophic", "serviceSource": "microsoftDefenderForToasters"
    }))
    .unwrap();
    assert_eq!(
        alert.severity.as_ref().map(|s| &s.value),
        Some(&Severity::Other("catastrophic".into()))
    );
    let back = serde_json::to_value(&alert).unwrap();
    assert_eq!(back["severity"], "catastrophic");
    assert_eq!(back["serviceSource"], "microsoftDefenderForToasters");
}

#[test]
fn an_unknown_evidence_type_is_kept_whole() {
    let sent = json!({
        "@odata.type": "#microsoft.graph.security.kubernetesPodEvidence",
        "verdict": "malicious",
        "name": "pod-1",
        "labels": {"app": "web"}
    });
    let e = evidence(sent.clone());
    match &e {
        Evidence::Unknown { odata_type, fields } => {
            assert_eq!(
                odata_type.as_deref(),
                Some("#microsoft.graph.security.kubernetesPodEvidence")
            );
            assert_eq!(fields["name"], "pod-1");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.kind(), EvidenceKind::Unknown);
    assert_eq!(e.pivots(), []);
    assert_eq!(serde_json::to_value(&e).unwrap(), sent);
    // No type at all, or a type that is not a string: kept as sent.
    for sent in [
        json!({"verdict": "unknown"}),
        json!({"@odata.type": 7, "x": 1}),
    ] {
        assert_eq!(serde_json::to_value(evidence(sent.clone())).unwrap(), sent);
    }
}

#[test]
fn a_known_evidence_type_with_unreadable_fields_is_kept_whole() {
    let sent = json!({
        "@odata.type": "#microsoft.graph.security.deviceEvidence",
        "mdeDeviceId": 73,
        "createdDateTime": "yesterday"
    });
    let e = evidence(sent.clone());
    assert_eq!(e.kind(), EvidenceKind::Unknown);
    assert_eq!(serde_json::to_value(&e).unwrap(), sent);
    // One bad evidence does not cost the alert.
    let alert: AlertV2 = serde_json::from_value(json!({"id": "a", "evidence": [sent]})).unwrap();
    assert_eq!(alert.evidence.map(|e| e.len()), Some(1));
}

#[test]
fn every_documented_evidence_type_is_read_and_pivots_where_defender_has_a_route() {
    let t = |name: &str| format!("#microsoft.graph.security.{name}");
    let cases = [
        (
            json!({"@odata.type": t("ipEvidence"), "ipAddress": "10.1.2.3"}),
            EvidenceKind::Ip,
            vec![pivot(Entity::Ip, "10.1.2.3")],
        ),
        (
            json!({"@odata.type": t("urlEvidence"), "url": "https://Login.Evil.example:8443/a?b"}),
            EvidenceKind::Url,
            vec![pivot(Entity::Domain, "login.evil.example")],
        ),
        (
            json!({"@odata.type": t("userEvidence"), "userAccount": {"accountName": "jdoe", "domainName": "CONTOSO"}}),
            EvidenceKind::User,
            vec![pivot(Entity::User, "CONTOSO\\jdoe")],
        ),
        (
            json!({"@odata.type": t("userEvidence"), "userAccount": {"accountName": "jdoe"}}),
            EvidenceKind::User,
            vec![pivot(Entity::User, "jdoe")],
        ),
        (
            json!({"@odata.type": t("userEvidence"), "userAccount": {"userPrincipalName": "jdoe@contoso.com"}}),
            EvidenceKind::User,
            vec![pivot(Entity::User, "jdoe@contoso.com")],
        ),
        (
            json!({"@odata.type": t("mailboxEvidence"), "primaryAddress": "jdoe@contoso.com", "userAccount": {"accountName": "jdoe", "domainName": "CONTOSO"}}),
            EvidenceKind::Mailbox,
            vec![pivot(Entity::User, "CONTOSO\\jdoe")],
        ),
        (
            json!({"@odata.type": t("mailboxEvidence"), "upn": "jdoe@contoso.com"}),
            EvidenceKind::Mailbox,
            vec![pivot(Entity::User, "jdoe@contoso.com")],
        ),
        (
            json!({"@odata.type": t("analyzedMessageEvidence"), "senderIp": "203.0.113.9", "urls": ["http://a.example/x", "https://A.example/y", "not a url", "http://[2001:db8::1]/"], "p1Sender": {"emailAddress": "x@a.example"}}),
            EvidenceKind::AnalyzedMessage,
            vec![
                pivot(Entity::Ip, "203.0.113.9"),
                pivot(Entity::Domain, "a.example"),
                pivot(Entity::Ip, "2001:db8::1"),
            ],
        ),
        (
            json!({"@odata.type": t("cloudApplicationEvidence"), "appId": 11161, "displayName": "Office 365", "instanceId": 0}),
            EvidenceKind::CloudApplication,
            vec![],
        ),
        (
            json!({"@odata.type": t("oauthApplicationEvidence"), "appId": "ab-cd", "publisher": "Contoso"}),
            EvidenceKind::OauthApplication,
            vec![],
        ),
        (
            json!({"@odata.type": t("registryValueEvidence"), "mdeDeviceId": MACHINE, "registryValueName": "Run"}),
            EvidenceKind::RegistryValue,
            vec![],
        ),
        (
            json!({"@odata.type": t("securityGroupEvidence"), "securityGroupId": "g-1", "displayName": "Admins"}),
            EvidenceKind::SecurityGroup,
            vec![],
        ),
        (
            json!({"@odata.type": t("fileEvidence"), "fileDetails": {"sha1": null, "sha256": "8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec"}}),
            EvidenceKind::File,
            vec![pivot(
                Entity::File,
                "8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec",
            )],
        ),
        // Ids the Defender routes would refuse are no pivot.
        (
            json!({"@odata.type": t("deviceEvidence"), "mdeDeviceId": "not-a-machine-id"}),
            EvidenceKind::Device,
            vec![],
        ),
        (
            json!({"@odata.type": t("fileEvidence"), "fileDetails": {"sha1": "xyz"}}),
            EvidenceKind::File,
            vec![],
        ),
        (
            json!({"@odata.type": t("ipEvidence"), "ipAddress": "999.1.1.1"}),
            EvidenceKind::Ip,
            vec![],
        ),
    ];
    for (sent, kind, pivots) in cases {
        let e = evidence(sent.clone());
        assert_eq!(e.kind(), kind, "{sent}");
        assert_eq!(e.pivots(), pivots, "{sent}");
        covers(&sent, &serde_json::to_value(&e).unwrap(), "evidence").unwrap();
    }
    for kind in EvidenceKind::KNOWN {
        let odata_type = kind.odata_type().unwrap();
        assert_eq!(EvidenceKind::from_odata_type(odata_type), kind);
        assert_eq!(evidence(json!({"@odata.type": odata_type})).kind(), kind);
    }
}

#[test]
fn url_hosts_are_read_carefully() {
    let domain = |id: &str| Some(pivot(Entity::Domain, id));
    let ip = |id: &str| Some(pivot(Entity::Ip, id));
    assert_eq!(
        url_pivot("https://Evil.Example.COM./a/b?c=d#e"),
        domain("evil.example.com")
    );
    assert_eq!(
        url_pivot("http://user:pw@host.test:80/"),
        domain("host.test")
    );
    assert_eq!(url_pivot("evil.example/path"), domain("evil.example"));
    assert_eq!(url_pivot("//cdn.example"), domain("cdn.example"));
    assert_eq!(
        url_pivot("hxxp://defanged.example"),
        domain("defanged.example")
    );
    assert_eq!(
        url_pivot("http://evil.example\\@good.example/"),
        domain("evil.example")
    );
    assert_eq!(url_pivot("http://10.0.0.1:8080/x"), ip("10.0.0.1"));
    assert_eq!(url_pivot("http://[fe80::1]:443/"), ip("fe80::1"));
    assert_eq!(url_pivot("fe80::1"), ip("fe80::1"));
    for garbage in [
        "",
        " ",
        "http://",
        "://host",
        "1http://x.example",
        "javascript:alert(1)",
        "http://exa mple.com/",
        "http://ex%41mple.com",
        "http://bücher.example",
        "http://host:port/",
        "http://[zz::1]/",
        "http://[::1",
        "http://-bad.example",
        "http://a..b",
        "http://@/",
        "mailto:someone@example.com",
    ] {
        let got = url_pivot(garbage);
        // `mailto:` has no authority: its text up to `@` is not a host, the rest is a host name.
        if garbage.starts_with("mailto:") {
            assert_eq!(got, domain("example.com"), "{garbage:?}");
        } else {
            assert_eq!(got, None, "{garbage:?}");
        }
    }
}

#[test]
fn wrong_types_are_refused_without_panic() {
    for body in [
        json!({"id": 5}),
        json!({"severity": 3}),
        json!({"evidence": {}}),
        json!({"evidence": [1]}),
        json!({"mitreTechniques": "T1"}),
        json!({"createdDateTime": "not a time"}),
        json!([]),
        json!(null),
    ] {
        assert!(
            serde_json::from_value::<AlertV2>(body.clone()).is_err(),
            "{body}"
        );
    }
    assert!(serde_json::from_value::<Incident>(json!({"alerts": [{"id": []}]})).is_err());
    // Missing fields are not errors: everything is optional.
    let empty: Incident = serde_json::from_value(json!({})).unwrap();
    assert_eq!(empty.pivots(), []);
    assert_eq!(
        serde_json::from_value::<AlertV2>(json!({}))
            .unwrap()
            .pivots(),
        []
    );
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        Just(json!("2021-04-27T12:19:27.7211305Z")),
        Just(json!(MACHINE)),
        Just(json!("http://[::1]:x@y/")),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(key(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "@odata.type",
            "mdeDeviceId",
            "fileDetails",
            "imageFile",
            "parentProcessImageFile",
            "userAccount",
            "accountName",
            "domainName",
            "sha1",
            "sha256",
            "ipAddress",
            "url",
            "urls",
            "senderIp",
            "createdDateTime",
            "roles",
            "tags",
            "appId",
            "upn",
            "processId",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z@.]{1,8}",
    ]
}

fn odata_type() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(EvidenceKind::KNOWN.to_vec())
            .prop_map(|k| json!(k.odata_type().unwrap())),
        "\\PC{0,20}".prop_map(Value::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_evidence_object_is_kept_and_its_pivots_are_route_ids(
        t in odata_type(),
        fields in prop::collection::btree_map(key(), json_value(), 0..8),
    ) {
        let mut sent: serde_json::Map<String, Value> = fields.into_iter().collect();
        sent.insert("@odata.type".into(), t);
        let sent = Value::Object(sent);
        let e: Evidence = serde_json::from_value(sent.clone()).unwrap();
        let back = serde_json::to_value(&e).unwrap();
        prop_assert!(covers(&sent, &back, "evidence").is_ok(), "{:?}", covers(&sent, &back, "evidence"));
        for p in e.pivots() {
            prop_assert!(!p.id.is_empty() && p.id.trim() == p.id);
        }
    }

    #[test]
    fn any_text_as_an_alert_or_incident_body_never_panics(text in "\\PC{0,200}") {
        let page = Page::read(text, true);
        for item in &page.items {
            if let Ok(alert) = item.decode::<AlertV2>() {
                let _ = alert.pivots();
            }
            let _ = item.decode::<Incident>();
        }
    }

    #[test]
    fn any_url_is_read_or_refused_without_panic(url in "\\PC{0,60}", scheme in "(https?://|//|)") {
        if let Some(p) = url_pivot(&format!("{scheme}{url}")) {
            prop_assert!(matches!(p.entity, Entity::Domain | Entity::Ip));
            if p.entity == Entity::Domain {
                prop_assert!(p.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b)));
            }
        }
    }
}
