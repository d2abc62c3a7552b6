//! History and saved queries: what the analyst ran (each run with its time, profile, request, status and
//! result count, the newest [`HISTORY_LIMIT`] kept) and what they saved by name in collections, with the
//! JSON file saved queries are exported to and imported from.
//!
//! Nothing here holds a response body, a token, the API base or any other setting: a request is what the
//! page address holds (a route's path and query, or a hunt's KQL, route and timespan). The shell keeps
//! both lists in IndexedDB, one record per entry, written with [`Entry::to_json`] and [`Saved::to_json`]
//! and read back (as untrusted text) with [`Entry::from_json`] and [`Saved::from_json`].

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::catalogue::{hunting_routes, HuntingApi, Profile};
use crate::exchange::{Exchange, RequestError};
use crate::link::{app_href, hunt_href, profile_from_key, profile_key, DemoData, HuntLink};
use crate::query::Query;

/// How many runs the history keeps: the newest.
pub const HISTORY_LIMIT: usize = 500;
/// How many saved queries there may be.
pub const SAVED_LIMIT: usize = 1_000;
/// The longest name of a saved query or a collection, in characters.
pub const NAME_LIMIT: usize = 200;
/// The longest request text (a path or KQL) kept, in bytes: the page address reads no more.
pub const REQUEST_LIMIT: usize = 16 * 1024;
/// The largest file an import reads, in bytes.
pub const IMPORT_LIMIT: usize = 8 * 1024 * 1024;
/// The `format` of an export file.
pub const EXPORT_FORMAT: &str = "atp-explorer/saved-queries";
/// The version of the export file this code writes and reads.
pub const EXPORT_VERSION: u64 = 1;
/// The collection a saved query goes to when none is named.
pub const DEFAULT_COLLECTION: &str = "My queries";

/// What was asked: a route's query, or a hunt. Either is an app address ([`Request::href`]).
///
/// Two queries are the same request when they send the same path on the same profile: Graph's
/// `incidents.alerts` is `incidents.get` with `$expand=alerts`, and the address reads it back as that.
#[derive(Clone, Debug)]
pub enum Request {
    Query(Query),
    Hunt(HuntLink),
}

impl PartialEq for Request {
    fn eq(&self, other: &Request) -> bool {
        match (self, other) {
            (Request::Query(a), Request::Query(b)) => {
                a.profile == b.profile && a.path() == b.path()
            }
            (Request::Hunt(a), Request::Hunt(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Request {}

impl Request {
    pub fn profile(&self) -> Profile {
        match self {
            Request::Query(query) => query.profile,
            Request::Hunt(hunt) => hunt.profile,
        }
    }

    /// What the analyst reads and searches: the request path (`/alerts?$top=20`), or the KQL.
    pub fn text(&self) -> String {
        match self {
            Request::Query(query) => query.path(),
            Request::Hunt(hunt) => hunt.query.clone(),
        }
    }

    /// Where it went: the profile's API, or the hunting route.
    pub fn target(&self) -> &'static str {
        match self {
            Request::Query(query) => query.profile.label(),
            Request::Hunt(hunt) => hunt.api.route().label,
        }
    }

    /// The app address that shows and runs it again, in `dataset`.
    pub fn href(&self, dataset: DemoData) -> String {
        match self {
            Request::Query(query) => app_href(query, dataset),
            Request::Hunt(hunt) => hunt_href(hunt, dataset),
        }
    }

    /// Whether every word of `needle` (any case) is in the request's text or where it went.
    pub fn matches(&self, needle: &str) -> bool {
        let haystack = format!("{}\n{}", self.text(), self.target()).to_lowercase();
        needle
            .to_lowercase()
            .split_whitespace()
            .all(|word| haystack.contains(word))
    }

    fn wire(&self) -> WireRequest {
        match self {
            Request::Query(query) => WireRequest {
                kind: "query".to_string(),
                profile: profile_key(query.profile),
                path: Some(query.path()),
                ..WireRequest::default()
            },
            Request::Hunt(hunt) => WireRequest {
                kind: "hunt".to_string(),
                profile: profile_key(hunt.profile),
                route: Some(hunt.api.key().to_string()),
                kql: Some(hunt.query.clone()),
                timespan: Some(hunt.timespan.clone()),
                ..WireRequest::default()
            },
        }
    }

    /// The request a wire record describes, or what is wrong with it.
    fn from_wire(wire: WireRequest) -> Result<Request, String> {
        let profile_of = |key: &str| {
            profile_from_key(key).ok_or_else(|| {
                format!("\"profile\" is {key:?}, not one of wdatp, mde, mde-<region>, graph")
            })
        };
        let missing = |field: &str| format!("\"{field}\" is missing");
        match wire.kind.as_str() {
            "query" => {
                let profile = profile_of(&wire.profile)?;
                let path = wire.path.ok_or_else(|| missing("path"))?;
                if path.len() > REQUEST_LIMIT {
                    return Err(format!("\"path\" is over {REQUEST_LIMIT} bytes"));
                }
                if !path.starts_with('/') {
                    return Err(format!(
                        "\"path\" must start with / (a route of the profile), not {:?}",
                        shorten(&path)
                    ));
                }
                let query = Query::parse(&path, profile)
                    .map_err(|e| format!("\"path\" {:?} is not a query: {e}", shorten(&path)))?;
                Ok(Request::Query(query))
            }
            "hunt" => {
                let profile = profile_of(&wire.profile)?;
                let route = wire.route.ok_or_else(|| missing("route"))?;
                let kql = wire.kql.ok_or_else(|| missing("kql"))?;
                let timespan = wire.timespan.unwrap_or_default();
                let api = HuntingApi::from_key(&route)
                    .ok_or_else(|| format!("\"route\" is {route:?}, not a hunting route"))?;
                if !hunting_routes(profile).contains(&api.route()) {
                    return Err(format!(
                        "\"route\" {route:?} is not a hunting route of the {} profile",
                        profile.label()
                    ));
                }
                if kql.trim().is_empty() {
                    return Err("\"kql\" is empty".to_string());
                }
                if kql.len() > REQUEST_LIMIT || timespan.len() > REQUEST_LIMIT {
                    return Err(format!(
                        "\"kql\" or \"timespan\" is over {REQUEST_LIMIT} bytes"
                    ));
                }
                Ok(Request::Hunt(HuntLink {
                    query: kql,
                    timespan,
                    api,
                    profile,
                }))
            }
            other => Err(format!(
                "\"kind\" is {:?}, not \"query\" or \"hunt\"",
                shorten(other)
            )),
        }
    }
}

/// How a run ended: the HTTP status of the answer, or why there was none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Http(u16),
    Failed(Failure),
}

/// Why a run brought no HTTP answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Offline, DNS, or the host refused the page's origin.
    Network,
    Timeout,
    /// The URL was not the configured API's, so nothing was sent.
    NotSent,
    SignInNeeded,
    /// Any other error that left no answer.
    Other,
}

impl Failure {
    const ALL: [Failure; 5] = [
        Failure::Network,
        Failure::Timeout,
        Failure::NotSent,
        Failure::SignInNeeded,
        Failure::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Failure::Network => "network",
            Failure::Timeout => "timeout",
            Failure::NotSent => "not-sent",
            Failure::SignInNeeded => "sign-in-needed",
            Failure::Other => "other",
        }
    }

    fn from_key(key: &str) -> Option<Failure> {
        Failure::ALL.into_iter().find(|f| f.key() == key)
    }
}

impl Status {
    /// The status of `exchange`: its answer's, or the kind of error that left none.
    pub fn of(exchange: &Exchange) -> Status {
        match &exchange.outcome {
            Ok(answer) => Status::Http(answer.status),
            Err(error) => Status::Failed(match error {
                RequestError::Network { .. } => Failure::Network,
                RequestError::Timeout { .. } => Failure::Timeout,
                RequestError::NotSent { .. } => Failure::NotSent,
                RequestError::SignInNeeded { .. } => Failure::SignInNeeded,
                _ => Failure::Other,
            }),
        }
    }

    /// Whether the run succeeded (an HTTP status under 400).
    pub fn ok(self) -> bool {
        matches!(self, Status::Http(status) if status < 400)
    }

    /// `HTTP 200`, `network error`, …
    pub fn label(self) -> String {
        match self {
            Status::Http(status) => format!("HTTP {status}"),
            Status::Failed(Failure::Network) => "network error".to_string(),
            Status::Failed(Failure::Timeout) => "timed out".to_string(),
            Status::Failed(Failure::NotSent) => "not sent".to_string(),
            Status::Failed(Failure::SignInNeeded) => "sign-in needed".to_string(),
            Status::Failed(Failure::Other) => "failed".to_string(),
        }
    }
}

/// One run in the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Unique in the history (see [`History::next_id`]); the store's key.
    pub id: u64,
    /// When the answer came: milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub request: Request,
    pub status: Status,
    /// Items in a collection (the first page), rows of a hunt; `None` for one entity or no result.
    pub count: Option<u64>,
    /// Whether the live API answered (else the demo tenant).
    pub live: bool,
}

impl Entry {
    /// When it ran, in UTC.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.at_ms)
    }

    /// `20 items`, `1 row`, or nothing when there was no count.
    pub fn count_label(&self) -> Option<String> {
        let count = self.count?;
        let noun = match (&self.request, count) {
            (Request::Query(_), 1) => "item",
            (Request::Query(_), _) => "items",
            (Request::Hunt(_), 1) => "row",
            (Request::Hunt(_), _) => "rows",
        };
        Some(format!("{count} {noun}"))
    }

    /// The record the store keeps.
    pub fn to_json(&self) -> String {
        let (status, failure) = match self.status {
            Status::Http(status) => (Some(status), None),
            Status::Failed(failure) => (None, Some(failure.key().to_string())),
        };
        let wire = WireEntry {
            id: self.id,
            at_ms: self.at_ms,
            request: self.request.wire(),
            status,
            failure,
            count: self.count,
            live: self.live,
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads a stored record back; anything not an entry is an `Err` saying why.
    pub fn from_json(text: &str) -> Result<Entry, String> {
        let wire: WireEntry = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let status = match (wire.status, wire.failure.as_deref()) {
            (Some(status), None) => Status::Http(status),
            (None, Some(key)) => Status::Failed(
                Failure::from_key(key).ok_or_else(|| format!("unknown failure {key:?}"))?,
            ),
            _ => return Err("an entry has a status or a failure".to_string()),
        };
        Ok(Entry {
            id: wire.id,
            at_ms: wire.at_ms,
            request: Request::from_wire(wire.request)?,
            status,
            count: wire.count,
            live: wire.live,
        })
    }
}

/// The history: newest first, at most [`HISTORY_LIMIT`] entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    entries: Vec<Entry>,
}

impl History {
    /// The history of these entries (in any order, read from the store): newest first, one per id, the
    /// newest [`HISTORY_LIMIT`]. Also returns the ids left out, for the store to delete.
    pub fn from_entries(mut entries: Vec<Entry>) -> (History, Vec<u64>) {
        entries.sort_by_key(|e| std::cmp::Reverse((e.at_ms, e.id)));
        let mut seen = std::collections::HashSet::new();
        entries.retain(|e| seen.insert(e.id));
        let dropped = entries
            .split_off(entries.len().min(HISTORY_LIMIT))
            .into_iter()
            .map(|e| e.id)
            .collect();
        (History { entries }, dropped)
    }

    /// Newest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn newest(&self) -> Option<&Entry> {
        self.entries.first()
    }

    /// An id for an entry made at `at_ms`: above every id in the history, and far apart for two tabs that
    /// record at different milliseconds.
    pub fn next_id(&self, at_ms: i64) -> u64 {
        let from_clock = u64::try_from(at_ms).unwrap_or(0).saturating_mul(1_000);
        let above = self
            .entries
            .iter()
            .map(|e| e.id.saturating_add(1))
            .max()
            .unwrap_or(0);
        from_clock.max(above)
    }

    /// Adds `entry` as the newest (an entry of the same id is replaced); returns the ids of the oldest
    /// entries dropped to stay within [`HISTORY_LIMIT`].
    pub fn push(&mut self, entry: Entry) -> Vec<u64> {
        self.entries.retain(|e| e.id != entry.id);
        self.entries.insert(0, entry);
        self.entries
            .split_off(self.entries.len().min(HISTORY_LIMIT))
            .into_iter()
            .map(|e| e.id)
            .collect()
    }

    /// The entries whose request holds every word of `needle` (any case), newest first; all of them for
    /// an empty needle.
    pub fn search<'a>(&'a self, needle: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.request.matches(needle))
    }

    /// Forgets every entry; returns how many there were.
    pub fn clear(&mut self) -> usize {
        std::mem::take(&mut self.entries).len()
    }
}

/// A query saved by name in a collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// Unique among the saved queries; the store's key.
    pub id: u64,
    pub name: String,
    pub collection: String,
    /// When it was saved: milliseconds since the Unix epoch.
    pub saved_ms: i64,
    pub request: Request,
}

impl Saved {
    /// The record the store keeps (the export file's entry, with the id).
    pub fn to_json(&self) -> String {
        let mut wire = self.wire();
        wire.id = Some(self.id);
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads a stored record back; anything not a saved query is an `Err` saying why.
    pub fn from_json(text: &str) -> Result<Saved, String> {
        let wire: WireSaved = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let id = wire.id.ok_or("a stored saved query has an id")?;
        let mut saved = Saved::from_wire(wire, 0)?;
        saved.id = id;
        Ok(saved)
    }

    fn wire(&self) -> WireSaved {
        WireSaved {
            id: None,
            collection: self.collection.clone(),
            name: self.name.clone(),
            saved: DateTime::from_timestamp_millis(self.saved_ms)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            request: self.request.wire(),
        }
    }

    fn from_wire(wire: WireSaved, now_ms: i64) -> Result<Saved, String> {
        let name = checked_name("name", &wire.name)?;
        let collection = checked_name("collection", &wire.collection)?;
        let saved_ms = match wire.saved {
            None => now_ms,
            Some(text) => DateTime::parse_from_rfc3339(&text)
                .map_err(|e| format!("\"saved\" {:?} is not a time: {e}", shorten(&text)))?
                .timestamp_millis(),
        };
        Ok(Saved {
            id: 0,
            name,
            collection,
            saved_ms,
            request: Request::from_wire(wire.request)?,
        })
    }
}

/// `text` trimmed, if it is a name: not empty, at most [`NAME_LIMIT`] characters.
fn checked_name(field: &str, text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("\"{field}\" is empty"));
    }
    if text.chars().count() > NAME_LIMIT {
        return Err(format!("\"{field}\" is over {NAME_LIMIT} characters"));
    }
    Ok(text.to_string())
}

/// Why a query cannot be saved or renamed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveError {
    EmptyName,
    TooLong {
        field: &'static str,
    },
    /// The collection has a query of that name already.
    Taken {
        name: String,
        collection: String,
    },
    Full,
    NotFound,
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaveError::EmptyName => write!(f, "Give the query a name."),
            SaveError::TooLong { field } => {
                write!(f, "The {field} is over {NAME_LIMIT} characters.")
            }
            SaveError::Taken { name, collection } => write!(
                f,
                "\u{201c}{name}\u{201d} is already a saved query in \u{201c}{collection}\u{201d}: choose another name."
            ),
            SaveError::Full => write!(
                f,
                "There are {SAVED_LIMIT} saved queries, the most kept: delete some first."
            ),
            SaveError::NotFound => write!(f, "That saved query is gone (deleted in another tab?)."),
        }
    }
}

/// Why an export file was not imported (nothing of it was).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an import adds, decided before anything is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Import {
    /// The new saved queries, with their ids.
    pub added: Vec<Saved>,
    /// Entries of the file that were saved already (same collection, name and request).
    pub already_saved: usize,
    /// Entries whose name was taken in their collection by another request: added as `name (2)`…
    pub renamed: usize,
}

impl Import {
    /// `Imported 3 saved queries (1 already saved, 1 renamed: its name was taken).`
    pub fn summary(&self) -> String {
        let n = self.added.len();
        let mut text = format!(
            "Imported {n} saved {}",
            if n == 1 { "query" } else { "queries" }
        );
        let mut notes = Vec::new();
        if self.already_saved > 0 {
            notes.push(format!("{} already saved", self.already_saved));
        }
        if self.renamed > 0 {
            notes.push(format!(
                "{} renamed: {} name was taken",
                self.renamed,
                if self.renamed == 1 { "its" } else { "their" }
            ));
        }
        if !notes.is_empty() {
            text.push_str(&format!(" ({})", notes.join(", ")));
        }
        text.push('.');
        text
    }
}

/// The saved queries, by collection then name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SavedQueries {
    items: Vec<Saved>,
}

impl SavedQueries {
    /// The saved queries of these records (read from the store), one per id and name.
    pub fn from_items(items: Vec<Saved>) -> SavedQueries {
        let mut all = SavedQueries::default();
        for item in items {
            if !all.items.iter().any(|s| {
                s.id == item.id || (s.collection == item.collection && s.name == item.name)
            }) {
                all.items.push(item);
            }
        }
        all.sort();
        all
    }

    fn sort(&mut self) {
        // Case-insensitive first; names are unique in a collection, so the order never depends on ids.
        let key = |s: &Saved| {
            (
                s.collection.to_lowercase(),
                s.collection.clone(),
                s.name.to_lowercase(),
                s.name.clone(),
                s.id,
            )
        };
        self.items.sort_by_cached_key(key);
    }

    /// By collection, then by name.
    pub fn items(&self) -> &[Saved] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, id: u64) -> Option<&Saved> {
        self.items.iter().find(|s| s.id == id)
    }

    /// Each collection's name and its queries, in order.
    pub fn collections(&self) -> Vec<(&str, Vec<&Saved>)> {
        let mut out: Vec<(&str, Vec<&Saved>)> = Vec::new();
        for item in &self.items {
            match out.last_mut() {
                Some((name, items)) if *name == item.collection => items.push(item),
                _ => out.push((item.collection.as_str(), vec![item])),
            }
        }
        out
    }

    /// The names of the collections, in order.
    pub fn collection_names(&self) -> Vec<&str> {
        self.collections()
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    fn next_id(&self) -> u64 {
        self.items
            .iter()
            .map(|s| s.id.saturating_add(1))
            .max()
            .unwrap_or(1)
    }

    fn taken(&self, collection: &str, name: &str, except: Option<u64>) -> bool {
        self.items
            .iter()
            .any(|s| s.collection == collection && s.name == name && Some(s.id) != except)
    }

    /// Saves `request` as `name` in `collection` (the default one when empty); returns what is kept.
    pub fn add(
        &mut self,
        name: &str,
        collection: &str,
        request: Request,
        at_ms: i64,
    ) -> Result<Saved, SaveError> {
        let name = save_name("name", name)?;
        let collection = match save_name("collection", collection) {
            Err(SaveError::EmptyName) => DEFAULT_COLLECTION.to_string(),
            other => other?,
        };
        if self.items.len() >= SAVED_LIMIT {
            return Err(SaveError::Full);
        }
        if self.taken(&collection, &name, None) {
            return Err(SaveError::Taken { name, collection });
        }
        let saved = Saved {
            id: self.next_id(),
            name,
            collection,
            saved_ms: at_ms,
            request,
        };
        self.items.push(saved.clone());
        self.sort();
        Ok(saved)
    }

    /// Renames saved query `id`; returns it as kept.
    pub fn rename(&mut self, id: u64, name: &str) -> Result<Saved, SaveError> {
        let name = save_name("name", name)?;
        let collection = self.get(id).ok_or(SaveError::NotFound)?.collection.clone();
        if self.taken(&collection, &name, Some(id)) {
            return Err(SaveError::Taken { name, collection });
        }
        let item = self
            .items
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(SaveError::NotFound)?;
        item.name = name;
        let renamed = item.clone();
        self.sort();
        Ok(renamed)
    }

    /// Deletes saved query `id`; returns it.
    pub fn remove(&mut self, id: u64) -> Option<Saved> {
        let at = self.items.iter().position(|s| s.id == id)?;
        Some(self.items.remove(at))
    }

    /// The export file of every saved query, made at `now_ms`.
    pub fn export(&self, now_ms: i64) -> String {
        let file = WireFile {
            format: EXPORT_FORMAT.to_string(),
            version: EXPORT_VERSION,
            exported: DateTime::from_timestamp_millis(now_ms)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            queries: self.items.iter().map(Saved::wire).collect(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Reads an export file and decides what it adds, without changing anything: a file with anything
    /// wrong is refused whole, saying what and where. Queries saved already are not added twice; a name
    /// taken in its collection by another request gets a number (`name (2)`). `now_ms` dates entries
    /// that carry no time.
    pub fn import(&self, text: &str, now_ms: i64) -> Result<Import, ImportError> {
        let fail = |message: String| Err(ImportError(message));
        if text.len() > IMPORT_LIMIT {
            return fail(format!(
                "The file is {} KB; an export of saved queries is at most {} KB.",
                text.len() / 1024,
                IMPORT_LIMIT / 1024
            ));
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Read as the file's own structure, each entry as raw text parsed on its own: one deserializer
        // per type in the wasm (none of `serde_json::Value`'s).
        let file: WireFileIn = match serde_json::from_str(text) {
            Ok(file) => file,
            Err(e) if e.is_data() => return fail(not_an_export()),
            Err(e) => {
                return fail(format!(
                    "The file is not JSON (line {}, column {}): {}.",
                    e.line(),
                    e.column(),
                    strip_position(&e.to_string())
                ))
            }
        };
        if file.format.as_deref() != Some(EXPORT_FORMAT) {
            return fail(not_an_export());
        }
        match file.version {
            Some(EXPORT_VERSION) => {}
            Some(other) => {
                return fail(format!(
                    "The file is version {other} of the saved-queries format; this app reads version {EXPORT_VERSION}."
                ))
            }
            None => return fail("The file has no \"version\" number.".to_string()),
        }
        let Some(entries) = file
            .queries
            .and_then(|q| serde_json::from_str::<Vec<Box<RawValue>>>(q.get()).ok())
        else {
            return fail("The file has no \"queries\" list.".to_string());
        };
        let mut kept = self.clone();
        let mut import = Import::default();
        let mut next_id = self.next_id();
        for (i, entry) in entries.iter().enumerate() {
            let number = i + 1;
            let label = || {
                serde_json::from_str::<NameIn>(entry.get())
                    .ok()
                    .and_then(|n| n.name)
                    .map(|n| format!(" (\u{201c}{}\u{201d})", shorten(&n)))
                    .unwrap_or_default()
            };
            let wire: WireSaved = match serde_json::from_str(entry.get()) {
                Ok(wire) => wire,
                Err(e) => {
                    let e = strip_position(&e.to_string()).to_string();
                    return fail(format!("Saved query {number}{}: {e}.", label()));
                }
            };
            let mut saved = match Saved::from_wire(wire, now_ms) {
                Ok(saved) => saved,
                Err(e) => return fail(format!("Saved query {number}{}: {e}.", label())),
            };
            if kept.items.iter().any(|s| {
                s.collection == saved.collection
                    && s.name == saved.name
                    && s.request == saved.request
            }) {
                import.already_saved += 1;
                continue;
            }
            if kept.taken(&saved.collection, &saved.name, None) {
                let base = saved.name.clone();
                let free = (2..)
                    .map(|n| numbered(&base, n))
                    .find(|name| !kept.taken(&saved.collection, name, None));
                saved.name = free.unwrap_or(base);
                import.renamed += 1;
            }
            if kept.items.len() >= SAVED_LIMIT {
                return fail(format!(
                    "The file would bring the saved queries over {SAVED_LIMIT}, the most kept: there are {} already and it adds {} more.",
                    self.items.len(),
                    entries.len() - import.already_saved
                ));
            }
            saved.id = next_id;
            next_id += 1;
            kept.items.push(saved.clone());
            import.added.push(saved);
        }
        Ok(import)
    }

    /// Keeps what [`SavedQueries::import`] decided.
    pub fn apply(&mut self, import: &Import) {
        for saved in &import.added {
            if self.get(saved.id).is_none() {
                self.items.push(saved.clone());
            }
        }
        self.sort();
    }
}

/// `name (n)`, within [`NAME_LIMIT`] characters.
fn numbered(name: &str, n: u32) -> String {
    let suffix = format!(" ({n})");
    let room = NAME_LIMIT.saturating_sub(suffix.chars().count());
    let base: String = name.chars().take(room).collect();
    format!("{}{suffix}", base.trim_end())
}

fn save_name(field: &'static str, text: &str) -> Result<String, SaveError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SaveError::EmptyName);
    }
    if text.chars().count() > NAME_LIMIT {
        return Err(SaveError::TooLong { field });
    }
    Ok(text.to_string())
}

fn not_an_export() -> String {
    format!(
        "The file is not an export of ATP Explorer's saved queries (it has no \"format\": \"{EXPORT_FORMAT}\")."
    )
}

/// serde_json's message without its own ` at line 1 column 2` (the caller says where).
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
}

/// At most 60 characters of `text`, for a message.
fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('\u{2026}');
    }
    out
}

/// A request on the wire: `kind` `query` (with `path`) or `hunt` (with `route`, `kql`, `timespan`). One
/// flat struct rather than a tagged enum: serde's tagged enums buffer every value, which costs wasm.
#[derive(Default, Serialize, Deserialize)]
struct WireRequest {
    kind: String,
    profile: String,
    /// The path and query string below the profile's base, as the page address holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    /// The hunting route's key (`graph`, `xdr`, `mde`), as the address's `hapi=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    route: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kql: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timespan: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct WireEntry {
    id: u64,
    at_ms: i64,
    request: WireRequest,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    failure: Option<String>,
    #[serde(default)]
    count: Option<u64>,
    #[serde(default)]
    live: bool,
}

#[derive(Serialize, Deserialize)]
struct WireSaved {
    /// The store's key; not in an export file (an import numbers what it adds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    collection: String,
    name: String,
    /// RFC 3339; optional on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    saved: Option<String>,
    request: WireRequest,
}

#[derive(Deserialize)]
struct WireFileIn {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u64>,
    #[serde(default)]
    queries: Option<Box<RawValue>>,
}

/// An entry's name alone, to say which entry a problem is in.
#[derive(Deserialize)]
struct NameIn {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Serialize)]
struct WireFile {
    format: String,
    version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    exported: Option<String>,
    queries: Vec<WireSaved>,
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
