//! What is computed from the observations once the alerts exist: machine risk and last seen, actors' last
//! activity, users' logon facts, files' global prevalence (never below what the organization saw).

use chrono::Duration;

use super::rng::Rng;
use crate::demo::engine::{observe, Target};
use crate::demo::records::severity_rank;
use crate::demo::Dataset;
use crate::model::{Prevalence, Timestamp};
use crate::odata::FieldValue;

/// Fills in every derived field; the steps draw in this order.
pub(super) fn derive(data: &mut Dataset, rng: &mut Rng) {
    machines_and_actors(data, rng);
    users(data);
    files(data, rng);
}

/// A machine's risk is its worst open alert's severity; it was last seen at its latest activity. An actor
/// was last seen at its latest alert, or (without one) some time before the tenant's 30 days.
fn machines_and_actors(data: &mut Dataset, rng: &mut Rng) {
    let now = data.now;
    let mut risk = vec![0u8; data.machines.len()];
    let mut last = vec![None::<Timestamp>; data.machines.len()];
    for (alert, link) in data.alerts.iter().zip(&data.links) {
        let m = link.machine as usize;
        if alert.status.as_deref() != Some("Resolved") {
            if let FieldValue::Rank(r) = severity_rank(&alert.severity) {
                risk[m] = risk[m].max(r + 1);
            }
        }
        last[m] = last[m].max(alert.last_event_time);
        if let (Some(a), Some(t)) = (link.actor, alert.alert_creation_time) {
            let actor = &mut data.actors[a as usize];
            actor.last_seen = actor.last_seen.max(Some(t));
        }
    }
    for (i, m) in data.machines.iter_mut().enumerate() {
        m.risk_score = Some(["None", "Low", "Low", "Medium", "High"][risk[i] as usize].into());
        if last[i] > m.last_seen {
            m.last_seen = last[i];
        }
        m.is_online = Some(
            m.last_seen
                .is_some_and(|t| (now.0 - t.0).num_minutes() < 90),
        );
    }
    for actor in &mut data.actors {
        if actor.last_seen.is_none() {
            actor.last_seen = Some(Timestamp(
                now.0 - Duration::days(31 + rng.below(300) as i64),
            ));
        }
    }
}

/// Users: machines they logged on to, first and last logon from those machines' activity.
fn users(data: &mut Dataset) {
    let mut per_user: Vec<Vec<u32>> = vec![Vec::new(); data.users.len()];
    for (m, us) in data.logons.iter().enumerate() {
        for &u in us {
            per_user[u as usize].push(m as u32);
        }
    }
    for (u, user) in data.users.iter_mut().enumerate() {
        let ms = &per_user[u];
        user.log_on_machines_count = Some(ms.len() as i64);
        user.most_prevalent_machine_id = ms.first().map(|&m| data.machines[m as usize].id.clone());
        user.least_prevalent_machine_id = ms.last().map(|&m| data.machines[m as usize].id.clone());
        user.first_seen = ms
            .iter()
            .filter_map(|&m| data.machines[m as usize].first_seen)
            .min();
        user.last_seen = ms
            .iter()
            .filter_map(|&m| data.machines[m as usize].last_seen)
            .max();
        let admin = user.is_domain_admin == Some(true);
        user.logon_types = Some(
            if admin {
                "Interactive, RemoteInteractive, Network"
            } else if ms.is_empty() {
                "Network"
            } else {
                "Interactive"
            }
            .into(),
        );
        user.is_only_network_user = Some(ms.is_empty());
    }
}

/// Files: global numbers include the organization's own sightings.
fn files(data: &mut Dataset, rng: &mut Rng) {
    let now = data.now;
    let stats = observe(data, Target::File, None, None);
    for (f, file) in data.files.iter_mut().enumerate() {
        let org = stats.get(&(f as u32));
        let org_count = org.map_or(0, |o| o.machines.len() as u64);
        let common = file.file_publisher.is_some();
        let global = if common {
            50_000 + rng.below(5_000_000)
        } else {
            rng.below(300)
        } as u64;
        file.global_prevalence = Some(Prevalence::number(global + org_count));
        let first = Timestamp(
            now.0
                - Duration::days(if common {
                    400 + rng.below(2000)
                } else {
                    31 + rng.below(200)
                } as i64),
        );
        file.global_first_observed = Some(org.map_or(first, |o| first.min(o.first)));
        let last_global = Timestamp(now.0 - Duration::seconds(rng.below(86_400 * 3) as i64));
        file.global_last_observed = Some(org.map_or(last_global, |o| last_global.max(o.last)));
    }
}
