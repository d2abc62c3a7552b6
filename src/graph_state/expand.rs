//! Expansions: one request through the normal path per relation, its results merged into the graph; a
//! large one adds its first page and keeps the rest for "more".

use super::*;

impl GraphState {
    /// Expands `key` along `route`: one request through the normal path, its results merged.
    pub async fn expand(&self, key: NodeKey, route: &'static Route) {
        let Some(query) =
            self.with(|g| g.expansion_query(self.profile.get_untracked(), &key, route))
        else {
            return;
        };
        let generation = self.generation.get_value();
        self.busy.update(|b| *b += 1);
        self.status
            .set(Some(format!("Expanding {}…", route.relation_label())));
        let outcome = self.fetch(&query).await;
        self.busy.update(|b| *b = b.saturating_sub(1));
        if self.generation.get_value() != generation {
            return;
        }
        match outcome {
            Ok(body) => {
                let mut merged = Ok(0);
                self.keep_snapshot();
                self.graph.update_value(|g| {
                    merged = merge_page(g, &key, route, &body, Vec::new(), self.more);
                });
                match merged {
                    Ok(rest) => {
                        let (_, next) = self.more_of(&key, route.key);
                        self.status.set((rest > 0 || next).then(|| {
                            format!(
                                "{}: the first {EXPANSION_PAGE} results were added; the side panel adds more.",
                                route.relation_label()
                            )
                        }));
                        self.touch();
                        self.record();
                    }
                    Err(e) => self.status.set(Some(e)),
                }
            }
            Err(problem) => self.status.set(Some(problem)),
        }
    }

    /// Expands every relation of `key` not expanded yet, one after the other.
    pub async fn expand_all(&self, key: NodeKey) {
        let pending = self.with(|g| g.pending_expansions(&key));
        for route in pending {
            self.expand(key.clone(), route).await;
        }
    }

    /// Adds the next results a large expansion held back: from the page already fetched, else the
    /// API's next page (through the normal request path). A step of the recipe, like an expansion.
    pub async fn add_more(&self, key: NodeKey, route: &'static Route) {
        let generation = self.generation.get_value();
        let Some(page) = self.next_page(&key, route).await else {
            return;
        };
        if self.generation.get_value() != generation {
            return;
        }
        self.keep_snapshot();
        let mut merged = Ok(0);
        self.graph.update_value(|g| {
            merged =
                page.and_then(|(body, held)| merge_page(g, &key, route, &body, held, self.more));
            if merged.is_ok() {
                g.record_more(&key, route);
            }
        });
        match merged {
            Ok(_) => {
                self.status.set(None);
                self.touch();
                self.record();
            }
            Err(e) => self.status.set(Some(e)),
        }
    }

    /// What "more" of an expansion merges next: (a body, results held back from the page before);
    /// `None` when nothing waits.
    pub(super) async fn next_page(
        &self,
        key: &NodeKey,
        route: &'static Route,
    ) -> Option<Result<(Value, Vec<Value>), String>> {
        let more = self
            .more
            .try_update_value(|m| m.remove(&(key.clone(), route.key)))
            .flatten()?;
        if !more.rest.is_empty() {
            let page = serde_json::json!({ "value": [], "@odata.nextLink": more.next_link });
            return Some(Ok((page, more.rest)));
        }
        let next = more.next_link?;
        self.busy.update(|b| *b += 1);
        let outcome = self
            .fetch_url(next, self.profile.get_untracked(), key.entity())
            .await;
        self.busy.update(|b| *b = b.saturating_sub(1));
        Some(outcome.map(|body| (body, Vec::new())))
    }

    /// One request through the normal path; the body as JSON, or the problem in words.
    pub(super) async fn fetch(&self, query: &Query) -> Result<Value, String> {
        self.fetch_url(query.url(), query.profile, query.entity())
            .await
    }

    pub(super) async fn fetch_url(
        &self,
        url: String,
        profile: Profile,
        entity: Entity,
    ) -> Result<Value, String> {
        let exchange: Exchange = request::send(
            request::Outgoing::get(url.clone()),
            profile,
            self.connection.transport(),
        )
        .await;
        if let Some(error) = exchange.error() {
            let p = error.problem(profile.api(), entity);
            return Err(format!("{} {}", p.title, p.advice));
        }
        let body = exchange.outcome.as_ref().map_or("", |a| a.body.as_str());
        serde_json::from_str(body).map_err(|e| format!("The answer to {url} is not JSON ({e})."))
    }
}

/// Merges the first [`EXPANSION_PAGE`] of `held` followed by the results in `body`, and keeps the rest
/// (and the body's `@odata.nextLink`) for "more"; returns how many results wait.
pub(super) fn merge_page(
    graph: &mut Graph,
    key: &NodeKey,
    route: &'static Route,
    body: &Value,
    mut held: Vec<Value>,
    more: StoredValue<HashMap<(NodeKey, &'static str), More>>,
) -> Result<usize, String> {
    held.extend(relation_results(route, body).iter().cloned());
    let rest = held.split_off(held.len().min(EXPANSION_PAGE));
    graph
        .merge_expansion(key, route, &held)
        .map_err(|e| e.to_string())?;
    let next_link = body
        .get("@odata.nextLink")
        .and_then(Value::as_str)
        .map(str::to_string);
    let waiting = rest.len();
    more.update_value(|m| {
        if rest.is_empty() && next_link.is_none() {
            m.remove(&(key.clone(), route.key));
        } else {
            m.insert((key.clone(), route.key), More { rest, next_link });
        }
    });
    Ok(waiting)
}
