//! The engine's semantics against answers computed by hand on small tables.

use atp_core::hunting::{
    parse, run, ChartKind, ColumnType, HuntingResult, HuntingTables, Timespan, Value,
};
use chrono::{DateTime, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Six process events over two devices, times in hours before now.
fn tables() -> HuntingTables {
    let mut t = HuntingTables::new();
    let at = |h: i64| Value::datetime(now() - chrono::Duration::hours(h));
    let rows = [
        (1, "dev-a", "powershell.exe", "powershell -enc AAAA", 120),
        (2, "dev-a", "cmd.exe", "cmd /c whoami", 30),
        (
            3,
            "dev-b",
            "PowerShell.EXE",
            "PowerShell.exe -File C:\\Users\\x\\AppData\\run.ps1",
            150,
        ),
        (5, "dev-b", "svchost.exe", "svchost.exe -k netsvcs", 50),
        (
            30,
            "dev-a",
            "rundll32.exe",
            "rundll32.exe beacon.dll,Start",
            70,
        ),
        (24 * 40, "dev-c", "old.exe", "old.exe", 10),
    ];
    t.add_table(
        "Proc",
        &[
            ("Timestamp", ColumnType::DateTime),
            ("DeviceName", ColumnType::String),
            ("FileName", ColumnType::String),
            ("ProcessCommandLine", ColumnType::String),
            ("FileSize", ColumnType::Long),
        ],
        rows.iter()
            .map(|(h, d, f, c, s)| {
                vec![
                    at(*h),
                    Value::str(d),
                    Value::str(f),
                    Value::str(c),
                    Value::Long(*s),
                ]
            })
            .collect(),
    );
    t.add_table(
        "Dev",
        &[
            ("DeviceName", ColumnType::String),
            ("Os", ColumnType::String),
        ],
        vec![
            vec![Value::str("dev-a"), Value::str("Windows11")],
            vec![Value::str("dev-b"), Value::str("Windows10")],
            vec![Value::str("dev-z"), Value::str("Linux")],
        ],
    );
    t
}

fn q(text: &str) -> HuntingResult {
    let query = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    run(&tables(), &query, Timespan::last_30_days(now()), now())
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn err(text: &str) -> String {
    match parse(text) {
        Err(e) => e.to_string(),
        Ok(query) => run(&tables(), &query, Timespan::last_30_days(now()), now())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| panic!("{text} ran")),
    }
}

/// The column `name` as text values.
fn col(r: &HuntingResult, name: &str) -> Vec<String> {
    let i = r
        .columns
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name}: {:?}", r.columns));
    r.rows.iter().map(|row| row[i].to_text()).collect()
}

fn names(r: &HuntingResult) -> Vec<&str> {
    r.columns.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn the_timespan_hides_older_rows() {
    assert_eq!(q("Proc | count").rows[0][0], Value::Long(5));
    let r = run(
        &tables(),
        &parse("Proc | count").unwrap(),
        Timespan::last(now(), chrono::Duration::hours(4)),
        now(),
    )
    .unwrap();
    assert_eq!(r.rows[0][0], Value::Long(3));
}

#[test]
fn equality_is_case_sensitive_and_tilde_is_not() {
    assert_eq!(
        col(
            &q("Proc | where FileName == 'powershell.exe' | project DeviceName"),
            "DeviceName"
        ),
        ["dev-a"]
    );
    assert_eq!(col(&q("Proc | where FileName =~ 'powershell.exe' | sort by DeviceName asc | project DeviceName"), "DeviceName"), ["dev-a", "dev-b"]);
    assert_eq!(
        q("Proc | where FileName != 'cmd.exe' | count").rows[0][0],
        Value::Long(4)
    );
    assert_eq!(
        q("Proc | where FileName !~ 'POWERSHELL.exe' | count").rows[0][0],
        Value::Long(3)
    );
}

#[test]
fn has_matches_whole_terms_and_contains_any_substring() {
    assert_eq!(
        q("Proc | where ProcessCommandLine has 'enc' | count").rows[0][0],
        Value::Long(1)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine has 'owershell' | count").rows[0][0],
        Value::Long(0)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine has '-enc' | count").rows[0][0],
        Value::Long(1)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine has 'appdata' | count").rows[0][0],
        Value::Long(1)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine contains 'ppDat' | count").rows[0][0],
        Value::Long(1)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine !has 'exe' | count").rows[0][0],
        Value::Long(2)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine has_cs 'powershell' | count").rows[0][0],
        Value::Long(1)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine !contains 'exe' | count").rows[0][0],
        Value::Long(2)
    );
    assert_eq!(
        q("Proc | where FileName startswith 'POWER' | count").rows[0][0],
        Value::Long(2)
    );
    assert_eq!(
        q("Proc | where FileName endswith_cs '.exe' | count").rows[0][0],
        Value::Long(4)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine has_any ('whoami', 'netsvcs') | count").rows[0][0],
        Value::Long(2)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine has_all ('svchost', 'netsvcs') | count").rows[0][0],
        Value::Long(1)
    );
    assert_eq!(
        q("Proc | where ProcessCommandLine matches regex @'-k \\w+' | count").rows[0][0],
        Value::Long(1)
    );
}

#[test]
fn lists_ranges_and_emptiness() {
    assert_eq!(
        q("Proc | where FileName in ('cmd.exe', 'svchost.exe') | count").rows[0][0],
        Value::Long(2)
    );
    assert_eq!(
        q("Proc | where FileName !in ('cmd.exe', 'svchost.exe') | count").rows[0][0],
        Value::Long(3)
    );
    assert_eq!(
        q("Proc | where FileName in~ ('POWERSHELL.EXE') | count").rows[0][0],
        Value::Long(2)
    );
    assert_eq!(
        q("Proc | where FileSize between (50 .. 120) | count").rows[0][0],
        Value::Long(3)
    );
    assert_eq!(
        q("Proc | where FileSize !between (50 .. 120) | count").rows[0][0],
        Value::Long(2)
    );
    assert_eq!(
        q("Proc | where Timestamp > ago(2h) and isnotempty(FileName) | count").rows[0][0],
        Value::Long(1)
    );
    // Both bounds are inside: the event exactly 3 hours ago counts.
    assert_eq!(
        q("Proc | where Timestamp between (ago(3h) .. now()) | count").rows[0][0],
        Value::Long(3)
    );
    assert_eq!(q("let names = Dev | where Os startswith 'Windows' | project DeviceName; Proc | where DeviceName in (names) | count").rows[0][0], Value::Long(5));
    assert_eq!(q("let bad = dynamic(['cmd.exe', 'rundll32.exe']); Proc | where FileName in (bad) | count").rows[0][0], Value::Long(2));
    assert_eq!(
        q("Proc | where not(FileName has 'exe') or FileSize > 100 | count").rows[0][0],
        Value::Long(2)
    );
}

#[test]
fn summarize_groups_and_names_its_columns_as_kql_does() {
    let r = q("Proc | summarize count(), dcount(FileName), Big = countif(FileSize > 60), max(FileSize), sum(FileSize), avg(FileSize) by DeviceName | sort by DeviceName asc");
    assert_eq!(
        names(&r),
        [
            "DeviceName",
            "count_",
            "dcount_FileName",
            "Big",
            "max_FileSize",
            "sum_FileSize",
            "avg_FileSize"
        ]
    );
    assert_eq!(col(&r, "DeviceName"), ["dev-a", "dev-b"]);
    assert_eq!(col(&r, "count_"), ["3", "2"]);
    assert_eq!(col(&r, "Big"), ["2", "1"]);
    assert_eq!(col(&r, "max_FileSize"), ["120", "150"]);
    assert_eq!(col(&r, "sum_FileSize"), ["220", "200"]);
    assert_eq!(
        col(&r, "avg_FileSize"),
        [format!("{}", 220.0 / 3.0), "100".to_string()]
    );
    assert_eq!(r.columns[1].ty, ColumnType::Long);
    let r = q(
        "Proc | sort by Timestamp desc | summarize make_set(DeviceName), make_list(FileSize, 2)",
    );
    assert_eq!(col(&r, "set_DeviceName"), [r#"["dev-a","dev-b"]"#]);
    assert_eq!(col(&r, "list_FileSize"), ["[120,30]"]);
}

#[test]
fn expressions_over_aggregations() {
    let r = q("Proc | summarize Pct = 100.0 * countif(FileSize > 60) / count(), n = count() by DeviceName | sort by DeviceName asc");
    assert_eq!(names(&r), ["DeviceName", "Pct", "n"]);
    assert_eq!(
        col(&r, "Pct"),
        [format!("{}", 100.0 * 2.0 / 3.0), "50".to_string()]
    );
    assert!(err("Proc | summarize x = FileSize + 1").contains("summarize takes aggregations"));
}

#[test]
fn arg_max_returns_the_latest_row_per_group() {
    let r = q("Proc | summarize arg_max(Timestamp, *) by DeviceName | sort by DeviceName asc");
    assert_eq!(
        names(&r),
        [
            "DeviceName",
            "Timestamp",
            "FileName",
            "ProcessCommandLine",
            "FileSize"
        ]
    );
    assert_eq!(col(&r, "FileName"), ["powershell.exe", "PowerShell.EXE"]);
    let r =
        q("Proc | summarize arg_min(FileSize, FileName) by DeviceName | sort by DeviceName asc");
    assert_eq!(col(&r, "FileName"), ["cmd.exe", "svchost.exe"]);
}

#[test]
fn bin_buckets_times() {
    let r = q("Proc | where Timestamp > ago(1d) | summarize count() by bin(Timestamp, 1d)");
    assert_eq!(names(&r), ["Timestamp", "count_"]);
    // now is 12:00: the events 1, 2, 3 and 5 hours earlier fall on the same day.
    assert_eq!(col(&r, "count_"), ["4"]);
    assert_eq!(
        r.rows[0][0],
        Value::datetime(
            Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0)
                .single()
                .unwrap_or_default()
        )
    );
}

#[test]
fn sort_is_descending_by_default_and_top_takes_the_first() {
    assert_eq!(
        col(&q("Proc | sort by FileSize | project FileSize"), "FileSize"),
        ["150", "120", "70", "50", "30"]
    );
    assert_eq!(
        col(
            &q("Proc | order by FileSize asc | take 2 | project FileSize"),
            "FileSize"
        ),
        ["30", "50"]
    );
    assert_eq!(
        col(
            &q("Proc | top 2 by FileSize | project FileName"),
            "FileName"
        ),
        ["PowerShell.EXE", "powershell.exe"]
    );
    assert_eq!(q("Proc | limit 3").rows.len(), 3);
}

#[test]
fn project_extend_and_renames() {
    let r = q("Proc | where FileName == 'cmd.exe' | project Name = toupper(FileName), FileSize, Kb = FileSize / 10");
    assert_eq!(names(&r), ["Name", "FileSize", "Kb"]);
    assert_eq!(
        r.rows[0],
        vec![Value::str("CMD.EXE"), Value::Long(30), Value::Long(3)]
    );
    let r = q(
        "Proc | take 1 | project-away ProcessCommandLine, File* | project-rename Host = DeviceName",
    );
    assert_eq!(names(&r), ["Timestamp", "Host"]);
    let r = q("Proc | take 1 | project-reorder FileSize, DeviceName");
    assert_eq!(names(&r)[..2], ["FileSize", "DeviceName"]);
    let r = q("Proc | where FileName == 'cmd.exe' | extend Size2 = FileSize * 2, Label = strcat(DeviceName, '/', FileName), Kind = iff(FileSize > 100, 'big', 'small')");
    assert_eq!(col(&r, "Size2"), ["60"]);
    assert_eq!(col(&r, "Label"), ["dev-a/cmd.exe"]);
    assert_eq!(col(&r, "Kind"), ["small"]);
    let r = q("Proc | distinct DeviceName | sort by DeviceName asc");
    assert_eq!(col(&r, "DeviceName"), ["dev-a", "dev-b"]);
}

#[test]
fn joins_of_every_kind() {
    let count = |kind: &str| {
        q(&format!(
            "Proc | join kind={kind} Dev on DeviceName | count"
        ))
        .rows[0][0]
            .clone()
    };
    assert_eq!(count("inner"), Value::Long(5));
    assert_eq!(count("leftouter"), Value::Long(5));
    assert_eq!(count("rightouter"), Value::Long(6));
    assert_eq!(count("fullouter"), Value::Long(6));
    assert_eq!(count("leftanti"), Value::Long(0));
    assert_eq!(count("leftsemi"), Value::Long(5));
    assert_eq!(count("rightanti"), Value::Long(1));
    assert_eq!(count("rightsemi"), Value::Long(2));
    // The default, innerunique, keeps one left row per key.
    assert_eq!(
        q("Proc | join Dev on DeviceName | count").rows[0][0],
        Value::Long(2)
    );
    let r = q("Proc | where FileName == 'cmd.exe' | join kind=inner (Dev | project Host = DeviceName, Os) on $left.DeviceName == $right.Host");
    assert_eq!(col(&r, "Os"), ["Windows11"]);
    let r = q("Proc | where FileName == 'cmd.exe' | join kind=inner Dev on DeviceName");
    assert!(names(&r).contains(&"DeviceName1"));
}

#[test]
fn union_lines_up_columns_by_name() {
    let r = q("union Proc, Dev | summarize count() by DeviceName | sort by DeviceName asc");
    assert_eq!(col(&r, "DeviceName"), ["dev-a", "dev-b", "dev-z"]);
    assert_eq!(col(&r, "count_"), ["4", "3", "1"]);
    // A filter over a union reads a column a part lacks as empty.
    assert_eq!(
        q("union Proc, Dev | where Os == 'Linux' | count").rows[0][0],
        Value::Long(1)
    );
    assert_eq!(
        q("union Proc, Dev | where isempty(Os) and FileSize > 60 | count").rows[0][0],
        Value::Long(3)
    );
    assert_eq!(
        q("union Dev, Proc | where DeviceName == 'dev-a' | count").rows[0][0],
        Value::Long(4)
    );
    let r = q("union Proc, Dev | count");
    assert_eq!(r.rows[0][0], Value::Long(8));
    let r = q("Dev | union (Proc | take 1) | project DeviceName, Os, FileName");
    assert_eq!(r.rows.len(), 4);
    assert_eq!(col(&r, "FileName")[0], "");
}

#[test]
fn datatable_mv_expand_and_dynamic_access() {
    let r = q("datatable(Id: long, Tags: dynamic) [1, dynamic(['a', 'b']), 2, dynamic([])] | mv-expand Tags | project Id, Tag = tostring(Tags)");
    assert_eq!(col(&r, "Tag"), ["a", "b"]);
    assert_eq!(col(&r, "Id"), ["1", "1"]);
    let r = q("print j = parse_json('{\"user\": {\"name\": \"alex\"}, \"ports\": [80, 443]}') | project n = tostring(j.user.name), p = toint(j.ports[1]), q = tostring(j['user']['name'])");
    assert_eq!(
        r.rows[0],
        vec![Value::str("alex"), Value::Int(443), Value::str("alex")]
    );
}

#[test]
fn scalar_functions() {
    let r = q(
        r#"print a = strlen('héllo'), b = substring('abcdef', 2, 3), c = split('a,b,c', ',')[1], d = tolong('42'), e = todouble('1.5'),
        f = case(1 > 2, 'x', 2 > 1, 'y', 'z'), g = coalesce('', 'fallback'), h = extract(@'(\d+)\.(\d+)', 2, 'v10.20'),
        i = format_datetime(datetime(2024-03-05 07:08:09), 'yyyy-MM-dd HH:mm:ss'), j = isnull(long(null)), k = isempty(''),
        l = tostring(datetime(2024-01-02)), m = 1d / 1h, n = datetime(2024-01-02) - datetime(2024-01-01), o = base64_decode_tostring('aGk='),
        p = ipv4_is_private('10.1.2.3'), q = replace_string('a-b-c', '-', '+'), r = toint(3.9), s = bin(17, 5), t = array_length(dynamic([1,2,3]))"#,
    );
    let text: Vec<String> = r.rows[0].iter().map(Value::to_text).collect();
    assert_eq!(
        text,
        [
            "5",
            "cde",
            "b",
            "42",
            "1.5",
            "y",
            "fallback",
            "20",
            "2024-03-05 07:08:09",
            "true",
            "true",
            "2024-01-02T00:00:00Z",
            "24",
            "1.00:00:00",
            "hi",
            "true",
            "a+b+c",
            "3",
            "15",
            "3"
        ]
    );
}

#[test]
fn render_is_kept_with_its_properties() {
    let r = q(
        "Proc | summarize count() by DeviceName | render columnchart with (title = 'By device')",
    );
    let render = r.render.expect("render");
    assert_eq!(render.kind, ChartKind::ColumnChart);
    assert_eq!(
        render.with,
        vec![("title".to_string(), Value::str("By device"))]
    );
    assert!(err("Proc | render piechart | take 1").contains("render must be the last operator"));
}

#[test]
fn run_time_errors_point_into_the_text() {
    let e = err("Proc\n| where Filename == 'x'");
    assert!(e.starts_with("line 2, column 9:"), "{e}");
    assert!(
        e.contains("Failed to resolve scalar expression named 'Filename'")
            && e.contains("did you mean 'FileName'"),
        "{e}"
    );
    assert!(err("Nope | take 1").contains("Failed to resolve table"));
    assert!(err("Proc | where FileSize == 'x'").contains("Cannot compare a long with a string"));
    assert!(err("Proc | where FileName").contains("true/false condition"));
    assert!(err("Proc | extend x = percentile(FileSize, 50)").contains("not supported"));
    assert!(err("Proc | summarize stdev(FileSize)")
        .contains("not supported by the demo tenant's hunting engine"));
    assert!(err("Proc | extend x = count()").contains("is an aggregation"));
    assert!(err("Proc | where FileName matches regex '('").contains("regex"));
}

#[test]
fn the_row_limit_truncates() {
    let mut t = HuntingTables::new();
    t.add_table(
        "Big",
        &[("N", ColumnType::Long)],
        (0..100_005).map(|n| vec![Value::Long(n)]).collect(),
    );
    let r = run(
        &t,
        &parse("Big").unwrap(),
        Timespan::last_30_days(now()),
        now(),
    )
    .unwrap();
    assert_eq!(r.rows.len(), 100_000);
    assert!(r.truncated);
    let r = run(
        &t,
        &parse("Big | take 10").unwrap(),
        Timespan::last_30_days(now()),
        now(),
    )
    .unwrap();
    assert!(!r.truncated);
}
