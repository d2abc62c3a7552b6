//! The analyst's notes in the page: `core::notes::Notes` in a signal, kept in this browser's
//! localStorage (the analyst's own text only, never API data or a token), and the one note editor that
//! every entity card carries, in the result list and in the graph's side panel alike.

use std::sync::{Arc, OnceLock};

use atp_core::body::RawItem;
use atp_core::graph::{identify, NodeKey};
use atp_core::notes::Notes;
use atp_core::Entity;
use leptos::prelude::*;

use crate::platform::{local_storage, now_epoch_ms};

const STORE_KEY: &str = "atp-explorer.notes";

/// The notes in context, and what went wrong keeping them, if anything.
#[derive(Clone, Copy)]
pub struct NotesLog {
    pub notes: RwSignal<Notes>,
    /// Why notes are not (all) kept across visits, for the editor to say.
    pub problem: RwSignal<Option<String>>,
}

/// Reads the stored notes and provides them.
pub fn provide_notes() -> NotesLog {
    let (notes, problem) = match local_storage().map(|s| s.get_item(STORE_KEY)) {
        Some(Ok(Some(text))) => match Notes::from_json(&text) {
            Ok(notes) => (notes, None),
            Err(why) => (
                Notes::default(),
                Some(format!(
                    "The notes saved in this browser could not be read ({why}); they are left as they were until you save a note, which replaces them."
                )),
            ),
        },
        Some(Ok(None)) => (Notes::default(), None),
        _ => (
            Notes::default(),
            Some(
                "This browser does not let the page store notes: they are kept in this tab until it closes."
                    .to_string(),
            ),
        ),
    };
    let log = NotesLog {
        notes: RwSignal::new(notes),
        problem: RwSignal::new(problem),
    };
    provide_context(log);
    log
}

pub fn use_notes() -> NotesLog {
    expect_context::<NotesLog>()
}

impl NotesLog {
    /// Writes (or, with empty text, removes) the note on `key`, and stores every note. An error says
    /// what to do; the editor keeps the text.
    pub fn set(&self, key: &NodeKey, text: &str) -> Result<(), String> {
        let mut notes = self.notes.get_untracked();
        notes
            .set(key, text, now_epoch_ms())
            .map_err(|e| e.to_string())?;
        let stored = local_storage().map(|s| s.set_item(STORE_KEY, &notes.to_json()));
        self.notes.set(notes);
        match stored {
            Some(Ok(())) => {
                self.problem.set(None);
                Ok(())
            }
            _ => {
                self.problem.set(Some(
                    "The browser refused to store the notes (storage full or blocked): they are kept in this tab until it closes."
                        .to_string(),
                ));
                Ok(())
            }
        }
    }
}

/// What a card's note is about: its entity, identified from the API's JSON when first needed.
#[derive(Clone)]
pub struct NoteSource {
    entity: Entity,
    item: RawItem,
    key: Arc<OnceLock<Option<NodeKey>>>,
}

impl NoteSource {
    pub fn new(entity: Entity, item: RawItem) -> NoteSource {
        NoteSource {
            entity,
            item,
            key: Arc::new(OnceLock::new()),
        }
    }

    fn key(&self) -> Option<NodeKey> {
        self.key
            .get_or_init(|| {
                self.item
                    .value()
                    .ok()
                    .and_then(|v| identify(self.entity, &v))
                    .map(|f| f.key)
            })
            .clone()
    }
}

/// A card's note: shown when there is one, with a button to add or edit it (a labelled text area,
/// Save and Cancel). `name` is the card's heading, so each button and field says which entity it is for;
/// `id` is unique in the page (the text area's).
#[component]
pub fn NoteEditor(source: NoteSource, name: String, id: String) -> impl IntoView {
    let log = use_notes();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // Identifying parses the entity's JSON: not done for a card while there are no notes at all.
    let current = {
        let source = source.clone();
        Memo::new(move |_| {
            log.notes.with(|n| {
                if n.is_empty() {
                    return None;
                }
                source
                    .key()
                    .and_then(|k| n.get(&k).map(|note| note.text.clone()))
            })
        })
    };
    let label_for = id.clone();
    let open = move |_| {
        draft.set(current.get_untracked().unwrap_or_default());
        error.set(None);
        editing.set(true);
    };
    let save = {
        let source = source.clone();
        move |_| match source.key() {
            None => error.set(Some(
                "This entity has no id to keep a note by; copy the note elsewhere.".to_string(),
            )),
            Some(key) => match log.set(&key, &draft.get_untracked()) {
                Ok(()) => {
                    error.set(None);
                    editing.set(false);
                }
                Err(why) => error.set(Some(why)),
            },
        }
    };
    let button_name = {
        let name = name.clone();
        move || {
            if current.with(Option::is_some) {
                format!("Edit note on {name}")
            } else {
                format!("Add note to {name}")
            }
        }
    };
    let field_label = format!("Note on {name}");
    view! {
        <div class="card-note">
            {move || current.get().map(|text| view! {
                <p class="note-text"><span class="note-tag">"Note: "</span>{text}</p>
            })}
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <button type="button" class="note-open" aria-label=button_name.clone() on:click=open>
                        {move || if current.with(Option::is_some) { "Edit note" } else { "Add note" }}
                    </button>
                }
            >
                <label for=label_for.clone()>{field_label.clone()}</label>
                <textarea
                    id=id.clone()
                    rows="3"
                    maxlength=atp_core::notes::NOTE_MAX_CHARS.to_string()
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                ></textarea>
                <div class="note-buttons">
                    <button type="button" on:click=save.clone()>"Save note"</button>
                    <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                </div>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                {move || log.problem.get().map(|p| view! { <p class="hint">{p}</p> })}
            </Show>
        </div>
    }
}
