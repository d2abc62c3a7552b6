//! Settings: where requests go (the demo tenant or the live API) and how to sign in. Saved in
//! localStorage, or kept for this tab only in sessionStorage (never a token). A shared link's settings
//! keys change nothing here: they become an offer the analyst accepts or ignores (`crate::link_consent`).

use atp_core::auth::SettingProblem;
use atp_core::link::AppAddress;
use atp_core::settings::LinkOffer;
pub use atp_core::settings::Settings;
use leptos::prelude::*;

use crate::address;
use crate::platform::{local_storage, session_storage};

const STORAGE_KEY: &str = "atp-explorer.settings";
/// Settings the analyst accepted from a link for this tab only (they survive the sign-in's round trip).
const TAB_KEY: &str = "atp-explorer.tab-settings";

/// The settings in force: this tab's, else the saved ones, else the defaults. The address is not read.
pub fn load() -> Settings {
    let read = |storage: Option<web_sys::Storage>, key| {
        storage
            .and_then(|s| s.get_item(key).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
    };
    read(session_storage(), TAB_KEY)
        .or_else(|| read(local_storage(), STORAGE_KEY))
        .unwrap_or_default()
}

/// Saves `settings` for later visits; this tab follows the saved settings from now on.
pub fn save(settings: &Settings) {
    write(local_storage(), STORAGE_KEY, settings);
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(TAB_KEY);
    }
}

/// Keeps `settings` for this tab only: the saved ones stay as they were.
pub fn use_for_tab(settings: &Settings) {
    write(session_storage(), TAB_KEY, settings);
}

/// Keeps a change the analyst made where the settings in force live: the tab's, or the saved ones.
pub fn keep(settings: &Settings) {
    let tab = session_storage().is_some_and(|s| s.get_item(TAB_KEY).ok().flatten().is_some());
    if tab {
        use_for_tab(settings);
    } else {
        save(settings);
    }
}

fn write(storage: Option<web_sys::Storage>, key: &str, settings: &Settings) {
    if let (Some(storage), Ok(json)) = (storage, serde_json::to_string(settings)) {
        // A full or disabled storage only loses the settings for the next visit.
        let _ = storage.set_item(key, &json);
    }
}

/// The redirect URI: as set, or this page's origin and path.
pub fn redirect_uri(settings: &Settings) -> String {
    settings.redirect_uri_or(&address::page_url())
}

/// What the page's address asks to change in `current`, if anything.
pub fn link_offer(current: &Settings) -> Option<LinkOffer> {
    LinkOffer::read(
        current,
        &AppAddress::parse(&address::search()),
        &address::page_url(),
    )
}

/// The settings form. Saving checks everything and keeps what was typed when something is wrong.
#[component]
pub fn SettingsPanel(
    /// The settings in force.
    settings: RwSignal<Settings>,
    /// Settings to review before saving (a link's that cannot work as they are): the panel opens with
    /// them in the form, each problem marked as a Save would mark it; nothing is in force until saved.
    review: RwSignal<Option<Settings>>,
) -> impl IntoView {
    let draft = RwSignal::new(settings.get_untracked());
    let problems = RwSignal::new(Vec::<SettingProblem>::new());
    let saved = RwSignal::new(false);
    let open = RwSignal::new(false);
    // The form follows the settings in force when they change elsewhere (a link's accepted, a tenant
    // switched).
    Effect::new(move |_| {
        let now = settings.get();
        draft.set(now);
    });
    Effect::new(move |_| {
        if let Some(proposed) = review.get() {
            problems.set(proposed.problems());
            draft.set(proposed);
            saved.set(false);
            open.set(true);
        }
    });
    let field = move |label: &'static str,
                      id: &'static str,
                      help: &'static str,
                      get: fn(&Settings) -> String,
                      set: fn(&mut Settings, String)| {
        let error = move || {
            problems.with(|all| {
                all.iter()
                    .find(|p| p.setting == label)
                    .map(|p| p.reason.clone())
            })
        };
        view! {
            <div class="control">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    aria-describedby=format!("{id}-help {id}-error")
                    aria-invalid=move || error().is_some().to_string()
                    prop:value=move || draft.with(get)
                    on:input=move |ev| {
                        saved.set(false);
                        draft.update(|d| set(d, event_target_value(&ev)));
                    }
                />
                <p id=format!("{id}-help") class="help">{help}</p>
                <p id=format!("{id}-error") class="error">{error}</p>
            </div>
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = draft.get_untracked();
        let found = next.problems();
        saved.set(found.is_empty());
        if found.is_empty() {
            save(&next);
            settings.set(next);
            review.set(None);
        }
        problems.set(found);
    };
    view! {
        <details class="settings" prop:open=move || open.get() on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary>"Settings"</summary>
            <form on:submit=save novalidate aria-label="Settings">
                <div class="control">
                    <label for="setting-source">"Data source"</label>
                    <select
                        id="setting-source"
                        on:change=move |ev| {
                            saved.set(false);
                            draft.update(|d| d.live = event_target_value(&ev) == "live");
                        }
                    >
                        <option value="demo" prop:selected=move || !draft.with(|d| d.live)>"Demo tenant (no sign-in)"</option>
                        <option value="live" prop:selected=move || draft.with(|d| d.live)>"Live API (sign in)"</option>
                    </select>
                </div>
                {field("API base URL", "setting-base", "Optional: send requests here instead of the profile's host, e.g. a relay. An origin alone (http://127.0.0.1:8443) keeps each profile's path; with a path it replaces the whole base.", |s| s.api_base.clone(), |s, v| s.api_base = v)}
                {field("Authority", "setting-authority", "https://login.microsoftonline.com, or an OpenID provider's issuer URL.", |s| s.auth.authority.clone(), |s, v| s.auth.authority = v)}
                {field("Tenant", "setting-tenant", "Tenant GUID or domain, or organizations / common.", |s| s.auth.tenant.clone(), |s, v| s.auth.tenant = v)}
                {field("Client ID", "setting-client", "The application (client) ID of a single-page app registration.", |s| s.auth.client_id.clone(), |s, v| s.auth.client_id = v)}
                {field("Redirect URI", "setting-redirect", "Empty: this page's address. Register it as a single-page application redirect URI.", |s| s.auth.redirect_uri.clone(), |s, v| s.auth.redirect_uri = v)}
                {field("Scopes", "setting-scopes", "Empty: each profile asks its own API's. Microsoft Graph security: SecurityAlert.Read.All, SecurityIncident.Read.All and ThreatHunting.Read.All on https://graph.microsoft.com (the 2017 WDATP API: https://graph.microsoft.com/.default); Defender for Endpoint: https://api.securitycenter.microsoft.com/.default (with AdvancedQuery.Read, and Defender XDR's AdvancedHunting.Read for hunting). Add these delegated permissions to the app registration.", |s| s.auth.scopes.clone(), |s, v| s.auth.scopes = v)}
                <div class="actions">
                    <button type="submit" class="primary">"Save settings"</button>
                    <span role="status">{move || saved.get().then_some("Saved.")}</span>
                </div>
            </form>
        </details>
    }
}
