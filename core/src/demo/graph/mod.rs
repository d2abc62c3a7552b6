//! The demo tenant's Microsoft Graph security answers (`/security/alerts_v2`, `/security/incidents`):
//! the same alerts as the Defender routes, grouped into incidents, with evidence from the alert's machine,
//! user, files, IPs and domains, Graph's OData paging and Graph's error shape.

mod index;

use serde_json::{json, Map, Value};

pub(crate) use index::GraphIndex;
use index::{AlertRecord, IncidentRecord, GRAPH_SEVERITIES};

use super::{DemoResponse, DemoTenant};
use crate::catalogue::{Profile, QueryOption};
use crate::model::Timestamp;
use crate::odata::{Filter, Record};
use crate::query::{Query, UrlError};

/// Results per page when `$top` is not given. Graph's reference pages name no default for these lists;
/// Microsoft's examples page the incidents list in small pages, so the demo pages by 50.
pub const GRAPH_PAGE_SIZE: usize = 50;
/// The largest `$top` taken (larger is a 400): not documented for v1.0 either; 2,000 keeps a page of
/// alerts with evidence around a few megabytes.
pub const GRAPH_MAX_TOP: usize = 2_000;

const BASE: &str = "https://graph.microsoft.com/v1.0";

/// A Graph error: status, code and message.
struct Failure {
    status: u16,
    code: &'static str,
    message: String,
}

fn fail(status: u16, code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        code,
        message: message.into(),
    }
}

fn bad_request(message: impl Into<String>) -> Failure {
    fail(400, "BadRequest", message)
}

fn json_response(status: u16, body: String) -> DemoResponse {
    DemoResponse {
        status,
        headers: vec![(
            "Content-Type".into(),
            "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8".into(),
        )],
        body,
    }
}

/// Answers a request of the Graph profile.
pub(crate) fn respond(tenant: &DemoTenant, method: &str, url: &str) -> DemoResponse {
    match answer(tenant, method, url) {
        Ok(body) => json_response(200, body.to_string()),
        Err(f) => {
            let request_id = super::engine::correlation_of(url);
            let client_id = super::engine::correlation_of(&format!("client {url}"));
            let body = json!({
                "error": {
                    "code": f.code,
                    "message": f.message,
                    "innerError": {
                        "date": tenant.dataset.now.0.format("%Y-%m-%dT%H:%M:%S").to_string(),
                        "request-id": request_id,
                        "client-request-id": client_id,
                    }
                }
            });
            let mut r = json_response(f.status, body.to_string());
            if f.status == 405 {
                r.headers.push(("Allow".into(), "GET".into()));
            }
            r
        }
    }
}

fn answer(tenant: &DemoTenant, method: &str, url: &str) -> Result<Value, Failure> {
    if !method.trim().eq_ignore_ascii_case("GET") {
        return Err(fail(
            405,
            "Request_BadRequest",
            format!("Specified HTTP method '{}' is not supported by this explorer's demo tenant: it never writes.", method.trim()),
        ));
    }
    let query = Query::parse(url, Profile::Graph).map_err(|e| match e {
        UrlError::UnknownRoute { .. } | UrlError::Empty | UrlError::UnknownBase { .. } => fail(
            400,
            "BadRequest",
            format!("Resource not found for the segment in the request URL. {e}"),
        ),
        other => bad_request(other.to_string()),
    })?;
    if let Some(problem) = query.validate().into_iter().next() {
        return Err(bad_request(problem.to_string()));
    }
    let data = &tenant.dataset;
    let graph = tenant.graph_index();
    let expand = query
        .option(QueryOption::Expand)
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("alerts"));
    match query.route.key {
        "alerts.list" => {
            let filter = compile::<AlertRecord>(&query, "alert")?;
            let page = Page::read(&query)?;
            let (ids, count) = page.select(data.alerts.len(), |i| {
                filter.as_ref().is_none_or(|f| {
                    f.matches(&AlertRecord {
                        data,
                        row: &graph.alerts[i],
                        at: i,
                    })
                })
            });
            let value = ids.iter().map(|&i| alert(tenant, graph, i)).collect();
            Ok(page.envelope("security/alerts_v2", value, count, url))
        }
        "alerts.get" => {
            let id = query.param("id");
            let i = data
                .lookup(&data.index.alerts, id)
                .ok_or_else(|| not_found("alert", id))?;
            let mut body = alert(tenant, graph, i);
            add_context(&mut body, "security/alerts_v2/$entity");
            Ok(body)
        }
        "incidents.list" => {
            let filter = compile::<IncidentRecord>(&query, "incident")?;
            let page = Page::read(&query)?;
            let (ids, count) = page.select(graph.incidents.len(), |n| {
                filter.as_ref().is_none_or(|f| {
                    f.matches(&IncidentRecord {
                        data,
                        row: &graph.incidents[n],
                    })
                })
            });
            let value = ids
                .iter()
                .map(|&n| incident(tenant, graph, n, expand))
                .collect();
            Ok(page.envelope("security/incidents", value, count, url))
        }
        "incidents.get" | "incidents.alerts" => {
            let id = query.param("id");
            let n = id
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|id| graph.by_id.get(&id))
                .ok_or_else(|| not_found("incident", id))?;
            let mut body = incident(tenant, graph, *n as usize, expand);
            add_context(&mut body, "security/incidents/$entity");
            Ok(body)
        }
        _ => Err(bad_request(format!(
            "The demo tenant does not answer '{}'.",
            query.route.key
        ))),
    }
}

/// Graph's 404 for an id it does not know.
fn not_found(kind: &str, id: &str) -> Failure {
    fail(
        404,
        "NotFound",
        format!("The {kind} with id '{id}' was not found."),
    )
}

fn compile<R: Record>(query: &Query, entity: &str) -> Result<Option<Filter>, Failure> {
    query
        .option(QueryOption::Filter)
        .map(|text| {
            Filter::compile::<R>(text, entity)
                .map_err(|e| bad_request(format!("Invalid filter clause: {e}")))
        })
        .transpose()
}

/// `$top`, `$skip` and `$count` of a list.
struct Page {
    top: usize,
    skip: usize,
    count: bool,
}

impl Page {
    fn read(query: &Query) -> Result<Page, Failure> {
        let number = |option, name: &str| -> Result<Option<usize>, Failure> {
            query
                .option(option)
                .map(|t: &str| {
                    t.trim().parse::<usize>().map_err(|_| {
                        bad_request(format!("Invalid value '{t}' for query option '{name}'."))
                    })
                })
                .transpose()
        };
        let top = number(QueryOption::Top, "$top")?.unwrap_or(GRAPH_PAGE_SIZE);
        if top > GRAPH_MAX_TOP {
            return Err(bad_request(format!(
                "The value of '$top' must not exceed {GRAPH_MAX_TOP}."
            )));
        }
        let skip = number(QueryOption::Skip, "$skip")?.unwrap_or(0);
        let count = match query.option(QueryOption::Count).map(str::trim) {
            None => false,
            Some(t) if t.eq_ignore_ascii_case("true") => true,
            Some(t) if t.eq_ignore_ascii_case("false") => false,
            Some(t) => {
                return Err(bad_request(format!(
                    "Invalid value '{t}' for query option '$count'."
                )))
            }
        };
        Ok(Page { top, skip, count })
    }

    /// The positions of this page among the `len` items `keep` keeps, and how many it keeps in all
    /// (counted only when `$count=true` or to know whether a next page exists).
    fn select(&self, len: usize, keep: impl Fn(usize) -> bool) -> (Vec<usize>, usize) {
        let mut ids = Vec::with_capacity(self.top.min(len));
        let mut matched = 0usize;
        for i in 0..len {
            if !keep(i) {
                continue;
            }
            if matched >= self.skip && ids.len() < self.top {
                ids.push(i);
            }
            matched += 1;
            // Without $count, one match past the page is enough to know a next page exists.
            if !self.count && ids.len() == self.top && matched > self.skip + self.top {
                break;
            }
        }
        (ids, matched)
    }

    fn envelope(&self, set: &str, value: Vec<Value>, matched: usize, url: &str) -> Value {
        let mut body = Map::new();
        body.insert(
            "@odata.context".into(),
            Value::String(format!("{BASE}/$metadata#{set}")),
        );
        if self.count {
            body.insert("@odata.count".into(), json!(matched));
        }
        if matched > self.skip + self.top {
            body.insert(
                "@odata.nextLink".into(),
                Value::String(next_link(url, set, self.skip + self.top)),
            );
        }
        body.insert("value".into(), Value::Array(value));
        Value::Object(body)
    }
}

/// The request's URL on Graph's base with `$skip` moved to `skip`.
fn next_link(url: &str, set: &str, skip: usize) -> String {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = p.split('=').next().unwrap_or("");
            !name.eq_ignore_ascii_case("$skip") && !name.eq_ignore_ascii_case("%24skip")
        })
        .map(str::to_string)
        .collect();
    parts.push(format!("$skip={skip}"));
    format!("{BASE}/{set}?{}", parts.join("&"))
}

fn add_context(body: &mut Value, set: &str) {
    if let Value::Object(map) = body {
        let mut with = Map::new();
        with.insert(
            "@odata.context".into(),
            Value::String(format!("{BASE}/$metadata#{set}")),
        );
        with.extend(std::mem::take(map));
        *map = with;
    }
}

fn time(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| {
        Value::String(t.0.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
    })
}

fn severity(rank: Option<u8>) -> &'static str {
    rank.and_then(|r| GRAPH_SEVERITIES.get(r as usize).copied())
        .unwrap_or("unknown")
}

fn tenant_id(tenant: &DemoTenant, i: usize) -> Value {
    json!(tenant.dataset.alerts[i].aad_tenant_id)
}

/// Incident `n` as `/security/incidents` writes it; its alerts with `$expand=alerts`.
fn incident(tenant: &DemoTenant, graph: &GraphIndex, n: usize, expand: bool) -> Value {
    let data = &tenant.dataset;
    let row = &graph.incidents[n];
    let lead = &data.alerts[row.lead as usize];
    let categories: Vec<&str> = {
        let mut seen = Vec::new();
        for &i in &row.alerts {
            if let Some(c) = data.alerts[i as usize].category.as_deref() {
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
        }
        seen
    };
    let display_name = if row.alerts.len() == 1 || categories.len() < 2 {
        format!(
            "{} on one endpoint",
            lead.title.as_deref().unwrap_or("Alert")
        )
    } else {
        format!(
            "Multi-stage incident involving {} on one endpoint",
            categories.join(" & ")
        )
    };
    let tid = lead.aad_tenant_id.as_deref().unwrap_or("");
    let machine = &data.machines[data.links[row.lead as usize].machine as usize];
    let mut body = json!({
        "id": row.id.to_string(),
        "tenantId": tenant_id(tenant, row.lead as usize),
        "status": row.status,
        "incidentWebUrl": format!("https://security.microsoft.com/incidents/{}?tid={}", row.id, tid),
        "redirectIncidentId": null,
        "displayName": display_name,
        "description": null,
        "summary": null,
        "createdDateTime": time(row.created),
        "lastUpdateDateTime": time(row.updated),
        "assignedTo": lead.assigned_to,
        "classification": row.classification,
        "determination": row.determination,
        "severity": severity(row.severity),
        "lastModifiedBy": lead.assigned_to,
        "resolvingComment": null,
        "customTags": machine.machine_tags.clone().unwrap_or_default(),
        "systemTags": [],
        "comments": first_comments(tenant, row.lead as usize),
    });
    if expand {
        if let Value::Object(map) = &mut body {
            let alerts = row
                .alerts
                .iter()
                .map(|&i| alert(tenant, graph, i as usize))
                .collect();
            map.insert("alerts".into(), Value::Array(alerts));
        }
    }
    body
}

/// The Defender alert's comments, as Graph's `alertComment`s.
fn first_comments(tenant: &DemoTenant, i: usize) -> Value {
    let comments = tenant.dataset.alerts[i].comments.iter().flatten();
    Value::Array(
        comments
            .map(|c| {
                let c = serde_json::to_value(c).unwrap_or(Value::Null);
                json!({
                    "comment": c.get("comment").cloned().unwrap_or(Value::Null),
                    "createdByDisplayName": c.get("createdBy").cloned().unwrap_or(Value::Null),
                    "createdDateTime": c.get("createdTime").cloned().unwrap_or(Value::Null),
                })
            })
            .collect(),
    )
}

/// Alert `i` as `/security/alerts_v2` writes it: the Defender alert's id (and `providerAlertId`), so a
/// Graph alert and a Defender alert are the same entity.
fn alert(tenant: &DemoTenant, graph: &GraphIndex, i: usize) -> Value {
    let data = &tenant.dataset;
    let a = &data.alerts[i];
    let row = &graph.alerts[i];
    let incident = &graph.incidents[row.incident as usize];
    let tid = a.aad_tenant_id.as_deref().unwrap_or("");
    let rank = match data.alert_view(i).field(4) {
        crate::odata::FieldValue::Rank(r) => Some(r),
        _ => None,
    };
    json!({
        "id": a.id,
        "providerAlertId": a.id,
        "incidentId": incident.id.to_string(),
        "status": row.status,
        "severity": severity(rank),
        "classification": row.classification,
        "determination": row.determination,
        "serviceSource": "microsoftDefenderForEndpoint",
        "detectionSource": detection_source(a.detection_source.as_deref()),
        "productName": "Microsoft Defender for Endpoint",
        "detectorId": a.detector_id,
        "tenantId": a.aad_tenant_id,
        "title": a.title,
        "description": a.description,
        "recommendedActions": a.recommended_action,
        "category": a.category,
        "assignedTo": a.assigned_to,
        "alertWebUrl": format!("https://security.microsoft.com/alerts/{}?tid={}", a.id, tid),
        "incidentWebUrl": format!("https://security.microsoft.com/incidents/{}?tid={}", incident.id, tid),
        "actorDisplayName": a.actor_name,
        "threatDisplayName": a.threat_name,
        "threatFamilyName": a.threat_family_name,
        "mitreTechniques": a.mitre_techniques.clone().unwrap_or_default(),
        "createdDateTime": time(a.alert_creation_time),
        "lastUpdateDateTime": time(a.last_update_time),
        "resolvedDateTime": time(a.resolved_time),
        "firstActivityDateTime": time(a.first_event_time),
        "lastActivityDateTime": time(a.last_event_time),
        "comments": first_comments(tenant, i),
        "evidence": evidence(tenant, i),
        "systemTags": [],
        "investigationState": a.investigation_state,
    })
}

/// A Defender detection source as Graph's `detectionSource` writes it.
fn detection_source(text: Option<&str>) -> &'static str {
    let key: String = text
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match key.as_str() {
        "windowsdefenderav" | "antivirus" => "antivirus",
        "windowsdefendersmartscreen" | "smartscreen" => "smartScreen",
        "customti" | "customerti" => "customTi",
        "automatedinvestigation" => "automatedInvestigation",
        "microsoftthreatexperts" => "microsoftThreatExperts",
        "customdetection" => "customDetection",
        "" => "unknown",
        _ => "microsoftDefenderForEndpoint",
    }
}

/// The alert's evidence: its machine, user, process (its first executable file), files, IPs and domains.
fn evidence(tenant: &DemoTenant, i: usize) -> Value {
    let data = &tenant.dataset;
    let a = &data.alerts[i];
    let link = &data.links[i];
    let at = time(a.alert_creation_time);
    let verdict = if row_resolved(a.status.as_deref()) {
        "noThreatsFound"
    } else {
        "suspicious"
    };
    let common = |kind: &str, roles: &[&str]| {
        json!({
            "@odata.type": format!("#microsoft.graph.security.{kind}"),
            "createdDateTime": at,
            "verdict": verdict,
            "remediationStatus": "none",
            "remediationStatusDetails": null,
            "roles": roles,
            "detailedRoles": [],
            "tags": [],
        })
    };
    let with = |mut base: Value, fields: Value| {
        if let (Value::Object(b), Value::Object(f)) = (&mut base, fields) {
            b.extend(f);
        }
        base
    };
    let machine = &data.machines[link.machine as usize];
    let user_account = |u: usize| {
        let user = &data.users[u];
        json!({
            "accountName": user.account_name,
            "domainName": user.account_domain.as_ref().map(|d| d.to_ascii_uppercase()),
            "userSid": user.account_sid,
            "azureAdUserId": null,
            "userPrincipalName": null,
            "displayName": user.account_name,
        })
    };
    let mut out = Vec::new();
    let logged_on: Vec<Value> = data
        .logons
        .get(link.machine as usize)
        .into_iter()
        .flatten()
        .map(|&u| {
            let user = &data.users[u as usize];
            json!({
                "accountName": user.account_name,
                "domainName": user.account_domain.as_ref().map(|d| d.to_ascii_uppercase()),
            })
        })
        .collect();
    out.push(with(
        common("deviceEvidence", &["compromised"]),
        json!({
            "mdeDeviceId": machine.id,
            "azureAdDeviceId": machine.aad_device_id,
            "deviceDnsName": machine.computer_dns_name,
            "osPlatform": machine.os_platform,
            "osBuild": machine.os_build,
            "version": machine.version,
            "healthStatus": machine.health_status,
            "riskScore": machine.risk_score,
            "rbacGroupId": machine.rbac_group_id,
            "rbacGroupName": machine.rbac_group_name,
            "onboardingStatus": machine.onboarding_status,
            "firstSeenDateTime": time(machine.first_seen),
            "lastIpAddress": machine.last_ip_address,
            "lastExternalIpAddress": machine.last_external_ip_address,
            "loggedOnUsers": logged_on,
        }),
    ));
    if let Some(u) = link.user {
        out.push(with(
            common("userEvidence", &[]),
            json!({ "userAccount": user_account(u as usize) }),
        ));
    }
    for (n, &(f, name)) in link.files.iter().enumerate() {
        let file = &data.files[f as usize];
        let process = n == 0 && file.is_pe_file == Some(true);
        let details = json!({
            "sha1": file.sha1,
            "sha256": file.sha256,
            "fileName": data.file_names[f as usize].get(name as usize),
            "filePath": if process { "C:\\Windows\\System32" } else { "C:\\Users\\Public\\Downloads" },
            "fileSize": null,
            "filePublisher": null,
            "signer": null,
            "issuer": null,
        });
        if process {
            // The dataset records the process's image, not its parent: no parentProcessImageFile.
            out.push(with(
                common("processEvidence", &[]),
                json!({
                    "processId": 1000 + (i as i64 * 37) % 9000,
                    "processCommandLine": data.file_names[f as usize].get(name as usize),
                    "processCreationDateTime": time(a.first_event_time),
                    "detectionStatus": "detected",
                    "mdeDeviceId": machine.id,
                    "imageFile": details.clone(),
                    "userAccount": link.user.map(|u| user_account(u as usize)),
                }),
            ));
        }
        out.push(with(
            common("fileEvidence", &[]),
            json!({
                "fileDetails": details,
                "mdeDeviceId": machine.id,
                "detectionStatus": "detected",
            }),
        ));
    }
    for &x in &link.ips {
        out.push(with(
            common("ipEvidence", &[]),
            json!({ "ipAddress": data.ips[x as usize].id, "countryLetterCode": null }),
        ));
    }
    for &d in &link.domains {
        out.push(with(
            common("urlEvidence", &[]),
            json!({ "url": format!("http://{}/", data.domains[d as usize].host) }),
        ));
    }
    Value::Array(out)
}

fn row_resolved(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case("resolved"))
}
