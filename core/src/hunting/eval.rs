//! Running a query: each source becomes a relation (stored rows selected by the timespan, or rows made
//! by an operator), each operator a new relation. Expressions are compiled against the relation's
//! columns first (names resolved, types checked, constants folded), then evaluated per row.

use std::collections::{HashMap, HashSet};

use super::table::{FastMap, FastSet};
use std::rc::Rc;

use regex_lite::Regex;

use super::aggregate::{compile_aggregate, Aggregate};
use super::ast::*;
use super::error::{KqlError, Span};
use super::functions::{self, convert, truthy, Func};
use super::schema::ColumnType;
use super::table::{HuntingTables, StoredTable};
use super::value::Value;
use super::{ChartKind, HuntingResult, Render, ResultColumn, MAX_ROWS};

type R<T> = Result<T, KqlError>;

/// A column of a relation.
#[derive(Clone, Debug)]
pub(crate) struct Col {
    pub name: String,
    pub ty: ColumnType,
}

/// Rows of a relation: stored rows (a selection and a column map) or made rows.
#[derive(Clone)]
pub(crate) enum Rows<'a> {
    Base {
        table: &'a StoredTable,
        sel: Rc<Vec<u32>>,
        map: Vec<usize>,
    },
    Made(Rc<Vec<Vec<Value>>>),
    /// `union`: the parts one after the other, each part's column for each column of the union
    /// (`None`: the part has none; empty for strings, null otherwise).
    Concat {
        parts: Rc<Vec<(Rel<'a>, Vec<Option<usize>>)>>,
        starts: Rc<Vec<usize>>,
        len: usize,
    },
}

#[derive(Clone)]
pub(crate) struct Rel<'a> {
    pub cols: Vec<Col>,
    pub rows: Rows<'a>,
    pool: &'a [std::sync::Arc<str>],
}

impl<'a> Rel<'a> {
    fn made(cols: Vec<Col>, rows: Vec<Vec<Value>>, pool: &'a [std::sync::Arc<str>]) -> Rel<'a> {
        Rel {
            cols,
            rows: Rows::Made(Rc::new(rows)),
            pool,
        }
    }

    pub fn len(&self) -> usize {
        match &self.rows {
            Rows::Base { sel, .. } => sel.len(),
            Rows::Made(rows) => rows.len(),
            Rows::Concat { len, .. } => *len,
        }
    }

    /// The pool id of a stored string cell, for the fast paths.
    #[inline]
    fn str_id(&self, r: usize, c: usize) -> Option<u32> {
        match &self.rows {
            Rows::Base { table, sel, map } => table.str_id(sel[r] as usize, map[c]),
            Rows::Concat { parts, starts, .. } => {
                let p = starts.partition_point(|&s| s <= r).checked_sub(1)?;
                let (part, map) = &parts[p];
                part.str_id(r - starts[p], map[c]?)
            }
            Rows::Made(_) => None,
        }
    }

    /// Whether column `c` is stored strings (so a predicate on it depends on the string id only).
    fn is_stored_string(&self, c: usize) -> bool {
        match &self.rows {
            Rows::Base { table, map, .. } => table.rows > 0 && table.str_id(0, map[c]).is_some(),
            // Every part stores it (the pool is shared, so ids agree across parts).
            Rows::Concat { parts, .. } => parts.iter().all(|(part, map)| {
                part.len() == 0 || map[c].is_some_and(|pc| part.is_stored_string(pc))
            }),
            Rows::Made(_) => false,
        }
    }

    #[inline]
    pub fn cell(&self, r: usize, c: usize) -> Value {
        match &self.rows {
            Rows::Base { table, sel, map } => table.cell(self.pool, sel[r] as usize, map[c]),
            Rows::Made(rows) => rows[r][c].clone(),
            Rows::Concat { parts, starts, .. } => {
                let p = starts.partition_point(|&s| s <= r) - 1;
                let (part, map) = &parts[p];
                match map[c] {
                    Some(pc) => part.cell(r - starts[p], pc),
                    None if self.cols[c].ty == ColumnType::String => Value::str(""),
                    None => Value::Null,
                }
            }
        }
    }

    fn row(&self, r: usize) -> Vec<Value> {
        (0..self.cols.len()).map(|c| self.cell(r, c)).collect()
    }

    fn col_index(&self, name: &str) -> Option<usize> {
        self.cols.iter().position(|c| c.name == name)
    }

    /// The same columns with only the rows `keep` (in that order).
    fn select(&self, keep: Vec<usize>) -> Rel<'a> {
        let rows = match &self.rows {
            Rows::Base { table, sel, map } => Rows::Base {
                table,
                sel: Rc::new(keep.iter().map(|&i| sel[i]).collect()),
                map: map.clone(),
            },
            Rows::Made(rows) => {
                Rows::Made(Rc::new(keep.iter().map(|&i| rows[i].clone()).collect()))
            }
            Rows::Concat { parts, starts, .. } => {
                let mut local: Vec<Vec<usize>> = vec![Vec::new(); parts.len()];
                let mut in_order = true;
                let mut last = 0;
                for &i in &keep {
                    let p = starts.partition_point(|&s| s <= i) - 1;
                    in_order &= p >= last;
                    last = p;
                    local[p].push(i - starts[p]);
                }
                if !in_order {
                    // A sort across parts: the rows in their new order.
                    return Rel::made(
                        self.cols.clone(),
                        keep.iter().map(|&i| self.row(i)).collect(),
                        self.pool,
                    );
                }
                let new_parts: Vec<(Rel<'a>, Vec<Option<usize>>)> = parts
                    .iter()
                    .zip(local)
                    .map(|((part, map), rows)| (part.select(rows), map.clone()))
                    .collect();
                return concat(self.cols.clone(), new_parts, self.pool);
            }
        };
        Rel {
            cols: self.cols.clone(),
            rows,
            pool: self.pool,
        }
    }

    fn truncate(&self, n: usize) -> Rel<'a> {
        if n >= self.len() {
            return self.clone();
        }
        self.select((0..n).collect())
    }

    /// Keeps the columns `pick` (indices into `cols`), named `names`.
    fn pick(&self, pick: &[usize], names: Vec<String>) -> Rel<'a> {
        let cols: Vec<Col> = pick
            .iter()
            .zip(names)
            .map(|(&i, name)| Col {
                name,
                ty: self.cols[i].ty,
            })
            .collect();
        let rows = match &self.rows {
            Rows::Base { table, sel, map } => Rows::Base {
                table,
                sel: sel.clone(),
                map: pick.iter().map(|&i| map[i]).collect(),
            },
            Rows::Made(rows) => Rows::Made(Rc::new(
                rows.iter()
                    .map(|r| pick.iter().map(|&i| r[i].clone()).collect())
                    .collect(),
            )),
            Rows::Concat { parts, .. } => {
                let new_parts = parts
                    .iter()
                    .map(|(part, map)| (part.clone(), pick.iter().map(|&i| map[i]).collect()))
                    .collect();
                return concat(cols, new_parts, self.pool);
            }
        };
        Rel {
            cols,
            rows,
            pool: self.pool,
        }
    }

    fn all_rows(&self) -> Vec<Vec<Value>> {
        (0..self.len()).map(|r| self.row(r)).collect()
    }
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub(crate) enum C {
    Const(Value),
    Col(usize),
    Neg(Box<C>),
    And(Box<C>, Box<C>),
    Or(Box<C>, Box<C>),
    Bin(BinOp, Box<C>, Box<C>),
    Str {
        op: StrOp,
        negated: bool,
        left: Box<C>,
        right: Box<C>,
    },
    Regex(Box<C>, Rc<Regex>),
    List {
        op: ListOp,
        negated: bool,
        value: Box<C>,
        items: Rc<ListItems>,
    },
    Between {
        negated: bool,
        value: Box<C>,
        low: Box<C>,
        high: Box<C>,
    },
    Member(Box<C>, String),
    Index(Box<C>, Box<C>),
    Call(Func, Vec<C>),
    Extract(Rc<Regex>, usize, Box<C>, Option<ColumnType>),
}

/// The right side of `in`/`has_any`: values known when compiled.
#[derive(Debug)]
pub(crate) struct ListItems {
    values: Vec<Value>,
    set: FastSet<Value>,
    lower: FastSet<String>,
}

impl ListItems {
    fn new(values: Vec<Value>) -> ListItems {
        let mut flat = Vec::new();
        for v in values {
            match &v {
                Value::Dynamic(d) if d.is_array() => {
                    for x in d.as_array().into_iter().flatten() {
                        flat.push(dynamic_scalar(x));
                    }
                }
                _ => flat.push(v),
            }
        }
        let set = flat.iter().cloned().collect();
        let lower = flat.iter().map(|v| v.to_text().to_lowercase()).collect();
        ListItems {
            values: flat,
            set,
            lower,
        }
    }
}

/// A JSON scalar as the KQL value it compares like.
fn dynamic_scalar(x: &serde_json::Value) -> Value {
    match x {
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Long)
            .or_else(|| n.as_f64().map(Value::Real))
            .unwrap_or(Value::Null),
        serde_json::Value::Null => Value::Null,
        other => Value::dynamic(other.clone()),
    }
}

/// What a name is bound to by `let`.
#[derive(Clone)]
enum Bound<'a> {
    Scalar(Value, ColumnType),
    Tabular(Rel<'a>),
}

pub(crate) struct Engine<'a> {
    tables: &'a HuntingTables,
    start: i64,
    end: i64,
    now: i64,
    lets: HashMap<String, Bound<'a>>,
    render: Option<Render>,
}

impl<'a> Engine<'a> {
    pub fn new(tables: &'a HuntingTables, start: i64, end: i64, now: i64) -> Engine<'a> {
        Engine {
            tables,
            start,
            end,
            now,
            lets: HashMap::new(),
            render: None,
        }
    }

    pub fn run(mut self, query: &Query) -> R<HuntingResult> {
        for l in &query.lets {
            let bound = match &l.value {
                LetValue::Scalar(e) => {
                    let (c, ty) = self.compile(e, &[])?;
                    let empty = Rel::made(Vec::new(), vec![Vec::new()], &self.tables.pool);
                    Bound::Scalar(eval(&c, &empty, 0), ty)
                }
                LetValue::Tabular(p) => Bound::Tabular(self.pipeline(p)?),
            };
            self.lets.insert(l.name.clone(), bound);
        }
        let rel = self.pipeline(&query.body)?;
        let truncated = rel.len() > MAX_ROWS;
        let rel = rel.truncate(MAX_ROWS);
        Ok(HuntingResult {
            columns: rel
                .cols
                .iter()
                .map(|c| ResultColumn {
                    name: c.name.clone(),
                    ty: c.ty,
                })
                .collect(),
            rows: rel.all_rows(),
            render: self.render.take(),
            truncated,
        })
    }

    fn pipeline(&mut self, p: &Pipeline) -> R<Rel<'a>> {
        let mut rel = self.source(&p.source)?;
        for (i, op) in p.ops.iter().enumerate() {
            if let OpKind::Render { .. } = op.kind {
                if i + 1 != p.ops.len() {
                    return Err(KqlError::at(
                        op.span,
                        "render must be the last operator of the query",
                    ));
                }
            }
            rel = self.op(rel, op)?;
        }
        Ok(rel)
    }

    fn stored(&self, t: &'a StoredTable) -> Rel<'a> {
        Rel {
            cols: t
                .columns
                .iter()
                .map(|c| Col {
                    name: c.name.clone(),
                    ty: c.ty,
                })
                .collect(),
            rows: Rows::Base {
                table: t,
                sel: Rc::new(t.rows_between(self.start, self.end)),
                map: (0..t.columns.len()).collect(),
            },
            pool: &self.tables.pool,
        }
    }

    fn named_source(&mut self, name: &str, span: Span) -> R<Rel<'a>> {
        if let Some(Bound::Tabular(rel)) = self.lets.get(name) {
            return Ok(rel.clone());
        }
        if let Some(t) = self.tables.find(name) {
            return Ok(self.stored(t));
        }
        if name.contains('*') {
            let matching: Vec<&'a StoredTable> = self
                .tables
                .tables
                .iter()
                .filter(|t| wildcard(name, &t.name))
                .collect();
            if matching.is_empty() {
                return Err(KqlError::at(span, format!("No table matches '{name}'")));
            }
            let rels: Vec<Rel<'a>> = matching.into_iter().map(|t| self.stored(t)).collect();
            return Ok(union(rels, &self.tables.pool));
        }
        let hint = self
            .tables
            .names()
            .find(|t| t.eq_ignore_ascii_case(name))
            .map(|t| format!(" (did you mean '{t}'? table names are case-sensitive)"))
            .unwrap_or_default();
        Err(KqlError::at(
            span,
            format!("Failed to resolve table or column expression named '{name}'{hint}"),
        ))
    }

    fn source(&mut self, s: &Source) -> R<Rel<'a>> {
        match s {
            Source::Name(name, span) => self.named_source(name, *span),
            Source::Union(pipes, _) => {
                let mut rels = Vec::new();
                for p in pipes {
                    rels.push(self.pipeline(p)?);
                }
                if rels.len() == 1 {
                    return Ok(rels.remove(0));
                }
                Ok(union(rels, &self.tables.pool))
            }
            Source::Datatable {
                columns,
                values,
                span,
            } => {
                let mut cols = Vec::new();
                for (name, ty) in columns {
                    let ty = ColumnType::parse(ty).ok_or_else(|| {
                        KqlError::at(*span, format!("'{ty}' is not a column type"))
                    })?;
                    cols.push(Col {
                        name: name.clone(),
                        ty,
                    });
                }
                if values.len() % cols.len().max(1) != 0 {
                    return Err(KqlError::at(
                        *span,
                        format!(
                            "datatable has {} columns: its values must come in groups of {}",
                            cols.len(),
                            cols.len()
                        ),
                    ));
                }
                let empty = Rel::made(Vec::new(), vec![Vec::new()], &self.tables.pool);
                let mut rows = Vec::new();
                for chunk in values.chunks(cols.len().max(1)) {
                    let mut row = Vec::new();
                    for (e, col) in chunk.iter().zip(&cols) {
                        let (c, _) = self.compile(e, &[])?;
                        row.push(convert(eval(&c, &empty, 0), col.ty));
                    }
                    rows.push(row);
                }
                Ok(Rel::made(cols, rows, &self.tables.pool))
            }
            Source::Print(items, _) => {
                let empty = Rel::made(Vec::new(), vec![Vec::new()], &self.tables.pool);
                let mut cols = Vec::new();
                let mut row = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let (c, ty) = self.compile(&item.expr, &[])?;
                    let name = item.name.clone().unwrap_or_else(|| format!("print_{i}"));
                    cols.push(Col { name, ty });
                    row.push(eval(&c, &empty, 0));
                }
                Ok(Rel::made(cols, vec![row], &self.tables.pool))
            }
        }
    }

    fn op(&mut self, rel: Rel<'a>, op: &Op) -> R<Rel<'a>> {
        match &op.kind {
            OpKind::Where(e) => {
                let (c, ty) = self.compile(e, &rel.cols)?;
                if !matches!(ty, ColumnType::Bool | ColumnType::Dynamic) {
                    return Err(KqlError::at(
                        e.span,
                        format!(
                            "where needs a true/false condition; this expression is a {}",
                            ty.kql()
                        ),
                    ));
                }
                // Conjuncts one after the other, each on the rows the previous kept.
                let mut rel = rel;
                for part in conjuncts(c) {
                    let keep = filter(&part, &rel);
                    rel = rel.select(keep);
                }
                Ok(rel)
            }
            OpKind::Project(items) => self.project(rel, items),
            OpKind::Extend(items) => self.extend(rel, items),
            OpKind::ProjectAway(patterns) => {
                let drop = match_patterns(&rel, patterns)?;
                let keep: Vec<usize> = (0..rel.cols.len()).filter(|i| !drop.contains(i)).collect();
                let names = keep.iter().map(|&i| rel.cols[i].name.clone()).collect();
                Ok(rel.pick(&keep, names))
            }
            OpKind::ProjectKeep(patterns) => {
                let keep_set = match_patterns(&rel, patterns)?;
                let keep: Vec<usize> = (0..rel.cols.len())
                    .filter(|i| keep_set.contains(i))
                    .collect();
                let names = keep.iter().map(|&i| rel.cols[i].name.clone()).collect();
                Ok(rel.pick(&keep, names))
            }
            OpKind::ProjectReorder(patterns) => {
                let mut order = Vec::new();
                for p in patterns {
                    for (i, c) in rel.cols.iter().enumerate() {
                        if wildcard(&p.pattern, &c.name) && !order.contains(&i) {
                            order.push(i);
                        }
                    }
                }
                order.extend(
                    (0..rel.cols.len())
                        .filter(|i| !order.contains(i))
                        .collect::<Vec<_>>(),
                );
                let names = order.iter().map(|&i| rel.cols[i].name.clone()).collect();
                Ok(rel.pick(&order, names))
            }
            OpKind::ProjectRename(renames) => {
                let mut names: Vec<String> = rel.cols.iter().map(|c| c.name.clone()).collect();
                for (new, old, span) in renames {
                    let Some(i) = rel.col_index(old) else {
                        return Err(unknown_column(old, *span, &rel.cols));
                    };
                    names[i] = new.clone();
                }
                let all: Vec<usize> = (0..rel.cols.len()).collect();
                Ok(rel.pick(&all, names))
            }
            OpKind::Summarize { aggregates, by } => self.summarize(rel, aggregates, by, op.span),
            OpKind::Top { count, by } => {
                let n = self.count_of(count)?;
                let sorted = self.sort(rel, std::slice::from_ref(by))?;
                Ok(sorted.truncate(n))
            }
            OpKind::Take(count) => {
                let n = self.count_of(count)?;
                Ok(rel.truncate(n))
            }
            OpKind::Sort(keys) => self.sort(rel, keys),
            OpKind::Distinct(exprs) => {
                let items: Vec<NamedExpr> = if exprs.is_empty() {
                    rel.cols
                        .iter()
                        .map(|c| NamedExpr {
                            name: None,
                            expr: Expr {
                                kind: ExprKind::Name(c.name.clone()),
                                span: op.span,
                            },
                        })
                        .collect()
                } else {
                    exprs
                        .iter()
                        .map(|e| NamedExpr {
                            name: None,
                            expr: e.clone(),
                        })
                        .collect()
                };
                self.summarize(rel, &[], &items, op.span)
            }
            OpKind::Count => Ok(Rel::made(
                vec![Col {
                    name: "Count".into(),
                    ty: ColumnType::Long,
                }],
                vec![vec![Value::Long(rel.len() as i64)]],
                &self.tables.pool,
            )),
            OpKind::Join { kind, right, on } => {
                let right_rel = self.pipeline(right)?;
                join(rel, right_rel, *kind, on, &self.tables.pool)
            }
            OpKind::Union(pipes) => {
                let mut rels = vec![rel];
                for p in pipes {
                    rels.push(self.pipeline(p)?);
                }
                Ok(union(rels, &self.tables.pool))
            }
            OpKind::MvExpand { columns, limit } => {
                let limit = match limit {
                    Some(e) => Some(self.count_of(e)?),
                    None => None,
                };
                self.mv_expand(rel, columns, limit)
            }
            OpKind::Render { kind, with } => {
                let mut props = Vec::new();
                for (k, e) in with {
                    let (c, _) = self.compile(e, &[])?;
                    let empty = Rel::made(Vec::new(), vec![Vec::new()], &self.tables.pool);
                    props.push((k.clone(), eval(&c, &empty, 0)));
                }
                self.render = Some(Render {
                    kind: ChartKind::parse(kind).unwrap_or(ChartKind::Table),
                    with: props,
                });
                Ok(rel)
            }
        }
    }

    /// A row count from a constant expression (`take 10`).
    fn count_of(&mut self, e: &Expr) -> R<usize> {
        let (c, _) = self.compile(e, &[])?;
        let empty = Rel::made(Vec::new(), vec![Vec::new()], &self.tables.pool);
        match eval(&c, &empty, 0).as_i64() {
            Some(n) if n >= 0 => Ok(n as usize),
            _ => Err(KqlError::at(
                e.span,
                "Expected a whole number of rows, 0 or more",
            )),
        }
    }

    fn project(&mut self, rel: Rel<'a>, items: &[NamedExpr]) -> R<Rel<'a>> {
        let mut plain = Vec::new();
        let mut names = Vec::new();
        let mut compiled = Vec::new();
        let mut all_plain = true;
        for (k, item) in items.iter().enumerate() {
            let name = item
                .name
                .clone()
                .or_else(|| {
                    item.expr
                        .default_name()
                        .filter(|_| matches!(item.expr.kind, ExprKind::Name(_)))
                })
                .unwrap_or_else(|| format!("Column{}", k + 1));
            if let ExprKind::Name(n) = &item.expr.kind {
                if let Some(i) = rel.col_index(n) {
                    plain.push(i);
                    names.push(name.clone());
                    compiled.push((C::Col(i), rel.cols[i].ty, name));
                    continue;
                }
            }
            all_plain = false;
            let (c, ty) = self.compile(&item.expr, &rel.cols)?;
            compiled.push((c, ty, name));
        }
        check_unique(
            compiled.iter().map(|(_, _, n)| n.as_str()),
            items.first().map_or(Span::default(), |i| i.expr.span),
        )?;
        if all_plain {
            return Ok(rel.pick(&plain, names));
        }
        let cols = compiled
            .iter()
            .map(|(_, ty, n)| Col {
                name: n.clone(),
                ty: *ty,
            })
            .collect();
        let rows = (0..rel.len())
            .map(|r| compiled.iter().map(|(c, _, _)| eval(c, &rel, r)).collect())
            .collect();
        Ok(Rel::made(cols, rows, &self.tables.pool))
    }

    fn extend(&mut self, rel: Rel<'a>, items: &[NamedExpr]) -> R<Rel<'a>> {
        let mut cols = rel.cols.clone();
        let mut rows = rel.all_rows();
        let mut unnamed = 0;
        for item in items {
            let current = Rel::made(cols.clone(), std::mem::take(&mut rows), &self.tables.pool);
            let (c, ty) = self.compile(&item.expr, &current.cols)?;
            let name = match &item.name {
                Some(n) => n.clone(),
                None => match item.expr.default_name() {
                    Some(n)
                        if !matches!(item.expr.kind, ExprKind::Name(_))
                            && current.col_index(&n).is_none() =>
                    {
                        n
                    }
                    _ => {
                        unnamed += 1;
                        format!("Column{unnamed}")
                    }
                },
            };
            let values: Vec<Value> = (0..current.len()).map(|r| eval(&c, &current, r)).collect();
            rows = match current.rows {
                Rows::Made(rc) => Rc::try_unwrap(rc).unwrap_or_else(|rc| (*rc).clone()),
                // `current` is always made rows here.
                Rows::Base { .. } | Rows::Concat { .. } => Vec::new(),
            };
            match cols.iter().position(|c| c.name == name) {
                Some(i) => {
                    cols[i].ty = ty;
                    for (row, v) in rows.iter_mut().zip(values) {
                        row[i] = v;
                    }
                }
                None => {
                    cols.push(Col { name, ty });
                    for (row, v) in rows.iter_mut().zip(values) {
                        row.push(v);
                    }
                }
            }
        }
        Ok(Rel::made(cols, rows, &self.tables.pool))
    }

    fn summarize(
        &mut self,
        rel: Rel<'a>,
        aggregates: &[NamedExpr],
        by: &[NamedExpr],
        span: Span,
    ) -> R<Rel<'a>> {
        // Expressions over aggregations (`100.0 * countif(x) / count()`): the aggregations first, as
        // hidden columns, then the expressions over them.
        if aggregates.iter().any(|a| !is_aggregate_call(&a.expr)) {
            enum Post {
                Direct(usize),
                Expr(NamedExpr),
            }
            let mut inner = Vec::new();
            let mut hidden = Vec::new();
            let mut post = Vec::new();
            for (k, item) in aggregates.iter().enumerate() {
                if is_aggregate_call(&item.expr) {
                    let n = compile_aggregate(self, item, &rel.cols, &[])?.outputs.len();
                    inner.push(item.clone());
                    post.push(Post::Direct(n));
                } else {
                    let before = hidden.len();
                    let expr = lift(&item.expr, &mut hidden);
                    if hidden.len() == before {
                        return Err(KqlError::at(
                            item.expr.span,
                            "summarize takes aggregations: count(), countif(…), dcount(…), min, max, sum, avg, make_set, arg_max, …",
                        ));
                    }
                    post.push(Post::Expr(NamedExpr {
                        name: Some(
                            item.name
                                .clone()
                                .unwrap_or_else(|| format!("Column{}", k + 1)),
                        ),
                        expr,
                    }));
                }
            }
            inner.extend(hidden);
            let grouped = self.summarize(rel, &inner, by, span)?;
            let col_ref = |name: &str| NamedExpr {
                name: None,
                expr: Expr {
                    kind: ExprKind::Name(name.to_string()),
                    span,
                },
            };
            let mut items: Vec<NamedExpr> = grouped.cols[..by.len()]
                .iter()
                .map(|c| col_ref(&c.name))
                .collect();
            let mut pos = by.len();
            for p in post {
                match p {
                    Post::Direct(n) => {
                        for c in grouped.cols.iter().skip(pos).take(n) {
                            items.push(col_ref(&c.name));
                        }
                        pos += n;
                    }
                    Post::Expr(e) => items.push(e),
                }
            }
            return self.project(grouped, &items);
        }
        let mut keys = Vec::new();
        let mut cols = Vec::new();
        let mut unnamed = 0;
        for item in by {
            let (c, ty) = self.compile(&item.expr, &rel.cols)?;
            let name = match item.name.clone().or_else(|| item.expr.default_name()) {
                Some(n) => n,
                None => {
                    unnamed += 1;
                    format!("Column{unnamed}")
                }
            };
            keys.push(c);
            cols.push(Col { name, ty });
        }
        let mut aggs: Vec<Aggregate> = Vec::new();
        for item in aggregates {
            let taken: Vec<String> = cols.iter().map(|c| c.name.clone()).collect();
            let agg = compile_aggregate(self, item, &rel.cols, &taken)?;
            cols.extend(agg.outputs.iter().cloned());
            aggs.push(agg);
        }
        check_unique(cols.iter().map(|c| c.name.as_str()), span)?;
        let mut groups: FastMap<Vec<Value>, usize> = FastMap::default();
        // Grouped by one stored string column: by its string id, without building keys.
        let by_id = match keys.as_slice() {
            [C::Col(i)] if rel.is_stored_string(*i) => Some(*i),
            _ => None,
        };
        let mut id_groups: FastMap<u32, usize> = FastMap::default();
        let mut order: Vec<Vec<Value>> = Vec::new();
        let mut states: Vec<Vec<super::aggregate::State>> = Vec::new();
        for r in 0..rel.len() {
            if let Some(col) = by_id {
                let id = rel.str_id(r, col).unwrap_or(0);
                let g = match id_groups.get(&id) {
                    Some(&g) => g,
                    None => {
                        let g = order.len();
                        id_groups.insert(id, g);
                        order.push(vec![rel.cell(r, col)]);
                        states.push(aggs.iter().map(Aggregate::start).collect());
                        g
                    }
                };
                for (a, s) in aggs.iter().zip(states[g].iter_mut()) {
                    a.add(s, &rel, r);
                }
                continue;
            }
            let key: Vec<Value> = keys.iter().map(|k| eval(k, &rel, r)).collect();
            let g = match groups.get(&key) {
                Some(&g) => g,
                None => {
                    let g = order.len();
                    groups.insert(key.clone(), g);
                    order.push(key);
                    states.push(aggs.iter().map(Aggregate::start).collect());
                    g
                }
            };
            for (a, s) in aggs.iter().zip(states[g].iter_mut()) {
                a.add(s, &rel, r);
            }
        }
        // A summarize without `by` has one row even over no rows.
        if keys.is_empty() && order.is_empty() {
            order.push(Vec::new());
            states.push(aggs.iter().map(Aggregate::start).collect());
        }
        let rows = order
            .into_iter()
            .zip(states)
            .map(|(mut key, st)| {
                for (a, s) in aggs.iter().zip(st) {
                    key.extend(a.finish(s));
                }
                key
            })
            .collect();
        Ok(Rel::made(cols, rows, &self.tables.pool))
    }

    fn sort(&mut self, rel: Rel<'a>, keys: &[SortKey]) -> R<Rel<'a>> {
        let mut compiled = Vec::new();
        for k in keys {
            let (c, _) = self.compile(&k.expr, &rel.cols)?;
            compiled.push((c, k.ascending, k.nulls_first.unwrap_or(k.ascending)));
        }
        let values: Vec<Vec<Value>> = (0..rel.len())
            .map(|r| compiled.iter().map(|(c, _, _)| eval(c, &rel, r)).collect())
            .collect();
        let mut idx: Vec<usize> = (0..rel.len()).collect();
        idx.sort_by(|&a, &b| {
            for (k, (_, asc, nulls_first)) in compiled.iter().enumerate() {
                let (x, y) = (&values[a][k], &values[b][k]);
                let o = match (x.is_null(), y.is_null()) {
                    (true, true) => std::cmp::Ordering::Equal,
                    (true, false) => {
                        if *nulls_first {
                            std::cmp::Ordering::Less
                        } else {
                            std::cmp::Ordering::Greater
                        }
                    }
                    (false, true) => {
                        if *nulls_first {
                            std::cmp::Ordering::Greater
                        } else {
                            std::cmp::Ordering::Less
                        }
                    }
                    (false, false) => {
                        let o = x.compare(y);
                        if *asc {
                            o
                        } else {
                            o.reverse()
                        }
                    }
                };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        Ok(rel.select(idx))
    }

    fn mv_expand(
        &mut self,
        rel: Rel<'a>,
        columns: &[NamedExpr],
        limit: Option<usize>,
    ) -> R<Rel<'a>> {
        let mut cols = rel.cols.clone();
        let mut targets = Vec::new();
        for item in columns {
            let (c, _) = self.compile(&item.expr, &rel.cols)?;
            let name = item
                .name
                .clone()
                .or_else(|| item.expr.default_name())
                .unwrap_or_else(|| format!("Column{}", targets.len() + 1));
            let i = match cols.iter().position(|c| c.name == name) {
                Some(i) => {
                    cols[i].ty = ColumnType::Dynamic;
                    i
                }
                None => {
                    cols.push(Col {
                        name,
                        ty: ColumnType::Dynamic,
                    });
                    cols.len() - 1
                }
            };
            targets.push((c, i));
        }
        let width = cols.len();
        let mut out = Vec::new();
        for r in 0..rel.len() {
            let base = rel.row(r);
            let lists: Vec<Vec<Value>> = targets
                .iter()
                .map(|(c, _)| match eval(c, &rel, r) {
                    Value::Dynamic(d) => match &*d {
                        serde_json::Value::Array(a) => a.iter().map(Value::from_dynamic).collect(),
                        serde_json::Value::Object(m) => m
                            .iter()
                            .map(|(k, v)| {
                                let mut one = serde_json::Map::new();
                                one.insert(k.clone(), v.clone());
                                Value::dynamic(serde_json::Value::Object(one))
                            })
                            .collect(),
                        other => vec![Value::from_dynamic(other)],
                    },
                    other => vec![other],
                })
                .collect();
            let n = lists.iter().map(Vec::len).max().unwrap_or(0);
            let n = limit.map_or(n, |l| n.min(l));
            for k in 0..n {
                let mut row = base.clone();
                row.resize(width, Value::Null);
                for ((_, i), list) in targets.iter().zip(&lists) {
                    row[*i] = match list.get(k) {
                        Some(Value::Dynamic(d)) => Value::Dynamic(d.clone()),
                        Some(Value::Null) | None => Value::Null,
                        Some(v) => Value::dynamic(v.to_json()),
                    };
                }
                out.push(row);
            }
        }
        Ok(Rel::made(cols, out, &self.tables.pool))
    }

    // ---- expressions ----

    pub fn compile(&mut self, e: &Expr, cols: &[Col]) -> R<(C, ColumnType)> {
        let (c, ty) = self.compile_inner(e, cols)?;
        // Fold what does not depend on a row.
        if is_const(&c) && !matches!(c, C::Const(_)) {
            let empty = Rel::made(Vec::new(), vec![Vec::new()], &self.tables.pool);
            return Ok((C::Const(eval(&c, &empty, 0)), ty));
        }
        Ok((c, ty))
    }

    fn compile_inner(&mut self, e: &Expr, cols: &[Col]) -> R<(C, ColumnType)> {
        use ColumnType as T;
        Ok(match &e.kind {
            ExprKind::Literal(l) => {
                let v = match l {
                    Literal::Bool(b) => Value::Bool(*b),
                    Literal::Long(n) => Value::Long(*n),
                    Literal::Real(n) => Value::Real(*n),
                    Literal::Str(s) => Value::str(s),
                    Literal::DateTime(t) => Value::DateTime(*t),
                    Literal::Timespan(t) => Value::Timespan(*t),
                    Literal::Dynamic(d) => Value::dynamic(d.clone()),
                    Literal::Null => Value::Null,
                };
                let ty = match l {
                    Literal::Null => T::Dynamic,
                    _ => v.column_type().unwrap_or(T::Dynamic),
                };
                (C::Const(v), ty)
            }
            ExprKind::Name(n) => {
                if let Some(i) = cols.iter().position(|c| &c.name == n) {
                    return Ok((C::Col(i), cols[i].ty));
                }
                match self.lets.get(n) {
                    Some(Bound::Scalar(v, ty)) => (C::Const(v.clone()), *ty),
                    Some(Bound::Tabular(_)) => {
                        return Err(KqlError::at(
                            e.span,
                            format!(
                                "'{n}' is a table: use it as a source, in join, or in 'in ({n})'"
                            ),
                        ))
                    }
                    None => return Err(unknown_column(n, e.span, cols)),
                }
            }
            ExprKind::Star => {
                return Err(KqlError::at(
                    e.span,
                    "'*' is only allowed in arg_max/arg_min and distinct",
                ))
            }
            ExprKind::Neg(inner) => {
                let (c, ty) = self.compile(inner, cols)?;
                (C::Neg(Box::new(c)), ty)
            }
            ExprKind::Binary { op, left, right } => {
                let (l, lt) = self.compile(left, cols)?;
                let (r, rt) = self.compile(right, cols)?;
                match op {
                    BinOp::And => (C::And(Box::new(l), Box::new(r)), T::Bool),
                    BinOp::Or => (C::Or(Box::new(l), Box::new(r)), T::Bool),
                    BinOp::Str {
                        op: StrOp::MatchesRegex,
                        ..
                    } => {
                        let re = self.regex_of(&r, right.span)?;
                        (C::Regex(Box::new(l), re), T::Bool)
                    }
                    BinOp::Str { op, negated } => (
                        C::Str {
                            op: *op,
                            negated: *negated,
                            left: Box::new(l),
                            right: Box::new(r),
                        },
                        T::Bool,
                    ),
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        check_comparable(lt, rt, e.span)?;
                        (C::Bin(*op, Box::new(l), Box::new(r)), T::Bool)
                    }
                    BinOp::EqCi | BinOp::NeCi => (C::Bin(*op, Box::new(l), Box::new(r)), T::Bool),
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                        let ty = arithmetic_type(*op, lt, rt).ok_or_else(|| {
                            KqlError::at(
                                e.span,
                                format!(
                                    "Cannot apply '{}' to a {} and a {}",
                                    op_text(*op),
                                    lt.kql(),
                                    rt.kql()
                                ),
                            )
                        })?;
                        (C::Bin(*op, Box::new(l), Box::new(r)), ty)
                    }
                }
            }
            ExprKind::List {
                op,
                negated,
                value,
                items,
            } => {
                let (v, _) = self.compile(value, cols)?;
                let mut values = Vec::new();
                for item in items {
                    match &item.kind {
                        ExprKind::Subquery(p) => {
                            let rel = self.pipeline(p)?;
                            values.extend((0..rel.len()).map(|r| rel.cell(r, 0)));
                        }
                        ExprKind::Name(n)
                            if matches!(self.lets.get(n), Some(Bound::Tabular(_))) =>
                        {
                            if let Some(Bound::Tabular(rel)) = self.lets.get(n) {
                                if rel.cols.is_empty() {
                                    continue;
                                }
                                values.extend((0..rel.len()).map(|r| rel.cell(r, 0)));
                            }
                        }
                        _ => {
                            let (c, _) = self.compile(item, cols)?;
                            match c {
                                C::Const(v) => values.push(v),
                                _ => {
                                    return Err(KqlError::unsupported(
                                        item.span,
                                        "row values in the list of in/has_any (use constants, a let or a subquery)",
                                    ))
                                }
                            }
                        }
                    }
                }
                (
                    C::List {
                        op: *op,
                        negated: *negated,
                        value: Box::new(v),
                        items: Rc::new(ListItems::new(values)),
                    },
                    T::Bool,
                )
            }
            ExprKind::Between {
                negated,
                value,
                low,
                high,
            } => {
                let (v, vt) = self.compile(value, cols)?;
                let (l, lt) = self.compile(low, cols)?;
                let (h, ht) = self.compile(high, cols)?;
                check_comparable(vt, lt, e.span)?;
                if !(vt == T::DateTime && ht == T::Timespan) {
                    check_comparable(vt, ht, e.span)?;
                }
                (
                    C::Between {
                        negated: *negated,
                        value: Box::new(v),
                        low: Box::new(l),
                        high: Box::new(h),
                    },
                    T::Bool,
                )
            }
            ExprKind::Member(base, name) => {
                if let ExprKind::Name(b) = &base.kind {
                    if b == "$left" || b == "$right" {
                        return Err(KqlError::at(
                            e.span,
                            "$left and $right are only for join's 'on'",
                        ));
                    }
                }
                let (b, _) = self.compile(base, cols)?;
                (C::Member(Box::new(b), name.clone()), T::Dynamic)
            }
            ExprKind::Index(base, idx) => {
                let (b, _) = self.compile(base, cols)?;
                let (i, _) = self.compile(idx, cols)?;
                (C::Index(Box::new(b), Box::new(i)), T::Dynamic)
            }
            ExprKind::Subquery(_) => {
                return Err(KqlError::at(
                    e.span,
                    "A tabular expression is not a value here",
                ))
            }
            ExprKind::Call { name, args } => return self.call(name, args, e.span, cols),
        })
    }

    fn call(&mut self, name: &str, args: &[Expr], span: Span, cols: &[Col]) -> R<(C, ColumnType)> {
        use ColumnType as T;
        match name {
            "now" => {
                let mut t = self.now;
                if let Some(a) = args.first() {
                    let (c, _) = self.compile(a, cols)?;
                    match c {
                        C::Const(Value::Timespan(d)) => t = t.saturating_add(d),
                        _ => return Err(KqlError::at(a.span, "now() takes a timespan offset")),
                    }
                }
                return Ok((C::Const(Value::DateTime(t)), T::DateTime));
            }
            "ago" => {
                let [a] = args else {
                    return Err(KqlError::at(span, "ago() takes one timespan (ago(7d))"));
                };
                let (c, ty) = self.compile(a, cols)?;
                if ty != T::Timespan {
                    return Err(KqlError::at(
                        a.span,
                        format!("ago() takes a timespan, not a {}", ty.kql()),
                    ));
                }
                return Ok((
                    C::Bin(
                        BinOp::Sub,
                        Box::new(C::Const(Value::DateTime(self.now))),
                        Box::new(c),
                    ),
                    T::DateTime,
                ));
            }
            "extract" => {
                if args.len() < 3 || args.len() > 4 {
                    return Err(KqlError::at(
                        span,
                        "extract() takes a regex, a capture group and a text",
                    ));
                }
                let (re, _) = self.compile(&args[0], cols)?;
                let re = self.regex_of(&re, args[0].span)?;
                let (g, _) = self.compile(&args[1], cols)?;
                let group = match g {
                    C::Const(v) => v.as_i64().filter(|g| *g >= 0).ok_or_else(|| {
                        KqlError::at(
                            args[1].span,
                            "extract()'s capture group is a number, 0 or more",
                        )
                    })?,
                    _ => {
                        return Err(KqlError::at(
                            args[1].span,
                            "extract()'s capture group must be a constant",
                        ))
                    }
                } as usize;
                if group >= re.captures_len() {
                    return Err(KqlError::at(
                        args[1].span,
                        format!("The regex has no capture group {group}"),
                    ));
                }
                let (text, _) = self.compile(&args[2], cols)?;
                let ty = match args.get(3) {
                    Some(Expr {
                        kind: ExprKind::Name(t),
                        span,
                    })
                    | Some(Expr {
                        kind: ExprKind::Call { name: t, .. },
                        span,
                    }) => Some(
                        ColumnType::parse(t)
                            .ok_or_else(|| KqlError::at(*span, format!("'{t}' is not a type")))?,
                    ),
                    Some(other) => {
                        return Err(KqlError::at(
                            other.span,
                            "extract()'s fourth argument is a type (typeof(long))",
                        ))
                    }
                    None => None,
                };
                return Ok((
                    C::Extract(re, group, Box::new(text), ty),
                    ty.unwrap_or(T::String),
                ));
            }
            "typeof" => {
                return Err(KqlError::at(
                    span,
                    "typeof() is only allowed as extract()'s type",
                ))
            }
            _ => {}
        }
        let mut compiled = Vec::new();
        let mut types = Vec::new();
        for a in args {
            if let ExprKind::Star = a.kind {
                return Err(KqlError::at(
                    a.span,
                    format!("'*' is not an argument of {name}()"),
                ));
            }
            let (c, ty) = self.compile(a, cols)?;
            compiled.push(c);
            types.push(ty);
        }
        let (f, ty) = Func::resolve(name, &types, span)?;
        Ok((C::Call(f, compiled), ty))
    }

    fn regex_of(&self, c: &C, span: Span) -> R<Rc<Regex>> {
        match c {
            C::Const(v) => {
                let pattern = v.to_text();
                Regex::new(&pattern)
                    .map(Rc::new)
                    .map_err(|err| KqlError::at(span, format!("This regex cannot be read: {err}")))
            }
            _ => Err(KqlError::at(span, "The regex must be a constant string")),
        }
    }
}

fn is_const(c: &C) -> bool {
    match c {
        C::Const(_) => true,
        C::Col(_) => false,
        C::Neg(a) | C::Member(a, _) | C::Regex(a, _) | C::Extract(_, _, a, _) => is_const(a),
        C::And(a, b) | C::Or(a, b) | C::Bin(_, a, b) | C::Index(a, b) => is_const(a) && is_const(b),
        C::Str { left, right, .. } => is_const(left) && is_const(right),
        C::List { value, .. } => is_const(value),
        C::Between {
            value, low, high, ..
        } => is_const(value) && is_const(low) && is_const(high),
        C::Call(_, args) => args.iter().all(is_const),
    }
}

fn op_text(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Mod => "%",
        _ => "?",
    }
}

fn family(t: ColumnType) -> u8 {
    match t {
        ColumnType::Int | ColumnType::Long | ColumnType::Real => 1,
        ColumnType::String | ColumnType::Guid => 2,
        ColumnType::DateTime => 3,
        ColumnType::Timespan => 4,
        ColumnType::Bool => 5,
        ColumnType::Dynamic => 0,
    }
}

fn check_comparable(a: ColumnType, b: ColumnType, span: Span) -> R<()> {
    let (fa, fb) = (family(a), family(b));
    if fa == 0 || fb == 0 || fa == fb {
        return Ok(());
    }
    Err(KqlError::at(
        span,
        format!(
            "Cannot compare a {} with a {} (convert one side: tostring(), tolong(), todatetime())",
            a.kql(),
            b.kql()
        ),
    ))
}

fn arithmetic_type(op: BinOp, a: ColumnType, b: ColumnType) -> Option<ColumnType> {
    use ColumnType as T;
    Some(match (op, a, b) {
        (_, T::Dynamic, _) | (_, _, T::Dynamic) => T::Dynamic,
        (_, T::Real, x) | (_, x, T::Real) if family(x) == 1 => T::Real,
        (_, T::Int, T::Int) => T::Int,
        (_, x, y) if family(x) == 1 && family(y) == 1 => T::Long,
        (BinOp::Add, T::DateTime, T::Timespan) | (BinOp::Add, T::Timespan, T::DateTime) => {
            T::DateTime
        }
        (BinOp::Sub, T::DateTime, T::Timespan) => T::DateTime,
        (BinOp::Sub, T::DateTime, T::DateTime) => T::Timespan,
        (BinOp::Add | BinOp::Sub | BinOp::Mod, T::Timespan, T::Timespan) => T::Timespan,
        (BinOp::Div, T::Timespan, T::Timespan) => T::Real,
        (BinOp::Mul | BinOp::Div, T::Timespan, x) if family(x) == 1 => T::Timespan,
        (BinOp::Mul, x, T::Timespan) if family(x) == 1 => T::Timespan,
        _ => return None,
    })
}

pub(crate) fn unknown_column(name: &str, span: Span, cols: &[Col]) -> KqlError {
    let hint = cols
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
        .map(|c| {
            format!(
                " (did you mean '{}'? column names are case-sensitive)",
                c.name
            )
        })
        .unwrap_or_default();
    KqlError::at(
        span,
        format!("Failed to resolve scalar expression named '{name}'{hint}"),
    )
}

fn check_unique<'n>(names: impl Iterator<Item = &'n str>, span: Span) -> R<()> {
    let mut seen = HashSet::new();
    for n in names {
        if !seen.insert(n) {
            return Err(KqlError::at(
                span,
                format!("The column '{n}' is named twice"),
            ));
        }
    }
    Ok(())
}

/// `*` wildcards in a column or table name pattern.
pub(crate) fn wildcard(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let mut rest = name;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(p) => rest = &rest[p + part.len()..],
                None => return false,
            }
        }
    }
    true
}

fn match_patterns(rel: &Rel, patterns: &[NamePattern]) -> R<HashSet<usize>> {
    let mut out = HashSet::new();
    for p in patterns {
        let before = out.len();
        for (i, c) in rel.cols.iter().enumerate() {
            if wildcard(&p.pattern, &c.name) {
                out.insert(i);
            }
        }
        if out.len() == before && !p.pattern.contains('*') {
            return Err(unknown_column(&p.pattern, p.span, &rel.cols));
        }
    }
    Ok(out)
}

fn union<'a>(rels: Vec<Rel<'a>>, pool: &'a [std::sync::Arc<str>]) -> Rel<'a> {
    // Columns by name in order of appearance; a name with several types becomes one column per type
    // (Name_string, Name_long), as KQL does.
    let mut types: Vec<(String, Vec<ColumnType>)> = Vec::new();
    for rel in &rels {
        for c in &rel.cols {
            match types.iter_mut().find(|(n, _)| *n == c.name) {
                Some((_, ts)) => {
                    if !ts.contains(&c.ty) {
                        ts.push(c.ty);
                    }
                }
                None => types.push((c.name.clone(), vec![c.ty])),
            }
        }
    }
    let mut cols = Vec::new();
    for (name, ts) in &types {
        if ts.len() == 1 {
            cols.push(Col {
                name: name.clone(),
                ty: ts[0],
            });
        } else {
            for t in ts {
                cols.push(Col {
                    name: format!("{name}_{}", t.kql()),
                    ty: *t,
                });
            }
        }
    }
    let parts = rels
        .into_iter()
        .map(|rel| {
            let map = cols
                .iter()
                .map(|o| {
                    rel.cols.iter().position(|c| {
                        c.ty == o.ty
                            && (c.name == o.name || format!("{}_{}", c.name, c.ty.kql()) == o.name)
                    })
                })
                .collect();
            (rel, map)
        })
        .collect();
    concat(cols, parts, pool)
}

fn concat<'a>(
    cols: Vec<Col>,
    parts: Vec<(Rel<'a>, Vec<Option<usize>>)>,
    pool: &'a [std::sync::Arc<str>],
) -> Rel<'a> {
    let mut starts = Vec::with_capacity(parts.len());
    let mut len = 0;
    for (p, _) in &parts {
        starts.push(len);
        len += p.len();
    }
    Rel {
        cols,
        rows: Rows::Concat {
            parts: Rc::new(parts),
            starts: Rc::new(starts),
            len,
        },
        pool,
    }
}

fn is_aggregate_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { name, .. }
        if functions::AGGREGATES.contains(&name.as_str())
            || super::aggregate::UNSUPPORTED_AGGREGATES.contains(&name.as_str()))
}

/// `e` with each aggregation in it replaced by a hidden column (`__agg0`, …) computed by `hidden`.
fn lift(e: &Expr, hidden: &mut Vec<NamedExpr>) -> Expr {
    if is_aggregate_call(e) {
        let name = format!("__agg{}", hidden.len());
        hidden.push(NamedExpr {
            name: Some(name.clone()),
            expr: e.clone(),
        });
        return Expr {
            kind: ExprKind::Name(name),
            span: e.span,
        };
    }
    let kind = match &e.kind {
        ExprKind::Call { name, args } => ExprKind::Call {
            name: name.clone(),
            args: args.iter().map(|a| lift(a, hidden)).collect(),
        },
        ExprKind::Neg(a) => ExprKind::Neg(Box::new(lift(a, hidden))),
        ExprKind::Binary { op, left, right } => ExprKind::Binary {
            op: *op,
            left: Box::new(lift(left, hidden)),
            right: Box::new(lift(right, hidden)),
        },
        ExprKind::Member(a, n) => ExprKind::Member(Box::new(lift(a, hidden)), n.clone()),
        ExprKind::Index(a, i) => {
            ExprKind::Index(Box::new(lift(a, hidden)), Box::new(lift(i, hidden)))
        }
        other => other.clone(),
    };
    Expr { kind, span: e.span }
}

/// `c` over a union's columns rewritten over one part's (`map`: the part's column for each; a column
/// the part lacks reads as empty or null).
fn remap(c: &C, map: &[Option<usize>], cols: &[Col]) -> C {
    let r = |x: &C| Box::new(remap(x, map, cols));
    match c {
        C::Const(v) => C::Const(v.clone()),
        C::Col(i) => match map.get(*i).copied().flatten() {
            Some(j) => C::Col(j),
            None if cols.get(*i).is_some_and(|c| c.ty == ColumnType::String) => {
                C::Const(Value::str(""))
            }
            None => C::Const(Value::Null),
        },
        C::Neg(a) => C::Neg(r(a)),
        C::And(a, b) => C::And(r(a), r(b)),
        C::Or(a, b) => C::Or(r(a), r(b)),
        C::Bin(op, a, b) => C::Bin(*op, r(a), r(b)),
        C::Str {
            op,
            negated,
            left,
            right,
        } => C::Str {
            op: *op,
            negated: *negated,
            left: r(left),
            right: r(right),
        },
        C::Regex(a, re) => C::Regex(r(a), re.clone()),
        C::List {
            op,
            negated,
            value,
            items,
        } => C::List {
            op: *op,
            negated: *negated,
            value: r(value),
            items: items.clone(),
        },
        C::Between {
            negated,
            value,
            low,
            high,
        } => C::Between {
            negated: *negated,
            value: r(value),
            low: r(low),
            high: r(high),
        },
        C::Member(a, n) => C::Member(r(a), n.clone()),
        C::Index(a, b) => C::Index(r(a), r(b)),
        C::Call(f, args) => C::Call(*f, args.iter().map(|a| remap(a, map, cols)).collect()),
        C::Extract(re, g, a, ty) => C::Extract(re.clone(), *g, r(a), *ty),
    }
}

/// The top-level `and`s of a predicate, in order.
fn conjuncts(c: C) -> Vec<C> {
    match c {
        C::And(a, b) => {
            let mut out = conjuncts(*a);
            out.extend(conjuncts(*b));
            out
        }
        other => vec![other],
    }
}

/// Whether a predicate reads no column but `found` (set to the first it reads).
fn only_column(c: &C, found: &mut Option<usize>) -> bool {
    match c {
        C::Const(_) => true,
        C::Col(i) => match found {
            Some(j) => *j == *i,
            None => {
                *found = Some(*i);
                true
            }
        },
        C::Neg(a) | C::Member(a, _) | C::Regex(a, _) | C::Extract(_, _, a, _) => {
            only_column(a, found)
        }
        C::And(a, b) | C::Or(a, b) | C::Bin(_, a, b) | C::Index(a, b) => {
            only_column(a, found) && only_column(b, found)
        }
        C::Str { left, right, .. } => only_column(left, found) && only_column(right, found),
        C::List { value, .. } => only_column(value, found),
        C::Between {
            value, low, high, ..
        } => only_column(value, found) && only_column(low, found) && only_column(high, found),
        C::Call(_, args) => args.iter().all(|a| only_column(a, found)),
    }
}

/// The rows where a predicate holds. A predicate of one stored string column is decided once per
/// distinct string (most columns repeat a few values across a million rows).
fn filter(c: &C, rel: &Rel) -> Vec<usize> {
    // Over a union, each part on its own (with its own columns), so the fast paths apply to each.
    if let Rows::Concat { parts, starts, .. } = &rel.rows {
        let mut out = Vec::new();
        for ((part, map), start) in parts.iter().zip(starts.iter()) {
            let local = remap(c, map, &rel.cols);
            out.extend(filter(&local, part).into_iter().map(|r| r + start));
        }
        return out;
    }
    let mut col = None;
    if only_column(c, &mut col) {
        if let Some(col) = col.filter(|&i| rel.is_stored_string(i)) {
            let mut memo: FastMap<u32, bool> = FastMap::default();
            return (0..rel.len())
                .filter(|&r| {
                    let id = rel.str_id(r, col).unwrap_or(0);
                    *memo.entry(id).or_insert_with(|| truthy(&eval(c, rel, r)))
                })
                .collect();
        }
    }
    (0..rel.len())
        .filter(|&r| truthy(&eval(c, rel, r)))
        .collect()
}

fn join<'a>(
    left: Rel<'a>,
    right: Rel<'a>,
    kind: JoinKind,
    on: &[JoinKey],
    pool: &'a [std::sync::Arc<str>],
) -> R<Rel<'a>> {
    let mut lk = Vec::new();
    let mut rk = Vec::new();
    for k in on {
        let l = left
            .col_index(&k.left)
            .ok_or_else(|| unknown_column(&k.left, k.span, &left.cols))?;
        let r = right.col_index(&k.right).ok_or_else(|| {
            let mut e = unknown_column(&k.right, k.span, &right.cols);
            e.message.push_str(" on the join's right side");
            e
        })?;
        check_comparable(left.cols[l].ty, right.cols[r].ty, k.span)?;
        lk.push(l);
        rk.push(r);
    }
    let key = |rel: &Rel, cols: &[usize], r: usize| -> Option<Vec<Value>> {
        let k: Vec<Value> = cols.iter().map(|&c| rel.cell(r, c)).collect();
        if k.iter().any(Value::is_null) {
            None
        } else {
            Some(k)
        }
    };
    let mut right_index: FastMap<Vec<Value>, Vec<usize>> = FastMap::default();
    for r in 0..right.len() {
        if let Some(k) = key(&right, &rk, r) {
            right_index.entry(k).or_default().push(r);
        }
    }
    let mut left_rows: Vec<usize> = (0..left.len()).collect();
    if kind == JoinKind::InnerUnique {
        let mut seen = FastSet::default();
        left_rows.retain(|&r| key(&left, &lk, r).is_none_or(|k| seen.insert(k)));
    }
    // Output columns: the left's, then the right's (renamed Name1 when the left has the name).
    let names: HashSet<String> = left.cols.iter().map(|c| c.name.clone()).collect();
    let right_cols: Vec<Col> = right
        .cols
        .iter()
        .map(|c| {
            let mut name = c.name.clone();
            let mut k = 1;
            while names.contains(&name) {
                name = format!("{}{k}", c.name);
                k += 1;
            }
            Col { name, ty: c.ty }
        })
        .collect();
    let null_row = |cols: &[Col]| -> Vec<Value> {
        cols.iter()
            .map(|c| {
                if c.ty == ColumnType::String {
                    Value::str("")
                } else {
                    Value::Null
                }
            })
            .collect()
    };
    let mut rows = Vec::new();
    let mut right_matched = vec![false; right.len()];
    match kind {
        JoinKind::LeftSemi | JoinKind::LeftAnti => {
            let keep: Vec<usize> = left_rows
                .into_iter()
                .filter(|&r| {
                    let found = key(&left, &lk, r).is_some_and(|k| right_index.contains_key(&k));
                    found == (kind == JoinKind::LeftSemi)
                })
                .collect();
            return Ok(left.select(keep));
        }
        JoinKind::RightSemi | JoinKind::RightAnti => {
            let mut left_keys = FastSet::default();
            for r in 0..left.len() {
                if let Some(k) = key(&left, &lk, r) {
                    left_keys.insert(k);
                }
            }
            let keep: Vec<usize> = (0..right.len())
                .filter(|&r| {
                    let found = key(&right, &rk, r).is_some_and(|k| left_keys.contains(&k));
                    found == (kind == JoinKind::RightSemi)
                })
                .collect();
            return Ok(right.select(keep));
        }
        _ => {}
    }
    for l in left_rows {
        let matches = key(&left, &lk, l).and_then(|k| right_index.get(&k));
        match matches {
            Some(ms) => {
                for &r in ms {
                    right_matched[r] = true;
                    let mut row = left.row(l);
                    row.extend(right.row(r));
                    rows.push(row);
                }
            }
            None => {
                if matches!(kind, JoinKind::LeftOuter | JoinKind::FullOuter) {
                    let mut row = left.row(l);
                    row.extend(null_row(&right_cols));
                    rows.push(row);
                }
            }
        }
    }
    if matches!(kind, JoinKind::RightOuter | JoinKind::FullOuter) {
        for (r, matched) in right_matched.iter().enumerate() {
            if !matched {
                let mut row = null_row(&left.cols);
                row.extend(right.row(r));
                rows.push(row);
            }
        }
    }
    let mut cols = left.cols.clone();
    cols.extend(right_cols);
    Ok(Rel::made(cols, rows, pool))
}

// ---- evaluation ----

pub(crate) fn eval(c: &C, rel: &Rel, r: usize) -> Value {
    match c {
        C::Const(v) => v.clone(),
        C::Col(i) => rel.cell(r, *i),
        C::Neg(a) => match eval(a, rel, r) {
            Value::Int(n) => Value::Int(n.wrapping_neg()),
            Value::Long(n) => Value::Long(n.wrapping_neg()),
            Value::Real(n) => Value::Real(-n),
            Value::Timespan(n) => Value::Timespan(n.wrapping_neg()),
            _ => Value::Null,
        },
        C::And(a, b) => Value::Bool(truthy(&eval(a, rel, r)) && truthy(&eval(b, rel, r))),
        C::Or(a, b) => Value::Bool(truthy(&eval(a, rel, r)) || truthy(&eval(b, rel, r))),
        C::Bin(op, a, b) => binary(*op, eval(a, rel, r), eval(b, rel, r)),
        C::Str {
            op,
            negated,
            left,
            right,
        } => {
            let (l, rt) = (eval(left, rel, r), eval(right, rel, r));
            let hit = string_op(*op, &text_of(&l), &text_of(&rt));
            Value::Bool(hit != *negated)
        }
        C::Regex(a, re) => Value::Bool(re.is_match(&text_of(&eval(a, rel, r)))),
        C::List {
            op,
            negated,
            value,
            items,
        } => {
            let v = scalar_of(eval(value, rel, r));
            let hit = match op {
                ListOp::In => {
                    if v.is_null() {
                        false
                    } else {
                        items.set.contains(&v)
                            || (items.values.len() < 16
                                && items.values.iter().any(|x| equal(&v, x) == Some(true)))
                    }
                }
                ListOp::InCi => items.lower.contains(&text_of(&v).to_lowercase()),
                ListOp::HasAny => {
                    let t = text_of(&v);
                    items
                        .values
                        .iter()
                        .any(|x| has_term(&t, &text_of(x), false, true, true))
                }
                ListOp::HasAll => {
                    let t = text_of(&v);
                    items
                        .values
                        .iter()
                        .all(|x| has_term(&t, &text_of(x), false, true, true))
                }
            };
            // A null is in no list, and not "not in" one either.
            if v.is_null() && matches!(op, ListOp::In) {
                return Value::Bool(false);
            }
            Value::Bool(hit != *negated)
        }
        C::Between {
            negated,
            value,
            low,
            high,
        } => {
            let v = scalar_of(eval(value, rel, r));
            let lo = eval(low, rel, r);
            let mut hi = eval(high, rel, r);
            if let (Value::DateTime(_), Value::Timespan(d)) = (&lo, &hi) {
                if let Value::DateTime(l) = lo {
                    hi = Value::DateTime(l.saturating_add(*d));
                }
            }
            match (compare(&v, &lo), compare(&v, &hi)) {
                (Some(a), Some(b)) => {
                    let inside = a != std::cmp::Ordering::Less && b != std::cmp::Ordering::Greater;
                    Value::Bool(inside != *negated)
                }
                _ => Value::Bool(false),
            }
        }
        C::Member(b, name) => functions::member(&eval(b, rel, r), name),
        C::Index(b, i) => functions::index(&eval(b, rel, r), &eval(i, rel, r)),
        C::Call(f, args) => {
            let values: Vec<Value> = args.iter().map(|a| eval(a, rel, r)).collect();
            f.call(&values)
        }
        C::Extract(re, group, text, ty) => {
            let v = eval(text, rel, r);
            let t = text_of(&v);
            let found = re
                .captures(&t)
                .and_then(|caps| caps.get(*group))
                .map(|m| m.as_str().to_string());
            match (found, ty) {
                (Some(s), Some(ty)) => convert(Value::str(&s), *ty),
                (Some(s), None) => Value::str(&s),
                (None, Some(_)) => Value::Null,
                (None, None) => Value::str(""),
            }
        }
    }
}

/// A dynamic scalar as the plain value it compares like.
fn scalar_of(v: Value) -> Value {
    match &v {
        Value::Dynamic(d) if !d.is_array() && !d.is_object() => dynamic_scalar(d),
        _ => v,
    }
}

fn text_of(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::Str(s) => std::borrow::Cow::Borrowed(s),
        other => std::borrow::Cow::Owned(other.to_text()),
    }
}

/// KQL's `==` between two values: `None` when either is null or they cannot be compared.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    compare(a, b).map(|o| o == std::cmp::Ordering::Equal)
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    let (a, b) = (scalar_of(a.clone()), scalar_of(b.clone()));
    match (&a, &b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Str(x), Value::Str(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Value::DateTime(x), Value::DateTime(y)) | (Value::Timespan(x), Value::Timespan(y)) => {
            Some(x.cmp(y))
        }
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Dynamic(x), Value::Dynamic(y)) => Some(if x == y {
            std::cmp::Ordering::Equal
        } else {
            x.to_string().cmp(&y.to_string())
        }),
        (x, y) => match (x.as_i64(), y.as_i64()) {
            (Some(p), Some(q)) => Some(p.cmp(&q)),
            _ => match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) => p.partial_cmp(&q),
                _ => match (x, y) {
                    (Value::Str(s), other) | (other, Value::Str(s))
                        if other.column_type().is_some() =>
                    {
                        let t = other.to_text();
                        let o = if matches!(x, Value::Str(_)) {
                            s.as_ref().cmp(t.as_str())
                        } else {
                            t.as_str().cmp(s.as_ref())
                        };
                        Some(o)
                    }
                    _ => None,
                },
            },
        },
    }
}

fn binary(op: BinOp, a: Value, b: Value) -> Value {
    use std::cmp::Ordering::*;
    match op {
        BinOp::Eq => equal(&a, &b).map_or(Value::Bool(false), Value::Bool),
        BinOp::Ne => equal(&a, &b).map_or(Value::Bool(false), |e| Value::Bool(!e)),
        BinOp::EqCi | BinOp::NeCi => {
            if a.is_null() || b.is_null() {
                return Value::Bool(false);
            }
            let (x, y) = (text_of(&a), text_of(&b));
            let same = if x.is_ascii() && y.is_ascii() {
                x.eq_ignore_ascii_case(&y)
            } else {
                x.to_lowercase() == y.to_lowercase()
            };
            Value::Bool(same == (op == BinOp::EqCi))
        }
        BinOp::Lt => Value::Bool(compare(&a, &b) == Some(Less)),
        BinOp::Le => Value::Bool(matches!(compare(&a, &b), Some(Less | Equal))),
        BinOp::Gt => Value::Bool(compare(&a, &b) == Some(Greater)),
        BinOp::Ge => Value::Bool(matches!(compare(&a, &b), Some(Greater | Equal))),
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
            arithmetic(op, scalar_of(a), scalar_of(b))
        }
        BinOp::And | BinOp::Or | BinOp::Str { .. } => Value::Null,
    }
}

fn arithmetic(op: BinOp, a: Value, b: Value) -> Value {
    use Value as V;
    match (op, &a, &b) {
        (_, V::Null, _) | (_, _, V::Null) => V::Null,
        (BinOp::Add, V::DateTime(t), V::Timespan(d))
        | (BinOp::Add, V::Timespan(d), V::DateTime(t)) => {
            t.checked_add(*d).map_or(V::Null, V::DateTime)
        }
        (BinOp::Sub, V::DateTime(t), V::Timespan(d)) => {
            t.checked_sub(*d).map_or(V::Null, V::DateTime)
        }
        (BinOp::Sub, V::DateTime(x), V::DateTime(y)) => {
            x.checked_sub(*y).map_or(V::Null, V::Timespan)
        }
        (BinOp::Add, V::Timespan(x), V::Timespan(y)) => {
            x.checked_add(*y).map_or(V::Null, V::Timespan)
        }
        (BinOp::Sub, V::Timespan(x), V::Timespan(y)) => {
            x.checked_sub(*y).map_or(V::Null, V::Timespan)
        }
        (BinOp::Mod, V::Timespan(x), V::Timespan(y)) => {
            x.checked_rem(*y).map_or(V::Null, V::Timespan)
        }
        (BinOp::Div, V::Timespan(x), V::Timespan(y)) => {
            if *y == 0 {
                V::Null
            } else {
                V::Real(*x as f64 / *y as f64)
            }
        }
        (BinOp::Mul, V::Timespan(t), n) | (BinOp::Mul, n, V::Timespan(t)) => match n.as_f64() {
            Some(f) => {
                let x = *t as f64 * f;
                if x.is_finite() && x.abs() < i64::MAX as f64 {
                    V::Timespan(x as i64)
                } else {
                    V::Null
                }
            }
            None => V::Null,
        },
        (BinOp::Div, V::Timespan(t), n) => match n.as_f64() {
            Some(f) if f != 0.0 => V::Timespan((*t as f64 / f) as i64),
            _ => V::Null,
        },
        _ => {
            let int = matches!((&a, &b), (V::Int(_), V::Int(_)));
            match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => {
                    let v = match op {
                        BinOp::Add => x.checked_add(y),
                        BinOp::Sub => x.checked_sub(y),
                        BinOp::Mul => x.checked_mul(y),
                        BinOp::Div => x.checked_div(y),
                        BinOp::Mod => x.checked_rem(y),
                        _ => None,
                    };
                    match v {
                        Some(n) if int => i32::try_from(n).map_or(V::Long(n), V::Int),
                        Some(n) => V::Long(n),
                        None => V::Null,
                    }
                }
                _ => match (functions::to_real(&a), functions::to_real(&b)) {
                    (Some(x), Some(y)) if !matches!(a, V::Str(_)) && !matches!(b, V::Str(_)) => {
                        V::Real(match op {
                            BinOp::Add => x + y,
                            BinOp::Sub => x - y,
                            BinOp::Mul => x * y,
                            BinOp::Div => x / y,
                            _ => x % y,
                        })
                    }
                    _ => V::Null,
                },
            }
        }
    }
}

fn string_op(op: StrOp, hay: &str, needle: &str) -> bool {
    match op {
        StrOp::Has => has_term(hay, needle, false, true, true),
        StrOp::HasCs => has_term(hay, needle, true, true, true),
        StrOp::HasPrefix => has_term(hay, needle, false, true, false),
        StrOp::HasSuffix => has_term(hay, needle, false, false, true),
        StrOp::Contains => find_ci(hay, needle).next().is_some(),
        StrOp::ContainsCs => hay.contains(needle),
        StrOp::StartsWith => starts_ci(hay, needle),
        StrOp::StartsWithCs => hay.starts_with(needle),
        StrOp::EndsWith => ends_ci(hay, needle),
        StrOp::EndsWithCs => hay.ends_with(needle),
        StrOp::MatchesRegex => false,
    }
}

fn starts_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        return hay.len() >= needle.len()
            && hay.as_bytes()[..needle.len()].eq_ignore_ascii_case(needle.as_bytes());
    }
    hay.to_lowercase().starts_with(&needle.to_lowercase())
}

fn ends_ci(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        return hay.len() >= needle.len()
            && hay.as_bytes()[hay.len() - needle.len()..].eq_ignore_ascii_case(needle.as_bytes());
    }
    hay.to_lowercase().ends_with(&needle.to_lowercase())
}

/// Byte offsets (into the lower-cased text when not ASCII) where `needle` occurs, ignoring case; the
/// text searched is returned with each hit so that boundaries can be checked.
fn find_ci<'h>(
    hay: &'h str,
    needle: &str,
) -> Box<dyn Iterator<Item = (std::borrow::Cow<'h, str>, usize, usize)> + 'h> {
    if hay.is_ascii() && needle.is_ascii() {
        let n = needle.as_bytes().to_vec();
        let len = n.len();
        let h = hay.as_bytes();
        if len > h.len() {
            return Box::new(std::iter::empty());
        }
        return Box::new(
            (0..=h.len() - len)
                .filter(move |&i| h[i..i + len].eq_ignore_ascii_case(&n))
                .map(move |i| (std::borrow::Cow::Borrowed(hay), i, i + len)),
        );
    }
    let lower = hay.to_lowercase();
    let n = needle.to_lowercase();
    let hits: Vec<(usize, usize)> = lower
        .match_indices(&n)
        .map(|(i, m)| (i, i + m.len()))
        .collect();
    Box::new(
        hits.into_iter()
            .map(move |(a, b)| (std::borrow::Cow::Owned(lower.clone()), a, b)),
    )
}

/// KQL's term match: `needle` found where it starts and/or ends at a term boundary (a term is a run of
/// letters and digits).
pub(crate) fn has_term(
    hay: &str,
    needle: &str,
    case_sensitive: bool,
    at_start: bool,
    at_end: bool,
) -> bool {
    if needle.is_empty() {
        return true;
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let needle_starts_word = word(needle.chars().next());
    let needle_ends_word = word(needle.chars().next_back());
    let check = |text: &str, s: usize, e: usize| {
        let before = text[..s].chars().next_back();
        let after = text[e..].chars().next();
        (!at_start || !needle_starts_word || !word(before))
            && (!at_end || !needle_ends_word || !word(after))
    };
    if case_sensitive {
        return hay
            .match_indices(needle)
            .any(|(s, m)| check(hay, s, s + m.len()));
    }
    find_ci(hay, needle).any(|(text, s, e)| check(&text, s, e))
}

/// A value stored into a column of type `ty`.
pub(crate) fn coerce(v: Value, ty: ColumnType) -> Value {
    convert(v, ty)
}
