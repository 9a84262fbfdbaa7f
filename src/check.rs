//! `nap check`, and the loading every command shares.

use nap_input::{load, LoadOptions, Loaded};
use std::path::Path;

/// Reads and validates the input folder: the contract's rules (`nap-input`)
/// and the document rules ([`crate::checks`]), all diagnostics sorted.
pub fn load_checked(inputs: &Path, final_rules: bool) -> Loaded {
    let mut loaded = load(inputs, &LoadOptions { final_rules });
    if let Some(plan) = &loaded.plan {
        let more = crate::checks::plan(plan, &loaded.diagnostics, final_rules);
        loaded.diagnostics.extend(more);
        nap_model::diag::sort(&mut loaded.diagnostics);
    }
    loaded
}

pub fn run(inputs: &Path, final_rules: bool) -> i32 {
    let loaded = load_checked(inputs, final_rules);
    let stderr = std::io::stderr();
    let _ = nap_input::report::print(&mut stderr.lock(), &loaded, inputs);
    if loaded.has_errors() {
        1
    } else {
        0
    }
}
