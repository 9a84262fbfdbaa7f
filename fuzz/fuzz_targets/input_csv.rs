//! `nap_fuzz_targets::targets::input_csv`: what it feeds and what must hold is
//! documented there (and in fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nap_fuzz_targets::targets::input_csv(data));
