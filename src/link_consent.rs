//! A shared link's settings, shown before anything changes: each change old → new with the hosts it
//! would send tokens, codes or the sign-in to (Microsoft's own marked as known), and three answers: use
//! for this tab, save, or ignore. Until then the settings in force are untouched and nothing is stored.

use atp_core::link::AppAddress;
use atp_core::settings::{without_settings, Change, Host, LinkOffer};
use leptos::prelude::*;

use crate::address;
use crate::explorer::use_explorer;
use crate::settings::{self, Settings};

/// The offer of the address the page was opened with, if it asks to change a setting.
#[component]
pub fn LinkConsent(
    /// The link's settings, until the analyst decides.
    offer: RwSignal<Option<LinkOffer>>,
    /// Where a link's settings that cannot work go to be fixed (the Settings form).
    review: RwSignal<Option<Settings>>,
) -> impl IntoView {
    let explorer = use_explorer();
    // Decided: the address keeps only the view, so a reload does not ask again.
    let decided = move || {
        offer.set(None);
        let rest = without_settings(&AppAddress::parse(&address::search()));
        address::replace(&rest.write());
    };
    let accept = move |keep: fn(&Settings)| {
        let Some(proposed) = offer.with_untracked(|o| o.as_ref().map(|o| o.proposed.clone()))
        else {
            return;
        };
        decided();
        keep(&proposed);
        explorer.settings.set(proposed);
        // The link's query again, now where the analyst agreed it should go.
        explorer.apply_address();
    };
    let ignore = move |_| decided();
    let fix = move |_| {
        let proposed = offer.with_untracked(|o| o.as_ref().map(|o| o.proposed.clone()));
        decided();
        review.set(proposed);
    };
    move || {
        offer.get().map(|offer| {
            let problems = offer.proposed.problems();
            let unknown: Vec<String> = unknown_hosts(&offer);
            let warning = (!unknown.is_empty()).then(|| view! {
                <p class="warning">
                    <strong>"Not a host this explorer knows: " {unknown.join(", ")} "."</strong>
                    " Accept only if you trust whoever sent the link and you know who runs these hosts: \
                     they would receive your access token or your sign-in."
                </p>
            });
            let answers = if problems.is_empty() {
                view! {
                    <button type="button" on:click=move |_| accept(settings::use_for_tab)>"Use for this tab"</button>
                    <button type="button" on:click=move |_| accept(settings::save)>"Save these settings"</button>
                    <button type="button" on:click=ignore>"Ignore"</button>
                }
                .into_any()
            } else {
                view! {
                    <button type="button" on:click=fix>"Review in Settings"</button>
                    <button type="button" on:click=ignore>"Ignore"</button>
                }
                .into_any()
            };
            view! {
                <section class="link-consent" aria-labelledby="link-consent-heading">
                    <h2 id="link-consent-heading" tabindex="-1">"This link asks to change your settings"</h2>
                    <p>
                        "Nothing has changed yet: the link's view opens with your current settings unless you \
                         accept. Ignoring keeps them and still shows the link's query."
                    </p>
                    <table aria-label="Settings the link would change">
                        <thead>
                            <tr>
                                <th scope="col">"Setting"</th>
                                <th scope="col">"Now"</th>
                                <th scope="col">"The link's value"</th>
                                <th scope="col">"Sends to"</th>
                            </tr>
                        </thead>
                        <tbody>{offer.changes.iter().map(row).collect_view()}</tbody>
                    </table>
                    {warning}
                    {(!problems.is_empty()).then(|| view! {
                        <div class="problem" role="alert">
                            <p><strong>"These settings cannot work as the link gives them:"</strong></p>
                            <ul>
                                {problems.iter().map(|p| view! { <li>{p.to_string()}</li> }).collect_view()}
                            </ul>
                            <p>"Review them in Settings (nothing is used until you save), or ignore them."</p>
                        </div>
                    })}
                    <div class="actions" role="group" aria-label="Your answer">{answers}</div>
                </section>
            }
        })
    }
}

fn row(change: &Change) -> impl IntoView {
    let hosts = change
        .hosts
        .iter()
        .map(|host| view! { <li class=host_class(host)>{host_text(host)}</li> })
        .collect_view();
    view! {
        <tr>
            <th scope="row">{change.setting}<p class="help">{change.means}</p></th>
            <td><code>{atp_core::text::visible(&change.old).into_owned()}</code></td>
            <td><code>{atp_core::text::visible(&change.new).into_owned()}</code></td>
            <td><ul class="hosts">{hosts}</ul></td>
        </tr>
    }
}

fn host_text(host: &Host) -> String {
    let origin = atp_core::text::visible(&host.origin).into_owned();
    match host.known {
        Some(who) => format!("{origin}: {who}"),
        None => format!("{origin}: not a known host"),
    }
}

fn host_class(host: &Host) -> &'static str {
    if host.known.is_some() {
        "known"
    } else {
        "unknown"
    }
}

fn unknown_hosts(offer: &LinkOffer) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for host in offer.changes.iter().flat_map(|c| &c.hosts) {
        let origin = atp_core::text::visible(&host.origin).into_owned();
        if host.known.is_none() && !hosts.contains(&origin) {
            hosts.push(origin);
        }
    }
    hosts
}
