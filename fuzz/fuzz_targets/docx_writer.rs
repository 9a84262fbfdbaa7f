//! The DOCX writer on generated documents (every block type, hostile text,
//! links, revisions, figures, spans) plus Markdown-made blocks: it must not
//! panic, and every XML part of the package must be well-formed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nap_fuzz::doc::FuzzDoc;

fuzz_target!(|input: FuzzDoc| {
    let doc = input.build();
    nap_fuzz::check_document(&doc);
    let bytes = nap_docx::docx(&doc);
    nap_fuzz::check_docx(&bytes);
});
