//! The kernels `cargo xtask bench` times, shared by the wasm module (the bench pages call it) and the
//! native binary (the same code on the host, for the engine's native baseline).

use atp_core::demo::{DemoConfig, DemoTenant, Variant};
use atp_core::body::Page;
use atp_core::graph::{synthetic, Graph, Layout};
use atp_core::model::Alert;
use atp_core::{Profile, Region};
use chrono::{TimeZone, Utc};

/// The engine scenario's query: the criterion bench's "filter + orderby + top=100" (core/benches/demo.rs).
pub const ENGINE_QUERY: &str = "/alerts?$filter=severity eq 'High' and status ne 'Resolved'&$orderby=alertCreationTime desc&$top=100";
/// Alerts in the engine scenario's tenant.
pub const ENGINE_SCALE: usize = 100_000;

/// The demo tenant of `scale` alerts at a fixed "now", as in core/benches/demo.rs.
pub fn config(scale: usize) -> DemoConfig {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
        .single()
        .unwrap_or_default();
    DemoConfig {
        seed: DemoConfig::DEFAULT_SEED,
        scale,
        variant: Variant::Normal,
        now,
    }
}

/// The profile the engine scenario queries (the criterion bench's).
pub fn engine_profile() -> Profile {
    Profile::Defender(Region::Global)
}

/// Reads an `/alerts` body as the app does (core's `body::Page::read`, called by src/explorer.rs): the
/// syntax checked and each alert's JSON found, to be decoded when its card is built; the number of alerts.
/// The bytes are the body's own (copied into wasm by the caller), as the app's fetch hands it the body's
/// `String`, which the page shares.
pub fn decode(bytes: Vec<u8>) -> Result<usize, String> {
    page(bytes).map(|p| p.items.len())
}

/// The app's reading, then every alert into its typed model, as 10,000 cards would decode them one by
/// one; the number of alerts.
pub fn decode_typed(bytes: Vec<u8>) -> Result<usize, String> {
    let page = page(bytes)?;
    for item in &page.items {
        item.decode::<Alert>()
            .map_err(|e| format!("an alert does not decode: {e}"))?;
    }
    Ok(page.items.len())
}

fn page(bytes: Vec<u8>) -> Result<Page, String> {
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("the body is not UTF-8: {}", e.utf8_error()))?;
    let page = Page::read(text, true);
    match &page.syntax {
        Ok(()) => Ok(page),
        Err(e) => Err(format!("the alerts body does not parse: {}", e.message)),
    }
}

/// Runs the engine query; the body's length.
pub fn engine_query(tenant: &DemoTenant) -> Result<usize, String> {
    let response = tenant.respond("GET", ENGINE_QUERY, engine_profile());
    if response.status == 200 {
        Ok(response.body.len())
    } else {
        Err(format!(
            "the engine answered {}: {}",
            response.status, response.body
        ))
    }
}

/// A graph of about `nodes` nodes and `edges_per_node` × `nodes` edges, placed but not laid out: the
/// app's `?graph-synthetic=` graph (same seed).
pub fn graph(nodes: usize, edges_per_node: usize) -> Graph {
    synthetic(nodes, edges_per_node, 7)
}

/// Lays `graph` out to rest (at most `cap` iterations); the iterations run.
pub fn layout(graph: &mut Graph, cap: usize) -> usize {
    Layout::new().run_to_rest(graph, cap)
}

#[cfg(target_arch = "wasm32")]
mod web {
    use super::*;
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;

    thread_local! {
        static TENANT: RefCell<Option<DemoTenant>> = const { RefCell::new(None) };
    }

    fn fail(message: String) -> JsValue {
        JsValue::from_str(&message)
    }

    /// The app's reading of the bytes (see [`decode`]); the number of alerts.
    #[wasm_bindgen]
    pub fn decode_alerts(bytes: Vec<u8>) -> Result<usize, JsValue> {
        decode(bytes).map_err(fail)
    }

    /// The app's reading, then every alert typed (see [`decode_typed`]); the number of alerts.
    #[wasm_bindgen]
    pub fn decode_alerts_typed(bytes: Vec<u8>) -> Result<usize, JsValue> {
        decode_typed(bytes).map_err(fail)
    }

    /// Generates the engine's tenant (not timed); the number of alerts.
    #[wasm_bindgen]
    pub fn engine_setup(scale: usize) -> usize {
        let tenant = DemoTenant::generate(&config(scale));
        let n = tenant.dataset.alerts.len();
        TENANT.with(|t| *t.borrow_mut() = Some(tenant));
        n
    }

    /// The engine query on the tenant of `engine_setup`; the body's length.
    #[wasm_bindgen]
    pub fn engine_run() -> Result<usize, JsValue> {
        TENANT.with(|t| match t.borrow().as_ref() {
            Some(tenant) => engine_query(tenant).map_err(fail),
            None => Err(fail("call engine_setup first".into())),
        })
    }
}
