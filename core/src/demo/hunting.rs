//! The demo tenant's advanced hunting endpoints: Graph's `POST /security/runHuntingQuery` (body
//! `{"Query", "Timespan"}`) and Defender's `POST /api/advancedqueries/run` and
//! `POST /api/advancedhunting/run` (body `{"Query"}`), answered from event tables generated from the
//! dataset on the first hunt (a tenant that never hunts never builds them).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{DemoResponse, DemoTenant};
use crate::catalogue::Api;
use crate::hunting::{self, HuntingTables, Timespan};

mod generate;

/// The event tables of a demo dataset: every alert's story on its machine, the alerts and their
/// evidence, the devices, and ordinary activity, with the dataset's ids, hashes, IPs, domains and
/// accounts. Deterministic.
pub fn generate_tables(data: &super::Dataset) -> HuntingTables {
    generate::generate(data)
}

impl DemoTenant {
    /// The tenant's hunting tables, generated on first use.
    pub fn hunting_tables(&self) -> &HuntingTables {
        self.hunting.get_or_init(|| generate_tables(&self.dataset))
    }

    /// Answers a hunting request of `api` with body `body` as the real API would: 200 with the API's
    /// result shape (Graph: `schema`/`results`; Defender: `Schema`/`Results`), or 400 with the API's
    /// error shape and a message that names the problem and its line and column. `now` is what `ago()`
    /// counts from and where the default 30-day timespan ends.
    pub fn hunt(&self, api: Api, body: &str, now: DateTime<Utc>) -> DemoResponse {
        match self.hunt_body(api, body, now) {
            Ok(answer) => respond(200, answer.to_string()),
            Err(message) => respond(400, error_body(api, &message, body, now).to_string()),
        }
    }

    fn hunt_body(&self, api: Api, body: &str, now: DateTime<Utc>) -> Result<Value, String> {
        let request: Value =
            serde_json::from_str(body).map_err(|e| format!("The request body is not JSON: {e}"))?;
        let field = |name: &str| {
            request
                .as_object()
                .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
                .map(|(_, v)| v)
        };
        let text = match field("Query") {
            Some(Value::String(q)) if !q.trim().is_empty() => q,
            Some(Value::String(_)) => return Err("The query is empty".into()),
            _ => return Err("The request body has no \"Query\" (a KQL string)".into()),
        };
        let timespan = match (api, field("Timespan")) {
            (Api::Graph, Some(Value::String(t))) => Timespan::parse(t, now)?,
            (Api::Graph, Some(Value::Null) | None) | (_, None) => Timespan::last_30_days(now),
            (Api::Graph, Some(_)) => return Err("\"Timespan\" must be an ISO 8601 string".into()),
            // Defender's routes take no timespan: their data is the last 30 days.
            (_, Some(_)) => Timespan::last_30_days(now),
        };
        let query = hunting::parse(text).map_err(|e| e.to_string())?;
        let result = hunting::run(self.hunting_tables(), &query, timespan, now)
            .map_err(|e| e.to_string())?;
        Ok(match api {
            Api::Graph => result.to_graph_json(),
            Api::Defender | Api::Wdatp => result.to_defender_json(),
        })
    }
}

fn respond(status: u16, body: String) -> DemoResponse {
    DemoResponse {
        status,
        headers: vec![(
            "Content-Type".into(),
            "application/json; charset=utf-8".into(),
        )],
        body,
    }
}

/// The API's 400: Graph's `error` with `innerError`, Defender's `error` with its correlation `target`.
fn error_body(api: Api, message: &str, body: &str, now: DateTime<Utc>) -> Value {
    let request_id = super::engine::correlation_of(body);
    match api {
        Api::Graph => json!({
            "error": {
                "code": "BadRequest",
                "message": message,
                "innerError": {
                    "date": now.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    "request-id": request_id,
                    "client-request-id": super::engine::correlation_of(&format!("client {body}")),
                }
            }
        }),
        Api::Defender | Api::Wdatp => json!({
            "error": { "code": "BadRequest", "message": message, "target": request_id }
        }),
    }
}
