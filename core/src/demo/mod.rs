//! The demo tenant: a generated dataset and an OData engine that answers like the real API.
//!
//! [`Dataset::generate`] builds a coherent tenant from a seed (no data files); [`DemoTenant::respond`]
//! answers any request URL of either API profile with the status, headers and JSON body the real API
//! would send. The same code runs in the browser (wasm) and behind the native mock tenant server.

mod engine;
mod generate;
mod graph;
pub mod hunting;
mod records;

pub(crate) use generate::{
    product_kb as generate_product_kb, product_names as generate_product_names,
    version_of as generate_version_of,
};

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::model::defender::{
    AvHealth, Indicator, Investigation, Kb, MachineAction, Recommendation, RemediationTask, Score,
    Software, Vulnerability,
};
use crate::model::{Actor, Alert, Domain, File, Ip, Machine, Timestamp, User};

pub use engine::{DemoResponse, DEFAULT_PAGE_SIZE, MAX_TOP, RUNS_AFTER_MS, SUCCEEDS_AFTER_MS};

/// Which dataset to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// A realistic tenant.
    Normal,
    /// Test-only: markup, script and URL payloads, RTL and zero-width characters, very long strings,
    /// NUL characters and nulls in every string field. Ids stay in their route's format (so every route
    /// still resolves), except user ids (`domain\name`), which carry payloads too.
    Hostile,
}

/// How to generate the demo tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    pub seed: u64,
    /// Number of alerts; machines, users, files, IPs and domains scale with it (1,200 → 250, 180, 400,
    /// 300, 150). Actors stay 12.
    pub scale: usize,
    pub variant: Variant,
    /// "Now" of the tenant: every time is spread over the 30 days before it.
    pub now: DateTime<Utc>,
}

impl DemoConfig {
    pub const DEFAULT_SEED: u64 = 0x00A7_9E11_2017_0627;
    pub const DEFAULT_SCALE: usize = 1200;

    /// The app's default tenant at `now`.
    pub fn new(now: DateTime<Utc>) -> DemoConfig {
        DemoConfig {
            seed: Self::DEFAULT_SEED,
            scale: Self::DEFAULT_SCALE,
            variant: Variant::Normal,
            now,
        }
    }
}

/// The strings the hostile variant plants. UI tests check that `window.__atp_pwned` stays unset.
pub const HOSTILE_PAYLOADS: &[&str] = &[
    "<img src=x onerror=\"window.__atp_pwned=1\">",
    "<script>window.__atp_pwned=1</script>",
    "javascript:window.__atp_pwned=1",
    "\"><svg onload=window.__atp_pwned=1>",
    "'><iframe src=\"javascript:window.__atp_pwned=1\"></iframe>",
    "<a href=\"javascript:window.__atp_pwned=1\">open report</a>",
    "</textarea></title><script>window.__atp_pwned=1</script>",
    "data:text/html,<script>window.__atp_pwned=1</script>",
    "{{window.__atp_pwned=1}} ${window.__atp_pwned=1}",
    "%3Cscript%3Ewindow.__atp_pwned=1%3C%2Fscript%3E",
    "\u{202E}fdp.exe\u{202C} invoice",
    "zero\u{200B}width\u{200D}join\u{FEFF}er\u{2060}",
    "nul\u{0}byte\u{0}",
    "تنبيه خبيث على الجهاز",
    "שלום <b>עולם</b>",
    "Robert'); DROP TABLE alerts;--",
    "..\\..\\Windows\\System32\\config\\SAM",
    "Z\u{0324}\u{0354}\u{0367}a\u{0308}\u{0356}l\u{036E}g\u{030C}o\u{0319}\u{0314}",
    "\u{1F4A3}\u{1F525} emoji \u{1F9A0}",
];

/// Response headers the hostile variant adds to every answer (the Response tab shows them).
pub const HOSTILE_HEADERS: &[(&str, &str)] = &[
    ("X-Atp-Note", "<script>window.__atp_pwned=1</script>"),
    ("Link", "<javascript:window.__atp_pwned=1>; rel=\"next\""),
    (
        "X-Atp-Source",
        "\u{202E}fdp.exe\u{202C} invoice zero\u{200B}width",
    ),
];

/// A very long string, also planted by the hostile variant (≈ 20,000 characters).
pub fn hostile_long_string() -> String {
    let mut s = "<b>long</b>".repeat(1_500);
    s.push_str(&"W".repeat(3_000));
    s.push_str("<script>window.__atp_pwned=1</script>");
    s
}

/// What ties an alert to the other entities (indices into the dataset's vectors).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AlertLinks {
    pub machine: u32,
    pub user: Option<u32>,
    /// Each file with the index of the name it was seen under (into `Dataset::file_names`).
    pub files: Vec<(u32, u8)>,
    pub ips: Vec<u32>,
    pub domains: Vec<u32>,
    pub actor: Option<u32>,
}

/// The demo tenant's data: typed entities and the relations between them.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub now: Timestamp,
    pub variant: Variant,
    /// In the order `/alerts` lists them: the source document's example first, then newest first.
    pub alerts: Vec<Alert>,
    pub machines: Vec<Machine>,
    pub users: Vec<User>,
    pub files: Vec<File>,
    pub ips: Vec<Ip>,
    pub domains: Vec<Domain>,
    pub actors: Vec<Actor>,
    pub(crate) links: Vec<AlertLinks>,
    /// The names each file was seen under.
    pub(crate) file_names: Vec<Vec<String>>,
    /// Per machine, the users who logged on to it (primary user first).
    pub(crate) logons: Vec<Vec<u32>>,
    pub(crate) index: Index,
    /// The alerts' most filtered and sorted properties, compact and contiguous (see `records`).
    pub(crate) rows: Vec<records::AlertRow>,
    pub(crate) strings: Vec<String>,
    /// Today's Defender data: vulnerability management, response actions, investigations, indicators.
    pub defender: DefenderData,
}

/// One product installed on a machine: indices into the generator's catalogue and its versions (0 is
/// the newest; any other has the product's CVEs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Install {
    pub product: u32,
    pub version: u8,
}

/// Today's Defender entities of the tenant and what ties them to the machines and alerts.
#[derive(Clone, Debug, Default)]
pub struct DefenderData {
    /// The catalogue's products, in catalogue order.
    pub software: Vec<Software>,
    pub vulnerabilities: Vec<Vulnerability>,
    /// Per software, its vulnerabilities.
    pub software_cves: Vec<Vec<u32>>,
    /// Per machine, what it has installed.
    pub installs: Vec<Vec<Install>>,
    /// Per software, the machines exposed through it (an old version) and how many have it at all.
    pub exposure: Vec<(Vec<u32>, u32)>,
    pub recommendations: Vec<Recommendation>,
    /// Per recommendation, its software.
    pub recommendation_software: Vec<u32>,
    pub remediation_tasks: Vec<RemediationTask>,
    /// Per remediation activity, its recommendation.
    pub remediation_recommendation: Vec<u32>,
    pub kbs: Vec<Kb>,
    /// Per KB, the software it fixes.
    pub kb_software: Vec<u32>,
    /// The source machine's response first, then newest first.
    pub machine_actions: Vec<MachineAction>,
    /// The source alert's investigation first.
    pub investigations: Vec<Investigation>,
    pub indicators: Vec<Indicator>,
    /// Per machine, in machine order.
    pub av_health: Vec<AvHealth>,
    pub exposure_score: Score,
    pub configuration_score: Score,
    pub group_scores: Vec<Score>,
}

impl DefenderData {
    /// The vulnerabilities machine `m` is exposed to, each once, in catalogue order.
    pub fn machine_vulnerabilities(&self, m: usize) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for i in self.installs.get(m).into_iter().flatten() {
            if i.version > 0 {
                out.extend(&self.software_cves[i.product as usize]);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The software `v` is a vulnerability of.
    pub fn software_of_vulnerability(&self, v: u32) -> Option<usize> {
        self.software_cves.iter().position(|cves| cves.contains(&v))
    }
}

/// Lower-cased ids to positions.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    pub alerts: HashMap<String, u32>,
    pub machines: HashMap<String, u32>,
    pub users: HashMap<String, u32>,
    pub files: HashMap<String, u32>,
    pub ips: HashMap<String, u32>,
    pub domains: HashMap<String, u32>,
    pub actors: HashMap<String, u32>,
}

/// The source document's example alert id.
pub const SOURCE_ALERT_ID: &str = "636341278149188342_1960231459";
/// The machine of the source document's example alert.
pub const SOURCE_MACHINE_ID: &str = "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b";

impl Dataset {
    /// Generates the tenant; the same config always gives the same data.
    pub fn generate(config: &DemoConfig) -> Dataset {
        generate::generate(config)
    }

    pub fn alert(&self, id: &str) -> Option<&Alert> {
        self.lookup(&self.index.alerts, id).map(|i| &self.alerts[i])
    }

    pub fn machine(&self, id: &str) -> Option<&Machine> {
        self.lookup(&self.index.machines, id)
            .map(|i| &self.machines[i])
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.user_index(id).map(|i| &self.users[i])
    }

    pub fn file(&self, hash: &str) -> Option<&File> {
        self.lookup(&self.index.files, hash).map(|i| &self.files[i])
    }

    pub(crate) fn lookup(&self, map: &HashMap<String, u32>, id: &str) -> Option<usize> {
        map.get(&id.to_lowercase()).map(|&i| i as usize)
    }

    /// A user by `domain\name`, or by `name` alone.
    pub(crate) fn user_index(&self, id: &str) -> Option<usize> {
        self.lookup(&self.index.users, id).or_else(|| {
            let wanted = id.to_lowercase();
            self.users.iter().position(|u| {
                u.account_name
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase() == wanted)
            })
        })
    }

    pub(crate) fn rebuild_index(&mut self) {
        let mut index = Index::default();
        for (i, a) in self.alerts.iter().enumerate() {
            index.alerts.insert(a.id.to_lowercase(), i as u32);
        }
        for (i, m) in self.machines.iter().enumerate() {
            index.machines.insert(m.id.to_lowercase(), i as u32);
        }
        for (i, u) in self.users.iter().enumerate() {
            index.users.insert(u.id.to_lowercase(), i as u32);
        }
        for (i, f) in self.files.iter().enumerate() {
            for hash in [&f.sha1, &f.sha256, &f.md5].into_iter().flatten() {
                index.files.insert(hash.to_lowercase(), i as u32);
            }
        }
        for (i, ip) in self.ips.iter().enumerate() {
            index.ips.insert(ip.id.to_lowercase(), i as u32);
        }
        for (i, d) in self.domains.iter().enumerate() {
            index.domains.insert(d.host.to_lowercase(), i as u32);
        }
        for (i, a) in self.actors.iter().enumerate() {
            index.actors.insert(a.id.to_lowercase(), i as u32);
        }
        self.index = index;
        let (rows, strings) = records::rows(&self.alerts);
        self.rows = rows;
        self.strings = strings;
    }

    /// An alert as `$filter` and `$orderby` read it.
    pub(crate) fn alert_view(&self, i: usize) -> records::AlertView<'_> {
        records::AlertView {
            row: &self.rows[i],
            alert: &self.alerts[i],
            strings: &self.strings,
        }
    }
}

/// The demo tenant: answers requests from its dataset.
#[derive(Clone, Debug)]
pub struct DemoTenant {
    pub dataset: Dataset,
    /// Graph's incidents and alert views of the dataset, built on the first Graph request.
    graph: std::sync::OnceLock<graph::GraphIndex>,
    /// The advanced hunting tables, built on the first hunt (`hunting`).
    hunting: std::sync::OnceLock<crate::hunting::HuntingTables>,
    /// What the analyst's writes did (response actions, indicators), beside the dataset.
    performed: engine::PerformedCell,
}

impl DemoTenant {
    pub fn new(dataset: Dataset) -> DemoTenant {
        DemoTenant {
            performed: engine::PerformedCell::starting_at(dataset.now.0),
            dataset,
            graph: std::sync::OnceLock::new(),
            hunting: std::sync::OnceLock::new(),
        }
    }

    /// Generates the dataset of `config` and serves it.
    pub fn generate(config: &DemoConfig) -> DemoTenant {
        DemoTenant::new(Dataset::generate(config))
    }
}
