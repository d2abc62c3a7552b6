//! Reading response bodies (`body::Page`): what the fast reading takes, what it leaves to serde_json,
//! and that both agree on every demo answer and on generated bodies (the fuzz targets' oracle).
use atp_core::body::*;
use atp_core::model::Alert;

fn read(body: &str, success: bool) -> Page {
    Page::read(body.to_string(), success)
}

#[test]
fn a_collection_gives_its_items_count_and_next_page() {
    let page = read(
        r#"{"@odata.count": 1200, "@odata.nextLink": "https://x/alerts?$skip=20", "value": [{"id": "a"}, {"id": "b", "title": "T"}]}"#,
        true,
    );
    assert!(page.collection && page.syntax.is_ok());
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].text(), r#"{"id": "b", "title": "T"}"#);
    let alert: Alert = page.items[1].decode().unwrap();
    assert_eq!(
        (alert.id.as_str(), alert.title.as_deref()),
        ("b", Some("T"))
    );
    assert_eq!(page.count, Some(1200));
    assert_eq!(page.next_link.as_deref(), Some("https://x/alerts?$skip=20"));
    let as_text = read(r#"{"@odata.count": "7", "value": []}"#, true);
    assert_eq!(as_text.count, Some(7), "a count sent as a numeric string");
    let one = read(
        " \n{\"id\": \"zinc\", \"linkToReport\": \"link-to-pdf\"}\n",
        true,
    );
    assert!(!one.collection);
    assert_eq!(one.items.len(), 1);
    assert_eq!(
        one.items[0].text(),
        "{\"id\": \"zinc\", \"linkToReport\": \"link-to-pdf\"}"
    );
    let error = read(
        r#"{"error": {"code": "ResourceNotFound", "message": "no"}}"#,
        false,
    );
    assert!(error.items.is_empty() && error.syntax.is_ok());
}

#[test]
fn shapes_the_fast_reading_does_not_take_still_read() {
    // A key twice: the last wins, as in a browser's JSON.parse.
    let duplicates = read(r#"{"id": "first", "id": "second"}"#, true);
    assert_eq!(duplicates.items[0].value().unwrap()["id"], "second");
    let twice = read(r#"{"value": [{"id": "a"}], "value": [{"id": "b"}]}"#, true);
    assert_eq!(twice.items.len(), 1);
    assert_eq!(twice.items[0].value().unwrap()["id"], "b");
    // An entity whose own field is called `value` is one entity, not a collection.
    let entity = read(r#"{"id": "x", "value": "not a list"}"#, true);
    assert!(!entity.collection);
    assert_eq!(entity.items[0].value().unwrap()["value"], "not a list");
    // JSON that is not an object has no entities.
    let list = read("[1, 2]", true);
    assert!(list.syntax.is_ok() && list.items.is_empty());
}

#[test]
fn hostile_bodies_end_in_a_reason() {
    let truncated = read("{\"value\": [{\"id\": \"a\"},\n {\"id\": \"b", true);
    let Err(reason) = truncated.syntax else {
        panic!("truncated JSON is not JSON")
    };
    assert_eq!((reason.line, reason.column > 0), (2, true), "{reason:?}");
    assert!(truncated.items.is_empty());
    assert!(read("<html>Service Unavailable</html>", true)
        .syntax
        .is_err());
    assert!(read("", true).syntax.unwrap_err().message.contains("empty"));
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert!(read(&deep, true)
        .syntax
        .unwrap_err()
        .message
        .contains("recursion limit"));
    assert!(tree(&deep).unwrap_err().message.contains("recursion limit"));
    let deep_item = format!(
        "{{\"value\": [{{\"id\": {}{}}}]}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    // Nesting deeper than serde_json builds is still one item, as serde_json skips it; only decoding it
    // fails.
    let page = read(&deep_item, true);
    assert_eq!(page.items.len(), 1);
    atp_core::fuzz::same_reading(&deep_item, true, &page);
    for item in &page.items {
        assert!(item.value().is_err() && item.decode::<Alert>().is_err());
    }
    let huge_number = r#"{"value": [{"n": 1e400}]}"#;
    let page = read(huge_number, true);
    assert_eq!(page.items.len(), 1);
    assert!(
        page.items.iter().all(|item| item.value().is_err()) && tree(huge_number).is_err(),
        "a number beyond f64 is refused, not turned into infinity"
    );
    let big = format!("{{\"value\": [\"{}\"]}}", "x".repeat(MAX_JSON_BYTES));
    let page = read(&big, true);
    assert!(page.syntax.unwrap_err().message.contains("too large"));
    assert!(page.items.is_empty());
    assert!(tree(&big).unwrap_err().message.contains("too large"));
}

#[test]
fn the_demo_tenants_answers_read_as_serde_json_reads_them() {
    use atp_core::demo::Variant;
    use atp_core::Profile;
    for variant in [Variant::Normal, Variant::Hostile] {
        let tenant = atp_core::fuzz::demo_tenant(variant);
        for url in [
            "/alerts?$top=100",
            "/machines",
            "/alerts/none",
            "/alerts?$top=2&$expand=machine",
        ] {
            let answer = tenant.respond("GET", url, Profile::Wdatp);
            let page = read(&answer.body, answer.status < 400);
            assert!(page.syntax.is_ok(), "{url}");
            atp_core::fuzz::same_reading(&answer.body, answer.status < 400, &page);
        }
    }
}

mod same_as_serde_json {
    //! The one pass against serde_json on made-up bodies: JSON of every kind (escapes, control
    //! characters, numbers of every form and size, deep and empty containers, the page's members
    //! missing, twice, escaped or of another type), then often broken (cut, a byte dropped or
    //! added). `fuzz::same_reading` holds the syntax to serde_json's and the page to its reading.
    use super::*;
    use proptest::prelude::*;

    fn space() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", "", "", "", " ", "\n", "\t", "\r\n  "])
    }

    fn string() -> impl Strategy<Value = String> {
        let part = prop_oneof![
            150 => "[a-zA-Z0-9 .:/_-]{0,24}",
            50 => prop::sample::select(vec![
                "\\n", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\t", "\\u00e9", "\\u00E9",
                "\\uD83D\\uDE00", "é", "日本", "\u{7f}", "'",
            ])
            .prop_map(str::to_string),
            2 => prop::sample::select(vec![
                "\\uD800", "\\uDC00x", "\\u12", "\\x", "\\", "\t", "\n", "\u{1}", "\u{1f}",
            ])
            .prop_map(str::to_string),
        ];
        prop::collection::vec(part, 0..5).prop_map(|parts| format!("\"{}\"", parts.concat()))
    }

    fn number() -> impl Strategy<Value = String> {
        prop_oneof![
            50 => "-?(0|[1-9][0-9]{0,3})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?",
            2 => prop::sample::select(vec!["1e400", "-1E-400", "18446744073709551616"])
                .prop_map(str::to_string),
            1 => prop::sample::select(vec!["-0", "00", "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x1"])
                .prop_map(str::to_string),
        ]
    }

    fn value() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            50 => prop::sample::select(vec!["null", "true", "false"]).prop_map(str::to_string),
            1 => prop::sample::select(vec!["nul", "tru", "NaN", "True"]).prop_map(str::to_string),
            50 => number(),
            100 => string(),
        ];
        leaf.prop_recursive(5, 48, 5, |inner| {
            prop_oneof![
                1 => list(inner.clone()),
                2 => prop::collection::vec((string(), space(), inner), 0..5).prop_map(|members| {
                    let members: Vec<String> = members
                        .into_iter()
                        .map(|(k, s, v)| format!("{s}{k}{s}:{s}{v}"))
                        .collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        })
    }

    fn list(item: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
        prop::collection::vec((space(), item, space()), 0..6).prop_map(|items| {
            let items: Vec<String> = items
                .into_iter()
                .map(|(a, v, b)| format!("{a}{v}{b}"))
                .collect();
            format!("[{}]", items.join(","))
        })
    }

    /// A response: an object of the page's members (and others) in any order, or another value.
    fn body() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            3 => prop::sample::select(vec![
                "\"value\"", "\"@odata.count\"", "\"@odata.nextLink\"", "\"@odata.context\"",
                "\"valu\\u0065\"", "\"@odata.count\\u0000\"", "\"\\uD800\"", "\"id\"",
            ])
            .prop_map(str::to_string),
            1 => string(),
        ];
        let member = prop_oneof![
            4 => list(value()).prop_map(|list| ("\"value\"".to_string(), list)),
            1 => prop::sample::select(vec!["7", "\"7\"", "\" 12 \"", "-1", "1.5", "null", "[]"])
                .prop_map(|v| ("\"@odata.count\"".to_string(), v.to_string())),
            1 => prop_oneof![Just("null".to_string()), string(), number()]
                .prop_map(|v| ("\"@odata.nextLink\"".to_string(), v)),
            3 => (key, value()),
        ];
        let object = prop::collection::vec((member, space(), space()), 0..4).prop_map(|members| {
            let members: Vec<String> = members
                .into_iter()
                .map(|((k, v), s, t)| format!("{s}{k}{t}:{s}{v}{t}"))
                .collect();
            format!("{{{}}}", members.join(","))
        });
        (space(), prop_oneof![6 => object, 1 => value()], space())
            .prop_map(|(a, v, b)| format!("{a}{v}{b}"))
    }

    /// The body, maybe broken: cut, a byte dropped, or a character added.
    fn broken() -> impl Strategy<Value = String> {
        let noise = prop::sample::select(vec![
            '{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', 'e', '-', '.', 'n', 'u', 'l',
            '\u{1}', 'é', 'x', '\u{a0}',
        ]);
        (body(), 0..4u8, any::<prop::sample::Index>(), noise).prop_map(|(mut text, how, at, c)| {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match how {
                1 => text.truncate(at),
                2 if at < text.len() => {
                    text.remove(at);
                }
                3 => text.insert(at, c),
                _ => {}
            }
            text
        })
    }

    /// Strings are scanned eight bytes at a time, then byte by byte near the end: a quote, a
    /// backslash or a control character at every place of strings of every length, before an end of
    /// the body at every distance.
    #[test]
    fn every_byte_of_a_string_is_checked() {
        for len in 0..20 {
            for at in 0..len {
                for c in [
                    "\u{1}", "\u{1f}", "\t", "\"", "\\", "\\n", "\u{7f}", " ", "é",
                ] {
                    for end in ["", "]}", "], \"id\": 1}"] {
                        let mut text = "a".repeat(len);
                        text.replace_range(at..at + 1, c);
                        let body = format!("{{\"value\": [\"{text}\"{end}");
                        for success in [true, false] {
                            atp_core::fuzz::same_reading(&body, success, &read(&body, success));
                        }
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        #[test]
        fn responses(text in body(), success in any::<bool>()) {
            let page = read(&text, success);
            atp_core::fuzz::same_reading(&text, success, &page);
        }

        #[test]
        fn broken_responses(text in broken(), success in any::<bool>()) {
            let page = read(&text, success);
            atp_core::fuzz::same_reading(&text, success, &page);
        }
    }
}
