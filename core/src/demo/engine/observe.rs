//! The organization's sightings of an indicator (file, IP, domain), read from the alerts' links: what
//! prevalence statistics and files' global numbers are computed from.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::demo::{AlertLinks, Dataset};
use crate::model::Timestamp;

/// Which indicator a prevalence is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    File,
    Ip,
    Domain,
}

/// The organization's sightings of one indicator.
#[derive(Clone, Debug)]
pub(crate) struct Observed {
    pub machines: BTreeSet<u32>,
    pub first: Timestamp,
    pub last: Timestamp,
    /// File names by how often they were seen.
    pub names: BTreeMap<u8, usize>,
}

fn targets(link: &AlertLinks, target: Target) -> impl Iterator<Item = (u32, u8)> + '_ {
    let (files, others): (&[(u32, u8)], &[u32]) = match target {
        Target::File => (&link.files, &[]),
        Target::Ip => (&[], &link.ips),
        Target::Domain => (&[], &link.domains),
    };
    files.iter().copied().chain(others.iter().map(|&i| (i, 0)))
}

/// Sightings per indicator from the alerts' evidence, optionally of one indicator and since a time.
pub(crate) fn observe(
    data: &Dataset,
    target: Target,
    only: Option<u32>,
    since: Option<Timestamp>,
) -> HashMap<u32, Observed> {
    let mut out: HashMap<u32, Observed> = HashMap::new();
    for (alert, link) in data.alerts.iter().zip(&data.links) {
        let (Some(first), Some(last)) = (alert.first_event_time, alert.last_event_time) else {
            continue;
        };
        if since.is_some_and(|s| last < s) {
            continue;
        }
        for (id, name) in targets(link, target) {
            if only.is_some_and(|o| o != id) {
                continue;
            }
            let o = out.entry(id).or_insert_with(|| Observed {
                machines: BTreeSet::new(),
                first,
                last,
                names: BTreeMap::new(),
            });
            o.machines.insert(link.machine);
            o.first = o.first.min(first);
            o.last = o.last.max(last);
            *o.names.entry(name).or_default() += 1;
        }
    }
    out
}
