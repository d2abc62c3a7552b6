//! The tenant's shared state: its configuration with relative redirect URIs made absolute, the allowed
//! origins, and what sign-in and the API remember between requests (consent tickets, codes, tokens,
//! sessions, queued faults, what the API saw). The OAuth endpoints and the API read and write it; neither
//! knows the other.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use atp_core::demo::{DemoConfig, DemoTenant};
use axum::http::{header, HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::config::{AppSettings, MockConfig, API_RESOURCE};
use crate::faults::{self, Fault, FaultKind};
use crate::wire::origin_of;

/// What the API saw, so tests can check that the bearer token was checked on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// API requests (preflights excluded).
    pub api_requests: u64,
    /// API requests that carried a valid, unexpired access token.
    pub authorized_requests: u64,
    /// API requests answered 401 because of the token (missing, unknown or expired).
    pub rejected_requests: u64,
    /// CORS preflights on the API.
    pub preflights: u64,
    /// Requests to the token endpoint (preflights excluded) and how many of them issued tokens.
    pub token_requests: u64,
    pub tokens_issued: u64,
    /// The last API request's `Authorization` header, path and query, and `Origin`.
    pub last_authorization: Option<String>,
    pub last_api_path: Option<String>,
    pub last_origin: Option<String>,
}

/// A code issued by the authorize endpoint, waiting for the token endpoint.
pub(crate) struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub expires_at: i64,
}

/// Where the authorize endpoint puts its answer in the redirect URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResponseMode {
    Query,
    Fragment,
}

/// A checked authorization request.
#[derive(Clone, Debug)]
pub(crate) struct AuthorizeRequest {
    pub tenant: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub response_mode: ResponseMode,
    pub state: Option<String>,
    pub scopes: Vec<String>,
    pub code_challenge: String,
    pub nonce: Option<String>,
}

/// An authorization request waiting on the consent page.
pub(crate) struct Pending {
    pub request: AuthorizeRequest,
    pub expires_at: i64,
}

pub(crate) struct AccessGrant {
    pub expires_at: i64,
    /// The resource the token is for (`aud`): the API refuses tokens for another resource.
    pub audience: String,
}

pub(crate) struct RefreshGrant {
    pub client_id: String,
    pub scopes: Vec<String>,
    /// Fixed at sign-in: rotation does not extend it.
    pub expires_at: i64,
}

pub(crate) struct MockState {
    pub clock_offset_secs: i64,
    pub token_lifetime_secs: u64,
    pub pending: HashMap<String, Pending>,
    pub codes: HashMap<String, CodeGrant>,
    /// Codes already redeemed, to tell "already used" from "never issued".
    pub redeemed: HashSet<String>,
    pub access: HashMap<String, AccessGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
    /// Browser sessions (cookie values) that consented: `prompt=none` succeeds for them.
    pub sessions: HashSet<String>,
    /// Resources of `MockConfig::consent_needed` that an interactive sign-in has since asked for.
    pub consented: HashSet<String>,
    pub faults: VecDeque<Fault>,
    pub seen: Seen,
}

impl MockState {
    /// Unix seconds on the mock's clock.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        real.saturating_add(self.clock_offset_secs)
    }

    /// The fault for this API request, counting it down.
    pub fn take_fault(&mut self) -> Option<FaultKind> {
        faults::take_next(&mut self.faults)
    }
}

pub(crate) struct Shared {
    pub config: MockConfig,
    pub addr: SocketAddr,
    /// `http://127.0.0.1:port`
    pub base: String,
    pub redirect_uris: Vec<String>,
    pub allowed_origins: Vec<String>,
    state: Mutex<MockState>,
    demo: OnceLock<DemoTenant>,
}

impl Shared {
    pub(crate) fn new(config: MockConfig, addr: SocketAddr) -> Shared {
        let base = format!("http://{addr}");
        let redirect_uris: Vec<String> = config
            .redirect_uris
            .iter()
            .map(|uri| {
                if uri.starts_with('/') {
                    format!("{base}{uri}")
                } else {
                    uri.clone()
                }
            })
            .collect();
        let mut allowed_origins = vec![base.clone()];
        for origin in redirect_uris.iter().filter_map(|u| origin_of(u)).chain(
            config
                .allowed_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_string()),
        ) {
            if !allowed_origins.contains(&origin) {
                allowed_origins.push(origin);
            }
        }
        let state = MockState {
            clock_offset_secs: 0,
            token_lifetime_secs: config.token_lifetime_secs,
            pending: HashMap::new(),
            codes: HashMap::new(),
            redeemed: HashSet::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            sessions: HashSet::new(),
            consented: HashSet::new(),
            faults: VecDeque::new(),
            seen: Seen::default(),
        };
        Shared {
            config,
            addr,
            base,
            redirect_uris,
            allowed_origins,
            state: Mutex::new(state),
            demo: OnceLock::new(),
        }
    }

    pub fn settings(&self) -> AppSettings {
        let authority = format!("{}/{}", self.base, self.config.tenant_id);
        AppSettings {
            authorization_endpoint: format!("{authority}/oauth2/v2.0/authorize"),
            token_endpoint: format!("{authority}/oauth2/v2.0/token"),
            end_session_endpoint: format!("{authority}/oauth2/v2.0/logout"),
            authority,
            client_id: self.config.client_id.clone(),
            redirect_uri: self.redirect_uris.first().cloned().unwrap_or_default(),
            scope: format!("{API_RESOURCE}/.default openid profile offline_access"),
            defender_api_base: format!("{}/api", self.base),
            wdatp_api_base: format!("{}/testwdatp", self.base),
        }
    }

    /// The state; a panic elsewhere while it was held does not make it unusable for later requests.
    pub fn lock(&self) -> MutexGuard<'_, MockState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The demo tenant, generated on first use.
    pub fn demo(&self) -> &DemoTenant {
        self.demo.get_or_init(|| {
            let config = self
                .config
                .demo
                .unwrap_or_else(|| DemoConfig::new(chrono::Utc::now()));
            DemoTenant::generate(&config)
        })
    }

    pub fn is_client(&self, client_id: &str) -> bool {
        client_id == self.config.client_id
            || self.config.other_client_ids.iter().any(|c| c == client_id)
    }

    /// The `Origin` header if it is one the app may call from.
    pub fn allowed_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = headers.get(header::ORIGIN)?;
        let text = origin.to_str().ok()?;
        self.allowed_origins
            .iter()
            .any(|o| o == text)
            .then(|| origin.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_takes_queued_faults_in_order() {
        let mut state = Shared::new(MockConfig::default(), SocketAddr::from(([127, 0, 0, 1], 1)))
            .state
            .into_inner()
            .expect("fresh");
        state
            .faults
            .push_back(Fault::times(FaultKind::ServerError, 2));
        state.faults.push_back(Fault::always(FaultKind::Forbidden));
        assert_eq!(state.take_fault(), Some(FaultKind::ServerError));
        assert_eq!(state.take_fault(), Some(FaultKind::ServerError));
        assert_eq!(state.take_fault(), Some(FaultKind::Forbidden));
        assert_eq!(state.take_fault(), Some(FaultKind::Forbidden));
    }

    #[test]
    fn relative_redirect_uris_are_the_mocks_own() {
        let shared = Shared::new(
            MockConfig {
                redirect_uris: vec!["/".into(), "http://localhost:3000/cb".into()],
                allowed_origins: vec!["http://localhost:4000".into()],
                ..MockConfig::default()
            },
            SocketAddr::from(([127, 0, 0, 1], 8123)),
        );
        assert_eq!(
            shared.redirect_uris,
            ["http://127.0.0.1:8123/", "http://localhost:3000/cb"]
        );
        assert_eq!(
            shared.allowed_origins,
            [
                "http://127.0.0.1:8123",
                "http://localhost:3000",
                "http://localhost:4000"
            ]
        );
        assert_eq!(shared.settings().redirect_uri, "http://127.0.0.1:8123/");
        assert_eq!(
            shared.settings().authority,
            format!("http://127.0.0.1:8123/{}", shared.config.tenant_id)
        );
    }
}
