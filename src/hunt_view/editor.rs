//! The KQL editor: a labelled text area with completion of table and column names by keyboard (the
//! list is an ARIA listbox the text area controls: Tab takes the first, arrows choose and Enter takes the
//! chosen one, Escape closes; Enter otherwise is a new line) and
//! Ctrl+Enter to run.

use atp_core::hunting::complete;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::hunting::Hunting;

/// At most this many completions are listed.
const SHOWN: usize = 12;

/// The completion list: the names offered, what each says of itself, and the bytes of the text it
/// replaces.
#[derive(Clone, Debug, Default, PartialEq)]
struct Offer {
    names: Vec<(String, String, std::ops::Range<usize>)>,
    active: usize,
    /// The analyst moved through the list: Enter takes the active name (otherwise Enter is a new line).
    chosen: bool,
}

#[component]
pub fn Editor(hunting: Hunting, on_run: Callback<()>) -> impl IntoView {
    let offer = RwSignal::new(Offer::default());
    let area = NodeRef::<leptos::html::Textarea>::new();
    let cursor = move || {
        area.get_untracked()
            .and_then(|a| a.selection_start().ok().flatten())
            .map_or(0, |c| c as usize)
    };
    // The word before the cursor and what the schema has for it.
    let refresh = move || {
        let text = hunting.text.get_untracked();
        let at = utf16_to_byte(&text, cursor());
        let names = complete(&text, at)
            .into_iter()
            .take(SHOWN)
            .map(|c| (c.text, c.detail, c.replace))
            .collect();
        offer.set(Offer {
            names,
            active: 0,
            chosen: false,
        });
    };
    let take = move |index: usize| {
        let Some((name, _, range)) = offer.with_untracked(|o| o.names.get(index).cloned()) else {
            return;
        };
        let text = hunting.text.get_untracked();
        let (start, end) = (range.start.min(text.len()), range.end.min(text.len()));
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) || start > end {
            return;
        }
        let next = format!("{}{name}{}", &text[..start], &text[end..]);
        let caret = utf16_len(&next[..start + name.len()]);
        hunting.text.set(next.clone());
        offer.set(Offer::default());
        if let Some(area) = area.get_untracked() {
            area.set_value(&next);
            let _ = area.set_selection_range(caret, caret);
            let _ = area.focus();
        }
    };
    let keydown = move |ev: KeyboardEvent| {
        let open = offer.with_untracked(|o| !o.names.is_empty());
        match ev.key().as_str() {
            "Enter" if ev.ctrl_key() || ev.meta_key() => {
                ev.prevent_default();
                offer.set(Offer::default());
                on_run.run(());
            }
            "ArrowDown" if open => {
                ev.prevent_default();
                offer.update(|o| {
                    o.active = if o.chosen {
                        (o.active + 1) % o.names.len()
                    } else {
                        0
                    };
                    o.chosen = true;
                });
            }
            "ArrowUp" if open => {
                ev.prevent_default();
                offer.update(|o| {
                    o.active = (o.active + o.names.len() - 1) % o.names.len();
                    o.chosen = true;
                });
            }
            "Tab" if open => {
                ev.prevent_default();
                take(offer.with_untracked(|o| o.active));
            }
            "Enter" if open && offer.with_untracked(|o| o.chosen) => {
                ev.prevent_default();
                take(offer.with_untracked(|o| o.active));
            }
            "Enter" if open => offer.set(Offer::default()),
            "Escape" if open => {
                ev.prevent_default();
                offer.set(Offer::default());
            }
            " " if ev.ctrl_key() => {
                // Ctrl+Space: the list for the word here, even an empty one.
                ev.prevent_default();
                refresh();
            }
            _ => {}
        }
    };
    let input = move |ev: leptos::ev::Event| {
        let value = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            .map(|a| a.value())
            .unwrap_or_default();
        hunting.text.set(value);
        refresh();
    };
    let option_id = |i: usize| format!("kql-completion-{i}");
    view! {
        <div class="control kql">
            <label for="kql">"KQL query"</label>
            <textarea
                id="kql"
                node_ref=area
                rows="8"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                aria-autocomplete="list"
                aria-controls="kql-completions"
                aria-activedescendant=move || offer.with(|o| (!o.names.is_empty()).then(|| option_id(o.active)))
                aria-describedby="kql-help"
                prop:value=move || hunting.text.get()
                on:input=input
                on:keydown=keydown
                on:blur=move |_| offer.set(Offer::default())
            ></textarea>
            <p id="kql-help" class="help">
                "Tables, operators and columns complete as you type (Ctrl+Space asks): Tab takes the first, arrows choose and Enter takes the chosen one, Escape closes. Ctrl+Enter runs."
            </p>
            <ul id="kql-completions" role="listbox" aria-label="Completions" class="completions" class:hidden=move || offer.with(|o| o.names.is_empty())>
                {move || offer.with(|o| o.names.iter().enumerate().map(|(i, (name, detail, _))| {
                    let active = i == o.active;
                    view! {
                        <li
                            role="option"
                            id=option_id(i)
                            aria-selected=active.to_string()
                            class:active=active
                            // Before the text area's blur closes the list.
                            on:mousedown=move |ev| { ev.prevent_default(); take(i); }
                        >
                            <span class="name">{name.clone()}</span>
                            " "
                            <span class="detail">{detail.clone()}</span>
                        </li>
                    }
                }).collect_view())}
            </ul>
        </div>
    }
}

/// The byte offset in `text` of a position counted in UTF-16 units (what the DOM's selection gives).
fn utf16_to_byte(text: &str, units: usize) -> usize {
    let mut seen = 0;
    for (i, c) in text.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16();
    }
    text.len()
}

fn utf16_len(text: &str) -> u32 {
    u32::try_from(text.encode_utf16().count()).unwrap_or(u32::MAX)
}
