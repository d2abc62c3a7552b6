//! The hunting tables as stored: columnar, strings interned once in a pool shared by all tables,
//! rows ordered by `Timestamp` so that a timespan is a range. A column nobody filled costs nothing.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// A fast, non-cryptographic hasher (FxHash's multiply-rotate) for the interner and the engine's
/// group, join and set maps: keys come from the tables and the query, not from an adversary who
/// could flood a bucket, and SipHash was most of the generation time.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub(crate) type FastSet<K> = std::collections::HashSet<K, BuildHasherDefault<FxHasher>>;

use super::schema::{self, ColumnType, TableSchema};
use super::value::Value;

/// A column's cells.
#[derive(Clone, Debug)]
pub(crate) enum Cells {
    /// The same value in every row (an unfilled column is `Const` of its empty value).
    Const(Value),
    /// Ids into the pool.
    Str(Vec<u32>),
    /// Few distinct strings: codes into a dictionary of pool ids.
    Dict8(Vec<u32>, Vec<u8>),
    Dict16(Vec<u32>, Vec<u16>),
    /// `i64::MIN` is null (longs, datetimes, timespans).
    I64(Vec<i64>),
    /// `i32::MIN` is null.
    I32(Vec<i32>),
    /// 0 false, 1 true, 2 null.
    Bool(Vec<u8>),
    Real(Vec<f64>),
    /// Anything else, as values.
    Values(Vec<Value>),
}

#[derive(Clone, Debug)]
pub(crate) struct StoredColumn {
    pub name: String,
    pub ty: ColumnType,
    pub cells: Cells,
}

/// One table as stored.
#[derive(Clone, Debug)]
pub(crate) struct StoredTable {
    pub name: String,
    pub rows: usize,
    pub columns: Vec<StoredColumn>,
    /// The index of `Timestamp`, by which rows are ordered.
    pub timestamp: Option<usize>,
}

impl StoredTable {
    pub fn cell(&self, pool: &[Arc<str>], row: usize, col: usize) -> Value {
        let c = &self.columns[col];
        match &c.cells {
            Cells::Const(v) => v.clone(),
            Cells::Str(_) | Cells::Dict8(..) | Cells::Dict16(..) => {
                Value::Str(pool[self.str_id(row, col).unwrap_or(0) as usize].clone())
            }
            Cells::I64(v) => match v[row] {
                i64::MIN => Value::Null,
                n => match c.ty {
                    ColumnType::DateTime => Value::DateTime(n),
                    ColumnType::Timespan => Value::Timespan(n),
                    _ => Value::Long(n),
                },
            },
            Cells::I32(v) => match v[row] {
                i32::MIN => Value::Null,
                n => Value::Int(n),
            },
            Cells::Bool(v) => match v[row] {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                _ => Value::Null,
            },
            Cells::Real(v) => Value::Real(v[row]),
            Cells::Values(v) => v[row].clone(),
        }
    }

    /// The pool id of a string cell (`None` for other columns).
    #[inline]
    pub fn str_id(&self, row: usize, col: usize) -> Option<u32> {
        match &self.columns[col].cells {
            Cells::Str(ids) => Some(ids[row]),
            Cells::Dict8(dict, codes) => Some(dict[codes[row] as usize]),
            Cells::Dict16(dict, codes) => Some(dict[codes[row] as usize]),
            _ => None,
        }
    }

    /// The rows whose `Timestamp` lies in `[start, end]` (all rows for a table without one).
    pub fn rows_between(&self, start: i64, end: i64) -> Vec<u32> {
        let Some(Cells::I64(times)) = self.timestamp.map(|i| &self.columns[i].cells) else {
            return (0..self.rows as u32).collect();
        };
        let from = times.partition_point(|&t| t < start);
        let to = times.partition_point(|&t| t <= end);
        (from as u32..to.max(from) as u32).collect()
    }

    /// Bytes the cells take (strings counted in the pool).
    pub fn heap_bytes(&self) -> usize {
        self.columns
            .iter()
            .map(|c| match &c.cells {
                Cells::Const(_) => 0,
                Cells::Str(v) => v.len() * 4,
                Cells::Dict8(d, v) => d.len() * 4 + v.len(),
                Cells::Dict16(d, v) => d.len() * 4 + v.len() * 2,
                Cells::I64(v) => v.len() * 8,
                Cells::I32(v) => v.len() * 4,
                Cells::Bool(v) => v.len(),
                Cells::Real(v) => v.len() * 8,
                Cells::Values(v) => v.len() * std::mem::size_of::<Value>(),
            })
            .sum()
    }
}

/// The event tables a hunting query runs over.
#[derive(Clone, Debug, Default)]
pub struct HuntingTables {
    pub(crate) tables: Vec<StoredTable>,
    pub(crate) pool: Vec<Arc<str>>,
    ids: FastMap<Arc<str>, u32>,
}

impl HuntingTables {
    /// No tables.
    pub fn new() -> HuntingTables {
        let mut t = HuntingTables::default();
        t.intern("");
        t
    }

    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if self.ids.is_empty() && self.pool.len() > 1 {
            // Sealed: rebuild the index before adding (tables added after generation).
            let ids = self
                .pool
                .iter()
                .enumerate()
                .map(|(i, s)| (s.clone(), i as u32))
                .collect();
            self.ids = ids;
        }
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.pool.len() as u32;
        let a: Arc<str> = Arc::from(s);
        self.pool.push(a.clone());
        self.ids.insert(a, id);
        id
    }

    /// Drops the interner's index once the tables are built (strings stay in the pool).
    pub(crate) fn seal(&mut self) {
        self.ids = FastMap::default();
    }

    pub(crate) fn find(&self, name: &str) -> Option<&StoredTable> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The names of the tables held.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tables.iter().map(|t| t.name.as_str())
    }

    /// Rows of table `name` (0 when there is none).
    pub fn row_count(&self, name: &str) -> usize {
        self.find(name).map_or(0, |t| t.rows)
    }

    /// Rows of all tables.
    pub fn total_rows(&self) -> usize {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// Bytes held by the cells and the string pool (an estimate of the tables' memory).
    pub fn heap_bytes(&self) -> usize {
        let pool: usize = self.pool.iter().map(|s| s.len() + 16 + 8).sum();
        let ids = self.ids.len() * (16 + 4 + 8);
        self.tables
            .iter()
            .map(StoredTable::heap_bytes)
            .sum::<usize>()
            + pool
            + ids
    }

    /// Adds (or replaces) a table from typed rows: each row's values in `columns`' order; values are
    /// converted to the column's type where KQL would (a long into an int column), else null.
    pub fn add_table(&mut self, name: &str, columns: &[(&str, ColumnType)], rows: Vec<Vec<Value>>) {
        let mut builder = TableBuilder::custom(name, columns);
        let cols: Vec<usize> = (0..columns.len()).collect();
        for row in rows {
            let cells: Vec<Cell> = row
                .into_iter()
                .map(Cell::Value)
                .chain(std::iter::repeat_with(|| Cell::Value(Value::Null)))
                .take(columns.len())
                .collect();
            builder.push(self, &cols, cells);
        }
        builder.finish(self);
    }
}

/// A value for [`TableBuilder::push`].
pub(crate) enum Cell<'a> {
    /// An interned string.
    Id(u32),
    Str(&'a str),
    Long(i64),
    Int(i32),
    Time(i64),
    Bool(bool),
    Value(Value),
}

/// Builds one table row by row; columns never given stay empty at no cost.
pub(crate) struct TableBuilder {
    name: String,
    columns: Vec<(String, ColumnType)>,
    cells: Vec<Option<Cells>>,
    rows: usize,
    /// Columns with stored cells.
    filled: usize,
}

impl TableBuilder {
    /// A table of the schema.
    pub fn schema(table: &TableSchema) -> TableBuilder {
        let columns: Vec<(String, ColumnType)> = table
            .columns
            .iter()
            .map(|c| (c.name.to_string(), c.ty))
            .collect();
        TableBuilder {
            name: table.name.to_string(),
            cells: columns.iter().map(|_| None).collect(),
            columns,
            rows: 0,
            filled: 0,
        }
    }

    pub fn custom(name: &str, columns: &[(&str, ColumnType)]) -> TableBuilder {
        TableBuilder {
            name: name.to_string(),
            cells: columns.iter().map(|_| None).collect(),
            columns: columns.iter().map(|(n, t)| (n.to_string(), *t)).collect(),
            rows: 0,
            filled: 0,
        }
    }

    /// The indices of columns by name (for `push`); a name not in the table is a bug of the generator.
    pub fn columns(&self, names: &[&str]) -> Vec<usize> {
        names
            .iter()
            .map(|n| {
                self.columns
                    .iter()
                    .position(|(c, _)| c == n)
                    .unwrap_or_else(|| panic!("{}: no column {n}", self.name))
            })
            .collect()
    }

    /// Appends a row: `values[i]` goes to column `cols[i]`.
    pub fn push(&mut self, tables: &mut HuntingTables, cols: &[usize], values: Vec<Cell>) {
        let row = self.rows;
        let mut given = 0;
        for (&c, v) in cols.iter().zip(values) {
            let ty = self.columns[c].1;
            let slot = self.cells[c].get_or_insert_with(|| {
                self.filled += 1;
                empty_cells(ty, row)
            });
            push_cell(slot, ty, v, tables);
            given += 1;
        }
        self.rows += 1;
        if given == self.filled {
            // Every column stored so far was given (a generator's rows always give the same ones).
            return;
        }
        // Columns not given in this row get their empty value.
        for (c, slot) in self.cells.iter_mut().enumerate() {
            if let Some(cells) = slot {
                pad(cells, self.rows, self.columns[c].1);
            }
        }
    }

    /// Stores the table, ordered by `Timestamp` if it has one.
    pub fn finish(self, tables: &mut HuntingTables) {
        let rows = self.rows;
        let mut columns: Vec<StoredColumn> = self
            .columns
            .into_iter()
            .zip(self.cells)
            .map(|((name, ty), cells)| StoredColumn {
                cells: cells.unwrap_or_else(|| Cells::Const(empty_value(ty))),
                name,
                ty,
            })
            .collect();
        let timestamp = columns
            .iter()
            .position(|c| c.name == "Timestamp" && c.ty == ColumnType::DateTime);
        if let Some(ti) = timestamp {
            if let Cells::I64(times) = &columns[ti].cells {
                let mut order: Vec<u32> = (0..rows as u32).collect();
                order.sort_by_key(|&i| (times[i as usize], i));
                for c in &mut columns {
                    reorder(&mut c.cells, &order);
                }
            } else {
                // A constant Timestamp: already "ordered".
            }
        }
        for c in &mut columns {
            compact(&mut c.cells);
        }
        let table = StoredTable {
            name: self.name,
            rows,
            columns,
            timestamp: timestamp.filter(|_| true),
        };
        if let Some(t) = tables.tables.iter_mut().find(|t| t.name == table.name) {
            *t = table;
        } else {
            tables.tables.push(table);
        }
    }
}

/// The value of an unfilled cell: the empty string for strings, null otherwise.
fn empty_value(ty: ColumnType) -> Value {
    match ty {
        ColumnType::String | ColumnType::Guid => Value::str(""),
        _ => Value::Null,
    }
}

fn empty_cells(ty: ColumnType, rows: usize) -> Cells {
    match ty {
        ColumnType::String | ColumnType::Guid => Cells::Str(vec![0; rows]),
        ColumnType::Long | ColumnType::DateTime | ColumnType::Timespan => {
            Cells::I64(vec![i64::MIN; rows])
        }
        ColumnType::Int => Cells::I32(vec![i32::MIN; rows]),
        ColumnType::Bool => Cells::Bool(vec![2; rows]),
        ColumnType::Real => Cells::Real(vec![f64::NAN; rows]),
        ColumnType::Dynamic => Cells::Values(vec![Value::Null; rows]),
    }
}

fn pad(cells: &mut Cells, rows: usize, ty: ColumnType) {
    match cells {
        Cells::Str(v) => v.resize(rows, 0),
        Cells::I64(v) => v.resize(rows, i64::MIN),
        Cells::I32(v) => v.resize(rows, i32::MIN),
        Cells::Bool(v) => v.resize(rows, 2),
        Cells::Real(v) => v.resize(rows, f64::NAN),
        Cells::Values(v) => v.resize(rows, empty_value(ty)),
        Cells::Const(_) | Cells::Dict8(..) | Cells::Dict16(..) => {}
    }
}

fn push_cell(cells: &mut Cells, ty: ColumnType, v: Cell, tables: &mut HuntingTables) {
    let value = match v {
        Cell::Id(id) => {
            if let Cells::Str(s) = cells {
                s.push(id);
                return;
            }
            Value::Str(tables.pool[id as usize].clone())
        }
        Cell::Str(s) => {
            if let Cells::Str(ids) = cells {
                let id = tables.intern(s);
                ids.push(id);
                return;
            }
            Value::str(s)
        }
        Cell::Long(n) => Value::Long(n),
        Cell::Int(n) => Value::Int(n),
        Cell::Time(t) => Value::DateTime(t),
        Cell::Bool(b) => Value::Bool(b),
        Cell::Value(v) => v,
    };
    let value = super::eval::coerce(value, ty);
    match cells {
        Cells::Str(ids) => {
            let text = value.to_text();
            let id = tables.intern(&text);
            ids.push(id);
        }
        Cells::I64(v) => v.push(match value {
            Value::Long(n) | Value::DateTime(n) | Value::Timespan(n) => n,
            Value::Int(n) => i64::from(n),
            _ => i64::MIN,
        }),
        Cells::I32(v) => v.push(match value {
            Value::Int(n) => n,
            _ => i32::MIN,
        }),
        Cells::Bool(v) => v.push(match value {
            Value::Bool(b) => u8::from(b),
            _ => 2,
        }),
        Cells::Real(v) => v.push(value.as_f64().unwrap_or(f64::NAN)),
        Cells::Values(v) => v.push(value),
        Cells::Const(_) | Cells::Dict8(..) | Cells::Dict16(..) => {}
    }
}

/// A string column with few distinct values stored as 1- or 2-byte codes.
fn compact(cells: &mut Cells) {
    let Cells::Str(ids) = cells else { return };
    let mut dict: Vec<u32> = Vec::new();
    let mut code_of: FastMap<u32, u32> = FastMap::default();
    for &id in ids.iter() {
        if let std::collections::hash_map::Entry::Vacant(e) = code_of.entry(id) {
            if dict.len() >= 65_536 {
                return;
            }
            e.insert(dict.len() as u32);
            dict.push(id);
        }
    }
    let code = |id: &u32| code_of.get(id).copied().unwrap_or(0);
    *cells = if dict.len() <= 256 {
        Cells::Dict8(dict, ids.iter().map(|id| code(id) as u8).collect())
    } else {
        Cells::Dict16(dict, ids.iter().map(|id| code(id) as u16).collect())
    };
}

fn reorder(cells: &mut Cells, order: &[u32]) {
    fn apply<T: Clone>(v: &mut Vec<T>, order: &[u32]) {
        let out: Vec<T> = order.iter().map(|&i| v[i as usize].clone()).collect();
        *v = out;
    }
    match cells {
        Cells::Const(_) => {}
        Cells::Str(v) => apply(v, order),
        Cells::Dict8(_, v) => apply(v, order),
        Cells::Dict16(_, v) => apply(v, order),
        Cells::I64(v) => apply(v, order),
        Cells::I32(v) => apply(v, order),
        Cells::Bool(v) => apply(v, order),
        Cells::Real(v) => apply(v, order),
        Cells::Values(v) => apply(v, order),
    }
}

/// The schema table named `name` (the generator's tables are all in the schema).
pub(crate) fn schema_table(name: &str) -> &'static TableSchema {
    schema::table(name).unwrap_or_else(|| panic!("no hunting table {name}"))
}
