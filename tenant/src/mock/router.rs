//! The mock's routes: which endpoint answers which path.

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::mock::{control, dist};
use crate::state::Shared;
use crate::{api, oauth};

/// The Entra endpoints, the demo API, the test controls, and `dist/` for everything else.
pub(super) fn router(shared: Arc<Shared>) -> Router {
    // Test controls, open to any origin so a browser-side test can drive them too.
    let control = Router::new()
        .route(
            "/_mock/faults",
            get(control::faults_list)
                .post(control::faults_add)
                .delete(control::faults_clear)
                .options(control::control_preflight),
        )
        .route(
            "/_mock/seen",
            get(control::seen_get)
                .delete(control::seen_reset)
                .options(control::control_preflight),
        )
        .route(
            "/_mock/config",
            get(control::settings_get).options(control::control_preflight),
        )
        .layer(axum::middleware::map_response(control::open_cors));
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(oauth::discovery),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(oauth::keys))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(oauth::authorize).post(oauth::consent),
        )
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(oauth::token).options(oauth::token_preflight),
        )
        .route("/{tenant}/oauth2/v2.0/logout", get(oauth::logout))
        .route("/api", axum::routing::any(api::defender))
        .route("/api/{*rest}", axum::routing::any(api::defender))
        .route("/v1.0/{*rest}", axum::routing::any(api::graph))
        .route("/testwdatp", axum::routing::any(api::wdatp))
        .route("/testwdatp/{*rest}", axum::routing::any(api::wdatp))
        .merge(control)
        .fallback(dist::static_fallback)
        .with_state(shared)
}
