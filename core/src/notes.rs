//! The analyst's notes: at most one per entity (a graph node or a card, both named by a [`NodeKey`]),
//! kept in the browser and written into the investigation report.
//!
//! Notes are the analyst's own text, never API data or tokens. The stored form is a small JSON document
//! (`"format": "atp-explorer/notes"`, version 1); a stored document that cannot be read is refused whole
//! (the shell then starts empty and says so) rather than half-read.

use serde::{Deserialize, Serialize};

use crate::catalogue::Entity;
use crate::graph::NodeKey;

/// A note is at most this many characters.
pub const NOTE_MAX_CHARS: usize = 4_000;
/// At most this many notes are kept; the oldest goes first.
pub const NOTES_MAX: usize = 1_000;

const FORMAT: &str = "atp-explorer/notes";

/// One note on one entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub key: NodeKey,
    pub text: String,
    /// When it was last written: milliseconds since the Unix epoch.
    pub at_ms: i64,
}

/// Every note, oldest written first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    items: Vec<Note>,
}

/// Why a note was not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteError {
    TooLong { chars: usize },
}

impl std::fmt::Display for NoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoteError::TooLong { chars } => write!(
                f,
                "The note has {chars} characters; a note holds at most {NOTE_MAX_CHARS}. Shorten it and save again."
            ),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct StoredNote {
    entity: String,
    id: String,
    text: String,
    at: i64,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: String,
    version: u32,
    notes: Vec<StoredNote>,
}

impl Notes {
    pub fn get(&self, key: &NodeKey) -> Option<&Note> {
        self.items.iter().find(|n| n.key == *key)
    }

    /// Every note, oldest written first.
    pub fn iter(&self) -> impl Iterator<Item = &Note> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Writes the note on `key`; text that is only white space removes it. The note moves to the end
    /// (newest); past [`NOTES_MAX`] the oldest is dropped.
    pub fn set(&mut self, key: &NodeKey, text: &str, at_ms: i64) -> Result<(), NoteError> {
        let chars = text.chars().count();
        if chars > NOTE_MAX_CHARS {
            return Err(NoteError::TooLong { chars });
        }
        self.items.retain(|n| n.key != *key);
        if !text.trim().is_empty() {
            self.items.push(Note {
                key: key.clone(),
                text: text.to_string(),
                at_ms,
            });
            if self.items.len() > NOTES_MAX {
                self.items.remove(0);
            }
        }
        Ok(())
    }

    pub fn to_json(&self) -> String {
        let stored = Stored {
            format: FORMAT.to_string(),
            version: 1,
            notes: self
                .items
                .iter()
                .map(|n| StoredNote {
                    entity: n.key.entity().key().to_string(),
                    id: n.key.id().to_string(),
                    text: n.text.clone(),
                    at: n.at_ms,
                })
                .collect(),
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Reads what [`Notes::to_json`] wrote; anything else is refused with what is wrong.
    pub fn from_json(text: &str) -> Result<Notes, String> {
        let stored: Stored =
            serde_json::from_str(text).map_err(|e| format!("not a notes file: {e}"))?;
        if stored.format != FORMAT || stored.version != 1 {
            return Err(format!(
                "format {} version {}, not {FORMAT} version 1",
                stored.format, stored.version
            ));
        }
        let mut notes = Notes::default();
        for (i, n) in stored.notes.into_iter().enumerate() {
            let key = Entity::from_key(&n.entity)
                .and_then(|e| NodeKey::new(e, &n.id))
                .ok_or_else(|| format!("note {}: no entity {} {:?}", i + 1, n.entity, n.id))?;
            notes
                .set(&key, &n.text, n.at)
                .map_err(|e| format!("note {}: {e}", i + 1))?;
        }
        Ok(notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> NodeKey {
        NodeKey::new(Entity::Machine, id).unwrap()
    }

    #[test]
    fn a_note_is_written_replaced_and_removed() {
        let mut notes = Notes::default();
        notes.set(&key("a"), "first look", 1).unwrap();
        notes.set(&key("b"), "other", 2).unwrap();
        notes.set(&key("a"), "isolated it", 3).unwrap();
        let texts: Vec<_> = notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["other", "isolated it"]);
        notes.set(&key("b"), "  \n", 4).unwrap();
        assert_eq!(notes.len(), 1);
        assert!(notes.get(&key("b")).is_none());
    }

    #[test]
    fn too_long_a_note_is_refused_and_the_old_one_kept() {
        let mut notes = Notes::default();
        notes.set(&key("a"), "kept", 1).unwrap();
        let long = "x".repeat(NOTE_MAX_CHARS + 1);
        let err = notes.set(&key("a"), &long, 2).unwrap_err();
        assert!(err.to_string().contains("at most 4000"), "{err}");
        assert_eq!(notes.get(&key("a")).map(|n| n.text.as_str()), Some("kept"));
    }

    #[test]
    fn the_oldest_note_goes_past_the_bound() {
        let mut notes = Notes::default();
        for i in 0..=NOTES_MAX {
            notes.set(&key(&i.to_string()), "n", i as i64).unwrap();
        }
        assert_eq!(notes.len(), NOTES_MAX);
        assert!(notes.get(&key("0")).is_none());
    }

    #[test]
    fn notes_round_trip_and_a_bad_store_is_refused() {
        let mut notes = Notes::default();
        notes
            .set(&key("a"), "<script>x</script> \u{202E}", 5)
            .unwrap();
        let back = Notes::from_json(&notes.to_json()).unwrap();
        assert_eq!(back, notes);
        assert!(Notes::from_json("{}").is_err());
        assert!(Notes::from_json(r#"{"format":"other","version":1,"notes":[]}"#).is_err());
        let bad = r#"{"format":"atp-explorer/notes","version":1,"notes":[{"entity":"nope","id":"a","text":"t","at":1}]}"#;
        assert!(Notes::from_json(bad).unwrap_err().contains("note 1"));
    }
}
