//! A full audit of arbitrary text with the built-in rules (see `harness.rs`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::audit(data));
