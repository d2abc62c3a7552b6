//! The dataset generator: a seeded, coherent tenant. Machines have logon users; alerts happen on machines,
//! mostly to one of their users, and carry files, IPs and domains drawn with a skew so the same indicator
//! recurs across machines; actor campaigns reuse their own infrastructure. Prevalence is then computed from
//! those observations.

use std::collections::{HashMap, HashSet};

use chrono::Duration;

use super::{
    hostile_long_string, AlertLinks, Dataset, DemoConfig, Index, Variant, HOSTILE_PAYLOADS,
    SOURCE_ALERT_ID, SOURCE_MACHINE_ID,
};
use crate::model::{
    Actor, Alert, Comment, Domain, File, Ip, Machine, MachineIpAddress, Prevalence, RelatedUser,
    Timestamp, User,
};
use crate::order::sorted_by;

/// splitmix64: small, fast, good enough for demo data, and the same on every target.
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Index into `weights` with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total.max(1) as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// Skewed towards 0: a few items are common, most are rare.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * u) * n as f64) as usize % n.max(1)
    }

    pub fn hex(&mut self, len: usize) -> String {
        const HEX: &[u8] = b"0123456789abcdef";
        (0..len).map(|_| HEX[self.below(16)] as char).collect()
    }
}

/// A random fraction of a second in .NET's 100 ns ticks, so times read like the API's.
fn frac(rng: &mut Rng) -> Duration {
    Duration::nanoseconds(rng.below(10_000_000) as i64 * 100)
}

fn guid(rng: &mut Rng) -> String {
    let h = rng.hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// .NET ticks (100 ns since 0001-01-01), the first half of a WDATP alert id.
fn ticks(t: Timestamp) -> i64 {
    t.0.timestamp() * 10_000_000
        + i64::from(t.0.timestamp_subsec_nanos() / 100)
        + 621_355_968_000_000_000
}

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
static GROUPS: [&str; 6] = ["Finance", "Engineering", "Sales", "HR", "IT", "Executives"];
static FIRST: [&str; 24] = [
    "adele",
    "alex",
    "allan",
    "brian",
    "christie",
    "debra",
    "diego",
    "emily",
    "enrico",
    "grady",
    "henrietta",
    "irvin",
    "isaiah",
    "joni",
    "lee",
    "lidia",
    "lynne",
    "megan",
    "miriam",
    "nestor",
    "patti",
    "pradeep",
    "raul",
    "johanna",
];
static LAST: [&str; 24] = [
    "vance",
    "wilber",
    "johnson",
    "king",
    "cline",
    "berg",
    "soto",
    "braun",
    "cattaneo",
    "archie",
    "cermak",
    "sink",
    "morgan",
    "sherman",
    "gu",
    "holloway",
    "robbins",
    "bowen",
    "hamilton",
    "motta",
    "fernandez",
    "gupta",
    "kaur",
    "lindqvist",
];

struct Os {
    platform: &'static str,
    os_version: &'static str,
    version: &'static str,
    build: i64,
    server: bool,
}

static OSES: [Os; 7] = [
    Os {
        platform: "Windows10",
        os_version: "10.0.19045",
        version: "22H2",
        build: 19045,
        server: false,
    },
    Os {
        platform: "Windows10",
        os_version: "10.0.19044",
        version: "21H2",
        build: 19044,
        server: false,
    },
    Os {
        platform: "Windows11",
        os_version: "10.0.22631",
        version: "23H2",
        build: 22631,
        server: false,
    },
    Os {
        platform: "Windows11",
        os_version: "10.0.26100",
        version: "24H2",
        build: 26100,
        server: false,
    },
    Os {
        platform: "WindowsServer2019",
        os_version: "10.0.17763",
        version: "1809",
        build: 17763,
        server: true,
    },
    Os {
        platform: "WindowsServer2022",
        os_version: "10.0.20348",
        version: "21H2",
        build: 20348,
        server: true,
    },
    Os {
        platform: "WindowsServer2016",
        os_version: "10.0.14393",
        version: "1607",
        build: 14393,
        server: true,
    },
];

static SERVER_ROLES: [&str; 8] = ["dc", "sql", "file", "web", "exch", "app", "rds", "print"];
static PRODUCTS: [&str; 6] = [
    "Latitude 7440",
    "Surface Laptop 5",
    "ThinkPad T14 Gen 4",
    "EliteBook 840 G10",
    "OptiPlex 7010",
    "Virtual Machine",
];

struct FileKind {
    names: &'static [&'static str],
    file_type: &'static str,
    pe: bool,
    publisher: Option<&'static str>,
    product: Option<&'static str>,
    threat: Option<&'static str>,
}

#[rustfmt::skip]
static FILE_KINDS: &[FileKind] = &[
    FileKind { names: &["powershell.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Microsoft Corporation"), product: Some("Microsoft® Windows® Operating System"), threat: None },
    FileKind { names: &["rundll32.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Microsoft Corporation"), product: Some("Microsoft® Windows® Operating System"), threat: None },
    FileKind { names: &["wmic.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Microsoft Corporation"), product: Some("Microsoft® Windows® Operating System"), threat: None },
    FileKind { names: &["PsExec.exe", "psexesvc.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Sysinternals - www.sysinternals.com"), product: Some("Sysinternals PsExec"), threat: None },
    FileKind { names: &["mimikatz.exe", "m64.exe", "svchelper.exe"], file_type: "PortableExecutable", pe: true, publisher: None, product: Some("mimikatz"), threat: Some("HackTool:Win32/Mimikatz.D") },
    FileKind { names: &["invoice_0421.docm", "Rechnung.docm", "payment_details.docm"], file_type: "Document", pe: false, publisher: None, product: None, threat: Some("TrojanDownloader:O97M/Emotet.PEE!MTB") },
    FileKind { names: &["update.js", "chrome_update.js"], file_type: "Script", pe: false, publisher: None, product: None, threat: Some("Trojan:JS/Kryptik.AB!MTB") },
    FileKind { names: &["svchost.exe", "svch0st.exe"], file_type: "PortableExecutable", pe: true, publisher: None, product: None, threat: Some("Trojan:Win32/Trickbot.RS!MTB") },
    FileKind { names: &["setup_free_pdf.exe", "pdfconverter_setup.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Bundle Labs Ltd"), product: Some("Free PDF Converter"), threat: Some("PUA:Win32/BundleInstaller") },
    FileKind { names: &["7z.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("Igor Pavlov"), product: Some("7-Zip"), threat: None },
    FileKind { names: &["AnyDesk.exe"], file_type: "PortableExecutable", pe: true, publisher: Some("philandro Software GmbH"), product: Some("AnyDesk"), threat: None },
    FileKind { names: &["locker.exe", "readme_decrypt.exe"], file_type: "PortableExecutable", pe: true, publisher: None, product: None, threat: Some("Ransom:Win32/Conti.ZA") },
    FileKind { names: &["beacon.dll", "msupdate.dll"], file_type: "PortableExecutable", pe: true, publisher: None, product: None, threat: Some("Backdoor:Win64/CobaltStrike.C") },
    FileKind { names: &["backup.ps1", "inventory.ps1"], file_type: "Script", pe: false, publisher: None, product: None, threat: None },
];

static BENIGN_DOMAINS: [&str; 12] = [
    "login.microsoftonline.com",
    "client.wns.windows.com",
    "settings-win.data.microsoft.com",
    "update.googleapis.com",
    "outlook.office365.com",
    "contoso.sharepoint.com",
    "github.com",
    "raw.githubusercontent.com",
    "dropbox.com",
    "mega.nz",
    "pastebin.com",
    "transfer.sh",
];
static DOMAIN_WORDS: [&str; 20] = [
    "secure", "login", "update", "cdn", "portal", "office", "verify", "account", "sync", "cloud",
    "files", "docs", "mail", "auth", "support", "invoice", "share", "drive", "service", "check",
];
static TLDS: [&str; 8] = ["com", "net", "org", "info", "xyz", "top", "online", "io"];

struct ActorSeed {
    id: &'static str,
    aliases: &'static [&'static str],
    sectors: &'static [&'static str],
    summary: &'static str,
}

#[rustfmt::skip]
static ACTORS: [ActorSeed; 12] = [
    ActorSeed { id: "zinc", aliases: &["Lazarus Group", "Diamond Sleet"], sectors: &["Defense", "Media", "Cryptocurrency"], summary: "targets defense and media organizations with spear-phishing and trojanized open-source tools" },
    ActorSeed { id: "strontium", aliases: &["APT28", "Fancy Bear", "Forest Blizzard"], sectors: &["Government", "Defense", "Political organizations"], summary: "runs credential phishing and exploits edge devices against governments and political organizations" },
    ActorSeed { id: "platinum", aliases: &["TwoForOne"], sectors: &["Government", "Diplomatic"], summary: "uses custom implants and hot-patching to hide in government networks in South and Southeast Asia" },
    ActorSeed { id: "neodymium", aliases: &["Wingbird"], sectors: &["Government", "Telecommunications"], summary: "delivers backdoors through zero-day exploits against individuals in a narrow region" },
    ActorSeed { id: "promethium", aliases: &["StrongPity"], sectors: &["Government", "Academia"], summary: "distributes trojanized installers of popular utilities from look-alike download sites" },
    ActorSeed { id: "barium", aliases: &["APT41", "Winnti"], sectors: &["Gaming", "Software", "Healthcare"], summary: "compromises software supply chains and gaming companies for espionage and profit" },
    ActorSeed { id: "gallium", aliases: &["Granite Typhoon"], sectors: &["Telecommunications"], summary: "exploits unpatched internet-facing services of telecommunication providers" },
    ActorSeed { id: "holmium", aliases: &["APT33", "Peach Sandstorm"], sectors: &["Energy", "Aviation"], summary: "sprays passwords against cloud accounts of energy and aviation companies" },
    ActorSeed { id: "terbium", aliases: &["Shamoon operators"], sectors: &["Energy", "Government"], summary: "deploys disk-wiping malware against energy companies" },
    ActorSeed { id: "thallium", aliases: &["Kimsuky", "Emerald Sleet"], sectors: &["Think tanks", "Government", "Academia"], summary: "phishes researchers and policy experts with fake interview requests" },
    ActorSeed { id: "nobelium", aliases: &["APT29", "Midnight Blizzard"], sectors: &["Government", "IT services", "Think tanks"], summary: "abuses cloud identities and software supply chains for long-term espionage" },
    ActorSeed { id: "mercury", aliases: &["MuddyWater", "Mango Sandstorm"], sectors: &["Government", "Telecommunications", "Oil and gas"], summary: "uses remote administration tools and PowerShell backdoors after phishing" },
];

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
        files: f(400, FILE_KINDS.len()),
        ips: f(300, 8),
        // The source alert links the first generated (non-benign) domain, so there is always one.
        domains: f(150, BENIGN_DOMAINS.len() + 1),
    }
}

pub(crate) fn generate(config: &DemoConfig) -> Dataset {
    let mut rng = Rng::new(config.seed);
    let now = Timestamp(config.now);
    let scale = config.scale.max(1);
    let n = counts(scale);
    let at = |offset: Duration| Timestamp(config.now - offset);
    let secs = |rng: &mut Rng, max: i64| Duration::seconds(rng.below(max.max(1) as usize) as i64);
    const DAY: i64 = 86_400;

    // Users: a directory of CONTOSO accounts; a few administrators.
    let mut users = Vec::with_capacity(n.users);
    let mut taken = HashSet::new();
    for i in 0..n.users {
        let admin = i % 15 == 0;
        let base = if admin {
            format!("adm-{}", rng.pick(&LAST))
        } else {
            let first = rng.pick(&FIRST);
            format!("{}{}", &first[..1], rng.pick(&LAST))
        };
        let mut name = base.clone();
        let mut k = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}{k}");
            k += 1;
        }
        users.push(User {
            id: format!("contoso\\{name}"),
            account_name: Some(name),
            account_domain: Some("contoso".into()),
            account_sid: Some(format!(
                "S-1-5-21-1004336348-1177238915-682003330-{}",
                1100 + i
            )),
            is_domain_admin: Some(admin),
            is_only_network_user: Some(false),
            ..User::default()
        });
    }

    // Machines: workstations with one primary user, servers with several administrators.
    let mut machines = Vec::with_capacity(n.machines);
    let mut logons: Vec<Vec<u32>> = Vec::with_capacity(n.machines);
    let egress = [
        "167.220.196.71",
        "20.190.128.14",
        "52.168.112.67",
        "40.83.21.197",
    ];
    let mut machine_ids = HashSet::new();
    for i in 0..n.machines {
        let server = i % 9 == 4;
        let os = loop {
            let os = rng.pick(&OSES);
            if os.server == server {
                break os;
            }
        };
        let name = if server {
            format!("srv-{}-{:02}", rng.pick(&SERVER_ROLES), 1 + rng.below(20))
        } else if rng.chance(0.5) {
            format!("desktop-{}", rng.hex(7))
        } else {
            format!(
                "{}-lt-{:04}",
                rng.pick(&GROUPS).to_lowercase(),
                rng.below(10_000)
            )
        };
        let suffix = if i % 3 == 0 {
            "corp.contoso.com"
        } else {
            "contoso.com"
        };
        let id = if i == 0 {
            SOURCE_MACHINE_ID.to_string()
        } else {
            loop {
                let id = rng.hex(40);
                if machine_ids.insert(id.clone()) {
                    break id;
                }
            }
        };
        let ip = format!(
            "10.{}.{}.{}",
            1 + i / 60_000,
            (i / 250) % 250,
            2 + rng.below(250)
        );
        let group = rng.below(GROUPS.len());
        let mut users_here = vec![(i % users.len()) as u32];
        let extra = if server {
            2 + rng.below(3)
        } else {
            usize::from(rng.chance(0.2))
        };
        for _ in 0..extra {
            let u = if server {
                (rng.below(users.len().div_ceil(15)) * 15).min(users.len() - 1)
            } else {
                rng.below(users.len())
            } as u32;
            if !users_here.contains(&u) {
                users_here.push(u);
            }
        }
        logons.push(users_here);
        let first_seen = at(Duration::days(40 + rng.below(700) as i64) + secs(&mut rng, DAY));
        machines.push(Machine {
            id,
            computer_dns_name: Some(format!("{name}.{suffix}")),
            first_seen: Some(first_seen),
            last_seen: Some(at(secs(&mut rng, 2 * DAY))),
            is_online: None,
            os_platform: Some(os.platform.into()),
            os_version: Some(os.os_version.into()),
            os_processor: Some("x64".into()),
            version: Some(os.version.into()),
            system_product_name: Some(
                if server {
                    "Virtual Machine"
                } else {
                    rng.pick(&PRODUCTS)
                }
                .to_string(),
            ),
            last_ip_address: Some(ip.clone()),
            last_external_ip_address: Some(rng.pick(&egress).to_string()),
            agent_version: Some(format!(
                "10.8{}.{}.{}",
                700 + rng.below(90),
                os.build,
                1000 + rng.below(9)
            )),
            os_build: Some(os.build),
            health_status: Some(
                [
                    "Active",
                    "Active",
                    "Active",
                    "Active",
                    "Active",
                    "Inactive",
                    "ImpairedCommunication",
                    "NoSensorData",
                ][rng.below(8)]
                .into(),
            ),
            onboarding_status: Some("Onboarded".into()),
            device_value: Some(
                if server {
                    "High"
                } else if rng.chance(0.1) {
                    "Low"
                } else {
                    "Normal"
                }
                .into(),
            ),
            rbac_group_id: Some(100 + group as i64),
            rbac_group_name: Some(GROUPS[group].into()),
            risk_score: Some("None".into()),
            exposure_level: Some(["Low", "Medium", "Medium", "High"][rng.below(4)].into()),
            is_aad_joined: Some(!server),
            aad_device_id: (!server).then(|| guid(&mut rng)),
            machine_tags: Some(if server {
                vec!["Server".into(), GROUPS[group].into()]
            } else if rng.chance(0.3) {
                vec![GROUPS[group].into()]
            } else {
                vec![]
            }),
            ip_addresses: Some(vec![MachineIpAddress {
                ip_address: Some(ip),
                mac_address: Some(rng.hex(12).to_ascii_uppercase()),
                operational_status: Some("Up".into()),
                ..MachineIpAddress::default()
            }]),
            logon_users: None,
            extra: Default::default(),
        });
    }

    // Files: each a kind of binary, document or script, with one to three names.
    let mut files = Vec::with_capacity(n.files);
    let mut file_names = Vec::with_capacity(n.files);
    for i in 0..n.files {
        let k = match FILE_KINDS.get(i) {
            Some(k) => k,
            None => rng.pick(FILE_KINDS),
        };
        let mut names: Vec<String> = k.names.iter().map(|s| s.to_string()).collect();
        if i >= FILE_KINDS.len() {
            // Variants of a kind: same names, new hashes; malware also under a random name.
            if k.threat.is_some() {
                names.push(format!("{}.exe", rng.hex(8)));
            }
            let keep = 1 + rng.below(names.len());
            names.truncate(keep);
        }
        let microsoft = k.publisher == Some("Microsoft Corporation");
        files.push(File {
            sha1: Some(rng.hex(40)),
            sha256: Some(rng.hex(64)),
            md5: Some(rng.hex(32)),
            global_prevalence: None,
            global_first_observed: None,
            global_last_observed: None,
            windows_defender_av_threat_name: k.threat.map(str::to_string),
            size: Some(if k.pe {
                40_000 + rng.below(4_000_000)
            } else {
                2_000 + rng.below(200_000)
            } as u64),
            file_type: Some(k.file_type.into()),
            is_pe_file: Some(k.pe),
            file_publisher: k.publisher.map(str::to_string),
            file_product_name: k.product.map(str::to_string),
            signer: k.publisher.map(str::to_string),
            issuer: k.publisher.map(|_| {
                if microsoft {
                    "Microsoft Windows Production PCA 2011"
                } else {
                    "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1"
                }
                .to_string()
            }),
            signer_hash: k.publisher.map(|_| rng.hex(40)),
            is_valid_certificate: Some(k.publisher.is_some()),
            determination_type: Some(
                match k.threat {
                    Some(t) if t.starts_with("PUA") => "Pua",
                    Some(t) if t.starts_with("HackTool") => "Tool",
                    Some(_) => "Malware",
                    None if microsoft => "Clean",
                    None => "Unknown",
                }
                .into(),
            ),
            determination_value: k.threat.map(str::to_string),
            extra: Default::default(),
        });
        file_names.push(names);
    }

    // IPs: public addresses, a few IPv6. Domains: well-known services and look-alike infrastructure.
    let mut ips = Vec::with_capacity(n.ips);
    let mut seen = HashSet::new();
    let firsts = [
        13u8, 20, 23, 31, 40, 45, 52, 77, 91, 104, 139, 151, 185, 193, 198, 203,
    ];
    while ips.len() < n.ips {
        let id = if ips.len() % 25 == 24 {
            format!(
                "2a01:111:f400:{:x}::{:x}",
                rng.below(0xffff),
                1 + rng.below(0xfff)
            )
        } else {
            format!(
                "{}.{}.{}.{}",
                rng.pick(&firsts),
                rng.below(256),
                rng.below(256),
                1 + rng.below(254)
            )
        };
        if seen.insert(id.clone()) {
            ips.push(Ip {
                id,
                extra: Default::default(),
            });
        }
    }
    let mut domains: Vec<Domain> = BENIGN_DOMAINS
        .iter()
        .map(|h| Domain {
            host: h.to_string(),
            extra: Default::default(),
        })
        .collect();
    let mut hosts: HashSet<String> = BENIGN_DOMAINS.iter().map(|s| s.to_string()).collect();
    while domains.len() < n.domains {
        let host = format!(
            "{}-{}{}.{}",
            rng.pick(&DOMAIN_WORDS),
            rng.pick(&DOMAIN_WORDS),
            if domains.len() > 400 {
                format!("{}", rng.below(1000))
            } else {
                String::new()
            },
            rng.pick(&TLDS)
        );
        if hosts.insert(host.clone()) {
            domains.push(Domain {
                host,
                extra: Default::default(),
            });
        }
    }

    // Actors: each with its own infrastructure, reused by all of its alerts.
    let mut actors = Vec::with_capacity(ACTORS.len());
    let mut campaigns = Vec::with_capacity(ACTORS.len());
    for seed in &ACTORS {
        let upper = seed.id.to_ascii_uppercase();
        let first = at(Duration::days(365 * 2 + rng.below(365 * 6) as i64));
        actors.push(Actor {
            id: seed.id.into(),
            link_to_report: Some(format!(
                "https://reports.demo-tenant.invalid/actors/{}.pdf",
                seed.id
            )),
            name: Some(upper.clone()),
            description: Some(format!(
                "{upper} is an activity group that {}.",
                seed.summary
            )),
            aliases: Some(seed.aliases.iter().map(|s| s.to_string()).collect()),
            targeted_sectors: Some(seed.sectors.iter().map(|s| s.to_string()).collect()),
            first_seen: Some(first),
            last_seen: None,
            extra: Default::default(),
        });
        let malicious_files: Vec<u32> = (0..files.len())
            .filter(|&f| files[f].windows_defender_av_threat_name.is_some())
            .map(|f| f as u32)
            .collect();
        campaigns.push((
            (0..2 + rng.below(3))
                .map(|_| *rng.pick(&malicious_files))
                .collect::<Vec<u32>>(),
            (0..2 + rng.below(3))
                .map(|_| rng.below(ips.len()) as u32)
                .collect::<Vec<u32>>(),
            (0..1 + rng.below(3))
                .map(|_| {
                    (BENIGN_DOMAINS.len() + rng.below(domains.len() - BENIGN_DOMAINS.len())) as u32
                })
                .collect::<Vec<u32>>(),
        ));
    }

    // Alerts.
    let tenant = guid(&mut rng);
    let mut alerts = Vec::with_capacity(scale);
    let mut links = Vec::with_capacity(scale);
    let mut alert_ids = HashSet::new();
    alerts.push(source_alert());
    links.push(AlertLinks {
        machine: 0,
        user: Some(logons[0][0]),
        files: vec![(7, 0)],
        ips: vec![0],
        domains: vec![BENIGN_DOMAINS.len() as u32],
        actor: None,
    });
    alert_ids.insert(SOURCE_ALERT_ID.to_string());
    for _ in 1..scale {
        let machine = rng.skewed(machines.len().max(1)).min(machines.len() - 1);
        let actor = rng.chance(0.08).then(|| rng.below(actors.len()));
        let k = &KINDS[rng.below(KINDS.len())];
        let created = at(secs(&mut rng, 30 * DAY) + frac(&mut rng));
        let first_event = Timestamp(
            created.0 - Duration::seconds(30 + rng.below(3 * 3600) as i64) - frac(&mut rng),
        );
        let last_event = Timestamp(
            first_event.0
                + Duration::seconds(
                    rng.below(((created.0 - first_event.0).num_seconds().max(1)) as usize) as i64,
                ),
        );
        let status = STATUSES[rng.weighted(&[45, 20, 35])];
        let severity = match actor {
            Some(_) => 2 + rng.below(2),
            None => {
                let shift = rng.weighted(&[15, 70, 15]) as isize - 1;
                (k.severity as isize + shift).clamp(0, 3) as usize
            }
        };
        let resolved = (status == "Resolved").then(|| {
            Timestamp(
                (created.0 + Duration::seconds(600 + rng.below(4 * DAY as usize) as i64))
                    .min(now.0),
            )
        });
        let updated = resolved.unwrap_or_else(|| {
            Timestamp((created.0 + Duration::seconds(rng.below(3600) as i64 + 2)).min(now.0))
        });
        let id = loop {
            let suffix = rng.next_u64() as i32;
            let prefix = if rng.chance(0.3) { "da" } else { "" };
            let id = format!("{prefix}{}_{suffix}", ticks(created));
            if alert_ids.insert(id.clone()) {
                break id;
            }
        };
        let here = &logons[machine];
        let user = (!rng.chance(0.12)).then(|| here[rng.below(here.len())]);
        let (mut lf, mut li, mut ld) = (Vec::new(), Vec::new(), Vec::new());
        let (title, category, description, family, detection, mitre): (
            String,
            &str,
            String,
            Option<String>,
            &str,
            Vec<String>,
        ) = match actor {
            Some(a) => {
                let upper = actors[a].name.clone().unwrap_or_default();
                let (cf, ci, cd) = &campaigns[a];
                lf.extend(
                    cf.iter()
                        .take(1 + rng.below(cf.len()))
                        .map(|&f| (f, rng.below(file_names[f as usize].len()) as u8)),
                );
                li.extend(ci.iter().take(1 + rng.below(ci.len())).copied());
                ld.extend(cd.iter().copied());
                (
                    format!("Malware associated with the activity group {upper} was discovered"),
                    "Malware",
                    format!(
                        "Malware associated with {upper} has been detected. {}",
                        actors[a].description.clone().unwrap_or_default()
                    ),
                    None,
                    "WindowsDefenderAtp",
                    vec!["T1566.001".into(), "T1071.001".into()],
                )
            }
            None => {
                for _ in 0..1 + rng.below(3) {
                    let f = rng.skewed(files.len()) as u32;
                    if !lf.iter().any(|(x, _)| *x == f) {
                        lf.push((f, rng.below(file_names[f as usize].len()) as u8));
                    }
                }
                for _ in 0..rng.below(3) {
                    let ip = rng.skewed(ips.len()) as u32;
                    if !li.contains(&ip) {
                        li.push(ip);
                    }
                }
                for _ in 0..rng.below(3) {
                    let d = rng.skewed(domains.len()) as u32;
                    if !ld.contains(&d) {
                        ld.push(d);
                    }
                }
                (
                    k.title.to_string(),
                    k.category,
                    k.description.to_string(),
                    k.family.map(str::to_string),
                    k.source,
                    k.mitre.iter().map(|s| s.to_string()).collect(),
                )
            }
        };
        let assigned =
            (status != "New" || rng.chance(0.1)).then(|| rng.pick(&ANALYSTS).to_string());
        let (classification, determination) = if status == "Resolved" {
            match rng.weighted(&[55, 25, 20]) {
                0 => (
                    Some("TruePositive"),
                    Some(if family.is_some() {
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
        } else {
            (None, None)
        };
        let m = &machines[machine];
        let u = user.map(|u| &users[u as usize]);
        alerts.push(Alert {
            id,
            incident_id: Some(
                10_000 + (machine as i64) * 40 + (created.0.timestamp() / (3 * DAY)) % 40,
            ),
            investigation_id: rng.chance(0.6).then(|| 500_000 + rng.below(400_000) as i64),
            assigned_to: assigned.clone(),
            severity: Some(["Informational", "Low", "Medium", "High"][severity].into()),
            status: Some(status.into()),
            classification: classification.map(str::to_string),
            determination: determination.map(str::to_string),
            investigation_state: Some(
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
                .into(),
            ),
            detection_source: Some(detection.into()),
            detector_id: Some(guid(&mut Rng::new(
                KINDS.iter().position(|x| x.title == k.title).unwrap_or(0) as u64 * 7919
                    + actor.map_or(0, |a| a as u64 + 100),
            ))),
            category: Some(category.into()),
            threat_family_name: family.clone(),
            title: Some(title),
            description: Some(description),
            recommended_action: Some(k.action.into()),
            alert_creation_time: Some(created),
            first_event_time: Some(first_event),
            last_event_time: Some(last_event),
            last_update_time: Some(updated),
            resolved_time: resolved,
            machine_id: Some(m.id.clone()),
            computer_dns_name: m.computer_dns_name.clone(),
            rbac_group_name: m.rbac_group_name.clone(),
            aad_tenant_id: Some(tenant.clone()),
            threat_name: family.map(|f| format!("Trojan:Win32/{f}")),
            actor_name: actor.map(|a| actors[a].name.clone().unwrap_or_default()),
            mitre_techniques: Some(mitre),
            related_user: u.map(|u| RelatedUser {
                user_name: u.account_name.clone(),
                domain_name: Some("CONTOSO".into()),
                extra: Default::default(),
            }),
            comments: Some(if status != "New" && rng.chance(0.4) {
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
                    created_by: Some(
                        assigned
                            .clone()
                            .unwrap_or_else(|| "secop@contoso.com".into()),
                    ),
                    created_time: Some(updated),
                    extra: Default::default(),
                }]
            } else {
                vec![]
            }),
            evidence: None,
            machine: None,
            extra: Default::default(),
        });
        links.push(AlertLinks {
            machine: machine as u32,
            user,
            files: lf,
            ips: li,
            domains: ld,
            actor: actor.map(|a| a as u32),
        });
    }

    // Order: the source's example first, then newest first.
    let mut pairs = alerts.into_iter().zip(links);
    let example = pairs.next();
    let newest_first = sorted_by(pairs.collect(), |(a, _), (b, _)| {
        b.alert_creation_time.cmp(&a.alert_creation_time)
    });
    let (alerts, links): (Vec<Alert>, Vec<AlertLinks>) =
        example.into_iter().chain(newest_first).unzip();

    let mut data = Dataset {
        now,
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
    };
    derive(&mut data, &mut rng);
    if config.variant == Variant::Hostile {
        make_hostile(&mut data, &mut rng);
    }
    data.rebuild_index();
    data
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

/// Everything computed from the observations: machine risk and last seen, users' logon facts, files'
/// global prevalence (never below what the organization saw), actors' last activity.
fn derive(data: &mut Dataset, rng: &mut Rng) {
    let now = data.now;
    let rank = |s: &Option<String>| super::records::severity_rank(s);
    let mut risk = vec![0u8; data.machines.len()];
    let mut last = vec![None::<Timestamp>; data.machines.len()];
    for (alert, link) in data.alerts.iter().zip(&data.links) {
        let m = link.machine as usize;
        if alert.status.as_deref() != Some("Resolved") {
            if let crate::odata::FieldValue::Rank(r) = rank(&alert.severity) {
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
    // Users: machines they logged on to, first and last logon from those machines' activity.
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
    // Files: global numbers include the organization's own sightings.
    let stats = super::engine::observe(data, super::engine::Target::File, None, None);
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

/// Replaces every free-text field with payloads; ids keep the formats their routes accept, except users.
fn make_hostile(data: &mut Dataset, rng: &mut Rng) {
    let long = hostile_long_string();
    let mut counter = 0usize;
    let mut next = |rng: &mut Rng| -> Option<String> {
        counter += 1;
        match counter % (HOSTILE_PAYLOADS.len() + 3) {
            x if x < HOSTILE_PAYLOADS.len() => Some(HOSTILE_PAYLOADS[x].to_string()),
            x if x == HOSTILE_PAYLOADS.len() => Some(long.clone()),
            x if x == HOSTILE_PAYLOADS.len() + 1 => None,
            _ => Some(format!(
                "{}{}",
                rng.pick(HOSTILE_PAYLOADS),
                rng.pick(HOSTILE_PAYLOADS)
            )),
        }
    };
    macro_rules! hostile {
        ($($field:expr),+ $(,)?) => { $( $field = next(rng); )+ };
    }
    for a in &mut data.alerts {
        hostile!(
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
        a.mitre_techniques = Some(vec![next(rng).unwrap_or_default(), "T1059".into()]);
        a.comments = Some(vec![Comment {
            comment: next(rng),
            created_by: next(rng),
            created_time: a.alert_creation_time,
            extra: Default::default(),
        }]);
        if let Some(u) = &mut a.related_user {
            hostile!(u.user_name, u.domain_name);
        }
    }
    for m in &mut data.machines {
        hostile!(
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
            next(rng).unwrap_or_default(),
            next(rng).unwrap_or_default(),
        ]);
    }
    for f in &mut data.files {
        hostile!(
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
            *n = next(rng).unwrap_or_else(|| "\u{0}".into());
        }
    }
    for a in &mut data.actors {
        hostile!(a.name, a.description);
        a.link_to_report = Some("javascript:window.__atp_pwned=1".into());
        a.aliases = Some(
            HOSTILE_PAYLOADS
                .iter()
                .take(4)
                .map(|s| s.to_string())
                .collect(),
        );
        a.targeted_sectors = Some(vec![next(rng).unwrap_or_default()]);
    }
    // User ids carry payloads too: only those a `domain\name` key can hold (no backslash, no invisible or
    // control characters, no surrounding spaces), made unique by their position.
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
    // The first alert's machine (the page's first card) shows a bidi override and a zero-width space in
    // the name its Machine link carries.
    if let Some(m) = data
        .links
        .first()
        .and_then(|l| data.machines.get_mut(l.machine as usize))
    {
        m.computer_dns_name = Some("ws-\u{202E}fdp.exe\u{202C}-0\u{200B}42.contoso.com".into());
    }
    let mut renamed = HashMap::new();
    for (i, u) in data.users.iter_mut().enumerate() {
        let name = format!("{}{i}", safe[i % safe.len()]);
        let domain = safe[(i + 1) % safe.len()].to_string();
        u.id = format!("{domain}\\{name}");
        renamed.insert(i, name.clone());
        u.account_name = Some(name);
        u.account_domain = Some(domain);
        hostile!(u.account_sid, u.logon_types);
    }
    for (a, link) in data.alerts.iter_mut().zip(&data.links) {
        if let (Some(u), Some(r)) = (link.user, a.related_user.as_mut()) {
            r.user_name = renamed.get(&(u as usize)).cloned();
        }
    }
}
