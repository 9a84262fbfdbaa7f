//! Writes the sample documents to a folder, to open or convert them:
//! `cargo run -p nap-docx --example render -- /tmp/out`
#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sample.docx"), nap_docx::docx(&nap_doc::sample())).unwrap();
    std::fs::write(dir.join("rich.docx"), nap_docx::docx(&common::rich())).unwrap();
}
