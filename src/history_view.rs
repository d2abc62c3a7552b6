//! The History and Saved queries panels: every run with its time, status and count, searchable, one
//! click to run again, clearable; saved queries by collection, run, renamed, deleted, exported and
//! imported as a JSON file.

use atp_core::history::{Entry, Request, Saved, HISTORY_LIMIT, IMPORT_LIMIT, SAVED_LIMIT};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::explorer::{use_explorer, Explorer, View};
use crate::history::{use_history, HistoryLog, Keeping};
use crate::platform::now_epoch_ms;

/// Both panels, for the page's side column.
#[component]
pub fn HistoryPanels() -> impl IntoView {
    view! {
        <HistoryPanel/>
        <SavedPanel/>
    }
}

/// At most `max` characters of `text` as it should be read (invisible characters shown), one line.
fn shown(text: &str, max: usize) -> String {
    let visible = atp_core::text::visible(text);
    let mut out: String = visible.chars().take(max).collect();
    if visible.chars().count() > max {
        out.push('\u{2026}');
    }
    out
}

/// Shows and runs `request` as its page address would.
fn run_again(explorer: Explorer, request: &Request) {
    explorer.follow(&request.href(explorer.dataset.get_untracked()));
}

/// Why the lists are not kept across reloads, when they are not.
fn keeping_note(log: HistoryLog) -> impl IntoView {
    move || match log.keeping.get() {
        Keeping::InMemory(reason) => Some(view! {
            <p class="problem history-note">
                "History and saved queries cannot be kept in this browser: " {reason}
                ". They last until this tab closes; export saved queries to keep them."
            </p>
        }),
        _ => None,
    }
}

#[component]
fn HistoryPanel() -> impl IntoView {
    let explorer = use_explorer();
    let log = use_history();
    let open = RwSignal::new(false);
    let needle = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let cleared = RwSignal::new(None::<String>);
    let found = Memo::new(move |_| {
        let needle = needle.get();
        log.history
            .with(|h| h.search(&needle).cloned().collect::<Vec<Entry>>())
    });
    let total = move || log.history.with(|h| h.len());
    let summary = move || {
        let total = total();
        let shown = found.with(Vec::len);
        let runs = |n: usize| if n == 1 { "run" } else { "runs" };
        if needle.with(|n| n.trim().is_empty()) {
            format!("{total} {}, newest first.", runs(total))
        } else {
            format!("{shown} of {total} {} match.", runs(total))
        }
    };
    let clear = move |_| {
        let removed = log.clear();
        confirming.set(false);
        cleared.set(Some(format!(
            "History cleared: {removed} {} removed. Saved queries are kept.",
            if removed == 1 { "entry" } else { "entries" }
        )));
        focus("history-search");
    };
    view! {
        <details class="history-panel" prop:open=move || open.get() on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary>"History"</summary>
            <Show when=move || open.get()>
                <p class="help">{format!("Every query, pivot and hunt you run, with its time, status and result count (never the answers). The newest {HISTORY_LIMIT} are kept in this browser.")}</p>
                {keeping_note(log)}
                <div class="control">
                    <label for="history-search">"Search history"</label>
                    <input id="history-search" type="search" placeholder="alerts, DeviceProcessEvents…"
                        prop:value=move || needle.get()
                        on:input=move |ev| needle.set(event_target_value(&ev))/>
                </div>
                <p class="help" role="status">{summary}</p>
                <ul class="history-list" id="history-runs" aria-label="Runs">
                    <For each=move || found.get() key=|e| e.id let:entry>
                        <HistoryRow entry explorer/>
                    </For>
                </ul>
                <div class="actions">
                    <Show when=move || { !confirming.get() && total() != 0 }>
                        <button type="button" on:click=move |_| {
                            cleared.set(None);
                            confirming.set(true);
                            focus("history-clear-confirm");
                        }>"Clear history…"</button>
                    </Show>
                </div>
                <Show when=move || confirming.get()>
                    <div class="history-confirm" role="group" aria-labelledby="history-clear-question">
                        <p id="history-clear-question">{move || {
                            let n = total();
                            format!("Remove all {n} {} of the history from this browser? Saved queries are kept.", if n == 1 { "entry" } else { "entries" })
                        }}</p>
                        <div class="actions">
                            <button type="button" id="history-clear-confirm" on:click=clear>{move || {
                                let n = total();
                                format!("Remove {n} {}", if n == 1 { "entry" } else { "entries" })
                            }}</button>
                            <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </div>
                    </div>
                </Show>
                <p role="status" class="help">{move || cleared.get()}</p>
            </Show>
        </details>
    }
}

/// One run: its request (a button that runs it again), then when, where, status and count.
#[component]
fn HistoryRow(entry: Entry, explorer: Explorer) -> impl IntoView {
    let text = entry.request.text();
    let label = shown(&text, 160);
    let title = shown(&text, 2_000);
    let request = entry.request.clone();
    let when = entry.at().map(crate::time::absolute).unwrap_or_default();
    let before = format!("{when} \u{b7} {} \u{b7} ", entry.request.target());
    let status = entry.status.label();
    let status_class = if entry.status.ok() {
        "status-ok"
    } else {
        "status-bad"
    };
    let after = format!(
        "{}{}",
        entry
            .count_label()
            .map(|c| format!(" \u{b7} {c}"))
            .unwrap_or_default(),
        if entry.live {
            " \u{b7} live"
        } else {
            " \u{b7} demo"
        }
    );
    view! {
        <li class="history-entry">
            <button type="button" class="history-run" title=title on:click=move |_| run_again(explorer, &request)>
                <span class="visually-hidden">"Run again: "</span>
                <code>{label}</code>
            </button>
            <p class="history-meta">{before}<span class=status_class>{status}</span>{after}</p>
        </li>
    }
}

/// The request the page shows, to save: the API query, or the hunt.
fn current_request(explorer: Explorer) -> Result<Request, String> {
    match explorer.view.get_untracked() {
        View::Query => match explorer.url_error.get_untracked() {
            Some(problem) => Err(format!(
                "The Request URL is not a query ({problem}): fix it, then save."
            )),
            None => Ok(Request::Query(explorer.query.get_untracked())),
        },
        View::Hunt => {
            let hunt = explorer.hunting.link();
            if hunt.query.trim().is_empty() {
                Err("Write a hunting query first, then save it.".to_string())
            } else {
                Ok(Request::Hunt(hunt))
            }
        }
    }
}

/// What the last action on the saved queries did, or why it did not.
#[derive(Clone, Debug, PartialEq)]
enum Said {
    Done(String),
    Refused(String),
}

fn focus(id: &str) {
    let id = id.to_string();
    request_animation_frame(move || {
        if let Some(element) = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

#[component]
fn SavedPanel() -> impl IntoView {
    let explorer = use_explorer();
    let log = use_history();
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let collection = RwSignal::new(String::new());
    let said = RwSignal::new(None::<Said>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let outcome = current_request(explorer).and_then(|request| {
            log.save(&name.get_untracked(), &collection.get_untracked(), request)
        });
        said.set(Some(match outcome {
            Ok(saved) => {
                name.set(String::new());
                Said::Done(format!(
                    "Saved \u{201c}{}\u{201d} in \u{201c}{}\u{201d}.",
                    saved.name, saved.collection
                ))
            }
            Err(reason) => Said::Refused(reason),
        }));
    };
    let export = move |_| {
        let (text, n) = log
            .saved
            .with_untracked(|s| (s.export(now_epoch_ms()), s.len()));
        said.set(Some(
            match crate::platform::save_file(
                "atp-explorer-saved-queries.json",
                "application/json",
                &text,
            ) {
                Ok(()) => Said::Done(format!(
                    "Exported {n} saved {} as atp-explorer-saved-queries.json.",
                    if n == 1 { "query" } else { "queries" }
                )),
                Err(_) => Said::Refused(
                    "The browser refused to save the file; allow downloads for this page and try again."
                        .to_string(),
                ),
            },
        ));
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // The same file can be chosen again after a fix.
        input.set_value("");
        if file.size() > IMPORT_LIMIT as f64 {
            said.set(Some(Said::Refused(format!(
                "Not imported: {} is over {} KB, more than an export of {SAVED_LIMIT} saved queries. Nothing was changed.",
                file.name(),
                IMPORT_LIMIT / 1024
            ))));
            return;
        }
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            said.set(Some(match text {
                None => Said::Refused(format!(
                    "Not imported: the browser could not read {}. Nothing was changed.",
                    file.name()
                )),
                Some(text) => match log.import(&text) {
                    Ok(import) => Said::Done(import.summary()),
                    Err(reason) => {
                        Said::Refused(format!("Not imported: {reason} Nothing was changed."))
                    }
                },
            }));
        });
    };
    let collections = move || {
        log.saved.with(|s| {
            s.collection_names()
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
    };
    let groups = move || {
        log.saved.with(|s| {
            s.collections()
                .into_iter()
                .map(|(name, items)| {
                    (
                        name.to_string(),
                        items.into_iter().cloned().collect::<Vec<Saved>>(),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <details class="history-panel" prop:open=move || open.get() on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary>"Saved queries"</summary>
            <Show when=move || open.get()>
                {keeping_note(log)}
                <form class="save-query" on:submit=save novalidate aria-label="Save the query shown">
                    <div class="control">
                        <label for="save-name">"Saved query name"</label>
                        <input id="save-name" type="text" maxlength="200"
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                    <div class="control">
                        <label for="save-collection">"Collection"</label>
                        <input id="save-collection" type="text" maxlength="200" list="saved-collections"
                            placeholder=atp_core::history::DEFAULT_COLLECTION
                            prop:value=move || collection.get()
                            on:input=move |ev| collection.set(event_target_value(&ev))/>
                        <datalist id="saved-collections">
                            {move || collections().into_iter().map(|c| view! { <option value=c/> }).collect_view()}
                        </datalist>
                    </div>
                    <p class="help">"Saves the API query or the hunt shown now."</p>
                    <button type="submit">"Save current query"</button>
                </form>
                {move || said.get().map(|s| match s {
                    Said::Done(text) => view! { <p class="help" role="status">{text}</p> }.into_any(),
                    Said::Refused(text) => view! { <p class="problem history-note" role="alert">{text}</p> }.into_any(),
                })}
                <Show when=move || log.saved.with(|s| s.is_empty())>
                    <p class="help">"No saved queries yet."</p>
                </Show>
                <For each=groups key=|(name, items)| (name.clone(), items.iter().map(|s| (s.id, s.name.clone())).collect::<Vec<_>>()) let:group>
                    <SavedGroup name=group.0 items=group.1 explorer said/>
                </For>
                <div class="actions saved-actions">
                    <button type="button" on:click=export>"Export saved queries"</button>
                </div>
                <div class="control">
                    <label for="import-saved">"Import saved queries"</label>
                    <input id="import-saved" type="file" accept=".json,application/json" on:change=import/>
                </div>
                <p class="help">{format!("Up to {SAVED_LIMIT} saved queries, kept in this browser; export them to keep or share them.")}</p>
            </Show>
        </details>
    }
}

/// One collection: its heading and its queries.
#[component]
fn SavedGroup(
    name: String,
    items: Vec<Saved>,
    explorer: Explorer,
    said: RwSignal<Option<Said>>,
) -> impl IntoView {
    let label = format!("Collection {name}");
    view! {
        <section class="saved-group" aria-label=label>
            <h3>{name}</h3>
            <ul class="history-list">
                {items.into_iter().map(|saved| view! { <SavedRow saved explorer said/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn SavedRow(saved: Saved, explorer: Explorer, said: RwSignal<Option<Said>>) -> impl IntoView {
    let log = use_history();
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(saved.name.clone());
    let id = saved.id;
    let name = saved.name.clone();
    let request = saved.request.clone();
    let text = saved.request.text();
    let field_id = format!("rename-{id}");
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match log.rename(id, &new_name.get_untracked()) {
            Ok(saved) => {
                renaming.set(false);
                said.set(Some(Said::Done(format!(
                    "Renamed to \u{201c}{}\u{201d}.",
                    saved.name
                ))));
            }
            Err(reason) => said.set(Some(Said::Refused(reason))),
        }
    };
    let delete = {
        let name = name.clone();
        move |_| {
            if log.delete(id).is_some() {
                said.set(Some(Said::Done(format!("Deleted \u{201c}{name}\u{201d}."))));
            }
        }
    };
    let rename_field = field_id.clone();
    view! {
        <li class="history-entry">
            <button type="button" class="history-run" on:click=move |_| run_again(explorer, &request)>
                <span class="visually-hidden">"Run saved query: "</span>
                {shown(&name, 120)}
            </button>
            <p class="history-meta"><code>{shown(&text, 120)}</code> " · " {saved.request.target()}</p>
            <Show when=move || renaming.get() fallback={
                let name = name.clone();
                let field = rename_field.clone();
                move || {
                    let field = field.clone();
                    view! {
                        <div class="actions">
                            <button type="button" on:click=move |_| { renaming.set(true); focus(&field); }>
                                "Rename"<span class="visually-hidden">" " {shown(&name, 120)}</span>
                            </button>
                            <button type="button" on:click=delete.clone()>
                                "Delete"<span class="visually-hidden">" " {shown(&name, 120)}</span>
                            </button>
                        </div>
                    }
                }
            }>
                <form class="rename" on:submit=rename novalidate>
                    <div class="control">
                        <label for=field_id.clone()>"New name"</label>
                        <input id=field_id.clone() type="text" maxlength="200"
                            prop:value=move || new_name.get()
                            on:input=move |ev| new_name.set(event_target_value(&ev))/>
                    </div>
                    <div class="actions">
                        <button type="submit">"Save name"</button>
                        <button type="button" on:click=move |_| renaming.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        </li>
    }
}
