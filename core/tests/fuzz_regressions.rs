//! Every input a fuzz target (`fuzz/`, `cargo xtask fuzz`) crashed on, fed as the exact bytes to the same
//! entry point (`atp_core::fuzz`), so a fixed crash stays fixed in the normal test run.

use atp_core::fuzz;
use atp_core::model::Timestamp;

/// Runs `entry` on each input; a panic names the input.
fn replay(entry: fn(&[u8]), inputs: &[&[u8]]) {
    for input in inputs {
        let outcome = std::panic::catch_unwind(|| entry(input));
        assert!(
            outcome.is_ok(),
            "crashed again on {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn the_entry_points_take_ordinary_inputs() {
    replay(
        fuzz::request_url,
        &[
            b"https://graph.microsoft.com/testwdatp/alerts?$top=20&$expand=machine",
            b"/machines/find(key='host.contoso.com',timestamp=2017-06-27T02:36:53Z)",
        ],
    );
    replay(
        fuzz::filter,
        &[
            b"severity eq 'High' and status ne 'Resolved'",
            b"title desc",
        ],
    );
    replay(
        fuzz::response,
        &[
            b"\x01{\"value\": [{\"id\": \"a\", \"alertCreationTime\": \"2017-06-27T02:36:53Z\"}]}",
            b"\x00{\"error\": {\"code\": \"NotFound\", \"message\": \"no\"}}",
        ],
    );
    replay(
        fuzz::demo_engine,
        &[b"/alerts?$top=3&$expand=machine", b"/machines?$filter=x eq"],
    );
    replay(
        fuzz::address,
        &[
            b"?profile=wdatp&q=/alerts?$top=20%26$expand=machine&dataset=hostile&g=sa1~x'0!machines",
            b"?api=live&base=https://evil.example/api&authority=http://127.0.0.1:9/t&q=/alerts",
            b"?profile=graph&hunt=DeviceInfo%0A|+take+1&timespan=+P7D+&hapi=mde",
            b"#&&==&q&g=~~!&gprofile=mde-xx&graph-synthetic=99999999999999999999999",
            b"?q=%FF%FE%zz+&profile=mde-eu",
        ],
    );
    replay(
        fuzz::kql,
        &[
            b"DeviceProcessEvents | where Timestamp > ago(7d) | summarize count() by DeviceName | render barchart",
            b"let x = AlertEvidence | distinct SHA1; DeviceFileEvents | where SHA1 in (x) | take 3",
            b"DeviceInfo | join kind=fullouter (DeviceNetworkInfo) on DeviceId | mv-expand IPAddresses",
            b"print x = 1 / 0, y = datetime(9999-12-31) + 1000000d",
            b"DeviceEvents | where (((((",
            b"'unterminated",
        ],
    );
}

/// `response`, 2026-11-26: the Machine sample's `firstSeen` has eleven fractional digits; the model kept
/// nanoseconds its Display (100 ns ticks, as the API writes) drops, so the entity written back decoded
/// to another time. Also the neighbours of that bug: a leap second's fraction and an offset that carries
/// the UTC year out of four digits.
#[test]
fn response_times_read_as_they_are_written_back() {
    replay(
        fuzz::response,
        &[
            include_bytes!("fuzz_inputs/response/crash-5bffc0153b055f358048704e5f96a430b0960c1b"),
            b"\x01{\"firstSeen\": \"2018-08-02T14:55:03.77918791856Z\"}",
            b"\x01{\"lastSeen\": \"2016-12-31T23:59:60.5Z\"}",
            b"\x01{\"firstSeen\": \"9999-12-31T23:59:59-23:59\"}",
            b"\x01{\"firstSeen\": \"0000-01-01T00:00:00+00:01\"}",
        ],
    );
    let t = |s: &str| Timestamp::parse(s).map(|t| t.to_string());
    assert_eq!(
        t("2018-08-02T14:55:03.77918791856Z").as_deref(),
        Some("2018-08-02T14:55:03.7791879Z")
    );
    assert_eq!(t("9999-12-31T23:59:59-23:59"), None);
    assert_eq!(t("0000-01-01T00:00:00+00:01"), None);
}
