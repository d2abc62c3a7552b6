//! The hostile variant: every free-text field replaced with payloads; ids keep the formats their routes
//! accept, except users, whose `domain\name` ids carry payloads too.

use std::collections::HashMap;

use super::rng::Rng;
use crate::demo::{hostile_long_string, Dataset, HOSTILE_PAYLOADS};
use crate::model::Comment;

/// The payloads in turn: each planted string, the very long one, a null, then random pairs, round again.
struct Payloads {
    long: String,
    counter: usize,
}

impl Payloads {
    fn next(&mut self, rng: &mut Rng) -> Option<String> {
        self.counter += 1;
        match self.counter % (HOSTILE_PAYLOADS.len() + 3) {
            x if x < HOSTILE_PAYLOADS.len() => Some(HOSTILE_PAYLOADS[x].to_string()),
            x if x == HOSTILE_PAYLOADS.len() => Some(self.long.clone()),
            x if x == HOSTILE_PAYLOADS.len() + 1 => None,
            _ => Some(format!(
                "{}{}",
                rng.pick(HOSTILE_PAYLOADS),
                rng.pick(HOSTILE_PAYLOADS)
            )),
        }
    }
}

/// Sets each field to the next payload, in the order listed.
macro_rules! hostile {
    ($payloads:expr, $rng:expr; $($field:expr),+ $(,)?) => { $( $field = $payloads.next($rng); )+ };
}

/// Plants the payloads; the entity families take them in this order.
pub(super) fn make_hostile(data: &mut Dataset, rng: &mut Rng) {
    let mut p = Payloads {
        long: hostile_long_string(),
        counter: 0,
    };
    alerts(data, &mut p, rng);
    machines(data, &mut p, rng);
    files(data, &mut p, rng);
    actors(data, &mut p, rng);
    users(data, &mut p, rng);
}

fn alerts(data: &mut Dataset, p: &mut Payloads, rng: &mut Rng) {
    for a in &mut data.alerts {
        hostile!(p, rng;
            a.assigned_to,
            a.severity,
            a.status,
            a.classification,
            a.determination,
            a.investigation_state,
            a.detection_source,
            a.detector_id,
            a.category,
            a.threat_family_name,
            a.title,
            a.description,
            a.recommended_action,
            a.computer_dns_name,
            a.rbac_group_name,
            a.aad_tenant_id,
            a.threat_name,
            a.actor_name,
        );
        a.mitre_techniques = Some(vec![p.next(rng).unwrap_or_default(), "T1059".into()]);
        a.comments = Some(vec![Comment {
            comment: p.next(rng),
            created_by: p.next(rng),
            created_time: a.alert_creation_time,
            extra: Default::default(),
        }]);
        if let Some(u) = &mut a.related_user {
            hostile!(p, rng; u.user_name, u.domain_name);
        }
    }
}

fn machines(data: &mut Dataset, p: &mut Payloads, rng: &mut Rng) {
    for m in &mut data.machines {
        hostile!(p, rng;
            m.computer_dns_name,
            m.os_platform,
            m.os_version,
            m.os_processor,
            m.version,
            m.system_product_name,
            m.agent_version,
            m.health_status,
            m.onboarding_status,
            m.device_value,
            m.rbac_group_name,
            m.risk_score,
            m.exposure_level,
            m.aad_device_id,
        );
        m.machine_tags = Some(vec![
            p.next(rng).unwrap_or_default(),
            p.next(rng).unwrap_or_default(),
        ]);
    }
}

/// Files' free text, then the names they were seen under (a missing payload becomes a NUL).
fn files(data: &mut Dataset, p: &mut Payloads, rng: &mut Rng) {
    for f in &mut data.files {
        hostile!(p, rng;
            f.windows_defender_av_threat_name,
            f.file_type,
            f.file_publisher,
            f.file_product_name,
            f.signer,
            f.issuer,
            f.signer_hash,
            f.determination_type,
            f.determination_value,
        );
    }
    for names in &mut data.file_names {
        for n in names.iter_mut() {
            *n = p.next(rng).unwrap_or_else(|| "\u{0}".into());
        }
    }
}

fn actors(data: &mut Dataset, p: &mut Payloads, rng: &mut Rng) {
    for a in &mut data.actors {
        hostile!(p, rng; a.name, a.description);
        a.link_to_report = Some("javascript:window.__atp_pwned=1".into());
        a.aliases = Some(
            HOSTILE_PAYLOADS
                .iter()
                .take(4)
                .map(|s| s.to_string())
                .collect(),
        );
        a.targeted_sectors = Some(vec![p.next(rng).unwrap_or_default()]);
    }
}

/// User ids carry payloads too: only those a `domain\name` key can hold (no backslash, no invisible or
/// control characters, no surrounding spaces), made unique by their position. Alerts' related users
/// follow the new names.
fn users(data: &mut Dataset, p: &mut Payloads, rng: &mut Rng) {
    let safe: Vec<&str> = HOSTILE_PAYLOADS
        .iter()
        .copied()
        .filter(|p| {
            !p.contains('\\')
                && p.trim() == *p
                && !p
                    .chars()
                    .any(|c| c.is_control() || crate::text::is_invisible(c))
        })
        .collect();
    first_machine_name(data);
    let mut renamed = HashMap::new();
    for (i, u) in data.users.iter_mut().enumerate() {
        let name = format!("{}{i}", safe[i % safe.len()]);
        let domain = safe[(i + 1) % safe.len()].to_string();
        u.id = format!("{domain}\\{name}");
        renamed.insert(i, name.clone());
        u.account_name = Some(name);
        u.account_domain = Some(domain);
        hostile!(p, rng; u.account_sid, u.logon_types);
    }
    for (a, link) in data.alerts.iter_mut().zip(&data.links) {
        if let (Some(u), Some(r)) = (link.user, a.related_user.as_mut()) {
            r.user_name = renamed.get(&(u as usize)).cloned();
        }
    }
}

/// The first alert's machine (the page's first card) shows a bidi override and a zero-width space in
/// the name its Machine link carries.
fn first_machine_name(data: &mut Dataset) {
    if let Some(m) = data
        .links
        .first()
        .and_then(|l| data.machines.get_mut(l.machine as usize))
    {
        m.computer_dns_name = Some("ws-\u{202E}fdp.exe\u{202C}-0\u{200B}42.contoso.com".into());
    }
}
