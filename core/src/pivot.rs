//! Where a value of a known kind leads: the Defender entity (and so the routes) a hunting result's cell
//! names by its column's mark.

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


#[cfg(test)]
mod tests {
    use super::*;

    fn pivot(mark: EntityMark, value: &str) -> Option<(Entity, String)> {
        mark_pivot(mark, value).map(|p| (p.entity, p.id))
    }

    #[test]
    fn entity_columns_lead_to_their_defender_entity() {
        let sha1 = "a".repeat(40);
        assert_eq!(pivot(EntityMark::MachineId, &sha1), Some((Entity::Machine, sha1.clone())));
        assert_eq!(pivot(EntityMark::Sha1, &sha1), Some((Entity::File, sha1.clone())));
        assert_eq!(pivot(EntityMark::Sha256, &sha1), None, "a SHA256 column's value is 64 digits");
        assert_eq!(pivot(EntityMark::Sha256, &"b".repeat(64)).map(|p| p.0), Some(Entity::File));
        assert_eq!(pivot(EntityMark::Md5, &"c".repeat(32)), None, "the file route takes no MD5");
        assert_eq!(pivot(EntityMark::Ip, " 10.1.2.3 "), Some((Entity::Ip, "10.1.2.3".into())));
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
        assert_eq!(pivot(EntityMark::AccountName, "jdoe"), Some((Entity::User, "jdoe".into())));
        assert_eq!(pivot(EntityMark::AccountName, ""), None);
        assert_eq!(pivot(EntityMark::AlertId, "da123_1"), Some((Entity::Alert, "da123_1".into())));
        assert_eq!(pivot(EntityMark::FolderPath, "C:\\Windows"), None);
    }
}
