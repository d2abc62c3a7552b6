//! The result area: what happened, then the tabs Cards, JSON and Response.

use leptos::either::Either;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

use crate::cards::{CardKind, CardPosition, EntityCard};
use crate::explorer::{use_explorer, Loaded, Shown};
use crate::graph_view::{use_graph, GraphPanel};
use crate::json_view::JsonTree;

/// Cards are built in blocks of this many; only the blocks on and near the screen exist in the page, so a
/// list of 100,000 scrolls like one of 20. A frame builds half a block at most: 3 cards take about 6 ms
/// to build, style and lay out here, so a frame that builds them is not late. (6 fills whole rows at 1, 2,
/// 3 or 6 columns.)
const CARD_BLOCK: usize = 6;
/// The cards of a block built in its first frame; the rest come the frame after.
const HALF_BLOCK: usize = CARD_BLOCK / 2;
/// Blocks emptied a frame at most.
const EMPTIED_PER_FRAME: usize = 2;
/// A card's height before any has been measured.
const CARD_GUESS_PX: f64 = 320.0;
/// The most the list may measure: browsers cannot lay out much more (Chromium stops at 2^25 px, Firefox at
/// about 17.9 million), and 100,000 cards at full size are about 58 million. Blocks not built stand in
/// smaller, by the same factor, so the whole list fits and every card can be scrolled to.
const MAX_LIST_PX: f64 = 15_000_000.0;
/// A list of up to this many blocks (96 cards) is built whole: find in page and screen readers see all of it.
const WHOLE_LIST: usize = 16;
/// The blocks a longer list has built at least (24 cards, more than a screenful at any width): those on and
/// a screen around the view, else as many from there. Every element built is one more the browser's garbage
/// collector walks in its pauses: with 96 cards built at least, those pauses took up to 29 ms while
/// scrolling 100,000 alerts, long enough to miss a frame; with 24, 11 ms (measured).
const MIN_BLOCKS: usize = 4;
/// Blocks are grouped in sections of this many: a section none of whose blocks is built is one element
/// standing in for all of them. The browser walks every element of the list each frame the list changes
/// (layout, pre-paint), on screen or not: 100,000 cards are 1,042 sections, not 16,667 blocks.
const SECTION: usize = 16;
/// The height guess for blocks not yet seen changes in the page only when the average of those measured
/// has moved by more than this: every block standing in at the guess is laid out again when it changes.
const GUESS_SLACK: f64 = 0.1;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Cards,
    Json,
    Response,
}

/// Everything below the query builder.
#[component]
pub fn Results() -> impl IntoView {
    let explorer = use_explorer();
    let shown = explorer.shown;
    // The chosen tab outlives each answer; the Graph tab's panel outlives them too.
    let tab = RwSignal::new(Tab::Cards);
    let graph = use_graph();
    // A page that "Load more" appends changes the answer shown, not which one: its views stay (and with them
    // the focus, the scroll position and the cards built). Anything else shown is built anew (a refusal
    // the same as the last is announced again).
    let changes = StoredValue::new(0u64);
    let screen = Memo::new(move |_| {
        shown.with(|s| match s {
            Shown::Done(loaded) => Screen::Answer(loaded.run),
            _ => {
                changes.update_value(|n| *n += 1);
                Screen::Other(changes.get_value())
            }
        })
    });
    view! {
        <section class="results" aria-labelledby="results-title" aria-busy=move || matches!(shown.get(), Shown::Running(_)).to_string()>
            <h2 id="results-title">"Result"</h2>
            {move || {
                // Read for its changes alone (`track` does not bring a memo up to date).
                let _ = screen.get();
                match shown.get_untracked() {
                    Shown::Nothing => view! { <p class="hint">"Run a query, or pick a sample."</p> }.into_any(),
                    Shown::Refused(problems) => view! {
                        <div class="problem" role="alert">
                            <p><strong>"Nothing was sent."</strong>" Fix what is marked in the query above:"</p>
                            <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                        </div>
                    }
                    .into_any(),
                    Shown::Running(query) => view! { <p class="hint" role="status">"Running " <code>{query.url()}</code> "…"</p> }.into_any(),
                    Shown::Throttled { retry_at_ms, .. } => view! { <Countdown retry_at_ms/> }.into_any(),
                    Shown::Done(first) => {
                        // The answer as it grows; `first` only stands in between a new run and this view's end.
                        let run = first.run;
                        let loaded = Signal::derive(move || match shown.get() {
                            Shown::Done(loaded) if loaded.run == run => loaded,
                            _ => first.clone(),
                        });
                        view! { <LoadedView loaded tab/> }.into_any()
                    }
                }
            }}
            {move || graph.opened.get().then(|| view! {
                <div id="graph-panel" role="tabpanel" aria-labelledby="tab-graph" class:hidden=move || !graph.shown.get()>
                    <GraphPanel/>
                </div>
            })}
        </section>
    }
}

/// Which view the result area has: an answer (by its run, whatever pages it has), or the n-th other.
#[derive(Clone, PartialEq)]
enum Screen {
    Answer(u64),
    Other(u64),
}

#[component]
fn LoadedView(loaded: Signal<Arc<Loaded>>, tab: RwSignal<Tab>) -> impl IntoView {
    let graph = use_graph();
    let entity = loaded.with_untracked(|l| l.query.entity());
    // A page that failed says so here, above the cards already loaded.
    let problem = Memo::new(move |_| {
        loaded.with(|l| {
            let mut problem = l.error()?.problem(entity);
            if !l.items.is_empty() && l.next_link.is_some() {
                problem.advice.push_str(&format!(
                    " The {} results loaded stay; \"Load more\" asks for the next page again.",
                    l.items.len()
                ));
            }
            Some(problem)
        })
    });
    let tab_button = move |which: Tab, label: &'static str, id: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                id=id
                aria-controls="result-panel"
                aria-selected=move || (!graph.shown.get() && tab.get() == which).to_string()
                tabindex=move || if !graph.shown.get() && tab.get() == which { "0" } else { "-1" }
                on:click=move |_| {
                    tab.set(which);
                    graph.shown.set(false);
                }
            >
                {label}
            </button>
        }
    };
    // The cards follow the answer as it grows; the JSON and Response tabs show its last page, built again
    // when a page comes.
    let pages = Memo::new(move |_| loaded.with(|l| l.pages));
    let panel = move || match tab.get() {
        _ if graph.shown.get() => ().into_any(),
        Tab::Cards => view! { <CardList loaded/> }.into_any(),
        Tab::Json => {
            let _ = pages.get();
            view! { <JsonPanel loaded=loaded.get_untracked()/> }.into_any()
        }
        Tab::Response => {
            let _ = pages.get();
            view! { <ResponsePanel loaded=loaded.get_untracked()/> }.into_any()
        }
    };
    view! {
        {move || problem.get().map(|p| view! {
            <div class="problem" role="alert">
                <p><strong>{p.title}</strong></p>
                <p>{p.advice}</p>
            </div>
        })}
        <p class="summary" role="status">{move || loaded.with(|l| summary(l))}</p>
        <div class="tabs" role="tablist" aria-label="Result views">
            {tab_button(Tab::Cards, "Cards", "tab-cards")}
            {tab_button(Tab::Json, "JSON", "tab-json")}
            {tab_button(Tab::Response, "Response", "tab-response")}
            <button
                type="button"
                role="tab"
                id="tab-graph"
                aria-controls="graph-panel"
                aria-selected=move || graph.shown.get().to_string()
                tabindex=move || if graph.shown.get() { "0" } else { "-1" }
                on:click=move |_| graph.open()
            >
                "Graph"
            </button>
        </div>
        <div id="result-panel" role="tabpanel" class:hidden=move || graph.shown.get() aria-labelledby=move || match tab.get() {
            Tab::Cards => "tab-cards",
            Tab::Json => "tab-json",
            Tab::Response => "tab-response",
        }>
            {panel}
        </div>
    }
}

/// "200 · 20 of 1,200 alerts · 3 ms · 45 KB"
fn summary(loaded: &Loaded) -> String {
    let mut parts = Vec::new();
    match &loaded.exchange.outcome {
        Ok(answer) => parts.push(format!("HTTP {}", answer.status)),
        Err(_) => parts.push("no answer".to_string()),
    }
    if loaded.collection {
        let shown = loaded.items.len();
        parts.push(match loaded.count {
            Some(count) => format!("{shown} of {count} results"),
            None => format!("{shown} results"),
        });
    }
    parts.push(format!("{:.0} ms", loaded.exchange.elapsed_ms));
    if let Ok(answer) = &loaded.exchange.outcome {
        parts.push(size(answer.body.len()));
    }
    parts.join(" · ")
}

fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

#[component]
fn CardList(loaded: Signal<Arc<Loaded>>) -> impl IntoView {
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
    let add_all = move || match kind {
        CardKind::Entity(entity) if many.get() => {
            let graph = crate::graph_view::use_graph();
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
    };
    let window = CardWindow::new(total.get_untracked());
    // Pages "Load more" appends add blocks and sections after those there; nothing there is built again.
    Effect::new(move |had: Option<usize>| {
        let now = total.get();
        if let Some(had) = had {
            window.grow(had, now);
        }
        now
    });
    // The list's size for screen readers: unknown (-1) while more pages may come, unless the API counted it.
    let of = Signal::from(Memo::new(move |_| {
        loaded.with(|l| match (&l.next_link, l.count) {
            (None, _) => l.items.len() as i64,
            (Some(_), Some(count)) => i64::try_from(count).unwrap_or(-1),
            (Some(_), None) => -1,
        })
    }));
    // Every section and block has its element from the start, built or standing in at its height: they
    // only ever fill and empty in place, so nothing moves in the page (a moved element would lose the focus).
    let block = move |block: usize| {
        let built = window.built.with_value(|b| b[block]);
        let whole = window.whole.with_value(|w| w[block]);
        let start = block * CARD_BLOCK;
        let card = move |index: usize| {
            let item = loaded.with_untracked(|l| l.items.get(index).cloned());
            item.map(|item| {
                let position = CardPosition { index, of };
                view! { <EntityCard kind item profile position/> }
            })
        };
        let cards = move |shown: RwSignal<bool>, range: std::ops::Range<usize>| {
            move || {
                shown.get().then(|| {
                    // The last block may be short: its places still empty fill as pages come, each once,
                    // and the cards there stay as they are.
                    let now = total.get_untracked();
                    range
                        .clone()
                        .map(|i| {
                            if i < now {
                                Either::Left(card(i))
                            } else {
                                let came = Memo::new(move |_| i < total.get());
                                Either::Right(move || came.get().then(|| card(i)))
                            }
                        })
                        .collect_view()
                })
            }
        };
        view! {
            <div class="cards" data-block=block style:height=window.stand_in(block, built.get_untracked())>
                {cards(built, start..start + HALF_BLOCK)}
                {cards(whole, start + HALF_BLOCK..start + CARD_BLOCK)}
            </div>
        }
    };
    let section = move |section: usize| {
        let open = window.open.with_value(|o| o[section]);
        // The last section gains blocks as pages come.
        let blocks = Memo::new(move |_| blocks_of(section, window.blocks.get()));
        let height = move || window.section_stand_in(blocks.get(), open.get());
        view! {
            <div class="card-section" style:height=height>
                {move || open.get().then(|| view! {
                    <For each=move || blocks.get() key=|b| *b children=block/>
                })}
            </div>
        }
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
            <For each=move || 0..window.blocks.get().div_ceil(SECTION) key=|s| *s children=section/>
        </div>
        // The button stays the same element while pages come, and after the last (the focus stays on it): it
        // says it is busy, or done, rather than being disabled or removed, which would send the focus away.
        {move || paged.get().then(|| view! {
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
        })}
    }
}

/// Which cards of a long list exist in the page: the blocks on screen, a screen's worth above and below,
/// and the block that has the keyboard focus and the one after it (so Tab walks on through the list).
/// Blocks not built stand in at their measured height (or the average, until they have been seen), and a
/// section with no block built stands in for all of its blocks; the browser's scroll anchoring keeps the
/// view still when a measurement corrects a guess above it.
#[derive(Clone, Copy)]
struct CardWindow {
    /// Whether each block's cards are built: its first half.
    built: StoredValue<Vec<RwSignal<bool>>>,
    /// Whether each block's second half is built too.
    whole: StoredValue<Vec<RwSignal<bool>>>,
    /// Whether each section has its blocks in the page (it has a block built).
    open: StoredValue<Vec<RwSignal<bool>>>,
    /// The blocks built now.
    now: StoredValue<std::ops::Range<usize>>,
    /// Each block's height as last measured.
    heights: StoredValue<Vec<Option<f64>>>,
    /// The height each block not built was given when it was emptied (its measured height, scaled).
    stand_ins: StoredValue<Vec<Option<f64>>>,
    /// Blocks still built outside `now` (left behind by a jump), emptied a few a frame.
    leftover: StoredValue<Vec<usize>>,
    /// The block holding the keyboard focus.
    focused: StoredValue<Option<usize>>,
    /// The guess the stand-ins use now (`--card-block-guess` on the list).
    guess_shown: StoredValue<Option<f64>>,
    /// Where the view landed, last frame, on blocks not built (the first block on screen); cards are built
    /// there once the view stays.
    landed: StoredValue<Option<usize>>,
    /// An update is waiting for the next frame.
    pending: StoredValue<bool>,
    /// How many blocks the list has (it grows as pages come).
    blocks: RwSignal<usize>,
    /// The list's owner, which the signals of blocks added later belong to.
    owner: StoredValue<Owner>,
    list: NodeRef<leptos::html::Div>,
}

impl CardWindow {
    fn new(total: usize) -> CardWindow {
        let count = total.div_ceil(CARD_BLOCK);
        let first = 0..if count <= WHOLE_LIST {
            count
        } else {
            MIN_BLOCKS
        };
        let built: Vec<RwSignal<bool>> = (0..count)
            .map(|b| RwSignal::new(first.contains(&b)))
            .collect();
        let whole: Vec<RwSignal<bool>> = (0..count)
            .map(|b| RwSignal::new(first.contains(&b)))
            .collect();
        let open: Vec<RwSignal<bool>> = (0..count.div_ceil(SECTION))
            .map(|s| RwSignal::new(s * SECTION < first.end))
            .collect();
        let window = CardWindow {
            built: StoredValue::new(built),
            whole: StoredValue::new(whole),
            open: StoredValue::new(open),
            now: StoredValue::new(first),
            heights: StoredValue::new(vec![None; count]),
            stand_ins: StoredValue::new(vec![None; count]),
            leftover: StoredValue::new(Vec::new()),
            focused: StoredValue::new(None),
            guess_shown: StoredValue::new(None),
            landed: StoredValue::new(None),
            pending: StoredValue::new(false),
            blocks: RwSignal::new(count),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            list: NodeRef::new(),
        };
        let scroll = window_event_listener(leptos::ev::scroll, move |_| window.schedule());
        let resize = window_event_listener(leptos::ev::resize, move |_| window.schedule());
        on_cleanup(move || {
            scroll.remove();
            resize.remove();
        });
        // Measure the first blocks once they are in the page.
        Effect::new(move |_| window.schedule());
        window
    }
    /// Makes room for `total` cards where there were `had_cards`: blocks and sections for the cards added,
    /// standing in until built.
    fn grow(self, had_cards: usize, total: usize) {
        if total <= had_cards {
            return;
        }
        // A short last block has more cards now: its height as measured no longer holds.
        if !had_cards.is_multiple_of(CARD_BLOCK) {
            self.heights.update_value(|h| {
                if let Some(h) = h.get_mut(had_cards / CARD_BLOCK) {
                    *h = None;
                }
            });
        }
        let (count, had) = (total.div_ceil(CARD_BLOCK), self.blocks.get_untracked());
        if count <= had {
            self.schedule();
            return;
        }
        self.owner.with_value(|owner| {
            owner.with(|| {
                let more = || (had..count).map(|_| RwSignal::new(false));
                self.built.update_value(|b| b.extend(more()));
                self.whole.update_value(|w| w.extend(more()));
                self.open.update_value(|open| {
                    let sections = open.len()..count.div_ceil(SECTION);
                    open.extend(sections.map(|_| RwSignal::new(false)));
                });
            })
        });
        self.heights.update_value(|h| h.resize(count, None));
        self.stand_ins.update_value(|h| h.resize(count, None));
        self.blocks.set(count);
        self.schedule();
    }

    /// Runs [`CardWindow::update`] at the next frame (once, however many events ask).
    fn schedule(self) {
        if self.pending.get_value() {
            return;
        }
        self.pending.set_value(true);
        request_animation_frame(move || {
            self.pending.set_value(false);
            self.update();
        });
    }

    fn update(self) {
        // The list may be gone by the frame (another tab, Load more, a new query): nothing to do then.
        let Some(list) = self.list.try_get_untracked().flatten() else {
            return;
        };
        if self.built.with_value(Vec::is_empty) {
            return;
        }
        // Measure the blocks that are built whole.
        let now = self.now.get_value();
        // A short list is built whole, and has no jumps.
        let whole_list = self.blocks.get_untracked() <= WHOLE_LIST;
        let whole = |b: usize| self.whole.with_value(|w| w[b].get_untracked());
        self.heights.update_value(|heights| {
            for b in now.clone().filter(|&b| whole(b)) {
                if let (Some(element), Some(slot)) =
                    (self.block_element(&list, b), heights.get_mut(b))
                {
                    *slot = Some(element.get_bounding_client_rect().height());
                }
            }
        });
        let natural = self.heights.with_value(|h| guess(h));
        let total: f64 = self
            .heights
            .with_value(|h| h.iter().map(|h| h.unwrap_or(natural)).sum());
        let scale = (MAX_LIST_PX / total.max(1.0)).min(1.0);
        let guess_now = match self.guess_shown.get_value() {
            Some(shown) if ((natural * scale) / shown - 1.0).abs() <= GUESS_SLACK => shown,
            _ => {
                let guess = (natural * scale).round().max(1.0);
                self.guess_shown.set_value(Some(guess));
                let _ = web_sys::HtmlElement::style(&list)
                    .set_property("--card-block-guess", &format!("{guess}px"));
                guess
            }
        };
        // Each block's height in the page now: as measured when built, its stand-in's otherwise.
        let mut in_page: Vec<f64> = self.heights.with_value(|heights| {
            self.stand_ins.with_value(|stand_ins| {
                heights
                    .iter()
                    .zip(stand_ins)
                    .enumerate()
                    .map(|(b, (h, s))| {
                        if now.contains(&b) {
                            h.unwrap_or(natural)
                        } else {
                            s.unwrap_or(guess_now)
                        }
                    })
                    .collect()
            })
        });
        let leftover = self.leftover.get_value();
        self.heights.with_value(|heights| {
            for &b in &leftover {
                in_page[b] = heights[b].unwrap_or(natural);
            }
        });
        // What the screen shows, in the list's own coordinates, and a screen more each way.
        let top = list.get_bounding_client_rect().top();
        let screen = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(800.0);
        let (visible, wanted) = {
            let heights = &in_page;
            let blocks_in = |from: f64, to: f64| {
                let (mut first, mut end, mut y) = (None, 0, 0.0);
                for (b, &h) in heights.iter().enumerate() {
                    if first.is_none() && y + h > from {
                        first = Some(b);
                    }
                    if y < to {
                        end = b + 1;
                    }
                    y += h;
                }
                let first = first.unwrap_or(heights.len().saturating_sub(1));
                first..end.max(first + 1).min(heights.len())
            };
            let visible = blocks_in(-top, -top + screen);
            let mut wanted = blocks_in(-top - screen, -top + 2.0 * screen);
            // The focused block and the next, when near (one far away is only kept, not grown toward).
            if let Some(f) = self
                .focused
                .get_value()
                .filter(|&f| f + 2 >= wanted.start && f <= wanted.end)
            {
                wanted = wanted.start.min(f)..wanted.end.max((f + 2).min(heights.len()));
            }
            if whole_list {
                (visible, 0..heights.len())
            } else {
                let end = wanted.end.max(wanted.start + MIN_BLOCKS).min(heights.len());
                (
                    visible,
                    end.saturating_sub(MIN_BLOCKS).min(wanted.start)..end,
                )
            }
        };
        // Half a block a frame at most (a frame that builds more cards than that is late): when the view
        // jumped, the first half of the block at the top of the screen alone; then the second half of a
        // block built by halves (the screen's first), else the first half of one more: the rest of the
        // screen's, then a screen to spare each way.
        let jumped = !whole_list && (now.end <= visible.start || visible.end <= now.start);
        // A view that lands on blocks not built is given a frame to stay before anything is built there: a
        // scrollbar dragged fast lands somewhere new every frame, and three cards built each time, gone the
        // frame after, made one frame in seven late (measured on 100,000 alerts) without showing anything
        // the eye could read. The page does not change while the drag goes on; the cards come when it stops.
        let landed = self.landed.get_value();
        self.landed.set_value(jumped.then_some(visible.start));
        if jumped && landed != Some(visible.start) {
            self.schedule();
            return;
        }
        let mut next = if jumped {
            visible.start..visible.start + 1
        } else {
            now.start.max(wanted.start)..now.end.min(wanted.end)
        };
        let completed = if jumped {
            None
        } else {
            (visible.start.max(next.start)..visible.end.min(next.end))
                .chain(next.clone())
                .find(|&b| !whole(b))
        };
        if jumped || completed.is_some() {
        } else if next.end < visible.end {
            next.end += 1;
        } else if next.start > visible.start {
            next.start -= 1;
        } else if next.end < wanted.end {
            next.end += 1;
        } else if next.start > wanted.start {
            next.start -= 1;
        }
        // Blocks left behind are emptied a few a frame, the farthest first (emptying a screenful of cards at
        // once takes longer than a frame), but never the focused block and the one after it.
        let mut left: Vec<usize> = leftover
            .iter()
            .copied()
            .chain(now.clone())
            .filter(|b| !next.contains(b))
            .collect();
        let focused = self.focused.get_value();
        let keep = |b: usize| focused.is_some_and(|f| b == f || b == f + 1);
        let mut emptied = Vec::new();
        while emptied.len() < EMPTIED_PER_FRAME {
            let farthest = (0..left.len())
                .filter(|&i| !keep(left[i]))
                .max_by_key(|&i| left[i].abs_diff(visible.start));
            let Some(at) = farthest else {
                break;
            };
            emptied.push(left.swap_remove(at));
        }
        let filled: Vec<usize> = next
            .clone()
            .filter(|b| !now.contains(b) && !leftover.contains(b))
            .collect();
        if filled.is_empty() && emptied.is_empty() && completed.is_none() && next == now {
            return;
        }
        self.stand_ins.update_value(|stand_ins| {
            self.heights.with_value(|heights| {
                for &b in &emptied {
                    stand_ins[b] = heights[b].map(|h| h * scale);
                }
            });
        });
        self.built.with_value(|built| {
            self.whole.with_value(|whole| {
                for &b in &emptied {
                    built[b].set(false);
                    whole[b].set(false);
                }
                for &b in &filled {
                    built[b].set(true);
                }
                if let Some(b) = completed {
                    whole[b].set(true);
                }
            });
        });
        // A section is in the page while one of its blocks is built.
        let sections = |blocks: std::ops::Range<usize>, others: &[usize]| {
            // A few dozen at most: a search each beats a sort (and keeps a second sort out of the wasm).
            let mut sections: Vec<usize> = Vec::new();
            for s in ((blocks.start / SECTION)..blocks.end.div_ceil(SECTION))
                .chain(others.iter().map(|b| b / SECTION))
            {
                if !sections.contains(&s) {
                    sections.push(s);
                }
            }
            sections
        };
        let (before, after) = (sections(now, &leftover), sections(next.clone(), &left));
        // The blocks of sections that stay in the page take their new height here (a section put in the
        // page builds its blocks at theirs): one effect per block would be one more allocation for each of a
        // section's blocks.
        for &b in emptied.iter().chain(&filled) {
            let section = b / SECTION;
            if before.contains(&section) && after.contains(&section) {
                if let Some(block) = self.block_element(&list, b) {
                    let style = block.style();
                    let _ = match self.stand_in(b, next.contains(&b)) {
                        Some(height) => style.set_property("height", &height),
                        None => style.remove_property("height").map(drop),
                    };
                }
            }
        }
        self.open.with_value(|open| {
            for &s in before.iter().filter(|s| !after.contains(s)) {
                open[s].set(false);
            }
            for &s in after.iter().filter(|s| !before.contains(s)) {
                open[s].set(true);
            }
        });
        self.now.set_value(next);
        self.leftover.set_value(left);
        // Measure what was just built, and go on toward the screen to spare.
        self.schedule();
    }

    /// Keeps the focused card's block built, and the next one ready for Tab.
    fn focus_moved(self, ev: &web_sys::FocusEvent) {
        let block = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-block]").ok().flatten())
            .and_then(|e| e.get_attribute("data-block"))
            .and_then(|b| b.parse::<usize>().ok());
        self.focused.set_value(block);
        self.schedule();
    }

    /// Focus moved to something else in the page: the block it left need not stay built. (Focus that leaves
    /// the window comes back to the same card, so that block is kept.)
    fn focus_left(self, ev: &web_sys::FocusEvent) {
        let Some(to) = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
        else {
            return;
        };
        let list = self.list.try_get_untracked().flatten();
        if !list.is_some_and(|list| list.contains(Some(&to))) {
            self.focused.set_value(None);
            self.schedule();
        }
    }

    /// A block's element, when its section is in the page.
    fn block_element(
        self,
        list: &web_sys::HtmlElement,
        block: usize,
    ) -> Option<web_sys::HtmlElement> {
        list.children()
            .item((block / SECTION) as u32)?
            .children()
            .item((block % SECTION) as u32)?
            .dyn_into()
            .ok()
    }

    /// The height a section none of whose `blocks` is built stands in at: the sum of its blocks'.
    fn section_stand_in(self, blocks: std::ops::Range<usize>, open: bool) -> Option<String> {
        if open {
            return None;
        }
        let (known, unseen) = self.stand_ins.with_value(|h| {
            h.get(blocks)
                .unwrap_or_default()
                .iter()
                .fold((0.0, 0usize), |(sum, n), h| match h {
                    Some(h) => (sum + h, n),
                    None => (sum, n + 1),
                })
        });
        Some(match unseen {
            0 => format!("{known}px"),
            n => format!("calc({n} * var(--card-block-guess) + {known}px)"),
        })
    }

    /// The height a block that is not built stands in at: its own as last measured (scaled), else the
    /// guess. Heights are written in full: a stand-in a fraction of a pixel off its block moves every card
    /// below it, and the browser then walks them all again before it paints (15 ms a frame, measured).
    fn stand_in(self, block: usize, built: bool) -> Option<String> {
        if built {
            return None;
        }
        Some(
            self.stand_ins
                .with_value(|h| h.get(block).copied().flatten())
                .map_or_else(
                    || "var(--card-block-guess)".to_string(),
                    |h| format!("{h}px"),
                ),
        )
    }
}

/// The blocks of a section, of `count` blocks in all.
fn blocks_of(section: usize, count: usize) -> std::ops::Range<usize> {
    (section * SECTION).min(count)..((section + 1) * SECTION).min(count)
}

/// A block's height before it has been seen: the average of those measured, else a block of cards in
/// one column.
fn guess(heights: &[Option<f64>]) -> f64 {
    let (sum, n) = heights
        .iter()
        .flatten()
        .fold((0.0, 0usize), |(s, n), h| (s + h, n + 1));
    if n == 0 {
        CARD_BLOCK as f64 * CARD_GUESS_PX
    } else {
        sum / n as f64
    }
}

#[component]
fn JsonPanel(loaded: Arc<Loaded>) -> impl IntoView {
    let raw = RwSignal::new(false);
    let body = match &loaded.exchange.outcome {
        Ok(answer) => answer.body.clone(),
        Err(_) => Arc::default(),
    };
    let copied = RwSignal::new(None::<String>);
    let copy_body = body.clone();
    let copy = move |_| {
        let navigator = window().navigator();
        let promise = navigator.clipboard().write_text(&copy_body);
        leptos::task::spawn_local(async move {
            let outcome = wasm_bindgen_futures::JsFuture::from(promise).await;
            copied.set(Some(match outcome {
                Ok(_) => "Copied the whole body.".to_string(),
                Err(_) => {
                    "The browser refused the clipboard; select the Raw text and copy it instead."
                        .to_string()
                }
            }));
        });
    };
    // The tree is built only now, when the tab opens: most answers are only ever seen as cards.
    let tree = match atp_core::body::tree(&body) {
        Ok(value) => view! { <JsonTree value/> }.into_any(),
        Err(reason) => {
            let place = if reason.line > 0 {
                format!(" (line {}, column {})", reason.line, reason.column)
            } else {
                String::new()
            };
            let what = if body.is_empty() {
                "There is no body.".to_string()
            } else {
                format!(
                    "Not shown as JSON: {}{place}. The body is shown as received.",
                    reason.message
                )
            };
            view! {
                <p class="problem" role="alert">{what}</p>
                <pre class="raw">{shown_text(&body)}</pre>
            }
            .into_any()
        }
    };
    view! {
        <div class="json-tools">
            <label class="inline"><input type="checkbox" prop:checked=move || raw.get() on:change=move |ev| raw.set(event_target_checked(&ev))/>" Raw"</label>
            <button type="button" on:click=copy>"Copy body"</button>
            <span role="status">{move || copied.get()}</span>
        </div>
        {move || if raw.get() {
            view! { <pre class="raw" aria-label="Raw body">{shown_text(&body)}</pre> }.into_any()
        } else {
            ().into_any()
        }}
        <div class:hidden=move || raw.get()>{tree}</div>
    }
}

#[component]
fn ResponsePanel(loaded: Arc<Loaded>) -> impl IntoView {
    let exchange = loaded.exchange.clone();
    let (status, headers, length) = match &exchange.outcome {
        Ok(answer) => (
            answer.status.to_string(),
            answer.headers.clone(),
            size(answer.body.len()),
        ),
        Err(failure) => (
            failure.problem(loaded.query.entity()).title,
            Vec::new(),
            "—".to_string(),
        ),
    };
    view! {
        <dl class="response">
            <div class="field"><dt>"Request"</dt><dd><code>{"GET "}{exchange.url.clone()}</code></dd></div>
            <div class="field"><dt>"Status"</dt><dd>{status}</dd></div>
            <div class="field"><dt>"Elapsed"</dt><dd>{format!("{:.1} ms", exchange.elapsed_ms)}</dd></div>
            <div class="field"><dt>"Size"</dt><dd>{length}</dd></div>
        </dl>
        <table class="headers">
            <caption>"Response headers"</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
            <tbody>
                {headers.into_iter().map(|(n, v)| view! { <tr><td>{n}</td><td>{v}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}

/// "Too many requests: running again in 4 s", counting down.
#[component]
fn Countdown(
    /// When the query runs again (`performance.now()` time).
    retry_at_ms: f64,
) -> impl IntoView {
    let left = move || {
        ((retry_at_ms - crate::platform::now_ms()) / 1000.0)
            .ceil()
            .max(0.0)
    };
    let seconds = RwSignal::new(left());
    if let Ok(handle) = set_interval_with_handle(
        move || seconds.set(left()),
        std::time::Duration::from_millis(250),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <div class="problem" role="status">
            <p><strong>"Too many requests: the API allows 100 calls a minute and 1,500 an hour."</strong></p>
            <p>{move || format!("Running the query again in {} s, as the API asked (Retry-After).", seconds.get())}</p>
        </div>
    }
}

/// A body as page text: all of it up to 2 MB (beyond that a browser stalls laying out one text node),
/// with a note of what is left out; "Copy body" still copies everything.
fn shown_text(body: &str) -> String {
    const LIMIT: usize = 2 * 1024 * 1024;
    if body.len() <= LIMIT {
        return body.to_string();
    }
    let mut end = LIMIT;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n\n… {} more bytes not shown; use Copy body for all of it.",
        &body[..end],
        body.len() - end
    )
}
