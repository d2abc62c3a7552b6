//! Which names this tenant answers to, and the issuer of its tokens.

use crate::oauth::answers::{entra, EntraError};
use crate::state::Shared;

pub(super) const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Whether `tenant` names this tenant: its id, its domain, `common` or `organizations`.
pub(super) fn known_tenant(shared: &Shared, tenant: &str) -> bool {
    let config = &shared.config;
    [
        config.tenant_id.as_str(),
        config.tenant_domain.as_str(),
        "common",
        "organizations",
    ]
    .iter()
    .any(|t| t.eq_ignore_ascii_case(tenant))
}

pub(super) fn unknown_tenant(tenant: &str) -> EntraError {
    entra(
        "invalid_tenant",
        90002,
        format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
    )
}

/// The issuer of tokens: always the tenant's own id (what Entra puts in `iss`).
pub(super) fn issuer(shared: &Shared) -> String {
    format!("{}/{}/v2.0", shared.base, shared.config.tenant_id)
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::config::MockConfig;

    #[test]
    fn the_tenant_answers_to_its_id_its_domain_and_the_multi_tenant_names() {
        let shared = Shared::new(MockConfig::default(), SocketAddr::from(([127, 0, 0, 1], 1)));
        let id = shared.config.tenant_id.to_uppercase();
        for name in [
            id.as_str(),
            "Contoso.onmicrosoft.com",
            "common",
            "ORGANIZATIONS",
        ] {
            assert!(known_tenant(&shared, name), "{name}");
        }
        for name in ["consumers", "fabrikam.onmicrosoft.com", ""] {
            assert!(!known_tenant(&shared, name), "{name}");
        }
        assert_eq!(
            issuer(&shared),
            format!("http://127.0.0.1:1/{}/v2.0", shared.config.tenant_id)
        );
    }
}
