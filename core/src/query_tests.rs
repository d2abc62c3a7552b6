use proptest::prelude::*;

use super::*;
use crate::catalogue::{Region, ROUTES};

fn sample_value(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::AlertId => "636341278149188342_1960231459",
        ParamKind::ActorId => "zinc",
        ParamKind::MachineId => "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b",
        ParamKind::UserKey => "CONTOSO\\jdoe",
        ParamKind::Domain => "client.wns.windows.com",
        ParamKind::Ip => "10.209.67.177",
        ParamKind::FileHash => "6532ec91d513acc05f43ee0aa3002599729fd3e1",
        ParamKind::MachineKey => "host.contoso.com",
        ParamKind::Timestamp => "2017-06-27T02:36:53Z",
        ParamKind::IncidentId => "2972395",
        ParamKind::ActionId => "69dc3630-1ccc-4342-acf3-35286eec741d",
        ParamKind::InvestigationId => "63017",
        ParamKind::IndicatorId => "995",
        ParamKind::SoftwareId => "microsoft-_-edge",
        ParamKind::VulnerabilityId => "CVE-2019-0608",
        ParamKind::RecommendationId => "va-_-google-_-chrome",
        ParamKind::RemediationTaskId => "03942ef5-aewb-4w6e-b555-d6a97013844w",
        ParamKind::Index => "0",
    }
}

fn sample_option(route: &Route, option: QueryOption) -> &'static str {
    match option {
        QueryOption::Filter => {
            let has = |f: &str| route.filter_fields.contains(&f);
            if route.filter_fields.is_empty() || has("severity") {
                "severity eq 'High'"
            } else if has("id") {
                "id eq 'x'"
            } else if has("status") {
                "status eq 'Active'"
            } else {
                "machineId eq 'x'"
            }
        }
        QueryOption::Select => "id,title",
        QueryOption::Expand => route.expand.first().copied().unwrap_or("machine"),
        QueryOption::OrderBy => "alertCreationTime desc",
        QueryOption::Top => "5",
        QueryOption::Skip => "10",
        QueryOption::Count => "true",
        QueryOption::LookBackHours => "48",
        QueryOption::Tag => "Finance",
        QueryOption::UseStartsWithFilter => "true",
        QueryOption::PageSize => "1000",
        QueryOption::SinceTime => "2024-05-01T00:00:00Z",
        QueryOption::SkipToken => "1000",
    }
}

fn sample_query(profile: Profile, route: &'static Route) -> Query {
    let mut query = Query::new(profile, route);
    for param in route.params {
        query.set_param(param.name, sample_value(param.kind));
    }
    for option in route.options {
        query.set_option(*option, sample_option(route, *option));
    }
    // A write's required body members, each a value of its kind.
    for field in route.body.iter().filter(|f| f.required) {
        let value = match field.kind {
            crate::catalogue::BodyKind::Choice(values) => values[0],
            crate::catalogue::BodyKind::Json => "[]",
            crate::catalogue::BodyKind::Bool => "true",
            crate::catalogue::BodyKind::Text => "x",
        };
        query.set_body_value(field.name, value);
    }
    query
}

const WDATP: &str = "https://graph.microsoft.com/testwdatp";
const MDE: &str = "https://api.security.microsoft.com/api";
const ALERT: &str = "636341278149188342_1960231459";
const MACHINE: &str = "67e5ef2c2eab150cc8638e21dba19c1b0a41ad0b";
const FILE: &str = "6532ec91d513acc05f43ee0aa3002599729fd3e1";

/// Every route of both profiles, with every option it accepts: the exact URL expected.
fn expected_urls() -> Vec<(Profile, &'static str, String)> {
    let w = |key, path: String| (Profile::Wdatp, key, format!("{WDATP}{path}"));
    let m = |key, path: String| {
        (
            Profile::Defender(Region::Global),
            key,
            format!("{MDE}{path}"),
        )
    };
    let g = |key, path: String| {
        (
            Profile::Graph,
            key,
            format!("https://graph.microsoft.com/v1.0{path}"),
        )
    };
    let tsc = "?$top=5&$select=id,title&$count=true";
    let etsc = "?$expand=machine&$top=5&$select=id,title&$count=true";
    let tsce = "?$top=5&$select=id,title&$count=true&$expand=machine";
    let related = "?$top=5&$skip=10&$select=id,title";
    vec![
        w("actor.get", format!("/actor/zinc{tsc}")),
        w("actor.alerts", format!("/actor/zinc/alerts{etsc}")),
        w("alerts.list", "/alerts?$top=5&$select=id,title&$count=true&$skip=10&$expand=machine".into()),
        w("alerts.get", format!("/alerts/{ALERT}{tsce}")),
        w("alerts.machines", format!("/alerts/{ALERT}/machines{tsc}")),
        w("alerts.files", format!("/alerts/{ALERT}/files{tsc}")),
        w("alerts.actor", format!("/alerts/{ALERT}/actor{tsc}")),
        w("alerts.domains", format!("/alerts/{ALERT}/domains{tsc}")),
        w("alerts.ips", format!("/alerts/{ALERT}/ips{tsc}")),
        w("machines.list", "/machines?$top=5&$select=id,title&$count=true&$skip=10".into()),
        w("machines.get", format!("/machines/{MACHINE}{tsc}")),
        w("machines.alerts", format!("/machines/{MACHINE}/alerts{tsce}")),
        w("machines.logonusers", format!("/machines/{MACHINE}/logonusers{tsc}")),
        w(
            "machines.find",
            "/machines/find(key='host.contoso.com',timestamp=2017-06-27T02:36:53Z)?$top=5&$select=id,title&$count=true&$expand=logonusers".into(),
        ),
        w("users.get", format!("/users/CONTOSO%5Cjdoe{tsc}")),
        w("users.alerts", format!("/users/CONTOSO%5Cjdoe/alerts{tsce}")),
        w("users.machines", format!("/users/CONTOSO%5Cjdoe/machines{tsc}")),
        w("domains.get", format!("/domains/client.wns.windows.com{tsc}")),
        w("domains.alerts", format!("/domains/client.wns.windows.com/alerts{tsce}")),
        w("domains.machines", format!("/domains/client.wns.windows.com/machines{tsc}")),
        w("domains.stats", "/domains/client.wns.windows.com/stats".into()),
        w("ips.get", format!("/ips/10.209.67.177{tsc}")),
        w("ips.alerts", format!("/ips/10.209.67.177/alerts{tsce}")),
        w("ips.machines", format!("/ips/10.209.67.177/machines{tsc}")),
        w("ips.stats", "/ips/10.209.67.177/stats".into()),
        w("files.get", format!("/files/{FILE}{tsc}")),
        w("files.alerts", format!("/files/{FILE}/alerts{tsce}")),
        w("files.machines", format!("/files/{FILE}/machines{tsc}")),
        w("files.stats", format!("/files/{FILE}/stats")),
        m(
            "alerts.list",
            "/alerts?$filter=severity%20eq%20'High'&$orderby=alertCreationTime%20desc&$top=5&$skip=10&$select=id,title&$count=true&$expand=evidence".into(),
        ),
        m("alerts.get", format!("/alerts/{ALERT}?$select=id,title")),
        m("alerts.machine", format!("/alerts/{ALERT}/machine?$select=id,title")),
        m("alerts.user", format!("/alerts/{ALERT}/user?$select=id,title")),
        m("alerts.files", format!("/alerts/{ALERT}/files{related}")),
        m("alerts.domains", format!("/alerts/{ALERT}/domains{related}")),
        m("alerts.ips", format!("/alerts/{ALERT}/ips{related}")),
        m(
            "machines.list",
            "/machines?$filter=severity%20eq%20'High'&$orderby=alertCreationTime%20desc&$top=5&$skip=10&$select=id,title&$count=true".into(),
        ),
        m("machines.get", format!("/machines/{MACHINE}?$select=id,title")),
        m("machines.alerts", format!("/machines/{MACHINE}/alerts{related}")),
        m("machines.logonusers", format!("/machines/{MACHINE}/logonusers{related}")),
        m(
            "machines.findbyip",
            format!("/machines/findbyip(ip='10.209.67.177',timestamp=2017-06-27T02:36:53Z){related}"),
        ),
        m("users.alerts", format!("/users/CONTOSO%5Cjdoe/alerts{related}")),
        m("users.machines", format!("/users/CONTOSO%5Cjdoe/machines{related}")),
        m("domains.alerts", format!("/domains/client.wns.windows.com/alerts{related}")),
        m("domains.machines", format!("/domains/client.wns.windows.com/machines{related}")),
        m("domains.stats", "/domains/client.wns.windows.com/stats?lookBackHours=48".into()),
        m("ips.alerts", format!("/ips/10.209.67.177/alerts{related}")),
        m("ips.stats", "/ips/10.209.67.177/stats?lookBackHours=48".into()),
        m("files.get", format!("/files/{FILE}?$select=id,title")),
        m("files.alerts", format!("/files/{FILE}/alerts{related}")),
        m("files.machines", format!("/files/{FILE}/machines{related}")),
        m("files.stats", format!("/files/{FILE}/stats?lookBackHours=48")),
        m("files.indicators", format!("/indicators?$filter=indicatorValue%20eq%20'{FILE}'")),
        m("machineactions.list", "/machineactions?$filter=id%20eq%20'x'&$top=5&$skip=10".into()),
        m("machineactions.get", "/machineactions/69dc3630-1ccc-4342-acf3-35286eec741d".into()),
        m("machineactions.packageuri", "/machineactions/69dc3630-1ccc-4342-acf3-35286eec741d/GetPackageUri".into()),
        m("machineactions.liveresult", "/machineactions/69dc3630-1ccc-4342-acf3-35286eec741d/GetLiveResponseResultDownloadLink(index=0)".into()),
        m("investigations.list", "/investigations?$filter=id%20eq%20'x'&$top=5&$skip=10".into()),
        m("investigations.get", "/investigations/63017".into()),
        m("indicators.list", "/indicators?$filter=severity%20eq%20'High'&$top=5&$skip=10".into()),
        m("software.list", "/Software?$filter=id%20eq%20'x'&$top=5&$skip=10".into()),
        m("software.get", "/Software/microsoft-_-edge".into()),
        m("software.distributions", "/Software/microsoft-_-edge/distributions".into()),
        m("software.machinereferences", "/Software/microsoft-_-edge/machineReferences".into()),
        m("software.vulnerabilities", "/Software/microsoft-_-edge/vulnerabilities".into()),
        m("software.getmissingkbs", "/Software/microsoft-_-edge/getmissingkbs".into()),
        m("vulnerabilities.list", "/vulnerabilities?$filter=severity%20eq%20'High'&$top=5&$skip=10".into()),
        m("vulnerabilities.get", "/vulnerabilities/CVE-2019-0608".into()),
        m("vulnerabilities.machinereferences", "/vulnerabilities/CVE-2019-0608/machineReferences".into()),
        m("vulnerabilities.bymachine", "/vulnerabilities/machinesVulnerabilities?$filter=severity%20eq%20'High'&$top=5&$skip=10".into()),
        m("recommendations.list", "/recommendations?$filter=id%20eq%20'x'&$top=5&$skip=10".into()),
        m("recommendations.get", "/recommendations/va-_-google-_-chrome".into()),
        m("recommendations.software", "/recommendations/va-_-google-_-chrome/software".into()),
        m("recommendations.machinereferences", "/recommendations/va-_-google-_-chrome/machineReferences".into()),
        m("recommendations.vulnerabilities", "/recommendations/va-_-google-_-chrome/vulnerabilities".into()),
        m("remediationtasks.list", "/remediationTasks?$filter=status%20eq%20'Active'&$top=5&$skip=10".into()),
        m("remediationtasks.get", "/remediationTasks/03942ef5-aewb-4w6e-b555-d6a97013844w".into()),
        m("remediationtasks.machinereferences", "/remediationTasks/03942ef5-aewb-4w6e-b555-d6a97013844w/machineReferences".into()),
        m("machines.findbytag", "/machines/findbytag?tag=Finance&useStartsWithFilter=true".into()),
        m("machines.software", format!("/machines/{MACHINE}/software")),
        m("machines.vulnerabilities", format!("/machines/{MACHINE}/vulnerabilities")),
        m("machines.recommendations", format!("/machines/{MACHINE}/recommendations")),
        m("machines.getmissingkbs", format!("/machines/{MACHINE}/getmissingkbs")),
        m("machines.machineactions", format!("/machineactions?$filter=machineId%20eq%20'{MACHINE}'")),
        m("assessments.softwarevulnerabilities", "/machines/SoftwareVulnerabilitiesByMachine?pageSize=1000&sinceTime=2024-05-01T00:00:00Z&$skiptoken=1000".into()),
        m("assessments.softwarevulnerabilitiesexport", "/machines/SoftwareVulnerabilitiesExport".into()),
        m("assessments.softwarevulnerabilitychanges", "/machines/SoftwareVulnerabilityChangesByMachine?pageSize=1000&sinceTime=2024-05-01T00:00:00Z&$skiptoken=1000".into()),
        m("assessments.secureconfigurations", "/machines/SecureConfigurationsAssessmentByMachine?pageSize=1000&$skiptoken=1000".into()),
        m("assessments.secureconfigurationsexport", "/machines/SecureConfigurationsAssessmentExport".into()),
        m("assessments.softwareinventory", "/machines/SoftwareInventoryByMachine?pageSize=1000&$skiptoken=1000".into()),
        m("assessments.softwareinventoryexport", "/machines/SoftwareInventoryExport".into()),
        m("assessments.noproductcode", "/machines/SoftwareInventoryNoProductCodeByMachine?pageSize=1000&$skiptoken=1000".into()),
        m("assessments.noproductcodeexport", "/machines/SoftwareInventoryNonCpeExport".into()),
        m("assessments.browserextensions", "/machines/BrowserExtensionsInventoryByMachine?pageSize=1000&$skiptoken=1000".into()),
        m("assessments.baselinecompliance", "/machines/BaselineComplianceAssessmentByMachine?pageSize=1000&$skiptoken=1000".into()),
        m("assessments.baselinecomplianceexport", "/machines/BaselineComplianceAssessmentExport".into()),
        m("assessments.certificates", "/machines/certificateAssessmentByMachine?pageSize=1000&$skiptoken=1000".into()),
        m("assessments.certificatesexport", "/machines/certificateAssessmentExport".into()),
        m("assessments.hardwarefirmware", "/machines/HardwareFirmwareInventoryByMachine?pageSize=1000&$skiptoken=1000".into()),
        m("assessments.hardwarefirmwareexport", "/machines/HardwareFirmwareInventoryExport".into()),
        m("machines.isolate", format!("/machines/{MACHINE}/isolate")),
        m("machines.unisolate", format!("/machines/{MACHINE}/unisolate")),
        m("machines.restrict", format!("/machines/{MACHINE}/restrictCodeExecution")),
        m("machines.unrestrict", format!("/machines/{MACHINE}/unrestrictCodeExecution")),
        m("machines.avscan", format!("/machines/{MACHINE}/runAntiVirusScan")),
        m("machines.collect", format!("/machines/{MACHINE}/collectInvestigationPackage")),
        m("machines.stopquarantine", format!("/machines/{MACHINE}/StopAndQuarantineFile")),
        m("machines.offboard", format!("/machines/{MACHINE}/offboard")),
        m("machines.liveresponse", format!("/machines/{MACHINE}/runliveresponse")),
        m("machines.startinvestigation", format!("/machines/{MACHINE}/startInvestigation")),
        m("machines.tags", format!("/machines/{MACHINE}/tags")),
        m("machines.devicevalue", format!("/machines/{MACHINE}/setDeviceValue")),
        m("alerts.update", format!("/alerts/{ALERT}")),
        m("indicators.submit", "/indicators".into()),
        m("indicators.import", "/indicators/import".into()),
        m("indicators.batchdelete", "/indicators/BatchDelete".into()),
        m("alerts.batchupdate", "/alerts/batchUpdate".into()),
        m("indicators.delete", "/indicators/995".into()),
        m("scores.exposure", "/exposureScore".into()),
        m("scores.exposurebygroup", "/exposureScore/ByMachineGroups".into()),
        m("scores.configuration", "/configurationScore".into()),
        m("avhealth.list", "/deviceavinfo?$filter=machineId%20eq%20'x'&$top=5&$skip=10".into()),
        m("incidents.list", "/incidents?$filter=status%20eq%20'Active'&$orderby=alertCreationTime%20desc&$top=5&$skip=10".into()),
        m("incidents.get", "/incidents/2972395".into()),
        g("alerts.list", "/security/alerts_v2?$filter=severity%20eq%20'High'&$top=5&$skip=10&$count=true".into()),
        g("alerts.get", format!("/security/alerts_v2/{ALERT}")),
        g("incidents.list", "/security/incidents?$filter=severity%20eq%20'High'&$top=5&$skip=10&$count=true&$expand=alerts".into()),
        g("incidents.get", "/security/incidents/2972395?$expand=alerts".into()),
        g("incidents.alerts", "/security/incidents/2972395?$expand=alerts".into()),
        g("alerts.update", format!("/security/alerts_v2/{ALERT}")),
        g("alerts.comment", format!("/security/alerts_v2/{ALERT}/comments")),
        g("incidents.update", "/security/incidents/2972395".into()),
        g("incidents.comment", "/security/incidents/2972395/comments".into()),
    ]
}

#[test]
fn every_route_builds_its_exact_url_and_parses_back() {
    let table = expected_urls();
    assert_eq!(
        table.len(),
        ROUTES.len(),
        "the table must cover every route"
    );
    for (profile, key, url) in table {
        let route = profile
            .api()
            .route(key)
            .unwrap_or_else(|| panic!("no route {key}"));
        let query = sample_query(profile, route);
        assert_eq!(query.url(), url, "{key}");
        let never_sent = (!route.runs()).then(|| QueryError::NotRun {
            method: route.method,
            route: route.title(),
        });
        assert_eq!(query.validate(), Vec::from_iter(never_sent), "{key}");
        if route.results_in.is_some() {
            // The same URL as the entity's own read: it reads back as that route.
            assert_eq!(
                Query::parse(&url, profile).map(|q| q.route.key),
                Ok("incidents.get")
            );
            continue;
        }
        if let Some(property) = route.listed_by {
            // The list it is read from, filtered on the id: it reads back as that list.
            let read = Query::parse(&url, profile).expect("a list URL");
            assert_eq!(read.route.returns, route.returns, "{key}");
            assert_eq!(read.route.params.len(), 0, "{key}");
            assert!(
                read.option(QueryOption::Filter)
                    .is_some_and(|f| f.starts_with(&format!("{property} eq '"))),
                "{key}: {read:?}"
            );
            continue;
        }
        if route.writes() {
            // A URL names no method: read back, it is the read of the same path where there is one,
            // else the write itself (Defender's: sent after a confirmation; Graph's: explained as never
            // sent). A write's body is not in its URL.
            let read = Query::parse(&url, profile).map(|q| (q.route.runs(), q.route.key));
            assert!(
                matches!(read, Ok((true, _))) || read == Ok((false, key)),
                "{key}: {read:?}"
            );
            continue;
        }
        let other = match profile {
            Profile::Wdatp | Profile::Graph => Profile::Defender(Region::Eu),
            Profile::Defender(_) => Profile::Wdatp,
        };
        assert_eq!(Query::parse(&url, other).as_ref(), Ok(&query), "{key}");
        // The path alone is read against the current profile.
        assert_eq!(Query::parse(&query.path(), profile), Ok(query), "{key}");
    }
}

#[test]
fn the_source_example_is_the_documented_url() {
    assert_eq!(
        Query::source_example().url(),
        "https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine"
    );
}

#[test]
fn find_arguments_are_odata_literals_in_any_order() {
    let q = Query::parse(
        "https://graph.microsoft.com/testwdatppreview/machines/find(timestamp=2018-06-19T10:00:00Z,key='10.166.93.61')",
        Profile::Wdatp,
    )
    .unwrap();
    assert_eq!(q.route.key, "machines.find");
    assert_eq!(q.param("id"), "10.166.93.61");
    assert_eq!(q.param("time"), "2018-06-19T10:00:00Z");
    assert_eq!(
        q.path(),
        "/machines/find(key='10.166.93.61',timestamp=2018-06-19T10:00:00Z)"
    );
    let mut q = q;
    q.set_param("id", "o'brien.contoso.com");
    q.set_param("time", "2017-06-27T02:36:53+02:00");
    assert_eq!(
        q.path(),
        "/machines/find(key='o''brien.contoso.com',timestamp=2017-06-27T02:36:53%2B02:00)"
    );
    assert_eq!(Query::parse(&q.url(), Profile::Wdatp), Ok(q));
}

#[test]
fn path_parameters_are_percent_encoded() {
    let route = Api::Wdatp.route("users.alerts").unwrap();
    let mut q = Query::new(Profile::Wdatp, route);
    for (value, encoded) in [
        ("CONTOSO\\jdoe", "CONTOSO%5Cjdoe"),
        ("a b", "a%20b"),
        ("a/b", "a%2Fb"),
        ("a#b?c", "a%23b%3Fc"),
        ("jdoe@contoso.com", "jdoe@contoso.com"),
        ("Jürgen", "J%C3%BCrgen"),
    ] {
        q.set_param("id", value);
        assert_eq!(q.path(), format!("/users/{encoded}/alerts"));
        assert_eq!(Query::parse(&q.path(), Profile::Wdatp), Ok(q.clone()));
    }
}

#[test]
fn option_values_are_encoded_per_odata_conventions() {
    let route = Api::Defender.route("alerts.list").unwrap();
    let mut q = Query::new(Profile::Defender(Region::Global), route);
    q.set_option(
        QueryOption::Filter,
        "title eq 'a&b' and assignedTo eq 'x+y#z'",
    );
    q.set_option(QueryOption::Select, "id,title");
    assert_eq!(
        q.path(),
        "/alerts?$filter=title%20eq%20'a%26b'%20and%20assignedTo%20eq%20'x%2By%23z'&$select=id,title"
    );
    assert_eq!(Query::parse(&q.path(), q.profile), Ok(q));
}

#[test]
fn parse_keeps_option_order_and_reads_names_leniently() {
    let q = Query::parse("/alerts?$expand=machine&top=3&$SKIP=6", Profile::Wdatp).unwrap();
    assert_eq!(
        q.options,
        vec![
            (QueryOption::Expand, "machine".to_string()),
            (QueryOption::Top, "3".to_string()),
            (QueryOption::Skip, "6".to_string()),
        ]
    );
    assert_eq!(q.path(), "/alerts?$expand=machine&$top=3&$skip=6");
}

#[test]
fn unreadable_urls_say_why() {
    let cases = [
        ("", UrlError::Empty),
        (
            "https://evil.example/alerts",
            UrlError::UnknownBase {
                found: "https://evil.example/alerts".into(),
            },
        ),
        (
            "/alerts?$top=1&$top=2",
            UrlError::DuplicateOption {
                option: QueryOption::Top,
            },
        ),
        (
            "/alerts?$frob=1",
            UrlError::UnknownOption {
                name: "$frob".into(),
            },
        ),
    ];
    for (url, expected) in cases {
        assert_eq!(Query::parse(url, Profile::Wdatp), Err(expected), "{url}");
    }
    let Err(UrlError::UnknownRoute { other_profile, .. }) =
        Query::parse("/alerts/1_2/machine", Profile::Wdatp)
    else {
        panic!("expected an unknown route");
    };
    assert_eq!(other_profile, Some(Profile::Defender(Region::Global)));
    let err = Query::parse("/files{id}/machines", Profile::Wdatp).unwrap_err();
    assert!(
        err.to_string().contains("No route of the WDATP API"),
        "{err}"
    );
    let err = Query::parse("/machines/find(key='x'", Profile::Wdatp).unwrap_err();
    assert!(
        err.to_string().contains("find( is not closed with )"),
        "{err}"
    );
    let err = Query::parse("/machines/find(key='x,timestamp=1)", Profile::Wdatp).unwrap_err();
    assert!(err.to_string().contains("not closed"), "{err}");
    let err = Query::parse("/machines/find(name='x')", Profile::Wdatp).unwrap_err();
    assert!(
        err.to_string().contains("no argument named \"name\""),
        "{err}"
    );
    let err = Query::parse("/users/%FF", Profile::Wdatp).unwrap_err();
    assert!(matches!(err, UrlError::BadEncoding { .. }), "{err}");
}

fn problems(
    route_key: &str,
    params: &[(&str, &str)],
    options: &[(QueryOption, &str)],
) -> Vec<String> {
    let route = Api::Wdatp.route(route_key).unwrap();
    let mut q = Query::new(Profile::Wdatp, route);
    for (name, value) in params {
        q.set_param(name, value);
    }
    for (option, value) in options {
        q.options.push((*option, value.to_string()));
    }
    q.validate().iter().map(ToString::to_string).collect()
}

#[test]
fn validation_explains_each_problem_at_its_control() {
    let route = Api::Wdatp.route("files.get").unwrap();
    let q = Query::new(Profile::Wdatp, route);
    assert_eq!(q.validate()[0].field(), Field::Param("id"));
    assert_eq!(
        problems("files.get", &[], &[]),
        ["id is required: SHA1, SHA256 or MD5 of the file."]
    );
    assert_eq!(
        problems("files.get", &[("id", "abc")], &[]),
        ["id: a file id is a hash of 32 (MD5), 40 (SHA1) or 64 (SHA256) hexadecimal characters; this is 3 characters."]
    );
    assert!(problems("files.get", &[("id", &"z".repeat(40))], &[])[0]
        .contains("'z' is not hexadecimal"));
    for hash in ["d41d8cd98f00b204e9800998ecf8427e", FILE, &"a".repeat(64)] {
        assert_eq!(
            problems("files.get", &[("id", hash)], &[]),
            Vec::<String>::new()
        );
    }
    assert!(problems("ips.get", &[("id", "10.0.0.256")], &[])[0]
        .contains("not an IPv4 or IPv6 address"));
    assert_eq!(
        problems("ips.get", &[("id", "fe80::1")], &[]),
        Vec::<String>::new()
    );
    assert!(problems("machines.get", &[("id", "abc")], &[])[0].contains("40 hexadecimal"));
    assert!(problems(
        "machines.find",
        &[("id", "host.contoso.com"), ("time", "yesterday")],
        &[]
    )[0]
    .contains("not an ISO 8601 time"));
    assert!(problems(
        "machines.find",
        &[("id", "not a host!"), ("time", "2017-06-27T02:36:53Z")],
        &[]
    )[0]
    .contains("Machine FQDN or internal IP"));
    assert!(problems("users.get", &[("id", "jdoe\u{202E}")], &[])[0].contains("U+202E"));
    assert!(problems("users.get", &[("id", " jdoe")], &[])[0].contains("spaces"));
    assert_eq!(
        problems("users.get", &[("id", "CONTOSO\\jdoe")], &[]),
        Vec::<String>::new()
    );
    assert!(problems("users.get", &[("id", "CONTOSO\\")], &[])[0].contains("domain\\name"));

    let alerts = |options: &[(QueryOption, &str)]| problems("alerts.list", &[], options);
    assert_eq!(
        alerts(&[(QueryOption::Top, "0")]),
        ["$top: must be from 1 to 10000."]
    );
    assert!(alerts(&[(QueryOption::Top, "ten")])[0].contains("not a whole number"));
    assert!(alerts(&[(QueryOption::Top, "-1")])[0].contains("not a whole number"));
    assert!(alerts(&[(QueryOption::Top, "10001")])[0].contains("from 1 to 10000"));
    assert_eq!(
        alerts(&[(QueryOption::Filter, "severity eq 'High'")]),
        ["$filter is not accepted by Get /alerts; remove it."]
    );
    assert!(alerts(&[(QueryOption::Expand, "user")])[0].contains("expands machine"));
    assert!(alerts(&[(QueryOption::Select, "id,,title")])[0].contains("not a property name"));
    assert!(alerts(&[(QueryOption::Count, "yes")])[0].contains("neither true nor false"));
    assert!(problems(
        "domains.stats",
        &[("id", "contoso.com")],
        &[(QueryOption::Top, "1")]
    )[0]
    .contains("not accepted by Stats /domains/{id}/stats"));
}

#[test]
fn switching_profile_keeps_what_carries_over() {
    let route = Api::Wdatp.route("alerts.machines").unwrap();
    let mut q = Query::new(Profile::Wdatp, route);
    q.set_param("id", ALERT);
    q.set_option(QueryOption::Top, "5");
    let mde = q.with_profile(Profile::Defender(Region::Uk));
    assert_eq!(mde.route.key, "alerts.machine");
    assert_eq!(
        mde.url(),
        format!("https://uk.api.security.microsoft.com/api/alerts/{ALERT}/machine")
    );
    let actor = Query::new(Profile::Wdatp, Api::Wdatp.route("actor.get").unwrap());
    assert_eq!(
        actor
            .with_profile(Profile::Defender(Region::Global))
            .route
            .key,
        "alerts.list"
    );
    let find = Api::Wdatp.route("machines.find").unwrap();
    let mut q = Query::new(Profile::Wdatp, find);
    q.set_param("time", "2017-06-27T02:36:53Z");
    let mde = q.with_profile(Profile::Defender(Region::Global));
    assert_eq!(mde.param("timestamp"), "2017-06-27T02:36:53Z");
}

fn any_profile() -> impl Strategy<Value = Profile> {
    prop_oneof![
        Just(Profile::Wdatp),
        proptest::sample::select(Region::ALL.to_vec()).prop_map(Profile::Defender),
    ]
}

fn any_query() -> impl Strategy<Value = Query> {
    any_query_of(any_profile(), 5)
}

/// Any query of a profile `profile` draws, with up to `max_options - 1` options set to any text (the
/// history's tests draw from it too).
pub(crate) fn any_query_of(
    profile: impl Strategy<Value = Profile>,
    max_options: usize,
) -> impl Strategy<Value = Query> {
    (
        profile,
        any::<proptest::sample::Index>(),
        proptest::collection::vec(any::<String>(), 2),
        proptest::collection::vec(
            (
                proptest::sample::select(QueryOption::ALL.to_vec()),
                any::<String>(),
            ),
            0..max_options,
        ),
    )
        .prop_map(|(profile, index, values, options)| {
            // A relation read from a filtered list is a pivot, not a query of its own: its URL reads
            // back as that list (`every_route_builds_its_exact_url_and_parses_back`).
            let routes: Vec<&'static Route> = profile
                .api()
                .routes()
                .filter(|r| r.listed_by.is_none())
                .collect();
            let route = routes[index.index(routes.len())];
            let mut q = Query::new(profile, route);
            for (param, value) in route.params.iter().zip(values) {
                q.set_param(param.name, &value);
            }
            for (option, value) in options {
                q.set_option(option, &value);
            }
            q
        })
}

proptest! {
    #[test]
    fn any_query_round_trips_through_its_url(q in any_query()) {
        let other = match q.profile {
            Profile::Wdatp | Profile::Graph => Profile::Defender(Region::Global),
            Profile::Defender(_) => Profile::Wdatp,
        };
        let parsed = Query::parse(&q.url(), other);
        if q.route.writes() {
            // A URL names no method: it reads back as the read of its path where there is one.
            let read = parsed.map(|p| (p.route.template, p.params));
            prop_assert_eq!(read, Ok((q.route.template, q.params.clone())));
        } else {
            prop_assert_eq!(parsed, Ok(q.clone()));
        }
        let _ = q.validate();
    }

    #[test]
    fn parsing_any_text_never_panics(text in any::<String>(), path in "/[a-z]{1,9}(/[^?]{0,12}){0,3}(\\?.{0,30})?") {
        let _ = Query::parse(&text, Profile::Wdatp).map(|q| q.validate());
        let _ = Query::parse(&path, Profile::Wdatp).map(|q| q.validate());
        let _ = Query::parse(&path, Profile::Defender(Region::Eu)).map(|q| q.validate());
    }
}

#[test]
fn graph_filters_name_only_the_documented_properties() {
    let route = Api::Graph.route("alerts.list").unwrap();
    let mut q = Query::new(Profile::Graph, route);
    q.set_option(
        QueryOption::Filter,
        "severity eq 'high' and status eq 'new'",
    );
    assert_eq!(q.validate(), vec![]);
    q.set_option(QueryOption::Filter, "severity eq 'high' or title eq 'x'");
    let problems = q.validate();
    let text = problems[0].to_string();
    assert!(
        text.contains("\"title\" cannot be filtered on here"),
        "{text}"
    );
    assert!(text.contains("at position 23"), "{text}");
    assert!(text.contains("serviceSource"), "{text}");
    q.set_option(QueryOption::Filter, "Severity eq 'high'");
    let text = q.validate()[0].to_string();
    assert!(text.contains("case-sensitive: severity"), "{text}");
    // Incidents filter on their own list: no serviceSource there.
    let incidents = Api::Graph.route("incidents.list").unwrap();
    let mut q = Query::new(Profile::Graph, incidents);
    q.set_option(
        QueryOption::Filter,
        "serviceSource eq 'microsoftDefenderForEndpoint'",
    );
    assert_eq!(q.validate().len(), 1);
}

#[test]
fn write_routes_are_listed_and_never_run() {
    let writes: Vec<_> = ROUTES.iter().filter(|r| !r.runs()).map(|r| r.key).collect();
    assert_eq!(
        writes,
        [
            "alerts.update",
            "alerts.comment",
            "incidents.update",
            "incidents.comment"
        ]
    );
    for route in ROUTES.iter().filter(|r| !r.runs()) {
        let text = sample_query(Profile::Graph, route).validate()[0].to_string();
        assert!(text.contains("never sends it"), "{text}");
        assert!(
            route.permission().ends_with("ReadWrite.All"),
            "{}",
            route.key
        );
    }
    assert_eq!(
        Api::Graph.route("incidents.get").unwrap().permission(),
        "SecurityIncident.Read.All"
    );
    assert_eq!(
        Api::Graph.route("alerts.list").unwrap().permission(),
        "SecurityAlert.Read.All"
    );
    assert_eq!(
        Api::Defender.route("machines.get").unwrap().permission(),
        "Machine.Read.All"
    );
}
