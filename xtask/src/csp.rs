//! The release build's Content-Security-Policy, written into `index.html` as a `<meta>` tag (static hosts
//! cannot set headers). Run by Trunk's post_build hook (`Trunk.toml`), on the staging directory.
//!
//! The policy allows scripts from the page's origin, WebAssembly, and the exact inline loader Trunk writes
//! (by its SHA-256); connections to the page's origin, Microsoft's sign-in and API hosts, loopback (the
//! mock tenant and same-machine relays), and whatever `ATP_CONNECT_SRC` adds at build time (a relay or an
//! OpenID provider of your own: `ATP_CONNECT_SRC="https://relay.contoso.com" cargo xtask dist`).

use std::env;

use base64::Engine;
use sha2::{Digest, Sha256};

/// Where the app connects out of the box besides Microsoft's hosts (`atp_core::settings::known_origins`,
/// the same list that marks a link's hosts as known): the page's origin, and loopback for a relay on
/// the analyst's own machine (SECURITY.md says why that is safe with link consent).
const CONNECT_LOCAL: &[&str] = &["'self'", "http://127.0.0.1:*", "http://localhost:*"];

/// The `connect-src` sources: the page, Microsoft's sign-in and API hosts, loopback.
fn connect_sources() -> Vec<String> {
    let microsoft = atp_core::settings::known_origins();
    CONNECT_LOCAL[..1]
        .iter()
        .map(|s| s.to_string())
        .chain(microsoft)
        .chain(CONNECT_LOCAL[1..].iter().map(|s| s.to_string()))
        .collect()
}

/// `index.html` with the policy, in release builds (a dev build's autoreload script would be blocked).
pub fn run(html: String) -> Result<String, String> {
    if env::var("TRUNK_PROFILE").as_deref() != Ok("release") {
        return Ok(html);
    }
    add_policy(&html, &env::var("ATP_CONNECT_SRC").unwrap_or_default())
}

/// The SHA-256 sources of every inline `<script>` (one without `src`).
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_and_more = &after[open_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_more.as_bytes()[..close]);
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body_and_more[close..];
    }
    hashes
}

fn add_policy(html: &str, extra_connect: &str) -> Result<String, String> {
    for host in extra_connect.split_whitespace() {
        if !(host.starts_with("https://")
            || host.starts_with("http://127.0.0.1")
            || host.starts_with("http://localhost"))
        {
            return Err(format!(
                "ATP_CONNECT_SRC: {host:?} must be an https:// origin (or loopback)"
            ));
        }
    }
    let scripts = inline_script_hashes(html).join(" ");
    let connect = connect_sources().join(" ")
        + if extra_connect.trim().is_empty() {
            ""
        } else {
            " "
        }
        + extra_connect.trim();
    let policy = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {scripts}; connect-src {connect}; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; manifest-src 'self'; base-uri 'self'; \
         form-action 'none'; object-src 'none'; require-trusted-types-for 'script'; trusted-types default"
    );
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">");
    let anchor = "<meta charset=\"utf-8\">";
    let at = html
        .find(anchor)
        .ok_or("index.html has no <meta charset=\"utf-8\"> to put the policy after")?;
    let end = at + anchor.len();
    Ok(format!("{}\n    {meta}{}", &html[..end], &html[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_pins_the_inline_loader_and_the_hosts() {
        let html = "<html><head><meta charset=\"utf-8\"><script type=\"module\">init();</script>\
                    <script src=\"x.js\"></script></head></html>";
        let out = add_policy(html, "https://relay.contoso.com").unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init();"));
        assert!(
            out.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{expected}';"
            )),
            "{out}"
        );
        assert!(out.contains("default-src 'none'"));
        assert!(out.contains("form-action 'none'"));
        // Trusted Types: no script sink takes a string, and no policy may be made to let one through.
        assert!(out.contains("require-trusted-types-for 'script'; trusted-types default"));
        assert!(out.contains("connect-src 'self' https://login.microsoftonline.com "));
        assert!(out.contains(" https://eu.api.security.microsoft.com "));
        assert!(out.contains(" http://127.0.0.1:* http://localhost:* "));
        assert!(
            out.contains("https://relay.contoso.com; style-src"),
            "{out}"
        );
        assert_eq!(
            inline_script_hashes(&out).len(),
            1,
            "the external script is not hashed"
        );
        assert!(add_policy(html, "http://relay.contoso.com").is_err());
        assert!(add_policy("<html></html>", "").is_err());
    }
}
