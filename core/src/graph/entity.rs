//! From an API entity's JSON to a graph node's identity and label.
//!
//! The route that answered tells which entity a result is (a route's `Returns`), so nothing here guesses the
//! type from the JSON. Decoding goes through the typed models, which accept both the 2017/2018 sample
//! shapes and today's; a result the model cannot read is skipped, never a panic.

use serde_json::Value;

use crate::catalogue::Entity;
use crate::model::security::AlertV2;
use crate::model::{Actor, Alert, Domain, File, Ip, Machine, Timestamp, User};
use crate::text::visible;

use super::NodeKey;

/// Longest label, in characters: labels sit under a node; the full strings stay in the node's detail.
pub const LABEL_MAX_CHARS: usize = 80;

/// What the graph needs to know about one entity of a response.
#[derive(Clone, Debug, PartialEq)]
pub struct Identified {
    pub key: NodeKey,
    /// The id as the API spelled it (the key's id is canonical, lower case).
    pub api_id: String,
    /// Short, with invisible characters made visible (see [`visible`]); not XML-escaped.
    pub label: String,
    /// For alerts: when the alert's activity began and ended (first/last event time, else creation time).
    pub span: Option<(Timestamp, Timestamp)>,
}

/// An activity span, earlier time first.
fn ordered(start: Option<Timestamp>, end: Option<Timestamp>) -> Option<(Timestamp, Timestamp)> {
    start
        .zip(end)
        .map(|(s, e)| if e < s { (e, s) } else { (s, e) })
}

/// Reads one result of a route that returns `entity`. `None` when the JSON is not such an entity or has no id.
pub fn identify(entity: Entity, json: &Value) -> Option<Identified> {
    if !json.is_object() {
        return None;
    }
    let (api_id, label, span) = match entity {
        Entity::Alert => match decode::<Alert>(json) {
            Some(a) => {
                // Graph's alerts v2 name their times otherwise.
                let time = |k: &str| {
                    json.get(k)
                        .and_then(Value::as_str)
                        .and_then(Timestamp::parse)
                };
                let start = a
                    .first_event_time
                    .or(a.alert_creation_time)
                    .or_else(|| time("firstActivityDateTime"))
                    .or_else(|| time("createdDateTime"));
                let end = a
                    .last_event_time
                    .or_else(|| time("lastActivityDateTime"))
                    .or(start);
                (
                    a.id.clone(),
                    first_text(&[a.title.as_deref()]),
                    ordered(start, end),
                )
            }
            // An alert v2 whose members Defender's model reads otherwise (its evidence, its comments).
            None => {
                let a: AlertV2 = decode(json)?;
                let start = a.first_activity_date_time.or(a.created_date_time);
                let end = a.last_activity_date_time.or(start);
                (
                    a.id.clone(),
                    first_text(&[a.title.as_deref()]),
                    ordered(start, end),
                )
            }
        },
        Entity::Machine => {
            let m: Machine = decode(json)?;
            // The 2017 samples carry `"computerDnsName": ""` for machines without one.
            (
                m.id.clone(),
                first_text(&[m.computer_dns_name.as_deref()]),
                None,
            )
        }
        Entity::User => {
            let u: User = decode(json)?;
            let domain = u
                .account_domain
                .as_deref()
                .or(u.account_domain_name.as_deref());
            let label = match (
                domain.filter(|d| !d.trim().is_empty()),
                nonblank(u.account_name.as_deref()),
            ) {
                (Some(d), Some(n)) => Some(format!("{d}\\{n}")),
                (None, Some(n)) => Some(n.to_string()),
                _ => None,
            };
            (u.id.clone(), label, None)
        }
        Entity::Domain => {
            let d: Domain = decode(json)?;
            (d.host.clone(), None, None)
        }
        Entity::Ip => {
            let ip: Ip = decode(json)?;
            (ip.id.clone(), None, None)
        }
        Entity::File => {
            let f: File = decode(json)?;
            // `File::id` takes SHA1 even when empty; the first hash that is there is the id.
            let id = [&f.sha1, &f.sha256, &f.md5]
                .into_iter()
                .find_map(|h| nonblank(h.as_deref()))?
                .to_string();
            // No model field names a file; some shapes (evidence-like rows) carry `fileName`.
            let name = ["fileName", "name"]
                .iter()
                .find_map(|k| {
                    f.extra
                        .get(*k)
                        .and_then(Value::as_str)
                        .and_then(|s| nonblank(Some(s)))
                })
                .map(str::to_string)
                .or_else(|| Some(hash_prefix(&id)));
            (id, name, None)
        }
        Entity::Incident => {
            let text = |k: &str| json.get(k).and_then(Value::as_str);
            let id = nonblank(text("id"))?.to_string();
            (id, first_text(&[text("displayName")]), None)
        }
        Entity::Actor => {
            let a: Actor = decode(json)?;
            (a.id.clone(), first_text(&[a.name.as_deref()]), None)
        }
        // Today's Defender entities: an `id` (a device's antivirus health: its `machineId`) and a name.
        _ => {
            let text = |k: &str| json.get(k).and_then(Value::as_str);
            // Only an indicator's id is a number.
            let number = json
                .get("id")
                .and_then(Value::as_u64)
                .filter(|_| entity == Entity::Indicator)
                .map(|n| n.to_string());
            let id = match entity {
                Entity::AvHealth => nonblank(text("machineId"))?.to_string(),
                _ => nonblank(text("id")).map(str::to_string).or(number)?,
            };
            let label = first_text(&[
                text("title"),
                text("name"),
                text("recommendationName"),
                text("indicatorValue"),
                text("type"),
                text("computerDnsName"),
            ]);
            (id, label, None)
        }
    };
    let key = NodeKey::new(entity, &api_id)?;
    let label = label.unwrap_or_else(|| match entity {
        Entity::Machine => hash_prefix(&api_id),
        _ => api_id.clone(),
    });
    Some(Identified {
        key,
        api_id,
        label: short_label(&label),
        span,
    })
}

fn decode<T: serde::de::DeserializeOwned>(json: &Value) -> Option<T> {
    // The models are lenient (every field optional, unknown fields kept); a wrong type still fails.
    // Read from the JSON text, as the cards read them: decoding straight from the `Value` put a second
    // copy of every model's decoder into the wasm (about 28 KB before wasm-opt) for a few small objects.
    serde_json::from_str(&json.to_string()).ok()
}

fn nonblank(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.trim().is_empty())
}

fn first_text(candidates: &[Option<&str>]) -> Option<String> {
    candidates
        .iter()
        .find_map(|c| nonblank(*c))
        .map(str::to_string)
}

/// Hashes and machine ids are 32 to 64 hex digits: the first 12 tell them apart in a label.
fn hash_prefix(id: &str) -> String {
    if id.chars().count() > 12 {
        let head: String = id.chars().take(12).collect();
        format!("{head}…")
    } else {
        id.to_string()
    }
}

/// A label: invisible characters made visible, then cut to [`LABEL_MAX_CHARS`].
pub fn short_label(text: &str) -> String {
    let shown = visible(text.trim());
    if shown.chars().count() <= LABEL_MAX_CHARS {
        return shown.into_owned();
    }
    let mut cut: String = shown.chars().take(LABEL_MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}
