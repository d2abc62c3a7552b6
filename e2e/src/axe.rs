//! axe-core in the browser suites: the WCAG 2.2 AA rules run on the page as it is, through WebDriver
//! (a script WebDriver injects is not the page's own, so the page's CSP does not block it).
//!
//! The script comes from npm (`axe-core`, pinned), installed into `target/tools/axe-core/` the first time
//! a suite needs it, like the other tools the test command installs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::Browser;

/// The axe-core release the audits use.
pub const AXE_VERSION: &str = "4.10.2";

/// The tags of the rules run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']";

fn tools_dir() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .parent()
        .unwrap_or(crate_dir)
        .join("target/tools/axe-core")
}

/// `axe.min.js`, installed with npm when it is not there yet.
pub fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = tools_dir();
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.is_file() {
            std::fs::create_dir_all(&dir).expect("create target/tools/axe-core");
            let status = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .arg(format!("axe-core@{AXE_VERSION}"))
                .status()
                .unwrap_or_else(|e| {
                    panic!("run npm to install axe-core ({e}); install Node.js and npm")
                });
            assert!(
                status.success(),
                "npm install axe-core@{AXE_VERSION} failed"
            );
        }
        std::fs::read_to_string(&script).unwrap_or_else(|e| panic!("{}: {e}", script.display()))
    })
}

/// One rule broken on the page: its id, impact, what it says, and where (CSS selectors).
#[derive(Clone, Debug)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    pub targets: Vec<String>,
}

/// Runs axe-core's WCAG 2.2 AA rules on the page and returns the serious and critical violations.
pub async fn serious_violations(browser: &Browser) -> Vec<Violation> {
    let inject = format!("{}\nreturn typeof axe;", axe_source());
    browser.script(&inject).await;
    let found = browser
        .client
        .execute_async(
            &format!(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }}, resultTypes: ['violations'] }})
                   .then(r => done(r.violations
                       .filter(v => v.impact === 'serious' || v.impact === 'critical')
                       .map(v => ({{ id: v.id, impact: v.impact, help: v.help,
                                    targets: v.nodes.slice(0, 8).map(n => n.target.join(' ')) }}))))
                   .catch(e => done([{{ id: 'axe-error', impact: 'critical', help: String(e), targets: [] }}]));"
            ),
            vec![],
        )
        .await
        .expect("run axe");
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    found
        .as_array()
        .unwrap_or_else(|| panic!("axe's answer: {found}"))
        .iter()
        .map(|v| Violation {
            id: text(v, "id"),
            impact: v["impact"].as_str().map(str::to_string),
            help: text(v, "help"),
            targets: v["targets"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// The colour modes the audits run in, as the CSS media features Chromium emulates.
pub const MODES: [(&str, &str, &str); 3] = [
    ("light", "prefers-color-scheme", "light"),
    ("dark", "prefers-color-scheme", "dark"),
    ("forced colors", "forced-colors", "active"),
];

/// Emulates one colour mode for the page (DevTools protocol).
pub async fn emulate(browser: &Browser, feature: &str, value: &str) {
    browser
        .cdp(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "features": [{ "name": feature, "value": value }] }),
        )
        .await;
}
