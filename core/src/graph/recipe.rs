//! The graph's recipe: the steps that rebuild it, as compact text for the app's URL.
//!
//! Replaying a recipe means fetching: a start is a `Get` of its entity (or just its key), an expansion is
//! one call of its route. So the URL holds what the analyst *did*, not what the API answered, and a shared
//! link shows the receiver's own view of the same pivots.
//!
//! Text form, using only characters `encodeURIComponent` leaves alone (`A–Z a–z 0–9 - _ . ! ~ * ' ( )`),
//! so the recipe reads as is in the address bar:
//!
//! ```text
//! recipe := step ( "~" step )*            empty text: empty recipe
//! step   := op node [ "!" relation ]
//! op     := "s" start | "x" expand | "r" remove | "c" collapse | "m" more (the next page of an expansion)
//! node   := entity id | "'" n            n: the n-th distinct node named earlier in the recipe (from 0)
//! entity := "a" alert | "m" machine | "u" user | "d" domain | "i" ip | "f" file | "t" actor
//! id     := ( [A-Za-z0-9._-] | "*" HEX HEX )+     other UTF-8 bytes as *XX
//! relation := the route key after its first dot (`machines` for `alerts.machines`)
//! ```
//!
//! e.g. `sa636341278149188342_1960231459~x'0!machines~x'0!files~xu*5Ccontoso*5Cjdoe!alerts`.

use std::collections::HashMap;
use std::fmt;

use crate::catalogue::{graph_relations, relations, Api, Entity, Profile, Region, Route};

use super::NodeKey;

/// More steps than an analyst makes by hand: a longer link is refused rather than replayed call by call.
pub const MAX_STEPS: usize = 1_000;

/// One thing the analyst did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Start(NodeKey),
    Expand(NodeKey, &'static Route),
    Remove(NodeKey),
    Collapse(NodeKey, &'static Route),
    /// The next results of a large expansion: the rest of the page it fetched, else the API's next page
    /// (the app adds a page at a time).
    More(NodeKey, &'static Route),
}

impl Step {
    pub fn node(&self) -> &NodeKey {
        match self {
            Step::Start(k)
            | Step::Expand(k, _)
            | Step::Remove(k)
            | Step::Collapse(k, _)
            | Step::More(k, _) => k,
        }
    }
}

/// The ordered steps that build a graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipe {
    pub steps: Vec<Step>,
}

/// Why a recipe text was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipeError {
    /// Which step (from 0).
    pub step: usize,
    pub reason: &'static str,
}

impl fmt::Display for RecipeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {}: {}", self.step + 1, self.reason)
    }
}

impl std::error::Error for RecipeError {}

fn entity_code(e: Entity) -> char {
    match e {
        Entity::Alert => 'a',
        Entity::Machine => 'm',
        Entity::User => 'u',
        Entity::Domain => 'd',
        Entity::Ip => 'i',
        Entity::File => 'f',
        Entity::Actor => 't',
        Entity::Incident => 'n',
        Entity::MachineAction => 'x',
        Entity::Investigation => 'v',
        Entity::Indicator => 'c',
        Entity::Software => 's',
        Entity::Vulnerability => 'w',
        Entity::Recommendation => 'r',
        Entity::RemediationTask => 'k',
        Entity::Score => 'o',
        Entity::AvHealth => 'h',
        Entity::Assessment => 'e',
        Entity::Kb => 'b',
    }
}

fn entity_of_code(c: u8) -> Option<Entity> {
    Some(match c {
        b'a' => Entity::Alert,
        b'm' => Entity::Machine,
        b'u' => Entity::User,
        b'd' => Entity::Domain,
        b'i' => Entity::Ip,
        b'f' => Entity::File,
        b't' => Entity::Actor,
        b'n' => Entity::Incident,
        b'x' => Entity::MachineAction,
        b'v' => Entity::Investigation,
        b'c' => Entity::Indicator,
        b's' => Entity::Software,
        b'w' => Entity::Vulnerability,
        b'r' => Entity::Recommendation,
        b'k' => Entity::RemediationTask,
        b'o' => Entity::Score,
        b'h' => Entity::AvHealth,
        b'e' => Entity::Assessment,
        b'b' => Entity::Kb,
        _ => return None,
    })
}

fn relation_code(route: &Route) -> &'static str {
    route
        .key
        .split_once('.')
        .map_or(route.key, |(_, rest)| rest)
}

/// The route named `code` among `entity`'s relations in `api`; a route of the other API is translated
/// (a WDATP link opened on Defender: `alerts.machines` → `alerts.machine`).
fn relation_of_code(api: Api, entity: Entity, code: &str) -> Option<&'static Route> {
    if let Some(r) = graph_relations(api, entity).find(|r| relation_code(r) == code) {
        return Some(r);
    }
    let (other, profile) = match api {
        Api::Wdatp => (Api::Defender, Profile::Wdatp),
        Api::Defender => (Api::Wdatp, Profile::Defender(Region::Global)),
        // Graph's relations have no counterpart under another API's names.
        Api::Graph => return None,
    };
    let theirs = relations(other, entity).find(|r| relation_code(r) == code)?;
    profile
        .equivalent(theirs)
        .filter(|r| relations(api, entity).any(|own| own.key == r.key))
}

fn is_literal(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

fn escape_id(id: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in id.as_bytes() {
        if is_literal(b) {
            out.push(char::from(b));
        } else {
            out.push('*');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

fn unescape_id(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'*' {
            let hi = char::from(*bytes.get(i + 1)?).to_digit(16)?;
            let lo = char::from(*bytes.get(i + 2)?).to_digit(16)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else if is_literal(b) {
            out.push(b);
            i += 1;
        } else {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

impl Recipe {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The recipe of Back: every step but the last.
    pub fn without_last(&self) -> Recipe {
        let mut steps = self.steps.clone();
        steps.pop();
        Recipe { steps }
    }

    /// The text for the URL (see the module's grammar).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let mut named: HashMap<&NodeKey, usize> = HashMap::new();
        for (n, step) in self.steps.iter().enumerate() {
            if n > 0 {
                out.push('~');
            }
            let (op, key, route) = match step {
                Step::Start(k) => ('s', k, None),
                Step::Expand(k, r) => ('x', k, Some(*r)),
                Step::Remove(k) => ('r', k, None),
                Step::Collapse(k, r) => ('c', k, Some(*r)),
                Step::More(k, r) => ('m', k, Some(*r)),
            };
            out.push(op);
            let mut full = String::new();
            full.push(entity_code(key.entity()));
            escape_id(key.id(), &mut full);
            match named.get(key) {
                Some(&i) if format!("'{i}").len() < full.len() => out.push_str(&format!("'{i}")),
                _ => out.push_str(&full),
            }
            let next = named.len();
            named.entry(key).or_insert(next);
            if let Some(r) = route {
                out.push('!');
                out.push_str(relation_code(r));
            }
        }
        out
    }

    /// Reads a recipe text for `api`. Never panics; refuses anything that is not a recipe.
    pub fn parse(text: &str, api: Api) -> Result<Recipe, RecipeError> {
        let mut steps = Vec::new();
        let mut named: Vec<NodeKey> = Vec::new();
        // Empty segments (a trailing `~` from a hand-edited link) are skipped.
        for (n, segment) in text.split('~').filter(|s| !s.is_empty()).enumerate() {
            let fail = |reason| RecipeError { step: n, reason };
            if n >= MAX_STEPS {
                return Err(fail("too many steps"));
            }
            let (head, relation) = match segment.split_once('!') {
                Some((h, r)) => (h, Some(r)),
                None => (segment, None),
            };
            let op = *head.as_bytes().first().ok_or(fail("empty step"))?;
            let node = head.get(1..).ok_or(fail("not a step"))?;
            let key = if let Some(index) = node.strip_prefix('\'') {
                if !index.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(fail("a node reference is a number"));
                }
                let i: usize = index
                    .parse()
                    .map_err(|_| fail("a node reference is a number"))?;
                named
                    .get(i)
                    .cloned()
                    .ok_or(fail("a node reference points nowhere"))?
            } else {
                let entity = node
                    .as_bytes()
                    .first()
                    .and_then(|&c| entity_of_code(c))
                    .ok_or(fail("unknown entity type"))?;
                let id = node
                    .get(1..)
                    .and_then(unescape_id)
                    .ok_or(fail("malformed id"))?;
                NodeKey::new(entity, &id).ok_or(fail("empty id"))?
            };
            if !named.contains(&key) {
                named.push(key.clone());
            }
            let route = match relation {
                None => None,
                Some(code) => Some(
                    relation_of_code(api, key.entity(), code)
                        .ok_or(fail("not a relation of this entity"))?,
                ),
            };
            let step = match (op, route) {
                (b's', None) => Step::Start(key),
                (b'r', None) => Step::Remove(key),
                (b'x', Some(r)) => Step::Expand(key, r),
                (b'c', Some(r)) => Step::Collapse(key, r),
                (b'm', Some(r)) => Step::More(key, r),
                (b's' | b'r', Some(_)) => return Err(fail("this step takes no relation")),
                (b'x' | b'c' | b'm', None) => return Err(fail("this step needs a relation")),
                _ => return Err(fail("unknown step")),
            };
            steps.push(step);
        }
        Ok(Recipe { steps })
    }
}
