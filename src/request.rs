//! The one request path: every call to the API (or the demo tenant) goes through [`send`], and every view
//! renders its [`Exchange`]; nothing else talks HTTP.

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use atp_core::auth::{may_carry_token, origin, scopes_for, scopes_resource};
use atp_core::demo::DemoTenant;
use atp_core::exchange::destination;
// The request's vocabulary, from the core where its rules are tested: callers name it through here.
pub use atp_core::exchange::{retry_delay, Answer, Exchange, Outgoing, RequestError, TIMEOUT_MS};
use atp_core::{Method, Profile};

use leptos::prelude::set_timeout_with_handle;

use crate::platform::now_ms;
use crate::settings::Settings;

/// Where a live request gets its bearer token: the sign-in (`crate::auth::Auth`) is one; the request
/// path needs nothing else of it. Tokens are per resource: a request asks for its own API's.
pub trait TokenSource {
    /// Whether there is a session (a sign-in) at all.
    fn signed_in(&self) -> bool;
    /// The access token for `resource` (`atp_core::auth::scopes_resource`), when held and meant for it.
    fn access_token(&self, resource: &str) -> Option<String>;
    /// Whether the token for `resource` is held and not past its expiry.
    fn fresh(&self, resource: &str) -> bool;
    /// Redeems the refresh token once for `scopes`; `Err` says what happened and what to do.
    fn acquire(&self, scopes: &str) -> impl Future<Output = Result<(), (String, String)>>;
}

/// Where a request goes: the demo tenant in the page, or the live API with the analyst's settings and
/// token. One request function ([`send`]) serves both, so every view handles their answers alike.
pub enum Transport<T> {
    Demo(Rc<DemoTenant>),
    Live { settings: Settings, tokens: T },
}

/// Sends `request` (a request URL of `profile`, a GET or hunting's POST): to the demo tenant, or signed
/// in to the live API.
pub async fn send<T: TokenSource>(
    request: Outgoing,
    profile: Profile,
    transport: Transport<T>,
) -> Exchange {
    let tenant = match transport {
        Transport::Live { settings, tokens } => {
            return send_live(request, profile, &settings, &tokens).await
        }
        Transport::Demo(tenant) => tenant,
    };
    let started = now_ms();
    // At the wall clock: the response actions a write queued move on as time passes.
    let now = chrono::DateTime::from_timestamp_millis(crate::platform::now_epoch_ms())
        .unwrap_or_default();
    let response = tenant.respond_at(
        request.method.name(),
        &request.url,
        request.body.as_deref(),
        profile,
        now,
    );
    Exchange {
        url: request.url,
        elapsed_ms: now_ms() - started,
        outcome: Ok(Answer {
            status: response.status,
            headers: response.headers,
            body: Arc::new(response.body),
        }),
        retries: 0,
    }
}

async fn send_live(
    request: Outgoing,
    profile: Profile,
    settings: &Settings,
    tokens: &impl TokenSource,
) -> Exchange {
    let started = now_ms();
    let target = destination(&request.url, profile, &settings.api_base);
    let api = if settings.api_base.is_empty() {
        profile.base()
    } else {
        settings.api_base.clone()
    };
    let done = |outcome| Exchange {
        url: target.clone(),
        elapsed_ms: now_ms() - started,
        outcome,
        retries: 0,
    };
    if !may_carry_token(&target, &api) {
        return done(Err(RequestError::NotSent {
            reason: format!(
                "{} is not the configured API ({}).",
                origin(&target),
                origin(&api)
            ),
        }));
    }
    // The token of this profile's own API: a Graph token never goes to Defender, nor the reverse.
    let scopes = scopes_for(&settings.auth.scopes, profile);
    let resource = scopes_resource(&scopes);
    if !tokens.signed_in() {
        return done(Err(RequestError::SignInNeeded {
            reason: "Not signed in.".into(),
        }));
    }
    if !tokens.fresh(&resource) {
        // A token for another API, or a fresh one, from the refresh token. When that fails and none is
        // held, the analyst signs in again (and consents to this API); a stale one gets the API's 401.
        if let Err((what, fix)) = tokens.acquire(&scopes).await {
            if tokens.access_token(&resource).is_none() {
                return done(Err(RequestError::SignInNeeded {
                    reason: format!("{what} {fix}"),
                }));
            }
        }
    }
    let Some(token) = tokens.access_token(&resource) else {
        return done(Err(RequestError::SignInNeeded {
            reason: format!("The sign-in holds no token for {resource}."),
        }));
    };
    let mut outcome = fetch(&target, &request, &token).await;
    if matches!(&outcome, Ok(answer) if answer.status == 401) {
        // Once: the token may have been revoked or rotated early.
        match tokens.acquire(&scopes).await {
            Ok(()) => {
                if let Some(token) = tokens.access_token(&resource) {
                    outcome = fetch(&target, &request, &token).await;
                }
            }
            Err((what, _)) => return done(Err(RequestError::SignInNeeded { reason: what })),
        }
    }
    done(outcome)
}

async fn fetch(url: &str, request: &Outgoing, token: &str) -> Result<Answer, RequestError> {
    // An AbortController ends a request that hangs; the timer is cleared when the answer is in.
    let controller = web_sys::AbortController::new().ok();
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    let timer = controller.clone().and_then(|controller| {
        let timed_out = timed_out.clone();
        set_timeout_with_handle(
            move || {
                timed_out.set(true);
                controller.abort();
            },
            std::time::Duration::from_millis(u64::from(TIMEOUT_MS)),
        )
        .ok()
    });
    let failed = |detail: String| {
        if timed_out.get() {
            RequestError::Timeout { host: origin(url) }
        } else {
            RequestError::Network {
                host: origin(url),
                detail,
            }
        }
    };
    let result = async {
        let builder = match request.method {
            Method::Get => gloo_net::http::Request::get(url),
            Method::Post => gloo_net::http::Request::post(url),
            Method::Patch => gloo_net::http::Request::patch(url),
            Method::Delete => gloo_net::http::Request::delete(url),
        }
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "application/json")
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
        let response = match &request.body {
            Some(body) => {
                builder
                    .header("Content-Type", "application/json")
                    .body(body.clone())
                    .map_err(|e| failed(e.to_string()))?
                    .send()
                    .await
            }
            None => builder.send().await,
        }
        .map_err(|e| failed(e.to_string()))?;
        let headers = response.headers().entries().collect();
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| failed(format!("the answer broke off: {e}")))?;
        Ok(Answer {
            status,
            headers,
            body: Arc::new(body),
        })
    }
    .await;
    if let Some(timer) = timer {
        timer.clear();
    }
    result
}
