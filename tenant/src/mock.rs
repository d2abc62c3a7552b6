//! The mock tenant: Entra ID v2 endpoints, the demo API behind bearer tokens, fault injection.
//!
//! Endpoints (`{tenant}` is the configured tenant id, the configured domain, `common` or `organizations`):
//!
//! | endpoint | what |
//! |---|---|
//! | `GET /{tenant}/v2.0/.well-known/openid-configuration` | discovery document |
//! | `GET /{tenant}/discovery/v2.0/keys` | an empty key set: tokens here are not verifiable |
//! | `GET /{tenant}/oauth2/v2.0/authorize` | checks the request, shows the consent page (or auto-approves) |
//! | `POST /{tenant}/oauth2/v2.0/authorize` | the consent page's form: `ticket`, `decision=approve|deny` |
//! | `POST /{tenant}/oauth2/v2.0/token` (+ `OPTIONS`) | `authorization_code` and `refresh_token` grants, CORS |
//! | `GET /{tenant}/oauth2/v2.0/logout` | ends the session, back to a registered `post_logout_redirect_uri` |
//! | `/api/...` | Defender for Endpoint profile (`Profile::Defender(Region::Global)`) of the demo engine |
//! | `/testwdatp/...` | WDATP profile (`Profile::Wdatp`) of the demo engine |
//! | `/v1.0/...` | Microsoft Graph security profile (`Profile::Graph`) of the demo engine, Graph tokens only |
//! | `GET/POST/DELETE /_mock/faults` | list / add (one [`Fault`] or an array) / clear injected faults |
//! | `GET /_mock/seen`, `DELETE /_mock/seen` | what the API saw ([`Seen`]) / reset it |
//! | `GET /_mock/config` | [`AppSettings`]: authority, endpoints, client id, redirect URI, scope, API bases |
//! | anything else | `dist/` when configured (static-host answers), else 404 |
//!
//! The API answers `@odata.context` and `@odata.nextLink` with the mock's own base (`{url}/api`,
//! `{url}/testwdatp`) instead of Microsoft's host, so paging stays on loopback.
//!
//! Tokens: the API takes `Authorization: Bearer <access token>` of a token this mock issued, unexpired,
//! whose audience is the API (`{API_RESOURCE}/.default` asked; `/testwdatp` also takes Graph tokens, which
//! is what asking only OpenID scopes gives). Otherwise 401 `{"error":{"code":"Unauthorized",...}}` with a
//! `WWW-Authenticate` that says why. Tokens are JWT-shaped (`header.claims.signature`, RS256 header) but the
//! signature verifies against nothing: the server checks tokens by lookup.
//!
//! Faults: a queue; each API request (preflights excluded) takes the first fault and counts it down;
//! a fault without `times` stays until cleared. Fault answers carry CORS headers (except `no_cors`), so the
//! app can read a 429's `Retry-After`. Faults never touch the sign-in endpoints.

mod control;
mod dist;
mod router;
mod server;

// The public items keep their `atp_tenant::mock::…` paths.
pub use crate::config::{AppSettings, MockConfig, MockUser, API_RESOURCE, GRAPH_RESOURCE};
pub use crate::faults::{Fault, FaultKind};
pub use crate::state::Seen;
pub use server::{run_foreground, MockTenant};
