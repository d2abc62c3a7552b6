//! The Hunting view's state: the KQL being written, the route and timespan it goes to, and what the last
//! run brought back. A run goes through the one request path ([`crate::request::send`]) like any query;
//! the address holds the hunt (`hunt=`, `timespan=`, `hapi=`), so it restores on reload and shares.

use std::sync::Arc;

use atp_core::catalogue::HuntingApi;
use atp_core::exchange::Problem;
use atp_core::hunting::HuntingResult;
use atp_core::link::HuntLink;
use atp_core::Profile;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::connection::Connection;
use crate::history::HistoryLog;
use crate::platform::{mark_when_painted, now_ms};
use crate::request::{self, Exchange, Outgoing};

/// What the hunting result area shows.
#[derive(Clone, Debug)]
pub enum HuntShown {
    Nothing,
    Running,
    /// The API asked to wait; the same hunt runs again by itself at `retry_at_ms`.
    Throttled {
        retry_at_ms: f64,
    },
    Done(Arc<HuntOutcome>),
}

/// One hunt's answer.
#[derive(Debug)]
pub struct HuntOutcome {
    pub run: u64,
    pub exchange: Exchange,
    /// The table, or what went wrong and what to do.
    pub result: Result<Arc<HuntingResult>, Problem>,
}

/// The Hunting view's signals: a `Copy` handle the explorer holds.
#[derive(Clone, Copy)]
pub struct Hunting {
    /// The editor's text, as typed.
    pub text: RwSignal<String>,
    /// Graph's `Timespan` (`P7D`…); empty for the route's default.
    pub timespan: RwSignal<String>,
    pub api: RwSignal<HuntingApi>,
    /// The page's profile the hunt belongs to (a Defender region for the Defender routes).
    pub profile: RwSignal<Profile>,
    pub shown: RwSignal<HuntShown>,
    run_id: StoredValue<u64>,
    /// Where each run is recorded.
    history: HistoryLog,
}

impl Hunting {
    pub fn new(history: HistoryLog) -> Hunting {
        Hunting {
            text: RwSignal::new(String::new()),
            timespan: RwSignal::new(String::new()),
            api: RwSignal::new(HuntingApi::Graph),
            profile: RwSignal::new(Profile::Graph),
            shown: RwSignal::new(HuntShown::Nothing),
            run_id: StoredValue::new(0),
            history,
        }
    }

    /// What the editor holds, for the address.
    pub fn link(&self) -> HuntLink {
        HuntLink {
            query: self.text.get_untracked(),
            timespan: self.timespan.get_untracked(),
            api: self.api.get_untracked(),
            profile: self.profile.get_untracked(),
        }
    }

    /// Shows `hunt` in the editor and runs it (unless it is empty).
    pub fn apply(&self, hunt: HuntLink, connection: Connection) {
        self.text.set(hunt.query.clone());
        self.timespan.set(hunt.timespan.clone());
        self.api.set(hunt.api);
        self.profile.set(hunt.profile);
        if hunt.query.trim().is_empty() {
            self.forget();
        } else {
            self.run(hunt, connection, 0);
        }
    }

    /// Drops the result and any answer still on its way.
    pub fn forget(&self) {
        self.run_id.update_value(|n| *n += 1);
        self.shown.set(HuntShown::Nothing);
    }

    fn run(&self, hunt: HuntLink, connection: Connection, retries: u32) {
        let route = hunt.api.route();
        let profile = route.profile(hunt.profile);
        let outgoing =
            Outgoing::post_json(route.url(profile), route.body(&hunt.query, &hunt.timespan));
        let id = self.run_id.get_value() + 1;
        self.run_id.set_value(id);
        self.shown.set(HuntShown::Running);
        let this = *self;
        let transport = connection.transport();
        let recorder = self.history.start();
        spawn_local(async move {
            let mut exchange = request::send(outgoing, profile, transport).await;
            if this.run_id.get_value() != id {
                return;
            }
            exchange.retries = retries;
            if let Some(wait_s) = request::retry_delay(&exchange) {
                this.shown.set(HuntShown::Throttled {
                    retry_at_ms: now_ms() + wait_s * 1000.0,
                });
                set_timeout(
                    move || {
                        if this.run_id.get_value() == id {
                            this.run(hunt, connection, retries + 1);
                        }
                    },
                    std::time::Duration::from_millis((wait_s * 1000.0) as u64),
                );
                return;
            }
            let result = read(&exchange, route).map(|mut result| {
                // The APIs answer with the table only: the chart is the one the query asked for.
                if result.render.is_none() {
                    result.render = atp_core::chart::render_in(&hunt.query);
                }
                Arc::new(result)
            });
            recorder.hunt(&hunt, &exchange, result.as_ref().ok().map(|r| r.rows.len()));
            this.shown.set(HuntShown::Done(Arc::new(HuntOutcome {
                run: id,
                exchange,
                result,
            })));
            mark_when_painted("atp-hunt-painted");
        });
    }
}

/// The table in an answer, or the problem it reports.
fn read(
    exchange: &Exchange,
    route: &atp_core::catalogue::HuntingRoute,
) -> Result<HuntingResult, Problem> {
    if let Some(error) = exchange.error() {
        return Err(error.hunting_problem(route));
    }
    let Ok(answer) = &exchange.outcome else {
        return Err(Problem {
            title: "No answer.".into(),
            advice: "Run the query again.".into(),
        });
    };
    HuntingResult::read(&answer.body).map_err(|reason| Problem {
        title: format!("The answer is not a hunting result: {reason}"),
        advice: "The Response tab shows the body as received; run the query again.".into(),
    })
}
