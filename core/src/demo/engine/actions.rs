//! The demo tenant carries out today's Defender writes: response actions on machines are queued, run and
//! succeed as time passes (`/machineactions` lists them with the status of the moment they are read),
//! indicators are submitted, imported and deleted, and tags, device values and alert changes are
//! answered with the entity as it becomes. The generated dataset never changes: what the analyst did is
//! kept beside it ([`Performed`]), for the tenant's lifetime (the page's, in the browser).
//!
//! Errors are the API's: a missing or ill-typed body member is 400 `InvalidRequestBody`, an unknown
//! machine 404, a second isolation while one is under way 400 `ActiveRequestAlreadyExists`, the wrong
//! method 405.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::response::{fail, not_found, DemoResponse, Failure};
use crate::catalogue::{BodyKind, Profile, Route};
use crate::demo::DemoTenant;
use crate::model::defender::{Indicator, Investigation, MachineAction, RelatedFileInfo};
use crate::model::Timestamp;
use crate::query::Query;

/// A response action stays Pending this long after it is requested, then is InProgress until
/// [`SUCCEEDS_AFTER_MS`].
pub const RUNS_AFTER_MS: i64 = 2_000;
pub const SUCCEEDS_AFTER_MS: i64 = 8_000;

/// Who the demo tenant says asked for an action.
const REQUESTOR: &str = "analyst@contoso.com";

/// What the analyst did to the demo tenant.
#[derive(Clone, Debug, Default)]
pub struct Performed {
    /// Each action as requested, with when (milliseconds since the epoch).
    actions: Vec<(MachineAction, i64)>,
    pub(super) indicators: Vec<Indicator>,
    pub(super) deleted_indicators: Vec<String>,
    investigations: Vec<Investigation>,
    /// The time of the request being answered (the shell's wall clock), for the actions' status.
    pub(super) now_ms: i64,
    next: u64,
}

/// [`Performed`] behind a lock: the tenant answers through `&self`. A clone of the tenant takes a copy
/// of what was done so far.
#[derive(Debug)]
pub struct PerformedCell(std::sync::Mutex<Performed>);

impl PerformedCell {
    pub fn starting_at(now: DateTime<Utc>) -> PerformedCell {
        PerformedCell(std::sync::Mutex::new(Performed::starting_at(now)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Performed> {
        // A panic while holding the lock leaves the data as it was: keep using it.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clone for PerformedCell {
    fn clone(&self) -> PerformedCell {
        PerformedCell(std::sync::Mutex::new(self.lock().clone()))
    }
}

impl Performed {
    /// Nothing done yet; the clock at `now` until a request brings its own.
    pub fn starting_at(now: DateTime<Utc>) -> Performed {
        Performed {
            now_ms: now.timestamp_millis(),
            ..Performed::default()
        }
    }

    /// The actions with their status at `now_ms`, oldest first.
    pub(super) fn actions(&self) -> Vec<MachineAction> {
        self.actions
            .iter()
            .map(|(a, at)| at_time(a, *at, self.now_ms))
            .collect()
    }

    pub(super) fn investigations(&self) -> &[Investigation] {
        &self.investigations
    }
}

/// `action` as it stands `now_ms`: Pending, then InProgress, then Succeeded, its last update the time
/// of its last change.
fn at_time(action: &MachineAction, requested: i64, now_ms: i64) -> MachineAction {
    let age = now_ms - requested;
    let (status, changed) = if age >= SUCCEEDS_AFTER_MS {
        ("Succeeded", requested + SUCCEEDS_AFTER_MS)
    } else if age >= RUNS_AFTER_MS {
        ("InProgress", requested + RUNS_AFTER_MS)
    } else {
        ("Pending", requested)
    };
    let mut a = action.clone();
    a.status = Some(status.to_string());
    a.last_update_date_time_utc = time(changed).map(Timestamp);
    a
}

fn time(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

/// The machine action each write of a machine queues: its `type` and the scope its body names.
fn action_type(route: &Route) -> Option<&'static str> {
    Some(match route.key {
        "machines.isolate" => "Isolate",
        "machines.unisolate" => "Unisolate",
        "machines.restrict" => "RestrictCodeExecution",
        "machines.unrestrict" => "UnrestrictCodeExecution",
        "machines.avscan" => "RunAntiVirusScan",
        "machines.collect" => "CollectInvestigationPackage",
        "machines.stopquarantine" => "StopAndQuarantineFile",
        "machines.offboard" => "Offboard",
        "machines.liveresponse" => "LiveResponse",
        _ => return None,
    })
}

fn bad_body(message: impl Into<String>) -> Failure {
    fail(400, "InvalidRequestBody", message)
}

impl DemoTenant {
    /// Answers a write of today's Defender API, or `None` when `url` is not one (a read, a hunt).
    pub(super) fn write(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        profile: Profile,
    ) -> Option<DemoResponse> {
        let mut query = Query::parse(url, profile).ok()?;
        // A URL names no method: the write of this path with the request's method, where the path is
        // also a read's (`PATCH /alerts/{id}`, `POST /indicators`).
        if let Some(write) = query.profile.api().routes().find(|r| {
            r.writes()
                && r.template == query.route.template
                && r.method.name().eq_ignore_ascii_case(method.trim())
        }) {
            query.route = write;
        }
        let route = query.route;
        if !route.writes() || !route.runs() {
            return None;
        }
        let answer = if !method.trim().eq_ignore_ascii_case(route.method.name()) {
            Err(Failure {
                allow: Some(route.method.name()),
                ..fail(
                    405,
                    "MethodNotAllowed",
                    format!(
                        "The requested resource does not support http method '{method}'; {} takes {}.",
                        route.title(),
                        route.method.name()
                    ),
                )
            })
        } else {
            read_body(route, body).and_then(|members| self.carry_out(&query, &members))
        };
        Some(match answer {
            Ok((204, _)) => DemoResponse {
                status: 204,
                headers: Vec::new(),
                body: String::new(),
            },
            Ok((status, body)) => DemoResponse::json(status, body),
            Err(f) => {
                let body = json!({ "error": { "code": f.code, "message": f.message } });
                let mut r = DemoResponse::json(f.status, body.to_string());
                if let Some(allow) = f.allow {
                    r.headers.push(("Allow".into(), allow.to_string()));
                }
                r
            }
        })
    }

    /// The tenant's indicators as they stand: the generated ones and those the analyst submitted or
    /// imported, less those deleted.
    pub(super) fn indicators_now<'a>(
        &'a self,
        performed: &'a Performed,
    ) -> impl Iterator<Item = &'a Indicator> {
        self.dataset
            .defender
            .indicators
            .iter()
            .chain(&performed.indicators)
            .filter(|i| {
                i.id_text()
                    .is_none_or(|id| !performed.deleted_indicators.contains(&id))
            })
    }

    pub(super) fn performed(&self) -> std::sync::MutexGuard<'_, Performed> {
        self.performed.lock()
    }

    fn carry_out(
        &self,
        query: &Query,
        body: &Map<String, Value>,
    ) -> Result<(u16, String), Failure> {
        let route = query.route;
        let base = query.profile.base();
        let id = query.params.first().map(String::as_str).unwrap_or_default();
        let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_string);
        let machine = || {
            let data = &self.dataset;
            data.lookup(&data.index.machines, id)
                .map(|i| &data.machines[i])
                .ok_or_else(|| not_found(format!("Machine {id:?} was not found.")))
        };
        let entity = |set: &str, value: Value| {
            let mut map = Map::new();
            map.insert(
                "@odata.context".into(),
                Value::String(format!("{base}/$metadata#{set}/$entity")),
            );
            if let Value::Object(members) = value {
                map.extend(members);
            }
            Value::Object(map).to_string()
        };
        let mut performed = self.performed();
        let now = performed.now_ms;
        performed.next += 1;
        let serial = performed.next;
        if let Some(kind) = action_type(route) {
            let m = machine()?;
            let busy = performed.actions().into_iter().any(|a| {
                a.machine_id.as_deref() == Some(m.id.as_str())
                    && a.action_type.as_deref() == Some(kind)
                    && a.status.as_deref() != Some("Succeeded")
            });
            if busy {
                return Err(fail(
                    400,
                    "ActiveRequestAlreadyExists",
                    format!(
                        "Action is already in progress: a {kind} of machine {} is pending or running; wait for it to end.",
                        m.id
                    ),
                ));
            }
            let scope = text("IsolationType").or_else(|| text("ScanType"));
            let action = MachineAction {
                id: action_id(serial, &m.id),
                action_type: Some(kind.to_string()),
                title: None,
                scope: scope.or_else(|| (kind == "Isolate").then(|| "Full".to_string())),
                requestor: Some(REQUESTOR.to_string()),
                requestor_comment: text("Comment"),
                status: Some("Pending".into()),
                machine_id: Some(m.id.clone()),
                computer_dns_name: m.computer_dns_name.clone(),
                creation_date_time_utc: time(now).map(Timestamp),
                last_update_date_time_utc: time(now).map(Timestamp),
                related_file_info: text("Sha1").map(|sha1| RelatedFileInfo {
                    file_identifier: Some(sha1),
                    file_identifier_type: Some("Sha1".into()),
                    ..RelatedFileInfo::default()
                }),
                ..MachineAction::default()
            };
            let shown = at_time(&action, now, now);
            performed.actions.push((action, now));
            return Ok((201, entity("MachineActions", to_value(&shown))));
        }
        match route.key {
            "machines.startinvestigation" => {
                let m = machine()?;
                let inv = Investigation {
                    id: format!("{}", 10_000 + serial),
                    start_time: time(now).map(Timestamp),
                    state: Some("Queued".into()),
                    machine_id: Some(m.id.clone()),
                    computer_dns_name: m.computer_dns_name.clone(),
                    ..Investigation::default()
                };
                let out = entity("Investigations", to_value(&inv));
                performed.investigations.push(inv);
                Ok((201, out))
            }
            "machines.tags" => {
                let mut m = machine()?.clone();
                let (Some(tag), Some(action)) = (text("Value"), text("Action")) else {
                    return Err(bad_body("Value and Action are required."));
                };
                let tags = m.machine_tags.get_or_insert_with(Vec::new);
                tags.retain(|t| *t != tag);
                if action == "Add" {
                    tags.push(tag);
                }
                Ok((200, entity("Machines", to_value(&m))))
            }
            "machines.devicevalue" => {
                let mut m = machine()?.clone();
                m.device_value = text("DeviceValue");
                Ok((200, entity("Machines", to_value(&m))))
            }
            "alerts.update" => {
                let data = &self.dataset;
                let i = data
                    .lookup(&data.index.alerts, id)
                    .ok_or_else(|| not_found(format!("Alert {id:?} was not found.")))?;
                let mut alert = to_value(&data.alerts[i]);
                if let Value::Object(map) = &mut alert {
                    for name in ["status", "assignedTo", "classification", "determination"] {
                        if let Some(v) = body.get(name) {
                            map.insert(name.to_string(), v.clone());
                        }
                    }
                    map.insert(
                        "lastUpdateTime".into(),
                        json!(time(now).map(|t| Timestamp(t).to_string())),
                    );
                }
                Ok((200, entity("Alerts", alert)))
            }
            "indicators.submit" => {
                let indicator = new_indicator(body, serial, now);
                let out = entity("Indicators", to_value(&indicator));
                performed.indicators.push(indicator);
                Ok((200, out))
            }
            "indicators.import" => {
                let Some(list) = body.get("Indicators").and_then(Value::as_array) else {
                    return Err(bad_body("Indicators must be a JSON array of indicators."));
                };
                if list.len() > 500 {
                    return Err(bad_body(format!(
                        "{} indicators: an import takes at most 500.",
                        list.len()
                    )));
                }
                let mut results = Vec::new();
                for (k, item) in list.iter().enumerate() {
                    let Some(members) = item.as_object() else {
                        results.push(json!({"id": null, "indicator": null, "isFailed": true, "failureReason": "not a JSON object"}));
                        continue;
                    };
                    let indicator = new_indicator(members, serial * 1_000 + k as u64, now);
                    results.push(json!({
                        "id": indicator.id.clone(),
                        "indicator": indicator.indicator_value.clone(),
                        "isFailed": false,
                        "failureReason": null,
                    }));
                    performed.indicators.push(indicator);
                }
                Ok((
                    200,
                    json!({
                        "@odata.context": format!("{base}/$metadata#Collection(microsoft.windowsDefenderATP.api.ImportTiIndicatorResult)"),
                        "value": results,
                    })
                    .to_string(),
                ))
            }
            "indicators.batchdelete" => {
                let ids = id_list(body, "IndicatorIds")?;
                let known: Vec<String> = self
                    .indicators_now(&performed)
                    .filter_map(Indicator::id_text)
                    .collect();
                if let Some(missing) = ids.iter().find(|i| !known.contains(i)) {
                    return Err(not_found(format!(
                        "Indicator {missing:?} was not found; none was deleted."
                    )));
                }
                performed.deleted_indicators.extend(ids);
                Ok((204, String::new()))
            }
            "alerts.batchupdate" => {
                let ids = id_list(body, "alertIds")?;
                let data = &self.dataset;
                if let Some(missing) = ids
                    .iter()
                    .find(|i| data.lookup(&data.index.alerts, i).is_none())
                {
                    return Err(not_found(format!("Alert {missing:?} was not found.")));
                }
                Ok((200, String::new()))
            }
            "indicators.delete" => {
                let known = self
                    .indicators_now(&performed)
                    .filter_map(Indicator::id_text)
                    .any(|i| i == id);
                if !known {
                    return Err(not_found(format!("Indicator {id:?} was not found.")));
                }
                performed.deleted_indicators.push(id.to_string());
                Ok((204, String::new()))
            }
            _ => Err(fail(
                405,
                "MethodNotAllowed",
                format!("{} is not carried out by the demo tenant.", route.title()),
            )),
        }
    }
}

/// A body member that lists ids: a JSON array of 1 to 500 strings (numbers are taken as their text).
fn id_list(body: &Map<String, Value>, name: &str) -> Result<Vec<String>, Failure> {
    let ids: Vec<String> = body
        .get(name)
        .and_then(Value::as_array)
        .ok_or_else(|| bad_body(format!("{name} must be a JSON array of ids.")))?
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    if ids.is_empty() || ids.len() > 500 {
        return Err(bad_body(format!(
            "{name} holds {} ids: it takes 1 to 500.",
            ids.len()
        )));
    }
    Ok(ids)
}

fn to_value<T: serde::Serialize>(model: &T) -> Value {
    serde_json::to_value(model).unwrap_or(Value::Null)
}

/// A machine action id, GUID-shaped, from the request's serial number and machine.
fn action_id(serial: u64, machine: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in machine.bytes().chain(serial.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        (h >> 32) as u32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        (h >> 20) & 0xfff,
        serial
    )
}

fn new_indicator(body: &Map<String, Value>, serial: u64, now: i64) -> Indicator {
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_string);
    Indicator {
        id: Some(json!(90_000 + serial)),
        indicator_value: text("indicatorValue"),
        indicator_type: text("indicatorType"),
        action: text("action"),
        title: text("title"),
        description: text("description"),
        severity: text("severity"),
        recommended_actions: text("recommendedActions"),
        expiration_time: text("expirationTime").and_then(|t| Timestamp::parse(&t)),
        generate_alert: body.get("generateAlert").and_then(Value::as_bool),
        source: Some("ATP Explorer".into()),
        source_type: Some("User".into()),
        created_by: Some(REQUESTOR.into()),
        creation_time_date_time_utc: time(now).map(Timestamp),
        last_update_time: time(now).map(Timestamp),
        ..Indicator::default()
    }
}

/// The request's JSON body as an object, each documented member checked: required ones present, choices
/// among their values, booleans booleans. A write without documented members takes any body or none.
fn read_body(route: &Route, body: Option<&str>) -> Result<Map<String, Value>, Failure> {
    if route.body.is_empty() {
        return Ok(Map::new());
    }
    let text = body
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            bad_body(format!(
                "{} needs a JSON body with {}.",
                route.title(),
                members(route)
            ))
        })?;
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return Err(bad_body("The request body is not a JSON object."));
    };
    for field in route.body {
        match (map.get(field.name), field.kind) {
            (None | Some(Value::Null), _) if field.required => {
                return Err(bad_body(format!("{} is required.", field.name)))
            }
            (None | Some(Value::Null), _) => {}
            (Some(Value::String(v)), BodyKind::Choice(values)) if !values.contains(&v.as_str()) => {
                return Err(bad_body(format!(
                    "{}: {v:?} is not one of {}.",
                    field.name,
                    values.join(", ")
                )))
            }
            (Some(Value::String(_)), BodyKind::Text | BodyKind::Choice(_)) => {}
            (Some(Value::Bool(_)), BodyKind::Bool) => {}
            (Some(_), BodyKind::Json) => {}
            (Some(other), _) => {
                return Err(bad_body(format!(
                    "{}: {other} is not of the documented type.",
                    field.name
                )))
            }
        }
    }
    Ok(map)
}

fn members(route: &Route) -> String {
    route
        .body
        .iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}
