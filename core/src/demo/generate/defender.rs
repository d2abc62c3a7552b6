//! Today's Defender data of the tenant, drawn after everything else (so the older entities stay as
//! they were): each machine's installed software (some of it at a version with known CVEs), the
//! vulnerabilities, the recommendations and remediation activities they lead to, missing KBs, the
//! response actions taken on machines, the automated investigations of alerts, the indicators made
//! from alerts' files, IPs and domains, antivirus health and the scores.
//!
//! The source alert's machine always has vulnerable software, a recommendation, actions taken on it and
//! an investigation triggered by the source alert.

use chrono::Duration;

use super::rng::{frac, guid, secs, Rng};
use super::{Clock, DAY};
use crate::demo::{Dataset, DefenderData, Install, SOURCE_ALERT_ID, SOURCE_MACHINE_ID};

use crate::model::defender::{
    ActionCommand, AvHealth, Indicator, Investigation, Kb, MachineAction, Recommendation,
    RelatedFileInfo, RemediationTask, Score, Software, Vulnerability,
};
use crate::model::Timestamp;

/// A product of the catalogue: vendor and name as the API writes them (its id is `vendor-_-name`),
/// its versions newest first (every older one has the product's CVEs), and its category.
struct Product {
    vendor: &'static str,
    name: &'static str,
    versions: &'static [&'static str],
    /// How many CVEs the older versions carry.
    cves: usize,
    /// The security update that fixes them, for Microsoft's products.
    kb: Option<(&'static str, &'static str)>,
    /// Installed everywhere (the operating system's components).
    everywhere: bool,
}

static PRODUCTS: &[Product] = &[
    Product {
        vendor: "microsoft",
        name: "windows_11",
        versions: &["10.0.26100.2454", "10.0.22631.4460"],
        cves: 6,
        kb: Some(("5046617", "November 2024 cumulative update for Windows 11")),
        everywhere: false,
    },
    Product {
        vendor: "microsoft",
        name: "windows_10",
        versions: &["10.0.19045.5131", "10.0.19044.5011"],
        cves: 7,
        kb: Some(("5046613", "November 2024 cumulative update for Windows 10")),
        everywhere: false,
    },
    Product {
        vendor: "microsoft",
        name: "windows_server_2019",
        versions: &["10.0.17763.6532", "10.0.17763.6414"],
        cves: 5,
        kb: Some((
            "5046615",
            "November 2024 cumulative update for Windows Server 2019",
        )),
        everywhere: false,
    },
    Product {
        vendor: "microsoft",
        name: "edge_chromium-based",
        versions: &["131.0.2903.70", "130.0.2849.80"],
        cves: 3,
        kb: None,
        everywhere: true,
    },
    Product {
        vendor: "microsoft",
        name: ".net_framework",
        versions: &["4.8.09037", "4.8.04161"],
        cves: 2,
        kb: Some(("5044035", "Cumulative update for .NET Framework 4.8")),
        everywhere: true,
    },
    Product {
        vendor: "google",
        name: "chrome",
        versions: &["131.0.6778.86", "129.0.6668.90", "126.0.6478.127"],
        cves: 5,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "mozilla",
        name: "firefox",
        versions: &["133.0", "128.5.0"],
        cves: 3,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "microsoft",
        name: "office",
        versions: &["16.0.18129.20116", "16.0.17928.20156"],
        cves: 2,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "adobe",
        name: "acrobat_reader",
        versions: &["24.005.20320", "23.008.20470"],
        cves: 3,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "oracle",
        name: "jre",
        versions: &["8.0.4310", "8.0.3810"],
        cves: 4,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "7-zip",
        name: "7-zip",
        versions: &["24.08", "19.00"],
        cves: 2,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "videolan",
        name: "vlc_media_player",
        versions: &["3.0.21", "3.0.18"],
        cves: 1,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "notepad-plus-plus",
        name: "notepad++",
        versions: &["8.7.1", "8.4.6"],
        cves: 1,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "simon_tatham",
        name: "putty",
        versions: &["0.82", "0.80"],
        cves: 1,
        kb: None,
        everywhere: false,
    },
    Product {
        vendor: "python",
        name: "python",
        versions: &["3.13.0", "3.12.7"],
        cves: 0,
        kb: None,
        everywhere: false,
    },
];

/// The index in `PRODUCTS` of Chrome and 7-Zip, which the source machine runs at vulnerable versions.
const CHROME: usize = 5;
const SEVEN_ZIP: usize = 10;
const DOTNET: usize = 4;

static WEAKNESSES: &[&str] = &[
    "Use after free in {p} allows a remote attacker to execute code through a crafted page.",
    "A heap buffer overflow in {p} allows a remote attacker to execute code via a crafted file.",
    "An elevation of privilege in {p} lets a local attacker gain SYSTEM privileges.",
    "Improper input validation in {p} allows a remote attacker to bypass security restrictions.",
    "An out-of-bounds read in {p} discloses process memory to a remote attacker.",
    "A type confusion in {p} allows a remote attacker to corrupt memory.",
];

static REQUESTORS: &[&str] = &[
    "analyst@contoso.com",
    "soc-tier2@contoso.com",
    "Automation",
    "ir-lead@contoso.com",
];

static ACTION_TYPES: &[(&str, Option<&str>, &str)] = &[
    ("RunAntiVirusScan", Some("Quick"), "Scan after a detection"),
    (
        "CollectInvestigationPackage",
        None,
        "Collect forensics for the incident",
    ),
    (
        "Isolate",
        Some("Selective"),
        "Contain the device during the investigation",
    ),
    ("Unisolate", None, "Investigation finished, device clean"),
    (
        "RestrictCodeExecution",
        None,
        "Only Microsoft-signed code while the alert is triaged",
    ),
    ("UnrestrictCodeExecution", None, "Restriction lifted"),
    (
        "StopAndQuarantineFile",
        None,
        "Quarantine the file of the alert",
    ),
    ("LiveResponse", None, "Collect the scheduled tasks"),
];

static STATUSES: &[&str] = &[
    "Succeeded",
    "Succeeded",
    "Succeeded",
    "Failed",
    "Cancelled",
    "Pending",
    "InProgress",
];

static INVESTIGATION_STATES: &[&str] = &[
    "SuccessfullyRemediated",
    "Benign",
    "PartiallyRemediated",
    "Running",
    "PendingApproval",
    "TerminatedBySystem",
    "Failed",
];

/// Draws today's Defender data of `data` from `rng`.
pub(super) fn defender(data: &mut Dataset, rng: &mut Rng, clock: Clock) {
    let mut d = DefenderData::default();
    software(&mut d);
    vulnerabilities(&mut d, rng, clock);
    installs(&mut d, data, rng);
    d.exposure = exposure(&d);
    recommendations(&mut d, rng);
    remediation(&mut d, rng, clock);
    kbs(&mut d);
    actions(&mut d, data, rng, clock);
    investigations(&mut d, data, rng, clock);
    indicators(&mut d, data, rng, clock);
    av_health(&mut d, data, rng, clock);
    scores(&mut d, data, rng, clock);
    data.defender = d;
}

fn software(d: &mut DefenderData) {
    d.software = PRODUCTS
        .iter()
        .map(|p| Software {
            id: format!("{}-_-{}", p.vendor, p.name),
            name: Some(p.name.into()),
            vendor: Some(p.vendor.into()),
            weaknesses: Some(p.cves as i64),
            public_exploit: Some(p.cves >= 3),
            active_alert: Some(false),
            exposed_machines: Some(0),
            installed_machines: Some(0),
            impact_score: Some(0.0),
            is_normalized: Some(true),
            category: Some(
                if p.vendor == "microsoft" && p.name.starts_with("windows") {
                    "OS".into()
                } else {
                    "Application".into()
                },
            ),
            ..Software::default()
        })
        .collect();
}

fn vulnerabilities(d: &mut DefenderData, rng: &mut Rng, clock: Clock) {
    d.software_cves = vec![Vec::new(); PRODUCTS.len()];
    let mut next = 21_000;
    for (pi, p) in PRODUCTS.iter().enumerate() {
        for _ in 0..p.cves {
            next += 1 + rng.below(700);
            let year = 2024 - (rng.below(3) as i64).min(1);
            let id = format!("CVE-{year}-{next}");
            let cvss = (40 + rng.below(59)) as f64 / 10.0;
            let severity = match cvss {
                c if c >= 9.0 => "Critical",
                c if c >= 7.0 => "High",
                c if c >= 4.0 => "Medium",
                _ => "Low",
            };
            let published = clock.ago(Duration::days(20 + rng.below(400) as i64));
            let exploit = rng.chance(0.35);
            let pretty = p.name.replace('_', " ");
            d.software_cves[pi].push(d.vulnerabilities.len() as u32);
            d.vulnerabilities.push(Vulnerability {
                id: id.clone(),
                name: Some(id),
                description: Some(rng.pick(WEAKNESSES).replace("{p}", &pretty)),
                severity: Some(severity.into()),
                cvss_v3: Some(cvss),
                cvss_vector: Some(format!(
                    "CVSS:3.1/AV:{}/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H",
                    if cvss >= 7.0 { "N" } else { "L" }
                )),
                exposed_machines: Some(0),
                published_on: Some(published),
                updated_on: Some(Timestamp(
                    published.0 + Duration::days(rng.below(15) as i64),
                )),
                first_detected: Some(Timestamp(published.0 + Duration::days(1))),
                public_exploit: Some(exploit),
                exploit_verified: Some(exploit && rng.chance(0.5)),
                exploit_in_kit: Some(false),
                exploit_types: Some(if exploit {
                    vec!["Remote Code Execution".into()]
                } else {
                    Vec::new()
                }),
                exploit_uris: Some(Vec::new()),
                cve_supportability: Some("Supported".into()),
                epss: Some((rng.below(900) as f64 + 1.0) / 1000.0),
                ..Vulnerability::default()
            });
        }
    }
}

/// The product index of a machine's operating system, when the catalogue has it.
fn os_product(platform: &str) -> Option<usize> {
    let name = match platform {
        "Windows11" => "windows_11",
        "Windows10" => "windows_10",
        "WindowsServer2019" => "windows_server_2019",
        _ => return None,
    };
    PRODUCTS.iter().position(|p| p.name == name)
}

fn installs(d: &mut DefenderData, data: &Dataset, rng: &mut Rng) {
    let apps: Vec<usize> = (0..PRODUCTS.len())
        .filter(|&i| !PRODUCTS[i].everywhere && !PRODUCTS[i].name.starts_with("windows"))
        .collect();
    d.installs = data
        .machines
        .iter()
        .map(|m| {
            let mut list: Vec<Install> = Vec::new();
            let add = |rng: &mut Rng, product: usize, list: &mut Vec<Install>| {
                if list.iter().any(|i| i.product == product as u32) {
                    return;
                }
                let versions = PRODUCTS[product].versions;
                // Three machines in ten lag behind on a product.
                let version = if versions.len() > 1 && rng.chance(0.3) {
                    1 + rng.below(versions.len() - 1)
                } else {
                    0
                };
                list.push(Install {
                    product: product as u32,
                    version: version as u8,
                });
            };
            if let Some(os) = m.os_platform.as_deref().and_then(os_product) {
                add(rng, os, &mut list);
            }
            for (i, p) in PRODUCTS.iter().enumerate() {
                if p.everywhere {
                    add(rng, i, &mut list);
                }
            }
            for _ in 0..2 + rng.below(5) {
                let app = apps[rng.below(apps.len())];
                add(rng, app, &mut list);
            }
            if m.id == SOURCE_MACHINE_ID {
                // The source machine runs an old Chrome, an old 7-Zip and lacks the .NET update.
                list.retain(|i| i.product != CHROME as u32 && i.product != SEVEN_ZIP as u32);
                for i in list.iter_mut().filter(|i| i.product == DOTNET as u32) {
                    i.version = 1;
                }
                list.push(Install {
                    product: CHROME as u32,
                    version: 2,
                });
                list.push(Install {
                    product: SEVEN_ZIP as u32,
                    version: 1,
                });
            }
            list
        })
        .collect();
}

/// Per software, the machines that have it installed at a vulnerable version (and in all).
fn exposure(d: &DefenderData) -> Vec<(Vec<u32>, u32)> {
    let mut out = vec![(Vec::new(), 0u32); PRODUCTS.len()];
    for (m, list) in d.installs.iter().enumerate() {
        for i in list {
            let slot = &mut out[i.product as usize];
            slot.1 += 1;
            if i.version > 0 && PRODUCTS[i.product as usize].cves > 0 {
                slot.0.push(m as u32);
            }
        }
    }
    out
}

fn recommendations(d: &mut DefenderData, rng: &mut Rng) {
    for (pi, p) in PRODUCTS.iter().enumerate() {
        let (exposed, installed) = (&d.exposure[pi].0, d.exposure[pi].1);
        let s = &mut d.software[pi];
        s.exposed_machines = Some(exposed.len() as i64);
        s.installed_machines = Some(i64::from(installed));
        s.impact_score =
            Some((exposed.len() as f64 * p.cves as f64 / 40.0 * 100.0).round() / 100.0);
        for &v in &d.software_cves[pi] {
            d.vulnerabilities[v as usize].exposed_machines = Some(exposed.len() as i64);
        }
        if exposed.is_empty() {
            continue;
        }
        let pretty = p.name.replace('_', " ");
        let score = d.software_cves[pi]
            .iter()
            .filter_map(|&v| d.vulnerabilities[v as usize].cvss_v3)
            .fold(0.0f64, f64::max);
        d.recommendation_software.push(pi as u32);
        d.recommendations.push(Recommendation {
            id: format!("va-_-{}-_-{}", p.vendor, p.name),
            product_name: Some(p.name.into()),
            recommendation_name: Some(format!("Update {pretty}")),
            weaknesses: Some(p.cves as i64),
            vendor: Some(p.vendor.into()),
            recommended_version: Some(p.versions[0].into()),
            recommended_program: None,
            recommended_vendor: None,
            recommendation_category: Some("Application".into()),
            sub_category: Some(String::new()),
            severity_score: Some(score),
            public_exploit: d.software[pi].public_exploit,
            active_alert: Some(false),
            associated_threats: Some(Vec::new()),
            remediation_type: Some("Update".into()),
            status: Some(
                if rng.chance(0.1) {
                    "Exception"
                } else {
                    "Active"
                }
                .into(),
            ),
            config_score_impact: Some(0.0),
            exposure_impact: Some((exposed.len() as f64 * score / 25.0 * 100.0).round() / 100.0),
            total_machine_count: Some(i64::from(installed)),
            exposed_machines_count: Some(exposed.len() as i64),
            non_productivity_impacted_assets: Some(0),
            related_component: Some(pretty),
            ..Recommendation::default()
        });
    }
}

fn remediation(d: &mut DefenderData, rng: &mut Rng, clock: Clock) {
    // The three recommendations with the most exposed machines get a remediation activity.
    let mut order: Vec<usize> = (0..d.recommendations.len()).collect();
    order.sort_by_key(|&r| {
        (
            std::cmp::Reverse(d.recommendations[r].exposed_machines_count.unwrap_or(0)),
            r,
        )
    });
    for &r in order.iter().take(3) {
        let rec = &d.recommendations[r];
        let pi = d.recommendation_software[r] as usize;
        let created = clock.ago(Duration::days(2 + rng.below(20) as i64) + frac(rng));
        let target = rec.exposed_machines_count.unwrap_or(0);
        let fixed = rng.below(target.max(1) as usize) as i64 / 2;
        d.remediation_recommendation.push(r as u32);
        d.remediation_tasks.push(RemediationTask {
            id: guid(rng),
            title: rec.recommendation_name.clone(),
            created_on: Some(created),
            requester_id: Some(guid(rng)),
            requester_email: Some("vuln-mgmt@contoso.com".into()),
            status: Some("Active".into()),
            status_last_modified_on: Some(created),
            description: Some(format!(
                "Update {} to a later version to mitigate {} known vulnerabilities affecting your devices.",
                rec.related_component.as_deref().unwrap_or_default(),
                rec.weaknesses.unwrap_or(0)
            )),
            related_component: rec.related_component.clone(),
            target_devices: Some(target),
            rbac_group_names: Some(vec!["Finance".into(), "Engineering".into()]),
            fixed_devices: Some(fixed),
            requester_notes: Some("Patch by the end of the sprint".into()),
            due_on: Some(Timestamp(created.0 + Duration::days(14))),
            category: Some("Software".into()),
            productivity_impact_remediation_type: Some("AllExposedAssets".into()),
            priority: Some(["High", "Medium", "Low"][rng.below(3)].into()),
            completion_method: None,
            completer_id: None,
            completer_email: None,
            scid: None,
            task_type: Some("Update".into()),
            product_id: Some(d.software[pi].id.clone()),
            vendor_id: Some(PRODUCTS[pi].vendor.into()),
            name_id: Some(PRODUCTS[pi].name.into()),
            recommended_version: rec.recommended_version.clone(),
            recommended_vendor: None,
            recommended_program: None,
            ..RemediationTask::default()
        });
    }
}

fn kbs(d: &mut DefenderData) {
    for (pi, p) in PRODUCTS.iter().enumerate() {
        let Some((kb, name)) = p.kb else { continue };
        let missed = d.exposure[pi].0.len() as i64;
        if missed == 0 {
            continue;
        }
        d.kb_software.push(pi as u32);
        d.kbs.push(Kb {
            id: kb.into(),
            name: Some(name.into()),
            os_build: p.versions[0].split('.').nth(2).and_then(|b| b.parse().ok()),
            products_names: Some(vec![p.name.into()]),
            url: Some(format!("https://support.microsoft.com/help/{kb}")),
            machine_missed_on: Some(missed),
            cve_addressed: Some(p.cves as i64),
            ..Kb::default()
        });
    }
}

/// A machine action on machine `m`: its type, requestor and status, `minutes` after `start`.
fn action(
    rng: &mut Rng,
    data: &Dataset,
    m: usize,
    kind: usize,
    status: &str,
    created: Timestamp,
) -> MachineAction {
    let (action_type, scope, comment) = ACTION_TYPES[kind];
    let machine = &data.machines[m];
    let updated = Timestamp(created.0 + Duration::seconds(30 + rng.below(900) as i64));
    let done = status != "Pending" && status != "InProgress";
    MachineAction {
        id: guid(rng),
        action_type: Some(action_type.into()),
        title: None,
        scope: scope.map(str::to_string),
        requestor: Some(rng.pick(REQUESTORS).to_string()),
        requestor_comment: Some(comment.into()),
        status: Some(status.into()),
        machine_id: Some(machine.id.clone()),
        computer_dns_name: machine.computer_dns_name.clone(),
        creation_date_time_utc: Some(created),
        last_update_date_time_utc: Some(if done { updated } else { created }),
        cancellation_requestor: (status == "Cancelled").then(|| "analyst@contoso.com".into()),
        cancellation_comment: (status == "Cancelled").then(|| "Started by mistake".into()),
        cancellation_date_time_utc: (status == "Cancelled").then_some(updated),
        error_h_result: Some(if status == "Failed" { -2147024891 } else { 0 }),
        related_file_info: None,
        commands: (action_type == "LiveResponse").then(|| {
            vec![ActionCommand {
                index: Some(0),
                start_time: Some(created),
                end_time: done.then_some(updated),
                command_status: Some(if done { "Completed" } else { "InProgress" }.into()),
                errors: Some(Vec::new()),
                command: Some(serde_json::json!({
                    "type": "RunScript",
                    "params": [{"key": "ScriptName", "value": "collect-tasks.ps1"}]
                })),
                ..ActionCommand::default()
            }]
        }),
        ..MachineAction::default()
    }
}

fn actions(d: &mut DefenderData, data: &Dataset, rng: &mut Rng, clock: Clock) {
    let source = data
        .machines
        .iter()
        .position(|m| m.id == SOURCE_MACHINE_ID)
        .unwrap_or(0);
    let file = data
        .index
        .alerts
        .get(&SOURCE_ALERT_ID.to_lowercase())
        .and_then(|&a| data.links[a as usize].files.first())
        .and_then(|&(f, _)| data.files[f as usize].sha1.clone());
    // On the source machine, the response to the source alert: isolate, scan, collect, quarantine the
    // file, live response, then release.
    let start = clock.ago(Duration::days(2) + frac(rng));
    for (step, kind) in [2usize, 0, 1, 6, 7, 3].into_iter().enumerate() {
        let created = Timestamp(start.0 + Duration::minutes(25 * step as i64));
        let mut a = action(rng, data, source, kind, "Succeeded", created);
        if kind == 6 {
            a.related_file_info = Some(RelatedFileInfo {
                file_identifier: file.clone(),
                file_identifier_type: Some("Sha1".into()),
                ..RelatedFileInfo::default()
            });
        }
        d.machine_actions.push(a);
    }
    // Elsewhere, newest first after those.
    let n = (data.machines.len() / 5).max(6);
    let mut others: Vec<MachineAction> = (0..n)
        .map(|_| {
            let m = rng.below(data.machines.len());
            let kind = rng.below(ACTION_TYPES.len());
            let status = *rng.pick(STATUSES);
            let created = clock.ago(secs(rng, 28 * DAY) + frac(rng));
            let mut a = action(rng, data, m, kind, status, created);
            if kind == 6 {
                a.related_file_info = Some(RelatedFileInfo {
                    file_identifier: data.files[rng.below(data.files.len())].sha1.clone(),
                    file_identifier_type: Some("Sha1".into()),
                    ..RelatedFileInfo::default()
                });
            }
            a
        })
        .collect();
    others.sort_by_key(|a| std::cmp::Reverse(a.creation_date_time_utc));
    d.machine_actions.extend(others);
}

fn investigations(d: &mut DefenderData, data: &Dataset, rng: &mut Rng, clock: Clock) {
    // The source alert's own investigation first, then one per investigation id the alerts carry.
    let mut seen = std::collections::HashSet::new();
    let source_machine = data.machine(SOURCE_MACHINE_ID);
    if let Some(alert) = data.alert(SOURCE_ALERT_ID) {
        let start = alert
            .alert_creation_time
            .unwrap_or(clock.ago(Duration::days(3)));
        d.investigations.push(Investigation {
            id: "63017".into(),
            start_time: Some(Timestamp(start.0 + Duration::minutes(2))),
            end_time: Some(Timestamp(start.0 + Duration::minutes(95))),
            state: Some("SuccessfullyRemediated".into()),
            cancelled_by: None,
            status_details: None,
            machine_id: Some(SOURCE_MACHINE_ID.into()),
            computer_dns_name: source_machine.and_then(|m| m.computer_dns_name.clone()),
            triggering_alert_id: Some(SOURCE_ALERT_ID.into()),
            ..Investigation::default()
        });
    }
    for (i, a) in data.alerts.iter().enumerate() {
        let Some(inv) = a.investigation_id else {
            continue;
        };
        if !seen.insert(inv) {
            continue;
        }
        let machine = &data.machines[data.links[i].machine as usize];
        let start = a
            .alert_creation_time
            .unwrap_or(clock.ago(Duration::days(1)));
        let state = *rng.pick(INVESTIGATION_STATES);
        let running = matches!(state, "Running" | "PendingApproval");
        d.investigations.push(Investigation {
            id: inv.to_string(),
            start_time: Some(Timestamp(
                start.0 + Duration::minutes(1 + rng.below(10) as i64),
            )),
            end_time: (!running)
                .then(|| Timestamp(start.0 + Duration::minutes(30 + rng.below(300) as i64))),
            state: Some(state.into()),
            cancelled_by: (state == "TerminatedBySystem").then(|| "Automation".into()),
            status_details: None,
            machine_id: Some(machine.id.clone()),
            computer_dns_name: machine.computer_dns_name.clone(),
            triggering_alert_id: Some(a.id.clone()),
            ..Investigation::default()
        });
    }
}

fn indicators(d: &mut DefenderData, data: &Dataset, rng: &mut Rng, clock: Clock) {
    let mut next = 900u64;
    let mut push =
        |d: &mut DefenderData, rng: &mut Rng, value: String, kind: &str, title: String| {
            next += 1 + rng.below(40) as u64;
            let created = clock.ago(secs(rng, 25 * DAY) + frac(rng));
            let block = rng.chance(0.6);
            d.indicators.push(Indicator {
                id: Some(serde_json::Value::from(next)),
                indicator_value: Some(value),
                indicator_type: Some(kind.into()),
                action: Some(if block { "AlertAndBlock" } else { "Audit" }.into()),
                application: None,
                source: Some("contoso-ti".into()),
                source_type: Some("AadApp".into()),
                title: Some(title),
                description: Some("Seen in an alert of this tenant".into()),
                recommended_actions: Some("Isolate the device and collect a package".into()),
                creation_time_date_time_utc: Some(created),
                created_by: Some("45097602-1234-5678-8b7a-2c4bd2a3e0a7".into()),
                created_by_display_name: Some("Contoso TI connector".into()),
                created_by_source: Some("PublicApi".into()),
                expiration_time: Some(Timestamp(created.0 + Duration::days(90))),
                last_update_time: Some(created),
                last_updated_by: None,
                severity: Some(["Informational", "Low", "Medium", "High"][rng.below(4)].into()),
                category: Some(1),
                generate_alert: Some(block),
                rbac_group_names: Some(Vec::new()),
                rbac_group_ids: Some(Vec::new()),
                mitre_techniques: Some(Vec::new()),
                ..Indicator::default()
            });
        };
    // The source alert's files first, then files, IPs and domains of alerts with an actor.
    let mut files: Vec<u32> = Vec::new();
    let mut ips: Vec<u32> = Vec::new();
    let mut domains: Vec<u32> = Vec::new();
    let source = data
        .index
        .alerts
        .get(&SOURCE_ALERT_ID.to_lowercase())
        .copied();
    let order = source
        .into_iter()
        .chain((0..data.alerts.len() as u32).filter(|&a| data.links[a as usize].actor.is_some()));
    for a in order {
        let l = &data.links[a as usize];
        for &(f, _) in &l.files {
            if !files.contains(&f) && files.len() < 25 {
                files.push(f);
            }
        }
        for &ip in &l.ips {
            if !ips.contains(&ip) && ips.len() < 8 {
                ips.push(ip);
            }
        }
        for &dm in &l.domains {
            if !domains.contains(&dm) && domains.len() < 8 {
                domains.push(dm);
            }
        }
    }
    for f in files {
        let file = &data.files[f as usize];
        let name = data.file_names[f as usize]
            .first()
            .cloned()
            .unwrap_or_else(|| "file".into());
        if let Some(sha1) = file.sha1.clone() {
            push(d, rng, sha1, "FileSha1", format!("Malicious file {name}"));
        }
    }
    for ip in ips {
        push(
            d,
            rng,
            data.ips[ip as usize].id.clone(),
            "IpAddress",
            "Command and control".into(),
        );
    }
    for dm in domains {
        push(
            d,
            rng,
            data.domains[dm as usize].host.clone(),
            "DomainName",
            "Phishing domain".into(),
        );
    }
}

fn av_health(d: &mut DefenderData, data: &Dataset, rng: &mut Rng, clock: Clock) {
    d.av_health = data
        .machines
        .iter()
        .map(|m| {
            let current = rng.chance(0.85);
            let quick = clock.ago(secs(rng, 3 * DAY));
            AvHealth {
                id: Some(m.id.clone()),
                machine_id: Some(m.id.clone()),
                computer_dns_name: m.computer_dns_name.clone(),
                os_kind: Some("windows".into()),
                os_platform: m.os_platform.clone(),
                os_version: m.os_version.clone(),
                av_mode: Some(if rng.chance(0.9) { "Active" } else { "Passive" }.into()),
                av_signature_version: Some(format!(
                    "1.421.{}.0",
                    if current { 1638 } else { 1200 + rng.below(400) }
                )),
                av_engine_version: Some("1.1.24100.3".into()),
                av_platform_version: Some("4.18.24100.7".into()),
                last_seen_time: m.last_seen,
                quick_scan_result: Some("Completed".into()),
                quick_scan_error: Some(String::new()),
                quick_scan_time: Some(quick),
                full_scan_result: Some(String::new()),
                full_scan_error: Some(String::new()),
                full_scan_time: None,
                data_refresh_timestamp: Some(clock.ago(Duration::hours(2))),
                av_engine_update_time: Some(clock.ago(Duration::days(6))),
                av_signature_update_time: Some(clock.ago(if current {
                    Duration::hours(5)
                } else {
                    Duration::days(9)
                })),
                av_platform_update_time: Some(clock.ago(Duration::days(12))),
                av_is_signature_up_to_date: Some(if current { "True" } else { "False" }.into()),
                av_is_engine_up_to_date: Some("True".into()),
                av_is_platform_up_to_date: Some("True".into()),
                av_signature_publish_time: Some(clock.ago(Duration::hours(8))),
                rbac_group_id: m.rbac_group_id.map(serde_json::Value::from),
                rbac_group_name: m.rbac_group_name.clone(),
                ..AvHealth::default()
            }
        })
        .collect();
}

fn scores(d: &mut DefenderData, data: &Dataset, rng: &mut Rng, clock: Clock) {
    let time = clock.ago(Duration::hours(3));
    let exposed = d.exposure.iter().map(|e| e.0.len()).sum::<usize>() as f64;
    let installs = d.installs.iter().map(Vec::len).sum::<usize>().max(1) as f64;
    let exposure = ((exposed / installs) * 100.0 * 10.0).round() / 10.0;
    d.exposure_score = Score {
        time: Some(time),
        score: Some(exposure),
        ..Score::default()
    };
    d.configuration_score = Score {
        time: Some(time),
        score: Some((550 + rng.below(300)) as f64),
        ..Score::default()
    };
    let mut groups: Vec<(i64, String)> = data
        .machines
        .iter()
        .filter_map(|m| Some((m.rbac_group_id?, m.rbac_group_name.clone()?)))
        .collect();
    groups.sort();
    groups.dedup();
    d.group_scores = groups
        .into_iter()
        .map(|(id, name)| Score {
            time: Some(time),
            score: Some(
                ((exposure + rng.below(200) as f64 / 10.0 - 10.0).max(1.0) * 10.0).round() / 10.0,
            ),
            rbac_group_id: Some(serde_json::Value::from(id)),
            rbac_group_name: Some(name),
            ..Score::default()
        })
        .collect();
}

/// A product's version as installed.
pub(crate) fn version_of(install: &Install) -> &'static str {
    let versions = PRODUCTS[install.product as usize].versions;
    versions[(install.version as usize).min(versions.len() - 1)]
}

/// A product's vendor and name.
pub(crate) fn product_names(product: u32) -> (&'static str, &'static str) {
    let p = &PRODUCTS[product as usize];
    (p.vendor, p.name)
}

/// The KB that fixes a product's CVEs, if any.
pub(crate) fn product_kb(product: u32) -> Option<&'static str> {
    PRODUCTS[product as usize].kb.map(|k| k.0)
}
