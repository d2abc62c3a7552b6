//! "Paste anything": one box that says what a pasted value is and opens its routes on the profile shown,
//! and the prepared hunts for it.

use atp_core::link::app_href;
use atp_core::recognise::{recognise, route_label, Reading, ACCEPTS};
use atp_core::{Profile, Query};
use leptos::ev::KeyboardEvent;
use leptos::html::Input;
use leptos::prelude::*;

use crate::cards::HuntLinks;
use crate::explorer::{use_explorer, AppLink};

const INPUT_ID: &str = "paste-anything";
const RESULT_ID: &str = "paste-anything-result";

/// What the box found for one text on one profile: each reading with the routes it opens here, or, when
/// this profile has none, the routes of another API.
#[derive(Clone, PartialEq)]
struct Found {
    reading: Reading,
    routes: Vec<Query>,
    elsewhere: Vec<Query>,
}

fn find(text: &str, profile: Profile) -> Vec<Found> {
    recognise(text)
        .into_iter()
        .map(|reading| {
            let routes = reading.routes(profile);
            let elsewhere = reading.elsewhere(profile);
            Found {
                reading,
                routes,
                elsewhere,
            }
        })
        .collect()
}

/// The query Enter opens: the first route of the likeliest reading that leads anywhere, on this profile
/// or, when it has none here, on the API that has it (a number is an incident id first: Graph's).
fn first_route(found: &[Found]) -> Option<Query> {
    found
        .iter()
        .find_map(|f| f.routes.first().or(f.elsewhere.first()))
        .cloned()
}

fn summary(text: &str, found: &[Found]) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    if found.is_empty() {
        return format!("Nothing recognised. The box takes {ACCEPTS}.");
    }
    let kinds: Vec<&str> = found.iter().map(|f| f.reading.kind.label()).collect();
    let readings = match kinds.as_slice() {
        [one] => format!("Recognised: {one}."),
        [rest @ .., last] => format!("Recognised: {} or {last}.", rest.join(", ")),
        [] => String::new(),
    };
    if first_route(found).is_some() {
        format!("{readings} Enter opens the first route.")
    } else {
        format!("{readings} No route takes it on any profile.")
    }
}

/// Whether the keyboard is in a place where `/` is typed rather than a shortcut.
fn typing_somewhere() -> bool {
    let Some(active) = document().active_element() else {
        return false;
    };
    let tag = active.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || active
            .get_attribute("contenteditable")
            .is_some_and(|v| v != "false")
}

/// The labelled search box at the top of the page. `/` focuses it; Enter opens the first route.
#[component]
pub fn SearchBox() -> impl IntoView {
    let explorer = use_explorer();
    let text = RwSignal::new(String::new());
    let input = NodeRef::<Input>::new();
    let profile = Memo::new(move |_| explorer.query.with(|q| q.profile));
    let found = Memo::new(move |_| text.with(|t| find(t, profile.get())));

    let open = move |query: &Query| {
        explorer.follow(&app_href(query, explorer.dataset.get_untracked()));
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            if let Some(query) = found.with_untracked(|f| first_route(f)) {
                open(&query);
            }
        }
    };
    let shortcut = window_event_listener(leptos::ev::keydown, move |ev| {
        let plain = !(ev.ctrl_key() || ev.meta_key() || ev.alt_key());
        if ev.key() == "/" && plain && !ev.default_prevented() && !typing_somewhere() {
            if let Some(element) = input.get_untracked() {
                ev.prevent_default();
                let _ = element.focus();
                element.select();
            }
        }
    });
    on_cleanup(move || shortcut.remove());

    let dataset = explorer.dataset;
    // The route Enter opens says so next to its link.
    let links = move |queries: Vec<Query>, here: Profile, target: Option<&Query>| {
        queries
            .into_iter()
            .map(|query| {
                let label = atp_core::text::visible(&route_label(&query, here)).into_owned();
                let href = app_href(&query, dataset.get_untracked());
                let enter = (target == Some(&query))
                    .then(|| view! { <span class="search-enter">" (Enter)"</span> });
                view! { <li><AppLink href>{label}</AppLink>{enter}</li> }
            })
            .collect_view()
    };
    let readings = move || {
        let here = profile.get();
        let target = found.with(|f| first_route(f));
        found
            .get()
            .into_iter()
            .map(|f| {
                let kind = f.reading.kind.label();
                let value = atp_core::text::visible(&f.reading.value).into_owned();
                let note = f.reading.note.map(|n| view! { <span class="search-note">{format!(" ({n})")}</span> });
                let routes = if !f.routes.is_empty() {
                    view! {
                        <ul class="search-routes" aria-label=format!("Routes for the {kind} on {}", here.label())>
                            {links(f.routes, here, target.as_ref())}
                        </ul>
                    }
                    .into_any()
                } else if !f.elsewhere.is_empty() {
                    let other = f.elsewhere[0].profile;
                    view! {
                        <p class="search-none">{format!("No route on {}; on {}:", here.label(), other.label())}</p>
                        <ul class="search-routes" aria-label=format!("Routes for the {kind} on {}", other.label())>
                            {links(f.elsewhere, other, target.as_ref())}
                        </ul>
                    }
                    .into_any()
                } else {
                    view! { <p class="search-none">"No route takes it on any profile."</p> }.into_any()
                };
                // Hunts for this value, where its entity has prepared ones (they open the Hunting view).
                let hunts = f.reading.pivot.clone().filter(|_| !f.reading.hunts().is_empty()).map(|pivot| {
                    view! {
                        <ul class="search-routes search-hunts" aria-label=format!("Hunts for the {kind}")>
                            <HuntLinks profile=here entity=pivot.entity id=pivot.id/>
                        </ul>
                    }
                });
                view! {
                    <li class="search-reading">
                        <span class="search-kind">{kind}</span>": "<code>{value}</code>{note}
                        {routes}
                        {hunts}
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <div class="search-box" role="search" aria-label="Paste anything">
            <label for=INPUT_ID>"Paste anything"</label>
            <span class="search-hint" id="paste-anything-hint">
                " an id, hash, IP, domain, URL, user, SID or CVE (press / to come here)"
            </span>
            <input
                id=INPUT_ID
                node_ref=input
                type="search"
                autocomplete="off"
                spellcheck="false"
                aria-describedby=format!("paste-anything-hint {RESULT_ID}")
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=on_keydown
            />
            <p id=RESULT_ID class="search-summary" role="status" aria-live="polite">
                {move || text.with(|t| found.with(|f| summary(t, f)))}
            </p>
            <ul class="search-readings" aria-label="Readings">{readings}</ul>
        </div>
    }
}
