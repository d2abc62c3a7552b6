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
mod error;
mod lexer;
mod parser;
mod schema;
mod value;

pub use ast::*;
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
