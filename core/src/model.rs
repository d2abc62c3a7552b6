//! Entity models of the API, field names as the real JSON has them.
//!
//! The same types decode real responses (in the app) and carry the demo tenant's data. Every field the real
//! API may omit or null is an `Option`; fields this model does not know are kept in `extra`, so a raw view
//! of a decoded entity still shows everything the server sent.

use std::fmt;

use chrono::{DateTime, Datelike, SecondsFormat, SubsecRound, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// Microsoft Graph security entities: alerts v2, incidents, evidence and their Defender pivots.
pub mod security;

/// Today's Defender for Endpoint entities: machine actions, investigations, indicators, vulnerability
/// management, scores, antivirus health, Defender XDR incidents.
pub mod defender;

/// Fields of a response object that this model does not name.
pub type Extra = Map<String, Value>;

/// A point in time as the API writes it: ISO 8601 in UTC, up to seven fractional digits, trailing zeros
/// dropped (`2017-06-27T02:36:53.7841015Z`, `2021-01-26T20:33:59.2Z`, `0001-01-01T00:00:00Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Reads an RFC 3339 time. Digits finer than the API's 100 ns tick are dropped, and a time whose UTC
    /// year is not written with four digits (an offset can carry `9999-12-31` into year 10000) is not
    /// a time: either way it could not be written back as it reads.
    pub fn parse(text: &str) -> Option<Timestamp> {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc).trunc_subsecs(7))
            .filter(|t| (0..=9999).contains(&t.year()))
            .map(Timestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.to_rfc3339_opts(SecondsFormat::Secs, true);
        // .NET ticks are 100 ns: seven digits at most, then trailing zeros trimmed as the API does.
        // A leap second's nanoseconds count on past 1e9; the seconds already say 60.
        let ticks = self.0.timestamp_subsec_nanos() % 1_000_000_000 / 100;
        if ticks == 0 {
            return f.write_str(&secs);
        }
        let digits = format!("{ticks:07}");
        let digits = digits.trim_end_matches('0');
        let head = secs.strip_suffix('Z').unwrap_or(&secs);
        write!(f, "{head}.{digits}Z")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text)
            .ok_or_else(|| de::Error::custom(format!("{text:?} is not an ISO 8601 time")))
    }
}

/// A prevalence count: today a number, in the 2017 API a numeric string (`"orgPrevalence": "4070"`).
/// Written back the way it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Prevalence {
    pub value: u64,
    /// Whether the JSON held it as a string.
    pub as_string: bool,
}

impl Prevalence {
    pub fn number(value: u64) -> Prevalence {
        Prevalence {
            value,
            as_string: false,
        }
    }

    pub fn text(value: u64) -> Prevalence {
        Prevalence {
            value,
            as_string: true,
        }
    }
}

impl Serialize for Prevalence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.as_string {
            serializer.collect_str(&self.value)
        } else {
            serializer.serialize_u64(self.value)
        }
    }
}

impl<'de> Deserialize<'de> for Prevalence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PrevalenceVisitor;
        impl Visitor<'_> for PrevalenceVisitor {
            type Value = Prevalence;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a count, as a number or a numeric string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Prevalence, E> {
                Ok(Prevalence::number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Prevalence, E> {
                u64::try_from(v)
                    .map(Prevalence::number)
                    .map_err(|_| E::custom("a prevalence cannot be negative"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Prevalence, E> {
                if v >= 0.0 && v.fract() == 0.0 && v < u64::MAX as f64 {
                    Ok(Prevalence::number(v as u64))
                } else {
                    Err(E::custom("a prevalence is a whole number"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Prevalence, E> {
                v.trim()
                    .parse()
                    .map(Prevalence::text)
                    .map_err(|_| E::custom(format!("{v:?} is not a count")))
            }
        }
        deserializer.deserialize_any(PrevalenceVisitor)
    }
}

/// An OData collection: `{"@odata.context", "@odata.count"?, "@odata.nextLink"?, "value": [...]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Collection<T> {
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<u64>,
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    pub value: Vec<T>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The API's error body: `{"error": {"code", "message", "target"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ApiErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorDetail {
    pub code: String,
    pub message: String,
    /// A correlation id in the real API.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The user an alert is about (today's API).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedUser {
    pub user_name: Option<String>,
    pub domain_name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An analyst's comment on an alert.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    pub comment: Option<String>,
    pub created_by: Option<String>,
    pub created_time: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One piece of evidence of an alert (`$expand=evidence`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub entity_type: Option<String>,
    pub evidence_creation_time: Option<Timestamp>,
    pub sha1: Option<String>,
    pub sha256: Option<String>,
    pub file_name: Option<String>,
    pub file_path: Option<String>,
    pub process_id: Option<i64>,
    pub process_command_line: Option<String>,
    pub process_creation_time: Option<Timestamp>,
    pub parent_process_id: Option<i64>,
    pub parent_process_creation_time: Option<Timestamp>,
    pub parent_process_file_name: Option<String>,
    pub parent_process_file_path: Option<String>,
    pub ip_address: Option<String>,
    pub url: Option<String>,
    pub registry_key: Option<String>,
    pub registry_hive: Option<String>,
    pub registry_value_type: Option<String>,
    pub registry_value: Option<String>,
    pub account_name: Option<String>,
    pub domain_name: Option<String>,
    pub user_sid: Option<String>,
    pub aad_user_id: Option<String>,
    pub user_principal_name: Option<String>,
    pub detection_status: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An alert. Carries its machine either as `machineId` or, with `$expand=machine`, as `machine`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    #[serde(default)]
    pub id: String,
    pub incident_id: Option<i64>,
    pub investigation_id: Option<i64>,
    pub assigned_to: Option<String>,
    pub severity: Option<String>,
    pub status: Option<String>,
    pub classification: Option<String>,
    pub determination: Option<String>,
    pub investigation_state: Option<String>,
    pub detection_source: Option<String>,
    pub detector_id: Option<String>,
    pub category: Option<String>,
    pub threat_family_name: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub recommended_action: Option<String>,
    pub alert_creation_time: Option<Timestamp>,
    pub first_event_time: Option<Timestamp>,
    pub last_event_time: Option<Timestamp>,
    pub last_update_time: Option<Timestamp>,
    pub resolved_time: Option<Timestamp>,
    pub machine_id: Option<String>,
    pub computer_dns_name: Option<String>,
    pub rbac_group_name: Option<String>,
    pub aad_tenant_id: Option<String>,
    pub threat_name: Option<String>,
    pub actor_name: Option<String>,
    pub mitre_techniques: Option<Vec<String>>,
    pub related_user: Option<RelatedUser>,
    pub comments: Option<Vec<Comment>>,
    pub evidence: Option<Vec<Evidence>>,
    pub machine: Option<Box<Machine>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Alert {
    /// The machine's id, from `machineId` or the embedded `machine`.
    pub fn machine_ref(&self) -> Option<&str> {
        self.machine_id
            .as_deref()
            .or_else(|| self.machine.as_ref().map(|m| m.id.as_str()))
    }
}

/// One network address of a machine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineIpAddress {
    pub ip_address: Option<String>,
    pub mac_address: Option<String>,
    pub operational_status: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A machine (device).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    #[serde(default)]
    pub id: String,
    pub computer_dns_name: Option<String>,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    pub is_online: Option<bool>,
    pub os_platform: Option<String>,
    pub os_version: Option<String>,
    pub os_processor: Option<String>,
    pub version: Option<String>,
    pub system_product_name: Option<String>,
    pub last_ip_address: Option<String>,
    pub last_external_ip_address: Option<String>,
    pub agent_version: Option<String>,
    pub os_build: Option<i64>,
    pub health_status: Option<String>,
    pub onboarding_status: Option<String>,
    pub device_value: Option<String>,
    pub rbac_group_id: Option<i64>,
    pub rbac_group_name: Option<String>,
    pub risk_score: Option<String>,
    pub exposure_level: Option<String>,
    pub is_aad_joined: Option<bool>,
    pub aad_device_id: Option<String>,
    pub machine_tags: Option<Vec<String>>,
    pub ip_addresses: Option<Vec<MachineIpAddress>>,
    /// Only with `$expand=logonusers` on the 2017 `find` route.
    pub logon_users: Option<Vec<User>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A user; also a machine's logon user (`/machines/{id}/logonusers`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(default)]
    pub id: String,
    pub account_name: Option<String>,
    pub account_domain: Option<String>,
    /// The 2017 API's name for `accountDomain`.
    pub account_domain_name: Option<String>,
    pub account_sid: Option<String>,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    pub most_prevalent_machine_id: Option<String>,
    pub least_prevalent_machine_id: Option<String>,
    pub logon_types: Option<String>,
    pub log_on_machines_count: Option<i64>,
    pub is_domain_admin: Option<bool>,
    pub is_only_network_user: Option<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A logon user is the user entity as a machine's logon list shows it.
pub type LogonUser = User;

/// A DNS domain.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    #[serde(default)]
    pub host: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An IP address.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ip {
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A file, known by its hashes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct File {
    pub sha1: Option<String>,
    pub sha256: Option<String>,
    pub md5: Option<String>,
    pub global_prevalence: Option<Prevalence>,
    pub global_first_observed: Option<Timestamp>,
    pub global_last_observed: Option<Timestamp>,
    #[serde(rename = "windowsDefenderAVThreatName")]
    pub windows_defender_av_threat_name: Option<String>,
    pub size: Option<u64>,
    pub file_type: Option<String>,
    pub is_pe_file: Option<bool>,
    pub file_publisher: Option<String>,
    pub file_product_name: Option<String>,
    pub signer: Option<String>,
    pub issuer: Option<String>,
    pub signer_hash: Option<String>,
    pub is_valid_certificate: Option<bool>,
    pub determination_type: Option<String>,
    pub determination_value: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl File {
    /// The id the routes take: SHA1, else SHA256, else MD5.
    pub fn id(&self) -> Option<&str> {
        self.sha1
            .as_deref()
            .or(self.sha256.as_deref())
            .or(self.md5.as_deref())
    }
}

/// A threat-actor report (2017 API). The documented shape is `id` and `linkToReport`; the demo adds the
/// report's summary fields, which the real API keeps in the linked report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    #[serde(default)]
    pub id: String,
    pub link_to_report: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub targeted_sectors: Option<Vec<String>>,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Prevalence of a domain (`host`), an IP (`ipAddress`) or a file (`sha1`) in the organization, and for
/// files in the world.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub host: Option<String>,
    pub ip_address: Option<String>,
    pub sha1: Option<String>,
    pub organization_prevalence: Option<Prevalence>,
    /// The 2017 API's name for `organizationPrevalence`, a numeric string.
    pub org_prevalence: Option<Prevalence>,
    pub org_first_seen: Option<Timestamp>,
    pub org_last_seen: Option<Timestamp>,
    pub global_prevalence: Option<Prevalence>,
    /// Today's file stats spell it so.
    pub globally_prevalence: Option<Prevalence>,
    pub global_first_observed: Option<Timestamp>,
    pub global_last_observed: Option<Timestamp>,
    pub top_file_names: Option<Vec<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Stats {
    /// Organization prevalence, whichever era's field carries it.
    pub fn organization(&self) -> Option<u64> {
        self.organization_prevalence
            .or(self.org_prevalence)
            .map(|p| p.value)
    }

    /// Global prevalence, whichever spelling carries it.
    pub fn global(&self) -> Option<u64> {
        self.global_prevalence
            .or(self.globally_prevalence)
            .map(|p| p.value)
    }
}

/// What an `@odata.context` says a response holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextKind {
    Alerts,
    Machines,
    Users,
    Domains,
    Ips,
    Files,
    Actors,
    Stats,
}

/// Reads `…/$metadata#Alerts/$entity` into what it holds and whether it is one entity.
pub fn context_kind(context: &str) -> Option<(ContextKind, bool)> {
    let fragment = context.rsplit_once('#')?.1;
    let single = fragment.ends_with("/$entity");
    let name = fragment.trim_end_matches("/$entity");
    let kind = match name.rsplit('.').next().unwrap_or(name) {
        "Alerts" | "Alert" => ContextKind::Alerts,
        "Machines" | "Machine" => ContextKind::Machines,
        "Users" | "User" => ContextKind::Users,
        "Domains" | "Domain" => ContextKind::Domains,
        "Ips" | "Ip" => ContextKind::Ips,
        "Files" | "File" => ContextKind::Files,
        "Actors" | "Actor" => ContextKind::Actors,
        n if n.ends_with("Stats") => ContextKind::Stats,
        _ => return None,
    };
    Some((kind, single))
}
