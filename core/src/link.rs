//! The app's own URL: which query is shown, so a link, a reload or Back brings the same view.
//!
//! The state lives in the query string of the page's own address (`…/?profile=wdatp&q=/alerts?$top=20`),
//! never in its path: a static host answers the page's directory with `index.html` at any sub-path, with
//! no rewrite rules and no 404 page, and a relative `?…` link works wherever the app is deployed.

use percent_encoding::{percent_decode_str, utf8_percent_encode};

use crate::catalogue::{Profile, Region};
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

/// The profile's key in the app URL: `wdatp`, `mde` (global host) or `mde-eu` and the like.
pub fn profile_key(profile: Profile) -> String {
    match profile {
        Profile::Wdatp => "wdatp".to_string(),
        Profile::Defender(Region::Global) => "mde".to_string(),
        Profile::Defender(region) => format!("mde-{}", region.key()),
    }
}

pub fn profile_from_key(key: &str) -> Option<Profile> {
    match key {
        "wdatp" => Some(Profile::Wdatp),
        "mde" => Some(Profile::Defender(Region::Global)),
        _ => key
            .strip_prefix("mde-")
            .and_then(Region::from_key)
            .map(Profile::Defender),
    }
}

/// The relative link (`?profile=…&q=…`) that shows `query`, keeping the dataset.
pub fn app_href(query: &Query, dataset: DemoData) -> String {
    let mut href = format!(
        "?profile={}&q={}",
        profile_key(query.profile),
        utf8_percent_encode(&query.path(), OPTION_VALUE)
    );
    if let Some(key) = dataset.key() {
        href.push_str("&dataset=");
        href.push_str(key);
    }
    href
}

/// [`app_href`], carrying the investigation graph too (nothing is added for an empty recipe).
pub fn app_href_with_graph(query: &Query, dataset: DemoData, graph: Option<&GraphLink>) -> String {
    with_graph(&app_href(query, dataset), graph)
}

/// An app address with `graph` added, unless it already names a graph: following a pivot or running a
/// query keeps the investigation.
pub fn with_graph(href: &str, graph: Option<&GraphLink>) -> String {
    let mut out = href.to_string();
    let Some(graph) = graph.filter(|g| !g.recipe.is_empty()) else {
        return out;
    };
    if read_app_location(href).graph.is_some() {
        return out;
    }
    let profile = href
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("profile="))
        .and_then(profile_from_key)
        .unwrap_or(Profile::Wdatp);
    out.push_str(if !out.contains('?') {
        "?g="
    } else if out.ends_with('?') || out.ends_with('&') {
        "g="
    } else {
        "&g="
    });
    out.extend(utf8_percent_encode(&graph.recipe, OPTION_VALUE));
    if graph.profile != profile {
        out.push_str("&gprofile=");
        out.push_str(&profile_key(graph.profile));
    }
    out
}

/// Reads the page's `location.search`; never fails, and keeps an unreadable query's text.
pub fn read_app_location(search: &str) -> AppLocation {
    let mut profile = Profile::Wdatp;
    let mut q = None;
    let mut dataset = DemoData::Normal;
    let mut recipe = None;
    let mut graph_profile = None;
    let mut graph_synthetic = None;
    // A hostile or mistyped address can be huge; nothing useful is that long.
    let mut end = search.len().min(16 * 1024);
    while !search.is_char_boundary(end) {
        end -= 1;
    }
    let search = &search[..end];
    for pair in search.trim_start_matches('?').split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode_str(value).decode_utf8_lossy().into_owned();
        match name {
            "profile" => profile = profile_from_key(&value).unwrap_or(profile),
            "q" => q = Some(value),
            "dataset" if value == "hostile" => dataset = DemoData::Hostile,
            "dataset" if value == "large" => dataset = DemoData::Large,
            "g" => recipe = Some(value),
            "gprofile" => graph_profile = profile_from_key(&value),
            "graph-synthetic" => {
                graph_synthetic = value
                    .parse::<usize>()
                    .ok()
                    .map(|n| n.min(MAX_SYNTHETIC_NODES))
            }
            _ => {}
        }
    }
    AppLocation {
        graph: recipe.filter(|r| !r.is_empty()).map(|recipe| GraphLink {
            profile: graph_profile.unwrap_or(profile),
            recipe,
        }),
        graph_synthetic,
        query: q
            .map(|text| Query::parse(&text, profile).map_err(|error| LinkProblem { text, error })),
        dataset,
    }
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
    let mut href = "?api=live".to_string();
    for (key, value) in [
        ("authority", settings.authority),
        ("tenant", settings.tenant),
        ("client_id", settings.client_id),
        ("base", settings.api_base),
        ("scopes", settings.scopes),
    ] {
        if !value.is_empty() {
            href.push_str(&format!(
                "&{key}={}",
                utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
            ));
        }
    }
    href
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Api;

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
            "?api=live&authority=http%3A%2F%2F127%2E0%2E0%2E1%3A9%2Ft%2Fv2%2E0&client_id=c%2D1&scopes=api%3A%2F%2Fx%2F%2Edefault%20offline%5Faccess"
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
