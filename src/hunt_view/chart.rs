//! A result's `render` as an SVG chart (`atp_core::chart` reads the series). The chart is an image with
//! a name and a description; the table below it is its accessible alternative.

use std::f64::consts::PI;

use atp_core::chart::{chart_data, ChartData, Shape};
use atp_core::hunting::{ColumnType, Render, Value};
use leptos::prelude::*;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 12.0;
const RIGHT: f64 = 12.0;

/// The chart a result asks for with `render`, or nothing.
pub fn chart(
    render: Option<&Render>,
    columns: &[(String, ColumnType)],
    rows: &[Vec<Value>],
) -> Option<AnyView> {
    let render = render?;
    let name = render.kind.as_str();
    let Some(shape) = Shape::of(render.kind) else {
        return Some(
            view! { <p class="hint">{format!("render {name}: this page draws timechart, linechart, areachart, columnchart, barchart and piechart; the table has the data.")}</p> }
                .into_any(),
        );
    };
    let title = render.with.iter().find_map(|(k, v)| match v {
        Value::Str(t) if k.eq_ignore_ascii_case("title") => Some(t.to_string()),
        _ => None,
    });
    Some(match chart_data(shape, columns, rows) {
        Ok(data) => draw(title.as_deref().unwrap_or(name), &data),
        Err(why) => view! { <p class="hint">{format!("render {name}: not drawn, {why}. The table has the data.")}</p> }
            .into_any(),
    })
}

fn draw(name: &str, data: &ChartData) -> AnyView {
    let title = format!("{name} of {} series", data.series.len());
    let desc = describe(data);
    let body = match data.shape {
        Shape::Time => lines(data),
        Shape::Column => bars(data),
        Shape::Bar => horizontal_bars(data),
        Shape::Pie => pie(data),
    };
    let legend = data
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| view! { <li><span class=format!("swatch series-{}", i % 10) aria-hidden="true"></span>{s.name.clone()}</li> })
        .collect_view();
    let legend = if data.shape == Shape::Pie {
        data.categories
            .iter()
            .enumerate()
            .map(|(i, c)| view! { <li><span class=format!("swatch series-{}", i % 10) aria-hidden="true"></span>{c.clone()}</li> })
            .collect_view()
            .into_any()
    } else {
        legend.into_any()
    };
    view! {
        <figure class="hunt-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="hunt-chart-title hunt-chart-desc">
                <title id="hunt-chart-title">{title}</title>
                <desc id="hunt-chart-desc">{desc}</desc>
                {body}
            </svg>
            <figcaption>
                <ul class="legend" aria-label="Legend">{legend}</ul>
                {data.cut.then_some("Some series or categories are left out; the table has them all. ")}
                "The table below holds the same data."
            </figcaption>
        </figure>
    }
    .into_any()
}

/// A sentence for screen readers: what is drawn and its range.
fn describe(data: &ChartData) -> String {
    match data.shape {
        Shape::Time => format!(
            "Lines over time, from {} to {}; the largest value is {}.",
            time_label(data.x_min),
            time_label(data.x_max),
            data.y_max
        ),
        _ => format!(
            "{} categories; the largest value is {}.",
            data.categories.len(),
            data.y_max
        ),
    }
}

fn time_label(seconds: f64) -> String {
    chrono::DateTime::from_timestamp(seconds as i64, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn y_of(value: f64, y_max: f64) -> f64 {
    let plot = HEIGHT - TOP - BOTTOM;
    let max = if y_max > 0.0 { y_max } else { 1.0 };
    HEIGHT - BOTTOM - (value.max(0.0) / max) * plot
}

fn axes(data: &ChartData) -> impl IntoView {
    let y_mid = data.y_max / 2.0;
    view! {
        <g class="axes">
            <line x1=LEFT y1=TOP x2=LEFT y2=HEIGHT - BOTTOM/>
            <line x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH - RIGHT y2=HEIGHT - BOTTOM/>
            <text x=LEFT - 6.0 y=y_of(data.y_max, data.y_max) + 4.0 text-anchor="end">{format_number(data.y_max)}</text>
            <text x=LEFT - 6.0 y=y_of(y_mid, data.y_max) + 4.0 text-anchor="end">{format_number(y_mid)}</text>
            <text x=LEFT - 6.0 y=HEIGHT - BOTTOM + 4.0 text-anchor="end">"0"</text>
        </g>
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.1}")
    }
}

fn lines(data: &ChartData) -> AnyView {
    let span = (data.x_max - data.x_min).max(1.0);
    let x_of = |x: f64| LEFT + (x - data.x_min) / span * (WIDTH - LEFT - RIGHT);
    let paths = data
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let points: Vec<String> = s
                .points
                .iter()
                .map(|(x, y)| format!("{:.1},{:.1}", x_of(*x), y_of(*y, data.y_max)))
                .collect();
            view! { <polyline class=format!("line series-{}", i % 10) points=points.join(" ")/> }
        })
        .collect_view();
    view! {
        {axes(data)}
        {paths}
        <text class="tick" x=LEFT y=HEIGHT - 12.0>{time_label(data.x_min)}</text>
        <text class="tick" x=WIDTH - RIGHT y=HEIGHT - 12.0 text-anchor="end">{time_label(data.x_max)}</text>
    }
    .into_any()
}

fn bars(data: &ChartData) -> AnyView {
    let slots = data.categories.len().max(1) as f64;
    let slot = (WIDTH - LEFT - RIGHT) / slots;
    let series = data.series.len().max(1) as f64;
    let width = (slot * 0.8 / series).max(1.0);
    let rects = data
        .series
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.points.iter().map(move |(x, y)| {
                let left = LEFT + x * slot + slot * 0.1 + i as f64 * width;
                let top = y_of(*y, data.y_max);
                view! { <rect class=format!("bar series-{}", i % 10) x=left y=top width=width height=(HEIGHT - BOTTOM - top).max(0.0)/> }
            })
        })
        .collect_view();
    // Category names under the bars, when there is room for them.
    let labels = (slot >= 28.0).then(|| {
        data.categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let short: String = c.chars().take((slot / 7.0) as usize).collect();
                view! { <text class="tick" x=LEFT + (i as f64 + 0.5) * slot y=HEIGHT - 24.0 text-anchor="middle">{short}</text> }
            })
            .collect_view()
    });
    view! { {axes(data)} {rects} {labels} }.into_any()
}

/// KQL's barchart: one row per category, bars growing to the right.
fn horizontal_bars(data: &ChartData) -> AnyView {
    let slots = data.categories.len().max(1) as f64;
    let slot = (HEIGHT - TOP - BOTTOM) / slots;
    let series = data.series.len().max(1) as f64;
    let thickness = (slot * 0.8 / series).max(1.0);
    let left = LEFT + 64.0;
    let max = if data.y_max > 0.0 { data.y_max } else { 1.0 };
    let width_of = |y: f64| (y.max(0.0) / max) * (WIDTH - left - RIGHT);
    let rects = data
        .series
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.points.iter().map(move |(x, y)| {
                let top = TOP + x * slot + slot * 0.1 + i as f64 * thickness;
                view! { <rect class=format!("bar series-{}", i % 10) x=left y=top width=width_of(*y) height=thickness/> }
            })
        })
        .collect_view();
    let labels = (slot >= 11.0).then(|| {
        data.categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let short: String = c.chars().take(18).collect();
                view! { <text class="tick" x=left - 6.0 y=TOP + (i as f64 + 0.5) * slot + 4.0 text-anchor="end">{short}</text> }
            })
            .collect_view()
    });
    view! {
        <g class="axes">
            <line x1=left y1=TOP x2=left y2=HEIGHT - BOTTOM/>
            <line x1=left y1=HEIGHT - BOTTOM x2=WIDTH - RIGHT y2=HEIGHT - BOTTOM/>
            <text x=left y=HEIGHT - BOTTOM + 16.0>"0"</text>
            <text x=WIDTH - RIGHT y=HEIGHT - BOTTOM + 16.0 text-anchor="end">{format_number(data.y_max)}</text>
        </g>
        {rects}
        {labels}
    }
    .into_any()
}

fn pie(data: &ChartData) -> AnyView {
    let values: Vec<f64> = data
        .series
        .first()
        .map(|s| s.points.iter().map(|p| p.1).collect())
        .unwrap_or_default();
    let total: f64 = values.iter().sum();
    let (cx, cy, r) = (WIDTH / 2.0, HEIGHT / 2.0, HEIGHT / 2.0 - 16.0);
    if total <= 0.0 {
        return view! { <text x=cx y=cy text-anchor="middle">"Nothing to draw: every value is 0."</text> }.into_any();
    }
    let mut angle = -PI / 2.0;
    let slices = values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0)
        .map(|(i, v)| {
            let sweep = v / total * 2.0 * PI;
            let (x0, y0) = (cx + r * angle.cos(), cy + r * angle.sin());
            angle += sweep;
            let (x1, y1) = (cx + r * angle.cos(), cy + r * angle.sin());
            let large = if sweep > PI { 1 } else { 0 };
            let d = if (sweep - 2.0 * PI).abs() < 1e-9 {
                format!(
                    "M {cx} {} A {r} {r} 0 1 1 {cx} {} A {r} {r} 0 1 1 {cx} {} Z",
                    cy - r,
                    cy + r,
                    cy - r
                )
            } else {
                format!("M {cx} {cy} L {x0:.2} {y0:.2} A {r} {r} 0 {large} 1 {x1:.2} {y1:.2} Z")
            };
            view! { <path class=format!("slice series-{}", i % 10) d=d/> }
        })
        .collect_view();
    view! { {slices} }.into_any()
}
