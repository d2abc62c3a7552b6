//! The app's own URL: which query is shown, so a link, a reload or Back brings the same view.
//!
//! The state lives in the query string of the page's own address (`…/?profile=wdatp&q=/alerts?$top=20`),
//! never in its path: a static host answers the page's directory with `index.html` at any sub-path, with
//! no rewrite rules and no 404 page, and a relative `?…` link works wherever the app is deployed.

use percent_encoding::utf8_percent_encode;

use crate::catalogue::{HuntingApi, Profile, Region};
use crate::query::{Query, UrlError, OPTION_VALUE};

/// The demo dataset a link asks for; `hostile` is the renderer's safety test data, `large` a tenant of
/// 100,000 alerts to try the app at scale (10 pages of 10,000).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DemoData {
    #[default]
    Normal,
    Hostile,
    Large,
}

impl DemoData {
    /// Alerts in the large dataset.
    pub const LARGE_SCALE: usize = 100_000;

    /// The value of `dataset=` in the app's address; `None` for the default.
    pub fn key(self) -> Option<&'static str> {
        match self {
            DemoData::Normal => None,
            DemoData::Hostile => Some("hostile"),
            DemoData::Large => Some("large"),
        }
    }
}

/// What the app's address says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppLocation {
    /// The query to show and run, read or not; `None` when the address names none.
    pub query: Option<Result<Query, LinkProblem>>,
    pub dataset: DemoData,
    /// The investigation graph the address carries (`g=<recipe>`), if any.
    pub graph: Option<GraphLink>,
    /// `graph-synthetic=<n>`: a made-up graph of about `n` nodes, for the performance benchmark.
    pub graph_synthetic: Option<usize>,
    /// The Hunting view's query (`hunt=`), when the address opens that view.
    pub hunt: Option<HuntLink>,
}

/// A hunt in an address: `hunt=<KQL>`, `timespan=<ISO 8601>` and `hapi=<route key>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HuntLink {
    /// The KQL text, as typed (empty: the view opens on an empty editor).
    pub query: String,
    /// Graph's `Timespan` (`P7D`, `start/end`…); empty for the route's default.
    pub timespan: String,
    pub api: HuntingApi,
    /// The page's profile (a Defender region for the Defender routes).
    pub profile: Profile,
}

/// The investigation graph in an address: its recipe text (see `graph::Recipe`) and the profile whose
/// routes it replays (`gprofile=`, written only when it is not the query's profile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphLink {
    pub profile: Profile,
    pub recipe: String,
}

/// Largest `graph-synthetic` the address may ask for.
pub const MAX_SYNTHETIC_NODES: usize = 5_000;

/// A query in the address that could not be read; `text` keeps what it said, so nothing is lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkProblem {
    pub text: String,
    pub error: UrlError,
}

/// The profile's key in the app URL: `wdatp`, `mde` (global host) or `mde-eu` and the like, `graph`.
pub fn profile_key(profile: Profile) -> String {
    match profile {
        Profile::Wdatp => "wdatp".to_string(),
        Profile::Defender(Region::Global) => "mde".to_string(),
        Profile::Defender(region) => format!("mde-{}", region.key()),
        Profile::Graph => "graph".to_string(),
    }
}

pub fn profile_from_key(key: &str) -> Option<Profile> {
    match key {
        "wdatp" => Some(Profile::Wdatp),
        "graph" => Some(Profile::Graph),
        "mde" => Some(Profile::Defender(Region::Global)),
        _ => key
            .strip_prefix("mde-")
            .and_then(Region::from_key)
            .map(Profile::Defender),
    }
}

/// The page's address as its keys and values, in order: the one reading and the one writing of it.
///
/// Reading is `application/x-www-form-urlencoded`, as browsers write forms and `URLSearchParams` reads
/// them: `+` is a space, `%XX` a byte, invalid UTF-8 becomes U+FFFD. Writing escapes only what would
/// change that reading (`%`, `&`, `+`, `#`, `=` in names, spaces, controls, non-ASCII and a few others),
/// so a shared link stays legible (`q=/alerts?$top=20%26$expand=machine`) and reads back as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppAddress {
    pairs: Vec<(String, String)>,
}

/// A hostile address can be huge: the reading stops here (Chromium's own limit for a URL is 2 MB).
const MAX_ADDRESS: usize = 2 * 1024 * 1024;

/// Nothing useful in a query or a graph recipe is longer than this; the rest is not read.
const MAX_VALUE: usize = 16 * 1024;

/// `text` cut to at most [`MAX_VALUE`] bytes, at a character boundary.
fn capped(text: &str) -> &str {
    let mut end = text.len().min(MAX_VALUE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Characters escaped in a key: a value's, and `=`.
const KEY: &percent_encoding::AsciiSet = &OPTION_VALUE.add(b'=');

impl AppAddress {
    /// Reads `location.search` (or a fragment: one leading `?` or `#` is skipped); never fails.
    pub fn parse(search: &str) -> AppAddress {
        let mut end = search.len().min(MAX_ADDRESS);
        while !search.is_char_boundary(end) {
            end -= 1;
        }
        let text = &search[..end];
        let text = text
            .strip_prefix('?')
            .or_else(|| text.strip_prefix('#'))
            .unwrap_or(text);
        AppAddress {
            pairs: form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The address as a relative link: `?key=value&…`, or `?` when it holds nothing (the bare page).
    pub fn write(&self) -> String {
        let mut out = String::from("?");
        for (i, (key, value)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.extend(utf8_percent_encode(key, KEY));
            out.push('=');
            out.extend(utf8_percent_encode(value, OPTION_VALUE));
        }
        out
    }

    /// The value of `key`; the last one when the address repeats it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` to `value`, where it stood if it was there (any repeats go), else at the end.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self.pairs.iter().position(|(k, _)| k == key) {
            Some(at) => {
                self.pairs[at].1 = value;
                let mut seen = 0;
                self.pairs.retain(|(k, _)| {
                    seen += usize::from(k == key);
                    k != key || seen == 1
                });
            }
            None => self.pairs.push((key.to_string(), value)),
        }
    }

    /// Removes every `key`.
    pub fn remove(&mut self, key: &str) {
        self.pairs.retain(|(k, _)| k != key);
    }

    /// The keys and values, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// An address of these keys and values, in this order.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> AppAddress {
        AppAddress {
            pairs: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The address that shows `query`, keeping the dataset.
    pub fn for_query(query: &Query, dataset: DemoData) -> AppAddress {
        let mut address = AppAddress::default();
        address.set("profile", profile_key(query.profile));
        address.set("q", query.path());
        if let Some(key) = dataset.key() {
            address.set("dataset", key);
        }
        address
    }

    /// The profile the address names (`profile=`), the original one when it names none it knows.
    pub fn profile(&self) -> Profile {
        self.get("profile")
            .and_then(profile_from_key)
            .unwrap_or(Profile::Wdatp)
    }

    /// The investigation graph the address carries, if any.
    pub fn graph(&self) -> Option<GraphLink> {
        let recipe = self.get("g").map(capped).filter(|r| !r.is_empty())?;
        Some(GraphLink {
            profile: self
                .get("gprofile")
                .and_then(profile_from_key)
                .unwrap_or_else(|| self.profile()),
            recipe: recipe.to_string(),
        })
    }

    /// Replaces the graph the address carries with `graph` (none, for `None` or an empty recipe).
    pub fn set_graph(&mut self, graph: Option<&GraphLink>) {
        for key in ["g", "gprofile", "graph-synthetic"] {
            self.remove(key);
        }
        let Some(graph) = graph.filter(|g| !g.recipe.is_empty()) else {
            return;
        };
        self.set("g", graph.recipe.as_str());
        if graph.profile != self.profile() {
            self.set("gprofile", profile_key(graph.profile));
        }
    }

    /// The hunt the address carries, if it opens the Hunting view.
    pub fn hunt(&self) -> Option<HuntLink> {
        let query = capped(self.get("hunt")?).to_string();
        let profile = self.profile();
        let api = self
            .get("hapi")
            .and_then(HuntingApi::from_key)
            .filter(|api| crate::catalogue::hunting_routes(profile).contains(&api.route()))
            .unwrap_or_else(|| HuntingApi::default_for(profile));
        Some(HuntLink {
            query,
            timespan: self
                .get("timespan")
                .map(capped)
                .unwrap_or_default()
                .to_string(),
            api,
            profile,
        })
    }

    /// The address of the Hunting view with `hunt`, keeping the dataset.
    pub fn for_hunt(hunt: &HuntLink, dataset: DemoData) -> AppAddress {
        let profile = hunt.profile;
        let mut address = AppAddress::default();
        address.set("profile", profile_key(profile));
        address.set("hunt", hunt.query.as_str());
        if !hunt.timespan.trim().is_empty() {
            address.set("timespan", hunt.timespan.trim());
        }
        if hunt.api != HuntingApi::default_for(profile) {
            address.set("hapi", hunt.api.key());
        }
        if let Some(key) = dataset.key() {
            address.set("dataset", key);
        }
        address
    }

    /// What the address says, typed.
    pub fn location(&self) -> AppLocation {
        let dataset = match self.get("dataset") {
            Some("hostile") => DemoData::Hostile,
            Some("large") => DemoData::Large,
            _ => DemoData::Normal,
        };
        let profile = self.profile();
        AppLocation {
            query: self.get("q").map(capped).map(|text| {
                Query::parse(text, profile).map_err(|error| LinkProblem {
                    text: text.to_string(),
                    error,
                })
            }),
            dataset,
            graph: self.graph(),
            graph_synthetic: self
                .get("graph-synthetic")
                .and_then(|n| n.parse::<usize>().ok())
                .map(|n| n.min(MAX_SYNTHETIC_NODES)),
            hunt: self.hunt(),
        }
    }
}

/// The relative link (`?profile=…&q=…`) that shows `query`, keeping the dataset.
pub fn app_href(query: &Query, dataset: DemoData) -> String {
    AppAddress::for_query(query, dataset).write()
}

/// [`app_href`], carrying the investigation graph too (nothing is added for an empty recipe).
pub fn app_href_with_graph(query: &Query, dataset: DemoData, graph: Option<&GraphLink>) -> String {
    with_graph(&app_href(query, dataset), graph)
}

/// An app address with `graph` added, unless it already names a graph: following a pivot or running a
/// query keeps the investigation.
pub fn with_graph(href: &str, graph: Option<&GraphLink>) -> String {
    let mut address = AppAddress::parse(href);
    if address.graph().is_some() || graph.is_none_or(|g| g.recipe.is_empty()) {
        return href.to_string();
    }
    address.set_graph(graph);
    address.write()
}

/// The relative link that opens the Hunting view with `hunt`.
pub fn hunt_href(hunt: &HuntLink, dataset: DemoData) -> String {
    AppAddress::for_hunt(hunt, dataset).write()
}

/// Reads the page's `location.search`; never fails, and keeps an unreadable query's text.
pub fn read_app_location(search: &str) -> AppLocation {
    AppAddress::parse(search).location()
}

/// Everything a shared link can pre-configure for the live API (the app's Settings keys).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveSettings<'a> {
    pub authority: &'a str,
    pub tenant: &'a str,
    pub client_id: &'a str,
    /// Replaces the profile's host when sending (a relay, or a mock API).
    pub api_base: &'a str,
    pub scopes: &'a str,
}

/// The address query (`?api=live&authority=…`) that opens the app configured for the live API; empty
/// settings are left out.
pub fn live_settings_href(settings: &LiveSettings) -> String {
    let mut address = AppAddress::from_pairs([("api", "live")]);
    for (key, value) in [
        ("authority", settings.authority),
        ("tenant", settings.tenant),
        ("client_id", settings.client_id),
        ("base", settings.api_base),
        ("scopes", settings.scopes),
    ] {
        if !value.is_empty() {
            address.set(key, value);
        }
    }
    address.write()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Api;

    #[test]
    fn a_hunt_reads_back_from_its_link() {
        let hunt = HuntLink {
            query: "DeviceProcessEvents\n| where FileName =~ 'a&b+c#d'\n| take 10".into(),
            timespan: "P7D".into(),
            api: HuntingApi::Endpoint,
            profile: Profile::Defender(Region::Eu),
        };
        let href = hunt_href(&hunt, DemoData::Large);
        let location = read_app_location(&href);
        assert_eq!(location.hunt, Some(hunt.clone()));
        assert_eq!(location.dataset, DemoData::Large);
        assert_eq!(location.query, None);
        // The profile's default route is left out; a route of another API falls back to the default.
        let graph = HuntLink {
            api: HuntingApi::Graph,
            timespan: String::new(),
            profile: Profile::Graph,
            ..hunt
        };
        let href = hunt_href(&graph, DemoData::Normal);
        assert!(
            !href.contains("hapi") && !href.contains("timespan"),
            "{href}"
        );
        let wrong = read_app_location("?profile=graph&hunt=x&hapi=mde")
            .hunt
            .unwrap();
        assert_eq!(wrong.api, HuntingApi::Graph);
        assert_eq!(read_app_location("?profile=mde&q=/alerts").hunt, None);
        assert_eq!(
            read_app_location("?hunt=").hunt.map(|h| h.query),
            Some(String::new())
        );
    }

    #[test]
    fn a_link_reads_back_as_the_same_query() {
        let mut query = Query::source_example();
        let href = app_href(&query, DemoData::Normal);
        assert_eq!(href, "?profile=wdatp&q=/alerts?$top=20%26$expand=machine");
        assert_eq!(read_app_location(&href).query, Some(Ok(query.clone())));

        query = Query::new(
            Profile::Defender(Region::Eu),
            Api::Defender.route("users.alerts").unwrap(),
        );
        query.set_param("id", "CONTOSO\\j doe&x");
        let href = app_href(&query, DemoData::Hostile);
        let location = read_app_location(&href);
        assert_eq!(location.query, Some(Ok(query.clone())));
        assert_eq!(location.dataset, DemoData::Hostile);
        let large = app_href(&query, DemoData::Large);
        assert!(large.ends_with("&dataset=large"), "{large}");
        assert_eq!(read_app_location(&large).dataset, DemoData::Large);
    }

    #[test]
    fn a_live_link_carries_the_settings() {
        let href = live_settings_href(&LiveSettings {
            authority: "http://127.0.0.1:9/t/v2.0",
            client_id: "c-1",
            scopes: "api://x/.default offline_access",
            ..LiveSettings::default()
        });
        assert_eq!(
            href,
            "?api=live&authority=http://127.0.0.1:9/t/v2.0&client_id=c-1&scopes=api://x/.default%20offline_access"
        );
    }

    #[test]
    fn garbage_addresses_keep_their_text_and_never_panic() {
        let location = read_app_location("?q=/nowhere%20at%20all&profile=bogus");
        let Some(Err(problem)) = location.query else {
            panic!("expected a problem")
        };
        assert_eq!(problem.text, "/nowhere at all");
        assert_eq!(read_app_location("").query, None);
        assert_eq!(
            read_app_location("?&&=&q").query.map(|q| q.is_err()),
            Some(true)
        );
        let huge = format!("?q={}", "%FF".repeat(100_000));
        assert!(matches!(read_app_location(&huge).query, Some(Err(_))));
    }

    #[test]
    fn the_graph_rides_along_in_the_address() {
        let query = Query::source_example();
        let graph = GraphLink {
            profile: Profile::Wdatp,
            recipe: "sa636341278149188342_1960231459~x'0!machines~xu*5Ccontoso*5Cjdoe!alerts"
                .into(),
        };
        let href = app_href_with_graph(&query, DemoData::Hostile, Some(&graph));
        assert_eq!(
            href,
            "?profile=wdatp&q=/alerts?$top=20%26$expand=machine&dataset=hostile&g=sa636341278149188342_1960231459~x'0!machines~xu*5Ccontoso*5Cjdoe!alerts"
        );
        let location = read_app_location(&href);
        assert_eq!(location.graph, Some(graph.clone()));
        assert_eq!(location.query, Some(Ok(query.clone())));
        // A pivot followed keeps the graph; an address with its own graph keeps that one.
        let pivot = with_graph("?profile=wdatp&q=/machines/1", Some(&graph));
        assert_eq!(read_app_location(&pivot).graph, Some(graph.clone()));
        assert_eq!(
            with_graph(
                &href,
                Some(&GraphLink {
                    profile: Profile::Wdatp,
                    recipe: "sa2".into()
                })
            ),
            href
        );

        // A graph of the other API names its profile.
        let defender = GraphLink {
            profile: Profile::Defender(Region::Eu),
            recipe: "sa1".into(),
        };
        let href = app_href_with_graph(&query, DemoData::Normal, Some(&defender));
        assert!(href.ends_with("&g=sa1&gprofile=mde-eu"), "{href}");
        assert_eq!(read_app_location(&href).graph, Some(defender));

        // No graph, an empty one, and a benchmark's synthetic one.
        let empty = GraphLink {
            profile: Profile::Wdatp,
            recipe: String::new(),
        };
        assert_eq!(
            app_href_with_graph(&query, DemoData::Normal, Some(&empty)),
            app_href(&query, DemoData::Normal)
        );
        assert_eq!(read_app_location("?g=").graph, None);
        assert_eq!(
            with_graph("?profile=wdatp&q=/alerts", None),
            "?profile=wdatp&q=/alerts"
        );
        assert_eq!(
            read_app_location("?graph-synthetic=1000").graph_synthetic,
            Some(1000)
        );
        assert_eq!(
            read_app_location("?graph-synthetic=99999999").graph_synthetic,
            Some(MAX_SYNTHETIC_NODES)
        );
        assert_eq!(
            read_app_location("?graph-synthetic=lots").graph_synthetic,
            None
        );
    }
}
