use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::catalogue::{Api, QueryOption, Region};
use crate::exchange::Answer;

fn alerts() -> Request {
    Request::Query(Query::source_example())
}

fn hunt(kql: &str) -> Request {
    Request::Hunt(HuntLink {
        query: kql.to_string(),
        timespan: "P7D".to_string(),
        api: HuntingApi::Graph,
        profile: Profile::Graph,
    })
}

fn entry(id: u64, at_ms: i64, request: Request) -> Entry {
    Entry {
        id,
        at_ms,
        request,
        status: Status::Http(200),
        count: Some(20),
        live: false,
    }
}

fn exchange(outcome: Result<Answer, RequestError>) -> Exchange {
    Exchange {
        url: "https://graph.microsoft.com/testwdatp/alerts".to_string(),
        elapsed_ms: 1.0,
        outcome,
        retries: 0,
    }
}

#[test]
fn the_history_keeps_the_newest_500_newest_first() {
    let mut history = History::default();
    let mut dropped = Vec::new();
    for i in 0..(HISTORY_LIMIT as u64 + 3) {
        let id = history.next_id(1_000 + i as i64);
        dropped.extend(history.push(entry(id, 1_000 + i as i64, alerts())));
    }
    assert_eq!(history.len(), HISTORY_LIMIT);
    assert_eq!(dropped.len(), 3);
    assert_eq!(history.newest().map(|e| e.at_ms), Some(1_502));
    assert_eq!(history.entries().last().map(|e| e.at_ms), Some(1_003));
    // Ids only grow, even when the clock goes back.
    let id = history.next_id(0);
    assert!(history.entries().iter().all(|e| e.id < id));

    // Read back from a store in any order, with a duplicate and one too many.
    let mut records: Vec<Entry> = history.entries().to_vec();
    records.reverse();
    records.push(records[0].clone());
    records.push(entry(1, 5, alerts()));
    let (read, extra) = History::from_entries(records);
    assert_eq!(read, history);
    assert_eq!(extra, vec![1]);
    assert_eq!(history.clone().clear(), HISTORY_LIMIT);
}

#[test]
fn search_finds_every_word_in_the_request_in_any_case() {
    let mut history = History::default();
    history.push(entry(1, 1, alerts()));
    history.push(entry(
        2,
        2,
        hunt("DeviceProcessEvents | where FileName =~ 'powershell.exe'"),
    ));
    let found = |needle: &str| history.search(needle).map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(found(""), vec![2, 1]);
    assert_eq!(found("  "), vec![2, 1]);
    assert_eq!(found("$EXPAND"), vec![1]);
    assert_eq!(found("powershell deviceprocess"), vec![2]);
    assert_eq!(found("runHuntingQuery"), vec![2]);
    assert_eq!(found("powershell alerts"), Vec::<u64>::new());
}

#[test]
fn the_status_is_the_http_one_or_the_kind_of_failure() {
    let answer = |status| {
        exchange(Ok(Answer {
            status,
            headers: Vec::new(),
            body: Arc::new("{\"secret\":\"never kept\"}".to_string()),
        }))
    };
    assert_eq!(Status::of(&answer(200)), Status::Http(200));
    assert!(Status::of(&answer(200)).ok());
    assert!(!Status::of(&answer(404)).ok());
    let network = exchange(Err(RequestError::Network {
        host: "h".into(),
        detail: "d".into(),
    }));
    assert_eq!(Status::of(&network), Status::Failed(Failure::Network));
    assert_eq!(Status::of(&network).label(), "network error");
    let timeout = exchange(Err(RequestError::Timeout { host: "h".into() }));
    assert_eq!(Status::of(&timeout).label(), "timed out");
    let sign_in = exchange(Err(RequestError::SignInNeeded { reason: "r".into() }));
    assert_eq!(Status::of(&sign_in), Status::Failed(Failure::SignInNeeded));

    // A stored entry holds the request and what came of it, nothing of the answer.
    let mut e = entry(7, 1_765_000_000_000, alerts());
    e.status = Status::of(&answer(200));
    let json = e.to_json();
    assert!(!json.contains("secret"), "{json}");
    assert!(!json.contains("https://"), "{json}");
    assert_eq!(Entry::from_json(&json), Ok(e.clone()));
    assert_eq!(e.count_label().as_deref(), Some("20 items"));
    let mut h = entry(8, 1, hunt("T | take 1"));
    h.count = Some(1);
    h.status = Status::Failed(Failure::Timeout);
    assert_eq!(h.count_label().as_deref(), Some("1 row"));
    assert_eq!(Entry::from_json(&h.to_json()), Ok(h));
    assert!(Entry::from_json("{}").is_err());
    assert!(Entry::from_json("<script>").is_err());
}

#[test]
fn a_request_runs_again_from_its_page_address() {
    let href = alerts().href(DemoData::Normal);
    assert_eq!(href, "?profile=wdatp&q=/alerts?$top=20%26$expand=machine");
    let location = crate::link::read_app_location(&href);
    assert_eq!(
        location.query.map(|q| q.map(Request::Query)),
        Some(Ok(alerts()))
    );
    let h = hunt("DeviceEvents | take 5");
    let location = crate::link::read_app_location(&h.href(DemoData::Hostile));
    assert_eq!(location.hunt.map(Request::Hunt), Some(h));
    assert_eq!(location.dataset, DemoData::Hostile);
}

#[test]
fn saved_queries_are_named_in_collections_renamed_and_deleted() {
    let mut saved = SavedQueries::default();
    let a = saved.add("  High alerts ", "Triage", alerts(), 10).unwrap();
    assert_eq!(
        (a.name.as_str(), a.collection.as_str()),
        ("High alerts", "Triage")
    );
    let b = saved.add("Processes", "", hunt("T"), 11).unwrap();
    assert_eq!(b.collection, DEFAULT_COLLECTION);
    let c = saved.add("Another", "Triage", hunt("U"), 12).unwrap();
    assert_eq!(
        saved.add("High alerts", "Triage", hunt("V"), 13),
        Err(SaveError::Taken {
            name: "High alerts".into(),
            collection: "Triage".into()
        })
    );
    assert_eq!(
        saved.add(" ", "Triage", hunt("V"), 13),
        Err(SaveError::EmptyName)
    );
    assert_eq!(
        saved.add(&"x".repeat(NAME_LIMIT + 1), "", hunt("V"), 13),
        Err(SaveError::TooLong { field: "name" })
    );
    let grouped: Vec<(&str, Vec<&str>)> = saved
        .collections()
        .into_iter()
        .map(|(c, items)| (c, items.iter().map(|s| s.name.as_str()).collect()))
        .collect();
    assert_eq!(
        grouped,
        vec![
            ("My queries", vec!["Processes"]),
            ("Triage", vec!["Another", "High alerts"]),
        ]
    );
    assert_eq!(
        saved.rename(c.id, "High alerts"),
        Err(SaveError::Taken {
            name: "High alerts".into(),
            collection: "Triage".into()
        })
    );
    assert_eq!(
        saved.rename(c.id, "Zeta").map(|s| s.name),
        Ok("Zeta".into())
    );
    assert_eq!(saved.rename(99, "x"), Err(SaveError::NotFound));
    assert_eq!(
        saved.remove(a.id).map(|s| s.name),
        Some("High alerts".into())
    );
    assert_eq!(saved.remove(a.id), None);
    assert_eq!(saved.collection_names(), vec!["My queries", "Triage"]);
    let stored = saved.items()[1].to_json();
    assert_eq!(Saved::from_json(&stored).as_ref(), Ok(&saved.items()[1]));
}

#[test]
fn an_import_adds_what_is_new_once_and_numbers_a_taken_name() {
    let mut mine = SavedQueries::default();
    mine.add("High alerts", "Triage", alerts(), 10).unwrap();
    mine.add("Processes", "Triage", hunt("T"), 11).unwrap();
    let file = mine.export(1_765_000_000_000);
    assert!(
        file.contains("\"format\": \"atp-explorer/saved-queries\""),
        "{file}"
    );

    // Into the same list: everything is there already.
    let again = mine.import(&file, 0).unwrap();
    assert_eq!(
        (again.added.len(), again.already_saved, again.renamed),
        (0, 2, 0)
    );
    assert_eq!(
        again.summary(),
        "Imported 0 saved queries (2 already saved)."
    );

    // Into a list where one name holds another request: numbered.
    let mut theirs = SavedQueries::default();
    theirs.add("Processes", "Triage", hunt("other"), 5).unwrap();
    theirs
        .add("Processes (2)", "Triage", hunt("other 2"), 5)
        .unwrap();
    let import = theirs.import(&file, 0).unwrap();
    let names: Vec<&str> = import.added.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["High alerts", "Processes (3)"]);
    assert_eq!(
        import.summary(),
        "Imported 2 saved queries (1 renamed: its name was taken)."
    );
    let before = theirs.clone();
    theirs.apply(&import);
    assert_eq!(theirs.len(), before.len() + 2);
    let ids: std::collections::HashSet<u64> = theirs.items().iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), theirs.len());

    // A BOM, and entries without a time, are fine.
    let bare = "\u{feff}{\"format\":\"atp-explorer/saved-queries\",\"version\":1,\"queries\":[{\"collection\":\"c\",\"name\":\"n\",\"request\":{\"kind\":\"hunt\",\"profile\":\"mde\",\"route\":\"xdr\",\"kql\":\"T\"}}]}";
    let import = SavedQueries::default().import(bare, 42).unwrap();
    assert_eq!(import.added[0].saved_ms, 42);
    assert_eq!(
        import.added[0].request.target(),
        HuntingApi::Xdr.route().label
    );
}

#[test]
fn a_bad_file_is_refused_whole_saying_what_is_wrong() {
    let mine = SavedQueries::default();
    let refused = |text: &str| match mine.import(text, 0) {
        Err(ImportError(message)) => message,
        Ok(import) => panic!("imported {import:?} from {text}"),
    };
    let head = "{\"format\":\"atp-explorer/saved-queries\",\"version\":1,\"queries\":[";
    let good = "{\"collection\":\"c\",\"name\":\"ok\",\"request\":{\"kind\":\"query\",\"profile\":\"wdatp\",\"path\":\"/alerts\"}}";
    let with = |bad: &str| format!("{head}{good},{bad}]}}");
    let cases = [
        ("{\"format\":", "The file is not JSON (line 1, column 10)"),
        ("[1, 2]", "not an export of ATP Explorer's saved queries"),
        ("{\"format\":\"other\"}", "not an export of ATP Explorer's saved queries"),
        (
            "{\"format\":\"atp-explorer/saved-queries\",\"version\":2,\"queries\":[]}",
            "version 2 of the saved-queries format; this app reads version 1",
        ),
        (
            "{\"format\":\"atp-explorer/saved-queries\",\"queries\":[]}",
            "no \"version\"",
        ),
        (
            "{\"format\":\"atp-explorer/saved-queries\",\"version\":1,\"queries\":{}}",
            "no \"queries\" list",
        ),
        (
            &with("{\"collection\":\"c\",\"request\":{\"kind\":\"query\",\"profile\":\"wdatp\",\"path\":\"/alerts\"}}"),
            "Saved query 2: missing field `name`",
        ),
        (
            &with("{\"collection\":\"c\",\"name\":\"<b>x</b>\",\"request\":{\"kind\":\"query\",\"profile\":\"moon\",\"path\":\"/alerts\"}}"),
            "Saved query 2 (\u{201c}<b>x</b>\u{201d}): \"profile\" is \"moon\"",
        ),
        (
            &with("{\"collection\":\"c\",\"name\":\"n\",\"request\":{\"kind\":\"query\",\"profile\":\"wdatp\",\"path\":\"/nowhere\"}}"),
            "Saved query 2 (\u{201c}n\u{201d}): \"path\" \"/nowhere\" is not a query",
        ),
        (
            &with("{\"collection\":\"c\",\"name\":\"n\",\"request\":{\"kind\":\"query\",\"profile\":\"wdatp\",\"path\":\"https://evil.example/alerts\"}}"),
            "\"path\" must start with /",
        ),
        (
            &with("{\"collection\":\"c\",\"name\":\"n\",\"request\":{\"kind\":\"hunt\",\"profile\":\"graph\",\"route\":\"mde\",\"kql\":\"T\"}}"),
            "\"route\" \"mde\" is not a hunting route of the Microsoft Graph",
        ),
        (
            &with("{\"collection\":\"c\",\"name\":\"n\",\"request\":{\"kind\":\"hunt\",\"profile\":\"graph\",\"route\":\"graph\",\"kql\":\" \"}}"),
            "\"kql\" is empty",
        ),
        (
            &with("{\"collection\":\" \",\"name\":\"n\",\"request\":{\"kind\":\"hunt\",\"profile\":\"graph\",\"route\":\"graph\",\"kql\":\"T\"}}"),
            "\"collection\" is empty",
        ),
        (
            &with("{\"collection\":\"c\",\"name\":\"n\",\"saved\":\"yesterday\",\"request\":{\"kind\":\"hunt\",\"profile\":\"graph\",\"route\":\"graph\",\"kql\":\"T\"}}"),
            "\"saved\" \"yesterday\" is not a time",
        ),
        (
            &with("{\"collection\":\"c\",\"name\":\"n\",\"request\":{\"kind\":\"mail\",\"profile\":\"mde\"}}"),
            "Saved query 2 (\u{201c}n\u{201d}): \"kind\" is \"mail\", not \"query\" or \"hunt\"",
        ),
    ];
    for (text, expected) in cases {
        let message = refused(text);
        assert!(
            message.contains(expected),
            "{message:?} should say {expected:?}"
        );
    }
    assert!(refused(&" ".repeat(IMPORT_LIMIT + 1)).contains("is at most"));

    // Over the limit: refused, not cut.
    let mut full = SavedQueries::default();
    for i in 0..SAVED_LIMIT - 1 {
        full.add(&format!("q{i}"), "c", alerts(), 0).unwrap();
    }
    let two = format!("{head}{good},{}]}}", good.replace("\"ok\"", "\"ok 2\""));
    let message = match full.import(&two, 0) {
        Err(ImportError(message)) => message,
        Ok(_) => panic!("imported over the limit"),
    };
    assert!(message.contains("over 1000"), "{message}");
    assert_eq!(
        full.add("last", "c", alerts(), 0).map(|s| s.name),
        Ok("last".into())
    );
    assert_eq!(full.add("more", "c", alerts(), 0), Err(SaveError::Full));
}

fn any_profile() -> impl Strategy<Value = Profile> {
    prop_oneof![
        Just(Profile::Wdatp),
        Just(Profile::Graph),
        proptest::sample::select(Region::ALL.to_vec()).prop_map(Profile::Defender),
    ]
}

fn any_query() -> impl Strategy<Value = Query> {
    crate::query::tests::any_query_of(any_profile(), 4)
}

fn any_hunt() -> impl Strategy<Value = HuntLink> {
    (
        any_profile(),
        any::<bool>(),
        "\\PC*[^\\s]\\PC*",
        any::<String>(),
    )
        .prop_map(|(profile, other, query, timespan)| {
            let routes = hunting_routes(profile);
            let api = routes[usize::from(other) % routes.len()].which;
            HuntLink {
                query,
                timespan,
                api,
                profile,
            }
        })
}

fn any_request() -> impl Strategy<Value = Request> {
    prop_oneof![
        any_query().prop_map(Request::Query),
        any_hunt().prop_map(Request::Hunt),
    ]
}

fn any_saved() -> impl Strategy<Value = SavedQueries> {
    proptest::collection::vec(
        (
            any::<String>(),
            any::<String>(),
            any_request(),
            0i64..4_102_444_800_000,
        ),
        0..12,
    )
    .prop_map(|items| {
        let mut saved = SavedQueries::default();
        for (name, collection, request, at_ms) in items {
            let _ = saved.add(&name, &collection, request, at_ms);
        }
        saved
    })
}

/// What an import keeps of a saved query: all but its id.
fn content(saved: &SavedQueries) -> Vec<(String, String, i64, Request)> {
    saved
        .items()
        .iter()
        .map(|s| {
            (
                s.collection.clone(),
                s.name.clone(),
                s.saved_ms,
                s.request.clone(),
            )
        })
        .collect()
}

proptest! {
    #[test]
    fn export_then_import_gives_back_the_same_saved_queries(saved in any_saved()) {
        let file = saved.export(1_765_000_000_000);
        let import = SavedQueries::default().import(&file, 0);
        prop_assert!(import.is_ok(), "{:?}\n{}", import, file);
        let import = import.unwrap_or_default();
        prop_assert_eq!(import.already_saved + import.renamed, 0);
        let mut back = SavedQueries::default();
        back.apply(&import);
        prop_assert_eq!(content(&back), content(&saved));
        // Imported again, nothing is added twice.
        let twice = back.import(&file, 0).unwrap_or_default();
        prop_assert_eq!((twice.added.len(), twice.already_saved), (0, saved.len()));
        for item in saved.items() {
            prop_assert_eq!(Saved::from_json(&item.to_json()), Ok(item.clone()));
        }
    }

    #[test]
    fn any_entry_is_stored_and_read_back(
        request in any_request(),
        id in any::<u64>(),
        at_ms in any::<i64>(),
        status in prop_oneof![any::<u16>().prop_map(Status::Http), proptest::sample::select(Failure::ALL.to_vec()).prop_map(Status::Failed)],
        count in any::<Option<u64>>(),
        live in any::<bool>(),
    ) {
        let e = Entry { id, at_ms, request, status, count, live };
        prop_assert_eq!(Entry::from_json(&e.to_json()), Ok(e));
    }

    #[test]
    fn importing_any_text_never_panics(text in any::<String>(), field in any::<String>()) {
        let _ = SavedQueries::default().import(&text, 0);
        let doc = serde_json::json!({
            "format": EXPORT_FORMAT, "version": 1,
            "queries": [{"collection": field, "name": text, "request": {"kind": "query", "profile": "wdatp", "path": field}}]
        });
        let _ = SavedQueries::default().import(&doc.to_string(), 0);
        let _ = Entry::from_json(&text);
        let _ = Saved::from_json(&text);
    }
}

#[test]
fn a_route_of_every_api_is_kept() {
    for api in [Api::Wdatp, Api::Defender, Api::Graph] {
        let route = api.routes().next().unwrap();
        let profile = match api {
            Api::Wdatp => Profile::Wdatp,
            Api::Defender => Profile::Defender(Region::Global),
            Api::Graph => Profile::Graph,
        };
        let request = Request::Query(Query::new(profile, route));
        let e = entry(1, 1, request.clone());
        assert_eq!(
            Entry::from_json(&e.to_json()).map(|e| e.request),
            Ok(request)
        );
    }
}

#[test]
fn a_graph_incident_with_its_alerts_is_the_request_its_address_reads_back() {
    let route = Api::Graph.route("incidents.alerts").unwrap();
    let mut query = Query::new(Profile::Graph, route);
    query.set_param("id", "42");
    query.set_option(QueryOption::Expand, "alerts");
    let request = Request::Query(query);
    let e = entry(1, 1, request.clone());
    let back = Entry::from_json(&e.to_json()).unwrap();
    assert_eq!(back.request, request);
    let mut history = History::default();
    history.push(back);
    assert_eq!(history.newest().map(|n| &n.request), Some(&request));
}
