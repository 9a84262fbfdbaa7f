//! `nap_fuzz_targets::targets::markdown_to_doc`: what it feeds and what must hold is
//! documented there (and in fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nap_fuzz_targets::targets::markdown_to_doc(data));
