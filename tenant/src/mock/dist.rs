//! The built app on the mock's own origin: `dist/` with the static host's answers.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::state::Shared;
use crate::static_files;

/// `dist/` as a static host serves it (the same `resolve` as [`crate::StaticServer`]), else 404.
pub(super) async fn static_fallback(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
) -> Response {
    let Some(root) = shared.config.dist.clone() else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Not found.\n",
        )
            .into_response();
    };
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Only GET and HEAD are served here.\n",
        )
            .into_response();
    }
    let target = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    // File reads block; keep them off the runtime's only thread.
    let answer = tokio::task::spawn_blocking(move || static_files::resolve(&root, &target)).await;
    let (status, content_type, body) = match answer {
        Ok(answer) => answer,
        Err(_) => (
            500,
            "text/plain; charset=utf-8",
            b"The file could not be read.\n".to_vec(),
        ),
    };
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    for (name, value) in static_files::STATIC_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
