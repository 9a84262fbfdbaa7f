//! The JSON and Markdown readers: the first byte picks the file of a valid
//! folder (plan.json, a commitments.json, process.json, a situation analysis,
//! the process introduction), the rest is its content. `nap_input::load`
//! must return diagnostics, never panic or hang (JSON nesting included).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_fuzz::Folder;
use std::sync::OnceLock;

static FOLDER: OnceLock<Folder> = OnceLock::new();

const FILES: [&str; 5] = [
    "plan.json",
    "areas/drejtesia/commitments.json",
    "process/process.json",
    "areas/drejtesia/situation-analysis.md",
    "process/intro.md",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let folder = FOLDER.get_or_init(|| Folder::new("input_json"));
    folder.write_with(FILES[usize::from(pick) % FILES.len()], content);
    nap_fuzz::load_and_check(folder);
});
