//! The browser harness of the end-to-end tests: the app on loopback, Chromium through chromedriver, and
//! locators that find controls by their visible label, the way people and screen readers do.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use atp_tenant::StaticServer;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// The "Load more" button, in a script.
pub const LOAD_MORE: &str =
    "[...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Load more')";

/// How long any wait-for may take before the test fails with what it was waiting for.
const PATIENCE: Duration = Duration::from_secs(20);

/// A page of the app open in headless Chromium; the server and driver stop when it is dropped.
pub struct Browser {
    pub client: Client,
    pub base: String,
    /// chromedriver's address, for Chrome DevTools commands.
    driver_addr: SocketAddr,
    _driver: Driver,
    _server: Option<StaticServer>,
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The workspace root: this crate lives in its `e2e/` folder.
fn workspace() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir.parent().unwrap_or(crate_dir).to_path_buf()
}

/// The release build the suites serve: `ATP_DIST`, else the workspace's `dist/`.
pub fn dist() -> PathBuf {
    let dir = std::env::var_os("ATP_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("dist"));
    assert!(
        dir.join("index.html").is_file(),
        "no release build at {}: run `cargo xtask test`, which builds dist/ before the end-to-end tests",
        dir.display()
    );
    dir
}

impl Browser {
    /// Serves `dist/`, starts chromedriver and Chromium, and opens `path` of the app.
    pub async fn open(path: &str) -> Browser {
        Browser::open_site(dist(), path).await
    }

    /// Serves `site` as a plain static host would, and opens `path` of it in Chromium.
    pub async fn open_site(site: PathBuf, path: &str) -> Browser {
        let server = StaticServer::start(site, "127.0.0.1:0".parse().expect("loopback"))
            .expect("serve the site on loopback");
        let base = server.url();
        let mut browser = Browser::open_url(&base, path).await;
        browser._server = Some(server);
        browser
    }

    /// Opens `base` + `path` in Chromium; whoever serves `base` is the caller's.
    pub async fn open_url(base: &str, path: &str) -> Browser {
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {chromedriver}: {e} (apt-get install chromium-driver)")
            });
        let driver = Driver(child);
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let started = Instant::now();
        while TcpStream::connect(addr).is_err() {
            assert!(
                started.elapsed() < PATIENCE,
                "chromedriver did not listen on {addr}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = std::env::temp_dir().join(format!("atp-e2e-{}-{port}", std::process::id()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            atp_tenant::chromium_options(&profile),
        );
        let client = ClientBuilder::rustls()
            .expect("TLS for the WebDriver client")
            .capabilities(caps)
            .connect(&format!("http://{addr}"))
            .await
            .expect("a Chromium session from chromedriver");
        let browser = Browser {
            client,
            base: base.to_string(),
            driver_addr: addr,
            _driver: driver,
            _server: None,
        };
        // Every document records Content-Security-Policy violations from its first script on; close()
        // fails the test on any.
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({"source": "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"}),
            )
            .await;
        browser
            .client
            .goto(&format!("{base}{path}"))
            .await
            .expect("open the app");
        browser
    }

    /// Ends the session; fails the test if the page met a Content-Security-Policy violation.
    pub async fn close(self) {
        let violations = self.script("return window.__cspViolations;").await;
        let _ = self.client.clone().close().await;
        // `null` would mean the recorder never ran, and the check could not fail.
        assert_eq!(
            violations,
            serde_json::json!([]),
            "Content-Security-Policy violations"
        );
    }

    /// A Chrome DevTools Protocol command, through chromedriver's `goog/cdp/execute`.
    pub async fn cdp(&self, command: &str, params: serde_json::Value) {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let body = serde_json::json!({"cmd": command, "params": params}).to_string();
        let request = format!(
            "POST /session/{session}/goog/cdp/execute HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len(),
            addr = self.driver_addr,
        );
        let mut stream = TcpStream::connect(self.driver_addr).expect("reach chromedriver");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("a read timeout");
        std::io::Write::write_all(&mut stream, request.as_bytes()).expect("send a CDP command");
        // The status line is all this needs; chromedriver may keep the connection open.
        let mut status = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stream), &mut status)
            .expect("read chromedriver's answer");
        assert!(status.starts_with("HTTP/1.1 200"), "{command}: {status}");
    }

    /// The control whose `<label>` reads exactly `label`.
    pub async fn control(&self, label: &str) -> Element {
        let xpath = format!(
            "//*[@id=(//label[normalize-space(.)={}])/@for]",
            xpath_literal(label)
        );
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no control labelled {label:?}: {e}"))
    }

    /// Picks the option whose visible text is `text` in the select labelled `label`.
    pub async fn choose(&self, label: &str, text: &str) {
        let select = self.control(label).await;
        let option = select
            .find(Locator::XPath(&format!(
                "./option[normalize-space(.)={}]",
                xpath_literal(text)
            )))
            .await
            .unwrap_or_else(|e| panic!("{label:?} has no option {text:?}: {e}"));
        option.click().await.expect("pick the option");
    }

    /// Types `text` at the end of the field labelled `label`.
    pub async fn type_into(&self, label: &str, text: &str) {
        let field = self.control(label).await;
        field.send_keys(text).await.expect("type into the field");
    }

    /// Empties the field labelled `label`, then types `text`.
    pub async fn replace_text(&self, label: &str, text: &str) {
        let field = self.control(label).await;
        field.clear().await.expect("clear the field");
        field.send_keys(text).await.expect("type into the field");
    }

    pub async fn value(&self, label: &str) -> String {
        let field = self.control(label).await;
        field.prop("value").await.ok().flatten().unwrap_or_default()
    }

    pub async fn attribute(&self, label: &str, name: &str) -> String {
        let field = self.control(label).await;
        field.attr(name).await.ok().flatten().unwrap_or_default()
    }

    /// The visible text of the selected option of the select labelled `label`.
    pub async fn selected(&self, label: &str) -> String {
        let select = self.control(label).await;
        let script = "const s = arguments[0]; return s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text;";
        let element = serde_json::to_value(&select).unwrap_or_default();
        self.client
            .execute(script, vec![element])
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Waits until `check` holds, failing with `what` and the last value seen.
    pub async fn wait_until<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = (bool, String)>,
    {
        let started = Instant::now();
        loop {
            let (done, seen) = check().await;
            if done {
                return;
            }
            if started.elapsed() > PATIENCE {
                panic!("waited {PATIENCE:?} for {what}; last saw {seen:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_for_value(&self, label: &str, expected: &str) {
        self.wait_until(&format!("{label:?} to read {expected:?}"), || async {
            let v = self.value(label).await;
            (v == expected, v)
        })
        .await;
    }

    pub async fn wait_for_selected(&self, label: &str, expected: &str) {
        self.wait_until(&format!("{label:?} to show {expected:?}"), || async {
            let v = self.selected(label).await;
            (v == expected, v)
        })
        .await;
    }

    /// Waits until the page's visible text contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        self.wait_until(&format!("the page to say {text:?}"), || async {
            let body = match self.client.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            (body.contains(text), body.chars().take(400).collect())
        })
        .await;
    }
}

/// `text` as an XPath string literal, whatever quotes it holds.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

impl Browser {
    /// Clicks the link whose text is `text`.
    pub async fn click_link(&self, text: &str) {
        let xpath = format!("//a[normalize-space(.)={}]", xpath_literal(text));
        let link = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?}: {e}"));
        link.click().await.expect("click the link");
    }

    /// Clicks the button whose accessible text is `text`.
    pub async fn click_button(&self, text: &str) {
        let xpath = format!("//button[normalize-space(.)={}]", xpath_literal(text));
        let button = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {text:?}: {e}"));
        // Cards above may still be settling their size (content-visibility); retry until it takes.
        let started = Instant::now();
        while let Err(e) = button.click().await {
            assert!(
                started.elapsed() < PATIENCE,
                "click the button {text:?}: {e}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses `key` on the element that has the focus.
    pub async fn press(&self, key: fantoccini::key::Key) {
        self.client
            .active_element()
            .await
            .expect("the focused element")
            .send_keys(&key.to_string())
            .await
            .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    }

    /// Runs a script and returns its JSON result.
    pub async fn script(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_default()
    }

    /// From now on, records every file the page saves (its name, type and content) instead of saving it.
    pub async fn catch_downloads(&self) {
        self.script(
            "window.__atp_saved = [];
             const blobs = new Map();
             const make = URL.createObjectURL.bind(URL);
             URL.createObjectURL = b => { const u = make(b); blobs.set(u, b); return u; };
             const click = HTMLAnchorElement.prototype.click;
             HTMLAnchorElement.prototype.click = function () {
                 const b = blobs.get(this.href);
                 if (b) { const name = this.download; b.text().then(t => window.__atp_saved.push([name, b.type, t])); return; }
                 return click.call(this);
             };
             return true;",
        )
        .await;
    }

    /// Waits for `n` files caught by [`Browser::catch_downloads`]: (name, type, content) each.
    pub async fn saved(&self, n: usize) -> Vec<(String, String, String)> {
        self.wait_until(&format!("{n} saved files"), || async {
            let v = self
                .script("return (window.__atp_saved || []).length;")
                .await;
            (v.as_u64() == Some(n as u64), v.to_string())
        })
        .await;
        serde_json::from_value(self.script("return window.__atp_saved;").await).unwrap_or_default()
    }

    /// Every card as (its kind, its accessible name: the heading it is labelled by).
    pub async fn cards(&self) -> Vec<(String, String)> {
        let value = self
            .script(
                "return Array.from(document.querySelectorAll('article')).map(a => [
                    (a.querySelector('.kind') || {}).textContent || '',
                    (document.getElementById(a.getAttribute('aria-labelledby')) || {}).textContent || ''
                ]);",
            )
            .await;
        serde_json::from_value(value).unwrap_or_default()
    }

    /// Waits until there are exactly `n` cards, and returns them.
    pub async fn wait_for_cards(&self, n: usize) -> Vec<(String, String)> {
        self.wait_until(&format!("{n} cards"), || async {
            let cards = self.cards().await;
            (
                cards.len() == n,
                format!(
                    "{} cards: {:?}",
                    cards.len(),
                    cards.iter().take(3).collect::<Vec<_>>()
                ),
            )
        })
        .await;
        self.cards().await
    }

    /// Waits until there are at least `n` cards.
    pub async fn wait_for_at_least_cards(&self, n: usize) {
        self.wait_until(&format!("at least {n} cards"), || async {
            let count = self
                .script("return document.querySelectorAll('article').length;")
                .await;
            let count = count.as_u64().unwrap_or(0) as usize;
            (count >= n, format!("{count} cards"))
        })
        .await;
    }

    pub async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// Saves a PNG of the window under `target/screenshots/`.
    pub async fn screenshot(&self, name: &str) {
        let dir = workspace().join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("create target/screenshots");
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write the screenshot");
    }
}
