//! The one request path: every call to the API (or the demo tenant) goes through [`send`], and every view
//! renders its [`Exchange`]; nothing else talks HTTP.

use std::cell::RefCell;
use std::rc::Rc;

use atp_core::demo::{DemoConfig, DemoTenant, Variant};
use atp_core::link::DemoData;
use atp_core::model::ApiError;
use atp_core::{Entity, Profile};

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
                advice: "Check the network. If the network is fine, the API host does not allow requests from this page's origin (CORS): use a same-origin relay, or the Graph-hosted WDATP profile.".to_string(),
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

/// Sends a GET for `url` (a request URL of `profile`) to the demo tenant.
pub async fn send(url: String, profile: Profile, dataset: DemoData) -> Exchange {
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
