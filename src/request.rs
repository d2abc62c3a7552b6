//! The one request path: every call to the API (or the demo tenant) goes through [`send`], and every view
//! renders its [`Exchange`]; nothing else talks HTTP.

use std::cell::RefCell;
use std::rc::Rc;

use atp_core::auth::{may_carry_token, origin};
use atp_core::demo::{DemoConfig, DemoTenant, Variant};
use atp_core::link::DemoData;
use atp_core::model::ApiError;
use atp_core::{Entity, Profile};

use crate::auth::{self, Auth};
use crate::settings::Settings;

/// What came back for one request: the answer, or why there was none.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    /// The URL that was requested.
    pub url: String,
    pub elapsed_ms: f64,
    pub outcome: Result<Answer, Failure>,
}

/// An HTTP answer, whatever its status.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// No HTTP answer at all.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The request could not reach the API (offline, DNS, or the host refused this origin: CORS).
    Network { host: String, detail: String },
    /// The app would not send it: the URL is not the configured API's, so the token may not go there.
    NotSent { reason: String },
    /// The live API needs a signed-in session first.
    SignInNeeded { reason: String },
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

    /// The API's own error, when the body is one.
    fn api_error(&self) -> Option<ApiError> {
        serde_json::from_str(&self.body).ok()
    }

    /// The problem this answer reports, if its status is not a success.
    pub fn problem(&self, entity: Entity) -> Option<Problem> {
        if self.status < 400 {
            return None;
        }
        let api = self.api_error().map(|e| e.error);
        let said = api
            .as_ref()
            .map(|e| format!("{}: {}", e.code, e.message))
            .unwrap_or_else(|| format!("HTTP {}", self.status));
        let (title, advice) = match self.status {
            400 => (
                format!("The API refused the request ({said})."),
                "Fix the part it names in the query above, then run it again.".to_string(),
            ),
            401 => (
                format!("Not signed in, or the sign-in has expired ({said})."),
                "Sign in again; the query you composed is kept.".to_string(),
            ),
            403 => (
                format!("Signed in, but not allowed to read this ({said})."),
                format!(
                    "The app registration needs the API permission {} (granted by an admin), and your account the portal's \"View Data\" role.",
                    permission(entity)
                ),
            ),
            404 => (
                format!("Not found ({said})."),
                "Check the id in the query; pivot links on the cards always lead to existing entities.".to_string(),
            ),
            429 => {
                let wait = self
                    .header("Retry-After")
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map_or_else(|| "in a minute".to_string(), |s| format!("after {s} seconds"));
                (
                    format!("Too many requests ({said})."),
                    format!("The API allows 100 calls a minute and 1,500 an hour. Run the query again {wait}."),
                )
            }
            405 => (format!("This method is not allowed ({said})."), "The explorer only reads: use GET.".to_string()),
            500..=599 => (
                format!("The API failed ({said})."),
                "Run the query again in a moment; if it keeps failing, check the service's health.".to_string(),
            ),
            _ => (format!("The API answered {said}."), "Check the query and run it again.".to_string()),
        };
        Some(Problem { title, advice })
    }
}

impl Failure {
    pub fn problem(&self) -> Problem {
        match self {
            Failure::Network { host, detail } => Problem {
                title: format!("No answer from {host} ({detail})."),
                advice: "Check the network. If the network is fine, the API host does not allow requests from this page's origin (CORS): use a same-origin relay (Settings → API base URL), or the Graph-hosted WDATP profile.".to_string(),
            },
            Failure::NotSent { reason } => Problem {
                title: format!("Not sent: {reason}"),
                advice: "The sign-in token only ever goes to the configured API. Use a URL of that API, or change Settings → API base URL.".to_string(),
            },
            Failure::SignInNeeded { reason } => Problem {
                title: reason.clone(),
                advice: "Sign in (top right); the query you composed is kept and runs after sign-in.".to_string(),
            },
        }
    }
}

/// The delegated permission a read of `entity` needs.
fn permission(entity: Entity) -> &'static str {
    match entity {
        Entity::Alert | Entity::Actor => "Alert.Read.All",
        Entity::Machine => "Machine.Read.All",
        Entity::User => "User.Read.All",
        Entity::Domain => "URL.Read.All",
        Entity::Ip => "Ip.Read.All",
        Entity::File => "File.Read.All",
    }
}

thread_local! {
    /// The demo tenant, generated on first use for the dataset the page asks for.
    static DEMO: RefCell<Option<(DemoData, Rc<DemoTenant>)>> = const { RefCell::new(None) };
}

/// The demo tenant for `dataset`; generated once per page (it is deterministic, so ids survive reloads).
pub fn demo_tenant(dataset: DemoData) -> Rc<DemoTenant> {
    DEMO.with(|slot| {
        let mut slot = slot.borrow_mut();
        if let Some((data, tenant)) = slot.as_ref() {
            if *data == dataset {
                return tenant.clone();
            }
        }
        let mut config = DemoConfig::new(demo_now());
        config.variant = match dataset {
            DemoData::Normal => Variant::Normal,
            DemoData::Hostile => Variant::Hostile,
        };
        let tenant = Rc::new(DemoTenant::generate(&config));
        *slot = Some((dataset, tenant.clone()));
        tenant
    })
}

/// The demo's "now": this hour, so times look recent while ids stay the same across reloads.
fn demo_now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    now - chrono::Duration::seconds(
        i64::from(chrono::Timelike::minute(&now)) * 60 + i64::from(chrono::Timelike::second(&now)),
    )
}

/// Sends a GET for `url` (a request URL of `profile`): to the demo tenant, or signed in to the live API.
pub async fn send(
    url: String,
    profile: Profile,
    dataset: DemoData,
    settings: Settings,
    auth: Auth,
) -> Exchange {
    if settings.live {
        return send_live(url, profile, &settings, auth).await;
    }
    let started = now_ms();
    let tenant = demo_tenant(dataset);
    let response = tenant.respond("GET", &url, profile);
    Exchange {
        url,
        elapsed_ms: now_ms() - started,
        outcome: Ok(Answer {
            status: response.status,
            headers: response.headers,
            body: response.body,
        }),
    }
}

/// Milliseconds from the page's clock, precise enough to time a request.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Where a request of `profile` goes: the configured base replaces the profile's own.
fn destination(url: &str, profile: Profile, api_base: &str) -> String {
    let base = profile.base();
    match url.get(..base.len()) {
        Some(head) if !api_base.is_empty() && head.eq_ignore_ascii_case(&base) => {
            format!("{}{}", api_base.trim_end_matches('/'), &url[base.len()..])
        }
        _ => url.to_string(),
    }
}

async fn send_live(url: String, profile: Profile, settings: &Settings, auth: Auth) -> Exchange {
    let started = now_ms();
    let target = destination(&url, profile, &settings.api_base);
    let api = if settings.api_base.is_empty() {
        profile.base()
    } else {
        settings.api_base.clone()
    };
    let done = |outcome| Exchange {
        url: target.clone(),
        elapsed_ms: now_ms() - started,
        outcome,
    };
    if !may_carry_token(&target, &api) {
        return done(Err(Failure::NotSent {
            reason: format!(
                "{} is not the configured API ({}).",
                origin(&target),
                origin(&api)
            ),
        }));
    }
    if auth::token_expired() {
        // A failed refresh shows as the API's 401 below, with its advice.
        let _ = auth::refresh(auth).await;
    }
    let Some(token) = auth::access_token() else {
        return done(Err(Failure::SignInNeeded {
            reason: "Not signed in.".into(),
        }));
    };
    let mut outcome = fetch(&target, &token).await;
    if matches!(&outcome, Ok(answer) if answer.status == 401) {
        // Once: the token may have been revoked or rotated early.
        match auth::refresh(auth).await {
            Ok(()) => {
                if let Some(token) = auth::access_token() {
                    outcome = fetch(&target, &token).await;
                }
            }
            Err((what, _)) => return done(Err(Failure::SignInNeeded { reason: what })),
        }
    }
    done(outcome)
}

async fn fetch(url: &str, token: &str) -> Result<Answer, Failure> {
    let network = |detail: String| Failure::Network {
        host: origin(url),
        detail,
    };
    let response = gloo_net::http::Request::get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| network(e.to_string()))?;
    let headers = response.headers().entries().collect();
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| network(format!("the answer broke off: {e}")))?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}
