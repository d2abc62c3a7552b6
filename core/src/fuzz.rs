//! Entry points of the fuzz targets (`fuzz/`, run with `cargo xtask fuzz <target> <seconds>`).
//!
//! Each takes the fuzzer's raw bytes and drives one untrusted-input path the way the app does; a panic
//! here is a bug. They live in the core, not in the fuzz crate, so that `tests/fuzz_regressions.rs` feeds
//! every input the fuzzer ever crashed on to exactly the same code in the normal test run.

use std::sync::OnceLock;

use chrono::{TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::body::{Page, RawItem};
use crate::catalogue::{Profile, Region, ROUTES};
use crate::demo::{DemoConfig, DemoTenant, Variant};
use crate::model::{
    context_kind, Actor, Alert, ApiError, Collection, Domain, File, Ip, Machine, Stats, User,
};
use crate::odata::{compile_orderby, order_cmp, parse_filter, Filter, Record};
use crate::query::Query;

/// The profiles a pasted URL is read against: one of each API.
const PROFILES: [Profile; 2] = [Profile::Wdatp, Profile::Defender(Region::Eu)];

/// Alerts in the fuzz tenants: small enough that a request with `$top=10000&$expand=…` stays fast.
pub const TENANT_SCALE: usize = 120;

/// A small demo tenant of `variant`, generated once per process.
pub fn demo_tenant(variant: Variant) -> &'static DemoTenant {
    static NORMAL: OnceLock<DemoTenant> = OnceLock::new();
    static HOSTILE: OnceLock<DemoTenant> = OnceLock::new();
    let cell = match variant {
        Variant::Normal => &NORMAL,
        Variant::Hostile => &HOSTILE,
    };
    cell.get_or_init(|| {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
            .single()
            .unwrap_or_default();
        DemoTenant::generate(&DemoConfig {
            scale: TENANT_SCALE,
            variant,
            ..DemoConfig::new(now)
        })
    })
}

/// `request_url`: a pasted Request URL (UTF-8 text) read into a query for each API, validated, and, when it
/// reads, written back: the URL and the path of the query read back give the same query.
pub fn request_url(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for current in PROFILES {
        let Ok(query) = Query::parse(text, current) else {
            continue;
        };
        let _ = query.validate();
        let url = query.url();
        let other = PROFILES
            .into_iter()
            .find(|p| p.api() != query.profile.api())
            .unwrap_or(current);
        assert_eq!(
            Query::parse(&url, other).as_ref(),
            Ok(&query),
            "{text:?} → {url:?} does not read back"
        );
        let path = query.path();
        assert_eq!(
            Query::parse(&path, query.profile).as_ref(),
            Ok(&query),
            "{text:?} → {path:?} does not read back"
        );
        // The form switches routes and profiles with what was typed.
        for route in ROUTES.iter().filter(|r| r.api == query.profile.api()) {
            let _ = query.with_route(route).url();
        }
        for profile in Profile::all() {
            let _ = query.with_profile(profile).validate();
        }
    }
}

/// `filter`: a `$filter` expression (UTF-8 text) parsed, compiled for alerts and machines and evaluated on
/// the demo tenant's records; the same text as an `$orderby` sorts them.
pub fn filter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_filter(text).map_err(|e| e.to_string());
    let dataset = &demo_tenant(Variant::Hostile).dataset;
    let alerts = filter_records(text, "alerts", &dataset.alerts);
    filter_records(text, "machines", &dataset.machines);
    // The engine reads alerts through their compact rows: it must select and order exactly as the alerts.
    let views: Vec<_> = (0..dataset.alerts.len())
        .map(|i| dataset.alert_view(i))
        .collect();
    assert_eq!(
        filter_records(text, "alerts", &views),
        alerts,
        "{text:?}: the demo engine's rows disagree with the alerts"
    );
}

/// The positions of the records `text` selects as a `$filter`, and their order under it as an `$orderby`.
fn filter_records<R: Record>(
    text: &str,
    entity: &str,
    records: &[R],
) -> (Option<Vec<usize>>, Option<Vec<usize>>) {
    let selected = Filter::compile::<R>(text, entity).ok().map(|filter| {
        (0..records.len())
            .filter(|&i| filter.matches(&records[i]))
            .collect()
    });
    let ordered = compile_orderby::<R>(text, entity).ok().map(|keys| {
        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by(|&a, &b| order_cmp(&keys, &records[a], &records[b]));
        order
    });
    (selected, ordered)
}

/// `response`: a response body as the app reads it. The first byte says whether the status was a
/// success (lowest bit); the rest is the body, decoded as UTF-8 the way the browser does (lossy). Every
/// entity becomes each typed model, and what decodes is written back.
pub fn response(data: &[u8]) {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let body = String::from_utf8_lossy(body);
    let page = Page::read(body.to_string(), flags & 1 == 1);
    same_reading(&body, flags & 1 == 1, &page);
    if let Err(reason) = &page.syntax {
        let _ = reason.message.len();
    }
    let _ = serde_json::from_str::<ApiError>(&body);
    // The JSON tab's tree agrees with the reading: a body that reads as JSON is a tree, unless an
    // entity inside it is one a browser would read differently (a number beyond f64).
    let tree = crate::body::tree(&body);
    if tree.is_ok() {
        assert!(
            page.syntax.is_ok(),
            "a tree, but the reading said {:?}",
            page.syntax
        );
    }
    if let Ok(json) = &tree {
        let _ = Collection::<Value>::deserialize(json);
        if let Some(context) = json.get("@odata.context").and_then(Value::as_str) {
            let _ = context_kind(context);
        }
    }
    for item in &page.items {
        let _ = item.value();
        if let Some(alert) = typed::<Alert>(item) {
            let _ = alert.machine_ref();
        }
        typed::<Machine>(item);
        typed::<User>(item);
        typed::<Domain>(item);
        typed::<Ip>(item);
        if let Some(file) = typed::<File>(item) {
            let _ = file.id();
        }
        typed::<Actor>(item);
        if let Some(stats) = typed::<Stats>(item) {
            let _ = (stats.organization(), stats.global());
        }
    }
}

/// The one pass of [`Page::read`] agrees with serde_json: on an object, it finds the syntax right exactly
/// when serde_json skipping the value does; and its page is the one serde_json's derive reading gives
/// ([`serde_reading`], the reading before the one pass). Panics when not.
pub fn same_reading(body: &str, success: bool, page: &Page) {
    if let Some(right) = crate::body::outline_syntax(body) {
        let skipped = serde_json::from_str::<serde::de::IgnoredAny>(body);
        assert_eq!(
            right,
            skipped.is_ok(),
            "{body:?}: the one pass and serde_json disagree on the syntax ({skipped:?})"
        );
    }
    let reference = serde_reading(body, success);
    assert_eq!(
        page, &reference,
        "{body:?}: the one pass and serde_json read it differently"
    );
}

/// The reading as serde_json's derive does it, over borrowed `RawValue`s (the reading before the one
/// pass; the general reading for the shapes the derive refuses): what [`Page::read`] must give.
pub fn serde_reading(body: &str, success: bool) -> Page {
    use serde_json::value::RawValue;

    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(rename = "@odata.count", default, borrow)]
        count: Option<&'a RawValue>,
        #[serde(rename = "@odata.nextLink", default)]
        next_link: Option<String>,
        #[serde(default, borrow)]
        value: Option<Vec<&'a RawValue>>,
    }

    let mut page = Page::checked(body);
    if page.syntax.is_err() {
        return page;
    }
    // (An envelope would also read from a JSON array, field by field: only objects take this path.)
    let object = body.trim_start().starts_with('{');
    match serde_json::from_str::<Envelope>(body)
        .ok()
        .filter(|_| object)
    {
        Some(envelope) if success => match envelope.value {
            Some(values) => {
                page.collection = true;
                page.items = values.iter().map(|v| RawItem::new(v.get())).collect();
                page.count = envelope
                    .count
                    .and_then(|c| serde_json::from_str::<Value>(c.get()).ok())
                    .as_ref()
                    .and_then(crate::body::count_of);
                page.next_link = envelope.next_link;
            }
            None => {
                page.items = vec![RawItem::new(
                    body.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')),
                )]
            }
        },
        Some(_) => {}
        None => page.read_tree(body, success),
    }
    page
}

/// Decodes `item` as the entity cards do, and writes the model back as the raw view does: what is written
/// back decodes to the same model.
fn typed<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    item: &RawItem,
) -> Option<T> {
    let model: T = item.decode().ok()?;
    let value = item.text();
    let written = serde_json::to_value(&model);
    let again = written.as_ref().map(T::deserialize);
    assert!(
        matches!(&again, Ok(Ok(m)) if *m == model),
        "{value} decodes to {model:?}, written back as {written:?}, which decodes to {again:?}"
    );
    Some(model)
}

/// `demo_engine`: a request URL (UTF-8 text) answered by the small demo tenant, as WDATP by the normal
/// tenant and as Defender by the hostile one. Every answer is JSON.
pub fn demo_engine(data: &[u8]) {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    for (variant, profile) in [
        (Variant::Normal, Profile::Wdatp),
        (Variant::Hostile, Profile::Defender(Region::Global)),
    ] {
        let answer = demo_tenant(variant).respond("GET", url, profile);
        assert!(
            serde_json::from_str::<Value>(&answer.body).is_ok(),
            "{url:?}: the answer is not JSON: {}",
            answer.body
        );
    }
}

/// `address`: the page's own address (`location.search`, UTF-8 text) as the app reads it on load. The
/// reading never fails; what was read writes back to a link that reads as the same pairs (and writes the
/// same text again); every typed part is within its cap; a query read from `q` is the one its own link
/// (`app_href`) shows, a graph recipe that reads re-encodes to itself, a hunt rides in its own link, and
/// the settings keys a link carries never change which view it opens.
pub fn address(data: &[u8]) {
    use crate::graph::Recipe;
    use crate::link::{
        app_href, app_href_with_graph, hunt_href, read_app_location, AppAddress,
        MAX_SYNTHETIC_NODES,
    };
    use crate::settings::{without_settings, LinkOffer, Settings};

    /// The link module's cap on a value it types (`q`, `g`, `hunt`, `timespan`).
    const MAX_VALUE: usize = 16 * 1024;

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let address = AppAddress::parse(text);
    let written = address.write();
    let back = AppAddress::parse(&written);
    assert!(
        back.pairs().eq(address.pairs()),
        "{text:?} → {written:?} reads as other pairs"
    );
    assert_eq!(back.write(), written, "{text:?}: writing is not stable");

    let location = address.location();
    assert_eq!(back.location(), location);
    match &location.query {
        None => assert_eq!(address.get("q"), None),
        Some(Err(problem)) => {
            let q = address.get("q").unwrap_or_default();
            assert!(
                problem.text.len() <= MAX_VALUE && q.starts_with(&problem.text),
                "{text:?}: the problem keeps {:?}, not what q said",
                problem.text
            );
        }
        Some(Ok(query)) => {
            let href = app_href(query, location.dataset);
            let again = read_app_location(&href);
            assert_eq!(
                again.query.as_ref(),
                Some(&Ok(query.clone())),
                "{text:?}: the query's own link {href:?} shows another"
            );
            assert_eq!(again.dataset, location.dataset);
            if let Some(graph) = &location.graph {
                let href = app_href_with_graph(query, location.dataset, Some(graph));
                assert_eq!(
                    read_app_location(&href).graph.as_ref(),
                    Some(graph),
                    "{text:?}: the graph does not ride along in {href:?}"
                );
            }
        }
    }
    if let Some(graph) = &location.graph {
        assert!(!graph.recipe.is_empty() && graph.recipe.len() <= MAX_VALUE);
        let api = graph.profile.api();
        if let Ok(recipe) = Recipe::parse(&graph.recipe, api) {
            assert_eq!(
                Recipe::parse(&recipe.encode(), api).as_ref(),
                Ok(&recipe),
                "{text:?}: the recipe does not re-encode to itself"
            );
        }
    }
    assert!(location
        .graph_synthetic
        .is_none_or(|n| n <= MAX_SYNTHETIC_NODES));
    if let Some(hunt) = &location.hunt {
        assert!(hunt.query.len() <= MAX_VALUE && hunt.timespan.len() <= MAX_VALUE);
        assert!(crate::catalogue::hunting_routes(hunt.profile).contains(&hunt.api.route()));
        let href = hunt_href(hunt, location.dataset);
        let again = read_app_location(&href).hunt;
        let trimmed = crate::link::HuntLink {
            timespan: hunt.timespan.trim().to_string(),
            ..hunt.clone()
        };
        assert_eq!(
            again.as_ref(),
            Some(&trimmed),
            "{text:?}: the hunt's own link {href:?} opens another"
        );
    }

    // A link's settings are offered, never applied, and choose nothing about the view.
    let rest = without_settings(&address);
    assert_eq!(
        rest.location(),
        location,
        "{text:?}: its settings keys change the view"
    );
    for current in [&Settings::default(), live_settings()] {
        if let Some(offer) = LinkOffer::read(current, &address, "https://app.example/atp/") {
            assert!(!offer.changes.is_empty());
            let _ = offer.all_known();
        }
        assert_eq!(
            LinkOffer::read(current, &rest, "https://app.example/atp/"),
            None,
            "{text:?}: settings remain once the settings keys are gone"
        );
    }
}

/// Live settings as an analyst saves them, for [`address`].
fn live_settings() -> &'static crate::settings::Settings {
    static SETTINGS: OnceLock<crate::settings::Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let mut settings = crate::settings::Settings {
            live: true,
            api_base: "https://api.securitycenter.microsoft.com/api".into(),
            ..Default::default()
        };
        settings.auth.authority = "https://login.microsoftonline.com".into();
        settings.auth.tenant = "contoso.onmicrosoft.com".into();
        settings.auth.client_id = "00000000-0000-0000-0000-000000000001".into();
        settings
    })
}

/// Alerts in the tenant [`kql`] hunts in: its tables stay small enough that any join or expansion ends
/// well inside libFuzzer's timeout.
pub const HUNTING_SCALE: usize = 12;

/// The hostile demo tenant of [`HUNTING_SCALE`] alerts, with its hunting tables, generated once.
pub fn hunting_tenant() -> &'static DemoTenant {
    static TENANT: OnceLock<DemoTenant> = OnceLock::new();
    TENANT.get_or_init(|| {
        let tenant = DemoTenant::generate(&DemoConfig {
            scale: HUNTING_SCALE,
            variant: Variant::Hostile,
            ..DemoConfig::new(hunting_now())
        });
        let _ = tenant.hunting_tables();
        tenant
    })
}

fn hunting_now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

/// `kql`: a hunting query (UTF-8 text) as the Hunting view takes it: completed at the cursor (the end and
/// the middle), parsed, its error drawn under its line, and, when it parses, run over the small hostile
/// tenant's tables for the last 30 days; an answer is written as Graph's and Defender's JSON and read back.
pub fn kql(data: &[u8]) {
    use crate::hunting::{complete, parse, run, HuntingResult, Timespan};

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = complete(text, text.len());
    let _ = complete(text, text.len() / 2);
    let query = match parse(text) {
        Ok(query) => query,
        Err(error) => {
            assert!(
                error.offset <= text.len(),
                "{text:?}: the error points past the text: {error:?}"
            );
            let _ = error.caret(text);
            let _ = error.to_string();
            return;
        }
    };
    let now = hunting_now();
    let tables = hunting_tenant().hunting_tables();
    match run(tables, &query, Timespan::last_30_days(now), now) {
        Ok(result) => {
            assert!(result.rows.iter().all(|r| r.len() == result.columns.len()));
            for json in [result.to_graph_json(), result.to_defender_json()] {
                let read = HuntingResult::read(&json.to_string());
                assert!(read.is_ok(), "{text:?}: its answer does not read: {read:?}");
            }
        }
        Err(error) => {
            let _ = error.caret(text);
        }
    }
}
