//! ATP Explorer in the browser: components that wire signals to `atp_core`.

mod query_builder;

use leptos::prelude::*;

pub use query_builder::QueryBuilder;

/// Mounts the app on the page's body.
pub fn start() {
    mount_to_body(App);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="masthead">
            <h1>"ATP Explorer"</h1>
            <p class="tagline">"Compose Windows Defender ATP and Defender for Endpoint API requests."</p>
        </header>
        <main>
            <QueryBuilder/>
        </main>
    }
}
