//! One request and what came back: the typed answer every view renders, the errors an analyst can meet
//! and what to do about each, throttling's retry rule, and where a request goes. The shell's one request
//! function (`src/request.rs`) fills these in; they are plain data, so the rules are tested natively.

use std::sync::Arc;

use crate::catalogue::{read_permission, Api, Entity, HuntingRoute, Profile};
use crate::model::ApiError;

/// What came back for one request: the answer, or why there was none.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    /// The URL that was requested.
    pub url: String,
    pub elapsed_ms: f64,
    /// An HTTP answer (any status), or a [`RequestError`] that left no answer.
    pub outcome: Result<Answer, RequestError>,
    /// How many times the same request was sent again by itself after a 429 before this answer.
    pub retries: u32,
}

/// An HTTP answer, whatever its status.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Shared, not copied, by the page read from it and the views that show it.
    pub body: Arc<String>,
}

/// Everything that can go wrong with a request, typed; the demo tenant's answers map to the same.
#[derive(Clone, Debug, PartialEq)]
pub enum RequestError {
    BadRequest {
        code: String,
        message: String,
    },
    Unauthorized {
        message: String,
    },
    Forbidden {
        message: String,
    },
    NotFound {
        message: String,
    },
    TooManyRequests {
        retry_after: Option<u64>,
        /// Automatic retries already made (see [`retry_delay`]); at [`MAX_RETRIES`] the explorer gives up.
        retried: u32,
    },
    Server {
        status: u16,
        message: String,
    },
    /// Any other status the API should not send (405, 409, …).
    Unexpected {
        status: u16,
        message: String,
    },
    /// The fetch failed: offline, DNS, or the API host refused this page's origin (CORS).
    Network {
        host: String,
        detail: String,
    },
    /// No answer within [`TIMEOUT_MS`]; the request was aborted.
    Timeout {
        host: String,
    },
    /// A success whose body is not JSON (cut off, or something else than the API answered).
    Malformed {
        message: String,
        line: usize,
        column: usize,
    },
    /// Not sent: the URL is not the configured API's, so the token may not go there.
    NotSent {
        reason: String,
    },
    /// The live API needs a signed-in session first.
    SignInNeeded {
        reason: String,
    },
}

/// What went wrong, in the analyst's terms, and what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub title: String,
    pub advice: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The error this answer's status reports, with the API's own code and message when it sent them.
    pub fn error(&self) -> Option<RequestError> {
        if self.status < 400 {
            return None;
        }
        let api = serde_json::from_str::<ApiError>(&self.body)
            .ok()
            .map(|e| e.error);
        let message = api.as_ref().map_or_else(
            || format!("HTTP {}", self.status),
            |e| format!("{}: {}", e.code, e.message),
        );
        Some(match self.status {
            400 => RequestError::BadRequest {
                code: api.map_or_else(|| "BadRequest".to_string(), |e| e.code),
                message,
            },
            401 => RequestError::Unauthorized { message },
            403 => RequestError::Forbidden { message },
            404 => RequestError::NotFound { message },
            429 => RequestError::TooManyRequests {
                retry_after: self
                    .header("Retry-After")
                    .and_then(|v| v.trim().parse().ok()),
                retried: 0,
            },
            status @ 500..=599 => RequestError::Server { status, message },
            status => RequestError::Unexpected { status, message },
        })
    }
}

impl Exchange {
    /// The error of this exchange, if any (a success whose body is not JSON is judged by the caller, who
    /// parsed it: see [`RequestError::Malformed`]).
    pub fn error(&self) -> Option<RequestError> {
        match &self.outcome {
            Ok(answer) => answer.error().map(|error| match error {
                RequestError::TooManyRequests { retry_after, .. } => {
                    RequestError::TooManyRequests {
                        retry_after,
                        retried: self.retries,
                    }
                }
                other => other,
            }),
            Err(error) => Some(error.clone()),
        }
    }
}

/// Automatic retries after a 429 before the explorer gives up and says so.
pub const MAX_RETRIES: u32 = 3;

/// Seconds to wait before sending the same request again by itself: when the API throttled it with a
/// `Retry-After` of up to two minutes, and fewer than [`MAX_RETRIES`] retries were made. Otherwise the
/// 429 is shown as the problem, with what to do.
pub fn retry_delay(exchange: &Exchange) -> Option<f64> {
    match exchange.error() {
        Some(RequestError::TooManyRequests {
            retry_after: Some(seconds),
            retried,
        }) if seconds <= 120 && retried < MAX_RETRIES => Some(seconds as f64),
        _ => None,
    }
}

impl RequestError {
    /// What happened and what to do after a write of `route`: a 403 names the write's own permission
    /// (a token that reads may still not act); anything else as for a read.
    pub fn write_problem(&self, route: &crate::catalogue::Route) -> Problem {
        match self {
            RequestError::Forbidden { message } => Problem {
                title: format!(
                    "Signed in, but not allowed to {} ({message}).",
                    route.title()
                ),
                advice: format!(
                    "This action needs the delegated permission {} on the app registration (granted by an admin, then consented) and a role that may take response actions in the portal. Sign in again once it is granted, and send it again; nothing was changed.",
                    route.permission()
                ),
            },
            other => other.problem(route.api, route.entity),
        }
    }

    /// What happened and what to do, for a request about `entity`.
    pub fn problem(&self, api: Api, entity: Entity) -> Problem {
        let (title, advice) = match self {
            RequestError::BadRequest { message, .. } => (
                format!("The API refused the request ({message})."),
                "Fix the part it names in the query above, then run it again.".to_string(),
            ),
            RequestError::Unauthorized { message } => (
                format!("Not signed in, or the sign-in has expired ({message})."),
                "Sign in again; the query you composed is kept.".to_string(),
            ),
            RequestError::Forbidden { message } => (
                format!("Signed in, but not allowed to read this ({message})."),
                format!(
                    "The app registration needs the API permission {} (granted by an admin), and your account the portal's \"View Data\" role.",
                    read_permission(api, entity)
                ),
            ),
            RequestError::NotFound { message } => (
                format!("Not found ({message})."),
                "Check the id in the query; pivot links on the cards always lead to existing entities.".to_string(),
            ),
            RequestError::TooManyRequests { retry_after, retried } => (
                if *retried > 0 {
                    format!("Too many requests: the API still refused after {retried} automatic retries. It allows 100 calls a minute and 1,500 an hour.")
                } else {
                    "Too many requests: the API allows 100 calls a minute and 1,500 an hour.".to_string()
                },
                match (retry_after, retried) {
                    (_, 1..) => "Other requests (another tab, another tool with this account) may be using the quota: wait a few minutes, then run the query again.".to_string(),
                    (Some(s), _) => format!("Run the query again after {s} seconds."),
                    (None, _) => "Run the query again in a minute.".to_string(),
                },
            ),
            RequestError::Server { message, .. } => (
                format!("The API failed ({message})."),
                "Run the query again in a moment; if it keeps failing, check the service's health.".to_string(),
            ),
            RequestError::Unexpected { status, message } => (
                format!("The API answered {status} ({message})."),
                "The explorer only reads with GET; check the query and run it again.".to_string(),
            ),
            RequestError::Network { host, detail } => (
                format!("{host} did not answer this page ({detail}): the network failed, or the host does not accept requests from this page's origin (CORS). Microsoft does not say that the Defender API hosts accept them; Microsoft Graph does."),
                "Check the network. Then use the Microsoft Graph security profile (the same alerts and incidents, reachable from any page), or run a relay on your own machine and set it as Settings → API base URL.".to_string(),
            ),
            RequestError::Timeout { host } => (
                format!("No answer from {host} within {} seconds; the request was stopped.", TIMEOUT_MS / 1000),
                "Run the query again; ask for less ($top, $select) if it keeps taking this long.".to_string(),
            ),
            RequestError::Malformed { message, line, column } => (
                format!("The answer is not JSON: {message} (line {line}, column {column})."),
                "The JSON tab shows the body as received. If it was cut off, run the query again.".to_string(),
            ),
            RequestError::NotSent { reason } => (
                format!("Not sent: {reason}"),
                "The sign-in token only ever goes to the configured API. Use a URL of that API, or change Settings → API base URL.".to_string(),
            ),
            RequestError::SignInNeeded { reason } => (
                reason.clone(),
                "Sign in (top right); the query you composed is kept and runs after sign-in.".to_string(),
            ),
        };
        Problem { title, advice }
    }

    /// What happened and what to do, for an advanced hunting query sent to `route`: its quotas, its
    /// permission, the KQL as the thing to fix; otherwise as for any request.
    pub fn hunting_problem(&self, route: &HuntingRoute) -> Problem {
        let (title, advice) = match self {
            RequestError::BadRequest { message, .. } => (
                format!("The query was refused: {message}"),
                "Fix the KQL where the message points (the query is kept), then run it again.".to_string(),
            ),
            RequestError::Forbidden { message } => (
                format!("Signed in, but not allowed to hunt ({message})."),
                format!(
                    "The app registration needs the delegated permission {} (granted by an admin), and your account a role that may run advanced hunting.",
                    route.permission
                ),
            ),
            RequestError::TooManyRequests { retry_after, .. } => (
                format!("Too many hunting requests: {}", route.limits),
                match retry_after {
                    Some(s) => format!("Run the query again after {s} seconds; the query is kept."),
                    None => "Wait a minute, then run the query again; the query is kept.".to_string(),
                },
            ),
            RequestError::Timeout { host } => (
                format!(
                    "No answer from {host} within {} seconds: the query ran too long, and was stopped.",
                    TIMEOUT_MS / 1000
                ),
                "Narrow it: a shorter time range (where Timestamp > ago(1d)), filters before joins and summarize, fewer columns (project).".to_string(),
            ),
            RequestError::Unexpected { status: 413 | 414, message } => (
                format!("The query or its results are too large ({message})."),
                "Summarize or project fewer columns; results over 124 MB are refused.".to_string(),
            ),
            other => return other.problem(route.api, Entity::Alert),
        };
        Problem { title, advice }
    }
}

/// What the page sends: every view's request, for the one request path (`send` in the shell).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub method: crate::catalogue::Method,
    /// A full URL of a profile's base (or a path of the profile).
    pub url: String,
    /// A JSON body (hunting), sent as `application/json`.
    pub body: Option<String>,
}

impl Outgoing {
    pub fn get(url: impl Into<String>) -> Outgoing {
        Outgoing {
            method: crate::catalogue::Method::Get,
            url: url.into(),
            body: None,
        }
    }

    pub fn post_json(url: impl Into<String>, body: String) -> Outgoing {
        Outgoing {
            method: crate::catalogue::Method::Post,
            url: url.into(),
            body: Some(body),
        }
    }
}

/// How long a live request may take before it is aborted.
pub const TIMEOUT_MS: u32 = 60_000;

/// Where a request of `profile` goes: the configured base replaces the profile's own. A base that is
/// only an origin (`http://127.0.0.1:8443`) replaces the profile's host and keeps its path (`/api`,
/// `/v1.0`), so one relay or test tenant can serve every profile; a base with a path replaces the whole.
pub fn destination(url: &str, profile: Profile, api_base: &str) -> String {
    let base = profile.base();
    let api_base = api_base.trim().trim_end_matches('/');
    match url.get(..base.len()) {
        Some(head) if !api_base.is_empty() && head.eq_ignore_ascii_case(&base) => {
            let rest = &url[base.len()..];
            let path_of = |b: &str| {
                b.split_once("://")
                    .and_then(|(_, after)| after.find('/').map(|i| after[i..].to_string()))
            };
            match path_of(api_base) {
                Some(_) => format!("{api_base}{rest}"),
                None => format!("{api_base}{}{rest}", path_of(&base).unwrap_or_default()),
            }
        }
        _ => url.to_string(),
    }
}
