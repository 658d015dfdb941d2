//! Rule-pack parsing and compiling on arbitrary TOML (see `harness.rs`).
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::rule_pack(data));
