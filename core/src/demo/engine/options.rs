//! The request's query options (`$top`, `$skip`, `$select`, `$count`, `$expand`, `$filter`, `$orderby`,
//! `lookBackHours`), read and checked.

use super::response::{odata, Failure};
use super::MAX_TOP;
use crate::catalogue::QueryOption;
use crate::query::Query;

/// The request's query options, read and checked.
pub(super) struct Options {
    pub top: Option<usize>,
    pub skip: usize,
    pub select: Option<Vec<String>>,
    pub count: bool,
    pub expand: Vec<String>,
    pub filter: Option<String>,
    pub orderby: Option<String>,
    pub look_back_hours: i64,
}

impl Options {
    pub(super) fn read(query: &Query) -> Result<Options, Failure> {
        let get = |o: QueryOption| query.option(o).map(str::trim);
        let number = |o: QueryOption| -> Result<Option<usize>, Failure> {
            get(o)
                .map(|v| {
                    v.parse::<usize>().map_err(|_| {
                        odata(format!(
                            "The value of {} must be a whole number: {v:?}",
                            o.name()
                        ))
                    })
                })
                .transpose()
        };
        Ok(Options {
            top: number(QueryOption::Top)?.map(|t| t.min(MAX_TOP)),
            skip: number(QueryOption::Skip)?.unwrap_or(0),
            select: get(QueryOption::Select).map(|s| {
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            }),
            count: get(QueryOption::Count).is_some_and(|v| v.eq_ignore_ascii_case("true")),
            expand: get(QueryOption::Expand)
                .map(|s| {
                    s.split(',')
                        .map(|p| p.trim().to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default(),
            filter: get(QueryOption::Filter).map(str::to_string),
            orderby: get(QueryOption::OrderBy).map(str::to_string),
            look_back_hours: number(QueryOption::LookBackHours)?.map_or(720, |h| h as i64),
        })
    }

    /// Whether `$expand` names `what` (lower case).
    pub(super) fn expands(&self, what: &str) -> bool {
        self.expand.iter().any(|e| e == what)
    }
}
