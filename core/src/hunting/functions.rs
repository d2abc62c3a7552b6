//! KQL's scalar functions the engine knows: resolved by name and argument count when a query is
//! compiled, then called per row.

use std::sync::Arc;

use base64::Engine as _;

use super::error::{KqlError, Span};
use super::lexer::TICKS_PER_SECOND;
use super::parser::{parse_dynamic_text, parse_timespan_text};
use super::schema::ColumnType;
use super::value::{parse_datetime_text, ticks_of, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    ToLower,
    ToUpper,
    Strlen,
    Substring,
    Strcat,
    StrcatDelim,
    Split,
    ToString,
    ToInt,
    ToLong,
    ToReal,
    ToDateTime,
    ToTimespan,
    ToBool,
    Iff,
    Case,
    IsEmpty,
    IsNotEmpty,
    IsNull,
    IsNotNull,
    ParseJson,
    Bin,
    Coalesce,
    Not,
    ArrayLength,
    ReplaceString,
    IndexOf,
    Ipv4IsPrivate,
    PackArray,
    BagPack,
    SetHasElement,
    Base64Decode,
    Abs,
    Round,
    MinOf,
    MaxOf,
    StartOfDay,
    HourOfDay,
    DayOfWeek,
    FormatDatetime,
    DatetimeDiff,
    Trim,
    Reverse,
    Countof,
}

/// Names of aggregations (refused outside `summarize`).
pub(crate) const AGGREGATES: &[&str] = &[
    "count",
    "countif",
    "dcount",
    "dcountif",
    "min",
    "max",
    "minif",
    "maxif",
    "sum",
    "sumif",
    "avg",
    "avgif",
    "make_set",
    "make_list",
    "make_set_if",
    "make_list_if",
    "arg_max",
    "arg_min",
    "any",
    "take_any",
    "makeset",
    "makelist",
];

/// Functions of KQL that are refused by name, with a clear message.
const KNOWN_UNSUPPORTED: &[&str] = &[
    "toscalar",
    "column_ifexists",
    "parse_url",
    "parse_path",
    "parse_command_line",
    "geo_info_from_ip_address",
    "percentile",
    "percentiles",
    "stdev",
    "variance",
    "hll",
    "tdigest",
    "make_bag",
    "bag_keys",
    "bag_merge",
    "array_concat",
    "array_slice",
    "array_index_of",
    "series_stats",
    "ipv4_is_match",
    "ipv4_is_in_range",
    "ipv6_compare",
    "hash",
    "hash_sha256",
    "hash_md5",
    "url_decode",
    "url_encode",
    "extract_all",
    "replace_regex",
    "datetime_add",
    "datetime_part",
    "format_timespan",
    "startofweek",
    "startofmonth",
    "endofday",
    "todecimal_",
    "gettype",
    "typeof",
    "rand",
    "row_number",
    "prev",
    "next",
    "strcmp",
    "tohex",
    "unixtime_seconds_todatetime",
];

impl Func {
    /// The function `name` with `argc` arguments, and its result type given the arguments' types.
    pub fn resolve(
        name: &str,
        args: &[ColumnType],
        span: Span,
    ) -> Result<(Func, ColumnType), KqlError> {
        use ColumnType as T;
        let n = args.len();
        let arity = |min: usize, max: usize| -> Result<(), KqlError> {
            if n < min || n > max {
                let want = if min == max {
                    format!("{min}")
                } else if max == usize::MAX {
                    format!("at least {min}")
                } else {
                    format!("{min} to {max}")
                };
                return Err(KqlError::at(
                    span,
                    format!("{name}() takes {want} argument(s), {n} given"),
                ));
            }
            Ok(())
        };
        let first = args.first().copied().unwrap_or(T::String);
        let (f, ty) = match name {
            "tolower" => (Func::ToLower, T::String, arity(1, 1)?).into2(),
            "toupper" => (Func::ToUpper, T::String, arity(1, 1)?).into2(),
            "strlen" => (Func::Strlen, T::Long, arity(1, 1)?).into2(),
            "substring" => (Func::Substring, T::String, arity(2, 3)?).into2(),
            "strcat" => (Func::Strcat, T::String, arity(1, 64)?).into2(),
            "strcat_delim" => (Func::StrcatDelim, T::String, arity(3, 64)?).into2(),
            "split" => (Func::Split, T::Dynamic, arity(2, 3)?).into2(),
            "tostring" => (Func::ToString, T::String, arity(1, 1)?).into2(),
            "toint" => (Func::ToInt, T::Int, arity(1, 1)?).into2(),
            "tolong" => (Func::ToLong, T::Long, arity(1, 1)?).into2(),
            "todouble" | "toreal" | "todecimal" => (Func::ToReal, T::Real, arity(1, 1)?).into2(),
            "todatetime" => (Func::ToDateTime, T::DateTime, arity(1, 1)?).into2(),
            "totimespan" | "totime" => (Func::ToTimespan, T::Timespan, arity(1, 1)?).into2(),
            "tobool" | "toboolean" => (Func::ToBool, T::Bool, arity(1, 1)?).into2(),
            "iff" | "iif" => {
                arity(3, 3)?;
                (Func::Iff, args[1])
            }
            "case" => {
                arity(3, 255)?;
                if n.is_multiple_of(2) {
                    return Err(KqlError::at(span, "case() takes pairs of condition and value, then the value else"));
                }
                (Func::Case, args[1])
            }
            "isempty" => (Func::IsEmpty, T::Bool, arity(1, 1)?).into2(),
            "isnotempty" => (Func::IsNotEmpty, T::Bool, arity(1, 1)?).into2(),
            "isnull" => (Func::IsNull, T::Bool, arity(1, 1)?).into2(),
            "isnotnull" => (Func::IsNotNull, T::Bool, arity(1, 1)?).into2(),
            "parse_json" | "todynamic" | "parsejson" => (Func::ParseJson, T::Dynamic, arity(1, 1)?).into2(),
            "bin" | "floor" => {
                arity(2, 2)?;
                (Func::Bin, first)
            }
            "coalesce" => {
                arity(2, 64)?;
                (Func::Coalesce, first)
            }
            "not" => (Func::Not, T::Bool, arity(1, 1)?).into2(),
            "array_length" => (Func::ArrayLength, T::Long, arity(1, 1)?).into2(),
            "replace_string" => (Func::ReplaceString, T::String, arity(3, 3)?).into2(),
            "indexof" => (Func::IndexOf, T::Long, arity(2, 2)?).into2(),
            "ipv4_is_private" => (Func::Ipv4IsPrivate, T::Bool, arity(1, 1)?).into2(),
            "pack_array" => (Func::PackArray, T::Dynamic, arity(1, 64)?).into2(),
            "bag_pack" | "pack" => {
                arity(2, 64)?;
                if n % 2 == 1 {
                    return Err(KqlError::at(span, format!("{name}() takes pairs of key and value")));
                }
                (Func::BagPack, T::Dynamic)
            }
            "set_has_element" => (Func::SetHasElement, T::Bool, arity(2, 2)?).into2(),
            "base64_decode_tostring" | "base64_decodestring" => {
                (Func::Base64Decode, T::String, arity(1, 1)?).into2()
            }
            "abs" => {
                arity(1, 1)?;
                (Func::Abs, first)
            }
            "round" => (Func::Round, T::Real, arity(1, 2)?).into2(),
            "min_of" => {
                arity(2, 64)?;
                (Func::MinOf, first)
            }
            "max_of" => {
                arity(2, 64)?;
                (Func::MaxOf, first)
            }
            "startofday" => (Func::StartOfDay, T::DateTime, arity(1, 1)?).into2(),
            "hourofday" => (Func::HourOfDay, T::Int, arity(1, 1)?).into2(),
            "dayofweek" => (Func::DayOfWeek, T::Timespan, arity(1, 1)?).into2(),
            "format_datetime" => (Func::FormatDatetime, T::String, arity(2, 2)?).into2(),
            "datetime_diff" => (Func::DatetimeDiff, T::Long, arity(3, 3)?).into2(),
            "trim" => (Func::Trim, T::String, arity(2, 2)?).into2(),
            "reverse" => (Func::Reverse, T::String, arity(1, 1)?).into2(),
            "countof" => (Func::Countof, T::Long, arity(2, 2)?).into2(),
            other if AGGREGATES.contains(&other) => {
                return Err(KqlError::at(
                    span,
                    format!("'{other}' is an aggregation: use it in summarize (… | summarize {other}(…) by …)"),
                ))
            }
            other if KNOWN_UNSUPPORTED.contains(&other) => {
                return Err(KqlError::unsupported(span, &format!("the function {other}()")))
            }
            other => {
                return Err(KqlError::at(
                    span,
                    format!("'{other}' is not a function this engine knows (see the KQL it supports)"),
                ))
            }
        };
        Ok((f, ty))
    }

    pub fn call(self, a: &[Value]) -> Value {
        let text = |i: usize| a.get(i).map(Value::to_text).unwrap_or_default();
        let long = |i: usize| a.get(i).and_then(to_long);
        match self {
            Func::ToLower => Value::str(&text(0).to_lowercase()),
            Func::ToUpper => Value::str(&text(0).to_uppercase()),
            Func::Strlen => Value::Long(text(0).chars().count() as i64),
            Func::Substring => {
                let s = text(0);
                let start = long(1).unwrap_or(0).max(0) as usize;
                let chars = s.chars().skip(start);
                let out: String = match a.get(2).map(to_long) {
                    Some(Some(len)) => chars.take(len.max(0) as usize).collect(),
                    _ => chars.collect(),
                };
                Value::str(&out)
            }
            Func::Strcat => Value::str(&a.iter().map(Value::to_text).collect::<String>()),
            Func::StrcatDelim => {
                let d = text(0);
                Value::str(
                    &a[1..]
                        .iter()
                        .map(Value::to_text)
                        .collect::<Vec<_>>()
                        .join(&d),
                )
            }
            Func::Split => {
                let s = text(0);
                let d = text(1);
                let parts: Vec<serde_json::Value> = if d.is_empty() {
                    vec![serde_json::Value::String(s.clone())]
                } else {
                    s.split(d.as_str())
                        .map(|p| serde_json::Value::String(p.into()))
                        .collect()
                };
                match a.get(2).map(to_long) {
                    Some(Some(i)) => match usize::try_from(i).ok().and_then(|i| parts.get(i)) {
                        Some(p) => Value::dynamic(serde_json::Value::Array(vec![p.clone()])),
                        None => Value::dynamic(serde_json::Value::Array(vec![])),
                    },
                    Some(None) => Value::Null,
                    None => Value::dynamic(serde_json::Value::Array(parts)),
                }
            }
            Func::ToString => match &a[0] {
                Value::Null => Value::str(""),
                Value::Str(s) => Value::Str(s.clone()),
                other => Value::str(&other.to_text()),
            },
            Func::ToInt => long(0)
                .and_then(|n| i32::try_from(n).ok())
                .map_or(Value::Null, Value::Int),
            Func::ToLong => long(0).map_or(Value::Null, Value::Long),
            Func::ToReal => to_real(&a[0]).map_or(Value::Null, Value::Real),
            Func::ToDateTime => match &a[0] {
                Value::DateTime(t) => Value::DateTime(*t),
                v => parse_datetime_text(&v.to_text()).map_or(Value::Null, Value::DateTime),
            },
            Func::ToTimespan => match &a[0] {
                Value::Timespan(t) => Value::Timespan(*t),
                v => parse_timespan_text(&v.to_text()).map_or(Value::Null, Value::Timespan),
            },
            Func::ToBool => match &a[0] {
                Value::Bool(b) => Value::Bool(*b),
                Value::Int(n) => Value::Bool(*n != 0),
                Value::Long(n) => Value::Bool(*n != 0),
                v => match v.to_text().to_ascii_lowercase().as_str() {
                    "true" | "1" => Value::Bool(true),
                    "false" | "0" => Value::Bool(false),
                    _ => Value::Null,
                },
            },
            Func::Iff => {
                if truthy(&a[0]) {
                    a[1].clone()
                } else {
                    a[2].clone()
                }
            }
            Func::Case => {
                let mut i = 0;
                while i + 1 < a.len() {
                    if truthy(&a[i]) {
                        return a[i + 1].clone();
                    }
                    i += 2;
                }
                a.last().cloned().unwrap_or(Value::Null)
            }
            Func::IsEmpty => Value::Bool(a[0].is_empty()),
            Func::IsNotEmpty => Value::Bool(!a[0].is_empty()),
            Func::IsNull => {
                Value::Bool(a[0].is_null() || matches!(&a[0], Value::Dynamic(d) if d.is_null()))
            }
            Func::IsNotNull => {
                Value::Bool(!(a[0].is_null() || matches!(&a[0], Value::Dynamic(d) if d.is_null())))
            }
            Func::ParseJson => match &a[0] {
                Value::Dynamic(d) => Value::Dynamic(d.clone()),
                Value::Str(s) => match serde_json::from_str::<serde_json::Value>(s) {
                    Ok(v) => Value::dynamic(v),
                    Err(_) => Value::dynamic(serde_json::Value::String(s.to_string())),
                },
                Value::Null => Value::Null,
                other => Value::dynamic(other.to_json()),
            },
            Func::Bin => bin(&a[0], &a[1]),
            Func::Coalesce => a
                .iter()
                .find(|v| !v.is_null() && !matches!(v, Value::Str(s) if s.is_empty()))
                .cloned()
                .unwrap_or_else(|| a[0].clone()),
            Func::Not => match &a[0] {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Null,
            },
            Func::ArrayLength => match &a[0] {
                Value::Dynamic(d) => d
                    .as_array()
                    .map_or(Value::Null, |arr| Value::Long(arr.len() as i64)),
                _ => Value::Null,
            },
            Func::ReplaceString => Value::str(&{
                let (s, from, to) = (text(0), text(1), text(2));
                if from.is_empty() {
                    s
                } else {
                    s.replace(&from, &to)
                }
            }),
            Func::IndexOf => {
                let (s, needle) = (text(0), text(1));
                Value::Long(
                    s.find(&needle)
                        .map_or(-1, |byte| s[..byte].chars().count() as i64),
                )
            }
            Func::Ipv4IsPrivate => match text(0)
                .split('/')
                .next()
                .unwrap_or("")
                .parse::<std::net::Ipv4Addr>()
            {
                Ok(ip) => Value::Bool(ip.is_private()),
                Err(_) => Value::Null,
            },
            Func::PackArray => Value::dynamic(serde_json::Value::Array(
                a.iter().map(Value::to_dynamic).collect(),
            )),
            Func::BagPack => {
                let mut map = serde_json::Map::new();
                for pair in a.chunks(2) {
                    if let [k, v] = pair {
                        map.insert(k.to_text(), v.to_dynamic());
                    }
                }
                Value::dynamic(serde_json::Value::Object(map))
            }
            Func::SetHasElement => match &a[0] {
                Value::Dynamic(d) => match d.as_array() {
                    Some(arr) => {
                        let want = a[1].to_dynamic();
                        Value::Bool(arr.contains(&want))
                    }
                    None => Value::Null,
                },
                _ => Value::Null,
            },
            Func::Base64Decode => base64::engine::general_purpose::STANDARD
                .decode(text(0).trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .map_or(Value::Null, |s| Value::str(&s)),
            Func::Abs => match &a[0] {
                Value::Int(n) => Value::Int(n.wrapping_abs()),
                Value::Long(n) => Value::Long(n.wrapping_abs()),
                Value::Real(n) => Value::Real(n.abs()),
                Value::Timespan(n) => Value::Timespan(n.wrapping_abs()),
                _ => Value::Null,
            },
            Func::Round => match (to_real(&a[0]), a.get(1).map_or(Some(0), to_long)) {
                (Some(x), Some(d)) => {
                    let p = 10f64.powi(d.clamp(-15, 15) as i32);
                    Value::Real((x * p).round() / p)
                }
                _ => Value::Null,
            },
            Func::MinOf => a
                .iter()
                .filter(|v| !v.is_null())
                .min_by(|x, y| x.compare(y))
                .cloned()
                .unwrap_or(Value::Null),
            Func::MaxOf => a
                .iter()
                .filter(|v| !v.is_null())
                .max_by(|x, y| x.compare(y))
                .cloned()
                .unwrap_or(Value::Null),
            Func::StartOfDay => match &a[0] {
                Value::DateTime(t) => Value::DateTime(t - t.rem_euclid(86_400 * TICKS_PER_SECOND)),
                _ => Value::Null,
            },
            Func::HourOfDay => match &a[0] {
                Value::DateTime(t) => Value::Int(
                    (t.rem_euclid(86_400 * TICKS_PER_SECOND) / (3_600 * TICKS_PER_SECOND)) as i32,
                ),
                _ => Value::Null,
            },
            Func::DayOfWeek => match &a[0] {
                // 1970-01-01 was a Thursday; KQL counts days since Sunday.
                Value::DateTime(t) => {
                    let day = t.div_euclid(86_400 * TICKS_PER_SECOND);
                    Value::Timespan((day + 4).rem_euclid(7) * 86_400 * TICKS_PER_SECOND)
                }
                _ => Value::Null,
            },
            Func::FormatDatetime => match a[0].as_datetime() {
                Some(t) => Value::str(&format_datetime(t, &text(1))),
                None => Value::Null,
            },
            Func::DatetimeDiff => match (&a[1], &a[2]) {
                (Value::DateTime(x), Value::DateTime(y)) => datetime_diff(&text(0), *x, *y),
                _ => Value::Null,
            },
            Func::Trim => {
                // trim(regex, s): only literal characters are honoured (the demo's regex-free trim).
                let (pattern, s) = (text(0), text(1));
                let set: Vec<char> = pattern
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .replace("\\s", " \t\r\n")
                    .chars()
                    .collect();
                Value::str(s.trim_matches(|c| set.contains(&c)))
            }
            Func::Reverse => Value::str(&text(0).chars().rev().collect::<String>()),
            Func::Countof => {
                let (s, needle) = (text(0), text(1));
                Value::Long(if needle.is_empty() {
                    0
                } else {
                    s.matches(&needle).count() as i64
                })
            }
        }
    }
}

trait Into2 {
    fn into2(self) -> (Func, ColumnType);
}

impl Into2 for (Func, ColumnType, ()) {
    fn into2(self) -> (Func, ColumnType) {
        (self.0, self.1)
    }
}

pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Dynamic(d) => d.as_bool() == Some(true),
        _ => false,
    }
}

pub(crate) fn to_long(v: &Value) -> Option<i64> {
    match v {
        Value::Int(n) => Some(i64::from(*n)),
        Value::Long(n) => Some(*n),
        Value::Real(n) if n.is_finite() => Some(n.trunc() as i64),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::DateTime(t) | Value::Timespan(t) => Some(*t),
        Value::Str(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| f.trunc() as i64)
            })
        }
        Value::Dynamic(d) => match &**d {
            serde_json::Value::Number(n) => {
                n.as_i64().or_else(|| n.as_f64().map(|f| f.trunc() as i64))
            }
            serde_json::Value::String(s) => s.trim().parse().ok(),
            serde_json::Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn to_real(v: &Value) -> Option<f64> {
    match v {
        Value::Real(n) => Some(*n),
        Value::Int(n) => Some(f64::from(*n)),
        Value::Long(n) => Some(*n as f64),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Str(s) => s.trim().parse().ok(),
        Value::Dynamic(d) => match &**d {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// `bin(x, step)`: numbers, datetimes (by a timespan) and timespans rounded down to a multiple.
pub(crate) fn bin(v: &Value, step: &Value) -> Value {
    match (v, step) {
        (Value::DateTime(t), Value::Timespan(s)) | (Value::Timespan(t), Value::Timespan(s))
            if *s > 0 =>
        {
            let b = t - t.rem_euclid(*s);
            if matches!(v, Value::DateTime(_)) {
                Value::DateTime(b)
            } else {
                Value::Timespan(b)
            }
        }
        (Value::Long(_) | Value::Int(_), s) if s.as_i64().is_some_and(|s| s > 0) => {
            let n = v.as_i64().unwrap_or(0);
            let s = s.as_i64().unwrap_or(1);
            let b = n - n.rem_euclid(s);
            if matches!(v, Value::Int(_)) {
                i32::try_from(b).map_or(Value::Null, Value::Int)
            } else {
                Value::Long(b)
            }
        }
        (x, s) => match (to_real(x), to_real(s)) {
            (Some(x), Some(s)) if s > 0.0 && !matches!(x_type(v), Some(ColumnType::DateTime)) => {
                Value::Real((x / s).floor() * s)
            }
            _ => Value::Null,
        },
    }
}

fn x_type(v: &Value) -> Option<ColumnType> {
    v.column_type()
}

/// `format_datetime` with .NET's format letters (yyyy MM dd HH hh mm ss fff tt).
fn format_datetime(t: chrono::DateTime<chrono::Utc>, f: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = f.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut n = 1;
        while i + n < chars.len() && chars[i + n] == c {
            n += 1;
        }
        let piece = match (c, n) {
            ('y', 4) => t.format("%Y").to_string(),
            ('y', 2) => t.format("%y").to_string(),
            ('M', 2) => t.format("%m").to_string(),
            ('M', 1) => t.format("%-m").to_string(),
            ('d', 2) => t.format("%d").to_string(),
            ('d', 1) => t.format("%-d").to_string(),
            ('H', 2) => t.format("%H").to_string(),
            ('H', 1) => t.format("%-H").to_string(),
            ('h', 2) => t.format("%I").to_string(),
            ('h', 1) => t.format("%-I").to_string(),
            ('m', 2) => t.format("%M").to_string(),
            ('m', 1) => t.format("%-M").to_string(),
            ('s', 2) => t.format("%S").to_string(),
            ('s', 1) => t.format("%-S").to_string(),
            ('f', k) if k <= 7 => {
                let ticks = ticks_of(t).rem_euclid(TICKS_PER_SECOND);
                format!("{ticks:07}")[..k].to_string()
            }
            ('t', 2) => t.format("%p").to_string(),
            _ => std::iter::repeat_n(c, n).collect(),
        };
        out.push_str(&piece);
        i += n;
    }
    out
}

fn datetime_diff(part: &str, a: i64, b: i64) -> Value {
    let unit = match part.to_ascii_lowercase().as_str() {
        "day" | "days" => 86_400 * TICKS_PER_SECOND,
        "hour" | "hours" => 3_600 * TICKS_PER_SECOND,
        "minute" | "minutes" => 60 * TICKS_PER_SECOND,
        "second" | "seconds" => TICKS_PER_SECOND,
        "millisecond" | "milliseconds" => TICKS_PER_SECOND / 1000,
        "week" | "weeks" => 7 * 86_400 * TICKS_PER_SECOND,
        _ => return Value::Null,
    };
    Value::Long(a.div_euclid(unit) - b.div_euclid(unit))
}

/// A value converted to a column's type where KQL converts (numbers across widths, text into strings).
pub(crate) fn convert(v: Value, ty: ColumnType) -> Value {
    match (ty, v) {
        (_, Value::Null) => Value::Null,
        (ColumnType::String | ColumnType::Guid, Value::Str(s)) => Value::Str(s),
        (ColumnType::String | ColumnType::Guid, v) => Value::str(&v.to_text()),
        (ColumnType::Long, v @ Value::Long(_)) => v,
        (ColumnType::Long, v) => to_long(&v).map_or(Value::Null, Value::Long),
        (ColumnType::Int, v @ Value::Int(_)) => v,
        (ColumnType::Int, v) => to_long(&v)
            .and_then(|n| i32::try_from(n).ok())
            .map_or(Value::Null, Value::Int),
        (ColumnType::Real, v) => to_real(&v).map_or(Value::Null, Value::Real),
        (ColumnType::Bool, v @ Value::Bool(_)) => v,
        (ColumnType::Bool, v) => Func::ToBool.call(&[v]),
        (ColumnType::DateTime, v @ Value::DateTime(_)) => v,
        (ColumnType::DateTime, v) => Func::ToDateTime.call(&[v]),
        (ColumnType::Timespan, v @ Value::Timespan(_)) => v,
        (ColumnType::Timespan, v) => Func::ToTimespan.call(&[v]),
        (ColumnType::Dynamic, v @ Value::Dynamic(_)) => v,
        (ColumnType::Dynamic, Value::Str(s)) => parse_dynamic_text(&s).map_or_else(
            || Value::dynamic(serde_json::Value::String(s.to_string())),
            Value::dynamic,
        ),
        (ColumnType::Dynamic, v) => Value::dynamic(v.to_json()),
    }
}

/// A dynamic value's member (`x.name`, `x["name"]`).
pub(crate) fn member(v: &Value, name: &str) -> Value {
    match v {
        Value::Dynamic(d) => d.get(name).map_or(Value::Null, from_json),
        _ => Value::Null,
    }
}

/// A dynamic array's element (`x[0]`, negative from the end).
pub(crate) fn index(v: &Value, i: &Value) -> Value {
    match (v, i) {
        (Value::Dynamic(d), i) => match (&**d, to_long(i), i) {
            (serde_json::Value::Array(arr), Some(n), Value::Int(_) | Value::Long(_)) => {
                let n = if n < 0 { arr.len() as i64 + n } else { n };
                usize::try_from(n)
                    .ok()
                    .and_then(|n| arr.get(n))
                    .map_or(Value::Null, from_json)
            }
            (serde_json::Value::Object(_), _, key) => member(v, &key.to_text()),
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

fn from_json(x: &serde_json::Value) -> Value {
    match x {
        serde_json::Value::Null => Value::Null,
        other => Value::Dynamic(Arc::new(other.clone())),
    }
}
