//! Hunting answers in the APIs' shapes: Microsoft's documented examples read, results written and read
//! back unchanged, Graph's timespans; and the parser and engine never panic.

use atp_core::hunting::{
    parse, render_of, run, ChartKind, ColumnType, HuntingResult, HuntingTables, ResultColumn,
    Timespan, Value,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

const SAMPLES: [(&str, &str); 5] = [
    (
        "run-hunting-query.1",
        include_str!("reference/samples/graph/run-hunting-query.1.response.json"),
    ),
    (
        "run-hunting-query.2",
        include_str!("reference/samples/graph/run-hunting-query.2.response.json"),
    ),
    (
        "run-hunting-query.3",
        include_str!("reference/samples/graph/run-hunting-query.3.response.json"),
    ),
    (
        "mde-run-advanced-query.1",
        include_str!("reference/samples/graph/mde-run-advanced-query.1.response.json"),
    ),
    (
        "xdr-advanced-hunting-run.1",
        include_str!("reference/samples/graph/xdr-advanced-hunting-run.1.response.json"),
    ),
];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

#[test]
fn microsofts_examples_read_with_their_types() {
    for (name, body) in SAMPLES {
        let r = HuntingResult::read(body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            r.columns[0],
            ResultColumn {
                name: "Timestamp".into(),
                ty: ColumnType::DateTime
            },
            "{name}"
        );
        assert_eq!(r.columns[1].ty, ColumnType::String, "{name}");
        assert!(r.rows.len() >= 2, "{name}");
        for row in &r.rows {
            assert!(matches!(row[0], Value::DateTime(_)), "{name}: {:?}", row[0]);
            assert!(matches!(row[1], Value::Str(_)), "{name}");
        }
    }
    let r = HuntingResult::read(SAMPLES[0].1).unwrap();
    assert_eq!(r.rows[0][0].to_text(), "2024-03-26T09:39:50.7688641Z");
    assert_eq!(r.rows[0][2], Value::str("powershell.exe"));
    let r = HuntingResult::read(SAMPLES[3].1).unwrap();
    assert_eq!(
        r.rows[1][3],
        Value::str("10cbf9182d4e95660362f65cfa67c7731f62fdb3")
    );
}

#[test]
fn writing_graph_and_defender_shapes_reads_back_the_same() {
    let result = HuntingResult {
        columns: vec![
            ResultColumn {
                name: "Timestamp".into(),
                ty: ColumnType::DateTime,
            },
            ResultColumn {
                name: "DeviceName".into(),
                ty: ColumnType::String,
            },
            ResultColumn {
                name: "Count".into(),
                ty: ColumnType::Long,
            },
            ResultColumn {
                name: "Port".into(),
                ty: ColumnType::Int,
            },
            ResultColumn {
                name: "Ratio".into(),
                ty: ColumnType::Real,
            },
            ResultColumn {
                name: "Admin".into(),
                ty: ColumnType::Bool,
            },
            ResultColumn {
                name: "Extra".into(),
                ty: ColumnType::Dynamic,
            },
            ResultColumn {
                name: "Took".into(),
                ty: ColumnType::Timespan,
            },
        ],
        rows: vec![
            vec![
                Value::DateTime(17_000_000_001_234_567),
                Value::str("desktop-1 <b>x</b>"),
                Value::Long(i64::MAX),
                Value::Int(443),
                Value::Real(0.25),
                Value::Bool(true),
                Value::dynamic(serde_json::json!({"a": [1, "b"]})),
                Value::Timespan(36_000_000_000 + 5),
            ],
            vec![
                Value::Null,
                Value::str(""),
                Value::Null,
                Value::Null,
                Value::Real(f64::NAN),
                Value::Null,
                Value::Null,
                Value::Null,
            ],
        ],
        render: None,
        truncated: false,
    };
    let graph = result.to_graph_json();
    assert_eq!(
        graph["schema"][2],
        serde_json::json!({"name": "Count", "type": "Int64"})
    );
    assert_eq!(graph["schema"][6]["type"], "Object");
    assert_eq!(
        graph["results"][0]["Timestamp"],
        "2023-11-14T22:13:20.1234567Z"
    );
    let defender = result.to_defender_json();
    assert_eq!(
        defender["Schema"][3],
        serde_json::json!({"Name": "Port", "Type": "Int32"})
    );
    for body in [graph.to_string(), defender.to_string()] {
        assert_eq!(HuntingResult::read(&body).unwrap(), result);
    }
}

#[test]
fn reading_refuses_what_is_not_an_answer() {
    for body in [
        "",
        "[]",
        "{}",
        r#"{"schema": 3}"#,
        r#"{"Schema": [{"Type": "String"}]}"#,
        r#"{"schema": [], "results": 4}"#,
    ] {
        assert!(HuntingResult::read(body).is_err(), "{body}");
    }
    // Unknown types and odd cells are kept as text, not dropped.
    let r = HuntingResult::read(r#"{"Schema":[{"Name":"X","Type":"SByteArray"},{"Name":"N","Type":"Int64"}],"Results":[{"X":1,"N":"oops"}]}"#).unwrap();
    assert_eq!(r.rows[0], vec![Value::str("1"), Value::str("oops")]);
}

#[test]
fn graph_timespans_in_every_iso_form() {
    let t = |s: &str| Timespan::parse(s, now());
    let at = |y, mo, d, h| {
        Utc.with_ymd_and_hms(y, mo, d, h, 0, 0)
            .single()
            .unwrap_or_default()
    };
    assert_eq!(
        t("P30D").unwrap(),
        Timespan {
            start: now() - Duration::days(30),
            end: now()
        }
    );
    assert_eq!(t("PT12H").unwrap().start, now() - Duration::hours(12));
    assert_eq!(t("P1DT6H").unwrap().start, now() - Duration::hours(30));
    assert_eq!(
        t("2026-12-01T00:00:00Z/2026-12-02T06:00:00Z").unwrap(),
        Timespan {
            start: at(2026, 12, 1, 0),
            end: at(2026, 12, 2, 6)
        }
    );
    assert_eq!(
        t("P2D/2026-12-03T00:00:00Z").unwrap(),
        Timespan {
            start: at(2026, 12, 1, 0),
            end: at(2026, 12, 3, 0)
        }
    );
    assert_eq!(
        t("2026-12-01T00:00:00Z/P1D").unwrap(),
        Timespan {
            start: at(2026, 12, 1, 0),
            end: at(2026, 12, 2, 0)
        }
    );
    assert_eq!(
        t("2026-12-01T00:00:00Z").unwrap(),
        Timespan {
            start: at(2026, 12, 1, 0),
            end: now()
        }
    );
    for bad in [
        "",
        "P",
        "P3X",
        "PT",
        "yesterday",
        "P1D/P2D",
        "2026-12-02T00:00:00Z/2026-12-01T00:00:00Z",
        "P1H",
    ] {
        assert!(t(bad).is_err(), "{bad}");
    }
    assert!(t("P3X").unwrap_err().contains("ISO 8601 duration"));
}

#[test]
fn render_is_read_from_the_query_for_live_answers() {
    let q = parse("DeviceProcessEvents | summarize count() by bin(Timestamp, 1h) | render timechart with (title='Processes per hour')").unwrap();
    let r = render_of(&q).unwrap();
    assert_eq!(r.kind, ChartKind::TimeChart);
    assert_eq!(
        r.with,
        vec![("title".into(), Value::str("Processes per hour"))]
    );
    assert!(render_of(&parse("DeviceInfo | take 1").unwrap()).is_none());
}

fn small_tables() -> HuntingTables {
    let mut t = HuntingTables::new();
    t.add_table(
        "T",
        &[
            ("Timestamp", ColumnType::DateTime),
            ("S", ColumnType::String),
            ("N", ColumnType::Long),
            ("D", ColumnType::Dynamic),
        ],
        (0..20)
            .map(|i| {
                vec![
                    Value::datetime(now() - Duration::hours(i)),
                    Value::str(["a", "B", "a b", "", "ü"][i as usize % 5]),
                    if i % 7 == 0 {
                        Value::Null
                    } else {
                        Value::Long(i * 3 - 10)
                    },
                    Value::dynamic(serde_json::json!({"k": i, "l": [i, "x"]})),
                ]
            })
            .collect(),
    );
    t
}

/// Pieces real queries are made of, for the generator below.
const PIECES: &[&str] = &[
    "T",
    "|",
    "where",
    "project",
    "extend",
    "summarize",
    "by",
    "count()",
    "dcount(S)",
    "sort by",
    "top 3 by",
    "take 2",
    "distinct",
    "join",
    "kind=leftouter",
    "(T)",
    "on S",
    "union",
    "mv-expand",
    "render",
    "timechart",
    "S",
    "N",
    "D",
    "D.k",
    "D.l[0]",
    "==",
    "!=",
    "=~",
    "has",
    "!has",
    "contains",
    "in",
    "('a', 'b')",
    "between",
    "(1 .. 5)",
    "and",
    "or",
    "not(",
    ")",
    "(",
    ",",
    "=",
    "'a'",
    "\"x\"",
    "@'v'",
    "1",
    "-2",
    "1.5",
    "1d",
    "ago(1h)",
    "now()",
    "datetime(2026-12-01)",
    "dynamic([1])",
    "bin(Timestamp, 1h)",
    "tolower(S)",
    "strcat(S, 'x')",
    "iff(N > 1, 1, 2)",
    "case(N > 1, 'a', 'b')",
    "arg_max(N, *)",
    "make_set(S)",
    "let",
    "x",
    ";",
    "isempty(S)",
    "toint(N)",
    "extract('(a)', 1, S)",
    "split(S, ' ')",
    "parse_json(S)",
    "N / 0",
    "N * N",
    "-N",
    "[",
    "]",
    "*",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, .. ProptestConfig::default() })]

    /// Any text: parse answers, never panics.
    #[test]
    fn parse_never_panics(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    /// Queries made of real pieces: parse and run answer (a result or an error), never panic, and the
    /// error's position is inside the text.
    #[test]
    fn run_never_panics(picks in proptest::collection::vec(0..PIECES.len(), 1..24)) {
        let text = picks.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
        let tables = small_tables();
        match parse(&text) {
            Ok(q) => {
                if let Err(e) = run(&tables, &q, Timespan::last_30_days(now()), now()) {
                    prop_assert!(e.offset <= text.len() && e.line >= 1 && e.column >= 1, "{text}: {e:?}");
                }
            }
            Err(e) => prop_assert!(e.offset <= text.len() && e.line >= 1, "{text}: {e:?}"),
        }
    }

    /// What a query answers, written in either API's shape and read back, is the same result.
    #[test]
    fn results_round_trip(picks in proptest::collection::vec(0..PIECES.len(), 1..16)) {
        let text = format!("T | {}", picks.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" "));
        let tables = small_tables();
        if let Ok(q) = parse(&text) {
            if let Ok(mut result) = run(&tables, &q, Timespan::last_30_days(now()), now()) {
                result.render = None;
                let names: std::collections::HashSet<&str> = result.columns.iter().map(|c| c.name.as_str()).collect();
                prop_assume!(names.len() == result.columns.len());
                for body in [result.to_graph_json().to_string(), result.to_defender_json().to_string()] {
                    let back = HuntingResult::read(&body);
                    prop_assert_eq!(back.as_ref().ok(), Some(&result), "{}", text);
                }
            }
        }
    }
}

#[test]
fn answers_of_real_queries_round_trip() {
    let tables = small_tables();
    for text in [
        "T",
        "T | summarize count(), make_set(S), avg(N), arg_max(Timestamp, *) by S",
        "T | extend K = D.k, L = D.l, Hour = bin(Timestamp, 1h), Ago = now() - Timestamp | project-away D",
        "T | mv-expand D.l | project S, Item = D_l",
        "T | join kind=fullouter (T | where N > 5 | project S, M = N) on S | take 30",
        "T | summarize Ratio = todouble(countif(N > 0)) / count(), Any = take_any(S) by Day = bin(Timestamp, 1d)",
    ] {
        let q = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let result = run(&tables, &q, Timespan::last_30_days(now()), now()).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(!result.rows.is_empty(), "{text}");
        for body in [result.to_graph_json().to_string(), result.to_defender_json().to_string()] {
            assert_eq!(HuntingResult::read(&body).as_ref(), Ok(&result), "{text}");
        }
    }
}
