//! Advanced hunting: the analyst's KQL, parsed, completed and run over the demo tenant's event tables,
//! with answers in the hunting APIs' shapes.
//!
//! - [`parse`] reads a query into a [`Query`], or a [`KqlError`] with its byte offset, line and column
//!   ([`KqlError::caret`] draws the line with a caret under the problem).
//! - [`tables`]/[`table`] are the schema: every column with its [`ColumnType`], and the [`EntityMark`]
//!   of the columns that identify an entity (what a pivot link opens).
//! - [`complete`] offers table, operator and column names at a cursor.
//! - [`run`] runs a query over [`HuntingTables`] (generated from a demo dataset by
//!   `demo::hunting::generate_tables`) for a [`Timespan`] and gives a [`HuntingResult`]: typed columns, rows,
//!   the `render` asked for, and whether rows were cut at [`MAX_ROWS`].
//! - [`HuntingResult::to_graph_json`]/[`HuntingResult::to_defender_json`] write Graph's
//!   `{"schema","results"}` and Defender's `{"Schema","Results"}`; [`HuntingResult::read`] reads either
//!   (live answers go through it); [`render_of`] finds a query's chart for answers that lack it.
//!
//! # The KQL it runs
//!
//! With KQL's semantics: `==`, `!=`, `in`, `has_cs`, `contains_cs` … are case-sensitive; `=~`, `!~`,
//! `in~`, `has`, `contains`, `startswith`, `endswith` are not; `has` matches whole terms (runs of
//! letters and digits); a comparison with null is false; `sort`/`top` are descending unless `asc`,
//! nulls last descending and first ascending; `join` without `kind` is `innerunique`.
//!
//! - Statements: `let name = scalar;`, `let name = tabular;`, one tabular expression; `//` comments.
//! - Sources: a table, a tabular `let`, `union A, B` (wildcards: `union Device*Events`),
//!   `(query)`, `materialize(query)`, `datatable(Name: type, …) [values]`, `print x = …`.
//! - Operators: `where`/`filter`, `project` (renames, expressions), `project-away`, `project-keep`,
//!   `project-rename`, `project-reorder`, `extend`, `summarize … by …` (expressions over aggregations
//!   too), `top N by x [asc|desc] [nulls first|last]`, `take`/`limit`, `sort`/`order by`, `distinct`,
//!   `count`, `join kind=inner|innerunique|leftouter|rightouter|fullouter|leftanti|rightanti|leftsemi|
//!   rightsemi (…) on Col, $left.A == $right.B`, `union`, `mv-expand [Name =] x [to typeof(t)] [limit
//!   N]`, `render timechart|columnchart|barchart|piechart|linechart|areachart|scatterchart|table [with
//!   (k = v, …)]`.
//! - Aggregations: `count`, `countif`, `dcount`, `dcountif`, `min`, `max`, `minif`, `maxif`, `sum`,
//!   `sumif`, `avg`, `avgif`, `make_set`, `make_list`, `make_set_if`, `make_list_if` (with a size
//!   limit), `arg_max`, `arg_min` (with `*`), `any`/`take_any`.
//! - Scalar operators: `== != =~ !~ < <= > >=`, `and or not()`, `has !has has_cs !has_cs contains
//!   !contains contains_cs startswith endswith (and _cs, ! forms) hasprefix hassuffix`, `in !in in~ !in~`
//!   (values, a dynamic array, a tabular let or a subquery), `has_any`, `has_all`, `between (a .. b)`,
//!   `!between`, `matches regex`, `+ - * / %` on numbers, datetimes and timespans, `x.name`,
//!   `x["name"]`, `x[0]`.
//! - Literals: strings in `'` or `"` with escapes, `@'verbatim'`, `h'…'`, numbers (`0x` hex, reals),
//!   timespans (`1d 2h 30m 10s 100ms 5microsecond 1tick`), `datetime(…)`, `dynamic(…)`,
//!   `timespan(…)`, typed nulls (`long(null)`), `true`/`false`.
//! - Functions: `ago now datetime bin floor tolower toupper strcat strcat_delim strlen substring split
//!   tostring toint tolong todouble toreal todatetime totimespan tobool iff iif case coalesce isempty
//!   isnotempty isnull isnotnull parse_json todynamic extract (regex-lite) replace_string indexof countof
//!   trim reverse array_length pack_array bag_pack set_has_element base64_decode_tostring
//!   ipv4_is_private abs round min_of max_of startofday hourofday dayofweek format_datetime
//!   datetime_diff`.
//!
//! Refused with "not supported by the demo tenant's hunting engine: …" and the position: the `parse`,
//! `make-series`, `evaluate`, `invoke`, `lookup`, `mv-apply`, `search`, `find`, `as`, `serialize`,
//! `sample`, `top-nested`, `getschema`, `range`, `externaldata`, `scan`, `partition`, `fork`, `facet`
//! operators; user-defined functions and `view`s; `set`/`declare` statements; `union withsource=`,
//! `kind=inner`; `mv-expand with_itemindex`; aggregations `percentile(s)`, `stdev`, `variance`,
//! `make_bag`, `hll`, `tdigest`; functions `toscalar`, `column_ifexists`, `parse_url`, `parse_path`,
//! `parse_command_line`, `extract_all`, `replace_regex`, `hash_*`, `datetime_add`, `datetime_part`,
//! `startofweek`/`startofmonth`, `ipv4_is_match`/`ipv4_is_in_range`, `bag_keys`, `array_concat`/
//! `array_slice`, `prev`/`next`/`row_number`, `gettype`/`typeof`. Unknown names are errors naming them.
//! Regexes are regex-lite's (no Unicode classes such as `\p{L}`).

mod ast;
mod complete;
mod error;
mod lexer;
mod parser;
mod schema;
mod value;

pub use ast::*;
pub use complete::{complete, Completion, CompletionKind};
pub use error::{KqlError, Span};
pub use schema::{table, tables, ColumnSchema, ColumnType, EntityMark, TableSchema};
pub use value::{datetime_of, datetime_text, parse_datetime_text, ticks_of, timespan_text, Value};

/// Parses a KQL query. Table names are those of [`tables`] plus the query's own tabular `let`s; a name
/// is resolved when the query runs.
pub fn parse(text: &str) -> Result<Query, KqlError> {
    parser::Parser::new(text, tables().iter().map(|t| t.name.to_string()))
        .query()
        .map_err(|e| e.locate(text))
}

mod aggregate;
mod eval;
mod functions;
mod response;
mod table;
mod timespan;

use chrono::{DateTime, Utc};

pub use response::{render_of, GRAPH_CONTEXT};
pub use table::HuntingTables;
// What the demo tenant's table generator (`demo::hunting`) builds with.
pub(crate) use lexer::TICKS_PER_SECOND;
pub(crate) use table::{schema_table, Cell, FastMap, TableBuilder};
pub use timespan::Timespan;

/// Most rows a hunting answer carries, as the real APIs cap it; more is truncated.
pub const MAX_ROWS: usize = 100_000;

/// A chart a query asks for with `render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Table,
    TimeChart,
    ColumnChart,
    BarChart,
    PieChart,
    LineChart,
    AreaChart,
    ScatterChart,
}

impl ChartKind {
    pub fn parse(name: &str) -> Option<ChartKind> {
        Some(match name {
            "table" => ChartKind::Table,
            "timechart" => ChartKind::TimeChart,
            "columnchart" => ChartKind::ColumnChart,
            "barchart" => ChartKind::BarChart,
            "piechart" => ChartKind::PieChart,
            "linechart" => ChartKind::LineChart,
            "areachart" => ChartKind::AreaChart,
            "scatterchart" => ChartKind::ScatterChart,
            _ => return None,
        })
    }

    /// The kind as `render` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Table => "table",
            ChartKind::TimeChart => "timechart",
            ChartKind::ColumnChart => "columnchart",
            ChartKind::BarChart => "barchart",
            ChartKind::PieChart => "piechart",
            ChartKind::LineChart => "linechart",
            ChartKind::AreaChart => "areachart",
            ChartKind::ScatterChart => "scatterchart",
        }
    }
}

/// What `render` asked for: the chart and its `with (…)` properties (title, xtitle, ytitle, …).
#[derive(Clone, Debug, PartialEq)]
pub struct Render {
    pub kind: ChartKind,
    pub with: Vec<(String, Value)>,
}

/// A column of a hunting result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultColumn {
    pub name: String,
    pub ty: ColumnType,
}

/// A hunting query's answer: typed columns and rows, the chart asked for, and whether rows were cut at
/// [`MAX_ROWS`].
#[derive(Clone, Debug, PartialEq)]
pub struct HuntingResult {
    pub columns: Vec<ResultColumn>,
    /// Each row has one value per column.
    pub rows: Vec<Vec<Value>>,
    pub render: Option<Render>,
    pub truncated: bool,
}

/// Runs `query` over `tables`: rows of tables with a `Timestamp` outside `timespan` are left out, as
/// the service leaves out data outside the query's timespan; `now` is what `now()` and `ago()` count
/// from. Errors point into the query's text.
pub fn run(
    tables: &HuntingTables,
    query: &Query,
    timespan: Timespan,
    now: DateTime<Utc>,
) -> Result<HuntingResult, KqlError> {
    eval::Engine::new(
        tables,
        ticks_of(timespan.start),
        ticks_of(timespan.end),
        ticks_of(now),
    )
    .run(query)
    .map_err(|e| e.locate(&query.text))
}
