//! In-organization statistics of a domain, IP or file: computed from the sightings since `lookBackHours`,
//! and written with the properties and names each API uses.

use chrono::Duration;
use serde_json::Value;

use super::kind::Kind;
use super::observe::{observe, Target};
use super::options::Options;
use super::write::{to_map, write_object};
use crate::catalogue::Api;
use crate::demo::Dataset;
use crate::model::{Prevalence, Stats, Timestamp};
use crate::order::sorted_by;
use crate::query::Query;

/// The statistics of indicator `id`: the organization's prevalence and, for a file, its global numbers
/// and the names it was seen under, most seen first.
pub(super) fn stats(
    data: &Dataset,
    target: Target,
    id: u32,
    query: &Query,
    options: &Options,
) -> Stats {
    let since = Timestamp(data.now.0 - Duration::hours(options.look_back_hours));
    let seen = observe(data, target, Some(id), Some(since)).remove(&id);
    let count = seen.as_ref().map_or(0, |o| o.machines.len() as u64);
    let wdatp = query.profile.api() == Api::Wdatp;
    let mut stats = Stats {
        organization_prevalence: (!wdatp).then(|| Prevalence::number(count)),
        org_prevalence: wdatp.then(|| Prevalence::text(count)),
        org_first_seen: seen.as_ref().map(|o| o.first),
        org_last_seen: seen.as_ref().map(|o| o.last),
        ..Stats::default()
    };
    match target {
        Target::Domain => stats.host = Some(data.domains[id as usize].host.clone()),
        Target::Ip => stats.ip_address = Some(data.ips[id as usize].id.clone()),
        Target::File => {
            let file = &data.files[id as usize];
            stats.sha1 = file.sha1.clone();
            if wdatp {
                stats.global_prevalence = file.global_prevalence;
            } else {
                stats.globally_prevalence = file.global_prevalence;
            }
            stats.global_first_observed = file.global_first_observed;
            stats.global_last_observed = file.global_last_observed;
            let names = &data.file_names[id as usize];
            let counted: Vec<(usize, &String)> = seen
                .as_ref()
                .map(|o| {
                    o.names
                        .iter()
                        .filter_map(|(n, c)| names.get(*n as usize).map(|s| (*c, s)))
                        .collect()
                })
                .unwrap_or_default();
            let counted = sorted_by(counted, |a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            stats.top_file_names = Some(counted.into_iter().map(|(_, s)| s.clone()).collect());
        }
    }
    stats
}

/// The statistics as the API writes them: its context, then its properties in order.
pub(super) fn stats_json(kind: Kind, stats: &Stats, api: Api, base: &str) -> String {
    let name = match kind {
        Kind::Domain => "InOrgDomainStats",
        Kind::Ip => "InOrgIPStats",
        _ => "InOrgFileStats",
    };
    let mut map = to_map(stats);
    map.insert(
        "@odata.context".into(),
        Value::String(format!(
            "{base}/$metadata#microsoft.windowsDefenderATP.api.{name}"
        )),
    );
    let mut all = vec!["@odata.context"];
    all.extend_from_slice(stats_fields(kind, api));
    let mut out = String::new();
    write_object(&mut out, &map, &all, None);
    out
}

/// The properties each API writes for the statistics of a kind, in order.
fn stats_fields(kind: Kind, api: Api) -> &'static [&'static str] {
    match (kind, api) {
        (Kind::Domain, Api::Wdatp) => &["host", "orgPrevalence", "orgFirstSeen", "orgLastSeen"],
        (Kind::Domain, Api::Defender | Api::Graph) => &[
            "host",
            "organizationPrevalence",
            "orgFirstSeen",
            "orgLastSeen",
        ],
        (Kind::Ip, Api::Wdatp) => &["ipAddress", "orgPrevalence", "orgFirstSeen", "orgLastSeen"],
        (Kind::Ip, Api::Defender | Api::Graph) => &[
            "ipAddress",
            "organizationPrevalence",
            "orgFirstSeen",
            "orgLastSeen",
        ],
        (_, Api::Wdatp) => &[
            "sha1",
            "orgPrevalence",
            "orgFirstSeen",
            "orgLastSeen",
            "globalPrevalence",
            "globalFirstObserved",
            "globalLastObserved",
            "topFileNames",
        ],
        (_, Api::Defender | Api::Graph) => &[
            "sha1",
            "organizationPrevalence",
            "orgFirstSeen",
            "orgLastSeen",
            "globallyPrevalence",
            "globalFirstObserved",
            "globalLastObserved",
            "topFileNames",
        ],
    }
}
