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
