//! The query builder: form controls per entity and action, and the request URL, kept in step both ways.

use atp_core::catalogue::{routes_for, Api, Entity, Param, Profile, QueryOption, Region, Route};
use atp_core::{BodyField, BodyKind, Field, Query};
use leptos::prelude::*;

use crate::explorer::{use_explorer, Explorer};
use crate::snippets::{CodeSnippets, SnippetRequest};

/// Form controls and the editable `Request URL` for the explorer's query, and Run.
#[component]
pub fn QueryBuilder() -> impl IntoView {
    let explorer = use_explorer();
    let Explorer {
        query,
        url_text,
        url_error,
        ..
    } = explorer;

    // The controls rewrite the URL field; the URL field only rewrites the controls (never itself).
    let edit = move |change: &dyn Fn(&Query) -> Query| {
        explorer.show_query(query.with_untracked(change));
    };
    let on_url_input = move |text: String| {
        let current = query.with_untracked(|q| q.profile);
        // A URL of the configured API base (a relay) reads as the profile's own.
        let api_base = explorer
            .settings
            .with_untracked(|s| s.api_base.trim_end_matches('/').to_string());
        let readable = match text.get(..api_base.len()) {
            Some(head) if !api_base.is_empty() && head.eq_ignore_ascii_case(&api_base) => {
                format!("{}{}", current.base(), &text[api_base.len()..])
            }
            _ => text.clone(),
        };
        match Query::parse(&readable, current) {
            Ok(parsed) => {
                url_error.set(None);
                query.set(parsed);
            }
            Err(problem) => url_error.set(Some(problem.to_string())),
        }
        url_text.set(text);
    };

    let profile = Memo::new(move |_| query.with(|q| q.profile));
    let route = Memo::new(move |_| query.with(|q| q.route));
    let problems = Memo::new(move |_| query.with(Query::validate));
    let sends_write = move || {
        let r = route.get();
        r.writes() && r.runs()
    };

    let on_profile = move |value: String| {
        let next = match value.as_str() {
            "defender" => Profile::Defender(Region::Global),
            "graph" => Profile::Graph,
            _ => Profile::Wdatp,
        };
        if next.api() != profile.get_untracked().api() {
            edit(&|q: &Query| q.with_profile(next));
        }
    };
    let on_region = move |value: String| {
        if let Some(region) = Region::from_key(&value) {
            edit(&|q: &Query| q.with_profile(Profile::Defender(region)));
        }
    };
    let on_entity = move |value: String| {
        let api = profile.get_untracked().api();
        if let Some(first) = Entity::from_key(&value).and_then(|e| routes_for(api, e).next()) {
            edit(&|q: &Query| q.with_route(first));
        }
    };
    let on_action = move |value: String| {
        if let Some(next) = profile.get_untracked().api().route(&value) {
            edit(&|q: &Query| q.with_route(next));
        }
    };

    let entities = move || {
        let api = profile.get().api();
        Entity::ALL
            .into_iter()
            .filter(|e| routes_for(api, *e).next().is_some())
            .map(|e| view! { <option value=e.key() prop:selected=move || route.get().entity == e>{e.label()}</option> })
            .collect_view()
    };
    let actions = move || {
        let r = route.get();
        // A relation read from another entity's filtered list is a card's pivot, not an action here.
        routes_for(r.api, r.entity)
            .filter(|a| a.listed_by.is_none())
            .map(|a| view! { <option value=a.key prop:selected=move || route.get().key == a.key>{a.title()}</option> })
            .collect_view()
    };

    view! {
        <form
            class="query-builder"
            aria-labelledby="query-builder-title"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                explorer.run();
            }
        >
            <h2 id="query-builder-title">"Query"</h2>
            <div class="row">
                <div class="control">
                    <label for="profile">"Profile"</label>
                    <select id="profile" on:change=move |ev| on_profile(event_target_value(&ev))>
                        <option value="wdatp" prop:selected=move || profile.get().api() == Api::Wdatp>"WDATP"</option>
                        <option value="defender" prop:selected=move || profile.get().api() == Api::Defender>
                            "Defender for Endpoint"
                        </option>
                        <option value="graph" prop:selected=move || profile.get().api() == Api::Graph>
                            "Microsoft Graph security"
                        </option>
                    </select>
                </div>
                <Show when=move || matches!(profile.get(), Profile::Defender(_))>
                    <div class="control">
                        <label for="region">"Region"</label>
                        <select id="region" on:change=move |ev| on_region(event_target_value(&ev))>
                            {Region::ALL
                                .into_iter()
                                .map(|r| view! {
                                    <option value=r.key() prop:selected=move || profile.get() == Profile::Defender(r)>
                                        {r.label()}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                </Show>
                <div class="control">
                    <label for="entity">"Entity"</label>
                    <select id="entity" on:change=move |ev| on_entity(event_target_value(&ev))>
                        {entities}
                    </select>
                </div>
                <div class="control">
                    <label for="action">"Action"</label>
                    <select id="action" on:change=move |ev| on_action(event_target_value(&ev))>
                        {actions}
                    </select>
                </div>
            </div>
            <p class="route-description">
                {move || route.get().description}
                {move || route.get().source_note.map(|note| view! { <span class="source-note">" Erratum: " {note}</span> })}
            </p>
            <p class="route-permission">
                {move || {
                    let r = route.get();
                    let needed = r.permission();
                    // Signed in: whether the token holds it, as Graph Explorer's permissions pane says.
                    let profile = explorer.query.with(|q| q.profile);
                    let resource = explorer.settings.with(|s| atp_core::auth::token_resource(&s.auth.scopes, profile));
                    let held = match explorer.auth.granted(&resource) {
                        Some(granted) if atp_core::auth::covers(&granted, needed) => " — your token has it.".to_string(),
                        Some(_) => format!(" — your token does not have it: add {needed} (delegated) to the app registration, grant consent, and sign in again."),
                        None => String::new(),
                    };
                    format!("{} · least-privileged permission: {needed} (delegated){held}", r.method.name())
                }}
            </p>
            {move || {
                let r = route.get();
                let params = r.params.iter().map(|param| view! {
                    <ParamControl param=*param query problems edit=Callback::new(move |(name, value): (&'static str, String)| {
                        edit(&|q: &Query| { let mut q = q.clone(); q.set_param(name, &value); q })
                    })/>
                }).collect_view();
                let options = r.options.iter().map(|option| view! {
                    <OptionControl option=*option route=r query problems edit=Callback::new(move |(option, value): (QueryOption, String)| {
                        edit(&|q: &Query| { let mut q = q.clone(); q.set_option(option, &value); q })
                    })/>
                }).collect_view();
                let no_options = (r.options.is_empty() && !r.writes()).then(|| view! {
                    <p class="hint">"This route takes no query options."</p>
                });
                // A write's documented body, member by member.
                let body = (!r.body.is_empty()).then(|| {
                    let fields = r.body.iter().map(|field| view! {
                        <BodyControl field=*field query problems edit=Callback::new(move |(name, value): (&'static str, String)| {
                            edit(&|q: &Query| { let mut q = q.clone(); q.set_body_value(name, &value); q })
                        })/>
                    }).collect_view();
                    view! {
                        <fieldset class="row body">
                            <legend>"Request body (JSON)"</legend>
                            {fields}
                        </fieldset>
                    }
                });
                view! {
                    <div class="row params">{params}</div>
                    <div class="row options">{options}{no_options}</div>
                    {body}
                }
            }}
            // Options the URL carries that this route does not take still need a place to say so.
            <ul class="problems" aria-live="polite">
                {move || {
                    let r = route.get();
                    problems.get().into_iter().filter(|p| match p.field() {
                        Field::Option(o) => !r.accepts(o),
                        Field::Action => true,
                        Field::Param(_) | Field::Body(_) => false,
                    })
                        .map(|p| view! { <li class="error">{p.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
            <div class="control url">
                <label for="request-url">"Request URL"</label>
                <input
                    id="request-url"
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    aria-describedby="request-url-error"
                    aria-invalid=move || if url_error.get().is_some() { "true" } else { "false" }
                    prop:value=move || url_text.get()
                    on:input=move |ev| on_url_input(event_target_value(&ev))
                />
                <p id="request-url-error" class="error" role="status">{move || url_error.get()}</p>
            </div>
            <div class="actions">
                <button type="submit" class="primary">
                    // A write this explorer sends (Defender's) is reviewed first; Graph's are refused.
                    {move || if sends_write() { "Review and send…" } else { "Run" }}
                </button>
                <span class="hint">
                    {move || if sends_write() {
                        "This changes the tenant: you confirm what is sent, to where, before anything is."
                    } else {
                        "or press Enter in any field"
                    }}
                </span>
            </div>
            <CodeSnippets request=Signal::derive(move || query.with(|q| SnippetRequest {
                method: q.route.method,
                url: q.url(),
                body: q.body_json(),
                profile: q.profile,
                permission: q.route.permission(),
            }))/>
        </form>
    }
}

/// One path parameter: labelled by its name in the route template, with help and its problem.
#[component]
fn ParamControl(
    /// The parameter this control edits.
    param: Param,
    /// The query it belongs to.
    query: RwSignal<Query>,
    /// What the query must fix before it is sent.
    problems: Memo<Vec<atp_core::QueryError>>,
    /// Called with the parameter's name and new value.
    edit: Callback<(&'static str, String)>,
) -> impl IntoView {
    let id = format!("param-{}", param.name);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let problem = move || {
        problems.with(|all| {
            all.iter()
                .find(|p| p.field() == Field::Param(param.name))
                .map(ToString::to_string)
        })
    };
    view! {
        <div class="control">
            <label for=id.clone()>{param.name}</label>
            <input
                id=id
                type="text"
                spellcheck="false"
                autocomplete="off"
                aria-describedby=format!("{help_id} {error_id}")
                aria-invalid=move || if problem().is_some() { "true" } else { "false" }
                prop:value=move || query.with(|q| q.param(param.name).to_string())
                on:input=move |ev| edit.run((param.name, event_target_value(&ev)))
            />
            <p id=help_id class="help">{param.kind.help()}</p>
            <p id=error_id class="error">{problem}</p>
        </div>
    }
}

/// One query option the route accepts: free text, or a choice where the values are few.
#[component]
fn OptionControl(
    /// The option this control edits.
    option: QueryOption,
    /// The route, for the values `$expand` may take.
    route: &'static Route,
    /// The query it belongs to.
    query: RwSignal<Query>,
    /// What the query must fix before it is sent.
    problems: Memo<Vec<atp_core::QueryError>>,
    /// Called with the option and its new value; empty removes it.
    edit: Callback<(QueryOption, String)>,
) -> impl IntoView {
    let id = format!(
        "option-{}",
        option.name().trim_start_matches('$').to_ascii_lowercase()
    );
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let value = move || query.with(|q| q.option(option).unwrap_or_default().to_string());
    let problem = move || {
        problems.with(|all| {
            all.iter()
                .find(|p| p.field() == Field::Option(option))
                .map(ToString::to_string)
        })
    };
    let choices: Option<&'static [&'static str]> = match option {
        QueryOption::Count => Some(&["true", "false"]),
        QueryOption::Expand => Some(route.expand),
        _ => None,
    };
    let input = match choices {
        Some(choices) => view! {
            <Choices
                id=id.clone()
                described=format!("{help_id} {error_id}")
                choices
                value=Signal::derive(value)
                invalid=Signal::derive(move || problem().is_some())
                on_change=Callback::new(move |v: String| edit.run((option, v)))
            />
        }
        .into_any(),
        None => view! {
            <input
                id=id.clone()
                type="text"
                spellcheck="false"
                autocomplete="off"
                inputmode=if matches!(option, QueryOption::Top | QueryOption::Skip | QueryOption::LookBackHours) { "numeric" } else { "text" }
                aria-describedby=format!("{help_id} {error_id}")
                aria-invalid=move || if problem().is_some() { "true" } else { "false" }
                prop:value=value
                on:input=move |ev| edit.run((option, event_target_value(&ev)))
            />
        }
        .into_any(),
    };
    view! {
        <div class="control">
            <label for=id.clone()>{option.name()}</label>
            {input}
            <p id=help_id class="help">{option.help()}</p>
            <p id=error_id class="error">{problem}</p>
        </div>
    }
}

/// One member of a write's body: a choice where the reference page lists the values, JSON in a text
/// area, text otherwise; labelled by its name, with the page's help and its problem.
#[component]
fn BodyControl(
    /// The member this control edits.
    field: BodyField,
    /// The query it belongs to.
    query: RwSignal<Query>,
    /// What the query must fix before it is sent.
    problems: Memo<Vec<atp_core::QueryError>>,
    /// Called with the member's name and new value.
    edit: Callback<(&'static str, String)>,
) -> impl IntoView {
    let id = format!("body-{}", field.name.to_ascii_lowercase());
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let value = move || query.with(|q| q.body_value(field.name).to_string());
    let problem = move || {
        problems.with(|all| {
            all.iter()
                .find(|p| p.field() == Field::Body(field.name))
                .map(ToString::to_string)
        })
    };
    let described = format!("{help_id} {error_id}");
    let input = match field.kind {
        BodyKind::Choice(_) | BodyKind::Bool => {
            let choices: &'static [&'static str] = match field.kind {
                BodyKind::Choice(values) => values,
                _ => &["true", "false"],
            };
            view! {
                <Choices
                    id=id.clone()
                    described
                    choices
                    value=Signal::derive(value)
                    invalid=Signal::derive(move || problem().is_some())
                    on_change=Callback::new(move |v: String| edit.run((field.name, v)))
                />
            }
            .into_any()
        }
        BodyKind::Json => view! {
            <textarea
                id=id.clone()
                rows="4"
                spellcheck="false"
                aria-describedby=described
                aria-invalid=move || if problem().is_some() { "true" } else { "false" }
                prop:value=value
                on:input=move |ev| edit.run((field.name, event_target_value(&ev)))
            ></textarea>
        }
        .into_any(),
        BodyKind::Text => view! {
            <input
                id=id.clone()
                type="text"
                spellcheck="false"
                autocomplete="off"
                aria-describedby=described
                aria-invalid=move || if problem().is_some() { "true" } else { "false" }
                prop:value=value
                on:input=move |ev| edit.run((field.name, event_target_value(&ev)))
            />
        }
        .into_any(),
    };
    view! {
        <div class="control" class:wide=matches!(field.kind, BodyKind::Json)>
            <label for=id.clone()>{field.name}{if field.required { " (required)" } else { "" }}</label>
            {input}
            <p id=help_id class="help">{field.help}</p>
            <p id=error_id class="error">{problem}</p>
        </div>
    }
}

/// A select of documented values, with "(not set)" first; a value typed into the URL that is not one of
/// them is still shown, with its problem. Shared by query options and body members.
#[component]
fn Choices(
    id: String,
    /// The ids of the help and the error that describe it.
    described: String,
    choices: &'static [&'static str],
    value: Signal<String>,
    invalid: Signal<bool>,
    on_change: Callback<String>,
) -> impl IntoView {
    let extra = move || {
        let v = value.get();
        (!v.is_empty() && !choices.contains(&v.as_str()))
            .then(|| view! { <option value=v.clone() selected>{v.clone()}</option> })
    };
    view! {
        <select
            id=id
            aria-describedby=described
            aria-invalid=move || if invalid.get() { "true" } else { "false" }
            on:change=move |ev| on_change.run(event_target_value(&ev))
        >
            <option value="" prop:selected=move || value.with(String::is_empty)>"(not set)"</option>
            {choices
                .iter()
                .copied()
                .map(|c| view! { <option value=c prop:selected=move || value.with(|v| v == c)>{c}</option> })
                .collect_view()}
            {extra}
        </select>
    }
}
