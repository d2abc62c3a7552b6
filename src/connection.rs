//! What a request needs from the page: the demo dataset the address chose, the analyst's settings, the
//! signed-in session, and the demo tenant itself (generated once per dataset). The explorer and the graph
//! both send through a [`Connection`]; neither needs the other for it.

use std::rc::Rc;

use atp_core::demo::{DemoConfig, DemoTenant, Variant};
use atp_core::link::DemoData;
use leptos::prelude::*;

use crate::auth::Auth;
use crate::request::Transport;
use crate::settings::Settings;

/// The page's connection to the data: a `Copy` handle of signals, passed explicitly.
#[derive(Clone, Copy)]
pub struct Connection {
    pub dataset: RwSignal<DemoData>,
    /// Where requests go and how to sign in.
    pub settings: RwSignal<Settings>,
    pub auth: Auth,
    /// The demo tenant of the last dataset asked for.
    demo: StoredValue<Option<(DemoData, Rc<DemoTenant>)>, LocalStorage>,
}

impl Connection {
    pub fn new(settings: Settings, auth: Auth) -> Connection {
        Connection {
            dataset: RwSignal::new(DemoData::Normal),
            settings: RwSignal::new(settings),
            auth,
            demo: StoredValue::new_local(None),
        }
    }

    /// Where a request made now goes, for [`crate::request::send`]: taken when the request is made, so
    /// a settings change while it is under way does not move it.
    pub fn transport(&self) -> Transport<Auth> {
        let settings = self.settings.get_untracked();
        if settings.live {
            Transport::Live {
                settings,
                tokens: self.auth,
            }
        } else {
            Transport::Demo(self.demo_tenant(self.dataset.get_untracked()))
        }
    }

    /// Where requests of `profile` go now, in words: the live API (its base and Entra ID tenant) or the
    /// demo tenant and its dataset (a write's confirmation and the report say it).
    pub fn source(&self, profile: atp_core::Profile) -> String {
        let settings = self.settings.get_untracked();
        if settings.live {
            let base = if settings.api_base.is_empty() {
                profile.base()
            } else {
                settings.api_base.clone()
            };
            format!("{base} (Entra ID tenant {})", settings.auth.tenant)
        } else {
            let dataset = self.dataset.get_untracked().key().unwrap_or("normal");
            format!("Demo tenant ({dataset} dataset)")
        }
    }

    /// The demo tenant for `dataset`; generated once per page (it is deterministic, so ids survive
    /// reloads).
    pub fn demo_tenant(&self, dataset: DemoData) -> Rc<DemoTenant> {
        if let Some(tenant) = self.demo.with_value(|held| {
            held.as_ref()
                .filter(|(data, _)| *data == dataset)
                .map(|(_, tenant)| tenant.clone())
        }) {
            return tenant;
        }
        let tenant = Rc::new(DemoTenant::generate(&demo_config(dataset, demo_now())));
        self.demo.set_value(Some((dataset, tenant.clone())));
        tenant
    }
}

/// The generator's settings for a dataset of the address.
fn demo_config(dataset: DemoData, now: chrono::DateTime<chrono::Utc>) -> DemoConfig {
    let mut config = DemoConfig::new(now);
    config.variant = match dataset {
        DemoData::Normal | DemoData::Large => Variant::Normal,
        DemoData::Hostile => Variant::Hostile,
    };
    if dataset == DemoData::Large {
        config.scale = DemoData::LARGE_SCALE;
    }
    config
}

/// The demo's "now": this hour, so times look recent while ids stay the same across reloads.
fn demo_now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    now - chrono::Duration::seconds(
        i64::from(chrono::Timelike::minute(&now)) * 60 + i64::from(chrono::Timelike::second(&now)),
    )
}
