//! The live-API setups the sign-in suites share: a mock Entra tenant that trusts the app's origin, and the
//! link that configures the app for it (a shared link, as an analyst would get one).

use atp_core::link::{live_settings_href, LiveSettings};
use atp_tenant::{MockConfig, MockTenant, StaticServer};

/// A mock tenant that signs in without asking and redirects back to `app`; `consent_needed` names the
/// resources a refresh token cannot reach before an interactive sign-in asked for them.
pub fn mock_for(app: &StaticServer, consent_needed: Vec<String>) -> MockTenant {
    MockTenant::start(MockConfig {
        auto_approve: true,
        redirect_uris: vec![format!("{}/", app.url())],
        consent_needed,
        ..MockConfig::default()
    })
    .expect("start the mock tenant")
}

/// The address query that configures the app for `tenant`, sending to `api_base`; with `scopes`, the
/// tenant's own (the Defender resource's), else each profile asks its own API's.
pub fn live_link(tenant: &MockTenant, api_base: &str, scopes: bool) -> String {
    let settings = tenant.settings();
    let authority = format!("{}/v2.0", settings.authority);
    live_settings_href(&LiveSettings {
        authority: &authority,
        client_id: &settings.client_id,
        api_base,
        scopes: if scopes { &settings.scope } else { "" },
        ..LiveSettings::default()
    })
}
