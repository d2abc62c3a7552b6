//! Garbage at every entry the core reads (the app's address, a Request URL, each query control, the
//! settings): no panic, a problem that names what is wrong, and what was typed kept.

use atp_core::auth::{check_secure_url, AuthSettings};
use atp_core::link::{read_app_location, DemoData, MAX_SYNTHETIC_NODES};
use atp_core::{Field, Profile, Query, Region, ROUTES};
use proptest::prelude::*;

/// 100 KB of what a hostile link or paste holds: NULs, controls, invalid UTF-8 escapes, markup, bidi.
fn junk() -> String {
    "%00%01%FF%C3%28\u{0}\u{7}\u{202E}<script>window.__atp_pwned=1</script>'\"$`\n%".repeat(1_600)
}

#[test]
fn a_garbage_address_keeps_its_query_text_and_asks_for_nothing_else() {
    let junk = junk();
    assert!(junk.len() > 100_000);
    let search = format!(
        "?q=/alerts/{junk}&profile={junk}&g={junk}&gprofile={junk}&dataset={junk}&graph-synthetic={junk}"
    );
    let location = read_app_location(&search);
    let Some(Err(problem)) = location.query else {
        panic!("a garbage query is a problem, not a query")
    };
    assert!(
        problem.text.starts_with("/alerts/"),
        "{:?}",
        &problem.text[..40]
    );
    assert!(!problem.error.to_string().is_empty());
    assert_eq!(location.dataset, DemoData::Normal);
    assert_eq!(location.graph_synthetic, None);
    // NULs and invalid escapes in an otherwise good address leave the good parts as they were.
    let location =
        read_app_location("?profile=mde-eu&q=/alerts?$top=3&g=%00%FF&graph-synthetic=%00");
    assert_eq!(
        location.query.and_then(Result::ok).map(|q| q.profile),
        Some(Profile::Defender(Region::Eu))
    );
    assert_eq!(location.graph_synthetic, None);
    assert!(
        read_app_location("?graph-synthetic=99999999999999999999999999")
            .graph_synthetic
            .is_none_or(|n| n <= MAX_SYNTHETIC_NODES)
    );
}

#[test]
fn every_control_of_every_route_explains_garbage_and_keeps_it() {
    let junk = junk();
    for route in ROUTES {
        let profile = match route.api {
            atp_core::Api::Wdatp => Profile::Wdatp,
            atp_core::Api::Defender => Profile::Defender(Region::Global),
            atp_core::Api::Graph => Profile::Graph,
        };
        for param in route.params {
            let mut q = Query::new(profile, route);
            q.set_param(param.name, &junk);
            assert_eq!(q.param(param.name), junk, "{} keeps the text", route.key);
            assert!(
                q.validate()
                    .iter()
                    .any(|p| p.field() == Field::Param(param.name)),
                "{} {}: garbage is explained",
                route.key,
                param.name
            );
            let _ = Query::parse(&q.url(), profile);
        }
        for option in route.options {
            let mut q = Query::new(profile, route);
            q.set_option(*option, &junk);
            assert_eq!(
                q.option(*option),
                Some(junk.as_str()),
                "{} keeps the text",
                option.name()
            );
            assert!(
                q.validate()
                    .iter()
                    .any(|p| p.field() == Field::Option(*option)),
                "{} {}: garbage is explained",
                route.key,
                option.name()
            );
            let _ = Query::parse(&q.url(), profile);
        }
    }
    assert!(Query::parse(&junk, Profile::Wdatp).is_err());
    assert!(Query::parse(
        &format!("https://graph.microsoft.com/testwdatp/alerts?{junk}"),
        Profile::Wdatp
    )
    .is_err());
}

#[test]
fn settings_refuse_hidden_characters_and_script_addresses() {
    for url in [
        "javascript:window.__atp_pwned=1",
        "data:text/html,<script>x</script>",
        "https://login.micro\u{202E}tfosoft.com",
        "https://login.microsoftonline.com\u{0}.evil.example",
        "https://login\u{200B}.microsoftonline.com",
    ] {
        assert!(check_secure_url(url).is_err(), "{url:?}");
    }
    let settings = AuthSettings {
        authority: "https://login.microsoftonline.com".into(),
        tenant: junk(),
        client_id: "\u{0}\u{202E}".into(),
        redirect_uri: "javascript:x".into(),
        scopes: "api://x/.default\u{0}".into(),
    };
    let named: Vec<&str> = settings.problems().iter().map(|p| p.setting).collect();
    assert_eq!(named, ["Tenant", "Client ID", "Redirect URI", "Scopes"]);
}

proptest! {
    #[test]
    fn no_address_or_control_value_panics(text in any::<String>(), bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let escaped: String = bytes.iter().map(|b| format!("%{b:02X}")).collect();
        for search in [format!("?q={text}&g={text}&profile={text}"), format!("?q={escaped}&g={escaped}&graph-synthetic={escaped}")] {
            let _ = read_app_location(&search);
        }
        for route in ROUTES.iter().take(40) {
            let mut q = Query::new(Profile::Defender(Region::Global), route);
            for param in route.params {
                q.set_param(param.name, &text);
            }
            for option in route.options {
                q.set_option(*option, &text);
            }
            let _ = q.validate();
            let _ = Query::parse(&q.url(), q.profile);
        }
    }
}
