//! Where a value of a known kind leads: the Defender entity (and so the routes) a hunting result's cell
//! names by its column's mark.

use serde_json::{json, Value};

use crate::catalogue::Entity;
use crate::hunting::EntityMark;
use crate::model::security::{route_text, Pivot, Pivots};

/// The Defender entity a hunting result's cell names, by its column's mark (hunting-schema.md): a machine
/// id, a file hash (SHA1 or SHA256; the file route takes no MD5), an IP, a URL's host or a domain, an
/// account name, an alert id. `None` for marks with no route and for values that are not that entity.
pub fn mark_pivot(mark: EntityMark, value: &str) -> Option<Pivot> {
    let mut pivots = Pivots::default();
    match mark {
        EntityMark::MachineId => pivots.machine(Some(value)),
        EntityMark::Sha1 | EntityMark::Sha256 => {
            let hash = value.trim();
            let length = if mark == EntityMark::Sha1 { 40 } else { 64 };
            if hash.len() == length && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                pivots.add(Entity::File, Some(hash));
            }
        }
        EntityMark::Ip => pivots.ip(Some(value)),
        EntityMark::Url => {
            let trimmed = value.trim();
            if trimmed.contains("://") {
                pivots.url(Some(trimmed));
            } else {
                // `RemoteUrl` often holds a bare host.
                pivots.url(Some(&format!("https://{trimmed}")));
            }
        }
        EntityMark::Domain => pivots.url(Some(&format!("https://{}", value.trim()))),
        EntityMark::AccountName => pivots.add(Entity::User, route_text(Some(value))),
        EntityMark::AlertId => pivots.add(Entity::Alert, route_text(Some(value))),
        _ => {}
    }
    pivots.list.into_iter().next()
}

/// A prepared advanced hunting query about one entity ("Hunt from here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedHunt {
    /// What it finds, as a link says it.
    pub label: String,
    pub query: String,
}

/// A KQL string literal of `text`: double-quoted, with `\` and `"` escaped (control characters as
/// `\uXXXX`), so no value can end the literal early.
pub fn kql_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The hunts an analyst runs from an entity: a device's processes, connections and logons; where a
/// file ran; who connected to an IP or a domain; a user's logons; an alert's evidence.
pub fn hunts(pivot: &Pivot) -> Vec<PreparedHunt> {
    let v = kql_string(&pivot.id);
    let hunt = |label: &str, query: String| PreparedHunt {
        label: label.to_string(),
        query,
    };
    match pivot.entity {
        Entity::Machine => vec![
            hunt(
                "This device's processes in the last 7 days",
                format!("DeviceProcessEvents\n| where Timestamp > ago(7d)\n| where DeviceId == {v}\n| project Timestamp, DeviceName, FileName, ProcessCommandLine, SHA1, AccountName, InitiatingProcessFileName\n| order by Timestamp desc"),
            ),
            hunt(
                "This device's network connections in the last 7 days",
                format!("DeviceNetworkEvents\n| where Timestamp > ago(7d)\n| where DeviceId == {v}\n| project Timestamp, DeviceName, RemoteIP, RemotePort, RemoteUrl, InitiatingProcessFileName, ActionType\n| order by Timestamp desc"),
            ),
            hunt(
                "Logons on this device in the last 7 days",
                format!("DeviceLogonEvents\n| where Timestamp > ago(7d)\n| where DeviceId == {v}\n| project Timestamp, DeviceName, AccountDomain, AccountName, LogonType, RemoteIP, ActionType\n| order by Timestamp desc"),
            ),
        ],
        Entity::File => {
            let column = if pivot.id.len() == 64 { "SHA256" } else { "SHA1" };
            vec![
                hunt(
                    "Where this file ran",
                    format!("DeviceProcessEvents\n| where Timestamp > ago(30d)\n| where {column} == {v}\n| summarize Runs = count(), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by DeviceId, DeviceName\n| order by Runs desc"),
                ),
                hunt(
                    "Where this file was written",
                    format!("DeviceFileEvents\n| where Timestamp > ago(30d)\n| where {column} == {v}\n| project Timestamp, DeviceId, DeviceName, ActionType, FolderPath, FileOriginUrl, InitiatingProcessFileName\n| order by Timestamp desc"),
                ),
            ]
        }
        Entity::Ip => vec![hunt(
            "Connections to this IP in the last 30 days",
            format!("DeviceNetworkEvents\n| where Timestamp > ago(30d)\n| where RemoteIP == {v}\n| project Timestamp, DeviceId, DeviceName, RemotePort, RemoteUrl, InitiatingProcessFileName, InitiatingProcessSHA1\n| order by Timestamp desc"),
        )],
        Entity::Domain => vec![hunt(
            "Connections to this domain in the last 30 days",
            format!("DeviceNetworkEvents\n| where Timestamp > ago(30d)\n| where RemoteUrl has {v}\n| project Timestamp, DeviceId, DeviceName, RemoteIP, RemoteUrl, InitiatingProcessFileName\n| order by Timestamp desc"),
        )],
        Entity::User => vec![hunt(
            "This user's logons in the last 7 days",
            format!("DeviceLogonEvents\n| where Timestamp > ago(7d)\n| where AccountName =~ {v}\n| project Timestamp, DeviceId, DeviceName, LogonType, RemoteIP, ActionType\n| order by Timestamp desc"),
        )],
        Entity::Alert => vec![hunt(
            "This alert's evidence",
            format!("AlertEvidence\n| where AlertId == {v}\n| project Timestamp, EntityType, DeviceId, DeviceName, SHA1, FileName, RemoteIP, RemoteUrl, AccountName"),
        )],
        Entity::Actor
        | Entity::Incident
        | Entity::MachineAction
        | Entity::Investigation
        | Entity::Indicator
        | Entity::Software
        | Entity::Vulnerability
        | Entity::Recommendation
        | Entity::RemediationTask
        | Entity::Score
        | Entity::AvHealth
        | Entity::Assessment
        | Entity::Kb => Vec::new(),
    }
}

/// The entity a pivot names as the API would send it, with only what is known (its id): what the
/// investigation graph takes in (`graph::identify`) when a hunting row's entities are added to it.
pub fn entity_json(pivot: &Pivot) -> Value {
    let id = pivot.id.as_str();
    match pivot.entity {
        Entity::File if id.len() == 64 => json!({ "sha256": id }),
        Entity::File => json!({ "sha1": id }),
        Entity::Domain => json!({ "host": id }),
        Entity::User => json!({ "id": id, "accountName": id }),
        _ => json!({ "id": id }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepared_hunts_parse_and_hold_their_value_as_one_literal() {
        let hostile = "x\" | take 1 | where \"\\\n";
        for entity in Entity::ALL {
            let plain = hunts(&Pivot {
                entity,
                id: "a".repeat(40),
            });
            let tricky = hunts(&Pivot {
                entity,
                id: hostile.to_string(),
            });
            for (plain, tricky) in plain.iter().zip(&tricky) {
                let ops = |text: &str| {
                    crate::hunting::parse(text)
                        .map(|q| q.body.ops.len())
                        .unwrap_or_else(|e| panic!("{}: {e:?}\n{text}", plain.label))
                };
                // The same pipeline whatever the value: it cannot end its literal and add operators.
                assert_eq!(ops(&plain.query), ops(&tricky.query), "{}", tricky.query);
            }
        }
        assert_eq!(
            hunts(&Pivot {
                entity: Entity::Machine,
                id: "m".into()
            })
            .len(),
            3
        );
        assert_eq!(kql_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }

    #[test]
    fn a_pivot_is_an_entity_the_graph_takes_in() {
        for (mark, value) in [
            (EntityMark::MachineId, "a".repeat(40)),
            (EntityMark::Sha1, "b".repeat(40)),
            (EntityMark::Sha256, "c".repeat(64)),
            (EntityMark::Ip, "10.0.0.1".to_string()),
            (EntityMark::Url, "https://evil.example/x".to_string()),
            (EntityMark::AccountName, "jdoe".to_string()),
            (EntityMark::AlertId, "da1_2".to_string()),
        ] {
            let pivot = mark_pivot(mark, &value).expect("a pivot");
            let found = crate::graph::identify(pivot.entity, &entity_json(&pivot))
                .unwrap_or_else(|| panic!("{mark:?} {value}"));
            assert_eq!(
                found.api_id.to_lowercase(),
                pivot.id.to_lowercase(),
                "{mark:?}"
            );
        }
    }

    fn pivot(mark: EntityMark, value: &str) -> Option<(Entity, String)> {
        mark_pivot(mark, value).map(|p| (p.entity, p.id))
    }

    #[test]
    fn entity_columns_lead_to_their_defender_entity() {
        let sha1 = "a".repeat(40);
        assert_eq!(
            pivot(EntityMark::MachineId, &sha1),
            Some((Entity::Machine, sha1.clone()))
        );
        assert_eq!(
            pivot(EntityMark::Sha1, &sha1),
            Some((Entity::File, sha1.clone()))
        );
        assert_eq!(
            pivot(EntityMark::Sha256, &sha1),
            None,
            "a SHA256 column's value is 64 digits"
        );
        assert_eq!(
            pivot(EntityMark::Sha256, &"b".repeat(64)).map(|p| p.0),
            Some(Entity::File)
        );
        assert_eq!(
            pivot(EntityMark::Md5, &"c".repeat(32)),
            None,
            "the file route takes no MD5"
        );
        assert_eq!(
            pivot(EntityMark::Ip, " 10.1.2.3 "),
            Some((Entity::Ip, "10.1.2.3".into()))
        );
        assert_eq!(pivot(EntityMark::Ip, "not an ip"), None);
        assert_eq!(
            pivot(EntityMark::Url, "https://Evil.Example.com/path?q=1"),
            Some((Entity::Domain, "evil.example.com".into()))
        );
        assert_eq!(
            pivot(EntityMark::Url, "evil.example.com"),
            Some((Entity::Domain, "evil.example.com".into())),
            "RemoteUrl often holds a bare host"
        );
        assert_eq!(
            pivot(EntityMark::AccountName, "jdoe"),
            Some((Entity::User, "jdoe".into()))
        );
        assert_eq!(pivot(EntityMark::AccountName, ""), None);
        assert_eq!(
            pivot(EntityMark::AlertId, "da123_1"),
            Some((Entity::Alert, "da123_1".into()))
        );
        assert_eq!(pivot(EntityMark::FolderPath, "C:\\Windows"), None);
    }
}
