//! The graph and the page's history: each change is a history entry (its recipe in the address), and
//! Back, Forward, a reload or a shared link bring the graph the address names: kept snapshots first, then
//! one step undone, then the missing steps replayed through the normal request path.

use super::*;

/// Graphs kept for Back and Forward, newest last.
const SNAPSHOTS: usize = 24;

/// A graph as it was, so Back (and Forward) can bring it back as the analyst left it, without fetching.
#[derive(Clone)]
pub(super) struct Snapshot {
    profile: Profile,
    dataset: DemoData,
    graph: Graph,
    more: HashMap<(NodeKey, &'static str), More>,
}

impl GraphState {
    /// Keeps the graph as it is now (before a change, or before Back or Forward takes it away).
    pub(super) fn keep_snapshot(&self) {
        if self.synthetic.get_value() {
            return;
        }
        let snapshot = Snapshot {
            profile: self.profile.get_untracked(),
            dataset: self.dataset.get_value(),
            graph: self.graph.get_value(),
            more: self.more.get_value(),
        };
        if snapshot.graph.is_empty() {
            return;
        }
        self.snapshots.update_value(|all| {
            all.retain(|s| {
                !(s.profile == snapshot.profile
                    && s.dataset == snapshot.dataset
                    && s.graph.recipe() == snapshot.graph.recipe())
            });
            all.push(snapshot);
            if all.len() > SNAPSHOTS {
                all.remove(0);
            }
        });
    }

    /// Brings back a kept graph with this recipe, if there is one.
    pub(super) fn restore(&self, profile: Profile, dataset: DemoData, recipe: &Recipe) -> bool {
        let Some(found) = self.snapshots.with_value(|all| {
            all.iter()
                .rev()
                .find(|s| {
                    s.profile == profile && s.dataset == dataset && s.graph.recipe() == recipe
                })
                .cloned()
        }) else {
            return false;
        };
        self.keep_snapshot();
        self.generation.update_value(|g| *g += 1);
        self.graph.set_value(found.graph);
        self.more.set_value(found.more);
        self.dataset.set_value(dataset);
        self.profile.set(profile);
        self.status.set(None);
        self.touch();
        true
    }

    /// Records the graph in the address: a new history entry, so Back undoes the change.
    pub(super) fn record(&self) {
        let mut address = AppAddress::parse(&address::search());
        address.set_graph(self.link().as_ref());
        address::push(&address.write());
    }

    /// Makes the graph what an address says: nothing to do, one step undone, new steps replayed on the
    /// graph there is, or the whole recipe replayed.
    pub fn follow(&self, location: &AppLocation) {
        if let Some(nodes) = location.graph_synthetic {
            if !self.synthetic.get_value() {
                self.load_synthetic(nodes);
            }
            return;
        }
        let Some(link) = location.graph.clone() else {
            if self.with(|g| !g.is_empty()) {
                let profile = self.profile.get_untracked();
                self.reset(Graph::new(profile.api()), profile);
            }
            return;
        };
        let wanted = match Recipe::parse(&link.recipe, link.profile.api()) {
            Ok(r) => r,
            Err(e) => {
                self.status.set(Some(format!(
                    "The graph in the address could not be read ({e})."
                )));
                return;
            }
        };
        self.become_recipe(link.profile, location.dataset, wanted);
    }

    /// The cheapest way from the graph there is to the one `wanted` describes.
    fn become_recipe(&self, profile: Profile, dataset: DemoData, wanted: Recipe) {
        let api = profile.api();
        let same_base = !self.synthetic.get_value()
            && self.profile.get_untracked() == profile
            && self.dataset.get_value() == dataset
            && self.with(|g| g.api() == api);
        let have = self.with(|g| g.recipe().clone());
        if same_base && have == wanted {
            return;
        }
        // Back over a removal or a collapse (or Forward again): the graph as it was, not fetched again.
        if self.restore(profile, dataset, &wanted) {
            return;
        }
        let one_step_back =
            have.steps.len() == wanted.steps.len() + 1 && have.without_last() == wanted;
        if same_base && one_step_back && self.undo_last_step() {
            return;
        }
        let this = *self;
        if have.is_empty() {
            self.open();
        }
        if same_base && wanted.steps.starts_with(&have.steps) {
            let extra = wanted.steps[have.steps.len()..].to_vec();
            let base = self.graph.get_value();
            leptos::task::spawn_local(async move { this.replay(base, extra, profile).await });
            return;
        }
        self.keep_snapshot();
        self.dataset.set_value(dataset);
        self.reset(Graph::new(api), profile);
        self.open();
        leptos::task::spawn_local(async move {
            this.replay(Graph::new(api), wanted.steps, profile).await
        });
    }

    /// Undoes the graph's last step in place (Back over an expansion); `false` if it cannot.
    fn undo_last_step(&self) -> bool {
        let mut undone = false;
        self.keep_snapshot();
        self.graph.update_value(|g| undone = g.undo());
        if undone {
            let graph = self.graph;
            self.more.update_value(|m| {
                m.retain(|(k, r), _| {
                    graph.with_value(|g| g.node(k).is_some_and(|n| n.expansion(r).is_some()))
                })
            });
            self.touch();
        }
        undone
    }

    /// Replays recipe steps onto `graph` through the normal request path, then shows the result.
    pub(super) async fn replay(&self, mut graph: Graph, steps: Vec<Step>, profile: Profile) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.busy.update(|b| *b += 1);
        let total = steps.len();
        let mut problems = Vec::new();
        for (i, step) in steps.into_iter().enumerate() {
            self.status.set(Some(format!(
                "Rebuilding the graph: step {} of {total}…",
                i + 1
            )));
            if let Err(problem) = self.replay_step(&mut graph, step, profile).await {
                problems.push(format!("step {}: {problem}", i + 1));
            }
            if self.generation.get_value() != generation {
                self.busy.update(|b| *b = b.saturating_sub(1));
                return;
            }
        }
        self.busy.update(|b| *b = b.saturating_sub(1));
        self.graph.set_value(graph);
        self.status.set(
            problems
                .first()
                .map(|first| format!("Rebuilt, but {} step(s) failed: {first}", problems.len())),
        );
        self.touch();
        mark_when_painted("atp-graph-painted");
    }

    /// One step of a recipe onto `graph`; the problem in words when it could not be taken.
    async fn replay_step(
        &self,
        graph: &mut Graph,
        step: Step,
        profile: Profile,
    ) -> Result<(), String> {
        match step {
            Step::Start(key) => {
                self.replay_start(graph, key, profile).await;
                Ok(())
            }
            Step::Expand(key, route) => {
                let q = graph
                    .expansion_query(profile, &key, route)
                    .ok_or_else(|| format!("{} is not in the graph", key.dom_key()))?;
                let body = self.fetch(&q).await?;
                merge_page(graph, &key, route, &body, Vec::new(), self.more).map(|_| ())
            }
            Step::Remove(key) => {
                let _ = graph.remove_node(&key);
                Ok(())
            }
            Step::Collapse(key, route) => {
                let _ = graph.collapse(&key, route);
                Ok(())
            }
            Step::More(key, route) => {
                let (body, held) = self.next_page(&key, route).await.ok_or_else(|| {
                    format!("no more results of {} to add", route.relation_label())
                })??;
                merge_page(graph, &key, route, &body, held, self.more)?;
                graph.record_more(&key, route);
                Ok(())
            }
        }
    }

    /// A start of the recipe: the entity fetched by its id, or (when that fails) a node of the key alone.
    async fn replay_start(&self, graph: &mut Graph, key: NodeKey, profile: Profile) {
        // A Graph investigation reads the entities it shares with Defender from Defender.
        let route = atp_core::catalogue::graph_get_route(profile.api(), key.entity());
        let fetched = match route {
            Some(route) => {
                let mut q = Query::new(profile.sending(route), route);
                if let Some(p) = route.params.first() {
                    q.set_param(p.name, key.id());
                }
                self.fetch(&q).await.ok()
            }
            None => None,
        };
        let started = fetched
            .is_some_and(|body| graph.add_start(key.entity(), &body).is_ok_and(|k| k == key));
        if !started {
            graph.add_start_key(key);
        }
    }
}
