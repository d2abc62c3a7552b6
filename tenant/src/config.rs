//! How the mock tenant is set up, and what it tells the app: the registration, the user, token lifetimes,
//! the resources its tokens are for.

use std::net::SocketAddr;
use std::path::PathBuf;

use atp_core::demo::DemoConfig;
use serde::{Deserialize, Serialize};

/// The signed-in user the mock issues tokens for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MockUser {
    /// Display name: the consent button reads "Sign in as {name}"; the id token's `name`.
    pub name: String,
    /// The id token's `preferred_username` (a UPN).
    pub preferred_username: String,
    /// Object id (`oid`).
    pub oid: String,
}

impl Default for MockUser {
    fn default() -> MockUser {
        MockUser {
            name: "Megan Bowen".into(),
            preferred_username: "meganb@contoso.onmicrosoft.com".into(),
            oid: "48d31887-5fad-4d73-a9f5-3c356e68a038".into(),
        }
    }
}

/// How to run the mock tenant. [`MockConfig::default`] is a ready-to-use tenant on a free loopback port.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// The built app to serve beside the tenant (same origin), or `None` for a tenant-only server (serve
    /// the app with [`crate::StaticServer`] on another port to test the real cross-origin situation).
    pub dist: Option<PathBuf>,
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Directory (tenant) id, a GUID: the `tid` claim and the issuer's path.
    pub tenant_id: String,
    /// The tenant's domain, accepted in URLs like the id.
    pub tenant_domain: String,
    /// The app's registration (a public client).
    pub client_id: String,
    /// Other public clients registered in the tenant (same redirect URIs), so tests can check that codes
    /// and refresh tokens are bound to the client they were issued to.
    pub other_client_ids: Vec<String>,
    /// Registered redirect URIs, matched exactly. One starting with `/` is relative to the mock's own URL
    /// (`"/"` is `{url}/`), since a port-0 server's URL is not known in advance.
    pub redirect_uris: Vec<String>,
    /// Whether the redirect URIs are registered under the "Single-page application" platform. When false,
    /// a token request carrying an `Origin` header fails with AADSTS9002326, as Entra does.
    pub spa_platform: bool,
    /// Browser origins allowed by CORS besides the redirect URIs' origins and the mock's own.
    pub allowed_origins: Vec<String>,
    /// Approve every valid authorization request without the consent page (whatever `prompt` says).
    /// Without it, `prompt=none` succeeds only for a browser that consented before (session cookie) and
    /// answers `login_required` otherwise; other prompts show the consent page.
    pub auto_approve: bool,
    /// Access token lifetime (`expires_in`); Entra's is about an hour.
    pub token_lifetime_secs: u64,
    /// Authorization code lifetime.
    pub code_lifetime_secs: u64,
    /// Refresh token lifetime, fixed from sign-in (SPA refresh tokens live 24 h and do not extend).
    pub refresh_lifetime_secs: u64,
    pub user: MockUser,
    /// Delegated permissions granted on the API resource: what `{resource}/.default` expands to.
    pub permissions: Vec<String>,
    /// Resources the user has not consented to yet: a refresh token cannot get a token for one (Entra's
    /// AADSTS65001) until an interactive sign-in has asked for its scopes. Empty: every resource is
    /// consented (admin consent).
    pub consent_needed: Vec<String>,
    /// The demo tenant behind the API; `None` is the app's default tenant generated at start-up time.
    /// Generated on the first API call, so tests that never call the API do not pay for it.
    pub demo: Option<DemoConfig>,
}

impl Default for MockConfig {
    fn default() -> MockConfig {
        MockConfig {
            dist: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tenant_id: "5b7c0e3a-91d4-4f2e-8a6b-3c1d2e4f5a6b".into(),
            tenant_domain: "contoso.onmicrosoft.com".into(),
            client_id: "0f3c9a7e-2b1d-4e6f-9a8b-7c6d5e4f3a2b".into(),
            other_client_ids: Vec::new(),
            redirect_uris: vec!["/".into()],
            spa_platform: true,
            allowed_origins: Vec::new(),
            auto_approve: false,
            token_lifetime_secs: 3600,
            code_lifetime_secs: 60,
            refresh_lifetime_secs: 24 * 3600,
            user: MockUser::default(),
            permissions: [
                "Alert.Read",
                "Machine.Read",
                "User.Read.All",
                "Ip.Read.All",
                "URL.Read.All",
                "File.Read.All",
                "AdvancedQuery.Read",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            consent_needed: Vec::new(),
            demo: None,
        }
    }
}

/// The API resource the scopes name (`https://api.securitycenter.microsoft.com/.default`).
pub const API_RESOURCE: &str = "https://api.securitycenter.microsoft.com";

/// The resource Entra issues a token for when only OpenID scopes are asked (Microsoft Graph).
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

/// What the app needs to sign in against the mock and call its API (`GET /_mock/config` answers it as JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSettings {
    /// `{url}/{tenant_id}`
    pub authority: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub end_session_endpoint: String,
    pub client_id: String,
    /// The first registered redirect URI (with `dist`, the app's own index URL by default).
    pub redirect_uri: String,
    pub scope: String,
    pub defender_api_base: String,
    pub wdatp_api_base: String,
}
