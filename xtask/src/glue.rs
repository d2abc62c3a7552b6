//! One change to wasm-bindgen's JavaScript glue, made by Trunk's post_build hook (`Trunk.toml`): short
//! ASCII strings cross from the wasm without `TextDecoder`.
//!
//! Every string the app hands the DOM (tag and attribute names, classes, text) is decoded by
//! `getStringFromWasm0`, and `TextDecoder.decode` costs about a microsecond a call whatever the length:
//! measured on 2026-11-26, it was a third of the script that builds the result cards. Most of those strings
//! are a few ASCII bytes, which a loop turns into a string faster (Emscripten's `UTF8ToString` does the
//! same). Anything longer, or with a byte above 0x7F, still goes to `TextDecoder`, so the text is exactly
//! what it was. The build fails if the glue no longer has the function as expected (a new wasm-bindgen),
//! rather than ship without the change unnoticed.

use std::fs;
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha384};

/// wasm-bindgen 0.2.130's function, exactly.
const DECODE: &str = "function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}";

/// Strings up to this many bytes are decoded by the loop when they are ASCII.
const SHORT: usize = 32;

fn short_ascii_decode() -> String {
    format!(
        "function getStringFromWasm0(ptr, len) {{
    ptr = ptr >>> 0;
    const end = ptr + len;
    const bytes = getUint8ArrayMemory0();
    if (len <= {SHORT}) {{
        let text = '';
        for (let i = ptr; i < end; i++) {{
            const byte = bytes[i];
            if (byte > 0x7f) return decodeText(bytes.subarray(ptr, end));
            text += String.fromCharCode(byte);
        }}
        return text;
    }}
    return decodeText(bytes.subarray(ptr, end));
}}"
    )
}

/// Patches the app's glue in Trunk's staging directory; gives `index` with the glue's new integrity hash.
pub fn run(staging: &Path, mut index: String) -> Result<String, String> {
    let entries = fs::read_dir(staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    let mut patched = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("js") {
            continue;
        }
        let js = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !js.contains("function getStringFromWasm0") {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{}: not a UTF-8 file name", path.display()))?;
        let glue = patch(&js).ok_or_else(|| {
            format!(
                "{name}: wasm-bindgen's getStringFromWasm0 is not the one xtask/src/glue.rs expects \
                 (a new wasm-bindgen?); update DECODE there"
            )
        })?;
        index = with_integrity(&index, name, glue.as_bytes());
        fs::write(&path, glue).map_err(|e| format!("{}: {e}", path.display()))?;
        patched += 1;
    }
    if patched != 1 {
        return Err(format!(
            "expected one wasm-bindgen glue file in {}, found {patched}",
            staging.display()
        ));
    }
    Ok(index)
}

/// The glue with the short-string decoder, or `None` when the function is not there as expected.
fn patch(js: &str) -> Option<String> {
    (js.matches(DECODE).count() == 1).then(|| js.replacen(DECODE, &short_ascii_decode(), 1))
}

/// `index.html` with the `integrity` of the tag that loads `file` recomputed for `content` (Trunk writes
/// SHA-384 ones); a page without integrity attributes is left as it is.
fn with_integrity(index: &str, file: &str, content: &[u8]) -> String {
    let fresh = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(content))
    );
    let mut out = String::with_capacity(index.len());
    let mut rest = index;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + len];
        out.push_str(&rest[..start]);
        let names_file =
            tag.contains(&format!("\"{file}\"")) || tag.contains(&format!("/{file}\""));
        match (names_file, tag.find("integrity=\"")) {
            (true, Some(at)) => {
                let value = at + "integrity=\"".len();
                let end = tag[value..].find('"').map_or(tag.len(), |e| value + e);
                out.push_str(&tag[..value]);
                out.push_str(&fresh);
                out.push_str(&tag[end..]);
            }
            _ => out.push_str(tag),
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoder_is_replaced_once_and_only_when_it_is_as_expected() {
        let glue = format!("let wasm;\n{DECODE}\nexport default init;\n");
        let patched = patch(&glue).unwrap();
        assert!(!patched.contains(DECODE));
        assert!(patched.contains("if (len <= 32)"));
        assert!(
            patched.starts_with("let wasm;\n") && patched.ends_with("\nexport default init;\n")
        );
        assert_eq!(
            patch("function getStringFromWasm0(ptr, len) { return ''; }"),
            None
        );
        assert_eq!(patch(&format!("{DECODE}\n{DECODE}")), None);
    }

    #[test]
    fn the_integrity_of_the_glue_alone_is_recomputed() {
        let index = "<html><head>\
            <link rel=\"stylesheet\" href=\"./main.css\" integrity=\"sha384-css\"/>\
            <link rel=\"modulepreload\" href=\"./app-1.js\" crossorigin=\"anonymous\" integrity=\"sha384-old\">\
            <link rel=\"preload\" href=\"./app-1_bg.wasm\" integrity=\"sha384-wasm\" as=\"fetch\">\
            </head><body><p>a > b</p></body></html>";
        let out = with_integrity(index, "app-1.js", b"glue");
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(b"glue"));
        assert_eq!(
            out,
            index.replace("sha384-old", &format!("sha384-{expected}"))
        );
        assert_eq!(
            with_integrity("<p>no tags of it</p>", "app-1.js", b"glue"),
            "<p>no tags of it</p>"
        );
    }
}
