//! The confirmation a write waits for (see `Explorer::run`): what is sent (method, route and body), to
//! which target, on which tenant, with which permission. A modal dialog: Send, or Cancel (Escape).
//! Nothing that changes a tenant is sent without it, whatever started the run.

use leptos::html;
use leptos::prelude::*;

use crate::explorer::use_explorer;

/// The dialog, while a write waits for the analyst's answer.
#[component]
pub fn WriteConfirmation() -> impl IntoView {
    let explorer = use_explorer();
    move || {
        explorer.pending_write.get().map(|query| {
            let route = query.route;
            let target = match route.params.first() {
                Some(p) => format!("{} {}", route.entity.singular(), query.param(p.name)),
                None => format!("the tenant's {}", route.entity.label().to_lowercase()),
            };
            let tenant = explorer.connection.source(query.profile);
            let live = explorer.settings.with_untracked(|s| s.live);
            let body = query.body_json().map(|b| {
                serde_json::from_str::<serde_json::Value>(&b)
                    .and_then(|v| serde_json::to_string_pretty(&v))
                    .unwrap_or(b)
            });
            let dialog = NodeRef::<html::Dialog>::new();
            let cancel_button = NodeRef::<html::Button>::new();
            // Shown modal (the rest of the page inert), the focus on Cancel: Enter does not send.
            Effect::new(move |_| {
                if let Some(d) = dialog.get() {
                    if !d.open() {
                        let _ = d.show_modal();
                    }
                    if let Some(b) = cancel_button.get() {
                        let _ = b.focus();
                    }
                }
            });
            let cancel = move || {
                explorer.pending_write.set(None);
                explorer.shown.set(crate::explorer::Shown::Refused(vec![
                    "Not sent: you cancelled it. The form keeps what you typed.".to_string(),
                ]));
            };
            let action = route.action;
            view! {
                <dialog
                    class="write-confirm"
                    node_ref=dialog
                    aria-labelledby="write-confirm-title"
                    aria-describedby="write-confirm-what"
                    on:cancel=move |ev: leptos::ev::Event| {
                        ev.prevent_default();
                        cancel();
                    }
                >
                    <h2 id="write-confirm-title">{format!("Send {action}?")}</h2>
                    <dl id="write-confirm-what">
                        <dt>"Action"</dt>
                        <dd>{format!("{} {} — {}", route.method.name(), route.title(), route.description)}</dd>
                        <dt>"Target"</dt>
                        <dd class="write-target">{target}</dd>
                        <dt>"Tenant"</dt>
                        <dd class="write-tenant">{tenant}</dd>
                        <dt>"Permission"</dt>
                        <dd>{format!("{} (delegated)", route.permission())}</dd>
                    </dl>
                    {body.map(|b| view! {
                        <h3 class="write-body-title">"Body"</h3>
                        <pre class="write-body">{b}</pre>
                    })}
                    <p class="hint">
                        {if live {
                            "This changes the live tenant, and cannot be undone from here."
                        } else {
                            "The demo tenant carries it out in this page; nothing leaves it."
                        }}
                    </p>
                    <div class="actions">
                        <button type="button" class="primary" on:click=move |_| explorer.send_write()>
                            {format!("Send {action}")}
                        </button>
                        <button type="button" node_ref=cancel_button on:click=move |_| cancel()>"Cancel"</button>
                    </div>
                </dialog>
            }
        })
    }
}
