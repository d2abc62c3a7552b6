//! The card window in the page: the core's plan of which blocks are built ([`CardWindow`]), the signals
//! that build and empty them, and the frames that measure the list and apply the plan.

use atp_core::card_window::{CardWindow, Change, Measured, Step, SECTION};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Which cards of a long list exist in the page: the blocks on screen, a screen's worth above and below,
/// and the block that has the keyboard focus and the one after it (so Tab walks on through the list).
/// Blocks not built stand in at their measured height (or the average, until they have been seen), and a
/// section with no block built stands in for all of its blocks; the browser's scroll anchoring keeps the
/// view still when a measurement corrects a guess above it.
#[derive(Clone, Copy)]
pub(super) struct FeedWindow {
    /// Which blocks are built and what is known of their heights (the plan, without the page).
    plan: StoredValue<CardWindow>,
    /// Whether each block's cards are built: its first half.
    pub(super) built: StoredValue<Vec<RwSignal<bool>>>,
    /// Whether each block's second half is built too.
    pub(super) whole: StoredValue<Vec<RwSignal<bool>>>,
    /// Whether each section has its blocks in the page (it has a block built).
    pub(super) open: StoredValue<Vec<RwSignal<bool>>>,
    /// An update is waiting for the next frame.
    pending: StoredValue<bool>,
    /// How many blocks the list has (it grows as pages come).
    pub(super) blocks: RwSignal<usize>,
    /// The list's owner, which the signals of blocks added later belong to.
    owner: StoredValue<Owner>,
    pub(super) list: NodeRef<leptos::html::Div>,
}

impl FeedWindow {
    pub(super) fn new(total: usize) -> FeedWindow {
        let plan = CardWindow::new(total);
        let count = plan.blocks();
        let built: Vec<RwSignal<bool>> = (0..count)
            .map(|b| RwSignal::new(plan.is_built(b)))
            .collect();
        let whole: Vec<RwSignal<bool>> = (0..count)
            .map(|b| RwSignal::new(plan.is_whole(b)))
            .collect();
        let open: Vec<RwSignal<bool>> = (0..plan.sections())
            .map(|s| RwSignal::new(plan.is_open(s)))
            .collect();
        let window = FeedWindow {
            plan: StoredValue::new(plan),
            built: StoredValue::new(built),
            whole: StoredValue::new(whole),
            open: StoredValue::new(open),
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
    pub(super) fn grow(self, had_cards: usize, total: usize) {
        let Some(added) = self
            .plan
            .try_update_value(|plan| plan.grow(had_cards, total))
            .flatten()
        else {
            return;
        };
        if added.is_empty() {
            self.schedule();
            return;
        }
        let count = added.end;
        self.owner.with_value(|owner| {
            owner.with(|| {
                let more = || added.clone().map(|_| RwSignal::new(false));
                self.built.update_value(|b| b.extend(more()));
                self.whole.update_value(|w| w.extend(more()));
                self.open.update_value(|open| {
                    let sections = open.len()..count.div_ceil(SECTION);
                    open.extend(sections.map(|_| RwSignal::new(false)));
                });
            })
        });
        self.blocks.set(count);
        self.schedule();
    }

    /// Runs [`FeedWindow::update`] at the next frame (once, however many events ask).
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

    /// A frame: measure what is built, ask the plan what to build and empty, do it.
    fn update(self) {
        // The list may be gone by the frame (another tab, Load more, a new query): nothing to do then.
        let Some(list) = self.list.try_get_untracked().flatten() else {
            return;
        };
        let Some(measured) = self.measure(&list) else {
            return;
        };
        if let Some(guess) = measured.guess_to_write() {
            let _ = web_sys::HtmlElement::style(&list)
                .set_property("--card-block-guess", &format!("{guess}px"));
        }
        // What the screen shows, in the list's own coordinates.
        let top = list.get_bounding_client_rect().top();
        let screen = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(800.0);
        let Some(plan) = self
            .plan
            .try_update_value(|plan| plan.plan(measured, top, screen))
        else {
            return;
        };
        match plan.step {
            Step::Still => {}
            Step::Wait => self.schedule(),
            Step::Change(change) => {
                self.apply(&list, &change);
                // Measure what was just built, and go on toward the screen to spare.
                self.schedule();
            }
        }
    }

    /// Measures the blocks that are built whole. `None` when the list has no blocks.
    fn measure(self, list: &web_sys::HtmlElement) -> Option<Measured> {
        let heights: Vec<(usize, f64)> = self.plan.with_value(|plan| {
            plan.to_measure()
                .filter_map(|b| {
                    let element = self.block_element(list, b)?;
                    Some((b, element.get_bounding_client_rect().height()))
                })
                .collect()
        });
        self.plan
            .try_update_value(|plan| plan.measure(&heights))
            .flatten()
    }

    /// Builds and empties what the plan says, and writes the heights of blocks that stay in the page.
    fn apply(self, list: &web_sys::HtmlElement, change: &Change) {
        self.built.with_value(|built| {
            self.whole.with_value(|whole| {
                for &b in &change.emptied {
                    built[b].set(false);
                    whole[b].set(false);
                }
                for &b in &change.filled {
                    built[b].set(true);
                }
                if let Some(b) = change.completed {
                    whole[b].set(true);
                }
            });
        });
        // The blocks of sections that stay in the page take their new height here (a section put in the
        // page builds its blocks at theirs): one effect per block would be one more allocation for each of a
        // section's blocks.
        for &b in &change.resized {
            if let Some(block) = self.block_element(list, b) {
                let style = block.style();
                let built = self.plan.with_value(|plan| plan.is_built(b));
                let _ = match self.stand_in(b, built) {
                    Some(height) => style.set_property("height", &height),
                    None => style.remove_property("height").map(drop),
                };
            }
        }
        self.open.with_value(|open| {
            for &s in &change.closed {
                open[s].set(false);
            }
            for &s in &change.opened {
                open[s].set(true);
            }
        });
    }

    /// Keeps the focused card's block built, and the next one ready for Tab.
    pub(super) fn focus_moved(self, ev: &web_sys::FocusEvent) {
        let block = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-block]").ok().flatten())
            .and_then(|e| e.get_attribute("data-block"))
            .and_then(|b| b.parse::<usize>().ok());
        self.plan.update_value(|plan| plan.focus(block));
        self.schedule();
    }

    /// Focus moved to something else in the page: the block it left need not stay built. (Focus that leaves
    /// the window comes back to the same card, so that block is kept.)
    pub(super) fn focus_left(self, ev: &web_sys::FocusEvent) {
        let Some(to) = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
        else {
            return;
        };
        let list = self.list.try_get_untracked().flatten();
        if !list.is_some_and(|list| list.contains(Some(&to))) {
            self.plan.update_value(|plan| plan.focus(None));
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
    pub(super) fn section_stand_in(
        self,
        blocks: std::ops::Range<usize>,
        open: bool,
    ) -> Option<String> {
        if open {
            return None;
        }
        let (known, unseen) = self.plan.with_value(|plan| plan.section_stand_in(blocks));
        Some(match unseen {
            0 => format!("{known}px"),
            n => format!("calc({n} * var(--card-block-guess) + {known}px)"),
        })
    }

    /// The height a block that is not built stands in at: its own as last measured (scaled), else the
    /// guess. Heights are written in full: a stand-in a fraction of a pixel off its block moves every card
    /// below it, and the browser then walks them all again before it paints (15 ms a frame, measured).
    pub(super) fn stand_in(self, block: usize, built: bool) -> Option<String> {
        if built {
            return None;
        }
        Some(
            self.plan
                .with_value(|plan| plan.stand_in(block))
                .map_or_else(
                    || "var(--card-block-guess)".to_string(),
                    |h| format!("{h}px"),
                ),
        )
    }
}
