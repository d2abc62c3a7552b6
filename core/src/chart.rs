//! What a hunting query's `render` draws: the series and categories of a result, read the way KQL's
//! `render` reads them. The shell draws them as SVG; the table stays their accessible alternative.
//!
//! - `timechart` (and `linechart`, `areachart`): the first datetime column is x, every numeric column a
//!   series; with a string column as well, each of its values is a series of the first numeric column.
//! - `columnchart` and `barchart`: the first non-numeric column names the categories, every numeric
//!   column a series.
//! - `piechart`: the first non-numeric column names the slices, the first numeric column sizes them.

use crate::hunting::{ChartKind, ColumnType, Render, Value};

/// At most this many series, and categories or slices; the rest are left out and said so.
pub const MAX_SERIES: usize = 10;
pub const MAX_CATEGORIES: usize = 50;

/// The `render` a query's text ends with (`hunting::render_of` of its parse), read on the page: the
/// hunting APIs answer with the table only, so the chart comes from the query the analyst sent. `None`
/// when the text does not parse here or renders nothing.
pub fn render_in(kql: &str) -> Option<Render> {
    crate::hunting::parse(kql)
        .ok()
        .and_then(|q| crate::hunting::render_of(&q))
}

/// The shape drawn for a `render` kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Time,
    Column,
    Bar,
    Pie,
}

impl Shape {
    /// The shape of a `render` kind; `None` for one this page does not draw (`table`, `scatterchart`).
    pub fn of(kind: ChartKind) -> Option<Shape> {
        match kind {
            ChartKind::TimeChart | ChartKind::LineChart | ChartKind::AreaChart => Some(Shape::Time),
            ChartKind::ColumnChart => Some(Shape::Column),
            ChartKind::BarChart => Some(Shape::Bar),
            ChartKind::PieChart => Some(Shape::Pie),
            ChartKind::Table | ChartKind::ScatterChart => None,
        }
    }
}

/// One line or set of bars.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// (x, y): x is seconds since 1970 on a time chart, else the category's index.
    pub points: Vec<(f64, f64)>,
}

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub shape: Shape,
    /// The categories' (or slices') names, in order; empty on a time chart.
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The smallest and largest x, and the largest y (0 when there is nothing to draw).
    pub x_min: f64,
    pub x_max: f64,
    pub y_max: f64,
    /// Series or categories beyond the limits were left out.
    pub cut: bool,
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(n) => Some(f64::from(*n)),
        Value::Long(n) => Some(*n as f64),
        Value::Real(x) if x.is_finite() => Some(*x),
        _ => None,
    }
}

fn label(value: &Value) -> String {
    match value {
        Value::Null => "(empty)".to_string(),
        Value::Str(s) if s.is_empty() => "(empty)".to_string(),
        Value::Str(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        other => number(other).map_or_else(|| format!("{other:?}"), |n| n.to_string()),
    }
}

fn is_numeric(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Int | ColumnType::Long | ColumnType::Real)
}

/// The chart `shape` draws of a result with `columns` (name and type) and `rows`; `Err` says why it
/// cannot (no column of the kind it needs).
pub fn chart_data(
    shape: Shape,
    columns: &[(String, ColumnType)],
    rows: &[Vec<Value>],
) -> Result<ChartData, String> {
    let numeric: Vec<usize> = (0..columns.len())
        .filter(|&i| is_numeric(columns[i].1))
        .collect();
    let Some(&first_number) = numeric.first() else {
        return Err("the result has no numeric column to draw".into());
    };
    let mut data = ChartData {
        shape,
        categories: Vec::new(),
        series: Vec::new(),
        x_min: 0.0,
        x_max: 0.0,
        y_max: 0.0,
        cut: false,
    };
    match shape {
        Shape::Time => {
            let x = (0..columns.len())
                .find(|&i| columns[i].1 == ColumnType::DateTime)
                .ok_or("a time chart needs a datetime column")?;
            let split = (0..columns.len()).find(|&i| columns[i].1 == ColumnType::String);
            let mut named: Vec<Series> = Vec::new();
            for row in rows {
                let Some(Value::DateTime(ticks)) = row.get(x) else {
                    continue;
                };
                let at = *ticks as f64 / 10_000_000.0;
                let lines: Vec<(String, usize)> = match split {
                    Some(s) => vec![(label(&row[s]), first_number)],
                    None => numeric.iter().map(|&i| (columns[i].0.clone(), i)).collect(),
                };
                for (name, column) in lines {
                    let Some(y) = row.get(column).and_then(number) else {
                        continue;
                    };
                    let series = match named.iter().position(|s| s.name == name) {
                        Some(found) => &mut named[found],
                        None if named.len() < MAX_SERIES => {
                            named.push(Series {
                                name,
                                points: Vec::new(),
                            });
                            named.last_mut().ok_or("no series")?
                        }
                        None => {
                            data.cut = true;
                            continue;
                        }
                    };
                    series.points.push((at, y));
                }
            }
            for series in &mut named {
                series.points.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
            let xs = named.iter().flat_map(|s| s.points.iter().map(|p| p.0));
            data.x_min = xs.clone().fold(f64::INFINITY, f64::min);
            data.x_max = xs.fold(f64::NEG_INFINITY, f64::max);
            if !data.x_min.is_finite() {
                (data.x_min, data.x_max) = (0.0, 0.0);
            }
            data.series = named;
        }
        Shape::Column | Shape::Bar | Shape::Pie => {
            let names = (0..columns.len())
                .find(|&i| !is_numeric(columns[i].1))
                .ok_or("this chart needs a column that names its categories")?;
            let values: Vec<usize> = if shape == Shape::Pie {
                vec![first_number]
            } else {
                numeric.iter().copied().take(MAX_SERIES).collect()
            };
            data.cut = numeric.len() > values.len() && shape != Shape::Pie;
            data.series = values
                .iter()
                .map(|&i| Series {
                    name: columns[i].0.clone(),
                    points: Vec::new(),
                })
                .collect();
            for row in rows {
                if data.categories.len() == MAX_CATEGORIES {
                    data.cut = true;
                    break;
                }
                let index = data.categories.len() as f64;
                data.categories.push(label(&row[names]));
                for (series, &column) in data.series.iter_mut().zip(&values) {
                    let y = row.get(column).and_then(number).unwrap_or(0.0);
                    series
                        .points
                        .push((index, if shape == Shape::Pie { y.max(0.0) } else { y }));
                }
            }
            data.x_max = data.categories.len().saturating_sub(1) as f64;
        }
    }
    data.y_max = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(spec: &[(&str, ColumnType)]) -> Vec<(String, ColumnType)> {
        spec.iter().map(|(n, t)| (n.to_string(), *t)).collect()
    }

    const HOUR: i64 = 3600 * 10_000_000;

    #[test]
    fn the_render_comes_from_the_querys_text() {
        let r = render_in(
            "T | summarize count() by bin(Timestamp, 1h) | render timechart with (title=\"Runs\")",
        )
        .expect("a render");
        assert_eq!(r.kind, ChartKind::TimeChart);
        assert!(matches!(&r.with[..], [(k, Value::Str(t))] if k == "title" && &**t == "Runs"));
        assert_eq!(render_in("T | take 1"), None);
        assert_eq!(
            render_in("T | render nosuchchart"),
            None,
            "the parser refuses it"
        );
        assert_eq!(render_in("not kql ((("), None);
    }

    #[test]
    fn a_timechart_splits_series_by_its_string_column_and_orders_time() {
        let columns = cols(&[
            ("Timestamp", ColumnType::DateTime),
            ("DeviceName", ColumnType::String),
            ("count_", ColumnType::Long),
        ]);
        let rows = vec![
            vec![Value::DateTime(2 * HOUR), Value::str("a"), Value::Long(5)],
            vec![Value::DateTime(HOUR), Value::str("a"), Value::Long(3)],
            vec![Value::DateTime(HOUR), Value::str("b"), Value::Long(7)],
        ];
        let data = chart_data(Shape::Time, &columns, &rows).unwrap();
        assert_eq!(data.series.len(), 2);
        assert_eq!(data.series[0].name, "a");
        assert_eq!(data.series[0].points, vec![(3600.0, 3.0), (7200.0, 5.0)]);
        assert_eq!((data.x_min, data.x_max, data.y_max), (3600.0, 7200.0, 7.0));
    }

    #[test]
    fn without_a_string_column_every_number_is_a_series() {
        let columns = cols(&[
            ("Timestamp", ColumnType::DateTime),
            ("events", ColumnType::Long),
            ("devices", ColumnType::Int),
        ]);
        let rows = vec![vec![Value::DateTime(HOUR), Value::Long(4), Value::Int(2)]];
        let data = chart_data(Shape::Time, &columns, &rows).unwrap();
        let names: Vec<_> = data.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["events", "devices"]);
    }

    #[test]
    fn columns_and_pies_name_their_categories() {
        let columns = cols(&[
            ("FileName", ColumnType::String),
            ("count_", ColumnType::Long),
        ]);
        let rows = vec![
            vec![Value::str("powershell.exe"), Value::Long(9)],
            vec![Value::str(""), Value::Long(-1)],
        ];
        let data = chart_data(Shape::Column, &columns, &rows).unwrap();
        assert_eq!(data.categories, ["powershell.exe", "(empty)"]);
        assert_eq!(data.series[0].points, vec![(0.0, 9.0), (1.0, -1.0)]);
        let pie = chart_data(Shape::Pie, &columns, &rows).unwrap();
        assert_eq!(pie.series[0].points[1].1, 0.0, "a slice is never negative");
        assert_eq!(Shape::of(ChartKind::BarChart), Some(Shape::Bar));
        assert_eq!(Shape::of(ChartKind::AreaChart), Some(Shape::Time));
        assert_eq!(Shape::of(ChartKind::ScatterChart), None);
    }

    #[test]
    fn what_cannot_be_drawn_says_why_and_limits_hold() {
        let text = cols(&[("a", ColumnType::String)]);
        assert!(chart_data(Shape::Column, &text, &[]).is_err());
        let no_time = cols(&[("a", ColumnType::String), ("n", ColumnType::Long)]);
        assert!(chart_data(Shape::Time, &no_time, &[]).is_err());
        let rows: Vec<Vec<Value>> = (0..80)
            .map(|i| vec![Value::str(&format!("c{i}")), Value::Long(i)])
            .collect();
        let data = chart_data(Shape::Bar, &no_time, &rows).unwrap();
        assert_eq!(data.categories.len(), MAX_CATEGORIES);
        assert!(data.cut);
        let empty = chart_data(
            Shape::Time,
            &cols(&[("t", ColumnType::DateTime), ("n", ColumnType::Long)]),
            &[],
        )
        .unwrap();
        assert_eq!((empty.x_min, empty.x_max, empty.y_max), (0.0, 0.0, 0.0));
    }
}
