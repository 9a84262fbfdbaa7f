//! `nap check`.

use nap_input::{load, LoadOptions};
use std::path::Path;

pub fn run(inputs: &Path, final_rules: bool) -> i32 {
    let loaded = load(inputs, &LoadOptions { final_rules });
    let stderr = std::io::stderr();
    let _ = nap_input::report::print(&mut stderr.lock(), &loaded, inputs);
    if loaded.has_errors() {
        1
    } else {
        0
    }
}
