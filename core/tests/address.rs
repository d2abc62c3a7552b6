//! The page address: one reading and one writing (`link::AppAddress`), and the typed view over them.

use atp_core::link::{read_app_location, AppAddress, DemoData, GraphLink};
use atp_core::{Profile, Query, Region};
use proptest::prelude::*;

/// Text made of what breaks hand-written address code: the separators, the escape, the plus, the
/// fragment mark, spaces, non-ASCII, and ordinary letters.
fn tricky_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("+".to_string()),
            Just("%".to_string()),
            Just("%2B".to_string()),
            Just("%zz".to_string()),
            Just("&".to_string()),
            Just("=".to_string()),
            Just("#".to_string()),
            Just("?".to_string()),
            Just(" ".to_string()),
            Just("/".to_string()),
            Just("$".to_string()),
            Just("'".to_string()),
            Just("é".to_string()),
            Just("日本".to_string()),
            Just("🛡".to_string()),
            Just("\u{0}".to_string()),
            "[a-z0-9]{1,3}",
            any::<char>().prop_map(String::from),
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the keys and values, writing then reading gives them back, in order, empty ones too.
    #[test]
    fn every_address_reads_back_as_written(
        pairs in proptest::collection::vec((tricky_text(), tricky_text()), 0..6)
    ) {
        let address = AppAddress::from_pairs(pairs.clone());
        let href = address.write();
        prop_assert!(href.starts_with('?'));
        prop_assert!(!href.contains('#'), "a fragment mark would end the query: {}", href);
        prop_assert!(!href.contains(' '), "{}", href);
        let back = AppAddress::parse(&href);
        let got: Vec<(String, String)> =
            back.pairs().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        prop_assert_eq!(got, pairs);
        // Writing is stable: what was read writes the same text.
        prop_assert_eq!(back.write(), href);
    }

    /// A query and graph of any text survive the address unchanged.
    #[test]
    fn a_graph_recipe_of_any_text_rides_along(recipe in tricky_text(), q in tricky_text()) {
        let mut address = AppAddress::from_pairs([("profile", "mde-eu"), ("q", q.as_str())]);
        let graph = GraphLink { profile: Profile::Wdatp, recipe: recipe.clone() };
        address.set_graph(Some(&graph));
        let back = AppAddress::parse(&address.write());
        prop_assert_eq!(back.get("q"), Some(q.as_str()));
        if recipe.is_empty() {
            prop_assert_eq!(back.graph(), None);
        } else {
            prop_assert_eq!(back.graph(), Some(graph));
        }
    }

    /// Reading never panics, whatever the text.
    #[test]
    fn any_text_reads(text in ".{0,200}") {
        let _ = read_app_location(&text);
        let _ = AppAddress::parse(&text).write();
    }
}

#[test]
fn plus_is_a_space_and_escapes_are_bytes_as_browsers_read_forms() {
    let address = AppAddress::parse(
        "?q=/alerts?$filter=severity+eq+'High'&a=%2B%26%23&b=&c&%C3%A9=%E6%97%A5",
    );
    assert_eq!(address.get("q"), Some("/alerts?$filter=severity eq 'High'"));
    assert_eq!(address.get("a"), Some("+&#"));
    assert_eq!(address.get("b"), Some(""));
    assert_eq!(address.get("c"), Some(""));
    assert_eq!(address.get("é"), Some("日"));
    // Invalid escapes and bytes are kept as text, never an error.
    assert_eq!(AppAddress::parse("?x=%zz%FF").get("x"), Some("%zz\u{FFFD}"));
    // A fragment's answer reads the same way (the sign-in callback).
    assert_eq!(
        AppAddress::parse("#code=a+b&state=s").get("code"),
        Some("a b")
    );
}

#[test]
fn links_stay_legible() {
    let href = AppAddress::for_query(&Query::source_example(), DemoData::Large).write();
    assert_eq!(
        href,
        "?profile=wdatp&q=/alerts?$top=20%26$expand=machine&dataset=large"
    );
    assert_eq!(AppAddress::default().write(), "?");
    // Only the one mark that starts the query is skipped: a key may begin with another.
    let odd = AppAddress::from_pairs([("?", "#")]);
    assert_eq!(AppAddress::parse(&odd.write()), odd);
}

#[test]
fn setting_a_key_keeps_its_place_and_drops_repeats() {
    let mut address = AppAddress::parse("?profile=wdatp&q=1&x=y&q=2");
    assert_eq!(address.get("q"), Some("2"), "the last one counts");
    address.set("q", "3");
    assert_eq!(address.write(), "?profile=wdatp&q=3&x=y");
    address.set("dataset", "hostile");
    address.remove("x");
    assert_eq!(address.write(), "?profile=wdatp&q=3&dataset=hostile");
}

#[test]
fn the_graph_of_another_profile_names_it_and_a_new_graph_replaces_the_old() {
    let mut address =
        AppAddress::parse("?profile=wdatp&q=/alerts&g=old&gprofile=mde&graph-synthetic=9");
    assert_eq!(address.graph().map(|g| g.recipe), Some("old".to_string()));
    let defender = GraphLink {
        profile: Profile::Defender(Region::Eu),
        recipe: "sa1".into(),
    };
    address.set_graph(Some(&defender));
    assert_eq!(
        address.write(),
        "?profile=wdatp&q=/alerts&g=sa1&gprofile=mde-eu"
    );
    assert_eq!(read_app_location(&address.write()).graph, Some(defender));
    address.set_graph(None);
    assert_eq!(address.write(), "?profile=wdatp&q=/alerts");
}

#[test]
fn a_huge_address_still_reads_its_later_keys_and_caps_the_query() {
    // A shared link of 100 KB: a garbage query first, then a settings key that must still be seen (and
    // then refused by the settings' checks, not lost).
    let junk = "%00%FF<script>".repeat(7_000);
    let href = format!("?q=/alerts/{junk}&g={junk}&base=javascript:x");
    let address = AppAddress::parse(&href);
    assert_eq!(address.get("base"), Some("javascript:x"));
    let location = address.location();
    let read = match location.query {
        Some(Ok(query)) => query.path(),
        Some(Err(problem)) => problem.text,
        None => panic!("the query is read"),
    };
    assert!(read.starts_with("/alerts/"), "{}", &read[..40]);
    // Only the query's first 16 KiB are read (70 KB of it came; escaped again, 16 KiB stay under 60 KB).
    assert!(read.len() < 60 * 1024, "{}", read.len());
    assert!(location.graph.is_some_and(|g| g.recipe.len() <= 16 * 1024));
}
