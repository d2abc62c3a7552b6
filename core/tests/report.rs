//! The investigation report of the seed's investigation on the demo tenant: every section there, the
//! HTML self-contained and inert (no script, no outside reference), hostile names shown as text in both
//! formats.

mod common;

use atp_core::demo::{DemoConfig, DemoTenant, Variant, SOURCE_ALERT_ID};
use atp_core::graph::{results_of, Graph};
use atp_core::history::{Entry, Request, Status};
use atp_core::notes::Notes;
use atp_core::report::Report;
use atp_core::{Api, Entity, Profile, Query};
use chrono::{TimeZone, Utc};
use serde_json::Value;

fn tenant(variant: Variant) -> DemoTenant {
    DemoTenant::generate(&DemoConfig {
        variant,
        ..DemoConfig::new(Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap())
    })
}

fn investigation(t: &DemoTenant) -> Graph {
    common::seed_investigation(t)
}

fn history() -> Vec<Entry> {
    let route = Api::Wdatp.route("alerts.get").unwrap();
    let mut q = Query::new(Profile::Wdatp, route);
    q.set_param("id", SOURCE_ALERT_ID);
    let list = Query::new(Profile::Wdatp, Api::Wdatp.route("alerts.list").unwrap());
    vec![
        Entry {
            id: 2,
            at_ms: 1_764_151_300_000,
            request: Request::Query(list),
            status: Status::Http(200),
            count: Some(20),
            live: false,
        },
        Entry {
            id: 1,
            at_ms: 1_764_151_200_000,
            request: Request::Query(q),
            status: Status::Http(200),
            count: None,
            live: false,
        },
    ]
}

fn report<'a>(g: &'a Graph, history: &'a [Entry], notes: &'a Notes) -> Report<'a> {
    Report {
        graph: g,
        history,
        notes,
        tenant: "Demo tenant (normal dataset)",
        profile: Profile::Wdatp,
        made: Utc.with_ymd_and_hms(2026, 12, 8, 9, 30, 0).unwrap(),
    }
}

#[test]
fn the_seed_report_has_every_section_and_nothing_that_runs_or_fetches() {
    let t = tenant(Variant::Normal);
    let g = investigation(&t);
    let h = history();
    let mut notes = Notes::default();
    let machine = g
        .nodes()
        .iter()
        .find(|n| n.key.entity() == Entity::Machine)
        .expect("the seed alert's machine")
        .key
        .clone();
    notes
        .set(&machine, "Isolated at 09:10.\nAsked the owner.", 1)
        .unwrap();
    let r = report(&g, &h, &notes);
    let html = r.to_html();

    for heading in [
        "<h1>Investigation report</h1>",
        "<h2>Graph</h2>",
        "<h2>Entities</h2>",
        "<h2>Alert timeline</h2>",
        "<h2>Queries run</h2>",
        "<h2>Notes</h2>",
    ] {
        assert!(html.contains(heading), "{heading}");
    }
    assert!(html.contains("Demo tenant (normal dataset)") && html.contains("WDATP"));
    assert!(html.contains("2026-12-08T09:30:00Z"));
    // The picture is inline SVG; every entity has its row, with its id.
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    for n in g.nodes() {
        assert!(
            html.contains(&format!("<code>{}</code>", n.api_id)),
            "{}",
            n.api_id
        );
    }
    // The queries oldest first, with status and count.
    let first = html
        .find(&format!("/alerts/{SOURCE_ALERT_ID}"))
        .expect("the first query");
    let second = html.find("20 items").expect("the list's count");
    assert!(first < second);
    assert!(html.contains("HTTP 200"));
    // The note, in the entity table and the notes, its line break kept.
    assert_eq!(
        html.matches("Isolated at 09:10.\nAsked the owner.").count(),
        2
    );
    // The alert timeline lists the seed alert.
    let timeline = &html[html.find("<h2>Alert timeline</h2>").unwrap()..];
    assert!(timeline.contains("<td>20"), "a time in the timeline");

    // Self-contained and inert: no script, no handler, nothing fetched, a CSP that allows only styles.
    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "javascript:",
        " onload=",
        " onerror=",
        "<link",
        "<img",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
    ] {
        assert!(!lower.contains(bad), "{bad}");
    }
    assert!(html.contains("default-src 'none'; style-src 'unsafe-inline'"));
    assert!(html.contains("@media print"));
    // The seed investigation's report is small enough to mail.
    assert!(html.len() < 64 * 1024, "{} bytes", html.len());

    let md = r.to_markdown();
    for heading in [
        "# Investigation report",
        "## Graph",
        "## Entities",
        "## Alert timeline",
        "## Queries run",
        "## Notes",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    assert!(md.contains("| Type | Name | Id | Expanded along | Note |"));
    // A note's line break would end a table row: it is a space.
    assert!(md.contains("Isolated at 09:10. Asked the owner."));
    assert!(md.contains("alerts.machines"));
    println!(
        "the seed report: {} bytes of HTML, {} of Markdown",
        html.len(),
        md.len()
    );
}

#[test]
fn an_empty_workspace_says_so() {
    let g = Graph::new(Api::Defender);
    let notes = Notes::default();
    let r = report(&g, &[], &notes);
    let html = r.to_html();
    assert!(html.contains("The graph is empty."));
    assert!(html.contains("No queries in the history."));
    assert!(html.contains("No notes."));
    let md = r.to_markdown();
    assert!(md.contains("_The graph is empty._") && md.contains("_No notes._"));
}

#[test]
fn hostile_names_and_notes_stay_text_in_both_formats() {
    let t = tenant(Variant::Hostile);
    let mut g = Graph::new(Api::Wdatp);
    let list = t.respond("GET", "/alerts?$top=40", Profile::Wdatp);
    let b: Value = serde_json::from_str(&list.body).unwrap();
    let values: Vec<Value> = results_of(&b).to_vec();
    for v in &values {
        let _ = g.add_start(Entity::Alert, v);
    }
    assert!(g.nodes().len() > 10);
    let mut notes = Notes::default();
    let first = g.nodes()[0].key.clone();
    notes
        .set(
            &first,
            "<script>alert(1)</script> [x](javascript:y) | cell",
            1,
        )
        .unwrap();
    let r = report(&g, &[], &notes);
    let html = r.to_html();
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script") && !lower.contains("<img") && !lower.contains("onerror=\""));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // No invisible character survives: a right-to-left override would reorder what the reader sees.
    assert!(!html.chars().any(atp_core::graph::is_invisible));
    let md = r.to_markdown();
    assert!(md.contains("\\<script\\>alert\\(1\\)\\</script\\>"));
    assert!(md.contains("\\[x\\]\\(javascript:y\\) \\| cell"));
    assert!(!md.chars().any(atp_core::graph::is_invisible));
    // Every table row keeps its five cells: no name or note opens a new one.
    for line in md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Type"))
    {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 6 || cells == 4, "{line}");
    }
}
