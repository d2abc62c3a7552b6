//! Every documented sample response parses into its model the way the app reads it (core's `body::Page`,
//! then each entity into its typed model), and unknown fields are kept.

use std::path::PathBuf;

use atp_core::body::Page;
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
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".response.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        let kind = body["@odata.context"]
            .as_str()
            .and_then(context_kind)
            .map(|(k, _)| k)
            .or_else(|| {
                // Two current samples have no context: the file name says what they are.
                if name.starts_with("alerts.") {
                    Some(ContextKind::Alerts)
                } else if name.contains("machine") {
                    Some(ContextKind::Machines)
                } else {
                    None
                }
            })
            .unwrap_or_else(|| panic!("{name}: cannot tell what it holds"));
        match kind {
            ContextKind::Alerts => parse::<Alert>(&name, &text, &body),
            ContextKind::Machines => parse::<Machine>(&name, &text, &body),
            ContextKind::Users => parse::<User>(&name, &text, &body),
            ContextKind::Domains => parse::<Domain>(&name, &text, &body),
            ContextKind::Ips => parse::<Ip>(&name, &text, &body),
            ContextKind::Files => parse::<File>(&name, &text, &body),
            ContextKind::Actors => parse::<Actor>(&name, &text, &body),
            ContextKind::Stats => parse::<Stats>(&name, &text, &body),
        }
        count += 1;
    }
    assert!(
        count >= 60,
        "only {count} samples found in {}",
        dir.display()
    );
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
