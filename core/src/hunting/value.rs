//! Values of a hunting result: KQL's scalar types, datetimes and timespans in .NET's 100 ns ticks,
//! strings shared (a demo table's strings are interned once and cloned by reference).

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::lexer::TICKS_PER_SECOND;
use super::schema::ColumnType;
use crate::model::Timestamp;

/// One cell of a hunting result.
#[derive(Clone, Debug)]
pub enum Value {
    /// KQL's null (an empty cell of a non-string column).
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    /// 100 ns ticks since 1970-01-01 UTC.
    DateTime(i64),
    /// 100 ns ticks.
    Timespan(i64),
    /// A string (also a guid column's value).
    Str(Arc<str>),
    Dynamic(Arc<serde_json::Value>),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    pub fn dynamic(v: serde_json::Value) -> Value {
        Value::Dynamic(Arc::new(v))
    }

    /// A datetime value from chrono.
    pub fn datetime(t: DateTime<Utc>) -> Value {
        Value::DateTime(ticks_of(t))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// KQL's `isempty`: null or the empty string.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Str(s) => s.is_empty(),
            Value::Dynamic(d) => d.is_null() || d.as_str() == Some(""),
            _ => false,
        }
    }

    /// The chrono time of a datetime value.
    pub fn as_datetime(&self) -> Option<DateTime<Utc>> {
        match self {
            Value::DateTime(t) => datetime_of(*t),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A number as f64 (ints, longs, reals).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(f64::from(*n)),
            Value::Long(n) => Some(*n as f64),
            Value::Real(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(i64::from(*n)),
            Value::Long(n) => Some(*n),
            _ => None,
        }
    }

    /// The type KQL gives this value (`Null` has none).
    pub fn column_type(&self) -> Option<ColumnType> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => ColumnType::Bool,
            Value::Int(_) => ColumnType::Int,
            Value::Long(_) => ColumnType::Long,
            Value::Real(_) => ColumnType::Real,
            Value::DateTime(_) => ColumnType::DateTime,
            Value::Timespan(_) => ColumnType::Timespan,
            Value::Str(_) => ColumnType::String,
            Value::Dynamic(_) => ColumnType::Dynamic,
        })
    }

    /// The value as KQL's `tostring` writes it (null is the empty string).
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => if *b { "true" } else { "false" }.into(),
            Value::Int(n) => n.to_string(),
            Value::Long(n) => n.to_string(),
            Value::Real(n) => real_text(*n),
            Value::DateTime(t) => datetime_text(*t),
            Value::Timespan(t) => timespan_text(*t),
            Value::Str(s) => s.to_string(),
            Value::Dynamic(d) => match &**d {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            },
        }
    }

    /// The value as the hunting APIs write it in `results`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(n) => J::from(*n),
            Value::Long(n) => J::from(*n),
            Value::Real(n) => serde_json::Number::from_f64(*n)
                .map(J::Number)
                .unwrap_or_else(|| J::String(real_text(*n))),
            Value::DateTime(t) => J::String(datetime_text(*t)),
            Value::Timespan(t) => J::String(timespan_text(*t)),
            Value::Str(s) => J::String(s.to_string()),
            Value::Dynamic(d) => (**d).clone(),
        }
    }

    /// The value as dynamic (JSON), for `make_set`, `pack_array` and property access.
    pub(crate) fn to_dynamic(&self) -> serde_json::Value {
        match self {
            Value::Dynamic(d) => (**d).clone(),
            other => other.to_json(),
        }
    }

    /// A dynamic value's JSON turned back into a KQL value (numbers, bools, strings; the rest stays
    /// dynamic).
    pub(crate) fn from_dynamic(v: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match v {
            J::Null => Value::Null,
            _ => Value::Dynamic(Arc::new(v.clone())),
        }
    }

    /// KQL's ordering for `sort`, `min`, `max`: numbers together, then by type. Nulls are handled by
    /// the caller.
    pub fn compare(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Less,
            (_, Value::Null) => Ordering::Greater,
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::DateTime(a), Value::DateTime(b)) | (Value::Timespan(a), Value::Timespan(b)) => {
                a.cmp(b)
            }
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Long(a), Value::Long(b)) => a.cmp(b),
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a
                    .rank()
                    .cmp(&b.rank())
                    .then_with(|| a.to_text().cmp(&b.to_text())),
            },
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Int(_) | Value::Long(_) | Value::Real(_) => 2,
            Value::DateTime(_) => 3,
            Value::Timespan(_) => 4,
            Value::Str(_) => 5,
            Value::Dynamic(_) => 6,
        }
    }
}

/// Equality as grouping sees it: same type and value (NaN equals NaN; 1 and 1.0 are equal numbers).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::DateTime(a), Value::DateTime(b)) => a == b,
            (Value::Timespan(a), Value::Timespan(b)) => a == b,
            (Value::Dynamic(a), Value::Dynamic(b)) => a == b,
            (Value::Real(a), Value::Real(b)) => a.to_bits() == b.to_bits() || a == b,
            (a, b) => match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => x == y,
                _ => match (a.as_f64(), b.as_f64()) {
                    (Some(x), Some(y)) => x == y,
                    _ => false,
                },
            },
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Value::Null => 0u8.hash(state),
            Value::Bool(b) => b.hash(state),
            Value::Int(n) => (i64::from(*n)).hash(state),
            Value::Long(n) => n.hash(state),
            Value::Real(n) => {
                if n.fract() == 0.0 && n.abs() < 9e15 {
                    (*n as i64).hash(state)
                } else {
                    n.to_bits().hash(state)
                }
            }
            Value::DateTime(t) => (7u8, t).hash(state),
            Value::Timespan(t) => (8u8, t).hash(state),
            Value::Str(s) => s.hash(state),
            Value::Dynamic(d) => d.to_string().hash(state),
        }
    }
}

/// Ticks since the Unix epoch of a chrono time.
pub fn ticks_of(t: DateTime<Utc>) -> i64 {
    t.timestamp()
        .saturating_mul(TICKS_PER_SECOND)
        .saturating_add(i64::from(t.timestamp_subsec_nanos() / 100))
}

/// The chrono time of ticks since the Unix epoch (`None` out of chrono's range).
pub fn datetime_of(ticks: i64) -> Option<DateTime<Utc>> {
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let nanos = (ticks.rem_euclid(TICKS_PER_SECOND) * 100) as u32;
    Utc.timestamp_opt(secs, nanos).single()
}

/// A datetime as the hunting APIs write it: `2024-03-26T09:39:50.7688641Z`.
pub fn datetime_text(ticks: i64) -> String {
    match datetime_of(ticks).filter(|t| (0..=9999).contains(&chrono::Datelike::year(t))) {
        Some(t) => Timestamp(t).to_string(),
        None => String::new(),
    }
}

/// A timespan as .NET writes it: `[-][d.]hh:mm:ss[.fffffff]`.
pub fn timespan_text(ticks: i64) -> String {
    let neg = ticks < 0;
    let t = ticks.unsigned_abs();
    let tps = TICKS_PER_SECOND as u64;
    let frac = t % tps;
    let secs = t / tps;
    let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if d > 0 {
        out.push_str(&format!("{d}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac > 0 {
        out.push_str(&format!(".{frac:07}"));
    }
    out
}

fn real_text(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        n.to_string()
    }
}

/// A datetime's text as `datetime(…)` and `todatetime` read it: ISO 8601 with or without `T`, zone
/// and fraction, or a date alone. Times without a zone are UTC.
pub fn parse_datetime_text(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(ticks_of(t.with_timezone(&Utc)));
    }
    let body = text.strip_suffix('Z').unwrap_or(text);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S%.f",
        "%m/%d/%Y %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(body, format) {
            return Some(ticks_of(t.and_utc()));
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(body, format) {
            return d.and_hms_opt(0, 0, 0).map(|t| ticks_of(t.and_utc()));
        }
    }
    None
}
