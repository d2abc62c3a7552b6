//! Exports of a result as CSV: UTF-8 with a byte-order mark (so spreadsheets read it as UTF-8), RFC 4180
//! quoting, nested values as JSON text, and text that a spreadsheet would run as a formula (`=`, `+`, `-`,
//! `@`, tab, carriage return first) made inert with a leading `'`, as OWASP advises for CSV injection.

use serde_json::Value as Json;

use crate::hunting::{datetime_text, timespan_text, HuntingResult, Value};

/// The byte-order mark every CSV export starts with.
pub const BOM: char = '\u{feff}';

/// One CSV field from a text cell (`text`) or a typed one (`typed`: a number, a boolean, a time).
fn field(text: &str, typed: bool) -> String {
    let inert = if !typed && text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if inert.contains([',', '"', '\n', '\r']) || inert.starts_with(' ') || inert.ends_with(' ') {
        format!("\"{}\"", inert.replace('"', "\"\""))
    } else {
        inert
    }
}

fn line(out: &mut String, cells: impl Iterator<Item = String>) {
    let cells: Vec<String> = cells.collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// Entities as the API sent them (cards), one row each: the columns are every top-level property, `id`
/// first and the rest by name, nested objects and arrays as compact JSON.
pub fn entities_csv(items: &[Json]) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for item in items {
        if let Json::Object(map) = item {
            for key in map.keys() {
                if !columns.contains(&key.as_str()) {
                    columns.push(key);
                }
            }
        }
    }
    columns.sort_by_key(|c| (*c != "id", *c));
    let mut out = String::from(BOM);
    line(&mut out, columns.iter().map(|c| field(c, false)));
    for item in items {
        line(
            &mut out,
            columns.iter().map(|c| match item.get(*c) {
                None | Some(Json::Null) => String::new(),
                Some(Json::String(s)) => field(s, false),
                Some(Json::Number(n)) => field(&n.to_string(), true),
                Some(Json::Bool(b)) => field(&b.to_string(), true),
                Some(nested) => field(&nested.to_string(), false),
            }),
        );
    }
    out
}

/// A hunting result, its columns in order: datetimes in ISO 8601 UTC, dynamic values as JSON text.
pub fn hunting_csv(result: &HuntingResult) -> String {
    let mut out = String::from(BOM);
    line(
        &mut out,
        result.columns.iter().map(|c| field(&c.name, false)),
    );
    for row in &result.rows {
        line(
            &mut out,
            row.iter().map(|v| match v {
                Value::Null => String::new(),
                Value::Bool(b) => field(&b.to_string(), true),
                Value::Int(n) => field(&n.to_string(), true),
                Value::Long(n) => field(&n.to_string(), true),
                Value::Real(x) => field(&x.to_string(), true),
                Value::DateTime(t) => field(&datetime_text(*t), true),
                Value::Timespan(t) => field(&timespan_text(*t), true),
                Value::Str(s) => field(s, false),
                Value::Dynamic(d) => field(&d.to_string(), false),
            }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entities_become_rows_with_every_property_and_nested_json() {
        let items = vec![
            json!({"id": "a1", "severity": "High", "machine": {"id": "m", "name": "x,y"}}),
            json!({"id": "a2", "count": 3, "tags": ["p", "q"], "note": "said \"hi\"\nthen left"}),
        ];
        let csv = entities_csv(&items);
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "id,count,machine,note,severity,tags");
        assert_eq!(lines[1], r#"a1,,"{""id"":""m"",""name"":""x,y""}",,High,"#);
        // A line break inside a field stays inside its quotes; rows end with CRLF.
        assert_eq!(
            lines[2],
            "a2,3,,\"said \"\"hi\"\"\nthen left\",,\"[\"\"p\"\",\"\"q\"\"]\""
        );
    }

    #[test]
    fn formulas_are_inert_and_numbers_stay_numbers() {
        let items = vec![
            json!({"a": "=HYPERLINK(\"http://x\")", "b": -5, "c": "-5", "d": "@SUM(A1)", "e": " padded "}),
        ];
        let csv = entities_csv(&items);
        let row = csv.split("\r\n").nth(1).unwrap();
        assert_eq!(
            row,
            r#""'=HYPERLINK(""http://x"")",-5,'-5,'@SUM(A1)," padded ""#
        );
    }

    #[test]
    fn a_hunting_result_keeps_its_column_order_and_types() {
        use crate::hunting::{ColumnType, ResultColumn};
        let result = HuntingResult {
            columns: vec![
                ResultColumn {
                    name: "Timestamp".into(),
                    ty: ColumnType::DateTime,
                },
                ResultColumn {
                    name: "FileName".into(),
                    ty: ColumnType::String,
                },
                ResultColumn {
                    name: "n".into(),
                    ty: ColumnType::Long,
                },
                ResultColumn {
                    name: "d".into(),
                    ty: ColumnType::Dynamic,
                },
            ],
            rows: vec![vec![
                Value::DateTime(0),
                Value::str("+cmd.exe"),
                Value::Long(-2),
                Value::dynamic(json!({"k": [1]})),
            ]],
            render: None,
            truncated: false,
        };
        let csv = hunting_csv(&result);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Timestamp,FileName,n,d");
        assert!(lines[1].starts_with("1970-01-01T00:00:00"), "{}", lines[1]);
        assert!(
            lines[1].ends_with(r#",'+cmd.exe,-2,"{""k"":[1]}""#),
            "{}",
            lines[1]
        );
    }
}
