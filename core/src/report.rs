//! The investigation report: one self-contained HTML file (inline CSS and SVG, no script, a CSP that
//! forbids any, opens offline, prints well) and the same content as Markdown.
//!
//! What it holds: tenant and profile and when it was made, the graph's picture, a table of its entities
//! (with the analyst's notes), the alert timeline, every query run (time, request, status, result count)
//! and the notes. Every string from the API or the analyst is escaped for the format it lands in, after
//! invisible characters were made visible ([`crate::text`]), so a hostile name shows as text.

use std::fmt::Write;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::catalogue::Profile;
use crate::graph::{Graph, SvgOptions};
use crate::history::Entry;
use crate::notes::Notes;
use crate::text::{escape_xml, visible};

/// What a report is made of.
pub struct Report<'a> {
    pub graph: &'a Graph,
    /// The queries run, in any order (the report lists them oldest first).
    pub history: &'a [Entry],
    pub notes: &'a Notes,
    /// Where the data came from: the live API's base, or the demo tenant and its dataset.
    pub tenant: &'a str,
    pub profile: Profile,
    pub made: DateTime<Utc>,
}

const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; color: #1b1b1b; background: #fff; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.5rem; } h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid #ccc; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #ccc; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f3f3; } code { font: 0.85rem ui-monospace, monospace; white-space: pre-wrap; }
figure { margin: 0; } figure svg { width: 100%; height: auto; max-height: 40rem; border: 1px solid #ccc; }
.none { color: #555; font-style: italic; } .note { white-space: pre-wrap; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; } tr, figure { break-inside: avoid; } thead { display: table-header-group; } }
";

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn entry_time(e: &Entry) -> String {
    e.at().map(time).unwrap_or_default()
}

impl Report<'_> {
    fn queries(&self) -> Vec<&Entry> {
        let mut q: Vec<&Entry> = self.history.iter().collect();
        q.sort_by_key(|e| (e.at_ms, e.id));
        q
    }

    fn where_from(e: &Entry) -> &'static str {
        if e.live {
            "live API"
        } else {
            "demo tenant"
        }
    }

    /// The report as one HTML document.
    pub fn to_html(&self) -> String {
        let g = self.graph;
        let mut s = String::new();
        let made = time(self.made);
        // `write!` to a String cannot fail; the results are ignored for that reason.
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Investigation report, {made}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
             <h1>Investigation report</h1>\n<dl>\n<dt>Tenant</dt><dd>{}</dd>\n<dt>Profile</dt><dd>{}</dd>\n\
             <dt>Made</dt><dd><time datetime=\"{made}\">{made}</time></dd>\n<dt>Made with</dt><dd>ATP Explorer</dd>\n</dl>\n",
            escape_xml(self.tenant),
            escape_xml(self.profile.label()),
        );

        s.push_str("<section>\n<h2>Graph</h2>\n");
        if g.nodes().is_empty() {
            s.push_str("<p class=\"none\">The graph is empty.</p>\n");
        } else {
            let _ = write!(
                s,
                "<figure role=\"img\" aria-label=\"The investigation graph: {} entities, {} relations\">\n{}</figure>\n",
                g.nodes().len(),
                g.edges().len(),
                g.to_svg(&SvgOptions::default())
            );
        }
        s.push_str("</section>\n");

        s.push_str("<section>\n<h2>Entities</h2>\n");
        if g.nodes().is_empty() {
            s.push_str("<p class=\"none\">No entities.</p>\n");
        } else {
            s.push_str("<table>\n<thead><tr><th scope=\"col\">Type</th><th scope=\"col\">Name</th><th scope=\"col\">Id</th><th scope=\"col\">Expanded along</th><th scope=\"col\">Note</th></tr></thead>\n<tbody>\n");
            for n in g.nodes() {
                let expanded: Vec<&str> = n.expansions.iter().map(|e| e.relation).collect();
                let note = self
                    .notes
                    .get(&n.key)
                    .map(|x| x.text.as_str())
                    .unwrap_or("");
                let _ = writeln!(
                    s,
                    "<tr><td>{}{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"note\">{}</td></tr>",
                    escape_xml(n.key.entity().singular()),
                    if n.start { " (start)" } else { "" },
                    escape_xml(&n.label),
                    escape_xml(&n.api_id),
                    escape_xml(&expanded.join(", ")),
                    escape_note(note),
                );
            }
            s.push_str("</tbody>\n</table>\n");
        }
        s.push_str("</section>\n");

        s.push_str("<section>\n<h2>Alert timeline</h2>\n");
        let timeline = g.timeline();
        if timeline.is_empty() {
            s.push_str("<p class=\"none\">No alerts in the graph.</p>\n");
        } else {
            s.push_str("<table>\n<thead><tr><th scope=\"col\">First event</th><th scope=\"col\">Last event</th><th scope=\"col\">Alert</th></tr></thead>\n<tbody>\n");
            for item in &timeline {
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape_xml(&item.first.to_string()),
                    escape_xml(&item.last.to_string()),
                    escape_xml(&item.label)
                );
            }
            s.push_str("</tbody>\n</table>\n");
        }
        s.push_str("</section>\n");

        s.push_str("<section>\n<h2>Queries run</h2>\n");
        let queries = self.queries();
        if queries.is_empty() {
            s.push_str("<p class=\"none\">No queries in the history.</p>\n");
        } else {
            s.push_str("<table>\n<thead><tr><th scope=\"col\">Time (UTC)</th><th scope=\"col\">Request</th><th scope=\"col\">Status</th><th scope=\"col\">Results</th><th scope=\"col\">Answered by</th></tr></thead>\n<tbody>\n");
            for e in queries {
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape_xml(&entry_time(e)),
                    escape_note(&e.request.text()),
                    escape_xml(&e.status.label()),
                    escape_xml(&e.count_label().unwrap_or_default()),
                    Self::where_from(e)
                );
            }
            s.push_str("</tbody>\n</table>\n");
        }
        s.push_str("</section>\n");

        s.push_str("<section>\n<h2>Notes</h2>\n");
        if self.notes.is_empty() {
            s.push_str("<p class=\"none\">No notes.</p>\n");
        } else {
            s.push_str("<dl>\n");
            for n in self.notes.iter() {
                let name = g
                    .node(&n.key)
                    .map_or_else(|| n.key.id().to_string(), |x| x.label.clone());
                let _ = writeln!(
                    s,
                    "<dt>{}: {}</dt><dd class=\"note\">{}</dd>",
                    escape_xml(n.key.entity().singular()),
                    escape_xml(&name),
                    escape_note(&n.text)
                );
            }
            s.push_str("</dl>\n");
        }
        s.push_str("</section>\n</main>\n</body>\n</html>\n");
        s
    }

    /// The report as Markdown (CommonMark with tables): the same sections, the graph as a list of its
    /// relations, since Markdown has no picture of its own.
    pub fn to_markdown(&self) -> String {
        let g = self.graph;
        let mut s = String::new();
        let _ = write!(
            s,
            "# Investigation report\n\n- **Tenant:** {}\n- **Profile:** {}\n- **Made:** {}\n- **Made with:** ATP Explorer\n\n",
            md(self.tenant),
            md(self.profile.label()),
            time(self.made)
        );
        s.push_str("## Graph\n\n");
        if g.edges().is_empty() && g.nodes().is_empty() {
            s.push_str("_The graph is empty._\n\n");
        } else {
            let _ = writeln!(
                s,
                "{} entities, {} relations.\n",
                g.nodes().len(),
                g.edges().len()
            );
            for e in g.edges() {
                let name = |k| g.node(k).map_or(String::new(), |n| n.label.clone());
                let _ = writeln!(
                    s,
                    "- {} {} → {} ({}) {}",
                    md(e.from.entity().singular()),
                    md(&name(&e.from)),
                    md(e.to.entity().singular()),
                    md(e.relation),
                    md(&name(&e.to))
                );
            }
            s.push('\n');
        }
        s.push_str("## Entities\n\n");
        if g.nodes().is_empty() {
            s.push_str("_No entities._\n\n");
        } else {
            s.push_str("| Type | Name | Id | Expanded along | Note |\n|---|---|---|---|---|\n");
            for n in g.nodes() {
                let expanded: Vec<&str> = n.expansions.iter().map(|e| e.relation).collect();
                let note = self.notes.get(&n.key).map_or("", |x| x.text.as_str());
                let _ = writeln!(
                    s,
                    "| {}{} | {} | {} | {} | {} |",
                    md(n.key.entity().singular()),
                    if n.start { " (start)" } else { "" },
                    md(&n.label),
                    md(&n.api_id),
                    md(&expanded.join(", ")),
                    md(note)
                );
            }
            s.push('\n');
        }
        s.push_str("## Alert timeline\n\n");
        let timeline = g.timeline();
        if timeline.is_empty() {
            s.push_str("_No alerts in the graph._\n\n");
        } else {
            s.push_str("| First event | Last event | Alert |\n|---|---|---|\n");
            for item in &timeline {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} |",
                    md(&item.first.to_string()),
                    md(&item.last.to_string()),
                    md(&item.label)
                );
            }
            s.push('\n');
        }
        s.push_str("## Queries run\n\n");
        let queries = self.queries();
        if queries.is_empty() {
            s.push_str("_No queries in the history._\n\n");
        } else {
            s.push_str(
                "| Time (UTC) | Request | Status | Results | Answered by |\n|---|---|---|---|---|\n",
            );
            for e in queries {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    md(&entry_time(e)),
                    md(&e.request.text()),
                    md(&e.status.label()),
                    md(&e.count_label().unwrap_or_default()),
                    Self::where_from(e)
                );
            }
            s.push('\n');
        }
        s.push_str("## Notes\n\n");
        if self.notes.is_empty() {
            s.push_str("_No notes._\n");
        } else {
            for n in self.notes.iter() {
                let name = g
                    .node(&n.key)
                    .map_or_else(|| n.key.id().to_string(), |x| x.label.clone());
                let _ = writeln!(
                    s,
                    "- **{}: {}**: {}",
                    md(n.key.entity().singular()),
                    md(&name),
                    md(&n.text)
                );
            }
        }
        s
    }
}

/// The analyst's or the API's multi-line text for HTML: escaped, line breaks kept (the cell's
/// `white-space: pre-wrap` shows them), other invisible characters made visible.
fn escape_note(text: &str) -> String {
    text.split('\n')
        .map(escape_xml)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text for one Markdown line or table cell: invisible characters made visible (and line breaks spaces),
/// then every character Markdown or inline HTML could read as syntax backslash-escaped, so the text
/// renders as itself and never as a link, an image, markup or a new table cell.
pub fn md(text: &str) -> String {
    let shown = visible(text);
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '|'
                | '#'
                | '~'
                | '!'
                | '&'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_cannot_make_links_markup_or_cells() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("[x](javascript:y)"), "\\[x\\]\\(javascript:y\\)");
        assert_eq!(md("<img src=x onerror=y>"), "\\<img src=x onerror=y\\>");
        assert_eq!(md("line\nbreak"), "line break");
        assert_eq!(md("10.0.0.1"), "10.0.0.1");
        assert_eq!(md("\u{202E}exe"), "\\\\u\\{202E\\}exe");
    }

    #[test]
    fn html_notes_keep_their_lines_and_lose_their_markup() {
        assert_eq!(escape_note("a<b>\nc"), "a&lt;b&gt;\nc");
    }
}
