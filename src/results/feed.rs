//! The Cards tab: the feed of result cards, built a block at a time near the view, and "Load more".

use leptos::either::Either;
use leptos::prelude::*;
use std::sync::Arc;

use atp_core::card_window::{blocks_of, CARD_BLOCK, HALF_BLOCK, SECTION};
use atp_core::Profile;

use super::window::FeedWindow;
use crate::cards::{CardKind, CardPosition, EntityCard};
use crate::explorer::{use_explorer, Explorer, Loaded};

#[component]
pub(super) fn CardList(loaded: Signal<Arc<Loaded>>) -> impl IntoView {
    let explorer = use_explorer();
    let (kind, profile) = loaded.with_untracked(|l| (CardKind::of(l.query.route), l.query.profile));
    let total = Memo::new(move |_| loaded.with(|l| l.items.len()));
    let has_more = Memo::new(move |_| loaded.with(|l| l.next_link.is_some()));
    let loading_more = Memo::new(move |_| loaded.with(|l| l.loading_more));
    // Whether the answer came in pages: once it has, the button stays.
    let paged =
        Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || has_more.get());
    let empty = Memo::new(move |_| {
        loaded.with(|l| {
            l.items.is_empty() && l.exchange.outcome.as_ref().is_ok_and(|a| a.status < 400)
        })
    });
    let many = Memo::new(move |_| total.get() > 1);
    let add_all = add_all_button(loaded, kind, profile, many);
    let window = FeedWindow::new(total.get_untracked());
    // Pages "Load more" appends add blocks and sections after those there; nothing there is built again.
    Effect::new(move |had: Option<usize>| {
        let now = total.get();
        if let Some(had) = had {
            window.grow(had, now);
        }
        now
    });
    let feed = Feed {
        window,
        loaded,
        total,
        kind,
        profile,
        of: set_size(loaded),
    };
    view! {
        {move || empty.get().then(|| view! { <p class="hint">"No results."</p> })}
        {add_all}
        <div
            class="card-feed"
            role="feed"
            aria-label="Result cards"
            aria-busy=move || loading_more.get().to_string()
            node_ref=window.list
            on:focusin=move |ev| window.focus_moved(&ev)
            on:focusout=move |ev| window.focus_left(&ev)
        >
            <For each=move || 0..window.blocks.get().div_ceil(SECTION) key=|s| *s children=move |s| feed.section(s)/>
        </div>
        {load_more_button(explorer, paged, loading_more, has_more)}
    }
}

/// "Add all to graph", for a list of more than one entity.
fn add_all_button(
    loaded: Signal<Arc<Loaded>>,
    kind: CardKind,
    profile: Profile,
    many: Memo<bool>,
) -> impl IntoView {
    move || match kind {
        CardKind::Entity(entity) if many.get() => {
            let graph = crate::graph_state::use_graph();
            let add_all = move |_| {
                let values: Vec<_> = loaded
                    .with_untracked(|l| l.items.iter().filter_map(|i| i.value().ok()).collect());
                graph.add_starts(entity, &values, profile);
            };
            Some(view! {
                <button type="button" class="add-all-to-graph" on:click=add_all>
                    "Add all to graph"
                </button>
            })
        }
        _ => None,
    }
}

/// The list's size for screen readers: unknown (-1) while more pages may come, unless the API counted it.
fn set_size(loaded: Signal<Arc<Loaded>>) -> Signal<i64> {
    Signal::from(Memo::new(move |_| {
        loaded.with(|l| match (&l.next_link, l.count) {
            (None, _) => l.items.len() as i64,
            (Some(_), Some(count)) => i64::try_from(count).unwrap_or(-1),
            (Some(_), None) => -1,
        })
    }))
}

/// The button stays the same element while pages come, and after the last (the focus stays on it): it says
/// it is busy, or done, rather than being disabled or removed, which would send the focus away.
fn load_more_button(
    explorer: Explorer,
    paged: Memo<bool>,
    loading_more: Memo<bool>,
    has_more: Memo<bool>,
) -> impl IntoView {
    move || {
        paged.get().then(|| {
            view! {
                <button
                    type="button"
                    class="primary"
                    aria-disabled=move || (loading_more.get() || !has_more.get()).then_some("true")
                    on:click=move |_| explorer.load_more()
                >
                    {move || match (loading_more.get(), has_more.get()) {
                        (true, _) => "Loading…",
                        (false, true) => "Load more",
                        (false, false) => "All results loaded",
                    }}
                </button>
            }
        })
    }
}

/// What the feed's sections and blocks are built from.
#[derive(Clone, Copy)]
struct Feed {
    window: FeedWindow,
    loaded: Signal<Arc<Loaded>>,
    /// How many cards the answer has so far.
    total: Memo<usize>,
    kind: CardKind,
    profile: Profile,
    /// The list's size for screen readers.
    of: Signal<i64>,
}

impl Feed {
    /// Every section and block has its element from the start, built or standing in at its height: they
    /// only ever fill and empty in place, so nothing moves in the page (a moved element would lose the
    /// focus).
    fn section(self, section: usize) -> impl IntoView {
        let window = self.window;
        let open = window.open.with_value(|o| o[section]);
        // The last section gains blocks as pages come.
        let blocks = Memo::new(move |_| blocks_of(section, window.blocks.get()));
        let height = move || window.section_stand_in(blocks.get(), open.get());
        view! {
            <div class="card-section" style:height=height>
                {move || open.get().then(|| view! {
                    <For each=move || blocks.get() key=|b| *b children=move |b| self.block(b)/>
                })}
            </div>
        }
    }

    /// A block of cards, built by halves (or standing in at its height).
    fn block(self, block: usize) -> impl IntoView {
        let window = self.window;
        let built = window.built.with_value(|b| b[block]);
        let whole = window.whole.with_value(|w| w[block]);
        let start = block * CARD_BLOCK;
        view! {
            <div class="cards" data-block=block style:height=window.stand_in(block, built.get_untracked())>
                {self.cards(built, start..start + HALF_BLOCK)}
                {self.cards(whole, start + HALF_BLOCK..start + CARD_BLOCK)}
            </div>
        }
    }

    /// The cards of `range`, while `shown`.
    fn cards(self, shown: RwSignal<bool>, range: std::ops::Range<usize>) -> impl IntoView {
        move || {
            shown.get().then(|| {
                // The last block may be short: its places still empty fill as pages come, each once, and
                // the cards there stay as they are.
                let now = self.total.get_untracked();
                range
                    .clone()
                    .map(|i| {
                        if i < now {
                            Either::Left(self.card(i))
                        } else {
                            let total = self.total;
                            let came = Memo::new(move |_| i < total.get());
                            Either::Right(move || came.get().then(|| self.card(i)))
                        }
                    })
                    .collect_view()
            })
        }
    }

    /// The card of the answer's item `index`, if it has come.
    fn card(self, index: usize) -> Option<impl IntoView> {
        let item = self.loaded.with_untracked(|l| l.items.get(index).cloned());
        let (kind, profile, of) = (self.kind, self.profile, self.of);
        item.map(|item| {
            let position = CardPosition { index, of };
            view! { <EntityCard kind item profile position/> }
        })
    }
}
