//! Every documented sample response parses into its model the way the app reads it (core's `body::Page`,
//! then each entity into its typed model), and unknown fields are kept.

use std::collections::BTreeSet;
use std::path::PathBuf;

use atp_core::body::Page;
use atp_core::model::defender::{
    Assessment, AvHealth, Indicator, Investigation, Kb, MachineAction, Recommendation,
    RemediationTask, Score, Software, Vulnerability, XdrIncident,
};
use atp_core::model::{
    context_kind, Actor, Alert, ContextKind, Domain, File, Ip, Machine, Stats, User,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/samples")
}

fn parse<T: DeserializeOwned + serde::Serialize>(name: &str, text: &str, body: &Value) {
    let page = Page::read(text.to_string(), true);
    assert_eq!(page.syntax, Ok(()), "{name}");
    assert_eq!(page.collection, body.get("value").is_some(), "{name}");
    let expected = body
        .get("value")
        .and_then(Value::as_array)
        .map_or(1, Vec::len);
    assert_eq!(page.items.len(), expected, "{name}");
    for item in &page.items {
        let v = item.value().unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let model: T = item.decode().unwrap_or_else(|e| panic!("{name}: {e}\n{v}"));
        // Nothing is dropped: every member of the sample is in the model's output with the same value.
        let back = serde_json::to_value(&model).unwrap();
        for (key, value) in v.as_object().unwrap() {
            if key == "@odata.context" {
                continue;
            }
            let got = back
                .get(key)
                .unwrap_or_else(|| panic!("{name}: {key} was dropped"));
            let same = got == value
                // A number is the same number written `0` or `0.0` (an f64 field writes `0.0`).
                || (value.is_number() && got.is_number() && value.as_f64() == got.as_f64())
                || (value.is_string() && got.is_string() && {
                    // Times may be rewritten to the API's canonical form: same instant.
                    let a = atp_core::model::Timestamp::parse(value.as_str().unwrap());
                    let b = atp_core::model::Timestamp::parse(got.as_str().unwrap());
                    a.is_some() && a == b
                });
            assert!(same, "{name}: {key}: {value} became {got}");
        }
    }
}

/// What a sample holds, when its page says so rather than its `@odata.context`.
#[derive(Clone, Copy, Debug)]
enum Holds {
    Context(ContextKind),
    MachineAction,
    Investigation,
    Indicator,
    Software,
    Vulnerability,
    Recommendation,
    RemediationTask,
    Score,
    AvHealth,
    Kb,
    Assessment,
    XdrIncident,
    /// A download link (`$metadata#Edm.String`): no entity, the link in `value`.
    Link,
}

/// Machine references (`…/machineReferences`: `id`, `computerDnsName`, `osPlatform`,
/// `rbacGroupName`) are machines, as the catalogue says.
const MACHINES: Holds = Holds::Context(ContextKind::Machines);

/// Today's Defender for Endpoint pages (and two older ones without `@odata.context`), by the page
/// part of the file name (`<page>.<n>.response.json`, or `<page>.<n>` where one page has two kinds):
/// the model the app decodes each answer into.
const BY_PAGE: &[(&str, Holds)] = &[
    // The two older samples that carry no @odata.context.
    ("alerts", Holds::Context(ContextKind::Alerts)),
    ("get-alert-related-machine-info", MACHINES),
    // Machine actions.
    ("machineaction", Holds::MachineAction),
    ("get-machineactions-collection", Holds::MachineAction),
    ("get-machineaction-object", Holds::MachineAction),
    ("get-package-sas-uri", Holds::Link),
    ("get-live-response-result", Holds::Link),
    // Investigations and indicators.
    ("investigation", Holds::Investigation),
    ("get-investigation-collection", Holds::Investigation),
    ("ti-indicator", Holds::Indicator),
    ("get-ti-indicators-collection", Holds::Indicator),
    // Software.
    ("get-software", Holds::Software),
    ("get-software-by-id", Holds::Software),
    ("get-software-ver-distribution", Holds::Assessment),
    ("get-machines-by-software", MACHINES),
    ("get-vuln-by-software", Holds::Vulnerability),
    ("get-missing-kbs-software", Holds::Kb),
    // Vulnerabilities.
    ("get-all-vulnerabilities", Holds::Vulnerability),
    ("get-vulnerability-by-id", Holds::Vulnerability),
    ("get-machines-by-vulnerability", MACHINES),
    ("get-all-vulnerabilities-by-machines", Holds::Assessment),
    // Recommendations.
    ("get-all-recommendations", Holds::Recommendation),
    ("get-recommendation-by-id", Holds::Recommendation),
    ("list-recommendation-software", Holds::Software),
    ("get-recommendation-machines", MACHINES),
    ("get-recommendation-vulnerabilities", Holds::Vulnerability),
    // A machine's vulnerability management views.
    ("get-installed-software", Holds::Software),
    ("get-discovered-vulnerabilities", Holds::Vulnerability),
    ("get-security-recommendations", Holds::Recommendation),
    ("get-missing-kbs-machine", Holds::Kb),
    // Scores.
    ("get-exposure-score", Holds::Score),
    ("get-device-secure-score", Holds::Score),
    ("get-machine-group-exposure-score", Holds::Score),
    // Remediation activities.
    ("get-remediation-all-activities", Holds::RemediationTask),
    ("get-remediation-one-activity", Holds::RemediationTask),
    ("get-remediation-exposed-devices-activities", MACHINES),
    // Antivirus health: the JSON answer (example 1) and the export files (example 2).
    (
        "device-health-export-antivirus-health-report-api.1",
        Holds::AvHealth,
    ),
    (
        "device-health-export-antivirus-health-report-api.2",
        Holds::Assessment,
    ),
    // Assessment exports (rows, or the links to their files).
    ("get-assessment-software-vulnerabilities", Holds::Assessment),
    ("get-assessment-secure-config", Holds::Assessment),
    ("get-assessment-software-inventory", Holds::Assessment),
    (
        "get-assessment-non-cpe-software-inventory",
        Holds::Assessment,
    ),
    ("get-assessment-browser-extensions", Holds::Assessment),
    ("get-assessment-information-gathering", Holds::Assessment),
    ("export-security-baseline-assessment", Holds::Assessment),
    ("export-certificate-inventory-assessment", Holds::Assessment),
    ("export-firmware-hardware-assessment", Holds::Assessment),
    // Defender XDR's incidents on the Defender host.
    ("api-list-incidents", Holds::XdrIncident),
];

/// The table's entry for a file: its page (`<page>`), or its page and example (`<page>.<n>`).
fn by_page(name: &str) -> Option<(&'static str, Holds)> {
    let stem = name.strip_suffix(".response.json")?;
    let page = stem.rsplit_once('.').map_or(stem, |(page, _)| page);
    BY_PAGE
        .iter()
        .find(|(key, _)| *key == stem || *key == page)
        .copied()
}

/// A download link answer: one object, not a collection, whose `value` is an https link (the
/// package page shows it wrapped in literal quotes).
fn parse_link(name: &str, text: &str, body: &Value) {
    let page = Page::read(text.to_string(), true);
    assert_eq!(page.syntax, Ok(()), "{name}");
    assert!(!page.collection, "{name}");
    assert_eq!(page.items.len(), 1, "{name}");
    let link = body["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{name}: value is not text"));
    assert!(
        link.trim_matches('"').starts_with("https://"),
        "{name}: {link}"
    );
    assert!(
        body["@odata.context"]
            .as_str()
            .is_some_and(|c| c.ends_with("#Edm.String")),
        "{name}"
    );
}

#[test]
fn every_sample_response_parses_into_its_model() {
    let dir = samples_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "the reference samples must be at {} ({e}); they are the parsing test vectors",
            dir.display()
        )
    });
    let mut count = 0;
    let mut pages_seen = BTreeSet::new();
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".response.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        // The page decides first; an older page's @odata.context says what it holds otherwise.
        let holds = match by_page(&name) {
            Some((key, holds)) => {
                pages_seen.insert(key);
                holds
            }
            None => Holds::Context(
                body["@odata.context"]
                    .as_str()
                    .and_then(context_kind)
                    .map(|(k, _)| k)
                    .unwrap_or_else(|| {
                        panic!("{name}: cannot tell what it holds (add its page to BY_PAGE)")
                    }),
            ),
        };
        match holds {
            Holds::Context(ContextKind::Alerts) => parse::<Alert>(&name, &text, &body),
            Holds::Context(ContextKind::Machines) => parse::<Machine>(&name, &text, &body),
            Holds::Context(ContextKind::Users) => parse::<User>(&name, &text, &body),
            Holds::Context(ContextKind::Domains) => parse::<Domain>(&name, &text, &body),
            Holds::Context(ContextKind::Ips) => parse::<Ip>(&name, &text, &body),
            Holds::Context(ContextKind::Files) => parse::<File>(&name, &text, &body),
            Holds::Context(ContextKind::Actors) => parse::<Actor>(&name, &text, &body),
            Holds::Context(ContextKind::Stats) => parse::<Stats>(&name, &text, &body),
            Holds::MachineAction => parse::<MachineAction>(&name, &text, &body),
            Holds::Investigation => parse::<Investigation>(&name, &text, &body),
            Holds::Indicator => parse::<Indicator>(&name, &text, &body),
            Holds::Software => parse::<Software>(&name, &text, &body),
            Holds::Vulnerability => parse::<Vulnerability>(&name, &text, &body),
            Holds::Recommendation => parse::<Recommendation>(&name, &text, &body),
            Holds::RemediationTask => parse::<RemediationTask>(&name, &text, &body),
            Holds::Score => parse::<Score>(&name, &text, &body),
            Holds::AvHealth => parse::<AvHealth>(&name, &text, &body),
            Holds::Kb => parse::<Kb>(&name, &text, &body),
            Holds::Assessment => parse::<Assessment>(&name, &text, &body),
            Holds::XdrIncident => parse::<XdrIncident>(&name, &text, &body),
            Holds::Link => parse_link(&name, &text, &body),
        }
        count += 1;
    }
    assert!(
        count >= 60,
        "only {count} samples found in {}",
        dir.display()
    );
    // Every page of the table has its sample: a renamed or lost file is not silently untested.
    let missing: Vec<_> = BY_PAGE
        .iter()
        .map(|(key, _)| *key)
        .filter(|key| !pages_seen.contains(key))
        .collect();
    assert!(missing.is_empty(), "no sample for {missing:?}");
}

#[test]
fn prevalence_reads_numbers_and_numeric_strings() {
    let old: Stats =
        serde_json::from_str(r#"{"host":"example.com","orgPrevalence":"4070"}"#).unwrap();
    assert_eq!(old.organization(), Some(4070));
    assert_eq!(serde_json::to_value(&old).unwrap()["orgPrevalence"], "4070");
    let new: Stats =
        serde_json::from_str(r#"{"organizationPrevalence":4070,"globallyPrevalence":9}"#).unwrap();
    assert_eq!((new.organization(), new.global()), (Some(4070), Some(9)));
    assert!(serde_json::from_str::<Stats>(r#"{"orgPrevalence":"many"}"#).is_err());
}

#[test]
fn alerts_carry_machine_id_or_embedded_machine_and_keep_unknown_fields() {
    let flat: Alert =
        serde_json::from_str(r#"{"id":"1_2","machineId":"ab","newField":{"x":1}}"#).unwrap();
    assert_eq!(flat.machine_ref(), Some("ab"));
    assert_eq!(flat.extra["newField"]["x"], 1);
    let nested: Alert =
        serde_json::from_str(r#"{"id":"1_2","machine":{"id":"cd","isOnline":false}}"#).unwrap();
    assert_eq!(nested.machine_ref(), Some("cd"));
    let times: Alert = serde_json::from_str(
        r#"{"alertCreationTime":"2017-06-27T02:36:53.7841015Z","resolvedTime":null}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&times).unwrap()["alertCreationTime"],
        "2017-06-27T02:36:53.7841015Z"
    );
}

/// The first entity of a documented sample, decoded as the app decodes it.
fn first<T: DeserializeOwned>(file: &str) -> T {
    let text = std::fs::read_to_string(samples_dir().join(file)).unwrap();
    let page = Page::read(text, true);
    page.items[0]
        .decode()
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn documented_defender_examples_fill_the_named_fields() {
    let action: MachineAction = first("get-machineactions-collection.1.response.json");
    assert_eq!(
        action.action_type.as_deref(),
        Some("CollectInvestigationPackage")
    );
    assert!(action.last_update_time_utc.is_some());
    let action: MachineAction = first("get-machineaction-object.1.response.json");
    assert!(action.last_update_date_time_utc.is_some());
    let indicator: Indicator = first("get-ti-indicators-collection.1.response.json");
    assert_eq!(indicator.id_text().as_deref(), Some("995"));
    assert_eq!(indicator.last_updated_by.as_deref(), Some("TestPrdApp"));
    let score: Score = first("get-device-secure-score.1.response.json");
    assert_eq!(score.score, Some(340.0));
    let group: Score = first("get-machine-group-exposure-score.1.response.json");
    assert_eq!(group.rbac_group_name.as_deref(), Some("GroupOne"));
    let av: AvHealth = first("device-health-export-antivirus-health-report-api.1.response.json");
    assert_eq!(av.rbac_group_id, Some(Value::from(4415)));
    assert_eq!(av.av_mode.as_deref(), Some("0"));
    let kb: Kb = first("get-missing-kbs-machine.1.response.json");
    assert_eq!(kb.machine_missed_on, Some(1));
    let task: RemediationTask = first("get-remediation-one-activity.1.response.json");
    assert_eq!(task.task_type.as_deref(), Some("Update"));
    let row: Assessment = first("get-all-vulnerabilities-by-machines.1.response.json");
    assert_eq!(
        row.machine(),
        Some("5afa3afc92a7c63d4b70129e0a6f33f63a427e21")
    );
    assert_eq!(row.cve(), Some("CVE-2020-6494"));
    // The browser extensions export writes its rows in PascalCase: the machine is still found.
    let row: Assessment = first("get-assessment-browser-extensions.1.response.json");
    assert_eq!(
        row.machine(),
        Some("1c32162b42e9efa1f5de42f951775f22f435c997")
    );
    let files: Assessment = first("get-assessment-software-vulnerabilities.2.response.json");
    assert_eq!(files.export_files.map(|f| f.len()), Some(3));
    assert!(files.generated_time.is_some());
    let incident: XdrIncident = first("api-list-incidents.1.response.json");
    assert_eq!(incident.incident_id, Some(924565));
    assert_eq!(incident.alerts.map(|a| a.len()), Some(1));
}
