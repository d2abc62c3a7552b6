//! What the engine answers with: the HTTP-like response, and the API's error shape with a reproducible
//! correlation id.

/// An HTTP-like response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl DemoResponse {
    pub(super) fn json(status: u16, body: String) -> DemoResponse {
        DemoResponse {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; odata.metadata=minimal".into(),
            )],
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A failed request: its status and the API's error code and message.
pub(super) struct Failure {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// A 405's `Allow`: the method the route takes (GET when not said).
    pub allow: Option<&'static str>,
}

pub(super) fn fail(status: u16, code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        code,
        message: message.into(),
        allow: None,
    }
}

/// The API's 404 for an unknown route or entity.
pub(super) fn not_found(message: impl Into<String>) -> Failure {
    fail(404, "ResourceNotFound", message)
}

/// The API's 400 for a query it cannot read.
pub(super) fn odata(message: impl Into<String>) -> Failure {
    fail(400, "ODataError", message)
}

/// A correlation id for the error's `target`, derived from the request so answers are reproducible.
pub(super) fn correlation(url: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let g = h ^ (h >> 29).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        g & 0xfff,
        g >> 16 & 0xffff_ffff_ffff
    )
}
