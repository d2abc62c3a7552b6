//! Cards of today's Defender entities: machine actions, investigations, indicators, software,
//! vulnerabilities, recommendations, remediation activities, scores, antivirus health, missing KBs,
//! assessment rows and Defender XDR's incidents. Every id that names another entity is a pivot.

use atp_core::body::RawItem;
use atp_core::model::defender::{
    Assessment, AvHealth, Indicator, Investigation, Kb, MachineAction, Recommendation,
    RemediationTask, Score, Software, Vulnerability, XdrIncident,
};
use atp_core::{Entity, Profile};
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use super::{badge, entity_link, severity_class, text, Card, Field, Id, LongText, Pivots};
use crate::time::When;

/// The card of one of today's Defender entities, when the item reads as one.
pub(super) fn card(entity: Entity, item: &RawItem, profile: Profile) -> Option<AnyView> {
    fn typed<T: DeserializeOwned>(item: &RawItem) -> Option<T> {
        item.decode().ok()
    }
    Some(match entity {
        Entity::MachineAction => {
            let action: MachineAction = typed(item)?;
            view! { <MachineActionCard action profile/> }.into_any()
        }
        Entity::Investigation => {
            let investigation: Investigation = typed(item)?;
            view! { <InvestigationCard investigation profile/> }.into_any()
        }
        Entity::Indicator => {
            let indicator: Indicator = typed(item)?;
            view! { <IndicatorCard indicator profile/> }.into_any()
        }
        Entity::Software => {
            let software: Software = typed(item)?;
            view! { <SoftwareCard software profile/> }.into_any()
        }
        Entity::Vulnerability => {
            let vulnerability: Vulnerability = typed(item)?;
            view! { <VulnerabilityCard vulnerability profile/> }.into_any()
        }
        Entity::Recommendation => {
            let recommendation: Recommendation = typed(item)?;
            view! { <RecommendationCard recommendation profile/> }.into_any()
        }
        Entity::RemediationTask => {
            let task: RemediationTask = typed(item)?;
            view! { <RemediationTaskCard task profile/> }.into_any()
        }
        Entity::Score => {
            let score: Score = typed(item)?;
            view! { <ScoreCard score/> }.into_any()
        }
        Entity::AvHealth => {
            let health: AvHealth = typed(item)?;
            view! { <AvHealthCard health profile/> }.into_any()
        }
        Entity::Kb => {
            let kb: Kb = typed(item)?;
            view! { <KbCard kb/> }.into_any()
        }
        Entity::Assessment => {
            let row: Assessment = typed(item)?;
            view! { <AssessmentCard row profile/> }.into_any()
        }
        Entity::Incident => {
            let incident: XdrIncident = typed(item)?;
            view! { <XdrIncidentCard incident profile/> }.into_any()
        }
        _ => return None,
    })
}

fn severity_badge(severity: Option<String>) -> AnyView {
    severity
        .map(|s| {
            let class = severity_class(&s);
            badge(class, "Severity", Some(s)).unwrap_or_else(|| ().into_any())
        })
        .unwrap_or_else(|| ().into_any())
}

fn number(n: Option<f64>) -> Option<String> {
    n.map(|n| format!("{}", (n * 100.0).round() / 100.0))
}

fn yes_no(b: Option<bool>) -> Option<&'static str> {
    b.map(|b| if b { "Yes" } else { "No" })
}

#[component]
fn MachineActionCard(action: MachineAction, profile: Profile) -> impl IntoView {
    let kind = action
        .action_type
        .clone()
        .unwrap_or_else(|| "Action".into());
    let heading = match action
        .computer_dns_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        Some(name) => format!("{kind} on {name}"),
        None => kind,
    };
    let file = action
        .related_file_info
        .as_ref()
        .and_then(|f| f.file_identifier.clone());
    let badges = badge("badge status", "Status", action.status.clone());
    let pivot_id = Some(action.id.clone());
    view! {
        <Card class="machine-action" kind="Machine action" heading=heading.clone() badges=badges.unwrap_or_else(|| ().into_any())>
            <dl>
                <Field label="Machine">{entity_link(profile, Entity::Machine, action.machine_id.clone(), action.computer_dns_name.clone())}</Field>
                <Field label="Scope">{text(action.scope.clone())}</Field>
                <Field label="Requestor">{text(action.requestor.clone())}</Field>
                <Field label="Comment">{text(action.requestor_comment.clone())}</Field>
                <Field label="File">{entity_link(profile, Entity::File, file, None)}</Field>
                <Field label="Created"><When at=action.creation_date_time_utc/></Field>
                <Field label="Updated"><When at=action.last_update_date_time_utc.or(action.last_update_time_utc)/></Field>
                <Field label="Id"><Id id=action.id.clone()/></Field>
            </dl>
            <Pivots profile entity=Entity::MachineAction id=pivot_id about=heading/>
        </Card>
    }
}

#[component]
fn InvestigationCard(investigation: Investigation, profile: Profile) -> impl IntoView {
    let heading = format!("Investigation {}", investigation.id);
    let badges = badge("badge status", "State", investigation.state.clone());
    view! {
        <Card class="investigation" kind="Automated investigation" heading=heading.clone() badges=badges.unwrap_or_else(|| ().into_any())>
            <dl>
                <Field label="Machine">{entity_link(profile, Entity::Machine, investigation.machine_id.clone(), investigation.computer_dns_name.clone())}</Field>
                <Field label="Triggering alert">{entity_link(profile, Entity::Alert, investigation.triggering_alert_id.clone(), None)}</Field>
                <Field label="Started"><When at=investigation.start_time/></Field>
                <Field label="Ended"><When at=investigation.end_time/></Field>
                <Field label="Cancelled by">{text(investigation.cancelled_by.clone())}</Field>
                <Field label="Details">{text(investigation.status_details.clone())}</Field>
                <Field label="Id"><Id id=investigation.id.clone()/></Field>
            </dl>
        </Card>
    }
}

/// The entity an indicator's value names, by its type.
fn indicator_entity(kind: &str) -> Option<Entity> {
    match kind {
        "FileSha1" | "FileSha256" | "FileMd5" => Some(Entity::File),
        "IpAddress" => Some(Entity::Ip),
        "DomainName" => Some(Entity::Domain),
        _ => None,
    }
}

#[component]
fn IndicatorCard(indicator: Indicator, profile: Profile) -> impl IntoView {
    let kind = indicator.indicator_type.clone().unwrap_or_default();
    let value = indicator.indicator_value.clone();
    let heading = format!(
        "Indicator {}",
        value
            .clone()
            .unwrap_or_else(|| indicator.id_text().unwrap_or_default())
    );
    let id_text = indicator.id_text();
    let value_view = match indicator_entity(&kind) {
        Some(entity) => entity_link(profile, entity, value.clone(), None),
        None => text(value.clone()),
    };
    let badges = view! {
        {severity_badge(indicator.severity.clone())}
        {badge("badge status", "Action", indicator.action.clone())}
    };
    view! {
        <Card class="indicator" kind="Indicator" heading=heading.clone() badges=badges.into_any()>
            <dl>
                <Field label="Value">{value_view}</Field>
                <Field label="Type">{text((!kind.is_empty()).then_some(kind.clone()))}</Field>
                <Field label="Title">{text(indicator.title.clone())}</Field>
                <Field label="Generates alert">{text(yes_no(indicator.generate_alert))}</Field>
                <Field label="Created by">{text(indicator.created_by_display_name.clone().or(indicator.created_by.clone()))}</Field>
                <Field label="Created"><When at=indicator.creation_time_date_time_utc/></Field>
                <Field label="Expires"><When at=indicator.expiration_time/></Field>
                <Field label="Id">{text(id_text)}</Field>
            </dl>
            <LongText text=indicator.description.clone()/>
        </Card>
    }
}

#[component]
fn SoftwareCard(software: Software, profile: Profile) -> impl IntoView {
    let heading = match (&software.vendor, &software.name) {
        (Some(v), Some(n)) => format!("{v} {n}"),
        _ => format!("Software {}", software.id),
    };
    let pivot_id = Some(software.id.clone());
    view! {
        <Card class="software" kind="Software" heading=heading.clone()>
            <dl>
                <Field label="Weaknesses">{text(software.weaknesses)}</Field>
                <Field label="Exposed machines">{text(software.exposed_machines)}</Field>
                <Field label="Installed on">{text(software.installed_machines)}</Field>
                <Field label="Impact">{text(number(software.impact_score))}</Field>
                <Field label="Public exploit">{text(yes_no(software.public_exploit))}</Field>
                <Field label="Id"><Id id=software.id.clone()/></Field>
            </dl>
            <Pivots profile entity=Entity::Software id=pivot_id about=heading/>
        </Card>
    }
}

#[component]
fn VulnerabilityCard(vulnerability: Vulnerability, profile: Profile) -> impl IntoView {
    let heading = vulnerability
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| vulnerability.id.clone());
    let pivot_id = Some(vulnerability.id.clone());
    view! {
        <Card class="vulnerability" kind="Vulnerability" heading=heading.clone() badges=severity_badge(vulnerability.severity.clone())>
            <dl>
                <Field label="CVSS v3">{text(number(vulnerability.cvss_v3))}</Field>
                <Field label="Exposed machines">{text(vulnerability.exposed_machines)}</Field>
                <Field label="Public exploit">{text(yes_no(vulnerability.public_exploit))}</Field>
                <Field label="Published"><When at=vulnerability.published_on/></Field>
                <Field label="Updated"><When at=vulnerability.updated_on/></Field>
                <Field label="Id"><Id id=vulnerability.id.clone()/></Field>
            </dl>
            <LongText text=vulnerability.description.clone()/>
            <Pivots profile entity=Entity::Vulnerability id=pivot_id about=heading/>
        </Card>
    }
}

#[component]
fn RecommendationCard(recommendation: Recommendation, profile: Profile) -> impl IntoView {
    let heading = recommendation
        .recommendation_name
        .clone()
        .unwrap_or_else(|| format!("Recommendation {}", recommendation.id));
    let software = match (&recommendation.vendor, &recommendation.product_name) {
        (Some(v), Some(p)) if !v.is_empty() && !p.is_empty() => Some(format!("{v}-_-{p}")),
        _ => None,
    };
    let pivot_id = Some(recommendation.id.clone());
    view! {
        <Card class="recommendation" kind="Security recommendation" heading=heading.clone() badges=badge("badge status", "Status", recommendation.status.clone()).unwrap_or_else(|| ().into_any())>
            <dl>
                <Field label="Software">{entity_link(profile, Entity::Software, software, recommendation.related_component.clone())}</Field>
                <Field label="Recommended version">{text(recommendation.recommended_version.clone().filter(|v| !v.is_empty()))}</Field>
                <Field label="Weaknesses">{text(recommendation.weaknesses)}</Field>
                <Field label="Exposed machines">{text(recommendation.exposed_machines_count)}</Field>
                <Field label="Severity score">{text(number(recommendation.severity_score))}</Field>
                <Field label="Exposure impact">{text(number(recommendation.exposure_impact))}</Field>
                <Field label="Remediation">{text(recommendation.remediation_type.clone())}</Field>
                <Field label="Id"><Id id=recommendation.id.clone()/></Field>
            </dl>
            <Pivots profile entity=Entity::Recommendation id=pivot_id about=heading/>
        </Card>
    }
}

#[component]
fn RemediationTaskCard(task: RemediationTask, profile: Profile) -> impl IntoView {
    let heading = task
        .title
        .clone()
        .unwrap_or_else(|| format!("Remediation {}", task.id));
    let pivot_id = Some(task.id.clone());
    view! {
        <Card class="remediation" kind="Remediation activity" heading=heading.clone() badges=badge("badge status", "Status", task.status.clone()).unwrap_or_else(|| ().into_any())>
            <dl>
                <Field label="Software">{entity_link(profile, Entity::Software, task.product_id.clone(), task.related_component.clone())}</Field>
                <Field label="Priority">{text(task.priority.clone())}</Field>
                <Field label="Due"><When at=task.due_on/></Field>
                <Field label="Target devices">{text(task.target_devices)}</Field>
                <Field label="Fixed devices">{text(task.fixed_devices)}</Field>
                <Field label="Requested by">{text(task.requester_email.clone())}</Field>
                <Field label="Created"><When at=task.created_on/></Field>
                <Field label="Id"><Id id=task.id.clone()/></Field>
            </dl>
            <LongText text=task.description.clone()/>
            <Pivots profile entity=Entity::RemediationTask id=pivot_id about=heading/>
        </Card>
    }
}

#[component]
fn ScoreCard(score: Score) -> impl IntoView {
    let heading = match &score.rbac_group_name {
        Some(group) => format!("Exposure score of {group}"),
        None => "Score".to_string(),
    };
    view! {
        <Card class="score" kind="Score" heading>
            <dl>
                <Field label="Score">{text(number(score.score))}</Field>
                <Field label="Computed"><When at=score.time/></Field>
            </dl>
        </Card>
    }
}

#[component]
fn AvHealthCard(health: AvHealth, profile: Profile) -> impl IntoView {
    let heading = format!(
        "Antivirus health of {}",
        health
            .computer_dns_name
            .clone()
            .or(health.machine_id.clone())
            .unwrap_or_default()
    );
    view! {
        <Card class="avhealth" kind="Antivirus health" heading badges=badge("badge status", "Mode", health.av_mode.clone()).unwrap_or_else(|| ().into_any())>
            <dl>
                <Field label="Machine">{entity_link(profile, Entity::Machine, health.machine_id.clone(), health.computer_dns_name.clone())}</Field>
                <Field label="Signature">{text(health.av_signature_version.clone())}</Field>
                <Field label="Signature up to date">{text(health.av_is_signature_up_to_date.clone())}</Field>
                <Field label="Engine">{text(health.av_engine_version.clone())}</Field>
                <Field label="Platform">{text(health.av_platform_version.clone())}</Field>
                <Field label="Quick scan">{text(health.quick_scan_result.clone().filter(|r| !r.is_empty()))}</Field>
                <Field label="Last quick scan"><When at=health.quick_scan_time/></Field>
                <Field label="Last full scan"><When at=health.full_scan_time/></Field>
            </dl>
        </Card>
    }
}

#[component]
fn KbCard(kb: Kb) -> impl IntoView {
    let heading = format!("KB{}", kb.id);
    view! {
        <Card class="kb" kind="Missing security update" heading>
            <dl>
                <Field label="Name">{text(kb.name.clone())}</Field>
                <Field label="Products">{text(kb.products_names.clone().map(|p| p.join(", ")))}</Field>
                <Field label="Missing on">{text(kb.machine_missed_on)}</Field>
                <Field label="CVEs addressed">{text(kb.cve_addressed)}</Field>
                <Field label="Article">{text(kb.url.clone())}</Field>
            </dl>
        </Card>
    }
}

#[component]
fn AssessmentCard(row: Assessment, profile: Profile) -> impl IntoView {
    let software = [
        row.software_vendor.clone().or(row.product_vendor.clone()),
        row.software_name.clone().or(row.product_name.clone()),
        row.software_version
            .clone()
            .or(row.product_version.clone())
            .or(row.version.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let subject = row
        .cve()
        .map(str::to_string)
        .or(row.configuration_id.clone())
        .or((!software.is_empty()).then(|| software.clone()));
    let heading = match (row.device_name.clone(), subject) {
        (Some(d), Some(s)) => format!("{s} on {d}"),
        (None, Some(s)) => s,
        (Some(d), None) => d,
        (None, None) if row.export_files.is_some() => "Export files".to_string(),
        (None, None) => "Assessment".to_string(),
    };
    let files = row.export_files.clone().unwrap_or_default();
    let machine = row.machine().map(str::to_string);
    let cve = row.cve().map(str::to_string);
    view! {
        <Card class="assessment" kind="Assessment" heading badges=severity_badge(row.vulnerability_severity_level.clone().or(row.severity.clone()))>
            <dl>
                <Field label="Machine">{entity_link(profile, Entity::Machine, machine, row.device_name.clone())}</Field>
                <Field label="Vulnerability">{entity_link(profile, Entity::Vulnerability, cve, None)}</Field>
                <Field label="Software">{text((!software.is_empty()).then_some(software))}</Field>
                <Field label="Fixing update">{text(row.fixing_kb_id.clone().or(row.recommended_security_update_id.clone()))}</Field>
                <Field label="Compliant">{text(yes_no(row.is_compliant))}</Field>
                <Field label="Installations">{text(row.installations)}</Field>
                <Field label="Generated"><When at=row.generated_time/></Field>
            </dl>
            {(!files.is_empty()).then(|| view! {
                <h4>"Files to download"</h4>
                <ul class="inline-list">{files.into_iter().map(|f| view! { <li><code>{f}</code></li> }).collect_view()}</ul>
            })}
        </Card>
    }
}

#[component]
fn XdrIncidentCard(incident: XdrIncident, profile: Profile) -> impl IntoView {
    let id = incident.incident_id.map(|i| i.to_string());
    let heading = incident
        .incident_name
        .clone()
        .unwrap_or_else(|| format!("Incident {}", id.clone().unwrap_or_default()));
    let alerts: Vec<String> = incident
        .alerts
        .iter()
        .flatten()
        .filter_map(|a| {
            a.get("alertId")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .collect();
    view! {
        <Card class="incident" kind="Incident" heading=heading.clone() badges=severity_badge(incident.severity.clone())>
            <dl>
                <Field label="Status">{text(incident.status.clone())}</Field>
                <Field label="Assigned to">{text(incident.assigned_to.clone())}</Field>
                <Field label="Classification">{text(incident.classification.clone())}</Field>
                <Field label="Created"><When at=incident.created_time/></Field>
                <Field label="Updated"><When at=incident.last_update_time/></Field>
                <Field label="Id">{text(id)}</Field>
            </dl>
            {(!alerts.is_empty()).then(|| view! {
                <h4>"Alerts"</h4>
                <ul class="inline-list">
                    {alerts.into_iter().map(|a| view! { <li>{entity_link(profile, Entity::Alert, Some(a), None)}</li> }).collect_view()}
                </ul>
            })}
        </Card>
    }
}
