//! Headless Chromium through chromedriver, as the end-to-end harness (tests/support) drives it, plus
//! chromedriver's CDP endpoint for CPU throttling.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

use crate::Result;

/// A Chromium session; chromedriver stops when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    driver_addr: SocketAddr,
    session: String,
    /// CPU throttling rate set before each page load (1 = none).
    throttle: f64,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

impl Browser {
    pub async fn start(chromedriver: &Path, profile_dir: &Path, throttle: f64) -> Result<Browser> {
        let port = free_port()?;
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("start {}: {e}", chromedriver.display()))?;
        let driver_addr: SocketAddr = ([127, 0, 0, 1], port).into();
        // From here on, a failure drops `partial`, which stops chromedriver.
        let mut partial = Partial(Some(driver));
        let started = Instant::now();
        while TcpStream::connect(driver_addr).is_err() {
            if started.elapsed() > Duration::from_secs(20) {
                return Err(format!("chromedriver did not listen on {driver_addr}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = std::fs::remove_dir_all(profile_dir);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            atp_tenant::chromium_options(profile_dir),
        );
        let client = ClientBuilder::rustls()
            .map_err(|e| format!("TLS for the WebDriver client: {e}"))?
            .capabilities(caps)
            .connect(&format!("http://{driver_addr}"))
            .await
            .map_err(|e| format!("no Chromium session from chromedriver: {e}"))?;
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(240)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await
            .map_err(|e| format!("set WebDriver timeouts: {e}"))?;
        let session = client
            .session_id()
            .await
            .ok()
            .flatten()
            .ok_or("chromedriver gave no session id")?;
        let driver = partial.0.take().ok_or("chromedriver vanished")?;
        Ok(Browser {
            client,
            driver,
            driver_addr,
            session,
            throttle,
        })
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        // Through a blank page, so the same address twice is a fresh load too.
        self.client
            .goto("about:blank")
            .await
            .map_err(|e| format!("open about:blank: {e}"))?;
        if self.throttle > 1.0 {
            self.cdp(
                "Emulation.setCPUThrottlingRate",
                json!({ "rate": self.throttle }),
            )?;
        }
        self.client
            .goto(url)
            .await
            .map_err(|e| format!("open {url}: {e}"))
    }

    /// Runs `body` (JavaScript) in the page; it ends by calling `done(value)`. A value with an `error`
    /// field fails with that message.
    pub async fn run(&self, what: &str, body: &str) -> Result<Value> {
        let script = format!(
            "const done = arguments[arguments.length - 1];\n\
             (async () => {{ {body} }})().then(done, (e) => done({{ error: String(e && e.stack || e) }}));"
        );
        let value = self
            .client
            .execute_async(&script, vec![])
            .await
            .map_err(|e| format!("{what}: {e}"))?;
        if let Some(error) = value.get("error") {
            return Err(format!("{what}: the page failed: {error}"));
        }
        Ok(value)
    }

    /// Waits until `condition` (a JavaScript expression) is true; fails on `window.__benchError`.
    pub async fn wait_for(&self, what: &str, condition: &str, patience: Duration) -> Result<()> {
        let script =
            format!("return {{ ok: !!({condition}), error: window.__benchError || null }};");
        let started = Instant::now();
        loop {
            let seen = self
                .client
                .execute(&script, vec![])
                .await
                .map_err(|e| format!("{what}: {e}"))?;
            if let Some(error) = seen.get("error").and_then(Value::as_str) {
                return Err(format!("{what}: the page failed: {error}"));
            }
            if seen.get("ok").and_then(Value::as_bool) == Some(true) {
                return Ok(());
            }
            if started.elapsed() > patience {
                return Err(format!("waited {patience:?} for {what}"));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// A Chrome DevTools Protocol command through chromedriver (`goog/cdp/execute`).
    pub fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        let body = json!({ "cmd": cmd, "params": params }).to_string();
        let path = format!("/session/{}/goog/cdp/execute", self.session);
        let mut stream = TcpStream::connect(self.driver_addr)
            .map_err(|e| format!("CDP {cmd}: connect to chromedriver: {e}"))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|e| format!("CDP {cmd}: {e}"))?;
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.driver_addr,
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| format!("CDP {cmd}: {e}"))?;
        // chromedriver may keep the connection open: read the head, then Content-Length bytes.
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head, mut body) = loop {
            let n = stream
                .read(&mut chunk)
                .map_err(|e| format!("CDP {cmd}: {e}"))?;
            if n == 0 {
                return Err(format!("CDP {cmd}: chromedriver closed the connection"));
            }
            answer.extend_from_slice(&chunk[..n]);
            if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&answer[..end]).into_owned();
                break (head, answer[end + 4..].to_vec());
            }
        };
        let length = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .ok_or_else(|| format!("CDP {cmd}: no Content-Length in {head:?}"))?;
        while body.len() < length {
            let n = stream
                .read(&mut chunk)
                .map_err(|e| format!("CDP {cmd}: {e}"))?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        let json = String::from_utf8_lossy(&body).into_owned();
        if !head.starts_with("HTTP/1.1 200") {
            return Err(format!(
                "CDP {cmd}: chromedriver answered {}: {json}",
                head.lines().next().unwrap_or("")
            ));
        }
        serde_json::from_str(&json).map_err(|e| format!("CDP {cmd}: {e}: {json}"))
    }
}

/// chromedriver until the session is up.
struct Partial(Option<Child>);

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
