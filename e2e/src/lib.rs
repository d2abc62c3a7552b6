//! The browser harness of the end-to-end suites (`tests/`) and of `cargo xtask screenshots`
//! (`src/bin/screenshots.rs`): the release `dist/` on loopback, headless Chromium through chromedriver.
//!
//! Environment: `ATP_DIST` (the release build; default `dist/` at the workspace root) and `CHROMEDRIVER`
//! (default `/usr/bin/chromedriver`). `cargo xtask test` and `cargo xtask screenshots` set both.

pub mod axe;
mod browser;
pub mod graph;
pub mod live;

pub use browser::{dist, Browser, LOAD_MORE};
