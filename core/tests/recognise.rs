//! Paste anything: what `recognise` reads in real values (Microsoft's samples, the demo tenant's data and
//! the usual wrappings of a paste) and the routes each reading opens on each profile.

use atp_core::catalogue::{Api, Entity};
use atp_core::demo::{DemoConfig, DemoTenant, SOURCE_ALERT_ID, SOURCE_MACHINE_ID};
use atp_core::recognise::{recognise, route_label, Kind, Reading};
use atp_core::{Profile, Region};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

const DEFENDER: Profile = Profile::Defender(Region::Global);

fn kinds(text: &str) -> Vec<Kind> {
    recognise(text).iter().map(|r| r.kind).collect()
}

fn first(text: &str) -> Reading {
    recognise(text)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{text:?} was not recognised"))
}

/// The paths (below the profile's base) of a reading's routes on `profile`.
fn paths(reading: &Reading, profile: Profile) -> Vec<String> {
    reading
        .routes(profile)
        .iter()
        .map(|q| q.path().split('?').next().unwrap_or_default().to_string())
        .collect()
}

fn tenant() -> DemoTenant {
    DemoTenant::generate(&DemoConfig::new(
        Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap(),
    ))
}

#[test]
fn forty_hex_digits_are_a_machine_id_then_a_sha1_each_with_its_route() {
    // The source document's machine (Microsoft's sample, get-machine-by-id).
    let readings = recognise("1e5bc9d7e413ddd7902c2932e418702b84d0cc07");
    let found: Vec<Kind> = readings.iter().map(|r| r.kind).collect();
    assert_eq!(found, [Kind::MachineId, Kind::Sha1]);
    assert_eq!(
        paths(&readings[0], DEFENDER)[0],
        "/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07"
    );
    assert_eq!(
        paths(&readings[1], DEFENDER)[0],
        "/files/1e5bc9d7e413ddd7902c2932e418702b84d0cc07"
    );
    // Upper case (as some consoles copy it) reads the same, in the lower case the API lists.
    assert_eq!(
        first("1E5BC9D7E413DDD7902C2932E418702B84D0CC07").value,
        "1e5bc9d7e413ddd7902c2932e418702b84d0cc07"
    );
}

#[test]
fn microsofts_sample_values_are_read_as_what_they_are() {
    let cases: &[(&str, &[Kind])] = &[
        // get-file-information: SHA1, SHA256, MD5.
        (
            "4388963aaa83afe2042a46a3c017ad50bdcdafb3",
            &[Kind::MachineId, Kind::Sha1],
        ),
        (
            "413c58c8267d2c8648d8f6384bacc2ae9c929b2b96578b6860b5087cd1bd6462",
            &[Kind::Sha256],
        ),
        ("8d5b7cc9a832e21d22503057e1fec8e9", &[Kind::Md5]),
        // Alert ids of the 2017 API, of today's (the `da` prefix) and of Graph's alerts v2.
        ("636688558380765161_2136280442", &[Kind::AlertId]),
        ("636390437845006321_-1646055784", &[Kind::AlertId]),
        ("da637308392288907382_-880718168", &[Kind::AlertId]),
        ("da637551227677560813_-961444813", &[Kind::AlertId]),
        ("da09e47ccc-b74a-45bb-985f-8d6c077b70b6_1", &[Kind::AlertId]),
        // Graph incidents: a number, which some products also use for alerts.
        ("2972395", &[Kind::IncidentId, Kind::AlertId]),
        // IPs of the domain and IP samples.
        ("104.80.104.128", &[Kind::Ipv4]),
        ("fe80::1", &[Kind::Ipv6]),
        // Users: domain\name, the UPN, the SID.
        ("contoso\\user1", &[Kind::AccountName]),
        ("temp123@microsoft.com", &[Kind::UpnOrEmail]),
        ("S-1-5-21-11111607-1111760036-109187956-75141", &[Kind::Sid]),
        // Domains and a CVE.
        ("client.wns.windows.com", &[Kind::Domain, Kind::AccountName]),
        ("CVE-2021-44228", &[Kind::Cve]),
        ("cve-2017-0144", &[Kind::Cve]),
        ("https://evil.example/payload.exe", &[Kind::Url]),
        // An actor or account name alone: the weakest reading.
        ("user1", &[Kind::AccountName]),
    ];
    for (text, expected) in cases {
        assert_eq!(&kinds(text), expected, "{text}");
    }
    assert_eq!(first("cve-2017-0144").value, "CVE-2017-0144");
    assert_eq!(first("2972395").value, "2972395");
    assert!(first("2972395").note.is_none());
    assert!(
        recognise("2972395")[1].note.is_some(),
        "the alert reading says it is a maybe"
    );
}

#[test]
fn a_paste_is_unwrapped_quotes_defanging_and_portal_links_undone() {
    let machine = "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b";
    let cases: &[(&str, Kind, &str)] = &[
        ("  \"1.2.3.4\"  ", Kind::Ipv4, "1.2.3.4"),
        ("'evil.example',", Kind::Domain, "evil.example"),
        (
            "\u{201c}CONTOSO\\jdoe\u{201d}",
            Kind::AccountName,
            "CONTOSO\\jdoe",
        ),
        ("1.2.3[.]4", Kind::Ipv4, "1.2.3.4"),
        ("evil[.]com", Kind::Domain, "evil.com"),
        ("hxxp://evil[.]com/x", Kind::Url, "http://evil.com/x"),
        ("hxxps[://]evil[.]com", Kind::Url, "https://evil.com"),
        (
            "jdoe[at]contoso[.]com",
            Kind::UpnOrEmail,
            "jdoe@contoso.com",
        ),
        ("10.1.2.3:445", Kind::Ipv4, "10.1.2.3"),
        ("[2001:db8::1]:443", Kind::Ipv6, "2001:db8::1"),
        ("EVIL.Example.", Kind::Domain, "evil.example"),
    ];
    for (text, kind, value) in cases {
        let reading = first(text);
        assert_eq!(
            (reading.kind, reading.value.as_str()),
            (*kind, *value),
            "{text}"
        );
    }
    assert_eq!(first("hxxp://evil[.]com/x").note, Some("defanged"));
    // A URL's routes are its host's.
    assert_eq!(
        paths(&first("hxxp://evil[.]com/x"), DEFENDER)[0],
        "/domains/evil.com/alerts"
    );
    assert_eq!(
        paths(&first("http://10.1.2.3:8080/a"), DEFENDER)[0],
        "/ips/10.1.2.3/alerts"
    );

    let links: &[(String, Kind, &str)] = &[
        (
            format!("https://security.microsoft.com/machines/{machine}/overview"),
            Kind::MachineId,
            machine,
        ),
        (
            format!("https://security.microsoft.com/machines/v2/{machine}/timeline?tid=x"),
            Kind::MachineId,
            machine,
        ),
        (
            format!("https://securitycenter.windows.com/machines/{machine}/main"),
            Kind::MachineId,
            machine,
        ),
        (
            "https://security.microsoft.com/alerts/da637308392288907382_-880718168?tid=1".into(),
            Kind::AlertId,
            "da637308392288907382_-880718168",
        ),
        (
            "https://security.microsoft.com/incidents/2972395/overview".into(),
            Kind::IncidentId,
            "2972395",
        ),
        (
            "https://security.microsoft.com/file/4388963aaa83afe2042a46a3c017ad50bdcdafb3/overview"
                .into(),
            Kind::Sha1,
            "4388963aaa83afe2042a46a3c017ad50bdcdafb3",
        ),
        (
            "https://security.microsoft.com/ip/104.80.104.128/overview".into(),
            Kind::Ipv4,
            "104.80.104.128",
        ),
        (
            "https://security.microsoft.com/url/overview?url=https%3A%2F%2Fevil.example%2Fa".into(),
            Kind::Url,
            "https://evil.example/a",
        ),
        (
            "https://security.microsoft.com/vulnerabilities/vulnerability/CVE-2021-44228/overview"
                .into(),
            Kind::Cve,
            "CVE-2021-44228",
        ),
        (
            "https://security.microsoft.com/users/CONTOSO%5Cjdoe/overview".into(),
            Kind::AccountName,
            "CONTOSO\\jdoe",
        ),
        // A request URL of the API itself.
        (
            format!("https://api.security.microsoft.com/api/machines/{machine}"),
            Kind::MachineId,
            machine,
        ),
        (
            "https://graph.microsoft.com/v1.0/security/alerts_v2/da637551227677560813_-961444813"
                .into(),
            Kind::AlertId,
            "da637551227677560813_-961444813",
        ),
    ];
    for (text, kind, value) in links {
        let readings = recognise(text);
        assert_eq!(readings.len(), 1, "{text}: {readings:?}");
        assert_eq!(
            (readings[0].kind, readings[0].value.as_str()),
            (*kind, *value),
            "{text}"
        );
        assert_eq!(readings[0].note, Some("from a Defender link"), "{text}");
    }
    // The portal's link to a machine is one reading: the link says which.
    let link = format!("https://security.microsoft.com/machines/{machine}/overview");
    assert_eq!(kinds(&link), [Kind::MachineId]);
}

#[test]
fn what_is_not_a_value_is_not_recognised() {
    for text in [
        "",
        "   ",
        "hello world",
        "1.2.3.4.5",
        "999.1.1.1",
        "-bad-.example",
        "@contoso.com",
        "a@b",
        "12345678901234567890123",
        "\u{202e}evil.example",
        "https://",
    ] {
        assert!(
            recognise(text).is_empty(),
            "{text:?}: {:?}",
            recognise(text)
        );
    }
    // Near misses are not read as what they resemble (a word may still be an account name).
    assert!(!kinds("CVE-21-1").contains(&Kind::Cve));
    assert!(!kinds("CVE-2021-123").contains(&Kind::Cve));
    assert!(!kinds("S-1-5").contains(&Kind::Sid));
    assert!(!kinds("da637308392288907382").contains(&Kind::AlertId));
    // A numeric top-level label is no domain (the name may still be an account's).
    assert!(!kinds("example.123").contains(&Kind::Domain));
    // A 40-character value with one letter that is not hex is no machine id or SHA1.
    assert!(!kinds("1e5bc9d7e413ddd7902c2932e418702b84d0cc0g").contains(&Kind::MachineId));
}

#[test]
fn each_profile_offers_its_own_routes_through_the_catalogue() {
    let machine = first(SOURCE_MACHINE_ID);
    // WDATP: its Get and relations, on its own base.
    let wdatp = machine.routes(Profile::Wdatp);
    assert!(wdatp.iter().all(|q| q.profile == Profile::Wdatp));
    assert_eq!(
        paths(&machine, Profile::Wdatp),
        [
            format!("/machines/{SOURCE_MACHINE_ID}"),
            format!("/machines/{SOURCE_MACHINE_ID}/alerts"),
            format!("/machines/{SOURCE_MACHINE_ID}/logonusers"),
        ]
    );
    // A Defender region keeps its host.
    let eu = Profile::Defender(Region::Eu);
    assert!(machine.routes(eu).iter().all(|q| q.profile == eu));
    // Graph has no machine route: the Defender pivots, as the Graph cards' evidence does.
    let graph = machine.routes(Profile::Graph);
    assert_eq!(graph[0].profile, DEFENDER);
    assert_eq!(graph[0].route.key, "machines.get");
    assert_eq!(
        route_label(&graph[0], Profile::Graph),
        format!("Get /machines/{SOURCE_MACHINE_ID} (Defender for Endpoint)")
    );

    // An alert on Graph: alerts v2 first, then Defender's.
    let alert = first("da637551227677560813_-961444813");
    let on_graph = alert.routes(Profile::Graph);
    assert_eq!(on_graph[0].route.api, Api::Graph);
    assert_eq!(
        on_graph[0].path(),
        "/security/alerts_v2/da637551227677560813_-961444813"
    );
    assert!(on_graph.iter().any(|q| q.route.api == Api::Defender));
    assert!(
        on_graph.iter().all(|q| q.route.runs()),
        "no write is offered"
    );

    // An incident id: Graph's incident, and on the Defender host Defender XDR's (issue 22).
    let incident = first("2972395");
    assert_eq!(
        paths(&incident, Profile::Graph)[0],
        "/security/incidents/2972395"
    );
    assert_eq!(paths(&incident, DEFENDER)[0], "/incidents/2972395");
    assert!(first(SOURCE_MACHINE_ID).elsewhere(DEFENDER).is_empty());
    // Two routes on one path say how they differ.
    let labels: Vec<String> = incident
        .routes(Profile::Graph)
        .iter()
        .map(|q| route_label(q, Profile::Graph))
        .collect();
    assert_eq!(
        labels,
        [
            "Get /security/incidents/2972395",
            "GetAlerts /security/incidents/2972395?$expand=alerts",
            "Get /incidents/2972395 (Defender for Endpoint)"
        ]
    );

    // Defender's file routes take no MD5; WDATP's do.
    let md5 = first("8d5b7cc9a832e21d22503057e1fec8e9");
    assert!(md5.routes(DEFENDER).is_empty());
    assert_eq!(
        paths(&md5, Profile::Wdatp)[0],
        "/files/8d5b7cc9a832e21d22503057e1fec8e9"
    );

    // Defender has no Get of an IP, a domain or a user: their relations lead.
    assert_eq!(
        paths(&first("104.80.104.128"), DEFENDER)[0],
        "/ips/104.80.104.128/alerts"
    );
    assert_eq!(
        paths(&first("evil.example"), DEFENDER)[0],
        "/domains/evil.example/alerts"
    );
    assert_eq!(
        paths(&first("evil.example"), Profile::Wdatp)[0],
        "/domains/evil.example"
    );
    let upn = first("temp123@microsoft.com");
    assert_eq!(upn.routes(DEFENDER)[0].route.key, "users.alerts");
    assert_eq!(upn.routes(DEFENDER)[0].param("id"), "temp123@microsoft.com");

    // A SID and a CVE name no route of the catalogue.
    for text in ["S-1-5-18", "CVE-2021-44228"] {
        let reading = first(text);
        assert!(reading.pivot.is_none(), "{text}");
        assert!(
            Profile::all().all(|p| reading.routes(p).is_empty()),
            "{text}"
        );
    }
}

#[test]
fn a_reading_has_the_hunts_of_its_entity() {
    let machine = first(SOURCE_MACHINE_ID);
    let hunts = machine.hunts();
    assert!(!hunts.is_empty());
    assert!(hunts[0]
        .query
        .contains(&format!("DeviceId == \"{SOURCE_MACHINE_ID}\"")));
    assert!(recognise(SOURCE_MACHINE_ID)[1].hunts()[0]
        .query
        .contains("SHA1 =="));
    assert!(first("CVE-2021-44228").hunts().is_empty());
}

/// Every id of the demo tenant is read as what it is, and the first route of the reading answers 200.
#[test]
fn every_id_of_the_demo_tenant_is_recognised_and_its_first_route_answers() {
    let tenant = tenant();
    let data = &tenant.dataset;
    let answers = |reading: &Reading, profile: Profile| {
        let query = reading
            .routes(profile)
            .into_iter()
            .next()
            .unwrap_or_else(|| {
                panic!("{reading:?} has no route on {profile:?}");
            });
        let status = tenant.respond("GET", &query.url(), query.profile).status;
        assert_eq!(status, 200, "{}", query.url());
    };
    let check = |text: &str, kind: Kind, entity: Entity| -> Reading {
        let readings = recognise(text);
        let reading = readings
            .iter()
            .find(|r| r.kind == kind)
            .unwrap_or_else(|| panic!("{text:?} not read as {kind:?}: {readings:?}"))
            .clone();
        assert_eq!(
            reading.pivot.as_ref().map(|p| p.entity),
            Some(entity),
            "{text}"
        );
        reading
    };
    for machine in &data.machines {
        let readings = recognise(&machine.id);
        assert_eq!(readings[0].kind, Kind::MachineId, "{}", machine.id);
        assert_eq!(readings[0].value, machine.id.to_lowercase());
        answers(&readings[0], DEFENDER);
        answers(&readings[0], Profile::Wdatp);
    }
    for file in &data.files {
        if let Some(sha1) = &file.sha1 {
            answers(&check(sha1, Kind::Sha1, Entity::File), DEFENDER);
        }
        if let Some(sha256) = &file.sha256 {
            answers(&check(sha256, Kind::Sha256, Entity::File), DEFENDER);
        }
        if let Some(md5) = &file.md5 {
            check(md5, Kind::Md5, Entity::File);
        }
    }
    for ip in &data.ips {
        let reading = first(&ip.id);
        assert!(matches!(reading.kind, Kind::Ipv4 | Kind::Ipv6), "{}", ip.id);
        answers(&reading, Profile::Wdatp);
    }
    for domain in &data.domains {
        let reading = first(&domain.host);
        assert_eq!(reading.kind, Kind::Domain, "{}", domain.host);
        answers(&reading, Profile::Wdatp);
    }
    for user in &data.users {
        let reading = first(&user.id);
        assert_eq!(reading.kind, Kind::AccountName, "{}", user.id);
        answers(&reading, Profile::Wdatp);
        if let Some(sid) = &user.account_sid {
            assert_eq!(first(sid).kind, Kind::Sid, "{sid}");
        }
    }
    for alert in &data.alerts {
        let reading = first(&alert.id);
        assert_eq!(reading.kind, Kind::AlertId, "{}", alert.id);
        if let Some(incident) = alert.incident_id {
            assert_eq!(first(&incident.to_string()).kind, Kind::IncidentId);
        }
    }
    answers(&first(SOURCE_ALERT_ID), Profile::Wdatp);
    answers(&first(SOURCE_ALERT_ID), DEFENDER);
    answers(&first(SOURCE_ALERT_ID), Profile::Graph);
    let incident = data
        .alerts
        .iter()
        .find_map(|a| a.incident_id)
        .expect("the demo alerts have incidents");
    answers(&first(&incident.to_string()), Profile::Graph);
}

proptest! {
    #[test]
    fn recognise_never_panics_and_every_route_it_offers_is_valid(text in any::<String>()) {
        for reading in recognise(&text) {
            for profile in [Profile::Wdatp, DEFENDER, Profile::Graph] {
                for query in reading.routes(profile) {
                    prop_assert!(query.validate().is_empty());
                }
            }
        }
    }

    #[test]
    fn pastes_made_of_id_characters_never_panic(
        text in "[0-9a-fA-FSsCcVvEe:\\.\\[\\]\\(\\)/@\\\\_\"' -]{0,80}",
        prefix in prop::sample::select(vec!["", "hxxp://", "https://security.microsoft.com/machines/", "https://"]),
    ) {
        let pasted = format!("{prefix}{text}");
        for reading in recognise(&pasted) {
            prop_assert!(!reading.value.is_empty());
            for query in reading.routes(Profile::Graph) {
                prop_assert!(query.validate().is_empty());
            }
        }
    }
}
