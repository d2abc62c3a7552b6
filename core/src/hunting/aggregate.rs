//! `summarize`'s aggregations: compiled once, then a state per group that each row updates.

use super::table::FastSet as HashSet;

use super::ast::{Expr, ExprKind, NamedExpr};
use super::error::KqlError;
use super::eval::{eval, Col, Engine, Rel, C};
use super::functions::{truthy, AGGREGATES};
use super::schema::ColumnType;
use super::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Count,
    CountIf,
    DCount,
    DCountIf,
    Min,
    Max,
    MinIf,
    MaxIf,
    Sum,
    SumIf,
    Avg,
    AvgIf,
    MakeSet,
    MakeList,
    MakeSetIf,
    MakeListIf,
    ArgMax,
    ArgMin,
    Any,
}

pub(crate) struct Aggregate {
    kind: Kind,
    args: Vec<C>,
    /// For arg_max/arg_min/any: the columns returned (compiled), after the first argument.
    returned: Vec<C>,
    /// make_set/make_list's size limit.
    max: usize,
    /// Sum of reals rather than longs.
    real: bool,
    pub outputs: Vec<Col>,
}

pub(crate) enum State {
    Count(i64),
    Distinct(HashSet<Value>),
    Best(Option<Value>),
    Sum {
        long: i64,
        real: f64,
        any: bool,
        overflow: bool,
    },
    Avg {
        sum: f64,
        n: i64,
    },
    Set(Vec<Value>, HashSet<Value>),
    List(Vec<Value>),
    Arg(Option<(Value, Vec<Value>)>),
    Any(Option<Vec<Value>>),
}

/// Aggregations of KQL this engine refuses by name.
pub(crate) const UNSUPPORTED_AGGREGATES: &[&str] = &[
    "percentile",
    "percentiles",
    "stdev",
    "stdevif",
    "variance",
    "varianceif",
    "make_bag",
    "hll",
    "hll_merge",
    "tdigest",
    "count_distinct",
    "binary_all_or",
    "make_set_with_nulls",
];

const DEFAULT_SET_SIZE: usize = 1_048_576;

pub(crate) fn compile_aggregate(
    engine: &mut Engine,
    item: &NamedExpr,
    cols: &[Col],
    taken: &[String],
) -> Result<Aggregate, KqlError> {
    let ExprKind::Call { name, args } = &item.expr.kind else {
        return Err(KqlError::at(
            item.expr.span,
            "summarize takes aggregations: count(), countif(…), dcount(…), min, max, sum, avg, make_set, arg_max, …",
        ));
    };
    let span = item.expr.span;
    let kind = match name.as_str() {
        "count" => Kind::Count,
        "countif" => Kind::CountIf,
        "dcount" => Kind::DCount,
        "dcountif" => Kind::DCountIf,
        "min" => Kind::Min,
        "max" => Kind::Max,
        "minif" => Kind::MinIf,
        "maxif" => Kind::MaxIf,
        "sum" => Kind::Sum,
        "sumif" => Kind::SumIf,
        "avg" => Kind::Avg,
        "avgif" => Kind::AvgIf,
        "make_set" | "makeset" => Kind::MakeSet,
        "make_list" | "makelist" => Kind::MakeList,
        "make_set_if" => Kind::MakeSetIf,
        "make_list_if" => Kind::MakeListIf,
        "arg_max" => Kind::ArgMax,
        "arg_min" => Kind::ArgMin,
        "any" | "take_any" => Kind::Any,
        other if AGGREGATES.contains(&other) => unreachable_kind(),
        other => {
            if UNSUPPORTED_AGGREGATES.contains(&other) {
                return Err(KqlError::unsupported(
                    span,
                    &format!("the aggregation {other}()"),
                ));
            }
            return Err(KqlError::at(
                span,
                format!("'{other}' is not an aggregation (count, countif, dcount, min, max, sum, avg, make_set, make_list, arg_max, arg_min, take_any)"),
            ));
        }
    };
    let arity = |min: usize, max: usize| -> Result<(), KqlError> {
        if args.len() < min || args.len() > max {
            return Err(KqlError::at(
                span,
                format!(
                    "{name}() takes {min}{} argument(s), {} given",
                    if max > min {
                        format!(" to {max}")
                    } else {
                        String::new()
                    },
                    args.len()
                ),
            ));
        }
        Ok(())
    };
    let mut compiled = Vec::new();
    let mut types = Vec::new();
    let mut returned = Vec::new();
    let mut outputs = Vec::new();
    let arg_name = |e: &Expr| e.default_name();
    let prefix_name = |prefix: &str, e: Option<&Expr>| match e.and_then(arg_name) {
        Some(n) => format!("{prefix}_{n}"),
        None => format!("{prefix}_"),
    };
    let compile = |engine: &mut Engine, e: &Expr| -> Result<(C, ColumnType), KqlError> {
        if let ExprKind::Star = e.kind {
            return Err(KqlError::at(
                e.span,
                format!("'*' is not an argument of {name}()"),
            ));
        }
        engine.compile(e, cols)
    };
    let mut max = DEFAULT_SET_SIZE;
    match kind {
        Kind::Count => {
            arity(0, 0)?;
            outputs.push(("count_".to_string(), ColumnType::Long));
        }
        Kind::CountIf | Kind::DCount | Kind::Min | Kind::Max | Kind::Sum | Kind::Avg => {
            arity(1, if kind == Kind::DCount { 2 } else { 1 })?;
            let (c, ty) = compile(engine, &args[0])?;
            if matches!(kind, Kind::CountIf)
                && !matches!(ty, ColumnType::Bool | ColumnType::Dynamic)
            {
                return Err(KqlError::at(
                    args[0].span,
                    "countif() takes a true/false condition",
                ));
            }
            if matches!(kind, Kind::Sum | Kind::Avg)
                && !matches!(
                    ty,
                    ColumnType::Int
                        | ColumnType::Long
                        | ColumnType::Real
                        | ColumnType::Dynamic
                        | ColumnType::Timespan
                )
            {
                return Err(KqlError::at(
                    args[0].span,
                    format!("{name}() takes numbers, not a {}", ty.kql()),
                ));
            }
            compiled.push(c);
            types.push(ty);
            let (n, t) = match kind {
                Kind::CountIf => ("countif_".to_string(), ColumnType::Long),
                Kind::DCount => (prefix_name("dcount", args.first()), ColumnType::Long),
                Kind::Min => (prefix_name("min", args.first()), ty),
                Kind::Max => (prefix_name("max", args.first()), ty),
                Kind::Sum => (
                    prefix_name("sum", args.first()),
                    if ty == ColumnType::Int {
                        ColumnType::Long
                    } else {
                        ty
                    },
                ),
                _ => (prefix_name("avg", args.first()), ColumnType::Real),
            };
            outputs.push((n, t));
        }
        Kind::DCountIf | Kind::MinIf | Kind::MaxIf | Kind::SumIf | Kind::AvgIf => {
            arity(2, if kind == Kind::DCountIf { 3 } else { 2 })?;
            let (c, ty) = compile(engine, &args[0])?;
            let (p, _) = compile(engine, &args[1])?;
            compiled.push(c);
            compiled.push(p);
            let (prefix, t) = match kind {
                Kind::DCountIf => ("dcountif", ColumnType::Long),
                Kind::MinIf => ("minif", ty),
                Kind::MaxIf => ("maxif", ty),
                Kind::SumIf => (
                    "sumif",
                    if ty == ColumnType::Int {
                        ColumnType::Long
                    } else {
                        ty
                    },
                ),
                _ => ("avgif", ColumnType::Real),
            };
            outputs.push((prefix_name(prefix, args.first()), t));
        }
        Kind::MakeSet | Kind::MakeList | Kind::MakeSetIf | Kind::MakeListIf => {
            let conditional = matches!(kind, Kind::MakeSetIf | Kind::MakeListIf);
            arity(
                if conditional { 2 } else { 1 },
                if conditional { 3 } else { 2 },
            )?;
            let (c, _) = compile(engine, &args[0])?;
            compiled.push(c);
            if conditional {
                let (p, _) = compile(engine, &args[1])?;
                compiled.push(p);
            }
            let limit_at = if conditional { 2 } else { 1 };
            if let Some(e) = args.get(limit_at) {
                let (c, _) = compile(engine, e)?;
                max = match c {
                    C::Const(v) => v.as_i64().filter(|n| *n > 0).map(|n| n as usize),
                    _ => None,
                }
                .ok_or_else(|| KqlError::at(e.span, "The size limit is a whole number above 0"))?;
            }
            let prefix = match kind {
                Kind::MakeSet => "set",
                Kind::MakeList => "list",
                Kind::MakeSetIf => "set",
                _ => "list",
            };
            outputs.push((prefix_name(prefix, args.first()), ColumnType::Dynamic));
        }
        Kind::ArgMax | Kind::ArgMin | Kind::Any => {
            if args.is_empty() {
                return Err(KqlError::at(
                    span,
                    format!("{name}() takes at least one argument"),
                ));
            }
            let (first, rest) = if kind == Kind::Any {
                (None, &args[..])
            } else {
                (Some(&args[0]), &args[1..])
            };
            if let Some(e) = first {
                let (c, ty) = compile(engine, e)?;
                compiled.push(c);
                let n = arg_name(e).unwrap_or_else(|| {
                    format!("{}_", if kind == Kind::ArgMax { "max" } else { "min" })
                });
                outputs.push((n, ty));
            }
            let mut names_used: Vec<String> = taken.to_vec();
            names_used.extend(outputs.iter().map(|(n, _)| n.clone()));
            for e in rest {
                if let ExprKind::Star = e.kind {
                    for (i, c) in cols.iter().enumerate() {
                        if !names_used.contains(&c.name) {
                            returned.push(C::Col(i));
                            outputs.push((c.name.clone(), c.ty));
                            names_used.push(c.name.clone());
                        }
                    }
                    continue;
                }
                let (c, ty) = engine.compile(e, cols)?;
                let n = match arg_name(e) {
                    Some(n) if kind == Kind::Any => format!("any_{n}"),
                    Some(n) => n,
                    None => format!(
                        "{}{}",
                        if kind == Kind::Any { "any_" } else { "Column" },
                        returned.len() + 1
                    ),
                };
                returned.push(c);
                names_used.push(n.clone());
                outputs.push((n, ty));
            }
        }
    }
    if let Some(n) = &item.name {
        if let Some(first) = outputs.first_mut() {
            first.0 = n.clone();
        }
    }
    let real = types.first().is_some_and(|t| *t == ColumnType::Real);
    Ok(Aggregate {
        kind,
        args: compiled,
        returned,
        max,
        real,
        outputs: outputs
            .into_iter()
            .map(|(name, ty)| Col { name, ty })
            .collect(),
    })
}

fn unreachable_kind() -> Kind {
    Kind::Any
}

impl Aggregate {
    pub fn start(&self) -> State {
        match self.kind {
            Kind::Count | Kind::CountIf => State::Count(0),
            Kind::DCount | Kind::DCountIf => State::Distinct(HashSet::default()),
            Kind::Min | Kind::Max | Kind::MinIf | Kind::MaxIf => State::Best(None),
            Kind::Sum | Kind::SumIf => State::Sum {
                long: 0,
                real: 0.0,
                any: false,
                overflow: false,
            },
            Kind::Avg | Kind::AvgIf => State::Avg { sum: 0.0, n: 0 },
            Kind::MakeSet | Kind::MakeSetIf => State::Set(Vec::new(), HashSet::default()),
            Kind::MakeList | Kind::MakeListIf => State::List(Vec::new()),
            Kind::ArgMax | Kind::ArgMin => State::Arg(None),
            Kind::Any => State::Any(None),
        }
    }

    pub fn add(&self, state: &mut State, rel: &Rel, r: usize) {
        let conditional = matches!(
            self.kind,
            Kind::DCountIf
                | Kind::MinIf
                | Kind::MaxIf
                | Kind::SumIf
                | Kind::AvgIf
                | Kind::MakeSetIf
                | Kind::MakeListIf
        );
        if conditional && !truthy(&eval(&self.args[1], rel, r)) {
            return;
        }
        match state {
            State::Count(n) => {
                if self.kind == Kind::Count || truthy(&eval(&self.args[0], rel, r)) {
                    *n += 1;
                }
            }
            State::Distinct(set) => {
                let v = eval(&self.args[0], rel, r);
                if !v.is_null() {
                    set.insert(v);
                }
            }
            State::Best(best) => {
                let v = eval(&self.args[0], rel, r);
                if v.is_null() {
                    return;
                }
                let better = match best {
                    None => true,
                    Some(b) => {
                        let o = v.compare(b);
                        if matches!(self.kind, Kind::Min | Kind::MinIf) {
                            o.is_lt()
                        } else {
                            o.is_gt()
                        }
                    }
                };
                if better {
                    *best = Some(v);
                }
            }
            State::Sum {
                long,
                real,
                any,
                overflow,
            } => {
                let v = eval(&self.args[0], rel, r);
                if self.real {
                    if let Some(x) = v.as_f64() {
                        *real += x;
                        *any = true;
                    }
                } else if let Some(x) = v.as_i64().or(match v {
                    Value::Timespan(t) => Some(t),
                    _ => None,
                }) {
                    match long.checked_add(x) {
                        Some(s) => *long = s,
                        None => *overflow = true,
                    }
                    *any = true;
                }
            }
            State::Avg { sum, n } => {
                if let Some(x) = eval(&self.args[0], rel, r).as_f64() {
                    *sum += x;
                    *n += 1;
                }
            }
            State::Set(items, seen) => {
                if items.len() >= self.max {
                    return;
                }
                let v = eval(&self.args[0], rel, r);
                if !v.is_null() && seen.insert(v.clone()) {
                    items.push(v);
                }
            }
            State::List(items) => {
                if items.len() < self.max {
                    let v = eval(&self.args[0], rel, r);
                    if !v.is_null() {
                        items.push(v);
                    }
                }
            }
            State::Arg(best) => {
                let v = eval(&self.args[0], rel, r);
                if v.is_null() {
                    return;
                }
                let better = match best {
                    None => true,
                    Some((b, _)) => {
                        let o = v.compare(b);
                        if self.kind == Kind::ArgMax {
                            o.is_gt()
                        } else {
                            o.is_lt()
                        }
                    }
                };
                if better {
                    let values = self.returned.iter().map(|c| eval(c, rel, r)).collect();
                    *best = Some((v, values));
                }
            }
            State::Any(found) => {
                if found.is_none() {
                    *found = Some(self.returned.iter().map(|c| eval(c, rel, r)).collect());
                }
            }
        }
    }

    pub fn finish(&self, state: State) -> Vec<Value> {
        let ty = self.outputs.first().map_or(ColumnType::Dynamic, |c| c.ty);
        match state {
            State::Count(n) => vec![Value::Long(n)],
            State::Distinct(set) => vec![Value::Long(set.len() as i64)],
            State::Best(b) => vec![b.unwrap_or(Value::Null)],
            State::Sum {
                long,
                real,
                any,
                overflow,
            } => vec![if !any || overflow {
                Value::Null
            } else if self.real {
                Value::Real(real)
            } else if ty == ColumnType::Timespan {
                Value::Timespan(long)
            } else {
                Value::Long(long)
            }],
            State::Avg { sum, n } => vec![if n == 0 {
                Value::Null
            } else {
                Value::Real(sum / n as f64)
            }],
            State::Set(items, _) | State::List(items) => vec![Value::dynamic(
                serde_json::Value::Array(items.iter().map(Value::to_dynamic).collect()),
            )],
            State::Arg(best) => match best {
                Some((v, mut values)) => {
                    values.insert(0, v);
                    values
                }
                None => vec![Value::Null; self.outputs.len()],
            },
            State::Any(found) => found.unwrap_or_else(|| vec![Value::Null; self.outputs.len()]),
        }
    }
}
