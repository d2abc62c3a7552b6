//! The directory: CONTOSO accounts, a few of them administrators.

use std::collections::HashSet;

use super::rng::Rng;
use crate::model::User;

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

/// `count` users with unique account names; every fifteenth is a domain administrator.
pub(super) fn users(rng: &mut Rng, count: usize) -> Vec<User> {
    let mut users = Vec::with_capacity(count);
    let mut taken = HashSet::new();
    for i in 0..count {
        let admin = i % 15 == 0;
        let name = unique_name(rng, admin, &mut taken);
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
    users
}

/// `adm-<last>` for an administrator, `<initial><last>` for anyone else, numbered from 2 when taken.
fn unique_name(rng: &mut Rng, admin: bool, taken: &mut HashSet<String>) -> String {
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
    name
}
