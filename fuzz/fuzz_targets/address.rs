#![no_main]
//! See `atp_core::fuzz::address`: the entry point is in the core so the regression tests run the same code.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| atp_core::fuzz::address(data));
