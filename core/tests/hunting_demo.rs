//! The demo tenant's hunting tables agree with its dataset, and its hunting endpoints answer in the
//! real APIs' shapes.

use std::collections::HashSet;

use atp_core::demo::{DemoConfig, DemoTenant, SOURCE_ALERT_ID, SOURCE_MACHINE_ID};
use atp_core::hunting::{parse, run, HuntingResult, Timespan, Value};
use atp_core::Api;
use chrono::{DateTime, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn tenant() -> &'static DemoTenant {
    static T: std::sync::OnceLock<DemoTenant> = std::sync::OnceLock::new();
    T.get_or_init(|| DemoTenant::generate(&DemoConfig::new(now())))
}

fn q(text: &str) -> HuntingResult {
    let query = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    run(
        tenant().hunting_tables(),
        &query,
        Timespan::last_30_days(now()),
        now(),
    )
    .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn column(r: &HuntingResult, name: &str) -> Vec<String> {
    let i = r
        .columns
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name}"));
    r.rows.iter().map(|row| row[i].to_text()).collect()
}

fn count(text: &str) -> i64 {
    q(&format!("{text} | count")).rows[0][0]
        .as_i64()
        .unwrap_or(-1)
}

#[test]
fn every_table_of_the_schema_has_rows() {
    let t = tenant().hunting_tables();
    for table in atp_core::hunting::tables() {
        assert!(t.row_count(table.name) > 0, "{} is empty", table.name);
    }
}

#[test]
fn the_source_alert_has_its_story_on_its_machine() {
    let data = &tenant().dataset;
    let alert = data.alert(SOURCE_ALERT_ID).expect("source alert");
    assert_eq!(alert.machine_id.as_deref(), Some(SOURCE_MACHINE_ID));
    let evidence = q(&format!(
        "AlertEvidence | where AlertId == '{SOURCE_ALERT_ID}'"
    ));
    let sha1s: Vec<String> = column(&evidence, "SHA1")
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let ips: Vec<String> = column(&evidence, "RemoteIP")
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let urls: Vec<String> = column(&evidence, "RemoteUrl")
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    assert!(
        !sha1s.is_empty() && !ips.is_empty() && !urls.is_empty(),
        "{evidence:?}"
    );
    assert!(column(&evidence, "DeviceId").contains(&SOURCE_MACHINE_ID.to_string()));
    let m = SOURCE_MACHINE_ID;
    let sha1 = &sha1s[0];
    // The file arrived from the alert's domain, ran, injected into svchost.exe, and called out.
    assert!(count(&format!("DeviceFileEvents | where DeviceId == '{m}' and SHA1 == '{sha1}' and FileOriginUrl has '{}'", urls[0])) >= 1);
    assert!(
        count(&format!(
            "DeviceProcessEvents | where DeviceId == '{m}' and SHA1 == '{sha1}'"
        )) >= 1
    );
    assert!(count(&format!("DeviceEvents | where DeviceId == '{m}' and InitiatingProcessSHA1 == '{sha1}' and ActionType == 'CreateRemoteThreadApiCall'")) == 1);
    assert!(count(&format!("DeviceNetworkEvents | where DeviceId == '{m}' and RemoteIP == '{}' and InitiatingProcessSHA1 == '{sha1}'", ips[0])) >= 1);
    assert_eq!(count(&format!("AlertInfo | where AlertId == '{SOURCE_ALERT_ID}' and Title == 'Process hollowing detected'")), 1);
    // Its user signed in to the machine before.
    let user = column(&evidence, "AccountName")
        .into_iter()
        .find(|s| !s.is_empty())
        .expect("user evidence");
    assert!(
        count(&format!(
            "DeviceLogonEvents | where DeviceId == '{m}' and AccountName == '{user}'"
        )) >= 1
    );
}

#[test]
fn device_ids_names_files_ips_and_domains_are_the_datasets() {
    let data = &tenant().dataset;
    let machines: HashSet<&str> = data.machines.iter().map(|m| m.id.as_str()).collect();
    let names: HashSet<&str> = data
        .machines
        .iter()
        .filter_map(|m| m.computer_dns_name.as_deref())
        .collect();
    for table in [
        "DeviceProcessEvents",
        "DeviceNetworkEvents",
        "DeviceFileEvents",
        "DeviceLogonEvents",
        "DeviceEvents",
        "DeviceInfo",
    ] {
        let r = q(&format!("{table} | distinct DeviceId, DeviceName"));
        for row in &r.rows {
            assert!(
                machines.contains(row[0].to_text().as_str()),
                "{table}: {:?}",
                row[0]
            );
            assert!(
                names.contains(row[1].to_text().as_str()),
                "{table}: {:?}",
                row[1]
            );
        }
    }
    let r = q("AlertEvidence | where EntityType == 'File' | distinct SHA1");
    assert!(!r.rows.is_empty());
    for row in &r.rows {
        assert!(
            data.file(&row[0].to_text()).is_some(),
            "{:?} is not a demo file",
            row[0]
        );
    }
    let ips: HashSet<&str> = data.ips.iter().map(|i| i.id.as_str()).collect();
    for row in q("AlertEvidence | where EntityType == 'Ip' | distinct RemoteIP").rows {
        assert!(ips.contains(row[0].to_text().as_str()));
    }
    let domains: HashSet<&str> = data.domains.iter().map(|d| d.host.as_str()).collect();
    for row in q("AlertEvidence | where EntityType == 'Url' | distinct RemoteUrl").rows {
        assert!(domains.contains(row[0].to_text().as_str()));
    }
    // Every alert of the last 30 days is in AlertInfo, with its title.
    let alerts = q("AlertInfo | project AlertId, Title");
    assert_eq!(alerts.rows.len(), data.alerts.len());
    for row in &alerts.rows {
        let a = data.alert(&row[0].to_text()).expect("a demo alert");
        assert_eq!(a.title.as_deref().unwrap_or(""), row[1].to_text());
    }
}

#[test]
fn joins_between_tables_agree_with_the_dataset() {
    // Each alert's machine, joined from its evidence to DeviceInfo, is the machine of the alert's card.
    let r = q("AlertEvidence | where EntityType == 'Machine' | join kind=inner (DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId) on DeviceId | project AlertId, DeviceId, MachineGroup | take 200");
    assert!(!r.rows.is_empty());
    let data = &tenant().dataset;
    for row in &r.rows {
        let alert = data.alert(&row[0].to_text()).expect("alert");
        assert_eq!(alert.machine_id.as_deref(), Some(row[1].to_text().as_str()));
        let machine = data.machine(&row[1].to_text()).expect("machine");
        assert_eq!(
            machine.rbac_group_name.as_deref().unwrap_or(""),
            row[2].to_text()
        );
    }
}

#[test]
fn microsofts_example_query_runs() {
    let r = q("DeviceProcessEvents | where InitiatingProcessFileName =~ 'powershell.exe' | where ProcessCommandLine contains 'appdata' | project Timestamp, FileName, InitiatingProcessFileName, DeviceId | limit 2");
    assert_eq!(
        r.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        [
            "Timestamp",
            "FileName",
            "InitiatingProcessFileName",
            "DeviceId"
        ]
    );
    assert!(!r.rows.is_empty() && r.rows.len() <= 2);
}

#[test]
fn the_tables_are_the_same_for_the_same_dataset() {
    let other = DemoTenant::generate(&DemoConfig::new(now()));
    let text = "DeviceNetworkEvents | summarize count(), dcount(RemoteIP) by DeviceId | sort by DeviceId asc | take 50";
    let query = parse(text).unwrap();
    let a = run(
        tenant().hunting_tables(),
        &query,
        Timespan::last_30_days(now()),
        now(),
    )
    .unwrap();
    let b = run(
        other.hunting_tables(),
        &query,
        Timespan::last_30_days(now()),
        now(),
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(
        tenant().hunting_tables().total_rows(),
        other.hunting_tables().total_rows()
    );
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[test]
fn graph_answers_schema_and_results() {
    let body = r#"{"Query": "DeviceProcessEvents | where InitiatingProcessFileName =~ \"powershell.exe\" | project Timestamp, FileName, InitiatingProcessFileName | order by Timestamp desc | limit 2", "Timespan": "P30D"}"#;
    let r = tenant().hunt(Api::Graph, body, now());
    assert_eq!(r.status, 200, "{}", r.body);
    let v = json(&r.body);
    assert_eq!(
        v["schema"][0],
        serde_json::json!({"name": "Timestamp", "type": "DateTime"})
    );
    assert_eq!(
        v["schema"][1],
        serde_json::json!({"name": "FileName", "type": "String"})
    );
    assert_eq!(v["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        v["results"][0]["InitiatingProcessFileName"]
            .as_str()
            .map(str::to_lowercase)
            .as_deref(),
        Some("powershell.exe")
    );
    let read = HuntingResult::read(&r.body).unwrap();
    assert_eq!(read.rows.len(), 2);
    assert!(matches!(read.rows[0][0], Value::DateTime(_)));
}

#[test]
fn defender_answers_schema_and_results_capitalised() {
    let r = tenant().hunt(
        Api::Defender,
        r#"{"Query": "DeviceInfo | summarize Devices = dcount(DeviceId)"}"#,
        now(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = json(&r.body);
    assert_eq!(
        v["Schema"],
        serde_json::json!([{"Name": "Devices", "Type": "Int64"}])
    );
    assert_eq!(
        v["Results"][0]["Devices"].as_i64(),
        Some(tenant().dataset.machines.len() as i64)
    );
}

#[test]
fn a_bad_query_is_the_apis_400_with_line_and_column() {
    let r = tenant().hunt(
        Api::Graph,
        r#"{"Query": "DeviceProcessEvents\n| wher x"}"#,
        now(),
    );
    assert_eq!(r.status, 400);
    let v = json(&r.body);
    assert_eq!(v["error"]["code"], "BadRequest");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("line 2, column 3:"),
        "{}",
        r.body
    );
    assert!(v["error"]["innerError"]["request-id"].is_string());
    let r = tenant().hunt(
        Api::Defender,
        r#"{"Query": "DeviceProcessEvents | parse x with y"}"#,
        now(),
    );
    assert_eq!(r.status, 400);
    let v = json(&r.body);
    assert!(v["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("not supported by the demo tenant's hunting engine"));
    assert!(v["error"]["target"].is_string());
    for body in ["not json", "{}", r#"{"Query": 3}"#, r#"{"Query": "  "}"#] {
        assert_eq!(
            tenant().hunt(Api::Defender, body, now()).status,
            400,
            "{body}"
        );
    }
    let r = tenant().hunt(
        Api::Graph,
        r#"{"Query": "AlertInfo", "Timespan": "P3X"}"#,
        now(),
    );
    assert_eq!(r.status, 400);
    assert!(json(&r.body)["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("ISO 8601 duration"));
}

#[test]
fn a_graph_timespan_narrows_the_rows() {
    let all = json(
        &tenant()
            .hunt(Api::Graph, r#"{"Query": "AlertInfo | count"}"#, now())
            .body,
    )["results"][0]["Count"]
        .as_i64();
    let week = json(
        &tenant()
            .hunt(
                Api::Graph,
                r#"{"Query": "AlertInfo | count", "Timespan": "P7D"}"#,
                now(),
            )
            .body,
    )["results"][0]["Count"]
        .as_i64();
    assert!(week < all && week > Some(0), "{week:?} {all:?}");
}

#[test]
fn the_hostile_tenant_hunts_its_payloads_as_text() {
    let mut config = DemoConfig::new(now());
    config.variant = atp_core::demo::Variant::Hostile;
    let hostile = DemoTenant::generate(&config);
    let r = hostile.hunt(
        Api::Defender,
        r#"{"Query": "AlertInfo | where Title has 'script' | project AlertId, Title | take 5"}"#,
        now(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let read = HuntingResult::read(&r.body).unwrap();
    assert!(read
        .rows
        .iter()
        .all(|row| row[1].to_text().contains("script")));
    let r = hostile.hunt(
        Api::Graph,
        r#"{"Query": "DeviceProcessEvents | summarize count() by AccountName | take 50"}"#,
        now(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}
