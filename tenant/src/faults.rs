//! Fault injection: what a queued fault does to an API answer, how the queue counts faults down, and the
//! JSON the `/_mock/faults` endpoint reads.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// A fault the API answers instead of (or on top of) its normal answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    /// For how many API requests (preflights excluded); `None` until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

/// What a [`Fault`] does. JSON: `{"fault": "throttled", "retry_after_secs": 5, "times": 2}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum FaultKind {
    /// 401 `Unauthorized` even with a valid token.
    Unauthorized,
    /// 403 `Forbidden` (missing permission / portal role).
    Forbidden,
    /// 429 `TooManyRequests` with `Retry-After`.
    Throttled { retry_after_secs: u64 },
    /// 500 `InternalServerError`.
    ServerError,
    /// The normal answer, after a delay.
    Slow { delay_ms: u64 },
    /// The normal status and headers (with the full `Content-Length`), then half the body and a closed
    /// connection.
    Truncated,
    /// The normal answer without `Access-Control-Allow-Origin`: the browser refuses to hand it over.
    NoCors,
    /// `200 OK` with this JSON body instead of the demo tenant's answer (a documented example response,
    /// served over real HTTP with the bearer checked as for any answer).
    Body { body: String },
}

impl Fault {
    /// The fault until cleared.
    pub fn always(kind: FaultKind) -> Fault {
        Fault { kind, times: None }
    }

    /// The fault for the next `n` API requests.
    pub fn times(kind: FaultKind, n: u32) -> Fault {
        Fault {
            kind,
            times: Some(n),
        }
    }
}

/// The fault for this API request, counting it down: a fault with `times` leaves the queue when spent,
/// one without stays at the front until cleared.
pub(crate) fn take_next(queue: &mut VecDeque<Fault>) -> Option<FaultKind> {
    let front = queue.front_mut()?;
    let kind = front.kind.clone();
    if let Some(times) = front.times.as_mut() {
        *times = times.saturating_sub(1);
        if *times == 0 {
            queue.pop_front();
        }
    }
    Some(kind)
}

/// The faults a `POST /_mock/faults` body adds, in order: one fault or an array of them. The error is the
/// text the endpoint answers, with an example of the expected shape.
pub(crate) fn parse_faults(body: &[u8]) -> Result<Vec<Fault>, String> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Fault),
        Many(Vec<Fault>),
    }
    match serde_json::from_slice::<OneOrMany>(body) {
        Ok(OneOrMany::One(fault)) => Ok(vec![fault]),
        Ok(OneOrMany::Many(faults)) => Ok(faults),
        Err(e) => Err(format!(
            "not a fault: {e}. Expected e.g. {{\"fault\":\"throttled\",\"retry_after_secs\":5,\"times\":2}}; \
             faults: unauthorized, forbidden, throttled (retry_after_secs), server_error, slow (delay_ms), \
             truncated, no_cors; times omitted = until DELETE /_mock/faults"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_read_and_write_their_documented_json() {
        let fault: Fault =
            serde_json::from_str(r#"{"fault":"throttled","retry_after_secs":5,"times":2}"#)
                .expect("documented shape");
        assert_eq!(
            fault,
            Fault::times(
                FaultKind::Throttled {
                    retry_after_secs: 5
                },
                2
            )
        );
        assert_eq!(
            serde_json::to_string(&Fault::always(FaultKind::Slow { delay_ms: 10 }))
                .expect("serialises"),
            r#"{"fault":"slow","delay_ms":10}"#
        );
    }

    #[test]
    fn the_queue_counts_faults_down_and_keeps_those_without_times() {
        let mut queue = VecDeque::new();
        queue.push_back(Fault::times(FaultKind::ServerError, 2));
        queue.push_back(Fault::always(FaultKind::Forbidden));
        assert_eq!(take_next(&mut queue), Some(FaultKind::ServerError));
        assert_eq!(take_next(&mut queue), Some(FaultKind::ServerError));
        assert_eq!(take_next(&mut queue), Some(FaultKind::Forbidden));
        assert_eq!(take_next(&mut queue), Some(FaultKind::Forbidden));
        assert_eq!(queue.len(), 1);
        assert_eq!(take_next(&mut VecDeque::new()), None);
    }

    #[test]
    fn the_endpoint_takes_one_fault_or_an_array_in_order() {
        assert_eq!(
            parse_faults(br#"{"fault":"no_cors"}"#),
            Ok(vec![Fault::always(FaultKind::NoCors)])
        );
        assert_eq!(
            parse_faults(br#"[{"fault":"truncated","times":1},{"fault":"unauthorized"}]"#),
            Ok(vec![
                Fault::times(FaultKind::Truncated, 1),
                Fault::always(FaultKind::Unauthorized)
            ])
        );
        assert_eq!(parse_faults(b"[]"), Ok(vec![]));
        for wrong in [
            &b"{\"fault\":\"melt\"}"[..],
            b"{\"fault\":\"throttled\"}",
            b"not json",
            b"",
        ] {
            let error = parse_faults(wrong).expect_err("not a fault");
            assert!(error.starts_with("not a fault: "), "{error}");
            assert!(error.contains("retry_after_secs"), "{error}");
        }
    }
}
