//! The incidents of the demo tenant: its alerts grouped by the incident id the generator already gives
//! them (one machine, one 3-day window), with each incident's summary as `$filter` reads it.
//!
//! Built once per dataset and kept (the dataset is immutable once served), so a list page over 100,000
//! alerts reads a prepared table instead of regrouping.

use std::collections::HashMap;

use crate::demo::{Dataset, DemoTenant};
use crate::model::security::{Classification, Determination, GraphEnum};
use crate::model::Timestamp;
use crate::odata::{FieldType as T, FieldValue, Property, Record, SEVERITIES};

/// Graph's severities, in the Defender severities' rank order.
pub(super) const GRAPH_SEVERITIES: [&str; 4] = ["informational", "low", "medium", "high"];

/// One incident: its alerts (dataset positions, in dataset order) and the summary of them.
#[derive(Clone, Debug)]
pub(super) struct IncidentRow {
    pub id: i64,
    pub alerts: Vec<u32>,
    pub severity: Option<u8>,
    pub status: &'static str,
    pub classification: &'static str,
    pub determination: &'static str,
    pub created: Option<Timestamp>,
    pub updated: Option<Timestamp>,
    /// The dataset position of the alert whose assignment and verdict the incident takes.
    pub lead: u32,
}

/// An alert's Graph view of the fields `$filter` reads.
#[derive(Clone, Debug)]
pub(super) struct AlertRow {
    pub incident: u32,
    pub status: &'static str,
    pub classification: &'static str,
    pub determination: &'static str,
}

/// The Graph tables of one dataset.
#[derive(Clone, Debug)]
pub(crate) struct GraphIndex {
    /// In the order of each incident's first alert in the dataset (the source alert's incident first).
    pub(super) incidents: Vec<IncidentRow>,
    pub(super) by_id: HashMap<i64, u32>,
    pub(super) alerts: Vec<AlertRow>,
}

impl DemoTenant {
    /// The Graph tables of this tenant's dataset, built on first use.
    pub(super) fn graph_index(&self) -> &GraphIndex {
        self.graph.get_or_init(|| build(&self.dataset))
    }
}

/// A Defender alert status as Graph writes it.
pub(super) fn alert_status(text: Option<&str>) -> &'static str {
    match text.map(str::to_ascii_lowercase).as_deref() {
        Some("new") => "new",
        Some("inprogress") => "inProgress",
        Some("resolved") => "resolved",
        _ => "unknown",
    }
}

/// A documented value of `E` spelled as Graph writes it, or `unknown`.
fn documented<E: GraphEnum + 'static>(known: &'static [E], text: Option<&str>) -> &'static str {
    text.and_then(|t| known.iter().find(|v| v.as_str().eq_ignore_ascii_case(t)))
        .map_or("unknown", GraphEnum::as_str)
}

fn build(data: &Dataset) -> GraphIndex {
    let mut incidents: Vec<IncidentRow> = Vec::new();
    let mut by_id: HashMap<i64, u32> = HashMap::new();
    let mut alerts = Vec::with_capacity(data.alerts.len());
    for (i, a) in data.alerts.iter().enumerate() {
        // An alert without an incident id (none in the generated data) is an incident of its own.
        let id = a.incident_id.unwrap_or(1_000_000_000 + i as i64);
        let severity = SEVERITIES
            .iter()
            .position(|s| a.severity.as_deref() == Some(*s))
            .map(|r| r as u8);
        let n = *by_id.entry(id).or_insert_with(|| {
            incidents.push(IncidentRow {
                id,
                alerts: Vec::new(),
                severity: None,
                status: "active",
                classification: "unknown",
                determination: "unknown",
                created: None,
                updated: None,
                lead: i as u32,
            });
            (incidents.len() - 1) as u32
        });
        let incident = &mut incidents[n as usize];
        incident.alerts.push(i as u32);
        if severity > incident.severity {
            incident.severity = severity;
            incident.lead = i as u32;
        }
        incident.created = min(incident.created, a.alert_creation_time);
        incident.updated = max(
            incident.updated,
            a.last_update_time.or(a.alert_creation_time),
        );
        alerts.push(AlertRow {
            incident: n,
            status: alert_status(a.status.as_deref()),
            classification: documented(Classification::KNOWN, a.classification.as_deref()),
            determination: documented(Determination::KNOWN, a.determination.as_deref()),
        });
    }
    for incident in &mut incidents {
        let statuses = incident.alerts.iter().map(|&i| alerts[i as usize].status);
        let (mut open, mut working) = (false, false);
        for s in statuses {
            open |= s != "resolved";
            working |= s == "inProgress";
        }
        // Open while any alert is; in progress as soon as an analyst works on one of them.
        incident.status = match (open, working) {
            (false, _) => "resolved",
            (true, true) => "inProgress",
            (true, false) => "active",
        };
        let lead = &alerts[incident.lead as usize];
        incident.classification = lead.classification;
        incident.determination = lead.determination;
    }
    GraphIndex {
        incidents,
        by_id,
        alerts,
    }
}

fn min(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b < a { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn max(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b > a { b } else { a }),
        (a, b) => a.or(b),
    }
}

const fn p(name: &'static str, ty: T) -> Property {
    Property { name, ty }
}

/// The documented `$filter` properties of `/security/alerts_v2`.
static ALERT_PROPERTIES: &[Property] = &[
    p("assignedTo", T::String),
    p("classification", T::String),
    p("determination", T::String),
    p("createdDateTime", T::Time),
    p("lastUpdateDateTime", T::Time),
    p("severity", T::Severity),
    p("serviceSource", T::String),
    p("status", T::String),
];

/// The documented `$filter` properties of `/security/incidents`.
static INCIDENT_PROPERTIES: &[Property] = &[
    p("assignedTo", T::String),
    p("classification", T::String),
    p("createdDateTime", T::Time),
    p("determination", T::String),
    p("lastUpdateDateTime", T::Time),
    p("severity", T::Severity),
    p("status", T::String),
];

fn time(t: Option<Timestamp>) -> FieldValue<'static> {
    t.map_or(FieldValue::Null, FieldValue::Time)
}

fn rank(r: Option<u8>) -> FieldValue<'static> {
    r.map_or(FieldValue::Null, FieldValue::Rank)
}

/// An alert as Graph's `$filter` reads it.
pub(super) struct AlertRecord<'a> {
    pub data: &'a Dataset,
    pub row: &'a AlertRow,
    pub at: usize,
}

impl Record for AlertRecord<'_> {
    fn properties() -> &'static [Property] {
        ALERT_PROPERTIES
    }

    fn field(&self, index: usize) -> FieldValue<'_> {
        let a = &self.data.alerts[self.at];
        match index {
            0 => a
                .assigned_to
                .as_deref()
                .map_or(FieldValue::Null, FieldValue::Str),
            1 => FieldValue::Str(self.row.classification),
            2 => FieldValue::Str(self.row.determination),
            3 => time(a.alert_creation_time),
            4 => time(a.last_update_time),
            5 => match self.data.alert_view(self.at).field(4) {
                FieldValue::Rank(r) => FieldValue::Rank(r),
                _ => FieldValue::Null,
            },
            6 => FieldValue::Str("microsoftDefenderForEndpoint"),
            7 => FieldValue::Str(self.row.status),
            _ => FieldValue::Null,
        }
    }
}

/// An incident as Graph's `$filter` reads it.
pub(super) struct IncidentRecord<'a> {
    pub data: &'a Dataset,
    pub row: &'a IncidentRow,
}

impl Record for IncidentRecord<'_> {
    fn properties() -> &'static [Property] {
        INCIDENT_PROPERTIES
    }

    fn field(&self, index: usize) -> FieldValue<'_> {
        match index {
            0 => self.data.alerts[self.row.lead as usize]
                .assigned_to
                .as_deref()
                .map_or(FieldValue::Null, FieldValue::Str),
            1 => FieldValue::Str(self.row.classification),
            2 => time(self.row.created),
            3 => FieldValue::Str(self.row.determination),
            4 => time(self.row.updated),
            5 => rank(self.row.severity),
            6 => FieldValue::Str(self.row.status),
            _ => FieldValue::Null,
        }
    }
}
