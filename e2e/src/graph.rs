//! The investigation graph as the end-to-end tests and the screenshots see it: its nodes by their
//! accessible names (`role=button` named `<entity type>: <label>`, the way a screen reader finds them).

use fantoccini::Locator;

use crate::Browser;

/// The demo alert the graph journeys start from.
pub const SOURCE_ALERT: &str = "636341278149188342_1960231459";

/// The graph's nodes: their accessible names, in document order.
pub async fn nodes(browser: &Browser) -> Vec<String> {
    let names = browser
        .script(
            "return Array.from(document.querySelectorAll('.graph-canvas g[role=button]'))
                .map(g => g.getAttribute('aria-label'));",
        )
        .await;
    serde_json::from_value(names).unwrap_or_default()
}

/// Waits for a node whose name starts with `prefix` and returns its full name.
pub async fn wait_for_node(browser: &Browser, prefix: &str) -> String {
    browser
        .wait_until(&format!("a node named {prefix:?}…"), || async {
            let names = nodes(browser).await;
            (
                names.iter().any(|n| n.starts_with(prefix)),
                format!("{names:?}"),
            )
        })
        .await;
    nodes(browser)
        .await
        .into_iter()
        .find(|n| n.starts_with(prefix))
        .unwrap_or_default()
}

/// Waits until the graph holds exactly `n` nodes.
pub async fn wait_for_node_count(browser: &Browser, n: usize) {
    browser
        .wait_until(&format!("{n} nodes"), || async {
            let names = nodes(browser).await;
            (names.len() == n, format!("{names:?}"))
        })
        .await;
}

/// Clicks the node named exactly `name`.
pub async fn click_node(browser: &Browser, name: &str) {
    let css = format!(
        ".graph-canvas g[role=button][aria-label={}]",
        serde_json::to_string(name).expect("a CSS string")
    );
    let node = browser
        .client
        .wait()
        .for_element(Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("no node {name:?}: {e}"));
    node.click().await.expect("click the node");
}

/// Waits until the graph's layout has come to rest (the canvas is not busy).
pub async fn wait_at_rest(browser: &Browser) {
    browser
        .wait_until("the layout to come to rest", || async {
            let busy = browser
                .script("return document.querySelector('.graph-canvas').getAttribute('aria-busy');")
                .await;
            (busy == "false", busy.to_string())
        })
        .await;
}
