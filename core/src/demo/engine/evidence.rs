//! An alert's evidence (`$expand=evidence`), built from what the alert is linked to: its user, files (the
//! first executable as the process), IPs and domains.

use crate::demo::{Dataset, DemoTenant};
use crate::model::{Evidence, Timestamp, User};

impl DemoTenant {
    /// The evidence of alert `i`: its user, then its files, IPs and domains (as URLs).
    pub(super) fn evidence(&self, i: usize) -> Vec<Evidence> {
        let data = &self.dataset;
        let link = &data.links[i];
        let at = data.alerts[i].alert_creation_time;
        let mut out = Vec::new();
        if let Some(u) = link.user {
            out.push(user_evidence(&data.users[u as usize], at));
        }
        for (n, &(f, name)) in link.files.iter().enumerate() {
            out.push(file_evidence(data, i, n, f, name));
        }
        for &x in &link.ips {
            out.push(Evidence {
                entity_type: Some("Ip".into()),
                evidence_creation_time: at,
                ip_address: Some(data.ips[x as usize].id.clone()),
                ..Evidence::default()
            });
        }
        for &d in &link.domains {
            out.push(Evidence {
                entity_type: Some("Url".into()),
                evidence_creation_time: at,
                url: Some(data.domains[d as usize].host.clone()),
                ..Evidence::default()
            });
        }
        out
    }
}

fn user_evidence(user: &User, at: Option<Timestamp>) -> Evidence {
    Evidence {
        entity_type: Some("User".into()),
        evidence_creation_time: at,
        account_name: user.account_name.clone(),
        // ASCII upper case: Unicode's tables cost the wasm about 12 KB, and no letter of the demo
        // tenant's domains has a case outside ASCII (core/tests/demo_engine.rs checks).
        domain_name: user.account_domain.as_ref().map(|d| d.to_ascii_uppercase()),
        user_sid: user.account_sid.clone(),
        ..Evidence::default()
    }
}

/// File `f` of alert `i`, seen under its name `name`; the alert's first file, if executable, is the
/// process that raised it.
fn file_evidence(data: &Dataset, i: usize, n: usize, f: u32, name: u8) -> Evidence {
    let alert = &data.alerts[i];
    let file = &data.files[f as usize];
    let process = n == 0 && file.is_pe_file == Some(true);
    Evidence {
        entity_type: Some(if process { "Process" } else { "File" }.into()),
        evidence_creation_time: alert.alert_creation_time,
        sha1: file.sha1.clone(),
        sha256: file.sha256.clone(),
        file_name: data.file_names[f as usize].get(name as usize).cloned(),
        file_path: Some(
            if process {
                "C:\\Windows\\System32"
            } else {
                "C:\\Users\\Public\\Downloads"
            }
            .into(),
        ),
        process_id: process.then_some(1000 + (i as i64 * 37) % 9000),
        process_creation_time: if process {
            alert.first_event_time
        } else {
            None
        },
        detection_status: Some(
            if alert.status.as_deref() == Some("Resolved") {
                "Prevented"
            } else {
                "Detected"
            }
            .into(),
        ),
        ..Evidence::default()
    }
}
