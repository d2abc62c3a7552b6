//! Alerts: each on a machine, mostly to one of its users, with the files, IPs and domains it saw; an
//! actor's alerts carry its campaign's infrastructure. Listed as `/alerts` lists them.

use std::collections::HashSet;

use chrono::Duration;

use super::actors::Campaign;
use super::network::BENIGN_DOMAINS;
use super::rng::{frac, guid, secs, Rng};
use super::{Clock, DAY};
use crate::demo::{AlertLinks, SOURCE_ALERT_ID, SOURCE_MACHINE_ID};
use crate::model::{Actor, Alert, Comment, Machine, RelatedUser, Timestamp, User};
use crate::order::sorted_by;

/// A kind of alert: its text, category, usual severity, detector and techniques.
struct AlertKind {
    title: &'static str,
    category: &'static str,
    severity: usize,
    source: &'static str,
    family: Option<&'static str>,
    mitre: &'static [&'static str],
    description: &'static str,
    action: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn kind(
    title: &'static str,
    category: &'static str,
    severity: usize,
    source: &'static str,
    family: Option<&'static str>,
    mitre: &'static [&'static str],
    description: &'static str,
    action: &'static str,
) -> AlertKind {
    AlertKind {
        title,
        category,
        severity,
        source,
        family,
        mitre,
        description,
        action,
    }
}

const INVESTIGATE: &str = "1. Investigate the machine's timeline around the time of this alert.\n2. Check the prevalence of the related files and addresses in the organization.\n3. Contact the machine's user to verify the activity.\n4. Run a full antivirus scan and isolate the machine if the activity is confirmed.";

#[rustfmt::skip]
/// The kinds of alert an ordinary (not actor) alert is drawn from.
static KINDS: &[AlertKind] = &[
    kind("Suspicious PowerShell command line", "Execution", 2, "WindowsDefenderAtp", None, &["T1059.001"], "A suspicious PowerShell command line was observed. Attackers use PowerShell to download and run payloads in memory without writing files to disk.", INVESTIGATE),
    kind("Encoded PowerShell command executed", "Execution", 1, "WindowsDefenderAtp", None, &["T1027", "T1059.001"], "A process ran PowerShell with a base64-encoded command. Encoding hides the command from casual inspection and is common in commodity malware.", INVESTIGATE),
    kind("Suspicious process injection observed", "DefenseEvasion", 2, "WindowsDefenderAtp", None, &["T1055"], "A process injected code into another process, a technique used to run malicious code inside a trusted process.", INVESTIGATE),
    kind("Credential dumping activity observed", "CredentialAccess", 3, "WindowsDefenderAtp", None, &["T1003.001"], "A process read the memory of the Local Security Authority Subsystem Service (lsass.exe), which can expose credentials of signed-in users.", "1. Reset the credentials of every account signed in to this machine.\n2. Investigate how the tool reached the machine.\n3. Isolate the machine until it is reimaged."),
    kind("'Mimikatz' credential theft tool", "CredentialAccess", 3, "WindowsDefenderAv", Some("Mimikatz"), &["T1003"], "Windows Defender Antivirus detected the credential theft tool Mimikatz on this machine.", "Reset the credentials of the accounts used on this machine and run a full scan."),
    kind("'Emotet' malware was detected", "Malware", 2, "WindowsDefenderAv", Some("Emotet"), &["T1566.001", "T1204.002"], "Malware and unwanted software are undesirable applications that perform harmful actions on affected machines. This file was identified as Emotet, a banking trojan that also delivers other malware.", "Run a full scan, check the email that delivered the attachment, and block the sender."),
    kind("'Trickbot' malware was prevented", "Malware", 1, "WindowsDefenderAv", Some("Trickbot"), &["T1204.002"], "Windows Defender Antivirus prevented the execution of the Trickbot malware.", "No action is needed beyond confirming the file was quarantined."),
    kind("Ransomware behavior detected in the file system", "Ransomware", 3, "WindowsDefenderAtp", None, &["T1486"], "A process renamed and rewrote many files in a short time, a behavior typical of ransomware encrypting data.", "Isolate the machine immediately, identify the process tree and restore files from backup."),
    kind("Suspicious scheduled task", "Persistence", 1, "WindowsDefenderAtp", None, &["T1053.005"], "A scheduled task was created that runs a script from a user-writable folder at every logon.", INVESTIGATE),
    kind("Suspicious service registration", "Persistence", 2, "WindowsDefenderAtp", None, &["T1543.003"], "A new service was registered that points to a binary in a temporary folder.", INVESTIGATE),
    kind("Connection to a known command and control server", "CommandAndControl", 3, "WindowsDefenderAtp", None, &["T1071.001"], "The machine connected to an address that threat intelligence associates with command and control infrastructure.", "Block the address at the perimeter and investigate the process that made the connection."),
    kind("Suspicious DNS request to a newly registered domain", "CommandAndControl", 1, "WindowsDefenderAtp", None, &["T1071.004"], "A process resolved a domain registered in the last days, a pattern of phishing and command and control infrastructure.", INVESTIGATE),
    kind("Anomalous account lookups", "Discovery", 0, "WindowsDefenderAtp", None, &["T1087.002"], "A process enumerated domain accounts and groups, which attackers do to plan lateral movement.", INVESTIGATE),
    kind("Suspicious remote WMI execution", "LateralMovement", 2, "WindowsDefenderAtp", None, &["T1047"], "A process on another machine started a process on this machine through WMI.", INVESTIGATE),
    kind("PsExec launched a command on a remote machine", "LateralMovement", 1, "WindowsDefenderAtp", None, &["T1569.002"], "PsExec was used to run a command on a remote machine. Administrators use it, and so do attackers moving laterally.", "Confirm with the administrator whether the activity was planned."),
    kind("Office application spawned a suspicious process", "InitialAccess", 2, "WindowsDefenderAtp", None, &["T1566.001", "T1204.002"], "An Office application started a script host or command shell, a common sign of a malicious macro.", INVESTIGATE),
    kind("Suspicious file dropped by a browser", "InitialAccess", 0, "WindowsDefenderSmartScreen", None, &["T1189"], "A browser saved an executable from a low-reputation site.", "Confirm with the user whether the download was intended."),
    kind("Low-reputation arbitrary code executed by signed executable", "Execution", 1, "WindowsDefenderAtp", None, &["T1218.011"], "Binaries signed by Microsoft can be used to run low-reputation arbitrary code. This technique hides the execution of malicious code within a trusted process.", INVESTIGATE),
    kind("Event log was cleared", "DefenseEvasion", 2, "WindowsDefenderAtp", None, &["T1070.001"], "The security event log was cleared, which attackers do to hide their tracks.", INVESTIGATE),
    kind("Tampering with Microsoft Defender settings", "DefenseEvasion", 3, "WindowsDefenderAtp", None, &["T1562.001"], "A process tried to turn off real-time protection through the registry.", "Restore the settings, enable tamper protection and investigate the process."),
    kind("Potentially unwanted application", "UnwantedSoftware", 0, "WindowsDefenderAv", Some("BundleInstaller"), &[], "A potentially unwanted application was detected: software that bundles adware or changes browser settings.", "Remove the application if it is not approved."),
    kind("Sensitive data uploaded to a cloud storage service", "Exfiltration", 2, "WindowsDefenderAtp", None, &["T1567.002"], "A large archive was uploaded to a personal cloud storage service shortly after many documents were read.", INVESTIGATE),
    kind("Custom detection: unsigned binary in ProgramData", "SuspiciousActivity", 0, "CustomDetection", None, &[], "A custom detection rule of the organization matched an unsigned binary running from ProgramData.", "Review the detection rule's results."),
    kind("Threat intelligence indicator matched", "SuspiciousActivity", 1, "CustomerTI", None, &[], "A file, address or domain matched an indicator the organization added.", "Review the indicator and the machine's activity."),
];

static STATUSES: [&str; 3] = ["New", "InProgress", "Resolved"];
static ANALYSTS: [&str; 5] = [
    "secop@contoso.com",
    "alex.wilber@contoso.com",
    "megan.bowen@contoso.com",
    "soc-tier2@contoso.com",
    "Automation",
];

/// .NET ticks (100 ns since 0001-01-01), the first half of a WDATP alert id.
fn ticks(t: Timestamp) -> i64 {
    t.0.timestamp() * 10_000_000
        + i64::from(t.0.timestamp_subsec_nanos() / 100)
        + 621_355_968_000_000_000
}

/// What alerts are drawn from: the entities generated before them.
pub(super) struct World<'a> {
    pub machines: &'a [Machine],
    pub users: &'a [User],
    pub actors: &'a [Actor],
    pub campaigns: &'a [Campaign],
    pub file_names: &'a [Vec<String>],
    pub files: usize,
    pub ips: usize,
    pub domains: usize,
    /// Per machine, the users who log on to it.
    pub logons: &'a [Vec<u32>],
}

/// `scale` alerts (the source document's example first) with their links, in `/alerts` order.
pub(super) fn alerts(
    rng: &mut Rng,
    clock: Clock,
    scale: usize,
    world: &World,
) -> (Vec<Alert>, Vec<AlertLinks>) {
    let tenant = guid(rng);
    let mut alerts = Vec::with_capacity(scale);
    let mut links = Vec::with_capacity(scale);
    let mut ids = HashSet::new();
    alerts.push(source_alert());
    links.push(AlertLinks {
        machine: 0,
        user: Some(world.logons[0][0]),
        files: vec![(7, 0)],
        ips: vec![0],
        domains: vec![BENIGN_DOMAINS.len() as u32],
        actor: None,
    });
    ids.insert(SOURCE_ALERT_ID.to_string());
    for _ in 1..scale {
        let (alert, link) = alert(rng, clock, world, &tenant, &mut ids);
        alerts.push(alert);
        links.push(link);
    }
    listing_order(alerts, links)
}

/// The source's example first, then newest first.
fn listing_order(alerts: Vec<Alert>, links: Vec<AlertLinks>) -> (Vec<Alert>, Vec<AlertLinks>) {
    let mut pairs = alerts.into_iter().zip(links);
    let example = pairs.next();
    let newest_first = sorted_by(pairs.collect(), |(a, _), (b, _)| {
        b.alert_creation_time.cmp(&a.alert_creation_time)
    });
    example.into_iter().chain(newest_first).unzip()
}

/// When an alert's activity happened, and when the analysts last touched it.
struct Times {
    created: Timestamp,
    first_event: Timestamp,
    last_event: Timestamp,
    resolved: Option<Timestamp>,
    updated: Timestamp,
}

/// What an alert says: from its kind, or from its actor.
struct Story {
    title: String,
    category: &'static str,
    description: String,
    family: Option<String>,
    detection: &'static str,
    mitre: Vec<String>,
}

/// What an alert saw: files (with the name each was seen under), IPs and domains.
#[derive(Default)]
struct Seen {
    files: Vec<(u32, u8)>,
    ips: Vec<u32>,
    domains: Vec<u32>,
}

/// Everything decided about an alert before its record is written.
struct Draft<'a> {
    id: String,
    machine: usize,
    user: Option<u32>,
    actor: Option<usize>,
    kind: &'static AlertKind,
    times: Times,
    status: &'static str,
    severity: usize,
    story: Story,
    assigned: Option<String>,
    classification: Option<&'static str>,
    determination: Option<&'static str>,
    tenant: &'a str,
}

/// One generated alert and its links; the steps draw in this order.
fn alert(
    rng: &mut Rng,
    clock: Clock,
    world: &World,
    tenant: &str,
    ids: &mut HashSet<String>,
) -> (Alert, AlertLinks) {
    let machines = world.machines.len();
    let machine = rng.skewed(machines.max(1)).min(machines - 1);
    let actor = rng.chance(0.08).then(|| rng.below(world.actors.len()));
    let kind = &KINDS[rng.below(KINDS.len())];
    let (created, first_event, last_event) = event_times(rng, clock);
    let status = STATUSES[rng.weighted(&[45, 20, 35])];
    let severity = severity(rng, actor, kind);
    let (resolved, updated) = closing_times(rng, clock, created, status);
    let id = alert_id(rng, created, ids);
    let here = &world.logons[machine];
    let user = (!rng.chance(0.12)).then(|| here[rng.below(here.len())]);
    let (story, seen) = match actor {
        Some(a) => actor_story(rng, world, a),
        None => kind_story(rng, world, kind),
    };
    let assigned = (status != "New" || rng.chance(0.1)).then(|| rng.pick(&ANALYSTS).to_string());
    let (classification, determination) = verdict(rng, status, story.family.is_some());
    let times = Times {
        created,
        first_event,
        last_event,
        resolved,
        updated,
    };
    let draft = Draft {
        id,
        machine,
        user,
        actor,
        kind,
        times,
        status,
        severity,
        story,
        assigned,
        classification,
        determination,
        tenant,
    };
    let alert = write_alert(rng, world, draft);
    let link = AlertLinks {
        machine: machine as u32,
        user,
        files: seen.files,
        ips: seen.ips,
        domains: seen.domains,
        actor: actor.map(|a| a as u32),
    };
    (alert, link)
}

/// Created within the last 30 days; the activity started up to three hours before and ended in between.
fn event_times(rng: &mut Rng, clock: Clock) -> (Timestamp, Timestamp, Timestamp) {
    let created = clock.ago(secs(rng, 30 * DAY) + frac(rng));
    let first_event =
        Timestamp(created.0 - Duration::seconds(30 + rng.below(3 * 3600) as i64) - frac(rng));
    let last_event = Timestamp(
        first_event.0
            + Duration::seconds(
                rng.below(((created.0 - first_event.0).num_seconds().max(1)) as usize) as i64,
            ),
    );
    (created, first_event, last_event)
}

/// An actor's alerts are medium or high; others shift their kind's severity by at most one step.
fn severity(rng: &mut Rng, actor: Option<usize>, kind: &AlertKind) -> usize {
    match actor {
        Some(_) => 2 + rng.below(2),
        None => {
            let shift = rng.weighted(&[15, 70, 15]) as isize - 1;
            (kind.severity as isize + shift).clamp(0, 3) as usize
        }
    }
}

/// When a resolved alert was resolved, and when any alert was last updated (never after now).
fn closing_times(
    rng: &mut Rng,
    clock: Clock,
    created: Timestamp,
    status: &str,
) -> (Option<Timestamp>, Timestamp) {
    let now = clock.now;
    let resolved = (status == "Resolved").then(|| {
        Timestamp(
            (created.0 + Duration::seconds(600 + rng.below(4 * DAY as usize) as i64)).min(now),
        )
    });
    let updated = resolved.unwrap_or_else(|| {
        Timestamp((created.0 + Duration::seconds(rng.below(3600) as i64 + 2)).min(now))
    });
    (resolved, updated)
}

/// A unique WDATP-style id: the creation time in .NET ticks, a random suffix, sometimes a `da` prefix.
fn alert_id(rng: &mut Rng, created: Timestamp, taken: &mut HashSet<String>) -> String {
    loop {
        let suffix = rng.next_u64() as i32;
        let prefix = if rng.chance(0.3) { "da" } else { "" };
        let id = format!("{prefix}{}_{suffix}", ticks(created));
        if taken.insert(id.clone()) {
            break id;
        }
    }
}

/// An actor's alert: some of its campaign's files and IPs, all of its domains.
fn actor_story(rng: &mut Rng, world: &World, a: usize) -> (Story, Seen) {
    let upper = world.actors[a].name.clone().unwrap_or_default();
    let campaign = &world.campaigns[a];
    let (cf, ci, cd) = (&campaign.files, &campaign.ips, &campaign.domains);
    let mut seen = Seen::default();
    seen.files.extend(
        cf.iter()
            .take(1 + rng.below(cf.len()))
            .map(|&f| (f, rng.below(world.file_names[f as usize].len()) as u8)),
    );
    seen.ips
        .extend(ci.iter().take(1 + rng.below(ci.len())).copied());
    seen.domains.extend(cd.iter().copied());
    let story = Story {
        title: format!("Malware associated with the activity group {upper} was discovered"),
        category: "Malware",
        description: format!(
            "Malware associated with {upper} has been detected. {}",
            world.actors[a].description.clone().unwrap_or_default()
        ),
        family: None,
        detection: "WindowsDefenderAtp",
        mitre: vec!["T1566.001".into(), "T1071.001".into()],
    };
    (story, seen)
}

/// An ordinary alert: one to three files and up to two IPs and domains, skewed towards the common ones.
fn kind_story(rng: &mut Rng, world: &World, k: &AlertKind) -> (Story, Seen) {
    let mut seen = Seen::default();
    for _ in 0..1 + rng.below(3) {
        let f = rng.skewed(world.files) as u32;
        if !seen.files.iter().any(|(x, _)| *x == f) {
            seen.files
                .push((f, rng.below(world.file_names[f as usize].len()) as u8));
        }
    }
    for _ in 0..rng.below(3) {
        let ip = rng.skewed(world.ips) as u32;
        if !seen.ips.contains(&ip) {
            seen.ips.push(ip);
        }
    }
    for _ in 0..rng.below(3) {
        let d = rng.skewed(world.domains) as u32;
        if !seen.domains.contains(&d) {
            seen.domains.push(d);
        }
    }
    let story = Story {
        title: k.title.to_string(),
        category: k.category,
        description: k.description.to_string(),
        family: k.family.map(str::to_string),
        detection: k.source,
        mitre: k.mitre.iter().map(|s| s.to_string()).collect(),
    };
    (story, seen)
}

/// A resolved alert's classification and determination; none for the others.
fn verdict(
    rng: &mut Rng,
    status: &str,
    has_family: bool,
) -> (Option<&'static str>, Option<&'static str>) {
    if status != "Resolved" {
        return (None, None);
    }
    match rng.weighted(&[55, 25, 20]) {
        0 => (
            Some("TruePositive"),
            Some(if has_family {
                "Malware"
            } else {
                [
                    "MultiStagedAttack",
                    "MaliciousUserActivity",
                    "SecurityTesting",
                    "Other",
                ][rng.below(4)]
            }),
        ),
        1 => (Some("FalsePositive"), Some("NotMalicious")),
        _ => (
            Some("InformationalExpectedActivity"),
            Some(
                [
                    "SecurityTesting",
                    "LineOfBusinessApplication",
                    "ConfirmedActivity",
                ][rng.below(3)],
            ),
        ),
    }
}

/// The alert's record; the fields draw in the order they are written.
fn write_alert(rng: &mut Rng, world: &World, d: Draft) -> Alert {
    let m = &world.machines[d.machine];
    let u = d.user.map(|u| &world.users[u as usize]);
    let created = d.times.created;
    let family = d.story.family;
    Alert {
        id: d.id,
        incident_id: Some(
            10_000 + (d.machine as i64) * 40 + (created.0.timestamp() / (3 * DAY)) % 40,
        ),
        investigation_id: rng.chance(0.6).then(|| 500_000 + rng.below(400_000) as i64),
        assigned_to: d.assigned.clone(),
        severity: Some(["Informational", "Low", "Medium", "High"][d.severity].into()),
        status: Some(d.status.into()),
        classification: d.classification.map(str::to_string),
        determination: d.determination.map(str::to_string),
        investigation_state: Some(investigation_state(rng, d.status).into()),
        detection_source: Some(d.story.detection.into()),
        detector_id: Some(detector_id(d.kind, d.actor)),
        category: Some(d.story.category.into()),
        threat_family_name: family.clone(),
        title: Some(d.story.title),
        description: Some(d.story.description),
        recommended_action: Some(d.kind.action.into()),
        alert_creation_time: Some(created),
        first_event_time: Some(d.times.first_event),
        last_event_time: Some(d.times.last_event),
        last_update_time: Some(d.times.updated),
        resolved_time: d.times.resolved,
        machine_id: Some(m.id.clone()),
        computer_dns_name: m.computer_dns_name.clone(),
        rbac_group_name: m.rbac_group_name.clone(),
        aad_tenant_id: Some(d.tenant.to_string()),
        threat_name: family.map(|f| format!("Trojan:Win32/{f}")),
        actor_name: d
            .actor
            .map(|a| world.actors[a].name.clone().unwrap_or_default()),
        mitre_techniques: Some(d.story.mitre),
        related_user: u.map(|u| RelatedUser {
            user_name: u.account_name.clone(),
            domain_name: Some("CONTOSO".into()),
            extra: Default::default(),
        }),
        comments: Some(comments(rng, d.status, d.assigned, d.times.updated)),
        evidence: None,
        machine: None,
        extra: Default::default(),
    }
}

/// Where the automated investigation stands, by the alert's status.
fn investigation_state(rng: &mut Rng, status: &str) -> &'static str {
    match status {
        "Resolved" => [
            "SuccessfullyRemediated",
            "Benign",
            "PartiallyRemediated",
            "TerminatedByUser",
        ][rng.below(4)],
        "InProgress" => ["Running", "PendingApproval"][rng.below(2)],
        _ => ["Queued", "UnsupportedAlertType", "Running"][rng.below(3)],
    }
}

/// The same detector for every alert of a kind (and actor): drawn from its own seed, not the tenant's.
fn detector_id(kind: &AlertKind, actor: Option<usize>) -> String {
    guid(&mut Rng::new(
        KINDS
            .iter()
            .position(|x| x.title == kind.title)
            .unwrap_or(0) as u64
            * 7919
            + actor.map_or(0, |a| a as u64 + 100),
    ))
}

/// Sometimes an analyst's comment on an alert they have worked on.
fn comments(
    rng: &mut Rng,
    status: &str,
    assigned: Option<String>,
    updated: Timestamp,
) -> Vec<Comment> {
    if status == "New" || !rng.chance(0.4) {
        return vec![];
    }
    vec![Comment {
        comment: Some(
            [
                "Looking into it.",
                "Confirmed with the user: expected activity.",
                "Machine isolated, reimage scheduled.",
                "Escalated to tier 2.",
            ][rng.below(4)]
            .into(),
        ),
        created_by: Some(assigned.unwrap_or_else(|| "secop@contoso.com".into())),
        created_time: Some(updated),
        extra: Default::default(),
    }]
}

/// The source document's example alert, verbatim.
fn source_alert() -> Alert {
    let t = |s: &str| Timestamp::parse(s);
    Alert {
        id: SOURCE_ALERT_ID.into(),
        severity: Some("Medium".into()),
        status: Some("New".into()),
        description: Some("A process has injected code into another process using process hollowing technique, indicating suspicious code being run in the target process memory. Injection is often used to hide malicious code execution within a trusted process. \nAs a result, the target process may exhibit abnormal behaviors such as opening a listening port or connecting to a command and control server.".into()),
        recommended_action: Some("1. Investigate the machine's timeline for any other indicators around the time of this alert \n2. Validate contextual information about the relevant components such as file prevalence, other machines it was observed on etc. \n3. Contact the machine's user to verify whether they received an email with a suspicious attachment or link around the time of the alert.\n4. Run a full malware scan on the machine, this may reveal additional related components. \n5. Consider submitting the relevant file(s) for deep analysis for detailed behavioral information. \n6. If initial investigation confirms suspicions, contact your incident response team for forensic analysis.".into()),
        alert_creation_time: t("2017-06-27T02:36:53.7841015Z"),
        category: Some("Installation".into()),
        title: Some("Process hollowing detected".into()),
        last_event_time: t("2017-06-29T10:11:54.2872094Z"),
        first_event_time: t("2017-06-27T02:30:23.9320988Z"),
        machine_id: Some(SOURCE_MACHINE_ID.into()),
        ..Alert::default()
    }
}
