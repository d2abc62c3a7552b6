//! Completion of table, operator and column names at the cursor.

use atp_core::hunting::{complete, CompletionKind};

/// The proposals at the `‸` in `text`.
fn at(text: &str) -> Vec<(String, CompletionKind)> {
    let cursor = text.find('‸').expect("a cursor mark");
    let text = text.replace('‸', "");
    complete(&text, cursor)
        .into_iter()
        .map(|c| (c.text, c.kind))
        .collect()
}

fn names(text: &str) -> Vec<String> {
    at(text).into_iter().map(|(t, _)| t).collect()
}

#[test]
fn tables_at_the_start_of_a_pipeline() {
    let c = at("DevicePro‸");
    assert_eq!(
        c[0],
        ("DeviceProcessEvents".to_string(), CompletionKind::Table)
    );
    assert!(names("‸").contains(&"AlertEvidence".to_string()));
    assert_eq!(
        names("let x = 1;\nAlert‸")[..2],
        ["AlertInfo", "AlertEvidence"]
    );
    let mut two = names("DeviceProcessEvents | join kind=inner (DeviceNet‸")[..2].to_vec();
    two.sort();
    assert_eq!(two, ["DeviceNetworkEvents", "DeviceNetworkInfo"]);
    assert_eq!(
        names("union DeviceFileEvents, DeviceLog‸")[0],
        "DeviceLogonEvents"
    );
    // Case-insensitive prefix too, after the exact ones.
    assert_eq!(names("deviceinf‸")[0], "DeviceInfo");
}

#[test]
fn operators_after_a_pipe() {
    let c = at("DeviceProcessEvents | su‸");
    assert_eq!(c[0], ("summarize".to_string(), CompletionKind::Operator));
    assert!(names("DeviceInfo | project-‸")
        .iter()
        .all(|n| n.starts_with("project-")));
}

#[test]
fn columns_of_the_tables_in_scope() {
    let c = at("DeviceProcessEvents | where Initiating‸");
    assert!(c.iter().all(|(_, k)| *k == CompletionKind::Column));
    assert!(c.iter().any(|(n, _)| n == "InitiatingProcessFileName"));
    assert_eq!(
        names("DeviceNetworkEvents | where Rem‸")[..3],
        ["RemoteIP", "RemoteUrl", "RemotePort"]
    );
    assert!(!names("DeviceNetworkEvents | where Rem‸").contains(&"RegistryKey".to_string()));
    assert_eq!(
        names("DeviceInfo | summarize count() by Machine‸")[0],
        "MachineGroup"
    );
    assert_eq!(names("DeviceInfo | project OSPlat‸")[0], "OSPlatform");
    // Inside a function's parentheses the columns are still those of the table.
    assert_eq!(
        names("DeviceLogonEvents | where isnotempty(RemoteIPT‸")[0],
        "RemoteIPType"
    );
    // A join's right side has its own table's columns.
    assert!(
        names("DeviceInfo | join (DeviceNetworkEvents | where RemoteU‸")
            .contains(&"RemoteUrl".to_string())
    );
    // A tabular let has the columns of the table it starts from, and names the query gave are offered.
    let c = names("let procs = DeviceProcessEvents | where Timestamp > ago(1d);\nprocs | extend Parent = InitiatingProcessFileName | where Par‸");
    assert_eq!(c[0], "Parent");
    assert!(
        names("let procs = DeviceProcessEvents;\nprocs | where ProcessCommandL‸")
            .contains(&"ProcessCommandLine".to_string())
    );
}

#[test]
fn completion_never_panics_on_any_cursor() {
    let text = "let t = DeviceProcessEvents | where FileName =~ \"é😀\";\nt | summarize count() by bin(Timestamp, 1h) | render timechart";
    for cursor in 0..=text.len() + 3 {
        let _ = complete(text, cursor);
    }
    for half in [
        "DeviceProcessEvents | where x == '",
        "(((",
        "| | |",
        "let = ;",
        "datetime(",
        "\"unclosed",
    ] {
        for cursor in 0..=half.len() {
            let _ = complete(half, cursor);
        }
    }
}
