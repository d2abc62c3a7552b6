//! The KQL parser: every supported operator reads, and problems carry their line and column.

use atp_core::hunting::{parse, ExprKind, JoinKind, LetValue, OpKind, Source};

fn ops(text: &str) -> Vec<OpKind> {
    match parse(text) {
        Ok(q) => q.body.ops.into_iter().map(|o| o.kind).collect(),
        Err(e) => panic!("{text}: {e}"),
    }
}

#[test]
fn microsoft_examples_parse() {
    for q in [
        "DeviceProcessEvents | where InitiatingProcessFileName =~ 'powershell.exe' | where ProcessCommandLine contains 'appdata' | project Timestamp, FileName, InitiatingProcessFileName, DeviceId | limit 2",
        "DeviceProcessEvents | where InitiatingProcessFileName =~ \"powershell.exe\" | project Timestamp, FileName, InitiatingProcessFileName | order by Timestamp desc | limit 2",
        "DeviceInfo\n| where DeviceName == \"example\" and isnotempty(OSPlatform)\n| summarize arg_max(Timestamp, *) by DeviceId ",
    ] {
        parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    }
}

#[test]
fn every_operator_parses() {
    let all = ops(
        "DeviceProcessEvents
        | where Timestamp > ago(7d) and (FileName has 'ps' or not(FileName !contains 'x'))
        | where FileName in ('a', \"b\") and FileName !in~ ('c') and FolderPath has_any ('temp', 'appdata')
        | where FileSize between (1 .. 100) and isnotempty(SHA1) and FileName !has 'y' and FileName startswith 'p'
        | project Timestamp, Name = tolower(FileName), DeviceId, FileSize
        | project-away FileSize
        | project-rename File = Name
        | project-reorder DeviceId
        | extend Hour = bin(Timestamp, 1h), Big = FileSize > 10
        | summarize count(), Files = dcount(File) by DeviceId, bin(Timestamp, 1d)
        | top 10 by count_ asc
        | sort by DeviceId, count_ desc nulls first
        | take 5
        | distinct DeviceId
        | count",
    );
    assert!(matches!(all[0], OpKind::Where(_)));
    assert!(
        matches!(all[3], OpKind::Project(ref p) if p.len() == 4 && p[1].name.as_deref() == Some("Name"))
    );
    assert!(matches!(all[4], OpKind::ProjectAway(_)));
    assert!(matches!(all[5], OpKind::ProjectRename(ref r) if r[0].0 == "File" && r[0].1 == "Name"));
    assert!(matches!(all[6], OpKind::ProjectReorder(_)));
    assert!(
        matches!(all[8], OpKind::Summarize { ref aggregates, ref by } if aggregates.len() == 2 && by.len() == 2)
    );
    assert!(matches!(all[9], OpKind::Top { ref by, .. } if by.ascending));
    assert!(
        matches!(all[10], OpKind::Sort(ref k) if k.len() == 2 && !k[0].ascending && k[1].nulls_first == Some(true))
    );
    assert!(matches!(all[13], OpKind::Count));
}

#[test]
fn joins_unions_lets_and_render() {
    let q = parse(
        "let since = ago(1d);
         let bad = dynamic(['1.2.3.4', \"5.6.7.8\"]);
         let procs = DeviceProcessEvents | where Timestamp > since;
         procs
         | join kind=leftouter (DeviceNetworkEvents | where RemoteIP in (bad)) on DeviceId, $left.SHA1 == $right.InitiatingProcessSHA1
         | union DeviceFileEvents, (DeviceEvents | take 1)
         | mv-expand Tags = parse_json(AdditionalFields) limit 10
         | render timechart with (title = 'Processes', ytitle = \"count\")",
    )
    .unwrap();
    assert_eq!(q.lets.len(), 3);
    assert!(matches!(q.lets[0].value, LetValue::Scalar(_)));
    assert!(matches!(q.lets[2].value, LetValue::Tabular(_)));
    assert!(matches!(q.body.source, Source::Name(ref n, _) if n == "procs"));
    match &q.body.ops[0].kind {
        OpKind::Join { kind, on, .. } => {
            assert_eq!(*kind, JoinKind::LeftOuter);
            assert_eq!(on.len(), 2);
            assert_eq!(
                (on[1].left.as_str(), on[1].right.as_str()),
                ("SHA1", "InitiatingProcessSHA1")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(q.body.ops[1].kind, OpKind::Union(ref u) if u.len() == 2));
    assert!(
        matches!(q.body.ops[3].kind, OpKind::Render { ref kind, ref with } if kind == "timechart" && with.len() == 2)
    );
}

#[test]
fn literals_read_as_kql_reads_them() {
    let q = parse("print a = datetime(2024-01-31 13:45:00), b = 1.5h, c = @'C:\\Temp', d = 0x10, e = dynamic({'k': [1, 2]}), f = -3, g = 100ms").unwrap();
    let Source::Print(items, _) = q.body.source else {
        panic!()
    };
    let lit = |i: usize| match &items[i].expr.kind {
        ExprKind::Literal(l) => format!("{l:?}"),
        other => format!("{other:?}"),
    };
    assert_eq!(
        lit(0),
        format!("DateTime({})", 1_706_708_700i64 * 10_000_000)
    );
    assert_eq!(lit(1), format!("Timespan({})", 5_400i64 * 10_000_000));
    assert_eq!(lit(2), "Str(\"C:\\\\Temp\")");
    assert_eq!(lit(3), "Long(16)");
    assert!(lit(4).contains("Dynamic"));
    assert_eq!(lit(5), "Long(-3)");
    assert_eq!(lit(6), "Timespan(1000000)");
}

#[test]
fn errors_name_the_problem_and_where_it_is() {
    let cases: &[(&str, usize, usize, &str)] = &[
        (
            "DeviceProcessEvents\n| wher FileName == 'x'",
            2,
            3,
            "'wher' is not a query operator",
        ),
        (
            "DeviceProcessEvents | where FileName = 'x'",
            1,
            38,
            "Use '=='",
        ),
        (
            "DeviceProcessEvents | where FileName == 'x",
            1,
            41,
            "never closed",
        ),
        (
            "DeviceProcessEvents | parse FileName with * 'x' y",
            1,
            23,
            "not supported by the demo tenant's hunting engine: the 'parse' operator",
        ),
        (
            "DeviceProcessEvents\n| where Timestamp > ago(7x)",
            2,
            25,
            "not a timespan unit",
        ),
        ("let x = 1;", 1, 11, "no tabular expression"),
        (
            "DeviceProcessEvents | take",
            1,
            27,
            "Expected an expression",
        ),
        (
            "DeviceProcessEvents | make-series count() on Timestamp step 1h",
            1,
            23,
            "'make-series'",
        ),
    ];
    for (text, line, column, message) in cases {
        let e = parse(text).expect_err(text);
        assert_eq!((e.line, e.column), (*line, *column), "{text}: {e}");
        assert!(e.message.contains(message), "{text}: {e}");
    }
}

#[test]
fn the_caret_points_under_the_problem() {
    let text = "DeviceProcessEvents\n| summarize count() by\n| wher x";
    let e = parse(text).unwrap_err();
    assert!(e.caret(text).contains('^'));
    let text = "DeviceProcessEvents | wher x";
    let e = parse(text).unwrap_err();
    assert_eq!(
        e.caret(text),
        "DeviceProcessEvents | wher x\n                      ^^^^"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("print x = {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(parse(&text)
        .unwrap_err()
        .message
        .contains("nests too deeply"));
    let text = format!("print x = {}1", "-".repeat(10_000));
    assert!(parse(&text).is_err());
}
