//! ATP Explorer's core: everything that is not the browser.
//!
//! No Leptos, web-sys or gloo here: this crate compiles natively (tested with `cargo test`) and to wasm32.

pub mod auth;
pub mod body;
/// Which blocks of a long card list are built as the view moves (the shell measures and applies).
pub mod card_window;
pub mod catalogue;
pub mod chart;
pub mod exchange;
pub mod export;
pub mod link;
pub mod odata;
pub mod order;
pub mod pivot;
pub mod query;
pub mod recognise;
pub mod settings;
pub mod snippet;
pub mod text;

pub use catalogue::{
    Api, BodyField, BodyKind, Entity, Method, Param, ParamKind, Profile, QueryOption, Region,
    Returns, Route, ROUTES,
};
pub use query::{Field, Query, QueryError, UrlError};
pub mod demo;
pub mod fuzz;
pub mod graph;
/// History of runs and saved queries, with their export file.
pub mod history;
pub mod hunting;
pub mod model;
/// The analyst's notes on entities, kept for the report.
pub mod notes;
/// The investigation report (HTML and Markdown).
pub mod report;
