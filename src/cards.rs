//! Entity cards: one per entity type, each an `<article>` named by its heading, every related id a pivot
//! link (a real `<a href>` to the deep link of that query). Everything from the API is rendered as text.

use std::sync::atomic::{AtomicU64, Ordering};

use atp_core::body::RawItem;
use atp_core::catalogue::{get_route, relations, Returns, Route};
use atp_core::link::app_href;
use atp_core::model::{Actor, Alert, Domain, File, Ip, Machine, Prevalence, Stats, User};
use atp_core::{Entity, Profile, Query};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::explorer::{use_explorer, AppLink};
mod add_to_graph;
mod defender;
mod security;

use crate::notes::{NoteEditor, NoteSource};
use crate::time::When;
pub use add_to_graph::{AddToGraph, CardSource};
pub(crate) use security::pivot_query;

/// What kind of card a result item gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardKind {
    Entity(Entity),
    /// Prevalence of the route's domain, IP or file.
    Stats,
    /// One value (a download link).
    Value,
}

impl CardKind {
    pub fn of(route: &Route) -> CardKind {
        match route.returns {
            Returns::One(e) | Returns::Many(e) => CardKind::Entity(e),
            Returns::Stats => CardKind::Stats,
            Returns::Value => CardKind::Value,
        }
    }
}

/// A card's place in a list of results: `index` (from 0) of `of` (-1 while unknown; it changes as pages
/// come).
#[derive(Clone, Copy)]
pub struct CardPosition {
    pub index: usize,
    pub of: Signal<i64>,
}

/// A unique element id, for headings that name their card.
fn unique_id(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The card for one result item; an item the typed model cannot read still shows, as a generic card.
#[component]
pub fn EntityCard(
    /// The card type the route promises.
    kind: CardKind,
    /// The item as the API sent it (decoded here, when the card is built).
    item: RawItem,
    /// The profile whose routes the pivots use.
    profile: Profile,
    /// The card shows in the graph's side panel: no "Add to graph" button.
    #[prop(optional)]
    in_graph: bool,
    /// Where the card sits in a list (for screen readers, which see only the cards built).
    #[prop(optional)]
    position: Option<CardPosition>,
) -> impl IntoView {
    // The card's own owner carries what it is about to its "Add to graph" button (see `Card`).
    let owner = Owner::current().map_or_else(Owner::new, |o| o.child());
    on_cleanup({
        let owner = owner.clone();
        move || drop(owner)
    });
    owner.with(|| {
        if let Some(position) = position {
            provide_context(position);
        }
        if let CardKind::Entity(entity) = kind {
            // Every entity card carries the analyst's note, in the list and in the graph's side panel.
            provide_context(NoteSource::new(entity, item.clone()));
            if !in_graph {
                provide_context(CardSource {
                    entity,
                    item: item.clone(),
                    profile,
                });
            }
        }
        entity_card(kind, &item, profile)
    })
}

fn entity_card(kind: CardKind, value: &RawItem, profile: Profile) -> AnyView {
    fn typed<T: DeserializeOwned>(item: &RawItem) -> Option<T> {
        item.decode().ok()
    }
    let card = match kind {
        // Graph's alerts v2 and incidents (only the Graph profile has incidents).
        CardKind::Entity(Entity::Alert) if profile == Profile::Graph => {
            typed(value).map(|alert| view! { <security::AlertV2Card alert/> }.into_any())
        }
        CardKind::Entity(Entity::Incident) if profile.api() != atp_core::Api::Defender => {
            typed(value).map(|incident| view! { <security::IncidentCard incident/> }.into_any())
        }
        CardKind::Entity(Entity::Alert) => {
            typed::<Alert>(value).map(|a| view! { <AlertCard alert=a profile/> }.into_any())
        }
        CardKind::Entity(Entity::Machine) => {
            typed::<Machine>(value).map(|m| view! { <MachineCard machine=m profile/> }.into_any())
        }
        CardKind::Entity(Entity::User) => {
            typed::<User>(value).map(|u| view! { <UserCard user=u profile/> }.into_any())
        }
        CardKind::Entity(Entity::Domain) => {
            typed::<Domain>(value).map(|d| view! { <DomainCard domain=d profile/> }.into_any())
        }
        CardKind::Entity(Entity::Ip) => {
            typed::<Ip>(value).map(|i| view! { <IpCard ip=i profile/> }.into_any())
        }
        CardKind::Entity(Entity::File) => {
            typed::<File>(value).map(|f| view! { <FileCard file=f profile/> }.into_any())
        }
        CardKind::Entity(Entity::Actor) => {
            typed::<Actor>(value).map(|a| view! { <ActorCard actor=a profile/> }.into_any())
        }
        CardKind::Stats => typed::<Stats>(value).map(|s| view! { <StatsCard stats=s/> }.into_any()),
        CardKind::Entity(entity) => defender::card(entity, value, profile),
        CardKind::Value => None,
    };
    card.unwrap_or_else(|| match value.value() {
        Ok(value) => view! { <GenericCard value/> }.into_any(),
        Err(reason) => {
            view! { <UnreadableCard reason=reason.message text=value.text().to_string()/> }
                .into_any()
        }
    })
}

/// The frame every card shares: an article named by its heading, badges, fields, pivots.
#[component]
fn Card(
    /// The card's CSS modifier (the entity type; never API data).
    class: &'static str,
    /// What the card's heading names.
    heading: String,
    /// The entity type in words, shown above the heading.
    kind: &'static str,
    /// Badges beside the heading.
    #[prop(optional)]
    badges: Option<AnyView>,
    children: Children,
) -> impl IntoView {
    let heading_id = unique_id("card");
    let labelled_by = heading_id.clone();
    let note_id = format!("{heading_id}-note");
    let position = use_context::<CardPosition>();
    // Without the notes in context (a component mounted alone, in a test), no editor.
    let note = use_context::<NoteSource>()
        .filter(|_| use_context::<crate::notes::NotesLog>().is_some())
        .map(|source| view! { <NoteEditor source name=visible_text(&heading) id=note_id/> });
    view! {
        <article
            class=format!("card {class}")
            aria-labelledby=labelled_by
            aria-posinset=position.map(|p| (p.index + 1).to_string())
            aria-setsize=position.map(|p| move || p.of.get().to_string())
        >
            <header>
                <span class="kind">{kind}</span>
                <h3 id=heading_id>{visible_text(&heading)}</h3>
                {badges}
                {use_context::<CardSource>().map(|s| view! { <AddToGraph entity=s.entity item=s.item profile=s.profile/> })}
            </header>
            {children()}
            {note}
        </article>
    }
}

/// A labelled field; absent values show a dash.
#[component]
fn Field(
    /// The field's name.
    label: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field">
            <dt>{label}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

fn text(value: Option<impl ToString>) -> AnyView {
    match value {
        Some(v) => view! { <span>{v.to_string()}</span> }.into_any(),
        None => view! { <span class="none">"—"</span> }.into_any(),
    }
}

fn prevalence(p: Option<Prevalence>) -> AnyView {
    text(p.map(|p| p.value))
}

/// An id as text that shows hidden characters, so it cannot pass for another.
#[component]
fn Id(
    /// The id as the API sent it.
    id: String,
) -> impl IntoView {
    view! { <code class="id">{visible_text(&id)}</code> }
}

/// A link that runs `route` for `id`: a real `<a href>`, so it opens in a new tab too.
#[component]
pub fn Pivot(
    /// Whose routes.
    profile: Profile,
    /// The route to run.
    route: &'static Route,
    /// The value of the route's one parameter.
    id: String,
    /// What the link says.
    label: String,
) -> impl IntoView {
    let explorer = use_explorer();
    let mut query = Query::new(profile, route);
    if let Some(param) = route.params.first() {
        query.set_param(param.name, &id);
    }
    let href = app_href(&query, explorer.dataset.get_untracked());
    view! { <span class="pivot"><AppLink href>{label}</AppLink></span> }
}

/// The route that shows one entity by id in `profile`: its Get, else its first relation (today's API has
/// no Get for users, domains and IPs).
fn entity_route(profile: Profile, entity: Entity) -> Option<&'static Route> {
    let api = profile.api();
    get_route(api, entity).or_else(|| relations(api, entity).next())
}

/// An id that links to its entity, or plain text where the profile has no route for it.
fn entity_link(
    profile: Profile,
    entity: Entity,
    id: Option<String>,
    label: Option<String>,
) -> AnyView {
    match (id, entity_route(profile, entity)) {
        (Some(id), Some(route)) if !id.is_empty() => {
            let label = visible_text(&label.unwrap_or_else(|| id.clone()));
            view! { <Pivot profile route id label/> }.into_any()
        }
        (id, _) => text(id.map(|i| visible_text(&i))),
    }
}

/// The pivots of one entity: every catalogue relation that takes its id.
#[component]
fn Pivots(
    /// Whose routes.
    profile: Profile,
    /// The entity type.
    entity: Entity,
    /// The entity's id as its routes take it.
    id: Option<String>,
    /// What the card is about, for the navigation's name.
    about: String,
) -> impl IntoView {
    let Some(id) = id.filter(|i| !i.is_empty()) else {
        return ().into_any();
    };
    let links = relations(profile.api(), entity)
        .map(|route| {
            let label = route.relation_label().to_string();
            view! { <li><Pivot profile route id=id.clone() label/></li> }
        })
        .collect_view();
    view! {
        <nav class="pivots" aria-label=format!("Pivots from {}", visible_text(&about))>
            <ul>{links}<HuntLinks profile entity id/></ul>
        </nav>
    }
    .into_any()
}

/// Prepared advanced hunting queries about one entity ("Hunt from here"), as links that open the
/// Hunting view with the query written.
#[component]
pub fn HuntLinks(
    /// The page's profile (the hunt goes to its hunting route).
    profile: Profile,
    entity: Entity,
    /// The entity's id as its routes take it.
    id: String,
) -> impl IntoView {
    let explorer = use_explorer();
    let pivot = atp_core::model::security::Pivot { entity, id };
    let dataset = explorer.dataset.get_untracked();
    atp_core::pivot::hunts(&pivot)
        .into_iter()
        .map(|hunt| {
            let link = atp_core::link::HuntLink {
                query: hunt.query,
                timespan: String::new(),
                api: atp_core::catalogue::HuntingApi::default_for(profile),
                profile,
            };
            let href = atp_core::link::hunt_href(&link, dataset);
            view! { <li class="hunt-link"><AppLink href>{format!("Hunt: {}", hunt.label)}</AppLink></li> }
        })
        .collect_view()
}

/// Long text shows its start; the rest is one click away.
#[component]
fn LongText(
    /// The text.
    text: Option<String>,
) -> impl IntoView {
    const SHORT: usize = 240;
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return view! { <span class="none">"—"</span> }.into_any();
    };
    if text.chars().count() <= SHORT {
        return view! { <p class="long-text">{text}</p> }.into_any();
    }
    let open = RwSignal::new(false);
    let short: String = text.chars().take(SHORT).collect::<String>() + "…";
    view! {
        <p class="long-text">{move || if open.get() { text.clone() } else { short.clone() }}</p>
        <button type="button" class="link" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
            {move || if open.get() { "Show less" } else { "Show all" }}
        </button>
    }
    .into_any()
}

fn severity_class(severity: &str) -> &'static str {
    match severity.to_ascii_lowercase().as_str() {
        "high" => "badge severity-high",
        "medium" => "badge severity-medium",
        "low" => "badge severity-low",
        "informational" => "badge severity-informational",
        _ => "badge",
    }
}

fn badge(class: &'static str, label: &'static str, value: Option<String>) -> Option<AnyView> {
    value.map(|v| {
        let v = visible_text(&v);
        view! { <span class=class aria-label=format!("{label}: {v}")>{v.clone()}</span> }.into_any()
    })
}

#[component]
fn AlertCard(alert: Alert, profile: Profile) -> impl IntoView {
    let heading = alert
        .title
        .clone()
        .unwrap_or_else(|| format!("Alert {}", alert.id));
    let badges = view! {
        {alert.severity.clone().map(|s| {
            let class = severity_class(&s);
            let s = visible_text(&s);
            view! { <span class=class aria-label=format!("Severity: {s}")>{s.clone()}</span> }
        })}
        {badge("badge status", "Status", alert.status.clone())}
    }
    .into_any();
    let machine_id = alert.machine_ref().map(str::to_string);
    let machine_name = alert
        .machine
        .as_ref()
        .and_then(|m| m.computer_dns_name.clone())
        .or_else(|| alert.computer_dns_name.clone())
        .filter(|n| !n.is_empty());
    let user = alert.related_user.as_ref().and_then(|u| {
        let name = u.user_name.clone()?;
        Some(match u.domain_name.as_deref() {
            Some(d) if !d.is_empty() => format!("{d}\\{name}"),
            _ => name,
        })
    });
    let user_link = user.map(|u| entity_link(profile, Entity::User, Some(u), None));
    let pivot_id = Some(alert.id.clone());
    view! {
        <Card class="alert" kind="Alert" heading=heading.clone() badges>
            <dl>
                <Field label="Category">{text(alert.category.clone())}</Field>
                <Field label="Machine">{entity_link(profile, Entity::Machine, machine_id, machine_name)}</Field>
                <Field label="User">{user_link.unwrap_or_else(|| text(None::<String>))}</Field>
                <Field label="Detection source">{text(alert.detection_source.clone())}</Field>
                <Field label="Threat family">{text(alert.threat_family_name.clone())}</Field>
                <Field label="Assigned to">{text(alert.assigned_to.clone())}</Field>
                <Field label="First event"><When at=alert.first_event_time/></Field>
                <Field label="Last event"><When at=alert.last_event_time/></Field>
                <Field label="Created"><When at=alert.alert_creation_time/></Field>
                <Field label="Id"><Id id=alert.id.clone()/></Field>
            </dl>
            <h4>"Description"</h4>
            <LongText text=alert.description.clone()/>
            <h4>"Recommended action"</h4>
            <LongText text=alert.recommended_action.clone()/>
            <Pivots profile entity=Entity::Alert id=pivot_id about=heading/>
        </Card>
    }
}

#[component]
fn MachineCard(machine: Machine, profile: Profile) -> impl IntoView {
    let heading = machine
        .computer_dns_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("Machine {}", machine.id));
    let health = badge("badge health", "Health", machine.health_status.clone());
    // Isolated or not, from the response actions this tab has seen (the API's machine does not say).
    let isolation = use_context::<crate::explorer::Explorer>().map(|explorer| {
        let id = machine.id.clone();
        Memo::new(move |_| {
            explorer
                .seen_actions
                .with(|seen| atp_core::model::defender::isolation(&id, seen).map(|i| i.label()))
        })
    });
    let badges = view! {
        {health}
        {move || isolation.and_then(|i| i.get()).map(|label| view! {
            <span class="badge isolation" aria-label=format!("Isolation: {label}")>{label.clone()}</span>
        })}
    }
    .into_any();
    let os = [
        machine.os_platform.clone(),
        machine.os_version.clone(),
        machine.os_build.map(|b| format!("build {b}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let logon_users = machine.logon_users.clone().unwrap_or_default();
    let pivot_id = Some(machine.id.clone());
    view! {
        <Card class="machine" kind="Machine" heading=heading.clone() badges=badges>
            <dl>
                <Field label="OS">{text((!os.is_empty()).then_some(os))}</Field>
                <Field label="Last IP">{entity_link(profile, Entity::Ip, machine.last_ip_address.clone(), None)}</Field>
                <Field label="Last external IP">{text(machine.last_external_ip_address.clone())}</Field>
                <Field label="Risk">{text(machine.risk_score.clone())}</Field>
                <Field label="Exposure">{text(machine.exposure_level.clone())}</Field>
                <Field label="First seen"><When at=machine.first_seen/></Field>
                <Field label="Last seen"><When at=machine.last_seen/></Field>
                <Field label="Tags">{text(machine.machine_tags.clone().filter(|t| !t.is_empty()).map(|t| t.join(", ")))}</Field>
                <Field label="Id"><Id id=machine.id.clone()/></Field>
            </dl>
            {(!logon_users.is_empty()).then(|| view! {
                <h4>"Logon users"</h4>
                <ul class="inline-list">
                    {logon_users.into_iter().map(|u| {
                        let key = user_key(&u);
                        view! { <li>{entity_link(profile, Entity::User, Some(key), None)}</li> }
                    }).collect_view()}
                </ul>
            })}
            <Pivots profile entity=Entity::Machine id=pivot_id about=heading/>
        </Card>
    }
}

/// How the API keys a user: `domain\name`, or the bare name.
fn user_key(user: &User) -> String {
    let name = user
        .account_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| user.id.clone());
    match user
        .account_domain
        .as_deref()
        .or(user.account_domain_name.as_deref())
    {
        Some(d) if !d.is_empty() && !name.contains('\\') => format!("{d}\\{name}"),
        _ => name,
    }
}

#[component]
fn UserCard(user: User, profile: Profile) -> impl IntoView {
    let key = user_key(&user);
    let heading = if key.is_empty() {
        "User (no name)".to_string()
    } else {
        visible_text(&key)
    };
    let id = (!user.id.is_empty())
        .then(|| user.id.clone())
        .or_else(|| (!key.is_empty()).then(|| key.clone()));
    let shown_id = id.as_deref().map(visible_text);
    view! {
        <Card class="user" kind="User" heading=heading.clone()>
            <dl>
                <Field label="Logon types">{text(user.logon_types.clone())}</Field>
                <Field label="Domain admin">{text(user.is_domain_admin.map(yes_no))}</Field>
                <Field label="Network only">{text(user.is_only_network_user.map(yes_no))}</Field>
                <Field label="First seen"><When at=user.first_seen/></Field>
                <Field label="Last seen"><When at=user.last_seen/></Field>
                <Field label="Most used machine">{entity_link(profile, Entity::Machine, user.most_prevalent_machine_id.clone(), None)}</Field>
                <Field label="Id">{text(shown_id)}</Field>
            </dl>
            <Pivots profile entity=Entity::User id about=heading/>
        </Card>
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

#[component]
fn DomainCard(domain: Domain, profile: Profile) -> impl IntoView {
    let heading = visible_text(&domain.host);
    view! {
        <Card class="domain" kind="Domain" heading=heading.clone()>
            <Pivots profile entity=Entity::Domain id=Some(domain.host.clone()) about=heading/>
        </Card>
    }
}

#[component]
fn IpCard(ip: Ip, profile: Profile) -> impl IntoView {
    let heading = visible_text(&ip.id);
    view! {
        <Card class="ip" kind="IP" heading=heading.clone()>
            <Pivots profile entity=Entity::Ip id=Some(ip.id.clone()) about=heading/>
        </Card>
    }
}

#[component]
fn FileCard(file: File, profile: Profile) -> impl IntoView {
    let id = file.id().map(str::to_string);
    let heading = file
        .extra
        .get("fileName")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| id.clone())
        .unwrap_or_else(|| "File (no hash)".to_string());
    let badges = badge(
        "badge threat",
        "Threat",
        file.windows_defender_av_threat_name.clone(),
    );
    view! {
        <Card class="file" kind="File" heading=visible_text(&heading) badges=badges.unwrap_or_else(|| ().into_any())>
            <dl>
                <Field label="SHA1">{text(file.sha1.clone())}</Field>
                <Field label="SHA256">{text(file.sha256.clone())}</Field>
                <Field label="MD5">{text(file.md5.clone())}</Field>
                <Field label="Size">{text(file.size.map(|s| format!("{s} bytes")))}</Field>
                <Field label="Type">{text(file.file_type.clone())}</Field>
                <Field label="Publisher">{text(file.file_publisher.clone())}</Field>
                <Field label="Signer">{text(file.signer.clone())}</Field>
                <Field label="Global prevalence">{prevalence(file.global_prevalence)}</Field>
                <Field label="First observed"><When at=file.global_first_observed/></Field>
                <Field label="Last observed"><When at=file.global_last_observed/></Field>
            </dl>
            <Pivots profile entity=Entity::File id about=heading/>
        </Card>
    }
}

#[component]
fn ActorCard(actor: Actor, profile: Profile) -> impl IntoView {
    let heading = actor.name.clone().unwrap_or_else(|| actor.id.clone());
    // A report link is a link only when it is plainly https; anything else (javascript:, data:) is text.
    let report = actor.link_to_report.clone().map(|link| {
        if link.starts_with("https://") && !link.chars().any(|c| c.is_whitespace() || c.is_control()) {
            view! { <a href=link.clone() rel="noopener noreferrer" target="_blank">{link.clone()}</a> }.into_any()
        } else {
            view! { <span>{visible_text(&link)}</span> }.into_any()
        }
    });
    let pivot_id = Some(actor.id.clone());
    view! {
        <Card class="actor" kind="Actor" heading=heading.clone()>
            <dl>
                <Field label="Aliases">{text(actor.aliases.clone().map(|a| a.join(", ")))}</Field>
                <Field label="Targeted sectors">{text(actor.targeted_sectors.clone().map(|a| a.join(", ")))}</Field>
                <Field label="First seen"><When at=actor.first_seen/></Field>
                <Field label="Last seen"><When at=actor.last_seen/></Field>
                <Field label="Report">{report.unwrap_or_else(|| text(None::<String>))}</Field>
                <Field label="Id"><Id id=actor.id.clone()/></Field>
            </dl>
            <h4>"Description"</h4>
            <LongText text=actor.description.clone()/>
            <Pivots profile entity=Entity::Actor id=pivot_id about=heading/>
        </Card>
    }
}

#[component]
fn StatsCard(stats: Stats) -> impl IntoView {
    let subject = stats
        .host
        .clone()
        .or_else(|| stats.ip_address.clone())
        .or_else(|| stats.sha1.clone())
        .unwrap_or_else(|| "this entity".to_string());
    let heading = format!("Prevalence of {}", visible_text(&subject));
    let (organization, global) = (stats.organization(), stats.global());
    let top_names = stats
        .top_file_names
        .filter(|n| !n.is_empty())
        .map(|n| n.join(", "));
    view! {
        <Card class="stats" kind="Prevalence" heading>
            <dl>
                <Field label="Machines in the organization">{text(organization)}</Field>
                <Field label="First seen in the organization"><When at=stats.org_first_seen/></Field>
                <Field label="Last seen in the organization"><When at=stats.org_last_seen/></Field>
                <Field label="Global prevalence">{text(global)}</Field>
                <Field label="First observed globally"><When at=stats.global_first_observed/></Field>
                <Field label="Last observed globally"><When at=stats.global_last_observed/></Field>
                <Field label="Top file names">{text(top_names)}</Field>
            </dl>
        </Card>
    }
}

/// An item no typed model reads: its top-level fields, as text.
#[component]
fn GenericCard(value: Value) -> impl IntoView {
    let heading = value
        .get("id")
        .map(|id| match id {
            Value::String(s) => visible_text(s),
            other => other.to_string(),
        })
        .unwrap_or_else(|| "Entity".to_string());
    let fields = match &value {
        Value::Object(map) => map
            .iter()
            .take(40)
            .map(|(k, v)| {
                let shown = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let shown: String = shown.chars().take(300).collect();
                view! { <div class="field"><dt>{k.clone()}</dt><dd>{shown}</dd></div> }
            })
            .collect_view()
            .into_any(),
        other => view! { <div class="field"><dt>"value"</dt><dd>{other.to_string()}</dd></div> }
            .into_any(),
    };
    view! {
        <Card class="generic" kind="Entity" heading>
            <p class="hint">"This item does not match the documented model; its fields are shown as sent."</p>
            <dl>{fields}</dl>
        </Card>
    }
}

/// An item that is not JSON a browser would read the same way (a number beyond f64, nesting deeper
/// than 128 levels): why, and the start of its text.
#[component]
fn UnreadableCard(reason: String, text: String) -> impl IntoView {
    let shown: String = text.chars().take(2000).collect();
    view! {
        <Card class="generic" kind="Entity" heading="Unreadable entity".to_string()>
            <p class="problem">{format!("This item could not be read: {reason}. Its text is shown as sent; the JSON tab's Raw view has the whole body.")}</p>
            <pre class="raw">{visible_text(&shown)}</pre>
        </Card>
    }
}

/// API text with hidden characters shown (`\u{202E}`), so an id or name cannot pass for another.
fn visible_text(text: &str) -> String {
    atp_core::text::visible(text).into_owned()
}
