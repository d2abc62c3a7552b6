//! ATP Explorer in the browser: components that wire signals to `atp_core`.

mod address;
mod auth;
mod cards;
mod connection;
mod explorer;
mod graph_state;
mod graph_view;
mod history;
mod history_view;
mod hunt_view;
mod hunting;
mod json_view;
mod link_consent;
mod notes;
pub mod panic;
mod platform;
mod query_builder;
mod request;
mod results;
mod samples;
mod search_box;
mod settings;
mod snippets;
mod time;
mod write_confirm;

use leptos::prelude::*;

pub use cards::{CardKind, EntityCard};
pub use explorer::{provide_explorer, use_explorer, Explorer, View};
pub use graph_state::{use_graph, GraphState};
pub use graph_view::GraphPanel;
pub use query_builder::QueryBuilder;
pub use results::Results;
pub use samples::Samples;
pub use settings::{Settings, SettingsPanel};

/// Mounts the app on the page's body, after the hook that makes a panic visible.
pub fn start() {
    panic::install();
    mount_to_body(App);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let explorer = provide_explorer();
    let auth = explorer.auth;
    // A link's settings wait for the analyst's answer; a link's that cannot work go to the form.
    let offer = RwSignal::new(settings::link_offer(&explorer.settings.get_untracked()));
    let review = RwSignal::new(None::<Settings>);
    // A sign-in callback is finished first (its code leaves the address before anything else runs);
    // otherwise the address says what to show, on load and on Back and Forward.
    leptos::task::spawn_local(async move {
        auth::complete_sign_in(auth).await;
        explorer.apply_address();
    });
    address::on_back_or_forward(move || explorer.apply_address());
    let live = move || explorer.settings.with(|s| s.live);
    view! {
        <header class="masthead">
            <div>
                <h1>"ATP Explorer"</h1>
                <p class="tagline">"Explore the Windows Defender ATP and Defender for Endpoint APIs."</p>
            </div>
            <Show when=live>
                <SignInStatus/>
            </Show>
        </header>
        <Show when=move || !live()>
            <p class="demo-banner" role="note">
                "Demo tenant: generated data, no sign-in"
                {move || match explorer.dataset.get() {
                    atp_core::link::DemoData::Normal => "",
                    atp_core::link::DemoData::Hostile => " (hostile test data)",
                    atp_core::link::DemoData::Large => " (100,000 alerts)",
                }}
            </p>
        </Show>
        {move || auth.problem.get().map(|(what, fix)| view! {
            <div class="problem page-problem" role="alert">
                <p><strong>{what}</strong></p>
                <p>{fix}</p>
            </div>
        })}
        <link_consent::LinkConsent offer review/>
        <div class="layout">
            <aside>
                <Samples/>
                <SettingsPanel settings=explorer.settings review/>
                <history_view::HistoryPanels/>
            </aside>
            <main>
                <search_box::SearchBox/>
                <ViewTabs/>
                <div role="tabpanel" id="view-panel" class="view-panel" aria-labelledby=move || if explorer.view.get() == View::Query { "view-query" } else { "view-hunt" }>
                    <Show when=move || explorer.view.get() == View::Query fallback=|| view! { <hunt_view::HuntView/> }>
                        <QueryBuilder/>
                        <write_confirm::WriteConfirmation/>
                        <Results/>
                    </Show>
                </div>
            </main>
        </div>
    }
}

/// The two views: a route's query, or advanced hunting. Each is an address (Back returns).
#[component]
fn ViewTabs() -> impl IntoView {
    let explorer = use_explorer();
    let to_query = move |_| {
        if explorer.view.get_untracked() != View::Query {
            let query = explorer.query.get_untracked();
            explorer.follow(&atp_core::link::app_href(
                &query,
                explorer.dataset.get_untracked(),
            ));
        }
    };
    let to_hunt = move |_| {
        if explorer.view.get_untracked() != View::Hunt {
            // Hunting starts on the profile of the query shown, unless a hunt was written already.
            let hunting = explorer.hunting;
            if hunting.text.with_untracked(String::is_empty) {
                let profile = explorer.query.with_untracked(|q| q.profile);
                hunting.profile.set(profile);
                hunting
                    .api
                    .set(atp_core::catalogue::HuntingApi::default_for(profile));
            }
            hunt_view::run_hunt(explorer);
        }
    };
    let tab = move |which: View| {
        let selected = move || explorer.view.get() == which;
        (
            move || selected().to_string(),
            move || if selected() { "0" } else { "-1" },
        )
    };
    let (query_selected, query_index) = tab(View::Query);
    let (hunt_selected, hunt_index) = tab(View::Hunt);
    view! {
        <div class="view-tabs" role="tablist" aria-label="View">
            <button type="button" role="tab" id="view-query" aria-controls="view-panel" aria-selected=query_selected tabindex=query_index on:click=to_query>"API query"</button>
            <button type="button" role="tab" id="view-hunt" aria-controls="view-panel" aria-selected=hunt_selected tabindex=hunt_index on:click=to_hunt>"Advanced hunting"</button>
        </div>
    }
}

/// Who is signed in, and the Sign in / Sign out buttons.
#[component]
fn SignInStatus() -> impl IntoView {
    let explorer = use_explorer();
    let auth = explorer.auth;
    let sign_in = move |()| {
        let settings = explorer.settings.get_untracked();
        // Come back to the query being composed, run or not, and to the investigation graph.
        let return_to = explorer.graph.keep_graph(&atp_core::link::app_href(
            &explorer.query.get_untracked(),
            explorer.dataset.get_untracked(),
        ));
        let profile = explorer.query.with_untracked(|q| q.profile);
        leptos::task::spawn_local(async move {
            if let Err(problem) = auth::sign_in(settings, return_to, profile).await {
                auth.problem.set(Some(problem));
            }
        });
    };
    // Switching tenant is one action: save the tenant, forget the session, sign in there.
    let switch_to = RwSignal::new(String::new());
    let switch_problem = RwSignal::new(None::<String>);
    let switch = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tenant = switch_to.get_untracked().trim().to_string();
        if let Err(reason) = atp_core::auth::check_tenant(&tenant) {
            switch_problem.set(Some(reason));
            return;
        }
        switch_problem.set(None);
        explorer.settings.update(|s| {
            s.auth.tenant = tenant;
            settings::keep(s);
        });
        explorer.sign_out();
        sign_in(());
    };
    view! {
        <div class="account" role="group" aria-label="Account">
            {move || match auth.account.get() {
                Some(account) => {
                    let who = account.preferred_username.clone().or(account.name.clone()).unwrap_or_else(|| "signed in".into());
                    let tenant = account.tid.clone().map(|t| format!(" (tenant {t})")).unwrap_or_default();
                    view! {
                        <span>"Signed in as " <strong>{who}</strong>{tenant}</span>
                        <button type="button" on:click=move |_| explorer.sign_out()>"Sign out"</button>
                    }
                    .into_any()
                }
                None => view! {
                    <span>"Not signed in"</span>
                    <button type="button" class="primary" on:click=move |_| sign_in(())>"Sign in"</button>
                }
                .into_any(),
            }}
            <form class="switch-tenant" on:submit=switch novalidate>
                <label for="switch-tenant">"Switch to tenant"</label>
                <input
                    id="switch-tenant"
                    type="text"
                    placeholder="contoso.onmicrosoft.com"
                    aria-describedby="switch-tenant-error"
                    prop:value=move || switch_to.get()
                    on:input=move |ev| switch_to.set(event_target_value(&ev))
                />
                <button type="submit">"Switch tenant"</button>
                <p id="switch-tenant-error" class="error">{move || switch_problem.get()}</p>
            </form>
        </div>
    }
}
