//! Settings: where requests go (the demo tenant or the live API) and how to sign in. Persisted in
//! localStorage (never a token); the same keys in the page's address pre-configure a shared link.

use atp_core::auth::{check_secure_url, AuthSettings, SettingProblem};
use atp_core::link::AppAddress;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::address;
use crate::platform::local_storage;

const STORAGE_KEY: &str = "atp-explorer.settings";

/// What the explorer is configured to talk to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Requests go to the live API (after sign-in) rather than the built-in demo tenant.
    pub live: bool,
    /// Replaces the profile's base URL when sending, e.g. a same-origin relay; empty means none.
    pub api_base: String,
    pub auth: AuthSettings,
}

impl Settings {
    /// The stored settings, then what the address says over them (and stored, so a shared link sticks).
    pub fn load() -> Settings {
        let mut settings = local_storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let search = address::search();
        if apply_address(&mut settings, &search) && settings.problems().is_empty() {
            settings.save();
        }
        settings
    }

    pub fn save(&self) {
        if let (Some(storage), Ok(json)) = (local_storage(), serde_json::to_string(self)) {
            // A full or disabled storage only loses the settings for the next visit.
            let _ = storage.set_item(STORAGE_KEY, &json);
        }
    }

    /// Every problem, each naming its setting.
    pub fn problems(&self) -> Vec<SettingProblem> {
        let mut problems = Vec::new();
        if !self.api_base.is_empty() {
            if let Err(reason) = check_secure_url(&self.api_base) {
                problems.push(SettingProblem {
                    setting: "API base URL",
                    reason,
                });
            }
        }
        if self.live {
            problems.extend(self.auth.problems());
        }
        problems
    }

    /// The redirect URI: as set, or this page's origin and path.
    pub fn redirect_uri(&self) -> String {
        if !self.auth.redirect_uri.trim().is_empty() {
            return self.auth.redirect_uri.trim().to_string();
        }
        address::page_url()
    }
}

/// Applies `api`, `base`, `authority`, `tenant`, `client_id`, `redirect_uri`, `scopes` from the address.
fn apply_address(settings: &mut Settings, search: &str) -> bool {
    let mut changed = false;
    for (name, value) in AppAddress::parse(search).pairs() {
        let slot = match name {
            "api" => {
                settings.live = value == "live";
                changed = true;
                continue;
            }
            "base" => &mut settings.api_base,
            "authority" => &mut settings.auth.authority,
            "tenant" => &mut settings.auth.tenant,
            "client_id" => &mut settings.auth.client_id,
            "redirect_uri" => &mut settings.auth.redirect_uri,
            "scopes" => &mut settings.auth.scopes,
            _ => continue,
        };
        *slot = value.chars().take(2048).collect();
        changed = true;
    }
    changed
}

/// The settings form. Saving checks everything and keeps what was typed when something is wrong.
#[component]
pub fn SettingsPanel(
    /// The settings in force.
    settings: RwSignal<Settings>,
) -> impl IntoView {
    let draft = RwSignal::new(settings.get_untracked());
    // Settings a shared link brought that cannot work (they were not stored) show at once: the panel
    // opens with each one marked, as a Save would have marked it.
    let from_address = settings.with_untracked(Settings::problems);
    let open_at_start = !from_address.is_empty();
    let problems = RwSignal::new(from_address);
    let saved = RwSignal::new(false);
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
            next.save();
            settings.set(next);
        }
        problems.set(found);
    };
    view! {
        <details class="settings" open=open_at_start>
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
                {field("API base URL", "setting-base", "Optional: send requests here instead of the profile's host, e.g. a same-origin relay.", |s| s.api_base.clone(), |s, v| s.api_base = v)}
                {field("Authority", "setting-authority", "https://login.microsoftonline.com, or an OpenID provider's issuer URL.", |s| s.auth.authority.clone(), |s, v| s.auth.authority = v)}
                {field("Tenant", "setting-tenant", "Tenant GUID or domain, or organizations / common.", |s| s.auth.tenant.clone(), |s, v| s.auth.tenant = v)}
                {field("Client ID", "setting-client", "The application (client) ID of a single-page app registration.", |s| s.auth.client_id.clone(), |s, v| s.auth.client_id = v)}
                {field("Redirect URI", "setting-redirect", "Empty: this page's address. Register it as a single-page application redirect URI.", |s| s.auth.redirect_uri.clone(), |s, v| s.auth.redirect_uri = v)}
                {field("Scopes", "setting-scopes", "Empty: the profile's own. Microsoft Graph security: SecurityAlert.Read.All and SecurityIncident.Read.All on https://graph.microsoft.com; Defender for Endpoint and WDATP: https://api.securitycenter.microsoft.com/.default. Add these delegated permissions to the app registration.", |s| s.auth.scopes.clone(), |s, v| s.auth.scopes = v)}
                <div class="actions">
                    <button type="submit" class="primary">"Save settings"</button>
                    <span role="status">{move || saved.get().then_some("Saved.")}</span>
                </div>
            </form>
        </details>
    }
}
