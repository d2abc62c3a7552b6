//! The Entra ID v2 endpoints: discovery, authorize (+ consent page), token, logout.
//!
//! Error texts follow Entra's (`AADSTS…: …`) so the app's error handling meets the same strings it will
//! meet in production; where Entra's exact text is not known the code is Entra's and the text says plainly
//! what is wrong.
//!
//! Each endpoint has its room; the rooms share the tenant's state ([`crate::state`]) and the answers in
//! Entra's shape ([`answers`]), never the demo API.

mod answers;
mod authorize;
mod discovery;
mod issue;
mod logout;
mod session;
mod tenant;
mod token;

pub(crate) use authorize::{authorize, consent};
pub(crate) use discovery::{discovery, keys};
pub(crate) use logout::logout;
pub(crate) use token::{token, token_preflight};
