//! The test controls over HTTP, under `/_mock/`: queue and clear faults, read and reset what the API saw,
//! read the app's settings. Open to any origin so a browser-side test can drive them too. (From Rust, the
//! same controls are [`MockTenant`](crate::MockTenant)'s methods.)

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::faults::{parse_faults, Fault};
use crate::state::{Seen, Shared};
use crate::wire::json_response;

pub(super) async fn faults_list(State(shared): State<Arc<Shared>>) -> Response {
    let faults: Vec<Fault> = shared.lock().faults.iter().cloned().collect();
    json_response(StatusCode::OK, &faults)
}

/// Accepts one fault or an array of faults, queued in order.
pub(super) async fn faults_add(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match parse_faults(&body) {
        Ok(added) => {
            let mut state = shared.lock();
            state.faults.extend(added);
            let faults: Vec<Fault> = state.faults.iter().cloned().collect();
            json_response(StatusCode::OK, &faults)
        }
        Err(error) => json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({ "error": error }),
        ),
    }
}

pub(super) async fn faults_clear(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn seen_get(State(shared): State<Arc<Shared>>) -> Response {
    let seen = shared.lock().seen.clone();
    json_response(StatusCode::OK, &seen)
}

pub(super) async fn seen_reset(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().seen = Seen::default();
    StatusCode::NO_CONTENT.into_response()
}

/// Readable from any origin: a dev build of the app on another port may fetch it to fill its settings.
pub(super) async fn settings_get(State(shared): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &shared.settings())
}

pub(super) async fn control_preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, DELETE, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type"),
    );
    response
}

pub(super) async fn open_cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}
