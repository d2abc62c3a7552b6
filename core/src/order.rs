//! Sorting by index, through one comparator type.
//!
//! Every `sort_by` with its own closure is a separate copy of the standard library's sort in the wasm (about
//! 4 KB each before wasm-opt). The sorts here all go through [`sort_ids`], so the release build carries one.

use std::cmp::Ordering;

/// Sorts `ids` by `cmp`. Not stable: `cmp` must tell any two different ids apart (end it with the ids' own
/// order) wherever the order of ties matters.
pub fn sort_ids(ids: &mut [u32], cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    ids.sort_unstable_by(|&a, &b| cmp(a, b));
}

/// Keeps the first `n` of `ids` in `cmp`'s order (the rest unordered and dropped), then sorts those.
pub fn smallest_ids(ids: &mut Vec<u32>, n: usize, cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    if n < ids.len() {
        ids.select_nth_unstable_by(n, |&a, &b| cmp(a, b));
        ids.truncate(n);
    }
    sort_ids(ids, cmp);
}

/// The stable order of `0..len` by `cmp`: indices that compare equal keep their order.
pub fn stable_order(len: usize, mut cmp: impl FnMut(usize, usize) -> Ordering) -> Vec<u32> {
    let mut order: Vec<u32> = (0..len as u32).collect();
    sort_ids(&mut order, &mut |a, b| {
        cmp(a as usize, b as usize).then(a.cmp(&b))
    });
    order
}

/// `items` in the stable order `cmp` gives them.
pub fn sorted_by<T>(items: Vec<T>, mut cmp: impl FnMut(&T, &T) -> Ordering) -> Vec<T> {
    let order = stable_order(items.len(), |a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots[i as usize].take())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_by_is_stable() {
        let items = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        let sorted = sorted_by(items, |a, b| a.0.cmp(&b.0));
        assert_eq!(sorted, [(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }

    #[test]
    fn smallest_ids_keeps_the_first_n_in_order() {
        let mut ids: Vec<u32> = (0..100).rev().collect();
        smallest_ids(&mut ids, 5, &mut |a, b| {
            (a % 10).cmp(&(b % 10)).then(a.cmp(&b))
        });
        assert_eq!(ids, [0, 10, 20, 30, 40]);
        let mut few = vec![3, 1, 2];
        smallest_ids(&mut few, 10, &mut |a, b| a.cmp(&b));
        assert_eq!(few, [1, 2, 3]);
    }
}
