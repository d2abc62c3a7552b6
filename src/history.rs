//! History and saved queries in the page: the lists in signals (the core's `History` and
//! `SavedQueries`), kept in IndexedDB (database `atp-explorer`, one record per entry, the core's JSON),
//! and what records a run. When IndexedDB cannot be opened (a private window, storage blocked) both
//! lists live in memory for the tab and [`Keeping::InMemory`] says why.

use atp_core::history::{Entry, History, Import, Request, Saved, SavedQueries, Status};
use js_sys::{Array, Promise};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::platform::now_epoch_ms;
use crate::settings::Settings;

const DATABASE: &str = "atp-explorer";
const VERSION: u32 = 1;
const HISTORY: &str = "history";
const SAVED: &str = "saved";

/// Where the lists are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keeping {
    /// IndexedDB is being opened; what is recorded meanwhile joins what it holds.
    Opening,
    /// In IndexedDB: they survive a reload.
    Stored,
    /// In this tab's memory only, and why.
    InMemory(String),
}

/// The history and the saved queries, through [`use_history`].
#[derive(Clone, Copy)]
pub struct HistoryLog {
    pub history: RwSignal<History>,
    pub saved: RwSignal<SavedQueries>,
    pub keeping: RwSignal<Keeping>,
    settings: RwSignal<Settings>,
    db: StoredValue<Option<IdbDatabase>, LocalStorage>,
    /// Set while the page shows what its address says (load, Back, Forward).
    opening_address: StoredValue<bool>,
    /// Entries recorded from the address before the store was read: dropped if they only repeat its
    /// newest (a reload).
    early_from_address: StoredValue<Vec<u64>>,
}

/// Records the end of one run; taken when the run starts ([`HistoryLog::start`]).
#[derive(Clone, Copy)]
pub struct Recorder {
    log: HistoryLog,
    from_address: bool,
    live: bool,
}

/// Provides the history to the components below and opens its store.
pub fn provide_history(settings: RwSignal<Settings>) -> HistoryLog {
    let log = HistoryLog {
        history: RwSignal::new(History::default()),
        saved: RwSignal::new(SavedQueries::default()),
        keeping: RwSignal::new(Keeping::Opening),
        settings,
        db: StoredValue::new_local(None),
        opening_address: StoredValue::new(false),
        early_from_address: StoredValue::new(Vec::new()),
    };
    provide_context(log);
    spawn_local(async move {
        match open().await {
            Ok(db) => log.take_in(db).await,
            Err(reason) => log.keeping.set(Keeping::InMemory(reason)),
        }
    });
    log
}

pub fn use_history() -> HistoryLog {
    expect_context::<HistoryLog>()
}

impl HistoryLog {
    /// Runs `show` (which shows what the page address says) so that the runs it starts know it: a reload
    /// does not record its query twice.
    pub fn showing_address(&self, show: impl FnOnce()) {
        self.opening_address.set_value(true);
        show();
        self.opening_address.set_value(false);
    }

    /// Called as a run starts.
    pub fn start(&self) -> Recorder {
        Recorder {
            log: *self,
            from_address: self.opening_address.get_value(),
            live: self.settings.with_untracked(|s| s.live),
        }
    }

    /// Forgets every entry of the history (saved queries stay); returns how many there were.
    pub fn clear(&self) -> usize {
        let mut removed = 0;
        self.history.update(|h| removed = h.clear());
        self.write(HISTORY, |store| store.clear().map(|_| ()));
        removed
    }

    /// Saves `request` by name; returns what is kept, or why not.
    pub fn save(&self, name: &str, collection: &str, request: Request) -> Result<Saved, String> {
        let mut result = Err(String::new());
        self.saved.update(|saved| {
            result = saved
                .add(name, collection, request, now_epoch_ms())
                .map_err(|e| e.to_string());
        });
        if let Ok(saved) = &result {
            self.put_saved(std::slice::from_ref(saved));
        }
        result
    }

    pub fn rename(&self, id: u64, name: &str) -> Result<Saved, String> {
        let mut result = Err(String::new());
        self.saved
            .update(|saved| result = saved.rename(id, name).map_err(|e| e.to_string()));
        if let Ok(saved) = &result {
            self.put_saved(std::slice::from_ref(saved));
        }
        result
    }

    pub fn delete(&self, id: u64) -> Option<Saved> {
        let mut removed = None;
        self.saved.update(|saved| removed = saved.remove(id));
        if removed.is_some() {
            self.write(SAVED, |store| store.delete(&key(id)).map(|_| ()));
        }
        removed
    }

    /// Imports an export file: all of it, or nothing and why.
    pub fn import(&self, text: &str) -> Result<Import, String> {
        let import = self
            .saved
            .with_untracked(|saved| saved.import(text, now_epoch_ms()))
            .map_err(|e| e.to_string())?;
        self.saved.update(|saved| saved.apply(&import));
        // One transaction: a store that fails part way keeps none of it.
        self.put_saved(&import.added);
        Ok(import)
    }

    fn record(&self, entry: Entry, from_address: bool) {
        let repeat = from_address
            && self.history.with_untracked(|h| {
                h.newest()
                    .is_some_and(|newest| newest.request == entry.request)
            });
        if repeat {
            return;
        }
        if from_address && self.keeping.get_untracked() == Keeping::Opening {
            self.early_from_address
                .update_value(|ids| ids.push(entry.id));
        }
        let record = entry.to_json();
        let id = entry.id;
        let mut dropped = Vec::new();
        self.history.update(|h| dropped = h.push(entry));
        self.write(HISTORY, move |store| {
            store.put_with_key(&JsValue::from_str(&record), &key(id))?;
            for old in &dropped {
                store.delete(&key(*old))?;
            }
            Ok(())
        });
    }

    fn put_saved(&self, items: &[Saved]) {
        let records: Vec<(u64, String)> = items.iter().map(|s| (s.id, s.to_json())).collect();
        if records.is_empty() {
            return;
        }
        self.write(SAVED, move |store| {
            for (id, record) in &records {
                store.put_with_key(&JsValue::from_str(record), &key(*id))?;
            }
            Ok(())
        });
    }

    /// Writes to `store` in one transaction, when the database is open (until then the lists are in
    /// memory, and joined to the store when it opens). A failed write says that the lists are now kept
    /// in memory only.
    fn write(
        &self,
        store: &'static str,
        change: impl FnOnce(&IdbObjectStore) -> Result<(), JsValue>,
    ) {
        let Some(db) = self.db.get_value() else {
            return;
        };
        let this = *self;
        let fail = move |reason: String| {
            this.db.set_value(None);
            this.keeping.set(Keeping::InMemory(format!(
                "the browser refused to store a change ({reason})"
            )));
        };
        let transaction =
            match db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite) {
                Ok(transaction) => transaction,
                Err(e) => return fail(describe(&e)),
            };
        if let Err(e) = transaction.object_store(store).and_then(|s| change(&s)) {
            let _ = transaction.abort();
            return fail(describe(&e));
        }
        spawn_local(async move {
            if let Err(reason) = finished(&transaction).await {
                fail(reason);
            }
        });
    }

    /// Joins what the store holds to what was recorded before it opened, and keeps using it.
    async fn take_in(&self, db: IdbDatabase) {
        let read = async {
            let entries = read_all(&db, HISTORY).await?;
            let saved = read_all(&db, SAVED).await?;
            Ok::<_, String>((entries, saved))
        };
        let (entries, saved) = match read.await {
            Ok(lists) => lists,
            Err(reason) => {
                self.keeping.set(Keeping::InMemory(reason));
                return;
            }
        };
        let stored: Vec<Entry> = entries
            .iter()
            .filter_map(|text| Entry::from_json(text).ok())
            .collect();
        let stored_saved: Vec<Saved> = saved
            .iter()
            .filter_map(|text| Saved::from_json(text).ok())
            .collect();
        // A reload shows the address's query again: recorded meanwhile, it only repeats the newest.
        let newest_stored = History::from_entries(stored.clone()).0.newest().cloned();
        let early = self.early_from_address.get_value();
        let recorded: Vec<Entry> = self
            .history
            .get_untracked()
            .entries()
            .iter()
            .filter(|e| {
                !(early.contains(&e.id)
                    && newest_stored
                        .as_ref()
                        .is_some_and(|n| n.request == e.request))
            })
            .cloned()
            .collect();
        let (history, dropped) =
            History::from_entries(stored.into_iter().chain(recorded.clone()).collect());
        let mine = SavedQueries::from_items(stored_saved);
        let meanwhile: Vec<Saved> = self.saved.get_untracked().items().to_vec();
        let mut saved = mine.clone();
        let added = merge_saved(&mut saved, &meanwhile);
        self.history.set(history);
        self.saved.set(saved);
        self.db.set_value(Some(db));
        self.keeping.set(Keeping::Stored);
        let kept: Vec<(u64, String)> = recorded
            .iter()
            .filter(|e| !dropped.contains(&e.id))
            .map(|e| (e.id, e.to_json()))
            .collect();
        self.write(HISTORY, move |store| {
            for (id, record) in &kept {
                store.put_with_key(&JsValue::from_str(record), &key(*id))?;
            }
            for old in &dropped {
                store.delete(&key(*old))?;
            }
            Ok(())
        });
        self.put_saved(&added);
    }
}

/// The saved queries made before the store opened, joined to its own (numbered when a name is taken).
fn merge_saved(saved: &mut SavedQueries, meanwhile: &[Saved]) -> Vec<Saved> {
    if meanwhile.is_empty() {
        return Vec::new();
    }
    let file = {
        let mut early = SavedQueries::default();
        for item in meanwhile {
            let _ = early.add(
                &item.name,
                &item.collection,
                item.request.clone(),
                item.saved_ms,
            );
        }
        early.export(now_epoch_ms())
    };
    match saved.import(&file, now_epoch_ms()) {
        Ok(import) => {
            saved.apply(&import);
            import.added
        }
        Err(_) => Vec::new(),
    }
}

impl Recorder {
    /// Records a route's query that was answered (or failed): `count` is the collection's items.
    pub fn query(
        self,
        query: &atp_core::Query,
        exchange: &atp_core::exchange::Exchange,
        count: Option<usize>,
    ) {
        self.entry(Request::Query(query.clone()), exchange, count);
    }

    /// Records a hunt: `rows` of its table, when it has one.
    pub fn hunt(
        self,
        hunt: &atp_core::link::HuntLink,
        exchange: &atp_core::exchange::Exchange,
        rows: Option<usize>,
    ) {
        self.entry(Request::Hunt(hunt.clone()), exchange, rows);
    }

    fn entry(
        self,
        request: Request,
        exchange: &atp_core::exchange::Exchange,
        count: Option<usize>,
    ) {
        let at_ms = now_epoch_ms();
        let id = self.log.history.with_untracked(|h| h.next_id(at_ms));
        self.log.record(
            Entry {
                id,
                at_ms,
                request,
                status: Status::of(exchange),
                count: count.map(|n| n as u64),
                live: self.live,
            },
            self.from_address,
        );
    }
}

fn key(id: u64) -> JsValue {
    // Ids stay below 2^53 for millions of years of clock (milliseconds × 1,000).
    JsValue::from_f64(id as f64)
}

/// What a browser error says.
fn describe(error: &JsValue) -> String {
    if let Some(exception) = error.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", exception.name(), exception.message());
    }
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error
        .as_string()
        .unwrap_or_else(|| "no reason given".to_string())
}

/// A promise settled by a request's or transaction's events: `on(resolve, reject)` sets the handlers.
async fn settled(
    on: impl FnOnce(&js_sys::Function, &js_sys::Function),
) -> Result<JsValue, JsValue> {
    let mut on = Some(on);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(on) = on.take() {
            on(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await
}

/// Opens (or makes) the database; `Err` says why it cannot be used.
async fn open() -> Result<IdbDatabase, String> {
    let unavailable = |why: String| format!("IndexedDB is not available ({why})");
    let factory = window()
        .indexed_db()
        .map_err(|e| unavailable(describe(&e)))?
        .ok_or_else(|| unavailable("this browser offers none".to_string()))?;
    let request = factory
        .open_with_u32(DATABASE, VERSION)
        .map_err(|e| unavailable(describe(&e)))?;
    let upgrading = request.clone();
    let upgrade = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        if let Some(db) = upgrading
            .result()
            .ok()
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
        {
            for store in [HISTORY, SAVED] {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let outcome = settled(|resolve, reject| {
        request.set_onsuccess(Some(resolve));
        request.set_onerror(Some(reject));
        // Another tab holds an older version open and does not let go.
        request.set_onblocked(Some(reject));
    })
    .await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    match outcome {
        Ok(_) => request
            .result()
            .ok()
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            .ok_or_else(|| unavailable("it opened nothing".to_string())),
        Err(event) => {
            let reason = request
                .error()
                .ok()
                .flatten()
                .map(|e| describe(&e.into()))
                .unwrap_or_else(|| {
                    let kind = event
                        .dyn_ref::<web_sys::Event>()
                        .map(|e| e.type_())
                        .unwrap_or_default();
                    if kind == "blocked" {
                        "another tab of this app holds the database open".to_string()
                    } else {
                        "it refused to open the database".to_string()
                    }
                });
            Err(unavailable(reason))
        }
    }
}

/// Every record of `store`, as the text it was written as (anything else is skipped).
async fn read_all(db: &IdbDatabase, store: &str) -> Result<Vec<String>, String> {
    let fail = |e: JsValue| format!("the stored history could not be read ({})", describe(&e));
    let request: IdbRequest = db
        .transaction_with_str(store)
        .and_then(|t| t.object_store(store))
        .and_then(|s| s.get_all())
        .map_err(fail)?;
    settled(|resolve, reject| {
        request.set_onsuccess(Some(resolve));
        request.set_onerror(Some(reject));
    })
    .await
    .map_err(|_| {
        fail(
            request
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::NULL),
        )
    })?;
    let values: Array = request.result().map_err(fail)?.unchecked_into();
    Ok(values.iter().filter_map(|v| v.as_string()).collect())
}

/// Waits for a transaction to complete; `Err` says why it did not.
async fn finished(transaction: &IdbTransaction) -> Result<(), String> {
    let outcome = settled(|resolve, reject| {
        transaction.set_oncomplete(Some(resolve));
        transaction.set_onerror(Some(reject));
        transaction.set_onabort(Some(reject));
    })
    .await;
    outcome.map(|_| ()).map_err(|_| {
        transaction
            .error()
            .map(|e| describe(&e.into()))
            .unwrap_or_else(|| "the change was not kept".to_string())
    })
}
