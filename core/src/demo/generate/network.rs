//! Indicators on the network: public IP addresses (a few IPv6) and domains, well-known services first,
//! then look-alike infrastructure.

use std::collections::HashSet;

use super::rng::Rng;
use crate::model::{Domain, Ip};

/// Services every tenant talks to; generated domains follow them.
pub(super) static BENIGN_DOMAINS: [&str; 12] = [
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

/// First octets of the generated IPv4 addresses: public ranges.
static FIRST_OCTETS: [u8; 16] = [
    13, 20, 23, 31, 40, 45, 52, 77, 91, 104, 139, 151, 185, 193, 198, 203,
];

/// `count` unique public addresses; every twenty-fifth is IPv6.
pub(super) fn ips(rng: &mut Rng, count: usize) -> Vec<Ip> {
    let mut ips = Vec::with_capacity(count);
    let mut seen = HashSet::new();
    while ips.len() < count {
        let id = if ips.len() % 25 == 24 {
            format!(
                "2a01:111:f400:{:x}::{:x}",
                rng.below(0xffff),
                1 + rng.below(0xfff)
            )
        } else {
            format!(
                "{}.{}.{}.{}",
                rng.pick(&FIRST_OCTETS),
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
    ips
}

/// The benign domains, then unique `word-word.tld` hosts up to `count` (numbered past 400).
pub(super) fn domains(rng: &mut Rng, count: usize) -> Vec<Domain> {
    let mut domains: Vec<Domain> = BENIGN_DOMAINS
        .iter()
        .map(|h| Domain {
            host: h.to_string(),
            extra: Default::default(),
        })
        .collect();
    let mut hosts: HashSet<String> = BENIGN_DOMAINS.iter().map(|s| s.to_string()).collect();
    while domains.len() < count {
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
    domains
}
