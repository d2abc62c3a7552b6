//! Alerts and machines as records `$filter` and `$orderby` read: property tables and borrowing accessors.

use std::collections::HashMap;

use crate::model::{Alert, Machine, Timestamp};
use crate::odata::{FieldType as T, FieldValue, Property, Record, SEVERITIES};

const fn p(name: &'static str, ty: T) -> Property {
    Property { name, ty }
}

static ALERT_PROPERTIES: &[Property] = &[
    p("id", T::String),
    p("incidentId", T::Int),
    p("investigationId", T::Int),
    p("assignedTo", T::String),
    p("severity", T::Severity),
    p("status", T::String),
    p("classification", T::String),
    p("determination", T::String),
    p("investigationState", T::String),
    p("detectionSource", T::String),
    p("detectorId", T::String),
    p("category", T::String),
    p("threatFamilyName", T::String),
    p("title", T::String),
    p("description", T::String),
    p("recommendedAction", T::String),
    p("alertCreationTime", T::Time),
    p("firstEventTime", T::Time),
    p("lastEventTime", T::Time),
    p("lastUpdateTime", T::Time),
    p("resolvedTime", T::Time),
    p("machineId", T::String),
    p("computerDnsName", T::String),
    p("rbacGroupName", T::String),
    p("aadTenantId", T::String),
    p("threatName", T::String),
    p("actorName", T::String),
    p("mitreTechniques", T::StringList),
];

fn s(v: &Option<String>) -> FieldValue<'_> {
    v.as_deref().map_or(FieldValue::Null, FieldValue::Str)
}

fn t(v: &Option<Timestamp>) -> FieldValue<'static> {
    v.map_or(FieldValue::Null, FieldValue::Time)
}

fn i(v: &Option<i64>) -> FieldValue<'static> {
    v.map_or(FieldValue::Null, FieldValue::Int)
}

fn b(v: &Option<bool>) -> FieldValue<'static> {
    v.map_or(FieldValue::Null, FieldValue::Bool)
}

fn list(v: &Option<Vec<String>>) -> FieldValue<'_> {
    v.as_deref().map_or(FieldValue::Null, FieldValue::List)
}

/// A severity's rank; a value outside the four severities reads as null.
pub(crate) fn severity_rank(v: &Option<String>) -> FieldValue<'static> {
    v.as_deref()
        .and_then(|s| SEVERITIES.iter().position(|x| *x == s))
        .map_or(FieldValue::Null, |r| FieldValue::Rank(r as u8))
}

impl Record for Alert {
    fn properties() -> &'static [Property] {
        ALERT_PROPERTIES
    }

    fn field(&self, index: usize) -> FieldValue<'_> {
        match index {
            0 => FieldValue::Str(&self.id),
            1 => i(&self.incident_id),
            2 => i(&self.investigation_id),
            3 => s(&self.assigned_to),
            4 => severity_rank(&self.severity),
            5 => s(&self.status),
            6 => s(&self.classification),
            7 => s(&self.determination),
            8 => s(&self.investigation_state),
            9 => s(&self.detection_source),
            10 => s(&self.detector_id),
            11 => s(&self.category),
            12 => s(&self.threat_family_name),
            13 => s(&self.title),
            14 => s(&self.description),
            15 => s(&self.recommended_action),
            16 => t(&self.alert_creation_time),
            17 => t(&self.first_event_time),
            18 => t(&self.last_event_time),
            19 => t(&self.last_update_time),
            20 => t(&self.resolved_time),
            21 => s(&self.machine_id),
            22 => s(&self.computer_dns_name),
            23 => s(&self.rbac_group_name),
            24 => s(&self.aad_tenant_id),
            25 => s(&self.threat_name),
            26 => s(&self.actor_name),
            27 => list(&self.mitre_techniques),
            _ => FieldValue::Null,
        }
    }
}

static MACHINE_PROPERTIES: &[Property] = &[
    p("id", T::String),
    p("computerDnsName", T::String),
    p("firstSeen", T::Time),
    p("lastSeen", T::Time),
    p("isOnline", T::Bool),
    p("osPlatform", T::String),
    p("osVersion", T::String),
    p("osProcessor", T::String),
    p("version", T::String),
    p("systemProductName", T::String),
    p("lastIpAddress", T::String),
    p("lastExternalIpAddress", T::String),
    p("agentVersion", T::String),
    p("osBuild", T::Int),
    p("healthStatus", T::String),
    p("onboardingStatus", T::String),
    p("deviceValue", T::String),
    p("rbacGroupId", T::Int),
    p("rbacGroupName", T::String),
    p("riskScore", T::String),
    p("exposureLevel", T::String),
    p("isAadJoined", T::Bool),
    p("aadDeviceId", T::String),
    p("machineTags", T::StringList),
];

impl Record for Machine {
    fn properties() -> &'static [Property] {
        MACHINE_PROPERTIES
    }

    fn field(&self, index: usize) -> FieldValue<'_> {
        match index {
            0 => FieldValue::Str(&self.id),
            1 => s(&self.computer_dns_name),
            2 => t(&self.first_seen),
            3 => t(&self.last_seen),
            4 => b(&self.is_online),
            5 => s(&self.os_platform),
            6 => s(&self.os_version),
            7 => s(&self.os_processor),
            8 => s(&self.version),
            9 => s(&self.system_product_name),
            10 => s(&self.last_ip_address),
            11 => s(&self.last_external_ip_address),
            12 => s(&self.agent_version),
            13 => i(&self.os_build),
            14 => s(&self.health_status),
            15 => s(&self.onboarding_status),
            16 => s(&self.device_value),
            17 => i(&self.rbac_group_id),
            18 => s(&self.rbac_group_name),
            19 => s(&self.risk_score),
            20 => s(&self.exposure_level),
            21 => b(&self.is_aad_joined),
            22 => s(&self.aad_device_id),
            23 => list(&self.machine_tags),
            _ => FieldValue::Null,
        }
    }
}

/// Properties of an alert read from its compact row rather than from the (large, scattered) alert:
/// a filter over 100,000 alerts then reads contiguous memory.
const HOT_STRINGS: [usize; 8] = [3, 5, 6, 7, 8, 9, 11, 23];
const NO_STRING: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub(crate) struct AlertRow {
    severity: Option<u8>,
    incident: Option<i64>,
    investigation: Option<i64>,
    /// alertCreationTime, firstEventTime, lastEventTime, lastUpdateTime, resolvedTime.
    times: [Option<Timestamp>; 5],
    /// Interned values of the `HOT_STRINGS` properties.
    strings: [u32; 8],
}

pub(crate) fn rows(alerts: &[Alert]) -> (Vec<AlertRow>, Vec<String>) {
    let mut table: Vec<String> = Vec::new();
    let mut interned: HashMap<String, u32> = HashMap::new();
    let rows = alerts
        .iter()
        .map(|a| {
            let mut strings = [NO_STRING; 8];
            for (slot, &field) in strings.iter_mut().zip(&HOT_STRINGS) {
                if let FieldValue::Str(s) = a.field(field) {
                    *slot = *interned.entry(s.to_string()).or_insert_with(|| {
                        table.push(s.to_string());
                        (table.len() - 1) as u32
                    });
                }
            }
            AlertRow {
                severity: match severity_rank(&a.severity) {
                    FieldValue::Rank(r) => Some(r),
                    _ => None,
                },
                incident: a.incident_id,
                investigation: a.investigation_id,
                times: [
                    a.alert_creation_time,
                    a.first_event_time,
                    a.last_event_time,
                    a.last_update_time,
                    a.resolved_time,
                ],
                strings,
            }
        })
        .collect();
    (rows, table)
}

/// An alert with its compact row, as the filter and sort read it.
pub(crate) struct AlertView<'a> {
    pub row: &'a AlertRow,
    pub alert: &'a Alert,
    pub strings: &'a [String],
}

impl Record for AlertView<'_> {
    fn properties() -> &'static [Property] {
        ALERT_PROPERTIES
    }

    fn field(&self, index: usize) -> FieldValue<'_> {
        if let Some(slot) = HOT_STRINGS.iter().position(|&f| f == index) {
            let n = self.row.strings[slot];
            return self
                .strings
                .get(n as usize)
                .map_or(FieldValue::Null, |s| FieldValue::Str(s));
        }
        match index {
            1 => i(&self.row.incident),
            2 => i(&self.row.investigation),
            4 => self.row.severity.map_or(FieldValue::Null, FieldValue::Rank),
            16..=20 => t(&self.row.times[index - 16]),
            _ => self.alert.field(index),
        }
    }
}
