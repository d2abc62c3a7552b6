//! ATP Explorer in the browser: components that wire signals to `atp_core`.

mod cards;
mod explorer;
mod json_view;
mod query_builder;
mod request;
mod results;
mod samples;
mod time;

use leptos::prelude::*;

pub use cards::{CardKind, EntityCard};
pub use explorer::{provide_explorer, use_explorer, Explorer};
pub use query_builder::QueryBuilder;
pub use results::Results;
pub use samples::Samples;

/// Mounts the app on the page's body.
pub fn start() {
    mount_to_body(App);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let explorer = provide_explorer();
    // The address says what to show, on load and on Back and Forward.
    explorer.apply_address();
    let _ = window_event_listener(leptos::ev::popstate, move |_| explorer.apply_address());
    view! {
        <header class="masthead">
            <h1>"ATP Explorer"</h1>
            <p class="tagline">"Explore the Windows Defender ATP and Defender for Endpoint APIs."</p>
        </header>
        <p class="demo-banner" role="note">
            "Demo tenant: generated data, no sign-in"
            {move || (explorer.dataset.get() == atp_core::link::DemoData::Hostile).then_some(" (hostile test data)")}
        </p>
        <div class="layout">
            <aside>
                <Samples/>
            </aside>
            <main>
                <QueryBuilder/>
                <Results/>
            </main>
        </div>
    }
}
