//! A hunting result as the APIs write it, and read back: Graph's `runHuntingQuery` answer
//! (`{"schema": [{"name", "type"}], "results": [{column: value}]}`, one documented example capitalises
//! `Name`/`Type`) and Defender's (`{"Schema": [{"Name", "Type"}], "Results": […]}`, Defender XDR adds
//! `Stats`). The UI reads live answers through [`HuntingResult::read`].

use serde_json::{json, Map, Value as J};

use super::ast::{Expr, ExprKind, Literal, OpKind, Query};
use super::parser::parse_timespan_text;
use super::schema::ColumnType;
use super::value::{parse_datetime_text, Value};
use super::{ChartKind, HuntingResult, Render, ResultColumn, MAX_ROWS};

/// Graph's `@odata.context` for a hunting answer.
pub const GRAPH_CONTEXT: &str =
    "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults";

impl HuntingResult {
    /// Graph's `runHuntingQuery` answer.
    pub fn to_graph_json(&self) -> J {
        json!({
            "@odata.context": GRAPH_CONTEXT,
            "schema": self.columns.iter().map(|c| json!({"name": c.name, "type": c.ty.api()})).collect::<Vec<_>>(),
            "results": self.results(),
        })
    }

    /// Defender's `advancedqueries/run` and `advancedhunting/run` answer.
    pub fn to_defender_json(&self) -> J {
        json!({
            "Schema": self.columns.iter().map(|c| json!({"Name": c.name, "Type": c.ty.api()})).collect::<Vec<_>>(),
            "Results": self.results(),
        })
    }

    fn results(&self) -> Vec<J> {
        self.rows
            .iter()
            .map(|row| {
                let mut m = Map::with_capacity(self.columns.len());
                for (c, v) in self.columns.iter().zip(row) {
                    m.insert(c.name.clone(), v.to_json());
                }
                J::Object(m)
            })
            .collect()
    }

    /// Reads a hunting answer of either API (either capitalisation). Values are typed by the schema:
    /// datetimes through chrono, numbers as the schema's width, `Object`/`Dynamic` as JSON. A cell of
    /// the wrong shape is kept as text rather than dropped. `truncated` is set when the answer holds
    /// the service's row limit.
    pub fn read(body: &str) -> Result<HuntingResult, String> {
        let doc: J =
            serde_json::from_str(body).map_err(|e| format!("The answer is not JSON: {e}"))?;
        let obj = doc.as_object().ok_or("The answer is not a JSON object")?;
        let field = |names: &[&str]| names.iter().find_map(|n| obj.get(*n));
        let schema = field(&["schema", "Schema"]).and_then(J::as_array).ok_or(
            "The answer has no schema (expected \"schema\" or \"Schema\": [{\"name\", \"type\"}])",
        )?;
        let mut columns = Vec::with_capacity(schema.len());
        for (i, c) in schema.iter().enumerate() {
            let get = |a: &str, b: &str| c.get(a).or_else(|| c.get(b)).and_then(J::as_str);
            let name = get("name", "Name").ok_or(format!("Schema entry {i} has no name"))?;
            let ty = get("type", "Type")
                .and_then(ColumnType::parse)
                .unwrap_or(ColumnType::String);
            columns.push(ResultColumn {
                name: name.to_string(),
                ty,
            });
        }
        let results = match field(&["results", "Results"]) {
            Some(J::Array(rows)) => rows.as_slice(),
            Some(J::Null) | None => &[],
            Some(_) => return Err("The answer's results are not a list".into()),
        };
        let mut rows = Vec::with_capacity(results.len());
        for (i, r) in results.iter().enumerate() {
            let r = r
                .as_object()
                .ok_or(format!("Result {i} is not an object"))?;
            rows.push(
                columns
                    .iter()
                    .map(|c| read_cell(r.get(&c.name), c.ty))
                    .collect(),
            );
        }
        let truncated = rows.len() >= MAX_ROWS;
        Ok(HuntingResult {
            columns,
            rows,
            render: None,
            truncated,
        })
    }
}

fn read_cell(v: Option<&J>, ty: ColumnType) -> Value {
    let Some(v) = v else { return Value::Null };
    if v.is_null() {
        return Value::Null;
    }
    let text = || match v {
        J::String(s) => s.clone(),
        other => other.to_string(),
    };
    match ty {
        ColumnType::String | ColumnType::Guid => Value::str(&text()),
        ColumnType::DateTime => match v.as_str().and_then(parse_datetime_text) {
            Some(t) => Value::DateTime(t),
            None => Value::str(&text()),
        },
        ColumnType::Long => match v.as_i64() {
            Some(n) => Value::Long(n),
            None => v
                .as_str()
                .and_then(|s| s.parse().ok())
                .map_or_else(|| Value::str(&text()), Value::Long),
        },
        ColumnType::Int => match v.as_i64().and_then(|n| i32::try_from(n).ok()) {
            Some(n) => Value::Int(n),
            None => Value::str(&text()),
        },
        ColumnType::Real => match v {
            J::Number(n) => n.as_f64().map_or(Value::Null, Value::Real),
            J::String(s) => match s.as_str() {
                "NaN" => Value::Real(f64::NAN),
                "Infinity" => Value::Real(f64::INFINITY),
                "-Infinity" => Value::Real(f64::NEG_INFINITY),
                other => other
                    .parse()
                    .map_or_else(|_| Value::str(other), Value::Real),
            },
            _ => Value::str(&text()),
        },
        ColumnType::Bool => match v.as_bool() {
            Some(b) => Value::Bool(b),
            None => Value::str(&text()),
        },
        ColumnType::Timespan => match v.as_str().and_then(parse_timespan_text) {
            Some(t) => Value::Timespan(t),
            None => Value::str(&text()),
        },
        ColumnType::Dynamic => Value::dynamic(v.clone()),
    }
}

/// The chart a query's last operator asks for (`render`), for answers that do not carry it (the live
/// APIs answer the table only). Only literal `with` properties are kept.
pub fn render_of(query: &Query) -> Option<Render> {
    let op = query.body.ops.last()?;
    let OpKind::Render { kind, with } = &op.kind else {
        return None;
    };
    let with = with
        .iter()
        .filter_map(|(k, e)| literal(e).map(|v| (k.clone(), v)))
        .collect();
    Some(Render {
        kind: ChartKind::parse(kind).unwrap_or(ChartKind::Table),
        with,
    })
}

fn literal(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Literal(Literal::Str(s)) => Some(Value::str(s)),
        ExprKind::Literal(Literal::Long(n)) => Some(Value::Long(*n)),
        ExprKind::Literal(Literal::Real(n)) => Some(Value::Real(*n)),
        ExprKind::Literal(Literal::Bool(b)) => Some(Value::Bool(*b)),
        ExprKind::Name(n) => Some(Value::str(n)),
        _ => None,
    }
}
