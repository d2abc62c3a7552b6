//! Advanced hunting: the analyst's KQL, parsed, completed and run over the demo tenant's event tables,
//! with answers in the hunting APIs' shapes.
//!
//! - [`parse`] reads a query into a [`Query`], or a [`KqlError`] with its line and column.
//! - [`tables`]/[`table`] are the schema (columns, types, and the entity each pivot column names).
//! - [`complete`] offers table and column names at a cursor.
//! - [`run`] runs a query over [`HuntingTables`] for a [`Timespan`] and gives a [`HuntingResult`].
//! - [`HuntingResult::to_graph_json`]/[`HuntingResult::to_defender_json`] write Graph's
//!   `{"schema","results"}` and Defender's `{"Schema","Results"}`; [`HuntingResult::read`] reads either.

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
mod generate;
mod response;
mod table;
mod timespan;

use chrono::{DateTime, Utc};

pub use response::{render_of, GRAPH_CONTEXT};
pub use table::HuntingTables;
pub use timespan::Timespan;

impl HuntingTables {
    /// The event tables of a demo dataset: every alert's story on its machine, the alerts and their
    /// evidence, the devices, and ordinary activity, with the dataset's ids, hashes, IPs, domains and
    /// accounts. Deterministic.
    pub fn generate(data: &crate::demo::Dataset) -> HuntingTables {
        generate::generate(data)
    }
}

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
