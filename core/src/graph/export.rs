//! Exports of the graph: JSON (nodes, edges, recipe) and a standalone SVG.
//!
//! API strings are hostile (markup, bidi overrides, zero-width characters, NULs): in the SVG every text and
//! attribute value is XML-escaped after invisible characters were made visible, so the file shows what
//! the API sent and cannot run or hide anything.

use std::fmt::Write;

use serde_json::{json, Value};

use super::labels::{canvas_label, edge_text, EDGE_FONT, NODE_FONT};
use super::{EntityFilter, Graph};
use crate::catalogue::Entity;
use crate::text::escape_xml;

/// How the SVG looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SvgOptions {
    pub filter: EntityFilter,
    /// Node circle radius, in layout units.
    pub radius: f32,
    /// Space around the outermost nodes (room for labels).
    pub margin: f32,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            filter: EntityFilter::ALL,
            radius: 12.0,
            margin: 120.0,
        }
    }
}

fn colour(e: Entity) -> &'static str {
    match e {
        Entity::Alert => "#d13438",
        Entity::Machine => "#0078d4",
        Entity::User => "#8764b8",
        Entity::Domain => "#038387",
        Entity::Ip => "#498205",
        Entity::File => "#ca5010",
        Entity::Actor => "#4a4a4a",
        Entity::Incident => "#b4009e",
        Entity::MachineAction => "#005b70",
        Entity::Investigation => "#8e562e",
        Entity::Indicator => "#c239b3",
        Entity::Software => "#107c10",
        Entity::Vulnerability => "#a4262c",
        Entity::Recommendation => "#0063b1",
        Entity::RemediationTask => "#5c2e91",
        Entity::Score => "#767676",
        Entity::AvHealth => "#00b294",
        Entity::Assessment => "#69797e",
        Entity::Kb => "#486860",
    }
}

impl Graph {
    /// The graph as JSON: `{"api", "recipe", "nodes": [...], "edges": [...]}`, nodes with their full
    /// detail. serde_json escapes what JSON needs; the strings are the API's, unchanged.
    pub fn to_json(&self) -> Value {
        let nodes: Vec<Value> = self
            .nodes
            .iter()
            .map(|n| {
                json!({
                    "entity": n.key.entity().key(),
                    "id": n.key.id(),
                    "apiId": n.api_id,
                    "label": n.label,
                    "start": n.start,
                    "x": n.pos.0,
                    "y": n.pos.1,
                    "pinned": n.pinned,
                    "expansions": n.expansions.iter().map(|e| json!({
                        "relation": e.relation, "results": e.results, "added": e.added,
                    })).collect::<Vec<_>>(),
                    "firstEventTime": n.span.map(|s| s.0.to_string()),
                    "lastEventTime": n.span.map(|s| s.1.to_string()),
                    "stats": n.stats,
                    "detail": n.detail,
                })
            })
            .collect();
        let edges: Vec<Value> = self
            .edges
            .iter()
            .map(|e| {
                json!({
                    "from": {"entity": e.from.entity().key(), "id": e.from.id()},
                    "to": {"entity": e.to.entity().key(), "id": e.to.id()},
                    "relation": e.relation,
                })
            })
            .collect();
        json!({
            "api": match self.api { crate::catalogue::Api::Wdatp => "wdatp", crate::catalogue::Api::Defender => "defender", crate::catalogue::Api::Graph => "graph" },
            "recipe": self.recipe.encode(),
            "nodes": nodes,
            "edges": edges,
        })
    }

    /// A standalone SVG of the nodes and edges `options.filter` shows, framed to fit them.
    pub fn to_svg(&self, options: &SvgOptions) -> String {
        let shown = self.visible(options.filter);
        let b = self
            .bounds()
            .unwrap_or(super::Bounds {
                min: (0.0, 0.0),
                max: (0.0, 0.0),
            })
            .padded(options.margin);
        let mut s = String::new();
        // `write!` to a String cannot fail; the results are ignored for that reason.
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{} {} {} {}" font-family="sans-serif" font-size="11">"#,
            b.min.0,
            b.min.1,
            b.width(),
            b.height()
        );
        s.push_str("\n<title>ATP Explorer investigation graph</title>\n<g stroke=\"#999\" stroke-width=\"1.5\">\n");
        // The canvas's placement: no label over another label or a node.
        let labels = self.place_labels(options.filter, None);
        let mut edge_labels = String::new();
        for e in &shown.edges {
            let (Some(a), Some(z)) = (self.node(&e.from), self.node(&e.to)) else {
                continue;
            };
            let _ = writeln!(
                s,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}"><title>{}</title></line>"#,
                a.pos.0,
                a.pos.1,
                z.pos.0,
                z.pos.1,
                escape_xml(e.relation)
            );
            if let Some(at) = labels.edge(&e.from, &e.to, e.relation) {
                let _ = writeln!(
                    edge_labels,
                    r##"<text x="{}" y="{}" text-anchor="middle" font-size="{EDGE_FONT}" fill="#555" stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>"##,
                    at.x,
                    at.y,
                    escape_xml(edge_text(e.relation))
                );
            }
        }
        s.push_str("</g>\n<g>\n");
        s.push_str(&edge_labels);
        for n in &shown.nodes {
            let e = n.key.entity();
            let text = match labels.node(&n.key) {
                Some(at) => format!(
                    r##"<text x="{}" y="{}" text-anchor="{}" font-size="{NODE_FONT}" unicode-bidi="isolate" stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>"##,
                    n.pos.0 + at.x,
                    n.pos.1 + at.y,
                    at.anchor.svg(),
                    escape_xml(&canvas_label(&n.label))
                ),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                r#"<g class="node {}" data-key="{}"><title>{}</title><circle cx="{}" cy="{}" r="{}" fill="{}"{}/>{}</g>"#,
                e.key(),
                escape_xml(&n.key.dom_key()),
                escape_xml(&format!("{}: {} ({})", e.label(), n.label, n.api_id)),
                n.pos.0,
                n.pos.1,
                options.radius,
                colour(e),
                if n.start {
                    r##" stroke="#000" stroke-width="3""##
                } else {
                    ""
                },
                text
            );
        }
        s.push_str("</g>\n</svg>\n");
        s
    }
}
