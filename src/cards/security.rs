//! Cards of the Microsoft Graph security profile: alerts v2 (with every evidence type) and incidents
//! (with their alerts nested when `$expand=alerts` brought them). Each evidence names the Defender for
//! Endpoint entities it is about as links to the Defender routes, so an analyst goes from an incident to
//! the machine, file, IP, domain or user it involves. Everything from the API is rendered as text.

use atp_core::catalogue::{Api, Route};
use atp_core::link::app_href;
use atp_core::model::security::{
    AlertComment, AlertV2, Evidence, EvidenceCommon, FileDetails, Incident, Pivot, UserAccount,
};
use atp_core::model::{Extra, Timestamp};
use atp_core::{Entity, Profile, Query, QueryOption, Region};
use leptos::prelude::*;
use serde_json::Value;

use super::{badge, severity_class, text, unique_id, visible_text, Card, Field, Id, LongText};
use crate::explorer::{use_explorer, AppLink};
use crate::time::When;

/// The profile an evidence's pivots use: Defender for Endpoint's routes, on the nearest host.
const DEFENDER: Profile = Profile::Defender(Region::Global);

/// The Defender route a pivot opens and what its link says. The Defender API has a Get for machines and
/// files only; for an IP, a domain or a user the link lists their alerts (the route that exists).
pub(crate) fn pivot_route(pivot: &Pivot) -> Option<(&'static Route, String)> {
    let id = visible_text(&pivot.id);
    let (key, label) = match pivot.entity {
        Entity::Machine => ("machines.get", format!("Machine {id}")),
        Entity::File => ("files.get", format!("File {id}")),
        Entity::Ip => ("ips.alerts", format!("Alerts of IP {id}")),
        Entity::Domain => ("domains.alerts", format!("Alerts of domain {id}")),
        Entity::User => ("users.alerts", format!("Alerts of user {id}")),
        _ => return None,
    };
    Some((Api::Defender.route(key)?, label))
}

/// The query a pivot runs: the Defender route with the pivot's id as its one parameter.
pub(crate) fn pivot_query(pivot: &Pivot) -> Option<(Query, String)> {
    let (route, label) = pivot_route(pivot)?;
    let mut query = Query::new(DEFENDER, route);
    let param = route.params.first()?;
    query.set_param(param.name, &pivot.id);
    Some((query, label))
}

/// The Graph incident query: `incidents.get` for `id`, with its alerts when `with_alerts`.
pub(crate) fn incident_query(id: &str, with_alerts: bool) -> Option<Query> {
    let route = Api::Graph.route("incidents.get")?;
    let mut query = Query::new(Profile::Graph, route);
    query.set_param(route.params.first()?.name, id);
    if with_alerts {
        query.set_option(QueryOption::Expand, "alerts");
    }
    Some(query)
}

/// A web address that may be a link: plainly https, no spaces or control characters. Anything else
/// (`javascript:`, `data:`, `http:`) is shown as text.
pub(crate) fn https_link(url: &str) -> bool {
    url.starts_with("https://") && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The heading of an evidence's section: its type as an analyst says it; an unknown type's own
/// `@odata.type` text (less Graph's namespace), or "Evidence" when it has none.
pub(crate) fn evidence_heading(evidence: &Evidence) -> String {
    match evidence {
        Evidence::AnalyzedMessage(_) => "E-mail message".to_string(),
        Evidence::Unknown { odata_type, .. } => match odata_type.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => {
                let short = t.strip_prefix("#microsoft.graph.security.").unwrap_or(t);
                visible_text(short)
            }
            _ => "Evidence".to_string(),
        },
        other => other.kind().label().to_string(),
    }
}

/// A heading of `level` (h1 to h6; deeper levels are an ARIA heading, as HTML has no h7).
fn heading(level: u8, id: Option<String>, label: String) -> AnyView {
    match level {
        0..=3 => view! { <h3 id=id>{label}</h3> }.into_any(),
        4 => view! { <h4 id=id>{label}</h4> }.into_any(),
        5 => view! { <h5 id=id>{label}</h5> }.into_any(),
        6 => view! { <h6 id=id>{label}</h6> }.into_any(),
        // Below h6, a heading role with its level (`aria-level` is not one of the view macro's names).
        deeper => view! { <div class="heading" role="heading" id=id>{label}</div> }
            .add_any_attr(leptos::attr::custom::custom_attribute(
                "aria-level",
                deeper.to_string(),
            ))
            .into_any(),
    }
}

/// Optional API text, hidden characters shown.
fn shown(value: Option<&str>) -> AnyView {
    text(value.filter(|v| !v.is_empty()).map(visible_text))
}

/// A list of API texts joined, or a dash.
fn joined(values: Option<&Vec<String>>) -> AnyView {
    let values: Vec<String> = values
        .into_iter()
        .flatten()
        .filter(|v| !v.is_empty())
        .map(|v| visible_text(v))
        .collect();
    text((!values.is_empty()).then(|| values.join(", ")))
}

/// An external web address: a link when it is plainly https, else text.
fn web_link(url: Option<&str>, label: &'static str) -> AnyView {
    match url.filter(|u| !u.is_empty()) {
        Some(url) if https_link(url) => {
            let url = url.to_string();
            view! { <a href=url rel="noopener noreferrer" target="_blank">{label}</a> }.into_any()
        }
        other => shown(other),
    }
}

/// A link that runs `query` inside the app.
fn app_link(query: &Query, label: String) -> AnyView {
    let explorer = use_explorer();
    let href = app_href(query, explorer.dataset.get_untracked());
    view! { <span class="pivot"><AppLink href>{label}</AppLink></span> }.into_any()
}

/// Severity, status and classification badges of an alert or incident.
fn badges(
    severity: Option<String>,
    status: Option<String>,
    classification: Option<String>,
) -> AnyView {
    view! {
        {severity.map(|s| {
            let class = severity_class(&s);
            let s = visible_text(&s);
            view! { <span class=class aria-label=format!("Severity: {s}")>{s.clone()}</span> }
        })}
        {badge("badge status", "Status", status)}
        {badge("badge classification", "Classification", classification)}
    }
    .into_any()
}

/// The comments of an alert or incident, each with its author and time.
fn comments(level: u8, list: Option<&Vec<AlertComment>>) -> AnyView {
    let list: Vec<AlertComment> = list.cloned().unwrap_or_default();
    if list.is_empty() {
        return ().into_any();
    }
    let items = list
        .into_iter()
        .map(|c| {
            let author = c
                .author()
                .map(visible_text)
                .unwrap_or_else(|| "Someone".to_string());
            view! {
                <li>
                    <span class="comment-author">{author}</span> " · " <When at=c.time()/>
                    <LongText text=c.comment.clone()/>
                </li>
            }
        })
        .collect_view();
    view! {
        {heading(level, None, "Comments".to_string())}
        <ul class="comments">{items}</ul>
    }
    .into_any()
}

/// The card of a Graph alert (v2), at the top of a result list.
#[component]
pub(super) fn AlertV2Card(alert: AlertV2) -> impl IntoView {
    let title = alert_title(&alert);
    let badges = alert_badges(&alert);
    view! {
        <Card class="alert alert-v2" kind="Alert" heading=title badges>
            <AlertV2Body alert level=4/>
        </Card>
    }
}

fn alert_title(alert: &AlertV2) -> String {
    alert
        .title
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("Alert {}", alert.id))
}

fn alert_badges(alert: &AlertV2) -> AnyView {
    badges(
        alert.severity.as_ref().map(|s| s.text.clone()),
        alert.status.as_ref().map(|s| s.text.clone()),
        alert.classification.as_ref().map(|s| s.text.clone()),
    )
}

/// An alert nested in its incident's card: its own article, with headings one level below the incident's.
#[component]
fn NestedAlert(alert: AlertV2, level: u8) -> impl IntoView {
    let heading_id = unique_id("alert");
    let labelled_by = heading_id.clone();
    let title = visible_text(&alert_title(&alert));
    let badges = alert_badges(&alert);
    view! {
        <article class="card alert alert-v2 nested" aria-labelledby=labelled_by>
            <header>
                <span class="kind">"Alert"</span>
                {heading(level, Some(heading_id), title)}
                {badges}
            </header>
            <AlertV2Body alert level=level + 1/>
        </article>
    }
}

/// What an alert card shows below its heading; `level` is its sections' heading level.
#[component]
fn AlertV2Body(alert: AlertV2, level: u8) -> impl IntoView {
    let spelled = |s: Option<String>| text(s.map(|s| visible_text(&s)));
    let incident = alert
        .incident_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .and_then(|id| {
            Some((
                incident_query(id, false)?,
                format!("Incident {}", visible_text(id)),
            ))
        })
        .map(|(query, label)| app_link(&query, label))
        .unwrap_or_else(|| text(None::<String>));
    let evidence = alert.evidence.clone().unwrap_or_default();
    let count = evidence.len();
    view! {
        <dl>
            <Field label="Status">{spelled(alert.status.as_ref().map(|s| s.text.clone()))}</Field>
            <Field label="Classification">{spelled(alert.classification.as_ref().map(|s| s.text.clone()))}</Field>
            <Field label="Determination">{spelled(alert.determination.as_ref().map(|s| s.text.clone()))}</Field>
            <Field label="Service source">{spelled(alert.service_source.as_ref().map(|s| s.text.clone()))}</Field>
            <Field label="Detection source">{spelled(alert.detection_source.as_ref().map(|s| s.text.clone()))}</Field>
            <Field label="Category">{shown(alert.category.as_deref())}</Field>
            <Field label="MITRE techniques">{joined(alert.mitre_techniques.as_ref())}</Field>
            <Field label="Threat">{shown(alert.threat_display_name.as_deref())}</Field>
            <Field label="Assigned to">{shown(alert.assigned_to.as_deref())}</Field>
            <Field label="Incident">{incident}</Field>
            <Field label="Created"><When at=alert.created_date_time/></Field>
            <Field label="First activity"><When at=alert.first_activity_date_time/></Field>
            <Field label="Last activity"><When at=alert.last_activity_date_time/></Field>
            <Field label="Last update"><When at=alert.last_update_date_time/></Field>
            <Field label="Resolved"><When at=alert.resolved_date_time/></Field>
            <Field label="In the portal">{web_link(alert.alert_web_url.as_deref(), "Open the alert in Microsoft Defender")}</Field>
            <Field label="Id"><Id id=alert.id.clone()/></Field>
        </dl>
        {heading(level, None, "Description".to_string())}
        <LongText text=alert.description.clone()/>
        {alert.recommended_actions.clone().filter(|r| !r.is_empty()).map(|r| view! {
            {heading(level, None, "Recommended actions".to_string())}
            <LongText text=Some(r)/>
        })}
        {comments(level, alert.comments.as_ref())}
        {(count > 0).then(|| view! {
            <section class="evidence-list">
                {heading(level, None, format!("Evidence ({count})"))}
                {evidence.into_iter().map(|e| view! { <EvidenceSection evidence=e level=level + 1/> }).collect_view()}
            </section>
        })}
    }
}

/// One evidence: its own section named by its type, its identifying fields, verdict, remediation and
/// roles, and its Defender pivots.
#[component]
fn EvidenceSection(evidence: Evidence, level: u8) -> impl IntoView {
    let heading_id = unique_id("evidence");
    let labelled_by = heading_id.clone();
    let title = evidence_heading(&evidence);
    let pivots = evidence.pivots();
    let about = title.clone();
    view! {
        <section class="evidence" aria-labelledby=labelled_by>
            {heading(level, Some(heading_id), title)}
            <dl>
                {evidence_fields(evidence.clone())}
                {evidence.common().cloned().map(common_fields)}
            </dl>
            <EvidencePivots pivots about/>
        </section>
    }
}

/// The fields every evidence type has.
fn common_fields(common: EvidenceCommon) -> AnyView {
    view! {
        <Field label="Verdict">{shown(common.verdict.as_deref())}</Field>
        <Field label="Remediation">{shown(common.remediation_status.as_deref())}</Field>
        <Field label="Roles">{joined(common.roles.as_ref())}</Field>
        <Field label="Detailed roles">{joined(common.detailed_roles.as_ref())}</Field>
        <Field label="Tags">{joined(common.tags.as_ref())}</Field>
        <Field label="Created"><When at=common.created_date_time/></Field>
    }
    .into_any()
}

/// A file's name, path and hashes.
fn file_fields(prefix: &'static str, file: Option<FileDetails>) -> AnyView {
    let Some(file) = file else {
        return view! { <Field label=prefix>{text(None::<String>)}</Field> }.into_any();
    };
    let name = [file.file_path.as_deref(), file.file_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\\");
    view! {
        <Field label=prefix>{shown(Some(&name))}</Field>
        <Field label="SHA1">{shown(file.sha1.as_deref())}</Field>
        <Field label="SHA256">{shown(file.sha256.as_deref())}</Field>
    }
    .into_any()
}

/// A user account as `domain\name`, else its principal name.
fn account(user: Option<&UserAccount>) -> AnyView {
    let name = user.and_then(|u| {
        u.route_id()
            .or_else(|| u.display_name.clone())
            .or_else(|| u.azure_ad_user_id.clone())
    });
    text(name.map(|n| visible_text(&n)))
}

fn number(n: Option<i64>) -> AnyView {
    text(n)
}

fn time(at: Option<Timestamp>) -> AnyView {
    view! { <When at/> }.into_any()
}

/// The fields that identify an evidence of each type; an unknown type's fields as sent.
fn evidence_fields(evidence: Evidence) -> AnyView {
    match evidence {
        Evidence::Device(e) => {
            let e = *e;
            let logged_on: Vec<String> = e
                .logged_on_users
                .iter()
                .flatten()
                .filter_map(|u| {
                    let name = u.account_name.clone()?;
                    Some(match u.domain_name.as_deref() {
                        Some(d) if !d.is_empty() => format!("{d}\\{name}"),
                        _ => name,
                    })
                })
                .collect();
            view! {
                <Field label="DNS name">{shown(e.device_dns_name.as_deref())}</Field>
                <Field label="Defender device id">{shown(e.mde_device_id.as_deref())}</Field>
                <Field label="Entra device id">{shown(e.azure_ad_device_id.as_deref())}</Field>
                <Field label="OS">{shown(e.os_platform.as_deref())}</Field>
                <Field label="Health">{shown(e.health_status.as_deref())}</Field>
                <Field label="Risk">{shown(e.risk_score.as_deref())}</Field>
                <Field label="IP interfaces">{joined(e.ip_interfaces.as_ref())}</Field>
                <Field label="Logged-on users">{joined(Some(&logged_on))}</Field>
            }
            .into_any()
        }
        Evidence::File(e) => {
            let e = *e;
            view! {
                {file_fields("File", e.file_details)}
                <Field label="Defender device id">{shown(e.mde_device_id.as_deref())}</Field>
                <Field label="Detection status">{shown(e.detection_status.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::Process(e) => {
            let e = *e;
            view! {
                <Field label="Process id">{number(e.process_id)}</Field>
                <Field label="Command line">{shown(e.process_command_line.as_deref())}</Field>
                <Field label="Started">{time(e.process_creation_date_time)}</Field>
                {file_fields("Image file", e.image_file)}
                <Field label="Parent process id">{number(e.parent_process_id)}</Field>
                {file_fields("Parent image file", e.parent_process_image_file)}
                <Field label="User">{account(e.user_account.as_ref())}</Field>
                <Field label="Defender device id">{shown(e.mde_device_id.as_deref())}</Field>
                <Field label="Detection status">{shown(e.detection_status.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::Ip(e) => {
            let e = *e;
            view! {
                <Field label="Address">{shown(e.ip_address.as_deref())}</Field>
                <Field label="Country">{shown(e.country_letter_code.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::Url(e) => {
            let e = *e;
            view! {
                <Field label="URL">{shown(e.url.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::User(e) => {
            let u = e.user_account;
            let upn = u.as_ref().and_then(|u| u.user_principal_name.clone());
            let sid = u.as_ref().and_then(|u| u.user_sid.clone());
            let entra = u.as_ref().and_then(|u| u.azure_ad_user_id.clone());
            view! {
                <Field label="Account">{account(u.as_ref())}</Field>
                <Field label="Principal name">{shown(upn.as_deref())}</Field>
                <Field label="SID">{shown(sid.as_deref())}</Field>
                <Field label="Entra user id">{shown(entra.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::Mailbox(e) => {
            let e = *e;
            view! {
                <Field label="Address">{shown(e.primary_address.as_deref())}</Field>
                <Field label="Name">{shown(e.display_name.as_deref())}</Field>
                <Field label="Principal name">{shown(e.upn.as_deref())}</Field>
                <Field label="User">{account(e.user_account.as_ref())}</Field>
            }
            .into_any()
        }
        Evidence::AnalyzedMessage(e) => {
            let e = *e;
            view! {
            <Field label="Subject">{shown(e.subject.as_deref())}</Field>
            <Field label="Sender">{shown(e.p1_sender.as_ref().and_then(|s| s.email_address.as_deref()))}</Field>
            <Field label="Recipient">{shown(e.recipient_email_address.as_deref())}</Field>
            <Field label="Sender IP">{shown(e.sender_ip.as_deref())}</Field>
            <Field label="Network message id">{shown(e.network_message_id.as_deref())}</Field>
            <Field label="Delivery">{shown(e.delivery_action.as_deref())}</Field>
            <Field label="Threats">{joined(e.threats.as_ref())}</Field>
            <Field label="URLs">{joined(e.urls.as_ref())}</Field>
            <Field label="Received">{time(e.received_date_time)}</Field>
        }
        .into_any()
        }
        Evidence::CloudApplication(e) => {
            let e = *e;
            view! {
                <Field label="Name">{shown(e.display_name.as_deref())}</Field>
                <Field label="App id">{number(e.app_id)}</Field>
                <Field label="Instance">{shown(e.instance_name.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::OauthApplication(e) => {
            let e = *e;
            view! {
                <Field label="Name">{shown(e.display_name.as_deref())}</Field>
                <Field label="App id">{shown(e.app_id.as_deref())}</Field>
                <Field label="Publisher">{shown(e.publisher.as_deref())}</Field>
                <Field label="Object id">{shown(e.object_id.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::RegistryKey(e) => {
            let e = *e;
            view! {
                <Field label="Hive">{shown(e.registry_hive.as_deref())}</Field>
                <Field label="Key">{shown(e.registry_key.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::RegistryValue(e) => {
            let e = *e;
            view! {
                <Field label="Hive">{shown(e.registry_hive.as_deref())}</Field>
                <Field label="Key">{shown(e.registry_key.as_deref())}</Field>
                <Field label="Value name">{shown(e.registry_value_name.as_deref())}</Field>
                <Field label="Value">{shown(e.registry_value.as_deref())}</Field>
                <Field label="Value type">{shown(e.registry_value_type.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::SecurityGroup(e) => {
            let e = *e;
            view! {
                <Field label="Name">{shown(e.display_name.as_deref())}</Field>
                <Field label="Group id">{shown(e.security_group_id.as_deref())}</Field>
                <Field label="SID">{shown(e.sid.as_deref())}</Field>
            }
            .into_any()
        }
        Evidence::Unknown { fields, .. } => sent_fields(&fields),
    }
}

/// An evidence of a type not known here: its members as sent, each as text.
fn sent_fields(fields: &Extra) -> AnyView {
    fields
        .iter()
        .take(40)
        .map(|(name, value)| {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let value: String = visible_text(&value).chars().take(300).collect();
            view! { <div class="field"><dt>{visible_text(name)}</dt><dd>{value}</dd></div> }
        })
        .collect_view()
        .into_any()
}

/// An evidence's Defender pivots, as links to the Defender for Endpoint routes.
#[component]
fn EvidencePivots(pivots: Vec<Pivot>, about: String) -> impl IntoView {
    let links: Vec<AnyView> = pivots
        .iter()
        .filter_map(pivot_query)
        .map(|(query, label)| view! { <li>{app_link(&query, label)}</li> }.into_any())
        .collect();
    if links.is_empty() {
        return ().into_any();
    }
    view! {
        <nav class="pivots" aria-label=format!("Defender pivots from {about}")>
            <ul>{links}</ul>
        </nav>
    }
    .into_any()
}

/// The card of a Graph incident: its alerts nested when the answer has them, else a link that asks for them.
#[component]
pub(super) fn IncidentCard(incident: Incident) -> impl IntoView {
    let title = incident
        .display_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("Incident {}", incident.id));
    let badges = badges(
        incident.severity.as_ref().map(|s| s.text.clone()),
        incident.status.as_ref().map(|s| s.text.clone()),
        incident.classification.as_ref().map(|s| s.text.clone()),
    );
    let spelled = |s: Option<String>| text(s.map(|s| visible_text(&s)));
    let tags: Vec<String> = incident
        .analyst_tags()
        .into_iter()
        .map(str::to_string)
        .collect();
    let alerts = incident.alerts.clone();
    let alerts_view = match alerts {
        Some(alerts) if !alerts.is_empty() => {
            let count = alerts.len();
            view! {
                <section class="incident-alerts">
                    <h4>{format!("Alerts ({count})")}</h4>
                    {alerts.into_iter().map(|alert| view! { <NestedAlert alert level=5/> }).collect_view()}
                </section>
            }
            .into_any()
        }
        // Listed without `$expand=alerts` (or an incident with none): one click asks for them.
        _ => incident_query(&incident.id, true)
            .filter(|_| !incident.id.is_empty())
            .map(|query| {
                view! {
                    <nav class="pivots" aria-label=format!("Pivots from {}", visible_text(&title))>
                        <ul><li>{app_link(&query, "Alerts of this incident".to_string())}</li></ul>
                    </nav>
                }
                .into_any()
            })
            .unwrap_or_else(|| ().into_any()),
    };
    view! {
        <Card class="incident" kind="Incident" heading=title.clone() badges>
            <dl>
                <Field label="Status">{spelled(incident.status.as_ref().map(|s| s.text.clone()))}</Field>
                <Field label="Classification">{spelled(incident.classification.as_ref().map(|s| s.text.clone()))}</Field>
                <Field label="Determination">{spelled(incident.determination.as_ref().map(|s| s.text.clone()))}</Field>
                <Field label="Assigned to">{shown(incident.assigned_to.as_deref())}</Field>
                <Field label="Tags">{joined(Some(&tags))}</Field>
                <Field label="System tags">{joined(incident.system_tags.as_ref())}</Field>
                <Field label="Created"><When at=incident.created_date_time/></Field>
                <Field label="Last update"><When at=incident.last_update_date_time/></Field>
                <Field label="Merged into">{shown(incident.redirect_incident_id.as_deref())}</Field>
                <Field label="In the portal">{web_link(incident.incident_web_url.as_deref(), "Open the incident in Microsoft Defender")}</Field>
                <Field label="Id"><Id id=incident.id.clone()/></Field>
            </dl>
            {incident.description.clone().filter(|d| !d.is_empty()).map(|d| view! {
                <h4>"Description"</h4>
                <LongText text=Some(d)/>
            })}
            {comments(4, incident.comments.as_ref())}
            {alerts_view}
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atp_core::model::security::EvidenceKind;
    use serde_json::json;

    fn evidence(value: Value) -> Evidence {
        match serde_json::from_value(value) {
            Ok(e) => e,
            Err(e) => panic!("evidence does not read: {e}"),
        }
    }

    fn links(e: &Evidence) -> Vec<(String, String)> {
        e.pivots()
            .iter()
            .filter_map(pivot_query)
            .map(|(q, label)| (q.path(), label))
            .collect()
    }

    const SHA1: &str = "5f1a4c3e0d2b9a8877665544332211ffeeddccbb";
    const DEVICE: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn each_evidence_pivots_to_the_defender_route_that_exists() {
        let device = evidence(
            json!({"@odata.type": "#microsoft.graph.security.deviceEvidence", "mdeDeviceId": DEVICE}),
        );
        assert_eq!(
            links(&device),
            [(format!("/machines/{DEVICE}"), format!("Machine {DEVICE}"))]
        );
        let file = evidence(
            json!({"@odata.type": "#microsoft.graph.security.fileEvidence", "fileDetails": {"sha1": SHA1}}),
        );
        assert_eq!(
            links(&file),
            [(format!("/files/{SHA1}"), format!("File {SHA1}"))]
        );
        let ip = evidence(
            json!({"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": "10.1.2.3"}),
        );
        assert_eq!(
            links(&ip),
            [(
                "/ips/10.1.2.3/alerts".to_string(),
                "Alerts of IP 10.1.2.3".to_string()
            )]
        );
        let url = evidence(
            json!({"@odata.type": "#microsoft.graph.security.urlEvidence", "url": "https://Evil.Example/x"}),
        );
        assert_eq!(links(&url)[0].0, "/domains/evil.example/alerts");
        let user = evidence(
            json!({"@odata.type": "#microsoft.graph.security.userEvidence",
            "userAccount": {"accountName": "alice", "domainName": "contoso"}}),
        );
        assert_eq!(links(&user)[0].0, "/users/contoso%5Calice/alerts");
        let process = evidence(
            json!({"@odata.type": "#microsoft.graph.security.processEvidence",
            "imageFile": {"sha1": SHA1}, "mdeDeviceId": DEVICE, "userAccount": {"accountName": "bob"}}),
        );
        let paths: Vec<String> = links(&process).into_iter().map(|l| l.0).collect();
        assert_eq!(
            paths,
            [
                format!("/files/{SHA1}"),
                "/users/bob/alerts".to_string(),
                format!("/machines/{DEVICE}")
            ]
        );
        let group = evidence(
            json!({"@odata.type": "#microsoft.graph.security.securityGroupEvidence", "displayName": "Admins"}),
        );
        assert!(links(&group).is_empty());
    }

    #[test]
    fn pivots_use_the_defender_profile() {
        let pivot = Pivot {
            entity: Entity::Machine,
            id: DEVICE.to_string(),
        };
        let Some((query, _)) = pivot_query(&pivot) else {
            panic!("no machine route")
        };
        assert_eq!(query.profile, DEFENDER);
        assert!(pivot_query(&Pivot {
            entity: Entity::Actor,
            id: "x".into()
        })
        .is_none());
    }

    #[test]
    fn incident_pivot_asks_for_its_alerts() {
        let Some(query) = incident_query("42", true) else {
            panic!("no incidents.get")
        };
        assert_eq!(query.path(), "/security/incidents/42?$expand=alerts");
        let Some(query) = incident_query("42", false) else {
            panic!("no incidents.get")
        };
        assert_eq!(query.path(), "/security/incidents/42");
    }

    #[test]
    fn every_evidence_type_has_its_heading() {
        let expected = [
            "Device",
            "File",
            "Process",
            "IP address",
            "URL",
            "User",
            "Mailbox",
            "E-mail message",
            "Cloud application",
            "OAuth application",
            "Registry key",
            "Registry value",
            "Security group",
        ];
        for (kind, label) in EvidenceKind::KNOWN.into_iter().zip(expected) {
            let e = evidence(json!({"@odata.type": kind.odata_type()}));
            assert_eq!(e.kind(), kind);
            assert_eq!(evidence_heading(&e), label);
        }
        let unknown = evidence(
            json!({"@odata.type": "#microsoft.graph.security.kubernetesPodEvidence", "name": "p"}),
        );
        assert_eq!(evidence_heading(&unknown), "kubernetesPodEvidence");
        let untyped = evidence(json!({"name": "p"}));
        assert_eq!(evidence_heading(&untyped), "Evidence");
    }

    #[test]
    fn only_https_addresses_are_links() {
        assert!(https_link("https://security.microsoft.com/alerts/da1"));
        assert!(!https_link("http://security.microsoft.com/"));
        assert!(!https_link("javascript:alert(1)"));
        assert!(!https_link("https://a b"));
    }

    /// Microsoft's documented examples: every evidence gets a heading, and every pivot the model names
    /// has a Defender route to open.
    #[test]
    fn every_sample_evidence_is_headed_and_every_pivot_opens() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("core/tests/reference/samples/graph");
        let mut evidence_seen = 0;
        for name in [
            "get-alert.1.response.json",
            "list-alerts_v2.1.response.json",
            "get-incident.1.response.json",
            "get-incident.2.response.json",
            "list-incidents.1.response.json",
            "list-incidents.2.response.json",
            "list-incidents-expand-alerts.1.response.json",
            "list-incidents-expand-alerts.2.response.json",
        ] {
            let text =
                std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let items = match body.get("value") {
                Some(Value::Array(items)) => items.clone(),
                _ => vec![body],
            };
            for item in items {
                let alerts: Vec<AlertV2> = if name.contains("incident") {
                    let incident: Incident =
                        serde_json::from_value(item).unwrap_or_else(|e| panic!("{name}: {e}"));
                    assert!(incident_query(&incident.id, true).is_some());
                    incident.alerts.unwrap_or_default()
                } else {
                    vec![serde_json::from_value(item).unwrap_or_else(|e| panic!("{name}: {e}"))]
                };
                for alert in alerts {
                    for e in alert.evidence.iter().flatten() {
                        evidence_seen += 1;
                        assert!(!evidence_heading(e).is_empty(), "{name}");
                        for pivot in e.pivots() {
                            assert!(
                                pivot_query(&pivot).is_some(),
                                "{name}: {pivot:?} has no route"
                            );
                        }
                    }
                }
            }
        }
        assert!(evidence_seen > 0, "the samples carry evidence");
    }
}
