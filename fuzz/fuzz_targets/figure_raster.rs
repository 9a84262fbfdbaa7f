//! `nap_fuzz_targets::targets::figure_raster`: what it feeds and what must
//! hold is documented there (and in fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_fuzz_targets::svg::FuzzSvg;

fuzz_target!(|input: FuzzSvg| nap_fuzz_targets::targets::figure_raster(input));
