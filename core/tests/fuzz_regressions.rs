//! Every input a fuzz target (`fuzz/`, `cargo xtask fuzz`) crashed on, fed as the exact bytes to the same
//! entry point (`atp_core::fuzz`), so a fixed crash stays fixed in the normal test run.

use atp_core::fuzz;

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
}
