//! The explorer's state, shared through context: the query being composed, what the address bar says,
//! and what the last run brought back. Running and following links go through here.

use atp_core::body::{NotJson, Page, RawItem};
use atp_core::link::{app_href, read_app_location, AppLocation, DemoData};
use atp_core::model::defender::MachineAction;
use atp_core::{Entity, Query, QueryError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

use crate::address;
use crate::auth::Auth;
use crate::connection::Connection;
use crate::graph_state::{provide_graph, GraphState};
use crate::history::{provide_history, HistoryLog};
use crate::hunting::Hunting;
use crate::platform::{mark_when_painted, now_ms};
use crate::request::{self, Exchange, RequestError};
use crate::settings::{self, Settings};

/// Response actions kept for the machines' cards.
pub const SEEN_ACTIONS_MAX: usize = 2_000;

/// Which of the two views the page shows: a route's query, or advanced hunting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Query,
    Hunt,
}

/// What the result area shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// Nothing was run yet.
    Nothing,
    /// Run was refused before anything was sent, and why.
    Refused(Vec<String>),
    /// A request is under way.
    Running(Query),
    /// The API asked to wait (429); the query runs again by itself at `retry_at_ms`.
    Throttled { query: Query, retry_at_ms: f64 },
    /// The last answer, and for collections everything loaded so far.
    Done(Arc<Loaded>),
}

/// One run and its "Load more" pages.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// Which run this is: a page appended keeps it, a new run does not (the result area keeps its views,
    /// and with them the focus and the cards built, while it stays).
    pub run: u64,
    pub query: Query,
    /// The last exchange: the Response and JSON tabs show it.
    pub exchange: Exchange,
    /// Whether the body is JSON, or why it is not.
    pub syntax: Result<(), NotJson>,
    /// The entities received so far (all pages), each decoded when a view shows it.
    pub items: Vec<RawItem>,
    /// `@odata.count`, when the API sent it.
    pub count: Option<u64>,
    /// `@odata.nextLink` of the last page.
    pub next_link: Option<String>,
    /// Whether the answer is a collection (`value`), as opposed to one entity.
    pub collection: bool,
    /// A "Load more" under way.
    pub loading_more: bool,
    /// The pages taken in (the JSON and Response tabs show the last).
    pub pages: u32,
}

/// The state every component reaches through [`use_explorer`].
#[derive(Clone, Copy)]
pub struct Explorer {
    /// The query the controls show.
    pub query: RwSignal<Query>,
    /// The Request URL field's text: what the analyst typed, even when it does not parse.
    pub url_text: RwSignal<String>,
    /// Why the Request URL field's text is not a query.
    pub url_error: RwSignal<Option<String>>,
    /// The demo dataset the address chose (the connection's).
    pub dataset: RwSignal<DemoData>,
    pub shown: RwSignal<Shown>,
    /// Where requests go and how to sign in (the connection's).
    pub settings: RwSignal<Settings>,
    pub auth: Auth,
    /// What requests go through.
    pub connection: Connection,
    /// The investigation graph.
    pub graph: GraphState,
    /// Which view is shown, as the address says (`hunt=` opens Hunting).
    pub view: RwSignal<View>,
    /// The Hunting view's query and results.
    pub hunting: Hunting,
    /// Every run, and the saved queries.
    pub history: HistoryLog,
    /// A write the analyst asked to send, waiting for their confirmation (never sent before it).
    pub pending_write: RwSignal<Option<Query>>,
    /// The response actions this tab has seen answered (newest last, at most [`SEEN_ACTIONS_MAX`]): a
    /// machine's card says from them whether it is isolated, which the API's machine does not.
    pub seen_actions: RwSignal<Vec<MachineAction>>,
    /// Counts runs, so an answer to an older run is dropped.
    run_id: StoredValue<u64>,
}

/// Provides the explorer's state to the components below.
pub fn provide_explorer() -> Explorer {
    let query = Query::source_example();
    let auth = Auth::new();
    let connection = Connection::new(settings::load(), auth);
    let history = provide_history(connection.settings);
    // The analyst's notes, which every entity card carries.
    crate::notes::provide_notes();
    let explorer = Explorer {
        url_text: RwSignal::new(query.url()),
        query: RwSignal::new(query),
        url_error: RwSignal::new(None),
        dataset: connection.dataset,
        shown: RwSignal::new(Shown::Nothing),
        settings: connection.settings,
        auth,
        connection,
        graph: provide_graph(connection),
        view: RwSignal::new(View::Query),
        hunting: Hunting::new(history),
        history,
        pending_write: RwSignal::new(None),
        seen_actions: RwSignal::new(Vec::new()),
        run_id: StoredValue::new(0),
    };
    provide_context(explorer);
    follow_app_links(explorer);
    explorer
}

pub fn use_explorer() -> Explorer {
    expect_context::<Explorer>()
}

impl Explorer {
    /// Shows `query` in the controls and the Request URL field.
    pub fn show_query(&self, query: Query) {
        self.url_text.set(query.url());
        self.url_error.set(None);
        self.query.set(query);
    }

    /// Run: validate, then record the query in the address (a history entry) and send it.
    pub fn run(&self) {
        if let Some(problem) = self.url_error.get_untracked() {
            self.shown
                .set(Shown::Refused(vec![format!("Request URL: {problem}")]));
            focus_first_invalid();
            return;
        }
        let query = self.query.get_untracked();
        if refuse(&query.validate(), self.shown) {
            focus_first_invalid();
            return;
        }
        // A write changes the tenant: it waits for the analyst's confirmation, and is not put into the
        // address (a link never sends a write).
        if query.route.writes() {
            self.pending_write.set(Some(query));
            return;
        }
        self.follow(&app_href(&query, self.dataset.get_untracked()));
    }

    /// Keeps the response actions an answer holds (a write's action, a list of them), each once, as
    /// last seen.
    fn note_actions(&self, loaded: &Loaded) {
        if loaded.query.entity() != Entity::MachineAction || loaded.error().is_some() {
            return;
        }
        let actions: Vec<MachineAction> = loaded
            .items
            .iter()
            .filter_map(|i| i.decode::<MachineAction>().ok())
            .collect();
        if actions.is_empty() {
            return;
        }
        self.seen_actions.update(|seen| {
            seen.retain(|s| !actions.iter().any(|a| a.id == s.id));
            seen.extend(actions);
            let over = seen.len().saturating_sub(SEEN_ACTIONS_MAX);
            seen.drain(..over);
        });
    }

    /// Sends the write the analyst confirmed (see [`Explorer::run`]).
    pub fn send_write(&self) {
        if let Some(query) = self.pending_write.get_untracked() {
            self.pending_write.set(None);
            self.execute(query);
        }
    }

    /// Goes to an app link (a pivot, a sample): a new history entry, then what it says.
    pub fn follow(&self, href: &str) {
        let href = &self.graph.keep_graph(href);
        address::push(href);
        self.apply(read_app_location(href));
    }

    /// Signs out and forgets what the live API answered: every token, the results shown and the graph
    /// (an answer still under way is dropped).
    pub fn sign_out(&self) {
        self.auth.sign_out();
        self.run_id.update_value(|n| *n += 1);
        if self.settings.with_untracked(|s| s.live) {
            self.shown.set(Shown::Nothing);
            self.hunting.forget();
            self.graph.forget();
        }
    }

    /// Shows and runs what the address says (on load, and on Back and Forward).
    pub fn apply_address(&self) {
        self.history
            .showing_address(|| self.apply(read_app_location(&address::search())));
    }

    fn apply(&self, location: AppLocation) {
        self.dataset.set(location.dataset);
        self.graph.follow(&location);
        if let Some(hunt) = location.hunt {
            self.view.set(View::Hunt);
            self.hunting.apply(hunt, self.connection);
            return;
        }
        self.view.set(View::Query);
        match location.query {
            // A write's address (a pasted link, the history) fills the form; only Run, then a
            // confirmation, sends it.
            Some(Ok(query)) if query.route.writes() => {
                self.show_query(query);
                self.shown.set(Shown::Nothing);
            }
            Some(Ok(query)) => {
                self.show_query(query.clone());
                self.execute(query);
            }
            Some(Err(problem)) => {
                // Keep what the address said, and say why it is not a query.
                self.url_text.set(problem.text);
                self.url_error.set(Some(problem.error.to_string()));
                self.shown.set(Shown::Nothing);
            }
            None => {
                // A bare address: the source document's example, so the page shows data at once.
                let query = Query::source_example();
                self.show_query(query.clone());
                self.execute(query);
            }
        }
    }

    /// Sends `query` unless it has problems, then shows the answer.
    fn execute(&self, query: Query) {
        self.execute_retry(query, 0);
    }

    /// [`Self::execute`], the `retries`-th time after a 429.
    fn execute_retry(&self, query: Query, retries: u32) {
        if refuse(&query.validate(), self.shown) {
            return;
        }
        let id = self.run_id.get_value() + 1;
        self.run_id.set_value(id);
        self.shown.set(Shown::Running(query.clone()));
        let this = *self;
        let transport = self.connection.transport();
        let recorder = self.history.start();
        spawn_local(async move {
            // A read's GET, or a confirmed write with its method and body.
            let outgoing = request::Outgoing {
                method: query.route.method,
                url: query.url(),
                body: query.body_json(),
            };
            let mut exchange = request::send(outgoing, query.profile, transport).await;
            if this.run_id.get_value() != id {
                return;
            }
            exchange.retries = retries;
            if let Some(wait_s) = request::retry_delay(&exchange) {
                // Throttled: say when, then run the same query again by itself.
                let retry_at_ms = now_ms() + wait_s * 1000.0;
                this.shown.set(Shown::Throttled {
                    query: query.clone(),
                    retry_at_ms,
                });
                set_timeout(
                    move || {
                        if this.run_id.get_value() == id {
                            this.execute_retry(query, retries + 1);
                        }
                    },
                    std::time::Duration::from_millis((wait_s * 1000.0) as u64),
                );
                return;
            }
            let loaded = Loaded::new(id, query, exchange);
            this.note_actions(&loaded);
            let count = loaded.collection.then_some(loaded.items.len());
            recorder.query(&loaded.query, &loaded.exchange, count);
            this.shown.set(Shown::Done(Arc::new(loaded)));
            mark_when_painted("atp-result-painted");
        });
    }

    /// Follows `@odata.nextLink` and appends its entities (once: a click while a page is on its way does
    /// nothing more).
    pub fn load_more(&self) {
        let Shown::Done(result) = self.shown.get_untracked() else {
            return;
        };
        let Some(next) = result.next_link.clone().filter(|_| !result.loading_more) else {
            return;
        };
        let id = self.run_id.get_value();
        self.shown.update(|s| {
            if let Shown::Done(r) = s {
                Arc::make_mut(r).loading_more = true;
            }
        });
        let this = *self;
        let transport = self.connection.transport();
        let profile = result.query.profile;
        spawn_local(async move {
            let exchange = request::send(request::Outgoing::get(next), profile, transport).await;
            if this.run_id.get_value() != id {
                return;
            }
            this.shown.update(|s| {
                if let Shown::Done(r) = s {
                    Arc::make_mut(r).append(exchange);
                }
            });
        });
    }
}

impl Loaded {
    /// What went wrong, typed: the exchange's error, or a success whose body is not JSON.
    pub fn error(&self) -> Option<RequestError> {
        self.exchange
            .error()
            .or_else(|| match (&self.exchange.outcome, &self.syntax) {
                (Ok(answer), Err(reason)) if !answer.body.is_empty() => {
                    Some(RequestError::Malformed {
                        message: reason.message.clone(),
                        line: reason.line,
                        column: reason.column,
                    })
                }
                _ => None,
            })
    }

    fn new(run: u64, query: Query, exchange: Exchange) -> Loaded {
        let mut result = Loaded {
            run,
            query,
            exchange: exchange.clone(),
            syntax: Ok(()),
            items: Vec::new(),
            count: None,
            next_link: None,
            collection: false,
            loading_more: false,
            pages: 0,
        };
        result.append(exchange);
        result
    }

    /// Takes in one page: the tabs show it, its entities join the list.
    fn append(&mut self, exchange: Exchange) {
        self.loading_more = false;
        self.pages += 1;
        let page = match &exchange.outcome {
            Ok(answer) => Page::read(answer.body.clone(), answer.status < 400),
            Err(_) => Page::read(String::new(), false),
        };
        // A later page that failed, or is not a whole collection, leaves the list as it was, "Load more"
        // with it: the problem shown says what to do, then the button asks again.
        let failed = exchange.error().is_some() || page.syntax.is_err() || !page.collection;
        if self.collection && failed {
            // Kept as it was.
        } else if page.collection {
            self.collection = true;
            self.items.extend(page.items);
            self.count = page.count.or(self.count);
            self.next_link = page.next_link;
        } else if !page.items.is_empty() {
            self.items = page.items;
        }
        self.syntax = page.syntax;
        self.exchange = exchange;
    }
}

/// Shows why nothing is sent, if there are problems; says whether there were.
fn refuse(problems: &[QueryError], shown: RwSignal<Shown>) -> bool {
    if !problems.is_empty() {
        shown.set(Shown::Refused(
            problems.iter().map(ToString::to_string).collect(),
        ));
    }
    !problems.is_empty()
}

/// Puts the keyboard on the first control that has a problem, so the analyst sees what to fix.
fn focus_first_invalid() {
    let found = document()
        .query_selector("[aria-invalid=\"true\"]")
        .ok()
        .flatten();
    if let Some(element) =
        found.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = element.focus();
    }
}

/// A link to an app address (`?profile=…&q=…`): a real `<a href>` that opens in a new tab too; a plain
/// click stays in the page and pushes a history entry (one listener for all of them, see
/// [`follow_app_links`]: a long list of cards has thousands).
#[component]
pub fn AppLink(
    /// The app address, from `app_href`.
    href: String,
    children: Children,
) -> impl IntoView {
    view! { <a href=href data-app-link="">{children()}</a> }
}

/// Follows a plain click on any [`AppLink`] in the page.
fn follow_app_links(explorer: Explorer) {
    let handle = window_event_listener(leptos::ev::click, move |ev| {
        let plain =
            ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key());
        if !plain || ev.default_prevented() {
            return;
        }
        let link = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|e| e.closest("a[data-app-link]").ok().flatten());
        if let Some(href) = link.and_then(|a| a.get_attribute("href")) {
            ev.prevent_default();
            explorer.follow(&href);
        }
    });
    on_cleanup(move || handle.remove());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Answer;

    const NEXT: &str = "https://graph.microsoft.com/testwdatp/alerts?$skip=2";

    fn answer(status: u16, body: &str) -> Exchange {
        Exchange {
            url: "https://graph.microsoft.com/testwdatp/alerts".to_string(),
            elapsed_ms: 1.0,
            outcome: Ok(Answer {
                status,
                headers: Vec::new(),
                body: Arc::new(body.to_string()),
            }),
            retries: 0,
        }
    }

    #[test]
    fn pages_append_and_one_that_fails_keeps_the_list_and_the_next_link() {
        let first =
            format!(r#"{{"value":[{{"id":"a"}},{{"id":"b"}}],"@odata.nextLink":"{NEXT}"}}"#);
        let mut loaded = Loaded::new(7, Query::source_example(), answer(200, &first));
        assert_eq!((loaded.run, loaded.items.len()), (7, 2));
        assert_eq!(loaded.next_link.as_deref(), Some(NEXT));

        let no_answer = Exchange {
            outcome: Err(RequestError::Network {
                host: "graph.microsoft.com".to_string(),
                detail: "connection reset".to_string(),
            }),
            ..answer(200, "")
        };
        let failures = [
            answer(
                500,
                r#"{"error":{"code":"InternalServerError","message":"boom"}}"#,
            ),
            answer(200, r#"{"value":[{"id":"c"}"#),
            no_answer,
        ];
        for failed in failures {
            loaded.append(failed);
            assert!(loaded.error().is_some());
            assert_eq!(loaded.items.len(), 2);
            assert_eq!(loaded.next_link.as_deref(), Some(NEXT));
        }
        // A page that is not a collection does not replace the list either.
        loaded.append(answer(200, r#"{"id":"c"}"#));
        assert_eq!(loaded.items.len(), 2);
        assert_eq!(loaded.next_link.as_deref(), Some(NEXT));

        loaded.append(answer(200, r#"{"value":[{"id":"c"}]}"#));
        assert!(loaded.error().is_none());
        assert_eq!(loaded.items.len(), 3);
        assert_eq!(loaded.next_link, None);
        assert_eq!(loaded.pages, 6);
    }

    #[test]
    fn one_entity_is_one_item_with_no_next_link() {
        let loaded = Loaded::new(1, Query::source_example(), answer(200, r#"{"id":"a"}"#));
        assert!(!loaded.collection);
        assert_eq!(loaded.items.len(), 1);
        assert_eq!(loaded.next_link, None);
    }
}
