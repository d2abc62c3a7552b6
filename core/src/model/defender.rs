//! Today's Defender for Endpoint entities beyond alerts and machines: machine actions, investigations,
//! indicators, vulnerability management (software, vulnerabilities, recommendations, remediation
//! activities, missing KBs, assessment rows), scores and antivirus health. Field names as the real JSON
//! has them (each route's reference page); every field optional, unknown fields kept in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, Timestamp};

/// The file a machine action is about (`StopAndQuarantineFile`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedFileInfo {
    pub file_identifier: Option<String>,
    pub file_identifier_type: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One command of a live response action, with its state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionCommand {
    pub index: Option<i64>,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub command_status: Option<String>,
    pub errors: Option<Vec<String>>,
    pub command: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A response action taken on a machine (`/machineactions`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineAction {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "type")]
    pub action_type: Option<String>,
    pub title: Option<String>,
    pub scope: Option<String>,
    pub requestor: Option<String>,
    pub requestor_comment: Option<String>,
    pub status: Option<String>,
    pub machine_id: Option<String>,
    pub computer_dns_name: Option<String>,
    pub creation_date_time_utc: Option<Timestamp>,
    pub last_update_date_time_utc: Option<Timestamp>,
    /// Older pages and examples spell it without "Date".
    pub last_update_time_utc: Option<Timestamp>,
    pub cancellation_requestor: Option<String>,
    pub cancellation_comment: Option<String>,
    pub cancellation_date_time_utc: Option<Timestamp>,
    pub error_h_result: Option<i64>,
    pub related_file_info: Option<RelatedFileInfo>,
    pub commands: Option<Vec<ActionCommand>>,
    pub troubleshoot_info: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An automated investigation (`/investigations`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Investigation {
    #[serde(default)]
    pub id: String,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub state: Option<String>,
    pub cancelled_by: Option<String>,
    pub status_details: Option<String>,
    pub machine_id: Option<String>,
    pub computer_dns_name: Option<String>,
    pub triggering_alert_id: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A threat indicator (`/indicators`). Its id is a number in the real JSON, a string in some examples.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    pub id: Option<Value>,
    pub indicator_value: Option<String>,
    pub indicator_type: Option<String>,
    pub action: Option<String>,
    pub application: Option<String>,
    pub source: Option<String>,
    pub source_type: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub recommended_actions: Option<String>,
    pub creation_time_date_time_utc: Option<Timestamp>,
    pub created_by: Option<String>,
    pub created_by_display_name: Option<String>,
    pub created_by_source: Option<String>,
    pub expiration_time: Option<Timestamp>,
    pub last_update_time: Option<Timestamp>,
    pub last_updated_by: Option<String>,
    pub severity: Option<String>,
    pub category: Option<i64>,
    pub generate_alert: Option<bool>,
    pub rbac_group_names: Option<Vec<String>>,
    pub rbac_group_ids: Option<Vec<Value>>,
    pub mitre_techniques: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Indicator {
    /// The id as text, whether the JSON held a number or a string.
    pub fn id_text(&self) -> Option<String> {
        match &self.id {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// A software product of the inventory (`/Software`, and a machine's or recommendation's software).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Software {
    #[serde(default)]
    pub id: String,
    pub name: Option<String>,
    pub vendor: Option<String>,
    pub weaknesses: Option<i64>,
    pub public_exploit: Option<bool>,
    pub active_alert: Option<bool>,
    pub exposed_machines: Option<i64>,
    pub installed_machines: Option<i64>,
    pub impact_score: Option<f64>,
    pub is_normalized: Option<bool>,
    pub category: Option<String>,
    pub distributions: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A vulnerability (`/vulnerabilities`, and a machine's, software's or recommendation's).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vulnerability {
    #[serde(default)]
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub severity: Option<String>,
    pub cvss_v3: Option<f64>,
    pub cvss_vector: Option<String>,
    pub exposed_machines: Option<i64>,
    pub published_on: Option<Timestamp>,
    pub updated_on: Option<Timestamp>,
    pub first_detected: Option<Timestamp>,
    pub public_exploit: Option<bool>,
    pub exploit_verified: Option<bool>,
    pub exploit_in_kit: Option<bool>,
    pub exploit_types: Option<Vec<String>>,
    pub exploit_uris: Option<Vec<String>>,
    pub cve_supportability: Option<String>,
    pub epss: Option<f64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A security recommendation (`/recommendations`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    #[serde(default)]
    pub id: String,
    pub product_name: Option<String>,
    pub recommendation_name: Option<String>,
    pub weaknesses: Option<i64>,
    pub vendor: Option<String>,
    pub recommended_version: Option<String>,
    pub recommended_program: Option<String>,
    pub recommended_vendor: Option<String>,
    pub recommendation_category: Option<String>,
    pub sub_category: Option<String>,
    pub severity_score: Option<f64>,
    pub public_exploit: Option<bool>,
    pub active_alert: Option<bool>,
    pub associated_threats: Option<Vec<String>>,
    pub remediation_type: Option<String>,
    pub status: Option<String>,
    pub config_score_impact: Option<f64>,
    pub exposure_impact: Option<f64>,
    pub total_machine_count: Option<i64>,
    pub exposed_machines_count: Option<i64>,
    pub non_productivity_impacted_assets: Option<i64>,
    pub related_component: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A remediation activity (`/remediationTasks`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemediationTask {
    #[serde(default)]
    pub id: String,
    pub title: Option<String>,
    pub created_on: Option<Timestamp>,
    pub requester_id: Option<String>,
    pub requester_email: Option<String>,
    pub status: Option<String>,
    pub status_last_modified_on: Option<Timestamp>,
    pub description: Option<String>,
    pub related_component: Option<String>,
    pub target_devices: Option<i64>,
    pub rbac_group_names: Option<Vec<String>>,
    pub fixed_devices: Option<i64>,
    pub requester_notes: Option<String>,
    pub due_on: Option<Timestamp>,
    pub category: Option<String>,
    pub productivity_impact_remediation_type: Option<String>,
    pub priority: Option<String>,
    pub completion_method: Option<String>,
    pub completer_id: Option<String>,
    pub completer_email: Option<String>,
    pub scid: Option<String>,
    #[serde(rename = "type")]
    pub task_type: Option<String>,
    pub product_id: Option<String>,
    pub vendor_id: Option<String>,
    pub name_id: Option<String>,
    pub recommended_version: Option<String>,
    pub recommended_vendor: Option<String>,
    pub recommended_program: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The exposure score, a device group's exposure score, or the configuration score.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Score {
    pub time: Option<Timestamp>,
    pub score: Option<f64>,
    pub rbac_group_id: Option<Value>,
    pub rbac_group_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A device's Microsoft Defender Antivirus health (`/deviceavinfo`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvHealth {
    pub id: Option<String>,
    pub machine_id: Option<String>,
    pub computer_dns_name: Option<String>,
    pub os_kind: Option<String>,
    pub os_platform: Option<String>,
    pub os_version: Option<String>,
    pub av_mode: Option<String>,
    pub av_signature_version: Option<String>,
    pub av_engine_version: Option<String>,
    pub av_platform_version: Option<String>,
    pub last_seen_time: Option<Timestamp>,
    pub quick_scan_result: Option<String>,
    pub quick_scan_error: Option<String>,
    pub quick_scan_time: Option<Timestamp>,
    pub full_scan_result: Option<String>,
    pub full_scan_error: Option<String>,
    pub full_scan_time: Option<Timestamp>,
    pub data_refresh_timestamp: Option<Timestamp>,
    pub av_engine_update_time: Option<Timestamp>,
    pub av_signature_update_time: Option<Timestamp>,
    pub av_platform_update_time: Option<Timestamp>,
    pub av_is_signature_up_to_date: Option<String>,
    pub av_is_engine_up_to_date: Option<String>,
    pub av_is_platform_up_to_date: Option<String>,
    pub av_signature_publish_time: Option<Timestamp>,
    pub rbac_group_id: Option<Value>,
    pub rbac_group_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A missing security update (`getmissingkbs`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kb {
    #[serde(default)]
    pub id: String,
    pub name: Option<String>,
    pub os_build: Option<i64>,
    pub products_names: Option<Vec<String>>,
    pub url: Option<String>,
    pub machine_missed_on: Option<i64>,
    pub cve_addressed: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One row of an assessment or export: per machine and software, CVE, configuration, certificate,
/// extension or version; or, for a file export, the links to its files. Which fields it has depends on
/// the route; the common ones are named, the rest are kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    pub id: Option<String>,
    pub device_id: Option<String>,
    pub device_name: Option<String>,
    pub machine_id: Option<String>,
    pub cve_id: Option<String>,
    pub software_vendor: Option<String>,
    pub software_name: Option<String>,
    pub software_version: Option<String>,
    pub product_name: Option<String>,
    pub product_vendor: Option<String>,
    pub product_version: Option<String>,
    pub vulnerability_severity_level: Option<String>,
    pub severity: Option<String>,
    pub recommended_security_update: Option<String>,
    pub recommended_security_update_id: Option<String>,
    pub fixing_kb_id: Option<String>,
    pub configuration_id: Option<String>,
    pub is_compliant: Option<bool>,
    pub version: Option<String>,
    pub installations: Option<i64>,
    pub vulnerabilities: Option<i64>,
    pub export_files: Option<Vec<String>>,
    pub generated_time: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Assessment {
    /// The machine a row is about: `deviceId` in the exports, `machineId` elsewhere, `DeviceId` in the
    /// browser extensions export (its documented rows are PascalCase; kept in `extra` as written).
    pub fn machine(&self) -> Option<&str> {
        self.device_id
            .as_deref()
            .or(self.machine_id.as_deref())
            .or_else(|| self.extra.get("DeviceId").and_then(Value::as_str))
    }

    /// The CVE a row is about: `cveId`, or an id that is a CVE.
    pub fn cve(&self) -> Option<&str> {
        self.cve_id.as_deref()
    }
}

/// A Defender XDR incident as the Defender host answers it (`/api/incidents`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XdrIncident {
    pub incident_id: Option<i64>,
    pub incident_uri: Option<String>,
    pub redirect_incident_id: Option<i64>,
    pub incident_name: Option<String>,
    pub created_time: Option<Timestamp>,
    pub last_update_time: Option<Timestamp>,
    pub assigned_to: Option<String>,
    pub classification: Option<String>,
    pub determination: Option<String>,
    pub status: Option<String>,
    pub severity: Option<String>,
    pub tags: Option<Vec<String>>,
    pub comments: Option<Vec<Value>>,
    pub alerts: Option<Vec<Value>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Whether a machine is isolated, as far as the response actions seen of it tell: the API has no such
/// property on a machine, so the page reads it off the latest isolation action it saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// The latest Isolate succeeded (with its scope: Full or Selective).
    Isolated { scope: Option<String> },
    /// An Isolate is queued or running (its status).
    Isolating { status: String },
    /// An Unisolate is queued or running.
    Releasing { status: String },
}

impl Isolation {
    /// What the machine's card says.
    pub fn label(&self) -> String {
        match self {
            Isolation::Isolated { scope: Some(scope) } => format!("Isolated ({scope})"),
            Isolation::Isolated { scope: None } => "Isolated".to_string(),
            Isolation::Isolating { status } => format!("Isolation {status}"),
            Isolation::Releasing { status } => format!("Release from isolation {status}"),
        }
    }
}

/// The isolation state of `machine_id` from `actions` (any order, any machines): the latest Isolate or
/// Unisolate by creation time that did not fail or get cancelled decides; `None` when none did, or the
/// latest is a release that succeeded.
pub fn isolation<'a>(
    machine_id: &str,
    actions: impl IntoIterator<Item = &'a MachineAction>,
) -> Option<Isolation> {
    let latest = actions
        .into_iter()
        .filter(|a| {
            a.machine_id
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(machine_id))
                && matches!(a.action_type.as_deref(), Some("Isolate" | "Unisolate"))
                && !matches!(
                    a.status.as_deref(),
                    Some("Failed" | "Cancelled" | "TimeOut")
                )
        })
        .max_by_key(|a| a.creation_date_time_utc.map(|t| t.0))?;
    let status = latest.status.clone().unwrap_or_else(|| "Pending".into());
    let done = status == "Succeeded";
    match (latest.action_type.as_deref(), done) {
        (Some("Isolate"), true) => Some(Isolation::Isolated {
            scope: latest.scope.clone(),
        }),
        (Some("Isolate"), false) => Some(Isolation::Isolating { status }),
        (_, false) => Some(Isolation::Releasing { status }),
        (_, true) => None,
    }
}

#[cfg(test)]
mod isolation_tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn action(kind: &str, status: &str, minute: u32) -> MachineAction {
        MachineAction {
            id: format!("{kind}-{minute}"),
            action_type: Some(kind.into()),
            status: Some(status.into()),
            machine_id: Some("m1".into()),
            scope: Some("Full".into()),
            creation_date_time_utc: Some(Timestamp(
                Utc.with_ymd_and_hms(2026, 12, 8, 9, minute, 0).unwrap(),
            )),
            ..MachineAction::default()
        }
    }

    #[test]
    fn the_latest_isolation_action_decides() {
        let isolated = [action("Isolate", "Succeeded", 1)];
        assert_eq!(
            isolation("M1", &isolated),
            Some(Isolation::Isolated {
                scope: Some("Full".into())
            })
        );
        let released = [
            action("Isolate", "Succeeded", 1),
            action("Unisolate", "Succeeded", 2),
        ];
        assert_eq!(isolation("m1", &released), None);
        let releasing = [
            action("Unisolate", "InProgress", 3),
            action("Isolate", "Succeeded", 1),
        ];
        assert_eq!(
            isolation("m1", &releasing).map(|i| i.label()),
            Some("Release from isolation InProgress".into())
        );
        // A failed release leaves the machine isolated; another machine's actions say nothing.
        let failed = [
            action("Isolate", "Succeeded", 1),
            action("Unisolate", "Failed", 2),
        ];
        assert!(matches!(
            isolation("m1", &failed),
            Some(Isolation::Isolated { .. })
        ));
        assert_eq!(isolation("m2", &failed), None);
        assert_eq!(
            isolation("m1", &[action("Isolate", "Pending", 4)]).map(|i| i.label()),
            Some("Isolation Pending".into())
        );
    }
}
