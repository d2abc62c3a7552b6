//! The OData engine: a request URL in, the real API's status, headers and JSON body out.
//!
//! A request goes through named steps: only GET is allowed, the URL is parsed into a route and checked,
//! the query options are read, the route's step finds the entities (`routes`), and the answer is written
//! as the API writes it (`json`, `stats`). Failures take the API's error shape (`response`).

mod actions;
mod defender;
mod evidence;
mod json;
mod kind;
mod observe;
mod options;
mod response;
mod routes;
mod stats;
mod write;

use options::Options;
use response::{correlation, fail, not_found, odata, Failure};

use super::{DemoTenant, Variant, HOSTILE_HEADERS};
use crate::catalogue::{ParamKind, Profile, HUNTING_ROUTES};
use crate::query::{Query, QueryError, UrlError};

pub use actions::{PerformedCell, RUNS_AFTER_MS, SUCCEEDS_AFTER_MS};
pub(crate) use observe::{observe, Target};
pub use response::DemoResponse;

/// Results per page when `$top` is not given.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest `$top` the API takes.
pub const MAX_TOP: usize = 10_000;

impl DemoTenant {
    /// Answers `method url` as the real API would for `profile` (the URL may be a full URL of either
    /// profile's base, or a path of `profile`).
    pub fn respond(&self, method: &str, url: &str, profile: Profile) -> DemoResponse {
        self.respond_with(method, url, None, profile)
    }

    /// [`respond_with`](Self::respond_with) at the time `now` (the page's wall clock): the response
    /// actions the analyst asked for move on from Pending as time passes.
    pub fn respond_at(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        profile: Profile,
        now: chrono::DateTime<chrono::Utc>,
    ) -> DemoResponse {
        self.performed().now_ms = now.timestamp_millis();
        self.respond_with(method, url, body, profile)
    }

    /// [`respond`](Self::respond) for a request with a body (advanced hunting's POST, a write), at the
    /// time of the last [`respond_at`](Self::respond_at) (the dataset's "now" before any).
    pub fn respond_with(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        profile: Profile,
    ) -> DemoResponse {
        // A write (a GET of a write's URL is the read path's 405, in `answer`).
        let write = (profile != Profile::Graph && !method.trim().eq_ignore_ascii_case("GET"))
            .then(|| self.write(method, url, body, profile))
            .flatten();
        let mut response = match (write, body) {
            (Some(answer), _) => answer,
            (None, Some(body)) if method.eq_ignore_ascii_case("POST") => {
                self.respond_post(url, body, profile)
            }
            (None, _) => self.respond_plain(method, url, profile),
        };
        if self.dataset.variant == Variant::Hostile {
            response.headers.extend(
                HOSTILE_HEADERS
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string())),
            );
        }
        response
    }

    /// A POST: the hunting routes of the profile's API answer it (`hunt`, at the dataset's "now");
    /// anything else is refused as a GET-only route would be.
    fn respond_post(&self, url: &str, body: &str, profile: Profile) -> DemoResponse {
        let path = url
            .split(['?', '#'])
            .next()
            .unwrap_or(url)
            .trim_end_matches('/')
            .to_ascii_lowercase();
        let route = HUNTING_ROUTES
            .iter()
            .find(|r| r.api == profile.api() && path.ends_with(&r.path.to_ascii_lowercase()));
        match route {
            Some(route) => self.hunt(route.api, body, self.dataset.now.0),
            None => self.respond_plain("POST", url, profile),
        }
    }

    fn respond_plain(&self, method: &str, url: &str, profile: Profile) -> DemoResponse {
        // Graph has its own shapes, paging and error body (see `demo::graph`).
        if profile == Profile::Graph {
            return super::graph::respond(self, method, url);
        }
        match self.answer(method, url, profile) {
            Ok(body) => DemoResponse::json(200, body),
            Err(f) => {
                let body = serde_json::json!({
                    "error": { "code": f.code, "message": f.message, "target": correlation(url) }
                });
                let mut r = DemoResponse::json(f.status, body.to_string());
                if f.status == 405 {
                    r.headers
                        .push(("Allow".into(), f.allow.unwrap_or("GET").to_string()));
                }
                r
            }
        }
    }

    /// The body of a successful answer, or why there is none.
    fn answer(&self, method: &str, url: &str, profile: Profile) -> Result<String, Failure> {
        only_get(method)?;
        let query = parse(url, profile)?;
        if query.route.writes() {
            let route = query.route;
            return Err(Failure {
                allow: Some(route.method.name()),
                ..fail(
                    405,
                    "MethodNotAllowed",
                    format!(
                        "The requested resource does not support http method '{method}'; {} takes {}.",
                        route.title(),
                        route.method.name()
                    ),
                )
            });
        }
        validate(&query)?;
        let options = Options::read(&query)?;
        if query.profile.api() == crate::catalogue::Api::Defender {
            if let Some(answer) = self.defender_route(&query, &options) {
                return answer;
            }
        }
        let answer = self.route(query.route, &query, &options)?;
        self.shape(answer, &query, &options)
    }
}

/// A request id derived from the request, so that answers are reproducible (Graph's `request-id`).
pub(crate) fn correlation_of(url: &str) -> String {
    correlation(url)
}

/// The API is read-only: anything but GET is 405.
fn only_get(method: &str) -> Result<(), Failure> {
    if method.trim().eq_ignore_ascii_case("GET") {
        return Ok(());
    }
    Err(fail(
        405,
        "MethodNotAllowed",
        format!("The requested resource does not support http method '{method}'."),
    ))
}

/// The request as a query of a route: an unknown route is 404, a malformed URL 400.
fn parse(url: &str, profile: Profile) -> Result<Query, Failure> {
    Query::parse(url, profile).map_err(|e| match e {
        UrlError::UnknownRoute { .. } | UrlError::Empty | UrlError::UnknownBase { .. } => {
            not_found(format!(
                "No HTTP resource was found that matches the request URI. {e}"
            ))
        }
        other => odata(other.to_string()),
    })
}

/// The query's first problem, with the API's code for a bad hash or IP parameter.
fn validate(query: &Query) -> Result<(), Failure> {
    let Some(problem) = query.validate().into_iter().next() else {
        return Ok(());
    };
    Err(match &problem {
        QueryError::BadParam { name, .. } => match query.route.param(name).map(|p| p.kind) {
            Some(ParamKind::FileHash) => fail(400, "InvalidHashValue", problem.to_string()),
            Some(ParamKind::Ip) => fail(400, "InvalidIpAddress", problem.to_string()),
            _ => odata(problem.to_string()),
        },
        _ => odata(problem.to_string()),
    })
}
