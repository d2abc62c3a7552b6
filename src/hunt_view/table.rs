//! The result table: only the rows near the view are built (rows have one height, so the window is
//! arithmetic), typed cells (datetimes in UTC or local time, numbers aligned, dynamic values opened as a
//! JSON tree below), a sort per column, entity columns as pivot links, and a row's entities into the graph.

use std::sync::Arc;

use atp_core::hunting::{
    datetime_of, tables, timespan_text, ColumnType, EntityMark, HuntingResult, Value,
};
use atp_core::link::app_href;
use atp_core::model::security::Pivot;
use atp_core::pivot::{entity_json, mark_pivot};
use atp_core::{Entity, Profile, Query};
use leptos::prelude::*;

use crate::cards::pivot_query;
use crate::explorer::{use_explorer, AppLink};
use crate::json_view::JsonTree;

/// A row's height in pixels (the stylesheet gives every row this height).
const ROW_PX: f64 = 30.0;
/// Rows built beyond the visible ones, each side.
const OVERSCAN: usize = 20;
/// The table's visible height before it is measured.
const VIEW_PX: f64 = 600.0;

/// The line above the table: how many rows, how long, whether the service cut it.
pub fn summary(result: &HuntingResult, elapsed_ms: f64) -> String {
    let rows = result.rows.len();
    let cut = if result.truncated {
        " (the service's limit: the rest were not returned)"
    } else {
        ""
    };
    format!(
        "{rows} row{} in {elapsed_ms:.0} ms{cut}",
        if rows == 1 { "" } else { "s" }
    )
}

/// The entity a result column names: the mark of a schema column of that name.
fn column_mark(name: &str) -> Option<EntityMark> {
    tables()
        .iter()
        .flat_map(|t| t.columns.iter())
        .find(|c| c.name == name)
        .and_then(|c| c.mark)
}

/// A cell as text: datetimes in UTC (`local` for the browser's zone), dynamic values as compact JSON.
fn cell_text(value: &Value, local: bool) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Long(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::DateTime(ticks) => match datetime_of(*ticks) {
            Some(t) if local => t
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S%.3f %:z")
                .to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string(),
            None => ticks.to_string(),
        },
        Value::Timespan(ticks) => timespan_text(*ticks),
        Value::Str(s) => atp_core::text::visible(s).into_owned(),
        Value::Dynamic(d) => atp_core::text::visible(&d.to_string()).into_owned(),
    }
}

/// Which column sorts, and which way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sort {
    column: usize,
    descending: bool,
}

/// The profile a pivot of this page opens: an alert on the page's own API, the rest on Defender's routes.
fn pivot_href(pivot: &Pivot, page: Profile, dataset: atp_core::link::DemoData) -> Option<String> {
    let query = if pivot.entity == Entity::Alert {
        let profile = if page == Profile::Graph {
            Profile::Graph
        } else {
            Profile::Defender(atp_core::Region::Global)
        };
        let route = profile.api().route("alerts.get")?;
        let mut query = Query::new(profile, route);
        query.set_param(route.params.first()?.name, &pivot.id);
        query
    } else {
        pivot_query(pivot)?.0
    };
    Some(app_href(&query, dataset))
}

#[component]
pub fn ResultTable(result: Arc<HuntingResult>, run: u64) -> impl IntoView {
    let explorer = use_explorer();
    let page = explorer.hunting.profile.get_untracked();
    let dataset = explorer.dataset.get_untracked();
    let local = RwSignal::new(false);
    let sort = RwSignal::new(None::<Sort>);
    let scroll = RwSignal::new(0.0_f64);
    let view_px = RwSignal::new(VIEW_PX);
    let opened = RwSignal::new(None::<(usize, usize)>);
    let marks: Arc<Vec<Option<EntityMark>>> = Arc::new(
        result
            .columns
            .iter()
            .map(|c| column_mark(&c.name))
            .collect(),
    );
    // The rows in display order: sorting reorders indexes, never the rows.
    let order = {
        let result = result.clone();
        Memo::new(move |_| {
            let mut order: Vec<u32> = (0..result.rows.len() as u32).collect();
            if let Some(Sort { column, descending }) = sort.get() {
                order.sort_by(|a, b| {
                    let (a, b) = (
                        &result.rows[*a as usize][column],
                        &result.rows[*b as usize][column],
                    );
                    let o = a.compare(b);
                    if descending {
                        o.reverse()
                    } else {
                        o
                    }
                });
            }
            Arc::new(order)
        })
    };
    let total = result.rows.len();
    let window = move || {
        let first = ((scroll.get() / ROW_PX) as usize).saturating_sub(OVERSCAN);
        let shown = (view_px.get() / ROW_PX).ceil() as usize + 2 * OVERSCAN;
        (first.min(total), (first + shown).min(total))
    };
    let container = NodeRef::<leptos::html::Div>::new();
    let on_scroll = move |_| {
        if let Some(el) = container.get_untracked() {
            scroll.set(f64::from(el.scroll_top()));
            view_px.set(f64::from(el.client_height()).max(ROW_PX));
        }
    };
    let headers = result
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let name = c.name.clone();
            let numeric = matches!(c.ty, ColumnType::Int | ColumnType::Long | ColumnType::Real);
            let state = move || match sort.get() {
                Some(s) if s.column == i && s.descending => "descending",
                Some(s) if s.column == i => "ascending",
                _ => "none",
            };
            let click = move |_| {
                sort.update(|s| {
                    *s = match *s {
                        Some(Sort {
                            column,
                            descending: false,
                        }) if column == i => Some(Sort {
                            column: i,
                            descending: true,
                        }),
                        _ => Some(Sort {
                            column: i,
                            descending: false,
                        }),
                    }
                })
            };
            view! {
                <th scope="col" aria-sort=state class:num=numeric>
                    <button type="button" on:click=click title=format!("Sort by {name}")>
                        {name.clone()} <span class="type">{c.ty.kql()}</span>
                    </button>
                </th>
            }
        })
        .collect_view();
    let rows = {
        let result = result.clone();
        let marks = marks.clone();
        move || {
            let (first, last) = window();
            let order = order.get();
            let local = local.get();
            (first..last)
                .map(|position| {
                    let index = order[position] as usize;
                    let row = &result.rows[index];
                    let cells = row
                        .iter()
                        .enumerate()
                        .map(|(col, value)| {
                            cell(value, col, index, marks[col], local, page, dataset, opened)
                        })
                        .collect_view();
                    let pivots: Vec<Pivot> = row
                        .iter()
                        .zip(marks.iter())
                        .filter_map(|(value, mark)| match (value, mark) {
                            (Value::Str(s), Some(mark)) => mark_pivot(*mark, s),
                            _ => None,
                        })
                        .collect();
                    view! {
                        <tr aria-rowindex=(position + 2).to_string()>
                            {cells}
                            <td class="row-actions">
                                <AddRow pivots row=position + 1/>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
        }
    };
    let spacer = move |rows: usize| {
        (rows > 0).then(|| view! { <tr class="spacer" aria-hidden="true" style:height=format!("{}px", rows as f64 * ROW_PX)></tr> })
    };
    let detail =
        {
            let result = result.clone();
            move || {
                opened.get().and_then(|(row, col)| {
                let value = result.rows.get(row)?.get(col)?;
                let Value::Dynamic(json) = value else { return None };
                let name = result.columns.get(col)?.name.clone();
                Some(view! {
                    <section class="cell-detail" aria-label=format!("{name} of row {}", row + 1)>
                        <h4>{format!("{name} (row {})", row + 1)}</h4>
                        <JsonTree value=(**json).clone()/>
                        <button type="button" on:click=move |_| opened.set(None)>"Close"</button>
                    </section>
                })
            })
            }
        };
    let columns = result.columns.len() + 1;
    let refused = RwSignal::new(None::<&'static str>);
    let export = {
        let result = result.clone();
        move |csv: bool| {
            let saved = if csv {
                crate::platform::save_file(
                    "atp-hunt.csv",
                    "text/csv;charset=utf-8",
                    &atp_core::export::hunting_csv(&result),
                )
            } else {
                crate::platform::save_file(
                    "atp-hunt.json",
                    "application/json",
                    &serde_json::to_string_pretty(&result.to_graph_json()).unwrap_or_default(),
                )
            };
            refused.set(
                saved
                    .is_err()
                    .then_some("The browser refused to save the file."),
            );
        }
    };
    let export_json = export.clone();
    view! {
        <div class="hunt-table-tools">
            <label><input type="checkbox" prop:checked=move || local.get() on:change=move |ev| local.set(event_target_checked(&ev))/> " Times in local time"</label>
            <span class="exports" role="group" aria-label="Export the results">
                <button type="button" on:click=move |_| export(true)>"Save results as CSV"</button>
                <button type="button" on:click=move |_| export_json(false)>"Save results as JSON"</button>
                <span role="status">{move || refused.get()}</span>
            </span>
        </div>
        <div class="hunt-table" node_ref=container on:scroll=on_scroll tabindex="0" role="region" aria-label="Result table, scrollable">
            <table aria-label="Hunting results" aria-rowcount=(total + 1).to_string() aria-colcount=columns.to_string() data-run=run.to_string()>
                <thead><tr aria-rowindex="1">{headers}<th scope="col">"Row"</th></tr></thead>
                <tbody>
                    {move || spacer(window().0)}
                    {rows}
                    {move || spacer(total - window().1)}
                </tbody>
            </table>
        </div>
        {detail}
    }
}

/// One cell: a pivot link for an entity column, a button that opens a dynamic value, else text.
#[allow(clippy::too_many_arguments)]
fn cell(
    value: &Value,
    col: usize,
    row: usize,
    mark: Option<EntityMark>,
    local: bool,
    page: Profile,
    dataset: atp_core::link::DemoData,
    opened: RwSignal<Option<(usize, usize)>>,
) -> AnyView {
    let numeric = matches!(value, Value::Int(_) | Value::Long(_) | Value::Real(_));
    let text = cell_text(value, local);
    if let Value::Dynamic(_) = value {
        let label = format!("Open {text}");
        return view! {
            <td><button type="button" class="dynamic" aria-label=label on:click=move |_| opened.set(Some((row, col)))>{text}</button></td>
        }
        .into_any();
    }
    let link = match (value, mark) {
        (Value::Str(s), Some(mark)) => {
            mark_pivot(mark, s).and_then(|p| pivot_href(&p, page, dataset))
        }
        _ => None,
    };
    match link {
        Some(href) => view! { <td><AppLink href>{text}</AppLink></td> }.into_any(),
        None => view! { <td class:num=numeric>{text}</td> }.into_any(),
    }
}

/// A row's entities into the investigation graph.
#[component]
fn AddRow(pivots: Vec<Pivot>, row: usize) -> impl IntoView {
    let explorer = use_explorer();
    if pivots.is_empty() {
        return view! { <span class="none">{row}</span> }.into_any();
    }
    let add = move |_| {
        let graph = explorer.graph;
        for entity in Entity::ALL {
            let values: Vec<serde_json::Value> = pivots
                .iter()
                .filter(|p| p.entity == entity)
                .map(entity_json)
                .collect();
            if !values.is_empty() {
                let profile = if entity == Entity::Alert
                    && explorer.hunting.profile.get_untracked() == Profile::Graph
                {
                    Profile::Graph
                } else {
                    Profile::Defender(atp_core::Region::Global)
                };
                graph.add_starts(entity, &values, profile);
            }
        }
    };
    view! {
        <button type="button" on:click=add aria-label=format!("Add to graph: row {row}'s entities")>"Add to graph"</button>
    }
    .into_any()
}
