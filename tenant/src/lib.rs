//! Local servers for development and tests.
//!
//! - [`StaticServer`]: the built app (`dist/`) on loopback, the way a static host serves it (files, deep
//!   links without an extension answered by `index.html`, 404 otherwise). Plain std, no runtime.
//! - [`MockTenant`]: a mock Entra ID (v2) tenant plus the demo API behind bearer tokens, so the app's
//!   browser sign-in (authorization code + PKCE S256) runs end to end without the internet. It can also
//!   serve `dist/` itself (same answers as [`StaticServer`], from the same code), and it injects faults
//!   for tests. See [`mock`] for the endpoints.

mod api;
pub mod mock;
mod oauth;
mod static_files;

pub use mock::{
    run_foreground, AppSettings, Fault, FaultKind, MockConfig, MockTenant, MockUser, Seen,
    API_RESOURCE,
};
pub use static_files::StaticServer;
