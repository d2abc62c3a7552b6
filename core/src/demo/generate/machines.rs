//! Machines: workstations with one primary user, servers with several administrators.

use std::collections::HashSet;

use chrono::Duration;

use super::rng::{guid, secs, Rng};
use super::{Clock, DAY};
use crate::demo::SOURCE_MACHINE_ID;
use crate::model::{Machine, MachineIpAddress};

static GROUPS: [&str; 6] = ["Finance", "Engineering", "Sales", "HR", "IT", "Executives"];
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

/// The tenant's egress addresses, as machines' last external IP.
static EGRESS: [&str; 4] = [
    "167.220.196.71",
    "20.190.128.14",
    "52.168.112.67",
    "40.83.21.197",
];

/// `count` machines and, per machine, the users who log on to it (primary user first). The first machine
/// is the source document's example machine.
pub(super) fn machines(
    rng: &mut Rng,
    clock: Clock,
    count: usize,
    users: usize,
) -> (Vec<Machine>, Vec<Vec<u32>>) {
    let mut machines = Vec::with_capacity(count);
    let mut logons: Vec<Vec<u32>> = Vec::with_capacity(count);
    let mut ids = HashSet::new();
    for i in 0..count {
        let server = i % 9 == 4;
        let os = os(rng, server);
        let name = host_name(rng, server);
        let suffix = if i % 3 == 0 {
            "corp.contoso.com"
        } else {
            "contoso.com"
        };
        let id = machine_id(rng, i, &mut ids);
        let ip = format!(
            "10.{}.{}.{}",
            1 + i / 60_000,
            (i / 250) % 250,
            2 + rng.below(250)
        );
        let group = rng.below(GROUPS.len());
        logons.push(logon_users(rng, i, server, users));
        let first_seen = clock.ago(Duration::days(40 + rng.below(700) as i64) + secs(rng, DAY));
        let placed = Placed {
            id,
            dns_name: format!("{name}.{suffix}"),
            first_seen,
            server,
            os,
            ip,
            group,
        };
        machines.push(machine(rng, clock, placed));
    }
    (machines, logons)
}

/// An operating system of the machine's kind (server or workstation).
fn os(rng: &mut Rng, server: bool) -> &'static Os {
    loop {
        let os = rng.pick(&OSES);
        if os.server == server {
            break os;
        }
    }
}

/// `srv-<role>-NN` for a server; `desktop-<hex>` or `<group>-lt-NNNN` for a workstation.
fn host_name(rng: &mut Rng, server: bool) -> String {
    if server {
        format!("srv-{}-{:02}", rng.pick(&SERVER_ROLES), 1 + rng.below(20))
    } else if rng.chance(0.5) {
        format!("desktop-{}", rng.hex(7))
    } else {
        format!(
            "{}-lt-{:04}",
            rng.pick(&GROUPS).to_lowercase(),
            rng.below(10_000)
        )
    }
}

/// The source machine's id for the first machine, a new unique 40-hex id for the others.
fn machine_id(rng: &mut Rng, i: usize, taken: &mut HashSet<String>) -> String {
    if i == 0 {
        return SOURCE_MACHINE_ID.to_string();
    }
    loop {
        let id = rng.hex(40);
        if taken.insert(id.clone()) {
            break id;
        }
    }
}

/// The primary user, then a few administrators on a server or sometimes one more user on a workstation.
fn logon_users(rng: &mut Rng, i: usize, server: bool, users: usize) -> Vec<u32> {
    let mut here = vec![(i % users) as u32];
    let extra = if server {
        2 + rng.below(3)
    } else {
        usize::from(rng.chance(0.2))
    };
    for _ in 0..extra {
        let u = if server {
            (rng.below(users.div_ceil(15)) * 15).min(users - 1)
        } else {
            rng.below(users)
        } as u32;
        if !here.contains(&u) {
            here.push(u);
        }
    }
    here
}

/// What is decided about a machine before its record is written.
struct Placed {
    id: String,
    dns_name: String,
    first_seen: crate::model::Timestamp,
    server: bool,
    os: &'static Os,
    ip: String,
    group: usize,
}

/// The machine's record; the fields draw in the order they are written.
fn machine(rng: &mut Rng, clock: Clock, p: Placed) -> Machine {
    let server = p.server;
    Machine {
        id: p.id,
        computer_dns_name: Some(p.dns_name),
        first_seen: Some(p.first_seen),
        last_seen: Some(clock.ago(secs(rng, 2 * DAY))),
        is_online: None,
        os_platform: Some(p.os.platform.into()),
        os_version: Some(p.os.os_version.into()),
        os_processor: Some("x64".into()),
        version: Some(p.os.version.into()),
        system_product_name: Some(
            if server {
                "Virtual Machine"
            } else {
                rng.pick(&PRODUCTS)
            }
            .to_string(),
        ),
        last_ip_address: Some(p.ip.clone()),
        last_external_ip_address: Some(rng.pick(&EGRESS).to_string()),
        agent_version: Some(format!(
            "10.8{}.{}.{}",
            700 + rng.below(90),
            p.os.build,
            1000 + rng.below(9)
        )),
        os_build: Some(p.os.build),
        health_status: Some(health_status(rng).into()),
        onboarding_status: Some("Onboarded".into()),
        device_value: Some(device_value(rng, server).into()),
        rbac_group_id: Some(100 + p.group as i64),
        rbac_group_name: Some(GROUPS[p.group].into()),
        risk_score: Some("None".into()),
        exposure_level: Some(["Low", "Medium", "Medium", "High"][rng.below(4)].into()),
        is_aad_joined: Some(!server),
        aad_device_id: (!server).then(|| guid(rng)),
        machine_tags: Some(machine_tags(rng, server, p.group)),
        ip_addresses: Some(vec![MachineIpAddress {
            ip_address: Some(p.ip),
            mac_address: Some(rng.hex(12).to_ascii_uppercase()),
            operational_status: Some("Up".into()),
            ..MachineIpAddress::default()
        }]),
        logon_users: None,
        extra: Default::default(),
    }
}

/// Mostly active; the rest spread over the sensor's unhealthy states.
fn health_status(rng: &mut Rng) -> &'static str {
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
}

/// Servers are high value; a tenth of workstations low.
fn device_value(rng: &mut Rng, server: bool) -> &'static str {
    if server {
        "High"
    } else if rng.chance(0.1) {
        "Low"
    } else {
        "Normal"
    }
}

/// Servers are tagged `Server` and with their group; some workstations with their group.
fn machine_tags(rng: &mut Rng, server: bool, group: usize) -> Vec<String> {
    if server {
        vec!["Server".into(), GROUPS[group].into()]
    } else if rng.chance(0.3) {
        vec![GROUPS[group].into()]
    } else {
        vec![]
    }
}
