//! Writing JSON members in the order the API writes them, whatever order the map holds them in.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

/// An entity as serde writes it, as a map of its members.
pub(super) fn to_map<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// `"key":value`.
pub(super) fn push_pair(out: &mut String, key: &str, value: &Value) {
    let _ = write!(out, "{}:{}", Value::String(key.to_string()), value);
}

/// Writes `fields` of `map` in that order (only the selected ones).
pub(super) fn write_object(
    out: &mut String,
    map: &Map<String, Value>,
    fields: &[&str],
    select: Option<&[String]>,
) {
    write_object_with(out, map, fields, select, &[]);
}

/// Writes `fields` of `map` in that order (only the selected ones), then the already-written expansions.
pub(super) fn write_object_with(
    out: &mut String,
    map: &Map<String, Value>,
    fields: &[&str],
    select: Option<&[String]>,
    expanded: &[(&str, String)],
) {
    out.push('{');
    let mut first = true;
    for field in fields {
        if select.is_some_and(|s| !s.iter().any(|x| x == field)) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        push_pair(out, field, map.get(*field).unwrap_or(&Value::Null));
    }
    for (key, json) in expanded {
        if !first {
            out.push(',');
        }
        first = false;
        let _ = write!(out, "{}:{json}", Value::String(key.to_string()));
    }
    out.push('}');
}
