//! The HTML extractor on arbitrary bytes, then the full audit (see `harness.rs`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::html(data));
