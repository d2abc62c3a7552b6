//! Which cards of a long result list exist in the page, as plain numbers: the shell measures the page, hands
//! the heights and the scroll position to [`CardWindow`], and builds, empties and resizes what the plan says.
//!
//! Cards are built in blocks of [`CARD_BLOCK`]; only the blocks on and near the screen are built, so a list
//! of 100,000 scrolls like one of 20. Blocks not built stand in at their measured height (or the average,
//! until they have been seen), and a section with no block built stands in for all of its blocks.
//!
//! A frame of the page is two calls: [`CardWindow::measure`] takes the heights of the blocks
//! [`CardWindow::to_measure`] names (and says whether the guess for blocks not seen must be written again),
//! then, once the shell has written it and read where the list is, [`CardWindow::plan`] says what to change.

use std::ops::Range;

/// Cards are built in blocks of this many. A frame builds half a block at most: 3 cards take about 6 ms to
/// build, style and lay out, so a frame that builds them is not late. (6 fills whole rows at 1, 2, 3 or 6
/// columns.)
pub const CARD_BLOCK: usize = 6;
/// The cards of a block built in its first frame; the rest come the frame after.
pub const HALF_BLOCK: usize = CARD_BLOCK / 2;
/// Blocks emptied a frame at most.
pub const EMPTIED_PER_FRAME: usize = 2;
/// A card's height before any has been measured.
pub const CARD_GUESS_PX: f64 = 320.0;
/// The most the list may measure: browsers cannot lay out much more (Chromium stops at 2^25 px, Firefox at
/// about 17.9 million), and 100,000 cards at full size are about 58 million. Blocks not built stand in
/// smaller, by the same factor, so the whole list fits and every card can be scrolled to.
pub const MAX_LIST_PX: f64 = 15_000_000.0;
/// A list of up to this many blocks (96 cards) is built whole: find in page and screen readers see all of it.
pub const WHOLE_LIST: usize = 16;
/// The blocks a longer list has built at least (24 cards, more than a screenful at any width): those on and
/// a screen around the view, else as many from there. Every element built is one more the browser's garbage
/// collector walks in its pauses: with 96 cards built at least, those pauses took up to 29 ms while
/// scrolling 100,000 alerts, long enough to miss a frame; with 24, 11 ms (measured).
pub const MIN_BLOCKS: usize = 4;
/// Blocks are grouped in sections of this many: a section none of whose blocks is built is one element
/// standing in for all of them. The browser walks every element of the list each frame the list changes
/// (layout, pre-paint), on screen or not: 100,000 cards are 1,042 sections, not 16,667 blocks.
pub const SECTION: usize = 16;
/// The height guess for blocks not yet seen changes in the page only when the average of those measured
/// has moved by more than this: every block standing in at the guess is laid out again when it changes.
pub const GUESS_SLACK: f64 = 0.1;

/// Which blocks of a list are built, and what is known of their heights: the blocks on screen, a screen's
/// worth above and below, and the block that has the keyboard focus and the one after it (so Tab walks on
/// through the list). A block is built by halves: its first half ([`CardWindow::is_built`]), then the rest
/// ([`CardWindow::is_whole`]).
#[derive(Clone, Debug)]
pub struct CardWindow {
    /// Whether each block's second half is built too.
    whole: Vec<bool>,
    /// The blocks built now.
    now: Range<usize>,
    /// Each block's height as last measured.
    heights: Vec<Option<f64>>,
    /// The height each block not built was given when it was emptied (its measured height, scaled).
    stand_ins: Vec<Option<f64>>,
    /// Blocks still built outside `now` (left behind by a jump), emptied a few a frame.
    leftover: Vec<usize>,
    /// The block holding the keyboard focus.
    focused: Option<usize>,
    /// The guess the stand-ins use now (`--card-block-guess` on the list).
    guess_shown: Option<f64>,
    /// Where the view landed, last frame, on blocks not built (the first block on screen); cards are built
    /// there once the view stays.
    landed: Option<usize>,
}

/// What a frame's measurements made of the heights, for [`CardWindow::plan`] in the same frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// A block's height before it has been seen: the average of those measured.
    natural: f64,
    /// How much smaller blocks not built stand in, so the list fits in [`MAX_LIST_PX`].
    scale: f64,
    /// The guess the stand-ins use in the page.
    guess: f64,
    /// Whether that guess is new: the shell writes it on the list (before it reads where the list is).
    guess_changed: bool,
}

impl Measured {
    /// The guess, in pixels, for blocks standing in at it, when it has changed and must be written again.
    pub fn guess_to_write(&self) -> Option<f64> {
        self.guess_changed.then_some(self.guess)
    }
}

/// What a frame does.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The blocks on screen.
    pub visible: Range<usize>,
    /// What the page is to do about them.
    pub step: Step,
}

/// What the page does in a frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Nothing to build or empty: the window is where it should be.
    Still,
    /// The view landed on blocks not built: wait a frame to see whether it stays there (ask again then).
    Wait,
    /// Build and empty these (then measure again at the next frame).
    Change(Change),
}

/// The blocks and sections a frame builds and empties, for the shell to apply in this order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Change {
    /// Blocks emptied (both halves): they stand in at [`CardWindow::stand_in`] now.
    pub emptied: Vec<usize>,
    /// Blocks whose first half is built.
    pub filled: Vec<usize>,
    /// The block whose second half is built.
    pub completed: Option<usize>,
    /// Emptied and filled blocks whose section stays in the page: their height is written in place (a
    /// section put in the page builds its blocks at theirs).
    pub resized: Vec<usize>,
    /// Sections none of whose blocks is built any more: one element stands in for them.
    pub closed: Vec<usize>,
    /// Sections put in the page: one of their blocks is built.
    pub opened: Vec<usize>,
}

impl CardWindow {
    /// The window of a list of `cards` cards: built whole when short, else its first [`MIN_BLOCKS`] blocks.
    pub fn new(cards: usize) -> CardWindow {
        let count = cards.div_ceil(CARD_BLOCK);
        let first = 0..if count <= WHOLE_LIST {
            count
        } else {
            MIN_BLOCKS
        };
        CardWindow {
            whole: (0..count).map(|b| first.contains(&b)).collect(),
            now: first,
            heights: vec![None; count],
            stand_ins: vec![None; count],
            leftover: Vec::new(),
            focused: None,
            guess_shown: None,
            landed: None,
        }
    }

    /// How many blocks the list has.
    pub fn blocks(&self) -> usize {
        self.heights.len()
    }

    /// How many sections the list has.
    pub fn sections(&self) -> usize {
        self.blocks().div_ceil(SECTION)
    }

    /// Whether a block's cards are built (its first half, at least).
    pub fn is_built(&self, block: usize) -> bool {
        self.now.contains(&block) || self.leftover.contains(&block)
    }

    /// Whether a block's second half is built too.
    pub fn is_whole(&self, block: usize) -> bool {
        self.whole.get(block).copied().unwrap_or(false)
    }

    /// Whether a section has its blocks in the page (one of them is built).
    pub fn is_open(&self, section: usize) -> bool {
        blocks_of(section, self.blocks()).any(|b| self.is_built(b))
    }

    /// The block holding the keyboard focus, if any.
    pub fn focused(&self) -> Option<usize> {
        self.focused
    }

    /// The keyboard focus moved to a card of `block`, or out of the list (`None`).
    pub fn focus(&mut self, block: Option<usize>) {
        self.focused = block;
    }

    /// Makes room for `cards` cards where there were `had_cards`: blocks for the cards added, standing in
    /// until built; what is built stays as it is. `None` when nothing was added; else the blocks added (which
    /// may be none, when the last block had room for the cards).
    pub fn grow(&mut self, had_cards: usize, cards: usize) -> Option<Range<usize>> {
        if cards <= had_cards {
            return None;
        }
        // A short last block has more cards now: its height as measured no longer holds.
        if !had_cards.is_multiple_of(CARD_BLOCK) {
            if let Some(h) = self.heights.get_mut(had_cards / CARD_BLOCK) {
                *h = None;
            }
        }
        let (count, had) = (cards.div_ceil(CARD_BLOCK), self.blocks());
        if count <= had {
            return Some(had..had);
        }
        self.whole.resize(count, false);
        self.heights.resize(count, None);
        self.stand_ins.resize(count, None);
        Some(had..count)
    }

    /// The blocks whose height the page is to measure this frame: those built whole.
    pub fn to_measure(&self) -> impl Iterator<Item = usize> + '_ {
        self.now.clone().filter(|&b| self.is_whole(b))
    }

    /// Takes this frame's measured `(block, height)`s. `None` when the list has no blocks (nothing to plan).
    pub fn measure(&mut self, measured: &[(usize, f64)]) -> Option<Measured> {
        if self.heights.is_empty() {
            return None;
        }
        for &(b, height) in measured {
            if let Some(slot) = self.heights.get_mut(b) {
                *slot = Some(height);
            }
        }
        let natural = guess(&self.heights);
        let total: f64 = self.heights.iter().map(|h| h.unwrap_or(natural)).sum();
        let scale = (MAX_LIST_PX / total.max(1.0)).min(1.0);
        let (guess, guess_changed) = match self.guess_shown {
            Some(shown) if ((natural * scale) / shown - 1.0).abs() <= GUESS_SLACK => (shown, false),
            _ => {
                let guess = (natural * scale).round().max(1.0);
                self.guess_shown = Some(guess);
                (guess, true)
            }
        };
        Some(Measured {
            natural,
            scale,
            guess,
            guess_changed,
        })
    }

    /// What to build and empty, the list's top being `top` pixels below the top of a screen `screen` pixels
    /// high (negative once scrolled past).
    pub fn plan(&mut self, measured: Measured, top: f64, screen: f64) -> Plan {
        // A short list is built whole, and has no jumps.
        let whole_list = self.blocks() <= WHOLE_LIST;
        let in_page = self.in_page(&measured);
        let (visible, wanted) = self.view(&in_page, top, screen, whole_list);
        // A view that lands on blocks not built is given a frame to stay before anything is built there: a
        // scrollbar dragged fast lands somewhere new every frame, and three cards built each time, gone the
        // frame after, made one frame in seven late (measured on 100,000 alerts) without showing anything
        // the eye could read. The page does not change while the drag goes on; the cards come when it stops.
        let now = self.now.clone();
        let jumped = !whole_list && (now.end <= visible.start || visible.end <= now.start);
        let landed = self.landed;
        self.landed = jumped.then_some(visible.start);
        let step = if jumped && landed != Some(visible.start) {
            Step::Wait
        } else {
            self.step(jumped, &visible, &wanted, measured.scale)
        };
        Plan { visible, step }
    }

    /// The height a block that is not built stands in at: its own as last measured (scaled), else `None`
    /// for the guess.
    pub fn stand_in(&self, block: usize) -> Option<f64> {
        self.stand_ins.get(block).copied().flatten()
    }

    /// The height a section none of whose `blocks` is built stands in at: the sum of its blocks' known
    /// stand-ins, and how many stand in at the guess.
    pub fn section_stand_in(&self, blocks: Range<usize>) -> (f64, usize) {
        self.stand_ins
            .get(blocks)
            .unwrap_or_default()
            .iter()
            .fold((0.0, 0usize), |(sum, n), h| match h {
                Some(h) => (sum + h, n),
                None => (sum, n + 1),
            })
    }

    /// Each block's height in the page now: as measured when built, its stand-in's otherwise.
    fn in_page(&self, measured: &Measured) -> Vec<f64> {
        let mut in_page: Vec<f64> = self
            .heights
            .iter()
            .zip(&self.stand_ins)
            .enumerate()
            .map(|(b, (h, s))| {
                if self.now.contains(&b) {
                    h.unwrap_or(measured.natural)
                } else {
                    s.unwrap_or(measured.guess)
                }
            })
            .collect();
        for &b in &self.leftover {
            in_page[b] = self.heights[b].unwrap_or(measured.natural);
        }
        in_page
    }

    /// The blocks the screen shows, and those wanted built: a screen more each way, the focused block and
    /// the next, at least [`MIN_BLOCKS`] (all of a whole list).
    fn view(
        &self,
        heights: &[f64],
        top: f64,
        screen: f64,
        whole_list: bool,
    ) -> (Range<usize>, Range<usize>) {
        let visible = blocks_in(heights, -top, -top + screen);
        let mut wanted = blocks_in(heights, -top - screen, -top + 2.0 * screen);
        // The focused block and the next, when near (one far away is only kept, not grown toward).
        if let Some(f) = self
            .focused
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
    }

    /// The frame's change, once the view has stayed: what to build toward `wanted`, what to empty.
    fn step(
        &mut self,
        jumped: bool,
        visible: &Range<usize>,
        wanted: &Range<usize>,
        scale: f64,
    ) -> Step {
        let (next, completed) = self.next(jumped, visible, wanted);
        let (left, emptied) = self.to_empty(&next, visible.start);
        let filled: Vec<usize> = next
            .clone()
            .filter(|b| !self.now.contains(b) && !self.leftover.contains(b))
            .collect();
        if filled.is_empty() && emptied.is_empty() && completed.is_none() && next == self.now {
            return Step::Still;
        }
        for &b in &emptied {
            self.stand_ins[b] = self.heights[b].map(|h| h * scale);
            self.whole[b] = false;
        }
        if let Some(b) = completed {
            self.whole[b] = true;
        }
        let (before, after) = (
            sections(self.now.clone(), &self.leftover),
            sections(next.clone(), &left),
        );
        let stays = |b: &usize| before.contains(&(b / SECTION)) && after.contains(&(b / SECTION));
        let resized = emptied
            .iter()
            .chain(&filled)
            .copied()
            .filter(stays)
            .collect();
        let closed = before
            .iter()
            .copied()
            .filter(|s| !after.contains(s))
            .collect();
        let opened = after
            .iter()
            .copied()
            .filter(|s| !before.contains(s))
            .collect();
        self.now = next;
        self.leftover = left;
        Step::Change(Change {
            emptied,
            filled,
            completed,
            resized,
            closed,
            opened,
        })
    }

    /// The blocks to have built after this frame, and the block whose second half it builds. Half a block
    /// a frame at most (a frame that builds more cards than that is late): when the view jumped, the first
    /// half of the block at the top of the screen alone; then the second half of a block built by halves
    /// (the screen's first), else the first half of one more: the rest of the screen's, then a screen to
    /// spare each way.
    fn next(
        &self,
        jumped: bool,
        visible: &Range<usize>,
        wanted: &Range<usize>,
    ) -> (Range<usize>, Option<usize>) {
        let now = &self.now;
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
                .find(|&b| !self.whole[b])
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
        (next, completed)
    }

    /// The blocks left built outside `next`, and those of them emptied this frame: a few a frame, the
    /// farthest from `from` first (emptying a screenful of cards at once takes longer than a frame), but
    /// never the focused block and the one after it.
    fn to_empty(&self, next: &Range<usize>, from: usize) -> (Vec<usize>, Vec<usize>) {
        let mut left: Vec<usize> = self
            .leftover
            .iter()
            .copied()
            .chain(self.now.clone())
            .filter(|b| !next.contains(b))
            .collect();
        let keep = |b: usize| self.focused.is_some_and(|f| b == f || b == f + 1);
        let mut emptied = Vec::new();
        while emptied.len() < EMPTIED_PER_FRAME {
            let farthest = (0..left.len())
                .filter(|&i| !keep(left[i]))
                .max_by_key(|&i| left[i].abs_diff(from));
            let Some(at) = farthest else {
                break;
            };
            emptied.push(left.swap_remove(at));
        }
        (left, emptied)
    }
}

/// The blocks from the one at `from` pixels down the list to the last that starts above `to`: at least one,
/// the last when `from` is past the end.
fn blocks_in(heights: &[f64], from: f64, to: f64) -> Range<usize> {
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
}

/// The sections in the page while `blocks` and `others` are built.
fn sections(blocks: Range<usize>, others: &[usize]) -> Vec<usize> {
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
}

/// The blocks of a section, of `count` blocks in all.
pub fn blocks_of(section: usize, count: usize) -> Range<usize> {
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
