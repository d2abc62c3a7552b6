//! The built app (`dist/`) served on loopback the way a plain static host (GitHub Pages style) serves
//! it: files, a directory's `index.html`, and 404 for anything else, with no rewrite to the app. The app
//! keeps its state in the query string, so its deep links need none.
//!
//! [`resolve`] is the one place that decides what a static host answers; [`StaticServer`] (plain std
//! threads, one short-lived thread per connection: plenty for a browser under test) and the mock tenant's
//! fallback route both call it.

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// A static file server that stops when dropped.
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves `root` on `addr` (use port 0 for a free port) until dropped.
    pub fn start(root: impl Into<PathBuf>, addr: SocketAddr) -> io::Result<StaticServer> {
        let root = root.into();
        if !root.join("index.html").is_file() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "{} has no index.html: build the app first (cargo xtask dist)",
                    root.display()
                ),
            ));
        }
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let root = root.clone();
                    thread::spawn(move || {
                        // A client that goes away mid-answer is not the server's problem.
                        let _ = handle(stream, &root);
                    });
                }
            }
        });
        Ok(StaticServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Blocks until the server stops (it only stops when dropped from another thread or on a fatal error).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn handle(stream: TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.by_ref().take(8192).read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        // Read and drop the headers; nothing here depends on them.
        loop {
            let mut line = String::new();
            if reader.by_ref().take(8192).read_line(&mut line)? == 0
                || line == "\r\n"
                || line == "\n"
            {
                break;
            }
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or_default();
        let target = parts.next().unwrap_or("/");
        if method != "GET" && method != "HEAD" {
            respond(
                &mut stream,
                405,
                "text/plain; charset=utf-8",
                b"Only GET and HEAD are served here.\n",
                method == "HEAD",
            )?;
            continue;
        }
        let (status, content_type, body) = resolve(root, target);
        respond(&mut stream, status, content_type, &body, method == "HEAD")?;
    }
}

/// Headers every static answer carries: nothing cached between builds, no sniffing, no Referer (the
/// sign-in callback URL holds the authorization code).
pub(crate) const STATIC_HEADERS: [(&str, &str); 3] = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
];

/// What a static host answers for `target`: the file, a directory's `index.html`, or 404.
pub(crate) fn resolve(root: &Path, target: &str) -> (u16, &'static str, Vec<u8>) {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path);
    let relative = Path::new(decoded.trim_start_matches('/'));
    let safe = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        return not_found(root);
    }
    let mut file = root.join(relative);
    // A directory answers with its index, as static hosts do; nothing else falls back to the app,
    // because the app keeps its state in the query string and never needs a rewrite rule.
    if file.is_dir() {
        file = file.join("index.html");
    }
    if file.is_file() {
        if let Ok(body) = fs::read(&file) {
            return (200, content_type(&file), body);
        }
    }
    not_found(root)
}

/// A static host's 404: its `404.html` when the site has one.
fn not_found(root: &Path) -> (u16, &'static str, Vec<u8>) {
    match fs::read(root.join("404.html")) {
        Ok(body) => (404, "text/html; charset=utf-8", body),
        Err(_) => (404, "text/plain; charset=utf-8", b"Not found.\n".to_vec()),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let mut header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in STATIC_HEADERS {
        header.push_str(&format!("{name}: {value}\r\n"));
    }
    header.push_str("\r\n");
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(server: &StaticServer, path: &str) -> (String, Vec<u8>) {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.trim().parse().unwrap();
            }
        }
        answer.resize(length, 0);
        reader.read_exact(&mut answer).unwrap();
        (status.trim().to_string(), answer)
    }

    #[test]
    fn serves_files_and_directories_like_a_static_host() {
        let dir = std::env::temp_dir().join(format!("atp-tenant-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("index.html"), "<html>app</html>").unwrap();
        fs::write(dir.join("app.wasm"), [0, 97, 115, 109]).unwrap();
        let server = StaticServer::start(&dir, "127.0.0.1:0".parse().unwrap()).unwrap();
        assert_eq!(
            get(&server, "/app.wasm"),
            ("HTTP/1.1 200 OK".into(), vec![0, 97, 115, 109])
        );
        assert_eq!(
            get(&server, "/?profile=wdatp&q=/alerts").1,
            b"<html>app</html>"
        );
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("sub/index.html"), "<html>sub</html>").unwrap();
        assert_eq!(get(&server, "/sub/?q=/alerts").1, b"<html>sub</html>");
        // No rewrite rules: an unknown path is a 404, as on GitHub Pages.
        assert_eq!(get(&server, "/alerts/123?x=1").0, "HTTP/1.1 404 Not Found");
        assert_eq!(get(&server, "/missing.js").0, "HTTP/1.1 404 Not Found");
        assert_eq!(
            get(&server, "/%2e%2e/%2e%2e/etc/passwd.txt").0,
            "HTTP/1.1 404 Not Found"
        );
        drop(server);
        fs::remove_dir_all(&dir).unwrap();
    }
}
