//! "Code snippets": the current request as curl, PowerShell, Python, C# and JavaScript, each with its
//! Copy button. The text comes from `atp_core::snippet` (quoted for each language, no token in it, the
//! permission named) and is shown as text.

use atp_core::snippet::{snippet, Language};
use atp_core::{Method, Profile};
use leptos::prelude::*;

/// The request a snippet writes: what the page would send.
#[derive(Clone, Debug, PartialEq)]
pub struct SnippetRequest {
    pub method: Method,
    pub url: String,
    pub body: Option<String>,
    pub profile: Profile,
    pub permission: &'static str,
}

/// A closed disclosure; the snippets follow the request as it is edited.
#[component]
pub fn CodeSnippets(request: Signal<SnippetRequest>) -> impl IntoView {
    view! {
        <details class="snippets">
            <summary>"Code snippets"</summary>
            <p class="hint">
                "The request above, to run outside the explorer. They read the access token from a variable; "
                "the first lines say how to get one."
            </p>
            {Language::ALL
                .into_iter()
                .map(|language| {
                    let text = Memo::new(move |_| {
                        request.with(|r| {
                            snippet(language, r.method, &r.url, r.body.as_deref(), r.profile, r.permission)
                        })
                    });
                    view! { <Snippet language text/> }
                })
                .collect_view()}
        </details>
    }
}

/// One language's snippet: a heading, the code, and Copy.
#[component]
fn Snippet(
    /// The language the snippet is written in.
    language: Language,
    /// The snippet's text.
    text: Memo<String>,
) -> impl IntoView {
    let heading_id = format!("snippet-{}", language.key());
    let copied = RwSignal::new(None::<String>);
    let copy = move |_| {
        let label = language.label();
        copy_text(&text.get_untracked(), move |ok| {
            copied.set(Some(if ok {
                format!("Copied the {label} snippet.")
            } else {
                "The browser refused the clipboard; select the code and copy it instead."
                    .to_string()
            }));
        });
    };
    view! {
        <section class="snippet" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone()>{language.label()}</h3>
            <pre aria-labelledby=heading_id.clone()><code>{move || text.get()}</code></pre>
            <button type="button" on:click=copy>{format!("Copy {}", language.label())}</button>
            <span role="status">{move || copied.get()}</span>
        </section>
    }
}

/// Puts `text` on the clipboard; `done` learns whether the browser allowed it.
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let promise = window().navigator().clipboard().write_text(text);
    leptos::task::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}
