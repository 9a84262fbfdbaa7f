//! `nap_fuzz_targets::targets::docx_writer`: what it feeds and what must hold is
//! documented there (and in fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_fuzz_targets::doc::FuzzDoc;

fuzz_target!(|input: FuzzDoc| nap_fuzz_targets::targets::docx_writer(input));
