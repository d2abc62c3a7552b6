//! End-to-end: the investigation graph in headless Chromium (the release `dist/`, as in `e2e.rs`).
//! Nodes are found the way a screen reader finds them: `role=button` named `<entity type>: <label>`.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use atp_e2e::graph::{
    click_node, nodes, wait_at_rest, wait_for_node, wait_for_node_count, SOURCE_ALERT,
};
use atp_e2e::Browser;
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::key::Key;
use fantoccini::Locator;

/// Every node's name and place, once the layout has come to rest (the canvas is not busy).
async fn settled_drawing(browser: &Browser) -> Vec<(String, String)> {
    wait_at_rest(browser).await;
    let v = browser
        .script(
            "return Array.from(document.querySelectorAll('.graph-canvas g[role=button]'))
                .map(g => [g.getAttribute('aria-label'), g.getAttribute('transform')]).sort();",
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// Presses Enter on `node` (which expands every relation) and waits for at least `nodes` nodes.
async fn expand_all(browser: &Browser, node: &fantoccini::elements::Element, at_least: usize) {
    node.send_keys(&Key::Enter.to_string())
        .await
        .expect("press Enter on the node");
    browser
        .wait_until("Enter to expand the node", || async {
            let n = nodes(browser).await.len();
            (n >= at_least, format!("{n} nodes"))
        })
        .await;
}

/// Drags the mouse from the page point (`x`, `y`) by (`dx`, `dy`), in two moves, as a hand would.
async fn drag(browser: &Browser, (x, y): (i64, i64), (dx, dy): (i64, i64)) {
    let step = Some(Duration::from_millis(80));
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x,
            y,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: step,
            x: dx / 2,
            y: dy / 2,
        })
        .then(PointerAction::MoveBy {
            duration: step,
            x: dx - dx / 2,
            y: dy - dy / 2,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser
        .client
        .perform_actions(mouse)
        .await
        .expect("drag the mouse");
}

/// Where the node named `name` is on the page: the centre of its shape.
async fn node_centre(browser: &Browser, name: &str) -> (f64, f64) {
    let at = browser
        .script(&format!(
            "const g = Array.from(document.querySelectorAll('.graph-canvas g[role=button]')).find(g => g.getAttribute('aria-label') === {});
             const r = g.querySelector('path').getBoundingClientRect();
             return [r.left + r.width / 2, r.top + r.height / 2];",
            serde_json::to_string(name).expect("a JS string")
        ))
        .await;
    serde_json::from_value(at).unwrap_or_default()
}

/// A node the pointer can grab (nothing drawn over its centre), and a spot of the canvas with no node.
async fn grab_points(browser: &Browser) -> (String, (i64, i64), (i64, i64)) {
    let v = browser
        .script(
            "const canvas = document.querySelector('.graph-canvas');
             canvas.scrollIntoView({ block: 'center' });
             const nodes = Array.from(canvas.querySelectorAll('g[role=button]'));
             const node = nodes.find(g => {
                 const r = g.querySelector('path').getBoundingClientRect();
                 const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                 return e && e.closest('g[role=button]') === g;
             });
             const nr = node.querySelector('path').getBoundingClientRect();
             const r = canvas.getBoundingClientRect();
             for (let fy = 0.1; fy < 0.95; fy += 0.05) for (let fx = 0.1; fx < 0.95; fx += 0.05) {
                 const x = Math.round(r.left + r.width * fx), y = Math.round(r.top + r.height * fy);
                 const e = document.elementFromPoint(x, y);
                 if (e && canvas.contains(e) && !e.closest('g[role=button]'))
                     return [node.getAttribute('aria-label'), [Math.round(nr.left + nr.width / 2), Math.round(nr.top + nr.height / 2)], [x, y]];
             }
             return null;",
        )
        .await;
    serde_json::from_value(v.clone())
        .unwrap_or_else(|e| panic!("no node and background to grab ({e}): {v}"))
}

fn near(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() <= 3.0 && (a.1 - b.1).abs() <= 3.0
}

/// The selected node's side panel: its heading, and the kind of the card in it.
async fn side_panel(browser: &Browser) -> (String, String) {
    let v = browser
        .script(
            "const s = document.querySelector('.graph-side');
             const h = s && s.querySelector('.graph-side-title');
             const k = s && s.querySelector('article .kind');
             return [h ? h.textContent : '', k ? k.textContent : ''];",
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

#[tokio::test]
async fn an_alert_grows_into_a_graph_that_lives_in_the_address() {
    let browser = Browser::open(&format!("/?profile=wdatp&q=/alerts/{SOURCE_ALERT}")).await;
    browser.wait_for_cards(1).await;
    browser.click_button("Add to graph").await;
    let alert = wait_for_node(&browser, "Alert: ").await;
    assert!(
        browser
            .current_url()
            .await
            .contains(&format!("&g=sa{SOURCE_ALERT}")),
        "the start is in the address"
    );

    // Select the alert: its card and its expansions show in the side panel.
    click_node(&browser, &alert).await;
    browser
        .wait_until("the alert's card in the side panel", || async {
            let (heading, kind) = side_panel(&browser).await;
            (
                heading == alert && kind == "Alert",
                format!("{heading} / {kind}"),
            )
        })
        .await;
    browser.click_button("Expand Machines").await;
    let machine = wait_for_node(&browser, "Machine: ").await;
    assert!(machine.len() > "Machine: ".len(), "{machine}");
    browser.wait_for_text("✓ Machines: 1 result, 1 new").await;
    let expanded = browser.current_url().await;
    assert!(
        expanded.contains("~x'0!machines") || expanded.contains("~x%270!machines"),
        "{expanded}"
    );
    // The machine sits at the end of an edge labelled by its relation.
    let edge = browser
        .script(
            "return Array.from(document.querySelectorAll('.gedge title')).map(t => t.textContent);",
        )
        .await;
    assert_eq!(edge, serde_json::json!(["alerts.machines"]));

    // Select the machine: its card, with its pivots, and the path back to the alert highlighted.
    click_node(&browser, &machine).await;
    browser
        .wait_until("the machine's card in the side panel", || async {
            let (heading, kind) = side_panel(&browser).await;
            (
                heading == machine && kind == "Machine",
                format!("{heading} / {kind}"),
            )
        })
        .await;
    let pivots = browser
        .script("return document.querySelectorAll('.graph-side nav.pivots a').length;")
        .await;
    assert!(pivots.as_u64().unwrap_or(0) >= 2, "pivot links: {pivots}");
    let on_path = browser
        .script("return document.querySelectorAll('.gnode.on-path').length + document.querySelectorAll('.gedge.on-path').length;")
        .await;
    assert_eq!(on_path, 3, "two nodes and their edge are on the path");

    // Reload: the same graph, from the address.
    browser.client.refresh().await.expect("reload");
    wait_for_node_count(&browser, 2).await;
    let mut after = nodes(&browser).await;
    after.sort();
    let mut before = vec![alert.clone(), machine.clone()];
    before.sort();
    assert_eq!(after, before);
    assert_eq!(browser.current_url().await, expanded);

    // Back: the expansion is undone.
    browser.client.back().await.expect("Back");
    wait_for_node_count(&browser, 1).await;
    assert_eq!(nodes(&browser).await, vec![alert.clone()]);
    assert!(!browser.current_url().await.contains("!machines"));

    // Keyboard: Tab reaches the node, Enter expands every relation of the alert.
    let first = browser
        .client
        .find(Locator::Css(".graph-canvas g[role=button]"))
        .await
        .expect("a node");
    expand_all(&browser, &first, 3).await;

    // The alert timeline: pointing at an alert highlights its node.
    let row = browser
        .script(
            "const li = document.querySelector('.tl-items li');
             li.dispatchEvent(new MouseEvent('mouseenter'));
             return li.getAttribute('aria-label');",
        )
        .await;
    assert!(
        row.as_str().is_some_and(|r| r.starts_with("Alert: ")),
        "{row}"
    );
    browser
        .wait_until("the pointed alert's node to be highlighted", || async {
            let n = browser
                .script("return Array.from(document.querySelectorAll('.gnode.hovered')).map(g => g.getAttribute('aria-label'));")
                .await;
            (n == serde_json::json!([alert]), n.to_string())
        })
        .await;

    // Filter by entity type: hiding machines hides their nodes; showing them brings them back.
    let all = nodes(&browser).await.len();
    let machines = nodes(&browser)
        .await
        .iter()
        .filter(|n| n.starts_with("Machine: "))
        .count();
    assert!(machines >= 1);
    browser
        .script("document.getElementById('graph-show-machine').click(); return true;")
        .await;
    wait_for_node_count(&browser, all - machines).await;
    browser
        .script("document.getElementById('graph-show-machine').click(); return true;")
        .await;
    wait_for_node_count(&browser, all).await;

    // Delete on a focused node removes it (and the address records it).
    let drawn = settled_drawing(&browser).await;
    let last = browser
        .client
        .find_all(Locator::Css(".graph-canvas g[role=button]"))
        .await
        .expect("nodes")
        .pop()
        .expect("a node");
    last.send_keys(&Key::Delete.to_string())
        .await
        .expect("press Delete");
    wait_for_node_count(&browser, all - 1).await;
    let removed = browser.current_url().await;
    assert!(removed.contains("~r"), "{removed}");
    // Back brings the node back, and the graph as it was drawn (not rebuilt and laid out afresh).
    browser.client.back().await.expect("Back");
    wait_for_node_count(&browser, all).await;
    assert_eq!(settled_drawing(&browser).await, drawn);
    browser.client.forward().await.expect("Forward");
    wait_for_node_count(&browser, all - 1).await;

    // Keyboard pan and zoom (from a node, the keys reach the canvas), and Fit to view.
    let view = || async {
        browser
            .script("return document.querySelector('.graph-canvas > g').getAttribute('transform');")
            .await
            .to_string()
    };
    let node = browser
        .client
        .find(Locator::Css(".graph-canvas g[role=button]"))
        .await
        .expect("a node");
    let fitted = view().await;
    node.send_keys("+").await.expect("press +");
    let zoomed = view().await;
    assert_ne!(zoomed, fitted, "+ zooms");
    node.send_keys(&Key::Left.to_string())
        .await
        .expect("press ←");
    assert_ne!(view().await, zoomed, "← pans");
    browser.click_button("Fit to view").await;
    assert_eq!(view().await, fitted, "Fit to view frames the graph again");

    // The mouse: dragging the background pans everything along; dragging a node moves it alone, and it
    // stays where it is dropped; Shift + → moves the focused node too.
    let (name, _, background) = grab_points(&browser).await;
    let before = node_centre(&browser, &name).await;
    drag(&browser, background, (60, 40)).await;
    browser
        .wait_until("the drag to pan the view", || async {
            let now = node_centre(&browser, &name).await;
            (
                near(now, (before.0 + 60.0, before.1 + 40.0)),
                format!("{before:?} → {now:?}"),
            )
        })
        .await;
    let (name, node_at, _) = grab_points(&browser).await;
    let panned = view().await;
    drag(&browser, node_at, (-50, 30)).await;
    let dropped = (node_at.0 as f64 - 50.0, node_at.1 as f64 + 30.0);
    browser
        .wait_until("the dragged node where it was dropped", || async {
            let now = node_centre(&browser, &name).await;
            (
                near(now, dropped),
                format!("{now:?}, dropped at {dropped:?}"),
            )
        })
        .await;
    assert_eq!(view().await, panned, "moving a node does not pan");
    let node = browser
        .client
        .find(Locator::Css(&format!(
            ".graph-canvas g[role=button][aria-label={}]",
            serde_json::to_string(&name).expect("a CSS string")
        )))
        .await
        .expect("the dragged node");
    node.send_keys(&format!("{}{}", Key::Shift, Key::Right))
        .await
        .expect("press Shift + →");
    let moved = node_centre(&browser, &name).await;
    assert!(
        moved.0 > dropped.0 + 3.0 && (moved.1 - dropped.1).abs() < 1.0,
        "{moved:?} after {dropped:?}"
    );
    assert_eq!(
        view().await,
        panned,
        "Shift + → moves the node, not the view"
    );

    // The wheel zooms about the pointer: one notch in, nodes 1.15 times as big, once the wheel rests.
    let width = || async {
        browser
            .script(&format!(
                "const g = Array.from(document.querySelectorAll('.graph-canvas g[role=button]')).find(g => g.getAttribute('aria-label') === {});
                 return g.querySelector('path').getBoundingClientRect().width;",
                serde_json::to_string(&name).expect("a JS string")
            ))
            .await
            .as_f64()
            .unwrap_or_default()
    };
    let small = width().await;
    browser
        .script(
            "const c = document.querySelector('.graph-canvas'); const r = c.getBoundingClientRect();
             c.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, clientX: r.left + r.width / 2,
                 clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
             return true;",
        )
        .await;
    browser
        .wait_until("the wheel's zoom to reach the view", || async {
            let v = view().await;
            (v != panned, v)
        })
        .await;
    let big = width().await;
    assert!((big / small - 1.15).abs() < 0.02, "{small} → {big}");

    // Exports: JSON with the nodes and edges, SVG with the labels.
    browser.catch_downloads().await;
    browser.click_button("Export JSON").await;
    browser.click_button("Export SVG").await;
    let files = browser.saved(2).await;
    let json: serde_json::Value =
        serde_json::from_str(&files[0].2).expect("the JSON export parses");
    assert_eq!(files[0].1, "application/json");
    assert_eq!(
        json["nodes"].as_array().map(Vec::len),
        Some(nodes(&browser).await.len())
    );
    assert!(json["edges"].as_array().is_some_and(|e| !e.is_empty()));
    assert_eq!(files[1].1, "image/svg+xml");
    assert!(files[1].2.starts_with("<svg"), "{}", &files[1].2[..80]);
    browser.close().await;
}

/// Pairs of drawn things that overlap on screen: label with label, label with a node's shape (the
/// browser's own boxes of the text it drew, not the placement's estimate).
const OVERLAPS: &str = "
    const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
    const name = e => (e.closest('g[role=button]')?.getAttribute('aria-label') || 'edge') + ' ' + e.getAttribute('class') + ' ' + JSON.stringify(e.textContent);
    const labels = Array.from(document.querySelectorAll('.graph-canvas .glabel, .graph-canvas .elabel'))
        .map(e => [name(e), box(e), e.closest('g[role=button]')]);
    const shapes = Array.from(document.querySelectorAll('.graph-canvas .gnode .shape'))
        .map(e => [name(e), box(e), e.closest('g[role=button]')]);
    const meet = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
    const found = [];
    labels.forEach(([n, a, g], i) => {
        labels.slice(i + 1).forEach(([m, b]) => { if (meet(a, b)) found.push(n + ' × ' + m); });
        shapes.forEach(([m, b, h]) => { if (h !== g && meet(a, b)) found.push(n + ' × ' + m); });
    });
    return {found, labels: labels.length, nodes: shapes.length,
            edges: document.querySelectorAll('.graph-canvas .gedge').length,
            longest: Math.max(0, ...Array.from(document.querySelectorAll('.graph-canvas .glabel')).map(e => [...e.textContent].length))};
";

#[tokio::test]
async fn labels_of_the_seed_investigation_overlap_nothing() {
    let browser = Browser::open(&format!("/?profile=wdatp&q=/alerts/{SOURCE_ALERT}")).await;
    browser.wait_for_cards(1).await;
    browser.click_button("Add to graph").await;
    let alert = wait_for_node(&browser, "Alert: ").await;
    click_node(&browser, &alert).await;
    // Enter on the alert expands every relation: the analyst's first look.
    let first = browser
        .client
        .find(Locator::Css(".graph-canvas g[role=button]"))
        .await
        .expect("a node");
    expand_all(&browser, &first, 5).await;
    wait_at_rest(&browser).await;
    // Nothing focused or pointed at: what the picture shows by itself.
    browser
        .script("document.activeElement.blur(); return null;")
        .await;
    let drawn = browser.script(OVERLAPS).await;
    assert_eq!(drawn["found"], serde_json::json!([]), "{drawn}");
    let (labels, nodes_drawn, edges) = (
        drawn["labels"].as_u64().unwrap_or(0),
        drawn["nodes"].as_u64().unwrap_or(0),
        drawn["edges"].as_u64().unwrap_or(0),
    );
    assert!(nodes_drawn >= 5, "{drawn}");
    // Every node and every edge of the first look has its label.
    assert_eq!(labels, nodes_drawn + edges, "{drawn}");
    assert!(drawn["longest"].as_u64().unwrap_or(99) <= 28, "{drawn}");

    // Zoomed in and out, the labels scale with the picture: still nothing overlaps.
    for key in ["+", "+", "-", "-", "-"] {
        browser
            .client
            .find(Locator::Css(".graph-canvas"))
            .await
            .expect("the canvas")
            .send_keys(key)
            .await
            .expect("zoom");
        let drawn = browser.script(OVERLAPS).await;
        assert_eq!(
            drawn["found"],
            serde_json::json!([]),
            "after {key}: {drawn}"
        );
    }
    browser.close().await;
}

#[tokio::test]
async fn hostile_labels_stay_text_in_the_graph_and_its_exports() {
    let browser = Browser::open("/?dataset=hostile").await;
    browser.wait_for_cards(20).await;
    browser.click_button("Add all to graph").await;
    wait_for_node_count(&browser, 20).await;
    // Expand a few alerts by keyboard, so machines, files, domains and IPs with planted strings join.
    for i in 0..3 {
        let node = browser
            .client
            .find_all(Locator::Css(".graph-canvas g[role=button]"))
            .await
            .expect("nodes")
            .remove(i);
        node.send_keys(&Key::Enter.to_string())
            .await
            .expect("press Enter");
    }
    browser
        .wait_until("the expansions to add nodes", || async {
            let n = nodes(&browser).await.len();
            (n > 25, format!("{n} nodes"))
        })
        .await;
    let names = nodes(&browser).await;
    assert!(
        names
            .iter()
            .any(|n| n.contains("<script>") || n.contains("<img")),
        "a planted payload shows as text: {names:?}"
    );
    assert_eq!(
        browser.script("return typeof window.__atp_pwned;").await,
        "undefined"
    );
    let injected = browser
        .script("return document.querySelectorAll('.graph-panel script, .graph-panel img, .graph-panel iframe, .graph-canvas foreignObject, .graph-canvas svg').length;")
        .await;
    assert_eq!(injected, 0);
    browser.catch_downloads().await;
    browser.click_button("Export SVG").await;
    let files = browser.saved(1).await;
    let svg = &files[0].2;
    assert!(
        !svg.contains("<script") && !svg.contains("<img"),
        "the SVG holds no markup from the API"
    );
    assert!(svg.contains("&lt;"), "labels are escaped");
    browser.close().await;
}

/// The benchmark's big graph: 1,000 nodes paint, and the layout comes to rest.
#[tokio::test]
async fn a_thousand_nodes_paint_and_settle() {
    // No query runs beside it (the address's `q` is not one), so the marks time the graph alone.
    let browser = Browser::open("/?graph-synthetic=1000&q=none").await;
    wait_for_node_count(&browser, 1000).await;
    let timing = browser
        .script(
            "const m = n => (performance.getEntriesByName(n)[0] || {}).startTime || 0;
             return [m('atp-graph-built') - m('atp-graph-start'), m('atp-graph-painted') - m('atp-graph-start'), document.querySelectorAll('.gedge').length];",
        )
        .await;
    eprintln!(
        "graph-synthetic=1000: [ms to build the graph, ms to its first paint, edges] = {timing}"
    );
    browser
        .wait_until("the layout to come to rest", || async {
            let v = browser
                .script("return (performance.getEntriesByName('atp-graph-at-rest')[0] || {}).startTime || null;")
                .await;
            (!v.is_null(), v.to_string())
        })
        .await;
    let rest = browser
        .script("return performance.getEntriesByName('atp-graph-at-rest')[0].startTime;")
        .await;
    let spent = browser
        .script("return document.querySelector('.graph-canvas').getAttribute('data-layout');")
        .await;
    eprintln!("graph-synthetic=1000: at rest at {rest} ms ({spent})");
    // The layout took a bounded slice of many animation frames, so the page kept drawing while it ran.
    let frames = spent
        .as_str()
        .and_then(|s| s.strip_prefix("frames="))
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or(0);
    assert!(frames >= 2, "the layout ran in {frames} frames: {spent}");
    // Tab reaches a node, which is named for screen readers.
    let name = browser
        .script("const g = document.querySelector('.graph-canvas g[role=button]'); g.focus(); return document.activeElement.getAttribute('aria-label');")
        .await;
    assert!(
        name.as_str().is_some_and(|n| n.starts_with("Alert: ")),
        "{name}"
    );
    browser.close().await;
}

/// An expansion of over 50 results adds the first 50, and "more" adds the rest.
#[tokio::test]
async fn a_large_expansion_adds_the_first_page_then_more() {
    // The source document's machine has well over a hundred alerts in the demo tenant.
    let browser =
        Browser::open("/?profile=wdatp&q=/machines/67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b").await;
    browser.wait_for_cards(1).await;
    browser.click_button("Add to graph").await;
    let machine = wait_for_node(&browser, "Machine: ").await;
    click_node(&browser, &machine).await;
    browser.click_button("Expand Alerts").await;
    wait_for_node_count(&browser, 51).await;
    browser.wait_for_text("✓ Alerts: 50 results, 50 new").await;
    browser.click_button("Add 50 more").await;
    wait_for_node_count(&browser, 101).await;
    browser
        .wait_for_text("✓ Alerts: 100 results, 100 new")
        .await;
    // "More" is in the address like the expansion: a reload (or a shared link) shows all 100.
    let url = browser.current_url().await;
    assert!(
        url.contains("~m'0!alerts") || url.contains("~m%270!alerts"),
        "{url}"
    );
    browser.client.refresh().await.expect("reload");
    wait_for_node_count(&browser, 101).await;
    let description = browser
        .script(&format!(
            "return Array.from(document.querySelectorAll('.graph-canvas g[role=button]')).find(g => g.getAttribute('aria-label') === {}).getAttribute('aria-description');",
            serde_json::to_string(&machine).expect("a JS string")
        ))
        .await;
    assert!(
        description
            .as_str()
            .is_some_and(|d| d.contains("Alerts +100")),
        "{description}"
    );
    // Back: the first 50 only.
    browser.client.back().await.expect("Back");
    wait_for_node_count(&browser, 51).await;
    browser.close().await;
}
