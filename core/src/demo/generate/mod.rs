//! The dataset generator: a seeded, coherent tenant. Machines have logon users; alerts happen on machines,
//! mostly to one of their users, and carry files, IPs and domains drawn with a skew so the same indicator
//! recurs across machines; actor campaigns reuse their own infrastructure. Prevalence is then computed from
//! those observations.
//!
//! Every step draws from one random stream, so the order of the steps (and of the draws inside each) is
//! part of the dataset: moving a draw changes every entity after it (`core/tests/demo_dataset.rs` pins it).

mod actors;
mod alerts;
mod defender;
mod derive;
mod files;
mod hostile;
mod machines;
mod network;
pub(crate) mod rng;

pub(crate) use defender::{product_kb, product_names, version_of};
mod users;

use chrono::{DateTime, Duration, Utc};

use super::{Dataset, DemoConfig, Index, Variant};
use crate::model::Timestamp;
use rng::Rng;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The tenant's "now", from which every generated time is an offset into the past.
#[derive(Clone, Copy)]
struct Clock {
    now: DateTime<Utc>,
}

impl Clock {
    /// The time `offset` before now.
    fn ago(self, offset: Duration) -> Timestamp {
        Timestamp(self.now - offset)
    }
}

/// How many entities of each kind a tenant of `scale` alerts has.
struct Counts {
    machines: usize,
    users: usize,
    files: usize,
    ips: usize,
    domains: usize,
}

fn counts(scale: usize) -> Counts {
    let f = |n: usize, min: usize| (scale * n / 1200).max(min);
    Counts {
        machines: f(250, 8),
        users: f(180, 6),
        files: f(400, files::FILE_KINDS.len()),
        ips: f(300, 8),
        // The source alert links the first generated (non-benign) domain, so there is always one.
        domains: f(150, network::BENIGN_DOMAINS.len() + 1),
    }
}

/// The tenant of `config`: the directory, the machines, the indicators, the actors and their campaigns,
/// the alerts tying them together, then what is computed from them.
pub(crate) fn generate(config: &DemoConfig) -> Dataset {
    let mut rng = Rng::new(config.seed);
    let clock = Clock { now: config.now };
    let scale = config.scale.max(1);
    let n = counts(scale);
    let users = users::users(&mut rng, n.users);
    let (machines, logons) = machines::machines(&mut rng, clock, n.machines, users.len());
    let (files, file_names) = files::files(&mut rng, n.files);
    let ips = network::ips(&mut rng, n.ips);
    let domains = network::domains(&mut rng, n.domains);
    let (actors, campaigns) = actors::actors(&mut rng, clock, &files, ips.len(), domains.len());
    let world = alerts::World {
        machines: &machines,
        users: &users,
        actors: &actors,
        campaigns: &campaigns,
        file_names: &file_names,
        files: files.len(),
        ips: ips.len(),
        domains: domains.len(),
        logons: &logons,
    };
    let (alerts, links) = alerts::alerts(&mut rng, clock, scale, &world);
    let mut data = Dataset {
        now: Timestamp(config.now),
        variant: config.variant,
        alerts,
        machines,
        users,
        files,
        ips,
        domains,
        actors,
        links,
        file_names,
        logons,
        index: Index::default(),
        rows: Vec::new(),
        strings: Vec::new(),
        defender: Default::default(),
    };
    derive::derive(&mut data, &mut rng);
    if config.variant == Variant::Hostile {
        hostile::make_hostile(&mut data, &mut rng);
    }
    data.rebuild_index();
    defender::defender(&mut data, &mut rng, clock);
    data
}
