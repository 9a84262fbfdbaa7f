//! The comments reader: any bytes as `comments/komentet.csv` of a valid
//! folder. `nap_input::load` must return diagnostics, never panic or hang,
//! and every text of a plan it builds must be normalized.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_fuzz::Folder;
use std::sync::OnceLock;

static FOLDER: OnceLock<Folder> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let folder = FOLDER.get_or_init(|| Folder::new("input_csv"));
    folder.write_with("comments/komentet.csv", data);
    nap_fuzz::load_and_check(folder);
});
